"""Writers for the reference formats, all from CSL-JSON records: CSL-JSON, BibTeX and RIS.

Every writer is a pure function from records to text; choosing what to export and merging
into existing files is tuireader.core.export.exporter's job.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


# --- CSL-JSON ---------------------------------------------------------------------------


def to_csl_json(records: Iterable[Mapping[str, Any]]) -> str:
    """A CSL-JSON file: a list of items, UTF-8 kept readable (no \\u escapes)."""
    return json.dumps(list(records), indent=2, ensure_ascii=False) + "\n"


# --- BibTeX -----------------------------------------------------------------------------

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    # BibTeX counts braces even after a backslash, so \{ would unbalance the field.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_PATTERN = re.compile("|".join(re.escape(c) for c in _LATEX_SPECIALS))
# Entry types: periodical pieces are @article with journal = the outlet (biblatex and BibTeX
# both cite magazines and newspapers that way); web pages are biblatex's @online.
_BIBTEX_TYPES = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "webpage": "online",
    "post": "online",
    "post-weblog": "online",
    "book": "book",
    "chapter": "incollection",
    "report": "report",
    "thesis": "thesis",
    "paper-conference": "inproceedings",
}


def escape_latex(text: str) -> str:
    """Escape the ten LaTeX special characters; everything else (UTF-8) is kept as is."""
    text = " ".join(text.split())  # a field is one line; newlines mean nothing in BibTeX
    return _LATEX_PATTERN.sub(lambda m: _LATEX_SPECIALS[m.group(0)], text)


def _bibtex_url(url: str) -> str:
    """A URL for biblatex's verbatim url field: only % (a TeX comment) and the braces that
    delimit the field need care, and backslash-escaping other characters would corrupt it."""
    return url.replace("%", r"\%").replace("{", "%7B").replace("}", "%7D").strip()


def bibtex_name(name: Mapping[str, Any]) -> str:
    """A CSL name as BibTeX writes it: "van Gogh, Vincent", "King, Jr., Martin Luther";
    literal names (organisations, mononyms) in braces so BibTeX does not split them."""
    if "literal" in name or "family" not in name:
        return "{" + escape_latex(str(name.get("literal", ""))) + "}"
    family = " ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p)
    parts = [escape_latex(family)]
    if name.get("suffix"):
        parts.append(escape_latex(str(name["suffix"])))
    if name.get("given"):
        parts.append(escape_latex(str(name["given"])))
    return ", ".join(parts)


def _date_parts(date: Mapping[str, Any] | None) -> list[int]:
    """[year, month?, day?] of a CSL date, [] when it has no parts (literal dates)."""
    if not date:
        return []
    parts = date.get("date-parts") or [[]]
    return [int(p) for p in parts[0]]


def _iso_date(date: Mapping[str, Any] | None) -> str | None:
    """A CSL date as YYYY, YYYY-MM or YYYY-MM-DD (None for literal dates)."""
    parts = _date_parts(date)
    if not parts:
        return None
    return "-".join([f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:])])


def bibtex_entry(record: Mapping[str, Any]) -> str:
    """One BibTeX/biblatex entry for a CSL record."""
    csl_type = str(record.get("type", ""))
    entry_type = _BIBTEX_TYPES.get(csl_type, "misc")
    fields: list[tuple[str, str]] = []
    if record.get("author"):
        fields.append(("author", " and ".join(bibtex_name(n) for n in record["author"])))
    if record.get("title"):
        fields.append(("title", escape_latex(str(record["title"]))))
    container = record.get("container-title")
    if container:
        if entry_type == "article":
            container_field = "journal"
        elif entry_type == "online":
            container_field = "organization"
        elif entry_type in ("incollection", "inproceedings"):
            container_field = "booktitle"
        else:
            container_field = "howpublished"
        fields.append((container_field, escape_latex(str(container))))
    issued = record.get("issued")
    parts = _date_parts(issued)
    if parts:
        fields.append(("year", str(parts[0])))
        if len(parts) > 1:
            fields.append(("month", MONTHS[parts[1] - 1]))
        fields.append(("date", _iso_date(issued) or ""))
    elif issued and issued.get("literal"):
        fields.append(("year", escape_latex(str(issued["literal"]))))
    if record.get("URL"):
        fields.append(("url", _bibtex_url(str(record["URL"]))))
    accessed = _iso_date(record.get("accessed"))
    if accessed:
        fields.append(("urldate", accessed))
    lines = [f"@{entry_type}{{{record['id']},"]
    for name, value in fields:
        # Month macros (jan…dec) are bare words in BibTeX; everything else is braced.
        rendered = value if name == "month" else "{" + value + "}"
        lines.append(f"  {name:<12} = {rendered},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_bibtex(records: Iterable[Mapping[str, Any]]) -> str:
    """A .bib file with one entry per record, separated by blank lines."""
    return "\n".join(bibtex_entry(r) for r in records)


# --- RIS --------------------------------------------------------------------------------

_RIS_TYPES = {
    "article-newspaper": "NEWS",
    "article-magazine": "MGZN",
    "article-journal": "JOUR",
    "webpage": "ELEC",
    "post": "ELEC",
    "post-weblog": "BLOG",
    "book": "BOOK",
    "chapter": "CHAP",
    "report": "RPRT",
    "thesis": "THES",
    "paper-conference": "CPAPER",
}


def _ris_value(text: str) -> str:
    """A RIS value: one line (RIS has no continuation lines)."""
    return " ".join(str(text).split())


def ris_name(name: Mapping[str, Any]) -> str:
    """A CSL name as RIS writes it: "Family, Given" ("Family, Given, Suffix")."""
    if "literal" in name or "family" not in name:
        return _ris_value(str(name.get("literal", "")))
    family = " ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p)
    parts = [family, name.get("given"), name.get("suffix")]
    return _ris_value(", ".join(str(p) for p in parts if p))


def _ris_date(date: Mapping[str, Any] | None) -> str | None:
    """A CSL date in RIS form, YYYY/MM/DD/ with unknown parts left empty."""
    parts = _date_parts(date)
    if not parts:
        return None
    padded = [f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:])]
    padded += [""] * (3 - len(padded))
    return "/".join(padded) + "/"


def ris_record(record: Mapping[str, Any]) -> str:
    """One RIS record (TY … ER) for a CSL record."""
    lines = [f"TY  - {_RIS_TYPES.get(str(record.get('type', '')), 'GEN')}"]
    lines.append(f"ID  - {record['id']}")
    for name in record.get("author") or []:
        lines.append(f"AU  - {ris_name(name)}")
    if record.get("title"):
        lines.append(f"TI  - {_ris_value(record['title'])}")
    if record.get("container-title"):
        lines.append(f"T2  - {_ris_value(record['container-title'])}")
    issued = record.get("issued")
    parts = _date_parts(issued)
    if parts:
        lines.append(f"PY  - {parts[0]:04d}")
        lines.append(f"DA  - {_ris_date(issued)}")
    elif issued and issued.get("literal"):
        lines.append(f"PY  - {_ris_value(issued['literal'])}")
    if record.get("URL"):
        lines.append(f"UR  - {_ris_value(record['URL'])}")
    accessed = _ris_date(record.get("accessed"))
    if accessed:
        lines.append(f"Y2  - {accessed}")
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


def to_ris(records: Iterable[Mapping[str, Any]]) -> str:
    """A .ris file with one record per CSL record, separated by blank lines."""
    return "\n".join(ris_record(r) for r in records)
