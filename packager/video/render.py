"""Render each module, and the full programme, for one medium (usb, dvd or cd): the orchestration.

Per module, one filter graph, run segment by segment (segment_encode.py: closed-GOP segments cached on
content and joined by copy; two passes each for the disc targets' average bit rate), does all the per-frame
work: the edit list cut and joined (scaled and padded to the target, never
stretched), the speakers' lower-thirds overlaid between times, the target-language subtitles burned in
(libass draws each subtitle state once in the shipped DejaVu Sans, the encode overlays it: burn.py).
At the same time, in other processes: the audio (audio.py: EBU R128 loudness measured, then normalised to
LOUDNESS_TARGET LUFS and encoded to AAC; audio only, a few seconds) and the opening and closing cards
(composed once with moviepy, encoded once to short clips and cached: encoding.py).
A final mux (mux.py) copies the cards, the body and the audio into one MP4 (concat demuxer: the x264
streams are `stitchable`), adds the soft subtitle tracks in both languages (mov_text, fra/spa), the chapters
(the module's title, then its outline sections, titled in both languages) and faststart; then mp4boxes.py
leaves every soft track off until a viewer picks one, the one not burned in placed at the top.

Writes dist/render/<target>/ (see the "Render outputs" contract): <NN>-<id>.mp4, sidecar SRT and WebVTT
timed on the rendered video (shifted by the opening card), <NN>-<id>.chapters.json, programme.mp4
(concat demuxer, no second encode, a chapter per module) or programme.m3u (cd), and render.json
(programme.py). Every file is written under a temporary name and renamed when complete; leftovers of a
killed run are removed on the next one. Each module is keyed on everything it depends on
(.packager/render-cache/<target>/<id>.json, render_cache.py): an unchanged module is not rendered again.
The model the parts share (the options, a module's job, the results) is in job.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

from rich.console import Console

from .. import interrupt
from ..atomic import atomic_path, write_text
from ..errors import CheckFailed, PackagerError
from ..project import Module, Project
from ..subtitles.cues import format_srt, format_vtt, read_srt, shift
from ..timecode import format_timecode
from . import audio, ffmpeg, mp4boxes
from .audio import LOUDNESS_TARGET, normalise_filter
from .burn import BurnOverlay, cached_states
from .cards import CARD_SECONDS, closing_card, lower_third, opening_card
from .encoding import BT709, x264_args, card_clip
from .footage_check import probe_edit
from .job import (RENDER_VERSION, Job, ModuleRender, RenderOptions, RenderResult, base_name, module_runtime,
                  plan_for, render_dir)
from .mux import LANGUAGE_TAGS, spoken_language, above_burned, build_mux_args, module_chapters, prepare_files
from .probe import FootageProbe
from .programme import programme_and_manifest
from .render_cache import (cache_file, clean_partials, make_readable, module_key, output_record,
                           outputs_current, read_cache_entry, render_state, sweep_scratch)
from .segment_encode import cached_audio, encode_body, sweep_segments
from .targets import TARGETS, Plan

# The names other packages, the tests and the benchmarks import from here (their homes are the modules above).
__all__ = ["BT709", "CARD_SECONDS", "LANGUAGE_TAGS", "LOUDNESS_TARGET", "RENDER_VERSION", "TARGETS", "Job",
           "ModuleRender", "RenderOptions", "RenderResult", "card_clip", "normalise_filter", "plan_for",
           "render_dir", "render_project", "render_state"]

SUBTITLE_TOLERANCE = 0.05  # seconds a cue may run past the footage (rounding in editors)


def check_inputs(job: Job) -> None:
    """Footage readable, complete, with a picture, long enough for its edit points (footage_check.py, as
    `packager check` judges it); subtitles inside the module.

    Raises PackagerError naming the module file, the line and field of the edit, and the clip (exit 2),
    worded as `packager check` words it.
    """
    module = job.module
    for i, edit in enumerate(module.definition.edits):
        path = module.footage_path(edit)
        source = module.where("edits", i, "source")
        if edit.out <= edit.in_:
            raise PackagerError(f"edit point runs backwards: out {format_timecode(edit.out, millis=True)} is not "
                                f"after in {format_timecode(edit.in_, millis=True)}",
                                path=module.path, where=module.where("edits", i, "out"),
                                hint="swap the two points or fix the out point")
        if not path.is_file():
            raise PackagerError(f"footage file not found: {edit.source}", path=module.path, where=source,
                                hint="copy the footage there or fix the path (relative to the project folder)")
        _, findings = probe_edit(module, i, edit, job.probes)
        errors = [problem for severity, problem in findings if severity == "error"]
        if errors:
            raise errors[0]
        job.clips.append((path, edit.in_, edit.duration))
    for lang, cues in job.cues.items():
        for cue in cues:
            if cue.end > module.footage_seconds + SUBTITLE_TOLERANCE:
                raise PackagerError(
                    f"ends at {format_timecode(cue.end, millis=True)}, past the end of module {module.id} "
                    f"({format_timecode(module.footage_seconds, millis=True)} of footage in its edit list, "
                    f"{module.path.name})",
                    path=module.subtitle_path(lang), where=f"cue {cue.index}, line {cue.line}",
                    hint="fix the cue's timing or the module's edit list")


def _duration_text(seconds: float) -> dict[str, str]:
    seconds = round(seconds)
    minutes, secs = divmod(seconds, 60)
    value = f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"
    return {"fr": f"Durée : {value}", "es": f"Duración: {value}", "en": f"Length: {value}"}


# ---------------------------------------------------------------------------------------------- one module
#
# A module is made by three ffmpeg commands: the video encode (the one per-frame pass: cards, edits,
# lower-thirds, burned subtitles) and, at the same time in another process, the audio (loudnorm's
# measuring pass, then its normalising pass and the AAC encode: audio only, a few seconds; audio.py); then a
# mux that copies both and adds the soft subtitle tracks, the chapters and faststart (a fraction of a
# second; mux.py).


def _encode_module(job: Job, *, threads: int | None, preset: str, on_time, cache_path: Path) -> ModuleRender:
    module = job.module
    languages = module.project.languages
    started = time.monotonic()
    out_dir = job.out_dir
    name = job.name
    tmp = job.tmp
    assert job.states is not None
    job.burn = job.states.result()
    try:
        # the body as cached segments (segment_encode.py), joined to the cards by the mux
        body = encode_body(job, encoder=lambda n: x264_args(job.plan, job.fps, preset, n), preset=preset,
                           cache_root=_segments_dir(module.project), version=RENDER_VERSION, threads=threads,
                           on_time=on_time)
        assert job.audio is not None and job.cards is not None
        job.audio.result()
        job.opening, job.closing = job.cards.result()
        final = out_dir / f"{name}.mp4"
        with atomic_path(final) as tmp_out:
            ffmpeg.run(build_mux_args(job, body.parts, str(tmp_out)), cwd=tmp)
            tracks = [lang for lang in languages if lang in job.cues]  # the soft tracks, in mux order
            mp4boxes.settle_subtitle_tracks(tmp_out, top={n for n, lang in enumerate(tracks)
                                                          if lang in above_burned(job)},
                                            chapters_language=spoken_language(module.project))
    except ffmpeg.FFmpegFailed as exc:
        raise PackagerError(f"module {module.id}: ffmpeg failed to render it:\n{exc.tail()}",
                            path=module.path, hint="check the footage clips this module names") from None
    produced = [f"{name}.mp4"]
    for lang, cues in job.cues.items():
        shifted = shift(cues, CARD_SECONDS)
        top = lang in above_burned(job)
        write_text(out_dir / f"{name}.{lang}.srt", format_srt(shifted, top=top))
        write_text(out_dir / f"{name}.{lang}.vtt", format_vtt(shifted, top=top))
        produced += [f"{name}.{lang}.srt", f"{name}.{lang}.vtt"]
    write_text(out_dir / f"{name}.chapters.json", json.dumps(
        {"duration": round(job.duration, 3), "chapters": module_chapters(module, languages)},
        ensure_ascii=False, indent=2) + "\n")
    produced.append(f"{name}.chapters.json")
    make_readable(out_dir, produced)
    seconds = time.monotonic() - started
    entry = {"key": job.key, "outputs": output_record(out_dir, produced), "duration": round(job.duration, 3),
             "subtitles": sorted(job.cues), "burned": job.burn is not None, "audio_channels": job.audio_channels,
             "options": [job.options.size, job.options.preset]}
    write_text(cache_path, json.dumps(entry, indent=1) + "\n")
    return ModuleRender(module.id, final, job.duration, True, seconds, body.reused, body.total)


# ---------------------------------------------------------------------------------------------- the project


def render_project(project: Project, target: str, module_ids=None, jobs: int | None = None,
                   console: Console | None = None, *, options: RenderOptions | None = None) -> RenderResult:
    """Render the named modules (all when None) for `target`, then the full programme and render.json.

    Unchanged modules are reused. Raises PackagerError (exit 2) on bad input, before any encode starts.
    """
    if target not in TARGETS:
        raise PackagerError(f"unknown target {target!r}", hint="use usb, dvd or cd")
    options = options or RenderOptions()
    console = console or Console(stderr=True, quiet=True)
    cores = os.cpu_count() or 1
    if project.is_sample:
        from ..sample import generate_sample_footage, planned_clips

        todo_clips = planned_clips(project)
        if todo_clips:
            console.print(f"render: generating {len(todo_clips)} sample footage clip(s)")
            generate_sample_footage(project, jobs=max(1, min(cores, 4)))
    plan = plan_for(project, target, options)
    out_dir = render_dir(project, target)
    out_dir.mkdir(parents=True, exist_ok=True)
    clean_partials(out_dir)
    result = RenderResult(target=target, directory=out_dir, plan=plan)
    fps = Fraction(project.config.programme.frame_rate).limit_denominator(1001)
    selected = project.select(module_ids or [])

    # 1. What is already done (cheap: stats and hashes of small files), what must be rendered.
    todo: list[Job] = []
    probes: dict[Path, FootageProbe] = {}
    for module in selected:
        key = module_key(project, module, plan, options)
        entry = read_cache_entry(cache_file(project, target, module.id))
        if entry.get("key") == key and outputs_current(entry, out_dir):
            result.modules.append(ModuleRender(module.id, out_dir / f"{base_name(module)}.mp4",
                                               float(entry["duration"]), False))
            continue
        shared = _share_usb_render(project, module, plan, options, key, out_dir, console)
        if shared is not None:
            result.modules.append(shared)
            continue
        todo.append(Job(module=module, plan=plan, fps=fps, key=key, out_dir=out_dir, cues={}, probes=probes,
                        options=options))

    # 2. Check every input before encoding anything. Meanwhile the lower-thirds (which the video encodes
    #    overlay) are composed with moviepy in another thread: probing waits on ffmpeg, so composing them
    #    costs no time on the way to the first encode.
    #    The images of the burned-in subtitles are drawn (by ffmpeg processes) as soon as a module's
    #    cues are read, so they are ready when its encode starts.
    graphics_pool = ThreadPoolExecutor(max_workers=1)
    lower_thirds = graphics_pool.submit(_make_lower_thirds, project, plan, todo) if todo else None
    graphics_pool.shutdown(wait=False)
    states_pool = ThreadPoolExecutor(max_workers=1)
    problems: list[PackagerError] = []
    for job in todo:
        module = job.module
        try:
            for lang in project.languages:
                path = module.subtitle_path(lang)
                if path.is_file():
                    job.cues[lang] = read_srt(path)
                elif lang == project.source_language:
                    raise PackagerError(f"module {module.id}: source subtitles not found", path=path,
                                        hint="write the transcript, or fix the module's `subtitles` field")
                else:
                    warning = (f"module {module.id}: no {lang} subtitles ({path.relative_to(project.root)}): "
                               f"rendered without burned-in subtitles")
                    result.warnings.append(warning)
                    console.print(f"[yellow]warning:[/] {warning}")
            job.states = states_pool.submit(_draw_subtitles, job)  # needs only the cues: starts now
            check_inputs(job)
        except PackagerError as exc:
            # Nothing is written or removed: the outputs of an earlier render stay as render.json lists them.
            problems.append(exc)
    states_pool.shutdown(wait=bool(problems))  # never leave a thread drawing behind an error
    if lower_thirds is not None:
        if problems:
            with contextlib.suppress(Exception):
                lower_thirds.result()  # never leave a thread composing behind an error
        else:
            lower_thirds.result()
    if problems:
        raise problems[0] if len(problems) == 1 else CheckFailed(problems)

    # 3. Each module's audio starts in the background (other processes, lower priority); then the video
    #    encodes start, `jobs` at a time, and meanwhile the opening and closing cards are composed and
    #    encoded to short clips in the background (only the final mux needs them).
    if todo:
        jobs = max(1, min(jobs or min(2, cores), len(todo)))
        audio_pool = ThreadPoolExecutor(max_workers=jobs)
        card_pool = ThreadPoolExecutor(max_workers=1)
        try:
            scratch = project.cache_dir / "render-tmp"
            scratch.mkdir(parents=True, exist_ok=True)
            sweep_scratch(scratch)
            for job in todo:  # in programme order, so each module's audio is ready when its video is
                job.tmp = Path(tempfile.mkdtemp(prefix=f"{job.name}-{os.getpid()}-", dir=scratch))
                prepare_files(job)
                job.audio = audio_pool.submit(cached_audio, job, job.tmp, audio.encode_audio, version=RENDER_VERSION,
                                              cache_root=_segments_dir(project))
            for job in todo:
                job.cards = card_pool.submit(_make_cards, project, plan, job, options.preset)
            result.modules += _run_jobs(todo, jobs=jobs, cores=cores, options=options, console=console,
                                        cache=lambda m: cache_file(project, target, m.id))
            sweep_segments(_segments_dir(project), target, (plan.width, plan.height),
                           {base_name(m) for m in project.modules})
        finally:
            for job in todo:
                for future in (job.states, job.audio, job.cards):
                    if future is not None:
                        future.cancel()
            # After Ctrl-C, nothing waits for a card moviepy is still composing (it cannot be stopped, and
            # its children are already killed): the working folders go now, the CLI exits at once.
            waiting = not interrupt.interrupted.is_set()
            audio_pool.shutdown(wait=waiting)
            card_pool.shutdown(wait=waiting)
            for job in todo:
                if job.tmp is not None:
                    shutil.rmtree(job.tmp, ignore_errors=True)

    order = {m.id: m.order for m in project.modules}
    result.modules.sort(key=lambda r: order[r.module_id])

    # 4. The full programme and the manifest.
    programme_and_manifest(project, target, plan, result, console, options)
    return result


def _share_usb_render(project: Project, module: Module, plan: Plan, options: RenderOptions, key: str,
                      out_dir: Path, console: Console) -> ModuleRender | None:
    """dvd or cd: the module's current usb render, taken as it is (hard-linked, else copied) instead of
    encoded again, when it fits this target's plan (the same frame size) and its share of the budget
    (its bytes no more than the plan's video and audio rates over its runtime allow)."""
    if plan.target == "usb" or plan.video_kbps is None:
        return None
    usb_plan = plan_for(project, "usb", options)
    usb_dir = render_dir(project, "usb")
    entry = read_cache_entry(cache_file(project, "usb", module.id))
    if (usb_plan.width, usb_plan.height) != (plan.width, plan.height) or not entry \
            or entry.get("key") != module_key(project, module, usb_plan, options) \
            or not outputs_current(entry, usb_dir):
        return None
    name = base_name(module)
    size = (usb_dir / f"{name}.mp4").stat().st_size
    runtime = module_runtime(module)
    allowed = (plan.video_kbps + plan.audio_kbps) * 1000 / 8 * runtime
    if size > allowed:
        return None
    started = time.monotonic()
    produced = list(entry["outputs"])
    for file_name in produced:
        with atomic_path(out_dir / file_name) as tmp:
            tmp.unlink()
            try:
                os.link(usb_dir / file_name, tmp)
            except OSError:
                shutil.copyfile(usb_dir / file_name, tmp)
    make_readable(out_dir, produced)
    write_text(cache_file(project, plan.target, module.id), json.dumps(
        dict(entry, key=key, outputs=output_record(out_dir, produced), shared_from="usb"), indent=1) + "\n")
    console.print(f"render: {name}.mp4 taken from the usb render, not encoded again: it fits {plan.target}'s "
                  f"plan ({plan.width}×{plan.height}; {size * 8 / 1000 / runtime:.0f} kb/s within the "
                  f"{plan.video_kbps + plan.audio_kbps} kb/s of its budget)")
    return ModuleRender(module.id, out_dir / f"{name}.mp4", runtime, True, time.monotonic() - started,
                        shared_from="usb")


def _segments_dir(project: Project) -> Path:
    return project.cache_dir / "render-cache" / "segments"


def _cards_dir(project: Project) -> Path:
    return project.cache_dir / "render-cache" / "cards"


def _make_lower_thirds(project: Project, plan: Plan, todo: list[Job]) -> None:
    """The speakers' lower-thirds of every module to render (PNGs with alpha, composed once and cached)."""
    languages = project.languages
    for job in todo:
        module = job.module
        for speaker in sorted(module.definition.speakers, key=lambda s: s.first_appearance):
            if speaker.first_appearance < module.footage_seconds:
                png = lower_third(_cards_dir(project), width=plan.width, height=plan.height, name=speaker.name,
                                  roles={lang: speaker.role(lang) for lang in languages}, languages=languages)
                job.lower_thirds.append((png, speaker.first_appearance))


def _draw_subtitles(job: Job) -> BurnOverlay | None:
    """The images of the target-language subtitles to burn in (drawn once, cached; see burn.py)."""
    module = job.module
    target = module.project.target_language
    try:
        return cached_states(job.cues.get(target, []), until=module.footage_seconds, width=job.plan.width,
                             height=job.plan.height, cache_dir=module.project.cache_dir / "render-cache" / "subtitles",
                             name=job.name)  # on the footage timeline
    except ffmpeg.FFmpegFailed as exc:
        raise PackagerError(f"module {module.id}: libass could not draw the {target} subtitles:\n{exc.tail()}",
                            path=module.subtitle_path(target), hint="look for unusual characters or markup "
                            "in the cues (`packager qa` checks them)") from None


def _make_cards(project: Project, plan: Plan, job: Job, preset: str) -> tuple[Path, Path]:
    """A module's opening and closing cards: composed with moviepy (cached images), encoded to short clips
    (cached too; the closing card is the same for every module). Runs while the module's video encodes."""
    languages = project.languages
    programme_title = {lang: project.config.programme.title(lang) for lang in languages}
    credits = {lang: list(getattr(project.config.programme, f"credits_{lang}", [])) for lang in languages}
    module = job.module
    job.opening_png = opening_card(_cards_dir(project), width=plan.width, height=plan.height,
                                   programme=programme_title, module={lang: module.title(lang) for lang in languages},
                                   order=module.order, duration_text=_duration_text(job.duration),
                                   languages=languages)
    job.closing_png = closing_card(_cards_dir(project), width=plan.width, height=plan.height,
                                   programme=programme_title, credits=credits, languages=languages)
    return (card_clip(job.opening_png, plan, job.fps, preset), card_clip(job.closing_png, plan, job.fps, preset))


def _run_jobs(todo: list[Job], *, jobs: int, cores: int, options: RenderOptions, console: Console,
              cache) -> list[ModuleRender]:
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    # Segments encode one per core at once across all modules (segment_encode.py); x264 threads per encode
    # are chosen there from the segments left to encode, unless the options fix them.
    threads = options.threads
    done: list[ModuleRender] = []
    errors: list[PackagerError] = []
    lock = threading.Lock()
    with Progress(TextColumn("render {task.description}"), BarColumn(), TaskProgressColumn(),
                  TimeRemainingColumn(), console=console, transient=True,
                  disable=not console.is_terminal) as progress:
        # a bar per module being encoded (the ones waiting for a free job are hidden until they start)
        tasks = {job.name: progress.add_task(job.name, total=job.duration, start=False, visible=False)
                 for job in todo}

        def work(job: Job) -> None:
            task = tasks[job.name]
            progress.start_task(task)
            progress.update(task, visible=True)

            def on_time(seconds: float, total: float) -> None:
                progress.update(task, completed=seconds, total=total)

            try:
                rendered = _encode_module(job, threads=threads, preset=options.preset, on_time=on_time,
                                          cache_path=cache(job.module))
            except PackagerError as exc:
                with lock:
                    errors.append(exc)
                progress.update(task, visible=False)
                return
            progress.update(task, completed=progress.tasks[task].total, visible=False)
            with lock:
                done.append(rendered)
            console.print(f"render: {job.name}.mp4  {rendered.duration:.1f} s of video in {rendered.seconds:.1f} s "
                          f"({rendered.realtime:.1f}× realtime; {rendered.segments_reused} of {rendered.segments} "
                          f"segments reused)")

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(work, todo))
    if errors:
        raise errors[0] if len(errors) == 1 else CheckFailed(errors)
    return done
