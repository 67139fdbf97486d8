"""The offline index in a real headless Chromium, opened through file:// as a trainer double-clicks it.

Uses Debian's `chromium` driven by Playwright for Python (its own browser downloads are not used).
Chromium refuses <track src> on file:// pages, so these tests prove the captions arrive through the
TextTrack API: the active Spanish track has its cues, French is selectable.
"""

from __future__ import annotations

import shutil

import pytest

from packager.bundle.build import make_bundle

from test_bundle import FRENCH_CUES, HOSTILE_TITLE, MODULES, SPANISH_CUES, make_inputs

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt install chromium)")

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
        "--autoplay-policy=no-user-gesture-required"]

TITLE_ES = 'Programa <i>«taller»</i> & "co" </script><script id="injected2">'


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser") / "proj"
    project = make_inputs(root, title_fr=HOSTILE_TITLE, title_es=TITLE_ES)
    return make_bundle(project, "usb")


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        ctx = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=ARGS)
        ctx.set_default_timeout(15_000)
        yield ctx
        ctx.close()


@pytest.fixture
def page(context, bundle):
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto((bundle.path / "index.html").as_uri())
    page.evaluate("() => { try { localStorage.clear(); } catch (e) {} }")
    page.reload()
    yield page
    assert not errors, errors
    # Nothing but the bundle's own files is ever asked for: no CDN, no web font, no external script.
    assert requests and all(url.startswith(bundle.path.as_uri() + "/") for url in requests), requests
    page.close()


def visible_text(page, selector: str) -> str:
    return page.locator(selector).inner_text().strip()


TRACKS = """() => Array.from(document.getElementById('video').textTracks).map(t => ({
    language: t.language, mode: t.mode, label: t.label,
    cues: Array.from(t.cues || []).map(c => c.getCueAsHTML().textContent),
    lines: Array.from(t.cues || []).map(c => String(c.line)),
    active: Array.from(t.activeCues || []).map(c => c.getCueAsHTML().textContent)}))"""


def play(page, index: int) -> None:
    page.locator("button.play").nth(index).click()
    page.wait_for_function("() => { const v = document.getElementById('video'); "
                           "return v.currentTime > 0.4 && !v.paused; }")
    assert page.evaluate("document.getElementById('video').error") is None


def selected_label(page) -> str:
    return page.eval_on_selector("#captions", "s => s.options[s.selectedIndex].textContent")


def off_offered(page) -> bool:
    return page.evaluate("() => { const o = document.querySelector('#captions option[value=off]'); "
                         "return !o.hidden && !o.disabled; }")


def test_spanish_captions_play_from_file_url(page):
    """A module rendered without burned-in subtitles: the Spanish track is drawn, French selectable."""
    assert page.url.startswith("file://")
    play(page, 1)  # sous-ministre: render.json says nothing is burned in
    tracks = page.evaluate(TRACKS)
    showing = [t for t in tracks if t["mode"] == "showing"]
    assert len(showing) == 1, tracks
    spanish = showing[0]
    assert spanish["language"] == "es" and spanish["label"] == "Español"
    # What is on screen, markup characters included (<al> and & are text, not tags or entities).
    assert spanish["cues"] == [SPANISH_CUES[0] + " (2)", SPANISH_CUES[1]]
    assert spanish["active"] == [SPANISH_CUES[0] + " (2)"] or page.evaluate(
        "document.getElementById('video').currentTime") > 1.4
    assert spanish["lines"] == ["auto", "auto"]  # at the bottom, where captions belong
    french = next(t for t in tracks if t["language"] == "fr")
    assert french["mode"] == "disabled"
    assert page.locator(".burned-note:visible").count() == 0 and off_offered(page)
    # French is selectable.
    page.select_option("#captions", "fr")
    modes = page.evaluate("() => Array.from(document.getElementById('video').textTracks)"
                          ".map(t => [t.language, t.mode, t.cues ? t.cues.length : -1])")
    assert ["fr", "showing", 2] in modes and ["es", "disabled", -1] in modes  # a disabled track hides its cues
    french_cues = page.evaluate("() => Array.from(document.getElementById('video').textTracks)"
                                ".find(t => t.language === 'fr').cues[1].getCueAsHTML().textContent")
    assert french_cues == FRENCH_CUES[1]
    page.select_option("#captions", "off")
    assert {t["mode"] for t in page.evaluate(TRACKS)} == {"disabled"}


def test_burned_in_spanish_is_not_drawn_twice(page):
    """The render burns the Spanish into the picture: the page keeps the Spanish track active (its cues are
    read) but does not draw it again; French, when chosen, goes to the top so both lines can be read."""
    play(page, 0)  # entreprise-a: render.json says "burned": "es"
    tracks = page.evaluate(TRACKS)
    assert not [t for t in tracks if t["mode"] == "showing"], tracks
    spanish = next(t for t in tracks if t["language"] == "es")
    assert spanish["mode"] == "hidden" and spanish["cues"] == [SPANISH_CUES[0] + " (1)", SPANISH_CUES[1]]
    page.wait_for_function("() => Array.from(document.getElementById('video').textTracks)"
                           ".find(t => t.language === 'es').activeCues.length > 0")
    assert page.eval_on_selector("#captions", "s => s.value") == "es"
    # The choice says the Spanish is the picture's own, not something the page adds.
    assert selected_label(page) == "Español (en la imagen)"
    assert page.locator("#captions option[value=fr]").inner_text() == "Francés"
    page.click("button.lang[data-lang=fr]")
    assert selected_label(page) == "Espagnol (dans l'image)"
    assert page.locator("#captions option[value=fr]").inner_text() == "Français"
    page.click("button.lang[data-lang=es]")
    note = page.locator(".burned-note[data-burned=es]")
    assert note.is_visible() and "Los subtítulos en español forman parte de la imagen" in note.inner_text()
    assert not off_offered(page)  # "none" cannot take burned-in text away
    page.select_option("#captions", "fr")
    tracks = page.evaluate(TRACKS)
    french = next(t for t in tracks if t["language"] == "fr")
    assert french["mode"] == "showing" and french["lines"] == ["0", "0"]  # the top line of the picture
    assert next(t for t in tracks if t["language"] == "es")["mode"] == "disabled"
    # The next module was rendered without burn-in: Spanish is drawn there, and "none" is offered again.
    page.select_option("#captions", "es")
    play(page, 1)
    assert [t["mode"] for t in page.evaluate(TRACKS)] == ["showing", "disabled"]
    assert off_offered(page) and page.locator(".burned-note:visible").count() == 0
    assert selected_label(page) == "Español"  # drawn by the page here, not in the picture


def test_language_switch_is_remembered(page):
    # Default: Spanish interface.
    assert page.evaluate("document.documentElement.lang") == "es"
    assert visible_text(page, "#play-all") == "Reproducir todo"
    assert visible_text(page, "#h-modules") == "Módulos"
    assert visible_text(page, "li.card[data-module=table-ronde] h3") == "3. Mesa redonda"
    # A speaker's name is data, shown as written; the role is in the interface language.
    assert visible_text(page, "li.card[data-module=table-ronde] dd li") == "Intervenant 3 — Directora"
    # The first module (loaded, not playing) has its Spanish burned in: that is the default, and it says so.
    assert page.locator("#captions option[value=es]").inner_text() == "Español (en la imagen)"
    assert page.eval_on_selector("#captions", "s => s.value") == "es"
    # Keyboard: focus the French button and press Enter.
    page.focus("button.lang[data-lang=fr]")
    page.keyboard.press("Enter")
    assert visible_text(page, "#play-all") == "Tout lire"
    assert visible_text(page, "#h-modules") == "Modules"
    assert visible_text(page, "li.card[data-module=table-ronde] h3") == "3. Table ronde"
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert page.get_attribute("button.lang[data-lang=fr]", "aria-pressed") == "true"
    assert visible_text(page, "li.card[data-module=table-ronde] dd li") == "Intervenant 3 — Directrice"
    assert page.locator("#captions option[value=es]").inner_text() == "Espagnol (dans l'image)"
    assert page.locator("#captions option[value=fr]").inner_text() == "Français"
    page.reload()
    assert visible_text(page, "#play-all") == "Tout lire"
    assert page.title() == HOSTILE_TITLE
    page.click("button.lang[data-lang=es]")
    page.reload()
    assert visible_text(page, "#play-all") == "Reproducir todo"


def test_chapter_button_seeks(page):
    page.locator("button.play").nth(1).click()
    panel = page.locator(".now-module[data-module=sous-ministre]")
    assert panel.is_visible()
    # The module's workbook and the programme's documents, DOCX and PDF, next to the player.
    for href in ("documents/cahier-02-sous-ministre.docx", "documents/introduction.docx",
                 "documents/analyse-synthese.docx", "documents/guide-formateur.pdf"):
        assert panel.locator(f"a[href='{href}']").is_visible(), href
    page.wait_for_function("() => document.getElementById('video').readyState >= 1")
    assert page.evaluate("document.getElementById('video').currentTime") < 1.0
    panel.locator("button.chapter", has_text="Financiamiento").click()
    page.wait_for_function("() => document.getElementById('video').currentTime >= 1.5")
    assert page.evaluate("document.getElementById('video').currentTime") < 2.9
    page.wait_for_function("() => document.querySelector("
                           "'.now-module[data-module=sous-ministre] button.chapter[aria-current=true]') !== null")
    assert "Financiamiento" in panel.locator("button.chapter[aria-current=true]").inner_text()


def test_play_all_goes_through_the_modules(page):
    page.click("#play-all")
    page.wait_for_function("() => !document.getElementById('video').paused")
    assert page.evaluate("document.getElementById('video').getAttribute('src')") == "videos/01-entreprise-a.mp4"
    page.evaluate("() => { const v = document.getElementById('video'); v.currentTime = v.duration - 0.2; }")
    page.wait_for_function("() => document.getElementById('video').getAttribute('src') === "
                           "'videos/02-sous-ministre.mp4' && !document.getElementById('video').paused")
    assert page.locator("li.card.playing").get_attribute("data-module") == "sous-ministre"
    # The new module's player has its own caption cues.
    assert page.evaluate("() => Array.from(document.getElementById('video').textTracks)"
                         ".find(t => t.mode === 'showing').cues[0].getCueAsHTML().textContent") == SPANISH_CUES[0] + " (2)"


def test_project_text_is_escaped(page):
    assert page.locator("#injected").count() == 0 and page.locator("#injected2").count() == 0
    assert page.evaluate("document.scripts.length") == 2  # the data block and the page script
    assert visible_text(page, "#title") == TITLE_ES
    page.click("button.lang[data-lang=fr]")
    assert visible_text(page, "#title") == HOSTILE_TITLE
    assert page.evaluate("JSON.parse(document.getElementById('data').textContent).title.es") == TITLE_ES
    assert len(page.locator("li.card").all()) == len(MODULES)


def test_keyboard_focus_is_visible(page):
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip"
    page.focus("button.play")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    # Nine "Play" buttons and "Word (DOCX)" links: each says which module or document it is about.
    described = page.evaluate("""() => Array.from(document.querySelectorAll('li.card button.play, li.card a.doc'))
        .filter(e => e.offsetParent !== null)
        .map(e => { const d = document.getElementById(e.getAttribute('aria-describedby'));
                    return d ? d.innerText.trim() : null; })""")
    assert None not in described and described[0] == "1. " + MODULES[0][3]
    # Enter on a card's button plays it; the player is named after the module and a short status is read out.
    page.keyboard.press("Enter")
    page.wait_for_function("() => !document.getElementById('video').paused")
    assert page.evaluate("document.activeElement.id") == "video"
    label = page.evaluate("document.getElementById(document.getElementById('video')"
                          ".getAttribute('aria-labelledby')).innerText")
    assert label == MODULES[0][3] == visible_text(page, "#status")


def test_works_when_local_storage_is_refused(context, bundle):
    """Some browsers refuse localStorage on file:// pages (or in private mode): the page still works."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.add_init_script("Object.defineProperty(window, 'localStorage', "
                         "{get() { throw new DOMException('denied', 'SecurityError'); }});")
    page.goto((bundle.path / "index.html").as_uri())
    page.click("button.lang[data-lang=fr]")
    assert visible_text(page, "#play-all") == "Tout lire"
    assert page.evaluate("document.getElementById('video').textTracks.length") == 2
    assert not errors, errors
    page.close()
