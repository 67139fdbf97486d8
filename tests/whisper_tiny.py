"""Build a tiny but genuine faster-whisper model, offline, in a few seconds.

No real Whisper model can be downloaded on the test machines, so the tests make one the way the
real ones are made: a transformers `WhisperForConditionalGeneration` (random, seeded weights; one
encoder and one decoder layer, width 64) converted by CTranslate2's own `TransformersConverter`
(int8), a `tokenizer.json` made with the `tokenizers` library in Whisper's multilingual layout and a
`preprocessor_config.json`. faster-whisper loads it, runs its Silero VAD, decodes and times words
exactly as it would with whisper-small; only the words are meaningless.

Pitfalls (measured, see the shared notes): CTranslate2 treats a Whisper model as multilingual only
when its vocabulary is Whisper's 51,865-id layout with the empty token "" at id 50256 (otherwise
`language="fr"` is ignored); a generation config reloaded by transformers 5 loses `alignment_heads`
and `lang_to_id`, so the converter is handed the model in memory with a fresh `GenerationConfig`;
random weights decode at high temperatures (random and slow) unless the output projection is
large and untied from the embeddings, which makes temperature-0 decoding confident.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

N_TEXT = 50256  # ordinary text tokens, ids 0..50255 (then "" at 50256, as in Whisper's vocabulary)
VOCAB_SIZE = 51865  # Whisper's multilingual vocabulary (large-v3 has 51866)
FILES = ("model.bin", "config.json", "tokenizer.json", "preprocessor_config.json", "vocabulary.json")

_SYLLABLES = ["ba", "bon", "ca", "de", "di", "é", "en", "fa", "la", "le", "ma", "me", "mi", "na", "ne", "no",
              "pa", "pe", "po", "que", "ra", "re", "ri", "sa", "se", "ta", "te", "ti", "tou", "va", "vi", "un"]


def _languages() -> list[str]:
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    return [code for code in _LANGUAGE_CODES if code != "yue"]  # the 99 of the 51,865-id layout


def _vocabulary() -> list[str]:
    """Whisper's id layout: text tokens, "", then the special tokens (timestamps are added by the
    converter after them)."""
    from tokenizers.pre_tokenizers import ByteLevel

    alphabet = sorted(ByteLevel.alphabet())  # 256 byte-level symbols: any text can be encoded
    words: list[str] = []
    for a in _SYLLABLES:
        for b in _SYLLABLES:
            words.append("Ġ" + a + b)  # byte-level "Ġ" is a leading space: words for word timestamps
    words += ["Ġ" + s for s in _SYLLABLES] + [".", ","]
    text = alphabet + [w for w in words if w not in alphabet]
    filler = (f"Ġx{n}" for n in range(N_TEXT))
    while len(text) < N_TEXT:
        text.append(next(filler))
    special = ["<|endoftext|>", "<|startoftranscript|>", *[f"<|{c}|>" for c in _languages()], "<|translate|>",
               "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>", "<|notimestamps|>"]
    return text + [""] + special


def _write_tokenizer(path: Path, vocab: list[str]) -> None:
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

    ids = {token: i for i, token in enumerate(vocab) if token}  # "" cannot be a tokenizer entry
    tokenizer = Tokenizer(models.BPE(vocab=ids, merges=[]))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.add_special_tokens([AddedToken(t, special=True) for t in vocab[N_TEXT + 1:]])
    tokenizer.save(str(path))


TINY = {"d_model": 64, "layers": 1, "heads": 2, "ffn": 128}
SMALL = {"d_model": 768, "layers": 12, "heads": 12, "ffn": 3072}  # whisper-small's shape (244 M parameters)


def build_tiny_whisper(out_dir: Path, *, seed: int = 7, shape: dict | None = None) -> Path:
    """Write a faster-whisper model folder (the files a real one has) to `out_dir`; returns it.
    `shape=SMALL` makes a model of Whisper-small's size and compute (benchmarks/transcribe.py)."""
    import ctranslate2
    import torch
    from transformers import GenerationConfig, WhisperConfig, WhisperForConditionalGeneration

    out_dir = Path(out_dir)
    vocab = _vocabulary()
    assert len(vocab) == 50364 and vocab[50256] == "" and vocab[50363] == "<|notimestamps|>"
    lang_to_id = {f"<|{c}|>": 50259 + i for i, c in enumerate(_languages())}
    torch.manual_seed(seed)
    shape = shape or TINY
    config = WhisperConfig(vocab_size=VOCAB_SIZE, num_mel_bins=80, d_model=shape["d_model"],
                           encoder_layers=shape["layers"], decoder_layers=shape["layers"],
                           encoder_attention_heads=shape["heads"], decoder_attention_heads=shape["heads"],
                           encoder_ffn_dim=shape["ffn"], decoder_ffn_dim=shape["ffn"], max_source_positions=1500,
                           max_target_positions=448, tie_word_embeddings=False, pad_token_id=50257,
                           bos_token_id=50257, eos_token_id=50257, decoder_start_token_id=50258)
    model = WhisperForConditionalGeneration(config).eval()
    with torch.no_grad():  # a large untied projection: confident, temperature-0 decoding
        model.proj_out.weight.normal_(0.0, 4.0)
    model.generation_config = GenerationConfig(
        alignment_heads=[[shape["layers"] - 1, h] for h in range(shape["heads"])], lang_to_id=lang_to_id, suppress_tokens=[],
        begin_suppress_tokens=[220, 50257], decoder_start_token_id=50258, eos_token_id=50257,
        no_timestamps_token_id=50363, is_multilingual=True)

    class _InMemory(ctranslate2.converters.TransformersConverter):
        def load_model(self, model_class, model_name_or_path, **kwargs):
            return model

        def load_tokenizer(self, tokenizer_class, model_name_or_path, **kwargs):
            return _VocabOnly(vocab)

    with tempfile.TemporaryDirectory() as tmp:
        config.save_pretrained(tmp)  # the converter reads the config's class from the folder
        if out_dir.exists():
            shutil.rmtree(out_dir)
        _InMemory(tmp).convert(str(out_dir), quantization="int8")
    _write_tokenizer(out_dir / "tokenizer.json", vocab)
    (out_dir / "preprocessor_config.json").write_text(json.dumps({
        "chunk_length": 30, "feature_extractor_type": "WhisperFeatureExtractor", "feature_size": 80,
        "hop_length": 160, "n_fft": 400, "n_samples": 480000, "nb_max_frames": 3000,
        "sampling_rate": 16000}), encoding="utf-8")
    return out_dir


class _VocabOnly:
    """What the converter asks of a tokenizer: its vocabulary, "" included, in id order."""

    additional_special_tokens: list[str] = []

    def __init__(self, vocab: list[str]):
        self._vocab = vocab

    def get_vocab(self) -> dict[str, int]:
        return {token: i for i, token in enumerate(self._vocab)}
