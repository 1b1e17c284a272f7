-- Retention: when the local (landing) copies of a file were deleted, every required destination
-- holding a verified copy.
ALTER TABLE files ADD COLUMN local_deleted_at TIMESTAMP WITH TIME ZONE;
