package dev.caravan.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration as the admin commands see it, resolved like the route application resolves it
 * (Camel's rules): the jar's defaults, then {@code ./config/application.properties} or the given
 * file, then system properties, then environment variables ({@code caravan.db.url} = {@code
 * CARAVAN_DB_URL}), then the mounted secret files ({@link SecretFiles}); {@code {{key}}}
 * placeholders inside values are resolved.
 */
public final class Settings {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^}:]+)(?::([^}]*))?}}");

  private final Properties properties = new Properties();
  private final java.util.Map<String, String> secrets = SecretFiles.read(SecretFiles.folder());

  private Settings() {}

  public static Settings load(Path config) {
    Settings s = new Settings();
    try (InputStream in = Settings.class.getResourceAsStream("/config/application.properties")) {
      if (in != null) {
        s.properties.load(in);
      }
      Path file = config != null ? config : Path.of("config", "application.properties");
      if (config != null || Files.isRegularFile(file)) {
        try (Reader r = Files.newBufferedReader(file)) {
          s.properties.load(r);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the configuration: " + e.getMessage(), e);
    }
    return s;
  }

  /** The ledger these settings name (caravan.db.*, else H2 under caravan.data). */
  public dev.caravan.ledger.Ledger openLedger() {
    return dev.caravan.ledger.Ledger.open(
        dev.caravan.ledger.Ledger.url(get("caravan.db.url"), Path.of(get("caravan.data"))),
        get("caravan.db.user"),
        get("caravan.db.password"));
  }

  /** The value, or null. */
  public String get(String key) {
    return resolve(raw(key), 0);
  }

  private String raw(String key) {
    if (key.startsWith("sys:")) {
      return System.getProperty(key.substring(4));
    }
    if (key.startsWith("env:")) {
      return System.getenv(key.substring(4));
    }
    String secret = secrets.get(key); // mounted secret files win, as in the application
    if (secret != null) {
      return secret;
    }
    String env = System.getenv(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
    if (env != null) {
      return env;
    }
    String sys = System.getProperty(key);
    return sys != null ? sys : properties.getProperty(key);
  }

  private String resolve(String value, int depth) {
    if (value == null || depth > 10) {
      return value;
    }
    Matcher m = PLACEHOLDER.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = raw(m.group(1).trim());
      if (v == null) {
        v = m.group(2) == null ? m.group() : m.group(2);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(resolve(v, depth + 1)));
    }
    m.appendTail(out);
    return out.toString().trim();
  }
}
