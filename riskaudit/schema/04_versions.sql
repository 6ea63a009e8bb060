-- Document versions, sentence-level changes, element states over time and element flips.
-- Derived from `documents` (crawl runs and archive imports) by audits/changes.py: every table
-- below is rebuilt per target and can be dropped and recomputed at any time.

CREATE TABLE IF NOT EXISTS version_runs (
    run_id       INTEGER PRIMARY KEY,             -- a finished run whose documents are folded into the versions
    processed_at TIMESTAMPTZ                      -- when its targets were last rebuilt
);

CREATE TABLE IF NOT EXISTS document_versions (
    target_id      VARCHAR NOT NULL,
    document_key   VARCHAR NOT NULL,              -- identity of a document over time: its URL, else its name
    document       VARCHAR,                       -- display name (documents.name, else the URL)
    seq            INTEGER NOT NULL,              -- 1, 2, ... in version order for this document
    version_at     TIMESTAMPTZ NOT NULL,          -- state point: crawl start of the run, commit date (OTA), file date (dir)
    version_date   DATE NOT NULL,                 -- UTC date of version_at
    text_sha256    VARCHAR NOT NULL,              -- a new version = a new extracted-text hash
    norm_sha256    VARCHAR NOT NULL,              -- hash of the normalised sentence set (formatting-blind)
    textual_change BOOLEAN NOT NULL,              -- FALSE: formatting-only change (same normalised sentences)
    document_id    BIGINT NOT NULL,               -- first `documents` row carrying this text
    run_id         INTEGER,
    source         VARCHAR,                       -- crawl | ota | dir
    PRIMARY KEY (target_id, document_key, seq)
);

CREATE TABLE IF NOT EXISTS document_changes (
    target_id        VARCHAR NOT NULL,
    change_at        TIMESTAMPTZ NOT NULL,        -- state point at which the document changed
    change_date      DATE NOT NULL,               -- UTC date of change_at
    document_key     VARCHAR NOT NULL,
    document         VARCHAR,
    from_document_id BIGINT,                      -- version before the change (NULL: document first seen)
    to_document_id   BIGINT NOT NULL,             -- version after the change
    versions         INTEGER NOT NULL,            -- new text versions at this state point (several when same-day)
    textual_change   BOOLEAN NOT NULL,            -- FALSE: only formatting changed
    added            VARCHAR[],                   -- sentences present now, absent before (display form)
    removed          VARCHAR[]                    -- sentences present before, absent now
);

CREATE TABLE IF NOT EXISTS element_states (
    target_id      VARCHAR NOT NULL,
    as_of          TIMESTAMPTZ NOT NULL,          -- state point (scored only when some text really changed)
    as_of_date     DATE NOT NULL,
    element        VARCHAR NOT NULL,
    met            BOOLEAN,                       -- NULL = not applicable
    evidence_quotes VARCHAR[],                    -- verbatim quotes backing `met`
    evidence_documents VARCHAR[],                 -- document of each quote (same order)
    state_sha256   VARCHAR NOT NULL,              -- hash of kind + every (document_key, text_sha256) in the state
    engine         VARCHAR NOT NULL,              -- fingerprint of the scoring engine that produced the row
    PRIMARY KEY (target_id, as_of, element)
);

CREATE TABLE IF NOT EXISTS element_flips (
    target_id   VARCHAR NOT NULL,
    flip_at     TIMESTAMPTZ NOT NULL,             -- state point of the flip
    flip_date   DATE NOT NULL,
    element     VARCHAR NOT NULL,
    from_met    BOOLEAN,
    to_met      BOOLEAN,
    document    VARCHAR,                          -- changed document(s) the flip is attributed to (" + " joined)
    quote       VARCHAR,                          -- met: the new evidence; unmet: the evidence that disappeared
    quote_in_change BOOLEAN                       -- TRUE: the quote is (part of) an added/removed sentence; FALSE: the
                                                  -- engine changed its mind on unchanged text (context or formatting)
);
ALTER TABLE element_flips ADD COLUMN IF NOT EXISTS quote_in_change BOOLEAN;
