"""Import benchmark: 500 saved web pages made from BBC articles, wrapped in the furniture a
real news page carries (cookie banner, navigation, share bar, related stories, comments,
newsletter box, footer, meta tags and JSON-LD).

Measured, each run in a fresh workspace:
- import: files per second (`plan_import` + `run_import`, as `tuireader import` runs them);
- until searchable: from the start of the import until `tuireader search` (a child process,
  as a user runs it; it brings the index up to date first) finds a phrase of the last page;
- extraction quality: pages whose paragraphs are exactly the article's paragraphs, and
  pages into which any furniture text leaked.

Run: .venv/bin/python benchmarks/bench_import.py [--pages 500] [--runs 3] [--json FILE]
Reported, not asserted: the figures go into docs/PERFORMANCE.md, with the load average.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import BBC, machine

from tuireader.core.corpus import split_paragraphs
from tuireader.core.importing.plan import plan_import
from tuireader.core.importing.run import run_import

FURNITURE = [
    "We use cookies to give you the best online experience",
    "Accept and continue",
    "Skip to content",
    "Share this with Facebook",
    "Copy this link",
    "More on this story",
    "Top Stories",
    "Most read",
    "Comments (",
    "Sign up for our morning briefing",
    "Copyright 2005 BBC",
    "Read about our approach to external linking",
]

PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{title} - BBC News</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="BBC News">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{date}T09:{minute:02d}:00+00:00">
<meta name="description" content="{standfirst}">
<link rel="canonical" href="https://news.bbc.co.uk/2/hi/{section}/{slug}.stm">
<link rel="stylesheet" href="{slug}_files/main.css">
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "{title}",
 "datePublished": "{date}T09:{minute:02d}:00+00:00",
 "publisher": {{"@type": "Organization", "name": "BBC News"}},
 "author": {{"@type": "Organization", "name": "BBC News"}}}}
</script>
<script>window.dataLayer = window.dataLayer || [];</script>
</head>
<body>
<div id="cookie-prompt" class="cookie-banner" role="dialog">
<h2>Let us know you agree to cookies</h2>
<p>We use cookies to give you the best online experience. Please let us know if you agree
to all of these cookies.</p><button>Accept and continue</button> <a href="/usingthebbc/cookies">
Manage my settings</a></div>
<a class="skip" href="#main">Skip to content</a>
<header><nav aria-label="BBC"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li><li><a href="/iplayer">
iPlayer</a></li><li><a href="/sounds">Sounds</a></li></ul></nav>
<nav aria-label="News"><ul><li><a href="/news/world">World</a></li><li><a href="/news/uk">UK</a>
</li><li><a href="/news/business">Business</a></li><li><a href="/news/technology">Tech</a></li>
<li><a href="/news/entertainment">Entertainment &amp; Arts</a></li></ul></nav></header>
<main id="main">
<article>
<header><h1>{title}</h1><time datetime="{date}">{date}</time></header>
<div class="share-tools"><ul><li><a href="#">Share this with Facebook</a></li>
<li><a href="#">Share this with Twitter</a></li><li><a href="#">Share this with Email</a></li>
<li><button>Copy this link</button></li></ul></div>
<figure><img src="{slug}_files/picture.jpg" alt=""><figcaption>Image source, Getty Images
</figcaption></figure>
{body}
<p class="external-links">Read about our approach to external linking.</p>
</article>
<section class="related"><h2>More on this story</h2><ul>{related}</ul></section>
<aside class="most-read"><h2>Most read</h2><ol>{most_read}</ol></aside>
<section id="comments"><h2>Comments ({comments})</h2><div class="comment"><p>This is exactly
what everyone expected would happen, and nobody in charge seems to care about it at all.</p>
</div><div class="comment"><p>Totally agree with the previous comment, well said.</p></div>
</section>
<div class="newsletter"><h2>Sign up for our morning briefing</h2><p>Get the news you need
to start your day, in your inbox every morning.</p><form><input type="email"><button>
Sign up</button></form></div>
</main>
<footer><nav><ul><li><a href="/terms">Terms of Use</a></li><li><a href="/about">About the BBC
</a></li><li><a href="/privacy">Privacy Policy</a></li><li><a href="/cookies">Cookies</a></li>
<li><a href="/accessibility">Accessibility Help</a></li><li><a href="/contact">Contact the BBC
</a></li></ul></nav><p>Copyright 2005 BBC. The BBC is not responsible for the content of
external sites.</p></footer>
</body>
</html>
"""


def bbc_articles(count: int) -> list[tuple[str, str, list[str]]]:
    """`count` BBC articles, taken in turn from each section: (section, slug, paragraphs)."""
    sections = sorted(p for p in BBC.iterdir() if p.is_dir())
    files = [sorted(section.glob("*.txt")) for section in sections]
    chosen: list[tuple[str, str, list[str]]] = []
    index = 0
    while len(chosen) < count:
        for section, paths in zip(sections, files, strict=True):
            if index < len(paths) and len(chosen) < count:
                text = paths[index].read_text(encoding="utf-8", errors="replace")
                paragraphs = [" ".join(text[s:e].split()) for s, e in split_paragraphs(text)]
                chosen.append((section.name, paths[index].stem, paragraphs))
        index += 1
    return chosen


def page_html(
    number: int, section: str, slug: str, paragraphs: list[str], others: list[str]
) -> str:
    """One saved page around an article (its first paragraph is the headline)."""
    title, body = paragraphs[0], paragraphs[1:]
    escape = html.escape
    related = "".join(f'<li><a href="/news/{i}">{escape(t)}</a></li>' for i, t in enumerate(others))
    most_read = "".join(f'<li><a href="/m/{i}">{escape(t)}</a></li>' for i, t in enumerate(others))
    return PAGE.format(
        title=escape(title),
        standfirst=escape(body[0][:150]) if body else "",
        date=f"2005-{1 + number % 12:02d}-{1 + number % 28:02d}",
        minute=number % 60,
        section=section,
        slug=slug,
        body="\n".join(f"<p>{escape(p)}</p>" for p in body),
        related=related,
        most_read=most_read,
        comments=number % 40 + 2,
    )


def make_pages(folder: Path, count: int) -> list[tuple[str, list[str]]]:
    """Write `count` pages (each with its `_files/` folder); returns (file stem, paragraphs)."""
    articles = bbc_articles(count)
    titles = [paragraphs[0] for _s, _slug, paragraphs in articles]
    made = []
    for number, (section, slug, paragraphs) in enumerate(articles):
        others = [titles[(number + k) % len(titles)] for k in (7, 13, 29, 31)]
        stem = f"{section}-{slug}"
        (folder / f"{stem}_files").mkdir(parents=True, exist_ok=True)
        (folder / f"{stem}_files" / "main.css").write_text("body { margin: 0 }\n")
        page = page_html(number, section, stem, paragraphs, others)
        (folder / f"{stem}.html").write_text(page, encoding="utf-8")
        made.append((stem, paragraphs))
    return made


def one_run(pages: Path, made: list[tuple[str, list[str]]]) -> dict[str, float]:
    """Import the pages into a fresh workspace; time it and the first successful search."""
    root = Path(tempfile.mkdtemp(prefix="tuireader-bench-import-"))
    (root / "seeds").mkdir()
    try:
        start = time.perf_counter()
        plan = plan_import(root, [pages])
        planned = time.perf_counter()
        report = run_import(plan)
        imported = time.perf_counter()
        last_stem, last_paragraphs = made[-1]
        phrase = " ".join(last_paragraphs[1].split()[:6])
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        result = subprocess.run(
            [sys.executable, "-m", "tuireader", "--workspace", str(root), "search",
             f'"{phrase}"', "--json"],
            capture_output=True, text=True, check=False, env=env, timeout=600,
        )  # fmt: skip
        searchable = time.perf_counter()
        found = last_stem.lower()[:40] in result.stdout.lower().replace("_", "-")
        return {
            "files": len(plan.files),
            "imported": len(report.imported),
            "plan_s": planned - start,
            "write_s": imported - planned,
            "import_s": imported - start,
            "files_per_s": len(plan.files) / (imported - start),
            "until_searchable_s": searchable - start,
            "search_found_last_page": float(found),
            **_quality(root, made),
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _quality(root: Path, made: list[tuple[str, list[str]]]) -> dict[str, float]:
    """How well the text was extracted: pages whose paragraphs are exactly the article's
    (HTML entities in the corpus text read as characters), the same apart from furniture
    lines, and for each furniture text the pages it leaked into."""
    from tuireader.core.importing.plan import slug

    exact = exact_but_furniture = 0
    leaked: dict[str, int] = {}
    for stem, paragraphs in made:
        path = root / "seeds" / f"{slug(stem)}.txt"
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        got = [html.unescape(" ".join(text[s:e].split())) for s, e in split_paragraphs(text)]
        want = [html.unescape(p) for p in paragraphs]
        exact += got == want
        furniture = [f for f in FURNITURE if f.lower() in text.lower()]
        for found in furniture:
            leaked[found] = leaked.get(found, 0) + 1
        kept = [g for g in got if not any(f.lower() in g.lower() for f in furniture)]
        exact_but_furniture += kept == want
    return {
        "exact_pages": exact,
        "exact_pages_but_furniture": exact_but_furniture,
        **{f"leaked: {k}": v for k, v in leaked.items()},
    }


def main() -> None:
    """Make the pages once, import them `--runs` times, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tuireader-bench-pages-"))
    try:
        made = make_pages(folder, args.pages)
        runs = []
        for number in range(1, args.runs + 1):
            figures = one_run(folder, made)
            figures["load_1min"] = os.getloadavg()[0]
            runs.append(figures)
            print(f"run {number}: " + ", ".join(f"{k} {v:.2f}" for k, v in figures.items()))
        summary = {
            "machine": machine(),
            "pages": args.pages,
            "runs": runs,
            "median_files_per_s": statistics.median(r["files_per_s"] for r in runs),
            "median_until_searchable_s": statistics.median(r["until_searchable_s"] for r in runs),
        }
        print(
            f"median: {summary['median_files_per_s']:.1f} files/s, searchable after "
            f"{summary['median_until_searchable_s']:.1f} s; {summary['machine']}"
        )
        if args.json:
            args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
