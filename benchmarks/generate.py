"""Synthetic journey-map sites of N pages, in three forms with the same content.

Each page holds one persona and one journey of 7 stages x 6 touchpoints with every
field filled in; every third page is in Russian. The journey links to the next
page's journey, and ``overview`` shows the table of the first journey again, so
editing one of its touchpoints must rewrite exactly ``case-000`` and ``overview``.

Forms:

``lean``         the lean floor, "a table and a curve per journey": per page the journey's
                 ``list-table`` with the same visible text as sphinx_cjm's table, and one
                 shared image for the curve (what Sphinx alone costs for the map itself);
``plain``        the present floor: hand-written reST of everything sphinx_cjm renders,
                 ``list-table``, one shared image, labelled blocks and ``:ref:`` links for
                 every stage and touchpoint;
``plot``         the lean floor with matplotlib's own ``.. plot::`` drawing each journey's
                 curve (what a site without sphinx_cjm pays for real curves);
``cjm``          sphinx_cjm directives (table, curve and detail blocks built by the extension);
``cjm-compact``  the same with ``:details: compact`` on every journey;
``cjm-none``     the same with ``:details: none`` (no detail blocks, anchors kept);
``needs``        sphinx-needs: a need per persona, journey, stage and touchpoint and a
                 ``needtable`` per page (what teams use for this today).

Run ``python benchmarks/generate.py FORM N DIR`` to write one site.
"""

from __future__ import annotations

import argparse
import functools
import gettext
import shutil
from dataclasses import dataclass
from pathlib import Path

from sphinx_cjm import model
from sphinx_cjm.i18n import LANE_LABELS as CATALOG_LABELS
from sphinx_cjm.i18n import LOCALE_DIR, MESSAGE_CATALOG

FORMS = ("lean", "plain", "plot", "cjm", "cjm-compact", "cjm-none", "needs")
#: The ``:details:`` option of each sphinx_cjm form.
CJM_DETAILS = {"cjm": "", "cjm-compact": "compact", "cjm-none": "none"}
STAGES_PER_JOURNEY = 7
TOUCHPOINTS_PER_STAGE = 6
#: The touchpoint edited by the incremental benchmark (case 0, stage 3, touchpoint 2).
EDITED = (0, 3, 2)

LANES = (
    "actions", "goals", "expectations", "touchpoints", "emotion", "positive", "doubts", "negative",
    "barriers", "solutions", "business-goals", "kpis", "backstage", "owners", "systems",
)  # fmt: skip
TEXT_LANES = tuple(lane for lane in LANES if lane not in model.COMPUTED_LANES)
# The plain and sphinx-needs forms show the labels the extension shows, from its own catalog.
_RUSSIAN = gettext.translation(MESSAGE_CATALOG, LOCALE_DIR, languages=["ru"])
LANE_LABELS = {
    "en": {lane: str(CATALOG_LABELS[lane]) for lane in LANES},
    "ru": {lane: _RUSSIAN.gettext(str(CATALOG_LABELS[lane])) for lane in LANES},
}

# --- content: the same for every form ---------------------------------------------------------

BUSINESSES = {
    "en": ["Front doors", "Kitchens to order", "Plastic windows", "Dental clinic", "Wholesale for small shops",
           "Car service", "Fitness club", "Cosmetology clinic", "Furniture salon", "Solar panels"],
    "ru": ["Входные двери", "Кухни на заказ", "Пластиковые окна", "Стоматологическая клиника",
           "Оптовый сервис для магазинов", "Автосервис", "Фитнес-клуб", "Клиника косметологии"],
}  # fmt: skip
PERSONAS = {
    "en": [("Homeowner", "City flats"), ("Shop owner", "Small retail"), ("Young family", "Suburbs")],
    "ru": [("Владелец квартиры", "Городские квартиры"), ("Владелец магазина", "Малая розница")],
}
STAGE_TITLES = {
    "en": ["Awareness and search", "Choosing a company", "Studying the site", "Visiting the store",
           "Contract and payment", "Delivery and installation", "Keeping in touch"],
    "ru": ["Осознание и поиск", "Выбор компании", "Изучение сайта", "Визит в салон",
           "Договор и оплата", "Доставка и монтаж", "Повторная покупка"],
}  # fmt: skip
TOUCHPOINT_TITLES = {
    "en": ["Search ad", "Review site", "Landing page", "Call centre", "Price list", "Sales rep's visit",
           "Showroom", "Parking lot", "Online chat", "SMS reminder", "E-mail offer", "Installer's visit"],
    "ru": ["Поисковая реклама", "Сайт отзывов", "Посадочная страница", "Колл-центр", "Прайс-лист",
           "Визит торгового представителя", "Шоурум", "Парковка", "Онлайн-чат", "СМС-напоминание",
           "Письмо с предложением", "Визит монтажника"],
}  # fmt: skip
LANE_TEXT = {  # lane -> (English items, Russian items)
    "actions": (
        ["Compares three offers", "Asks neighbours for advice"],
        ["Сравнивает три предложения", "Спрашивает совета у соседей"],
    ),
    "goals": (
        ["Understand the full price", "Order without a phone call"],
        ["Понять полную цену", "Заказать без звонка"],
    ),
    "expectations": (
        ["An answer within an hour", "Samples to touch"],
        ["Ответ в течение часа", "Образцы, которые можно потрогать"],
    ),
    "positive": (["Likes the samples", "Polite manager"], ["Нравятся образцы", "Вежливый менеджер"]),
    "doubts": (["Is the price final?", "Will they come on time?"], ["Цена окончательная?", "Приедут ли вовремя?"]),
    "negative": (["Waited too long", "Hidden extra costs"], ["Слишком долго ждал", "Скрытые доплаты"]),
    "barriers": (["No reviews from real buyers"], ["Нет отзывов реальных покупателей"]),
    "solutions": (["Collect reviews after installation"], ["Собирать отзывы после монтажа"]),
    "business-goals": (
        ["First order within a week", "Raise the average bill"],
        ["Первый заказ за неделю", "Рост среднего чека"],
    ),
    "kpis": (
        ["Share of visits with an order", "Conversion to visit"],
        ["Доля визитов с первым заказом", "Конверсия в визит"],
    ),
    "backstage": (
        ["Manager prepares the estimate", "Warehouse reserves the goods"],
        ["Менеджер готовит смету", "Склад резервирует товар"],
    ),
    "owners": (["Sales manager", "Head of marketing"], ["Менеджер по продажам", "Директор по маркетингу"]),
    "systems": (["CRM", "Call tracking"], ["CRM", "Коллтрекинг"]),
}
TOUCHPOINT_TEXT = {
    "en": ["Interviews: most customers met this first.", "Web analytics shows a high exit rate here.",
           "Call recordings: the question is asked every second call.", "Customers mention it unprompted."],
    "ru": ["Интервью: большинство клиентов сталкивались с этим первыми.", "Веб-аналитика: высокий процент выходов.",
           "Записи звонков: вопрос звучит в каждом втором разговоре.", "Клиенты упоминают это сами."],
}  # fmt: skip
BARRIERS = {
    "en": [
        "Does not trust an online service with money",
        "No price on the site",
        "Long wait on the line",
        "Cannot find the parking lot",
        "Estimate differs from the price list",
    ],
    "ru": [
        "Не доверяет онлайн-сервису деньги",
        "На сайте нет цены",
        "Долгое ожидание на линии",
        "Не найти парковку",
        "Смета отличается от прайса",
    ],
}
SOLUTIONS = {
    "en": [
        "Rep places the first order together with the owner",
        "Publish prices with examples",
        "Call-back within 5 minutes",
        "Map and signs at the entrance",
        "Fixed price in the contract",
    ],
    "ru": [
        "Представитель оформляет первый заказ вместе с владельцем",
        "Опубликовать цены с примерами",
        "Перезвон в течение 5 минут",
        "Схема проезда и указатели",
        "Фиксированная цена в договоре",
    ],
}
OWNERS = {
    "en": ["Marketing", "Sales", "Call centre", "Operations"],
    "ru": ["Маркетинг", "Продажи", "Колл-центр", "Сервис"],
}
KPIS = {"en": ["CTR of the ad", "Share of calls answered in 30 s", "Conversion to visit"],
        "ru": ["CTR объявления", "Доля звонков с ответом за 30 с", "Конверсия в визит"]}  # fmt: skip
EMOTIONS = [1, 0.5, -1, 2, 0, -2, 1.5, -0.5]


@dataclass
class Touchpoint:
    key: str
    title: str
    channel: str
    emotion: float
    barrier: str
    solution: str
    owner: str
    kpi: str
    text: str


@dataclass
class Stage:
    key: str
    title: str
    emotion: float
    lanes: dict[str, list[str]]
    touchpoints: list[Touchpoint]


@dataclass
class Case:
    number: int
    language: str
    page_title: str
    persona: tuple[str, str]
    journey_title: str
    intro: str
    stages: list[Stage]

    @property
    def key(self) -> str:
        return f"{self.number:03d}"


def pick(items: list, n: int):
    return items[n % len(items)]


def make_case(n: int, revision: int = 0) -> Case:
    """Case ``n`` of a site; ``revision`` changes the barrier of the EDITED touchpoint only."""
    lang = "ru" if n % 3 == 2 else "en"
    business = pick(BUSINESSES[lang], n)
    stages = []
    for s in range(STAGES_PER_JOURNEY):
        touchpoints = []
        for t in range(TOUCHPOINTS_PER_STAGE):
            k = n + 7 * s + t
            barrier = pick(BARRIERS[lang], k)
            if (n, s, t) == EDITED and revision:
                barrier += f" (rev. {revision})"
            touchpoints.append(
                Touchpoint(
                    key=f"{n:03d}-{s}-{t}",
                    title=f"{pick(TOUCHPOINT_TITLES[lang], s * 2 + t)} {t + 1}",
                    channel="online" if k % 2 else "offline",
                    emotion=pick(EMOTIONS, k),
                    barrier=barrier,
                    solution=pick(SOLUTIONS[lang], k),
                    owner=pick(OWNERS[lang], k),
                    kpi=pick(KPIS[lang], k),
                    text=pick(TOUCHPOINT_TEXT[lang], k),
                )
            )
        lanes = {lane: LANE_TEXT[lane][lang == "ru"][: 1 + (n + s + i) % 2] for i, lane in enumerate(TEXT_LANES)}
        stages.append(Stage(f"{n:03d}-{s}", pick(STAGE_TITLES[lang], s), pick(EMOTIONS, n + s), lanes, touchpoints))
    intro = (
        "Путь клиента по материалам интервью и аналитики сайта."
        if lang == "ru"
        else "The journey as interviews, web analytics and call recordings show it."
    )
    return Case(
        number=n,
        language=lang,
        page_title=f"{n:03d}. {business}",
        persona=pick(PERSONAS[lang], n),
        journey_title=f"{business}: {'путь клиента' if lang == 'ru' else 'customer journey'} {n:03d}",
        intro=intro,
        stages=stages,
    )


def heading(text: str) -> str:
    return f"{text}\n{'=' * len(text)}\n\n"


def indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "".join(pad + line if line.strip() else line for line in text.splitlines(keepends=True))


def multiline_option(name: str, items: list[str], spaces: int) -> str:
    """``:name: a`` with further items on continuation lines, one per line."""
    first = f":{name}: "
    return first + ("\n" + " " * (spaces + len(first))).join(items) + "\n"


# --- the three forms ----------------------------------------------------------------------------


def cjm_page(case: Case, next_case: int, details: str = "") -> str:
    n = case.key
    out = [heading(case.page_title)]
    out.append(f".. persona:: {case.persona[0]}\n   :id: p{n}\n   :segment: {case.persona[1]}\n\n   {case.intro}\n\n")
    out.append(f".. journey:: {case.journey_title}\n   :id: j{n}\n   :persona: p{n}\n   :lanes: {', '.join(LANES)}\n")
    out.append(f"   :details: {details}\n\n" if details else "\n")
    out.append(f"   {case.intro} Next: :journey:`j{next_case:03d}`.\n\n")
    for stage in case.stages:
        body = f".. stage:: {stage.title}\n   :id: j{stage.key}\n"
        for lane, items in stage.lanes.items():
            body += "   " + multiline_option(lane, items, 3)
        body += f"   :emotion: {stage.emotion}\n\n"
        for tp in stage.touchpoints:
            body += indent(
                f".. touchpoint:: {tp.title}\n   :id: j{tp.key}\n   :channel: {tp.channel}\n"
                f"   :emotion: {tp.emotion}\n   :barrier: {tp.barrier}\n   :solution: {tp.solution}\n"
                f"   :owner: {tp.owner}\n   :kpi: {tp.kpi}\n\n   {tp.text}\n\n",
                3,
            )
        out.append(indent(body, 3))
    return "".join(out)


def plain_items(items: list[str]) -> str:
    return items[0] if len(items) == 1 else "\n".join(f"* {item}" for item in items)


def plain_table(case: Case, links: bool = True) -> str:
    """The journey's table as a ``list-table``; with ``links``, stage and touchpoint titles link to their blocks."""

    def title(text: str, target: str) -> str:
        return f":ref:`{text} <{target}>`" if links else text

    labels = LANE_LABELS[case.language]
    rows = [["Этап" if case.language == "ru" else "Stage"] + [title(s.title, f"s{s.key}") for s in case.stages]]
    for lane in LANES:
        row = [labels[lane]]
        for stage in case.stages:
            if lane == "touchpoints":
                row.append(plain_items([title(tp.title, f"t{tp.key}") for tp in stage.touchpoints]))
            elif lane == "emotion":
                row.append(str(stage.emotion))
            else:
                extra = {"barriers": [tp.barrier for tp in stage.touchpoints],
                         "solutions": [tp.solution for tp in stage.touchpoints]}.get(lane, [])  # fmt: skip
                row.append(plain_items(stage.lanes[lane] + extra))
        rows.append(row)
    text = ".. list-table::\n   :header-rows: 1\n   :stub-columns: 1\n   :class: journey-table\n\n"
    for row in rows:
        text += "".join(
            ("   * - " if i == 0 else "     - ") + indent(cell, 7).lstrip() + "\n" for i, cell in enumerate(row)
        )
    return text + "\n"


def plain_fields(fields: list[tuple[str, str]]) -> str:
    return "".join(f":{name}: {value}\n" for name, value in fields) + "\n"


def plain_page(case: Case, next_case: int) -> str:
    n = case.key
    out = [heading(case.page_title)]
    out.append(f".. _p{n}:\n\n.. rubric:: {case.persona[0]}\n\n:Segment: {case.persona[1]}\n\n{case.intro}\n\n")
    out.append(f".. _j{n}:\n\n.. rubric:: {case.journey_title}\n\n:Persona: :ref:`{case.persona[0]} <p{n}>`\n\n")
    out.append(f"{case.intro} Next: :ref:`j{next_case:03d}`.\n\n")
    out.append(plain_table(case))
    out.append(SHARED_CURVE)
    labels = LANE_LABELS[case.language]
    for stage in case.stages:
        out.append(f".. _s{stage.key}:\n\n.. rubric:: {stage.title}\n\n")
        out.append(
            plain_fields(
                [(labels[lane], ", ".join(items)) for lane, items in stage.lanes.items()]
                + [("Emotion", str(stage.emotion))]
            )
        )
        for tp in stage.touchpoints:
            out.append(f".. _t{tp.key}:\n\n.. rubric:: {tp.title}\n\n")
            out.append(plain_fields([("Channel", tp.channel), ("Emotion", str(tp.emotion)), ("Barrier", tp.barrier),
                                     ("Solution", tp.solution), ("Owner", tp.owner), ("KPI", tp.kpi)]))  # fmt: skip
            out.append(f"{tp.text}\n\n")
    return "".join(out)


def lean_page(case: Case, next_case: int) -> str:
    """A table and a curve per journey: the journey's table, and one shared image."""
    return heading(case.page_title) + f"{case.intro}\n\n" + plain_table(case, links=False) + SHARED_CURVE


def plot_page(case: Case, next_case: int) -> str:
    """The lean page with the journey's own curve drawn by matplotlib's ``.. plot::`` directive."""
    points = [
        (s + (t + 1) / (len(stage.touchpoints) + 1), tp.emotion, tp.title)
        for s, stage in enumerate(case.stages)
        for t, tp in enumerate(stage.touchpoints)
    ]
    code = f"""\
import matplotlib.pyplot as plt

points = {points!r}
stages = {[stage.title for stage in case.stages]!r}
fig, ax = plt.subplots(figsize=(7.7, 3.9))
ax.plot([x for x, _, _ in points], [y for _, y, _ in points], marker="o")
for x, y, label in points:
    ax.annotate(label, (x, y), xytext=(0, 6), textcoords="offset points", ha="center", fontsize=7)
ax.set_xticks([s + 0.5 for s in range(len(stages))], stages, fontsize=7)
ax.set_xlim(0, len(stages))
ax.set_ylim(-2.5, 2.5)
ax.axhline(0, color="grey", linewidth=0.5)
"""
    table = plain_table(case, links=False)
    return (
        heading(case.page_title)
        + f"{case.intro}\n\n"
        + table
        + ".. plot::\n   :alt: Emotion curve\n\n"
        + indent(code, 3)
        + "\n"
    )


def needs_id(key: str, prefix: str) -> str:
    return f"{prefix}_{key.replace('-', '_')}"


def needs_page(case: Case, next_case: int) -> str:
    n = case.key
    tag = f"jrn{n}"
    out = [heading(case.page_title)]
    out.append(
        f".. persona:: {case.persona[0]}\n   :id: PRS_{n}\n   :segment: {case.persona[1]}\n\n   {case.intro}\n\n"
    )
    out.append(f".. journey:: {case.journey_title}\n   :id: JRN_{n}\n   :links: PRS_{n}\n   :tags: {tag}\n\n")
    out.append(f"   {case.intro} Next: :need:`JRN_{next_case:03d}`.\n\n")
    out.append(needs_table(tag))
    out.append(SHARED_CURVE)
    for stage in case.stages:
        out.append(
            f".. stage:: {stage.title}\n   :id: {needs_id(stage.key, 'STG')}\n   :links: JRN_{n}\n   :tags: {tag}\n"
        )
        out.append("".join(f"   :{lane}: {'; '.join(items)}\n" for lane, items in stage.lanes.items()))
        out.append(f"   :emotion: {stage.emotion}\n\n")
        for tp in stage.touchpoints:
            out.append(
                f".. touchpoint:: {tp.title}\n   :id: {needs_id(tp.key, 'TP')}\n   :links: {needs_id(stage.key, 'STG')}\n"
                f"   :tags: {tag}\n   :channel: {tp.channel}\n   :emotion: {tp.emotion}\n   :barrier: {tp.barrier}\n"
                f"   :solution: {tp.solution}\n   :owner: {tp.owner}\n   :kpi: {tp.kpi}\n\n   {tp.text}\n\n"
            )
    return "".join(out)


def needs_table(tag: str) -> str:
    return (
        f".. needtable::\n   :tags: {tag}\n   :columns: id;title;type;channel;emotion;barrier;solution;owner;kpi\n"
        "   :style: table\n   :sort: id\n\n"
    )


PAGE_WRITERS = {
    "lean": lean_page,
    "plain": plain_page,
    "plot": plot_page,
    **{form: functools.partial(cjm_page, details=details) for form, details in CJM_DETAILS.items()},
    "needs": needs_page,
}

CONF = {
    **dict.fromkeys(CJM_DETAILS, 'extensions = ["sphinx_cjm"]\n'),
    "lean": "extensions = []\n",
    "plain": "extensions = []\n",
    # SVG like sphinx_cjm's curve (the default also writes PNG, high-resolution PNG and PDF).
    "plot": (
        'extensions = ["matplotlib.sphinxext.plot_directive"]\nplot_formats = ["svg"]\n'
        "plot_html_show_formats = False\nplot_html_show_source_link = False\n"
    ),
    "needs": (
        'extensions = ["sphinx_needs"]\n'
        "needs_types = [\n"
        + "".join(
            f'    {{"directive": "{d}", "title": "{d.title()}", "prefix": "{p}_", "color": "#BFD8D2", "style": "node"}},\n'
            for d, p in (("persona", "PRS"), ("journey", "JRN"), ("stage", "STG"), ("touchpoint", "TP"))
        )
        + "]\n"
        + f"needs_fields = { {name: {'nullable': True} for name in [*TEXT_LANES, 'segment', 'channel', 'emotion', 'barrier', 'solution', 'owner', 'kpi']}!r}\n"
    ),
}
SHARED_CURVE = ".. image:: /curve.svg\n   :alt: Emotion curve\n\n"
CURVE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="420" height="120" viewBox="0 0 420 120">'
    '<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="0,60 60,30 120,90 180,20 240,70 300,50 360,40 420,60"/>'
    "</svg>\n"
)


def overview_page(form: str, revision: int = 0) -> str:
    """The first journey's table again; in the hand-written forms a hand-made copy of it."""
    text = heading("Overview") + "The first journey, as shown to the board.\n\n"
    if form in CJM_DETAILS:
        return text + ".. journey-table:: j000\n"
    if form == "needs":
        return text + needs_table("jrn000")
    return text + plain_table(make_case(0, revision), links=form == "plain")


HAND_WRITTEN = ("lean", "plain", "plot")


def write_site(form: str, n_pages: int, srcdir: Path) -> None:
    """Write a whole site (conf.py, index, overview, ``n_pages`` cases) into ``srcdir``."""
    if srcdir.exists():
        shutil.rmtree(srcdir)
    srcdir.mkdir(parents=True)
    (srcdir / "conf.py").write_text(f'project = "Benchmark ({form})"\n' + CONF[form], encoding="utf-8")
    (srcdir / "curve.svg").write_text(CURVE_SVG, encoding="utf-8")
    (srcdir / "index.rst").write_text(
        heading("Journey maps") + ".. toctree::\n   :glob:\n\n   overview\n   case-*\n", encoding="utf-8"
    )
    (srcdir / "overview.rst").write_text(overview_page(form), encoding="utf-8")
    for n in range(n_pages):
        write_case(form, srcdir, n, n_pages)


def write_case(form: str, srcdir: Path, n: int, n_pages: int, revision: int = 0) -> None:
    page = PAGE_WRITERS[form](make_case(n, revision), (n + 1) % n_pages)
    (srcdir / f"case-{n:03d}.rst").write_text(page, encoding="utf-8")


def edit_touchpoint(form: str, srcdir: Path, n_pages: int, revision: int) -> list[str]:
    """Change the barrier of the EDITED touchpoint; returns the source files touched.

    The hand-written forms keep a hand-made copy of the table in ``overview``, so their
    user has to edit both files; the other forms edit the case page alone.
    """
    write_case(form, srcdir, EDITED[0], n_pages, revision)
    touched = [f"case-{EDITED[0]:03d}.rst"]
    if form in HAND_WRITTEN:
        (srcdir / "overview.rst").write_text(overview_page(form, revision), encoding="utf-8")
        touched.append("overview.rst")
    return touched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("form", choices=FORMS)
    parser.add_argument("pages", type=int)
    parser.add_argument("srcdir", type=Path)
    args = parser.parse_args()
    write_site(args.form, args.pages, args.srcdir)


if __name__ == "__main__":
    main()
