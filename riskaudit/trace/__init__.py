"""Host tracing: who serves, fronts, hosts and registered a site, and the escalation chain.

Modules: `dns` (dnspython look-ups), `rdap` (bootstrap, HTTP client, pure parsers), `cdn`
(published ranges / CNAME suffixes / headers, data/cdn_ranges.yaml), `match` (organisation ->
registry target, data/host_map.yaml), `chain` (platform -> CDN -> host -> registrar with
channels, promised times and legal deadlines), `tracer` (one trace, network only through the
injected clients) and `store_sql` (all SQL; schema in riskaudit/store/migrations/0004_traces.sql).
Method: docs/tracing.md.
"""
