"""The domain model every command shares: a project, its modules, and where their files live.

A project is loaded once (`Project.load`), validated (`packager.validate`), and then passed to the
stages; no stage re-reads the TOML files.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .config import (PROJECT_FILE, Edit, ModuleDefinition, ProjectConfig, Section, Speaker, find_line, read_toml,
                     validate_data, where_in)
from .errors import CheckFailed, PackagerError

MODULES_DIR = "modules"
SUBTITLES_DIR = "subtitles"
WORKBOOKS_DIR = "workbooks"
DIST_DIR = "dist"
CACHE_DIR = ".packager"


@dataclass(frozen=True)
class Module:
    """One module definition with the file it came from and the project it belongs to."""

    definition: ModuleDefinition
    path: Path
    project: Project = field(repr=False, compare=False)
    text: str = field(default="", repr=False, compare=False)  # the file's text, to point messages at lines

    def line_of(self, *loc: str | int) -> int | None:
        return find_line(self.text, loc)

    def where(self, *loc: str | int) -> str:
        """ "line 12, field edits[0].source": where a field is in the module file, for messages."""
        return where_in(self.text, loc)

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def order(self) -> int:
        return self.definition.order

    @property
    def kind(self) -> str:
        return self.definition.kind

    def title(self, lang: str) -> str:
        return self.definition.title(lang)

    @property
    def footage_seconds(self) -> float:
        """Length of the edited footage (the edit list), before cards are added."""
        return self.definition.footage_seconds

    def subtitle_path(self, lang: str) -> Path:
        """subtitles/<lang>/<id>.srt; the source language's file is the one the definition names."""
        if lang == self.project.source_language:
            return self.project.root / self.definition.subtitles
        return self.project.root / SUBTITLES_DIR / lang / f"{self.id}.srt"

    def questions_path(self, lang: str) -> Path | None:
        if self.definition.questions is None:
            return None
        source = self.project.root / self.definition.questions
        if lang == self.project.source_language:
            return source
        return self.project.root / WORKBOOKS_DIR / lang / "questions" / source.name

    def footage_path(self, edit: Edit) -> Path:
        return self.project.footage_path(edit.source)

    @property
    def planned_window(self) -> str:
        """The planned duration in minutes as people write it: "15–20", or "10" when fixed."""
        low, high = self.definition.planned_minutes
        return f"{low:g}" if low == high else f"{low:g}–{high:g}"

    def speaker_at(self, seconds: float) -> Speaker | None:
        """Who speaks at a time: the last speaker whose first appearance is at or before it."""
        return _last_started(self.definition.speakers, lambda s: s.first_appearance, seconds)

    def section_at(self, seconds: float) -> Section | None:
        """The outline section a time falls in: the last one starting at or before it."""
        return _last_started(self.definition.sections, lambda s: s.start, seconds)


def _last_started(items, start_of, seconds: float):
    current = None
    for item in sorted(items, key=start_of):
        if start_of(item) <= seconds + 1e-6:
            current = item
    return current


@dataclass
class Project:
    root: Path
    config: ProjectConfig
    modules: list[Module] = field(default_factory=list)

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(cls, root: Path) -> Project:
        """Load and schema-validate the project file and every module file.

        Raises CheckFailed listing every file's schema problems at once (a user fixes them in one go).
        Cross-file rules (plan, durations, missing files) are `packager.validate`'s job.
        """
        project, problems = cls.load_partial(root)
        if problems:
            raise CheckFailed(problems)
        return project

    @classmethod
    def load_partial(cls, root: Path) -> tuple[Project | None, list[PackagerError]]:
        """Like `load`, but returns what did load with the problems: the project holding every module
        that validated (None when the project file itself does not), so `check` can go on to report
        the other modules' problems in the same run."""
        given = Path(root)
        root = given.resolve()
        if not root.is_dir():
            raise PackagerError("no such folder", path=given.absolute(),
                                hint="check the folder given with -C/--project")
        project_file = root / PROJECT_FILE
        if not project_file.is_file():
            raise PackagerError(
                f"no {PROJECT_FILE} here: this folder is not a packager project", path=root,
                hint="run packager inside a project folder, pass -C DIR, or create one with `packager init DIR`")
        problems: list[PackagerError] = []
        config = None
        try:
            data, text = read_toml(project_file)
            config = validate_data(data, ProjectConfig, path=project_file, text=text)
        except CheckFailed as exc:
            problems.extend(exc.problems)
        except PackagerError as exc:
            problems.append(exc)
        project = cls(root=root, config=config)  # type: ignore[arg-type]
        module_dir = root / MODULES_DIR
        files = sorted(module_dir.glob("*.toml")) if module_dir.is_dir() else []
        if not files:
            problems.append(PackagerError("no module definitions found", path=module_dir,
                                          hint="add one TOML file per module in modules/"))
        for path in files:
            try:
                data, text = read_toml(path)
                definition = validate_data(data, ModuleDefinition, path=path, text=text)
            except CheckFailed as exc:
                problems.extend(exc.problems)
                continue
            except PackagerError as exc:
                problems.append(exc)
                continue
            project.modules.append(Module(definition=definition, path=path, project=project, text=text))
        project.modules.sort(key=lambda m: (m.order, m.id))
        return (project if config is not None else None), problems

    # ------------------------------------------------------------------ settings

    @property
    def source_language(self) -> str:
        return self.config.programme.source_language

    @property
    def target_language(self) -> str:
        return self.config.programme.target_language

    @property
    def languages(self) -> tuple[str, str]:
        return (self.source_language, self.target_language)

    @property
    def is_sample(self) -> bool:
        return self.config.sample.enabled

    @property
    def time_scale(self) -> float:
        """Seconds of footage per planned minute: 60 for a real project, the sample's factor otherwise."""
        return self.config.sample.seconds_per_minute if self.is_sample else 60.0

    def module(self, module_id: str) -> Module:
        for module in self.modules:
            if module.id == module_id:
                return module
        known = [m.id for m in self.modules]
        close = difflib.get_close_matches(module_id, known, n=1)
        did_you_mean = f"did you mean {close[0]!r}? " if close else ""
        raise PackagerError(f"no module {module_id!r} in this project",
                            hint=f"{did_you_mean}modules are: {', '.join(known)}")

    def select(self, ids: tuple[str, ...] | list[str]) -> list[Module]:
        """The modules named on a command line (all of them when none is named), in programme order."""
        if not ids:
            return list(self.modules)
        wanted = {self.module(i).id for i in ids}  # self.module() names unknown ids
        return [m for m in self.modules if m.id in wanted]  # programme order, as loaded

    # ------------------------------------------------------------------ paths

    @cached_property
    def dist_dir(self) -> Path:
        return self.root / DIST_DIR

    @cached_property
    def cache_dir(self) -> Path:
        return self.root / CACHE_DIR

    @property
    def sample_footage_dir(self) -> Path:
        return self.cache_dir / "sample-footage"

    def footage_path(self, source: str) -> Path:
        """The footage file an edit names; for a sample project lacking it, the generated one in the cache."""
        real = self.root / source
        if real.exists() or not self.is_sample:
            return real
        return self.sample_footage_dir / source

    def missing_footage(self) -> list[tuple[Module, Edit]]:
        return [(m, e) for m in self.modules for e in m.definition.edits if not m.footage_path(e).exists()]
