"""The documentation's home page in headless Chromium: a reader first sees a real map, table and curve.

Skipped when Debian's chromium and chromium-driver are not installed.
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip("Debian's chromium and chromium-driver are not installed", allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


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
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):  # fmt: skip
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    browser.set_window_size(1366, 900)
    try:
        yield browser
    finally:
        browser.quit()


def test_home_page_opens_with_a_journey_table_and_its_curve(home: str, driver: webdriver.Chrome) -> None:
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
