package dev.caravan.files;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * A file derived from a raw one (a CSV, a summary), written under a temporary name, hashed on the
 * way, and, when complete, synced to disk and renamed into place: the ledger records it only after
 * {@link #complete()} returns, so a power cut cannot leave a recorded file that is not there.
 */
public final class DerivedFile implements AutoCloseable {

  private final Path target;
  private final Path temp;
  private final MessageDigest digest;
  private final FileChannel channel;
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
    this.channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    this.out =
        new DigestOutputStream(
            new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16), digest);
  }

  public synchronized void append(byte[] bytes) throws IOException {
    out.write(bytes);
    size += bytes.length;
  }

  /** The file as a stream for a writer; closing it does not complete or close the file. */
  public OutputStream stream() {
    return new FilterOutputStream(out) {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
        size++;
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        size += len;
      }

      @Override
      public void close() throws IOException {
        out.flush();
      }
    };
  }

  /**
   * {@code NAME.dslog} → {@code NAME.v1.csv} for artifact {@code csv}; {@code NAME.dsevents} →
   * {@code NAME.v1.events.csv}: the decoder's version in every derived name.
   */
  public static String name(String rawName, String artifact) {
    int dot = rawName.lastIndexOf('.');
    String base = dot > 0 ? rawName.substring(0, dot) : rawName;
    return base + ".v" + dev.caravan.dslog.DecoderVersion.VERSION + "." + artifact;
  }

  /** Syncs, closes and renames into place; returns the final path. */
  public synchronized Path complete() throws IOException {
    out.flush();
    channel.force(true);
    out.close();
    sha256 = HexFormat.of().formatHex(digest.digest());
    Durable.moveIntoPlace(temp, target);
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
