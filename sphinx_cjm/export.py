"""``cjm.json``: every object of the project, written after an HTML build."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sphinx.application import Sphinx

from . import model
from .domain import CJMDomain

EXPORT_VERSION = 1


def export_data(domain: CJMDomain) -> dict:
    """The whole project as the contract's export shape, sorted by id."""
    journeys = [domain.assembled(journey_id) for journey_id in domain.objects("journey")]
    return {
        "version": EXPORT_VERSION,
        "personas": [model.export_persona(p) for p in domain.objects("persona").values()],
        "journeys": [model.export_journey(j) for j in journeys if j is not None],
    }


def write_export(app: Sphinx, exception: Exception | None) -> None:
    filename = app.config.cjm_export_json
    if exception is not None or not filename or app.builder.format != "html":
        return
    domain: CJMDomain = app.env.get_domain("cjm")  # type: ignore[assignment]
    data = export_data(domain)
    target = Path(app.outdir, filename)
    # Indented JSON takes the pure-Python encoder (~3 ms a journey); compact JSON the C one. Its
    # digest, kept beside the doctrees, spares formatting the file on rebuilds that change nothing.
    digest = hashlib.sha256(json.dumps([filename, data], ensure_ascii=False).encode()).hexdigest()
    stamp = Path(app.doctreedir, "cjm-export.sha256")
    if target.exists() and stamp.exists() and stamp.read_text(encoding="ascii") == digest:
        return
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    # Leave the file alone when unchanged, so its timestamp tells when the data last changed.
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    stamp.write_text(digest, encoding="ascii")
