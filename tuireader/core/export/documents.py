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

from tuireader.core.export.quotes import QuoteItem

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
