"""Passage search and the lexical model (tuireader.core.compare.passages)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader.core.compare import passages
from tuireader.core.compare.passages import (
    PassageIndex,
    cosine,
    idf_weights,
    similar_passages,
    terms,
    tfidf_vector,
    variant_map,
)
from tuireader.core.corpus import Article, load_article

TEXTS = {
    "budget": [
        "The chancellor presented the budget to parliament, raising fuel duty and cutting "
        "income tax for low earners while promising more money for hospitals.",
        "Opposition leaders said the budget would not fix the deficit and accused the "
        "chancellor of hiding spending cuts in the small print.",
    ],
    "football": [
        "The striker scored twice in the second half as the home side came back from two "
        "goals down to win the cup tie in front of a record crowd.",
        "The chancellor was seen in the crowd, but the match was all about the striker.",
    ],
    "budget-analysis": [
        "Economists said the chancellor's budget cut income tax for low earners and raised "
        "fuel duty, paying for extra hospital money with borrowing.",
    ],
    "weather": [
        "Heavy snow closed mountain roads and schools across the north, with forecasters "
        "warning of more snow and freezing fog overnight.",
    ],
}


@pytest.fixture
def corpus(tmp_path: Path) -> list[Article]:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    loaded = []
    for name, paragraphs in TEXTS.items():
        path = seeds / f"{name}.txt"
        path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        loaded.append(load_article(path, seeds))
    return loaded


def test_terms_are_stemmed_content_words() -> None:
    assert terms("The Uyghurs were detained, and the detainees’ families said so.") == [
        "uyghur",
        "detain",
        "detaine",
        "famili",
    ]
    assert terms("re-education and reeducation in 2019") == ["reeduc", "reeduc", "2019"]


def test_tfidf_vectors_are_normalised_and_cosine_is_symmetric() -> None:
    documents = [terms(text) for paragraphs in TEXTS.values() for text in paragraphs]
    idf = idf_weights(documents)
    x, y = tfidf_vector(documents[0], idf), tfidf_vector(documents[4], idf)
    # Unit length, less the damping of general words ("presented", "money": few here).
    assert 0.9 < sum(w * w for w in x.values()) <= 1.0
    topic_only = tfidf_vector(["chancellor", "budget", "fuel"], idf)
    assert sum(w * w for w in topic_only.values()) == pytest.approx(1.0)
    assert cosine(x, y) == pytest.approx(cosine(y, x))
    assert cosine(topic_only, topic_only) == pytest.approx(1.0)
    assert tfidf_vector([], idf) == {}


def test_variant_map_joins_spellings_not_different_words() -> None:
    mapping = variant_map(
        {"uighur", "abdrakhmanov", "kazakhstan"}, {"uyghur", "abdurakhmanov", "kazakh"}
    )
    assert mapping == {"uighur": "uyghur", "abdrakhmanov": "abdurakhmanov"}


def test_search_ranks_the_paraphrase_first_and_skips_the_source(corpus: list[Article]) -> None:
    index = PassageIndex(corpus)
    assert index.paragraph_count == 6
    assert index.build_seconds > 0
    hits = index.similar_to("budget", 1, limit=3)
    assert (hits[0].article_id, hits[0].paragraph) == ("budget-analysis", 1)
    assert all(hit.article_id != "budget" for hit in hits)
    assert hits == sorted(hits, key=lambda hit: -hit.score)
    assert {"income", "fuel"} <= {word.lower() for word in hits[0].shared_terms}
    # The football paragraph that merely mentions the chancellor is under the cut-off:
    # listed only when everything is asked for, and then below.
    assert ("football", 2) not in [(h.article_id, h.paragraph) for h in hits]
    everything = index.similar_to("budget", 1, limit=3) + index.search(
        TEXTS["budget"][0], exclude_article="budget", limit=5, min_score=0
    )
    assert ("football", 2) in [(h.article_id, h.paragraph) for h in everything[1:]]
    assert all(hit.score >= passages.MIN_WORDS_SCORE for hit in hits)
    assert hits[0].why.startswith("words: ") or "phrase" in hits[0].why


def test_search_with_free_text_limit_and_empty_queries(corpus: list[Article]) -> None:
    index = PassageIndex(corpus)
    hits = index.search("snow and freezing fog closed the roads", limit=1)
    assert [(h.article_id, h.paragraph) for h in hits] == [("weather", 1)]
    assert index.search("the and of", limit=5) == []
    assert index.search("zebra quantum", limit=5) == []
    assert index.search("snow", limit=0) == []


def test_similar_to_unknown_paragraph_raises(corpus: list[Article]) -> None:
    index = PassageIndex(corpus)
    with pytest.raises(KeyError):
        index.similar_to("missing", 1)
    with pytest.raises(IndexError):
        index.similar_to("budget", 9)


def test_similar_passages_reuses_its_index(corpus: list[Article]) -> None:
    first = similar_passages(corpus, "budget", TEXTS["budget"][0], limit=2)
    cached = passages._cached_index
    second = similar_passages(corpus, "budget", TEXTS["budget"][0], limit=2)
    assert passages._cached_index is cached
    assert first == second
    assert first[0].article_id == "budget-analysis"
    # A mapping of articles works too, and the query's own article is left out.
    mapping = {article.id: article for article in corpus}
    assert (
        similar_passages(mapping, "football", "snow fog roads", limit=1)[0].article_id == "weather"
    )
    assert similar_passages(mapping, "weather", "snow fog roads") == []


def test_term_runs_break_at_function_words_numbers_and_punctuation() -> None:
    runs = passages.term_runs("Bilash struck a plea deal, in March 2019; 1.5 million detainees")
    assert [[term for term, _ in run] for run in runs] == [
        ["bilash", "struck"],
        ["plea", "deal"],
        ["march", "2019"],
        ["million", "detaine"],
    ]
    # A hyphen joins: "Kazakh-Chinese relations" is one run.
    assert len(passages.term_runs("Kazakh-Chinese relations")) == 1


def test_general_news_words_weigh_less_than_topic_words() -> None:
    idf = {"peopl": 2.0, "detaine": 2.0}
    assert passages.term_weight("peopl", idf) == pytest.approx(2.0 * passages.GENERAL_DAMPING)
    assert passages.term_weight("detaine", idf) == 2.0
    assert passages.term_weight("unknown", idf) == 0.0
    vector = tfidf_vector(["peopl", "detaine"], idf)
    assert vector["detaine"] > vector["peopl"]
