"""Benchmark of `packager translate` (a script, not a test): prints ratios measured in one run.

    .venv/bin/python benchmarks/translate.py [--cues 300] [--direct]

Builds the tiny genuine Argos packages of tests/argos_tiny.py (fr→en and en→es: the pivot a real
installation uses; --direct for one fr→es package), installs them with `packager models install`'s
code into a temporary PACKAGER_ARGOS_DIR, generates a module of --cues French cues (sentences
running over one to three cues) in a project made by `packager init`, then measures:

- packager's way: the module's sentences in one batched `translate_batch` call per model step
  (the whole `translate_subtitles` flow: grouping, glossary, distribution, states, writing);
- one model call per cue (what calling argostranslate's `translate()` cue by cue amounts to);
- the model calls of a re-run with nothing changed (must be 0).

Offline; the machine is noisy, so compare the ratio of one run, not absolute times across runs.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from argos_tiny import build_tiny_argos_package  # noqa: E402

SUBJECTS = ["Le directeur", "Notre équipe", "La formatrice", "Chaque entreprise d'insertion", "Le jeune",
            "Le Collectif", "La coordonnatrice", "Le MESS"]
VERBS = ["présente", "finance", "prépare", "explique", "accompagne", "vérifie", "organise", "termine"]
OBJECTS = ["le programme de formation", "les ateliers de cuisine", "le bilan de l'année", "la réunion du conseil",
           "les sous-titres de la vidéo", "les contrats des participants", "le plan de financement"]
TAILS = ["avec beaucoup de soin", "depuis le début du projet", "pour les jeunes du quartier",
         "dans la salle du fond", "avant la fin du mois", "avec les partenaires privés"]


def generate_srt(n: int) -> str:
    rng = random.Random(42)
    texts: list[str] = []
    while len(texts) < n:
        pieces = [f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)}", rng.choice(OBJECTS), rng.choice(TAILS)]
        cues = rng.choice([1, 2, 3])
        if cues == 1:
            texts.append(" ".join(pieces) + ".")
        elif cues == 2:
            texts += [f"{pieces[0]} {pieces[1]}", f"{pieces[2]}."]
        else:
            texts += [pieces[0], pieces[1], f"{pieces[2]}."]
    out = []
    for i, text in enumerate(texts[:n], start=1):
        start = 2.0 * i
        out.append(f"{i}\n{_tc(start)} --> {_tc(start + 1.8)}\n{text}\n")
    return "\n".join(out) + "\n"


def _tc(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cues", type=int, default=300)
    parser.add_argument("--direct", action="store_true", help="one fr→es package instead of the pivot")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="packager-bench-translate-") as tmp:
        tmp = Path(tmp)
        os.environ["PACKAGER_ARGOS_DIR"] = str(tmp / "argos")
        os.environ.setdefault("ARGOS_COMPUTE_TYPE", "float32")
        pairs = [("fr", "es")] if args.direct else [("fr", "en"), ("en", "es")]

        from click.testing import CliRunner

        from packager.cli import cli
        from packager.commands.models import install_archive

        for pair in pairs:
            install_archive(build_tiny_argos_package(tmp / "files", *pair))
        result = CliRunner().invoke(cli, ["init", str(tmp / "proj")])
        assert result.exit_code == 0, result.output
        (tmp / "proj" / "subtitles" / "fr" / "module-1.srt").write_text(generate_srt(args.cues), encoding="utf-8")

        from packager.glossary import load_glossary
        from packager.project import Project
        from packager.subtitles.cues import read_srt
        from packager.translation.engine import load_engine
        from packager.translation.flow import DraftMaker, translate_subtitles
        from packager.translation.memory import TranslationMemory

        project = Project.load(tmp / "proj")
        module = project.module("module-1")
        cues = read_srt(module.subtitle_path("fr"))
        engine = load_engine("fr", "es")
        engine._load()  # model loading is a one-time cost common to both ways: keep it out of the timings
        maker = DraftMaker(engine, TranslationMemory.for_project(project), load_glossary(project), "fr", "es")

        started = time.perf_counter()
        stats = translate_subtitles(project, module, maker)
        batched = time.perf_counter() - started
        batched_calls = stats.model_calls

        per_cue_engine = load_engine("fr", "es")
        per_cue_engine._load()
        started = time.perf_counter()
        for cue in cues:
            per_cue_engine.translate([cue.plain_text])
        per_cue = time.perf_counter() - started

        maker.memory.save()
        rerun_maker = DraftMaker(load_engine("fr", "es"), TranslationMemory.for_project(project),
                                 load_glossary(project), "fr", "es")
        rerun = translate_subtitles(project, module, rerun_maker)

        route = engine.description
        print(f"module: {len(cues)} cues, {stats.drafted} drafted; model route {route}")
        print(f"batched (packager):  {len(cues) / batched:8.1f} cues/s  ({batched:.2f} s, {batched_calls} model calls)")
        print(f"one call per cue:    {len(cues) / per_cue:8.1f} cues/s  ({per_cue:.2f} s, {per_cue_engine.calls} model calls)")
        print(f"ratio batched / per-cue: {per_cue / batched:.1f}x")
        print(f"model calls on a re-run with nothing changed: {rerun.model_calls}")
        return 0 if rerun.model_calls == 0 and len(read_srt(module.subtitle_path('es'))) == len(cues) else 1


if __name__ == "__main__":
    sys.exit(main())
