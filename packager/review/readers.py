"""Readers of returned files: DOCX (Word, LibreOffice), SRT (any subtitle editor), XLIFF 2.0 and 1.2.

Each turns the bytes of one returned file into a `returns.ReturnedFile` of `ReturnedUnit`s (text,
approval, comment, timing, what the export carried), refusing with a clear message what it cannot
read. A new return format only needs a reader here producing the same records; importer.py applies
the same rules to all of them.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..errors import PackagerError
from .export import XLIFF_NS, is_approve_word, is_unapprove_word, parse_tc_pair
from .returns import ReturnedFile, ReturnedUnit
from .word_table import parse_cue_cell, parse_doc_cell, parse_identity


def _clean(text: str) -> str:
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").replace("\v", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


def parse_docx(data: bytes, label: str) -> ReturnedFile:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise PackagerError(f"not a readable DOCX file ({exc})", path=label,
                            hint="send back the file as exported, saved as .docx (Word) from Word or LibreOffice") from None
    identity = None
    for paragraph in document.paragraphs[:8]:
        identity = parse_identity(paragraph.text)
        if identity:
            break
    if identity is None:
        identity = parse_identity(document.core_properties.subject or "")
    if not document.tables:
        what = "the review table is missing" if identity else "this DOCX is not a packager review file (no table of cues)"
        raise PackagerError(what, path=label, hint="import the file packager exported, with its table of cues")
    table = document.tables[0]
    if identity is None:
        # Word users delete "odd grey text": without its identity line the file is still read, as a
        # file that carries nothing (compared with the project's text now, like a bare SRT).
        module_id = module_from_name(label)
        if module_id is None or len(table.columns) < 6:
            raise PackagerError("this DOCX is not a packager review file (its identity line is missing and "
                                "its name does not say the module)", path=label,
                                hint="import the file packager exported, named as it was (01-module.es.docx)")
        identity = {"kind": "module", "id": module_id, "exported": None, "kit": None}
    comments = _word_comments(document)
    documents = identity["kind"] == "documents"
    result = ReturnedFile(label=label, kind="docx", module_id=None if documents else identity["id"],
                          exported=identity["exported"], kit=identity["kit"], documents=documents)
    for row_number, row in enumerate(table.rows[1:], start=2):
        cells = [_cell_text(cell) for cell in row.cells]
        # Word's Review › New comment on the row: the unit's comment, after what its column says.
        comment_column = 4 if documents else 5
        balloons = [comments[i] for cell in row.cells for i in _comment_ids(cell) if comments.get(i)]
        if balloons and len(cells) > comment_column:
            cells[comment_column] = "\n".join(part for part in [cells[comment_column].strip(), *balloons] if part)
        if documents:
            if len(cells) < 5:
                raise PackagerError("a row has lost columns", path=label, where=f"table row {row_number}")
            key, carried = parse_doc_cell(cells[0])
            if key is None:
                raise PackagerError(f"unreadable unit key {cells[0]!r}", path=label, where=f"table row {row_number}",
                                    hint="do not edit the first column")
            result.units.append(ReturnedUnit(key=key, source=cells[1], target=_clean(cells[2]),
                                             approve=is_approve_word(cells[3]), unapprove=is_unapprove_word(cells[3]),
                                             comment=cells[4].strip() or None, carried=carried, label=key,
                                             state_text=cells[3]))
            continue
        if len(cells) < 6:
            raise PackagerError("a row has lost columns", path=label, where=f"table row {row_number}")
        number, carried = parse_cue_cell(cells[0])
        timing = parse_tc_pair(cells[1])
        if number is None or timing is None:
            raise PackagerError(f"unreadable cue number or timecode ({cells[0].strip()!r}, {cells[1].strip()!r})",
                                path=label, where=f"table row {row_number}",
                                hint="do not edit the number and time columns")
        result.units.append(ReturnedUnit(key=str(number), start=timing[0], end=timing[1], source=cells[2],
                                         target=_clean(cells[3]), approve=is_approve_word(cells[4]),
                                         unapprove=is_unapprove_word(cells[4]), comment=cells[5].strip() or None,
                                         carried=carried, label=f"cue {number}", state_text=cells[4]))
    return result


def _word_comments(document) -> dict[str, str]:
    """Word's comment balloons (word/comments.xml): comment id → its text."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

    for rel in document.part.rels.values():
        if rel.reltype == RT.COMMENTS and not rel.is_external:
            from lxml import etree

            try:
                root = etree.fromstring(rel.target_part.blob,
                                        etree.XMLParser(resolve_entities=False, no_network=True))
            except etree.XMLSyntaxError:
                return {}
            out = {}
            for comment in root.iter(qn("w:comment")):
                paragraphs = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in comment.iter(qn("w:p"))]
                text = "\n".join(p.strip() for p in paragraphs if p.strip())
                out[comment.get(qn("w:id"))] = text
            return out
    return {}


def _comment_ids(cell) -> list[str]:
    """The ids of the comments anchored in a table cell (their range start or reference)."""
    from docx.oxml.ns import qn

    ids = []
    for el in cell._tc.iter(qn("w:commentRangeStart"), qn("w:commentReference")):
        cid = el.get(qn("w:id"))
        if cid is not None and cid not in ids:
            ids.append(cid)
    return ids


def _cell_text(cell) -> str:
    """A cell's text with tracked changes taken as accepted (insertions in, deletions out), which
    python-docx's `cell.text` does not do; paragraphs and line breaks become "\n"."""
    from docx.oxml.ns import qn

    t, br, cr, tab, p = qn("w:t"), qn("w:br"), qn("w:cr"), qn("w:tab"), qn("w:p")
    skip = {qn("w:del"), qn("w:moveFrom")}
    paragraphs = []
    for paragraph in cell._tc.iter(p):
        parts = []
        for el in paragraph.iter(t, br, cr, tab):
            if any(ancestor.tag in skip for ancestor in el.iterancestors()):
                continue
            if el.tag == t:
                parts.append(el.text or "")
            elif el.tag == tab:
                parts.append(" ")
            else:
                parts.append("\n")
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


def parse_srt_return(data: bytes, label: str, module_id: str | None) -> ReturnedFile:
    from ..subtitles.cues import decode_subtitle_bytes, parse_srt

    cues = parse_srt(decode_subtitle_bytes(data, Path(label)), Path(label))
    return ReturnedFile(label=label, kind="srt", module_id=module_id, units=[
        ReturnedUnit(key=None, target=_clean(c.text), start=c.start, end=c.end, label=f"cue {c.index}")
        for c in cues])


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_xliff(data: bytes, label: str, module_id: str | None = None) -> ReturnedFile:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True,
                             load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise PackagerError(f"not well-formed XML: {exc}", path=label) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None or b"<!ENTITY" in data:
        raise PackagerError("refused: this XLIFF declares a DTD or entities, which a review file never needs "
                            "(and which can read other files)", path=label,
                            hint="export it again from the CAT tool as plain XLIFF 2.0, without a DOCTYPE")
    if _local(root.tag) != "xliff":
        raise PackagerError("not an XLIFF file (no <xliff> root)", path=label)
    version = root.get("version", "")
    if not (version.startswith("2") or version.startswith("1.")):
        raise PackagerError(f"XLIFF version {version or '(none)'!r} is not one packager reads", path=label,
                            hint="save as XLIFF 2.0 (or 1.2) in the CAT tool and import again")
    files = [el for el in root if _local(el.tag) == "file"]
    if len(files) != 1:
        raise PackagerError(f"expected one <file> (one module), found {len(files)}", path=label)
    file_el = files[0]
    result = ReturnedFile(label=label, kind="xliff", module_id=module_id, version=version)

    def metas(parent) -> dict[str, str]:
        out = {}
        for child in parent:
            if _local(child.tag) == "metadata":
                for meta in child.iter():
                    if _local(meta.tag) == "meta" and meta.get("type"):
                        out[meta.get("type")] = (meta.text or "").strip()
        return out

    def text_of(el) -> str:
        return "".join(el.itertext()) if el is not None else ""

    if version.startswith("2"):
        info = metas(file_el)
        result.module_id = info.get("module") or file_el.get("id") or module_id
        result.exported, result.kit = info.get("exported"), info.get("kit")
        for unit in file_el.iter(f"{{{XLIFF_NS}}}unit"):
            info = metas(unit)
            segments = [el for el in unit if _local(el.tag) == "segment"]
            targets = [text_of(next((c for c in s if _local(c.tag) == "target"), None)) for s in segments]
            sources = [text_of(next((c for c in s if _local(c.tag) == "source"), None)) for s in segments]
            states = {s.get("state", "initial") for s in segments}
            notes = [text_of(n).strip() for n in unit.iter() if _local(n.tag) == "note"]
            carried = None
            if info.get("source-hash"):
                carried = {"source_hash": info["source-hash"], "target_hash": info.get("target-hash", ""),
                           "state": info.get("state", "")}
            start = float(info["start"]) if info.get("start") else None
            end = float(info["end"]) if info.get("end") else None
            if start is None:
                timing = parse_tc_pair(unit.get("name", ""))
                start, end = timing if timing else (None, None)
            result.units.append(ReturnedUnit(
                key=unit.get("id"), target=_clean(" ".join(targets)), source=" ".join(sources),
                approve=bool(states) and states <= {"reviewed", "final"},
                unapprove=bool(states) and not states <= {"reviewed", "final"},
                comment="\n".join(n for n in notes if n) or None, start=start, end=end, carried=carried,
                label=f"cue {unit.get('id')}"))
    if version.startswith("2") and not result.units:
        raise PackagerError("this XLIFF has no <unit>", path=label, hint="import the file packager exported")
    if not version.startswith("2"):  # XLIFF 1.2: <trans-unit id> <source> <target state="…"> <note>
        original = file_el.get("original", "")
        if module_id is None and original:
            module_id = Path(original).stem.split(".")[0]
        result.module_id = module_id
        for unit in file_el.iter():
            if _local(unit.tag) != "trans-unit":
                continue
            target = next((c for c in unit if _local(c.tag) == "target"), None)
            source = next((c for c in unit if _local(c.tag) == "source"), None)
            notes = [text_of(n).strip() for n in unit if _local(n.tag) == "note"]
            state = target.get("state", "") if target is not None else ""
            timing = parse_tc_pair(unit.get("resname", "") or "")
            approved = state in ("final", "signed-off") or unit.get("approved", "").lower() == "yes"
            result.units.append(ReturnedUnit(
                key=unit.get("id"), target=_clean(text_of(target)), source=text_of(source),
                approve=approved, unapprove=bool(state) and not approved,
                comment="\n".join(n for n in notes if n) or None,
                start=timing[0] if timing else None, end=timing[1] if timing else None,
                label=f"cue {unit.get('id')}"))
        if not result.units:
            raise PackagerError(f"this XLIFF {version} file has no <trans-unit> packager can read", path=label,
                                hint="save as XLIFF 2.0 in the CAT tool (the format packager sent) and import again")
    return result


OTHER_OFFICE_FORMATS = {
    ".odt": "OpenDocument (.odt)", ".doc": "Word 97-2003 (.doc)", ".rtf": "RTF", ".docm": "Word with macros (.docm)",
    ".pdf": "PDF", ".txt": "plain text", ".ass": "Advanced SubStation (.ass)", ".ssa": "SubStation (.ssa)",
    ".vtt": "WebVTT", ".sub": "MicroDVD/SubViewer (.sub)", ".sdlxliff": "Trados (.sdlxliff)",
    ".mqxliff": "memoQ (.mqxliff)",
}


def parse_return(data: bytes, label: str, *, module_id: str | None = None) -> ReturnedFile:
    from .editor_return import is_editor_return, parse_editor_return

    suffix = Path(label).suffix.lower()
    if not data.strip() and suffix in (".docx", ".srt", ".xliff", ".xlf"):
        raise PackagerError("the returned file is empty (0 bytes of text)", path=label,
                            hint="the save or the copy did not finish: ask for the file again")
    if suffix == ".docx":
        result = parse_docx(data, label)
    elif suffix == ".srt":
        result = parse_srt_return(data, label, module_id or module_from_name(label))
    elif suffix in (".xliff", ".xlf"):
        result = parse_xliff(data, label, module_id)
    elif is_editor_return(label):  # the kit editor's "Save my work" (editor_return.py)
        result = parse_editor_return(data, label)
    elif suffix in OTHER_OFFICE_FORMATS:
        raise PackagerError(f"cannot import a file saved as {OTHER_OFFICE_FORMATS[suffix]}", path=label,
                            hint="open it and save it again as the format it was sent in: .docx (Word 2007-365; in "
                                 "LibreOffice \"Keep current format\"), .srt or .xliff")
    else:
        raise PackagerError(f"cannot import a {suffix or 'nameless'} file", path=label,
                            hint="import a .docx, .srt, .xliff/.xlf, an editor's .return.json, a kit .zip or "
                                 "an unzipped kit folder")
    for unit in result.units:
        unit.file = Path(label).name
    return result


def module_from_name(label: str) -> str | None:
    """"03-entreprise-c.es.srt" → "entreprise-c"; "entreprise-c.srt" → "entreprise-c"."""
    import re

    stem = Path(label).name.split(".")[0]
    return re.sub(r"^\d+-", "", stem) or None
