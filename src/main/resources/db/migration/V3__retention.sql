-- Every statement may run again: a kill -9 in the middle of a migration (H2 commits each DDL
-- statement on its own) leaves part of it done, and the next start completes it (ledger/Migrations).
-- Retention: when the local (landing) copies of a file were deleted, every required destination
-- holding a verified copy.
ALTER TABLE files ADD COLUMN IF NOT EXISTS local_deleted_at TIMESTAMP WITH TIME ZONE;
