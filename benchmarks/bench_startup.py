"""Cold start to first screen: tuireader vs a bare Textual hello-world, as real processes.

Run: .venv/bin/python benchmarks/bench_startup.py [--runs 7]

Each run starts a fresh process in tmux (120x40) and polls `tmux capture-pane` until the
first screen's text is there: "hello-ready" for the baseline, an article's title in the
library's table (start to first titles) for tuireader on a copy of the bundled workspace
with its index built. Runs alternate between the two so machine noise hits both alike.
Target: median ≤ 1.3× the baseline. Also reported: the same on the BBC corpus (2,095
articles; the library fills from a worker) and the import time of the app module vs `textual.app`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # app_harness
from app_harness import TmuxSession
from common import BBC, machine

ROOT = Path(__file__).resolve().parents[1]
HELLO = """\
from textual.app import App, ComposeResult
from textual.widgets import Static


class Hello(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("hello-ready")


Hello().run()
"""
# The same built-in widgets as the library screen, without tuireader: how much of the
# difference to hello-world is Textual's widgets rather than tuireader's own work.
WIDGETS = """\
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Input


class Widgets(App[None]):
    BINDINGS = [Binding(k, "bell", k.upper()) for k in "fs/?q"]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(compact=True)
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Title", "Source", "Date", "Words")
        for n in range(5):
            table.add_row(f"widgets-ready {n}", "Source", "2019", str(n))


Widgets().run()
"""


def time_to_text(tmux: TmuxSession, command: str, marker: str, timeout: float = 30.0) -> float:
    """Seconds from starting `command` in a fresh tmux session until `marker` is on screen."""
    started = time.perf_counter()
    tmux.start(command, 120, 40)
    tmux.wait_for(marker, timeout=timeout, poll=0.002)
    elapsed = time.perf_counter() - started
    tmux.kill()
    while tmux.alive():
        time.sleep(0.01)
    return elapsed


def import_seconds(module: str) -> float:
    """Median wall time of `python -c "import module"` (fresh process, 5 runs) minus bare
    interpreter start-up."""

    def run(code: str) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - started

    bare = statistics.median(run("pass") for _ in range(5))
    return statistics.median(run(f"import {module}") for _ in range(5)) - bare


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--skip-bbc", action="store_true", help="skip the 2,095-article run")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tuireader-bench-startup-"))
    hello = work / "hello.py"
    hello.write_text(HELLO, encoding="utf-8")
    widgets = work / "widgets.py"
    widgets.write_text(WIDGETS, encoding="utf-8")
    bundled = work / "bundled"
    shutil.copytree(ROOT / "seeds", bundled / "seeds")
    config = work / "config"
    env = f"TUIREADER_CONFIG_DIR={config} TERM=xterm-256color"
    from tuireader.core.workspace import Workspace

    opened = Workspace.open(bundled)
    opened.reindex()  # start-up is measured with an index already built
    # "First titles": any article's title in the table (all rows come in one frame).
    title_marker = next(iter(opened.articles.values())).title[:20]
    # Bytecode as a user's machine has it after the first run: with PYTHONDONTWRITEBYTECODE
    # set (as in CI sandboxes) every edited module would be compiled again at each start,
    # which Textual's installed, pre-compiled modules never are.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "tuireader")], check=True)
    python = sys.executable
    baseline_cmd = f"{env} {python} {hello}"
    app_cmd = f"{env} {python} -m tuireader --workspace {bundled}"
    widgets_cmd = f"{env} {python} {widgets}"

    tmux = TmuxSession(f"tuireader-bench-{os.getpid()}", name="bench")
    # An idle session keeps the tmux server up between runs (a server whose last session
    # ends exits, and a run started during that exit would be lost).
    TmuxSession(tmux.socket, name="keeper").start("sleep 100000", 20, 5)
    baseline: list[float] = []
    app: list[float] = []
    frame: list[float] = []  # the library frame, before its rows (same as `app` when small)
    header: list[float] = []  # the header's "5 articles" (Header updates a frame later)
    same_widgets: list[float] = []
    try:
        # One unmeasured run each: fills the OS file cache and writes .pyc files.
        time_to_text(tmux, baseline_cmd, "hello-ready")
        time_to_text(tmux, app_cmd, title_marker)
        for _ in range(args.runs):
            baseline.append(time_to_text(tmux, baseline_cmd, "hello-ready"))
            app.append(time_to_text(tmux, app_cmd, title_marker))
            header.append(time_to_text(tmux, app_cmd, "5 articles"))
            frame.append(time_to_text(tmux, app_cmd, "Filter (f)"))
            same_widgets.append(time_to_text(tmux, widgets_cmd, "widgets-ready 4"))
        bbc: list[float] = []
        if not args.skip_bbc and BBC.is_dir():
            bbc_root = work / "bbc"
            bbc_root.mkdir()
            (bbc_root / "seeds").symlink_to(BBC)
            Workspace.open(bbc_root).reindex()
            bbc_cmd = f"{env} {python} -m tuireader --workspace {bbc_root}"
            time_to_text(tmux, bbc_cmd, "2,095 articles")
            bbc = [
                time_to_text(tmux, bbc_cmd, "2,095 articles") for _ in range(max(3, args.runs // 2))
            ]
    finally:
        tmux.kill_server()
        shutil.rmtree(work, ignore_errors=True)

    base_median = statistics.median(baseline)
    app_median = statistics.median(app)
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.2f}")
    print(f"runs: {args.runs} each, alternating, tmux 120x40, time to first screen text")
    print(
        f"textual hello-world   median {base_median * 1000:6.0f} ms  "
        f"(min {min(baseline) * 1000:.0f}, max {max(baseline) * 1000:.0f})"
    )
    print(
        f"tuireader first titles median {app_median * 1000:5.0f} ms  "
        f"(min {min(app) * 1000:.0f}, max {max(app) * 1000:.0f})"
    )
    ratio = app_median / base_median
    print(
        f"ratio tuireader / hello-world: {ratio:.2f}x  (target <= 1.3x: "
        f"{'met' if ratio <= 1.3 else 'NOT met'})"
    )
    print(
        f"Textual, same widgets median {statistics.median(same_widgets) * 1000:6.0f} ms "
        "(Header, Input, DataTable, Footer; no tuireader)"
    )
    print(
        f"tuireader first frame median {statistics.median(frame) * 1000:6.0f} ms "
        "(library drawn, rows or not)"
    )
    print(
        f"tuireader header count median {statistics.median(header) * 1000:4.0f} ms "
        '("5 articles" in the header, drawn a frame after the rows)'
    )
    if bbc:
        print(
            f"tuireader (BBC 2,095) median {statistics.median(bbc) * 1000:6.0f} ms "
            "to the library filled (articles load in a worker)"
        )
    print(f"import textual.app          {import_seconds('textual.app') * 1000:5.0f} ms")
    print(f"import tuireader.app.app    {import_seconds('tuireader.app.app') * 1000:5.0f} ms")


if __name__ == "__main__":
    main()
