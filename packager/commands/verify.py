"""`packager verify PATH`: check a copy of a bundle against its SHA256SUMS."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import AppContext
from ..errors import EXIT_FAILURE, EXIT_OK


@click.command("verify")
@click.argument("path", type=click.Path(path_type=Path))
@click.pass_obj
def command(app: AppContext, path: Path) -> None:
    """Check every file of a bundle copy against its SHA256SUMS.

    PATH is a bundle folder, a mounted disc or USB stick, or an .iso image (read directly, nothing
    is mounted); on a stick whose only bundle sits in a folder, that folder is checked. Lists
    missing, extra and corrupt files by name. Run it on every copy you burn. A folder that holds several
    bundles is not guessed at: the message names them, pass one.
    Exit 0 when every file matches, 1 when one does not, 2 when PATH is not a bundle.
    Does not need a project folder.
    """
    from ..bundle.verify import verify

    report = verify(path)
    # The report goes to stdout, so `packager verify X > report.txt` keeps it; only a PATH that cannot be
    # checked (not a bundle, unreadable) is an error message, on stderr.
    if report.path != path:
        click.echo(f"verify: checking the bundle in {report.path}")
    for label, names in (("missing", report.missing), ("corrupt", report.corrupt), ("extra", report.extra)):
        for name in names:
            click.secho(f"{label}: ", fg="red", bold=True, nl=False)
            click.echo(name)
    if report.ok:
        # The count `bundle` prints when it writes the folder: the files SHA256SUMS lists.
        click.echo(f"verify: {report.checked} files OK against SHA256SUMS in {report.path}")
        raise click.exceptions.Exit(EXIT_OK)
    click.echo(f"verify: {report.path}: {len(report.corrupt)} corrupt, {len(report.missing)} missing, "
               f"{len(report.extra)} extra ({report.matched} of {report.checked + len(report.missing)} files match)")
    raise click.exceptions.Exit(EXIT_FAILURE)
