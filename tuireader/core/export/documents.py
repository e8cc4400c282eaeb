"""Writers for the annotation documents: pandoc Markdown and plain text, from quote items.

Every writer is a pure function from quote items (and formatted citations) to text;
checking quotes and merging into existing files is tuireader.core.export.exporter's job.

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
from typing import Any
from urllib.parse import quote

from tuireader.core.export.fragments import text_fragment_url
from tuireader.core.export.quotes import QuoteItem
from tuireader.core.export.references import iso_date
from tuireader.core.export.styles import QuoteMarks, enclose_quote

Record = Mapping[str, Any]
"""An article's CSL-JSON record (its `URL` and `accessed` date are used here)."""

STALE_MARK = "STALE"
"""The word that marks a block kept from an earlier export whose quote no longer verifies."""


def stale_notice(item: QuoteItem) -> str:
    """The visible mark on a block that an earlier export wrote and this one could not
    verify again: kept where it stands (it is the user's document), but flagged."""
    return f"{STALE_MARK} (kept from an earlier export): {item.unverified_notice}"


def _notice(item: QuoteItem, stale: bool) -> str | None:
    """The mark a block carries: STALE, UNVERIFIED, or none for a verified quote."""
    if stale:
        return stale_notice(item)
    return None if item.verified else item.unverified_notice


def passage_link(item: QuoteItem, record: Record | None) -> str:
    """The link to the quoted passage on the article's web page (a text fragment:
    `URL#:~:text=…`), "" when the article has no URL."""
    url = str(record.get("URL") or "") if record else ""
    return text_fragment_url(url, item.exact, item.prefix, item.suffix) if url else ""


_UNSAFE_IN_AUTOLINK = re.compile(r"[\s<>\"\\`]")


def _percent(match: re.Match[str]) -> str:
    """A character a Markdown autolink cannot hold, percent-encoded (UTF-8)."""
    return quote(match.group(), safe="")


def passage_line(item: QuoteItem, record: Record | None, markdown: bool = False) -> str:
    """ "Passage: LINK (accessed DATE)": where a reader checks the quote, and when the page
    was seen (the catalog's `accessed`); "" when the article has no URL. In Markdown the
    link is an autolink (`<…>`: the URL is percent-encoded, so it holds no space or `>`)."""
    link = passage_link(item, record)
    if not link:
        return ""
    accessed = iso_date(record.get("accessed")) if record else None
    shown = f"<{_UNSAFE_IN_AUTOLINK.sub(_percent, link)}>" if markdown else link
    return f"Passage: {shown}" + (f" (accessed {accessed})" if accessed else "")


# --- Markdown ---------------------------------------------------------------------------

_MD_INLINE = re.compile(r"([\\`*_\[\]<>@$~^|&\"'])")
_MD_LINE_START = re.compile(r"^(\s*)(?:([#+\-=:])|(\d+)([.)]))", re.MULTILINE)
# What pandoc's `smart` extension (on by default) would change, beyond quotes: `--` and
# `---` become dashes, `...` an ellipsis, and the space after an abbreviation it knows
# ("Mr.", "e.g.", "pp.", or any word of an --abbreviations file) a non-breaking one. Every
# such hyphen and period is escaped; an escaped period is never taken for an abbreviation's.
_SMART_HYPHEN = re.compile(r"-(?=-)|(?<=-)-")
_SMART_PERIOD = re.compile(r"\.(?=\.)|(?<=\.)\.|\.(?=[ \t])")


def escape_markdown(text: str) -> str:
    """Escape text so pandoc Markdown shows it literally: article text is data, and a quote
    must reproduce the source, so `*`, `[@x]`, `$`, a leading `#` or `1.` stay characters,
    and smart typography (on by default in pandoc) leaves straight quotes, `--`, `...` and
    the space after "Mr." as they are."""
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _SMART_HYPHEN.sub(r"\\-", text)
    text = _SMART_PERIOD.sub(r"\\.", text)
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


def pandoc_citation(key: str, paragraph: int | None, page: int | None = None) -> str:
    """A pandoc citation with its locator: [@key, p. 12] for a paged source (a PDF),
    else [@key, para. 3]."""
    if page:
        return f"[@{key}, p. {page}]"
    return f"[@{key}, para. {paragraph}]" if paragraph else f"[@{key}]"


def _blockquote(text: str) -> str:
    """Text as a Markdown block quote; blank lines inside stay in the quote."""
    lines = text.strip("\n").splitlines() or [""]
    return "\n".join(f"> {line}" if line.strip() else ">" for line in lines)


def markdown_block(item: QuoteItem, record: Record | None = None, stale: bool = False) -> str:
    """One annotation as a managed Markdown block.

    The citation comes right after the quote, as its attribution, with the link to the
    passage on the web page (from the article's `record`); then the note and tags, which
    are the user's own words and must not read as cited. Markers cannot occur inside: the
    quote and note are escaped (`<` becomes `\\<`). `stale`: the block of an earlier export
    whose quote no longer verifies, marked STALE.
    """
    lines = [begin_marker(item.annotation_id)]
    notice = _notice(item, stale)
    if notice:
        lines += [f"**{escape_markdown(notice)}.**", ""]
    lines.append(_blockquote(escape_markdown(item.exact)))
    lines += ["", pandoc_citation(item.key, item.paragraph, item.page)]
    link = passage_line(item, record, markdown=True)
    if link:
        lines += ["", link]
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
    records: Mapping[str, Record] | None = None,
) -> str:
    """A whole Markdown export: front matter, then per article a heading and its blocks
    (`records`: CSL records by article id, for the links to the passages)."""
    records = records or {}
    parts = [front_matter] if front_matter else []
    for article_id, group in group_by_article(items).items():
        section = [markdown_heading(article_id, titles.get(article_id, article_id))]
        section += [markdown_block(item, records.get(article_id)) for item in group]
        parts.append("\n".join(section))
    return "\n".join(parts)


# --- plain text -------------------------------------------------------------------------


def text_block(
    item: QuoteItem,
    citation: str,
    note_style: bool,
    markers: bool,
    marks: QuoteMarks | None = None,
    record: Record | None = None,
    stale: bool = False,
) -> str:
    """One annotation as plain text: the quote in the style's quotation `marks` (default
    American English) with its citation, the link to the passage, then note and tags.

    In-text styles put the citation right after the quote; note styles give the note on the
    next line, as a footnote would. `stale`: see `markdown_block`.
    """
    quote = enclose_quote(item.exact, marks or QuoteMarks())
    lines: list[str] = []
    if markers:
        lines.append(begin_marker(item.annotation_id))
    notice = _notice(item, stale)
    if notice:
        lines.append(f"[{notice}]")
    if note_style:
        lines += [quote, f"  Note: {citation}"]
    else:
        lines.append(f"{quote} {citation}")
    link = passage_line(item, record)
    if link:
        lines.append(f"  {link}")
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
    marks: QuoteMarks | None = None,
    records: Mapping[str, Record] | None = None,
) -> str:
    """A whole plain-text export: per article its quotes, then the reference list.

    `citations` holds one formatted citation per item, in the order of `items`; `marks`
    are the style's quotation marks, `records` the CSL records by article id (for links).
    """
    records = records or {}
    cite_of = {id(item): text for item, text in zip(items, citations, strict=True)}
    parts: list[str] = []
    for article_id, group in group_by_article(items).items():
        section = [text_heading(article_id, titles.get(article_id, article_id), markers)]
        record = records.get(article_id)
        section += [
            text_block(i, cite_of[id(i)], note_style, markers, marks, record) for i in group
        ]
        parts.append("\n".join(section))
    parts.append(text_bibliography(references, markers))
    return "\n".join(parts)
