package dev.caravan.dslog;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parsed view of a {@code .dsevents} entry's text (format doc §2.8): the untagged DS text, the
 * tagged robot/DS messages it holds (several are common), and the {@code FMS Connected:} line when
 * there is one. The raw text stays the source of truth; this only reads it.
 *
 * @param plain text outside any tagged message (DS lines such as joystick or FMS info), stripped
 * @param messages the tagged messages, in order
 * @param fms the FMS line, or null
 */
public record EventText(String plain, List<Message> messages, Fms fms) {

  /** What a tagged message is. */
  public enum Kind {
    /** {@code <message>}: a plain print from the robot program. */
    MESSAGE,
    /** {@code <Code>}: an error or warning report with a code, details, location and stack. */
    REPORT
  }

  /**
   * One {@code <TagVersion>1 …} message. Fields a message does not carry are null.
   *
   * @param robotTime the robot-side {@code <time>} as written ({@code ss.sss}, {@code mm:ss.sss})
   * @param robotTimeMillis the same in milliseconds, or null when it is not a time
   * @param text the {@code <message>} text, or the {@code <details>} of a report
   */
  public record Message(
      Kind kind,
      String robotTime,
      Long robotTimeMillis,
      Integer count,
      Integer flags,
      Integer code,
      String text,
      String location,
      String stack) {}

  /**
   * The {@code FMS Connected:} line.
   *
   * @param matchType as written: None, Practice, Qualification, Elimination
   * @param fieldTime the field's clock (local time, year 2000+yy), or null if unreadable
   */
  public record Fms(String matchType, int matchNumber, int replay, LocalDateTime fieldTime) {}

  private static final String TAG = "<TagVersion>";
  private static final String[] REPORT_TAGS = {
    "<count>", "<flags>", "<Code>", "<details>", "<location>", "<stack>"
  };
  private static final Pattern FMS =
      Pattern.compile(
          "FMS Connected:\\s*(\\S.*?)\\s*-\\s*(\\d{1,6}):(\\d{1,6}),\\s*Field Time:\\s*"
              + "(\\d{1,4})/(\\d{1,2})/(\\d{1,2})\\s+(\\d{1,2}):(\\d{1,2}):(\\d{1,2})");
  private static final Pattern ROBOT_TIME =
      Pattern.compile("(-)?(?:(\\d{1,6}):)?(\\d{1,9})\\.(\\d{1,3})");

  /** Parses an entry's text; never fails. */
  public static EventText parse(String text) {
    int first = text.indexOf(TAG);
    String plain = (first < 0 ? text : text.substring(0, first)).strip();
    List<Message> messages = new ArrayList<>();
    int at = first;
    while (at >= 0) {
      int next = text.indexOf(TAG, at + TAG.length());
      String segment = text.substring(at + TAG.length(), next < 0 ? text.length() : next);
      messages.add(parseMessage(segment));
      at = next;
    }
    return new EventText(plain, List.copyOf(messages), parseFms(plain.isEmpty() ? text : plain));
  }

  /** A segment after {@code <TagVersion>}: {@code 1 <time> T <message> …} or a report. */
  private static Message parseMessage(String segment) {
    String time = field(segment, "<time>", "<message>", "<count>");
    int messageTag = segment.indexOf("<message>");
    if (messageTag >= 0 && segment.indexOf("<Code>") < 0) {
      String text = segment.substring(messageTag + "<message>".length()).strip();
      return new Message(Kind.MESSAGE, time, millis(time), null, null, null, text, null, null);
    }
    String[] values = new String[REPORT_TAGS.length];
    for (int i = 0; i < REPORT_TAGS.length; i++) {
      String[] rest = new String[REPORT_TAGS.length - i - 1];
      System.arraycopy(REPORT_TAGS, i + 1, rest, 0, rest.length);
      values[i] = field(segment, REPORT_TAGS[i], rest);
    }
    return new Message(
        Kind.REPORT,
        time,
        millis(time),
        integer(values[0]),
        integer(values[1]),
        integer(values[2]),
        values[3],
        values[4],
        values[5]);
  }

  /**
   * The stripped text after {@code tag} up to the first of {@code ends} (or the end); null if
   * absent.
   */
  private static String field(String segment, String tag, String... ends) {
    int start = segment.indexOf(tag);
    if (start < 0) {
      return null;
    }
    start += tag.length();
    int end = segment.length();
    for (String e : ends) {
      int i = segment.indexOf(e, start);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    return segment.substring(start, end).strip();
  }

  private static Integer integer(String s) {
    if (s == null || s.isEmpty() || s.length() > 10) {
      return null;
    }
    try {
      return Integer.valueOf(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** {@code ss.sss}, {@code mm:ss.sss} or {@code -00.000} to milliseconds. */
  static Long millis(String time) {
    if (time == null) {
      return null;
    }
    Matcher m = ROBOT_TIME.matcher(time);
    if (!m.matches()) {
      return null;
    }
    long minutes = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
    String frac = (m.group(4) + "00").substring(0, 3);
    long ms = (minutes * 60 + Long.parseLong(m.group(3))) * 1000 + Integer.parseInt(frac);
    return m.group(1) == null ? ms : -ms;
  }

  private static Fms parseFms(String text) {
    Matcher m = FMS.matcher(text);
    if (!m.find()) {
      return null;
    }
    LocalDateTime fieldTime;
    try {
      int year = Integer.parseInt(m.group(4));
      fieldTime =
          LocalDateTime.of(
              year < 100 ? 2000 + year : year,
              Integer.parseInt(m.group(5)),
              Integer.parseInt(m.group(6)),
              Integer.parseInt(m.group(7)),
              Integer.parseInt(m.group(8)),
              Integer.parseInt(m.group(9)));
    } catch (java.time.DateTimeException e) {
      fieldTime = null;
    }
    return new Fms(
        m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), fieldTime);
  }
}
