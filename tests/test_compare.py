"""Paragraph alignment (tuireader.core.compare.align) and the `compare` command, on constructed
article pairs whose right answers are known by construction."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from tuireader.cli import main
from tuireader.core.compare.align import (
    align,
    compare,
    entity_map,
    heuristic_entities,
    load_entity_map,
)
from tuireader.core.corpus import Article, load_article
from tuireader.core.workspace import Workspace

# Paragraph 2 of A and paragraph 3 of B report the same event in different words; every
# other paragraph is about something unrelated to everything in the other article.
A_PARAGRAPHS = [
    "The village bakery has changed its sourdough recipe after forty years, using rye flour "
    "from a local mill and a longer overnight rise that the owners say improves the crust.",
    "A court in eastern Kazakhstan refused on Wednesday to deport Sayragul Sauytbay, a former "
    "camp teacher who crossed the border illegally from Xinjiang, and handed her a suspended "
    "sentence instead of returning her to China.",
    "The football club confirmed that its goalkeeper will miss the rest of the season with a "
    "knee injury sustained during training, and the manager is looking for a loan signing.",
    "Astronomers have catalogued a faint comet that will pass closest to the sun next spring; "
    "amateur observers with small telescopes should be able to see it before dawn in March.",
]
B_PARAGRAPHS = [
    "Heavy rain flooded the valley roads overnight and the regional council closed two "
    "bridges while engineers inspect them for damage caused by debris carried downstream.",
    "A new museum of printing opened in the old harbour warehouse, showing presses, type "
    "cases and posters collected over decades by a retired typesetter and his daughter.",
    "Judges in Kazakhstan decided not to deport Sauytbay, the teacher from a Xinjiang camp "
    "who had illegally crossed the border; the court gave her a suspended sentence, so she "
    "will not be returned to China.",
    "The orchestra announced its winter programme, pairing rarely played symphonies with "
    "new commissions by young composers, and tickets go on sale to members next month.",
]


def write_article(seeds: Path, name: str, paragraphs: list[str]) -> Article:
    """Write paragraphs (blank-line separated) to seeds/name.txt and load the article."""
    seeds.mkdir(parents=True, exist_ok=True)
    path = seeds / f"{name}.txt"
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return load_article(path, seeds)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Article, Article]:
    seeds = tmp_path / "seeds"
    return write_article(seeds, "a", A_PARAGRAPHS), write_article(seeds, "b", B_PARAGRAPHS)


def test_paraphrased_paragraphs_are_paired_and_unrelated_ones_are_not(
    pair: tuple[Article, Article],
) -> None:
    a, b = pair
    alignment = align(a, b)
    assert [(p.a, p.b) for p in alignment.pairs] == [(2, 3)]
    assert alignment.only_in_a == (1, 3, 4)
    assert alignment.only_in_b == (1, 2, 4)
    assert alignment.best_b_for_a == {2: 3}
    assert alignment.best_a_for_b == {3: 2}
    shared = {term.lower() for term in alignment.pairs[0].shared_terms}
    assert {"deport", "border"} <= shared


def test_pair_is_found_in_either_direction(pair: tuple[Article, Article]) -> None:
    a, b = pair
    assert [(p.a, p.b) for p in align(b, a).pairs] == [(3, 2)]


def test_threshold_keeps_unrelated_paragraphs_apart(pair: tuple[Article, Article]) -> None:
    a, b = pair
    strict = align(a, b, threshold=0.99)
    assert strict.pairs == ()
    assert strict.only_in_a == (1, 2, 3, 4)


def test_scroll_target_follows_the_alignment(pair: tuple[Article, Article]) -> None:
    a, b = pair
    alignment = align(a, b)
    assert alignment.scroll_target(2, "a") == 3
    assert alignment.scroll_target(3, "b") == 2
    # Unpaired paragraphs are placed in proportion between the pairs and the ends.
    assert alignment.scroll_target(4, "a") == 4
    assert alignment.scroll_target(1, "a") == 1
    assert alignment.scroll_target(4, "b") == 4
    with pytest.raises(ValueError):
        alignment.scroll_target(1, "c")


def test_scroll_target_without_pairs_keeps_relative_position(
    pair: tuple[Article, Article],
) -> None:
    a, b = pair
    alignment = align(a, b, threshold=0.99)
    assert alignment.scroll_target(1, "a") == 1
    assert alignment.scroll_target(4, "a") == 4


def test_given_entities_are_used_and_reported(pair: tuple[Article, Article]) -> None:
    a, b = pair
    entities = {("a", 2): {"Sayragul Sauytbay", "Kazakhstan"}, ("b", 3): {"Sayragul Sauytbay"}}
    alignment = align(a, b, entities=entities)
    assert alignment.entity_source == "given"
    assert alignment.pairs[0].shared_entities == ("sayragul sauytbay",)
    assert alignment.pairs[0].entity > 0


def test_variant_spellings_of_names_count_as_shared(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    a = write_article(
        seeds,
        "a",
        [
            "Minister Kairat Abdurakhmanov met Uyghur activists in Almaty to discuss the "
            "detention of relatives, promising a formal inquiry through diplomatic channels.",
            A_PARAGRAPHS[0],
        ],
    )
    b = write_article(
        seeds,
        "b",
        [
            B_PARAGRAPHS[0],
            "Uighur activists in Almaty told Minister Kairat Abdrakhmanov about detained "
            "relatives, and he promised a formal inquiry through diplomatic channels.",
        ],
    )
    alignment = align(a, b)
    assert [(p.a, p.b) for p in alignment.pairs] == [(1, 2)]
    assert "Abdurakhmanov" in alignment.pairs[0].shared_terms
    # The names are matched across spellings too.
    assert "minister kairat abdurakhmanov" in alignment.pairs[0].shared_entities


def test_heuristic_entities_find_names_not_sentence_openers(tmp_path: Path) -> None:
    article = write_article(
        tmp_path / "seeds",
        "a",
        [
            "Subsequent reports said Human Rights Watch wrote to the Ministry of Foreign "
            "Affairs in Astana. Later, officials in Astana replied that Uzbek and Kyrgyz "
            "citizens were safe."
        ],
    )
    names = heuristic_entities(article)[1]
    assert {
        "human rights watch",
        "ministry of foreign affairs",
        "astana",
        "uzbek",
        "kyrgyz",
    } <= names
    assert "subsequent" not in names
    assert "later" not in names


def test_compare_bundles_alignment_quotes_and_figures(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    a = write_article(
        seeds,
        "a",
        [
            A_PARAGRAPHS[1],
            "Officials said “the situation of ethnic Kazakhs who have resettled from China "
            "was raised by the Kazakh side” during the consular talks held in Beijing.",
            "According to official census figures, about 1.46 million ethnic Kazakhs live in "
            "Xinjiang province, most of them in the north.",
        ],
    )
    b = write_article(
        seeds,
        "b",
        [
            "The ministry statement read: “The situation of ethnic Kazakhs who have resettled "
            "from China was raised by the Kazakh side,” without naming any detainee.",
            "Census figures say 1.6 million ethnic Kazakhs are living in the province of "
            "Xinjiang, according to official statistics.",
            B_PARAGRAPHS[2],
        ],
    )
    result = compare(a, b)
    assert (1, 3) in [(p.a, p.b) for p in result.alignment.pairs]
    assert len(result.quotes) == 1
    assert result.quotes[0].a_paragraph == 2 and result.quotes[0].b_paragraph == 1
    assert [(m.a.value, m.b.value, m.relation) for m in result.figures] == [
        (1.46e6, 1.6e6, "differ")
    ]
    assert result.differing_figures == result.figures
    data = result.to_dict()
    json.dumps(data)  # everything in it is JSON-serialisable
    assert set(result.timings) == {"align", "quotes", "figures"}


def test_furniture_paragraphs_are_not_aligned(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    a = write_article(seeds, "a", [A_PARAGRAPHS[0], "Want to read more?", A_PARAGRAPHS[1]])
    b = write_article(seeds, "b", B_PARAGRAPHS)
    alignment = align(a, b)
    assert a.paragraph(3).furniture
    assert alignment.pairs == ()
    assert 3 not in alignment.only_in_a


# --- the command -------------------------------------------------------------------------


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    write_article(seeds, "a", A_PARAGRAPHS)
    write_article(seeds, "b", B_PARAGRAPHS)
    return tmp_path


def test_cli_compare_json(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--workspace", str(workspace), "compare", "a", "b", "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert [(p["a"], p["b"]) for p in data["alignment"]["pairs"]] == [(2, 3)]
    assert data["alignment"]["only_in_a"] == [1, 3, 4]
    assert data["quotes"] == [] and data["figures"] == []


def test_cli_compare_text_fits_80_columns(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--workspace", str(workspace), "compare", "a", "b"]) == 0
    out = capsys.readouterr().out
    assert "Aligned paragraphs: 1" in out
    assert "Only in A: ¶1, 3-4" in out
    assert max(len(line) for line in out.splitlines()) <= 80


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", "a", "nope"], "No article with id 'nope'"),
        (["compare", "a", "a"], "two different articles"),
        (["compare", "a", "b", "--threshold", "2"], None),
        (["similar", "a", "9"], "paragraphs 1 to 4"),
    ],
)
def test_cli_bad_input_exits_2_with_a_message(
    workspace: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str | None
) -> None:
    if message is None:  # argparse rejects it before our handler runs
        with pytest.raises(SystemExit) as raised:
            main(["--workspace", str(workspace), *args])
        assert raised.value.code == 2
        return
    assert main(["--workspace", str(workspace), *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_cli_similar_and_figures(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--workspace", str(workspace), "similar", "a", "2", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["article_id"] == "b" and hits[0]["paragraph"] == 3
    assert main(["--workspace", str(workspace), "figures", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


# --- signals added for the bundled articles (issue 7) -------------------------------------


def test_long_paragraphs_pair_on_one_matching_sentence(tmp_path: Path) -> None:
    """Two long paragraphs about several things, one sentence of each about Bilash's arrest:
    the paragraphs' cosine is diluted, the sentences' is not."""
    seeds = tmp_path / "seeds"
    a = write_article(
        seeds,
        "a",
        [
            A_PARAGRAPHS[0],
            "The government tightened its grip on civil society over the winter, and several "
            "newspapers closed after tax inspections that editors called political. Bilash, "
            "the leader of Atajurt, was arrested in March 2019 and later struck a plea deal "
            "that ended his activism. Observers expect further pressure on independent "
            "groups before the elections scheduled for the autumn.",
            A_PARAGRAPHS[2],
        ],
    )
    b = write_article(
        seeds,
        "b",
        [
            B_PARAGRAPHS[1],
            "Kazakhstan's response seemed more assertive at first, with diplomatic notes sent "
            "to Beijing. However, it was also Kazakhstan that in March 2019 arrested the "
            "leader of Atajurt, Serikzhan Bilash, who was released on condition of signing a "
            "plea deal that brought his activism to an end. Officials rarely comment on it.",
            B_PARAGRAPHS[3],
        ],
    )
    alignment = align(a, b)
    assert [(p.a, p.b) for p in alignment.pairs] == [(2, 2)]
    assert alignment.pairs[0].phrase > 0  # "plea deal", "March 2019"


def test_general_words_and_a_short_paragraph_do_not_make_a_pair(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    a = write_article(
        seeds,
        "a",
        [
            "People said last year was a good time to claim a new record, according to a "
            "report on the number of people who took part.",
            A_PARAGRAPHS[3],
        ],
    )
    b = write_article(
        seeds,
        "b",
        [
            B_PARAGRAPHS[0],
            "Many people claimed a record number took part this time, the new report said.",
        ],
    )
    assert align(a, b).pairs == ()


def test_headings_are_not_aligned(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    a = write_article(seeds, "a", ["Sauytbay in Court", A_PARAGRAPHS[1]])
    b = write_article(seeds, "b", ["The Sauytbay Court Case", B_PARAGRAPHS[2]])
    alignment = align(a, b)
    assert [(p.a, p.b) for p in alignment.pairs] == [(2, 2)]
    assert alignment.a_paragraphs == (2,) and 1 not in alignment.only_in_a
    assert alignment.scroll_target(1, "a") == 2  # a heading still scrolls with its section


def test_matched_figures_corroborate_a_pair_and_round_numbers_alone_do_not(
    tmp_path: Path,
) -> None:
    seeds = tmp_path / "seeds"
    a = write_article(
        seeds,
        "a",
        [
            "Human Rights Watch estimated that 1 million people have been sent to political "
            "camps by the authorities in the region.",
            A_PARAGRAPHS[0],
        ],
    )
    b = write_article(
        seeds,
        "b",
        [
            "Since independence nearly 1 million ethnic Kazakhs have resettled in the country, "
            "the government claimed in a statement.",
            B_PARAGRAPHS[1],
        ],
    )
    comparison = compare(a, b)
    assert comparison.figures == ()  # the same number, for different things
    assert comparison.alignment.pairs == ()


def test_the_threshold_is_enforced_and_reported(pair: tuple[Article, Article]) -> None:
    a, b = pair
    score = align(a, b).pairs[0].score
    # At the pair's score it stays; just above it, it goes, best match or not.
    assert [(p.a, p.b) for p in align(a, b, threshold=score).pairs] == [(2, 3)]
    alignment = align(a, b, threshold=score + 0.001)
    assert alignment.pairs == ()
    assert alignment.threshold == score + 0.001
    assert alignment.to_dict()["threshold"] == score + 0.001


class _FakeEntity:
    def __init__(self, name: str, kind: str) -> None:
        self.name, self.kind = name, kind


class _FakeArticleEntity:
    def __init__(self, name: str, kind: str, paragraphs: list[int]) -> None:
        self.entity = _FakeEntity(name, kind)
        self.paragraphs = paragraphs


class _FakeIndex:
    """Just what entity_map reads from an EntityIndex."""

    def __init__(self, found: dict[str, list[_FakeArticleEntity]]) -> None:
        self.found = found

    def for_article(self, article_id: str) -> list[_FakeArticleEntity]:
        return self.found.get(article_id, [])


def test_entity_map_keeps_names_and_drops_dates_and_figures() -> None:
    index = _FakeIndex(
        {
            "a": [
                _FakeArticleEntity("Sayragul Sauytbay", "PERSON", [2, 3]),
                _FakeArticleEntity("August", "DATE", [2]),
                _FakeArticleEntity("1 million", "FIGURE", [1]),
                _FakeArticleEntity("Almaty", "PLACE", [3]),
            ]
        }
    )
    found = entity_map(index, ["a", "b"])  # type: ignore[arg-type]
    assert found == {("a", 2): {"Sayragul Sauytbay"}, ("a", 3): {"Sayragul Sauytbay", "Almaty"}}


def test_shared_names_listed_are_the_distinctive_ones(pair: tuple[Article, Article]) -> None:
    a, b = pair
    everywhere = {(article, n): {"Kazakhstan"} for article in "ab" for n in range(1, 5)}
    everywhere[("a", 2)] = {"Kazakhstan", "Sayragul Sauytbay"}
    everywhere[("b", 3)] = {"Kazakhstan", "Sayragul Sauytbay"}
    shared = align(a, b, entities=everywhere).pairs[0].shared_entities
    assert shared == ("sayragul sauytbay",)


def test_load_entity_map_without_a_cache_is_none(workspace: Path) -> None:
    assert load_entity_map(Workspace.open(workspace), ["a", "b"]) is None


def test_cli_compare_names_its_entity_source(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--workspace", str(workspace), "compare", "a", "b", "--no-entities"]) == 0
    assert "names from the capitalised words" in " ".join(capsys.readouterr().out.split())


def test_scroll_target_interpolates_between_pairs(tmp_path: Path) -> None:
    """Crossing or not, the pairs are anchors; the paragraphs between follow in proportion."""
    seeds = tmp_path / "seeds"
    a = write_article(seeds, "a", [f"Paragraph {n} of A about nothing much." for n in range(1, 11)])
    b = write_article(seeds, "b", [f"Paragraph {n} of B about little else." for n in range(1, 21)])
    base = align(a, b, threshold=0.99)
    alignment = dataclasses.replace(base, best_b_for_a={3: 10, 7: 20}, best_a_for_b={10: 3, 20: 7})
    assert alignment.scroll_target(5, "a") == 15
    assert alignment.scroll_target(1, "a") == 1
    assert alignment.scroll_target(2, "a") in (5, 6)
    assert alignment.scroll_target(10, "a") == 20
    assert alignment.scroll_target(15, "b") == 5
