"""The example case studies in headless Chromium: laptop and phone, light and dark, three themes.

The example site (examples/) is built with Furo, PyData Sphinx Theme and the Read the Docs
theme, served on 127.0.0.1, and looked at the way a reader would: is every column of the
journey table reachable inside its box, does the lane column stay put while the stages
scroll sideways, does the page itself never scroll sideways, is the text readable in dark
mode, does the emotion curve fit and do its points lead to the touchpoints. Screenshots go
to examples/_build/browser/screenshots/ for a person to look at.

Skipped when Debian's chromium and chromium-driver are not installed (`make test` installs
them when it can).
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from .chromium import build_examples, served

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
OUTPUT = EXAMPLES / "_build" / "browser"
SCREENSHOTS = OUTPUT / "screenshots"

MAP_PAGE = "wholesale/map.html"
MAP_JOURNEY = "b2b-selfservice"
PAGE_WITHOUT_MAP = "wholesale/persona.html"
#: theme -> colour modes it offers (the Read the Docs theme has no dark mode).
THEMES = {
    "furo": ("light", "dark"),
    "pydata_sphinx_theme": ("light", "dark"),
    "sphinx_rtd_theme": ("light",),
}
SCREENS = {"laptop": (1366, 800, False), "phone": (390, 844, True)}

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def sites() -> Iterator[dict[str, str]]:
    """The example site built with each theme (with -W: no theme may cause a warning), served."""
    build_examples(OUTPUT, THEMES)
    with served(OUTPUT) as base:
        yield {theme: f"{base}/{theme}" for theme in THEMES}


def emulate(driver: webdriver.Chrome, screen: str, mode: str, media: str = "screen") -> None:
    width, height, mobile = SCREENS[screen]
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"media": media, "features": [{"name": "prefers-color-scheme", "value": mode}]}
    )


def open_page(driver: webdriver.Chrome, url: str) -> None:
    driver.get(url)
    # Themes pick their colour mode from localStorage/prefers-color-scheme in scripts at load. Every
    # theme's site is on the test server's one origin, where PyData remembers "dark" under the key
    # Furo reads too: the emulated preference alone must decide.
    driver.execute_script("localStorage.clear(); sessionStorage.clear();")
    driver.refresh()
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")


LUMINANCE_JS = """
function parse(c) { const m = c.match(/[\\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; }
function background(el) {
  for (; el; el = el.parentElement) {
    const c = parse(getComputedStyle(el).backgroundColor);
    if (c.length < 4 || c[3] > 0.5) return c;
  }
  return [255, 255, 255];
}
function luminance(c) {
  const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
}
function contrast(el) {
  const a = luminance(parse(getComputedStyle(el).color)), b = luminance(background(el));
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
"""


def contrast(driver: webdriver.Chrome, element: object) -> float:
    return driver.execute_script(LUMINANCE_JS + "return contrast(arguments[0]);", element)


def page_luminance(driver: webdriver.Chrome) -> float:
    return driver.execute_script(
        LUMINANCE_JS + "return luminance(background(document.querySelector('article') || document.body));"
    )


def assert_mode(driver: webdriver.Chrome, mode: str) -> None:
    """The page is in the colour mode asked for, so its screenshot and checks are of that mode."""
    if mode == "dark":
        assert page_luminance(driver) < 0.2, "the theme did not switch to dark mode"
    else:
        assert page_luminance(driver) > 0.8, "the page is not in light mode"


def scroll_box(driver: webdriver.Chrome, table: object) -> object:
    """The nearest ancestor of the table that scrolls it sideways (ours or the theme's)."""
    return driver.execute_script(
        """for (let el = arguments[0].parentElement; el; el = el.parentElement) {
             const o = getComputedStyle(el).overflowX;
             if ((o === 'auto' || o === 'scroll') && el.scrollWidth > el.clientWidth) return el;
           }
           return arguments[0].closest('.cjm-journey-table-wrapper');""",
        table,
    )


def rect(driver: webdriver.Chrome, element: object) -> dict[str, float]:
    return driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top, width: r.width, height: r.height};",
        element,
    )


def exported_journey(theme: str, journey_id: str) -> dict:
    """The journey as the build exported it (cjm.json): what the table must show."""
    data = json.loads((OUTPUT / theme / "cjm.json").read_text(encoding="utf-8"))
    return next(j for j in data["journeys"] if j["id"] == journey_id)


def shot(driver: webdriver.Chrome, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    assert driver.save_screenshot(str(path))
    return path


CASES = [(theme, screen, mode) for theme, modes in THEMES.items() for screen in SCREENS for mode in modes]


@pytest.mark.parametrize(("theme", "screen", "mode"), CASES, ids=["-".join(c) for c in CASES])
def test_journey_table_reads_and_scrolls(
    driver: webdriver.Chrome, sites: dict[str, str], theme: str, screen: str, mode: str
) -> None:
    emulate(driver, screen, mode)
    # Some themes' own headers are wider than a phone; the map must add nothing to that.
    open_page(driver, f"{sites[theme]}/{PAGE_WITHOUT_MAP}")
    theme_width = driver.execute_script("return document.documentElement.scrollWidth")
    open_page(driver, f"{sites[theme]}/{MAP_PAGE}")
    viewport = driver.execute_script("return document.documentElement.clientWidth")
    page_width = driver.execute_script("return document.documentElement.scrollWidth")
    assert page_width <= max(viewport, theme_width) + 1, f"the map makes the page scroll sideways ({page_width}px)"
    assert_mode(driver, mode)

    table = driver.find_element(By.CSS_SELECTOR, "table.cjm-journey-table")
    driver.execute_script("arguments[0].scrollIntoView({block: 'start', behavior: 'instant'})", table)
    assert table.is_displayed()
    box = scroll_box(driver, table)
    box_rect = rect(driver, box)
    assert box_rect["left"] >= -1 and box_rect["right"] <= viewport + 1, (
        f"the table's box {box_rect} leaves the viewport {viewport}"
    )

    stage_headers = table.find_elements(By.CSS_SELECTOR, "thead th")[1:]
    lane_labels = table.find_elements(By.CSS_SELECTOR, "tbody tr[class*='cjm-lane-'] > th.stub")
    journey = exported_journey(theme, MAP_JOURNEY)
    assert (len(stage_headers), len(lane_labels)) == (len(journey["stages"]), len(journey["lanes"]))
    for cell in [*stage_headers, *lane_labels]:
        assert contrast(driver, cell) >= 4.5, f"{cell.text!r} is hard to read ({mode} mode)"
    for cell in table.find_elements(By.CSS_SELECTOR, "tbody td")[:10]:
        assert contrast(driver, cell) >= 4.5, f"{cell.text[:40]!r} is hard to read ({mode} mode)"
    shot(driver, f"{theme}-{screen}-{mode}-table")

    scrollable = driver.execute_script("return arguments[0].scrollWidth - arguments[0].clientWidth", box)
    if screen == "phone":
        assert scrollable > 0, "five stages cannot fit a phone: the table should scroll sideways"
    lane_before = rect(driver, lane_labels[0])
    stub_width = lane_before["width"]
    # Every stage column can be brought fully inside the box, beside the fixed lane column.
    for header in stage_headers:
        driver.execute_script(
            "arguments[0].scrollLeft = arguments[1].offsetLeft - arguments[2]; ", box, header, stub_width
        )
        cell, outer = rect(driver, header), rect(driver, box)
        assert cell["width"] > 80, f"stage column {header.text!r} is squeezed to {cell['width']}px"
        inside = cell["left"] >= outer["left"] - 1 and cell["right"] <= outer["right"] + 1
        assert inside or cell["width"] > outer["width"] - stub_width, (
            f"stage column {header.text!r} {cell} does not fit its box {outer}"
        )
    if scrollable > 0:
        driver.execute_script("arguments[0].scrollLeft = arguments[0].scrollWidth", box)
        lane_after = rect(driver, lane_labels[0])
        first_stage = rect(driver, stage_headers[0])
        assert abs(lane_after["left"] - lane_before["left"]) <= 1, "the lane column scrolled away with the stages"
        # No strip of scrolled stages shows between the box's edge and the fixed lane column.
        box_left = driver.execute_script(
            "const r = arguments[0].getBoundingClientRect(); return r.left + arguments[0].clientLeft;", box
        )
        assert lane_after["left"] <= box_left + 1, (
            f"scrolled cells show left of the lane column ({lane_after['left']} > {box_left})"
        )
        assert first_stage["right"] <= lane_after["right"] + 1, (
            "the first stage is still beside the lane column: nothing scrolled"
        )
        shot(driver, f"{theme}-{screen}-{mode}-table-scrolled")


@pytest.mark.parametrize(("theme", "screen", "mode"), CASES, ids=["-".join(c) for c in CASES])
def test_emotion_curve_fits_and_links_to_touchpoints(
    driver: webdriver.Chrome, sites: dict[str, str], theme: str, screen: str, mode: str
) -> None:
    emulate(driver, screen, mode)
    open_page(driver, f"{sites[theme]}/{MAP_PAGE}")
    assert_mode(driver, mode)
    figures = driver.find_elements(By.CSS_SELECTOR, ".cjm-emotion-curve")
    assert figures, "the map has no emotion curve"
    figure = figures[0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", figure)
    assert figure.is_displayed()
    viewport = driver.execute_script("return document.documentElement.clientWidth")
    drawn = rect(driver, figure)
    if figure.tag_name == "tr":
        # The curve is a row of the journey's table (cjm-curve-row): it scrolls sideways with the table's box.
        box = rect(driver, scroll_box(driver, figure))
        assert drawn["height"] > 100, f"the curve is too small: {drawn}"
        assert box["left"] >= -1 and box["right"] <= viewport + 1, f"the table's box {box} leaves the viewport"
    else:
        outer = rect(driver, driver.execute_script("return arguments[0].parentElement", figure))
        assert drawn["width"] > 0.5 * min(outer["width"], 600) and drawn["height"] > 100, f"too small: {drawn}"
        assert drawn["left"] >= outer["left"] - 1 and drawn["right"] <= outer["right"] + 1 <= viewport + 2, (
            f"the curve {drawn} overflows its container {outer} or the viewport {viewport}"
        )
    shot(driver, f"{theme}-{screen}-{mode}-curve")

    # A point of the curve: an SVG link inline, or inside the <object>'s document.
    point = driver.execute_script(
        """const fig = arguments[0];
           const object = fig.querySelector('object');
           const doc = object ? object.contentDocument : document;
           const offset = object ? object.getBoundingClientRect() : {left: 0, top: 0};
           const href = a => a.getAttribute('href') || a.getAttribute('xlink:href') || '';
           // The first point whose centre is not covered by another point or label.
           for (const link of (object ? doc : fig).querySelectorAll('a')) {
             if (!href(link).includes('#')) continue;
             const r = link.getBoundingClientRect();
             const x = r.left + r.width / 2, y = r.top + r.height / 2;
             const hit = doc.elementFromPoint(x, y);
             if (!hit || hit.closest('a') !== link) continue;
             const onPage = {x: offset.left + x, y: offset.top + y};
             if (object && document.elementFromPoint(onPage.x, onPage.y) !== object) continue;
             // Input events are in screen pixels: a phone may show the page zoomed out.
             const view = window.visualViewport;
             return {x: (onPage.x - view.offsetLeft) * view.scale, y: (onPage.y - view.offsetTop) * view.scale, href: href(link)};
           }
           return null;""",
        figure,
    )
    assert point is not None, "no point of the curve links to a touchpoint"
    anchor = point["href"].rsplit("#", 1)[1]
    # A real mouse click at the point's position on screen, as a reader would.
    for event in ("mouseMoved", "mousePressed", "mouseReleased"):
        driver.execute_cdp_cmd(
            "Input.dispatchMouseEvent",
            {"type": event, "x": point["x"], "y": point["y"], "button": "left", "clickCount": 1},
        )
    WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith("#" + anchor))
    target = driver.find_element(By.ID, anchor)
    WebDriverWait(driver, 5).until(lambda d: -2 <= rect(d, target)["top"] < d.execute_script("return innerHeight"))
    assert "cjm-touchpoint" in target.get_attribute("class") or "cjm-stage" in target.get_attribute("class")


def test_journey_table_prints_on_paper(driver: webdriver.Chrome, sites: dict[str, str]) -> None:
    """Print media: the whole table inside the page width, dark text on white, even from dark mode."""
    emulate(driver, "laptop", "dark", media="print")
    # A4 at 96 px an inch, less Chromium's default margins of 0.4 inch: the width a page is laid out in.
    paper = round((8.27 - 2 * 0.4) * 96)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": paper, "height": 1123, "deviceScaleFactor": 1, "mobile": False}
    )
    open_page(driver, f"{sites['furo']}/{MAP_PAGE}")
    table = driver.find_element(By.CSS_SELECTOR, "table.cjm-journey-table")
    # A scrolling box prints as one unbreakable block (or cuts the table off): none may remain.
    boxes = driver.execute_script(
        """const boxes = [];
           for (let el = arguments[0].parentElement; el && el.tagName !== 'ARTICLE'; el = el.parentElement)
             if (getComputedStyle(el).overflowX !== 'visible') boxes.push(el.className);
           return boxes;""",
        table,
    )
    assert not boxes, f"the printed table is inside scrolling boxes {boxes}"
    table_rect = rect(driver, table)
    assert table_rect["left"] >= 0 and table_rect["right"] <= paper, (
        f"the printed table {table_rect} is wider than the paper"
    )
    assert driver.execute_script("return getComputedStyle(arguments[0]).breakInside", table) != "avoid", (
        "the table cannot break across pages"
    )
    lane = table.find_element(By.CSS_SELECTOR, "tbody th.stub")
    for cell in table.find_elements(By.CSS_SELECTOR, "th"):
        assert driver.execute_script("return getComputedStyle(arguments[0]).position", cell) != "sticky", (
            f"{cell.text!r} stays sticky on paper"
        )
    for cell in [lane, *table.find_elements(By.CSS_SELECTOR, "tbody td")[:10]]:
        assert contrast(driver, cell) >= 7, f"{cell.text[:40]!r} prints with low contrast"
    # Every line colour of the curve is the light one on paper, as printed from the light mode.
    row = table.find_element(By.CSS_SELECTOR, "tr.cjm-curve-row")
    colours = driver.execute_script(
        "const s = getComputedStyle(arguments[0]);"
        "return [0, 1, 2, 3, 4, 5].map(n => s.getPropertyValue('--cjm-curve-' + n).trim());",
        row,
    )
    assert colours == ["#2f5fbf", "#b85a00", "#7b4bb0", "#1b7f73", "#b8336f", "#5f6b12"], colours
    pdf = driver.execute_cdp_cmd(
        "Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": False}
    )
    path = SCREENSHOTS / "furo-print.pdf"
    path.write_bytes(base64.b64decode(pdf["data"]))
    assert path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(path), str(SCREENSHOTS / "furo-print")],
            check=True,
            timeout=60,
        )
