"""The printed documents: a bilingual workbook per module, the introduction booklet, the
analysis-synthesis document and the trainer guide (DOCX with real Word styles, PDF via LibreOffice).

`build.build_documents(project, pdf=True, console=None)` is the entry point (see docs/HELPERS.md).
"""
