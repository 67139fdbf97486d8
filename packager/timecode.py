"""Timecodes as they appear in project files: "HH:MM:SS", "HH:MM:SS.mmm" (or ",mmm") or plain seconds."""

from __future__ import annotations

import re

_TIMECODE = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:[.,]\d{1,3})?)$")
_SECONDS = re.compile(r"^\d+(?:[.,]\d+)?$")


def parse_timecode(value: object) -> float:
    """Seconds from a timecode string or a number. Raises ValueError with a message a user can act on."""
    if isinstance(value, bool):
        raise ValueError("expected a timecode like \"00:01:30\" or a number of seconds")
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError("a time cannot be negative")
        return float(value)
    if isinstance(value, str):
        if _SECONDS.match(value.strip()):  # "33.74": seconds, quoted
            return float(value.strip().replace(",", "."))
        match = _TIMECODE.match(value.strip())
        if match:
            hours, minutes, seconds = match.groups()
            if int(minutes) >= 60 or float(seconds.replace(",", ".")) >= 60:
                raise ValueError(f"{value!r} has minutes or seconds of 60 or more")
            return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds.replace(",", "."))
    raise ValueError(f"{value!r} is not a timecode: write \"HH:MM:SS\" or \"HH:MM:SS.mmm\" (e.g. \"00:01:30.500\"), "
                     "or a number of seconds")


def format_timecode(seconds: float, *, millis: bool = False) -> str:
    """00:12:41 (or 00:12:41.250 with millis) for display in reports, workbooks and chapters."""
    total_ms = round(seconds * 1000)
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    text = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{text}.{ms:03d}" if millis else text


def srt_timecode(seconds: float) -> str:
    """00:12:41,250: the SRT form, also used wherever a translator or editor is shown a cue's time."""
    return format_timecode(seconds, millis=True).replace(".", ",")


def format_minutes(seconds: float) -> str:
    """A human duration: "17 min 30 s", "45 s"."""
    seconds = round(seconds)
    minutes, secs = divmod(seconds, 60)
    if minutes and secs:
        return f"{minutes} min {secs:02d} s"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s"


def format_runtime(seconds: float) -> str:
    """A runtime to the second, hours when there are any: "1 h 02 min 05 s", "17 min 30 s", "0 min 45 s"."""
    seconds = round(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h} h {m:02d} min {s:02d} s" if h else f"{m} min {s:02d} s"
