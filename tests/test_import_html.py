"""Importing saved web pages: the main text only, in paragraphs, and the facts the page
declares (meta tags, JSON-LD, byline) in the catalog. The pages are written here, with the
furniture a real "Save page as" carries."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader.core.importing.document import Unreadable
from tuireader.core.importing.html import extract_html
from tuireader.core.importing.plan import plan_import
from tuireader.core.importing.run import run_import
from tuireader.core.workspace import Workspace

BODY = [
    "Riverside Primary School will stay closed until next Friday after floodwater reached "
    "the ground floor on Wednesday night, the county council said.",
    "Head teacher Anna Berg said the 340 pupils would be taught online from Monday, and "
    "that the building's electrics had to be checked before anyone could return.",
    "The river rose by more than two metres in twelve hours, according to the Environment "
    "Agency, the highest level recorded at the Mill Lane gauge since 1998.",
    'Parents were told by text message shortly after midnight. "We had no warning at all," '
    "said one father, who asked not to be named.",
]
TITLE = "Floods close Riverside school for a week"
FURNITURE = [
    "We use cookies",
    "Accept all cookies",
    "Home",
    "Sport",
    "Share on Facebook",
    "Email this article",
    "Related stories",
    "Council approves new flood barrier",
    "Comments (12)",
    "Disgraceful that nothing was done",
    "All rights reserved",
    "Contact us",
    "Subscribe to our newsletter",
]


def saved_page(banner: str = "We use cookies to improve your experience.", year: int = 2024) -> str:
    """A news page as a browser saves it: head facts, cookie banner, nav, share bar,
    related stories, comments, newsletter box and footer around four paragraphs."""
    paragraphs = "\n".join(f"<p>{p}</p>" for p in BODY)
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{TITLE} | The Valley Courier</title>
<meta property="og:title" content="{TITLE}">
<meta property="og:site_name" content="The Valley Courier">
<meta name="author" content="Mara Lindqvist">
<meta property="article:published_time" content="2024-03-14T08:30:00+00:00">
<link rel="canonical" href="https://valleycourier.example/news/2024/03/floods-riverside-school">
<link rel="stylesheet" href="page_files/site.css">
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "{TITLE}",
 "author": [{{"@type": "Person", "name": "Mara Lindqvist"}},
            {{"@type": "Person", "name": "Tomas Ek"}}],
 "publisher": {{"@type": "Organization", "name": "The Valley Courier"}},
 "datePublished": "2024-03-14T08:30:00+00:00"}}
</script>
</head>
<body>
<div id="cookie-banner" class="cookie-consent">{banner}
  <button>Accept all cookies</button> <a href="/privacy">Manage preferences</a></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
  <li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav></header>
<main>
<article>
<h1>{TITLE}</h1>
<p class="byline">By Mara Lindqvist and Tomas Ek</p>
<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Share on X</a>
  <a href="#">Email this article</a></div>
<img src="page_files/flood.jpg" alt="Flooded playground">
{paragraphs}
</article>
<aside class="related"><h2>Related stories</h2><ul>
  <li><a href="/a">Council approves new flood barrier</a></li>
  <li><a href="/b">Weather warning extended across the valley</a></li></ul></aside>
<section id="comments"><h2>Comments (12)</h2><div class="comment"><p>Disgraceful that nothing
  was done after last year's floods, the council must answer for this.</p></div></section>
<div class="newsletter"><p>Subscribe to our newsletter for the latest valley news.</p></div>
</main>
<footer><p>&copy; {year} The Valley Courier. All rights reserved.</p>
  <a href="/contact">Contact us</a> <a href="/terms">Terms</a></footer>
</body>
</html>
"""


def test_the_main_text_comes_in_paragraphs_without_the_page_furniture() -> None:
    extracted = extract_html(saved_page().encode("utf-8"), "page.html")
    assert extracted.paragraphs == [TITLE, *BODY]
    text = "\n".join(extracted.paragraphs)
    for furniture in FURNITURE:
        assert furniture not in text


def test_the_facts_come_from_the_meta_tags_and_json_ld() -> None:
    facts = extract_html(saved_page().encode("utf-8"), "page.html").facts
    assert facts == {
        "title": TITLE,
        "authors": ["Mara Lindqvist", "Tomas Ek"],
        "container": "The Valley Courier",
        "issued": "2024-03-14",
        "url": "https://valleycourier.example/news/2024/03/floods-riverside-school",
        "language": "en-GB",
        "type": "article-newspaper",
    }


def test_a_page_with_only_a_byline_and_no_meta_gets_no_invented_facts() -> None:
    page = f"""<html><head><title>{TITLE}</title></head><body>
    <nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
    <article><h1>{TITLE}</h1><p class="byline">By Mara Lindqvist</p>
    {"".join(f"<p>{p}</p>" for p in BODY)}</article>
    <footer>Contact us</footer></body></html>"""
    extracted = extract_html(page.encode("utf-8"), "bare.html")
    assert extracted.paragraphs == [TITLE, *BODY]
    assert extracted.facts.get("title") == TITLE
    assert extracted.facts.get("authors") == ["Mara Lindqvist"]
    # Nothing in the page says when or where it was published: nothing is guessed.
    assert "issued" not in extracted.facts
    assert "url" not in extracted.facts
    assert "language" not in extracted.facts


@pytest.mark.parametrize(
    "broken",
    [b"", b"\x89PNG\r\n\x1a\n\x00\x00\x00", b"<html><body><div>", b"<html><body></body></html>"],
)
def test_a_page_without_main_text_is_unreadable(broken: bytes) -> None:
    with pytest.raises(Unreadable):
        extract_html(broken, "broken.html")


def _workspace(tmp_path: Path, catalog: str | None = None) -> Path:
    root = tmp_path / "ws"
    (root / "seeds").mkdir(parents=True)
    if catalog is not None:
        (root / "seeds" / "catalog.yaml").write_text(catalog, encoding="utf-8")
    return root


def test_an_imported_page_is_an_article_with_its_catalog_entry_and_its_original(
    tmp_path: Path,
) -> None:
    root = _workspace(tmp_path)
    saved = tmp_path / "Downloads"
    (saved / "Floods close school_files").mkdir(parents=True)
    (saved / "Floods close school_files" / "flood.jpg").write_bytes(b"\xff\xd8 not really")
    page = saved / "Floods close school.html"
    page.write_text(saved_page(), encoding="utf-8")

    report = run_import(plan_import(root, [saved]))

    # The _files folder is the page's images and styles, not a file to import.
    assert [f.path for f in report.plan.files] == [page]
    article = Workspace.open(root).articles["floods-close-school"]
    assert [p.text for p in article.paragraphs] == [TITLE, *BODY]
    assert article.title == TITLE
    assert article.meta.authors == ("Mara Lindqvist", "Tomas Ek")
    assert article.meta.container == "The Valley Courier"
    assert article.meta.issued == "2024-03-14"
    assert (article.meta.url or "").endswith("/floods-riverside-school")
    entry = Workspace.open(root).catalog["floods-close-school"]
    assert entry["source"] == "sources/floods-close-school.html"
    assert entry["language"] == "en-GB"
    assert (root / "sources" / "floods-close-school.html").read_bytes() == page.read_bytes()


def test_the_same_page_saved_twice_is_recognised(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    first, second = tmp_path / "a.html", tmp_path / "b.htm"
    first.write_text(saved_page(), encoding="utf-8")
    # Saved again a year later: another banner, another footer year, the same article.
    second.write_text(saved_page("Your privacy matters to us.", 2025), encoding="utf-8")
    assert first.read_bytes() != second.read_bytes()
    run_import(plan_import(root, [first]))

    again = plan_import(root, [second, first])
    assert [(f.status, f.reason) for f in again.files] == [
        ("duplicate", "same text as seeds/a.txt"),
        ("duplicate", "same file as sources/a.html"),
    ]


def test_hand_edits_in_the_catalog_are_kept_when_a_page_is_imported(tmp_path: Path) -> None:
    hand = (
        "# my corrections\n"
        "articles:\n"
        "  floods:\n"
        "    title: Floods shut Riverside Primary   # the print headline\n"
        "    authors: [{literal: Valley Courier staff}]\n"
    )
    root = _workspace(tmp_path, hand)
    page = tmp_path / "floods.html"
    page.write_text(saved_page(), encoding="utf-8")
    report = run_import(plan_import(root, [page]))
    text = (root / "seeds" / "catalog.yaml").read_text(encoding="utf-8")
    assert text.startswith(hand)  # the hand-written entry is untouched, byte for byte
    entry = Workspace.open(root).catalog["floods"]
    assert entry["title"] == "Floods shut Riverside Primary"
    assert entry["authors"] == ["{Valley Courier staff}"]
    assert entry["container"] == "The Valley Courier"  # missing: filled from the page
    assert len(report.catalog_messages) == 2  # title and authors kept, each said


def test_a_page_in_windows_1252_with_line_breaks_inside_paragraphs() -> None:
    page = (
        '<html><head><meta charset="windows-1252"><title>Caf\xe9 owners protest</title></head>'
        "<body><nav>Home | News</nav><article><h1>Caf\xe9 owners protest</h1>"
        "<p>The owners of the Caf\xe9 Ren\xe9 said \u201cenough is enough\u201d on Monday, after "
        "the council doubled the rent for every shop on the street.<br>They will march on "
        "Friday morning to the town hall with their customers and their families.</p>"
        "<p>A council spokesperson said the new rents reflected the market and would not be "
        "changed this year, whatever happened.</p></article><footer>Contact</footer></body></html>"
    ).encode("cp1252")
    assert extract_html(page, "cafe.html").paragraphs == [
        "Café owners protest",
        "The owners of the Café René said “enough is enough” on Monday, after the council "
        "doubled the rent for every shop on the street. They will march on Friday morning to "
        "the town hall with their customers and their families.",
        "A council spokesperson said the new rents reflected the market and would not be "
        "changed this year, whatever happened.",
    ]
