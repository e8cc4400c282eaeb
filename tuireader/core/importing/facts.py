"""Facts found in a file, made into catalog values: names split, dates as YYYY[-MM[-DD]],
language codes, one-line text. Each extractor hands its raw findings through here, so the
catalog gets the same shapes whatever the format."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from tuireader.core.corpus import date_parts

# A date written at the start of a value: 2024-03-14, 2024-03-14T08:30:00+00:00, 2024/03/14,
# 2024-03, 2024. PDF dates (D:20240314083000) are read by `pdf_date`.
_LEADING_DATE = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?=$|[T\s])")
_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
# Between names in one author field: ";", " and ", " & ", "|" (a comma may be "Last, First").
_NAME_SEPARATORS = re.compile(r"\s*(?:;|\||\s&\s|\sand\s)\s*", re.IGNORECASE)
_BY = re.compile(r"^by\s+", re.IGNORECASE)


def one_line(value: Any) -> str:
    """Text with runs of white space made single spaces (a catalog value is one line)."""
    return " ".join(str(value).split()) if value is not None else ""


def split_names(values: Iterable[Any]) -> list[str]:
    """Author names from fields that may hold several ("A; B", "A and B", "By A"), each
    once, in order. A comma is not a separator: "Roe, Jane" is one person."""
    names: list[str] = []
    for value in values:
        for part in _NAME_SEPARATORS.split(_BY.sub("", one_line(value))):
            name = part.strip(" ,")
            if name and name not in names:
                names.append(name)
    return names


def catalog_date(value: Any) -> str | None:
    """A found date as the catalog writes it (YYYY, YYYY-MM or YYYY-MM-DD, on the calendar),
    or None when the value does not start with one (nothing is guessed)."""
    match = _LEADING_DATE.match(one_line(value))
    if not match:
        return None
    return _checked_date(match.group(1), match.group(2), match.group(3))


def pdf_date(value: Any) -> str | None:
    """A PDF document-info date (D:YYYYMMDDHHmmSS...) as a catalog date; None if unreadable."""
    match = _PDF_DATE.match(one_line(value))
    if not match:
        return catalog_date(value)
    return _checked_date(match.group(1), match.group(2), match.group(3))


def _checked_date(year: str, month: str | None, day: str | None) -> str | None:
    """YYYY[-MM[-DD]] when that is a real date (the corpus's one date rule), else None."""
    text = year
    if month:
        text += f"-{int(month):02d}"
        if day:
            text += f"-{int(day):02d}"
    return text if date_parts(text) is not None else None


def language_code(value: Any) -> str | None:
    """A language tag as found (`en`, `en-GB`; `en_GB` written with a hyphen), or None."""
    text = one_line(value).replace("_", "-")
    return text if text and _LANGUAGE.match(text) else None


def clean_facts(facts: dict[str, Any]) -> dict[str, Any]:
    """The facts with empty values left out and text made one line."""
    cleaned: dict[str, Any] = {}
    for key, value in facts.items():
        if isinstance(value, list):
            value = [one_line(v) if isinstance(v, str) else v for v in value]
            value = [v for v in value if v]
        elif isinstance(value, str):
            value = one_line(value)
        if value not in (None, "", []):
            cleaned[key] = value
    return cleaned
