-- Every statement may run again: a kill -9 in the middle of a migration (H2 commits each DDL
-- statement on its own) leaves part of it done, and the next start completes it (ledger/Migrations).
-- Deliveries become a queue: each row says what to copy (a local artifact and its hash), where, and
-- when to try next; a destination's route claims due rows with a lease, so a slow or dead destination
-- holds back only its own rows, and a stop in the middle of a copy is retried when the lease runs out.
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS local_path VARCHAR(2048);
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS name VARCHAR(512);
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS log_start TIMESTAMP WITH TIME ZONE;
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS next_attempt_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS claimed_until TIMESTAMP WITH TIME ZONE;
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS error_class VARCHAR(32);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (destination, state, next_attempt_at);

-- A locked file is never copied or deleted (oeleo's "code 2").
ALTER TABLE files ADD COLUMN IF NOT EXISTS locked BOOLEAN DEFAULT FALSE NOT NULL;
