"""Publish the example case-study site (``examples/``) inside the docs, under ``examples/``.

The examples are their own Sphinx project: their own language (the case studies are
Russian, so their lane labels are too), their own ids and their own ``conf.py``. Built
as part of the docs they keep all of that, and nothing in them can clash with the ids
of the docs' tutorial. Their warnings become the docs' warnings, so ``-W`` covers them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def build_examples(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html" or not app.config.gallery_examples_source:
        return
    source = Path(app.confdir, app.config.gallery_examples_source).resolve()
    target = Path(app.outdir, app.config.gallery_examples_target)
    command = [
        sys.executable, "-m", "sphinx", "-b", "html", "-q",
        "-D", f"html_theme={app.config.html_theme}",
        "-d", str(Path(app.doctreedir, "_cjm_examples")),
        str(source), str(target),
    ]  # fmt: skip
    logger.info("building the example case studies into %s", target)
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in result.stderr.splitlines():
        if line.strip():
            logger.warning("examples: %s", line, type="cjm-gallery")
    if result.returncode != 0:
        logger.warning("examples: the build failed with exit code %d", result.returncode, type="cjm-gallery")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("gallery_examples_source", "../examples", "html", types=(str,))
    app.add_config_value("gallery_examples_target", "examples", "html", types=(str,))
    app.connect("build-finished", build_examples)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
