"""Writers for the reference formats, all from CSL-JSON records: CSL-JSON, BibTeX and RIS.

Every writer is a pure function from records to text; choosing what to export and merging
into existing files is tuireader.core.export.exporter's job. Each writer may also be given
the exported annotations (`QuoteItem`s; an item names its record by its `key`, the
record's `id`): they go in as the format's notes and keywords, which is how
Zotero, JabRef and biblatex carry them. Without them the output is the reference alone.

BibTeX: one .bib read by both classic BibTeX (plain, apalike, natbib styles) and biblatex
(biber, pandoc). The entry types are the ones both know, so classic styles never warn about
an unknown type, and each carries what biblatex needs to tell the kinds apart:

- magazine and newspaper pieces are `@article` with `journal` (biber maps it to biblatex's
  `journaltitle`) and `entrysubtype = {magazine}` / `{newspaper}`: biblatex-apa and pandoc
  read the subtype, so the item is cited as a periodical piece with its full date
  ("2018a, June"), not as a journal article;
- web pages and posts are `@misc` with the site in `howpublished` and the `url`: `@online`
  is biblatex-only and makes every classic style warn and fall back to its misc format
  anyway, while biblatex's own `@misc` prints title, site, date and URL as `@online` does
  (pandoc reads `@misc` without a CSL type: its users get exact types from the CSL-JSON);
- reports are `@techreport` with `institution` and `type = {Report}`: classic styles know
  it, and biber turns it into its `@report` (whose required fields are `institution` and
  `type`; `howpublished` is not a field of it), keeping our `type`;
- chapters and conference papers are `@incollection`/`@inproceedings` with `booktitle`;
  books `@book` with the outlet as `publisher`; everything else `@misc`.

Dates are written both ways (`year` + `month` for classic styles, `date` for biblatex,
which ignores year and month when date is present); `urldate` is biblatex's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tuireader.core.export.quotes import QuoteItem

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


# --- annotations, as every format carries them ------------------------------------------


def quotes_by_key(quotes: Iterable[QuoteItem]) -> dict[str, list[QuoteItem]]:
    """The quote items by the citation key of their record, in order."""
    found: dict[str, list[QuoteItem]] = {}
    for item in quotes:
        found.setdefault(item.key, []).append(item)
    return found


def quote_text(item: QuoteItem) -> str:
    """One quote as a note a reader of the reference manager can use: the quote, where it is
    (“…” (para. 8), or (p. 12) for a PDF), then its note; a quote that could not be verified
    says so first. One line: RIS and BibTeX fields cannot hold line breaks."""
    parts = []
    if not item.verified:
        parts.append(item.unverified_notice + ":")
    parts.append(f"“{item.exact}”")
    if item.locator_text:
        parts.append(f"({item.locator_text})")
    text = " ".join(parts)
    if item.note.strip():
        text += f". Note: {item.note}"
    return " ".join(text.split())


def quote_tags(items: Iterable[QuoteItem]) -> list[str]:
    """The tags of `items` once each (the first spelling of tags that differ only in case),
    in order."""
    seen: dict[str, str] = {}
    for item in items:
        for tag in item.tags:
            tag = " ".join(tag.split())
            if tag:
                seen.setdefault(tag.casefold(), tag)
    return list(seen.values())


# --- CSL-JSON ---------------------------------------------------------------------------


def to_csl_json(records: Iterable[Mapping[str, Any]], quotes: Iterable[QuoteItem] = ()) -> str:
    """A CSL-JSON file: a list of items, UTF-8 kept readable (no \\u escapes). With
    `quotes`, a quoted article's item gets them in `note`: one quote per line, then
    its tags (no CSL style in use prints `note`; Zotero imports it as the item's Extra)."""
    by_key = quotes_by_key(quotes)
    items = [csl_item(record, by_key.get(str(record.get("id")), ())) for record in records]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def csl_item(record: Mapping[str, Any], quotes: Sequence[QuoteItem] = ()) -> dict[str, Any]:
    """The CSL-JSON item for a record, with its quotes in `note` when there are any."""
    item = dict(record)
    if quotes:
        lines = [quote_text(q) for q in quotes]
        tags = quote_tags(quotes)
        if tags:
            lines.append("Tags: " + ", ".join(tags))
        item["note"] = "\n".join(lines)
    return item


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
# A word whose capitals a title keeps: letters and digits, with the apostrophes and hyphens
# inside it ("Xinjiang's", "Re-Education", "COVID-19"). No LaTeX special is part of one.
_TITLE_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")


@dataclass(frozen=True)
class BibType:
    """How one CSL type is written in BibTeX: the entry type, the field for the outlet
    (container-title), and the fields only this type has."""

    entry: str
    container: str
    extra: tuple[tuple[str, str], ...] = ()


_BIBTEX_TYPES = {
    "article-journal": BibType("article", "journal"),
    "article-magazine": BibType("article", "journal", (("entrysubtype", "magazine"),)),
    "article-newspaper": BibType("article", "journal", (("entrysubtype", "newspaper"),)),
    "webpage": BibType("misc", "howpublished"),
    "post": BibType("misc", "howpublished"),
    "post-weblog": BibType("misc", "howpublished"),
    "book": BibType("book", "publisher"),
    "chapter": BibType("incollection", "booktitle"),
    "paper-conference": BibType("inproceedings", "booktitle"),
    "report": BibType("techreport", "institution", (("type", "Report"),)),
}
_OTHER_TYPE = BibType("misc", "howpublished")


def _escape_specials(text: str) -> str:
    """`text` with the ten LaTeX special characters escaped, blank space left as it is."""
    return _LATEX_PATTERN.sub(lambda m: _LATEX_SPECIALS[m.group(0)], text)


def escape_latex(text: str) -> str:
    """Escape the ten LaTeX special characters; everything else (UTF-8) is kept as is."""
    return _escape_specials(" ".join(text.split()))  # a field is one line in BibTeX


def bibtex_title(title: str) -> str:
    """A title for BibTeX and biblatex, escaped, its capitals protected from styles that
    change case (BibTeX's plain, biblatex-apa and pandoc sentence-case titles, and would
    print "Kazakhstan and the xinjiang problem").

    Every word holding a capital other than the title's first letter is put in braces
    ("Carefully, {Kazakhstan} {Confronts} {China}"), acronyms and "iPhone" included even as
    the first word. Not the whole title: a capital the catalog wrote is a fact about the
    title, and a word in braces keeps it, while the words written in lowercase stay free
    for a title-casing style to capitalise. Telling a proper noun from a title-cased
    common word is not possible here, so a title-case catalog title keeps its title case
    in every style (as tuireader's own styles print it); a sentence-case title keeps just
    its proper nouns and acronyms capitalised, which is what sentence-casing styles want.
    """
    title = " ".join(title.split())
    first_letter = next((i for i, char in enumerate(title) if char.isalpha()), -1)
    out: list[str] = []
    position = 0
    for match in _TITLE_WORD.finditer(title):
        out.append(_escape_specials(title[position : match.start()]))
        word = match.group(0)
        capitals = [match.start() + i for i, char in enumerate(word) if char.isupper()]
        protect = any(index != first_letter for index in capitals)
        out.append("{" + word + "}" if protect else word)
        position = match.end()
    out.append(_escape_specials(title[position:]))
    return "".join(out)


def _bibtex_url(url: str) -> str:
    """A URL for the url field, as written: biblatex reads that field verbatim (a `\\%` would
    reach the reader as `%5C%25`), classic BibTeX copies it into the .bbl inside `\\url`,
    and bibtexparser reads it back unchanged. Only the braces that would end the field are
    replaced, by their percent-encoding, which means the same address."""
    return "".join(url.split()).replace("{", "%7B").replace("}", "%7D")


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


def iso_date(date: Mapping[str, Any] | None) -> str | None:
    """A CSL date as YYYY, YYYY-MM or YYYY-MM-DD (None for literal dates)."""
    parts = _date_parts(date)
    if not parts:
        return None
    return "-".join([f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:])])


def _bibtex_dates(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """year, month (classic BibTeX) and date (biblatex) of the record's issued date."""
    issued = record.get("issued")
    parts = _date_parts(issued)
    if parts:
        fields = [("year", str(parts[0]))]
        if len(parts) > 1:
            fields.append(("month", MONTHS[parts[1] - 1]))
        return [*fields, ("date", iso_date(issued) or "")]
    if issued and issued.get("literal"):
        return [("year", escape_latex(str(issued["literal"])))]
    return []


def _bibtex_annotations(quotes: Sequence[QuoteItem]) -> list[tuple[str, str]]:
    """`annotation` (the quotes and notes, numbered when there are several) and `keywords`
    (the tags, comma-separated as biblatex and Zotero split them: a comma inside a tag
    would split it, so it becomes a space)."""
    if not quotes:
        return []
    texts = [quote_text(q) for q in quotes]
    if len(texts) > 1:
        texts = [f"[{n}] {text}" for n, text in enumerate(texts, 1)]
    fields = [("annotation", escape_latex(" ".join(texts)))]
    tags = [" ".join(tag.replace(",", " ").split()) for tag in quote_tags(quotes)]
    if tags:
        fields.append(("keywords", escape_latex(", ".join(tags))))
    return fields


def bibtex_entry(record: Mapping[str, Any], quotes: Sequence[QuoteItem] = ()) -> str:
    """One BibTeX/biblatex entry for a CSL record (and its quotes, if given)."""
    kind = _BIBTEX_TYPES.get(str(record.get("type", "")), _OTHER_TYPE)
    fields: list[tuple[str, str]] = []
    if record.get("author"):
        fields.append(("author", " and ".join(bibtex_name(n) for n in record["author"])))
    if record.get("title"):
        fields.append(("title", bibtex_title(str(record["title"]))))
    if record.get("container-title"):
        fields.append((kind.container, escape_latex(str(record["container-title"]))))
    fields.extend(kind.extra)
    fields.extend(_bibtex_dates(record))
    if record.get("URL"):
        fields.append(("url", _bibtex_url(str(record["URL"]))))
    accessed = iso_date(record.get("accessed"))
    if accessed:
        fields.append(("urldate", accessed))
    fields.extend(_bibtex_annotations(quotes))
    lines = [f"@{kind.entry}{{{record['id']},"]
    for name, value in fields:
        # Month macros (jan…dec) are bare words in BibTeX; everything else is braced.
        rendered = value if name == "month" else "{" + value + "}"
        lines.append(f"  {name:<12} = {rendered},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_bibtex(records: Iterable[Mapping[str, Any]], quotes: Iterable[QuoteItem] = ()) -> str:
    """A .bib file with one entry per record, separated by blank lines; with
    `quotes`, each quoted article's entry carries its quotes (`annotation`) and tags
    (`keywords`)."""
    by_key = quotes_by_key(quotes)
    return "\n".join(bibtex_entry(r, by_key.get(str(r.get("id")), ())) for r in records)


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
# The tag of the outlet: a report's outlet is the institution that issued it (its
# publisher, PB, which Zotero reads as the report's institution); others' is T2.
_RIS_CONTAINER = {"report": "PB"}


def _ris_value(text: str) -> str:
    """A RIS value: one line (RIS has no continuation lines)."""
    return " ".join(str(text).split())


def ris_name(name: Mapping[str, Any]) -> str:
    """A CSL name as RIS writes it: "Family, Given" ("Family, Given, Suffix"); a literal
    name as it is, without a comma, which Zotero reads as one name."""
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


def _ris_annotations(quotes: Sequence[QuoteItem]) -> list[str]:
    """KW per tag and N1 per quote: Zotero imports each N1 as its own child note and each
    KW as a tag, so one quote is one note."""
    lines = [f"KW  - {tag}" for tag in quote_tags(quotes)]
    return lines + [f"N1  - {quote_text(q)}" for q in quotes]


def ris_record(record: Mapping[str, Any], quotes: Sequence[QuoteItem] = ()) -> str:
    """One RIS record (TY … ER) for a CSL record (and its quotes, if given)."""
    csl_type = str(record.get("type", ""))
    lines = [f"TY  - {_RIS_TYPES.get(csl_type, 'GEN')}"]
    lines.append(f"ID  - {record['id']}")
    for name in record.get("author") or []:
        lines.append(f"AU  - {ris_name(name)}")
    if record.get("title"):
        lines.append(f"TI  - {_ris_value(record['title'])}")
    if record.get("container-title"):
        tag = _RIS_CONTAINER.get(csl_type, "T2")
        lines.append(f"{tag}  - {_ris_value(record['container-title'])}")
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
    lines.extend(_ris_annotations(quotes))
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


def to_ris(records: Iterable[Mapping[str, Any]], quotes: Iterable[QuoteItem] = ()) -> str:
    """A .ris file with one record per CSL record, separated by blank lines; with
    `quotes`, each quoted article's record carries its tags (KW) and quotes (N1)."""
    by_key = quotes_by_key(quotes)
    return "\n".join(ris_record(r, by_key.get(str(r.get("id")), ())) for r in records)
