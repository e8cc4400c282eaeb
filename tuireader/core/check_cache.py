"""Remembering what checking a hand-edited file found, so its schema runs only after an edit.

The schemas are pydantic models (`tuireader.core.schemas`), and importing pydantic takes
about a tenth of a second, which a small workspace would otherwise pay on every start-up
(the catalog and settings.yaml are read before the first frame). The result of a check
depends only on the file's bytes and on the checking code, so it is stored as JSON under a
digest of both; the next read of the same bytes by the same code reuses it, warnings
included. The stored file is disposable: when it is missing, unreadable or stale the check
simply runs again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from tuireader.core.fileio import atomic_write_text

# The modules whose code decides what a check finds: an edit to any of them is a new key.
_CHECKING_CODE = (
    "yamlfile.py",
    "schemas.py",
    "catalog.py",
    "settings_schema.py",
    "settings.py",
    "corpus.py",
    "export/citations.py",  # the catalog's author names are checked by its rules
)


@lru_cache(maxsize=1)
def _code_digest() -> bytes:
    """A digest of the checking code (read once per process)."""
    digest = hashlib.blake2b(digest_size=16)
    for name in _CHECKING_CODE:
        try:
            digest.update((Path(__file__).parent / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    return digest.digest()


def remembered_check(content: bytes, store: Path, check: Callable[[], Any]) -> Any:
    """What `check()` returns for a file whose bytes are `content`, reusing the result kept
    in `store` when the bytes and the checking code are the same as when it was kept.

    `check` must return plain JSON data (dicts, lists, text, numbers, booleans). Failing to
    keep the result (read-only folder, full disk) only means checking again next time.
    """
    key = hashlib.blake2b(content + _code_digest(), digest_size=20).hexdigest()
    try:
        saved = json.loads(store.read_text(encoding="utf-8"))
        if isinstance(saved, dict) and saved.get("key") == key and "result" in saved:
            return saved["result"]
    except (OSError, ValueError):
        pass
    result = check()
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(store, json.dumps({"key": key, "result": result}, sort_keys=True))
    except (OSError, TypeError, ValueError):
        pass
    return result
