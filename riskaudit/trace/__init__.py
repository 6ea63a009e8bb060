"""Host tracing: who serves, fronts, hosts and registered a site, and the escalation chain.

Modules: `dns` (dnspython look-ups), `rdap` (bootstrap, HTTP client, pure parsers), `cdn`
(published ranges / CNAME suffixes / headers, data/cdn_ranges.yaml), `match` (organisation ->
registry target, data/host_map.yaml), `chain` (platform -> CDN -> host -> registrar with
channels, promised times and legal deadlines), `tracer` (one trace, network only through the
injected clients). All SQL is in `riskaudit.store.traces` (imported as `store_sql`; schema in
riskaudit/store/migrations/0004_traces.sql); the report's "Where hosts stand" reads it there.
Method: docs/tracing.md.
"""
