"""Shared helpers for the benchmarks: machine facts, corpus workspaces, percentiles."""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import tempfile
from pathlib import Path

BBC = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "bbc-news"


def machine() -> str:
    """One line describing the machine, for the reports."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, "
        f"{platform.system()}; load average {load}"
    )


def bbc_workspace(copies: int = 1, folder: Path | None = None) -> Path:
    """A workspace whose seeds/ holds the BBC corpus `copies` times (copy1/, copy2/, …).

    Files are copied (not linked) so a benchmark may edit one.
    """
    if not BBC.is_dir():
        raise SystemExit(f"BBC corpus not found at {BBC}")
    root = folder or Path(tempfile.mkdtemp(prefix="tuireader-bench-"))
    seeds = root / "seeds"
    if copies == 1:
        shutil.copytree(BBC, seeds, ignore=shutil.ignore_patterns("LICENSE*", "README*"))
    else:
        for number in range(1, copies + 1):
            shutil.copytree(
                BBC, seeds / f"copy{number}", ignore=shutil.ignore_patterns("LICENSE*", "README*")
            )
    return root


def percentile(values: list[float], fraction: float) -> float:
    """The `fraction` percentile (0..1) of values, by linear interpolation."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]
