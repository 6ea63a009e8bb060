-- Migration 0007: what an archive needs to rebuild each HTTP exchange (WARC request/response
-- records, `riskaudit evidence`) and what host tracing reads about the server (CDN headers,
-- address connected to, TLS certificate). Written by the crawler for every exchange that got a
-- response (media refused at the headers included: headers only, never a body byte).
-- NULL for rows written before this migration and for requests that were never answered.
ALTER TABLE fetches ADD COLUMN request_headers JSON;      -- [[name, value], ...] as sent (last hop of a redirect chain), in order, at most 16 KB
ALTER TABLE fetches ADD COLUMN response_headers JSON;     -- [[name, value], ...] as received (duplicates such as Set-Cookie kept), at most 16 KB
ALTER TABLE fetches ADD COLUMN headers_truncated BOOLEAN; -- TRUE when either header list was cut at the 16 KB cap
ALTER TABLE fetches ADD COLUMN http_version VARCHAR;      -- protocol of the response: HTTP/1.1, HTTP/2...
ALTER TABLE fetches ADD COLUMN ip_address VARCHAR;        -- server address the connection went to (WARC-IP-Address)
ALTER TABLE fetches ADD COLUMN tls_certificate JSON;      -- https only: {subject, issuer, serial, not_before, not_after, sha256, dns_names}
