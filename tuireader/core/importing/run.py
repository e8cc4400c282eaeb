"""Carrying out an import plan: each new article's text into seeds/, its original into
sources/, and the facts of all of them into seeds/catalog.yaml in one write.

The catalog is checked first: when it cannot be written (it does not parse, it is locked),
nothing is written at all, so no article arrives without its facts. A file that changed
since it was planned is skipped with the reason. Each article records where it came from
in the catalog (`source:`, the kept original, relative to the workspace); a PDF's page
starts go in `pages:`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tuireader.core.catalog_write import add_facts, check_writable
from tuireader.core.fileio import atomic_write_text
from tuireader.core.importing.plan import UNREADABLE, ImportPlan, PlannedFile, plan_import
from tuireader.core.workspace import ProgressCallback


@dataclass
class ImportReport:
    """What an import did: the plan (statuses updated for files that failed while being
    written) and the catalog's messages (facts kept as the user wrote them)."""

    plan: ImportPlan
    catalog_messages: list[str] = field(default_factory=list)
    dry_run: bool = False
    """Nothing was written: the plan's new files are the ones that would be imported."""

    @property
    def imported(self) -> list[PlannedFile]:
        """The files that became articles (none in a dry run)."""
        return [] if self.dry_run else self.plan.new


def run_import(plan: ImportPlan, progress: ProgressCallback | None = None) -> ImportReport:
    """Write the new articles of `plan`; `progress(done, total, name)` after each one.

    Raises CatalogWriteError (before anything is written) when the catalog cannot be
    written.
    """
    seeds = plan.root / "seeds"
    new = plan.new
    if not new:
        return ImportReport(plan)
    check_writable(seeds)
    facts: dict[str, dict[str, Any]] = {}
    for done, planned in enumerate(new, start=1):
        try:
            _write_one(plan.root, planned)
        except (OSError, _Changed) as error:
            planned.status = UNREADABLE
            planned.reason = (
                str(error)
                if isinstance(error, _Changed)
                else (f"cannot be written ({error.strerror or error})")
            )
        else:
            facts[planned.article_file or ""] = _catalog_facts(planned)
        if progress is not None:
            progress(done, len(new), planned.path.name)
    messages = add_facts(seeds, facts) if facts else []
    return ImportReport(plan, messages)


def import_paths(
    root: Path,
    paths: Sequence[Path],
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import files and folders into the workspace at `root` in one call (for the app):
    plan, then write unless `dry_run`. `progress(done, total, name)` counts the files read,
    then the articles written (the total changes between the two).

    Raises CatalogWriteError (before anything is written) when the catalog cannot be
    written.
    """
    plan = plan_import(Path(root), paths, progress)
    if dry_run:
        return ImportReport(plan, dry_run=True)
    return run_import(plan, progress)


class _Changed(Exception):
    """The file is not the one that was planned (changed or removed meanwhile)."""


def _write_one(root: Path, planned: PlannedFile) -> None:
    """Keep the original under sources/, then write the article into seeds/."""
    assert planned.article is not None and planned.source_file and planned.article_file
    source = root / planned.source_file
    source.parent.mkdir(parents=True, exist_ok=True)
    _copy_checked(planned.path, source, planned.checksum)
    atomic_write_text(root / "seeds" / planned.article_file, planned.article.text)


def _copy_checked(path: Path, target: Path, checksum: str) -> None:
    """Copy `path` to `target` through a temp file, only when its bytes are still the ones
    planned (their checksum)."""
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        digest = hashlib.sha256()
        with os.fdopen(handle, "wb") as out:
            try:
                with path.open("rb") as stream:
                    for block in iter(lambda: stream.read(1 << 20), b""):
                        digest.update(block)
                        out.write(block)
            except FileNotFoundError:
                raise _Changed("removed since it was read") from None
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != checksum:
            raise _Changed("changed since it was read; import it again")
        shutil.copymode(path, temp_name)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _catalog_facts(planned: PlannedFile) -> dict[str, Any]:
    """The catalog fields of an imported article: the facts found, where it came from and,
    for a paged source, where its pages begin."""
    facts = dict(planned.facts)
    facts["source"] = planned.source_file
    if planned.article is not None and planned.article.page_starts:
        facts["pages"] = planned.article.page_starts
    return facts
