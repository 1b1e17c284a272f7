package dev.caravan.readings;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.dslog.JsonText;
import dev.caravan.files.Durable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Readings kept on disk until their window is written: one append-only file of JSON lines per
 * station and window ({@code w<start>-<station hash>.jsonl}), each batch written in one go and
 * synced before it is acknowledged. A window whose end plus the grace has passed is sealed (renamed
 * {@code .p<N>.sealed}, part N of that window: readings that come later go into a new file and a
 * later part); once its Parquet is written the sealed file is replaced by an empty {@code .done}
 * marker, which keeps the count of parts. Markers of windows older than {@code partsKept} are
 * removed (the spool is listed at every sealing, and a station makes 35,000 windows a year): a
 * reading later than that starts its window's parts again, and {@link ReadingsSteps#writeDue} gives
 * it the next part number not yet taken ({@link #renumber}), never replacing a part's file.
 */
public final class ReadingSpool {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern OPEN = Pattern.compile("w(-?\\d+)-([0-9a-f]{16})\\.jsonl");
  private static final Pattern PART =
      Pattern.compile("w(-?\\d+)-([0-9a-f]{16})\\.p(\\d+)\\.(sealed|done)");

  /**
   * A sealed file: its window's start, its part number, where it is, and whether it was sealed just
   * now ({@code fresh}) rather than found sealed (an earlier run's, whose Parquet may be written
   * already).
   */
  public record Sealed(long windowStartS, int part, Path file, boolean fresh) {}

  private final Path dir;
  private final long windowS;
  private final Duration grace;
  private final Duration partsKept;

  /** Files opened for appending since the start: their torn tail (if any) is already cut. */
  private final Set<Path> checked = new HashSet<>();

  public ReadingSpool(Path dir, Duration window, Duration grace, Duration partsKept) {
    this.dir = dir;
    this.windowS = window.toSeconds();
    this.grace = grace;
    this.partsKept = partsKept;
    if (windowS <= 0 || 86_400 % windowS != 0) {
      throw new IllegalArgumentException(
          "caravan.readings.window must divide a day in whole seconds, not " + window);
    }
  }

  /** The window a time (µs since the epoch) falls in: its start in seconds. */
  public long windowStart(long timeUs) {
    return Math.floorDiv(Math.floorDiv(timeUs, 1_000_000L), windowS) * windowS;
  }

  /**
   * Keeps the readings: appended to their window's files and synced, all or (on an I/O error)
   * possibly part of them, never acknowledged then.
   */
  public synchronized void append(List<Reading> readings) throws IOException {
    Files.createDirectories(dir);
    // one line per reading, written by hand: this is the hot path of POST /api/readings
    Map<Path, StringBuilder> lines = new LinkedHashMap<>();
    for (Reading r : readings) {
      Path file = dir.resolve("w" + windowStart(r.timeUs()) + "-" + hash(r.station()) + ".jsonl");
      StringBuilder line = lines.computeIfAbsent(file, f -> new StringBuilder(1 << 12));
      line.append("{\"s\":");
      JsonText.quote(line, r.station());
      line.append(",\"t\":").append(r.timeUs()).append(",\"v\":{");
      boolean first = true;
      for (Map.Entry<String, Double> v : r.values().entrySet()) {
        line.append(first ? "" : ",");
        JsonText.quote(line, v.getKey());
        line.append(':').append(v.getValue().doubleValue());
        first = false;
      }
      line.append("}}\n");
    }
    boolean created = false;
    for (Map.Entry<Path, StringBuilder> e : lines.entrySet()) {
      Path file = e.getKey();
      created |= !Files.exists(file);
      try (FileChannel ch =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
        long end = checked.add(file) ? tornTailCut(ch) : ch.size();
        ByteBuffer b = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(e.getValue()));
        while (b.hasRemaining()) {
          end += ch.write(b, end);
        }
        ch.force(false);
      }
    }
    if (created) {
      Durable.syncFolder(dir);
    }
  }

  /**
   * Seals every window whose end plus the grace is before {@code now}; returns every sealed file
   * (those of an earlier run too), oldest window first.
   */
  public synchronized List<Sealed> seal(Instant now) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    Map<String, Integer> parts = new TreeMap<>();
    List<Path> open = new ArrayList<>();
    List<Sealed> sealed = new ArrayList<>();
    List<Path> forgotten = new ArrayList<>();
    try (var files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        Matcher p = PART.matcher(name);
        if (p.matches()
            && p.group(4).equals("done")
            && Instant.ofEpochSecond(Long.parseLong(p.group(1)) + windowS)
                .plus(partsKept)
                .isBefore(now)) {
          forgotten.add(f);
        } else if (p.matches()) {
          int part = Integer.parseInt(p.group(3));
          parts.merge(p.group(1) + "-" + p.group(2), part, Math::max);
          if (p.group(4).equals("sealed")) {
            sealed.add(new Sealed(Long.parseLong(p.group(1)), part, f, false)); // an earlier run's
          }
        } else if (OPEN.matcher(name).matches()) {
          open.add(f);
        }
      }
    }
    for (Path f : forgotten) {
      Files.deleteIfExists(f);
    }
    boolean moved = !forgotten.isEmpty();
    for (Path f : open) {
      Matcher m = OPEN.matcher(f.getFileName().toString());
      m.matches();
      long start = Long.parseLong(m.group(1));
      if (Instant.ofEpochSecond(start + windowS).plus(grace).isBefore(now)) {
        String key = m.group(1) + "-" + m.group(2);
        int part = parts.merge(key, 1, Integer::sum);
        Path to = dir.resolve("w" + key + ".p" + part + ".sealed");
        Files.move(f, to, StandardCopyOption.ATOMIC_MOVE);
        sealed.add(new Sealed(start, part, to, true));
        checked.remove(f);
        moved = true;
      }
    }
    if (moved) {
      Durable.syncFolder(dir);
    }
    sealed.sort(
        java.util.Comparator.comparingLong(Sealed::windowStartS)
            .thenComparing(s -> s.file().toString()));
    return sealed;
  }

  /**
   * Gives a sealed file another part number (its window's count was forgotten, and the number it
   * got is taken already); the renamed file is synced before its Parquet is written.
   */
  public synchronized Sealed renumber(Sealed s, int part) throws IOException {
    Matcher m = PART.matcher(s.file().getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a sealed part: " + s.file());
    }
    Path to = dir.resolve("w" + m.group(1) + "-" + m.group(2) + ".p" + part + ".sealed");
    Files.move(s.file(), to, StandardCopyOption.ATOMIC_MOVE);
    Durable.syncFolder(dir);
    return new Sealed(s.windowStartS(), part, to, s.fresh());
  }

  /** The sealed file's readings are written: it becomes its empty {@code .done} marker. */
  public synchronized void done(Sealed s) throws IOException {
    String name = s.file().getFileName().toString();
    Path marker =
        s.file().resolveSibling(name.substring(0, name.length() - ".sealed".length()) + ".done");
    Files.write(marker, new byte[0]);
    Durable.syncFolder(dir);
    Files.delete(s.file());
    Durable.syncFolder(dir);
  }

  /** The readings of a sealed file, in the order they came; a torn last line is not one. */
  public static List<Reading> read(Path file) throws IOException {
    List<Reading> out = new ArrayList<>();
    byte[] all = Files.readAllBytes(file);
    int from = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == '\n') {
        var node = JSON.readTree(new String(all, from, i - from, StandardCharsets.UTF_8));
        Map<String, Double> values = new LinkedHashMap<>();
        node.get("v")
            .fields()
            .forEachRemaining(e -> values.put(e.getKey(), e.getValue().asDouble()));
        out.add(new Reading(node.get("s").asText(), node.get("t").asLong(), values));
        from = i + 1;
      }
    }
    return out;
  }

  /** The window's length in seconds. */
  public long windowSeconds() {
    return windowS;
  }

  /**
   * A kill in the middle of an append (never acknowledged) can leave a partial last line: the file
   * is cut back to its last complete line before anything is added. Returns the new end.
   */
  private static long tornTailCut(FileChannel ch) throws IOException {
    long size = ch.size();
    if (size == 0) {
      return 0;
    }
    long end = size;
    ByteBuffer one = ByteBuffer.allocate(1);
    while (end > 0) {
      one.clear();
      ch.read(one, end - 1);
      if (one.get(0) == '\n') {
        break;
      }
      end--;
    }
    if (end < size) {
      ch.truncate(end);
    }
    return end;
  }

  /** Stations seen lately → their hash (a station posts many batches). */
  private final Map<String, String> hashes = new java.util.HashMap<>();

  private String hash(String station) {
    String h = hashes.get(station);
    if (h == null) {
      if (hashes.size() > 10_000) {
        hashes.clear();
      }
      h = sha256Prefix(station);
      hashes.put(station, h);
    }
    return h;
  }

  private static String sha256Prefix(String station) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(station.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
