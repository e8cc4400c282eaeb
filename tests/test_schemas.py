"""Hand-edited files with wrong values: settings.yaml, seeds/catalog.yaml, annotation files.

Each bad value gives one clear message naming the file, the line, the key and what was
expected, and never a traceback; what is right in the file is still used.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tuireader.cli import main
from tuireader.core.annotations.store import AnnotationStore
from tuireader.core.export.citations import parse_date
from tuireader.core.settings import Settings
from tuireader.core.workspace import Workspace

# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2018-02-31", "2019-02-29", "2021-04-31"])
def test_parse_date_refuses_days_that_are_not_on_the_calendar(value: str) -> None:
    assert parse_date(value) == {"literal": value}
    assert parse_date("2020-02-29") == {"date-parts": [[2020, 2, 29]]}  # a leap day is real


# --- the catalog ---------------------------------------------------------------------------

CATALOG = """\
articles:
  a:
    title: [a, b]
    authors: 5
    container: Good Outlet
    issued: 2019-02-30
    furniture: [1, 2]
  b:
    title: The B Story
    authors: [Ann Writer]
    issued: 2021-04-05
"""
TEXTS = {
    "a.txt": "Text Title of A\n\nBy Jane Roe\n\nThe body of the first story is here.\n",
    "b.txt": "Text Title of B\n\nThe body of the second story is here.\n",
}


def warning_about(workspace: Workspace, key: str) -> str:
    found = [w for w in workspace.load_warnings if f"'{key}'" in w]
    assert len(found) == 1, workspace.load_warnings
    return found[0]


def test_catalog_wrong_values_are_warnings_and_the_rest_is_kept(
    make_workspace: Callable[..., Path],
) -> None:
    workspace = Workspace.open(make_workspace(TEXTS, catalog=CATALOG))
    a, b = workspace.article("a"), workspace.article("b")
    # The bad values are left out; the good value of the same entry is kept ...
    assert a.meta.container == "Good Outlet"
    assert a.meta.title == "Text Title of A" and a.meta.title_source == "text"
    assert a.meta.authors == ("Jane Roe",)  # from the byline, as with no catalog authors
    assert a.meta.issued is None
    assert not any(p.furniture_reason == "listed in catalog" for p in a.paragraphs)
    # ... and so is every other entry.
    assert (b.meta.title, b.meta.authors, b.meta.issued) == (
        "The B Story",
        ("Ann Writer",),
        "2021-04-05",
    )
    assert warning_about(workspace, "title") == (
        "seeds/catalog.yaml, line 3: article 'a': 'title' must be text (the title), "
        "not ['a', 'b']; ignored"
    )
    assert warning_about(workspace, "authors") == (
        "seeds/catalog.yaml, line 4: article 'a': 'authors' must be a list of names, "
        "e.g. [Jane Roe], not 5; ignored"
    )
    assert warning_about(workspace, "issued") == (
        "seeds/catalog.yaml, line 6: article 'a': 'issued' must be a date: YYYY, YYYY-MM or "
        "YYYY-MM-DD (2019-02-30 is not a real date: day is out of range for month); ignored"
    )
    assert warning_about(workspace, "furniture") == (
        "seeds/catalog.yaml, line 7: article 'a': 'furniture' must be a list of lines of text "
        "(quote numbers), not [1, 2] (item 1 is 1); ignored"
    )
    assert len(workspace.load_warnings) == 4


def test_catalog_quoted_impossible_dates_and_unknown_keys_are_reported(
    make_workspace: Callable[..., Path],
) -> None:
    catalog = 'articles:\n  b:\n    issued: "2018-02-31"\n    autors: [Ann Writer]\n'
    workspace = Workspace.open(make_workspace(TEXTS, catalog=catalog))
    assert workspace.article("b").meta.issued is None
    assert "line 3: article 'b': 'issued' must be a date" in warning_about(workspace, "issued")
    assert "2018-02-31 is not a real date" in warning_about(workspace, "issued")
    assert "line 4: article 'b': unknown key 'autors'" in warning_about(workspace, "autors")


def test_cli_lists_articles_despite_a_bad_catalog_entry(
    make_workspace: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_workspace(TEXTS, catalog=CATALOG)
    assert main(["--workspace", str(root), "list"]) == 0
    out, err = capsys.readouterr()
    assert "The B Story" in out and "Text Title of A" in out
    assert "line 6: article 'a': 'issued' must be a date" in err
    assert "Traceback" not in err


# --- settings.yaml -------------------------------------------------------------------------


def load_settings(config: Path, text: str) -> Settings:
    (config / "settings.yaml").write_text(text, encoding="utf-8")
    return Settings.load()


def test_settings_date_like_theme_is_a_problem_and_defaults_apply(isolated_config: Path) -> None:
    settings = load_settings(isolated_config, "citation_style: mla\ntheme: 2020-02-30\n")
    assert settings.theme == "textual-dark"
    assert settings.citation_style == "mla"  # the good key is still used
    path = isolated_config / "settings.yaml"
    assert settings.problems == [
        f"{path}, line 2: 'theme' must be text (a theme name such as textual-dark), "
        "not 2020-02-30; quote it if you mean that text; using the default"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("spacy_model: 5\n", "line 1: 'spacy_model' must be text"),
        ("theme: [nord]\n", "line 1: 'theme' must be text"),
        ("theme: nord\nkeymap: {quit: [q]}\n", "line 2: 'keymap' must be a mapping"),
        ("compare_meaning: 2020-02-30\n", "line 1: 'compare_meaning' must be true or false"),
        ("them: nord\n", "line 1: unknown key 'them'; ignored"),
    ],
)
def test_settings_wrong_types_are_problems(isolated_config: Path, text: str, expected: str) -> None:
    settings = load_settings(isolated_config, text)
    assert len(settings.problems) == 1 and expected in settings.problems[0]
    assert str(isolated_config / "settings.yaml") in settings.problems[0]
    defaults = Settings()
    assert (settings.spacy_model, settings.keymap) == (defaults.spacy_model, defaults.keymap)


def test_settings_with_a_problem_are_never_saved_over(isolated_config: Path) -> None:
    text = "theme: 2020-02-30\ncitation_style: mla\n"
    settings = load_settings(isolated_config, text)
    settings.theme = "nord"
    settings.save()
    assert (isolated_config / "settings.yaml").read_text(encoding="utf-8") == text


# --- annotation files ----------------------------------------------------------------------

ENTRY = (
    "schema: 1\narticle: {article}\nannotations:\n"
    "- id: a1\n  created: {created}\n  updated: '2024-01-01T00:00:00Z'\n"
    "  label: null\n  tags: []\n  note: ''\n"
    "  target: {{exact: camps, start: 1, end: 6, paragraph: 1, checksum: abc}}\n"
)


@pytest.mark.parametrize(
    ("created", "reason"),
    [
        ("2024-02-30T00:00:00Z", "2024-02-30T00:00:00Z is not a real date: day is out of range"),
        ("'2024-02-30T00:00:00Z'", "'2024-02-30T00:00:00Z' is not a real date or time: day is"),
        ("yesterday", "found 'yesterday'"),
    ],
)
def test_annotation_file_with_an_impossible_time_is_read_only_for_that_article_only(
    tmp_path: Path, created: str, reason: str
) -> None:
    store = AnnotationStore(tmp_path / "annotations")
    store.directory.mkdir()
    bad = ENTRY.format(article="story", created=created)
    good = ENTRY.format(article="other", created="2024-01-01T00:00:00Z")
    store.path_for("story").write_text(bad, encoding="utf-8")
    store.path_for("other").write_text(good, encoding="utf-8")

    loaded = store.load("story")
    assert loaded.read_only and loaded.annotations == []
    assert loaded.problem is not None
    assert loaded.problem.startswith(
        "annotations/story.yaml, line 5: annotation 'a1': 'created' must be an ISO 8601 time ("
    )
    assert reason in loaded.problem
    other = store.load("other")
    assert not other.read_only and [a.id for a in other.annotations] == ["a1"]
    listed = dict(store.all())
    assert listed["story"].read_only and not listed["other"].read_only
    assert store.path_for("story").read_text(encoding="utf-8") == bad  # never rewritten


# --- checks are remembered, and redone after every edit ------------------------------------


def test_an_edited_catalog_or_settings_file_is_checked_again(
    make_workspace: Callable[..., Path], isolated_config: Path
) -> None:
    """What a check found is kept (so pydantic is not imported at every start-up), keyed by
    the file's bytes: fixing or breaking the file is always seen."""
    bad = "articles:\n  b:\n    issued: 2019-02-30\n"
    root = make_workspace(TEXTS, catalog=bad)
    catalog = root / "seeds" / "catalog.yaml"
    for text, warned in ((bad, True), (bad, True), (bad.replace("30", "28"), False), (bad, True)):
        catalog.write_text(text, encoding="utf-8")
        workspace = Workspace.open(root)
        assert (workspace.article("b").meta.issued is None) is warned
        assert any("2019-02-30 is not a real date" in w for w in workspace.load_warnings) is warned
    for text, theme in (("theme: 2020-02-30\n", "textual-dark"), ("theme: nord\n", "nord")):
        for _ in range(2):
            settings = load_settings(isolated_config, text)
            assert settings.theme == theme and bool(settings.problems) is (theme != "nord")
