"""What each document contains, computed from the project (no python-docx here).

- `passages`: a module's transcript as readable paragraphs, cues merged per speaker and section (a long
  turn cut at a sentence end every ~600 characters), with the French and Spanish text side by side and
  the time on the rendered video.
- `Reviewer`: whether a Spanish cue or document unit is still a draft (packager.review.states).
- `training_plan`: the session tables of the trainer guide and their minutes, checked against the
  project's training hours.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..config import ENTERPRISE_THEMES, Section, Speaker
from ..errors import PackagerError
from ..project import Module
from ..review.states import StateFile, effective_state
from ..subtitles.cues import Cue, read_srt
from ..texts import Block
from ..video.cards import CARD_SECONDS  # times on the rendered video = footage time + the opening card

DRAFT_STATES = ("draft", "needs-review")

KIND_LABELS = {
    "enterprise": ("Entreprise d'insertion", "Empresa de inserción"),
    "interview": ("Entrevue", "Entrevista"),
    "roundtable": ("Table ronde", "Mesa redonda"),
}


def kind_label(kind: str, lang: str) -> str:
    fr, es = KIND_LABELS.get(kind, (kind, kind))
    return fr if lang == "fr" else es


def theme_title(module: Module | None, theme: str, lang: str) -> str:
    """A theme's title: the module's own section title, else the programme's nine themes, else the key."""
    if module is not None:
        for section in module.definition.sections:
            if section.theme == theme:
                return section.title(lang)
    if theme in ENTERPRISE_THEMES:
        fr, es = ENTERPRISE_THEMES[theme]
        return fr if lang == "fr" else es
    return theme


# ---------------------------------------------------------------------------------------------- review


class Reviewer:
    """Review states of one target file (packager.review.states). Without a target, nothing is marked."""

    def __init__(self, target: Path | None):
        self._file = StateFile.load(target) if target is not None else None

    def state(self, key: str, source_text: str, target_text: str) -> str | None:
        if self._file is None:
            return None
        return effective_state(self._file.units.get(key), source_text, target_text)

    def is_draft(self, key: str, source_text: str, target_text: str) -> str:
        """"draft" (the machine's), "needs-review" (a person's, whose source changed since), or "" (no
        mark): truthy when the text carries a mark, and which one."""
        state = self.state(key, source_text, target_text)
        return state if state in DRAFT_STATES else ""


def worse(a: str, b: str) -> str:
    """The mark a passage of several units carries: a machine draft before a text to review."""
    return "draft" if "draft" in (a, b) else a or b


# ---------------------------------------------------------------------------------------------- transcript


# A speaker's long turn is cut into paragraphs of about this many characters, at the end of a sentence,
# so that each row of the transcript stays readable and carries its own timecode.
PASSAGE_CHARS = 600
_SENTENCE_END = re.compile(r"[.!?…][»”\"')\]]*\s*$")


@dataclass
class Passage:
    """Consecutive cues of one speaker in one section: one row of the transcript table."""

    start: float  # on the rendered video (footage time + opening card)
    end: float
    speaker: Speaker | None
    section: Section | None
    fr: list[str] = field(default_factory=list)
    es: list[str] = field(default_factory=list)
    cues: list[int] = field(default_factory=list)
    draft: str = ""  # "", "draft" or "needs-review" (Reviewer.is_draft)
    missing: bool = False  # a cue has no Spanish text

    @property
    def text_fr(self) -> str:
        return " ".join(t for t in self.fr if t)

    @property
    def text_es(self) -> str:
        return " ".join(t for t in self.es if t)


@dataclass
class Transcript:
    passages: list[Passage]
    source_missing: bool = False
    target_missing: bool = False
    drafts: int = 0


def transcript(module: Module) -> Transcript:
    """The module's transcript as passages; cues are paired fr/es by number (the files are aligned)."""
    project = module.project
    src, dst = project.source_language, project.target_language
    source_path, target_path = module.subtitle_path(src), module.subtitle_path(dst)
    if not source_path.is_file():
        return Transcript([], source_missing=True, target_missing=not target_path.is_file())
    source = read_srt(source_path)
    target: list[Cue] = read_srt(target_path) if target_path.is_file() else []
    reviewer = Reviewer(target_path if target else None)
    passages: list[Passage] = []
    drafts = 0
    for i, cue in enumerate(source):
        other = target[i] if i < len(target) else None
        speaker = module.speaker_at(cue.start)
        section = module.section_at(cue.start)
        draft = reviewer.is_draft(str(cue.index), cue.text, other.text) if other is not None else ""
        drafts += bool(draft)
        last = passages[-1] if passages else None
        if (last is None or last.speaker != speaker or last.section != section
                or (len(last.text_fr) >= PASSAGE_CHARS and _SENTENCE_END.search(last.fr[-1]))):
            last = Passage(cue.start + CARD_SECONDS, cue.end + CARD_SECONDS, speaker, section)
            passages.append(last)
        last.end = cue.end + CARD_SECONDS
        last.fr.append(cue.plain_text)
        last.es.append(other.plain_text if other is not None else "")
        last.cues.append(cue.index)
        last.draft = worse(last.draft, draft)
        last.missing |= other is None or not other.plain_text
    return Transcript(passages, target_missing=not target, drafts=drafts)


def outline(module: Module) -> list[tuple[str, str, str, float | None]]:
    """(theme, title fr, title es, time on the rendered video) — the nine themes for an enterprise."""
    if module.kind == "enterprise":
        starts = {s.theme: s.start for s in module.definition.sections}
        return [(theme, fr, es, starts[theme] + CARD_SECONDS if theme in starts else None)
                for theme, (fr, es) in ENTERPRISE_THEMES.items()]
    return [(s.theme, s.title_fr, s.title_es, s.start + CARD_SECONDS)
            for s in sorted(module.definition.sections, key=lambda s: s.start)]


# ---------------------------------------------------------------------------------------------- plan
#
# The trainer guide's plan is computed, not typed. The guide's session tables (a table with a Minutes
# column under each session heading) give the layout: which activities, in which session, for which
# module, and the minutes the authors would like for each. packager then sets every viewing to the
# module's real duration and every break to `[training] break_minutes`, and shares the rest of each
# session among the other activities in proportion to the minutes asked, so that every session lasts
# `[training] hours × 60 / sessions` and the plan exactly `[training] hours`. What had to be shortened
# is said. Without session tables (or with a number of them that is not `[training] sessions`), the
# layout is made from the modules: introduction, each module's viewing and discussion, the synthesis
# after the enterprises, an evaluation at the end, one break per session.

_MINUTES_HEADER = re.compile(r"^\s*(minutes?|minutos?|min\.?)\s*$", re.IGNORECASE)
_MODULE_HEADER = re.compile(r"^\s*(modules?|m[óo]dulos?)\s*$", re.IGNORECASE)
_VIEWING = ("visionn", "visiona", "visualiz", "proyecci", "projection")
_BREAK = ("pause", "pausa", "break", "receso")
MIN_ACTIVITY = 5  # minutes: below this an activity is shortened to nothing useful


@dataclass
class Activity:
    """One row of a session: what is done, in both languages, for which module, for how long."""

    fr: str
    es: str
    kind: str  # view | break | work
    module: Module | None = None
    module_fr: str = "—"
    module_es: str = "—"
    wanted: int = 0  # the minutes asked (work), the real duration (view), the configured break
    minutes: int = 0  # the minutes given
    row: int | None = None  # its row in the guide's table (the header is row 0)


@dataclass
class PlanSession:
    title_fr: str
    title_es: str
    activities: list[Activity]
    length: int  # the minutes this session lasts
    block: int | None = None  # the guide's table block number it comes from
    source_rows: int = 0  # rows of that table, the header included
    cuts: list[tuple[str, str]] = field(default_factory=list)  # what was shortened (fr, es)

    def cut_note(self, lang: str) -> str:
        """What had to be shortened for the modules to fit, in one sentence ("" when nothing)."""
        if not self.cuts:
            return ""
        if lang == "fr":
            return (f"{self.title_fr} : raccourcie pour tenir en {self.length} min — "
                    + "; ".join(fr for fr, _ in self.cuts) + ".")
        return (f"{self.title_es}: acortada para caber en {self.length} min — "
                + "; ".join(es for _, es in self.cuts) + ".")

    @property
    def minutes(self) -> int:
        return sum(a.minutes for a in self.activities)

    def modules(self) -> list[Module]:
        found: list[Module] = []
        for activity in self.activities:
            if activity.module is not None and all(activity.module is not m for m in found):
                found.append(activity.module)
        return found


@dataclass
class TrainingPlan:
    sessions: list[PlanSession]
    expected: int  # [training] hours in minutes
    from_guide: bool  # laid out by the guide's tables (else from the modules)
    notes: list[str] = field(default_factory=list)  # what was shortened or could not be placed

    @property
    def total(self) -> int:
        return sum(s.minutes for s in self.sessions)

    def sessions_of(self, module: Module) -> list[PlanSession]:
        return [s for s in self.sessions if any(m is module for m in s.modules())]


def viewing_minutes(module: Module) -> int:
    """The module's viewing time in whole minutes, rounded up: its edited footage and, for real footage,
    the opening and closing cards (a sample maps its generated seconds to planned minutes)."""
    project = module.project
    seconds = module.footage_seconds + (0 if project.is_sample else 2 * CARD_SECONDS)
    return max(1, math.ceil(seconds / project.time_scale - 1e-6))


def session_lengths(total: int, sessions: int) -> list[int]:
    """`total` minutes in `sessions` whole-minute sessions, the first ones a minute longer if needed."""
    base, extra = divmod(total, sessions)
    return [base + (1 if i < extra else 0) for i in range(sessions)]


def plan_table_blocks(blocks: list[Block]) -> list[Block]:
    """The guide's session tables: the tables with a Minutes column."""
    return [b for b in blocks if b.kind == "table" and any(_MINUTES_HEADER.match(h) for h in b.rows[0])]


def _module_of(project, cell: str) -> Module | None:
    """The module a plan cell names: "3 · Entreprise C" (its number), or its id."""
    text = cell.strip()
    if not text or text in {"—", "-", "–"}:
        return None
    head = re.split(r"[·\-—–:]", text, maxsplit=1)[0].strip()
    for module in project.modules:
        if head == str(module.order) or text.split()[0] == module.id:
            return module
    return None


def _kind(label: str, module: Module | None) -> str:
    low = label.casefold().strip()
    if module is not None and low.startswith(_VIEWING):
        return "view"
    if low.startswith(_BREAK):
        return "break"
    return "work"


def _guide_layout(project, fr_blocks: list[Block], es_blocks: list[Block] | None,
                  path: Path) -> list[PlanSession]:
    """The session tables of the guide, with their twins (the same block in the target file).

    `fr_blocks` is the source file and `es_blocks` the target file (French and Spanish for the sample);
    the activities and titles are stored by language, so a Spanish source fills their `es` side."""
    swap = project.source_language != "fr"

    def by_language(source: str, target: str) -> tuple[str, str]:
        return (target, source) if swap else (source, target)

    es_by_number = {b.number: b for b in es_blocks or []}
    sessions: list[PlanSession] = []
    heading_fr = heading_es = ""
    for block in fr_blocks:
        twin = es_by_number.get(block.number)
        if block.kind == "heading":
            heading_fr = block.text
            heading_es = twin.text if twin is not None and twin.kind == "heading" else block.text
            continue
        if block.kind != "table":
            continue
        header = block.rows[0]
        minutes_col = next((c for c, h in enumerate(header) if _MINUTES_HEADER.match(h)), None)
        if minutes_col is None:
            continue
        module_col = next((c for c, h in enumerate(header) if _MODULE_HEADER.match(h)), None)
        label_col = 0 if minutes_col != 0 else 1
        es_rows = twin.rows if twin is not None and twin.kind == "table" and len(twin.rows) == len(block.rows) \
            else block.rows
        activities = []
        for r, row in enumerate(block.rows[1:], start=1):
            value = row[minutes_col].strip()
            if not re.fullmatch(r"\d+", value):
                raise PackagerError(f"the minutes cell {value!r} is not a whole number", path=path,
                                    where=f"line {block.line + r + 1}, table under {heading_fr!r}",
                                    hint="write the minutes as a plain number, e.g. 20")
            es_row = es_rows[r] if len(es_rows[r]) == len(row) else row
            module_cell = row[module_col] if module_col is not None else ""
            module = _module_of(project, module_cell) if module_col is not None else None
            kind = _kind(row[label_col], module)
            label_fr, label_es = by_language(row[label_col], es_row[label_col])
            module_fr, module_es = by_language(
                module_cell.strip() or "—", (es_row[module_col].strip() if module_col is not None else "") or "—")
            activities.append(Activity(fr=label_fr, es=label_es, kind=kind, module=module, module_fr=module_fr,
                                       module_es=module_es, wanted=int(value), row=r))
        title_fr, title_es = by_language(heading_fr, heading_es)
        sessions.append(PlanSession(title_fr, title_es, activities, 0, block=block.number,
                                    source_rows=len(block.rows)))
    return sessions


# The default layout's activities (French, Spanish, minutes asked).
_WELCOME = ("Accueil, présentation des participants et des objectifs",
            "Bienvenida, presentación de los participantes y de los objetivos", 20)
_INTRO = ("Exposé : le contexte et les mesures d'insertion du Québec (cahier d'introduction)",
          "Exposición: el contexto y las medidas de inserción de Quebec (cuaderno de introducción)", 40)
_VIEW = ("Visionnement", "Proyección")
_DISCUSS = ("Discussion des questions du cahier", "Discusión de las preguntas del cuaderno")
_SYNTHESIS = ("Comparaison des entreprises à l'aide de la matrice d'analyse-synthèse",
              "Comparación de las empresas con la matriz de análisis y síntesis", 45)
_EVALUATION = ("Évaluation de la formation et clôture", "Evaluación de la formación y cierre", 30)
_PAUSE = ("Pause", "Pausa")
_OPEN = ("Retour sur la séance précédente", "Repaso de la sesión anterior", 10)


def _module_cells(module: Module) -> tuple[str, str]:
    return (f"{module.order} · {module.title('fr')}", f"{module.order} · {module.title('es')}")


def _default_layout(project, count: int) -> list[PlanSession]:
    """Introduction, then each module (viewing, discussion), the synthesis after the last enterprise, an
    evaluation: groups shared over `count` sessions in order, balanced on the minutes they ask."""
    groups: list[list[Activity]] = [[Activity(*_WELCOME[:2], "work", wanted=_WELCOME[2]),
                                     Activity(*_INTRO[:2], "work", wanted=_INTRO[2])]]
    enterprises = [m for m in project.modules if m.kind == "enterprise"]
    for module in project.modules:
        view = viewing_minutes(module)
        fr, es = _module_cells(module)
        groups.append([Activity(*_VIEW, "view", module, fr, es, wanted=view),
                       Activity(*_DISCUSS, "work", module, fr, es, wanted=max(20, 5 * math.ceil(1.5 * view / 5)))])
        if enterprises and module is enterprises[-1]:
            groups.append([Activity(*_SYNTHESIS[:2], "work", wanted=_SYNTHESIS[2])])
    groups.append([Activity(*_EVALUATION[:2], "work", wanted=_EVALUATION[2])])
    weights = [sum(a.wanted for a in g) for g in groups]
    total = sum(weights)
    sessions = [PlanSession(f"Séance {i}", f"Sesión {i}", [], 0) for i in range(1, count + 1)]
    done = 0
    for group, weight in zip(groups, weights):
        index = min(count - 1, int((done + weight / 2) / total * count))
        sessions[index].activities += group
        done += weight
    for i, session in enumerate(sessions):
        if i > 0:
            session.activities.insert(0, Activity(*_OPEN[:2], "work", wanted=_OPEN[2]))
        viewed = [m for m in session.modules()]
        if viewed:
            session.title_fr += " — " + ", ".join(m.title("fr") for m in viewed)
            session.title_es += " — " + ", ".join(m.title("es") for m in viewed)
    return sessions


def _share(amount: int, weights: list[int]) -> list[int]:
    """`amount` whole minutes shared in proportion to `weights` (largest remainders), summing exactly."""
    if not weights:
        return []
    if sum(weights) <= 0:
        weights = [1] * len(weights)
    total = sum(weights)
    exact = [amount * w / total for w in weights]
    shares = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:amount - sum(shares)]:
        shares[i] += 1
    return shares


def _fill(session: PlanSession, break_minutes: int) -> None:
    """Set each activity's minutes so that the session lasts exactly `session.length`."""
    acts = session.activities
    if break_minutes > 0 and not any(a.kind == "break" for a in acts):
        # One break per session, near the middle: before the activity that crosses the half of the
        # session's asked time (after it when it is the first).
        asked, half, at = 0, sum(a.wanted for a in acts) / 2, len(acts)
        for i, activity in enumerate(acts):
            asked += activity.wanted
            if asked >= half:
                at = max(i, 1)
                break
        acts.insert(min(at, len(acts)), Activity(*_PAUSE, "break", wanted=break_minutes))
    for activity in acts:
        if activity.kind == "view":
            activity.wanted = viewing_minutes(activity.module)
        elif activity.kind == "break":
            activity.wanted = break_minutes
    views = [a for a in acts if a.kind == "view"]
    breaks = [a for a in acts if a.kind == "break"]
    work = [a for a in acts if a.kind == "work"]
    if not work:
        acts.append(Activity("Discussion libre", "Discusión libre", "work", wanted=1))
        work = acts[-1:]
    length = session.length
    fixed = sum(a.wanted for a in views) + sum(a.wanted for a in breaks)
    floor = MIN_ACTIVITY * len(work)
    for activity in views + breaks:
        activity.minutes = activity.wanted
    cut: list[tuple[str, str]] = []
    if fixed + floor > length:
        # The modules do not fit: the breaks give way first, then the viewings (chapters only).
        excess = fixed + floor - length
        for group, what in ((breaks, "pause"), (views, "visionnement")):
            have = sum(a.minutes for a in group)
            take = min(excess, have)
            if take <= 0:
                continue
            keep = _share(have - take, [a.minutes for a in group])
            for activity, minutes in zip(group, keep):
                if minutes < activity.minutes:
                    if activity.kind == "view":
                        labels = (f"visionnement du module {activity.module.order} (chapitres choisis)",
                                  f"proyección del módulo {activity.module.order} (capítulos elegidos)")
                    else:
                        labels = ("pause", "pausa")
                    # French puts a space before the colon; Spanish does not.
                    cut.append((f"{labels[0]} : {activity.minutes} → {minutes} min",
                                f"{labels[1]}: {activity.minutes} → {minutes} min"))
                    activity.minutes = minutes
            excess -= take
        remaining = max(0, length - sum(a.minutes for a in views + breaks))
    else:
        remaining = length - fixed
    shares = _share(remaining, [a.wanted for a in work])
    if remaining >= floor:
        # Every activity keeps at least MIN_ACTIVITY minutes; the rest in proportion to what it asked.
        shares = [MIN_ACTIVITY + s for s in _share(remaining - floor, [max(0, a.wanted - MIN_ACTIVITY) for a in work])]
    for activity, minutes in zip(work, shares):
        if minutes < activity.wanted:
            cut.append((f"« {activity.fr} » : {activity.wanted} → {minutes} min",
                        f"«{activity.es}»: {activity.wanted} → {minutes} min"))
        activity.minutes = minutes
    session.cuts = cut


def training_plan(project, fr_blocks: list[Block] | None, es_blocks: list[Block] | None,
                  path: Path | None) -> TrainingPlan:
    """The plan of `[training] hours` in `[training] sessions`, laid out by the guide's session tables
    when there is one per session, else from the modules. Sums exactly to the hours."""
    training = project.config.training
    expected = round(training.hours * 60)
    notes: list[str] = []
    layout = _guide_layout(project, fr_blocks, es_blocks, path) if fr_blocks else []
    from_guide = len(layout) == training.sessions
    if layout and not from_guide:
        notes.append(f"the guide has {len(layout)} session table(s), packager.toml asks for {training.sessions} "
                     "sessions: the plan was laid out from the modules")
    if not from_guide:
        layout = _default_layout(project, training.sessions)
    for session, length in zip(layout, session_lengths(expected, training.sessions)):
        session.length = length
        _fill(session, training.break_minutes)
        if session.cuts:
            notes.append(f"{session.title_fr}: shortened to fit {length} min — "
                         + "; ".join(fr for fr, _es in session.cuts))
    plan = TrainingPlan(layout, expected, from_guide, notes)
    missing = [m for m in project.modules if not plan.sessions_of(m)]
    for module in missing:
        notes.append(f"module {module.order} ({module.id}) is not in the session plan")
    assert plan.total == expected, (plan.total, expected)
    return plan


def clock(minutes: int) -> str:
    """Minutes from the session's start as h:mm."""
    return f"{minutes // 60}:{minutes % 60:02d}"
