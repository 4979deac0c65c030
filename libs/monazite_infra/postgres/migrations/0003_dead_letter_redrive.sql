-- A dead letter re-driven after a fix keeps its row, marked with when it was sent again.
ALTER TABLE dead_letters ADD COLUMN redriven_at timestamptz;
CREATE INDEX dead_letters_pending ON dead_letters (id) WHERE redriven_at IS NULL;
