"""How each edit's picture and sound are brought to the project's shape, as ffmpeg filter chains.

Picture, in order: deinterlaced when the footage is interlaced (bwdif, with the field order the stream
gives or idet measured: see probe.py; progressive footage is never touched), brought to the project's
frame rate by timestamps (`fps`: variable-rate phone footage and 23.976/29.97/50/60 sources keep their
timing, so sound and picture stay together), then scaled by its *display* size (stored pixels stretched
by the sample aspect ratio, and turned by the display matrix, which ffmpeg's autorotate applies while
decoding) to fit the frame, and padded: never stretched, never cropped.

Sound: every audio stream of a clip is heard unless the edit's `audio` chooses (["1", "2:left"]: stream
numbers from 1, optionally one channel of a stereo pair, which becomes dual mono; a stereo stream with
sound on one side only is heard so too). Each chosen source
is resampled to 48 kHz stereo (5.1 and other layouts by libswresample's standard downmix matrix, ITU-R
BS.775: centre and surrounds at −3 dB, LFE left out; mono on both speakers), the sources are brought to
equal loudness (each measured over the edit) and summed. A clip without sound contributes silence.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

from ..config import AUDIO_MIX, parse_audio_pick
from . import ffmpeg
from .probe import FootageProbe

SAMPLE_RATE = 48000
_EQUAL_LOUDNESS = -23.0  # each source of a mix is brought near this before summing (the module is normalised after)
_MAX_BALANCE_GAIN = 30.0  # dB: a near-silent stream (a muted mic) is not pulled up into hiss
_SILENT_CHANNEL = -60.0  # dBFS RMS: nothing on this side of a stereo pair
_LIVE_CHANNEL = -50.0  # dBFS RMS: a mic is on this side


Source = tuple[int, str | None]  # (audio stream number from 1, "left" | "right" | None for every channel)


def audio_sources(audio: str | list[str], probe: FootageProbe) -> list[Source]:
    """The (stream number, channel) pairs an edit plays: every stream for "mix"."""
    if audio == AUDIO_MIX:
        return [(a.number, None) for a in probe.audio]
    return [parse_audio_pick(text) for text in audio]


def resolve_sources(path: Path, probe: FootageProbe, audio: str | list[str], start: float, duration: float,
                    cwd: Path | None = None) -> list[Source]:
    """What an edit plays, as a sound engineer would hear it: for "mix", a stereo stream with a mic on
    one side and nothing on the other (a lavalier plugged into one input of a camera) plays that side
    on both speakers (dual mono) instead of from one. Measured over the edit (astats, audio only)."""
    sources = audio_sources(audio, probe)
    if audio != AUDIO_MIX:
        return sources
    resolved = []
    for stream, channel in sources:
        if probe.audio[stream - 1].channels == 2:
            levels = channel_levels(path, stream, start, duration, cwd)
            if len(levels) == 2:
                left, right = levels
                if left > _LIVE_CHANNEL and right < _SILENT_CHANNEL:
                    channel = "left"
                elif right > _LIVE_CHANNEL and left < _SILENT_CHANNEL:
                    channel = "right"
        resolved.append((stream, channel))
    return resolved


def channel_levels(path: Path, stream: int, start: float, duration: float, cwd: Path | None = None) -> list[float]:
    """RMS level (dBFS) of each channel of one audio stream over the edit."""
    log = ffmpeg.run(["-ss", f"{start:.6f}", "-t", f"{duration:.6f}", "-vn", "-sn", "-dn", "-i", str(path),
                      "-filter_complex", f"[0:a:{stream - 1}]astats=measure_overall=none:"
                      f"measure_perchannel=RMS_level[m]", "-map", "[m]", "-f", "null", "-"], cwd=cwd, background=True)
    return [float(value) if value not in ("-inf", "inf", "nan") else float("-inf")
            for value in re.findall(r"RMS level dB: (-?inf|nan|-?[\d.]+)", log)]


# ---------------------------------------------------------------------------------------------- picture


def _even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


def fitted_size(probe: FootageProbe, width: int, height: int) -> tuple[int, int]:
    """The picture's size inside a width×height frame, at its display aspect (even numbers, for 4:2:0)."""
    assert probe.video is not None
    display_w, display_h = probe.video.display_size
    scale = min(width / display_w, height / display_h)
    return min(width, _even(display_w * scale)), min(height, _even(display_h * scale))


def deinterlacer(probe: FootageProbe, fps: Fraction) -> str | None:
    """bwdif for interlaced footage; one output frame per field when the project rate calls for it
    (50i to 50p), else one per frame. None for progressive footage (never deinterlaced)."""
    video = probe.video
    if video is None or not video.interlaced:
        return None
    rate = video.frame_rate or float(fps)
    mode = "send_field" if float(fps) > rate * 1.5 else "send_frame"
    # Frames flagged one by one (the stream says interlaced): only those flagged, so progressive frames
    # inside (soft-telecined film, mixed edits) stay sharp. Flags missing (measured by idet): every frame.
    which = "interlaced" if video.scan_source == "stream" else "all"
    return f"bwdif=mode={mode}:parity={video.scan}:deint={which}"


# HD video is BT.709 (what the footage's cameras write, and what every output says it is).
BT709 = "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv"


def source_matrix(probe: FootageProbe) -> str:
    """The YCbCr matrix a clip's picture was made with: what its stream says, else what players assume
    (BT.601 below 720 lines: SD cameras, DV and DVD archives; BT.709 above)."""
    video = probe.video
    assert video is not None
    if video.matrix != "unknown":
        return video.matrix
    return "bt709" if video.height >= 720 else "bt601"


# HDR reference white (BT.2408): 203 cd/m², where an HLG camera puts a white card and PQ grading puts
# diffuse white. Linearised at that level, SDR-range light stays within 0-1 and only highlights above it
# are compressed (mobius: in-range colours kept nearly as they are; hable darkened a red by a third).
HDR_REFERENCE_WHITE = 203


def tone_map(transfer: str, matrix: str, full_range: bool) -> str:
    """HDR (PQ or HLG, BT.2020) to SDR BT.709 video range: linear light, BT.709 primaries, highlights
    compressed, then the BT.709 transfer and matrix."""
    source = {"pq": "smpte2084", "hlg": "arib-std-b67"}[transfer]
    matrix_in = {"bt709": "709", "bt601": "470bg"}.get(matrix, "2020_ncl")
    return (f"zscale=tin={source}:min={matrix_in}:pin=2020:rin={'pc' if full_range else 'tv'}:t=linear"
            f":npl={HDR_REFERENCE_WHITE},format=gbrpf32le,zscale=p=709,tonemap=tonemap=mobius:desat=0,"
            f"zscale=t=709:m=709:r=tv,format=yuv420p")


def video_chain(probe: FootageProbe, *, width: int, height: int, fps: Fraction) -> str:
    """The filters between a clip's decoded picture and the project's frame (yuv420p, square pixels,
    BT.709 video range).

    An SD clip's BT.601 colours (or a phone's full-range ones) are converted to BT.709 by the scale that
    resizes it: taken as they are, a file labelled BT.709 shows them with shifted hues (a red goes
    orange), and the overlays (lower thirds, subtitles) are converted with the frame's own matrix.
    HDR clips (PQ, HLG) are tone-mapped to SDR first (`tone_map`): shown as SDR they look flat and dark."""
    video = probe.video
    assert video is not None
    steps = []
    deinterlace = deinterlacer(probe, fps)
    if deinterlace:
        steps.append(deinterlace)
    same_rate = (video.frame_rate is not None and not video.variable_rate and deinterlace is None
                 and abs(video.frame_rate - float(fps)) < 0.001)
    if not same_rate:
        steps.append(f"fps={fps.numerator}/{fps.denominator}")
    fit_w, fit_h = fitted_size(probe, width, height)
    already = (video.width, video.height) == (width, height) and (fit_w, fit_h) == (width, height) \
        and video.rotation in (0, 180)
    matrix, full_range = source_matrix(probe), video.full_range
    if video.transfer in ("pq", "hlg"):
        steps.append(tone_map(video.transfer, matrix, full_range))
        matrix, full_range = "bt709", False  # what the tone mapping leaves: nothing more to convert
    convert = matrix != "bt709" or full_range
    if not already or convert:
        colours = (f":in_color_matrix={matrix}:out_color_matrix=bt709:in_range={'pc' if full_range else 'tv'}"
                   ":out_range=tv") if convert else ""
        steps.append(f"scale={fit_w}:{fit_h}:flags=bicubic{colours}")
    steps.append("setsar=1")
    if (fit_w, fit_h) != (width, height):
        steps.append(f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:color=black")
    steps += ["format=yuv420p", BT709]
    return ",".join(steps)


# ---------------------------------------------------------------------------------------------- sound


def _source_chain(input_no: int, stream: int, channel: str | None) -> str:
    """One source (a stream, or one channel of it) as 48 kHz stereo float."""
    pick = ""
    if channel is not None:
        pick = f"pan=mono|c0=c{0 if channel == 'left' else 1},"
    return (f"[{input_no}:a:{stream - 1}]{pick}aresample={SAMPLE_RATE},"
            f"aformat=sample_fmts=fltp:sample_rates={SAMPLE_RATE}:channel_layouts=stereo")


def clip_audio(input_no: int, sources: list[Source], duration: float, label: str,
               gains: list[float] | None = None) -> list[str]:
    """Filter-graph lines that make [label]: the clip's chosen sound as 48 kHz stereo, `duration` long
    (silence when there is no source). `gains`: dB per source, for equal loudness (see balance_gains)."""
    tail = f"atrim=duration={duration:.6f},apad=whole_dur={duration:.6f},asetpts=PTS-STARTPTS"
    if not sources:
        return [f"anullsrc=r={SAMPLE_RATE}:cl=stereo,{tail}[{label}]"]
    if len(sources) == 1:
        return [f"{_source_chain(input_no, *sources[0])},{tail}[{label}]"]
    lines, parts = [], []
    for k, source in enumerate(sources):
        gain = gains[k] if gains else 0.0
        lines.append(f"{_source_chain(input_no, *source)},volume={gain:.2f}dB[{label}s{k}]")
        parts.append(f"[{label}s{k}]")
    lines.append(f"{''.join(parts)}amix=inputs={len(parts)}:normalize=0:duration=longest,{tail}[{label}]")
    return lines


def balance_gains(path: Path, sources: list[Source], start: float, duration: float,
                  cwd: Path | None = None) -> list[float] | None:
    """dB per source of a mixed clip that brings each to the same loudness (each measured with ebur128
    over the edit). None when there is one source or none (nothing to balance)."""
    if len(sources) < 2:
        return None
    gains = []
    for stream, channel in sources:
        log = ffmpeg.run(["-ss", f"{start:.6f}", "-t", f"{duration:.6f}", "-vn", "-sn", "-dn", "-i", str(path),
                          "-filter_complex", f"{_source_chain(0, stream, channel)},ebur128=framelog=quiet[m]",
                          "-map", "[m]", "-f", "null", "-"], cwd=cwd, background=True)
        match = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", log.rsplit("Summary:", 1)[-1])
        loudness = float(match.group(1)) if match else float("-inf")
        if loudness < -70:
            gains.append(0.0)  # silent (a mic that was off): left as it is
        else:
            gains.append(max(-_MAX_BALANCE_GAIN, min(_MAX_BALANCE_GAIN, _EQUAL_LOUDNESS - loudness)))
    return gains
