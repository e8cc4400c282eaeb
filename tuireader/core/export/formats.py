"""Writers for the export formats, all from CSL-JSON records: CSL-JSON, BibTeX, RIS, and
the annotation documents (pandoc Markdown and plain text).

Every writer is a pure function from records (and quote items) to text; choosing what to
export, checking quotes and merging into existing files is tuireader.core.export.exporter's job.

Annotation blocks are delimited by marker lines so that a later export can find and
replace them (see tuireader.core.export.exporter.merge_blocks):

    <!-- annotation: ID -->
    ...managed text...
    <!-- /annotation: ID -->

and each article's group starts with its heading followed by `<!-- article: ARTICLE_ID -->`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass
class QuoteItem:
    """One annotation ready for export: its quote, where it is, and whether it was verified."""

    annotation_id: str
    article_id: str
    key: str  # citation key of the article
    exact: str  # the quoted text (the current article text when verified)
    paragraph: int | None  # 1-based paragraph number for the locator
    note: str = ""
    tags: list[str] = field(default_factory=list)
    label: str | None = None
    status: str = "anchored"  # anchored, fuzzy or orphaned (from the quote check)
    score: float = 1.0

    @property
    def verified(self) -> bool:
        """Whether the quote was found exactly in the current article text."""
        return self.status == "anchored"

    @property
    def unverified_notice(self) -> str:
        """The visible mark put on a quote that could not be verified."""
        if self.status == "fuzzy":
            how = f"only a close match (score {self.score:.2f}) in"
        else:
            how = "not found in"
        return f"UNVERIFIED: this quote was {how} the current article text"


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


# --- Markdown ---------------------------------------------------------------------------

_MD_INLINE = re.compile(r"([\\`*_\[\]<>@$~^|&])")
_MD_LINE_START = re.compile(r"^(\s*)(?:([#+\-=:])|(\d+)([.)]))", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Escape text so pandoc Markdown shows it literally: article text is data, and a quote
    must reproduce the source, so `*`, `[@x]`, `$`, a leading `#` or `1.` stay characters."""
    text = _MD_INLINE.sub(r"\\\1", text)
    return _MD_LINE_START.sub(_escape_line_start, text)


def _escape_line_start(match: re.Match[str]) -> str:
    """Escape a block marker at the start of a line: `#`, `-`, `+`, or the `.` of `1.`."""
    indent, symbol, number, delimiter = match.groups()
    if symbol:
        return f"{indent}\\{symbol}"
    return f"{indent}{number}\\{delimiter}"


def neutralize_markers(text: str) -> str:
    """User text (a note) with HTML comment openers defused, so a note can never close or
    open an annotation block when the file is merged later."""
    return text.replace("<!--", "<\\!--").replace("-->", "--\\>")


def begin_marker(annotation_id: str) -> str:
    """The line that opens an annotation block."""
    return f"<!-- annotation: {annotation_id} -->"


def end_marker(annotation_id: str) -> str:
    """The line that closes an annotation block."""
    return f"<!-- /annotation: {annotation_id} -->"


def article_marker(article_id: str) -> str:
    """The line after an article's heading that says which article the group is for."""
    return f"<!-- article: {article_id} -->"


def pandoc_citation(key: str, paragraph: int | None) -> str:
    """A pandoc citation with a paragraph locator: [@key, para. 3]."""
    return f"[@{key}, para. {paragraph}]" if paragraph else f"[@{key}]"


def _blockquote(text: str) -> str:
    """Text as a Markdown block quote; blank lines inside stay in the quote."""
    lines = text.strip("\n").splitlines() or [""]
    return "\n".join(f"> {line}" if line.strip() else ">" for line in lines)


def markdown_block(item: QuoteItem) -> str:
    """One annotation as a managed Markdown block.

    The citation comes right after the quote, as its attribution, and before the note and
    tags, which are the user's own words and must not read as cited. Markers cannot occur
    inside: the quote and note are escaped (`<` becomes `\\<`).
    """
    lines = [begin_marker(item.annotation_id)]
    if not item.verified:
        lines += [f"**{item.unverified_notice}.**", ""]
    lines.append(_blockquote(escape_markdown(item.exact)))
    lines += ["", pandoc_citation(item.key, item.paragraph)]
    if item.note.strip():
        # A note is plain text typed in the reader: escaped like the quote, so "<b>" or
        # "*" in it show as typed; blank lines still separate its paragraphs.
        lines += ["", escape_markdown(item.note.strip())]
    if item.tags:
        lines += ["", "Tags: " + ", ".join(escape_markdown(t) for t in item.tags)]
    lines.append(end_marker(item.annotation_id))
    return "\n".join(lines) + "\n"


def markdown_heading(article_id: str, title: str) -> str:
    """An article's group heading with its marker line."""
    heading = escape_markdown(" ".join(title.split())) or escape_markdown(article_id)
    return f"## {heading}\n{article_marker(article_id)}\n"


def markdown_front_matter(
    bibliography_file: str | None,
    references: Sequence[Mapping[str, Any]] = (),
    csl_file: str | None = None,
) -> str:
    """YAML front matter for pandoc: the bibliography file beside the document, or the
    references inline (JSON is valid YAML) when there is no file (stdout); `csl_file` names
    the CSL style pandoc should format with (its default is Chicago author-date)."""
    lines = ["---", "title: Annotations"]
    if bibliography_file:
        lines.append(f"bibliography: {json.dumps(bibliography_file)}")
    else:
        lines.append("references: " + json.dumps(list(references), ensure_ascii=False))
    if csl_file:
        lines.append(f"csl: {json.dumps(csl_file)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def group_by_article(items: Iterable[QuoteItem]) -> dict[str, list[QuoteItem]]:
    """Items grouped by article, articles in order of first appearance."""
    groups: dict[str, list[QuoteItem]] = {}
    for item in items:
        groups.setdefault(item.article_id, []).append(item)
    return groups


def markdown_document(
    items: Sequence[QuoteItem],
    titles: Mapping[str, str],
    front_matter: str = "",
) -> str:
    """A whole Markdown export: front matter, then per article a heading and its blocks."""
    parts = [front_matter] if front_matter else []
    for article_id, group in group_by_article(items).items():
        section = [markdown_heading(article_id, titles.get(article_id, article_id))]
        section += [markdown_block(item) for item in group]
        parts.append("\n".join(section))
    return "\n".join(parts)


# --- plain text -------------------------------------------------------------------------


def text_block(item: QuoteItem, citation: str, note_style: bool, markers: bool) -> str:
    """One annotation as plain text: the quote with its citation, then note and tags.

    In-text styles put the citation right after the quote; note styles give the note on the
    next line, as a footnote would.
    """
    quote = "“" + " ".join(item.exact.split()) + "”"
    lines: list[str] = []
    if markers:
        lines.append(begin_marker(item.annotation_id))
    if not item.verified:
        lines.append(f"[{item.unverified_notice}]")
    if note_style:
        lines += [quote, f"  Note: {citation}"]
    else:
        lines.append(f"{quote} {citation}")
    if item.note.strip():
        lines.append(f"  Comment: {' '.join(neutralize_markers(item.note).split())}")
    if item.tags:
        lines.append("  Tags: " + ", ".join(item.tags))
    if markers:
        lines.append(end_marker(item.annotation_id))
    return "\n".join(lines) + "\n"


def text_heading(article_id: str, title: str, markers: bool) -> str:
    """An article's heading in the plain-text export."""
    heading = " ".join(title.split()) or article_id
    lines = [heading, "=" * min(len(heading), 72)]
    if markers:
        lines.append(article_marker(article_id))
    return "\n".join(lines) + "\n"


BIBLIOGRAPHY_BEGIN = "<!-- bibliography -->"
BIBLIOGRAPHY_END = "<!-- /bibliography -->"


def text_bibliography(references: Iterable[str], markers: bool) -> str:
    """The formatted reference list of the plain-text export."""
    lines = [BIBLIOGRAPHY_BEGIN] if markers else []
    lines += ["References", "=========="]
    for reference in references:
        lines += ["", reference]
    if markers:
        lines.append(BIBLIOGRAPHY_END)
    return "\n".join(lines) + "\n"


def text_document(
    items: Sequence[QuoteItem],
    titles: Mapping[str, str],
    citations: Sequence[str],
    references: Iterable[str],
    note_style: bool,
    markers: bool,
) -> str:
    """A whole plain-text export: per article its quotes, then the reference list.

    `citations` holds one formatted citation per item, in the order of `items`.
    """
    cite_of = {id(item): text for item, text in zip(items, citations, strict=True)}
    parts: list[str] = []
    for article_id, group in group_by_article(items).items():
        section = [text_heading(article_id, titles.get(article_id, article_id), markers)]
        section += [text_block(i, cite_of[id(i)], note_style, markers) for i in group]
        parts.append("\n".join(section))
    parts.append(text_bibliography(references, markers))
    return "\n".join(parts)
