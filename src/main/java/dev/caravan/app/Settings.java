package dev.caravan.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * The configuration as the admin commands see it, read by Camel's own properties component exactly
 * as the route application reads it: the jar's defaults, then {@code
 * ./config/application.properties} or the given file, then system properties and environment
 * variables ({@code caravan.db.url} = {@code CARAVAN_DB_URL}), then the mounted secret files
 * ({@link SecretFiles}); {@code {{key}}} placeholders inside values are resolved.
 *
 * <p>It holds a Camel context that is never started: only its properties component is used, and the
 * dry run loads route definitions into it to ask which would start.
 */
public final class Settings {

  private final CamelContext camel;
  private final PropertiesComponent properties;

  private Settings(CamelContext camel) {
    this.camel = camel;
    this.properties = camel.getPropertiesComponent();
  }

  /**
   * The property files, for the application and the admin commands alike: the operator's file
   * first, then the jar's defaults. Camel's properties component takes a key from the first
   * location that has it, so the file must come first to win over the defaults.
   */
  static String locations(Path config) {
    Path file = config != null ? config : Path.of("config", "application.properties");
    String defaults = "classpath:config/application.properties";
    return config != null || Files.isRegularFile(file)
        ? "file:" + file.toAbsolutePath() + "," + defaults
        : defaults;
  }

  public static Settings load(Path config) {
    CamelContext camel = new DefaultCamelContext(false);
    PropertiesComponent pc = camel.getPropertiesComponent();
    pc.setLocation(locations(config));
    Properties secrets = new Properties();
    secrets.putAll(SecretFiles.read(SecretFiles.folder())); // they win, as in the application
    pc.setOverrideProperties(secrets);
    camel.build(); // reads the locations; starts nothing
    return new Settings(camel);
  }

  /** The Camel context these settings belong to (not started). */
  public CamelContext camel() {
    return camel;
  }

  /** The ledger these settings name (caravan.db.*, else H2 under caravan.data). */
  public dev.caravan.ledger.Ledger openLedger() {
    return dev.caravan.ledger.Ledger.open(
        dev.caravan.ledger.Ledger.url(get("caravan.db.url"), Path.of(get("caravan.data"))),
        get("caravan.db.user"),
        get("caravan.db.password"));
  }

  /** The value, placeholders resolved and trimmed, or null. */
  public String get(String key) {
    return properties.resolveProperty(key).map(String::trim).orElse(null);
  }
}
