"""Articles as the rest of tuireader sees them: exact text, paragraphs with offsets, metadata.

The file text is never altered: citations quote the file, annotations anchor to offsets in it.
Paragraphs that are page furniture (navigation, paywall prompts, author blurbs) are marked,
not removed, so the reader can dim them and search and entity counts can leave them out.
Each paragraph also carries its locator, the number a citation gives it ("para. 7"):
body paragraphs only, as a reader of the published page counts them
(`tuireader.core.annotations.locators` documents the rule).
"""

from __future__ import annotations

import calendar
import errno
import hashlib
import math
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ARTICLE_SUFFIXES = (".txt", ".md")
# The largest article file loaded (bytes). Reading, splitting and anchoring cost about a
# hundred times the file's size in memory (a 25 MB article took 2.4 GB and 37 s to
# annotate), so a bigger file is skipped with a warning rather than risk a MemoryError.
# Ten MB is three times the length of War and Peace. Documented in README "Limits".
MAX_ARTICLE_BYTES = 10 * 1024 * 1024

# Lines that are page furniture wherever they appear (matched against the whole paragraph).
_FURNITURE_LINE = re.compile(
    r"""^(?:
        published\ by\ .{1,80}
      | in\ cooperation\ with
      | subscribe(?:\ (?:now|today|for\ .{0,40}))?[.!]?
      | already\ a\ subscriber\??
      | (?:sign\ in|log\ in|login)(?:\ .{0,30})?
      | advertisement
      | share\ (?:this|on)\ .{0,30}
      | (?:recent|related|latest)\ (?:features|articles|posts|stories)
      | the\ authors?
      | author'?s\ bio:?
      | about\ the\ authors?:?
      | overview
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# Photo credits: furniture, and the paragraph just before one is the photo's caption.
_CREDIT_LINE = re.compile(
    r"^(?:credit:\ .{1,120} | image\ source:.{0,200} | photo(?:\ credit)?:\ .{1,120})$",
    re.IGNORECASE | re.VERBOSE,
)
# Lines after which the rest of the page is furniture (paywall prompts, author blurbs).
_FURNITURE_TAIL = re.compile(
    r"^(?:want to read more\??|subscribe for full access\.?|author'?s bio:?|about the authors?:?)",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^[Bb]y\s+([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})$")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# C0/C1 controls other than tab, LF, FF and CR: many of them mean a binary file.
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_SENTENCE_END = re.compile(r"[.!?:;”\"’)]$")
# Lines of a block that are all this short are separate lines (navigation, section names).
_SHORT_LINE_WORDS = 8
# A standfirst (the summary under the headline) is a sentence or two; a longer paragraph
# in its place is the article's first.
STANDFIRST_MAX_WORDS = 60
# Furniture that stands between a standfirst and the body on a captured page.
_PAGE_HEAD_FURNITURE = frozenset(
    {
        "repeated title",
        "byline",
        "boilerplate line",
        "section or navigation line",
        "listed in catalog",
    }
)
# How catalog dates are written: YYYY, YYYY-MM or YYYY-MM-DD.
NUMERIC_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class ArticleLoadError(Exception):
    """An article file that cannot be used (binary, empty, unreadable)."""


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of an article, located by character offsets in the exact file text."""

    number: int  # 1-based, counting every paragraph including furniture
    start: int
    end: int
    text: str
    furniture: bool = False
    furniture_reason: str | None = None
    locator: int | None = None
    """The number a reader of the published page gives the paragraph ("para. 7"): body
    paragraphs only, counted by `mark_furniture` (the rule is documented in
    `annotations/locators.py`); None for the headline, standfirst, captions, headings and
    furniture."""


@dataclass(frozen=True)
class ArticleMeta:
    """Bibliographic facts; a field nobody knows stays None (never invented)."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    container: str | None = None
    issued: str | None = None  # ISO-like: YYYY, YYYY-MM or YYYY-MM-DD
    url: str | None = None
    type: str | None = None  # CSL item type, e.g. article-magazine
    accessed: str | None = None
    title_source: str | None = None  # "catalog" or "text"; None when missing
    pages: tuple[int, ...] = ()  # where each page of the original begins (an imported PDF)

    def to_dict(self) -> dict[str, Any]:
        """The metadata as a plain dict (for JSON output)."""
        return {
            "title": self.title,
            "authors": list(self.authors),
            "container": self.container,
            "issued": self.issued,
            "url": self.url,
            "type": self.type,
        }


@dataclass
class Article:
    """One article: its id (file stem), exact text, paragraphs and metadata."""

    id: str
    path: Path
    text: str
    meta: ArticleMeta
    paragraphs: list[Paragraph]
    warnings: list[str] = field(default_factory=list)

    @property
    def checksum(self) -> str:
        """SHA-256 of the text, used to detect changes (index, entities, annotations)."""
        return text_checksum(self.text)

    @property
    def title(self) -> str:
        """The title, or the id when no title is known (for display only)."""
        return self.meta.title or self.id

    @property
    def body_paragraphs(self) -> list[Paragraph]:
        """Paragraphs that are not page furniture."""
        return [p for p in self.paragraphs if not p.furniture]

    @property
    def word_count(self) -> int:
        """Words in the body paragraphs."""
        return sum(len(p.text.split()) for p in self.body_paragraphs)

    def paragraph(self, number: int) -> Paragraph:
        """The paragraph with this 1-based number (IndexError when out of range)."""
        if not 1 <= number <= len(self.paragraphs):
            raise IndexError(f"{self.id} has no paragraph {number}")
        return self.paragraphs[number - 1]

    def paragraph_at(self, offset: int) -> Paragraph | None:
        """The paragraph containing character offset `offset`, if any."""
        for paragraph in self.paragraphs:
            if paragraph.start <= offset < paragraph.end:
                return paragraph
        return None


def date_parts(text: str) -> list[int] | None:
    """[year], [year, month] or [year, month, day] of a date written YYYY, YYYY-MM or
    YYYY-MM-DD, when it is a real one (2019-02-30 and 2018-13 are not); else None.

    The one rule for catalog dates: the catalog schema refuses what this refuses, and
    citations turn what it accepts into CSL date parts.
    """
    match = NUMERIC_DATE.match(text.strip())
    if not match:
        return None
    parts = [int(p) for p in match.groups() if p is not None]
    if len(parts) >= 2 and not 1 <= parts[1] <= 12:
        return None
    if len(parts) == 3:
        year, month, day = parts
        days = 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month - 1]
        if not 1 <= day <= days:
            return None
    return parts


def text_checksum(text: str) -> str:
    """The checksum tuireader uses for an article text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def clean_for_display(text: str) -> str:
    """Strip terminal control sequences (ESC, C0/C1 controls) so text can never drive the
    terminal; tabs and newlines are kept."""
    return _CONTROL_CHARS.sub("", text)


def decode_bytes(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode article bytes: UTF-8 (BOM stripped), else cp1252 with a warning.

    Raises ArticleLoadError for binary data. Line endings are left as they are so that
    offsets stay offsets into the file's own text; CRLF is handled when splitting.
    """
    warnings: list[str] = []
    if b"\x00" in data[:8192]:
        raise ArticleLoadError(f"{name}: looks like a binary file, skipped")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise ArticleLoadError(f"{name}: not UTF-8 or cp1252 text, skipped") from error
        warnings.append(f"{name}: not valid UTF-8, read as cp1252")
    sample = text[:8192]
    if len(_BINARY_CONTROLS.findall(sample)) > max(8, len(sample) // 20):
        raise ArticleLoadError(f"{name}: looks like a binary file, skipped")
    return text, warnings


def paragraph_layout(paragraphs: Iterable[Paragraph]) -> str:
    """How a text was cut into paragraphs, as text: each paragraph's span, furniture
    marked "f" and its locator. Part of the fingerprint of everything derived from
    paragraphs (search, entities), so a change in how paragraphs are read (a better
    splitter, a furniture rule) rebuilds them even when no file changed."""
    return ",".join(
        f"{p.start}-{p.end}{'f' if p.furniture else ''}:{p.locator or ''}" for p in paragraphs
    )


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of paragraphs, trimmed of surrounding whitespace.

    Blank lines (nothing but blank space: spaces, tabs, no-break spaces, a CRLF's CR)
    cut the text into blocks; how the single line breaks inside blocks are read is
    decided once for the whole text, from its structure (`_lines_are_paragraphs`):
    either every non-blank line is a paragraph, or each block is one (hard-wrapped)
    paragraph, a block of very short lines (navigation, section names) being split into
    its lines. So a text with one paragraph per line stays so when one paragraph's text
    is deleted and leaves an empty line, and trailing spaces, CRLF, tabs or extra blank
    lines never change the count.
    """
    blocks = _blocks(text)
    if len(blocks) == 1 or _lines_are_paragraphs(text, blocks):
        return [line for block in blocks for line in block]
    return [span for block in blocks for span in _block_paragraphs(text, block)]


def _blocks(text: str) -> list[list[tuple[int, int]]]:
    """The text's runs of non-blank lines, each line as its (start, end) trimmed of
    surrounding blank space."""
    blocks: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    position = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = position + len(line) - len(line.lstrip())
            current.append((start, start + len(stripped)))
        elif current:
            blocks.append(current)
            current = []
        position += len(line) + 1
    if current:
        blocks.append(current)
    return blocks


def _lines_are_paragraphs(text: str, blocks: list[list[tuple[int, int]]]) -> bool:
    """Whether the single line breaks of a text that also has blank lines end paragraphs.

    Each line followed by another line of its block votes: one closing a sentence
    (. ! ? : ; or a closing quote or bracket) for a paragraph break, a longer one ending
    mid-sentence for a line wrapped inside a paragraph; a short line without sentence
    punctuation (a heading, a navigation line) may be either and does not vote.
    Hard-wrapped prose ends most lines mid-sentence; a text with one paragraph per line
    ends most of them with a full stop, whatever blank lines a hand edit left in it. On a
    tie the blank lines decide (blocks are paragraphs).
    """
    breaks = wraps = 0
    for block in blocks:
        for start, end in block[:-1]:
            line = text[start:end]
            if _SENTENCE_END.search(line):
                breaks += 1
            elif len(line.split()) > _SHORT_LINE_WORDS:
                wraps += 1
    return breaks > wraps


def _block_paragraphs(text: str, block: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A block of several very short lines (navigation, section names) is split into its
    lines; hard-wrapped prose, whose lines are longer, stays one paragraph."""
    if len(block) > 1 and all(len(text[s:e].split()) <= _SHORT_LINE_WORDS for s, e in block):
        return block
    return [(block[0][0], block[-1][1])]


def normal_line(text: str) -> str:
    """Lowercase, straight quotes, single spaces: for comparing titles and lines."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.lower().split())


def is_heading_like(text: str) -> bool:
    """A short line without sentence punctuation: a title, section name or label."""
    return len(text.split()) <= 12 and not _SENTENCE_END.search(text.strip())


def mark_furniture(
    spans: list[tuple[int, int]],
    text: str,
    title: str | None,
    extra_lines: Iterable[str] = (),
) -> list[Paragraph]:
    """Build paragraphs from spans, mark page furniture and number the body for readers.

    Furniture: known boilerplate lines, photo credits, repeats of the title, bylines,
    everything after a paywall or author-bio marker, short heading-like lines (section
    names) above the first real paragraph other than the title itself, and lines the
    catalog lists. Each paragraph's `locator` counts the paragraphs a reader of the
    published page counts (`_counted_by_readers`).
    """
    chunks = [text[start:end] for start, end in spans]
    reasons, headlines = _furniture_reasons(chunks, title, extra_lines)
    counted = _counted_by_readers(chunks, reasons, headlines)
    paragraphs: list[Paragraph] = []
    locator = 0
    for number, ((start, end), chunk, reason, counts) in enumerate(
        zip(spans, chunks, reasons, counted, strict=True), start=1
    ):
        locator += counts
        furniture = reason is not None
        paragraphs.append(
            Paragraph(number, start, end, chunk, furniture, reason, locator if counts else None)
        )
    return paragraphs


def _furniture_reasons(
    chunks: list[str], title: str | None, extra_lines: Iterable[str]
) -> tuple[list[str | None], set[int]]:
    """Why each paragraph is furniture (None: it is not), and the indexes of the
    paragraphs that are the title line (the first one is not furniture: it is the
    headline)."""
    extra = {normal_line(line) for line in extra_lines}
    normal_title = normal_line(title) if title else None
    headlines: set[int] = set()
    in_tail = False
    before_body = True
    reasons: list[str | None] = []
    for index, chunk in enumerate(chunks):
        normal = normal_line(chunk)
        reason: str | None = None
        if in_tail:
            reason = "after paywall or author bio"
        elif normal in extra:
            reason = "listed in catalog"
        elif _FURNITURE_TAIL.match(normal):
            in_tail = True
            reason = "paywall or author bio"
        elif _FURNITURE_LINE.match(normal):
            reason = "boilerplate line"
        elif _CREDIT_LINE.match(normal):
            reason = "photo credit"
        elif normal_title and normal == normal_title:
            if headlines:
                reason = "repeated title"
            headlines.add(index)
        elif _BYLINE.match(chunk.strip()):
            reason = "byline"
        elif before_body and is_heading_like(chunk):
            reason = "section or navigation line"
        if reason is None and len(chunk.split()) >= 25:
            before_body = False
        reasons.append(reason)
    return reasons, headlines


def _counted_by_readers(
    chunks: list[str], reasons: list[str | None], headlines: set[int]
) -> list[bool]:
    """Which paragraphs a reader of the published page counts when citing "para. N".

    The rule (documented for users in `tuireader.core.annotations.locators`): body
    paragraphs only. Not counted: furniture, the headline, section headings inside the
    body (short lines without sentence punctuation), a photo's caption (the paragraph
    right before its credit line) and the standfirst (`_standfirst`).
    """
    counted = [
        reason is None and index not in headlines and not is_heading_like(chunk)
        for index, (chunk, reason) in enumerate(zip(chunks, reasons, strict=True))
    ]
    for index in range(len(chunks) - 1):
        if reasons[index + 1] == "photo credit":
            counted[index] = False
    standfirst = _standfirst(chunks, reasons, headlines, counted)
    if standfirst is not None:
        counted[standfirst] = False
    return counted


def _standfirst(
    chunks: list[str], reasons: list[str | None], headlines: set[int], counted: list[bool]
) -> int | None:
    """The index of the standfirst, when one is detectable: the first prose paragraph
    after the headline, at most STANDFIRST_MAX_WORDS long, with page-head furniture (a
    byline, the repeated title, boilerplate or section lines) right after it. A first body
    paragraph is followed by the next body paragraph instead."""
    if not headlines:
        return None
    first = next((i for i in range(min(headlines) + 1, len(chunks)) if counted[i]), None)
    if first is None or first + 1 >= len(chunks):
        return None
    short = len(chunks[first].split()) <= STANDFIRST_MAX_WORDS
    return first if short and reasons[first + 1] in _PAGE_HEAD_FURNITURE else None


def metadata_from_text(
    text: str, spans: list[tuple[int, int]]
) -> tuple[str | None, tuple[str, ...]]:
    """Title and authors read from the text: a short first line as title, "By NAME" lines.

    Returns (None, ()) when the text offers nothing; nothing is guessed beyond that.
    """
    title = None
    if spans:
        first = text[spans[0][0] : spans[0][1]].strip()
        if "\n" not in first and len(first.split()) <= 20 and not first.endswith("."):
            title = first
    authors: list[str] = []
    for start, end in spans[:20]:
        match = _BYLINE.match(text[start:end].strip())
        if match:
            names = re.split(r"\s+and\s+|,\s*", match.group(1))
            authors.extend(name for name in names if name)
    return title, tuple(dict.fromkeys(authors))


def article_id_for(path: Path, seeds_dir: Path) -> str:
    """An article's id: its file stem, with sub-folders kept (`politics/some-story`)."""
    relative = path.relative_to(seeds_dir).with_suffix("")
    return relative.as_posix()


def load_article(path: Path, seeds_dir: Path, catalog: Mapping[str, Any] | None = None) -> Article:
    """Load one article file. Raises ArticleLoadError for files that cannot be used
    (unreadable, over MAX_ARTICLE_BYTES, binary, empty)."""
    name = path.relative_to(seeds_dir).as_posix()
    text, warnings = decode_bytes(read_article_bytes(path, name), name)
    if not text.strip():
        raise ArticleLoadError(f"{name}: empty file, skipped")
    article_id = article_id_for(path, seeds_dir)
    entry = dict((catalog or {}).get(article_id) or {})
    spans = split_paragraphs(text)
    text_title, text_authors = metadata_from_text(text, spans)
    title = entry.get("title") or text_title
    authors = entry.get("authors") or text_authors
    if isinstance(authors, str):
        authors = [authors]
    issued = entry.get("issued")
    meta = ArticleMeta(
        title=str(title) if title else None,
        authors=tuple(str(a) for a in authors),
        container=_optional_str(entry.get("container")),
        issued=str(issued) if issued is not None else None,
        url=_optional_str(entry.get("url")),
        type=_optional_str(entry.get("type")),
        accessed=_optional_str(entry.get("accessed")),
        title_source="catalog" if entry.get("title") else ("text" if text_title else None),
        pages=tuple(entry.get("pages") or ()),
    )
    paragraphs = mark_furniture(spans, text, meta.title, entry.get("furniture") or ())
    return Article(article_id, path, text, meta, paragraphs, warnings)


def _optional_str(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


def read_article_bytes(path: Path, name: str) -> bytes:
    """The bytes of one article file, `name` being how messages call it.

    Raises ArticleLoadError, before reading anything, for a file over MAX_ARTICLE_BYTES or
    one that is not a regular file (a FIFO or device would block or never end); the
    read itself stops at the limit, so a file growing meanwhile cannot get past it.
    """
    limit = MAX_ARTICLE_BYTES
    try:
        # O_NONBLOCK: opening a FIFO put in place of the file must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise ArticleLoadError(f"{name}: not a regular file, skipped")
            if info.st_size > limit:
                raise ArticleLoadError(_too_big(name, f"{_megabytes_up(info.st_size)} MB"))
            data = stream.read(limit + 1)
    except OSError as error:
        raise ArticleLoadError(f"{name}: cannot be read ({error.strerror or error})") from error
    if len(data) > limit:
        raise ArticleLoadError(_too_big(name, f"more than {_megabytes_up(limit)} MB"))
    return data


def _too_big(name: str, size: str) -> str:
    """The one message for an article over the size limit."""
    return (
        f"{name}: {size}, larger than the {_megabytes_up(MAX_ARTICLE_BYTES)} MB limit "
        "for an article; skipped"
    )


def _megabytes_up(size: int) -> str:
    """A byte count in MB (2**20 bytes) for messages, rounded up to a tenth so that a file
    just over the limit never reads as the limit itself: 10, 10.1, 25.3."""
    return f"{math.ceil(size * 10 / 2**20) / 10:.1f}".removesuffix(".0")


def iter_article_paths(seeds_dir: Path) -> list[Path]:
    """Article files under seeds/ (recursively), sorted; see `find_article_files` for what
    is skipped (this is its list of files without the warnings)."""
    return find_article_files(seeds_dir).paths


@dataclass(frozen=True)
class SeedFiles:
    """What a walk of seeds/ found: the article files (sorted) and a warning, naming the
    entry, for everything it skipped that the user should hear about."""

    paths: list[Path]
    warnings: list[str]
    # The entries skipped with a warning, path -> that warning (to say why an id is missing).
    skipped: dict[Path, str] = field(default_factory=dict)


def find_article_files(seeds_dir: Path, workspace_root: Path | None = None) -> SeedFiles:
    """Walk seeds/ for article files (.txt, .md), following symlinks only inside the
    workspace.

    Hidden files and folders are skipped quietly. A symlink (to a file or a folder) is
    followed only when its target lies inside the workspace (`workspace_root`, by default
    the folder holding seeds/) or inside seeds/ itself (seeds/ may be a link to the user's
    corpus); `seeds/passwd.txt -> /etc/passwd` is skipped with a warning, so no link can
    put an outside file into the list, the index or the output. Broken links, link loops,
    folder links to a folder that is walked anyway (each file would become two articles),
    folders that cannot be read and article-named entries that are not regular files
    (FIFOs, devices) are warned about and skipped; nothing is skipped silently except
    hidden entries.
    """
    walk = _SeedWalk(seeds_dir, seeds_dir.parent if workspace_root is None else workspace_root)
    return walk.run()


class _SeedWalk:
    """One walk of seeds/ (see `find_article_files`): the rules for following links."""

    def __init__(self, seeds_dir: Path, root: Path) -> None:
        self.seeds_dir = seeds_dir
        self.real_seeds = Path(os.path.realpath(seeds_dir))
        self.real_root = Path(os.path.realpath(root))
        self.paths: list[Path] = []
        self.warnings: list[str] = []
        self.skipped: dict[Path, str] = {}
        # Folders walked, by (device, inode), with how they were reached: a folder link
        # that leads to one again (outside seeds/) is a loop or a second route.
        self.walked: dict[tuple[int, int], Path] = {}

    def run(self) -> SeedFiles:
        """Walk the whole tree; an explicit stack, not recursion, so that a hostile tree
        thousands of folders deep cannot hit the recursion limit."""
        try:
            info = os.stat(self.seeds_dir)
        except OSError as error:
            return SeedFiles([], [f"seeds/ cannot be read ({error.strerror or error})"])
        self.walked[(info.st_dev, info.st_ino)] = self.seeds_dir
        stack = [self.seeds_dir]
        while stack:
            folder = stack.pop()
            # Reversed so that sub-folders are walked in name order (stable warnings).
            stack.extend(reversed(self._walk_folder(folder)))
        return SeedFiles(sorted(self.paths), self.warnings, self.skipped)

    def _walk_folder(self, folder: Path) -> list[Path]:
        """Take the article files of one folder; return its sub-folders to walk."""
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            reason = error.strerror or error
            self.warnings.append(
                f"{self._label(folder)}: folder cannot be read ({reason}); skipped"
            )
            return []
        subfolders: list[Path] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = folder / entry.name
            found = self._follow(entry, path)
            if found is None:
                continue
            info, real = found
            if stat.S_ISDIR(info.st_mode):
                if self._new_folder(path, info, real, folder):
                    subfolders.append(path)
            elif path.suffix.lower() in ARTICLE_SUFFIXES:
                if stat.S_ISREG(info.st_mode):
                    self.paths.append(path)
                else:  # reading a FIFO blocks, and a device may never end
                    self._skip(path, "not a regular file (FIFO, device or socket)")
        return subfolders

    def _follow(
        self, entry: os.DirEntry[str], path: Path
    ) -> tuple[os.stat_result, Path | None] | None:
        """What `entry` names and, for a symlink, its real path; None (warned) when it is a
        link that cannot or must not be followed, or cannot be read."""
        try:
            if not entry.is_symlink():
                return entry.stat(follow_symlinks=False), None
        except OSError as error:
            self._skip(path, f"cannot be read ({error.strerror or error})")
            return None
        try:
            info = os.stat(path)  # follows the whole chain
        except OSError as error:
            if error.errno == errno.ELOOP:
                self._skip(path, "symlink loop")
            elif error.errno in (errno.ENOENT, errno.ENOTDIR):
                self._skip(path, f"broken symlink (to {_link_text(path)})")
            else:
                self._skip(path, f"symlink cannot be followed ({error.strerror or error})")
            return None
        real = Path(os.path.realpath(path))
        if not (real.is_relative_to(self.real_root) or real.is_relative_to(self.real_seeds)):
            self._skip(path, f"symlink to {real}, outside the workspace")
            return None
        return info, real

    def _new_folder(
        self, path: Path, info: os.stat_result, real: Path | None, folder: Path
    ) -> bool:
        """Whether the folder at `path` is to be walked: not when it is a link to a folder
        the walk reaches anyway (a loop, or each of its files would be two articles)."""
        key = (info.st_dev, info.st_ino)
        if real is not None and (real.is_relative_to(self.real_seeds) or key in self.walked):
            # A link back to a folder holding it is a loop; else a second route.
            if Path(os.path.realpath(folder)).is_relative_to(real):
                self._skip(path, f"symlink loop (back to {self._where(real)})")
            else:
                self._skip(path, f"symlink to {self._where(real)}, which is read already")
            return False
        if key in self.walked:  # a real folder met twice: only bind mounts do this
            self._skip(path, f"the same folder as {self._label(self.walked[key])}")
            return False
        self.walked[key] = path
        return True

    def _skip(self, path: Path, reason: str) -> None:
        """Warn that the entry at `path` is skipped, and why."""
        message = f"{self._label(path)}: {reason}; skipped"
        self.warnings.append(message)
        self.skipped[path] = message

    def _label(self, path: Path) -> str:
        """How warnings name an entry of the walk: `seeds/sub/file.txt`, `seeds/`."""
        relative = path.relative_to(self.seeds_dir).as_posix()
        return "seeds/" if relative == "." else f"seeds/{relative}"

    def _where(self, real: Path) -> str:
        """A real folder named for a warning: `seeds/...` or relative to the workspace."""
        if real.is_relative_to(self.real_seeds):
            relative = real.relative_to(self.real_seeds).as_posix()
            return "seeds/" if relative == "." else f"seeds/{relative}"
        relative = real.relative_to(self.real_root).as_posix()
        return "the workspace folder" if relative == "." else f"{relative}/"


def _link_text(path: Path) -> str:
    """Where a symlink points, as written in the link."""
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def find_article_files_and_folders(
    seeds_dir: Path, workspace_root: Path | None = None
) -> tuple[SeedFiles, list[Path]]:
    """`find_article_files`, and every folder the walk went through (seeds/ first, as
    reached: through a link when it was one). Adding, removing or renaming a file in a
    folder changes that folder's modification time, so a caller that keeps these times
    can tell without walking again whether the list of files may have changed."""
    walk = _SeedWalk(seeds_dir, seeds_dir.parent if workspace_root is None else workspace_root)
    found = walk.run()
    return found, list(walk.walked.values())
