package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/install.sh into a staging root, twice, and the systemd unit as systemd reads it. */
class DeployTest {

  @TempDir Path tmp;

  private String run(Path root, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("bash", "deploy/install.sh"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("DESTDIR", root.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void theInstallScriptLaysOutEverythingAndKeepsTheOperatorsEdits() throws Exception {
    Path jar = Files.writeString(tmp.resolve("caravan.jar"), "not really a jar");
    Path root = tmp.resolve("root");
    run(root, "--jar", jar.toString());

    assertThat(root.resolve("opt/caravan/caravan.jar")).hasContent("not really a jar");
    assertThat(root.resolve("etc/systemd/system/caravan.service"))
        .hasSameTextualContentAs(Path.of("deploy/caravan.service"));
    assertThat(root.resolve("etc/caravan/application.properties"))
        .hasSameTextualContentAs(Path.of("config/application.properties"));
    try (var routes = Files.list(Path.of("routes"))) {
      // the route files (routes/kustomization.yaml is for k8s/ only)
      for (Path r : routes.filter(p -> p.toString().endsWith(".camel.yaml")).toList()) {
        assertThat(root.resolve("etc/caravan/routes").resolve(r.getFileName()))
            .hasSameTextualContentAs(r);
      }
    }
    Path env = root.resolve("etc/caravan/caravan.env");
    assertThat(Files.getPosixFilePermissions(env))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    for (String dir : List.of("inbox", "archive", "data")) {
      assertThat(root.resolve("var/lib/caravan").resolve(dir)).isDirectory();
    }

    // an operator edits a route and the settings; installing again (an upgrade) keeps both
    Path route = root.resolve("etc/caravan/routes/process.camel.yaml");
    Files.writeString(route, "# edited\n", java.nio.file.StandardOpenOption.APPEND);
    Path props = root.resolve("etc/caravan/application.properties");
    Files.writeString(props, "caravan.inbox = /srv/instrument\n");
    Files.writeString(jar, "version 2");
    String out = run(root, "--jar", jar.toString());
    assertThat(route).content().endsWith("# edited\n");
    assertThat(props).hasContent("caravan.inbox = /srv/instrument");
    assertThat(root.resolve("opt/caravan/caravan.jar")).hasContent("version 2");
    assertThat(out).contains("kept your edited routes/process.camel.yaml");
  }

  @Test
  void systemdAcceptsTheUnit() throws Exception {
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    Assumptions.assumeTrue(
        Files.isExecutable(analyze), "systemd-analyze is not on this machine: not checked");
    Process p =
        new ProcessBuilder(analyze.toString(), "verify", "deploy/caravan.service")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    String unit = Files.readString(Path.of("deploy/caravan.service"));
    assertThat(unit)
        .contains("User=caravan")
        .contains("EnvironmentFile=-/etc/caravan/caravan.env")
        .contains("Restart=on-failure")
        .contains("MemoryMax=")
        .contains("-Xmx128m");
  }
}
