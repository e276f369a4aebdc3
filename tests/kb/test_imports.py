"""Imported actors: the Phoenix/CAMEO dictionaries (packaged) and Wikidata results (user files)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from vigil.errors import ConfigError
from vigil.kb import KnowledgeBase, resolve_description
from vigil.kb.entries import load_file, merge
from vigil.kb.knowledge import DATA_DIR
from vigil.kb.wikidata import convert_results, read_results

FIXTURE = Path(__file__).parent / "fixtures" / "wikidata_people.sparql.json"
PHOENIX = ("phoenix_people.yaml", "phoenix_organisations.yaml", "phoenix_places.yaml")


# ----------------------------------------------------------------- Phoenix
def test_phoenix_entries_name_their_source_and_licence() -> None:
    people = load_file(DATA_DIR / "phoenix_people.yaml")
    orgs = load_file(DATA_DIR / "phoenix_organisations.yaml")
    places = load_file(DATA_DIR / "phoenix_places.yaml")
    assert len(people.people) > 10_000 and len(orgs.igos) > 5_000 and len(places.places) > 150
    for entry in [*people.people.values(), *orgs.igos.values()]:
        assert entry.source and "Phoenix" in entry.source and "MIT" in entry.source, entry.id
    assert all(source and "Phoenix" in source for _, _, source, _ in people.extra_roles)


def test_phoenix_people_are_not_duplicates_of_the_teams() -> None:
    """A person the team's files define and Phoenix lists is one entry: same name, same country, one id."""
    data = merge([p for p in DATA_DIR.glob("*.yaml") if p.name != "phoenix_people.yaml"])
    phoenix = load_file(DATA_DIR / "phoenix_people.yaml")
    team_keys = Counter((p.name.lower(), p.country) for p in data.people.values())
    clashes = [p.id for p in phoenix.people.values() if (p.name.lower(), p.country) in team_keys]
    assert clashes == []
    assert phoenix.extra_roles  # the merged ones add their earlier roles and aliases to the team's entries


def test_phoenix_person_roles_are_dated_and_mapped(kb) -> None:  # type: ignore[no-untyped-def]
    karzai = [a for a in kb.lookup("Hamid Karzai") if a.kind == "person"]
    assert [a.id for a in karzai] == ["person:hamid-karzai"]
    role = karzai[0].role_on(date(2005, 6, 1))
    assert role is not None and (role.country, role.sector) == ("AFG", "GOV")


def test_phoenix_places_are_country_evidence_for_a_sentence(kb) -> None:  # type: ignore[no-untyped-def]
    res = resolve_description(kb, "police", date(2012, 5, 1), "Police in Kandahar arrested two men on Monday.")
    assert res is not None and (res.country, res.sector) == ("AFG", "COP")
    # a place is the weakest evidence: a country word wins
    res = resolve_description(kb, "police", date(2012, 5, 1), "Pakistani police in Kandahar said nothing.")
    assert res is not None and res.country == "PAK"
    # and only written as a name
    assert kb.find_places("the kandahar") == []


def test_phoenix_organisations_code_their_sector(kb) -> None:  # type: ignore[no-untyped-def]
    res = resolve_description(kb, "the Afghan National Army", date(2012, 5, 1))
    assert res is not None and (res.country, res.sector) == ("AFG", "MIL")


# ----------------------------------------------------------------- Wikidata
def test_wikidata_results_become_people_with_dated_roles(tmp_path: Path) -> None:
    bare = KnowledgeBase(merge([DATA_DIR / "countries.yaml", DATA_DIR / "titles.yaml"]))
    converted = convert_results(read_results(FIXTURE), bare, FIXTURE.name)
    by_id = {p["id"]: p for p in converted.people}
    assert set(by_id) == {"barack-obama", "angela-merkel", "vladimir-putin", "shinzo-abe"}
    obama = by_id["barack-obama"]
    assert (obama["country"], obama["wikidata"]) == ("USA", "Q76")
    assert [r[1:4] for r in obama["roles"]] == [["USA", "LEG", date(2005, 1, 3)], ["USA", "GOV", date(2009, 1, 20)]]
    assert by_id["shinzo-abe"]["died"] == date(2022, 7, 8)
    assert by_id["vladimir-putin"]["roles"][-1][4] is None  # in office: no end
    path = tmp_path / "wikidata.yaml"
    path.write_text(converted.to_yaml(FIXTURE.name), encoding="utf-8")
    kb = KnowledgeBase(merge([DATA_DIR / "countries.yaml", DATA_DIR / "titles.yaml", path]))
    res = resolve_description(kb, "Shinzo Abe", date(2013, 3, 1))
    assert res is not None and (res.actor_id, res.country, res.sector) == ("person:shinzo-abe", "JPN", "GOV")
    res = resolve_description(kb, "Shinzo Abe", date(2021, 3, 1))
    assert res is not None and res.sector == "ELI"  # a former prime minister


def test_wikidata_people_the_kb_has_are_merged_not_repeated(tmp_path: Path, kb) -> None:  # type: ignore[no-untyped-def]
    converted = convert_results(read_results(FIXTURE), kb, FIXTURE.name)
    assert converted.people == []
    assert converted.skipped["people the knowledge base has (merged)"] == 4
    path = tmp_path / "wikidata.yaml"
    path.write_text(converted.to_yaml(FIXTURE.name), encoding="utf-8")
    merged = KnowledgeBase.load([path])
    assert len([a for a in merged.lookup("Angela Merkel") if a.kind == "person"]) == 1
    assert merged.lookup("Angela Dorothea Merkel")[0].id == "person:angela-merkel"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not JSON"),
        ('{"head": {}}', "not SPARQL JSON results"),
        ('{"head": {"vars": ["person"]}, "results": {"bindings": []}}', "personLabel"),
    ],
)
def test_wikidata_bad_results_name_the_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "results.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        read_results(path)
    assert str(path) in str(info.value)


def test_wikidata_reversed_dates_are_an_error(tmp_path: Path, kb) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    row = data["results"]["bindings"][0]
    row["end"]["value"] = "2001-01-01T00:00:00Z"
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError, match="result 1: position 'President of the United States' ends"):
        convert_results(read_results(path), kb, str(path))
