"""Exports a manuscript can trust (issue 15): Markdown quotes that pandoc's smart typography
leaves exact, nested quotation marks per style, honest re-exports of stale quotes, a
portable style file, the --label filter, reference scope with unverified quotes, `cite`
matching the export, and links back to the passage with access dates."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_export_support import annotate, annotate_bundled, copy_bundled

from tuireader.cli import main
from tuireader.core.annotations.store import AnnotationStore
from tuireader.core.export import exporter as export
from tuireader.core.export.exporter import select, write
from tuireader.core.export.fragments import text_fragment_url
from tuireader.core.export.styles import CiteRequest, format_citations, resolve_style
from tuireader.core.workspace import Workspace

PANDOC = shutil.which("pandoc")
needs_pandoc = pytest.mark.skipif(PANDOC is None, reason="pandoc is not installed")

# Every construct pandoc's `smart` extension rewrites: straight double and single quotes,
# an apostrophe, `--` and `---`, `...`, and the space after abbreviations from its list
# (Mr., Dr., e.g., pp.), which it makes non-breaking.
TRICKY = (
    'Mr. Chen said "the camps -- all of them --- are schools..." '
    "and it's the '90s' view, e.g. pp. 4-5, Dr. Li"
)
NESTED = "“In fact, it is a prison,” Sauytbay said."
URL = "https://example.org/news/story?id=7"
CATALOG = f"""\
articles:
  typo:
    title: A Test Story
    authors: [Ann Writer]
    container: Example News
    issued: "2020-05-04"
    url: "{URL}"
    accessed: "2024-01-02"
    type: article-newspaper
"""
TEXT = f"A first paragraph to set the scene.\n\nThen {TRICKY} and more.\n\nLater: {NESTED} End.\n"


@pytest.fixture
def typo(tmp_path: Path) -> Workspace:
    """A one-article workspace whose quotes hold smart-typography traps and a nested quote."""
    seeds = tmp_path / "ws" / "seeds"
    seeds.mkdir(parents=True)
    (seeds / "typo.txt").write_text(TEXT, encoding="utf-8")
    (seeds / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    workspace = Workspace.open(tmp_path / "ws")
    annotate(workspace, "typo", TRICKY, "t1", note="Mr. X's note -- see...")
    annotate(workspace, "typo", NESTED, "t2")
    return workspace


@pytest.fixture
def bundled(tmp_path: Path) -> Workspace:
    """The bundled articles with the four export annotations."""
    workspace = copy_bundled(tmp_path / "ws")
    annotate_bundled(workspace)
    return workspace


def pandoc(markdown: str, to: str) -> str:
    """`markdown` converted by pandoc (its default Markdown, smart typography on)."""
    assert PANDOC is not None
    result = subprocess.run(
        [PANDOC, "-f", "markdown", "-t", to, "--wrap=none"],
        input=markdown,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def edit(workspace: Workspace, article_id: str, old: str, new: str) -> None:
    """Change an article file and make the workspace read it again."""
    path = workspace.seeds_dir / f"{article_id}.txt"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    workspace.refresh()


# --- 1. quotes exact under pandoc's smart typography -----------------------------------------


@needs_pandoc
@pytest.mark.parametrize("to", ["plain", "html"])
def test_pandoc_reproduces_quotes_exactly(typo: Workspace, to: str) -> None:
    markdown = export.render(select(typo), "md")
    output = pandoc(markdown, to)
    if to == "html":
        output = html.unescape(re.sub(r"<[^>]+>", "", output))
    # Not one character changed: no curly quote, dash, ellipsis or non-breaking space.
    assert TRICKY in output
    assert NESTED in output
    assert "Mr. X's note -- see..." in output
    for changed in ("–", "—", "…", "\u00a0", "’s"):
        assert changed not in output.replace(NESTED, ""), changed


# --- 2. nested quotation marks per style ------------------------------------------------------


def test_text_export_nests_the_quotes_inside_the_quote(typo: Workspace) -> None:
    """APA and Chicago (American English): double outside, the quote's own pair single."""
    for style in ("apa", "chicago-author-date"):
        text = export.render(select(typo), "text", style=style)
        assert "“‘In fact, it is a prison,’ Sauytbay said.”" in text
        assert "““" not in text
        # The straight double quotes of the other passage become the inner pair too.
        assert "said ‘the camps -- all of them --- are schools...’ and" in text


def test_copied_citation_nests_quotes(typo: Workspace) -> None:
    annotation = export.find_annotation(typo, "t2")
    assert annotation is not None
    cited = export.cite_annotation(typo, annotation, "apa")
    assert cited.clipboard.startswith("“‘In fact, it is a prison,’ Sauytbay said.” (Writer")


# --- 3. re-exporting over a stale quote -------------------------------------------------------


def _make_stale(workspace: Workspace) -> None:
    """Rewrite the sentence the a001juggle annotation quotes: its quote no longer verifies."""
    edit(
        workspace,
        "000_55308b7769cb3055",
        "The concerns Kazakhstan has to juggle are myriad",
        "Something else entirely was written here instead",
    )


@pytest.mark.parametrize("fmt", ["md", "text"])
def test_stale_block_is_marked_in_place(bundled: Workspace, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / ("notes.md" if fmt == "md" else "notes.txt")
    write(select(bundled), fmt, path, style="apa")  # type: ignore[arg-type]
    _make_stale(bundled)
    report = write(select(bundled), fmt, path, style="apa")  # type: ignore[arg-type]
    assert report.stale == ["a001juggle"]
    assert "a001juggle" not in report.kept + report.replaced + report.added
    text = path.read_text(encoding="utf-8")
    block = text.split("<!-- annotation: a001juggle -->")[1].split("<!-- /annotation")[0]
    assert "STALE" in block and "not found in the current article text" in block
    assert text.count("<!-- annotation: a001juggle -->") == 1
    # Marking is stable: a third export changes nothing.
    again = write(select(bundled), fmt, path, style="apa")  # type: ignore[arg-type]
    assert again.stale == ["a001juggle"]
    assert path.read_text(encoding="utf-8") == text


def test_cli_text_and_json_agree_on_a_stale_block(
    bundled: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "notes.md"
    root = str(bundled.root)
    assert main(["--workspace", root, "export", "-o", str(path)]) == 0
    _make_stale(bundled)
    new_quote = "Foreigners were expelled from Xinjiang in large numbers in 2017"
    annotate(bundled, "001_e417b657d421601d", new_quote, "a001new")
    # A new quote, unverified before it was ever exported.
    edit(bundled, "001_e417b657d421601d", new_quote, "Something else happened there")
    capsys.readouterr()
    assert main(["--workspace", root, "export", "-o", str(path), "--json"]) == 0
    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert summary["stale"] == ["a001juggle"]
    assert summary["left_out"] == ["a001new"]  # never in the file: left out, not stale
    ids = summary["added"] + summary["replaced"] + summary["kept"] + summary["stale"]
    assert sorted(ids) == sorted(set(ids)), "an id is listed twice"
    assert "a001juggle" in err and "STALE" in err
    juggle = [line for line in err.splitlines() if "a001juggle" in line]
    assert juggle and not any(line.endswith("; left out") for line in juggle)
    assert any("a001new" in line and line.endswith("; left out") for line in err.splitlines())
    assert main(["--workspace", root, "export", "-o", str(path)]) == 0
    err = capsys.readouterr().err
    assert "1 stale" in err and "a001juggle" in err


# --- 4. portable style file, style names, --label, reference scope -------------------------


@needs_pandoc
def test_style_file_is_copied_beside_the_document(bundled: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "out" / "notes.md"
    path.parent.mkdir()
    root = str(bundled.root)
    assert main(["--workspace", root, "export", "--style", "apa", "-o", str(path)]) == 0
    front = path.read_text(encoding="utf-8").split("---\n")[1]
    assert 'csl: "notes.csl"' in front
    assert str(resolve_style("apa").path.parent) not in front  # no install path
    copied = path.with_name("notes.csl")
    assert copied.read_bytes() == resolve_style("apa").path.read_bytes()
    # The folder renders the same elsewhere: moved, pandoc still finds style and records.
    moved = shutil.copytree(path.parent, tmp_path / "elsewhere")
    result = subprocess.run(
        [str(PANDOC), "--citeproc", "-t", "plain", "--wrap=none", "notes.md"],
        cwd=moved,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "[WARNING]" not in result.stderr, result.stderr
    assert "(Putz, 2018b, para. 8)" in result.stdout  # APA, not pandoc's default Chicago


def test_label_filter(bundled: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    store = AnnotationStore(bundled.annotations_dir)
    stored = store.load("002_6fec927dd12decab").get("a002kz")
    assert stored is not None
    store.update(dataclasses.replace(stored, label="green"))
    selection = select(bundled, labels=["GREEN"])
    assert [i.annotation_id for i in selection.items] == ["a002kz"]
    assert main(["--workspace", str(bundled.root), "export", "--label", "green"]) == 0
    out = capsys.readouterr().out
    assert "<!-- annotation: a002kz -->" in out and "a000prison" not in out


def test_tag_scope_keeps_the_article_of_an_unverified_quote(bundled: Workspace) -> None:
    _make_stale(bundled)  # 000's only "policy" quote no longer verifies
    selection = select(bundled, tags=["policy"])
    assert selection.items == [] and [i.annotation_id for i in selection.left_out] == ["a001juggle"]
    assert selection.article_ids == ["000_55308b7769cb3055"]
    assert "putz2018kazakhstan" in export.render(selection, "bibtex")
    assert "ID  - putz2018kazakhstan" in export.render(selection, "ris")


# --- 5. cite matches the export of the whole workspace ---------------------------------------


@pytest.mark.parametrize("style", ["apa", "modern-language-association", "chicago-author-date"])
def test_cite_matches_the_whole_workspace_export(bundled: Workspace, style: str) -> None:
    records = list(export.workspace_records(bundled).values())
    for article_id in bundled.articles:
        key = str(export.workspace_records(bundled)[article_id]["id"])
        whole = format_citations(records, [CiteRequest(key, "3")], style)
        cited = export.cite_article(bundled, article_id, style, paragraph=3)
        assert cited.citation == whole.citations[0]
        # The reference as the workspace's list has it, but never "———." for its author.
        assert not cited.reference.startswith("———")
        assert cited.reference.split(". ", 1)[1] == whole.references[key].split(". ", 1)[1]


def test_cite_disambiguates_and_keeps_mla_titles(bundled: Workspace) -> None:
    apa = export.cite_article(bundled, "000_55308b7769cb3055", "apa", paragraph=3)
    assert apa.citation == "(Putz, 2018b, para. 3)"
    assert apa.reference.startswith("Putz, C. (2018b, September).")
    mla = export.cite_article(bundled, "000_55308b7769cb3055", "mla", paragraph=3)
    assert mla.citation == "(Putz, “Kazakhstan and the Xinjiang Problem,” par. 3)"
    # Svoboda has one work in the workspace: no title is needed.
    assert export.cite_article(bundled, "001_e417b657d421601d", "mla").citation == "(Svoboda)"


# --- 6. links to the passage and access dates -------------------------------------------------


def test_markdown_and_text_link_to_the_passage(typo: Workspace) -> None:
    selection = select(typo)
    item = selection.items[1]
    link = text_fragment_url(URL, item.exact, item.prefix, item.suffix)
    assert link.startswith(URL + "#:~:text=")
    markdown = export.render(selection, "md")
    assert f"Passage: <{link}> (accessed 2024-01-02)" in markdown
    text = export.render(selection, "text", style="apa")
    assert f"  Passage: {link} (accessed 2024-01-02)" in text


def test_no_link_without_a_url(bundled: Workspace) -> None:
    annotate(bundled, "003_8f6b4f594c88725a", "Kazakhs", "a003")
    markdown = export.render(select(bundled, doc_ids=["003_8f6b4f594c88725a"]), "md")
    assert "<!-- annotation: a003 -->" in markdown and "Passage:" not in markdown


@needs_pandoc
def test_pandoc_renders_the_link_and_a_style_prints_the_access_date(
    typo: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "notes.md"
    style = resolve_style("chicago-author-date-access-dates")
    write(select(typo), "md", path, csl_file=style.path)
    result = subprocess.run(
        [str(PANDOC), "--citeproc", "-t", "html", "notes.md"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert f'href="{URL}#:~:text=' in result.stdout
    assert "Accessed January 2, 2024" in result.stdout


def test_cite_tells_apart_authorless_works_with_one_title(tmp_path: Path) -> None:
    """Without authors, styles cite the title: two untitled-alike works of one year are
    "2020a"/"2020b", as the whole workspace's reference list has them."""
    seeds = tmp_path / "ws" / "seeds"
    seeds.mkdir(parents=True)
    catalog = "articles:\n"
    for name, day in (("first", "03"), ("second", "04"), ("other", "05")):
        (seeds / f"{name}.txt").write_text(f"Some text of {name}.\n", encoding="utf-8")
        title = "Another Story" if name == "other" else "Daily Briefing"
        catalog += f'  {name}:\n    title: {title}\n    issued: "2020-01-{day}"\n'
    (seeds / "catalog.yaml").write_text(catalog, encoding="utf-8")
    workspace = Workspace.open(tmp_path / "ws")
    first = export.cite_article(workspace, "first", "apa").citation
    second = export.cite_article(workspace, "second", "apa").citation
    assert {first, second} == {"(Daily Briefing, 2020a)", "(Daily Briefing, 2020b)"}
    assert export.cite_article(workspace, "other", "apa").citation == "(Another Story, 2020)"
