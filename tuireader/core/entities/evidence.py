"""Telling namesakes apart across articles, by the contexts they are written in.

Two articles that both write "Brown" may name one man or two: a reader decides from what
is around the name. So does this module, after each article's short forms are resolved
(`resolve`) and before the corpus is grouped (`groups`). For every person's name written in
two articles or more (a full name, or a surname no fuller name in its article explains), each
article gives a **context**:

- **roles**: job words written beside the name ("Gordon Brown, the Chancellor", "striker
  Brown", "Brown, the Arsenal manager"), each in a field (politics, sport, entertainment,
  business, law, science) when it has one (`ROLE_FIELDS`);
- **co-mentions**: the other names of the article, each weighed by how rare it is in the
  corpus (a shared "Arsene Wenger" says more than a shared "London");
- **topic**: the article's vocabulary (tf-idf over the corpus), when the texts are known.

Two contexts **conflict** when both have roles in fields and no field is shared (a
chancellor and a striker). They **agree** when `agreement` reaches `AGREE`: a shared role
counts up to 1 (the geometric mean of its shares of each context's job words), else a
shared field 0.5, each shared co-mention its rarity (0..1) times how common it
is in both contexts (the geometric mean of the shares of their articles naming it), and the
topic's cosine `TOPIC_WEIGHT` times.

- **A full name** is one person unless the contexts say otherwise: each article joins the
  cluster of articles it agrees with best (even against a conflicting role: one job word
  read beside the name may be someone else's), else the largest one it does not conflict
  with; only a conflict with no agreement starts a cluster of its own.
- **A lone surname** (a word other articles resolve as the surname of full names, in
  `MIN_SURNAME_USES` articles or more) is nobody in particular unless the contexts say so:
  an article joins a cluster it agrees with, else starts its own. Other lone words the
  model calls persons ("Oscar", "Blackburn" the club) are left as one entity each.
  Then a cluster may be linked to the one person of the corpus whose full name ends with
  that surname and whose contexts agree with it, clearly (`LINK` and twice the runner-up):
  "Mr Brown" in a budget story, with no "Gordon Brown" in it, is the chancellor; "Brown
  said" in a match report is not.

The outcome is written into `Mention.ref`: clusters after the largest get the name's key
with a cluster number (`ref_of`), so `groups` keeps them as entities of their own; a linked
surname gets the full name's ref, so it joins that person.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from tuireader.core.entities.mention import HONORIFICS, NAME_KINDS, Mention
from tuireader.core.entities.resolve import has_title, match_key

AGREE = 1.0  # agreement two contexts need to be one person's
LINK = 1.5  # agreement a lone surname's cluster needs to join a full name of other articles
MIN_SURNAME_USES = 2  # articles resolving a lone word as a surname before it is one
TOPIC_WEIGHT = 2.0  # weight of the topic's cosine (0..1) in the agreement
CLUSTER_MARK = "\x02"  # between a name's key and its cluster number in a `Mention.ref`
_BEFORE = 40  # characters read before a mention for a role
_AFTER = 60  # and after it (", the Chancellor, ...")
_TOPIC_TERMS = 60  # terms kept per article vector

# Job words and the field each belongs to ("" when it does not say: a director may make
# films or sit on a board). Folded, singular.
_POLITICS = "chancellor minister mp mep msp secretary premier senator politician mayor governor"
_POLITICS += " ambassador peer diplomat"
_SPORT = "striker midfielder defender goalkeeper keeper winger footballer fly-half scrum-half"
_SPORT += " flanker prop hooker full-back centre-back coach manager batsman bowler sprinter"
_SPORT += " athlete hurdler jockey golfer boxer cyclist swimmer skipper playmaker"
_SHOW = "singer actor actress rapper musician guitarist drummer bassist comedian presenter"
_SHOW += " broadcaster dj songwriter frontman vocalist dancer playwright novelist author writer"
_SHOW += " film-maker filmmaker"
_BUSINESS = "economist analyst ceo entrepreneur tycoon billionaire banker"
_BUSINESS += " investor businessman businesswoman"
_LAW = "judge lawyer barrister solicitor prosecutor attorney"
_SCIENCE = "scientist researcher engineer programmer hacker"
_ANY = "director producer chairman boss chief star captain president founder executive player"
ROLE_FIELDS: dict[str, str] = {
    **dict.fromkeys(_POLITICS.split(), "politics"),
    **dict.fromkeys(_SPORT.split(), "sport"),
    **dict.fromkeys(_SHOW.split(), "entertainment"),
    **dict.fromkeys(_BUSINESS.split(), "business"),
    **dict.fromkeys(_LAW.split(), "law"),
    **dict.fromkeys(_SCIENCE.split(), "science"),
    # Jobs that do not say the field: a director may make films or sit on a board.
    **dict.fromkeys(_ANY.split(), ""),
}
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z'-]*)[ \t]+$")  # the word right before, same line
_APPOSITION = re.compile(r"^,\s+([^,.;:!?\n]{1,50})")
_TOPIC_WORD = re.compile(r"[a-z]{4,}")
_APPOSITION_WORDS = 5
# A phrase after "Name," that opens so speaks of someone or something else.
_NOT_APPOSITION = frozenset(
    {"who", "whose", "which", "that", "said", "says", "and", "but", "as", "after", "when"}
    | {"while", "with", "his", "her", "their", "its", "he", "she", "they", "it", "for", "to"}
)


def _role_word(word: str) -> str:
    word = word.casefold().removesuffix("'s").removesuffix("\u2019s")
    if word in ROLE_FIELDS:
        return word
    singular = word.removesuffix("s")
    return singular if singular != word and singular in ROLE_FIELDS else ""


def roles_near(text: str, mention: Mention) -> list[str]:
    """Job words written beside a mention (`ROLE_FIELDS`): in its own spelling ("Chancellor
    Gordon Brown"), as the word right before it ("striker Brown", "Arsenal manager Arsene
    Wenger"), or in a phrase set off by a comma right after it ("Brown, the Arsenal
    manager,"), unless that phrase speaks of someone else ("Jones, whose lawyer ...")."""
    found = [w for w in map(_role_word, mention.text.split()) if w]
    if 0 <= mention.start < mention.end <= len(text):
        before = text[max(0, mention.start - _BEFORE) : mention.start]
        last = _LAST_WORD.search(before)
        if last and _role_word(last.group(1)):
            found.append(_role_word(last.group(1)))
        apposition = _APPOSITION.match(text[mention.end : mention.end + _AFTER])
        if apposition:
            words = _WORD.findall(apposition.group(1))[:_APPOSITION_WORDS]
            if words and words[0].casefold() not in _NOT_APPOSITION:
                found.extend(w for w in map(_role_word, words) if w)
    return found


@dataclass
class Context:
    """What the articles of one (candidate) person say around the name."""

    articles: list[str] = field(default_factory=list)
    roles: Counter[str] = field(default_factory=Counter)
    company: Counter[str] = field(default_factory=Counter)  # co-mentioned name -> articles
    topic: Counter[str] = field(default_factory=Counter)  # summed unit tf-idf vectors

    _norm: float | None = field(default=None, repr=False)

    @property
    def topic_norm(self) -> float:
        """The length of the topic vector (kept until the context absorbs another)."""
        if self._norm is None:
            self._norm = math.sqrt(sum(v * v for v in self.topic.values()))
        return self._norm

    @property
    def fields(self) -> set[str]:
        """The fields its roles belong to."""
        return {ROLE_FIELDS[r] for r in self.roles if ROLE_FIELDS[r]}

    def absorb(self, other: Context) -> None:
        """Add another context's articles and evidence to this one."""
        self._norm = None
        self.articles.extend(other.articles)
        self.roles.update(other.roles)
        self.company.update(other.company)
        self.topic.update(other.topic)


class _Corpus:
    """Corpus-wide figures the agreement needs: co-mention rarity and topic vectors."""

    def __init__(self, identities: Mapping[str, set[str]], texts: Mapping[str, str] | None) -> None:
        self.articles = len(identities)
        self.spread: Counter[str] = Counter()
        for names in identities.values():
            self.spread.update(names)
        self.texts = texts
        self._df: Counter[str] | None = None
        self._vectors: dict[str, dict[str, float]] = {}

    def rarity(self, name: str) -> float:
        """0..1: 1 for a name written in one article of the corpus, near 0 for one in all."""
        if self.articles < 2:
            return 0.0
        spread = max(1, self.spread[name])
        return max(0.0, math.log(self.articles / spread) / math.log(self.articles))

    def vector(self, article_id: str) -> dict[str, float]:
        """The article's unit tf-idf vector over its `_TOPIC_TERMS` strongest words."""
        if self.texts is None or article_id not in self.texts:
            return {}
        if article_id in self._vectors:
            return self._vectors[article_id]
        if self._df is None:
            self._df = Counter()
            for text in self.texts.values():
                self._df.update(set(_TOPIC_WORD.findall(text.casefold())))
        total = len(self.texts)
        counts = Counter(_TOPIC_WORD.findall(self.texts[article_id].casefold()))
        weights = {
            w: (1 + math.log(c)) * math.log(total / self._df[w])
            for w, c in counts.items()
            if self._df[w] < total
        }
        top = sorted(weights.items(), key=lambda x: (-x[1], x[0]))[:_TOPIC_TERMS]
        norm = math.sqrt(sum(v * v for _, v in top)) or 1.0
        self._vectors[article_id] = vector = {w: v / norm for w, v in top}
        return vector


def agreement(a: Context, b: Context, corpus: _Corpus, own: set[str]) -> tuple[bool, float]:
    """(conflict, agreement) of two contexts of one name (see the module docstring). `own`
    are the name's words: a co-mention holding one ("Gordon Brown" for "Brown") is no
    evidence, being the question itself."""
    fields_a, fields_b = a.fields, b.fields
    conflict = bool(fields_a and fields_b and not fields_a & fields_b)
    # A role counts as much as it is what both contexts mostly say (a big cluster gathers
    # a stray job word or two).
    score = max((_share(a.roles, r) * _share(b.roles, r)) ** 0.5 for r in {"", *a.roles})
    if not score and fields_a & fields_b:
        score = 0.5
    # A shared name counts as much as it is rare in the corpus and common in both contexts:
    # a big cluster's articles name almost everyone once, which says little.
    size_a, size_b = max(1, len(a.articles)), max(1, len(b.articles))
    for name in set(a.company) & set(b.company):
        if not own & set(name.split()):
            share = math.sqrt(a.company[name] / size_a * b.company[name] / size_b)
            score += corpus.rarity(name) * share
    if a.topic and b.topic:
        small, large = (a.topic, b.topic) if len(a.topic) <= len(b.topic) else (b.topic, a.topic)
        dot = sum(v * large.get(w, 0.0) for w, v in small.items())
        norm = a.topic_norm * b.topic_norm
        score += TOPIC_WEIGHT * (dot / norm if norm else 0.0)
    return conflict, score


def _share(counts: Counter[str], key: str) -> float:
    total = sum(counts.values())
    return counts[key] / total if total else 0.0


def ref_of(name: str, cluster: int) -> str:
    """The `Mention.ref` of a name's cluster: the name itself for the first (largest), the
    name and its number for the others."""
    return name if cluster == 0 else f"{name}{CLUSTER_MARK}{cluster}"


def base_of(ref: str) -> str:
    """The name a (cluster) ref stands for, without the cluster number."""
    return ref.split(CLUSTER_MARK, 1)[0]


def identity(mention: Mention) -> str:
    """Whom a mention names in its article: the full name it was resolved to, or itself."""
    return mention.ref or match_key(mention)


def separate_namesakes(
    mentions_by_article: Mapping[str, list[Mention]],
    texts: Mapping[str, str] | None = None,
) -> dict[str, list[Mention]]:
    """The mentions with namesakes told apart and lone surnames linked by their contexts
    (see the module docstring); returns new lists, the input is left alone. Without
    `texts`, roles are read from the spellings only and the topic is not used."""
    identities: dict[str, set[str]] = {}
    people: dict[str, set[str]] = defaultdict(set)  # person's name -> articles
    spoken: dict[tuple[str, str], list[Mention]] = defaultdict(list)  # as a person, by article
    surname_uses: dict[str, set[str]] = defaultdict(set)  # word -> articles using it so
    for article_id, mentions in mentions_by_article.items():
        names: set[str] = set()
        votes: dict[str, Counter[bool]] = defaultdict(Counter)
        for mention in mentions:
            if mention.kind not in NAME_KINDS:
                continue
            who = identity(mention)
            names.add(who)
            person = mention.kind == "PERSON" or has_title(mention.text, mention.kind)
            votes[who][person] += 1
            key = match_key(mention)
            if mention.ref and " " not in key and mention.ref.endswith(f" {key}"):
                surname_uses[key].add(article_id)
            if person:
                spoken[(who, article_id)].append(mention)
        identities[article_id] = names
        for who, counts in votes.items():
            if counts[True] >= counts[False] and CLUSTER_MARK not in who:
                people[who].add(article_id)
    corpus = _Corpus(identities, texts)

    # A lone word is a surname in question only when the corpus uses it as one: a short
    # form its articles resolve to full names ending with it ("Brown" of Gordon, Wes and Dan
    # Brown), in `MIN_SURNAME_USES` articles or more. "Oscar", "Blackburn" the club or
    # "Bill" of Parliament, which the model calls persons, stay one entity each.
    surnames = {word for word, uses in surname_uses.items() if len(uses) >= MIN_SURNAME_USES}

    def context(who: str, article_id: str) -> Context:
        # Roles are read only for the names in question: most names need no telling apart.
        text = texts.get(article_id, "") if texts is not None else ""
        roles = Counter(r for m in spoken.get((who, article_id), ()) for r in roles_near(text, m))
        return Context(
            [article_id],
            roles,
            Counter(identities[article_id] - {who}),
            Counter(corpus.vector(article_id)),
        )

    new_refs: dict[tuple[str, str], str] = {}  # (article, name) -> ref
    full_clusters: dict[str, list[tuple[str, Context]]] = defaultdict(list)  # last word ->
    for who in sorted(people):
        if " " not in who or (len(people[who]) < 2 and who.split()[-1] not in surnames):
            continue  # nothing to tell apart, and no lone surname to link to it
        contexts = [context(who, a) for a in sorted(people[who])]
        clusters = _cluster(who, contexts, corpus, True) if len(contexts) > 1 else contexts
        # A span with an honorific inside ("Analysing Mr Brown", "Tanzania Mr Brown") is a
        # fragment around a name, no person a surname could stand for.
        named = not set(who.split()[:-1]) & HONORIFICS
        for number, cluster in enumerate(clusters):
            if named:
                full_clusters[who.split()[-1]].append((ref_of(who, number), cluster))
            if number:
                new_refs.update({(a, who): ref_of(who, number) for a in cluster.articles})
    for who in sorted(people):
        if " " in who or who not in surnames:
            continue
        contexts = [context(who, a) for a in sorted(people[who])]
        clusters = _cluster(who, contexts, corpus, False) if len(contexts) > 1 else contexts
        for number, cluster in enumerate(clusters):
            target = _linked(who, cluster, full_clusters.get(who, []), corpus)
            ref = target if target is not None else ref_of(who, number)
            if ref != who:
                new_refs.update({(a, who): ref for a in cluster.articles})
    if not new_refs:
        return {a: list(ms) for a, ms in mentions_by_article.items()}
    out: dict[str, list[Mention]] = {}
    for article_id, mentions in mentions_by_article.items():
        out[article_id] = [
            replace(m, ref=new_refs[(article_id, identity(m))])
            if m.kind in NAME_KINDS and (article_id, identity(m)) in new_refs
            else m
            for m in mentions
        ]
    return out


def _cluster(who: str, contexts: list[Context], corpus: _Corpus, join: bool) -> list[Context]:
    """Articles' contexts of one name in clusters, largest first. Articles with roles in a
    field are placed first, so that they found the clusters the others then join."""
    own = set(who.split())
    ordered = sorted(contexts, key=lambda c: (not c.fields, c.articles[0]))
    clusters: list[Context] = []
    for ctx in ordered:
        best, best_score = None, 0.0
        fallback = None
        for cluster in clusters:
            conflict, score = agreement(ctx, cluster, corpus, own)
            # For a full name the other evidence may outweigh a role read wrongly ("Gordon
            # Brown ... chief executive" of someone else); a surname needs all of it.
            if conflict and not join:
                continue
            if score >= AGREE and score > best_score:
                best, best_score = cluster, score
            if conflict:
                continue
            if fallback is None or len(cluster.articles) > len(fallback.articles):
                fallback = cluster
        chosen = best if best is not None else (fallback if join else None)
        if chosen is None:
            clusters.append(Context([], Counter(), Counter(), Counter()))
            chosen = clusters[-1]
        chosen.absorb(ctx)
    for cluster in clusters:
        cluster.articles.sort()
    return sorted(clusters, key=lambda c: (-len(c.articles), c.articles[0]))


def _linked(
    who: str, cluster: Context, candidates: Iterable[tuple[str, Context]], corpus: _Corpus
) -> str | None:
    """The ref of the one full-name person a lone surname's cluster clearly stands for."""
    scored = []
    for ref, full in candidates:
        conflict, score = agreement(cluster, full, corpus, {who, *base_of(ref).split()})
        if not conflict:
            scored.append((score, ref))
    scored.sort(reverse=True)
    if not scored or scored[0][0] < LINK:
        return None
    if len(scored) > 1 and scored[1][0] * 2 > scored[0][0]:
        return None
    return scored[0][1]


def describe(roles: Counter[str]) -> str:
    """The job word that best describes a cluster ("" when none): the most frequent one,
    a word with a field before one without."""
    if not roles:
        return ""
    return min(roles, key=lambda r: (not ROLE_FIELDS[r], -roles[r], r))
