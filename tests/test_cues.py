"""Reading SRT as real editors write it (packager/subtitles/cues.py), and its errors."""

from __future__ import annotations

import random

import pytest

from packager.errors import EXIT_INPUT, PackagerError
from packager.subtitles.cues import format_srt, format_vtt, parse_srt, read_srt, write_srt

SPANISH = ("1\n00:00:01,000 --> 00:00:03,500\n¿Qué es una empresa de inserción?\n\n"
           "2\n00:00:04,000 --> 00:00:06,000\n¡Año 2001: el 14,9 % de los jóvenes!\n\n"
           "3\n00:00:06,200 --> 00:00:08,000\nCampaña «Niño» — l’État, œuvre\n\n")
EXPECTED = ["¿Qué es una empresa de inserción?", "¡Año 2001: el 14,9 % de los jóvenes!",
            "Campaña «Niño» — l’État, œuvre"]


def _texts(path):
    return [c.text for c in read_srt(path)]


@pytest.mark.parametrize("encoding,bom", [
    ("utf-8", b""),
    ("utf-8", b"\xef\xbb\xbf"),
    ("utf-16-le", b"\xff\xfe"),
    ("utf-16-be", b"\xfe\xff"),
    ("cp1252", b""),
])
def test_encodings_as_editors_write_them(tmp_path, encoding, bom):
    path = tmp_path / f"{encoding}.srt"
    path.write_bytes(bom + SPANISH.replace("\n", "\r\n").encode(encoding))
    cues = read_srt(path)
    assert [c.text for c in cues] == EXPECTED
    assert [(c.start, c.end) for c in cues] == [(1.0, 3.5), (4.0, 6.0), (6.2, 8.0)]


def test_utf16_python_codec_with_bom(tmp_path):
    path = tmp_path / "u16.srt"
    path.write_bytes(SPANISH.encode("utf-16"))  # BOM + native order, as Notepad's "Unicode"
    assert _texts(path) == EXPECTED


def test_windows_1252_french_without_bom(tmp_path):
    text = ("1\r\n00:00:01,000 --> 00:00:03,000\r\nL’économie sociale, c’est « l’insertion » à l’œuvre.\r\n\r\n"
            "2\r\n00:00:03,500 --> 00:00:05,000\r\nDéjà 25 ans… Ça marche !\r\n")
    path = tmp_path / "fr.srt"
    path.write_bytes(text.encode("cp1252"))
    assert _texts(path) == ["L’économie sociale, c’est « l’insertion » à l’œuvre.", "Déjà 25 ans… Ça marche !"]


def test_missing_blank_lines_numbers_and_trailing_spaces(tmp_path):
    text = ("7   \n00:00:01,000 --> 00:00:02,000   \nPrimera línea   \n"
            "9\n00:00:02,500 --> 00:00:04,000\nSegunda\ncon dos líneas  \n"
            "00:00:04,500 --> 00:00:06,000\nSin número\n\n\n\n"
            "00:00:06,500 --> 00:00:07,000\n<i>En cursiva</i>\n")
    path = tmp_path / "messy.srt"
    path.write_text(text, encoding="utf-8")
    cues = read_srt(path)
    assert [c.index for c in cues] == [1, 2, 3, 4]
    assert [c.text for c in cues] == ["Primera línea", "Segunda\ncon dos líneas", "Sin número", "<i>En cursiva</i>"]
    assert cues[3].plain_text == "En cursiva"
    assert [c.line for c in cues] == [2, 5, 8, 13]
    # Written back clean: renumbered, LF, UTF-8, a blank line after each cue.
    out = tmp_path / "clean.srt"
    write_srt(out, cues)
    data = out.read_bytes()
    assert b"\r" not in data and not data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8").startswith("1\n00:00:01,000 --> 00:00:02,000\nPrimera línea\n\n2\n")
    assert [c.text for c in read_srt(out)] == [c.text for c in cues]
    assert "<i>En cursiva</i>" in format_vtt(cues) and format_vtt(cues).startswith("WEBVTT\n\n")
    assert format_srt(cues).count("-->") == 4


def test_dot_milliseconds_and_mac_line_ends(tmp_path):
    path = tmp_path / "dots.srt"
    path.write_bytes(b"1\r00:00:01.250 --> 00:00:02.500\rHola\r\r2\r00:00:03.000 --> 00:00:04.000\rAdi\xc3\xb3s\r")
    cues = read_srt(path)
    assert [(c.start, c.end, c.text) for c in cues] == [(1.25, 2.5, "Hola"), (3.0, 4.0, "Adiós")]


def _error(path) -> PackagerError:
    with pytest.raises(PackagerError) as info:
        read_srt(path)
    return info.value


def test_bad_timecode_names_file_cue_and_line(tmp_path):
    path = tmp_path / "bad.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nUno\n\n2\n00:00:03,000 --> 00:0X:04,000\nDos\n",
                    encoding="utf-8")
    error = _error(path)
    assert error.exit_code == EXIT_INPUT
    assert error.path == path and error.where == "cue 2, line 6"
    assert "bad timecode" in error.render() and "00:0X:04,000" in error.render()


def test_end_before_start_names_cue_and_line(tmp_path):
    path = tmp_path / "backwards.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nUno\n\n2\n00:00:05,000 --> 00:00:04,000\nDos\n",
                    encoding="utf-8")
    error = _error(path)
    assert error.where == "cue 2, line 6" and "before it starts" in error.message


def test_text_without_timing_and_binary_file(tmp_path):
    path = tmp_path / "notime.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nUno\n\nTexto suelto sin tiempo\n", encoding="utf-8")
    error = _error(path)
    assert error.where == "cue 2, line 5" and "no timing line" in error.message
    binary = tmp_path / "video.srt"
    binary.write_bytes(random.Random(3).randbytes(64) + b"\x00\xff" * 100)
    assert _error(binary).path == binary
    assert "not found" in _error(tmp_path / "missing.srt").message


def test_parse_srt_empty_text_is_no_cue():
    assert parse_srt("", path=None) == []
    assert parse_srt("\n\n  \n", path=None) == []


# Short Windows-1252 and ISO-8859-15 files with few accented letters: the ones charset-normalizer alone
# reads as Mac Roman ("l'Ècart", "‡ part†:") or as Windows-1252 ("½uvre" for "œuvre").
SHORT_WESTERN = [
    ("cp1252", "une aide publique comble l'écart."),
    ("cp1252", "Je ne me sens plus à part\u00a0: je participe."),
    ("cp1252", "Nos financian las ventas\ny un apoyo público."),
    ("cp1252", "Une manufacture m'a déjà fait une offre."),
    ("cp1252", "l’État"),
    ("latin-1", "Después Noël"),
    ("iso8859_15", "Une œuvre à 20 €."),
    ("mac_roman", "L'économie sociale à Québec, déjà."),
]


@pytest.mark.parametrize("encoding,text", SHORT_WESTERN)
def test_short_single_byte_files_are_read_right(tmp_path, encoding, text):
    path = tmp_path / "short.srt"
    path.write_bytes(f"1\r\n00:00:01,000 --> 00:00:03,000\r\n{text}\r\n".replace("\n", "\r\n")
                     .replace("\r\r", "\r").encode(encoding))
    assert _texts(path) == [text]


def test_many_generated_windows_1252_files_are_read_right(tmp_path):
    """Cues drawn from the sample's own French and Spanish, 1–3 a file, in Windows-1252 or Latin-1."""
    from pathlib import Path

    from packager.subtitles.cues import decode_subtitle_bytes

    repo = Path(__file__).resolve().parent.parent
    texts = [c.text for path in sorted((repo / "subtitles").glob("*/*.srt")) for c in read_srt(path)]
    rng = random.Random(11)
    checked = 0
    for _ in range(300):
        srt = "".join(f"{n}\r\n00:00:0{n},000 --> 00:00:0{n},900\r\n{t}\r\n\r\n".replace("\n", "\r\n")
                      .replace("\r\r", "\r") for n, t in enumerate(rng.sample(texts, rng.randint(1, 3)), 1))
        for encoding in ("cp1252", "latin-1"):
            try:
                data = srt.encode(encoding)
            except UnicodeEncodeError:
                continue
            if data.isascii():
                continue
            checked += 1
            assert decode_subtitle_bytes(data, None) == srt, encoding
    assert checked > 300


@pytest.mark.parametrize("data,where,words", [
    (b"\xef\xbb\xbf1\n00:00:01,000 --> 00:00:02,000\nabc\xff\n", "line 3", "UTF-8"),
    (b"\xff\xfe" + "1\n00:00:01,000 --> 00:00:02,000\nabc\n".encode("utf-16-le") + b"x", "line 4", "UTF-16"),
    ("1\n00:00:01,000 --> 00:00:02,000\nL'économie à Québec\n\n2\n00:00:02,500 --> 00:00:03,000\nÇa "
     .encode("utf-8") + "marché\n".encode("cp1252"), "line 7", "UTF-8 except for a few bytes"),
])
def test_broken_encodings_are_clear_errors(tmp_path, data, where, words):
    path = tmp_path / "broken.srt"
    path.write_bytes(data)
    error = _error(path)
    assert error.path == path and error.where == where and words in error.message
    assert error.exit_code == EXIT_INPUT


def test_binary_file_is_not_a_subtitle(tmp_path):
    path = tmp_path / "clip.srt"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom\xff\xd8" * 20)
    assert "binary data" in _error(path).message


def test_writing_is_clean_whatever_the_cue_text_holds(tmp_path):
    from packager.subtitles.cues import Cue

    cues = [Cue(1, 1.0, 2.0, "Primera línea  \r\n\r\nsegunda"), Cue(2, 2.5, 3.0, '<font color="#ff0">{\\an8}Arriba</font> & <I>R&D</I> -> x')]
    out = tmp_path / "out.srt"
    write_srt(out, cues)
    assert [c.text for c in read_srt(out)] == ["Primera línea\nsegunda", cues[1].text]
    vtt = format_vtt(cues)
    assert "Arriba &amp; <i>R&amp;D</i> -&gt; x" in vtt and "font" not in vtt and "an8" not in vtt


def test_error_names_the_editors_own_cue_number_when_it_differs(tmp_path):
    path = tmp_path / "renumbered.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nUno\n\n5\n00:00:03,000 --> 00:00:02,000\nDos\n",
                    encoding="utf-8")
    assert _error(path).where == "cue 2 (numbered 5 in the file), line 6"
