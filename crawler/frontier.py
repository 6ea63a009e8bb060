"""The shared crawl frontier (docs/scaling.md): scrapy-redis's scheduler and duplicate filter on
one Redis server, with leases so that a killed worker loses nothing, and an item list that
`riskaudit ingest` drains into the store (workers never open DuckDB).

Keys (prefix `riskaudit:frontier:`): `crawl` (hash: the crawl's id, registry text, options),
`requests` (the scrapy-redis FIFO queue), `dupefilter` (the scrapy-redis fingerprint set, keyed
per target), `budget:<target>` (discovery pages taken), `items` / `ingesting` (messages for the
store), `workers` (set), `reclaimed` (requests put back so far), `alive:<worker>` (heartbeat with a TTL), `leases:<worker>` (hash of
the requests a worker popped and has not committed), `done` (set when the crawl is complete).

A request is popped into its worker's lease hash atomically (Lua); its item, the new requests
it discovered (claimed against the duplicate filter and the target's page budget) and the
release of its lease are one atomic commit. A worker whose heartbeat expired has its leases put
back on the queue by any other worker, so a page is fetched again rather than lost; the ingest
stores one copy of each (target, purpose, url, type) per run.
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import socket
import uuid
from datetime import datetime

from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import FifoQueue

from riskaudit.core.clock import now_utc
from riskaudit.core.errors import UserError

logger = logging.getLogger(__name__)

PREFIX = "riskaudit:frontier:"
QUEUE_KEY = PREFIX + "requests"
DUPEFILTER_KEY = PREFIX + "dupefilter"
DEFAULT_LEASE_SECONDS = 60

# pop: move one request from the queue into the worker's lease hash
_POP = """
local data = redis.call('RPOP', KEYS[1])
if not data then return nil end
local id = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[2], id, data)
return {tostring(id), data}
"""
# commit: push the item, release the leases, claim and queue the children (fp, mark, budgeted, data)
_COMMIT = """
if ARGV[1] ~= '' then redis.call('LPUSH', KEYS[1], ARGV[1]) end
local i = 2
local n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do redis.call('HDEL', ARGV[i], ARGV[i + 1]); i = i + 2 end
local budget_key = ARGV[i]; local limit = tonumber(ARGV[i + 1]); n = tonumber(ARGV[i + 2]); i = i + 3
local added = 0
for _ = 1, n do
  local fp, mark, budgeted, data = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]; i = i + 4
  if redis.call('SISMEMBER', KEYS[2], fp) == 0 then
    if budgeted == '1' and tonumber(redis.call('GET', budget_key) or '0') >= limit then break end
    redis.call('SADD', KEYS[2], fp)
    if mark ~= '' then redis.call('SADD', KEYS[2], mark) end
    if budgeted == '1' then redis.call('INCR', budget_key) end
    redis.call('LPUSH', KEYS[3], data)
    added = added + 1
  end
end
return added
"""
# reclaim: a worker without heartbeat gives its leases back to the queue (popped next)
_RECLAIM = """
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local vals = redis.call('HVALS', KEYS[2])
for _, v in ipairs(vals) do redis.call('RPUSH', KEYS[1], v) end
if #vals > 0 then redis.call('INCRBY', KEYS[5], #vals) end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[4], ARGV[1])
return #vals
"""
# take: move up to ARGV[1] messages from items to ingesting (a killed ingest leaves them there)
_TAKE = """
local out = {}
for _ = 1, tonumber(ARGV[1]) do
  local v = redis.call('RPOPLPUSH', KEYS[1], KEYS[2])
  if not v then break end
  out[#out + 1] = v
end
return out
"""


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    from urllib.parse import urlsplit, urlunsplit
    parts = urlsplit(str(url))
    if parts.password is None:
        return str(url)
    netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def connect(url: str):
    """A Redis client for `url`; an unreachable server is a UserError naming the URL."""
    import redis
    if not str(url).startswith(("redis://", "rediss://", "unix://")):
        raise UserError(f"--frontier {redact(url)}: expected a Redis URL such as redis://127.0.0.1:6379/0")
    try:
        server = redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=30)
        server.ping()
    except redis.RedisError as exc:
        raise UserError(f"cannot reach the frontier at {redact(url)}: {exc}; start redis-server there "
                        "(docs/scaling.md)") from None
    return server


def key(name: str) -> str:
    return PREFIX + name


def _h(*parts: str) -> str:
    return hashlib.sha1("\0".join(parts).encode("utf-8")).hexdigest()


def page_mark(target_id: str, url: str) -> str:
    """The fingerprint that makes `url` 'seen' for the discovery of `target_id`."""
    return _h(target_id or "", "page", url)


def claim_fingerprints(request) -> tuple[str, str]:
    """(claim, mark) fingerprints of a request: what it is (per target, per document type or
    channel kind) and, for documents, the page URL it makes 'seen' for discovery."""
    meta = request.meta
    target, purpose, url = meta.get("ra_target") or "", meta.get("ra_purpose") or "", request.url
    if purpose == "document":
        return _h(target, "doc", meta.get("ra_doc_type") or "", url), page_mark(target, url)
    if purpose == "channel":
        return _h(target, "channel", meta.get("ra_channel_kind") or "", url), ""
    return page_mark(target, url), ""


class TargetDupeFilter(RFPDupeFilter):
    """scrapy-redis's Redis duplicate filter, keyed per target like the single-process crawl's
    `seen` sets. Claims are made at commit time (the `_COMMIT` script); the scheduler only sees
    accepted requests (`dont_filter`), so retries and redirect hops are never dropped."""

    def request_fingerprint(self, request):
        return claim_fingerprints(request)[0]


class LeasedQueue(FifoQueue):
    """scrapy-redis's FIFO queue whose pop leases the request to this worker (see module doc);
    requests are stored as JSON (crawler/frontier_json.py), never pickled."""

    def __init__(self, server, spider, key, serializer=None):
        from crawler import frontier_json
        super().__init__(server, spider, key, serializer or frontier_json)
        self.worker = getattr(spider, "frontier_worker", None)

    def pop(self, timeout=0):
        if self.worker is None:
            return super().pop(timeout)
        got = self.server.eval(_POP, 3, self.key, self.worker.leases_key, key("lease_seq"))
        if not got:
            return None
        lease_id, data = got
        request = self._decode_request(data)
        request.meta["ra_leases"] = [*request.meta.get("ra_leases", []),
                                     [self.worker.leases_key, lease_id.decode() if isinstance(lease_id, bytes) else lease_id]]
        prepare = getattr(self.spider, "prepare_request", None)
        if prepare is not None:
            prepare(request)
        return request

    def encode(self, request) -> bytes:
        return self._encode_request(request)


# -- messages (one per item) -----------------------------------------------------------------------
def _jsonable(value):
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def _decode_hook(obj):
    if "$dt" in obj and len(obj) == 1:
        return datetime.fromisoformat(obj["$dt"])
    if "$b64" in obj and len(obj) == 1:
        return base64.b64decode(obj["$b64"])
    return obj


def encode_message(crawl_id: str, msg_key: tuple, rows: list) -> bytes:
    """An item's rows as one message: [[table, row], ...]; a `snapshot` row carries the body."""
    return json.dumps({"crawl": crawl_id, "key": list(msg_key), "rows": rows}, default=_jsonable,
                      separators=(",", ":")).encode()


def decode_message(data: bytes) -> dict:
    msg = json.loads(data, object_hook=_decode_hook)
    msg["key"] = tuple(msg["key"])
    return msg


def message_key(target_id, purpose, url, variant=None) -> tuple:
    """The ingest's deduplication key: (target, purpose, url, document type or channel kind)."""
    return (target_id or "", purpose or "", url or "", variant or "")


# -- the frontier as the coordinator, workers and ingest see it ------------------------------------
class Frontier:
    def __init__(self, url: str, server=None):
        self.url = redact(url)
        self.server = server if server is not None else connect(url)

    # crawl record
    def crawl(self) -> dict | None:
        raw = self.server.hgetall(key("crawl"))
        if not raw:
            return None
        rec = {k.decode(): v.decode("utf-8") for k, v in raw.items()}
        rec["options"] = json.loads(rec.get("options") or "{}")
        return rec

    def pending(self) -> dict[str, int]:
        """What is left: queued requests, leased requests, un-ingested messages."""
        leases = sum(self.server.hlen(key(f"leases:{w.decode()}")) for w in self.server.smembers(key("workers")))
        return {"queued": self.server.llen(QUEUE_KEY), "leased": leases,
                "items": self.server.llen(key("items")) + self.server.llen(key("ingesting"))}

    def is_done(self) -> bool:
        return bool(self.server.exists(key("done")))

    def reset(self) -> None:
        names = list(self.server.scan_iter(match=PREFIX + "*", count=1000))
        for i in range(0, len(names), 500):
            self.server.delete(*names[i:i + 500])

    def start_crawl(self, registry, options: dict, *, reset: bool = False) -> str:
        current = self.crawl()
        if current is not None and not reset:
            left = self.pending()
            if not (self.is_done() and left["items"] == 0 and self.server.exists(key("ingested"))):
                raise UserError(
                    f"the frontier {self.url} already holds crawl {current['id']} (seeded {current['seeded_at']}; "
                    f"{left['queued']} queued, {left['leased']} leased, {left['items']} items not ingested): let the "
                    "workers finish and run `riskaudit ingest`, or pass --reset to discard it")
        self.reset()
        crawl_id = uuid.uuid4().hex[:12]
        with open(registry.path, encoding="utf-8") as fh:
            text = fh.read()
        self.server.hset(key("crawl"), mapping={
            "id": crawl_id, "registry": text, "registry_path": str(registry.path),
            "registry_sha256": registry.sha256, "options": json.dumps(options, sort_keys=True),
            "seeded_at": now_utc().isoformat()})
        return crawl_id

    def commit(self, message: bytes | None, leases, budget_key: str = "", budget_limit: int = 0,
               children=()) -> int:
        """One atomic step: push `message`, release `leases`, claim and queue `children`
        [(claim_fp, mark_fp, budgeted, encoded_request)]; return how many children were queued."""
        args: list = [message or b"", len(leases)]
        for hash_key, field in leases:
            args += [hash_key, field]
        args += [budget_key or key("budget:"), budget_limit, len(children)]
        for fp, mark, budgeted, data in children:
            args += [fp, mark, "1" if budgeted else "0", data]
        return int(self.server.eval(_COMMIT, 3, key("items"), DUPEFILTER_KEY, QUEUE_KEY, *args))

    def reclaim_dead(self) -> int:
        """Put the leases of workers whose heartbeat expired back on the queue."""
        moved = 0
        for w in self.server.smembers(key("workers")):
            w = w.decode()
            n = int(self.server.eval(_RECLAIM, 5, QUEUE_KEY, key(f"leases:{w}"), key(f"alive:{w}"),
                                     key("workers"), key("reclaimed"), w))
            if n > 0:
                logger.warning("frontier: worker %s stopped answering; %d requests put back on the queue", w, n)
                moved += n
        return moved

    def take(self, n: int) -> list[bytes]:
        return self.server.eval(_TAKE, 2, key("items"), key("ingesting"), n) or []

    def ingesting(self) -> list[bytes]:
        return self.server.lrange(key("ingesting"), 0, -1)

    def ingested(self, run_id: int | None = None) -> None:
        """The messages taken were committed to the store."""
        self.server.delete(key("ingesting"))
        if run_id is not None:
            self.server.set(key("ingested"), run_id)


class FrontierWorker:
    """One worker's identity, heartbeat and lease hash."""

    def __init__(self, frontier: Frontier, lease_seconds: int = DEFAULT_LEASE_SECONDS):
        self.frontier = frontier
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.leases_key = key(f"leases:{self.id}")
        self.alive_key = key(f"alive:{self.id}")
        self.lease_seconds = max(2, int(lease_seconds))

    def beat(self) -> None:
        server = self.frontier.server
        server.set(self.alive_key, "1", ex=self.lease_seconds)
        server.sadd(key("workers"), self.id)

    def leases(self) -> int:
        return self.frontier.server.hlen(self.leases_key)

    def drop_orphans(self) -> int:
        """Leases of this idle worker that no request in flight will release (a request that ended
        without an item): dropped so the crawl can complete."""
        n = self.leases()
        if n:
            logger.warning("frontier: %d leased requests of worker %s ended without an item; released", n, self.id)
            self.frontier.server.delete(self.leases_key)
        return n

    def leave(self) -> None:
        """A clean stop: leases go back on the queue at once (not after the TTL)."""
        server = self.frontier.server
        server.delete(self.alive_key)
        self.frontier.reclaim_dead()

    def try_finish(self) -> bool:
        """Idle: reclaim dead workers' leases; the crawl is complete when nothing is queued or leased."""
        fr = self.frontier
        if fr.is_done():
            return True
        fr.reclaim_dead()
        if fr.server.llen(QUEUE_KEY) == 0:
            self.drop_orphans()
        left = fr.pending()
        if left["queued"] == 0 and left["leased"] == 0:
            fr.server.set(key("done"), now_utc().isoformat())
            return True
        return False
