"""A local RDAP server for tests (http.server, 127.0.0.1, ephemeral port).

Routes `/<registry>/<ip|autnum|domain>/<query>` to JSON fixture files in
tests/fixtures/rdap/<registry>/<type>/<query>.json (`/` and `:` in the query become `_`).
A fixture may instead be `<query>.status` holding an HTTP status and optional Retry-After
("429 30"): the registry then answers with that error. Anything else is 404 with an RDAP
error body. `bootstrap_dir(tmp)` writes IANA-shaped bootstrap files pointing at this server.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rdap"


class _Handler(BaseHTTPRequestHandler):
    server_version = "local-rdap/1"

    def log_message(self, *args):      # quiet
        pass

    def _send(self, status: int, body: bytes, headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", "application/rdap+json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.server.requests.append((self.path, self.headers.get("User-Agent")))
        parts = [unquote(p) for p in self.path.split("?")[0].strip("/").split("/")]
        if len(parts) == 3:
            registry, qtype, query = parts
            base = self.server.root / registry / qtype / query.replace("/", "_").replace(":", "_").lower()
            status_file = base.with_suffix(".status")
            json_file = Path(str(base) + ".json")
            if status_file.exists():
                code, *rest = status_file.read_text().split()
                headers = {"Retry-After": rest[0]} if rest else {}
                body = json.dumps({"errorCode": int(code), "title": "error"}).encode()
                return self._send(int(code), body, headers)
            if json_file.exists():
                return self._send(200, json_file.read_bytes())
        self._send(404, json.dumps({"errorCode": 404, "title": "Not Found"}).encode())


class LocalRdap:
    """Context manager: `with LocalRdap() as rdap: rdap.base('ripe') -> 'http://127.0.0.1:PORT/ripe/'`."""

    def __init__(self, root: Path = FIXTURES):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.root = Path(root)
        self.httpd.requests = []
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def requests(self) -> list[tuple[str, str]]:
        return self.httpd.requests

    def base(self, registry: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/{registry}/"

    def bootstrap_dir(self, folder: Path, *, dns: dict, ipv4: dict, ipv6: dict, asn: dict) -> Path:
        """Write dns.json/ipv4.json/ipv6.json/asn.json: each maps registry -> list of keys."""
        folder.mkdir(parents=True, exist_ok=True)
        for name, mapping in (("dns", dns), ("ipv4", ipv4), ("ipv6", ipv6), ("asn", asn)):
            doc = {"version": "1.0", "publication": "2026-11-01T00:00:00Z",
                   "description": f"test bootstrap ({name})",
                   "services": [[keys, [self.base(registry)]] for registry, keys in mapping.items()]}
            (folder / f"{name}.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")
        return folder

    def __enter__(self) -> "LocalRdap":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
