"""Loading, lookups and user-file merging of the actor knowledge base."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import vigil.kb
from vigil.errors import ConfigError
from vigil.kb import KnowledgeBase, country_actor_id, government_actor_id
from vigil.kb.knowledge import DEFAULT_FILES


def test_knowledge_public_api() -> None:
    assert set(vigil.kb.__all__) == {
        "KnowledgeBase",
        "Resolution",
        "country_actor_id",
        "government_actor_id",
        "resolve_description",
    }
    assert country_actor_id("jpn") == "country:JPN"
    assert government_actor_id("JPN") == "gov:JPN"


def test_knowledge_packaged_files_exist() -> None:
    for path in DEFAULT_FILES:
        assert path.is_file(), path


def test_knowledge_default_load_is_cached(kb) -> None:
    assert KnowledgeBase.load() is kb


def test_knowledge_sizes(kb) -> None:
    kinds = [a.kind for a in kb.actors()]
    assert kinds.count("country") >= 200
    assert kinds.count("person") >= 300
    assert kinds.count("igo") >= 60


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("Japan", "JPN"),
        ("Japanese", "JPN"),
        ("japanese", "JPN"),
        ("U.S.", "USA"),
        ("US", "USA"),
        ("USA", "USA"),
        ("United States of America", "USA"),
        ("America", "USA"),
        ("American", "USA"),
        ("Americans", "USA"),
        ("UK", "GBR"),
        ("Britain", "GBR"),
        ("Great Britain", "GBR"),
        ("British", "GBR"),
        ("Tokyo", "JPN"),
        ("Beijing", "CHN"),
        ("Moscow", "RUS"),
        ("the Kremlin", "RUS"),
        ("Downing Street", "GBR"),
        ("Washington", "USA"),
        ("the White House", "USA"),
        ("Cote d'Ivoire", "CIV"),
        ("Côte d’Ivoire", "CIV"),
        ("Türkiye", "TUR"),
        ("Turkiye", "TUR"),
        ("Kosovo", "XKX"),
        ("Taiwan", "TWN"),
        ("Hong Kong", "HKG"),
        ("North Korean", "PRK"),
        ("South Korea", "KOR"),
        ("Japan's", "JPN"),
    ],
)
def test_knowledge_country_code(kb, word: str, code: str) -> None:
    assert kb.country_code(word) == code


@pytest.mark.parametrize("word", ["us", "who", "Brussels", "the meeting", ""])
def test_knowledge_country_code_none(kb, word: str) -> None:
    assert kb.country_code(word) is None


def test_knowledge_find_countries_offsets(kb) -> None:
    text = "U.S. and Japanese envoys met in Papua New Guinea; Nigeria, not Niger, hosted us."
    found = kb.find_countries(text)
    assert [code for _, _, code in found] == ["USA", "JPN", "PNG", "NGA", "NER"]
    assert [text[s:e] for s, e, _ in found] == ["U.S.", "Japanese", "Papua New Guinea", "Nigeria", "Niger"]


def test_knowledge_find_countries_metonyms_optional(kb) -> None:
    assert kb.find_countries("Tokyo protested.") == []
    assert kb.find_countries("Tokyo protested.", metonyms=True) == [(0, 5, "JPN")]


def test_knowledge_find_countries_diacritics(kb) -> None:
    assert kb.find_countries("Talks in Côte d'Ivoire") == [(9, 22, "CIV")]


@pytest.mark.parametrize(
    ("name", "actor_id"),
    [
        ("Group of Seven", "igo:g7"),
        ("the G7", "igo:g7"),
        ("G-7", "igo:g7"),
        ("United Nations", "igo:un"),
        ("UN", "igo:un"),
        ("U.N.", "igo:un"),
        ("UN Security Council", "igo:unsc"),
        ("NATO", "igo:nato"),
        ("Nato", "igo:nato"),
        ("WHO", "igo:who"),
        ("IAEA", "igo:iaea"),
        ("European Commission", "igo:european-commission"),
        ("Brussels", "igo:eu"),
        ("Kishida", "person:fumio-kishida"),
        ("Fumio Kishida", "person:fumio-kishida"),
        ("Tarō Asō", "person:taro-aso"),
        ("Tokyo", "gov:JPN"),
        ("Japan", "country:JPN"),
        ("the Pentagon", "org:usa-pentagon"),
    ],
)
def test_knowledge_lookup(kb, name: str, actor_id: str) -> None:
    assert [a.id for a in kb.lookup(name)][:1] == [actor_id]


def test_knowledge_lookup_lowercase_who_is_not_the_who(kb) -> None:
    assert kb.lookup("who") == []
    assert kb.lookup("us") == []


def test_knowledge_lookup_prefers_office_holder_on_day(kb) -> None:
    actors = kb.lookup("Donald Trump", date(2018, 1, 1))
    assert actors[0].id == "person:donald-trump"


@pytest.mark.parametrize(
    ("text", "title", "sector"),
    [
        ("Japan's Deputy Prime Minister", "deputy prime minister", "GOV"),
        ("the defence minister", "defence minister", "GOV"),
        ("Several of the largest trade unions in Denmark", "trade unions", "LAB"),
        ("an American destroyer", "destroyer", "MIL"),
        ("the opposition leader", "opposition leader", "OPP"),
        ("the central bank", "central bank", "GOV"),
        ("Republican senators", "senator", "LEG"),
        ("riot police", "riot police", "COP"),
        ("aid groups", "aid groups", "NGO"),
    ],
)
def test_knowledge_sector_for_title(kb, text: str, title: str, sector: str) -> None:
    got = kb.sector_for_title(text)
    assert got is not None
    assert got[1] == sector
    assert got[0].lower() in {title, title + "s", title.rstrip("s")}


def test_knowledge_sector_for_title_none(kb) -> None:
    assert kb.sector_for_title("the statement on Tuesday") is None


def test_knowledge_surface_forms(kb) -> None:
    forms = set(kb.surface_forms())
    assert ("Fumio Kishida", "person:fumio-kishida") in forms
    assert ("Kishida", "person:fumio-kishida") in forms
    assert ("G7", "igo:g7") in forms
    assert ("Tokyo", "gov:JPN") in forms
    assert ("the Kremlin", "gov:RUS") in forms
    assert ("Japan", "country:JPN") in forms
    assert ("Brussels", "igo:eu") in forms


def test_knowledge_office_holders(kb) -> None:
    assert [a.id for a in kb.office_holders("prime minister", "JPN", date(2024, 1, 27))] == ["person:fumio-kishida"]
    assert [a.id for a in kb.office_holders("premier", "CHN", date(2024, 1, 27))] == ["person:li-qiang"]


def test_knowledge_dead_person_has_no_role_after_death(kb) -> None:
    abe = kb.get("person:shinzo-abe")
    assert abe is not None
    assert abe.role_on(date(2023, 1, 1)) is None
    assert abe.role_on(date(2019, 1, 1)).sector == "GOV"


# --------------------------------------------------------------------------- user files


def test_knowledge_user_file_overrides_and_adds(tmp_path: Path) -> None:
    user = tmp_path / "mine.yaml"
    user.write_text(
        """
people:
  - id: fumio-kishida
    name: Fumio Kishida
    country: JPN
    roles:
      - [prime minister, JPN, GOV, 2021-10-04, 2024-10-01]
      - {title: special envoy, country: JPN, sector: GOV, start: 2025-01-01, end: null}
  - id: jane-roe
    name: Jane Roe
    aliases: [Governor Roe]
    country: USA
    roles: [[governor of Somewhere, USA, GOV, 2020-01-01, null]]
countries:
  - {code: JPN, name: Japan, demonyms: [Japanese, Nipponese], capitals: [Tokyo]}
igos:
  - {id: quad, name: Quadrilateral Security Dialogue, aliases: [Quad, Quad Four]}
groups:
  - sector: AGR
    titles: [rice growers]
""",
        encoding="utf-8",
    )
    kb = KnowledgeBase.load([user])
    kishida = kb.get("person:fumio-kishida")
    assert kishida is not None and kishida.role_on(date(2025, 6, 1)).title == "special envoy"
    assert kb.lookup("Jane Roe")[0].id == "person:jane-roe"
    assert kb.country_code("Nipponese") == "JPN"
    assert kb.lookup("Quad Four")[0].id == "igo:quad"
    assert kb.sector_for_title("angry rice growers") == ("rice growers", "AGR")
    assert kb.country_code("France") == "FRA"  # packaged data still there


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("people:\n  - id: x\n    name: X\n    roles: [[president, JPN, GOV, 2020-01-01]]\n", "people[0] (id 'x')"),
        (
            "people:\n  - id: x\n    name: X\n    roles: [[president, JPN, XXX, 2020-01-01, null]]\n",
            "not a known sector",
        ),
        ("people:\n  - id: x\n    name: X\n    roles: [[president, JPN, GOV, 2021-01-01, 2020-01-01]]\n", "starts"),
        ("people:\n  - id: x\n    name: X\n    roles: [[president, JPN, GOV, soon, null]]\n", "must be a date"),
        (
            "people:\n  - id: x\n    name: X\n    roles: [{title: president, sector: GOV, end: soon}]\n",
            "'roles[0].end' must be a date YYYY-MM-DD or null, got 'soon'",
        ),
        ("people:\n  - id: x\n    name: X\n    roles: [{sector: GOV}]\n", "'roles[0].title' is required"),
        ("people:\n  - id: x\n    name: X\n    wikidata: Z9\n", "'wikidata' 'Z9' must look like Q12345"),
        ("roles:\n  - id: x\n", "roles[0] (id 'x'): 'roles' must be a non-empty list"),
        (
            "countries:\n  - {code: JPN, name: Japan, seats: {Tokyo: XXX}}\n",
            "'seats.Tokyo' 'XXX' is not a known sector",
        ),
        ("groups:\n  - {sector: GOV, person: 1}\n", "'person' must be true or false"),
        ("countries:\n  - {code: jp, name: Japan}\n", "countries[0] (id 'jp')"),
        ("countries:\n  - {code: JPN}\n", "'name' is required"),
        ("igos:\n  - {id: g7, name: G7, colour: red}\n", "unknown key(s) colour"),
        ("people:\n  - id: y\n    name: Y\n    aliases: [yes, no]\n", "quote words"),
        ("stuff: []\n", "unknown top-level key"),
        ("people: [\n", "not valid YAML"),
        ("- a\n- b\n", "top level must be a mapping"),
        ("bulk: maybe\npeople: []\n", "bulk: must be true or false"),
        ("places:\n  - {country: Afg, names: [Kandahar]}\n", "places[0] (id 'Afg'): 'country' 'Afg' must be"),
        ("roles:\n  - {id: nobody-here, aliases: [Nobody]}\n", "no person 'person:nobody-here' to add"),
    ],
)
def test_knowledge_malformed_user_file(tmp_path: Path, content: str, fragment: str) -> None:
    user = tmp_path / "bad.yaml"
    user.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        KnowledgeBase.load([user])
    message = str(info.value)
    assert str(user) in message
    assert fragment in message


def test_knowledge_missing_user_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Cannot read"):
        KnowledgeBase.load([tmp_path / "nope.yaml"])


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2019, 6, 1), ("USA", "GOV", "president", False)),
        (date(2022, 6, 1), ("USA", "ELI", "president", True)),  # a former president, not yet a candidate
        (date(2024, 1, 27), ("USA", "PTY", "Republican presidential candidate", False)),
        (date(2024, 10, 1), ("USA", "PTY", "Republican presidential nominee", False)),
        (date(2025, 1, 20), ("USA", "GOV", "president", False)),
    ],
)
def test_knowledge_trump_standing_on_the_day(kb, day: date, expected: tuple[str, str, str, bool]) -> None:
    trump = kb.get("person:donald-trump")
    standing = trump.standing_on(day)
    assert standing.role is not None
    assert (standing.country, standing.sector, standing.role.title, standing.former) == expected


def test_knowledge_trump_candidacies_are_dated_roles(kb) -> None:
    roles = kb.get("person:donald-trump").roles
    labels = [r.label() for r in roles if r.sector == "PTY"]
    assert "Republican presidential candidate 2022-11-15 → 2024-07-14" in labels
    assert "Republican presidential nominee 2024-07-15 → 2025-01-19" in labels
    assert not [r for r in roles if r.sector == "GOV" and r.holds_on(date(2024, 1, 27))]


def test_a_one_word_name_inside_another_persons_name_is_no_one(kb) -> None:  # type: ignore[no-untyped-def]
    """In Wikinews: "Anthony Fauci" is not Kenny Anthony, "Paul Manafort" not Evans Paul, "Mark Amodei" not
    Ron Mark, and "the Solar System" names nobody; "Trump said on Monday" still names Trump."""
    from tests.conftest import wikinews_article

    wrong = {"person:kenny-anthony", "person:evans-paul", "person:ron-mark", "person:salvador-del-solar"}
    for phrase in ("Anthony Fauci", "Paul Manafort", "Mark Amodei", "Solar System"):
        text = wikinews_article(phrase).text
        found = {i for _, _, ids in kb.find_names(text) for i in ids}
        assert not found & wrong, (phrase, found & wrong)
    assert any("person:donald-trump" in ids for _, _, ids in kb.find_names("Trump Monday said he would."))


def test_a_sentence_adverb_before_a_surname_is_no_given_name(kb) -> None:  # type: ignore[no-untyped-def]
    """ "Afterwards Trump visited ..." (Wikinews, 2020): Trump, not a provisional "Afterwards Trump"."""
    from tests.conftest import wikinews_article

    text = wikinews_article("Afterwards Trump").text
    start = text.index("Afterwards Trump") + len("Afterwards ")
    assert kb.another_persons_name(text, start, start + len("Trump")) is None
    # a given name still makes one name: "Doug Collins" is not Judith Collins
    assert kb.another_persons_name("Rep. Doug Collins said", 10, 17) == (5, 17)
