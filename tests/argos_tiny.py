"""Build a tiny but genuine Argos Translate package, offline, in about a second.

The package has everything argostranslate 1.11 loads for a real model:

* ``sentencepiece.model`` -- a real SentencePiece (unigram) model trained on a few hundred
  generated sentences of both languages;
* ``model/`` -- a real CTranslate2 Transformer (1 encoder layer, 1 decoder layer, width 32,
  4 heads) whose weights are filled with seeded numpy through a small
  ``ctranslate2.converters.Converter`` subclass;
* ``minisbd/<from_code>.onnx`` -- a tiny ONNX sentence splitter with the metadata minisbd reads
  (``lang_code``, ``config``, ``vocab``, ``lexicon``);
* ``metadata.json``.

Everything sits under one top folder inside ``translate-<from>_<to>-tiny.argosmodel``
(a zip file).

The weights are random (seeded: the same call builds the same model), so the "translation"
is gibberish made of target-side SentencePiece pieces. Two reserved model dimensions are driven
by the decoder's position encodings so that ``</s>`` wins after a few output tokens (3 to 6): a
translation is short and the same input always gives the same output.

This module imports only numpy, sentencepiece, ctranslate2 and onnx -- never argostranslate --
so building a package does not freeze argostranslate's import-time settings.
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np

__all__ = ["build_tiny_argos_package", "LANGUAGE_NAMES", "package_file_name"]

D_MODEL = 32
NUM_HEADS = 4
FFN_DIM = 64
VOCAB_SIZE = 300
# Decoder position-encoding table length: CTranslate2 refuses decoding positions past it, and
# argostranslate decodes up to 256 tokens, so keep it above that.
MAX_POSITIONS = 512
# Weight scales (found by trial so that outputs differ between inputs and repeat little):
# decoder embeddings, decoder sinusoids, cross-attention queries (sharper attention over the
# source) and cross-attention output (more influence of the source).
TUNE = {"dec_emb": 0.3, "pe": 3.0, "query": 4.0, "cross_out": 3.0, "no_repeat": 0.5}

LANGUAGE_NAMES = {
    "fr": "French",
    "es": "Spanish",
    "en": "English",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
}

# Small word lists: subject, verb, object, complement. The generated corpus only needs to look
# like the language for SentencePiece (accents, apostrophes, punctuation).
_WORDS = {
    "fr": (
        ["le chat", "la maison", "mon ami", "le professeur", "la voiture", "notre équipe",
         "l'élève", "ce garçon", "la formatrice", "le médecin", "cette femme", "le directeur"],
        ["regarde", "ouvre", "prépare", "explique", "cherche", "écrit", "achète", "répare",
         "présente", "termine", "commence", "vérifie"],
        ["une pomme", "la porte", "le repas", "la leçon", "un livre", "une lettre", "le café",
         "la vidéo", "le programme", "la réunion", "les sous-titres", "l'exercice"],
        ["ce matin", "avec soin", "très vite", "à la maison", "dans le bureau", "après le déjeuner",
         "pendant la formation", "sans problème", "encore une fois", "à côté de l'école"],
    ),
    "es": (
        ["el gato", "la casa", "mi amigo", "el profesor", "el coche", "nuestro equipo",
         "el alumno", "este chico", "la formadora", "el médico", "esta mujer", "el director"],
        ["mira", "abre", "prepara", "explica", "busca", "escribe", "compra", "repara",
         "presenta", "termina", "empieza", "comprueba"],
        ["una manzana", "la puerta", "la comida", "la lección", "un libro", "una carta", "el café",
         "el vídeo", "el programa", "la reunión", "los subtítulos", "el ejercicio"],
        ["esta mañana", "con cuidado", "muy rápido", "en casa", "en la oficina", "después de comer",
         "durante la formación", "sin problema", "otra vez", "al lado de la escuela"],
    ),
    "en": (
        ["the cat", "the house", "my friend", "the teacher", "the car", "our team",
         "the student", "this boy", "the trainer", "the doctor", "this woman", "the manager"],
        ["watches", "opens", "prepares", "explains", "looks for", "writes", "buys", "repairs",
         "presents", "finishes", "starts", "checks"],
        ["an apple", "the door", "the meal", "the lesson", "a book", "a letter", "the coffee",
         "the video", "the programme", "the meeting", "the subtitles", "the exercise"],
        ["this morning", "carefully", "very quickly", "at home", "in the office", "after lunch",
         "during the training", "without trouble", "once again", "next to the school"],
    ),
}


def package_file_name(from_code: str, to_code: str) -> str:
    return f"translate-{from_code}_{to_code}-tiny.argosmodel"


def _words_for(code: str):
    if code in _WORDS:
        return _WORDS[code]
    # Unknown language: deterministic pseudo-words made of syllables.
    rng = random.Random("words-" + code)
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "do", "gu"]

    def word():
        return "".join(rng.choice(syllables) for _ in range(rng.randint(1, 3)))

    return tuple([f"{word()} {word()}" for _ in range(12)] for _ in range(4))


def _corpus(code: str, n: int, seed: int) -> list[str]:
    subjects, verbs, objects, complements = _words_for(code)
    rng = random.Random(f"{seed}-{code}")
    lines = []
    for i in range(n):
        line = f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(objects)}"
        if i % 2:
            line += " " + rng.choice(complements)
        line = line[0].upper() + line[1:] + rng.choice([".", ".", ".", "!", "?"])
        if i % 5 == 0:
            line += " " + rng.choice(subjects).capitalize() + " " + rng.choice(verbs) + "."
        lines.append(line)
    return lines


# --------------------------------------------------------------------------------------------
# SentencePiece
# --------------------------------------------------------------------------------------------

def _train_sentencepiece(lines: list[str], vocab_size: int) -> bytes:
    import sentencepiece as spm

    model = io.BytesIO()
    with open(os.devnull, "w") as log:
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(lines),
            model_writer=model,
            logstream=log,
            model_type="unigram",
            vocab_size=vocab_size,
            hard_vocab_limit=False,  # a small corpus may not support the full size
            character_coverage=1.0,
            unk_id=0,
            bos_id=1,
            eos_id=2,
            pad_id=-1,
            num_threads=1,
            shuffle_input_sentence=False,
        )
    return model.getvalue()


def _pieces(model_bytes: bytes) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=model_bytes)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def _used_pieces(model_bytes: bytes, lines: list[str]) -> set[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=model_bytes)
    return {piece for line in lines for piece in sp.encode(line, out_type=str)}


# --------------------------------------------------------------------------------------------
# CTranslate2 model
# --------------------------------------------------------------------------------------------

def _sinusoids(length: int, depth: int) -> np.ndarray:
    # Same layout as OpenNMT/CTranslate2: first half sin, second half cos.
    half = depth // 2
    inv = np.exp(-np.log(10000.0) * np.arange(half) / max(half - 1, 1))
    angles = np.arange(length)[:, None] * inv[None, :]
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1).astype(np.float32)


def _make_converter_class():
    from ctranslate2.converters import Converter
    from ctranslate2.specs import transformer_spec

    class TinyRandomTransformerConverter(Converter):
        """Fills a CTranslate2 TransformerSpec with seeded numpy weights.

        ``output_pieces``: when given, the only pieces the decoder can emit (besides ``</s>``);
        otherwise any piece with a letter or digit.

        Dimensions ``d-2`` and ``d-1`` of the decoder's residual stream are reserved: embeddings
        and every sublayer write zero there, so they carry only the decoder position encodings,
        which ramp from strongly negative to strongly positive around position ``eos_position``.
        The output projection row of ``</s>`` reads those two dimensions only, so ``</s>`` is
        forbidden early and wins a few positions later. Special and non-word pieces get a large
        negative output bias so the output is never empty after detokenization.
        """

        def __init__(
            self,
            vocabulary: list[str],
            seed: int = 1234,
            eos_position: float = 4.5,
            output_pieces: frozenset = frozenset(),
        ):
            self._vocabulary = vocabulary
            self._output_pieces = output_pieces
            self._seed = seed
            self._eos_position = eos_position

        def _load(self):
            d, f, v = D_MODEL, FFN_DIM, len(self._vocabulary)
            gate = [d - 2, d - 1]
            rng = np.random.default_rng(self._seed)

            def rand(*shape, scale=None):
                scale = scale if scale is not None else 1.0 / np.sqrt(shape[-1])
                return (rng.standard_normal(shape) * scale).astype(np.float32)

            def zeros(*shape):
                return np.zeros(shape, dtype=np.float32)

            def layer_norm(spec):
                spec.gamma = np.ones(d, dtype=np.float32)
                spec.beta = zeros(d)

            def linear(spec, out_dim, in_dim, protect_gate=False):
                weight, bias = rand(out_dim, in_dim), rand(out_dim, scale=0.02)
                if protect_gate:  # output written into the residual stream
                    weight[gate, :] = 0.0
                    bias[gate] = 0.0
                spec.weight, spec.bias = weight, bias

            spec = transformer_spec.TransformerSpec.from_config(
                (1, 1), NUM_HEADS, pre_norm=True
            )

            # Encoder.
            enc = spec.encoder
            enc.embeddings[0].weight = rand(v, d, scale=0.3)
            # enc.position_encodings left unset: CTranslate2 uses its built-in sinusoids.
            layer = enc.layer[0]
            layer_norm(layer.self_attention.layer_norm)
            linear(layer.self_attention.linear[0], 3 * d, d)
            linear(layer.self_attention.linear[1], d, d)
            layer_norm(layer.ffn.layer_norm)
            linear(layer.ffn.linear_0, f, d)
            linear(layer.ffn.linear_1, d, f)
            layer_norm(enc.layer_norm)

            # Decoder.
            dec = spec.decoder
            emb = rand(v, d, scale=TUNE["dec_emb"])
            emb[:, gate] = 0.0
            dec.embeddings.weight = emb
            positions = np.arange(MAX_POSITIONS, dtype=np.float32)
            ramp = 12.0 * np.tanh((positions - self._eos_position) / 1.5)
            encodings = TUNE["pe"] * _sinusoids(MAX_POSITIONS, d)
            encodings[:, gate[0]] = ramp
            encodings[:, gate[1]] = -ramp
            dec.position_encodings.encodings = encodings
            layer = dec.layer[0]
            layer_norm(layer.self_attention.layer_norm)
            linear(layer.self_attention.linear[0], 3 * d, d)
            linear(layer.self_attention.linear[1], d, d, protect_gate=True)
            layer_norm(layer.attention.layer_norm)
            linear(layer.attention.linear[0], d, d)
            layer.attention.linear[0].weight *= TUNE["query"]
            linear(layer.attention.linear[1], 2 * d, d)
            linear(layer.attention.linear[2], d, d, protect_gate=True)
            layer.attention.linear[2].weight *= TUNE["cross_out"]
            layer_norm(layer.ffn.layer_norm)
            linear(layer.ffn.linear_0, f, d)
            linear(layer.ffn.linear_1, d, f, protect_gate=True)
            layer_norm(dec.layer_norm)

            projection = rand(v, d, scale=1.0)
            # Discourage emitting the token just read: its embedding dominates the decoder state.
            unit = emb / np.linalg.norm(emb, axis=1, keepdims=True)
            projection -= TUNE["no_repeat"] * np.sqrt(d) * unit
            projection[:, gate] = 0.0
            bias = zeros(v)
            eos = self._vocabulary.index("</s>")
            projection[eos, :] = 0.0
            projection[eos, gate[0]] = 4.0
            projection[eos, gate[1]] = -4.0
            for i, piece in enumerate(self._vocabulary):
                if self._output_pieces:
                    allowed = piece in self._output_pieces
                else:
                    allowed = any(ch.isalnum() for ch in piece)
                if i != eos and not allowed:
                    bias[i] = -100.0  # never produced: <unk>, <s>, "▁", source pieces...
            dec.projection.weight = projection
            dec.projection.bias = bias

            spec.register_source_vocabulary(self._vocabulary)
            spec.register_target_vocabulary(self._vocabulary)
            spec.config.unk_token = "<unk>"
            spec.config.bos_token = "<s>"
            spec.config.eos_token = "</s>"
            return spec

    return TinyRandomTransformerConverter


# --------------------------------------------------------------------------------------------
# minisbd ONNX sentence splitter
# --------------------------------------------------------------------------------------------

# minisbd labels per character: 0 inside a token, 1 end of token, 2 end of sentence
# (3/4: multi-word tokens, never produced here).
_SENTENCE_END = [".", "!", "?", "…"]


def _build_minisbd_onnx(lang_code: str) -> bytes:
    """Tiny ONNX graph with minisbd's interface.

    Inputs ``units`` (int64 [batch, chars]) and ``features`` (float32 [batch, chars, 0]); output
    logits float32 [batch, chars, 5]. Every character is its own token (label 1; minisbd drops
    whitespace-only tokens), and a character of ``. ! ? …`` followed by a space or the padding
    that ends the paragraph is a sentence end (label 2):
    ``logits = Gather(current_table, units) + Gather(next_table, units shifted left by one)``.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    id2unit = ["<PAD>", "<UNK>", " "] + _SENTENCE_END
    unit2id = {u: i for i, u in enumerate(id2unit)}
    n = len(id2unit)

    current = np.zeros((n, 5), dtype=np.float32)
    current[:, 1] = 3.0
    current[:, 3:] = -100.0
    for ch in _SENTENCE_END:
        current[unit2id[ch], 2] = 2.0
    following = np.zeros((n, 5), dtype=np.float32)
    following[unit2id["<PAD>"], 2] = 2.0
    following[unit2id[" "], 2] = 2.0

    inits = [
        numpy_helper.from_array(current, "current_table"),
        numpy_helper.from_array(following, "next_table"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "one"),
        numpy_helper.from_array(np.array([0], dtype=np.int64), "zero"),
        numpy_helper.from_array(np.array([np.iinfo(np.int64).max], dtype=np.int64), "end"),
        numpy_helper.from_array(np.array(0, dtype=np.int64), "zero_scalar"),
    ]
    nodes = [
        helper.make_node("Slice", ["units", "one", "end", "one"], ["tail"]),  # units[:, 1:]
        helper.make_node("Slice", ["units", "zero", "one", "one"], ["first"]),  # units[:, :1]
        helper.make_node("Mul", ["first", "zero_scalar"], ["pad_column"]),  # <PAD> id is 0
        helper.make_node("Concat", ["tail", "pad_column"], ["next_units"], axis=1),
        helper.make_node("Gather", ["current_table", "units"], ["current_logits"], axis=0),
        helper.make_node("Gather", ["next_table", "next_units"], ["next_logits"], axis=0),
        helper.make_node("Add", ["current_logits", "next_logits"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_minisbd",
        inputs=[
            helper.make_tensor_value_info("units", TensorProto.INT64, ["batch", "chars"]),
            helper.make_tensor_value_info(
                "features", TensorProto.FLOAT, ["batch", "chars", "feats"]
            ),
        ],
        outputs=[helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "chars", 5])],
        initializer=inits,
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="argos_tiny"
    )
    model.ir_version = 8  # readable by any onnxruntime of the last years
    vocab_state = {
        "lang": lang_code,
        "idx": 0,
        "cutoff": 0,
        "lower": False,
        "_unit2id": unit2id,
        "_id2unit": id2unit,
    }
    config = {
        "max_seqlen": 1000,
        "batch_size": 32,
        "feat_funcs": [],
        "skip_newline": False,
        "no_ssplit": False,
        "use_dictionary": False,
        "num_dict_feat": 0,
    }
    for key, value in {
        "lang_code": lang_code,
        "config": json.dumps(config),
        "vocab": json.dumps(vocab_state, ensure_ascii=False),
        "lexicon": "null",
    }.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    return model.SerializeToString()


# --------------------------------------------------------------------------------------------
# Package
# --------------------------------------------------------------------------------------------

def build_tiny_argos_package(
    dest_dir: Path,
    from_code: str = "fr",
    to_code: str = "es",
    *,
    with_minisbd: bool = True,
) -> Path:
    """Build a tiny, genuine .argosmodel file in dest_dir and return its path.

    Same arguments give the same model files (seeded weights, single-threaded SentencePiece
    training). Any pair of codes works (fr->en plus en->es for pivot tests...); fr, es and en
    get word lists that look like the language, other codes get pseudo-words.

    ``with_minisbd=False`` leaves out ``minisbd/``: argostranslate then tries to DOWNLOAD a
    MiniSBD model on the first translation (useful only to test a network guard).
    """
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    top = f"translate-{from_code}_{to_code}-tiny"
    seed = sum(ord(c) * 31**i for i, c in enumerate(f"{from_code}>{to_code}")) % (2**31)

    with tempfile.TemporaryDirectory(prefix="argos-tiny-") as work:
        root = Path(work) / top
        root.mkdir()

        source_lines = _corpus(from_code, 300, seed)
        target_lines = _corpus(to_code, 300, seed + 1)
        sp_model = _train_sentencepiece(source_lines + target_lines, VOCAB_SIZE)
        (root / "sentencepiece.model").write_bytes(sp_model)
        vocabulary = _pieces(sp_model)
        assert vocabulary[:3] == ["<unk>", "<s>", "</s>"], vocabulary[:3]
        source_pieces = _used_pieces(sp_model, source_lines)
        # Whole target-language words that the source side never uses: the "translation" is
        # then a few target-looking words (unless the corpus gives too few of them).
        target_words = frozenset(
            p for p in _used_pieces(sp_model, target_lines) - source_pieces
            if p.startswith("\u2581") and len(p) > 2
        )
        converter = _make_converter_class()(
            vocabulary,
            seed=seed,
            output_pieces=target_words if len(target_words) >= 8 else frozenset(),
        )
        converter.convert(str(root / "model"), force=True)

        if with_minisbd:
            (root / "minisbd").mkdir()
            (root / "minisbd" / f"{from_code}.onnx").write_bytes(_build_minisbd_onnx(from_code))

        metadata = {
            "package_version": "1.0",
            "argos_version": "1.11",
            "from_code": from_code,
            "from_name": LANGUAGE_NAMES.get(from_code, from_code),
            "to_code": to_code,
            "to_name": LANGUAGE_NAMES.get(to_code, to_code),
            "type": "translate",
            "name": f"Tiny test model {from_code}->{to_code}",
            "code": top,
            "links": [],
        }
        (root / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        (root / "README.md").write_text(
            f"Tiny random {from_code}->{to_code} model for tests (gibberish output).\n",
            encoding="utf-8",
        )

        out = dest_dir / package_file_name(from_code, to_code)
        tmp_out = out.with_suffix(".partial")
        with zipfile.ZipFile(tmp_out, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(top + "/", "")
            for path in sorted(root.rglob("*")):
                arcname = path.relative_to(root.parent).as_posix()
                if path.is_dir():
                    zf.writestr(arcname + "/", "")
                else:
                    zf.write(path, arcname)
        shutil.move(tmp_out, out)
    return out
