"""Key press → aligned panes for the first comparison in the app, driven by Pilot (not a
timed test: run it by hand).

Run: .venv/bin/python benchmarks/bench_compare_app.py [--runs 3]

On a copy of the bundled workspace (five articles), three pairs of articles:

1. background: the app's background meaning job (background.py, a child process that loads
   the sentence model from its package on disk) fills the workspace's vector store; the time
   from its start to "ready" is reported (it runs while the user reads, so nobody waits on it).
2. warm (target < 3 s): a fresh app on that workspace; in the library, `c` on article A, the
   title of B typed in the pick dialog, then enter. Timed from the enter to both panes
   marked with the final pairs (CompareScreen.comparison set, not preliminary).
3. cold: the same on a workspace whose store is empty (no background job yet): enter →
   preliminary word-based pairs on screen, and enter → the final pairs once the screen's own
   child process has encoded the two articles.

Each figure is the median of `--runs` runs (each with a new app), min and max beside it;
the machine's load is printed, since other work on a small machine moves these figures.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # app_harness
from app_harness import wait_for, wait_until_ready
from common import machine

from tuireader.app.app import TuiReaderApp
from tuireader.app.compare.background import meaning_background
from tuireader.app.compare.screen import CompareScreen
from tuireader.app.library.screen import LibraryScreen
from tuireader.app.shell.pick_article import PickArticleDialog
from tuireader.core.workspace import Workspace

BUNDLED = Path(__file__).resolve().parents[1] / "seeds"
PAIRS = [
    ("000_55308b7769cb3055", "002_6fec927dd12decab"),
    ("001_e417b657d421601d", "004_1d4f993d258ac59c"),
    ("003_8f6b4f594c88725a", "001_e417b657d421601d"),
]
SIZE = (120, 40)


def fresh_workspace() -> Path:
    """A copy of the bundled articles with no indexes."""
    root = Path(tempfile.mkdtemp(prefix="tuireader-bench-compare-"))
    shutil.copytree(BUNDLED, root / "seeds")
    return root


async def fill_in_background(root: Path) -> float:
    """Seconds the background job takes to fill the store of the workspace at `root`."""
    app = TuiReaderApp(Workspace.open(root), check_index=False, restore=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_ready(pilot, index=False)
        background = meaning_background(app)
        started = time.perf_counter()
        background.start()  # what the app does once its search index is current
        await wait_for(
            pilot,
            lambda: background.state.phase in ("ready", "unavailable", "failed"),
            timeout=600,
            what="the background meaning job",
        )
        if background.state.phase != "ready":
            raise SystemExit(background.state.describe())
        return time.perf_counter() - started


async def time_comparison(root: Path, a_id: str, b_id: str) -> tuple[float, float]:
    """(enter → first marks, enter → final marks) in seconds, from the library's `c`."""
    app = TuiReaderApp(Workspace.open(root), check_index=False, restore=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_ready(pilot, index=False)
        library = app.screen
        assert isinstance(library, LibraryScreen)
        library.table.move_cursor(row=[row.id for row in library.shown].index(a_id))
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, PickArticleDialog))
        dialog = app.screen
        assert isinstance(dialog, PickArticleDialog)
        await pilot.press(*app.articles[b_id].title.lower())
        await wait_for(pilot, lambda: [row.id for row in dialog.shown] == [b_id], what="filter")

        def screen() -> CompareScreen | None:
            top = app.screen
            return top if isinstance(top, CompareScreen) else None

        def marked(final: bool) -> Callable[[], bool]:
            def check() -> bool:
                shown = screen()
                if shown is None or shown.comparison is None:
                    return False
                return not final or not shown.preliminary

            return check

        started = time.perf_counter()
        await pilot.press("enter")
        await wait_for(pilot, marked(False), timeout=300, what="the first marks")
        first = time.perf_counter() - started
        await wait_for(pilot, marked(True), timeout=300, what="the final marks")
        final = time.perf_counter() - started
        shown = screen()
        assert shown is not None and shown.pane("a").marks  # the gutters are drawn
        return first, final


def summary(values: list[float]) -> str:
    """Median (min–max) in seconds."""
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


async def main() -> None:
    """Run the three parts and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(machine())
    warm_root = fresh_workspace()
    fill = await fill_in_background(warm_root)
    print(f"background job, empty store → every paragraph stored: {fill:.1f} s")
    for a_id, b_id in PAIRS:
        warm = [await time_comparison(warm_root, a_id, b_id) for _ in range(args.runs)]
        print(
            f"warm {a_id[:3]} vs {b_id[:3]}: enter → aligned panes {summary([w[1] for w in warm])}"
        )
    a_id, b_id = PAIRS[0]
    cold = []
    for _ in range(args.runs):
        root = fresh_workspace()
        cold.append(await time_comparison(root, a_id, b_id))
        shutil.rmtree(root, ignore_errors=True)
    first, final = summary([c[0] for c in cold]), summary([c[1] for c in cold])
    print(f"cold {a_id[:3]} vs {b_id[:3]}: enter → preliminary panes {first}, → final {final}")
    print(machine())
    shutil.rmtree(warm_root, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
