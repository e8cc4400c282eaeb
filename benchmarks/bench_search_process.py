"""`tuireader search Q --json` as a whole process against a minimal SQLite FTS5 script.

Run: .venv/bin/python benchmarks/bench_search_process.py [--scale 10] [--rounds 3]
         [--workspace DIR] [--skip-edit]

On the BBC corpus (×`--scale`: each file under copyN/ folders, hard-linked when the file
system allows, so ×10 costs no disk; a file the benchmark edits is first replaced by a
private copy, so the shared corpus is never written). The index and the FTS5 database
(`fts5_search.py`) are built first (not timed as searches). Then each of 10 varied
queries is answered by both, one process each, interleaved so machine noise hits both
alike, for `--rounds` rounds. Reported: median wall time per tool and their ratio
(targets: ≤ 2× on BBC, < 3× on ×10), peak RSS of a search process, the time to open the
index and answer a first query in a fresh process (target < 100 ms on ×10), and the time
until an edited article is found by `tuireader search` (target < 1 s on ×10): after a save
that replaces the file (what most editors do) and after an edit in place.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BBC, machine

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
FTS5 = str(ROOT / "benchmarks" / "fts5_search.py")
QUERIES = [
    "election",
    "prime minister",
    "blair",
    '"interest rates"',
    "champions league",
    "mobile phone",
    "film award",
    "iraq",
    "economy growth",
    "music download",
]
FIRST_QUERY = """
import json, sys, time
started = time.perf_counter()
from tuireader.core.workspace import Workspace
import tuireader.core.search.index  # its import (Whoosh's) is not the index's opening
imported = time.perf_counter()
index = Workspace.open(sys.argv[1]).index
results = index.search_articles(sys.argv[2])
first = time.perf_counter()
index.search_articles(sys.argv[3])
second = time.perf_counter()
print(json.dumps({"import": imported - started, "open_and_first": first - imported,
                  "second": second - first, "articles": results.total_articles}))
"""


def build_workspace(scale: int) -> Path:
    """A workspace holding BBC ×scale under /tmp (kept between runs)."""
    root = Path(tempfile.gettempdir()) / f"tuireader-bench-search-x{scale}"
    seeds = root / "seeds"
    if seeds.is_dir():
        return root
    files = [p for p in BBC.rglob("*.txt")]
    for copy in range(scale):
        for path in files:
            target = seeds / (f"copy{copy}" if scale > 1 else "") / path.relative_to(BBC)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, target)
            except OSError:
                shutil.copyfile(path, target)
    return root


def timed(command: list[str]) -> tuple[float, int, str]:
    """Run a command; wall seconds, peak RSS (KB) and stdout."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise SystemExit(f"{command} failed ({process.returncode}): {text[-500:]}")
    return elapsed, usage.ru_maxrss, text


def tuireader(root: Path, query: str) -> list[str]:
    return [PYTHON, "-m", "tuireader", "--workspace", str(root), "search", query, "--json"]


def private_copy(path: Path) -> None:
    """Make `path` a file of its own (a hard link would carry an edit to the corpus)."""
    if path.stat().st_nlink > 1:
        temp = path.with_name(f".{path.name}.bench")
        shutil.copyfile(path, temp)
        os.replace(temp, path)


def edited_article_times(root: Path) -> dict[str, float]:
    """Seconds of the first `tuireader search` after an edit, which must find the new word:
    after a save that replaces the file, and after an edit in place (once the freshness
    window has passed, as it has for a person who edits and then searches)."""
    from tuireader.core.workspace import FRESHNESS_SECONDS

    path = sorted((root / "seeds").rglob("*.txt"))[len(QUERIES)]
    private_copy(path)
    original = path.read_bytes()
    results: dict[str, float] = {}
    try:
        temp = path.with_name(f".{path.name}.new")
        temp.write_bytes(original + b"\n\nZanzibarquux appeared.\n")
        os.replace(temp, path)
        elapsed, _, out = timed(tuireader(root, "zanzibarquux"))
        assert json.loads(out)["total_articles"] == 1, "the replaced file was not found"
        results["replaced"] = elapsed
        time.sleep(FRESHNESS_SECONDS + 0.2)
        with path.open("ab") as stream:
            stream.write(b"\nQuuxborough too.\n")
        elapsed, _, out = timed(tuireader(root, "quuxborough"))
        assert json.loads(out)["total_articles"] == 1, "the edit in place was not found"
        results["in place"] = elapsed
    finally:
        temp = path.with_name(f".{path.name}.old")
        temp.write_bytes(original)
        os.replace(temp, path)
        timed(tuireader(root, "election"))  # the index back to the corpus as it was
    return results


def main() -> None:
    """Run the benchmark and print the report."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--scale", type=int, default=1)
    options.add_argument("--rounds", type=int, default=3)
    options.add_argument("--workspace", type=Path, help="an existing workspace to use")
    options.add_argument("--skip-edit", action="store_true")
    args = options.parse_args()
    root = args.workspace or build_workspace(args.scale)
    db = root / "indexes" / "fts5.db"
    print(f"machine: {machine()}")
    print(f"workspace: {root} (BBC ×{args.scale})")
    started = time.perf_counter()
    subprocess.run(
        [PYTHON, "-m", "tuireader", "--workspace", str(root), "index", "--json"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"tuireader index: {time.perf_counter() - started:.1f} s")
    if not db.exists():
        started = time.perf_counter()
        db.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([PYTHON, FTS5, "build", str(db), str(root / "seeds")], check=True)
        print(f"fts5 build: {time.perf_counter() - started:.1f} s")
    ours: list[float] = []
    theirs: list[float] = []
    rss: list[int] = []
    fts_rss: list[int] = []
    per_query: dict[str, list[tuple[float, float]]] = {q: [] for q in QUERIES}
    timed(tuireader(root, "warm"))  # page cache and .pyc files, for both
    timed([PYTHON, FTS5, "search", str(db), "warm"])
    for _ in range(args.rounds):
        for query in QUERIES:
            mine, peak, _ = timed(tuireader(root, query))
            other, other_peak, _ = timed([PYTHON, FTS5, "search", str(db), query])
            ours.append(mine)
            theirs.append(other)
            rss.append(peak)
            fts_rss.append(other_peak)
            per_query[query].append((mine, other))
    ours_median, theirs_median = statistics.median(ours), statistics.median(theirs)
    print(f"\n{len(ours)} searches each ({args.rounds} rounds × {len(QUERIES)} queries)")
    print(f"tuireader search --json  median {ours_median * 1000:6.0f} ms")
    print(f"fts5_search.py           median {theirs_median * 1000:6.0f} ms")
    print(f"ratio of medians         {ours_median / theirs_median:.2f}×")
    print(f"peak RSS: tuireader {max(rss) / 1024:.0f} MB, fts5 {max(fts_rss) / 1024:.0f} MB")
    for query, pairs in per_query.items():
        mine = statistics.median(p[0] for p in pairs)
        other = statistics.median(p[1] for p in pairs)
        print(f"  {query:20} {mine * 1000:6.0f} ms vs {other * 1000:5.0f} ms")
    firsts = []
    for query, other in zip(QUERIES[:3], QUERIES[3:6], strict=True):
        _, _, out = timed([PYTHON, "-c", FIRST_QUERY, str(root), query, other])
        firsts.append(json.loads(out))
    print(
        "open index + first query (fresh process): "
        + ", ".join(f"{f['open_and_first'] * 1000:.0f} ms" for f in firsts)
        + "; a second query: "
        + ", ".join(f"{f['second'] * 1000:.0f} ms" for f in firsts)
    )
    if not args.skip_edit:
        for kind, seconds in edited_article_times(root).items():
            print(f"edited article found by the next search ({kind}): {seconds:.2f} s")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
