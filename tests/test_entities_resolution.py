"""Resolution inside each article (titles, short forms, acronyms) and junk entities.

Most tests feed hand-made NER results (`RawEntity`, offsets found in the text written here)
to the cleaning and grouping steps; one runs the real model on two small articles.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_entities_support import found, mention

from tuireader.core.corpus import Article, ArticleMeta, mark_furniture, split_paragraphs
from tuireader.core.entities.extract import (
    Lexicon,
    RawEntity,
    decode_entities_in_place,
    find_missed_mentions,
    to_mentions,
)
from tuireader.core.entities.index import EntityIndex
from tuireader.core.entities.resolve import match_key, resolve_article, strip_titles
from tuireader.core.settings import DEFAULT_SPACY_MODEL
from tuireader.core.workspace import Workspace


def article(article_id: str, text: str, title: str) -> Article:
    """An article as the workspace would load it (paragraphs, furniture, title)."""
    paragraphs = mark_furniture(split_paragraphs(text), text, title)
    return Article(
        article_id, Path(f"{article_id}.txt"), text, ArticleMeta(title=title), paragraphs
    )


def index_of(*articles: tuple[Article, list[RawEntity]]) -> EntityIndex:
    return EntityIndex.from_raw(
        [a for a, _ in articles], {a.id: raw for a, raw in articles}, model="test"
    )


# ---- titles and short forms --------------------------------------------------------------

POLITICS = """Blair defends his record

Prime Minister Tony Blair has defended the government's record on schools.

Mr Blair told MPs that Gordon Brown, the Chancellor, agreed with him. Blair said the
plans were fair, and Mr Brown said the money was there.
"""

SPORT = """Brown double sinks City

Brown scored twice as United beat City 2-0 on Saturday.

The striker, who joined in the summer, said: "Brown is a name you will hear again."
"""


def spans_by_entity(index: EntityIndex, source: Article) -> dict[str, set[str]]:
    """Entity name -> the texts its mentions span in `source`."""
    out: dict[str, set[str]] = {}
    for item in index.for_article(source.id):
        out.setdefault(item.entity.name, set()).update(
            source.text[start:end] for start, end in item.spans
        )
    return out


def politics_and_sport() -> tuple[Article, Article, EntityIndex]:
    politics = article("politics", POLITICS, "Blair defends his record")
    sport = article("sport", SPORT, "Brown double sinks City")
    index = index_of(
        (
            politics,
            found(
                POLITICS,
                ("Tony Blair", "PERSON"),
                ("Mr Blair", "ORG"),  # the small model calls "Mr X" an organisation
                ("Blair", "PERSON"),
                ("Gordon Brown", "PERSON"),
                ("Mr Brown", "PERSON"),
                ("MPs", "ORG"),
            ),
        ),
        (sport, found(SPORT, ("Brown", "PERSON"), ("United", "ORG"), ("City", "ORG"))),
    )
    return politics, sport, index


def test_titles_are_stripped_for_matching_but_kept_in_the_text() -> None:
    politics, _, index = politics_and_sport()
    by_entity = spans_by_entity(index, politics)
    # "Prime Minister Tony Blair": the model's span is "Tony Blair"; the headline's "Blair"
    # gives nothing (headline), the body's "Mr Blair" and "Blair" are him.
    assert by_entity["Tony Blair"] == {"Tony Blair", "Mr Blair", "Blair"}
    assert by_entity["Gordon Brown"] == {"Gordon Brown", "Mr Brown"}
    assert index.find("Mr Blair").kind == "PERSON"  # type: ignore[union-attr]
    assert index.find("Mr Blair").name == "Tony Blair"  # type: ignore[union-attr]


def test_a_lone_surname_never_joins_a_namesake_of_another_article() -> None:
    _, sport, index = politics_and_sport()
    by_entity = spans_by_entity(index, sport)
    assert "Gordon Brown" not in by_entity
    assert by_entity["Brown"] == {"Brown"}
    brown = [e for e in index.entities if e.name == "Brown"]
    assert len(brown) == 1 and brown[0].articles == {"sport": 2}
    assert index.find("Gordon Brown").articles == {"politics": 2}  # type: ignore[union-attr]


def test_the_longest_compatible_full_name_introduced_earlier_wins() -> None:
    mentions = [
        mention("Gordon Brown", start=0),
        mention("Nick Brown", start=50),
        mention("Brown", start=100),  # the most recent of the equally long ones
        mention("Mr Nick", start=120),  # a first name after a title
        mention("Gordon", start=150),
    ]
    refs = [m.ref for m in resolve_article(mentions)]
    assert refs == ["", "", "nick brown", "nick brown", "gordon brown"]


def test_a_short_form_before_its_only_full_name_still_resolves() -> None:
    mentions = [mention("Sauytbay", start=0), mention("Sayragul Sauytbay", start=40)]
    assert [m.ref for m in resolve_article(mentions)] == ["sayragul sauytbay", ""]


def test_places_and_groups_do_not_resolve_to_people_by_first_name() -> None:
    mentions = [
        mention("George Washington", start=0),
        mention("George", "PLACE", start=30),
        mention("Kazakh", "GROUP", start=60),
        mention("Kazakh Tokayev", start=80),
    ]
    assert [m.ref for m in resolve_article(mentions)] == ["", "", "", ""]


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("Prime Minister Tony Blair", "PERSON", "Tony Blair"),
        ("Mr Blair", "ORG", "Blair"),
        ("Dr. Rowan Williams", "PERSON", "Rowan Williams"),
        ("President Hotel", "ORG", "President Hotel"),  # a name, not a title, for an ORG
        ("Foreign Office", "ORG", "Foreign Office"),
        ("Prince Charles", "PERSON", "Prince Charles"),  # royal titles belong to the name
        ("President", "PERSON", "President"),  # one word always stays
    ],
)
def test_strip_titles(text: str, kind: str, expected: str) -> None:
    assert strip_titles(text, kind) == expected


def test_canonical_name_is_the_full_name_not_the_titled_surname() -> None:
    index = EntityIndex.from_mentions(
        {"a": [mention("Ed Balls", start=0), *(mention("Mr Balls", start=i) for i in (50, 90))]}
    )
    entity = index.find("Mr Balls")
    assert entity is not None and entity.name == "Ed Balls" and entity.mentions == 3
    assert match_key(mention("Mr Balls")) == "balls"


# ---- acronyms ----------------------------------------------------------------------------

RADIO = """Broadcaster expands

The US-funded Radio Free Europe/Radio Liberty (RFE/RL) opened a bureau. Officials said
RFE/RL would hire local staff, and the Organisation for Economic Co-operation and
Development (OECD) welcomed it.
"""


def test_acronym_introduced_in_brackets_is_the_name_it_follows() -> None:
    source = article("radio", RADIO, "Broadcaster expands")
    index = index_of(
        (
            source,
            found(
                RADIO,
                ("Radio Free Europe/Radio Liberty", "ORG"),
                ("RFE/RL", "ORG"),
                ("Organisation for Economic Co-operation and\nDevelopment", "ORG"),
                ("OECD", "ORG"),
            ),
        )
    )
    by_entity = spans_by_entity(index, source)
    assert by_entity["Radio Free Europe/Radio Liberty"] == {
        "Radio Free Europe/Radio Liberty",
        "RFE/RL",
    }
    assert len(index.for_article("radio")) == 2
    oecd = index.find("OECD")
    assert oecd is not None and oecd.name.startswith("Organisation for Economic")


def test_a_clipped_name_in_brackets_is_the_name_it_follows() -> None:
    # As BBC writes the Yukos unit: the full name, its clipped form in brackets, then the
    # clipped form alone (the model calls it a place).
    text = (
        "It sold its unit Yuganskneftegas (Yugansk) last month. State-owned Rosneft now "
        "owns Yugansk. Rosneft (Ros) is not clipped from a one-word name's start: Ros is."
    )
    mentions = [
        mention("Yuganskneftegas", "ORG", start=text.index("Yuganskneftegas")),
        mention("Yugansk", "PLACE", start=text.index("Yugansk)")),
        mention("Rosneft", "ORG", start=text.index("Rosneft")),
        mention("Yugansk", "PLACE", start=text.index("Yugansk.")),
        mention("Rosneft", "ORG", start=text.rindex("Rosneft")),
        mention("Ros", "ORG", start=text.index("Ros)")),
    ]
    refs = [m.ref for m in resolve_article(mentions)]
    assert refs == ["", "yuganskneftegas", "", "yuganskneftegas", "", ""]  # "Ros": 3 letters


def test_the_corpus_shows_a_clipped_name_for_articles_that_never_expand_it() -> None:
    first = "The tax bill forced it to sell its unit Yuganskneftegas (Yugansk) in a hurry."
    second = "Rosneft now owns Yugansk, and Yugansk pumps oil. Rosneft paid cash for it."
    index = index_of(
        (
            article("sale", first, "Unit sold"),
            found(first, ("Yuganskneftegas", "ORG"), ("Yugansk", "GPE")),
        ),
        (article("owner", second, "New owner"), found(second, ("Yugansk", "GPE"))),
    )
    unit = index.find("Yugansk")
    assert unit is not None and unit.articles == {"owner": 2, "sale": 2}
    assert set(unit.aliases) == {"Yuganskneftegas", "Yugansk"}
    assert unit.kind == "ORG"  # the full name's label, not the clipped form's


def test_a_wife_titled_mrs_is_not_the_husband_the_corpus_calls_mr() -> None:
    # As BBC wrote it: the Tory leader is "Mr Howard" story after story; one story is about
    # his wife, named "Mrs Howard" after his full name. She is not him.
    leader = "Michael Howard spoke today. Mr Howard said taxes would fall, and Mr Howard left."
    wife = (
        "Michael Howard's wife, Sandra, is to tour target seats. Mrs Howard will visit "
        "schools, and Mrs Howard made her debut speech in the autumn."
    )
    rice = "Condoleezza Rice flew in. Ms Rice met the president. Ms Rice then left."
    sources = [
        *(
            (
                article(f"leader{n}", leader, "Leader"),
                found(leader, ("Michael Howard", "PERSON"), ("Howard", "PERSON")),
            )
            for n in range(5)  # "Mr Howard" ten times: five times her two "Mrs Howard"
        ),
        (
            article("wife", wife, "Wife"),
            found(wife, ("Michael Howard", "PERSON"), ("Mrs Howard", "PERSON")),
        ),
        (
            article("rice", rice, "Rice"),
            found(rice, ("Condoleezza Rice", "PERSON"), ("Rice", "PERSON")),
        ),
    ]
    index = index_of(*sources)
    husband = index.find("Michael Howard")
    assert husband is not None and "Mrs Howard" not in husband.aliases
    assert husband.articles == {**{f"leader{n}": 3 for n in range(5)}, "wife": 1}
    her = index.find("Mrs Howard")
    assert her is not None and her.kind == "PERSON" and her.articles == {"wife": 2}
    # A woman the corpus writes "Ms" only keeps her titled short forms.
    assert index.find("Condoleezza Rice").articles == {"rice": 3}  # type: ignore[union-attr]


def test_an_acronym_far_from_a_name_is_left_alone() -> None:
    mentions = [
        mention("Radio Free Asia", "ORG", start=0),
        mention("RFA", "ORG", start=200),  # not in brackets after the name
    ]
    assert [m.ref for m in resolve_article(mentions)] == ["", ""]


# ---- junk --------------------------------------------------------------------------------

JUNK = """Kazakh Foreign Minister visits London

Background

Mid-2018 was a turning point. Kazakh Foreign Minister Kairat Abdrakhmanov met
Tony Blair and Gordon Brown in London, while the National Development and Reform
Commission of China watched. AT&amp;T and Lib Dem MPs took note.

The Liberal Democrat leader spoke, and the Liberal Democrats agreed.
"""


def junk_mentions() -> list[tuple[str, str]]:
    source = article("junk", JUNK, "Kazakh Foreign Minister visits London")
    raw = found(
        JUNK,
        ("Kazakh Foreign", "ORG"),  # in the headline and in the body
        ("London", "GPE"),
        ("Background", "ORG"),
        ("Mid-2018", "ORG"),
        ("Kairat Abdrakhmanov", "PERSON"),
        ("Tony Blair and Gordon Brown", "PERSON"),
        ("National Development and Reform\nCommission", "ORG"),
        ("AT&amp;T", "ORG"),
        ("Lib Dem MPs", "PERSON"),
        ("Liberal", "ORG"),
        ("Democrat", "NORP"),
    )
    # "the Liberal Democrats": the model finds only "Democrats"
    second = JUNK.index("Liberal Democrats") + len("Liberal ")
    raw = [r for r in raw if not (r.start == second and r.label == "NORP")]
    raw.append(RawEntity(second, second + len("Democrats"), "NORP"))
    raw = [r for r in raw if JUNK[r.start : r.end] != "Liberal" or r.start < second - 8]
    index = index_of((source, raw))
    return sorted(
        (source.text[start:end].replace("\n", " "), item.entity.kind)
        for item in index.for_article("junk")
        for start, end in item.spans
    )


def test_junk_forms_give_no_entities() -> None:
    spans = junk_mentions()
    texts = [text for text, _ in spans]
    assert "Kazakh Foreign" not in texts  # truncated title, headline and body alike
    assert "Background" not in texts  # a section heading
    assert ("Mid-2018", "ORG") not in spans
    assert "MPs" not in " ".join(texts)
    assert "Liberal" not in texts and "Democrat" not in texts
    assert "Tony Blair and Gordon Brown" not in texts
    assert texts.count("London") == 1  # the headline's London is not counted


def test_junk_is_replaced_by_what_it_should_have_been() -> None:
    spans = junk_mentions()
    texts = [text for text, _ in spans]
    assert {"Tony Blair", "Gordon Brown", "Lib Dem", "Kairat Abdrakhmanov"} <= set(texts)
    assert "National Development and Reform Commission" in texts  # one organisation
    assert "Liberal Democrat" in texts and "Liberal Democrats" in texts
    assert ("Mid-2018", "DATE") in spans


def test_and_splits_unless_the_corpus_shows_one_name() -> None:
    index = EntityIndex.from_mentions(
        {
            "a": [mention("Trinidad and Tobago", "PLACE"), mention("Brown and Williamson", "ORG")],
            "b": [mention("Trinidad and Tobago", "PLACE"), mention("Trinidad", "PLACE")],
            "c": [mention("Brown", start=0), mention("Williamson", start=20)],
        }
    )
    names = {e.name for e in index.entities}
    assert "Trinidad and Tobago" in names  # written so in two articles: one name
    # Written once, and both of its words are names of their own elsewhere: two names.
    assert "Brown and Williamson" not in names and {"Brown", "Williamson"} <= names
    assert index.find("Brown").articles == {"a": 1, "c": 1}  # type: ignore[union-attr]


def test_html_entities_are_decoded_for_the_model_and_in_spellings() -> None:
    assert decode_entities_in_place("AT&amp;T &lt;b&gt;") == "AT&    T <   b>   "
    assert len(decode_entities_in_place("Procter &amp; Gamble")) == len("Procter &amp; Gamble")
    source = article("html", JUNK, "Kazakh Foreign Minister visits London")
    found_here = to_mentions(source, found(JUNK, ("AT&amp;T", "ORG")))
    assert [m.text for m in found_here] == ["AT&T"]


def test_a_missed_surname_is_linked_only_inside_its_article() -> None:
    sport = article("sport", SPORT, "Brown double sinks City")
    taken = to_mentions(sport, found(SPORT, ("United", "ORG")))
    lexicon = Lexicon({("Brown",): ("PERSON", "PERSON"), ("United",): ("ORG", "ORG")})
    # "Brown" is known from another article, where it stood for Gordon Brown: in a story
    # that names no Brown of its own it is not guessed.
    assert find_missed_mentions(sport, lexicon, taken) == []
    taken = to_mentions(sport, found(SPORT, ("Brown", "PERSON")))[:1]
    extra = find_missed_mentions(sport, lexicon, taken)
    assert [(m.text, m.ref) for m in extra] == [("Brown", "")]  # as the article's own Brown


# ---- with the real model -----------------------------------------------------------------


def test_real_model_links_titles_within_articles_and_not_across(tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    pytest.importorskip(DEFAULT_SPACY_MODEL)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "politics.txt").write_text(POLITICS, encoding="utf-8")
    (seeds / "sport.txt").write_text(SPORT, encoding="utf-8")
    workspace = Workspace.open(tmp_path)
    index = EntityIndex.build(workspace)
    assert index.problems == []
    politics, sport = workspace.articles["politics"], workspace.articles["sport"]
    spans = {item.entity.name: item.spans for item in index.for_article("politics")}
    # The model spans "Blair" of "Mr Blair" (or the whole): either way the mention is his.
    assert len(spans["Tony Blair"]) == 3  # Tony Blair, (Mr) Blair, Blair said
    assert len(spans["Gordon Brown"]) == 2  # Gordon Brown, (Mr) Brown
    in_politics = spans_by_entity(index, politics)
    in_sport = spans_by_entity(index, sport)
    assert "Gordon Brown" not in in_sport and "Tony Blair" not in in_sport
    assert not any("MPs" in spans for spans in in_politics.values())


def test_an_honorific_makes_a_person_but_not_of_his_things() -> None:
    text = "Money\n\nMr Ebbers backed Mr Brown's International Finance Facility today.\n"
    source = article("titled", text, "Money")
    raw = found(text, ("Mr Ebbers", "ORG"), ("Mr Brown's International Finance Facility", "ORG"))
    assert [(m.text, m.kind) for m in to_mentions(source, raw)] == [
        ("Mr Ebbers", "PERSON"),
        ("Mr Brown's International Finance Facility", "ORG"),
    ]
