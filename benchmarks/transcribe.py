"""Benchmark of `packager transcribe` (a script, not a test): the real-time factor on this machine.

    .venv/bin/python benchmarks/transcribe.py [--seconds 30] [--tiny]

Builds a faster-whisper model of Whisper-small's shape (12 + 12 layers, width 768, 51,865 tokens:
the compute of faster-whisper-small) with random weights, converted to int8 by CTranslate2 as a real
one is (tests/whisper_tiny.py; --tiny for the test model), makes a clip of --seconds of French speech
(espeak-ng, sentences with pauses, when installed; else a tone with gaps) and runs the whole
`transcribe_module` flow on it: ffmpeg cutting the edit's sound, Silero VAD, decoding with word
times, cue building, SRT and states written. Prints the real-time factor (seconds of work per
second of sound) and the share of the time spent outside faster-whisper.

Random weights decode a different number of tokens than a trained model would (the words are
meaningless, and repeat): the words decoded per second of speech are printed beside the ratio to
judge it by (a French speaker says about 2.5 words a second), and the model decodes one pass at
temperature 0, as a trained one does on clear speech (faster-whisper's fallback would decode
repeating windows five more times).
Offline; the machine is noisy, compare ratios of one run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from whisper_tiny import SMALL, TINY, build_tiny_whisper  # noqa: E402

SENTENCES = [
    "Notre entreprise d'insertion est née dans un quartier de Montréal.",
    "Nous voulions offrir un premier emploi aux jeunes qui avaient quitté l'école.",
    "Chaque participant suit un parcours de six mois, avec une formation en cuisine.",
    "Le ministère de l'Emploi et de la Solidarité sociale finance une partie des salaires.",
    "Après leur parcours, la plupart trouvent un emploi ou retournent aux études.",
]


def make_clip(folder: Path, seconds: float) -> Path:
    from packager.video.ffmpeg import ffmpeg_exe

    espeak = shutil.which("espeak-ng")
    clip = folder / "footage" / "bench.mp4"
    clip.parent.mkdir(parents=True)
    if espeak:
        wavs, t, n = [], 0.5, 0
        while t < seconds - 6:
            wav = folder / f"s{n}.wav"
            subprocess.run([espeak, "-v", "fr", "-s", "165", "-w", str(wav), SENTENCES[n % len(SENTENCES)]],
                           check=True, capture_output=True)
            wavs.append((t, wav))
            t += (wav.stat().st_size - 44) / 2 / 22050 + 0.7
            n += 1
        inputs = [a for _, w in wavs for a in ("-i", str(w))]
        delays = ";".join(f"[{i + 1}]adelay={int(t * 1000)}|{int(t * 1000)}[v{i}]" for i, (t, _) in enumerate(wavs))
        mix = "".join(f"[v{i}]" for i in range(len(wavs)))
        graph = f"{delays};{mix}amix=inputs={len(wavs)}:normalize=0,apad=whole_dur={seconds}[a]"
    else:
        inputs, graph = [], f"sine=frequency=220:duration={seconds},volume='lt(mod(t,4),3)':eval=frame[a]"
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", f"color=c=black:s=320x180:r=25:d={seconds}", *inputs, "-filter_complex", graph,
                    "-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
                    "-t", str(seconds), str(clip)], check=True, capture_output=True)
    return clip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--tiny", action="store_true", help="the tests' tiny model instead of Whisper-small's shape")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        started = time.perf_counter()
        model = build_tiny_whisper(tmp / "models" / "bench-whisper", shape=TINY if args.tiny else SMALL)
        size = (model / "model.bin").stat().st_size / 1024**2
        print(f"model: {'tiny' if args.tiny else 'Whisper-small shape'}, int8, {size:.0f} MB "
              f"(built in {time.perf_counter() - started:.0f} s)")
        os.environ["PACKAGER_WHISPER_DIR"] = str(tmp / "models")
        project = tmp / "project"
        (project / "modules").mkdir(parents=True)
        (project / "packager.toml").write_text(
            '[programme]\ntitle_fr = "Banc"\ntitle_es = "Banco"\nslug = "banc"\ntarget_runtime_minutes = 1\n',
            encoding="utf-8")
        (project / "modules" / "01-bench.toml").write_text(
            'id = "bench"\norder = 1\nkind = "interview"\ntitle_fr = "Banc"\ntitle_es = "Banco"\n'
            'planned_minutes = [1, 1]\nsubtitles = "subtitles/fr/bench.srt"\n\n'
            f'[[edits]]\nsource = "footage/bench.mp4"\nin = "0"\nout = "{args.seconds}"\n', encoding="utf-8")
        make_clip(project, args.seconds)

        from packager.project import Project
        from packager.transcription.cues import CueRules
        from packager.transcription.engine import Recogniser, choose_model
        from packager.transcription.flow import transcribe_module

        loaded = Project.load(project)
        started = time.perf_counter()
        # One pass at temperature 0, as a trained model makes on clear speech: random weights repeat
        # themselves, and faster-whisper would decode each window five more times, hotter.
        recogniser = Recogniser(choose_model(None), language="fr", prompt="Collectif, MESS, CLE.",
                                temperatures=(0.0,))
        load_seconds = time.perf_counter() - started
        tokens = [0]
        original = recogniser.words

        def counted(audio, **kw):
            words = original(audio, **kw)
            tokens[0] += len(words)
            return words

        result = transcribe_module(loaded, loaded.modules[0], counted, CueRules.for_project(loaded),
                                   when="2026-01-01T00:00:00Z")
        outside = result.seconds - recogniser.model_seconds
        print(f"sound: {result.audio_seconds:.0f} s; model load {load_seconds:.1f} s (once per run)")
        print(f"transcribe: {result.seconds:.1f} s → real-time factor {result.real_time_factor:.2f} "
              f"({os.cpu_count()} cores); {tokens[0]} words decoded ({tokens[0] / result.audio_seconds:.1f}/s of "
              f"sound), {result.drafted} cues")
        print(f"outside the model (ffmpeg, cues, writing): {outside:.2f} s = "
              f"{100 * outside / result.seconds:.1f} % of the time")


if __name__ == "__main__":
    main()
