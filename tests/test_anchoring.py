"""Re-anchoring highlights when the article text changes (tuireader.core.annotations.anchoring)."""

from __future__ import annotations

import copy
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuireader.core.annotations.anchoring import (
    CONTEXT_CHARS,
    FUZZY_MIN_SIMILARITY,
    SelectionError,
    closest_passage,
    find_quote,
    locate,
    make_target,
    paragraph_holding,
    paragraph_number,
    search_quote,
)
from tuireader.core.annotations.model import new_annotation, reanchor
from tuireader.core.corpus import Article, load_article

TEXT = (
    "Talks on the pipeline resumed in Astana on Monday.\n"
    "\n"
    "The energy minister said the consortium had agreed to a revised schedule for the "
    "northern section, which had been delayed by two winters of disputes over land rights.\n"
    "\n"
    "Critics were unconvinced. “The schedule has slipped three times already,” said a local "
    "analyst, who asked not to be named.\n"
    "\n"
    "A final decision is expected before the end of the year, officials said.\n"
)
QUOTE = "agreed to a revised schedule for the northern section"


def article_from(folder: Path, text: str, article_id: str = "story") -> Article:
    """An Article loaded the way the workspace loads one, from a file holding `text`."""
    seeds = folder / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    path = seeds / f"{article_id}.txt"
    path.write_text(text, encoding="utf-8")
    return load_article(path, seeds)


def span_of(text: str, quote: str, occurrence: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = text.index(quote, start + 1)
    return start, start + len(quote)


@pytest.fixture
def original(tmp_path: Path) -> Article:
    return article_from(tmp_path / "v1", TEXT)


def edited(tmp_path: Path, text: str) -> Article:
    return article_from(tmp_path / "v2", text)


def test_unchanged_text_keeps_positions(original: Article) -> None:
    start, end = span_of(TEXT, QUOTE)
    annotation = new_annotation(original, start, end)
    anchor = reanchor(annotation, original)
    assert (anchor.status, anchor.start, anchor.end, anchor.score) == ("anchored", start, end, 1.0)
    assert anchor.paragraph == 2 == annotation.target.paragraph


def test_text_inserted_before_shifts_the_anchor(original: Article, tmp_path: Path) -> None:
    start, end = span_of(TEXT, QUOTE)
    annotation = new_annotation(original, start, end)
    insert = "An earlier paragraph, added by the editor after publication.\n\n"
    article = edited(tmp_path, insert + TEXT)
    anchor = reanchor(annotation, article)
    assert anchor.status == "anchored"
    assert (anchor.start, anchor.end) == (start + len(insert), end + len(insert))
    assert article.text[anchor.start : anchor.end] == QUOTE
    assert anchor.paragraph == 3


def test_text_inserted_right_before_the_quote(original: Article, tmp_path: Path) -> None:
    start, end = span_of(TEXT, QUOTE)
    annotation = new_annotation(original, start, end)
    text = TEXT.replace("had agreed", "had finally and formally agreed")
    anchor = reanchor(annotation, edited(tmp_path, text))
    assert anchor.status == "anchored"
    assert anchor.start is not None and anchor.end is not None
    assert text[anchor.start : anchor.end] == QUOTE


def test_text_inserted_after_keeps_the_anchor(original: Article, tmp_path: Path) -> None:
    start, end = span_of(TEXT, QUOTE)
    annotation = new_annotation(original, start, end)
    text = TEXT.replace("northern section,", "northern section (about 400 km),")
    text += "\nUpdate: the ministry later confirmed the figures.\n"
    anchor = reanchor(annotation, edited(tmp_path, text))
    assert (anchor.status, anchor.start, anchor.end) == ("anchored", start, end)


def test_text_inserted_inside_the_quote_is_fuzzy(original: Article, tmp_path: Path) -> None:
    start, end = span_of(TEXT, QUOTE)
    annotation = new_annotation(original, start, end)
    changed = "agreed to a revised and shortened schedule for the northern section"
    anchor = reanchor(annotation, edited(tmp_path, TEXT.replace(QUOTE, changed)))
    assert anchor.status == "fuzzy"
    assert anchor.start == start
    assert anchor.start is not None and anchor.end is not None
    assert TEXT.replace(QUOTE, changed)[anchor.start : anchor.end] == changed
    assert FUZZY_MIN_SIMILARITY <= anchor.score < 1.0


def test_slightly_edited_quote_is_fuzzy(original: Article, tmp_path: Path) -> None:
    start, end = span_of(TEXT, QUOTE)
    annotation = new_annotation(original, start, end)
    changed = "agreed to a revized schedule for the northern stretch"
    text = "Corrected version.\n\n" + TEXT.replace(QUOTE, changed)
    anchor = reanchor(annotation, edited(tmp_path, text))
    assert anchor.status == "fuzzy"
    assert anchor.start is not None and anchor.end is not None
    assert text[anchor.start : anchor.end] == changed
    assert anchor.paragraph == 3
    assert FUZZY_MIN_SIMILARITY <= anchor.score < 1.0


def test_deleted_quote_is_orphaned(original: Article, tmp_path: Path) -> None:
    start, end = span_of(TEXT, QUOTE)
    annotation = new_annotation(original, start, end)
    sentence_start = TEXT.index("The energy minister")
    sentence_end = TEXT.index("Critics")
    text = TEXT[:sentence_start] + TEXT[sentence_end:]
    anchor = reanchor(annotation, edited(tmp_path, text))
    assert (anchor.status, anchor.start, anchor.end, anchor.paragraph) == (
        "orphaned",
        None,
        None,
        None,
    )


def test_heavily_rewritten_quote_is_orphaned(original: Article, tmp_path: Path) -> None:
    start, end = span_of(TEXT, QUOTE)
    annotation = new_annotation(original, start, end)
    text = TEXT.replace(QUOTE, "accepted a new timetable for the north")
    anchor = reanchor(annotation, edited(tmp_path, text))
    assert anchor.status == "orphaned"
    assert anchor.score < FUZZY_MIN_SIMILARITY


def test_long_insertion_inside_quote_fails_the_length_ratio(
    original: Article, tmp_path: Path
) -> None:
    start, end = span_of(TEXT, QUOTE)
    annotation = new_annotation(original, start, end)
    changed = QUOTE.replace(
        "schedule", "schedule (drawn up by the consortium's new engineering team)"
    )
    anchor = reanchor(annotation, edited(tmp_path, TEXT.replace(QUOTE, changed)))
    assert anchor.status == "orphaned"


def test_long_edited_quote_is_found_with_exact_edges(tmp_path: Path) -> None:
    rng = random.Random(7)
    vocabulary = [
        "pipeline", "ministry", "border", "winter", "contract", "villagers", "court",
        "deputy", "harvest", "railway", "tariff", "reporter", "summit", "coalition",
    ]  # fmt: skip
    words = [rng.choice(vocabulary) for _ in range(900)]
    text = " ".join(words) + ".\n"
    start = len(" ".join(words[:300])) + 1
    end = len(" ".join(words[:420]))
    article = article_from(tmp_path / "v1", text)
    annotation = new_annotation(article, start, end)
    quote = text[start:end]
    changed = quote.replace(" ", " the ", 3)[::-1].replace(" ", " a ", 2)[::-1]
    new_text = "A new opening line.\n\n" + text.replace(quote, changed)
    anchor = reanchor(annotation, edited(tmp_path, new_text))
    assert len(quote) > 600
    assert anchor.status == "fuzzy"
    assert anchor.start is not None and anchor.end is not None
    assert new_text[anchor.start : anchor.end] == changed


def test_the_stored_quote_is_never_rewritten(original: Article, tmp_path: Path) -> None:
    start, end = span_of(TEXT, QUOTE)
    annotation = new_annotation(original, start, end, note="keep")
    before = copy.deepcopy(annotation)
    statuses = [
        reanchor(annotation, edited(tmp_path, text)).status
        for text in (TEXT.replace("revised", "revized"), "Nothing left of it.\n")
    ]
    assert statuses == ["fuzzy", "orphaned"]
    assert annotation == before


def test_repeated_quote_is_placed_by_its_context(tmp_path: Path) -> None:
    text = (
        "In March the ministry said the plan was on schedule and fully funded.\n\n"
        "In June the auditors said the plan was on schedule but underfunded.\n"
    )
    article = article_from(tmp_path / "v1", text)
    start, end = span_of(text, "the plan was on schedule", occurrence=2)
    annotation = new_annotation(article, start, end)
    insert = "Background.\n\n"
    moved = edited(tmp_path, insert + text)
    anchor = reanchor(annotation, moved)
    assert anchor.status == "anchored"
    assert anchor.start == start + len(insert)


def test_identical_passages_are_told_apart_by_old_position(tmp_path: Path) -> None:
    paragraph = "The committee met again and reached no decision on the proposal."
    text = "\n\n".join([paragraph] * 3) + "\n"
    article = article_from(tmp_path / "v1", text)
    start, end = span_of(text, "reached no decision", occurrence=2)
    annotation = new_annotation(article, start, end)
    anchor = reanchor(annotation, edited(tmp_path, text + "\nA footnote.\n"))
    assert (anchor.status, anchor.start) == ("anchored", start)
    assert anchor.paragraph == 2


def test_short_repeated_quote_without_its_context_is_orphaned(tmp_path: Path) -> None:
    text = "Officials said little. Analysts said more. Critics said the most of all, loudly.\n"
    article = article_from(tmp_path / "v1", text)
    start, end = span_of(text, "said", occurrence=2)
    annotation = new_annotation(article, start, end)
    rewritten = "Nobody said anything that week; the minister said nothing either.\n"
    assert reanchor(annotation, edited(tmp_path, rewritten)).status == "orphaned"


def test_short_unique_quote_in_new_surroundings_is_fuzzy(tmp_path: Path) -> None:
    text = "The talks lasted two winters before the deal was signed in Astana.\n"
    article = article_from(tmp_path / "v1", text)
    annotation = new_annotation(article, *span_of(text, "two winters"))
    rewritten = "It took the negotiators two winters, and then suddenly everything moved fast.\n"
    anchor = reanchor(annotation, edited(tmp_path, rewritten))
    assert anchor.status == "fuzzy"
    assert (anchor.start, anchor.end) == span_of(rewritten, "two winters")


def test_wrong_stored_offsets_are_corrected_by_the_quote(original: Article) -> None:
    start, end = span_of(TEXT, QUOTE)
    target = make_target(original, start, end)
    target.start, target.end = 3, 3 + len(QUOTE)  # a hand edit got the numbers wrong
    anchor = locate(target, original)
    assert (anchor.status, anchor.start, anchor.end) == ("anchored", start, end)


def test_make_target_keeps_context_and_checksum(original: Article) -> None:
    start, end = span_of(TEXT, QUOTE)
    target = make_target(original, start, end)
    assert target.exact == QUOTE
    assert target.prefix == TEXT[start - CONTEXT_CHARS : start]
    assert target.suffix == TEXT[end : end + CONTEXT_CHARS]
    assert target.checksum == original.checksum
    at_start = make_target(original, 0, 5)
    assert at_start.prefix == ""
    at_end = make_target(original, len(TEXT) - 6, len(TEXT) - 1)
    assert at_end.suffix == "\n"


@pytest.mark.parametrize("span", [(5, 5), (10, 4), (-1, 3), (0, len(TEXT) + 1)])
def test_make_target_refuses_bad_spans(original: Article, span: tuple[int, int]) -> None:
    with pytest.raises(SelectionError):
        make_target(original, *span)


def test_make_target_refuses_blank_selection(original: Article) -> None:
    gap = TEXT.index("\n\n")
    with pytest.raises(SelectionError, match="blank"):
        make_target(original, gap, gap + 2)


def test_paragraph_number_for_spans_in_gaps(original: Article) -> None:
    gap = TEXT.index("\n\n")
    assert paragraph_number(original.paragraphs, gap) == 2
    assert paragraph_number(original.paragraphs, 0) == 1
    assert paragraph_number(original.paragraphs, len(TEXT) - 1) == 4


def test_find_quote_tolerates_quotes_and_whitespace() -> None:
    typed = '"The schedule has slipped three   times\nalready," said'
    spans = find_quote(TEXT, typed)
    assert len(spans) == 1
    start, end = spans[0]
    assert TEXT[start:end] == "“The schedule has slipped three times already,” said"


def test_find_quote_maps_whitespace_runs_to_real_offsets() -> None:
    text = "one  two\n\nthree four"
    assert find_quote(text, "two three") == [(5, 15)]
    assert text[5:15] == "two\n\nthree"


def test_find_quote_lists_every_occurrence_in_order() -> None:
    assert find_quote(TEXT, "said") == [
        (m, m + 4) for m in range(len(TEXT)) if TEXT.startswith("said", m)
    ]
    assert len(find_quote(TEXT, "said")) == 3
    assert find_quote(TEXT, "not in the text") == []
    assert find_quote(TEXT, "   ") == []


def test_search_quote_ignores_case_only_when_the_case_is_not_found() -> None:
    assert find_quote(TEXT, "critics were") == []  # letter case counts for find_quote
    found = search_quote(TEXT, "CRITICS  were\nunconvinced")
    assert found.ignoring_case
    [(start, end)] = found.spans
    assert TEXT[start:end] == "Critics were unconvinced"
    exact = search_quote(TEXT, "Critics were")
    assert (exact.ignoring_case, len(exact.spans)) == (False, 1)


def test_case_folding_keeps_offsets_into_the_real_characters() -> None:
    # "ß" folds to "ss" and "İ" to two characters: offsets still cover whole characters.
    text = "Die Straße nach İstanbul ist lang."
    [(start, end)] = find_quote(text, "STRASSE NACH i̇stanbul", ignore_case=True)
    assert text[start:end] == "Straße nach İstanbul"


def test_closest_passage_points_at_the_nearest_words() -> None:
    closest = closest_passage(TEXT, "agreed to a revized schedule for the north")
    assert closest is not None
    start, end, similarity = closest
    assert TEXT[start:end] == "agreed to a revised schedule for the northern"
    assert 0.85 < similarity < 1
    long_typo = (TEXT[TEXT.index("The energy") : TEXT.index("land rights")] * 3).replace("e", "a")
    assert closest_passage(TEXT * 40, long_typo) is not None  # long quotes are probed, not aligned
    assert closest_passage(TEXT, "   ") is None


def test_paragraph_holding_matches_the_recorded_paragraph(original: Article) -> None:
    paragraphs = original.paragraphs
    for offset in range(0, len(TEXT) + 3):
        held = paragraph_holding(paragraphs, offset)
        assert held is not None
        expected = next((p for p in paragraphs if offset < p.end), paragraphs[-1])
        assert held == expected, offset
    assert paragraph_holding([], 5) is None


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first_word=st.integers(min_value=0, max_value=60),
    words=st.integers(min_value=3, max_value=8),
    insert=st.text(alphabet="abcdefgh XYZ\n", min_size=1, max_size=40),
    where=st.floats(min_value=0, max_value=1),
    after=st.booleans(),
)
def test_insertions_outside_the_quote_keep_it_anchored(
    tmp_path: Path, first_word: int, words: int, insert: str, where: float, after: bool
) -> None:
    """Property: text added anywhere outside a multi-word quote never loses it."""
    tokens = [m.span() for m in re.finditer(r"\S+", TEXT)]
    first_word %= len(tokens) - words
    start, end = tokens[first_word][0], tokens[first_word + words - 1][1]
    original = article_from(tmp_path / "p1", TEXT)
    annotation = new_annotation(original, start, end)
    position = end + int(where * (len(TEXT) - end)) if after else int(where * start)
    text = TEXT[:position] + insert + TEXT[position:]
    anchor = reanchor(annotation, article_from(tmp_path / "p2", text))
    shift = 0 if after else len(insert)
    assert anchor.status == "anchored"
    assert (anchor.start, anchor.end) == (start + shift, end + shift)
