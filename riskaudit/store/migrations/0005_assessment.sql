-- Migration 0005: a scored target may be "not assessed". When none of its policy documents could be
-- used (every fetch failed: DNS, refused, timeout, HTTP 4xx/5xx, robots.txt, media, private address,
-- or the page was a bot challenge / login / consent wall), it gets no score and no grade instead of
-- the F an empty policy would get, and is listed apart in reports.
ALTER TABLE scores ADD COLUMN status VARCHAR DEFAULT 'assessed';  -- assessed | not_assessed (score and grade NULL)
ALTER TABLE scores ADD COLUMN not_assessed_reason VARCHAR;         -- why not assessed: the documents and how each failed
ALTER TABLE scores ADD COLUMN failed_documents JSON;               -- [{"url", "document", "kind", "detail"}]: documents of the target that could not be used (assessed targets too), kind e.g. 'HTTP 404', 'dns', 'robots', 'bot_wall'
