"""The analysis-synthesis document (analyse-synthese.docx), from workbooks/<lang>/synthesis.toml.

An introduction, the analysis matrix (one column per enterprise, one row per theme, each cell in the
source language then the target language in blue, on landscape pages), the key points of the
interviews and round table, and a conclusion; target units still in draft are marked.
"""

from __future__ import annotations

from ..project import WORKBOOKS_DIR, Project
from ..texts import toml_units
from .docx import DocWriter, add_line, add_run, fill_paragraph
from .model import Reviewer
from .writing import ADJECTIVE, ENGLISH_NAMES, ES, FR, NATIVE_NAMES, TITLES, WITH_ARTICLE, cover, pair, project_writer


def build_synthesis(project: Project) -> tuple[DocWriter, list[str]]:
    from ..config import ENTERPRISE_THEMES, read_toml
    from ..errors import PackagerError

    notes: list[str] = []
    base = project.root / WORKBOOKS_DIR
    source_path = base / project.source_language / "synthesis.toml"
    target_path = base / project.target_language / "synthesis.toml"
    fr, _ = read_toml(source_path)
    es = read_toml(target_path)[0] if target_path.is_file() else {}
    if not es:
        notes.append(f"{ENGLISH_NAMES[project.target_language]} text missing: "
                     f"{target_path.relative_to(project.root)}")
    reviewer = Reviewer(target_path if es else None)
    source_units = {unit.key: unit.text for unit in toml_units(fr)}
    target_units = {unit.key: unit.text for unit in toml_units(es)}
    drafts = 0

    def spanish(key: str) -> tuple[str, bool, bool]:
        nonlocal drafts
        text = target_units.get(key, "")
        draft = reviewer.is_draft(key, source_units.get(key, ""), text) if text else ""
        drafts += bool(draft)
        return text, draft, not text

    def both(key: str, style: str | None = None) -> None:
        if key in source_units:
            w.paragraph(source_units[key], style)
            text, draft, missing = spanish(key)
            w.mark(w.paragraph(text, "Spanish Text" if style is None else style, draft=draft, missing=missing), dst)

    src, dst = project.source_language, project.target_language
    # `fr` and `es` hold the source and the target file (French and Spanish for the sample).
    title = {src: fr.get("title") or TITLES["synthesis"][src], dst: es.get("title") or TITLES["synthesis"][dst]}
    w = project_writer(project, pair(TITLES["synthesis"]["fr"], TITLES["synthesis"]["es"]))
    cover(w, project, title)
    w.page_break()
    w.toc("Table des matières · Índice")
    w.page_break()
    w.heading(pair("Introduction", "Introducción"), 1)
    both("intro")

    matrix = fr.get("matrix", {})
    if not isinstance(matrix, dict) or not matrix:
        raise PackagerError("no [matrix.<enterprise-id>] tables", path=source_path,
                            hint="add one [matrix.<id>] table per enterprise with the nine theme keys")
    order = {m.id: m.order for m in project.modules}
    enterprises = sorted(matrix, key=lambda i: (order.get(i, 999), i))
    w.landscape()
    w.heading(pair("Matrice d'analyse", "Matriz de análisis"), 1)
    themes = list(ENTERPRISE_THEMES)
    extra = [t for module_id in enterprises for t in matrix[module_id] if t not in themes]
    themes += list(dict.fromkeys(extra))
    w.paragraph(f"{len(enterprises)} entreprises × {len(themes)} thèmes : chaque case donne le texte "
                f"{ADJECTIVE[FR][src]}, puis {WITH_ARTICLE[FR][dst]} en bleu.")
    w.paragraph(f"{len(enterprises)} empresas × {len(themes)} temas: cada casilla da el texto {ADJECTIVE[ES][src]} "
                f"y luego {WITH_ARTICLE[ES][dst]} en azul.", "Spanish Text")
    header, header_es = ["Thème · Tema"], [""]
    for module_id in enterprises:
        try:
            module = project.module(module_id)
            header.append(module.title(src))
            header_es.append(module.title(dst))
        except PackagerError:
            header.append(module_id)
            header_es.append("")
    first = 2.8
    rest = (w.text_width_cm() - first) / max(1, len(enterprises))
    table = w.table([header] + [[""] * len(header) for _ in themes], text_style="Matrix Text",
                    widths=[first] + [rest] * len(enterprises))
    for c, text in enumerate(header_es):
        if text:
            add_line(table.rows[0].cells[c], text, "Matrix Spanish")
    matrix_drafts: list[str] = []
    cells = table._cells
    for r, theme in enumerate(themes, start=1):
        theme_names = dict(zip((FR, ES), ENTERPRISE_THEMES.get(theme, (theme, theme))))
        name_fr, name_es = theme_names[src], theme_names[dst]  # source, then target in blue
        cell = cells[r * len(header)]
        cell.paragraphs[0].add_run(name_fr)
        add_line(cell, name_es, "Matrix Spanish")
        for c, module_id in enumerate(enterprises, start=1):
            key = f"matrix.{module_id}.{theme}"
            cell = cells[r * len(header) + c]
            text_fr = source_units.get(key, "")
            if not text_fr:
                notes.append(f"matrix cell missing: {module_id} × {theme}")
            fill_paragraph(cell.paragraphs[0], text_fr)
            text, draft, missing = spanish(key)
            matrix_drafts.append(draft)
            line = add_line(cell, text, "Matrix Spanish", draft=draft)
            if missing:
                add_run(line, w.missing_mark, "Draft Mark")
    if any(matrix_drafts):
        w.draft_note(matrix_drafts)
    w.portrait()

    key_points = fr.get("key_points", {})
    if not isinstance(key_points, dict) or not all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in key_points.values()):
        raise PackagerError("[key_points] must hold lists of strings, one list per module id", path=source_path,
                            hint='write e.g. collectif = ["first point", "second point"]')
    if key_points:
        w.heading(pair("Points clés des entrevues et de la table ronde",
                       "Puntos clave de las entrevistas y de la mesa redonda"), 1)
        for module_id, points in key_points.items():
            try:
                module = project.module(module_id)
                w.heading(pair(module.title(FR), module.title(ES)), 2)
            except PackagerError:
                w.heading(module_id, 2)
            w.heading(NATIVE_NAMES[src], 3)
            w.bullets(points)
            marks = [spanish(f"key_points.{module_id}.{i}") for i in range(1, len(points) + 1)]
            with w.language(dst):
                w.heading(NATIVE_NAMES[dst], 3)
                if any(m[1] for m in marks):
                    w.draft_note([m[1] for m in marks])
                for text, draft, missing in marks:
                    w.paragraph(text, "List Bullet", draft=draft, missing=missing)
    if "conclusion" in source_units:
        w.heading(pair("Conclusion", "Conclusión"), 1)
        both("conclusion")
    if drafts:
        notes.append(f"{drafts} draft unit(s)")
    return w, notes
