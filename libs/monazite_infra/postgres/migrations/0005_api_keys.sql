-- API keys for ingest: only a SHA-256 digest of each key is stored; revoked keys stay, marked.
CREATE TABLE api_keys (
    key_id     text        PRIMARY KEY,
    name       text        NOT NULL,
    key_digest text        NOT NULL UNIQUE,
    scopes     text[]      NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
