"""Actor mentions: the countries, organizations and people an article's own text names.

Matching is exact and fast: one Aho-Corasick automaton (ahocorasick_rs, in Rust: every
match of a text in one call) over every name in the lexicon, run on text normalized character for character (NFKC, case-folded,
Traditional → Simplified with OpenCC), so offsets in the normalized text are offsets in
the article. Latin names need word boundaries; the longest match wins; short capitalized
aliases (US, AP) match only in capitals; an all-lowercase match of a capitalized name
("apple", "arm") is not a name. Aliases marked ambiguous in the lexicon count only when
the context allows (see :func:`_accept_ambiguous`); Chinese one-character abbreviations
count only in compounds (中美, 美、德等国). Rules are data: ``ontology/matching.yaml``.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

import ahocorasick_rs

from ..lexicon import Lexicon, normalize_names
from ..resources import load_yaml
from ..terms import schema
from ..text import normalize_chars, to_simplified
from . import register
from .phrases import Taken as _Taken, at_word_boundaries, find_every, is_capitals_only, placeholder_for, squeeze
from .words import jieba_dictionary, words_no_hmm

__all__ = ["Mention", "find_mentions", "normalize_text", "Matcher"]

def normalize_text(text: str) -> str:
    """Article text as the matcher sees it (same length as ``text``)."""
    return normalize_chars(text)


class Mention(NamedTuple):
    """An actor named in a text (a named tuple: an article has a hundred, made in C)."""
    actor_id: str
    start: int
    end: int
    surface: str
    kind: str  # label | alias | ambiguous | compound | discovered
    confidence: float


class _Entry(NamedTuple):
    """What a name in the automaton may be (a named tuple: a lexicon has a hundred thousand)."""
    actor_id: str
    kind: str
    case_sensitive: bool
    has_upper: bool
    latin: bool
    original: str
    #: the actor is a person
    person: bool = False
    #: a short Chinese name jieba's dictionary holds as no common word: checked against the
    #: segmentation of the text around it (``Matcher._inside_a_word``)
    check: bool = False
    #: the actor is a political party (共和党人 names its members)
    party: bool = False


class Matcher:
    def __init__(self, lex: Lexicon):
        rules = load_yaml("matching.yaml")
        self.lex = lex
        self.conf = rules["confidence"]
        self.confidence = {kind: float(v) for kind, v in self.conf.items()}
        #: the actors that are states (a lexicon's actors do not change)
        self.countries = frozenset(a.id for a in lex.actors.values() if a.type == "Country")
        self.body_state = {a.id: a.based_in for a in lex.actors.values()
                           if "GovernmentOrganization" in a.types and a.based_in in self.countries}
        # short Chinese names that could be read inside a longer word (中芯 in 美中芯片战):
        # those jieba's dictionary does not hold as common words are checked against the
        # segmentation of the text around them
        below = int(rules["boundary_check_below"])
        checked_keys: dict[str, bool] = {}

        def to_check(key: str) -> bool:
            hit = checked_keys.get(key)
            if hit is None:
                hit = checked_keys[key] = 2 <= len(key) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in key) \
                    and _jieba_freq().get(key, 0) < below
            return hit

        # every name's key, worked out together (a learned lexicon has a hundred thousand)
        every = sorted({n for a in lex.actors.values() for n in (*(name for _, name in a.names()), *a.ambiguous)})
        key_of = dict(zip(every, normalize_names(every)))
        table: dict[str, list[_Entry]] = {}
        for actor in lex.actors.values():
            ambiguous = {key_of[a] for a in actor.ambiguous}
            labels = {key_of[v] for v in actor.labels.values()}
            person, party = actor.type == "Person", "PoliticalParty" in actor.types
            for _, name in actor.names():
                key = key_of[name]
                if len(key) < 2:
                    continue  # one-character names only in compounds
                kind = ("ambiguous" if key in ambiguous else "discovered" if actor.discovered
                        else "label" if key in labels else "alias")
                latin = name[:1].isascii() and name[:1].isalnum() or name[-1:].isascii() and name[-1:].isalnum()
                entry = _Entry(
                    actor.id, kind,
                    case_sensitive=is_capitals_only(name),
                    has_upper=any(c.isupper() for c in name),
                    latin=latin,
                    original=name,
                    person=person,
                    check=not latin and to_check(key),
                    party=party,
                )
                bucket = table.setdefault(key, [])
                if all(e.actor_id != entry.actor_id or e.kind != entry.kind for e in bucket):
                    bucket.append(entry)
        # the automaton's pattern i is keys[i]; slots[i] is what a match of it may be: its
        # entries, and whether any of them needs a check (word boundaries, case)
        # (in sorted order, names sharing a beginning share the automaton's states side by
        # side in memory: an article's search, between other work, waits less on memory)
        keys = sorted(table)
        self.automaton = ahocorasick_rs.AhoCorasick(keys) if keys else None
        self.placeholder = placeholder_for(keys)
        self.slots = [(tuple(table[k]), any(e.latin or e.case_sensitive or e.has_upper for e in table[k]))
                      for k in keys]
        self.keys = frozenset(table)
        abbrev = rules["abbreviations"]
        self.abbrev = {to_simplified(k): v for k, v in abbrev.items()}
        #: the entry of each one-character abbreviation read in a compound (中美)
        self.compound_entries = {ch: _Entry(aid, "compound", False, False, False, ch, person=self._is_person(aid))
                                 for ch, aid in self.abbrev.items()}
        chars = "".join(sorted(self.abbrev))
        ctx = "|".join(sorted(map(re.escape, rules["compound_context"]), key=len, reverse=True))
        # (each look-behind checked after the first character, so that the engine looks for a match
        # only where such a character is, not at every position)
        self.compound = re.compile(rf"([{chars}](?<![{chars}](?s:.))(?:、?[{chars}])+)(?={ctx})")
        subj = "".join(sorted(to_simplified(c) for c in rules["subject_abbreviations"]))
        sctx = "|".join(sorted(map(re.escape, rules["subject_context"]), key=len, reverse=True))
        self.subject_abbrev = re.compile(rf"([{subj}])(?<![^\s，。、：；！？“”‘’「」（）()【】《》,.:;!?\"'](?s:.))(?={sctx})")
        self.loc_en = re.compile(r"(?:\b(?:" + "|".join(map(re.escape, rules["locatives_en"])) + r")\s+(?:the\s+)?)$", re.I)
        self.loc_zh = tuple(rules["locatives_zh"])
        self.demonym = re.compile(r"[A-Za-z]+(?:" + "|".join(map(re.escape, rules["demonym_endings"])) + r")")
        dest = rules["destination_before"]
        self.destination = re.compile(r"(?:(?<![a-z])(?:" + "|".join(map(re.escape, dest["en"])) + r")\s+(?:the\s+)?|(?:"
                                      + "|".join(map(re.escape, sorted(dest["zh"], key=len, reverse=True))) + r"))$", re.I)
        self.company_context = [normalize_text(w) for w in rules["company_context"]]
        self._context_words: dict[str, tuple[str, ...]] = {}  # actor id -> its context words, normalized
        self.particles = tuple(normalize_text(w) for w in rules.get("particle_prefixes") or ())
        heads = rules.get("body_heads") or {}
        self.body_suffixes = tuple(normalize_text(w) for w in heads.get("suffixes") or ())
        self.body_head = normalize_text(heads.get("head") or "")
        self.particles_after = frozenset(normalize_text(w) for w in rules.get("particles_after") or ())
        self.legal_forms = frozenset(normalize_text(w) for w in rules.get("legal_forms_after") or ())
        #: a party's name with one of these after it names its members (共和党人, 民主党籍): the party
        self.member_words = tuple(normalize_text(w) for w in rules.get("member_words_after") or ())

    # -------------------------------------------------------------- candidates
    def _candidates(self, text: str, norm: str) -> list[tuple[int, int, _Entry]]:
        out = []
        if self.automaton is None:
            return out
        slots = self.slots
        # every match, overlapping ones too, in the order of their ends (then longest first)
        for i, start, end in sorted(find_every(self.automaton, norm, self.placeholder), key=_END_START):
            entries, checked = slots[i]
            if not checked:
                for e in entries:
                    out.append((start, end, e))
                continue
            surface = None  # worked out only for a name whose case matters
            for e in entries:
                if e.latin and not at_word_boundaries(norm, start, end):
                    continue
                if e.case_sensitive or e.has_upper:
                    if surface is None:
                        surface = unicodedata.normalize("NFKC", text[start:end])
                    if e.case_sensitive and squeeze(surface) != squeeze(e.original):
                        continue
                    if e.has_upper and surface.islower():
                        continue
                out.append((start, end, e))
        return out

    def _is_locative(self, text: str, start: int) -> bool:
        before = text[max(0, start - 24):start]
        if self.loc_en.search(before):
            return True
        return before.endswith(self.loc_zh)

    def _could_straddle(self, norm: str, start: int, end: int, crossed: dict) -> bool:
        """Whether some dictionary word could cross an end of ``norm[start:end]``: jieba's
        prefix dictionary holds every word's prefixes, so a crossing word needs the text from
        up to four characters before an end to one after it to be such a prefix. ``crossed``
        keeps the answer for each place in ``norm`` (names found there share their ends)."""
        n = len(norm)
        for edge in (start, end):
            if edge < n:
                hit = crossed.get(edge)
                if hit is None:
                    freq = _jieba_freq()
                    stop = edge + 1
                    hit = False
                    for k in range(max(edge - 4, 0), edge):
                        if norm[k:stop] in freq:
                            hit = True
                            break
                    crossed[edge] = hit
                if hit:
                    return True
        return False

    def _inside_a_word(self, norm: str, start: int, end: int, cache: dict, crossed: dict, person: bool = False) -> bool:
        """True when the segmentation of the clause around ``norm[start:end]`` puts no word
        boundary at one of its ends (美中芯片战: 美 中 芯片 战 has none between 芯 and 片)."""
        left_open = start > 0 and "\u4e00" <= norm[start - 1] <= "\u9fff"
        right_open = end < len(norm) and "\u4e00" <= norm[end] <= "\u9fff"
        if not (left_open or right_open) or not self._could_straddle(norm, start, end, crossed):
            return False  # punctuation or Latin on both sides, or no word could cross: a boundary
        lo = start
        while lo > 0 and start - lo < 8 and "\u4e00" <= norm[lo - 1] <= "\u9fff":
            lo -= 1
        hi = end
        while hi < len(norm) and hi - end < 8 and "\u4e00" <= norm[hi] <= "\u9fff":
            hi += 1
        words = cache.get((lo, hi))
        if words is None:
            words, pos = [], lo
            for n in _word_lengths(norm[lo:hi]):
                words.append((pos, pos + n))
                pos += n
            cache[(lo, hi)] = words
        bounds = {a for a, _ in words} | {b for _, b in words}
        # a word that opens with a particle (对华) splits after it: 对华为 is 对 + 华为
        bounds |= {a + 1 for a, b in words if b - a > 1 and norm.startswith(self.particles, a)}
        if start in bounds and end in bounds:
            return False
        # a name of three characters or more that ends a word is the name (大厂长鑫存储: the
        # segmentation reads 厂长 "factory head", but 长鑫存储 ends a word); one that opens a
        # longer word is not (经济部门 "economic sectors", 共和党人 "Republicans"), nor one that
        # ends a longer word (北爱尔兰 "Northern Ireland")
        if end - start >= 3 and end in bounds and not any(a < start and b >= end for a, b in words):
            return False
        if self.body_head and norm.startswith(self.body_head, end) and norm[start:end].endswith(self.body_suffixes):
            return False  # 经济部长: the head of the 经济部
        if start in bounds and norm[end:end + 1] in self.particles_after \
                and any(a == end - 1 and b == end + 1 for a, b in words):
            return False  # 经济部将加强: 部将 is 部 + the particle 将
        # a person's name that opens a word the segmentation joined to the next one (拜登上台:
        # 拜 登上 台) is the name when what follows it reads as words of its own (上台 "take
        # office"), not as loose characters; an organization's is part of a longer name
        # (美国海军陆战队 "US Marine Corps" is no 美国海军)
        if person and start in bounds and end not in bounds and hi - end >= 2:
            rest = _word_lengths(norm[end:hi])
            if rest and rest[0] >= 2:
                return False
        # a dictionary word made of another name and this one (韩国三星) is two names, and one
        # made of this name and its legal form (高通公司, 美国高通公司) is the name
        for a, b in words:
            if end < b and norm[end:b] in self.legal_forms and (a == start or norm[a:start] in self.keys):
                return False
            if a < start < b and b == end and norm[a:start] in self.keys:
                return False
            if a == start and start < end < b and norm[end:b] in self.keys:
                return False
        return True

    def find(self, text: str) -> list[Mention]:
        norm = normalize_text(text)
        cands = self._candidates(text, norm)
        cache: dict = {}  # the words of each window segmented
        crossed: dict = {}  # whether a word could cross each place (_could_straddle)

        def read_inside(s: int, e: int, entry: _Entry) -> bool:
            """Whether a short Chinese name is read inside a longer word here (then it is no
            mention). Asked only of a candidate about to be chosen: the answer depends on
            the candidate alone, so skipping one now is as if it had never been found."""
            return entry.check and not (entry.party and norm.startswith(self.member_words, e)) \
                and self._inside_a_word(norm, s, e, cache, crossed, entry.person)

        compound = self.compound_entries
        for m in self.compound.finditer(norm):
            pos = m.start()
            for ch in m.group(1):
                if ch != "、":
                    cands.append((pos, pos + 1, compound[ch]))
                pos += 1
        for m in self.subject_abbrev.finditer(norm):
            ch = m.group(1)
            cands.append((m.start(1), m.end(1), compound[ch]))
        # longest match first, then earliest. Each character of a compound (中美) ranks like
        # a two-character name and yields only to longer names covering it (美国, 中美洲...)
        spans = sorted(cands, key=lambda c: (-(c[1] - c[0]) if c[2].kind != "compound" else -2,
                                             norm.startswith(self.particles, c[0]) and c[1] - c[0] > 1, c[0]))
        taken = _Taken()
        chosen: list[tuple[int, int, _Entry]] = []
        only_ambiguous: dict[tuple[int, int], bool] = {}  # span -> every name chosen there is ambiguous
        for s, e, entry in spans:
            if entry.kind == "ambiguous" and (s, e) in taken and only_ambiguous.get((s, e), True):
                if not read_inside(s, e, entry):
                    chosen.append((s, e, entry))  # one ambiguous name of several actors (商务部): decided below
                continue
            if entry.kind != "compound" and taken.overlapping(s, e):
                continue
            if entry.kind == "compound" and any(te - ts > 2 for ts, te in taken.overlapping(s, e)):
                continue
            if entry.kind != "compound" and read_inside(s, e, entry):
                continue
            chosen.append((s, e, entry))
            only_ambiguous[(s, e)] = only_ambiguous.get((s, e), True) and entry.kind == "ambiguous"
            if entry.kind != "compound":
                taken.add(s, e)
        confident = {entry.actor_id for _, _, entry in chosen if entry.kind != "ambiguous"}
        # a name glossed by another of the same actor is no longer ambiguous: 苹果（Apple）
        starts = {(s, entry.actor_id) for s, _, entry in chosen}
        for s, e, entry in chosen:
            gap = _GAP.match(norm, e, e + 4)
            if gap and (gap.end(), entry.actor_id) in starts:
                confident.add(entry.actor_id)
        countries = self.countries
        states = sorted((s, entry.actor_id) for s, _, entry in chosen if entry.kind != "ambiguous"
                        and entry.actor_id in countries and not self.destination.search(norm[max(0, s - 12):s]))
        # ... and a state's own body named plainly (行政院 … 经济部: Taiwan's) sets its state too
        states = sorted(states + [(s, self.body_state[entry.actor_id]) for s, _, entry in chosen
                                  if entry.kind not in ("ambiguous", "compound") and entry.actor_id in self.body_state])
        plain_at = sorted((s, entry.actor_id) for s, _, entry in chosen if entry.kind not in ("ambiguous", "compound"))
        persons_at = sorted((s, entry.actor_id) for s, _, entry in chosen if entry.person)
        memo: dict = {}  # the reading of each bare name read by the state named last
        read: set = set()  # (start, actor) of the later mentions that reading decided
        by_span: dict[tuple[int, int], list[_Entry]] = {}
        for s, e, entry in chosen:
            by_span.setdefault((s, e), []).append(entry)
        mentions = []
        confidence = self.confidence
        for (s, e), entries in sorted(by_span.items()):
            if len(entries) > 1 and all(x.kind == "ambiguous" for x in entries):
                titled = self._titled(entries, e, persons_at)
                read |= {(s, x.actor_id) for x in titled}  # decided by the person's title
                entries = titled or self._pick(entries, s, confident, states, plain_at, memo, read)
            for entry in (sorted(entries, key=lambda x: x.actor_id) if len(entries) > 1 else entries):
                if entry.kind == "ambiguous" and (s, entry.actor_id) not in read \
                        and not self._accept_ambiguous(text, s, entry, confident, states):
                    continue
                mentions.append(Mention(entry.actor_id, s, e, text[s:e], entry.kind, confidence[entry.kind]))
        return mentions

    def _is_person(self, actor_id: str) -> bool:
        actor = self.lex.get(actor_id)
        return actor is not None and actor.type == "Person"

    def _in_context(self, text: str, start: int, actor) -> bool:
        """An ambiguous company name with words of its trade next to it (苹果的5G版iPhone,
        苹果公司股价): the actor's own context words, or for a company those of
        ``company_context`` in ontology/matching.yaml."""
        words = self._context_words.get(actor.id)
        if words is None:
            words = [normalize_text(w) for w in actor.context]
            if "Corporation" in actor.types:
                words += self.company_context
            words = self._context_words[actor.id] = tuple(words)
        if not words:
            return False
        window = normalize_text(text[max(0, start - 8):start + 24])
        return any(w in window for w in words)

    def _titled(self, entries: list[_Entry], end: int, persons_at) -> list[_Entry]:
        """Of the bodies one ambiguous name may be, the one the person named right after it (in
        a title: 商务部助理部长肯德勒) serves, by the lexicon (directly or through a unit of it)."""
        k = bisect.bisect_left(persons_at, (end, ""))
        if k == len(persons_at) or persons_at[k][0] - end > 16:
            return []
        person = self.lex.get(persons_at[k][1])
        serves = set(person.affiliated_with) if person is not None else set()
        for a in list(serves):
            unit = self.lex.get(a)
            serves |= set(unit.affiliated_with) if unit is not None else set()
        hits = [x for x in entries if x.actor_id in serves]
        return hits if len(hits) == 1 else []

    def _latest_state(self, start: int, states) -> str | None:
        """The state named last before ``start`` (plainly, not by an ambiguous name)."""
        before = [a for s, a in states if s < start]
        return before[-1] if before else None

    def _pick(self, entries: list[_Entry], start: int, confident: set[str], states, plain_at=(),
              memo: dict | None = None, read: set | None = None) -> list[_Entry]:
        """Of the actors one ambiguous name may be (商务部: the US or China's commerce
        ministry), the one the article names plainly (of several, the one named last before
        it: 中国国防部…美国国防部…国防部 is the US's), else the body of the state named last, and
        that reading again for the same name later in the article (``memo``; those mentions
        are recorded in ``read``)."""
        plain = [x for x in entries if x.actor_id in confident]
        if len(plain) == 1:
            return plain
        if plain:
            ids = {x.actor_id for x in plain}
            last = [a for s, a in plain_at if s < start and a in ids]
            if last:
                return [x for x in plain if x.actor_id == last[-1]][:1]
        key = tuple(sorted(x.actor_id for x in entries))
        if memo is not None and key in memo:
            # one reading per article: a bare name read by the state named last keeps that reading
            if read is not None:
                read.add((start, memo[key]))
            return [x for x in entries if x.actor_id == memo[key]]
        latest = self._latest_state(start, states)
        bodies = [x for x in entries if self.lex.get(x.actor_id) is not None and self.lex.get(x.actor_id).based_in == latest]
        if len(bodies) != 1:
            return []
        if memo is not None:
            memo[key] = bodies[0].actor_id
        return bodies

    def _accept_ambiguous(self, text: str, start: int, entry: _Entry, confident: set[str], states=()) -> bool:
        """An ambiguous alias counts when the actor is also named plainly in the article; for a
        state's capital or demonym, when it is not used as a place ("in Beijing"); for a
        government body or party (国会, 民主党), when its state is the one the article named last."""
        if entry.actor_id in confident:
            return True
        actor = self.lex.get(entry.actor_id)
        if actor is None:
            return False
        if actor.type == "Country":
            return bool(self.demonym.fullmatch(entry.original)) \
                or not self._is_locative(text, start)
        if self._in_context(text, start, actor):
            return True
        return bool({"GovernmentOrganization", "PoliticalParty"} & set(actor.types)) and bool(actor.based_in) \
            and actor.based_in == self._latest_state(start, states)



_END_START = itemgetter(2, 1)  # a match (pattern, start, end) by its end, then start
_GAP = re.compile(r"\s*[（(]\s*")  # between a name and its gloss: 苹果（Apple）


@lru_cache(maxsize=1 << 16)
def _word_lengths(window: str) -> tuple[int, ...]:
    """The lengths of the dictionary words of a short window (jieba without HMM: an unknown
    name stays whole or falls into single characters); windows recur across articles."""
    return tuple(len(w) for w in words_no_hmm(window))


def _jieba_freq() -> dict:
    """jieba's dictionary frequencies (loads the dictionary once)."""
    return jieba_dictionary().FREQ


@lru_cache(maxsize=4)
def _matcher(lex: Lexicon) -> Matcher:
    return Matcher(lex)


def find_mentions(text: str, lex: Lexicon) -> list[Mention]:
    return _matcher(lex).find(text)


@register("actors", produces=("schema:mentions", "schema:Country", "schema:Organization", "schema:Person"))
def extract_actor_mentions(ctx, doc, node) -> list[Mention]:
    """Write ``article schema:mentions actor`` for every lexicon actor the article's own
    text names (headline, excerpt, body; never related items or navigation)."""
    mentions = find_mentions(doc.text, ctx.lex)
    for actor_id in sorted({m.actor_id for m in mentions}):
        ctx.q.add(node, schema("mentions"), ctx.actor(actor_id), node)
    doc.mentions = mentions  # later extractors (policies, relations) read them
    return mentions
