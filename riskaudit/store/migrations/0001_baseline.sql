-- Migration 0001: the schema of riskaudit 0.1.0 (the first release), one section per area.
-- A database written by 0.1.0 has exactly these tables; `riskaudit.store.migrate` records this
-- migration as applied for such a database without running it, then applies the later ones.

-- Core evidence store: runs, targets, every HTTP exchange, raw snapshots, extracted documents,
-- and report-channel checks. Written by the crawler and by the archive importers.
CREATE SEQUENCE run_id_seq START 1;
CREATE SEQUENCE fetch_id_seq START 1;
CREATE SEQUENCE document_id_seq START 1;

CREATE TABLE runs (
    run_id          INTEGER PRIMARY KEY DEFAULT nextval('run_id_seq'),
    kind            VARCHAR NOT NULL,            -- crawl | import-ota | import-dir | score-files
    started_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ,                 -- NULL while running or after a crash
    status          VARCHAR NOT NULL,            -- running | finished | failed
    registry_path   VARCHAR,
    registry_sha256 VARCHAR,
    settings        JSON,                        -- effective crawl settings / import options
    tool_version    VARCHAR
);

CREATE TABLE targets (
    target_id     VARCHAR PRIMARY KEY,           -- registry slug
    name          VARCHAR NOT NULL,              -- display name ("service" in exports)
    kind          VARCHAR NOT NULL,              -- social | dating | adult | host | ai_tool
    jurisdictions VARCHAR[],
    homepage      VARCHAR,
    updated_at    TIMESTAMPTZ
);

CREATE TABLE fetches (
    fetch_id        BIGINT PRIMARY KEY DEFAULT nextval('fetch_id_seq'),
    run_id          INTEGER NOT NULL,
    target_id       VARCHAR,
    purpose         VARCHAR,                     -- document | channel | discovery | robots
    url             VARCHAR NOT NULL,            -- requested URL
    final_url       VARCHAR,                     -- after redirects
    status          INTEGER,                     -- HTTP status; NULL when no response
    error           VARCHAR,                     -- timeout, dns, refused, media_refused, private_address, robots, too_large...
    latency_ms      DOUBLE,
    bytes           BIGINT,                      -- body bytes received (0 for refused media)
    content_type    VARCHAR,
    robots_blocked  BOOLEAN DEFAULT FALSE,
    media_refused   BOOLEAN DEFAULT FALSE,
    snapshot_sha256 VARCHAR,                     -- raw body in `snapshots` (never for media)
    fetched_at      TIMESTAMPTZ NOT NULL,
    attempts        INTEGER                      -- HTTP requests sent for this row: retries and redirect hops included; 0 when refused before sending
);

CREATE TABLE snapshots (
    sha256       VARCHAR PRIMARY KEY,            -- of the raw body
    content_type VARCHAR,
    size         BIGINT,                         -- uncompressed bytes
    compression  VARCHAR,                        -- zlib
    body         BLOB,
    first_seen   TIMESTAMPTZ
);

CREATE TABLE documents (
    document_id     BIGINT PRIMARY KEY DEFAULT nextval('document_id_seq'),
    run_id          INTEGER NOT NULL,
    target_id       VARCHAR NOT NULL,
    doc_type        VARCHAR,                     -- terms_of_service, acceptable_use_policy, ...
    name            VARCHAR,                     -- document label (file name for imports)
    url             VARCHAR,
    final_url       VARCHAR,
    title           VARCHAR,
    language        VARCHAR,
    text            VARCHAR,                     -- extracted text (what quotes are taken from)
    text_sha256     VARCHAR,                     -- identifies a version
    snapshot_sha256 VARCHAR,
    fetched_at      TIMESTAMPTZ,                 -- crawl time, or version date for archives
    source          VARCHAR                      -- crawl | ota | dir | files
);

CREATE TABLE channel_checks (
    run_id         INTEGER NOT NULL,
    target_id      VARCHAR NOT NULL,
    channel_kind   VARCHAR,                      -- ncii_form | copyright | abuse_email | in_app | other
    url            VARCHAR NOT NULL,
    status         INTEGER,
    final_url      VARCHAR,
    latency_ms     DOUBLE,
    login_required BOOLEAN,                      -- heuristic: redirected to / shows a login form
    ok             BOOLEAN,                      -- answered 200 without login (mailto: not checked)
    error          VARCHAR,
    checked_at     TIMESTAMPTZ
);

-- Audit results: one row per scored target, per element, and per quote of evidence.
CREATE TABLE scores (
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

CREATE TABLE element_results (
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

CREATE TABLE evidence (
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


-- Case logs: reports that advocates and victims filed with a service, and what happened to them.
-- Written by `riskaudit cases import` (audits/cases.py); read by the survival analysis
-- (audits/survival.py). Observed response times come only from here, never from policy text.
CREATE SEQUENCE case_import_id_seq START 1;

CREATE TABLE case_settings (
    key   VARCHAR PRIMARY KEY,                   -- 'url_salt' (hex, generated once per database)
    value VARCHAR NOT NULL                       -- never exported
);

CREATE TABLE case_imports (
    import_id    INTEGER PRIMARY KEY DEFAULT nextval('case_import_id_seq'),
    file         VARCHAR NOT NULL,               -- CSV path as given by the user
    file_sha256  VARCHAR,                        -- of the CSV bytes
    rows         BIGINT,                         -- cases inserted
    replaced     BIGINT,                         -- existing cases replaced (--replace)
    keep_urls    BOOLEAN,                        -- content URLs stored in clear (--keep-urls)
    imported_at  TIMESTAMPTZ NOT NULL
);

-- case_id is unique across the table: enforced by the importer (not by a key, so that a
-- million-row --replace stays one DELETE + one INSERT ... SELECT).
CREATE TABLE cases (
    case_id          VARCHAR NOT NULL,           -- the log's own id, unique in the database
    target_id        VARCHAR NOT NULL,           -- targets.target_id (resolved from id or display name)
    channel          VARCHAR NOT NULL,           -- ncii_form | copyright | in_app | email | other
    submitted_at     TIMESTAMPTZ NOT NULL,       -- when the report was filed (UTC)
    acknowledged_at  TIMESTAMPTZ,                -- first acknowledgement by the service, if any
    removed_at       TIMESTAMPTZ,                -- content removed (only with outcome = removed)
    closed_at        TIMESTAMPTZ,                -- case closed without removal (or after it)
    outcome          VARCHAR NOT NULL,           -- removed | refused | no_response | pending
    jurisdiction     VARCHAR,                    -- where the reporter / request is based, free text
    content_url_hash VARCHAR,                    -- sha256(salt || content_url), hex; NULL when no URL
    content_url      VARCHAR,                    -- clear URL only with --keep-urls, else NULL
    import_id        INTEGER NOT NULL            -- case_imports.import_id
);

-- Document versions, sentence-level changes, element states over time and element flips.
-- Derived from `documents` (crawl runs and archive imports) by audits/changes.py: every table
-- below is rebuilt per target and can be dropped and recomputed at any time.

CREATE TABLE version_runs (
    run_id       INTEGER PRIMARY KEY,             -- a finished run whose documents are folded into the versions
    processed_at TIMESTAMPTZ                      -- when its targets were last rebuilt
);

CREATE TABLE document_versions (
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

CREATE TABLE document_changes (
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

CREATE TABLE element_states (
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

CREATE TABLE element_flips (
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
