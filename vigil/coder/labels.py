"""The coder's labels: PLOVER roots, quad classes and the closest CAMEO root of each."""

from __future__ import annotations

__all__ = ["JOINT_ROOTS", "QUADS", "ROOTS", "ROOT_TO_CAMEO", "ROOT_TO_QUAD", "STATEMENT_CAMEO"]

ROOTS: tuple[str, ...] = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "COOPERATE",
    "AID",
    "YIELD",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)
QUADS: tuple[int, ...] = (0, 1, 2, 3, 4)

ROOT_TO_QUAD: dict[str, int] = {
    "AGREE": 1,
    "CONSULT": 1,
    "SUPPORT": 1,
    "COOPERATE": 2,
    "AID": 2,
    "YIELD": 2,
    "REQUEST": 3,
    "ACCUSE": 3,
    "REJECT": 3,
    "THREATEN": 3,
    "PROTEST": 4,
    "SANCTION": 4,
    "MOBILIZE": 4,
    "COERCE": 4,
    "ASSAULT": 4,
}

# Closest CAMEO root (2 digits) for each PLOVER root, after the PLOVER documentation's CAMEO
# crosswalk. Where PLOVER merges several CAMEO roots we pick the one whose quad class agrees and
# that is most frequent in news:
# AGREE -> 03 "express intent to cooperate" (CAMEO's agreements are spread over 03/057/08; 03 is the
#   root whose verbs "agree to", "pledge", "offer" PLOVER AGREE absorbs);
# SUPPORT -> 05 "engage in diplomatic cooperation" (praise, endorse, defend verbally);
# REQUEST -> 10 "demand" (CAMEO 02 "appeal" is quad 0 in the Phoenix rule; PLV puts REQUEST in quad 3);
# MOBILIZE -> 15 "exhibit force posture"; SANCTION -> 16 "reduce relations";
# ASSAULT -> 19 "fight": PLV merges PLOVER FIGHT (CAMEO 19) into ASSAULT (CAMEO 18/20), and in news
#   the armed-clash sense dominates.
ROOT_TO_CAMEO: dict[str, str] = {
    "AGREE": "03",
    "CONSULT": "04",
    "SUPPORT": "05",
    "COOPERATE": "06",
    "AID": "07",
    "YIELD": "08",
    "REQUEST": "10",
    "ACCUSE": "11",
    "REJECT": "12",
    "THREATEN": "13",
    "PROTEST": "14",
    "MOBILIZE": "15",
    "SANCTION": "16",
    "COERCE": "17",
    "ASSAULT": "19",
}
STATEMENT_CAMEO = "01"  # quad 0: "make public statement"

# Roots of joint actions, undirected (ANNOTATION.md): A-B and B-A are one event.
JOINT_ROOTS = frozenset({"AGREE", "CONSULT", "COOPERATE"})
