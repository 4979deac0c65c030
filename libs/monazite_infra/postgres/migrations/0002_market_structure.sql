-- Deal assessments, alerts, and what the entity read model says about mergers and free float.

CREATE TABLE deal_assessments (
    deal_event_id     text        PRIMARY KEY,
    deal_type         text        NOT NULL,
    acquirer_id       text,
    subject_id        text,
    control_changed   boolean     NOT NULL,
    screens_triggered text[]      NOT NULL,
    summary           text        NOT NULL,
    payload           jsonb       NOT NULL,
    occurred_at       timestamptz NOT NULL,
    recorded_at       timestamptz NOT NULL
);
CREATE INDEX deal_assessments_occurred ON deal_assessments (occurred_at);

CREATE TABLE alerts (
    seq         bigserial   PRIMARY KEY,
    alert_id    text        NOT NULL UNIQUE,
    kind        text        NOT NULL,
    market_id   text,
    basis       text,
    caused_by   text[]      NOT NULL,
    message     text        NOT NULL,
    payload     jsonb       NOT NULL,
    occurred_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL
);
CREATE INDEX alerts_market ON alerts (market_id, seq);

ALTER TABLE entity_current ADD COLUMN merged_into text;
ALTER TABLE entity_current ADD COLUMN free_float_pct numeric;

-- Events that name an entity whose registration has not arrived yet (topics are consumed in
-- parallel). Their offsets are committed; they wait here, then are folded or dead-lettered.
CREATE TABLE parked_events (
    event_id  text        PRIMARY KEY,
    payload   jsonb       NOT NULL,
    topic     text        NOT NULL,
    partition integer     NOT NULL,
    "offset"  bigint      NOT NULL,
    parked_at timestamptz NOT NULL,
    missing   text[]      NOT NULL
);
