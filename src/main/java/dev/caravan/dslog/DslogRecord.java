package dev.caravan.dslog;

import java.time.Instant;

/**
 * One 20 ms record of a {@code .dslog}, with its raw values and their decoded meanings (format doc
 * §2.3-2.6). Raw integers are kept so that callers can print exact decimals; the {@code double}
 * accessors are exact too (every scale is a power of two, except the PDP bus voltage and
 * temperature).
 */
public final class DslogRecord {

  /** Status-byte masks (§2.4). A bit value of 0 means the condition is true. */
  public static final int BROWNOUT = 0x80,
      WATCHDOG = 0x40,
      DS_TELEOP = 0x20,
      DS_AUTO = 0x10,
      DS_DISABLED = 0x08,
      ROBOT_TELEOP = 0x04,
      ROBOT_AUTO = 0x02,
      ROBOT_DISABLED = 0x01;

  /** Battery-voltage raw value that means "no value". */
  public static final int VOLTAGE_MISSING = 0xFFFF;

  private static final long PERIOD_NANOS = 20_000_000L;

  final DslogHeader header;
  final int index;
  final long offset;
  final int tripRaw;
  final int lossRaw;
  final int voltageRaw;
  final int cpuRaw;
  final int status;
  final int canRaw;
  final int wifiRaw;
  final int bandwidthRaw;
  final PdType pdType;
  final int pdLength;
  final int pdCanId;
  final short[] currentSixteenths;
  final int pdpResistanceRaw;
  final int pdpBusVoltageRaw;
  final int pdpTemperatureRaw;
  final int pdhFaultFlags;

  DslogRecord(
      DslogHeader header,
      int index,
      long offset,
      int tripRaw,
      int lossRaw,
      int voltageRaw,
      int cpuRaw,
      int status,
      int canRaw,
      int wifiRaw,
      int bandwidthRaw,
      PdType pdType,
      int pdLength,
      int pdCanId,
      short[] currentSixteenths,
      int pdpResistanceRaw,
      int pdpBusVoltageRaw,
      int pdpTemperatureRaw,
      int pdhFaultFlags) {
    this.header = header;
    this.index = index;
    this.offset = offset;
    this.tripRaw = tripRaw;
    this.lossRaw = lossRaw;
    this.voltageRaw = voltageRaw;
    this.cpuRaw = cpuRaw;
    this.status = status;
    this.canRaw = canRaw;
    this.wifiRaw = wifiRaw;
    this.bandwidthRaw = bandwidthRaw;
    this.pdType = pdType;
    this.pdLength = pdLength;
    this.pdCanId = pdCanId;
    this.currentSixteenths = currentSixteenths;
    this.pdpResistanceRaw = pdpResistanceRaw;
    this.pdpBusVoltageRaw = pdpBusVoltageRaw;
    this.pdpTemperatureRaw = pdpTemperatureRaw;
    this.pdhFaultFlags = pdhFaultFlags;
  }

  /** The header of the file the record is from. */
  public DslogHeader header() {
    return header;
  }

  /** Position in the file, from 0. */
  public int index() {
    return index;
  }

  /** Byte offset of the record in the file. */
  public long offset() {
    return offset;
  }

  /** Nanoseconds since the header time: index × 20 ms, in integer arithmetic. */
  public long relativeNanos() {
    return index * PERIOD_NANOS;
  }

  /** Absolute time: header time + index × 20 ms. */
  public Instant time() {
    return header.start().plusNanos(relativeNanos());
  }

  public int tripRaw() {
    return tripRaw;
  }

  /** Round-trip time in ms (raw × 0.5). 127.5 while there is no link. */
  public double tripMs() {
    return tripRaw / 2.0;
  }

  /** Packet-loss byte as a signed value (−128…127); × 4 gives percent. */
  public int packetLossRaw() {
    return lossRaw;
  }

  /** Packet loss in percent, raw × 4 clamped to 0–100. */
  public int packetLossPct() {
    return Math.max(0, Math.min(100, lossRaw * 4));
  }

  public int voltageRaw() {
    return voltageRaw;
  }

  /** False when the DS wrote 0xFFFF (no value). */
  public boolean hasBatteryVoltage() {
    return voltageRaw != VOLTAGE_MISSING;
  }

  /** Battery voltage in V (raw ÷ 256); NaN when missing. */
  public double batteryVolts() {
    return hasBatteryVoltage() ? voltageRaw / 256.0 : Double.NaN;
  }

  public int cpuRaw() {
    return cpuRaw;
  }

  /** roboRIO CPU in percent (raw × 0.5). */
  public double rioCpuPct() {
    return cpuRaw / 2.0;
  }

  public int canRaw() {
    return canRaw;
  }

  /** CAN bus utilization in percent (raw × 0.5). */
  public double canUtilPct() {
    return canRaw / 2.0;
  }

  public int wifiRaw() {
    return wifiRaw;
  }

  /** Wi-Fi signal in dB (raw × 0.5); always 0 from the NI DS. */
  public double wifiDb() {
    return wifiRaw / 2.0;
  }

  public int bandwidthRaw() {
    return bandwidthRaw;
  }

  /** Bandwidth in Mb/s (raw ÷ 256); always 0 from the NI DS. */
  public double bandwidthMbps() {
    return bandwidthRaw / 256.0;
  }

  /** The status byte as written (active-low flags). */
  public int statusRaw() {
    return status;
  }

  /** True when the condition of {@code mask} (one of the constants above) holds. */
  public boolean flag(int mask) {
    return (status & mask) == 0;
  }

  public boolean brownout() {
    return flag(BROWNOUT);
  }

  public boolean watchdog() {
    return flag(WATCHDOG);
  }

  public boolean dsTeleop() {
    return flag(DS_TELEOP);
  }

  public boolean dsAuto() {
    return flag(DS_AUTO);
  }

  public boolean dsDisabled() {
    return flag(DS_DISABLED);
  }

  public boolean robotTeleop() {
    return flag(ROBOT_TELEOP);
  }

  public boolean robotAuto() {
    return flag(ROBOT_AUTO);
  }

  public boolean robotDisabled() {
    return flag(ROBOT_DISABLED);
  }

  public PdType pdType() {
    return pdType;
  }

  /** The PD length word (v4), 25 for v3. */
  public int pdLength() {
    return pdLength;
  }

  /** True when the record had a PD block of unknown length that was skipped. */
  public boolean flagged() {
    return pdType == PdType.UNKNOWN;
  }

  /** CAN id of the PDP/PDH; −1 without a known PD block. */
  public int pdCanId() {
    return pdCanId;
  }

  /** Number of current channels: 16 (CTRE), 24 (REV) or 0. */
  public int channelCount() {
    return currentSixteenths.length;
  }

  /** Current of channel {@code ch} in sixteenths of an ampere (exact for both PD types). */
  public int currentSixteenths(int ch) {
    return currentSixteenths[ch];
  }

  /** Current of channel {@code ch} in A. */
  public double currentA(int ch) {
    return currentSixteenths[ch] / 16.0;
  }

  /** Sum of all channel currents in sixteenths of an ampere. */
  public int totalCurrentSixteenths() {
    int sum = 0;
    for (short c : currentSixteenths) {
      sum += c;
    }
    return sum;
  }

  /** CTRE battery internal resistance, raw (mΩ; 255 = unknown); −1 for other PD types. */
  public int pdpResistanceRaw() {
    return pdpResistanceRaw;
  }

  /** CTRE bus voltage byte; −1 for other PD types. */
  public int pdpBusVoltageRaw() {
    return pdpBusVoltageRaw;
  }

  /** CTRE bus voltage in V: raw × 0.05 + 4.0 (WPILib); NaN for other PD types. */
  public double pdpBusVolts() {
    return pdpBusVoltageRaw < 0 ? Double.NaN : (pdpBusVoltageRaw * 5 + 400) / 100.0;
  }

  /** CTRE temperature byte; −1 for other PD types. */
  public int pdpTemperatureRaw() {
    return pdpTemperatureRaw;
  }

  /** CTRE temperature in °C: raw × 1.03250836957542 − 67.8564500484966 (WPILib). */
  public double pdpTemperatureC() {
    return pdpTemperatureRaw < 0
        ? Double.NaN
        : pdpTemperatureRaw * 1.03250836957542 - 67.8564500484966;
  }

  /**
   * REV per-channel brownout/fault flags, bit n for channel n (24 bits; bits 16-23 are the block's
   * last byte); −1 for other PD types.
   */
  public int pdhFaultFlags() {
    return pdhFaultFlags;
  }
}
