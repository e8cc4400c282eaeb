"""Exporting annotations (tuireader.core.export.exporter): scope, quote check, the Markdown and text
documents, updating files in place, and pandoc rendering the Markdown export."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from test_export_support import (
    SPECIAL_QUOTE,
    annotate,
    annotate_bundled,
    check_golden,
    copy_bundled,
    special_workspace,
)

from tuireader.core.export import exporter as export
from tuireader.core.export.exporter import ExportError, merge_blocks, parse_blocks, select, write
from tuireader.core.workspace import UnknownArticleError, Workspace

PANDOC = shutil.which("pandoc")


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """The bundled articles with four stored annotations (fixed ids)."""
    ws = copy_bundled(tmp_path / "ws")
    annotate_bundled(ws)
    return ws


def edit_article(workspace: Workspace, article_id: str, old: str, new: str) -> None:
    """Change an article file on disk (and make the workspace read it again)."""
    path = workspace.seeds_dir / f"{article_id}.txt"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    workspace.refresh()


# --- scope and quote check -------------------------------------------------------------------


def test_everything_verified_by_default(workspace: Workspace) -> None:
    selection = select(workspace)
    assert [i.annotation_id for i in selection.items] == [
        "a000prison",
        "a001juggle",
        "a002kz",
        "a004protests",
    ]
    assert all(i.verified for i in selection.items)
    assert selection.left_out == [] and selection.warnings() == []
    assert selection.items[0].paragraph == 8
    assert selection.items[0].key == "putz2018kazakhstan"
    # Reference formats cover the whole workspace when not filtered.
    assert len(selection.article_ids) == 5


def test_scope_by_doc_and_tag(workspace: Workspace) -> None:
    by_doc = select(workspace, doc_ids=["000_55308b7769cb3055"])
    assert [i.annotation_id for i in by_doc.items] == ["a000prison", "a001juggle"]
    assert by_doc.article_ids == ["000_55308b7769cb3055"]
    by_tag = select(workspace, tags=["CAMPS"])  # case-insensitive
    assert [i.annotation_id for i in by_tag.items] == ["a000prison", "a002kz", "a004protests"]
    assert by_tag.article_ids == [
        "000_55308b7769cb3055",
        "002_6fec927dd12decab",
        "004_1d4f993d258ac59c",
    ]
    both = select(workspace, doc_ids=["000_55308b7769cb3055"], tags=["policy", "nothing"])
    assert [i.annotation_id for i in both.items] == ["a001juggle"]
    with pytest.raises(UnknownArticleError):
        select(workspace, doc_ids=["000_nope"])


def test_edited_text_moves_the_quote_but_keeps_it_verified(workspace: Workspace) -> None:
    edit_article(
        workspace, "000_55308b7769cb3055", "Ethnic Kazakhs have", "Ethnic Kazakhs, we note, have"
    )
    item = select(workspace, doc_ids=["000_55308b7769cb3055"]).items[0]
    assert item.verified and item.exact == "In fact, it is a prison located in the mountains"


def test_fuzzy_and_orphaned_quotes_are_left_out(workspace: Workspace) -> None:
    edit_article(
        workspace, "000_55308b7769cb3055", "located in the mountains", "located in the hills"
    )
    edit_article(
        workspace,
        "000_55308b7769cb3055",
        "The concerns Kazakhstan has to juggle are myriad",
        "Something else entirely was written here instead",
    )
    selection = select(workspace, doc_ids=["000_55308b7769cb3055"])
    assert selection.items == []
    statuses = {i.annotation_id: i.status for i in selection.left_out}
    assert statuses["a001juggle"] == "orphaned"
    assert statuses["a000prison"] in ("fuzzy", "orphaned")
    warnings = "\n".join(selection.warnings())
    assert (
        "a000prison" in warnings and "a001juggle" in warnings and "--allow-unverified" in warnings
    )
    # The Markdown export then holds no quote the source does not contain.
    assert "mountains" not in export.render(selection, "md")


def test_allow_unverified_marks_them(workspace: Workspace) -> None:
    edit_article(
        workspace,
        "000_55308b7769cb3055",
        "The concerns Kazakhstan has to juggle are myriad",
        "Something else entirely was written here instead",
    )
    selection = select(workspace, doc_ids=["000_55308b7769cb3055"], allow_unverified=True)
    unverified = [i for i in selection.items if not i.verified]
    assert [i.annotation_id for i in unverified] == ["a001juggle"]
    markdown = export.render(selection, "md")
    assert "**UNVERIFIED: this quote was not found in the current article text.**" in markdown
    # The stored words are exported, since the current text no longer has them.
    assert "The concerns Kazakhstan has to juggle are myriad" in markdown
    text = export.render(selection, "text", style="apa")
    assert "[UNVERIFIED: this quote was not found in the current article text]" in text


def test_annotation_of_a_deleted_article_is_orphaned(workspace: Workspace) -> None:
    (workspace.seeds_dir / "004_1d4f993d258ac59c.txt").unlink()
    workspace.refresh()
    selection = select(workspace)
    assert [i.annotation_id for i in selection.left_out] == ["a004protests"]
    assert any("no longer in the workspace" in w for w in selection.warnings())


# --- documents -------------------------------------------------------------------------------


def test_markdown_golden(workspace: Workspace) -> None:
    check_golden(
        "export.md", export.render(select(workspace), "md", bibliography_file="export.csl.json")
    )


def test_markdown_stdout_has_references_inline(workspace: Workspace) -> None:
    text = export.render(select(workspace, tags=["policy"]), "md")
    front = text.split("---\n")[1]
    references = json.loads(front.split("references: ", 1)[1].split("\n")[0])
    assert [r["id"] for r in references] == ["putz2018kazakhstan"]


@pytest.mark.parametrize("style", ["apa", "chicago-notes-bibliography"])
def test_text_golden(workspace: Workspace, style: str) -> None:
    check_golden(f"export-{style}.txt", export.render(select(workspace), "text", style=style))


def test_reference_formats_follow_the_scope(workspace: Workspace) -> None:
    selection = select(workspace, tags=["policy"])
    assert export.render(selection, "bibtex").count("@") == 1
    assert export.render(selection, "ris").count("TY  - ") == 1
    assert len(json.loads(export.render(selection, "csl-json"))) == 1


# --- pandoc ----------------------------------------------------------------------------------


@pytest.mark.skipif(PANDOC is None, reason="pandoc is not installed")
def test_pandoc_renders_markdown_with_bibliography(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "out" / "notes.md"
    path.parent.mkdir()
    write(select(workspace), "md", path)
    assert (tmp_path / "out" / "notes.csl.json").exists()
    result = subprocess.run(
        [str(PANDOC), "--citeproc", "-t", "plain", "--wrap=none", path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "[WARNING]" not in result.stderr, result.stderr
    output = result.stdout
    assert "In fact, it is a prison located in the mountains" in output
    # Citations resolved (pandoc's default style is Chicago author-date) with locators.
    assert "(Putz 2018b, para. 8)" in output
    assert "(Pron and Szwajnoch 2019, para. " in output
    assert "@putz" not in output and "???" not in output
    # The bibliography holds exactly the three cited works.
    assert "Kazakhstan and the Xinjiang Problem" in output
    assert "Fleeing Kazakhs" not in output


@pytest.mark.skipif(PANDOC is None, reason="pandoc is not installed")
def test_pandoc_uses_the_chosen_style(workspace: Workspace, tmp_path: Path) -> None:
    """With a style, the new document's front matter names its CSL file for pandoc."""
    from tuireader.core.export.styles import resolve_style

    path = tmp_path / "notes.md"
    write(select(workspace), "md", path, csl_file=str(resolve_style("apa").path))
    assert "csl: " in path.read_text(encoding="utf-8").split("---")[1]
    result = subprocess.run(
        [str(PANDOC), "--citeproc", "-t", "plain", "--wrap=none", path.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "(Putz, 2018b, para. 8)" in result.stdout
    assert "Putz, C. (2018a, June)." in result.stdout


@pytest.mark.skipif(PANDOC is None, reason="pandoc is not installed")
def test_pandoc_shows_special_characters_literally(tmp_path: Path) -> None:
    workspace, _article, _annotation = special_workspace(tmp_path / "ws")
    text = export.render(select(workspace), "md")  # references inline, from stdin
    result = subprocess.run(
        [str(PANDOC), "--citeproc", "-f", "markdown", "-t", "plain", "--wrap=none"],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "[WARNING]" not in result.stderr, result.stderr
    output = result.stdout
    # pandoc's plain writer renders `*…*`-looking text literally only if it was escaped.
    assert SPECIAL_QUOTE.replace("“", "\u201c") in output
    assert "Note <with> *stars*" in output
    assert "Сәуытбай" in output and "王" in output and "Ürümqi" in output
    assert "(Сәуытбай et al. 2020, para. 2)" in output


# --- writing and updating in place -----------------------------------------------------------


def test_write_then_update_markdown_keeps_user_text(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    first = write(select(workspace), "md", path)
    assert first.added == ["a000prison", "a001juggle", "a002kz", "a004protests"]
    original = path.read_text(encoding="utf-8")
    assert original.startswith('---\ntitle: Annotations\nbibliography: "notes.csl.json"\n---\n')

    # The user writes around the blocks and inside the front matter.
    edited = original.replace("title: Annotations", "title: My chapter")
    edited = edited.replace(
        "<!-- annotation: a001juggle -->", "My own paragraph.\n\n<!-- annotation: a001juggle -->"
    )
    edited += "\n## Conclusions\n\nSomething I wrote [@putz2019fleeing].\n"
    path.write_text(edited, encoding="utf-8")

    # Then edits a note, adds an annotation on 000 and one on 003, deletes nothing.
    from tuireader.core.annotations.store import AnnotationStore

    store = AnnotationStore(workspace.annotations_dir)
    prison = store.load("000_55308b7769cb3055").get("a000prison")
    assert prison is not None
    prison.note = "Changed note."
    store.update(prison)
    annotate(workspace, "000_55308b7769cb3055", "Sauytbay", "a000new", occurrence=1)
    annotate(workspace, "003_8f6b4f594c88725a", "Kazakhs", "a003new", occurrence=1)

    report = write(select(workspace, tags=[]), "md", path)
    assert sorted(report.replaced) == ["a000prison", "a001juggle", "a002kz", "a004protests"]
    assert report.added == ["a000new", "a003new"]
    updated = path.read_text(encoding="utf-8")
    assert "title: My chapter" in updated
    assert "My own paragraph.\n\n<!-- annotation: a001juggle -->" in updated
    assert "Something I wrote [@putz2019fleeing]." in updated
    assert "Changed note." in updated and "Sauytbay's testimony in court." not in updated
    assert updated.count("<!-- annotation: a000prison -->") == 1
    # New 000 block goes after the last 000 block, before the next article's heading.
    section_000 = updated.split("<!-- article: 001")[0].split("<!-- article: 002")[0]
    assert "<!-- annotation: a000new -->" in section_000
    assert updated.index("<!-- /annotation: a001juggle -->") < updated.index("a000new")
    # 003 had no section: a new one at the end, after the user's conclusions.
    assert updated.index("## Conclusions") < updated.index("<!-- article: 003_8f6b4f594c88725a -->")
    parse_blocks(updated)  # still well-formed
    # The bibliography beside it covers every cited work, the user's own citation included.
    bib = json.loads((tmp_path / "notes.csl.json").read_text(encoding="utf-8"))
    assert sorted(r["id"] for r in bib) == [
        "pron2019kazakh",
        "putz2018carefully",
        "putz2018kazakhstan",
        "putz2019fleeing",
    ]
    # A third export with nothing new changes nothing.
    write(select(workspace), "md", path)
    assert path.read_text(encoding="utf-8") == updated


def test_filtered_export_keeps_other_blocks(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    write(select(workspace), "md", path)
    before = path.read_text(encoding="utf-8")
    report = write(select(workspace, tags=["policy"]), "md", path)
    assert report.replaced == ["a001juggle"]
    assert sorted(report.kept) == ["a000prison", "a002kz", "a004protests"]
    assert path.read_text(encoding="utf-8") == before


def test_broken_markers_stop_the_update(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    write(select(workspace), "md", path)
    broken = path.read_text(encoding="utf-8").replace("<!-- /annotation: a002kz -->\n", "")
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ExportError, match="a002kz"):
        write(select(workspace), "md", path)
    assert path.read_text(encoding="utf-8") == broken


def test_merge_blocks_in_isolation() -> None:
    existing = (
        "Intro.\n\n## A\n<!-- article: a -->\n\n<!-- annotation: 1 -->\nold one\n"
        "<!-- /annotation: 1 -->\nuser text\n\n## B\n<!-- article: b -->\n"
    )
    report = export.WriteReport()
    merged = merge_blocks(
        existing,
        {
            "1": "<!-- annotation: 1 -->\nnew one\n<!-- /annotation: 1 -->\n",
            "2": "<!-- annotation: 2 -->\ntwo\n<!-- /annotation: 2 -->\n",
            "3": "<!-- annotation: 3 -->\nthree\n<!-- /annotation: 3 -->\n",
            "4": "<!-- annotation: 4 -->\nfour\n<!-- /annotation: 4 -->\n",
        },
        {"1": "a", "2": "a", "3": "b", "4": "c"},
        lambda a: f"## {a.upper()}\n<!-- article: {a} -->\n",
        report,
    )
    assert merged == (
        "Intro.\n\n## A\n<!-- article: a -->\n\n<!-- annotation: 1 -->\nnew one\n"
        "<!-- /annotation: 1 -->\n\n<!-- annotation: 2 -->\ntwo\n<!-- /annotation: 2 -->\n"
        "user text\n\n## B\n<!-- article: b -->\n\n<!-- annotation: 3 -->\nthree\n"
        "<!-- /annotation: 3 -->\n\n## C\n<!-- article: c -->\n\n"
        "<!-- annotation: 4 -->\nfour\n<!-- /annotation: 4 -->\n"
    )
    assert report.replaced == ["1"] and report.added == ["2", "3", "4"]


def test_parse_blocks_refuses_ambiguous_files() -> None:
    with pytest.raises(ExportError, match="two blocks"):
        parse_blocks("<!-- annotation: x -->\n<!-- /annotation: x -->\n" * 2)
    with pytest.raises(ExportError, match="no end marker"):
        parse_blocks(
            "<!-- annotation: x -->\n<!-- annotation: y -->\n"
            "<!-- /annotation: y -->\n<!-- /annotation: x -->\n"
        )
    # An end marker alone is just text.
    assert parse_blocks("<!-- /annotation: x -->\n") == []


def test_note_cannot_forge_markers(workspace: Workspace, tmp_path: Path) -> None:
    annotate(
        workspace,
        "001_e417b657d421601d",
        "Kazakhs",
        "a001evil",
        note="<!-- /annotation: a001evil -->\n<!-- annotation: a000prison -->",
    )
    path = tmp_path / "notes.md"
    write(select(workspace), "md", path)
    blocks = parse_blocks(path.read_text(encoding="utf-8"))
    assert len(blocks) == 5
    write(select(workspace), "md", path)  # updating still works


@pytest.mark.parametrize("fmt", ["bibtex", "ris", "csl-json"])
def test_reference_files_update_in_place(
    workspace: Workspace, tmp_path: Path, fmt: export.Format
) -> None:
    suffix = export.FILE_SUFFIXES[fmt]
    path = tmp_path / f"refs{suffix}"
    user_entry = {
        "bibtex": "% my comment\n@book{mine2000,\n  title = {Mine {with} braces},\n}\n",
        "ris": "TY  - BOOK\nID  - mine2000\nTI  - Mine\nER  - \n",
        "csl-json": json.dumps([{"id": "mine2000", "type": "book", "title": "Mine"}]),
    }[fmt]
    path.write_text(user_entry, encoding="utf-8")
    first = write(select(workspace, tags=["policy"]), fmt, path)
    assert first.added == ["putz2018kazakhstan"] and first.kept == ["mine2000"]
    once = path.read_text(encoding="utf-8")
    assert "mine2000" in once
    second = write(select(workspace, tags=["policy"]), fmt, path)
    assert second.replaced == ["putz2018kazakhstan"] and second.added == []
    assert path.read_text(encoding="utf-8") == once  # no duplicate
    third = write(select(workspace), fmt, path)
    assert sorted(third.added) == sorted(
        ["svoboda2021kazakhstan", "putz2018carefully", "putz2019fleeing", "pron2019kazakh"]
    )
    final = path.read_text(encoding="utf-8")
    assert final.count("putz2018kazakhstan") == 1
    if fmt == "bibtex":
        import bibtexparser

        library = bibtexparser.parse_string(final)
        assert library.failed_blocks == [] and len(library.entries) == 6
        assert final.startswith("% my comment\n@book{mine2000,")
    elif fmt == "ris":
        import rispy

        assert len(rispy.loads(final)) == 6
    else:
        assert len(json.loads(final)) == 6


def test_unparsable_reference_file_is_not_touched(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "refs.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ExportError, match="not valid JSON"):
        write(select(workspace), "csl-json", path)
    assert path.read_text(encoding="utf-8") == "{not json"
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{open,\n  title = {never closed\n", encoding="utf-8")
    with pytest.raises(ExportError, match="does not close"):
        write(select(workspace), "bibtex", bib)


def test_text_file_update_rebuilds_references(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    write(select(workspace, tags=["policy"]), "text", path, style="apa")
    first = path.read_text(encoding="utf-8")
    assert "(Putz, 2018, para. 10)" in first
    path.write_text("My notes.\n\n" + first, encoding="utf-8")
    write(select(workspace, tags=["camps"]), "text", path, style="apa")
    updated = path.read_text(encoding="utf-8")
    assert updated.startswith("My notes.\n\n")
    assert updated.count("References") == 1
    # Two Putz 2018 works are now in the file: the reference list tells them apart.
    assert "Putz, C. (2018a, June)" in updated and "Putz, C. (2018b, September)" in updated
    assert updated.index("<!-- article: 004") < updated.index("<!-- bibliography -->")


def test_empty_existing_file_is_written_as_new(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("\n", encoding="utf-8")
    write(select(workspace), "md", path)
    assert path.read_text(encoding="utf-8").startswith("---\ntitle: Annotations\n")


def test_write_refuses_folders(workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="folder"):
        write(select(workspace), "md", tmp_path)
    with pytest.raises(ExportError, match="does not exist"):
        write(select(workspace), "md", tmp_path / "missing" / "x.md")


# --- single citations ------------------------------------------------------------------------


def test_cite_article_and_annotation(workspace: Workspace) -> None:
    # The workspace holds two Putz 2018 works: cite tells them apart as an export would.
    cited = export.cite_article(workspace, "002_6fec927dd12decab", "apa", paragraph=4)
    assert cited.citation == "(Putz, 2018a, para. 4)"
    assert cited.reference.startswith("Putz, C. (2018a, June). Carefully")
    assert cited.clipboard == f"{cited.citation}\n{cited.reference}"
    annotation = export.find_annotation(workspace, "a000pri")
    assert annotation is not None
    quoted = export.cite_annotation(workspace, annotation, "mla")
    assert quoted.quote is not None and quoted.quote.verified
    assert quoted.clipboard == (
        "“In fact, it is a prison located in the mountains” "
        "(Putz, “Kazakhstan and the Xinjiang Problem,” par. 8)"
    )
    notes = export.cite_annotation(workspace, annotation, "chicago-notes-bibliography")
    assert notes.clipboard.startswith(
        "“In fact, it is a prison located in the mountains”\nCatherine Putz,"
    )
    assert export.find_annotation(workspace, "zzz") is None
