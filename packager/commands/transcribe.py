"""`packager transcribe [MODULE...]`: French transcript drafts from the footage, offline (faster-whisper)."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import AppContext, pass_app


@click.command("transcribe")
@click.argument("modules", nargs=-1, metavar="[MODULE...]")
@click.option("--text", "typed", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A typed transcript (.docx or .txt, no timecodes) of the one MODULE named: its words are "
                   "kept, only their timing comes from the speech.")
@click.option("--model", "model_name", default=None, help="The Whisper model to use (default: the only one "
                                                          "installed; `packager models list`).")
@click.option("--threads", type=int, default=None, help="CPU threads for the model (default: all cores).")
@pass_app
def command(app: AppContext, modules: tuple[str, ...], typed: Path | None, model_name: str | None,
            threads: int | None) -> None:
    """Transcribe the speech of modules' footage into source-language cue drafts, offline.

    Each module's edit list is read from its footage (ffmpeg), Silero VAD keeps the speech, and
    faster-whisper writes words with their times in the project's source language, prompted with
    the glossary's terms and the speakers' names. Cues are built to pass `packager qa`: whole
    clauses, the profile's lines, reading speed and durations, never across an edit point, a
    section start or a change of speaker. Cues the speech rate forces over the reading speed are
    counted.

    \b
    Cues are `draft` (subtitles/fr/<id>.srt.states.json); a person's edit makes them `edited`;
    `packager review approve MODULE --source` approves them. A re-run only redoes modules with no
    transcript or the stretches still in draft: a person's text is never touched.
    Exit 0 on success, 2 for a missing model, footage or text file, 130 interrupted (nothing
    half-written).
    """
    from ..glossary import load_glossary
    from ..review.export import now_iso
    from ..sample import generate_sample_footage
    from ..transcription.align import read_typed_text
    from ..transcription.cues import CueRules
    from ..transcription.engine import Recogniser, choose_model, initial_prompt
    from ..transcription.flow import plan_module, transcribe_module

    project = app.project
    selected = project.select(modules)
    if typed is not None and len(modules) != 1:
        raise click.UsageError("--text is the transcript of one module: name exactly one MODULE")
    typed_text = read_typed_text(typed) if typed is not None else None
    rules = CueRules.for_project(project)
    if not any(plan_module(project, m, rules).windows for m in selected):
        for module in selected:  # no model needed to say so
            app.out.print(f"{module.id}: kept, a person's transcript (no draft cue left to redo)", highlight=False, soft_wrap=True)
        app.out.print("transcribe: nothing to do", highlight=False, soft_wrap=True)
        return
    info = choose_model(model_name)
    terms = [t.text(project.source_language) for t in load_glossary(project).terms]
    names = [s.name for m in selected for s in m.definition.speakers]
    recogniser = Recogniser(info, language=project.source_language, prompt=initial_prompt(terms, names),
                            threads=threads)
    if project.is_sample and project.missing_footage():
        generate_sample_footage(project)
    when = now_iso()
    totals = {"drafted": 0, "too_fast": 0, "audio": 0.0, "seconds": 0.0}
    for n, module in enumerate(selected, start=1):
        label = f"[{n}/{len(selected)}] {module.id}"

        def on_audio(done: float, total: float, label: str = label) -> None:
            app.err.print(f"{label}: {done:.0f}/{total:.0f} s of sound", highlight=False, soft_wrap=True)

        result = transcribe_module(project, module, recogniser.words, rules, typed_text=typed_text,
                                   typed_name=typed.name if typed else "", when=when, on_audio=on_audio)
        if result.skipped:
            app.out.print(f"{module.id}: kept, {result.skipped}", highlight=False, soft_wrap=True)
            continue
        totals["drafted"] += result.drafted
        totals["too_fast"] += result.too_fast
        totals["audio"] += result.audio_seconds
        totals["seconds"] += result.seconds
        state = "edited (typed words)" if typed_text is not None else "draft"
        line = (f"{module.id}: {result.drafted} cue(s) {state}, {result.kept} kept (a person's); "
                f"{result.audio_seconds:.1f} s of sound in {result.seconds:.1f} s "
                f"(real-time factor {result.real_time_factor:.2f})")
        if result.speakers:
            line += "; " + ", ".join(f"{speaker} {n} cue(s)" for speaker, n in result.speakers.items())
        if result.too_fast:
            line += f"; {result.too_fast} over the reading speed (the speech is too fast to fit)"
        app.out.print(line, highlight=False, soft_wrap=True)
        for note in result.unplaced:
            app.err.print(f"  {module.id}: {note}", highlight=False, markup=False, soft_wrap=True)
    rtf = totals["seconds"] / totals["audio"] if totals["audio"] else 0.0
    app.out.print(f"transcribe: {totals['drafted']} cue(s) written with {info.name}, "
                  f"{totals['too_fast']} over the reading speed (forced by the speech: `packager qa` lists them); "
                  f"real-time factor {rtf:.2f}", highlight=False, soft_wrap=True)
