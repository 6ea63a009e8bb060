-- Migration 0008: how close each machine decision came to flipping, and whether a person should
-- look at it first (audits/engine.py margin_met / margin_not_met). The review queue sorts by these.
ALTER TABLE element_results ADD COLUMN margin VARCHAR;        -- e.g. "one clause only (…, score 3.1; weak)", "way 'x' held but exclusion 'y' fired on …"
ALTER TABLE element_results ADD COLUMN needs_review BOOLEAN;  -- near miss, exclusion fired, or a weak single-clause "met"
