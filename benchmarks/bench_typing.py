"""Keystroke-to-render for search-as-you-type on the BBC corpus, and scrolling a
10,000-word article, measured on the real `tuireader` command in tmux.

Run: .venv/bin/python benchmarks/bench_typing.py

Set-up: a temporary workspace whose seeds/ is a symlink to the BBC corpus (2,095 articles),
indexed once before the app starts. The app runs in tmux at 120x40; the benchmark types with
`tmux send-keys` and polls `tmux capture-pane` (a few ms per poll, so figures include that
resolution and tmux's own latency, as a user over SSH would see):

- echo: key sent → the character is drawn in the query box (target: p95 < 100 ms);
- results: key sent → the status line shows the hits for the new query; this includes the
  150 ms debounce, which is printed separately;
- echo while searching: a key typed just after the debounce fired, so a search is running in
  the worker as the key arrives (typing must not wait for it);
- scrolling: a 10,000-word article (BBC stories joined): time to open it, and per step for
  `j` (one line) and `space` (one page), key sent → screen changed.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # app_harness
from app_harness import TmuxSession
from common import BBC, machine, percentile

from tuireader.app.search.screen import DEBOUNCE
from tuireader.core.workspace import Workspace

QUERIES = [
    "gordon brown",
    "interest rates",
    "mobile phone",
    "chelsea",
    "oil prices",
    "election campaign",
    "broadband",
    "film awards",
]
WIDTH, HEIGHT = 120, 40


def wait_change(tmux: TmuxSession, before: str, timeout: float = 5.0) -> float:
    """Seconds until the screen differs from `before` (measured from the call)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if tmux.capture() != before:
            return time.perf_counter() - started
    raise AssertionError("the screen did not change")


def wait_until(tmux: TmuxSession, check: object, timeout: float = 10.0) -> tuple[float, str]:
    """Seconds until `check(screen)` is true, and that screen."""
    started = time.perf_counter()
    while True:
        screen = tmux.capture()
        if check(screen):  # type: ignore[operator]
            return time.perf_counter() - started, screen
        if time.perf_counter() - started > timeout:
            raise AssertionError(f"timed out; the screen was:\n{screen}")


def query_line(screen: str) -> str:
    """The query box's line (second line of the search screen)."""
    lines = screen.splitlines()
    return lines[1][1:] if len(lines) > 1 else ""


def summary(name: str, values: list[float]) -> str:
    """One line: median, p95, max in ms."""
    ms = [v * 1000 for v in values]
    return (
        f"{name:<34} n={len(ms):3d}  median {statistics.median(ms):6.1f}  "
        f"p95 {percentile(ms, 0.95):6.1f}  max {max(ms):6.1f} ms"
    )


def type_queries(tmux: TmuxSession) -> tuple[list[float], list[float], list[float]]:
    """Type each query key by key; echo and results latency per key, and echo while a
    search runs."""
    echo: list[float] = []
    results: list[float] = []
    during: list[float] = []
    for query in QUERIES:
        for length in range(1, len(query) + 1):
            prefix = query[:length]
            started = time.perf_counter()
            tmux.send(prefix[-1], literal=True)
            elapsed, _ = wait_until(tmux, lambda s, p=prefix: query_line(s).startswith(p))
            echo.append(elapsed)
            if prefix.endswith(" "):
                continue  # "gordon " searches the same words as "gordon"; no new status
            marker = f"for “{prefix}”"
            wait_until(tmux, lambda s, m=marker: m in s)
            results.append(time.perf_counter() - started)
        tmux.send("C-u")  # clear the query box
        wait_until(tmux, lambda s: "Type to search" in s)
        # The same query again, each key typed just after the debounce fired for the one
        # before: every key arrives while a search is running in the worker.
        for length in range(1, len(query) + 1):
            prefix = query[:length]
            started = time.perf_counter()
            tmux.send(prefix[-1], literal=True)
            elapsed, _ = wait_until(tmux, lambda s, p=prefix: query_line(s).startswith(p))
            if length > 1:
                during.append(elapsed)
            time.sleep(max(0.0, DEBOUNCE + 0.01 - (time.perf_counter() - started)))
        tmux.send("C-u")  # clear the query box
        wait_until(tmux, lambda s: "Type to search" in s)
    return echo, results, during


def long_article(seeds: Path, words: int = 10_000) -> int:
    """Write seeds/long.txt: BBC stories joined until `words` words; its word count."""
    parts: list[str] = ["A Long Read Made of BBC Stories"]
    count = 0
    for path in sorted(BBC.rglob("*.txt")):
        body = path.read_text(encoding="utf-8", errors="replace").split("\n", 1)[-1].strip()
        parts.append(body)
        count += len(body.split())
        if count >= words:
            break
    (seeds / "long.txt").write_text("\n\n".join(parts), encoding="utf-8")
    return count


def scroll(tmux: TmuxSession) -> tuple[float, list[float], list[float]]:
    """Open the long article; per-step times for j and space."""
    screen = tmux.wait_for("1 articles", timeout=20)
    started = time.perf_counter()
    tmux.send("Enter")
    wait_until(tmux, lambda s: "words" in s and "¶ 1/" in s)
    opened = time.perf_counter() - started
    lines: list[float] = []
    pages: list[float] = []
    for _ in range(40):
        screen = tmux.capture()
        tmux.send("j")
        lines.append(wait_change(tmux, screen))
    for _ in range(15):  # 10,000 words are about 20 pages at 120x40
        screen = tmux.capture()
        tmux.send("Space")
        pages.append(wait_change(tmux, screen))
    return opened, lines, pages


def main() -> None:
    """Set up, measure, print."""
    if not BBC.is_dir():
        raise SystemExit(f"BBC corpus not found at {BBC}")
    work = Path(tempfile.mkdtemp(prefix="tuireader-bench-typing-"))
    env = f"TUIREADER_CONFIG_DIR={work / 'config'} TERM=xterm-256color"
    bbc = work / "bbc"
    bbc.mkdir()
    (bbc / "seeds").symlink_to(BBC)
    started = time.perf_counter()
    Workspace.open(bbc).reindex()
    index_seconds = time.perf_counter() - started
    longws = work / "long"
    (longws / "seeds").mkdir(parents=True)
    words = long_article(longws / "seeds")
    Workspace.open(longws).reindex()

    tmux = TmuxSession(f"tuireader-bench-typing-{os.getpid()}", name="bench")
    try:
        tmux.start(f"{env} {sys.executable} -m tuireader --workspace {bbc}", WIDTH, HEIGHT)
        tmux.wait_for("2,095 articles", timeout=30)
        # Ready to search when the index status line has gone (checked, up to date).
        wait_until(tmux, lambda s: "Search index" not in s, timeout=60)
        tmux.send("/")
        tmux.wait_for("Type to search")
        echo, results, during = type_queries(tmux)
        tmux.kill()
        time.sleep(0.3)
        tmux.start(f"{env} {sys.executable} -m tuireader --workspace {longws}", WIDTH, HEIGHT)
        opened, lines, pages = scroll(tmux)
    finally:
        tmux.kill_server()
        shutil.rmtree(work, ignore_errors=True)

    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.2f}")
    print(
        f"BBC corpus: 2,095 articles, indexed once in {index_seconds:.1f} s; tmux {WIDTH}x{HEIGHT}"
    )
    print(summary("search: key → echo", echo))
    print(summary("search: key → results (incl. debounce)", results))
    after = [r - DEBOUNCE for r in results]
    print(summary(f"search: results after the {DEBOUNCE * 1000:.0f} ms debounce", after))
    print(summary("search: key → echo while searching", during))
    p95 = percentile([e * 1000 for e in echo + during], 0.95)
    print(f"echo p95 {p95:.1f} ms (target < 100 ms: {'met' if p95 < 100 else 'NOT met'})")
    print(f"long article: {words:,} words, opened in {opened * 1000:.0f} ms")
    print(summary("scroll: j (one line) → redrawn", lines))
    print(summary("scroll: space (one page) → redrawn", pages))


if __name__ == "__main__":
    main()
