"""The runtime formatter the render's programme line uses (moved from render.py to timecode.py)."""

from __future__ import annotations

import pytest

from packager.timecode import format_runtime


@pytest.mark.parametrize("seconds, text", [
    (0, "0 min 00 s"),
    (45.4, "0 min 45 s"),
    (59.6, "1 min 00 s"),
    (17 * 60 + 30, "17 min 30 s"),
    (3600, "1 h 00 min 00 s"),
    (3600 + 2 * 60 + 5, "1 h 02 min 05 s"),
])
def test_format_runtime_counts_hours_minutes_and_seconds(seconds, text):
    assert format_runtime(seconds) == text
