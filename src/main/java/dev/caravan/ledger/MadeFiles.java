package dev.caravan.ledger;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.UUID;

/**
 * A file Caravan makes itself (a completeness marker, a day's report), taken like any file: claimed
 * in the ledger under its own source, landed atomically in {@code landing/SOURCE/…}, queued for its
 * destinations and marked done.
 */
public final class MadeFiles {

  private MadeFiles() {}

  /**
   * @param path the made file's own id within {@code source}, e.g. {@code report/2026-03-29}
   * @param placedAt the time whose day folder it goes into at the destinations
   * @return its ledger id
   */
  public static long deliver(
      Ledger ledger,
      DeliveryQueue queue,
      Path landingDir,
      String source,
      String path,
      String name,
      byte[] content,
      Instant placedAt,
      Collection<String> destinations)
      throws IOException {
    String sha = sha256(content);
    FileKey key = new FileKey(source, path, sha);
    long id =
        ledger
            .claim(key, name, content.length, "other")
            .orElseGet(() -> ledger.id(key).orElseThrow());
    Path dir = landingDir.resolve(source).resolve(sha.substring(0, 2)).resolve(sha);
    Files.createDirectories(dir);
    Path target = dir.resolve(name);
    if (!Files.exists(target)) {
      Path temp = dir.resolve("." + name + "." + UUID.randomUUID() + ".tmp");
      Files.write(temp, content);
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target);
      }
    }
    ledger.landed(id, target.toString());
    queue.enqueue(id, "raw", target, name, sha, content.length, placedAt, destinations);
    ledger.finish(id);
    return id;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
