package dev.caravan.cli;

import dev.caravan.app.CaravanApp;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code caravan run} (the default): the route application, until stopped (SIGTERM, Ctrl-C). */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the route application: inbox -> landing -> decode -> archive, with the ledger.",
      "Configuration: config/application.properties (or --config), overridden by system properties"
          + " and environment variables (caravan.inbox = CARAVAN_INBOX). Routes: routes/*.camel.yaml"
          + " (or --routes), reloaded when edited; the jar's own copies when there is no such folder."
    })
public final class RunCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", description = "A properties file.")
  Path config;

  @Option(names = "--routes", paramLabel = "DIR", description = "A folder of *.camel.yaml routes.")
  Path routes;

  @Option(
      names = "--dry-run",
      description = "List what would be taken and delivered; start nothing, change nothing.")
  boolean dryRun;

  @Override
  public Integer call() throws Exception {
    if (dryRun) {
      return new DryRun(
              dev.caravan.app.Settings.load(config),
              routes != null ? routes : Path.of("routes"),
              System.out)
          .run();
    }
    // SIGTERM and Ctrl-C stop Camel gracefully (in-flight files finish, the rest wait for the next
    // start) before the JVM's shutdown hooks run
    org.apache.camel.main.Main main = CaravanApp.create(config, routes, Map.of());
    dev.caravan.app.GracefulStop.on(main, "TERM", "INT");
    main.run();
    return 0;
  }
}
