package dev.caravan.csv;

import java.util.Map;
import java.util.Set;

/**
 * The type of each column of Caravan's CSVs, by artifact (as DuckDB names it; Parquet and the Kafka
 * JSON messages use it): times as timestamps (the DS's nanoseconds kept), flags as booleans,
 * measurements as doubles, counts as integers; anything else (and a column this does not know) as
 * text.
 */
public final class ColumnTypes {

  private ColumnTypes() {}

  private static final Set<String> DSLOG_BOOLEANS =
      Set.of(
          "brownout",
          "watchdog",
          "ds_teleop",
          "ds_auto",
          "ds_disabled",
          "robot_teleop",
          "robot_auto",
          "robot_disabled");
  private static final Set<String> DSLOG_INTEGERS =
      Set.of("packet_loss_raw", "pd_can_id", "pdp_resistance_raw");
  private static final Set<String> DSLOG_TEXT =
      Set.of("file", "status_raw", "pd_type", "pdh_fault_flags", "robot_mode", "ds_mode");

  private static final Map<String, String> EVENTS =
      Map.ofEntries(
          Map.entry("event_index", "BIGINT"),
          Map.entry("time_utc", "TIMESTAMP_NS"),
          Map.entry("t_rel_s", "DOUBLE"),
          Map.entry("message_count", "INTEGER"),
          Map.entry("robot_time_s", "DOUBLE"),
          Map.entry("fms_match_number", "INTEGER"),
          Map.entry("fms_replay", "INTEGER"),
          // the field's clock as the DS prints it, without a zone
          Map.entry("fms_field_time", "TIMESTAMP"));

  private static final Map<String, String> WPILOG = Map.of("timestamp_us", "BIGINT");

  /** The DuckDB type of {@code column} in the CSV of {@code artifact}. */
  public static String type(String artifact, String column) {
    return switch (artifact) {
      case "csv" -> dslog(column);
      case "events.csv" -> EVENTS.getOrDefault(column, "VARCHAR");
      case "wpilog.csv" -> WPILOG.getOrDefault(column, "VARCHAR");
      default -> "VARCHAR";
    };
  }

  private static String dslog(String column) {
    if (column.equals("record_index")) {
      return "BIGINT";
    }
    if (column.equals("time_utc")) {
      return "TIMESTAMP_NS";
    }
    if (DSLOG_BOOLEANS.contains(column)) {
      return "BOOLEAN";
    }
    if (DSLOG_INTEGERS.contains(column)) {
      return "INTEGER";
    }
    return DSLOG_TEXT.contains(column) ? "VARCHAR" : "DOUBLE";
  }
}
