"""Entities across articles by evidence: normalised full names merged (company suffixes,
punctuation, romanisations, typos of rare names), namesakes kept apart unless their contexts
agree, lone surnames linked to a person of another article only by clear evidence.

The expected entities are written from reading the texts below (written for the tests) and
the BBC articles named in `BBC_SUBSET` (read in /work/shared/corpora/bbc-news).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_entities_support import found, many, mention

from tuireader.core.corpus import Article, ArticleMeta, mark_furniture, split_paragraphs
from tuireader.core.entities.evidence import roles_near
from tuireader.core.entities.extract import lowercase_words, to_mentions
from tuireader.core.entities.groups import AliasRules, Group, group_mentions, refine_mentions
from tuireader.core.entities.index import EntityIndex
from tuireader.core.entities.mention import Mention
from tuireader.core.entities.normalise import is_typo, name_key, translit_key
from tuireader.core.settings import DEFAULT_SPACY_MODEL
from tuireader.core.workspace import Workspace

# ---- spelling rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("marks & spencer", "marks and spencer"),
        ("daimler-chrysler", "daimlerchrysler"),
        ("al qaeda", "al-qaeda"),
        ("the guardian", "guardian"),
    ],
)
def test_punctuation_and_a_leading_the_do_not_name(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


def test_company_words_go_only_when_asked() -> None:
    assert name_key("arcadia group", company=True) == name_key("arcadia")
    assert name_key("mci communications", company=True) == "mci"
    assert name_key("yukos oil co", company=True) == "yukosoil"
    assert name_key("arcadia group") != name_key("arcadia")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("nursultan nazarbayev", "nursultan nazarbaev"),  # -ayev / -aev
        ("mikhail khodorkovsky", "mikhail hodorkovsky"),  # kh / h
        ("zhanna", "janna"),  # zh / j
        ("qasim", "kasim"),  # q / k
        ("yousuf", "yusuf"),  # ou / u
        ("gorbachev", "gorbachov"),  # -ev / -ov
        ("mohammed", "mohamed"),  # doubled letters
    ],
)
def test_romanisations_share_one_form(a: str, b: str) -> None:
    assert translit_key(a) == translit_key(b)


@pytest.mark.parametrize(("a", "b"), [("iran", "iraq"), ("kazakh", "kyrgyz"), ("brown", "browne")])
def test_different_names_keep_different_forms(a: str, b: str) -> None:
    assert translit_key(a) != translit_key(b)


def test_typos_are_one_edit_in_a_long_spelling() -> None:
    assert is_typo("daimlerchrylser", "daimlerchrysler")  # two letters swapped
    assert is_typo("stevengerard", "stevengerrard")  # one dropped
    assert not is_typo("brown", "browne")  # too short to tell a slip from a name
    assert not is_typo("kashmiri", "kashmir")  # a letter added at the end makes a new word
    # A short lone word slips only by a swap ("Cheslea"); McIntosh is another name.
    assert is_typo("cheslea", "chelsea", one_word=True)
    assert not is_typo("mcintosh", "macintosh", one_word=True)
    assert not is_typo("daimlerchrysler", "daimlerchrysler")


# ---- full names merged after normalisation (synthetic mentions, no spaCy) -------------------


def entity_of(index: EntityIndex, spelling: str) -> set[str]:
    found = index.find(spelling)
    assert found is not None, spelling
    return set(found.aliases)


def test_company_suffix_forms_are_one_company() -> None:
    index = EntityIndex.from_mentions(
        {
            "a": [*many("Arcadia Group", 2, "ORG"), *many("Qwest Communications", 1, "ORG")],
            "b": [*many("Arcadia", 3, "ORG"), *many("Qwest", 3, "ORG")],
            "c": [*many("Sony Corp", 1, "ORG")],
            "d": [*many("Sony", 4, "ORG")],
        }
    )
    assert entity_of(index, "Arcadia") == {"Arcadia", "Arcadia Group"}
    assert entity_of(index, "Qwest") == {"Qwest", "Qwest Communications"}
    assert entity_of(index, "Sony Corp") == {"Sony", "Sony Corp"}
    # The news names a company without its suffix: so does the entity list.
    assert index.find("Arcadia Group").name == "Arcadia"  # type: ignore[union-attr]
    assert index.find("Qwest Communications").name == "Qwest"  # type: ignore[union-attr]


def test_company_rule_keeps_other_kinds_and_common_words() -> None:
    groups, _ = group_mentions(
        {
            "a": [*many("British Airways", 2, "ORG"), *many("News Corp", 2, "ORG")],
            "b": [*many("British", 3, "GROUP"), *many("News", 2, "ORG")],
        },
        vocabulary=frozenset({"news"}),
    )
    spellings = sorted(sorted(g.spellings) for g in groups)
    assert spellings == [["British"], ["British Airways"], ["News"], ["News Corp"]]


def test_punctuation_variants_are_one_name() -> None:
    index = EntityIndex.from_mentions(
        {
            "a": [*many("Marks & Spencer", 2, "ORG"), mention("Al-Qaeda", "ORG")],
            "b": [*many("Marks and Spencer", 2, "ORG"), mention("al Qaeda", "ORG")],
        }
    )
    assert entity_of(index, "Marks & Spencer") == {"Marks & Spencer", "Marks and Spencer"}
    assert entity_of(index, "Al-Qaeda") == {"Al-Qaeda", "al Qaeda"}


def test_romanised_full_names_join_across_articles() -> None:
    index = EntityIndex.from_mentions(
        {
            "a": [*many("Nursultan Nazarbayev", 2), *many("Mikhail Khodorkovsky", 2)],
            "b": [mention("Nursultan Nazarbaev"), mention("Mikhail Hodorkovsky")],
        }
    )
    assert entity_of(index, "Nursultan Nazarbaev") == {
        "Nursultan Nazarbayev",
        "Nursultan Nazarbaev",
    }
    assert entity_of(index, "Mikhail Hodorkovsky") == {
        "Mikhail Khodorkovsky",
        "Mikhail Hodorkovsky",
    }


def test_romanisations_in_one_article_or_without_anchor_stay_apart() -> None:
    index = EntityIndex.from_mentions(
        {
            # In one text two close spellings are two names.
            "a": [mention("Ali Nazarbayev"), mention("Ali Nazarbaev")],
            # A lone word pair with no shared word and no second pair doing the same.
            "b": many("Gerrard", 2),
            "c": many("Gerard", 2),
        }
    )
    assert index.find("Ali Nazarbayev") is not index.find("Ali Nazarbaev")
    assert index.find("Gerrard") is not index.find("Gerard")


def test_a_rare_typo_joins_its_name_but_common_names_stay_apart() -> None:
    index = EntityIndex.from_mentions(
        {
            "a": [*many("DaimlerChrysler", 3, "ORG"), *many("Boris Johnson", 3)],
            "b": [*many("DaimlerChrysler", 2, "ORG"), *many("Ben Johnson", 3)],
            "c": [mention("DaimlerChrylser", "ORG"), *many("Martin Johnson", 3)],
            "d": [mention("Martin Johnston")],
        }
    )
    assert entity_of(index, "DaimlerChrylser") == {"DaimlerChrysler", "DaimlerChrylser"}
    # "Johnson" is part of three people's names: a common name, so "Johnston" is a name of
    # its own, not a slip.
    assert index.find("Martin Johnston") is not index.find("Martin Johnson")


def test_resolved_surnames_follow_their_full_names_not_look_alikes() -> None:
    index = EntityIndex.from_mentions(
        {
            "a": [mention("Serena Williams"), *many("Williams", 2)],
            "b": [mention("David Walliams"), *many("Walliams", 2)],
            "c": [mention("Venus Williams"), *many("Williams", 2)],
        }
    )
    serena = index.find("Serena Williams")
    assert serena is not None
    assert set(serena.aliases) == {"Serena Williams", "Williams"}
    assert serena.articles == {"a": 3}
    assert entity_of(index, "David Walliams") == {"David Walliams", "Walliams"}


# ---- namesakes told apart by context (texts written here) ----------------------------------


def article(article_id: str, text: str) -> Article:
    title = text.split("\n", 1)[0]
    paragraphs = mark_furniture(split_paragraphs(text), text, title)
    return Article(
        article_id, Path(f"{article_id}.txt"), text, ArticleMeta(title=title), paragraphs
    )


NAMES = [
    ("Gordon Brown", "PERSON"),
    ("Wes Brown", "PERSON"),
    ("Peter Hallam", "PERSON"),
    ("Brown", "PERSON"),
    ("Tony Blair", "PERSON"),
    ("Alex Ferguson", "PERSON"),
    ("Kevin Doyle", "PERSON"),
    ("Treasury", "ORG"),
    ("Labour", "ORG"),
    ("Manchester United", "ORG"),
    ("Rovers", "ORG"),
    ("Arsenal", "ORG"),
    ("City", "ORG"),
    ("NHS", "ORG"),
]

TEXTS = {
    "budget": """Brown sets out budget

Chancellor Gordon Brown set out his budget on Wednesday. Mr Brown said the Treasury would
cut stamp duty for first-time buyers, and Tony Blair backed the tax plans.
""",
    "campaign": """Labour plans its campaign

Gordon Brown, the chancellor, will lead Labour's campaign on the economy and tax. Tony Blair
said Mr Brown had the Treasury finances in order for the budget.
""",
    "tax-row": """Tax row grows

Tony Blair defended the Treasury on Monday. Mr Brown, the chancellor, said the budget would
cut stamp duty and that Labour would not raise income tax.
""",
    "rovers": """Rovers edge City

Rovers beat City 1-0 on a wet afternoon. Striker Brown scored the only goal after Kevin
Doyle hit the post in the first half.
""",
    "fit-again": """Defender fit again

Manchester United defender Wes Brown is fit again, said Alex Ferguson. Brown missed the
home win over Arsenal with a knee injury.
""",
    "united": """United ease through

Alex Ferguson praised his back four as Manchester United beat Arsenal. Brown, the defender,
headed the second goal from a corner.
""",
    "hallam-goals": """Hallam double

Rovers striker Peter Hallam scored twice against City. Hallam now has ten goals this season.
""",
    "hallam-fit": """Hallam fit for derby

Peter Hallam, the Rovers striker, has shaken off a knee injury before the City derby.
""",
    "hallam-nhs": """Minister defends NHS plans

Health minister Peter Hallam defended the NHS reforms in the Commons on Tuesday, and said
waiting lists would fall.
""",
}


def grouped(
    ids: list[str] | None = None, rules: AliasRules | None = None
) -> tuple[list[Group], dict[str, list[Mention]], dict[str, int]]:
    """The groups of the texts (all, or `ids`), built as the index does, with the texts
    given to every step."""
    articles = [article(i, TEXTS[i]) for i in ids or list(TEXTS)]
    texts = {a.id: a.text for a in articles}
    vocabulary = frozenset(lowercase_words(articles))
    mentions = {a.id: to_mentions(a, found(a.text, *NAMES)) for a in articles}
    refined = refine_mentions(mentions, vocabulary, texts=texts)
    groups, positions = group_mentions(refined, rules, vocabulary, texts=texts)
    return groups, refined, positions


def articles_of(
    name: str, groups: list[Group], refined: dict[str, list[Mention]], positions: dict[str, int]
) -> set[str]:
    """The articles whose mentions belong to the group called `name`."""
    from tuireader.core.entities.groups import node_key

    wanted = [i for i, g in enumerate(groups) if g.name == name]
    assert len(wanted) == 1, (name, sorted(g.name for g in groups))
    return {
        article_id
        for article_id, mentions in refined.items()
        for m in mentions
        if positions[node_key(m)] == wanted[0]
    }


def test_roles_are_read_beside_the_name_only() -> None:
    text = TEXTS["campaign"]
    start = text.index("Gordon Brown")
    assert roles_near(text, Mention("Gordon Brown", "PERSON", "PERSON", start, start + 12, 2)) == [
        "chancellor"
    ]
    text = TEXTS["rovers"]
    start = text.index("Brown")
    assert roles_near(text, Mention("Brown", "PERSON", "PERSON", start, start + 5, 2)) == [
        "striker"
    ]
    start = text.index("Kevin")
    assert roles_near(text, Mention("Kevin Doyle", "PERSON", "PERSON", start, start + 11, 2)) == []


def test_a_lone_surname_joins_the_person_its_context_names() -> None:
    groups, refined, positions = grouped()
    # "Mr Brown, the chancellor" of the tax row is the Gordon Brown of the budget stories,
    # though that article never writes his full name.
    assert articles_of("Gordon Brown", groups, refined, positions) == {
        "budget",
        "campaign",
        "tax-row",
    }
    # "Brown, the defender" of a United story is the United defender Wes Brown.
    assert articles_of("Wes Brown", groups, refined, positions) == {"fit-again", "united"}


def test_a_lone_surname_without_evidence_stays_its_own() -> None:
    groups, refined, positions = grouped()
    # Striker Brown of Rovers is neither the chancellor nor the United defender.
    assert articles_of("Brown", groups, refined, positions) == {"rovers"}


def test_namesakes_with_conflicting_roles_are_two_entities_with_labels() -> None:
    groups, refined, positions = grouped()
    names = sorted(g.name for g in groups if g.name.startswith("Peter Hallam"))
    # A Rovers striker and a health minister: two people, each named by his job.
    assert names == ["Peter Hallam (minister)", "Peter Hallam (striker)"]
    assert articles_of("Peter Hallam (striker)", groups, refined, positions) == {
        "hallam-goals",
        "hallam-fit",
    }
    assert articles_of("Peter Hallam (minister)", groups, refined, positions) == {"hallam-nhs"}


def test_the_alias_file_still_merges_namesakes_by_hand() -> None:
    rules = AliasRules(merge=[["peter hallam", "hallam"]])
    groups, refined, positions = grouped(["hallam-goals", "hallam-fit", "hallam-nhs"], rules)
    assert articles_of("Peter Hallam", groups, refined, positions) == {
        "hallam-goals",
        "hallam-fit",
        "hallam-nhs",
    }


def test_without_texts_co_mentions_alone_do_not_link_strangers() -> None:
    # What the index does today without the texts: the Rovers striker shares no name with
    # the chancellor's stories, so he is not linked to him.
    articles = [article(i, TEXTS[i]) for i in ("budget", "campaign", "rovers")]
    index = EntityIndex.from_raw(
        articles, {a.id: found(a.text, *NAMES) for a in articles}, model="test"
    )
    assert index.find("Gordon Brown").articles.keys() == {"budget", "campaign"}  # type: ignore[union-attr]


# ---- a BBC subset with the real model ------------------------------------------------------

BBC = Path("/work/shared/corpora/bbc-news")
BBC_SUBSET = [
    # Gordon Brown, the chancellor, by full name
    "politics/profile-gordon-brown",
    "politics/brown-in-appeal-for-labour-unity",
    "politics/brown-targets-oaps-and-homebuyers",
    "politics/blair-and-brown-criticised-by-mps",
    # "Mr Brown" only: the chancellor, his full name never written
    "politics/labour-battle-plan-hides-blair",
    # the tobacco company Brown and Williamson
    "business/court-rejects-280bn-tobacco-case",
    "business/tobacco-giants-hail-court-ruling",
    # Wes Brown, the Manchester United and England defender
    "sport/man-city-0-2-man-utd",
    "sport/england-s-defensive-crisis-grows",
    "sport/wright-phillips-to-start-on-right",
    # other footballers called Brown, in team lists
    "sport/bristol-city-2-1-milton-keynes",
    "sport/hereford-1-1-doncaster",
    # DaimlerChrysler, once misspelt "DaimlerChrylser"
    "business/daimlerchrysler-s-2004-sales-rise",
    "business/car-giant-hit-by-mercedes-slump",
    "business/mitsubishi-in-peugeot-link-talks",
    "business/peugeot-deal-boosts-mitsubishi",
    # Qwest / Qwest Communications, Telegraph / Telegraph Group
    "business/qwest-may-spark-mci-bidding-war",
    "business/mci-shareholder-sues-to-stop-bid",
    "business/telegraph-newspapers-axe-90-jobs",
    "business/lse-sets-date-for-takeover-deal",
    # Tony Blair, by full name, in politics
    "politics/blair-pledges-unity-to-labour-mps",
    "politics/howard-taunts-blair-over-splits",
]


@pytest.fixture(scope="module")
def bbc_index(tmp_path_factory: pytest.TempPathFactory) -> EntityIndex:
    pytest.importorskip("spacy")
    pytest.importorskip(DEFAULT_SPACY_MODEL)
    if not BBC.is_dir():
        pytest.skip("the BBC corpus is not here")
    root = tmp_path_factory.mktemp("bbc")
    for article_id in BBC_SUBSET:
        target = root / "seeds" / f"{article_id}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(BBC / f"{article_id}.txt", target)
    index = EntityIndex.build(Workspace.open(root))
    assert index.problems == []
    return index


def entity_named(index: EntityIndex, article_id: str, spelling: str) -> set[str]:
    """The names of the entities whose mentions in `article_id` are spelt `spelling`."""
    text = (BBC / f"{article_id}.txt").read_text(encoding="utf-8")
    return {
        item.entity.name
        for item in index.for_article(article_id)
        for start, end in item.spans
        if text[start:end] == spelling
    }


@pytest.mark.slow
def test_bbc_full_names_merge_across_articles(bbc_index: EntityIndex) -> None:
    gordon = bbc_index.find("Gordon Brown")
    assert gordon is not None
    assert set(BBC_SUBSET[:4]) <= set(gordon.articles)
    blair = bbc_index.find("Tony Blair")
    assert blair is not None
    assert {
        "politics/blair-pledges-unity-to-labour-mps",
        "politics/howard-taunts-blair-over-splits",
    } <= set(blair.articles)
    wes = bbc_index.find("Wes Brown")
    assert wes is not None
    assert set(BBC_SUBSET[7:10]) <= set(wes.articles)


@pytest.mark.slow
def test_bbc_same_surname_different_people_kept_apart(bbc_index: EntityIndex) -> None:
    gordon = bbc_index.find("Gordon Brown")
    wes = bbc_index.find("Wes Brown")
    assert gordon is not None and wes is not None and gordon is not wes
    assert not any(a.startswith("sport/") for a in gordon.articles)
    assert not any(a.startswith(("politics/", "business/")) for a in wes.articles)
    for article_id in ("business/court-rejects-280bn-tobacco-case", "sport/hereford-1-1-doncaster"):
        assert article_id not in gordon.articles
        assert "Gordon Brown" not in entity_named(bbc_index, article_id, "Brown")
    for article_id in ("sport/bristol-city-2-1-milton-keynes", "sport/hereford-1-1-doncaster"):
        assert "Wes Brown" not in entity_named(bbc_index, article_id, "Brown")


@pytest.mark.slow
def test_bbc_company_suffixes_and_a_typo_merge(bbc_index: EntityIndex) -> None:
    daimler = bbc_index.find("DaimlerChrysler")
    assert daimler is not None
    assert "DaimlerChrylser" in daimler.aliases
    assert "business/peugeot-deal-boosts-mitsubishi" in daimler.articles
    qwest = bbc_index.find("Qwest")
    assert qwest is not None and "Qwest Communications" in qwest.aliases
    telegraph = bbc_index.find("Telegraph Group")
    assert telegraph is not None and "Telegraph" in telegraph.aliases
