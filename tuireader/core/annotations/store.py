"""The annotation files of a workspace, built never to lose a user's highlight or note.

- one YAML file per article, `annotations/<article id>.yaml` (`/` in an id becomes `__`);
- every change holds a lock on `<file>.lock`, re-reads the file from disk, changes only the
  annotation it is about (two sessions adding at once both keep theirs), and writes a temp
  file that is fsynced and renamed over the old one (a crash leaves old or new, never half);
- a file that cannot be read, parsed or validated is never written: it is reported with
  the line of the problem and that article's annotations are read-only until it is fixed.

The annotation dataclasses are `model`, the written layout `yaml_format` and the checks on
reading `schema`.

    >>> store = AnnotationStore(workspace.annotations_dir)
    >>> note = new_annotation(article, 120, 164, label="yellow", note="check this")
    >>> store.add(note)
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, unquote

import filelock
import yaml

from tuireader.core.annotations.model import (
    Annotation,
    AnnotationFile,
    AnnotationFileError,
    AnnotationNotFoundError,
    DuplicateAnnotationError,
    clone,
    now_iso,
    unique_tags,
)
from tuireader.core.annotations.yaml_format import RecordCache, dump_annotations
from tuireader.core.fileio import atomic_write_text
from tuireader.core.yamlfile import MAX_ANNOTATION_FILE_BYTES, load_yaml, read_limited

FILE_SUFFIX = ".yaml"
LOCK_SUFFIX = ".lock"

# Characters kept out of file names (besides "/", which becomes "__").
_UNSAFE_NAME_CHARS = re.compile(r'[\\:*?"<>|%\x00-\x1f\x7f]')


def _digest(data: bytes) -> bytes:
    """A short fingerprint of a file's bytes (is it the text parsed last time?)."""
    return hashlib.blake2b(data, digest_size=20).digest()


# --- file names -------------------------------------------------------------------------


def file_name_for(article_id: str) -> str:
    """The file name (not path) holding an article's annotations.

    `/` (sub-folders of seeds/) becomes `__`; characters unsafe in file names on some
    systems are %-escaped. Two ids can meet in one name (`a/b` and `a__b`); the file
    records its real id, and a mismatch is reported instead of mixing annotations.
    """
    name = _UNSAFE_NAME_CHARS.sub(lambda m: quote(m.group(), safe=""), article_id)
    name = name.replace("/", "__")
    if name.startswith("."):
        name = "%2E" + name[1:]
    return name + FILE_SUFFIX


def article_id_from_file_name(name: str) -> str:
    """The article id a file name most likely stands for (inverse of `file_name_for`)."""
    return unquote(name.removesuffix(FILE_SUFFIX).replace("__", "/"))


# --- the store ----------------------------------------------------------------------------


class AnnotationStore:
    """The annotation files of one workspace: load, add, update, delete, list.

    Safe to use from several processes at once (two SSH sessions on one workspace): each
    change is a locked read-merge-write of one article's file.
    """

    def __init__(self, annotations_dir: Path, lock_timeout: float = 10.0) -> None:
        self.directory = Path(annotations_dir)
        self.lock_timeout = lock_timeout
        # Parsing YAML is the slow part of every change; a file whose bytes are the same as
        # last time (same digest) is not parsed again. Keyed by content, so another
        # session's write is always seen.
        self._parsed: dict[Path, tuple[bytes, list[Annotation], str | None]] = {}
        self._records: dict[Path, RecordCache] = {}

    def path_for(self, article_id: str) -> Path:
        """The file that holds (or will hold) an article's annotations."""
        return self.directory / file_name_for(article_id)

    def _label(self, path: Path) -> str:
        """How messages name a file: `annotations/<name>.yaml`."""
        return f"{self.directory.name}/{path.name}"

    def load(self, article_id: str) -> AnnotationFile:
        """An article's annotations as on disk now; a missing file is an empty, writable one."""
        return self._read(article_id, self.path_for(article_id))

    def _read(self, article_id: str, path: Path) -> AnnotationFile:
        """Read and check one file (parsed again only when its bytes changed)."""
        label = self._label(path)
        try:
            # Bounded: a huge file is refused at once, never read whole or parsed.
            data = read_limited(path, MAX_ANNOTATION_FILE_BYTES)
        except FileNotFoundError:
            return AnnotationFile(article_id, path)
        except OSError as error:
            problem = f"{label}: cannot be read ({error.strerror or error})"
            return AnnotationFile(article_id, path, read_only=True, problem=problem, exists=True)
        except yaml.YAMLError as error:  # too large (YamlTooLarge)
            from tuireader.core.annotations.schema import yaml_file_problem

            problem = yaml_file_problem(label, error)
            return AnnotationFile(article_id, path, read_only=True, problem=problem, exists=True)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            problem = f"{label}, line {line}: not UTF-8 text"
            return AnnotationFile(article_id, path, read_only=True, problem=problem, exists=True)
        digest = _digest(data)
        cached = self._parsed.get(path)
        if cached is not None and cached[0] == digest:
            annotations, issue = cached[1], cached[2]
        else:
            # Imported here: the schema brings in pydantic, which only a file on disk needs.
            from tuireader.core.annotations.schema import parse_annotation_file

            annotations, issue = parse_annotation_file(text, article_id, label)
            self._parsed[path] = (digest, annotations, issue)
        return AnnotationFile(
            article_id,
            path,
            [clone(a) for a in annotations],
            read_only=issue is not None,
            problem=issue,
            exists=True,
        )

    def all(self) -> Iterator[tuple[str, AnnotationFile]]:
        """Every annotation file in the folder, as (article id, file), sorted by file name.

        Lock files, temp files and anything else that is not `<name>.yaml` are skipped.
        """
        if not self.directory.is_dir():
            return
        for path in sorted(self.directory.iterdir()):
            if path.suffix != FILE_SUFFIX or path.name.startswith(".") or not path.is_file():
                continue
            article_id = self._id_for_file(path)
            yield article_id, self._read(article_id, path)

    def _id_for_file(self, path: Path) -> str:
        """The id a file belongs to: the one it records, when that maps back to this file
        (`a__b.yaml` may hold `a/b` or `a__b`), else the one its name spells."""
        guess = article_id_from_file_name(path.name)
        try:
            with path.open(encoding="utf-8") as stream:
                head = stream.read(4096)
            line = re.search(r"^article:(.*)$", head, re.MULTILINE)
            recorded = load_yaml(line.group(1), strict=True) if line else None
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return guess
        if isinstance(recorded, str) and file_name_for(recorded) == path.name:
            return recorded
        return guess

    def add(self, annotation: Annotation) -> Annotation:
        """Store a new annotation. Raises DuplicateAnnotationError if its id is taken, and
        AnnotationFileError if the article's file is read-only, locked or unwritable."""

        def change(current: list[Annotation]) -> list[Annotation]:
            if any(a.id == annotation.id for a in current):
                raise DuplicateAnnotationError(
                    f"annotation {annotation.id} is already stored for {annotation.article_id}"
                )
            return [*current, annotation]

        self._modify(annotation.article_id, change)
        return annotation

    def update(self, annotation: Annotation) -> Annotation:
        """Replace the stored annotation with the same id; returns it with `updated` set now.

        The creation time on disk is kept. Other annotations in the file are untouched,
        including ones another session added meanwhile. Raises AnnotationNotFoundError if
        the id is no longer stored (deleted elsewhere): the caller may `add` it again.
        """
        stored: list[Annotation] = []

        def change(current: list[Annotation]) -> list[Annotation]:
            for index, existing in enumerate(current):
                if existing.id == annotation.id:
                    fresh = dataclasses.replace(
                        annotation,
                        created=existing.created,
                        updated=now_iso(),
                        tags=unique_tags(annotation.tags),
                    )
                    stored.append(fresh)
                    return [*current[:index], fresh, *current[index + 1 :]]
            raise AnnotationNotFoundError(
                f"annotation {annotation.id} is no longer stored for {annotation.article_id}"
            )

        self._modify(annotation.article_id, change)
        return stored[0]

    def delete(self, article_id: str, annotation_id: str) -> bool:
        """Remove one annotation; False when it was already gone (nothing is written)."""
        if not self.path_for(article_id).exists():
            return False  # nothing stored for this article: no folder or lock file created
        found: list[bool] = []

        def change(current: list[Annotation]) -> list[Annotation] | None:
            kept = [a for a in current if a.id != annotation_id]
            found.append(len(kept) != len(current))
            return kept if found[0] else None

        self._modify(article_id, change)
        return found[0]

    def _modify(
        self, article_id: str, change: Callable[[list[Annotation]], list[Annotation] | None]
    ) -> None:
        """Locked read-merge-write of one article's file; `change` returns None to skip."""
        path = self.path_for(article_id)
        label = self._label(path)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            # Beside the real file: two workspaces linking one annotation file share a lock.
            lock = filelock.FileLock(
                f"{os.path.realpath(path)}{LOCK_SUFFIX}",
                timeout=self.lock_timeout,
                poll_interval=0.005,
            )
            with lock:
                current = self._read(article_id, path)
                if current.read_only:
                    raise AnnotationFileError(
                        f"{current.problem}. The file was left untouched; annotations for "
                        f"{article_id} are read-only until it is fixed."
                    )
                updated = change(current.annotations)
                if updated is None:
                    return
                text = dump_annotations(
                    article_id, updated, cache=self._records.setdefault(path, {})
                )
                atomic_write_text(path, text)
                self._parsed[path] = (
                    _digest(text.encode("utf-8")),
                    [clone(a) for a in updated],
                    None,
                )
        except filelock.Timeout as error:
            raise AnnotationFileError(
                f"{label} is locked by another tuireader session (waited "
                f"{self.lock_timeout:g} s); nothing was written"
            ) from error
        except OSError as error:
            raise AnnotationFileError(
                f"{label} cannot be written ({error.strerror or error}); the old file is intact"
            ) from error
