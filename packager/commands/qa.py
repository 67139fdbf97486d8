"""`packager qa [MODULE...] [--csv FILE] [--strict] [--fix]`: subtitle quality control."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import AppContext, pass_app
from ..errors import EXIT_FAILURE, EXIT_OK, CheckFailed
from ..paths import output_file_option
from ..timecode import srt_timecode


@click.command("qa")
@click.argument("modules", nargs=-1, metavar="[MODULE]...")
@output_file_option("--csv", "csv_path", metavar="FILE",
                    help="Also write the findings as CSV (Subtitle Edit's Netflix report columns: "
                         "LineNumber, TimeCode, Context, Comment, then Module, Language, Severity, Rule). "
                         "Its folder must exist.")
@click.option("--strict", is_flag=True, help="Exit 1 when any error remains (for CI and before a build).")
@click.option("--fix", is_flag=True,
              help="Apply the safe fixes first: close gaps of at most 12 frames to the minimum gap "
                   "(the earlier cue's end moves) and re-break lines that are too long or too many. "
                   "Rewrites the subtitle files (atomically) and lists every change.")
@pass_app
def command(app: AppContext, modules: tuple[str, ...], csv_path: Path | None, strict: bool, fix: bool) -> None:
    """Check the subtitles of both languages against the project's QA profile.

    \b
    Per cue, in both languages ([subtitle_qa] in packager.toml, Netflix defaults):
      line-length, line-count, reading-speed (characters per second; spaces and
      punctuation count, italics tags do not), min-duration, max-duration, min-gap
      (frames at the project frame rate), overlap, order, empty, outside-footage,
      spanish-punctuation (¿…? and ¡…! opened and closed).
    Spanish against French (cues aligned by number and timing):
      missing-cue, alignment, untranslated (warning), numbers ("14,9 %" lost or
      changed; 14,9 and 14.9 are the same number), glossary (glossary.toml terms,
      singular or plural: "entreprises d'insertion" wants "empresas de inserción").

    The report is grouped by module, worst first. MODULE limits it to the named modules.
    An unreadable subtitle file stops QA with exit 2 and nothing written.
    Exit 0, or 1 with --strict when any error remains.
    """
    from ..subtitles.qa import run_qa
    from ..subtitles.qa_fix import apply_fixes
    from ..subtitles.qa_report import write_report_csv

    project = app.project
    ids = [m.id for m in project.select(modules)]
    report = run_qa(project, ids)
    if report.read_errors:
        raise CheckFailed(report.read_errors)
    if fix:
        changes = apply_fixes(project, ids)
        _print_changes(app, changes)
        if changes:
            report = run_qa(project, ids)
    _print_report(app, report)
    if csv_path is not None:
        write_report_csv(report, csv_path)
        app.out.print(f"qa: CSV report written to {csv_path}")
    errors, warnings = len(report.errors), len(report.warnings)
    app.out.print(f"qa: {len(ids)} module(s), {errors} error(s), {warnings} warning(s)")
    raise click.exceptions.Exit(EXIT_FAILURE if strict and errors else EXIT_OK)


def _print_changes(app: AppContext, changes) -> None:
    if not changes:
        app.out.print("fix: nothing to fix safely")
        return
    for change in changes:
        app.out.print(f"fixed {change.module_id} {change.lang} cue {change.cue} ({srt_timecode(change.start)}): "
                      f"{change.message}", markup=False)
    files = len({(c.module_id, c.lang) for c in changes})
    app.out.print(f"fix: {len(changes)} change(s) in {files} file(s)")


def _print_report(app: AppContext, report) -> None:
    from rich.table import Table

    for module_id, findings in report.by_module():
        errors = report.count_for(module_id, "error")
        warnings = report.count_for(module_id, "warning")
        table = Table(title=f"{module_id}: {errors} error(s), {warnings} warning(s)", title_justify="left",
                      show_lines=False, expand=False)
        table.add_column("", no_wrap=True)
        table.add_column("Lang", no_wrap=True)
        table.add_column("Cue", justify="right", no_wrap=True)
        table.add_column("Time code", no_wrap=True)
        table.add_column("Rule", no_wrap=True)
        table.add_column("Message")
        for f in findings:
            severity = "[red]error[/red]" if f.severity == "error" else "[yellow]warning[/yellow]"
            table.add_row(severity, f.lang, str(f.cue) if f.cue is not None else "—",
                          srt_timecode(f.start) if f.start is not None else "—", f.rule,
                          _escape(f.message))
        app.out.print(table)
    clean = report.clean_modules()
    if clean:
        app.out.print(f"clean: {', '.join(clean)}")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
