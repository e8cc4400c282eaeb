"""Deciding an entity's type by vote across its mentions, with cues from the text.

The small English model labels the same name PERSON in one sentence and ORG in the next, so
one mislabelled mention must not decide. Every mention casts its model kind as one vote;
cues read from the spelling and the words around a mention add weighted votes:

| cue                                             | votes for | weight               |
|-------------------------------------------------|-----------|----------------------|
| company suffix in or right after the name       | ORG       | `SUFFIX_WEIGHT`      |
| ("Gazprom Ltd", "Yukos plc", "X Inc", "X Group")|           |                      |
| an honorific before or in the name ("Mr X")     | PERSON    | `HONORIFIC_WEIGHT`   |
| "stake in", "executive at", "workers at" before | ORG       | `IN_WEIGHT`          |
| "in" / "near" (+ "the") before the name         | PLACE     | `IN_WEIGHT`          |
| "at" / "from" (+ "the") before the name         | PLACE     | `FROM_WEIGHT`        |
| "the X" (no preposition before; X ends a phrase)| ORG       | `THE_WEIGHT`         |
| "X said/says/told" (not "the X said"), "said X" | PERSON    | `SAID_WEIGHT`        |
| a job title before ("President X", "coach X")   | PERSON    | `TITLE_WEIGHT`       |
| a kind of organisation before ("oil firm X",    | ORG       | `ORG_NOUN_WEIGHT`    |
| "game maker X") or after ("X shares", "X boss") |           |                      |
| or defined after ("X, a Russian oil company")   |           |                      |
| "head of X", "members of X", "volunteer with X" | ORG       | `IN_WEIGHT`          |
| "he"/"his"/"she"/"her" next in the clause       | PERSON    | `PRONOUN_WEIGHT`     |
| "its" next in the clause; "X have/are/were"     | ORG and   | `PRONOUN_WEIGHT`     |
| (a team or a company, never one person)         | PLACE     | each                 |

"its" and a plural verb say only "not a person": they vote for ORG and PLACE alike, so they
move a name the model called PERSON without choosing between a company and a country.
The pronoun read is the first one after the name within its clause, before any other
capitalised word (another name the pronoun could stand for).

"X said" is weak on purpose: companies and countries "say" things too ("Gazprom said"), so
it moves a name only when the model's votes are split. Cues vote only among PERSON, ORG and
PLACE: a name the model calls a GROUP (NORP), a date or a figure is not re-typed by them.

Ties go to the kind with more plain model votes, then to the order of `KINDS` (PERSON before
ORG before PLACE): the same order `groups._most_common` uses, so a tie reads the same way
everywhere.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping

from tuireader.core.entities.mention import HONORIFICS, KINDS, Mention
from tuireader.core.entities.resolve import TITLE_WORDS

CUE_KINDS = ("PERSON", "ORG", "PLACE")  # the kinds text cues may vote for
SUFFIX_WEIGHT = 2.0  # "Ltd" is near proof of a company
HONORIFIC_WEIGHT = 2.0  # "Mr" is near proof of a person
IN_WEIGHT = 1.0  # "in X": a place far more often than not ("in Bishkek")
FROM_WEIGHT = 0.5  # "at X", "from X": places, but also "at Microsoft", "from Gazprom"
THE_WEIGHT = 0.5  # "the X": organisations ("the BBC"), but also "the Netherlands"
SAID_WEIGHT = 0.5  # "X said": people, but companies and governments say things too
TITLE_WEIGHT = 1.0  # "President Thabo Mbeki", "striker Fabregas": a job held by a person
ORG_NOUN_WEIGHT = 2.0  # "oil firm Yukos", "Chelsea manager": near proof, as a suffix is
PRONOUN_WEIGHT = 0.5  # "Yukos claims its": the pronoun may stand for another noun

# The title words of `resolve` that name a job; the adjectives that only open a longer
# title or a name ("Foreign Office", "Home Office", "General Motors") are left out.
_OPENERS = frozenset({"foreign", "home", "general", "gen", "executive", "vice", "deputy"})
ROLE_WORDS = TITLE_WORDS - HONORIFICS - _OPENERS - {"shadow", "prime", "chief"}

# Company suffixes (folded, dots dropped) that end an organisation's name.
COMPANY_SUFFIXES = frozenset(
    {"ltd", "plc", "inc", "corp", "corporation", "group", "llc", "co", "gmbh", "ag", "sa"}
    | {"holdings", "limited", "incorporated", "nv", "bv", "spa"}
)
# What a PERSON vote of the model counts for a name never introduced as a person's (one
# word, or a full name opening with a place's name, and no honorific anywhere), when the
# cues say otherwise: journalists introduce people ("Tony Blair", "Mr Blair"), and the
# small model calls many unknown capitalised words PERSON ("Yukos" 164 times of 175 on
# BBC, "Manchester United" 68 of 135).
UNINTRODUCED_SHARE = 0.25
# How many more cue votes other kinds need than PERSON before that share applies: one "at X"
# or "X shares" is not enough to unmake a person ("at Attlee's funeral").
UNINTRODUCED_MARGIN = 1.5
Votes = defaultdict[str, float]  # kind -> weighted votes
_WINDOW = 24  # characters of context read on each side of a mention
_IN_BEFORE = re.compile(r"\b(?:in|near|inside)\s+(?:the\s+)?$", re.IGNORECASE)
_FROM_BEFORE = re.compile(r"\b(?:at|from|outside)\s+(?:the\s+)?$", re.IGNORECASE)
_THE_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)
# "the X" says organisation only when X ends the phrase: "the Welsh Rugby Union" and "the
# Welsh international" use the word as part of a longer name or as an adjective.
_PHRASE_END = re.compile(r"^(?:[.,;:)'\u2019]|\s+(?:said|says|has|had|is|was|will|would)\b)")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?\s+$")
_SAID_BEFORE = re.compile(r"\b(?:said|says|added)\s+$")
_SAID_AFTER = re.compile(r"^(?:'s?)?\s*,?\s*(?:said|says|told|added)\b")
# A common noun naming a kind of organisation just before the name ("Russian oil firm
# Yukos", "game maker Valve", "French side Lyon"); lower case, so "Group" of a name is not one.
# Not the words also said of people: "rival", "publisher", "developer", "film-maker",
# "broadcaster" ("veteran broadcaster David Dimbleby").
_ORG_NOUN_BEFORE = re.compile(
    r"(?<![-\w])(?:firm|company|giant|group|maker|carrier|airline|bank|lender|insurer"
    r"|retailer|chain|club|side|outfit|operator|network|studio|label|band|brand"
    r"|manufacturer|conglomerate)\s+$"
)
# What an organisation has and a person does not, right after the name, no possessive:
# "Yukos shares", "a Yukos spokesman", "Chelsea manager Jose Mourinho" ("Blair's
# spokesman" is his, so "'s" does not count).
_ORG_NOUN_AFTER = re.compile(
    r"^\s+(?:boss|bosses|chief|chairman|spokes(?:wo)?man|spokesperson|executives|shares"
    r"|shareholders?|shareholding|subsidiary|directors|board|staff|employees|fans|squad"
    r"|manager|coach|captain|striker|midfielder|defender|goalkeeper|winger|lawsuit"
    r"|volunteers?|members|activists|founder|headquarters)\b"
)
# A definition right after the name, as news writes one on first mention: "Sibneft, a
# Russian oil company", "Atajurt, a volunteer group formed in 2017".
# The noun must head the phrase: not "Adam Thomas, an analyst at research firm Informa",
# "Judy Bell, the company's founder", "Sidney Taurel, the company says".
_DEFINED_AS_ORG = re.compile(
    r"^,\s+(?:a|an|the)\s+(?:(?!(?:at|with|of|for|in|on|from)\s)[\w-]+\s+){0,3}?"
    r"(?:firm|company|group|organi[sz]ation|association|charity|party|agency|bank|club|band"
    r"|network|movement|union)\b"
    r"(?!['\u2019]s|\s+(?:says?|said|has|had|is|was|will|would)\b)"
)
# Where a person leads or belongs: "head of Atajurt", "members of the union".
_MEMBER_OF = re.compile(
    r"\b(?:head|leader|founder|members?|chairman|chairwoman|volunteers?|spokes(?:wo)?man)"
    r"\s+(?:of|for|with)\s+(?:the\s+)?$"
)
# A plural verb right after a name: a team or a company ("Bath have signed", "Chelsea
# are"), never one person. Not after "and": "Blair and Brown are" is two people.
_PLURAL_VERB_AFTER = re.compile(r"^\s+(?:have|are|were)\b")
_AND_BEFORE = re.compile(r"\band\s+$")
_CLAUSE_END = re.compile(r"[.;:!?\"()\u201c\u201d]")
_PRONOUN_REACH = 60  # characters after a name searched for its pronoun
_PRONOUN_WORDS = 8  # words after a name searched for its pronoun
_PERSON_PRONOUNS = frozenset({"he", "his", "him", "she", "her"})
# No comma: "Tim Crawford, Group Economist" is a person and his job.
_SUFFIX_AFTER = re.compile(r"^ ([A-Za-z]+)\.?\b")
# "a stake in Sibneft", "shares in Yukos": what one holds a part of is a company.
# "an executive at Xstrata", "shareholders in Yukos": where people work is a company too.
_STAKE_IN = re.compile(
    r"\b(?:stakes?|shares?|interests?|investments?|invest(?:ed|ing)?|holdings?)\s+in\s+$"
    r"|\b(?:executive|analyst|economist|director|boss|chief|head|chairman|spokes(?:wo)?man"
    r"|manager|workers?|staff|employees?|shareholders?|works?|worked|working|jobs?)"
    r"\s+(?:at|with|in)\s+$",
    re.IGNORECASE,
)


def _bare(word: str) -> str:
    return word.casefold().replace(".", "").strip(",")


def spelling_cues(spelling: str) -> Votes:
    """Votes the spelling itself gives: a company suffix ("Yukos Oil Co") says ORG, an
    honorific ("Mr Khodorkovsky") says PERSON."""
    words = spelling.split()
    votes: Votes = defaultdict(float)
    if len(words) > 1 and _bare(words[-1]) in COMPANY_SUFFIXES:
        votes["ORG"] += SUFFIX_WEIGHT
    if _titled_spelling(spelling):
        votes["PERSON"] += HONORIFIC_WEIGHT
    return votes


def _titled_spelling(spelling: str) -> bool:
    # "Mr Brown's International Finance Facility" is his plan, not him: a titled name is
    # short and holds no possessive.
    words = spelling.split()
    return 1 < len(words) <= 4 and _bare(words[0]) in HONORIFICS and "'s" not in spelling


def _titled_context(before: str) -> bool:
    word = _WORD_BEFORE.search(before)
    return bool(word and _bare(word.group(1)) in HONORIFICS and word.group(1)[:1].isupper())


def honorific_votes(mention: Mention, text: str | None) -> float:
    """The PERSON votes a mention's honorific gives ("Mr Cable", or "Mr" just before it):
    the one cue strong enough to count from a short form for its full name's kind."""
    before = "" if text is None else text[max(0, mention.start - _WINDOW) : mention.start]
    titled = _titled_spelling(mention.text) or _titled_context(before)
    return HONORIFIC_WEIGHT if titled else 0.0


def text_cues(text: str, start: int, end: int) -> Votes:
    """Votes the words around a mention give (see the table in the module docstring); the
    mention is `text[start:end]`. Empty when the offsets do not fit the text."""
    votes: Votes = defaultdict(float)
    if not 0 <= start < end <= len(text):
        return votes
    before = text[max(0, start - _WINDOW) : start]
    after = text[end : end + _WINDOW]
    ahead = text[end : end + _PRONOUN_REACH]  # a definition or a pronoun reads further
    word = _WORD_BEFORE.search(before)
    suffix = _SUFFIX_AFTER.match(after)
    if suffix and _bare(suffix.group(1)) in COMPANY_SUFFIXES and suffix.group(1)[:1].isupper():
        votes["ORG"] += SUFFIX_WEIGHT
    if _ORG_NOUN_AFTER.match(after) or _DEFINED_AS_ORG.match(ahead):
        votes["ORG"] += ORG_NOUN_WEIGHT
    if _titled_context(before):
        votes["PERSON"] += HONORIFIC_WEIGHT
    elif word and _bare(word.group(1)) in ROLE_WORDS:
        votes["PERSON"] += TITLE_WEIGHT
    elif _ORG_NOUN_BEFORE.search(before):
        votes["ORG"] += ORG_NOUN_WEIGHT
    elif _STAKE_IN.search(before) or _MEMBER_OF.search(before):
        votes["ORG"] += IN_WEIGHT
    elif _IN_BEFORE.search(before):
        votes["PLACE"] += IN_WEIGHT
    elif _FROM_BEFORE.search(before):
        votes["PLACE"] += FROM_WEIGHT
    elif _THE_BEFORE.search(before) and _PHRASE_END.match(after):
        votes["ORG"] += THE_WEIGHT
    # "the X said" is an organisation speaking, not a person.
    if (_SAID_AFTER.match(after) and not _THE_BEFORE.search(before)) or _SAID_BEFORE.search(before):
        votes["PERSON"] += SAID_WEIGHT
    pronoun = _next_pronoun(ahead)
    plural = _PLURAL_VERB_AFTER.match(after) and not _AND_BEFORE.search(before)
    if pronoun in _PERSON_PRONOUNS:
        votes["PERSON"] += PRONOUN_WEIGHT
    if pronoun == "its" or plural:
        votes["ORG"] += PRONOUN_WEIGHT
        votes["PLACE"] += PRONOUN_WEIGHT
    return votes


def _next_pronoun(after: str) -> str | None:
    """The first third-person pronoun in the clause after a name, unless another
    capitalised word (a name it could stand for instead) comes first."""
    clause = _CLAUSE_END.split(after, maxsplit=1)[0]
    for word in clause.split()[:_PRONOUN_WORDS]:
        word = word.strip(",'\u2019")
        if word[:1].isupper():
            return None
        if word in _PERSON_PRONOUNS or word == "its":
            return word
    return None


def mention_cues(mention: Mention, text: str | None) -> Votes:
    """All cue votes of one mention: its spelling's, and its context's when the article
    text is known."""
    votes = spelling_cues(mention.text)
    if text is not None:
        for kind, weight in text_cues(text, mention.start, mention.end).items():
            votes[kind] += weight
    return votes


def unintroduced_votes(
    model_votes: Mapping[str, float], cue_votes: Mapping[str, float]
) -> Mapping[str, float]:
    """The model votes of a name no mention introduces as a person's (see
    `groups._make_group`): when the cues around it speak more for an organisation or a
    place than for a person, by `UNINTRODUCED_MARGIN` ("oil firm Yukos", "Yukos shares",
    "its"), its PERSON votes count for `UNINTRODUCED_SHARE`; otherwise (no cue, "Jay-Z
    said") they stand."""
    other = sum(cue_votes.get(kind, 0.0) for kind in CUE_KINDS if kind != "PERSON")
    if other < cue_votes.get("PERSON", 0.0) + UNINTRODUCED_MARGIN or "PERSON" not in model_votes:
        return model_votes
    return {**model_votes, "PERSON": model_votes["PERSON"] * UNINTRODUCED_SHARE}


def vote_kind(model_votes: Mapping[str, float], cue_votes: Mapping[str, float]) -> str:
    """The kind an entity gets from its mentions' model kinds (one vote each) and its cue
    votes. Cues count only when the model's own winner is PERSON, ORG or PLACE, and only
    for those kinds. Ties: more plain model votes first, then the order of `KINDS`."""
    order = {kind: i for i, kind in enumerate(KINDS)}

    def plain_winner() -> str:
        return min(model_votes, key=lambda k: (-model_votes[k], order.get(k, len(order)), k))

    if not model_votes:
        return max(cue_votes, key=lambda k: cue_votes[k]) if cue_votes else "ORG"
    winner = plain_winner()
    if winner not in CUE_KINDS or not cue_votes:
        return winner
    scores = {k: float(model_votes.get(k, 0)) + float(cue_votes.get(k, 0)) for k in CUE_KINDS}
    return min(
        (k for k in CUE_KINDS if scores[k] > 0),
        key=lambda k: (-scores[k], -model_votes.get(k, 0), order[k]),
    )
