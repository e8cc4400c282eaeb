"""Resolution of name mentions inside their own article, before any grouping across articles.

A reader links "Mr Blair" to the "Tony Blair" the same article introduced, and a bare
"Brown" in a football report to nobody in particular: the article is the context that
decides. So, per article and in text order:

- **Titles and honorifics** (Mr, Ms, Dr, Sir, President, Chancellor, Prime Minister...) are
  stripped for matching, never from the text: the mention still spans and spells "Mr Blair".
  `match_key` is the folded spelling without them.
- **A lone surname or first name** resolves to the longest compatible full name (same first
  or last word) introduced earlier in the article; when several are equally long, the most
  recently mentioned one. A full name only written later is used when it is the only
  compatible one (a standfirst may use the surname first). Never to a person of another
  article: an unresolved surname stays an entity of its own.
- **A gendered honorific against the corpus**: "Mrs Howard" in an article about Michael
  Howard's wife is not linked to him when the corpus writes him "Mr Howard" nearly always
  (`unlink_gender_clashes`, run over the whole corpus after each article is resolved). No
  list of first names: the corpus's own honorifics decide.
- **An acronym in brackets** right after a name whose initials it spells ("Radio Free
  Europe/Radio Liberty (RFE/RL)") resolves to that name, and so do its later mentions in the
  article; so does a clipped form of a one-word name ("Yuganskneftegas (Yugansk)").

The result is `Mention.ref`: the `match_key` of the full name the mention stands for, or ""
when it stands for itself. `groups.node_key` groups a mention under `ref` when set.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache

from tuireader.core.entities.mention import HONORIFICS as _HONORIFICS
from tuireader.core.entities.mention import NAME_KINDS, Mention
from tuireader.core.text import fold

# Words that say who a person is rather than name them (folded, no dots). "Prime Minister"
# and "Foreign Secretary" are stripped word by word: "Prime", then "Minister".
# Royal and religious titles are not here: "Prince Charles" is not "Charles Kennedy".
TITLE_WORDS = _HONORIFICS | frozenset(
    {"president", "vice", "chancellor", "minister", "prime", "premier", "secretary"}
    | {"foreign", "home", "deputy", "shadow", "senator", "sen", "governor", "gov"}
    | {"mayor", "general", "gen", "colonel", "col", "captain", "capt", "ambassador"}
    | {"commissioner", "judge", "chairman"}
    | {"chief", "executive", "boss", "coach", "manager", "striker", "midfielder", "defender"}
)
# Name kinds a lone word may be resolved from. Groups never ("Kazakh" is not a Kazakh
# person's name); a place only as a surname of a person the article names ("Mr Houston",
# read as the city, in an article about John Houston).
_RESOLVABLE_KINDS = frozenset({"PERSON", "ORG", "PLACE"})
ACRONYM = re.compile(r"(?:[A-Z]\.){2,}|[A-Z][A-Z&/]{1,8}")
# How far (characters) an acronym in brackets may start after the name it abbreviates:
# " (" is two.
_BRACKET_GAP = 3
# Words that make a multi-word name an organisation, whatever its words look like.
ORG_WORDS = frozenset(
    {"party", "ministry", "department", "office", "council", "committee", "agency", "bank"}
    | {"university", "institute", "center", "centre", "company", "group", "association"}
    | {"foundation", "union", "news", "press", "radio", "times", "post", "watch", "court"}
)
FUNCTION_WORDS = frozenset({"of", "and", "the", "for", "de", "&", "in", "on", "'s"})


def initials(tokens: list[str]) -> str:
    """Initials of a multi-word name, skipping short function words ("of", "and", "the")."""
    words = [t for part in tokens for t in re.split(r"[-/]", part) if t]
    return "".join(w[0] for w in words if w not in FUNCTION_WORDS)


@lru_cache(maxsize=1 << 16)  # a corpus repeats its spellings: called a million times on BBC
def strip_titles(text: str, kind: str) -> str:
    """The spelling without the leading titles that do not name anyone, for matching.

    For a person every leading title word goes ("Prime Minister Tony Blair" -> "Tony
    Blair"); for another kind only when it opens with an honorific ("Mr Blair" labelled
    ORG), since "President Hotel" or "Foreign Office" are names. One word always stays.
    """
    words = text.split()
    if kind not in NAME_KINDS or len(words) < 2:
        return text
    if kind != "PERSON" and _bare(words[0]) not in _HONORIFICS:
        return text
    cut = 0
    while cut < len(words) - 1 and _bare(words[cut]) in TITLE_WORDS:
        cut += 1
    return " ".join(words[cut:])


# Honorifics that say a person's gender (folded, no dots); the others (Dr, Prof, Rev) do not.
_GENDER_OF = dict.fromkeys(("mr", "sir", "lord", "baron"), "m") | dict.fromkeys(
    ("mrs", "ms", "miss", "lady", "dame", "baroness"), "f"
)
# A titled short form is unlinked from its full name when the other gender's honorifics
# are written with that full name at least this many times, and four times as often.
GENDER_CLASH_VOTES = 5


_WORD_BEFORE = re.compile(r"\b([A-Z][a-z]+)\.?\s+$")


def honorific_gender(mention: Mention, text: str | None = None) -> str | None:
    """ "m" or "f" when the mention opens with a gendered honorific ("Mrs Howard") or, when
    the article `text` is given, follows one (the model's span is often "Howard" of "Mr
    Howard")."""
    words = mention.text.split(maxsplit=1)
    if len(words) == 2 and _bare(words[0]) in _GENDER_OF:
        return _GENDER_OF[_bare(words[0])]
    if text is None or len(words) != 1:
        return None
    before = _WORD_BEFORE.search(text[max(0, mention.start - 12) : mention.start])
    return _GENDER_OF.get(before.group(1).casefold()) if before else None


def unlink_gender_clashes(
    resolved: Mapping[str, list[Mention]], texts: Mapping[str, str] | None
) -> dict[str, list[Mention]]:
    """The corpus's mentions with the links undone where a titled short form's honorific
    contradicts the one the corpus writes with its full name: "Mrs Howard" linked to
    "Michael Howard" in an article naming him first, while the corpus writes him "Mr
    Howard" a hundred times, is his wife. Unlinked, she stays her own entity (`ref` names
    her titled spelling, so no later step links her surname back to him). Without the
    texts only honorifics inside the model's spans are read."""
    texts = texts or {}
    genders = {
        (article_id, i): honorific_gender(m, texts.get(article_id))
        for article_id, mentions in resolved.items()
        for i, m in enumerate(mentions)
        if " " in m.ref
    }
    votes: defaultdict[str, Counter[str]] = defaultdict(Counter)  # full name -> genders
    for (article_id, i), gender in genders.items():
        if gender is not None:
            votes[resolved[article_id][i].ref][gender] += 1

    def clashes(article_id: str, i: int, mention: Mention) -> bool:
        gender = genders.get((article_id, i))
        if gender is None:
            return False
        counted = votes[mention.ref]
        other = sum(n for g, n in counted.items() if g != gender)
        return other >= GENDER_CLASH_VOTES and counted[gender] * 4 < other

    return {
        article_id: [
            replace(m, ref=_own_identity(m)) if clashes(article_id, i, m) else m
            for i, m in enumerate(mentions)
        ]
        for article_id, mentions in resolved.items()
    }


def _own_identity(mention: Mention) -> str:
    """A `ref` that keeps a titled short form an entity of its own: its folded spelling,
    honorific included ("mrs howard"), which no full name's key equals."""
    return fold(mention.text)


def has_title(text: str, kind: str) -> bool:
    """Whether `strip_titles` removes anything from this spelling."""
    return strip_titles(text, kind) != text


def match_key(mention: Mention) -> str:
    """The folded spelling a mention is matched by: titles stripped."""
    return _folded_key(mention.text, mention.kind)


@lru_cache(maxsize=1 << 16)
def _folded_key(text: str, kind: str) -> str:
    return fold(strip_titles(text, kind))


def _bare(word: str) -> str:
    return fold(word).strip(",;:")


def can_resolve(mention: Mention) -> bool:
    """Whether this mention is a short form that resolution may link to a fuller name: one
    word after its titles (of a person or an organisation), or an acronym."""
    if mention.kind not in _RESOLVABLE_KINDS:
        return False
    stripped = strip_titles(mention.text, mention.kind)
    return " " not in stripped or bool(ACRONYM.fullmatch(stripped))


def resolve_article(mentions: Sequence[Mention]) -> list[Mention]:
    """The mentions of one article with `ref` set where a short form stands for a full name
    the article introduces (see the module docstring); order and everything else kept."""
    ordered = sorted(range(len(mentions)), key=lambda i: (mentions[i].start, mentions[i].end))
    keys = [match_key(m) for m in mentions]
    # Full names that may be people's, in text order: (position, key, words, labelled a
    # person). The small model labels some full names ORG ("Kassym-Jomart Tokayev").
    people: list[tuple[int, str, list[str], bool]] = []
    for i in ordered:
        words = keys[i].split()
        if len(words) > 1 and _reads_as_person(mentions[i]):
            people.append((mentions[i].start, keys[i], words, mentions[i].kind == "PERSON"))
    acronyms = _bracketed_acronyms(mentions, keys, ordered)
    refs: dict[int, str] = {}
    for i in ordered:
        mention = mentions[i]
        if not can_resolve(mention) or mention.ref:
            continue
        key = keys[i]
        if key in acronyms:
            refs[i] = acronyms[key]
            continue
        if " " in key:
            continue
        target = _full_name_for(key, mention, people, titled=has_title(mention.text, mention.kind))
        if target is not None:
            refs[i] = target
    return [replace(m, ref=refs[i]) if i in refs else m for i, m in enumerate(mentions)]


def _reads_as_person(mention: Mention) -> bool:
    """A full name a short form can stand for: a person's, or an organisation's made of
    two or three capitalised words and no organisation or function word; no comma."""
    words = strip_titles(mention.text, mention.kind).split()
    if "," in mention.text or not all(w[:1].isupper() for w in words):
        return False
    if mention.kind == "PERSON":
        return True
    folded = {fold(w) for w in words}
    return mention.kind == "ORG" and len(words) <= 3 and not folded & (ORG_WORDS | FUNCTION_WORDS)


def _full_name_for(
    key: str, mention: Mention, people: list[tuple[int, str, list[str], bool]], *, titled: bool
) -> str | None:
    """The full name a one-word short form stands for in its article, or None.

    A person's lone word may be a first name or a surname; a lone word labelled otherwise
    (the small model calls many surnames ORG) only a surname, unless a title said it is a
    person ("Mr Kennedy"). A full name labelled ORG is a target only for a surname
    labelled PERSON.
    """
    person = mention.kind == "PERSON" or titled

    def fits(words: list[str], labelled_person: bool) -> bool:
        if not labelled_person:
            return person and words[-1] == key
        if mention.kind == "PLACE" and not titled:
            return words[-1] == key
        return words[-1] == key or (person and words[0] == key)

    earlier = [p for p in people if p[0] <= mention.start and fits(p[2], p[3])]
    if earlier:
        longest = max(len(p[2]) for p in earlier)
        return [p for p in earlier if len(p[2]) == longest][-1][1]
    later = {p[1] for p in people if fits(p[2], p[3])}
    return next(iter(later)) if len(later) == 1 else None


def _bracketed_acronyms(
    mentions: Sequence[Mention], keys: list[str], ordered: list[int]
) -> dict[str, str]:
    """Acronym key -> the key of the name it follows in brackets, "Radio Free Europe/Radio
    Liberty (RFE/RL)": the acronym starts within a bracket's reach of the name's end and its
    letters are, in order, initials of the name's words (the first one included). A clipped
    one-word name in brackets counts too: "Yuganskneftegas (Yugansk)" (`is_clipped`)."""
    found: dict[str, str] = {}
    for before, after in itertools.pairwise(ordered):
        name, acronym = mentions[before], mentions[after]
        if name.kind not in NAME_KINDS or not 0 < acronym.start - name.end <= _BRACKET_GAP:
            continue
        if is_clipped(keys[after], keys[before]):  # "Yuganskneftegas (Yugansk)"
            found.setdefault(keys[after], keys[before])
        if not ACRONYM.fullmatch(acronym.text) or " " not in keys[before]:
            continue
        letters = re.sub(r"[^a-z0-9]", "", keys[after])
        if len(letters) >= 2 and _spells(letters, keys[before].split()):
            found.setdefault(keys[after], keys[before])
    return found


def is_clipped(short: str, name: str) -> bool:
    """Whether `short` is a clipped form of a one-word `name`, as written in brackets after
    it: "Yuganskneftegas (Yugansk)". Four letters at least, and shorter than the name."""
    return (
        " " not in name
        and " " not in short
        and 4 <= len(short) < len(name)
        and (name.startswith(short))
    )


def _spells(letters: str, tokens: list[str]) -> bool:
    """Whether `letters` are the initials of the name's words, in order, starting with the
    first word (function words may be skipped): OECD of "Organisation for Economic
    Co-operation and Development", RFE/RL of "Radio Free Europe/Radio Liberty"."""
    words = [t for part in tokens for t in re.split(r"[-/]", part) if t]
    if not words or words[0][0] != letters[0]:
        return False
    position = 0
    for letter in letters:
        while position < len(words) and words[position][0] != letter:
            position += 1
        if position == len(words):
            return False
        position += 1
    return True


def resolve_found(taken: Iterable[Mention], found: list[Mention]) -> list[Mention]:
    """Mentions found after resolution (the model missed them), linked like the article's
    `taken` ones: a spelling the article's taken mentions have takes their link. A short
    form (`can_resolve`) the article's taken mentions do not spell is dropped: which entity
    it stands for is not known from the article, and guessing could tie it to a namesake of
    another article. Other names are kept as they are."""
    links = {match_key(m): m.ref for m in taken}
    kept: list[Mention] = []
    for mention in found:
        key = match_key(mention)
        if key in links:
            kept.append(replace(mention, ref=links[key]) if links[key] else mention)
        elif not can_resolve(mention):
            kept.append(mention)
    return kept
