package dev.caravan.finalize;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.caravan.ledger.DeliveryQueue;
import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.ledger.FileRow;
import dev.caravan.ledger.FileState;
import dev.caravan.ledger.Ledger;
import dev.caravan.ledger.MadeFiles;
import dev.caravan.ledger.Watermarks;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completeness markers. A source's day (UTC, by a log's own start time, else by when the file
 * arrived) is finalized at a destination once the day has ended, no file of it has arrived for
 * {@code quiet}, none is in progress, and every copy of every file of it is verified there. Then
 * {@code SOURCE_DAY_finalized.json} (period, file count, total bytes, each file with its SHA-256
 * and path there) is delivered to that destination like any file, written atomically and verified;
 * once it is verified the "finalized until" watermark moves past the day (only over days with no
 * gaps).
 */
public final class Completeness {

  /** The ledger source of the markers themselves (they are never counted in a period). */
  public static final String MARKER_SOURCE = "finalize";

  private static final Logger LOG = LoggerFactory.getLogger("caravan.finalize");

  private final Ledger ledger;
  private final DeliveryQueue queue;
  private final Watermarks watermarks;
  private final Path landingDir;
  private final java.util.function.Supplier<List<String>> destinations;
  private final Duration quiet;
  private final Clock clock;

  public Completeness(
      Ledger ledger,
      DeliveryQueue queue,
      Path landingDir,
      java.util.function.Supplier<List<String>> destinations,
      Duration quiet,
      Clock clock) {
    this.ledger = ledger;
    this.queue = queue;
    this.watermarks = new Watermarks(ledger);
    this.landingDir = landingDir;
    this.destinations = destinations;
    this.quiet = quiet;
    this.clock = clock;
  }

  /** One pass: new markers for the days that became complete, watermarks moved. */
  public synchronized int run() throws IOException {
    Instant now = clock.instant();
    List<FileRow> files = ledger.files();
    Map<Long, List<DeliveryRow>> deliveries =
        ledger.deliveries().stream().collect(Collectors.groupingBy(DeliveryRow::fileId));
    markersVerified(deliveries);
    Set<String> finalized =
        watermarks.periods().stream()
            .map(p -> p.source() + "|" + p.destination() + "|" + p.period())
            .collect(Collectors.toSet());
    // source -> day -> files
    Map<String, TreeMap<LocalDate, List<FileRow>>> days = new TreeMap<>();
    for (FileRow f : files) {
      if (!f.source().equals(MARKER_SOURCE)) {
        days.computeIfAbsent(f.source(), k -> new TreeMap<>())
            .computeIfAbsent(day(f), k -> new ArrayList<>())
            .add(f);
      }
    }
    int made = 0;
    for (var bySource : days.entrySet()) {
      for (String destination : destinations.get()) {
        for (var day : bySource.getValue().entrySet()) {
          String key = bySource.getKey() + "|" + destination + "|" + day.getKey();
          if (!finalized.contains(key)
              && complete(day.getKey(), day.getValue(), destination, deliveries, now)) {
            made +=
                mark(bySource.getKey(), destination, day.getKey(), day.getValue(), deliveries)
                    ? 1
                    : 0;
          }
        }
      }
    }
    advanceWatermarks(days);
    return made;
  }

  private static LocalDate day(FileRow f) {
    Instant t = f.logStart() != null ? f.logStart() : f.firstSeen();
    return LocalDate.ofInstant(t, ZoneOffset.UTC);
  }

  /** Over, quiet, nothing in progress, every copy verified at the destination. */
  private boolean complete(
      LocalDate day,
      List<FileRow> files,
      String destination,
      Map<Long, List<DeliveryRow>> deliveries,
      Instant now) {
    Instant end = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant lastArrival =
        files.stream().map(FileRow::firstSeen).max(Comparator.naturalOrder()).get();
    Instant quietFrom = lastArrival.isAfter(end) ? lastArrival : end;
    if (now.isBefore(quietFrom.plus(quiet))) {
      return false;
    }
    for (FileRow f : files) {
      if (f.state() == FileState.RECEIVED || f.state() == FileState.RETRY) {
        return false;
      }
      if (f.state() == FileState.DUPLICATE) {
        continue; // its bytes are there under the first copy's name
      }
      List<DeliveryRow> there =
          deliveries.getOrDefault(f.id(), List.of()).stream()
              .filter(d -> d.destination().equals(destination))
              .toList();
      if (there.isEmpty() || !there.stream().allMatch(d -> d.state() == DeliveryState.VERIFIED)) {
        return false;
      }
    }
    return true;
  }

  /** Writes the marker into landing and queues it for the one destination. */
  private boolean mark(
      String source,
      String destination,
      LocalDate day,
      List<FileRow> files,
      Map<Long, List<DeliveryRow>> deliveries)
      throws IOException {
    long bytes = files.stream().mapToLong(FileRow::size).sum();
    Map<String, Object> marker = new LinkedHashMap<>();
    marker.put("source", source);
    marker.put("destination", destination);
    marker.put("period", day.toString());
    marker.put("periodStart", day.atStartOfDay(ZoneOffset.UTC).toInstant().toString());
    marker.put("periodEnd", day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString());
    marker.put("fileCount", files.size());
    marker.put("totalBytes", bytes);
    List<Map<String, Object>> list = new ArrayList<>();
    for (FileRow f : files) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", f.name());
      e.put("sourcePath", f.sourcePath());
      e.put("size", f.size());
      e.put("sha256", f.sha256());
      e.put("state", f.state().name());
      if (f.duplicateOf() != null) {
        e.put("duplicateOfFile", f.duplicateOf());
      }
      Map<String, String> copies = new TreeMap<>();
      for (DeliveryRow d : deliveries.getOrDefault(f.id(), List.of())) {
        if (d.destination().equals(destination)) {
          copies.put(d.artifact(), d.remotePath());
        }
      }
      e.put("copies", copies);
      list.add(e);
    }
    marker.put("files", list);
    byte[] json =
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(marker);
    String name = safe(source) + "_" + day + "_finalized.json";
    long id =
        MadeFiles.deliver(
            ledger,
            queue,
            landingDir,
            MARKER_SOURCE,
            source + "/" + day + "/" + destination,
            name,
            json,
            day.atStartOfDay(ZoneOffset.UTC).toInstant(),
            List.of(destination));
    boolean recorded =
        watermarks.finalize(source, destination, day.toString(), files.size(), bytes, id);
    if (recorded) {
      LOG.info(
          "{} {} complete at {}: {} file(s), {} bytes; marker {} queued",
          source,
          day,
          destination,
          files.size(),
          bytes,
          name);
    }
    return recorded;
  }

  private void markersVerified(Map<Long, List<DeliveryRow>> deliveries) {
    for (Watermarks.Period p : watermarks.periods()) {
      if (p.verifiedAt() != null || p.markerFileId() == null) {
        continue;
      }
      for (DeliveryRow d : deliveries.getOrDefault(p.markerFileId(), List.of())) {
        if (d.destination().equals(p.destination()) && d.state() == DeliveryState.VERIFIED) {
          watermarks.markerVerified(p.source(), p.destination(), p.period(), d.verifiedAt());
        }
      }
    }
  }

  /**
   * Per source and destination: up to the first day with files that is not finalized and verified.
   */
  private void advanceWatermarks(Map<String, TreeMap<LocalDate, List<FileRow>>> days) {
    Map<String, Watermarks.Period> verified = new HashMap<>();
    for (Watermarks.Period p : watermarks.periods()) {
      if (p.verifiedAt() != null) {
        verified.put(p.source() + "|" + p.destination() + "|" + p.period(), p);
      }
    }
    for (var bySource : days.entrySet()) {
      for (String destination : destinations.get()) {
        LocalDate until = null;
        for (LocalDate day : bySource.getValue().keySet()) {
          if (!verified.containsKey(bySource.getKey() + "|" + destination + "|" + day)) {
            break;
          }
          until = day.plusDays(1);
        }
        if (until != null) {
          watermarks.advance(bySource.getKey(), destination, until.toString());
        }
      }
    }
  }

  private static String safe(String s) {
    return s.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
