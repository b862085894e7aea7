"""Numbers as a reader of the map's language writes them, through Babel (a Sphinx dependency).

Russian ``−0,5``, English ``−0.5``: the locale's decimal sign and grouping, a real minus
sign (U+2212) in every language, and at most two decimals (a mean like ``-0.6667`` reads
``−0,67``). One helper for the table, the registers, the curve's text and KPI values (:mod:`sphinx_cjm.kpis`).
"""

from __future__ import annotations

from functools import cache, lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal

#: CLDR patterns with an explicit negative part, so every language gets the real minus sign.
PLAIN = "#,##0.##;\u2212#,##0.##"
SIGNED = "+#,##0.##;\u2212#,##0.##"


@cache
def babel_locale(language: str | None) -> Locale:
    """The Babel locale of a Sphinx ``language`` code (``ru``, ``pt_BR``, ``zh-Hans``); English if unknown."""
    try:
        return Locale.parse(language or "en", sep="-" if "-" in (language or "") else "_")
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("en")


@lru_cache(maxsize=4096)  # a map repeats its few values in table, curve and descriptions
def format_number(value: float, language: str | None, *, signed: bool = False) -> str:
    """``value`` in ``language``; ``signed`` puts ``+`` before positive values (``0`` stays unsigned)."""
    if round(value, 2) == 0:
        value = 0  # no "−0" for a tiny negative mean
    pattern = SIGNED if signed and value > 0 else PLAIN
    return format_decimal(value, format=pattern, locale=babel_locale(language))
