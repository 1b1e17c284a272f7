package dev.caravan.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, the hash every step names a file's content by (hex, lower case). */
public final class Sha256 {

  private Sha256() {}

  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** SHA-256 of a file, hex. */
  public static String of(Path file) throws IOException {
    MessageDigest digest = digest();
    try (InputStream in = Files.newInputStream(file)) {
      copy(in, OutputStream.nullOutputStream(), digest);
    }
    return hex(digest);
  }

  public static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Copies while hashing; closes {@code in}; returns the byte count. */
  public static long copy(InputStream in, OutputStream out, MessageDigest digest)
      throws IOException {
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    try (InputStream hashed = new DigestInputStream(in, digest)) {
      for (int r; (r = hashed.read(buf)) > 0; ) {
        out.write(buf, 0, r);
        total += r;
      }
    }
    return total;
  }
}
