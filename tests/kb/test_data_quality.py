"""Quality checks on the packaged YAML data."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml

from vigil.kb.entries import SECTORS
from vigil.kb.knowledge import DATA_DIR, DEFAULT_FILES
from vigil.kb.names import acronym_key, is_acronym, name_key


def _raw(name: str):  # type: ignore[no-untyped-def]
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))


def test_data_quality_no_duplicate_ids() -> None:
    for name, section, key in (
        ("countries.yaml", "countries", "code"),
        ("igos.yaml", "igos", "id"),
        ("people.yaml", "people", "id"),
    ):
        ids = [str(e[key]) for e in _raw(name)[section]]
        dupes = {i for i in ids if ids.count(i) > 1}
        assert not dupes, f"{name}: duplicate ids {dupes}"


def test_data_quality_roles_ordered_and_codes_known(kb) -> None:  # type: ignore[no-untyped-def]
    data = kb.data  # the packaged files, merged (read once per session)
    codes = set(data.countries)
    for person in data.people.values():
        assert person.country is None or person.country in codes, person.id
        for role in person.roles:
            assert role.start is None or role.end is None or role.start <= role.end, (person.id, role)
            assert role.country is None or role.country in codes, (person.id, role)
            assert role.sector in SECTORS, (person.id, role)
            if person.died and role.start:
                assert role.start <= person.died, (person.id, role)
    for igo in data.igos.values():
        assert igo.country is None or igo.country in codes, igo.id
        assert igo.parent is None or igo.parent in data.igos, igo.id


def test_data_quality_no_alias_maps_to_two_countries(kb) -> None:  # type: ignore[no-untyped-def]
    data = kb.data  # the packaged files, merged (read once per session)
    owners: dict[str, set[str]] = defaultdict(set)
    for entry in data.countries.values():
        for form in (entry.name, *entry.aliases, *entry.demonyms, *entry.capitals, *(s for s, _ in entry.seats)):
            key = acronym_key(form) if is_acronym(form) else name_key(form)
            owners[key].add(entry.code)
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert not clashes, clashes


def test_data_quality_every_un_member_sized(kb) -> None:  # type: ignore[no-untyped-def]
    data = kb.data  # the packaged files, merged (read once per session)
    assert len(data.countries) >= 200
    for code in ("JPN", "USA", "GBR", "CHN", "RUS", "TWN", "XKX", "HKG", "PSE", "VAT", "SSD", "TLS", "MNE"):
        assert code in data.countries


def test_data_quality_g20_leaders_present(kb) -> None:
    heads = {
        "ARG": "javier-milei", "AUS": "anthony-albanese", "BRA": "lula-da-silva", "CAN": "mark-carney",
        "CHN": "xi-jinping", "FRA": "emmanuel-macron", "DEU": "friedrich-merz", "IND": "narendra-modi",
        "IDN": "prabowo-subianto", "ITA": "giorgia-meloni", "JPN": "sanae-takaichi", "MEX": "claudia-sheinbaum",
        "RUS": "vladimir-putin", "SAU": "king-salman", "ZAF": "cyril-ramaphosa", "KOR": "lee-jae-myung",
        "TUR": "recep-tayyip-erdogan", "GBR": "keir-starmer", "USA": "donald-trump",
    }  # fmt: skip
    for code, slug in heads.items():
        actor = kb.get(f"person:{slug}")
        assert actor is not None and actor.country == code, slug


def test_data_quality_files_are_packaged() -> None:
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert "kb/data/*.yaml" in pyproject
    assert {p.name for p in DATA_DIR.glob("*.yaml")} >= {p.name for p in DEFAULT_FILES}
