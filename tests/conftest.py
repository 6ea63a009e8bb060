"""Shared test configuration: the `slow` tier.

Tiers: `make test-fast` runs `-m "not slow"` (unit tests, about a minute here); `make test` and
CI run everything. A module is slow when it starts crawls, browsers, the demo or git histories;
such modules set `pytestmark = pytest.mark.slow`. Helpers and local servers live in tests/support/.
"""
from __future__ import annotations


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: starts crawls, browsers, the demo or git histories (make test-fast skips them)")
