package dev.caravan.deliver;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * The destinations' settings, read the same way by the application (Camel's properties) and by the
 * admin commands ({@code caravan check}): from a key lookup that returns null for a missing key.
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

  public Path archive() {
    return Path.of(get("caravan.archive", "archive"));
  }

  public String sftpBase() {
    return get("caravan.sftp.base", "");
  }

  /** Host keys are checked against the known-hosts file unless checking is turned off. */
  public SftpVerifier.Server sftp() {
    boolean strict = !"no".equalsIgnoreCase(get("caravan.sftp.strict-host-key-checking", "yes"));
    return new SftpVerifier.Server(
        get("caravan.sftp.host", "localhost"),
        Integer.parseInt(get("caravan.sftp.port", "22")),
        get("caravan.sftp.user", "caravan"),
        get("caravan.sftp.password", null),
        get("caravan.sftp.private-key", null),
        strict
            ? get("caravan.sftp.known-hosts", System.getProperty("user.home") + "/.ssh/known_hosts")
            : null,
        Integer.parseInt(get("caravan.sftp.timeout", "30000")));
  }

  /** Upload limits, bytes per second (0: none), e.g. {@code 2M}. */
  public Bandwidth sftpBandwidth() {
    return Bandwidth.parse(get("caravan.sftp.bandwidth", "0"));
  }

  public Bandwidth s3Bandwidth() {
    return Bandwidth.parse(get("caravan.s3.bandwidth", "0"));
  }

  public String s3Prefix() {
    return get("caravan.s3.prefix", "");
  }

  public long s3PartSize() {
    return Long.parseLong(get("caravan.s3.part-size", "16777216"));
  }

  public S3Verifier.Store s3() {
    return new S3Verifier.Store(
        get("caravan.s3.endpoint", null),
        get("caravan.s3.region", "us-east-1"),
        get("caravan.s3.bucket", "caravan"),
        Boolean.parseBoolean(get("caravan.s3.path-style", "false")),
        get("caravan.s3.access-key", null),
        get("caravan.s3.secret-key", null),
        Integer.parseInt(get("caravan.s3.timeout", "60000")));
  }
}
