-- Every statement may run again: a kill -9 in the middle of this migration (H2 commits each DDL
-- statement on its own) leaves part of it done, and the next start completes it.
-- The season table: one row per decoded .dslog, its summary (as delivered in NAME.v1.summary.json) and
-- its tally (exact sums and histograms, so a match's numbers are those of one pass over all its logs).
CREATE TABLE IF NOT EXISTS log_summaries (
  file_id          BIGINT        NOT NULL PRIMARY KEY REFERENCES files (id),
  name             VARCHAR(512)  NOT NULL,
  source           VARCHAR(64)   NOT NULL,
  source_path      VARCHAR(2048) NOT NULL,
  log_start        TIMESTAMP WITH TIME ZONE,
  log_day          VARCHAR(10)   NOT NULL,  -- YYYY-MM-DD in caravan.insight.zone
  event_name       VARCHAR(255),
  match_type       VARCHAR(64),
  match_number     INT,
  match_replay     INT,
  battery          VARCHAR(255),
  records          BIGINT        NOT NULL,
  enabled_s        DOUBLE PRECISION NOT NULL,
  v_min            DOUBLE PRECISION,
  brownout_events  BIGINT        NOT NULL,
  energy_wh        DOUBLE PRECISION NOT NULL,
  i_peak           DOUBLE PRECISION,
  resistance_mohm  DOUBLE PRECISION,
  tally            VARCHAR(1000000) NOT NULL,  -- JSON of dev.caravan.insight.PowerTally
  summary          VARCHAR(1000000) NOT NULL,  -- the summary JSON
  recorded_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS log_summaries_day ON log_summaries (log_day);
CREATE INDEX IF NOT EXISTS log_summaries_battery ON log_summaries (battery);
CREATE INDEX IF NOT EXISTS log_summaries_event ON log_summaries (event_name);

-- Each day's report: made again once the day's summaries changed and have been quiet a while.
CREATE TABLE IF NOT EXISTS insight_days (
  log_day         VARCHAR(10) NOT NULL PRIMARY KEY,
  changed_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  reported_at     TIMESTAMP WITH TIME ZONE,
  report_file_id  BIGINT REFERENCES files (id)
);

-- A log's .dsevents is found by name and header time (whatever the source calls them).
CREATE INDEX IF NOT EXISTS files_name ON files (name);
