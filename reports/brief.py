"""The Markdown brief (summary.md): a short, quotable digest of one scored run for journalists.

Top findings, best and worst services, dead or login-walled report channels, weakest element
coverage, promised versus observed response times (when case logs exist) and changes since the
previous run. Every stored string is neutralised by `md` so it cannot turn into Markdown or HTML:
Markdown punctuation is backslash-escaped, bidirectional controls are removed
(`riskaudit.core.text.strip_bidi`), and anything a renderer would auto-link (http(s)/ftp/mailto/
javascript/data/file URLs, www. names, e-mail addresses: GitHub-flavoured Markdown's autolinks)
is put in a code span, which the CommonMark/GFM specs render as literal text (no link, no HTML;
the URL stays copyable). Services not assessed (no usable policy document) are listed apart and
never counted in the grades or the coverage.
"""
from __future__ import annotations

import re
import statistics
from typing import Any

from reports.html_report import fmt_hours, fmt_num, fmt_time
from riskaudit.core.text import strip_bidi

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_LINKABLE = re.compile(r"(?i)(?:\b(?:https?|ftp|mailto|xmpp|javascript|data|file|vbscript):[^\s<>]*|\bwww\.[^\s<>]+|"
                       r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+)")


def _code_span(text: str) -> str:
    """`text` as a CommonMark code span: a fence longer than any backtick run inside it."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md(text: Any) -> str:
    """Neutralise a stored string for Markdown: newlines flattened, bidi controls removed,
    auto-linkable URLs/addresses in code spans, other punctuation backslash-escaped."""
    s = " ".join(strip_bidi(text if text is not None else "—").split())
    out, pos = [], 0
    for m in _LINKABLE.finditer(s):
        out.append(_MD_SPECIAL.sub(r"\\\1", s[pos:m.start()]))
        out.append(_code_span(m.group(0)))
        pos = m.end()
    out.append(_MD_SPECIAL.sub(r"\\\1", s[pos:]))
    return "".join(out)


def _services_list(services: list[dict[str, Any]]) -> str:
    return ", ".join(md(s["service"]) for s in services)


def _line_for(s: dict[str, Any]) -> str:
    return f"- **{md(s['service'])}** ({md(s['kind'])}): {fmt_num(s['score'])}/100, grade {md(s['grade'])}"


def _promise_gaps(data: dict[str, Any]) -> list[tuple[float, str, float, float]]:
    """(gap hours, service, promised hours, observed median hours), largest gap first."""
    observed = data["response"]["observed"]
    if not observed["available"]:
        return []
    promised: dict[str, float] = {}
    for r in data["response"]["stated"]:
        if r.get("hours") is not None:
            promised[r["target_id"]] = min(promised.get(r["target_id"], float("inf")), float(r["hours"]))
    gaps = []
    for g in observed["groups"]:
        if g["channel"] != "all" or g["target"] not in promised or g.get("median_hours") is None:
            continue
        gaps.append((float(g["median_hours"]) - promised[g["target"]], g["service"], promised[g["target"]],
                     float(g["median_hours"])))
    gaps.sort(key=lambda x: (-x[0], x[1]))
    return [g for g in gaps if g[0] > 0]


def _channel_gaps(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Within one service, a channel whose reports were removed much faster than another's
    (share removed within 48 h differs by ≥ 0.3 and the log-rank test gives p < 0.05), largest first."""
    observed = data["response"]["observed"]
    if not observed["available"]:
        return []
    by_target: dict[str, list[dict[str, Any]]] = {}
    for g in observed["groups"]:
        if g["channel"] != "all" and g.get("within_48h") is not None:
            by_target.setdefault(g["target"], []).append(g)
    gaps = []
    for groups in by_target.values():
        fast = max(groups, key=lambda g: (g["within_48h"], str(g["channel"])))
        slow = min(groups, key=lambda g: (g["within_48h"], str(g["channel"])))
        p = fast.get("logrank_p")
        if fast is not slow and fast["within_48h"] - slow["within_48h"] >= 0.3 and p is not None and p < 0.05:
            gaps.append({"service": fast["service"], "fast": fast, "slow": slow, "p": p,
                         "diff": fast["within_48h"] - slow["within_48h"]})
    gaps.sort(key=lambda x: (-x["diff"], x["service"]))
    return gaps


def _channel_gap_line(gap: dict[str, Any]) -> str:
    def part(g: dict[str, Any]) -> str:
        median = f"median {fmt_hours(g['median_hours'])}" if g.get("median_hours") is not None else "median not reached"
        return (f"{md(g['channel'])} reports {round(100 * g['within_48h'])}% removed within 48 h "
                f"({md(median)}, n = {g['n']})")
    p = gap["p"]
    p_text = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
    return f"{md(gap['service'])}: {part(gap['fast'])}; {part(gap['slow'])} (log-rank {p_text})."


def _hop_text(h: dict[str, Any]) -> str:
    """One hop of an escalation chain: role, organisation, its registry score and channel."""
    role = h["role_label"] + (" (fronting)" if h["fronting"] else "")
    who = md(h["organisation"]) if h["organisation"] else "unknown" + (f" ({md(h['unknown'])})" if h.get("unknown") else "")
    extra = []
    sc = h.get("score")
    if h.get("target_id"):
        name = f"{md(h['target_name'])} " if h["target_name"] != h["organisation"] else ""
        extra.append(f"{name}{fmt_num(sc['score'])}/100, grade {md(sc['grade'])}" if sc and sc.get("score") is not None
                     else f"{name}not scored")
    if h.get("channel"):
        extra.append(f"channel {md(h['channel']['url'])}")
    if h.get("stated"):
        extra.append(f"states {md(fmt_hours(h['stated']['hours']))}")
    return f"{role} {who}" + (f" [{'; '.join(extra)}]" if extra else "")


def render_brief(data: dict[str, Any], generated_at) -> str:
    services = data["services"]
    total = len(services)
    versions = ", ".join(data["rubric_versions"]) or data["rubric"]["version"]
    kinds = ", ".join(f"{n} {md(k)}" for k, n in data["kinds"])
    lines = [
        f"# NCII platform-risk audit: summary of run {data['run_id']}",
        "",
        f"{total} online services ({kinds}) were audited on what their published policies say about "
        f"non-consensual intimate imagery (NCII), including AI deepfakes. Crawl run {data['run_id']} started "
        f"{fmt_time(data['run']['started_at'])} and finished {fmt_time(data['run']['finished_at'])}; "
        f"scored with rubric version {md(versions)}. Every finding below is backed by quotes in report.html.",
        "",
        "",
    ]
    if data.get("review"):
        lines[-1:] = ["", f"Review: {md(data['review']['text'])}"
                      + ("; built with --reviewed-only (findings without a review are pending, not scored)."
                         if data["review"]["reviewed_only"] else "."), ""]
    lines += ["## Top findings", ""]
    not_assessed = data.get("not_assessed", [])
    if not_assessed:
        why = ", ".join(f"{md(k)} {n}" for k, n in data.get("not_assessed_why", []))
        lines.append(f"- Not assessed: {len(not_assessed)} service{'s' if len(not_assessed) != 1 else ''} "
                     f"({why}): none of their policy documents could be fetched or read, so they have no grade "
                     f"and are left out of every count below: {_services_list(not_assessed)}.")
    if services:
        scores = [s["score"] or 0.0 for s in services]
        weak = [s for s in services if s["grade"] in ("D", "E", "F")]
        lines.append(f"- Median score {fmt_num(statistics.median(scores))}/100; {len(weak)} of {total} services "
                     f"are graded D or worse.")
    coverage = sorted((c for c in data["coverage"] if c["applicable"]),
                      key=lambda c: (c["met"] / c["applicable"], c["id"]))
    for c in coverage[:3]:
        lead = "Only " if c["met"] < c["applicable"] / 2 else ""
        lines.append(f"- {lead}{c['met']} of {c['applicable']} services meet “{md(c['title'])}”.")
    dead = [s for s in services if s["dead_channels"]]
    login = [s for s in services if s["login_channels"]]
    if dead:
        lines.append(f"- {len(dead)} service{'s' if len(dead) != 1 else ''} had a dead report channel: "
                     f"{_services_list(dead)}.")
    if login:
        lines.append(f"- {len(login)} service{'s' if len(login) != 1 else ''} put a report channel behind a login: "
                     f"{_services_list(login)}.")
    gaps = _promise_gaps(data)
    if gaps:
        g = gaps[0]
        lines.append(f"- Biggest gap between promise and practice: {md(g[1])} promises {md(fmt_hours(g[2]))} "
                     f"but the observed median is {md(fmt_hours(g[3]))}.")
    channel_gaps = _channel_gaps(data)
    if channel_gaps:
        lines.append("- Same service, different channel: " + _channel_gap_line(channel_gaps[0]))
    lines += ["", "## Best and worst", "", "Best:"]
    lines += [_line_for(s) for s in services[:3]]
    lines += ["", "Worst:"]
    lines += [_line_for(s) for s in list(reversed(services))[:3]]
    if not_assessed:
        lines += ["", "## Not assessed", ""]
        lines += [f"- {md(s['service'])} ({md(s['kind'])}): {md(s['reason'])}" for s in not_assessed]
    lines += ["", "## Report channels", ""]
    if dead or login:
        for s in services:
            for c in s["dead_channels"]:
                why = f"error {c['error']}" if c["error"] else (f"HTTP {c['status']}" if c["status"] else "no response")
                lines.append(f"- {md(s['service'])}: {md(c['channel_kind'] or 'channel')} {md(c['url'])} is dead "
                             f"({md(why)}).")
            for c in s["login_channels"]:
                lines.append(f"- {md(s['service'])}: {md(c['channel_kind'] or 'channel')} {md(c['url'])} requires "
                             "a login.")
    else:
        lines.append("- Every checked report channel answered without a login.")
    lines += ["", "## Element coverage", ""]
    for c in sorted(data["coverage"], key=lambda c: (c["met"] / c["applicable"] if c["applicable"] else 2, c["id"])):
        if c["applicable"]:
            lines.append(f"- {md(c['title'])}: {c['met']} of {c['applicable']}")
    if gaps:
        lines += ["", "## Promised versus observed response times", ""]
        for gap, service, promised, observed in gaps[:5]:
            lines.append(f"- {md(service)}: promises {md(fmt_hours(promised))}, observed median "
                         f"{md(fmt_hours(observed))} ({md(fmt_hours(gap))} slower).")
    if channel_gaps:
        lines += ["", "## Removal speed by reporting channel", ""]
        lines += ["- " + _channel_gap_line(g) for g in channel_gaps[:5]]
    if data.get("hosts"):
        lines += ["", "## Where hosts stand", "",
                  "Escalation chains of traced sites (who to ask, in order; see report.html for contacts and deadlines):", ""]
        for t in data["hosts"]:
            lines.append(f"- {md(t['host'])}: " + " → ".join(_hop_text(h) for h in t["hops"]) + ".")
    moved = sorted(data["changes"]["services"], key=lambda s: (-abs(s["change"]["delta"]), s["service"]))
    if moved:
        lines += ["", "## Changes since the previous run", ""]
        for s in moved[:5]:
            ch = s["change"]
            lines.append(f"- {md(s['service'])}: {fmt_num(ch['previous_score'])} → {fmt_num(s['score'])} "
                         f"({'+' if ch['delta'] > 0 else ''}{fmt_num(ch['delta'])}), "
                         f"{len(ch['flips'])} element{'s' if len(ch['flips']) != 1 else ''} changed.")
    lines += ["", "---", "", f"Source: riskaudit report, run {data['run_id']}, generated {fmt_time(generated_at)}. "
              "Quotes, URLs, fetch times and snapshot hashes for every element are in report.html; "
              "data in scores.csv, elements.csv, evidence.csv" + (", hosts.csv" if data.get("hosts") else "")
              + " and scores.json.", ""]
    return "\n".join(lines)
