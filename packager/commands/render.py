"""`packager render`: encode the modules and the full programme for one medium."""

from __future__ import annotations

import click

from ..cli import AppContext, pass_app
from ..video.targets import TARGETS


@click.command("render")
@click.argument("modules", nargs=-1, metavar="[MODULE]...")
@click.option("-t", "--target", type=click.Choice(TARGETS), default="usb", show_default=True,
              help="usb: 720p constant quality · dvd: bit rate fitted to a DVD-5 · "
                   "cd: bit rate and resolution fitted to a CD-R, programme as a playlist.")
@click.option("-j", "--jobs", type=click.IntRange(1, 16), default=None,
              help="Modules rendered in parallel  [default: 2 on 2+ cores; x264 gets cores ÷ jobs threads]")
@click.option("--preset", default="veryfast", show_default=True, hidden=True,
              help="x264 preset (for tests and benchmarks).")
@click.option("--size", default=None, hidden=True, metavar="WxH",
              help="Override the target's resolution (for tests).")
@pass_app
def command(app: AppContext, modules: tuple[str, ...], target: str, jobs: int | None, preset: str,
            size: str | None) -> None:
    """Render each module (all, or the MODULE ids given) and the full programme for a medium.

    \b
    Each module becomes dist/render/<target>/<NN>-<id>.mp4 (H.264 + AAC, faststart) in one ffmpeg
    encode: the edit list cut and joined (scaled and padded, never stretched), opening and closing
    cards, speaker lower-thirds, target-language subtitles burned in, soft subtitle tracks in both
    languages, chapters from the outline sections, loudness normalised to -23 LUFS (EBU R128).
    Sidecar .srt/.vtt and <NN>-<id>.chapters.json sit next to it. Then programme.mp4 (every module
    joined without re-encoding, a chapter per module) — or programme.m3u for cd — and render.json.

    Unchanged modules are not rendered again. A sample project first generates its footage.
    """
    from ..errors import PackagerError
    from ..preflight import refuse_what_check_refuses
    from ..video.render import RenderOptions, render_project

    dims = None
    if size:
        try:
            w, h = (int(v) for v in size.lower().split("x"))
            dims = (w - w % 2, h - h % 2)
        except ValueError:
            raise PackagerError(f"--size {size!r}: write it as WIDTHxHEIGHT, e.g. 640x360") from None
    project = app.project
    refuse_what_check_refuses(project, "render", project.select(modules))
    result = render_project(project, target, list(modules), jobs=jobs, console=app.err,
                            options=RenderOptions(size=dims, preset=preset))
    made = len(result.rendered)
    reused = len(result.modules) - made
    segments = sum(m.segments for m in result.rendered)
    cached = sum(m.segments_reused for m in result.rendered)
    how = f" ({cached} of their {segments} segments reused from earlier renders)" if cached else ""
    shared = sum(1 for m in result.rendered if m.shared_from)
    how += f" ({shared} taken from the usb render, which fits {target})" if shared else ""
    app.out.print(f"render: {made} module(s) rendered{how}, {reused} unchanged, for {target} "
                  f"({result.plan.width}×{result.plan.height}) → {result.directory.relative_to(project.root)}/")
    if result.programme is not None:
        app.out.print(f"  programme: {result.programme.name}, {result.runtime / 60:.1f} min")
