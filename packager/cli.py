"""The `packager` command line: global options, one module per verb, one way of failing.

Every user-fixable problem is a PackagerError; `PackagerGroup.invoke` prints it (file, field or
line, what to do) and exits with its code, never a traceback. An unexpected exception is a bug:
one line and exit 3, the traceback with --verbose.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import click
from rich.console import Console

from . import __version__, interrupt
from .errors import EXIT_BUG, CheckFailed, PackagerError
from .project import Project


def _console(*, stderr: bool) -> Console:
    console = Console(stderr=stderr, highlight=False)
    if not console.is_terminal:
        console = Console(stderr=stderr, highlight=False, width=140)
    return console


@dataclass
class AppContext:
    """What every command receives: the project folder, verbosity, consoles, and the project, loaded once."""

    project_dir: Path
    verbose: bool = False
    # Tables are read in logs and CI too: give them room when stdout is not a terminal (rich says 80).
    out: Console = field(default_factory=lambda: _console(stderr=False))
    err: Console = field(default_factory=lambda: _console(stderr=True))
    _project: Project | None = None

    @property
    def project(self) -> Project:
        if self._project is None:
            self._project = Project.load(self.project_dir)
        return self._project

    def use_project(self, project: Project) -> None:
        """Keep a project already loaded and found complete (by `check`): no stage loads it again."""
        self._project = project


pass_app = click.make_pass_decorator(AppContext)


class PackagerGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            with interrupt.handling_sigint():
                return super().invoke(ctx)
        except PackagerError as exc:
            if interrupt.interrupted.is_set():  # a child killed by Ctrl-C: not the input's fault
                return self._interrupted(ctx)
            app = ctx.find_object(AppContext)
            _report_error(exc, app.project_dir if app else None)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            return self._interrupted(ctx)
        except Exception as exc:  # a bug in packager, not the user's mistake
            if interrupt.interrupted.is_set():
                return self._interrupted(ctx)
            app = ctx.find_object(AppContext)
            if app is not None and app.verbose:
                traceback.print_exc()
            click.echo(f"internal error: {type(exc).__name__}: {exc}", err=True)
            if app is None or not app.verbose:
                click.echo("this is a bug in packager; run again with --verbose for the traceback", err=True)
            ctx.exit(EXIT_BUG)

    @staticmethod
    def _interrupted(ctx: click.Context):
        interrupt.interrupted.set()
        interrupt.stop_children()
        click.echo("interrupted; finished outputs are kept, partial ones were removed", err=True)
        _exit_now_if_threads_linger(interrupt.EXIT_CODE)
        ctx.exit(interrupt.EXIT_CODE)


def _exit_now_if_threads_linger(code: int) -> None:
    """A thread still composing an image (moviepy cannot be interrupted) would hold the exit for seconds;
    its children are dead and its temporary files are never trusted (and swept later): exit now. Only
    as the `packager` program: a command run inside another one (a test runner) returns normally."""
    if _as_program and any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _report_error(exc: PackagerError, root: Path | None) -> None:
    problems = exc.problems if isinstance(exc, CheckFailed) else [exc]
    for problem in problems:
        path = problem.path
        if path is not None and root is not None:
            try:
                relative = path.resolve().relative_to(root.resolve())
                if relative.parts:  # the project folder itself is named in full, never as "."
                    problem.path = relative
            except (ValueError, OSError):  # outside the project, or the current folder is gone
                pass
        click.secho("error: ", fg="red", bold=True, err=True, nl=False)
        click.echo(problem.render(), err=True)


@click.group(cls=PackagerGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("-C", "--project", "project_dir", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default="the current folder", help="The project folder (holding packager.toml).")
@click.option("-v", "--verbose", is_flag=True, help="Show more detail, and a traceback for internal errors.")
@click.version_option(__version__, prog_name="packager")
@click.pass_context
def cli(ctx: click.Context, project_dir: Path, verbose: bool) -> None:
    """Build the bilingual distribution of a training programme from its sources.

    A project folder holds packager.toml, modules/ (one definition per module), subtitles/ and
    workbooks/. Built outputs go to dist/ and caches to .packager/.

    \b
    Start with:   packager check     (validate the project)
                  packager status    (the producer's dashboard)
                  packager build     (everything, redoing only what changed)

    \b
    Exit codes: 0 success · 1 a rule failed (e.g. qa --strict) · 2 bad or missing input
                3 internal error (a bug: rerun with --verbose) · 130 interrupted
    """
    ctx.obj = AppContext(project_dir=project_dir, verbose=verbose)


def _register() -> None:
    """Each module in packager/commands/ defines one verb as `command`."""
    import importlib
    import pkgutil

    from . import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        cli.add_command(importlib.import_module(f"{commands.__name__}.{info.name}").command)


_register()


_as_program = False  # set by main(): packager is the process, not a command called by another program


def main() -> None:
    global _as_program
    _as_program = True
    sys.exit(cli.main(prog_name="packager"))
