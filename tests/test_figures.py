"""Figures (tuireader.core.compare.figures): extraction, values, matching across sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader.core.compare.claims import figure_groups, match_figures
from tuireader.core.compare.figures import (
    Figure,
    extract_figures,
    paragraph_figures,
    parse_number,
    relation,
)
from tuireader.core.corpus import Article, Paragraph, load_article


def figures_in(text: str) -> list[Figure]:
    return paragraph_figures("x", Paragraph(1, 0, len(text), text))


def only(text: str) -> Figure:
    found = [f for f in figures_in(text)]
    assert len(found) == 1, [f.text for f in found]
    return found[0]


def write(tmp_path: Path, name: str, *paragraphs: str) -> Article:
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    path = seeds / f"{name}.txt"
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return load_article(path, seeds)


@pytest.mark.parametrize(
    ("text", "value", "kind", "noun"),
    [
        ("An estimated 1 million people were sent to camps.", 1_000_000, "count", ("people",)),
        (
            "The region has nearly 1.6 million ethnic Kazakhs.",
            1_600_000,
            "count",
            ("ethnic", "Kazakhs"),
        ),
        ("China let 2,000 ethnic Kazakhs leave.", 2000, "count", ("ethnic", "Kazakhs")),
        ("Researchers interviewed 58 people affected by it.", 58, "count", ("people",)),
        ("The fine was $1m in the end.", 1_000_000, "money", ()),
        ("Turnout rose to 20% this time.", 20, "percent", ()),
        (
            "They made up 5.5 percent of the total population.",
            5.5,
            "percent",
            ("total", "population"),
        ),
        ("Twenty-one delegates walked out.", 21, "count", ("delegates",)),
        ("He spent 24 hours in solitary confinement.", 24, "duration", ("hours",)),
        ("He was fined £35bn, critics said.", 35e9, "money", ()),
    ],
)
def test_values_kinds_and_nouns(text: str, value: float, kind: str, noun: tuple[str, ...]) -> None:
    figure = only(text)
    assert figure.value == pytest.approx(value)
    assert figure.kind == kind
    assert figure.noun == noun
    assert text[figure.start : figure.end] == figure.text


def test_ranges_and_vague_quantities() -> None:
    figure = only("She was held for three to nine months.")
    assert (figure.value, figure.high, figure.kind, figure.unit) == (3, 9, "duration", "month")
    vague = only("At the very least in the tens of thousands have been detained.")
    assert (vague.value, vague.high) == (10_000, 99_999)
    assert vague.qualifier == "at the very least"
    percent = only("Some 70-80 percent of the information about the camps came from one group.")
    assert (percent.value, percent.high, percent.noun) == (70, 80, ("information",))


@pytest.mark.parametrize(
    ("text", "value", "high", "kind"),
    [
        (
            "Zenz estimated that between several hundred thousand and just over one million "
            "have been detained in Xinjiang.",
            200_000,
            1_000_000,
            "count",
        ),
        ("Between 5 and 10 percent of voters stayed at home.", 5, 10, "percent"),
        ("The camps hold 1.2 million to 1.5 million people.", 1_200_000, 1_500_000, "count"),
        ("Between 1 and 1.5 million Uighurs are held.", 1_000_000, 1_500_000, "count"),
        ("The project costs between $5m and $8m.", 5_000_000, 8_000_000, "money"),
        ("Crowds were modest, ranging from several dozen to a few hundred.", 24, 500, "count"),
    ],
)
def test_two_numbers_giving_the_ends_of_a_range_are_one_figure(
    text: str, value: float, high: float, kind: str
) -> None:
    figure = only(text)
    assert (figure.value, figure.high, figure.kind) == (value, high, kind)


def test_numbers_that_are_not_the_ends_of_a_range_stay_apart() -> None:
    assert [f.text for f in figures_in("He met 5 people and 10 officials.")] == ["5", "10"]
    # "from X to Y" is a change, not a range.
    changed = figures_in("The number rose from 1.2 million to 1.5 million.")
    assert [(f.value, f.high) for f in changed] == [(1_200_000, None), (1_500_000, None)]
    assert [f.high for f in figures_in("Between 40 and 12 people were hurt.")] == [None, None]


def test_a_range_is_consistent_with_a_figure_inside_it() -> None:
    ranged = only("Between several hundred thousand and one million people have been detained.")
    inside = only("An estimated 1 million people have been detained.")
    outside = only("Officials say 3 million people have been detained.")
    assert relation(ranged, inside) == "consistent"
    assert relation(ranged, outside) == "differ"


def test_years_dates_and_labels_are_not_counts() -> None:
    found = figures_in(
        "In a September 10 report covering 2016 to the 1990s, Article 55 of the 1963 "
        "convention and Radio 1 were cited; 21st place went to someone."
    )
    kinds = {f.text: f.kind for f in found}
    assert kinds == {"10": "date", "2016": "year", "1990s": "year", "1963": "year"}


def test_names_addresses_ages_and_times_are_not_matched_quantities() -> None:
    assert figures_in("Wales won the Six Nations at 10 Downing Street, he said.") == []
    kinds = [f.kind for f in figures_in("A 42 year-old man left at 0950 GMT.")]
    assert kinds == ["age", "time"]


def test_one_alone_is_not_a_figure_but_one_million_is() -> None:
    assert figures_in("One of the detainees spoke to one reporter.") == []
    assert only("Just over one million have been detained.").value == 1_000_000


@pytest.mark.parametrize(
    ("text", "value"),
    [("2,000", 2000.0), ("1.5", 1.5), ("twenty-one", 21.0), ("a hundred", 100.0), ("many", None)],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


def test_qualifiers_widen_the_values_a_figure_allows() -> None:
    up_to = only("Up to 2 million Uighurs have been detained.")
    exact = only("Some reports say 1.5 million Uighurs have been detained.")
    other = only("Officials say 3 million Uighurs have been detained.")
    assert relation(up_to, exact) == "consistent"
    assert relation(exact, other) == "differ"
    assert relation(exact, exact) == "same"


def test_figures_for_the_same_thing_are_matched_and_differences_flagged(tmp_path: Path) -> None:
    a = write(
        tmp_path,
        "a",
        "According to the official census, about 1.46 million ethnic Kazakhs live in Xinjiang "
        "province. The city also has 200,000 registered cars.",
        "The report was built on interviews with 58 people affected by the crackdown, "
        "published in 2018.",
    )
    b = write(
        tmp_path,
        "b",
        "Census figures show 1.6 million ethnic Kazakhs live in Xinjiang province, officials say.",
        "Researchers held interviews with 58 people affected by the crackdown for the "
        "report in 2018.",
    )
    matches = match_figures(extract_figures(a), extract_figures(b))
    summary = [(m.a.text, m.b.text, m.relation, m.agree) for m in matches]
    assert summary == [
        ("1.46 million", "1.6 million", "differ", False),
        ("58", "58", "same", True),
    ]
    # Each side's sentence is kept for display.
    assert matches[0].b.sentence.startswith("Census figures show")


def test_unrelated_figures_with_the_same_noun_are_not_matched(tmp_path: Path) -> None:
    a = write(
        tmp_path, "a", "Police detained 50 ethnic Kazakhs for watching a banned boxing video."
    )
    b = write(
        tmp_path, "b", "Kazakhstan has welcomed nearly 1 million ethnic Kazakhs since independence."
    )
    assert match_figures(extract_figures(a), extract_figures(b)) == []


def test_corpus_wide_groups(tmp_path: Path) -> None:
    articles = [
        write(
            tmp_path, "a", "Census data show 1.46 million ethnic Kazakhs live in Xinjiang province."
        ),
        write(
            tmp_path,
            "b",
            "Some 1.6 million ethnic Kazakhs live in Xinjiang province, census data show.",
        ),
        write(
            tmp_path,
            "c",
            "Census data show 1.46 million ethnic Kazakhs living in Xinjiang province.",
        ),
        write(tmp_path, "d", "The bakery sold 1,500 loaves of rye bread at the village fair."),
    ]
    groups = figure_groups(articles)
    assert len(groups) == 1
    assert groups[0].article_ids == ("a", "b", "c")
    assert not groups[0].agree
    assert groups[0].to_dict()["agree"] is False


def test_a_noun_seen_as_a_verb_near_the_other_figure_names_the_same_count(
    tmp_path: Path,
) -> None:
    """'1.5 million detainees' and '2 million Uighurs have been detained' count one group."""
    a = write(
        tmp_path,
        "a",
        "According to some estimates, up to 2 million Uighurs have been detained in political "
        "reeducation camps in the region.",
    )
    b = write(
        tmp_path,
        "b",
        "According to the most recent data, among 1.5 million detainees there are tens of "
        "thousands of prisoners of Kazakh and Kyrgyz ethnicity, who are either members of "
        "Central Asian communities or holders of Kazakh passports.",
    )
    matches = match_figures(extract_figures(a), extract_figures(b))
    assert [(m.a.text, m.b.text, m.relation) for m in matches] == [
        ("2 million", "1.5 million", "consistent")
    ]


def test_a_figures_context_ends_at_the_next_figure_of_its_sentence() -> None:
    first, second = figures_in(
        "Among 1.5 million detainees there are tens of thousands of prisoners of Kazakh "
        "ethnicity held in the north."
    )
    assert first.text == "1.5 million" and "kazakh" not in first.context
    assert "kazakh" in second.context
    # Words before a figure stay: a list shares its sentence's subject.
    listed = figures_in("Xinjiang is home to 1.6 million Kazakhs and 200,000 Kyrgyz.")
    assert all("xinjiang" in figure.context for figure in listed)


def test_people_and_things_are_not_linked_by_a_noun_nearby(tmp_path: Path) -> None:
    a = write(tmp_path, "a", "In mid-May the two sides discussed consular matters for citizens.")
    b = write(
        tmp_path, "b", "Officials from a dozen countries discussed consular matters for citizens."
    )
    assert match_figures(extract_figures(a), extract_figures(b)) == []


def test_counts_people_and_plausible_ratio_ignore_qualifiers() -> None:
    from tuireader.core.compare.figures import counts_people, plausible_ratio

    assert counts_people(only("They freed 12 Kazakh citizens."))
    assert counts_people(only("It repatriated nearly 1 million oralmen."))
    assert counts_people(only("Some 2 million Uighurs were held."))
    assert not counts_people(only("They sold 300 tonnes of grain."))
    up_to = only("Up to 2 million Uighurs have been detained.")
    three = only("The party names three evils of separatism.")
    assert not plausible_ratio(up_to, three)  # "up to" allows 3, but is no figure for it
    assert plausible_ratio(up_to, only("Some 1.5 million detainees are held."))


def test_a_group_never_holds_two_figures_of_one_article(tmp_path: Path) -> None:
    articles = [
        write(
            tmp_path,
            "a",
            "Since independence nearly 1 million ethnic Kazakhs have resettled in the country. "
            "Radio Free Asia reported that 200,000 ethnic Kazakhs from China became citizens "
            "since independence.",
        ),
        write(
            tmp_path,
            "b",
            "A 2015 Radio Free Asia report said about 200,000 ethnic Kazakhs from China had "
            "become citizens since independence.",
        ),
    ]
    groups = figure_groups(articles)
    assert [[f.text for f in group.figures] for group in groups] == [["200,000", "200,000"]]
    assert groups[0].agree
