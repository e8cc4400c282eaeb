"""Benchmark the comparison core on the BBC corpus (not a timed test: run it by hand).

1. Alignment of two ~10,000-word articles, each built by concatenating the paragraphs of
   BBC articles from one topic folder (target: align() under 300 ms). compare() — align
   plus shared quotations plus figure matching — is timed too.
2. Passage search over the whole corpus, loaded through a temporary workspace whose seeds/
   is a symlink to the corpus (target: under 500 ms per query; index build time reported
   separately).
3. Corpus-wide figure groups (the F screen), once.
4. Meaning vectors (all-MiniLM-L6-v2, core/meaning.py) for the two long articles of 1: model
   import + load, then encoding every aligned paragraph into a fresh cache (cold); reading
   them back without the model and align() with them (warm, target as in 1). Then 60 pairs
   of BBC articles from two different topic folders, aligned by words only and with meaning:
   the stories are unrelated, so every pair of paragraphs found is a false one. Skip this
   part with `--no-meaning`.

5. Issue 14's figures (`--issue14` runs only these): the first comparison of two bundled
   articles in a fresh process, core part only (imports, workspace, cached meaning vectors
   and corpus background, compare(); the sentence model is never loaded: its vectors are
   cached first; target < 3 s); `similar` on BBC once vectors exist (target < 300 ms; BBC
   paragraphs without a cached vector get a random unit vector, which costs the same);
   `figures` over BBC (figure_groups, target < 5 s). Each is run RUNS_14 times, with the
   load average printed, since the machine is shared.

`--general-words` prints instead the stems behind tuireader.core.compare.passages.GENERAL_WORDS:
those in at least 1.5% of the paragraphs of every section of the corpus (the list in the
source drops names and years from it by hand).

    .venv/bin/python benchmarks/bench_compare.py [--corpus DIR] [--topic politics] [--no-meaning]
    .venv/bin/python benchmarks/bench_compare.py --general-words
    .venv/bin/python benchmarks/bench_compare.py --issue14
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tuireader.core.compare.align import Alignment, align, compare, comparison_passages
from tuireader.core.compare.claims import figure_groups
from tuireader.core.compare.meaning import Encoder, VectorStore, meaning_vectors
from tuireader.core.compare.passages import PassageIndex, terms
from tuireader.core.corpus import Article, load_article
from tuireader.core.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "bbc-news"
TARGET_WORDS = 10_000
RUNS = 5
QUERIES = 50
FALSE_PAIR_ARTICLES = 60
RUNS_14 = 3
REPO = Path(__file__).resolve().parents[1]
BUNDLED_PAIR = ("000_55308b7769cb3055", "001_e417b657d421601d")
# Run in a fresh interpreter: what a first comparison costs, imports included.
FIRST_COMPARISON = """
import sys, time
started = time.perf_counter()
from tuireader.core.workspace import Workspace
from tuireader.core.compare.align import compare, comparison_meaning, load_background
workspace = Workspace.open(sys.argv[1])
a, b = workspace.article(sys.argv[2]), workspace.article(sys.argv[3])
meaning = comparison_meaning(workspace, [a, b])
result = compare(a, b, meaning=meaning, background=load_background(workspace))
assert meaning is not None and result.alignment.meaning
print(time.perf_counter() - started, len(result.alignment.pairs))
"""


def build_long_article(files: list[Path], seeds: Path, name: str) -> Article:
    """Concatenate the body paragraphs of BBC articles until TARGET_WORDS words."""
    paragraphs: list[str] = []
    words = 0
    for path in files:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()[1:]
        for line in lines:
            if line.strip():
                paragraphs.append(line.strip())
                words += len(line.split())
        if words >= TARGET_WORDS:
            break
    target = seeds / f"{name}.txt"
    target.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return load_article(target, seeds)


def timed(function: Callable[[], object], runs: int) -> list[float]:
    """Wall-clock milliseconds of `runs` calls."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"median {statistics.median(ordered):.0f} ms, min {ordered[0]:.0f} ms, "
        f"p95 {p95:.0f} ms, max {ordered[-1]:.0f} ms (n={len(ordered)})"
    )


def long_articles(corpus: Path, topic: str, seeds: Path) -> tuple[Article, Article]:
    """Two ~TARGET_WORDS-word articles from the stories of one topic folder, in `seeds`."""
    files = sorted((corpus / topic).glob("*.txt"))
    if len(files) < 4:
        raise SystemExit(f"{corpus / topic} has too few articles")
    # Alternate files so the two long articles cover the same run of stories.
    a = build_long_article(files[0::2], seeds, "long-a")
    b = build_long_article(files[1::2], seeds, "long-b")
    return a, b


def bench_align(a: Article, b: Article, topic: str) -> list[float]:
    """Time align() and compare() on two long articles; the align() times are returned."""
    print(
        f"align: {topic}, A {a.word_count} words / {len(a.body_paragraphs)} paragraphs, "
        f"B {b.word_count} words / {len(b.body_paragraphs)} paragraphs"
    )
    result = align(a, b)
    only_a, only_b = len(result.only_in_a), len(result.only_in_b)
    print(f"  pairs {len(result.pairs)}, only in A {only_a}, only in B {only_b}")
    times = timed(lambda: align(a, b), RUNS)
    print(f"  align():   {summary(times)}   target < 300 ms")
    full = compare(a, b)
    print(
        f"  compare(): {summary(timed(lambda: compare(a, b), RUNS))}   "
        f"({len(full.quotes)} quotations, {len(full.figures)} figure matches)"
    )
    return times


def bench_passages(corpus: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "seeds").symlink_to(corpus, target_is_directory=True)
        workspace = Workspace.open(root)
        started = time.perf_counter()
        articles = workspace.articles
        load_ms = (time.perf_counter() - started) * 1000
        index = PassageIndex(articles.values())
        print(
            f"passage search: {len(articles)} articles, {index.paragraph_count} paragraphs; "
            f"load {load_ms:.0f} ms, index build {index.build_seconds * 1000:.0f} ms"
        )
        rng = random.Random(7)
        candidates = [(a.id, p.number) for a in articles.values() for p in a.body_paragraphs]
        queries = rng.sample(candidates, min(QUERIES, len(candidates)))
        times = []
        for article_id, number in queries:
            started = time.perf_counter()
            index.similar_to(article_id, number, limit=10)
            times.append((time.perf_counter() - started) * 1000)
        print(f"  similar_to(limit=10): {summary(times)}   target < 500 ms")
        article_id, number = queries[0]
        hits = index.similar_to(article_id, number, limit=3)
        print(
            f"  e.g. {article_id} ¶{number} → "
            + "; ".join(f"{h.article_id} ¶{h.paragraph} {h.score:.2f}" for h in hits)
        )
        started = time.perf_counter()
        groups = figure_groups(articles)
        differ = sum(1 for group in groups if not group.agree)
        print(
            f"figure_groups: {(time.perf_counter() - started) * 1000:.0f} ms, "
            f"{len(groups)} groups ({differ} disagree)"
        )


def bench_meaning(a: Article, b: Article, words_times: list[float], folder: Path) -> Encoder:
    """Cold and warm meaning vectors of two long articles, and align() with them.

    Returns the loaded encoder for the false-pair check.
    """
    print("meaning: all-MiniLM-L6-v2 on CPU")
    encoder = Encoder()
    started = time.perf_counter()
    encoder._load()  # private, but load time is reported apart from encoding time
    print(f"  model import + load: {time.perf_counter() - started:.2f} s")
    # Encoder freezes the model's ~430,000 objects out of the garbage collector (see there).
    passages = comparison_passages(a, b)
    words = sum(len(text.split()) for text in passages.values())
    store = VectorStore(folder / "meaning")
    started = time.perf_counter()
    vectors = meaning_vectors(store, passages, encoder)
    seconds = time.perf_counter() - started
    size_kb = store.path.stat().st_size / 1024
    print(
        f"  cold: {len(passages)} paragraphs ({words} words) encoded and stored in "
        f"{seconds:.2f} s, {len(passages) / seconds:.1f} paragraphs/s; cache {size_kb:.0f} KB"
    )
    read = timed(lambda: meaning_vectors(store, passages, encoder=None), RUNS)
    print(f"  warm: meaning_vectors(encoder=None), cache read only: {summary(read)}")
    if vectors is None:  # cannot happen with an encoder; keeps the type checker honest
        raise SystemExit("meaning vectors missing after encoding")
    with_meaning = align(a, b, meaning=vectors)
    words_only = align(a, b)
    words_keys = {(pair.a, pair.b) for pair in words_only.pairs}
    meaning_keys = {(pair.a, pair.b) for pair in with_meaning.pairs}
    print(
        f"  pairs: words only {len(words_keys)}, with meaning {len(meaning_keys)} "
        f"({len(meaning_keys - words_keys)} added, {len(words_keys - meaning_keys)} dropped; "
        f"meaning took part: {with_meaning.meaning})"
    )
    times = timed(lambda: align(a, b, meaning=vectors), RUNS)
    print(f"  align(meaning=…): {summary(times)}   target < 300 ms")
    print(f"  align() words only, from above: median {statistics.median(words_times):.0f} ms")
    return encoder


def false_pairs(corpus: Path, encoder: Encoder) -> None:
    """Align FALSE_PAIR_ARTICLES pairs of articles from two different topic folders by words
    only and with meaning, and print every pair of paragraphs either finds."""
    topics = {
        folder.name: sorted(folder.glob("*.txt"))
        for folder in sorted(corpus.iterdir())
        if folder.is_dir()
    }
    rng = random.Random(7)
    drawn: list[tuple[Article, Article]] = []
    for _ in range(FALSE_PAIR_ARTICLES):
        first, second = rng.sample(sorted(topics), 2)
        drawn.append(
            (
                load_article(rng.choice(topics[first]), corpus),
                load_article(rng.choice(topics[second]), corpus),
            )
        )
    passages = comparison_passages(*(article for pair in drawn for article in pair))
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        vectors = meaning_vectors(VectorStore(Path(folder)), passages, encoder)
        seconds = time.perf_counter() - started
    if vectors is None:
        raise SystemExit("meaning vectors missing after encoding")
    print(
        f"cross-topic false pairs: {FALSE_PAIR_ARTICLES} article pairs from two different "
        f"topics (random.Random(7)); {len(passages)} paragraphs encoded in {seconds:.1f} s"
    )
    counts = {"words": 0, "meaning": 0}
    used = 0
    for a, b in drawn:
        words_only = align(a, b)
        with_meaning = align(a, b, meaning=vectors)
        used += with_meaning.meaning
        for label, result in (("words", words_only), ("meaning", with_meaning)):
            counts[label] += len(result.pairs)
            print_pairs(label, result)
    print(
        f"  aligned pairs in total: words only {counts['words']}, with meaning "
        f"{counts['meaning']} (meaning took part in {used} of {len(drawn)} alignments)"
    )


def print_pairs(label: str, result: Alignment) -> None:
    """One line per paragraph pair of an alignment of two unrelated articles."""
    for pair in result.pairs:
        meaning = "" if pair.meaning is None else f", meaning part {pair.meaning:.2f}"
        print(
            f"  {label:8} {result.a_id} ¶{pair.a} ↔ {result.b_id} ¶{pair.b}: score "
            f"{pair.score:.3f} (lexical {pair.lexical:.3f}{meaning}); "
            f"{', '.join(pair.shared_terms[:5])}"
        )


def general_words(corpus: Path, share: float = 0.015) -> list[str]:
    """Stems in at least `share` of the paragraphs of every section (sub-folder)."""
    frequencies: list[dict[str, float]] = []
    for section in sorted(p for p in corpus.iterdir() if p.is_dir()):
        counts: dict[str, int] = {}
        paragraphs = 0
        for path in section.glob("*.txt"):
            text = path.read_text(encoding="utf-8", errors="replace")
            for paragraph in text.split("\n\n")[1:]:
                found = set(terms(paragraph))
                if found:
                    paragraphs += 1
                    for term in found:
                        counts[term] = counts.get(term, 0) + 1
        frequencies.append({t: c / max(1, paragraphs) for t, c in counts.items()})
    if not frequencies:
        return []
    common = set.intersection(*(set(f) for f in frequencies))
    chosen = [t for t in common if min(f[t] for f in frequencies) >= share]
    return sorted(chosen, key=lambda t: -min(f[t] for f in frequencies))


def bench_first_comparison(folder: Path) -> None:
    """Issue 14: key press to aligned panes, core part, in a fresh process (model cached)."""
    root = folder / "bundled"
    shutil.copytree(REPO / "seeds", root / "seeds")
    workspace = Workspace.open(root)
    pair = [workspace.article(article_id) for article_id in BUNDLED_PAIR]
    started = time.perf_counter()
    meaning_vectors(VectorStore.for_workspace(workspace), comparison_passages(*pair), Encoder())
    seconds = time.perf_counter() - started
    print(f"first comparison: vectors of {' and '.join(BUNDLED_PAIR)} cached in {seconds:.1f} s")
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    for _ in range(RUNS_14):
        output = subprocess.run(
            [sys.executable, "-c", FIRST_COMPARISON, str(root), *BUNDLED_PAIR],
            capture_output=True,
            text=True,
            check=True,
            env=environment,
        ).stdout.split()
        print(
            f"  fresh process, import to result: {float(output[0]):.2f} s, {output[1]} pairs "
            f"(target < 3 s); {machine()}"
        )


def bench_similar_with_meaning(corpus: Path) -> None:
    """Issue 14: `similar` over BBC once meaning vectors exist."""
    import numpy as np

    from tuireader.core.compare.passages import cached_meaning

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "seeds").symlink_to(corpus, target_is_directory=True)
        workspace = Workspace.open(root)
        articles = workspace.articles
        vectors = cached_meaning(workspace)
        rng = np.random.default_rng(7)
        cached = len(vectors)
        for article in articles.values():
            for paragraph in article.body_paragraphs:
                if (article.id, paragraph.number) not in vectors:
                    vector = rng.normal(size=384).astype(np.float32)
                    vectors[article.id, paragraph.number] = vector / np.linalg.norm(vector)
        index = PassageIndex(articles.values(), meaning=vectors)
        print(
            f"similar with meaning: {index.paragraph_count} paragraphs, {cached} vectors cached "
            f"(the rest random, same cost); index build {index.build_seconds:.2f} s"
        )
        queries = random.Random(7).sample(
            [(a.id, p.number) for a in articles.values() for p in a.body_paragraphs], QUERIES
        )
        for _ in range(RUNS_14):
            times = []
            for article_id, number in queries:
                started = time.perf_counter()
                index.similar_to(article_id, number, limit=10)
                times.append((time.perf_counter() - started) * 1000)
            print(f"  similar_to(limit=10): {summary(times)}   target < 300 ms; {machine()}")


def bench_figures(corpus: Path) -> None:
    """Issue 14: `tuireader figures` over BBC (figure_groups on loaded articles)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "seeds").symlink_to(corpus, target_is_directory=True)
        articles = Workspace.open(root).articles
        for _ in range(RUNS_14):
            started = time.perf_counter()
            groups = figure_groups(articles)
            seconds = time.perf_counter() - started
            differ = sum(1 for group in groups if not group.agree)
            print(
                f"figures: {seconds:.2f} s for {len(articles)} articles, {len(groups)} claims "
                f"({differ} disagree)   target < 5 s; {machine()}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="BBC corpus folder")
    parser.add_argument("--topic", default="politics", help="topic folder for the alignment test")
    parser.add_argument(
        "--general-words", action="store_true", help="print the general-word stems and stop"
    )
    parser.add_argument(
        "--no-meaning", action="store_true", help="skip the meaning-vector benchmarks"
    )
    parser.add_argument(
        "--issue14", action="store_true", help="only issue 14's figures (see the docstring)"
    )
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"bench_compare: corpus folder {args.corpus} not found", file=sys.stderr)
        return 2
    if args.general_words:
        print(" ".join(general_words(args.corpus)))
        return 0
    print(machine())
    if args.issue14:
        with tempfile.TemporaryDirectory() as folder:
            bench_first_comparison(Path(folder))
        bench_similar_with_meaning(args.corpus.resolve())
        bench_figures(args.corpus.resolve())
        return 0
    with tempfile.TemporaryDirectory() as folder:
        seeds = Path(folder) / "seeds"
        seeds.mkdir()
        a, b = long_articles(args.corpus, args.topic, seeds)
        words_times = bench_align(a, b, args.topic)
        bench_passages(args.corpus.resolve())
        if not args.no_meaning:
            encoder = bench_meaning(a, b, words_times, Path(folder))
            false_pairs(args.corpus, encoder)
    print(f"at the end: {machine()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
