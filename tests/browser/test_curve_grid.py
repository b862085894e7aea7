"""The emotion curve on the table's grid and the full-map page, measured in headless Chromium.

The example case studies are built with Alabaster (Sphinx's default) and Furo, served on
127.0.0.1, and looked at on a laptop (1366 px), a wide screen (1920 px) and a phone (390 px):
every point of a stage lies inside that stage's column, no two labels overlap, no label covers
a marker, labels are at least 11 px; Furo's dark mode shows no light card; the full-map page of
a six-stage journey fits a 1366×768 window without sideways scrolling. Screenshots go to
examples/_build/browser-grid/screenshots/.

Marked ``browser`` (slow): ``pytest -m "not browser"`` skips it locally; CI runs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .chromium import build_examples, served

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
OUTPUT = EXAMPLES / "_build" / "browser-grid"
SCREENSHOTS = OUTPUT / "screenshots"
THEMES = ("alabaster", "furo")
WIDTHS = (1366, 1920, 390)
#: Pages with a journey's table (and so its curve row); the clinic's first-timer journey has six stages.
MAP_PAGES = ("wholesale/map.html", "clinic/first-timer.html", "clinic/switcher.html", "doors/index.html")
SIX_STAGES = "cjm/clinic-new.html"

pytestmark = pytest.mark.browser

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def sites() -> Iterator[dict[str, str]]:
    build_examples(OUTPUT, THEMES)
    with served(OUTPUT) as base:
        yield {theme: f"{base}/{theme}" for theme in THEMES}


def show(driver: webdriver.Chrome, url: str, width: int, height: int = 900, mode: str = "light") -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500},
    )
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"media": "screen", "features": [{"name": "prefers-color-scheme", "value": mode}]}
    )
    driver.get(url)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")


#: For every curve row on the page: each stage's header cell, and the boxes of its points, labels and markers.
MEASURE_JS = """
const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
return [...document.querySelectorAll('tr.cjm-curve-row')].map(row => {
  const table = row.closest('table');
  const headers = [...table.querySelectorAll('thead th')].slice(1).map(box);
  const cells = [...row.querySelectorAll('td.cjm-curve-cell')].map(cell => ({
    cell: box(cell),
    points: [...cell.querySelectorAll('.cjm-curve-point')].map(p => ({
      title: p.querySelector('title').textContent,
      marks: [...p.querySelectorAll('circle, path')].map(box),
    })),
    labels: [...cell.querySelectorAll('text.cjm-curve-label')].map(t => ({
      text: t.textContent, box: box(t), size: parseFloat(getComputedStyle(t).fontSize),
    })),
  }));
  return {headers, cells};
});
"""


def overlap(a: list[float], b: list[float], tolerance: float = 0.5) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > tolerance and min(a[3], b[3]) - max(a[1], b[1]) > tolerance


CASES = [(theme, width) for theme in THEMES for width in WIDTHS]


@pytest.mark.parametrize(("theme", "width"), CASES, ids=[f"{t}-{w}" for t, w in CASES])
def test_points_in_their_columns_and_labels_apart(
    driver: webdriver.Chrome, sites: dict[str, str], theme: str, width: int
) -> None:
    for page in MAP_PAGES:
        show(driver, f"{sites[theme]}/{page}", width)
        rows = driver.execute_script(MEASURE_JS)
        assert rows, f"{page}: no curve row"
        for row in rows:
            assert len(row["cells"]) == len(row["headers"])
            for header, cell in zip(row["headers"], row["cells"], strict=True):
                # Every point of a stage lies inside that stage's column.
                for point in cell["points"]:
                    for mark in point["marks"]:
                        centre = (mark[0] + mark[2]) / 2
                        assert header[0] - 0.5 <= centre <= header[2] + 0.5, (
                            f"{page} at {width}px: {point['title']!r} ({centre:.1f}) outside its column {header}"
                        )
                marks = [mark for point in cell["points"] for mark in point["marks"]]
                for label in cell["labels"]:
                    assert label["size"] >= 11, f"{page}: label {label['text']!r} is {label['size']}px"
                    assert cell["cell"][0] - 0.5 <= label["box"][0] and label["box"][2] <= cell["cell"][2] + 0.5, (
                        f"{page} at {width}px: label {label['text']!r} leaves its column"
                    )
                    for mark in marks:
                        assert not overlap(label["box"], mark), (
                            f"{page} at {width}px: {label['text']!r} covers a marker"
                        )
                for n, a in enumerate(cell["labels"]):
                    for b in cell["labels"][n + 1 :]:
                        assert not overlap(a["box"], b["box"]), (
                            f"{page} at {width}px: labels {a['text']!r} and {b['text']!r} overlap"
                        )
        if page == MAP_PAGES[0]:
            driver.execute_script(
                "document.querySelector('tr.cjm-curve-row').scrollIntoView({block: 'center', behavior: 'instant'})"
            )
            driver.save_screenshot(str(SCREENSHOTS / f"wholesale-{theme}-{width}-curve.png"))


def luminance_js(selector: str) -> str:
    return f"""
function parse(c) {{ const m = c.match(/[\\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; }}
function background(el) {{
  for (; el; el = el.parentElement) {{
    const c = parse(getComputedStyle(el).backgroundColor);
    if (c.length < 4 || c[3] > 0.5) return c;
  }}
  return [255, 255, 255];
}}
function luminance(c) {{
  const f = v => {{ v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }};
  return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
}}
const el = document.querySelector('{selector}');
const text = el.querySelector('text.cjm-curve-label');
return {{background: luminance(background(el)), text: text ? luminance(parse(getComputedStyle(text).fill)) : null}};
"""


@pytest.mark.parametrize("width", (1366, 390))
def test_no_light_card_in_furo_dark_mode(driver: webdriver.Chrome, sites: dict[str, str], width: int) -> None:
    show(driver, f"{sites['furo']}/wholesale/map.html", width, mode="dark")
    seen = driver.execute_script(luminance_js("td.cjm-curve-cell"))
    assert seen["background"] < 0.05, f"the curve sits on a light card in dark mode: {seen}"
    # Labels light on the dark ground: WCAG AA (4.5:1) at least.
    assert (seen["text"] + 0.05) / (seen["background"] + 0.05) >= 4.5, seen
    driver.execute_script(
        "document.querySelector('tr.cjm-curve-row').scrollIntoView({block: 'center', behavior: 'instant'})"
    )
    driver.save_screenshot(str(SCREENSHOTS / f"wholesale-furo-{width}-dark-curve.png"))


@pytest.mark.parametrize("theme", THEMES)
def test_full_map_page_fits_a_laptop(driver: webdriver.Chrome, sites: dict[str, str], theme: str) -> None:
    show(driver, f"{sites[theme]}/{SIX_STAGES}", 1366, 768)
    assert driver.execute_script("return document.querySelectorAll('thead th').length") == 7  # lanes + six stages
    page_width = driver.execute_script("return document.documentElement.scrollWidth")
    viewport = driver.execute_script("return document.documentElement.clientWidth")
    assert page_width <= viewport, f"the six-stage full map scrolls sideways ({page_width} > {viewport})"
    rows = driver.execute_script(MEASURE_JS)
    assert len(rows) == 1 and len(rows[0]["cells"]) == 6
    # The stage header stays at the window's top while the map scrolls down.
    driver.execute_script("window.scrollTo(0, 600)")
    top = driver.execute_script("return document.querySelector('thead th:nth-child(2)').getBoundingClientRect().top")
    assert -1 <= top <= 1, f"the stage header scrolled away ({top})"
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(SCREENSHOTS / f"full-map-clinic-{theme}-1366.png"))


def test_every_journey_links_to_its_full_map(driver: webdriver.Chrome, sites: dict[str, str]) -> None:
    show(driver, f"{sites['alabaster']}/wholesale/map.html", 1366)
    link = driver.execute_script("return document.querySelector('a.cjm-full-map').getAttribute('href')")
    assert link == "../cjm/b2b-selfservice.html"
    driver.execute_script("document.querySelector('a.cjm-full-map').click()")
    WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith("/cjm/b2b-selfservice.html"))
    assert driver.execute_script("return document.querySelector('h1').textContent").startswith("От визита")
    # A point on the full map leads back to its touchpoint's description.
    href = driver.execute_script("return document.querySelector('.cjm-curve-point a').getAttribute('href')")
    assert href.startswith("../wholesale/") and "#" in href
