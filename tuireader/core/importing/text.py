"""Plain text and Markdown: written to seeds/ as they are; a Markdown file's YAML front
matter (between `---` lines at the top) is taken out of the text and its facts go to the
catalog."""

from __future__ import annotations

import re
from typing import Any

import yaml

from tuireader.core.corpus import ArticleLoadError, decode_bytes, split_paragraphs
from tuireader.core.importing.document import Extracted, Unreadable
from tuireader.core.importing.facts import (
    catalog_date,
    clean_facts,
    language_code,
    one_line,
    split_names,
)
from tuireader.core.yamlfile import load_yaml, yaml_problem

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
# Front matter keys (as Jekyll, Hugo, pandoc and Obsidian write them) -> catalog fields.
_KEYS = {
    "title": "title",
    "author": "authors",
    "authors": "authors",
    "date": "issued",
    "issued": "issued",
    "published": "issued",
    "url": "url",
    "link": "url",
    "canonical_url": "url",
    "source_url": "url",
    "container": "container",
    "outlet": "container",
    "publication": "container",
    "site": "container",
    "lang": "language",
    "language": "language",
    "type": "type",
}


def extract_text(data: bytes, name: str) -> Extracted:
    """A plain text file, kept as it is (its facts are read by the corpus, as today)."""
    return Extracted(_paragraphs(_decoded(data, name)), verbatim=_decoded(data, name))


def extract_markdown(data: bytes, name: str) -> Extracted:
    """A Markdown file: the text after its front matter, and the front matter's facts."""
    text = _decoded(data, name)
    facts: dict[str, Any] = {}
    warnings: list[str] = []
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            raw = load_yaml(match.group(1))
        except yaml.YAMLError as error:
            raw = None
            warnings.append(
                f"{name}: front matter not read ({yaml_problem(error, 'front matter')})"
            )
        if isinstance(raw, dict):
            facts = _facts(raw)
        text = text[match.end() :].lstrip("\r\n")
    return Extracted(_paragraphs(text), facts, warnings=warnings, verbatim=text, suffix=".md")


def _decoded(data: bytes, name: str) -> str:
    """The file's text (UTF-8, else cp1252), or Unreadable saying why not."""
    try:
        text, _warnings = decode_bytes(data, name)
    except ArticleLoadError as error:
        raise Unreadable(str(error).removeprefix(f"{name}: ").removesuffix(", skipped")) from None
    return text


def _paragraphs(text: str) -> list[str]:
    """The text's paragraphs as the corpus will read them."""
    return [text[start:end] for start, end in split_paragraphs(text)]


def _facts(raw: dict[Any, Any]) -> dict[str, Any]:
    """Catalog fields from front matter values (unknown keys are left out)."""
    facts: dict[str, Any] = {}
    for key, value in raw.items():
        field = _KEYS.get(str(key).lower())
        if field is None or field in facts or value is None:
            continue
        if field == "authors":
            values = value if isinstance(value, list) else [value]
            facts[field] = split_names(v for v in values if isinstance(v, str | int))
        elif field == "issued":
            facts[field] = catalog_date(value)
        elif field == "language":
            facts[field] = language_code(value)
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            facts[field] = one_line(value)
    return clean_facts(facts)
