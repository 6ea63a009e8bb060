"""Crawler benchmark: the full `policies` pipeline (guards, extraction, DuckDB) against a bare
Scrapy spider that only downloads, on the same generated local site and the same settings.

    .venv/bin/python bench/bench_crawl.py [--pages 2000] [--rounds 2]

Serves N realistic policy pages (10-20 KB, nav/footer) from a separate asyncio server process
on 127.0.0.1, crawls them (20 targets x N/20 documents) with both spiders in child processes,
prints pages/s, the ratio full/bare and each child's peak RSS, and writes bench/results/crawl.json.
Throughput is measured over Scrapy's `elapsed_time_seconds` (spider open -> close, final DuckDB
flush included); process start-up is reported separately as wall time.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import write_result  # noqa: E402  (bench/ is on sys.path when run as a script)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SETTINGS = {  # identical for both spiders: throughput, not politeness, is measured here
    "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 32, "LOG_LEVEL": "WARNING", "ROBOTSTXT_OBEY": True,
    "DOWNLOAD_TIMEOUT": 30, "RETRY_TIMES": 2, "COOKIES_ENABLED": False, "TELNETCONSOLE_ENABLED": False,
}
N_TARGETS = 20


def make_pages(n: int) -> dict[str, bytes]:
    from tests.support.testsite import policy_page
    links = [("Terms", "/terms"), ("Community guidelines", "/guidelines"), ("Report abuse", "/report"),
             ("Privacy", "/privacy"), ("Cookies", "/cookies"), ("Careers", "/careers")]
    pages = {"/robots.txt": b"User-agent: *\nDisallow: /admin/\n"}
    for i in range(n):
        pages[f"/t{i % N_TARGETS}/policy-{i}"] = policy_page(
            f"Policy document {i}", seed=i, size_kb=10 + (i * 7) % 11, links=links).encode("utf-8")
    return pages


# -- server process ---------------------------------------------------------------------------
def serve(n: int, port_file: str) -> None:
    pages = make_pages(n)

    async def handle(reader, writer):
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                path = line.split()[1].decode("latin-1") if len(line.split()) > 1 else "/"
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass
                body = pages.get(path)
                status = b"200 OK" if body is not None else b"404 Not Found"
                body = body if body is not None else b"not found"
                ctype = b"text/plain" if path.endswith(".txt") else b"text/html; charset=utf-8"
                writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: " + ctype + b"\r\nContent-Length: "
                             + str(len(body)).encode() + b"\r\n\r\n" + body)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512)
        Path(port_file).write_text(str(server.sockets[0].getsockname()[1]))
        async with server:
            await server.serve_forever()

    asyncio.run(main())


# -- pipeline without extraction (bench only): measures the guards + DuckDB storage overhead --
class StoreOnlyPipeline:
    """DuckDBPipeline whose extractor is a no-op (title/text left empty)."""

    @classmethod
    def from_crawler(cls, crawler):
        from crawler.pipelines import DuckDBPipeline
        from riskaudit.extract import Extracted

        class _NoExtract:
            async def __call__(self, body, content_type, url):
                return Extracted(title=None, text="")

            def start(self):
                pass

            def close(self):
                pass

        pipe = DuckDBPipeline.from_crawler(crawler)
        pipe.extractor = _NoExtract()
        return pipe


# -- bare spider child ------------------------------------------------------------------------
def bare(urls_file: str, settings_json: str, result_file: str) -> None:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    urls = Path(urls_file).read_text().split()

    class Bare(scrapy.Spider):
        name = "bare"
        pages = 0

        async def start(self):
            for url in urls:
                yield scrapy.Request(url, callback=self.parse, dont_filter=True)

        def parse(self, response):
            Bare.pages += 1

    from riskaudit import USER_AGENT
    settings = dict(json.loads(settings_json), USER_AGENT=USER_AGENT)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(Bare)
    process.crawl(crawler)
    process.start()
    me = resource.getrusage(resource.RUSAGE_SELF)
    Path(result_file).write_text(json.dumps({
        "pages": Bare.pages, "elapsed": crawler.stats.get_value("elapsed_time_seconds"),
        "maxrss_kb": me.ru_maxrss, "cpu_s": me.ru_utime + me.ru_stime}))


# -- driver -----------------------------------------------------------------------------------
def run_bare(urls_file: Path, result: Path) -> dict:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--bare", str(urls_file), json.dumps(SETTINGS), str(result)],
                   check=True, cwd=ROOT)
    out = json.loads(result.read_text())
    out["wall"] = time.perf_counter() - t0
    return out


def run_full(registry: Path, db: Path, result: Path, extra: dict | None = None) -> dict:
    from crawler.runner import crawl_command
    from riskaudit import store
    if db.exists():
        db.unlink()
    cmd = crawl_command(registry, db, allow_private=True, settings=dict(SETTINGS, **(extra or {})), result_path=result)
    t0 = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "bench")]))
    subprocess.run(cmd, check=True, cwd=ROOT, env=env)
    wall = time.perf_counter() - t0
    out = json.loads(result.read_text())
    con = store.connect(db, read_only=True)
    docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    fetched = con.execute("SELECT count(*) FROM fetches WHERE status = 200 AND purpose = 'document'").fetchone()[0]
    con.close()
    return {"pages": fetched, "documents": docs, "elapsed": out["stats"]["elapsed_time_seconds"], "wall": wall,
            "maxrss_kb": out["maxrss_kb"], "extract_workers_maxrss_kb": out["children_maxrss_kb"],
            "cpu_s": out.get("cpu_s"), "extract_workers_cpu_s": out.get("children_cpu_s"),
            "db_bytes": db.stat().st_size}


def _ms(cpu_s, pages) -> float | None:
    return round(cpu_s * 1000 / pages, 2) if cpu_s is not None and pages else None


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]), sys.argv[3])
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "--bare":
        bare(sys.argv[2], sys.argv[3], sys.argv[4])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        tmp = Path(tmp)
        port_file = tmp / "port"
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(args.pages), str(port_file)], cwd=ROOT)
        try:
            for _ in range(600):
                if port_file.exists() and port_file.read_text():
                    break
                time.sleep(0.05)
            base = f"http://127.0.0.1:{port_file.read_text()}"
            paths = sorted(p for p in make_pages(args.pages) if p != "/robots.txt")
            page_bytes = sum(len(v) for k, v in make_pages(args.pages).items() if k != "/robots.txt")
            (tmp / "urls.txt").write_text("\n".join(base + p for p in paths))
            lines = ["targets:"]
            for t in range(N_TARGETS):
                lines += [f"  - id: target-{t}", f"    name: Target {t}", "    kind: social", "    documents:"]
                lines += [f"      - {{type: policy, url: '{base}{p}'}}" for p in paths if p.startswith(f"/t{t}/")]
            registry = tmp / "bench.yaml"
            registry.write_text("\n".join(lines) + "\n")

            bares, fulls, stores = [], [], []
            store_only = {"ITEM_PIPELINES": {"bench_crawl.StoreOnlyPipeline": 300}}
            for r in range(args.rounds):
                bares.append(run_bare(tmp / "urls.txt", tmp / f"bare{r}.json"))
                stores.append(run_full(registry, tmp / "bench.duckdb", tmp / f"store{r}.json", store_only))
                fulls.append(run_full(registry, tmp / "bench.duckdb", tmp / f"full{r}.json"))
        finally:
            server.terminate()
            server.wait()

    best_bare = max(bares, key=lambda b: b["pages"] / b["elapsed"])
    best_full = max(fulls, key=lambda f: f["pages"] / f["elapsed"])
    best_store = max(stores, key=lambda f: f["pages"] / f["elapsed"])
    store_ps = best_store["pages"] / best_store["elapsed"]
    bare_ps = best_bare["pages"] / best_bare["elapsed"]
    full_ps = best_full["pages"] / best_full["elapsed"]
    result = {
        "pages": args.pages, "avg_page_kb": round(page_bytes / args.pages / 1024, 1), "rounds": args.rounds,
        "cpu_count": os.cpu_count(), "settings": SETTINGS,
        "bare_pages_per_s": round(bare_ps, 1), "full_pages_per_s": round(full_ps, 1),
        "ratio_full_over_bare": round(full_ps / bare_ps, 3),
        "store_only_pages_per_s": round(store_ps, 1), "ratio_store_only_over_bare": round(store_ps / bare_ps, 3),
        "store_only_peak_rss_mb": round(best_store["maxrss_kb"] / 1024, 1),
        "bare_peak_rss_mb": round(best_bare["maxrss_kb"] / 1024, 1),
        "full_peak_rss_mb": round(best_full["maxrss_kb"] / 1024, 1),
        "full_extract_worker_peak_rss_mb": round(best_full["extract_workers_maxrss_kb"] / 1024, 1),
        "full_documents": best_full["documents"], "full_db_mb": round(best_full["db_bytes"] / 2**20, 1),
        # CPU per page, process start-up included: where the time goes (crawl process / extraction workers)
        "bare_cpu_ms_per_page": _ms(best_bare["cpu_s"], best_bare["pages"]),
        "full_cpu_ms_per_page": _ms(best_full["cpu_s"], best_full["pages"]),
        "full_extract_workers_cpu_ms_per_page": _ms(best_full["extract_workers_cpu_s"], best_full["pages"]),
        "store_only_cpu_ms_per_page": _ms(best_store["cpu_s"], best_store["pages"]),
        "bare_wall_s": round(best_bare["wall"], 2), "full_wall_s": round(best_full["wall"], 2),
        "all_rounds": {"bare": bares, "store_only": stores, "full": fulls},
    }
    print(f"pages: {args.pages} (avg {result['avg_page_kb']} KB), cores: {os.cpu_count()}")
    print(f"bare scrapy (download only): {bare_ps:8.1f} pages/s  peak RSS {result['bare_peak_rss_mb']} MB")
    print(f"full pipeline (+extract+DuckDB): {full_ps:8.1f} pages/s  peak RSS {result['full_peak_rss_mb']} MB "
          f"(+ extraction worker {result['full_extract_worker_peak_rss_mb']} MB)")
    print(f"pipeline without extraction (guards+DuckDB): {store_ps:8.1f} pages/s  peak RSS "
          f"{result['store_only_peak_rss_mb']} MB  ratio {result['ratio_store_only_over_bare']:.3f}")
    print(f"CPU per page (start-up included): bare {result['bare_cpu_ms_per_page']} ms; full: crawl process "
          f"{result['full_cpu_ms_per_page']} ms + extraction workers {result['full_extract_workers_cpu_ms_per_page']} ms; "
          f"without extraction {result['store_only_cpu_ms_per_page']} ms")
    print(f"ratio full/bare: {result['ratio_full_over_bare']:.3f}  documents stored: {best_full['documents']}")
    out = write_result("crawl", result)
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
