"""Spelling variants and "did you mean", learned from the corpus's own vocabulary.

**Variants.** A name transliterated from another script is spelled several ways (Kazakh Ж
as j or zh, Қ as q or k, Ы as y or i, Х as kh or h; Uighur/Uyghur; -ov/-ev endings;
doubled letters). Two index terms are variants of each other when:

1. both are *names*: at least NAME_SHARE of the paragraphs holding the term write it with
   a capital where no sentence starts (the index's `names` field, see documents.py), so
   `widow` never meets `Windows` nor `Petrov` `petrol`; and
2. their *transliteration keys* are equal (`name_key`: the rules above applied, doubled
   letters single), so `Zhanibek`/`Janibek` and `Qasym`/`Kasym` meet but `Gordon` and
   `Gorton` (d/t is no transliteration rule) do not; or, for rare long names only (both in
   at most RARE_PARAGRAPHS paragraphs, keys of MIN_VOWEL_KEY+ letters), their keys differ
   by one vowel added or dropped inside the word (`Abdrakhmanov`/`Abdurakhmanov`; not at
   either end, where Alberto/Alberta and Kashmir/Kashmiri differ).

Doubled letters count as single only between rare names (both in at most RARE_PARAGRAPHS
paragraphs) of 5+ letters: Hoffman/Hoffmann meet, Parry does not meet Paris (stem pari)
nor Britton the Britons, and Hann is no Khan.

A query word the corpus does not hold at all (a spelling the user knows from elsewhere)
gets the corpus's names that relate to it by the same rules.

Edit distance alone (the previous rule) offered other words: widow→Windows, gordon→gorton,
blair→blais, master→matter.

**Did you mean.** A query word found in (almost) no paragraph is compared with the index's
terms with its first letter (Damerau-Levenshtein between stems, then between the typed
word and the text's spelling of each: one edit, two in words of LONG_WORD+ letters), and
the closest much more frequent one is suggested (`kazahkstan` → Kazakhstan, `electon` →
election, never `uighur` → figures).

Both tables are computed when the index is written and stored in the index folder
(`spelling.json`, `spelling-terms.txt`, stamped with the index's generation), so a search
reads a small file instead of the whole lexicon; the suggestion vocabulary is read only
when a query has few hits. A rebuild computes them from the whole lexicon
(`SpellingTables.build`); an update brings the last ones up to date for the terms whose
counts it may have changed (`SpellingTables.updated`, segments.py says which), so one edit
costs its own terms, not the lexicon: the rules below are per term, and a name's variants
depend only on the names sharing its keys.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh.query import Or, Phrase, Query, Sequence, Term

from tuireader.core.fileio import atomic_write_text

VARIANTS_FILE = "spelling.json"
TERMS_FILE = "spelling-terms.txt"
NAME_KEYS_FILE = "spelling-name-keys.txt"  # each name's transliteration key, for updates
GENERATION_LINE = "#generation"  # the first line of those two (no term starts with "#")
FORMAT = 3  # bump when the tables are computed otherwise: older files are ignored
NAME_SHARE = 0.6  # of a term's paragraphs that must write it as a name
MIN_NAME_LENGTH = 4
RARE_PARAGRAPHS = 10
MIN_VOWEL_KEY = 8
MIN_DOUBLED = 5  # shorter terms keep their doubled letters in their key
MAX_VARIANTS = 8
# "Did you mean": words in fewer paragraphs than this get a suggestion, which must be in
# SUGGEST_RATIO times as many paragraphs (and at least SUGGEST_MIN).
SUGGEST_BELOW = 2
SUGGEST_RATIO = 5
SUGGEST_MIN = 3
MIN_SUGGEST_LENGTH = 4
LONG_WORD = 8
SUGGEST_CANDIDATES = 12
BODY_FIELD = "body"
NAMES_FIELD = "names"

# Transliteration rules, applied in order to a lower-case term (longest spellings first).
_KEY_RULES: tuple[tuple[str, str], ...] = (
    ("^w", "v"),  # Wladimir/Vladimir (inside a word w is no v: Andrew is no Andreev)
    ("dzh", "j"),
    ("zh", "j"),
    ("dj", "j"),
    ("kh", "h"),
    ("gh", "g"),  # before a vowel only: Uighur/Uigur, but Slough is no slug
    ("ck", "k"),
    ("q", "k"),
    ("ph", "f"),
    ("y", "i"),
    ("ou", "u"),
    ("oo", "u"),
)
_GH_BEFORE_VOWEL = re.compile(r"gh(?=[aeiouy])")
_DOUBLED = re.compile(r"(.)\1+")
_ENDINGS = ((re.compile(r"(?:ev|ov|iev)$"), "ov"), (re.compile(r"(?:eva|ova|ieva)$"), "ova"))
_VOWELS = re.compile(r"[aeiou]")


def name_key(term: str) -> str:
    """The transliteration key of a term: spellings of one name written from another script
    share it (zhanibek, janibek → janibek; qasym, kasym → kasim; uighur, uyghur → uigur).
    Doubled letters are kept (see `_single_letters`)."""
    key = term.lower()
    for spelled, as_key in _KEY_RULES:
        if spelled.startswith("^"):
            key = as_key + key[1:] if key.startswith(spelled[1:]) else key
        elif spelled == "gh":
            key = _GH_BEFORE_VOWEL.sub(as_key, key)
        else:
            key = key.replace(spelled, as_key)
    for ending, as_key in _ENDINGS:
        key = ending.sub(as_key, key)
    return key


def _single_letters(key: str) -> str:
    """A key with doubled letters made single (Hoffmann → Hofman), for terms of
    MIN_DOUBLED+ letters (Hann is no Khan)."""
    return _DOUBLED.sub(r"\1", key) if len(key) >= MIN_DOUBLED else key


def _skeleton(key: str) -> str:
    """A key's first letter and its consonants: vowels are what transliterations of one
    name differ in most (Abdrakhmanov/Abdurakhmanov)."""
    return key[:1] + _VOWELS.sub("", key[1:])


def _one_vowel_apart(key: str, other: str) -> bool:
    """Whether two keys (with the same skeleton) differ by one vowel added or dropped
    inside the word, neither first nor last."""
    if len(key) == len(other):
        return False
    short, long = sorted((key, other), key=len)
    if len(long) != len(short) + 1:
        return False
    for index, char in enumerate(long):
        if index >= len(short) or char != short[index]:
            return 0 < index < len(short) and long[:index] + long[index + 1 :] == short
    return False


@dataclass
class SpellingTables:
    """What variant matching and suggestions need, computed when the index is written."""

    generation: int
    variants: dict[str, list[str]] = field(default_factory=dict)  # term -> its variants
    names: dict[str, int] = field(default_factory=dict)  # name terms -> paragraphs
    folder: Path | None = None  # where the suggestion vocabulary is, when on disk
    _vocabulary: dict[str, int] | None = None
    _keys: _NameKeys | None = None
    _name_keys: dict[str, str] | None = None  # each name's key, when built or loaded

    # ------------------------------------------------------------------------- building
    @classmethod
    def build(cls, reader: Any, generation: int) -> SpellingTables:
        """The tables for the index `reader` reads (its `names` and `body` fields)."""
        names: dict[str, int] = {}
        for raw, info in reader.iter_field(NAMES_FIELD):
            term = raw.decode("utf-8")
            if _may_be_name(term):
                paragraphs = _name_paragraphs(
                    info.doc_frequency(), reader.doc_frequency(BODY_FIELD, term)
                )
                if paragraphs:
                    names[term] = paragraphs
        keys = _NameKeys(names)
        tables = cls(generation, keys.pair_all(), names, _keys=keys, _name_keys=keys.keys)
        tables._vocabulary = {
            raw.decode("utf-8"): info.doc_frequency()
            for raw, info in reader.iter_field(BODY_FIELD)
            if _suggestable(raw, info.doc_frequency())
        }
        return tables

    def updated(self, reader: Any, terms: Iterable[str], generation: int) -> SpellingTables:
        """These tables (of the index before a commit) brought up to date for the index
        `reader` reads after it, where only the counts of `terms` may have changed: what
        `build` would give, at the cost of those terms and of the names sharing keys
        with the names among them."""
        names = dict(self.names)
        vocabulary = dict(self.vocabulary())
        renamed: set[str] = set()  # terms that became or ceased to be names, or recounted
        for term in terms:
            in_body = reader.doc_frequency(BODY_FIELD, term)
            paragraphs = None
            if _may_be_name(term):
                paragraphs = _name_paragraphs(reader.doc_frequency(NAMES_FIELD, term), in_body)
            if names.get(term) != paragraphs:
                renamed.add(term)
                if paragraphs:
                    names[term] = paragraphs
                else:
                    names.pop(term, None)
            if _suggestable(term.encode("utf-8"), in_body):
                vocabulary[term] = in_body
            else:
                vocabulary.pop(term, None)
        variants = dict(self.variants)
        tables = SpellingTables(generation, variants, names, _name_keys=self._name_keys)
        if renamed:
            # The keys of the names kept are the stored ones: computing all again would
            # cost what exists.
            keys = _NameKeys(names, self._name_keys)
            tables._keys, tables._name_keys = keys, keys.keys
            affected = set(renamed)
            for term in renamed:
                affected |= keys.neighbours(term)
            for term in affected:
                related = keys.related(term) if term in names else []
                if related:
                    variants[term] = related
                else:
                    variants.pop(term, None)
        tables.variants = dict(sorted(variants.items()))
        tables._vocabulary = vocabulary
        return tables

    # ------------------------------------------------------------------- storing, loading
    def save(self, folder: Path) -> None:
        """Write the tables into the index folder (the writers' lock is held): the
        vocabulary and the names' keys first, then the variants (a crash in between leaves
        files that say they are of another generation than the variants)."""
        if self._name_keys is None:
            self._name_keys = _NameKeys(self.names).keys
        _write_table(folder / TERMS_FILE, self.generation, self._vocabulary or {})
        _write_table(folder / NAME_KEYS_FILE, self.generation, self._name_keys)
        payload = {
            "format": FORMAT,
            "generation": self.generation,
            "variants": self.variants,
            "names": self.names,
        }
        atomic_write_text(folder / VARIANTS_FILE, json.dumps(payload))
        self.folder = folder

    @classmethod
    def load(cls, folder: Path, generation: int, complete: bool = False) -> SpellingTables | None:
        """The tables stored in `folder` for this generation of the index; None when they
        are missing, unreadable or from another generation. `complete`: with the
        vocabulary and the names' keys read now, None when they are not of this generation
        (an update needs all of them; a search reads the vocabulary when a query has few
        hits, whatever it holds)."""
        try:
            payload = json.loads((folder / VARIANTS_FILE).read_text(encoding="utf-8"))
            if payload.get("format") != FORMAT or payload.get("generation") != generation:
                return None
            variants = {str(k): [str(v) for v in vs] for k, vs in payload["variants"].items()}
            names = {str(k): int(v) for k, v in payload["names"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        tables = cls(generation, variants, names, folder)
        if complete:
            stamped, vocabulary = _read_table(folder / TERMS_FILE)
            stamped_keys, keys = _read_table(folder / NAME_KEYS_FILE)
            if stamped != generation or stamped_keys != generation or keys.keys() != names.keys():
                return None
            tables._vocabulary = {term: int(count) for term, count in vocabulary.items()}
            tables._name_keys = keys
        return tables

    def vocabulary(self) -> dict[str, int]:
        """Index terms (in 3+ paragraphs) with their paragraph counts, read on first use."""
        if self._vocabulary is None:
            self._vocabulary = {}
            if self.folder is not None:
                with contextlib.suppress(ValueError):  # a damaged file: no suggestions
                    for term, count in _read_table(self.folder / TERMS_FILE)[1].items():
                        self._vocabulary[term] = int(count)
        return self._vocabulary

    # ------------------------------------------------------------------------- looking up
    def find(self, term: str, in_corpus: bool = True) -> list[str]:
        """The variants of a term (never the term itself), most frequent first. A term the
        corpus does not hold (`in_corpus` False) gets the names it relates to."""
        if in_corpus or term in self.names:
            return self.variants.get(term, [])
        if len(term) < MIN_NAME_LENGTH or not term.isalpha():
            return []
        if self._keys is None:
            self._keys = _NameKeys(self.names)
        return self._keys.related(term)

    def is_name(self, term: str) -> bool:
        """Whether the corpus writes this term as a name."""
        return term in self.names

    def suggest(self, term: str, paragraphs: int) -> list[str]:
        """Much more frequent index terms with the same first letter one or two edits away
        from `term` (found in `paragraphs` paragraphs), closest and most frequent first
        (at most SUGGEST_CANDIDATES: the caller picks by how the text spells them)."""
        if paragraphs >= SUGGEST_BELOW or len(term) < MIN_SUGGEST_LENGTH or not term.isalpha():
            return []
        from rapidfuzz import process
        from rapidfuzz.distance import DamerauLevenshtein

        vocabulary = self.vocabulary()
        wanted = max(SUGGEST_MIN, SUGGEST_RATIO * paragraphs)
        limit = 2 if len(term) >= LONG_WORD - 2 else 1
        matches = process.extract(
            term,
            [w for w, n in vocabulary.items() if n >= wanted and abs(len(w) - len(term)) <= limit],
            scorer=DamerauLevenshtein.distance,
            score_cutoff=limit,
            limit=20,
        )
        matches = [m for m in matches if m[0][:1] == term[:1]]
        matches.sort(key=lambda m: (m[1], -vocabulary[m[0]], m[0]))
        return [str(m[0]) for m in matches[:SUGGEST_CANDIDATES]]


def _write_table(path: Path, generation: int, table: Mapping[str, object]) -> None:
    """Write a term table, one `term<TAB>value` line each, after a line saying the index
    generation it is of."""
    lines = [f"{GENERATION_LINE}\t{generation}\n"]
    lines += (f"{term}\t{value}\n" for term, value in table.items())
    atomic_write_text(path, "".join(lines))


def _read_table(path: Path) -> tuple[int | None, dict[str, str]]:
    """A term table `_write_table` wrote: the generation it says it is of (None when it
    says none, as vocabularies written before it did, or cannot be read) and its lines."""
    table: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None, table
    generation: int | None = None
    for line in text.splitlines():
        term, _, value = line.partition("\t")
        if term == GENERATION_LINE:
            with contextlib.suppress(ValueError):
                generation = int(value)
        else:
            table[term] = value
    return generation, table


def _may_be_name(term: str) -> bool:
    """Whether a term is long enough and all letters, as a name with variants must be."""
    return len(term) >= MIN_NAME_LENGTH and term.isalpha()


def _name_paragraphs(in_names: int, in_body: int) -> int | None:
    """A term's paragraph count when the corpus writes it as a name (`in_names` of the
    `in_body` paragraphs holding it write it with a capital where no sentence starts:
    at least NAME_SHARE of them), else None."""
    return in_body if in_body and in_names >= NAME_SHARE * in_body else None


def _suggestable(raw: bytes, paragraphs: int) -> bool:
    """Whether an index term (as stored) goes into the "did you mean" vocabulary."""
    return paragraphs >= SUGGEST_MIN and len(raw) >= MIN_SUGGEST_LENGTH and raw.isalpha()


class _NameKeys:
    """The name terms of a corpus by transliteration key and by skeleton, to find the
    names related to a term."""

    def __init__(self, names: dict[str, int], known: Mapping[str, str] | None = None) -> None:
        """Index `names`; `known` gives keys computed before (`name_key` for the others)."""
        self.names = names
        known = known or {}
        self.keys = {term: known.get(term) or name_key(term) for term in names}
        self.by_key: dict[str, list[str]] = defaultdict(list)
        self.rare_by_single: dict[str, list[str]] = defaultdict(list)  # rare names only
        for term, paragraphs in names.items():
            key = self.keys[term]
            self.by_key[key].append(term)
            if paragraphs <= RARE_PARAGRAPHS:
                self.rare_by_single[_single_letters(key)].append(term)
        self.rare_by_skeleton: dict[str, list[str]] = defaultdict(list)
        for single in self.rare_by_single:
            if len(single) >= MIN_VOWEL_KEY:
                self.rare_by_skeleton[_skeleton(single)].append(single)

    def related(self, term: str) -> list[str]:
        """The names (never `term`) sharing its key; when `term` is rare, also the rare
        names that differ in doubled letters or, long ones, by one vowel; most frequent
        first."""
        key = self.keys.get(term) or name_key(term)
        found = set(self.by_key.get(key, ()))
        if self.names.get(term, 0) <= RARE_PARAGRAPHS:
            single = _single_letters(key)
            found.update(self.rare_by_single.get(single, ()))
            if len(single) >= MIN_VOWEL_KEY:
                for other in self.rare_by_skeleton.get(_skeleton(single), ()):
                    if _one_vowel_apart(single, other):
                        found.update(self.rare_by_single[other])
        found.discard(term)
        return sorted(found, key=lambda t: (-self.names[t], t))[:MAX_VARIANTS]

    def neighbours(self, term: str) -> set[str]:
        """The names whose related names may hold `term`, whether it is a name or not:
        those sharing its key, and rare ones sharing its single-letter key or skeleton
        (a superset of what `related` looks at from their side)."""
        key = self.keys.get(term) or name_key(term)
        single = _single_letters(key)
        found = set(self.by_key.get(key, ()))
        found.update(self.rare_by_single.get(single, ()))
        for other in self.rare_by_skeleton.get(_skeleton(single), ()):
            found.update(self.rare_by_single[other])
        return found

    def pair_all(self) -> dict[str, list[str]]:
        """Each name term's related names, for the names that have some."""
        pairs = {term: self.related(term) for term in sorted(self.names)}
        return {term: others for term, others in pairs.items() if others}


def expand_with_variants(
    query: Query,
    tables: SpellingTables,
    fields: Iterable[str],
    in_corpus: Callable[[str, str], bool] = lambda _field, _term: True,
) -> tuple[Query, dict[str, list[str]]]:
    """The query with each term in `fields` widened to an OR of its variants, also inside
    phrases (every word of a phrase: a phrase becomes a sequence of ORs).

    `in_corpus(field, term)` says whether the index holds the term (see
    `SpellingTables.find`). Returns the new query and the variants used, by term."""
    wanted = set(fields)
    used: dict[str, list[str]] = {}

    def spellings(fieldname: str, text: Any) -> list[str]:
        if fieldname not in wanted or not isinstance(text, str):
            return []
        found = tables.find(text, in_corpus(fieldname, text))
        if found:
            used[text] = found
        return found

    def widen(node: Query) -> Query:
        if isinstance(node, Term):
            found = spellings(node.fieldname, node.text)
            if not found:
                return node
            return Or([node, *(Term(node.fieldname, s) for s in found)])
        if isinstance(node, Phrase):
            words = list(node.words)
            widened = [spellings(node.fieldname, word) for word in words]
            if not any(widened):
                return node
            parts: list[Query] = [
                Or([Term(node.fieldname, w), *(Term(node.fieldname, s) for s in found)])
                if found
                else Term(node.fieldname, w)
                for w, found in zip(words, widened, strict=True)
            ]
            return Sequence(parts, slop=node.slop, boost=node.boost)
        if node.is_leaf():
            return node
        return node.apply(widen)

    return widen(query), used
