"""`packager build`: every stage that exists, in order, redoing only what changed."""

from __future__ import annotations

import click

from ..cli import AppContext, pass_app
from ..errors import EXIT_INPUT
from .check import run_check
from .footage import make_sample_footage


@click.command("build")
@click.option("-j", "--jobs", type=click.IntRange(1, 16), default=2, show_default=True,
              help="Parallel jobs for the heavy stages.")
@pass_app
def command(app: AppContext, jobs: int) -> None:
    """Build the whole distribution: check → sample footage (sample projects) → the later stages.

    Stops at the first stage that fails, with its message; finished outputs are kept and reused by
    the next run. Ends with the path of what was made.
    """
    findings = run_check(app)
    if any(f.severity == "error" for f in findings):
        click.echo("build: stopped, the project has errors (see above)", err=True)
        raise click.exceptions.Exit(EXIT_INPUT)
    project = app.project
    made = project.root
    if project.is_sample:
        make_sample_footage(app, jobs)
        made = project.sample_footage_dir
    app.out.print(f"build: done → {made}")
