"""Reading an annotation file: the safe YAML loader, then pydantic models of the layout.

A file is checked in two steps. The header (`schema`, `article`, `annotations`) must be
right or nothing in the file is used; then each entry under `annotations` is validated on
its own, so one bad entry makes the file read-only (it is never rewritten) but the valid
entries are still listed. Every problem names the file, the line and what was expected:

    annotations/story.yaml, line 8: annotation 'good1': 'tags' must be a list of text
    (quote numbers)
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

import yaml
from pydantic import BeforeValidator, Field, ValidationError, ValidationInfo, field_validator

from tuireader.core.annotations.anchoring import TextTarget
from tuireader.core.annotations.model import SCHEMA_VERSION, Annotation
from tuireader.core.schemas import (
    Expect,
    FileModel,
    Problem,
    check_not_a_date,
    iso_time,
    problems_in,
    rule_error,
)
from tuireader.core.yamlfile import (
    MAX_ANNOTATION_FILE_BYTES,
    LineDict,
    is_refusal,
    line_of,
    load_yaml,
    yaml_problem,
)

_FILE_KIND = "annotation files"  # for the message about refused YAML tags


def _none_is(default: Any) -> BeforeValidator:
    """Hand-written files may leave a key empty (`note:`): that means the default."""
    return BeforeValidator(lambda value: default if value is None else check_not_a_date(value))


class TargetModel(FileModel):
    """The `target:` of an annotation: the quote, its context and its position."""

    unknown_key: ClassVar[str] = "{where}unknown key {key!r} in target"

    exact: Annotated[
        str, Field(min_length=1), Expect("{where}target 'exact' must be non-empty text")
    ]
    prefix: Annotated[str, _none_is(""), Expect("{where}target 'prefix' must be text")] = ""
    suffix: Annotated[str, _none_is(""), Expect("{where}target 'suffix' must be text")] = ""
    start: Annotated[int, Field(ge=0), Expect("{where}target 'start' must be a whole number ≥ 0")]
    end: Annotated[int, Field(ge=1), Expect("{where}target 'end' must be a whole number ≥ 1")]
    paragraph: Annotated[
        int, Field(ge=1), Expect("{where}target 'paragraph' must be a whole number ≥ 1")
    ]
    checksum: Annotated[
        str, Field(min_length=1), Expect("{where}target 'checksum' must be non-empty text")
    ]

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: int, info: ValidationInfo) -> int:
        start = info.data.get("start")
        if start is not None and end <= start:
            raise rule_error("{where}target 'end' must be after 'start'")
        return end


def _text_id(value: Any) -> Any:
    """An id must hold something besides spaces."""
    if isinstance(value, str) and not value.strip():
        raise rule_error("annotation without a text 'id'")
    return value


_TIME = "{where}'{key}' must be an ISO 8601 time"


class AnnotationModel(FileModel):
    """One entry under `annotations:`."""

    not_a_mapping: ClassVar[str] = "each entry under 'annotations' must be a mapping"

    id: Annotated[str, BeforeValidator(_text_id), Expect("annotation without a text 'id'")]
    created: Annotated[str, BeforeValidator(iso_time), Expect(_TIME)]
    updated: Annotated[str, BeforeValidator(iso_time), Expect(_TIME)]
    label: Annotated[
        str | None,
        BeforeValidator(check_not_a_date),
        Expect("{where}'label' must be text (quote it)"),
    ] = None
    tags: Annotated[
        list[str], _none_is([]), Expect("{where}'tags' must be a list of text (quote numbers)")
    ] = Field(default_factory=list)
    note: Annotated[str, _none_is(""), Expect("{where}'note' must be text (quote it)")] = ""
    target: Annotated[
        TargetModel, Expect("{where}'target' must be a mapping", missing="{where}no 'target'")
    ]

    def to_annotation(self, article_id: str) -> Annotation:
        """The validated entry as the Annotation the rest of tuireader uses."""
        return Annotation(
            id=self.id,
            article_id=article_id,
            created=self.created,
            updated=self.updated,
            label=self.label,
            tags=list(self.tags),
            note=self.note,
            target=TextTarget(**self.target.model_dump()),
        )


# `{value!r}` is filled in with what the file says when the message is made.
_WRONG_SCHEMA = "'schema' is {value!r}; this tuireader reads schema " + str(SCHEMA_VERSION)


def _schema_version(value: Any) -> Any:
    """Only the layout this tuireader knows (a boolean `true` is not 1)."""
    if value != SCHEMA_VERSION or isinstance(value, bool):
        raise rule_error(_WRONG_SCHEMA)
    return value


class HeaderModel(FileModel):
    """The top of an annotation file: its layout version, its article and its entries."""

    not_a_mapping: ClassVar[str] = (
        "the file must be a mapping with 'schema', 'article' and 'annotations'"
    )

    version: Annotated[
        int,
        BeforeValidator(_schema_version),
        Expect(
            _WRONG_SCHEMA,
            missing=f"no 'schema: {SCHEMA_VERSION}' line; is this a tuireader annotation file?",
        ),
    ] = Field(alias="schema")
    article: Any = None  # checked against the file's article id, which the model cannot know
    annotations: Annotated[list[Any], _none_is([]), Expect("'annotations' must be a list")] = Field(
        default_factory=list
    )


class _Problems:
    """The problems found in one file, worded with its label and a line each."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.messages: list[str] = []

    def add(self, line: int | None, message: str) -> None:
        """Note one problem."""
        where = f", line {line}" if line else ""
        self.messages.append(f"{self.label}{where}: {message}")

    def extend(self, problems: list[Problem]) -> None:
        """Note problems found by a schema."""
        for problem in problems:
            self.add(problem.line, problem.message)

    def summary(self) -> str | None:
        """The first three problems in one line (None when there are none)."""
        if not self.messages:
            return None
        extra = len(self.messages) - 3
        more = f" (and {extra} more problem{'s' * (extra > 1)})" if extra > 0 else ""
        return "; ".join(self.messages[:3]) + more


def _entry(raw: Any, article_id: str, line: int | None, problems: _Problems) -> Annotation | None:
    """One entry as an Annotation, or None after noting why it cannot be used."""
    named = raw.get("id") if isinstance(raw, dict) else None
    where = f"annotation {named if isinstance(named, str) and named.strip() else '?'!r}: "
    try:
        model = AnnotationModel.model_validate(raw)
    except ValidationError as error:
        problems.extend(problems_in(AnnotationModel, raw, error, where, line))
        return None
    return model.to_annotation(article_id)


def yaml_file_problem(label: str, error: yaml.YAMLError) -> str:
    """The one-line problem of an annotation file that could not be read as YAML (malformed,
    or refused: too large, too deep, aliases, a tag that builds objects)."""
    verdict = "refused" if is_refusal(error) else "not valid YAML"
    return f"{label}: {verdict}, {yaml_problem(error, _FILE_KIND)}"


def parse_annotation_file(
    text: str, article_id: str, label: str
) -> tuple[list[Annotation], str | None]:
    """Annotations in an annotation file's text, and a description of any problem.

    `label` names the file in messages. When the problem is a YAML error the list is empty;
    for schema problems it holds the entries that were valid. Never raises for bad content.
    """
    try:
        data = load_yaml(text, strict=True, max_bytes=MAX_ANNOTATION_FILE_BYTES)
    except yaml.YAMLError as error:
        return [], yaml_file_problem(label, error)
    if data is None:
        return [], None  # an empty file holds nothing to lose
    problems = _Problems(label)
    try:
        header = HeaderModel.model_validate(data)
    except ValidationError as error:
        found = problems_in(HeaderModel, data, error, line=1)
        fatal = [p for p in found if p.key in (None, "schema")]
        problems.extend(fatal or found)
        if fatal or any(p.key == "annotations" for p in found):
            return [], problems.summary()
        entries = _entries_of(data)
    else:
        entries = header.annotations
    stored_id = data.get("article")
    if stored_id != article_id:
        problems.add(
            line_of(data, "article"),
            f"'article' is {stored_id!r} but this file belongs to {article_id!r} "
            "(two article ids may map to one file name; rename one)",
        )
    annotations: list[Annotation] = []
    seen: set[str] = set()
    for index, raw in enumerate(entries):
        line = raw.line if isinstance(raw, LineDict) else line_of(data, "annotations")
        annotation = _entry(raw, article_id, line, problems)
        if annotation is None:
            continue
        if annotation.id in seen:
            problems.add(line, f"annotation id {annotation.id!r} appears twice (entry {index + 1})")
            continue
        seen.add(annotation.id)
        annotations.append(annotation)
    return annotations, problems.summary()


def _entries_of(data: dict[Any, Any]) -> list[Any]:
    """The entries of a file whose header had problems other than its entries' list."""
    entries = data.get("annotations")
    return entries if isinstance(entries, list) else []
