"""What the search index holds: its schema and the documents made from an article.

One document per body paragraph (furniture is not indexed, so page furniture never ranks)
carrying its article's fields, plus one bookkeeping document per article whose fingerprint
tells an incremental update what changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from whoosh.analysis import StandardAnalyzer
from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema

from tuireader.core.corpus import Article, paragraph_layout
from tuireader.core.names import author_names
from tuireader.core.search.analysis import WORD_PATTERN, text_analyzer
from tuireader.core.text import starts_sentence

# Bump when the schema or the analysis changes: an index with another version is rebuilt.
# 3: folded accents, compounds, Porter2 stems and the `names` field (spelling variants).
SCHEMA_VERSION = 3
TEXT_FIELDS = ("body", "title")
# The capitalised words of each paragraph that do not open a sentence: how often a term is
# written as a name (its document frequency here against the body's) tells spelling
# variants of a name from other words (variants.py). Not searchable from a query.
NAMES_FIELD = "names"


def build_schema() -> Schema:
    """The index schema: paragraph documents plus one bookkeeping document per article."""
    stemming = text_analyzer()
    return Schema(
        uid=ID(unique=True, stored=True),  # "<doc_id>#<paragraph>" or "<doc_id>#article"
        doc_id=ID(stored=True),
        kind=ID(stored=True),  # "para" (searchable) or "article" (checksum bookkeeping)
        para=NUMERIC(stored=True),
        title=TEXT(analyzer=stemming, stored=True),
        author=TEXT(analyzer=StandardAnalyzer(stoplist=None)),
        source=TEXT(analyzer=StandardAnalyzer(stoplist=None)),
        date=DATETIME(),
        body=TEXT(analyzer=stemming, stored=True),
        names=TEXT(analyzer=stemming, phrase=False),
        checksum=STORED(),
    )


def capitalised_words(text: str) -> str:
    """The words of `text` written with a capital that do not open a sentence (names,
    mostly), space-separated: the `names` field of a paragraph."""
    return " ".join(
        found.group()
        for found in WORD_PATTERN.finditer(text)
        if found.group()[0].isupper() and not starts_sentence(text, found.start())
    )


def issued_datetime(issued: str | None) -> datetime | None:
    """The issued date (YYYY, YYYY-MM or YYYY-MM-DD) as a datetime, for date: queries."""
    if not issued:
        return None
    for pattern in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return datetime.strptime(issued.strip(), pattern)
        except ValueError:
            continue
    return None


def index_fingerprint(article: Article) -> str:
    """What the indexed documents depend on: the text, the metadata and how it is cut into
    paragraphs (which are furniture). A catalog edit changes it as much as a text edit."""
    parts = [article.checksum, json.dumps(article.meta.to_dict(), sort_keys=True)]
    parts.append(paragraph_layout(article.paragraphs))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def article_documents(article: Article) -> Iterable[dict[str, Any]]:
    """The Whoosh documents for one article: its bookkeeping doc and its body paragraphs."""
    meta = article.meta
    shared: dict[str, Any] = {"doc_id": article.id, "title": article.title}
    if meta.authors:
        shared["author"] = author_names(meta.authors, " ; ")
    if meta.container:
        shared["source"] = meta.container
    issued = issued_datetime(meta.issued)
    if issued is not None:
        shared["date"] = issued
    yield {
        **shared,
        "uid": f"{article.id}#article",
        "kind": "article",
        "checksum": index_fingerprint(article),
    }
    for paragraph in article.body_paragraphs:
        yield {
            **shared,
            "uid": f"{article.id}#{paragraph.number}",
            "kind": "para",
            "para": paragraph.number,
            "body": paragraph.text,
            NAMES_FIELD: capitalised_words(paragraph.text),
        }
