"""Saved web pages (.html, .htm): the main text through trafilatura, the facts from the page.

trafilatura (maintained, evaluated against the other extractors) finds the article in the
page and leaves out navigation, cookie notices, share bars, "related stories", comments and
footers; this module only turns its result into paragraphs and catalog facts. The facts
come from the page itself: meta tags, JSON-LD and the byline, as trafilatura reads them
(title, authors, site name, date, canonical URL), and the language from the page's `lang`
attribute, `og:locale`, `Content-Language` or JSON-LD `inLanguage`. No date is guessed
from the text: only the ones the page declares are taken.

A saved page's `_files/` folder (images, styles) is not needed: the text is in the page.
trafilatura is imported here, and this module only when a page is imported.
"""

from __future__ import annotations

import json
from typing import Any

from tuireader.core.importing.document import Extracted, Unreadable
from tuireader.core.importing.facts import (
    catalog_date,
    clean_facts,
    language_code,
    one_line,
    split_names,
)

# trafilatura's page types (from JSON-LD / og:type) that say what CSL item a page is.
_ITEM_TYPES = {
    "newsarticle": "article-newspaper",
    "reportagenewsarticle": "article-newspaper",
    "analysisnewsarticle": "article-newspaper",
    "opinionnewsarticle": "article-newspaper",
    "blogposting": "post-weblog",
    "scholarlyarticle": "article-journal",
}
# Block elements of trafilatura's output that hold text of their own.
_BLOCKS = {"p", "head", "quote", "item", "row", "code"}


def extract_html(data: bytes, name: str) -> Extracted:
    """The article in a saved page: its paragraphs (headings included) and its facts.

    Raises Unreadable when the page cannot be parsed or holds no main text.
    """
    import trafilatura
    from trafilatura.utils import load_html

    tree = load_html(data)
    if tree is None:
        raise Unreadable("not a web page that can be parsed (broken or empty HTML)")
    language = _declared_language(tree)
    document = trafilatura.bare_extraction(
        tree,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
        # Only the dates the page declares: a date guessed from the text could be wrong.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    body = getattr(document, "body", None)
    paragraphs = _paragraphs(body) if body is not None else []
    if document is None or isinstance(document, dict) or not paragraphs:
        raise Unreadable("no main text found in the page (not an article, or broken HTML)")
    facts = {
        "title": document.title,
        "authors": split_names([document.author]) if document.author else [],
        "container": document.sitename,
        "issued": catalog_date(document.date) if document.date else None,
        "url": document.url,
        "language": language or language_code(document.language),
        "type": _ITEM_TYPES.get(one_line(document.pagetype).lower()),
    }
    return Extracted(paragraphs, clean_facts(facts))


def _paragraphs(body: Any) -> list[str]:
    """The text blocks of trafilatura's output tree, in order, one line each; a list or a
    table gives one paragraph per item or row."""
    for line_break in body.iter("lb"):  # <br> in the page: a space between the two lines
        line_break.tail = " " + (line_break.tail or "")
    paragraphs: list[str] = []
    for element in body.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag not in _BLOCKS:
            continue
        if tag == "row":
            cells = [one_line("".join(cell.itertext())) for cell in element]
            text = " | ".join(cell for cell in cells if cell)
        elif tag in ("item", "quote", "p", "head", "code"):
            if any(child.tag in _BLOCKS for child in element.iterdescendants()):
                continue  # a container: its blocks come on their own
            text = one_line("".join(element.itertext()))
        else:
            continue
        if text:
            paragraphs.append(text)
    return paragraphs


def _declared_language(tree: Any) -> str | None:
    """The language the page declares: <html lang>, og:locale, Content-Language, JSON-LD."""
    candidates: list[Any] = [
        tree.get("lang"),
        tree.get("{http://www.w3.org/XML/1998/namespace}lang"),
    ]
    candidates += tree.xpath("//meta[@property='og:locale']/@content")
    candidates += tree.xpath(
        "//meta[translate(@http-equiv,'CONTENTLAGU','contentlagu')='content-language']/@content"
    )
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        candidates.extend(_json_ld_languages(script))
    for candidate in candidates:
        code = language_code(candidate)
        if code:
            return code
    return None


def _json_ld_languages(script: str) -> list[Any]:
    """`inLanguage` values in a JSON-LD block (a broken block gives none)."""
    try:
        data = json.loads(script)
    except ValueError:
        return []
    found: list[Any] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            value = item.get("inLanguage")
            if isinstance(value, str):
                found.append(value)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found
