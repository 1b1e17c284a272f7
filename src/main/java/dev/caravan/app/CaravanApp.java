package dev.caravan.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route application: Camel main with the YAML routes and the configuration, found the same way
 * every time.
 *
 * <ul>
 *   <li>Configuration: the defaults inside the jar ({@code config/application.properties}), then
 *       {@code ./config/application.properties} or {@code --config FILE} on top; system properties
 *       and environment variables ({@code caravan.inbox} = {@code CARAVAN_INBOX}) override both.
 *   <li>Routes: {@code ./routes/*.camel.yaml} or {@code --routes DIR}, reloaded when edited; the
 *       copies inside the jar when there is no such folder.
 * </ul>
 */
public final class CaravanApp {

  private static final Logger LOG = LoggerFactory.getLogger(CaravanApp.class);

  private CaravanApp() {}

  /**
   * A configured, not yet started, application.
   *
   * @param config a properties file, or null for {@code ./config/application.properties} if present
   * @param routes a folder of {@code *.camel.yaml}, or null for {@code ./routes} if present
   * @param overrides properties that win over everything (tests)
   */
  public static Main create(Path config, Path routes, Map<String, String> overrides) {
    // H2's AUTO_SERVER lets `caravan ledger` read the ledger while the app runs: loopback only.
    if (System.getProperty("h2.bindAddress") == null) {
      System.setProperty("h2.bindAddress", "127.0.0.1");
    }
    Main main = new Main();
    main.configure().addConfiguration(CaravanBeans.class);

    main.setPropertyPlaceholderLocations(Settings.locations(config));

    Path routesDir = routes != null ? routes : Path.of("routes");
    if (Files.isDirectory(routesDir)) {
      String dir = routesDir.toAbsolutePath().toString();
      main.addInitialProperty("camel.main.routesIncludePattern", "file:" + dir + "/*.camel.yaml");
      // watched by RouteFolderReload (CaravanBeans) when caravan.routes.reload is on
      main.addInitialProperty("caravan.routes.dir", dir);
      LOG.info("routes: {}/*.camel.yaml", dir);
    } else {
      main.addInitialProperty("camel.main.routesIncludePattern", "classpath:routes/*.camel.yaml");
      LOG.info("routes: the defaults inside the jar (no {} folder)", routesDir.toAbsolutePath());
    }
    Settings settings = Settings.load(config);
    // the console's REST DSL needs Camel's HTTP server: without it, its route file is left out
    String server = overrides.get("camel.server.enabled");
    if (server == null) {
      server = settings.get("camel.server.enabled");
    }
    if ("false".equalsIgnoreCase(server == null ? "" : server.strip())) {
      main.addInitialProperty("camel.main.routesExcludePattern", "**/console.camel.yaml");
      LOG.info("camel.server.enabled=false: no console (console.camel.yaml left out)");
    }
    Path secrets = SecretFiles.folder();
    Map<String, String> secretValues = SecretFiles.read(secrets);
    if (!secretValues.isEmpty()) {
      LOG.info("secrets: {} from {}", secretValues.keySet(), secrets); // names only, never values
    }
    camelKeysFromEnvironment().forEach(main::addOverrideProperty);
    secretValues.forEach(main::addOverrideProperty);
    overrides.forEach(main::addOverrideProperty);
    return main;
  }

  /**
   * The {@code camel.*} keys of the defaults that are set by an environment variable or a system
   * property ({@code CAMEL_MANAGEMENT_PORT=9090}, {@code -Dcamel.management.port=9090}): camel-main
   * reads these groups from the properties files only, so they are passed on as overrides, and
   * every key can be set the same way.
   */
  static Map<String, String> camelKeysFromEnvironment() {
    java.util.Properties defaults = new java.util.Properties();
    try (var in = CaravanApp.class.getResourceAsStream("/config/application.properties")) {
      if (in != null) {
        defaults.load(in);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Map<String, String> set = new java.util.TreeMap<>();
    for (String key : defaults.stringPropertyNames()) {
      if (!key.startsWith("camel.")) {
        continue;
      }
      String value = System.getProperty(key);
      if (value == null) {
        value =
            System.getenv(
                key.toUpperCase(java.util.Locale.ROOT)
                    .replace('.', '_')
                    .replace('-', '_')
                    .replace('[', '_')
                    .replace("]", ""));
      }
      if (value != null) {
        set.put(key, value);
      }
    }
    if (!set.isEmpty()) {
      LOG.info("from the environment: {}", set.keySet()); // names only
    }
    return set;
  }
}
