-- The event archive, the read models the gateway serves, and the offsets they reflect.

CREATE TABLE event_archive (
    seq            bigserial   PRIMARY KEY,
    event_id       text        NOT NULL UNIQUE,
    type           text        NOT NULL,
    schema_version integer     NOT NULL,
    occurred_at    timestamptz NOT NULL,
    recorded_at    timestamptz NOT NULL,
    content_hash   text        NOT NULL,
    payload        jsonb       NOT NULL,
    topic          text        NOT NULL,
    partition      integer     NOT NULL,
    "offset"       bigint      NOT NULL,
    archived_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_archive_type_occurred ON event_archive (type, occurred_at);

-- The next offset to read per input partition, committed with the state it produced. Offsets
-- belong to one broker lifetime (epoch): a new memory-only broker starts again at zero.
CREATE TABLE consumer_offsets (
    consumer     text    NOT NULL,
    broker_epoch text    NOT NULL,
    topic        text    NOT NULL,
    partition    integer NOT NULL,
    next_offset  bigint  NOT NULL,
    PRIMARY KEY (consumer, broker_epoch, topic, partition)
);

CREATE TABLE index_current (
    market_id     text        NOT NULL,
    basis         text        NOT NULL,
    period        integer     NOT NULL,
    measure       text        NOT NULL,
    commodity     text        NOT NULL,
    element_group text        NOT NULL,
    stage         text        NOT NULL,
    figures       jsonb       NOT NULL,
    caused_by     text[]      NOT NULL,
    change_id     text        NOT NULL,
    valid_from    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (market_id, basis, period, measure)
);

CREATE TABLE index_changes (
    seq           bigserial   PRIMARY KEY,
    change_id     text        NOT NULL UNIQUE,
    market_id     text        NOT NULL,
    basis         text        NOT NULL,
    period        integer     NOT NULL,
    measure       text        NOT NULL,
    figures       jsonb       NOT NULL,
    previous      jsonb,
    caused_by     text[]      NOT NULL,
    occurred_at   timestamptz NOT NULL,
    recorded_at   timestamptz NOT NULL
);
CREATE INDEX index_changes_market ON index_changes (market_id, basis, period, measure, seq);

CREATE TABLE entity_current (
    entity_id     text  PRIMARY KEY,
    name          text,
    country       text,
    kind          text,
    aliases       jsonb NOT NULL DEFAULT '[]',
    controller_id text  NOT NULL,
    control_chain text[] NOT NULL,
    registered_by text
);

CREATE TABLE stake_current (
    holder_id   text        NOT NULL,
    target_id   text        NOT NULL,
    pct_after   numeric,
    controlling boolean,
    event_id    text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    PRIMARY KEY (holder_id, target_id)
);
CREATE INDEX stake_current_target ON stake_current (target_id);

CREATE TABLE dead_letters (
    id               bigserial   PRIMARY KEY,
    reason           text        NOT NULL,
    topic            text        NOT NULL,
    partition        integer     NOT NULL,
    "offset"         bigint      NOT NULL,
    event_id         text,
    payload          text        NOT NULL,
    dead_lettered_at timestamptz NOT NULL
);

-- Messages to publish, written in the same transaction as the state that produced them and
-- deleted once the broker acknowledged them: a crash between the two re-publishes, never loses.
CREATE TABLE outbox (
    seq   bigserial PRIMARY KEY,
    topic text      NOT NULL,
    key   bytea,
    value bytea     NOT NULL
);

CREATE TABLE service_status (
    service     text        NOT NULL,
    instance    text        NOT NULL,
    detail      jsonb       NOT NULL DEFAULT '{}',
    ready_at    timestamptz,
    heartbeat_at timestamptz NOT NULL,
    PRIMARY KEY (service, instance)
);
