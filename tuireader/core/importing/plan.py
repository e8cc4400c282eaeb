"""What an import would do with each file: new (with the id it gets), duplicate (with what
it duplicates), or unreadable (with the reason). Nothing is written here: `--dry-run`
prints a plan, `run.py` carries one out.

Duplicates are recognised by checksum, two ways: the file's bytes are those of an original
already kept under sources/ (the same file imported twice), or the text extracted from it
is that of an article in seeds/, compared without case and spacing (the same page saved
twice, with other ads and timestamps around the same article; or a .txt already there).
Within one import the same two checks run against the files before it.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tuireader.core.corpus import (
    MAX_ARTICLE_BYTES,
    ArticleLoadError,
    article_id_for,
    find_article_files,
    normal_line,
    read_article_bytes,
)
from tuireader.core.importing.document import ArticleText, Unreadable, article_text
from tuireader.core.importing.formats import extractor_for, format_of
from tuireader.core.text import fold, plural
from tuireader.core.workspace import ProgressCallback

SOURCES_DIR = "sources"
MAX_SOURCE_BYTES = 200 * 1024 * 1024
"""Largest file imported (200 MB: a long scanned report); a larger one is listed as
unreadable, before anything of it is read."""
NEW, DUPLICATE, UNREADABLE = "new", "duplicate", "unreadable"
_SLUG_MAX = 60  # characters of an article id made from a file name


@dataclass
class PlannedFile:
    """One input file and what the import does with it."""

    path: Path
    """The file as found (given, or under a folder that was given)."""
    status: str
    """NEW, DUPLICATE or UNREADABLE."""
    reason: str = ""
    """For a duplicate, what it duplicates; for an unreadable file, why."""
    kind: str | None = None
    """What the file is ("web page", "PDF"...), None for a type tuireader cannot import."""
    article_id: str | None = None
    """The id the new article gets (its file is seeds/<id><suffix>)."""
    suffix: str = ".txt"
    """The article file's suffix."""
    article: ArticleText | None = None
    """The text to write (new files only)."""
    facts: dict[str, Any] = field(default_factory=dict)
    """The catalog facts found in the file."""
    warnings: list[str] = field(default_factory=list)
    """What the extractor noticed but read anyway."""
    checksum: str = ""
    """SHA-256 of the file's bytes (run.py checks the file did not change since)."""

    @property
    def article_file(self) -> str | None:
        """The article's file name under seeds/."""
        return f"{self.article_id}{self.suffix}" if self.article_id else None

    @property
    def source_file(self) -> str | None:
        """Where the original is kept, relative to the workspace."""
        if not self.article_id:
            return None
        return f"{SOURCES_DIR}/{self.article_id}{self.path.suffix.lower()}"

    def to_dict(self) -> dict[str, Any]:
        """The plan of this file for JSON output."""
        data: dict[str, Any] = {"path": str(self.path), "status": self.status}
        if self.kind:
            data["kind"] = self.kind
        if self.reason:
            data["reason"] = self.reason
        if self.status == NEW:
            data.update(
                id=self.article_id,
                article=f"seeds/{self.article_file}",
                source=self.source_file,
                facts=self.facts,
            )
            if self.article is not None and self.article.page_starts is not None:
                data["pages"] = len(self.article.page_starts)
        if self.warnings:
            data["warnings"] = self.warnings
        return data


@dataclass
class ImportPlan:
    """What importing some paths into a workspace would do, file by file."""

    root: Path
    files: list[PlannedFile]

    def count(self, status: str) -> int:
        """How many files have this status."""
        return sum(1 for f in self.files if f.status == status)

    def summary(self, dry_run: bool = False) -> str:
        """How many files went which way, in one line (the CLI's last line, the app's
        notification's first)."""
        new = plural(self.count(NEW), "file")
        first = f"{new} would be imported" if dry_run else f"{new} imported"
        return (
            f"{first}, {plural(self.count(DUPLICATE), 'duplicate')}, "
            f"{self.count(UNREADABLE):,} unreadable"
            + (" (dry run: nothing changed)" if dry_run else "")
        )

    @property
    def new(self) -> list[PlannedFile]:
        """The files that become articles."""
        return [f for f in self.files if f.status == NEW]


def plan_import(
    root: Path, inputs: Sequence[Path], progress: ProgressCallback | None = None
) -> ImportPlan:
    """What importing `inputs` (files, or folders walked recursively) into the workspace at
    `root` would do. `progress(done, total, name)` is called after each file."""
    root = Path(root)
    files = list(_input_files(inputs))
    known = _Known(root)
    planned: list[PlannedFile] = []
    for done, path in enumerate(files, start=1):
        planned.append(known.plan(path))
        if progress is not None:
            progress(done, len(files), path.name)
    return ImportPlan(root, planned)


def _input_files(inputs: Iterable[Path]) -> Iterable[Path]:
    """Every file to consider: the files given, and the files under the folders given
    (sorted; hidden entries and the `X_files/` folders of saved pages left out)."""
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path)
        else:
            yield path


def _walk(folder: Path) -> Iterable[Path]:
    """The files under `folder`, sorted, without hidden ones and page-asset folders."""
    for current, dirs, names in os.walk(folder):
        here = Path(current)
        pages = {Path(n).stem for n in names if format_of(Path(n)) == "web page"}
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not _page_assets(d, pages))
        for name in sorted(names):
            if not name.startswith("."):
                yield here / name


def _page_assets(folder: str, pages: set[str]) -> bool:
    """Whether a folder holds the images and styles of a saved page beside it ("X_files"
    beside "X.html", as browsers save a complete page)."""
    return folder.endswith("_files") and folder.removesuffix("_files") in pages


class _Known:
    """What the workspace holds, to tell new files from duplicates and give unique ids."""

    def __init__(self, root: Path) -> None:
        self.root = root
        seeds = root / "seeds"
        self.ids: set[str] = set()
        self.texts: dict[str, str] = {}  # text fingerprint -> what has it
        for path in find_article_files(seeds).paths if seeds.is_dir() else []:
            article_id = article_id_for(path, seeds)
            self.ids.add(article_id.casefold())
            name = path.relative_to(seeds).as_posix()
            try:
                data = read_article_bytes(path, name)
            except ArticleLoadError:
                continue
            self.texts.setdefault(_fingerprint(data.decode("utf-8", "replace")), f"seeds/{name}")
        self.sources_by_size: dict[int, list[Path]] = {}
        sources = root / SOURCES_DIR
        for path in sorted(sources.iterdir()) if sources.is_dir() else []:
            if path.is_file() and not path.name.startswith("."):
                self.ids.add(path.stem.casefold())
                self.sources_by_size.setdefault(path.stat().st_size, []).append(path)
        self.checksums: dict[str, str] = {}  # bytes checksum -> what has it

    def plan(self, path: Path) -> PlannedFile:
        """The plan for one file."""
        kind = format_of(path)
        try:
            if kind is None and path.is_file():
                extractor_for(path)  # says which types can be imported
            data = _read(path)
        except Unreadable as error:
            return PlannedFile(path, UNREADABLE, str(error), kind)
        checksum = hashlib.sha256(data).hexdigest()
        same = self.checksums.get(checksum) or self._kept_original(data, checksum)
        if same:
            return PlannedFile(path, DUPLICATE, f"same file as {same}", kind, checksum=checksum)
        self.checksums[checksum] = str(path)
        try:
            extracted = extractor_for(path)(data, path.name)
            article = article_text(extracted)
        except Unreadable as error:
            return PlannedFile(path, UNREADABLE, str(error), kind, checksum=checksum)
        except Exception as error:
            # Third-party parsers raise anything on a broken file; one file must not stop
            # the import of the others.
            reason = f"cannot be read ({type(error).__name__}: {error})"
            return PlannedFile(path, UNREADABLE, reason, kind, checksum=checksum)
        if len(article.text.encode("utf-8")) > MAX_ARTICLE_BYTES:
            limit = MAX_ARTICLE_BYTES // 2**20
            reason = f"its text is larger than the {limit} MB limit for an article"
            return PlannedFile(path, UNREADABLE, reason, kind, checksum=checksum)
        fingerprint = _fingerprint(article.text)
        same = self.texts.get(fingerprint)
        if same:
            return PlannedFile(path, DUPLICATE, f"same text as {same}", kind, checksum=checksum)
        article_id = self._new_id(path)
        self.texts[fingerprint] = str(path)
        return PlannedFile(
            path,
            NEW,
            kind=kind,
            article_id=article_id,
            suffix=extracted.suffix,
            article=article,
            facts=extracted.facts,
            warnings=extracted.warnings,
            checksum=checksum,
        )

    def _kept_original(self, data: bytes, checksum: str) -> str | None:
        """The file under sources/ with these bytes, if any (as workspace-relative text)."""
        for kept in self.sources_by_size.get(len(data), []):
            try:
                if hashlib.sha256(kept.read_bytes()).hexdigest() == checksum:
                    return kept.relative_to(self.root).as_posix()
            except OSError:
                continue
        return None

    def _new_id(self, path: Path) -> str:
        """An id made from the file's name, not used by an article or a kept original
        (compared without case: two ids differing only in case would clash on some file
        systems)."""
        base = slug(path.stem)
        candidate, number = base, 1
        while candidate.casefold() in self.ids:
            number += 1
            candidate = f"{base}-{number}"
        self.ids.add(candidate.casefold())
        return candidate


def slug(name: str) -> str:
    """An article id from a file name: plain lowercase letters and digits joined by "-"
    ("Floods close school _ The Courier" -> "floods-close-school-the-courier")."""
    words = re.findall(r"[a-z0-9]+", fold(name).replace("'", ""))
    text = "-".join(words)[:_SLUG_MAX].strip("-")
    return text or "article"


def _fingerprint(text: str) -> str:
    """The checksum two texts share when they differ only in case and spacing."""
    return hashlib.sha256(normal_line(text).encode("utf-8")).hexdigest()


def _read(path: Path) -> bytes:
    """The file's bytes, or Unreadable saying why not."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise Unreadable("no such file or folder") from None
    except OSError as error:
        raise Unreadable(f"cannot be read ({error.strerror or error})") from None
    if not path.is_file():
        raise Unreadable("not a regular file")
    if info.st_size > MAX_SOURCE_BYTES:
        raise Unreadable(f"larger than the {MAX_SOURCE_BYTES // 2**20} MB limit for an import")
    if info.st_size == 0:
        raise Unreadable("empty file")
    try:
        return path.read_bytes()
    except OSError as error:
        raise Unreadable(f"cannot be read ({error.strerror or error})") from None
