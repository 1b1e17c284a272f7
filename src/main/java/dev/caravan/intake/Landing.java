package dev.caravan.intake;

import dev.caravan.dslog.DslogHeader;
import dev.caravan.dslog.DslogReader;
import dev.caravan.dslog.LogKind;
import dev.caravan.files.FileHeaders;
import dev.caravan.files.Layout;
import dev.caravan.files.Sha256;
import dev.caravan.ledger.FileKey;
import dev.caravan.ledger.Ledger;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.OptionalLong;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a file from a source into {@code data/landing/}, content-addressed, atomically and
 * checked. {@link #identify} hashes the source file so the ledger can say whether it is new,
 * copying it into a staging file on the way when it is likely new; {@link #land} renames that copy
 * into place, or (no staging copy) copies the file, hashing again, and keeps the copy only if the
 * bytes are the ones identified.
 */
public final class Landing {

  private static final Logger LOG = LoggerFactory.getLogger(Landing.class);

  private final Path landingDir;
  private final Ledger ledger;

  public Landing(Path landingDir, Ledger ledger) {
    this.landingDir = landingDir;
    this.ledger = ledger;
  }

  /**
   * Deletes the temporary files a killed process left in landing (ours are hidden and end in {@code
   * .tmp}: a landing copy or a derived file being written). Run at start-up, before any file is
   * taken; returns how many.
   */
  public int removeLeftovers() throws IOException {
    if (!Files.isDirectory(landingDir)) {
      return 0;
    }
    int n = 0;
    try (var files = Files.walk(landingDir)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith(".") && name.endsWith(".tmp")) {
          Files.deleteIfExists(p);
          n++;
        }
      }
    }
    if (n > 0) {
      LOG.info("removed {} unfinished temporary file(s) left in {}", n, landingDir);
    }
    return n;
  }

  /**
   * Sets name, size, kind, SHA-256 and the idempotent key of the file in the body. A file the
   * ledger has never seen at this path and size is read once: copied into a staging file in landing
   * while it is hashed, which {@link #land} then renames into place. One it has (a restart
   * re-offering an inbox kept as it is) is only hashed, so the ledger can drop it without a copy
   * being written.
   */
  public void identify(Exchange exchange) throws IOException {
    Message m = exchange.getMessage();
    File file = m.getBody(File.class);
    String source = m.getHeader(FileHeaders.SOURCE, String.class);
    String relative =
        m.getHeader(Exchange.FILE_NAME, file.getName(), String.class)
            .replace(File.separatorChar, '/');
    String name = file.getName();
    LogKind kind = LogKind.of(file.toPath());
    long sizeBefore = Files.size(file.toPath());
    java.nio.file.attribute.FileTime modified = Files.getLastModifiedTime(file.toPath());
    MessageDigest digest = Sha256.digest();
    Path staged =
        ledger.knows(source, relative, sizeBefore)
            ? null
            : stageOrNull(exchange, file.toPath(), source, digest);
    long size;
    if (staged == null) {
      digest.reset();
      try (InputStream in = Files.newInputStream(file.toPath())) {
        size = Sha256.copy(in, OutputStream.nullOutputStream(), digest);
      }
    } else {
      size = Files.size(staged);
      // the copy and its hash agree by construction; a file still being written would not
      // hold its size and time over the copy
      if (size != sizeBefore
          || Files.size(file.toPath()) != size
          || !Files.getLastModifiedTime(file.toPath()).equals(modified)) {
        throw new IOException(file + " changed while it was taken; it is taken at a later poll");
      }
      m.setHeader(FileHeaders.STAGED, staged.toString());
    }
    String sha = Sha256.hex(digest);
    m.setHeader(FileHeaders.SOURCE_PATH, relative);
    m.setHeader(FileHeaders.NAME, name);
    m.setHeader(FileHeaders.SIZE, size);
    m.setHeader(FileHeaders.SHA256, sha);
    m.setHeader(FileHeaders.KIND, kind == null ? "other" : kind.name().toLowerCase());
    m.setHeader(FileHeaders.KEY, new FileKey(source, relative, sha).encode());
  }

  /**
   * The file copied into a new hidden staging file in landing while {@code digest} hashes it
   * ({@link #removeLeftovers} finds one a kill left; the exchange deletes it when done); null when
   * landing cannot take the copy now (full, unwritable): the file is then only hashed, and the
   * landing step meets the same cause once the file is claimed, which records it there.
   */
  private Path stageOrNull(Exchange exchange, Path file, String source, MessageDigest digest)
      throws IOException {
    Path dir = Files.createDirectories(landingDir.resolve(Layout.safeName(source)));
    Path staged = dir.resolve(".staged-" + UUID.randomUUID() + ".tmp");
    deleteWhenDone(exchange, staged);
    try {
      copyHashing(file, staged, digest);
      return staged;
    } catch (IOException e) {
      LOG.debug("{}: no staging copy ({}); hashed only", file, e.toString());
      Files.deleteIfExists(staged);
      return null;
    }
  }

  /** Copies {@code file} to the new file {@code to}, feeding {@code digest} on the way. */
  private static void copyHashing(Path file, Path to, MessageDigest digest) throws IOException {
    try (InputStream in = Files.newInputStream(file);
        OutputStream out =
            new java.io.BufferedOutputStream(
                Files.newOutputStream(to, java.nio.file.StandardOpenOption.CREATE_NEW), 1 << 16)) {
      Sha256.copy(in, out, digest);
    }
  }

  /** Whatever becomes of the exchange, its staging file does not outlive it. */
  private static void deleteWhenDone(Exchange exchange, Path staged) {
    exchange
        .getExchangeExtension()
        .addOnCompletion(
            new org.apache.camel.support.SynchronizationAdapter() {
              @Override
              public void onDone(Exchange done) {
                try {
                  Files.deleteIfExists(staged);
                } catch (IOException e) {
                  LOG.warn("cannot delete the staging file {}: {}", staged, e.getMessage());
                }
              }
            });
  }

  /**
   * Copies the file to {@code landing/SOURCE/aa/SHA256/NAME} (temp name, then rename), checks the
   * copy has the identified hash, and records it. Marks the file a duplicate when the ledger
   * already has the same content from elsewhere. The body becomes the landed {@link File}.
   */
  public void land(Exchange exchange) throws IOException {
    Message m = exchange.getMessage();
    File source = m.getBody(File.class);
    String sha = m.getHeader(FileHeaders.SHA256, String.class);
    // one path element, whatever the source sends: the same rule as at the destinations
    String name = Layout.safeName(m.getHeader(FileHeaders.NAME, String.class));
    long id = m.getHeader(FileHeaders.FILE_ID, Long.class);
    Path dir =
        landingDir
            .resolve(m.getHeader(FileHeaders.SOURCE, String.class))
            .resolve(sha.substring(0, 2))
            .resolve(sha);
    Path target = dir.resolve(name);
    Files.createDirectories(dir);
    String stagedName = m.getHeader(FileHeaders.STAGED, String.class);
    Path staged = stagedName == null ? null : Path.of(stagedName);
    if (!Files.exists(target) && staged != null && Files.exists(staged)) {
      // read once: the staging copy is the bytes identified, synced and renamed into place
      dev.caravan.files.Durable.publish(staged, target);
    } else if (!Files.exists(target)) {
      Path temp = dir.resolve("." + name + "." + UUID.randomUUID() + ".tmp");
      try {
        MessageDigest digest = Sha256.digest();
        copyHashing(source.toPath(), temp, digest);
        String copied = Sha256.hex(digest);
        if (!copied.equals(sha)) {
          throw new IOException(
              source + " changed while it was taken (SHA-256 " + sha + " then " + copied + ")");
        }
        // on disk before the ledger says it landed; the same bytes may have landed meanwhile
        dev.caravan.files.Durable.publish(temp, target);
      } finally {
        Files.deleteIfExists(temp);
      }
    }
    OptionalLong same = ledger.landed(id, target.toString(), sha);
    m.setHeader(FileHeaders.LANDING_PATH, target.toString());
    m.setHeader(
        FileHeaders.LOG_START, logStart(target, m.getHeader(FileHeaders.KIND, String.class)));
    if (same.isPresent()) {
      LOG.info(
          "{}: same content as ledger file {}; recorded as a duplicate, not delivered again",
          m.getHeader(FileHeaders.SOURCE_PATH),
          same.getAsLong());
    }
    m.setHeader(FileHeaders.DUPLICATE, same.isPresent());
    m.setBody(target.toFile());
  }

  /** A DS log's header time, read from its first 20 bytes; null for other files or bad headers. */
  private static java.time.Instant logStart(Path file, String kind) {
    if (!"dslog".equals(kind) && !"dsevents".equals(kind)) {
      return null;
    }
    try (DslogReader r = DslogReader.open(file)) {
      DslogHeader h = r.header();
      return h.start();
    } catch (IOException e) {
      return null; // the decode step reports what is wrong with it
    }
  }
}
