"""Forgiving spelling in search (issue 12, item 2): folded accents and apostrophes,
compound forms, Porter2 word families, transliteration variants learned from the corpus,
"did you mean", and hostile queries that get a clear error or a bounded answer.

Expectations come from reading the small texts written here (and, for gordon/gorton, the
BBC files named by grep)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuireader.core.search import variants as variants_module
from tuireader.core.search.analysis import text_analyzer
from tuireader.core.search.index import QueryError, SearchIndex
from tuireader.core.search.variants import TERMS_FILE, VARIANTS_FILE, SpellingTables, name_key
from tuireader.core.text import fold_letters
from tuireader.core.workspace import Workspace

BBC = Path("/work/shared/corpora/bbc-news")

CAFE = """A café in the old town

The café near Ürümqi closed after officials sent an e-mail about re-education camps.

Mr O’Reilly said the widow was not consulted.
"""
CAFE_PLAIN = """Plain spellings

The cafe owner in Urumqi wrote an email about the reeducation policy to O'Reilly.

Microsoft Windows was not installed on the camp computers.
"""
NAMES_A = """Report from Astana

The activist Zhanibek Qasymov said the Uighur camps held his brother.

Later his cousin Qasym travelled to Almaty with Kazakhstan officials.
"""
NAMES_B = """Another outlet

Reporters reached Janibek Kasym by telephone in Kazakhstan.

He described the Uyghur camps near the border, as Janibek had before in Kazakhstan.
"""
FAMILIES = """Awards and illness

The film was nominated twice. Arsenal won the match.

Two nominations went to the director. Arsene Wenger praised the team.

The virus spread in the city. Traces of arsenic were found.

Several viruses were studied. The plant operated at night and generated power.

The operation ended. Its generation of power stopped.
"""


def words(text: str) -> list[str]:
    """The index terms the analyzer makes of `text` (as indexed)."""
    return [token.text for token in text_analyzer()(text)]


@pytest.fixture
def spelling_ws(make_workspace: Callable[..., Path]) -> Workspace:
    root = make_workspace(
        {"cafe.txt": CAFE, "plain.txt": CAFE_PLAIN, "names-a.txt": NAMES_A, "names-b.txt": NAMES_B}
    )
    workspace = Workspace.open(root)
    workspace.reindex()
    return workspace


def docs(results: object) -> set[tuple[str, bool]]:
    return {(hit.doc_id, hit.variant) for hit in results.hits}  # type: ignore[attr-defined]


def marked(workspace: Workspace, query: str) -> set[str]:
    """The words of the text marked as matches in the snippets."""
    found: set[str] = set()
    for hit in workspace.search(query).hits:
        found |= {hit.snippet[start:end] for start, end in hit.snippet_spans}
    return found


# --------------------------------------------------------------------------- analyzer
def test_fold_letters_folds_accents_letters_and_apostrophes() -> None:
    assert fold_letters("café") == "cafe"
    assert fold_letters("Ürümqi") == "Urumqi"
    assert fold_letters("Łódź") == "Lodz"
    assert fold_letters("O’Reilly") == "O'Reilly"
    assert fold_letters("plain") == "plain"


def test_accents_and_apostrophes_match_both_ways_with_highlights_on_the_text(
    spelling_ws: Workspace,
) -> None:
    assert docs(spelling_ws.search("cafe")) == {("cafe", False), ("plain", False)}
    assert docs(spelling_ws.search("café")) == {("cafe", False), ("plain", False)}
    assert marked(spelling_ws, "cafe") == {"café", "cafe"}
    assert {d for d, _ in docs(spelling_ws.search("urumqi"))} == {"cafe", "plain"}
    assert marked(spelling_ws, "Ürümqi") == {"Ürümqi", "Urumqi"}
    assert marked(spelling_ws, "O'Reilly") == {"O’Reilly", "O'Reilly"}
    assert marked(spelling_ws, "reilly") == {"O’Reilly", "O'Reilly"}


def test_hyphenated_and_closed_forms_match(spelling_ws: Workspace) -> None:
    for query in ("email", "e-mail"):
        assert marked(spelling_ws, query) == {"e-mail", "email"}, query
    for query in ("reeducation", "re-education"):
        assert marked(spelling_ws, query) == {"re-education", "reeducation"}, query
    assert marked(spelling_ws, "mail") == {"e-mail"}  # a part of the compound
    # A phrase across the compound matches both spellings ("sent an e-mail about",
    # "wrote an email about").
    for phrase in ('"an e-mail about"', '"an email about"'):
        assert {d for d, _ in docs(spelling_ws.search(phrase))} == {"cafe", "plain"}, phrase
    assert {d for d, _ in docs(spelling_ws.search('"sent an email"'))} == {"cafe"}


def test_stemmer_keeps_word_families_and_separates_arsenal_from_arsenic() -> None:
    assert len(set(words("nominated nominations nomination"))) == 1
    assert len(set(words("virus viruses"))) == 1
    assert len(set(words("operated operation"))) == 1
    assert len(set(words("generated generation"))) == 1
    assert len(set(words("Arsenal Arsene arsenic"))) == 3
    assert words("U.S.") == ["u.s"]  # abbreviations are not stemmed
    assert words("Blair's") == ["blair"]


def test_word_families_found_in_search(make_workspace: Callable[..., Path]) -> None:
    workspace = Workspace.open(make_workspace({"f.txt": FAMILIES}))
    workspace.reindex()

    def paragraphs(query: str) -> list[int]:
        return sorted(h.paragraph for h in workspace.search(query, exact=True).hits)

    # ¶1 is the title line; "nominated" is in ¶2, "nominations" in ¶3, and so on.
    assert paragraphs("nominations") == [2, 3]
    assert paragraphs("viruses") == [4, 5]
    assert paragraphs("operation") == [5, 6]
    assert paragraphs("generation") == [5, 6]
    assert paragraphs("arsenal") == [2]
    assert paragraphs("arsenic") == [4]


# --------------------------------------------------------------------------- variants
def test_name_key_joins_transliterations_only() -> None:
    assert name_key("zhanibek") == name_key("janibek")
    assert name_key("qasym") == name_key("kasym")
    assert name_key("uighur") == name_key("uyghur")
    assert name_key("petrov") == name_key("petrev")
    assert name_key("gordon") != name_key("gorton")
    assert name_key("blair") != name_key("blais")
    assert name_key("hann") != name_key("khan")  # short terms keep doubled letters


def test_transliterated_names_are_found_and_flagged(spelling_ws: Workspace) -> None:
    results = spelling_ws.search("Zhanibek")
    assert results.variants == {"zhanibek": ["janibek"]}
    assert docs(results) == {("names-a", False), ("names-b", True)}
    variant_hit = next(hit for hit in results.hits if hit.variant)
    assert variant_hit.snippet[slice(*variant_hit.snippet_spans[0])] == "Janibek"
    kasym = spelling_ws.search("Kasym")
    assert kasym.variants == {"kasym": ["qasym"]} and ("names-a", True) in docs(kasym)
    articles = spelling_ws.index.search_articles("Janibek")
    assert articles.variants == {"janibek": ["zhanibek"]}
    assert [(a.doc_id, a.variant) for a in articles.articles] == [
        ("names-b", False),
        ("names-a", True),
    ]


def test_exact_turns_variants_and_suggestions_off(spelling_ws: Workspace) -> None:
    results = spelling_ws.search("Zhanibek", exact=True)
    assert not results.variants and docs(results) == {("names-a", False)}
    assert not spelling_ws.search("Kazahkstan", exact=True).suggestions


def test_variants_apply_inside_phrases(spelling_ws: Workspace) -> None:
    results = spelling_ws.search('"Uighur camps"')
    assert results.variants == {"uighur": ["uyghur"]}
    assert docs(results) == {("names-a", False), ("names-b", True)}
    # every word of the phrase is widened
    both = spelling_ws.search('"Janibek Qasym"')
    assert both.variants == {"janibek": ["zhanibek"], "qasym": ["kasym"]}
    assert {d for d, _ in docs(both)} == {"names-b"}  # Zhanibek Qasymov is another name
    articles = spelling_ws.index.search_articles('"Uyghur camps"')
    assert [(a.doc_id, a.variant) for a in articles.articles] == [
        ("names-b", False),
        ("names-a", True),
    ]


def test_other_words_are_not_variants(spelling_ws: Workspace) -> None:
    # widow/Windows differ by edit distance only, and "widow" is no name.
    assert not spelling_ws.search("widow").variants
    assert not spelling_ws.search("Windows").variants
    assert not spelling_ws.search("camps").variants


def test_tables_are_stored_with_the_index_and_updated(
    spelling_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = spelling_ws.indexes_dir / "search"
    stored = json.loads((folder / VARIANTS_FILE).read_text(encoding="utf-8"))
    assert stored["variants"]["zhanibek"] == ["janibek"]
    assert "kazakhstan" in (folder / TERMS_FILE).read_text(encoding="utf-8")
    # A new index object reads the file: it never rebuilds the tables from the lexicon.
    index = SearchIndex(folder)

    def no_build(*_args: object, **_kwargs: object) -> SpellingTables:
        raise AssertionError("the tables were rebuilt from the lexicon")

    monkeypatch.setattr(variants_module.SpellingTables, "build", no_build)
    assert index.search("Zhanibek").variants == {"zhanibek": ["janibek"]}
    monkeypatch.undo()
    # An incremental update rewrites the tables.
    (spelling_ws.seeds_dir / "names-c.txt").write_text(
        "Third\n\nThe lawyer Zhanybek spoke.\n", encoding="utf-8"
    )
    spelling_ws.reindex()
    stored = json.loads((folder / VARIANTS_FILE).read_text(encoding="utf-8"))
    assert stored["variants"]["zhanibek"] == ["janibek", "zhanybek"]


# --------------------------------------------------------------------------- did you mean
def test_kazahkstan_suggests_kazakhstan(spelling_ws: Workspace) -> None:
    results = spelling_ws.search("kazahkstan")
    assert results.total == 0 and results.suggestions == ["Kazakhstan"]
    assert results.to_dict()["suggestions"] == ["Kazakhstan"]
    articles = spelling_ws.index.search_articles("camps in kazahkstan")
    assert articles.suggestions == ["camps in Kazakhstan"]
    assert articles.to_dict()["suggestions"] == ["camps in Kazakhstan"]
    assert not spelling_ws.search("Kazakhstan").suggestions


# --------------------------------------------------------------------------- BBC
@pytest.mark.skipif(not BBC.is_dir(), reason="the BBC corpus is not on this machine")
def test_gordon_does_not_match_gorton_on_bbc(make_workspace: Callable[..., Path]) -> None:
    def files_with(word: str, count: int) -> list[Path]:
        found = subprocess.run(
            ["grep", "-rlw", word, str(BBC)], capture_output=True, text=True, check=False
        ).stdout.split()
        return sorted(Path(name) for name in found)[:count]

    gorton = files_with("Gorton", 1)
    gordon = files_with("Gordon", 6)
    assert gorton and gordon
    root = make_workspace({})
    for path in gorton + gordon:
        shutil.copy(path, root / "seeds" / path.name)
    workspace = Workspace.open(root)
    workspace.reindex()
    gordon_results = workspace.search("gordon")
    assert not gordon_results.variants
    assert all(hit.doc_id != gorton[0].stem for hit in gordon_results.hits)
    assert not workspace.search("gorton").variants


# --------------------------------------------------------------------------- hostile queries
@pytest.mark.parametrize(
    "query",
    ["*", "**", "a*", "*ab", "?", "title:*", 'entity:"*"', "NOT blair", "NOT blair NOT brown"],
)
def test_hostile_queries_get_a_clear_error(spelling_ws: Workspace, query: str) -> None:
    with pytest.raises(QueryError):
        spelling_ws.search(query)
    with pytest.raises(QueryError):
        spelling_ws.index.search_articles(query)


def test_deep_nesting_is_refused(spelling_ws: Workspace) -> None:
    with pytest.raises(QueryError, match="too deeply"):
        spelling_ws.search("(" * 21 + "camps" + ")" * 21)
    # camps/camp: cafe ¶2, plain ¶3, names-a ¶2, names-b ¶3
    assert spelling_ws.search("(" * 20 + "camps" + ")" * 20).total == 4


def test_long_phrases_are_refused(spelling_ws: Workspace) -> None:
    with pytest.raises(QueryError, match="phrase"):
        spelling_ws.search('"' + "camps " * 21 + '"')
    assert spelling_ws.search('"' + "camps " * 20 + '"').total == 0


def test_huge_wildcard_expansions_are_refused(make_workspace: Callable[..., Path]) -> None:
    # 1,352 distinct words starting "zq" (zqaaa…), more than the 100 terms searched.
    letters = "abcdefghijklmnopqrstuvwxyz"
    many = " ".join(f"zq{a}{b}{c}" for a in letters for b in letters for c in "ab")[:12_000]
    assert len(set(many.split())) > 300
    workspace = Workspace.open(make_workspace({"many.txt": f"Many\n\n{many}\n"}))
    workspace.reindex()
    with pytest.raises(QueryError, match="too many words"):
        workspace.search("zq*")
    with pytest.raises(QueryError, match="too many words"):
        workspace.index.search_articles("[zq TO zr]")
    assert workspace.search("zqaa*").total == 1  # a narrower wildcard is searched


QUERY_ALPHABET = st.sampled_from(
    [
        *"abcé ",
        *['"', "(", ")", "*", "?", ":", "[", "]", "{", "}", "^", "~", "-", "'", "’", "\\"],
        *[" AND ", " OR ", " NOT ", "title:", "author:", "date:", "entity:", " TO ", "camps"],
    ]
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(QUERY_ALPHABET, max_size=30).map("".join))
def test_fuzzed_queries_raise_only_query_errors(spelling_ws: Workspace, query: str) -> None:
    try:
        spelling_ws.index.search_articles(query)
        spelling_ws.index.search(query)
        spelling_ws.index.match_spans(query, "The café near Ürümqi and camps.")
    except QueryError:
        pass


def test_reader_highlights_follow_folding_and_variants(spelling_ws: Workspace) -> None:
    text = "The Uyghur camps, the café e-mail and Zhanibek."

    def spans(query: str, exact: bool = False) -> list[str]:
        return [text[a:b] for a, b in spelling_ws.index.match_spans(query, text, exact=exact)]

    assert spans('"Uighur camps"') == ["Uyghur", "camps"]
    assert spans('"Uighur camps"', exact=True) == ["camps"]
    assert spans("cafe email") == ["café", "e-mail"]
    assert spans("Janibek") == ["Zhanibek"] and spans("Janibek", exact=True) == []


def test_an_index_in_memory_writes_no_spelling_tables_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An index built in memory (a read-only workspace) once wrote its tables into the cwd.
    from whoosh.filedb.filestore import RamStorage

    from tuireader.core.search.documents import build_schema
    from tuireader.core.search.index import SearchIndex

    monkeypatch.chdir(tmp_path)
    index = RamStorage().create_index(build_schema())
    SearchIndex._save_spelling(index)
    assert list(tmp_path.iterdir()) == []
