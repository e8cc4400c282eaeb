"""Helpers for the entity tests: a fake spaCy pipeline that counts its work, and builders."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tuireader.core.entities.extract import RawEntity
from tuireader.core.entities.mention import Mention
from tuireader.core.workspace import Workspace

# The fake model's "knowledge": whole-word spellings and the label it gives them.
KNOWN = {
    "Sayragul Sauytbay": "PERSON",
    "Sauytbay": "PERSON",
    "Kazakhstan": "GPE",
    "Xinjiang": "GPE",
    "Uyghur": "NORP",
    "Uighur": "NORP",
    "Uyghurs": "NORP",
    "Uighurs": "NORP",
    "Human Rights Watch": "ORG",
    "2018": "DATE",
}


@dataclass
class FakeEnt:
    """What the code reads from a spaCy Span."""

    start_char: int
    end_char: int
    label_: str


@dataclass
class FakeDoc:
    """What the code reads from a spaCy Doc."""

    ents: list[FakeEnt]


@dataclass
class FakeNlp:
    """Finds KNOWN spellings (longest first) and counts every text it is given."""

    known: dict[str, str] = field(default_factory=lambda: dict(KNOWN))
    calls: int = 0
    texts: list[str] = field(default_factory=list)

    def pipe(self, texts: Iterable[str], *, batch_size: int, n_process: int) -> Iterator[FakeDoc]:
        """Yield one doc per text, in order."""
        self.calls += 1
        names = sorted(self.known, key=len, reverse=True)
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b")
        for text in texts:
            self.texts.append(text)
            ents = [
                FakeEnt(m.start(), m.end(), self.known[m.group()]) for m in pattern.finditer(text)
            ]
            yield FakeDoc(ents)


def mention(
    text: str, kind: str = "PERSON", start: int = 0, paragraph: int = 1, label: str | None = None
) -> Mention:
    """A synthetic mention (offsets only matter where a test says so)."""
    labels = {"PLACE": "GPE", "GROUP": "NORP", "FIGURE": "CARDINAL"}
    return Mention(text, kind, label or labels.get(kind, kind), start, start + len(text), paragraph)


def many(text: str, count: int, kind: str = "PERSON") -> list[Mention]:
    """`count` mentions of one spelling at successive offsets."""
    return [mention(text, kind, start=i * 100) for i in range(count)]


ARTICLE_A = """Kazakh witness speaks

Sayragul Sauytbay, a former teacher in Xinjiang, fled to Kazakhstan in 2018. Sauytbay later
told a court in Kazakhstan about the camps, a story Human Rights Watch followed closely.

Photo credit: Human Rights Watch

Uyghur and Kazakh detainees, Sauytbay said, were held together with other Uyghurs.
"""

ARTICLE_B = """Another view

The court heard that Sayragul Sauytbay crossed the border.

Uighur families in Xinjiang waited; Uighurs abroad protested. Human Rights Watch asked
Kazakhstan to protect her.
"""


def write_workspace(root: Path, files: dict[str, str] | None = None) -> Workspace:
    """A workspace under `root` with the two sample articles (or `files`)."""
    seeds = root / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    for name, text in (files or {"a.txt": ARTICLE_A, "b.txt": ARTICLE_B}).items():
        (seeds / name).write_text(text, encoding="utf-8")
    return Workspace.open(root)


def found(text: str, *spellings: tuple[str, str]) -> list[RawEntity]:
    """What a model would report: each (spelling, label) at its occurrences in `text`,
    longer spellings first and never overlapping one already found."""
    raw: list[RawEntity] = []
    for spelling, label in sorted(spellings, key=lambda s: -len(s[0])):
        start = text.find(spelling)
        while start >= 0:
            end = start + len(spelling)
            if not any(r.start < end and start < r.end for r in raw):
                raw.append(RawEntity(start, end, label))
            start = text.find(spelling, end)
    return raw
