"""The cue builder and the typed-transcript aligner, on word timings given as data.

The words are real French sentences timed the way a recogniser times them (each word lasts its
length at the speaker's rate, short pauses between words, longer ones after punctuation): a
measured speaker at 13 characters a second, a fast one at 30 (faster than anyone can read at 17).
"""

from __future__ import annotations

from packager.config import SubtitleQAProfile
from packager.subtitles.cues import Cue
from packager.subtitles.qa import check_track
from packager.transcription.align import align_typed, normalise
from packager.transcription.cues import CueRules, DraftCue, build_cues
from packager.transcription.words import Word

RULES = CueRules()  # the project's profile: 42 × 2, 17 cps, 5/6 s to 7 s, 2 frames at 25 fps
PROFILE = SubtitleQAProfile(min_duration=0.834)

SLOW = ("Notre entreprise est née en 1996 dans un quartier de Montréal. Nous voulions offrir un premier "
        "emploi aux jeunes qui avaient quitté l'école, et leur donner une vraie formation en restauration.")
FAST = ("Alors moi je suis arrivé ici il y a six mois et avant je ne travaillais pas du tout, je restais "
        "chez moi toute la journée sans rien faire.")


def speak(text: str, start: float, chars_per_second: float, speaker: str | None = None,
          pause: float = 0.3) -> list[Word]:
    words, t = [], start
    for w in text.split():
        d = round(len(w) / chars_per_second, 3)
        words.append(Word(w, round(t, 3), round(t + d, 3), speaker))
        t += d + 0.06
        if w[-1] in ".,?!;:":
            t += pause
    return words


def qa_hits(cues: list[DraftCue], footage: float = 60.0):
    track = [Cue(index=n, start=c.start, end=c.end, text=c.text) for n, c in enumerate(cues, start=1)]
    return [(h.cue.index, h.rule) for h in check_track(track, lang="fr", profile=PROFILE, frame_rate=25,
                                                       footage_seconds=footage)]


def test_a_measured_speaker_is_cut_at_sentences_and_clauses_and_passes_qa():
    cues = build_cues(speak(SLOW, 0.5, 13, "directrice"), RULES)
    assert cues == [
        DraftCue(0.5, 5.101, "Notre entreprise est née\nen 1996 dans un quartier de Montréal.", "directrice", False),
        DraftCue(5.461, 11.199, "Nous voulions offrir un premier emploi\naux jeunes qui avaient quitté l'école,",
                 "directrice", False),
        DraftCue(11.559, 15.365, "et leur donner une vraie\nformation en restauration.", "directrice", False),
    ]
    assert qa_hits(cues) == []


def test_a_fast_speaker_is_cut_at_clauses_and_flagged_where_the_speech_forces_it():
    cues = build_cues(speak(FAST, 20.0, 30, "participant", pause=0.05), RULES)
    assert [c.text for c in cues] == ["Alors moi je suis arrivé\nici il y a six mois",
                                      "et avant je ne travaillais pas du tout,",
                                      "je restais chez moi toute\nla journée sans rien faire."]
    # shown 0.5 s before the voice and 1.1 s after it, the last cue can be read; the first two cannot
    assert [(c.start, c.end) for c in cues] == [(19.5, 21.713), (21.793, 23.312), (23.392, 26.51)]
    assert [c.too_fast for c in cues] == [True, True, False]
    # qa reports exactly the reading speed the speech forces, nothing else (lines, gaps, durations)
    assert qa_hits(cues) == [(1, "reading-speed"), (2, "reading-speed")]


def test_a_change_of_speaker_starts_a_new_cue_and_a_cue_shows_at_most_half_a_second_early():
    slow = speak(SLOW, 0.5, 13, "directrice")
    fast = speak(FAST, 20.0, 30, "participant", pause=0.05)
    cues = build_cues(slow + fast, RULES)
    assert [c.speaker for c in cues] == ["directrice"] * 3 + ["participant"] * 3
    assert cues[3].text.startswith("Alors moi") and cues[3].start == 19.5  # 0.5 s before the voice
    assert cues[2].end == 15.365


def test_a_short_answer_after_a_question_stays_on_screen_long_enough():
    words = speak("Vous êtes restés combien de temps ?", 1.0, 14, "animateur") + \
        speak("Deux ans.", 4.2, 12, "participant")
    cues = build_cues(words, RULES)
    assert [(c.start, c.end, c.text, c.speaker) for c in cues] == [
        (1.0, 3.432, "Vous êtes restés combien de temps ?", "animateur"),
        (4.2, 5.034, "Deux ans.", "participant"),  # 0.75 s of speech, held to the minimum 5/6 s
    ]
    assert qa_hits(cues) == []


def test_no_cue_crosses_an_edit_point_or_a_section_start():
    words = speak(SLOW, 0.5, 13, "directrice")
    cues = build_cues(words, RULES, barriers=[6.0, 11.4])
    for point in (6.0, 11.4):
        assert not any(c.start < point < c.end for c in cues)
    assert [c.text for c in cues] == [
        "Notre entreprise est née\nen 1996 dans un quartier de Montréal. Nous",
        "voulions offrir un premier emploi\naux jeunes qui avaient quitté l'école,",
        "et leur donner une vraie\nformation en restauration."]
    assert cues[1].start == 6.0 and cues[1].end <= 11.4
    assert qa_hits(cues) == []


def test_cues_stay_inside_their_window():
    words = speak(SLOW, 0.5, 13, "directrice")
    cues = build_cues(words, RULES, window=(0.3, 15.4))
    assert cues[0].start >= 0.3 and cues[-1].end <= 15.4


def test_the_aligner_keeps_the_typed_words_and_takes_the_machines_times():
    heard = speak("notre entreprise est nez en mille neuf cent quatre vingt seize dans un quartier de montréal",
                  2.0, 13)
    typed = "Notre entreprise est née en 1996, dans un quartier de Montréal."
    alignment = align_typed(typed, heard)
    assert [w.text for w in alignment.words] == typed.split()
    by_text = {w.text: w for w in alignment.words}
    assert (by_text["Notre"].start, by_text["Notre"].end) == (heard[0].start, heard[0].end)
    assert (by_text["quartier"].start, by_text["quartier"].end) == (heard[-3].start, heard[-3].end)
    # "née" was misheard as "nez": it takes that word's time; "1996," the span of the six number words
    assert (by_text["née"].start, by_text["née"].end) == (heard[3].start, heard[3].end)
    assert by_text["1996,"].start == heard[5].start and abs(by_text["1996,"].end - heard[10].end) < 1e-9
    assert alignment.matched == 9 and alignment.unplaced == []


def test_typed_words_the_machine_did_not_hear_are_reported_with_their_neighbours_times():
    heard = speak("nous voulions offrir un emploi aux jeunes", 10.0, 13)
    typed = "Nous voulions offrir un premier emploi aux jeunes."
    alignment = align_typed(typed, heard)
    assert [w.text for w in alignment.words] == typed.split()
    assert len(alignment.unplaced) == 1
    index, word, after, before = alignment.unplaced[0]
    assert (index, word, after, before) == (4, "premier", heard[3].end, heard[4].start)
    assert "premier" in alignment.report()[0] and "00:00:1" in alignment.report()[0]
    assert normalise("L’École,") == "l'école"


# ---------------------------------------------------------------------------------------------- a person's cues

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

MODULE = """\
id = "m"
order = 1
kind = "interview"
title_fr = "M"
title_es = "M"
planned_minutes = [0.2, 0.4]
subtitles = "subtitles/fr/m.srt"

[[edits]]
source = "footage/m.mp4"
in = "0"
out = "8"

[[edits]]
source = "footage/m.mp4"
in = "10"
out = "18"
"""

_FRENCH = ["Nous", "voulions", "offrir", "un", "emploi", "aux", "jeunes.", "Avant,", "je", "restais", "chez", "moi."]


@st.composite
def transcripts(draw):
    """A transcript of the 16 s module: cues, each a person's (edited or approved) or a machine draft,
    and the words a recogniser would hear on each edit."""
    bounds = sorted(draw(st.sets(st.integers(0, 159), min_size=2, max_size=14)))
    cues = []
    for a, b in zip(bounds[::2], bounds[1::2]):
        if b - a >= 2:
            kind = draw(st.sampled_from(["draft", "edited", "approved", "typed-over"]))
            cues.append((a / 10, b / 10 - 0.08, " ".join(draw(st.lists(st.sampled_from(_FRENCH), min_size=1,
                                                                       max_size=8))), kind))
    heard = draw(st.lists(st.tuples(st.integers(0, 790), st.integers(1, 60), st.sampled_from(_FRENCH)),
                          max_size=40))
    return cues, heard


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=transcripts())
def test_a_rerun_never_changes_a_persons_cue_nor_lets_a_draft_overlap_it(case, tmp_path_factory):
    import json

    import numpy as np

    from packager.project import Project
    from packager.review.states import StateFile, effective_state, text_hash
    from packager.subtitles.cues import format_srt, read_srt
    from packager.transcription import flow

    cues, heard = case
    root = tmp_path_factory.mktemp("p")
    (root / "modules").mkdir()
    (root / "subtitles/fr").mkdir(parents=True)
    (root / "packager.toml").write_text('[programme]\ntitle_fr = "T"\ntitle_es = "T"\nslug = "t"\n'
                                        'target_runtime_minutes = 1\n', encoding="utf-8")
    (root / "modules/01-m.toml").write_text(MODULE, encoding="utf-8")
    path = root / "subtitles/fr/m.srt"
    written = [Cue(index=n, start=a, end=b, text=t) for n, (a, b, t, _) in enumerate(cues, start=1)]
    path.write_text(format_srt(written), encoding="utf-8")
    units = {}
    for n, (_, _, text, kind) in enumerate(cues, start=1):
        recorded = text if kind != "typed-over" else "ancien texte de la machine"  # a person retyped a draft
        state = kind if kind in ("approved", "edited") else "draft"
        units[str(n)] = {"state": state, "source_hash": text_hash(""), "target_hash": text_hash(recorded),
                         "machine": recorded, "who": "x", "when": "2026-01-01T00:00:00Z", "comment": None}
    (root / "subtitles/fr/m.srt.states.json").write_text(json.dumps({"format": "packager-states/1",
                                                                     "units": units}), encoding="utf-8")
    persons = [(c.start, c.end, c.text) for c, (*_, kind) in zip(read_srt(path), cues) if kind != "draft"]

    def recognise(audio):
        seconds = len(audio) / 16000
        return [Word(w, s / 100, min(seconds, (s + d) / 100)) for s, d, w in sorted(heard) if s / 100 < seconds]

    project = Project.load(root)
    original = flow.read_span
    flow.read_span = lambda span: np.zeros(int(span.duration * 16000), dtype=np.float32)
    try:
        flow.transcribe_module(project, project.modules[0], recognise, CueRules.for_project(project),
                               when="2026-02-02T00:00:00Z")
    finally:
        flow.read_span = original
    after = read_srt(path)
    states = StateFile.load(path)
    kept = [(c.start, c.end, c.text) for n, c in enumerate(after, start=1)
            if effective_state(states.units.get(str(n)), "", c.text) != "draft"]
    assert kept == persons
    for previous, cue in zip(after, after[1:]):
        assert cue.start >= previous.end + 0.079, (previous, cue)
