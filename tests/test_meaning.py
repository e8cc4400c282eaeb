"""Meaning vectors (tuireader.core.compare.meaning) and how alignment uses them.

The alignment tests give constructed vectors whose cosines are known, so each rule (a lift
for a pair that says the same thing, a veto for shared words on different subjects, no pair
from meaning alone) is checked exactly. The model tests load the real sentence model that
ships with the package, as `tuireader compare` does.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from test_compare import A_PARAGRAPHS, B_PARAGRAPHS, write_article

from tuireader.cli import main
from tuireader.core.compare.align import (
    MEANING_FLOOR,
    MEANING_FULL,
    MEANING_WEIGHT,
    align,
    comparison_meaning,
    comparison_passages,
)
from tuireader.core.compare.meaning import (
    DIMENSIONS,
    Encoder,
    VectorStore,
    fill_store,
    meaning_vectors,
    missing_passages,
    text_key,
)
from tuireader.core.corpus import Article
from tuireader.core.settings import Settings
from tuireader.core.workspace import Workspace


def unit(*axes: int) -> np.ndarray:
    """A unit vector spread evenly over the given axes."""
    vector = np.zeros(DIMENSIONS, dtype=np.float32)
    vector[list(axes)] = 1.0
    return vector / np.linalg.norm(vector)


def vectors_for(a: Article, b: Article, axes_a: Sequence[int], axes_b: Sequence[int]) -> dict:
    """Meaning map giving paragraph k of a the axis axes_a[k-1], and so on for b."""
    found = {(a.id, n): unit(axis) for n, axis in enumerate(axes_a, start=1)}
    found.update({(b.id, n): unit(axis) for n, axis in enumerate(axes_b, start=1)})
    return found


class CountingEncoder(Encoder):
    """Deterministic stand-in for the model that records what it was asked to encode."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return np.stack([unit(len(text) % DIMENSIONS) for text in texts])


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Article, Article]:
    seeds = tmp_path / "seeds"
    return write_article(seeds, "a", A_PARAGRAPHS), write_article(seeds, "b", B_PARAGRAPHS)


# ---- the cache ------------------------------------------------------------------------------


def test_text_key_ignores_spacing_only() -> None:
    assert text_key("Two  words\n") == text_key("Two words")
    assert text_key("Two words") != text_key("Two word")


def test_store_round_trip_and_damaged_rows(tmp_path: Path) -> None:
    store = VectorStore(tmp_path / "meaning")
    assert store.lookup({"x"}) == {}  # no file yet
    assert store.store({"x": unit(1), "y": unit(2)}) == []
    found = store.lookup({"x", "y", "z"}, read_only=True)
    assert set(found) == {"x", "y"}
    assert np.allclose(found["x"], unit(1))
    with sqlite3.connect(store.path) as db:  # a row this version did not write
        db.execute("UPDATE vectors SET vector = ? WHERE checksum = 'y'", (b"short",))
    db.close()
    assert set(store.lookup({"x", "y"})) == {"x"}


def test_unreadable_store_reads_as_empty_and_is_replaced(tmp_path: Path) -> None:
    store = VectorStore(tmp_path)
    store.path.write_bytes(b"this is not a database" * 100)
    assert store.lookup({"x"}, read_only=True) == {}
    assert store.path.exists()  # read-only callers leave it alone
    assert store.lookup({"x"}) == {}
    assert not store.path.exists()
    assert store.store({"x": unit(3)}) == []
    assert set(store.lookup({"x"})) == {"x"}


def test_meaning_vectors_encode_only_what_is_missing(
    tmp_path: Path, pair: tuple[Article, Article]
) -> None:
    a, b = pair
    store, encoder = VectorStore(tmp_path / "meaning"), CountingEncoder()
    passages = comparison_passages(a, b)
    # Without an encoder nothing is computed: the app's process asks first.
    assert meaning_vectors(store, passages, encoder=None) is None
    first = meaning_vectors(store, passages, encoder)
    assert first is not None and set(first) == set(passages)
    assert sorted(encoder.calls[0]) == sorted(passages.values())
    again = meaning_vectors(store, passages, encoder)
    assert len(encoder.calls) == 1  # all cached
    cached = meaning_vectors(store, passages, encoder=None)
    assert cached is not None and all(np.allclose(cached[k], again[k]) for k in passages)  # type: ignore[index]
    # An edited paragraph is the only one encoded again.
    edited = dict(passages)
    edited[a.id, 1] = passages[a.id, 1] + " A sentence added later."
    meaning_vectors(store, edited, encoder)
    assert encoder.calls[1] == [edited[a.id, 1]]


def test_fill_store_encodes_the_missing_in_chunks_and_reports_progress(tmp_path: Path) -> None:
    store, encoder = VectorStore(tmp_path / "meaning"), CountingEncoder()
    passages = {("a", n): f"Paragraph number {n} of the first article." for n in range(1, 6)}
    passages["b", 1] = passages["a", 1]  # the same text in two articles: encoded once
    meaning_vectors(store, {("a", 1): passages["a", 1]}, encoder)
    encoder.calls.clear()
    missing = missing_passages(store, passages)
    assert sorted(missing.values()) == sorted(passages["a", n] for n in range(2, 6))
    progress: list[tuple[int, int]] = []
    assert fill_store(store, missing, encoder, lambda d, t: progress.append((d, t)), chunk=3) == []
    assert [len(call) for call in encoder.calls] == [3, 1]
    assert progress == [(3, 4), (4, 4)]
    assert missing_passages(store, passages) == {}
    assert meaning_vectors(store, passages, encoder=None) is not None  # the app can read all


def test_missing_passages_never_creates_the_store(tmp_path: Path) -> None:
    store = VectorStore(tmp_path / "meaning")
    assert missing_passages(store, {("a", 1): "Some text."}) == {
        text_key("Some text."): "Some text."
    }
    assert not store.path.exists()


# ---- alignment with meaning --------------------------------------------------------------------


def test_meaning_vetoes_a_pair_whose_paragraphs_mean_different_things(
    pair: tuple[Article, Article],
) -> None:
    a, b = pair
    assert [(p.a, p.b) for p in align(a, b).pairs] == [(2, 3)]
    # a2 means what b1 means, and nothing like b3: the shared words do not make a pair.
    meaning = vectors_for(a, b, [1, 2, 3, 4], [2, 5, 6, 7])
    alignment = align(a, b, meaning=meaning)
    assert alignment.meaning
    assert alignment.pairs == ()


def test_meaning_lifts_a_pair_that_says_the_same_thing(pair: tuple[Article, Article]) -> None:
    a, b = pair
    score = align(a, b).pairs[0].score
    # One cosine of 1 among four of 0 in its row and column: mean 1/4, deviation √3/4,
    # so z = √3, which counts (√3 - MEANING_FLOOR) / (MEANING_FULL - MEANING_FLOOR).
    expected = (math.sqrt(3) - MEANING_FLOOR) / (MEANING_FULL - MEANING_FLOOR)
    threshold = score + MEANING_WEIGHT * expected / 2  # out of reach on words alone
    assert align(a, b, threshold=threshold).pairs == ()
    meaning = vectors_for(a, b, [1, 2, 3, 4], [5, 6, 2, 7])  # a2 and b3 alike, the rest not
    lifted = align(a, b, threshold=threshold, meaning=meaning)
    assert [(p.a, p.b) for p in lifted.pairs] == [(2, 3)]
    assert lifted.pairs[0].meaning == pytest.approx(expected, abs=1e-4)
    assert lifted.pairs[0].score == pytest.approx(score + MEANING_WEIGHT * expected, abs=1e-4)
    assert lifted.to_dict()["meaning"] is True
    assert lifted.pairs[0].to_dict()["meaning"] == round(expected, 3)


def test_meaning_alone_never_makes_a_pair(pair: tuple[Article, Article]) -> None:
    a, b = pair
    # The bakery and the orchestra paragraphs get identical vectors, but share no words.
    meaning = vectors_for(a, b, [1, 2, 3, 4], [5, 6, 2, 1])
    assert (1, 4) not in {(p.a, p.b) for p in align(a, b, meaning=meaning).pairs}


def test_meaning_is_left_out_when_a_paragraph_has_no_vector(
    pair: tuple[Article, Article],
) -> None:
    a, b = pair
    meaning = vectors_for(a, b, [1, 2, 3, 4], [2, 5, 6, 7])
    del meaning[b.id, 4]
    alignment = align(a, b, meaning=meaning)
    assert not alignment.meaning
    assert [(p.a, p.b) for p in alignment.pairs] == [(2, 3)]
    assert alignment.pairs[0].meaning is None


# ---- the real model ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return Encoder()


def test_model_puts_paraphrases_closer_than_unrelated_text(encoder: Encoder) -> None:
    vectors = encoder.encode(
        [
            "The court refused to deport the former camp teacher to China.",
            "Judges decided the teacher from the camp would not be sent back to China.",
            "The orchestra announced its winter programme of rarely played symphonies.",
        ]
    )
    assert vectors.shape == (3, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


def test_bundled_articles_pair_paraphrases_and_drop_a_false_friend(
    bundled_workspace: Path, encoder: Encoder
) -> None:
    """001 (Diplomat) vs 004 (CACI): ¶37 and ¶4 both report the protests outside Chinese
    consulates in different words, and words alone miss them; ¶31 and ¶6 share only the
    Kazakh foreign ministry (a letter to Human Rights Watch vs Tokayev's China policy)."""
    workspace = Workspace.open(bundled_workspace)
    a = next(x for key, x in workspace.articles.items() if key.startswith("001_"))
    b = next(x for key, x in workspace.articles.items() if key.startswith("004_"))
    words = {(p.a, p.b) for p in align(a, b).pairs}
    assert (31, 6) in words and (37, 4) not in words
    meaning = comparison_meaning(workspace, [a, b], encoder)
    assert meaning is not None
    paired = {(p.a, p.b) for p in align(a, b, meaning=meaning).pairs}
    assert (37, 4) in paired and (31, 6) not in paired
    assert {(9, 7), (32, 3)} <= paired  # pairs words found stay
    # The vectors are now cached: the app's process can read them without the model.
    assert comparison_meaning(workspace, [a, b]) is not None


# ---- the setting and the command ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "problem"),
    [
        ("theme: nord\n", True, False),
        ("compare_meaning: false\n", False, False),
        ("compare_meaning: maybe\n", True, True),
    ],
)
def test_compare_meaning_setting(
    isolated_config: Path, text: str, value: bool, problem: bool
) -> None:
    (isolated_config / "settings.yaml").write_text(text, encoding="utf-8")
    settings = Settings.load()
    assert settings.compare_meaning is value
    assert bool(settings.problems) is problem


def test_cli_compare_uses_meaning_unless_told_not_to(
    bundled_workspace: Path, isolated_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = ["000_55308b7769cb3055", "002_6fec927dd12decab"]
    base = ["--workspace", str(bundled_workspace), "compare", *ids, "--json"]
    assert main(base) == 0
    assert json.loads(capsys.readouterr().out)["alignment"]["meaning"] is True
    assert (bundled_workspace / "indexes" / "meaning" / "vectors.sqlite").exists()
    assert main([*base, "--words-only"]) == 0
    assert json.loads(capsys.readouterr().out)["alignment"]["meaning"] is False
    (isolated_config / "settings.yaml").write_text("compare_meaning: false\n", encoding="utf-8")
    assert main(base) == 0
    assert json.loads(capsys.readouterr().out)["alignment"]["meaning"] is False
