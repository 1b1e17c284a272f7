package dev.caravan.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caravan's own figures (files per source and state, deliveries per destination and state, bytes
 * delivered, the oldest undelivered file, last poll, last verified delivery, finalized-until,
 * errors by class), refreshed by the {@code observe} route, published twice: as Micrometer gauges
 * (so {@code /observe/metrics} has them next to Camel's) and as the attributes of one JMX MBean,
 * {@code org.apache.camel:context=NAME,type=caravan,name=metrics}, next to Camel's route MBeans.
 */
public final class CaravanMetrics implements DynamicMBean {

  private static final Logger LOG = LoggerFactory.getLogger(CaravanMetrics.class);

  private final LedgerFigures ledger;
  private final Supplier<Map<String, Instant>> lastPolls;
  private final Watchdog watchdog;
  private final Supplier<List<LedgerFigures.Figure>> live;
  private final Map<String, MultiGauge> gauges = new LinkedHashMap<>();
  private volatile Map<String, Double> attributes = Map.of();
  private MeterRegistry registry;
  private ObjectName name;

  /**
   * @param lastPolls the last successful poll of each source
   * @param watchdog told the figures after each refresh, or null
   * @param live figures kept in memory rather than in the ledger (the intakes' gates)
   */
  public CaravanMetrics(
      LedgerFigures ledger,
      Supplier<Map<String, Instant>> lastPolls,
      Watchdog watchdog,
      Supplier<List<LedgerFigures.Figure>> live) {
    this.ledger = ledger;
    this.lastPolls = lastPolls;
    this.watchdog = watchdog;
    this.live = live;
  }

  /** Publishes to Micrometer too (null: JMX only) and registers the MBean. */
  public synchronized void start(MeterRegistry registry, String contextName) {
    this.registry = registry;
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      name =
          new ObjectName("org.apache.camel:context=" + contextName + ",type=caravan,name=metrics");
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
      server.registerMBean(this, name);
    } catch (Exception e) {
      LOG.warn("Caravan's MBean is not registered: {}", e.toString());
      name = null;
    }
    refresh();
  }

  public synchronized void stop() {
    if (name != null) {
      try {
        ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
      } catch (Exception e) {
        // already gone
      }
      name = null;
    }
  }

  /** Reads the figures again. */
  public synchronized void refresh() {
    List<LedgerFigures.Figure> figures = new ArrayList<>(ledger.read());
    lastPolls
        .get()
        .forEach(
            (source, at) ->
                figures.add(
                    new LedgerFigures.Figure(
                        "caravan.source.last.poll.timestamp",
                        List.of("source", source),
                        at.toEpochMilli() / 1000.0)));
    figures.addAll(live.get());
    Map<String, Double> attrs = new TreeMap<>();
    Map<String, List<MultiGauge.Row<?>>> rows = new LinkedHashMap<>();
    for (LedgerFigures.Figure f : figures) {
      attrs.put(attribute(f), f.value());
      rows.computeIfAbsent(f.name(), k -> new ArrayList<>())
          .add(MultiGauge.Row.of(Tags.of(f.labels().toArray(String[]::new)), f.value()));
    }
    attributes = attrs;
    if (watchdog != null) {
      watchdog.evaluate(figures);
    }
    if (registry != null) {
      for (var e : rows.entrySet()) {
        gauges
            .computeIfAbsent(e.getKey(), n -> MultiGauge.builder(n).register(registry))
            .register(e.getValue(), true);
      }
      for (var e : gauges.entrySet()) {
        if (!rows.containsKey(e.getKey())) {
          e.getValue().register(List.of(), true); // nothing of that kind any more
        }
      }
    }
  }

  /**
   * The JMX attribute of a figure: its name and labels, e.g. {@code deliveries.archive.VERIFIED}.
   */
  static String attribute(LedgerFigures.Figure f) {
    StringBuilder s = new StringBuilder(f.name().replaceFirst("^caravan\\.", ""));
    for (int i = 1; i < f.labels().size(); i += 2) {
      s.append('.').append(f.labels().get(i));
    }
    return s.toString();
  }

  // --- DynamicMBean

  @Override
  public Object getAttribute(String attribute) throws AttributeNotFoundException {
    Double v = attributes.get(attribute);
    if (v == null) {
      throw new AttributeNotFoundException(attribute);
    }
    return v;
  }

  @Override
  public void setAttribute(Attribute attribute) {
    throw new UnsupportedOperationException("Caravan's figures are read-only");
  }

  @Override
  public AttributeList getAttributes(String[] names) {
    AttributeList list = new AttributeList();
    for (String n : names) {
      Double v = attributes.get(n);
      if (v != null) {
        list.add(new Attribute(n, v));
      }
    }
    return list;
  }

  @Override
  public AttributeList setAttributes(AttributeList attributes) {
    return new AttributeList();
  }

  @Override
  public Object invoke(String action, Object[] params, String[] signature) {
    if ("refresh".equals(action)) {
      refresh();
      return null;
    }
    throw new UnsupportedOperationException(action);
  }

  @Override
  public MBeanInfo getMBeanInfo() {
    MBeanAttributeInfo[] infos =
        attributes.keySet().stream()
            .map(
                n ->
                    new MBeanAttributeInfo(
                        n, Double.class.getName(), "Caravan figure " + n, true, false, false))
            .toArray(MBeanAttributeInfo[]::new);
    return new MBeanInfo(
        CaravanMetrics.class.getName(),
        "Caravan's figures from the ledger (see the README's metrics list)",
        infos,
        null,
        new javax.management.MBeanOperationInfo[] {
          new javax.management.MBeanOperationInfo(
              "refresh",
              "read the figures again",
              null,
              "void",
              javax.management.MBeanOperationInfo.ACTION)
        },
        null);
  }
}
