-- Migration 0006: the rules a result was decided by. The rubric and its rules are data
-- (audits/rubric/rubric.yaml, audits/rules/); their hash is recorded with every scored target, so
-- a rule edit is visible in the store and a re-score with other rules can be told apart.
ALTER TABLE scores ADD COLUMN rules_version VARCHAR;   -- sha256 prefix of rubric.yaml + the rules folder used (audits.rules.rules_version)
