"""`packager models install | list | download`: archives checked before unpacking, offline."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from argos_tiny import build_tiny_argos_package  # noqa: E402
from test_argos_tiny import NETWORK_GUARD, _offline_env, _unshare_prefix  # noqa: E402

RUN_CLI = "import sys\nfrom packager.cli import cli\nsys.exit(cli.main(args=sys.argv[1:], prog_name='packager'))\n"
METADATA = {"type": "translate", "from_code": "fr", "to_code": "es", "package_version": "1.0"}


def packager(tmp: Path, argos: Path, *args: str, allow_network_attempts: bool = False) -> subprocess.CompletedProcess:
    scratch = tmp / ".offline"
    scratch.mkdir(parents=True, exist_ok=True)
    env = _offline_env(scratch, PACKAGER_ARGOS_DIR=str(argos))
    env.pop("ARGOS_PACKAGES_DIR")
    cmd = [*_unshare_prefix(), sys.executable, "-c", NETWORK_GUARD + RUN_CLI, *args]
    proc = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True, timeout=120)
    attempts = Path(env["NET_GUARD_LOG"]).read_text(encoding="utf-8")
    if not allow_network_attempts:
        assert attempts == "", f"network access attempted:\n{attempts}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> dict[tuple[str, str], Path]:
    dest = tmp_path_factory.mktemp("tiny")
    return {pair: build_tiny_argos_package(dest, *pair) for pair in [("fr", "en"), ("en", "es"), ("fr", "es")]}


def _zip(path: Path, members: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def test_install_then_list_shows_pairs_and_pivot(tmp_path, tiny):
    argos = tmp_path / "argos"
    result = packager(tmp_path, argos, "models", "install", str(tiny["fr", "en"]), str(tiny["en", "es"]))
    assert result.returncode == 0, result.stderr
    assert "installed fr→en" in result.stdout and "installed en→es" in result.stdout
    assert sorted(p.name for p in argos.iterdir()) == ["translate-en_es-tiny", "translate-fr_en-tiny"]
    assert (argos / "translate-fr_en-tiny" / "model" / "model.bin").is_file()
    listing = packager(tmp_path, argos, "models", "list")
    assert listing.returncode == 0, listing.stderr
    assert "fr → es  pivot: fr → en → es" in listing.stdout
    assert "fr → en  direct" in listing.stdout
    # argostranslate's own folders stay beside packager's, never in the user's home.
    assert (tmp_path / "argos-state" / "data" / "argos-translate").is_dir()
    assert not (tmp_path / ".offline" / "home" / ".local").exists()

    # Installing again replaces the package; a direct fr→es package is listed as direct.
    again = packager(tmp_path, argos, "models", "install", str(tiny["fr", "en"]), str(tiny["fr", "es"]))
    assert again.returncode == 0, again.stderr
    assert "fr → es  direct: fr → es" in packager(tmp_path, argos, "models", "list").stdout
    assert not [p for p in argos.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("members, message", [
    ({"pkg/metadata.json": json.dumps(METADATA), "pkg/model/model.bin": "x", "../x": "evil"}, "'..'"),
    ({"pkg/metadata.json": json.dumps(METADATA), "pkg/model/model.bin": "x"}, "sentencepiece.model"),
    ({"pkg/metadata.json": json.dumps(METADATA), "pkg/model/model.bin": "x", "pkg/../../x": "evil"}, "'..'"),
    ({"pkg/metadata.json": json.dumps(METADATA), "pkg/model/model.bin": "x", "/tmp/x": "evil"}, "absolute"),
    ({"pkg/metadata.json": json.dumps(METADATA), "pkg/model/model.bin": "x", "other/x": "x"}, "one top folder"),
    ({"pkg/model/model.bin": "x"}, "metadata.json"),
    ({"pkg/metadata.json": json.dumps({**METADATA, "type": "sbd"}), "pkg/model/model.bin": "x",
      "pkg/sentencepiece.model": "x"}, "not a translation"),
    ({"pkg/metadata.json": "{not json", "pkg/model/model.bin": "x"}, "not valid JSON"),
])
def test_unsafe_or_wrong_archive_refused_before_unpacking(tmp_path, members, message):
    archive = _zip(tmp_path / "bad.argosmodel", members)
    argos = tmp_path / "sub" / "argos"
    result = packager(tmp_path, argos, "models", "install", str(archive))
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert _tree(argos) == []  # nothing unpacked, not even a temporary folder
    assert not (tmp_path / "sub" / "x").exists() and not (tmp_path / "x").exists()


def test_not_a_zip_refused(tmp_path):
    bogus = tmp_path / "model.argosmodel"
    bogus.write_text("hello", encoding="utf-8")
    result = packager(tmp_path, tmp_path / "argos", "models", "install", str(bogus))
    assert result.returncode == 2 and "zip" in result.stderr


def test_download_says_clearly_when_offline(tmp_path):
    # The network guard (and `unshare -n`) make every connection fail, as on an offline machine.
    result = packager(tmp_path, tmp_path / "argos", "models", "download", "fr", "es", allow_network_attempts=True)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "no network" in result.stderr
    assert "packager models install FILE.argosmodel" in result.stderr
    assert "Traceback" not in result.stderr


def test_list_with_nothing_installed(tmp_path):
    result = packager(tmp_path, tmp_path / "argos", "models", "list")
    assert result.returncode == 0
    assert "none installed" in result.stdout and "packager models install" in result.stdout


@pytest.mark.parametrize("name, mode, message", [
    ("pkg/link", 0o120777, "symbolic link"),  # a symlink member (its data is the link's target)
    ("pkg\\..\\..\\x", 0, "'..'"),  # Windows separators
    ("C:/x", 0, "absolute path"),
])
def test_links_and_windows_paths_refused_before_unpacking(tmp_path, name, mode, message):
    archive = tmp_path / "bad.argosmodel"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("pkg/metadata.json", json.dumps(METADATA))
        zf.writestr("pkg/model/model.bin", "x")
        zf.writestr("pkg/sentencepiece.model", "x")
        info = zipfile.ZipInfo(name)
        info.external_attr = mode << 16
        zf.writestr(info, "/etc/passwd" if mode else "evil")
    argos = tmp_path / "argos"
    result = packager(tmp_path, argos, "models", "install", str(archive))
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr and "nothing was unpacked" in result.stderr
    assert _tree(argos) == []


def test_truncated_download_says_so(tmp_path, tiny):
    cut = tmp_path / "cut.argosmodel"
    data = tiny["fr", "en"].read_bytes()
    cut.write_bytes(data[: len(data) * 2 // 3])  # the download stopped two thirds of the way
    argos = tmp_path / "argos"
    result = packager(tmp_path, argos, "models", "install", str(cut))
    assert result.returncode == 2 and "damaged or incomplete download" in result.stderr, result.stderr
    assert _tree(argos) == []


@pytest.mark.parametrize("code", ["../../etc", "fr/../x", "FRENCH", ""])
def test_a_pair_code_that_is_not_a_language_code_is_refused(tmp_path, code):
    members = {"pkg/metadata.json": json.dumps({**METADATA, "to_code": code}), "pkg/model/model.bin": "x",
               "pkg/sentencepiece.model": "x"}
    archive = _zip(tmp_path / "odd.argosmodel", members)
    result = packager(tmp_path, tmp_path / "argos", "models", "install", str(archive))
    assert result.returncode == 2, result.stdout + result.stderr
    assert ("is not a language code" in result.stderr) or ("lacks 'to_code'" in result.stderr and not code)


def test_a_package_of_another_pair_never_silently_replaces_one(tmp_path, tiny):
    argos = tmp_path / "argos"
    assert packager(tmp_path, argos, "models", "install", str(tiny["fr", "en"])).returncode == 0
    impostor = tmp_path / "impostor.argosmodel"
    with zipfile.ZipFile(tiny["en", "es"]) as src, zipfile.ZipFile(impostor, "w") as dst:
        for info in src.infolist():  # the en→es package under the fr→en package's folder name
            name = info.filename.replace("translate-en_es-tiny", "translate-fr_en-tiny", 1)
            dst.writestr(name, src.read(info))
    result = packager(tmp_path, argos, "models", "install", str(impostor))
    assert result.returncode == 2 and "already holds the fr→en model" in result.stderr, result.stderr
    assert json.loads((argos / "translate-fr_en-tiny" / "metadata.json").read_text())["to_code"] == "en"
