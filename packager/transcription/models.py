"""Installing a faster-whisper model (a folder, or a zip of one), checked before anything is copied.

A faster-whisper model is a CTranslate2 Whisper conversion: `model.bin`, `config.json` (with
Whisper's `alignment_heads` or `lang_ids`), `tokenizer.json`, `preprocessor_config.json` (mel bins)
and a vocabulary file. Refused with a clear message: a zip member that would land outside the
model's folder (absolute path, "..", link), a missing file, a file that is not what it claims, a
model of another kind (an Argos translation model, a CTranslate2 model that is not Whisper).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from ..errors import PackagerError
from .engine import REQUIRED_FILES, whisper_dir

VOCABULARY_FILES = ("vocabulary.json", "vocabulary.txt")
MAX_UNPACKED = 8 * 1024**3
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$")


def is_whisper_source(path: Path) -> bool:
    """A folder, or a zip holding a model.bin and a preprocessor_config.json: what `models install`
    treats as a Whisper model (anything else goes to the Argos installer)."""
    if path.is_dir():
        return True
    if path.suffix.lower() == ".zip" and zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as zf:
                names = {PurePosixPath(n.replace("\\", "/")).name for n in zf.namelist()}
        except zipfile.BadZipFile:
            return True  # the Whisper installer says what is wrong with it
        return "model.bin" in names or "preprocessor_config.json" in names or "metadata.json" not in names
    return False


def check_model_folder(folder: Path, *, shown: Path) -> None:
    """Refuse a folder that is not a complete faster-whisper model; `shown` names it in messages."""
    missing = [f for f in REQUIRED_FILES if not (folder / f).is_file()]
    if not any((folder / f).is_file() for f in VOCABULARY_FILES):
        missing.append("vocabulary.json (or vocabulary.txt)")
    if (folder / "metadata.json").is_file() and (folder / "sentencepiece.model").is_file():
        raise PackagerError("this is an Argos translation model, not a Whisper model", path=shown,
                            hint="install the .argosmodel file itself: packager models install FILE.argosmodel")
    if missing:
        raise PackagerError(f"not a complete faster-whisper model: {', '.join(missing)} missing", path=shown,
                            hint="give the folder of a faster-whisper model (e.g. faster-whisper-small: "
                                 "model.bin, config.json, tokenizer.json, preprocessor_config.json, vocabulary)")
    config = _json(folder / "config.json", shown)
    if not isinstance(config, dict) or not ("alignment_heads" in config or "lang_ids" in config
                                            or "suppress_ids_begin" in config):
        raise PackagerError("config.json is not a Whisper model's (no alignment_heads, lang_ids or "
                            "suppress_ids_begin): another kind of CTranslate2 model", path=shown,
                            hint="convert a Whisper model with ct2-transformers-converter, or use a "
                                 "faster-whisper release")
    pre = _json(folder / "preprocessor_config.json", shown)
    if not isinstance(pre, dict) or not isinstance(pre.get("feature_size"), int):
        raise PackagerError("preprocessor_config.json lacks feature_size (the number of mel bins)", path=shown)
    tokenizer = _json(folder / "tokenizer.json", shown)
    if not isinstance(tokenizer, dict) or "model" not in tokenizer:
        raise PackagerError("tokenizer.json is not a tokenizers file (no \"model\")", path=shown)
    with open(folder / "model.bin", "rb") as fh:
        if len(fh.read(16)) < 16:
            raise PackagerError("model.bin is empty or truncated", path=shown)


def _json(path: Path, shown: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise PackagerError(f"{path.name} is not valid JSON ({exc})", path=shown,
                            hint="the model is damaged: copy or download it again") from None


def _safe_extract(path: Path, work: Path) -> Path:
    """Unpack the zip into `work` after checking every member; returns the model's folder inside."""
    try:
        with zipfile.ZipFile(path) as zf:
            total = 0
            for info in zf.infolist():
                name = info.filename.replace("\\", "/")
                parts = PurePosixPath(name).parts
                if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts:
                    raise PackagerError(f"unsafe archive: member {info.filename!r} would be written outside the "
                                        f"model's folder; nothing was installed", path=path,
                                        hint="use a model from a trusted source")
                if stat.S_ISLNK(info.external_attr >> 16):
                    raise PackagerError(f"unsafe archive: member {info.filename!r} is a symbolic link; nothing "
                                        f"was installed", path=path)
                total += info.file_size
            if total > MAX_UNPACKED:
                raise PackagerError(f"the archive unpacks to {total / 1024**3:.1f} GB; refused", path=path)
            zf.extractall(work)
    except zipfile.BadZipFile as exc:
        raise PackagerError(f"damaged zip archive: {exc}", path=path) from None
    found = [p.parent for p in work.rglob("model.bin")]
    if len(found) != 1:
        raise PackagerError("the archive holds no model.bin: not a faster-whisper model" if not found else
                            f"the archive holds {len(found)} models; give one at a time", path=path)
    return found[0]


def install_whisper(source: Path, *, name: str | None = None) -> Path:
    """Check, then copy a model folder (or unpack a zip) into packager's Whisper folder, atomically."""
    source = Path(source)
    if not source.exists():
        raise PackagerError("model folder or file not found", path=source)
    root = whisper_dir()
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".installing-", dir=root))
    try:
        if source.is_dir():
            check_model_folder(source, shown=source)
            folder = work / "model"
            shutil.copytree(source, folder, symlinks=False)
            default_name = source.resolve().name
        else:
            if not zipfile.is_zipfile(source):
                raise PackagerError("not a model folder nor a zip of one", path=source,
                                    hint="give the faster-whisper model's folder, or a .zip of it")
            folder = _safe_extract(source, work / "unpacked")
            check_model_folder(folder, shown=source)
            default_name = folder.name if folder != work / "unpacked" else source.stem
        name = name or default_name
        if not _NAME.match(name):
            raise PackagerError(f"bad model name {name!r}", path=source,
                                hint="name the folder with letters, digits, '.', '-' or '_'")
        final = root / name
        old = None
        if final.exists():
            old = root / f".old-{name}-{os.getpid()}"
            os.replace(final, old)
        os.replace(folder, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return final
    finally:
        shutil.rmtree(work, ignore_errors=True)


def download_whisper(size: str) -> Path:
    """Download Systran's faster-whisper-<size> from the Hugging Face hub and install it (network)."""
    work = Path(tempfile.mkdtemp(prefix=".downloading-", dir=_mkdir(whisper_dir())))
    try:
        try:
            import warnings

            from faster_whisper.utils import download_model

            with warnings.catch_warnings():  # huggingface_hub's deprecation notes are not the user's business
                warnings.simplefilter("ignore")
                folder = Path(download_model(size, output_dir=str(work / f"faster-whisper-{size}")))
        except ValueError as exc:  # an unknown size
            raise PackagerError(str(exc), hint="sizes: tiny, base, small, medium, large-v3 …") from None
        except Exception as exc:  # huggingface_hub raises its own errors for no network
            raise PackagerError(f"download of Whisper {size!r} failed: {exc}",
                                hint="on a machine with internet, get the folder (huggingface.co/Systran/"
                                     f"faster-whisper-{size}) and run `packager models install FOLDER`") from None
        return install_whisper(folder, name=f"faster-whisper-{size}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
