-- What the live stream serves: every index change, deal assessment and alert, in the order the
-- processor committed them. The sequence is the stream's event id: writers take a transaction
-- advisory lock before inserting, so sequence order is commit order and a reader that has seen
-- seq N never later finds a smaller one committed (no gap on resume).
CREATE TABLE stream_feed (
    seq         bigserial   PRIMARY KEY,
    kind        text        NOT NULL,
    markets     text[]      NOT NULL,
    basis       text,
    document    text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
