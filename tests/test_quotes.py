"""Shared quotations (tuireader.core.compare.quotes): the small edits writers make when quoting."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader.core.compare.quotes import SharedQuote, normalise, shared_quotes
from tuireader.core.corpus import Article, load_article

FILLER_A = (
    "The village bakery has changed its sourdough recipe after forty years, using rye flour "
    "from a local mill and a longer overnight rise that the owners say improves the crust."
)
FILLER_B = (
    "Heavy rain flooded the valley roads overnight and the regional council closed two "
    "bridges while engineers inspect them for damage caused by debris carried downstream."
)


def articles(tmp_path: Path, text_a: str, text_b: str) -> tuple[Article, Article]:
    """Two articles, each a filler paragraph then the given one."""
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    loaded = []
    for name, filler, text in (("a", FILLER_A, text_a), ("b", FILLER_B, text_b)):
        path = seeds / f"{name}.txt"
        path.write_text(f"{filler}\n\n{text}\n", encoding="utf-8")
        loaded.append(load_article(path, seeds))
    return loaded[0], loaded[1]


def only_quote(a: Article, b: Article) -> SharedQuote:
    quotes = shared_quotes(a, b)
    assert len(quotes) == 1, quotes
    quote = quotes[0]
    # Offsets point at exactly the reported text in both originals.
    assert a.text[quote.a_start : quote.a_end] == quote.a_text
    assert b.text[quote.b_start : quote.b_end] == quote.b_text
    assert quote.a_paragraph == 2 and quote.b_paragraph == 2
    return quote


def test_bracketed_insertion_and_curly_quotes(tmp_path: Path) -> None:
    a, b = articles(
        tmp_path,
        "An activist told the newspaper, “I believe the Chinese government’s goal is to "
        "completely erase the [Uyghur] ethnic identity.”",
        "In an interview he said: \"I believe the Chinese government's goal is to completely "
        'erase the ethnic identity," and asked for help.',
    )
    quote = only_quote(a, b)
    assert quote.a_text == (
        "I believe the Chinese government’s goal is to completely erase the [Uyghur] "
        "ethnic identity"
    )
    assert quote.b_text.startswith("I believe the Chinese government's goal")
    assert quote.b_text.endswith("erase the ethnic identity")
    assert not quote.exact
    assert quote.quoted_in_a and quote.quoted_in_b


def test_ellipsis_omits_words_from_the_source(tmp_path: Path) -> None:
    a, b = articles(
        tmp_path,
        "“It remains to be seen how the Belt… can develop with Xinjiang in a constant state "
        "of emergency,” she asks.",
        "She wrote that it remains to be seen how the Belt and Road Initiative can develop with "
        "Xinjiang in a constant state of emergency.",
    )
    quote = only_quote(a, b)
    assert "Belt… can develop" in quote.a_text
    assert "Belt and Road Initiative can develop" in quote.b_text
    assert quote.a_text.endswith("state of emergency")


def test_changed_inflection_and_bracketed_letters(tmp_path: Path) -> None:
    a, b = articles(
        tmp_path,
        "The ministry wrote that China was “pursu[ing] an appropriate policy to support ethnic "
        "minorities” and added that “[a]ccording to the data from the Chinese party” all was well.",
        "Beijing, it said, would “pursue an appropriate policy to support ethnic minorities.” "
        "The rest of the letter was about trade.",
    )
    quote = only_quote(a, b)
    assert quote.a_text == "pursu[ing] an appropriate policy to support ethnic minorities"
    assert quote.b_text == "pursue an appropriate policy to support ethnic minorities"
    assert quote.tokens == 8
    # The words after the closing quotation mark are not part of the quotation.
    assert "rest" not in quote.b_text


def test_dashes_case_and_line_breaks_do_not_matter(tmp_path: Path) -> None:
    a, b = articles(
        tmp_path,
        "Activism peaked early in the crackdown—many of the first victims who testified were "
        "ethnic Kazakhs.",
        "Activism Peaked Early in the crackdown - many of the\nfirst victims who testified were "
        "ethnic Kazakhs, reporters found.",
    )
    quote = only_quote(a, b)
    assert quote.exact
    assert normalise(quote.a_text) == normalise(quote.b_text)
    assert "\n" in quote.b_text  # the text as it appears in b, line break included


def test_short_or_unrelated_sequences_are_not_quotations(tmp_path: Path) -> None:
    a, b = articles(
        tmp_path,
        "The council said the bridge would reopen soon after repairs to the deck.",
        "Engineers think the bridge would reopen soon, but nobody knows the date yet.",
    )
    assert shared_quotes(a, b) == []  # "the bridge would reopen soon" is five words


def test_a_shared_name_alone_is_not_a_quotation(tmp_path: Path) -> None:
    a, b = articles(
        tmp_path,
        "A letter came from the Kazakh Ministry of Foreign Affairs on Tuesday morning.",
        "Diplomats at the Kazakh Ministry of Foreign Affairs declined to comment further.",
    )
    assert shared_quotes(a, b) == []


def test_furniture_is_ignored(tmp_path: Path) -> None:
    sentence = (
        "Subscribers get unlimited access to every analysis and the full archive of our "
        "reporting since the magazine was founded."
    )
    a, b = articles(tmp_path, f"Want to read more?\n\n{sentence}", sentence)
    assert a.paragraph(3).furniture
    assert shared_quotes(a, b) == []


def test_minimum_length_is_adjustable(tmp_path: Path) -> None:
    a, b = articles(
        tmp_path,
        "The council said the bridge would reopen soon after repairs to the deck.",
        "Engineers think the bridge would reopen soon, but nobody knows the date yet.",
    )
    quotes = shared_quotes(a, b, min_tokens=5)
    assert [q.a_text for q in quotes] == ["the bridge would reopen soon"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("“Hello” — it’s  me…", '"hello" it\'s me'), ("A\n\tB", "a b")],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected
