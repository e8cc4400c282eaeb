"""Index and search benchmark on the BBC corpus (2,095 articles) and on it ×10.

Run: .venv/bin/python benchmarks/bench_index.py [--copies 1 10] [--json FILE]
Each corpus size runs in its own process so that peak memory is that size's own.
Reported, not asserted: the figures go into docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import bbc_workspace, machine, percentile

# 60 varied queries: common and rare words, phrases, booleans, wildcards, fields, variants.
QUERIES = [
    "economy",
    "football",
    "election",
    "film",
    "music",
    "mobile phone",
    "broadband",
    "interest rates",
    "chancellor",
    "oil prices",
    "Chelsea",
    "Arsenal",
    "Wimbledon",
    "Oscar nominations",
    "box office",
    "Blair",
    "Howard",
    "Kennedy",
    "immigration",
    "tax cuts",
    "software",
    "virus",
    "Microsoft",
    "Google",
    "Apple",
    "games console",
    '"interest rates"',
    '"prime minister"',
    '"world cup"',
    '"mobile phones"',
    "economy AND growth",
    "film OR movie",
    "music NOT awards",
    "rugby AND (Wales OR England)",
    "profit*",
    "comput*",
    "elect*",
    "champ*",
    "title:election",
    "title:film",
    "title:(oil AND price)",
    "Gordn Brown",
    "Shakespear",
    "Mourinho",
    "Abramovich",
    "Tottenham",
    "deficit",
    "pension",
    "euro",
    "dollar",
    "yukos",
    "Gazprom",
    "terror laws",
    "identity cards",
    "blog",
    "podcast",
    "spam",
    "hackers",
    "Eminem",
    "Beyonce",
]


def measure(copies: int) -> dict[str, object]:
    """Build, update and search one corpus size; return the figures."""
    from tuireader.core.workspace import Workspace

    root = bbc_workspace(copies)
    try:
        started = time.perf_counter()
        workspace = Workspace.open(root)
        articles = workspace.articles
        load_s = time.perf_counter() - started
        words = sum(a.word_count for a in articles.values())

        started = time.perf_counter()
        report = workspace.index.update(articles, rebuild=True)
        full_s = time.perf_counter() - started

        # One article edited: only its documents are rewritten.
        article = next(iter(articles.values()))
        article.path.write_text(article.text + "\n\nA new closing paragraph.\n", "utf-8")
        started = time.perf_counter()
        workspace.refresh()
        changed = {article.id: workspace.article(article.id)}
        load_one_s = time.perf_counter() - started
        started = time.perf_counter()
        update = workspace.index.update({**workspace.articles, **changed})
        update_s = time.perf_counter() - started
        assert update.changed == [article.id] and update.touched == 1, update.to_dict()

        index = workspace.index
        index.close()
        started = time.perf_counter()
        index.search("economy")
        first_query_s = time.perf_counter() - started
        latencies = []
        totals = []
        for _ in range(3):
            for query in QUERIES:
                started = time.perf_counter()
                results = index.search(query, limit=20)
                latencies.append((time.perf_counter() - started) * 1000)
                totals.append(results.total)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        index_mb = (
            sum(p.stat().st_size for p in (root / "indexes").rglob("*") if p.is_file()) / 2**20
        )
        return {
            "copies": copies,
            "articles": len(articles),
            "words": words,
            "load_articles_s": round(load_s, 2),
            "full_index_s": round(full_s, 2),
            "paragraph_docs": sum(len(a.body_paragraphs) for a in articles.values()),
            "index_size_mb": round(index_mb, 1),
            "update_one_article_s": round(update_s, 3),
            "reload_changed_corpus_s": round(load_one_s, 3),
            "first_query_ms_incl_open": round(first_query_s * 1000, 1),
            "queries": len(latencies),
            "distinct_queries": len(QUERIES),
            "search_p50_ms": round(percentile(latencies, 0.50), 1),
            "search_p95_ms": round(percentile(latencies, 0.95), 1),
            "search_max_ms": round(max(latencies), 1),
            "queries_with_hits": sum(1 for t in totals if t) // 3,
            "peak_rss_mb": round(peak_mb),
            "full_index_report": {k: v for k, v in report.to_dict().items() if k == "seconds"},
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    """Run each size in a child process and print a table (and JSON if asked)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, nargs="*", default=[1, 10])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    print(f"machine: {machine()}")
    rows = []
    for copies in args.copies:
        output = subprocess.run(
            [sys.executable, __file__, "--child", str(copies)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        row = json.loads(output.strip().splitlines()[-1])
        rows.append(row)
        for key, value in row.items():
            print(f"  {key:<28} {value}")
        print()
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
