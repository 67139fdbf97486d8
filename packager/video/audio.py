"""A module's sound: the clips' audio cut and joined on the footage timeline, measured (EBU R128) and
normalised to LOUDNESS_TARGET LUFS in two passes, silence under the cards, encoded to AAC. Audio only,
in other processes while the video encodes (a few seconds).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from . import ffmpeg
from .cards import CARD_SECONDS
from .footage_graph import audio_sources, balance_gains, clip_audio, resolve_sources

if TYPE_CHECKING:
    from .job import Job

LOUDNESS_TARGET = -23.0  # LUFS integrated, EBU R128 (broadcast); true peak ≤ -1 dBTP
TRUE_PEAK = -1.0
LOUDNESS_RANGE = 11.0


def _audio_inputs(job: Job) -> list[str]:
    args: list[str] = []
    for path, start, duration in job.clips:
        args += ["-vn", "-sn", "-dn", "-ss", f"{start:.6f}", "-t", f"{duration:.6f}", "-i", str(path)]
    return args


def _audio_graph(job: Job) -> list[str]:
    """The clips' sound cut and joined on the footage timeline (cards excluded), as [acat]."""
    graph, labels = [], []
    edits = job.module.definition.edits
    for n, (path, _, duration) in enumerate(job.clips):
        # every chosen stream, 48 kHz stereo, silence for a clip without sound (footage_graph.py)
        sources = job.sources.get(n) or audio_sources(edits[n].audio, job.probes[path])
        graph += clip_audio(n, sources, duration, f"a{n}", job.gains.get(n))
        labels.append(f"[a{n}]")
    graph.append(f"{''.join(labels)}concat=n={len(labels)}:v=0:a=1[acat]")
    return graph


def measure_loudness(job: Job, tmp: Path) -> dict[str, float] | None:
    """Pass 1: EBU R128 figures of the joined clips (integrated I, its gating threshold, LRA, true peak).

    Measured by ffmpeg's ebur128 filter (the BS.1770 meter loudnorm also uses), on the audio alone:
    about 200× realtime, a third of the cost of loudnorm's own measuring pass. None for silence.
    """
    graph = _audio_graph(job)
    graph.append("[acat]ebur128=peak=true:framelog=quiet[m]")  # stereo, as delivered and as a plain meter reads it
    log = ffmpeg.run([*_audio_inputs(job), "-filter_complex", ";".join(graph), "-map", "[m]", "-f", "null", "-"],
                     cwd=tmp, background=True)
    summary = log.rsplit("Summary:", 1)[-1]
    figures = {}
    for key, pattern in (("I", r"I:\s+(-?[\d.]+|-inf) LUFS\s+Threshold:\s+(-?[\d.]+|-inf) LUFS"),
                         ("LRA", r"LRA:\s+(-?[\d.]+) LU"), ("TP", r"Peak:\s+(-?[\d.]+|-inf) dBFS")):
        match = re.search(pattern, summary)
        if not match:
            return None
        figures[key] = float(match.group(1))
        if key == "I":
            figures["thresh"] = float(match.group(2))
    if figures["I"] < -70 or figures["TP"] == float("-inf"):
        return None
    return figures


def needs_limiting(loud: dict[str, float] | None) -> bool:
    """True when the gain to LOUDNESS_TARGET would push the true peak past TRUE_PEAK."""
    return loud is not None and loud["TP"] + LOUDNESS_TARGET - loud["I"] > TRUE_PEAK


def _loudness_range(loud: dict[str, float]) -> float:
    return min(50.0, max(LOUDNESS_RANGE, loud["LRA"] + 1))


def _loudnorm(loud: dict[str, float], **extra: str) -> str:
    options = ":".join(f"{key}={value}" for key, value in extra.items())
    return (f"loudnorm=I={LOUDNESS_TARGET}:TP={TRUE_PEAK}:LRA={_loudness_range(loud):.1f}:dual_mono=true"
            + (f":{options}" if options else ""))


def measure_loudnorm(job: Job, tmp: Path, loud: dict[str, float]) -> dict[str, float]:
    """loudnorm's own first pass (print_format=json), for sound whose peaks need limiting: its dynamic
    mode only lands on the target with the figures and the offset its own first pass reports."""
    graph = _audio_graph(job)
    graph.append(f"[acat]{_loudnorm(loud, print_format='json')}[m]")
    log = ffmpeg.run([*_audio_inputs(job), "-filter_complex", ";".join(graph), "-map", "[m]", "-f", "null", "-"],
                     cwd=tmp, background=True)
    try:
        report = json.loads(log[log.rindex("{"):log.rindex("}") + 1])
        return {"I": float(report["input_i"]), "TP": float(report["input_tp"]), "LRA": float(report["input_lra"]),
                "thresh": float(report["input_thresh"]), "offset": float(report["target_offset"])}
    except (ValueError, KeyError):
        return loud  # no report (never seen): the ebur128 figures, without the offset


def normalise_filter(loud: dict[str, float] | None) -> str:
    """Pass 2: the gain to LOUDNESS_TARGET. loudnorm's linear mode is one constant gain, so when the
    measured true peak leaves room for it, that gain is applied with `volume` (the same result, without
    loudnorm's 192 kHz resampling); otherwise loudnorm itself with the measured values (and the offset of
    its own first pass, when `loud` comes from measure_loudnorm), which limits the peaks (dynamic mode)."""
    if loud is None:
        return "anull"
    if not needs_limiting(loud):
        return f"volume={LOUDNESS_TARGET - loud['I']:.2f}dB"
    measured = {"measured_I": loud["I"], "measured_TP": loud["TP"], "measured_LRA": loud["LRA"],
                "measured_thresh": loud["thresh"]}
    if "offset" in loud:
        measured["offset"] = loud["offset"]
    return _loudnorm(loud, **measured, linear="true") + ",aresample=48000"


def encode_audio(job: Job, tmp: Path) -> Path:
    """Two-pass EBU R128 normalisation of the joined clips, silence under the cards, AAC: tmp/audio.m4a.

    Pass 1 measures with ebur128; when the peaks leave room for the gain (the usual case) pass 2 is that
    gain. Otherwise loudnorm's own two passes run (measure, then normalise with its figures and offset).
    First, each clip's sound is listened to: a stereo stream with a mic on one side only is made dual
    mono, and the streams a clip mixes are measured, to mix them at equal loudness."""
    edits = job.module.definition.edits
    for n, (path, start, duration) in enumerate(job.clips):
        job.sources[n] = resolve_sources(path, job.probes[path], edits[n].audio, start, duration, cwd=tmp)
        job.gains[n] = balance_gains(path, job.sources[n], start, duration, cwd=tmp)
    loud = measure_loudness(job, tmp)
    if needs_limiting(loud):
        loud = measure_loudnorm(job, tmp, loud)
    graph = _audio_graph(job)
    delay = round(CARD_SECONDS * 1000)
    graph.append(f"[acat]{normalise_filter(loud)},adelay=delays={delay}:all=1,apad=whole_dur={job.duration:.6f},"
                 f"atrim=duration={job.duration:.6f}[aout]")
    out = tmp / "audio.m4a"
    ffmpeg.run(["-y", *_audio_inputs(job), "-filter_complex", ";".join(graph), "-map", "[aout]",
                "-c:a", "aac", "-b:a", f"{job.plan.audio_kbps}k", "-ar", "48000", "-ac", str(job.audio_channels),
                str(out)], cwd=tmp,
               background=True)
    return out
