"""The footage of every edit, probed and judged: what `packager check` reports and `render` refuses.

Errors (render cannot make the module): unreadable or not a video, truncated, no picture, an out point
past the end of the clip, an audio choice naming a stream the clip does not have. Warnings say what
render will do about a shape that is not the project's own (non-square pixels, interlacing, rotation,
another or a variable frame rate, several audio streams, 5.1, no sound), so the producer sees it first.
Missing files and backwards edit points are `validate`'s (they need no probe).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from ..config import AUDIO_MIX, Edit, parse_audio_pick
from ..errors import PackagerError
from ..project import Module, Project
from ..timecode import format_timecode
from .probe import FootageProbe, probe_footage

Finding = tuple[str, PackagerError]  # ("error" | "warning", the message with its file, line and field)


def probe_edit(module: Module, index: int, edit: Edit,
               probes: dict[Path, FootageProbe] | None = None) -> tuple[FootageProbe | None, list[Finding]]:
    """Probe one edit's clip (once per file, through `probes`) and judge it. The probe is None when the
    file cannot be read (then the findings say why) or is missing (validate reports that)."""
    path = module.footage_path(edit)
    source = module.where("edits", index, "source")
    clip = f"footage file {edit.source}"
    if not path.is_file():
        return None, []
    probes = {} if probes is None else probes
    probe = probes.get(path)
    if probe is None:
        try:
            probe = probes[path] = probe_footage(path, module.project.cache_dir)
        except PackagerError as exc:
            return None, [("error", PackagerError(f"cannot read {clip}: {exc.message}", path=module.path,
                                                  where=source, hint="export the clip again (H.264/AAC MP4 or MOV)"))]
    out: list[Finding] = []

    def error(message: str, field: str, hint: str) -> None:
        out.append(("error", PackagerError(message, path=module.path, where=module.where("edits", index, field),
                                           hint=hint)))

    def warning(message: str) -> None:
        out.append(("warning", PackagerError(f"{clip}: {message}", path=module.path, where=source)))

    if probe.truncated:
        claimed = f" of the {probe.header_duration:.1f} s its header announces" if probe.header_duration else ""
        error(f"{clip} is truncated or damaged ({', '.join(probe.problems) or 'packets missing'}): "
              f"only {probe.duration:.1f} s can be read{claimed}", "source", "copy or export the clip again")
    video = probe.video
    if video is None:
        error(f"{clip} has no video stream ({'sound only' if probe.audio else 'no picture and no sound'})",
              "source", "export the clip again with its picture")
    frame = 1 / (probe.fps or 25)
    if edit.out > probe.duration + frame + 0.02:
        error(f"out point {format_timecode(edit.out, millis=True)} is past the end of {clip} "
              f"({format_timecode(probe.duration, millis=True)} long)", "out",
              "move the out point inside the clip, or use the complete clip")
    if edit.audio != AUDIO_MIX:
        for text in edit.audio:
            number, channel = parse_audio_pick(text)
            stream = next((a for a in probe.audio if a.number == number), None)
            if stream is None:
                error(f"audio {text!r}: {clip} has {len(probe.audio) or 'no'} audio stream"
                      f"{'' if len(probe.audio) == 1 else 's'}", "audio",
                      f"choose among streams 1 to {len(probe.audio)}" if probe.audio else "remove the audio list")
            elif channel == "right" and stream.channels < 2:
                error(f"audio {text!r}: stream {number} of {clip} is mono (it has no right channel)", "audio",
                      f"write \"{number}\" for the whole stream")
    if any(severity == "error" for severity, _ in out) or video is None:
        return probe, out
    project_fps = Fraction(module.project.config.programme.frame_rate).limit_denominator(1001)
    if video.sar[0] != video.sar[1] and video.sar[0] > 0:
        aspect = video.display_aspect
        warning(f"non-square pixels (SAR {video.sar[0]}:{video.sar[1]}): shown at its display aspect "
                f"{aspect.numerator}:{aspect.denominator}")
    if video.rotation or video.flipped:
        warning(f"the camera marked it turned {video.rotation}°{' and mirrored' if video.flipped else ''}: "
                f"shown upright")
    if video.interlaced:
        how = "the stream says so" if video.scan_source == "stream" else "measured: the stream does not say"
        warning(f"interlaced, {video.scan.upper()} ({how}): deinterlaced (bwdif)")
    rate = video.frame_rate
    if video.variable_rate:
        warning(f"variable frame rate (about {rate:.3f} fps): converted to {float(project_fps):g} fps by timestamps")
    elif rate and abs(rate - float(project_fps)) > 0.001:
        warning(f"{rate:.3f} fps: converted to the project's {float(project_fps):g} fps".replace(".000 fps", " fps"))
    if edit.audio == AUDIO_MIX:
        if not probe.audio:
            warning("no sound: the edit is silent (B-roll)")
        elif len(probe.audio) > 1:
            warning(f"{len(probe.audio)} audio streams: all heard, mixed at equal loudness "
                    f"(choose with `audio = [\"1\", \"2\"]` in the edit)")
    if any(a.channels > 2 for a in probe.audio):
        warning("surround sound: downmixed to stereo (standard matrix)")
    return probe, out


def footage_findings(project: Project, module: Module) -> list[Finding]:
    """Every edit of a module, judged (what `packager check` adds for footage)."""
    probes: dict[Path, FootageProbe] = {}
    findings: list[Finding] = []
    for index, edit in enumerate(module.definition.edits):
        findings += probe_edit(module, index, edit, probes)[1]
    return findings


def footage_shapes(project: Project, *, store: bool = True) -> list[tuple[str, str]]:
    """Each footage file the edit lists name, once, with what packager understood of it (for `status`
    and `check -v`): (path relative to the project, description or why it cannot be read).
    `store=False`: the probes' cache is read, not written (`status` writes nothing)."""
    seen: dict[Path, str] = {}
    for module in project.modules:
        for edit in module.definition.edits:
            path = module.footage_path(edit)
            if path in seen:
                continue
            if not path.is_file():
                seen[path] = "not generated yet (sample footage)" if project.is_sample else "missing"
                continue
            try:
                seen[path] = probe_footage(path, project.cache_dir, store=store).describe()
            except PackagerError as exc:
                seen[path] = exc.message
    out = []
    for path, text in seen.items():
        try:
            name = str(path.relative_to(project.root))
        except ValueError:
            name = str(path)
        out.append((name, text))
    return out
