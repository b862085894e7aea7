"""``cjm.json``: every object of the project, written after an HTML build."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from . import model
from .domain import CJMDomain, cjm_domain, warn, written_since_last_read

EXPORT_VERSION = 1


def export_data(domain: CJMDomain) -> dict:
    """The whole project as the contract's export shape, sorted by id."""
    journeys = [domain.exported(journey_id) for journey_id in domain.objects("journey")]
    return {
        "version": EXPORT_VERSION,
        "personas": [model.export_persona(p) for p in domain.objects("persona").values()],
        "journeys": [j for j in journeys if j is not None],
        "recommendations": [domain.export(r) for r in domain.objects("recommendation").values()],
        "evidence": [domain.export(e) for e in domain.objects("evidence").values()],
    }


def write_export(app: Sphinx, exception: Exception | None) -> None:
    filename = app.config.cjm_export_json
    if exception is not None or app.builder.format != "html":
        return
    # "digest filename" of the data last written, kept beside the doctrees.
    stamp = Path(app.doctreedir, "cjm-export.sha256")
    recorded = stamp.read_text(encoding="utf-8") if stamp.exists() else ""
    previous = recorded.partition(" ")[2]
    if previous and previous != filename:
        # Turned off or renamed: the old file goes, as a clean build would not write it.
        with contextlib.suppress(OSError):
            Path(app.outdir, previous).unlink(missing_ok=True)
        stamp.unlink()
        recorded = ""
    if not filename:
        return
    target = Path(app.outdir, filename)
    if target.is_dir():
        warn(f"cjm_export_json: {filename!r} is a directory in the output; the export is not written", "option", None)
        return
    if target.exists() and recorded.partition(" ")[2] == filename and written_since_last_read(app, stamp):
        return
    items = export_items(cjm_domain(app.env))
    outline = {key: [k for k, _make in value] if isinstance(value, list) else value for key, value in items.items()}
    digest = hashlib.sha256(json.dumps([filename, outline], ensure_ascii=False).encode()).hexdigest()
    if not target.exists() or recorded != f"{digest} {filename}":
        fragments_file = Path(app.doctreedir, "cjm-export-fragments.pickle")
        pieces, fragments = indented_json(items, read_fragments(fragments_file))
        # Pickled: as JSON, 33 MB of fragments at 1,000 journeys took 0.6 s to read and write.
        fragments_file.write_bytes(pickle.dumps(fragments, pickle.HIGHEST_PROTOCOL))
        # Leave the file alone when unchanged, so its timestamp tells when the data last changed.
        if not holds(target, pieces):
            write_pieces(target, pieces)
    stamp.write_text(f"{digest} {filename}", encoding="utf-8")


#: An object of a list of ``cjm.json``: a digest of what it holds, and what makes it.
Item = tuple[str, Callable[[], Any]]


def export_items(domain: CJMDomain) -> dict[str, Any]:
    """:func:`export_data`, each object of its lists an :data:`Item`.

    Indented JSON takes the pure-Python encoder (~3 ms a journey), compact JSON the C one, and a
    journey's digest is at hand: the pages showing it were compared by it (:meth:`CJMDomain.pages_to_rewrite`),
    and it covers what the export holds of the journey. So an unchanged journey is neither
    exported nor formatted again; other objects are kept by the digest of their compact JSON.
    """

    def compact(value: Any) -> Item:
        return hashlib.sha256(json.dumps(value, ensure_ascii=False).encode()).hexdigest(), lambda: value

    def journey(journey_id: str) -> Item:
        return f"journey {domain.current_digest(f'journey:{journey_id}')}", lambda: domain.exported(journey_id)

    return {
        "version": EXPORT_VERSION,
        "personas": [compact(model.export_persona(p)) for p in domain.objects("persona").values()],
        "journeys": [journey(journey_id) for journey_id in domain.objects("journey")],
        "recommendations": [compact(domain.export(r)) for r in domain.objects("recommendation").values()],
        "evidence": [compact(domain.export(e)) for e in domain.objects("evidence").values()],
    }


def indented_json(items: dict[str, Any], known: dict[str, bytes]) -> tuple[list[bytes], dict[str, bytes]]:
    """``json.dumps(export_data(...), ensure_ascii=False, indent=2) + "\\n"`` from :func:`export_items`, UTF-8
    encoded, as the pieces to write one after the other.

    ``known`` holds the last export's objects, formatted, by their items' digests: an object
    found there is not formatted again (an edit formats what it changed). Returned with the
    pieces: this export's objects, for the next. Pieces, not one string: at 1,000 journeys,
    joining and encoding the 33 MB took half a second.
    """
    fragments: dict[str, bytes] = {}

    def item(key: str, make: Callable[[], Any]) -> bytes:
        fragment = known.get(key)
        if fragment is None:
            fragment = json.dumps(make(), ensure_ascii=False, indent=2).replace("\n", "\n    ").encode()
        fragments[key] = fragment
        return fragment

    pieces = [b"{\n"]
    for number, (key, value) in enumerate(items.items()):
        if number:
            pieces.append(b",\n")
        name = json.dumps(key, ensure_ascii=False)
        if isinstance(value, list) and value:
            pieces.append(f"  {name}: [\n".encode())
            for position, (item_key, make) in enumerate(value):
                pieces += [b",\n    " if position else b"    ", item(item_key, make)]
            pieces.append(b"\n  ]")
        else:
            pieces.append(f"  {name}: {json.dumps(value, ensure_ascii=False)}".encode())
    pieces.append(b"\n}\n")
    return pieces, fragments


def holds(path: Path, pieces: list[bytes]) -> bool:
    """Whether the file at ``path`` holds ``pieces`` one after the other, and nothing else.

    Read a piece at a time: at 1,000 journeys, the whole file read to compare was 33 MB more.
    """
    try:
        if path.stat().st_size != sum(map(len, pieces)):
            return False
        with path.open("rb") as written:
            return all(written.read(len(piece)) == piece for piece in pieces)
    except OSError:
        return False


def write_pieces(target: Path, pieces: list[bytes]) -> None:
    """Write ``pieces`` to a file beside ``target`` and rename it over ``target``.

    Neither a reader meanwhile (a server showing the output, ``sphinx-cjm diff``) nor the next
    build after a failed write finds half a file: the next build compares only the data
    (the stamp) while it stands.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with partial.open("wb") as output:
            output.writelines(pieces)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def read_fragments(path: Path) -> dict[str, bytes]:
    """The formatted objects of the last export (:func:`indented_json`); none if the file is missing or damaged."""
    try:
        known = pickle.loads(path.read_bytes())
    except Exception:  # a damaged pickle raises whatever its bytes lead to
        return {}
    return known if isinstance(known, dict) and all(isinstance(t, bytes) for t in known.values()) else {}
