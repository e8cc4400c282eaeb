"""Citing in the app: copying a citation (`y`) or a reference (`Y`) of the article being
read, and the palette commands for citing and exporting.

Formatting a citation runs citeproc (about 20 ms, more the first time a style is loaded),
so it runs in a thread (`asyncio.to_thread` inside an async worker of the app): the thread
only computes, and everything that touches the UI (the terminal write, notifications, the
confirmation for an unverified quote) happens back on the event loop.

The reader calls `copy_citation` with what is at its cursor; it lists `CopyCommands` in its
`COMMANDS`. `CitationCommands` is the app's: export, the citation style, and — on screens
that do not cite — copy commands that say where copying works.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.content import Content

from tuireader.app.citing.clipboard import prepare_copy, report, write_to_terminal
from tuireader.app.citing.styles import pick_citation_style
from tuireader.app.context import reader_context
from tuireader.app.shell.confirm import ChoiceDialog
from tuireader.app.shell.keys import key_for
from tuireader.app.shell.palette import Command, CommandListProvider
from tuireader.core.corpus import Article, Paragraph

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

    from tuireader.core.annotations.model import Annotation
    from tuireader.core.export.exporter import CitationText
    from tuireader.core.export.quotes import QuoteItem
    from tuireader.core.workspace import Workspace

COPY_CITATION = "Copy citation"
"""The palette name of what y does."""
COPY_REFERENCE = "Copy reference"
"""The palette name of what Y does."""


def copy_commands(node: DOMNode, run: Callable[[str], object]) -> list[Command]:
    """The two copy commands, their help naming the keys as the keymap has them; `run` is
    called with the action's name."""
    keymap = reader_context(node).keymap_in_use
    citation_key = key_for("reader.copy_citation", keymap)
    reference_key = key_for("reader.copy_reference", keymap)
    return [
        (
            COPY_CITATION,
            "Quote + citation + reference of the highlight or paragraph at the cursor "
            f"({citation_key})",
            partial(run, "copy_citation"),
        ),
        (
            COPY_REFERENCE,
            f"The open article's reference ({reference_key})",
            partial(run, "copy_reference"),
        ),
    ]


# --- copying a citation -------------------------------------------------------------------


@dataclass
class BuiltCitation:
    """A citation ready to copy, made off the UI thread."""

    what: str
    """What it is, for the notification ("citation of ¶ 3", "reference")."""
    text: str
    """The text to copy (quote, in-text citation and reference)."""
    quote: QuoteItem | None = None
    """The checked quote of an annotation, when citing one."""
    keys: dict[str, str] = field(default_factory=dict)
    """The citation key it uses (article id → key), pinned once it is copied."""


def as_annotation(found: object) -> Annotation | None:
    """The core Annotation of a highlight held in another shape (the annotation itself, a
    tuple holding it, or an object with an `annotation` attribute such as the reader's
    placed highlight), for `copy_citation`."""
    from tuireader.core.annotations.model import Annotation

    if isinstance(found, Annotation):
        return found
    if isinstance(found, tuple):
        return next((item for item in found if isinstance(item, Annotation)), None)
    inner = getattr(found, "annotation", None)
    return inner if isinstance(inner, Annotation) else None


def annotation_in_paragraph(
    workspace: Workspace, article: Article, paragraph: Paragraph
) -> Annotation | None:
    """The first stored annotation of `article` whose quote (re-anchored in the current
    text) overlaps `paragraph`, or an orphaned one recorded at that paragraph."""
    from tuireader.core.annotations.model import reanchor
    from tuireader.core.annotations.store import AnnotationStore

    stored = AnnotationStore(workspace.annotations_dir).load(article.id).annotations
    for annotation in sorted(stored, key=lambda a: (a.target.start, a.id)):
        anchor = reanchor(annotation, article)
        if anchor.start is not None and anchor.end is not None:
            if anchor.start < paragraph.end and anchor.end > paragraph.start:
                return annotation
        elif annotation.target.paragraph == paragraph.number:
            return annotation
    return None


def _with_reference(result: CitationText) -> str:
    """The result's clipboard text followed by its reference (unless they are the same)."""
    text = result.clipboard
    if result.quote is not None and result.reference not in (result.citation, ""):
        text += "\n" + result.reference
    return text


def build_citation(
    workspace: Workspace,
    article: Article,
    paragraph: Paragraph | None,
    style: str,
    annotation: Annotation | None = None,
    reference_only: bool = False,
    look_up_annotation: bool = True,
) -> BuiltCitation:
    """What `y` / `Y` copy (runs in a thread). Raises StyleError or UnknownArticleError.

    - reference only: the article's reference;
    - an annotation (given, or found at the paragraph when `look_up_annotation`): its quote,
      in-text citation with the paragraph, and the reference; `.quote` tells whether the
      quote was verified;
    - else the paragraph quoted whole, cited at its number, and the reference.
    """
    from tuireader.core.export import exporter as export
    from tuireader.core.export.quotes import QuoteItem

    if reference_only:
        result = export.cite_article(workspace, article.id, style)
        return BuiltCitation("reference", result.reference, keys=result.keys)
    if annotation is None and look_up_annotation and paragraph is not None:
        annotation = annotation_in_paragraph(workspace, article, paragraph)
    if annotation is not None:
        result = export.cite_annotation(workspace, annotation, style)
        return BuiltCitation(
            "citation of the highlight", _with_reference(result), result.quote, result.keys
        )
    if paragraph is None:
        result = export.cite_article(workspace, article.id, style)
        return BuiltCitation("citation", result.clipboard, keys=result.keys)
    # Cited at its locator, as a reader of the page counts ("para. 7"); none for a headline.
    result = export.cite_article(workspace, article.id, style, paragraph.locator)
    result.quote = QuoteItem("", article.id, result.key, paragraph.text, paragraph.locator)
    return BuiltCitation(_paragraph_named(paragraph), _with_reference(result), keys=result.keys)


def _paragraph_named(paragraph: Paragraph) -> str:
    """What a paragraph's citation is called in the notification: by the locator the
    citation gives it, or, for one a reader does not count (a headline), by its ¶."""
    if paragraph.locator is not None:
        return f"citation of para. {paragraph.locator}"
    return f"citation of ¶ {paragraph.number} (not a numbered paragraph: cited without one)"


@dataclass
class CopyRequest:
    """What the copy key was pressed on (gathered on the UI thread)."""

    article: Article
    paragraph: Paragraph | None
    annotation: Annotation | None
    reference_only: bool
    look_up_annotation: bool = True
    what: str | None = None
    """What is copied, for the notification, when the caller knows better ("citation of
    the selection": an annotation made for the copy, not stored)."""


def cursor_paragraph(article: Article, number: int) -> Paragraph | None:
    """The paragraph with this 1-based number, clamped to the article (None: it has none)."""
    if not article.paragraphs:
        return None
    return article.paragraphs[min(max(number, 1), len(article.paragraphs)) - 1]


def copy_citation(
    node: DOMNode,
    article: Article,
    paragraph: int,
    annotation: Annotation | None,
    reference_only: bool = False,
    what: str | None = None,
) -> None:
    """Copy the citation of `annotation` (the highlight at the cursor; None: there is none,
    so the paragraph numbered `paragraph` is quoted whole), or with `reference_only` the
    article's reference; `what` names it in the notification (see CopyRequest). Formats in
    a thread (a worker of the app `node` runs in, so it outlives the screen), then copies
    and notifies."""
    request = CopyRequest(
        article,
        cursor_paragraph(article, paragraph),
        None if reference_only else annotation,
        reference_only,
        look_up_annotation=False,  # the caller knows its highlights; trust it
        what=what,
    )
    app = node.app
    app.run_worker(_copy(app, request), group="copy-citation", exclusive=True)


async def _copy(app: App[Any], request: CopyRequest) -> None:
    """Format (in a thread), confirm an unverified quote, then copy and notify."""
    from tuireader.core.export.styles import StyleError
    from tuireader.core.workspace import UnknownArticleError

    context = reader_context(app)
    style = context.settings.citation_style
    try:
        built = await asyncio.to_thread(
            build_citation,
            context.workspace,
            request.article,
            request.paragraph,
            style,
            request.annotation,
            request.reference_only,
            request.look_up_annotation,
        )
    except StyleError as error:
        app.notify(
            f"{error} (citation_style in settings.yaml). "
            "Pick another: ctrl+p → Change citation style.",
            title="Copy citation",
            severity="error",
            markup=False,
        )
        return
    except UnknownArticleError as error:
        app.notify(str(error), title="Copy citation", severity="error", markup=False)
        return
    except Exception as error:  # a bad record or annotation file: say so, keep running
        app.notify(
            f"Could not format the citation: {type(error).__name__}: {error}",
            title="Copy citation",
            severity="error",
            markup=False,
        )
        return
    if request.what is not None:
        built = replace(built, what=request.what)
    quote = built.quote
    if quote is not None and not quote.verified:
        ask_about_unverified(app, request, built, quote)
        return
    await finish_copy(app, built)


def ask_about_unverified(
    app: App[Any], request: CopyRequest, built: BuiltCitation, quote: QuoteItem
) -> None:
    """An unverified quote is not copied as a quote unless the user says so: ask."""
    excerpt = " ".join(quote.exact.split())
    if len(excerpt) > 120:
        excerpt = excerpt[:119] + "…"
    message = Content.assemble(
        (f"{quote.unverified_notice}.", "bold"),
        "\n\nStored quote: “",
        excerpt,
        "”\n\nCopy it anyway (marked UNVERIFIED), cite the cursor paragraph instead, or cancel?",
    )
    answers = [("anyway", "Copy anyway"), ("paragraph", "Cite the paragraph"), ("cancel", "Cancel")]

    def answered(answer: str | None) -> None:
        if answer == "anyway":
            marked = BuiltCitation(
                built.what + " (UNVERIFIED)",
                f"[{quote.unverified_notice}]\n{built.text}",
                quote,
                built.keys,
            )
            app.run_worker(finish_copy(app, marked), group="copy-citation", exclusive=True)
        elif answer == "paragraph":
            plain = CopyRequest(request.article, request.paragraph, None, False, False)
            app.run_worker(_copy(app, plain), group="copy-citation", exclusive=True)
        else:
            app.notify(
                "Not copied: the quote is not in the current article text.",
                title="Copy citation",
                severity="warning",
                markup=False,
            )

    app.push_screen(ChoiceDialog("Unverified quote", message, answers, focus="paragraph"), answered)


async def finish_copy(app: App[Any], built: BuiltCitation) -> None:
    """Save the text to the fallback file (in a thread), write OSC 52, say what happened."""
    from tuireader.core.export.exporter import pin_keys

    context = reader_context(app)
    root = context.workspace.root
    plan = await asyncio.to_thread(prepare_copy, built.what, built.text, root, context.settings)
    sent = write_to_terminal(app, plan)
    message, severity = report(plan, sent)
    app.notify(message, title="Copy", severity=severity, markup=False, timeout=8)
    # The key is pinned once the citation is out, so no later article takes it.
    for problem in await asyncio.to_thread(pin_keys, root, built.keys):
        app.notify(problem, title="Citation keys", severity="warning", markup=False)


# --- palette --------------------------------------------------------------------------------


class CopyCommands(CommandListProvider):
    """The copy commands of a screen that cites (the reader lists this in its `COMMANDS`):
    they run the screen's own `copy_citation` / `copy_reference` actions, as y / Y do."""

    def _commands(self) -> list[Command]:
        screen = self.screen  # the screen under the palette
        return copy_commands(screen, screen.run_action)


class CitationCommands(CommandListProvider):
    """The app's palette commands for citing: export, change the citation style, and on a
    screen without `CopyCommands` the copy commands, which then say where copying works."""

    def _commands(self) -> list[Command]:
        commands: list[Command] = [
            (
                "Export annotations…",
                "Markdown, CSL-JSON, BibTeX, RIS or formatted text (x)",
                partial(self.app.run_action, "export"),
            ),
        ]
        if CopyCommands not in self.screen.COMMANDS:  # else the screen offers them itself
            commands += copy_commands(self.screen, self._copy)
        style = reader_context(self.app).settings.citation_style
        commands.append(
            (
                "Change citation style",
                f"Now {style}; APA, Chicago, MLA or any of 10,000 CSL styles",
                partial(pick_citation_style, self.app),
            )
        )
        return commands

    async def _copy(self, action: str) -> None:
        """Copy with the screen's own action when it has one (as its key would), else say
        where the copy keys work."""
        if not await self.app.run_action(action, self.screen):
            self.app.notify(
                "Open an article first: the copy keys (y, Y) work in the reader.",
                severity="warning",
                markup=False,
            )
