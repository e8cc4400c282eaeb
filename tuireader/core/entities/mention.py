"""What an entity mention is, shared by extraction (which finds mentions) and resolution
(which links them inside their article): the kinds, the words that say a person is named,
and the Mention record itself.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("PERSON", "ORG", "PLACE", "GROUP", "DATE", "FIGURE")
NAME_KINDS = frozenset({"PERSON", "ORG", "PLACE", "GROUP"})

# Words that say a person is named: "Mr Ebbers" is a person whatever the model said.
HONORIFICS = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lord", "lady", "prof", "professor"}
    | {"rev", "revd", "reverend", "baroness", "baron"}
)


@dataclass(frozen=True)
class Mention:
    """A kept, cleaned entity mention in one article."""

    text: str  # the spelling, whitespace collapsed (a name may wrap across lines)
    kind: str  # one of KINDS
    label: str  # the spaCy label (GPE vs LOC, MONEY vs PERCENT...)
    start: int  # offsets in the article text, trimmed to the cleaned spelling
    end: int
    paragraph: int  # 1-based paragraph number
    ref: str = ""
    """The folded full name this mention stands for in its article ("Mr Blair" -> "tony
    blair"), set by `resolve.resolve_article`; "" when it stands for itself. Across articles
    `evidence.separate_namesakes` may add a cluster number after `evidence.CLUSTER_MARK`
    (one of several people of that name) or link a lone surname to a full name."""
