"""Fuzzing the YAML readers (issue 17): annotation files, seeds/catalog.yaml, settings.yaml.

Generated YAML-ish text (the characters and words that matter to YAML and to tuireader's
schemas, tags, aliases, bad dates, deep brackets) and mutations of real files go through
each reader. Only the project's own outcomes are allowed: a reader returns its problems
as messages and never raises; a write refused because the file is bad leaves the file's
bytes unchanged; a write allowed keeps every annotation that was there.

The default run stays within about ten seconds; `-m slow` runs many more examples.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuireader.core.annotations.model import AnnotationError, new_annotation
from tuireader.core.annotations.schema import parse_annotation_file
from tuireader.core.annotations.store import AnnotationStore
from tuireader.core.catalog import check_catalog_text
from tuireader.core.corpus import Article, load_article
from tuireader.core.settings import Settings
from tuireader.core.settings_schema import check_settings_text
from tuireader.core.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
STORY = (
    "Pipeline talks resume\n\n"
    "The minister said the consortium had agreed to a revised schedule for the northern "
    "section, after two winters of disputes.\n\n"
    "Critics said the schedule had slipped before. The schedule, they said, is a promise.\n"
)

# What matters to YAML and to the schemas: indicators, tags, aliases, bad dates and
# numbers, the files' own keys, controls, odd line breaks and runs of brackets.
# fmt: off
TOKENS = [
    ": ", "- ", "? ", "[", "]", "{", "}", ", ", "\n", "  ", "    ", "\t", "#", "'", '"', "|",
    ">-", "---\n", "...\n", "%YAML 1.1\n", "&a ", "*a", "<<: ", "!!int ", "!!float ", "!!bool ",
    "!!timestamp ", "!!binary ", "!!str ", "!!set ", "!!omap ", "!!pairs ",
    "!!python/object:os.system ", "!local ", "~", "null", "yes", "no", "0x_", "0b2", "1e999",
    ".nan", "2019-02-30", "2024-02-30T00:00:00Z", "2021-04-05", "24:61:00", "abc", "1", "-3",
    "schema", "article", "annotations", "id", "created", "updated", "label", "tags", "note",
    "target", "exact", "prefix", "suffix", "start", "end", "paragraph", "checksum", "articles",
    "title", "authors", "issued", "furniture", "key", "url", "theme", "keymap", "citation_style",
    "compare_meaning", "\x00", "\x1b[31m", "\ufeff", "é", "\u2028", "\r", "[" * 40, "]" * 40,
]
# fmt: on
yamlish = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=4)), max_size=60).map(
    "".join
)


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """`original` with a few bytes or YAML tokens inserted, deleted or replaced."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        payload = draw(
            st.one_of(st.sampled_from(TOKENS).map(lambda t: t.encode()), st.binary(max_size=3))
        )
        if kind == "insert":
            data[at:at] = payload
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        else:
            data[at : at + len(payload)] = payload
    return bytes(data)


_SEEDS = Path(tempfile.mkdtemp(prefix="fuzz-yaml-seeds-"))
(_SEEDS / "story.txt").write_text(STORY, encoding="utf-8")
_ARTICLE = load_article(_SEEDS / "story.txt", _SEEDS)


def story_article() -> Article:
    """The article the fuzzed annotation files belong to."""
    return _ARTICLE


def real_annotation_file() -> bytes:
    """An annotation file as the store writes it, with two annotations."""
    with tempfile.TemporaryDirectory() as folder:
        store = AnnotationStore(Path(folder))
        article = story_article()
        for quote, note in (("revised schedule", "dates?"), ("slipped before", "")):
            start = article.text.index(quote)
            store.add(new_annotation(article, start, start + len(quote), note=note, tags=["t"]))
        return (Path(folder) / "story.yaml").read_bytes()


ANNOTATION_FILE = real_annotation_file()
CATALOG_FILE = (REPO / "seeds" / "catalog.yaml").read_bytes()
SETTINGS_FILE = (
    b"theme: textual-dark\nkeymap:\n  quit: ctrl+q\n  toggle: 1\ncitation_style: apa\n"
    b"spacy_model: en_core_web_sm\nclipboard: osc52\ncompare_meaning: true\n"
)


# --- the checks, each run on one input ----------------------------------------------------


def check_annotation_reader(content: bytes) -> None:
    """The schema and the store read anything; a refused write leaves the file alone; an
    allowed write loses nothing."""
    text = content.decode("utf-8", "replace")
    annotations, problem = parse_annotation_file(text, "story", "annotations/story.yaml")
    assert isinstance(annotations, list) and (problem is None or isinstance(problem, str))
    if problem is not None:
        assert problem.startswith("annotations/story.yaml") and "\n" not in problem.strip()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "story.yaml"
        path.write_bytes(content)
        store = AnnotationStore(Path(folder), lock_timeout=5)
        loaded = store.load("story")
        kept = {a.id for a in loaded.annotations}
        assert [a.id for a in store.load("story").annotations] == [a.id for a in loaded.annotations]
        list(store.all())
        article = story_article()
        start = article.text.index("promise")
        new = new_annotation(article, start, start + len("promise"))
        try:
            store.add(new)
        except AnnotationError:
            assert loaded.read_only
            assert path.read_bytes() == content  # refused: the file is untouched
            return
        assert not loaded.read_only
        after = AnnotationStore(Path(folder)).load("story")
        assert not after.read_only, after.problem
        assert {a.id for a in after.annotations} == kept | {new.id}  # nothing lost


def check_catalog_reader(content: bytes, root: Path) -> None:
    """The catalog check never raises; the workspace reads it without changing it."""
    entries, warnings = check_catalog_text(content)
    assert isinstance(entries, dict) and all(isinstance(w, str) for w in warnings)
    assert all(isinstance(key, str) and isinstance(v, dict) for key, v in entries.items())
    catalog = root / "seeds" / "catalog.yaml"
    catalog.write_bytes(content)
    workspace = Workspace.open(root)
    assert isinstance(workspace.catalog, dict)
    assert all(isinstance(w, str) for w in workspace.load_warnings)
    assert catalog.read_bytes() == content


def check_settings_reader(content: bytes, config: Path) -> None:
    """Settings are read (defaults where wrong) without raising or changing the file."""
    found = check_settings_text(content, config / "settings.yaml")
    assert set(found) == {"values", "problems"}
    path = config / "settings.yaml"
    path.write_bytes(content)
    loaded = Settings.load()
    assert isinstance(loaded.theme, str) and isinstance(loaded.keymap, dict)
    assert all(isinstance(key, str) and isinstance(v, str) for key, v in loaded.keymap.items())
    assert path.read_bytes() == content


@pytest.fixture
def catalog_root(tmp_path: Path) -> Path:
    seeds = tmp_path / "ws" / "seeds"
    seeds.mkdir(parents=True)
    (seeds / "000_55308b7769cb3055.txt").write_text(STORY, encoding="utf-8")
    return tmp_path / "ws"


def fuzz(examples: int) -> Callable[..., object]:
    """Hypothesis settings for one fuzz test: no deadline (a busy machine is slow)."""
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# --- default run (about ten seconds in all) -----------------------------------------------


@fuzz(120)
@given(st.one_of(yamlish.map(str.encode), mutated(ANNOTATION_FILE)))
def test_fuzz_annotation_files(content: bytes) -> None:
    check_annotation_reader(content)


@fuzz(100)
@given(st.one_of(yamlish.map(str.encode), mutated(CATALOG_FILE)))
def test_fuzz_the_catalog(catalog_root: Path, content: bytes) -> None:
    check_catalog_reader(content, catalog_root)


@fuzz(150)
@given(st.one_of(yamlish.map(str.encode), mutated(SETTINGS_FILE)))
def test_fuzz_settings(isolated_config: Path, content: bytes) -> None:
    assert Path(os.environ["TUIREADER_CONFIG_DIR"]) == isolated_config
    check_settings_reader(content, isolated_config)


# --- the big run ------------------------------------------------------------------------


@pytest.mark.slow
@fuzz(3000)
@given(st.one_of(yamlish.map(str.encode), mutated(ANNOTATION_FILE)))
def test_fuzz_annotation_files_long(content: bytes) -> None:
    check_annotation_reader(content)


@pytest.mark.slow
@fuzz(2000)
@given(st.one_of(yamlish.map(str.encode), mutated(CATALOG_FILE)))
def test_fuzz_the_catalog_long(catalog_root: Path, content: bytes) -> None:
    check_catalog_reader(content, catalog_root)


@pytest.mark.slow
@fuzz(3000)
@given(st.one_of(yamlish.map(str.encode), mutated(SETTINGS_FILE)))
def test_fuzz_settings_long(isolated_config: Path, content: bytes) -> None:
    check_settings_reader(content, isolated_config)
