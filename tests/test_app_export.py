"""Pilot tests of citing and exporting in the app: the export dialog (x), the copy keys
(y / Y) with OSC 52 and the fallback file, and the citation-style picker."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from app_harness import (
    make_workspace,
    notifications,
    open_reader_on,
    palette_ready,
    wait_for,
    wait_for_preview,
    wait_until_ready,
)
from textual.command import CommandPalette

from tuireader.app.app import TuiReaderApp
from tuireader.app.citing import clipboard as app_clipboard
from tuireader.app.citing import commands as citing
from tuireader.app.citing import styles as citing_styles
from tuireader.app.citing.export_dialog import ExportDialog
from tuireader.app.citing.styles import rank_styles
from tuireader.app.citing.widgets import Choice
from tuireader.app.reader.screen import ReaderScreen
from tuireader.app.shell.confirm import ChoiceDialog
from tuireader.core.annotations.model import new_annotation
from tuireader.core.annotations.store import AnnotationStore
from tuireader.core.export import clipboard as core_clipboard
from tuireader.core.export.plan import resolve_destination, swap_suffix
from tuireader.core.settings import Settings, config_dir
from tuireader.core.text import parse_tags
from tuireader.core.workspace import Workspace

SIZE = (100, 32)

ARTICLES = {
    "alpha": (
        "Alpha Report on Xinjiang\n\n"
        "The first paragraph talks about Uyghur detention camps in Xinjiang and the "
        "families of ethnic Kazakhs who crossed into Kazakhstan to testify about them.\n\n"
        "A second paragraph, about trade between Kazakhstan and China, mentions no camps."
    ),
    "beta": (
        "Beta Story About Uighur Families\n\n"
        "Writers who spell the name Uighur describe the same camps, and Uighur families "
        "abroad keep lists of missing relatives to share with reporters."
    ),
    "gamma": (
        "Gamma Notes\n\nA quiet article about the weather in Almaty, with rain in the morning "
        "and sun in the afternoon today.\n\nA last paragraph about snow."
    ),
    "delta": "Delta Notes\n\nA short piece whose quoted sentence was later removed.",
}
CATALOG = """\
articles:
  alpha:
    title: Alpha Report on Xinjiang
    authors: [Ann Author]
    container: The Example Times
    issued: 2019-05-01
  beta:
    authors: [Bob Writer]
    container: Daily Sample
    issued: "2020"
  gamma:
    authors: [Gail Weather]
    container: Weather Weekly
    issued: 2018-01-02
  delta:
    authors: [Dan Delta]
    container: Weekly Delta
    issued: "2017"
"""


def annotate(root: Path, article_id: str, quote: str, tags: tuple[str, ...] = ()) -> str:
    """Store an annotation on the first occurrence of `quote`; its id."""
    workspace = Workspace.open(root)
    article = workspace.article(article_id)
    start = article.text.index(quote)
    annotation = new_annotation(article, start, start + len(quote), note="a note", tags=tags)
    AnnotationStore(workspace.annotations_dir).add(annotation)
    return annotation.id


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A workspace with two verified annotations, a fuzzy one and an orphaned one (their
    articles were edited after they were made)."""
    path = tmp_path / "ws"
    make_workspace(path, ARTICLES, CATALOG)
    annotate(path, "alpha", "Uyghur detention camps", ("camps",))
    annotate(path, "beta", "Uighur families", ("families",))
    annotate(path, "gamma", "with rain in the morning and sun in the afternoon", ("weather",))
    annotate(path, "delta", "quoted sentence was later removed", ("weather",))
    gamma = path / "seeds" / "gamma.txt"
    gamma.write_text(gamma.read_text().replace("morning", "mornin"), encoding="utf-8")
    (path / "seeds" / "delta.txt").write_text(
        "Delta Notes\n\nAn entirely rewritten piece on something else.", encoding="utf-8"
    )
    return path


def make_app(root: Path) -> TuiReaderApp:
    return TuiReaderApp(Workspace.open(root), check_index=False, restore=False)


async def settle(pilot) -> None:
    """Let a command palette on top find what was typed, workers (and their threads)
    finish, and an export dialog's preview catch up with its fields (the machine may be
    busy)."""
    app = pilot.app
    await wait_for(
        pilot,
        lambda: not isinstance(app.screen, CommandPalette) or palette_ready(app),
        what="the palette's matches",
    )
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await wait_for_preview(pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def messages(app: TuiReaderApp) -> str:
    return "\n".join(str(n.message) for n in notifications(app))


async def open_dialog(pilot, article_id: str | None = "alpha") -> ExportDialog:
    app = await wait_until_ready(pilot, index=False)
    if article_id:
        await open_reader_on(pilot, article_id)
    await pilot.press("x")
    await settle(pilot)
    assert isinstance(app.screen, ExportDialog)
    return app.screen


async def set_destination(pilot, dialog: ExportDialog, path: Path | str) -> None:
    dialog.query_one("#destination").value = str(path)
    await settle(pilot)


# --- helpers -----------------------------------------------------------------------------


def test_small_helpers(tmp_path):
    assert swap_suffix("exports/annotations.md", "md", "bibtex") == "exports/annotations.bib"
    assert swap_suffix("mine.txt", "md", "ris") == "mine.txt"  # the user's own name stays
    assert parse_tags("camps, #figures  camps") == ["camps", "figures"]
    assert resolve_destination("out/x.md", tmp_path) == tmp_path / "out" / "x.md"
    assert resolve_destination("~/x.md", tmp_path) == Path.home() / "x.md"


def test_rank_styles_puts_the_main_styles_first():
    assert rank_styles("") == list(citing_styles.FEATURED_STYLES)
    assert rank_styles("", current="ieee")[-1] == "ieee"
    assert rank_styles("mla")[0] == "modern-language-association"
    assert rank_styles("chicago")[:2] == ["chicago-author-date", "chicago-notes-bibliography"]
    assert rank_styles("apa")[0] == "apa"
    assert rank_styles("zzzz-no-such-style") == []


def test_osc52_sequences_plain_and_wrapped_for_tmux():
    plain = app_clipboard.osc52_sequences("hi", {})
    assert plain == ["\x1b]52;c;aGk=\x07"]
    both = app_clipboard.osc52_sequences("hi", {"TMUX": "/tmp/tmux-1/default,1,0"})
    assert both[0] == plain[0]  # taken by tmux itself with set-clipboard on
    assert both[1].startswith("\x1bPtmux;\x1b\x1b]52;c;aGk=")  # passed through to the terminal


def test_citation_lookup_without_the_readers_hook(root):
    """Without `annotation_at_cursor`, the annotation is found from the store: one whose
    quote overlaps the cursor paragraph, or an orphan recorded at that paragraph."""
    workspace = Workspace.open(root)
    alpha = workspace.article("alpha")
    built = citing.build_citation(workspace, alpha, alpha.paragraphs[1], "apa")
    # para. 1: the headline (paragraphs[0]) is not counted, as a reader of the page counts
    assert built.text.startswith("“Uyghur detention camps” (Author, 2019, para. 1)")
    assert built.quote is not None and built.quote.verified
    plain = citing.build_citation(workspace, alpha, alpha.paragraphs[2], "apa")
    assert plain.quote is None and plain.what == "citation of para. 2"
    delta = workspace.article("delta")
    orphan = citing.build_citation(workspace, delta, delta.paragraphs[1], "apa")
    assert orphan.quote is not None and orphan.quote.status == "orphaned"
    reference = citing.build_citation(workspace, alpha, None, "apa", reference_only=True)
    assert reference.text.startswith("Author, A. (2019, May 1).")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_tmux_hint_reads_the_servers_options(tmp_path):
    """Asked from inside tmux, the hint says what tmux will do with OSC 52."""
    socket = str(tmp_path / "tmux.sock")

    def tmux(*args: str) -> str:
        return subprocess.run(
            ["tmux", "-S", socket, *args], capture_output=True, text=True, timeout=10
        ).stdout

    tmux("-f", "/dev/null", "new-session", "-d", "-s", "hint", "sleep 30")
    try:
        pane = tmux("display-message", "-p", "-t", "hint", "#{pane_id}").strip()
        env = {"TMUX": f"{socket},1,0", "TMUX_PANE": pane, "PATH": os.environ["PATH"]}
        tmux("set", "-s", "set-clipboard", "external")
        tmux("set", "-g", "allow-passthrough", "off")
        dropped = app_clipboard.tmux_hint(env)
        assert dropped is not None and dropped.startswith(app_clipboard.TMUX_DROPS)
        tmux("set", "-g", "allow-passthrough", "on")
        assert app_clipboard.tmux_hint(env) == app_clipboard.TMUX_PASSES
        tmux("set", "-s", "set-clipboard", "on")
        assert app_clipboard.tmux_hint(env) == app_clipboard.TMUX_KEEPS
    finally:
        tmux("kill-server")
    assert app_clipboard.tmux_hint({}) is None  # not in tmux: nothing to say


def test_copy_report_says_what_happened(tmp_path):
    plan = app_clipboard.CopyPlan("citation", "x", "osc52", ["seq"], file=tmp_path / "c.txt")
    message, severity = app_clipboard.report(plan, sent=True)
    assert message.startswith("Copied the citation to the clipboard (OSC 52) — if nothing")
    assert severity == "information"
    plan.hint = app_clipboard.TMUX_DROPS + " (set-clipboard external): add it"
    message, severity = app_clipboard.report(plan, sent=True)
    assert message.startswith("Sent the citation as OSC 52, but tmux drops OSC 52 here")
    assert severity == "warning"
    plan = app_clipboard.CopyPlan("reference", "x", "osc52", [], file=None, file_error="EROFS")
    message, severity = app_clipboard.report(plan, sent=False)
    assert "Could not save the reference to a file: EROFS" in message
    assert severity == "error"


def test_clean_for_clipboard_strips_terminal_controls():
    assert app_clipboard.clean_for_clipboard("a\x1b]52;c;x\x07b\r\nc\td") == "a]52;c;xb\nc d"


# --- the export dialog ------------------------------------------------------------------


async def test_dialog_opens_with_defaults_and_escape_closes(root):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot)
        assert dialog.fmt == "md"
        assert dialog.scope == "article"
        assert dialog.style_name == "apa"
        destination = dialog.query_one("#destination").value
        assert destination.endswith("exports/annotations.md")
        preview = str(dialog.query_one("#preview").render())
        assert "bibliography:" in preview
        assert "1 quote from 1 article" in str(dialog.query_one("#summary").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert not (root / "exports").exists()


async def test_dialog_from_library_uses_the_row_under_the_cursor(root):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, article_id=None)
        assert dialog.article_id == "alpha"  # first row of the library
        await pilot.press("x")  # x again does not stack a second dialog
        await pilot.pause()
        assert len([s for s in app.screen_stack if isinstance(s, ExportDialog)]) == 1


async def test_keyboard_navigation(root):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot)
        assert app.focused is dialog.query_one("#format")
        await pilot.press("right", "right")  # Markdown → CSL-JSON → BibTeX
        await settle(pilot)
        assert dialog.fmt == "bibtex"
        assert dialog.query_one("#destination").value.endswith("annotations.bib")
        assert dialog.query_one("#style-filter").disabled  # BibTeX has no style
        assert "@" in str(dialog.query_one("#preview").render())
        await pilot.press("left", "left", "left")  # stops at the first option
        assert dialog.fmt == "md"
        order = []
        for _ in range(6):
            await pilot.press("tab")
            order.append(app.focused.id if app.focused else None)
        # Tags are skipped while the scope is not "Tagged".
        assert order == ["scope", "style-filter", "unverified", "destination", "export", "cancel"]
        await pilot.press("shift+tab", "shift+tab", "shift+tab", "shift+tab", "shift+tab")
        assert app.focused.id == "scope"
        await pilot.press("right")  # Tagged: the tags input becomes reachable
        await pilot.press("down")
        assert app.focused.id == "tags"
        await pilot.press(*"camps")
        await settle(pilot)
        assert "1 quote from 1 article" in str(dialog.query_one("#summary").render())
        await pilot.press("down")  # to the style filter; typing filters, up/down pick
        assert app.focused.id == "style-filter"
        await pilot.press(*"chicago")
        await settle(pilot)
        assert dialog.style_name == "chicago-author-date"
        await pilot.press("down")
        assert dialog.style_name == "chicago-notes-bibliography"
        await pilot.press("tab", "space")  # tick "include unverified"
        assert dialog.query_one("#unverified").value is True


async def test_scope_this_article_is_unavailable_without_an_article(root):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_ready(pilot, index=False)
        app.action_search()
        await pilot.pause()
        await pilot.press("escape")  # back to the library...
        app.push_screen(ExportDialog(None))  # ...but as if opened where no article is
        await settle(pilot)
        scope = app.screen.query_one("#scope", Choice)
        assert scope.value == "all"
        scope.focus()
        await pilot.press("left", "left")
        assert scope.value == "tags"  # "This article" is skipped


async def test_export_writes_md_and_reexport_updates(root, tmp_path):
    target = tmp_path / "out" / "notes.md"
    target.parent.mkdir()
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot)
        await set_destination(pilot, dialog, target)
        await pilot.press("enter")  # from the format choice
        await settle(pilot)
        assert not isinstance(app.screen, ExportDialog)
        assert target.exists()
        assert (tmp_path / "out" / "notes.csl.json").exists()
        first = target.read_text(encoding="utf-8")
        assert first.count("<!-- annotation: ") == 1
        assert "Uyghur detention camps" in first
        assert "1 added, 0 updated" in messages(app)
        # The user writes in the file; a second annotation is made; export again.
        target.write_text(first + "\nMy own conclusion.\n", encoding="utf-8")
    annotate(root, "alpha", "testify about them")
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot)
        await set_destination(pilot, dialog, target)
        assert "updated in place" in str(dialog.query_one("#summary").render())
        await pilot.press("enter")
        await settle(pilot)
        second = target.read_text(encoding="utf-8")
        assert second.count("<!-- annotation: ") == 2  # updated, not duplicated
        assert second.count("Uyghur detention camps") == 1
        assert "My own conclusion." in second
        assert "1 added, 1 updated" in messages(app)


async def test_export_to_the_default_destination_creates_exports(root):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot)
        assert "creates" in str(dialog.query_one("#summary").render())
        await pilot.press("tab", "tab", "tab", "tab")  # to the destination input
        assert app.focused.id == "destination"
        await pilot.press("enter")
        await settle(pilot)
        assert (root / "exports" / "annotations.md").exists()
        assert (root / "exports" / "annotations.csl.json").exists()


async def test_missing_folder_is_a_notification_not_a_traceback(root, tmp_path):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot)
        await set_destination(pilot, dialog, tmp_path / "nowhere" / "notes.md")
        assert "does not exist" in str(dialog.query_one("#summary").render())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)  # stays open to fix the path
        assert "does not exist" in messages(app)
        assert not (tmp_path / "nowhere").exists()
        await set_destination(pilot, dialog, tmp_path)  # a folder
        assert "is a folder" in str(dialog.query_one("#summary").render())


async def test_unwritable_destination_is_a_notification(root, tmp_path, monkeypatch):
    from tuireader.core.export import exporter as export

    def refuse(path, text):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(export, "atomic_write_text", refuse)
    target = tmp_path / "notes.bib"
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot)
        await pilot.press("right", "right")  # BibTeX
        await set_destination(pilot, dialog, target)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        assert "cannot be written (Permission denied)" in messages(app)
        assert not target.exists()
        assert not dialog.query_one("#export").disabled  # ready for another try


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
async def test_read_only_folder_is_reported_before_export(root, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        app = make_app(root)
        async with app.run_test(size=SIZE) as pilot:
            dialog = await open_dialog(pilot)
            await set_destination(pilot, dialog, folder / "notes.md")
            assert "not writable" in str(dialog.query_one("#summary").render())
    finally:
        folder.chmod(0o700)


async def test_appending_to_a_foreign_document_needs_a_second_enter(root, tmp_path):
    target = tmp_path / "thesis.md"
    target.write_text("# My thesis\n\nChapter one, my own words.\n", encoding="utf-8")
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot)
        await set_destination(pilot, dialog, target)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        assert "has no tuireader blocks" in messages(app)
        assert target.read_text(encoding="utf-8").count("annotation:") == 0
        await pilot.press("enter")
        await settle(pilot)
        text = target.read_text(encoding="utf-8")
        assert text.startswith("# My thesis\n\nChapter one, my own words.\n")
        assert "Uyghur detention camps" in text


async def test_unverified_quotes_left_out_unless_ticked(root, tmp_path):
    target = tmp_path / "all.md"
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot)
        await pilot.press("tab", "right", "right")  # scope: All articles
        await set_destination(pilot, dialog, target)
        assert "2 unverified left out" in str(dialog.query_one("#summary").render())
        await pilot.press("enter")
        await settle(pilot)
        assert "2 unverified quotes left out" in messages(app)
        assert "rain in the morning" not in target.read_text(encoding="utf-8")
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert dialog.scope == "all"  # remembered
        assert dialog.query_one("#destination").value == str(target)
        dialog.query_one("#unverified").focus()
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        text = target.read_text(encoding="utf-8")
        assert "rain in the morning" in text and "quoted sentence" in text
        assert text.count("UNVERIFIED") == 2


async def test_text_export_in_a_chosen_style_saves_the_style(root, tmp_path):
    target = tmp_path / "quotes.txt"
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot)
        await pilot.press("right", "right", "right", "right")  # Text
        assert dialog.fmt == "text"
        dialog.query_one("#style-filter").focus()
        await pilot.press(*"mla")
        await settle(pilot)
        assert dialog.style_name == "modern-language-association"
        await set_destination(pilot, dialog, target)
        await pilot.press("enter")
        await settle(pilot)
        text = target.read_text(encoding="utf-8")
        assert "Author, Ann." in text  # MLA reference: family, given
        assert app.settings.citation_style == "modern-language-association"
        assert Settings.load().citation_style == "modern-language-association"


async def test_palette_opens_the_export_dialog(root):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_ready(pilot, index=False)
        await pilot.press("ctrl+p", *"Export annotations")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)


# --- copying --------------------------------------------------------------------------------


class Terminal:
    """Captures what the app writes to its driver (the terminal)."""

    def __init__(self, app: TuiReaderApp) -> None:
        self.written: list[str] = []
        app._driver.write = self.written.append  # type: ignore[union-attr,method-assign]

    def osc52(self) -> list[str]:
        return [w for w in self.written if "]52;c;" in w]

    def copied(self) -> str:
        sequence = self.osc52()[0]
        payload = sequence.split("]52;c;", 1)[1].split("\x07", 1)[0]
        return base64.b64decode(payload).decode("utf-8")


async def open_reader(pilot, article_id: str, paragraph: int = 1) -> ReaderScreen:
    app = await wait_until_ready(pilot, index=False)
    await open_reader_on(pilot, article_id, paragraph=paragraph)
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


async def test_copy_key_sends_osc52_and_saves_the_fallback_file(root):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot, "alpha", paragraph=2)
        terminal = Terminal(app)
        await pilot.press("y")
        await settle(pilot)
        copied = terminal.copied()
        assert copied.startswith("“Uyghur detention camps” (Author, 2019, para. 1)")
        assert "Author, A. (2019, May 1). Alpha Report on Xinjiang." in copied
        saved = root / "exports" / "clipboard.txt"
        assert saved.read_text(encoding="utf-8") == copied + "\n"
        text = messages(app)
        assert "Copied the citation of the highlight to the clipboard (OSC 52)" in text
        assert "— if nothing arrived, your terminal blocks OSC 52; also saved to" in text
        assert str(saved) in text


async def test_copy_key_cites_the_paragraph_without_a_highlight(root):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot, "alpha", paragraph=3)
        terminal = Terminal(app)
        await pilot.press("y")
        await settle(pilot)
        copied = terminal.copied()
        assert copied.startswith("“A second paragraph, about trade")
        assert "(Author, 2019, para. 2)" in copied  # ¶ 3 of the file, after the headline
        assert "citation of para. 2" in messages(app)


def test_the_readers_highlight_is_understood_in_any_shape(root):
    """`annotation_at_cursor()` may return the annotation, a tuple holding it or an object
    with an `annotation` attribute (the reader's Placed)."""
    from types import SimpleNamespace

    workspace = Workspace.open(root)
    stored = AnnotationStore(workspace.annotations_dir).load("alpha").annotations[0]
    assert citing.as_annotation(stored) is stored
    assert citing.as_annotation((stored, None)) is stored
    assert citing.as_annotation(SimpleNamespace(annotation=stored)) is stored
    assert citing.as_annotation(None) is None


async def test_copy_reference_key(root):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot, "beta")
        terminal = Terminal(app)
        await pilot.press("Y")
        await settle(pilot)
        assert (
            terminal.copied()
            == "Writer, B. (2020). Beta Story About Uighur Families. Daily Sample."
        )
        assert "Copied the reference" in messages(app)


async def test_copy_inside_tmux_sends_plain_and_wrapped(root, monkeypatch):
    monkeypatch.setenv("TMUX", "/tmp/tmux-test/default,1,0")
    monkeypatch.setattr(app_clipboard, "tmux_hint", lambda env: app_clipboard.TMUX_KEEPS)
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot, "alpha", paragraph=2)
        terminal = Terminal(app)
        await pilot.press("y")
        await settle(pilot)
        sequences = terminal.osc52()
        assert len(sequences) == 2
        assert sequences[0].startswith("\x1b]52;c;")
        assert sequences[1].startswith("\x1bPtmux;\x1b\x1b]52;c;")
        assert "(OSC 52, tmux keeps a copy) — if nothing arrived" in messages(app)


async def test_text_too_long_for_osc52_goes_to_the_file_only(root, monkeypatch):
    monkeypatch.setattr(core_clipboard, "OSC52_MAX_BYTES", 20)
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot, "alpha", paragraph=2)
        terminal = Terminal(app)
        await pilot.press("y")
        await settle(pilot)
        assert terminal.osc52() == []
        assert (root / "exports" / "clipboard.txt").exists()
        assert "too long for the terminal clipboard" in messages(app)


async def test_clipboard_file_setting_skips_osc52(root):
    (config_dir() / "settings.yaml").write_text("clipboard: file\n", encoding="utf-8")
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot, "alpha", paragraph=2)
        terminal = Terminal(app)
        await pilot.press("y")
        await settle(pilot)
        assert terminal.osc52() == []
        assert "(clipboard: file in settings)" in messages(app)
        assert "Uyghur detention camps" in (root / "exports" / "clipboard.txt").read_text()


async def test_unwritable_workspace_saves_the_copy_in_the_config_dir(root, monkeypatch):
    (root / "exports").write_text("a file where the folder should be", encoding="utf-8")
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot, "alpha", paragraph=2)
        Terminal(app)
        await pilot.press("y")
        await settle(pilot)
        assert (config_dir() / "clipboard.txt").exists()
        assert str(config_dir() / "clipboard.txt") in messages(app)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("cancel", None), ("anyway", "UNVERIFIED"), ("paragraph", "mornin and sun")],
)
async def test_unverified_quote_needs_confirmation(root, answer, expected):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        # The fuzzy highlight is in paragraph 2 ("morning" became "mornin" in the text).
        await open_reader(pilot, "gamma", paragraph=2)
        terminal = Terminal(app)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        assert app.focused.id == "answer-paragraph"  # the safe answer is focused
        app.screen.query_one(f"#answer-{answer}").press()
        await settle(pilot)
        if expected is None:
            assert terminal.osc52() == []
            assert "Not copied" in messages(app)
        else:
            copied = terminal.copied()
            if answer == "anyway":
                assert copied.startswith("[UNVERIFIED: this quote was only a close match")
                assert "“with rain in the morning and sun in the afternoon”" in copied
            else:  # the paragraph as it is now, quoted whole
                assert copied.startswith("“A quiet article about the weather")
                assert expected in copied


async def test_unverified_question_escape_copies_nothing(root):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot, "gamma", paragraph=2)
        terminal = Terminal(app)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert terminal.osc52() == []


async def test_unknown_style_in_settings_is_a_notification(root):
    (config_dir() / "settings.yaml").write_text("citation_style: apa-nope\n", encoding="utf-8")
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot, "alpha")
        terminal = Terminal(app)
        await pilot.press("y")
        await settle(pilot)
        assert terminal.osc52() == []
        text = messages(app)
        assert "Unknown citation style 'apa-nope'" in text
        assert "Change citation style" in text


async def test_change_citation_style_from_the_palette_persists(root):
    (config_dir() / "settings.yaml").write_text(
        "theme: textual-light\nkeymap: {reader.find: ctrl+g}\n", encoding="utf-8"
    )
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot, "alpha", paragraph=2)
        await pilot.press("ctrl+p", *"Change citation style")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*"mla")
        await settle(pilot)
        await pilot.press("enter")  # the best match is highlighted
        await settle(pilot)
        assert app.settings.citation_style == "modern-language-association"
        saved = yaml.safe_load((config_dir() / "settings.yaml").read_text(encoding="utf-8"))
        assert saved["citation_style"] == "modern-language-association"
        assert saved["theme"] == "textual-light"  # other settings kept
        assert saved["keymap"] == {"reader.find": "ctrl+g"}
        terminal = Terminal(app)
        await pilot.press("y")
        await settle(pilot)
        assert "(Author, par. 1)" in terminal.copied()  # MLA in-text citation


async def test_copy_commands_in_the_palette(root):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_ready(pilot, index=False)
        await pilot.press("ctrl+p", *"Copy citation")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Open an article first" in messages(app)
        await open_reader(pilot, "beta", paragraph=2)
        terminal = Terminal(app)
        await pilot.press("ctrl+p", *"Copy citation")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert terminal.copied().startswith("“Uighur families” (Writer, 2020, para. 1)")


def test_help_lists_the_new_keys():
    from tuireader.app.shell.bindings import all_binding_ids, help_rows

    ids = all_binding_ids()
    assert {"app.export", "reader.copy_citation", "reader.copy_reference"} <= ids
    rows = {row.binding_id: row for row in help_rows({})}
    assert rows["reader.copy_citation"].keys == "y"
    assert rows["app.export"].keys == "x"
