-- One active poller among several apps on one ledger: who leads each group of singleton routes (the
-- intakes, retention, completeness, the audit). The holder renews its lease by moving the version on;
-- another app takes over when the version has not moved for the lease time by its own clock (so the
-- apps' clocks need not agree), or at once when the holder let go on a clean stop.
CREATE TABLE leader_leases (
  name        VARCHAR(64)  NOT NULL PRIMARY KEY,
  holder      VARCHAR(255),
  version     BIGINT       NOT NULL,
  renewed_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Which app claimed a delivery last (deliveries run on every app sharing the ledger).
ALTER TABLE deliveries ADD COLUMN claimed_by VARCHAR(255);
