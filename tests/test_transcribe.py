"""`packager transcribe` end to end: a tiny genuine faster-whisper model (built offline, installed
with `packager models install`), footage whose sound is French spoken by espeak-ng at known times,
the real ffmpeg, Silero VAD and CTranslate2 decoding. The words the tiny model writes are
meaningless; what is checked is what packager makes of them: timing on the module's timeline, cues
that pass QA except where the speech rate forces them, states, a person's text kept, typed words kept.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from review_support import run  # noqa: E402
from test_argos_tiny import NETWORK_GUARD, _offline_env, _unshare_prefix  # noqa: E402
from whisper_tiny import build_tiny_whisper  # noqa: E402

from packager.project import Project  # noqa: E402
from packager.review.states import StateFile, effective_state  # noqa: E402
from packager.subtitles.cues import read_srt  # noqa: E402
from packager.subtitles.qa import run_qa  # noqa: E402
from packager.video.ffmpeg import ffmpeg_exe  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(ESPEAK is None, reason="espeak-ng not installed (apt-get install espeak-ng)")

# (start in the footage file, speaker, text): the voice track. The module uses the file twice:
# edit 1 = 0–8 s, edit 2 = 10–18 s of the file, so the timeline is 16 s with an edit point at 8 s.
SPOKEN = [
    (1.0, "Notre entreprise est née dans un quartier de Montréal."),
    (4.6, "Nous voulions offrir un premier emploi aux jeunes."),
    (11.0, "Je suis arrivé ici il y a six mois."),
    (14.0, "Avant, je ne travaillais pas."),
]
EDIT_POINT = 8.0

PROJECT_TOML = """\
[programme]
title_fr = "Essai"
title_es = "Ensayo"
slug = "essai"
target_runtime_minutes = 1
frame_rate = 25
"""

MODULE_TOML = """\
id = "entrevue"
order = 1
kind = "interview"
title_fr = "Entrevue"
title_es = "Entrevista"
planned_minutes = [0.2, 0.4]
subtitles = "subtitles/fr/entrevue.srt"

[[speakers]]
id = "directrice"
name = "Hélène Tremblay"
role_fr = "Directrice"
role_es = "Directora"
first_appearance = "0"

[[speakers]]
id = "participant"
name = "Kevin Bouchard"
role_fr = "Participant"
role_es = "Participante"
first_appearance = "8"

[[sections]]
theme = "histoire"
title_fr = "Histoire"
title_es = "Historia"
start = "0"

[[sections]]
theme = "parcours"
title_fr = "Parcours"
title_es = "Trayectoria"
start = "8"

[[edits]]
source = "footage/entrevue.mp4"
in = "0"
out = "8"

[[edits]]
source = "footage/entrevue.mp4"
in = "10"
out = "18"
"""


def spoken_on_timeline(durations: list[float]) -> list[tuple[float, float]]:
    """Where each spoken sentence lies on the module's timeline (edit 2 starts at 8 s, from 10 s)."""
    out = []
    for (start, _), length in zip(SPOKEN, durations):
        shift = 0.0 if start < EDIT_POINT else -2.0
        out.append((start + shift, start + shift + length))
    return out


@pytest.fixture(scope="session")
def whisper_model(tmp_path_factory) -> Path:
    return build_tiny_whisper(tmp_path_factory.mktemp("whisper") / "tiny-whisper")


@pytest.fixture(scope="session")
def voiced_footage(tmp_path_factory) -> tuple[Path, list[float]]:
    """A 20 s clip shaped like a camera's (H.264 + AAC stereo, 48 kHz) whose sound is espeak-ng
    speaking SPOKEN at its times; returns it and each sentence's spoken length."""
    if ESPEAK is None:
        pytest.skip("espeak-ng not installed (apt-get install espeak-ng)")
    folder = tmp_path_factory.mktemp("voice")
    inputs, filters, lengths = [], [], []
    for n, (start, text) in enumerate(SPOKEN):
        wav = folder / f"s{n}.wav"
        subprocess.run([ESPEAK, "-v", "fr", "-s", "160", "-w", str(wav), text], check=True, capture_output=True)
        lengths.append((wav.stat().st_size - 44) / 2 / 22050)  # espeak-ng: 22.05 kHz 16-bit mono
        inputs += ["-i", str(wav)]
        delay = int(start * 1000)
        filters.append(f"[{n + 1}]adelay={delay}|{delay}[v{n}]")
    mix = "".join(f"[v{n}]" for n in range(len(SPOKEN)))
    graph = ";".join(filters) + f";{mix}amix=inputs={len(SPOKEN)}:normalize=0,apad=whole_dur=20,aresample=48000[a]"
    clip = folder / "entrevue.mp4"
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", "color=c=0x335577:s=320x180:r=25:d=20", *inputs, "-filter_complex", graph,
                    "-map", "0:v", "-map", "[a]", "-ac", "2", "-c:v", "libx264", "-preset", "ultrafast",
                    "-c:a", "aac", "-t", "20", str(clip)], check=True, capture_output=True)
    return clip, lengths


@pytest.fixture()
def models_dir(tmp_path, whisper_model, monkeypatch) -> Path:
    folder = tmp_path / "whisper-models"
    monkeypatch.setenv("PACKAGER_WHISPER_DIR", str(folder))
    return folder


@pytest.fixture()
def project(tmp_path, voiced_footage, whisper_model, models_dir) -> Path:
    root = tmp_path / "projet"
    (root / "modules").mkdir(parents=True)
    (root / "footage").mkdir()
    (root / "subtitles/fr").mkdir(parents=True)
    (root / "packager.toml").write_text(PROJECT_TOML, encoding="utf-8")
    (root / "modules/01-entrevue.toml").write_text(MODULE_TOML, encoding="utf-8")
    (root / "glossary.toml").write_text('[[term]]\nfr = "MESS"\nkeep = true\n', encoding="utf-8")
    shutil.copy(voiced_footage[0], root / "footage/entrevue.mp4")
    result = run(root, "models", "install", str(whisper_model))
    assert "installed Whisper model tiny-whisper" in result.output
    return root


def transcript(root: Path):
    path = root / "subtitles/fr/entrevue.srt"
    cues = read_srt(path)
    states = StateFile.load(path)
    return cues, [effective_state(states.units.get(str(n)), "", c.text) for n, c in enumerate(cues, start=1)]


# ---------------------------------------------------------------------------------------------- VAD


def test_silero_vad_hears_the_spoken_sentences_on_the_modules_timeline(voiced_footage, tmp_path):
    from packager.transcription.audio import read_span, timeline_spans
    from packager.transcription.engine import speech_regions

    clip, lengths = voiced_footage
    root = tmp_path / "p"
    (root / "modules").mkdir(parents=True)
    (root / "packager.toml").write_text(PROJECT_TOML, encoding="utf-8")
    (root / "modules/01-entrevue.toml").write_text(MODULE_TOML, encoding="utf-8")
    (root / "footage").mkdir()
    shutil.copy(clip, root / "footage/entrevue.mp4")
    module = Project.load(root).modules[0]
    spans = timeline_spans(module, [(0.0, module.footage_seconds)])
    assert [(s.start, s.end, s.source_in) for s in spans] == [(0.0, 8.0, 0.0), (8.0, 16.0, 10.0)]
    regions = []
    for span in spans:
        audio = read_span(span)
        assert len(audio) == pytest.approx(span.duration * 16000, abs=400)
        regions += [(span.start + a, span.start + b) for a, b in speech_regions(audio)]
    for start, end in spoken_on_timeline(lengths):
        heard = sum(max(0.0, min(end, b) - max(start, a)) for a, b in regions)
        assert heard >= 0.9 * (end - start), (start, end, regions)
    # and silence is not speech: before the first sentence, after the last one (Silero's regions are
    # padded by 0.4 s and join pauses under 2 s, faster-whisper's defaults)
    spoken = spoken_on_timeline(lengths)
    for lo, hi in ((0.0, spoken[0][0] - 0.5), (spoken[-1][1] + 0.5, 16.0)):
        assert hi - lo > 0.4
        assert not any(a < hi and b > lo for a, b in regions), (lo, hi, regions)


def test_the_recogniser_decodes_french_only_where_vad_hears_speech(voiced_footage, whisper_model, tmp_path):
    from packager.transcription.audio import Span, read_span
    from packager.transcription.engine import Recogniser, describe, speech_regions

    audio = read_span(Span(start=0.0, end=20.0, source=voiced_footage[0], source_in=0.0))
    recogniser = Recogniser(describe(whisper_model), language="fr", prompt="Collectif, MESS, CLE.", threads=1)
    words = recogniser.words(audio)
    assert recogniser.last_language == "fr"
    assert len(words) > 10 and all(w.end >= w.start for w in words)
    regions = speech_regions(audio)
    for word in words:  # faster-whisper decodes the VAD's speech only, and maps times back
        assert any(a - 0.05 <= word.start and word.end <= b + 0.05 for a, b in regions), (word, regions)


def test_the_initial_prompt_holds_the_glossary_then_the_speakers_names():
    from packager.transcription.engine import initial_prompt

    terms = ["Collectif des entreprises d'insertion du Québec", "MESS", "CLE", "MESS"]
    assert initial_prompt(terms, ["Hélène L. (exemple)", "Kevin B."]) == (
        "Collectif des entreprises d'insertion du Québec, MESS, CLE. Hélène L., Kevin B.")
    long = initial_prompt([f"terme numéro {n}" for n in range(100)], ["Hélène L."], limit=80)
    assert len(long) <= 80 and long.endswith("Hélène L.")  # Whisper keeps a prompt's end: names last


# ---------------------------------------------------------------------------------------------- end to end


def test_transcribe_writes_draft_cues_that_pass_qa_except_where_the_speech_forces_it(project, voiced_footage):
    scratch = project / ".offline"
    env = _offline_env(scratch, PACKAGER_WHISPER_DIR=str(project.parent / "whisper-models"),
                       PYTHONPATH=str(REPO))
    cli = "import sys\nfrom packager.cli import cli\nsys.exit(cli.main(args=sys.argv[1:], prog_name='packager'))\n"
    proc = subprocess.run([*_unshare_prefix(), sys.executable, "-c", NETWORK_GUARD + cli, "-C", str(project),
                           "transcribe"], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert Path(env["NET_GUARD_LOG"]).read_text(encoding="utf-8") == ""  # offline, really
    summary = re.search(r"transcribe: (\d+) cue\(s\) written with tiny-whisper, (\d+) over the reading speed",
                        proc.stdout)
    assert summary, proc.stdout
    assert re.search(r"entrevue: \d+ cue\(s\) draft, 0 kept .*16\.0 s of sound in [\d.]+ s \(real-time factor "
                     r"[\d.]+\)", proc.stdout), proc.stdout
    assert "16/16 s of sound" in proc.stderr  # progress per module
    # the speakers of [[speakers]] (the participant from 8 s, the second edit) each have their cues
    assert re.search(r"directrice \d+ cue\(s\), participant \d+ cue\(s\)", proc.stdout), proc.stdout
    cues, states = transcript(project)
    assert len(cues) == int(summary.group(1)) > 0
    assert set(states) == {"draft"}
    # cues lie on the module's timeline, inside the speech, and never across the edit point
    spoken = spoken_on_timeline(voiced_footage[1])
    assert all(0.0 <= c.start < c.end <= 16.0 for c in cues)
    assert not any(c.start < EDIT_POINT < c.end for c in cues)
    assert cues[0].start >= spoken[0][0] - 1.0
    for cue in cues:  # every cue overlaps a spoken sentence (give or take the tiny model's timing)
        assert any(cue.start < b + 1.0 and cue.end > a - 1.0 for a, b in spoken), cue
    # QA: on the French track only what the speech rate forces, as many as the command said
    report = run_qa(Project.load(project), ["entrevue"])
    french = [f for f in report.errors if f.lang == "fr"]
    assert {f.rule for f in french} <= {"reading-speed", "min-duration"}, french
    assert len({f.cue for f in french}) == int(summary.group(2))
    # the dashboard shows the transcript's review
    status = run(project, "status").output
    assert f"{len(cues)} · 0% approved · {len(cues)} draft" in " ".join(status.split("│"))  # may wrap
    from packager.dashboard import draft_summary  # what `build` ends with

    assert f"{len(cues)} FR transcript cue(s) machine draft" in draft_summary(Project.load(project))


def test_a_persons_cues_survive_a_rerun_and_approval_works_for_the_source(project):
    run(project, "transcribe")
    path = project / "subtitles/fr/entrevue.srt"
    cues, _ = transcript(project)
    assert len(cues) >= 3
    # a person corrects cue 2 in any editor and approves cue 1 through packager
    text = path.read_text(encoding="utf-8")
    corrected = "Nous voulions offrir\nun premier emploi."
    blocks = text.split("\n\n")
    lines = blocks[1].split("\n")
    blocks[1] = "\n".join(lines[:2] + [corrected])
    path.write_text("\n\n".join(blocks), encoding="utf-8")
    result = run(project, "review", "approve", "entrevue", "--source", "--cues", "1")
    assert "1 cue(s) newly approved" in result.output
    before, states = transcript(project)
    assert states[:2] == ["approved", "edited"] and set(states[2:]) == {"draft"}
    from packager.review import history  # the approval and the correction it noticed, in the French history

    last = [(r.key, r.state, r.who, r.origin) for r in history.read(path)][-2:]
    assert sorted(last) == [("1", "approved", "person", "approve"), ("2", "edited", "person", "hand edit")]
    # translate warns that the French is still a machine draft (before it looks for a model)
    warned = run(project, "translate", code=None)
    assert f"entrevue: {len(before) - 2} FR cue(s) are still a machine draft" in warned.output

    second = run(project, "transcribe").output
    assert "2 kept (a person's)" in second
    after, states = transcript(project)
    assert (after[0].start, after[0].end, after[0].text) == (before[0].start, before[0].end, before[0].text)
    assert (after[1].start, after[1].end, after[1].text) == (before[1].start, before[1].end, corrected)
    assert states[:2] == ["approved", "edited"] and set(states[2:]) == {"draft"}
    assert not any(p.name.endswith(".part") or ".part." in p.name for p in path.parent.iterdir())

    # everything a person's: nothing is redone
    run(project, "review", "approve", "entrevue", "--source")
    assert "kept, a person's transcript" in run(project, "transcribe").output
    assert set(transcript(project)[1]) == {"approved"}
    assert "100% approved" in run(project, "status").output


def test_a_typed_transcript_without_states_is_never_touched(project):
    path = project / "subtitles/fr/entrevue.srt"
    typed = "1\n00:00:01,000 --> 00:00:04,000\nTexte tapé par une personne.\n\n"
    path.write_text(typed, encoding="utf-8")
    assert "kept, a person's transcript" in run(project, "transcribe").output
    assert path.read_text(encoding="utf-8") == typed
    assert "% approved" not in run(project, "status").output  # a person's transcript: just its cue count


@pytest.mark.parametrize("kind", ["txt", "docx"])
def test_text_aligns_a_typed_transcript_and_keeps_its_words(project, kind):
    words = " ".join(text for _, text in SPOKEN)
    if kind == "txt":
        typed = project / "entrevue.txt"
        typed.write_text("\n\n".join(text for _, text in SPOKEN) + "\n", encoding="cp1252")
    else:
        import docx

        typed = project / "entrevue.docx"
        document = docx.Document()
        for _, text in SPOKEN:
            document.add_paragraph(text)
        document.save(str(typed))
    result = run(project, "transcribe", "entrevue", "--text", str(typed))
    assert "edited (typed words)" in result.output
    cues, states = transcript(project)
    assert " ".join(c.text.replace("\n", " ") for c in cues).split() == words.split()
    assert set(states) == {"edited"}  # a person's words: no re-run redoes them
    from packager.review import history  # the French history holds them as a person's, typed

    recorded = [r for r in history.read(project / "subtitles/fr/entrevue.srt") if r.event == "version"]
    assert [r.text for r in recorded] == [c.text for c in cues]
    assert {(r.who, r.origin, r.state) for r in recorded} == {("person", "typed transcript", "edited")}
    assert not any(c.start < EDIT_POINT < c.end for c in cues)
    assert "kept, a person's transcript" in run(project, "transcribe").output


def test_an_interrupted_transcription_leaves_the_old_transcript(project):
    from packager.transcription.cues import CueRules
    from packager.transcription.flow import transcribe_module

    run(project, "transcribe")
    path = project / "subtitles/fr/entrevue.srt"
    srt_before = path.read_bytes()
    states_before = (path.parent / "entrevue.srt.states.json").read_bytes()
    calls = []

    def interrupted(audio):
        calls.append(len(audio))
        if len(calls) == 2:  # Ctrl-C while the second edit is being recognised
            raise KeyboardInterrupt
        return []

    loaded = Project.load(project)
    with pytest.raises(KeyboardInterrupt):
        transcribe_module(loaded, loaded.modules[0], interrupted, CueRules.for_project(loaded),
                          when="2026-01-01T00:00:00Z")
    assert path.read_bytes() == srt_before
    assert (path.parent / "entrevue.srt.states.json").read_bytes() == states_before
    assert sorted(p.name for p in path.parent.iterdir()) == ["entrevue.srt", "entrevue.srt.history.jsonl",
                                                            "entrevue.srt.states.json"]


# ---------------------------------------------------------------------------------------------- models


def _zip_folder(folder: Path, dest: Path, top: str = "faster-whisper-tiny") -> Path:
    with zipfile.ZipFile(dest, "w") as zf:
        for file in sorted(folder.iterdir()):
            zf.write(file, f"{top}/{file.name}")
    return dest


def test_models_install_a_zip_and_list_both_kinds(tmp_path, whisper_model, models_dir):
    archive = _zip_folder(whisper_model, tmp_path / "whisper.zip")
    result = run(tmp_path, "models", "install", str(archive))
    assert "installed Whisper model faster-whisper-tiny" in result.output
    assert sorted(p.name for p in (models_dir / "faster-whisper-tiny").iterdir()) == sorted(
        p.name for p in whisper_model.iterdir())
    listing = run(tmp_path, "models", "list").output
    assert "transcription (Whisper)" in listing and "faster-whisper-tiny" in listing
    assert "models: none installed" in listing or "installed in" in listing  # the Argos part is still listed


def test_models_install_refuses_unsafe_incomplete_or_foreign_models(tmp_path, whisper_model, models_dir):
    slip = tmp_path / "slip.zip"
    with zipfile.ZipFile(slip, "w") as zf:
        for file in whisper_model.iterdir():
            zf.write(file, f"m/{file.name}")
        zf.writestr("m/../../evil.txt", "x")
    result = run(tmp_path, "models", "install", str(slip), code=2)
    assert "unsafe archive" in result.output and "evil.txt" in result.output
    assert not (tmp_path / "evil.txt").exists()

    incomplete = tmp_path / "incomplete"
    shutil.copytree(whisper_model, incomplete)
    (incomplete / "tokenizer.json").unlink()
    result = run(tmp_path, "models", "install", str(incomplete), code=2)
    assert "tokenizer.json missing" in result.output and "→" in result.output

    foreign = tmp_path / "translation-model"
    shutil.copytree(whisper_model, foreign)
    config = json.loads((foreign / "config.json").read_text())
    for key in ("alignment_heads", "lang_ids", "suppress_ids_begin"):
        config.pop(key, None)
    (foreign / "config.json").write_text(json.dumps(config))
    result = run(tmp_path, "models", "install", str(foreign), code=2)
    assert "not a Whisper model's" in result.output
    assert not models_dir.exists() or [p.name for p in models_dir.iterdir() if not p.name.startswith(".")] == []


def test_transcribe_without_a_model_says_how_to_install_one(project, models_dir):
    shutil.rmtree(models_dir)
    result = run(project, "transcribe", code=2)
    assert "no Whisper model installed" in result.output and "packager models install" in result.output
