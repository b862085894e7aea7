"""Debian's Chromium for the browser tests, and a folder served on 127.0.0.1 for it to read."""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def served(directory: Path) -> Iterator[str]:
    """``directory`` served on 127.0.0.1 while the block runs; yields its base address."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(directory))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def build_examples(output: Path, themes: Iterable[str]) -> None:
    """The example site built with each theme into ``output/<theme>``, with -W: no theme may cause a warning."""
    shutil.rmtree(output, ignore_errors=True)
    (output / "screenshots").mkdir(parents=True)
    for theme in themes:
        result = subprocess.run(
            [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
             "-D", f"html_theme={theme}", "-d", str(output / "doctrees" / theme), str(EXAMPLES), str(output / theme)],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
