"""The numbers behind `packager status`, computed from what is on disk."""

from __future__ import annotations

from dataclasses import dataclass

import pysrt

from .project import Module, Project


@dataclass(frozen=True)
class ModuleRow:
    order: int
    module_id: str
    kind: str
    footage: str
    source_cues: str
    target_cues: str
    approved: str
    qa_errors: str
    documents: str


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
        return str(len(pysrt.open(str(path), encoding="utf-8")))
    except Exception:  # status is a dashboard: an unreadable file shows as such, `check`/`qa` explain why
        return "unreadable"


def module_rows(project: Project) -> list[ModuleRow]:
    rows = []
    for module in project.modules:
        rows.append(ModuleRow(
            order=module.order,
            module_id=module.id,
            kind=module.kind,
            footage=_footage_cell(module),
            source_cues=_cue_count(module, project.source_language),
            target_cues=_cue_count(module, project.target_language),
            approved="—",
            qa_errors="—",
            documents="—",
        ))
    return rows
