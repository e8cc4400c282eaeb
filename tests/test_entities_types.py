"""Entity types decided by vote across mentions, with cues from the text (types.py).

The texts are written here and the expected kinds are read off them: each test gives the
model's labels as a small model mislabels them, and the kind a reader would give.
"""

from __future__ import annotations

from tuireader.core.entities.groups import group_mentions
from tuireader.core.entities.index import EntityIndex
from tuireader.core.entities.mention import Mention
from tuireader.core.entities.types import (
    ORG_NOUN_WEIGHT,
    PRONOUN_WEIGHT,
    text_cues,
    vote_kind,
)

LABEL_OF = {"PERSON": "PERSON", "ORG": "ORG", "PLACE": "GPE", "GROUP": "NORP"}


def mentions_in(text: str, name: str, kinds: list[str]) -> list[Mention]:
    """The occurrences of `name` in `text`, in order, each given the next kind of `kinds`
    (as the model would have labelled them)."""
    found: list[Mention] = []
    start = text.find(name)
    while start != -1:
        kind = kinds[len(found)]
        found.append(Mention(name, kind, LABEL_OF[kind], start, start + len(name), 1))
        start = text.find(name, start + len(name))
    assert len(found) == len(kinds), "one kind per occurrence"
    return found


def kind_of(texts: dict[str, str], mentions: dict[str, list[Mention]], name: str) -> str:
    groups, _ = group_mentions(mentions, texts=texts)
    (group,) = [g for g in groups if name in g.spellings]
    return group.kind


def test_one_person_label_among_three_org_labels_is_an_org() -> None:
    text = (
        "Yukos said it would appeal. Shares in Yukos fell. The court froze Yukos assets, "
        "and Yukos shareholders met."
    )
    mentions = {"a": mentions_in(text, "Yukos", ["PERSON", "ORG", "ORG", "ORG"])}
    assert kind_of({"a": text}, mentions, "Yukos") == "ORG"


def test_place_cues_outvote_person_labels() -> None:
    # The model calls the capital a person twice and a place once; "in Bishkek" twice says
    # place. The border town is a person once and a place once; "from Khorgos" breaks it.
    bishkek = "Talks in Bishkek began. Bishkek hosted them. Later in Bishkek the deal was signed."
    khorgos = "Lorries from Khorgos queued. Khorgos is a border town."
    mentions = {
        "a": mentions_in(bishkek, "Bishkek", ["PERSON", "PERSON", "PLACE"]),
        "b": mentions_in(khorgos, "Khorgos", ["PERSON", "PLACE"]),
    }
    texts = {"a": bishkek, "b": khorgos}
    assert kind_of(texts, mentions, "Bishkek") == "PLACE"
    assert kind_of(texts, mentions, "Khorgos") == "PLACE"


def test_without_the_text_the_model_votes_alone_decide() -> None:
    bishkek = "Talks in Bishkek began. Bishkek hosted them. Later in Bishkek the deal was signed."
    mentions = {"a": mentions_in(bishkek, "Bishkek", ["PERSON", "PERSON", "PLACE"])}
    groups, _ = group_mentions(mentions)
    assert [g.kind for g in groups] == ["PERSON"]


def test_said_alone_does_not_make_a_company_a_person() -> None:
    # Three "Gazprom said": one labelled PERSON; the ORG labels win all the same.
    text = (
        "Gazprom said prices would rise. Gazprom said so again. The Gazprom board met. "
        "Gazprom said nothing more."
    )
    mentions = {"a": mentions_in(text, "Gazprom", ["PERSON", "ORG", "ORG", "ORG"])}
    assert kind_of({"a": text}, mentions, "Gazprom") == "ORG"


def test_company_suffix_outweighs_a_said_cue() -> None:
    # One PERSON label with "said" against one ORG label followed by "Ltd".
    text = "Gazprom said it was ready. The contract named Gazprom Ltd as supplier."
    mentions = {"a": mentions_in(text, "Gazprom", ["PERSON", "ORG"])}
    assert kind_of({"a": text}, mentions, "Gazprom") == "ORG"


def test_company_suffix_in_the_spelling_votes_org() -> None:
    text = "Baltic Holdings plc said profits fell. Baltic Holdings plc shares rose."
    mentions = {"a": mentions_in(text, "Baltic Holdings plc", ["PERSON", "ORG"])}
    assert kind_of({"a": text}, mentions, "Baltic Holdings plc") == "ORG"


def test_honorific_before_a_name_votes_person() -> None:
    text = "Mr Khodorkovsky denied it. Mr Khodorkovsky was jailed."
    mentions = {"a": mentions_in(text, "Khodorkovsky", ["ORG", "PERSON"])}
    assert kind_of({"a": text}, mentions, "Khodorkovsky") == "PERSON"


def test_cues_do_not_retype_a_group() -> None:
    text = "Uighurs in Xinjiang protested. The Uighurs were detained."
    mentions = {"a": mentions_in(text, "Uighurs", ["GROUP", "GROUP"])}
    assert kind_of({"a": text}, mentions, "Uighurs") == "GROUP"


def test_text_cues_read_the_words_around() -> None:
    text = (
        "He flew in the US. The BBC said no. Blair said yes. He works at Google. "
        "They met at Headingley."
    )

    def cues(name: str) -> dict[str, float]:
        start = text.index(name)
        return dict(text_cues(text, start, start + len(name)))

    assert cues("US") == {"PLACE": 1.0}
    assert cues("BBC") == {"ORG": 0.5}  # "the BBC said": an organisation speaking
    assert cues("Blair") == {"PERSON": 0.5}
    assert cues("Google") == {"ORG": 1.0}  # where one works is a company
    assert cues("Headingley") == {"PLACE": 0.5}
    assert text_cues(text, 5, 500) == {}  # offsets that do not fit the text


def test_cues_that_look_like_others() -> None:
    text = "Tim Crawford, Group Economist at Halifax, said so. Abramovich sold a stake in Sibneft."

    def cues(name: str) -> dict[str, float]:
        start = text.index(name)
        return dict(text_cues(text, start, start + len(name)))

    assert "ORG" not in cues("Tim Crawford")  # his job title, not a company suffix
    assert cues("Sibneft") == {"ORG": 1.0}  # a stake in a company, not in a place
    job = "Marc Gonsalves, an executive at Xstrata, spoke."
    assert text_cues(job, job.index("Xstrata"), job.index(", spoke")) == {"ORG": 1.0}
    roles = 'South African President Thabo Mbeki spoke. "We won," said Castaignede.'
    start = roles.index("Thabo")
    assert text_cues(roles, start, start + len("Thabo Mbeki")) == {"PERSON": 1.0}
    start = roles.index("Castaignede")
    assert text_cues(roles, start, start + len("Castaignede")) == {"PERSON": 0.5}
    office = "They rang Foreign Office officials."  # "Foreign" opens a name, it names no job
    assert text_cues(office, office.index("Office"), office.index(" officials")) == {}
    welsh = "The Welsh Rugby Union met the Welsh international."
    assert text_cues(welsh, 4, 9) == {}  # part of a longer name
    assert text_cues(welsh, welsh.rindex("Welsh"), welsh.rindex("Welsh") + 5) == {}  # adjective


def test_ties() -> None:
    # No cues: a 1-1 tie goes to the earlier kind in KINDS (PERSON before ORG).
    assert vote_kind({"PERSON": 1, "ORG": 1}, {}) == "PERSON"
    # Equal scores after cues: the kind with more plain model votes wins.
    assert vote_kind({"PERSON": 1, "PLACE": 2}, {"PERSON": 1.0}) == "PLACE"
    assert vote_kind({"PERSON": 2, "PLACE": 1}, {"PLACE": 1.0}) == "PERSON"
    # A cue can win over a model vote it outweighs.
    assert vote_kind({"PERSON": 1, "ORG": 1}, {"ORG": 0.5}) == "ORG"


def test_honorifics_of_short_forms_speak_for_the_full_name() -> None:
    # The model calls "Vince Cable" an organisation three times; the article's two "Mr
    # Cable" are him, and the honorific is the one cue a short form lends its full name.
    text = (
        "Vince Cable spoke first. Vince Cable then left. Later Vince Cable returned. "
        "Mr Cable said taxes would rise. Mr Cable was cheered."
    )
    mentions = mentions_in(text, "Vince Cable", ["ORG", "ORG", "ORG"]) + mentions_in(
        text, "Mr Cable", ["PERSON", "PERSON"]
    )
    index = EntityIndex.from_mentions({"a": mentions})
    (entity,) = [e for e in index.entities if "Vince Cable" in e.aliases]
    assert "Mr Cable" in entity.aliases
    assert entity.kind == "PERSON"


def cues_of(text: str, name: str, occurrence: int = 0) -> dict[str, float]:
    """The text cues of the `occurrence`-th `name` in `text`."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(name, start + 1)
    return dict(text_cues(text, start, start + len(name)))


def test_a_kind_of_organisation_beside_a_name_votes_org() -> None:
    # Sentences as BBC writes them: a company's kind before its name, what it has after.
    assert cues_of("Russian oil firm Yukos has sued.", "Yukos") == {"ORG": ORG_NOUN_WEIGHT}
    assert cues_of("Game maker Valve shut the accounts.", "Valve") == {"ORG": ORG_NOUN_WEIGHT}
    text = "said Yukos spokesman Alexander Shadrin; Chelsea manager Jose Mourinho agreed."
    assert cues_of(text, "Yukos")["ORG"] == ORG_NOUN_WEIGHT
    assert cues_of(text, "Chelsea")["ORG"] == ORG_NOUN_WEIGHT
    # Words said of people too, and a person's own spokesman, are no organisation.
    assert "ORG" not in cues_of("directed by film-maker Gary Winick.", "Gary Winick")
    assert "ORG" not in cues_of("his long-time rival John McEnroe has.", "John McEnroe")
    assert "ORG" not in cues_of("Mr Blair's spokesman said so.", "Blair")


def test_a_definition_or_a_membership_beside_a_name_votes_org() -> None:
    defined = "The report cites Sibneft, a Russian oil company that came close to a merger."
    assert cues_of(defined, "Sibneft") == {"ORG": ORG_NOUN_WEIGHT}
    led = "Police detained Serikzhan Bilash, head of Atajurt, on Sunday."
    assert cues_of(led, "Atajurt") == {"ORG": 1.0}
    # A person's job at a company, and the company's own words, define no organisation.
    job = "said Adam Thomas, an analyst at research firm Informa Media."
    assert "ORG" not in cues_of(job, "Adam Thomas")
    owner = "Judy Bell, the company's founder, said so. Sidney Taurel, the company says, quit."
    assert "ORG" not in cues_of(owner, "Judy Bell")
    assert "ORG" not in cues_of(owner, "Sidney Taurel")


def test_pronouns_and_plural_verbs_say_whether_one_person_is_meant() -> None:
    not_person = {"ORG": PRONOUN_WEIGHT, "PLACE": PRONOUN_WEIGHT}
    assert cues_of("The board of Yukos claims its assets were seized.", "Yukos") == not_person
    assert cues_of("Last week Bath have signed a scrum-half.", "Bath") == not_person
    person = cues_of("On Monday Hrbaty beat the seed with his serve.", "Hrbaty")
    assert person == {"PERSON": PRONOUN_WEIGHT}
    # Another name comes first: the pronoun may be its; and "Blair and Brown are" is two.
    assert cues_of("Then Gazprom bought Rosneft and its fields.", "Gazprom") == {}
    assert cues_of("Both Blair and Brown are here.", "Brown") == {}


def test_a_one_word_name_never_introduced_is_typed_by_its_cues() -> None:
    # The small model calls the oil company a person nearly every time; nothing in the
    # text introduces a person (no full name, no "Mr"), and the cues speak for a company.
    text = (
        "Russian oil firm Yukos faces a bill. Yukos shares fell. Yukos claims its unit was "
        "sold. Yukos said it would appeal. Yukos boss Steven Theede spoke."
    )
    mentions = {"a": mentions_in(text, "Yukos", ["PERSON"] * 4 + ["ORG"])}
    assert kind_of({"a": text}, mentions, "Yukos") == "ORG"
    # A singer known by one name, labelled ORG now and then, with no cue against a person.
    singer = "Jamelia won an award. Jamelia said she was thrilled. Jamelia sang."
    mentions = {"a": mentions_in(singer, "Jamelia", ["PERSON", "PERSON", "ORG"])}
    assert kind_of({"a": singer}, mentions, "Jamelia") == "PERSON"
    # One "at X" is not enough to unmake a person.
    funeral = "Mourners gathered at Attlee's grave."
    mentions = {"a": mentions_in(funeral, "Attlee", ["PERSON"])}
    assert kind_of({"a": funeral}, mentions, "Attlee") == "PERSON"


def test_an_honorific_keeps_a_person_whatever_the_cues() -> None:
    # "Mr Theede" introduces a person: the company words around the name do not unmake him.
    text = "Mr Theede spoke. Theede shares fell. Theede claims its unit was sold. Theede boss."
    mentions = {"a": mentions_in(text, "Theede", ["PERSON"] * 4)}
    assert kind_of({"a": text}, mentions, "Theede") == "PERSON"


def test_a_club_named_after_its_town_is_not_a_person() -> None:
    # "Manchester United": the model's PERSON reading of a name that opens with a place
    # of the corpus weighs less, so the club's cues decide.
    text = (
        "Rain fell in Manchester. Manchester United have signed a striker. Manchester "
        "United manager Alex Ferguson agreed. Fans of Manchester United cheered."
    )
    mentions = {
        "a": mentions_in(text, "Manchester", ["PLACE", "PERSON", "PERSON", "PERSON"]),
    }
    full = [
        Mention(m.text + " United", m.kind, m.label, m.start, m.end + len(" United"), 1)
        for m in mentions["a"][1:]
    ]
    mentions["a"] = [mentions["a"][0], *full]
    assert kind_of({"a": text}, mentions, "Manchester United") == "ORG"
    assert kind_of({"a": text}, mentions, "Manchester") == "PLACE"
