"""`packager review export|import|approve`: the translator's round trip."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from ..cli import AppContext, pass_app
from ..errors import EXIT_FAILURE
from ..paths import output_file_option


@click.group("review")
def command() -> None:
    """Send Spanish subtitles to a translator and take them back, safely.

    \b
    packager review export entreprise-a --format docx -o entreprise-a.docx
    packager review import entreprise-a.docx    (or .srt, .xliff, a kit .zip or its folder)
    packager review approve entreprise-a --cues 1-5,8

    For several modules at once, with the video, see `packager kit`. Import never shifts timing
    and never drops a cue; text changed or approved at home since the export is never overwritten
    (it is reported as a conflict, both texts shown). `packager status` shows the states.
    """


@command.command("export")
@click.argument("module_id", metavar="MODULE")
@click.option("--format", "fmt", type=click.Choice(["docx", "srt", "xliff"]), default="docx", show_default=True,
              help="docx: bilingual table for Word/LibreOffice; srt: the Spanish track; xliff: XLIFF 2.0 for CAT tools.")
@output_file_option("-o", "--output", default=None,
                    help="The file to write, in a folder that exists (default: NN-MODULE.es.<format> in the "
                         "current folder).")
@pass_app
def export_cmd(app: AppContext, module_id: str, fmt: str, output: Path | None) -> None:
    """Write one module's Spanish cues for review in DOCX, SRT or XLIFF.

    The DOCX has one row per cue: number, timecode, French, Spanish, state and comment; the
    translator edits only the Spanish, state ("aprobado") and comment columns.
    """
    from ..review.export import export_module, file_stem

    project = app.project
    module = project.module(module_id)
    output = output or Path(f"{file_stem(project, module)}.{fmt}")
    rows = export_module(project, module, fmt, output)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.state] = counts.get(row.state, 0) + 1
    states = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    app.out.print(f"review export: {module.id} → {output} ({len(rows)} cues: {states})")


@command.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--module", "module_id", default=None,
              help="The module an SRT file is for (default: from its name, e.g. 01-entreprise-a.es.srt).")
@click.option("--who", default=None, help="Who reviewed (recorded with each change; default: the file or kit).")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@pass_app
def import_cmd(app: AppContext, path: Path, module_id: str | None, who: str | None, dry_run: bool) -> None:
    """Take back a returned .docx, .srt or .xliff/.xlf, or a whole kit (its .zip or unzipped folder).

    \b
    packager review import kit-back.zip --dry-run   (see first)
    packager review import kit-back.zip
    packager review import 01-entreprise-a.es.srt

    Changed cues become edited, cues marked approved become approved, comments are kept; a cue
    whose French changed since the export becomes needs-review. A file whose cue count or timing
    differs is refused with the differences. A cue changed or approved at home since the export
    keeps its current text and is reported as a conflict with both texts.

    \b
    Exit codes: 0 applied; 1 conflicts, or a file inside a kit refused (the rest is applied);
    2 the file or kit itself refused (damaged, foreign, cues that do not match): nothing written.
    """
    from ..review.importer import import_path

    summary = import_path(app.project, path, module_id=module_id, who=who, dry_run=dry_run)
    for label in summary.applied:
        app.out.print(f"read: {label}", highlight=False, soft_wrap=True)
    for line in summary.details():
        app.out.print(f"  {line}", highlight=False, soft_wrap=True)
    for note in summary.notes:
        app.out.print(f"note: {note}", highlight=False, soft_wrap=True)
    for conflict in summary.conflicts:
        app.err.print(f"[yellow]conflict[/]: {escape(conflict.render())}", markup=True, highlight=False,
                      soft_wrap=True)
    for refused in summary.refused:
        app.err.print(f"[red]refused[/]: {escape(refused)}", markup=True, highlight=False, soft_wrap=True)
    if summary.conflicts:
        app.err.print("  → the current texts were kept. To take a returned text instead, paste it into the Spanish "
                      "file (subtitles/es/MODULE.srt, same cue; workbooks/es/… for workbook texts): it then counts "
                      "as edited. Or send a new export, made from the current texts.", highlight=False, soft_wrap=True)
    prefix = "review import (dry run, nothing written)" if dry_run else "review import"
    app.out.print(f"{prefix}: {summary.line()}", highlight=False, soft_wrap=True)
    if summary.conflicts or summary.refused:
        raise click.exceptions.Exit(EXIT_FAILURE)


@command.command("approve")
@click.argument("module_ids", metavar="MODULE...", nargs=-1)
@click.option("--cues", default=None, help="Only these cues, e.g. 1-5,8 (default: all).")
@click.option("--documents", is_flag=True, help="Also approve the Spanish of every workbook text (questions, "
                                                "booklet, guide, synthesis).")
@click.option("--who", default="review approve", show_default=True, help="Who approves (recorded).")
@click.option("--source", is_flag=True, help="Approve the source-language transcript (French) instead: the cues "
                                             "`packager transcribe` drafted, once a person has checked them.")
@pass_app
def approve_cmd(app: AppContext, module_ids: tuple[str, ...], cues: str | None, documents: bool, who: str,
                source: bool) -> None:
    """Mark the current Spanish text of modules (or some of their cues) approved.

    For Spanish written and checked by a person outside packager (such as the sample's). Name at
    least one module, or pass --documents for the workbook texts only. With --source, the French
    transcript's cues are approved instead.
    """
    from ..review.importer import approve, approve_documents, parse_cue_ranges

    project = app.project
    if source:
        from ..review.export import now_iso
        from ..transcription.flow import approve_transcript

        if not module_ids:
            raise click.UsageError("name at least one MODULE whose transcript to approve")
        wanted = parse_cue_ranges(cues) if cues else None
        for module in project.select(module_ids):
            changed = approve_transcript(project, module, wanted, who=who, when=now_iso())
            app.out.print(f"review approve: {module.id} ({project.source_language}): "
                          f"{changed} cue(s) newly approved")
        return
    if not module_ids and not documents:
        raise click.UsageError("name at least one MODULE (or pass --documents)")
    if documents:
        changed = approve_documents(project, who=who)
        app.out.print(f"review approve: workbook texts: {changed} unit(s) newly approved")
    wanted = parse_cue_ranges(cues) if cues else None
    modules = project.select(module_ids) if module_ids else []  # none named: --documents only
    for module in modules:
        changed = approve(project, module, wanted, who=who)
        app.out.print(f"review approve: {module.id}: {changed} cue(s) newly approved")
