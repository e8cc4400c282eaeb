"""`tuireader export` and `tuireader cite` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_export_support import annotate_bundled, copy_bundled

from tuireader.cli import main
from tuireader.core.workspace import Workspace


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A bundled workspace with four annotations; returns its folder."""
    workspace = copy_bundled(tmp_path / "ws")
    annotate_bundled(workspace)
    return workspace.root


def run(root: Path, *args: str) -> int:
    """Run the CLI on the workspace."""
    return main(["--workspace", str(root), *args])


def test_export_markdown_to_stdout(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(root, "export", "--format", "md", "--tag", "policy") == 0
    out, err = capsys.readouterr()
    assert "[@putz2018kazakhstan, para. 10]" in out
    assert out.startswith("---\ntitle: Annotations\nreferences: [")
    assert err == ""


def test_export_text_uses_settings_style(
    root: Path, capsys: pytest.CaptureFixture[str], isolated_config: Path
) -> None:
    (isolated_config / "settings.yaml").write_text("citation_style: mla\n", encoding="utf-8")
    assert run(root, "export", "--format", "text", "--doc", "004_1d4f993d258ac59c") == 0
    out = capsys.readouterr().out
    assert "“protests” (Pron and Szwajnoch, par. 4)" in out
    assert "Pron, Elzbieta, and Emilie Szwajnoch." in out


def test_export_to_file_reports_and_updates(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "notes.md"
    assert run(root, "export", "-o", str(out_file)) == 0
    err = capsys.readouterr().err
    assert "4 added, 0 updated, 0 kept" in err and "pandoc --citeproc" in err
    assert run(root, "export", "-o", str(out_file), "--tag", "policy", "--json") == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["replaced"] == ["a001juggle"]
    assert sorted(summary["kept"]) == ["a000prison", "a002kz", "a004protests"]
    assert summary["files"] == [str(out_file), str(tmp_path / "notes.csl.json")]


@pytest.mark.parametrize("fmt", ["csl-json", "bibtex", "ris"])
def test_reference_formats(root: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    assert run(root, "export", "--format", fmt, "--doc", "001_e417b657d421601d") == 0
    out = capsys.readouterr().out
    assert "svoboda2021kazakhstan" in out and "putz" not in out


def test_unverified_quotes_warned_and_left_out(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = root / "seeds" / "000_55308b7769cb3055.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("The concerns Kazakhstan has to juggle are myriad", "Gone."), "utf-8"
    )
    assert run(root, "export", "--doc", "000_55308b7769cb3055") == 0
    out, err = capsys.readouterr()
    assert "juggle" not in out and "a001juggle" in err and "left out" in err
    assert run(root, "export", "--doc", "000_55308b7769cb3055", "--allow-unverified") == 0
    out, err = capsys.readouterr()
    assert "UNVERIFIED" in out and "exported as UNVERIFIED" in err


def test_unknown_style_exits_2_with_close_names(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(root, "export", "--format", "text", "--style", "chicago-author") == 2
    err = capsys.readouterr().err
    assert "Unknown citation style 'chicago-author'" in err and "chicago-author-date" in err
    assert "Traceback" not in err
    assert run(root, "cite", "000_55308b7769cb3055", "--style", "apaa") == 2
    assert "apa" in capsys.readouterr().err


def test_bad_style_in_settings_is_named(
    root: Path, capsys: pytest.CaptureFixture[str], isolated_config: Path
) -> None:
    (isolated_config / "settings.yaml").write_text("citation_style: nope\n", encoding="utf-8")
    assert run(root, "cite", "000_55308b7769cb3055") == 2
    assert "settings.yaml" in capsys.readouterr().err


def test_unknown_doc_and_bad_output(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(root, "export", "--doc", "000_5530") == 2
    assert "000_55308b7769cb3055" in capsys.readouterr().err  # close ids suggested
    assert run(root, "export", "-o", str(tmp_path / "missing" / "x.md")) == 2
    assert "does not exist" in capsys.readouterr().err
    assert run(root, "export", "--json") == 2
    assert "--json needs -o" in capsys.readouterr().err


def test_cite_article(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(root, "cite", "000_55308b7769cb3055", "--style", "apa", "--paragraph", "3") == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        # As the export of the whole workspace cites it: Putz has two 2018 works there.
        "(Putz, 2018b, para. 3)",
        "Putz, C. (2018b, September). Kazakhstan and the Xinjiang Problem. The Diplomat. "
        "https://thediplomat.com/2018/09/kazakhstan-and-the-xinjiang-problem/",
    ]
    assert run(root, "cite", "000_55308b7769cb3055", "--style", "apa", "--markdown") == 0
    assert "*The Diplomat*" in capsys.readouterr().out


def test_cite_annotation_json(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(root, "cite", "a000prison", "--style", "chicago-author-date", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["citation"] == "(Putz 2018b, para. 8)"
    assert data["quote"] == "In fact, it is a prison located in the mountains"
    assert data["status"] == "anchored" and data["key"] == "putz2018kazakhstan"
    assert data["csl"]["id"] == "putz2018kazakhstan"


def test_cite_unverified_annotation_needs_flag(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = root / "seeds" / "000_55308b7769cb3055.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("The concerns Kazakhstan has to juggle are myriad", "Gone."), "utf-8"
    )
    assert run(root, "cite", "a001juggle", "--style", "apa") == 2
    assert "--allow-unverified" in capsys.readouterr().err
    assert run(root, "cite", "a001juggle", "--style", "apa", "--allow-unverified") == 0
    assert capsys.readouterr().out.startswith("[UNVERIFIED")


def test_cite_unknown_id(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(root, "cite", "000_55308") == 2
    err = capsys.readouterr().err
    assert "No article or annotation" in err and "000_55308b7769cb3055" in err


def test_export_with_broken_annotation_file_warns(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace = Workspace.open(root)
    (workspace.annotations_dir / "001_e417b657d421601d.yaml").write_text(
        "schema: 1\narticle: 001_e417b657d421601d\nannotations: [\n", encoding="utf-8"
    )
    assert run(root, "export", "--format", "md") == 0
    out, err = capsys.readouterr()
    assert "001_e417b657d421601d.yaml" in err and "a000prison" in out
