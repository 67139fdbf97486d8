"""The schema of a project on disk: the project file and one file per module.

Every field is validated by pydantic; `validate_data` turns pydantic's errors into `PackagerError`s
that name the file, the line (found in the TOML text) and the field, with a "did you mean" for typos.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from .errors import CheckFailed, PackagerError
from .timecode import parse_timecode

PROJECT_FILE = "packager.toml"

LANGUAGES = ("fr", "es")  # languages whose titles and roles a definition carries (title_fr, title_es, ...)

# The comparable outline of the seed's six enterprise presentations (Annexe IV), in its order.
ENTERPRISE_THEMES: dict[str, tuple[str, str]] = {
    "histoire": ("Histoire", "Historia"),
    "objectifs": ("Objectifs", "Objetivos"),
    "realisations": ("Réalisations", "Logros"),
    "financement": ("Financement", "Financiamiento"),
    "performance": ("Performance", "Desempeño"),
    "lien-social-emploi": ("Lien social-emploi", "Vínculo social-empleo"),
    "entreprise-privee": ("Rapports avec l'entreprise privée", "Relaciones con la empresa privada"),
    "systeme-formation": ("Rapports avec le système de formation", "Relaciones con el sistema de formación"),
    "insertion-citoyennete": ("Construction de l'insertion-citoyenneté", "Construcción de la inserción-ciudadanía"),
}

# Project 3's plan: six enterprises, two interviews, one round table.
PROJECT3_PLAN = {"enterprise": 6, "interview": 2, "roundtable": 1}

Seconds = Annotated[float, BeforeValidator(parse_timecode)]
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
Text = Annotated[str, Field(min_length=1)]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# ---------------------------------------------------------------------------------------------- project


class ProgrammeSettings(StrictModel):
    title_fr: Text
    title_es: Text
    slug: Slug = Field(description="ASCII name of the distribution folder and the disc label")
    source_language: Literal["fr", "es"] = "fr"
    target_language: Literal["fr", "es"] = "es"
    target_runtime_minutes: float = Field(gt=0)
    frame_rate: float = Field(default=25, gt=0, le=120)
    plan: Literal["project3", "free"] = Field(
        default="free", description="project3: the nine modules of Annexe IV are required")
    credits_fr: list[Text] = []
    credits_es: list[Text] = []

    @model_validator(mode="after")
    def _different_languages(self) -> ProgrammeSettings:
        if self.source_language == self.target_language:
            raise ValueError("source_language and target_language must differ")
        return self

    def title(self, lang: str) -> str:
        return getattr(self, f"title_{lang}")


class SampleSettings(StrictModel):
    enabled: bool = False
    seconds_per_minute: float = Field(
        default=2.0, gt=0, description="one planned minute is this many seconds of sample footage")


class CheckSettings(StrictModel):
    duration_tolerance: float = Field(
        default=0.10, ge=0, le=1, description="a module may run this fraction outside its planned window")


class SubtitleQAProfile(StrictModel):
    """Defaults: Netflix Timed Text Style Guide for Latin-American Spanish."""

    max_chars_per_line: int = Field(default=42, gt=0)
    max_lines: int = Field(default=2, gt=0)
    max_cps: float = Field(default=17, gt=0)
    min_duration: float = Field(default=5 / 6, gt=0)
    max_duration: float = Field(default=7.0, gt=0)
    min_gap_frames: int = Field(default=2, ge=0)


class TrainingSettings(StrictModel):
    hours: float = Field(default=15, gt=0)
    sessions: int = Field(default=5, gt=0)
    break_minutes: int = Field(default=15, ge=0)


# The language tag (BCP 47) documents declare for each language, so Word and LibreOffice spell-check,
# hyphenate and read aloud French as French and Spanish as Spanish; [documents] language_tags overrides.
DEFAULT_LANGUAGE_TAGS = {"fr": "fr-CA", "es": "es"}
LanguageTag = Annotated[str, Field(pattern=r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")]


class DocumentSettings(StrictModel):
    paper: Literal["letter", "a4"] = Field(
        default="letter", description="letter for Québec and North America, a4 for Argentina and most of the world")
    language_tags: dict[Literal["fr", "es"], LanguageTag] = Field(
        default={}, description='the documents\' language per language code, e.g. es = "es-AR"; default fr-CA, es')

    def language_tag(self, lang: str) -> str:
        return self.language_tags.get(lang) or DEFAULT_LANGUAGE_TAGS.get(lang, lang)


class ProjectConfig(StrictModel):
    programme: ProgrammeSettings
    sample: SampleSettings = SampleSettings()
    checks: CheckSettings = CheckSettings()
    subtitle_qa: SubtitleQAProfile = SubtitleQAProfile()
    training: TrainingSettings = TrainingSettings()
    documents: DocumentSettings = DocumentSettings()


# ---------------------------------------------------------------------------------------------- module


class Speaker(StrictModel):
    id: Slug
    name: Text
    # The name as each language writes it, when it does differ: a placeholder ("Sous-ministre (à
    # confirmer)" / "Viceministro/a (por confirmar)"), a title, an "(exemple)".
    name_fr: Text | None = None
    name_es: Text | None = None
    role_fr: Text
    role_es: Text
    first_appearance: Seconds

    def role(self, lang: str) -> str:
        return getattr(self, f"role_{lang}")

    def name_in(self, lang: str) -> str:
        return getattr(self, f"name_{lang}", None) or self.name


class Section(StrictModel):
    theme: Slug
    title_fr: Text
    title_es: Text
    start: Seconds

    def title(self, lang: str) -> str:
        return getattr(self, f"title_{lang}")


AUDIO_MIX = "mix"
_AUDIO_PICK = re.compile(r"^(\d+)(?::(left|right))?$")


def parse_audio_pick(text: str) -> tuple[int, str | None]:
    """An edit's audio choice: "2:left" → (2, "left"), "1" → (1, None); ValueError saying the form."""
    match = _AUDIO_PICK.match(str(text).strip())
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"{text!r} is not an audio stream choice: write audio = \"mix\" (every stream, at equal "
                         f"loudness) or a list of stream numbers counted from 1, each optionally with :left or "
                         f":right for one channel of a stereo pair, e.g. audio = [\"1\", \"2:left\"]")
    return int(match.group(1)), match.group(2)


def _audio_choice(value: Any) -> Any:
    if value == AUDIO_MIX:
        return value
    if isinstance(value, str) or not isinstance(value, list) or not value:
        raise ValueError(f"audio = {value!r}: write audio = \"mix\" (every stream, at equal loudness) or a "
                         f"non-empty list of streams such as [\"1\", \"2:left\"]")
    for item in value:
        parse_audio_pick(item)
    return [str(item).strip() for item in value]


class Edit(StrictModel):
    source: Text = Field(description="footage file, relative to the project folder")
    in_: Seconds = Field(alias="in")
    out: Seconds
    audio: Annotated[str | list[str], BeforeValidator(_audio_choice)] = Field(
        default=AUDIO_MIX, description='"mix" (every audio stream at equal loudness) or streams ["1", "2:left"]')

    @property
    def duration(self) -> float:
        return self.out - self.in_


class ModuleDefinition(StrictModel):
    id: Slug
    order: int = Field(ge=1)
    kind: Literal["enterprise", "interview", "roundtable"]
    title_fr: Text
    title_es: Text
    planned_minutes: tuple[float, float]
    subtitles: Text = Field(description="the source-language transcript (SRT), relative to the project")
    questions: Text | None = Field(default=None, description="reflection questions (TOML), relative to the project")
    speakers: list[Speaker] = []
    sections: list[Section] = []
    edits: list[Edit] = Field(min_length=1)

    def title(self, lang: str) -> str:
        return getattr(self, f"title_{lang}")

    @property
    def footage_seconds(self) -> float:
        return sum(edit.duration for edit in self.edits)


# ---------------------------------------------------------------------------------------------- loading

M = TypeVar("M", bound=BaseModel)


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """The parsed table and the raw text (kept to find the line of a field in messages)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PackagerError("file not found", path=path) from None
    except UnicodeDecodeError as exc:
        raise PackagerError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=path,
                            hint="save the file as UTF-8") from None
    except OSError as exc:
        raise PackagerError(f"cannot read the file: {exc.strerror}", path=path) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends with "(at line N, column M)"; keep it as the location.
        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        where = f"line {match.group(1)}, column {match.group(2)}" if match else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        raise PackagerError(f"malformed TOML: {message}", path=path, where=where,
                            hint="fix the syntax (quotes, brackets, '=' between key and value)") from None


def validate_data(data: dict[str, Any], model: type[M], *, path: Path, text: str = "") -> M:
    """Validate one file's table; all its schema problems are raised together as a CheckFailed."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = _merge_misspellings(exc.errors())
        problems = [_problem_from_error(err, model, path, text) for err in errors]
        problems.sort(key=lambda p: _line_number(p.where))
        if len(problems) == 1:
            raise problems[0] from None
        raise CheckFailed(problems) from None


def _line_number(where: str | None) -> int:
    match = re.match(r"line (\d+)", where or "")
    return int(match.group(1)) if match else 1 << 30


def _merge_misspellings(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A misspelt key is one mistake, not two: when an unknown key is close to a required key missing
    beside it, only the unknown key is reported (its hint names the right one)."""
    missing = {(tuple(e["loc"][:-1]), e["loc"][-1]) for e in errors if e["type"] == "missing" and e["loc"]}
    covered = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            parent = tuple(err["loc"][:-1])
            names = [str(name) for where, name in missing if where == parent]
            covered.update((parent, name) for name in difflib.get_close_matches(str(err["loc"][-1]), names,
                                                                                 n=len(names) or 1))
    return [e for e in errors if not (e["type"] == "missing" and e["loc"]
                                      and (tuple(e["loc"][:-1]), e["loc"][-1]) in covered)]


def field_path(loc: tuple[Any, ...]) -> str:
    """("speakers", 1, "role_es") -> "speakers[1].role_es" (indexes as they count in the file, from 0)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def where_in(text: str, loc: tuple[Any, ...]) -> str:
    """ "line 12, field edits[0].source": where a field is in a TOML file's text, for messages (just
    the field when the line cannot be placed)."""
    line = find_line(text, loc) if text else None
    return f"line {line}, field {field_path(loc)}" if line else f"field {field_path(loc)}"


def _problem_from_error(err: dict[str, Any], model: type[BaseModel], path: Path, text: str) -> PackagerError:
    loc = tuple(p for p in err["loc"] if p not in ("function-after",))
    kind = err["type"]
    where = where_in(text, loc)
    hint = None
    if kind == "extra_forbidden":
        known = _known_fields(model, loc[:-1])
        guess = difflib.get_close_matches(str(loc[-1]), known, n=1)
        message = f"unknown key {loc[-1]!r}"
        if guess:
            hint = f"did you mean {guess[0]!r}?"
        else:
            hint = f"known keys here: {', '.join(sorted(known))}"
    elif kind == "missing":
        message = f"required key {loc[-1]!r} is missing" if loc else "required value missing"
        hint = "add it (see `packager init` for a complete example)"
    elif kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
        given = err.get("input")
        message = f"{given!r} is not one of: {', '.join(allowed)}" if allowed else err["msg"]
        guess = difflib.get_close_matches(str(given), allowed, n=1)
        hint = f"did you mean {guess[0]!r}?" if guess else f"use one of: {', '.join(allowed)}"
    elif kind == "string_pattern_mismatch" and err.get("ctx", {}).get("pattern") == SLUG_PATTERN:
        message = f"{err.get('input')!r} is not a valid id"
        hint = ("use lower-case letters a–z, digits and single hyphens between them (no accents, spaces, "
                "capitals or underscores), e.g. \"entreprise-a\"")
    elif kind == "value_error":
        # Our own validators (timecodes, languages) already name the value and the right form.
        message = str(err["msg"]).removeprefix("Value error, ")
    else:
        message = err["msg"]
        if "input" in err and not isinstance(err["input"], (dict, list)):
            message += f" (got {err['input']!r})"
        hint = "fix the value (see `packager init` for a complete example)"
    if not loc:
        where = None
    return PackagerError(message, path=path, where=where, hint=hint)


def _known_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names valid at `loc` (walking nested models and lists), by their names in the file."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", {})
        info = next((f for name, f in fields.items() if (f.alias or name) == part), None)
        if info is None:
            return []
        annotation = info.annotation
        args = getattr(annotation, "__args__", ())
        current = next((a for a in (annotation, *args) if hasattr(a, "model_fields")), None)
        if current is None:
            return []
    return [f.alias or name for name, f in getattr(current, "model_fields", {}).items()]


def find_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best-effort line number (1-based) of a field in TOML text, for messages.

    Handles the shapes project files use: top-level keys, [table] keys and [[array]] entries.
    Returns None when the field cannot be placed (the message still names the field).
    """
    lines = text.splitlines()
    start, end = 0, len(lines)
    header_path: list[str] = []
    i = 0
    parts = list(loc)
    while i < len(parts):
        part = parts[i]
        if isinstance(part, int):
            i += 1
            continue
        next_is_index = i + 1 < len(parts) and isinstance(parts[i + 1], int)
        dotted = ".".join([*header_path, str(part)])
        if next_is_index:
            index = parts[i + 1]
            pattern = re.compile(r"^\s*\[\[\s*" + re.escape(dotted) + r"\s*\]\]")
            hits = [n for n in range(start, end) if pattern.match(lines[n])]
            if index < len(hits):
                start = hits[index] + 1
                end = _table_end(lines, start)
                header_path.append(str(part))
                i += 2
                continue
        table = re.compile(r"^\s*\[\s*" + re.escape(dotted) + r"\s*\]")
        hit = next((n for n in range(start, len(lines)) if table.match(lines[n])), None)
        if hit is not None and i + 1 < len(parts):
            start, end = hit + 1, _table_end(lines, hit + 1)
            header_path.append(str(part))
            i += 1
            continue
        key = re.compile(r"^\s*\"?" + re.escape(str(part)) + r"\"?\s*=")
        found = next((n for n in range(start, end) if key.match(lines[n])), None)
        if found is not None:
            return found + 1
        if hit is not None:
            return hit + 1
        return start if start > 0 else None
    return start if start > 0 else None


def _table_end(lines: list[str], start: int) -> int:
    for n in range(start, len(lines)):
        if lines[n].lstrip().startswith("["):
            return n
    return len(lines)
