"""Code tables of the importers: CAMEO and ACLED event types to PLOVER roots, CAMEO and ICEWS actor codes.

PLOVER roots and their quad classes are Vigil's own (:mod:`vigil.coder.labels`); an imported event's
quad class is its PLOVER root's, so that a quad filter means the same for every coder. The source's own
codes are kept beside it (``events.cameo``; ACLED's event and sub-event types in the provenance record).
"""

from __future__ import annotations

from collections.abc import Mapping

from vigil.coder.labels import ROOT_TO_CAMEO, ROOT_TO_QUAD, STATEMENT_CAMEO
from vigil.kb.entries import SECTORS

__all__ = [
    "ACLED_INTER_SECTORS",
    "ACLED_SUB_EVENT_ROOTS",
    "ACLED_TYPE_ROOTS",
    "CAMEO_COUNTRY_ALIASES",
    "CAMEO_KNOWN_GROUPS",
    "CAMEO_ROOT_TO_PLOVER",
    "CAMEO_SECTOR_ALIASES",
    "ICEWS_SECTOR_WORDS",
    "acled_root",
    "cameo_to_plover",
    "cameo_sector",
]

# CAMEO root (two digits) -> PLOVER root. Vigil's own crosswalk (ROOT_TO_CAMEO, after the PLOVER
# documentation's CAMEO table) read backwards, completed with the CAMEO roots it does not pick:
#   02 appeal -> REQUEST (PLOVER merges appeals and demands), 09 investigate -> ACCUSE (PLOVER's
#   ACCUSE covers investigations), 18 assault and 20 unconventional mass violence -> ASSAULT.
# 01 "make public statement" has no PLOVER root: Vigil codes it as a statement (root None, quad 0).
CAMEO_ROOT_TO_PLOVER: Mapping[str, str | None] = {
    **{cameo: root for root, cameo in ROOT_TO_CAMEO.items()},
    STATEMENT_CAMEO: None,
    "02": "REQUEST",
    "09": "ACCUSE",
    "18": "ASSAULT",
    "20": "ASSAULT",
}
# Finer CAMEO codes whose PLOVER root differs from their CAMEO root's: 057 "sign formal agreement" is
# PLOVER's AGREE although CAMEO files it under 05 diplomatic cooperation.
_CAMEO_CODE_TO_PLOVER: Mapping[str, str] = {"057": "AGREE"}


def cameo_to_plover(code: str) -> tuple[str | None, int]:
    """The PLOVER root and quad class of a CAMEO event code.

    Args:
        code: a CAMEO code of 2 to 4 digits ("043", "0841", "19").
    Returns:
        ``(root, quad)``; root None and quad 0 for a public statement (CAMEO 01).
    Raises:
        KeyError: not a CAMEO event code.
    """
    code = code.strip()
    if not (2 <= len(code) <= 4 and code.isdigit()):
        raise KeyError(code)
    root = _CAMEO_CODE_TO_PLOVER.get(code[:3]) or CAMEO_ROOT_TO_PLOVER[code[:2]]
    return root, (ROOT_TO_QUAD[root] if root is not None else 0)


# CAMEO country codes are ISO 3166-1 alpha-3 except these (CAMEO codebook, "Country codes").
# Regional codes (AFR, EUR, ASA, WST, MEA...) name no country and map to none.
CAMEO_COUNTRY_ALIASES: Mapping[str, str] = {"ROM": "ROU", "TMP": "TLS", "ZAR": "COD"}

# CAMEO role/type codes that are not Vigil sectors but have an obvious one (others map to none).
CAMEO_SECTOR_ALIASES: Mapping[str, str] = {"INS": "REB"}

# CAMEO "known group" codes -> a name the knowledge base knows (it gives the actor id).
CAMEO_KNOWN_GROUPS: Mapping[str, str] = {
    "UNO": "United Nations",
    "NAT": "NATO",
    "EEC": "European Union",
    "AFU": "African Union",
    "ARL": "Arab League",
    "ASN": "ASEAN",
    "OPC": "OPEC",
    "IMF": "International Monetary Fund",
    "WBK": "World Bank",
    "WTO": "World Trade Organization",
    "OIC": "Organisation of Islamic Cooperation",
    "ALQ": "al-Qaeda",
    "TAL": "Taliban",
    "HEZ": "Hezbollah",
    "HMS": "Hamas",
    "AMN": "Amnesty International",
    "HRW": "Human Rights Watch",
    "MSF": "Doctors Without Borders",
}


def cameo_sector(code: str | None) -> str | None:
    """The Vigil sector of a CAMEO type code ("GOV" -> GOV, "INS" -> REB), or None."""
    if not code:
        return None
    code = code.strip().upper()
    if code in SECTORS:
        return code
    return CAMEO_SECTOR_ALIASES.get(code)


# ICEWS sector names (comma-separated in "Source Sectors") -> Vigil sector: the first rule that matches
# one of the actor's sectors wins, so the most specific come first ("Military,Government" is MIL, a head of
# government who leads a party is GOV). ``exact`` rules match a whole sector name ("Government", which
# "Government Major Party (In Government)" must not match), the others a part of one.
ICEWS_SECTOR_WORDS: tuple[tuple[str, str, bool], ...] = (
    ("military", "MIL", False),
    ("army", "MIL", False),
    ("navy", "MIL", False),
    ("air force", "MIL", False),
    ("marines", "MIL", False),
    ("police", "COP", False),
    ("intelligence", "SPY", False),
    ("judicial", "JUD", False),
    ("executive", "GOV", False),
    ("cabinet", "GOV", False),
    ("ministry", "GOV", False),
    ("legislative", "LEG", False),
    ("upper house", "LEG", False),
    ("lower house", "LEG", False),
    ("unicameral", "LEG", False),
    ("insurgents", "REB", False),
    ("rebel", "REB", False),
    ("separatists", "SEP", False),
    ("international government organization", "IGO", False),
    ("igos", "IGO", False),
    ("parties", "PTY", True),
    ("party", "PTY", False),
    ("dissident", "OPP", False),
    ("protestors / popular opposition / mobs", "OPP", True),
    ("medical / health", "HLH", False),
    ("nongovernmental organization", "NGO", False),
    ("ngos", "NGO", False),
    ("media", "MED", False),
    ("education", "EDU", False),
    ("business", "BUS", False),
    ("religious", "REL", False),
    ("labor", "LAB", False),
    ("criminals / gangs", "CRM", True),
    ("refugee", "REF", False),
    ("agricultur", "AGR", False),
    ("general population / civilian / social", "CVL", True),
    ("government", "GOV", True),
    ("elite", "ELI", True),
)

# ACLED event types -> PLOVER root (None: no PLOVER equivalent, the row is not imported).
# Written for Vigil, conservatively: we found no published ACLED -> PLOVER table (the PLOVER
# documentation discusses ACLED's categories but gives no crosswalk). Battles and remote violence are
# ASSAULT (Vigil's coder merges PLOVER's FIGHT into ASSAULT); sub-event types refine the
# heterogeneous "Strategic developments" and the violent sub-types of protests and riots.
ACLED_TYPE_ROOTS: Mapping[str, str | None] = {
    "battles": "ASSAULT",
    "explosions/remote violence": "ASSAULT",
    "violence against civilians": "ASSAULT",
    "protests": "PROTEST",
    "riots": "PROTEST",
    "strategic developments": None,
}
ACLED_SUB_EVENT_ROOTS: Mapping[str, str | None] = {
    "excessive force against protesters": "ASSAULT",  # the state's forces act against the protesters
    "mob violence": "ASSAULT",
    "agreement": "AGREE",
    "arrests": "COERCE",
    "looting/property destruction": "COERCE",  # CAMEO 1711/1712: confiscate or destroy property
    "headquarters or base established": "MOBILIZE",
    "non-violent transfer of territory": "YIELD",
    "disrupted weapons use": None,
    "change to group/activity": None,
    "other": None,
}


def acled_root(event_type: str, sub_event_type: str) -> str | None:
    """The PLOVER root of an ACLED event type and sub-event type (None: no PLOVER equivalent).

    Raises:
        KeyError: an event type ACLED does not define.
    """
    sub = sub_event_type.strip().lower()
    if sub in ACLED_SUB_EVENT_ROOTS:
        return ACLED_SUB_EVENT_ROOTS[sub]
    return ACLED_TYPE_ROOTS[event_type.strip().lower()]


# ACLED interaction codes (inter1/inter2) -> sector. 1 state forces (MIL; police forces are COP, by
# name), 2 rebel groups, 3 political militias and 4 identity militias (UAF: CAMEO's unaligned armed
# forces), 5 rioters, 6 protesters, 7 civilians; 8 external/other forces have no single sector.
ACLED_INTER_SECTORS: Mapping[str, str | None] = {
    "1": "MIL",
    "2": "REB",
    "3": "UAF",
    "4": "UAF",
    "5": "CVL",
    "6": "CVL",
    "7": "CVL",
    "8": None,
}
