"""The kit's editor.html in a real headless Chromium, opened through file:// as a translator double-clicks
it: typing, counters, approval, localStorage across a reload, the saved return file imported back,
the JS QA counters against `packager qa`, axe-core and a 1366×768 screen.

Uses Debian's `chromium` driven by Playwright for Python, as tests/test_index_browser.py does.
axe-core is vendored in tests/vendor/axe-core (no network in CI).
"""

from __future__ import annotations

import json
import random
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from packager.config import SubtitleQAProfile
from packager.project import Project
from packager.review.states import StateFile, effective_state, text_hash
from packager.subtitles.cues import Cue, read_srt
from packager.subtitles.qa import check_track
from packager.subtitles.qa_fix import fix_track
from packager.subtitles.qa_measure import char_count, visible_lines
from review_support import drafted_project, run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt install chromium)")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
        "--autoplay-policy=no-user-gesture-required"]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

FR = [
    (1.0, 3.0, "Bonjour à tous."),
    (3.5, 6.0, "Nous formons des jeunes\nen cuisine."),
    (6.5, 9.0, "Le taux de placement est de 14,9 %."),
    (9.5, 12.5, "C'est une entreprise d'insertion."),
]
ES = ["Hola a todos.", "Formamos a jóvenes\nen cocina.", "La tasa de colocación es de 14,9 %.", "Es una empresa social."]
LONG = "Formamos a jóvenes en cocina y en todo lo que se puede imaginar hoy"  # 67 characters, 26.8 c/s


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    """A real kit (proxy video included) of a drafted project; the machine was unsure of cue 3."""
    root = tmp_path_factory.mktemp("editor") / "proj"
    drafted_project(root, FR, ES)
    (root / "glossary.toml").write_text('[[term]]\nfr = "entreprise d\'insertion"\nes = "empresa de inserción"\n',
                                        encoding="utf-8")
    sidecar = root / "subtitles/es/module-1.srt.states.json"
    states = json.loads(sidecar.read_text(encoding="utf-8"))
    states["units"]["3"]["confidence"] = 0.31
    states["units"]["1"]["confidence"] = 0.92
    sidecar.write_text(json.dumps(states), encoding="utf-8")
    out = root.parent / "kit.zip"
    run(root, "kit", "-o", str(out), "--preset", "ultrafast")
    with zipfile.ZipFile(out) as archive:
        archive.extractall(root.parent / "unzipped")
    (folder,) = list((root.parent / "unzipped").iterdir())
    return root, folder


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        ctx = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=ARGS, accept_downloads=True,
            viewport={"width": 1366, "height": 768})
        ctx.set_default_timeout(15_000)
        yield ctx
        ctx.close()


@pytest.fixture
def page(context, kit):
    _, folder = kit
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto((folder / "editor.html").as_uri())
    page.evaluate("() => { localStorage.clear(); }")
    page.reload()
    yield page
    assert not errors, errors
    # Nothing but the kit's own files is ever asked for: no CDN, no font, no script from elsewhere.
    assert requests and all(url.startswith(folder.as_uri() + "/") or url.startswith("blob:") for url in requests), requests
    page.close()


def row(page, n: int):
    return page.locator("tbody tr").nth(n - 1)


def states_now(root: Path) -> dict[int, tuple[str, str, str | None]]:
    """cue → (Spanish text, effective state, comment) as the project's files say now."""
    module = Project.load(root).module("module-1")
    source, target = read_srt(module.subtitle_path("fr")), read_srt(module.subtitle_path("es"))
    states = StateFile.load(module.subtitle_path("es"))
    out = {}
    for n, (s, t) in enumerate(zip(source, target), start=1):
        entry = states.units.get(str(n))
        out[n] = (t.text, effective_state(entry, s.text, t.text), entry.comment if entry else None)
    return out


def test_edit_approve_reload_save_and_import(page, kit, tmp_path: Path):
    root, folder = kit
    before = states_now(root)
    # The video and the current cue: cue 1 is drawn over the picture, highlighted in the list.
    assert page.locator("#video").get_attribute("src") == "01-module-1/01-module-1.proxy.mp4"
    page.wait_for_function("() => document.getElementById('video').readyState >= 1")
    assert page.locator("#ov-dst").inner_text() == "Hola a todos."
    assert "playing" in row(page, 1).get_attribute("class")
    # Type into cue 2: the counters follow every keystroke and turn to the over-limit colour.
    counter = row(page, 2).locator(".counter")
    assert counter.inner_text().startswith("18/42 · 10/42 — 2 líneas — 11,2 c/s") and "over" not in (row(page, 2).get_attribute("class") or "")
    area = row(page, 2).locator("textarea.t")
    area.fill("")
    area.type(LONG)
    assert counter.inner_text().startswith("67/42 ⚠") and "26,8 c/s (máx. 17) ⚠" in counter.inner_text()
    assert "over" in row(page, 2).get_attribute("class")
    colour = counter.locator(".over").first.evaluate("el => getComputedStyle(el).color")
    assert colour == "rgb(164, 0, 29)", colour
    # The same advice `packager qa --fix` gives, and the Spanish being typed drawn over the video.
    assert page.locator("#current-advice").inner_text().endswith("Formamos a jóvenes en cocina\ny en todo lo que se puede imaginar hoy")
    page.wait_for_function("t => document.getElementById('ov-dst').textContent === t", arg=LONG)
    # Keyboard only: Alt+↑ to cue 1, Ctrl+Enter approves it and moves on to cue 2.
    area.press("Alt+ArrowUp")
    assert page.evaluate("document.activeElement === document.querySelectorAll('textarea.t')[0]")
    page.keyboard.press("Control+Enter")
    assert row(page, 1).locator("button.ap").get_attribute("aria-pressed") == "true"
    assert row(page, 1).locator(".st").inner_text() == "aprobado"
    assert page.evaluate("document.activeElement === document.querySelectorAll('textarea.t')[1]")
    # Alt+P plays the current cue (cue 2, from 3.5 s) and stops at its end.
    page.keyboard.press("Alt+KeyP")
    page.wait_for_function("() => { const v = document.getElementById('video'); return !v.paused && v.currentTime > 3.6; }")
    page.wait_for_function("() => document.getElementById('video').paused", timeout=10_000)
    assert 5.9 <= page.evaluate("document.getElementById('video').currentTime") <= 6.3
    # Glossary: cue 4's French holds a term its Spanish lacks.
    page.keyboard.press("Alt+ArrowDown")
    page.keyboard.press("Alt+ArrowDown")
    assert "«entreprise d'insertion» → «empresa de inserción»" in page.locator("#terms").inner_text()
    assert page.locator("#terms .missing").count() == 1
    # A comment on cue 3 (Alt+C goes to it), then an undone slip on cue 4.
    page.keyboard.press("Alt+ArrowUp")
    page.keyboard.press("Alt+KeyC")
    page.keyboard.type("¿«colocación» o «inserción laboral»?")
    row(page, 4).locator("textarea.t").fill("Es una empresa de inserción.")
    assert page.locator("#terms .missing").count() == 0
    page.keyboard.press("Alt+ArrowUp")
    page.keyboard.press("Alt+ArrowDown")
    row(page, 4).locator("textarea.t").fill("Oops")
    page.keyboard.press("Alt+KeyZ")
    assert row(page, 4).locator("textarea.t").input_value() == "Es una empresa de inserción."
    # Filters: over limits shows cue 2 only; commented shows cue 3 only.
    page.select_option("#filter", "over")
    assert [r.is_visible() for r in page.locator("tbody tr").all()] == [False, True, False, False]
    page.select_option("#filter", "commented")
    assert [r.is_visible() for r in page.locator("tbody tr").all()] == [False, False, True, False]
    page.select_option("#filter", "all")
    # Least confident first: cue 3 (0.31) then cue 4 and 2 (no score: by number)… cue 1 (approved now,
    # its score 0.92) sorts by its score among the scored ones.
    page.select_option("#sort", "confidence")
    assert page.locator("tbody tr td.n").all_inner_texts() == ["3", "1", "2", "4"]
    page.select_option("#sort", "number")

    # Reload (a closed tab, a crash): everything is still there, and the page says so.
    page.reload()
    assert page.locator("#resume").is_visible() and "4 subtítulo(s)" in page.locator("#resume-text").inner_text()
    page.locator("#resume-keep").click()
    assert row(page, 2).locator("textarea.t").input_value() == LONG
    assert row(page, 1).locator("button.ap").get_attribute("aria-pressed") == "true"
    assert row(page, 3).locator("textarea.c").input_value() == "¿«colocación» o «inserción laboral»?"

    # Save my work: one file, the kit's identity inside.
    with page.expect_download() as info:
        page.locator("#save").click()
    download = info.value
    assert download.suggested_filename == "01-module-1.return.json"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    document = json.loads(saved.read_text(encoding="utf-8"))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert document["kit"] == manifest["kit"] and document["module"] == "module-1" and len(document["cues"]) == 4
    assert document["cues"][1]["source_hash"] == text_hash(FR[1][2])

    # `packager review import` of that file applies exactly those changes and nothing else.
    project_files = {p: p.read_bytes() for p in (root / "subtitles/fr").iterdir()}
    result = run(root, "review", "import", str(saved))
    assert "2 changed, 1 approved, 1 commented" in result.output, result.output
    after = states_now(root)
    assert after[1] == (ES[0], "approved", None)
    assert after[2] == (LONG, "edited", None)
    assert after[3] == (ES[2], "draft", "¿«colocación» o «inserción laboral»?")
    assert after[4] == ("Es una empresa de inserción.", "edited", None)
    assert before[1][1] == before[2][1] == "draft"
    assert {p: p.read_bytes() for p in (root / "subtitles/fr").iterdir()} == project_files
    # Imported again: nothing more changes.
    assert "0 changed, 0 approved, 0 commented" in run(root, "review", "import", str(saved)).output


def test_the_saved_file_inside_the_returned_kit(page, kit, tmp_path: Path):
    """The translator puts the saved file in the kit folder and zips it: the kit import takes it."""
    root, folder = kit
    row(page, 3).locator("textarea.t").fill("La tasa de inserción es del 14,9 %.")
    with page.expect_download() as info:
        page.locator("#save").click()
    returned = tmp_path / folder.name
    shutil.copytree(folder, returned)
    info.value.save_as(returned / "01-module-1.return (1).json")  # a second download, as Chromium names it
    (returned / "01-module-1/01-module-1.proxy.mp4").unlink()
    out = tmp_path / "returned.zip"
    with zipfile.ZipFile(out, "w") as archive:
        for file in sorted(returned.rglob("*")):
            archive.write(file, f"{returned.name}/{file.relative_to(returned).as_posix()}")
    result = run(root, "review", "import", str(out))
    assert "1 changed, 0 approved, 0 commented" in result.output, result.output
    assert states_now(root)[3][0] == "La tasa de inserción es del 14,9 %."


# ---------------------------------------------------------------------------------------------- QA agreement

CASES = [
    ("Hola a todos.", 1.0, 3.0),
    ("", 1.0, 3.0),
    ("Formamos a jóvenes en cocina y en todo lo que se puede imaginar hoy", 3.5, 6.0),
    ("Uno\ndos\ntres", 1.0, 4.0),
    ("<i>Una línea en cursiva que es bastante más larga de lo que cabe</i>", 0.0, 4.0),
    ("- ¿Vienes mañana a la reunión del comité de empresa?\n- Sí.", 0.0, 4.0),
    ("La tasa de colocación es de 14,9 % a los seis meses de la formación.", 0.0, 5.0),
    ("x" * 34, 0.0, 2.0),  # exactly 17 c/s: fits
    ("x" * 35, 0.0, 2.0),  # 17.5 c/s: too fast
    ("Corto.", 0.0, 0.5),  # too short on screen
    ("Largo.", 0.0, 8.0),  # too long on screen
    ("Marie Tremblay dirige la empresa de inserción Cuisine Solidaire desde 2015.", 0.0, 6.0),
    ("Ella dice: «no sabemos qué hacer con los jóvenes que llegan sin experiencia».", 0.0, 6.0),
    ("Anticonstitucionalmente extraordinariamente desproporcionadamente largo.", 0.0, 7.0),
    ("Todo empezó con un comedor popular de barrio.", 0.0, 4.0),
    ("  espacios   de   más  \n\n  y líneas vacías  ", 0.0, 3.0),
    ("Le taux de placement est de 14,9 % après six mois de formation en cuisine.", 0.0, 5.0),
]
WORDS = ("el la de que y en un los se del las por una con para su al lo como más pero sus le ya o este sí "
         "porque esta entre cuando muy sin sobre también me hasta hay donde quien desde todo nos durante "
         "empresa jóvenes formación cocina inserción «taller» 14,9 % 2 500 ¿por qué? ¡claro! María, "
         "Montréal. —dijo <i>sous-chef</i> trabajo: empleo; mañana… años").split()


def random_cases(n: int) -> list[tuple[str, float, float]]:
    rng = random.Random(16)
    cases = []
    for _ in range(n):
        words = [rng.choice(WORDS) for _ in range(rng.randint(1, 22))]
        text = " ".join(words)
        if rng.random() < 0.3:
            cut = rng.randint(1, len(words))
            text = " ".join(words[:cut]) + "\n" + " ".join(words[cut:])
        start = round(rng.uniform(0, 100), 3)
        cases.append((text, start, round(start + rng.uniform(0.4, 8), 3)))
    return cases


def python_verdict(text: str, start: float, end: float, profile: SubtitleQAProfile) -> dict:
    cue = Cue(1, start, end, text)
    rules = sorted({h.rule for h in check_track([cue], lang="es", profile=profile, frame_rate=25,
                                               footage_seconds=None)} - {"spanish-punctuation"})
    fixed, changes = fix_track([cue], lang="es", profile=profile, frame_rate=25)
    lines = visible_lines(cue)
    return {"lengths": [len(line) for line in lines], "lines": len(lines), "chars": char_count(cue),
            "rules": rules, "advice": fixed[0].text if changes else None}


def test_js_counters_agree_with_packager_qa(page, kit):
    profile = Project.load(kit[0]).config.subtitle_qa
    cases = CASES + random_cases(300)
    js = page.evaluate("""cases => cases.map(([text, start, end]) => {
        const m = window.packagerQA.measure(text, start, end);
        return {lengths: m.lengths, lines: m.lines, chars: m.chars, cps: m.cps, rules: m.rules.slice().sort(),
                advice: window.packagerQA.advice(text)};
    })""", cases)
    disagreements = []
    for (text, start, end), got in zip(cases, js):
        want = python_verdict(text, start, end, profile)
        cps = want["chars"] / (end - start)
        if {k: got[k] for k in want} != want or abs(got["cps"] - cps) > 1e-9:
            disagreements.append((text, start, end, want, got))
    assert not disagreements, disagreements[:3]
    # The table covers every verdict: each rule fires somewhere, and the advice is given somewhere.
    fired = {rule for verdict in js for rule in verdict["rules"]}
    assert fired == {"empty", "line-length", "line-count", "reading-speed", "min-duration", "max-duration"}
    assert sum(1 for verdict in js if verdict["advice"]) >= 20


def test_js_glossary_check_agrees_with_glossary_py(page):
    from packager.glossary import Glossary, Term

    terms = [Term(fr="entreprise d'insertion", es="empresa de inserción"), Term(fr="MESS", es="", keep=True),
             Term(fr="Collectif des entreprises d'insertion du Québec", es="", keep=True),
             Term(fr="formation", es="formación")]
    texts = ["Una Empresa de Inserción.", "dos empresas  de\ninserción", "la empresa de inserciones", "la mess",
             "el MESS dice", "MESSAGE", "Collectif des entreprises d’insertion du Québec", "formaciones y formación",
             "<i>formación</i>", "deformación", "empresa-de-inserción", "", "empresa de\u00a0inserción"]
    glossary = Glossary(terms)
    cases = [(text, {"forms": term.forms("es"), "cs": term.case_sensitive}) for text in texts for term in terms]
    got = page.evaluate("cases => cases.map(([text, term]) => window.packagerQA.termFound(text, term))", cases)
    want = [glossary.contains(text, term, "es") for text in texts for term in terms]
    assert got == want, [(c, g, w) for c, g, w in zip(cases, got, want) if g != w]
    assert any(want) and not all(want)


# ---------------------------------------------------------------------------------------------- accessibility


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_axe_finds_no_violation_and_it_fits_1366x768(page, lang):
    page.locator(f"button.lang[data-lang={lang}]").click()
    assert page.evaluate("document.documentElement.lang") == lang
    row(page, 2).locator("textarea.t").fill(LONG)  # the over-limit colours are checked too
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']}});
        return r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}));
    }""")
    assert result == [], result
    # 1366×768: no sideways scrolling; the video, the save button and the first cue are on screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    for selector in ("#video", "#save", "tbody tr:first-child textarea.t", "#b-approve"):
        box = page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= 1366 \
            and box["y"] + box["height"] <= 768, (selector, box)
    # The choice of language is remembered.
    page.reload()
    assert page.evaluate("document.documentElement.lang") == lang
    page.locator("button.lang[data-lang=es]").click()


# ---------------------------------------------------------------------------------------------- two modules, no video


@pytest.fixture(scope="module")
def two_module_kit(tmp_path_factory):
    """A kit of two modules made with --no-proxy: the editor shows the texts without a video."""
    root = tmp_path_factory.mktemp("editor2") / "proj"
    drafted_project(root, FR, ES)
    first = (root / "modules/01-module-1.toml").read_text(encoding="utf-8")
    second = first.replace("module-1", "module-2").replace("order = 1", "order = 2") \
        .replace("Premier module (exemple)", "Deuxième module").replace("Primer módulo (ejemplo)", "Segundo módulo")
    (root / "modules/02-module-2.toml").write_text(second, encoding="utf-8")
    for lang in ("fr", "es"):
        text = (root / f"subtitles/{lang}/module-1.srt").read_text(encoding="utf-8")
        (root / f"subtitles/{lang}/module-2.srt").write_text(text, encoding="utf-8")
    shutil.copy(root / "subtitles/es/module-1.srt.states.json", root / "subtitles/es/module-2.srt.states.json")
    out = root.parent / "kit2.zip"
    run(root, "kit", "module-1", "module-2", "-o", str(out), "--no-proxy")
    with zipfile.ZipFile(out) as archive:
        archive.extractall(root.parent / "unzipped")
    (folder,) = list((root.parent / "unzipped").iterdir())
    return root, folder


def test_two_modules_without_video(context, two_module_kit, tmp_path: Path):
    root, folder = two_module_kit
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto((folder / "editor.html").as_uri())
    page.evaluate("() => { localStorage.clear(); }")
    page.reload()
    # No video in this kit: said so, and the current cue's texts are drawn where the picture would be.
    assert page.locator("#novideo").is_visible() and not page.locator("#video").is_visible()
    assert page.locator("#ov-dst").inner_text() == "Hola a todos."
    row(page, 2).locator("textarea.t").fill("Formamos jóvenes\nen cocina.")
    assert page.locator("#ov-dst").inner_text() == "Formamos jóvenes\nen cocina."
    # The second module: its own cues, its own saved work, its own return file.
    page.select_option("#module", "module-2")
    assert row(page, 2).locator("textarea.t").input_value() == ES[1]
    row(page, 1).locator("textarea.t").fill("Buenos días a todos.")
    with page.expect_download() as info:
        page.locator("#save").click()
    assert info.value.suggested_filename == "02-module-2.return.json"
    # The module list says which modules have work not saved in a return file yet.
    assert page.locator("#module option").all_inner_texts() == ["1. Primer módulo (ejemplo) — sin guardar",
                                                                "2. Segundo módulo"]
    saved = tmp_path / "02-module-2.return.json"
    info.value.save_as(saved)
    page.select_option("#module", "module-1")
    assert row(page, 2).locator("textarea.t").input_value() == "Formamos jóvenes\nen cocina."
    assert not errors, errors
    page.close()
    result = run(root, "review", "import", str(saved))
    assert "1 changed" in result.output
    module_2 = read_srt(root / "subtitles/es/module-2.srt")
    assert module_2[0].text == "Buenos días a todos." and [c.text for c in module_2[1:]] == ES[1:]
    assert [c.text for c in read_srt(root / "subtitles/es/module-1.srt")] == ES  # module 1 untouched


def test_per_module_kits_carry_their_own_editor(two_module_kit, tmp_path: Path):
    root, _ = two_module_kit
    run(root, "kit", "module-1", "module-2", "--per-module", "--no-proxy", "-o", str(tmp_path / "k.zip"))
    zips = sorted(tmp_path.glob("*.zip"))
    assert len(zips) == 2
    for path, module in zip(zips, ("module-1", "module-2")):
        with zipfile.ZipFile(path) as archive:
            (name,) = [n for n in archive.namelist() if n.endswith("/editor.html")]
            html = archive.read(name).decode("utf-8")
        data = json.loads(html.split('<script id="editor-data" type="application/json">', 1)[1].split("</script>", 1)[0])
        assert [m["id"] for m in data["modules"]] == [module] and data["kit"] in name


# ---------------------------------------------------------------------------------------------- nothing lost

OPS = st.lists(st.one_of(
    st.tuples(st.just("text"), st.integers(1, 4), st.text(alphabet="abcñé ¿?\n", min_size=1, max_size=20)),
    st.tuples(st.just("approve"), st.integers(1, 4), st.just("")),
    st.tuples(st.just("comment"), st.integers(1, 4), st.text(alphabet="xyz «»", max_size=10)),
), min_size=1, max_size=6)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_whatever_is_typed_survives_a_reload_and_is_saved(page, tmp_path_factory, ops):
    """Any sequence of edits, approvals and comments, then a reload (a crash, a closed tab): the saved
    file holds exactly what was done."""
    page.evaluate("() => { localStorage.clear(); }")
    page.reload()
    texts, approved, comments = list(ES), [False] * 4, [""] * 4
    for op, n, value in ops:
        i = n - 1
        if op == "text":
            row(page, n).locator("textarea.t").fill(value)
            texts[i] = value
            if approved[i] and " ".join(value.split()) != " ".join(ES[i].split()):
                approved[i] = False  # a changed text needs approving again
        elif op == "approve":
            row(page, n).locator("button.ap").click()
            approved[i] = not approved[i]
        else:
            row(page, n).locator("textarea.c").fill(value)
            comments[i] = value
    page.reload()
    if page.locator("#resume").is_visible():
        page.locator("#resume-keep").click()
    with page.expect_download() as info:
        page.locator("#save").click()
    saved = tmp_path_factory.mktemp("save") / "r.json"
    info.value.save_as(saved)
    cues = json.loads(saved.read_text(encoding="utf-8"))["cues"]
    assert [c["target"] for c in cues] == texts
    assert [c["comment"] for c in cues] == comments
    assert [c["state"] for c in cues] == [
        "approved" if approved[i] else "edited" if " ".join(texts[i].split()) != " ".join(ES[i].split()) else "draft"
        for i in range(4)]
