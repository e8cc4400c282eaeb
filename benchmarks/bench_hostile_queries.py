"""Hostile queries over a real index (not a timed test: run it by hand).

Runs a fixed list of malformed and pathological queries (wildcards alone, deep nesting,
long phrases, ranges over every word, thousands of characters, pure negations), then
`--random N` queries drawn from the query syntax's pieces (seeded), against both search
modes and highlighting. Reports each query slower than `--slow` seconds, every exception
other than QueryError, and the slowest query. The target: no exception other than
QueryError, no query over 1 s on the BBC corpus.

    .venv/bin/python benchmarks/bench_hostile_queries.py --workspace /tmp/bbc_spell [--random 500]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from tuireader.core.search.index import QueryError
from tuireader.core.workspace import Workspace

FIXED = [
    "*",
    "**",
    "a*",
    "*a",
    "?",
    "s*",
    "ka*",
    "kaz*",
    "the",
    '"the"',
    "(" * 40 + "blair" + ")" * 40,
    "(" * 400 + "x" + ")" * 400,
    " OR ".join(["blair"] * 50),
    " AND ".join(["blair"] * 50),
    "title:*",
    "author:*",
    "date:*",
    '"' + "blair " * 20 + '"',
    '"' + "blair " * 90 + '"',
    " ".join(f'"blair brown {n}"' for n in range(13)),
    "b* c* d* e* f* g* h*",
    "*a* *e* *i*",
    "blair~",
    "blair^100",
    "x" * 999,
    "x" * 5000,
    "x " * 3000,
    'entity:"*"',
    "NOT blair",
    "NOT *",
    '"*"',
    "body:*",
    "[a TO z]",
    "title:[a TO z]",
    "{a TO z}",
    "#",
    ":",
    "a:b",
    '"a" "b" "c"',
    "~",
    "^",
    "ü*",
    "café*",
    "'",
    "-",
    "--blair",
    "e-*",
    "blair -brown",
    "\\",
    "gov* OR ele* OR pri* OR min* OR eco*",
    "kazahkstan",
    "date:[1900 to 2100]",
]
PIECES = [
    *"abcé ",
    '"',
    "(",
    ")",
    "*",
    "?",
    ":",
    "[",
    "]",
    "{",
    "}",
    "^",
    "~",
    "-",
    "'",
    "’",
    "\\",
    " AND ",
    " OR ",
    " NOT ",
    "title:",
    "author:",
    "date:",
    "entity:",
    " TO ",
    "blair",
    "gov",
    "2005",
    "Uighur",
]


def run(workspace: Workspace, query: str) -> tuple[float, str]:
    """Seconds for both search modes and highlighting; what happened."""
    started = time.perf_counter()
    try:
        workspace.index.search_articles(query)
        workspace.index.search(query)
        workspace.index.match_spans(query, "Blair said the government would act.")
        outcome = "ok"
    except QueryError as error:
        outcome = f"QueryError: {error}"
    except Exception as error:  # reporting it is the point
        outcome = f"!!! {type(error).__name__}: {error}"
    return time.perf_counter() - started, outcome


def main() -> int:
    """Run the queries and report; exit status 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, default=Path("/tmp/bbc_spell"))
    parser.add_argument("--random", type=int, default=300)
    parser.add_argument("--slow", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    workspace = Workspace.open(args.workspace)
    workspace.search("warm up")
    rng = random.Random(args.seed)
    queries = FIXED + [
        "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30))) for _ in range(args.random)
    ]
    worst = (0.0, "")
    failures = 0
    for query in queries:
        seconds, outcome = run(workspace, query)
        worst = max(worst, (seconds, query))
        if outcome.startswith("!!!") or seconds > args.slow:
            failures += outcome.startswith("!!!") or seconds > 1.0
            print(f"{seconds:7.3f} s  {query[:60]!r}  {outcome[:100]}")
    print(
        f"{len(queries)} queries; slowest {worst[0]:.3f} s ({worst[1][:60]!r}); "
        f"{failures} over 1 s or failing"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
