"""Formatted citations with citeproc-py (tuireader.core.export.styles), checked against golden
files that were reviewed by hand against each style's rules (tests/golden/REVIEW.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_export_support import check_golden, copy_bundled, special_workspace

from tuireader.core.export.citations import csl_records
from tuireader.core.export.exporter import workspace_records
from tuireader.core.export.styles import (
    CiteRequest,
    StyleError,
    UnknownStyleError,
    available_styles,
    fix_punctuation,
    format_citation,
    format_citations,
    format_reference,
    resolve_style,
    suggest_styles,
)

BRITISH_STYLE = "african-online-scientific-information-systems-harvard"
"""An installed author-date style whose default-locale is en-GB (quotes ‘ ’, inner “ ”)."""

MAIN_STYLES = [
    "apa",
    "chicago-author-date",
    "chicago-notes-bibliography",
    "modern-language-association",
]


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """CSL records of the five bundled articles."""
    workspace = copy_bundled(tmp_path_factory.mktemp("styles") / "ws")
    return list(workspace_records(workspace).values())


def style_report(records: list[dict[str, Any]], style: str, markup: str) -> str:
    """Everything a style produces for the five articles, as one reviewable text."""
    requests = [CiteRequest(str(r["id"]), "3") for r in records]
    requests.append(CiteRequest(str(records[0]["id"]), "5"))  # a second cite of the first
    requests.append(CiteRequest(str(records[3]["id"])))  # no locator
    result = format_citations(records, requests, style, markup)  # type: ignore[arg-type]
    lines = [f"# {result.style.title} ({style}), {markup}", "", "## Citations"]
    lines += result.citations
    lines += ["", "## Bibliography"]
    lines += result.references.values()
    lines += ["", "## Alone (no other work in scope: no year suffix)"]
    lines.append(format_citation(records[0], style, "3", markup=markup))  # type: ignore[arg-type]
    lines.append(format_reference(records[0], style, markup))  # type: ignore[arg-type]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("style", MAIN_STYLES)
@pytest.mark.parametrize("markup", ["text", "markdown"])
def test_style_golden(records: list[dict[str, Any]], style: str, markup: str) -> None:
    suffix = "md" if markup == "markdown" else "txt"
    check_golden(f"style-{style}.{suffix}", style_report(records, style, markup))


def test_year_suffix_only_for_same_author_same_year(records: list[dict[str, Any]]) -> None:
    requests = [CiteRequest(str(r["id"])) for r in records]
    result = format_citations(records, requests, "apa")
    assert result.citations[0] == "(Putz, 2018b)"  # Kazakhstan and the Xinjiang Problem
    assert result.citations[2] == "(Putz, 2018a)"  # Carefully… sorts first
    assert result.citations[3] == "(Putz, 2019)"
    assert "(2018a, June)" in result.references["putz2018carefully"]
    # Without the other 2018 article in scope there is nothing to tell apart.
    alone = format_citations([records[0], records[3]], [CiteRequest("putz2018kazakhstan")], "apa")
    assert alone.citations == ["(Putz, 2018)"]


def test_mla_adds_titles_only_for_authors_with_several_works(
    records: list[dict[str, Any]],
) -> None:
    requests = [CiteRequest(str(r["id"]), "2") for r in records]
    result = format_citations(records, requests, "mla")
    assert result.citations[1] == "(Svoboda, par. 2)"
    assert result.citations[4] == "(Pron and Szwajnoch, par. 2)"
    assert result.citations[0].startswith("(Putz, “Kazakhstan and the Xinjiang Problem,”")


def test_full_given_names_where_the_style_wants_them(records: list[dict[str, Any]]) -> None:
    """citeproc-py ignores initialize="false"; the adapted style gives full names."""
    chicago = format_reference(records[0], "chicago-author-date")
    assert chicago.startswith("Putz, Catherine. 2018.")
    apa = format_reference(records[0], "apa")
    assert apa.startswith("Putz, C. (2018, September).")


def test_no_empty_labels(records: list[dict[str, Any]]) -> None:
    """citeproc-py printed "Edition" for a label whose variable is empty."""
    for style in MAIN_STYLES:
        result = format_citations(records, [CiteRequest(str(records[0]["id"]), "3")], style)
        for text in [*result.citations, *result.references.values()]:
            assert "Edition" not in text and "edition" not in text


def test_notes_give_short_form_on_second_cite(records: list[dict[str, Any]]) -> None:
    key = str(records[0]["id"])
    result = format_citations(
        records, [CiteRequest(key, "3"), CiteRequest(key, "5")], "chicago-notes-bibliography"
    )
    assert result.style.note
    assert result.citations[0].startswith("Catherine Putz, “Kazakhstan and the Xinjiang Problem,”")
    assert result.citations[1] == "Putz, “Kazakhstan and the Xinjiang Problem,” para. 5."


@pytest.mark.parametrize(
    ("raw", "piq", "fixed"),
    [
        ("“Title”. Next", True, "“Title.” Next"),
        ("“Title”, Next", True, "“Title,” Next"),
        ("“Title”. Next", False, "“Title”. Next"),
        ("“Why?”. Next", True, "“Why?” Next"),
        ("*Why?*. Lawfare", False, "*Why?* Lawfare"),
        ("“Why?”, Lawfare", True, "“Why?,” Lawfare"),
        ("King Jr.. 2019", False, "King Jr. 2019"),
        ("Wait... what", False, "Wait... what"),
        ("a  b ", False, "a b"),
        (
            "https://x.org/a..b?.c https://y.org/q?.",
            False,
            "https://x.org/a..b?.c https://y.org/q?",
        ),
    ],
)
def test_fix_punctuation(raw: str, piq: bool, fixed: str) -> None:
    assert fix_punctuation(raw, piq) == fixed


def test_styles_are_found_by_alias_renamed_name_and_path(tmp_path: Path) -> None:
    assert resolve_style("MLA").name == "modern-language-association"
    assert resolve_style("chicago").name == "chicago-author-date"
    assert resolve_style("apa").title.startswith("APA")
    assert not resolve_style("apa").note
    assert resolve_style("chicago-notes-bibliography").note
    path = resolve_style("apa").path
    copy = tmp_path / "mine.csl"
    copy.write_bytes(path.read_bytes())
    assert resolve_style(str(copy)).name == "mine"
    assert len(available_styles()) > 2000


def test_dependent_style_formats_with_its_parent(records: list[dict[str, Any]]) -> None:
    """Any installed style by name: `nature` is a dependent-free numeric style, and
    `harvard-cite-them-right` an author-date one; both must work, not just the four."""
    numeric = format_citations(records, [CiteRequest(str(records[1]["id"]))], "nature")
    assert numeric.citations == ["1"] or numeric.citations[0].strip("[]()") == "1"
    harvard = format_citation(records[1], "harvard-cite-them-right")
    assert "Svoboda" in harvard and "2021" in harvard


def test_unknown_style_names_close_ones() -> None:
    with pytest.raises(UnknownStyleError) as caught:
        resolve_style("chicago-author")
    assert "chicago-author-date" in caught.value.suggestions
    assert "chicago-author-date" in str(caught.value)
    assert "modern-language-association" in suggest_styles("modern-language")
    with pytest.raises(UnknownStyleError):
        resolve_style("")


def test_broken_style_file_is_a_style_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.csl"
    broken.write_text("<style", encoding="utf-8")
    with pytest.raises(StyleError):
        resolve_style(str(broken))


def test_unknown_key_is_reported_not_raised(records: list[dict[str, Any]]) -> None:
    problems: list[str] = []
    result = format_citations(records, [CiteRequest("nosuchkey")], "apa", problems=problems)
    assert problems and "nosuchkey" in problems[0]
    assert len(result.citations) == 1


@pytest.mark.parametrize("style", MAIN_STYLES)
def test_special_characters_survive_styles(tmp_path: Path, style: str) -> None:
    _workspace, article, _annotation = special_workspace(tmp_path / "ws")
    record = csl_records([article])["special"]
    text = format_reference(record, style)
    # MLA gives the first author and "et al." for three or more; the others list all.
    authors = (
        ["Сәуытбай"] if style == "modern-language-association" else ["Сәуытбай", "王", "Ñúñez"]
    )
    for expected in [*authors, "Café Ürümqi", "{Braces}", "$5 #1 50%", "~tilde^", "Le Monde & Co"]:
        assert expected in text, (expected, text)
    # Title case (Chicago, MLA) may capitalize words; the characters must all be there.
    assert "back\\slash" in text.lower() and "under_score" in text.lower()
    assert "““" not in text  # a quoted title inside the style's quotes is flipped
    markdown = format_reference(record, style, "markdown")
    assert "nder\\_score" in markdown and "Сәуытбай" in markdown
    assert "\\{Braces\\}" not in markdown  # braces are not Markdown syntax: not escaped
    assert "back\\\\slash" in markdown.lower()  # the backslash itself is escaped


def test_markdown_references_render_literally_in_pandoc(tmp_path: Path) -> None:
    """Escaped Markdown must read back as the plain text (checked without pandoc: every
    backslash escape removed gives the plain-text rendering minus italics)."""
    _workspace, article, _annotation = special_workspace(tmp_path / "ws")
    record = csl_records([article])["special"]
    plain = format_reference(record, "apa")
    markdown = format_reference(record, "apa", "markdown")
    import re

    unescaped = re.sub(r"\\(.)", r"\1", markdown.replace("*Le", "Le").replace("%*.", "%."))
    assert unescaped == plain


def test_mla_substitutes_repeated_authors(records: list[dict[str, Any]]) -> None:
    result = format_citations(records, [], "modern-language-association")
    entries = list(result.references.values())
    putz = [e for e in entries if "Putz" in e or e.startswith("———")]
    assert putz[0].startswith("Putz, Catherine. “Carefully")
    assert putz[1].startswith("———. “Fleeing")
    assert putz[2].startswith("———. “Kazakhstan")
    assert entries[-1].startswith("Svoboda, Emma.")


def test_nested_quotes_take_the_inner_marks() -> None:
    """American English (APA, Chicago): “outer ‘inner’”, alternating deeper down; a quote
    mark glued inside a word is an apostrophe, never a closing mark."""
    from tuireader.core.export.styles import QuoteMarks, nest_quotes

    us = QuoteMarks()
    assert nest_quotes("““Quotes” & more.”", us) == "“‘Quotes’ & more.”"
    assert nest_quotes("“a” and “b”", us) == "“a” and “b”"
    assert nest_quotes("“x ““deep” y” z”", us) == "“x ‘“deep” y’ z”"
    assert nest_quotes("“Xinjiang’s camps”", us) == "“Xinjiang’s camps”"
    assert nest_quotes('He said "no" today', us, level=1) == "He said ‘no’ today"
    # A passage cut out of a longer quotation: its lone closing mark is an inner one.
    assert nest_quotes("a prison,” she said", us, level=1) == "a prison,’ she said"


def test_quote_marks_follow_the_style_locale() -> None:
    from tuireader.core.export.styles import enclose_quote, quote_marks

    for style in MAIN_STYLES:
        marks = quote_marks(style)
        assert (marks.open, marks.close, marks.open_inner, marks.close_inner) == (
            "“",
            "”",
            "‘",
            "’",
        )
    # A British English style (default-locale en-GB): single outside, double inside.
    british = quote_marks(BRITISH_STYLE)
    assert (british.open, british.open_inner) == ("‘", "“")
    said = "“In fact, it is a prison,” Sauytbay said."
    assert enclose_quote(said, quote_marks("apa")) == "“‘In fact, it is a prison,’ Sauytbay said.”"
    assert enclose_quote(said, british) == "‘“In fact, it is a prison,” Sauytbay said.’"


def test_quoted_titles_nest_in_each_style(tmp_path: Path) -> None:
    """A title holding “Quotes”, quoted by the style: inner single in American English
    (Chicago, MLA). A British style that prints the title unquoted gives its quotation
    the British outer marks (single)."""
    _workspace, article, _annotation = special_workspace(tmp_path / "ws")
    record = csl_records([article])["special"]
    assert "“‘Quotes’ & {Braces}" in format_reference(record, "chicago-author-date")
    assert "“‘Quotes’ & {Braces}" in format_reference(record, "modern-language-association")
    british = format_reference(record, BRITISH_STYLE)
    assert "‘Quotes’ & {Braces}" in british and "“" not in british


def test_chicago_note_bibliography_is_the_full_note_style(records: list[dict[str, Any]]) -> None:
    """The name the README gives: full first notes ("Catherine Putz, “Title,” The
    Diplomat, …"), not the shortened-notes style the CSL rename table points it to."""
    info = resolve_style("chicago-note-bibliography")
    assert info.name == "chicago-notes-bibliography" and info.note
    first = format_citation(records[0], info, "3")
    assert first.startswith("Catherine Putz, “Kazakhstan and the Xinjiang Problem,” The Diplomat")
