"""The translation engine: installed Argos Translate packages driven through CTranslate2, offline.

argostranslate reads its settings (packages, data, cache and config folders, device) from the
environment when `argostranslate.settings` is first imported, so `configure_argos` sets them first:

- packages in ``$PACKAGER_ARGOS_DIR`` (default ``~/.local/share/packager/argos-packages``), never in
  argostranslate's own folder, so packager's models do not mix with other applications';
- argostranslate's data/config/cache folders in the sibling ``<packages>-state/`` (the index and
  downloads land there, never in the user's home folders);
- the device is the CPU unless ARGOS_DEVICE_TYPE says otherwise.

Only `argostranslate.package` is imported (about 0.1 s); `argostranslate.translate` (4 s, torch,
stanza, spacy, and network access for sentence splitting) never is: packager splits sentences
itself and calls each package's `ctranslate2.Translator.translate_batch` with the package's
SentencePiece model, the way argostranslate does, but for a whole module's sentences at once.
The package index is only read by `packager models download`.

There is no French→Spanish Argos package: with fr→en and en→es installed, the engine pivots
through English (one batched call per step).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import PackagerError

DEFAULT_ARGOS_DIR = Path("~/.local/share/packager/argos-packages")
PIVOT_LANGUAGES = ("en",)  # tried first; any other installed language works too

LANGUAGE_NAMES = {"fr": "French", "es": "Spanish", "en": "English", "de": "German", "it": "Italian",
                  "pt": "Portuguese"}


def argos_dir() -> Path:
    """Where packager's Argos packages live: $PACKAGER_ARGOS_DIR, or ~/.local/share/packager/argos-packages."""
    value = os.environ.get("PACKAGER_ARGOS_DIR")
    return Path(value).expanduser().resolve() if value else DEFAULT_ARGOS_DIR.expanduser()


def state_dir() -> Path:
    """argostranslate's own data/config/cache folders (index, downloads), beside the packages."""
    packages = argos_dir()
    return packages.with_name(packages.name + "-state")


def configure_argos() -> Any:
    """Set argostranslate's settings, import `argostranslate.settings`, and return it.

    The XDG variables argostranslate reads are set only while it is imported (its folders are fixed
    then), so other libraries in this process keep the user's. If argostranslate was imported
    before (by a test or a plugin), its module-level settings are pointed at packager's folders.
    """
    packages = argos_dir()
    if "stanza" in str(packages).lower():
        # argostranslate picks the stanza sentence splitter (which downloads) for such paths.
        raise PackagerError("the Argos packages folder must not contain the word 'stanza'", path=packages,
                            hint="set PACKAGER_ARGOS_DIR to another folder")
    state = state_dir()
    for sub in ("data", "config", "cache"):
        (state / sub).mkdir(parents=True, exist_ok=True)
    packages.mkdir(parents=True, exist_ok=True)
    os.environ["ARGOS_PACKAGES_DIR"] = str(packages)
    os.environ.setdefault("ARGOS_DEVICE_TYPE", "cpu")
    os.environ.setdefault("ARGOS_CHUNK_TYPE", "MINISBD")  # never stanza/spacy (network) if translate is used
    os.environ.setdefault("ARGOS_MODEL_PROVIDER", "OPENNMT")
    already = "argostranslate.settings" in sys.modules
    temporary = {"XDG_DATA_HOME": state / "data", "XDG_CONFIG_HOME": state / "config",
                 "XDG_CACHE_HOME": state / "cache"}
    saved = {k: os.environ.get(k) for k in temporary}
    try:
        os.environ.update({k: str(v) for k, v in temporary.items()})
        import argostranslate.settings as settings
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    if already or Path(settings.package_data_dir) != packages:
        settings.package_data_dir = packages
        settings.package_dirs = [packages]
    return settings


@dataclass
class InstalledPackage:
    """One installed Argos translation package."""

    from_code: str
    to_code: str
    path: Path
    version: str
    name: str
    argos: Any = field(repr=False, default=None)  # argostranslate.package.Package

    @property
    def pair(self) -> str:
        return f"{self.from_code}→{self.to_code}"

    def identity(self, compute_type: str) -> str:
        """Changes when the model changes (metadata, configuration, weights' size) or its precision."""
        digest = hashlib.sha256()
        for name in ("metadata.json", "model/config.json"):
            with contextlib.suppress(OSError):
                digest.update((self.path / name).read_bytes())
        with contextlib.suppress(OSError):
            digest.update(str((self.path / "model" / "model.bin").stat().st_size).encode())
        digest.update(compute_type.encode())
        return f"{self.from_code}-{self.to_code}@{self.version}:{digest.hexdigest()[:12]}"


def installed_packages() -> list[InstalledPackage]:
    """The translation packages in packager's Argos folder (no network, no index)."""
    configure_argos()
    import argostranslate.package as argos_package

    folder = argos_dir()
    found: list[InstalledPackage] = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if not path.is_dir() or path.name.startswith("."):
            continue
        if not (path / "metadata.json").is_file():
            continue  # not a package (a half-finished install is never renamed into place)
        try:
            pkg = argos_package.Package(path)
        except (OSError, ValueError, KeyError) as exc:
            raise PackagerError(f"unreadable Argos package: {exc}", path=path,
                                hint="remove the folder and install the package again") from None
        if getattr(pkg, "type", "translate") != "translate" or not pkg.from_code or not pkg.to_code:
            continue
        if not hasattr(pkg, "tokenizer"):
            raise PackagerError("this Argos package has neither sentencepiece.model nor bpe.model", path=path,
                                hint="remove the folder and install a complete package")
        found.append(InstalledPackage(pkg.from_code, pkg.to_code, path, str(pkg.package_version or ""),
                                      str(getattr(pkg, "code", "") or path.name), pkg))
    return found


def find_path(packages: list[InstalledPackage], source: str, target: str) -> list[InstalledPackage] | None:
    """The packages that translate source→target: a direct package, or two steps through a pivot."""
    by_pair = {(p.from_code, p.to_code): p for p in packages}
    if (source, target) in by_pair:
        return [by_pair[source, target]]
    pivots = [code for code in PIVOT_LANGUAGES] + sorted({p.to_code for p in packages} - set(PIVOT_LANGUAGES))
    for pivot in pivots:
        if (source, pivot) in by_pair and (pivot, target) in by_pair:
            return [by_pair[source, pivot], by_pair[pivot, target]]
    return None


def all_paths(packages: list[InstalledPackage]) -> dict[tuple[str, str], list[InstalledPackage]]:
    """Every language pair the installed packages can translate, direct or through one pivot."""
    codes = sorted({p.from_code for p in packages} | {p.to_code for p in packages})
    paths = {}
    for source in codes:
        for target in codes:
            if source != target:
                path = find_path(packages, source, target)
                if path:
                    paths[source, target] = path
    return paths


def missing_model_error(source: str, target: str) -> PackagerError:
    name = f"{LANGUAGE_NAMES.get(source, source)}→{LANGUAGE_NAMES.get(target, target)}"
    return PackagerError(
        f"no translation model for {name} ({source}→{target}) is installed, directly or through English "
        f"({source}→en and en→{target})",
        path=argos_dir(),
        hint=f"install it from a file: `packager models install FILE.argosmodel` (for example "
             f"translate-{source}_en and translate-en_{target}), or online: `packager models download {source} {target}`")


class Engine:
    """Translates lists of sentences source→target with one batched model call per step."""

    def __init__(self, source: str, target: str, steps: list[InstalledPackage], settings: Any):
        self.source = source
        self.target = target
        self.steps = steps
        self._settings = settings
        self._translators: list[Any] = []
        self.calls = 0  # translate_batch calls made (one per step per batch)
        self.sentences = 0  # sentences sent to the model

    @property
    def pair(self) -> str:
        return f"{self.source}-{self.target}"

    @property
    def model_id(self) -> str:
        return "+".join(step.identity(str(self._settings.compute_type)) for step in self.steps)

    @property
    def description(self) -> str:
        return " → ".join([self.steps[0].from_code] + [s.to_code for s in self.steps])

    def _load(self) -> None:
        if self._translators:
            return
        import ctranslate2

        s = self._settings
        for step in self.steps:
            try:
                self._translators.append(ctranslate2.Translator(
                    str(step.path / "model"), device=s.device, compute_type=s.compute_type,
                    inter_threads=s.inter_threads, intra_threads=s.intra_threads))
            except (RuntimeError, ValueError) as exc:
                raise PackagerError(f"cannot load the model: {exc}", path=step.path / "model",
                                    hint="install the package again (`packager models install FILE`)") from None

    def translate(self, texts: list[str]) -> list[str]:
        """Translate each text (one sentence, ideally). Empty input → no model call."""
        return [text for text, _ in self.translate_scored(texts)]

    def translate_scored(self, texts: list[str]) -> list[tuple[str, float | None]]:
        """Each text's translation and the model's confidence in it (review/confidence.py): through
        a pivot, the product of the steps' confidences."""
        if not texts:
            return []
        from ..review.confidence import combine

        self._load()
        current = list(texts)
        confidences: list[list[float | None]] = [[] for _ in texts]
        for step, translator in zip(self.steps, self._translators):
            scored = self._translate_step(step, translator, current)
            current = [text for text, _ in scored]
            for kept, (_, confidence) in zip(confidences, scored):
                kept.append(confidence)
        self.sentences += len(texts)
        return [(text, combine(kept)) for text, kept in zip(current, confidences)]

    def _translate_step(self, step: InstalledPackage, translator: Any,
                        texts: list[str]) -> list[tuple[str, float | None]]:
        pkg = step.argos
        tokenizer = pkg.tokenizer
        try:
            tokens = [tokenizer.encode(text) for text in texts]
        except ImportError as exc:  # BPE packages need sacremoses
            raise PackagerError(f"this model needs a library that is not installed: {exc.name}", path=step.path,
                                hint=f"pip install {exc.name}, or use a SentencePiece package") from None
        prefix = getattr(pkg, "target_prefix", "") or ""
        target_prefix = [[prefix]] * len(tokens) if prefix else None
        results = translator.translate_batch(
            tokens, target_prefix=target_prefix, replace_unknowns=True,
            max_batch_size=int(self._settings.batch_size), batch_type="examples",
            beam_size=int(self._settings.beam_size), num_hypotheses=1, length_penalty=LENGTH_PENALTY,
            return_scores=True)
        self.calls += 1
        out = []
        for result in results:
            value = tokenizer.decode(result.hypotheses[0])
            if prefix and value.startswith(prefix):
                value = value[len(prefix):]
            score = result.scores[0] if getattr(result, "scores", None) else None
            out.append((value.strip(), token_confidence(score, len(result.hypotheses[0]))))
        return out


LENGTH_PENALTY = 0.2


def token_confidence(score: float | None, tokens: int) -> float | None:
    """CTranslate2's hypothesis score is its summed log-probability divided by length ** length_penalty
    (the end-of-sentence token counted in the length): undo that to get the mean log-probability
    per token, and return exp() of it (review/confidence.py)."""
    from ..review.confidence import confidence_from_score

    if score is None:
        return None
    length = tokens + 1
    return confidence_from_score(score * length ** LENGTH_PENALTY / length)


def load_engine(source: str, target: str) -> Engine:
    """The engine for source→target from the installed packages; a PackagerError naming the missing
    pair and the command that installs it when there is none. Loads no model yet."""
    settings = configure_argos()
    steps = find_path(installed_packages(), source, target)
    if not steps:
        raise missing_model_error(source, target)
    return Engine(source, target, steps, settings)
