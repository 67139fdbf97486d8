"""What `review history`, `review conflicts`, `review resolve` and `review restore` do.

Everything reads the unit history (history.py). A change these commands make is written the way
every other writer does: the history first (the version brought back, and the settling of the
conflict or orphan it answers), then the target file, then its review states.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PackagerError
from . import history
from .states import StateFile, notice_person_texts, target_texts, text_hash

if TYPE_CHECKING:
    from ..project import Module, Project

TAKES = ("home", "returned", "edit")


@dataclass
class Target:
    """One translated file: a module's target subtitles or a workbook text; or a module's source
    transcript (`transcript`: its cues are recorded against no source text)."""

    name: str  # module id or document id ("booklet", "questions/entreprise-a")
    path: Path
    document: object = None  # texts.TextDocument for workbook texts
    transcript: bool = False

    @property
    def is_subtitles(self) -> bool:
        return self.document is None

    @property
    def label(self) -> str:
        """How the file is named in lists: a transcript's module with "(transcript)" after it."""
        return f"{self.name} (transcript)" if self.transcript else self.name

    def unit_word(self, key: str) -> str:
        return f"cue {key}" if self.is_subtitles else key

    def source_texts(self, project: Project) -> dict[str, str]:
        if self.transcript:
            return {}
        if self.is_subtitles:
            return target_texts(project.module(self.name).subtitle_path(project.source_language))
        return {u.key: u.text for u in self.document.units}

    def write(self, key: str, text: str) -> None:
        from ..atomic import write_text
        from ..subtitles.cues import format_srt, read_srt
        from ..texts import read_units, write_target

        if self.is_subtitles:
            cues = read_srt(self.path)
            write_text(self.path, format_srt([c.with_text(text) if n == int(key) else c
                                              for n, c in enumerate(cues, start=1)]))
        else:
            texts = read_units(self.path)
            texts[key] = text
            write_target(self.document, texts)


def targets(project: Project) -> list[Target]:
    """Every translated file of the project, modules first (in programme order)."""
    from ..texts import project_documents

    out = [Target(m.id, m.subtitle_path(project.target_language)) for m in project.modules]
    out += [Target(d.doc_id, d.target_path, d) for d in project_documents(project)]
    return out


def transcript_target(project: Project, module: Module) -> Target:
    """A module's source-language transcript (French for the sample)."""
    return Target(module.id, module.subtitle_path(project.source_language), transcript=True)


def find_target(project: Project, name: str, *, source: bool = False) -> Target:
    """The file `name` names; with `source`, the module's source-language transcript."""
    if source:
        return transcript_target(project, project.module(name))
    for target in targets(project):
        if target.name == name:
            return target
    names = ", ".join(t.name for t in targets(project))
    raise PackagerError(f"no module or workbook text {name!r}", hint=f"name one of: {names}")


def unit_key(target: Target, cue: str) -> str:
    """The unit key a --cue option names, checked against the file now."""
    texts = target_texts(target.path)
    if cue not in texts:
        what = f"cues 1–{len(texts)}" if target.is_subtitles else "its unit keys (see `review history`)"
        raise PackagerError(f"{target.name} has no {target.unit_word(cue)}", path=target.path,
                            hint=f"name one of {what}")
    return cue


def _take_text(project: Project, target: Target, key: str, text: str, *, origin: str, who: str,
               settles: list[history.Record], take: str) -> None:
    """Put `text` on a unit as a person's (edited) text, history first; settle `settles` last, so
    that a run killed on the way leaves them pending and running the command again completes it."""
    current = target_texts(target.path).get(key, "")
    source = target.source_texts(project).get(key, "")
    states = StateFile.load(target.path)
    pending = history.Pending(target.path)
    pending.version(key, text, state="edited", who=history.PERSON, origin=origin, by=who,
                    source_hash=text_hash(source))
    pending.flush()
    if text_hash(current) != text_hash(text) or current != text:
        target.write(key, text)
    states.record(key, "edited", source, text, who=who)
    states.save()
    for record in settles:
        pending.add(history.Record("settled", key, who=history.PERSON, by=who, origin=origin, settles=record.n,
                                   take=take))
    pending.flush()


def restore(project: Project, name: str, cue: str, version: int, *, who: str, source: bool = False) -> history.Record:
    """Bring back version `version` of the file's history onto unit `cue` (as the person's text);
    `source`: of the module's source transcript."""
    target = find_target(project, name, source=source)
    records = history.read(target.path)
    record = next((r for r in records if r.n == version and r.event in ("version", "orphan", "conflict")), None)
    if record is None:
        raise PackagerError(f"{name} has no version {version} to restore", path=history.history_path(target.path),
                            hint=f"see the versions with `packager review history {name}`")
    key = unit_key(target, cue)
    notice_person_texts(target.path)  # the text replaced, and any other edit made by hand, kept first
    settles = [r for r in history.pending(records, "orphan") if r.n == record.n]
    settles += [r for r in history.pending(records, "conflict") if r.key == key]
    _take_text(project, target, key, record.text, origin="restore", who=who, settles=settles, take="restore")
    return record


def resolve(project: Project, name: str, cue: str, take: str, *, text: str | None, who: str,
            source: bool = False) -> int:
    """Settle the pending conflicts of one unit: keep the home text, take the returned one, or a
    new text. Returns how many conflicts were settled. `source`: of the module's source transcript."""
    if take not in TAKES:
        raise PackagerError(f"unknown choice {take!r}", hint=f"use one of: {', '.join(TAKES)}")
    target = find_target(project, name, source=source)
    key = unit_key(target, cue)
    records = history.read(target.path)
    open_ = [r for r in history.pending(records, "conflict") if r.key == key]
    if not open_:
        raise PackagerError(f"{name} {target.unit_word(key)} has no pending conflict",
                            hint="see them with `packager review conflicts`")
    if take == "edit" and not (text and text.strip()):
        raise PackagerError("--take edit needs the new text", hint='pass it: --text "…"')
    if take != "edit" and text is not None:
        raise PackagerError("--text goes with --take edit only", hint="drop --text, or use --take edit")
    notice_person_texts(target.path)  # the text replaced, and any other edit made by hand, kept first
    if take == "home":
        pending = history.Pending(target.path, records)
        for record in open_:
            pending.add(history.Record("settled", key, who=history.PERSON, by=who, origin="resolve",
                                       settles=record.n, take="home"))
        pending.flush()
        return len(open_)
    chosen = open_[-1].text if take == "returned" else text
    _take_text(project, target, key, chosen, origin="resolve", who=who, settles=open_, take=take)
    return len(open_)


def pending_items(project: Project, event: str) -> list[tuple[Target, history.Record]]:
    """Every pending conflict (or orphan) of the project, file by file: the translated files, then the
    modules' source transcripts."""
    out = []
    transcripts = [transcript_target(project, m) for m in project.modules]
    for target in targets(project) + transcripts:
        for record in history.pending(history.read(target.path), event):
            out.append((target, record))
    return out

