"""The frontier's request serializer (scrapy-redis `SCHEDULER_SERIALIZER`): JSON instead of
scrapy-redis's default pickle, so that whoever can write to the Redis server cannot make a worker
run code by queueing a crafted request. Bytes, non-string dict keys (headers), tuples and
datetimes are tagged; any other object is refused when the request is queued."""
from __future__ import annotations

import base64
import json
from datetime import datetime


def _pack(obj):
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, bytes):
        return {"$b": base64.b64encode(obj).decode("ascii")}
    if isinstance(obj, (list, tuple)):
        return [_pack(v) for v in obj]
    if isinstance(obj, dict):
        if all(isinstance(k, str) for k in obj) and not any(k.startswith("$") for k in obj):
            return {k: _pack(v) for k, v in obj.items()}
        return {"$map": [[_pack(k), _pack(v)] for k, v in obj.items()]}
    if isinstance(obj, datetime):
        return {"$dt": obj.isoformat()}
    raise TypeError(f"a frontier request cannot carry a {type(obj).__name__} (JSON-serialisable meta only)")


def _unpack(obj):
    if isinstance(obj, list):
        return [_unpack(v) for v in obj]
    if isinstance(obj, dict):
        if len(obj) == 1:
            if "$b" in obj:
                return base64.b64decode(obj["$b"])
            if "$map" in obj:
                return {_unpack(k): _unpack(v) for k, v in obj["$map"]}
            if "$dt" in obj:
                return datetime.fromisoformat(obj["$dt"])
        return {k: _unpack(v) for k, v in obj.items()}
    return obj


def dumps(obj) -> bytes:
    return json.dumps(_pack(obj), separators=(",", ":")).encode("utf-8")


def loads(data):
    return _unpack(json.loads(data))
