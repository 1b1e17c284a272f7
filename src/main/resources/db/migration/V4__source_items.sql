-- Every statement may run again: a kill -9 in the middle of a migration (H2 commits each DDL
-- statement on its own) leaves part of it done, and the next start completes it (ledger/Migrations).
-- What a remote source (Google Drive) showed in its listings, kept in the ledger so a restart does not
-- reset it: the stability gate (a file is taken only when two consecutive polls showed the same size,
-- MD5 and modification time, or it is old enough) and the failed downloads of each version.
CREATE TABLE IF NOT EXISTS source_items (
  source      VARCHAR(64)   NOT NULL,
  item_id     VARCHAR(512)  NOT NULL,  -- the source's own id, e.g. the Drive file id
  path        VARCHAR(2048) NOT NULL,  -- where it was seen, for people
  size        BIGINT        NOT NULL,
  md5         VARCHAR(64)   NOT NULL,
  modified    VARCHAR(64)   NOT NULL,  -- as the source gives it (RFC 3339)
  seen_polls  INT           NOT NULL,  -- consecutive polls that showed this version unchanged
  attempts    INT           NOT NULL,  -- failed downloads of this version
  last_error  VARCHAR(4000),
  first_seen  TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (source, item_id)
);
