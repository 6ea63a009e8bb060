-- Core evidence store: runs, targets, every HTTP exchange, raw snapshots, extracted documents,
-- and report-channel checks. Written by the crawler and by the archive importers.
CREATE SEQUENCE IF NOT EXISTS run_id_seq START 1;
CREATE SEQUENCE IF NOT EXISTS fetch_id_seq START 1;
CREATE SEQUENCE IF NOT EXISTS document_id_seq START 1;

CREATE TABLE IF NOT EXISTS runs (
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

CREATE TABLE IF NOT EXISTS targets (
    target_id     VARCHAR PRIMARY KEY,           -- registry slug
    name          VARCHAR NOT NULL,              -- display name ("service" in exports)
    kind          VARCHAR NOT NULL,              -- social | dating | adult | host | ai_tool
    jurisdictions VARCHAR[],
    homepage      VARCHAR,
    updated_at    TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS fetches (
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
ALTER TABLE fetches ADD COLUMN IF NOT EXISTS attempts INTEGER;

CREATE TABLE IF NOT EXISTS snapshots (
    sha256       VARCHAR PRIMARY KEY,            -- of the raw body
    content_type VARCHAR,
    size         BIGINT,                         -- uncompressed bytes
    compression  VARCHAR,                        -- zlib
    body         BLOB,
    first_seen   TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS documents (
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

CREATE TABLE IF NOT EXISTS channel_checks (
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
