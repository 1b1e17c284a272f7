package dev.caravan.cli;

import dev.caravan.app.Settings;
import dev.caravan.leader.LeaseTable;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.ledger.Ledger;
import dev.caravan.observe.LedgerFigures;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code caravan status}: per source and destination, what the ledger says now (the figures of the
 * metrics endpoint). Works while the app runs. Exit 1 when a delivery waits for an operator.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Per source: files by state, the newest file. Per destination: backlog, oldest undelivered,",
      "last verified copy, quarantined deliveries. Exit 0, or 1 when anything is quarantined."
    })
public final class StatusCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", description = "A properties file.")
  Path config;

  @Option(names = "--json", description = "JSON for scripts instead of text.")
  boolean json;

  @Override
  public Integer call() {
    Settings settings = Settings.load(config);
    List<LedgerFigures.Figure> figures;
    List<LeaseTable.Lease> leases;
    try (Ledger ledger = settings.openLedger()) {
      figures = new LedgerFigures(ledger).read();
      leases = new LeaseTable(ledger.dataSource()).all();
    }
    // who runs the master:leader: routes (ledger leases; on Kubernetes the Lease has it instead)
    Map<String, Object> leader = new TreeMap<>();
    for (LeaseTable.Lease lease : leases) {
      if (lease.holder() != null) {
        leader.put("holder", lease.holder());
        leader.put("renewed", lease.renewedAt().toString());
      }
    }
    // sources and destinations: name -> figure -> value
    Map<String, Map<String, Object>> sources = new TreeMap<>();
    Map<String, Map<String, Object>> destinations = new TreeMap<>();
    long quarantined = 0;
    for (LedgerFigures.Figure f : figures) {
      List<String> l = f.labels();
      switch (f.name()) {
        case "caravan.files" ->
            sources
                .computeIfAbsent(l.get(1), k -> new TreeMap<>())
                .put("files." + l.get(3), (long) f.value());
        case "caravan.source.last.file.timestamp" ->
            sources.computeIfAbsent(l.get(1), k -> new TreeMap<>()).put("newestFile", time(f));
        case "caravan.deliveries" -> {
          Map<String, Object> d = destinations.computeIfAbsent(l.get(1), k -> new TreeMap<>());
          d.put("deliveries." + l.get(3), (long) f.value());
          if (!l.get(3).equals(DeliveryState.VERIFIED.name())) {
            d.merge("backlog", (long) f.value(), (a, b) -> (Long) a + (Long) b);
          }
          if (l.get(3).equals(DeliveryState.QUARANTINED.name())) {
            quarantined += (long) f.value();
          }
        }
        case "caravan.destination.last.verified.timestamp" ->
            destinations
                .computeIfAbsent(l.get(1), k -> new TreeMap<>())
                .put("lastVerified", time(f));
        case "caravan.oldest.undelivered.age.seconds" ->
            destinations
                .computeIfAbsent(l.get(1), k -> new TreeMap<>())
                .put("oldestUndeliveredSeconds", (long) f.value());
        case "caravan.delivered.bytes" ->
            destinations
                .computeIfAbsent(l.get(1), k -> new TreeMap<>())
                .put("deliveredBytes", (long) f.value());
        default -> {
          // errors by class and watermarks: in the metrics; not in this summary
        }
      }
    }
    PrintStream out = System.out;
    if (json) {
      Json.print(out, Map.of("sources", sources, "destinations", destinations, "leader", leader));
    } else {
      out.println(
          leader.isEmpty()
              ? "leader     none in the ledger (no app running, or leases kept elsewhere)"
              : "leader     " + leader.get("holder") + " (renewed " + leader.get("renewed") + ")");
      out.println("sources");
      sources.forEach((name, m) -> out.printf("  %-10s %s%n", name, m));
      out.println("destinations");
      destinations.forEach((name, m) -> out.printf("  %-10s %s%n", name, m));
      if (quarantined > 0) {
        out.println(
            quarantined
                + " quarantined deliveries wait for you: caravan ledger deliveries, then"
                + " caravan ledger requeue");
      }
    }
    return quarantined > 0 ? 1 : 0;
  }

  private static String time(LedgerFigures.Figure f) {
    return Instant.ofEpochMilli((long) (f.value() * 1000)).toString();
  }
}
