package dev.caravan.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.FileRow;
import dev.caravan.ledger.FileState;
import dev.caravan.ledger.Ledger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * The real route application, started in-process on temporary folders with the project's own {@code
 * routes/} (or a copy) and fast polling, and its ledger.
 */
public final class AppHarness implements AutoCloseable {

  public final Path inbox;
  public final Path archive;
  public final Path data;
  public final Path routes;
  private final Map<String, String> overrides = new HashMap<>();
  private Main main;
  private Path config;

  public AppHarness(Path root, String dbUrl) throws Exception {
    inbox = Files.createDirectories(root.resolve("inbox"));
    archive = root.resolve("archive");
    data = root.resolve("data");
    routes = Files.createDirectories(root.resolve("routes"));
    try (var files = Files.list(Path.of("routes"))) {
      for (Path p : files.toList()) {
        Files.copy(p, routes.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    overrides.put("caravan.inbox", inbox.toString());
    overrides.put("caravan.archive", archive.toString());
    overrides.put("caravan.data", data.toString());
    overrides.put("caravan.intake.min-age", "300");
    overrides.put("caravan.intake.poll-interval", "100");
    overrides.put("caravan.deliver.poll-interval", "100");
    // most tests count the deliveries of raw files and CSVs: the summaries and day reports only
    // where a test asks for them (InsightRouteTest)
    overrides.put("caravan.insight.enabled", "false");
    overrides.put("caravan.deliver.backoff", "100");
    overrides.put("caravan.deliver.backoff-max", "1000");
    overrides.put("caravan.deliver.lease", "3000");
    overrides.put("camel.management.enabled", "false");
    overrides.put("camel.server.enabled", "false");
    overrides.put("caravan.routes.reload", "false");
    if (dbUrl != null) {
      overrides.put("caravan.db.url", dbUrl);
    }
  }

  /**
   * Another destination of a kind: deliver-NAME.camel.yaml, a templatedRoute of the kind's template
   * with the name changed, as the shipped destination files' header tells an operator to.
   */
  public void addDestination(String kind, String name) throws java.io.IOException {
    Files.writeString(
        routes.resolve("deliver-" + name + ".camel.yaml"), destinationRoute(kind, name));
  }

  /** The route file of a destination NAME of a kind: the shipped one's, with the name changed. */
  public static String destinationRoute(String kind, String name) throws java.io.IOException {
    return Files.readString(Path.of("routes", "deliver-" + kind + ".camel.yaml"))
        .replace("routeId: deliver-" + kind, "routeId: deliver-" + name)
        .replace("value: " + kind, "value: " + name);
  }

  /** The shipped S3 destination, on {@code bucket} of the test store. */
  public AppHarness withS3(dev.caravan.testing.S3TestServer s3, String bucket) {
    return set("caravan.s3.enabled", "true")
        .set("caravan.s3.endpoint", s3.endpoint())
        .set("caravan.s3.bucket", bucket)
        .set("caravan.s3.path-style", "true")
        .set("caravan.s3.access-key", dev.caravan.testing.S3TestServer.ACCESS_KEY)
        .set("caravan.s3.secret-key", dev.caravan.testing.S3TestServer.SECRET_KEY);
  }

  /** Sets a configuration key for the next start; null takes an override away. */
  public AppHarness set(String key, String value) {
    if (value == null) {
      overrides.remove(key);
    } else {
      overrides.put(key, value);
    }
    return this;
  }

  /** Sets every key of {@code settings} (see {@code testing/TestConfig}). */
  public AppHarness setAll(Map<String, String> settings) {
    settings.forEach(this::set);
    return this;
  }

  /** Starts with this properties file as the operator's configuration (else none). */
  public AppHarness config(Path file) {
    this.config = file;
    return this;
  }

  public AppHarness start() throws Exception {
    main = CaravanApp.create(config, routes, overrides);
    main.start();
    return this;
  }

  public void stop() throws Exception {
    if (main != null) {
      main.stop();
      main = null;
    }
  }

  public CamelContext context() {
    return main.getCamelContext();
  }

  public Ledger ledger() {
    return context().getRegistry().lookupByNameAndType("ledger", Ledger.class);
  }

  public dev.caravan.ledger.DeliveryQueue queue() {
    return context()
        .getRegistry()
        .lookupByNameAndType("deliveryQueue", dev.caravan.ledger.DeliveryQueue.class);
  }

  public List<FileRow> files() {
    return ledger().files();
  }

  public List<DeliveryRow> deliveries() {
    return ledger().deliveries();
  }

  /** Waits until the condition holds (or fails the test after {@code timeout}). */
  public static void await(Duration timeout, String what, BooleanSupplier condition)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        assertThat(condition.getAsBoolean()).as("timed out waiting for: " + what).isTrue();
      }
      Thread.sleep(50);
    }
  }

  /**
   * Waits until {@code n} files are in the ledger, none in progress, and no delivery is waiting.
   */
  public void awaitFiles(int n) throws InterruptedException {
    awaitFilesWithin(n, Duration.ofSeconds(30));
  }

  /** {@link #awaitFiles} with its own time limit. */
  public void awaitFilesWithin(int n, Duration timeout) throws InterruptedException {
    await(
        timeout,
        n + " files settled in the ledger",
        () -> {
          List<FileRow> f = files();
          lastSeen = history(f);
          return f.size() == n
              && f.stream()
                  .noneMatch(r -> r.state() == FileState.RECEIVED || r.state() == FileState.RETRY)
              && queue().backlog() == 0;
        });
  }

  private String lastSeen = "";

  /** Every file's row and history, for failure messages. */
  public String history(List<FileRow> rows) {
    StringBuilder s = new StringBuilder();
    for (FileRow r : rows) {
      s.append(r).append('\n');
      ledger().events(r.id()).forEach(e -> s.append("  ").append(e).append('\n'));
    }
    return s.toString();
  }

  public String lastSeen() {
    return lastSeen;
  }

  @Override
  public void close() throws Exception {
    stop();
  }
}
