"""Subtitle line breaking for Spanish (and French): balanced lines broken where a reader expects them.

Rules (Netflix Timed Text Style Guide and the usual Spanish subtitling practice):

- one line when the text fits;
- otherwise lines of balanced length, the lower line rather longer (a "pyramid");
- break after punctuation, or before a conjunction or a preposition;
- never between an article or determiner and its noun, never right after a preposition
  (nor after a clitic pronoun or a negation: "se | aprende", "no | sabe");
- dialogue cues (lines starting with "- ") are kept exactly as they are;
- when nothing fits, the most balanced split into the allowed number of lines.

Formatting tags (<i>…</i>) do not count in the lengths and stay attached to their words.
"""

from __future__ import annotations

import itertools
import re

from .cues import strip_tags

_DIALOGUE = re.compile(r"^\s*(?:<[ib]>)?\s*[-–—]")
_WRAPPED_ITALIC = re.compile(r"^<i>(.*)</i>$", re.IGNORECASE | re.DOTALL)
_PUNCT_END = re.compile(r"[,;:.!?…)\]»”\"]$")
_STRONG_END = re.compile(r"[.!?…;:]$")
_ONLY_PUNCT = re.compile(r"^[^\w¿¡«“(\[]+$")

# Words a line must not end with: the next word belongs to them.
_NO_BREAK_AFTER = {
    "es": {
        # articles, contractions and determiners
        "el", "la", "los", "las", "un", "una", "unos", "unas", "lo", "al", "del",
        "este", "esta", "estos", "estas", "ese", "esa", "esos", "esas", "aquel", "aquella", "aquellos",
        "aquellas", "mi", "mis", "tu", "tus", "su", "sus", "nuestro", "nuestra", "nuestros", "nuestras",
        "vuestro", "vuestra", "vuestros", "vuestras", "cada", "cualquier", "algún", "ningún", "otro", "otra",
        "otros", "otras", "varios", "varias", "muchos", "muchas", "pocos", "pocas", "tanto", "tanta",
        "tantos", "tantas", "cuyo", "cuya", "cuyos", "cuyas", "qué",
        # prepositions
        "a", "ante", "bajo", "cabe", "con", "contra", "de", "desde", "durante", "en", "entre", "hacia",
        "hasta", "mediante", "para", "por", "según", "sin", "so", "sobre", "tras", "vía",
        # clitics and negation, which lean on the verb that follows
        "me", "te", "se", "nos", "os", "le", "les", "no", "muy", "más", "menos",
    },
    "fr": {
        "le", "la", "les", "l'", "un", "une", "des", "du", "au", "aux", "ce", "cet", "cette", "ces",
        "mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses", "notre", "nos", "votre", "vos",
        "leur", "leurs", "chaque", "quelques", "plusieurs", "certains", "certaines", "aucun", "aucune",
        "quel", "quelle", "quels", "quelles",
        "à", "de", "d'", "en", "dans", "par", "pour", "sur", "sous", "avec", "sans", "chez", "vers",
        "entre", "depuis", "pendant", "avant", "après", "contre", "selon", "parmi", "dès", "envers",
        "je", "j'", "tu", "il", "ils", "elle", "elles", "on", "nous", "vous", "se", "s'", "ne", "n'",
        "me", "m'", "te", "t'", "y", "très", "plus", "moins",
    },
}

# Words a line may well start with: a break just before them reads naturally.
_CONJUNCTIONS = {
    "es": {"y", "e", "o", "u", "ni", "pero", "sino", "que", "porque", "pues", "aunque", "cuando", "donde",
           "como", "si", "mientras", "ya", "luego", "entonces"},
    "fr": {"et", "ou", "mais", "donc", "or", "ni", "car", "que", "qu'", "qui", "quand", "lorsque", "puisque",
           "parce", "comme", "si", "mais", "alors", "où", "dont", "tandis"},
}
_PREPOSITIONS = {
    "es": {"a", "ante", "bajo", "con", "contra", "de", "desde", "durante", "en", "entre", "hacia", "hasta",
           "mediante", "para", "por", "según", "sin", "sobre", "tras", "al", "del"},
    "fr": {"à", "de", "d'", "en", "dans", "par", "pour", "sur", "sous", "avec", "sans", "chez", "vers",
           "entre", "depuis", "pendant", "avant", "après", "contre", "selon", "parmi", "au", "aux", "du", "des"},
}

_OVERFLOW = 1000.0
# A break costing this much is one the rules forbid (after an article or a preposition, before "%").
_FORBIDDEN = 100.0
# How much longer than a perfectly balanced line (the text shared equally between the lines) a split's
# longest line may be for its break points' linguistic merits to count. A break after punctuation
# (the end of a clause) may buy more imbalance than one before a conjunction or a preposition:
# "A los seis meses, / la mayoría consigue un empleo estable." (17 | 38) stays, "Todo empezó / con
# un comedor popular de barrio." (11 | 33) does not.
_BALANCE_SLACK = 1.3
_BALANCE_SLACK_PUNCTUATION = 1.45


def _visible(word: str) -> str:
    return strip_tags(word)


def _key(word: str) -> str:
    """A word as the rules look it up: no tags, no surrounding punctuation, lower case."""
    bare = _visible(word).strip("¿¡«»“”\"()[]—–-").lower().replace("’", "'")
    bare = bare.rstrip(",;:.!?…")
    return bare


def _elided_head(word: str) -> str | None:
    """French "l'entreprise" → "l'": an elided article glued to its noun (never split anyway)."""
    bare = _key(word)
    match = re.match(r"^([a-zà-ÿ]{1,5}')", bare)
    return match.group(1) if match else None


def _line_len(words: list[str]) -> int:
    return len(_visible(" ".join(words)))


def _break_cost(before: str, after: str, lang: str) -> float:
    """The cost of ending a line with `before` and starting the next one with `after` (lower is better)."""
    no_after = _NO_BREAK_AFTER.get(lang, _NO_BREAK_AFTER["es"])
    conjunctions = _CONJUNCTIONS.get(lang, _CONJUNCTIONS["es"])
    prepositions = _PREPOSITIONS.get(lang, _PREPOSITIONS["es"])
    visible_before = _visible(before)
    cost = 0.0
    if _ONLY_PUNCT.match(_visible(after)):  # "14,9 | %" or a lone dash: never start a line with it
        cost += 300
    if _STRONG_END.search(visible_before):
        cost -= 24
    elif _PUNCT_END.search(visible_before):
        cost -= 16
    elif _key(before) in no_after:
        cost += 120
    elif _key(before) in conjunctions:  # "… y | el resto": the conjunction belongs to the next line
        cost += 30
    if _key(after) in conjunctions:
        cost -= 10
    elif _key(after) in prepositions or (_elided_head(after) or "") in prepositions:
        cost -= 7
    # Keep a number with its unit or the word it counts ("14,9 | %", "6 | meses").
    if re.search(r"\d$", visible_before) and not _PUNCT_END.search(visible_before):
        cost += 40
    # A capitalised word after a capitalised word: probably one name ("Marie | Tremblay").
    if visible_before[:1].isupper() and _visible(after)[:1].isupper() and not _PUNCT_END.search(visible_before):
        cost += 25
    return cost


def _layout_cost(lengths: list[int], max_chars: int) -> float:
    longest = max(lengths)
    cost = 0.0
    if longest > max_chars:
        cost += _OVERFLOW + 10 * longest
    cost += 0.6 * (longest - min(lengths))
    # Pyramid: a top line longer than the one below costs a little more than the reverse.
    for upper, lower in zip(lengths, lengths[1:]):
        if upper > lower:
            cost += 0.3 * (upper - lower)
    return cost


def _best_split(words: list[str], n_lines: int, max_chars: int, lang: str) -> tuple[float, list[list[str]]]:
    """The best split of `words` into `n_lines` lines: balance first, then the linguistic preferences.

    A preferred break point (after punctuation, before a conjunction or a preposition) only counts
    among the splits balanced enough: those whose longest line is at most _BALANCE_SLACK times the
    perfectly balanced line (the text's length shared equally), _BALANCE_SLACK_PUNCTUATION when every
    break follows punctuation. "Todo empezó / con un comedor popular de barrio." (11 and 33
    characters) breaks before a preposition but loses to "Todo empezó con un comedor / popular de
    barrio." (26 and 18). Outside that window the less lopsided split wins,
    whatever its break point. A forbidden break (after an article, a preposition…) is only taken when
    every fitting split needs one.
    """
    candidates: list[tuple[float, bool, int, bool, list[list[str]]]] = []
    for cuts in itertools.combinations(range(1, len(words)), n_lines - 1):
        bounds = [0, *cuts, len(words)]
        lines = [words[a:b] for a, b in zip(bounds, bounds[1:])]
        lengths = [_line_len(line) for line in lines]
        breaks = [_break_cost(words[cut - 1], words[cut], lang) for cut in cuts]
        cost = _layout_cost(lengths, max_chars) + sum(breaks)
        after_punctuation = all(_PUNCT_END.search(_visible(words[cut - 1])) for cut in cuts)
        candidates.append((cost, any(b >= _FORBIDDEN for b in breaks), max(lengths), after_punctuation, lines))
    assert candidates
    ideal = _line_len(words) / n_lines
    best_balance = min(c[2] for c in candidates)  # long words may keep it well above the ideal

    def rank(candidate: tuple[float, bool, int, bool, list[list[str]]]) -> tuple:
        cost, forbidden, longest, after_punctuation, _ = candidate
        slack = _BALANCE_SLACK_PUNCTUATION if after_punctuation else _BALANCE_SLACK
        limit = max(ideal * slack, best_balance + 2)
        fits = longest <= max_chars
        balanced = longest <= limit
        # Outside the balance window, the less lopsided the better, whatever the break point.
        return (not fits, forbidden, not balanced, cost if balanced else cost + 3 * (longest - limit))

    best = min(candidates, key=rank)
    return best[0], best[4]


def break_lines(text: str, *, max_chars: int = 42, max_lines: int = 2, lang: str = "es") -> str:
    """The text re-broken into subtitle lines joined by "\\n" (one line when it fits).

    Dialogue cues ("- ¿Vienes?\\n- Sí.") are returned unchanged, apart from trailing spaces.
    """
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    if any(_DIALOGUE.match(line) for line in lines):
        return "\n".join(lines)
    joined = " ".join(lines)
    wrapped = _WRAPPED_ITALIC.match(joined)
    if wrapped and "<i>" not in wrapped.group(1).lower():
        inner = break_lines(wrapped.group(1), max_chars=max_chars, max_lines=max_lines, lang=lang)
        return f"<i>{inner}</i>"
    words = joined.split()
    if _line_len(words) <= max_chars or len(words) == 1 or max_lines <= 1:
        return " ".join(words)
    lang = lang if lang in _NO_BREAK_AFTER else "es"
    best: list[list[str]] | None = None
    for n_lines in range(2, min(max_lines, len(words)) + 1):
        _, candidate = _best_split(words, n_lines, max_chars, lang)
        longest = max(_line_len(line) for line in candidate)
        if longest <= max_chars:
            best = candidate
            break
        # Nothing fits yet: keep the most balanced split (the shortest longest line), fewest lines first.
        if best is None or longest < max(_line_len(line) for line in best):
            best = candidate
    assert best is not None
    return "\n".join(" ".join(line) for line in best)
