"""The knowledge base's world coverage: every person dated and sourced, one holder per office."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

import pytest

from vigil.kb import KnowledgeBase, resolve_description
from vigil.kb.entries import load_file
from vigil.kb.knowledge import DATA_DIR

TEAM_FILES = (
    "leaders.yaml",
    "ministers.yaml",
    "usjpn.yaml",
    "officials.yaml",
    "officials_exact.yaml",
    "organisations.yaml",
    "media_business.yaml",
)
# offices one person holds at a time in a country (titles shared by many, like "senator", are not here)
SINGLE_HOLDER = {
    "president",
    "prime minister",
    "chancellor",
    "foreign minister",
    "defence minister",
    "finance minister",
    "secretary of state",
    "secretary of defense",
    "secretary of the treasury",
    "chief cabinet secretary",
    "national security adviser",
    "king",
    "queen",
    "emir",
    "chief executive",
    "speaker of the house",
    "house majority leader",
    "house minority leader",
    "senate majority leader",
    "senate minority leader",
    "chief justice of the united states",
    "director of the cia",
    "director of the fbi",
    "director of the nsa",
    "director of national intelligence",
    "chairman of the joint chiefs of staff",
    "home secretary",
    "justice secretary",
    "health secretary",
    "defence secretary",
    "chancellor of the exchequer",
    "leader of the opposition",
    "first minister of scotland",
    "first minister of wales",
    "first minister of northern ireland",
    "speaker of the house of commons",
    "chief of the general staff",
    "chief of the defence staff",
    "chief of staff of the idf",
    "director of the mossad",
    "director of the shin bet",
    "commander of the irgc",
    "commander of the quds force",
    "chief of army staff",
    "director-general of the isi",
    "president of the kurdistan region",
}
# every office of a state: "governor of Texas", "chair of the House Judiciary Committee"
SINGLE_HOLDER_PATTERN = re.compile(r"governor of (?!the )[A-Z]|chair of the House .* Committee$", re.IGNORECASE)


@pytest.fixture(scope="module")
def data(kb):  # type: ignore[no-untyped-def]
    return kb.data  # the packaged files, merged (read once per session)


def test_every_person_has_a_country_and_dated_roles(data) -> None:  # type: ignore[no-untyped-def]
    assert len(data.people) > 2000
    for person in data.people.values():
        assert person.country, person.id
        assert any(role.start for role in person.roles), person.id
        for role in person.roles:
            assert role.start or role.end, (person.id, role)  # a role before public life may lack its start
            assert role.end is None or role.start is None or role.end >= role.start, (person.id, role)


def test_every_team_entry_has_a_source() -> None:
    for name in TEAM_FILES:
        part = load_file(DATA_DIR / name)
        entries = [*part.people.values(), *part.igos.values()]
        assert entries, name
        assert all(e.source for e in entries), name
        assert all(source for _, _, source, _ in part.extra_roles), name


def test_no_office_has_two_holders_on_one_day(data) -> None:  # type: ignore[no-untyped-def]
    offices: dict[tuple[str, str | None], list[tuple[date, date, str]]] = defaultdict(list)
    for person in data.people.values():
        for role in person.roles:
            single = role.title.lower() in SINGLE_HOLDER or SINGLE_HOLDER_PATTERN.match(role.title)
            if single and role.country:
                offices[(role.title.lower(), role.country)].append((role.start, role.end or date.max, person.id))
    clashes = []
    for office, spans in offices.items():
        spans.sort()
        for (_s1, e1, a), (s2, _e2, b) in zip(spans, spans[1:], strict=False):
            if a != b and s2 < e1:  # the handover day (s2 == e1) belongs to both
                clashes.append((office, a, b, s2, e1))
    assert clashes == []


@pytest.mark.parametrize(
    ("text", "day", "country", "sector", "actor"),
    [
        ("Kenyan President William Ruto", date(2024, 3, 1), "KEN", "GOV", "person:william-ruto"),
        ("Anwar Ibrahim", date(2023, 5, 1), "MYS", "GOV", "person:anwar-ibrahim"),
        ("Aleksandar Vucic", date(2024, 3, 1), "SRB", "GOV", None),
        ("the Chilean energy minister", date(2024, 3, 1), "CHL", "GOV", None),
        ("Canada's foreign minister", date(2024, 3, 1), "CAN", "GOV", "person:melanie-joly"),
        ("the Rapid Support Forces", date(2024, 3, 1), "SDN", "REB", "org:rapid-support-forces"),
        ("Hezbollah", date(2024, 3, 1), "LBN", "REB", "org:hezbollah"),
        ("Harris", date(2019, 6, 1), "USA", "LEG", "person:kamala-harris"),
        ("Antony Blinken", date(2023, 6, 1), "USA", "GOV", "person:antony-blinken"),
    ],
)
def test_resolves_actors_beyond_the_g20(text: str, day: date, country: str, sector: str, actor: str | None) -> None:
    kb = KnowledgeBase.load()
    res = resolve_description(kb, text, day)
    assert res is not None, text
    assert (res.country, res.sector) == (country, sector), res
    if actor:
        assert res.actor_id == actor


@pytest.mark.parametrize(
    ("text", "day", "country", "sector", "actor"),
    [
        ("Senator Lindsey Graham", date(2020, 6, 1), "USA", "LEG", "person:lindsey-graham"),
        ("Graham", date(2020, 6, 1), "USA", "LEG", "person:lindsey-graham"),
        ("Rand Paul", date(2019, 3, 1), "USA", "LEG", "person:rand-paul"),
        ("Kyrsten Sinema", date(2023, 5, 1), "USA", "LEG", "person:kyrsten-sinema"),
        ("Gavin Newsom", date(2021, 9, 1), "USA", "GOV", "person:gavin-newsom"),
        ("John Roberts", date(2021, 3, 1), "USA", "JUD", "person:john-roberts"),
        ("John Brennan", date(2016, 3, 1), "USA", "SPY", "person:john-brennan"),
        ("John Brennan", date(2018, 3, 1), "USA", "ELI", "person:john-brennan"),
        ("Jared Kushner", date(2018, 3, 1), "USA", "GOV", "person:jared-kushner"),
        ("Jeremy Corbyn", date(2017, 3, 1), "GBR", "OPP", "person:jeremy-corbyn"),
        ("Nicola Sturgeon", date(2020, 3, 1), "GBR", "GOV", "person:nicola-sturgeon"),
        ("Sadiq Khan", date(2020, 3, 1), "GBR", "GOV", "person:sadiq-khan"),
        ("Carrie Lam", date(2019, 8, 1), "HKG", "GOV", "person:carrie-lam"),
        ("Valery Gerasimov", date(2018, 4, 10), "RUS", "MIL", "person:valery-gerasimov"),
        ("Qasem Soleimani", date(2019, 6, 1), "IRN", "MIL", "person:qasem-soleimani"),
        ("Maria Zakharova", date(2022, 3, 1), "RUS", "GOV", "person:maria-zakharova"),
        ("Hua Chunying", date(2020, 3, 1), "CHN", "GOV", "person:hua-chunying"),
        ("Sviatlana Tsikhanouskaya", date(2021, 1, 10), "BLR", "OPP", "person:sviatlana-tsikhanouskaya"),
        ("Juan Guaidó", date(2019, 6, 1), "VEN", "OPP", "person:juan-guaido"),
    ],
)
def test_resolves_officials_of_2015_2025(text: str, day: date, country: str, sector: str, actor: str) -> None:
    kb = KnowledgeBase.load()
    res = resolve_description(kb, text, day)
    assert res is not None, text
    assert (res.actor_id, res.country, res.sector) == (actor, country, sector), res


@pytest.mark.parametrize(
    ("text", "not_actor"),
    [
        ("Law and Justice", "person:nathan-law"),
        ("Paul", "person:rand-paul"),
        ("the European Green Deal", "person:nathan-deal"),
        ("Younger voters", "person:alex-younger"),
        ("Cotton farmers", "person:tom-cotton"),
    ],
)
def test_officials_named_by_a_common_word_need_their_full_name(text: str, not_actor: str) -> None:
    """People of officials_exact.yaml get no surname alias: "Law" alone is not Nathan Law."""
    kb = KnowledgeBase.load()
    res = resolve_description(kb, text, date(2020, 6, 1))
    assert res is None or res.actor_id != not_actor, res
    assert kb.get(not_actor) is not None  # the person is there, found by full name


def test_every_us_state_has_two_senators_and_a_governor(data) -> None:  # type: ignore[no-untyped-def]
    """officials.yaml covers the Senate and the governorships of 2015-2025 whole (mid-year: no vacancy)."""
    for year in range(2015, 2026):
        day = date(year, 7, 1)
        seats: dict[str, dict[str, set[str]]] = {"senator from ": defaultdict(set), "governor of ": defaultdict(set)}
        for person in data.people.values():
            for role in person.roles:
                title = role.title.lower()
                held = role.start and role.start <= day and (role.end is None or day <= role.end)
                for prefix, holders in seats.items():
                    if role.country == "USA" and held and title.startswith(prefix):
                        holders[title.removeprefix(prefix)].add(person.id)
        senate, governors = seats.values()
        assert len(senate) == 50 and all(len(s) == 2 for s in senate.values()), (day, senate)
        assert len(governors) == 50 and all(len(g) == 1 for g in governors.values()), (day, governors)
