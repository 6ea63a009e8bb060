"""The local review page: `riskaudit review serve` (bottle, server-side rendered, 127.0.0.1 only).

Pages: `/` (progress, targets, the queue), `/t/<target>` (each element of a target with the
machine's decision, its reason and its review state), `/f/<target>/<element>` (one finding: the
decision, the quotes highlighted in the stored document text with anchors to scroll to, the stale
diff, the review history, replies, and the forms). Changes are POST only and carry a token made
once per process; the Host header must name 127.0.0.1 or localhost (no DNS rebinding), and an
Origin header, when sent, must be this server. Every string from the store is escaped by Jinja2's
autoescape; the one inline script carries a per-response nonce under a Content-Security-Policy that
allows nothing else (no CDN, no external request). Keyboard: c confirm, o override, j/k next/prev,
q add the selected text to the quotes.
"""
from __future__ import annotations

import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote as urlquote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer
from wsgiref.simple_server import make_server as _wsgi_server

import bottle
from jinja2 import Environment, PackageLoader, select_autoescape

from riskaudit.core.errors import UserError
from riskaudit.stages import review as review_stage
from riskaudit.store import connect, connect_for_reading

HOST = "127.0.0.1"
ALLOWED_HOSTS = ("127.0.0.1", "localhost")


def _env() -> Environment:
    env = Environment(loader=PackageLoader("reports", "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["u"] = lambda s: urlquote(str(s), safe="")
    env.filters["met"] = review_stage.met_label
    env.tests["web_url"] = lambda u: isinstance(u, str) and u.lower().startswith(("http://", "https://"))
    return env


def highlight(text: str, quotes: list[str]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The document text cut into pieces, each quote occurrence marked (first occurrence of each
    quote gets an anchor id); overlapping matches are left unmarked. Returns (pieces, {quote: id})."""
    spans = []
    for i, q in enumerate(dict.fromkeys(q for q in quotes if q)):
        start = text.find(q)
        while start >= 0:
            spans.append((start, start + len(q), i, q))
            start = text.find(q, start + len(q))
    spans.sort()
    pieces, pos, anchors, n = [], 0, {}, 0
    for start, end, _i, q in spans:
        if start < pos:
            continue
        if start > pos:
            pieces.append({"text": text[pos:start]})
        n += 1
        anchor = None
        if q not in anchors:
            anchor = anchors[q] = f"q{n}"
        pieces.append({"text": text[start:end], "mark": True, "id": anchor})
        pos = end
    if pos < len(text):
        pieces.append({"text": text[pos:]})
    return pieces, anchors


class App:
    def __init__(self, db_path: str, *, reviewer: str = "", run_id: int | None = None):
        self.db = str(db_path)
        self.run_id = run_id
        self.reviewer = reviewer
        self.token = secrets.token_urlsafe(32)
        self.env = _env()
        self.port: int | None = None
        with self._open() as (_con, ctx):          # fail early: missing database, nothing scored
            self.run_id = ctx.run_id
        self.app = bottle.Bottle()
        self.app.route("/", "GET", self.index)
        self.app.route("/t/<target>", "GET", self.target)
        self.app.route("/f/<target>/<element>", "GET", self.finding)
        self.app.route("/f/<target>/<element>/review", "POST", self.post_review)
        self.app.route("/f/<target>/<element>/reply", "POST", self.post_reply)
        self.app.add_hook("before_request", self._guard)

    # ------------------------------------------------------------ plumbing

    @contextmanager
    def _open(self, write: bool = False):
        """(connection, review context) for one request: writable for a change, else read-only when possible."""
        con = connect(self.db, create=False) if write else connect_for_reading(self.db)
        try:
            yield con, review_stage.load(con, self.run_id, self.db)
        finally:
            con.close()

    def _guard(self) -> None:
        host = (bottle.request.get_header("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
        if host not in ALLOWED_HOSTS:
            bottle.abort(403, "this review page answers on 127.0.0.1 only")
        if bottle.request.method == "POST":
            origin = bottle.request.get_header("Origin")
            if origin and origin != "null":
                ohost = origin.split("://", 1)[-1].rsplit(":", 1)[0].lower()
                if ohost not in ALLOWED_HOSTS:
                    bottle.abort(403, "cross-origin request refused")
            if not secrets.compare_digest(bottle.request.forms.getunicode("token") or "", self.token):
                bottle.abort(403, "stale or missing form token: reload the page")

    def _render(self, name: str, status: int = 200, **kw) -> str:
        nonce = secrets.token_urlsafe(16)
        bottle.response.status = status
        bottle.response.content_type = "text/html; charset=utf-8"
        bottle.response.set_header("Content-Security-Policy",
                                   f"default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; "
                                   "img-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        bottle.response.set_header("X-Content-Type-Options", "nosniff")
        bottle.response.set_header("Referrer-Policy", "no-referrer")
        bottle.response.set_header("Cache-Control", "no-store")
        kw.setdefault("saved", bottle.request.query.get("saved") == "1")
        return self.env.get_template(name).render(nonce=nonce, token=self.token, reviewer=self.reviewer, **kw)

    # ------------------------------------------------------------ pages

    def index(self):
        with self._open() as (_con, ctx):
            targets: dict[str, dict[str, Any]] = {}
            for key in ctx.keys:
                f = ctx.findings[key]
                if not f["applicable"]:
                    continue
                t = targets.setdefault(f["target_id"], {"target_id": f["target_id"], "service": f["service"],
                                                        "kind": f["kind"], "total": 0, "reviewed": 0})
                t["total"] += 1
                t["reviewed"] += bool(f["reviewed"])
            return self._render("review_index.html.j2", progress=ctx.progress(), run_id=ctx.run_id,
                                targets=list(targets.values()), queue=review_stage.queue(ctx, 30))

    def target(self, target):
        with self._open() as (_con, ctx):
            rows = [ctx.findings[k] for k in ctx.keys if k[0] == target and ctx.findings[k]["applicable"]]
            if not rows:
                return self._render("review_index.html.j2", 404, progress=ctx.progress(), run_id=ctx.run_id,
                                    targets=[], queue=[], error=f"unknown target {target!r}")
            return self._render("review_target.html.j2", progress=ctx.progress(), run_id=ctx.run_id,
                                target=rows[0], rows=rows, replies=ctx.target_replies.get(target, []))

    def finding(self, target, element, error: str = "", status: int = 200, form: dict | None = None):
        with self._open() as (_con, ctx):
            return self._finding(ctx, target, element, error=error, status=status, form=form or {})

    def _finding(self, ctx, target, element, *, error="", status=200, form=None):
        try:
            f = ctx.finding(target, element)
        except UserError as exc:
            return self._render("review_index.html.j2", 404, progress=ctx.progress(), run_id=ctx.run_id,
                                targets=[], queue=[], error=str(exc))
        quotes = [e["quote"] for e in f["evidence"]] + [q["quote"] for r in f["reviews"] for q in r.quotes]
        docs, anchors = [], {}
        for d in ctx.docs.get(target, []):
            pieces, found = highlight(d["text"], quotes)
            for q, anchor in found.items():
                anchors.setdefault(q, f"d{len(docs)}-{anchor}")
            for p in pieces:
                if p.get("id"):
                    p["id"] = f"d{len(docs)}-{p['id']}"
            docs.append({"name": d["name"], "url": d["url"], "pieces": pieces, "sha": d["text_sha256"],
                         "quoted": bool(found)})
        docs.sort(key=lambda d: not d["quoted"])          # the documents holding a quote first
        prev, nxt = ctx.neighbours(target, element)
        return self._render("review_finding.html.j2", status, progress=ctx.progress(), run_id=ctx.run_id, f=f,
                            docs=docs, anchors=anchors, prev=prev, next=nxt, error=error, form=form or {},
                            history=f["history"], reviews=[r.as_dict() for r in f["reviews"]],
                            override_default="not_met" if f["met"] else "met")

    def post_review(self, target, element):
        forms = bottle.request.forms
        form = {k: forms.getunicode(k) or "" for k in ("reviewer", "decision", "reason", "quotes")}
        self.reviewer = form["reviewer"].strip() or self.reviewer
        with self._open(write=True) as (con, ctx):
            try:
                row = ctx.prepare(target, element, reviewer=form["reviewer"], decision=form["decision"],
                                  reason=form["reason"], quotes=form["quotes"].splitlines(), via="web")
            except UserError as exc:
                return self._finding(ctx, target, element, error=str(exc), status=400, form=form)
            review_stage.record(con, [row])
        bottle.redirect(f"/f/{urlquote(target, safe='')}/{urlquote(element, safe='')}?saved=1", 303)

    def post_reply(self, target, element):
        forms = bottle.request.forms
        form = {k: forms.getunicode(k) or "" for k in ("reviewer", "replied_on", "text", "link")}
        with self._open(write=True) as (con, ctx):
            try:
                review_stage.add_reply(con, ctx, target, element, replied_on=form["replied_on"],
                                       text=form["text"], link=form["link"].strip() or None,
                                       recorded_by=form["reviewer"])
            except UserError as exc:
                return self._finding(ctx, target, element, error=str(exc), status=400, form=form)
        bottle.redirect(f"/f/{urlquote(target, safe='')}/{urlquote(element, safe='')}?saved=1#replies", 303)


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):      # no request log on the terminal (crawled paths in URLs)
        pass


def make_server(db_path: str | Path, *, port: int = 8765, reviewer: str = "", run_id: int | None = None) -> WSGIServer:
    """The review page's WSGI server bound to 127.0.0.1:`port` (0: any free port); call serve_forever()."""
    if not Path(db_path).is_file():
        raise UserError(f"database {db_path} does not exist: run `riskaudit crawl` and `riskaudit score` first")
    app = App(str(db_path), reviewer=reviewer, run_id=run_id)
    try:
        server = _wsgi_server(HOST, port, app.app, handler_class=_Quiet)
    except OSError as exc:
        raise UserError(f"cannot listen on {HOST}:{port}: {exc.strerror or exc}; pick another --port") from None
    app.port = server.server_address[1]
    return server
