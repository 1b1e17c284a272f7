package dev.caravan.app;

import dev.caravan.decode.DecodeSteps;
import dev.caravan.deliver.CopyChecker;
import dev.caravan.deliver.Deliveries;
import dev.caravan.deliver.DestinationConfig;
import dev.caravan.deliver.Destinations;
import dev.caravan.deliver.NamedDestinations;
import dev.caravan.deliver.S3ClientBeans;
import dev.caravan.deliver.S3Destination;
import dev.caravan.intake.FileOutcome;
import dev.caravan.intake.IntakeGate;
import dev.caravan.intake.Landing;
import dev.caravan.intake.drive.DriveClients;
import dev.caravan.intake.drive.DriveHealthCheck;
import dev.caravan.intake.drive.DriveIntake;
import dev.caravan.intake.drive.DriveSettings;
import dev.caravan.leader.LeaseTable;
import dev.caravan.leader.LedgerClusterService;
import dev.caravan.leader.TakeOver;
import dev.caravan.ledger.DeliveryQueue;
import dev.caravan.ledger.Ledger;
import dev.caravan.ledger.LedgerIdempotentRepository;
import dev.caravan.ledger.PollBatch;
import dev.caravan.observe.CaravanMetrics;
import dev.caravan.observe.LedgerFigures;
import dev.caravan.retention.Retention;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.google.drive.GoogleDriveComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java beans the YAML routes call, built from the configuration and bound under the names the
 * routes use: {@code ledger}, {@code ledgerRepository}, {@code oneLedgerCommit}, {@code landing},
 * {@code decoder}, {@code archive}, {@code outcome}.
 */
public class CaravanBeans implements CamelConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(CaravanBeans.class);

  @Override
  public void configure(CamelContext context) {
    Registry registry = context.getRegistry();
    Path data = Path.of(property(context, "caravan.data"));
    String url = Ledger.url(property(context, "caravan.db.url"), data);
    Ledger ledger =
        Ledger.open(
            url, property(context, "caravan.db.user"), property(context, "caravan.db.password"));
    try {
      // the pool closes with the context
      context.addService(
          new org.apache.camel.support.service.ServiceSupport() {
            @Override
            protected void doStop() {
              ledger.close();
            }
          });
    } catch (Exception e) {
      ledger.close();
      throw new IllegalStateException(e);
    }
    LOG.info("ledger: {}", url);
    registry.bind("ledger", ledger);
    // for sql: endpoints in the routes that read the ledger
    registry.bind("ledgerDataSource", ledger.dataSource());
    registry.bind("ledgerRepository", new LedgerIdempotentRepository(ledger));
    // the take route's policy: a file's landing, processing and outcome in one ledger commit, or
    // a part of its poll's (the intakes' poll strategy, outcome, opens and ends the batch)
    PollBatch batch =
        new PollBatch(
            ledger,
            Integer.parseInt(property(context, "caravan.intake.batch-files")),
            Long.parseLong(property(context, "caravan.intake.batch-millis")));
    registry.bind("oneLedgerCommit", new dev.caravan.ledger.OneCommitPolicy(ledger, batch));
    Landing landing = new Landing(data.resolve("landing"), ledger);
    registry.bind("landing", landing);
    String configuredMember = property(context, "caravan.leader.member");
    String member =
        configuredMember.isBlank() ? LedgerClusterService.defaultMemberId() : configuredMember;
    leaderElection(context, ledger, member, new TakeOver(ledger, landing));
    registry.bind(
        "decoder",
        new DecodeSteps(
            ledger,
            Integer.parseInt(property(context, "caravan.decode.chunk")),
            dev.caravan.insight.WpilogPower.Names.from(k -> property(context, k))));
    DeliveryQueue queue =
        new DeliveryQueue(
            ledger,
            new DeliveryQueue.Policy(
                Integer.parseInt(property(context, "caravan.deliver.max-attempts")),
                millis(context, "caravan.deliver.backoff"),
                millis(context, "caravan.deliver.backoff-max"),
                millis(context, "caravan.deliver.lease")),
            member);
    List<String> destinations =
        Arrays.stream(property(context, "caravan.destinations").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList();
    // live: every deliver-NAME route loaded from routes/, kept to caravan.destinations if set
    Destinations current = new Destinations(context, destinations);
    registry.bind("deliveryQueue", queue);
    DestinationConfig destinationConfig =
        new DestinationConfig(
            k -> context.getPropertiesComponent().resolveProperty(k).orElse(null));
    registry.bind("deliveries", new Deliveries(queue, current, destinationConfig));
    context
        .getCamelContextExtension()
        .registerEndpointCallback(new dev.caravan.deliver.ReadOnlyKnownHosts());
    // a delivery route's upload split hands on the bodies of its items: the placed deliveries
    registry.bind(
        "uploadedBatch", new org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy());
    // and its verify split the proven copies, recorded in one commit (Deliveries.record)
    registry.bind(
        "provenBatch", new org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy());
    registry.bind("placement", new dev.caravan.deliver.Placement.Steps());
    // the beans of each kind of destination; a destination is named by its deliver route and
    // configured under caravan.NAME.*
    DestinationKinds kinds = new DestinationKinds(destinationConfig, ledger);
    registry.bind("archive", new NamedDestinations<>(kinds::archive));
    registry.bind("sftp", new NamedDestinations<>(kinds::sftp));
    NamedDestinations<S3Destination> s3 = new NamedDestinations<>(kinds::s3);
    registry.bind("s3", s3);
    // the aws2-s3 endpoints' clients: #s3Client-NAME, made when a route first asks for it
    if (registry instanceof org.apache.camel.support.DefaultRegistry defaults) {
      defaults.addBeanRepository(new S3ClientBeans(s3));
    }
    List<String> required =
        Arrays.stream(property(context, "caravan.retention.required").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList();
    registry.bind(
        "retention",
        new Retention(
            ledger,
            queue,
            new CopyChecker(kinds),
            required.isEmpty() ? current : () -> required,
            Duration.parse(property(context, "caravan.retention.delete-local-after"))));
    dev.caravan.insight.InsightSteps insight =
        new dev.caravan.insight.InsightSteps(
            ledger,
            dev.caravan.insight.InsightSettings.from(
                k -> context.getPropertiesComponent().resolveProperty(k).orElse(null)));
    registry.bind("insight", insight);
    insight.refreshBatteries();
    registry.bind(
        "reports",
        new dev.caravan.insight.Reports(
            ledger,
            queue,
            insight,
            data.resolve("landing"),
            current,
            millis(context, "caravan.insight.report-quiet")));
    dev.caravan.parquet.DuckDb duckDb =
        new dev.caravan.parquet.DuckDb(
            property(context, "caravan.parquet.memory-limit"),
            Integer.parseInt(property(context, "caravan.parquet.threads")),
            data.resolve("duckdb"));
    try {
      context.addService(duckDb, true, true); // closed with the context
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    registry.bind("duckDb", duckDb);
    registry.bind(
        "parquet",
        new dev.caravan.parquet.ParquetSteps(
            new dev.caravan.parquet.ParquetFiles(duckDb),
            ledger,
            property(context, "caravan.parquet.team")));
    dev.caravan.readings.ReadingsSteps readings = readings(context, ledger, data, duckDb);
    registry.bind("readings", readings);
    registry.bind(
        "kafka",
        new dev.caravan.kafka.KafkaDestination(
            ledger,
            Map.of(
                "files", property(context, "caravan.kafka.topic.files"),
                "records", property(context, "caravan.kafka.topic.records"),
                "events", property(context, "caravan.kafka.topic.events"),
                "summaries", property(context, "caravan.kafka.topic.summaries")),
            Integer.parseInt(property(context, "caravan.kafka.chunk"))));
    dev.caravan.intake.LandingSpace space =
        new dev.caravan.intake.LandingSpace(
            data.resolve("landing"),
            dev.caravan.intake.LandingSpace.parseSize(
                property(context, "caravan.intake.min-free-space")));
    registry.bind("landingSpace", space);
    // what the file consumers have offered already (name, size, mtime), so a poll does not re-hash
    // every file of a big inbox; the ledger stays the judge of what is new
    int remembered = Integer.parseInt(property(context, "caravan.intake.remembered-files"));
    var seenFiles = MemoryIdempotentRepository.memoryIdempotentRepository(remembered);
    var seenSftpFiles = MemoryIdempotentRepository.memoryIdempotentRepository(remembered);
    registry.bind("seenFiles", seenFiles);
    registry.bind("seenSftpFiles", seenSftpFiles);
    FileOutcome outcome =
        new FileOutcome(
            ledger,
            intakeGates(context),
            space,
            batch,
            Map.of("local", seenFiles, "sftp", seenSftpFiles));
    registry.bind("outcome", outcome);
    console(
        context,
        new dev.caravan.console.ConsoleApi(context, ledger, queue, outcome, insight, current));
    registry.bind("audit", new dev.caravan.deliver.Audit(ledger, kinds));
    registry.bind(
        "completeness",
        new dev.caravan.finalize.Completeness(
            ledger,
            queue,
            data.resolve("landing"),
            current,
            Duration.parse(property(context, "caravan.finalize.quiet")),
            java.time.Clock.systemUTC()));
    DriveIntake drive =
        Boolean.parseBoolean(property(context, "caravan.drive.enabled"))
            ? bindDrive(context, ledger, data.resolve("landing"))
            : null;
    bindMetrics(context, ledger, outcome, drive, insight, readings);
    String routesDir = optional(context, "caravan.routes.dir");
    if (!routesDir.isEmpty() && Boolean.parseBoolean(property(context, "caravan.routes.reload"))) {
      try {
        context.addService(new RouteFolderReload(Path.of(routesDir), "*.camel.yaml"));
      } catch (Exception e) {
        throw new IllegalStateException("cannot watch the routes in " + routesDir, e);
      }
      LOG.info("routes: {}/*.camel.yaml (reloaded when edited)", routesDir);
    }
    if (!routesDir.isEmpty() && ConfigMapRoutes.isConfigMapVolume(Path.of(routesDir))) {
      try {
        context.addService(
            new ConfigMapRoutes(
                context,
                Path.of(routesDir),
                Long.parseLong(property(context, "caravan.routes.configmap-check"))));
      } catch (Exception e) {
        throw new IllegalStateException("cannot watch the routes in " + routesDir, e);
      }
    }
  }

  /**
   * The stability gates of the polled folders, bound as {@code localIntakeGate} and {@code
   * sftpIntakeGate} (their routes' {@code filter}).
   */
  private static java.util.Map<String, IntakeGate> intakeGates(CamelContext context) {
    Duration maxWait = Duration.parse(property(context, "caravan.intake.max-wait"));
    IntakeGate local =
        new IntakeGate(
            "local",
            IntakeGate.Names.of(
                property(context, "caravan.intake.include"),
                property(context, "caravan.intake.exclude")),
            millis(context, "caravan.intake.min-age"),
            maxWait,
            true,
            java.time.Clock.systemUTC());
    IntakeGate sftp =
        new IntakeGate(
            "sftp",
            IntakeGate.Names.of(
                property(context, "caravan.sftp-intake.include"),
                property(context, "caravan.sftp-intake.exclude")),
            millis(context, "caravan.sftp-intake.min-age"),
            maxWait,
            false,
            java.time.Clock.systemUTC());
    context.getRegistry().bind("localIntakeGate", local);
    context.getRegistry().bind("sftpIntakeGate", sftp);
    String encoding = System.getProperty("sun.jnu.encoding", "");
    if (!encoding.equalsIgnoreCase("UTF-8")) {
      LOG.warn(
          "file names are read as {} (the locale's encoding), so a name with other characters"
              + " cannot be opened and is reported instead of taken; run with LANG=C.UTF-8",
          encoding);
    }
    return java.util.Map.of("local", local, "sftp", sftp);
  }

  /**
   * The Drive intake: its client (also the google-drive component's, so an operator's own
   * google-drive endpoints authenticate alike), the route's bean and its health check. A missing or
   * unreadable credential stops the start here, with a message naming the file.
   */
  private static DriveIntake bindDrive(CamelContext context, Ledger ledger, Path landingDir) {
    DriveSettings settings =
        DriveSettings.from(k -> context.getPropertiesComponent().resolveProperty(k).orElse(null));
    DriveClients clients = new DriveClients(settings);
    context.getComponent("google-drive", GoogleDriveComponent.class).setClientFactory(clients);
    DriveIntake intake =
        new DriveIntake(clients.drive(), settings, ledger, landingDir, java.time.Clock.systemUTC());
    context.getRegistry().bind("driveIntake", intake);
    // registered once the context has started: camel-main sets up the health registry after the
    // beans are configured
    DriveHealthCheck health = new DriveHealthCheck(intake);
    try {
      context.addStartupListener(
          (ctx, alreadyStarted) ->
              org.apache.camel.health.HealthCheckRegistry.get(ctx).register(health));
    } catch (Exception e) {
      throw new IllegalStateException("cannot register the Drive health check", e);
    }
    LOG.info(
        "Drive intake: folder {}, API {}",
        settings.folderId() != null ? settings.folderId() : "named '" + settings.folderName() + "'",
        settings.rootUrl());
    return intake;
  }

  /**
   * Caravan's figures for {@code /observe/metrics} (Micrometer, when camel.metrics is on) and JMX,
   * refreshed by the observe route. Published once the context runs: camel-main sets up the meter
   * registry after the beans.
   */
  private static void bindMetrics(
      CamelContext context,
      Ledger ledger,
      FileOutcome outcome,
      DriveIntake drive,
      dev.caravan.insight.InsightSteps insight,
      dev.caravan.readings.ReadingsSteps readings) {
    String sourceQuiet = property(context, "caravan.watchdog.source-quiet");
    String destinationQuiet = property(context, "caravan.watchdog.destination-quiet");
    dev.caravan.observe.Watchdog watchdog =
        new dev.caravan.observe.Watchdog(
            new dev.caravan.observe.Watchdog.Settings(
                sourceQuiet.isBlank() ? null : Duration.parse(sourceQuiet),
                destinationQuiet.isBlank() ? null : Duration.parse(destinationQuiet),
                property(context, "caravan.watchdog.webhook.stale"),
                property(context, "caravan.watchdog.webhook.ok"),
                property(context, "caravan.watchdog.webhook.start"),
                property(context, "caravan.watchdog.webhook.success"),
                property(context, "caravan.watchdog.webhook.failure"),
                Duration.parse(property(context, "caravan.watchdog.heartbeat"))),
            () ->
                context.getRoutes().stream()
                    .map(org.apache.camel.Route::getRouteId)
                    .filter(id -> id.startsWith("intake-"))
                    .map(id -> id.substring("intake-".length()))
                    .toList(),
            java.time.Clock.systemUTC());
    CaravanMetrics metrics =
        new CaravanMetrics(
            new LedgerFigures(ledger),
            () -> {
              java.util.Map<String, java.time.Instant> polls =
                  new java.util.HashMap<>(outcome.lastPolls());
              if (drive != null && drive.lastSuccess() != null) {
                polls.put(DriveIntake.SOURCE, drive.lastSuccess());
              }
              return polls;
            },
            watchdog,
            () -> liveFigures(outcome, insight, readings));
    context.getRegistry().bind("caravanMetrics", metrics);
    try {
      context.addStartupListener(
          (ctx, alreadyStarted) -> {
            org.apache.camel.health.HealthCheckRegistry.get(ctx).register(watchdog);
            org.apache.camel.health.HealthCheckRegistry.get(ctx)
                .register(new IntakeHealthCheck(outcome));
            watchdog.started();
            metrics.start(
                ctx.getRegistry()
                    .findSingleByType(io.micrometer.core.instrument.MeterRegistry.class),
                ctx.getName());
          });
      context.addService(
          new org.apache.camel.support.service.ServiceSupport() {
            @Override
            protected void doStop() {
              metrics.stop();
            }
          });
    } catch (Exception e) {
      throw new IllegalStateException("cannot set up Caravan's metrics", e);
    }
  }

  /**
   * The console: the API's bean ({@code console}, for routes/console.camel.yaml) and, when Camel's
   * HTTP server runs, the token guard, the event stream and the page on its router.
   */
  private static void console(CamelContext context, dev.caravan.console.ConsoleApi api) {
    context.getRegistry().bind("console", api);
    context
        .getRegistry()
        .bind("healthEvents", new dev.caravan.console.HealthEvents(context, api.ledger()));
    if (!Boolean.parseBoolean(property(context, "camel.server.enabled"))) {
      return;
    }
    dev.caravan.console.ConsoleWeb web =
        new dev.caravan.console.ConsoleWeb(
            api.queries(),
            property(context, "caravan.console.token"),
            dev.caravan.console.ConsoleWeb.isLoopback(property(context, "camel.server.host")),
            Long.parseLong(property(context, "caravan.console.poll")));
    try {
      int port = Integer.parseInt(property(context, "camel.server.port"));
      context.addStartupListener((ctx, alreadyStarted) -> web.install(ctx, port));
    } catch (Exception e) {
      throw new IllegalStateException("cannot set up the console", e);
    }
  }

  /** Figures kept in memory: the intakes' gates, the batteries' flags. */
  private static List<LedgerFigures.Figure> liveFigures(
      FileOutcome outcome,
      dev.caravan.insight.InsightSteps insight,
      dev.caravan.readings.ReadingsSteps readings) {
    List<LedgerFigures.Figure> figures = new java.util.ArrayList<>();
    for (IntakeGate gate : outcome.gates()) {
      gate.figures()
          .forEach(
              (name, value) ->
                  figures.add(
                      new LedgerFigures.Figure(name, List.of("source", gate.source()), value)));
    }
    insight
        .flaggedFigures()
        .forEach(
            (battery, value) ->
                figures.add(
                    new LedgerFigures.Figure(
                        "caravan.battery.flagged", List.of("battery", battery), value)));
    // readings kept and refused since the start, and the window files written
    figures.add(
        new LedgerFigures.Figure("caravan.readings.accepted", List.of(), readings.accepted()));
    figures.add(
        new LedgerFigures.Figure("caravan.readings.rejected", List.of(), readings.rejected()));
    figures.add(
        new LedgerFigures.Figure("caravan.readings.windows", List.of(), readings.windows()));
    return figures;
  }

  /**
   * Who runs the routes marked {@code master:leader:…}: by default leases in the ledger (one app,
   * or several on one PostgreSQL ledger); with {@code caravan.leader.service=camel}, the cluster
   * service bean declared with {@code camel.beans.*} (on Kubernetes, its Lease). Either way the new
   * leader first takes back what the last one left half-done.
   */
  private static void leaderElection(
      CamelContext context, Ledger ledger, String member, TakeOver takeOver) {
    String service = property(context, "caravan.leader.service");
    try {
      switch (service) {
        case "ledger" -> {
          LedgerClusterService ledgerService =
              new LedgerClusterService(
                  new LeaseTable(ledger.dataSource()),
                  member,
                  Duration.parse(property(context, "caravan.leader.lease")));
          context.addService(ledgerService);
          // first in line, so the files are back before the intakes start
          ledgerService.getView(TakeOver.NAMESPACE).addEventListener(takeOver);
        }
        case "camel" -> {
          // a cluster service declared with camel.beans.* is only in the registry: hand it to the
          // master component when a route first needs it
          context.addLifecycleStrategy(
              new org.apache.camel.support.LifecycleStrategySupport() {
                @Override
                public void onComponentAdd(String name, org.apache.camel.Component component) {
                  if (component instanceof org.apache.camel.component.master.MasterComponent m
                      && m.getService() == null) {
                    m.setService(declaredClusterService(context));
                  }
                }
              });
          context.addStartupListener(
              (ctx, alreadyStarted) ->
                  declaredClusterService(ctx)
                      .getView(TakeOver.NAMESPACE)
                      .addEventListener(takeOver));
        }
        default ->
            throw new IllegalArgumentException(
                "caravan.leader.service must be ledger or camel, not " + service);
      }
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot set up leader election", e);
    }
  }

  /** The one cluster service bean, started with the context. */
  private static org.apache.camel.cluster.CamelClusterService declaredClusterService(
      CamelContext context) {
    var services =
        context.getRegistry().findByType(org.apache.camel.cluster.CamelClusterService.class);
    if (services.size() != 1) {
      throw new IllegalStateException(
          "caravan.leader.service=camel needs exactly one cluster service bean (camel.beans.NAME ="
              + " #class:...), found "
              + services.size());
    }
    org.apache.camel.cluster.CamelClusterService service = services.iterator().next();
    if (!context.hasService(service)) {
      try {
        context.addService(service);
      } catch (Exception e) {
        throw new IllegalStateException("cannot start the cluster service " + service, e);
      }
    }
    return service;
  }

  /** The readings intake's steps (they answer 404 when it is off). */
  private static dev.caravan.readings.ReadingsSteps readings(
      CamelContext context, Ledger ledger, Path data, dev.caravan.parquet.DuckDb duckDb) {
    boolean enabled = Boolean.parseBoolean(property(context, "caravan.readings.enabled"));
    Path dir = data.resolve("readings");
    String station;
    try {
      station = enabled ? dev.caravan.readings.StationId.of(data.resolve("station-id")) : "";
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot keep this station's id in " + data, e);
    }
    return new dev.caravan.readings.ReadingsSteps(
        enabled,
        new dev.caravan.readings.ReadingsParser(station),
        new dev.caravan.readings.ReadingSpool(
            dir.resolve("spool"),
            Duration.parse(property(context, "caravan.readings.window")),
            Duration.parse(property(context, "caravan.readings.grace")),
            Duration.parse(property(context, "caravan.readings.parts-kept"))),
        new dev.caravan.readings.WindowWriter(duckDb),
        ledger,
        dir.resolve("outbox"),
        java.time.Clock.systemUTC());
  }

  private static Duration millis(CamelContext context, String key) {
    return Duration.ofMillis(Long.parseLong(property(context, key)));
  }

  /**
   * A setting; every default is in {@code config/application.properties} (the jar has a copy), so a
   * key missing there is a mistake, reported at start.
   */
  private static String property(CamelContext context, String key) {
    return context
        .getPropertiesComponent()
        .resolveProperty(key)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "missing configuration: "
                        + key
                        + " (every default is in config/application.properties)"));
  }

  /** A value set only in some runs (by {@link CaravanApp}), else empty. */
  private static String optional(CamelContext context, String key) {
    return context.getPropertiesComponent().resolveProperty(key).orElse("");
  }
}
