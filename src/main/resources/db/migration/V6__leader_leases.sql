-- Every statement may run again: a kill -9 in the middle of a migration (H2 commits each DDL
-- statement on its own) leaves part of it done, and the next start completes it (ledger/Migrations).
-- One active poller among several apps on one ledger: who leads each group of singleton routes (the
-- intakes, retention, completeness, the audit). The holder renews its lease by moving the version on;
-- another app takes over when the version has not moved for the lease time by its own clock (so the
-- apps' clocks need not agree), or at once when the holder let go on a clean stop.
CREATE TABLE IF NOT EXISTS leader_leases (
  name        VARCHAR(64)  NOT NULL PRIMARY KEY,
  holder      VARCHAR(255),
  version     BIGINT       NOT NULL,
  renewed_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Which app claimed a delivery last (deliveries run on every app sharing the ledger).
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS claimed_by VARCHAR(255);
