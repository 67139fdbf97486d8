"""The project glossary (`glossary.toml`): terms kept as they are and forced translations.

    [[term]]
    fr = "entreprise d'insertion"
    es = "empresa de inserción"

    [[term]]
    fr = "MESS"
    keep = true          # names, acronyms: the same in both languages (es may be left out)
    note_fr = "Ministère de l'Emploi et de la Solidarité sociale"

Machine translation protects every term (`protect`), QA flags a target that lacks a term's
expected rendering (`Glossary.missing_terms`), and the documents list the terms of each module.
Matching is case-insensitive, on word boundaries, longest term first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .config import find_line, read_toml
from .errors import CheckFailed, PackagerError

if TYPE_CHECKING:
    from .project import Project

GLOSSARY_FILE = "glossary.toml"
_TERM_KEYS = {"fr", "es", "keep", "note_fr", "note_es"}


@dataclass(frozen=True)
class Term:
    fr: str
    es: str
    keep: bool = False
    note_fr: str | None = None
    note_es: str | None = None

    def text(self, lang: str) -> str:
        """The term as written in `lang` (for a kept term, the same in every language)."""
        if lang == "fr":
            return self.fr
        if lang == "es":
            return self.fr if self.keep and not self.es else self.es
        raise ValueError(f"no glossary language {lang!r}")

    def note(self, lang: str) -> str | None:
        return getattr(self, f"note_{lang}", None)


@dataclass(frozen=True)
class Match:
    """One occurrence of a term in a text."""

    start: int
    end: int
    term: Term
    matched: str  # the text as found (its case)


def _pattern(text: str) -> re.Pattern[str]:
    # Word boundaries that work with accents and apostrophes: no letter or digit on either side.
    words = [re.escape(w) for w in text.split()]
    body = r"\s+".join(words)
    return re.compile(rf"(?<![\w]){body}(?![\w])", re.IGNORECASE)


@dataclass
class Glossary:
    terms: list[Term] = field(default_factory=list)

    def __bool__(self) -> bool:  # an empty glossary is still a glossary object
        return True

    def __len__(self) -> int:
        return len(self.terms)

    def _sorted(self, lang: str) -> list[Term]:
        return sorted((t for t in self.terms if t.text(lang).strip()), key=lambda t: -len(t.text(lang)))

    def find(self, text: str, lang: str) -> list[Match]:
        """Non-overlapping occurrences of the terms in `text`, longest term first, in text order."""
        taken: list[Match] = []
        for term in self._sorted(lang):
            for m in _pattern(term.text(lang)).finditer(text):
                if any(m.start() < other.end and other.start < m.end() for other in taken):
                    continue
                taken.append(Match(m.start(), m.end(), term, m.group(0)))
        return sorted(taken, key=lambda m: m.start)

    def contains(self, text: str, term: Term, lang: str) -> bool:
        return bool(_pattern(term.text(lang)).search(text))

    def missing_terms(self, source_text: str, target_text: str, source_lang: str, target_lang: str) -> list[Term]:
        """Terms the source contains whose expected rendering the target lacks (each term once)."""
        missing: list[Term] = []
        for match in self.find(source_text, source_lang):
            term = match.term
            if term in missing:
                continue
            if not self.contains(target_text, term, target_lang):
                missing.append(term)
        return missing

    def rendering(self, match: Match, target_lang: str) -> str:
        """What a matched term becomes in the target: kept terms as found, others the forced
        translation, capitalised when the source occurrence was (sentence start)."""
        if match.term.keep:
            return match.matched
        text = match.term.text(target_lang)
        if match.matched[:1].isupper() and text[:1].islower():
            text = text[:1].upper() + text[1:]
        return text


def load_glossary(project: Project) -> Glossary:
    """The project's glossary.toml; an empty glossary when there is none. Errors name file and line."""
    path = project.root / GLOSSARY_FILE
    if not path.is_file():
        return Glossary()
    data, text = read_toml(path)
    entries = data.get("term", [])
    problems: list[PackagerError] = []
    unknown_top = sorted(set(data) - {"term"})
    if unknown_top:
        problems.append(PackagerError(f"unknown key(s) {', '.join(unknown_top)}", path=path,
                                      where=_where(text, (unknown_top[0],)),
                                      hint="the glossary holds [[term]] entries only"))
    if not isinstance(entries, list):
        raise PackagerError("`term` must be a list of [[term]] tables", path=path)
    terms: list[Term] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        where = _where(text, ("term", i))
        if not isinstance(entry, dict):
            problems.append(PackagerError("a term must be a [[term]] table", path=path, where=where))
            continue
        extra = sorted(set(entry) - _TERM_KEYS)
        if extra:
            problems.append(PackagerError(f"unknown key {extra[0]!r} in a term", path=path,
                                          where=_where(text, ("term", i, extra[0])),
                                          hint=f"known keys: {', '.join(sorted(_TERM_KEYS))}"))
            continue
        fr, es, keep = entry.get("fr"), entry.get("es"), entry.get("keep", False)
        if not isinstance(keep, bool):
            problems.append(PackagerError("`keep` must be true or false", path=path,
                                          where=_where(text, ("term", i, "keep"))))
            continue
        if not isinstance(fr, str) or not fr.strip():
            problems.append(PackagerError("a term needs `fr` (the French text)", path=path, where=where,
                                          hint='add fr = "…"'))
            continue
        if es is None and keep:
            es = fr
        if not isinstance(es, str) or not es.strip():
            problems.append(PackagerError(f"term {fr!r} needs `es` (its Spanish rendering) or keep = true",
                                          path=path, where=where,
                                          hint='add es = "…", or keep = true for a name or an acronym'))
            continue
        notes = {}
        for key in ("note_fr", "note_es"):
            value = entry.get(key)
            if value is not None and not isinstance(value, str):
                problems.append(PackagerError(f"`{key}` must be a string", path=path,
                                              where=_where(text, ("term", i, key))))
                value = None
            notes[key] = value
        folded = fr.strip().casefold()
        if folded in seen:
            problems.append(PackagerError(f"term {fr!r} is defined twice (also term {seen[folded] + 1})",
                                          path=path, where=where, hint="keep one of them"))
            continue
        seen[folded] = i
        terms.append(Term(fr=fr.strip(), es=es.strip(), keep=keep, **notes))
    if problems:
        if len(problems) == 1:
            raise problems[0]
        raise CheckFailed(problems)
    return Glossary(terms=terms)


def _where(text: str, loc: tuple) -> str | None:
    line = find_line(text, loc)
    return f"line {line}" if line else None
