"""Issue 17, items 4, 5, 8 and 10 (the YAML side): hostile or broken YAML in annotation
files, seeds/catalog.yaml and settings.yaml is refused with one clear line naming the file
(and the line), never a crash, a traceback, a hang or a changed file; the other files keep
working. CLI tests run the real command in a child process.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml
from app_harness import SAMPLE_ARTICLES, wait_until_ready
from app_harness import make_workspace as build_workspace
from cli_support import run_tuireader

from tuireader.app.annotations.screen import AnnotationsScreen
from tuireader.app.app import TuiReaderApp
from tuireader.core.annotations.model import AnnotationFileError, new_annotation
from tuireader.core.annotations.store import AnnotationStore
from tuireader.core.settings import Settings
from tuireader.core.workspace import Workspace
from tuireader.core.yamlfile import (
    MAX_ANNOTATION_FILE_BYTES,
    MAX_DEPTH,
    BadValue,
    NotADate,
    YamlRefused,
    YamlTooLarge,
    load_yaml,
    read_limited,
    yaml_problem,
)

GOOD = "good"
GOOD_TEXT = "Good Article\n\nThe camps were described in detail by the witness.\n"
OTHER_TEXT = "Other Article\n\nA second story about railways and tariffs.\n"
RAILWAYS = OTHER_TEXT.index("railways")
CATALOG = """\
articles:
  good:
    title: The Good Story
    authors: [Ann Writer]
    issued: 2021-04-05
"""


def run_cli(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The real `tuireader` command on the workspace at `root` (config dir from the env)."""
    return run_tuireader(
        root, *args, timeout=timeout, env=dict(os.environ, PYTHONIOENCODING="utf-8")
    )


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), (result.returncode, result.stderr)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A workspace with two articles and one valid annotation on `good`."""
    workspace = build_workspace(
        tmp_path / "ws", articles={GOOD: GOOD_TEXT, "other": OTHER_TEXT}, catalog=CATALOG
    )
    article = workspace.articles[GOOD]
    start = article.text.index("camps")
    store = AnnotationStore(workspace.annotations_dir)
    store.add(new_annotation(article, start, start + len("camps"), note="kept"))
    return workspace.root


def valid_file_text(article_id: str, created: str = "'2024-01-01T00:00:00Z'") -> str:
    """An annotation file for `article_id` with one entry; `created` written as given."""
    return (
        "schema: 1\n"
        f"article: {article_id}\n"
        "annotations:\n"
        "- id: a1\n"
        f"  created: {created}\n"
        "  updated: '2024-01-01T00:00:00Z'\n"
        "  target:\n"
        "    exact: railways\n"
        f"    start: {RAILWAYS}\n"
        f"    end: {RAILWAYS + len('railways')}\n"
        "    paragraph: 2\n"
        "    checksum: abc\n"
    )


# --- the loader itself (fast, in-process) -----------------------------------------------


def test_nesting_up_to_the_limit_is_read_and_one_more_is_refused_with_its_line() -> None:
    assert load_yaml("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)) is not None
    with pytest.raises(YamlRefused) as refused:
        load_yaml("x: 1\na: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert yaml_problem(refused.value).startswith(f"line 2: nested more than {MAX_DEPTH} levels")


@pytest.mark.parametrize("depth", [30_000, 1_000_000])
def test_absurd_nesting_is_refused_before_the_c_loader_sees_it(depth: int) -> None:
    # PyYAML's C composer recurses on the C stack: at ~30,000 levels the process died (139).
    for text in ("a: " + "[" * depth + "]" * depth, "a: " + "{b: " * depth + "1" + "}" * depth):
        with pytest.raises(YamlRefused, match="nested more than"):
            load_yaml(text)


@pytest.mark.parametrize(
    "text", ["a: &x 1\nb: *x\n", "a: &x [1]\n", "a: [1, *x]\n", "<<: *base\nb: 1\n"]
)
def test_aliases_and_anchors_are_refused(text: str) -> None:
    with pytest.raises(yaml.YAMLError) as refused:
        load_yaml(text)
    assert "not allowed" in yaml_problem(refused.value) or "undefined alias" in str(refused.value)


def test_an_alias_bomb_costs_nothing() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    with pytest.raises(YamlRefused) as refused:
        load_yaml("\n".join(lines) + "\ntitle: *i\n")
    assert yaml_problem(refused.value) == (
        "line 1: an anchor (&a) is not allowed: tuireader's files never need them (remove it)"
    )


@pytest.mark.parametrize(
    ("text", "shown", "reason"),
    [
        ("!!int abc", "!!int abc", "not a whole number"),
        ("0x_", "!!int 0x_", "not a whole number"),
        ("!!float x", "!!float x", "not a number"),
        ("!!bool maybe", "!!bool maybe", "not true or false"),
        ("!!timestamp x", "!!timestamp x", "not a date or time"),
    ],
)
def test_values_the_safe_loader_cannot_build_become_bad_values(
    text: str, shown: str, reason: str
) -> None:
    value = load_yaml(f"key: {text}\n")["key"]
    assert isinstance(value, BadValue) and str(value) == shown and value.reason == reason


def test_a_date_that_is_not_on_the_calendar_stays_a_not_a_date() -> None:
    value = load_yaml("created: 2024-02-30T00:00:00Z\n")["created"]
    assert isinstance(value, NotADate) and str(value) == "2024-02-30T00:00:00Z"


def test_size_is_checked_in_bytes_before_parsing(tmp_path: Path) -> None:
    with pytest.raises(YamlTooLarge) as refused:
        load_yaml("a: 'ééé'\n", max_bytes=10)  # 9 characters, 12 bytes
    assert (refused.value.size, refused.value.limit) == (12, 10)
    assert "12 bytes" in yaml_problem(refused.value, "settings files")
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as stream:  # sparse: 2 GB on paper, nothing on disk
        stream.truncate(2 * 1024**3)
    with pytest.raises(YamlTooLarge) as too_large:
        read_limited(huge, MAX_ANNOTATION_FILE_BYTES)  # reads at most the limit + 1 byte
    assert too_large.value.size == 2 * 1024**3
    assert "2,147,483,648 bytes" in yaml_problem(too_large.value, "annotation files")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_in_place_of_an_annotation_file_is_refused_not_waited_on(tmp_path: Path) -> None:
    folder = tmp_path / "annotations"
    folder.mkdir()
    os.mkfifo(folder / "story.yaml")
    loaded = AnnotationStore(folder).load("story")  # would block forever opening it
    assert loaded.read_only and "not a regular file" in (loaded.problem or "")


# --- item 5: values that cannot be built, in annotation files (real CLI) ----------------

BAD_CREATED = {
    "bad_date": "2024-02-30T00:00:00Z",
    "bad_int": "!!int abc",
    "bad_timestamp": "!!timestamp x",
    "bad_float": "!!float x",
    "bad_binary": "!!binary 'a'",
    "bad_bool": "!!bool maybe",
    "bad_tag": "!unknown x",
}


def write_bad_files(root: Path) -> dict[str, str]:
    """One annotation file per bad value; returns their digests by article id."""
    folder = root / "annotations"
    digests = {}
    for article_id, created in BAD_CREATED.items():
        path = folder / f"{article_id}.yaml"
        path.write_text(valid_file_text(article_id, created), encoding="utf-8")
        digests[article_id] = digest(path)
    return digests


def test_unbuildable_values_are_reported_per_file_and_the_rest_still_works(root: Path) -> None:
    digests = write_bad_files(root)
    listed = run_cli(root, "annotations")
    no_traceback(listed)
    assert listed.returncode == 0
    assert "camps" in listed.stdout and "kept" in listed.stdout  # the good file is listed
    for article_id in BAD_CREATED:
        [line] = [x for x in listed.stderr.splitlines() if f"annotations/{article_id}.yaml" in x]
        assert "line 5" in line, line  # the `created:` line, named
    assert "!!int abc is not a whole number" in listed.stderr
    assert "!!timestamp x is not a date or time" in listed.stderr

    checked = run_cli(root, "check", "--json")
    no_traceback(checked)
    report = json.loads(checked.stdout)
    assert report["counts"]["anchored"] == 1 and checked.returncode == 1
    assert sorted(entry["article"] for entry in report["unreadable"]) == sorted(BAD_CREATED)

    # `--doc` names the healthy article: the bad files do not block its export.
    out = root / "notes.md"
    exported = run_cli(root, "export", "--format", "md", "-o", str(out), "--doc", GOOD)
    no_traceback(exported)
    assert exported.returncode == 0 and "camps" in out.read_text(encoding="utf-8")
    everything = run_cli(root, "export", "--format", "md", "-o", str(root / "all.md"))
    no_traceback(everything)
    assert everything.returncode == 0 and "bad_int.yaml" in everything.stderr

    for article_id, before in digests.items():  # never rewritten
        assert digest(root / "annotations" / f"{article_id}.yaml") == before


@pytest.mark.parametrize("created", list(BAD_CREATED.values()))
def test_the_store_reports_a_bad_value_and_refuses_to_write_over_it(
    tmp_path: Path, created: str
) -> None:
    folder = tmp_path / "annotations"
    folder.mkdir()
    path = folder / "story.yaml"
    path.write_text(valid_file_text("story", created), encoding="utf-8")
    before = path.read_bytes()
    store = AnnotationStore(folder)
    loaded = store.load("story")
    assert loaded.read_only and loaded.problem is not None
    assert loaded.problem.startswith("annotations/story.yaml") and "line 5" in loaded.problem
    with pytest.raises(AnnotationFileError):
        store.delete("story", "a1")
    assert path.read_bytes() == before


# --- item 4: deep nesting, real CLI -----------------------------------------------------


def test_an_annotation_file_nested_30000_deep_is_refused_not_a_segfault(root: Path) -> None:
    bad = root / "annotations" / "other.yaml"
    depth = 30_000
    bad.write_text(
        "schema: 1\narticle: other\nannotations: " + "[" * depth + "]" * depth + "\n",
        encoding="utf-8",
    )
    before = digest(bad)
    out = str(root / "x.md")  # inside the test's folder, never the current one
    for args in (("annotations",), ("check",), ("export", "--format", "md", "-o", out)):
        result = run_cli(root, *args)
        assert result.returncode != -11, args  # SIGSEGV
        no_traceback(result)
        assert "annotations/other.yaml: refused, line 3: nested more than" in (
            result.stdout + result.stderr
        ), args
    assert "camps" in run_cli(root, "annotations").stdout
    assert digest(bad) == before


# --- item 5 (catalog, settings) and item 8 (alias bombs), real CLI ----------------------

BAD_CATALOG = """\
articles:
  good:
    title: The Good Story
    authors: [Ann Writer]
    issued: 2021-04-05
  other:
    title: [a, b]
    authors: 5
    container: Kept Outlet
    issued: 2019-02-30
    furniture: [1, 2]
    url: !!int abc
    type: !!timestamp x
"""


def test_bad_catalog_values_are_dropped_with_a_warning_and_the_rest_is_kept(
    root: Path, isolated_config: Path
) -> None:
    (root / "seeds" / "catalog.yaml").write_text(BAD_CATALOG, encoding="utf-8")
    (isolated_config / "settings.yaml").write_text(
        "theme: 2020-02-30\ncitation_style: !!int abc\n", encoding="utf-8"
    )
    result = run_cli(root, "list", "--json")
    no_traceback(result)
    assert result.returncode == 0
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert set(rows) == {"good", "other"}
    warnings = result.stderr
    for key, line, expected in [
        ("title", 7, "must be text (the title), not ['a', 'b']"),
        ("authors", 8, "must be a list of names, e.g. [Jane Roe], not 5"),
        ("issued", 10, "2019-02-30 is not a real date"),
        ("furniture", 11, "item 1 is 1"),
        ("url", 12, "not !!int abc"),
        ("type", 13, "not !!timestamp x"),
    ]:
        [warning] = [w for w in warnings.splitlines() if f"'{key}'" in w and "catalog" in w]
        assert f"seeds/catalog.yaml, line {line}: article 'other'" in warning, warning
        assert expected in warning, warning
    # the good entry and the other entry's good field are kept
    workspace = Workspace.open(root)
    assert workspace.catalog["good"]["title"] == "The Good Story"
    assert workspace.catalog["other"] == {"container": "Kept Outlet"}

    cited = run_cli(root, "cite", GOOD)
    no_traceback(cited)
    assert cited.returncode == 0 and "The Good Story" in cited.stdout
    assert "'theme' must be text" in cited.stderr and "not 2020-02-30" in cited.stderr
    assert "'citation_style' must be text" in cited.stderr and "!!int abc" in cited.stderr


def alias_bomb(indent: str) -> str:
    """Nine levels of nine: 387 million strings once expanded."""
    lines = [f'{indent}a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{indent}{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bombs_in_the_catalog_and_settings_are_refused_at_once(
    root: Path, isolated_config: Path
) -> None:
    catalog = root / "seeds" / "catalog.yaml"
    catalog.write_text(
        "articles:\n  good:\n    bomb:\n" + alias_bomb("      ") + "    title: *i\n",
        encoding="utf-8",
    )
    settings = isolated_config / "settings.yaml"
    settings.write_text("bomb:\n" + alias_bomb("  ") + "theme: *i\n", encoding="utf-8")
    before = (digest(catalog), digest(settings))
    # Before: 50-112 s and 3-4 GB per command. A generous bound: the guard is the refusal.
    listed = run_cli(root, "list", timeout=60)  # `list` reports the catalog's warnings
    no_traceback(listed)
    assert listed.returncode == 0 and "good" in listed.stdout
    assert "seeds/catalog.yaml: refused, line 4: an anchor (&a) is not allowed" in listed.stderr
    cited = run_cli(root, "cite", GOOD, timeout=60)  # `cite` reads the settings
    no_traceback(cited)
    assert cited.returncode == 0
    assert f"{settings}: refused, line 2: an anchor (&a) is not allowed" in cited.stderr
    assert (digest(catalog), digest(settings)) == before
    assert Settings.load().theme == "textual-dark"  # defaults


# --- item 10: a 50 MB annotation file, an ambiguous quote found everywhere --------------


def test_a_50_mb_annotation_file_is_refused_fast_and_left_alone(root: Path) -> None:
    big = root / "annotations" / "other.yaml"
    entry = valid_file_text("other").split("annotations:\n", 1)[1]
    count = 50_000_000 // len(entry) + 1
    with big.open("w", encoding="utf-8") as stream:
        stream.write("schema: 1\narticle: other\nannotations:\n")
        for number in range(count):
            stream.write(entry.replace("- id: a1", f"- id: a{number}"))
    size = big.stat().st_size
    before = digest(big)
    # Before: `check` took 427 s and 5.7 GB (162 s here at load 7). The timeout is the guard.
    result = run_cli(root, "check", timeout=60)
    no_traceback(result)
    assert f"annotations/other.yaml: refused, the file is {size:,} bytes" in result.stdout
    assert f"at most {MAX_ANNOTATION_FILE_BYTES:,} bytes (4 MiB)" in result.stdout
    assert "1 annotation in 2 files" in result.stdout  # the good file is still checked
    annotate = run_cli(root, "annotate", "other", "--quote", "railways", timeout=60)
    assert annotate.returncode == 2 and "Traceback" not in annotate.stderr
    assert "refused, the file is" in annotate.stderr and "read-only" in annotate.stderr
    assert digest(big) == before


def test_an_ambiguous_quote_names_a_few_paragraphs_and_counts_the_rest(root: Path) -> None:
    many = "".join(f"Paragraph {n} mentions the camps.\n\n" for n in range(5000))
    (root / "seeds" / "many.txt").write_text("Many Camps\n\n" + many, encoding="utf-8")
    result = run_cli(root, "annotate", "many", "--quote", "the camps")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "tuireader: the quote occurs 5,000 times in many (paragraphs 2, 3, 4, 5, 6 "
        "and 4,995 more); pass --occurrence K (1-5000) to choose one"
    )


# --- the app's annotations view ----------------------------------------------------------


@pytest.fixture
def app_root(tmp_path: Path) -> Path:
    workspace = build_workspace(tmp_path / "ws")
    article = workspace.articles["alpha"]
    start = article.text.index("Uyghur detention camps")
    store = AnnotationStore(workspace.annotations_dir)
    store.add(new_annotation(article, start, start + 22, note="key claim"))
    return workspace.root


async def show_view(root: Path) -> tuple[list[str], str]:
    """The article ids listed by the annotations view, and its summary line."""
    app = TuiReaderApp(Workspace.open(root), check_index=False, restore=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        await pilot.press("A")
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        await pilot.pause()
        view = app.screen
        assert isinstance(view, AnnotationsScreen) and view.loaded
        return [row.article_id for row in view.rows], str(
            view.query_one("#annotations-summary").render()
        )


async def test_the_annotations_view_lists_the_others_and_names_the_bad_file(
    app_root: Path,
) -> None:
    assert "beta" in SAMPLE_ARTICLES
    bad = app_root / "annotations" / "beta.yaml"
    bad.write_text(valid_file_text("beta", "!!int abc"), encoding="utf-8")
    listed, summary = await show_view(app_root)
    assert listed == ["alpha"]
    assert "1 annotation" in summary and "annotations/beta.yaml, line 5" in summary
    assert "No annotations yet" not in summary


async def test_the_view_does_not_say_none_yet_when_none_could_be_read(app_root: Path) -> None:
    folder = app_root / "annotations"
    (folder / "alpha.yaml").write_text(valid_file_text("alpha", "!!timestamp x"), "utf-8")
    listed, summary = await show_view(app_root)
    assert listed == []
    assert "No annotation could be read" in summary and "annotations/alpha.yaml" in summary
    assert "No annotations yet" not in summary
