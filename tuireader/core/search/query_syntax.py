"""Checks and rewrites of a query string before Whoosh parses it.

Whoosh's parser accepts almost anything and silently drops what it cannot read, so a user
who typed an unbalanced quote or a lone AND would get puzzling results. These checks turn
such mistakes into a clear message instead.

A query is also bounded in length and in words before anything else looks at it: Whoosh's
parser and the checks here grow faster than linearly with the query (10,000 `date:2019`
terms took 19 s), and no one types a query of a thousand characters. The bounds are far
above any real query yet keep the worst one to milliseconds.

Wildcards are bounded too: a wildcard word needs MIN_WILDCARD_PREFIX letters before its
first `*` or `?` (`*` alone listed every paragraph of the BBC corpus in 17 s, `**` took
ten minutes), and `SearchIndex` refuses a query whose wildcards and ranges expand to more
than MAX_EXPANDED_TERMS index terms in all (`expansion_error`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

FIELDS = ("title", "author", "source", "date", "entity", "body")
# The longest query accepted, in characters, and the most words (terms, operators, field
# terms and the words of phrases all count). A query above either bound is refused with a
# message saying so, before it is parsed.
MAX_QUERY_CHARS = 1_000
MAX_QUERY_TERMS = 100
MIN_WILDCARD_PREFIX = 2
# Whoosh matches a phrase word by word, in time growing with its length (a 60-word phrase
# of one common word took 1.3 s on the BBC corpus): a phrase is bounded in words, and so
# are all the phrases of a query together.
MAX_PHRASE_WORDS = 20
# Whoosh's parser is recursive: 400 nested parentheses took 0.9 s to parse and search.
MAX_NESTING = 20
MAX_PHRASES_WORDS = 40
# Whoosh checks every expanded term against every matching paragraph to report matched
# terms, so the cost grows with terms x paragraphs: five short prefixes (gov* OR ele* OR
# pri* OR min* OR eco*, 142 terms, 3,334 paragraphs) took 4.2 s on the BBC corpus (load 9
# on 2 cores), two of them (31 terms) 0.6 s.
MAX_EXPANDED_TERMS = 100
_WILDCARD_WORD = re.compile(r"[^\s()\[\]{}\"]*[*?][^\s()\[\]{}\"]*")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_FIELD_PREFIX = re.compile(r"(?<![\w\"])([A-Za-z_]+):")
_DATE_TERM = re.compile(r"date:(\[[^\]]*\]|\S+)", re.IGNORECASE)
_DATE_VALUE = re.compile(r"\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?")
_ENTITY_TERM = re.compile(r"entity:(?:\"([^\"]*)\"|(\S+))")


class QueryError(ValueError):
    """A malformed query; the message is meant for the user."""


def _outside_quotes(query: str) -> str:
    """The query with quoted phrases blanked out (so their contents are not checked)."""
    return re.sub(r"\"[^\"]*\"", lambda m: " " * len(m.group()), query)


def check_query_size(query: str) -> None:
    """Raise QueryError when the query is longer than MAX_QUERY_CHARS characters or has more
    than MAX_QUERY_TERMS words. Runs before any other check: both bounds are linear scans."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(
            f"The query is too long ({len(query):,} characters; at most "
            f"{MAX_QUERY_CHARS:,} are searched). Shorten it."
        )
    words = len(query.split())
    if words > MAX_QUERY_TERMS:
        raise QueryError(
            f"The query has too many words ({words:,}; at most {MAX_QUERY_TERMS} are "
            "searched). Shorten it."
        )


def check_query_syntax(query: str) -> None:
    """Raise QueryError naming the problem when the query is malformed."""
    check_query_size(query)
    if not query.strip():
        raise QueryError("Type something to search for.")
    if query.count('"') % 2:
        raise QueryError('Unbalanced quotes: a phrase needs a closing ".')
    bare = _outside_quotes(query)
    for opening, closing, name in (("(", ")", "parentheses"), ("[", "]", "brackets")):
        depth = 0
        for char in bare:
            depth += (char == opening) - (char == closing)
            if depth < 0:
                break
            if depth > MAX_NESTING:
                raise QueryError(
                    f"The query nests {name} too deeply (at most {MAX_NESTING} levels)."
                )
        if depth != 0:
            raise QueryError(f"Unbalanced {name}: each {opening} needs a matching {closing}.")
    for match in _FIELD_PREFIX.finditer(bare):
        name = match.group(1)
        if name.lower() not in FIELDS:
            raise QueryError(
                f"Unknown field {name}:. Use one of: title:, author:, source:, date:, entity:."
            )
        rest = query[match.end() :]
        if not rest.strip() or rest[:1].isspace():
            raise QueryError(f"{name}: needs a value right after the colon.")
    _check_dates(bare)
    _check_wildcards(query)
    _check_phrases(query)
    words = re.findall(r"[()]|[^\s()]+", bare)
    _check_operators([w for w in words if w.strip()])


def _check_wildcards(query: str) -> None:
    """A wildcard word (outside or inside a phrase) starts with MIN_WILDCARD_PREFIX letters
    or digits before its first * or ?, after any field prefix."""
    for match in _WILDCARD_WORD.finditer(query):
        word = match.group().rpartition(":")[2].lstrip("+-")
        literal = re.split(r"[*?]", word, maxsplit=1)[0]
        if sum(ch.isalnum() for ch in literal) < MIN_WILDCARD_PREFIX:
            raise QueryError(
                f"{match.group()}: a wildcard needs at least {MIN_WILDCARD_PREFIX} letters "
                "before * or ? (such as camp*)."
            )


def _check_phrases(query: str) -> None:
    """A phrase has at most MAX_PHRASE_WORDS words, the query's phrases MAX_PHRASES_WORDS."""
    total = 0
    for phrase in re.findall(r"\"([^\"]*)\"", query):
        words = len(phrase.split())
        total += words
        if words > MAX_PHRASE_WORDS or total > MAX_PHRASES_WORDS:
            raise QueryError(
                f"A phrase can have at most {MAX_PHRASE_WORDS} words, and the phrases of a "
                f"query {MAX_PHRASES_WORDS} together. Shorten the phrase."
            )


def only_negative_error() -> QueryError:
    """The error for a query that only says what not to find (NOT blair): it would list
    nearly every paragraph."""
    return QueryError("NOT needs something to search for as well, such as: camps NOT blair.")


def expansion_error(word: str, count: int) -> QueryError:
    """The error for a query whose wildcards or ranges match too many index terms."""
    return QueryError(
        f"{word} matches too many words ({count:,}+; at most {MAX_EXPANDED_TERMS:,} are "
        "searched). Type more letters before the * or ?."
    )


def _check_dates(query: str) -> None:
    """date: takes YYYY, YYYY-MM or YYYY-MM-DD, or a range [A to B] of those (ends optional)."""
    for match in _DATE_TERM.finditer(query):
        value = match.group(1)
        if value.startswith("["):
            ends = re.split(r"\s*\bto\b\s*", value[1:-1].strip(), flags=re.IGNORECASE)
            ok = len(ends) == 2 and all(not e or _DATE_VALUE.fullmatch(e) for e in ends)
        else:
            ok = bool(_DATE_VALUE.fullmatch(value.rstrip(")")))
        if not ok:
            raise QueryError(
                "date: takes a date such as 2019, 2019-04 or 2019-04-05, "
                "or a range such as date:[2018 to 2019]."
            )


def _check_operators(words: list[str]) -> None:
    """A boolean operator needs a term on each side (NOT only on its right)."""
    previous = "("
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ")"
        if word in _OPERATORS:
            needs_left = word != "NOT"
            if (needs_left and (previous in _OPERATORS or previous == "(")) or (
                following in _OPERATORS - {"NOT"} or following == ")"
            ):
                raise QueryError(
                    f"{word} needs a search term on {'each side' if needs_left else 'its right'}."
                )
        previous = word


def rewrite_entity_terms(query: str, spellings: Callable[[str], list[str]] | None) -> str:
    """Replace `entity:"Name"` by an OR of phrase queries over every spelling of the entity.

    Without an entity index the name itself is searched as a phrase.
    """

    def replace(match: re.Match[str]) -> str:
        name = (match.group(1) or match.group(2) or "").strip()
        if not name:
            raise QueryError('entity: needs a name, e.g. entity:"Sayragul Sauytbay".')
        forms = (spellings(name) if spellings else []) or [name]
        phrases = " OR ".join(f'"{form.replace(chr(34), "")}"' for form in forms)
        return f"({phrases})"

    return _ENTITY_TERM.sub(replace, query)


def entity_query(name: str) -> str:
    """The search query for every spelling of an entity: entity:"Name"."""
    return 'entity:"{}"'.format(" ".join(name.replace('"', " ").split()))
