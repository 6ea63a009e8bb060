"""Every SQL statement of host tracing: writing traces and reading what matching needs.

Functions take an open DuckDB connection (riskaudit.store.connect applies
riskaudit/store/migrations/0004_traces.sql). Read helpers tolerate a store that has no audit tables yet.
"""
from __future__ import annotations

import hashlib
import json
import zlib

import duckdb

from riskaudit import __version__


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _safe(con, sql: str, params=()) -> list[tuple]:
    try:
        return con.execute(sql, list(params)).fetchall()
    except duckdb.CatalogException:
        return []


# ---------------------------------------------------------------- writes
def save_trace(con: duckdb.DuckDBPyConnection, trace: dict) -> int:
    """Store one trace (traces, trace_hops, rdap_responses); returns its trace_id."""
    row = con.execute(
        "INSERT INTO traces (query, host, registered_domain, platform_target_id, resolver, started_at, "
        "finished_at, dns, addresses, domain_rdap, cdn, chain, errors, tool_version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING trace_id",
        [trace["query"], trace["host"], trace.get("registered_domain"), trace.get("platform_target_id"),
         trace.get("resolver"), trace["started_at"], trace.get("finished_at"), _json(trace.get("dns")),
         _json(trace.get("addresses")), _json(trace.get("domain")), _json(trace.get("cdn")),
         _json(trace.get("chain")), list(trace.get("errors") or []), __version__]).fetchone()
    trace_id = int(row[0])
    for r in trace.get("rdap_responses") or []:
        body = r.body or None
        con.execute(
            "INSERT INTO rdap_responses (trace_id, query_type, query, url, status, error, error_kind, fetched_at, "
            "sha256, size, compression, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [trace_id, r.query_type, r.query, r.url, r.status, r.error, r.error_kind, r.fetched_at,
             hashlib.sha256(body).hexdigest() if body else None, len(body) if body else None,
             "zlib" if body else None, zlib.compress(body, 3) if body else None])
    for seq, hop in enumerate(trace.get("chain") or [], 1):
        ch = hop.get("channel") or {}
        sc = hop.get("score") or {}
        st = hop.get("stated") or {}
        con.execute(
            "INSERT INTO trace_hops (trace_id, seq, role, organisation, target_id, matched_by, addresses, asn, "
            "network, country, abuse_emails, channel, channel_kind, channel_ok, channel_checked_at, score, grade, "
            "score_run_id, stated_hours, stated_basis, take_it_down_elements, legal, rdap_evidence) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [trace_id, seq, hop["role"], hop.get("organisation"), hop.get("target_id"), hop.get("matched_by"),
             hop.get("addresses") or [], hop.get("asn"), hop.get("network"), hop.get("country"),
             hop.get("abuse_emails") or [], ch.get("url"), ch.get("kind"), ch.get("ok"), ch.get("checked_at"),
             sc.get("score"), sc.get("grade"), sc.get("run_id"), st.get("hours"), st.get("basis"),
             hop.get("take_it_down_elements") or [], _json(hop.get("legal") or []),
             hop.get("rdap_evidence") or []])
    return trace_id


# ---------------------------------------------------------------- reads for matching
def targets(con) -> dict[str, dict]:
    """{target_id: {name, kind, jurisdictions, homepage}} of every known target."""
    return {r[0]: {"name": r[1], "kind": r[2], "jurisdictions": list(r[3] or []), "homepage": r[4]}
            for r in _safe(con, "SELECT target_id, name, kind, jurisdictions, homepage FROM targets")}


def target_urls(con) -> list[tuple[str, str, str]]:
    """(target_id, kind, url) of every target's homepage and crawled document/channel URLs."""
    return _safe(con, """
        SELECT t.target_id, t.kind, u.url FROM targets t JOIN (
            SELECT target_id, homepage AS url FROM targets WHERE homepage IS NOT NULL
            UNION SELECT DISTINCT target_id, coalesce(final_url, url) FROM documents WHERE url LIKE 'http%'
        ) u USING (target_id) ORDER BY 1, 3""")


def latest_score(con, target_id: str) -> dict | None:
    rows = _safe(con, "SELECT run_id, score, grade, scored_at, rubric_version FROM scores WHERE target_id = ? "
                      "ORDER BY run_id DESC LIMIT 1", [target_id])
    if not rows:
        return None
    run_id, score, grade, scored_at, rubric = rows[0]
    return {"run_id": run_id, "score": score, "grade": grade, "scored_at": scored_at, "rubric_version": rubric}


def latest_channels(con, target_id: str) -> list[dict]:
    """Channel checks of the target's latest checked run (kind, url, ok, status, login, checked_at)."""
    rows = _safe(con, """
        SELECT channel_kind, url, ok, status, login_required, error, checked_at FROM channel_checks
        WHERE target_id = ? AND run_id = (SELECT max(run_id) FROM channel_checks WHERE target_id = ?)
        ORDER BY url""", [target_id, target_id])
    return [{"kind": r[0], "url": r[1], "ok": r[2], "status": r[3], "login_required": r[4], "error": r[5],
             "checked_at": r[6]} for r in rows]


def site_headers(con, host: str) -> dict[str, str]:
    """Response headers the crawler recorded for `host` (latest exchange), lower-cased names.

    `fetches.response_headers` (migration 0007) is a JSON list of [name, value] pairs; repeated
    headers are joined with ", ". A store without that column, or no exchange with `host`, gives {}.
    """
    cols = {r[0] for r in _safe(con, "SELECT column_name FROM information_schema.columns "
                                     "WHERE table_name = 'fetches'")}
    if "response_headers" not in cols:
        return {}
    patterns = [f"{scheme}://{host}{end}" for scheme in ("http", "https") for end in ("/%", ":%")]
    rows = _safe(con, "SELECT response_headers FROM fetches WHERE (" + " OR ".join(["coalesce(final_url, url) LIKE ?"] * 4)
                 + ") AND response_headers IS NOT NULL ORDER BY fetched_at DESC LIMIT 1", patterns)
    if not rows:
        return {}
    value = rows[0][0]
    data = json.loads(value) if isinstance(value, str) else value
    pairs = data.items() if isinstance(data, dict) else (data or [])
    out: dict[str, str] = {}
    for name, val in pairs:
        key = str(name).lower()
        out[key] = f"{out[key]}, {val}" if key in out else str(val)
    return out


# ---------------------------------------------------------------- reads of stored traces
_HOP_COLUMNS = ("seq", "role", "organisation", "target_id", "matched_by", "addresses", "asn", "network", "country",
                "abuse_emails", "channel", "channel_kind", "channel_ok", "channel_checked_at", "score", "grade",
                "score_run_id", "stated_hours", "stated_basis", "take_it_down_elements", "legal")


def latest_traces(con) -> list[dict]:
    """The latest trace of each host with its hops in chain order (for the report's "Where hosts stand").

    Per trace: trace_id, query, host, registered_domain, platform_target_id, finished_at, errors,
    cdn (the detections, JSON decoded) and hops; per hop the `trace_hops` columns (`legal` decoded),
    `target_name` (the matched target's registry name, None when it is no longer in the store) and,
    from the stored chain, `unknown` (why no organisation is known), `stated_quote` and `signals`.
    A store without trace tables gives [].
    """
    rows = _safe(con, """
        SELECT trace_id, query, host, registered_domain, platform_target_id, finished_at, errors, cdn, chain
        FROM traces t WHERE trace_id = (SELECT max(trace_id) FROM traces u WHERE u.host = t.host) ORDER BY host""")
    names = {tid: t["name"] for tid, t in targets(con).items()}
    out = []
    for trace_id, query, host, domain, platform, finished_at, errors, cdn, chain in rows:
        chain = json.loads(chain) if chain else []
        hops = []
        for h in con.execute(f"SELECT {', '.join(_HOP_COLUMNS)} FROM trace_hops WHERE trace_id = ? ORDER BY seq",
                             [trace_id]).fetchall():
            hop = dict(zip(_HOP_COLUMNS, h))
            hop["legal"] = json.loads(hop["legal"]) if hop["legal"] else []
            for key in ("addresses", "abuse_emails", "take_it_down_elements"):
                hop[key] = list(hop[key] or [])
            hop["target_name"] = names.get(hop["target_id"]) if hop["target_id"] else None
            stored = chain[hop["seq"] - 1] if 0 < hop["seq"] <= len(chain) else {}
            hop["unknown"] = stored.get("unknown")
            hop["stated_quote"] = (stored.get("stated") or {}).get("quote")
            hop["signals"] = list(stored.get("signals") or [])
            hops.append(hop)
        out.append({"trace_id": trace_id, "query": query, "host": host, "registered_domain": domain,
                    "platform_target_id": platform, "finished_at": finished_at, "errors": list(errors or []),
                    "cdn": json.loads(cdn) if cdn else [], "hops": hops})
    return out


def rdap_evidence(con, trace_id: int) -> list[dict]:
    rows = con.execute("SELECT query_type, query, url, status, error, fetched_at, compression, body FROM rdap_responses "
                       "WHERE trace_id = ? ORDER BY fetched_at", [trace_id]).fetchall()
    return [{"query_type": r[0], "query": r[1], "url": r[2], "status": r[3], "error": r[4], "fetched_at": r[5],
             "body": (zlib.decompress(r[7]) if r[6] == "zlib" else r[7]) if r[7] is not None else None}
            for r in rows]
