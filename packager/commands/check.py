"""`packager check`: validate the project without writing anything."""

from __future__ import annotations

import click

from ..cli import AppContext, pass_app
from ..errors import EXIT_INPUT, EXIT_OK
from ..project import Project
from ..validate import Finding, check_project


def run_check(app: AppContext) -> list[Finding]:
    """Load and check the project; print every finding. Returns the findings (errors and warnings)."""
    project, problems = Project.load_partial(app.project_dir)
    findings = [Finding.from_error(p) for p in problems]
    root = app.project_dir.resolve()
    if project is not None:  # go on with every module that loaded: one run reports everything
        findings += check_project(project, complete=not problems)
        if not problems:
            app.use_project(project)
    for finding in findings:
        colour = "red" if finding.severity == "error" else "yellow"
        click.secho(f"{finding.severity}: ", fg=colour, bold=True, err=True, nl=False)
        click.echo(finding.render(root), err=True)
    if app.verbose and project is not None:  # what packager understood of each footage file
        from ..video.footage_check import footage_shapes

        for name, shape in footage_shapes(project):
            click.echo(f"footage: {name}  {shape}", err=True)
    return findings


@click.command("check")
@pass_app
def command(app: AppContext) -> None:
    """Validate the project file, the module definitions and the files they name.

    Reports every problem at once, each naming the file, the line and field, and what to do.
    Warnings (such as a total runtime off its target) do not fail the check.
    Every footage file is probed (what it holds, whether it is whole); `-v` lists what was understood.
    Exit 0 when there is no error, 2 otherwise. Writes nothing but the probes' cache in .packager/.
    """
    findings = run_check(app)
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if errors:
        click.echo(f"check: {errors} error(s), {warnings} warning(s)", err=True)
        raise click.exceptions.Exit(EXIT_INPUT)
    project = app.project
    count = len(project.modules)
    click.echo(f"check: {count} module{'s' if count != 1 else ''} OK, {warnings} warning(s)")
    raise click.exceptions.Exit(EXIT_OK)
