"""Event candidates: who acts on whom, read off the dependency parse of one sentence.

A pair is a candidate only when the parse links it through one verb: the source in
that verb's subject (or the agent of a passive), the target in its object side,
and no other verb with a subject of its own in between, unless the target is that
subject ("Russia says Israel must end the strikes": Russia -> Israel). Control verbs
hand their object down ("relying on Aso to serve as a bridge to Trump": Aso serves).
Conjoined subjects act on each other ("Jordan and Britain agreed ...": Jordan ->
Britain). A pronoun subject takes the actor that is the subject of the clause above
it in the same sentence ("Farc said it will release X": Farc releases X), else the
last actor that acted in the previous sentences. The trained coder then codes each
pair; modality comes from the parse around the verb.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from vigil.extract.lexicon import Lexicon, default_lexicon
from vigil.extract.stages import stage
from vigil.extract.state import EventDraft
from vigil.models import CREDIT

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from vigil.extract.actors import ActorMention
    from vigil.extract.state import ArticleWork, Resources

__all__ = ["Candidate", "candidates", "gate_features"]

_SUBJ = frozenset({"nsubj", "csubj"})
_PASS_SUBJ = frozenset({"nsubjpass", "csubjpass"})
_CLAUSE = frozenset({"ccomp", "advcl", "relcl", "acl", "conj", "parataxis", "xcomp", "pcomp"})
_CONTROL_OBJ = frozenset({"dobj", "dative", "pobj"})
_NOUN_CLAUSES = frozenset({"relcl", "acl"})  # clauses that hang from a noun
PRONOUNS_THING = frozenset({"it", "they", "its"})
PRONOUNS_PERSON = frozenset({"he", "she"})


@dataclass(frozen=True, slots=True)
class Candidate:
    source: ActorMention
    target: ActorMention
    trigger: int  # token index of the verb in the sentence doc


def _is_predicate(tok: Token) -> bool:
    return tok.pos_ in {"VERB", "AUX"} or tok.dep_ == "ROOT"


def _generic(m: ActorMention) -> bool:
    """Whether a mention is a generic agent ("officials", "a coalition military official") named by no name."""
    return (m.actor_id or "").startswith("prov:generic:")


def _is_person(m: ActorMention) -> bool:
    """Whether a mention names a person, known or provisional."""
    return (m.actor_id or "").startswith("person:") or m.kind == "person"


def _governor(tok: Token) -> Token:
    """The nearest predicate above (or at) ``tok``."""
    cur = tok
    while not _is_predicate(cur) and cur.head.i != cur.i:
        cur = cur.head
    return cur


def _subject_side(tok: Token, verb: Token) -> str | None:
    """'subj', 'pass' or 'agent' when ``tok`` hangs from ``verb`` on that side, else None."""
    cur = tok
    while cur.head.i != cur.i and cur.head.i != verb.i:
        if cur.dep_ in _NOUN_CLAUSES and _is_predicate(cur):
            return None  # in a clause of the subject's: "Russia, which had granted Turkey permission, blamed the US"
        if cur.dep_ == "poss" and cur.head.lower_.removesuffix("s") in _STATES:
            return None  # "Washington's alliance with the Kurds had never sat well with Ankara": no act of Washington
        cur = cur.head
    if cur.head.i != verb.i:
        return None
    if cur.dep_ in _SUBJ:
        return "subj"
    if cur.dep_ in _PASS_SUBJ:
        return "pass"
    if cur.dep_ == "agent":
        return "agent"
    return None


def _purpose(clause: Token) -> bool:
    """An infinitival purpose clause with no subject of its own ("gave $10m to help Ethiopia")."""
    return clause.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)


def _for_to(clause: Token) -> bool:
    """A "for X to do" clause: "has called for NATO members to increase military spending"."""
    marks = {c.lower_ for c in clause.children if c.dep_ in {"mark", "aux"}}
    return clause.dep_ == "advcl" and {"for", "to"} <= marks


def _object_of(verb: Token, tok: Token) -> bool:
    """True when ``tok`` lies on ``verb``'s object side, without crossing a clause with its own subject.

    The clauses it may cross: a complement of ``verb`` whose subject ``tok`` is in, the reported
    or required party ("said Taliban militants were responsible", "allow the WFP to deliver"), and
    a purpose clause ("gave $10m to help Ethiopia").
    """
    cur, below = tok, tok
    while cur.head.i != cur.i and cur.i != verb.i:
        parent = cur.head
        if cur.dep_ in _SUBJ | _PASS_SUBJ | {"agent"} and parent.i == verb.i:
            return False
        if _is_predicate(cur) and cur.i != tok.i and any(c.dep_ in _SUBJ for c in cur.children):
            if not (below.dep_ in _SUBJ and parent.i == verb.i and (cur.dep_ == "ccomp" or _for_to(cur))):
                return False
        if cur.dep_ in {"relcl", "advcl", "parataxis"} and parent.i == verb.i and not _purpose(cur):
            return False
        if _despite_by(cur):
            return False  # "announced this change ... despite criticism by the Greek foreign minister"
        if cur.dep_ == "relcl" and _is_predicate(cur) and cur.i != tok.i:
            return False  # in a relative clause of the object's: "a statement agreeing the issue should be decided by"
        below, cur = cur, parent
    return cur.i == verb.i


def _despite_by(tok: Token) -> bool:
    """Whether ``tok`` is who does what the subject acts despite or amid: "despite criticism by the Greek foreign
    minister", "amid protests by farmers" (the object of "by" after a noun after "despite" or "amid")."""
    noun = tok.head.head
    by = tok.dep_ == "pobj" and tok.head.lower_ == "by" and noun.pos_ == "NOUN"
    return by and noun.dep_ == "pobj" and noun.head.lower_ in {"despite", "amid", "amidst"}


# Verbs whose subject is given something by the object of "from": "received assistance from consular officials"
# (not "accepted demands from Shona rebels": who accepts acts).
_RECEIVING = frozenset(
    """receive receives received receiving get gets got gotten getting obtain obtains obtained obtaining""".split()
)


def _given_from(verb: Token, tok: Token) -> bool:
    """Whether ``tok`` is who gives to the subject of a verb of receiving: the object of its "from" (or of the
    "from" of its object)."""
    if verb.lower_ not in _RECEIVING:
        return False
    cur = tok
    while cur.dep_ in {"compound", "poss", "amod", "appos", "conj"} and cur.head.i != cur.i:
        cur = cur.head
    prep = cur.head
    if cur.dep_ != "pobj" or prep.lower_ != "from":
        return False
    return prep.head.i == verb.i or (prep.head.dep_ in {"dobj", "obj"} and prep.head.head.i == verb.i)


def _active_participle(verb: Token) -> bool:
    """ "ousting the YPG", "having placed Mugabe under house arrest" (not "when asked by reporters")."""
    return verb.tag_ == "VBG" or any(c.dep_ == "aux" and c.lower_ == "having" for c in verb.children)


def _controller(verb: Token, heads: dict[int, ActorMention]) -> ActorMention | None:
    """For an xcomp verb with no subject, the object (else subject) of the governing verb; for an active
    participle's clause with no subject ("the army moved ..., having first placed Mugabe under house arrest"),
    the subject of the governing verb."""
    if verb.dep_ == "advcl" and _active_participle(verb) and not any(c.dep_ in _SUBJ for c in verb.children):
        if _parenthetical_after_a_name(verb):
            return None  # "a meeting between Giuliani, claiming to represent the State Department, and Yermak"
        for c in verb.head.children:
            if c.dep_ in _SUBJ:
                return next((heads[t.i] for t in c.subtree if t.i in heads), None)
        return None
    if verb.dep_ != "xcomp":
        return None
    gov = verb.head
    for c in gov.subtree:
        if c.i in heads and c.dep_ in _CONTROL_OBJ and _governor(c.head).i == gov.i:
            return heads[c.i]
    for c in gov.children:
        if c.dep_ in _SUBJ:
            for t in c.subtree:
                if t.i in heads:
                    return heads[t.i]
    return None


def _parenthetical_after_a_name(verb: Token) -> bool:
    """Whether a participle's clause stands between commas right after a proper name: it describes the name
    ("Giuliani, claiming to represent the State Department, and ..."), whatever the parser hangs it on."""
    doc = verb.doc
    first, last = min(t.i for t in verb.subtree), max(t.i for t in verb.subtree)
    closed = doc[last].text == "," or (last + 1 < len(doc) and doc[last + 1].text == ",")
    return closed and first >= 2 and doc[first - 1].text == "," and doc[first - 2].pos_ == "PROPN"


_CLAUSE_UP = frozenset({"ccomp", "xcomp", "advcl", "conj"})
_THING_KINDS = frozenset({"government", "country", "igo", "organisation"})


def _clause_antecedent(tok: Token, heads: dict[int, ActorMention]) -> ActorMention | None:
    """The actor a subject pronoun refers to inside its own sentence: the subject of a clause above it.

    "The ELN has said it will release X": "it" -> the ELN. "he"/"she" take a person, "it" a
    state or organisation, "they" any actor.
    """
    word = tok.lower_
    verb = tok.head
    while verb.dep_ in _CLAUSE_UP and verb.head.i != verb.i:
        verb = verb.head
        for c in verb.children:
            if c.dep_ not in _SUBJ:
                continue
            for t in c.subtree:
                m = heads.get(t.i)
                if m is None or t.i == tok.i:
                    continue
                if word in PRONOUNS_PERSON and m.kind != "person":
                    continue
                if word in {"it", "its"} and m.kind not in _THING_KINDS:
                    continue
                return m
    return None


# Verbs of a third party's part in others' talks: who broker or host talks together act on the parties to them,
# not on each other ("peace talks brokered by Russia, Turkey and Iran"); who broker a truce together agree on
# it ("a truce brokered by Moscow and Ankara").
_MEDIATING = frozenset(
    """broker brokers brokered brokering mediate mediates mediated mediating sponsor sponsors sponsored
    sponsoring host hosts hosted hosting facilitate facilitates facilitated facilitating convene convenes
    convened convening""".split()
)
_MEETINGS = frozenset("talks negotiations meeting meetings summit summits conference conferences process".split())


def _mediating(verb: Token) -> bool:
    """Whether ``verb`` is a verb of mediating or hosting talks, whose joint subjects are no parties to each
    other: the talks are what it is said of ("talks brokered by ...") or its object ("hosted the summit")."""
    if verb.lower_ not in _MEDIATING:
        return False
    talks = [verb.head] if verb.dep_ == "acl" else [c for c in verb.children if c.dep_ in {"dobj", "obj", "nsubjpass"}]
    return any(t.lower_ in _MEETINGS for t in talks)


def _conjoined(sent: Doc, heads: dict[int, ActorMention]) -> list[tuple[ActorMention, ActorMention, int]]:
    """(first, second, verb) for two actors conjoined in a verb's subject ("Jordan and Britain agreed")."""
    out: list[tuple[ActorMention, ActorMention, int]] = []
    for i, second in heads.items():
        tok = sent[i]
        if tok.dep_ != "conj":
            continue
        root = tok
        while root.dep_ == "conj" and root.head.i != root.i:
            root = root.head
        # The first conjunct: the root itself, else an actor inside it ("the top U.S. diplomat and Zarif").
        first = heads.get(root.i)
        if first is None:
            for t in root.subtree:
                if t.i in heads and t.i != i and not any(a.dep_ == "conj" for a in _path_to(t, root, len(sent))):
                    first = heads[t.i]
                    break
        if first is None or first.actor_id == second.actor_id:
            continue
        verb = _governor(root)
        if verb.i != root.i and _subject_side(root, verb) in {"subj", "pass", "agent"} and not _mediating(verb):
            if _acting_together(verb):
                continue  # "the Greek foreign minister and UNESCO questioned his authority": both act on him
            out.append((first, second, verb.i))
    return out


# Verbs of what two parties do with each other: their joint subjects are parties to it ("Jordan and Britain
# agreed", "Russia and Turkey signed a deal"); with other verbs, joint subjects acting on a third actor act
# together on it, not on each other ("Several sources acting together: one event per source").
_RECIPROCAL = frozenset(
    """meet meets met meeting agree agrees agreed agreeing sign signs signed signing talk talks talked talking
    negotiate negotiates negotiated negotiating discuss discusses discussed discussing clash clashes clashed
    clashing fight fights fought fighting cooperate cooperates cooperated cooperating hold holds held holding
    reach reaches reached reaching exchange exchanges exchanged exchanging trade trades traded trading""".split()
)


# What two parties have with each other: a verb about one of these is their joint act ("Brazil and the United
# States are seeking to deepen a partnership").
_JOINT_THINGS = frozenset(
    """partnership partnerships ties relations relationship cooperation alliance deal deals agreement agreements
    accord accords pact treaty ceasefire truce dialogue talks negotiations together jointly other another""".split()
)


def _acting_together(verb: Token) -> bool:
    """Whether conjoined subjects of a verb act together (on a third party or a thing), not with each other: the
    verb is no joint act, has an object or complement, and what it says is nothing the two have with each other
    ("the Greek foreign minister and UNESCO questioned his authority")."""
    if verb.lower_ in _RECIPROCAL:
        return False
    said = [c for c in verb.children if c.dep_ in {"dobj", "obj", "dative", "attr", "ccomp", "xcomp"}]
    if not said:
        return False
    words = {t.lower_ for c in said for t in c.subtree} | {t.lower_ for t in verb.children if t.dep_ == "advmod"}
    return not words & (_JOINT_THINGS | _RECIPROCAL)


_COORDINATORS = ("and", "&", "along with", "together with", "as well as")
# What lies "between" two actors without being something one does to the other.
_STATES = frozenset(
    """tie relationship relation friendship rivalry bond alliance difference gap border distance link similaritie
    similarity parallel contrast balance trust chemistry""".split()
)
_BETWEEN_FILL = frozenset({"DET", "ADJ", "PROPN", "NOUN", "PUNCT", "NUM", "PRON"})


def _token_spans(sent: Doc, offset: int, heads: dict[int, ActorMention]) -> list[tuple[int, int, int]]:
    """(first token, end token, head token) of each actor of ``heads``, in text order."""
    out = []
    for i, m in heads.items():
        span = sent.char_span(m.start - offset, m.end - offset, alignment_mode="expand")
        out.append((span.start, span.end, i) if span is not None else (i, i + 1, i))
    return sorted(out)


def _coordinated(
    sent: Doc, offset: int, heads: dict[int, ActorMention]
) -> list[tuple[ActorMention, ActorMention, int]]:
    """Actors coordinated in the words themselves, whatever the parse made of the titles around them, each
    with each: "US President Donald Trump and Turkish President Recep Tayyip Erdoğan spoke", "Putin, along with
    his Turkish counterpart, Recep Tayyip Erdoğan, and the Iranian president, Hassan Rouhani, are due to meet"
    (with the verb they are the subject of), "a call between Trump and Erdoğan" (with the noun "between" hangs
    from). An apposition naming the same actor again ("the Iranian president, Hassan Rouhani") keeps the chain."""
    spans = _token_spans(sent, offset, heads)
    links: list[str | None] = []  # how each actor is tied to the next: "and", "," (a list), "=" (apposition)
    for prev, cur in zip(spans, spans[1:], strict=False):
        gap = sent[prev[1] : cur[0]]
        words = " ".join(t.lower_ for t in gap if not t.is_punct)
        joined = next((c for c in _COORDINATORS if words == c or words.startswith(c + " ")), None)
        rest = [t for t in gap if joined is None or t.lower_ not in joined.split()]
        fill = len(gap) <= 8 and all(t.pos_ in _BETWEEN_FILL for t in rest)
        if not words and heads[prev[2]].actor_id == heads[cur[2]].actor_id:
            links.append("=")  # "the Iranian president, Hassan Rouhani"
        elif [t.lower_ for t in gap] in (["'s"], ["’s"]):
            links.append("'s")  # "Iran's Javad Zarif": the country describes the member
        elif joined is not None and fill:
            links.append("and")
        elif fill and gap and gap[0].text == ",":
            links.append(",")  # "the Turkish foreign minister, Mevlüt Çavuşoğlu, his Russian counterpart, ..."
        else:
            links.append(None)
    chains: list[list[tuple[int, int, int]]] = []
    i = 0
    while i < len(links):
        j = i
        while j < len(links) and links[j] is not None:
            j += 1
        run = links[i:j]
        if "and" in run:  # a list counts when an "and" closes it; what follows the last "and" is no part of it
            last = max(k for k, link in enumerate(run) if link == "and")
            while last + 1 < len(run) and run[last + 1] in {"=", "'s"}:
                last += 1
            chains.append([sp for k, sp in enumerate(spans[i : i + last + 2]) if k > last or run[k] != "'s"])
        i = j + 1
    out: list[tuple[ActorMention, ActorMention, int]] = []
    for chain in chains:
        first = chain[0][0]
        trigger = None
        before = first - 1
        while before > 0 and sent[before].pos_ == "DET":  # "fighting between the Kurds and Turkey"
            before -= 1
        between = before >= 0 and sent[before].lower_ == "between"
        if between:
            if sent[before].head.lower_.removesuffix("s") in _STATES:
                continue  # "the close tie between Trump and Abe" is no event
            trigger = sent[before].head.i
        for _, _, h in reversed(chain):
            if trigger is not None:
                break
            verb = _governor(sent[h])
            if verb.i != h and _subject_side(sent[h], verb) in {"subj", "pass", "agent"}:
                trigger = verb.i
        if trigger is None or _mediating(sent[trigger]):
            continue
        if not between and _acting_together(sent[trigger]):
            continue  # "criticism by the Greek foreign minister and UNESCO who questioned his authority"
        members = list({heads[h].actor_id: heads[h] for _, _, h in chain}.values())
        out.extend((a, b, trigger) for i, a in enumerate(members) for b in members[i + 1 :])
    return out


# Prepositions that place an event: what follows them is where it happens ("met Trump in New York",
# "talks at the United Nations"), not a party to it. "to" and "into" are left out: "sent troops to
# Ukraine" has Ukraine as its target.
_LOCATIVE = frozenset({"in", "at", "near", "outside", "inside", "across", "throughout"})
_PLACE_NOUNS = frozenset(
    "city town village resort port capital province region district county state island suburb outskirts".split()
)


# Platforms that carry what people say. One is a channel, no party, where it carries the words: after
# "on", "via", "through", "over", "using" or "in" ("said on Twitter"), as the object of "use" ("used
# Instagram to thank supporters"), or naming a kind of thing ("a YouTube video", "his Facebook page").
# As a subject or another verb's object it is an actor ("Twitter suspended the account").
_PLATFORMS = frozenset(
    "twitter instagram youtube facebook tiktok telegram whatsapp weibo wechat snapchat linkedin reddit".split()
)
_CHANNEL_PREPS = frozenset({"on", "via", "through", "over", "using", "in"})
_POSTING = frozenset("post posts posted posting upload uploads uploaded uploading".split())


def _climb(tok: Token, deps: set[str], heads: set[str] | None = None, until: frozenset[str] = frozenset()) -> Token:
    """The word a modifier chain ends in: up from ``tok`` while its relation is one of ``deps`` (and its head's
    part of speech one of ``heads``, when given), stopping at a word of ``until``."""
    while tok.dep_ in deps and tok.head.i != tok.i and tok.lower_ not in until:
        if heads is not None and tok.head.pos_ not in heads:
            break
        tok = tok.head
    return tok


# The press as where words appear: "accounts in the US and Turkish press of the call".
_THE_PRESS = frozenset("press media newspapers papers".split())


def _in_the_press(span: Span) -> bool:
    """Whether a mention is the press (or media) something appears in, or only qualifies it ("in the US and
    Turkish press")."""
    root = span.root
    if root.lower_ not in _THE_PRESS:
        root = _climb(root, {"compound", "nmod", "amod", "conj", "poss"}, {"NOUN", "PROPN", "ADJ"}, _THE_PRESS)
    return root.lower_ in _THE_PRESS and root.dep_ == "pobj" and root.head.lower_ == "in"


def _a_channel(span: Span) -> bool:
    """Whether a mention's span is a platform that carries the words rather than a party to the event, or the
    press they appear in."""
    if _in_the_press(span):
        return True
    if span.text.lower().removeprefix("the ").strip() not in _PLATFORMS:
        return False
    root, sent = span.root, span.doc
    if span.start > 0 and sent[span.start - 1].lower_ in _CHANNEL_PREPS:
        return True
    if span.start > 0 and sent[span.start - 1].lower_ == "to" and sent[span.start - 1].head.lower_ in _POSTING:
        return True  # "In a video message posted to Twitter"
    if root.dep_ in {"compound", "amod", "nmod", "poss"} and root.head.pos_ in {"NOUN", "PROPN"}:
        return True
    return root.dep_ in {"dobj", "obj"} and root.head.lower_ in {"use", "uses", "used", "using"}


def _a_place_noun_s(span: Span) -> bool:
    """Whether a mention names the place a locative phrase gives: "in the Serbian capital Belgrade", "in the
    Russian Black Sea resort of Sochi", "met in Niamey, Niger's capital" (the mention in apposition to, modifying
    or owning a place noun after "in", or in apposition to the place after "in")."""
    root = span.root
    if root.dep_ not in {"appos", "compound", "amod", "nmod", "poss"} or root.head.lower_ not in _PLACE_NOUNS:
        return False
    place = root.head
    if place.dep_ == "appos" and root.dep_ == "poss":
        place = place.head
    return place.dep_ == "pobj" and place.head.lower_ in _LOCATIVE


# Currencies named after a country: "nine billion US dollars" names no party.
_CURRENCIES = frozenset(
    "dollar dollars euro euros pound pounds yen yuan renminbi rupee rupees ruble rubles rouble roubles won "
    "peso pesos franc francs lira real reais rand shekel shekels dinar dinars riyal riyals krona kronor krone".split()
)


def _a_currency(span: Span) -> bool:
    """Whether a mention is part of a sum of money ("nine billion US dollars", "5 million Hong Kong dollars")."""
    root = span.root
    if root.ent_type_ == "MONEY":
        return True
    return root.dep_ in {"compound", "amod", "nmod"} and root.head.lower_ in _CURRENCIES


def _a_reports_source(span: Span) -> bool:
    """Whether a mention is whom a report is attributed to ("according to the Associated Press"): no party."""
    sent = span.doc
    start = span.start
    while start > 0 and sent[start - 1].pos_ == "DET":
        start -= 1
    return start > 1 and sent[start - 1].lower_ == "to" and sent[start - 2].lower_ == "according"


def _where_it_happens(sent: Doc, start: int, m: ActorMention, headed: bool = False) -> bool:
    """Whether a mention (its first token ``start``; ``headed`` when it heads the preposition's object) right
    after a locative preposition (and a determiner, when it heads the object) is a place, or after "via" a
    channel, not a party.

    People are never places; a state after "at" is a target ("fired at Russia": a venue takes "at", a
    country "in").
    """
    if start > 0 and sent[start - 1].lower_ == "via":  # a channel: "told the public via Twitter"
        return True
    if start > 1 and sent[start - 1].lower_ == "of" and sent[start - 2].lower_ in _PLACE_NOUNS:
        return True  # "in the Russian resort of Sochi", "the city of Mosul"
    person = _is_person(m)
    if headed and start > 1 and sent[start - 1].pos_ == "DET":
        start -= 1  # "a week-long stay in a Belgian hospital" (not "in a United States counterterrorism operation")
    if person or start == 0 or sent[start - 1].lower_ not in _LOCATIVE:
        return False
    return not (sent[start - 1].lower_ == "at" and (m.actor_id or "").startswith(("country:", "gov:")))


# Verbs whose object is what is talked about, not a party: "are expected to discuss Syria".
_TOPIC_VERBS = frozenset("discuss discusses discussed discussing debate debates debated debating".split())
# Nouns for a role whose "of" names where the role is held: "as president of the United States", "a member of
# G7". The state or body qualifies the role; it is no party.
_ROLE_NOUNS = frozenset(
    """president vice-president member members leader head chairman chair minister secretary king queen governor
    mayor ambassador envoy representative citizen citizens part""".split()
)


# Nouns whose "of" names what is spoken of: "a deal to keep the future of Bashar al-Assad off the agenda".
_TOPIC_NOUNS = frozenset("future fate question issue status".split())


# Nouns that name a position, a power or money when they are what is done to ("misused his office", "abused
# his authority", "withhold federal funds"); as a subject they may be an institution ("his office said").
_HELD_THINGS = frozenset("office authority authorities power powers funds fund funding money".split())


def _a_held_thing(span: Span, m: ActorMention) -> bool:
    """Whether a generic mention is a position, a power or money that is acted on, or an activity carried on,
    not a party."""
    root = span.root
    generic = _generic(m)
    if generic and root.dep_ in {"dobj", "obj"} and root.head.lower_ in _CARRYING_ON:
        return True  # "waged an insurgency", "launched a campaign"
    return generic and root.lower_ in _HELD_THINGS and root.dep_ in {"dobj", "obj", "pobj", "nsubjpass"}


# Verbs whose "on" or "about" names what is spoken of: "declined to comment on the YPG announcement".
_SPEAKING_OF = frozenset(
    """comment comments commented commenting talk talks talked talking speak speaks spoke speaking""".split()
)
# Verbs whose object is an activity carried on, not a party: "has waged an insurgency against the Turkish state".
_CARRYING_ON = frozenset("wage wages waged waging launch launches launched launching mount mounts mounted".split())


def _what_is_talked_of(span: Span) -> bool:
    """Whether a mention is the topic of talks ("to discuss Syria", "comment on the YPG announcement") or
    qualifies a role ("member of G7")."""
    root = span.root
    if root.dep_ in {"dobj", "obj"} and root.head.lower_ in _TOPIC_VERBS:
        return True
    noun = _climb(root, {"compound", "poss"}, {"NOUN", "PROPN"})
    prep = noun.head
    if noun.dep_ == "pobj" and prep.lower_ in {"on", "about"} and prep.head.lower_ in _SPEAKING_OF:
        return True
    of = root.head
    about = _ROLE_NOUNS | _TOPIC_NOUNS
    return root.dep_ == "pobj" and of.lower_ == "of" and of.head.pos_ == "NOUN" and of.head.lower_ in about


# Nouns a place names a group of states with: "the Gulf countries" is a party.
_STATES_OF_A_PLACE = frozenset("countries states nations powers monarchies governments allies".split())
_PEOPLE_OF_A_PLACE = frozenset(
    "man men woman women boy boys girl girls resident residents couple family teenager teenagers student".split()
)
_VISITS = frozenset("visit visits visited visiting tour toured touring".split())


def _a_place_qualifier(span: Span, m: ActorMention) -> bool:
    """Whether a place of a country (a city, a state: a provisional group named by a place, no sector) only
    qualifies a noun ("The Manhattan district attorney's office is investigating Trump") or is a place visited
    ("Trump visited California"): no party. A country, a capital standing for its government, a person or a
    named body is a party as ever."""
    aid = m.actor_id or ""
    if not aid.startswith("prov:") or aid.startswith("prov:generic:"):
        return False
    root = span.root
    if m.kind != "group" or m.sector is not None:
        return False
    if root.dep_ == "compound" and root.head.lower_ in _PEOPLE_OF_A_PLACE:
        return True  # "arrested a 36-year-old Cheltenham man", whatever the recogniser takes Cheltenham for
    if root.ent_type_ not in {"GPE", "LOC"}:
        return False
    if root.dep_ == "compound" and root.head.pos_ == "NOUN" and root.head.lower_ not in _STATES_OF_A_PLACE:
        return True
    while root.dep_ in {"appos", "conj"} and root.head.i != root.i:  # "visiting Kenosha, Wisconsin"
        root = root.head
    return root.dep_ in {"dobj", "obj"} and root.head.lower_ in _VISITS


# Verbs of going somewhere to stay: where one returns or flees to is a destination, not a party ("he returned to
# Oman", "fled to Turkey"); a visit is an event of its own ("visited Japan"), and one returns to a party.
_GOING_BACK = frozenset(
    """return returns returned returning flee flees fled fleeing emigrate emigrates emigrated emigrating relocate
    relocated""".split()
)


# Things that show or tell of someone: who is shown is no party to what is done to the thing ("halted attempts to
# take down an equestrian statue of US President Andrew Jackson")
_DEPICTIONS = frozenset(
    "statue statues monument monuments memorial memorials portrait portraits bust busts painting paintings mural "
    "murals effigy effigies image images photo photos photograph photographs picture pictures".split()
)


def _depicted(span: Span) -> bool:
    """Whether a mention is who a statue, a portrait or a picture shows (or qualifies who it shows: "US" of
    "a statue of US President Andrew Jackson")."""
    root = _climb(span.root, {"compound"})
    return root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lower_ in _DEPICTIONS


_MOVING = frozenset("move moves moved moving transfer transfers transferred transferring".split())


def _a_destination(span: Span, m: ActorMention) -> bool:
    """Whether a country or a place is where someone returns or flees to, or a place (not a state) where
    something is moved from or to ("agreed to move its embassy in Israel from Tel Aviv to Jerusalem")."""
    aid = m.actor_id or ""
    place = aid.startswith("prov:") and span.root.ent_type_ in {"GPE", "LOC"}
    if not (aid.startswith("country:") or place):
        return False
    root = span.root
    if root.dep_ != "pobj":
        return False
    verb = root.head.head.lower_
    return (root.head.lower_ == "to" and verb in _GOING_BACK) or (
        place and root.head.lower_ in {"to", "from"} and verb in _MOVING
    )


def _what_it_is_called(span: Span, m: ActorMention) -> bool:
    """Whether a mention is what something is called: "attacked the impeachment investigation as "Witch Hunt
    garbage"" (the object of a verb's "as"), or a generic noun that describes something as what it is ("an
    aggression on Iraq as a state, government and people"; not "groups such as militants")."""
    called = _climb(span.root, {"compound"})
    if called.dep_ == "pobj" and called.head.lower_ == "as" and called.head.head.pos_ == "VERB":
        return True
    described = _climb(span.root, {"compound", "conj"})
    as_ = described.head
    generic = _generic(m)
    such = as_.i > 0 and as_.doc[as_.i - 1].lower_ == "such"
    return generic and described.dep_ == "pobj" and as_.lower_ == "as" and not such


def _qualifies_a_noun(span: Span, m: ActorMention) -> bool:
    """Whether a generic mention only qualifies the noun after it: "seek the party's leadership position"."""
    last = span[-1]
    generic = _generic(m)
    return generic and last.dep_ == "compound" and last.head.i >= span.end and last.head.pos_ == "NOUN"


def _no_party(sent: Doc, span: Span, m: ActorMention) -> bool:
    """Whether a mention is where the sentence's events happen, their channel, the source of the report, a
    currency, the topic of talks, what qualifies a role, a city that qualifies a noun or is visited, a
    position or money acted on, where someone returns or flees to, a generic "any" or "no" one, or "a
    campaign" one works on."""
    if _where_it_happens(sent, span.start, m, span.root.dep_ == "pobj") or _a_channel(span):
        return True
    if _a_reports_source(span) or _a_currency(span):
        return True
    if _what_it_is_called(span, m) or _qualifies_a_noun(span, m) or _what_is_talked_of(span):
        return True
    if _a_place_qualifier(span, m) or _a_held_thing(span, m) or _a_destination(span, m):
        return True
    if _generic(m) and any(c.dep_ == "det" and c.lower_ in {"any", "no"} for c in span.root.children):
        return True  # "asked for any "external party" not to involve themselves": no one in particular
    if _depicted(span):
        return True
    if _generic(m) and span.root.lower_ == "campaign" and any(c.lower_ in {"a", "an"} for c in span.root.children):
        return True  # "while working on a foreign campaign in Ukraine": an activity, no campaign organisation
    person = _is_person(m)
    return not person and _a_place_noun_s(span)


_MODIFIER = frozenset({"compound", "poss", "nmod", "amod"})


def _modifies_another(tok: Token, heads: dict[int, ActorMention], reach: int = 4) -> bool:
    """Whether an actor only qualifies another one: "Thailand's Thai Raksa Chart Party", "Senator from Vermont
    Bernie Sanders" (its chain of modifiers ends at another actor's head)."""
    cur = tok
    for _ in range(reach):
        if cur.dep_ not in _MODIFIER or cur.head.i == cur.i:
            return False
        cur = cur.head
        other = heads.get(cur.i)
        if other is not None:
            return other.actor_id != heads[tok.i].actor_id
    return False


# Prepositions that carry an act's target after a noun that names the act ("pressure on Cuba", "opposition to
# the president", "its crackdown on the Kurds", "a lawsuit against Trump").
_NOUN_TARGET_PREPS = frozenset({"on", "against", "to", "toward", "towards", "with", "over", "into"})


def _nominal(sent: Doc, heads: dict[int, ActorMention]) -> list[tuple[ActorMention, ActorMention, int]]:
    """(source, target, noun) for an act named by a noun: its possessor acts on the object of its preposition.

    "the Trump administration's latest application of pressure on Cuba's government" (through one "of"),
    "Mattis's quiet opposition to the president", "Turkish officials, whose crackdown on the Kurds". A noun
    for a state between the two ("Japan's ties with the US") is no act.
    """
    out: list[tuple[ActorMention, ActorMention, int]] = []
    for i, source in heads.items():
        tok = sent[i]
        if tok.dep_ != "poss" or tok.head.pos_ != "NOUN" or tok.head.i in heads:
            continue
        nouns = [tok.head]
        nouns += [p for c in tok.head.children if c.lower_ == "of" for p in c.children if p.dep_ == "pobj"]
        nouns = [n for n in nouns if n.lower_.removesuffix("s") not in _STATES]
        for noun in nouns:
            for prep in noun.children:
                if prep.dep_ != "prep" or prep.lower_ not in _NOUN_TARGET_PREPS:
                    continue
                for obj in prep.children:
                    target = heads.get(obj.i) if obj.dep_ == "pobj" else None
                    if target is not None and target.actor_id != source.actor_id:
                        out.append((source, target, tok.head.i))
    return out


_REQUESTS = frozenset("request behest invitation urging".split())


def _at_the_request(sent: Doc, heads: dict[int, ActorMention]) -> list[tuple[int, ActorMention, int]]:
    """(source's head, target, noun) for an act done at someone's request: who asked, who acts ("Russia's
    military intervention in Syria in 2015 at Assad's request"; "sent troops at the request of Tokayev"). Who
    asked is then no target of the act's verb."""
    out: list[tuple[int, ActorMention, int]] = []
    for i, asker in heads.items():
        tok = sent[i]
        if tok.dep_ == "poss" and tok.head.lower_ in _REQUESTS:
            req = tok.head
        elif tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lower_ in _REQUESTS:
            req = tok.head.head
        else:
            continue
        if req.dep_ != "pobj" or req.head.lower_ not in {"at", "upon", "on"}:
            continue
        act = req.head.head
        doers = [c for c in act.children if c.dep_ in _SUBJ | {"poss"}]
        doers += [p for c in act.children if c.dep_ in {"agent", "prep"} and c.lower_ == "by" for p in c.children]
        doers += [c for d in doers for c in d.conjuncts]  # "Russia and Iran, at the invitation of ..."
        for d in doers:
            target = heads.get(d.i)
            if target is not None and target.actor_id != asker.actor_id:
                out.append((i, target, req.i))
    return out


# Nouns for a military or police operation whose modifier names who carried it out ("killed in a US
# counter-terrorism operation", "arrested in a police raid by ...").
_OPERATIONS = frozenset(
    "operation operations strike strikes airstrike airstrikes raid raids attack attacks bombing offensive".split()
)


def _by_an_operation(sent: Doc, heads: dict[int, ActorMention]) -> list[tuple[int, ActorMention, int]]:
    """(source's head token, target, verb) for a passive whose agent is named as the modifier of an operation:
    "Hamza bin Laden ... has been killed in a US counter-terrorism operation" (the United States acts on him,
    and is no target of the verbs above)."""
    out: list[tuple[int, ActorMention, int]] = []
    for i, target in heads.items():
        tok = sent[i]
        if tok.dep_ not in _PASS_SUBJ:
            continue
        verb = tok.head
        if any(c.dep_ == "agent" for c in verb.children):
            continue
        for prep in verb.children:
            if prep.dep_ != "prep" or prep.lower_ not in {"in", "during", "by"}:
                continue
            for noun in prep.children:
                if noun.dep_ != "pobj" or noun.lower_ not in _OPERATIONS:
                    continue
                for j, source in heads.items():
                    if j < noun.i and source.actor_id != target.actor_id and _modifier_of(sent[j], noun):
                        out.append((j, target, verb.i))
    return out


def _modifier_of(tok: Token, noun: Token) -> bool:
    """Whether ``tok`` reaches ``noun`` through modifiers only ("United States" in "a United States
    counterterrorism operation")."""
    cur = tok
    for _ in range(5):
        if cur.dep_ not in _MODIFIER or cur.head.i == cur.i:
            return False
        cur = cur.head
        if cur.i == noun.i:
            return True
    return False


def _one_state(a: ActorMention, b: ActorMention) -> bool:
    """Whether two actors are a country and its own government, or one of that government's officials ("the Kishida
    administration is working to bolster Japan's security policies"): one state, no event between the two. The
    country's people are actors of their own ("Ukrainians protested against the Ukrainian government")."""
    ids = {a.actor_id or "", b.actor_id or ""}
    if len({i.partition(":")[2] for i in ids}) == 1 and {i.partition(":")[0] for i in ids} == {"country", "gov"}:
        return True
    for state, other in ((a, b), (b, a)):  # "Erdoğan ... urged Nato to act to protect Turkey's borders"
        if (state.actor_id or "") == f"country:{other.country}" and other.sector == "GOV":
            return True
        if (state.actor_id or "") == f"gov:{other.country}" and other.sector == "GOV" and not _is_person(other):
            return True  # "the administration ... to provide citizenship information to the Census Bureau"
    return False


def _in_own_government(source: ActorMention, target: ActorMention) -> bool:
    """Whether a government's own official acts on that government: "President Trump sent Department of Homeland
    Security officers to protect federal buildings" directs his own government, no event between states. (The
    government's acts on one of its people stay events: "the Japanese government ... is relying on Taro Aso".)"""
    return _is_person(source) and source.sector == "GOV" and (target.actor_id or "") == f"gov:{source.country}"


def _describes_a_person(tok: Token, m: ActorMention, heads: dict[int, ActorMention]) -> bool:
    """Whether an unknown actor is an apposition describing a named person: "Fields, a self-described Neo-Nazi,
    killed a woman" (one person, Fields, not a second one called "Neo-Nazi")."""
    if tok.dep_ != "appos" or tok.head.i not in heads:
        return False
    person = heads[tok.head.i]
    is_person = _is_person(person)
    known = (m.actor_id or "").startswith(("person:", "country:", "gov:", "igo:", "org:"))
    return is_person and person.actor_id != m.actor_id and not known


def _where_a_person_is_from(tok: Token, m: ActorMention, heads: dict[int, ActorMention]) -> bool:
    """Whether a place only says where a named person is from: "Steve Scalise of Louisiana", "a senator from
    Vermont" (the object of "of" or "from" after a person's name)."""
    prep = tok.head
    if tok.dep_ != "pobj" or prep.lower_ not in {"of", "from"} or prep.head.i not in heads:
        return False
    person = heads[prep.head.i]
    is_person = _is_person(person)
    place = tok.ent_type_ in {"GPE", "LOC"} or (m.actor_id or "").startswith("country:")
    return is_person and place and person.actor_id != m.actor_id


def _possessor_in_a_description(tok: Token, m: ActorMention, heads: dict[int, ActorMention]) -> bool:
    """Whether an actor is the possessor in an apposition describing a named person: "Andriy Yermak, one of
    President Zelensky's aides," and "John Bolton, Trump's former adviser," speak of Yermak and Bolton only."""
    if tok.dep_ != "poss":
        return False
    for up in tok.ancestors:
        if up.dep_ == "appos":
            person = heads.get(up.head.i)
            return person is not None and _is_person(person) and person.actor_id != m.actor_id
        if up.dep_ not in {"pobj", "prep", "compound", "amod", "nmod"} and up.pos_ not in {"NOUN", "PROPN"}:
            return False
    return False


def _named_after(tok: Token, m: ActorMention, heads: dict[int, ActorMention]) -> bool:
    """Whether an unnamed actor is given its name right after ("a woman named Heather Heyer", "a group called
    the Proud Boys"): the name is the party, not a second actor."""
    if not (m.actor_id or "").startswith("prov:"):
        return False
    return any(
        c.dep_ in {"acl", "relcl"} and c.lower_ in {"named", "called"} and any(t.i in heads for t in c.subtree)
        for c in tok.children
    )


def _parties(sent: Doc, heads: dict[int, ActorMention]) -> dict[int, ActorMention]:
    """The actors of ``heads`` that may be parties: not those that only qualify another (a list's "Iran's
    Javad Zarif" is read by :func:`_coordinated` with its possessive). A title whose apposition names the same
    actor stands for the name: "talked to the Turkish president, Recep Tayyip Erdoğan," cites Erdoğan."""
    out = {}
    for i, m in heads.items():
        if _modifies_another(sent[i], heads) or _describes_a_person(sent[i], m, heads):
            continue
        if _where_a_person_is_from(sent[i], m, heads) or _possessor_in_a_description(sent[i], m, heads):
            continue
        if _named_after(sent[i], m, heads):
            continue
        tok = sent[i]
        named = next(
            (
                heads[c.i]
                for c in tok.children
                if c.dep_ == "appos" and c.pos_ == "PROPN" and c.i in heads and heads[c.i].actor_id == m.actor_id
            ),
            None,
        )
        out[i] = named if named is not None and tok.pos_ != "PROPN" else m
    return out


_FIRST_PERSON = frozenset({"i", "we"})


def _speaker(tok: Token, heads: dict[int, ActorMention]) -> ActorMention | None:
    """The named speaker a quoted "I" or "we" stands for: "“We have defeated Isis in Syria,” Donald Trump
    tweeted" (the subject of the verb the quoted clause is the complement of)."""
    clause = tok.head
    while clause.dep_ == "conj" and clause.head.i != clause.i:
        clause = clause.head
    if clause.dep_ not in {"ccomp", "parataxis"}:
        return None
    for c in clause.head.children:
        if c.dep_ == "nsubj" and c.i in heads and c.lower_ not in _FIRST_PERSON:
            return heads[c.i]
    return None


def _heads(
    sent: Doc, offset: int, mentions: Sequence[ActorMention], antecedent: ActorMention | None
) -> dict[int, ActorMention]:
    """The sentence's resolved actors by head token, and its subject pronouns by what they stand for."""
    heads: dict[int, ActorMention] = {}
    covered: dict[int, int] = {}  # token -> the head token of the actor's span it lies in
    for m in mentions:
        if m.actor_id is None or m.label == CREDIT:  # a caption's credit: who supplied the picture
            continue
        span = sent.char_span(m.start - offset, m.end - offset, alignment_mode="expand")
        if span is not None and not _no_party(sent, span, m):
            heads[span.root.i] = m
            covered.update(dict.fromkeys(range(span.start, span.end), span.root.i))
    for tok in sent:
        # "Erdoğan, who held talks with ... Rouhani", "Russia, which had granted Turkey permission": the relative
        # pronoun stands for the actor its clause hangs from; the event cites that name
        if tok.lower_ in {"who", "which"} and tok.dep_ in _SUBJ | _PASS_SUBJ and tok.head.dep_ == "relcl":
            named = covered.get(tok.head.head.i)
            if named is not None and tok.i not in heads:
                heads[tok.i] = heads[named]
        # "Turkish officials, whose crackdown on the Kurds ...": "whose" stands for the actor its clause hangs from
        if tok.lower_ == "whose" and tok.dep_ == "poss" and tok.head.head.dep_ == "relcl":
            named = covered.get(tok.head.head.head.i)
            if named is not None and tok.i not in heads:
                heads[tok.i] = heads[named]
    for tok in sent:
        if tok.lower_ in _FIRST_PERSON and tok.dep_ in _SUBJ and tok.i not in heads:
            speaker = _speaker(tok, heads)
            if speaker is not None:
                heads[tok.i] = speaker
    for tok in sent:
        if tok.lower_ in PRONOUNS_THING | PRONOUNS_PERSON and tok.dep_ in _SUBJ and tok.i not in heads:
            here = _clause_antecedent(tok, heads)
            if here is not None:
                heads[tok.i] = here  # named in this sentence: the event cites that name
            elif antecedent is not None:
                heads[tok.i] = replace(
                    antecedent, start=offset + tok.idx, end=offset + tok.idx + len(tok.text), text=tok.text
                )
    return heads


def _common_ancestor(a: Token, b: Token) -> Token:
    """The lowest token above (or at) both ``a`` and ``b`` in the parse (the root when none)."""
    above = {a.i}
    cur = a
    while cur.head.i != cur.i:
        cur = cur.head
        above.add(cur.i)
    cur = b
    while cur.i not in above and cur.head.i != cur.i:
        cur = cur.head
    return cur if cur.i in above else a


# Verbs that judge an act, and nouns of acts done to someone: who judges the act ("calling the investigation into
# Trump "Soviet-style"", "condemned the US strike on Syria") acts on who does it, not on whom it is done to.
_JUDGING = frozenset(
    """call calls called calling criticize criticizes criticized criticizing criticise criticises criticised
    criticising condemn condemns condemned condemning denounce denounces denounced denouncing praise praises
    praised praising welcome welcomes welcomed welcoming slam slams slammed slamming decry decries decried
    decrying hail hails hailed hailing defend defends defended defending""".split()
)
_ACTS = frozenset(
    """investigation investigations inquiry inquiries probe probes attack attacks strike strikes airstrike
    airstrikes sanctions case charges lawsuit impeachment war campaign offensive crackdown invasion raid raids
    bombing killing arrest""".split()
)


def _target_of_the_act(verb: Token, m: ActorMention, sent: Doc, offset: int) -> bool:
    """Whether a mention is reached from a judging verb through "into", "against", "on" or "over" (of the verb or
    of its object): whom the judged act is done to."""
    cur = _head(sent, m, offset)
    while cur is not None and cur.head.i != cur.i and cur.head.i != verb.i:
        if cur.dep_ == "pobj" and cur.head.lower_ in {"into", "against", "on", "over"}:
            return True
        cur = cur.head
    return False


# Verbs that report what someone said.
_REPORTING = frozenset(
    """say says said saying tell tells told report reports reported claim claims claimed state states stated
    announce announces announced add adds added note notes noted confirm confirms confirmed""".split()
)


_BE = frozenset("be is are was were been being am 's 're".split())

# Verbs of a person's membership of a party: joining, leaving or returning to it is no act on the party.
_MEMBERSHIP = frozenset(
    """join joins joined joining rejoin rejoins rejoined rejoining return returns returned returning leave leaves
    left leaving quit quits quitting defect defects defected defecting""".split()
)


# Verbs of speaking: a news outlet one speaks with, to or for is where the words appear, not a party ("spoke
# with Wikinews to discuss his background", "told CNN", "Wikinews interviewed the candidate").
_SPEAKING = frozenset(
    """speak speaks spoke speaking talk talks talked talking discuss discusses discussed discussing tell tells told
    telling say says said saying interview interviews interviewed interviewing explain explains explained
    explaining comment comments commented commenting chat chats chatted chatting""".split()
)


def _to_the_press(verb: Token, s: ActorMention, t: ActorMention) -> bool:
    """Whether one side of a pair is a news outlet the other speaks with (or that interviews the other)."""
    return verb.lower_ in _SPEAKING and "MED" in {s.sector, t.sector}


def _membership(verb: Token, s: ActorMention, t: ActorMention) -> bool:
    """Whether a person joins, leaves or returns to a party ("He later returned to the Republican Party"); not
    when the party is joined in an act ("joined the Conservatives in voting against the bill")."""
    return (
        verb.lower_ in _MEMBERSHIP
        and t.sector == "PTY"
        and _is_person(s)
        and not any(c.dep_ == "prep" and c.lower_ == "in" for c in verb.children)
    )


def _stative(verb: Token) -> bool:
    """Whether ``verb`` is "be" with a noun or adjective after it: what its subject is, no act on anyone."""
    return verb.lower_ in _BE and any(c.dep_ in {"attr", "acomp"} for c in verb.children)


def _directly_after(verb: Token, m: ActorMention, sent: Doc, offset: int) -> bool:
    """Whether a mention is the verb's own object (or the object of its preposition), not in a clause below it."""
    root = _head(sent, m, offset)
    return root is not None and _governor(root).i == verb.i


def pairs(
    sent: Doc,
    offset: int,
    mentions: Sequence[ActorMention],
    antecedent: ActorMention | None,
) -> list[Candidate]:
    """Every ordered pair of two different actors of one parsed sentence, for the news event model.

    The actors are those :func:`candidates` reads (resolved mentions and subject pronouns); the
    trigger of a pair is the lowest common ancestor of the two actors in the parse.
    """
    heads = _parties(sent, _heads(sent, offset, mentions, antecedent))
    out: list[Candidate] = []
    for i, s in heads.items():
        for j, t in heads.items():
            if i != j and s.actor_id != t.actor_id and (s.end <= t.start or t.end <= s.start) and not _one_state(s, t):
                out.append(Candidate(s, t, _common_ancestor(sent[i], sent[j]).i))
    return out


def candidates(
    sent: Doc,
    offset: int,
    mentions: Sequence[ActorMention],
    antecedent: ActorMention | None,
) -> list[Candidate]:
    """Source/target pairs in one parsed sentence.

    Args:
        sent: the sentence parsed by the second pass (a doc of its own).
        offset: the sentence's start character in the article.
        mentions: resolved actor mentions of this sentence (article coordinates).
        antecedent: the actor a subject pronoun ("it", "he") refers to, if any.
    Returns:
        Pairs with distinct actors, in text order of their verbs.
    """
    listed = _heads(sent, offset, mentions, antecedent)
    heads = _parties(sent, listed)
    if len({m.actor_id for m in heads.values()}) < 2:
        return []
    out: list[Candidate] = []
    seen: set[tuple[str | None, str | None, int]] = set()

    def add(s: ActorMention, t: ActorMention, verb: int) -> None:
        key = (s.actor_id, t.actor_id, verb)
        if s.actor_id != t.actor_id and key not in seen and not _one_state(s, t) and not _in_own_government(s, t):
            seen.add(key)
            out.append(Candidate(s, t, verb))

    operations = _by_an_operation(sent, heads) + _at_the_request(sent, heads)
    agents = {j for j, _, _ in operations}
    for verb in sent:
        if not _is_predicate(verb):
            continue
        sources: list[ActorMention] = []
        targets: list[ActorMention] = []
        givers: list[ActorMention] = []
        for i, m in heads.items():
            if i in agents:
                continue
            tok = sent[i]
            side = _subject_side(tok, verb)
            if side in {"subj", "agent"}:
                sources.append(m)
            elif _given_from(verb, tok):
                givers.append(m)
            elif side == "pass" or (side is None and _object_of(verb, tok)):
                targets.append(m)
        for g in givers:  # "has received assistance from consular officials": the officials give
            for t in sources:
                add(g, t, verb.i)
        if verb.lower_ in _JUDGING and any(c.dep_ in {"dobj", "obj"} and c.lower_ in _ACTS for c in verb.children):
            targets = [t for t in targets if not _target_of_the_act(verb, t, sent, offset)]
        if _stative(verb):
            targets = []  # "it is part of a pact between the European Union and Mercosur": a state, no act
        if verb.lower_ in _REPORTING and sources and all(_generic(s) for s in sources):
            # "A coalition military official said Isis had fired on the wives of fighters": an unnamed source of
            # the report is no party to what it reports (as "according to"); a named one accuses ("Trump said Iran
            # had attacked")
            targets = [t for t in targets if _directly_after(verb, t, sent, offset)]
        if not sources:
            ctrl = _controller(verb, heads)
            if ctrl is not None:
                sources.append(ctrl)
                targets = [t for t in targets if t is not ctrl]
        for s in sources:
            for t in targets:
                if not _membership(verb, s, t) and not _to_the_press(verb, s, t):
                    add(s, t, verb.i)
    found = _conjoined(sent, heads) + _coordinated(sent, offset, listed) + _nominal(sent, heads)
    for s, t, v in found + [(heads[j], t, v) for j, t, v in operations]:
        add(s, t, v)
    return out


# --- event / no-event gate ----------------------------------------------------------------


def _head(doc: Doc, mention: ActorMention, offset: int) -> Token | None:
    span = doc.char_span(mention.start - offset, mention.end - offset, alignment_mode="expand")
    return None if span is None else span.root


def _path_to(tok: Token, verb: Token, limit: int = 6) -> list[Token]:
    """Tokens from ``tok`` up to (not including) ``verb``; empty when ``verb`` is not above ``tok``."""
    path: list[Token] = []
    cur = tok
    while cur.i != verb.i and len(path) < limit:
        path.append(cur)
        if cur.head.i == cur.i:
            return []
        cur = cur.head
    return path if cur.i == verb.i else []


def _bucket(n: int, edges: Sequence[int]) -> str:
    for e in edges:
        if n <= e:
            return f"<={e}"
    return f">{edges[-1]}"


def gate_features(
    doc: Doc, cand: Candidate, offset: int, siblings: Sequence[Candidate], lexicon: Lexicon | None = None
) -> dict[str, float]:
    """Parse and lexicon features of a candidate pair, for the event / no-event gate.

    Args:
        doc: the parsed sentence.
        cand: the candidate.
        offset: the sentence's start character in the article.
        siblings: every candidate of the same sentence (``cand`` included).
        lexicon: the trigger lexicon (default: the packaged one).
    Returns:
        Binary features (name -> 1.0).
    """
    lexicon = lexicon or default_lexicon()
    trig = doc[cand.trigger]
    feats: list[str] = [
        f"tp={trig.pos_}",
        f"td={trig.dep_}",
        f"tw={trig.lower_}",
        f"sk={cand.source.kind}",
        f"tk={cand.target.kind}",
        f"sl={cand.source.label}",
        f"tl={cand.target.label}",
        f"ncand={_bucket(len(siblings), (1, 2, 4))}",
        f"ntrig={_bucket(len({c.trigger for c in siblings}), (1, 2, 3))}",
    ]
    if trig.dep_ in _CLAUSE or trig.dep_ in {"ccomp", "xcomp"}:
        feats.append(f"under={trig.head.lower_}")
        feats.append(f"under_dep={trig.dep_}")
    if any(c.dep_ == "neg" for c in trig.children):
        feats.append("neg")
    hit = lexicon.match_at([t.lower_ for t in doc], trig.i)
    feats.extend(f"lex={r}" for r in (hit.roots if hit else ("none",)))
    s_head, t_head = _head(doc, cand.source, offset), _head(doc, cand.target, offset)
    if cand.source.text.lower() in PRONOUNS_THING | PRONOUNS_PERSON:
        feats.append("s_pronoun")
    if s_head is not None:
        s_path = _path_to(s_head, trig)
        feats.append("s_path=" + ("/".join(t.dep_ for t in s_path[-2:]) if s_path else "ctrl"))
    if t_head is not None:
        t_path = _path_to(t_head, trig)
        feats.append("t_path=" + "/".join(t.dep_ for t in t_path[-3:]))
        feats.append(f"t_hops={_bucket(len(t_path), (1, 2, 3, 4))}")
        if cand.target.label == "NOMINAL":  # "sent troops to Kosovo": the troops are the source's own
            feats.append(f"t_nominal={cand.target.sector}|{t_path[-1].dep_ if t_path else 'none'}")
        preps = [t.lower_ for t in t_path if t.dep_ in {"prep", "agent", "dative"}]
        if preps:
            feats.append(f"t_prep={preps[-1]}")
            feats.append(f"t_prep_lex={'/'.join(hit.roots) if hit else 'none'}|{preps[-1]}")
        if s_head is not None:
            feats.append(f"dist={_bucket(abs(t_head.i - s_head.i), (2, 4, 8, 16))}")
            feats.append("order=" + ("st" if s_head.i < t_head.i else "ts"))
    return dict.fromkeys(feats, 1.0)


# --- stages ---------------------------------------------------------------------------------

# A subject pronoun may stand for an actor of an earlier sentence: such a sentence is parsed too. The
# regex finds every token "it", "they", "he" or "she" (and a few more: a parse too many changes nothing).
_PRONOUN = re.compile(r"\b(?:it|they|he|she)\b", re.IGNORECASE)


def _by_sentence(mentions: Sequence[ActorMention]) -> dict[int, list[ActorMention]]:
    out: dict[int, list[ActorMention]] = defaultdict(list)
    for m in mentions:
        out[m.sentence_index].append(m)
    return out


_WORD = re.compile(r"[^\W\d_]+")
_ENGLISH_WORDS = frozenset(
    "the of and to that was were is are has have had with would will said for from his her their this which "
    "who he she they it at by been not but".split()
)
_FOREIGN_WORDS = frozenset(
    "el los las del que por para con una es se lo su sus muy pero como hasta nos le les des du est une nous "
    "pas dans sur qui avec der die und das ist nicht mit ein eine den dem zu auf os não uma com ao pelo "
    "il di della che sono".split()
)


def _foreign(text: str) -> bool:
    """Whether a sentence of an English article is written in another language (a quote left untranslated:
    "Si el Senado no me ratifica, seré gobernador ..."): more function words of Spanish, French, German,
    Portuguese or Italian than of English, two at least, and the language identifier does not say English."""
    words = [w.lower() for w in _WORD.findall(text)]
    foreign = sum(w in _FOREIGN_WORDS for w in words)
    if foreign < 2 or foreign <= sum(w in _ENGLISH_WORDS for w in words):
        return False
    import py3langid

    return str(py3langid.classify(text)[0]) != "en"


@stage("events.select", requires={"mentions", "texts"}, produces={"to_parse"})
def select_stage(work: ArticleWork, res: Resources) -> ArticleWork:
    """The sentences that may hold an event: two actors, or one and a pronoun that may stand for another;
    none written in another language than English."""
    by_sent = _by_sentence(work.mentions)
    wanted = []
    for si, text in enumerate(work.texts):
        if _foreign(text):
            continue
        actors = {m.actor_id for m in by_sent.get(si, []) if m.actor_id}
        if len(actors) >= 2 or (actors and _PRONOUN.search(text) is not None):
            wanted.append(si)
    return replace(work, to_parse=tuple(wanted))


def _antecedents(
    actors: Sequence[ActorMention], person: ActorMention | None, thing: ActorMention | None
) -> tuple[ActorMention | None, ActorMention | None]:
    """Who the next "he"/"she" and the next "it"/"they" stand for, after a sentence whose actors are ``actors``."""
    person = next((m for m in actors if m.kind == "person"), person)
    thing = next((m for m in actors if m.kind in {"government", "country", "igo", "organisation"}), thing)
    return person, thing


def _drafts(work: ArticleWork, finder: Callable[..., list[Candidate]], acted_first: bool) -> ArticleWork:
    """An event draft for each pair ``finder`` proposes in each parsed sentence.

    A subject pronoun stands for the actor that acted last: with ``acted_first``, the sources of the
    sentence's pairs before the actors it names.
    """
    by_sent = _by_sentence(work.mentions)
    # the article's author (its outlet, its reporter) is no actor: "Wikinews reached out to Bill Hammons"
    author = work.actor_state.author_ids if work.actor_state is not None else set()
    drafts: list[EventDraft] = []
    person: ActorMention | None = None
    thing: ActorMention | None = None
    for si, sent in enumerate(work.spans):
        doc = work.parses.get(si)
        here = by_sent.get(si, [])
        found: list[Candidate] = []
        if doc is not None:
            antecedent = person if any(t.lower_ in PRONOUNS_PERSON for t in doc) else thing
            found = [
                c
                for c in finder(doc, sent.start_char, here, antecedent)
                if c.source.actor_id not in author and c.target.actor_id not in author
            ]
            if found:
                text = doc.text  # Doc.text builds every token: once per sentence
                drafts.extend(EventDraft(c, si, sent.start_char, doc, text) for c in found)
        acted = ([c.source for c in found] if acted_first else []) + [m for m in here if m.actor_id is not None]
        person, thing = _antecedents(acted, person, thing)
    return replace(work, drafts=tuple(drafts))


@stage("events.candidates", requires={"mentions.parsed", "parses", "spans"}, produces={"drafts"})
def candidates_stage(work: ArticleWork, res: Resources) -> ArticleWork:
    """An event draft for each candidate pair of each parsed sentence (:func:`candidates`).

    A subject pronoun stands for the actor that acted last: an event's source, else the first actor named.
    """
    return _drafts(work, candidates, acted_first=True)


@stage("events.pairs", requires={"mentions.parsed", "parses", "spans"}, produces={"drafts"})
def pairs_stage(work: ArticleWork, res: Resources) -> ArticleWork:
    """An event draft for every ordered pair of actors of each parsed sentence (:func:`pairs`).

    A subject pronoun stands for the last actor the previous sentences named.
    """
    return _drafts(work, pairs, acted_first=False)


@stage("events.gate", requires={"drafts"}, produces={"drafts.p_event"})
def gate_stage(work: ArticleWork, res: Resources) -> ArticleWork:
    """Each draft's probability of being an event, from the event gate (1.0 without one)."""
    if res.gate is None:
        return work
    siblings: dict[int, list[Candidate]] = defaultdict(list)
    for d in work.drafts:
        siblings[d.sentence_index].append(d.candidate)
    features = [
        gate_features(d.doc, d.candidate, d.offset, siblings[d.sentence_index], res.triggers) for d in work.drafts
    ]
    odds = res.gate.predict(features)
    return replace(work, drafts=tuple(replace(d, p_event=p) for d, p in zip(work.drafts, odds, strict=True)))
