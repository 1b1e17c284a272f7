-- Every statement may run again: a kill -9 in the middle of a migration (H2 commits each DDL
-- statement on its own) leaves part of it done, and the next start completes it (ledger/Migrations).
-- Completeness markers: a source's day is finalized at a destination once no new file has arrived for
-- it for a quiet period after it ended and every file of it is verified there; a small
-- SOURCE_DAY_finalized.json is then delivered (and verified) like any file, and the watermark moves.
CREATE TABLE IF NOT EXISTS finalized (
  source          VARCHAR(64)  NOT NULL,
  destination     VARCHAR(64)  NOT NULL,
  period          VARCHAR(10)  NOT NULL,  -- the UTC day, YYYY-MM-DD
  file_count      INT          NOT NULL,
  total_bytes     BIGINT       NOT NULL,
  marker_file_id  BIGINT       REFERENCES files (id),
  created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  verified_at     TIMESTAMP WITH TIME ZONE,  -- when the marker was verified at the destination
  PRIMARY KEY (source, destination, period)
);

-- Per source and destination: every day before finalized_until that has files is finalized there.
CREATE TABLE IF NOT EXISTS watermarks (
  source           VARCHAR(64) NOT NULL,
  destination      VARCHAR(64) NOT NULL,
  finalized_until  VARCHAR(10) NOT NULL,  -- exclusive: the first day not (yet) complete
  updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (source, destination)
);
