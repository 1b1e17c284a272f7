package dev.caravan.deliver;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * The destinations' settings, read the same way by the application (Camel's properties) and by the
 * admin commands ({@code caravan check}): from a key lookup that returns null for a missing key. A
 * destination named NAME reads {@code caravan.NAME.*} ({@code caravan.sftp.host}, {@code
 * caravan.backup.host}, …); an archive's folder is {@code caravan.NAME} itself ({@code
 * caravan.archive}).
 */
public final class DestinationConfig {

  private final Function<String, String> lookup;

  public DestinationConfig(Function<String, String> lookup) {
    this.lookup = lookup;
  }

  private String get(String key, String defaultValue) {
    String v = lookup.apply(key);
    return v == null || v.isBlank() ? defaultValue : v.trim();
  }

  private String get(String name, String key, String defaultValue) {
    return get("caravan." + name + "." + key, defaultValue);
  }

  /** An archive destination's folder. */
  public Path archive(String name) {
    String folder = get("caravan." + name, name.equals("archive") ? "archive" : null);
    if (folder == null) {
      throw new IllegalArgumentException(
          "the archive destination " + name + " needs its folder: caravan." + name);
    }
    return Path.of(folder);
  }

  public String sftpBase(String name) {
    return get(name, "base", "");
  }

  /** The known-hosts file an SFTP server's key is checked against (also for an SFTP intake). */
  public String knownHosts(String name) {
    return get(name, "known-hosts", System.getProperty("user.home") + "/.ssh/known_hosts");
  }

  /** Host keys are checked against the known-hosts file unless checking is turned off. */
  public SftpSessions.Server sftp(String name) {
    boolean strict = !"no".equalsIgnoreCase(get(name, "strict-host-key-checking", "yes"));
    return new SftpSessions.Server(
        get(name, "host", "localhost"),
        Integer.parseInt(get(name, "port", "22")),
        get(name, "user", "caravan"),
        get(name, "password", null),
        get(name, "private-key", null),
        strict ? knownHosts(name) : null,
        Integer.parseInt(get(name, "timeout", "30000")));
  }

  /** Upload limits, bytes per second (0: none), e.g. {@code 2M}. */
  public Bandwidth bandwidth(String name) {
    return Bandwidth.parse(get(name, "bandwidth", "0"));
  }

  public String s3Prefix(String name) {
    return get(name, "prefix", "");
  }

  public long s3PartSize(String name) {
    return Long.parseLong(get(name, "part-size", "16777216"));
  }

  /** Files larger than this go to S3 in parts, smaller ones in one PUT. */
  public long s3UploadCutoff(String name) {
    return Long.parseLong(get(name, "upload-cutoff", "209715200"));
  }

  /**
   * Whether the store refuses a PUT over an existing key ({@code If-None-Match: *}; AWS S3, MinIO,
   * R2, GCS, S3Proxy do): then a first try needs no HEAD before its PUT.
   */
  public boolean s3ConditionalWrites(String name) {
    return Boolean.parseBoolean(get(name, "conditional-writes", "true"));
  }

  public S3Verifier.Store s3(String name) {
    return new S3Verifier.Store(
        get(name, "endpoint", null),
        get(name, "region", "us-east-1"),
        get(name, "bucket", "caravan"),
        Boolean.parseBoolean(get(name, "path-style", "false")),
        get(name, "access-key", null),
        get(name, "secret-key", null),
        Integer.parseInt(get(name, "timeout", "60000")));
  }
}
