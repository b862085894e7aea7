"""The documentation's home page in headless Chromium: a reader first sees a real map, table and curve.

Skipped when Debian's chromium and chromium-driver are not installed.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .chromium import served

ROOT = Path(__file__).resolve().parents[2]

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The docs built as `make docs` builds them (the example site left out: it has its own browser test), served."""
    out = tmp_path_factory.mktemp("docs-html")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-D", "gallery_examples_source=", str(ROOT / "docs"), str(out)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with served(out) as base:
        yield f"{base}/index.html"


def test_home_page_opens_with_a_journey_table_and_its_curve(home: str, driver: webdriver.Chrome) -> None:
    driver.set_window_size(1366, 900)
    driver.get(home)
    table = driver.find_element(By.CSS_SELECTOR, "table.cjm-journey-table")
    headers = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
    assert headers[1:] == ["First contact", "First order", "Habit"]
    assert "Sales rep's visit" in table.text
    curve = driver.find_element(By.CSS_SELECTOR, ".cjm-emotion-curve")
    # The curve is drawn (inline SVG, or an SVG file in <object>); its labels are text, each point a link.
    script = """
        const curve = arguments[0];
        const object = curve.querySelector("object");
        const root = object ? object.contentDocument && object.contentDocument.rootElement : curve;
        if (!root) return null;
        return Array.from(root.querySelectorAll("a")).map(a => [a.getAttribute("href"), a.textContent.trim()]);
    """
    points = WebDriverWait(driver, 20).until(lambda d: d.execute_script(script, curve))
    labels = {href.rpartition("#")[2]: text for href, text in points}
    assert {"home-rep-visit", "home-checkout", "home-reorder"} <= set(labels), points
    assert "Checkout in the app" in labels["home-checkout"]
    # Both are on the first screens of the page, before the code samples.
    code = driver.find_element(By.CSS_SELECTOR, "div.highlight")
    assert table.rect["y"] <= curve.rect["y"] < code.rect["y"]
    assert curve.rect["width"] > 300 and curve.rect["height"] > 100
    shots = ROOT / "docs" / "_build" / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(shots / "home-1366.png"))
