-- Case logs: reports that advocates and victims filed with a service, and what happened to them.
-- Written by `riskaudit cases import` (audits/cases.py); read by the survival analysis
-- (audits/survival.py). Observed response times come only from here, never from policy text.
CREATE SEQUENCE IF NOT EXISTS case_import_id_seq START 1;

CREATE TABLE IF NOT EXISTS case_settings (
    key   VARCHAR PRIMARY KEY,                   -- 'url_salt' (hex, generated once per database)
    value VARCHAR NOT NULL                       -- never exported
);

CREATE TABLE IF NOT EXISTS case_imports (
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
CREATE TABLE IF NOT EXISTS cases (
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
