"""`packager translate [MODULE...]`: offline machine-translated drafts of subtitles and workbook texts."""

from __future__ import annotations

import click

from ..cli import AppContext, pass_app


@click.command("translate")
@click.argument("modules", nargs=-1, metavar="[MODULE...]")
@click.option("--documents/--no-documents", default=True, show_default=True,
              help="Also draft the workbook texts (questions; with no MODULE named, the booklet, guide and synthesis).")
@pass_app
def command(app: AppContext, modules: tuple[str, ...], documents: bool) -> None:
    """Write target-language drafts with the installed Argos Translate models, offline.

    Cues are joined into sentences, translated in one batch per module, and spread back over the
    same cues: timing and cue count never change. Glossary terms (glossary.toml) are protected, in
    the singular or the plural. Every translation is remembered (.packager/translation-memory.json):
    a re-run translates only what changed. Review states live beside each target file
    (<file>.states.json): a person's text (edited or approved) is never overwritten; when its French
    changes it becomes needs-review. When French cues are re-timed, split or merged, a person's text
    follows its French cue (merged cues join their texts, to review); one whose French cue is gone
    is named on stderr.

    \b
    Without a model for the language pair:  packager models install FILE.argosmodel
                                             packager models download fr es   (online)
    Exit 0 on success, 2 when the input or the model is missing or `packager check` finds an error
    (nothing is written then). A person's text whose French cue is gone is kept in the unit history
    and reported as orphaned: `packager review history MODULE`, `packager review restore`.
    """
    from ..glossary import load_glossary
    from ..preflight import refuse_what_check_refuses
    from ..progress import step_progress
    from ..texts import project_documents
    from ..translation.engine import load_engine
    from ..review.clock import now_iso
    from ..translation.decisions import Stats
    from ..translation.documents import pending_document_texts, translate_document
    from ..translation.flow import DraftMaker, translate_subtitles
    from ..translation.memory import TranslationMemory

    project = app.project
    selected = project.select(modules)
    refuse_what_check_refuses(project, "translate")
    src, dst = project.source_language, project.target_language
    _warn_machine_transcripts(app, selected)
    engine = load_engine(src, dst)
    glossary = load_glossary(project)
    memory = TranslationMemory.for_project(project)
    maker = DraftMaker(engine, memory, glossary, src, dst)
    docs = []
    if documents:
        wanted = {f"questions/{m.id}" for m in selected}
        docs = [d for d in project_documents(project) if not modules or d.doc_id in wanted]
    when = now_iso()
    total = Stats()
    lines: list[str] = []
    try:
        with step_progress(app.err, "translate", len(selected) + len(docs)) as advance:
            for module in selected:
                stats = translate_subtitles(project, module, maker, when=when)
                memory.save()
                total.add(stats)
                lines.append(f"{module.id}: {_describe(stats, 'cue')}")
                advance()
            if docs:  # every workbook text's pending units in one batch
                maker.prefetch(pending_document_texts(project, docs))
                memory.save()
            for doc in docs:
                stats = translate_document(project, doc, maker, when=when)
                memory.save()
                total.add(stats)
                lines.append(f"{doc.doc_id}: {_describe(stats, 'unit')}")
                advance()
    finally:
        memory.save()
    for line in lines:
        app.out.print(line)
    for dropped in total.dropped:
        app.err.print(f"orphaned: {dropped}; kept in the history", markup=False)
    if total.dropped:
        app.err.print("  → see it with `packager review history MODULE`, bring it back onto a cue with "
                      "`packager review restore MODULE --cue N --version K`", markup=False)
    app.out.print(f"translate: {total.drafted} drafted, {total.reused} reused from memory, "
                  f"{total.kept} kept (human), {total.needs_review} needs-review; "
                  f"{engine.calls} model call(s) ({engine.description}), {total.files_written} file(s) written")


def _describe(stats, noun: str) -> str:
    return (f"{stats.units} {noun}(s) — {stats.drafted} drafted, {stats.reused} reused, {stats.kept} kept, "
            f"{stats.needs_review} needs-review")


def _warn_machine_transcripts(app: AppContext, modules) -> None:
    """Translating a transcript nobody has checked yet translates the recogniser's mistakes too."""
    from ..transcription.flow import draft_count

    for module in modules:
        if n := draft_count(module):
            app.err.print(f"warning: {module.id}: {n} {module.project.source_language.upper()} cue(s) are still "
                          f"a machine draft (packager transcribe); check them, then `packager review approve "
                          f"{module.id} --source`", highlight=False, markup=False)
