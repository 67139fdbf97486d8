"""The tiny Argos package from argos_tiny.py works with the real argostranslate, offline.

argostranslate reads its settings (packages dir, XDG dirs, chunk type...) when it is imported,
so every check runs in a fresh Python subprocess whose environment is set first. That process
runs under a network guard: an audit hook records and refuses every internet socket
connection, name lookup and urllib request (and, where ``unshare -n`` works, the process also
has no network at all). A test fails if anything was attempted.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from argos_tiny import build_tiny_argos_package  # noqa: E402

SUBPROCESS_TIMEOUT = 180

# Runs first in the subprocess, before anything imports argostranslate.
NETWORK_GUARD = textwrap.dedent(
    '''
    import os as _os, socket as _socket, sys as _sys

    _GUARD_LOG = _os.environ["NET_GUARD_LOG"]

    def _net_guard(event, args):
        if event == "socket.connect":
            sock, address = args
            if sock.family not in (_socket.AF_INET, _socket.AF_INET6):
                return  # AF_UNIX and friends are local
            detail = address
        elif event in ("socket.getaddrinfo", "socket.gethostbyname",
                       "socket.gethostbyname_ex", "socket.gethostbyaddr"):
            detail = args[0]
        elif event in ("socket.sendto", "socket.sendmsg"):
            detail = args[1] if len(args) > 1 else args
        elif event == "urllib.Request":
            detail = args[0]
        else:
            return
        with open(_GUARD_LOG, "a", encoding="utf-8") as _log:
            _log.write(f"{event} {detail!r}\\n")
        raise OSError(f"network access blocked by the test guard: {event} {detail!r}")

    _sys.addaudithook(_net_guard)

    # Self-test: the guard must see and refuse a connection, then the log starts empty.
    try:
        _socket.create_connection(("192.0.2.1", 80), timeout=1)
    except OSError:
        pass
    with open(_GUARD_LOG, encoding="utf-8") as _log:
        assert "socket." in _log.read(), "network guard is not active"
    open(_GUARD_LOG, "w").close()
    '''
)

COMMON = textwrap.dedent(
    '''
    import json, os, sys, time
    from pathlib import Path

    _t0 = time.perf_counter()
    import argostranslate.package as package
    import argostranslate.settings as settings
    import argostranslate.translate as translate
    import ctranslate2
    result = {"import_seconds": round(time.perf_counter() - _t0, 2)}

    # Settings were read at import time from the environment the test prepared.
    assert settings.package_data_dir == Path(os.environ["ARGOS_PACKAGES_DIR"]), settings.package_data_dir
    assert settings.package_dirs == [settings.package_data_dir], settings.package_dirs
    result["chunk_type"] = settings.chunk_type.name

    def clear_argos_caches():
        # get_installed_languages is an lru_cache; installed_translates is a plain module list
        # of CachedTranslation objects keyed "from-to" that install/uninstall do NOT clear.
        translate.installed_translates.clear()
        translate.get_installed_languages.cache_clear()

    for path in sys.argv[1:]:
        package.install_from_path(Path(path))
    clear_argos_caches()
    result["languages"] = sorted(lang.code for lang in translate.get_installed_languages())
    result["installed"] = sorted(
        [p.from_code, p.to_code, str(p.package_path)] for p in package.get_installed_packages()
    )
    '''
)

DIRECT_SCRIPT = COMMON + textwrap.dedent(
    '''
    SENTENCES = json.loads(os.environ["TINY_SENTENCES"])

    _t = time.perf_counter()
    first = [translate.translate(s, "fr", "es") for s in SENTENCES]
    result["first_translate_seconds"] = round(time.perf_counter() - _t, 2)
    again = [translate.translate(s, "fr", "es") for s in SENTENCES]  # CachedTranslation hit
    clear_argos_caches()  # fresh Translator, tokenizer and sentencizer objects
    second = [translate.translate(s, "fr", "es") for s in SENTENCES]
    result.update(first=first, again=again, second=second)

    translation = translate.get_translation_from_codes("fr", "es")
    result["translation_type"] = type(translation).__name__
    underlying = translation.underlying
    result["underlying_type"] = type(underlying).__name__
    result["sentencizer"] = type(underlying.sentencizer).__name__
    result["sentencizer_model"] = str(underlying.sentencizer.lang)
    result["split"] = underlying.sentencizer.split_sentences("Bonjour. Comment ça va ? Très bien!")

    # The same model through CTranslate2 directly, on one batch (what an application can do
    # to translate many subtitle lines at once), with the options argostranslate uses.
    # compute_type matters: ARGOS_COMPUTE_TYPE defaults to "auto", which loads the float32
    # model as int8_float32 on CPU, and int8 gives (slightly) different translations.
    pkg = underlying.pkg
    translator = ctranslate2.Translator(
        str(pkg.package_path / "model"),
        device=settings.device,
        compute_type=settings.compute_type,
        inter_threads=settings.inter_threads,
        intra_threads=settings.intra_threads,
    )
    result["compute_types"] = [underlying.translator.compute_type, translator.compute_type]
    tokens = [pkg.tokenizer.encode(s) for s in SENTENCES]
    options = dict(beam_size=4, length_penalty=0.2, replace_unknowns=True, max_batch_size=32)
    batches = [translator.translate_batch(tokens, **options) for _ in range(2)]
    result["batch_tokens"] = [[r.hypotheses[0] for r in batch] for batch in batches]
    result["batch_text"] = [
        [pkg.tokenizer.decode(r.hypotheses[0]).lstrip(" ") for r in batch] for batch in batches
    ]

    with open(os.environ["RESULT_JSON"], "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)
    '''
)

PIVOT_SCRIPT = COMMON + textwrap.dedent(
    '''
    translation = translate.get_translation_from_codes("fr", "es")
    result["translation_type"] = type(translation).__name__
    result["steps"] = [
        [type(t).__name__, t.from_lang.code, t.to_lang.code]
        for t in (translation.t1, translation.t2)
    ] if hasattr(translation, "t1") else []
    text = "Le chat regarde la porte. Merci beaucoup !"
    result["outputs"] = [translate.translate(text, "fr", "es") for _ in range(2)]
    clear_argos_caches()
    result["outputs"].append(translate.translate(text, "fr", "es"))
    result["via_en"] = translate.translate(translate.translate(text, "fr", "en"), "en", "es")
    translation = translate.get_translation_from_codes("fr", "es")
    result["compute_types"] = [
        t.underlying.translator.compute_type for t in (translation.t1, translation.t2)
    ]

    with open(os.environ["RESULT_JSON"], "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)
    '''
)

SENTENCES = [
    "Bonjour à tous.",
    "Le chat regarde la porte.",
    "Nous commençons la formation ce matin avec le directeur.",
    "Bienvenue ! Ouvrez le classeur à la page trois.",
    "Première ligne du sous-titre,\nseconde ligne du sous-titre.",
]


def _count_sentences(text: str) -> int:
    """Sentences as the tiny minisbd model splits them, paragraph by paragraph."""
    return sum(max(1, len(re.findall(r"[.!?…]+(?=\s|$)", line))) for line in text.split("\n"))


@functools.lru_cache(maxsize=1)
def _unshare_prefix() -> tuple[str, ...]:
    """``unshare -n`` (new, empty network namespace) when this machine allows it."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    try:
        probe = subprocess.run([unshare, "-n", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ()
    return (unshare, "-n") if probe.returncode == 0 else ()


def _offline_env(root: Path, **extra: str) -> dict[str, str]:
    """Environment that keeps argostranslate (and minisbd/stanza/spacy) inside ``root``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ARGOS_", "XDG_", "SNAP"))
        and k not in ("LIBRETRANSLATE_API_KEY", "OPENAI_API_KEY", "PYTHONPATH", "PYTHONSTARTUP")
    }
    dirs = {
        "HOME": root / "home",
        "XDG_DATA_HOME": root / "data",
        "XDG_CONFIG_HOME": root / "config",
        "XDG_CACHE_HOME": root / "cache",
        "ARGOS_PACKAGES_DIR": root / "packages",
    }
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    env.update({k: str(v) for k, v in dirs.items()})
    # The subprocess runs the packager these tests imported (a checkout may differ from the one
    # installed in the environment), and nothing else from PYTHONPATH.
    import packager

    env.update(
        PYTHONPATH=str(Path(packager.__file__).resolve().parent.parent),
        ARGOS_DEVICE_TYPE="cpu",
        ARGOS_MODEL_PROVIDER="OPENNMT",
        ARGOS_DEBUG="0",
        PYTHONNOUSERSITE="1",
        NET_GUARD_LOG=str(root / "network-attempts.log"),
        RESULT_JSON=str(root / "result.json"),
    )
    env.update(extra)
    (root / "network-attempts.log").touch()
    return env


def _run_offline(script: str, root: Path, packages: list[Path], **extra_env: str) -> dict:
    env = _offline_env(root, **extra_env)
    # argostranslate picks the stanza splitter (network) if "stanza" is anywhere in the path.
    assert "stanza" not in env["ARGOS_PACKAGES_DIR"].lower()
    cmd = [*_unshare_prefix(), sys.executable, "-c", NETWORK_GUARD + script]
    cmd += [str(p) for p in packages]
    started = time.perf_counter()
    proc = subprocess.run(
        cmd, env=env, cwd=root, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT
    )
    elapsed = time.perf_counter() - started
    attempts = Path(env["NET_GUARD_LOG"]).read_text(encoding="utf-8")
    assert attempts == "", f"network access attempted:\n{attempts}\nstderr:\n{proc.stderr[-3000:]}"
    assert proc.returncode == 0, f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-5000:]}"
    result = json.loads(Path(env["RESULT_JSON"]).read_text(encoding="utf-8"))
    result["subprocess_seconds"] = round(elapsed, 2)
    result["unshared_network"] = bool(_unshare_prefix())
    # Nothing was downloaded into argostranslate's or minisbd's caches.
    assert not (root / "data" / "argos-translate" / "minisbd").exists()
    assert not (root / "home" / ".cache" / "minisbd").exists()
    return result


@pytest.fixture(scope="module")
def tiny_packages(tmp_path_factory) -> dict[tuple[str, str], Path]:
    dest = tmp_path_factory.mktemp("argos-tiny-packages")
    return {
        pair: build_tiny_argos_package(dest, *pair)
        for pair in [("fr", "es"), ("fr", "en"), ("en", "es")]
    }


def test_package_layout(tiny_packages):
    path = tiny_packages[("fr", "es")]
    assert path.name == "translate-fr_es-tiny.argosmodel"
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        metadata = json.loads(zf.read("translate-fr_es-tiny/metadata.json"))
    assert {name.split("/")[0] for name in names} == {"translate-fr_es-tiny"}
    for member in [
        "metadata.json",
        "sentencepiece.model",
        "model/model.bin",
        "model/config.json",
        "model/shared_vocabulary.json",
        "minisbd/fr.onnx",
    ]:
        assert f"translate-fr_es-tiny/{member}" in names
    assert metadata["from_code"] == "fr" and metadata["to_code"] == "es"
    assert metadata["type"] == "translate"
    assert sum(info.file_size for info in zipfile.ZipFile(path).infolist()) < 2_000_000


def test_build_is_fast_and_reproducible(tmp_path):
    started = time.perf_counter()
    a = build_tiny_argos_package(tmp_path / "a")
    elapsed = time.perf_counter() - started
    b = build_tiny_argos_package(tmp_path / "b")
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        for name in za.namelist():
            if name.endswith(("model.bin", "sentencepiece.model", "fr.onnx")):
                assert za.read(name) == zb.read(name), name
    assert elapsed < 20, elapsed  # ~0.1 s once ctranslate2 (and torch) are imported


def test_translate_fr_es_offline(tiny_packages, tmp_path):
    result = _run_offline(
        DIRECT_SCRIPT,
        tmp_path,
        [tiny_packages[("fr", "es")]],
        TINY_SENTENCES=json.dumps(SENTENCES),
    )
    print(json.dumps(result, ensure_ascii=False, indent=1))

    assert result["chunk_type"] == "ARGOSTRANSLATE"  # the default
    assert {"fr", "es"} <= set(result["languages"])
    assert result["translation_type"] == "CachedTranslation"
    assert result["underlying_type"] == "PackageTranslation"
    assert result["sentencizer"] == "MiniSBDSentencizer"
    assert result["sentencizer_model"].endswith("/minisbd/fr.onnx")
    assert result["split"] == ["Bonjour.", "Comment ça va ?", "Très bien!"]

    first, again, second = result["first"], result["again"], result["second"]
    for source, output in zip(SENTENCES, first):
        assert isinstance(output, str) and output.strip(), (source, output)
        n_sentences = _count_sentences(source)
        # Random weights would decode up to 256 tokens per sentence; </s> wins after ~6.
        assert len(output.split()) <= 10 * n_sentences, (source, output)
        assert len(output) < 120 * n_sentences, (source, output)
    assert first == again == second  # deterministic, also with fresh objects
    assert len(set(first)) > 1  # the output depends on the input
    # A two-line subtitle stays two lines (argostranslate translates paragraph by paragraph).
    assert first[-1].count("\n") == 1

    assert result["compute_types"][0] == result["compute_types"][1]
    batch_a, batch_b = result["batch_tokens"]
    assert batch_a == batch_b
    for tokens in batch_a:
        assert 1 <= len(tokens) <= 12, tokens
    # Single-sentence inputs: argostranslate's output is exactly the CTranslate2 batch output.
    for source, output, direct in zip(SENTENCES, first, result["batch_text"][0]):
        if _count_sentences(source) == 1:
            assert output == direct, (source, output, direct)

    assert result["subprocess_seconds"] < 60


def test_pivot_fr_en_es_offline(tiny_packages, tmp_path):
    """With fr->en and en->es installed, argostranslate builds fr->es itself."""
    result = _run_offline(
        PIVOT_SCRIPT,
        tmp_path,
        [tiny_packages[("fr", "en")], tiny_packages[("en", "es")]],
        ARGOS_CHUNK_TYPE="MINISBD",  # force minisbd whatever the package path
        ARGOS_COMPUTE_TYPE="float32",  # same numbers on every CPU (default "auto" -> int8)
    )
    print(json.dumps(result, ensure_ascii=False, indent=1))

    assert result["chunk_type"] == "MINISBD"
    assert result["languages"] == ["en", "es", "fr"]
    assert [p[:2] for p in result["installed"]] == [["en", "es"], ["fr", "en"]]
    assert result["translation_type"] == "CompositeTranslation"
    assert result["steps"] == [
        ["CachedTranslation", "fr", "en"],
        ["CachedTranslation", "en", "es"],
    ]
    outputs = result["outputs"]
    assert outputs[0].strip() and len(outputs[0].split()) <= 20
    assert outputs[0] == outputs[1] == outputs[2]
    assert result["compute_types"] == ["float32", "float32"]
    assert result["subprocess_seconds"] < 60


def test_network_guard_catches_argos_downloads(tmp_path):
    """Without minisbd/ in the package, argostranslate downloads a MiniSBD model: caught."""
    package = build_tiny_argos_package(tmp_path / "pkg", with_minisbd=False)
    root = tmp_path / "run"
    root.mkdir()
    with pytest.raises(AssertionError, match="network access attempted") as caught:
        _run_offline(
            DIRECT_SCRIPT, root, [package], TINY_SENTENCES=json.dumps(["Bonjour."])
        )
    assert "MiniSBD" in str(caught.value)
