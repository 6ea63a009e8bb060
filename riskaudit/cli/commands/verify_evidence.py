"""`riskaudit verify-evidence`: re-check the digests of an evidence WARC and every finding's quote."""
from __future__ import annotations

from riskaudit.cli.commands import add_command
from riskaudit.evidence.verify import verify


def run(args) -> int:
    r = verify(args.file)
    print(f"{args.file}: ok ({r['records']} records, {r['responses']} responses; digests match; "
          f"{r['quotes_checked']}/{r['findings']} finding quotes found in their response text"
          + (f"; manifest {r['manifest']} matches" if r["manifest"] else "") + ")")
    return 0


def register(subparsers) -> None:
    p = add_command(
        subparsers, "verify-evidence",
        "Verify an evidence WARC: record digests, stored-snapshot hashes, no media, each finding's quote in the "
        "text extracted from its response record, and the manifest; exit 2 with one line on the first problem.",
        ["riskaudit verify-evidence evidence/evidence.warc.gz"],
        run)
    p.add_argument("file", metavar="FILE", help="the .warc.gz (or .warc) file")
