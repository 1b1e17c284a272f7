package dev.caravan.intake.drive;

import com.google.api.client.util.DateTime;
import com.google.api.services.drive.Drive;
import dev.caravan.dslog.LogKind;
import dev.caravan.files.FileHeaders;
import dev.caravan.files.Layout;
import dev.caravan.ledger.FileKey;
import dev.caravan.ledger.Ledger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Google Drive intake's steps, called by {@code routes/intake-drive.camel.yaml}: {@link #poll}
 * lists the folder completely and passes the files that are new and have held still; {@link
 * #download} streams one into a temporary file in landing, checking Drive's size and MD5, and
 * prepares it for the same landing and processing as a local file; {@link #discard} removes the
 * temporary file. Nothing on Drive is ever changed or deleted.
 */
public final class DriveIntake {

  public static final String SOURCE = "drive";

  /** Exchange property: the temporary download. */
  public static final String TEMP = "CaravanDriveTemp";

  private static final Logger LOG = LoggerFactory.getLogger("caravan.drive");

  /** Google resets daily quotas at midnight Pacific time. */
  static final ZoneId QUOTA_DAY = ZoneId.of("America/Los_Angeles");

  private final Drive drive;
  private final DriveSettings settings;
  private final DriveCalls calls;
  private final DriveListing listing;
  private final Ledger ledger;
  private final Path landingDir;
  private final Clock clock;

  private DriveListing.Folder folder;
  private volatile Instant pausedUntil;
  private volatile String lastError;
  private volatile Instant lastSuccess;
  private final AtomicLong pollFailures = new AtomicLong();
  private final AtomicLong downloads = new AtomicLong();
  private final AtomicLong downloadFailures = new AtomicLong();

  public DriveIntake(
      Drive drive, DriveSettings settings, Ledger ledger, Path landingDir, Clock clock) {
    this(drive, settings, new DriveCalls(settings), ledger, landingDir, clock);
  }

  DriveIntake(
      Drive drive,
      DriveSettings settings,
      DriveCalls calls,
      Ledger ledger,
      Path landingDir,
      Clock clock) {
    this.drive = drive;
    this.settings = settings;
    this.calls = calls;
    this.listing = new DriveListing(drive, calls, settings);
    this.ledger = ledger;
    this.landingDir = landingDir;
    this.clock = clock;
  }

  /**
   * Lists the folder and returns the files to take: matching the include pattern, not in the ledger
   * yet (by Drive id and MD5), and unchanged across two consecutive polls or older than the minimum
   * age. A failed listing throws, after logging what failed; it is never an empty folder. After a
   * daily-quota error the source rests until midnight Pacific time, and says so.
   */
  public synchronized List<DriveItem> poll() throws DriveException {
    Instant now = clock.instant();
    if (pausedUntil != null) {
      if (now.isBefore(pausedUntil)) {
        return List.of();
      }
      LOG.info("Drive: the daily quota has reset; polling again");
      pausedUntil = null;
    }
    try {
      if (folder == null) {
        folder = listing.folder();
        LOG.info("Drive: polling folder '{}' ({})", folder.name(), folder.id());
      }
      DriveListing.Result listed = listing.list(folder);
      List<DriveItem> take = new ArrayList<>();
      int waiting = 0;
      int matching = 0;
      for (DriveItem item : listed.files()) {
        if (!settings.include().matcher(item.name()).matches()) {
          continue;
        }
        matching++;
        if (ledger.holds(SOURCE, item.sourcePath())) {
          continue;
        }
        int seen =
            ledger
                .sourceItems()
                .observe(SOURCE, item.id(), item.path(), item.size(), item.md5(), item.modified());
        if (seen >= 2 || oldEnough(item, now)) {
          take.add(item);
        } else {
          waiting++;
        }
      }
      lastSuccess = now;
      lastError = null;
      if (!take.isEmpty() || waiting > 0) {
        LOG.info(
            "Drive poll of '{}': {} matching file(s) in {} folder(s), {} page(s); {} to take, {}"
                + " waiting to hold still",
            folder.name(),
            matching,
            listed.folders(),
            listed.pages(),
            take.size(),
            waiting);
      }
      return take;
    } catch (DriveException e) {
      pollFailures.incrementAndGet();
      lastError = e.getMessage();
      if (e.kind() == DriveException.Kind.DAILY_QUOTA) {
        pausedUntil =
            LocalDate.now(clock.withZone(QUOTA_DAY))
                .plusDays(1)
                .atStartOfDay(QUOTA_DAY)
                .toInstant();
        lastError = e.getMessage() + "; the Drive intake rests until " + pausedUntil;
      }
      if (e.kind() != DriveException.Kind.RATE_LIMIT && e.kind() != DriveException.Kind.SERVER) {
        folder = null; // look the folder up again next time: it may have been shared or renamed
      }
      LOG.error("Drive poll FAILED (nothing was taken): {}", lastError);
      throw e;
    }
  }

  private boolean oldEnough(DriveItem item, Instant now) {
    if (item.modified().isEmpty()) {
      return false;
    }
    Instant modified = Instant.ofEpochMilli(DateTime.parseRfc3339(item.modified()).getValue());
    return !modified.plus(settings.minAge()).isAfter(now);
  }

  /**
   * Downloads the {@link DriveItem} in the body into a temporary file in landing, hashing on the
   * way, and checks size and MD5 against Drive's; a cut connection or a mismatch is retried. Then
   * sets the headers the landing step and the ledger's idempotent consumer need; the body becomes
   * the downloaded file. A download that keeps failing is recorded against the item and thrown.
   */
  public void download(Exchange exchange)
      throws IOException, org.apache.camel.InvalidPayloadException {
    Message m = exchange.getMessage();
    DriveItem item = m.getMandatoryBody(DriveItem.class);
    Files.createDirectories(landingDir);
    Path temp = landingDir.resolve(".drive-" + UUID.randomUUID() + ".tmp");
    exchange.setProperty(TEMP, temp);
    String what = "downloading Drive file '" + item.path() + "' (" + item.id() + ")";
    String sha;
    try {
      sha = calls.call(what, () -> fetch(item, temp, what));
    } catch (DriveException e) {
      downloadFailures.incrementAndGet();
      int n = ledger.sourceItems().downloadFailed(SOURCE, item.id(), e.getMessage());
      LOG.error(
          "{}: not taken ({} failed attempt(s) at this version): {}",
          item.path(),
          n,
          e.getMessage());
      Files.deleteIfExists(temp);
      throw e;
    }
    downloads.incrementAndGet();
    // the kind by a name a Path can hold; the ledger keeps the name as Drive gives it, and landing
    // makes it a safe file name
    LogKind kind = LogKind.of(Path.of(Layout.safeName(item.name())));
    m.setHeader(FileHeaders.SOURCE, SOURCE);
    m.setHeader(FileHeaders.SOURCE_PATH, item.path() + " (drive " + item.id() + ")");
    m.setHeader(FileHeaders.NAME, item.name());
    m.setHeader(FileHeaders.SIZE, item.size());
    m.setHeader(FileHeaders.SHA256, sha);
    m.setHeader(FileHeaders.KIND, kind == null ? "other" : kind.name().toLowerCase());
    m.setHeader(FileHeaders.KEY, new FileKey(SOURCE, item.sourcePath(), sha).encode());
    m.setHeader(FileHeaders.STAGED, temp.toString()); // already in landing: renamed, not copied
    m.setBody(temp.toFile());
  }

  /** Streams the file to {@code temp}; returns its SHA-256 once size and MD5 match Drive's. */
  private String fetch(DriveItem item, Path temp, String what) throws IOException {
    MessageDigest md5 = digest("MD5");
    MessageDigest sha = digest("SHA-256");
    long size = 0;
    try (InputStream in =
            new DigestInputStream(
                new DigestInputStream(
                    drive
                        .files()
                        .get(item.id())
                        .setSupportsAllDrives(true)
                        .executeMediaAsInputStream(),
                    md5),
                sha);
        OutputStream out = Files.newOutputStream(temp)) {
      byte[] buf = new byte[64 * 1024];
      for (int r; (r = in.read(buf)) > 0; ) {
        out.write(buf, 0, r);
        size += r;
      }
    }
    String gotMd5 = HexFormat.of().formatHex(md5.digest());
    if (size != item.size() || !gotMd5.equalsIgnoreCase(item.md5())) {
      throw new DriveException(
          DriveException.Kind.MISMATCH,
          what
              + ": received "
              + size
              + " bytes with MD5 "
              + gotMd5
              + ", Drive lists "
              + item.size()
              + " bytes with MD5 "
              + item.md5(),
          null);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** Removes the temporary download, whatever happened to it. */
  public void discard(Exchange exchange) throws IOException {
    Path temp = exchange.getProperty(TEMP, Path.class);
    if (temp != null) {
      Files.deleteIfExists(temp);
    }
  }

  /** For the health check: null when the last poll worked. */
  public String problem() {
    return lastError;
  }

  public Instant lastSuccess() {
    return lastSuccess;
  }

  public Instant pausedUntil() {
    return pausedUntil;
  }

  public long pollFailures() {
    return pollFailures.get();
  }

  public long downloads() {
    return downloads.get();
  }

  public long downloadFailures() {
    return downloadFailures.get();
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has " + algorithm, e);
    }
  }
}
