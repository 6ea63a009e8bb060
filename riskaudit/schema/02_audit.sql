-- Audit results: one row per scored target, per element, and per quote of evidence.
CREATE TABLE IF NOT EXISTS scores (
    run_id         INTEGER NOT NULL,             -- the run whose documents were scored
    target_id      VARCHAR NOT NULL,
    service        VARCHAR,
    kind           VARCHAR,
    rubric_version VARCHAR NOT NULL,
    score          DOUBLE,
    grade          VARCHAR,
    cat_p          DOUBLE,
    cat_r          DOUBLE,
    cat_t          DOUBLE,
    cat_a          DOUBLE,                       -- NULL when not applicable (kind != ai_tool)
    scored_at      TIMESTAMPTZ,
    PRIMARY KEY (run_id, target_id)
);

CREATE TABLE IF NOT EXISTS element_results (
    run_id         INTEGER NOT NULL,
    target_id      VARCHAR NOT NULL,
    element        VARCHAR NOT NULL,
    category       VARCHAR NOT NULL,
    met            BOOLEAN,                      -- NULL = not applicable
    hours          DOUBLE[],                     -- stated_response_time only
    rubric_version VARCHAR NOT NULL,
    reason         VARCHAR,                      -- why it was decided: concepts matched, or the near miss
    PRIMARY KEY (run_id, target_id, element)
);

CREATE TABLE IF NOT EXISTS evidence (
    run_id          INTEGER NOT NULL,
    target_id       VARCHAR NOT NULL,
    element         VARCHAR NOT NULL,
    ordinal         INTEGER NOT NULL,
    document_id     BIGINT,
    document        VARCHAR,
    url             VARCHAR,
    snapshot_sha256 VARCHAR,
    fetched_at      TIMESTAMPTZ,
    quote           VARCHAR NOT NULL,             -- verbatim substring of documents.text
    hours           DOUBLE[]                      -- stated_response_time: commitments in this quote, in hours
);

-- Columns added after the first schema version (no-ops on new stores).
ALTER TABLE element_results ADD COLUMN IF NOT EXISTS reason VARCHAR;   -- why the element was decided (concepts matched / near miss)
ALTER TABLE evidence ADD COLUMN IF NOT EXISTS hours DOUBLE[];          -- stated_response_time: hours found in this quote
