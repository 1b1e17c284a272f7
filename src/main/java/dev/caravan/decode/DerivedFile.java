package dev.caravan.decode;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * A file derived from a raw one (a CSV), written under a temporary name and renamed into place when
 * complete, hashed on the way. Shared by the split's sub-exchanges through an exchange property.
 */
public final class DerivedFile implements AutoCloseable {

  private final Path target;
  private final Path temp;
  private final MessageDigest digest;
  private final OutputStream out;
  private long size;
  private String sha256;

  public DerivedFile(Path target) throws IOException {
    this.target = target;
    Files.createDirectories(target.getParent());
    this.temp =
        target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    this.out =
        new DigestOutputStream(
            new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16), digest);
  }

  public synchronized void append(byte[] bytes) throws IOException {
    out.write(bytes);
    size += bytes.length;
  }

  /** Closes and renames into place; returns the final path. */
  public synchronized Path complete() throws IOException {
    out.close();
    sha256 = HexFormat.of().formatHex(digest.digest());
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  public long size() {
    return size;
  }

  /** SHA-256 of the content, once complete. */
  public String sha256() {
    return sha256;
  }

  /** Throws away an unfinished file. */
  @Override
  public synchronized void close() throws IOException {
    if (sha256 == null) {
      try {
        out.close();
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }
}
