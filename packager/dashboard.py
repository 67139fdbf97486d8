"""The numbers behind `packager status` and the end of `packager build`, computed from what is on disk."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .project import Module, Project
from .subtitles.cues import read_srt
from .errors import PackagerError


@dataclass(frozen=True)
class ModuleRow:
    order: int
    module_id: str
    kind: str
    footage: str
    source_cues: str
    target_cues: str
    review: str
    qa_errors: str
    documents: str
    kit: str
    video: str = "—"


def _footage_cell(module: Module) -> str:
    edits = module.definition.edits
    found = sum(1 for e in edits if module.footage_path(e).exists())
    generated = sum(1 for e in edits if module.footage_path(e).exists()
                    and module.project.sample_footage_dir in module.footage_path(e).parents)
    if found == len(edits):
        return f"{found}/{len(edits)} ok" + (" (sample)" if generated else "")
    missing = len(edits) - found
    if module.project.is_sample:
        return f"{found}/{len(edits)}, {missing} to generate"
    return f"{found}/{len(edits)}, {missing} MISSING"


def _cue_count(module: Module, lang: str) -> str:
    path = module.subtitle_path(lang)
    if not path.is_file():
        return "—"
    try:
        return str(len(read_srt(path)))
    except PackagerError:  # status is a dashboard: `check` and `qa` explain why
        return "unreadable"


def _review_cell(counts: dict[str, int]) -> str:
    """"11/13 (84%) · 1 edited · 1 draft": target cues approved, then how many are in each other state."""
    total = sum(counts.values())
    if not total:
        return "—"
    approved = counts.get("approved", 0)
    rest = [f"{counts[s]} {s}" for s in ("edited", "needs-review", "draft") if counts.get(s)]
    return " · ".join([f"{approved}/{total} ({approved * 100 // total}%)"] + rest)


def _queue_cell(*target_paths) -> str:
    """" · 1 conflict · 2 orphaned": what the unit histories of target files hold pending."""
    from .review.history import pending_counts

    counted = [pending_counts(path) for path in target_paths]
    conflicts, orphans = sum(c for c, _ in counted), sum(o for _, o in counted)
    return "".join([f" · {conflicts} conflict{'s' if conflicts > 1 else ''}" if conflicts else "",
                    f" · {orphans} orphaned" if orphans else ""])


def _workbooks_built(project: Project) -> dict[str, str]:
    """module id → its workbook's cell: "built", "built (transcript missing; …)" with the notes `docs`
    recorded in dist/documents/manifest.json, or "out of date" when its inputs changed since."""
    from .documents.build import outdated_documents

    manifest = project.dist_dir / "documents" / "manifest.json"
    try:
        entries = json.loads(manifest.read_text(encoding="utf-8"))["documents"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    try:
        outdated = outdated_documents(project)
    except PackagerError:  # an input that does not read: `check` explains it
        outdated = set()
    cells: dict[str, str] = {}
    for entry in entries:
        if entry.get("module") and (manifest.parent / entry["file"]).is_file():
            if entry["file"] in outdated:
                cells[entry["module"]] = "out of date (run docs)"
                continue
            notes = [note.split(":")[0] for note in entry.get("notes") or []]
            cells[entry["module"]] = f"built ({'; '.join(notes)})" if notes else "built"
    return cells


def _videos(project: Project) -> dict[str, str]:
    """module id → its video cell: the targets it is rendered for ("usb, cd"), and those whose render is
    out of date ("usb out of date"); a module whose video is missing (never rendered, or an interrupted
    render) is not listed."""
    from .video.render import render_dir, render_state
    from .video.targets import TARGETS

    cells: dict[str, list[str]] = {}
    for target in TARGETS:
        if not render_dir(project, target).is_dir():
            continue
        for module in project.modules:
            try:
                state = render_state(project, module, target)
            except PackagerError:  # the medium cannot hold the programme: `render` explains
                state = "out of date"
            if state is not None:
                cells.setdefault(module.id, []).append(target if state == "current" else f"{target} {state}")
    return {module_id: ", ".join(parts) for module_id, parts in cells.items()}


def module_rows(project: Project) -> list[ModuleRow]:
    from .review.confidence import low_confidence_note
    from .review.kit_records import kit_history
    from .review.states import state_counts
    from .subtitles.qa import run_qa
    from .transcription.flow import transcript_cell

    report = run_qa(project)
    workbooks = _workbooks_built(project)
    videos = _videos(project)
    kits = kit_history(project)
    rows = []
    for module in project.modules:
        kit = kits.get(module.id)
        kit_cell = "—"
        if kit:
            kit_cell = f"sent {kit['sent'][:10]}" + (f", back {kit['returned'][:10]}" if kit.get("returned") else "")
        rows.append(ModuleRow(
            order=module.order,
            module_id=module.id,
            kind=module.kind,
            footage=_footage_cell(module),
            source_cues=" · ".join(filter(None, [_cue_count(module, project.source_language),
                                                 transcript_cell(module)]))
            + _queue_cell(module.subtitle_path(project.source_language)),
            target_cues=_cue_count(module, project.target_language),
            review=(_review_cell(state_counts(project, module)) + low_confidence_note(project, module)
                    + _queue_cell(module.subtitle_path(project.target_language))),
            qa_errors=str(report.count_for(module.id, "error")),
            documents=workbooks.get(module.id, "—"),
            kit=kit_cell,
            video=videos.get(module.id, "—"),
        ))
    return rows


def documents_review(project: Project) -> str:
    """The workbook texts' review cell, as for a module's cues: "470/480 (97%) · 10 draft"."""
    from .review.states import document_state_counts

    from .texts import project_documents

    return _review_cell(document_state_counts(project)) + _queue_cell(*(d.target_path
                                                                         for d in project_documents(project)))


def draft_summary(project: Project) -> str:
    """What a person still has to approve, in one line: cues and workbook text units not yet approved
    (machine drafts, to review, edited), and subtitles not yet made."""
    from .review.states import document_state_counts, state_counts
    from .transcription.flow import draft_count

    target = project.target_language
    missing = [m.id for m in project.modules if not m.subtitle_path(target).exists()]
    totals: dict[str, int] = {}
    for module in project.modules:
        for state, n in state_counts(project, module).items():
            totals[state] = totals.get(state, 0) + n
    # Each state said as what it is: only the machine's text is a draft; a person's text whose source
    # changed is to review, and an edited one only waits for its approval.
    source = project.source_language.upper()
    labels = {"draft": "draft", "needs-review": f"to review ({source} changed)", "edited": "edited, not approved"}
    parts = [f"{n} cue(s) {labels[s]}" for s in labels if (n := totals.get(s, 0))]
    if transcribed := sum(draft_count(m) for m in project.modules):
        parts.append(f"{transcribed} {source} transcript cue(s) machine draft")
    texts = document_state_counts(project)
    parts += [f"{n} workbook text unit(s) {labels[s]}" for s in labels if (n := texts.get(s, 0))]
    if missing:
        parts.append(f"no {target.upper()} subtitles for {', '.join(missing)} (run `packager translate`)")
    if not parts:
        return f"nothing: every {target.upper()} cue and workbook text is approved"
    return ", ".join(parts) + " — see `packager status`"
