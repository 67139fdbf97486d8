"""What a footage file holds, as data: read with PyAV (FFmpeg's own libraries), not from ffmpeg's log.

`probe_footage(path)` returns a FootageProbe: the container's streams; the picture's stored size,
sample aspect ratio (non-square pixels: DV, HDV, anamorphic exports), field order (interlaced camera
footage), rotation and flip (a phone's display matrix), frame rate and whether it varies; every audio
stream with its channels, layout and sample rate; the duration the packets actually cover (not what the
header claims) and the damage found on the way.

Every packet is read once without decoding (a 2-hour file takes a second or two): that is what finds a
truncated file, whose header still announces the full length. Only the first picture is decoded (the
display matrix rides on it), and when the stream does not say its field order, `idet` looks at a
short sample. The result is cached by the file's size and mtime in .packager/probe-cache/.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import struct
import subprocess
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

from ..atomic import write_text
from ..errors import PackagerError

PROBE_VERSION = 4  # bump when what a probe records changes (invalidates the cache)

# AVColorSpace → the name ffmpeg's scale filter takes for that matrix (2: unspecified)
_MATRICES = {1: "bt709", 4: "fcc", 5: "bt601", 6: "bt601", 7: "smpte240m", 9: "bt2020", 10: "bt2020"}
# AVColorTransferCharacteristic of HDR video: 16 SMPTE ST 2084 (PQ), 18 ARIB STD-B67 (HLG)
_TRANSFERS = {16: "pq", 18: "hlg"}
# AVFieldOrder: 0 unknown, 1 progressive, 2 TT, 3 BB, 4 TB (top coded first, bottom shown first), 5 BT
_FIELD_ORDER = {1: "progressive", 2: "tff", 3: "bff", 4: "bff", 5: "tff"}
_IDET_SAMPLE_FRAMES = 120


@dataclass(frozen=True)
class VideoShape:
    codec: str
    width: int  # stored pixels
    height: int
    pix_fmt: str
    sar: tuple[int, int]  # sample (pixel) aspect ratio; (1, 1) square
    scan: str  # "progressive", "tff" or "bff" (interlaced, top or bottom field first)
    scan_source: str  # "stream" (the codec says so) or "idet" (measured on a sample: the stream did not say)
    rotation: int  # degrees (counter-clockwise) the display matrix turns the picture: 0, 90, 180, 270
    flipped: bool  # the display matrix mirrors the picture
    fps: tuple[int, int] | None  # average frame rate
    variable_rate: bool  # frame durations vary (phones)
    matrix: str = "unknown"  # the YCbCr matrix the stream says it uses: bt709, bt601, bt2020, … or unknown
    full_range: bool = False  # 0-255 luma (phones, JPEG-style), not the video range 16-235
    transfer: str = "sdr"  # "pq" or "hlg": HDR (phones record HLG by default), tone-mapped to SDR

    @property
    def sample_aspect(self) -> Fraction:
        num, den = self.sar
        return Fraction(num, den) if num > 0 and den > 0 else Fraction(1)

    @property
    def display_size(self) -> tuple[float, float]:
        """Width and height as the picture is meant to be seen: pixels stretched by the SAR, then turned."""
        width, height = self.width * float(self.sample_aspect), float(self.height)
        return (height, width) if self.rotation in (90, 270) else (width, height)

    @property
    def display_aspect(self) -> Fraction:
        width, height = self.display_size
        return Fraction(width / height).limit_denominator(100)

    @property
    def interlaced(self) -> bool:
        return self.scan in ("tff", "bff")

    @property
    def frame_rate(self) -> float | None:
        return self.fps[0] / self.fps[1] if self.fps and self.fps[1] else None


@dataclass(frozen=True)
class AudioShape:
    number: int  # 1-based among the file's audio streams (what an edit's `audio` list names)
    codec: str
    channels: int
    layout: str
    sample_rate: int

    @property
    def layout_name(self) -> str:
        """The layout, or what the channel count implies when the file does not name one ("2 channels")."""
        if self.layout and not self.layout[0].isdigit():
            return self.layout
        return {1: "mono", 2: "stereo"}.get(self.channels, f"{self.channels} channels")


@dataclass(frozen=True)
class FootageProbe:
    path: Path
    size: int
    mtime_ns: int
    container: str
    duration: float  # seconds the packets cover
    header_duration: float | None  # what the container announces
    video: VideoShape | None
    audio: tuple[AudioShape, ...] = ()
    problems: tuple[str, ...] = ()  # damage found while reading the packets

    # The names render and the review proxy used with the former log-reading probe.
    @property
    def has_video(self) -> bool:
        return self.video is not None

    @property
    def has_audio(self) -> bool:
        return bool(self.audio)

    @property
    def width(self) -> int | None:
        return self.video.width if self.video else None

    @property
    def height(self) -> int | None:
        return self.video.height if self.video else None

    @property
    def fps(self) -> float | None:
        return self.video.frame_rate if self.video else None

    @property
    def truncated(self) -> bool:
        if self.problems:
            return True
        return self.header_duration is not None and self.duration < self.header_duration - 0.5

    def describe(self) -> str:
        """One line a producer reads: "720×576 · 16:9 (SAR 64:45) · interlaced TFF · 25 fps · 2 audio: …"."""
        parts = []
        v = self.video
        if v is None:
            parts.append("no picture")
        else:
            aspect = v.display_aspect
            text = f"{v.width}×{v.height} {v.codec} · {aspect.numerator}:{aspect.denominator}"
            if v.sar[0] != v.sar[1] and v.sar[0] > 0:
                text += f" (SAR {v.sar[0]}:{v.sar[1]})"
            parts.append(text)
            if v.rotation or v.flipped:
                parts.append(f"turned {v.rotation}°" + (" and mirrored" if v.flipped else ""))
            scan = {"progressive": "progressive", "tff": "interlaced TFF", "bff": "interlaced BFF"}[v.scan]
            parts.append(scan + (" (measured)" if v.scan_source == "idet" and v.interlaced else ""))
            rate = v.frame_rate
            if rate:
                parts.append(f"{'variable, about ' if v.variable_rate else ''}{rate:.3f}".rstrip("0").rstrip(".")
                             + " fps")
        if self.audio:
            kinds = ", ".join(f"{a.layout_name} {a.sample_rate / 1000:g} kHz" for a in self.audio)
            parts.append(f"{len(self.audio)} audio: {kinds}")
        else:
            parts.append("no sound")
        parts.append(f"{self.duration:.1f} s")
        return " · ".join(parts)


# ---------------------------------------------------------------------------------------------- probing


def probe_footage(path: Path, cache_dir: Path | None = None, *, store: bool = True) -> FootageProbe:
    """Probe `path` (cached under `cache_dir`/probe-cache when given; `store=False` reads the cache but
    does not add to it). Raises PackagerError when the file is missing or is not media FFmpeg can read
    (its message says why)."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        raise PackagerError("footage file not found", path=path) from None
    if not path.is_file():
        raise PackagerError("not a file", path=path)
    cache = _cache_path(cache_dir, path) if cache_dir is not None else None
    if cache is not None:
        cached = _read_cache(cache, path, st.st_size, st.st_mtime_ns)
        if cached is not None:
            return cached
    probe = _probe(path, st.st_size, st.st_mtime_ns)
    if cache is not None and store:
        with contextlib.suppress(OSError):
            write_text(cache, json.dumps({"version": PROBE_VERSION, **_to_json(probe)}) + "\n")
    return probe


def _probe(path: Path, size: int, mtime_ns: int) -> FootageProbe:
    import av  # FFmpeg's libraries; imported here so commands that never probe do not pay for it

    av.logging.set_level(av.logging.PANIC)  # damage is reported by what is read, not by FFmpeg's log
    try:
        container = av.open(str(path))
    except av.error.FFmpegError as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        if _starts_like_mp4(path):
            raise PackagerError(f"truncated or damaged: an MP4/MOV whose index (moov) cannot be read ({reason})",
                                path=path) from None
        raise PackagerError(f"not a video FFmpeg can read ({reason})", path=path) from None
    with container:
        video_stream = container.streams.video[0] if container.streams.video else None
        audio_streams = list(container.streams.audio)
        header = container.duration / 1_000_000 if container.duration else None
        audio = tuple(AudioShape(number=n, codec=s.codec_context.name, channels=s.codec_context.channels,
                                 layout=s.codec_context.layout.name, sample_rate=s.codec_context.sample_rate)
                      for n, s in enumerate(audio_streams, start=1))
        video = None
        rotation, flipped = 0, False
        first_interlaced = False
        if video_stream is not None:
            with contextlib.suppress(av.error.FFmpegError, StopIteration), av.open(str(path)) as first:
                frame = next(first.decode(video=0))
                rotation, flipped = _orientation(frame)
                first_interlaced = frame.interlaced_frame
        # Every packet, not decoded: the duration they cover, frame timing, damage.
        problems: list[str] = []
        end = 0.0
        start: float | None = None
        video_pts: list[int] = []
        # Each stream's time base as a float, once: a Fraction per packet cost a second on a 15-minute
        # clip, on the way to the render's first encode.
        streams = [video_stream, *audio_streams] if video_stream is not None else audio_streams
        bases = {s.index: float(s.time_base) for s in streams if s.time_base}
        video_index = video_stream.index if video_stream is not None else None
        try:
            for packet in container.demux(*streams):
                pts, base = packet.pts, bases.get(packet.stream_index)
                if pts is None or base is None:
                    continue
                if packet.is_corrupt and "corrupt packet" not in problems:
                    problems.append("corrupt packet")
                t0 = pts * base
                if start is None or t0 < start:
                    start = t0
                last = (pts + (packet.duration or 0)) * base
                if last > end:
                    end = last
                if packet.stream_index == video_index:
                    video_pts.append(pts)
        except av.error.FFmpegError as exc:
            problems.append(f"unreadable data after {end:.1f} s ({getattr(exc, 'strerror', None) or exc})")
        duration = max(0.0, end - (start or 0.0))
        if video_stream is not None:
            cc = video_stream.codec_context
            sar = video_stream.sample_aspect_ratio or cc.sample_aspect_ratio
            # the stream's nominal rate (raw DV's average rate is its time base: 60000 fps)
            rate = video_stream.guessed_rate or video_stream.average_rate or video_stream.base_rate
            scan = _FIELD_ORDER.get(cc.field_order or 0)
            scan_source = "stream"
            if scan is None:
                scan, scan_source = _idet(path, header or duration), "idet"
            elif scan == "progressive" and first_interlaced:
                scan, scan_source = _idet(path, header or duration), "idet"
            video = VideoShape(codec=cc.name, width=cc.width, height=cc.height, pix_fmt=cc.format.name if cc.format
                               else "", sar=(sar.numerator, sar.denominator) if sar else (1, 1), scan=scan,
                               scan_source=scan_source, rotation=rotation, flipped=flipped,
                               fps=(rate.numerator, rate.denominator) if rate else None,
                               variable_rate=_varies(video_pts, video_stream.time_base, rate),
                               matrix=_MATRICES.get(int(cc.colorspace or 2), "unknown"),
                               full_range=int(cc.color_range or 0) == 2 or (cc.format is not None
                                                                           and cc.format.name.startswith("yuvj")),
                               transfer=_TRANSFERS.get(int(cc.color_trc or 2), "sdr"))
    return FootageProbe(path=path, size=size, mtime_ns=mtime_ns, container=container.format.name,
                        duration=round(duration, 6), header_duration=header, video=video, audio=audio,
                        problems=tuple(problems))


def _starts_like_mp4(path: Path) -> bool:
    """An ISO media file (MP4, MOV) begins with an ftyp, wide, free or mdat box: the camera's or the
    copy's file is cut short, it is not another kind of file."""
    try:
        with path.open("rb") as f:
            head = f.read(12)
    except OSError:
        return False
    return head[4:8] in (b"ftyp", b"wide", b"free", b"mdat", b"moov")


def _orientation(frame) -> tuple[int, bool]:
    """The display matrix on the first picture: rotation (0/90/180/270, as ffmpeg turns it) and mirroring."""
    rotation = round(getattr(frame, "rotation", 0) or 0) % 360
    flipped = False
    for side in frame.side_data.keys() if hasattr(frame.side_data, "keys") else ():
        if "DISPLAYMATRIX" in str(side.type):
            m = struct.unpack("<9i", bytes(side)[:36])
            flipped = m[0] * m[4] - m[1] * m[3] < 0
    return rotation, flipped


def _varies(pts: list[int], time_base, rate) -> bool:
    """Frame durations that differ by more than 10 % from the median: variable frame rate."""
    if len(pts) < 3:
        return False
    ordered = sorted(set(pts))
    steps = sorted(b - a for a, b in zip(ordered, ordered[1:]))
    if not steps:
        return False
    median = steps[len(steps) // 2]
    if median <= 0:
        return False
    off = sum(1 for s in steps if abs(s - median) > 0.1 * median)
    return off > max(2, len(steps) // 50)


_IDET = re.compile(r"Multi frame detection:\s*TFF:\s*(\d+)\s*BFF:\s*(\d+)\s*Progressive:\s*(\d+)")


def _idet(path: Path, duration: float) -> str:
    """The scan of footage whose stream does not say: ffmpeg's idet filter on a short sample from the middle."""
    from .ffmpeg import ffmpeg_exe

    start = max(0.0, duration / 2 - 2)
    result = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-ss", f"{start:.3f}", "-i", str(path),
                             "-an", "-sn", "-vf", "idet", "-frames:v", str(_IDET_SAMPLE_FRAMES), "-f", "null", "-"],
                            capture_output=True, text=True, errors="replace")
    found = _IDET.findall(result.stderr)
    if not found:
        return "progressive"
    tff, bff, progressive = map(int, found[-1])  # the last report is the one that saw the frames
    if max(tff, bff) <= progressive:
        return "progressive"
    return "tff" if tff >= bff else "bff"


# ---------------------------------------------------------------------------------------------- cache


def _cache_path(cache_dir: Path, path: Path) -> Path:
    name = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:24]
    return cache_dir / "probe-cache" / f"{name}.json"


def _to_json(probe: FootageProbe) -> dict:
    data = asdict(probe)
    data["path"] = str(probe.path)
    return data


def _read_cache(cache: Path, path: Path, size: int, mtime_ns: int) -> FootageProbe | None:
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data.pop("version") != PROBE_VERSION or data["size"] != size or data["mtime_ns"] != mtime_ns:
            return None
        video = data.pop("video")
        if video is not None:
            video = VideoShape(**{**video, "sar": tuple(video["sar"]),
                                  "fps": tuple(video["fps"]) if video["fps"] else None})
        audio = tuple(AudioShape(**a) for a in data.pop("audio"))
        return FootageProbe(**{**data, "path": path, "video": video, "audio": audio,
                               "problems": tuple(data["problems"])})
    except (OSError, ValueError, KeyError, TypeError):
        return None


__all__ = ["AudioShape", "FootageProbe", "VideoShape", "probe_footage"]
