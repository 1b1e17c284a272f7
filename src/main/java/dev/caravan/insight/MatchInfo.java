package dev.caravan.insight;

import dev.caravan.dslog.DsEvent;
import dev.caravan.dslog.DsEventsReader;
import dev.caravan.dslog.DslogFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a log's {@code .dsevents} says about the match: the first {@code FMS Connected: TYPE -
 * NUMBER:REPLAY} line (any word as the type, {@code None} included; the field time may be nonsense,
 * as in {@code -100/0/0}), the {@code FMS Event Name}, and the battery id (the first match of the
 * battery pattern). Each is null when the text does not say.
 */
public record MatchInfo(
    String matchType, Integer matchNumber, Integer matchReplay, String eventName, String battery) {

  public static final MatchInfo NONE = new MatchInfo(null, null, null, null, null);

  private static final Pattern FMS =
      Pattern.compile("FMS Connected:\\s*(\\S[^\\r\\n]*?)\\s*-\\s*(\\d{1,9}):(\\d{1,9})");
  private static final Pattern EVENT = Pattern.compile("FMS Event Name:\\s*([^\\s<]+)");

  /** A practice session: no field match (type {@code None}) or no FMS line at all. */
  public boolean practice() {
    return matchType == null || matchType.equals("None");
  }

  /** Reads what the text of each event says, in order; first finds win. */
  public static final class Reader {
    private final Pattern battery;
    private String type;
    private Integer number;
    private Integer replay;
    private String event;
    private String batteryId;

    /**
     * @param battery the battery pattern: its first group if it has one and it matched, else the
     *     whole match, is the id
     */
    public Reader(Pattern battery) {
      this.battery = battery;
    }

    public void accept(String text) {
      if (type == null) {
        Matcher m = FMS.matcher(text);
        if (m.find()) {
          type = m.group(1).strip();
          number = Integer.valueOf(m.group(2));
          replay = Integer.valueOf(m.group(3));
        }
      }
      if (event == null) {
        Matcher m = EVENT.matcher(text);
        if (m.find()) {
          event = m.group(1);
        }
      }
      if (batteryId == null && battery != null) {
        Matcher m = battery.matcher(text);
        if (m.find()) {
          String id = m.groupCount() > 0 && m.group(1) != null ? m.group(1) : m.group();
          batteryId = id.strip();
        }
      }
    }

    public MatchInfo info() {
      return new MatchInfo(type, number, replay, event, batteryId);
    }
  }

  /**
   * The match info of {@code events} (a {@code .dsevents}); {@link #NONE} when there is no such
   * file. An events file cut short or corrupt gives what its readable part says.
   */
  public static MatchInfo read(Path events, Pattern battery) throws IOException {
    if (events == null || !Files.isRegularFile(events)) {
      return NONE;
    }
    Reader reader = new Reader(battery);
    try (DsEventsReader r = DsEventsReader.open(events)) {
      for (DsEvent e = r.next(); e != null; e = r.next()) {
        reader.accept(e.text());
      }
    } catch (DslogFormatException | dev.caravan.dslog.MalformedLogException e) {
      // what was read so far stands: a damaged events file still names its match
    }
    return reader.info();
  }

  /** The same info with the battery given (from a mapping) where the text named none. */
  public MatchInfo withBattery(String id) {
    return battery != null || id == null
        ? this
        : new MatchInfo(matchType, matchNumber, matchReplay, eventName, id);
  }
}
