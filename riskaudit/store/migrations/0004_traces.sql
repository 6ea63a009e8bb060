-- Host traces: who serves, fronts, hosts and registered a site or content URL, and the
-- escalation chain computed from them. Written by `riskaudit trace` (riskaudit/trace/store_sql.py).
CREATE SEQUENCE IF NOT EXISTS trace_id_seq START 1;

CREATE TABLE IF NOT EXISTS traces (
    trace_id           INTEGER PRIMARY KEY DEFAULT nextval('trace_id_seq'),
    query              VARCHAR NOT NULL,         -- URL or domain as the user gave it
    host               VARCHAR NOT NULL,         -- host name traced (from the URL)
    registered_domain  VARCHAR,                  -- domain looked up in RDAP (the registration)
    platform_target_id VARCHAR,                  -- audited service the URL is on (targets.target_id), if any
    resolver           VARCHAR,                  -- DNS server used (HOST:PORT, or 'system')
    started_at         TIMESTAMPTZ NOT NULL,
    finished_at        TIMESTAMPTZ,
    dns                JSON,                     -- A/AAAA, CNAME chain, NS and DNS errors
    addresses          JSON,                     -- per address: ASN, network, registrant, abuse e-mails, CDN
    domain_rdap        JSON,                     -- registrar, its IANA id and abuse contact
    cdn                JSON,                     -- CDN / proxy detections with their signals
    chain              JSON,                     -- the escalation chain as shown to the user
    errors             VARCHAR[],                -- failed look-ups (DNS, RDAP 404/429...), one line each
    tool_version       VARCHAR
);

CREATE TABLE IF NOT EXISTS trace_hops (
    trace_id        INTEGER NOT NULL,            -- traces.trace_id
    seq             INTEGER NOT NULL,            -- position in the escalation chain, 1 = ask first
    role            VARCHAR NOT NULL,            -- platform | cdn | host | registrar
    organisation    VARCHAR,                     -- name as RDAP / the CDN data shows it
    target_id       VARCHAR,                     -- matched registry target (kind host, or the platform)
    matched_by      VARCHAR,                     -- asn | rdap handle | domain | name | cdn data | url domain
    addresses       VARCHAR[],                   -- addresses of the site this organisation answers for
    asn             INTEGER,                     -- origin AS of those addresses (host and cdn hops)
    network         VARCHAR,                     -- RDAP network handle / CIDR (host hops)
    country         VARCHAR,                     -- RDAP country of the network or registrar
    abuse_emails    VARCHAR[],                   -- RDAP abuse contacts (role abuse, nested entities included)
    channel         VARCHAR,                     -- the channel to use: registry/channel-check URL or abuse mailto:
    channel_kind    VARCHAR,                     -- ncii_form | abuse_email | copyright | other | rdap_abuse
    channel_ok      BOOLEAN,                     -- liveness at the latest channel check (NULL: not checked)
    channel_checked_at TIMESTAMPTZ,              -- when that check ran
    score           DOUBLE,                      -- latest riskaudit score of the matched target
    grade           VARCHAR,
    score_run_id    INTEGER,                     -- run the score comes from
    stated_hours    DOUBLE,                      -- shortest response time its policies state (NCII, else general)
    stated_basis    VARCHAR,                     -- ncii | general
    take_it_down_elements VARCHAR[],             -- TAKE IT DOWN request elements its documents ask for
    legal           JSON,                        -- applicable deadlines: rule id, hours or 'timely', trigger, verify
    rdap_evidence   VARCHAR[],                   -- rdap_responses.url of the responses behind this hop
    PRIMARY KEY (trace_id, seq)
);

CREATE TABLE IF NOT EXISTS rdap_responses (
    trace_id     INTEGER NOT NULL,               -- traces.trace_id
    query_type   VARCHAR NOT NULL,               -- ip | autnum | domain
    query        VARCHAR NOT NULL,               -- address, AS number or domain asked about
    url          VARCHAR,                        -- RDAP URL requested (NULL: no server in the bootstrap)
    status       INTEGER,                        -- HTTP status (NULL when no response)
    error        VARCHAR,                        -- one-line failure (not found, rate limited, refused...)
    error_kind   VARCHAR,                        -- not_found | rate_limited | http_error | unreachable | private_address | no_server | bad_json
    fetched_at   TIMESTAMPTZ NOT NULL,
    sha256       VARCHAR,                        -- of the raw body (NULL when no body)
    size         BIGINT,                         -- raw body bytes
    compression  VARCHAR,                        -- zlib (as snapshots)
    body         BLOB                            -- the raw RDAP JSON, kept as evidence
);
