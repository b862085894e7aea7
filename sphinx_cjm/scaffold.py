"""``sphinx-cjm new``: a Sphinx project holding one journey map, ready to build with ``-W``.

The map is a sample journey shipped as YAML (``samples/<template>.<language>.yaml``,
its stage ids those of the stage template), written out as directives by the same
converter as ``sphinx-cjm convert``: the project's pages are plain RST or MyST that
the user edits from there on.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from pathlib import Path

from . import convert, files
from .templates import BUILTIN_TEMPLATES, TEMPLATE_PREFIX

SAMPLES_DIR = Path(__file__).parent / "samples"
LANGUAGES = ("en", "ru")
FORMATS = {"rst": ".rst", "md": ".md"}

#: The few sentences of the pages around the map, in each language of the samples.
TEXTS = {
    "en": {
        "project": "Customer journey maps",
        "author": "CX team",
        "intro": "The journey maps of this project, written with sphinx_cjm. Build the site with:",
        "registers": "Registers",
        "touchpoints": "Every touchpoint, by channel",
        "barriers": "Barriers and their solutions",
    },
    "ru": {
        "project": "Карты пути клиента",
        "author": "CX-команда",
        "intro": "Карты пути клиента этого проекта, написанные с sphinx_cjm. Собрать сайт:",
        "registers": "Реестры",
        "touchpoints": "Все точки контакта по каналам",
        "barriers": "Барьеры и их решения",
    },
}
BUILD_COMMAND = "sphinx-build -W -b html . _build/html"


def sample(template: str, language: str) -> files.JourneyFile:
    """The sample journey of ``template`` in ``language``, its stages ordered by the template."""
    loaded = files.load(SAMPLES_DIR / f"{template}.{language}.yaml")
    assert loaded.journey is not None and not loaded.problems, loaded.problems
    loaded.journey = dataclasses.replace(loaded.journey, stage_order=[f"{TEMPLATE_PREFIX}{template}"])
    return loaded


def conf_py(language: str, markup: str) -> str:
    texts = TEXTS[language]
    extensions = ["myst_parser", "sphinx_cjm"] if markup == "md" else ["sphinx_cjm"]
    notice = f"{datetime.date.today().year}, {texts['author']}"
    return "\n".join(
        [
            '"""Sphinx configuration: https://www.sphinx-doc.org/en/master/usage/configuration.html"""',
            "",
            f"project = {literal(texts['project'])}",
            f"author = {literal(texts['author'])}",
            f"copyright = {literal(notice)}",
            f"language = {literal(language)}",
            f"extensions = {literal(extensions)}",
            'exclude_patterns = ["_build"]',
            "",
            "# Emotions of the map run from -2 (angry) to 2 (delighted); see sphinx_cjm's configuration reference.",
            "cjm_emotion_scale = (-2, 2)",
            "",
        ]
    )


def literal(value: str | list[str]) -> str:
    """A string or a list of strings as Python source, double-quoted (JSON's syntax is Python's here)."""
    return json.dumps(value, ensure_ascii=False)


def pages(template: str, language: str, markup: str) -> dict[str, str]:
    """File name -> text of every page of the project."""
    texts = TEXTS[language]
    loaded = sample(template, language)
    if markup == "md":
        return {
            "index.md": f"# {texts['project']}\n\n{texts['intro']}\n\n"
            f"```sh\n{BUILD_COMMAND}\n```\n\n```{{toctree}}\n:maxdepth: 1\n\njourney\nregisters\n```\n",
            "journey.md": convert.to_myst(loaded),
            "registers.md": f"# {texts['registers']}\n\n## {texts['touchpoints']}\n\n```{{touchpoint-index}}\n```\n\n"
            f"## {texts['barriers']}\n\n```{{barrier-list}}\n```\n",
        }
    return {
        "index.rst": f"{rst_heading(texts['project'], '=')}{texts['intro']}\n\n.. code-block:: sh\n\n"
        f"   {BUILD_COMMAND}\n\n.. toctree::\n   :maxdepth: 1\n\n   journey\n   registers\n",
        "journey.rst": convert.to_rst(loaded),
        "registers.rst": f"{rst_heading(texts['registers'], '=')}{rst_heading(texts['touchpoints'], '-')}"
        f".. touchpoint-index::\n\n{rst_heading(texts['barriers'], '-')}.. barrier-list::\n",
    }


def rst_heading(title: str, underline: str) -> str:
    return f"{title}\n{underline * len(title)}\n\n"


def new_project(directory: Path, language: str = "en", markup: str = "rst", template: str = "retail") -> list[Path]:
    """Write the project into ``directory`` (created; it must not hold files yet); returns the files written."""
    if language not in LANGUAGES or markup not in FORMATS or template not in BUILTIN_TEMPLATES:
        raise ValueError(f"no sample for language {language!r}, format {markup!r}, template {template!r}")
    texts = {"conf.py": conf_py(language, markup), **pages(template, language, markup)}
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in texts.items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
