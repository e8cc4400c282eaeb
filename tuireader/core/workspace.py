"""A workspace folder: seeds/ (articles + catalog.yaml), indexes/ (derived), annotations/.

`Workspace.open()` is the entry point for the app, the CLI and notebooks:

    >>> ws = Workspace.open("path/to/workspace")
    >>> ws.articles["000_55308b7769cb3055"].title
    >>> ws.reindex()
    >>> ws.search("Uyghur camps", limit=5)
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuireader.core.article_cache import (
    ArticleCache,
    FileStamp,
    SeedRecord,
    SeedSnapshot,
    file_stamp,
    folder_unchanged,
    take_snapshot,
)
from tuireader.core.check_cache import remembered_check
from tuireader.core.corpus import (
    ARTICLE_SUFFIXES,
    Article,
    ArticleLoadError,
    article_id_for,
)
from tuireader.core.fileio import atomic_write_text, remove_stale_temp_files

if TYPE_CHECKING:
    from tuireader.core.search.index import (
        EntitySpellings,
        IndexReport,
        SearchIndex,
        SearchResults,
    )

WORKSPACE_ENV = "TUIREADER_WORKSPACE"
CHECKED_CATALOG = "catalog-checked.json"  # in indexes/: what checking the catalog found
# Of indexes/search-files.json and search-folders.json; another version means "check
# properly". 3: folder records with their entries' digest, file stamps with the inode, the
# walk's warnings and the catalog entries' digests (what an update after an edit needs).
MANIFEST_VERSION = 3
# How long `Workspace.search` trusts a check that found the index current, as long as no
# folder of seeds/ changed (files added, removed, renamed or replaced are seen at once; an
# edit in place within this time is seen when it is over, or by `refresh()`).
FRESHNESS_SECONDS = 2.0
ProgressCallback = Callable[[int, int, str], None]


class WorkspaceError(Exception):
    """A problem with the workspace a user can fix (missing folder, broken catalog)."""


class UnknownArticleError(WorkspaceError):
    """An article id that is not in the workspace; carries close ids as suggestions."""

    def __init__(self, article_id: str, suggestions: list[str], skipped: str | None = None) -> None:
        self.article_id = article_id
        self.suggestions = suggestions
        # Why a file with this id was not loaded (too big, a link out of the workspace, …).
        self.skipped = skipped
        reason = f" ({skipped})" if skipped else ""
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"No article with id {article_id!r}{reason}.{hint}")


class Workspace:
    """Paths of a workspace and lazy access to its articles, index and catalog."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.seeds_dir = root / "seeds"
        self.indexes_dir = root / "indexes"
        self.annotations_dir = root / "annotations"
        self.load_warnings: list[str] = []
        # Article ids whose file was skipped, with the warning saying why.
        self.skipped: dict[str, str] = {}
        self._index: SearchIndex | None = None
        self._spellings: EntitySpellings | None = None
        # What makes a refresh cost what changed (article_cache.py): the last look at
        # seeds/ and the articles read, kept across refreshes.
        self._snapshot: SeedSnapshot | None = None
        self._article_cache = ArticleCache()
        # When a check last found the index current (time.monotonic), and the folder times
        # it found: `search` trusts it for FRESHNESS_SECONDS while those folders are so.
        self._checked_at: float | None = None
        self._checked_folders: dict[str, Any] = {}
        self._checked_catalog: tuple[int, int, int] | None = None
        # Set when a check found a change or `refresh` was called: records of checks made
        # by other processes are not trusted then.
        self._full_check_due = False
        # Set when a check compared seeds/ with the record of the last reindex and found a
        # difference: the reindex that follows updates what changed (`reindex`).
        self._change_found = False
        self._files_record_cache: tuple[FileStamp | None, dict[str, Any]] | None = None

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> Workspace:
        """Open the workspace at `path`, else $TUIREADER_WORKSPACE, else the current folder."""
        chosen = path or os.environ.get(WORKSPACE_ENV) or Path.cwd()
        root = Path(chosen).expanduser().resolve()
        if not root.is_dir():
            raise WorkspaceError(f"Workspace folder {root} does not exist.")
        if not (root / "seeds").is_dir():
            raise WorkspaceError(
                f"{root} is not a tuireader workspace: it has no seeds/ folder. "
                "Put your articles (.txt, .md) in seeds/ or pass --workspace DIR."
            )
        workspace = cls(root)
        workspace.remove_stale_temp_files()
        return workspace

    def remove_stale_temp_files(self) -> list[Path]:
        """Remove the temp files of saves that were killed before their rename (in
        annotations/ and indexes/, and beside the targets of symlinked annotation files);
        returns the ones removed. Which temp files count as abandoned, so that one a
        running writer may still rename is never touched, is `fileio`'s rule.

        Lock files (`<file>.yaml.lock`) stay: filelock's lock is a kernel lock on the open
        file, released when its holder dies, so a leftover lock file blocks nobody, while
        removing one that another session has just opened would let two sessions hold the
        lock at once.
        """
        removed = remove_stale_temp_files(self.annotations_dir)
        removed += remove_stale_temp_files(self.indexes_dir)
        for target in self._symlinked_annotation_targets():
            removed += remove_stale_temp_files(target.parent, names=[target.name])
        return removed

    def _symlinked_annotation_targets(self) -> list[Path]:
        """The real files behind annotation files that are symlinks (their writes, and so
        their temp files, go beside the target)."""
        try:
            entries = list(os.scandir(self.annotations_dir))
        except OSError:
            return []
        targets = set()
        for entry in entries:
            if entry.is_symlink() and entry.name.endswith(".yaml"):
                real = Path(os.path.realpath(entry.path))
                if real.parent != Path(os.path.realpath(self.annotations_dir)):
                    targets.add(real)
        return sorted(targets)

    @cached_property
    def catalog(self) -> dict[str, dict[str, Any]]:
        """Bibliographic metadata from seeds/catalog.yaml, keyed by article id: only values
        that passed the catalog's schema; the others become load_warnings."""
        path = self.seeds_dir / "catalog.yaml"
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as error:
            self.load_warnings.append(f"seeds/catalog.yaml cannot be read ({error}); ignored")
            return {}

        def check() -> dict[str, Any]:
            """Check the catalog's bytes against its schema (plain data, for the cache)."""
            # Imported here: the catalog schema brings in pydantic, needed only for a check.
            from tuireader.core.catalog import check_catalog_text

            entries, warnings = check_catalog_text(content)
            return {"entries": entries, "warnings": warnings}

        # The check runs only when the catalog changed since it last ran (start-up speed).
        found = remembered_check(content, self.indexes_dir / CHECKED_CATALOG, check)
        self.load_warnings.extend(str(warning) for warning in found["warnings"])
        return {str(k): v for k, v in found["entries"].items() if isinstance(v, dict)}

    @cached_property
    def articles(self) -> dict[str, Article]:
        """Every loadable article, by id; files that cannot be used (too big, binary,
        symlinks out of the workspace, …) become load_warnings."""
        # Stamps are taken before the catalog and the files are read: a change made while
        # they are read is seen by the next look.
        snapshot = self._take_snapshot()
        catalog = self.catalog
        found = snapshot.found
        self._note_walk(found.warnings, found.skipped)
        self._article_cache.keep_only(set(found.paths))
        return self._load_articles(
            ((path, snapshot.stamps.get(path)) for path in found.paths), catalog
        )

    def _note_walk(self, warnings: list[str], skipped: Mapping[Path, str]) -> None:
        """Keep what the walk of seeds/ warned about, and why article files were skipped."""
        self.load_warnings.extend(warnings)
        for path, message in skipped.items():
            if path.suffix.lower() in ARTICLE_SUFFIXES:
                self.skipped[article_id_for(path, self.seeds_dir)] = message

    def _load_articles(
        self, files: Iterable[tuple[Path, FileStamp | None]], catalog: Mapping[str, Any]
    ) -> dict[str, Article]:
        """The articles of these files (in the walk's order, with their stamps), each read
        again only when its stamp changed (`ArticleCache`). A file that cannot be loaded,
        or whose id an earlier file has, becomes a load warning."""
        loaded: dict[str, Article] = {}
        for path, stamp in files:
            try:
                article = self._article_cache.load(path, self.seeds_dir, catalog, stamp)
            except ArticleLoadError as error:
                self.load_warnings.append(str(error))
                self.skipped[article_id_for(path, self.seeds_dir)] = str(error)
                continue
            if article.id in loaded:
                self.load_warnings.append(
                    f"{path.name}: another file already has id {article.id!r}; skipped"
                )
                continue
            self.load_warnings.extend(article.warnings)
            loaded[article.id] = article
        return loaded

    def _take_snapshot(self) -> SeedSnapshot:
        """A new look at seeds/ (the walk reused while no folder changed), kept for the
        manifest and the next look."""
        self._snapshot = take_snapshot(self.seeds_dir, self.root, self._snapshot)
        return self._snapshot

    def refresh(self) -> None:
        """Forget loaded articles and catalog so the next access looks at the files again:
        files whose size, time or inode changed are read again, the others' articles are
        kept (`article_cache.py`). The next `search` checks the index's freshness."""
        for name in ("articles", "catalog"):
            self.__dict__.pop(name, None)
        self.load_warnings = []
        self.skipped = {}
        self._distrust()

    def article(self, article_id: str) -> Article:
        """The article with this id, or UnknownArticleError naming close ids."""
        try:
            return self.articles[article_id]
        except KeyError:
            raise UnknownArticleError(
                article_id, self.suggest_ids(article_id), self.skipped.get(article_id)
            ) from None

    def suggest_ids(self, text: str, limit: int = 3) -> list[str]:
        """Article ids close to `text` (prefix matches first, then similar spellings)."""
        ids = list(self.articles)
        prefixed = [i for i in ids if i.startswith(text) or i.split("/")[-1].startswith(text)]
        if prefixed:
            return prefixed[:limit]
        return difflib.get_close_matches(text, ids, n=limit, cutoff=0.5)

    @property
    def index(self) -> SearchIndex:
        """The search index (opened on first use; Whoosh is imported only then)."""
        if self._index is None:
            from tuireader.core.search.index import SearchIndex

            self._index = SearchIndex(
                self.indexes_dir / "search",
                entity_spellings=self._entity_spellings,
                articles=lambda: self.articles,
            )
        return self._index

    def use_entity_spellings(self, spellings: EntitySpellings | None) -> None:
        """Let searches expand `entity:"Name"` to every spelling `spellings` gives for the
        name (None: search the name as written).

        The entity layer plugs its cache in here (`tuireader.core.entities.index.
        connect_search`, done by the app, the CLI and `EntityIndex.build`): the workspace is
        the context the features are given, so it knows nothing of entities itself.
        """
        self._spellings = spellings

    def _entity_spellings(self, name: str) -> list[str]:
        """What the search index asks for an entity: term (looked up at each query, so a
        source plugged in after the index was opened is used too)."""
        return self._spellings(name) if self._spellings is not None else []

    def reindex(
        self, rebuild: bool = False, progress: ProgressCallback | None = None
    ) -> IndexReport:
        """Bring the index up to date with seeds/ (only changed articles are re-indexed).

        After a freshness check that found a change (what `search` and `tuireader search`
        do first), the update costs what changed: only files whose stamp differs from the
        record of the last reindex are read, only their articles compared with the index,
        and the index's files checked by size and time (`_update_changed`). Otherwise
        (`tuireader index`, a rebuild, no usable record) every article is looked at, read
        again only when its file's size, time or inode changed in a long-lived session, and
        every index file is digested, which finds damage that kept a file's size and time.
        """
        change_found = self._change_found
        self.refresh()
        report = None if rebuild or not change_found else self._update_changed(progress)
        return report if report is not None else self._update_all(rebuild, progress)

    def _update_all(self, rebuild: bool, progress: ProgressCallback | None) -> IndexReport:
        """The index updated from every article (see `reindex`)."""
        catalog_stamp = file_stamp(self.seeds_dir / "catalog.yaml")
        articles = self.articles  # looks at seeds/ first: self._snapshot is that look
        report = self.index.update(articles, rebuild=rebuild, progress=progress)
        assert self._snapshot is not None
        record = SeedRecord.of(self._snapshot, self.seeds_dir)
        self._save_record(record, catalog_stamp, _catalog_digests(self.catalog))
        return report

    def _update_changed(self, progress: ProgressCallback | None) -> IndexReport | None:
        """The index updated from the articles whose file or catalog entry changed since
        the record of the last reindex; None when there is no usable record (another
        version, or another index generation: the caller then looks at everything)."""
        recorded = self._read_record(self.index.generation())
        if recorded is None:
            return None
        record, catalog_recorded, digests_recorded = recorded
        catalog_stamp = file_stamp(self.seeds_dir / "catalog.yaml")
        current = record.look_again(self.seeds_dir, self.root)  # before anything is read
        catalog = self.catalog
        digests = digests_recorded
        if catalog_recorded != _catalog_record(catalog_stamp):
            digests = _catalog_digests(catalog)
        self._note_walk(
            current.warnings, {self.seeds_dir / n: m for n, m in current.skipped.items()}
        )
        touched = {
            article_id_for(self.seeds_dir / name, self.seeds_dir)
            for name in current.changed_since(record)
        }
        touched.update(
            article_id
            for article_id in digests.keys() | digests_recorded.keys()
            if digests.get(article_id) != digests_recorded.get(article_id)
        )
        articles = self._load_articles(self._files_of(touched, current), catalog)
        report = self.index.update_changed(articles, touched - articles.keys(), progress)
        self._save_record(current, catalog_stamp, digests)
        return report

    def _files_of(
        self, article_ids: set[str], record: SeedRecord
    ) -> list[tuple[Path, FileStamp | None]]:
        """The files (in the walk's order, with their stamps) whose article id is one of
        these: usually one each, two when `a.txt` and `a.md` share a folder."""
        if not article_ids:
            return []
        # An article's file is named by its id and a suffix (`article_id_for`): a prefix
        # test in C picks the few candidates out of every file.
        prefixes = tuple(f"{article_id}." for article_id in article_ids)
        files: list[tuple[Path, FileStamp | None]] = []
        for name, stamp in record.files.items():
            if name.startswith(prefixes):
                path = self.seeds_dir / name
                if article_id_for(path, self.seeds_dir) in article_ids:
                    files.append((path, stamp))
        return files

    def _read_record(
        self, generation: int | None
    ) -> tuple[SeedRecord, list[int] | None, dict[str, str]] | None:
        """The record of the last reindex if it is of this version and index generation:
        the look at seeds/ then, the catalog's size and time, and its entries' digests."""
        if generation is None:
            return None
        try:
            folders = json.loads(self._folders_path().read_text(encoding="utf-8"))
            files = self._files_record()
            for part in (folders, files):
                if part["version"] != MANIFEST_VERSION or part["generation"] != generation:
                    return None
            digests = {str(k): str(v) for k, v in files["catalog_entries"].items()}
            return SeedRecord.from_json(folders, files), folders["catalog"], digests
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def _save_record(
        self,
        record: SeedRecord,
        catalog_stamp: FileStamp | None,
        catalog_digests: dict[str, str],
    ) -> None:
        """Store what the freshness checks and the next update compare, as two records
        (the small one is all a quick check reads): the index generation with the catalog's
        stamp and a record of each folder of seeds/; the generation with the stamp of each
        article file by path relative to seeds/, the walk's warnings and the catalog
        entries' digests. Then trust the index (it was just found current)."""
        head = {"version": MANIFEST_VERSION, "generation": self.index.generation()}
        dirs, files = record.to_json()
        folders = {**head, "catalog": _catalog_record(catalog_stamp), **dirs}
        files = {**head, **files, "catalog_entries": catalog_digests}
        # A cache of file stats only: a read-only workspace cannot keep it. The list of
        # files first: a check reads the folders' record first and trusts nothing without
        # it. Not sorted: the files' order is the walk's, which the articles keep.
        with contextlib.suppress(OSError):
            atomic_write_text(self._manifest_path(), json.dumps(files))
            atomic_write_text(self._folders_path(), json.dumps(folders, sort_keys=True))
        self._trust(folders["dirs"])

    def index_looks_current(self) -> bool:
        """Whether no file in seeds/ changed since the last reindex, judged by the records
        of its folders (a file added, removed or renamed), the catalog's size and time and
        those of each article file (an edit in place): a stat a file, no walk, no article
        read. False means "check properly"."""
        return self._check_freshness(every_file=True)

    def index_probably_current(self) -> bool:
        """`index_looks_current` at the cost of what changed: the folders of seeds/ and the
        catalog are looked at (a stat each), every article file only when no check of them
        found the index current in the last FRESHNESS_SECONDS, in this process or another
        (`tuireader search` run by a script). An edit in place of an article within those
        seconds may so be missed until they are over; files added, removed, renamed or
        replaced, and catalog edits, never are. `refresh()` makes the next check look at
        every file."""
        return self._check_freshness(every_file=False)

    def _check_freshness(self, every_file: bool) -> bool:
        """The freshness checks (see `index_probably_current`); a check of every file that
        finds the index current is remembered (in memory and in its record's time)."""
        try:
            folders = json.loads(self._folders_path().read_text(encoding="utf-8"))
            checked_ns = self._folders_path().stat().st_mtime_ns
            dirs: dict[str, Any] = folders["dirs"]
            if folders["version"] != MANIFEST_VERSION:
                return self._distrust()
            if not _folders_unchanged(self.seeds_dir, dirs):
                return self._distrust(change_found=True)
            catalog = file_stamp(self.seeds_dir / "catalog.yaml")
            if folders["catalog"] != _catalog_record(catalog):
                return self._distrust(change_found=True)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return self._distrust()
        if folders["generation"] != self.index.generation() or folders["generation"] is None:
            return self._distrust()
        if not every_file and self._recently_checked(checked_ns):
            return True
        if not self._files_unchanged(folders["generation"]):
            return self._distrust(change_found=True)
        self._trust(dirs)
        # The record's time says when every file was last found unchanged, for the next
        # process (a read-only workspace cannot keep it: it checks every file each time).
        with contextlib.suppress(OSError):
            os.utime(self._folders_path())
        return True

    def _files_unchanged(self, generation: int) -> bool:
        """Whether every article file recorded at the last reindex has its size and time."""
        try:
            saved = self._files_record()
            files: dict[str, list[int]] = saved["files"]
            if saved["generation"] != generation:
                return False
        except (OSError, ValueError, KeyError, TypeError):
            return False
        seeds = str(self.seeds_dir) + os.sep
        stat = os.stat
        for name, recorded in files.items():
            try:
                info = stat(seeds + name)
            except OSError:
                return False
            if info.st_size != recorded[0] or info.st_mtime_ns != recorded[1]:
                return False
        return True

    def _files_record(self) -> dict[str, Any]:
        """The record of article files, parsed once per version of the file (a check
        that found a change and the update after it both read it: 1.7 MB on BBC ×10).
        Callers must not change it. OSError or ValueError when it cannot be read."""
        path = self._manifest_path()
        stamp = file_stamp(path)  # a new inode with each write (written by a rename)
        if (
            stamp is None
            or self._files_record_cache is None
            or self._files_record_cache[0] != stamp
        ):
            record = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(record, dict):
                raise ValueError(f"{path} holds no record")
            self._files_record_cache = (stamp, record)
        return self._files_record_cache[1]

    def _trust(self, dirs: dict[str, Any]) -> None:
        """Remember that every file was found unchanged now, with these folder records."""
        self._checked_at = time.monotonic()
        self._checked_folders = dirs
        self._checked_catalog = file_stamp(self.seeds_dir / "catalog.yaml")
        self._full_check_due = False
        self._change_found = False

    def _distrust(self, change_found: bool = False) -> bool:
        """Forget that the index was found current (the next check looks at every file);
        `change_found`: the check found seeds/ changed since the last reindex's record."""
        self._checked_at = None
        self._full_check_due = True
        self._change_found = change_found
        return False

    def _recently_checked(self, record_ns: int | None = None) -> bool:
        """Whether every file was found unchanged less than FRESHNESS_SECONDS ago: in this
        process, or in another one (`record_ns`, the time of the folders' record, which a
        check of every file touches) when nothing since made this one distrust it."""
        if self._checked_at is not None:
            return time.monotonic() - self._checked_at <= FRESHNESS_SECONDS
        if record_ns is None or self._full_check_due:
            return False
        age_ns = time.time_ns() - record_ns
        return 0 <= age_ns <= FRESHNESS_SECONDS * 1e9

    def _manifest_path(self) -> Path:
        """The record of article files' sizes and times (big: a stat a file to compare)."""
        return self.indexes_dir / "search-files.json"

    def _folders_path(self) -> Path:
        """The record of folders, catalog and generation (small: read by every check)."""
        return self.indexes_dir / "search-folders.json"

    def search(self, query: str, limit: int = 10, exact: bool = False) -> SearchResults:
        """Search paragraphs; the index is built or updated first if anything changed.

        The check costs what changed (`index_probably_current`): queries typed one after
        another do not each stat every file. `refresh()` makes the next search look at
        every file."""
        if not self._quick_current() and not self.index_probably_current():
            self.reindex()
        return self.index.search(query, limit=limit, exact=exact)

    def _quick_current(self) -> bool:
        """Whether this process found the index current less than FRESHNESS_SECONDS ago and
        no folder of seeds/ changed since (a stat a folder; no record read)."""
        if not self._recently_checked() or self._checked_at is None:
            return False
        catalog = file_stamp(self.seeds_dir / "catalog.yaml")
        return self._checked_catalog == catalog and _folders_unchanged(
            self.seeds_dir, self._checked_folders
        )


def _folders_unchanged(seeds_dir: Path, dirs: dict[str, Any]) -> bool:
    """Whether no file was added, removed or renamed in any recorded folder (relative to
    seeds/, "." for seeds/ itself) since the record (`article_cache.folder_unchanged`)."""
    return all(folder_unchanged(seeds_dir / name, record) for name, record in dirs.items())


def _catalog_record(stamp: FileStamp | None) -> list[int] | None:
    """What the records keep of the catalog's stamp: its size and time."""
    return list(stamp[:2]) if stamp is not None else None


def _catalog_digests(catalog: Mapping[str, Any]) -> dict[str, str]:
    """A digest of each catalog entry, by article id: what tells an update which
    articles a catalog edit changed."""
    return {
        article_id: hashlib.blake2b(
            json.dumps(entry, sort_keys=True, default=str).encode("utf-8"), digest_size=16
        ).hexdigest()
        for article_id, entry in catalog.items()
    }
