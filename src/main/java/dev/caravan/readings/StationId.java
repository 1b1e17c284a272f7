package dev.caravan.readings;

import dev.caravan.files.Durable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * This app's own station id, for readings that name none: a UUID v7 (RFC 9562: time-ordered) made
 * the first time it is needed and kept in {@code data/station-id}, so it never changes.
 */
public final class StationId {

  private StationId() {}

  /** The id kept in {@code file}, made and kept there first if there is none. */
  public static synchronized String of(Path file) throws IOException {
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.US_ASCII).strip();
    }
    String id = v7(System.currentTimeMillis(), new SecureRandom()).toString();
    Files.createDirectories(file.getParent());
    Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.writeString(temp, id + "\n", StandardCharsets.US_ASCII);
    Durable.publish(temp, file);
    return id;
  }

  /** A UUID v7: 48 bits of Unix milliseconds, version 7, 74 random bits, variant 10. */
  static UUID v7(long unixMillis, SecureRandom random) {
    long high = (unixMillis << 16) | 0x7000L | (random.nextInt() & 0x0fffL);
    long low = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(high, low);
  }
}
