-- A reviewer may approve a news candidate with fields corrected (`monazite review approve ID
-- --set FIELD=VALUE`). The entry keeps the corrections and the id the event was published under
-- (derived again from the corrected fields). When that id differs, the fact as extracted is
-- marked 'corrected' and the corrected fact is recorded as published with the same sources, so
-- that a later report of either is recognised and nothing is published twice.
ALTER TABLE news_review ADD COLUMN corrections jsonb, ADD COLUMN published_event_id text;

ALTER TABLE news_facts DROP CONSTRAINT news_facts_state_check;
ALTER TABLE news_facts ADD CONSTRAINT news_facts_state_check
    CHECK (state IN ('published', 'review', 'rejected', 'corrected'));
