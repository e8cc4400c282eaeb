"""Benchmark the comparison core on the BBC corpus (not a timed test: run it by hand).

1. Alignment of two ~10,000-word articles, each built by concatenating the paragraphs of
   BBC articles from one topic folder (target: align() under 300 ms). compare() — align
   plus shared quotations plus figure matching — is timed too.
2. Passage search over the whole corpus, loaded through a temporary workspace whose seeds/
   is a symlink to the corpus (target: under 500 ms per query; index build time reported
   separately).
3. Corpus-wide figure groups (the F screen), once.

`--general-words` prints instead the stems behind tuireader.core.passages.GENERAL_WORDS:
those in at least 1.5% of the paragraphs of every section of the corpus (the list in the
source drops names and years from it by hand).

    .venv/bin/python benchmarks/bench_compare.py [--corpus DIR] [--topic politics]
    .venv/bin/python benchmarks/bench_compare.py --general-words
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tuireader.core.compare import align, compare
from tuireader.core.corpus import Article, load_article
from tuireader.core.figures import figure_groups
from tuireader.core.passages import PassageIndex, terms
from tuireader.core.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "bbc-news"
TARGET_WORDS = 10_000
RUNS = 5
QUERIES = 50


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


def bench_align(corpus: Path, topic: str) -> None:
    files = sorted((corpus / topic).glob("*.txt"))
    if len(files) < 4:
        raise SystemExit(f"{corpus / topic} has too few articles")
    with tempfile.TemporaryDirectory() as folder:
        seeds = Path(folder) / "seeds"
        seeds.mkdir()
        # Alternate files so the two long articles cover the same run of stories.
        a = build_long_article(files[0::2], seeds, "long-a")
        b = build_long_article(files[1::2], seeds, "long-b")
        print(
            f"align: {topic}, A {a.word_count} words / {len(a.body_paragraphs)} paragraphs, "
            f"B {b.word_count} words / {len(b.body_paragraphs)} paragraphs"
        )
        result = align(a, b)
        only_a, only_b = len(result.only_in_a), len(result.only_in_b)
        print(f"  pairs {len(result.pairs)}, only in A {only_a}, only in B {only_b}")
        print(f"  align():   {summary(timed(lambda: align(a, b), RUNS))}   target < 300 ms")
        full = compare(a, b)
        print(
            f"  compare(): {summary(timed(lambda: compare(a, b), RUNS))}   "
            f"({len(full.quotes)} quotations, {len(full.figures)} figure matches)"
        )


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="BBC corpus folder")
    parser.add_argument("--topic", default="politics", help="topic folder for the alignment test")
    parser.add_argument(
        "--general-words", action="store_true", help="print the general-word stems and stop"
    )
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"bench_compare: corpus folder {args.corpus} not found", file=sys.stderr)
        return 2
    if args.general_words:
        print(" ".join(general_words(args.corpus)))
        return 0
    print(machine())
    bench_align(args.corpus, args.topic)
    bench_passages(args.corpus.resolve())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
