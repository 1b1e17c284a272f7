-- Every statement may run again: a kill -9 in the middle of this migration (H2 commits each DDL
-- statement on its own) leaves part of it done, and the next start completes it.
-- One row per content the ledger has landed, naming the file that holds it. Landing a file inserts
-- its content here in the same commit: two intakes landing the same bytes at once, each in a
-- transaction of its own, wait for each other on this key, and exactly one of them holds the
-- content (the other is its duplicate) even when neither sees the other's uncommitted row in files.
CREATE TABLE IF NOT EXISTS contents (
  sha256   CHAR(64) NOT NULL PRIMARY KEY,
  file_id  BIGINT   NOT NULL REFERENCES files (id)
);
INSERT INTO contents (sha256, file_id)
  SELECT f.sha256, MIN(f.id) FROM files f
  WHERE f.landing_path IS NOT NULL AND f.state <> 'DUPLICATE'
    AND NOT EXISTS (SELECT 1 FROM contents c WHERE c.sha256 = f.sha256)
  GROUP BY f.sha256;
