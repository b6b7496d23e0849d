"""Policy mentions: the measures an article reports, with issuer, targets, technologies and
status read from the sentences that name them. A pure function of the text, its actor
mentions and the lexicon; all words and cues are data (``ontology/policies.yaml``, the
technology vocabulary ``ontology/technologies.yaml``).

A measure is found by a trigger: a noun or verb (strong ones alone, weak ones with an
export word, a technology or roles), a named measure, or a list's name (each designation of
the Entity List is an event). For each trigger, roles come from its clause first:

* issuer: the actor right before the trigger through filler words ("Japan's new curbs",
  荷兰政府的出口管制), named after it ("by Japan", "from the U.S., Netherlands, Japan"), a
  relative clause ("restrictions Washington imposed"), a passive's agent (被美国列入), or
  the clause's subject with an issuing verb between, the actor nearest that verb; whoever
  only speaks of the measure does not issue it; states that join another's measure issue
  their own;
* targets: actors after a target cue ("on China", 对华, 向中国), in the direction of the
  verb, listed (将…列入, "added … to"), or suffering a passive; never the issuer's side;
* negations, denials and hypotheticals report no measure; technologies and status come
  from the clause (or else the sentence).

Each issuing state's measure is its own mention. One article's mentions then become its
:class:`ArticlePolicy` list: one per issuing state, type and target, with loose words folded
(an issuer's "sanctions" into its export controls against the same targets, its subsidies
into its named act) and implied targets where the text plainly implies one (the one other
state of the sentence, else of the article's other measures, else of the headline).
Clustering across articles happens in :mod:`kg.policies`.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from ..lexicon import Lexicon
from ..resources import load_yaml
from ..text import is_cjk, normalize_chars
from . import register
from .phrases import Phrase, PhraseMatcher, alternation, words_regex
from .sentences import Span, clauses, sentences

__all__ = ["Evidence", "ArticlePolicy", "find_policies", "RESTRICTIVE", "technology_matcher", "load_technologies"]

#: policy types whose issuer restricts its targets (``kg:restricts``)
RESTRICTIVE = ("ExportControl", "Sanction", "InvestmentControl")
_STATUS_ORDER = ("lifted", "planned", "in force", "announced")


@dataclass(frozen=True)
class Evidence:
    """One role of a policy as one sentence states it."""

    role: str  # issuedBy | targets
    actor_id: str
    sentence: Span
    confidence: float
    how: str  # explicit | named | inherited


@dataclass
class ArticlePolicy:
    """One measure as one article reports it."""

    type: str
    issuers: tuple[str, ...]
    named: Optional[str] = None
    targets: set[str] = field(default_factory=set)
    listing: Optional[str] = None  # for a designation: the list (a named measure whose rounds are events)
    covers: set[str] = field(default_factory=set)
    statuses: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)

    @property
    def status(self) -> Optional[str]:
        for s in _STATUS_ORDER:
            if s in self.statuses:
                return s
        return None

    @property
    def key(self) -> tuple:
        return (self.named or self.listing or "", self.type, self.issuers)

    def absorb(self, other: "ArticlePolicy", issuers: bool = True) -> None:
        """Take ``other``'s roles, technologies, status and sentences: one measure after all.
        ``issuers=False`` keeps a named measure's lexicon issuers free of sentence ones."""
        if issuers:
            self.issuers = tuple(sorted(set(self.issuers) | set(other.issuers)))
        self.targets |= other.targets
        self.covers |= other.covers
        self.statuses += other.statuses
        self.sentences += other.sentences
        self.evidence += [e for e in other.evidence if issuers or e.role != "issuedBy"]


@dataclass
class _Mention:
    type: str
    named: Optional[str]
    issuers: list[str]
    targets: list[str]
    covers: set[str]
    status: Optional[str]
    sentence: Span
    inherited: set[str] = field(default_factory=set)
    listing: Optional[str] = None  # a list a designation puts targets on (the Entity List)


# ----------------------------------------------------------------------------- data
@lru_cache(maxsize=1)
def load_technologies() -> dict[str, dict]:
    return {t["id"]: t for t in load_yaml("technologies.yaml")}


@lru_cache(maxsize=1)
def technology_matcher() -> PhraseMatcher:
    entries = []
    for tid, t in load_technologies().items():
        for name in t["labels"].values():
            entries.append((name, tid))
        for names in (t.get("aliases") or {}).values():
            entries.extend((n, tid) for n in names)
    return PhraseMatcher(entries)


class _Rules:
    def __init__(self) -> None:
        data = load_yaml("policies.yaml")
        self.types = data["types"]
        self.named = {n["id"]: n for n in data["named"]}
        entries = []
        for ptype, spec in self.types.items():
            for strength in ("strong", "weak"):
                for names in (spec.get(strength) or {}).values():
                    entries.extend((n, (strength, ptype)) for n in names)
        for nid, spec in self.named.items():
            for name in spec["labels"].values():
                entries.append((name, ("named", nid)))
            for names in (spec.get("aliases") or {}).values():
                entries.extend((n, ("named", nid)) for n in names)
        self.triggers = PhraseMatcher(entries)
        self.export_words = PhraseMatcher(
            (w, True) for names in data["export_words"].values() for w in names)
        roles = data["roles"]
        both = lambda key: [w for names in roles[key].values() for w in names]  # noqa: E731
        self.target_before = words_regex(both("target_before"), at_end=True)
        self.target_after = words_regex(both("target_after"), at_end=False)
        self.issuer_before = words_regex(both("issuer_before"), at_end=True)
        self.partner_before = words_regex(both("partner_before"), at_end=True)
        self.issuer_right_after = re.compile(r"\s*(?:" + "|".join(map(re.escape, sorted(
            {normalize_chars(w) for w in both("issuer_right_after")}, key=len, reverse=True))) + r")\s*")
        self.joins = PhraseMatcher((w, True) for w in both("joins"))
        self.speech = PhraseMatcher((w, True) for w in both("speech"))
        self.not_speech = re.compile("|".join(map(re.escape, both("not_speech"))))
        self.not_a_fact = PhraseMatcher((w, True) for w in both("not_a_fact"))
        self.own_people_after = words_regex(both("own_people_after"), at_end=False)
        self.own_firms_after = words_regex(both("own_firms_after"), at_end=False)
        firms = "|".join(map(re.escape, sorted(roles["own_firms_after"]["en"], key=len, reverse=True)))
        self.bound_firms = re.compile(rf".*(?<![a-z])for\s*\|\s*(?:{firms})\s+to\s+[a-z]")
        cues, heads = (sorted(map(normalize_chars, roles[k]), key=len, reverse=True)
                       for k in ("apposition_cues_zh", "apposition_heads_zh"))
        self.apposition_target = re.compile(
            "(?:" + "|".join(map(re.escape, cues)) + r")[^\s，,。；;：:、从向对在把将与和给被让使为及以]{1,10}?(?:"
            + "|".join(map(re.escape, heads)) + r")\s*$")
        self.included_before = words_regex(both("included_before"), at_end=True)
        self.nationality_after = words_regex(both("nationality_after"), at_end=False)
        tails = sorted({normalize_chars(w) for w in both("nationality_after") + both("list_words")}, key=len, reverse=True)
        self.list_tail = re.compile("|".join(map(re.escape, tails)))
        self.list_separators = " 、，,;；：:“”\"「」『』《》"  # quoted items (包括“世捷达物流”“信诺电子”)
        self.elaboration = words_regex(both("elaboration_after"), at_end=False)
        self.not_elaboration = words_regex(both("not_elaboration_after"), at_end=False)
        self.listing_span = re.compile(
            r"(?:将|把|(?<![a-z])(?:added|adds|adding|put|puts|placed|places)(?![a-z]))(.{1,80}?)"
            # ... with the list's owner or kind between (列入美国管制实体清单, "to the Commerce
            # Department's Entity List")
            r"(?:(?:" + "|".join(map(re.escape, roles["listing_verbs"]["zh"])) + r")[^，,。；;、\s]{0,6}?|(?<![a-z])(?:to|on|onto)\s+(?:the|its|a|their)?\s*"
            r"(?:[a-z.'’-]+\s+){0,3}?)\s*[“\"「《]?\s*$")
        self.export_families = frozenset(data["export_technologies"])
        self.body_types = dict(data.get("body_measure_types") or {})
        heads = sorted({normalize_chars(w) for ws in data["head_modifiers"].values() for w in ws}, key=len, reverse=True)
        self.head_gap = re.compile(r"(?:\s+|(?<![a-z0-9])(?:" + "|".join(map(re.escape, heads)) + r")(?![a-z0-9])|[”\"」》])*")
        self.coordination = re.compile(r"\s*(?:,|，|、|和|及|与|(?<![a-z])and(?![a-z]))\s*(?:and\s+)?")
        self.qualified = words_regex([w for ws in data["qualified_nouns"].values() for w in ws], at_end=False)
        self.movement_words = PhraseMatcher((w, True) for names in data["movement_words"].values() for w in names)
        self.beneficiaries = PhraseMatcher((w, True) for names in data["subsidy_beneficiaries"].values() for w in names)
        self.investment_words = PhraseMatcher((w, True) for names in data["investment_words"].values() for w in names)
        deals = data["blocked_deals"]
        alt = lambda key: "|".join(map(re.escape, sorted({normalize_chars(w) for ws in deals[key].values()  # noqa: E731
                                                          for w in ws}, key=len, reverse=True)))
        blocks = alternation({normalize_chars(w) for ws in deals["block"].values() for w in ws}, "[a-z]")
        self.blocked_deal = re.compile(rf"(?:{blocks})(?![a-z])([^，,。;；\n]{{0,40}}?)(?<![a-z])(?:{alt('deal')})(?![a-z])")
        self.ban_words = re.compile("|".join(map(re.escape, sorted(
            {normalize_chars(w) for w in both("ban_words")}, key=len, reverse=True))))
        self.join_objects = re.compile(r"\s*(?:'s|’s|的)?\s*(?:相关)?(?:" + "|".join(map(re.escape, sorted(
            {normalize_chars(w) for w in both("join_objects")}, key=len, reverse=True))) + r")")
        self.join_not_yet = re.compile("|".join(map(re.escape, sorted(
            {normalize_chars(w) for w in both("join_not_yet")}, key=len, reverse=True))))
        pm = roles["passive_markers"]
        alt = lambda ws: "|".join(map(re.escape, sorted(ws, key=len, reverse=True)))  # noqa: E731
        self.passive = re.compile(rf"(?:{alt(pm['zh'])}|(?<![a-z])(?:{alt(pm['en_auxiliaries'])})\s+"
                                  rf"(?:{alt(pm['en_participles'])})(?![a-z]))"
                                  r"(?=[^，,。]{0,40}$)")
        self.self_reference = re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, both("self_reference"))) + r")(?![a-z])")
        self.directional = words_regex(both("directional"), at_end=True)
        self.not_target_before = words_regex(both("not_target_before"), at_end=True)
        self.cause_before = words_regex(roles["cause_before"]["en"], at_end=True)
        self.origin_before = words_regex([w for ws in roles["origin_before"].values() for w in ws], at_end=True)
        masked = "|".join(map(re.escape, sorted(roles["not_cause"]["zh"], key=len, reverse=True)))
        self.not_cause = re.compile(masked)
        self.cause_zh = re.compile("(?:" + "|".join(map(re.escape, sorted(roles["cause_before"]["zh"], key=len, reverse=True)))
                                   + ")[^而]*$")
        self.still_target_before = words_regex(both("still_target_before"), at_end=True)
        self.served_before = tuple(both("served_before"))
        self.lifting_before = re.compile("(?:" + "|".join(map(re.escape, sorted(both("lifting_before"), key=len, reverse=True))) + r")\s*$")
        self.time_zone = re.compile(r"\s*(?:" + "|".join(map(re.escape, both("time_zone_after"))) + r")(?![a-z])")
        self.quantifier_tail = re.compile("(?:" + "|".join(map(re.escape, sorted(both("quantifiers"), key=len, reverse=True))) + r")+\s*$")
        self.zero_subject = re.compile("(?:" + "|".join(map(re.escape, sorted(both("zero_subject_openers"), key=len, reverse=True))) + ")")
        self.own_firm_ends = tuple(w for w in both("own_firms_after") if is_cjk(w[:1]) and not w.endswith("家"))
        self.firm_description = re.compile(r"[^，,。；;：:、\s]{0,8}?(?:" + "|".join(map(re.escape, sorted(
            self.own_firm_ends, key=len, reverse=True))) + ")")
        self.company_anaphor = re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, sorted(
            {normalize_chars(w) for w in both("company_anaphora")}, key=len, reverse=True))) + r")(?![a-z])")
        comparison = roles["comparison"]
        self.compare_open_en = re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, sorted(
            comparison["open"]["en"], key=len, reverse=True))) + r")(?![a-z])")
        self.compare_open_zh = re.compile("|".join(map(re.escape, comparison["open"]["zh"])))
        self.compare_close_zh = re.compile(r"[^，,。；;：:、]{0,6}?(?:" + "|".join(map(re.escape, comparison["close"]["zh"])) + ")")
        self.not_a_fact_after = tuple(both("not_a_fact_after"))
        self.appositive_opener = re.compile(r"\s*(?:" + "|".join(map(re.escape, sorted(
            roles["appositive_openers"]["zh"], key=len, reverse=True))) + ")")
        self.action_adverbs = tuple(both("action_adverbs"))
        cond = roles["conditional_openers"]
        self.conditional = re.compile("(?:" + "|".join(map(re.escape, cond["zh"])) + r")|(?<![a-z])(?:"
                                      + "|".join(map(re.escape, cond["en"])) + r")(?![a-z])")
        self.subject_pronoun = re.compile(r"(?:^|(?<=[.:;!?])|(?<=[.:;!?][\s\"“”']))\s*(?:" + "|".join(
            map(re.escape, both("subject_pronouns"))) + r")(?=\s+[a-z]+(?:ed|es|s)\b|\s+(?:will|would|has|have|had|is|are|was|were|also|then|now|may|could|plans?)\b)")
        self.plural_anaphora = re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, sorted(
            {normalize_chars(w) for w in both("plural_anaphora")}, key=len, reverse=True))) + r")(?![a-z])")
        self.list_owner = re.compile("(?:" + "|".join(map(re.escape, roles["listing_verbs"]["zh"])) + ")([^，,。；;]{1,10})$")
        self.own_goods = tuple(both("own_goods_after"))
        self.contrast = re.compile("|".join(map(re.escape, both("contrast_words"))))
        self.partner_marker = re.compile(r"\s*(?:" + "|".join(map(re.escape, both("partner_markers"))) + r")\s*")
        self.passive_adverbs = re.compile("(?:" + "|".join(map(re.escape, sorted(
            both("passive_adverbs"), key=len, reverse=True))) + ")+")
        self.relative_agent = re.compile(r"\s*所?(?:" + "|".join(map(re.escape, sorted(
            both("relative_agent_verbs"), key=len, reverse=True))) + r")了?的")
        self.subject_of_cue = re.compile("(?!" + "|".join(map(re.escape, sorted(both("not_cue_after"), key=len, reverse=True)))
                                         + ")(?:" + "|".join(map(re.escape, sorted(
                                             both("subject_of_cue_after"), key=len, reverse=True))) + ")")
        filler = sorted({normalize_chars(w) for w in both("filler")}, key=len, reverse=True)
        self.filler = re.compile(r"(?:\s+|(?<![a-z0-9])(?:" + "|".join(map(re.escape, filler)) + r")(?![a-z0-9])|[（(）)]|[\"“”'’])*$")
        self.joiner = re.compile(r"^(?:\s|(?<![a-z0-9])(?:" + "|".join(
            map(re.escape, sorted({normalize_chars(w) for w in both("party_joiners")}, key=len, reverse=True))
        ) + r")(?![a-z0-9])|[、,，])*$")
        self.status = PhraseMatcher(
            (w, status) for status, names in data["status"].items() for ws in names.values() for w in ws)
        self.urging = PhraseMatcher((w, True) for w in both("urging"))
        self.subject_after = words_regex(roles["subject_after_en"], at_end=True)
        self.announcing = re.compile(r"(?:\s+(?:" + "|".join(map(re.escape, roles["announcer_nouns_en"]))
                                     + r"))?\s*(?<![a-z])(?:" + "|".join(map(re.escape, roles["announcing_en"]))
                                     + r")\s+(?:that\s+)?")
        self.possessive = re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, roles["possessive_en"]))
                                     + r")(?:\s+[a-z][a-z-]*){0,2}\s*$")
        self.parenthetical = re.compile(r"\s*(?:" + "|".join(map(re.escape, sorted(
            roles["parenthetical_en"], key=len, reverse=True))) + r")(?![a-z])")
        self.publishing = PhraseMatcher((w, True) for names in data["publishing_verbs"].values() for w in names)
        self.issuing = PhraseMatcher((w, True) for names in data["issuing_verbs"].values() for w in names)
        self.window_days = int(data.get("merge_window_days", 365))
        plans = data["plan_documents"]
        # (a title: no clause punctuation, unlike a quoted sentence ending in 计划)
        title = "([^《》“”，,。：:；;！？!?]{2,60}?(?:" + "|".join(map(re.escape, plans["ends"])) + "))"
        self.plan_document = re.compile(f"《{title}》|“{title}”")
        self.act_ends = tuple(plans.get("acts") or ())
        self.industry_words = re.compile("|".join(map(re.escape, sorted(plans["industry_words"], key=len, reverse=True))))
        joint = data["joint_action"]
        alts = lambda key, lang: "|".join(map(re.escape, sorted(  # noqa: E731
            {normalize_chars(w) for w in joint[key][lang]}, key=len, reverse=True)))
        self.joint_cue_words = tuple(sorted({normalize_chars(w) for ws in joint["cue"].values() for w in ws}))
        cues = alternation({normalize_chars(w) for w in joint["cue"]["en"]}, "[a-z]")
        self.joint_en = re.compile(rf"(?:{cues})\s+(?:{alts('partner', 'en')})\s+(.{{1,60}}?)"
                                   rf"\s+(?:to|in order to)\s+(?:{alts('purpose', 'en')})(?![a-z])")
        self.joint_zh = re.compile(rf"(?:{alts('partner', 'zh')})([^，,。；;]{{1,24}}?)(?:{alts('cue', 'zh')})"
                                   rf"[，,]?\s*(?:以|来|共同|一起)?\s*(?:{alts('purpose', 'zh')})")
        self.demonym = re.compile(r"[a-z]+(?:" + "|".join(map(re.escape, load_yaml("matching.yaml")["demonym_endings"])) + r")")


@lru_cache(maxsize=1)
def rules() -> _Rules:
    return _Rules()


# ----------------------------------------------------------------------------- roles
def _can_issue(lex: Lexicon, actor_id: str, ptype: str) -> bool:
    actor = lex.get(actor_id)
    if actor is None or "NewsMediaOrganization" in actor.types:
        return False
    if ptype == "CooperationAgreement":
        return actor.type in ("Country", "Organization")
    return actor.type == "Country" or "GovernmentOrganization" in actor.types or _leader_state(lex, actor_id) is not None


def _leader_state(lex: Lexicon, actor_id: str) -> Optional[str]:
    """The one state a person serves directly by the lexicon (拜登: the United States): what
    that person enacts, the state enacts."""
    actor = lex.get(actor_id)
    if actor is None or actor.type != "Person":
        return None
    states = [a for a in actor.affiliated_with if getattr(lex.get(a), "type", None) == "Country"]
    if not states:  # an official of one state's bodies (a senator, a minister): that state
        states = sorted({state_of(lex, a) for a in actor.affiliated_with
                         if "GovernmentOrganization" in getattr(lex.get(a), "types", ())})
        states = [s for s in states if getattr(lex.get(s), "type", None) == "Country"] if len(states) == 1 else []
    return states[0] if len(states) == 1 else None


def _can_be_targeted(lex: Lexicon, actor_id: str) -> bool:
    actor = lex.get(actor_id)
    return actor is not None and "NewsMediaOrganization" not in actor.types


def state_of(lex: Lexicon, actor_id: str) -> str:
    """A government body's state (the US Commerce Department → the United States); any
    other actor is its own."""
    actor = lex.get(actor_id)
    if actor is not None and "GovernmentOrganization" in actor.types:
        if actor.based_in:
            based = lex.get(actor.based_in)
            if based is not None and based.type == "Country":
                return based.id
        # a bloc's body (the European Commission): the bloc
        blocs = [b for b in actor.affiliated_with if lex.get(b) is not None and not lex.get(b).affiliated_with
                 and not lex.get(b).based_in and "GovernmentOrganization" in lex.get(b).types]
        if len(blocs) == 1:
            return blocs[0]
    return actor_id


@lru_cache(maxsize=4)
def _bodies(lex: Lexicon) -> dict[str, frozenset]:
    """Each state (or bloc) with the government bodies that belong to it."""
    out: dict[str, set] = {}
    for a in lex.actors:
        st = state_of(lex, a)
        if st != a:
            out.setdefault(st, set()).add(a)
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=4)
def _firms(lex: Lexicon) -> dict[str, frozenset]:
    """Each state with the companies and institutions the lexicon seats in it."""
    out: dict[str, set] = {}
    for a in lex.actors.values():
        if a.type == "Organization" and a.based_in and "GovernmentOrganization" not in a.types \
                and lex.get(a.based_in) is not None and lex.get(a.based_in).type == "Country":
            out.setdefault(a.based_in, set()).add(a.id)
    return {k: frozenset(v) for k, v in out.items()}


def own_side(lex: Lexicon, issuers) -> frozenset[str]:
    """The issuers, their states, every body of those states and the firms seated there:
    none of them is a target (a US measure never targets the US Congress; US export
    controls regulate Nvidia's sales, they target the buyers)."""
    return _own_side(lex, frozenset(issuers))


@lru_cache(maxsize=4096)
def _own_side(lex: Lexicon, issuers: frozenset) -> frozenset[str]:
    states = {state_of(lex, a) for a in issuers}
    bodies, firms = _bodies(lex), _firms(lex)
    return frozenset(issuers | states | {b for st in states for b in (*bodies.get(st, ()), *firms.get(st, ()))})


class _ByStart:
    """Items with ``start``/``end`` offsets, found by span in logarithmic time: the items of
    ``items`` inside a span, in their original order (what a scan of the whole list gives,
    without scanning it once per sentence: extraction stays linear in the article's length)."""

    def __init__(self, items) -> None:
        self.items = list(items)
        self.order = sorted(range(len(self.items)), key=lambda i: self.items[i].start)
        self.starts = [self.items[i].start for i in self.order]
        self.in_order = self.order == list(range(len(self.items)))  # (then a slice is in original order)

    def inside(self, start: int, end: int) -> list:
        lo, hi = bisect.bisect_left(self.starts, start), bisect.bisect_right(self.starts, end)
        if lo >= hi:
            return []
        if self.in_order:
            return [x for x in self.items[lo:hi] if x.end <= end]
        return [self.items[i] for i in sorted(i for i in self.order[lo:hi] if self.items[i].end <= end)]


def _not_overlapping(triggers, spans) -> list:
    """The triggers that overlap none of ``spans`` ((start, end) pairs)."""
    spans = sorted(spans)
    starts = [s for s, _ in spans]
    reach, best = [], -1  # reach[k]: the furthest end among the first k spans by start
    for _, e in spans:
        best = max(best, e)
        reach.append(best)
    out = []
    for t in triggers:
        k = bisect.bisect_left(starts, t.end)
        if not (k and reach[k - 1] > t.start):
            out.append(t)
    return out


class _Sentence:
    """One sentence with the actor mentions, triggers and cues inside it."""

    def __init__(self, span: Span, norm: str, mentions, techs, statuses, cued: frozenset = frozenset(), triggers=()):
        self.span = span
        self.cued = cued  # states the article names as a target somewhere ("curbs on China")
        self.norm = norm
        self.mentions = [m for m in mentions if span.start <= m.start and m.end <= span.end]
        self.techs = [t for t in techs if span.start <= t.start and t.end <= span.end]
        self.statuses = [s for s in statuses if span.start <= s.start and s.end <= span.end]
        self.clauses = clauses(span)
        self.masked = _masked(norm, span, self.techs)  # technology names read as filler ("US chip curbs")
        self.triggers = list(triggers)  # the sentence's triggers (another may be compared with one)
        self.compared: list[Span] = []  # where measures compared with another are spoken of

    def clause_of(self, pos: int) -> Span:
        for c in self.clauses:
            if c.start <= pos < c.end:
                return c
        return self.span

    def within(self, items, span: Span):
        return [x for x in items if span.start <= x.start and x.end <= span.end]


def is_target(r: _Rules, norm: str, m, clause: Span) -> bool:
    if m.surface.startswith(("对", "對")):
        return True  # 对华
    before = r.quantifier_tail.sub("", norm[max(clause.start, m.start - 16):m.start])
    if r.subject_of_cue.match(norm, m.end):
        return False  # 对美国对中国的制裁: the US opens the phrase of its own cue
    if r.relative_agent.match(norm, m.end):
        return False  # 对美国禁止的领域: the US bans
    if r.target_before.search(before) and (not r.not_target_before.search(before)
                                           or r.still_target_before.search(before)):
        return True
    if r.apposition_target.search(before):
        return True  # 对中国特别行政区澳门: the phrase's head
    return bool(r.target_after.search(norm[m.end:min(clause.end, m.end + 24)]))


def _names_own_people(r: _Rules, norm: str, m) -> bool:
    """"US citizens", 美国公民: the people of a state, regulated by the measure, not its target."""
    after = norm[m.end:m.end + 16]
    after = after[1:] if after.startswith("的") else after
    # "harder for US companies to export": the firms the measure binds, not its target
    return bool(r.own_people_after.search(after)) or bool(
        r.bound_firms.match(norm[max(0, m.start - 5):m.start] + "|" + norm[m.end:m.end + 24]))


def _firms_nationality(r: _Rules, norm: str, m, mentions) -> bool:
    """美国存储芯片制造商美光: a state before a description of a firm (a firm word ending
    it) and the firm's own name right after: the firm's nationality, no actor of the clause."""
    hit = r.firm_description.match(norm, m.end)
    return hit is not None and any(x.start == hit.end() for x in mentions)


def _chain_before(r: _Rules, text: str, base: int, pos: int, mentions, clause: Span, ok) -> list:
    """Actors standing right before ``pos`` through filler words and joiners: "Japan's new",
    "EU-Japan", 美日荷, 荷兰政府的. ``text`` is the sentence's masked text, starting at the
    article offset ``base``."""
    chain = []
    cursor = pos
    for m in sorted((m for m in mentions if clause.start <= m.start and m.end <= cursor), key=lambda m: -m.end):
        if m.end > cursor:
            continue
        gap = text[m.end - base:cursor - base]
        pattern = r.filler if not chain else r.joiner
        if not pattern.fullmatch(gap) and not (chain and r.filler.fullmatch(gap) and len(gap.strip()) <= 1
                                               and not is_cjk(gap.strip()[:1])):
            break
        if ok(m.actor_id):
            chain.append(m)
        cursor = m.start
    return chain


def _roles(r: _Rules, lex: Lexicon, s: _Sentence, trig, ptype: str) -> tuple[list[str], list[str], bool]:
    norm = s.norm
    clause = s.clause_of(trig.start)
    in_clause = s.within(s.mentions, clause)
    # the actor standing right before the trigger issues it, whatever precedes it ("on U.S.
    # export curbs", 面对美国制裁); technology names count as filler ("US chip curbs")
    adjacent = _chain_before(r, s.masked, s.span.start, trig.start, in_clause, clause,
                             lambda a: _can_issue(lex, a, ptype))
    if is_cjk(trig.surface[:1]):  # 对中国的出口管制: in Chinese the target comes before the trigger
        # ... but 将/把 mark what is done with the measure, not its target (将美国的出口管制称为…)
        # ... and 对X的管制表示不满 speaks of X's own measure: 对 marks the topic of what is said
        about = bool(_speech(r, norm[trig.end:clause.end]))
        cued = {m.actor_id for m in in_clause if is_target(r, norm, m, clause)}
        # ... unless another actor opens the 对 phrase (日本对韩国的管制表示…: Japan's measure on Korea)
        opened = {id(m) for _, m in _cue_openers(r, norm, in_clause)}
        adjacent = [m for m in adjacent if not (
            is_target(r, norm, m, clause) and (not about or id(m) in opened)
            and not (norm[clause.start:m.start].rstrip().endswith(("将", "把")) and not m.surface.startswith(("对", "對"))))
            # 对中国（中共）禁运: the bracketed name restates the target
            and not (m.actor_id in cued and norm[clause.start:m.start].rstrip().endswith(("（", "(")))
            # 对中国和俄罗斯的制裁: joined to a target, Russia is one too
            and not (len(chain := chain_before(r, norm, m, in_clause)) > 1 and is_target(r, norm, chain[0], clause))]
    if len(adjacent) == 1 and is_cjk(trig.surface[:1]) and r.lifting_before.search(norm[max(clause.start, adjacent[0].start - 4):adjacent[0].start]):
        # 放宽伊朗制裁, 解除对俄制裁: what is eased or lifted names whom the measure is on
        lifted_target = adjacent[0]
        adjacent = []
    else:
        lifted_target = None
    if len(adjacent) == 1 and not is_cjk(trig.surface[:1]) and adjacent[0].actor_id in s.cued \
            and not s.masked[adjacent[0].end - s.span.start:trig.start - s.span.start].strip() \
            and not re.match(r"['’]s?(?![a-z])", norm[adjacent[0].end:adjacent[0].end + 2]) \
            and not r.demonym.fullmatch(norm[adjacent[0].start:adjacent[0].end]):
        # "China chip restrictions" (nothing but technology names between) in an article that
        # names China as a target elsewhere ("controls … against China"): whom it is on
        noun_adjunct = adjacent[0]
        adjacent = []
    else:
        noun_adjunct = None
    targets = [m.actor_id for m in in_clause if m not in adjacent and is_target(r, norm, m, clause)
               and _can_be_targeted(lex, m.actor_id) and not _names_own_people(r, norm, m)]
    directional = [m.actor_id for m in in_clause if m not in adjacent and r.directional.search(
        norm[max(clause.start, m.start - 8):m.start]) and not r.subject_of_cue.match(norm, m.end)
        and not r.not_target_before.search(
        norm[max(clause.start, m.start - 16):m.start]) and _can_be_targeted(lex, m.actor_id)
        and not _names_own_people(r, norm, m)]
    # 对中国特别行政区澳门: Macau heads the phrase the cue governs; China only qualifies it
    heads, qualifiers = [], set()
    for m in in_clause:
        lo = max(clause.start, m.start - 16)
        hit = r.apposition_target.search(norm[lo:m.start])
        if hit and m not in adjacent:
            heads.append(m.actor_id)
            qualifiers |= {x.actor_id for x in in_clause if lo + hit.start() < x.start and x.end <= m.start}
    if heads:
        directional = [a for a in directional if a not in qualifiers] + [a for a in heads if a not in directional]
        targets = [a for a in targets if a not in qualifiers]
    if not directional and is_cjk(trig.surface[:1]):
        # 阻止台积电等制造商为中国芯片设计师制造芯片: the firms are bound, whom they serve is the target
        served = _served(r, lex, norm, in_clause, targets)
        if served:
            directional = served
    if directional:  # "限制美国供应商向中国出口": the direction names the target, not the verb
        targets = directional
    if is_cjk(trig.surface[:1]):
        # after a Chinese trigger, a target behind another actor is that actor's (…出口管制不亚于
        # 美国对苏联所做的: the Soviet Union is no target of these controls)
        tset = set(targets)
        later = [m for m in in_clause if m.start >= trig.end]
        mine = own_side(lex, [m.actor_id for m in adjacent])
        blocked = {m.actor_id for i, m in enumerate(later) if m.actor_id in tset
                   and any(x.actor_id not in tset and x.actor_id not in mine and _can_issue(lex, x.actor_id, ptype)
                           and not _names_own_people(r, norm, x) and not r.own_firms_after.search(norm[x.end:x.end + 8])
                           for x in later[:i])}
        targets = [t for t in targets if t not in blocked or any(
            m.actor_id == t and m.end <= trig.start for m in in_clause)]
    if not targets:
        targets = _elaborated_targets(r, lex, s, clause)
    if not targets:
        targets = _anaphoric_firm(r, lex, s, clause, trig, adjacent)
    included = [t for t in _included_targets(r, lex, s, trig) if t not in targets]
    if included and is_cjk(trig.surface[:1]):
        # 限制，包括：台积电等企业…不得为中国客户服务: the listed firms are bound, whom they serve is the target
        served = _served(r, lex, norm, [m for m in s.mentions if m.start >= trig.end], included)
        if served:
            included = [t for t in served if t not in targets]
    targets += included
    if noun_adjunct is not None and noun_adjunct.actor_id not in targets:
        targets.append(noun_adjunct.actor_id)
    if lifted_target is not None and lifted_target.actor_id not in targets:
        targets.append(lifted_target.actor_id)
    targets += _coordinated_targets(r, lex, s, clause, in_clause, targets, adjacent)
    listed = _listed(r, norm, in_clause, clause, trig)
    targets += [m.actor_id for m in listed if m.actor_id not in targets and _can_be_targeted(lex, m.actor_id)]
    passive = _passive(r, norm, s, clause, trig)
    if passive:  # 长江存储被美国列入实体清单: what comes before 被 suffers, who follows it acts
        sufferers, agent, marker = passive
        # 台积电被美国禁止为华为生产芯片: the firm is bound, whom it may not serve is the target
        served = [m for m in s.within(s.mentions, clause) if m.start >= trig.end
                  and norm[trig.end:m.start].strip() in r.served_before and _can_be_targeted(lex, m.actor_id)]
        if served:
            sufferers = served[:1]
            targets = [t for t in targets if t not in {m.actor_id for m in passive[0]}]
        targets += [m.actor_id for m in sufferers if m.actor_id not in targets and _can_be_targeted(lex, m.actor_id)]
        if agent is not None and _can_issue(lex, agent.actor_id, ptype):
            adjacent = [agent]
        elif agent is None and is_cjk(trig.surface[:1]):
            # 西方国家使用的平台在中国被禁止: with no agent named, nobody before the marker enacts it
            in_clause = [m for m in in_clause if m.start >= marker or m in adjacent]
    head = _relative_sufferer(r, lex, s, clause, trig)
    if head is not None and head.actor_id not in targets:
        targets.append(head.actor_id)  # 遭西方多国制裁的大华技术公司: the firm the relative clause qualifies
    firms = {id(m) for m in in_clause if r.own_firms_after.search(norm[m.end:m.end + 8])}
    ok = lambda a: _can_issue(lex, a, ptype) and a not in targets  # noqa: E731
    in_clause = [m for m in in_clause if id(m) not in firms or m in adjacent]  # 中国芯片公司: firms issue nothing
    if len(adjacent) == 1 and not is_cjk(trig.surface[:1]):
        # "The US expanded China chip curbs": a bare name before the trigger is whom the
        # measure is on when the clause's subject enacts it (an issuing verb, no joining)
        m = adjacent[0]
        subj = [x for x in in_clause if x.end <= m.start and _can_issue(lex, x.actor_id, ptype)
                and x.actor_id != m.actor_id and not _is_partner(r, norm, x, clause)]
        subj = subj[-1:]
        between = norm[subj[0].end:m.start] if subj else ""
        verbs = [v for v in r.issuing.find_all(between, between) if not between[:v.start].strip()]
        if subj and not re.search(r"['’]s?\s*$", norm[m.start:m.end + 2]) and verbs \
                and r.filler.fullmatch(between[max(v.end for v in verbs):]) and not r.joins.find_all(between, between):
            targets = sorted(set(targets) | {m.actor_id})
            adjacent = [subj[0]]
    issuers = [m.actor_id for m in adjacent]
    by_adjacency = bool(issuers)
    after = [m for m in in_clause if m.start >= trig.end and ok(m.actor_id)]
    named_by = next((m for m in after if r.issuer_before.search(norm[max(clause.start, m.start - 16):m.start])), None)
    if issuers and named_by is not None and not is_cjk(trig.surface[:1]) and len(adjacent) == 1 \
            and not re.search(r"['’]s?\s*$", norm[adjacent[0].start:adjacent[0].end + 2]) \
            and named_by.actor_id != adjacent[0].actor_id:
        # "Russia sanctions were tightened by the EU": the bare name before the trigger is
        # whom the measure is on, the actor after "by" enacts it
        targets = sorted(set(targets) | {adjacent[0].actor_id})
        issuers, adjacent, by_adjacency = [], [], False
    if not issuers:  # "curbs imposed by Japan", "export controls from the U.S., Netherlands, Japan"
        first = next((m for m in after if r.issuer_before.search(norm[max(clause.start, m.start - 16):m.start])
                      or r.issuer_right_after.fullmatch(norm[trig.end:m.start])), None)
        if first is not None:  # an enumeration goes on past the clause's commas
            rest = [m for m in s.mentions if m.start >= first.start and ok(m.actor_id)]
            issuers = [m.actor_id for m in chain_after(r, norm, first, rest, s.span.end)]
    if not issuers and not is_cjk(trig.surface[:1]):  # a relative clause: "restrictions Washington and its allies have imposed"
        after = [m for m in in_clause if m.start >= trig.end and ok(m.actor_id)]
        if after and re.fullmatch(r"\s*(?:that|which)?\s*(?:the)?\s*", norm[trig.end:after[0].start]) \
                and not r.own_firms_after.search(norm[after[0].end:after[0].end + 16]):
            issuers = [after[0].actor_id]  # ... not the object's nationality ("lure U.S. businesses")
    # 因莫斯科入侵乌克兰而…实施的制裁: a cause named in the clause issues nothing
    in_clause = [m for m in in_clause if m in adjacent or not _in_cause(r, norm, clause, m, trig.start)]
    before = [m for m in in_clause if m.end <= trig.start and ok(m.actor_id) and not _is_partner(r, norm, m, clause)
              and not is_target(r, norm, m, clause)]
    joined = _joiners(r, norm, before, adjacent or before, trig.start)
    if joined:  # "Japan and the Netherlands are joining the US in chip restrictions": each acts
        issuers = sorted(set(issuers) | joined)
    # 中共此举显示了对西方加强芯片管制动作的担心: the measure is what the subject worries about
    spoken_of = is_cjk(trig.surface[:1]) and bool(re.match(
        r"[^，。；,;！？]{0,8}?的", norm[trig.end:clause.end])) and _said(r, norm, trig.end, min(clause.end, trig.end + 14))
    if not issuers and ptype in RESTRICTIVE:
        issuers = _anaphoric_states(r, lex, s, clause, trig, ok)
    if not issuers and is_cjk(trig.surface[:1]):
        # 被列入美国出口黑名单: the list's owner, named between the listing verb and the list
        owner = r.list_owner.search(norm, clause.start, trig.start)
        if owner is not None:
            issuers = [m.actor_id for m in in_clause if owner.start(1) <= m.start and m.end <= trig.start and ok(m.actor_id)][:1]
    if not issuers and is_cjk(trig.surface[:1]):
        # 美国对中国的制裁, even where spoken of: the actor opening the 对 phrase of a target enacts it
        issuers = [x.actor_id for x, m in _cue_openers(r, norm, in_clause)
                   if m.start <= trig.start and m.actor_id in targets and ok(x.actor_id)][:1]
    if not issuers and not spoken_of:  # the subject of the clause, with those coordinated with it ("荷兰和日本")
        candidates = [m for m in in_clause if m.end <= trig.start and ok(m.actor_id)]
        # a trigger that is itself an issuing verb ("Japan will restrict exports") is the verb
        verb_trigger = _is_verb(r, norm, trig) and bool(before) and not _said(r, norm, before[0].end, trig.start) \
            and not _said(r, norm, clause.start, before[0].start)  # 游说日本、荷兰制裁中国: urged, not acting
        issuers = [m.actor_id for m in _subject_issuers(r, norm, before, candidates,
                                                         trig.end if verb_trigger else trig.start)]
    if not issuers and not is_cjk(trig.surface[:1]):
        issuers = _parenthesized_subject(r, norm, s, clause, trig, ok) or _announcer(r, norm, s, trig, ok)
    if not issuers and is_cjk(trig.surface[:1]) and not spoken_of and not r.passive.search(norm[clause.start:trig.start]):
        # Chinese clauses share the subject (not a passive one's: 将在2024年被禁出口 names no enactor) of the sentence: the nearest state that opens a clause
        for c in reversed([c for c in s.clauses if c.start < trig.start]):
            opening = [m for m in s.within(s.mentions, c) if m.start - c.start <= 2 and m.end <= trig.start
                       and not norm[c.start:m.start].strip().endswith(("在", "于"))
                       and not r.own_firms_after.search(norm[m.end:m.end + 8])
                       and not _firms_nationality(r, norm, m, s.mentions)]
            # ... a state that opens the clause and is otherwise named only for its own firms or
            # goods (美国政府已停止向美国公司提供…许可证, 出售美国技术) is the subject, not a target
            own_firms_only = bool(opening) and opening[0].actor_id in targets and _can_issue(lex, opening[0].actor_id, ptype) \
                and all(x is opening[0] or r.own_firms_after.search(norm[x.end:x.end + 8])
                        or any(tc.start == x.end for tc in s.techs) or norm.startswith(r.own_goods, x.end)
                        for x in s.mentions if x.actor_id == opening[0].actor_id and x.start < clause.end)
            if opening and (ok(opening[0].actor_id) or own_firms_only) and not is_target(r, norm, opening[0], c):
                # a trigger that is the verb opening its clause (日本…加入美国的行列，限制…出口)
                # has the previous clause's subject
                opens = trig.start - clause.start <= 2 and not r.urging.find_all(*_twice(norm[s.span.start:trig.start])) \
                    and _is_verb(r, norm, trig)
                issuers = [m.actor_id for m in _subject_issuers(r, norm, opening[:1], [], trig.end if opens else trig.start)][:1]
                if own_firms_only:
                    targets = [a for a in targets if a != opening[0].actor_id]
                break
    if not issuers and is_cjk(trig.surface[:1]) and not spoken_of:
        # 关于限制向中国出口芯片的新规则，拜登政府将公布细节: the measure as the topic, the
        # actor opening the next clause with an issuing verb enacts it
        nxt = next((c for c in s.clauses if c.start >= clause.end), None)
        opening = [m for m in s.within(s.mentions, nxt) if m.start - nxt.start <= 2] if nxt is not None else []
        if opening and ok(opening[0].actor_id) and not is_target(r, norm, opening[0], nxt):
            window = norm[opening[0].end:min(nxt.end, opening[0].end + 14)]
            verbs = [v for v in r.issuing.find_all(window, window) if window[v.start:v.end] != "对"]  # not 对 of 反对
            if verbs and not _speech(r, window[:verbs[0].start]):
                issuers = [opening[0].actor_id]
    if ptype == "CooperationAgreement" and issuers:
        # the parties of an agreement: every organization or state of the clause
        issuers += [m.actor_id for m in in_clause if ok(m.actor_id)]
    elif issuers and ptype in RESTRICTIVE:
        # "美国联合日本加大对中共设备管制", "the US, together with Japan, tightened curbs": the
        # partner named between the issuer and the measure enacts it too (its own measure)
        # ... one partner, in a measure already taken: partners in a plan (日本拟联手美、德等国
        # 制定新的出口管制框架) shape the planner's measure, they have none of their own yet
        first = min((m.start for m in in_clause if m.actor_id in issuers), default=trig.start)
        partners = [m for m in in_clause if first < m.start and m.end <= trig.start
                    and ok(m.actor_id) and _is_partner(r, norm, m, clause)]
        planned = any(x.payload == "planned" for x in s.within(s.statuses, clause))
        if len(partners) == 1 and not planned and not norm[partners[0].end:partners[0].end + 3].lstrip("、，, ").startswith(("等", "and", "和")):
            issuers += [partners[0].actor_id]
    # 拜登宣布的新出口管制: the leader's state enacts it
    issuers = [_leader_state(lex, a) or a for a in issuers]
    issuers = sorted(set(issuers))
    targets = sorted(set(targets) - own_side(lex, issuers))
    return issuers, targets, by_adjacency


def _in_cause(r: _Rules, norm: str, clause: Span, m, limit: int) -> bool:
    """``m`` is named as a cause (因莫斯科入侵乌克兰而…, "because of Russia"), not as an actor:
    in Chinese, inside a 因…而 phrase closed before ``limit`` (由于美国实施管制 is the US's act)."""
    if r.cause_before.search(norm[max(clause.start, m.start - 16):m.start]) \
            or r.origin_before.search(norm[max(clause.start, m.start - 16):m.start]):
        return True  # "because of Russia"; 来自中国的供应商: where they come from
    return bool(r.cause_zh.search(r.not_cause.sub("  ", norm[clause.start:m.start]))) and "而" in norm[m.end:limit]


def _included_targets(r: _Rules, lex: Lexicon, s: "_Sentence", trig) -> list[str]:
    """The actors a list after a restrictive trigger names ("sanctions on twelve firms,
    including Huawei and ZTE"; 制裁…，名单包括台湾锐元科技): its targets, but not the
    nationality of what is listed (法国、瑞士的实体, 台湾锐元科技: the firm is) nor an owner
    ("including Nvidia's A100")."""
    norm = s.norm
    after = [m for m in s.mentions if m.start >= trig.end]
    first = next((i for i, m in enumerate(after) if r.included_before.search(
        norm[max(after[i - 1].end if i else trig.end, m.start - 12):m.start].rstrip(" ：:“\"「『《"))), None)
    if first is None:
        return []
    items = [after[first]]
    for m in after[first + 1:]:  # the list runs on through joiners and nationality tails
        gap = r.list_tail.sub("", norm[items[-1].end:m.start])
        if gap.strip(r.list_separators):
            break
        items.append(m)
    out, nationality = [], False
    for i in range(len(items) - 1, -1, -1):
        m = items[i]
        is_state = "Country" == getattr(lex.get(m.actor_id), "type", None)
        adjacent_firm = i + 1 < len(items) and items[i + 1].start - m.end <= 1
        if not is_state:
            nationality = False
        elif r.nationality_after.search(norm[m.end:m.end + 12]) or r.own_firms_after.search(norm[m.end:m.end + 8]) \
                or adjacent_firm:
            nationality = True
        elif not (i + 1 < len(items) and "Country" == getattr(lex.get(items[i + 1].actor_id), "type", None)
                  and norm[m.end:items[i + 1].start].strip() in ("、", "和", "与", "及", ",", "and")):
            nationality = False
        if (is_state and nationality) or not _can_be_targeted(lex, m.actor_id) \
                or re.match(r"\s*(?:['’]s|的)", norm[m.end:m.end + 3]) and not is_state:
            continue
        out.append(m.actor_id)
    return out[::-1]


def _in_own_market(r: _Rules, lex: Lexicon, s: "_Sentence", clause: Span, issuers) -> bool:
    """Whether the clause places the sales it bans in the issuer's own state (在中国销售, "sales in China")."""
    home = {state_of(lex, a) for a in issuers}
    return any(state_of(lex, m.actor_id) in home and re.search(r"(?:在|于|(?<![a-z])in\s+)$", s.norm[max(clause.start, m.start - 4):m.start])
               for m in s.within(s.mentions, clause))


def _elaborated_targets(r: _Rules, lex: Lexicon, s: "_Sentence", clause: Span) -> list[str]:
    """Targets named in the clause right after the trigger's, when it says what the measure
    does ("出口管制措施，包括切断中国企业与…的联系"; "禁令，旨在限制中国开发…")."""
    nxt = next((c for c in s.clauses if c.start >= clause.end), None)
    if nxt is None:
        return []
    head = s.norm[nxt.start:nxt.end].lstrip(" ，,、")
    if not r.elaboration.match(head) or r.not_elaboration.match(head):
        return []
    found = [m for m in s.within(s.mentions, nxt) if is_target(r, s.norm, m, nxt)
             and _can_be_targeted(lex, m.actor_id) and not _names_own_people(r, s.norm, m)]
    served = _served(r, lex, s.norm, s.within(s.mentions, nxt), [m.actor_id for m in found])
    return served or [m.actor_id for m in found]


def _coordinated_targets(r: _Rules, lex: Lexicon, s: "_Sentence", clause: Span, in_clause, targets, adjacent) -> list[str]:
    """The actors of the target's own kind joined to it ("制裁华为和中兴", "sanctioned Huawei
    and ZTE", 对中国和俄罗斯的制裁): targets too."""
    out: list[str] = []
    issuers = {m.actor_id for m in adjacent}
    for m in in_clause:
        if m.actor_id not in targets or m.actor_id in out:
            continue
        kind = getattr(lex.get(m.actor_id), "type", None)
        for x in chain_after(r, s.norm, m, in_clause, clause.end)[1:]:
            if x.actor_id in targets or x.actor_id in out or x.actor_id in issuers:
                continue
            if getattr(lex.get(x.actor_id), "type", None) != kind or not _can_be_targeted(lex, x.actor_id) \
                    or _names_own_people(r, s.norm, x):
                break
            out.append(x.actor_id)
    return out


def _anaphoric_firm(r: _Rules, lex: Lexicon, s: "_Sentence", clause: Span, trig, adjacent) -> list[str]:
    """The firm a company anaphor stands for when it is what the measure is on: right after
    the trigger (限制该公司采购…, "sanctioned the company") or after the target cue before it
    (对该公司实施制裁, "restrictions on the company"): the last firm named before it in the
    sentence that does not enact the measure."""
    norm = s.norm
    lead = re.compile(r"\s*(?:了|对|對|(?:on|against)\s+)?").match(norm, trig.end)
    hit = r.company_anaphor.match(norm, lead.end())
    if hit is None:
        hit = next((h for h in r.company_anaphor.finditer(norm, clause.start, trig.start)
                    if re.search(r"(?:对|對|(?<![a-z])(?:on|against))\s*$", norm[max(clause.start, h.start() - 9):h.start()])), None)
    if hit is None or hit.start() >= clause.end:
        return []
    issuers = {m.actor_id for m in adjacent}
    firm = next((m for m in reversed(s.mentions) if m.end <= hit.start() and m.actor_id not in issuers
                 and getattr(lex.get(m.actor_id), "type", None) == "Organization"
                 and _can_be_targeted(lex, m.actor_id)), None)
    return [firm.actor_id] if firm is not None else []


def _served(r: _Rules, lex: Lexicon, norm: str, mentions, targets) -> list[str]:
    """阻止台积电等制造商为中国芯片设计师制造芯片: after firms a restriction binds, the state
    they serve (right after 为/给) is the target, and the firms are not."""
    return [m.actor_id for m in mentions if norm[max(0, m.start - 4):m.start].endswith(r.served_before)
            and getattr(lex.get(m.actor_id), "type", None) == "Country"
            and any(x.end <= m.start and x.actor_id in targets and getattr(lex.get(x.actor_id), "type", None) == "Organization"
                    for x in mentions)]


def _announcer(r: _Rules, norm: str, s: "_Sentence", trig, ok) -> list[str]:
    """The issuer of an English measure whose own clause names none: the subject that
    announces it ("the Chinese Ministry of Commerce announced that the export of gallium …
    will be restricted"), or that its possessive points back to ("the U.S. government needs
    to assess its past controls")."""
    before = [m for m in s.mentions if m.end <= trig.start]
    if not before:
        return []
    lead = norm[s.span.start:trig.start]
    if r.possessive.search(lead):  # "its past controls", "their new curbs": the nearest subject
        subject = next((m for m in reversed(before) if ok(m.actor_id)), None)
        return [subject.actor_id] if subject is not None and not _is_partner(r, norm, subject, s.span) else []
    for m in reversed(before):
        hit = r.announcing.match(norm, m.end)
        if hit is None:
            continue
        # the announcer and the actors joined to it, when nothing but the announcement follows
        # it up to a clause with no actor of its own before the measure
        if any(x.start >= hit.end() for x in before) or not ok(m.actor_id):
            return []
        return [x.actor_id for x in chain_before(r, norm, m, [x for x in before if x.end <= m.end]) if ok(x.actor_id)]
    return []


def _parenthesized_subject(r: _Rules, norm: str, s: "_Sentence", clause: Span, trig, ok) -> list[str]:
    """The subject of an English clause set off from its verb by parenthetical clauses ("The
    US, together with Japan, tightened export controls"; "…as the U.S. government, citing
    security concerns, continues to tighten restrictions"): the actors ending the nearest
    earlier clause, when every clause between opens with a parenthetical word or a participle
    and the trigger's clause opens with an issuing verb (after at most a few words)."""
    earlier = [c for c in s.clauses if c.end <= clause.start]

    def aside(c: Span) -> bool:
        return bool(r.parenthetical.match(norm, c.start) or re.match(r"\s*[a-z]+ing(?![a-z])", norm[c.start:c.end]))

    # the nearest earlier clause ending in names, with only asides between it and this one
    host = None
    for j in range(len(earlier) - 2, -1, -1):
        if not aside(earlier[j + 1]):
            break
        names = s.within(s.mentions, earlier[j])
        if names and r.filler.fullmatch(norm[names[-1].end:earlier[j].end].rstrip(" ,")):
            host = earlier[j]
            break
    if host is None:
        return []
    opening = norm[clause.start:trig.end]
    verbs = r.issuing.find_all(opening, opening)
    if not verbs or len(opening[:min(v.start for v in verbs)].split()) > 3 or _said(r, norm, clause.start, trig.start):
        return []
    head = s.within(s.mentions, host)
    chain = chain_before(r, norm, head[-1], head)
    lead = norm[host.start:chain[0].start]
    if not (r.filler.fullmatch(lead) or r.subject_after.search(re.sub(r"(?<![a-z])the\s*$", "", lead))):
        return []  # the names end a clause, but as its object ("…sold chips to Huawei, citing…")
    return [m.actor_id for m in chain if ok(m.actor_id)]


def _passive(r: _Rules, norm: str, s: "_Sentence", clause: Span, trig):
    """A passive clause before the trigger (X被Y列入…, X遭Y制裁): the actors before the
    passive marker (in this clause or opening the sentence), the one right after it, and
    where the marker stands."""
    text = norm[clause.start:trig.start]
    m = r.passive.search(text)
    if not m:
        return None
    at = clause.start + m.start()
    after = [x for x in s.mentions if x.start >= at + len(m.group(0)) and x.end <= trig.start]
    agent = after[0] if after and after[0].start - (at + len(m.group(0))) <= 1 else None
    before = [x for x in s.mentions if x.end <= at and x.start >= s.span.start]
    if not before:
        return None
    # the subject: the chain right before the marker, or the actor opening the sentence
    gap = norm[before[-1].end:at]
    if norm[max(clause.start, before[-1].start - 1):before[-1].start] in ("在", "于"):
        chain = []  # 平台在中国被禁止: where it is banned, not who suffers it
    elif re.fullmatch(r"[\s，,]*", gap) or r.passive_adverbs.fullmatch(gap.strip()):
        chain = chain_before(r, norm, before[-1], before)
    elif re.fullmatch(r"[\u4e00-\u9fff]{1,4}", gap) and before[-1].start >= clause.start and (
            r.own_firms_after.match(gap) or any(t.start == before[-1].end and t.end == at for t in s.techs)):
        chain = [before[-1]]  # 中国芯片被限制, 中国企业遭制裁: the state of what (or who) suffers it
    elif re.fullmatch(r"[\u4e00-\u9fff]{3,10}", gap) and before[-1].start >= clause.start \
            and any(t.start == before[-1].end for t in s.techs) and gap.endswith(r.own_firm_ends):
        chain = [before[-1]]  # 中国晶片设计公司受到…制裁: a technology, then the firms of the state
    elif before[0].start - s.span.start <= 2 and norm.count("，", before[0].end, at) <= 1 \
            and not r.contrast.search(norm[before[0].end:at]):
        chain = [before[0]]  # 长江存储上周被美国列入…: the sentence's subject, unless another took over
    elif (opening := next((x for x in before if x.start >= clause.start), None)) is not None \
            and opening.start - clause.start <= 2 and not r.own_firms_after.match(norm[opening.end:opening.end + 8]) \
            and not re.search(r"[，,]", norm[opening.end:at]) and not r.contrast.search(norm[opening.end:at]):
        chain = [opening]  # 2020年，中芯国际在川普政府执政时被列入…: the clause's subject
    else:
        chain = []
    return chain, agent, at


def _anaphoric_states(r: _Rules, lex: Lexicon, s: "_Sentence", clause: Span, trig, ok) -> list[str]:
    """The states a plural anaphor before the trigger stands for ("these countries", 这些国家):
    the last two or more named together earlier in the sentence."""
    if not r.plural_anaphora.search(s.norm[clause.start:trig.start]):
        return []
    earlier = [m for m in s.mentions if m.end <= clause.start and ok(m.actor_id)]
    if not earlier:
        return []
    chain = chain_before(r, s.norm, earlier[-1], earlier)
    for k in range(len(chain) - 1, 0, -1):  # 美国与日本和荷兰达成协议，让这些国家…: the partners
        if r.partner_marker.fullmatch(s.norm[chain[k - 1].end:chain[k].start]):
            chain = chain[k:]
            break
    states = sorted({m.actor_id for m in chain if lex.get(m.actor_id) is not None
                     and lex.get(m.actor_id).type == "Country"})
    return states if len(states) >= 2 else []


def _relative_sufferer(r: _Rules, lex: Lexicon, s: "_Sentence", clause: Span, trig):
    """The firm a passive relative clause qualifies (遭西方多国制裁的大华技术公司, 被美国列入
    黑名单的中芯国际): the measure's target, named right after the trigger and 的."""
    norm = s.norm
    if not is_cjk(trig.surface[:1]) or not r.passive.search(norm[clause.start:trig.start]):
        return None
    rest = re.match(r"[^，,。；;的]{0,4}的", norm[trig.end:clause.end])
    if rest is None:
        return None
    at = trig.end + rest.end()
    head = next((m for m in s.within(s.mentions, clause) if m.start >= at), None)
    if head is None or head.start - at > 2 or _can_issue(lex, head.actor_id, "ExportControl") \
            or getattr(lex.get(head.actor_id), "type", None) != "Organization":
        return _appositive_firm(r, lex, s, clause)
    return head


def _appositive_firm(r: _Rules, lex: Lexicon, s: "_Sentence", clause: Span):
    """投资深格灵（DeepGlint），这是一家被美国政府列入黑名单的中国公司: a clause that opens
    as an apposition (这是一家) describes the firm that ends the clause before it."""
    if not r.appositive_opener.match(s.norm, clause.start, clause.end):
        return None
    firm = next((m for m in reversed(s.mentions) if m.end <= clause.start), None)
    if firm is None or getattr(lex.get(firm.actor_id), "type", None) != "Organization" \
            or _can_issue(lex, firm.actor_id, "ExportControl") \
            or re.sub(r"[（(][^）)]*[）)]", "", s.norm[firm.end:clause.start]).strip(" ，,“”\"") != "":
        return None
    return firm


def _listed(r: _Rules, norm: str, mentions, clause: Span, trig) -> list:
    """The actors a designation puts on a list: between 将/把 and 列入 before the trigger
    (美国将长江存储等30多家中国芯片企业列入实体清单), or between "added" and "to" ("added
    YMTC and 35 other firms to the Entity List")."""
    text = norm[clause.start:trig.start]
    m = r.listing_span.search(text)
    if not m or (m.group(0)[:1].isascii() and trig.payload[0] != "named"):
        return []  # "added … to" lists only before a list's name ("China added that … sanctions")
    lo, hi = clause.start + m.start(1), clause.start + m.end(1)
    return [x for x in mentions if lo <= x.start and x.end <= hi and not _names_own_people(r, norm, x)]


def _joiners(r: _Rules, norm: str, before, partners, limit: int) -> set[str]:
    """Subjects that join a partner's measure: the subject chain before a "join" verb, and
    the partners named after it, all issue a measure of their own."""
    if not before:
        return set()
    subject = before[0]
    for hit in r.joins.find_all(*_twice(norm[subject.end:limit])):
        pos = subject.end + hit.end
        named = [m for m in partners if m.start >= pos]
        if not named:
            continue
        subjects = chain_after(r, norm, subject, before, subject.end + hit.start)
        if _said(r, norm, subject.end, subject.end + hit.start) or r.join_not_yet.search(
                norm[max(subject.end, subject.end + hit.start - 12):subject.end + hit.start]):
            return set()
        return {m.actor_id for m in subjects} | {m.actor_id for m in chain_after(r, norm, named[0], named, limit)}
    return set()


def _said(r: _Rules, norm: str, start: int, end: int) -> bool:
    return bool(_speech(r, norm[start:end]))


def _is_verb(r: _Rules, norm: str, trig) -> bool:
    """Whether the trigger is itself an issuing verb ("restrict", 限制): then the clause's
    subject before it enacts it."""
    return any(h.start == 0 and h.end == trig.end - trig.start for h in r.issuing.find_all(*_twice(norm[trig.start:trig.end])))


def _cue_openers(r: _Rules, norm: str, mentions) -> list[tuple]:
    """Pairs (x, m) where x opens the 对 phrase of m (美国对中国的制裁: the US, China)."""
    return [(x, m) for x in mentions for m in mentions
            if x.end <= m.start and r.subject_of_cue.fullmatch(norm, x.end, m.start)]


def _speech(r: _Rules, text: str) -> list:
    """The speech verbs of ``text`` (offsets kept), not those inside words that only look like
    one (说法, 方面对: 方面 + 对, no 面对)."""
    masked = r.not_speech.sub(lambda m: " " * len(m.group(0)), text)
    return r.speech.find_all(masked, masked)


def _zero_subject(r: _Rules, text: str) -> bool:
    """Whether ``text`` (right after a speech verb) opens a clause with no subject of its own
    that goes on to enact something (表示，将对美国实施…), so the speaker is its subject; not
    one that only notes a measure (表示，已注意到对中国企业的出口管制)."""
    rest = text.lstrip("，,：: ")
    opener = r.zero_subject.match(rest)
    if opener is None:
        return False
    verbs = r.issuing.find_all(rest[opener.end():], rest[opener.end():])
    return any(v.end - v.start >= 2 for v in verbs)


def _twice(norm: str) -> tuple[str, str]:
    """Normalized text as both the text and its normalization (no second pass)."""
    return norm, norm


def _enacts(r: _Rules, norm: str, start: int, end: int) -> bool:
    """An issuing verb ("imposed", 实施) between a subject and a trigger, after any speech
    verb: "China said it would impose curbs" enacts, "China criticized the curbs" does not."""
    gap = norm[start:end]
    issuing = r.issuing.find_all(gap, gap)
    if not issuing:
        return False
    speech = _speech(r, gap)
    return not speech or max(i.start for i in issuing) > max(x.end for x in speech) - 1


def _subject_issuers(r: _Rules, norm: str, before, candidates, limit: int) -> list:
    """The actor that enacts a measure whose trigger has no issuer of its own: the one
    standing before the last issuing verb (北京讨论如何应对美国政府公布的管制: the US), with
    those joined to it, else the subject of the clause. Where the subject only speaks of the
    measure (中方表示反对美方实施的管制, 毛宁指责其它国家对华采取限制), only an actor named
    after the speech verb, or the speaker's own "it"/我们, enacts it."""
    if not before:
        return []
    start = before[0].end
    speech = _speech(r, norm[start:limit])
    if speech:
        said_end = start + max(x.end for x in speech)
        urged = r.urging.find_all(*_twice(norm[start:limit]))
        if urged and start + max(x.end for x in urged) == said_end:
            return []  # 德国游说法国制裁俄罗斯: France is urged to, it enacts nothing yet
        later = [m for m in before if m.start >= said_end and not _firms_nationality(r, norm, m, before)]
        if later:
            before = later
        elif not r.self_reference.search(norm[said_end:limit]) and not _zero_subject(r, norm[said_end:limit]) \
                and not _zero_subject(r, re.split(r"[，,；;]", norm[said_end:limit])[-1]):
            # (表示，美光产品未通过审查，将禁止…: the last clause has no subject, the speaker's)
            return []
    issuing = r.issuing.find_all(*_twice(norm[before[0].end:limit]))
    if not issuing or not _enacts(r, norm, before[0].end, limit):
        return []
    verb = before[0].end + max(i.start for i in issuing)
    near = [m for m in candidates if m.end <= verb and m.start >= before[0].start]
    if near and r.filler.fullmatch(norm[near[-1].end:verb]):  # 美国政府最新公布的, 美国商务部宣布
        chain = chain_before(r, norm, near[-1], near)
        if all(m in before for m in chain) and chain[0] is not before[0]:
            return chain
    return chain_after(r, norm, before[0], before, limit)


def _is_partner(r: _Rules, norm: str, m, clause: Span) -> bool:
    """An actor named as a partner ("with the US", 联手美、德) is not the one who acts."""
    return bool(r.partner_before.search(norm[max(clause.start, m.start - 16):m.start]))


def chain_after(r: _Rules, norm: str, first, mentions, limit: int) -> list:
    """``first`` and the actors joined to it ("荷兰和日本", "the US and Japan")."""
    chain = [first]
    for m in mentions:
        if m.start < chain[-1].end or m.end > limit:
            continue
        if r.joiner.fullmatch(norm[chain[-1].end:m.start]) and norm[chain[-1].end:m.start].strip(" "):
            chain.append(m)
        else:
            break
    return chain


def chain_before(r: _Rules, norm: str, last, mentions) -> list:
    """``last`` and the actors joined to it from before ("Japan and the Netherlands")."""
    chain = [last]
    for m in sorted((m for m in mentions if m.end <= last.start), key=lambda m: -m.end):
        gap = norm[m.end:chain[-1].start]
        if gap.strip(" ") and r.joiner.fullmatch(gap):
            chain.append(m)
        else:
            break
    return chain[::-1]


def _masked(norm: str, span: Span, techs) -> str:
    """The sentence's normalized text with technology names blanked out (and a conjunction
    between two of them: "chip and AI curbs"), so they read as filler before a trigger."""
    chars = list(norm[span.start:span.end])
    spans = sorted((t.start - span.start, t.end - span.start) for t in techs)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    for (_, b), (c, _) in zip(spans, spans[1:]):
        if re.fullmatch(r"\s*(?:and|or|&|和|与|及|、|/)\s*", "".join(chars[b:c])):
            chars[b:c] = " " * (c - b)
    return "".join(chars)


# ----------------------------------------------------------------------------- extraction
def _just_before(s: "_Sentence", m, clause: Span) -> str:
    """The few characters before a mention within its clause."""
    return s.norm[max(clause.start, m.start - 8):m.start]


def _speaks_of_investment(r: _Rules, s: "_Sentence", clause: Span) -> bool:
    text = s.norm[clause.start:clause.end]
    return bool(r.investment_words.find_all(text, text))


def _blocked_deals(r: _Rules, lex: Lexicon, s: "_Sentence") -> list[_Mention]:
    """A state blocking a deal: an investment control against the buyer named between the
    blocking verb and the deal (英国政府将阻止中资企业安世半导体收购…)."""
    out = []
    text = s.norm[s.span.start:s.span.end]
    for m in r.blocked_deal.finditer(text):
        at, lo, hi = s.span.start + m.start(), s.span.start + m.start(1), s.span.start + m.end(1)
        clause = s.clause_of(at)
        if r.not_a_fact.find_all(*_twice(s.norm[clause.start:at])):
            continue
        before = [x for x in s.within(s.mentions, clause) if x.end <= at and _can_issue(lex, x.actor_id, "InvestmentControl")]
        if not before:
            continue
        issuer = before[-1]
        buyers = [x.actor_id for x in s.mentions if lo <= x.start and x.end <= hi
                  and x.actor_id not in own_side(lex, [issuer.actor_id])]
        out.append(_Mention("InvestmentControl", None, [issuer.actor_id], sorted(set(buyers)), set(), None, s.span))
    return out


def _joint_actions(r: _Rules, lex: Lexicon, s: "_Sentence") -> list[_Mention]:
    """States acting together against a third (还与日本和荷兰合作，切断中共获得…的渠道): a
    cooperation agreement of the sentence's acting state and the partners named between the
    partner word and the cue, aimed at the first actor the purpose names."""
    text = s.norm[s.span.start:s.span.end]
    out = []
    for pattern in (r.joint_en, r.joint_zh):
        for hit in pattern.finditer(text):
            lo, hi, end = (s.span.start + hit.start(1), s.span.start + hit.end(1), s.span.start + hit.end())
            clause = s.clause_of(s.span.start + hit.start())
            if r.not_a_fact.find_all(*_twice(s.norm[clause.start:s.span.start + hit.start()])):
                continue
            partners = [m.actor_id for m in s.mentions if lo <= m.start and m.end <= hi
                        and _can_issue(lex, m.actor_id, "ExportControl")]
            if not partners:
                continue
            acting = None  # the subject: the state (or a state's leader) opening the nearest clause before
            for c in reversed([c for c in s.clauses if c.start <= s.span.start + hit.start()]):
                opening = [m for m in s.within(s.mentions, c) if m.end <= s.span.start + hit.start()
                           and re.fullmatch(r"\s*(?:the\s+)?", s.norm[c.start:m.start]) and m.actor_id not in partners]
                actor = lex.get(opening[0].actor_id) if opening else None
                if actor is None:
                    continue
                if _can_issue(lex, actor.id, "ExportControl"):
                    acting = _leader_state(lex, actor.id) or state_of(lex, actor.id)
                break
            if acting is None:
                continue
            parties = sorted({acting} | {state_of(lex, a) for a in partners})
            if len(parties) < 2:
                continue
            mine = own_side(lex, parties)
            targets = [m.actor_id for m in s.mentions if end <= m.start and m.start - end <= 12
                       and m.actor_id not in mine and _can_be_targeted(lex, m.actor_id)][:1]
            techs = {t.payload for t in s.techs}
            out.append(_Mention("CooperationAgreement", None, parties, targets, techs, None, s.span))
    return out


def _urged(r: _Rules, s: "_Sentence", clause: Span, trig) -> bool:
    """Someone urged to enact the measure, named between an urging verb and the trigger
    (德国游说法国制裁俄罗斯, "the UK lobbied Canada to restrict exports"), or closing the clause
    before with the urging verb (敦促拜登政府，针对华为云…实施制裁): not a measure yet."""
    before = [c for c in s.clauses if c.end <= clause.start]
    if before:
        prev = before[-1]
        hits = r.urging.find_all(*_twice(s.norm[prev.start:prev.end]))
        if hits:
            after = prev.start + max(h.end for h in hits)
            urged = [m for m in s.within(s.mentions, prev) if m.start >= after]
            if urged and re.fullmatch(r"[\s，,:：]*", s.norm[urged[-1].end:clause.start]) \
                    and not r.issuing.find_all(*_twice(s.norm[after:urged[0].start])):
                return True
            if re.fullmatch(r"[\s，,:：]*", s.norm[after:clause.start]):
                return True  # 他们呼吁，白宫立即将鹏芯微列入黑名单: what the clause before urges
    hits = r.urging.find_all(*_twice(s.norm[clause.start:trig.start]))
    if not hits:
        return False
    after = clause.start + max(h.end for h in hits)
    if r.issuing.find_all(*_twice(s.norm[after:trig.start])):
        return False  # 呼吁美国解除川普对伊朗实施的制裁: the measure was enacted, by someone else
    return any(after <= m.start and m.end <= trig.start for m in s.within(s.mentions, clause))


def _not_a_fact(r: _Rules, norm: str, clause: Span, trig) -> bool:
    """A negation, denial or hypothetical before the trigger in its clause ("has no plans
    to", 如果, 否认), or a fear right after it (被列入实体清单的可能): the clause does not
    report a measure."""
    return bool(r.not_a_fact.find_all(*_twice(norm[clause.start:trig.start]))) \
        or norm[trig.end:trig.end + 8].lstrip("'’”」』\" ").startswith(r.not_a_fact_after)


def _conditional(r: _Rules, s: "_Sentence", clause: Span, trig) -> bool:
    """A measure enacted in a condition, or in its consequent (如果…，西方再反制; "If Japan
    joins, the US will impose new controls"): a condition opens before the trigger in its
    sentence, no contrast (但, "but") closes it, and the measure is enacted there (an issuing
    verb or an adverb of action before it in its clause), not named as what exists
    (可能使华为避开美国制裁)."""
    opened = None
    for opened in r.conditional.finditer(s.norm, s.span.start, trig.start):
        pass
    if opened is None or r.contrast.search(s.norm, opened.end(), trig.start):
        return False
    before = s.norm[max(clause.start, opened.end()):trig.start]
    return before.rstrip().endswith(r.action_adverbs) or bool(r.issuing.find_all(*_twice(before)))


def _by_state(lex: Lexicon, issuers: list[str]) -> list[list[str]]:
    """Issuers grouped by state: "export controls from the U.S., the Netherlands and Japan"
    are three measures; the Commerce Department and the United States are one issuer. A
    government body's state is added to it, so either name finds the measure."""
    groups: dict[str, set[str]] = {}
    for a in issuers:
        st = state_of(lex, a)
        groups.setdefault(st, set()).update({a, st})
    return [sorted(g) for _, g in sorted(groups.items())]


def _sentence_mentions(r: _Rules, lex: Lexicon, s: _Sentence, triggers, export_hits) -> list[_Mention]:
    found: list[_Mention] = []
    named_starts = [t.start for t in triggers if t.payload[0] == "named"]
    for trig in triggers:
        kind, value = trig.payload
        clause = s.clause_of(trig.start)
        if _not_a_fact(r, s.norm, clause, trig) or _conditional(r, s, clause, trig) \
                or (kind != "named" and _urged(r, s, clause, trig)):
            continue
        if kind != "named" and r.qualified.search(s.norm[trig.end:trig.end + 12].lstrip(" 的")):
            continue  # "export control expert", 出口管制听证会: a person or an event, no measure
        if kind != "named" and any(0 <= n - trig.end <= 4 and r.filler.fullmatch(s.norm[trig.end:n].strip("“”\"「《 "))
                                   for n in named_starts):
            continue  # 出口管制的“实体清单”, "export control Entity List": the words qualify the named measure
        if kind == "weak" and any(t is not trig and t.end <= trig.start and trig.start - t.end <= 12
                                  and r.head_gap.fullmatch(s.norm[t.end:trig.start]) for t in triggers):
            continue  # 国家安全护栏最终规则, "export control rules": the head noun of the measure just named
        techs = {t.payload for t in s.within(s.techs, clause)} or {t.payload for t in s.techs}
        status_hits = [x.payload for x in s.within(s.statuses, clause)] or [x.payload for x in s.statuses]
        status = next((st for st in _STATUS_ORDER if st in status_hits), None)
        listing = None
        if kind == "named":
            spec = r.named[value]
            ptype = spec["type"]
            own = _other_states_measure(r, lex, s, trig, spec)
            if own is not None:  # 欧盟晶片法案: the generic name with another state's before it
                value, spec, found_issuers = own
                if spec is None:
                    covers = techs | set(r.named[trig.payload[1]].get("covers") or [])
                    found.extend(_Mention(ptype, None, group, [], set(covers), status, s.span)
                                 for group in _by_state(lex, found_issuers))
                    continue
            if not spec.get("event"):
                issuers = sorted(spec.get("issuer") or [])
                targets = _roles(r, lex, s, trig, ptype)[1] if ptype in RESTRICTIVE + ("OtherPolicy",) else []
                targets = sorted((set(targets) | set(spec.get("targets") or [])) - own_side(lex, issuers))
                techs |= set(spec.get("covers") or [])
                found.append(_Mention(ptype, value, issuers, targets, techs, status, s.span))
                continue
            # a list (the Entity List): each designation is an event, its issuer and the
            # listed targets read from the sentence
            listing = value
            issuers, targets, _ = _roles(r, lex, s, trig, ptype)
            issuers = issuers or sorted(spec.get("issuer") or [])
            targets = sorted(set(targets) - own_side(lex, issuers))
        else:
            ptype = value
            issuers, targets, adjacent = _roles(r, lex, s, trig, ptype)
            roles = _compared_roles(r, lex, s, clause, trig, issuers, targets)
            if roles is None:
                continue  # a measure compared with the one just named, by an issuer not stated: not that one
            issuers, targets = roles
            if kind == "document":  # 《国务院关于印发…方案的通知》: the body named in the title issues it
                issuers = sorted({m.actor_id for m in s.mentions if trig.start <= m.start and m.end <= trig.end
                                  and _can_issue(lex, m.actor_id, ptype)}) or issuers
            if ptype == "ExportControl" and kind == "weak" and _speaks_of_investment(r, s, clause) \
                    and not s.within(export_hits, clause):
                ptype = "InvestmentControl"  # 限制…对中国企业的投资: a limit on investment
            on_firms = bool(targets) and all(
                lex.get(t) is not None and lex.get(t).type == "Organization" for t in targets)
            if ptype == "Sanction" and s.within(s.techs, clause) and not on_firms:
                ptype = "ExportControl"  # "U.S. sanctions on AI chips to China": the news' word for export controls
            elif ptype == "ExportControl" and on_firms and r.ban_words.search(normalize_chars(trig.surface)) \
                    and (not s.within(export_hits, clause) or _in_own_market(r, lex, s, clause, issuers)):
                # 中共禁美光芯片, 针对美光的芯片禁令, "a ban on Huawei": a measure against a company;
                # 禁止美光在中国销售: its sales in the issuer's own market, no export
                ptype = "Sanction"
            if kind == "weak" and not s.within(export_hits, clause) \
                    and not (techs and (targets or adjacent or issuers or len(triggers) > 1)) \
                    and not (targets and issuers):
                continue  # "new rules", "the lockdown": not a measure on technology
            if kind == "weak" and ptype == "ExportControl" and issuers and not targets and techs \
                    and not s.within(export_hits, clause) and not s.within(export_hits, s.span) \
                    and not any(_in_family(t, r.export_families) for t in techs):
                ptype = "OtherPolicy"  # "the EU considers a ban on facial recognition": a rule on use, not on exports
            elif kind == "weak" and ptype == "ExportControl" and not s.within(export_hits, clause) \
                    and r.movement_words.find_all(*_twice(s.norm[clause.start:clause.end])):
                ptype = "OtherPolicy"  # "limits on work visas for Chinese journalists": people, not goods
            bodies = {r.body_types[a] for a in issuers if a in r.body_types}
            if ptype in ("Sanction", "ExportControl") and len(bodies) == 1:
                ptype = bodies.pop()  # 美国商务部宣布制裁…实体: a designation, an export control
            if ptype == "CooperationAgreement" and issuers and not targets:
                # "达成协议，限制向中国出口": what the agreement restricts is said in the sentence
                targets = sorted({m.actor_id for c in s.clauses for m in s.within(s.mentions, c)
                                  if c.start > clause.start and r.directional.search(_just_before(s, m, c))
                                  and m.actor_id not in issuers} - own_side(lex, issuers))
            if ptype == "CooperationAgreement":
                # a state named only right before one of its firms (台湾力德信息科技公司) is the
                # firm's nationality, no party
                firms_at = {m.start for m in s.mentions if getattr(lex.get(m.actor_id), "type", None) == "Organization"
                            and not _can_issue(lex, m.actor_id, "ExportControl")}
                as_party = {m.actor_id for m in s.mentions
                            if m.end not in firms_at and not (s.norm[m.end:m.end + 1] == "的" and m.end + 1 in firms_at)}
                named = {m.actor_id for m in s.mentions}
                issuers = [a for a in issuers if a in as_party or a not in named]
                # an agreement has two parties at least (with one, the sentence does not say whose),
                # and a state or public body among them: a contract between firms is no policy
                if len(issuers) < 2 or not any(_can_issue(lex, a, "ExportControl") for a in issuers):
                    continue
                if len({state_of(lex, a) for a in issuers}) < 2:
                    continue  # 商务部和国防部发布了一份备忘录: one state's bodies, no agreement between parties
        if ptype == "Subsidy" and kind != "named" and not r.beneficiaries.find_all(
                *_twice(s.norm[s.span.start:s.span.end])) and not any(
                getattr(lex.get(m.actor_id), "type", None) == "Organization" and not _can_issue(lex, m.actor_id, ptype)
                for m in s.mentions):
            ptype = "IndustrialPolicy"  # subsidies for a whole industry, no firm named: a plan, not money for a firm
        if ptype in ("Subsidy", "IndustrialPolicy"):
            targets = []  # a plan or a subsidy has beneficiaries, not targets
        coordinated = _coordinated_goods(r, s, trig) if ptype == "InvestmentControl" and issuers else None
        if coordinated is not None:
            # "restrictions on investment, AI chips": the goods coordinated with the investment
            # are restricted too, an export control of the same issuers
            for group in _by_state(lex, issuers):
                found.append(_Mention("ExportControl", None, group, sorted(set(targets) - own_side(lex, group)),
                                      {coordinated}, status, s.span))
        if ptype == "CooperationAgreement" or not issuers:
            found.append(_Mention(ptype, None, issuers, targets, techs, status, s.span, listing=listing))
            continue
        for group in _by_state(lex, issuers):
            found.append(_Mention(ptype, None, group, sorted(set(targets) - own_side(lex, group)), set(techs),
                                  status, s.span, listing=listing))
    # within a sentence: a mention without issuer belongs to one of the same type with one
    merged: list[_Mention] = []
    for m in found:
        if not m.issuers and not m.named:
            host = next((o for o in merged if o.type == m.type and o.issuers), None) or next(
                (o for o in found if o is not m and o.type == m.type and o.issuers), None)
            if host is None and m.type in RESTRICTIVE:
                # "the US review of outbound investment and further curbs on AI chips": a
                # restrictive measure coordinated with another takes its issuer
                other = next((o for o in found if o is not m and o.type in RESTRICTIVE and o.issuers
                              and not o.named), None)
                if other is not None:
                    merged.append(_Mention(m.type, None, list(other.issuers),
                                           sorted(set(m.targets) - own_side(lex, other.issuers)),
                                           set(m.covers), m.status, m.sentence))
                elif (nid := _named_by_items(r, lex, m)) is not None:
                    # "the export restrictions on gallium and germanium": the one named measure
                    # on those items, whose issuer the lexicon knows
                    issuers = sorted(r.named[nid].get("issuer") or [])
                    merged.append(_Mention(m.type, nid, issuers, sorted(set(m.targets) - own_side(lex, issuers)),
                                           set(m.covers), m.status, m.sentence))
                continue
            if host is None:
                continue
            host.targets = sorted((set(host.targets) | set(m.targets)) - own_side(lex, host.issuers))
            host.covers |= m.covers
            continue
        same = next((o for o in merged if (o.named, o.listing, o.type, o.issuers) ==
                     (m.named, m.listing, m.type, m.issuers)), None)
        if same:
            same.targets = sorted(set(same.targets) | set(m.targets))
            same.covers |= m.covers
            same.status = same.status or m.status
        else:
            merged.append(m)
    # a restrictive measure without target takes the one its neighbours of the same type name
    for m in merged:
        if m.type in RESTRICTIVE and not m.targets:
            others = {t for o in merged if o is not m and o.type == m.type for t in o.targets} - own_side(lex, m.issuers)
            if others:
                m.targets = sorted(others)
                m.inherited |= others
    return merged


def _comparison_opens(r: _Rules, s: "_Sentence", clause: Span, trig) -> Optional[int]:
    """Where a comparison with an earlier measure of the clause opens, when ``trig`` is the
    measure it compares with (荷兰的限制与…实施的限制相当; "the Dutch curbs are similar to the
    restrictions imposed on…"); else None."""
    earlier = [t for t in s.triggers if clause.start <= t.start and t.end <= trig.start]
    if not earlier:
        return None
    lo = earlier[-1].end
    if is_cjk(trig.surface[:1]):
        if not r.compare_close_zh.match(s.norm, trig.end, clause.end):
            return None
        opens = list(r.compare_open_zh.finditer(s.norm, lo, trig.start))
    else:
        opens = list(r.compare_open_en.finditer(s.norm, lo, trig.start))
    return opens[-1].end() if opens else None


def _compared_roles(r: _Rules, lex: Lexicon, s: "_Sentence", clause: Span, trig, issuers, targets) -> Optional[tuple[list, list]]:
    """Roles apart for measures compared with each other (荷兰的限制与对美国公司实施的限制相当):
    None when ``trig`` is the compared one and its only issuers are named before the
    comparison opens, or it has none and a state is named there (the other measure's: this
    one's issuer is not stated); else the roles,
    without the actors named after the opening when ``trig`` is the issued measure compared
    with a later one. A comparison of two measures no actor issues leaves the roles alone."""
    opened = _comparison_opens(r, s, clause, trig)
    if opened is not None:
        before = {m.actor_id for m in s.within(s.mentions, clause) if m.end <= opened}
        after = {m.actor_id for m in s.within(s.mentions, clause) if m.start >= opened}
        if all(a in before and a not in after for a in issuers) and (issuers or any(
                getattr(lex.get(a), "type", None) == "Country" for a in before)):
            s.compared.append(Span(opened, clause.end, ""))
            return None
    if not issuers:
        return issuers, targets
    for later in s.triggers:
        if later.start < trig.end or later.end > clause.end:
            continue
        opened = _comparison_opens(r, s, clause, later)
        if opened is not None and opened > trig.end:
            before = {m.actor_id for m in s.within(s.mentions, clause) if m.end <= opened}
            targets = [a for a in targets if a in before]
            break
    return issuers, targets


def _other_states_measure(r: _Rules, lex: Lexicon, s: "_Sentence", trig, spec):
    """A named measure whose name is generic ("Chips Act", 晶片法案) with another state or its
    body right before it (欧盟晶片法案, "Japan's Chips Act"): that state's own measure, the named
    one it has if any (its id and spec), else an unnamed one of the same type (None and its
    issuers). None when the name is the measure's own."""
    fixed = spec.get("issuer")
    if not fixed or spec.get("event"):
        return None
    clause = s.clause_of(trig.start)
    adjacent = _chain_before(r, s.masked, s.span.start, trig.start, s.within(s.mentions, clause), clause,
                             lambda a: _can_issue(lex, a, spec["type"]))
    adjacent = [m for m in adjacent if not (is_cjk(trig.surface[:1]) and is_target(r, s.norm, m, clause))]
    if not adjacent:  # 欧盟公布《芯片法案》: the clause's subject, with an issuing verb
        before = [m for m in s.within(s.mentions, clause) if m.end <= trig.start
                  and _can_issue(lex, m.actor_id, spec["type"]) and not is_target(r, s.norm, m, clause)]
        adjacent = _subject_issuers(r, s.norm, before, before, trig.start)
        if adjacent and not r.publishing.find_all(*_twice(s.norm[adjacent[-1].end:trig.start])):
            adjacent = []
    acting = sorted({_leader_state(lex, m.actor_id) or m.actor_id for m in adjacent})  # 拜登: the United States
    states = {state_of(lex, a) for a in acting}
    if not adjacent or states & {state_of(lex, a) for a in fixed}:
        return None
    for nid, other in r.named.items():
        if other["type"] == spec["type"] and not other.get("event") and other.get("issuer") \
                and {state_of(lex, a) for a in other["issuer"]} == states:
            return nid, other, list(other["issuer"])
    return None, None, acting


def _coordinated_goods(r: _Rules, s: "_Sentence", trig) -> Optional[str]:
    """The goods named right after an investment measure and coordinated with it
    ("restrictions on investment, AI chips", 限制投资和芯片): an exported technology."""
    co = r.coordination.match(s.norm, trig.end)
    if not co:
        return None
    near = [t for t in s.techs if co.end() <= t.start <= co.end() + 12 and _in_family(t.payload, r.export_families)
            and re.fullmatch(r"(?:[a-z-]+\s+){0,2}|[^\s，,。；;]{0,4}", s.norm[co.end():t.start])]
    return near[0].payload if near else None


def _in_family(tech: str, families) -> bool:
    """``tech`` is one of ``families`` or narrower than one."""
    techs, seen = load_technologies(), set()
    while tech and tech not in seen:
        if tech in families:
            return True
        seen.add(tech)
        tech = techs.get(tech, {}).get("broader")
    return False


def _named_by_items(r: _Rules, lex: Lexicon, m: _Mention) -> Optional[str]:
    """The one named measure of one state, of a mention's type, that covers all of an
    issuer-less mention's specific items ("the export restrictions on gallium and germanium
    took effect": China's gallium and germanium controls, whose issuer the lexicon knows);
    None when no or several measures cover them."""
    if m.listing or m.type not in RESTRICTIVE:
        return None
    specific = {t for t in m.covers if load_technologies().get(t, {}).get("broader")}
    found = [nid for nid, spec in r.named.items() if not spec.get("event") and spec["type"] == m.type
             and len({state_of(lex, a) for a in spec.get("issuer") or []}) == 1
             and specific and specific <= set(spec.get("covers") or [])]
    return found[0] if len(found) == 1 else None


def _absorbed_by(r: _Rules, lex: Lexicon, m: _Mention) -> Optional[str]:
    """The named measure an unnamed mention reports: same type, same issuing states, and a
    specific technology of the named measure ("China restricts exports of gallium" is
    China's gallium and germanium controls). Broad technologies (semiconductors) say too
    little to tell one measure from another."""
    if m.listing or not m.issuers:
        return None
    states = {state_of(lex, a) for a in m.issuers}
    specific = {t for t in m.covers if load_technologies().get(t, {}).get("broader")}
    for nid, spec in r.named.items():
        if spec.get("event") or spec["type"] != m.type:
            continue
        if {state_of(lex, a) for a in spec.get("issuer") or []} != states:
            continue
        if specific & set(spec.get("covers") or []):
            return nid
    return None


def find_policies(text: str, mentions, lex: Lexicon, headline: bool = True) -> list[ArticlePolicy]:
    """The policies ``text`` reports, given its actor mentions (offsets into ``text``);
    ``headline`` says whether the text's first line is a headline (a derived one is not)."""
    r = rules()
    norm = normalize_chars(text)
    triggers = r.triggers.find(text, norm)
    any_deal = bool(r.blocked_deal.search(norm))
    any_joint = any(w in norm for w in r.joint_cue_words) and bool(r.joint_zh.search(norm) or r.joint_en.search(norm))
    if not triggers and not any_deal and not any_joint and "《" not in norm and "“" not in norm:
        return []
    actor_spans = [(m.start, m.end) for m in mentions]
    free = {id(t) for t in _not_overlapping(triggers, actor_spans)}
    mentions = _without_outlets_nationality(lex, norm, mentions)
    mentions = _with_subject_pronouns(r, lex, text, norm, mentions)
    triggers = [t for t in triggers if t.payload[0] == "named" or id(t) in free]
    # 《新一代人工智能发展规划》: a plan document, one trigger over its whole title
    for doc in r.plan_document.finditer(norm):
        booked = doc.group(1) is not None  # 《…》, else “…”
        g = 1 if booked else 2
        lo, hi, title = doc.start(g), doc.end(g), doc.group(g)
        if any(t.payload[0] == "named" and lo <= t.start and t.end <= hi for t in triggers):
            continue  # 《芯片与科学法案》: the named act itself
        names_actor = any(lo <= a < hi for a, _ in actor_spans)
        if not booked and names_actor:
            continue  # “这将防止中共利用美国技术推进其军事现代化计划”: a quotation naming actors, no title
        on_industry = r.industry_words.search(title) or technology_matcher().find(title, title)
        if on_industry or (booked and title.endswith(r.act_ends) and not names_actor):
            triggers = [t for t in triggers if not (lo <= t.start and t.end <= hi)]
            triggers.append(Phrase(lo, hi, text[lo:hi], ("document", "IndustrialPolicy" if on_industry else "OtherPolicy")))
    triggers.sort(key=lambda t: (t.start, t.end))
    techs = technology_matcher().find(text, norm)
    statuses = r.status.find(text, norm)
    export_hits = r.export_words.find(text, norm)
    # each sentence takes its own items by offset, never scanning the article's (linear time)
    by_trig, by_mention = _ByStart(triggers), _ByStart(mentions)
    by_tech, by_status, by_export = _ByStart(techs), _ByStart(statuses), _ByStart(export_hits)
    by_key: dict[tuple, list[ArticlePolicy]] = {}
    # states named as a target somewhere ("controls … against China"), not as the adjunct of a
    # measure right after them ("tumble on U.S. export curbs": the US's curbs)
    trig_starts = sorted(t.start for t in triggers)

    def adjunct(m) -> bool:
        k = bisect.bisect_left(trig_starts, m.end)
        return k < len(trig_starts) and bool(re.fullmatch(r"\s*(?:[a-z-]+\s+){0,2}", norm[m.end:trig_starts[k]]))

    cued = frozenset(m.actor_id for m in mentions if getattr(lex.get(m.actor_id), "type", None) == "Country"
                     and is_target(r, norm, m, Span(max(0, m.start - 16), min(len(norm), m.end + 24), ""))
                     and not adjunct(m))
    compared: list[Span] = []  # a compared measure's actors imply no target of the other
    for span in sentences(text):
        trig_here = by_trig.inside(span.start, span.end)
        deal = any_deal and r.blocked_deal.search(norm, span.start, span.end)
        joint = any_joint and bool(r.joint_zh.search(norm, span.start, span.end) or r.joint_en.search(norm, span.start, span.end))
        if not trig_here and not deal and not joint:
            continue
        s = _Sentence(span, norm, by_mention.inside(span.start, span.end), by_tech.inside(span.start, span.end),
                      by_status.inside(span.start, span.end), cued, trig_here)
        found = _sentence_mentions(r, lex, s, trig_here, by_export.inside(span.start, span.end)) if trig_here else []
        if deal:
            found += _blocked_deals(r, lex, s)
        if joint:
            found += _joint_actions(r, lex, s)
        compared += s.compared
        for m in found:
            m.named = m.named or _absorbed_by(r, lex, m)
            # one measure per issuing state: "the Commission's ban" and "the EU's ban" are one
            states = tuple(sorted({state_of(lex, a) for a in m.issuers})) if m.type != "CooperationAgreement" \
                else tuple(m.issuers)
            key = (m.named or m.listing or "", m.type, states)
            # the same issuer's measure against someone else is another measure ("Japan's curbs
            # on China" and "Japan lifted its curbs on South Korea")
            ap = next((o for o in by_key.get(key, []) if m.named or not m.targets or o.targets & set(m.targets)), None)
            if ap is None:
                ap = ArticlePolicy(m.type, tuple(m.issuers), m.named, listing=m.listing)
                by_key.setdefault(key, []).append(ap)
            elif not m.named:
                ap.issuers = tuple(sorted(set(ap.issuers) | set(m.issuers)))
            ap.targets |= set(m.targets)
            ap.covers |= m.covers
            if m.status:
                ap.statuses.append(m.status)
            ap.sentences.append(m.sentence)
            how = "named" if m.named else "explicit"
            if not m.named:  # a named measure's issuers come from the lexicon, not this sentence
                for a in m.issuers:
                    ap.evidence.append(Evidence("issuedBy", a, m.sentence, 0.75, how))
            for a in m.targets:
                inherited = a in m.inherited
                ap.evidence.append(Evidence("targets", a, m.sentence, 0.55 if inherited else 0.75,
                                            "inherited" if inherited else how))
    # loose words folded before implied targets are read and again after ("sanctions" named
    # with no target, or with the target implied for the export controls, are those controls)
    head = sentences(text)[0] if headline and text else None
    policies = _fold(lex, [ap for aps in by_key.values() for ap in aps], head)
    for ap in policies:
        if ap.type in RESTRICTIVE and not ap.targets and ap.issuers and not ap.named:
            _implied_target(r, norm, lex, ap, policies, mentions, text if headline else "", compared)
    policies = _fold(lex, policies, head)
    policies += _joined_policies(r, lex, norm, text, mentions, policies)
    for ap in policies:  # people are sanctioned; export and investment rules name no person
        people = {t for t in ap.targets if ap.type != "Sanction" and getattr(lex.get(t), "type", None) == "Person"}
        if people:
            ap.targets -= people
            ap.evidence = [e for e in ap.evidence if not (e.role == "targets" and e.actor_id in people)]
    return sorted(_consolidate(lex, policies), key=lambda p: (p.sentences[0].start, p.key))


def _with_subject_pronouns(r: _Rules, lex: Lexicon, text: str, norm: str, mentions) -> list:
    """``mentions`` and, for each pronoun subject ("…: It imposed export controls"), a mention
    of the issuer its sentence (or, when it opens the sentence, the sentence before) opens
    with: the first mention, within a few words of the sentence's start, of a state, one of
    its bodies or a leader."""
    if not any(w in norm for w in ("it ", "they ")) or not r.subject_pronoun.search(norm):
        return mentions
    from .actors import Mention

    spans = sentences(text)  # (the article's own split, kept by sentences' cache for its loop)
    starts = [sp.start for sp in spans]
    ordered = sorted(mentions, key=lambda m: m.start)
    firsts = [m.start for m in ordered]

    def opener(sp: Span):
        k = bisect.bisect_left(firsts, sp.start)
        if k < len(ordered) and ordered[k].end <= sp.end and len(norm[sp.start:ordered[k].start].split()) <= 3 \
                and _can_issue(lex, ordered[k].actor_id, "ExportControl"):
            return ordered[k]
        return None

    extra = []
    for hit in r.subject_pronoun.finditer(norm):
        word = re.search(r"[a-z]+", norm[hit.start():hit.end()])
        lo, hi = hit.start() + word.start(), hit.start() + word.end()
        i = bisect.bisect_right(starts, lo) - 1
        if i < 0:
            continue
        own = spans[i]
        subject = opener(own) if norm[own.start:lo].strip() else (opener(spans[i - 1]) if i > 0 else None)
        if subject is not None and subject.start < lo:
            extra.append(Mention(subject.actor_id, lo, hi, norm[lo:hi], "anaphor", 0.6))
    return sorted(mentions + extra, key=lambda m: (m.start, m.end)) if extra else mentions


def _joined_policies(r: _Rules, lex: Lexicon, norm: str, text: str, mentions, policies) -> list[ArticlePolicy]:
    """States that join another's policy ("荷兰和日本加入美国政策", "Japan joined the US
    effort") each enact a measure of the kind the article reports of the one they join,
    against the same targets."""
    out: list[ArticlePolicy] = []
    restrictive = [ap for ap in policies if ap.type in RESTRICTIVE and not ap.named and ap.issuers]
    if not restrictive:
        return out
    hits = r.joins.find_all(norm, norm)
    if not hits:
        return out
    by_hit, by_mention = _ByStart(hits), _ByStart(mentions)
    for span in sentences(text):
        in_span = by_hit.inside(span.start, span.end)
        if not in_span:
            continue
        here = by_mention.inside(span.start, span.end)
        for hit in in_span:
            at, end = hit.start, hit.end
            partner = next((m for m in here if m.start >= end and re.fullmatch(r"\s*(?:the\s+)?", norm[end:m.start])), None)
            if partner is None or not r.join_objects.match(norm, partner.end):
                continue
            if r.join_not_yet.search(norm[max(span.start, at - 12):at]):
                continue  # "同意加入", "agreed in principle to join": no measure of its own yet
            lead = next((ap for ap in restrictive if state_of(lex, partner.actor_id) in
                         {state_of(lex, a) for a in ap.issuers}), None)
            before = [m for m in here if m.end <= at and _can_issue(lex, m.actor_id, "ExportControl")]
            if lead is None or not before:
                continue
            for m in chain_before(r, norm, before[-1], before):
                if state_of(lex, m.actor_id) in {state_of(lex, a) for ap in policies for a in ap.issuers
                                                 if ap.type == lead.type and not ap.named}:
                    continue  # the article already reports this state's own measure
                ap = ArticlePolicy(lead.type, (m.actor_id,), targets=set(lead.targets) - own_side(lex, [m.actor_id]))
                ap.sentences.append(span)
                ap.evidence.append(Evidence("issuedBy", m.actor_id, span, 0.6, "explicit"))
                for t in sorted(ap.targets):
                    ap.evidence.append(Evidence("targets", t, span, 0.5, "inherited"))
                out.append(ap)
    return out


def _consolidate(lex: Lexicon, policies: list[ArticlePolicy]) -> list[ArticlePolicy]:
    """An issuer's measures of one type that now share a target (an implied one included)
    are one; one that names no target belongs to its only sibling."""
    def key(ap):
        return (ap.named or ap.listing or "", ap.type, tuple(sorted({state_of(lex, a) for a in ap.issuers})))

    out: list[ArticlePolicy] = []
    for ap in policies:
        siblings = [o for o in out if key(o) == key(ap)]
        host = next((o for o in siblings if o.targets & ap.targets), None)
        if host is None and (not ap.targets or any(not o.targets for o in siblings)) and len(siblings) == 1:
            host = siblings[0]
        if host is None:
            out.append(ap)
            continue
        host.absorb(ap)
    return out


def _fold(lex: Lexicon, policies: list[ArticlePolicy], head: Optional[Span] = None) -> list[ArticlePolicy]:
    """One article's loose words for one measure made one: the "sanctions" of an issuer
    whose export controls the article reports against the same targets are those controls
    (美国制裁 in an article on the US chip rules); a subsidy of an issuer whose named act the
    article reports is that act's money (CHIPS Act funding); a headline's measure (``head``)
    is the one named measure of its issuer and type the article reports ("China bans key
    metal exports to US" over the gallium and germanium controls)."""
    def states(ap):
        return {state_of(lex, a) for a in ap.issuers}

    out = []
    for ap in policies:
        host = None
        if ap.type == "Sanction" and not ap.named and not ap.listing and ap.issuers:
            host = next((o for o in policies if o.type == "ExportControl" and not o.named and not o.listing
                         and states(o) == states(ap) and (not ap.targets or ap.targets <= o.targets)), None)
            if host is None and ap.targets and all(getattr(lex.get(t), "type", None) == "Organization" for t in ap.targets):
                # "sanctions" on firms that the one list designation of that state reported holds:
                # that designation (美国最新制裁限制SMEE… beside SMEE's listing)
                listed = [o for o in policies if o.listing and o.type == "ExportControl"
                          and states(o) == states(ap) and ap.targets <= o.targets]
                host = listed[0] if len(listed) == 1 else None
        elif ap.type == "Subsidy" and not ap.named and ap.issuers:
            host = next((o for o in policies if o.named and o.type in ("IndustrialPolicy", "Subsidy")
                         and {state_of(lex, a) for a in rules().named[o.named].get("issuer") or []} == states(ap)
                         and ap.covers & set(rules().named[o.named].get("covers") or [])), None)
        elif ap.type in RESTRICTIVE and not ap.named and not ap.listing and ap.issuers:
            host = _named_host(lex, ap, policies)
            if host is None and ap.type == "ExportControl" and not ap.targets and not ap.covers:
                # 中共禁令是否会影响该公司: a bare ban of the state whose one measure the article
                # reports is a sanction on a firm (the Micron ban) is that sanction
                mine = [o for o in policies if o is not ap and o.type in RESTRICTIVE and states(o) == states(ap)]
                if len(mine) == 1 and mine[0].type == "Sanction" and mine[0].targets and not mine[0].named:
                    host = mine[0]
            if host is None and head is not None and all(sp == head for sp in ap.sentences):
                named = [o for o in policies if o.named and o.type == ap.type
                         and {state_of(lex, a) for a in rules().named[o.named].get("issuer") or []} == states(ap)]
                host = named[0] if len(named) == 1 else None
        if host is None and ap.type == "Sanction" and not ap.named and not ap.listing and ap.issuers and ap.targets:
            if _spread(lex, ap, [o for o in policies if o is not ap and o.type == "ExportControl"
                                 and states(o) == states(ap) and o.targets & ap.targets]):
                continue
        if host is None:
            out.append(ap)
            continue
        host.absorb(ap, issuers=not host.named)
    return out


def _spread(lex: Lexicon, ap: ArticlePolicy, hosts) -> bool:
    """A state's "sanctions" on firms that the article's export controls and list designations
    of that state each name (受美国制裁…其中包括科大讯飞、云从科技和寒武纪, each listed in its
    round): the news' word for those measures. Each measure takes the sentence and the targets
    it holds; False (nothing taken) when some target is in none of them."""
    if not hosts or not ap.targets <= set().union(*(o.targets for o in hosts)) \
            or any(ap.targets <= o.targets for o in hosts):
        return False  # (a sanction on what one measure holds is that measure's, or its own)
    for o in hosts:
        mine = ap.targets & o.targets
        o.sentences += ap.sentences
        o.statuses += ap.statuses
        o.evidence += [e for e in ap.evidence if (e.role == "targets" and e.actor_id in mine)
                       or (e.role == "issuedBy" and not o.named)]
    return True


def _named_host(lex: Lexicon, ap: ArticlePolicy, policies) -> Optional[ArticlePolicy]:
    """The one named measure an unnamed restrictive one is a loose mention of: of its type,
    enacted by its issuing state (the lexicon's issuer), with no target and no technology it
    does not have (中共对镓和锗实施出口管制 … 中方已批准若干出口许可: the gallium controls'
    licences), or the one list designation an unnamed blacklisting of firms is. None when
    the article reports two such measures."""
    r = rules()
    home = {state_of(lex, a) for a in ap.issuers}
    hosts = [o for o in policies if o.named and o.type == ap.type
             and {state_of(lex, a) for a in r.named[o.named].get("issuer") or []} == home
             and ap.targets <= o.targets
             and ap.covers <= (o.covers | set(r.named[o.named].get("covers") or []))]
    # firms put on a blacklist by the state whose list the article reports them put on (长江存储
    # 被列入美国商务部黑名单 … 被移至“实体清单”): that list's designation
    if ap.targets and all(getattr(lex.get(t), "type", None) == "Organization" for t in ap.targets):
        hosts += [o for o in policies if o.listing and not o.named and o.type == ap.type
                  and {state_of(lex, a) for a in o.issuers} == home and ap.targets <= o.targets]
    return hosts[0] if len(hosts) == 1 else None


def _without_outlets_nationality(lex: Lexicon, norm: str, mentions) -> list:
    """The mentions without a state written right before a news outlet (英国《金融时报》报导,
    "Britain's Financial Times"): the outlet's nationality, neither issuer nor target."""
    out = []
    for i, m in enumerate(mentions):
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        actor = lex.get(m.actor_id)
        if nxt is not None and actor is not None and actor.type == "Country" \
                and "NewsMediaOrganization" in getattr(lex.get(nxt.actor_id), "types", ()) \
                and re.fullmatch(r"\s*(?:的|['’]s)?\s*[《「“\"]?\s*", norm[m.end:nxt.start]):
            continue
        out.append(m)
    return out


def _implied_target(r: _Rules, norm: str, lex: Lexicon, ap: ArticlePolicy, policies, mentions, text: str,
                    compared=()) -> None:
    """The target a restrictive measure's article plainly implies when it names none: the
    one other state its sentences name ("China's chip industry set for deep pain from US
    export controls"); else the one target the article's other measures of its type name;
    else the one other state the article's headline (its first sentence) names."""
    # neither its own side nor the issuers of the article's parallel measures ("export
    # controls from the U.S., Netherlands, Japan": none targets another)
    mine = own_side(lex, ap.issuers) | own_side(lex, [i for o in policies if o.type == ap.type for i in o.issuers])

    # a state written right before one of its firms is the firm's nationality (韩国三星), not a party
    firm_starts = {m.start for m in mentions if lex.get(m.actor_id) is not None and lex.get(m.actor_id).type == "Organization"}
    by_start = sorted(mentions, key=lambda m: m.start)
    starts = [m.start for m in by_start]

    def states(spans) -> set[str]:
        near = [m for sp in spans  # the mentions starting in the spans, found by offset
                for m in by_start[bisect.bisect_left(starts, sp.start):bisect.bisect_left(starts, sp.end)]]
        # a state joined to one of the issuers that issues a measure of its own here (美英制裁:
        # the UK's and the US's) is a co-issuer, no target (中美科技战 joins no issuer)
        issuing = [m for m in near if m.actor_id in ap.issuers]
        joined = {m.actor_id for m in near for i in issuing if m.actor_id in others_issuing
                  and re.fullmatch(r"[、,，和与及\s]*", norm[m.end:i.start] if m.end <= i.start else norm[i.end:m.start])}
        return {m.actor_id for m in near
                if m.actor_id not in mine and m.actor_id not in joined and not r.time_zone.match(norm, m.end) and (lex.get(m.actor_id) is not None and lex.get(m.actor_id).type == "Country")
                and not _names_own_people(r, norm, m) and m.end not in firm_starts
                and not any(c.start <= m.start < c.end for c in compared)}

    others_issuing = {a for o in policies if o is not ap and o.type in RESTRICTIVE for a in o.issuers}
    first = sentences(text)[:1] if text else ()
    home = {state_of(lex, a) for a in ap.issuers}
    tiers = (lambda: states(ap.sentences),
             # another measure's target, unless it is a firm of the issuer's own state (a US
             # listing of YMTC says nothing of whom China's countermeasures target)
             lambda: {t for o in policies if o is not ap and o.type == ap.type for t in o.targets
                      if lex.get(t) is None or lex.get(t).based_in not in home} - mine,
             lambda: states(first))  # the headline's one other state ("China's chip industry set for deep pain")
    for tier in tiers:
        candidates = tier()
        if len(candidates) == 1:
            (target,) = candidates
            ap.targets.add(target)
            ap.evidence.append(Evidence("targets", target, ap.sentences[0], 0.5, "inherited"))
            return


@register("policies", produces=("schema:mentions", "kg:Policy", "kg:issuedBy", "kg:targets", "kg:covers", "kg:status"))
def extract_policies(ctx, doc, node) -> list[ArticlePolicy]:
    """Find the article's policies. They are written after all articles are read, when
    mentions of one measure across articles are merged (:func:`kg.policies.add_policies`)."""
    doc.policies = find_policies(doc.text, doc.mentions, ctx.lex, headline=bool(doc.headline and not doc.headline_derived))
    return doc.policies
