"""A one-line status of the search index with a progress bar while it is being built."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import ProgressBar, Static

from tuireader.app.context import reader_context
from tuireader.app.state.entities import entity_progress
from tuireader.app.state.index_state import IndexState


class IndexStatus(Horizontal):
    """Mirrors the app's IndexState (subscribed to its signal); hidden once the index is
    ready so it takes no room on a small terminal."""

    def compose(self) -> ComposeResult:
        """A label; the progress bar is mounted when a build starts (most starts have no
        build, and every widget costs start-up time)."""
        yield Static(id="index-label")

    def on_mount(self) -> None:
        """Follow the app's index state."""
        context = reader_context(self)
        context.index_changed.subscribe(self, self.show_state)
        context.entities.changed.subscribe(self, lambda _: self.show_state(context.index_state))
        self.show_state(context.index_state)

    def show_state(self, state: IndexState) -> None:
        """Show `state`: label, bar (only while building), hidden when ready (unless
        entities are being extracted: their progress shows here then)."""
        label = state.describe()
        entities = entity_progress(reader_context(self).entities, state)
        if entities is not None:
            state, label = entities
        self.display = not state.ready and state.phase != "off"
        self.set_class(state.phase == "failed", "-failed")
        self.query_one("#index-label", Static).update(Content(label))
        wanted = state.phase in ("building", "checking")
        bars = self.query(ProgressBar)
        if not bars:
            if not wanted:
                return
            bar = ProgressBar(show_eta=False, show_percentage=True, id="index-progress")
            self.mount(bar)
        else:
            bar = bars.first()
        bar.display = wanted
        if state.phase == "building" and state.total:
            bar.update(total=state.total, progress=state.done)
        else:
            bar.update(total=None)
