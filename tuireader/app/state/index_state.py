"""The search index's state as the UI shows it (published by the app, read by status bars)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Phase = Literal["waiting", "checking", "building", "ready", "failed", "off"]


@dataclass(frozen=True)
class IndexState:
    """Where the index check/build stands."""

    phase: Phase = "waiting"
    done: int = 0
    total: int = 0
    message: str = ""

    @property
    def ready(self) -> bool:
        """Whether searches can run now."""
        return self.phase == "ready"

    def describe(self) -> str:
        """One line for a status bar."""
        if self.phase == "waiting":
            return "Search index: waiting for the articles to load…"
        if self.phase == "checking":
            return "Search index: checking…"
        if self.phase == "building":
            if self.message.startswith("indexing"):  # "indexing <id>": the count says enough
                return f"Indexing for search: {self.done:,}/{self.total:,}"
            return f"Search index: {self.message}"
        if self.phase == "failed":
            return f"Search unavailable: {self.message}"
        if self.phase == "off":
            return "Search index: not checked yet"
        return f"Search index ready. {self.message}".strip()
