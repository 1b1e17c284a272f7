package dev.caravan.dslog;

import java.time.Instant;

/**
 * One entry of a {@code .dsevents} file (format doc §2.8).
 *
 * @param index position in the file, from 0
 * @param offset byte offset of the entry in the file
 * @param time absolute time of the entry, UTC (not on the 20 ms grid)
 * @param relativeNanos nanoseconds since the header time (may be negative)
 * @param text the raw text, decoded as ISO-8859-1 (never fails, equals ASCII)
 */
public record DsEvent(int index, long offset, Instant time, long relativeNanos, String text) {

  /** The messages in the text, parsed (an entry may hold several). */
  public EventText parsed() {
    return EventText.parse(text);
  }
}
