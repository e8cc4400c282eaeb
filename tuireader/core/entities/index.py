"""Entities of a workspace: cached NER results, grouped into canonical entities.

The API the app, the CLI and search use:

    >>> index = EntityIndex.load_cached(ws)       # never imports spaCy; None if not built
    >>> index = EntityIndex.build(ws, progress)   # runs NER only for uncached articles
    >>> index.for_article("000_55308b7769cb3055")  # [ArticleEntity(entity, mentions)]
    >>> index.find("sauytbay").name               # 'Sayragul Sauytbay'
    >>> index.spellings("Sayragul Sauytbay")      # every spelling seen, for entity: queries
    >>> EntityIndex.article_alone(ws, "000_…")     # one cached article grouped by itself

The article the user reads goes first: the app writes its id with `want_first` (a small
file, `wanted.json`, beside the caches); the extraction job reads it between articles
(`wanted_articles`), runs that article at once (`extract_first` before the other files are
even read, then `build(first=…, ready=…)`), and says when it is cached, so the reader shows
its entities, grouped within the article, long before the corpus is grouped.

Two caches under `indexes/entities/`, both disposable:

- `ner.sqlite`: what the model found, one row per (text checksum, model): offsets and spaCy
  labels. An unchanged article is never processed again. SQLite gives atomic, concurrent-safe
  writes; a row that does not decode is recomputed; a file that is not a database is replaced.
- `index.sqlite`: the grouped result (entities, and each article's mentions, read lazily per
  article), stamped with a fingerprint of everything it was derived from: article checksums
  and furniture, the model, the alias file and the grouping code. It is written to a temp file
  and renamed into place, so a reader never sees half of it. Grouping the whole corpus takes
  seconds at 2,000 articles; reading this file takes a fraction of one.

How mentions become entities, and the user alias file `aliases.yaml`, are described in
`tuireader.core.entities.groups`.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sqlite3
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuireader.core.corpus import (
    Article,
    ArticleLoadError,
    article_id_for,
    find_article_files,
    load_article,
    paragraph_layout,
)
from tuireader.core.entities.extract import (
    Lexicon,
    ModelUnavailable,
    NerPipeline,
    RawEntity,
    choose_n_process,
    find_missed_mentions,
    load_ner,
    lowercase_words,
    name_words,
    run_ner,
    to_mentions,
)
from tuireader.core.entities.groups import (
    AliasRules,
    CueMemo,
    Group,
    fold,
    group_mentions,
    load_alias_rules,
    node_key,
    refine_mentions,
)
from tuireader.core.entities.mention import KINDS, NAME_KINDS, Mention
from tuireader.core.entities.resolve import resolve_article
from tuireader.core.fileio import atomic_write_text
from tuireader.core.settings import Settings
from tuireader.core.sqlite_store import connect, discard

if TYPE_CHECKING:
    from tuireader.core.workspace import Workspace

ProgressCallback = Callable[[int, int, str], None]
NER_FILE = "ner.sqlite"
INDEX_FILE = "index.sqlite"
WANTED_FILE = "wanted.json"  # articles the user has open: extracted first (`want_first`)
MAX_WANTED = 8
NER_SCHEMA = 1  # bump when the ner.sqlite row format changes; older rows are then ignored
# Part of the index fingerprint, with the source of the modules that clean and group (so a
# code change regroups from ner.sqlite, without NER); bump for changes made elsewhere.
INDEX_VERSION = 1
_GROUPING_MODULES = (
    "index.py",
    "extract.py",
    "groups.py",
    "mention.py",
    "resolve.py",
    "types.py",
    "evidence.py",
    "normalise.py",
)
FEW_ARTICLES = 32  # loads of this many articles or fewer read only their rows of ner.sqlite
COMMIT_EVERY = 100  # articles per transaction: an interrupted build keeps most of its work
KIND_NAMES = {
    "PERSON": "people",
    "ORG": "organisations",
    "PLACE": "places",
    "GROUP": "groups",
    "DATE": "dates",
    "FIGURE": "figures",
}


@dataclass
class Entity:
    """A canonical entity across the corpus: one name, every spelling seen."""

    name: str  # canonical spelling
    kind: str  # PERSON, ORG, PLACE, GROUP, DATE or FIGURE
    label: str  # most common spaCy label (GPE/LOC, MONEY/PERCENT/...)
    aliases: list[str]  # every spelling seen, most frequent first (includes `name`)
    mentions: int  # mentions in body paragraphs of the whole corpus
    articles: dict[str, int]  # article id -> mentions, most first

    @property
    def id(self) -> str:
        """A stable key for this entity (kind + canonical name), e.g. for UI selection."""
        return f"{self.kind}:{self.name}"

    def to_dict(self) -> dict[str, Any]:
        """The entity as plain data (for JSON output)."""
        return {
            "name": self.name,
            "type": self.kind,
            "label": self.label,
            "aliases": list(self.aliases),
            "mentions": self.mentions,
            "articles": dict(self.articles),
        }


@dataclass
class ArticleEntity:
    """One entity as it occurs in one article."""

    entity: Entity
    mentions: list[Mention]  # in text order

    @property
    def count(self) -> int:
        """Mentions in this article."""
        return len(self.mentions)

    @property
    def spans(self) -> list[tuple[int, int]]:
        """(start, end) offsets of each mention in the article text, for highlighting."""
        return [(m.start, m.end) for m in self.mentions]

    @property
    def paragraphs(self) -> list[int]:
        """Paragraph numbers where the entity is mentioned, ascending, no repeats."""
        return sorted({m.paragraph for m in self.mentions})


_Placed = list[tuple[int, Mention]]  # (entity position, mention) of one article, in text order


@dataclass
class EntityIndex:
    """Canonical entities of a workspace and where each article mentions them."""

    entities: list[Entity]  # by kind (KINDS order), then most mentioned first
    model: str = ""
    problems: list[str] = field(default_factory=list)  # for the user: model missing, bad aliases
    missing: list[str] = field(default_factory=list)  # article ids without NER results
    extracted: int = 0  # articles the model ran on during this build (0 when warm)
    _placed: dict[str, _Placed] = field(default_factory=dict, repr=False)
    _by_spelling: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _reader: _IndexReader | None = field(default=None, repr=False)
    _by_article: dict[str, list[ArticleEntity]] = field(default_factory=dict, repr=False)

    # ---- building and loading -----------------------------------------------------------

    @classmethod
    def build(
        cls,
        workspace: Workspace,
        progress: ProgressCallback | None = None,
        *,
        nlp: NerPipeline | None = None,
        model: str | None = None,
        n_process: int | None = None,
        batch_size: int = 64,
        first: Callable[[], Collection[str]] | None = None,
        ready: Callable[[str], None] | None = None,
    ) -> EntityIndex:
        """Run NER on the articles the cache lacks, store the results, and group.

        `progress(done, total, article_id)` is called per article that goes through NER.
        `nlp` replaces the spaCy pipeline (tests); `model` names it in the cache (default:
        settings' spacy_model); `n_process` None chooses worker processes for large jobs.
        `first()` names the articles wanted now (the one the user reads, see
        `wanted_articles`): they go through NER before the rest, and `ready(article_id)` is
        called once each one's results are in the cache, so `article_alone` can show them
        long before the corpus is grouped.
        When the model cannot be loaded the index holds what the cache has, `problems` says
        how to enable entities and `missing` lists the articles left out; nothing raises.
        """
        connect_search(workspace)  # from now on its entity: queries use what is built here
        model = model or Settings.load().spacy_model
        articles, checksums, rules, fingerprint = _inputs(workspace, model)
        folder = workspace.indexes_dir / "entities"
        cached = _IndexReader.open(folder / INDEX_FILE, fingerprint)
        if cached is not None:  # warm: nothing changed since the last build
            return cls._from_reader(cached, model, rules)
        store = NerStore(folder)
        raw, problems = store.load(model, articles, checksums)
        todo = [a for a in articles if a.id not in raw]
        extracted = 0
        batch: list[tuple[str, list[RawEntity]]] = []
        announced: set[str] = set()

        def announce() -> None:
            """Tell `ready` about wanted articles whose results are known, stored first."""
            if first is None or ready is None:
                return
            news = [i for i in first() if i in raw and i not in announced]
            if not news:
                return
            if batch:
                problems.extend(store.store(model, batch))
                batch.clear()
            for article_id in news:
                announced.add(article_id)
                ready(article_id)

        announce()  # wanted articles the cache already has
        if todo:
            if nlp is None:
                try:
                    nlp = load_ner(model)
                except ModelUnavailable as error:
                    problems.append(str(error))
            if nlp is not None:
                words = sum(len(a.text.split()) for a in todo)
                processes = n_process or choose_n_process(words)
                for article, found in run_ner(
                    nlp,
                    todo,
                    batch_size=batch_size,
                    n_process=processes,
                    progress=progress,
                    first=first,
                ):
                    raw[article.id] = found
                    batch.append((checksums[article.id], found))
                    extracted += 1
                    if len(batch) >= COMMIT_EVERY:
                        problems.extend(store.store(model, batch))
                        batch.clear()
                    announce()
                problems.extend(store.store(model, batch))
        problems.extend(store.prune(set(checksums.values())))
        index = cls.from_raw(articles, raw, model, rules)
        if index.is_complete:
            problems.extend(write_index(folder / INDEX_FILE, fingerprint, index))
        index.problems[:0] = problems
        index.extracted = extracted
        return index

    @classmethod
    def load_cached(cls, workspace: Workspace, allow_partial: bool = False) -> EntityIndex | None:
        """The index from the caches alone, without importing spaCy.

        None when the cache is missing, or when some article has no cached NER results
        (unless `allow_partial`: then those articles are listed in `missing`).
        """
        model = Settings.load().spacy_model
        articles, checksums, rules, fingerprint = _inputs(workspace, model)
        folder = workspace.indexes_dir / "entities"
        cached = _IndexReader.open(folder / INDEX_FILE, fingerprint)
        if cached is not None:
            return cls._from_reader(cached, model, rules)
        store = NerStore(folder)
        if not store.path.exists():
            return None
        raw, problems = store.load(model, articles, checksums, read_only=True)
        if (not raw and articles) or (len(raw) < len(articles) and not allow_partial):
            return None
        index = cls.from_raw(articles, raw, model, rules)
        if index.is_complete:  # regrouped (new alias file, edited furniture): keep the result
            write_index(folder / INDEX_FILE, fingerprint, index)
        index.problems[:0] = problems
        return index

    @classmethod
    def article_alone(cls, workspace: Workspace, article_id: str) -> EntityIndex | None:
        """One article's entities grouped within that article alone, from the NER cache (no
        spaCy): what the reader shows while the rest of the corpus is extracted. A surname
        already resolves to the full name the article gives it; merges with other articles'
        spellings wait for the whole index. None when the cache has no results for it yet.
        """
        article = workspace.articles.get(article_id)
        if article is None:
            return None
        model = Settings.load().spacy_model
        raw, _problems = NerStore(workspace.indexes_dir / "entities").load(
            model, [article], {article.id: article.checksum}, read_only=True
        )
        if article.id not in raw:
            return None
        return cls.from_raw([article], raw, model, load_alias_rules(workspace.root))

    @classmethod
    def from_raw(
        cls,
        articles: Sequence[Article],
        raw: dict[str, list[RawEntity]],
        model: str,
        rules: AliasRules | None = None,
    ) -> EntityIndex:
        """Clean, filter and group NER results (article id -> raw entities); no spaCy.

        Then the spellings found are looked for where the model missed them (see
        `find_missed_mentions`), so an entity's mentions are all highlighted, not two thirds.
        """
        with _collector_paused():
            mentions = {a.id: to_mentions(a, raw[a.id]) for a in articles if a.id in raw}
            missing = [a.id for a in articles if a.id not in raw]
            return cls.from_mentions(mentions, model, rules, missing, articles=articles)

    @classmethod
    def from_mentions(
        cls,
        mentions: dict[str, list[Mention]],
        model: str = "",
        rules: AliasRules | None = None,
        missing: Iterable[str] = (),
        articles: Sequence[Article] = (),
    ) -> EntityIndex:
        """Group mentions (article id -> mentions) into an index: also the entry for tests
        on synthetic mentions. With `articles`, missed mentions are added from their text."""
        rules = rules or AliasRules()
        vocabulary = frozenset(lowercase_words(articles)) if articles else frozenset()
        # The texts give the type votes their cues ("in Bishkek", "Gazprom Ltd") and
        # namesakes their contexts (the job beside a name, the names around it).
        texts = {a.id: a.text for a in articles} if articles else None
        mentions = refine_mentions(mentions, vocabulary, texts=texts)
        memo: CueMemo = {}
        groups, positions = group_mentions(mentions, rules, vocabulary, texts, memo)
        if articles:
            mentions = _add_missed_mentions(articles, mentions, groups, positions)
            # Grouped again: a lone "Xi" the model saw may now stand for a full name only
            # the missed mentions found ("Xi Jinping" earlier in its article).
            groups, positions = group_mentions(mentions, rules, vocabulary, texts, memo)
        per_group: list[Counter[str]] = [Counter() for _ in groups]
        for article_id, article_mentions in mentions.items():
            for mention in article_mentions:
                per_group[positions[node_key(mention)]][article_id] += 1
        order = {kind: i for i, kind in enumerate(KINDS)}
        ranked = sorted(
            range(len(groups)),
            key=lambda i: (
                order[groups[i].kind],
                -sum(per_group[i].values()),
                groups[i].name.casefold(),
            ),
        )
        new_position = {old: new for new, old in enumerate(ranked)}
        entities = []
        for old in ranked:
            group, counts = groups[old], per_group[old]
            entities.append(
                Entity(
                    name=group.name,
                    kind=group.kind,
                    label=group.label,
                    aliases=sorted(group.spellings, key=lambda s: (-group.spellings[s], s)),
                    mentions=sum(counts.values()),
                    articles=dict(sorted(counts.items(), key=lambda x: (-x[1], x[0]))),
                )
            )
        placed = {
            article_id: [(new_position[positions[node_key(m)]], m) for m in article_mentions]
            for article_id, article_mentions in mentions.items()
        }
        by_spelling: dict[str, list[int]] = {}
        for position, entity in enumerate(entities):
            for spelling in {fold(s) for s in [entity.name, *entity.aliases]}:
                by_spelling.setdefault(spelling, []).append(position)
        for found in by_spelling.values():  # a shared spelling finds the most mentioned first
            found.sort(key=lambda p: -entities[p].mentions)
        return cls(
            entities=entities,
            model=model,
            problems=list(rules.problems),
            missing=list(missing),
            _placed=placed,
            _by_spelling=by_spelling,
        )

    @classmethod
    def _from_reader(cls, reader: _IndexReader, model: str, rules: AliasRules) -> EntityIndex:
        return cls(
            entities=reader.entities,
            model=model,
            problems=list(rules.problems),
            _by_spelling=reader.by_spelling,
            _reader=reader,
        )

    # ---- queries --------------------------------------------------------------------------

    @property
    def is_complete(self) -> bool:
        """Whether every article has NER results."""
        return not self.missing

    def for_article(self, article_id: str) -> list[ArticleEntity]:
        """The entities of one article: by kind, then most mentioned first, then A-Z.

        Unknown ids and articles without entities give []. Loaded lazily per article.
        """
        if article_id not in self._by_article:
            placed = self._placed.get(article_id)
            if placed is None and self._reader is not None:
                placed = self._reader.placed(article_id)
            self._by_article[article_id] = self._group_placed(placed or [])
        return list(self._by_article[article_id])

    def _group_placed(self, placed: _Placed) -> list[ArticleEntity]:
        slots: dict[int, list[Mention]] = {}
        for position, mention in placed:
            slots.setdefault(position, []).append(mention)
        items = [ArticleEntity(self.entities[p], found) for p, found in slots.items()]
        order = {kind: i for i, kind in enumerate(KINDS)}
        items.sort(key=lambda x: (order[x.entity.kind], -x.count, x.entity.name.casefold()))
        return items

    def of_kind(self, kind: str) -> list[Entity]:
        """Entities of one kind (PERSON, ORG, PLACE, GROUP, DATE, FIGURE), most mentioned first."""
        return [e for e in self.entities if e.kind == kind]

    def find(self, name: str, kind: str | None = None) -> Entity | None:
        """The entity with `name` as its name or any alias (case and accents ignored).

        When a spelling belongs to several entities (a place and a person), the most
        mentioned one wins unless `kind` picks one.
        """
        for position in self._by_spelling.get(fold(name), ()):
            entity = self.entities[position]
            if kind is None or entity.kind == kind:
                return entity
        return None

    def spellings(self, name: str) -> list[str]:
        """Every spelling of the entity `name` stands for ([] when no entity matches)."""
        entity = self.find(name)
        return list(entity.aliases) if entity else []

    def mentions_by_entity(self) -> list[dict[str, list[Mention]]]:
        """Per entity (in `entities` order): article id -> its mentions there, in text
        order. One pass over every article's mentions (for `tuireader entities --json`)."""
        found: list[dict[str, list[Mention]]] = [{} for _ in self.entities]
        for article_id, placed in self.placed_mentions():
            for position, mention in placed:
                found[position].setdefault(article_id, []).append(mention)
        return found

    def placed_mentions(self) -> Iterator[tuple[str, _Placed]]:
        """(article id, [(entity position, mention)]) for every article (writing the index)."""
        if self._reader is not None:
            yield from self._reader.all_placed()
        else:
            yield from self._placed.items()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a corpus is grouped: grouping makes millions
    of small objects and no cycles, so the collector's passes over them are wasted (a tenth
    of the grouping's time on BBC, measured)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def entity_spellings(workspace: Workspace, name: str) -> list[str]:
    """Every spelling of the entity called `name`, from the workspace's entity cache (no
    spaCy is loaded here); [] when entities were never extracted or the name is unknown.

    What `entity:"Name"` in a search expands to (see `connect_search`).
    """
    entities = EntityIndex.load_cached(workspace, allow_partial=True)
    return entities.spellings(name) if entities is not None else []


def connect_search(workspace: Workspace) -> None:
    """Make the workspace's searches expand `entity:"Name"` with `entity_spellings`.

    The workspace cannot do this itself: it is the context entities are built from, so it
    must not depend on them. `EntityIndex.build` connects the workspace it is given; the
    app and the CLI plug `entity_spellings` into theirs when they start (importing this
    module only at the first entity: query).
    """
    workspace.use_entity_spellings(partial(entity_spellings, workspace))


def extract_first(
    workspace: Workspace, nlp: NerPipeline, article_ids: Collection[str], model: str
) -> tuple[list[str], int]:
    """NER for these articles (the ones open in the app) before the workspace's articles
    are read: each file is found and read alone (reading 2,000 files takes seconds, more
    than the model takes on one article), run through the model unless the cache has it,
    and stored. The ids now in the cache (`EntityIndex.build` then finds them there) and how
    many of them the model ran on."""
    wanted = set(article_ids)
    if not wanted:
        return [], 0
    seeds = workspace.seeds_dir
    found = find_article_files(seeds, workspace.root)  # the workspace's rules for links
    articles = []
    for path in found.paths:
        if article_id_for(path, seeds) in wanted:
            try:
                articles.append(load_article(path, seeds, workspace.catalog))
            except ArticleLoadError:
                continue  # the whole build reports it
    store = NerStore(workspace.indexes_dir / "entities")
    checksums = {a.id: a.checksum for a in articles}
    cached, _problems = store.load(model, articles, checksums)
    todo = [a for a in articles if a.id not in cached]
    extracted = 0
    for article, raw in run_ner(nlp, todo, n_process=1):
        if not store.store(model, [(checksums[article.id], raw)]):  # no problems: stored
            cached[article.id] = raw
            extracted += 1
    return [a.id for a in articles if a.id in cached], extracted


def want_first(workspace: Workspace, article_ids: Sequence[str]) -> None:
    """Ask the extraction running now (or the next one) to do these articles before the
    rest: the app calls it when the user opens an article. A small file in the entity
    cache folder, because the extraction runs in another process; failing to write it
    only loses the head start."""
    ids = list(dict.fromkeys(article_ids))[:MAX_WANTED]
    with suppress(OSError):
        atomic_write_text(_wanted_path(workspace), json.dumps(ids))


def wanted_articles(workspace: Workspace) -> Callable[[], frozenset[str]]:
    """What `want_first` asked for, read again whenever the file changes (a stat per call,
    so an extraction can ask between articles)."""
    path = _wanted_path(workspace)
    seen: list[Any] = [None, frozenset()]

    def wanted() -> frozenset[str]:
        try:
            stamp = path.stat()
            key = (stamp.st_mtime_ns, stamp.st_size, stamp.st_ino)
        except OSError:
            return frozenset()
        if key != seen[0]:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = []
            ids = data if isinstance(data, list) else []
            seen[:] = [key, frozenset(str(i) for i in ids[:MAX_WANTED])]
        return seen[1]

    return wanted


def _wanted_path(workspace: Workspace) -> Path:
    return workspace.indexes_dir / "entities" / WANTED_FILE


def _inputs(
    workspace: Workspace, model: str
) -> tuple[list[Article], dict[str, str], AliasRules, str]:
    """What an index is built from: articles, their checksums, the alias rules, and the
    fingerprint of all that (with the model)."""
    articles = list(workspace.articles.values())
    checksums = {a.id: a.checksum for a in articles}
    rules = load_alias_rules(workspace.root)
    return articles, checksums, rules, index_fingerprint(articles, checksums, model, rules)


def _add_missed_mentions(
    articles: Sequence[Article],
    mentions: dict[str, list[Mention]],
    groups: list[Group],
    positions: dict[str, int],
) -> dict[str, list[Mention]]:
    """Mentions plus the occurrences of known spellings the model missed, in text order.

    Only names (not dates or figures) of entities the model found at least twice (a full
    name of two capitalised words or more: once), spelt with a capital and three letters or
    more, and, for one-word spellings, never written in lowercase anywhere in the corpus
    ("State", "Party" and "East" are also plain words).
    """
    support: Counter[int] = Counter()
    for article_mentions in mentions.values():
        support.update(positions[node_key(m)] for m in article_mentions)
    vocabulary = lowercase_words(articles)
    lexicon: dict[tuple[str, ...], tuple[str, str]] = {}
    owner: dict[tuple[str, ...], int] = {}
    shared: set[tuple[str, ...]] = set()
    for article_mentions in mentions.values():
        for mention in article_mentions:
            position = positions[node_key(mention)]
            if mention.kind not in NAME_KINDS or groups[position].kind not in NAME_KINDS:
                continue
            if len(mention.text) < 3 or mention.text.islower():
                continue
            words = name_words(mention.text)
            # A full name (two words or more, each capitalised) is looked for even when the
            # model found it once: the model misses it as often elsewhere, and a lone
            # surname there can then resolve to it within its own article.
            full_name = len(words) > 1 and all(w[:1].isupper() for w in words)
            if support[position] < 2 and not full_name:
                continue
            if len(words) == 1 and words[0].casefold() in vocabulary:
                continue
            if owner.setdefault(words, position) != position:
                shared.add(words)  # one spelling, two entities: leave it to the model
            lexicon.setdefault(words, (mention.kind, mention.label))
    for words in shared:
        del lexicon[words]
    known = Lexicon(lexicon)
    combined: dict[str, list[Mention]] = {}
    for article in articles:
        found = mentions.get(article.id)
        if found is None:
            continue
        extra = find_missed_mentions(article, known, found)
        if extra:
            # Again with the found ones: a lone "Xi" the model saw may stand for a full name
            # only the lexicon found ("Xi Jinping" earlier in the same article).
            found = resolve_article(sorted([*found, *extra], key=lambda m: m.start))
        combined[article.id] = found
    return combined


# ---- the grouped index on disk (index.sqlite) -----------------------------------------------


def index_fingerprint(
    articles: Sequence[Article], checksums: dict[str, str], model: str, rules: AliasRules
) -> str:
    """A hash of everything a grouped index is derived from."""
    digest = hashlib.sha256(
        f"{INDEX_VERSION}\n{_code_digest()}\n{model}\n{rules.digest}\n".encode()
    )
    for article in sorted(articles, key=lambda a: a.id):
        layout = paragraph_layout(article.paragraphs)
        digest.update(f"{article.id}\t{checksums[article.id]}\t{layout}\n".encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """A hash of the cleaning and grouping code ("" when the source cannot be read)."""
    digest = hashlib.sha256()
    try:
        for name in _GROUPING_MODULES:
            digest.update((Path(__file__).with_name(name)).read_bytes())
    except OSError:
        return ""
    return digest.hexdigest()


def write_index(path: Path, fingerprint: str, index: EntityIndex) -> list[str]:
    """Write a grouped index to `path` atomically (temp file + rename)."""
    entities = [
        [e.name, e.kind, e.label, e.aliases, e.mentions, e.articles] for e in index.entities
    ]
    rows = [
        (
            article_id,
            json.dumps(
                [[p, m.text, m.kind, m.label, m.start, m.end, m.paragraph] for p, m in placed],
                ensure_ascii=False,
            ),
        )
        for article_id, placed in index.placed_mentions()
    ]
    temp = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(handle)
        db = sqlite3.connect(temp)
        try:
            with db:
                db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                db.execute("CREATE TABLE mentions (article TEXT PRIMARY KEY, data TEXT NOT NULL)")
                db.executemany(
                    "INSERT INTO meta VALUES (?, ?)",
                    [
                        ("fingerprint", fingerprint),
                        ("entities", json.dumps(entities, ensure_ascii=False)),
                        ("spellings", json.dumps(index._by_spelling, ensure_ascii=False)),
                    ],
                )
                db.executemany("INSERT INTO mentions VALUES (?, ?)", rows)
        finally:
            db.close()
        os.replace(temp, path)
    except (sqlite3.Error, OSError) as error:
        if temp:
            Path(temp).unlink(missing_ok=True)
        return [f"entity index cannot be written ({error}); it will be regrouped next time"]
    return []


class _IndexReader:
    """A grouped index on disk: entities read at once, each article's mentions on demand."""

    def __init__(self, db: sqlite3.Connection, entities: list[Entity], by_spelling: Any) -> None:
        self._db = db
        self._lock = threading.Lock()  # the app may ask from a worker thread
        self.entities = entities
        self.by_spelling: dict[str, list[int]] = by_spelling

    @classmethod
    def open(cls, path: Path, fingerprint: str) -> _IndexReader | None:
        """The index at `path` if it was built from exactly this fingerprint, else None."""
        if not path.exists():
            return None
        try:
            # immutable: the file is only ever replaced, never changed in place, and this
            # connection keeps reading the version it opened even after a replacement
            uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
            db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        except sqlite3.Error:
            return None
        try:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if meta.get("fingerprint") != fingerprint:
                db.close()
                return None
            entities = [
                Entity(name, kind, label, aliases, mentions, articles)
                for name, kind, label, aliases, mentions, articles in json.loads(meta["entities"])
            ]
            by_spelling = json.loads(meta["spellings"])
            if not isinstance(by_spelling, dict):
                raise ValueError("spellings is not a mapping")
        except (sqlite3.Error, KeyError, TypeError, ValueError):
            db.close()  # a damaged index is simply regrouped
            return None
        return cls(db, entities, by_spelling)

    def placed(self, article_id: str) -> _Placed:
        """One article's (entity position, mention) pairs."""
        with self._lock:
            try:
                row = self._db.execute(
                    "SELECT data FROM mentions WHERE article = ?", (article_id,)
                ).fetchone()
            except sqlite3.Error:
                return []
        return self._decode(row[0]) if row else []

    def all_placed(self) -> Iterator[tuple[str, _Placed]]:
        """Every article's (entity position, mention) pairs."""
        with self._lock:
            rows = self._db.execute("SELECT article, data FROM mentions").fetchall()
        for article_id, data in rows:
            yield article_id, self._decode(data)

    def _decode(self, data: str) -> _Placed:
        try:
            return [
                (position, Mention(text, kind, label, start, end, paragraph))
                for position, text, kind, label, start, end, paragraph in json.loads(data)
                if 0 <= position < len(self.entities)
            ]
        except (TypeError, ValueError):
            return []


# ---- what the model found (ner.sqlite) ------------------------------------------------------


class NerStore:
    """NER results per (text checksum, model) in one SQLite file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / NER_FILE

    def load(
        self,
        model: str,
        articles: Sequence[Article],
        checksums: dict[str, str],
        read_only: bool = False,
    ) -> tuple[dict[str, list[RawEntity]], list[str]]:
        """Cached results for `articles` (by id) and problems met; bad rows are left out."""
        problems: list[str] = []
        if not self.path.exists():
            return {}, problems
        wanted: dict[str, list[Article]] = {}
        for article in articles:
            wanted.setdefault(checksums[article.id], []).append(article)
        found: dict[str, list[RawEntity]] = {}
        query = "SELECT checksum, data FROM ner WHERE model = ? AND schema = ?"
        parameters: list[Any] = [model, NER_SCHEMA]
        if 0 < len(wanted) <= FEW_ARTICLES:  # one article (the one open): not every row
            query += f" AND checksum IN ({', '.join('?' * len(wanted))})"
            parameters.extend(wanted)
        try:
            with self._open(read_only) as db:
                rows = db.execute(query, parameters).fetchall()
        except sqlite3.Error as error:
            if read_only:
                return {}, [f"entity cache cannot be read ({error}); run `tuireader entities`"]
            problems.append(f"entity cache was unreadable ({error}); rebuilding it")
            self._discard()
            return {}, problems
        for checksum, data in rows:
            for article in wanted.get(checksum, ()):
                entities = _decode_raw(data, len(article.text))
                if entities is not None:  # a corrupt row is simply recomputed
                    found[article.id] = entities
        return found, problems

    def store(self, model: str, results: Sequence[tuple[str, list[RawEntity]]]) -> list[str]:
        """Save (checksum, results) pairs in one transaction; failures are reported."""
        if not results:
            return []
        rows = [
            (checksum, model, NER_SCHEMA, json.dumps([[e.start, e.end, e.label] for e in found]))
            for checksum, found in results
        ]
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with self._open(False) as db:
                db.executemany("INSERT OR REPLACE INTO ner VALUES (?, ?, ?, ?)", rows)
        except (sqlite3.Error, OSError) as error:
            return [f"entity cache cannot be written ({error}); results will be recomputed"]
        return []

    def prune(self, keep: set[str]) -> list[str]:
        """Forget results of texts no longer in the workspace (edited or removed articles)."""
        if not self.path.exists():
            return []
        try:
            with self._open(False) as db:
                stored = {row[0] for row in db.execute("SELECT DISTINCT checksum FROM ner")}
                stale = [(c,) for c in stored - keep]
                if stale:
                    db.executemany("DELETE FROM ner WHERE checksum = ?", stale)
        except sqlite3.Error as error:
            return [f"entity cache cannot be tidied ({error})"]
        return []

    def _open(self, read_only: bool) -> AbstractContextManager[sqlite3.Connection]:
        return connect(self.path, read_only, _NER_TABLE)

    def _discard(self) -> None:
        discard(self.path)


_NER_TABLE = (
    "CREATE TABLE IF NOT EXISTS ner (checksum TEXT NOT NULL, model TEXT NOT NULL, "
    "schema INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (checksum, model))"
)


def _decode_raw(data: Any, text_length: int) -> list[RawEntity] | None:
    """A cached row's entities, or None when the row is not what this version wrote."""
    try:
        items = json.loads(data)
        entities = [RawEntity(int(s), int(e), str(label)) for s, e, label in items]
    except (TypeError, ValueError):
        return None
    if any(not 0 <= e.start < e.end <= text_length for e in entities):
        return None
    return entities
