"""Citation records: one CSL-JSON item per article, and a stable citation key for each.

CSL-JSON is the canonical record every export format is derived from (BibTeX, RIS, pandoc
Markdown, citeproc-formatted styles). Only facts from the catalog (or the text, for titles)
go in: a field nobody knows stays missing, never invented.

Keys are derived from the metadata (`base_key`) unless the catalog sets one (`key:`) or an
earlier export used one: keys once used are pinned (`tuireader.core.export.keys` keeps them
in the workspace) and `assign_keys` never gives a pinned key to another article.

A name the catalog gives as `{literal: Human Rights Watch}` reaches the articles as the text
"{Human Rights Watch}" (BibTeX's way of writing one name that must not be split); only
`split_name` and `author_display` read that form.

    >>> records = csl_records(workspace.articles.values())
    >>> records["000_55308b7769cb3055"]["id"]
    'putz2018kazakhstan'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from tuireader.core.corpus import Article, date_parts
from tuireader.core.names import CITATION_KEY, author_display, literal_text


def _words(text: str) -> frozenset[str]:
    """A set of words written as one string (long word lists read better that way)."""
    return frozenset(text.split())


def _word_list(text: str) -> list[str]:
    """The words of one string, in order."""
    return text.split()


# Used when the catalog gives no type (or one CSL does not know). The corpus is news and
# analysis articles, and CSL's type for a story from a news outlet is article-newspaper:
# styles render it as a periodical item with its full date and outlet, which is right for
# a news story and harmless for a magazine piece; "webpage" would drop the outlet's italics
# and "article" means a preprint or manuscript in CSL, which these are not.
DEFAULT_CSL_TYPE = "article-newspaper"

# The item types of the CSL 1.0.2 schema (csl-data.json).
CSL_TYPES = _words(
    """article article-journal article-magazine article-newspaper bill book broadcast chapter
    classic collection dataset document entry entry-dictionary entry-encyclopedia event figure
    graphic hearing interview legal_case legislation manuscript map motion_picture
    musical_score pamphlet paper-conference patent performance periodical personal_communication
    post post-weblog regulation report review review-book software song speech standard thesis
    treaty webpage"""
)

# Lowercase words that belong to the family name ("Ludwig van Beethoven", "Oscar de la Hoya").
NAME_PARTICLES = _words(
    "da das de del della dei der des di do dos du el la las le les lo los ten ter van von "
    "zu zur al bin ibn"
)
NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})

# Words skipped when picking the title word of a citation key: they tell one title from
# another poorly ("The", "Has", "On").
KEY_STOP_WORDS = _words(
    """a an the and or but nor of on in at to for from by with without about as into onto
    over under is are was were be been has have had do does did how why what when where who
    whom which whether not no some"""
)

# Cyrillic (Russian, Kazakh, Ukrainian) to Latin for citation keys, so a key stays typeable;
# other scripts without an ASCII form (Chinese, Arabic…) are kept as Unicode letters, which
# pandoc and biber accept in keys.
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһіїєў",
        # "_": a sign with no sound, dropped
        _word_list(
            "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch _ y _ e iu ia "
            "a g q n o u u h i i ie u"
        ),
        strict=True,
    )
)


def split_name(name: str) -> dict[str, str]:
    """A catalog name ("First Last", or "Last, First") as a CSL name object.

    Lowercase particles stay with the family name as a non-dropping particle ("Vincent van
    Gogh" → family "Gogh", particle "van"); "Jr."/"III" become a suffix; a name of one word
    (a mononym, "王") or a literal name ("{Human Rights Watch}", see `literal_author`)
    becomes {"literal": name} so no style splits or abbreviates it.
    """
    literal = literal_text(name)
    if literal is not None:
        return {"literal": literal}
    name = " ".join(name.split())
    if not name:
        return {"literal": ""}
    if "," in name:
        family_part, _, rest = name.partition(",")
        given_part, _, suffix = rest.partition(",")
        family_words = family_part.split()
        parts = _particle_split(family_words)
        result = {"family": parts[1], "given": given_part.strip()}
        if parts[0]:
            result["non-dropping-particle"] = parts[0]
        if suffix.strip():
            result["suffix"] = suffix.strip()
        return {k: v for k, v in result.items() if v}
    words = name.split()
    suffix = ""
    if len(words) > 2 and words[-1].lower() in NAME_SUFFIXES:
        suffix = words.pop()
    if len(words) == 1:
        return {"literal": name}
    # Particles are the lowercase run just before the last word; everything before it is
    # the given name.
    index = len(words) - 1
    while index > 1 and words[index - 1].lower() in NAME_PARTICLES and words[index - 1].islower():
        index -= 1
    result = {"family": words[-1], "given": " ".join(words[:index])}
    particle = " ".join(words[index:-1])
    if particle:
        result["non-dropping-particle"] = particle
    if suffix:
        result["suffix"] = suffix
    return result


def _particle_split(words: list[str]) -> tuple[str, str]:
    """("van der", "Berg") from ["van", "der", "Berg"]."""
    index = 0
    while index < len(words) - 1 and words[index].islower():
        index += 1
    return " ".join(words[:index]), " ".join(words[index:])


def parse_date(value: str) -> dict[str, Any]:
    """A catalog date (YYYY, YYYY-MM, YYYY-MM-DD) as a CSL date; anything else, including
    a date that is not on the calendar (2018-13, 2018-02-31), is kept as a literal date
    rather than dropped or guessed at."""
    parts = date_parts(value)
    if parts is not None:
        return {"date-parts": [parts]}
    return {"literal": value.strip()}


def csl_type(article: Article) -> str:
    """The CSL item type for an article: the catalog's when CSL knows it, else the default."""
    declared = article.meta.type
    return declared if declared in CSL_TYPES else DEFAULT_CSL_TYPE


def csl_record(article: Article, key: str) -> dict[str, Any]:
    """The CSL-JSON item for one article, with `id` set to its citation key."""
    meta = article.meta
    record: dict[str, Any] = {"id": key, "type": csl_type(article)}
    if meta.title:
        record["title"] = meta.title
    names = [split_name(author) for author in meta.authors if author_display(author).strip()]
    if names:
        record["author"] = names
    if meta.container:
        record["container-title"] = meta.container
    if meta.issued:
        record["issued"] = parse_date(meta.issued)
    if meta.url:
        record["URL"] = meta.url
    if meta.accessed:
        record["accessed"] = parse_date(meta.accessed)
    return record


def ascii_fold(text: str) -> str:
    """Lowercase letters and digits of `text` for a citation key: accents dropped, Cyrillic
    transliterated, other scripts kept as they are."""
    out: list[str] = []
    for char in text.lower():
        if char in _CYRILLIC:
            out.append(_CYRILLIC[char].strip("_"))
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base.isascii():
            out.append("".join(c for c in base if c.isalnum()))
        elif char.isalnum():
            out.append(char)
    # Special Latin letters NFKD leaves alone.
    folded = "".join(out)
    for special, plain in (("ß", "ss"), ("ø", "o"), ("ł", "l"), ("đ", "d"), ("æ", "ae")):
        folded = folded.replace(special, plain)
    return folded


def base_key(article: Article) -> str:
    """The citation key before making it unique: first author's family name, year, first
    significant title word (`putz2018kazakhstan`). No author → the outlet's first word, else
    "anon"; no date → "nd" (the "n.d." of the styles)."""
    meta = article.meta
    lead = ""
    if meta.authors:
        name = split_name(meta.authors[0])
        lead = ascii_fold(name.get("family") or name.get("literal", ""))
    if not lead and meta.container:
        lead = _first_significant_word(meta.container)
    lead = lead or "anon"
    year_match = re.match(r"\d{4}", meta.issued or "")
    year = year_match.group(0) if year_match else "nd"
    word = _first_significant_word(meta.title or "")
    return f"{lead}{year}{word}"


def _first_significant_word(text: str) -> str:
    """The first word of `text` that is not a stop word, folded for a key."""
    words = [ascii_fold(w) for w in re.split(r"[\s\-–—/:]+", text)]
    words = [w for w in words if w]
    for word in words:
        if word not in KEY_STOP_WORDS:
            return word
    return words[0] if words else ""


def citation_keys(
    articles: Iterable[Article],
    overrides: Mapping[str, str] | None = None,
    pinned: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """A unique citation key per article id (`assign_keys` without its warnings)."""
    return assign_keys(articles, overrides, pinned)[0]


def assign_keys(
    articles: Iterable[Article],
    overrides: Mapping[str, str] | None = None,
    pinned: Mapping[str, str] | None = None,
) -> tuple[dict[str, str], list[str]]:
    """A unique citation key per article id, and warnings about keys that collided.

    `overrides` are the catalog's `key:` values (article id → key); `pinned` the keys
    earlier exports used (key → article id, see tuireader.core.export.keys). In order:

    1. A catalog key always wins, even over a key pinned to another article (warned: the
       user chose it, but `[@key]` in an older manuscript meant the other article).
    2. Otherwise an article keeps the key last pinned to it, even if its metadata changed
       since, so that `[@key]` in a manuscript keeps citing it.
    3. Otherwise the key is derived by `base_key`. Derived keys are taken in article id
       order: the first keeps the base and the next get "a", "b"…; a key pinned to another
       article is never taken (the next free suffix is, with a warning naming both).
    """
    ordered = sorted(articles, key=lambda a: a.id)
    pinned = dict(pinned or {})
    keys: dict[str, str] = {}
    owner: dict[str, str] = {}  # key → the article id it now belongs to (or is kept for)
    warnings: list[str] = []
    _take_overrides(ordered, dict(overrides or {}), pinned, keys, owner, warnings)
    for key, article_id in pinned.items():
        owner.setdefault(key, article_id)  # kept for its article, cited or not
    for article in ordered:
        if article.id not in keys:
            mine = [k for k, a in pinned.items() if a == article.id and owner[k] == article.id]
            if mine:
                keys[article.id] = mine[-1]
    for article in ordered:
        if article.id not in keys:
            keys[article.id] = _derived_key(article, pinned, owner, warnings)
    return keys, warnings


def _take_overrides(
    ordered: list[Article],
    overrides: dict[str, str],
    pinned: Mapping[str, str],
    keys: dict[str, str],
    owner: dict[str, str],
    warnings: list[str],
) -> None:
    """Step 1 of `assign_keys`: give each article its catalog key; a key the catalog gives
    to two articles goes to the first by id (the others derive theirs, warned)."""
    present = {a.id for a in ordered}
    # Overrides of articles not loaded now still reserve their keys, as they always did.
    for article_id in sorted(overrides):
        key = overrides[article_id]
        if key in owner:
            warnings.append(
                f"the catalog gives the key {key!r} to both {owner[key]} and {article_id}; "
                f"{owner[key]} keeps it"
            )
            continue
        owner[key] = article_id
        if article_id not in present:
            continue
        keys[article_id] = key
        holder = pinned.get(key)
        if holder is not None and holder != article_id:
            warnings.append(
                f"the catalog's key {key!r} for {article_id} was used for {holder} in earlier "
                f"exports (citation-keys.yaml); [@{key}] in those manuscripts now cites "
                f"{article_id}"
            )
        earlier = [k for k, a in pinned.items() if a == article_id]
        if earlier and key not in earlier:
            warnings.append(
                f"{article_id}: the catalog's key {key!r} replaces {earlier[-1]!r}, used in "
                f"earlier exports; [@{earlier[-1]}] no longer resolves"
            )


def _derived_key(
    article: Article, pinned: Mapping[str, str], owner: dict[str, str], warnings: list[str]
) -> str:
    """Step 3 of `assign_keys`: the first free key from `base_key` (then "a", "b"…)."""
    base = base_key(article)
    key, counter = base, 0
    blocked_by: str | None = None  # the first key pinned to another article that was in the way
    while key in owner:
        if blocked_by is None and pinned.get(key, article.id) != article.id:
            blocked_by = key
        key = base + alphabetic_suffix(counter)
        counter += 1
    owner[key] = article.id
    if blocked_by is not None:
        warnings.append(
            f"{article.id} would be cited as {blocked_by!r}, but that key is pinned to "
            f"{pinned[blocked_by]} (citation-keys.yaml); {article.id} gets {key!r}"
        )
    return key


def alphabetic_suffix(n: int) -> str:
    """0 → "a", 25 → "z", 26 → "aa"… (citation-key and CSL year suffixes)."""
    text = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        text = chr(ord("a") + rest) + text
    return text


def catalog_key_overrides(catalog: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Explicit citation keys from seeds/catalog.yaml (`key:` under an article)."""
    overrides: dict[str, str] = {}
    for article_id, entry in catalog.items():
        key = entry.get("key") if isinstance(entry, Mapping) else None
        if isinstance(key, str) and CITATION_KEY.fullmatch(key):
            overrides[article_id] = key
    return overrides


def csl_records(
    articles: Iterable[Article],
    overrides: Mapping[str, str] | None = None,
    pinned: Mapping[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """CSL-JSON items for all `articles`, by article id, with workspace-unique keys.

    Pass every article of the workspace (not only those being exported) so that a key is
    the same whatever subset is exported. `pinned` (key → article id, from
    `KeyBook.pins`) keeps the keys of earlier exports; `assign_keys` gives the warnings.
    """
    articles = list(articles)
    keys = citation_keys(articles, overrides, pinned)
    return {article.id: csl_record(article, keys[article.id]) for article in articles}
