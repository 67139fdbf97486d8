"""`packager kit`: the translator's kit, one zip to review the Spanish drafts offline."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import AppContext, pass_app
from ..paths import output_file_option


@click.command("kit")
@click.argument("module_ids", metavar="[MODULE...]", nargs=-1)
@output_file_option("-o", "--output", required=True,
                    help="The kit to write, FILE.zip (with --per-module: FILE-<module>.zip for each module), "
                         "in a folder that exists.")
@click.option("--per-module", is_flag=True, help="One zip per module instead of one for all.")
@click.option("--no-proxy", is_flag=True, help="Leave the proxy videos out (a small kit, texts only).")
@click.option("--documents/--no-documents", "documents", default=None,
              help="Include (or leave out) the drafts of the booklet, the synthesis and the trainer guide. "
                   "Default: in a kit of every module only, so two translators are not sent the same texts.")
@click.option("--preset", default="veryfast", show_default=True,
              type=click.Choice(["ultrafast", "superfast", "veryfast", "faster", "fast", "medium"]),
              help="x264 preset of the proxies: faster presets encode sooner, at a lower picture quality "
                   "(the bit rate, hence the size, stays the same).")
@pass_app
def command(app: AppContext, module_ids: tuple[str, ...], output: Path, per_module: bool, no_proxy: bool,
            documents: bool | None, preset: str) -> None:
    """Make the translator's kit: one zip to review the Spanish offline, with Word or LibreOffice.

    \b
    packager kit -o kit.zip                          (every module)
    packager kit entreprise-a -o kit-a.zip           (one module)
    packager kit --per-module -o kit.zip             (kit-entreprise-a.zip, kit-entreprise-b.zip…)
    packager kit entreprise-a --documents -o k.zip   (one module and the booklet, synthesis, guide)

    Per module: a 360p proxy video (French subtitles with their numbers and a running timecode
    burned in) and the Spanish as DOCX, SRT and XLIFF. Also the glossary (DOCX, CSV), the QA report
    of the drafts, the workbook texts still in draft, LEAME.txt / LISEZMOI.txt (the translator's
    instructions) and a manifest of what was sent.

    When the translator sends it back, import the returned zip (or its unzipped folder) with
    `packager review import RETURNED.zip`; `packager status` shows when each module's kit went out
    and came back.
    """
    from ..review.kit import build_kit

    if per_module and documents:
        raise click.UsageError("--documents puts the booklet, synthesis and guide in one kit, not in each of "
                               "--per-module's: make one more kit for them (packager kit MODULE --documents -o "
                               "FILE.zip)")
    project = app.project
    modules = project.select(module_ids)
    if output.suffix.lower() != ".zip":
        output = output.with_name(output.name + ".zip")
    if per_module:
        jobs = [([m], output.with_name(f"{output.stem}-{m.id}.zip")) for m in modules]
    else:
        jobs = [(modules, output)]
    made = []
    with app.err.status("kit") as status:
        for group, path in jobs:
            result = build_kit(project, group, path, proxy=not no_proxy, preset=preset,
                               general_documents=False if per_module else documents,
                               on_step=lambda msg: status.update(f"kit: {msg}"))
            made.append(result)
            app.out.print(f"kit: {result.path} ({len(result.modules)} module(s), {result.size / 1e6:.1f} MB)",
                          highlight=False)
    them = "it" if len(made) == 1 else "them"
    app.out.print(f"next: give {them} to the translator (LEAME.txt / LISEZMOI.txt inside say what to do);",
                  highlight=False)
    # Not the kit just written: the translator's returned copy, which has their changes.
    app.out.print(f"      when the translator sends {them} back: packager review import <the returned zip or folder>",
                  highlight=False, soft_wrap=True, markup=False)
