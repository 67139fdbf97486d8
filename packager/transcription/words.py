"""The timed word every transcription step shares."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Word:
    """One spoken word on the module's footage timeline (seconds), with who says it when known."""

    text: str
    start: float
    end: float
    speaker: str | None = None
