"""The catalog dialog's fields (no Textual): what each shows of an article's facts, how
what was typed becomes catalog values, and the checks the catalog's schema leaves to a form.

The schema (`tuireader.core.catalog.CatalogEntry`, applied by `catalog_write.set_fields`)
remains the one judge of the values; this module only turns one-line text fields into them:
authors are written one after another with ";" between them (a name may hold a comma:
"Roe, Jane"), and an institution, whose name must never be split into first and last
names, in braces: "{Human Rights Watch}" (or "{literal: Human Rights Watch}", as the
catalog writes it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tuireader.core.corpus import ArticleMeta
from tuireader.core.names import literal_text


@dataclass(frozen=True)
class FormField:
    """One line of the dialog: the catalog key, its caption and a hint under it."""

    key: str
    caption: str
    hint: str


FIELDS: tuple[FormField, ...] = (
    FormField("title", "Title", "as citations should give it"),
    FormField(
        "authors",
        "Authors",
        "separated by ; — an institution in braces: {Human Rights Watch}",
    ),
    FormField("container", "Outlet", "the newspaper, site or journal"),
    FormField("issued", "Date", "YYYY, YYYY-MM or YYYY-MM-DD"),
    FormField("url", "URL", "https://…"),
)
"""The fields, in tab order."""
CAPTIONS = {field.key: field.caption for field in FIELDS}

_LITERAL = re.compile(r"\{\s*literal\s*:\s*(?P<name>.*?)\s*\}", re.DOTALL)


def initial_values(meta: ArticleMeta) -> dict[str, str]:
    """The text each field opens with: the article's facts as the reader knows them."""
    return {
        "title": meta.title or "",
        "authors": format_authors(meta.authors),
        "container": meta.container or "",
        "issued": meta.issued or "",
        "url": meta.url or "",
    }


def format_authors(authors: tuple[str, ...] | list[str]) -> str:
    """Authors as the field shows them: "Jane Roe; {Human Rights Watch}"."""
    return "; ".join(authors)


def parse_authors(text: str) -> list[str | dict[str, str]]:
    """The authors typed in the field, as the catalog writes them: a person's name as text,
    an institution as `{literal: Name}`; empty parts are dropped."""
    authors: list[str | dict[str, str]] = []
    for part in text.split(";"):
        name = " ".join(part.split())
        if not name:
            continue
        written = _LITERAL.fullmatch(name)
        literal = written.group("name") if written else literal_text(name)
        authors.append({"literal": literal} if literal else name)
    return authors


def url_problem(text: str) -> str | None:
    """Why a typed web address cannot be cited (None: it can, or the field is empty): a
    citation's URL is followed by readers and reference managers, so it must be absolute."""
    value = text.strip()
    if not value:
        return None
    if any(char.isspace() for char in value):
        return "URL: a web address has no spaces"
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return f"URL: a web address begins with https:// or http://, e.g. https://{value}"
    return None


def changed_fields(initial: Mapping[str, str], typed: Mapping[str, str]) -> dict[str, Any]:
    """The catalog values of the fields whose text was changed (an emptied field is None:
    the catalog drops it); untouched fields are not written, so a title the reader took
    from the text does not become a catalog entry by being looked at."""
    fields: dict[str, Any] = {}
    for key, text in typed.items():
        if " ".join(text.split()) == " ".join(initial.get(key, "").split()):
            continue
        if key == "authors":
            fields[key] = parse_authors(text) or None
        else:
            fields[key] = " ".join(text.split()) or None
    return fields


def field_message(message: str, article_id: str) -> tuple[str | None, str]:
    """A schema message made for the dialog: the field at fault (its key, None when no
    field is named) and the message led by the field's caption instead of the article."""
    text = message.removeprefix(f"article {article_id!r}: ")
    for key, caption in CAPTIONS.items():
        if text.startswith(f"'{key}'"):
            return key, f"{caption}: {text}"
    return None, text
