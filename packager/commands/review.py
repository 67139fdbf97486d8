"""`packager review export|import|approve`: the translator's round trip."""

from __future__ import annotations

import re
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
    packager review conflicts                (returned texts that clashed with work at home)
    packager review resolve entreprise-a --cue 3 --take home|returned|edit [--text "…"]
    packager review history entreprise-a --cue 3   (--source: the French transcript's)
    packager review restore entreprise-a --cue 3 --version 12

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
    from ..review.take_back import import_path

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
        queued = "" if dry_run else "; each returned text waits as a conflict (`packager review conflicts`)"
        app.err.print(f"  → the current texts were kept{queued}. Settle them: packager review resolve MODULE "
                      "--cue N (or 1-5,8) --take home|returned|edit", highlight=False, soft_wrap=True)
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
    from ..review.approve import approve, approve_documents, parse_cue_ranges

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


@command.command("history")
@click.argument("name", metavar="MODULE")
@click.option("--cue", default=None, help="Only this cue (or workbook unit key).")
@click.option("--source", is_flag=True, help="The module's source-language transcript (French) instead.")
@pass_app
def history_cmd(app: AppContext, name: str, cue: str | None, source: bool) -> None:
    """Every version of a module's target cues (or of a workbook text such as `booklet`), numbered.

    Each version says who wrote it (machine or person), when, and where it came from (translate, a
    hand edit noticed, a kit return, approve, restore, resolve); conflicts and orphaned texts are
    listed with their state. Bring one back with `packager review restore MODULE --cue N --version K`.
    """
    from ..review import history
    from ..review.queue import find_target

    target = find_target(app.project, name, source=source)
    records = history.read(target.path)
    open_ = {r.n for r in history.pending(records, "conflict") + history.pending(records, "orphan")}
    shown = 0
    for record in records:
        if cue is not None and record.key != cue:
            continue
        shown += 1
        unit = target.unit_word(record.key)
        when = record.when.replace("T", " ").rstrip("Z")
        if record.event == "settled":
            app.out.print(f"#{record.n}  {when}  {unit}: #{record.settles} settled ({record.take}) by {record.by}",
                          markup=False, highlight=False, soft_wrap=True)
            continue
        label = {"version": record.state or "", "conflict": "CONFLICT" + (" (pending)" if record.n in open_ else ""),
                 "orphan": "ORPHANED" + (" (pending)" if record.n in open_ else "")}[record.event]
        by = f"{record.who}{f', {record.by}' if record.by else ''}"
        app.out.print(f"#{record.n}  {when}  {unit}  {label}  [{record.origin}; {by}]", markup=False,
                      highlight=False, soft_wrap=True)
        app.out.print(f"      {record.text!r}", markup=False, highlight=False, soft_wrap=True)
        if record.event == "conflict":
            app.out.print(f"      home: {record.home!r}", markup=False, highlight=False, soft_wrap=True)
    if not shown:
        app.out.print(f"review history: nothing recorded for {name}{f' cue {cue}' if cue else ''}")


@command.command("conflicts")
@pass_app
def conflicts_cmd(app: AppContext) -> None:
    """List the returned texts waiting for a decision (and the orphaned texts), with both texts.

    Settle a conflict with `packager review resolve MODULE --cue N --take home|returned|edit`.
    Exit 0 when none is pending, 1 otherwise.
    """
    from ..review.queue import pending_items

    project = app.project
    conflicts = pending_items(project, "conflict")
    for target, record in conflicts:
        app.out.print(f"{target.label} {target.unit_word(record.key)} (#{record.n}, {record.file or record.by}, "
                      f"{record.when}): {record.reason or 'changed at home'}", markup=False, highlight=False,
                      soft_wrap=True)
        app.out.print(f"    home    : {record.home!r}\n    returned: {record.text!r}", markup=False,
                      highlight=False, soft_wrap=True)
    orphans = pending_items(project, "orphan")
    for target, record in orphans:
        app.out.print(f"{target.label}: orphaned #{record.n} (was {target.unit_word(record.key)}, {record.state}): "
                      f"{record.text!r}", markup=False, highlight=False, soft_wrap=True)
    app.out.print(f"review conflicts: {len(conflicts)} conflict(s) pending, {len(orphans)} orphaned text(s)")
    if conflicts:
        app.err.print("  → settle each: packager review resolve MODULE --cue N --take home|returned|edit"
                      + (" (add --source for a transcript's)" if any(t.transcript for t, _ in conflicts) else ""),
                      highlight=False)
        raise click.exceptions.Exit(EXIT_FAILURE)


@command.command("resolve")
@click.argument("name", metavar="MODULE")
@click.option("--cue", required=True, help="The cue number (or workbook unit key); cues 1-5,8 for several.")
@click.option("--take", type=click.Choice(["home", "returned", "edit"]), required=True,
              help="home: keep the current text; returned: take the returned text; edit: write --text.")
@click.option("--text", default=None, help="With --take edit: the text to keep.")
@click.option("--who", default="review resolve", show_default=True, help="Who decides (recorded).")
@click.option("--source", is_flag=True, help="A conflict of the module's source-language transcript (French).")
@pass_app
def resolve_cmd(app: AppContext, name: str, cue: str, take: str, text: str | None, who: str, source: bool) -> None:
    """Settle the pending conflict of a cue (or of the cues 1-5,8). The text not taken stays in the history."""
    from ..review.approve import parse_cue_ranges
    from ..review.queue import resolve

    keys = [str(n) for n in sorted(parse_cue_ranges(cue))] if re.fullmatch(r"[\d,\s-]+", cue) else [cue]
    for key in keys:
        settled = resolve(app.project, name, key, take, text=text, who=who, source=source)
        app.out.print(f"review resolve: {name} cue {key}: {settled} conflict(s) settled, took {take}")


@command.command("restore")
@click.argument("name", metavar="MODULE")
@click.option("--cue", required=True, help="The cue (or workbook unit key) to put the text on.")
@click.option("--version", "version", type=int, required=True, help="The version number `review history` shows.")
@click.option("--who", default="review restore", show_default=True, help="Who restores (recorded).")
@click.option("--source", is_flag=True, help="Onto the module's source-language transcript (French) instead.")
@pass_app
def restore_cmd(app: AppContext, name: str, cue: str, version: int, who: str, source: bool) -> None:
    """Bring a version from the history back onto a cue, as a person's (edited) text.

    Works for any version: an earlier text, an orphaned text whose French cue is gone (onto the cue
    it belongs to now), a returned text of a conflict. The text it replaces stays in the history.
    """
    from ..review.queue import restore

    record = restore(app.project, name, cue, version, who=who, source=source)
    app.out.print(f"review restore: {name} cue {cue} ← version #{record.n}: {record.text!r}", markup=False,
                  highlight=False)
