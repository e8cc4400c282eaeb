"""Text-fragment links (`URL#:~:text=…`) to a quoted passage."""

from __future__ import annotations

from urllib.parse import unquote

from tuireader.core.export.fragments import text_fragment_url

URL = "https://example.org/news/story"


def test_a_short_quote_is_linked_whole_with_its_context() -> None:
    link = text_fragment_url(URL, "the camps are schools", "officials said that", "for all")
    assert link == (
        f"{URL}#:~:text=officials%20said%20that-,the%20camps%20are%20schools,-for%20all"
    )


def test_a_long_quote_is_linked_by_its_first_and_last_words() -> None:
    quote = "one two three four five six seven eight nine ten"
    link = text_fragment_url(URL, quote)
    assert link == f"{URL}#:~:text=one%20two%20three%20four,seven%20eight%20nine%20ten"


def test_syntax_characters_in_the_quote_are_encoded() -> None:
    link = text_fragment_url(URL, "a so-called, re-education & training")
    directive = link.split(":~:text=", 1)[1]
    assert "-" not in directive and "," not in directive and "&" not in directive
    assert unquote(directive) == "a so-called, re-education & training"


def test_a_page_fragment_is_kept_and_an_empty_quote_links_the_page() -> None:
    assert text_fragment_url(URL + "#part-2", "word").startswith(URL + "#part-2:~:text=")
    assert text_fragment_url(URL, "   ") == URL
    assert text_fragment_url("", "word") == ""
