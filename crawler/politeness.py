"""Politeness shared by every worker of a frontier crawl (docs/scaling.md).

Scrapy's DOWNLOAD_DELAY and AutoThrottle space the requests of one process. N workers on one
frontier would each keep that pace, so a host would see N times the rate a single crawl sends.
`SharedHostDelay` takes the host's slot on the frontier's Redis server just before a request
leaves: one atomic script reads Redis's own clock (one clock for every machine) and, when the
host is free, marks it busy for the delay and lets the request go; otherwise the request sleeps
until the host is free and asks again. (Reserving future slots instead would let a worker whose
event loop was busy send several late requests at once.) Together the workers send at most one request per
host per RISKAUDIT_SHARED_HOST_DELAY seconds (default: DOWNLOAD_DELAY), however many they are.

Active only in frontier workers (RISKAUDIT_FRONTIER set) with a delay above 0. If Redis cannot
be reached the request is not sent: the error reaches the retry middleware like any download
failure, and the frontier lease puts the page back if the worker gives up.
"""
from __future__ import annotations

import asyncio
import logging
import random
from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)

KEY_PREFIX = "riskaudit:frontier:host-slot:"

# KEYS[1] = the host's slot key, ARGV[1] = delay in ms. Returns 0 when the request may go now
# (the host's next slot is moved to now + delay), else the ms until the host is free (nothing taken).
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
if free > now then return free - now end
local delay = tonumber(ARGV[1])
redis.call('SET', KEYS[1], now + delay, 'PX', delay + 60000)
return 0
"""


def host_key(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return KEY_PREFIX + (f"{host}:{parts.port}" if parts.port else host)


class SharedHostDelay:
    """Downloader middleware: wait for the host's next shared slot (see the module docstring)."""

    def __init__(self, url: str, delay_s: float):
        import redis

        self.delay_ms = int(round(delay_s * 1000))
        self.server = redis.Redis.from_url(url)
        self._take = self.server.register_script(_TAKE)

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        url = s.get("RISKAUDIT_FRONTIER")
        if not url:
            raise NotConfigured     # (no message: Scrapy would log one as a warning in every crawl)
        delay = s.get("RISKAUDIT_SHARED_HOST_DELAY")
        delay = s.getfloat("DOWNLOAD_DELAY") if delay in (None, "") else float(delay)
        if delay <= 0:
            raise NotConfigured
        return cls(url, delay)

    def try_take(self, url: str) -> int:
        """Take the host's slot now (0), or the milliseconds until it is free."""
        return int(self._take(keys=[host_key(url)], args=[self.delay_ms]))

    async def process_request(self, request, spider=None):
        if request.url.startswith(("data:", "file:", "about:")):
            return None
        while True:
            wait = self.try_take(request.url)
            if wait <= 0:
                return None
            # wake a little apart: requests waiting for one host do not all ask at the same instant
            await asyncio.sleep(wait / 1000 + random.uniform(0, 0.02))
