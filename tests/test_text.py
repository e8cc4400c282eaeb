"""The text rules of tuireader.core.text: sentences, quotes, folding, tags. Most cases are
sentences from the sample corpus (seeds/) or the kind of prose it is made of."""

from __future__ import annotations

import pytest

from tuireader.core.text import (
    fold,
    opens_quotation,
    parse_tags,
    sentence_spans,
    starts_sentence,
    straighten_quotes,
)


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text)]


# ---------------------------------------------------------------------------- sentences


def test_abbreviations_and_initials_end_no_sentence() -> None:
    text = "Mr. Smith met Dr. J. K. Rowling in the U.S. on Monday. She said “Hi.” Then 3 left!"
    assert sentences(text) == [
        "Mr. Smith met Dr. J. K. Rowling in the U.S. on Monday.",
        "She said “Hi.”",
        "Then 3 left!",
    ]


def test_us_before_a_capital_is_not_a_full_stop() -> None:
    text = (
        "In April 2018, a senior U.S. State Department diplomat put the number of those "
        "detained in re-education centers “at the very least in the tens of thousands.” "
        "Adrian Zenz, a researcher, put it higher."
    )
    assert sentences(text) == [
        "In April 2018, a senior U.S. State Department diplomat put the number of those "
        "detained in re-education centers “at the very least in the tens of thousands.”",
        "Adrian Zenz, a researcher, put it higher.",
    ]


def test_closing_quotes_and_brackets_belong_to_the_sentence_they_close() -> None:
    text = (
        "(Kazakhs and Kyrgyz are also Turkic Muslims, related to Uighurs in language and "
        "culture.) The Chinese government claims otherwise. They would say, ‘we won’t "
        "deport somebody.’” Bunin believes that."
    )
    assert sentences(text) == [
        "(Kazakhs and Kyrgyz are also Turkic Muslims, related to Uighurs in language and culture.)",
        "The Chinese government claims otherwise.",
        "They would say, ‘we won’t deport somebody.’”",
        "Bunin believes that.",
    ]


def test_an_ellipsis_ends_a_sentence_only_before_a_capital() -> None:
    text = (
        "“It remains to be seen how the Belt… can develop with Xinjiang in a constant state "
        "of emergency?” Kassenova asks. He paused… Then he went on."
    )
    assert sentences(text) == [
        "“It remains to be seen how the Belt… can develop with Xinjiang in a constant state "
        "of emergency?”",
        "Kassenova asks.",
        "He paused…",
        "Then he went on.",
    ]


def test_a_sentence_may_open_with_a_quote_or_a_digit() -> None:
    text = "The court ruled. “We are relieved,” she said. 2019 was worse."
    assert sentences(text) == [
        "The court ruled.",
        "“We are relieved,” she said.",
        "2019 was worse.",
    ]


def test_blank_space_around_sentences_belongs_to_none() -> None:
    text = "  One sentence here.   Another one.  "
    assert sentence_spans(text) == [(2, 20), (23, 35)]
    assert sentences(text) == ["One sentence here.", "Another one."]
    assert sentence_spans("") == []
    assert sentence_spans("   ") == []


def test_text_without_an_end_mark_is_one_sentence() -> None:
    assert sentences("Beginnings of the Crackdown") == ["Beginnings of the Crackdown"]


# ---------------------------------------------------------------------------- starts_sentence


def at(text: str, word: str) -> int:
    return text.index(word)


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("Subsequent reports said so.", "Subsequent", True),
        ("It rained. Later, officials replied.", "Later", True),
        ("He wrote in the U.S. State Department report.", "State", False),
        ("Mr. Smith met Dr. J. K. Rowling.", "Smith", False),
        ("Mr. Smith met Dr. J. K. Rowling.", "Rowling", False),
        ("the Kazakh government; Samarkan’s release", "Samarkan", False),
        ("“unregistered organization.” Bilash was charged.", "Bilash", True),
        ("culture.) The Chinese government", "The", True),
        ("It ended. “Three hundred people were held,” she said.", "Three", True),
        ("The toll: Three hundred dead.", "Three", True),
        ("Wales won the Six Nations.", "Six", False),
        ("she said “Three hundred people", "Three", False),
        ("Is it true? Nobody knows!", "Nobody", True),
    ],
)
def test_starts_sentence(text: str, word: str, expected: bool) -> None:
    assert starts_sentence(text, at(text, word)) is expected


def test_starts_sentence_agrees_with_sentence_spans() -> None:
    text = "Mr. Smith met Dr. J. K. Rowling in the U.S. on Monday. She said “Hi.” Then 3 left!"
    openers = {start for start, _ in sentence_spans(text)}
    for position, char in enumerate(text):
        if char.isalnum() and (position == 0 or not text[position - 1].isalnum()):
            # A quote opening a sentence is part of it: the word is just after it.
            opens = any(
                start <= position and not text[start:position].strip("“\"'‘(") for start in openers
            )
            assert starts_sentence(text, position) is opens, text[position:]


# ---------------------------------------------------------------------------- opens_quotation


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("told the Wall Street Journal, “I believe the goal", "I", True),
        ("a statement (Kazakhs and Kyrgyz are", "Kazakhs", True),
        ('he called it "Project Beijing" then', "Project", True),
        ('he said "no" Then they left', "Then", False),
        ("the boys' Three", "Three", False),
        ("to completely erase the [Uyghur] ethnic identity", "Uyghur", False),
        ("officials in Astana replied", "Astana", False),
    ],
)
def test_opens_quotation(text: str, word: str, expected: bool) -> None:
    assert opens_quotation(text, at(text, word)) is expected


# ---------------------------------------------------------------------------- quotes


def test_straighten_quotes_keeps_every_offset() -> None:
    text = "Kazakhstan’s „large diaspora“ ‘quoted’ 5′ 6″"
    straight = straighten_quotes(text)
    assert straight == "Kazakhstan's \"large diaspora\" 'quoted' 5' 6\""
    assert len(straight) == len(text)
    assert straighten_quotes("no quotes — here…") == "no quotes — here…"


# ---------------------------------------------------------------------------- fold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("U.S.", "us"),
        ("Ürümqi", "urumqi"),
        ("URUMQI", "urumqi"),
        ("Kazakhstan’s", "kazakhstan's"),
        ("O‘Sullivan", "o'sullivan"),
        ("Jean–Paul", "jean-paul"),
        ("  Sayragul   Sauytbay ", "sayragul sauytbay"),
        ("Straße", "strasse"),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_fold_makes_spellings_of_one_name_equal() -> None:
    assert fold("U.S.") == fold("US")
    assert fold("Ürümqi") == fold("Urumqi")
    assert fold("Kazakhstan’s") == fold("Kazakhstan's")


# ---------------------------------------------------------------------------- tags


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("camps, #figures  camps", ["camps", "figures"]),
        ("human rights, camps", ["human rights", "camps"]),
        ("human   rights ,camps", ["human rights", "camps"]),
        ("#a #b, c d", ["a", "b", "c d"]),
        ("#human rights", ["human", "rights"]),
        ("#camps, camps, #camps", ["camps"]),
        ("", []),
        (" , ,# ,", []),
        ("Camps, camps", ["Camps", "camps"]),
    ],
)
def test_parse_tags(text: str, expected: list[str]) -> None:
    assert parse_tags(text) == expected


def test_tags_saved_by_the_note_dialog_read_back_the_same() -> None:
    # The note dialog shows saved tags joined by ", " and parses them again on save.
    tags = ["human rights", "camps", "c#"]
    assert parse_tags(", ".join(tags)) == tags
