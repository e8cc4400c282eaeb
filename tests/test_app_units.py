"""Unit tests of the app's plain helpers: safe rendering, library rows, bindings/keymap."""

from __future__ import annotations

import pytest

from tuireader.app.library.screen import columns_for
from tuireader.app.shell import bindings
from tuireader.app.shell.article_rows import (
    SORT_KEYS,
    LibraryRow,
    filter_rows,
    next_sort_key,
    sort_rows,
)
from tuireader.app.shell.render import CURRENT_MATCH_STYLE, MATCH_STYLE, clean_text, safe_content
from tuireader.app.state.reading_state import ReadingState
from tuireader.core.corpus import clean_for_display


@pytest.fixture(autouse=True)
def _config(tmp_path, monkeypatch):
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(tmp_path / "config"))


def test_safe_content_keeps_markup_literal_and_strips_escapes():
    text = "a [bold]b[/bold] [@click=app.quit]q[/] \x1b[31mred\x1b]52;c;eA==\x07 end"
    content = safe_content(text)
    assert "[bold]b[/bold]" in content.plain
    assert "[@click=app.quit]q[/]" in content.plain
    assert "\x1b" not in content.plain and "\x07" not in content.plain
    assert content.spans == []  # nothing was parsed into styles
    # Same characters as core's cleaning (whitespace aside).
    assert content.plain == clean_for_display(text)


def test_safe_content_moves_spans_past_removed_controls():
    text = "\x1b[1mUyghur\x1b[0m camps"
    start = text.index("Uyghur")
    end = start + len("Uyghur")
    camps = text.index("camps")
    content = safe_content(text, [(start, end), (camps, camps + 5)], current=(camps, camps + 5))
    plain = content.plain
    spans = [(s.start, s.end, s.style) for s in content.spans]
    assert [plain[s:e] for s, e, _ in spans] == ["Uyghur", "camps"]
    assert spans[0][2] == MATCH_STYLE
    assert spans[1][2] == CURRENT_MATCH_STYLE


def test_soft_breaks_become_spaces_without_moving_offsets():
    assert clean_text("one\ntwo\tthree\r\n") == "one two three  "
    content = safe_content("one\ntwo", [(4, 7)])
    assert content.plain[4:7] == "two"


def _row(id_: str, title: str, source: str = "", authors: str = "", date: str = "", words: int = 0):
    haystack = " ".join((title, source, authors, date, id_)).lower()
    return LibraryRow(id_, title, source, authors, date, words, haystack)


def test_filter_matches_every_word_in_any_column():
    rows = [
        _row("a", "Uyghur camps", "Diplomat", "Putz", "2018"),
        _row("b", "Trade routes", "Lawfare", "Svoboda", "2021"),
    ]
    assert [r.id for r in filter_rows(rows, "camps putz")] == ["a"]
    assert [r.id for r in filter_rows(rows, "LAWFARE 2021")] == ["b"]
    assert [r.id for r in filter_rows(rows, "camps lawfare")] == []
    assert len(filter_rows(rows, "  ")) == 2


def test_sort_puts_empty_cells_last_and_reverses():
    rows = [_row("a", "B", date="2019"), _row("b", "A", date=""), _row("c", "C", date="2018")]
    assert [r.id for r in sort_rows(rows, "date")] == ["c", "a", "b"]
    assert [r.id for r in sort_rows(rows, "date", reverse=True)] == ["a", "c", "b"]
    worded = [_row("x", "x", words=5), _row("y", "y", words=50)]
    assert [r.id for r in sort_rows(worded, "words", reverse=True)] == ["y", "x"]


def test_sort_key_cycle_visits_every_column():
    key, seen = "title", []
    for _ in SORT_KEYS:
        seen.append(key)
        key = next_sort_key(key)
    assert seen == list(SORT_KEYS) and key == "title"


@pytest.mark.parametrize(
    ("width", "present", "absent"),
    [(200, {"authors", "source"}, set()), (100, {"source"}, {"authors"}), (60, set(), {"source"})],
)
def test_columns_collapse_on_narrow_terminals(width, present, absent):
    columns = columns_for(width)
    assert present <= set(columns) and not absent & set(columns)
    assert columns["title"] >= 10
    # Everything fits: widths plus two cells of padding per column.
    assert sum(w + 2 for w in columns.values()) <= width


def test_every_binding_has_id_and_description():
    for section, items in bindings.SECTIONS.items():
        for binding in items:
            assert binding.id, f"{section}: {binding.key} has no id"
            assert binding.description, f"{binding.id} has no description"
    ids = [b.id for items in bindings.SECTIONS.values() for b in items]
    assert len(ids) == len(set(ids)), "binding ids must be unique"


def test_help_rows_apply_keymap_and_check_keymap_reports_problems():
    usable, problems = bindings.check_keymap(
        {"reader.next_match": "ctrl+n", "no.such": "x", "reader.find": " "}
    )
    assert usable == {"reader.next_match": "ctrl+n"}
    assert len(problems) == 2 and "no.such" in problems[0]
    rows = {row.binding_id: row for row in bindings.help_rows(usable)}
    assert rows["reader.next_match"].keys == "ctrl+n"
    assert rows["reader.next_paragraph"].keys == "]"
    assert rows["app.help"].keys == "?"


def test_reading_state_round_trip_is_per_workspace(tmp_path):
    one = ReadingState.load(tmp_path / "one")
    one.remember("alpha", 7, is_open=True)
    one.save()
    two = ReadingState.load(tmp_path / "two")
    two.remember("beta", 3, is_open=False)
    two.save()
    again = ReadingState.load(tmp_path / "one")
    assert again.open_article == "alpha" and again.positions == {"alpha": 7}
    other = ReadingState.load(tmp_path / "two")
    assert other.open_article is None and other.last_article == "beta"


def test_reading_state_ignores_a_broken_state_file(tmp_path):
    config = tmp_path / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "state.json").write_text('{"workspaces": {"x": {"positions": {"a": "bad"}}}', "utf-8")
    state = ReadingState.load(tmp_path / "x")
    assert state.positions == {} and state.open_article is None
