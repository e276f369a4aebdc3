"""The knowledge base's world coverage: every person dated and sourced, one holder per office."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest

from vigil.kb import KnowledgeBase, resolve_description
from vigil.kb.entries import load_file
from vigil.kb.knowledge import DATA_DIR

TEAM_FILES = ("leaders.yaml", "ministers.yaml", "usjpn.yaml", "organisations.yaml", "media_business.yaml")
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
}


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
            if role.title.lower() in SINGLE_HOLDER and role.country:
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
