"""seeds/catalog.yaml: bibliographic metadata by article id, read safely and checked.

    articles:
      000_55308b7769cb3055:
        title: Kazakhstan and the Xinjiang Problem
        authors: [Catherine Putz]
        issued: "2018-09"
      001_e417b657d421601d:
        authors: [{literal: Human Rights Watch}]   # one name, kept as written
      report-2023:                                 # written by `tuireader import`
        title: Annual Report 2023
        source: sources/report-2023.pdf            # the original, kept in the workspace
        language: en
        pages: [0, 2841, 5310]                     # where pages 1, 2, 3 begin in the text

An author is a person's name ("First Last" or "Last, First", split into its parts for the
styles) or `{literal: ...}` for a name that must never be split or abbreviated (an
organisation): it is handed on as the text "{Human Rights Watch}" (see
`tuireader.core.names.literal_author`).

A file that is not YAML, or that the one YAML loader refuses (a tag that builds objects,
aliases or anchors, nesting too deep, larger than `MAX_YAML_BYTES`), is ignored with one
warning. Otherwise every entry is checked against `CatalogEntry`; a wrong value (wrong
type, a date not on the calendar, a value YAML could not build such as `!!int abc`) is left
out with a warning that names the file, the line, the article and what was expected, and
everything else is kept (the other fields of that entry and the other entries). The values
handed on are plain: text, lists of text, dates as text.

Importing this module imports pydantic: the workspace imports it only to check a catalog it
has not checked before (see `tuireader.core.check_cache`).
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from typing import Annotated, Any, ClassVar

import yaml
from pydantic import BeforeValidator

from tuireader.core.names import CITATION_KEY, literal_author
from tuireader.core.schemas import (
    Expect,
    FileModel,
    catalog_date,
    check_not_a_date,
    reason_error,
    scalar_text,
    validate_keeping_good_fields,
)
from tuireader.core.yamlfile import (
    MAX_YAML_BYTES,
    LineDict,
    check_size,
    is_refusal,
    line_of,
    load_yaml,
    yaml_problem,
)

LABEL = "seeds/catalog.yaml"

# Text fields take a number as its text (`title: 1984`); a list, mapping or date is refused.
_Text = Annotated[str, BeforeValidator(scalar_text)]


def _one_or_many(value: Any) -> Any:
    """A single name or line may be written without the list brackets."""
    value = check_not_a_date(value)
    return [value] if isinstance(value, str | Mapping) else value


def _author(value: Any) -> Any:
    """One author: a name as text, or `{literal: Name}` for a name kept as written (handed
    on as text, see `literal_author`); anything else is left for the str check to refuse,
    except a mapping, whose fault is said precisely."""
    value = scalar_text(check_not_a_date(value))
    if not isinstance(value, Mapping):
        return value
    if set(value) != {"literal"}:
        found = ", ".join(repr(str(k)) for k in value) or "no key"
        raise reason_error(
            f"a name kept as written has the one key 'literal', e.g. "
            f"{{literal: Human Rights Watch}}; found {found}"
        )
    name = scalar_text(value["literal"])
    if not isinstance(name, str) or not name.strip():
        raise reason_error(
            f"'literal' must be the name as text, e.g. {{literal: Human Rights Watch}}, "
            f"not {name!r}"
        )
    return literal_author(name)


def _text_field(what: str) -> Any:
    """The Expect of a text field ("'title' must be text (the title)...")."""
    return Expect(f"{{where}}'{{key}}' must be text ({what}), not {{value!r}}")


def _citation_key(value: Any) -> Any:
    """A key BibTeX, pandoc and biber can all cite."""
    if isinstance(value, str) and not CITATION_KEY.fullmatch(value):
        raise ValueError("bad key")
    return value


_DATE = "{where}'{key}' must be a date: YYYY, YYYY-MM or YYYY-MM-DD"


def _page_starts(value: Any) -> Any:
    """Where each page begins in the article text: offsets from 0, never decreasing (a page
    without text begins where the next one does)."""
    numbers = isinstance(value, list) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    )
    if numbers and (any(v < 0 for v in value) or any(b < a for a, b in pairwise(value))):
        raise reason_error("the offsets must be 0 or more, each at least the one before")
    return value


class CatalogEntry(FileModel):
    """The metadata of one article; every field may be left out or empty (it stays
    unknown)."""

    unknown_key: ClassVar[str] = (
        "{where}unknown key {key!r} (known: title, authors, container, issued, url, type, "
        "accessed, furniture, key, source, language, pages)"
    )
    not_a_mapping: ClassVar[str] = "{where}must be a mapping of fields, e.g. title: ..."

    title: Annotated[_Text | None, _text_field("the title")] = None
    authors: Annotated[
        list[Annotated[str, BeforeValidator(_author)]] | None,
        BeforeValidator(_one_or_many),
        # A bad `{literal: ...}` item adds its own reason, naming the literal form.
        Expect("{where}'authors' must be a list of names, e.g. [Jane Roe], not {value!r}"),
    ] = None
    container: Annotated[_Text | None, _text_field("the outlet")] = None
    issued: Annotated[str | None, BeforeValidator(catalog_date), Expect(_DATE)] = None
    accessed: Annotated[str | None, BeforeValidator(catalog_date), Expect(_DATE)] = None
    url: Annotated[_Text | None, _text_field("a web address")] = None
    type: Annotated[_Text | None, _text_field("a CSL item type, e.g. article-magazine")] = None
    furniture: Annotated[
        list[str] | None,
        BeforeValidator(_one_or_many),
        Expect("{where}'furniture' must be a list of lines of text (quote numbers), not {value!r}"),
    ] = None
    source: Annotated[
        _Text | None,
        _text_field("where the article was imported from, e.g. sources/report.pdf"),
    ] = None
    """The original file `tuireader import` made the article from, relative to the workspace
    (kept there so the import can be run again with a better extractor)."""
    language: Annotated[_Text | None, _text_field("a language code, e.g. en or fr-CA")] = None
    pages: Annotated[
        list[int] | None,
        BeforeValidator(_page_starts),
        Expect(
            "{where}'pages' must be a list of the character offsets where each page begins "
            "in the article text, e.g. [0, 2841, 5310], not {value!r}"
        ),
    ] = None
    """For an imported PDF: item N is where page N+1 begins in the article's text, so a
    quote can be cited by page."""
    key: Annotated[
        str | None,
        BeforeValidator(_citation_key),
        Expect(
            "{where}'key' must be a citation key: text without spaces or any of "
            ", {{ }} @ [ ] # % \" ' =, not {value!r}"
        ),
    ] = None


def check_catalog_text(content: bytes) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The checked entries of a catalog file with these bytes, by article id, and warnings.

    Never raises for the file's content.
    """
    try:
        check_size(content, MAX_YAML_BYTES)  # before decoding or parsing anything
        raw = load_yaml(content.decode("utf-8"))
    except UnicodeDecodeError as error:
        return {}, [f"{LABEL} cannot be read ({error}); ignored"]
    except yaml.YAMLError as error:
        if is_refusal(error):
            problem = yaml_problem(error, "catalog files")
            return {}, [f"{LABEL}: refused, {problem}; metadata ignored"]
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        return {}, [f"{LABEL} is not valid YAML{where}; metadata ignored"]
    return check_catalog(raw)


def check_catalog(raw: Any) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The checked entries of catalog data (as read from YAML), and warnings."""
    articles = raw.get("articles") if isinstance(raw, dict) else None
    if not isinstance(articles, dict):
        if raw:
            return {}, [f"{LABEL} has no 'articles' mapping; ignored"]
        return {}, []
    warnings: list[str] = []
    for key in raw:
        if key != "articles":
            warnings.append(f"{_at(raw, key)}: unknown key {key!r} (only 'articles'); ignored")
    warnings.extend(_duplicates(raw) + _duplicates(articles, "article "))
    entries: dict[str, dict[str, Any]] = {}
    for article_id, data in articles.items():
        where = f"article {str(article_id)!r}: "
        if data is None:
            continue  # an id with nothing under it yet
        if not isinstance(data, dict):
            warnings.append(
                f"{_at(articles, article_id)}: {CatalogEntry.not_a_mapping.format(where=where)}"
                "; ignored"
            )
            continue
        entry, problems = validate_keeping_good_fields(CatalogEntry, data, where)
        for problem in problems:
            at = f"{LABEL}, line {problem.line}" if problem.line else LABEL
            warnings.append(f"{at}: {problem.message}; ignored")
        warnings.extend(_duplicates(data, where))
        entries[str(article_id)] = entry.model_dump(exclude_unset=True)
    return entries, warnings


def _at(mapping: Any, key: Any) -> str:
    """The file and line of `key`, for the start of a warning."""
    line = line_of(mapping, key)
    return f"{LABEL}, line {line}" if line else LABEL


def _duplicates(mapping: Any, where: str = "") -> list[str]:
    """Warnings for keys written twice in one mapping (YAML keeps the last)."""
    if not isinstance(mapping, LineDict):
        return []
    return [
        f"{LABEL}, line {line}: {where}{key!r} is written twice; the last one is used"
        for key, line in mapping.duplicates
    ]
