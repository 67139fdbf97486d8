"""The foundation: project files, validation messages, init, status, sample footage, exit codes."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.cli import cli
from packager.project import Project

REPO = Path(__file__).resolve().parent.parent


def run(project: Path, *args: str):
    return CliRunner().invoke(cli, ["-C", str(project), *args], catch_exceptions=False)


def tree(path: Path) -> set[str]:
    return {str(p.relative_to(path)) for p in path.rglob("*")}


@pytest.fixture
def new_project(tmp_path: Path) -> Path:
    project = tmp_path / "proj"
    result = CliRunner().invoke(cli, ["init", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return project


@pytest.fixture(scope="session")
def long_clip(tmp_path_factory) -> Path:
    """A real clip of 46 minutes (tiny, 1 frame a second, no sound: made in a second): `check` probes
    footage, so a placeholder file would be reported as not a video."""
    from packager.video.ffmpeg import ffmpeg_exe

    path = tmp_path_factory.mktemp("clip") / "module-1.mp4"
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
                    "color=c=gray:s=32x32:r=1:d=2760", "-c:v", "libx264", "-preset", "ultrafast", str(path)],
                   check=True)
    return path


@pytest.fixture
def real_project(new_project: Path, long_clip: Path) -> Path:
    """The init project turned into a real (non-sample) one whose footage file exists."""
    toml = new_project / "packager.toml"
    toml.write_text(toml.read_text().replace("enabled = true", "enabled = false"))
    (new_project / "footage").mkdir(exist_ok=True)
    shutil.copy(long_clip, new_project / "footage" / "module-1.mp4")
    module = new_project / "modules" / "01-module-1.toml"
    # A real project: 10 planned minutes of footage.
    module.write_text(module.read_text().replace('out = "00:00:20"', 'out = "00:10:00"'))
    return new_project


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, startswith: str) -> str:
    """"line N" of the first line of `path` starting with `startswith` (what a message must point at)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(startswith):
            return f"line {number}"
    raise AssertionError(f"{startswith!r} not in {path}")


def assert_clean_failure(result, *needles: str) -> str:
    """Exit 2, every needle in the message, no traceback."""
    output = result.output
    assert result.exit_code == 2, output
    assert "Traceback" not in output
    for needle in needles:
        assert needle in output, f"{needle!r} not in:\n{output}"
    return output


# ------------------------------------------------------------------------------------------ init, check


def test_init_project_checks_clean(new_project: Path):
    result = run(new_project, "check")
    assert result.exit_code == 0, result.output
    assert "1 module OK" in result.output
    assert (new_project / ".gitignore").read_text().split() == ["dist/", ".packager/"]


def test_init_refuses_existing_project(new_project: Path):
    before = {p: p.read_bytes() for p in new_project.rglob("*") if p.is_file()}
    result = CliRunner().invoke(cli, ["init", str(new_project)])
    assert_clean_failure(result, "a project already exists")
    assert {p: p.read_bytes() for p in new_project.rglob("*") if p.is_file()} == before


def test_unknown_key_suggests_the_right_one(real_project: Path):
    module = real_project / "modules" / "01-module-1.toml"
    edit(module, "title_es =", "titel_es =")
    before = tree(real_project)
    output = assert_clean_failure(run(real_project, "check"), "modules/01-module-1.toml", "unknown key 'titel_es'",
                                  "did you mean 'title_es'?", line_of(module, "titel_es"))
    # One mistake, one message: the required key the typo stands for is not reported missing as well.
    assert "required key 'title_es' is missing" not in output and "check: 1 error(s)" in output
    assert tree(real_project) == before, "check must write nothing"


def test_unknown_key_in_nested_table(real_project: Path):
    module = real_project / "modules" / "01-module-1.toml"
    edit(module, "role_es =", "rol_es =")
    assert_clean_failure(run(real_project, "check"), "field speakers[0].rol_es", "did you mean 'role_es'?",
                         f"{line_of(module, 'rol_es')}, field speakers[0].rol_es")


def test_wrong_type_names_field_and_line(real_project: Path):
    toml = real_project / "packager.toml"
    edit(toml, "frame_rate = 25", 'frame_rate = "fast"')
    assert_clean_failure(run(real_project, "check"), "packager.toml",
                         f"{line_of(toml, 'frame_rate')}, field programme.frame_rate")


def test_bad_timecode_names_field(real_project: Path):
    edit(real_project / "modules" / "01-module-1.toml", 'start = "00:00:00"', 'start = "0:0:99"')
    assert_clean_failure(run(real_project, "check"), "field sections[0].start", "minutes or seconds of 60 or more")


def test_missing_footage(real_project: Path):
    (real_project / "footage" / "module-1.mp4").unlink()
    assert_clean_failure(run(real_project, "check"), "modules/01-module-1.toml", "field edits[0].source",
                         "footage file not found: footage/module-1.mp4")


def test_missing_footage_is_fine_for_a_sample(new_project: Path):
    # The init project is a sample: footage is generated on demand, so check does not fail.
    assert run(new_project, "check").exit_code == 0


def test_module_of_45_minutes(real_project: Path):
    edit(real_project / "modules" / "01-module-1.toml", 'out = "00:10:00"', 'out = "00:45:00"')
    assert_clean_failure(run(real_project, "check"), "modules/01-module-1.toml", "field edits",
                         "the edit list runs 45.0 min, outside the planned 10 min")


def test_sections_out_of_order(real_project: Path):
    module = real_project / "modules" / "01-module-1.toml"
    module.write_text(module.read_text() + (
        '\n[[sections]]\ntheme = "deux"\ntitle_fr = "Deux"\ntitle_es = "Dos"\nstart = "00:05:00"\n'
        '\n[[sections]]\ntheme = "trois"\ntitle_fr = "Trois"\ntitle_es = "Tres"\nstart = "00:02:00"\n'))
    output = assert_clean_failure(run(real_project, "check"), "field sections[2].start",
                                  "section 'trois' starts at 00:02:00.000, before the previous section 'deux'")
    line = int(re.search(r"line (\d+), field sections\[2\]\.start", output).group(1))
    assert module.read_text().splitlines()[line - 1].startswith("start = \"00:02:00\"")


def test_edit_point_running_backwards(real_project: Path):
    module = real_project / "modules" / "01-module-1.toml"
    edit(module, 'in = "00:00:00"', 'in = "00:11:00"')
    assert_clean_failure(run(real_project, "check"), "field edits[0].out", "edit point runs backwards")


def test_malformed_toml(real_project: Path):
    module = real_project / "modules" / "01-module-1.toml"
    edit(module, 'kind = "interview"', 'kind = "interview')
    assert_clean_failure(run(real_project, "check"), "modules/01-module-1.toml", "malformed TOML",
                         line_of(module, "kind ="))


def test_not_a_project(tmp_path: Path):
    assert_clean_failure(run(tmp_path, "check"), "no packager.toml here", "packager init")


def test_one_run_reports_every_module(real_project: Path):
    """A schema error in one module does not hide the other modules' problems."""
    first = real_project / "modules" / "01-module-1.toml"
    second = real_project / "modules" / "02-module-2.toml"
    second.write_text(first.read_text().replace('id = "module-1"', 'id = "module-2"').replace("order = 1", "order = 2"),
                      encoding="utf-8")
    edit(first, 'kind = "interview"', 'kind = "intervew"')
    edit(second, 'subtitles = "subtitles/fr/module-1.srt"', 'subtitles = "subtitles/fr/absent.srt"')
    output = assert_clean_failure(run(real_project, "check"), "modules/01-module-1.toml", line_of(first, "kind ="),
                                  "'intervew' is not one of: enterprise, interview, roundtable",
                                  "did you mean 'interview'?",
                                  "modules/02-module-2.toml", "transcript not found: subtitles/fr/absent.srt")
    assert "check: 2 error(s)" in output


def test_check_reads_the_subtitles_questions_and_glossary(real_project: Path):
    srt = real_project / "subtitles" / "fr" / "module-1.srt"
    srt.write_text(srt.read_text(encoding="utf-8").replace(" --> ", " -> ", 1), encoding="utf-8")
    (real_project / "workbooks" / "fr" / "questions" / "module-1.toml").write_text(
        '[[question]]\nsection = "presentation"\ntext = "Pourquoi ?"\nzz =\n', encoding="utf-8")
    (real_project / "glossary.toml").write_text("[[term]]\nfr = \"CLE\"\n[[[\n", encoding="utf-8")
    assert_clean_failure(run(real_project, "check"), "subtitles/fr/module-1.srt", "line 2: malformed timing line",
                         "workbooks/fr/questions/module-1.toml, line 4", "glossary.toml, line 3", "malformed TOML")


def test_empty_transcript_is_an_error(real_project: Path):
    (real_project / "subtitles" / "fr" / "module-1.srt").write_text("", encoding="utf-8")
    assert_clean_failure(run(real_project, "check"), "subtitles/fr/module-1.srt", "the transcript has no cues")


def test_times_may_be_quoted_seconds_and_bad_ones_say_how(real_project: Path):
    module = real_project / "modules" / "01-module-1.toml"
    edit(module, 'out = "00:10:00"', 'out = "600.0"')
    assert run(real_project, "check").exit_code == 0
    edit(module, 'out = "600.0"', 'out = "00:1e:00"')
    output = assert_clean_failure(run(real_project, "check"), "field edits[0].out", "'00:1e:00' is not a timecode",
                                  "or a number of seconds")
    assert "Value error" not in output and "(got" not in output


def test_project_folder_named_in_full(tmp_path: Path):
    missing = tmp_path / "nowhere"
    assert_clean_failure(run(missing, "check"), f"{missing}: no such folder", "-C/--project")
    assert_clean_failure(run(tmp_path, "check"), f"{tmp_path}: no packager.toml here")


def test_project3_plan_requires_nine_modules(real_project: Path):
    edit(real_project / "packager.toml", 'plan = "free"', 'plan = "project3"')
    assert_clean_failure(run(real_project, "check"), "not Project 3's nine", "found 0 enterprise, 1 interview")


def test_missing_transcript(real_project: Path):
    (real_project / "subtitles" / "fr" / "module-1.srt").unlink()
    assert_clean_failure(run(real_project, "check"), "field subtitles", "transcript not found")


def test_internal_error_is_one_line_and_exit_3(real_project: Path, monkeypatch):
    def boom(self):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr("packager.validate.check_project", lambda project, **kw: boom(project))
    monkeypatch.setattr("packager.commands.check.check_project", lambda project, **kw: boom(project))
    result = CliRunner().invoke(cli, ["-C", str(real_project), "check"])
    assert result.exit_code == 3
    assert "internal error: RuntimeError: simulated bug" in result.output
    assert "Traceback" not in result.output
    verbose = CliRunner().invoke(cli, ["-C", str(real_project), "--verbose", "check"])
    assert verbose.exit_code == 3 and "Traceback" in verbose.output


def test_language_pair_is_data(new_project: Path):
    """A partner's Spanish video with French subtitles is the same tool: swap the pair, nothing else."""
    edit(new_project / "packager.toml", 'source_language = "fr"', 'source_language = "es"')
    edit(new_project / "packager.toml", 'target_language = "es"', 'target_language = "fr"')
    module = new_project / "modules" / "01-module-1.toml"
    edit(module, 'subtitles = "subtitles/fr/', 'subtitles = "subtitles/es/')
    edit(module, 'questions = "workbooks/fr/', 'questions = "workbooks/es/')
    (new_project / "subtitles" / "es").mkdir(exist_ok=True)
    (new_project / "workbooks" / "es" / "questions").mkdir(parents=True, exist_ok=True)
    (new_project / "subtitles" / "fr" / "module-1.srt").rename(new_project / "subtitles" / "es" / "module-1.srt")
    (new_project / "workbooks" / "fr" / "questions" / "module-1.toml").rename(
        new_project / "workbooks" / "es" / "questions" / "module-1.toml")
    assert run(new_project, "check").exit_code == 0
    status = run(new_project, "status")
    assert status.exit_code == 0 and "ES cues" in status.output and "FR approved" in status.output
    missing = run(new_project, "check").output
    assert "no fr subtitles yet (subtitles/fr/module-1.srt)" in missing


# ------------------------------------------------------------------------------------------ the sample


@pytest.fixture(scope="module")
def sample_copy(tmp_path_factory) -> Path:
    """A copy of the repository's own project (Project 3's sample), without built outputs."""
    target = tmp_path_factory.mktemp("sample") / "project3"
    target.mkdir()
    for name in ("packager.toml", "glossary.toml"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, target / name)
    for name in ("modules", "subtitles", "workbooks"):
        shutil.copytree(REPO / name, target / name)
    return target


def test_sample_checks_with_the_runtime_warning(sample_copy: Path):
    result = run(sample_copy, "check")
    assert result.exit_code == 0, result.output
    assert "9 modules OK" in result.output
    # The seed's own minimums (6×15 + 10 + 10 + 20) exceed the announced 120 minutes: reported, not hidden.
    assert "planned minimums add up to 130 min, over the target runtime of 120 min" in result.output


def test_sample_is_project3(sample_copy: Path):
    project = Project.load(sample_copy)
    kinds = [m.kind for m in project.modules]
    assert kinds == ["enterprise"] * 6 + ["interview"] * 2 + ["roundtable"]
    for module in project.modules:
        assert "exemple" in module.title("fr").lower() or module.kind != "enterprise"
        assert 8 <= len(module.definition.sections) or module.kind != "enterprise"


ENTERPRISE_THEMES = ["histoire", "objectifs", "realisations", "financement", "performance", "lien-social-emploi",
                     "entreprise-privee", "systeme-formation", "insertion-citoyennete"]


def test_sample_content_is_complete_and_approved(sample_copy: Path):
    """Issue 2's sample: 8–15 French cues per module, their Spanish cue for cue (a human translation,
    approved), 3–6 questions in both languages, the nine comparable themes for each enterprise."""
    import tomllib

    from packager.review.states import state_counts
    from packager.subtitles.cues import read_srt

    project = Project.load(sample_copy)
    for module in project.modules:
        french, spanish = read_srt(module.subtitle_path("fr")), read_srt(module.subtitle_path("es"))
        assert 8 <= len(french) <= 15, module.id
        assert [(c.start, c.end) for c in spanish] == [(c.start, c.end) for c in french], module.id
        assert "exemple" in french[0].text.lower(), f"{module.id}: the transcript says it is an example"
        assert state_counts(project, module)["approved"] == len(spanish), module.id
        questions = {lang: tomllib.loads(module.questions_path(lang).read_text("utf-8"))["question"]
                     for lang in ("fr", "es")}
        assert 3 <= len(questions["fr"]) <= 6 and len(questions["es"]) == len(questions["fr"]), module.id
        themes = [s.theme for s in module.definition.sections]
        assert all(q["section"] in themes for q in questions["fr"]), f"{module.id}: questions follow the outline"
        if module.kind == "enterprise":
            assert themes == ENTERPRISE_THEMES, module.id
    qa = run(sample_copy, "qa", "--strict")
    assert qa.exit_code == 0, qa.output


def test_status_shows_nine_modules(sample_copy: Path):
    result = run(sample_copy, "status")
    assert result.exit_code == 0, result.output
    project = Project.load(sample_copy)
    for module in project.modules:
        assert module.id in result.output
    assert "FR cues" in result.output and "ES approved" in result.output
    # The sample's Spanish is a human translation, approved: every cue and every workbook text.
    assert re.search(r"workbook texts, ES approved: (\d+)/\1 \(100%\)", result.output), result.output


# ------------------------------------------------------------------------------------------ footage


def _probe(path: Path) -> str:
    import imageio_ffmpeg

    return subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                          capture_output=True, text=True).stderr


def test_build_generates_sample_footage_once(new_project: Path):
    result = run(new_project, "build")
    assert result.exit_code == 0, result.output
    clip = new_project / ".packager" / "sample-footage" / "footage" / "module-1.mp4"
    info = _probe(clip)
    assert "Video: h264" in info and "Audio: aac" in info and "1280x720" in info
    seconds = re.search(r"Duration: (\d+):(\d+):([\d.]+)", info).groups()
    assert 20.5 <= float(seconds[2]) + 60 * int(seconds[1]) <= 21.5  # the out point (20 s) plus a second
    assert not list(clip.parent.glob(".*part*")), "no temporary file left behind"
    mtime = clip.stat().st_mtime_ns
    again = run(new_project, "build")
    assert again.exit_code == 0 and clip.stat().st_mtime_ns == mtime  # nothing redone
    assert "footage file not found" not in run(new_project, "check").output


def test_footage_refuses_a_real_project(real_project: Path):
    assert_clean_failure(run(real_project, "footage"), "not a sample")


def test_console_script_and_module_entry_points(new_project: Path):
    by_module = subprocess.run([sys.executable, "-m", "packager", "-C", str(new_project), "check"],
                               capture_output=True, text=True)
    assert by_module.returncode == 0, by_module.stderr
    help_text = subprocess.run([sys.executable, "-m", "packager", "--help"], capture_output=True, text=True).stdout
    for verb in ("init", "check", "status", "build"):
        assert verb in help_text
