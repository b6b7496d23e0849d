"""Relations between actors, each with the sentence it was read from.

Four readings, all rules in ``ontology/relations.yaml``:

* **cues** (urges, criticizes, cooperatesWith, acquires): a cue word in a clause, the
  subject that opens the clause before it and the object after it ("China urges Japan",
  中方敦促美方), or for cooperation every party of the clause ("荷兰和日本官员同意加入美国的
  行动"). "Both sides" / 双方 stand for the parties of the clause before.
* **restricts**: from each restrictive policy the article reports, its issuers restrict its
  targets, in the sentence that names the target.
* **appositions**: a job title between an organization or state and a person
  ("中国外交部发言人华春莹") makes ``affiliatedWith``; a descriptor between a state and a
  company ("Dutch chipmaker ASML", 比利时研究公司imec) or a cue ("所在地", "based in")
  makes ``basedIn``.
* **lexicon**: where one sentence names two actors the lexicon relates (ASML and the
  Netherlands), the relation is asserted from that sentence at a lower confidence.

Each relation is a direct triple plus a ``kg:Assertion`` in the article's named graph.
"""
from __future__ import annotations

import bisect
import re
import weakref
from dataclasses import dataclass
from functools import lru_cache

from ..graph import add_assertion
from ..lexicon import Lexicon
from ..resources import load_yaml
from ..terms import kg
from ..text import is_cjk, normalize_chars
from . import register
from .phrases import PhraseMatcher, words_regex
from .policies import RESTRICTIVE, _names_own_people, chain_after, chain_before, is_target, state_of
from .policies import rules as policy_rules
from .sentences import LazyClauses, Span, sentences

__all__ = ["Relation", "find_relations"]

CONFIDENCE = {"agreement": 0.75, "cue": 0.75, "apposition": 0.85, "title": 0.7, "descriptor": 0.8, "based-in-cue": 0.75, "lexicon": 0.6,
              "restricts": 0.7, "restricts-implied": 0.5}


@dataclass(frozen=True)
class Relation:
    subject: str
    predicate: str
    object: str
    sentence: Span
    confidence: float
    extractor: str


#: what ends a clause inside a sentence
_CLAUSE_MARKS = frozenset("，,；;：:")

#: a transliterated given name and its dot, right before a surname
_GIVEN_NAME = re.compile(r"[\u4e00-\u9fff]{1,5}[·‧•・]$")


def _token_set_regex(words: list[str], extra: str = "") -> re.Pattern:
    """A gap made only of these words (Latin words whole), white space and ``extra``."""
    alts = "|".join(sorted({re.escape(normalize_chars(w)) for w in words}, key=len, reverse=True))
    return re.compile(rf"(?:\s+|(?<![a-z0-9])(?:{alts})(?![a-z0-9]){extra})*")


class _Rules:
    def __init__(self) -> None:
        data = load_yaml("relations.yaml")
        self.cues_spec = data["cues"]
        self.cues = PhraseMatcher(
            (w, pred) for pred, spec in data["cues"].items() for lang in ("en", "zh") for w in spec.get(lang) or [])
        pron = data["person_pronouns"]
        self.pronoun = re.compile(r"(?:(?<![a-z])(?:" + "|".join(map(re.escape, pron["en"])) + r")|(?:"
                                  + "|".join(map(re.escape, pron["zh"])) + r"))\s*(?:[a-z]+ly\s+|also\s+|then\s+|还|也|则|曾)?\s*$")
        said = sorted(data["said_after_quote"], key=len, reverse=True)
        self.said_after = re.compile(r"\s*(?:" + "|".join(map(re.escape, said)) + ")")
        self.anaphora = PhraseMatcher((w, True) for ws in data["anaphora"].values() for w in ws)
        self.not_party = words_regex([w for ws in data["not_party_before"].values() for w in ws], at_end=True)
        self.member_words = tuple(normalize_chars(w) for w in load_yaml("matching.yaml").get("member_words_after") or ())
        self.party_rank = _token_set_regex(data["party_rank_words"])
        titles = [w for ws in data["titles"].values() for w in ws]
        self.title_gap = _token_set_regex(titles, extra=r"|[（(）)”」』\"]")
        grp = data["group_objects"]
        alt = lambda ws: "|".join(sorted({re.escape(normalize_chars(w)) for w in ws}, key=len, reverse=True))  # noqa: E731
        ws = lambda key: [w for v in grp[key].values() for w in v]  # noqa: E731
        self.group_objects = re.compile(rf"\s*(?:(?:{alt(ws('possessives'))})\s*)?(?:{alt(ws('groups'))})"
                                        rf"\s*[，,、]?\s*(?:(?:{alt(ws('include'))})(?![a-z])\s*:?\s*)")
        self.said_before_quote = re.compile(r"(?:" + "|".join(map(re.escape, sorted(data["said_after_quote"], key=len, reverse=True)))
                                            + r")\s*[，,：:]?\s*$")
        al = data["alliance_roles"]
        al_roles_zh, al_roles_en = alt(al["roles"]["zh"]), alt(al["roles"]["en"])
        self.alliance_words = PhraseMatcher((w, True) for ws in al["roles"].values() for w in ws)
        self.alliance_is = re.compile(rf"\s*(?:{alt(al['is']['zh'])}|(?<![a-z])(?:{alt(al['is']['en'])})(?![a-z]))?\s*"
                                      r"(?:(?:close|key|important|longtime|long-time|major|staunch|main|treaty|strategic)\s+)?")
        # after the second party: its role (美国盟友, 美国的重要伙伴, "US ally")
        not_trade = alt(al["not_before_role"])
        self.alliance_after = re.compile(rf"(?!\s*(?:的)?[^，,。；;、\s]{{0,4}}?(?:{not_trade}))"
                                         rf"(?:\s*(?:的)?[^，,。；;、\s]{{0,4}}?(?:{al_roles_zh})|(?:['’]s)?\s+(?:{al_roles_en})(?![a-z]))")
        # or before it: "an ally of the United States"
        self.alliance_trade = re.compile(not_trade)
        self.alliance_of = re.compile(rf"\s*(?:(?:a|an|the)\s+)?(?:[a-z-]+\s+)?(?:{al_roles_en})\s+(?:{alt(al['of']['en'])})\s*$")
        harm = data["harm_statement"]
        self.harm_said = PhraseMatcher((w, True) for ws in harm["said"].values() for w in ws)
        self.harm = PhraseMatcher((w, True) for ws in harm["harm"].values() for w in ws)
        desc = [w for ws in data["based_in"]["descriptors"].values() for w in ws]
        self.descriptor_gap = _token_set_regex(desc)
        self.descriptor_not_last = tuple(w for ws in data["based_in"]["descriptor_not_last"].values() for w in ws)
        self.based_cues = PhraseMatcher((w, True) for ws in data["based_in"]["cues"].values() for w in ws)
        self.seat_cues = PhraseMatcher((w, True) for ws in data["based_in"]["seat_cues"].values() for w in ws)
        self.located_cues = PhraseMatcher((w, True) for ws in data["based_in"]["located_cues"].values() for w in ws)
        self.based_suffix = tuple(normalize_chars(w) for w in data["based_in"]["based_suffix"])
        facility = sorted({normalize_chars(w) for ws in data["based_in"]["facility_after"].values() for w in ws},
                          key=len, reverse=True)
        self.facility_after = re.compile(r"\s*(?:['’]s\s+)?(?:[a-z-]+\s+)?(?:" + "|".join(map(re.escape, facility)) + r")(?![a-z])")
        self.zh_is = re.compile(r"(?:\s*[（(][^）)]{0,40}[）)])?\s*(?:是|为|担任|现任|任职于|供职于|身为|作为)")
        self.descriptor_words = re.compile("|".join(map(re.escape, sorted(
            {normalize_chars(w) for w in data["based_in"]["descriptors"]["zh"] if len(w) >= 2}, key=len, reverse=True))))
        subs = data["subsidiary"]
        sup = data["supply_roles"]
        alt = lambda ws: "|".join(map(re.escape, sorted({normalize_chars(w) for w in ws}, key=len, reverse=True)))  # noqa: E731
        roles_zh, roles_en = alt(sup["roles"]["zh"]), alt(sup["roles"]["en"])
        self.supply_words = PhraseMatcher((w, True) for ws in sup["roles"].values() for w in ws)
        # 甲是乙（gloss）的主要芯片供应商: the gap between the two firms, then what follows the second
        # (an English word is whole: a look-behind for those that open with a letter, not ", a")
        is_en = "|".join(rf"(?<![a-z]){re.escape(w)}(?![a-z])" if w[:1].isalpha() else rf"{re.escape(w)}(?![a-z])"
                         for w in sorted({normalize_chars(w) for w in sup["is"]["en"]}, key=len, reverse=True))
        self.supply_is = re.compile(rf"\s*(?:{alt(sup['is']['zh'])}|{is_en})?\s*")
        forms = "|".join(map(re.escape, sorted(sup["legal_forms_zh"], key=len, reverse=True)))
        self.supply_after_zh = re.compile(rf"(?:{forms})?(?:[（(][^（）()]{{0,40}}[）)])?\s*的[^，,。；;、]{{0,8}}?(?:{roles_zh})")
        self.supply_after_en = re.compile(rf"(?:['’]s?)\s+(?:[a-z-]+\s+){{0,2}}?(?:{roles_en})(?![a-z])")
        # 苹果供应商台积电, 英伟达的代工厂台积电, "Apple supplier TSMC", "Nvidia's main supplier TSMC":
        # the second firm named by its role for the first
        self.supply_titled = re.compile(rf"(?:(?:{forms})?的?[^，,。；;、“”\s和与及跟同]{{0,6}}?(?:{roles_zh})"
                                        rf"|(?:['’]s)?\s+(?:[a-z-]+\s+){{0,2}}?(?:{roles_en})\s+)")
        # 甲的主要客户包括乙和丙, "Apple's suppliers include TSMC": then the list of the other firms
        self.supply_list = re.compile(rf"(?:(?:{forms})?(?:[（(][^（）()]{{0,40}}[）)])?\s*的[^，,。；;、]{{0,6}}?(?:{roles_zh})\s*(?:{alt(sup['opens']['zh'])})"
                                      rf"|['’]s?\s+(?:[a-z-]+\s+){{0,2}}?(?:{roles_en})\s+(?:{alt(sup['opens']['en'])})(?![a-z]))\s*")
        # between two people of a list: a gloss's end, a joiner, and a given name's dot
        # (汤姆·科顿（Tom Cotton）、比尔‧哈格蒂)
        self.person_list_gap = re.compile(r"[）)]?\s*(?:" + "|".join(map(re.escape, data["list_joiners"]))
                                          + r")\s*(?:[\u4e00-\u9fff]{1,4}[·‧•])?")
        self.list_opener = re.compile("(?:" + "|".join(map(re.escape, data["list_openers"])) + ")$")
        self.subsidiary_zh = re.compile(r"\s*(?:" + "|".join(map(re.escape, subs["zh"])) + r")\s*的?\s*")
        self.subsidiary_en = re.compile(r"\s*,?\s*(?:a|an|the)?\s*(?:" + "|".join(map(re.escape, subs["en"])) + r")\s+(?:of\s+)?")
        self.posted_to = re.compile(r"(?:(?<![a-z])(?:to|in)\s+(?:the\s+)?|驻)$")
        self.places = PhraseMatcher((name, state) for state, names in load_yaml("places.yaml").items() for name in names)
        self.after_person = re.compile(r"\s*[,，]\s*(?:(?:the|a|an)\s+)?")
        self.join_cues = PhraseMatcher((w, True) for ws in data["join_cues"].values() for w in ws)
        self.cue_noun_after = tuple(normalize_chars(w) for w in data["cue_noun_after"])
        self.not_a_fact = PhraseMatcher((w, True) for ws in data["not_a_fact"].values() for w in ws)
        self.object_gap = data["object_gap"]
        self.seller_before = words_regex(data["seller_before"], at_end=True)
        self.negations_zh = tuple(data["negations_right_before"])
        self.firm_only_cues = frozenset(normalize_chars(w) for w in data["firm_only_cues"])
        hostile = data["hostile_after_cue"]
        self.hostile = re.compile("(?:" + "|".join(map(re.escape, hostile["zh"])) + r")|(?<![a-z])(?:"
                                  + "|".join(map(re.escape, hostile["en"])) + r")(?![a-z])")
        self.registered = re.compile(r"在[^，,。；;\s]{1,8}?(" + "|".join(map(re.escape, sorted(
            data["based_in"]["registered_after"]["zh"], key=len, reverse=True))) + r")")
        body_nouns = "|".join(map(re.escape, sorted({normalize_chars(w) for ws in data["body_nouns"].values()
                                                      for w in ws}, key=len, reverse=True)))
        # at most two words, then one of the body nouns ("Chinese chip trade group", 中国芯片企业)
        self.body_after = re.compile(r"(?:\s*[a-z-]+){0,2}?\s*(?:" + body_nouns + r")(?![a-z])")
        self.state_title = re.compile("|".join(
            rf"(?<![a-z]){re.escape(normalize_chars(w))}(?![a-z])" if w.isascii() else re.escape(normalize_chars(w))
            for w in sorted({w for ws in data["state_titles"].values() for w in ws}, key=len, reverse=True)))
        self.partner_before = words_regex([w for ws in data["partner_words"].values() for w in ws], at_end=True)
        zh_titles = sorted({normalize_chars(w) for w in [*data["titles"]["zh"], *load_yaml("discovery.yaml")["titles_zh"]]
                            if len(w) >= 2 and w not in {*load_yaml("discovery.yaml")["naming_words_zh"], "记者", "作者"}}, key=len, reverse=True)
        # 台湾经济研究院产经数据库总监刘佩真: a short run of words ending in a title
        # (研究员暨总监: titles joined by one of `title_joiners`)
        title = "(?:" + "|".join(map(re.escape, zh_titles)) + ")"
        joiner = "(?:" + "|".join(map(re.escape, data["title_joiners"])) + ")"
        self.zh_title_run = re.compile(rf"[\u4e00-\u9fff]{{0,8}}?{title}(?:{joiner}[\u4e00-\u9fff]{{0,10}}?{title})*")


_BRACKETED = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_UNCLOSED = re.compile(r"[（(【\[][^）)】\]]*$")


def _opens(lead: str) -> bool:
    """Whether a mention after ``lead`` (its clause's text before it) opens the clause: at most
    two characters before it once bracketed asides (a credit, a date) are left out, and not
    inside one."""
    return len(_BRACKETED.sub("", lead).strip()) <= 2 and not _UNCLOSED.search(lead)


@lru_cache(maxsize=1)
def rules() -> _Rules:
    return _Rules()


def _kinds(lex: Lexicon, actor_id: str) -> frozenset[str]:
    ref, table = _LAST
    if ref is None or ref() is not lex:  # (a build asks about one lexicon a million times)
        table = _KINDS.get(lex)
        if table is None:
            table = _KINDS[lex] = {}
        _LAST[:] = [weakref.ref(lex), table]
    kinds = table.get(actor_id)
    if kinds is None:
        a = lex.get(actor_id)
        kinds = table[actor_id] = frozenset() if a is None else frozenset({a.type, *a.types})
    return kinds


#: each lexicon's actors' kinds, worked out once (a lexicon does not change)
_KINDS: "weakref.WeakKeyDictionary[Lexicon, dict[str, frozenset[str]]]" = weakref.WeakKeyDictionary()
#: a weak reference to the lexicon asked about last, and its table in _KINDS
_LAST: list = [None, None]


def _is_party(lex: Lexicon, actor_id: str, allowed=("Country", "Organization", "Person")) -> bool:
    kinds = _kinds(lex, actor_id)
    return bool(kinds & set(allowed)) and "NewsMediaOrganization" not in kinds


def _is_employer(lex: Lexicon, actor_id: str) -> bool:
    """A state or organization, news outlets included (their reporters and analysts)."""
    return bool(_kinds(lex, actor_id) & {"Country", "Organization"}) and "Person" not in _kinds(lex, actor_id)


def _related_by_lexicon(lex: Lexicon, a: str, b: str) -> bool:
    x, y = lex.get(a), lex.get(b)
    if x is None or y is None:
        return False
    return x.based_in == b or y.based_in == a or b in x.affiliated_with or a in y.affiliated_with


class _Reader:
    def __init__(self, text: str, mentions, lex: Lexicon):
        self.text, self.lex = text, lex
        self.norm = normalize_chars(text)
        self.r, self.pr = rules(), policy_rules()
        self.mentions = sorted(mentions, key=lambda m: (m.start, m.end))
        self._starts = [m.start for m in self.mentions]
        self._by_end = None
        self._reach = None
        self.out: list[Relation] = []
        #: (person, employer) pairs each sentence's appositions state, by the sentence's start
        self.offices: dict[int, list[tuple[str, str]]] = {}

    def add(self, s: str, pred: str, o: str, sentence: Span, how: str) -> None:
        if s == o:
            return
        self.out.append(Relation(s, pred, o, sentence, CONFIDENCE[how], f"relations/{how}"))
        if how == "apposition" and pred == "affiliatedWith":
            self.offices.setdefault(sentence.start, []).append((s, o))

    def within(self, span: Span):
        lo = bisect.bisect_left(self._starts, span.start)
        hi = bisect.bisect_left(self._starts, span.end, lo)
        return [m for m in self.mentions[lo:hi] if m.end <= span.end]

    def as_place(self, m, clause: Span) -> bool:
        """Named after a place or direction word ("in Tokyo", "from China"), not as a party."""
        return bool(self.r.not_party.search(self.norm[max(clause.start, m.start - 12):m.start]))

    def outside_role(self, m, clause: Span) -> bool:
        """Named as a place or a target ("in Tokyo", "against China"), not as a party."""
        return self.as_place(m, clause) or is_target(self.pr, self.norm, m, clause)

    def _overlaps_mention(self, start: int, end: int) -> bool:
        """Whether any mention overlaps [start, end), found by offset (no scan of the article)."""
        if self._reach is None:  # the furthest end among the first k mentions (sorted by start)
            self._reach, best = [], -1
            for m in self.mentions:
                best = max(best, m.end)
                self._reach.append(best)
        k = bisect.bisect_left(self._starts, end)
        return bool(k) and self._reach[k - 1] > start

    # ------------------------------------------------------------------ cues
    def cues(self, sentence: Span, parts: list[Span]) -> None:
        hits = [c for c in self.r.cues.find(sentence.text, self.norm[sentence.start:sentence.end])
                if not self._overlaps_mention(c.start + sentence.start, c.end + sentence.start)
                and not (is_cjk(c.surface[-1:]) and self.norm.startswith(self.r.cue_noun_after, sentence.start + c.end))]
        done: set[tuple[str, int]] = set()
        for cue in hits:
            pos = sentence.start + cue.start
            key = cue.payload
            spec = self.r.cues_spec[key]
            pred = spec.get("predicate", key)
            clause = next((c for c in parts if c.start <= pos < c.end), sentence)
            if (key, clause.start) in done:
                continue
            if self.r.not_a_fact.find_all(self.norm[clause.start:pos], self.norm[clause.start:pos]):
                continue  # "China must cooperate with the US", 如果, 否认: not a fact
            if is_cjk(cue.surface[:1]) and self.norm[pos - 1:pos] in self.r.negations_zh:
                continue  # 荷兰不希望中国…, 没合作: the cue negated
            if spec.get("parties"):  # commercial ties: buyer and seller, of the kinds given
                done.add((key, clause.start))
                self._commercial(pred, clause, sentence, pos, pos + len(cue.surface), tuple(spec["parties"]), parts)
            elif spec.get("symmetric"):
                done.add((key, clause.start))
                self._symmetric(pred, clause, parts, sentence, pos, pos + len(cue.surface))
            else:
                self._directed(pred, spec, clause, parts, sentence, pos, pos + len(cue.surface))

    def _directed(self, pred, spec, clause, parts, sentence, cue_start, cue_end) -> None:
        allowed_s = tuple(spec.get("subject") or ("Country", "Organization", "Person"))
        allowed_o = tuple(spec.get("object") or ("Country", "Organization", "Person"))
        here = self.within(clause)
        subj_c = [m for m in here if m.end <= cue_start and _is_party(self.lex, m.actor_id, allowed_s)
                  and not self.outside_role(m, clause) and not self._qualifies_a_body(m) and not self._nationality(m)]
        # the nearest actor before the cue, with those joined to it ("Japan and the Netherlands urged")
        subjects = chain_before(self.pr, self.norm, subj_c[-1], subj_c) if subj_c else []
        if not subjects:
            subjects = self._quoted_speaker(cue_start, allowed_s) or self._pronoun(sentence, clause, cue_start, allowed_s, parts)
        if not subjects:
            subjects = self._speaker_before_quote(cue_start, allowed_s)
        if not subjects and is_cjk(self.text[cue_start:cue_start + 1]):
            for c in reversed([c for c in parts if c.start < clause.start]):
                opening = [m for m in self.within(c) if m.start - c.start <= 2]
                if opening and _is_party(self.lex, opening[0].actor_id, allowed_s):
                    subjects = [opening[0]]
                    break
        obj_c = [m for m in here if m.start >= cue_end and _is_party(self.lex, m.actor_id, allowed_o)]
        group = self.r.group_objects.match(self.norm, cue_end)
        if group:  # 游说其合作伙伴，包括日本和荷兰: the group's list, though a comma opens it
            listed = [m for m in self.within(sentence) if m.start >= group.end() and _is_party(self.lex, m.actor_id, allowed_o)]
            if listed and listed[0].start == group.end():
                cue_end, obj_c = group.end(), listed
                clause = Span(clause.start, max(clause.end, listed[-1].end), clause.text)
        if obj_c and (spec.get("object_right_after") or spec.get("object_right_after_zh") and is_cjk(self.norm[cue_end - 1:cue_end])) \
                and obj_c[0].start != cue_end:
            return  # 希望与日本合作: no one addressed
        if obj_c and not self._near(cue_end, obj_c[0].start):
            obj_c = []  # the first actor after the cue is too far to be its object
        elif obj_c and self.norm[cue_end:obj_c[0].start].strip() and is_target(self.pr, self.norm, obj_c[0], clause) \
                and not self.norm[cue_end:obj_c[0].start].strip() in ("对", "向"):
            obj_c = []  # 批评该协议对伊朗的制裁: what is criticized is aimed at Iran; Iran is not criticized
        objects = chain_after(self.pr, self.norm, obj_c[0], obj_c, clause.end) if obj_c else []
        objects = [o for o in objects if not _names_own_people(self.pr, self.norm, o)]  # "要求美国员工": not the US
        if not objects:  # 中方对美方的做法表示不满: the object comes with 对/向 before the cue
            objects = [m for m in here if m.end <= cue_start and m not in subjects
                       and _is_party(self.lex, m.actor_id, allowed_o) and is_target(self.pr, self.norm, m, clause)][:1]
        if not objects and spec.get("object_before_clause") and subjects:
            # 中共禁用美光芯片，美反击称: whom a retort answers opens the clause before it
            earlier = [c for c in parts if c.end <= clause.start]
            opening = [m for m in self.within(earlier[-1]) if _opens(self.norm[earlier[-1].start:m.start])] if earlier else []
            if opening and _is_party(self.lex, opening[0].actor_id, allowed_o) \
                    and state_of(self.lex, opening[0].actor_id) not in {state_of(self.lex, x.actor_id) for x in subjects}:
                objects = opening[:1]
        for s in subjects:
            for o in objects:
                # a state's demand on its own firm is mostly a rule (美国要求英伟达取得许可), and a
                # body does not urge or criticize its own state
                if (state_of(self.lex, s.actor_id) != state_of(self.lex, o.actor_id)
                        and not _related_by_lexicon(self.lex, s.actor_id, o.actor_id)) \
                        or (pred == "urges" and self._lobbies(s.actor_id, o.actor_id)):
                    self.add(s.actor_id, pred, o.actor_id, sentence, "cue")

    def _lobbies(self, s: str, o: str) -> bool:
        """A firm or association that urges its own state or its government (美国半导体工业协会
        敦促美国政府): no government body of it, but a party of its own."""
        actor, target = self.lex.get(s), self.lex.get(o)
        if actor is None or target is None or actor.type != "Organization" or "GovernmentOrganization" in actor.types:
            return False
        home = actor.based_in
        return bool(home) and (o == home or ("GovernmentOrganization" in target.types and state_of(self.lex, o) == home)) \
            and o not in actor.affiliated_with

    def harm_statements(self, sentence: Span) -> None:
        """"China says US consideration of AI chip export controls hurts China's legitimate
        interests", 中方认为美方此举严重损害中国企业的正当权益: the speaker (opening the clause of
        the saying word) criticizes the actor whose clause the harm word is in."""
        norm = self.norm[sentence.start:sentence.end]
        harms = self.r.harm.find(sentence.text, norm)
        if not harms:
            return
        said = self.r.harm_said.find(sentence.text, norm)
        here = self.within(sentence)
        allowed = ("Country", "Organization", "Person")
        for h in harms:
            verb = next((v for v in reversed(said) if v.end <= h.start), None)
            if verb is None or self.r.not_a_fact.find_all(norm[verb.end:h.start], norm[verb.end:h.start]) \
                    or (is_cjk(h.surface[-1:]) and norm[h.end:h.end + 1] in ("是", "的", "性", "力")):  # 损害是, 破坏性
                continue
            at, end, harm_at = sentence.start + verb.start, sentence.start + verb.end, sentence.start + h.start
            opens = sentence.start + max(norm.rfind(c, 0, verb.start) for c in _CLAUSE_MARKS) + 1
            speakers = [m for m in here if opens <= m.start and m.end <= at and _is_party(self.lex, m.actor_id, allowed)]
            actors = [m for m in here if end <= m.start and m.end <= harm_at and _is_party(self.lex, m.actor_id, allowed)
                      and not any(c in _CLAUSE_MARKS for c in self.norm[m.end:harm_at])]
            if not speakers or not actors:
                continue
            # (a person in the clause speaks: 委员会主席麦考尔…表示, not the committee)
            speaker = next((m for m in speakers if "Person" in _kinds(self.lex, m.actor_id)), speakers[0]).actor_id
            harmer = actors[-1].actor_id
            if state_of(self.lex, harmer) != state_of(self.lex, speaker) and not _related_by_lexicon(self.lex, speaker, harmer):
                self.add(speaker, "criticizes", harmer, sentence, "cue")

    def _pronoun(self, sentence: Span, clause: Span, cue_start: int, allowed, parts=()) -> list:
        """"Xie Feng…, where he criticized the US", 内塔尼亚胡表示欢迎，他批评…: the first person of
        the nearest clause before the pronoun that names one (that clause's subject)."""
        if not self.r.pronoun.search(self.norm[clause.start:cue_start]):
            return []
        for c in reversed([c for c in parts if c.start <= clause.start] or [sentence]):
            people = [m for m in self.within(c) if m.end <= cue_start and "Person" in _kinds(self.lex, m.actor_id)]
            if people:
                return people[:1] if _is_party(self.lex, people[0].actor_id, allowed) else []
        return []

    def _speaker_before_quote(self, pos: int, allowed) -> list:
        """Inside a quotation opened after its speaker (美国半导体工业协会在一份声明中说，“我们…
        敦促美国政府…”): the speaker, the last party before the saying word."""
        norm = self.norm
        lo = max(0, pos - 400)
        opened = norm.rfind("“", lo, pos)
        if opened == -1 or norm.rfind("”", opened, pos) != -1:
            return []
        start = max(norm.rfind(c, max(0, opened - 120), opened) for c in "。！？!?\n")
        said = self.r.said_before_quote.search(norm, start + 1, opened)
        if said is None:
            return []
        before = [m for m in self.mentions if start < m.start and m.end <= said.start() and _is_party(self.lex, m.actor_id, allowed)]
        return [before[-1]] if before else []

    def _quoted_speaker(self, pos: int, allowed) -> list:
        """Inside a quotation closed by its speaker (“我们希望荷兰不要效仿…”毛宁说): the speaker."""
        norm = self.norm
        lo = max(0, pos - 400)  # a quotation of 400 characters at most: no scan of the whole text
        opened, closed = norm.rfind("“", lo, pos), norm.find("”", pos, pos + 400)
        if opened == -1 or closed == -1 or norm.rfind("”", opened, pos) != -1 or closed - opened > 400:
            return []
        after = [m for m in self.mentions if closed < m.start <= closed + 3]
        if after and _is_party(self.lex, after[0].actor_id, allowed) \
                and self.r.said_after.match(norm, after[0].end):
            return [after[0]]
        return []

    def _nationality(self, m) -> bool:
        """A state written right before one of its organizations (美国威腾电子, 韩国三星):
        the organization's nationality, not a party of its own."""
        if "Country" not in _kinds(self.lex, m.actor_id):
            return False
        k = bisect.bisect_left(self._starts, m.end)
        nxt = self.mentions[k] if k < len(self.mentions) else None
        return nxt is not None and nxt.start - m.end <= 1 and self.norm[m.end:nxt.start] in ("", "的") \
            and "Organization" in _kinds(self.lex, nxt.actor_id)

    def _qualifies_a_body(self, m) -> bool:
        """A state named as the nationality of the body that acts ("Chinese chip trade group
        opposes…", 中国芯片企业批评…): the body is the subject, not the state."""
        if "Country" not in _kinds(self.lex, m.actor_id):
            return False
        return bool(self.r.body_after.match(self.norm, m.end, m.end + 40))

    def _near(self, start: int, end: int) -> bool:
        gap = self.norm[start:end]
        # names of states and descriptors in between do not count ("收购以色列芯片制造商高塔半导体")
        for m in self.mentions[bisect.bisect_left(self._starts, start):bisect.bisect_right(self._starts, end)]:
            if m.end <= end and "Country" in _kinds(self.lex, m.actor_id):
                gap = gap.replace(self.norm[m.start:m.end], "")
        gap = self.r.descriptor_words.sub("", gap)
        limit = self.r.object_gap["cjk"] if any(is_cjk(c) for c in gap) or not gap.strip() and is_cjk(
            self.norm[end:end + 1]) else self.r.object_gap["latin"]
        return len(gap.strip()) <= limit

    def _symmetric(self, pred, clause, parts, sentence, cue_start, cue_end=None) -> None:
        # 为中国芯片代工: a trade between firms, no state nor public body a party
        firms_only = cue_end is not None and self.norm[cue_start:cue_end] in self.r.firm_only_cues
        allowed = ("Organization",) if firms_only else ("Country", "Organization")
        parties = [m for m in self.within(clause) if _is_party(self.lex, m.actor_id, allowed)
                   and not (firms_only and "GovernmentOrganization" in _kinds(self.lex, m.actor_id))
                   and not self.outside_role(m, clause) and not self._nationality(m)
                   and not self._qualifies_a_body(m)]  # 与中国公司、…宁德时代合作: the firm, not its state
        if cue_end is not None and is_cjk(self.norm[cue_start:cue_start + 1]) and self.norm.startswith("的", cue_end):
            # 与华为结盟的代工厂: a relative clause; the partner's tie is with the noun it
            # qualifies, a party only when named right there (与华为合作的台积电)
            before = [m for m in parties if m.end <= cue_start]
            if before and self.r.partner_before.search(self.norm[max(clause.start, before[-1].start - 6):before[-1].start]):
                head = next((m for m in parties if m.start == cue_end + 1), None)
                if head is not None and head.actor_id != before[-1].actor_id:
                    self._tie(before[-1].actor_id, head.actor_id, sentence, pred)
                return
        cue_text = self.norm[cue_start:clause.end]
        if self.r.join_cues.find_all(cue_text[:8], cue_text[:8]):
            # "荷兰和日本同意加入美国的行动": the joiners cooperate with whom they join
            joiners = [m for m in parties if m.end <= cue_start]
            joined = [m for m in parties if m.start >= cue_start]
            if joiners and joined:
                group = chain_before(self.pr, self.norm, joiners[-1], joiners)
                lead = chain_after(self.pr, self.norm, joined[0], joined, clause.end)
                for a in group:
                    for b in lead:
                        self._tie(a.actor_id, b.actor_id, sentence, pred)
            return
        if len({m.actor_id for m in parties}) == 1 and self.r.partner_before.search(
                self.norm[max(clause.start, parties[0].start - 6):parties[0].start]):
            # "Rapidus表示，正在与IBM合作": the partner in this clause, the subject of the sentence before
            first = next((m for m in self.within(sentence) if _is_party(self.lex, m.actor_id, allowed)), None)
            if first is not None and first.start < clause.start and first.start - sentence.start <= 2:
                self._tie(first.actor_id, parties[0].actor_id, sentence, pred)
            return
        if len({m.actor_id for m in parties}) < 2 and self.r.anaphora.find(clause.text, self.norm[clause.start:clause.end]):
            earlier = [c for c in parts if c.end <= clause.start]
            if earlier:
                parties = [m for m in self.within(earlier[-1]) if _is_party(self.lex, m.actor_id, allowed)
                           and not self.as_place(m, earlier[-1])]
                cue_start = clause.start
        if len({m.actor_id for m in parties}) < 2 or parties[0].start >= cue_start:
            return  # "X与Y合作", "X cooperates with Y": one party at least comes before the cue
        group = chain_after(self.pr, self.norm, parties[0], parties, clause.end)
        rest = [m for m in parties if m.start >= group[-1].end and m.actor_id not in {g.actor_id for g in group}]
        if len(group) > 1 and rest and "Country" in _kinds(self.lex, group[-1].actor_id) \
                and "Organization" in _kinds(self.lex, rest[0].actor_id) \
                and re.fullmatch(r"[\u4e00-\u9fff]{0,4}", self.r.descriptor_words.sub("", self.norm[group[-1].end:rest[0].start])):
            # 台积电、索尼和日本汽车零部件公司电装合资: the state is the last firm's nationality, and
            # the firm ends the list of partners
            group = group[:-1] + chain_after(self.pr, self.norm, rest[0], rest, clause.end)
        ids = {m.actor_id for m in group}
        partners = [m for m in parties if m.actor_id not in ids and not (
            "Country" in _kinds(self.lex, m.actor_id) and any(m.start >= g.start for g in group) and m.end <= group[-1].start)
            # 欧美日联合打击下中共: whom the partners act against is none of them
            and not (m.start > cue_start and self.r.hostile.search(self.norm, cue_start, m.start))]
        if self.r.partner_before.search(self.norm[max(clause.start, group[0].start - 6):group[0].start]) \
                and not any(m.end <= group[0].start for m in parties):
            # "（俄罗斯）跟德国、乌克兰合作", 将会与应用材料（Applied Materials）及艾司摩尔等供应商
            # 合作: all partners of a subject named elsewhere, not of each other
            return
        pairs = ([(a.actor_id, b.actor_id) for a in group for b in partners] if partners
                 else [(a.actor_id, b.actor_id) for i, a in enumerate(group) for b in group[i + 1:]])
        for a, b in pairs:
            self._tie(a, b, sentence, pred)

    def supply_roles(self, sentence: Span, parts: list[Span]) -> None:
        """A firm named as another's supplier or customer: 台积电是苹果公司的主要芯片供应商,
        台积电的主要客户包括苹果和英伟达, "Apple's suppliers include TSMC and Samsung"."""
        if not self.r.supply_words.find(sentence.text, self.norm[sentence.start:sentence.end]):
            return  # (no role named: the sentence's clauses need not be split)
        def firms_in(span: Span) -> list:
            return [m for m in self.within(span) if _is_party(self.lex, m.actor_id, ("Organization",))
                    and "GovernmentOrganization" not in _kinds(self.lex, m.actor_id)]

        for clause in parts:
            firms = firms_in(clause)
            for i, a in enumerate(firms):
                listed = self.r.supply_list.match(self.norm, a.end)
                if listed is not None:
                    rest = [m for m in firms[i + 1:] if m.start >= listed.end()]
                    if rest and rest[0].start == listed.end():
                        for b in chain_after(self.pr, self.norm, rest[0], rest, clause.end):
                            self._tie(a.actor_id, b.actor_id, sentence)
        # the two firms side by side: over the sentence, whose clauses a comma splits ("TSMC,
        # Apple's main supplier")
        firms = firms_in(sentence)
        for i, (a, b) in enumerate(zip(firms, firms[1:])):
            after = self.r.supply_after_zh if is_cjk(self.norm[b.end - 1:b.end]) else self.r.supply_after_en
            if self.r.supply_is.fullmatch(self.norm, a.end, b.start) and after.match(self.norm, b.end):
                for x in chain_before(self.pr, self.norm, a, firms[:i + 1]):  # 台积电与三星都是…的客户
                    self._tie(x.actor_id, b.actor_id, sentence)
            elif self.r.supply_titled.fullmatch(self.norm, a.end, b.start) \
                    and not any(a.end <= m.start and m.end <= b.start for m in self.within(sentence)):
                self._tie(a.actor_id, b.actor_id, sentence)

    def alliances(self, sentence: Span) -> None:
        """A party named as another's ally or partner: 日韩都是美国盟友, "Japan, a close US ally",
        "the Philippines is an ally of the United States"."""
        if not self.r.alliance_words.find(sentence.text, self.norm[sentence.start:sentence.end]):
            return
        parties = [m for m in self.within(sentence) if _is_party(self.lex, m.actor_id, ("Country", "Organization"))
                   and "NewsMediaOrganization" not in _kinds(self.lex, m.actor_id)]
        for i, a in enumerate(parties[:-1]):
            b = parties[i + 1]
            gap = self.norm[a.end:b.start]
            if (self.r.alliance_is.fullmatch(gap) and self.r.alliance_after.match(self.norm, b.end)) \
                    or self.r.alliance_of.search(gap) and re.fullmatch(r"[\s,a-z-]*", gap) \
                    and not self.r.alliance_trade.search(gap):
                chain = [a]  # with those joined to it (日韩: two abbreviations side by side)
                for x in reversed(parties[:i]):
                    gap_x = self.norm[x.end:chain[0].start]
                    if gap_x and not (gap_x.strip(" ") and self.pr.joiner.fullmatch(gap_x)):
                        break
                    chain.insert(0, x)
                for x in chain:
                    if state_of(self.lex, x.actor_id) != state_of(self.lex, b.actor_id):
                        self._tie(x.actor_id, b.actor_id, sentence)

    def _tie(self, a: str, b: str, sentence: Span, pred: str = "cooperatesWith") -> None:
        """A symmetric relation between two different actors the lexicon does not already
        relate, written once, in name order."""
        if a != b and not _related_by_lexicon(self.lex, a, b):
            x, y = sorted((a, b))
            self.add(x, pred, y, sentence, "cue")

    def _listed_people(self, first, after) -> list[str]:
        """The people listed after ``first`` (汤姆·科顿（Tom Cotton）、比尔‧哈格蒂…): each
        joined to the one before by 、 or 和, a name's gloss skipped."""
        out, last, end = [], first.actor_id, first.end
        for x in after:
            if x.actor_id == last:  # the gloss of the name just read
                end = x.end
                continue
            if "Person" not in _kinds(self.lex, x.actor_id) \
                    or not self.r.person_list_gap.fullmatch(self.norm[end:x.start]):
                break
            out.append(x.actor_id)
            last, end = x.actor_id, x.end
        return out

    def _commercial(self, pred, clause, sentence, cue_start, cue_end, only, parts=()) -> None:
        """A buyer and its seller on either side of a commercial cue: the buyers right before it,
        the seller right after it ("Meta采用台积电制程", "Nvidia relies on TSMC") or marked by
        向/从 before it (华为向台积电采购: 向 marks the seller, not a target). ``only``: the
        kinds of party the cue takes; government bodies buy and sell nothing here."""
        parties = [m for m in self.within(clause) if _is_party(self.lex, m.actor_id, only)
                   and "GovernmentOrganization" not in _kinds(self.lex, m.actor_id)]
        before = [m for m in parties if m.end <= cue_start]
        after = [m for m in parties if m.start >= cue_end]
        sellers = [m for m in before if self.r.seller_before.search(self.norm[max(clause.start, m.start - 4):m.start])]
        if not sellers and after and self._near(cue_end, after[0].start):
            sellers = [after[0]]
        buyers = [m for m in before if m not in sellers]
        if sellers and not buyers and cue_start - clause.start <= 2 and is_cjk(self.norm[cue_start:cue_start + 1]):
            # 华为推出了新款手机，使用中芯国际生产的芯片: the clause shares the subject of the one before
            prev = [c for c in parts if c.end <= clause.start]
            opening = [m for m in self.within(prev[-1]) if m.start - prev[-1].start <= 2
                       and _is_party(self.lex, m.actor_id, only) and "GovernmentOrganization" not in _kinds(self.lex, m.actor_id)] if prev else []
            buyers = opening[:1]
        if not sellers or not buyers:
            return
        for a in chain_before(self.pr, self.norm, buyers[-1], buyers):
            for b in sellers:
                self._tie(a.actor_id, b.actor_id, sentence, pred)

    # ------------------------------------------------------------------ appositions
    def appositions(self, sentence: Span, parts: list[Span]) -> None:
        here = self.within(sentence)
        norm = self.norm
        for i, m in enumerate(here):
            kinds = _kinds(self.lex, m.actor_id)
            if "Person" in kinds:
                before = len(self.out)
                self._person(i, m, here, sentence)
                if not any(x.subject == m.actor_id and x.predicate == "affiliatedWith" for x in self.out[before:]):
                    self._titled(i, m, here, sentence)
            elif "Organization" in kinds and "NewsMediaOrganization" not in kinds and i > 0:
                prev = here[i - 1]
                if "Country" in _kinds(self.lex, prev.actor_id):
                    gap = norm[prev.end:m.start]
                    if self.r.descriptor_gap.fullmatch(gap) and not gap.rstrip().endswith(self.r.descriptor_not_last) \
                            and (gap.strip() or not is_cjk(norm[m.start:m.start + 1])
                                                                 or prev.end - prev.start >= 2 and "Corporation" in kinds) \
                            and not self.r.facility_after.match(norm, m.end):  # 韩国三星, not 日本台积电工厂
                        self.add(m.actor_id, "basedIn", prev.actor_id, sentence, "descriptor")
        for i, m in enumerate(here[:-1]):  # 华为旗下的海思半导体: HiSilicon belongs to Huawei
            nxt = here[i + 1]
            if "Organization" in _kinds(self.lex, m.actor_id) and "Organization" in _kinds(self.lex, nxt.actor_id) \
                    and self.r.subsidiary_zh.fullmatch(norm[m.end:nxt.start]):
                self.add(nxt.actor_id, "affiliatedWith", m.actor_id, sentence, "apposition")
            elif "Organization" in _kinds(self.lex, m.actor_id) and "Organization" in _kinds(self.lex, nxt.actor_id) \
                    and self.r.subsidiary_en.fullmatch(norm[m.end:nxt.start]):  # "HiSilicon, a unit of Huawei"
                self.add(m.actor_id, "affiliatedWith", nxt.actor_id, sentence, "apposition")
        if not self.r.based_cues.find(sentence.text, self.norm[sentence.start:sentence.end]):
            return  # (no cue in the sentence: its clauses need not be split)
        for clause in parts:
            if not self.r.based_cues.find(clause.text, self.norm[clause.start:clause.end]):
                continue
            inside = self.within(clause)
            countries = [m for m in inside if "Country" in _kinds(self.lex, m.actor_id)]
            orgs = [m for m in inside if "Organization" in _kinds(self.lex, m.actor_id)]
            if len({c.actor_id for c in countries}) == 1:
                for o in orgs:
                    self.add(o.actor_id, "basedIn", countries[0].actor_id, sentence, "based-in-cue")

    def _place_at(self, pos: int, limit: int):
        """The state a place starting at ``pos`` (after white space or "the") names: a
        country mention, or a city of places.yaml."""
        lead = re.match(r"\s*(?:the\s+)?", self.norm[pos:limit])
        start = pos + lead.end()
        for m in self.mentions[bisect.bisect_left(self._starts, start):bisect.bisect_right(self._starts, start)]:
            if "Country" in _kinds(self.lex, m.actor_id):  # (mentions sorted by start: found by offset)
                return m.actor_id, m.end
        hits = [h for h in self.r.places.find(self.text[start:limit], self.norm[start:limit]) if h.start == 0]
        if hits:
            return hits[0].payload, start + hits[0].end
        return None, pos

    def _place_before(self, pos: int, start: int):
        if self._by_end is None:  # mentions by end offset, in their order (found without a scan)
            self._by_end = {}
            for m in self.mentions:
                self._by_end.setdefault(m.end, []).append(m)
        for m in self._by_end.get(pos, ()):
            if "Country" in _kinds(self.lex, m.actor_id):
                return m.actor_id
        hits = [h for h in self.r.places.find(self.text[start:pos], self.norm[start:pos]) if start + h.end == pos]
        return hits[-1].payload if hits else None

    def _seats(self, sentence: Span, parts: list[Span]) -> None:
        """basedIn from a stated seat: "headquartered in Shanghai", 总部位于上海的中芯国际,
        "Shanghai-based SMIC"."""
        orgs = [m for m in self.within(sentence) if "Organization" in _kinds(self.lex, m.actor_id)
                and "GovernmentOrganization" not in _kinds(self.lex, m.actor_id)]
        if not orgs:
            return
        norm = self.norm[sentence.start:sentence.end]
        seats = self.r.seat_cues.find_all(sentence.text, norm)
        located = [c for c in self.r.located_cues.find_all(sentence.text, norm)
                   if not any(c.start < x.end and x.start < c.end for x in seats)]
        for cue in [*seats, *located]:
            cue_start, cue_end = sentence.start + cue.start, sentence.start + cue.end
            only_after = cue in located
            state, place_end = self._place_at(cue_end, sentence.end)
            if state is None:
                continue
            clause = next((c for c in parts if c.start <= cue_start < c.end), sentence)
            after = [m for m in orgs if m.start >= place_end and m.start - place_end <= 24
                     # (the organization may be named by the gloss of its Chinese name: 位于香港的大立射频技术有限公司（Dali RF…）)
                     and re.fullmatch(r"[\w\s]{0,20}的?|的[\w\s]{2,20}[（(]", self.norm[place_end:m.start])
                     and not any(place_end <= x.start < m.start for x in self.mentions)] if is_cjk(self.norm[cue_start]) else []
            before = [m for m in orgs if m.end <= cue_start and m.start >= clause.start - 40]
            if only_after:  # 位于香港的X: the organization right after, no plant of it
                before = []
                after = [m for m in after[:1] if self.norm[place_end:m.start].rstrip("(（").endswith("的")
                         or "(" in self.norm[place_end:m.start]]
                after = [m for m in after if not self.r.facility_after.match(self.norm, m.end)]
            org = after[0] if after else (before[-1] if before else None)
            if org is not None and state != org.actor_id:
                self.add(org.actor_id, "basedIn", state, sentence, "based-in-cue")
        for hit in self.r.registered.finditer(self.norm, sentence.start, sentence.end):
            # 在香港注册的公司: the place between 在 and the cue, the organization after it or before
            state, place_end = self._place_at(hit.start() + 1, sentence.end)
            if state is None or not re.fullmatch(r"\s*", self.norm[place_end:hit.start(1)]):
                continue
            clause = next((c for c in parts if c.start <= hit.start() < c.end), sentence)
            # (what 注册的 qualifies: the name right after it, not one after a noun of its own,
            # 一家在香港注册的公司向大纪元确认: the company is unnamed, the outlet is no party)
            after = [m for m in orgs if 0 <= m.start - hit.end() <= 12 and m.end <= sentence.end
                     and re.fullmatch(r"的?\s*[“\"「『]?", self.norm[hit.end():m.start])]
            before = [m for m in orgs if clause.start - 40 <= m.start and m.end <= hit.start()]
            if after:
                seated = after[:1]
            else:  # “世捷达物流”“信诺电子”等4间在香港注册的公司: every firm of the list
                seated = before[-1:]
                for m in reversed(before[:-1]):
                    if not re.fullmatch(r"[\s“”\"、，,和及与]*", self.norm[m.end:seated[0].start]):
                        break
                    seated.insert(0, m)
            for org in seated:
                if state != org.actor_id:
                    self.add(org.actor_id, "basedIn", state, sentence, "based-in-cue")
        for suffix in self.r.based_suffix:
            at = self.norm.find(suffix, sentence.start, sentence.end)
            while at != -1:
                state = self._place_before(at, sentence.start)
                org = next((m for m in orgs if 0 <= m.start - (at + len(suffix)) <= 24), None)
                if state and org is not None:
                    self.add(org.actor_id, "basedIn", state, sentence, "based-in-cue")
                at = self.norm.find(suffix, at + 1, sentence.end)

    def _person(self, i: int, m, here, sentence: Span) -> None:
        norm = self.norm
        if i > 0:  # 中国外交部发言人华春莹, US Commerce Secretary Gina Raimondo, DIGITIMES分析师龚明德
            k = i - 1
            # "China's Ambassador to Washington Xie Feng", 中共驻美大使谢锋: the post's place is
            # not the employer; the actor before it is
            while k > 0 and self.r.posted_to.search(norm[max(0, here[k].start - 8):here[k].start]) \
                    and self.r.title_gap.fullmatch(norm[here[k].end:m.start]):
                k -= 1
            prev = here[k]
            if _is_employer(self.lex, prev.actor_id) and not (
                    "Country" in _kinds(self.lex, prev.actor_id)
                    and not self.r.state_title.search(norm[prev.end:m.end])):  # a title inside an alias too
                gap = norm[prev.end:m.start]
                party = "PoliticalParty" in _kinds(self.lex, prev.actor_id)
                if party and gap.startswith(self.r.member_words):  # 共和党人麦考尔: a Republican
                    gap = gap[next(len(w) for w in self.r.member_words if gap.startswith(w)):]
                # the given name of a person named by the surname (迈克尔‧麦考尔) is no gap
                gap = _GIVEN_NAME.sub("", gap)
                if "（" in norm[max(0, prev.start - 2):prev.start] or "(" in norm[max(0, prev.start - 2):prev.start]:
                    # the employer's gloss closes first: 艾金‧岗波律师事务所（Akin Gump … LLP）合伙人凯文‧沃尔夫
                    gap = re.sub(r"^[^（(）)，,。]{0,30}[）)]", "", gap)
                listed = self.r.list_opener.search(gap.strip())  # 这五名共和党参议员分别是A、B
                if listed is not None and is_cjk(gap.strip()[:1]):
                    gap = gap.strip()[:listed.start()]
                if self.r.title_gap.fullmatch(gap) or self.r.zh_title_run.fullmatch(gap.strip().lstrip("”」』\"")) or (
                        k < i - 1 and self.r.title_gap.fullmatch(norm[prev.end:here[k + 1].start] + " ")):
                    self.add(m.actor_id, "affiliatedWith", prev.actor_id, sentence, "apposition")
                    body = here[k - 1] if k > 0 else None
                    if body is not None and party and self.r.party_rank.fullmatch(norm[body.end:prev.start]) \
                            and "GovernmentOrganization" in _kinds(self.lex, body.actor_id):
                        # 众议院外交事务委员会共和党主席麦考尔: the party's ranking member of the committee
                        self.add(m.actor_id, "affiliatedWith", body.actor_id, sentence, "apposition")
                    if listed is not None:
                        for x in self._listed_people(m, here[i + 1:]):
                            self.add(x, "affiliatedWith", prev.actor_id, sentence, "apposition")
                    return
        if i + 1 < len(here):  # 艾米丽·基尔克里斯（Emily Kilcrease）是美国国防智库CNAS的美中经济安全专家
            lead = self.r.zh_is.match(norm, m.end)
            employer = None
            for nxt in (here[i + 1:i + 4] if lead else ()):
                if nxt.start - lead.end() > 16 or re.search(r"[，,。；]", norm[lead.end():nxt.start]):
                    break
                tail = norm[nxt.end:nxt.end + 16].lstrip(" 的")
                if _is_employer(self.lex, nxt.actor_id) and self.r.zh_title_run.match(tail):
                    employer = nxt  # the last one before the title: 美国国防智库CNAS的专家 is CNAS's
            if employer is not None:
                self.add(m.actor_id, "affiliatedWith", employer.actor_id, sentence, "apposition")
                return
        if i + 1 < len(here):  # Gina Raimondo, the US commerce secretary
            nxt = here[i + 1]
            lead = self.r.after_person.match(norm, m.end)
            if lead and _is_employer(self.lex, nxt.actor_id):
                gap = norm[lead.end():nxt.start]
                # "Gina Raimondo, the US commerce secretary": the titles after the employer
                after = re.match(r"(?:['’]s)?[^,.;:()，。；：（）]*", norm[nxt.end:sentence.end]).group(0)
                if self.r.title_gap.fullmatch(gap) and (re.search(r"[a-z\u4e00-\u9fff]", gap) or (
                        after.strip() and self.r.title_gap.fullmatch(after) and re.search(r"[a-z]", after))):
                    self.add(m.actor_id, "affiliatedWith", nxt.actor_id, sentence, "apposition")

    def _titled(self, i: int, m, here, sentence: Span) -> None:
        """A known person right after a title that names no employer of its own (经济部长王美花,
        "Foreign Minister Wang Yi"): the text states the person's office, which the lexicon
        knows (their ``affiliated_with``)."""
        actor = self.lex.get(m.actor_id)
        if actor is None or not actor.affiliated_with:
            return
        reach = 12 if m.start and is_cjk(self.norm[m.start - 1]) else 40
        start = max(sentence.start, here[i - 1].end if i > 0 else sentence.start, m.start - reach)
        window = self.norm[start:m.start]
        cut = max(window.rfind(c) for c in "，,。；;：:“”\"、（）()")
        window = window[cut + 1:].strip()
        if not window:
            return
        titled = self.r.zh_title_run.fullmatch(window) if is_cjk(window[-1]) \
            else re.search(r"[a-z]", window) and self.r.title_gap.fullmatch(window)  # "Foreign Minister Wang Yi"
        if titled:
            for b in actor.affiliated_with:
                self.add(m.actor_id, "affiliatedWith", b, sentence, "title")

    # ------------------------------------------------------------------ lexicon
    def lexicon(self, sentence: Span) -> None:
        """Companies and institutions (not outlets or government bodies, whose seat is part of
        their name) where they are based, and people's affiliations."""
        ids = sorted({m.actor_id for m in self.within(sentence)})
        # a person whose office the sentence states (台湾行政院副院长沈荣津、经济部长王美花)
        # is not tied to a former employer of the lexicon that another's title names
        stated = self.offices.get(sentence.start, [])
        for a in ids:
            actor = self.lex.get(a)
            if actor is None:
                continue
            for b in actor.affiliated_with:
                if b in ids and not (any(x == a and y != b for x, y in stated)
                                     and any(x != a and y == b for x, y in stated)):
                    self.add(a, "affiliatedWith", b, sentence, "lexicon")

    # ------------------------------------------------------------------ policies
    def restricts(self, policies) -> None:
        for ap in policies:
            if ap.type == "CooperationAgreement":
                self._agreement(ap)
            if ap.type not in RESTRICTIVE:
                continue
            for ev in ap.evidence:
                if ev.role != "targets":
                    continue
                for issuer in ap.issuers:
                    if _is_party(self.lex, issuer, ("Country", "Organization")):
                        how = "restricts-implied" if ev.how == "inherited" else "restricts"
                        self.add(issuer, "restricts", ev.actor_id, ev.sentence, how)


    def _agreement(self, ap) -> None:
        """The parties of an agreement cooperate: each pair the agreement's sentence names
        ("美国与日本和荷兰达成协议")."""
        for sentence in ap.sentences:
            here = {m.actor_id for m in self.within(sentence)}
            # a state's leader stands for it in an agreement between states (拜登…与日本和荷兰合作)
            for a in list(here):
                actor = self.lex.get(a)
                if actor is not None and actor.type == "Person":
                    states = [x for x in actor.affiliated_with if getattr(self.lex.get(x), "type", None) == "Country"]
                    if len(states) == 1:
                        here.add(states[0])
            parties = sorted(a for a in ap.issuers if a in here and _is_party(self.lex, a, ("Country", "Organization")))
            for i, a in enumerate(parties):
                for b in parties[i + 1:]:
                    if not _related_by_lexicon(self.lex, a, b):
                        self.add(a, "cooperatesWith", b, sentence, "agreement")


def find_relations(text: str, mentions, lex: Lexicon, policies=()) -> list[Relation]:
    """The relations ``text`` states between the actors it mentions."""
    reader = _Reader(text, mentions, lex)
    if mentions:
        for sentence in sentences(text):
            here = reader.within(sentence)
            if not here:
                continue
            parts = LazyClauses(sentence)  # (split only where a cue needs them)
            reader._seats(sentence, parts)  # a seat may be a city, not an actor
            if len({m.actor_id for m in here}) < 2 and not reader._quoted_speaker(here[0].start, ("Country", "Organization", "Person")):
                if "Person" in _kinds(lex, here[0].actor_id):  # "Foreign Minister Wang Yi said…"
                    reader._titled(0, here[0], here, sentence)
                continue  # (a quotation's speaker named after it is the second party: “…荷兰…”毛宁说)
            reader.cues(sentence, parts)
            reader.harm_statements(sentence)
            reader.appositions(sentence, parts)
            reader.supply_roles(sentence, parts)
            reader.alliances(sentence)
            reader.lexicon(sentence)
    reader.restricts(policies)
    best: dict[tuple, Relation] = {}
    for rel in reader.out:
        key = (rel.subject, rel.predicate, rel.object, rel.sentence.start)
        if key not in best or rel.confidence > best[key].confidence:
            best[key] = rel
    return sorted(best.values(), key=lambda r: (r.sentence.start, r.subject, r.predicate, r.object))


@register("relations", produces=("kg:cooperatesWith", "kg:urges", "kg:criticizes", "kg:restricts", "kg:acquires",
                                 "kg:basedIn", "kg:affiliatedWith", "kg:Assertion"))
def extract_relations(ctx, doc, node) -> list[Relation]:
    """Write each relation the article states, with its assertion, into the article's graph."""
    rels = find_relations(doc.text, doc.mentions, ctx.lex, doc.policies)
    for rel in rels:
        s, o, p = ctx.actor(rel.subject), ctx.actor(rel.object), kg(rel.predicate)
        ctx.q.add(s, p, o, node)
        add_assertion(ctx, node, s, p, o, rel.sentence, doc.language, rel.confidence, rel.extractor)
    doc.relations = rels
    return rels
