"""`packager build`: check → QA summary → documents → render → bundle, redoing only what changed.

Documents come before the render because a cd or dvd render fits the video bit rate to the space the
documents leave on the disc."""

from __future__ import annotations

import time

import click

from ..atomic import sweep_partials
from ..cli import AppContext, pass_app
from ..errors import EXIT_INPUT
from ..video.targets import TARGETS
from .check import run_check
from .footage import make_sample_footage

@click.command("build")
@click.option("-t", "--target", type=click.Choice(TARGETS), default="usb", show_default=True,
              help="The medium: usb (720p, constant quality), dvd (fits DVD-5), cd (fits a CD-R, with an ISO).")
@click.option("-j", "--jobs", type=click.IntRange(1, 16), default=2, show_default=True,
              help="Modules rendered in parallel.")
@click.option("--pdf/--no-pdf", default=True, show_default=True,
              help="Also convert the documents to PDF (needs LibreOffice; skipped with a note when absent).")
@click.option("--scorm", is_flag=True, help="Also write a SCORM 1.2 zip of the bundle for an LMS.")
@pass_app
def command(app: AppContext, target: str, jobs: int, pdf: bool, scorm: bool) -> None:
    """Build the whole distribution for one medium, end to end.

    \b
    1. check      the project files (stops on errors)
    2. QA         subtitle quality summary (errors are reported, they do not stop the build)
    3. documents  workbooks, booklet, synthesis, trainer guide (unchanged ones are reused)
    4. render     each module and the full programme (unchanged modules are reused)
    5. bundle     dist/<programme>-<target>/ with the offline index, checksums, and an ISO for cd/dvd

    A sample project first generates its stand-in footage. Stops at the first stage that fails,
    with its message; finished outputs are kept and reused by the next run. Ends with the bundle's
    path, its size against the medium, and what is still to approve.
    """
    started = time.monotonic()
    findings = run_check(app)
    if any(f.severity == "error" for f in findings):
        click.echo("build: stopped, the project has errors (see above)", err=True)
        raise click.exceptions.Exit(EXIT_INPUT)
    project = app.project
    sweep_partials(project.dist_dir, project.cache_dir)  # what killed runs left; never trusted, only space
    if project.is_sample:
        make_sample_footage(app, jobs)

    from ..subtitles.qa import run_qa

    report = run_qa(project)
    errors, warnings = len(report.errors), len(report.findings) - len(report.errors)
    app.err.print(f"QA: {errors} error(s), {warnings} warning(s)"
                  + (" — run `packager qa` for the list" if report.findings else ""))

    from ..documents.build import build_documents

    app.err.print("documents: workbooks, booklet, synthesis, trainer guide")
    documents = build_documents(project, pdf=pdf, console=app.err)
    if not documents.built and not documents.pdfs:
        app.err.print(f"documents: up to date ({len(documents.reused)} unchanged)")

    from ..video.render import render_project

    app.err.print(f"render: {len(project.modules)} module(s) for {target}")
    rendered = render_project(project, target, jobs=jobs, console=app.err)
    if not rendered.rendered:
        app.err.print(f"render: up to date ({len(rendered.modules)} module(s) unchanged for {target})")

    from ..bundle.build import make_bundle

    app.err.print(f"bundle: {target}")
    bundle = make_bundle(project, target, scorm=scorm, console=app.err)

    from ..dashboard import draft_summary

    minutes, seconds = divmod(int(time.monotonic() - started), 60)
    app.out.print(f"build: done in {minutes} min {seconds:02d} s → {bundle.path}")
    app.out.print(f"  size: {bundle.size_text(target)}")
    if bundle.iso is not None:
        app.out.print(f"  disc image: {bundle.iso}")
    if bundle.scorm is not None:
        app.out.print(f"  SCORM package: {bundle.scorm}")
    app.out.print(f"  still to approve: {draft_summary(project)}")
