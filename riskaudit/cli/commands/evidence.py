"""`riskaudit evidence`: write a run's evidence as a WARC file (ISO 28500) with a SHA-256 manifest,
optionally packed as WACZ by the external `wacz` tool."""
from __future__ import annotations

import shutil
import subprocess

from riskaudit.cli.commands import add_command
from riskaudit.cli.options import add_db, add_run
from riskaudit.core.errors import UserError
from riskaudit.evidence import select_run
from riskaudit.evidence.warc import add_to_manifest, write_warc
from riskaudit.store import connect_for_reading

WACZ_HINT = "pip install wacz && wacz create -o {wacz} {warc}"


def pack_wacz(result: dict) -> str:
    """Pack the WARC as WACZ with py-wacz's `wacz` command (webrecorder), when it is on PATH."""
    warc = result["warc"]
    wacz = warc.with_name(warc.name.split(".warc")[0] + ".wacz")
    exe = shutil.which("wacz")
    if exe is None:
        raise UserError(f"WARC written to {warc}, but no WACZ: the `wacz` packer is not installed here; run "
                        f"`{WACZ_HINT.format(wacz=wacz, warc=warc)}`")
    proc = subprocess.run([exe, "create", "-o", str(wacz), str(warc)], capture_output=True, text=True)
    if proc.returncode != 0 or not wacz.is_file():
        tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
        raise UserError(f"WARC written to {warc}, but `wacz create` failed: {tail[0]}")
    add_to_manifest(result["manifest"], result["manifest_csv"], wacz)
    return str(wacz)


def run(args) -> int:
    con = connect_for_reading(args.db)
    try:
        run_id = select_run(con, args.run, args.target, args.db)
        result = write_warc(con, run_id, args.out, target_ids=args.target or None, db_label=str(args.db))
    finally:
        con.close()
    rec = result["records"]
    print(f"run {run_id}: wrote {result['warc']} ({sum(rec.values())} records: {rec.get('response', 0)} responses, "
          f"{rec.get('metadata', 0)} metadata incl. {result['findings']} findings and {result['media_refused']} "
          f"refused media, no media bodies); sha256 {result['sha256']}; manifest {result['manifest']}")
    if args.wacz:
        print(f"wacz: {pack_wacz(result)}")
    return 0


def register(subparsers) -> None:
    p = add_command(
        subparsers, "evidence",
        "Write a run's evidence as a WARC (request/response records from the stored snapshots and headers, "
        "findings and fetch outcomes as metadata, never media) with a SHA-256 manifest; `--wacz` packs it as WACZ.",
        ["riskaudit evidence --db audit.duckdb --out evidence/",
         "riskaudit evidence --db audit.duckdb --target chirply --run 3 --out chirply.warc.gz",
         "riskaudit verify-evidence evidence/evidence.warc.gz"],
        run)
    add_db(p)
    add_run(p, "the latest scored run")
    p.add_argument("--target", action="append", metavar="ID", help="only this target id (repeatable)")
    p.add_argument("--out", required=True, metavar="DIR|FILE.warc.gz",
                   help="a folder (evidence.warc.gz and evidence-manifest.json/.csv are written in it) or a .warc.gz file")
    p.add_argument("--wacz", action="store_true",
                   help="also pack the WARC as WACZ with the external `wacz` command (pip install wacz)")
