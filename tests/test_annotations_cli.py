"""`tuireader annotations`, `annotate` and `check`, driven through tuireader.cli.main."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tuireader.cli import main

STORY = (
    "Pipeline talks resume\n\n"
    "The minister said the consortium had “agreed to a revised schedule” for the northern "
    "section, after two winters of disputes.\n\n"
    "Critics said the schedule had slipped before. The schedule, they said, is a promise.\n"
)
OTHER = "A second article about railways and tariffs.\n\nIt has two paragraphs, both short.\n"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "story.txt").write_text(STORY, encoding="utf-8")
    (seeds / "other.txt").write_text(OTHER, encoding="utf-8")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], workspace: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--workspace", str(workspace), *args])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], workspace: Path, *args: str) -> Any:
    code, out, err = run(capsys, workspace, *args, "--json")
    assert code in (0, 1), err
    return json.loads(out)


def test_annotate_prints_the_new_id_and_lists_it(
    capsys: pytest.CaptureFixture[str], workspace: Path
) -> None:
    code, out, err = run(
        capsys,
        workspace,
        "annotate",
        "story",
        "--quote",
        '"agreed to a revised\n   schedule"',  # straight quotes, other spacing
        "--note",
        "check the dates",
        "--tag",
        "energy",
        "--tag",
        "dates",
        "--label",
        "yellow",
    )
    assert (code, err) == (0, "")
    new_id = out.strip()
    assert len(new_id) == 16

    listed = run_json(capsys, workspace, "annotations")
    assert len(listed) == 1
    item = listed[0]
    assert item["id"] == new_id
    assert item["article"] == "story"
    assert item["quote"] == "“agreed to a revised schedule”"  # the article's own characters
    start = STORY.index("“agreed")
    assert (item["target"]["start"], item["target"]["end"]) == (start, start + 30)
    assert item["paragraph"] == 2
    assert item["status"] == "anchored"
    assert (item["label"], item["tags"], item["note"]) == (
        "yellow",
        ["energy", "dates"],
        "check the dates",
    )
    assert set(item) >= {"created", "updated", "anchor", "target"}
    assert set(item["anchor"]) == {
        "status",
        "start",
        "end",
        "paragraph",
        "score",
        "article_missing",
    }


def test_annotate_json_prints_the_annotation(
    capsys: pytest.CaptureFixture[str], workspace: Path
) -> None:
    item = run_json(capsys, workspace, "annotate", "story", "--quote", "two winters")
    assert item["quote"] == "two winters"
    assert item["status"] == "anchored"
    assert item["tags"] == [] and item["note"] == "" and item["label"] is None
    assert (workspace / "annotations" / "story.yaml").exists()


def test_quote_not_in_the_article_fails_clearly(
    capsys: pytest.CaptureFixture[str], workspace: Path
) -> None:
    code, out, err = run(capsys, workspace, "annotate", "story", "--quote", "three summers")
    assert code == 2 and out == ""
    assert "not in story" in err and "three summers" in err
    assert not (workspace / "annotations").exists()


def test_ambiguous_quote_needs_an_occurrence(
    capsys: pytest.CaptureFixture[str], workspace: Path
) -> None:
    code, _, err = run(capsys, workspace, "annotate", "story", "--quote", "schedule")
    assert code == 2
    assert "occurs 3 times" in err and "--occurrence" in err and "paragraphs 2, 3, 3" in err

    code, _, err = run(
        capsys, workspace, "annotate", "story", "--quote", "schedule", "--occurrence", "4"
    )
    assert code == 2 and "occurs 3 times" in err

    item = run_json(
        capsys, workspace, "annotate", "story", "--quote", "schedule", "--occurrence", "2"
    )
    second = STORY.index("schedule", STORY.index("schedule") + 1)
    assert item["target"]["start"] == second
    assert item["paragraph"] == 3


def test_unknown_article_and_empty_quote(
    capsys: pytest.CaptureFixture[str], workspace: Path
) -> None:
    code, _, err = run(capsys, workspace, "annotate", "stor", "--quote", "x")
    assert code == 2 and "story" in err  # suggests the close id
    code, _, err = run(capsys, workspace, "annotate", "story", "--quote", "   ")
    assert code == 2 and "empty" in err
    code, _, err = run(capsys, workspace, "annotations", "--doc", "nope")
    assert code == 2 and "nope" in err


def test_annotations_filters_and_text_output(
    capsys: pytest.CaptureFixture[str], workspace: Path
) -> None:
    long_quote = "The minister said the consortium had “agreed to a revised schedule” for the"
    run(capsys, workspace, "annotate", "story", "--quote", long_quote, "--tag", "energy")
    run(capsys, workspace, "annotate", "story", "--quote", "two winters", "--note", "a\x1b[31mred")
    run(capsys, workspace, "annotate", "other", "--quote", "railways", "--tag", "energy")

    by_tag = run_json(capsys, workspace, "annotations", "--tag", "energy")
    assert sorted(item["article"] for item in by_tag) == ["other", "story"]
    by_doc = run_json(capsys, workspace, "annotations", "--doc", "story")
    assert [item["quote"] for item in by_doc] == [long_quote, "two winters"]
    assert run_json(capsys, workspace, "annotations", "--doc", "story", "--tag", "none") == []

    code, out, _ = run(capsys, workspace, "annotations", "--doc", "story")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert "…" in lines[0] and long_quote not in lines[0]  # long quote shortened
    assert "#energy" in lines[0] and "anchored" in lines[0] and "¶2" in lines[0]
    assert "\x1b" not in out and "red" in lines[1]


def edit_story(workspace: Path, text: str) -> None:
    (workspace / "seeds" / "story.txt").write_text(text, encoding="utf-8")


def test_check_counts_and_exit_codes(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    keep = run_json(capsys, workspace, "annotate", "story", "--quote", "Pipeline talks resume")
    edit = run_json(
        capsys,
        workspace,
        "annotate",
        "story",
        "--quote",
        'consortium had "agreed to a revised schedule" for the northern section',
    )
    gone = run_json(
        capsys, workspace, "annotate", "story", "--quote", "after two winters of disputes"
    )

    code, out, _ = run(capsys, workspace, "check")
    assert code == 0
    assert "3 annotations in 1 file: 3 anchored, 0 fuzzy, 0 orphaned" in out

    edited = STORY.replace("revised schedule", "revised and shortened schedule").replace(
        ", after two winters of disputes", ""
    )
    edit_story(workspace, "Update: corrected.\n\n" + edited)
    before = (workspace / "annotations" / "story.yaml").read_bytes()
    code, out, err = run(capsys, workspace, "check", "--json")
    assert code == 1, err
    report = json.loads(out)
    assert report["counts"] == {"anchored": 1, "fuzzy": 1, "orphaned": 1}
    assert report["total"] == 3 and report["files"] == 1 and report["ok"] is False
    statuses = {item["id"]: item["status"] for item in report["needs_review"]}
    assert statuses == {edit["id"]: "fuzzy", gone["id"]: "orphaned"}
    assert keep["id"] not in statuses
    assert report["unreadable"] == []
    # Checking never rewrites anything.
    assert (workspace / "annotations" / "story.yaml").read_bytes() == before

    code, out, _ = run(capsys, workspace, "check")
    assert code == 1
    assert "1 anchored, 1 fuzzy, 1 orphaned" in out
    assert gone["id"] in out and "after two winters" in out


def test_fuzzy_only_check_passes(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    run(
        capsys,
        workspace,
        "annotate",
        "story",
        "--quote",
        'consortium had "agreed to a revised schedule" for the northern section',
    )
    edit_story(workspace, STORY.replace("revised", "revized"))
    code, out, _ = run(capsys, workspace, "check")
    assert code == 0 and "1 fuzzy" in out


def test_broken_file_is_reported_and_never_written(
    capsys: pytest.CaptureFixture[str], workspace: Path
) -> None:
    run(capsys, workspace, "annotate", "other", "--quote", "railways")
    folder = workspace / "annotations"
    broken = folder / "story.yaml"
    content = b"schema: 1\narticle: story\nannotations:\n- id: x\n  note: [oops\n"
    broken.write_bytes(content)

    code, out, _ = run(capsys, workspace, "check")
    assert code == 1
    assert "unreadable" in out and "story.yaml" in out and "line" in out
    report = run_json(capsys, workspace, "check")
    assert [entry["article"] for entry in report["unreadable"]] == ["story"]
    assert report["counts"]["anchored"] == 1

    code, _, err = run(capsys, workspace, "annotate", "story", "--quote", "two winters")
    assert code == 2 and "read-only" in err
    code, out, err = run(capsys, workspace, "annotations")
    assert code == 0 and "story.yaml" in err and "railways" in out
    assert broken.read_bytes() == content


def test_annotations_of_a_removed_article_are_orphans(
    capsys: pytest.CaptureFixture[str], workspace: Path
) -> None:
    run(capsys, workspace, "annotate", "other", "--quote", "railways")
    (workspace / "seeds" / "other.txt").unlink()
    listed = run_json(capsys, workspace, "annotations", "--doc", "other")
    assert [(i["status"], i["anchor"]["article_missing"]) for i in listed] == [("orphaned", True)]
    code, out, _ = run(capsys, workspace, "check")
    assert code == 1 and "article missing" in out


def test_empty_workspace(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, out, _ = run(capsys, workspace, "annotations")
    assert (code, out) == (0, "No annotations.\n")
    assert run_json(capsys, workspace, "check") == {
        "ok": True,
        "files": 0,
        "counts": {"anchored": 0, "fuzzy": 0, "orphaned": 0},
        "total": 0,
        "needs_review": [],
        "moved": [],
        "unreadable": [],
    }


def test_unknown_label_is_refused_with_the_labels(
    capsys: pytest.CaptureFixture[str], workspace: Path
) -> None:
    code, out, err = run(
        capsys, workspace, "annotate", "story", "--quote", "two winters", "--label", "mauve"
    )
    assert code == 2 and out == ""
    assert "mauve" in err
    for name in ("yellow", "green", "blue", "pink", "orange", "purple"):
        assert name in err
    assert not (workspace / "annotations").exists()
    item = run_json(
        capsys, workspace, "annotate", "story", "--quote", "two winters", "--label", " Green "
    )
    assert item["label"] == "green"


def test_quote_in_other_letter_case_is_used_and_said(
    capsys: pytest.CaptureFixture[str], workspace: Path
) -> None:
    code, out, err = run(
        capsys, workspace, "annotate", "story", "--quote", "CRITICS  said the Schedule", "--json"
    )
    assert code == 0, err
    item = json.loads(out)
    assert item["quote"] == "Critics said the schedule"
    assert item["target"]["start"] == STORY.index("Critics said the schedule")
    assert "letter case" in err and "“Critics said the schedule”" in err


def test_quote_in_other_case_found_twice_lists_them(
    capsys: pytest.CaptureFixture[str], workspace: Path
) -> None:
    # "the schedule" (paragraph 3) and "The schedule" (paragraph 3) differ only in case;
    # "THE SCHEDULE" is in neither exactly.
    code, _, err = run(capsys, workspace, "annotate", "story", "--quote", "THE SCHEDULE")
    assert code == 2
    assert "occurs 2 times in story (ignoring letter case)" in err
    assert "paragraphs 3, 3" in err and "--occurrence" in err
    item = run_json(
        capsys, workspace, "annotate", "story", "--quote", "THE SCHEDULE", "--occurrence", "2"
    )
    assert item["quote"] == "The schedule"


def test_quote_not_found_gets_the_closest_passage_as_a_hint(
    capsys: pytest.CaptureFixture[str], workspace: Path
) -> None:
    code, _, err = run(
        capsys, workspace, "annotate", "story", "--quote", "after two winter of dispute"
    )
    assert code == 2
    assert "not in story" in err
    assert "closest passage (paragraph 2" in err and "“after two winters of disputes.”" in err
    code, _, err = run(capsys, workspace, "annotate", "story", "--quote", "zzqx vvkj wpfh")
    assert code == 2 and "no passage comes close" in err
    assert not (workspace / "annotations").exists()


def test_check_reports_a_quote_whose_paragraph_moved(
    capsys: pytest.CaptureFixture[str], workspace: Path
) -> None:
    made = run_json(capsys, workspace, "annotate", "story", "--quote", "slipped before")
    assert (made["paragraph"], made["locator"]) == (3, 2)  # the headline is not counted

    # Whitespace only: nothing moved.
    edit_story(workspace, STORY.replace("\n", " \r\n").replace("\n\n", "\n\n\n"))
    report = run_json(capsys, workspace, "check")
    assert report["moved"] == [] and report["ok"] is True

    edit_story(workspace, STORY.replace("Critics said", "Shares rose.\n\nCritics said"))
    report = run_json(capsys, workspace, "check")
    assert report["ok"] is True  # listed, not a failure: the quote is still found
    [moved] = report["moved"]
    assert moved["id"] == made["id"]
    assert (moved["recorded_paragraph"], moved["paragraph"], moved["locator"]) == (3, 4, 3)
    assert moved["reason"] == "paragraphs added before it"
    code, out, _ = run(capsys, workspace, "check")
    assert code == 0
    assert "1 now in another paragraph" in out
    assert "¶ 3 → ¶ 4, para. 3 now (paragraphs added before it)" in out
