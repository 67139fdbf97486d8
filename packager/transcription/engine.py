"""faster-whisper models: where they live, which one is used, recognition with the shipped Silero VAD.

Models are CTranslate2 folders (`model.bin`, `config.json`, `tokenizer.json`,
`preprocessor_config.json`, a vocabulary file) kept in ~/.local/share/packager/whisper-models/<name>
(PACKAGER_WHISPER_DIR to change it); `packager models install` puts them there. Nothing here reaches
the network: a model folder without `tokenizer.json` would make faster-whisper download one, so such
a folder is refused at install time and again here.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import PackagerError
from .words import Word

SAMPLE_RATE = 16000  # what Whisper and Silero VAD take
DEFAULT_WHISPER_DIR = Path("~/.local/share/packager/whisper-models")
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json", "preprocessor_config.json")


def whisper_dir() -> Path:
    """$PACKAGER_WHISPER_DIR, or ~/.local/share/packager/whisper-models."""
    value = os.environ.get("PACKAGER_WHISPER_DIR")
    return Path(value).expanduser().resolve() if value else DEFAULT_WHISPER_DIR.expanduser()


@dataclass(frozen=True)
class WhisperModelInfo:
    name: str
    path: Path
    size_bytes: int
    detail: str  # languages and alignment heads, from its config


def describe(path: Path) -> WhisperModelInfo:
    import json

    size = (path / "model.bin").stat().st_size
    detail = "?"
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        heads = config.get("alignment_heads") or []
        detail = f"{len(config.get('lang_ids') or [])} languages, {len(heads)} alignment heads"
    except (OSError, ValueError):
        pass
    return WhisperModelInfo(name=path.name, path=path, size_bytes=size, detail=detail)


def installed_models() -> list[WhisperModelInfo]:
    root = whisper_dir()
    if not root.is_dir():
        return []
    return [describe(p) for p in sorted(root.iterdir())
            if p.is_dir() and not p.name.startswith(".") and all((p / f).is_file() for f in REQUIRED_FILES)]


def choose_model(name: str | None) -> WhisperModelInfo:
    """The model named, or the only one installed."""
    models = installed_models()
    if name:
        for model in models:
            if model.name == name:
                return model
        known = ", ".join(m.name for m in models) or "none"
        raise PackagerError(f"no Whisper model {name!r} installed (installed: {known})",
                            where=str(whisper_dir()), hint="`packager models list` shows them")
    if not models:
        raise PackagerError("no Whisper model installed: transcription needs one", where=str(whisper_dir()),
                            hint="packager models install FOLDER-OR-ZIP  (a faster-whisper model, e.g. "
                                 "faster-whisper-small), or online: packager models download whisper small")
    if len(models) > 1:
        raise PackagerError(f"several Whisper models are installed ({', '.join(m.name for m in models)})",
                            hint="choose one with --model NAME")
    return models[0]


class Recogniser:
    """One loaded faster-whisper model; `words(audio)` gives the timed words of 16 kHz mono audio."""

    def __init__(self, info: WhisperModelInfo, *, language: str, prompt: str | None, threads: int | None = None,
                 beam_size: int = 5, temperatures: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)):
        from faster_whisper import WhisperModel

        missing = [f for f in REQUIRED_FILES if not (info.path / f).is_file()]
        if missing:  # faster-whisper would try to download a tokenizer: never at run time
            raise PackagerError(f"the Whisper model lacks {', '.join(missing)}", path=info.path,
                                hint="install it again: packager models install FOLDER-OR-ZIP")
        self.info = info
        self.language = language
        self.prompt = prompt
        self.beam_size = beam_size
        self.temperatures = temperatures  # faster-whisper's fallback: decoded again, hotter, when it repeats
        try:
            self.model = WhisperModel(str(info.path), device="cpu", compute_type="int8",
                                      cpu_threads=threads or os.cpu_count() or 1)
        except (RuntimeError, ValueError, OSError) as exc:
            raise PackagerError(f"cannot load the Whisper model: {exc}", path=info.path,
                                hint="install it again, or another one (packager models install)") from None
        self.model_seconds = 0.0  # time spent inside faster-whisper (VAD, features, decoding)
        self.last_language: str | None = None

    def words(self, audio, *, on_progress: Callable[[float], None] | None = None) -> list[Word]:
        """Timed words (seconds from the audio's start). Silero VAD skips what is not speech."""
        if len(audio) == 0:
            return []
        started = time.perf_counter()
        segments, info = self.model.transcribe(audio, language=self.language, task="transcribe",
                                            beam_size=self.beam_size, temperature=list(self.temperatures),
                                            word_timestamps=True, vad_filter=True,
                                            initial_prompt=self.prompt or None)
        self.last_language = info.language  # the language decoded: always the one asked for
        words: list[Word] = []
        for segment in segments:  # a generator: decoding happens while it is read
            for w in segment.words or []:
                if w.word.strip():
                    words.append(Word(text=w.word.strip(), start=float(w.start), end=float(w.end)))
            if on_progress is not None:
                on_progress(float(segment.end))
        self.model_seconds += time.perf_counter() - started
        return words


def speech_regions(audio) -> list[tuple[float, float]]:
    """Where Silero VAD (the model faster-whisper ships) hears speech, in seconds, with
    faster-whisper's own padding: what `Recogniser.words` decodes."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    chunks = get_speech_timestamps(audio, VadOptions(), sampling_rate=SAMPLE_RATE)
    return [(c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE) for c in chunks]


def initial_prompt(terms: list[str], names: list[str], *, limit: int = 600) -> str:
    """Whisper's initial prompt: the glossary's terms and the speakers' names, so that they come out
    spelled right. Whisper keeps the prompt's end when it is too long, so names go last, and the
    prompt is cut from the front to `limit` characters."""
    import re

    names = [re.sub(r"\s*\([^)]*\)", "", n).strip() for n in names]  # "(exemple)" is not spoken
    parts = [", ".join(dict.fromkeys(group)).rstrip(".") + "." for group in (terms, [n for n in names if n]) if group]
    text = " ".join(parts)
    if len(text) > limit:
        text = text[-limit:].split(" ", 1)[-1]
    return text
