package dev.caravan.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saved route files with route templates and templated routes, in a running Camel: what Camel 4.17
 * alone gets wrong (the old template stays in use, templated routes are not made again) is what
 * these tests look at, through what each route sends.
 */
class RouteFolderReloadTest {

  private static final String TEMPLATE =
      """
      - routeTemplate:
          id: ticker
          parameters:
            - name: name
            - name: enabled
              defaultValue: "{{t.{{name}}.enabled:false}}"
          route:
            precondition: "{{enabled}}"
            from:
              uri: "timer:{{name}}"
              parameters:
                period: 50
              steps:
                - setBody:
                    constant: "VERSION {{name}} {{t.{{name}}.word}}"
                - bean:
                    ref: sink
                    method: "put('{{name}}', ${body})"
      """;

  @TempDir Path tmp;
  private CamelContext camel;

  private static String templated(String name, String extra) {
    return """
        - templatedRoute:
            routeTemplateRef: ticker
            routeId: tick-%s
            parameters:
              - name: name
                value: %s
        %s"""
        .formatted(name, name, extra);
  }

  private void start() throws Exception {
    Properties props = new Properties();
    props.put("t.a.enabled", "true");
    props.put("t.a.word", "alpha");
    props.put("t.b.word", "beta");
    props.put("t.c.word", "gamma");
    camel = new DefaultCamelContext();
    camel.getRegistry().bind("sink", sink);
    camel.getPropertiesComponent().setInitialProperties(props);
    try (var files = Files.list(tmp)) {
      for (Path f : files.sorted().toList()) {
        PluginHelper.getRoutesLoader(camel)
            .loadRoutes(PluginHelper.getResourceLoader(camel).resolveResource("file:" + f));
      }
    }
    camel.addService(new RouteFolderReload(tmp, "*.camel.yaml"));
    camel.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (camel != null) {
      camel.close();
    }
  }

  /** Written whole and moved in place, as an editor saves, so no half-written file is read. */
  private void save(String file, String text) throws Exception {
    Path part = tmp.resolve(file + ".part");
    Files.writeString(part, text);
    Files.move(part, tmp.resolve(file), StandardCopyOption.ATOMIC_MOVE);
  }

  /** What each route sent last, by its name. */
  public static final class Sink {
    final Map<String, String> last = new ConcurrentHashMap<>();

    public void put(String name, String body) {
      last.put(name, body);
    }
  }

  private final Sink sink = new Sink();

  /** The next body route NAME sends, after any it sent before (null if none within 2 s). */
  private String latest(String name) throws InterruptedException {
    sink.last.remove(name);
    long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (System.nanoTime() < end) {
      String body = sink.last.get(name);
      if (body != null) {
        return body;
      }
      Thread.sleep(20);
    }
    return null;
  }

  private String quietly(String name) {
    try {
      return latest(name);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  @Test
  void anEditedTemplateRemakesTheRoutesOfEveryFileMadeFromIt() throws Exception {
    Files.writeString(tmp.resolve("a-templates.camel.yaml"), TEMPLATE);
    Files.writeString(tmp.resolve("b-tick.camel.yaml"), templated("a", "") + templated("b", ""));
    Files.writeString(tmp.resolve("c-tick.camel.yaml"), templated("c", ON));
    start();
    // a is on by its setting, b off by its setting, c on by its own parameter
    assertThat(latest("a")).isEqualTo("VERSION a alpha");
    assertThat(camel.getRoute("tick-b")).isNull();
    assertThat(latest("c")).isEqualTo("VERSION c gamma");

    save("a-templates.camel.yaml", TEMPLATE.replace("VERSION", "EDITED"));
    await("tick-a from the edited template", () -> "EDITED a alpha".equals(quietly("a")));
    await("tick-c from the edited template", () -> "EDITED c gamma".equals(quietly("c")));
    assertThat(camel.getRoute("tick-b")).isNull();
    // one definition of the template, the new one (Camel alone keeps both and uses the old)
    assertThat(((ModelCamelContext) camel).getRouteTemplateDefinitions()).hasSize(1);
  }

  /** The parameter that switches a templated route on whatever its setting. */
  private static final String ON = "      - name: enabled\n        value: \"true\"\n";

  /** The template, and tick-a made from it in its own file, running. */
  private void startWithTickA() throws Exception {
    Files.writeString(tmp.resolve("a-templates.camel.yaml"), TEMPLATE);
    Files.writeString(tmp.resolve("b-tick.camel.yaml"), templated("a", ""));
    start();
    assertThat(latest("a")).isEqualTo("VERSION a alpha");
  }

  @Test
  void aTemplatedRouteFileAddsChangesAndRemovesItsRoutes() throws Exception {
    startWithTickA();

    // switched on in its file: b is made
    save("b-tick.camel.yaml", templated("a", "") + templated("b", ON));
    await("tick-b switched on", () -> "VERSION b beta".equals(quietly("b")));

    // a new file: c is made
    save("c-tick.camel.yaml", templated("c", ON));
    await("tick-c from a new file", () -> "VERSION c gamma".equals(quietly("c")));

    // a dropped from its file, the file of c deleted: both routes go, b stays
    save("b-tick.camel.yaml", templated("b", ON));
    await("tick-a removed", () -> camel.getRoute("tick-a") == null);
    Files.delete(tmp.resolve("c-tick.camel.yaml"));
    await("tick-c removed", () -> camel.getRoute("tick-c") == null);
    assertThat(latest("b")).isEqualTo("VERSION b beta");
  }

  @Test
  void aTemplatedRouteThatCannotBeMadeKeepsTheRunningOne() throws Exception {
    startWithTickA();
    org.apache.camel.Route running = camel.getRoute("tick-a");

    // a template that is not there: the file's good route b is made (so the save was read), and
    // tick-a runs on as it was, the same route
    String noTemplate =
        templated("a", "").replace("routeTemplateRef: ticker", "routeTemplateRef: nope");
    save("b-tick.camel.yaml", noTemplate + templated("b", ON));
    await("tick-b from the same save", () -> "VERSION b beta".equals(quietly("b")));
    assertThat(camel.getRoute("tick-a")).isSameAs(running);
    assertThat(latest("a")).isEqualTo("VERSION a alpha");

    // a required parameter left out: the same
    String noName =
        templated("a", "").replace("      - name: name\n        value: a\n", "      []\n");
    save("b-tick.camel.yaml", noName + templated("b", ON) + templated("c", ON));
    await("tick-c from the same save", () -> "VERSION c gamma".equals(quietly("c")));
    assertThat(camel.getRoute("tick-a")).isSameAs(running);
    assertThat(latest("a")).isEqualTo("VERSION a alpha");

    // mended, it is made again from the file
    save("b-tick.camel.yaml", templated("a", "") + templated("b", ON) + templated("c", ON));
    await(
        "tick-a made again once the file is mended",
        () -> camel.getRoute("tick-a") != null && camel.getRoute("tick-a") != running);
    assertThat(latest("a")).isEqualTo("VERSION a alpha");
  }
}
