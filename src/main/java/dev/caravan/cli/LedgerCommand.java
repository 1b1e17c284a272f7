package dev.caravan.cli;

import dev.caravan.app.Settings;
import dev.caravan.ledger.DeliveryQueue;
import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.EventRow;
import dev.caravan.ledger.FileRow;
import dev.caravan.ledger.Ledger;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code caravan ledger [files|deliveries|show ID]}: what the ledger says, also while the app runs.
 */
@Command(
    name = "ledger",
    mixinStandardHelpOptions = true,
    description = {
      "The ledger: files (default), list (files, filtered), deliveries, show ID (one file's history),",
      "requeue [ID] [--destination NAME] (quarantined deliveries back in the queue),",
      "backfill --destination NAME [--since WHEN] (queue there what it lacks: a new destination),",
      "lock ID / unlock ID (a locked file is never copied or deleted)."
    })
public final class LedgerCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      arity = "0..1",
      defaultValue = "files",
      paramLabel = "WHAT",
      description = "files, list, deliveries, show, requeue, backfill, lock or unlock")
  String what;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "ID",
      description = "file id, for show, lock, unlock and requeue")
  Long id;

  @Option(names = "--config", paramLabel = "FILE", description = "A properties file.")
  Path config;

  @Option(
      names = "--destination",
      paramLabel = "NAME",
      description =
          "requeue: only the deliveries to this destination; list: files with a delivery there;"
              + " backfill: the destination to fill.")
  String destination;

  @Option(
      names = "--state",
      paramLabel = "STATE",
      description = "list: files in this state (DONE, FAILED, DUPLICATE, RECEIVED, RETRY).")
  String state;

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      description =
          "list, backfill: files first seen at or after this (2026-03-01 or an ISO instant).")
  String since;

  @Option(names = "--json", description = "JSON for scripts instead of a table.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Settings settings = Settings.load(config);
    PrintStream out = System.out;
    try (Ledger ledger = settings.openLedger()) {
      switch (what) {
        case "files" -> printFiles(out, ledger.files());
        case "list" -> printFiles(out, list(ledger));
        case "deliveries" -> printDeliveries(out, ledger.deliveries());
        case "show" -> {
          if (id == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "show needs a file id");
          }
          var file = ledger.file(id);
          if (file.isEmpty()) {
            out.println("no file " + id + " in the ledger");
            return 1;
          }
          if (json) {
            Json.print(
                out,
                java.util.Map.of(
                    "file", file.get(),
                    "deliveries", ledger.deliveriesOf(id),
                    "events", ledger.events(id)));
            return 0;
          }
          printFiles(out, List.of(file.get()));
          out.println();
          printDeliveries(out, ledger.deliveriesOf(id));
          out.println();
          for (EventRow e : ledger.events(id)) {
            out.printf("%s  %-16s %s%n", e.at(), e.event(), e.detail() == null ? "" : e.detail());
          }
        }
        case "requeue" -> {
          int n = new DeliveryQueue(ledger, DeliveryQueue.Policy.DEFAULT).requeue(destination, id);
          out.println(n + " quarantined deliveries put back in the queue");
        }
        case "backfill" -> {
          if (destination == null) {
            throw new CommandLine.ParameterException(
                spec.commandLine(), "backfill needs --destination NAME");
          }
          DeliveryQueue.Backfill done =
              new DeliveryQueue(ledger, DeliveryQueue.Policy.DEFAULT)
                  .backfill(destination, sinceInstant());
          out.println(
              done.queued() + " deliveries queued for " + destination + "; the app delivers them");
          if (!done.unavailable().isEmpty()) {
            out.println(
                done.unavailable().size()
                    + " cannot be queued: their local copies are gone (retention, or removed)");
            done.unavailable().forEach(u -> out.println("  " + u));
            return 1;
          }
        }
        case "lock", "unlock" -> {
          if (id == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), what + " needs a file id");
          }
          if (!ledger.lock(id, what.equals("lock"))) {
            out.println("no file " + id + " in the ledger");
            return 1;
          }
          out.println(
              "file "
                  + id
                  + (what.equals("lock")
                      ? " locked: it will not be copied or deleted"
                      : " unlocked"));
        }
        default ->
            throw new CommandLine.ParameterException(
                spec.commandLine(),
                "unknown: "
                    + what
                    + " (files, deliveries, show ID, requeue, backfill, lock ID, unlock ID)");
      }
    }
    return 0;
  }

  private java.time.Instant sinceInstant() {
    if (since == null) {
      return null;
    }
    return since.length() == 10
        ? java.time.LocalDate.parse(since).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
        : java.time.Instant.parse(since);
  }

  /** The files the filters keep. */
  private List<FileRow> list(Ledger ledger) {
    java.time.Instant from = sinceInstant();
    java.util.Set<Long> there =
        destination == null
            ? null
            : ledger.deliveries().stream()
                .filter(d -> d.destination().equals(destination))
                .map(dev.caravan.ledger.DeliveryRow::fileId)
                .collect(java.util.stream.Collectors.toSet());
    java.time.Instant after = from;
    return ledger.files().stream()
        .filter(f -> state == null || f.state().name().equalsIgnoreCase(state))
        .filter(f -> after == null || !f.firstSeen().isBefore(after))
        .filter(f -> there == null || there.contains(f.id()))
        .toList();
  }

  private void printFiles(PrintStream out, List<FileRow> files) {
    if (json) {
      Json.print(out, files);
      return;
    }
    out.printf(
        "%-5s %-10s %-9s %-9s %-12s %-24s %s%n",
        "id", "state", "kind", "size", "sha256", "first seen", "source:path  error");
    for (FileRow f : files) {
      out.printf(
          "%-5d %-10s %-9s %-9d %-12s %-24s %s:%s%s%n",
          f.id(),
          f.state(),
          f.kind(),
          f.size(),
          f.sha256().substring(0, 12),
          f.firstSeen(),
          f.source(),
          f.sourcePath(),
          f.error() == null ? "" : "  " + f.error());
    }
    out.println(files.size() + " file(s)");
  }

  private void printDeliveries(PrintStream out, List<DeliveryRow> deliveries) {
    if (json) {
      Json.print(out, deliveries);
      return;
    }
    out.printf(
        "%-5s %-5s %-10s %-11s %-9s %-8s %-14s %s%n",
        "id",
        "file",
        "artifact",
        "destination",
        "state",
        "attempts",
        "verified by",
        "remote path  error");
    for (DeliveryRow d : deliveries) {
      out.printf(
          "%-5d %-5d %-10s %-11s %-9s %-8d %-14s %s%s%n",
          d.id(),
          d.fileId(),
          d.artifact(),
          d.destination(),
          d.state(),
          d.attempts(),
          d.verifyMethod() == null ? "" : d.verifyMethod(),
          d.remotePath() == null ? "" : d.remotePath(),
          d.lastError() == null ? "" : "  " + d.lastError());
    }
    out.println(deliveries.size() + " deliveries");
  }
}
