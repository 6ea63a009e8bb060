-- Migration 0003: indexes on the join keys every stage filters by (run, then target).
CREATE INDEX fetches_run_target ON fetches (run_id, target_id);
CREATE INDEX documents_run_target ON documents (run_id, target_id);
CREATE INDEX documents_target ON documents (target_id);
CREATE INDEX channel_checks_run_target ON channel_checks (run_id, target_id);
CREATE INDEX evidence_run_target ON evidence (run_id, target_id, element);
CREATE INDEX cases_target ON cases (target_id, channel);
CREATE INDEX document_changes_target ON document_changes (target_id);
CREATE INDEX element_flips_target ON element_flips (target_id);
