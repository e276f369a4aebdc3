"""Resolution of actor descriptions: persons by date, titles, groups, metonyms, IGOs."""

from __future__ import annotations

from datetime import date

import pytest

from vigil.kb import resolve_description

REF_DAY = date(2024, 1, 27)  # the reference article (Japan watches the U.S. primaries)


def _codes(kb, text, day=None, context=None):  # type: ignore[no-untyped-def]
    res = resolve_description(kb, text, day, context)
    assert res is not None, text
    return res.actor_id, res.country, res.sector


# ----------------------------------------------------------------- the reference-article actors
def test_resolve_reference_kishida(kb) -> None:
    assert _codes(kb, "Fumio Kishida", REF_DAY) == ("person:fumio-kishida", "JPN", "GOV")
    assert _codes(kb, "Prime Minister Fumio Kishida", REF_DAY) == ("person:fumio-kishida", "JPN", "GOV")


def test_resolve_reference_biden(kb) -> None:
    assert _codes(kb, "Joe Biden", REF_DAY) == ("person:joe-biden", "USA", "GOV")
    assert _codes(kb, "U.S. President Joe Biden", REF_DAY) == ("person:joe-biden", "USA", "GOV")


def test_resolve_reference_trump_is_not_gov(kb) -> None:
    actor_id, country, sector = _codes(kb, "Donald Trump", REF_DAY)
    assert (actor_id, country) == ("person:donald-trump", "USA")
    assert sector == "PTY"  # a former head of state running again, with no office that day: his candidacy


def test_resolve_reference_aso_explicit_title_wins(kb) -> None:
    # In January 2024 Aso was LDP vice-president (PTY in the KB), but the article
    # calls him "Japan's Deputy Prime Minister and Finance Minister": the written title wins.
    res = resolve_description(kb, "Japan's Deputy Prime Minister and Finance Minister Taro Aso", REF_DAY)
    assert res is not None
    assert (res.actor_id, res.country, res.sector) == ("person:taro-aso", "JPN", "GOV")
    assert res.confidence < 0.95  # the KB disagrees, so confidence is lowered
    context = "Japan's Deputy Prime Minister and Finance Minister Taro Aso said Tokyo would work with anyone."
    assert _codes(kb, "Taro Aso", REF_DAY, context) == ("person:taro-aso", "JPN", "GOV")
    assert _codes(kb, "Taro Aso", REF_DAY) == ("person:taro-aso", "JPN", "PTY")  # no title: the KB role


def test_resolve_reference_abe_former_pm(kb) -> None:
    res = resolve_description(kb, "Shinzo Abe", REF_DAY)
    assert res is not None
    assert (res.actor_id, res.country, res.sector) == ("person:shinzo-abe", "JPN", "ELI")
    assert res.role == "former prime minister"
    assert _codes(kb, "former Prime Minister Shinzo Abe", REF_DAY)[1:] == ("JPN", "ELI")


def test_resolve_reference_g7(kb) -> None:
    res = resolve_description(kb, "the Group of Seven", REF_DAY)
    assert res is not None
    assert (res.actor_id, res.kind, res.country, res.sector) == ("igo:g7", "igo", None, "IGO")


# ----------------------------------------------------------------- people by date
@pytest.mark.parametrize(
    ("text", "day", "expected"),
    [
        ("Kishida", date(2024, 1, 27), ("JPN", "GOV")),
        ("Kishida", date(2020, 6, 1), ("JPN", "PTY")),
        ("Kishida", date(2016, 6, 1), ("JPN", "GOV")),
        ("Trump", date(2019, 6, 1), ("USA", "GOV")),
        ("Trump", date(2022, 6, 1), ("USA", "ELI")),
        ("Trump", date(2024, 1, 27), ("USA", "PTY")),
        ("Trump", date(2024, 9, 1), ("USA", "PTY")),
        ("Trump", date(2025, 1, 19), ("USA", "PTY")),
        ("Trump", date(2025, 1, 20), ("USA", "GOV")),
        ("Trump", date(2025, 6, 1), ("USA", "GOV")),
        ("Trump", None, ("USA", "GOV")),
        ("Biden", date(2018, 6, 1), ("USA", "ELI")),
        ("Biden", date(2020, 6, 1), ("USA", "PTY")),
        ("Harris", date(2019, 6, 1), ("USA", "LEG")),
        ("Ursula von der Leyen", date(2018, 1, 1), ("DEU", "GOV")),
        ("Ursula von der Leyen", date(2022, 1, 1), (None, "IGO")),
        ("Putin", None, ("RUS", "GOV")),
    ],
)
def test_resolve_person_by_date(kb, text, day, expected) -> None:  # type: ignore[no-untyped-def]
    assert _codes(kb, text, day)[1:] == expected


def test_resolve_office_holder_by_date(kb) -> None:
    assert _codes(kb, "the Japanese prime minister", date(2019, 1, 1))[0] == "person:shinzo-abe"
    assert _codes(kb, "the Japanese prime minister", date(2022, 1, 1))[0] == "person:fumio-kishida"
    assert _codes(kb, "Japan's prime minister", date(2025, 1, 1))[0] == "person:shigeru-ishiba"


def test_resolve_unknown_person_with_title_and_context(kb) -> None:
    context = "Sri Lanka's Foreign Minister Ali Sabry said the deal was fair."
    res = resolve_description(kb, "Foreign Minister Ali Sabry", date(2023, 1, 1), context)
    assert res is not None
    assert (res.actor_id, res.country, res.sector, res.provisional) == ("prov:ali-sabry", "LKA", "GOV", True)


def test_resolve_solih_known(kb) -> None:
    assert _codes(kb, "President Ibrahim Mohamed Solih", date(2022, 3, 1)) == (
        "person:ibrahim-mohamed-solih",
        "MDV",
        "GOV",
    )


# ----------------------------------------------------------------- governments and metonyms
@pytest.mark.parametrize(
    "text",
    ["the Japanese government", "Japan's government", "Tokyo", "the Kishida administration", "Japanese authorities"],
)
def test_resolve_government(kb, text: str) -> None:
    assert _codes(kb, text, REF_DAY) == ("gov:JPN", "JPN", "GOV")


@pytest.mark.parametrize(
    ("text", "country", "sector"),
    [
        ("the Kremlin", "RUS", "GOV"),
        ("Downing Street", "GBR", "GOV"),
        ("the White House", "USA", "GOV"),
        ("Beijing", "CHN", "GOV"),
        ("the Pentagon", "USA", "MIL"),
        ("Brussels", None, "IGO"),
    ],
)
def test_resolve_metonyms(kb, text: str, country, sector) -> None:  # type: ignore[no-untyped-def]
    assert _codes(kb, text)[1:] == (country, sector)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Wikinews, 2020: "South London police officer Matt Ratana shot in custody centre"
        ("South London", ("prov:gbr-south-london", "GBR", None)),
        # Wikinews, 2019: "The mayor of London, Sadiq Khan, ..." (a city's office, not the national government)
        ("The mayor of London", ("person:sadiq-khan", "GBR", "GOV")),
        ("the Governor of Tokyo", ("prov:jpn-governor-of-tokyo", "JPN", "GOV")),
        # Wikinews, 2019: "New South Wales decriminalizes abortion" (Australia, not Wales)
        ("the Parliament of New South Wales", ("prov:aus-parliament-south", "AUS", "LEG")),
        ("New South Wales", ("prov:new-south-wales", "AUS", None)),
    ],
)
def test_a_capital_or_a_country_inside_a_longer_place_or_a_city_office_is_no_state(kb, text: str, expected) -> None:  # type: ignore[no-untyped-def]
    assert _codes(kb, text, date(2020, 9, 30)) == expected


def test_resolve_country_alone(kb) -> None:
    res = resolve_description(kb, "Japan")
    assert res is not None
    assert (res.actor_id, res.kind, res.country, res.sector) == ("country:JPN", "country", "JPN", None)


# ----------------------------------------------------------------- groups, titles, demonyms
@pytest.mark.parametrize(
    ("text", "country", "sector"),
    [
        ("Several of the largest trade unions in Denmark", "DNK", "LAB"),
        ("an American destroyer", "USA", "MIL"),
        ("soldiers", None, "MIL"),
        ("Serb forces", "SRB", "MIL"),
        ("Azerbaijani parliament", "AZE", "LEG"),
        ("president of Armenia", "ARM", "GOV"),
        ("retired vice president", None, "ELI"),
        ("a former Brazilian finance minister", "BRA", "ELI"),
        ("Republican senators", "USA", "LEG"),  # the label names one country's party
        ("Liberal senators", None, "LEG"),  # a label many countries' parties share
        ("supporters of the opposition", None, "CVL"),
        ("Putin's spokesman", "RUS", "GOV"),
        ("NATO troops", None, "IGO"),
    ],
)
def test_resolve_groups_and_titles(kb, text: str, country, sector) -> None:  # type: ignore[no-untyped-def]
    assert _codes(kb, text)[1:] == (country, sector)


def test_resolve_country_from_context_for_named_groups(kb) -> None:
    context = "The Mozambique government on Friday rejected demands from Shona rebels."
    assert _codes(kb, "Shona rebels", None, context)[1:] == ("MOZ", "REB")
    assert _codes(kb, "Shona rebels")[1:] == ("ZWE", "REB")  # no context: the group's usual country
    context = "Police said ethnic Albanians in southern Serbia were detained near the Serbian border."
    assert _codes(kb, "ethnic Albanians", None, context)[1:] == ("SRB", "CVL")


def test_resolve_plain_group_takes_its_country_from_the_sentence(kb) -> None:
    assert _codes(kb, "soldiers", None, "Israeli soldiers fired at a crowd in Gaza.")[1:] == ("ISR", "MIL")
    assert _codes(kb, "soldiers", None, "Soldiers fired at a crowd.")[1:] == (None, "MIL")


@pytest.mark.parametrize("text", ["it", "they", "He", "the statement", "the talks", "us", "", "  ", "2024"])
def test_resolve_none(kb, text: str) -> None:
    assert resolve_description(kb, text) is None


@pytest.mark.parametrize(("text", "actor"), [("US", "country:USA"), ("The US", "country:USA"), ("WHO", "igo:who")])
def test_resolve_acronyms_that_spell_pronouns(kb, text: str, actor: str) -> None:  # type: ignore[no-untyped-def]
    res = resolve_description(kb, text)
    assert res is not None and res.actor_id == actor


# ----------------------------------------------------------------- weak heads, peoples, institutions elsewhere
@pytest.mark.parametrize(
    ("text", "sector"),
    [
        ("Police spokesman Mariusz Ciarka", "COP"),  # a spokesman speaks for the police
        ("hospital officials", "HLH"),
        ("one rebel official", "REB"),
        ("a spokesperson for the fire service", "GOV"),  # no institution noun: the title's own sector
        ("Metropolitan Police sergeant Matt Ratana", "COP"),
        ("a government spokesman", "GOV"),
    ],
)
def test_resolve_weak_head_takes_the_institutions_sector(kb, text: str, sector: str) -> None:  # type: ignore[no-untyped-def]
    assert _codes(kb, text, date(2020, 1, 1))[2] == sector


@pytest.mark.parametrize(
    ("text", "country", "sector"),
    [
        ("Palestinians", "PSE", "CVL"),
        ("two Argentinians", "ARG", "CVL"),
        ("millions of Ukrainians", "UKR", "CVL"),
        ("Four British climbers", "GBR", "CVL"),
        ("the Russians", "RUS", "GOV"),  # the people named with the article alone: the state speaking
        ("Japanese", "JPN", None),  # a demonym alone is the country
        ("a Sri Lankan family", "LKA", "CVL"),  # a collective noun
        ("the young Saudi heir", "SAU", None),  # one person, no title: no civilian group
        ("the Iraqi leadership", "IRQ", "GOV"),
    ],
)
def test_resolve_peoples_by_demonym(kb, text: str, country: str, sector: str | None) -> None:  # type: ignore[no-untyped-def]
    assert _codes(kb, text)[1:] == (country, sector)


def test_resolve_national_institution_of_another_country(kb) -> None:  # type: ignore[no-untyped-def]
    assert _codes(kb, "Argentina’s Congress")[1:] == ("ARG", "LEG")
    assert _codes(kb, "Panama’s Supreme Court")[1:] == ("PAN", "JUD")
    context = "Panama's government said the Supreme Court ruling on the ports contract would be respected."
    assert _codes(kb, "the Supreme Court", date(2025, 2, 1), context)[1:] == ("PAN", "JUD")
    assert _codes(kb, "the Supreme Court", date(2025, 2, 1), "The Supreme Court ruled on Friday.")[1] == "USA"


def test_resolve_bare_government_is_the_sentences(kb) -> None:  # type: ignore[no-untyped-def]
    res = resolve_description(kb, "the government", date(2019, 1, 1), "Myanmar's army and the government denied it.")
    assert res is not None and (res.actor_id, res.sector) == ("gov:MMR", "GOV")


def test_resolve_a_weekday_is_no_surname(kb) -> None:  # type: ignore[no-untyped-def]
    """Godwin Friday (a prime minister from 2025) is not "Friday" in a date, on any day."""
    context = "On Friday, researchers at Imperial College London posted findings."
    for day in (date(2020, 2, 1), date(2026, 1, 1)):
        res = resolve_description(kb, "Friday", day, context)
        assert res is None or res.actor_id != "person:godwin-friday", res
    res = resolve_description(kb, "Godwin Friday", date(2026, 1, 1), "Prime Minister Godwin Friday spoke.")
    assert res is not None and res.actor_id == "person:godwin-friday"


def test_resolve_new_opens_a_place_name(kb) -> None:  # type: ignore[no-untyped-def]
    """ "New York" is the city (a place of the United States), not a "York"; "the new government" stays generic."""
    context = "Taro Aso met Donald Trump in New York to discuss trade."
    res = resolve_description(kb, "New York", date(2024, 4, 23), context)
    assert res is not None and (res.actor_id, res.name, res.kind, res.country) == (
        "prov:new-york",
        "New York",
        "group",
        "USA",
    )
    res = resolve_description(kb, "the new government", date(2024, 4, 23), "The new government took office.")
    assert res is not None and res.actor_id == "prov:generic:government"


def test_resolve_administration_of_a_surname(kb) -> None:  # type: ignore[no-untyped-def]
    context = "The Trump administration raised tariffs on Brazil to 50%."
    res = resolve_description(kb, "The Trump administration", date(2025, 8, 1), context)
    assert res is not None and (res.actor_id, res.country) == ("gov:USA", "USA")


def test_resolve_group_loyal_to_a_side(kb) -> None:  # type: ignore[no-untyped-def]
    assert _codes(kb, "Soldiers loyal to the Syrian government", date(2018, 3, 1))[1:] == ("SYR", "MIL")
    assert _codes(kb, "militias backed by Iran", date(2018, 3, 1))[1:] == ("IRN", "UAF")


def test_resolve_backer_is_not_the_groups_country(kb) -> None:  # type: ignore[no-untyped-def]
    context = "Iranian-backed Shia militias gathered on the Iraqi side of the border near Albu Kamal."
    assert _codes(kb, "Iranian-backed Shia militias", date(2018, 3, 1), context)[1] == "IRQ"
    assert _codes(kb, "The Chilean Armed Forces", date(2019, 10, 20))[1:] == ("CHL", "MIL")


def test_resolve_participle_ends_the_head(kb) -> None:  # type: ignore[no-untyped-def]
    assert _codes(kb, "a judge overseeing criminal proceedings")[2] == "JUD"
    assert _codes(kb, "Hospital officials in Omsk", date(2020, 8, 21))[1:] == ("RUS", "HLH")


# ----------------------------------------------------------------- one-word names (issue 22)
_NOT = [
    # Phil Collins of the Prohibition Party, not New Zealand's Judith Collins
    ("Collins", date(2020, 7, 25), "Collins won the American Independent Party's California Primary.", None),
    ("Collins", date(2020, 10, 22), "Collins is currently chairman of the party.", "USA"),
    # Michael Cohen in a U.S. article, not Likud's Eli Cohen
    ("Cohen", date(2019, 10, 10), "Cohen is serving a three-year-long prison sentence.", "USA"),
    # Carrie Lam of Hong Kong, not Vietnam's To Lam
    ("Lam", date(2019, 10, 16), "Lam was interrupted by protesting legislators in Hong Kong.", None),
    # a senator of the 1960s: RFK Jr.'s roles all begin in 2023
    ("Senator Kennedy", date(2019, 9, 3), "Sirhan opposed Senator Kennedy's position.", None),
    ("Kennedy", date(2019, 9, 3), "Kennedy was shot in Los Angeles.", "USA"),
    # Cyrus Vance Jr., Manhattan's district attorney in 2019, not JD Vance (a senator from 2023)
    ("Vance", date(2019, 10, 10), "Vance said he would appeal.", "USA"),
    # São Tomé's prime minister in 2019 is no "Jesus" of an article about another country
    ("Jesus", date(2019, 5, 3), "The veil covered the head of Jesus when he was buried.", "DEU"),
]
_YES = [
    # the person's country in the sentence or the article
    ("Collins", date(2024, 3, 1), "Collins said New Zealand would buy new frigates.", None),
    ("Collins", date(2024, 3, 1), "Collins said the frigates would come.", "NZL"),
    ("Cohen", date(2023, 2, 1), "Cohen said Israel would open an embassy.", None),
    ("Lam", date(2024, 6, 1), "Lam visited Hanoi's port.", "VNM"),
    ("Senator Kennedy", date(2025, 3, 1), "Kennedy's health department in Washington cut staff.", None),
    ("Kennedy", date(2025, 3, 1), "Kennedy was sworn in.", "USA"),
    ("Vance", date(2025, 2, 14), "Vance spoke in Munich about the United States.", None),
    # a head of state of the day, without an article country to say otherwise
    ("Jesus", date(2019, 5, 3), "Jesus met the president of Angola.", None),
]
_WHO = {
    "Collins": "person:judith-collins",
    "Cohen": "person:eli-cohen-likud",
    "Lam": "person:to-lam",
    "Senator Kennedy": "person:robert-f-kennedy-jr",
    "Kennedy": "person:robert-f-kennedy-jr",
    "Vance": "person:jd-vance",
    "Jesus": "person:jorge-bom-jesus",
}

# bearers of the same surname whom officials.yaml knows, plausibly meant where the sentence or article is
# of their country ("Lam" in Hong Kong in 2019 is Carrie Lam; "Senator Kennedy" in 2019 is Louisiana's)
_OTHER_BEARERS = {"person:susan-collins", "person:carrie-lam", "person:john-kennedy"}


@pytest.mark.parametrize(("no", "yes"), list(zip(_NOT, _YES, strict=True)), ids=[n[0] for n in _NOT])
def test_resolve_a_lone_surname_is_its_bearer_only_where_plausible(kb, no, yes) -> None:  # type: ignore[no-untyped-def]
    """A one-word surname names a known person where their country (or their office) makes them the one
    meant, and otherwise an unknown person (provisional) of the sentence's or the article's country."""
    text, day, context, article_country = no
    res = resolve_description(kb, text, day, context, article_country=article_country)
    assert res is None or res.actor_id != _WHO[text], res
    assert res is None or (res.provisional and res.kind == "person") or res.actor_id in _OTHER_BEARERS, res
    text, day, context, article_country = yes
    res = resolve_description(kb, text, day, context, article_country=article_country)
    assert res is not None and res.actor_id == _WHO[text], res


def test_resolve_a_lone_surname_of_an_unknown_person_takes_the_articles_country(kb) -> None:  # type: ignore[no-untyped-def]
    res = resolve_description(kb, "Collins", date(2020, 10, 22), "Collins said so.", article_country="AUS")
    assert res is not None and (res.actor_id, res.kind, res.country) == ("prov:collins", "person", "AUS"), res
    res = resolve_description(kb, "Senator Collins", date(2020, 10, 22), "Senator Collins said.", article_country="AUS")
    assert res is not None and (res.actor_id, res.country, res.sector) == ("prov:collins", "AUS", "LEG"), res
    # a senator of the day whom the knowledge base knows
    res = resolve_description(kb, "Senator Collins", date(2020, 10, 22), "Senator Collins said.", article_country="USA")
    assert res is not None and (res.actor_id, res.country, res.sector) == ("person:susan-collins", "USA", "LEG"), res
    # heads of state, foreign ministers, office holders and former ones, as the actor-description sets have them
    for text, day, context, expected in [
        ("Erdoğan", date(2020, 1, 11), "Erdoğan called for regional cooperation.", "person:recep-tayyip-erdogan"),
        (
            "Pelosi",
            date(2019, 1, 4),
            "Within her own party, the choice of Pelosi was not uncontested.",
            "person:nancy-pelosi",
        ),
        ("Navalny", date(2020, 9, 5), "Navalny was airlifted from Omsk to Berlin.", "person:alexei-navalny"),
        ("Obama", date(2019, 1, 10), "Obama had been timid.", "person:barack-obama"),
    ]:
        res = resolve_description(kb, text, day, context, article_country=None)
        assert res is not None and res.actor_id == expected, res


def test_find_names_a_lower_case_word_is_no_persons_name(kb) -> None:  # type: ignore[no-untyped-def]
    """ "Sơn" (Bùi Thanh Sơn's surname alias) is not the "son" of "son of the late founder"."""
    text = "Hamza bin Laden, son of the late Al-Qaeda founder Osama bin Laden, has been killed."
    found = {i for _, _, ids in kb.find_names(text) for i in ids}
    assert "person:bui-thanh-son" not in found, found
    assert "person:bui-thanh-son" in {i for _, _, ids in kb.find_names("Foreign Minister Sơn said.") for i in ids}


def test_the_administration_is_the_articles_government(kb) -> None:  # type: ignore[no-untyped-def]
    """ "This followed deals the administration brokered between Israel and the United Arab Emirates, Bahrain,
    and Kosovo" (Wikinews, 2020, an article about the U.S.): the U.S. administration, not Israel's; without an
    article country, the sentence's first country."""
    context = "This followed deals the administration brokered between Israel and the United Arab Emirates."
    day = date(2020, 10, 23)
    res = resolve_description(kb, "the administration", day, context, article_country="USA")
    assert res is not None and res.actor_id == "gov:USA"
    res = resolve_description(kb, "the administration", day, context)
    assert res is not None and res.actor_id == "gov:ISR"


def test_an_unnamed_office_of_a_named_body_is_not_named_by_the_body(kb) -> None:  # type: ignore[no-untyped-def]
    """ "Tancredo ran for Governor of Colorado in 2010 as the nominee of the Constitution Party" (Wikinews, 2020):
    an unnamed nominee of that party, not a person called "Constitution"; a name before the title stays the
    person's ("Elaine Chao, the Secretary of Transportation")."""
    res = resolve_description(kb, "the nominee of the Constitution Party", date(2020, 11, 2))
    assert res is not None and res.kind == "person" and res.name == "nominee of the Constitution Party", res
    named = resolve_description(kb, "Elaine Chao, the Secretary of Transportation", date(2019, 6, 1))
    assert named is not None and named.name == "Elaine Chao", named


# ----------------------------------------------------------------- a country's diplomat at an organisation
@pytest.mark.parametrize(
    ("description", "country"),
    [
        ("Russia’s UN ambassador", "RUS"),  # "Russia’s UN ambassador said his top diplomatic priority was ..."
        ("Syria’s ambassador to the UN", "SYR"),
        ("Sweden’s UN ambassador", "SWE"),  # "Sweden’s UN ambassador, Olof Skoog, said"
        ("The UK ambassador to the UN", "GBR"),
    ],
)
def test_a_country_s_diplomat_to_an_organisation_is_the_country_s(kb, description: str, country: str) -> None:  # type: ignore[no-untyped-def]
    """Descriptions of the Guardian sample (April 2018): the diplomat is his country's official, not the UN;
    all of one country's envoys to one body are one actor, keyed by the post."""
    from tests.conftest import SHARED

    corpus = (SHARED / "corpus" / "guardian_sample" / "articles.jsonl").read_text(encoding="utf-8")
    assert description in corpus
    res = resolve_description(kb, description, date(2018, 4, 12))
    assert res is not None and (res.country, res.sector, res.kind) == (country, "GOV", "person"), res
    assert res.actor_id == f"prov:{country.lower()}-ambassador-to-the-united-nations"
    # the body's own envoy is the body's
    assert _codes(kb, "the EU ambassador to China", date(2018, 4, 12))[0] == "igo:eu"


def test_one_name_of_several_bodies_is_the_one_of_the_country_the_sentence_names(kb) -> None:  # type: ignore[no-untyped-def]
    """ "The SDF (the Kurdish led force raised by Washington to fight Isis) and the United States are sitting on a
    volcano in north-east Syria" (Guardian sample, 2019): Syria's Democratic Forces, not Japan's Self-Defense
    Forces, which "SDF" names in a sentence about Japan or in none."""
    from tests.conftest import SHARED

    corpus = (SHARED / "corpus" / "guardian_sample" / "articles.jsonl").read_text(encoding="utf-8")
    sentence = next(s for s in corpus.split(". ") if s.startswith("The SDF (the Kurdish led force")) + "."
    day = date(2019, 3, 1)
    assert _codes(kb, "The SDF", day, sentence) == ("org:syrian-democratic-forces", "SYR", "REB")
    assert _codes(kb, "the SDF", day, "Japan's SDF held drills near Okinawa.")[1] == "JPN"
    assert _codes(kb, "the SDF", day)[1] == "JPN"


def test_the_names_of_one_body_are_one_actor_and_a_country_s_military_is_its_armed_forces(kb) -> None:  # type: ignore[no-untyped-def]
    """The seats of countries.yaml: "IDF", "Israel Defense Forces" and "Israel Defence Forces" were three actors,
    "SDF" and "Self-Defense Forces" two; "Israel's military", "The Turkish military", "Thai military" (actor
    descriptions of the Guardian sample and Wikinews) were provisional actors of their own."""
    day = date(2019, 3, 1)
    idf_names = ("IDF", "the Israel Defense Forces", "Israel Defence Forces", "Israel’s military")
    idf = {_codes(kb, t, day)[0] for t in idf_names}
    assert idf == {"org:isr-israel-defense-forces"}
    sdf_names = ("the SDF", "Self-Defence Forces", "the Japanese military")
    sdf = {_codes(kb, t, day, "Japan's SDF held drills.")[0] for t in sdf_names}
    assert sdf == {"org:jpn-self-defense-forces"}
    assert _codes(kb, "The Turkish military", day) == ("org:tur-turkish-armed-forces", "TUR", "MIL")
    assert _codes(kb, "Thai military", day) == ("org:tha-royal-thai-armed-forces", "THA", "MIL")
    assert _codes(kb, "the Kenyan military", day)[0] == "org:ken-kenya-defence-forces"
    # one of several, a part or a former one is no country's armed forces as a whole
    for text in (
        "an Israeli military official",
        "the Israeli military chief",
        "the Russian army",
        "Israel's former military",
    ):
        assert not _codes(kb, text, day)[0].startswith("org:"), text
    # a country whose seats name no armed forces keeps a provisional actor, keyed by country and noun
    assert _codes(kb, "the Malian military", day)[0] == "prov:mli-military"
