"""`packager kit`: the translator's kit, one zip to review the Spanish drafts offline."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import AppContext, pass_app


@click.command("kit")
@click.argument("module_ids", metavar="[MODULE...]", nargs=-1)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The kit to write, FILE.zip (with --per-module: FILE-<module>.zip for each module).")
@click.option("--per-module", is_flag=True, help="One zip per module instead of one for all.")
@click.option("--no-proxy", is_flag=True, help="Leave the proxy videos out (a small kit, texts only).")
@click.option("--preset", default="veryfast", show_default=True,
              type=click.Choice(["ultrafast", "superfast", "veryfast", "faster", "fast", "medium"]),
              help="x264 preset of the proxies (faster = bigger file at the same quality).")
@pass_app
def command(app: AppContext, module_ids: tuple[str, ...], output: Path, per_module: bool, no_proxy: bool,
            preset: str) -> None:
    """Make the translator's kit: per module a 360p proxy video (French subtitles and a running
    timecode burned in) and the Spanish drafts as DOCX, SRT and XLIFF; the glossary (DOCX, CSV); the
    QA report of the drafts; the workbook texts still in draft; LEAME.txt / LISEZMOI.txt; a manifest.

    The translator edits and sends the kit back; `packager review import KIT.zip` takes it back in one
    go. `packager status` shows when each module's kit went out and came back.
    """
    from ..review.kit import build_kit

    project = app.project
    modules = sorted({m: project.module(m) for m in module_ids}.values(), key=lambda m: m.order) \
        if module_ids else list(project.modules)
    if output.suffix.lower() != ".zip":
        output = output.with_name(output.name + ".zip")
    if per_module:
        jobs = [([m], output.with_name(f"{output.stem}-{m.id}.zip")) for m in modules]
    else:
        jobs = [(modules, output)]
    with app.err.status("kit") as status:
        for group, path in jobs:
            result = build_kit(project, group, path, proxy=not no_proxy, preset=preset,
                               general_documents=None if not per_module else False,
                               on_step=lambda msg: status.update(f"kit: {msg}"))
            app.out.print(f"kit: {result.path} ({len(result.modules)} module(s), {result.size / 1e6:.1f} MB)")
