-- A fact the extractor missed can be added by a person from the article (`monazite review add`,
-- `POST /v1/review/facts`). It is recorded like an extracted fact, so that a later article
-- reporting it is recognised, and marked as a person's, so that `monazite review export` writes
-- it among the labelled facts.
ALTER TABLE news_facts ADD COLUMN origin text NOT NULL DEFAULT 'extracted'
    CHECK (origin IN ('extracted', 'person'));
