-- Many workers in one consumer group: each takes in the partitions it is assigned (decodes,
-- dead-letters, records each message once), and one of them at a time folds everything taken in,
-- in an order fixed by the messages themselves, so the result does not depend on the workers.

-- The stream time of each input partition: the largest message time taken in so far. A message's
-- merge time is the larger of its own time and its partition's stream time, so merge times never
-- go back within a partition and the fold's order is a function of the topics' content.
ALTER TABLE consumer_offsets ADD COLUMN stream_ms bigint NOT NULL DEFAULT 0;

CREATE TABLE intake_queue (
    broker_epoch   text    NOT NULL,
    topic          text    NOT NULL,
    partition      integer NOT NULL,
    "offset"       bigint  NOT NULL,
    merge_ms       bigint  NOT NULL,
    timestamp_ms   bigint,
    key            bytea,
    value          bytea   NOT NULL,
    correlation_id text,
    PRIMARY KEY (broker_epoch, topic, partition, "offset")
);
CREATE INDEX intake_queue_merge_order ON intake_queue (merge_ms, topic, partition, "offset");

-- Who folds. A worker takes the lease when it is free or expired, which raises the token; every
-- batch it commits renews the lease only while the token is still its own, so a worker that lost
-- the lease (paused, partitioned away) can never commit over its successor.
CREATE TABLE fold_lease (
    consumer   text        PRIMARY KEY,
    token      bigint      NOT NULL,
    holder     text        NOT NULL,
    renewed_at timestamptz NOT NULL
);
