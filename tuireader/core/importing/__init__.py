"""Bringing a corpus in: saved web pages, PDFs, e-books, Markdown and text become articles.

`tuireader import PATH...` (and the app's import command) go through three steps, one
module each:

- the extractors read one file each and return an `Extracted` (`document.py`): the text's
  paragraphs, the facts found (title, authors, outlet, date, URL, language) and, for a PDF,
  where each page begins: `html.py` (trafilatura), `pdf.py` (pypdf), `epub.py` (ebooklib),
  `text.py` (Markdown with YAML front matter, plain text). `formats.py` says which file
  goes to which, and imports an extractor only when a file needs it (trafilatura, pypdf and
  ebooklib are never imported by the CLI or the app at start-up).
- `plan.py` decides what would happen to each file: new, duplicate (same bytes as a kept
  original, or the same text as an article: a page saved twice), or unreadable (with the
  reason). `--dry-run` stops there.
- `run.py` carries the plan out: the text into seeds/ (the article the reader shows and
  citations quote), the original into sources/ (so the import can be re-run with a
  better extractor), the facts into seeds/catalog.yaml through
  `tuireader.core.catalog_write.add_facts` (never overwriting what the user wrote), with
  `source:` naming the kept original.
"""
