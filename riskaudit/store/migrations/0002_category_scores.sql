-- Migration 0002: category scores move from the wide `scores.cat_p .. cat_a` columns to a long
-- table (one row per scored target × category), so a new category needs no new column.
CREATE TABLE category_scores (
    run_id     INTEGER NOT NULL,                 -- the scored run (scores.run_id)
    target_id  VARCHAR NOT NULL,
    category   VARCHAR NOT NULL,                 -- P | R | T | A (audits/rubric)
    score      DOUBLE,                           -- mean of the applicable elements × 100; NULL when none applies
    PRIMARY KEY (run_id, target_id, category)
);
INSERT INTO category_scores (run_id, target_id, category, score)
SELECT run_id, target_id, c.category, c.score
FROM scores, (SELECT unnest([
        {'category': 'P', 'score': cat_p}, {'category': 'R', 'score': cat_r},
        {'category': 'T', 'score': cat_t}, {'category': 'A', 'score': cat_a}]) AS c) AS x(c);
ALTER TABLE scores DROP COLUMN cat_p;
ALTER TABLE scores DROP COLUMN cat_r;
ALTER TABLE scores DROP COLUMN cat_t;
ALTER TABLE scores DROP COLUMN cat_a;
