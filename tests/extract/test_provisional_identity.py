"""Provisional actors from real corpus articles: institutions stay apart, generic people stay out of networks."""

from __future__ import annotations

from datetime import date

from vigil.kb import KnowledgeBase, resolve_description


def test_two_differently_named_ministries_are_two_actors() -> None:
    kb = KnowledgeBase.load()
    context = "Japan's Foreign Ministry and the Land, Infrastructure, Transport and Tourism Ministry said."
    foreign = resolve_description(kb, "Japan's Foreign Ministry", date(2024, 5, 1), context)
    transport = resolve_description(
        kb, "the Land, Infrastructure, Transport and Tourism Ministry", date(2024, 5, 1), context
    )
    assert foreign is not None and transport is not None
    assert foreign.actor_id != transport.actor_id
    assert (foreign.country, foreign.sector) == ("JPN", "GOV") == (transport.country, transport.sector)


def test_generic_people_are_coded_but_marked_generic() -> None:
    kb = KnowledgeBase.load()
    for text, context in [
        ("reporters", "Kishida told reporters in Tokyo that Japan would respond."),
        ("journalists", "Journalists in Japan asked the minister."),
        ("the faction", "The faction led by Aso in Japan backed the plan."),
    ]:
        res = resolve_description(kb, text, date(2024, 5, 1), context)
        assert res is not None and res.actor_id is not None, text
        assert res.actor_id.startswith("prov:generic:") and res.country == "JPN", res
