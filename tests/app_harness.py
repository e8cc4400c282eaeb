"""Helpers for driving the app in tests and benchmarks: a small sample workspace, waiting
on conditions (the app ready, a palette or a search caught up with the typing, an export
preview current) and reading the screen and the notifications.

One module, so the test modules, the snapshot tests and the benchmarks share one definition
of "the app is ready", and the few Textual privates tests need are read in one place.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tuireader.core.workspace import Workspace

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.app import App
    from textual.dom import DOMNode
    from textual.notifications import Notification
    from textual.pilot import Pilot
    from textual.strip import Strip

    from tuireader.app.app import TuiReaderApp
    from tuireader.app.citing.export_dialog import ExportDialog
    from tuireader.app.search.screen import SearchScreen

# A hostile article: markup, action links and terminal escapes must all show as text.
HOSTILE_TEXT = (
    "Markup test [bold]x[/bold] and [@click=app.quit]q[/] here, in a sentence.\n\n"
    "Escapes: \x1b[31mred\x1b[0m and \x1b]52;c;aGVsbG8=\x07 clipboard and a bell \x07.\n\n"
    "The Uyghur camps paragraph keeps search working on this file too."
)

NOTES_ARTICLE = (
    "Notes Article\n\n"
    "First sentence of the opening paragraph. Second sentence, with a comma, follows here. "
    "Third one ends it!\n\n"
    "Another paragraph begins here. It has two sentences.\n\n"
    "A third paragraph with one sentence only."
)
"""A short article of sentences, for the highlight and note tests."""

SAMPLE_ARTICLES: dict[str, str] = {
    "alpha": (
        "Alpha Report on Xinjiang\n\n"
        "Recent Features\n\n"
        "The first paragraph talks about Uyghur detention camps in Xinjiang and the "
        "families of ethnic Kazakhs who crossed into Kazakhstan to testify about them.\n\n"
        "A second paragraph, about trade between Kazakhstan and China, mentions no camps "
        "at all but does discuss the border and the long road to Almaty.\n\n"
        "The third paragraph returns to the camps: former detainees described the camps "
        "to journalists, and officials in Astana said little in public.\n\n"
        "Subscribe today"
    ),
    "beta": (
        "Beta Story About Uighur Families\n\n"
        "Writers who spell the name Uighur describe the same camps, and Uighur families "
        "abroad keep lists of missing relatives to share with reporters.\n\n"
        "Nothing else of note happens in this short second paragraph of the story."
    ),
    "gamma": (
        "Gamma Notes\n\n"
        "A quiet article about the weather in Almaty, with rain in the morning and sun in "
        "the afternoon, and nothing about politics whatsoever in its text."
    ),
    "hostile": HOSTILE_TEXT,
}

SAMPLE_CATALOG = """\
articles:
  alpha:
    title: Alpha Report on Xinjiang
    authors: [Ann Author]
    container: The Example Times
    issued: 2019-05-01
  beta:
    authors: [Bob Writer, Cy Second]
    container: Daily Sample
    issued: "2020"
  gamma:
    container: Weather Weekly
    issued: 2018-01-02
"""


def make_workspace(
    root: Path,
    articles: dict[str, str] | None = None,
    catalog: str | None = SAMPLE_CATALOG,
) -> Workspace:
    """Create a workspace at `root` with `articles` (id → text) and a catalog; open it."""
    seeds = root / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    for article_id, text in (SAMPLE_ARTICLES if articles is None else articles).items():
        (seeds / f"{article_id}.txt").write_text(text, encoding="utf-8")
    if catalog is not None:
        (seeds / "catalog.yaml").write_text(catalog, encoding="utf-8")
    return Workspace.open(root)


async def wait_for(
    pilot: Pilot[None],
    condition: Callable[[], bool],
    timeout: float = 20.0,
    what: str = "the condition",
) -> None:
    """Let the app run (its timers, workers and messages) until `condition()` holds, then
    let it handle what that brought; AssertionError naming `what` after `timeout` seconds.

    Tests wait on a condition, never for a fixed time: a busy machine only makes them slower.
    """
    deadline = time.monotonic() + timeout
    await pilot.pause()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} never happened (waited {timeout:g} s)")
        await pilot.pause()
    await pilot.pause()


async def settle_workers(pilot: Pilot[None]) -> None:
    """Let workers (loads, saves, copies) finish and the messages they post be handled:
    a worker's message may start another worker, hence the rounds."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def workers_running(app: App[object], node: DOMNode | None = None) -> bool:
    """Whether any worker (of `node`, when given) has not finished yet."""
    return any(
        not worker.is_finished and (node is None or worker.node is node) for worker in app.workers
    )


def palette_ready(app: App[object]) -> bool:
    """Whether a command palette is on top, done searching for what was typed, with a match
    highlighted (so enter runs the best match)."""
    from textual.command import CommandList, CommandPalette

    palette = app.screen
    if not isinstance(palette, CommandPalette) or workers_running(app, palette):
        return False
    return palette.query_one(CommandList).highlighted is not None


def search_current(app: App[object]) -> bool:
    """Whether the search screen on top shows the results of what its query box holds now
    (the debounce timer has fired and the search worker has answered); an empty box: no
    results."""
    from tuireader.app.search.screen import SearchScreen

    screen = app.screen
    if not isinstance(screen, SearchScreen) or workers_running(app, screen):
        return False
    query = screen.query_input.value
    if not query.strip():
        return screen.results is None and screen.result_list.option_count == 0
    results = screen.results
    return results is not None and results.query == query and results.exact == screen.exact


async def open_search(pilot: Pilot[None], query: str) -> SearchScreen:
    """Open search, type `query` and wait until its results are on screen."""
    from tuireader.app.search.screen import SearchScreen

    await wait_until_ready(pilot)
    await pilot.press("slash", *query)
    await wait_for(pilot, lambda: search_current(pilot.app), what="the search")
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    return screen


def search_status(screen: SearchScreen) -> str:
    """The search screen's status line."""
    return str(screen.query_one("#search-status").render())


def result_text(screen: SearchScreen, number: int) -> str:
    """The plain text of option `number` of the search results list."""
    prompt = screen.result_list.get_option_at_index(number).prompt
    return str(getattr(prompt, "plain", prompt))


def notifications(app: App[object]) -> list[Notification]:
    """The notifications the app shows now (not yet expired), oldest first."""
    # Private API, used only by tests: Textual keeps no public list of notifications.
    return list(app._notifications)


async def open_reader_on(pilot: Pilot[None], article_id: str, **where: int) -> None:
    """Open an article (`paragraph=` etc. as `open_article` takes them) and wait until its
    reader is on top and painted (the footer drawn)."""
    from tuireader.app.reader.screen import ReaderScreen

    app = pilot.app
    app.open_article(article_id, **where)  # type: ignore[attr-defined]

    def shown() -> bool:
        screen = app.screen
        return (
            isinstance(screen, ReaderScreen)
            and screen.article.id == article_id
            and bool(screen_lines(app)[-1].strip())
        )

    await wait_for(pilot, shown, what=f"the reader on {article_id!r}")


async def wait_until_ready(
    pilot: Pilot[None], index: bool = True, timeout: float = 20.0
) -> TuiReaderApp:
    """Wait until the articles are loaded (and the index is ready, if `index`)."""
    app: TuiReaderApp = pilot.app  # type: ignore[assignment]
    deadline = time.monotonic() + timeout
    while True:
        done = app.articles_loaded and (not index or app.index_state.phase in ("ready", "failed"))
        if done:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"app not ready: index {app.index_state}")
        await asyncio.sleep(0.02)
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app


async def wait_for_preview(
    pilot: Pilot[None],
    until: Callable[[ExportDialog], bool] | None = None,
    timeout: float = 20.0,
) -> None:
    """Wait until an open export dialog's preview matches its fields (and `until` holds
    for the dialog, when given); returns at once when no export dialog is on top."""
    from tuireader.app.citing.export_dialog import ExportDialog

    deadline = time.monotonic() + timeout
    while True:
        screen = pilot.app.screen
        if not isinstance(screen, ExportDialog):
            return
        if screen.preview_current and (until is None or until(screen)):
            return
        if time.monotonic() > deadline:
            raise TimeoutError("the export preview never caught up")
        await pilot.pause()


def screen_strips(app: App[object]) -> list[Strip]:
    """Every line on screen as drawn: text and styles (a terminal's view of the screen)."""
    # Private API, used only by tests: Textual renders the screen's text only into an SVG
    # (`export_screenshot`); the compositor's strips are exactly what is drawn.
    return list(app.screen._compositor.render_strips())


def screen_lines(app: App[object]) -> list[str]:
    """The text of every line on screen, as the terminal would show it."""
    return [strip.text for strip in screen_strips(app)]


def screen_text(app: App[object]) -> str:
    """The whole screen as one string (lines joined by newlines)."""
    return "\n".join(screen_lines(app))


def screen_click_actions(app: App[object]) -> set[str]:
    """Every `@click` action attached to any character on screen (links and buttons)."""
    actions: set[str] = set()
    for strip in screen_strips(app):
        for segment in strip:
            style = segment.style
            meta = style.meta if style is not None else {}
            if "@click" in meta:
                actions.add(str(meta["@click"]))
    return actions


class TmuxSession:
    """A real terminal for end-to-end tests and benchmarks: one tmux server on its own
    socket (a user's tmux is never touched) running one session."""

    def __init__(self, socket: str, name: str = "main") -> None:
        self.socket = socket
        """The tmux socket name (`tmux -L`)."""
        self.name = name
        """The session name."""

    def tmux(self, *args: str) -> str:
        """Run a tmux command on this server; its stdout."""
        import subprocess

        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=10
        )
        return result.stdout

    def start(self, command: str, width: int, height: int) -> None:
        """Start the session running `command` (a shell command line)."""
        self.tmux(
            "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), command
        )

    def alive(self) -> bool:
        """Whether the session (and so the command) is still running."""
        return self.name in self.tmux("list-sessions", "-F", "#{session_name}").split()

    def capture(self) -> str:
        """The text on screen."""
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def send(self, *keys: str, literal: bool = False) -> None:
        """Type keys (tmux key names, or text with `literal`)."""
        self.tmux("send-keys", "-t", self.name, *(["-l"] if literal else []), *keys)

    def wait_for(self, text: str, timeout: float = 15.0, poll: float = 0.005) -> str:
        """Poll the screen until `text` appears; the screen. AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.capture()
            if text in screen:
                return screen
            time.sleep(poll)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")

    def kill(self) -> None:
        """Stop the session."""
        self.tmux("kill-session", "-t", self.name)

    def kill_server(self) -> None:
        """Stop the whole tmux server of this socket."""
        self.tmux("kill-server")
