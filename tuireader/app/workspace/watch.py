"""Noticing changes in seeds/ while the app runs: file-system events through `watchfiles`,
with polling as the fallback.

`watch_seeds` blocks, so the app runs it in a thread of its own (see live.py: a Textual
worker would never finish, and tests and quitting wait for workers). `watchfiles` is
imported inside it, so start-up never pays for the import. A burst of changes (an editor's
save, a folder copied in) is gathered into one call: `watchfiles` waits for `step_ms` of
quiet, at most DEBOUNCE_MS.

The mode comes from $TUIREADER_WATCH: `auto` (the default: events, and polling when the
system cannot give events), `poll` (always poll: network file systems, containers whose
mounts send no events), `off`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Literal, Protocol

from tuireader.core.corpus import ARTICLE_SUFFIXES

WATCH_ENV = "TUIREADER_WATCH"
WatchMode = Literal["auto", "poll", "off"]
WATCH_MODES: tuple[WatchMode, ...] = ("auto", "poll", "off")

CATALOG_NAME = "catalog.yaml"
DEBOUNCE_MS = 1600
"""The longest a burst of changes is gathered before the app hears of it."""
STEP_MS = 200
"""Quiet time that ends a burst (an editor writes a temp file, then renames it)."""
POLL_DELAY_MS = 500
"""Time between two looks at seeds/ when polling (a stat of every file: milliseconds for
2,000 articles)."""


class StopFlag(Protocol):
    """Anything with `is_set()`, e.g. a `threading.Event`: set, the watch ends."""

    def is_set(self) -> bool:
        """Whether to stop."""
        ...


def watch_mode(value: str | None) -> tuple[WatchMode, str | None]:
    """The mode $TUIREADER_WATCH asks for, and a warning when the value is not one of
    WATCH_MODES (then `auto` applies)."""
    text = (value or "").strip().lower()
    if not text:
        return "auto", None
    for mode in WATCH_MODES:
        if text == mode:
            return mode, None
    known = ", ".join(WATCH_MODES)
    return "auto", f"{WATCH_ENV}={value!r} is not one of {known}; using auto."


def env_watch_mode() -> tuple[WatchMode, str | None]:
    """`watch_mode` of the environment's $TUIREADER_WATCH."""
    return watch_mode(os.environ.get(WATCH_ENV))


def is_relevant(path: str, seeds_dir: str) -> bool:
    """Whether a change at `path` (under `seeds_dir`) can change the articles: an article
    file, the catalog, or a name without a suffix (a folder moved or removed). Hidden
    entries are skipped, as the corpus walk skips them (an editor's swap files)."""
    try:
        relative = PurePath(path).relative_to(seeds_dir)
    except ValueError:
        return False
    parts = relative.parts
    if not parts or any(part.startswith(".") for part in parts):
        return False
    name = parts[-1]
    if parts == (CATALOG_NAME,):
        return True
    suffix = PurePath(name).suffix.lower()
    return suffix in ARTICLE_SUFFIXES or not suffix


def watch_seeds(
    seeds_dir: Path,
    mode: WatchMode,
    stop: StopFlag,
    changed: Callable[[set[str]], None],
    say: Callable[[str], None],
    *,
    poll_delay_ms: int = POLL_DELAY_MS,
    step_ms: int = STEP_MS,
    established: Callable[[], None] = lambda: None,
) -> None:
    """Call `changed(paths)` after each burst of relevant changes in `seeds_dir` until `stop`
    is set (blocks: run it in a thread). `established()` is called once the watch is surely in
    place (its first quiet interval has passed): a change made before then may have been
    missed, so the caller checks once more. When events cannot be had, `say` tells why and the
    watch goes on by polling; when even polling fails, `say` tells why and it returns."""
    # Imported here: only the watcher's thread pays for it, after the first screen.
    from watchfiles import watch

    # The real folder: seeds/ may be a link to the user's corpus, and the events name
    # paths under what is watched.
    real = os.path.realpath(seeds_dir)
    polling = mode == "poll"
    while not stop.is_set():
        try:
            for batch in watch(
                real,
                watch_filter=lambda _change, path: is_relevant(path, real),
                debounce=DEBOUNCE_MS,
                step=step_ms,
                stop_event=stop,
                rust_timeout=1000,
                force_polling=polling,
                poll_delay_ms=poll_delay_ms,
                raise_interrupt=False,
                ignore_permission_denied=True,
                yield_on_timeout=True,  # an empty batch: a quiet interval has passed
            ):
                if not batch:
                    established()
                    continue
                changed({path for _change, path in batch})
            return  # stopped
        except Exception as error:  # inotify limits, a vanished folder, ...: say, go on
            if polling:
                say(
                    f'Stopped watching seeds/ for changes ({error}); "Reload the articles" '
                    "in the palette (ctrl+p) re-reads it."
                )
                return
            polling = True
            say(f"File-system events are not available ({error}); polling seeds/ instead.")
