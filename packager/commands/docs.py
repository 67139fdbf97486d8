"""`packager docs`: the workbooks, the introduction booklet, the synthesis and the trainer guide."""

from __future__ import annotations

import click

from ..cli import AppContext, pass_app


@click.command("docs")
@click.option("--pdf/--no-pdf", default=True, show_default=True,
              help="Also write a PDF of each document (needs LibreOffice; skipped with a note when absent).")
@pass_app
def command(app: AppContext, pdf: bool) -> None:
    """Write the printed documents to dist/documents/.

    \b
    cahier-NN-<id>.docx    one bilingual workbook per module: cover, how to use it, the outline
                           with timecodes, the video text French | Spanish, reflection questions
                           with room to write, glossary
    introduction.docx      the introduction booklet (workbooks/<lang>/booklet.md), French then Spanish
    analyse-synthese.docx  the six enterprises × nine themes matrix and the interviews' key points
    guide-formateur.docx   the trainer guide: the session plan computed from the modules' real
                           durations and [training] hours/sessions/break_minutes (it says what it
                           had to shorten), the guide's text, a materials checklist

    The same names in .pdf when LibreOffice (soffice) is installed, and manifest.json.
    Spanish machine drafts are marked [BORRADOR], translations whose French changed [A REVISAR].
    Only documents whose inputs changed are rebuilt. Exit 2 when an input is wrong (e.g. a plan's minutes cell is not a number), naming the file.
    """
    from ..documents.build import build_documents

    project = app.project
    result = build_documents(project, pdf=pdf, console=app.err)
    pdfs = sum(1 for d in result.documents if d["pdf"])
    line = (f"docs: {len(result.documents)} documents in {result.out_dir} "
            f"({len(result.built)} written, {len(result.reused)} unchanged; {pdfs} PDF)")
    if result.pdf_skipped:
        line += f" — PDFs skipped: {result.pdf_skipped}"
    app.out.print(line + f" in {result.seconds:.1f} s")
