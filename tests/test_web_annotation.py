"""The W3C Web Annotation export (`--format w3c`), checked against the MUST rules of the Web
Annotation Data Model (https://www.w3.org/TR/annotation-model/, W3C Recommendation
23 February 2017), written here from the spec's text, and against the article text."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from test_export_support import annotate, annotate_bundled, copy_bundled

from tuireader.cli import main
from tuireader.cli.export import FORMAT_CHOICES
from tuireader.core.export import exporter as export
from tuireader.core.export.exporter import FORMATS, select, write
from tuireader.core.export.fragments import text_fragment_url
from tuireader.core.workspace import Workspace

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
# §3.3.5 Motivation and Purpose: the instances of oa:Motivation the model defines.
MOTIVATIONS = {
    "assessing",
    "bookmarking",
    "classifying",
    "commenting",
    "describing",
    "editing",
    "highlighting",
    "identifying",
    "linking",
    "moderating",
    "questioning",
    "replying",
    "tagging",
}
# xsd:dateTime (with the UTC "Z" the model recommends): 2024-05-01T10:00:00Z
XSD_DATETIME_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def as_list(value: Any) -> list[Any]:
    """A JSON-LD property's values: one value or an array of them."""
    return value if isinstance(value, list) else [value]


def is_iri(value: Any) -> bool:
    """An absolute IRI of the kinds the export may use: http(s) or urn:uuid."""
    if not isinstance(value, str):
        return False
    if value.startswith("urn:uuid:"):
        uuid.UUID(value.removeprefix("urn:uuid:"))  # raises when malformed
        return True
    return re.match(r"^https?://[^\s]+$", value) is not None


def check_selector(selector: dict[str, Any]) -> None:
    """§4.2.4 and §4.2.5."""
    kind = selector.get("type")
    if kind == "TextQuoteSelector":
        # "The Text Quote Selector MUST have exactly 1 exact property"; prefix and suffix
        # "MAY have exactly 1" each.
        assert isinstance(selector.get("exact"), str)
        for key in ("prefix", "suffix"):
            assert key not in selector or isinstance(selector[key], str)
    elif kind == "TextPositionSelector":
        # "MUST have exactly 1 start property, and the value MUST be a non-negative
        # integer"; the same for end.
        for key in ("start", "end"):
            assert isinstance(selector.get(key), int) and selector[key] >= 0
        assert selector["start"] <= selector["end"]
    else:
        pytest.fail(f"unexpected selector type {kind!r}")


def check_annotation(annotation: dict[str, Any]) -> None:
    """The MUST rules of §3 and §4 for one annotation embedded in a page."""
    # §3.1: "An Annotation MUST have exactly 1 IRI that identifies it."
    assert is_iri(annotation.get("id"))
    # "An Annotation MUST have 1 or more types, and the Annotation class MUST be one."
    assert "Annotation" in as_list(annotation.get("type"))
    # "There MUST be 1 or more target relationships associated with an Annotation."
    targets = as_list(annotation.get("target"))
    assert targets and all(t for t in targets)
    for target in targets:
        if isinstance(target, dict) and target.get("type") == "SpecificResource":
            # §4: "There MUST be exactly 1 source relationship associated with a
            # Specific Resource."
            assert is_iri(target.get("source"))
            assert "id" not in target or is_iri(target["id"])
            for selector in as_list(target.get("selector", [])):
                check_selector(selector)
    # §3.2.5: "There MUST be exactly 1 value property associated with a TextualBody."
    for body in as_list(annotation.get("body", [])):
        if isinstance(body, dict) and body.get("type") == "TextualBody":
            assert isinstance(body.get("value"), str) and body["value"]
            assert "purpose" not in body or body["purpose"] in MOTIVATIONS
    # §3.3.5: motivation values are instances of oa:Motivation.
    for motivation in as_list(annotation.get("motivation", [])):
        assert motivation in MOTIVATIONS
    # §3.3.1: created/modified "MUST be expressed in the xsd:dateTime format".
    for key in ("created", "modified"):
        if key in annotation:
            assert XSD_DATETIME_UTC.match(annotation[key]), annotation[key]
            datetime.fromisoformat(annotation[key].replace("Z", "+00:00"))


def check_collection(document: dict[str, Any]) -> list[dict[str, Any]]:
    """§5's MUST rules for the collection and its page; returns the annotations."""
    # §3.1 / §5.1: "MUST have 1 or more @context values and http://www.w3.org/ns/anno.jsonld
    # MUST be one of them. If there is only one value, then it MUST be provided as a string."
    context = document.get("@context")
    assert context == CONTEXT or (isinstance(context, list) and CONTEXT in context)
    # §5.1: "The Collection MUST have exactly 1 IRI"; its type AnnotationCollection.
    assert is_iri(document.get("id"))
    assert "AnnotationCollection" in as_list(document.get("type"))
    assert isinstance(document.get("total"), int) and document["total"] >= 0
    if not document["total"]:
        return []
    page = document["first"]
    # §5.2: "The Page MUST have an IRI"; its type AnnotationPage; "The Page MUST have
    # one or more annotations in the items list".
    assert is_iri(page.get("id"))
    assert "AnnotationPage" in as_list(page.get("type"))
    assert page.get("partOf") in (None, document["id"])
    items = page.get("items")
    assert isinstance(items, list) and items
    assert document["total"] == len(items)
    ids = [a["id"] for a in items]
    assert len(ids) == len(set(ids))
    for annotation in items:
        check_annotation(annotation)
    return items


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """The bundled articles with the four export annotations, and one on 003 (no URL)."""
    ws = copy_bundled(tmp_path / "ws")
    annotate_bundled(ws)
    annotate(ws, "003_8f6b4f594c88725a", "Kazakhs", "a003kazakhs")
    return ws


def test_export_meets_the_model(workspace: Workspace) -> None:
    document = json.loads(export.render(select(workspace), "w3c"))
    items = check_collection(document)
    assert len(items) == 5


def test_selectors_point_at_the_quoted_text(workspace: Workspace) -> None:
    selection = select(workspace)
    items = check_collection(json.loads(export.render(selection, "w3c")))
    for item, annotation in zip(selection.items, items, strict=True):
        text = workspace.article(item.article_id).text
        quote, position = annotation["target"]["selector"]
        assert quote["type"] == "TextQuoteSelector"
        start, end = position["start"], position["end"]
        assert text[start:end] == quote["exact"]
        assert text[:start].endswith(quote.get("prefix", ""))
        assert text[end:].startswith(quote.get("suffix", ""))


def test_bodies_motivations_and_targets(workspace: Workspace) -> None:
    items = check_collection(json.loads(export.render(select(workspace), "w3c")))
    by_quote = {a["target"]["selector"][0]["exact"]: a for a in items}
    prison = by_quote["In fact, it is a prison located in the mountains"]
    assert prison["motivation"] == ["commenting", "tagging"]
    bodies = prison["body"]
    assert bodies[0] == {
        "type": "TextualBody",
        "value": "Sauytbay's testimony in court.",
        "format": "text/plain",
        "purpose": "commenting",
    }
    assert [(b["value"], b["purpose"]) for b in bodies[1:]] == [
        ("camps", "tagging"),
        ("testimony", "tagging"),
    ]
    url = "https://thediplomat.com/2018/09/kazakhstan-and-the-xinjiang-problem/"
    assert prison["target"]["source"] == url
    exact, prefix, suffix = (
        prison["target"]["selector"][0][k] for k in ("exact", "prefix", "suffix")
    )
    assert prison["target"]["id"] == text_fragment_url(url, exact, prefix, suffix)
    assert prison["created"] == "2024-05-01T10:00:00Z"
    assert prison["modified"] == "2024-05-01T10:00:00Z"
    # A bare highlight: no body, motivation highlighting; no URL: a URN source, no link.
    bare = by_quote["Kazakhs"]
    assert bare["motivation"] == "highlighting" and "body" not in bare
    assert bare["target"]["source"].startswith("urn:uuid:") and "id" not in bare["target"]
    juggle = by_quote["The concerns Kazakhstan has to juggle are myriad"]
    assert juggle["motivation"] == "tagging" and juggle["body"]["purpose"] == "tagging"


def test_ids_are_stable_across_exports(workspace: Workspace) -> None:
    first = json.loads(export.render(select(workspace), "w3c"))
    second = json.loads(export.render(select(workspace), "w3c"))
    assert first == second
    policy = json.loads(export.render(select(workspace, tags=["policy"]), "w3c"))
    juggle = policy["first"]["items"][0]
    assert juggle in first["first"]["items"]
    assert policy["id"] != first["id"]  # another set of annotations, another collection


def test_write_updates_in_place(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "notes.jsonld"
    write(select(workspace, tags=["policy"]), "w3c", path)
    document = json.loads(path.read_text(encoding="utf-8"))
    foreign = {"id": "https://example.org/anno/1", "type": "Annotation", "target": "https://x.org"}
    document["first"]["items"].append(foreign)
    path.write_text(json.dumps(document), encoding="utf-8")
    report = write(select(workspace), "w3c", path)
    assert report.replaced == ["a001juggle"]
    assert report.kept == ["https://example.org/anno/1"]
    assert len(report.added) == 4
    items = check_collection(json.loads(path.read_text(encoding="utf-8")))
    assert foreign in items and len(items) == 6


def test_not_an_annotation_file_is_not_touched(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "other.jsonld"
    path.write_text('{"hello": "world"}', encoding="utf-8")
    with pytest.raises(export.ExportError, match="not overwriting"):
        write(select(workspace), "w3c", path)
    assert path.read_text(encoding="utf-8") == '{"hello": "world"}'


def test_cli_and_the_exporter_list_the_same_formats(
    workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert tuple(FORMAT_CHOICES) == tuple(FORMATS)
    assert export.FILE_SUFFIXES["w3c"] == ".jsonld"
    path = tmp_path / "out.jsonld"
    root = str(workspace.root)
    assert main(["--workspace", root, "export", "--format", "w3c", "-o", str(path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["format"] == "w3c" and len(summary["added"]) == 5
    check_collection(json.loads(path.read_text(encoding="utf-8")))
    assert main(["--workspace", root, "export", "--format", "w3c", "--tag", "camps"]) == 0
    assert len(check_collection(json.loads(capsys.readouterr().out))) == 3


def test_an_unverified_quote_already_in_the_file_is_reported_stale_once(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "notes.jsonld"
    write(select(workspace), "w3c", path)
    seed = workspace.seeds_dir / "000_55308b7769cb3055.txt"
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("juggle are myriad", "say something else"), encoding="utf-8")
    workspace.refresh()
    report = write(select(workspace), "w3c", path)
    assert report.stale == ["a001juggle"] and not report.stale_marked
    assert "a001juggle" not in report.kept + report.replaced + report.added


def test_every_format_has_a_title_and_a_suffix() -> None:
    assert set(export.FORMAT_TITLES) == set(FORMATS) == set(export.FILE_SUFFIXES)
