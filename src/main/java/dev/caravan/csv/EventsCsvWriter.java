package dev.caravan.csv;

import dev.caravan.dslog.DsEvent;
import dev.caravan.dslog.EventText;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Writes {@code .dsevents} entries as CSV with Commons CSV (the text holds commas, quotes, tabs and
 * newlines). Two shapes:
 *
 * <ul>
 *   <li>per entry ({@link #ENTRY_COLUMNS}): the raw text, then a summary of what it holds;
 *   <li>per message ({@link #MESSAGE_COLUMNS}, {@code --split-messages}): one row for the untagged
 *       text and one for each tagged message, with its fields.
 * </ul>
 */
public final class EventsCsvWriter extends PrintedRows<DsEvent> {

  public static final List<String> ENTRY_COLUMNS =
      List.of(
          "file",
          "event_index",
          "time_utc",
          "t_rel_s",
          "text",
          "message_count",
          "codes",
          "robot_time_s",
          "fms_match_type",
          "fms_match_number",
          "fms_replay",
          "fms_field_time");

  public static final List<String> MESSAGE_COLUMNS =
      List.of(
          "file",
          "event_index",
          "message_index",
          "time_utc",
          "t_rel_s",
          "kind",
          "robot_time_s",
          "count",
          "flags",
          "code",
          "text",
          "location",
          "stack");

  private final String fileName;
  private final boolean perMessage;

  public EventsCsvWriter(Writer out, String fileName, boolean perMessage) throws IOException {
    super(out, perMessage ? MESSAGE_COLUMNS : ENTRY_COLUMNS);
    this.fileName = fileName;
    this.perMessage = perMessage;
  }

  @Override
  public void write(DsEvent e) throws IOException {
    for (List<Object> row : rows(e)) {
      print(row);
    }
  }

  /** The CSV rows of an entry (one, or one per message when split), as values. */
  public List<List<Object>> rows(DsEvent e) {
    List<List<Object>> out = new ArrayList<>();
    EventText parsed = e.parsed();
    String time = e.time().toString();
    String rel = seconds(e.relativeNanos(), 9);
    if (perMessage) {
      int m = 0;
      if (!parsed.plain().isEmpty()) {
        out.add(
            row(
                e.index(),
                m++,
                time,
                rel,
                "plain",
                null,
                null,
                null,
                null,
                parsed.plain(),
                null,
                null));
      }
      for (EventText.Message msg : parsed.messages()) {
        out.add(
            row(
                e.index(),
                m++,
                time,
                rel,
                msg.kind().name().toLowerCase(java.util.Locale.ROOT),
                msg.robotTimeMillis() == null ? null : seconds(msg.robotTimeMillis(), 3),
                msg.count(),
                msg.flags(),
                msg.code(),
                msg.text(),
                msg.location(),
                msg.stack()));
      }
      return out;
    }
    StringJoiner codes = new StringJoiner(";");
    String robotTime = null;
    for (EventText.Message msg : parsed.messages()) {
      if (msg.code() != null) {
        codes.add(msg.code().toString());
      }
      if (robotTime == null && msg.robotTimeMillis() != null) {
        robotTime = seconds(msg.robotTimeMillis(), 3);
      }
    }
    EventText.Fms fms = parsed.fms();
    out.add(
        row(
            e.index(),
            time,
            rel,
            e.text(),
            parsed.messages().size(),
            codes.toString(),
            robotTime,
            fms == null ? null : fms.matchType(),
            fms == null ? null : fms.matchNumber(),
            fms == null ? null : fms.replay(),
            fms == null || fms.fieldTime() == null
                ? null
                : DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(fms.fieldTime())));
    return out;
  }

  /** The file name, then the values. */
  private List<Object> row(Object... values) {
    List<Object> all = new ArrayList<>(values.length + 1);
    all.add(fileName);
    all.addAll(java.util.Arrays.asList(values));
    return all;
  }

  /** {@code value / 10^scale} as the shortest exact decimal. */
  static String seconds(long value, int scale) {
    BigDecimal d = BigDecimal.valueOf(value, scale).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
  }
}
