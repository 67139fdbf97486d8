"""Commands that make something from the sources stop where `packager check` would, with its message.

`translate` refuses every error `check` finds (drafts made from a broken transcript would only bury a
person's text); `render` refuses the errors of the modules it renders (ffmpeg's own message about a
missing or foreign file helps no one). Nothing is written when they stop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import CheckFailed, PackagerError

if TYPE_CHECKING:
    from .project import Module, Project


def _module_files(project: Project, module: Module) -> set:
    files = {module.path, module.subtitle_path(project.source_language), module.subtitle_path(project.target_language)}
    files.update(p for p in (module.questions_path(project.source_language),) if p is not None)
    files.update(module.footage_path(e) for e in module.definition.edits)
    return files


def refuse_what_check_refuses(project: Project, command: str, modules: list[Module] | None = None) -> None:
    """Raise check's errors (all, or those of `modules`' files) with a last line saying what stopped."""
    from .validate import check_project

    errors = [f for f in check_project(project) if f.severity == "error"]
    if modules is not None:
        files = set().union(*(_module_files(project, m) for m in modules)) if modules else set()
        errors = [f for f in errors if f.path in files]
    if errors:
        raise CheckFailed([PackagerError(f.message, path=f.path, where=f.where, hint=f.hint) for f in errors]
                          + [PackagerError(f"nothing was {command}: `packager check` refuses this project",
                                           hint=f"fix the problems above, then run `packager {command.split()[0]}` "
                                                "again")])
