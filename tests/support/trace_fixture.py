"""Local DNS and RDAP servers for host-tracing tests (127.0.0.1 only, no network).

`trace_servers(zone, folder)` starts tests/support/dns_server.py answering from `zone` and
tests/support/rdap_server.py serving the fixtures in tests/fixtures/rdap/ (or `rdap_root`),
and writes IANA-shaped bootstrap files into `folder` that send the test addresses' look-ups to
the local RDAP registries. `trace_argv` builds a `riskaudit trace` command line against them.
Used by tests/test_trace.py and tests/test_report_hosts.py.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from tests.support.dns_server import LocalDns
from tests.support.rdap_server import FIXTURES, LocalRdap

TODAY = "2026-12-03"
# which local registry answers for what (the addresses in the tests look public, never contacted)
BOOTSTRAP = {
    "dns": {"example-registry": ["example"]},
    "ipv4": {"arin": ["104.0.0.0/8"], "ripe": ["95.0.0.0/8", "46.0.0.0/8"]},
    "ipv6": {"ripe": ["2a00::/12"]},
    "asn": {"arin": ["13312-18431"], "ripe": ["24577-25600", "196608-213403"]},
}


@contextmanager
def trace_servers(zone: dict, folder: Path, rdap_root: Path = FIXTURES):
    """{"dns": LocalDns, "rdap": LocalRdap, "bootstrap": folder} while the servers run."""
    with LocalDns(zone) as dns, LocalRdap(rdap_root) as rd:
        boot = rd.bootstrap_dir(folder, **BOOTSTRAP)
        yield {"dns": dns, "rdap": rd, "bootstrap": boot}


def trace_argv(servers: dict, db, *args, fmt: str = "json", allow_private: bool = True,
               today: str = TODAY) -> list[str]:
    argv = ["trace", *args, "--db", str(db), "--resolver", servers["dns"].address,
            "--rdap-bootstrap", str(servers["bootstrap"]), "--format", fmt, "--today", today, "--timeout", "5"]
    return argv + (["--allow-private"] if allow_private else [])
