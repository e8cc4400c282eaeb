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
import json
import os
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuireader.core.check_cache import remembered_check
from tuireader.core.corpus import (
    ARTICLE_SUFFIXES,
    Article,
    ArticleLoadError,
    article_id_for,
    find_article_files,
    load_article,
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
        loaded: dict[str, Article] = {}
        catalog = self.catalog
        found = find_article_files(self.seeds_dir, self.root)
        self.load_warnings.extend(found.warnings)
        for path, message in found.skipped.items():
            if path.suffix.lower() in ARTICLE_SUFFIXES:
                self.skipped[article_id_for(path, self.seeds_dir)] = message
        for path in found.paths:
            try:
                article = load_article(path, self.seeds_dir, catalog)
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

    def refresh(self) -> None:
        """Forget loaded articles and catalog so the next access re-reads the files."""
        for name in ("articles", "catalog"):
            self.__dict__.pop(name, None)
        self.load_warnings = []
        self.skipped = {}

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
        """Bring the index up to date with seeds/ (only changed files are re-indexed)."""
        self.refresh()
        stats = self._seed_file_stats()
        report = self.index.update(self.articles, rebuild=rebuild, progress=progress)
        manifest = {"generation": self.index.generation(), "files": stats}
        # A cache of file stats only: a read-only workspace cannot keep it.
        with contextlib.suppress(OSError):
            atomic_write_text(self._manifest_path(), json.dumps(manifest, sort_keys=True))
        return report

    def index_looks_current(self) -> bool:
        """Whether no file in seeds/ changed since the last reindex, judged by file sizes and
        modification times (cheap: no article is read). False means "check properly"."""
        try:
            saved = json.loads(self._manifest_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        generation = self.index.generation()
        return generation is not None and saved == {
            "generation": generation,
            "files": self._seed_file_stats(),
        }

    def _manifest_path(self) -> Path:
        return self.indexes_dir / "search-files.json"

    def _seed_file_stats(self) -> dict[str, list[int]]:
        """Size and modification time of every article file and of the catalog."""
        # The same walk as `articles` (its warnings are reported there).
        paths = find_article_files(self.seeds_dir, self.root).paths
        catalog = self.seeds_dir / "catalog.yaml"
        if catalog.exists():
            paths.append(catalog)
        stats: dict[str, list[int]] = {}
        for path in paths:
            try:
                info = path.stat()
            except OSError:
                continue
            stats[path.relative_to(self.seeds_dir).as_posix()] = [info.st_size, info.st_mtime_ns]
        return stats

    def search(self, query: str, limit: int = 10, exact: bool = False) -> SearchResults:
        """Search paragraphs; the index is built or updated first if anything changed."""
        if not self.index_looks_current():
            self.reindex()
        return self.index.search(query, limit=limit, exact=exact)
