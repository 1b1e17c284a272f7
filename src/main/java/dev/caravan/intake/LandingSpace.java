package dev.caravan.intake;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether landing has room to take more files. Every intake asks before a poll: below {@code
 * caravan.intake.min-free-space} the intakes pause (nothing is listed, claimed or half-copied), the
 * {@code intake-polls} health check is DOWN with the reason, and they resume by themselves once
 * space returns. A copy that still runs out of space mid-way (a file bigger than the reserve) is
 * deleted and the file released to be taken again; it is never recorded as landed.
 */
public final class LandingSpace {

  private static final Logger LOG = LoggerFactory.getLogger("caravan");

  private final Path landingDir;
  private final long minFree;
  private final AtomicReference<String> problem = new AtomicReference<>();

  /**
   * @param minFree bytes that must stay free in landing's file system; 0 turns the check off
   */
  public LandingSpace(Path landingDir, long minFree) {
    this.landingDir = landingDir;
    this.minFree = minFree;
  }

  /** True if the intakes may take files now; logs once when that changes. */
  public boolean hasRoom() {
    if (minFree <= 0) {
      return true;
    }
    String now;
    try {
      Files.createDirectories(landingDir);
      FileStore store = Files.getFileStore(landingDir);
      long free = store.getUsableSpace();
      now =
          free >= minFree
              ? null
              : "landing "
                  + landingDir
                  + " has "
                  + mib(free)
                  + " free, below caravan.intake.min-free-space ("
                  + mib(minFree)
                  + "): intake paused until space returns";
    } catch (IOException e) {
      now = "landing " + landingDir + " cannot be checked: " + e + ": intake paused";
    }
    String before = problem.getAndSet(now);
    if (now != null && before == null) {
      LOG.error(now);
    } else if (now == null && before != null) {
      LOG.info("landing {} has room again: intake resumed", landingDir);
    }
    return now == null;
  }

  /** The opposite of {@link #hasRoom()}, for a route's filter that stops a poll. */
  public boolean isFull() {
    return !hasRoom();
  }

  /** Why intake is paused, if it is (as of the last poll). */
  public Optional<String> problem() {
    return Optional.ofNullable(problem.get());
  }

  /** Parses {@code 256MB}, {@code 1GB}, {@code 512KB} or plain bytes. */
  public static long parseSize(String text) {
    String t = text.trim().toUpperCase(java.util.Locale.ROOT);
    long unit = 1;
    for (String[] u : new String[][] {{"GB", "1073741824"}, {"MB", "1048576"}, {"KB", "1024"}}) {
      if (t.endsWith(u[0])) {
        unit = Long.parseLong(u[1]);
        t = t.substring(0, t.length() - 2).trim();
        break;
      }
    }
    return Long.parseLong(t) * unit;
  }

  private static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
