package dev.caravan.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Configuration values from mounted files, one file per key named after it: a Kubernetes secret
 * volume, systemd's {@code LoadCredential=} folder ({@code $CREDENTIALS_DIRECTORY}) or any folder
 * given by {@code caravan.secrets-dir} / {@code CARAVAN_SECRETS_DIR}. A file {@code
 * caravan.sftp.password} holds that key's value; one trailing newline is dropped (editors and
 * {@code echo} add it). Secrets never need to be in the properties file or the environment.
 */
public final class SecretFiles {

  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private SecretFiles() {}

  /** The folder to read, or null: the explicit setting first, then systemd's credentials. */
  public static Path folder() {
    String dir = System.getProperty("caravan.secrets-dir");
    if (dir == null) {
      dir = System.getenv("CARAVAN_SECRETS_DIR");
    }
    if (dir == null) {
      dir = System.getenv("CREDENTIALS_DIRECTORY");
    }
    return dir == null || dir.isBlank() ? null : Path.of(dir);
  }

  /** Every key file in the folder (hidden files and Kubernetes' {@code ..data} entries skipped). */
  public static Map<String, String> read(Path dir) {
    Map<String, String> values = new TreeMap<>();
    if (dir == null) {
      return values;
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("the secrets folder " + dir + " does not exist");
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (KEY.matcher(name).matches() && Files.isRegularFile(f)) {
          String v = Files.readString(f, StandardCharsets.UTF_8);
          if (v.endsWith("\n")) {
            v = v.substring(0, v.length() - (v.endsWith("\r\n") ? 2 : 1));
          }
          values.put(name, v);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the secrets folder " + dir, e);
    }
    return values;
  }
}
