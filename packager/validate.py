"""`packager check`'s rules across files: the plan, the outline, the edit list, durations, files.

Schema errors (types, unknown keys) are found while loading (`Project.load`); this module checks what
only makes sense once every file has loaded. Findings are errors (exit 2) or warnings (reported only).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .config import ENTERPRISE_THEMES, PROJECT3_PLAN, PROJECT_FILE, read_toml, where_in
from .errors import CheckFailed, PackagerError
from .project import WORKBOOKS_DIR, Module, Project
from .timecode import format_minutes, format_timecode
from .video.footage_check import footage_findings


@dataclass(frozen=True)
class Finding:
    severity: Literal["error", "warning"]
    message: str
    path: Path | None = None
    where: str | None = None
    hint: str | None = None

    @classmethod
    def from_error(cls, error: PackagerError) -> Finding:
        return cls("error", error.message, error.path, error.where, error.hint)

    def render(self, root: Path | None = None) -> str:
        path = self.path
        if path is not None and root is not None:
            try:
                path = path.relative_to(root)
            except ValueError:
                pass
        return PackagerError(self.message, path=path, where=self.where, hint=self.hint).render()


def check_project(project: Project, *, complete: bool = True) -> list[Finding]:
    """Every cross-file finding, errors first within each file, in programme order.

    `complete=False` when some module files did not load (their schema errors are reported apart):
    the rules about the whole set of modules (the plan, the total runtime) are then left out, since
    they would only repeat the missing modules."""
    findings: list[Finding] = []
    if complete:
        findings += _check_plan(project)
    for module in project.modules:
        outside = _paths_outside(project, module)
        findings += outside
        findings += _check_module(project, module)
        if not outside:  # never read (nor quote) a file outside the project
            findings += _check_module_texts(project, module)
            findings += [Finding(severity, e.message, e.path, e.where, e.hint)
                         for severity, e in footage_findings(project, module)]  # probed (video/footage_check.py)
    findings += _check_workbook_files(project)
    if complete:
        findings += _check_runtime(project)
    findings += _check_sample_setting(project)
    return findings


def has_real_footage(project: Project, module: Module) -> bool:
    """Every clip the module's edit list names is in the project folder: footage someone put there, not
    the sample's generated stand-in (which lives under .packager/)."""
    edits = module.definition.edits
    return bool(edits) and all((project.root / edit.source).is_file() for edit in edits)


def _seconds_per_minute(project: Project, module: Module) -> float:
    """Real footage is measured in real minutes, even in a project still marked as a sample."""
    return 60.0 if has_real_footage(project, module) else project.time_scale


def _check_sample_setting(project: Project) -> list[Finding]:
    if not project.is_sample:
        return []
    real = [m for m in project.modules if has_real_footage(project, m)]
    if not real:
        return []
    names = ", ".join(sorted({e.source for m in real for e in m.definition.edits}))
    path = project.root / PROJECT_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        text = ""
    return [Finding("warning", f"real footage found ({names}) while the project is marked as a sample "
                    "(stand-in footage is generated for missing clips)", path, where_in(text, ("sample", "enabled")),
                    "set `enabled = false` under [sample] in packager.toml")]


def _check_plan(project: Project) -> list[Finding]:
    out: list[Finding] = []
    for attr, label in (("id", "id"), ("order", "order")):
        counts = Counter(getattr(m, attr) for m in project.modules)
        for value, n in counts.items():
            if n > 1:
                files = ", ".join(m.path.name for m in project.modules if getattr(m, attr) == value)
                out.append(Finding("error", f"{n} modules share the {label} {value!r} ({files})",
                                   project.root / "modules", hint=f"give each module its own {label}"))
    if project.config.programme.plan == "project3":
        kinds = Counter(m.kind for m in project.modules)
        if dict(kinds) != PROJECT3_PLAN:
            have = ", ".join(f"{kinds.get(k, 0)} {k}" for k in PROJECT3_PLAN)
            want = ", ".join(f"{n} {k}" for k, n in PROJECT3_PLAN.items())
            out.append(Finding(
                "error", f"the modules are not Project 3's nine: found {have}; the plan is {want}",
                project.root / PROJECT_FILE, "field programme.plan",
                "add or fix the modules' kind, or set programme.plan = \"free\" for another programme"))
    return out


def _check_module(project: Project, module: Module) -> list[Finding]:
    out: list[Finding] = []
    d = module.definition
    duration = d.footage_seconds

    for i, edit in enumerate(d.edits):
        if edit.out <= edit.in_:
            out.append(Finding(
                "error", f"edit point runs backwards: out {format_timecode(edit.out, millis=True)} is not after "
                f"in {format_timecode(edit.in_, millis=True)}", module.path, module.where("edits", i, "out"),
                "swap the two points or fix the out point"))
        footage = module.footage_path(edit)
        if not footage.exists():
            if project.is_sample:
                continue  # generated on demand (`packager footage`, or `build`)
            out.append(Finding("error", f"footage file not found: {edit.source}", module.path,
                               module.where("edits", i, "source"),
                               "copy the footage there or fix the path (relative to the project folder)"))

    low, high = d.planned_minutes
    if low > high:
        out.append(Finding("error", f"planned_minutes [{low:g}, {high:g}] is not a window (minimum above maximum)",
                           module.path, module.where("planned_minutes"), "write [minimum, maximum]"))
    elif duration > 0:
        tolerance = project.config.checks.duration_tolerance
        scale = _seconds_per_minute(project, module)
        minutes = duration / scale
        if not low * (1 - tolerance) - 1e-9 <= minutes <= high * (1 + tolerance) + 1e-9:
            scale_note = (f" (sample footage: {duration:g} s at {scale:g} s per planned minute)"
                          if scale != 60 else "")
            out.append(Finding(
                "error", f"the edit list runs {minutes:.1f} min{scale_note}, outside the planned "
                f"{module.planned_window} min (±{tolerance:.0%})", module.path, module.where("edits"),
                "shorten or lengthen the edit list, or change planned_minutes"))

    # Outline: strictly increasing, inside the footage; enterprises follow the seed's nine themes.
    sections = d.sections
    for i in range(1, len(sections)):
        previous, current = sections[i - 1], sections[i]
        if current.start < previous.start:
            out.append(Finding(
                "error", f"section {current.theme!r} starts at {format_timecode(current.start, millis=True)}, before "
                f"the previous section {previous.theme!r} ({format_timecode(previous.start, millis=True)})",
                module.path, module.where("sections", i, "start"), "list the sections in the order they play"))
        elif current.start == previous.start:
            out.append(Finding(
                "error", f"sections {previous.theme!r} and {current.theme!r} both start at "
                f"{format_timecode(current.start, millis=True)}", module.path, module.where("sections", i, "start"),
                "give each section its own start time"))
    for i, section in enumerate(sections):
        if duration > 0 and section.start >= duration:
            out.append(Finding(
                "error", f"section {section.theme!r} starts at {format_timecode(section.start, millis=True)}, after the "
                f"end of the footage ({format_timecode(duration, millis=True)})", module.path,
                module.where("sections", i, "start"), "move it inside the edit list's duration"))
    if project.config.programme.plan == "project3" and d.kind == "enterprise":
        themes = [s.theme for s in sections]
        expected = list(ENTERPRISE_THEMES)
        if themes != expected:
            missing = [t for t in expected if t not in themes]
            extra = [t for t in themes if t not in expected]
            detail = []
            if missing:
                detail.append("missing " + ", ".join(missing))
            if extra:
                detail.append("unknown " + ", ".join(extra))
            if not detail:
                detail.append("not in the seed's order")
            out.append(Finding(
                "error", "an enterprise module follows the nine comparable themes of Project 3 in order: "
                + "; ".join(detail), module.path, module.where("sections"),
                "use the themes " + ", ".join(expected)))

    # Speakers.
    ids = Counter(s.id for s in d.speakers)
    for i, speaker in enumerate(d.speakers):
        if ids[speaker.id] > 1:
            out.append(Finding("error", f"speaker id {speaker.id!r} is used twice", module.path,
                               module.where("speakers", i, "id"), "give each speaker its own id"))
        if duration > 0 and speaker.first_appearance >= duration:
            out.append(Finding(
                "error", f"speaker {speaker.id!r} first appears at {format_timecode(speaker.first_appearance)}, "
                f"after the end of the footage ({format_timecode(duration, millis=True)})", module.path,
                module.where("speakers", i, "first_appearance"), "fix the time"))

    # Source files the module names.
    for lang in project.languages:
        srt = module.subtitle_path(lang)
        if not srt.is_file():
            if lang == project.source_language:
                out.append(Finding("error", f"transcript not found: {srt.relative_to(project.root)}",
                                   module.path, module.where("subtitles"),
                                   "add the source-language SRT or fix the path"))
            else:
                out.append(Finding("warning", f"no {lang} subtitles yet ({srt.relative_to(project.root)})",
                                   module.path, hint="run `packager translate` to make drafts"))
    questions = module.questions_path(project.source_language)
    if questions is not None and not questions.is_file():
        out.append(Finding("error", f"questions file not found: {module.definition.questions}", module.path,
                           module.where("questions"), "add the file or fix the path"))
    return out


def check_module_files(project: Project, module: Module) -> list[Finding]:
    """The module's files as `check` reads them: paths inside the project, then transcripts and
    questions that read (what `render` needs before it starts; it checks the footage itself)."""
    outside = _paths_outside(project, module)
    return outside or _check_module_texts(project, module)


def _paths_outside(project: Project, module: Module) -> list[Finding]:
    """A module's subtitles, questions or footage path that resolves outside the project folder
    (`../x.srt`, an absolute path, a symlink pointing out) is refused; its contents are never read."""
    root = project.root.resolve()
    named = [("subtitles", module.definition.subtitles, module.where("subtitles"))]
    if module.definition.questions is not None:
        named.append(("questions", module.definition.questions, module.where("questions")))
    named += [("footage", edit.source, module.where("edits", i, "source"))
              for i, edit in enumerate(module.definition.edits)]
    out = []
    for what, value, where in named:
        resolved = (project.root / value).resolve()
        if resolved != root and root not in resolved.parents:
            out.append(Finding("error", f"the {what} path {str(value)!r} leads outside the project folder",
                               module.path, where, "keep the file inside the project and name it relative to "
                               "the project folder (no \"..\", no absolute path, no link pointing out)"))
    return out


def _check_module_texts(project: Project, module: Module) -> list[Finding]:
    """The module's subtitles and questions read as the later stages will read them, so a broken file
    is found here rather than halfway through a build."""
    from .subtitles.cues import read_srt

    out: list[Finding] = []
    for lang in project.languages:
        srt = module.subtitle_path(lang)
        if not srt.is_file():
            continue  # reported by _check_module
        try:
            cues = read_srt(srt)
        except PackagerError as exc:
            out.append(Finding.from_error(exc))
            continue
        if not cues and lang == project.source_language:
            out.append(Finding("error", "the transcript has no cues", srt, hint="write the transcript as SRT cues "
                               "(number, timing line, text, blank line)"))
    for lang in project.languages:
        questions = module.questions_path(lang)
        if questions is not None and questions.is_file():
            out += _check_questions(questions)
    return out


def _check_questions(path: Path) -> list[Finding]:
    try:
        data, text = read_toml(path)
    except PackagerError as exc:
        return [Finding.from_error(exc)]
    entries = data.get("question", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        return [Finding("error", "questions are [[question]] tables", path, hint="see `packager init` for the form")]
    out = []
    for i, entry in enumerate(entries):
        if not str(entry.get("text", "")).strip():
            out.append(Finding("error", f"question {i + 1} has no text", path, where_in(text, ("question", i, "text")),
                               "write the question as text = \"…\""))
    return out


def _check_workbook_files(project: Project) -> list[Finding]:
    """The glossary and the workbooks' TOML texts parse (the Markdown ones always do)."""
    from .glossary import load_glossary

    out: list[Finding] = []
    try:
        load_glossary(project)
    except CheckFailed as exc:
        out += [Finding.from_error(p) for p in exc.problems]
    except PackagerError as exc:
        out.append(Finding.from_error(exc))
    for lang in project.languages:
        path = project.root / WORKBOOKS_DIR / lang / "synthesis.toml"
        if path.is_file():
            try:
                read_toml(path)
            except PackagerError as exc:
                out.append(Finding.from_error(exc))
    return out


def _check_runtime(project: Project) -> list[Finding]:
    """The total against the target runtime. The seed's own minimums (6×15 + 10 + 10 + 20 = 130 min)
    exceed its announced 120 min: that is reported, not hidden."""
    out: list[Finding] = []
    target = project.config.programme.target_runtime_minutes
    planned_min = sum(m.definition.planned_minutes[0] for m in project.modules)
    planned_max = sum(m.definition.planned_minutes[1] for m in project.modules)
    where = "field programme.target_runtime_minutes"
    path = project.root / PROJECT_FILE
    if planned_min > target:
        out.append(Finding(
            "warning", f"the modules' planned minimums add up to {planned_min:g} min, over the target runtime of "
            f"{target:g} min", path, where,
            "shorten some modules below their planned minimum, or announce a longer programme"))
    elif planned_max < target:
        out.append(Finding("warning", f"the modules' planned maximums add up to {planned_max:g} min, under the "
                           f"target runtime of {target:g} min", path, where))
    actual = sum(m.footage_seconds / _seconds_per_minute(project, m) for m in project.modules) * 60
    tolerance = project.config.checks.duration_tolerance
    if abs(actual - target * 60) > target * 60 * tolerance:
        sample = any(_seconds_per_minute(project, m) != 60 for m in project.modules)
        note = " (scaled from the sample footage)" if sample else ""
        out.append(Finding("warning", f"the edit lists add up to {format_minutes(actual)}{note}, against the "
                           f"target runtime of {target:g} min", path, where,
                           "lengthen or shorten the edit lists, or change target_runtime_minutes"))
    return out
