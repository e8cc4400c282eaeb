"""Benchmark: entities on the BBC corpus, as the app gets them: the open article first, the
whole corpus cold, and the warm start.

    .venv/bin/python benchmarks/bench_entities.py [--workspace DIR | --corpus DIR --limit N]
                                                  [--skip-cold] [--open ID] [--open-only RUNS]

The workspace (default /tmp/bbcws when it exists, else a new one over the BBC corpus) is
copied to a throw-away folder without its entity cache (seeds/ stays a symlink; the search
index is copied, as a workspace the app has opened before). Then:

1. cold, through the app's own child job (`run_entity_job`, which forks two NER processes on
   a 2-core box): an article is asked for first (`want_first`) at the start, as when the
   reader is open while the model loads, and another one a third of the way through, as
   when the user opens an article while the corpus is extracted; each figure is the time
   until its entities are grouped within the article (`EntityIndex.article_alone`). The
   whole job's wall time and its CPU time (the job and its workers) say how many cores it
   used. Cold runs are slow: run them once or twice, never more.
2. warm: `EntityIndex.load_cached` in a fresh interpreter, as the app starts, checked not
   to import spaCy, and one article's entities.

Targets on the 2-core box: open article < 3 s, cold corpus < 90 s, warm < 2 s. Note the
`uptime` load printed with the figures: the machine is shared.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
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

from tuireader.app.state.entities import run_entity_job  # noqa: E402
from tuireader.core.child_job import JobCancelled  # noqa: E402
from tuireader.core.entities.index import EntityIndex, want_first  # noqa: E402
from tuireader.core.workspace import Workspace  # noqa: E402

DEFAULT_WORKSPACE = Path("/tmp/bbcws")
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


def prepare(args: argparse.Namespace, root: Path) -> None:
    """The benchmark's workspace at `root`: seeds and search index, no entity cache. Files
    are copied, not linked: a workspace refuses symlinks that leave it."""
    source: Path | None = args.workspace
    if source is None and not args.limit and DEFAULT_WORKSPACE.is_dir():
        source = DEFAULT_WORKSPACE
    ignore = shutil.ignore_patterns("LICENSE*", "README*")
    if source is not None:
        shutil.copytree(source / "seeds", root / "seeds", ignore=ignore)
        search = source / "indexes" / "search"
        if search.is_dir():
            shutil.copytree(search, root / "indexes" / "search")
            if (source / "indexes" / "search-files.json").exists():
                shutil.copy2(source / "indexes" / "search-files.json", root / "indexes")
        return
    if args.limit:
        seeds = root / "seeds"
        seeds.mkdir()
        for i, path in enumerate(sorted(args.corpus.rglob("*.txt"))[: args.limit]):
            shutil.copy2(path, seeds / f"{i:05d}_{path.name}")
    else:
        shutil.copytree(args.corpus, root / "seeds", ignore=ignore)


def cold(root: Path, article_ids: list[str], open_first: str | None) -> None:
    """The app's extraction job on a workspace without entity cache, with two articles
    asked for first (at the start, and a third of the way through)."""
    first = open_first or article_ids[len(article_ids) // 2]
    later = article_ids[len(article_ids) // 3 * 2 + 7]
    workspace = Workspace.open(root)
    assert workspace.articles  # read before the clock starts, as the app has them
    asked = {first: time.perf_counter()}
    want_first(workspace, [first])
    shown: dict[str, float] = {}
    start = asked[first]
    last = [0.0]

    def progress(done: int, total: int, _article_id: str) -> None:
        now = time.perf_counter()
        if later not in asked and total and done >= total // 3:
            asked[later] = now
            want_first(workspace, [later, first])
        if done == total or now - last[0] > 15:
            last[0] = now
            print(f"  {done}/{total} articles at {now - start:.0f} s", file=sys.stderr)

    def ready(article_id: str) -> None:
        alone = EntityIndex.article_alone(workspace, article_id)
        if alone is not None and article_id not in shown:
            shown[article_id] = time.perf_counter()
            names = [item.entity.name for item in alone.for_article(article_id)[:4]]
            print(f"  {article_id}: {', '.join(names)} …", file=sys.stderr)

    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    problems = run_entity_job(root, progress, lambda: False, ready)
    wall = time.perf_counter() - start
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    for problem in problems:
        print(f"  problem: {problem}")
    for label, article_id in (("at the start", first), ("a third through", later)):
        if article_id in shown:
            took = shown[article_id] - asked[article_id]
            print(f"open article ({label}, {article_id}): entities in {took:.2f} s")
        else:
            print(f"open article ({label}, {article_id}): never announced")
    print(
        f"cold corpus: {wall:.1f} s wall (job: model load, NER, grouping, index written), "
        f"CPU {cpu:.1f} s = {cpu / wall:.2f} cores on average"
    )
    started = time.perf_counter()
    index = EntityIndex.load_cached(Workspace.open(root))
    assert index is not None, "the job left no complete index"
    kinds = ", ".join(f"{k} {n}" for k, n in Counter(e.kind for e in index.entities).items())
    print(
        f"  {len(index.entities):,} entities ({kinds}); "
        f"read back in {time.perf_counter() - started:.2f} s"
    )
    for entity in index.of_kind("PERSON")[:5] + index.of_kind("ORG")[:5]:
        print(f"  {entity.kind:<6} {entity.name} ({entity.mentions}): {entity.aliases[:5]}")


def open_only(root: Path, article_ids: list[str], open_first: str | None, runs: int) -> None:
    """Only the first figure, `runs` times: the job is started with an article asked for,
    and killed once that article's entities are shown (the entity cache is removed before
    each run, so every run is cold)."""
    first = open_first or article_ids[len(article_ids) // 2]
    workspace = Workspace.open(root)
    assert workspace.articles  # read before the clock starts, as the app has them
    figures = []
    shown: list[float] = []

    def ready(article_id: str) -> None:
        if EntityIndex.article_alone(workspace, article_id) is not None:
            shown.append(time.perf_counter())

    for _ in range(runs):
        shutil.rmtree(root / "indexes" / "entities", ignore_errors=True)
        shown.clear()
        start = time.perf_counter()
        want_first(workspace, [first])
        with contextlib.suppress(JobCancelled):  # cancelled once the article is shown
            run_entity_job(root, lambda *_: None, lambda: bool(shown), ready)
        figures.append(shown[0] - start)
        print(f"open article ({first}) on a cold cache: entities in {figures[-1]:.2f} s")
    print(f"open article: median {sorted(figures)[len(figures) // 2]:.2f} s of {runs} runs")


def warm(root: Path) -> int:
    """A fresh interpreter reading the cache, as the app starts."""
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
    return 0


def main() -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, help=f"default: {DEFAULT_WORKSPACE} if present")
    parser.add_argument("--corpus", type=Path, default=BBC, help="without --workspace")
    parser.add_argument("--limit", type=int, default=0, help="only the first N corpus articles")
    parser.add_argument("--open", help="the article asked for first (default: a middle one)")
    parser.add_argument("--skip-cold", action="store_true", help="warm figures only")
    parser.add_argument(
        "--open-only", type=int, metavar="RUNS", help="only the open-article figure, RUNS times"
    )
    parser.add_argument("--keep", type=Path, help="build the workspace here and keep it")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory(prefix="bench-entities-") as temp:
        root = args.keep or Path(temp)
        root.mkdir(parents=True, exist_ok=True)
        # default settings for the job too (it inherits the environment)
        os.environ["TUIREADER_CONFIG_DIR"] = str(root / "config")
        prepare(args, root)
        started = time.perf_counter()
        workspace = Workspace.open(root)
        ids = sorted(workspace.articles)
        words = sum(len(a.text.split()) for a in workspace.articles.values())
        print(
            f"corpus: {len(ids)} articles, {words:,} words; "
            f"loaded in {time.perf_counter() - started:.2f} s"
        )
        if args.open_only:
            open_only(root, ids, args.open, args.open_only)
            print(f"uptime: {os.popen('uptime').read().strip()}")
            return 0
        if args.skip_cold:
            print("cold run skipped: the cache is built in-process (no timing)")
            EntityIndex.build(workspace)
        else:
            cold(root, ids, args.open)
        for _ in range(2):  # twice: the first may pay for a cold disk cache
            if warm(root):
                return 1
        size = sum(p.stat().st_size for p in (root / "indexes" / "entities").iterdir()) / 1e6
        print(f"cache size: {size:.1f} MB")
    print(f"uptime: {os.popen('uptime').read().strip()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
