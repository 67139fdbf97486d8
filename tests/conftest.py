"""Shared test settings.

Tests that need a system program (Chromium for the offline index, LibreOffice for PDFs) skip with a
reason when it is missing, so a developer's laptop still runs the rest. CI installs both and sets
PACKAGER_REQUIRE_SYSTEM_TOOLS=1: there a missing program is a failure, never a silent skip.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# Property tests: the default profile keeps CI's run of each under a minute; a deeper search is
#   python -m pytest tests/test_history_machine.py --hypothesis-profile=long
settings.register_profile("ci", max_examples=25, stateful_step_count=15, deadline=None, derandomize=False,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("long", max_examples=400, stateful_step_count=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("ci")  # --hypothesis-profile=NAME (hypothesis's pytest plugin) loads another after this

REQUIRE_TOOLS = os.environ.get("PACKAGER_REQUIRE_SYSTEM_TOOLS") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_TOOLS and report.skipped and "not installed" in str(report.longrepr):
        report.outcome = "failed"
        report.longrepr = f"PACKAGER_REQUIRE_SYSTEM_TOOLS=1 but the test was skipped: {report.longrepr}"
