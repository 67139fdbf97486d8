"""One module's transcription: what may be filled, what a person wrote (kept), the SRT and its states.

The French transcript (the file the module definition names) gets review states like the Spanish:
a sidecar `<file>.states.json` (packager/review/states.py) keyed by cue number, recorded against
an empty source (the speech has no text). Machine cues are `draft`; a cue whose text a person
changed reads as `edited` (its hash differs), and `review approve --source` approves them. A
transcript with no sidecar was typed by a person: every cue of it is theirs.

Re-running only fills what is still the machine's: a module with no transcript is transcribed
whole; otherwise only the stretches between a person's cues (edited, approved, needs-review) that
hold draft cues are transcribed again, and a person's cues are copied unchanged, with their states,
to their new numbers. The SRT and its sidecar are written under temporary names and renamed
together, Ctrl-C held off for those two renames, so an interrupted run leaves the old pair.

The transcript has a unit history like the Spanish (review/history.py), written and fsynced first:
a person's text the file holds and the history lacks (an edit noticed), then every version this
run writes (drafts as the machine's, typed words as a person's). The SRT is renamed before its
sidecar, so a kill between the two leaves new cues the history knows, and `StateFile.load` takes
their states from it: a machine draft is never mistaken for a person's text.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import interrupt
from ..atomic import temp_path_for
from ..errors import PackagerError
from ..project import Module, Project
from ..review import history
from ..review.approve import approve_unit
from ..review.states import StateFile, UnitState, effective_state, notice_person_texts, sidecar_path, text_hash
from ..subtitles.cues import Cue, format_srt, read_srt
from .align import align_typed
from .audio import edit_points, read_span, timeline_spans
from .cues import CueRules, DraftCue, build_cues
from .words import Word

MACHINE = "packager transcribe"


@dataclass
class ModulePlan:
    module: Module
    path: Path
    cues: list[Cue]  # the transcript now
    kept: list[tuple[int, Cue]]  # a person's cues, with their numbers now
    windows: list[tuple[float, float]]  # the module's timeline still to fill (empty: nothing to do)

    @property
    def has_transcript(self) -> bool:
        return bool(self.cues)


@dataclass
class ModuleResult:
    module_id: str
    drafted: int = 0
    kept: int = 0
    too_fast: int = 0  # cues the speech rate forces over max_cps or under min_duration
    audio_seconds: float = 0.0
    seconds: float = 0.0
    skipped: str | None = None  # why nothing was done
    unplaced: list[str] = field(default_factory=list)  # typed words not heard, with neighbours' times
    speakers: dict[str, int] = field(default_factory=dict)

    @property
    def real_time_factor(self) -> float:
        return self.seconds / self.audio_seconds if self.audio_seconds else 0.0


def transcript_states(module: Module) -> tuple[list[Cue], StateFile | None, list[str]]:
    """The transcript's cues, its sidecar (None when there is none: a person typed it) and each
    cue's state now."""
    path = module.subtitle_path(module.project.source_language)
    if not path.is_file():
        return [], None, []
    cues = read_srt(path)
    states = StateFile.load(path)  # takes from the history what a kill kept out of the sidecar
    if not states.path.is_file() and not history.history_path(path).is_file():
        return cues, None, ["edited"] * len(cues)
    return cues, states, [effective_state(states.units.get(str(n)), "", c.text) for n, c in enumerate(cues, 1)]


def plan_module(project: Project, module: Module, rules: CueRules) -> ModulePlan:
    path = module.subtitle_path(project.source_language)
    cues, _, states = transcript_states(module)
    total = module.footage_seconds
    if not cues:
        return ModulePlan(module, path, [], [], [(0.0, total)])
    kept = [(n, c) for n, (c, s) in enumerate(zip(cues, states), start=1) if s != "draft"]
    windows: list[tuple[float, float]] = []
    lo, has_draft = 0.0, False
    for cue, state in zip(cues, states):
        if state == "draft":
            has_draft = True
            continue
        if has_draft:
            windows.append((lo, cue.start - rules.min_gap))
        lo, has_draft = cue.end + rules.min_gap, False
    if has_draft:
        windows.append((lo, total))
    return ModulePlan(module, path, cues, kept, [(a, b) for a, b in windows if b > a])


def transcribe_module(project: Project, module: Module, recognise: Callable[..., list[Word]], rules: CueRules, *,
                      typed_text: str | None = None, typed_name: str = "", when: str,
                      on_audio: Callable[[float, float], None] | None = None) -> ModuleResult:
    """Transcribe what is still to fill in one module and write its SRT and states.

    `recognise(audio)` returns the timed words of 16 kHz samples (a `Recogniser.words`);
    `on_audio(done, total)` reports the seconds of sound transcribed so far.
    """
    started = time.perf_counter()
    plan = plan_module(project, module, rules)
    result = ModuleResult(module.id, kept=len(plan.kept))
    if typed_text is not None and plan.kept:
        raise PackagerError(f"{module.id} already has {len(plan.kept)} cue(s) written or checked by a person; "
                            f"--text would have to replace them", path=plan.path,
                            hint="move the transcript away first (its states file too), then run again")
    if not plan.windows:
        if plan.cues and sidecar_path(plan.path).is_file():
            notice_person_texts(plan.path)  # the edits a person made since, kept in the history
        result.skipped = "a person's transcript (no draft cue left to redo)"
        return result
    heard: list[Word] = []
    spans = timeline_spans(module, plan.windows)
    total_audio = sum(s.duration for s in spans)
    done = 0.0
    for span in spans:
        audio = read_span(span)
        for w in recognise(audio):
            start = min(span.end, span.start + w.start)
            heard.append(Word(w.text, start, min(span.end, max(start, span.start + w.end))))
        done += span.duration
        if on_audio is not None:
            on_audio(done, total_audio)
    result.audio_seconds = total_audio
    words = heard
    if typed_text is not None:
        alignment = align_typed(typed_text, heard)
        words = alignment.words
        result.unplaced = alignment.report()
    words = [_with_speaker(module, w) for w in words]
    barriers = edit_points(module) + [s.start for s in module.definition.sections]
    drafts: list[DraftCue] = []
    for lo, hi in plan.windows:
        inside = [w for w in words if lo <= (w.start + w.end) / 2 < hi]
        drafts += build_cues(inside, rules, barriers=barriers, window=(lo, hi))
    result.drafted = len(drafts)
    result.too_fast = sum(1 for d in drafts if d.too_fast)
    for d in drafts:
        if d.speaker:
            result.speakers[d.speaker] = result.speakers.get(d.speaker, 0) + 1
    _write(plan, drafts, typed_name=typed_name if typed_text is not None else None, when=when)
    result.seconds = time.perf_counter() - started
    return result


def _with_speaker(module: Module, word: Word) -> Word:
    speaker = module.speaker_at(word.start)
    return Word(word.text, word.start, word.end, speaker.id if speaker else None)


def _write(plan: ModulePlan, drafts: list[DraftCue], *, typed_name: str | None, when: str) -> None:
    notice_person_texts(plan.path)  # before anything is written: a person's edit is in the history
    old_states = StateFile.load(plan.path)
    merged: list[tuple[float, str, object]] = [(c.start, "kept", (n, c)) for n, c in plan.kept]
    merged += [(d.start, "draft", d) for d in drafts]
    merged.sort(key=lambda item: item[0])
    cues: list[Cue] = []
    states = StateFile(target_path=plan.path)
    pending = history.Pending(plan.path)
    for number, (_, kind, item) in enumerate(merged, start=1):
        key = str(number)
        if kind == "kept":
            old_number, cue = item
            cues.append(Cue(index=number, start=cue.start, end=cue.end, text=cue.text))
            entry = old_states.units.get(str(old_number))
            if entry is not None and entry.target_hash == text_hash(cue.text):
                states.units[key] = entry
            else:  # typed or changed by a person since (no entry, or a stale one): theirs, edited
                states.units[key] = UnitState("edited", text_hash(""), text_hash(cue.text),
                                              machine=entry.machine if entry else None, when=when,
                                              comment=entry.comment if entry else None)
            continue
        draft: DraftCue = item
        cues.append(Cue(index=number, start=draft.start, end=draft.end, text=draft.text))
        if typed_name is None:
            states.record(key, "draft", "", draft.text, who=MACHINE, when=when, machine=draft.text)
        else:  # the typed words are a person's: only the timing is the machine's
            entry = states.record(key, "edited", "", draft.text, who=f"{MACHINE} --text {typed_name}", when=when)
            pending.version(key, draft.text, state="edited", who=history.PERSON, origin="typed transcript",
                            by=entry.who, when=when, source_hash=entry.source_hash)
    history.record_run(pending, states.units, {str(n): c.text for n, c in enumerate(cues, start=1)}, by=MACHINE,
                       origin="transcribe", when=when)
    pending.flush()  # the history first (fsynced), then the files
    srt_tmp, states_tmp = temp_path_for(plan.path), temp_path_for(states.path)
    try:
        srt_tmp.write_text(format_srt(cues), encoding="utf-8")
        states_tmp.write_text(states.to_text(), encoding="utf-8")
        # Both files are complete: rename them one after the other with Ctrl-C held off, so that an
        # interrupted run leaves the old pair or the new pair, never a transcript with foreign states.
        # The SRT goes first: after a kill between the two, its cues are the history's last versions.
        with interrupt.held():
            os.replace(srt_tmp, plan.path)
            os.replace(states_tmp, states.path)
    finally:
        for tmp in (srt_tmp, states_tmp):
            tmp.unlink(missing_ok=True)



def transcript_cell(module: Module) -> str:
    """The French transcript's review for `status`, beside its cue count: "" when there is none or a
    person typed it (no states), else "40% approved · 12 draft · 3 edited"."""
    try:
        cues, states, per_cue = transcript_states(module)
    except PackagerError:
        return ""
    if not cues or states is None:
        return ""
    counts: dict[str, int] = {}
    for state in per_cue:
        counts[state] = counts.get(state, 0) + 1
    rest = [f"{counts[s]} {s}" for s in ("draft", "edited", "needs-review") if counts.get(s)]
    return " · ".join([f"{counts.get('approved', 0) * 100 // len(cues)}% approved"] + rest)


def draft_count(module: Module) -> int:
    """How many of the module's transcript cues are still a machine draft."""
    try:
        _, states, per_cue = transcript_states(module)
    except PackagerError:
        return 0
    return per_cue.count("draft") if states is not None else 0


def approve_transcript(project: Project, module: Module, wanted: set[int] | None, *, who: str, when: str) -> int:
    """Approve the transcript's cues (all, or those numbered); returns how many changed."""
    path = module.subtitle_path(project.source_language)
    if not path.is_file():
        raise PackagerError(f"module {module.id!r} has no {project.source_language} transcript", path=path,
                            hint="make one with `packager transcribe` or type it")
    cues = read_srt(path)
    unknown = sorted(n for n in (wanted or ()) if not 1 <= n <= len(cues))
    if unknown:
        raise PackagerError(f"no cue {', '.join(map(str, unknown))} in {module.id} (it has {len(cues)})",
                            path=path, hint=f"name cues from 1 to {len(cues)}")
    notice_person_texts(path)
    states = StateFile.load(path)
    pending = history.Pending(path)
    changed = sum(approve_unit(states, str(n), "", cue.text, who=who, when=when, pending=pending)
                  for n, cue in enumerate(cues, start=1) if not wanted or n in wanted)
    pending.flush()
    states.save()
    return changed
