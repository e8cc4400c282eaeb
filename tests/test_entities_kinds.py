"""Kind corrections and corpus-aware noise rules, on synthetic mentions (no spaCy)."""

from __future__ import annotations

from test_entities_support import many, mention

from tuireader.core.entities.extract import refine_name_span
from tuireader.core.entities.groups import group_mentions, refine_mentions
from tuireader.core.entities.index import EntityIndex


def kind_of(index: EntityIndex, name: str) -> str:
    entity = index.find(name)
    assert entity is not None, f"{name} not found"
    return entity.kind


def span_text(text: str, word: str, kind: str) -> str | None:
    start = text.index(word)
    span = refine_name_span(text, start, start + len(word), kind)
    return None if span is None else text[span[0] : span[1]]


# ---- kinds ---------------------------------------------------------------------------------


def test_a_name_with_its_plural_is_a_group_whatever_the_model_said() -> None:
    index = EntityIndex.from_mentions(
        {
            "a": [*many("Kazakh", 5, "PLACE"), *many("Kazakhs", 4, "PLACE")],
            "b": [*many("Kazakh", 2, "ORG"), mention("Kazakh")],
        }
    )
    assert kind_of(index, "Kazakh") == "GROUP"
    assert index.find("Kazakhs") is index.find("Kazakh")


def test_a_place_or_brand_with_a_plural_keeps_its_kind() -> None:
    index = EntityIndex.from_mentions(
        {
            "a": [*many("Britain", 20, "PLACE"), mention("Britains", "GROUP")],
            "b": [*many("Saab", 6, "ORG"), *many("Saabs", 2, "GROUP")],
        }
    )
    assert kind_of(index, "Britain") == "PLACE"
    assert kind_of(index, "Saab") == "ORG"


def test_a_place_that_is_mostly_its_plural_stays_a_place() -> None:
    index = EntityIndex.from_mentions(
        {"a": [*many("Philippines", 10, "PLACE"), mention("Philippine", "PLACE")]}
    )
    assert kind_of(index, "Philippines") == "PLACE"


def test_the_stem_of_a_stan_country_is_a_group() -> None:
    index = EntityIndex.from_mentions(
        {"a": [*many("Kyrgyz", 3, "PLACE"), *many("Kyrgyzstan", 2, "PLACE")]}
    )
    assert kind_of(index, "Kyrgyz") == "GROUP"
    assert kind_of(index, "Kyrgyzstan") == "PLACE"


def test_a_stem_without_its_country_keeps_its_kind() -> None:
    index = EntityIndex.from_mentions({"a": many("Kyrgyz", 3, "PLACE")})
    assert kind_of(index, "Kyrgyz") == "PLACE"


def test_a_full_name_whose_short_form_is_a_person_is_a_person() -> None:
    index = EntityIndex.from_mentions(
        {"a": [mention("Kassym-Jomart Tokayev", "ORG"), *many("Tokayev", 4)]}
    )
    entity = index.find("Tokayev")
    assert entity is not None and entity.name == "Kassym-Jomart Tokayev"
    assert entity.kind == "PERSON"


def test_common_words_keep_an_organisation() -> None:
    mentions = {"a": [mention("Ask Jeeves", "ORG"), *many("Jeeves", 3)]}
    assert kind_of(EntityIndex.from_mentions(mentions), "Ask Jeeves") == "PERSON"
    groups, _ = group_mentions(mentions, vocabulary=frozenset({"ask"}))
    assert [g.kind for g in groups if g.name == "Ask Jeeves"] == ["ORG"]


def test_an_organisation_word_keeps_an_organisation() -> None:
    index = EntityIndex.from_mentions(
        {"a": [*many("Justice Party", 2, "ORG"), *many("Justice", 1, "PERSON")]}
    )
    assert kind_of(index, "Justice Party") == "ORG"


# ---- official names ------------------------------------------------------------------------


def test_an_official_name_joins_its_country_which_names_the_entity() -> None:
    index = EntityIndex.from_mentions(
        {
            "a": [mention("Republic of Kazakhstan", "PLACE"), *many("Kazakhstan", 3, "PLACE")],
            "b": [mention("People’s Republic of China", "PLACE"), *many("China", 2, "PLACE")],
        }
    )
    assert index.find("Republic of Kazakhstan") is index.find("Kazakhstan")
    entity = index.find("People's Republic of China")
    assert entity is not None and entity.name == "China"
    assert index.find("Czech Republic") is None


def test_an_official_name_needs_the_place_itself() -> None:
    index = EntityIndex.from_mentions(
        {"a": [mention("Republic of Ireland", "PLACE"), mention("Irish", "GROUP")]}
    )
    entity = index.find("Republic of Ireland")
    assert entity is not None and entity.name == "Republic of Ireland"


# ---- corpus-aware noise --------------------------------------------------------------------


def test_a_place_glued_before_a_person_is_stripped() -> None:
    out = refine_mentions(
        {
            "a": [*many("Kazakhstan", 3, "PLACE"), mention("Kazakhstan Zhang Hanhui", start=500)],
            "b": [mention("China Shahrat Nuryshev", "ORG", start=10), *many("China", 3, "PLACE")],
        },
        frozenset({"ambassador", "met"}),
    )
    glued = next(m for m in out["a"] if m.kind == "PERSON")
    assert glued.text == "Zhang Hanhui"
    assert (glued.start, glued.end) == (511, 523)
    assert any(m.text == "Shahrat Nuryshev" for m in out["b"])


def test_an_organisation_named_after_a_place_is_kept_whole() -> None:
    mentions = {
        "a": [
            *many("London", 3, "PLACE"),
            *many("London Stock Exchange", 2, "ORG"),
            mention("London Symphony Orchestra", "ORG"),
            mention("London Metropolitan Police Service", "ORG"),
        ]
    }
    out = refine_mentions(mentions, frozenset({"stock", "exchange", "symphony", "orchestra"}))
    assert [m.text for m in out["a"]] == [m.text for m in mentions["a"]]
    assert [m.text for m in refine_mentions(mentions)["a"]] == [m.text for m in mentions["a"]]


def test_a_rare_place_or_common_words_are_not_stripped() -> None:
    mentions = {
        "a": [
            mention("Tommy", "PLACE"),
            mention("Tommy Lee Jones"),
            *many("Blackpool", 3, "PLACE"),
            mention("Blackpool Pleasure Beach"),
        ]
    }
    out = refine_mentions(mentions, frozenset({"pleasure", "beach"}))
    assert [m.text for m in out["a"]] == [m.text for m in mentions["a"]]


def test_a_demonym_is_not_a_place_to_strip() -> None:
    mentions = {
        "a": [
            *many("Kazakh", 3, "ORG"),
            mention("Kazakh", "PLACE"),
            mention("Kazakh Serik Bolat"),
        ]
    }
    assert refine_mentions(mentions)["a"][-1].text == "Kazakh Serik Bolat"


def test_a_lone_common_word_called_a_person_once_is_dropped() -> None:
    mentions = {"a": [mention("Belt"), mention("Brown"), mention("Gordon Brown")]}
    out = refine_mentions(mentions, frozenset({"belt", "brown"}))
    assert [m.text for m in out["a"]] == ["Brown", "Gordon Brown"]
    assert len(refine_mentions(mentions)["a"]) == 3  # no vocabulary, nothing dropped


# ---- text-aware noise ----------------------------------------------------------------------


def test_a_fragment_of_a_slashed_acronym_is_dropped() -> None:
    assert span_text("a report by RFE/RL on Monday", "RL", "PERSON") is None
    assert span_text("the UK and the US agreed", "UK", "PLACE") == "UK"


def test_an_all_caps_heading_word_is_dropped() -> None:
    assert span_text("BACKGROUND: camps were found", "BACKGROUND", "ORG") is None
    assert span_text("intro\nSUMMARY\nthe text", "SUMMARY", "ORG") is None
    assert span_text("a report by NATO today", "NATO", "ORG") == "NATO"


def test_a_job_title_is_not_an_organisation() -> None:
    text = "the Minister of Foreign Affairs and the Ministry of Foreign Affairs met"
    assert span_text(text, "Minister of Foreign Affairs", "ORG") is None
    assert span_text(text, "Ministry of Foreign Affairs", "ORG") == "Ministry of Foreign Affairs"
    assert (
        span_text("Secretary of State Office", "Secretary of State Office", "ORG")
        == "Secretary of State Office"
    )


def test_an_unclosed_quote_inside_a_name_keeps_the_quoted_name() -> None:
    text = "in Xinjiang “Strike Hard Campaign against"
    assert span_text(text, "Xinjiang “Strike Hard Campaign", "ORG") == "Strike Hard Campaign"
    nick = 'Mohammed "Mo" Farah won'
    assert span_text(nick, 'Mohammed "Mo" Farah', "PERSON") == 'Mohammed "Mo" Farah'


def test_a_leading_descriptor_is_trimmed() -> None:
    assert span_text("Ethnic Kazakhs fled", "Ethnic Kazakhs", "PERSON") == "Kazakhs"
