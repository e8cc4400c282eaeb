"""Figure claims (tuireader.core.compare.claims): what a figure counts, whose, when, which
kind of quantity, and when two claims really disagree.

Every expectation below is read from the sentence it is about, not taken from the tool.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuireader.cli import main
from tuireader.core.compare.claims import (
    QUANTITY_KINDS,
    ArticleNames,
    FigureClaim,
    article_claims,
    comparable,
    disagree,
    figure_claim,
    figure_groups,
    match_figures,
)
from tuireader.core.compare.figures import extract_figures, paragraph_figures
from tuireader.core.corpus import Article, ArticleMeta, Paragraph, load_article

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, name: str, *paragraphs: str, issued: str | None = None) -> Article:
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    path = seeds / f"{name}.txt"
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    article = load_article(path, seeds)
    if issued is not None:
        article = dataclasses.replace(article, meta=ArticleMeta(issued=issued))
    return article


def claim(tmp_path: Path, text: str, name: str = "a", issued: str | None = None) -> FigureClaim:
    """The one claim of a one-sentence article."""
    found = article_claims(write(tmp_path, name, text, issued=issued))
    assert len(found) == 1, [c.figure.text for c in found]
    return found[0]


def pair(tmp_path: Path, first: str, second: str, **dates: str) -> tuple[FigureClaim, FigureClaim]:
    """The claims of two one-sentence articles "a" and "b", dated by `dates` a= and b=."""
    return (
        claim(tmp_path, first, "a", issued=dates.get("a")),
        claim(tmp_path, second, "b", issued=dates.get("b")),
    )


# --- what a claim holds ------------------------------------------------------------------


def test_a_claim_reads_what_whose_when_and_which_quantity(tmp_path: Path) -> None:
    one = claim(tmp_path, "Acme sold nearly 5,000 electric cars in Norway in 2004.")
    assert one.counted_text == "electric cars"
    assert one.subject_text == "Acme"
    assert one.period == "2004"
    assert one.quantity == "total"
    assert one.qualifier == "nearly"
    assert (one.low, one.high) == (4500, 5000)


def test_money_without_a_noun_counts_what_comes_before_it(tmp_path: Path) -> None:
    found = article_claims(
        write(tmp_path, "a", "Globex said its pre-tax profits rose 20% to £1.2bn in 2004.")
    )
    by_text = {c.figure.text: c for c in found}
    assert by_text["20%"].counted_text == by_text["£1.2bn"].counted_text == "pre-tax profits"
    assert by_text["20%"].quantity == "change"  # "rose 20%"
    assert by_text["£1.2bn"].quantity == "total"  # "rose … to £1.2bn": the level reached
    assert {c.subject_text for c in found} == {"Globex"}


def test_measures_conversions_and_proportions_are_no_claims(tmp_path: Path) -> None:
    article = write(
        tmp_path,
        "a",
        "The picture is up to six times as sharp at Acme.",
        "Acme paid 3.1bn Australian dollars ($2.3bn; £1.8bn) for the mine in 2004.",
        "Last year, almost one in six cars sold by Acme was a Mini.",
    )
    texts = [c.figure.text for c in article_claims(article)]
    assert "six" not in texts  # "six times": how it is measured, not what is counted
    assert "$2.3bn" not in texts and "£1.8bn" not in texts  # the same sum converted
    assert all(text != "six" for text in texts)  # "one in six cars" is a proportion


# --- comparable or not: counted noun, subject, period, quantity ---------------------------


def test_same_counted_noun_subject_and_period_are_comparable(tmp_path: Path) -> None:
    a, b = pair(
        tmp_path,
        "Acme sold 5,000 cars in 2004, its best year.",
        "In 2004 Acme Inc sold 6,000 cars, the firm said.",
    )
    assert comparable(a, b)
    assert disagree(a, b)


def test_a_different_counted_noun_is_not_comparable(tmp_path: Path) -> None:
    a, b = pair(tmp_path, "Acme sold 5,000 cars in 2004.", "Acme sold 6,000 trucks in 2004.")
    assert not comparable(a, b)
    assert not disagree(a, b)


def test_a_different_modifier_of_the_counted_noun_is_not_comparable(tmp_path: Path) -> None:
    a, b = pair(
        tmp_path, "Acme sold 5,000 electric cars in 2004.", "Acme sold 60,000 cars in 2004."
    )
    assert not comparable(a, b)


def test_a_restriction_after_the_noun_is_part_of_what_is_counted(tmp_path: Path) -> None:
    a, b = pair(
        tmp_path,
        "Since 1991 Kazakhstan has taken in nearly 1 million ethnic Kazakhs.",
        "Since 1991 Kazakhstan has taken in 200,000 ethnic Kazakhs from China.",
    )
    assert b.scope_text == "from China" and not a.scope_text
    assert not comparable(a, b)


def test_a_different_subject_is_not_comparable(tmp_path: Path) -> None:
    a, b = pair(tmp_path, "Acme sold 5,000 cars in 2004.", "Globex sold 6,000 cars in 2004.")
    assert not comparable(a, b)
    assert not disagree(a, b)


def test_a_subject_named_in_full_and_in_short_is_one_subject(tmp_path: Path) -> None:
    a, b = pair(
        tmp_path,
        "Royal Dutch Shell cut its reserves by 3.9bn barrels in 2004.",
        "In 2004 Shell cut its reserves by 4.5bn barrels, analysts said.",
    )
    assert comparable(a, b)
    assert disagree(a, b)


def test_a_different_period_in_the_sentence_is_not_comparable(tmp_path: Path) -> None:
    a, b = pair(
        tmp_path,
        "UK consumer borrowing rose by £6.4bn in November.",
        "UK consumer borrowing rose by £7.1bn in December.",
    )
    assert (a.period, b.period) != (None, None)
    assert not comparable(a, b)
    assert not disagree(a, b)


def test_the_same_period_written_differently_is_comparable(tmp_path: Path) -> None:
    a, b = pair(
        tmp_path,
        "Acme sold 5,000 cars last year.",
        "Acme sold 6,000 cars in 2004.",
        a="2005-02",
        b="2005-01",
    )
    assert a.period == b.period == "2004"  # "last year" of an article from 2005
    assert comparable(a, b)


def test_without_a_period_the_articles_dates_decide(tmp_path: Path) -> None:
    same = pair(
        tmp_path, "Acme employs 5,000 staff.", "Acme employs 6,000 staff.", a="2004", b="2004"
    )
    assert comparable(*same)
    apart = pair(
        tmp_path, "Acme employs 5,000 staff.", "Acme employs 6,000 staff.", a="2004", b="2009"
    )
    assert not comparable(*apart)


def test_a_change_and_a_total_are_not_comparable(tmp_path: Path) -> None:
    a, b = pair(
        tmp_path,
        "In 2004 Acme's profits rose by £300m.",
        "In 2004 Acme's profits were £1.5bn.",
    )
    assert (a.quantity, b.quantity) == ("change", "total")
    assert not comparable(a, b)


def test_a_share_and_a_rate_are_not_comparable(tmp_path: Path) -> None:
    a, b = pair(
        tmp_path,
        "In 2004 Acme held 20% of the market.",
        "In 2004 Acme's market grew 5% a year.",
    )
    assert a.quantity == "share"
    assert not comparable(a, b)


# --- disagreement: qualifiers and ranges ------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "disagrees"),
    [
        ("nearly 1 million", "950,000", False),  # "nearly": a little under
        ("nearly 1 million", "1.2 million", True),  # "nearly" never means more
        ("up to 2 million", "1.5 million", False),  # "up to": anything below
        ("up to 2 million", "3 million", True),
        ("more than 100", "150", False),
        ("more than 100", "80", True),
        ("about 1.46 million", "1.5 million", False),  # about: a few percent either way
        ("1.46 million", "1.6 million", True),  # "1.6 million" is 1.55 to 1.65 million
        ("between 5,000 and 8,000", "6,500", False),
        ("between 5,000 and 8,000", "9,000", True),
    ],
)
def test_qualifiers_and_ranges_decide_whether_values_disagree(
    tmp_path: Path, first: str, second: str, disagrees: bool
) -> None:
    a, b = pair(
        tmp_path,
        f"Acme employed {first} workers in Norway in 2004.",
        f"In 2004 Acme employed {second} workers in Norway.",
    )
    assert comparable(a, b)
    assert disagree(a, b) is disagrees


def test_thousands_is_said_of_any_large_number(tmp_path: Path) -> None:
    a, b = pair(
        tmp_path,
        "In 2004 thousands of people downloaded the Acme screensaver.",
        "In 2004 more than 100,000 people downloaded the Acme screensaver.",
    )
    assert comparable(a, b)
    assert not disagree(a, b)


# --- the bundled articles: the false disagreements of issue 14 ---------------------------


@pytest.fixture(scope="module")
def bundled() -> dict[str, list[FigureClaim]]:
    return {
        path.stem[:3]: article_claims(load_article(path, ROOT / "seeds"))
        for path in sorted((ROOT / "seeds").glob("00[123]_*.txt"))
    }


def find(claims: list[FigureClaim], text: str, words: str) -> FigureClaim:
    return next(c for c in claims if c.figure.text == text and words in c.figure.sentence)


def test_returnees_of_all_origins_do_not_disagree_with_those_from_china(
    bundled: dict[str, list[FigureClaim]],
) -> None:
    # 001: "repatriated nearly 1 million oralmen from across the former Soviet countries
    # and China"; 002: "nearly 1 million ethnic Kazakhs have resettled"; 002 and 003:
    # "200,000 ethnic Kazakhs from China".
    all_origins = [
        find(bundled["001"], "1 million", "repatriated"),
        find(bundled["002"], "1 million", "resettled"),
    ]
    from_china = [
        find(bundled["002"], "200,000", "Radio Free Asia"),
        find(bundled["003"], "200,000", "Radio Free Asia"),
        find(bundled["002"], "200,000", "aforementioned"),
    ]
    for a in all_origins:
        for b in from_china:
            assert not disagree(a, b), (a.figure.sentence, b.figure.sentence)
    # The two reports of 200,000 from China since 1991 are one claim, and agree.
    assert comparable(from_china[0], from_china[1])
    assert not disagree(from_china[0], from_china[1])


def test_citizens_released_in_may_do_not_disagree_with_those_detained_by_november(
    bundled: dict[str, list[FigureClaim]],
) -> None:
    released = find(bundled["001"], "12", "May 2018")
    detained = find(bundled["003"], "29", "November")
    assert released.period != detained.period
    assert not comparable(released, detained)
    assert not disagree(released, detained)


def test_two_articles_figures_are_not_said_to_differ_across_claims() -> None:
    """Between two bundled articles, a matched pair is 'differ' only for one claim."""
    seeds = ROOT / "seeds"
    articles = {p.stem[:3]: load_article(p, seeds) for p in sorted(seeds.glob("00[0-4]_*.txt"))}
    for a_id, b_id in (("001", "003"), ("002", "003"), ("001", "002")):
        for match in match_figures(
            extract_figures(articles[a_id]), extract_figures(articles[b_id])
        ):
            pair_texts = {match.a.text, match.b.text}
            if match.relation == "differ":
                assert pair_texts != {"1 million", "200,000"}, (a_id, b_id)
                assert pair_texts != {"12", "29"}, (a_id, b_id)


def test_the_bundled_workspace_reports_no_false_disagreement() -> None:
    articles = [load_article(p, ROOT / "seeds") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    groups = figure_groups(articles)
    assert all(group.agree for group in groups)
    # The 200,000 ethnic Kazakhs from China since 1991 of 002 and 003 are one claim.
    assert any({f.text for f in group.figures} == {"200,000"} for group in groups)


# --- corpus-wide groups and the CLI ----------------------------------------------------


def corpus(tmp_path: Path) -> list[Article]:
    return [
        write(
            tmp_path, "a", "Freddie Mac restated its earnings by $4.4bn last year after a probe."
        ),
        write(
            tmp_path,
            "b",
            "The mortgage firm Freddie Mac restated earnings by $5bn last year after a probe "
            "of its books.",
        ),
        write(tmp_path, "c", "Freddie Mac restated its earnings by $5bn last year after a probe."),
        write(tmp_path, "d", "Fannie Mae restated its earnings by $9bn last year after a probe."),
        write(tmp_path, "e", "Acme sold 5,000 cars in 2004 at its Oslo plant."),
        write(tmp_path, "f", "In 2004 Acme sold 5,000 cars at its Oslo plant, it said."),
    ]


def test_corpus_groups_hold_comparable_claims_most_sources_first(tmp_path: Path) -> None:
    groups = figure_groups(corpus(tmp_path))
    summary = [(group.article_ids, group.agree) for group in groups]
    # Freddie Mac's restatement in three stories: $4.4bn against $5bn twice. Fannie Mae's
    # $9bn is another company's; Acme's cars agree.
    assert summary == [(("a", "b", "c"), False), (("e", "f"), True)]
    assert groups[0].claims[0].subject_text == "Freddie Mac"


def test_cli_figures_lists_disagreements_then_agreements(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus(tmp_path)
    assert main(["--workspace", str(tmp_path), "figures"]) == 0
    out = capsys.readouterr().out
    assert "2 claims made by several articles: 1 disagree, 1 agree" in out
    assert out.index("Disagree:") < out.index("Agree:")
    assert "earnings of Freddie Mac (last year), change" in out
    assert main(["--workspace", str(tmp_path), "figures", "--differ-only", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [group["articles"] for group in data] == [["a", "b", "c"]]
    first = data[0]["figures"][0]
    assert (first["counted"], first["subject"], first["period"], first["quantity"]) == (
        "earnings",
        "Freddie Mac",
        "last-year",
        "change",
    )


# --- robustness ----------------------------------------------------------------------


WORDS = [
    "Acme",
    "sold",
    "rose",
    "fell",
    "by",
    "to",
    "in",
    "of",
    "from",
    "the",
    "May",
    "may",
    "November",
    "2004",
    "last",
    "year",
    "since",
    "1991",
    "first",
    "quarter",
    "nearly",
    "up",
    "to",
    "about",
    "more",
    "than",
    "between",
    "and",
    "5,000",
    "1.6",
    "million",
    "£6.4bn",
    "20%",
    "thousands",
    "one",
    "in",
    "six",
    "times",
    "(",
    ")",
    ";",
    ",",
    ".",
    "said",
    "Mr",
    "Smith",
    "China's",
    "Kazakh",
    "citizens",
    "profits",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40))
def test_any_sentence_of_figure_words_gives_claims_without_error(words: list[str]) -> None:
    text = " ".join(words)
    for figure in paragraph_figures("x", Paragraph(1, 0, len(text), text)):
        made = figure_claim(figure, ArticleNames(year=2005))
        if made is not None:
            assert made.quantity in QUANTITY_KINDS
            assert made.low <= made.high
