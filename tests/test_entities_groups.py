"""Entity grouping, noise cleaning and the alias file, on synthetic mentions (no spaCy)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_entities_support import many, mention

from tuireader.core.corpus import Article, ArticleMeta, mark_furniture, split_paragraphs
from tuireader.core.entities.extract import RawEntity, clean_span, to_mentions
from tuireader.core.entities.groups import AliasRules, is_variant, load_alias_rules
from tuireader.core.entities.index import EntityIndex


def names(index: EntityIndex, kind: str | None = None) -> set[str]:
    return {e.name for e in index.entities if kind is None or e.kind == kind}


def aliases_of(index: EntityIndex, name: str) -> set[str]:
    entity = index.find(name)
    assert entity is not None, f"{name} not found"
    return set(entity.aliases)


# ---- short forms -------------------------------------------------------------------------


def test_short_form_joins_the_full_name_of_its_own_article_only() -> None:
    index = EntityIndex.from_mentions(
        {
            "a": [mention("Sayragul Sauytbay"), *many("Sauytbay", 3)],
            "b": many("Sauytbay", 2),
            "c": [mention("Sayragul")],
        }
    )
    full = index.find("Sayragul Sauytbay")
    assert full is not None
    assert set(full.aliases) == {"Sayragul Sauytbay", "Sauytbay"}
    assert full.articles == {"a": 4}
    # Articles b and c never introduce the full name: their lone names stay their own.
    lone = [e for e in index.entities if e is not full]
    assert sorted((e.name, e.articles.get("b", 0), e.articles.get("c", 0)) for e in lone) == [
        ("Sauytbay", 2, 0),
        ("Sayragul", 0, 1),
    ]


def test_short_forms_resolve_to_the_namesake_of_their_own_article() -> None:
    index = EntityIndex.from_mentions(
        {
            "a": [mention("Gordon Brown"), *many("Brown", 2)],
            "b": [mention("Nick Brown"), *many("Brown", 2)],
        }
    )
    assert names(index) == {"Gordon Brown", "Nick Brown"}
    assert index.find("Gordon Brown").articles == {"a": 3}  # type: ignore[union-attr]
    assert index.find("Nick Brown").articles == {"b": 3}  # type: ignore[union-attr]


def test_short_form_written_beside_one_of_two_full_names_joins_it() -> None:
    index = EntityIndex.from_mentions(
        {
            "a": [mention("Tony Blair"), *many("Blair", 5)],
            "b": [mention("Tony Blair"), *many("Blair", 4)],
            "c": [mention("Cherie Blair")],
        }
    )
    assert aliases_of(index, "Blair") == {"Tony Blair", "Blair"}
    assert "Cherie Blair" in names(index)


def test_surname_labelled_as_organisation_joins_person_written_beside_it() -> None:
    index = EntityIndex.from_mentions(
        {"a": [mention("Kayrat Samarkan"), *many("Samarkan", 3, kind="ORG")]}
    )
    entity = index.find("Samarkan")
    assert entity is not None and entity.name == "Kayrat Samarkan"
    assert entity.kind == "PERSON"  # voted among full names: more reliable than a lone word


def test_place_never_joins_a_longer_place_or_a_person_named_elsewhere() -> None:
    index = EntityIndex.from_mentions(
        {
            "a": [mention("Central Asia", "PLACE"), *many("Asia", 2, "PLACE")],
            "b": many("Washington", 4, "PLACE"),
            "c": [mention("George Washington")],
        }
    )
    assert names(index) == {"Central Asia", "Asia", "Washington", "George Washington"}


def test_organisation_brand_stays_apart_from_a_rare_longer_name() -> None:
    index = EntityIndex.from_mentions(
        {
            "a": many("Nintendo", 3, "ORG"),
            "b": many("Nintendo", 3, "ORG"),
            "c": [mention("Nintendo Europe", "ORG"), mention("Nintendo", "ORG")],
            "d": [mention("European Commission", "ORG"), *many("Commission", 3, "ORG")],
        }
    )
    assert {"Nintendo", "Nintendo Europe"} <= names(index)
    assert aliases_of(index, "Commission") == {"European Commission", "Commission"}


def test_noise_entity_is_not_a_full_name() -> None:
    index = EntityIndex.from_mentions(
        {"a": [*many("Chelsea", 3, "ORG"), mention("Chelsea v Birmingham", "ORG")]}
    )
    assert names(index) == {"Chelsea", "Chelsea v Birmingham"}


def test_acronym_joins_name_written_with_it_once() -> None:
    index = EntityIndex.from_mentions(
        {
            "a": [mention("Radio Free Asia", "ORG"), mention("RFA", "ORG")],
            "b": many("RFA", 2, "ORG"),
            "c": [mention("U.S.", "PLACE"), mention("United States", "PLACE")],
            "d": many("NBA", 3, "ORG"),
            "e": [mention("Newcastle Brown Ale", "ORG")],
        }
    )
    assert aliases_of(index, "RFA") == {"Radio Free Asia", "RFA"}
    assert index.find("RFA").name == "Radio Free Asia"  # type: ignore[union-attr]
    assert aliases_of(index, "US") == {"U.S.", "United States"}
    assert "NBA" in names(index) and "Newcastle Brown Ale" in names(index)


# ---- transliteration variants --------------------------------------------------------------


def test_transliteration_variants_across_sources_merge() -> None:
    index = EntityIndex.from_mentions(
        {
            "diplomat": [*many("Uyghur", 4, "GROUP"), *many("Uyghurs", 2, "GROUP")],
            "lawfare": [*many("Uighur", 3, "GROUP"), *many("Uighurs", 2, "GROUP")],
            "x": [mention("Kairat Abdrakhmanov")],
            "y": [mention("Kairat Abdurakhmanov")],
        }
    )
    uyghur = index.find("uighurs")
    assert uyghur is not None
    assert set(uyghur.aliases) == {"Uyghur", "Uyghurs", "Uighur", "Uighurs"}
    assert uyghur.name == "Uyghur"  # most frequent spelling
    assert uyghur.mentions == 11
    assert aliases_of(index, "Kairat Abdrakhmanov") == {
        "Kairat Abdrakhmanov",
        "Kairat Abdurakhmanov",
    }


@pytest.mark.parametrize(
    ("first", "second", "kind"),
    [
        ("Kazakh", "Kazakhstan", "PLACE"),
        ("Kazakh", "Kyrgyz", "GROUP"),
        ("Xinjiang", "Xi Jinping", "PLACE"),
        ("Iran", "Iraq", "PLACE"),
        ("Austria", "Australia", "PLACE"),
        ("Gerrard", "Gerard", "PERSON"),
        ("O'Sullivan", "Sullivan", "PERSON"),
    ],
)
def test_distinct_names_stay_apart(first: str, second: str, kind: str) -> None:
    # plural forms too, so that corroboration cannot be what keeps them apart
    index = EntityIndex.from_mentions(
        {
            "a": [*many(first, 3, kind), mention(first + "s", kind)],
            "b": [*many(second, 3, kind), mention(second + "s", kind)],
        }
    )
    assert index.find(first) is not index.find(second)


def test_lone_look_alike_surnames_are_not_merged() -> None:
    index = EntityIndex.from_mentions({"a": many("Williams", 5), "b": many("Walliams", 2)})
    assert names(index) == {"Williams", "Walliams"}


def test_variants_written_in_one_article_are_two_names() -> None:
    index = EntityIndex.from_mentions(
        {
            "a": [*many("Uyghur", 2, "GROUP"), *many("Uighur", 2, "GROUP")],
            "b": [mention("Uyghurs", "GROUP")],
            "c": [mention("Uighurs", "GROUP")],
        }
    )
    assert index.find("Uyghur") is not index.find("Uighur")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("uyghur", "uighur", True),
        ("abdrakhmanov", "abdurakhmanov", True),
        ("sayragul", "sairagul", True),
        ("aqylbek", "akylbek", True),
        ("kazakh", "kazakhstan", False),
        ("kazakh", "kyrgyz", False),
        ("iran", "iraq", False),
        ("adrian", "adriano", False),
        ("gerrard", "gerard", False),
    ],
)
def test_is_variant(a: str, b: str, expected: bool) -> None:
    assert is_variant(a, b) is expected


# ---- kinds, plurals, dates and figures ----------------------------------------------------


def test_one_spelling_is_one_entity_whatever_the_model_called_it() -> None:
    index = EntityIndex.from_mentions(
        {"a": [*many("Sauytbay", 3), mention("Sauytbay", "ORG"), mention("Sauytbay", "PLACE")]}
    )
    assert len(index.entities) == 1
    assert index.entities[0].kind == "PERSON"
    assert index.entities[0].mentions == 5


def test_plurals_join_for_groups_not_for_people_or_organisations() -> None:
    index = EntityIndex.from_mentions(
        {
            "a": [*many("Kazakh", 2, "GROUP"), mention("Kazakhs", "GROUP")],
            "b": [*many("Williams", 2), mention("William")],
            "c": [*many("Times", 2, "ORG"), mention("Time", "ORG")],
        }
    )
    assert aliases_of(index, "Kazakh") == {"Kazakh", "Kazakhs"}
    assert index.find("Williams") is not index.find("William")
    assert index.find("Times") is not index.find("Time")


def test_dates_and_figures_group_by_exact_text_only() -> None:
    index = EntityIndex.from_mentions(
        {
            "a": [
                mention("2018", "DATE"),
                mention("2019", "DATE"),
                mention("2018", "DATE", start=50),
                mention("5%", "FIGURE", label="PERCENT"),
                mention("$5", "FIGURE", label="MONEY"),
            ]
        }
    )
    assert names(index, "DATE") == {"2018", "2019"}
    assert index.find("2018").mentions == 2  # type: ignore[union-attr]
    assert {e.label for e in index.of_kind("FIGURE")} == {"PERCENT", "MONEY"}


# ---- queries --------------------------------------------------------------------------------


def test_find_matches_any_alias_ignoring_case_and_accents() -> None:
    index = EntityIndex.from_mentions({"a": [mention("Sayragul Sauytbay"), mention("Sauytbay")]})
    assert index.find("SAUYTBAY") is index.find("sayragul sauytbáy") is index.entities[0]
    assert index.spellings("sauytbay") == ["Sauytbay", "Sayragul Sauytbay"]  # by count, A-Z
    assert index.find("Nobody") is None
    assert index.spellings("Nobody") == []


def test_find_prefers_most_mentioned_and_honours_kind() -> None:
    index = EntityIndex.from_mentions(
        {
            "a": [*many("Jordan", 3, "PLACE")],
            "b": [mention("Jordan", "PERSON")],
        }
    )
    # one spelling is one entity (voted PLACE); asking for a PERSON finds nothing
    assert index.find("Jordan").kind == "PLACE"  # type: ignore[union-attr]
    assert index.find("Jordan", kind="PERSON") is None


def test_for_article_gives_spans_paragraphs_and_counts_in_order() -> None:
    index = EntityIndex.from_mentions(
        {
            "a": [
                mention("Sayragul Sauytbay", start=10, paragraph=2),
                mention("Kazakhstan", "PLACE", start=40, paragraph=2),
                mention("Sauytbay", start=90, paragraph=4),
                mention("Sauytbay", start=120, paragraph=4),
            ],
            "b": [mention("Kazakhstan", "PLACE", start=5)],
        }
    )
    items = index.for_article("a")
    assert [i.entity.name for i in items] == ["Sayragul Sauytbay", "Kazakhstan"]  # PERSON first
    person = items[0]
    assert person.count == 3
    assert person.spans == [(10, 27), (90, 98), (120, 128)]
    assert person.paragraphs == [2, 4]
    assert items[1].entity.mentions == 2
    assert index.for_article("zzz") == []


# ---- noise -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label", "expected"),
    [
        ("the Diplomat", "ORG", "Diplomat"),
        ("The Lawfare Institute", "ORG", "Lawfare Institute"),
        ("Sauytbay’s", "PERSON", "Sauytbay"),
        ("Sauytbay's", "PERSON", "Sauytbay"),
        ("Kazakhs'", "NORP", "Kazakhs"),
        ("China.", "GPE", "China"),
        ("U.S.", "GPE", "U.S."),
        ("“Kazakh", "NORP", "Kazakh"),
        ("Xinjiang,", "GPE", "Xinjiang"),
        ("a Human Rights Watch", "ORG", "Human Rights Watch"),
        ("Strike Hard Campaign against", "ORG", "Strike Hard Campaign"),
        ("Shanghai Cooperation Organization (SCO", "ORG", "Shanghai Cooperation Organization"),
        ("He", "PERSON", None),
        ("them", "ORG", None),
        ("X", "PERSON", None),
        ("—", "ORG", None),
        ("  ", "GPE", None),
        ("n’t", "GPE", None),
        ("fed", "ORG", None),
        ("5", "CARDINAL", "5"),
        ("the 1990s", "DATE", "the 1990s"),
    ],
)
def test_noise_is_cleaned(text: str, label: str, expected: str | None) -> None:
    padded = f"<<{text}>>"
    span = clean_span(padded, 2, 2 + len(text), label)
    assert (padded[span[0] : span[1]] if span else None) == expected


def test_mentions_skip_furniture_and_unkept_labels_and_point_into_the_text() -> None:
    text = (
        "Title line\n\nPhoto credit: Reuters\n\nThe Kazakh envoy met Sauytbay’s lawyer in Almaty."
    )
    spans = split_paragraphs(text)
    paragraphs = mark_furniture(spans, text, "Title line")
    article = Article("x", Path("x.txt"), text, ArticleMeta(title="Title line"), paragraphs)
    at = text.index
    raw = [
        RawEntity(at("Reuters"), at("Reuters") + 7, "ORG"),  # furniture paragraph
        RawEntity(at("The Kazakh"), at("The Kazakh") + 10, "NORP"),
        RawEntity(at("Sauytbay"), at("Sauytbay") + 10, "PERSON"),  # with ’s
        RawEntity(at("Almaty"), at("Almaty") + 7, "GPE"),  # with the full stop
        RawEntity(at("lawyer"), at("lawyer") + 6, "WORK_OF_ART"),  # label not kept
    ]
    found = to_mentions(article, raw)
    assert [(m.text, m.kind, m.paragraph) for m in found] == [
        ("Kazakh", "GROUP", 3),
        ("Sauytbay", "PERSON", 3),
        ("Almaty", "PLACE", 3),
    ]
    assert all(text[m.start : m.end] == m.text for m in found)


# ---- the alias file -------------------------------------------------------------------------


def test_alias_file_merges_splits_and_sets_kinds(tmp_path: Path) -> None:
    (tmp_path / "aliases.yaml").write_text(
        "merge:\n"
        "  - [Atajurt Volunteers, Atajurt, Atazhurt]\n"
        "split:\n"
        "  - Sauytbay\n"
        "kind:\n"
        "  Atajurt: ORG\n",
        encoding="utf-8",
    )
    rules = load_alias_rules(tmp_path)
    assert rules.problems == []
    index = EntityIndex.from_mentions(
        {
            "a": [
                *many("Atajurt", 3, "PLACE"),
                mention("Atazhurt", "PERSON"),
                mention("Sayragul Sauytbay"),
                *many("Sauytbay", 2),
            ]
        },
        rules=rules,
    )
    atajurt = index.find("Atazhurt")
    assert atajurt is not None
    assert set(atajurt.aliases) == {"Atajurt", "Atazhurt"}
    assert atajurt.kind == "ORG"
    assert atajurt.name == "Atajurt"  # the first listed spelling that occurs names it
    assert index.find("Sauytbay") is not index.find("Sayragul Sauytbay")


def test_without_alias_file_the_same_mentions_group_automatically() -> None:
    index = EntityIndex.from_mentions(
        {"a": [mention("Sayragul Sauytbay"), *many("Sauytbay", 2)]}, rules=AliasRules()
    )
    assert index.find("Sauytbay") is index.find("Sayragul Sauytbay")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("merge: [[a, b]\n", "not valid YAML (line"),
        ("- just\n- a list\n", "must be a mapping"),
        ("merge: [Kazakh, Kazakhs]\n", "merge entry 1 must list two or more names"),
        ("split: Kazakh\n", "split: must be a list"),
        ("kind: {Kazakh: NATION}\n", "must be one of"),
        ("merges: []\n", "unknown key(s) merges"),
        ("!!python/object:os.system x\n", "not valid YAML"),
    ],
)
def test_bad_alias_file_is_reported_and_ignored(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "aliases.yaml").write_text(content, encoding="utf-8")
    rules = load_alias_rules(tmp_path)
    assert any(message in problem for problem in rules.problems), rules.problems
    assert rules.merge == [] and rules.split == set() and rules.kind == {}
    index = EntityIndex.from_mentions({"a": [mention("Kazakh", "GROUP")]}, rules=rules)
    assert index.problems == rules.problems
