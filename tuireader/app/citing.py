"""Citations in the app: the copy keys (`y` citation, `Y` reference), the citation-style
picker and the palette commands for citing and exporting.

Formatting a citation runs citeproc (about 20 ms, more the first time a style is loaded),
so it runs in a thread (`asyncio.to_thread` inside an async worker): the thread only
computes, and everything that touches the UI (the terminal write, notifications, the
confirmation for an unverified quote) happens back on the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import TYPE_CHECKING, cast

from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from tuireader.core.corpus import Article, Paragraph
from tuireader.core.settings import Settings

from .clipboard import prepare_copy, report, write_to_terminal
from .palette import CommandListProvider

if TYPE_CHECKING:
    from tuireader.core.annotations import Annotation
    from tuireader.core.export import CitationText
    from tuireader.core.formats import QuoteItem
    from tuireader.core.workspace import Workspace

    from .app import TuiReaderApp
    from .screens.reader import ReaderScreen

FEATURED_STYLES = (
    "apa",
    "chicago-author-date",
    "chicago-notes-bibliography",
    "modern-language-association",
)
"""Styles listed first in every style choice (APA, Chicago author-date and notes, MLA)."""
MAX_STYLE_HITS = 40
"""Most style names listed for a typed filter (10,000 styles are installed)."""


# --- styles -----------------------------------------------------------------------------


def rank_styles(query: str, current: str | None = None, limit: int = MAX_STYLE_HITS) -> list[str]:
    """Installed style names matching `query`, best first.

    Empty query: the featured styles, then the current one. Otherwise every word of the
    query must occur in the name (or its alias: "mla", "chicago"); names starting with the
    query come first, then shorter names; the featured styles win ties.
    """
    from tuireader.core.styles import STYLE_ALIASES, available_styles

    featured = list(FEATURED_STYLES)
    if current and current not in featured:
        featured.append(current)
    words = query.lower().split()
    if not words:
        return featured[:limit]
    wanted = "-".join(words)
    scored: list[tuple[int, int, int, str]] = []
    for name in available_styles():
        if not all(word in name for word in words):
            continue
        starts = 0 if name.startswith(wanted) else 1
        rank = featured.index(name) if name in featured else len(featured)
        scored.append((starts, rank, len(name), name))
    for alias, target in STYLE_ALIASES.items():
        if alias.startswith(wanted) and target not in {s[3] for s in scored}:
            scored.append((0, -1, len(alias), target))
    scored.sort()
    return list(dict.fromkeys(s[3] for s in scored))[:limit]


@lru_cache(maxsize=256)
def style_title(name: str) -> str | None:
    """The title of an installed style (read from its file), None when it cannot be used."""
    from tuireader.core.styles import StyleError, resolve_style

    try:
        return resolve_style(name).title
    except StyleError:
        return None


def set_citation_style(app: TuiReaderApp, name: str) -> bool:
    """Make `name` the user's citation style and save it in settings.yaml; notifies what
    happened. Whether the style was usable."""
    from tuireader.core.styles import StyleError, resolve_style

    try:
        info = resolve_style(name)
    except StyleError as error:
        app.notify(str(error), title="Citation style", severity="error", markup=False)
        return False
    app.settings.citation_style = info.name
    saved = save_citation_style(info.name)
    message = f"{info.title} ({info.name}). y copies citations in this style."
    if saved is not None:
        message += f" Not saved: {saved}"
    app.notify(
        message,
        title="Citation style",
        severity="information" if saved is None else "warning",
        markup=False,
    )
    return True


def save_citation_style(name: str) -> str | None:
    """Write citation_style to settings.yaml (re-read first, so other edits are kept); why it
    could not be saved, or None."""
    settings = Settings.load()
    if settings.problems:
        return "settings.yaml could not be read, so it is not changed."
    if settings.citation_style == name:
        return None
    settings.citation_style = name
    try:
        settings.save()
    except OSError as error:
        return f"{error.strerror or error}"
    return None


class StyleProvider(Provider):
    """The citation-style picker: featured styles at first, any installed style by name."""

    @property
    def reader_app(self) -> TuiReaderApp:
        """The app, typed."""
        return cast("TuiReaderApp", self.app)

    def _help(self, name: str) -> str | None:
        title = style_title(name) if name in FEATURED_STYLES else None
        current = name == self.reader_app.settings.citation_style
        parts = [p for p in (title, "current" if current else None) if p]
        return " · ".join(parts) or None

    async def discover(self) -> Hits:
        """The featured styles and the current one."""
        app = self.reader_app
        for name in rank_styles("", app.settings.citation_style):
            yield DiscoveryHit(
                Content(name),
                partial(set_citation_style, app, name),
                text=name,
                help=self._help(name),
            )

    async def search(self, query: str) -> Hits:
        """Styles whose name contains every word typed."""
        app = self.reader_app
        names = rank_styles(query, app.settings.citation_style)
        for position, name in enumerate(names):
            score = 1.0 - position / (len(names) + 1)
            yield Hit(
                score,
                Content(name),
                partial(set_citation_style, app, name),
                text=name,
                help=self._help(name),
            )


def pick_citation_style(app: TuiReaderApp) -> None:
    """Open the style picker (a palette of style names); choosing one saves it."""
    current = app.settings.citation_style
    app.push_screen(
        CommandPalette(
            providers=[StyleProvider],
            placeholder=f"Citation style (now {current}) — type a name…",
        )
    )


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


def as_annotation(found: object) -> Annotation | None:
    """An Annotation out of whatever the reader's `annotation_at_cursor()` returns (the
    annotation, a tuple holding it, or an object with an `annotation` attribute)."""
    from tuireader.core.annotations import Annotation

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
    from tuireader.core.annotations import AnnotationStore, reanchor

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
    from tuireader.core import export
    from tuireader.core.formats import QuoteItem

    if reference_only:
        result = export.cite_article(workspace, article.id, style)
        return BuiltCitation("reference", result.reference)
    if annotation is None and look_up_annotation and paragraph is not None:
        annotation = annotation_in_paragraph(workspace, article, paragraph)
    if annotation is not None:
        result = export.cite_annotation(workspace, annotation, style)
        return BuiltCitation("citation of the highlight", _with_reference(result), result.quote)
    if paragraph is None:
        result = export.cite_article(workspace, article.id, style)
        return BuiltCitation("citation", result.clipboard)
    result = export.cite_article(workspace, article.id, style, paragraph.number)
    result.quote = QuoteItem("", article.id, result.key, paragraph.text, paragraph.number)
    return BuiltCitation(f"citation of ¶ {paragraph.number}", _with_reference(result))


@dataclass
class CopyRequest:
    """What the copy key was pressed on (gathered on the UI thread)."""

    article: Article
    paragraph: Paragraph | None
    annotation: Annotation | None
    reference_only: bool
    look_up_annotation: bool = True


def copy_citation(screen: ReaderScreen, reference_only: bool = False) -> None:
    """Copy the citation of the highlight at the cursor (else of the cursor paragraph), or
    with `reference_only` the article's reference. Formats in a thread, then copies."""
    article = screen.article
    paragraph: Paragraph | None = None
    if article.paragraphs:
        index = min(max(screen.view.cursor, 0), len(article.paragraphs) - 1)
        paragraph = article.paragraphs[index]
    annotation: Annotation | None = None
    look_up = True
    finder = getattr(screen, "annotation_at_cursor", None)
    if callable(finder) and not reference_only:
        annotation = as_annotation(finder())
        look_up = False  # the reader knows its highlights; trust it
    request = CopyRequest(article, paragraph, annotation, reference_only, look_up)
    app = screen.reader_app
    app.run_worker(_copy(app, request), group="copy-citation", exclusive=True)


async def _copy(app: TuiReaderApp, request: CopyRequest) -> None:
    """Format (in a thread), confirm an unverified quote, then copy and notify."""
    from tuireader.core.styles import StyleError
    from tuireader.core.workspace import UnknownArticleError

    style = app.settings.citation_style
    try:
        built = await asyncio.to_thread(
            build_citation,
            app.workspace,
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
    quote = built.quote
    if quote is not None and not quote.verified:
        ask_about_unverified(app, request, built, quote)
        return
    await finish_copy(app, built)


def ask_about_unverified(
    app: TuiReaderApp, request: CopyRequest, built: BuiltCitation, quote: QuoteItem
) -> None:
    """An unverified quote is not copied as a quote unless the user says so: ask."""
    from .dialogs.confirm import ChoiceDialog

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
                built.what + " (UNVERIFIED)", f"[{quote.unverified_notice}]\n{built.text}", quote
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


async def finish_copy(app: TuiReaderApp, built: BuiltCitation) -> None:
    """Save the text to the fallback file (in a thread), write OSC 52, say what happened."""
    plan = await asyncio.to_thread(
        prepare_copy, built.what, built.text, app.workspace.root, app.settings
    )
    sent = write_to_terminal(app, plan)
    message, severity = report(plan, sent)
    app.notify(message, title="Copy", severity=severity, markup=False, timeout=8)


# --- palette --------------------------------------------------------------------------------


def _reader_under(screen: object) -> ReaderScreen | None:
    """The reader, if `screen` is one."""
    from .screens.reader import ReaderScreen

    return screen if isinstance(screen, ReaderScreen) else None


class CitationCommands(CommandListProvider):
    """Palette commands: export, copy citation / reference, change the citation style."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cast("TuiReaderApp", self.app)
        reader = _reader_under(self.screen)

        def copy(reference_only: bool) -> None:
            if reader is None:
                app.notify(
                    "Open an article first: the copy keys (y, Y) work in the reader.",
                    severity="warning",
                    markup=False,
                )
            else:
                copy_citation(reader, reference_only)

        def export() -> None:
            from .dialogs.export import open_export_dialog

            open_export_dialog(app)

        style = app.settings.citation_style
        return [
            (
                "Export annotations…",
                "Markdown, CSL-JSON, BibTeX, RIS or formatted text (x)",
                export,
            ),
            (
                "Copy citation",
                "Quote + citation + reference of the highlight or paragraph at the cursor (y)",
                partial(copy, False),
            ),
            ("Copy reference", "The open article's reference (Y)", partial(copy, True)),
            (
                "Change citation style",
                f"Now {style}; APA, Chicago, MLA or any of 10,000 CSL styles",
                partial(pick_citation_style, app),
            ),
        ]
