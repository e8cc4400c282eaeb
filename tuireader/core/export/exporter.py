"""Exporting annotations and references: scope, quote check, rendering, update in place.

    >>> selection = select(workspace, tags=["camps"])      # quotes checked here
    >>> text = render(selection, "md")                     # a fresh document (stdout)
    >>> report = write(selection, "bibtex", Path("refs.bib"), style=None)

Quote check: every annotation is re-anchored against the current article text; only
`anchored` quotes are exported, quoting the file as it is now. `fuzzy` and `orphaned` ones
are left out (reported in `Selection.left_out`) unless `allow_unverified`, in which case
they are exported with their stored text and a visible UNVERIFIED mark.

Updating a file in place (`write` to a path that exists) never loses text written there:

- md and text: the file is read as user text plus managed blocks, each between
  `<!-- annotation: ID -->` and `<!-- /annotation: ID -->` lines. A block whose annotation
  is exported again is replaced where it stands (edits inside it are overwritten); a new
  annotation is added after the last block of its article (found by the
  `<!-- article: ARTICLE_ID -->` line under the article's heading), or in a new section at
  the end; blocks not exported this time (deleted, filtered out) and all text outside
  blocks are kept as they are. A block whose quote no longer verifies (the article
  changed; the quote is left out of this export) is kept where it stands but rewritten
  with a visible STALE mark, and reported as stale, never as kept or left out. A begin
  marker without its end marker stops the export with an error and the file untouched.
  The plain-text reference list is a managed block too (`<!-- bibliography -->`),
  rebuilt for every article with a section in the file.
- md also writes its bibliography beside the document as `<stem>.csl.json` (merged the same
  way as csl-json below, holding every work cited anywhere in the document); a new
  document's front matter names it, so `pandoc --citeproc notes.md` renders it.
- md with a style: the style's .csl file is copied beside the document as `<stem>.csl`
  and a new document's front matter names it by that relative name (portable: the folder
  renders the same on another machine). To stdout there is no folder: the front matter
  names the installed style file by its absolute path.
- w3c (Web Annotation JSON-LD, see `web_annotation`): annotations keyed by their IRI, merged
  like CSL-JSON; one left out that the file holds is kept unchanged and reported stale.
- csl-json, bibtex, ris: entries are keyed by citation key; an entry with a key being
  exported is replaced where it stands, new ones are appended, all other entries, comments
  and text stay. A file that cannot be parsed is not touched.

Where a write may go is decided by `targets.check_targets` before any file is read: never
into the workspace's annotations/, indexes/ or seeds/ (links and `..` resolved), never a
FIFO, socket or device; a symlink is written through (its target replaced atomically, the
link kept). The document and its `.csl.json` are both checked before either is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tuireader.core.annotations.anchoring import CONTEXT_CHARS
from tuireader.core.annotations.locators import anchor_locator, page_at
from tuireader.core.export import documents, references, web_annotation
from tuireader.core.export.citations import catalog_key_overrides, csl_record
from tuireader.core.export.keys import KeyBook
from tuireader.core.export.quotes import QuoteItem
from tuireader.core.export.targets import (
    Target,
    TargetRefusedError,
    check_targets,
    protected_folders,
)
from tuireader.core.fileio import atomic_write_text

if TYPE_CHECKING:
    from tuireader.core.annotations.anchoring import Anchor
    from tuireader.core.annotations.model import Annotation
    from tuireader.core.corpus import Article
    from tuireader.core.export.styles import Markup, QuoteMarks, StyleInfo
    from tuireader.core.workspace import Workspace

Format = Literal["md", "csl-json", "bibtex", "ris", "text", "w3c"]
FORMATS: tuple[Format, ...] = ("md", "csl-json", "bibtex", "ris", "text", "w3c")
# Formats that list references only (no quotes): their scope is articles, not annotations.
REFERENCE_FORMATS = ("csl-json", "bibtex", "ris")
FILE_SUFFIXES = {
    "md": ".md",
    "csl-json": ".json",
    "bibtex": ".bib",
    "ris": ".ris",
    "text": ".txt",
    "w3c": ".jsonld",
}
FORMAT_TITLES: dict[str, str] = {
    "md": "Markdown",
    "csl-json": "CSL-JSON",
    "bibtex": "BibTeX",
    "ris": "RIS",
    "text": "Text",
    "w3c": "W3C Web Annotation",
}
"""Each format's name for people (the app's export dialog lists formats from here)."""
BIBLIOGRAPHY_SUFFIX = ".csl.json"
STYLE_SUFFIX = ".csl"


class ExportError(Exception):
    """An export that cannot be done as asked (a file that cannot be merged or written)."""


# --- records --------------------------------------------------------------------------------


def workspace_records(
    workspace: Workspace, warnings: list[str] | None = None
) -> dict[str, dict[str, Any]]:
    """CSL-JSON records for every article in the workspace, by article id.

    Keys are unique across the whole workspace: `key:` in the catalog sets one, a key an
    earlier export used stays with its article (`citation-keys.yaml`, see `pin_keys`), the
    rest are derived. What collided is added to `warnings` when given.
    """
    keys, said = KeyBook.open(workspace.root).assign(
        workspace.articles.values(), catalog_key_overrides(workspace.catalog)
    )
    if warnings is not None:
        warnings.extend(said)
    return {a.id: csl_record(a, keys[a.id]) for a in workspace.articles.values()}


def pin_keys(root: Path | None, keys_used: Mapping[str, str]) -> list[str]:
    """Pin the citation keys just exported or copied (article id → key) in the workspace at
    `root`, so no later article takes them; what went wrong, in words (see `KeyBook.pin`)."""
    if root is None or not keys_used:
        return []
    return KeyBook.open(root).pin(keys_used)


def default_style() -> str:
    """The citation style from the user's settings."""
    from tuireader.core.settings import Settings

    return Settings.load().citation_style


# --- selection and the quote check ---------------------------------------------------------


@dataclass
class Selection:
    """What an export covers: checked quotes and the articles whose references go with it."""

    items: list[QuoteItem]  # exported quotes, in article then text order
    left_out: list[QuoteItem]  # unverified quotes not exported
    article_ids: list[str]  # articles in scope for reference-only formats
    records: dict[str, dict[str, Any]]  # CSL records of every article, by article id
    titles: dict[str, str]  # display titles, by article id
    problems: list[str] = field(default_factory=list)  # unreadable annotation files etc.
    # The workspace it was selected from: `write` keeps out of its own folders.
    workspace_root: Path | None = None

    def cited_article_ids(self) -> list[str]:
        """Articles with at least one exported quote, in order."""
        return list(dict.fromkeys(item.article_id for item in self.items))

    def records_for(self, article_ids: Iterable[str]) -> list[dict[str, Any]]:
        """The records of these articles (unknown ids skipped), in the order given."""
        return [self.records[a] for a in dict.fromkeys(article_ids) if a in self.records]

    def warnings(self, stale: Collection[str] = (), marked: bool = True) -> list[str]:
        """Messages for the user: problems, quotes left out, quotes whose block from an
        earlier export the file written holds (`stale`: `WriteReport.stale`; `marked`:
        whether those blocks were marked STALE) and quotes exported unverified."""
        messages = list(self.problems)
        left_out = [item for item in self.left_out if item.annotation_id not in stale]
        kept = "kept and marked STALE" if marked else "kept unchanged"
        for item in self.left_out:
            fate = "left out"
            if item.annotation_id in stale:
                fate = f"stale: its block from an earlier export is {kept}"
            messages.append(f"{_describe(item)}: {_status_text(item)}; {fate}")
        for item in self.items:
            if not item.verified:
                messages.append(f"{_describe(item)}: {_status_text(item)}; exported as UNVERIFIED")
        if left_out:
            messages.append(
                f"{len(left_out)} unverified quote(s) left out; "
                "check them in the reader or pass --allow-unverified"
            )
        return messages


def _describe(item: QuoteItem) -> str:
    """ "annotation ID in ARTICLE" for messages."""
    return f"annotation {item.annotation_id} in {item.article_id}"


def _status_text(item: QuoteItem) -> str:
    """Why a quote is unverified, in words."""
    if item.status == "fuzzy":
        return f"quote only matches approximately (score {item.score:.2f})"
    return "quote not found in the current article text"


def check_quote(
    annotation: Annotation,
    article: Article | None,
    key: str,
    locate: Callable[[Annotation, Article], Anchor] | None = None,
) -> QuoteItem:
    """The export item for an annotation, its quote verified against the article's text.

    A verified quote is taken from the current text (what the source says now); an
    unverified one keeps the stored text. A missing article makes the quote orphaned.
    """
    target = annotation.target
    status, score, exact = "orphaned", 0.0, target.exact
    paragraph: int | None = None  # the locator ("para. N"): none for an orphan
    page: int | None = None  # the page of the original ("p. N"), for an imported PDF
    prefix, suffix, start, end = target.prefix, target.suffix, None, None
    if article is not None:
        if locate is None:
            from tuireader.core.annotations.model import reanchor

            locate = reanchor
        anchor = locate(annotation, article)
        status, score = anchor.status, anchor.score
        paragraph = anchor_locator(article, anchor)
        page = page_at(article.meta.pages, anchor.start)
        if anchor.status == "anchored" and anchor.start is not None and anchor.end is not None:
            start, end = anchor.start, anchor.end
            exact = article.text[start:end]
            prefix = article.text[max(0, start - CONTEXT_CHARS) : start]
            suffix = article.text[end : end + CONTEXT_CHARS]
    return QuoteItem(
        annotation_id=annotation.id,
        article_id=annotation.article_id,
        key=key,
        exact=exact,
        paragraph=paragraph,
        page=page,
        note=annotation.note,
        tags=list(annotation.tags),
        label=annotation.label,
        status=status,
        score=score,
        prefix=prefix,
        suffix=suffix,
        start=start,
        end=end,
        created=annotation.created,
        updated=annotation.updated,
    )


def load_annotations(
    workspace: Workspace, article_ids: Sequence[str] = ()
) -> tuple[list[Annotation], list[str]]:
    """Every stored annotation (only those of `article_ids` when given), and the problems
    of files that could not be read fully.

    A file with a problem is reported and skipped (the store reads what it can of it);
    the other files' annotations are still returned. With `article_ids` only those
    articles' files are opened, so a broken file elsewhere cannot get in the way.
    """
    from tuireader.core.annotations.store import AnnotationStore

    store = AnnotationStore(workspace.annotations_dir)
    if article_ids:
        files = [store.load(a) for a in dict.fromkeys(article_ids)]
    else:
        files = [annotation_file for _article_id, annotation_file in store.all()]
    annotations: list[Annotation] = []
    problems: list[str] = []
    for annotation_file in files:
        if annotation_file.problem:
            problems.append(annotation_file.problem)
        annotations.extend(annotation_file.annotations)
    return annotations, problems


def select(
    workspace: Workspace,
    doc_ids: Sequence[str] = (),
    tags: Sequence[str] = (),
    allow_unverified: bool = False,
    annotations: Iterable[Annotation] | None = None,
    labels: Sequence[str] = (),
) -> Selection:
    """Choose and check what to export.

    `doc_ids` limits to these articles (UnknownArticleError for an id not in the
    workspace); `tags` to annotations carrying any of them, `labels` to annotations with
    any of these labels (both case-insensitive). Annotations default to everything in the
    workspace's store. With tags or labels, the reference formats cover every article with
    a matching annotation, verified or not: a quote that no longer verifies still cites
    its work.
    """
    for article_id in doc_ids:
        workspace.article(article_id)  # raises with close ids when unknown
    problems: list[str] = []
    if annotations is None:
        annotations, problems = load_annotations(workspace, doc_ids)
    records = workspace_records(workspace, problems)
    order = {article_id: n for n, article_id in enumerate(workspace.articles)}
    matching = [
        a
        for a in annotations
        if (not doc_ids or a.article_id in doc_ids) and _matches(a, tags, labels)
    ]
    items: list[QuoteItem] = []
    left_out: list[QuoteItem] = []
    for annotation in matching:
        article = workspace.articles.get(annotation.article_id)
        record = records.get(annotation.article_id)
        key = str(record["id"]) if record else annotation.article_id
        item = check_quote(annotation, article, key)
        if article is None:
            problems.append(f"{_describe(item)}: the article is no longer in the workspace")
        if item.verified or allow_unverified:
            items.append(item)
        else:
            left_out.append(item)
    position = {a.id: a.target.start for a in matching}
    items.sort(
        key=lambda i: (
            order.get(i.article_id, len(order)),
            i.article_id,
            position[i.annotation_id],
            i.annotation_id,
        )
    )
    if doc_ids:
        scope = [a for a in workspace.articles if a in doc_ids]
    elif tags or labels:
        matched = {a.article_id for a in matching}
        scope = [a for a in workspace.articles if a in matched]
    else:
        scope = list(workspace.articles)
    titles = {a.id: a.title for a in workspace.articles.values()}
    return Selection(items, left_out, scope, records, titles, problems, workspace.root)


def _matches(annotation: Annotation, tags: Sequence[str], labels: Sequence[str]) -> bool:
    """Whether an annotation passes the tag and label filters (any of each, ignoring
    case; an empty filter passes everything)."""
    wanted_tags = {t.casefold() for t in tags}
    if wanted_tags and not wanted_tags & {t.casefold() for t in annotation.tags}:
        return False
    wanted_labels = {label.casefold() for label in labels}
    return not wanted_labels or (annotation.label or "").casefold() in wanted_labels


# --- rendering ------------------------------------------------------------------------------


def render(
    selection: Selection,
    fmt: Format,
    style: str | StyleInfo | None = None,
    markers: bool = False,
    bibliography_file: str | None = None,
    csl_file: str | None = None,
) -> str:
    """The export as a fresh document.

    md: front matter naming `bibliography_file`, or with the references inline when None
    (so `tuireader export --format md | pandoc --citeproc` works), and the style file
    `csl_file` for pandoc when given. text: in `style` (default from settings); `markers`
    adds the block markers used for updating in place. w3c: a Web Annotation collection.
    """
    if fmt == "csl-json":
        return references.to_csl_json(selection.records_for(selection.article_ids), selection.items)
    if fmt == "bibtex":
        return references.to_bibtex(selection.records_for(selection.article_ids), selection.items)
    if fmt == "ris":
        return references.to_ris(selection.records_for(selection.article_ids), selection.items)
    if fmt == "md":
        cited = selection.records_for(selection.cited_article_ids())
        front = documents.markdown_front_matter(bibliography_file, cited, csl_file)
        return documents.markdown_document(
            selection.items, selection.titles, front, selection.records
        )
    if fmt == "text":
        formatted = _formatted(selection, selection.items, None, style)
        return documents.text_document(
            selection.items,
            selection.titles,
            formatted.citations,
            formatted.references,
            formatted.note,
            markers,
            formatted.marks,
            selection.records,
        )
    if fmt == "w3c":
        return web_annotation.to_json(web_annotation.collection(selection.items, selection.records))
    raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


@dataclass(frozen=True)
class _Formatted:
    """What the plain-text export needs from the citation style."""

    citations: list[str]  # one per item
    references: list[str]  # the formatted reference list
    note: bool  # a note style (citations on their own line)
    marks: QuoteMarks  # the style's quotation marks


def _formatted(
    selection: Selection,
    items: Sequence[QuoteItem],
    reference_ids: Sequence[str] | None,
    style: str | StyleInfo | None,
) -> _Formatted:
    """The citations, references and quotation marks of the plain-text export."""
    from tuireader.core.export.styles import CiteRequest, format_citations, quote_marks

    ids = list(reference_ids) if reference_ids is not None else selection.cited_article_ids()
    records = selection.records_for(ids)
    requests = [
        CiteRequest(item.key, str(item.page), "page")
        if item.page
        else CiteRequest(item.key, str(item.paragraph) if item.paragraph else None)
        for item in items
    ]
    result = format_citations(records, requests, style or default_style(), "text")
    return _Formatted(
        result.citations,
        list(result.references.values()),
        result.style.note,
        quote_marks(result.style),
    )


# --- writing and updating in place ----------------------------------------------------------


@dataclass
class WriteReport:
    """What `write` did: files written and which blocks or entries it touched.

    Every annotation id (or citation key) in the file is in exactly one of replaced,
    added, kept and stale."""

    files: list[Path] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # annotation ids or citation keys
    added: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # in the file but not in this export
    # In the file from an earlier export, but the quote no longer verifies (left out of
    # this export): its block is kept and marked STALE in md and text; a Web Annotation
    # has no field for it, so there it is kept unchanged (`stale_marked` False).
    stale: list[str] = field(default_factory=list)
    stale_marked: bool = True
    # What went wrong once the files were written (the keys used could not be pinned).
    problems: list[str] = field(default_factory=list)


def write(
    selection: Selection,
    fmt: Format,
    path: Path,
    style: str | StyleInfo | None = None,
    csl_file: str | Path | None = None,
) -> WriteReport:
    """Write the export to `path`, updating the file in place when it exists (see the
    module docstring). md: `csl_file`, a CSL style file, is copied beside the document as
    `<stem>.csl` (see `style_path`) and a new document's front matter names the copy, so
    the folder renders the same anywhere. Raises ExportError, leaving every file untouched,
    when a target is refused (see `targets`) or an existing file cannot be read or merged."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    path = Path(path)
    protected = protected_folders(selection.workspace_root) if selection.workspace_root else ()
    try:
        # Before anything is opened: reading a FIFO would block, and a refused companion
        # file must stop the document's write too. The document first: a folder such as
        # `.` has no name to make the companion's from.
        targets = check_targets([path], protected)
        if fmt == "md":
            companions = [bibliography_path(path)]
            if csl_file is not None:
                companions.append(style_path(path))
            targets = check_targets([path, *companions], protected)
    except TargetRefusedError as error:
        raise ExportError(str(error)) from error
    target = targets[0]
    existing = _read_existing(target)
    report = WriteReport()
    if fmt in REFERENCE_FORMATS:
        records = selection.records_for(selection.article_ids)
        quotes = references.quotes_by_key(selection.items)
        text = _merge_records(fmt, existing, records, report, path, quotes)
        _write(target, text, report)
    elif fmt == "md":
        style_copy = _style_copy(csl_file, targets[2]) if csl_file is not None else None
        _write_markdown(selection, target, targets[1], existing, report, style_copy)
    elif fmt == "w3c":
        _write_web_annotations(selection, target, existing, report)
    else:
        _write_text(selection, target, existing, style, report)
    cited = selection.article_ids if fmt in REFERENCE_FORMATS else selection.cited_article_ids()
    used = {a: str(selection.records[a]["id"]) for a in cited if a in selection.records}
    report.problems += pin_keys(selection.workspace_root, used)
    return report


def style_path(path: Path) -> Path:
    """Where the Markdown export's copy of the CSL style goes: notes.md → notes.csl."""
    return path.with_name(path.stem + STYLE_SUFFIX)


@dataclass(frozen=True)
class _StyleCopy:
    """A CSL style file to put beside a Markdown document, and where."""

    source: Path
    target: Target


def _style_copy(csl_file: str | Path, target: Target) -> _StyleCopy:
    """The style to copy (ExportError when it cannot be read)."""
    source = Path(csl_file).expanduser()
    if not source.is_file():
        raise ExportError(f"the style file {source} does not exist")
    return _StyleCopy(source, target)


def _read_existing(target: Target) -> str | None:
    """The text of a file to update, None when it does not exist yet."""
    try:
        data = target.real.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ExportError(f"{target.path} cannot be read ({error.strerror or error})") from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ExportError(f"{target.path} is not UTF-8 text; not overwriting it") from error


def _write(target: Target, text: str, report: WriteReport) -> None:
    """Write one file atomically and note it in the report (under the name given).

    The resolved file is replaced, so a symlink given as the target stays a link."""
    try:
        atomic_write_text(target.real, text)
    except OSError as error:
        raise ExportError(f"{target.path} cannot be written ({error.strerror or error})") from error
    report.files.append(target.path)


def bibliography_path(path: Path) -> Path:
    """Where the Markdown export's CSL-JSON bibliography goes: notes.md → notes.csl.json."""
    return path.with_name(path.stem + BIBLIOGRAPHY_SUFFIX)


def _write_markdown(
    selection: Selection,
    target: Target,
    bib_target: Target,
    existing: str | None,
    report: WriteReport,
    style_copy: _StyleCopy | None = None,
) -> None:
    """Write or update a Markdown export, the CSL-JSON bibliography beside it and the copy
    of the style (all targets already checked)."""
    bib_path = bib_target.path
    bib_existing = _read_existing(bib_target)
    csl_name = style_copy.target.path.name if style_copy else None
    if existing is None or not existing.strip():
        text = render(selection, "md", bibliography_file=bib_path.name, csl_file=csl_name)
        report.added += [item.annotation_id for item in selection.items]
    else:
        records = selection.records
        text = merge_blocks(
            existing,
            {
                i.annotation_id: documents.markdown_block(i, records.get(i.article_id))
                for i in selection.items
            },
            {item.annotation_id: item.article_id for item in selection.items},
            lambda a: documents.markdown_heading(a, selection.titles.get(a, a)),
            report,
            stale={
                i.annotation_id: documents.markdown_block(i, records.get(i.article_id), stale=True)
                for i in selection.left_out
            },
        )
    # The bibliography holds every work cited anywhere in the document, kept blocks and the
    # user's own [@key] citations included, so pandoc never meets an unknown key.
    by_key = {str(r["id"]): r for r in selection.records.values()}
    cited = [by_key[k] for k in dict.fromkeys(cited_keys(text)) if k in by_key]
    bib_text = _merge_records("csl-json", bib_existing, cited, WriteReport(), bib_path)
    style_text = _read_style(style_copy) if style_copy else None
    _write(target, text, report)
    _write(bib_target, bib_text, report)
    if style_copy and style_text is not None:
        _write(style_copy.target, style_text, report)


def _read_style(copy: _StyleCopy) -> str | None:
    """The text of the style to copy; None when the copy would be the file itself."""
    try:
        if copy.target.exists and copy.source.resolve() == copy.target.real.resolve():
            return None
        return copy.source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ExportError(f"the style file {copy.source} cannot be read ({error})") from error


def _write_text(
    selection: Selection,
    target: Target,
    existing: str | None,
    style: str | StyleInfo | None,
    report: WriteReport,
) -> None:
    """Write or update a plain-text export, its reference list rebuilt for the articles
    that have a section in the file."""
    if existing is None or not existing.strip():
        text = render(selection, "text", style=style, markers=True)
        report.added += [item.annotation_id for item in selection.items]
        _write(target, text, report)
        return
    sections = article_ids_in(existing)
    ids = list(dict.fromkeys([*sections, *selection.cited_article_ids()]))
    # The stale blocks are formatted with the others, so their citations stay in step.
    everything = [*selection.items, *selection.left_out]
    formatted = _formatted(selection, everything, ids, style)
    records = selection.records
    blocks: dict[str, str] = {}
    stale: dict[str, str] = {}
    left_out = {item.annotation_id for item in selection.left_out}
    for item, citation in zip(everything, formatted.citations, strict=True):
        is_stale = item.annotation_id in left_out
        (stale if is_stale else blocks)[item.annotation_id] = documents.text_block(
            item,
            citation,
            formatted.note,
            markers=True,
            marks=formatted.marks,
            record=records.get(item.article_id),
            stale=is_stale,
        )
    text = merge_blocks(
        existing,
        blocks,
        {item.annotation_id: item.article_id for item in selection.items},
        lambda a: documents.text_heading(a, selection.titles.get(a, a), markers=True),
        report,
        tail_marker=documents.BIBLIOGRAPHY_BEGIN,
        stale=stale,
    )
    text = _replace_bibliography(
        text, documents.text_bibliography(formatted.references, markers=True)
    )
    _write(target, text, report)


def _write_web_annotations(
    selection: Selection, target: Target, existing: str | None, report: WriteReport
) -> None:
    """Write or update a Web Annotation collection: annotations replaced by id, new ones
    appended, others kept (a left-out one from an earlier export is reported stale)."""
    try:
        present = web_annotation.existing_annotations(existing)
    except ValueError as error:
        raise ExportError(f"{target.path}: {error}; not overwriting it") from error
    new = [
        web_annotation.annotation(item, selection.records.get(item.article_id))
        for item in selection.items
    ]
    merged, replaced, added, kept = web_annotation.merge(present, new)
    ours = {
        web_annotation.annotation_iri(i.annotation_id): i.annotation_id
        for i in [*selection.items, *selection.left_out]
    }
    left_out = {web_annotation.annotation_iri(i.annotation_id) for i in selection.left_out}
    report.replaced += [ours.get(iri, iri) for iri in replaced]
    report.added += [ours.get(iri, iri) for iri in added]
    report.kept += [ours.get(iri, iri) for iri in kept if iri not in left_out]
    report.stale += [ours[iri] for iri in kept if iri in left_out]
    report.stale_marked = False
    _write(target, web_annotation.to_json(web_annotation.make_collection(merged)), report)


_BEGIN = re.compile(r"^<!-- annotation: (?P<id>.+?) -->[ \t]*\r?$", re.MULTILINE)
_ARTICLE = re.compile(r"^<!-- article: (?P<id>.+?) -->[ \t]*\r?$", re.MULTILINE)
_CITEKEY = re.compile(r"(?<![\w@\\])@\{?(\w(?:[\w:.#$%&\-+?<>~/]*\w)?)")


@dataclass(frozen=True)
class Block:
    """A managed annotation block in a document: [start, end) covers both marker lines."""

    annotation_id: str
    start: int
    end: int


def parse_blocks(text: str) -> list[Block]:
    """The managed blocks of a document, in order. Raises ExportError for a begin marker
    without its end marker, a block inside a block, or an id used twice, since replacing
    any of those could cut user text."""
    blocks: list[Block] = []
    seen: set[str] = set()
    begins = list(_BEGIN.finditer(text))
    for index, begin in enumerate(begins):
        annotation_id = begin.group("id")
        if annotation_id in seen:
            raise ExportError(f"annotation {annotation_id} has two blocks in the file")
        seen.add(annotation_id)
        end_line = re.compile(
            rf"^{re.escape(documents.end_marker(annotation_id))}[ \t]*\r?$", re.MULTILINE
        )
        end = end_line.search(text, begin.end())
        next_begin = begins[index + 1].start() if index + 1 < len(begins) else len(text)
        if end is None or end.start() > next_begin:
            raise ExportError(
                f"the block of annotation {annotation_id} has no end marker "
                f"({documents.end_marker(annotation_id)}) before the next block"
            )
        stop = end.end()
        if text.startswith("\n", stop):
            stop += 1
        blocks.append(Block(annotation_id, begin.start(), stop))
    return blocks


def article_ids_in(text: str) -> list[str]:
    """Article ids named by `<!-- article: ID -->` lines, in order."""
    return list(dict.fromkeys(m.group("id") for m in _ARTICLE.finditer(text)))


def cited_keys(text: str) -> list[str]:
    """Pandoc citation keys (@key) used in a Markdown text, in order."""
    return [m.group(1) for m in _CITEKEY.finditer(text)]


def merge_blocks(
    existing: str,
    blocks: Mapping[str, str],
    article_of: Mapping[str, str],
    heading: Callable[[str], str],
    report: WriteReport,
    tail_marker: str | None = None,
    stale: Mapping[str, str] | None = None,
) -> str:
    """Merge new annotation blocks into an existing document (see the module docstring).

    `blocks` maps annotation id → block text (in export order), `article_of` annotation id
    → article id, `heading(article_id)` gives a new section's heading. New sections go at
    the end, or before the line `tail_marker` when the document has it. `stale` maps the
    ids of annotations left out of this export (their quote no longer verifies) to their
    block marked STALE: it replaces the block the file has, and is never added.
    """
    stale = stale or {}
    current = parse_blocks(existing)
    present = {b.annotation_id: b for b in current}
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement)
    for block in current:
        if block.annotation_id in blocks:
            edits.append((block.start, block.end, blocks[block.annotation_id]))
            report.replaced.append(block.annotation_id)
        elif block.annotation_id in stale:
            edits.append((block.start, block.end, stale[block.annotation_id]))
            report.stale.append(block.annotation_id)
        else:
            report.kept.append(block.annotation_id)
    new_by_article: dict[str, list[str]] = {}
    for annotation_id in blocks:
        if annotation_id not in present:
            new_by_article.setdefault(article_of[annotation_id], []).append(annotation_id)
            report.added.append(annotation_id)
    markers = list(_ARTICLE.finditer(existing))
    tail = existing.find(tail_marker) if tail_marker else -1
    appended: list[str] = []
    for article_id, ids in new_by_article.items():
        texts = [blocks[i] for i in ids]
        point = _insertion_point(existing, article_id, markers, current)
        if point is None:
            appended.append("\n".join([heading(article_id), *texts]))
        else:
            edits.append((point, point, "".join("\n" + t for t in texts)))
    if appended:
        point = tail if tail >= 0 else len(existing)
        lead = _separator(existing[:point])
        edits.append((point, point, lead + "\n".join(appended) + ("\n" if tail >= 0 else "")))
    # Applied from the end so offsets stay valid; of two insertions at one point, the one
    # listed first must end up first, so it is applied last.
    text = existing
    ordered = sorted(enumerate(edits), key=lambda e: (e[1][0], e[1][1], e[0]), reverse=True)
    for _n, (start, end, replacement) in ordered:
        text = text[:start] + replacement + text[end:]
    return text


def _separator(before: str) -> str:
    """What to put after `before` so that appended text starts after one blank line."""
    if not before or before.endswith("\n\n"):
        return ""
    return "\n" if before.endswith("\n") else "\n\n"


def _insertion_point(
    text: str, article_id: str, markers: Sequence[re.Match[str]], blocks: Sequence[Block]
) -> int | None:
    """Where new blocks of an article go: after the last block of its section (or after its
    marker line when the section has none); None when the document has no such section."""
    for index, marker in enumerate(markers):
        if marker.group("id") != article_id:
            continue
        section_end = markers[index + 1].start() if index + 1 < len(markers) else len(text)
        inside = [b for b in blocks if marker.end() <= b.start < section_end]
        if inside:
            return inside[-1].end
        line_end = text.find("\n", marker.end())
        return len(text) if line_end == -1 else line_end + 1
    return None


def _replace_bibliography(text: str, bibliography: str) -> str:
    """Replace the managed reference list of a plain-text export (append it when absent)."""
    start = text.find(documents.BIBLIOGRAPHY_BEGIN)
    end = text.find(documents.BIBLIOGRAPHY_END, start + 1) if start >= 0 else -1
    if start >= 0 and end >= 0:
        stop = end + len(documents.BIBLIOGRAPHY_END)
        if text.startswith("\n", stop):
            stop += 1
        return text[:start] + bibliography + text[stop:]
    if start >= 0:
        raise ExportError(
            f"the reference list has no end marker ({documents.BIBLIOGRAPHY_END}); not updating"
        )
    return text + _separator(text) + bibliography


# --- reference files ------------------------------------------------------------------------


def _merge_records(
    fmt: str,
    existing: str | None,
    records: Sequence[Mapping[str, Any]],
    report: WriteReport,
    path: Path,
    quotes: Mapping[str, Sequence[QuoteItem]] | None = None,
) -> str:
    """A reference file with `records` merged into `existing` by citation key, each
    record with its quotes (citation key → quote items) as the format's notes."""
    quotes = quotes or {}
    if fmt == "csl-json":
        return _merge_csl_json(existing, records, report, path, quotes)
    entry_text = references.bibtex_entry if fmt == "bibtex" else references.ris_record
    new = {str(r["id"]): entry_text(r, quotes.get(str(r["id"]), ())) for r in records}
    if existing is None or not existing.strip():
        report.added += list(new)
        return "\n".join(new.values())
    spans = _bibtex_entries(existing) if fmt == "bibtex" else _ris_records(existing)
    return _merge_spans(existing, spans, new, report)


def _merge_spans(
    existing: str,
    spans: Sequence[tuple[str, int, int]],
    new: Mapping[str, str],
    report: WriteReport,
) -> str:
    """Replace the entries (key, start, end) whose key is in `new`; append the others."""
    text = existing
    for key, start, end in sorted(spans, key=lambda s: s[1], reverse=True):
        if key in new:
            replacement = new[key]
            if not text[start:end].endswith("\n"):
                replacement = replacement.rstrip("\n")
            text = text[:start] + replacement + text[end:]
    present = {key for key, _start, _end in spans}
    report.replaced += [k for k in new if k in present]
    report.kept += [k for k, _s, _e in spans if k not in new]
    added = [k for k in new if k not in present]
    report.added += added
    if added:
        text += _separator(text) + "\n".join(new[k] for k in added)
    return text


def _merge_csl_json(
    existing: str | None,
    records: Sequence[Mapping[str, Any]],
    report: WriteReport,
    path: Path,
    quotes: Mapping[str, Sequence[QuoteItem]],
) -> str:
    """A CSL-JSON list with `records` (with their quotes) replacing items of the same id,
    others kept."""
    items: list[Any] = []
    if existing is not None and existing.strip():
        try:
            items = json.loads(existing)
        except ValueError as error:
            raise ExportError(f"{path} is not valid JSON ({error}); not overwriting it") from error
        if not isinstance(items, list):
            raise ExportError(f"{path} is not a CSL-JSON list of items; not overwriting it")
    new = {str(r["id"]): references.csl_item(r, quotes.get(str(r["id"]), ())) for r in records}
    merged: list[Any] = []
    for item in items:
        item_id = str(item.get("id")) if isinstance(item, dict) else None
        if item_id in new:
            merged.append(new.pop(item_id))
            report.replaced.append(item_id)
        else:
            merged.append(item)
            if item_id is not None:
                report.kept.append(item_id)
    report.added += list(new)
    merged += new.values()
    return references.to_csl_json(merged)


_BIBTEX_START = re.compile(r"@\s*(\w+)\s*([{(])", re.MULTILINE)


def _bibtex_entries(text: str) -> list[tuple[str, int, int]]:
    """(key, start, end) of each entry in a .bib text; @comment, @string and @preamble are
    not entries. Raises ExportError for an entry whose braces do not close."""
    spans: list[tuple[str, int, int]] = []
    position = 0
    while True:
        match = _BIBTEX_START.search(text, position)
        if match is None:
            return spans
        end = _matching(text, match.end(), match.group(2))
        if end is None:
            raise ExportError(
                f"the .bib entry starting on line {text.count(chr(10), 0, match.start()) + 1} "
                "does not close; not updating the file"
            )
        if match.group(1).lower() not in ("comment", "string", "preamble"):
            key = text[match.end() : end].split(",", 1)[0].strip()
            stop = end + 1
            if text.startswith("\n", stop):
                stop += 1
            spans.append((key, match.start(), stop))
        position = end + 1


def _matching(text: str, start: int, open_char: str) -> int | None:
    """Offset of the delimiter closing an entry opened by `open_char` just before `start`.

    Braces are counted the way BibTeX counts them, backslash or not (which is why the
    writer escapes a literal brace as \\textbraceleft{} rather than \\{).
    """
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return index if open_char == "{" else None
            depth -= 1
        elif char == ")" and open_char == "(" and depth == 0:
            return index
    return None


_RIS_START = re.compile(r"^TY  - .*$", re.MULTILINE)
_RIS_END = re.compile(r"^ER  -.*(?:\r?\n|$)", re.MULTILINE)
_RIS_ID = re.compile(r"^ID  - (.+?)\s*$", re.MULTILINE)


def _ris_records(text: str) -> list[tuple[str, int, int]]:
    """(ID, start, end) of each RIS record that has an ID line."""
    spans: list[tuple[str, int, int]] = []
    for start in _RIS_START.finditer(text):
        end = _RIS_END.search(text, start.end())
        if end is None:
            raise ExportError(
                f"a RIS record (line {text.count(chr(10), 0, start.start()) + 1}) has no ER line"
            )
        record = text[start.start() : end.end()]
        found = _RIS_ID.search(record)
        if found:
            spans.append((found.group(1), start.start(), end.end()))
    return spans


# --- single citations (the `cite` command, the app's copy key) ------------------------------


@dataclass
class CitationText:
    """A formatted citation of one article (or one annotation), ready to show or copy."""

    article_id: str
    key: str
    style: StyleInfo
    reference: str  # the bibliography entry (for note styles without one: the full note)
    citation: str  # the in-text citation or note, with the paragraph when given
    record: dict[str, Any]
    quote: QuoteItem | None = None
    warnings: list[str] = field(default_factory=list)  # keys that collided (see assign_keys)

    @property
    def keys(self) -> dict[str, str]:
        """The citation key it uses, by article id (what `pin_keys` takes)."""
        return {self.article_id: self.key}

    @property
    def clipboard(self) -> str:
        """What a copy key should put on the clipboard: the quote with its citation for an
        annotation, else the citation followed by the reference."""
        if self.quote is not None:
            from tuireader.core.export.styles import enclose_quote, quote_marks

            quote = enclose_quote(self.quote.exact, quote_marks(self.style))
            if self.style.note:
                return f"{quote}\n{self.citation}"
            return f"{quote} {self.citation}"
        if self.citation == self.reference:
            return self.reference
        return f"{self.citation}\n{self.reference}"


def cite_article(
    workspace: Workspace,
    article_id: str,
    style: str | StyleInfo | None = None,
    paragraph: int | None = None,
    markup: Markup = "text",
) -> CitationText:
    """The reference and in-text citation of one article, in `style` (default: settings),
    as an export of the whole workspace gives them: "2018a" when the workspace holds
    another 2018 work by the same author, MLA's title when it holds another work by them.
    Raises UnknownArticleError or StyleError."""
    article = workspace.article(article_id)
    warnings: list[str] = []
    records = workspace_records(workspace, warnings)
    return _cite(article.id, records, warnings, style, paragraph, markup)


def _cite(
    article_id: str,
    records: dict[str, dict[str, Any]],
    warnings: list[str],
    style: str | StyleInfo | None,
    paragraph: int | None,
    markup: Markup,
) -> CitationText:
    """`cite_article` with the workspace's records (and their key warnings) already made."""
    from tuireader.core.export.styles import CiteRequest, format_among, resolve_style

    record = records[article_id]
    info = style if not isinstance(style, str | None) else resolve_style(style or default_style())
    request = CiteRequest(str(record["id"]), str(paragraph) if paragraph else None)
    result = format_among(list(records.values()), request, info, markup)
    citation = result.citations[0]
    reference = result.references.get(str(record["id"]), citation)
    return CitationText(
        article_id, str(record["id"]), result.style, reference, citation, record, None, warnings
    )


def find_annotation(workspace: Workspace, annotation_id: str) -> Annotation | None:
    """The stored annotation with this id (or unique id prefix), if any."""
    annotations, _problems = load_annotations(workspace)
    exact = [a for a in annotations if a.id == annotation_id]
    if exact:
        return exact[0]
    prefixed = [a for a in annotations if a.id.startswith(annotation_id)]
    return prefixed[0] if len(prefixed) == 1 and len(annotation_id) >= 4 else None


def cite_annotation(
    workspace: Workspace,
    annotation: Annotation,
    style: str | StyleInfo | None = None,
    markup: Markup = "text",
) -> CitationText:
    """The citation of an annotation's quote, at its paragraph, with the checked quote in
    `.quote` (look at `.quote.verified` before copying it)."""
    article = workspace.article(annotation.article_id)
    warnings: list[str] = []
    records = workspace_records(workspace, warnings)  # once: it reads the keys file
    item = check_quote(annotation, article, str(records[article.id]["id"]))
    result = _cite(article.id, records, warnings, style, item.paragraph, markup)
    result.quote = item
    return result
