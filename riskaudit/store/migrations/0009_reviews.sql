-- Migration 0009: reviewed findings (issue 13). A finding is target × element × rubric version; the
-- machine's decision is in `element_results`, a person's review of it is appended here and never
-- updated in place (the audit log). The current state of a finding (machine, confirmed, overridden,
-- disputed, stale) is derived from these rows by `riskaudit.stages.review`: staleness depends on the
-- documents of the newest scored run, which SQL alone does not judge (verbatim quotes, text hashes).
CREATE SEQUENCE review_action_id_seq START 1;
CREATE SEQUENCE reply_id_seq START 1;

CREATE TABLE review_actions (
    action_id      BIGINT PRIMARY KEY DEFAULT nextval('review_action_id_seq'),  -- order of the log
    target_id      VARCHAR NOT NULL,
    element        VARCHAR NOT NULL,
    rubric_version VARCHAR NOT NULL,             -- a review is of a finding under one rubric version
    reviewer       VARCHAR NOT NULL,             -- name or handle; a reviewer's latest action on a finding is their review
    acted_at       TIMESTAMPTZ NOT NULL,
    decision       VARCHAR NOT NULL,             -- confirm | met | not_met | not_applicable
    met            BOOLEAN,                      -- what the decision stands for (confirm: the machine's decision then); NULL = not applicable
    machine_met    BOOLEAN,                      -- the machine decision that was reviewed (NULL = not applicable)
    run_id         INTEGER,                      -- the scored run whose finding and documents were reviewed
    quotes         JSON,                         -- [{"quote", "document", "doc_key", "text_sha256"}]: verbatim passages the reviewer relies on
    documents      JSON,                         -- [{"doc_key", "document", "text_sha256"}]: the document texts the review relies on (a change makes it stale)
    reason         VARCHAR,                      -- why; required when the decision differs from the machine's
    via            VARCHAR                       -- web | sheet <file> | cli
);

CREATE TABLE replies (                           -- right of reply: a service's response to a finding, shown beside it
    reply_id    BIGINT PRIMARY KEY DEFAULT nextval('reply_id_seq'),
    target_id   VARCHAR NOT NULL,
    element     VARCHAR,                         -- NULL: a response to the service's findings as a whole
    replied_on  DATE NOT NULL,                   -- when the service responded
    text        VARCHAR NOT NULL,                -- the response, as received (hostile text: escaped on output)
    link        VARCHAR,                         -- where it was published or received (http(s) only)
    recorded_by VARCHAR NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);

-- The latest action of each reviewer on each finding (what the review state is computed from).
CREATE VIEW review_latest AS
SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (PARTITION BY target_id, element, rubric_version, reviewer ORDER BY action_id DESC) AS rn
    FROM review_actions) WHERE rn = 1;
