"""What subtitle QA found, and its CSV: the report `packager qa` prints, `status` counts and `--csv` writes.

A check returns `Hit`s (a rule broken on a cue, before it knows its module or file); the run
(qa.py) places each in its module, language and file as a `QAFinding`, and gathers them in a
`QAReport`. The CSV keeps Subtitle Edit's Netflix report columns so a subtitler reads it in the tool
they know. Kept apart from the rules so the checks, the CLI and the dashboard share one model.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import write_text
from ..errors import PackagerError
from ..timecode import srt_timecode
from .cues import Cue

ERROR, WARNING = "error", "warning"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1}


@dataclass(frozen=True)
class Hit:
    """A rule broken on a cue (or at a time, for a cue that is missing); severity None: the rule's."""
    cue: Cue | None
    rule: str
    message: str
    severity: str | None = None
    start: float | None = None


@dataclass(frozen=True)
class QAFinding:
    module_id: str
    lang: str
    cue: int | None
    line: int | None  # line of the cue's timing in its file
    start: float | None
    rule: str
    severity: str
    message: str
    text: str = ""  # the cue's text, the CSV's context column
    path: Path | None = None


@dataclass
class QAReport:
    findings: list[QAFinding] = field(default_factory=list)
    module_ids: list[str] = field(default_factory=list)
    read_errors: list[PackagerError] = field(default_factory=list)

    @property
    def errors(self) -> list[QAFinding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[QAFinding]:
        return [f for f in self.findings if f.severity == WARNING]

    def count_for(self, module_id: str, severity: str) -> int:
        return sum(1 for f in self.findings if f.module_id == module_id and f.severity == severity)

    def for_module(self, module_id: str) -> list[QAFinding]:
        return sorted((f for f in self.findings if f.module_id == module_id), key=_finding_key)

    def by_module(self) -> list[tuple[str, list[QAFinding]]]:
        """Modules with findings, worst first (most errors, then most warnings, then programme order)."""
        order = {m: i for i, m in enumerate(self.module_ids)}
        ids = sorted({f.module_id for f in self.findings},
                     key=lambda m: (-self.count_for(m, ERROR), -self.count_for(m, WARNING), order.get(m, 999), m))
        return [(m, self.for_module(m)) for m in ids]

    def clean_modules(self) -> list[str]:
        dirty = {f.module_id for f in self.findings}
        return [m for m in self.module_ids if m not in dirty]


def _finding_key(f: QAFinding) -> tuple:
    return (SEVERITY_ORDER.get(f.severity, 9), f.lang, f.cue if f.cue is not None else -1, f.start or 0.0, f.rule)


# ---------------------------------------------------------------------------------------------- CSV

CSV_COLUMNS = ["LineNumber", "TimeCode", "Context", "Comment", "Module", "Language", "Severity", "Rule"]


def report_csv(report: QAReport) -> str:
    """The findings as Subtitle Edit's Netflix quality report writes them (LineNumber = cue number,
    TimeCode = its start, Context = its text, Comment = the message), then module, language,
    severity and rule."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for module_id, findings in report.by_module():
        for f in findings:
            writer.writerow([
                f.cue if f.cue is not None else "",
                srt_timecode(f.start) if f.start is not None else "",
                f.text.replace("\n", "\\n"),
                f.message,
                f.module_id, f.lang, f.severity, f.rule,
            ])
    return buffer.getvalue()


def write_report_csv(report: QAReport, path: Path | str) -> None:
    # UTF-8 with a BOM, as Subtitle Edit writes it: spreadsheets then read the accents right.
    write_text(path, "\ufeff" + report_csv(report))
