"""How the catalog writes names and keys, shared by the catalog (which checks them) and the
exports (which use them): a name kept exactly as written, and the characters a citation key
may hold. It lives below both so that neither imports the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A citation key BibTeX, pandoc and biber can all cite: no blank space and none of , { } @ [
# ] # % " ' = (the catalog's `key:` and the pinned keys file are checked against it).
CITATION_KEY = re.compile(r"[^\s,{}@\[\]#%\"'=]+")


def literal_author(name: str) -> str:
    """The author text for a name to be kept exactly as written (an organisation such as
    "Human Rights Watch"): the name in braces, as BibTeX writes one name it must not split."""
    return "{" + " ".join(name.split()) + "}"


def literal_text(author: str) -> str | None:
    """The name inside an author text made by `literal_author` ("{Human Rights Watch}" →
    "Human Rights Watch"); None for an ordinary name, to be split into its parts."""
    text = author.strip()
    if len(text) < 2 or text[0] != "{" or text[-1] != "}":
        return None
    depth = 0
    for char in text[:-1]:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:  # the first brace closes before the end: "{A} and {B}", not one name
            return None
    return " ".join(text[1:-1].split())


def author_display(author: str) -> str:
    """An author as a person reads it in lists and bylines: a literal name without the
    braces that mark it."""
    literal = literal_text(author)
    return author if literal is None else literal


def author_names(authors: Iterable[str], separator: str = ", ") -> str:
    """The authors as a person reads them, joined by `separator` ("" without authors)."""
    return separator.join(author_display(author) for author in authors)
