"""Grouping entity mentions into canonical entities across the whole corpus.

Decided by the data, never by a list of names:

1. **Same spelling.** Mentions whose folded spelling is equal (case, accents, curly quotes,
   dots in acronyms: "U.S." = "US") are one spelling. Its kind is the kind the model gave it
   most often: the small English model labels the same name PERSON in one sentence and ORG in
   the next, and a reader wants it listed once.
2. **Transliteration variants** (Uyghur/Uighur, Abdrakhmanov/Abdurakhmanov) join when, word
   by word, they share a consonant skeleton (vowels and `y` dropped, `q`→`k`, the `h` of
   kh/gh/zh dropped), every differing word has at least `MIN_VARIANT_LEN` letters, the same
   first and last letter and a Levenshtein similarity of at least `VARIANT_SIMILARITY`; the
   two spellings never occur in the same article (one author spells one way; two close
   spellings in one text are two names); and the pair is anchored: an identical word in
   multi-word names, or, for one-word names, the same difference seen in another pair
   (Uyghurs/Uighurs). Kazakh/Kazakhstan, Kazakh/Kyrgyz, Xinjiang/Xi Jinping and Iran/Iraq
   differ in skeleton or word count; Williams/Walliams and Miller/Millar are not anchored.
   Only spellings that stand for themselves are compared: a surname resolved to a full name
   follows that name ("Williams" of Serena Williams is never "Walliams"). Besides the
   skeleton, words may match in their common romanised form (`normalise.translit_key`:
   zh/j, kh/h, q/k, y/i, ou/u, -ev/-ov, doubled letters; "Nazarbayev"/"Nazarbaev"); a
   doubled letter alone (Gerrard/Gerard) needs a shared word.
2b. **Punctuation and company words** (`_merge_spellings`): "Marks & Spencer" = "Marks and
   Spencer", "Daimler-Chrysler" = "DaimlerChrysler"; an organisation's "Group", "Inc.",
   "plc", "Communications"... go ("Qwest Communications" = "Qwest", named "Qwest").
2c. **Typos of rare names** (`_merge_typos`): "DaimlerChrylser" (once) joins "DaimlerChrysler"
   (17 times); never two common names (Johnson/Johnston).
3. **Plurals of groups and places** (Kazakhs/Kazakh, Muslims/Muslim) join; not of people
   (Williams/William) or organisations (Times/Time, Simpsons/Simpson).
4. **Short forms of people** are resolved inside their own article only (`resolve`): "Mr
   Blair" and "Blair" join the "Tony Blair" that article introduces, and a bare "Brown" in
   an article that names no fuller Brown stays an entity of its own, never joined to a
   namesake of another article by the name alone (only by evidence: 4b). Organisations'
   short forms join across articles when the full name is written beside most of their
   mentions (Commission → European Commission; not Fed → Fed Cup). Places and groups never
   gain short forms: "Asia" is not "Central Asia". Acronyms join the one same-kind name
   whose initials they spell when the two are written together at least once ("RFA" → "Radio
   Free Asia"), and, inside an article, the name they follow in brackets ("Radio Free
   Europe/Radio Liberty (RFE/RL)").
4b. **Namesakes across articles** are told apart, and lone surnames linked to a person of
   other articles, by their contexts (roles, co-mentions, topic: `evidence`): "Mr Brown, the
   chancellor" in a story that never writes "Gordon Brown" is him; "Brown" of a team list is
   not. Namesakes kept apart carry what tells them apart in their names (`Group.context`):
   "Peter Hallam (striker)", "Peter Hallam (minister)", "Brown (with Bristol City)".
5. **Official names** join their country: a place "... Republic of Y" joins the place "Y"
   ("Republic of Kazakhstan", "People's Republic of China"); the short name names it.
6. **Dates and figures** are grouped by exact (folded) text only: "2018" is not "2019".

Kinds the small model gets wrong are corrected from the data: a one-word name whose plural is
among its spellings ("Kazakh"/"Kazakhs") or that is the stem of a place "<stem>stan"
("Kyrgyz"/"Kyrgyzstan") is a GROUP; a full name whose short forms are mostly PERSON and that
holds no organisation word is a PERSON ("Kassym-Jomart Tokayev", once ORG, "Tokayev" PERSON).
Before grouping, `refine_mentions` strips a place glued before a name, drops a lone common
word called a person once ("Belt"), splits "X and Y" and resolves each article's short forms.

The canonical name is the most frequent full (multi-word) spelling, or the most frequent
spelling when all are one word; the entity's kind is the kind most of its full-form mentions
carry (a lone surname is often labelled ORG).

## The user alias file: `<workspace>/aliases.yaml`

```yaml
merge:                      # each list becomes one entity; the first spelling names it
  - [Uyghur, Uighur, Uyghurs, Uighurs]
split:                      # spellings never joined to anything automatically
  - Atajurt
kind:                       # force the kind of the entity holding this spelling
  Kazakh: GROUP             # PERSON, ORG, PLACE, GROUP, DATE or FIGURE
```

Spellings match case-insensitively. A file that is not valid YAML, or an entry of the wrong
shape, is reported as a problem and ignored; it never stops entities from being shown.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml
from rapidfuzz.distance import Levenshtein

from tuireader.core.entities.evidence import (
    CLUSTER_MARK,
    base_of,
    describe,
    roles_near,
    separate_namesakes,
)
from tuireader.core.entities.mention import KINDS, NAME_KINDS, Mention
from tuireader.core.entities.normalise import (
    MIN_TYPO_LETTERS,
    is_typo,
    name_key,
    strip_company_suffix,
    translit_key,
    typo_buckets,
)
from tuireader.core.entities.resolve import (
    FUNCTION_WORDS,
    ORG_WORDS,
    initials,
    is_clipped,
    match_key,
    resolve_article,
    strip_titles,
    unlink_gender_clashes,
)
from tuireader.core.entities.types import (
    honorific_votes,
    mention_cues,
    unintroduced_votes,
    vote_kind,
)
from tuireader.core.text import fold
from tuireader.core.yamlfile import load_yaml

ALIAS_FILE = "aliases.yaml"
VARIANT_SIMILARITY = 0.8  # Levenshtein similarity of a differing token pair (0..1)
MIN_VARIANT_LEN = 6  # shorter tokens (Iran/Iraq, Brown/Browne) are never variants
SHORT_FORM_SHARE = 0.5  # share of a short form's mentions that must sit beside its full form
DOMINANT_OTHERS = 0.1  # most of an ambiguous short form's mentions that may sit elsewhere
MIN_PLURAL_STEM = 4
MIN_GLUED_PLACE = 3  # mentions as a place a word needs before it is stripped off a name
DEMONYM_VOTES = 0.1  # share of a singular's mentions the model must call PERSON or GROUP

_VOWELS = re.compile(r"[aeiouy]")
# kh/gh/zh are the digraphs transliterations drop or keep (Uyghur/Uygur); ch/sh/th are not.
_H_AFTER = re.compile(r"(?<=[kgz])h")
_NON_LETTER = re.compile(r"[^a-z'\s-]")
_ACRONYM = re.compile(r"(?:[A-Z]\.){2,}|[A-Z]{2,6}")
_OFFICIAL = re.compile(r"\brepublic of \w+$")
_FUNCTION_WORDS = FUNCTION_WORDS
# Lowercase words that occur inside names in many languages (not names themselves).
_PARTICLES = frozenset(
    {"of", "and", "the", "for", "&", "de", "da", "di", "do", "du", "del", "della", "des"}
    | {"van", "von", "der", "den", "ter", "bin", "ibn", "al", "el", "la", "le", "y", "e"}
)


@dataclass
class AliasRules:
    """Hand corrections from aliases.yaml (all spellings folded)."""

    merge: list[list[str]] = field(default_factory=list)  # first spelling names the entity
    split: set[str] = field(default_factory=set)
    kind: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    digest: str = ""  # hash of the file's bytes ("" when absent): part of the index fingerprint


@dataclass
class Group:
    """A canonical entity before it is tied to articles: what `group_mentions` returns."""

    name: str
    kind: str
    label: str  # most common spaCy label among the mentions
    spellings: Counter[str]  # original spelling -> mentions
    keys: set[str]  # folded spellings (what mentions are matched by)
    context: str = ""
    """What tells this entity from a namesake of the same name and kind ("chancellor",
    "with Arsenal"); "" when it has none. Already part of `name`: "Brown (chancellor)"."""
    roles: Counter[str] = field(default_factory=Counter)
    """Job words written beside its mentions (`evidence.roles_near`), when texts are known;
    read only for entities that share their name with another."""


@dataclass
class _Node:
    """All mentions sharing one folded spelling (titles stripped) and one resolution: the
    full name their articles linked them to, or none."""

    key: str  # the folded spelling, titles stripped
    family: str  # "NAME", "DATE" or "FIGURE": families are never merged with each other
    ref: str = ""  # the full name these mentions were resolved to in their articles
    kinds: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    forms: Counter[str] = field(default_factory=Counter)
    articles: Counter[str] = field(default_factory=Counter)
    cues: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    """Weighted kind votes from the mentions' spellings and contexts (`types.mention_cues`)."""
    titled: float = 0.0  # PERSON votes from honorifics alone (`types.honorific_votes`)
    spoken: list[tuple[str, Mention]] = field(default_factory=list)
    """(article id, mention) of its mentions labelled PERSON: where its job words are read."""

    @property
    def kind(self) -> str:
        """The kind most of this spelling's mentions carry."""
        return _most_common(self.kinds)

    @property
    def count(self) -> int:
        """Number of mentions with this spelling."""
        return sum(self.kinds.values())

    @property
    def tokens(self) -> list[str]:
        """The folded spelling's words."""
        return self.key.split()


# (article id, mention) -> the mention's cue votes and honorific votes (`group_mentions`).
CueMemo = dict[tuple[str, Mention], tuple[Mapping[str, float], float]]


def family_of(kind: str) -> str:
    """Names merge with names whatever the model's label; dates and figures stay apart."""
    return "NAME" if kind in NAME_KINDS else kind


def node_key(mention: Mention) -> str:
    """The key a mention is grouped under: its spelling without titles ("Mr Blair" ->
    "blair"), and, when its article resolved it, the full name it stands for (`Mention.ref`):
    "Blair" linked to "Tony Blair" in one article and a bare "Blair" elsewhere are two keys."""
    key = f"{family_of(mention.kind)}\x00{match_key(mention)}"
    return f"{key}\x01{mention.ref}" if mention.ref else key


def skeleton(token: str) -> str:
    """Consonant skeleton of a token: what transliterations of one name usually share.

    Vowels and `y` go, `q` is `k`, the `h` of kh/gh/zh goes. Doubled letters and
    apostrophes stay: Gerrard/Gerard and O'Sullivan/Sullivan are different names.
    """
    token = _NON_LETTER.sub("", token.replace("q", "k"))
    token = _H_AFTER.sub("", token)
    return _VOWELS.sub("", token)


def is_variant(a: str, b: str) -> bool:
    """Two different tokens that look like two transliterations of one name."""
    if a == b:
        return True
    if min(len(a), len(b)) < MIN_VARIANT_LEN or abs(len(a) - len(b)) > 2:
        return False
    if a[0] != b[0] or a[-1] != b[-1]:  # Adrian/Adriano, Pompey/Pompei: not transliterations
        return False
    if skeleton(a) != skeleton(b):
        return False
    return bool(Levenshtein.normalized_similarity(a, b) >= VARIANT_SIMILARITY)


class _UnionFind:
    """Disjoint sets of node keys."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.parent = {key: key for key in keys}

    def find(self, key: str) -> str:
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:  # path compression keeps later finds flat
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)

    def groups(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for key in self.parent:
            out[self.find(key)].append(key)
        return out


def group_mentions(
    mentions_by_article: Mapping[str, Iterable[Mention]],
    rules: AliasRules | None = None,
    vocabulary: frozenset[str] = frozenset(),
    texts: Mapping[str, str] | None = None,
    cue_memo: CueMemo | None = None,
) -> tuple[list[Group], dict[str, int]]:
    """Group every mention of the corpus into canonical entities. `vocabulary` (the corpus's
    lowercase words, when known) keeps "Ask Jeeves" from reading as a person's name;
    `texts` (article id -> text, when known) lets the words around each mention vote on
    its entity's kind (`types`); without it only the spellings' cues vote. A caller that
    groups the same mentions twice passes one `cue_memo` to both calls: reading the cues
    is a third of the grouping's time.

    Returns the groups and a map from node key (see `node_key`) to the group's position.
    """
    rules = rules or AliasRules()
    memo: CueMemo = {} if cue_memo is None else cue_memo
    nodes: dict[str, _Node] = {}
    for article_id, mentions in mentions_by_article.items():
        for mention in mentions:
            key = node_key(mention)
            node = nodes.get(key)
            if node is None:
                spelling = key.split("\x00", 1)[1].split("\x01", 1)[0]
                node = nodes[key] = _Node(spelling, family_of(mention.kind), mention.ref)
            node.kinds[mention.kind] += 1
            node.labels[mention.label] += 1
            node.forms[mention.text] += 1
            node.articles[article_id] += 1
            text = texts.get(article_id) if texts is not None else None
            cues = memo.get((article_id, mention))
            if cues is None:
                cues = memo[article_id, mention] = (
                    mention_cues(mention, text),
                    honorific_votes(mention, text),
                )
            for kind, weight in cues[0].items():
                node.cues[kind] += weight
            node.titled += cues[1]
            if text is not None and mention.kind == "PERSON":
                node.spoken.append((article_id, mention))
    sets = _UnionFind(nodes)
    frozen = {key for key, node in nodes.items() if node.key in rules.split}
    names = {key: node for key, node in nodes.items() if node.family == "NAME"}
    _merge_resolved(nodes, sets, frozen)
    _merge_variants(names, sets, frozen)
    _merge_spellings(names, sets, frozen, vocabulary)
    _merge_typos(names, sets, frozen, vocabulary)
    _merge_plurals(names, sets, frozen)
    _merge_acronyms(names, sets, frozen)
    _merge_clipped(names, sets, frozen)
    _merge_short_forms(names, sets, frozen)
    _merge_official_names(names, sets, frozen)
    _merge_by_hand(nodes, sets, rules)

    places = {node.key for node in names.values() if node.kind == "PLACE"}
    groups: list[Group] = []
    positions: dict[str, int] = {}
    members_of: list[list[_Node]] = []
    for members in sets.groups().values():
        group = _make_group([nodes[key] for key in members], rules, places, vocabulary)
        for key in members:
            positions[key] = len(groups)
        groups.append(group)
        members_of.append([nodes[key] for key in members])
    _label_namesakes(groups, members_of, texts)
    # A caller may look up a resolved mention's own spelling (a mention found later, with
    # no `ref`): it finds the entity that spelling was resolved to rather than nothing.
    # `resolve.resolve_found` keeps such look-ups to spellings resolved in the same article.
    for key, node in nodes.items():
        if node.ref:
            positions.setdefault(key.split("\x01", 1)[0], positions[key])
    return groups, positions


def _merge_resolved(nodes: dict[str, _Node], sets: _UnionFind, frozen: set[str]) -> None:
    """Join each short form to the full name its article resolved it to, unless the user
    keeps that spelling apart (`split:` in aliases.yaml)."""
    for key, node in nodes.items():
        target = f"{node.family}\x00{node.ref}"
        if CLUSTER_MARK in node.ref:  # one of several namesakes: its full name's own node
            target = f"{node.family}\x00{base_of(node.ref)}\x01{node.ref}"
        if node.ref and key not in frozen and target in nodes:
            sets.union(key, target)


def _merge_variants(names: dict[str, _Node], sets: _UnionFind, frozen: set[str]) -> None:
    """Join transliteration variants (candidates are bucketed by skeleton and by
    romanisation form: ~O(n)).

    Spelling alone cannot tell a transliteration (Uyghur/Uighur) from a different name that
    looks alike (Williams/Walliams, Miller/Millar, Cameron/Cameroon: all pass the spelling
    tests). So a pair must also be anchored: a multi-word pair shares an identical word
    ("Kairat Abdrakhmanov"/"Kairat Abdurakhmanov"), and a one-word pair is corroborated by
    the same difference in another pair of spellings ("Uyghurs"/"Uighurs" beside
    "Uyghur"/"Uighur"): a convention one source follows, not a coincidence.

    Only spellings that stand for themselves are compared: a surname resolved to a full
    name in its article follows that full name ("Williams" of Serena Williams is not
    "Walliams" of David Walliams, though the spellings look alike).
    """
    buckets: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for key, node in names.items():
        if key not in frozen and not node.ref:
            buckets[("s", *(skeleton(token) for token in node.tokens))].append(key)
            buckets[("t", *translit_key(node.key))].append(key)
    candidates: dict[tuple[str, str], tuple[frozenset[tuple[str, str]], bool]] = {}
    for keys in buckets.values():
        for i, key_a in enumerate(keys):
            node_a = names[key_a]
            for key_b in keys[i + 1 :]:
                node_b = names[key_b]
                pair = (min(key_a, key_b), max(key_a, key_b))
                if node_a.key == node_b.key or pair in candidates:
                    continue
                if len(node_a.tokens) != len(node_b.tokens):
                    continue
                pairs = list(zip(node_a.tokens, node_b.tokens, strict=True))
                if not all(is_variant(a, b) or _same_romanised(a, b) for a, b in pairs):
                    continue
                if set(node_a.articles) & set(node_b.articles):
                    continue  # both spellings in one article: two names, not two spellings
                differences = frozenset(_difference(a, b) for a, b in pairs if a != b)
                anchored = any(a == b for a, b in pairs)
                if not anchored and not all(
                    is_variant(a, b) or _same_romanised(a, b, doubled=False) for a, b in pairs
                ):
                    continue  # a doubled letter alone (Gerrard/Gerard) needs a shared word
                candidates[pair] = (differences, anchored)
    seen: Counter[tuple[str, str]] = Counter()
    for differences, _ in candidates.values():
        seen.update(differences)
    for (key_a, key_b), (differences, anchored) in candidates.items():
        if anchored or any(seen[d] > 1 for d in differences):
            sets.union(key_a, key_b)


MIN_ROMANISED_LEN = 4  # shorter words (Ali/Aly) are too often two names


def _same_romanised(a: str, b: str, *, doubled: bool = True) -> bool:
    """Two words that are one name in two romanisations (`normalise.translit_key`):
    Nazarbayev/Nazarbaev, Khodorkovsky/Hodorkovsky; with `doubled`, Mohammed/Mohamed."""
    if min(len(a), len(b)) < MIN_ROMANISED_LEN:
        return False
    return translit_key(a, doubled=doubled) == translit_key(b, doubled=doubled)


def _merge_spellings(
    names: dict[str, _Node], sets: _UnionFind, frozen: set[str], vocabulary: frozenset[str]
) -> None:
    """Join spellings of one name that differ only in what does not name it
    (`normalise.name_key`): punctuation and spaces ("Daimler-Chrysler", "Al Qaeda" /
    "al-Qaeda"), "&" for "and", a leading "the"; and, for organisations, company words at the
    end ("Arcadia Group" / "Arcadia", "MCI Communications" / "MCI", "Sony Corp" / "Sony").

    The company rule joins organisations only (what the model mostly calls them): "British
    Airways" keeps its words, and a person is never shortened. A one-word stem that is also
    a common word of the corpus ("News" of "News Corp") joins only when the two spellings are
    written in one article at least once.
    """
    plain: dict[str, list[str]] = defaultdict(list)
    company: dict[str, list[str]] = defaultdict(list)
    for key, node in names.items():
        if key in frozen or node.ref:
            continue
        letters = name_key(node.key)
        if letters:
            plain[letters].append(key)
        if node.kind == "ORG" and _reads_as_name(node):
            stem = name_key(node.key, company=True)
            if stem:
                company[stem].append(key)
    for keys in plain.values():
        for key in keys[1:]:
            sets.union(keys[0], key)
    for keys in company.values():
        suffixed = [k for k in keys if strip_company_suffix(names[k].key) != names[k].key]
        if not suffixed or len(keys) < 2:
            continue
        bare = [k for k in keys if k not in suffixed]
        for key in bare:
            node = names[key]
            together = any(set(node.articles) & set(names[k].articles) for k in suffixed)
            if len(node.tokens) == 1 and node.key in vocabulary and not together:
                continue
            sets.union(suffixed[0], key)
        for key in suffixed[1:]:
            sets.union(suffixed[0], key)


MAX_TYPO_MENTIONS = 2  # a slip of the pen is written once or twice
TYPO_RATIO = 3  # and the spelling it slipped from at least this many times more
MAX_NAMES_OF_RARE_WORD = 2  # a word in more distinct names than this is a common name


def _merge_typos(
    names: dict[str, _Node], sets: _UnionFind, frozen: set[str], vocabulary: frozenset[str]
) -> None:
    """Join a rare misspelling to the name it slips from: "DaimlerChrylser" (once) to
    "DaimlerChrysler" (17 times).

    One edit apart (`normalise.is_typo`) in one word, the rest identical; the slip written
    at most `MAX_TYPO_MENTIONS` times and the name at least `TYPO_RATIO` times as often; both
    words rare as names: the slip's word is in no other name and is no common word, the
    name's word in at most `MAX_NAMES_OF_RARE_WORD` distinct names. Two common names one
    letter apart (Johnson/Johnston, each part of several people's names) are never joined:
    the corpus shows both are names of their own.
    """
    plain = {k: n for k, n in names.items() if k not in frozen and not n.ref}
    names_with: dict[str, set[str]] = defaultdict(set)
    letters = {k: name_key(n.key) for k, n in plain.items()}
    counts = {k: n.count for k, n in plain.items()}
    for key, node in plain.items():
        for token in node.tokens:
            names_with[token].add(letters[key])
    # Only spellings written often enough to be slipped from are bucketed; each rare one
    # looks in its two buckets.
    buckets: dict[str, list[str]] = defaultdict(list)
    for key in plain:
        if len(letters[key]) >= MIN_TYPO_LETTERS and counts[key] >= TYPO_RATIO:
            for bucket in typo_buckets(letters[key]):
                buckets[bucket].append(key)
    for slip, node in plain.items():
        if counts[slip] > MAX_TYPO_MENTIONS or len(letters[slip]) < MIN_TYPO_LETTERS:
            continue
        others = {k for bucket in typo_buckets(letters[slip]) for k in buckets.get(bucket, ())}
        for other in sorted(others, key=lambda k: (-counts[k], k)):
            name = plain[other]
            if counts[other] < TYPO_RATIO * counts[slip] or len(name.tokens) != len(node.tokens):
                continue
            pairs = zip(node.tokens, name.tokens, strict=True)
            differing = [(a, b) for a, b in pairs if a != b]
            if len(differing) != 1:
                continue
            wrong, right = differing[0]
            if wrong in vocabulary or len(names_with[wrong]) > 1:
                continue
            if len(names_with[right]) > MAX_NAMES_OF_RARE_WORD:
                continue
            one_word = len(node.tokens) == 1
            if node.kind in (name.kind, "ORG") and is_typo(
                letters[slip], letters[other], one_word=one_word
            ):
                sets.union(slip, other)
                break


def _difference(a: str, b: str) -> tuple[str, str]:
    """Two differing tokens as an unordered pair, plural `s` dropped, so that
    Uyghur/Uighur and Uighurs/Uyghurs count as the same difference."""
    a, b = a.removesuffix("s"), b.removesuffix("s")
    return (a, b) if a <= b else (b, a)


def _merge_plurals(names: dict[str, _Node], sets: _UnionFind, frozen: set[str]) -> None:
    """Join a plural to its singular ("Kazakhs" to "Kazakh").

    Always for groups and places, never for people (Williams/William). Organisations'
    plurals are often other names (Times/Time, Simpsons/Simpson), so there the pair must be
    corroborated: two spellings of the singular each with its plural among the spellings of
    the plural (Uyghur/Uyghurs and Uighur/Uighurs, once the variants are joined).
    """
    pairs: list[tuple[str, str]] = []
    for key, node in names.items():
        if key in frozen or len(node.key) < MIN_PLURAL_STEM or " " in node.key:
            continue
        plural = names.get(key + "s")
        if plural is not None and key + "s" not in frozen:
            pairs.append((key, key + "s"))
    parallel = Counter((sets.find(a), sets.find(b)) for a, b in pairs)
    for key, plural_key in pairs:
        kinds = {names[key].kind, names[plural_key].kind}
        if "PERSON" in kinds:
            continue
        if kinds & {"GROUP", "PLACE"} or parallel[(sets.find(key), sets.find(plural_key))] > 1:
            sets.union(key, plural_key)


def _merge_short_forms(names: dict[str, _Node], sets: _UnionFind, frozen: set[str]) -> None:
    """Join one-word short forms ("Sauytbay") to the full name they stand for.

    A short form equals the first or last word of the full names (multi-word spellings
    that read as names) of exactly one group, or, when several groups share the word, of one
    group that is written beside nearly all its mentions: "Blair" beside "Tony Blair", in
    articles that do not name "Cherie Blair".
    """
    groups = {root: members for root, members in sets.groups().items() if root in names}
    kind_of = {root: _group_kind([names[k] for k in members]) for root, members in groups.items()}
    articles_of = {
        root: set().union(*(names[k].articles for k in members)) for root, members in groups.items()
    }
    # word -> {(group root, "first" or "last")} over full-name spellings
    index: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for root, members in groups.items():
        for key in members:
            tokens = names[key].tokens
            if len(tokens) > 1 and key not in frozen and _reads_as_name(names[key]):
                index[tokens[0]].add((root, "first"))
                index[tokens[-1]].add((root, "last"))
    joins: list[tuple[str, str]] = []
    for root, members in groups.items():
        nodes = [names[k] for k in members]
        if any(len(n.tokens) != 1 for n in nodes) or any(k in frozen for k in members):
            continue
        hits = {hit for n in nodes for hit in index.get(n.key, ())}
        targets = {target for target, _ in hits}
        if not targets:
            continue
        mentions = Counter[str]()
        for node in nodes:
            mentions.update(node.articles)
        total = sum(mentions.values())
        target = _only_or_dominant(targets, mentions, articles_of)
        if target is None:
            continue  # ambiguous ("Brown": Gordon Brown or Nick Brown?)
        beside = sum(c for a, c in mentions.items() if a in articles_of[target])
        kind, target_kind = kind_of[root], kind_of[target]
        if "PERSON" in (kind, target_kind):
            # A lone name is linked to a person only inside its own article, where the
            # article introduced the full name (`resolve`); across articles "Brown" may be
            # anyone called Brown.
            continue
        # An organisation's first word is often a brand of its own (Nintendo / Nintendo
        # Europe, Fed / Fed Cup): it joins only where the full name is written beside most
        # of the short form's mentions (Commission / European Commission).
        if kind == target_kind == "ORG" and beside >= SHORT_FORM_SHARE * total:
            joins.append((root, target))
    for root, target in joins:
        sets.union(root, target)


def _only_or_dominant(
    targets: set[str], mentions: Counter[str], articles_of: dict[str, set[str]]
) -> str | None:
    """The one target, or the target written beside most of the short form's mentions
    while the others are beside almost none of the rest."""
    if len(targets) == 1:
        return next(iter(targets))
    total = sum(mentions.values())
    beside = {t: sum(c for a, c in mentions.items() if a in articles_of[t]) for t in targets}
    best = max(sorted(targets), key=lambda t: beside[t])
    elsewhere = sum(
        c
        for a, c in mentions.items()
        if a not in articles_of[best] and any(a in articles_of[t] for t in targets)
    )
    if beside[best] >= SHORT_FORM_SHARE * total and elsewhere <= DOMINANT_OTHERS * total:
        return best
    return None


def _reads_as_name(node: _Node) -> bool:
    """A multi-word spelling that can be a full name: capitalised words and particles only
    ("Justice and Development Party", "Vincent van Gogh"); not "Chelsea v Birmingham" or
    "Barkley, Beattie, Christophers"."""
    form = node.forms.most_common(1)[0][0]
    if "," in form:
        return False
    return all(
        word[0].isupper()
        or word[0].isdigit()
        or word.casefold() in _PARTICLES
        or any(part[:1].isupper() for part in word.split("-")[1:])  # al-Assad
        for word in form.split()
    )


def _merge_acronyms(names: dict[str, _Node], sets: _UnionFind, frozen: set[str]) -> None:
    """Join an acronym written in capitals ("AP", "U.S.", "PRC") to the only name of the
    same kind whose initials it spells ("Associated Press", "People's Republic of China"),
    when the two appear together in at least one article."""
    acronyms = {
        key
        for key, node in names.items()
        if key not in frozen and any(_ACRONYM.fullmatch(form) for form in node.forms)
    }
    expansions: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key, node in names.items():
        if (
            len(node.tokens) > 1
            and key not in frozen
            and key not in acronyms
            and _reads_as_name(node)
        ):
            expansions[(node.kind, initials(node.tokens))].add(key)
    for key in acronyms:
        node = names[key]
        letters = node.key.replace(" ", "")
        if len(letters) < 2:
            continue
        found = expansions.get((node.kind, letters), set())
        if len({sets.find(k) for k in found}) != 1:
            continue
        # Written together at least once, as in "Radio Free Asia (RFA)": the NBA is not
        # Newcastle Brown Ale.
        if any(set(node.articles) & set(names[k].articles) for k in found):
            sets.union(key, next(iter(found)))


def _merge_clipped(names: dict[str, _Node], sets: _UnionFind, frozen: set[str]) -> None:
    """Join a clipped name no article resolved ("Yugansk" alone) to the one name that some
    article introduced it for in brackets ("Yuganskneftegas (Yugansk)"): the corpus shows
    the expansion. A clipped form introduced for two names stays apart."""
    expansions: dict[str, set[str]] = defaultdict(set)
    for node in names.values():
        if node.ref and CLUSTER_MARK not in node.ref and is_clipped(node.key, node.ref):
            expansions[node.key].add(node.ref)
    for clipped, (full, *others) in expansions.items():
        key, target = f"NAME\x00{clipped}", f"NAME\x00{full}"
        if not others and key in names and target in names and key not in frozen:
            sets.union(key, target)


def _merge_by_hand(nodes: dict[str, _Node], sets: _UnionFind, rules: AliasRules) -> None:
    """Apply the user's `merge:` lists (names, dates or figures alike)."""
    by_spelling: dict[str, list[str]] = defaultdict(list)
    for key, node in nodes.items():
        by_spelling[node.key].append(key)
    for spellings in rules.merge:
        keys = [key for spelling in spellings for key in by_spelling.get(spelling, ())]
        for key in keys[1:]:
            sets.union(keys[0], key)


def _group_kind(nodes: list[_Node]) -> str:
    kinds: Counter[str] = Counter()
    for node in nodes:
        kinds.update(node.kinds)
    return _most_common(kinds)


def refine_mentions(
    mentions_by_article: Mapping[str, list[Mention]],
    vocabulary: frozenset[str] = frozenset(),
    texts: Mapping[str, str] | None = None,
) -> dict[str, list[Mention]]:
    """Corpus-aware clean-up before grouping; returns new lists, the input is left alone.

    - A name glued to a place before it ("Ambassador to Kazakhstan Zhang Hanhui" read as
      "Kazakhstan Zhang Hanhui") loses the place: the mention starts with the name of a place
      the model found elsewhere in the corpus, followed by two or three capitalised words. For
      a person always; for an organisation only when the glued spelling is seen once and the
      rest is two words, neither an organisation word nor a common word of the corpus
      ("London Stock Exchange" recurs; "London Symphony Orchestra" holds common words).
    - A lone word the model called a person once, that is a common word of the corpus
      (`vocabulary`: words seen in lowercase) and no part of any longer name, is dropped:
      "Belt" of "Belt… can develop".
    - "X and Y" is split into X and Y (`_split_and`) unless the corpus shows it as one name.
    - Then each article's short forms are resolved within it (`resolve.resolve_article`):
      "Mr Blair" and "Blair" to the "Tony Blair" it introduces.
    - Last, namesakes across articles are told apart, and lone surnames linked to a person
      of other articles, by their contexts (`evidence.separate_namesakes`; `texts`, article
      id -> text, give it roles and topics: without them only co-mentions count).
    """
    counts: Counter[str] = Counter()
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    name_tokens: set[str] = set()
    spread: dict[str, set[str]] = defaultdict(set)  # folded spelling -> articles naming it
    for article_id, mentions in mentions_by_article.items():
        for mention in mentions:
            spread[fold(mention.text)].add(article_id)
    mentions_by_article = {
        article_id: [part for m in mentions for part in _split_and(m, spread)]
        for article_id, mentions in mentions_by_article.items()
    }
    for mentions in mentions_by_article.values():
        for mention in mentions:
            folded = fold(mention.text)
            counts[folded] += 1
            kinds[folded][mention.kind] += 1
            words = folded.split()
            if len(words) > 1 and mention.kind in NAME_KINDS:
                name_tokens.update(words)
    # Spellings the model calls a place most of the time ("Kazakh" is mostly not one).
    places = {
        key
        for key, seen in kinds.items()
        if _most_common(seen) == "PLACE" and seen["PLACE"] >= MIN_GLUED_PLACE
    }
    out: dict[str, list[Mention]] = {}
    for article_id, mentions in mentions_by_article.items():
        kept: list[Mention] = []
        for mention in mentions:
            folded = fold(mention.text)
            if (
                mention.kind == "PERSON"
                and " " not in folded
                and counts[folded] == 1
                and folded in vocabulary
                and folded not in name_tokens
            ):
                continue
            if mention.kind == "PERSON" or (mention.kind == "ORG" and counts[folded] == 1):
                mention = _strip_leading_place(mention, places, vocabulary)
            kept.append(mention)
        out[article_id] = resolve_article(kept)
    return separate_namesakes(unlink_gender_clashes(out, texts), texts)


_AND = re.compile(r"\s+and\s+")
# Last words that make "X and Y" one organisation ("National Development and Reform
# Commission", "Brown and Williamson Tobacco Corporation").
_ORG_ENDINGS = frozenset(
    {"commission", "corporation", "corp", "inc", "ltd", "plc", "co", "partners", "associates"}
    | {"sons", "brothers", "bros", "industries", "holdings", "authority", "trust", "society"}
)
MAX_AND_PART_WORDS = 3


def _split_and(mention: Mention, spread: Mapping[str, set[str]]) -> list[Mention]:
    """ "Tony Blair and Gordon Brown" as two mentions, each spanning its own name.

    Split only when the two sides are plainly two names: each is written alone somewhere in
    the corpus ("Aviator and Million Dollar Baby"), or each is a full name of two or more
    words. Kept whole when the corpus shows it as one name (the whole spelling written in
    two articles or more: "Trinidad and Tobago"), when a side holds a function word
    ("Ministry of Trade and Industry") or when it ends in an organisation word ("National
    Development and Reform Commission", "Justice and Development Party"). Each side must be
    one to three capitalised words. A company written once as "Brown and Williamson",
    whose two words are also names of their own, is split: the corpus does not show it as
    one, and a wrong split costs less than a person merged into a company.
    """
    if mention.kind not in NAME_KINDS:
        return [mention]
    parts = _AND.split(mention.text)
    if len(parts) != 2:
        return [mention]
    left, right = parts
    sides = [left.split(), right.split()]
    if not all(1 <= len(words) <= MAX_AND_PART_WORDS for words in sides):
        return [mention]
    if not all(w[:1].isupper() for words in sides for w in words) or "," in mention.text:
        return [mention]
    folded = [fold(w) for words in sides for w in words]
    if set(folded) & _FUNCTION_WORDS or folded[-1] in _ORG_WORDS | _ORG_ENDINGS:
        return [mention]
    if len(spread.get(fold(mention.text), ())) >= 2:
        return [mention]  # the corpus writes it as one name
    # Two names: each written alone somewhere in the corpus ("Aviator", "Million Dollar
    # Baby"), or each a full name of its own ("Tony Blair and Gordon Brown").
    if not (all(fold(side) in spread for side in parts) or all(len(w) > 1 for w in sides)):
        return [mention]
    # Offsets: the left side from the start, the right one counted from the end (the text
    # between may hold a line break).
    first = replace(mention, text=left, end=mention.start + len(left))
    second = replace(mention, text=right, start=mention.end - len(right))
    return [first, second]


def _strip_leading_place(mention: Mention, places: set[str], vocabulary: frozenset[str]) -> Mention:
    words = mention.text.split(" ")
    for size in (2, 1):
        rest = words[size:]
        if not 2 <= len(rest) <= 3 or not all(w[:1].isupper() for w in rest):
            continue
        # The rest must be words that are names, not common words ("London Symphony
        # Orchestra", "Blackpool Pleasure Beach" stay whole); an organisation's rest, two
        # such words and only when the vocabulary is known.
        folded_rest = {fold(w).rstrip(".") for w in rest}
        if not folded_rest.isdisjoint(_ORG_WORDS) or not folded_rest.isdisjoint(vocabulary):
            continue
        if mention.kind != "PERSON" and (not vocabulary or len(rest) != 2):
            continue
        if fold(" ".join(words[:size])) in places:
            # Counted from the end: the glue is often a line break, the name itself is not.
            name = " ".join(rest)
            return replace(mention, text=name, start=max(mention.start, mention.end - len(name)))
    return mention


def _merge_official_names(names: dict[str, _Node], sets: _UnionFind, frozen: set[str]) -> None:
    """Join a country's official name to its short name: "Republic of Kazakhstan" and
    "People's Republic of China" to the place "Kazakhstan" and "China". The official name is
    a place whose words end in "republic of Y" and Y is itself a place's one-word name."""
    for key, node in names.items():
        tokens = node.tokens
        if key in frozen or node.kind != "PLACE" or len(tokens) < 3 or not _reads_as_name(node):
            continue
        if tokens[-3:-1] != ["republic", "of"]:
            continue
        short = names.get(f"NAME\x00{tokens[-1]}")
        if short is not None and short.kind == "PLACE" and f"NAME\x00{tokens[-1]}" not in frozen:
            sets.union(key, f"NAME\x00{tokens[-1]}")


# Suffixes that turn a people's name into its country's ("Kazakh" -> "Kazakhstan").
_COUNTRY_SUFFIXES = ("stan", "istan")  # not "ia": Niger/Nigeria are two countries
# Words that make a multi-word name an organisation, whatever its words look like.
_ORG_WORDS = ORG_WORDS


def _is_demonym(nodes: list[_Node], places: Set[str]) -> bool:
    """A one-word name used for a people, whatever the model called it: its plural is among
    its spellings ("Kazakh"/"Kazakhs", "Uyghur"/"Uighurs") and the model called the singular
    a person or a group at least now and then (not "Britain"/"Britains", "Saab"/"Saabs",
    "State"/"States"), or it is the stem of a place's name ("Kyrgyz" of "Kyrgyzstan")."""
    keys = {node.key for node in nodes}
    singles = [node for node in nodes if len(node.tokens) == 1]
    if not singles or any(len(node.tokens) > 1 for node in nodes):
        return False
    for node in singles:
        plural = keys & {node.key + "s"}
        if plural and not node.key.endswith("s"):
            plural_count = sum(n.count for n in nodes if n.key in plural)
            singular = [n for n in singles if not n.key.endswith("s")]
            votes = sum(n.kinds["PERSON"] + n.kinds["GROUP"] for n in singular)
            size = sum(n.count for n in singular)
            # "Philippines" is not a people: the plural must not swamp the singular.
            if node.count * 3 >= plural_count and votes >= DEMONYM_VOTES * size:
                return True
        if any(node.key + suffix in places for suffix in _COUNTRY_SUFFIXES):
            return True
    return False


def _person_by_short_form(nodes: list[_Node], vocabulary: frozenset[str] = frozenset()) -> bool:
    """A full name the model called something else, when its short form is a person: one
    "Kassym-Jomart Tokayev" labelled ORG, four "Tokayev" labelled PERSON. The full name must
    read as a name (capitalised words, no organisation word) and its short forms must be
    mostly PERSON and at least as frequent."""
    full = [node for node in nodes if len(node.tokens) > 1]
    short = [node for node in nodes if len(node.tokens) == 1]
    if not full or not short:
        return False
    if not all(_reads_as_name(node) for node in full):
        return False
    if any(_holds_common_word(node.tokens, vocabulary) for node in full):
        return False  # "Ask Jeeves", "Directors Guild": common words make no person
    short_kinds: Counter[str] = Counter()
    for node in short:
        short_kinds.update(node.kinds)
    total = sum(short_kinds.values())
    full_count = sum(node.count for node in full)
    return short_kinds["PERSON"] * 2 > total and total >= full_count


def _holds_common_word(tokens: list[str], vocabulary: frozenset[str]) -> bool:
    words = set(tokens)
    return not (
        words.isdisjoint(_ORG_WORDS)
        and words.isdisjoint(_FUNCTION_WORDS)
        and words.isdisjoint(vocabulary)
    )


def _make_group(
    nodes: list[_Node],
    rules: AliasRules,
    places: Set[str] = frozenset(),
    vocabulary: frozenset[str] = frozenset(),
) -> Group:
    spellings: Counter[str] = Counter()
    labels: Counter[str] = Counter()
    articles: Counter[str] = Counter()
    for node in nodes:
        spellings.update(node.forms)
        labels.update(node.labels)
        articles.update(node.articles)
    # A full name carries more evidence than a lone word: the model calls "Samarkan" ORG but
    # "Kayrat Samarkan" PERSON. So the model's votes are counted among multi-word spellings
    # when any, and so are the cues: counting every "NIESR said" against the one "National
    # Institute of Economic and Social Research" the model labelled would outvote it. Only
    # an honorific is strong enough to speak from a short form ("Mr Cable" for Vince Cable).
    # Among one-word names the full one is what an article clipped in brackets after it
    # ("Yuganskneftegas (Yugansk)").
    multi_word = [node for node in nodes if len(node.tokens) > 1]
    expanded = {n.ref for n in nodes if n.ref and is_clipped(n.key, n.ref)}
    full = multi_word or [node for node in nodes if node.key in expanded and not node.ref]
    model_votes: Counter[str] = Counter()
    for node in full or nodes:
        model_votes.update(node.kinds)
    cues: defaultdict[str, float] = defaultdict(float)
    for node in full or nodes:
        for cue_kind, weight in node.cues.items():
            cues[cue_kind] += weight
    if multi_word:
        cues["PERSON"] += sum(node.titled for node in nodes if len(node.tokens) == 1)
    votes: Mapping[str, float] = model_votes
    if not any(node.titled for node in nodes) and (
        not multi_word or all(node.tokens[0] in places for node in multi_word)
    ):  # one word, or "Manchester United": never introduced as a person
        votes = unintroduced_votes(model_votes, cues)
    kind = vote_kind(votes, cues)
    if kind in NAME_KINDS and kind != "PERSON" and _person_by_short_form(nodes, vocabulary):
        kind = "PERSON"
    elif kind in NAME_KINDS and kind != "GROUP" and _is_demonym(nodes, places):
        kind = "GROUP"
    keys = {node.key for node in nodes}
    forced = [rules.kind[k] for k in sorted(keys) if k in rules.kind]
    if forced:
        kind = forced[0]
    name = _canonical_name(spellings, kind, keys, rules)
    return Group(name, kind, _most_common(labels), spellings, keys)


def _plain_name(group: Group) -> str:
    """The entity's name without what tells it from its namesakes."""
    return group.name.removesuffix(f" ({group.context})") if group.context else group.name


def _label_namesakes(
    groups: list[Group], members_of: list[list[_Node]], texts: Mapping[str, str] | None
) -> None:
    """Give entities that share a name and a kind (namesakes `evidence` kept apart) what
    tells them apart, in their names: the job written beside them most ("Brown
    (chancellor)", "Brown (striker)"), and, when that is missing or shared, the name most
    often written beside them that no namesake shares ("Brown (with Bristol City)"); a
    number when nothing else differs."""
    by_name: dict[tuple[str, str], list[int]] = defaultdict(list)
    for position, group in enumerate(groups):
        if group.kind in NAME_KINDS:
            by_name[(group.name, group.kind)].append(position)
    collisions = [found for found in by_name.values() if len(found) > 1]
    if not collisions:
        return
    in_article: dict[str, Counter[int]] = defaultdict(Counter)
    for position, nodes in enumerate(members_of):
        for node in nodes:
            for article_id, count in node.articles.items():
                in_article[article_id][position] += count
    size = [sum(group.spellings.values()) for group in groups]
    for found in collisions:
        own = set(fold(groups[found[0]].name).split())
        company: dict[int, Counter[int]] = {}
        for position in found:
            seen: Counter[int] = Counter()
            articles = {a for node in members_of[position] for a in node.articles}
            for article_id in articles:
                for other in in_article[article_id]:
                    other_group = groups[other]
                    if other_group.kind not in ("PERSON", "ORG") or other in found:
                        continue
                    if not own & set(fold(other_group.name).split()):
                        seen[other] += 1
            company[position] = seen
        for position in found:
            groups[position].roles = Counter(
                role
                for node in members_of[position]
                for article_id, mention in node.spoken
                for role in roles_near((texts or {}).get(article_id, ""), mention)
            )
        roles = {position: describe(groups[position].roles) for position in found}
        for number, position in enumerate(
            sorted(found, key=lambda p: (-size[p], groups[p].name)), start=1
        ):
            parts = [roles[position]] if roles[position] else []
            shared_role = sum(roles[p] == roles[position] for p in found) > 1
            if not parts or shared_role:
                others = set().union(*(set(company[p]) for p in found if p != position))
                mine = [o for o in company[position] if o not in others]
                if mine:
                    best = min(mine, key=lambda o: (-company[position][o], -size[o], o))
                    parts.append(f"with {_plain_name(groups[best])}")
            context = ", ".join(parts) or str(number)
            group = groups[position]
            group.context = context
            group.name = f"{group.name} ({context})"


def _canonical_name(spellings: Counter[str], kind: str, keys: set[str], rules: AliasRules) -> str:
    """The user's first merge spelling, else the most frequent full form."""
    for listed in rules.merge:
        for spelling in listed[:1]:
            if spelling in keys:
                matches = [s for s in spellings if fold(s) == spelling]
                return max(matches, key=lambda s: spellings[s])
    # Full forms are the multi-word spellings a short form or an acronym joined ("Sayragul
    # Sauytbay", "Radio Free Asia"); among them, or among all when there is none, the most
    # mentioned wins, then the shorter (a plural loses a tie), then A-Z.
    # A country's official name ("Republic of Kazakhstan") never names it over its short name.
    # A title does not make a full name: "Ed Balls" names him, not "Mr Balls".
    candidates = [s for s in spellings if not _OFFICIAL.search(fold(s))] or list(spellings)
    if kind == "ORG":
        # A company is named as the news names it: "MCI" written ten times over one "MCI
        # Inc.", "Qwest" over "Qwest Communications".
        counts = Counter({fold(s): 0 for s in candidates})
        for s in candidates:
            counts[fold(s)] += spellings[s]
        stems = {strip_company_suffix(fold(s)) for s in candidates}
        stems = {
            stem
            for stem in stems
            if any(stem != fold(s) and strip_company_suffix(fold(s)) == stem for s in candidates)
            and counts[stem] >= max(c for k, c in counts.items() if strip_company_suffix(k) == stem)
        }
        shorter = [s for s in candidates if fold(s) in stems]
        if shorter:
            return min(shorter, key=lambda s: (-spellings[s], len(s), s))
    if kind in NAME_KINDS:
        full = [s for s in candidates if len(strip_titles(s, "PERSON").split()) > 1]
        candidates = full or [s for s in candidates if len(fold(s).split()) > 1] or candidates
    return min(candidates, key=lambda s: (-spellings[s], len(s), s))


def _most_common(counter: Counter[str]) -> str:
    """The most frequent key; ties go to the earliest kind in KINDS, then alphabetical."""
    order = {kind: i for i, kind in enumerate(KINDS)}
    return min(counter, key=lambda k: (-counter[k], order.get(k, len(order)), k))


def load_alias_rules(workspace_root: Path) -> AliasRules:
    """Read `<workspace>/aliases.yaml`; a missing file means no rules, a bad one a problem."""
    path = workspace_root / ALIAS_FILE
    rules = AliasRules()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return rules
    except OSError as error:
        rules.problems.append(f"{ALIAS_FILE} cannot be read ({error}); entity aliases ignored")
        return rules
    rules.digest = hashlib.sha256(data).hexdigest()
    try:
        raw = load_yaml(data.decode("utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        rules.problems.append(f"{ALIAS_FILE} is not valid YAML{where}; entity aliases ignored")
        return rules
    except UnicodeDecodeError as error:
        rules.problems.append(f"{ALIAS_FILE} is not UTF-8 ({error}); entity aliases ignored")
        return rules
    except RecursionError:
        rules.problems.append(f"{ALIAS_FILE} is nested too deeply; entity aliases ignored")
        return rules
    if raw is None:
        return rules
    if not isinstance(raw, dict):
        rules.problems.append(
            f"{ALIAS_FILE} must be a mapping with merge:, split: and kind:; ignored"
        )
        return rules
    unknown = sorted(str(k) for k in raw if k not in ("merge", "split", "kind"))
    if unknown:
        rules.problems.append(f"{ALIAS_FILE}: unknown key(s) {', '.join(unknown)} ignored")
    _read_merge(raw.get("merge"), rules)
    _read_split(raw.get("split"), rules)
    _read_kind(raw.get("kind"), rules)
    return rules


def _read_merge(value: object, rules: AliasRules) -> None:
    if value is None:
        return
    if not isinstance(value, list):
        rules.problems.append(f"{ALIAS_FILE}: merge: must be a list of lists of names; ignored")
        return
    for position, item in enumerate(value, start=1):
        if isinstance(item, list) and len(item) >= 2 and all(isinstance(s, str) for s in item):
            rules.merge.append([fold(s) for s in item])
        else:
            rules.problems.append(
                f"{ALIAS_FILE}: merge entry {position} must list two or more names; ignored"
            )


def _read_split(value: object, rules: AliasRules) -> None:
    if value is None:
        return
    items = value if isinstance(value, list) else None
    if items is None or not all(isinstance(s, str) for s in items):
        rules.problems.append(f"{ALIAS_FILE}: split: must be a list of names; ignored")
        return
    rules.split.update(fold(s) for s in items)


def _read_kind(value: object, rules: AliasRules) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        rules.problems.append(f"{ALIAS_FILE}: kind: must map names to a kind; ignored")
        return
    for name, kind in value.items():
        wanted = str(kind).upper()
        if wanted not in KINDS:
            rules.problems.append(
                f"{ALIAS_FILE}: kind of {name!r} must be one of {', '.join(KINDS)}; ignored"
            )
            continue
        rules.kind[fold(str(name))] = wanted
