package dev.caravan.cli;

import dev.caravan.app.Settings;
import dev.caravan.files.Sha256;
import dev.caravan.intake.IntakeGate;
import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.ledger.FileKey;
import dev.caravan.ledger.Ledger;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Predicate;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.language.ExpressionDefinition;
import org.apache.camel.model.language.SimpleExpression;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceLoader;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.PluginHelper;

/**
 * {@code caravan run --dry-run}: what the application would take from the inbox and where it would
 * deliver, without starting it or changing anything (an absent ledger is not created).
 */
final class DryRun {

  private final Settings settings;
  private final Path routes;
  private final PrintStream out;

  DryRun(Settings settings, Path routes, PrintStream out) {
    this.settings = settings;
    this.routes = routes;
    this.out = out;
  }

  int run() throws Exception {
    List<String> destinations = destinations();
    out.println(
        "destinations: " + (destinations.isEmpty() ? "none" : String.join(", ", destinations)));
    Path data = Path.of(settings.get("caravan.data"));
    String url = Ledger.url(settings.get("caravan.db.url"), data);
    boolean embedded =
        settings.get("caravan.db.url") == null || settings.get("caravan.db.url").isBlank();
    Ledger ledger =
        embedded && !Files.exists(data.resolve("ledger.mv.db"))
            ? null // no ledger yet: everything is new, and nothing is created
            : Ledger.open(
                url, settings.get("caravan.db.user"), settings.get("caravan.db.password"));
    try {
      Path inbox = Path.of(settings.get("caravan.inbox"));
      IntakeGate.Names names =
          IntakeGate.Names.of(
              settings.get("caravan.intake.include"), settings.get("caravan.intake.exclude"));
      int take = 0;
      int known = 0;
      if (Files.isDirectory(inbox)) {
        List<Path> files;
        try (Stream<Path> s = Files.walk(inbox)) {
          files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
          String relative = inbox.relativize(f).toString().replace('\\', '/');
          String name = f.getFileName().toString();
          if (name.startsWith(".") || !names.takes(name)) {
            continue;
          }
          String sha = Sha256.of(f);
          boolean taken = ledger != null && ledger.contains(new FileKey("local", relative, sha));
          if (taken) {
            known++;
          } else {
            take++;
            out.printf("would take   %s (%d bytes) -> %s%n", relative, Files.size(f), destinations);
          }
        }
      } else {
        out.println("no inbox at " + inbox.toAbsolutePath());
      }
      int pending = 0;
      if (ledger != null) {
        for (DeliveryRow d : ledger.deliveries()) {
          if (d.state() != DeliveryState.VERIFIED) {
            pending++;
            out.printf(
                "would %s %s %s -> %s (%s, %d attempt(s))%n",
                d.state() == DeliveryState.QUARANTINED ? "hold " : "retry",
                d.fileName(),
                d.artifact(),
                d.destination(),
                d.state(),
                d.attempts());
          }
        }
      }
      out.printf(
          "dry run: %d file(s) would be taken, %d already in the ledger, %d delivery(ies) not yet"
              + " verified; nothing was changed%n",
          take, known, pending);
      return 0;
    } finally {
      if (ledger != null) {
        ledger.close();
      }
    }
  }

  /**
   * The destinations that would run, asked of Camel: the deliver-NAME route files (and the
   * templates they are made from) are loaded into the settings' Camel context, which is never
   * started, so each route's precondition is decided by Camel itself with the same properties as
   * the application; kept to caravan.destinations when that is set.
   */
  private List<String> destinations() throws Exception {
    List<String> only =
        settings.get("caravan.destinations") == null
            ? List.of()
            : List.of(settings.get("caravan.destinations").split("\\s*,\\s*")).stream()
                .filter(s -> !s.isBlank())
                .toList();
    CamelContext camel = settings.camel();
    ResourceLoader loader = PluginHelper.getResourceLoader(camel);
    List<Resource> files = new ArrayList<>();
    if (Files.isDirectory(routes)) {
      try (Stream<Path> s = Files.list(routes)) {
        for (Path p : s.sorted().toList()) {
          String file = p.getFileName().toString();
          if (file.startsWith("deliver") && file.endsWith(".camel.yaml")) {
            files.add(loader.resolveResource("file:" + p.toAbsolutePath()));
          }
        }
      }
    } else {
      for (String n : List.of("", "-archive", "-sftp", "-s3")) {
        files.add(loader.resolveResource("classpath:routes/deliver" + n + ".camel.yaml"));
      }
    }
    PluginHelper.getRoutesLoader(camel).loadRoutes(files.toArray(Resource[]::new));
    return ((ModelCamelContext) camel)
        .getRouteDefinitions().stream()
            .filter(route -> wouldStart(route, camel))
            .map(RouteDefinition::getRouteId)
            .filter(id -> id.startsWith("deliver-"))
            .map(id -> id.substring("deliver-".length()))
            .filter(name -> only.isEmpty() || only.contains(name))
            .sorted()
            .toList();
  }

  /**
   * A route's precondition, decided as Camel decides it when it starts the route: with the
   * parameters of the template it was made from, if any, as local properties.
   */
  private static boolean wouldStart(RouteDefinition route, CamelContext camel) {
    if (route.getPrecondition() == null) {
      return true;
    }
    Properties parameters = new Properties();
    if (route.getTemplateParameters() != null) {
      route.getTemplateParameters().forEach((k, v) -> parameters.put(k, String.valueOf(v)));
    }
    camel.getPropertiesComponent().setLocalProperties(parameters);
    try {
      ExpressionDefinition precondition = new SimpleExpression(route.getPrecondition());
      precondition.initPredicate(camel);
      Predicate p = precondition.getPredicate();
      p.initPredicate(camel);
      return p.matches(new DefaultExchange(camel));
    } finally {
      camel.getPropertiesComponent().setLocalProperties(null);
    }
  }
}
