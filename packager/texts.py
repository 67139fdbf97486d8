"""Document units: the translatable pieces of the workbook texts, with structural, stable keys.

The workbook texts are small Markdown files (`workbooks/<lang>/booklet.md`, `guide.md`) and TOML
files (`workbooks/<lang>/questions/<id>.toml`, `synthesis.toml`). The source-language file is the
reference; the target-language file has the same structure (block-aligned), so every piece of text
has a key that names the same place in both:

- Markdown, one block per blank-line-separated group, numbered from 1: ``b012`` (heading or
  paragraph 12), ``b013.i2`` (second item of the list in block 13), ``b014.r2.c1`` (table in block 14,
  row 2, column 1; row 1 is the header row).
- TOML, by path, list items counted from 1: ``title``, ``question.3.text``,
  ``matrix.entreprise-a.financement``, ``key_points.collectif.2``.

The Markdown subset: ``#``/``##``/``###`` headings, paragraphs (consecutive lines are joined by a
space), lists of ``- `` items, pipe tables (header, ``|---|`` separator, rows). A paragraph that starts
with ``Source :`` / ``Fuente:`` is a source line (it follows the table or the fact it sources).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .atomic import write_text
from .errors import PackagerError

if TYPE_CHECKING:
    from .project import Project

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^\s*[-*+]\s+(.*)$")
_SEPARATOR_CELL = re.compile(r"^\s*:?-{1,}:?\s*$")
_SOURCE = re.compile(r"^(source|sources|fuente|fuentes)\s*:", re.IGNORECASE)

# TOML string keys that name things rather than say them: never translated, not units.
NON_TEXT_KEYS = frozenset({"section", "id", "theme", "module", "kind", "lang"})


# ---------------------------------------------------------------------------------------------- model


@dataclass(frozen=True)
class TextUnit:
    """One translatable piece: its key, its kind (heading, paragraph, source, item, cell, string), its text."""

    key: str
    kind: str
    text: str


@dataclass
class TextDocument:
    """A source file, the target file that mirrors it, and the units of the source."""

    doc_id: str
    source_path: Path
    target_path: Path
    units: list[TextUnit] = field(default_factory=list)

    def unit(self, key: str) -> TextUnit | None:
        return next((u for u in self.units if u.key == key), None)


@dataclass
class Block:
    """One Markdown block. `key` is ``bNNN``; list items and table cells are keyed below it."""

    number: int
    kind: str  # heading | paragraph | source | list | table
    line: int  # 1-based line of its first line in the file
    text: str = ""
    level: int = 0  # heading level
    items: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)  # table rows, the header first
    align: list[str] = field(default_factory=list)  # separator cells as written (---, :--, --:)

    @property
    def key(self) -> str:
        return block_key(self.number)

    def units(self) -> list[TextUnit]:
        if self.kind == "list":
            return [TextUnit(f"{self.key}.i{i}", "item", t) for i, t in enumerate(self.items, start=1)]
        if self.kind == "table":
            return [TextUnit(f"{self.key}.r{r}.c{c}", "cell", t)
                    for r, row in enumerate(self.rows, start=1) for c, t in enumerate(row, start=1)]
        return [TextUnit(self.key, self.kind, self.text)]


def block_key(number: int) -> str:
    return f"b{number:03d}"


# ---------------------------------------------------------------------------------------------- Markdown


def _split_row(line: str) -> list[str]:
    """Cells of a pipe-table row; ``\\|`` is a literal bar inside a cell."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells, current, i = [], "", 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body) and body[i + 1] == "|":
            current += "|"
            i += 2
            continue
        if body[i] == "|":
            cells.append(current.strip())
            current = ""
        else:
            current += body[i]
        i += 1
    cells.append(current.strip())
    return cells


def _is_table_line(line: str) -> bool:
    return line.lstrip().startswith("|")


def parse_markdown(text: str, path: Path | None = None) -> list[Block]:
    """Blocks of the Markdown subset, in order. A malformed table is a PackagerError naming the line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    groups: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            if current:
                groups.append((start, current))
                current = []
            continue
        # A heading is a block of its own even without blank lines around it.
        if _HEADING.match(line):
            if current:
                groups.append((start, current))
            groups.append((number, [line]))
            current = []
            continue
        if current and _is_table_line(line) != _is_table_line(current[-1]):
            groups.append((start, current))
            current = []
        if current and _ITEM.match(line) and not _ITEM.match(current[-1]) and not _is_table_line(line):
            groups.append((start, current))
            current = []
        if not current:
            start = number
        current.append(line)
    if current:
        groups.append((start, current))

    blocks: list[Block] = []
    for start, group in groups:
        number = len(blocks) + 1
        heading = _HEADING.match(group[0])
        if heading:
            blocks.append(Block(number, "heading", start, text=heading.group(2).strip(), level=len(heading.group(1))))
        elif _is_table_line(group[0]):
            rows = [_split_row(line) for line in group]
            if len(rows) < 2 or not all(_SEPARATOR_CELL.match(c) for c in rows[1]):
                raise PackagerError("a table needs a header row, then a separator row like |---|---|",
                                    path=path, where=f"line {start + 1}",
                                    hint="add the |---|---| line under the table's header")
            width = len(rows[0])
            for offset, row in enumerate(rows):
                if len(row) != width:
                    raise PackagerError(f"this table row has {len(row)} cells, the header has {width}",
                                        path=path, where=f"line {start + offset}",
                                        hint="give every row as many | cells as the header")
            blocks.append(Block(number, "table", start, rows=[rows[0], *rows[2:]],
                                align=[c.strip() for c in rows[1]]))
        elif all(_ITEM.match(line) for line in group):
            blocks.append(Block(number, "list", start, items=[_ITEM.match(line).group(1).strip() for line in group]))
        elif _ITEM.match(group[0]):
            # An item continued on the next lines: join continuation lines to their item.
            items: list[str] = []
            for line in group:
                match = _ITEM.match(line)
                if match:
                    items.append(match.group(1).strip())
                else:
                    items[-1] += " " + line.strip()
            blocks.append(Block(number, "list", start, items=items))
        else:
            paragraph = " ".join(line.strip() for line in group)
            kind = "source" if _SOURCE.match(paragraph) else "paragraph"
            blocks.append(Block(number, kind, start, text=paragraph))
    return blocks


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    return _one_line(text).replace("|", "\\|")


def format_markdown(blocks: list[Block]) -> str:
    """The canonical text of blocks: one blank line between blocks, one line per paragraph."""
    out: list[str] = []
    for block in blocks:
        if block.kind == "heading":
            out.append(f"{'#' * block.level} {_one_line(block.text)}")
        elif block.kind == "list":
            out.append("\n".join(f"- {_one_line(item)}" for item in block.items))
        elif block.kind == "table":
            lines = ["| " + " | ".join(_cell(c) for c in block.rows[0]) + " |",
                     "|" + "|".join(block.align) + "|"]
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows[1:]]
            out.append("\n".join(lines))
        else:
            out.append(_one_line(block.text))
    return "\n\n".join(out) + "\n"


def _apply_markdown(blocks: list[Block], texts: dict[str, str]) -> list[Block]:
    result = []
    for block in blocks:
        key = block.key
        if block.kind == "list":
            items = [texts.get(f"{key}.i{i}", t) for i, t in enumerate(block.items, start=1)]
            result.append(Block(block.number, block.kind, block.line, items=items))
        elif block.kind == "table":
            rows = [[texts.get(f"{key}.r{r}.c{c}", t) for c, t in enumerate(row, start=1)]
                    for r, row in enumerate(block.rows, start=1)]
            result.append(Block(block.number, block.kind, block.line, rows=rows, align=block.align))
        else:
            result.append(Block(block.number, block.kind, block.line, text=texts.get(key, block.text),
                                level=block.level))
    return result


# ---------------------------------------------------------------------------------------------- TOML


def _is_text_key(name: str) -> bool:
    return name not in NON_TEXT_KEYS


def toml_units(data: dict[str, Any], prefix: str = "") -> list[TextUnit]:
    """String leaves of a TOML table, keyed by path (lists and arrays of tables counted from 1)."""
    units: list[TextUnit] = []
    for name, value in data.items():
        key = f"{prefix}{name}"
        if isinstance(value, str):
            if _is_text_key(name):
                units.append(TextUnit(key, "string", value))
        elif isinstance(value, dict):
            units += toml_units(value, key + ".")
        elif isinstance(value, list):
            for i, item in enumerate(value, start=1):
                if isinstance(item, str):
                    units.append(TextUnit(f"{key}.{i}", "item", item))
                elif isinstance(item, dict):
                    units += toml_units(item, f"{key}.{i}.")
    return units


def _apply_toml(data: Any, texts: dict[str, str], prefix: str) -> Any:
    if isinstance(data, dict):
        out = {}
        for name, value in data.items():
            key = f"{prefix}{name}"
            if isinstance(value, str):
                out[name] = texts.get(key, value) if _is_text_key(name) else value
            elif isinstance(value, dict):
                out[name] = _apply_toml(value, texts, key + ".")
            elif isinstance(value, list):
                out[name] = _apply_toml(value, texts, key)
            else:
                out[name] = value
        return out
    if isinstance(data, list):
        out_list = []
        for i, item in enumerate(data, start=1):
            if isinstance(item, str):
                out_list.append(texts.get(f"{prefix}.{i}", item))
            elif isinstance(item, dict):
                out_list.append(_apply_toml(item, texts, f"{prefix}.{i}."))
            else:
                out_list.append(item)
        return out_list
    return data


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _toml_key(name: str) -> str:
    return name if _BARE_KEY.match(name) else toml_string(name)


def toml_string(text: str) -> str:
    """A TOML basic string (one line; quotes, backslashes and control characters escaped)."""
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value) and value:
            return "[\n" + "".join(f"    {toml_string(v)},\n" for v in value) + "]"
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} in TOML")


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def format_toml(data: dict[str, Any]) -> str:
    """TOML text with the structure the workbook files use: scalars, [tables], [[arrays of tables]]."""
    sections: list[str] = []

    def emit(table: dict[str, Any], path: list[str], header: str | None) -> None:
        scalars = [(k, v) for k, v in table.items() if not isinstance(v, dict) and not _is_table_array(v)]
        lines = [header] if header else []
        lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in scalars]
        if scalars or (header and header.startswith("[[")):
            # Top-level strings are long paragraphs: a blank line between them, as authors write them.
            sections.append(("\n" if header else "\n\n").join(lines))
        for name, value in table.items():
            sub = [*path, name]
            dotted = ".".join(_toml_key(p) for p in sub)
            if isinstance(value, dict):
                emit(value, sub, f"[{dotted}]")
            elif _is_table_array(value):
                for item in value:
                    emit(item, sub, f"[[{dotted}]]")

    emit(data, [], None)
    return "\n\n".join(sections) + "\n"


def _read_toml(path: Path) -> dict[str, Any]:
    from .config import read_toml

    data, _text = read_toml(path)
    return data


# ---------------------------------------------------------------------------------------------- files


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PackagerError("file not found", path=path) from None
    except UnicodeDecodeError as exc:
        raise PackagerError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=path,
                            hint="save the file as UTF-8") from None


def read_markdown(path: Path) -> list[Block]:
    return parse_markdown(_read_text(path), path)


def file_units(path: Path) -> list[TextUnit]:
    """The units of one workbook file (.md or .toml), in file order."""
    path = Path(path)
    if path.suffix == ".md":
        return [unit for block in read_markdown(path) for unit in block.units()]
    if path.suffix == ".toml":
        return toml_units(_read_toml(path))
    raise PackagerError("not a workbook text (expected .md or .toml)", path=path)


def read_units(path: Path | str) -> dict[str, str]:
    """key → text for one workbook file; an empty dict when the file does not exist."""
    path = Path(path)
    if not path.is_file():
        return {}
    return {unit.key: unit.text for unit in file_units(path)}


def _leading_comments(path: Path) -> str:
    """The comment lines at the top of an existing TOML file (kept when the file is rewritten)."""
    if not path.is_file():
        return ""
    kept = []
    for line in _read_text(path).splitlines():
        if line.startswith("#") or (not line.strip() and kept):
            kept.append(line)
        else:
            break
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept) + "\n\n" if kept else ""


def render_target(doc: TextDocument, texts: dict[str, str]) -> str:
    """The target file's text: the source's structure with `texts` in place (source text where missing)."""
    if doc.source_path.suffix == ".md":
        return format_markdown(_apply_markdown(read_markdown(doc.source_path), texts))
    data = _apply_toml(_read_toml(doc.source_path), texts, "")
    return _leading_comments(doc.target_path) + format_toml(data)


def write_target(doc: TextDocument, texts: dict[str, str]) -> None:
    """Write the target-language file with the source's structure, atomically.

    Keys missing from `texts` keep the source text, so the file stays aligned with its source.
    """
    write_text(doc.target_path, render_target(doc, texts))


def project_documents(project: Project) -> list[TextDocument]:
    """The project's workbook texts whose source file exists: each module's questions, then the
    booklet, the trainer guide and the synthesis."""
    from .project import WORKBOOKS_DIR

    src, dst = project.source_language, project.target_language
    documents: list[TextDocument] = []
    for module in project.modules:
        source = module.questions_path(src)
        target = module.questions_path(dst)
        if source is not None and target is not None and source.is_file():
            documents.append(TextDocument(f"questions/{module.id}", source, target, file_units(source)))
    base = project.root / WORKBOOKS_DIR
    for doc_id, name in (("booklet", "booklet.md"), ("guide", "guide.md"), ("synthesis", "synthesis.toml")):
        source = base / src / name
        if source.is_file():
            documents.append(TextDocument(doc_id, source, base / dst / name, file_units(source)))
    return documents
