"""What the reader remembers between runs, per workspace: the open article and where you were.

Stored in the settings' state.json under `workspaces[<workspace root>]`, so two workspaces
never mix their positions. Positions are paragraph numbers, not scroll lines: a paragraph
survives a different terminal width, a line offset does not.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tuireader.core.settings import load_state, save_state

# Remember positions for this many articles per workspace (the most recent ones).
MAX_POSITIONS = 500


@dataclass
class ReadingState:
    """The remembered state of one workspace."""

    root: str
    open_article: str | None = None
    """The article that was open when the app closed (reopened on start), if any."""
    last_article: str | None = None
    """The article read most recently (the library's cursor starts there)."""
    positions: dict[str, int] = field(default_factory=dict)
    """Article id → paragraph number at the top of the view."""

    @classmethod
    def load(cls, root: Path) -> ReadingState:
        """The state for the workspace at `root` ({} parts when absent or malformed)."""
        key = str(root)
        data = load_state().get("workspaces", {})
        entry = data.get(key) if isinstance(data, dict) else None
        if not isinstance(entry, dict):
            return cls(key)
        positions = entry.get("positions")
        return cls(
            key,
            open_article=_str_or_none(entry.get("open_article")),
            last_article=_str_or_none(entry.get("last_article")),
            positions={
                str(k): v
                for k, v in (positions.items() if isinstance(positions, dict) else ())
                if isinstance(v, int) and not isinstance(v, bool) and v > 0
            },
        )

    def remember(self, article_id: str, paragraph: int, is_open: bool) -> None:
        """Note the position in an article and whether it is still open."""
        self.last_article = article_id
        self.open_article = article_id if is_open else None
        self.positions.pop(article_id, None)  # re-insert: dict order is recency
        self.positions[article_id] = max(1, paragraph)
        while len(self.positions) > MAX_POSITIONS:
            self.positions.pop(next(iter(self.positions)))

    def close_article(self) -> None:
        """The reader was closed: start in the library next time."""
        self.open_article = None

    def save(self) -> None:
        """Write the state back, keeping other workspaces' entries (best effort: a read-only
        config folder must not crash the app)."""
        state = load_state()
        workspaces = state.get("workspaces")
        if not isinstance(workspaces, dict):
            workspaces = {}
        workspaces[self.root] = {
            "open_article": self.open_article,
            "last_article": self.last_article,
            "positions": self.positions,
        }
        state["workspaces"] = workspaces
        with suppress(OSError):
            save_state(state)


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
