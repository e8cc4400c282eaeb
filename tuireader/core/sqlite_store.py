"""Opening and discarding the SQLite files of the workspace's caches (entities, meaning).

The caches are derived data: a file that cannot be read is deleted and rebuilt, and the app,
which only reads them, must never create or lock one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def connect(path: Path, read_only: bool, schema: str) -> Iterator[sqlite3.Connection]:
    """A connection to `path` that commits on success, rolls back on error, and is always
    closed. Read-only opens never create the file; writable ones run `schema` (CREATE TABLE
    IF NOT EXISTS …) first."""
    if read_only:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    else:
        db = sqlite3.connect(path, timeout=30)
    try:
        with db:
            if not read_only:
                db.execute(schema)
            yield db
    finally:
        db.close()


def discard(path: Path) -> None:
    """Delete a cache file and its journal files (it will be rebuilt)."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
