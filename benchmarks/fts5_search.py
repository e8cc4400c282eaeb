"""The yardstick for `tuireader search` as a process: a minimal SQLite FTS5 search script.

Build its database once, then answer one query per process, as `tuireader search Q --json`
is run:

    .venv/bin/python benchmarks/fts5_search.py build DB SEEDS_DIR
    .venv/bin/python benchmarks/fts5_search.py search DB "prime minister"

One row per paragraph (blank-line separated, as most corpora are written), porter stemming,
BM25 ranking. `search` answers what tuireader's article mode answers: the best 10 articles
by their best paragraph, each with its number of matching paragraphs and the best
paragraph's snippet, and the totals (articles, paragraphs), as JSON on stdout. Only the
standard library: the point is what a bare script costs, start-up included.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

# The best paragraph of each article (SQLite gives the bare rowid of the MIN row).
QUERY = """
SELECT doc_id, MIN(rank) AS best, COUNT(*), rowid
FROM paragraphs WHERE paragraphs MATCH ? GROUP BY doc_id ORDER BY best LIMIT ?
"""
SNIPPET = (
    "SELECT para, snippet(paragraphs, 2, '**', '**', '…', 24) FROM paragraphs "
    "WHERE paragraphs MATCH ? AND rowid = ?"
)
TOTALS = "SELECT COUNT(DISTINCT doc_id), COUNT(*) FROM paragraphs WHERE paragraphs MATCH ?"


def build(db: Path, seeds: Path) -> int:
    """Index every .txt/.md file under `seeds` into a fresh database; the paragraphs."""
    db.unlink(missing_ok=True)
    connection = sqlite3.connect(db)
    connection.execute(
        "CREATE VIRTUAL TABLE paragraphs USING fts5(doc_id UNINDEXED, para UNINDEXED, body, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    rows = 0
    for path in sorted(p for p in seeds.rglob("*") if p.suffix in (".txt", ".md")):
        doc_id = path.relative_to(seeds).with_suffix("").as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        blocks = [block.strip() for block in text.split("\n\n") if block.strip()]
        connection.executemany(
            "INSERT INTO paragraphs VALUES (?, ?, ?)",
            [(doc_id, number, block) for number, block in enumerate(blocks, start=1)],
        )
        rows += len(blocks)
    connection.commit()
    connection.execute("INSERT INTO paragraphs(paragraphs) VALUES ('optimize')")
    connection.commit()
    connection.close()
    return rows


def search(db: Path, query: str, limit: int = 10) -> dict[str, object]:
    """The best `limit` articles for `query`, with the totals."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    articles, passages = connection.execute(TOTALS, (query,)).fetchone()
    found = []
    for doc_id, best, count, rowid in connection.execute(QUERY, (query, limit)).fetchall():
        para, snippet = connection.execute(SNIPPET, (query, rowid)).fetchone()
        found.append(
            {
                "doc_id": doc_id,
                "score": -best,
                "matching_paragraphs": count,
                "paragraph": para,
                "snippet": snippet,
            }
        )
    return {
        "query": query,
        "total_articles": articles,
        "total_passages": passages,
        "articles": found,
    }


def main(argv: list[str]) -> int:
    """`build DB SEEDS` or `search DB QUERY`."""
    if len(argv) == 3 and argv[0] == "build":
        print(f"{build(Path(argv[1]), Path(argv[2]))} paragraphs indexed", file=sys.stderr)
        return 0
    if len(argv) == 3 and argv[0] == "search":
        print(json.dumps(search(Path(argv[1]), argv[2]), ensure_ascii=False, indent=2))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
