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
Matching is on word boundaries, longest term first, and case-insensitive, except for a kept term
written with capitals (a name or an acronym: "MESS", "Devenir", "Intégration sociale"), which
matches only as written, so the verb "devenir" or "l'intégration sociale" in general are translated.

Number: a translated term also matches in its other number, and its rendering follows:
"entreprises d'insertion" → "empresas de inserción", "centres locaux d'emploi" → "centros locales
de empleo", "contrainte sévère" (the glossary has the plural) → "limitación severa". Only the words
before the first linking word ("de", "d'", "à", "para"…) inflect, by the regular French and Spanish
rules (-s; French -al → -aux, -eau → -eaux; Spanish -es after a consonant, -z → -ces, -ión →
-iones); kept terms never inflect.
"""

from __future__ import annotations

import functools
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

    def forms(self, lang: str) -> list[str]:
        """The term as written, then (for a translated term) in its other number."""
        written = self.text(lang)
        other = None if self.keep else other_number(written, lang)
        return [written, other] if other else [written]

    @property
    def case_sensitive(self) -> bool:
        """A kept term written with capitals (a name, an acronym) matches only as written."""
        return self.keep and any(ch.isupper() for ch in self.fr)

    def patterns(self, lang: str) -> tuple[re.Pattern[str], ...]:
        return _term_patterns(self, lang)


@dataclass(frozen=True)
class Match:
    """One occurrence of a term in a text."""

    start: int
    end: int
    term: Term
    matched: str  # the text as found (its case)
    form: int = 0  # which of `term.forms(lang)` matched: 0 as written, 1 in the other number


@functools.lru_cache(maxsize=8192)
def _term_patterns(term: Term, lang: str) -> tuple[re.Pattern[str], ...]:
    # Terms are frozen: their patterns are built once, not on every search (QA and translation search
    # every cue for every term).
    return tuple(_pattern(form, case_sensitive=term.case_sensitive) for form in term.forms(lang))


def _pattern(text: str, *, case_sensitive: bool = False) -> re.Pattern[str]:
    # Word boundaries that work with accents and apostrophes: no letter or digit on either side.
    words = [re.sub(r"['’]", "['’]", re.escape(w)) for w in text.split()]  # either apostrophe
    body = r"\s+".join(words)
    return re.compile(rf"(?<![\w]){body}(?![\w])", 0 if case_sensitive else re.IGNORECASE)


# Words that end the inflecting head of a term: "entreprise | d'insertion", "centro local | de empleo".
_LINKS = {
    "fr": {"de", "d'", "du", "des", "à", "au", "aux", "en", "pour", "sur", "par", "avec", "et", "ou", "l'", "la",
           "le", "les"},
    "es": {"de", "del", "a", "al", "en", "para", "por", "con", "sin", "y", "e", "o", "u", "el", "la", "los", "las"},
}
_SPANISH_ACCENTS = str.maketrans("áéíóú", "aeiou")
_SPANISH_STRESS = {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú"}


def _looks_plural(word: str, lang: str) -> bool:
    word = word.lower()
    if lang == "fr":
        return word.endswith(("s", "x")) and not word.endswith(("ss", "ès"))
    return word.endswith("s") and not word.endswith(("is", "ss"))


def _plural(word: str, lang: str) -> str:
    lower = word.lower()
    if lang == "fr":
        if lower.endswith(("s", "x", "z")):
            return word
        if lower.endswith(("eau", "au", "eu")):
            return word + "x"
        if lower.endswith("al"):
            return word[:-1] + "ux"
        return word + "s"
    if lower.endswith("ión"):
        return word[:-3] + "iones"
    if lower.endswith("z"):
        return word[:-1] + "ces"
    if lower[-1:] in "aeiouáéó":
        return word + "s"
    if lower[-1:] in "íú":
        return word + "es"
    if lower.endswith(("s", "x")):
        return word
    if len(lower) >= 2 and lower[-2] in "áéíóú":  # "alemán" → "alemanes": the stress mark goes
        return word[:-2] + word[-2].translate(_SPANISH_ACCENTS) + word[-1] + "es"
    return word + "es"


def _singular(word: str, lang: str) -> str:
    lower = word.lower()
    if lang == "fr":
        if lower.endswith("eaux") or lower.endswith("eux"):
            return word[:-1]
        if lower.endswith("aux"):
            return word[:-2] + "l"
        return word[:-1] if lower.endswith("s") else word
    if lower.endswith("iones"):
        return word[:-5] + "ión"
    if lower.endswith("ces"):
        return word[:-3] + "z"
    if lower.endswith("es") and len(lower) > 3 and lower[-3] in "lrndjy":
        return word[:-2]
    return word[:-1] if lower.endswith("s") else word


def other_number(text: str, lang: str) -> str | None:
    """The term in its other number (plural of a singular term, singular of a plural one), or None
    when it has no other (a name, an acronym, a language without rules here)."""
    if lang not in _LINKS:
        return None
    words = text.split()
    head = 0
    while head < len(words) and words[head].lower() not in _LINKS[lang] \
            and not re.match(r"^(?:d|l)['’]", words[head].lower()):
        head += 1
    if head == 0 or any(not w.replace("-", "").isalpha() or w.isupper() for w in words[:head]):
        return None
    change = _singular if _looks_plural(words[0], lang) else _plural
    flipped = " ".join([change(w, lang) for w in words[:head]] + words[head:])
    return flipped if flipped != text else None


@functools.lru_cache(maxsize=64)
def _longest_first(terms: tuple[Term, ...], lang: str) -> tuple[Term, ...]:
    return tuple(sorted((t for t in terms if t.text(lang).strip()),
                        key=lambda t: -max(len(form) for form in t.forms(lang))))


@dataclass
class Glossary:
    terms: list[Term] = field(default_factory=list)

    def __bool__(self) -> bool:  # an empty glossary is still a glossary object
        return True

    def __len__(self) -> int:
        return len(self.terms)

    def _sorted(self, lang: str) -> list[Term]:
        return list(_longest_first(tuple(self.terms), lang))

    def find(self, text: str, lang: str) -> list[Match]:
        """Non-overlapping occurrences of the terms in `text` (either number), longest term first,
        in text order."""
        taken: list[Match] = []
        for term in self._sorted(lang):
            for form, pattern in enumerate(term.patterns(lang)):
                for m in pattern.finditer(text):
                    if any(m.start() < other.end and other.start < m.end() for other in taken):
                        continue
                    taken.append(Match(m.start(), m.end(), term, m.group(0), form))
        return sorted(taken, key=lambda m: m.start)

    def contains(self, text: str, term: Term, lang: str) -> bool:
        """Whether `text` holds the term, in either number."""
        return any(pattern.search(text) for pattern in term.patterns(lang))

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
        translation in the number the source used, capitalised when the source occurrence was."""
        if match.term.keep:
            return match.matched
        forms = match.term.forms(target_lang)
        text = forms[match.form] if match.form < len(forms) else forms[0]
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
