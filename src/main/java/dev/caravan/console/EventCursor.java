package dev.caravan.console;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Where an event stream is in the ledger's events: the newest id sent, and the ids below it not
 * seen yet. An event's id is taken when it is written and seen when its transaction commits, so a
 * file's events written in an intake's poll batch can appear after later ids a delivery committed
 * at once; reading "after the newest id" alone would skip them for good. The ids skipped are looked
 * for again at each read for {@code holdMillis}, then given up (ids no committed transaction took:
 * a rollback, a sequence's cache after a restart).
 */
final class EventCursor {

  /** At most this many ranges of missing ids are looked for (the oldest are given up first). */
  private static final int MAX_HOLES = 64;

  private final long holdNanos;
  private long last;

  /** Ids {@code from} to {@code to} missing, looked for since {@code since} (nanoTime). */
  record Hole(long from, long to, long since) {}

  /** Missing ids, oldest first. */
  private final List<Hole> holes = new ArrayList<>();

  /** A stream starting after {@code last} ({@code < 0}: not known yet, see {@link #started}). */
  EventCursor(long last, long holdMillis) {
    this.last = last;
    this.holdNanos = holdMillis * 1_000_000;
  }

  boolean started() {
    return last >= 0;
  }

  void startAfter(long id) {
    last = id;
  }

  long last() {
    return last;
  }

  /** The events to send now: those seen late (in the ranges missed), then the new ones. */
  List<Map<String, Object>> next(ConsoleQueries queries, int limit) {
    long now = System.nanoTime();
    holes.removeIf(h -> now - h.since() > holdNanos);
    List<Map<String, Object>> out = new ArrayList<>();
    if (!holes.isEmpty()) {
      for (Map<String, Object> e : queries.eventsIn(holes, limit)) {
        fill(id(e));
        out.add(e);
      }
    }
    for (Map<String, Object> e : queries.eventsAfter(last, limit)) {
      long id = id(e);
      if (id > last + 1) {
        holes.add(new Hole(last + 1, id - 1, now));
        if (holes.size() > MAX_HOLES) {
          holes.remove(0);
        }
      }
      last = id;
      out.add(e);
    }
    return out;
  }

  /** The ranges still missing (for the tests). */
  List<Hole> holes() {
    return List.copyOf(holes);
  }

  private void fill(long id) {
    List<Hole> split = new ArrayList<>();
    for (Iterator<Hole> it = holes.iterator(); it.hasNext(); ) {
      Hole h = it.next();
      if (id >= h.from() && id <= h.to()) {
        it.remove();
        if (id > h.from()) {
          split.add(new Hole(h.from(), id - 1, h.since()));
        }
        if (id < h.to()) {
          split.add(new Hole(id + 1, h.to(), h.since()));
        }
        break;
      }
    }
    holes.addAll(split);
  }

  private static long id(Map<String, Object> e) {
    return ((Number) e.get("id")).longValue();
  }
}
