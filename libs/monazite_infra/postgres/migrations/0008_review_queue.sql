-- The news producer's memory. news_facts holds one row per fact it published or queued, under the
-- event id it chose; news_sources every article that reported the fact (a second article about
-- the same deal adds a source, never a second event); news_review the candidates below the
-- publishing threshold, waiting for a person; news_files the files `monazite watch` has handled,
-- by content digest, so that a restarted watcher publishes nothing twice.
CREATE TABLE news_facts (
    event_id    text        PRIMARY KEY,
    event_type  text        NOT NULL,
    dedupe_key  text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    state       text        NOT NULL CHECK (state IN ('published', 'review', 'rejected')),
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX news_facts_by_key ON news_facts (dedupe_key, occurred_at);

CREATE TABLE news_sources (
    event_id    text        NOT NULL REFERENCES news_facts (event_id),
    article     text        NOT NULL,
    publisher   text        NOT NULL,
    url         text,
    title       text,
    sentence    text        NOT NULL,
    start_char  integer     NOT NULL,
    end_char    integer     NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, article, start_char)
);

CREATE TABLE news_review (
    review_id   bigserial   PRIMARY KEY,
    event_id    text        NOT NULL REFERENCES news_facts (event_id),
    event_type  text        NOT NULL,
    confidence  double precision NOT NULL,
    candidate   jsonb       NOT NULL,
    status      text        NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'approved', 'rejected')),
    reason      text,
    queued_at   timestamptz NOT NULL DEFAULT now(),
    decided_at  timestamptz
);
CREATE INDEX news_review_by_status ON news_review (status, review_id);

CREATE TABLE news_files (
    content_sha256 text        PRIMARY KEY,
    name           text        NOT NULL,
    outcome        text        NOT NULL CHECK (outcome IN ('extracted', 'unreadable')),
    detail         text        NOT NULL,
    handled_at     timestamptz NOT NULL DEFAULT now()
);
