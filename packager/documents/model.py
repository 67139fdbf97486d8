"""What each document contains, computed from the project (no python-docx here).

- `passages`: a module's transcript as readable paragraphs, cues merged per speaker and section, with
  the French and Spanish text side by side and the time on the rendered video.
- `Reviewer`: whether a Spanish cue or document unit is still a draft (packager.review.states).
- `training_plan`: the session tables of the trainer guide and their minutes, checked against the
  project's training hours.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..config import ENTERPRISE_THEMES, Section, Speaker
from ..errors import PackagerError
from ..project import Module
from ..subtitles.cues import Cue, read_srt
from ..texts import Block

try:  # times on the rendered video = footage time + the opening card
    from ..video.cards import CARD_SECONDS
except ImportError:  # pragma: no cover - the video stage is not installed
    CARD_SECONDS = 4.0  # the opening card's length, as packager.video.cards defines it

DRAFT_STATES = ("draft", "needs-review")

KIND_LABELS = {
    "enterprise": ("Entreprise d'insertion", "Empresa de inserción"),
    "interview": ("Entrevue", "Entrevista"),
    "roundtable": ("Table ronde", "Mesa redonda"),
}


def kind_label(kind: str, lang: str) -> str:
    fr, es = KIND_LABELS.get(kind, (kind, kind))
    return fr if lang == "fr" else es


def theme_title(module: Module | None, theme: str, lang: str) -> str:
    """A theme's title: the module's own section title, else the programme's nine themes, else the key."""
    if module is not None:
        for section in module.definition.sections:
            if section.theme == theme:
                return section.title(lang)
    if theme in ENTERPRISE_THEMES:
        fr, es = ENTERPRISE_THEMES[theme]
        return fr if lang == "fr" else es
    return theme


# ---------------------------------------------------------------------------------------------- review


def states_path(target: Path) -> Path:
    """The review sidecar of a target file (`<file>.states.json`, packager.review.states)."""
    return target.with_name(target.name + ".states.json")


class Reviewer:
    """Review states of one target file. Without packager.review, nothing is marked."""

    def __init__(self, target: Path | None):
        self._file = None
        self._effective = None
        if target is None:
            return
        try:
            from ..review.states import StateFile, effective_state
        except ImportError:
            return
        self._file = StateFile.load(target)
        self._effective = effective_state

    def state(self, key: str, source_text: str, target_text: str) -> str | None:
        if self._file is None:
            return None
        return self._effective(self._file.units.get(key), source_text, target_text)

    def is_draft(self, key: str, source_text: str, target_text: str) -> bool:
        return self.state(key, source_text, target_text) in DRAFT_STATES


# ---------------------------------------------------------------------------------------------- transcript


@dataclass
class Passage:
    """Consecutive cues of one speaker in one section: one row of the transcript table."""

    start: float  # on the rendered video (footage time + opening card)
    end: float
    speaker: Speaker | None
    section: Section | None
    fr: list[str] = field(default_factory=list)
    es: list[str] = field(default_factory=list)
    cues: list[int] = field(default_factory=list)
    draft: bool = False
    missing: bool = False  # a cue has no Spanish text

    @property
    def text_fr(self) -> str:
        return " ".join(t for t in self.fr if t)

    @property
    def text_es(self) -> str:
        return " ".join(t for t in self.es if t)


@dataclass
class Transcript:
    passages: list[Passage]
    source_missing: bool = False
    target_missing: bool = False
    drafts: int = 0


def transcript(module: Module) -> Transcript:
    """The module's transcript as passages; cues are paired fr/es by number (the files are aligned)."""
    project = module.project
    src, dst = project.source_language, project.target_language
    source_path, target_path = module.subtitle_path(src), module.subtitle_path(dst)
    if not source_path.is_file():
        return Transcript([], source_missing=True, target_missing=not target_path.is_file())
    source = read_srt(source_path)
    target: list[Cue] = read_srt(target_path) if target_path.is_file() else []
    reviewer = Reviewer(target_path if target else None)
    passages: list[Passage] = []
    drafts = 0
    for i, cue in enumerate(source):
        other = target[i] if i < len(target) else None
        speaker = module.speaker_at(cue.start)
        section = module.section_at(cue.start)
        draft = other is not None and reviewer.is_draft(str(cue.index), cue.text, other.text)
        drafts += draft
        last = passages[-1] if passages else None
        if last is None or last.speaker != speaker or last.section != section:
            last = Passage(cue.start + CARD_SECONDS, cue.end + CARD_SECONDS, speaker, section)
            passages.append(last)
        last.end = cue.end + CARD_SECONDS
        last.fr.append(cue.plain_text)
        last.es.append(other.plain_text if other is not None else "")
        last.cues.append(cue.index)
        last.draft |= draft
        last.missing |= other is None or not other.plain_text
    return Transcript(passages, target_missing=not target, drafts=drafts)


def outline(module: Module) -> list[tuple[str, str, str, float | None]]:
    """(theme, title fr, title es, time on the rendered video) — the nine themes for an enterprise."""
    if module.kind == "enterprise":
        starts = {s.theme: s.start for s in module.definition.sections}
        return [(theme, fr, es, starts[theme] + CARD_SECONDS if theme in starts else None)
                for theme, (fr, es) in ENTERPRISE_THEMES.items()]
    return [(s.theme, s.title_fr, s.title_es, s.start + CARD_SECONDS)
            for s in sorted(module.definition.sections, key=lambda s: s.start)]


def viewing_minutes(module: Module) -> int:
    """The module's viewing time in planned minutes (the sample maps footage seconds to minutes)."""
    return max(1, math.ceil(module.footage_seconds / module.project.time_scale - 1e-6))


# ---------------------------------------------------------------------------------------------- plan

_MINUTES_HEADER = re.compile(r"^\s*(minutes?|minutos?|min\.?)\s*$", re.IGNORECASE)


@dataclass
class PlanSession:
    title: str
    minutes: int
    rows: list[list[str]]
    line: int


def training_plan(blocks: list[Block], path: Path, expected_minutes: int) -> list[PlanSession]:
    """The guide's session tables (a table with a Minutes column, titled by the heading above it).

    Raises PackagerError naming the file when a minutes cell is not a number or when the plan does not
    add up to the project's training hours.
    """
    sessions: list[PlanSession] = []
    heading = ""
    for block in blocks:
        if block.kind == "heading":
            heading = block.text
            continue
        if block.kind != "table":
            continue
        column = next((c for c, h in enumerate(block.rows[0]) if _MINUTES_HEADER.match(h)), None)
        if column is None:
            continue
        total = 0
        for r, row in enumerate(block.rows[1:], start=1):
            value = row[column].strip()
            if not re.fullmatch(r"\d+", value):
                raise PackagerError(f"the minutes cell {value!r} is not a whole number", path=path,
                                    where=f"line {block.line + r + 1}, table under {heading!r}",
                                    hint="write the minutes as a plain number, e.g. 20")
            total += int(value)
        sessions.append(PlanSession(heading, total, block.rows, block.line))
    total = sum(s.minutes for s in sessions)
    if not sessions:
        raise PackagerError("the trainer guide has no session plan (a table with a Minutes column)", path=path,
                            hint="add one table per session: | Activité | Module | Minutes |")
    if total != expected_minutes:
        detail = ", ".join(f"{s.title or 'table at line ' + str(s.line)}: {s.minutes}" for s in sessions)
        raise PackagerError(
            f"the session plan adds up to {total} minutes, not {expected_minutes} "
            f"({expected_minutes / 60:g} h of training) — {detail}", path=path,
            hint=f"adjust the Minutes cells by {expected_minutes - total:+d} in total, "
                 "or change [training] hours in packager.toml")
    return sessions
