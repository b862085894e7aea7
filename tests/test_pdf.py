"""PDF that loses nothing: the example site and a 6-stage × 11-lane map through XeLaTeX.

Each source is built to HTML (the journey tables' cells, as a reader sees them) and to
LaTeX, then to PDF with latexmk; the PDF's text (``pdftotext``) must hold every word of
every cell, and the LaTeX log no ``Overfull \\vbox``, no undefined reference and no character missing
from its font (printed as an empty box). Slow
(about a minute a source): marked ``pdf``, deselect with ``-m 'not pdf'``.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from tablesparse import Tables

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
PDF_ROOT = Path(__file__).parent / "roots" / "test-pdf"
WORD = re.compile(r"\w+")
#: The docs gallery's pictures of the examples' PDF, one page a case study, drawn here;
#: ``make pdf-shots`` copies them to ``docs/_static/shots/`` (as the browser tests' screenshots were).
PDF_SHOTS = EXAMPLES / "_build" / "pdf-shots"

pytestmark = pytest.mark.pdf


@dataclass
class Built:
    html: Path
    latex: Path
    tex: str
    log: str
    pdf: Path
    #: The PDF's text, page by page (``pdftotext -raw``: each cell's lines in the order LaTeX set them).
    pages: list[str]


def sphinx_build(builder: str, source: Path, out: Path, doctrees: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", builder, "-d", str(doctrees), str(source), str(out)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0 and result.stderr == "", result.stderr


def build_pdf(source: Path, out: Path) -> Built:
    if not (shutil.which("latexmk") and shutil.which("xelatex") and shutil.which("pdftotext")):
        pytest.skip("latexmk, xelatex or poppler-utils not installed (make system-deps)")
    sphinx_build("html", source, out / "html", out / "doctrees")
    sphinx_build("latex", source, out / "latex", out / "doctrees")
    tex_file = next((out / "latex").glob("*.tex"))
    run = subprocess.run(
        ["latexmk", "-pdfxe", "-interaction=nonstopmode", "-halt-on-error", tex_file.name],
        cwd=tex_file.parent, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:]
    pdf = tex_file.with_suffix(".pdf")
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return Built(
        html=out / "html",
        latex=out / "latex",
        tex=tex_file.read_text(encoding="utf-8"),
        log=tex_file.with_suffix(".log").read_text(encoding="utf-8", errors="replace"),
        pdf=pdf,
        pages=[unicodedata.normalize("NFKC", page) for page in text.split("\f")],
    )


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_pdf(EXAMPLES, tmp_path_factory.mktemp("examples-pdf"))


@pytest.fixture(scope="module")
def big_map(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_pdf(PDF_ROOT, tmp_path_factory.mktemp("big-map-pdf"))


def words_of(text: str) -> set[str]:
    """Words, also those LaTeX hyphenated at a line's end (``neigh-`` / ``bourhood``)."""
    joined = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    return set(WORD.findall(text)) | set(WORD.findall(joined))


def cells_missing_words(built: Built) -> dict[str, list[str]]:
    """For each journey-table cell of the HTML site with a word not in the PDF: those words."""
    in_pdf = words_of("\n".join(built.pages))
    missing: dict[str, list[str]] = {}
    pages = sorted(built.html.rglob("*.html"))
    assert pages
    tables = 0
    for page in pages:
        for table in Tables.read(page, "cjm-journey-table"):
            if "/cjm/" in page.as_posix():  # full-map pages repeat the maps of the site's pages
                continue
            tables += 1
            for row in table:
                if "cjm-curve-row" in row.classes:  # a picture in HTML, the figure after the table on paper
                    continue
                for cell in row.cells:
                    lost = [w for w in WORD.findall(unicodedata.normalize("NFKC", cell)) if w not in in_pdf]
                    if lost:
                        missing[f"{page.name}: {cell[:60]}"] = lost
    assert tables
    return missing


def log_problems(log: str) -> list[str]:
    overfull = re.findall(r"Overfull \\vbox[^\n]*", log)
    undefined = re.findall(r"(?:Hyper r|R)eference `[^']*' on page \d+ undefined", log)
    missing_glyphs = re.findall(r"Missing character: [^\n]*", log)
    return overfull + undefined + missing_glyphs


def page_rotations(pdf: Path) -> list[int]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True, check=True)
    return [int(rot) for rot in re.findall(r"^Page +\d+ rot: +(\d+)", info.stdout, re.M)]


def test_every_cell_of_the_examples_reaches_the_pdf(examples: Built) -> None:
    assert cells_missing_words(examples) == {}
    assert log_problems(examples.log) == []
    # The wholesale map's blueprint lines and the clinic's comparison, in Russian.
    text = "\n".join(examples.pages)
    assert "Действия внутри" in text and "Линия видимости" in text and "Петля лояльности" in text
    # The fonts set in examples/conf.py have every glyph the maps use, the rouble sign among them.
    assert "₽" in text
    # Numbers in the maps' languages: a decimal comma and a real minus sign in Russian.
    assert re.search(r"\u22120,\d", text)
    assert len(examples.pages) > 20
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "3", str(examples.pdf), str(examples.latex / "page")], check=True, timeout=60)  # fmt: skip
    assert len(list(examples.latex.glob("page-*.png"))) == 3


def test_a_six_stage_eleven_lane_map_loses_nothing(big_map: Built) -> None:
    assert cells_missing_words(big_map) == {}
    assert log_problems(big_map.log) == []
    assert r"\begin{longtable}" in big_map.tex and r"\begin{tabulary}" not in big_map.tex


#: What the symbols page (tests/roots/test-pdf/symbols.rst) shows with each sign the extension writes.
SIGNS_SHOWN = [
    "fact 27% \u2717 plan not met",
    "75% \u2713 plan met",
    "plan \u2264 2 days",
    "plan \u2265 40%",
    "plan 35\u201340%",
    "Emotion \u22121.5 1",
    "Touchpoints \u2014 \u2014",
]


def signs_missing(built: Built) -> list[str]:
    """Each of :data:`SIGNS_SHOWN` not in the text of the symbols page's chapter (the last one)."""
    chapter = next(n for n, page in enumerate(built.pages) if "MARKS AND SIGNS" in page)
    text = " ".join(" ".join(built.pages[chapter:]).split())
    return [shown for shown in SIGNS_SHOWN if shown not in text]


def test_every_sign_the_extension_writes_prints(big_map: Built) -> None:
    """The verdicts of KPIs and metrics (the ballot x in bold, which DejaVu Serif lacks), a plan's bound
    and range, the minus sign and an empty cell's dash reach the PDF as text."""
    assert log_problems(big_map.log) == []
    assert signs_missing(big_map) == []


def test_every_sign_prints_in_sphinxs_default_fonts_too(tmp_path: Path) -> None:
    """FreeSerif, Sphinx's XeLaTeX font, has the ballot x in its regular shape only, not in the bold of a verdict."""
    source = tmp_path / "src"
    source.mkdir()
    shutil.copy(PDF_ROOT / "symbols.rst", source)
    (source / "index.rst").write_text("Maps on paper\n=============\n\n.. toctree::\n\n   symbols\n", encoding="utf-8")
    (source / "conf.py").write_text(
        'extensions = ["sphinx_cjm"]\nlatex_engine = "xelatex"\n'
        'latex_documents = [("index", "maps.tex", "Maps on paper", "Tests", "manual")]\n',
        encoding="utf-8",
    )
    built = build_pdf(source, tmp_path / "out")
    assert "FreeSerifBold" in built.log
    assert log_problems(built.log) == []
    assert signs_missing(built) == []


def test_wide_maps_are_on_landscape_pages_with_the_stage_header_on_each(big_map: Built) -> None:
    rotations = page_rotations(big_map.pdf)
    assert len(rotations) == len(big_map.pages) - 1  # (the text ends with a form feed)
    stages = ["Looking for a clinic", "Booking an appointment", "Arrival and registration", "Seeing the doctor"]
    first = next(n for n, page in enumerate(big_map.pages) if "Table 1: A first visit to a private clinic" in page)
    clinic = [first]
    while "continued from previous page" in big_map.pages[clinic[-1] + 1]:
        clinic.append(clinic[-1] + 1)
    assert len(clinic) >= 2  # the 6-stage map breaks between rows onto a second page
    for n in clinic:
        assert rotations[n] == 90
        assert set(WORD.findall(" ".join(stages))) <= words_of(big_map.pages[n])
    # A 3-stage map stays on a portrait page.
    library = [n for n, page in enumerate(big_map.pages) if re.search(r"Table \d+: Renewing a library card", page)]
    assert library and all(rotations[n] == 0 for n in library)
    # Nine stages: two tables of consecutive stages (5 + 4), each with the lane column.
    assert big_map.tex.count("\\caption{Renovating a flat") == 2


def case_journeys(built: Built) -> dict[str, list[dict]]:
    """Each case study (the first folder of its pages, as the gallery groups them) and its journeys, in page order."""
    export = json.loads((built.html / "cjm.json").read_text(encoding="utf-8"))
    cases: dict[str, list[dict]] = {}
    for journey in sorted(export["journeys"], key=lambda j: j["docname"]):
        case, slash, _page = journey["docname"].partition("/")
        if slash:
            cases.setdefault(case, []).append(journey)
    return cases


def first_map_page(built: Built, journeys: list[dict]) -> tuple[int, dict]:
    """The 1-based number of the first page with a table captioned with one of ``journeys``' titles, and that journey."""
    for number, page in enumerate(built.pages, start=1):
        for journey in journeys:
            # The caption may be hyphenated across lines: its first three words are enough.
            opening = r"\s+".join(map(re.escape, journey["title"].split()[:3]))
            if re.search(rf"^\w+ \d+: {opening}", page, re.M):
                return number, journey
    raise AssertionError(f"no map of {[j['title'] for j in journeys]} in the PDF")


def test_first_map_page_of_each_case_study_for_the_gallery(examples: Built) -> None:
    PDF_SHOTS.mkdir(parents=True, exist_ok=True)
    cases = case_journeys(examples)
    assert sorted(cases) == ["clinic", "doors", "wholesale"]
    rotations = page_rotations(examples.pdf)
    for case, journeys in cases.items():
        number, journey = first_map_page(examples, journeys)
        page = examples.pages[number - 1]
        # The whole header: every stage of the case's first map is on its first page, which is landscape.
        stages = [stage["title"] for stage in journey["stages"]]
        assert set(WORD.findall(" ".join(stages))) <= words_of(page), case
        assert rotations[number - 1] == 90, case
        target = PDF_SHOTS / f"pdf-{case}-map"
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(number), "-l", str(number), "-singlefile", str(examples.pdf), str(target)], check=True, timeout=60)  # fmt: skip
        shot = target.with_suffix(".png").read_bytes()
        width, height = int.from_bytes(shot[16:20], "big"), int.from_bytes(shot[20:24], "big")
        assert width > height, case  # shown as read, turned to landscape


def grey_page(pdf: Path, number: int, dpi: int) -> list[bytes]:
    """Page ``number`` drawn in grey by pdftoppm, as rows of pixels (0 black, 255 white)."""
    pgm = subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(number), "-l", str(number), "-singlefile", str(pdf)], capture_output=True, check=True, timeout=60).stdout  # fmt: skip
    magic, width, height, _maxval, pixels = pgm.split(maxsplit=4)
    assert magic == b"P5"
    return [pixels[y * int(width) : (y + 1) * int(width)] for y in range(int(height))]


def longest_dark_run(pixels: bytes) -> tuple[int, int]:
    """Where the longest run of dark pixels starts and ends (inclusive); (0, -1) if none."""
    best, start = (0, -1), None
    for x, value in enumerate([*pixels, 255]):
        if value < 128 and start is None:
            start = x
        elif value >= 128 and start is not None:
            best = max(best, (start, x - 1), key=lambda run: run[1] - run[0])
            start = None
    return best


def frame_gaps(rows: list[bytes]) -> tuple[int, list[int]]:
    """The number of the table's horizontal rules (the rows ruled across half the page), and the rows
    between the first and the last of them where the frame's left or right side is missing."""
    runs = [(y, *longest_dark_run(row)) for y, row in enumerate(rows)]
    rules = [(y, left, right) for y, left, right in runs if right - left > len(rows[0]) // 2]
    assert rules, "no table on the page"
    (top, left, right), bottom = rules[0], rules[-1][0]
    distinct = sum(1 for above, below in itertools.pairwise(rules) if below[0] > above[0] + 1) + 1
    # Each side within two pixels of the rule's ends: a hairline falls on one pixel or the next.
    sides = [slice(left - 2, left + 3), slice(right - 2, right + 3)]
    gaps = [y for y in range(top, bottom + 1) if any(min(rows[y][side]) >= 128 for side in sides)]
    return distinct, gaps


def test_every_row_of_a_map_is_framed_like_its_header(examples: Built) -> None:
    """As a reader's viewer draws the first map page of each case study (100 dpi): the table's left and
    right borders run unbroken from its top rule to its bottom one, past a rule under every row."""
    for case, journeys in case_journeys(examples).items():
        number, _journey = first_map_page(examples, journeys)
        rules, gaps = frame_gaps(grey_page(examples.pdf, number, 100))
        assert gaps == [], case
        assert rules > 3, case  # not only above and under the header and at the foot: between the rows too


def page_number_clashes(pdf: Path) -> list[str]:
    """Each page whose number (a word of digits) runs into a word of its line: the same extent across
    the line, overlapping along it; either way round, so a landscape page's turned foot counts too."""
    layout = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    clashes = []
    for number, page in enumerate(layout.split("<page ")[1:], start=1):
        boxes = re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page
        )
        words = [
            ((float(x0), float(y0)), (float(x1), float(y1)), html.unescape(text)) for x0, y0, x1, y1, text in boxes
        ]
        for low, high, digits in (word for word in words if word[2].isdigit()):
            for other_low, other_high, other in words:
                for along, across in ((0, 1), (1, 0)):
                    same_line = (
                        abs(low[across] - other_low[across]) < 0.5 and abs(high[across] - other_high[across]) < 0.5
                    )
                    overlap = min(high[along], other_high[along]) - max(low[along], other_low[along])
                    if same_line and overlap > 0.5 and (low, digits) != (other_low, other):
                        clashes.append(f"page {number}: {digits} {other}")
    return clashes


def test_the_running_foot_never_runs_into_the_page_number(examples: Built) -> None:
    """A long chapter title in the foot (Sphinx's page style sets it across the whole width) wraps
    short of the page number (examples/conf.py), on portrait pages and on a map's landscape ones."""
    assert page_number_clashes(examples.pdf) == []
