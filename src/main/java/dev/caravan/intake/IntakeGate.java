package dev.caravan.intake;

import java.io.File;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stability gate of a polled folder (the inbox, an SFTP folder), as the file consumer's {@code
 * filter}: it decides at each poll which listed files are taken now, and never waits. A file is
 * taken once its size and modification time have held still across polls for {@code min-age}; one
 * not yet still is skipped for this poll and looked at again next poll, so a file being written
 * never holds back the others (Camel's {@code readLock=changed} waits inside the poll).
 *
 * <p>Nothing listed is dropped silently: a name the include/exclude patterns leave out is counted;
 * a file that keeps changing past {@code max-wait} is reported once (WARN, metric, health detail)
 * and still only taken whole; a listed file that cannot be opened under its name (bytes that are
 * not valid in the JVM's file-name encoding, a broken link) is reported once and counted.
 */
public final class IntakeGate implements GenericFileFilter<Object> {

  private static final Logger LOG = LoggerFactory.getLogger("caravan");

  /** How long a path's report list may grow in the health details. */
  private static final int NAMES_SHOWN = 10;

  private final String source;
  private final Names names;
  private final long minAge;
  private final long maxWait;
  private final boolean fileTimesOnOurClock;
  private final Clock clock;
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();
  private final AtomicLong poll = new AtomicLong();

  /** Which names a folder's intake takes: regexes on the file name, matched across line breaks. */
  public record Names(Pattern include, Pattern exclude) {

    /** Empty or null exclude: none. Both match the whole name, line breaks included. */
    public static Names of(String include, String exclude) {
      return new Names(
          Pattern.compile(include, Pattern.DOTALL),
          exclude == null || exclude.isBlank() ? null : Pattern.compile(exclude, Pattern.DOTALL));
    }

    public boolean takes(String name) {
      return include.matcher(name).matches()
          && (exclude == null || !exclude.matcher(name).matches());
    }
  }

  /** What the gate knows of one listed path. */
  private static final class Seen {
    long size;
    long mtime;

    /** When this size and mtime were first seen (our clock). */
    long stateSince;

    /** When the path was first seen changing (reset once it settles). */
    long waitingSince;

    long lastPoll;
    boolean settled;
    boolean reportedUnsettled;

    /** Polls in a row in which the path was listed but could not be opened. */
    int unreadablePolls;

    boolean reportedUnreadable;
    boolean excluded;
  }

  /**
   * @param fileTimesOnOurClock true for a local folder: a modification time older than {@code
   *     min-age} counts as stillness already (a remote server's clock may be off, so there only the
   *     time we have watched counts)
   */
  public IntakeGate(
      String source,
      Names names,
      Duration minAge,
      Duration maxWait,
      boolean fileTimesOnOurClock,
      Clock clock) {
    this.source = source;
    this.names = names;
    this.minAge = minAge.toMillis();
    this.maxWait = maxWait.toMillis();
    this.fileTimesOnOurClock = fileTimesOnOurClock;
    this.clock = clock;
  }

  public String source() {
    return source;
  }

  @Override
  public boolean accept(GenericFile<Object> file) {
    if (file.isDirectory()) {
      return true;
    }
    String path = file.getRelativeFilePath();
    long now = clock.millis();
    long thisPoll = poll.get();
    Seen s = seen.get(path);
    boolean isNew = s == null;
    if (isNew) {
      s = new Seen();
      s.stateSince = now;
      s.waitingSince = now;
      s.size = file.getFileLength();
      s.mtime = file.getLastModified();
      seen.put(path, s);
    }
    s.lastPoll = thisPoll;
    if (!names.takes(file.getFileNameOnly())) {
      if (!s.excluded) {
        s.excluded = true;
        LOG.debug("{}: {} left out by the include/exclude patterns", source, printable(path));
      }
      return false;
    }
    s.excluded = false;
    if (file.getFile() instanceof File local && !local.exists()) {
      return unreadable(path, s);
    }
    s.unreadablePolls = 0;
    boolean changed =
        !isNew && (s.size != file.getFileLength() || s.mtime != file.getLastModified());
    if (changed) {
      if (s.settled) {
        s.settled = false; // a new version starts to wait now
        s.waitingSince = now;
      }
      s.size = file.getFileLength();
      s.mtime = file.getLastModified();
      s.stateSince = now;
    }
    if (isNew || changed) {
      // a state seen for the first time is never taken: it must be seen again, unchanged
      return waiting(path, s, now);
    }
    long stillSince =
        fileTimesOnOurClock && s.mtime <= now ? Math.min(s.stateSince, s.mtime) : s.stateSince;
    if (now - stillSince < minAge) {
      return waiting(path, s, now);
    }
    if (!s.settled) {
      s.settled = true;
      if (s.reportedUnsettled) {
        LOG.info(
            "{}: {} has held still for {} ms after {} of changes; taken now ({} bytes)",
            source,
            printable(path),
            minAge,
            Duration.ofMillis(now - s.waitingSince),
            s.size);
        s.reportedUnsettled = false;
      }
    }
    return true;
  }

  private boolean waiting(String path, Seen s, long now) {
    if (!s.reportedUnsettled && now - s.waitingSince > maxWait) {
      s.reportedUnsettled = true;
      LOG.warn(
          "{}: {} has kept changing for more than {} (now {} bytes); it is taken only once it holds"
              + " still for {} ms",
          source,
          printable(path),
          Duration.ofMillis(maxWait),
          s.size,
          minAge);
    }
    return false;
  }

  private boolean unreadable(String path, Seen s) {
    // listed but gone: deleted between the listing and now, or a name that cannot be opened. A
    // deleted file is not listed again, so only a second poll in a row makes it a report.
    if (++s.unreadablePolls >= 2 && !s.reportedUnreadable) {
      s.reportedUnreadable = true;
      LOG.warn(
          "{}: {} is listed but cannot be opened under that name, so it cannot be taken: a broken"
              + " link, or a name whose bytes are not valid in this JVM's file-name encoding"
              + " (sun.jnu.encoding={}; run with LANG=C.UTF-8 for UTF-8 names). Rename it to take"
              + " it.",
          source,
          printable(path),
          System.getProperty("sun.jnu.encoding"));
    }
    return false;
  }

  /** Called as a poll begins (by the intake's poll strategy). */
  public void pollBegins() {
    poll.incrementAndGet();
  }

  /** Called when a poll listed the whole folder: forgets the paths that are gone. */
  public void pollListedAll() {
    long thisPoll = poll.get();
    seen.values().removeIf(s -> s.lastPoll != thisPoll);
  }

  /** Files listed and not yet taken because they are still changing (or not yet watched long). */
  public long waiting() {
    return seen.values().stream()
        .filter(s -> !s.settled && !s.excluded && !s.reportedUnreadable)
        .count();
  }

  /** The paths reported for changing longer than max-wait. */
  public List<String> unsettled() {
    return paths(s -> s.reportedUnsettled && !s.settled);
  }

  /** The paths reported as listed but impossible to open. */
  public List<String> unreadable() {
    return paths(s -> s.reportedUnreadable);
  }

  /** How many listed files the include/exclude patterns leave out. */
  public long excluded() {
    return seen.values().stream().filter(s -> s.excluded).count();
  }

  /** The figures for the metrics endpoint, labelled with the source. */
  public Map<String, Double> figures() {
    return Map.of(
        "caravan.intake.waiting", (double) waiting(),
        "caravan.intake.unsettled", (double) unsettled().size(),
        "caravan.intake.unreadable", (double) unreadable().size(),
        "caravan.intake.excluded", (double) excluded());
  }

  /** One line for a health detail: up to ten paths, then how many more. */
  public static String shortList(List<String> paths) {
    String shown =
        String.join(", ", paths.stream().limit(NAMES_SHOWN).map(IntakeGate::printable).toList());
    return paths.size() > NAMES_SHOWN
        ? shown + " and " + (paths.size() - NAMES_SHOWN) + " more"
        : shown;
  }

  private List<String> paths(java.util.function.Predicate<Seen> which) {
    return seen.entrySet().stream()
        .filter(e -> which.test(e.getValue()))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  /** A path as one log line: control characters shown as \\n, \\t or \\uXXXX. */
  public static String printable(String path) {
    StringBuilder s = new StringBuilder(path.length() + 2).append('\'');
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      switch (c) {
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            s.append(String.format("\\u%04x", (int) c));
          } else {
            s.append(c);
          }
        }
      }
    }
    return s.append('\'').toString();
  }
}
