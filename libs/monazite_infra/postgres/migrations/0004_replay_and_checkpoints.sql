-- The batch an event was folded in (a replay folds the same batches, so it reproduces every
-- derived fact exactly), and snapshots of the processor state that restarts resume from.
ALTER TABLE event_archive ADD COLUMN batch_seq bigint NOT NULL DEFAULT 0;
CREATE INDEX event_archive_batch ON event_archive (batch_seq, seq);

CREATE TABLE checkpoints (
    id          bigserial   PRIMARY KEY,
    consumer    text        NOT NULL,
    batch_seq   bigint      NOT NULL,
    events      bigint      NOT NULL,
    format      integer     NOT NULL,
    state       bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX checkpoints_latest ON checkpoints (consumer, id DESC);
