package dev.caravan.dslog;

import java.util.ArrayList;
import java.util.List;

/** Every decoded value of a record, as a list, to compare two decodings field by field. */
final class RecordFields {

  private RecordFields() {}

  static List<Object> of(DslogRecord r) {
    List<Object> f = new ArrayList<>();
    f.add(r.index());
    f.add(r.relativeNanos());
    f.add(r.tripRaw());
    f.add(r.packetLossRaw());
    f.add(r.voltageRaw());
    f.add(r.cpuRaw());
    f.add(r.statusRaw());
    f.add(r.canRaw());
    f.add(r.wifiRaw());
    f.add(r.bandwidthRaw());
    f.add(r.pdType());
    f.add(r.pdCanId());
    for (int ch = 0; ch < r.channelCount(); ch++) {
      f.add(r.currentSixteenths(ch));
    }
    f.add(r.pdpResistanceRaw());
    f.add(r.pdpBusVoltageRaw());
    f.add(r.pdpTemperatureRaw());
    f.add(r.pdhFaultFlags());
    return f;
  }
}
