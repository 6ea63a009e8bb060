"""Scrapy items of the crawler: one `FetchItem` per HTTP exchange (or refusal).

The pipeline turns a FetchItem into a `fetches` row and, for successful text responses, a
content-addressed `snapshots` row, a `documents` row (when `doc_type` is set) and, for report
channels, a `channel_checks` row. `body` is never set for refused media.
"""
import scrapy


class FetchItem(scrapy.Item):
    # fetches row
    target_id = scrapy.Field()
    purpose = scrapy.Field()          # document | channel | discovery | robots
    url = scrapy.Field()              # requested URL (first of a redirect chain)
    final_url = scrapy.Field()        # last URL (after redirects), also for refusals
    status = scrapy.Field()
    error = scrapy.Field()
    latency_ms = scrapy.Field()
    bytes = scrapy.Field()
    content_type = scrapy.Field()
    robots_blocked = scrapy.Field()
    media_refused = scrapy.Field()
    attempts = scrapy.Field()         # HTTP requests sent (retries + redirect hops); 0 when refused
    fetched_at = scrapy.Field()
    # the exchange as an archive rebuilds it (crawler.exchange.exchange_details; JSON text)
    request_headers = scrapy.Field()
    response_headers = scrapy.Field()
    headers_truncated = scrapy.Field()
    http_version = scrapy.Field()
    ip_address = scrapy.Field()
    tls_certificate = scrapy.Field()
    # payload for snapshots/documents (only successful, non-media responses)
    body = scrapy.Field()
    doc_type = scrapy.Field()         # set => store a documents row
    doc_name = scrapy.Field()
    # report-channel check
    channel_kind = scrapy.Field()
    login_required = scrapy.Field()
    # frontier crawls only (crawler/frontier.py): leases to release, dedup variant, discovered requests
    leases = scrapy.Field()
    variant = scrapy.Field()
    children = scrapy.Field()
