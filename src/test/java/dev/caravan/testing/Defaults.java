package dev.caravan.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/** The shipped defaults ({@code config/application.properties}), for tests that build settings. */
public final class Defaults {

  private static final Properties DEFAULTS = load();

  private Defaults() {}

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = Defaults.class.getResourceAsStream("/config/application.properties")) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /** A lookup of {@code settings}, falling back to the shipped defaults. */
  public static Function<String, String> over(Map<String, String> settings) {
    return k -> settings.containsKey(k) ? settings.get(k) : DEFAULTS.getProperty(k);
  }
}
