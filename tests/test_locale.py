"""The shipped message catalogs: compiled, complete, and used by a build."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from sphinx_cjm.i18n import (
    CHANNEL_LABELS,
    EVIDENCE_KIND_LABELS,
    FIELD_LABELS,
    LANE_LABELS,
    LINKED_ROW_LABELS,
    LOCALE_DIR,
    PRIORITY_LABELS,
    QUADRANT_LABELS,
    REGISTER_LABELS,
    STATUS_LABELS,
)


def catalogs() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/sphinx_cjm.po"))


def test_every_catalog_is_compiled_and_up_to_date():
    assert catalogs(), "no .po file shipped"
    for po_path in catalogs():
        with po_path.open("rb") as po_file:
            source = {m.id: m.string for m in read_po(po_file) if m.id}
        with po_path.with_suffix(".mo").open("rb") as mo_file:
            compiled = {m.id: m.string for m in read_mo(mo_file) if m.id}
        assert compiled == source, f"{po_path}: run `make locale`"


def test_every_label_is_translated():
    labels = {
        label.__getstate__()[2]
        for table in (
            LANE_LABELS,
            FIELD_LABELS,
            CHANNEL_LABELS,
            REGISTER_LABELS,
            PRIORITY_LABELS,
            STATUS_LABELS,
            EVIDENCE_KIND_LABELS,
            QUADRANT_LABELS,
            LINKED_ROW_LABELS,
        )
        for label in table.values()
    }
    for po_path in catalogs():
        with po_path.open("rb") as po_file:
            translated = {m.id for m in read_po(po_file) if m.id and m.string}
        assert labels <= translated, f"{po_path}: missing {sorted(labels - translated)}"


def test_labels_in_any_language_whatever_the_project_language(tmp_path):
    from sphinx_cjm.i18n import has_catalog, labels_for

    russian = labels_for("ru_RU", lane_labels={"choice-factors": {"en": "Choice factors", "ru": "Факторы выбора"}})
    assert (russian.lane("actions"), russian.field("stage"), russian.channel("online")) == (
        "Действия",
        "Этап",
        "онлайн",
    )
    assert (russian.register("no-solution"), russian.gettext("Awareness")) == ("Решения пока нет", "Осведомлённость")
    assert russian.lane("choice-factors") == "Факторы выбора"
    english = labels_for(None, lane_labels={"choice-factors": {"en": "Choice factors", "ru": "Факторы выбора"}})
    assert (english.lane("actions"), english.lane("choice-factors"), english.channel("web")) == (
        "Actions",
        "Choice factors",
        "web",
    )
    # A project's own catalog adds a language (read from its .po, no compiling needed) and wins over shipped ones.
    po = tmp_path / "de" / "LC_MESSAGES" / "sphinx_cjm.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Actions"\nmsgstr "Handlungen"\n'
    )
    assert not has_catalog("de") and has_catalog("de", [tmp_path])
    german = labels_for("de", [tmp_path])
    assert (german.lane("actions"), german.lane("goals")) == ("Handlungen", "Customer goals")
