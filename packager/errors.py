"""The one exception type the CLI turns into a clean message and an exit code."""

from __future__ import annotations

from pathlib import Path

# Exit codes that mean something (documented in the README).
EXIT_OK = 0
EXIT_FAILURE = 1  # a rule failed (QA --strict, verify mismatch): the input is readable but not good
EXIT_INPUT = 2  # the user's input is wrong or missing: fix the named file and run again
EXIT_BUG = 3  # an unexpected error inside packager (shown with a traceback under --verbose)


class PackagerError(Exception):
    """A problem the user can fix. The message names the file (and field, line or cue) and what to do."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, *, path: Path | str | None = None, where: str | None = None,
                 hint: str | None = None, exit_code: int | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.where = where
        self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code
        super().__init__(self.render())

    def render(self) -> str:
        location = ""
        if self.path is not None:
            location = str(self.path)
            if self.where:
                location += f", {self.where}"
            location += ": "
        elif self.where:
            location = f"{self.where}: "
        text = f"{location}{self.message}"
        if self.hint:
            text += f"\n  → {self.hint}"
        return text


class CheckFailed(PackagerError):
    """Several input problems found at once (validation reports them all, not just the first)."""

    def __init__(self, problems: list[PackagerError], *, exit_code: int = EXIT_INPUT):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) found", exit_code=exit_code)

    def render(self) -> str:  # pragma: no cover - trivial
        return "\n".join(p.render() for p in self.problems)
