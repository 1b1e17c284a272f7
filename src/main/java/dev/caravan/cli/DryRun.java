package dev.caravan.cli;

import dev.caravan.app.Settings;
import dev.caravan.files.Sha256;
import dev.caravan.intake.IntakeGate;
import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.FileKey;
import dev.caravan.ledger.Ledger;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code caravan run --dry-run}: what the application would take from the inbox and where it would
 * deliver, without starting it or changing anything (an absent ledger is not created).
 */
final class DryRun {

  private static final Pattern PRECONDITION =
      Pattern.compile("precondition:\\s*\"?\\{\\{([^}]+)}}\"?");

  private final Settings settings;
  private final Path routes;
  private final PrintStream out;

  DryRun(Settings settings, Path routes, PrintStream out) {
    this.settings = settings;
    this.routes = routes;
    this.out = out;
  }

  int run() throws IOException {
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
          if (!d.state().equals("VERIFIED")) {
            pending++;
            out.printf(
                "would %s %s %s -> %s (%s, %d attempt(s))%n",
                d.state().equals("QUARANTINED") ? "hold " : "retry",
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
   * The deliver-NAME route files whose precondition holds (a plain {@code {{key}}} is looked up),
   * kept to caravan.destinations when that is set; the app decides the same way when it starts.
   */
  private List<String> destinations() throws IOException {
    List<String> only =
        settings.get("caravan.destinations") == null
            ? List.of()
            : List.of(settings.get("caravan.destinations").split("\\s*,\\s*")).stream()
                .filter(s -> !s.isBlank())
                .toList();
    List<String> out = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    if (Files.isDirectory(routes)) {
      try (Stream<Path> s = Files.list(routes)) {
        for (Path p : s.sorted().toList()) {
          String file = p.getFileName().toString();
          if (file.startsWith("deliver-") && file.endsWith(".camel.yaml")) {
            names.add(file.substring("deliver-".length(), file.length() - ".camel.yaml".length()));
            texts.add(Files.readString(p));
          }
        }
      }
    } else {
      for (String n : List.of("archive", "sftp", "s3")) {
        try (var in = DryRun.class.getResourceAsStream("/routes/deliver-" + n + ".camel.yaml")) {
          if (in != null) {
            names.add(n);
            texts.add(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
          }
        }
      }
    }
    for (int i = 0; i < names.size(); i++) {
      Matcher m = PRECONDITION.matcher(texts.get(i));
      boolean on = !m.find() || Boolean.parseBoolean(settings.get(m.group(1).trim()));
      if (on && (only.isEmpty() || only.contains(names.get(i)))) {
        out.add(names.get(i));
      }
    }
    return out;
  }
}
