"""Benchmark: entity extraction over the BBC corpus, cold cache then warm cache.

    .venv/bin/python benchmarks/bench_entities.py [--corpus DIR] [--limit N] [--processes N]

Builds a throw-away workspace whose seeds/ is a symlink to the corpus, so the corpus is read
through tuireader's own Workspace. Cold: NER on every article. Warm: a second build in the
same process (no NER may run), then `EntityIndex.load_cached` in a fresh interpreter, which is
what the app does at start-up, checked not to import spaCy.

Targets on the 2-core box: cold < 90 s, warm < 2 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from common import BBC, machine  # noqa: E402

from tuireader.core.entities.index import EntityIndex  # noqa: E402
from tuireader.core.workspace import Workspace  # noqa: E402

DEFAULT_CORPUS = BBC
WARM_CHILD = """
import sys, time
start = time.perf_counter()
from tuireader.core.workspace import Workspace
from tuireader.core.entities.index import EntityIndex
ws = Workspace.open(sys.argv[1])
articles = len(ws.articles)
loaded = time.perf_counter()
index = EntityIndex.load_cached(ws)
done = time.perf_counter()
first = next(iter(ws.articles))
index.for_article(first)
one = time.perf_counter() - done
print(articles, loaded - start, done - loaded, index is not None, "spacy" in sys.modules, one)
"""


def main() -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    parser.add_argument("--processes", type=int, default=0, help="default: tuireader's choice")
    parser.add_argument("--keep", type=Path, help="build the workspace here and keep it")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus folder {args.corpus} not found", file=sys.stderr)
        return 2
    print(machine())
    with tempfile.TemporaryDirectory(prefix="bench-entities-") as temp:
        root = args.keep or Path(temp)
        root.mkdir(parents=True, exist_ok=True)
        os.environ["TUIREADER_CONFIG_DIR"] = str(root / "config")  # default settings
        if args.limit:
            seeds = root / "seeds"
            seeds.mkdir()
            for i, path in enumerate(sorted(args.corpus.rglob("*.txt"))[: args.limit]):
                (seeds / f"{i:05d}_{path.name}").symlink_to(path)
        else:
            (root / "seeds").symlink_to(args.corpus.resolve())

        start = time.perf_counter()
        workspace = Workspace.open(root)
        articles = workspace.articles
        load_s = time.perf_counter() - start
        words = sum(len(a.text.split()) for a in articles.values())
        print(f"corpus: {len(articles)} articles, {words:,} words; loaded in {load_s:.2f} s")

        last = [0.0]

        def progress(done: int, total: int, article_id: str) -> None:
            now = time.perf_counter()
            if done == total or now - last[0] > 10:
                last[0] = now
                print(f"  {done}/{total} articles", file=sys.stderr)

        start = time.perf_counter()
        cold = EntityIndex.build(workspace, progress, n_process=args.processes or None)
        cold_s = time.perf_counter() - start
        mentions = sum(e.mentions for e in cold.entities)
        kinds = Counter(e.kind for e in cold.entities)
        print(
            f"cold: {cold_s:.1f} s ({words / cold_s:,.0f} words/s), {cold.extracted} articles "
            f"through NER, {mentions:,} mentions, {len(cold.entities):,} entities "
            f"({', '.join(f'{k} {n}' for k, n in kinds.most_common())})"
        )
        for problem in cold.problems:
            print(f"  problem: {problem}")

        start = time.perf_counter()
        warm = EntityIndex.build(Workspace.open(root))
        warm_s = time.perf_counter() - start
        print(
            f"warm build (same process, articles re-read): {warm_s:.2f} s, NER on {warm.extracted}"
        )

        child = subprocess.run(
            [sys.executable, "-c", WARM_CHILD, str(root)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            check=False,
        )
        if child.returncode:
            print(child.stderr, file=sys.stderr)
            return 1
        count, read_s, cached_s, found, spacy, one_s = child.stdout.split()
        total = float(read_s) + float(cached_s)
        print(
            f"warm start (fresh process): open + read {count} articles {float(read_s):.2f} s, "
            f"load_cached {float(cached_s):.2f} s, total {total:.2f} s; "
            f"index found: {found}; spaCy imported: {spacy}; "
            f"one article's entities {float(one_s) * 1000:.1f} ms"
        )
        cache = root / "indexes" / "entities"
        size = sum(p.stat().st_size for p in cache.iterdir()) / 1e6
        print(f"cache size: {size:.1f} MB")
        for entity in cold.of_kind("PERSON")[:5] + cold.of_kind("ORG")[:5]:
            print(f"  {entity.kind:<6} {entity.name} ({entity.mentions}): {entity.aliases[:5]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
