package dev.caravan.cli;

import dev.caravan.app.DestinationKinds;
import dev.caravan.app.Settings;
import dev.caravan.deliver.Audit;
import dev.caravan.deliver.DestinationConfig;
import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.Ledger;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code caravan check [--destination NAME] [--repair]}: are the verified copies still there? */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Re-verifies every copy the ledger calls verified, at its destination (the same read-back as"
          + " the delivery), and reports the missing and changed ones.",
      "--repair queues those again (a changed copy is never overwritten: the new one gets the next"
          + " free name). Exit 0 when every copy is good, 1 when any is not."
    })
public final class CheckCommand implements Callable<Integer> {

  @Option(names = "--destination", paramLabel = "NAME", description = "Only this destination.")
  String destination;

  @Option(names = "--repair", description = "Queue the bad copies for delivery again.")
  boolean repair;

  @Option(names = "--config", paramLabel = "FILE", description = "A properties file.")
  Path config;

  @Override
  public Integer call() {
    Settings settings = Settings.load(config);
    PrintStream out = System.out;
    Audit.Result result;
    try (Ledger ledger = settings.openLedger()) {
      Progress progress = new Progress("checking");
      result =
          new Audit(ledger, new DestinationKinds(new DestinationConfig(settings::get), ledger))
              .run(destination, repair, progress::show);
      progress.end();
    }
    for (Audit.Bad b : result.bad()) {
      DeliveryRow d = b.delivery();
      out.printf(
          "BAD  file %d %s %s -> %s:%s: %s%s%n",
          d.fileId(),
          d.fileName(),
          d.artifact(),
          d.destination(),
          d.remotePath(),
          b.problem(),
          repair ? " (queued again)" : "");
    }
    out.printf("%d verified copies checked, %d bad%n", result.checked(), result.bad().size());
    return result.bad().isEmpty() ? 0 : 1;
  }
}
