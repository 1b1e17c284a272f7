package dev.caravan.ledger;

/**
 * A file's identity: where it came from (source and the source's own path or id) and its content
 * hash. Never the bare name: the same name in two folders, or with new content, is another file.
 *
 * @param source the intake, e.g. {@code local}
 * @param path the source's own id for the file, e.g. its path relative to the inbox
 * @param sha256 lower-case hex SHA-256 of the content
 */
public record FileKey(String source, String path, String sha256) {

  public FileKey {
    if (sha256.length() != 64) {
      throw new IllegalArgumentException("not a SHA-256: " + sha256);
    }
    if (source.indexOf(':') >= 0) {
      throw new IllegalArgumentException("a source name cannot hold ':': " + source);
    }
  }

  /** One string for Camel's idempotent consumer: {@code sha256:source:path}. */
  public String encode() {
    return sha256 + ":" + source + ":" + path;
  }

  public static FileKey decode(String key) {
    int second = key.indexOf(':', 65);
    if (key.length() < 66 || key.charAt(64) != ':' || second < 0) {
      throw new IllegalArgumentException("not a file key: " + key);
    }
    return new FileKey(key.substring(65, second), key.substring(second + 1), key.substring(0, 64));
  }
}
