"""Child-process entry point of `run_crawl`: one Scrapy crawl per process (Twisted's reactor
cannot be restarted), result written as JSON to `--result FILE`.

    python -m crawler.run --registry FILE --db FILE [--allow-private] [--target ID ...]
                          [--settings JSON] --result FILE
"""
from __future__ import annotations

import argparse
import json
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.run")
    parser.add_argument("--registry", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--allow-private", action="store_true")
    parser.add_argument("--target", action="append")
    parser.add_argument("--settings", default="{}")
    parser.add_argument("--result", required=True)
    args = parser.parse_args(argv)

    def write(result: dict) -> None:
        with open(args.result, "w", encoding="utf-8") as fh:
            json.dump(result, fh)

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from riskaudit.core.errors import UserError
    try:
        from scrapy.crawler import CrawlerProcess
        from scrapy.utils.project import get_project_settings

        from crawler.extraction import kill_all_workers
        from crawler.spiders.policies import PoliciesSpider

        class _Process(CrawlerProcess):
            # SIGTERM/SIGINT: extraction workers die at once (a graceful stop would otherwise
            # wait for their pages; a forced one would orphan them), then Scrapy's shutdown.
            def _signal_shutdown(self, signum, frame):
                kill_all_workers()
                super()._signal_shutdown(signum, frame)

            def _signal_kill(self, signum, frame):
                kill_all_workers()
                super()._signal_kill(signum, frame)

        settings = get_project_settings()
        settings.setdict(json.loads(args.settings), priority="cmdline")
        process = _Process(settings)
        crawler = process.create_crawler(PoliciesSpider)
        process.crawl(crawler, registry=args.registry, db=args.db, allow_private=args.allow_private,
                      targets=args.target)
        process.start()
    except UserError as exc:
        write({"error": str(exc)})
        return 2
    spider = crawler.spider
    if spider is not None and getattr(spider, "frontier_worker", None) is not None:
        reason = crawler.stats.get_value("finish_reason")
        if getattr(spider, "write_error", None):
            write({"error": spider.write_error, "finish_reason": reason})
            return 2
        write({"worker": spider.frontier_worker.id, "finish_reason": reason, "stats": {
            k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, (int, float, str))}})
        return 0 if reason == "finished" else 1
    run_id = getattr(spider, "run_id", None) if spider else None
    if run_id is None:
        fatal = getattr(spider, "fatal_error", None)
        if fatal:
            write({"error": fatal})
            return 2
        write({"error": "the crawl did not start (see the log above)"})
        return 1
    if getattr(spider, "write_error", None):     # a full disk...: the run is failed, say why in one line
        write({"error": f"{spider.write_error}; run {run_id} is not usable (marked failed when the database "
                        "could still be written); free space and crawl again", "run_id": run_id})
        return 2
    import resource

    from crawler.extraction import stop_fork_server
    stop_fork_server()          # the pools are shut down: reap the fork server (CPU accounting below)
    reason = crawler.stats.get_value("finish_reason")
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    write({"run_id": run_id, "finish_reason": reason,
           "maxrss_kb": me.ru_maxrss, "children_maxrss_kb": children.ru_maxrss,
           "cpu_s": me.ru_utime + me.ru_stime, "children_cpu_s": children.ru_utime + children.ru_stime,
           "stats": {
        k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, (int, float, str))}})
    return 0 if reason == "finished" else 1


if __name__ == "__main__":
    sys.exit(main())
