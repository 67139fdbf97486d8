"""The one clock of review records: ISO 8601 UTC to the second ("2026-12-06T01:59:21Z")."""

from __future__ import annotations

from datetime import datetime, timezone


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
