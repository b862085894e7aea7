"""The documentation site and its recipes (GitHub Pages, Read the Docs, sphinx-autobuild); the PDF is tests/test_pdf.py.

The docs are built as `make docs` builds them (with -W), and their pages are checked
against the code: every directive option, config value and warning type of the
installed extension must be documented.
"""

from __future__ import annotations

import ast
import html
import json
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from tablesparse import Tables

import sphinx_cjm
from sphinx_cjm import diff

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"


def sphinx_build(*args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def docs_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "html"
    result = sphinx_build("-b", "html", str(DOCS), str(out))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return out


def warning_subtypes_in_code() -> set[str]:
    """Every `cjm.*` subtype the package can emit: Problem("x", ...), warn(..., "x", ...) and the like."""
    found = set()
    for path in (ROOT / "sphinx_cjm").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            position = {"Problem": 0, "FileProblem": 0, "problem": 0, "warn": 1}.get(name)
            if position is None or len(node.args) <= position:
                continue
            value = node.args[position]
            if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value.isalpha():
                found.add(value.value)
    return found


@pytest.mark.sphinx("html", testroot="basic")
def test_reference_documents_every_option_and_config_value(app, docs_html: Path) -> None:
    directives_page = (docs_html / "reference" / "directives.html").read_text(encoding="utf-8")
    registered = app.registry.domain_directives["cjm"]
    assert {"persona", "journey", "stage", "touchpoint", "journey-table", "emotion-curve"} <= set(registered)
    for name, directive in registered.items():
        assert f'id="{name}"' in directives_page, f"no section for {name}"
        for option in getattr(directive, "option_spec", None) or {}:
            assert (
                f'<code class="docutils literal notranslate"><span class="pre">:{option}:</span></code>'
                in directives_page
            ), f"{name} :{option}: is not in the reference"
    config_page = (docs_html / "reference" / "config.html").read_text(encoding="utf-8")
    names = [n for n in app.config.values if n.startswith("cjm_")]
    assert "cjm_emotion_scale" in names
    for name in names:
        assert f'<span class="pre">{name}</span>' in config_page, f"{name} is not in the reference"
    # The generated default is the real one, not a hand-written copy.
    assert '<span class="pre">(-2,</span>' in config_page and "<span class=\"pre\">'cjm.json'</span>" in config_page


def test_warning_page_lists_every_subtype(docs_html: Path) -> None:
    page = (docs_html / "reference" / "warnings.html").read_text(encoding="utf-8")
    subtypes = warning_subtypes_in_code()
    assert {"ref", "emotion", "option", "duplicate", "yaml", "csv"} <= subtypes
    for subtype in sorted(subtypes):
        assert f"cjm.{subtype}" in page, f"cjm.{subtype} is not documented"
    assert (
        'suppress_warnings</span> <span class="o">=</span> <span class="p">[</span><span class="s2">"cjm.coverage"'
        in page
    )


def test_tutorial_map_is_a_real_map(docs_html: Path) -> None:
    page = (docs_html / "tutorial" / "map.html").read_text(encoding="utf-8")
    assert 'class="cjm-journey-table' in page and 'class="cjm-emotion-curve' in page
    for anchor in ("tut-review", "tut-checkout", "tut-locker-sms", "tut-subscription-email"):
        assert f'id="{anchor}"' in page
    steps = (docs_html / "tutorial" / "index.html").read_text(encoding="utf-8")
    # Each step quotes the source of the finished map, and the table shown elsewhere links back.
    assert steps.count('class="highlight-rst notranslate"') >= 5
    assert 'href="map.html#tut-locker-sms"' in steps
    export = (docs_html / "cjm.json").read_text(encoding="utf-8")
    assert '"id": "tut-subscription"' in export


def test_gallery_publishes_the_example_site(docs_html: Path) -> None:
    gallery = (docs_html / "gallery" / "clinic.html").read_text(encoding="utf-8")
    assert 'href="../examples/clinic/index.html"' in gallery
    clinic = (docs_html / "examples" / "clinic" / "comparison.html").read_text(encoding="utf-8")
    assert 'class="cjm-emotion-curve' in clinic
    wholesale = (docs_html / "examples" / "wholesale" / "map.html").read_text(encoding="utf-8")
    assert "Точки контакта" in wholesale, "the case study keeps its own language"
    assert 'class="cjm-journey-table' in wholesale


def test_each_case_page_shows_the_first_page_of_its_map_in_the_pdf(docs_html: Path) -> None:
    """The PNGs of the examples' PDF (drawn by tests/test_pdf.py, `make pdf-shots`), one on each case's page."""
    for case in ("wholesale", "doors", "clinic"):
        page = (docs_html / "gallery" / f"{case}.html").read_text(encoding="utf-8")
        figure = re.search(
            rf'<img alt="(The first page of [^"]+ in the PDF[^"]*)" src="../_images/pdf-{case}-map\.png" />\s*'
            r'<figcaption>\s*<p><span class="caption-text">([^<]+)</span>',
            page,
        )
        assert figure, case
        assert "PDF" in figure[2] and "landscape page" in figure[2], case
        shot = (docs_html / "_images" / f"pdf-{case}-map.png").read_bytes()
        assert shot == (DOCS / "_static" / "shots" / f"pdf-{case}-map.png").read_bytes()
        width, height = int.from_bytes(shot[16:20], "big"), int.from_bytes(shot[20:24], "big")
        assert (width, height) == (660, 510), case  # a landscape Letter page at 60 dpi, as pdftoppm -r 60 draws it
    # Not among the browser screenshots of the gallery's index.
    assert "pdf-" not in (docs_html / "gallery" / "index.html").read_text(encoding="utf-8")


def test_github_pages_workflow_builds_with_W_and_deploys() -> None:
    workflow = yaml.safe_load((DOCS / "recipes" / "github-pages.yml").read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"push", "pull_request"} <= set(triggers)
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build = workflow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in build]
    assert uses[:2] == ["actions/checkout", "actions/setup-python"]
    commands = [step["run"] for step in build if "run" in step]
    build_command = next(c for c in commands if "sphinx" in c)
    assert " -W " in build_command and "-b html docs docs/_build/html" in build_command
    upload = next(step for step in build if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "docs/_build/html"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert any('".[docs]"' in c for c in commands), "the install step installs the docs extra"


def test_readthedocs_config_points_at_the_docs() -> None:
    config = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    assert config["sphinx"] == {"configuration": "docs/conf.py", "fail_on_warning": True}
    assert (ROOT / config["sphinx"]["configuration"]).is_file()
    install = config["python"]["install"][0]
    assert install["method"] == "pip" and install["path"] == "."
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for extra in install["extra_requirements"]:
        assert f"\n{extra} = [" in pyproject, f"no {extra!r} extra in pyproject.toml"
    assert "furo" in pyproject.split("\ndocs = [", 1)[1].split("]", 1)[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def test_sphinx_autobuild_rebuilds_an_edited_touchpoint(tmp_path: Path) -> None:
    autobuild = Path(sys.executable).with_name("sphinx-autobuild")
    if not autobuild.exists():
        pytest.skip("sphinx-autobuild is not installed")
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text('extensions = ["sphinx_cjm"]\n', encoding="utf-8")
    page = source / "index.rst"
    page.write_text(
        "Map\n===\n\n.. journey:: Ordering\n   :id: j\n\n   .. stage:: Visit\n      :id: j-visit\n\n"
        "      .. touchpoint:: Sales rep's visit\n         :id: j-rep\n         :emotion: 1\n",
        encoding="utf-8",
    )
    port = free_port()
    server = subprocess.Popen(
        [str(autobuild), str(source), str(tmp_path / "out"), "--host", "127.0.0.1", "--port", str(port), "-q"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/index.html"
    try:
        deadline = time.monotonic() + 60
        html = ""
        while "Sales rep&#39;s visit" not in html and "Sales rep’s visit" not in html:
            assert time.monotonic() < deadline, "sphinx-autobuild did not serve the page"
            assert server.poll() is None, "sphinx-autobuild stopped"
            time.sleep(0.5)
            try:
                html = fetch(url)
            except OSError:
                continue
        assert 'id="j-rep"' in html
        page.write_text(
            page.read_text(encoding="utf-8").replace("Sales rep's visit", "Rep visit with a tablet"), encoding="utf-8"
        )
        deadline = time.monotonic() + 60
        while "Rep visit with a tablet" not in html:
            assert time.monotonic() < deadline, "the edited touchpoint never showed"
            time.sleep(0.5)
            html = fetch(url)
        # The journey's table, built from the whole project, shows the new title as a link.
        table = html.split('class="cjm-journey-table', 1)[1].split("</table>", 1)[0]
        assert 'href="#j-rep"' in table and "Rep visit with a tablet" in table
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def test_home_page_opens_with_a_map_and_keeps_the_api_out_of_its_contents(docs_html: Path) -> None:
    page = (docs_html / "index.html").read_text(encoding="utf-8")
    body = page[page.index('<article role="main"') :]
    assert (
        body.index('class="cjm-journey-table')
        < body.index('class="cjm-emotion-curve')
        < body.index("MyST Markdown (map.md)")
    )
    assert "reStructuredText (map.rst)" in body and "MyST Markdown (map.md)" in body
    # The Python API is one entry of the table of contents, not its functions one by one.
    assert "sphinx_cjm.model.assemble" not in page.partition('<article role="main"')[0]


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("index.rst", (DOCS / "_snippets" / "home-map.rst").read_text(encoding="utf-8")),
        ("index.md", (DOCS / "_snippets" / "home-map.md").read_text(encoding="utf-8")),
    ],
)
def test_the_home_page_source_builds_alone_with_W_in_both_markups(tmp_path: Path, name: str, source: str) -> None:
    """What a reader copies from the home page builds as it is, and both markups give the same table."""
    (tmp_path / "conf.py").write_text('extensions = ["myst_parser", "sphinx_cjm"]\n', encoding="utf-8")
    (tmp_path / name).write_text(f"Map\n===\n\n{source}" if name.endswith(".rst") else f"# Map\n\n{source}")
    result = sphinx_build("-b", "html", str(tmp_path), str(tmp_path / "_build"))
    assert (result.returncode, result.stderr) == (0, "")
    html = (tmp_path / "_build" / "index.html").read_text(encoding="utf-8")
    table = html[html.index('class="cjm-journey-table') :]
    table = table[: table.index("</table>")]
    for text in (
        "First contact",
        "First order",
        "Habit",
        "Checkout in the app",
        "Pay on delivery for the first order",
    ):
        assert text in table, text


def test_quickstart_myst_snippet_builds_alone_with_W(tmp_path: Path) -> None:
    """The Quick start's MyST example defines everything it uses."""
    text = (DOCS / "quickstart.rst").read_text(encoding="utf-8")
    block = text[text.index(".. code-block:: markdown") :].split("\n\n", 1)[1]
    lines = []
    for line in block.splitlines():
        if line and not line.startswith("   "):
            break
        lines.append(line[3:])
    (tmp_path / "conf.py").write_text('extensions = ["myst_parser", "sphinx_cjm"]\n', encoding="utf-8")
    (tmp_path / "index.md").write_text("# Map\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    result = sphinx_build("-b", "html", str(tmp_path), str(tmp_path / "_build"))
    assert (result.returncode, result.stderr) == (0, "")
    assert 'class="cjm-journey-table' in (tmp_path / "_build" / "index.html").read_text(encoding="utf-8")


def test_example_site_reads_right_in_russian(docs_html: Path) -> None:
    """The case studies' own metadata: Furo's footer names the agency and the year, the search box is Russian."""
    page = (docs_html / "examples" / "index.html").read_text(encoding="utf-8")
    assert "Copyright &#169; 2026, CX-агентство «Точка контакта»" in page
    assert 'placeholder="Поиск"' in page
    assert re.search(r'<html[^>]* lang="ru"', page)


def test_gallery_shows_thumbnails_drawn_at_build_time(docs_html: Path, tmp_path: Path) -> None:
    page = (docs_html / "gallery" / "index.html").read_text(encoding="utf-8")
    thumbs = re.findall(r'<img alt="([^"]*)" class="cjm-gallery-thumb" src="../_images/(\w+)\.png"', page)
    assert [case for _alt, case in thumbs] == ["wholesale", "doors", "clinic"]
    for _alt, case in thumbs:
        data = (docs_html / "_images" / f"{case}.png").read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 10_000
    # Reproducible: drawn again from the published case studies' export, the same bytes.
    sys.path.insert(0, str(DOCS / "_ext"))
    import cjm_gallery

    export = json.loads((docs_html / "examples" / "cjm.json").read_text(encoding="utf-8"))
    assert cjm_gallery.examples_language(EXAMPLES) == "ru"
    cjm_gallery.draw_thumbnails(SimpleNamespace(srcdir=tmp_path), export, "ru")
    for _alt, case in thumbs:
        redrawn = (tmp_path / cjm_gallery.THUMBS / f"{case}.png").read_bytes()
        assert redrawn == (docs_html / "_images" / f"{case}.png").read_bytes(), case
    # The case studies are Russian: so are the thumbnails' axis, legend and numbers (read as SVG text).
    journeys = [diff.assembled_from_export(j) for j in export["journeys"] if j["docname"].startswith("clinic/")]
    drawing = cjm_gallery.thumbnail(journeys, "ru", "svg").decode("utf-8")
    words = re.findall(r"<text [^>]*>([^<]*)</text>", drawing)
    assert {"Эмоция", "Болевая точка (барьер)", "\u22122"} <= set(words)
    assert "Emotion" not in words and "Pain point (barrier)" not in words


def map_content(data: object) -> object:
    """An export's objects without where they stand, nor the evidence other pages of the docs add to them."""
    if isinstance(data, dict):
        return {key: map_content(value) for key, value in data.items() if key not in ("docname", "evidence")}
    if isinstance(data, list):
        return [map_content(item) for item in data]
    return data


def test_tutorial_map_in_myst_is_the_same_map(docs_html: Path, tmp_path: Path) -> None:
    """The tutorial quotes a MyST twin of its map beside the RST: both build into the same objects."""
    (tmp_path / "conf.py").write_text('extensions = ["myst_parser", "sphinx_cjm"]\n', encoding="utf-8")
    shutil.copy(DOCS / "_snippets" / "tutorial-map.md", tmp_path / "index.md")
    result = sphinx_build("-b", "html", str(tmp_path), str(tmp_path / "_build"))
    assert (result.returncode, result.stderr) == (0, "")
    myst = json.loads((tmp_path / "_build" / "cjm.json").read_text(encoding="utf-8"))
    rst = json.loads((docs_html / "cjm.json").read_text(encoding="utf-8"))
    [rst_journey] = [j for j in rst["journeys"] if j["id"] == "tut-subscription"]
    assert map_content(myst["journeys"]) == [map_content(rst_journey)]
    [rst_persona] = [p for p in rst["personas"] if p["id"] == "tut-remote-worker"]
    assert map_content(myst["personas"]) == [map_content(rst_persona)]


def test_every_directive_is_shown_in_rst_and_myst(docs_html: Path) -> None:
    page = (docs_html / "reference" / "directives.html").read_text(encoding="utf-8")

    def blocks(language: str) -> list[str]:
        found = re.findall(
            rf'<div class="highlight-{language} notranslate"><div class="highlight"><pre>(.*?)</pre>', page, re.S
        )
        return [html.unescape(re.sub(r"<[^>]+>", "", block)) for block in found]

    rst, myst = blocks("rst"), blocks("markdown")
    for name in sphinx_cjm.DIRECTIVES:
        assert any(block.startswith(f".. {name}::") for block in rst), f"{name} has no RST form"
        assert any(block.startswith(f"```{{{name}}}") for block in myst), f"{name} has no MyST form"


#: An example shown in both markups: a code block captioned "reStructuredText", then its twin
#: captioned "MyST Markdown" (written as a directive in .rst pages, as a fence in .md pages).
RST_EXAMPLE = re.compile(
    r"^\.\. code-block:: (rst|markdown)\n   :caption: (?:reStructuredText|MyST Markdown)\n\n((?:   .*\n|\n)+)", re.M
)
MD_EXAMPLE = re.compile(
    r"^(`{3,})\{code-block\} (rst|markdown)\n:caption: (?:reStructuredText|MyST Markdown)\n\n(.*?)\n\1$", re.M | re.S
)


#: A block of markup shown without the caption that names its markup.
UNCAPTIONED = re.compile(
    r"^(?:\.\. code-block:: (?:rst|markdown)\n(?!   :caption:)|`{3,}(?:\{code-block\} )?(?:rst|markdown)\n(?!:caption:))",
    re.M,
)


def examples_in_both_markups(page: Path) -> list[tuple[str, str]]:
    """Each example of a docs page as (reStructuredText, MyST Markdown), in the page's order."""
    text = page.read_text(encoding="utf-8")
    assert not UNCAPTIONED.findall(text), f"{page.name}: an example is not captioned with its markup"
    if page.suffix == ".rst":
        blocks = [(language, textwrap.dedent(body).strip()) for language, body in RST_EXAMPLE.findall(text)]
    else:
        blocks = [(language, body.strip()) for _fence, language, body in MD_EXAMPLE.findall(text)]
    languages = [language for language, _body in blocks]
    assert languages == ["rst", "markdown"] * (len(blocks) // 2), f"{page.name}: an example lacks its twin"
    return [(rst, myst) for (_, rst), (_, myst) in zip(blocks[::2], blocks[1::2], strict=True)]


def build_examples_on_the_tutorial_map(directory: Path, page: str, examples: list[str]) -> Path:
    """``examples`` on a page of their own beside the tutorial's map, built with -W; the output directory."""
    directory.mkdir()
    (directory / "conf.py").write_text('extensions = ["myst_parser", "sphinx_cjm"]\n', encoding="utf-8")
    tutorial_map = (DOCS / "_snippets" / "tutorial-map.md").read_text(encoding="utf-8")
    (directory / "map.md").write_text("---\norphan: true\n---\n\n" + tutorial_map, encoding="utf-8")
    title = "Examples\n========\n\n" if page.endswith(".rst") else "# Examples\n\n"
    (directory / page).write_text(title + "\n\n".join(examples) + "\n", encoding="utf-8")
    result = sphinx_build("-b", "html", str(directory), str(directory / "_build"))
    assert (result.returncode, result.stderr) == (0, "")
    return directory / "_build"


@pytest.mark.parametrize("page", sorted(p.name for p in (DOCS / "guide").iterdir()))
def test_every_guide_example_is_shown_in_both_markups(page: str) -> None:
    examples_in_both_markups(DOCS / "guide" / page)


@pytest.mark.parametrize(("page", "count"), [("guide/recommendations.rst", 3), ("guide/registers.md", 4)])
def test_guide_examples_build_alike_in_both_markups(tmp_path: Path, page: str, count: int) -> None:
    """Every example of the page, in reStructuredText and in MyST Markdown, builds alone and into the same map."""
    examples = examples_in_both_markups(DOCS / page)
    assert len(examples) == count
    rst = build_examples_on_the_tutorial_map(tmp_path / "rst", "index.rst", [rst for rst, _myst in examples])
    myst = build_examples_on_the_tutorial_map(tmp_path / "myst", "index.md", [myst for _rst, myst in examples])
    exports = [json.loads((out / "cjm.json").read_text(encoding="utf-8")) for out in (rst, myst)]
    assert map_content(exports[0]) == map_content(exports[1])
    registers = [Tables.read(out / "index.html", "cjm-register-table") for out in (rst, myst)]
    assert registers[0] and registers[0] == registers[1]
