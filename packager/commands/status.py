"""`packager status`: the producer's dashboard, one row per module."""

from __future__ import annotations

import click
from rich.table import Table

from ..cli import AppContext, pass_app
from ..dashboard import documents_review, module_rows


@click.command("status")
@pass_app
def command(app: AppContext) -> None:
    """Show, per module: footage, cues per language, target cues approved (and in which state the
    others are), QA errors, whether the workbook is built, for which media the video is rendered (or
    out of date), and when a kit went out and came back.

    Reads what is on disk; writes nothing and renders nothing.
    """
    project = app.project
    src, tgt = project.source_language.upper(), project.target_language.upper()
    table = Table(title=f"{project.config.programme.title(project.source_language)} — status",
                  title_justify="left", header_style="bold")
    for header, justify in (("#", "right"), ("module", "left"), ("kind", "left"), ("footage", "left"),
                            (f"{src} cues", "right"), (f"{tgt} cues", "right"), (f"{tgt} approved", "left"),
                            ("QA errors", "right"), ("workbook", "left"), ("video", "left"), ("kit", "left")):
        # The review cell is what people scan for: it never wraps; the others give way first.
        table.add_column(header, justify=justify, no_wrap=header in (f"{tgt} approved", "module"))
    for row in module_rows(project):
        table.add_row(str(row.order), row.module_id, row.kind, row.footage, row.source_cues, row.target_cues,
                      row.review, row.qa_errors, row.documents, row.video, row.kit)
    app.out.print(table)
    app.out.print(f"workbook texts, {tgt} approved: {documents_review(project)}  (questions, booklet, guide, synthesis)")
    from ..video.footage_check import footage_shapes

    for name, shape in footage_shapes(project, store=False):  # what packager understood of each footage file
        app.out.print(f"footage: {name}  {shape}", highlight=False, markup=False)
