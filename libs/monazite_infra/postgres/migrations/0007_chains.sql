-- Whole-chain views: the latest chain_changed document of each commodity (default blocs), written
-- by the processor in its batch transaction; and the blocs users defined through the API.
CREATE TABLE chain_current (
    commodity  text        PRIMARY KEY,
    change_id  text        NOT NULL,
    document   jsonb       NOT NULL,
    caused_by  text[]      NOT NULL,
    valid_from timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE blocs (
    name       text        PRIMARY KEY,
    label      text        NOT NULL,
    countries  text[]      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
