"""Translation memory: every text sent to the model and what it gave, in .packager/translation-memory.json.

An entry is keyed on a hash of the language pair, the model's identity (see
`InstalledPackage.identity`: a new or updated model is a new identity) and the source text. A re-run
looks every text up first and calls the model only for those it has never seen, so a run with
nothing changed makes no model call at all. The file is sorted, indented JSON written atomically.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..atomic import write_text
from ..errors import PackagerError

FORMAT = "packager-tm/1"
FILE_NAME = "translation-memory.json"


def memory_key(pair: str, model_id: str, source: str) -> str:
    return hashlib.sha256(f"{pair}\0{model_id}\0{source}".encode()).hexdigest()[:32]


class TranslationMemory:
    def __init__(self, path: Path, entries: dict[str, dict] | None = None):
        self.path = Path(path)
        self.entries: dict[str, dict] = entries or {}
        self.hits = 0
        self.misses = 0
        self._dirty = False

    @classmethod
    def load(cls, path: Path | str) -> TranslationMemory:
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise PackagerError(f"unreadable translation memory: {exc}", path=path,
                                hint="delete the file; the next `packager translate` rebuilds it (with model calls)") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("entries"), dict):
            raise PackagerError(f"not a translation memory (expected \"format\": \"{FORMAT}\")", path=path,
                                hint="delete the file; the next `packager translate` rebuilds it")
        return cls(path, data["entries"])

    @classmethod
    def for_project(cls, project) -> TranslationMemory:
        return cls.load(project.cache_dir / FILE_NAME)

    def get(self, pair: str, model_id: str, source: str) -> str | None:
        entry = self.entries.get(memory_key(pair, model_id, source))
        if entry is not None and entry.get("source") == source:
            self.hits += 1
            return entry.get("target")
        self.misses += 1
        return None

    def confidence(self, pair: str, model_id: str, source: str) -> float | None:
        """The model's confidence recorded with an entry (review/confidence.py), when it was."""
        entry = self.entries.get(memory_key(pair, model_id, source))
        value = entry.get("confidence") if entry is not None and entry.get("source") == source else None
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    def put(self, pair: str, model_id: str, source: str, target: str, confidence: float | None = None) -> None:
        key = memory_key(pair, model_id, source)
        entry = {"pair": pair, "model": model_id, "source": source, "target": target}
        if confidence is not None:  # optional: entries without it read as before
            entry["confidence"] = confidence
        if self.entries.get(key) != entry:
            self.entries[key] = entry
            self._dirty = True

    def __len__(self) -> int:
        return len(self.entries)

    def save(self) -> bool:
        if not self._dirty:
            return False
        text = json.dumps({"format": FORMAT, "entries": dict(sorted(self.entries.items()))},
                          ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        write_text(self.path, text)
        self._dirty = False
        return True
