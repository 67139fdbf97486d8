"""Commands that make something from the sources stop where `packager check` would, with its message.

`translate` refuses every error `check` finds (drafts made from a broken transcript would only bury a
person's text); `render` refuses the errors `check` finds in the files of the modules it renders
(a path leading out of the project, an empty or unreadable transcript: ffmpeg's own message would
help no one; render checks the footage itself). Nothing is written when they stop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import CheckFailed, PackagerError

if TYPE_CHECKING:
    from .project import Module, Project


DONE = {"translate": "translated", "render": "rendered"}


def refuse_what_check_refuses(project: Project, verb: str, modules: list[Module] | None = None) -> None:
    """Raise check's errors (all of them, or those of `modules`' files) with a last line saying what
    stopped."""
    from .validate import check_module_files, check_project

    findings = check_project(project) if modules is None else [f for m in modules
                                                                 for f in check_module_files(project, m)]
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise CheckFailed([PackagerError(f.message, path=f.path, where=f.where, hint=f.hint) for f in errors]
                          + [PackagerError(f"nothing was {DONE.get(verb, verb)}: `packager check` refuses "
                                           "this project", hint=f"fix the problems above, then run `packager {verb}` "
                                                                "again")])
