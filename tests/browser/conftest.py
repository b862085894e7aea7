"""The browser tests' shared fixture: one headless Chromium a test module.

The tests are not collected when Debian's chromium and chromium-driver are not installed
(`make test` installs them when it can).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .chromium import CHROMEDRIVER, CHROMIUM

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):  # fmt: skip
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    browser.set_page_load_timeout(30)
    try:
        yield browser
    finally:
        browser.quit()
