"""Discovery: actors the lexicon lacks, and names of known actors it lacks.

:func:`find_candidates` is a plain function over an article's own text. It reads four cues:

- **glosses**: a Chinese name followed by its Latin form in brackets, 阿斯麦（ASML） or
  蒂埃里‧布雷顿（Thierry Breton). When one side is a known actor, the other becomes one
  more of its names; when neither is, a new actor with both names, if the shape tells a
  person (a transliteration dot, a title before it) from an organization (an organization
  suffix or descriptor);
- **titles**: "Commerce Secretary Gina Raimondo", 外交部发言人汪文斌 (the Chinese name is
  checked with jieba's part-of-speech tags, on a short window only, since segmenting is
  slow); "Cloudflare CEO Matthew Prince" also gives the organization;
- **organization suffixes**: "Horizon Ventures", "Canaan Inc.";
- **descriptors**: "chipmaker Kneron".

:func:`learn` turns the candidates of a whole build into a :class:`~kg.lexicon.Lexicon`
with the new names and actors added. Names linked by a gloss are one actor, whatever the
article; a discovered actor is marked (``Actor.discovered``) and its mentions carry the
lower "discovered" confidence. Every cue word, suffix and stop word is data:
``ontology/discovery.yaml``.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace
from functools import lru_cache
from typing import Iterable, Iterator, NamedTuple, Optional

import ahocorasick_rs

from ..iri import slugify
from ..lexicon import Actor, Lexicon, normalize_name, normalize_names
from ..resources import load_yaml
from ..text import nfkc, to_simplified
from .phrases import alternation, find_every, placeholder_for
from .sentences import sentences
from .words import best_path, jieba_dictionary, words_hmm, words_no_hmm

__all__ = ["Candidate", "find_candidates", "learn", "learn_from"]

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CAP = r"(?:[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?|[A-Z]{2,}[a-z]*|[A-Z][a-z]*[A-Z][a-z]+|[A-Z]\.)"
_FIRST = r"(?<![A-Za-z]\.)(?:[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?|[A-Z]{2,}[a-z]*|[A-Z][a-z]*[A-Z][a-z]+)"


#: what :meth:`_Rules.no_name_zh` says of a Chinese name that is none
COMMON, CUT = 1, 2


class Candidate(NamedTuple):
    """Names one actor goes by, as read from one cue. ``type`` is None when the cue only
    tells that two names are one (a gloss of a known actor). (A named tuple: a build keeps
    every file's candidates in its cache, and a tuple is read back some five times faster
    than a dataclass.)"""
    names: tuple[tuple[str, str], ...]  # (language, name): "en" or "zh"
    type: Optional[str]
    how: str  # gloss | title | org-title | suffix | descriptor


#: two or three capitalized words (Mark Li, Martijn Rasser, Mary Jo White)
_LATIN_PERSON = r"[A-Z][a-z]+(?:[ -][A-Z][a-z'’]+){1,2}"


def _alternation(words: Iterable[str], not_after: str = "") -> str:
    return alternation(words, not_after)  # a trie: the same matches as the longest-first alternation


class _Rules:
    def __init__(self, lex: Lexicon):
        r = load_yaml("discovery.yaml")
        self.lex = lex
        self.stop_en = set(r["stopwords_en"])
        self.gloss_leading_en = set(r["gloss_leading_en"])
        self.weak_en = set(r["weak_suffixes_en"])
        self.suffix_words = set(r["org_suffixes_en"]) | set(r["legal_suffixes_en"])
        self.generic_en = set(r["generic_en"])
        self.surnames = set(to_simplified(r["surnames_zh"]))
        self.stop_zh = {to_simplified(w) for w in r["stopwords_zh"]}
        techs = load_yaml("technologies.yaml")
        tech_names = {n for t in techs for n in list(t["labels"].values())
                      + [a for v in (t.get("aliases") or {}).values() for a in v]}
        named = [n for p in load_yaml("policies.yaml").get("named", [])
                 for n in [*(p.get("labels") or {}).values(), *[a for v in (p.get("aliases") or {}).values() for a in v]]]
        self.not_actors = {normalize_name(x) for x in [*r["not_actors"], *tech_names, *named]}
        self.trailing_zh = tuple(to_simplified(w) for w in r["trailing_titles_zh"])
        self.legal = re.compile(r"[\s,]+(?:" + _alternation(r["legal_suffixes_en"]) + r")$")
        self.titles_zh = sorted({to_simplified(w) for w in r["titles_zh"]}, key=len, reverse=True)
        self.org_descriptors_zh = {to_simplified(w) for w in r["descriptors_zh"]}
        self.boundaries_zh = sorted({to_simplified(w) for w in r["boundaries_zh"]} | self.org_descriptors_zh
                                    | set(self.titles_zh),
                                    key=len, reverse=True)
        self.boundary_matcher = ahocorasick_rs.AhoCorasick(self.boundaries_zh)
        self.boundary_placeholder = placeholder_for(self.boundaries_zh)
        self.org_suffix_zh = tuple(sorted({to_simplified(w) for w in r["org_suffixes_zh"]}, key=len, reverse=True))
        dots = re.escape(r["name_dots"])
        self.dotted = re.compile(rf"[{HAN}]+(?:[{dots}][{HAN}]+)+$")
        self.dotted_head = re.compile(rf"^[{HAN}]{{1,4}}(?:[{dots}][{HAN}]+)+")
        self.dots = r["name_dots"]
        self.dot_split = re.compile(f"[{re.escape(self.dots)}]")
        legal = "|".join(map(re.escape, sorted(r["legal_forms_zh"], key=len, reverse=True)))
        self.legal_zh = re.compile(rf"([{HAN}]{{2,16}}?)(?:[（(]集团[）)])?(?:{legal})")
        # where a legal form starts (overlapping: 有限公司 inside 股份有限公司); a registered
        # name's first form is 2 to 20 characters after its start (see _anchored)
        self.legal_form_at = re.compile(rf"(?=(?:{legal}))")
        self.term_variants_zh = tuple((to_simplified(a), to_simplified(b)) for a, b in r["term_variants_zh"].items())
        self.trade_words_zh = tuple(sorted(r["trade_words_zh"], key=len, reverse=True))
        self.places_zh = tuple(sorted({to_simplified(n) for names in load_yaml("places.yaml").values() for n in names
                                       if re.fullmatch(f"[{HAN}]+", n)}, key=len, reverse=True))
        after = sorted(r["after_name_zh"], key=len, reverse=True)
        self.after_name = re.compile("|".join(map(re.escape, after)))
        name = rf"{_FIRST}(?: {_CAP}){{1,3}}"
        word = r"[\w-]"  # a match of these cues opens no word
        self.title_en = re.compile(rf"(?:{_alternation(r['titles_en'], word)})\s+({name})")
        self.org_title_en = re.compile(rf"(?<![\w.-])((?:{_FIRST} )?{_CAP})(?:'s)? (?:{_alternation(r['org_titles_en'])})\b")
        self.suffix_en = re.compile(rf"(?<![\w.-])({_FIRST} (?:{_CAP} ){{0,3}}(?:{_alternation(r['org_suffixes_en'])}))(?![\w-])")
        org = rf"{_FIRST}(?:(?: (?:of|for|and|&|on|the))* {_CAP})*"
        self.appositive_en = re.compile(
            rf"(?<![\w-])({name}), (?:a|an|the) (?:[a-z-]+ ){{0,2}}?(?:{_alternation(r['appositive_titles_en'])})"
            rf"(?: (?:at|of|with|for) (?:the )?({org}))?(?=[,.;:]| and | who | said| says| told|$)")
        self.descriptor_en = re.compile(
            rf"(?:{_alternation(r['descriptors_en'], word)}) ({_FIRST}(?: {_CAP}){{0,2}})(?![\w-])")
        self.gloss = re.compile(rf"([{HAN}{dots}]{{2,24}})\(([A-Za-z][A-Za-z0-9.&'\- ]{{0,48}}?)\)")
        # what stands around the "(" of every gloss: two name characters before it, a letter after
        self.gloss_anchor = re.compile(rf"[{HAN}{dots}]{{2}}\([A-Za-z]")
        self.quoted_list = re.compile(_QUOTED_LIST.pattern % _alternation(r["quoted_list_heads_zh"]))
        heads = r["quoted_name_heads_zh"]
        self.quoted_name = re.compile(rf"(?:(?:{_alternation(heads['before'])})“([^“”，。、\s]{{2,16}})”"
                                      rf"|“([^“”，。、\s]{{2,16}})”(?=(?:{_alternation(heads['after'])})))")
        self.org_zh = re.compile(rf"(?<=[{HAN}])(?:{_alternation(to_simplified(w) for w in r['org_suffixes_zh_standalone'])})")
        self.object_zh = re.compile(rf"(?:{_alternation(r['object_verbs_zh'])})([{HAN}]{{4,18}})(?=[，,。；;、]|$)")
        self.listed_zh = re.compile(rf"将([^，,。；;：:“”\"\n]{{4,160}}?)(?:{_alternation(r['listing_verbs_zh'])})")
        self.rare_below, self.min_repeats = int(r["rare_below"]), int(r["min_repeats"])
        self.not_name_first = {to_simplified(w) for w in r["not_name_first_zh"]}
        self.not_name_last = set(r["not_name_last_pos"])
        self._no_name: dict[tuple[str, Optional[str], bool], int] = {}
        tags = r["name_tags_zh"]
        self.name_tags = {"Person": set(tags["person"]), "Organization": set(tags["organization"]),
                          None: set(tags["person"]) | set(tags["organization"]) | set(tags["place"])}
        self.generic_zh = {to_simplified(w) for w in r["generic_zh"]}
        self.state_chars = set(load_yaml("matching.yaml")["abbreviations"])  # 中美, 美日: states, not a name
        self.leading_zh = tuple(to_simplified(w) for w in r["leading_zh"])
        self.ticker = re.compile(rf"([{HAN}]{{2,12}}) ?\((?:{r['ticker_pattern']})\)")
        self.ticker_anchor = re.compile(rf"[{HAN}]{{2}} ?\(")  # ... and before a ticker's "("
        # a Latin name (one to four capitalized words) right before a Chinese title and a name
        self.latin_employer = re.compile(
            rf"(?<![A-Za-z0-9&.'’-])([A-Z][A-Za-z0-9&'’-]*[A-Za-z0-9](?: [A-Z][A-Za-z0-9&'’-]*){{0,3}})"
            rf"(?=[{HAN}]{{0,4}}?(?:{_alternation(self.titles_zh)})(?:[{HAN}]{{2,4}}|{_LATIN_PERSON}))")
        self.title_zh = re.compile(rf"(?:{_alternation(self.titles_zh)})([{HAN}{dots}]{{2,12}})")
        # a Latin personal name right after a Chinese title (半导体分析师Mark Li认为)
        person_titles = [t for t in self.titles_zh if t not in {to_simplified(w) for w in r["naming_words_zh"]}]
        self.title_latin = re.compile(rf"(?:{_alternation(person_titles)})({_LATIN_PERSON})(?![A-Za-z0-9&'’.-]| [A-Za-z])")
        self.not_name_flags = set(r["not_name_pos"])
        self.employer_zh = re.compile(
            rf"([{HAN}]{{2,12}}?(?:{_alternation(to_simplified(w) for w in r['employer_suffixes_zh'])}))"
            rf"(?:[（(][A-Za-z0-9 .&'’-]{{1,40}}[）)])?"  # a gloss: 加拿大驻台北贸易办事处（CTOT）代表倪杰民
            rf"([{HAN}]{{0,8}}?)(?:{_alternation(self.titles_zh)})$")

    # ------------------------------------------------------------------ checks
    def known(self, name: str) -> set[str]:
        return self.lex.by_name.get(normalize_name(name), set())

    def known_each(self, names: list[str]) -> list[set[str]]:
        """:meth:`known` of each name, the names normalized together (faster)."""
        by_name = self.lex.by_name
        return [by_name.get(k, set()) for k in normalize_names(names)]

    def en_name(self, name: str, whole: bool = False) -> Optional[str]:
        """A Latin name as it should be recorded, or None if it is not a name. ``whole``: the
        text is a name in full (a gloss), which loses only a leading article or honorific
        (``gloss_leading_en``): "China Mobile", "National Institutes of Health" keep their
        first word, which in running text is as often not a name's (China's, National
        security...)."""
        name = re.sub(r"'s$", "", name.strip(" .,'")) if not name.endswith(".") or " " not in name else name
        words = name.split()
        while words and ((words[0] in self.gloss_leading_en) if whole else (words[0] in self.stop_en or words[0].endswith("-based"))):
            words = words[1:]
        while words and words[-1] in self.stop_en:
            words = words[:-1]
        if not words:
            return None
        name = " ".join(words)
        if normalize_name(name) in self.not_actors or len(name) < 2 or name.isdigit():
            return None
        return name

    def common(self, words: list[str]) -> bool:
        return all(w in self.generic_en or w in self.weak_en for w in words)

    def generic(self, name: str) -> bool:
        """A phrase of common words ending in a weak suffix ("Consumer Electronics")."""
        words = name.split()
        return words[-1] in self.weak_en and self.common(words[:-1])

    def known_loose(self, name: str) -> set[str]:
        """Actors a Latin name is known for, with or without its legal suffix ("Canaan Inc.")."""
        return self.known(name) | self.known(self.strip_legal(name))

    def known_head(self, name: str) -> bool:
        """A known actor's name followed by more words ("Tencent Holdings", "Sony Semiconductor")."""
        words = name.split()
        return any(self.known(" ".join(words[:k])) for k in range(1, len(words)))

    def plain_zh(self, name: str) -> bool:
        """A Chinese name specific enough to be matched anywhere (see surnames_zh)."""
        return self.dots[0] in name or len(name) >= 4 or (name[0] in self.surnames and len(name) <= 3)

    def trim_dotted(self, name: str) -> str:
        """A dotted name's last part ends before the words that follow a name
        (格雷格·艾伦对路透社表示: 格雷格·艾伦)."""
        head, _, last = name.rpartition(self.dots[0])
        cut = self.after_name.search(last, 1)
        if cut:
            last = last[:cut.start()]
        return f"{head}{self.dots[0]}{last}" if last else head

    def zh_name(self, name: str) -> Optional[str]:
        name = to_simplified(name).strip(self.dots)
        for t in self.trailing_zh:
            if name.endswith(t) and len(name) > len(t) + 1:
                name = name[:-len(t)]
                break
        if len(name) < 2 or name in self.stop_zh or normalize_name(name) in self.not_actors:
            return None
        return name

    def no_name_zh(self, name: str, typ: Optional[str], named: bool = False) -> int:
        """Whether a Chinese name read by a cue for an actor of type ``typ`` (None: a name a
        gloss gives a known actor) is no name (see `rare_below` in discovery.yaml): 0 if it
        may be one; :data:`COMMON` if it is a common word, or a verb or an adverb the cue
        does not mark as a name by a Latin gloss or a stock code (``named``: 强生（Johnson &
        Johnson）, 安踏 (2020.HK)), so that the cue names nobody; :data:`CUT` if it runs over
        its name's bounds (发布了, 高管曾表示, 也停止销售萤石（Ezviz）), so that only the
        Chinese name goes."""
        key = (name, typ, named)
        got = self._no_name.get(key)
        if got is None:
            got = self._no_name_zh(name, typ, named)
            got = self._no_name[key] = got if not got or not self.known(name) else 0
        return got

    def no_name_en(self, name: str) -> bool:
        """Whether a Latin name read by a cue is a term (``not_actors``: COVID-19, PCR) or one
        word that says what kind of body it is, not which one (University, Institute, Co)."""
        if normalize_name(name) in self.not_actors:
            return True
        if " " in name:
            return False
        word = name.capitalize()
        return word in self.suffix_words or word in self.generic_en or word in self.weak_en or word in self.stop_en

    def _no_name_zh(self, name: str, typ: Optional[str], named: bool) -> int:
        freq = jieba_dictionary().FREQ.get(name, 0)
        if freq >= self.rare_below:  # one common word of the dictionary
            # ... unless the dictionary tags it as the kind of name the cue reads: a person's
            # (江泽民), and for a known actor a place's too (蒙古（Mongolia）)
            return COMMON if _pos_tokenizer().word_tag_tab.get(name, "") not in self.name_tags[typ] else 0
        person = typ == "Person"
        if freq and not person and not named and _pos_tokenizer().word_tag_tab.get(name, "")[:1] in self.not_name_flags:
            return COMMON  # one word of the dictionary, and a verb, an adverb... (“管控”, “抹黑”)
        if person and name[:1] not in self.not_name_first:
            return 0  # (the rest concerns organizations only)
        words = words_no_hmm(name)
        if not person and len(words) > 1 and len(words[-1]) == 1 \
                and _pos_tokenizer().word_tag_tab.get(words[-1], "") in self.not_name_last:
            return CUT  # ... ending in a particle (发布了)
        if name[:1] not in self.not_name_first or words[0] != name[0]:
            return 0
        rest = name[1:]
        return CUT if rest in self.not_name_first or self.known(rest) or _all_common(rest, self.rare_below) else 0

    def strip_legal(self, name: str) -> str:
        return self.legal.sub("", name).strip() or name


def _positions(text: str, sub: str) -> Iterator[int]:
    """Where ``sub`` occurs in ``text``, in order."""
    at = text.find(sub)
    while at >= 0:
        yield at
        at = text.find(sub, at + 1)


def _anchored(rx: re.Pattern, text: str, anchors: Iterable[int], first: int, reach: int) -> Iterator[re.Match]:
    """The matches of ``rx.finditer(text)``, found without trying ``rx`` at every position:
    for a pattern whose every match has its first anchor (a "(", a legal form) from
    ``first`` to ``reach`` characters after the match's start, only the starts from
    ``reach`` to ``first`` characters before each anchor (``anchors``, increasing) are
    tried, in order, as the regex engine would."""
    pos = 0  # the next match starts here or later
    for a in anchors:
        s = max(pos, a - reach)
        while s <= a - first:
            m = rx.match(text, s)
            if m is None:
                s += 1
                continue
            yield m
            pos = s = max(m.end(), s + 1)
        pos = max(pos, a - first + 1)


@lru_cache(maxsize=4)
def _rules(lex: Lexicon) -> _Rules:
    return _Rules(lex)


@lru_cache(maxsize=1)
def _jieba():
    """jieba, quiet (its log level set once: setting it clears every logger's cache)."""
    import jieba

    jieba.setLogLevel(60)
    return jieba


@lru_cache(maxsize=8192)
def _segment_window(text: str) -> tuple[tuple[str, str], ...]:
    """Words and part-of-speech tags of a short window (jieba; slow, so kept to windows)."""
    _jieba()
    return tuple((w.word, w.flag) for w in _pos_tokenizer().cut(text))


@lru_cache(maxsize=8192)
def _leading_name(window: str) -> Optional[str]:
    """The leading name-tagged words of a short window, three characters at most (龚/明德),
    or None for a window without words: the words and tags of :func:`_segment_window`, read
    lazily, so that the HMM does not tag the runs after those words."""
    _jieba()
    name, any_word = "", False
    for w in _pos_tokenizer().cut(window):
        any_word = True
        if not w.flag.startswith("nr") or len(name) + len(w.word) > 3:
            break
        name += w.word
    return name if any_word else None


@lru_cache(maxsize=1)
def _pos_tokenizer():
    """jieba's part-of-speech tokenizer (its dictionary and tags, shared with
    ``jieba.posseg.dt``) with a faster Viterbi search for the words the dictionary lacks:
    the same path and tags as ``jieba.posseg.cut`` (tests/test_discovery.py compares them)."""
    import jieba.posseg as pseg

    from_states: dict = defaultdict(dict)  # state -> {previous state: transition log-probability}
    for y0, nexts in pseg.trans_P.items():
        for y, p in nexts.items():
            from_states[y][y0] = p

    @lru_cache(maxsize=4096)  # a run of unknown characters (a name) recurs across articles
    def viterbi(obs: str):
        return _viterbi(obs, pseg.char_state_tab_P, pseg.start_P, pseg.trans_P, pseg.emit_P, from_states)

    class _POSTokenizer(pseg.POSTokenizer):
        # jieba's POSTokenizer.__cut (name-mangled), with the search above
        def _POSTokenizer__cut(self, sentence):
            prob, pos_list = viterbi(sentence)
            begin, nexti = 0, 0
            for i, char in enumerate(sentence):
                pos = pos_list[i][0]
                if pos == "B":
                    begin = i
                elif pos == "E":
                    yield pseg.pair(sentence[begin:i + 1], pos_list[i][1])
                    nexti = i + 1
                elif pos == "S":
                    yield pseg.pair(char, pos_list[i][1])
                    nexti = i + 1
            if nexti < len(sentence):
                yield pseg.pair(sentence[nexti:], pos_list[nexti][1])

        # jieba's POSTokenizer.__cut_DAG, with the route of kg.extract.words.best_path (the
        # same route, found in one loop)
        def _POSTokenizer__cut_DAG(self, sentence):
            route = best_path(sentence)
            tags = self.word_tag_tab
            freq = self.tokenizer.FREQ
            x = 0
            buf = ""
            n = len(sentence)
            while x < n:
                y = route[x][1] + 1
                l_word = sentence[x:y]
                if y - x == 1:
                    buf += l_word
                else:
                    if buf:
                        yield from self._unknown(buf, tags, freq)
                        buf = ""
                    yield pseg.pair(l_word, tags.get(l_word, "x"))
                x = y
            if buf:
                yield from self._unknown(buf, tags, freq)

        def _unknown(self, buf, tags, freq):
            """A run of single characters: alone, a word of the dictionary (its characters),
            or read by the HMM."""
            if len(buf) == 1:
                yield pseg.pair(buf, tags.get(buf, "x"))
            elif not freq.get(buf):
                yield from self._POSTokenizer__cut_detail(buf)
            else:
                for elem in buf:
                    yield pseg.pair(elem, tags.get(elem, "x"))

    tok = _POSTokenizer.__new__(_POSTokenizer)
    tok.__dict__.update(pseg.dt.__dict__)  # the same dictionary and tag table, loaded once
    return tok


_MIN_FLOAT = -3.14e100  # jieba.posseg.viterbi's floor for an unseen emission
_MIN_INF = float("-inf")


def _viterbi(obs, states, start_p, trans_p, emit_p, from_states):
    """``jieba.posseg.viterbi`` with the same result, faster: a state's best predecessor is
    looked for among the states that can lead to it (the others score -inf); only when none
    of those scores above -inf is every predecessor compared, as jieba does."""
    all_states = trans_p.keys()
    prev = {}
    mem_path = [{}]
    for y in states.get(obs[0], all_states):
        prev[y] = start_p[y] + emit_p[y].get(obs[0], _MIN_FLOAT)
        mem_path[0][y] = ""
    for t in range(1, len(obs)):
        ch = obs[t]
        prev_states = [x for x in prev if len(trans_p[x]) > 0]
        expect_next = set().union(*(trans_p[x] for x in prev_states))
        obs_states = set(states.get(ch, all_states)) & expect_next
        if not obs_states:
            obs_states = expect_next if expect_next else all_states
        cur, path = {}, {}
        prev_keys = prev.keys()
        for y in obs_states:
            e = emit_p[y].get(ch, _MIN_FLOAT)
            best = None
            into = from_states[y]
            for y0 in into.keys() & prev_keys:
                cand = (prev[y0] + into[y0] + e, y0)
                if best is None or cand > best:
                    best = cand
            if best is None or best[0] == _MIN_INF:
                best = max((prev[y0] + trans_p[y0].get(y, _MIN_INF) + e, y0) for y0 in prev_states)
            cur[y], path[y] = best
        prev = cur
        mem_path.append(path)
    prob, state = max((prev[y], y) for y in mem_path[-1])
    route = [None] * len(obs)
    i = len(obs) - 1
    while i >= 0:
        route[i] = state
        state = mem_path[i][state]
        i -= 1
    return prob, route


@lru_cache(maxsize=8192)
def _last_word(text: str) -> str:
    """The last word of a short window (jieba without tags, several times faster)."""
    words = words_hmm(text)
    return words[-1] if words else ""


# ---------------------------------------------------------------------------- glosses
def _gloss_left(rules: _Rules, left: str) -> tuple[Optional[str], str]:
    """The Chinese name that ends right before a gloss, and how its start was found:
    ``known`` (a lexicon name), ``title`` (after a title), ``org`` (after an
    organization descriptor), ``dotted`` (a transliterated name), ``bare`` or ``jieba``."""
    tails = [left[-k:] for k in range(min(len(left), 14), 1, -1)]
    for tail, known in zip(tails, rules.known_each(tails)):
        if known:
            return tail, "known"
    head = left
    m = rules.dotted.search(left)
    if m:  # a transliterated name: its last parts, back to the first long one (which has a prefix)
        parts = m.group(0).split(rules.dots[0])
        keep = [parts.pop()]
        while parts:
            keep.insert(0, parts.pop())
            if len(keep[0]) > 4:
                break
        head = rules.dots[0].join(keep)
    cut, how = 0, "bare"
    first = rules.dot_split.split(head, maxsplit=1)[0]
    # the name starts after the boundary word that ends last (the longest of those ending there)
    hits = find_every(rules.boundary_matcher, first, rules.boundary_placeholder)
    if hits:
        cut = max(end for _, _, end in hits)
        w = rules.boundaries_zh[min((start, i) for i, start, end in hits if end == cut)[1]]
        how = "title" if w in rules.titles_zh else ("org" if w in rules.org_descriptors_zh else "bare")
    name = head[cut:]
    if m:
        given = first[cut:]
        if not 1 <= len(given) <= 4:
            tokens = _segment_window(given[-8:])
            given = ""
            for word, flag in reversed(tokens):  # the trailing name-tagged words (阿什/温)
                if not flag.startswith(("nr", "nz", "x")) or len(given) + len(word) > 4:
                    break
                given = word + given
            if not 1 <= len(given) <= 4:
                return None, ""
            name = given + head[len(first):]
        return name, "dotted"
    if cut == 0 and len(name) > 5:
        tokens = _segment_window(name[-10:])
        if not tokens:
            return None, ""
        word, flag = tokens[-1]
        if len(tokens) >= 2 and word.endswith(rules.org_suffix_zh) and len(word) <= 2:
            word = tokens[-2][0] + word
        elif not flag.startswith(("nr", "nt", "nz", "ns")):
            return None, ""
        return (word, "jieba") if len(word) >= 2 else (None, "")
    return name, how


def _glosses(rules: _Rules, text: str) -> list[Candidate]:
    out = []
    # a gloss's "(" is the first one 2 to 24 characters after its start
    anchors = (a for a in _positions(text, "(") if a >= 2 and rules.gloss_anchor.match(text, a - 2))
    for m in _anchored(rules.gloss, text, anchors, 2, 24):
        left, right = m.group(1), m.group(2).strip()
        if len(right.split()) > 6:
            continue
        zh, how = _gloss_left(rules, left)
        zh = zh and rules.zh_name(zh)
        en = rules.en_name(right, whole=True)
        if not zh or not en:
            continue
        en_known = rules.known_loose(en)
        zh_known = rules.known(zh)
        if en_known or zh_known:
            if en_known and zh_known:
                continue  # both names known: nothing new (or a conflict, not ours to settle)
            if en_known and (how == "jieba" or _holds_other_name(rules, zh, en_known)):
                continue  # the Chinese side's start is a guess, or it holds another name (美国限制英伟达公司)
            if zh_known and en.isupper() and len(en) < 3:
                continue
            out.append(Candidate((("en", rules.strip_legal(en)), ("zh", zh)), None, "gloss"))
            continue
        typ = None
        if how == "dotted" or (how == "title" and _looks_like_person(en)):
            typ = "Person"
        elif zh.endswith(rules.org_suffix_zh) or how == "org" or rules.strip_legal(en) != en:
            typ = "Organization"
        if typ:
            out.append(Candidate((("en", rules.strip_legal(en)), ("zh", zh)), typ, "gloss"))
    return out


def _holds_other_name(rules: _Rules, zh: str, own: frozenset | set = frozenset()) -> bool:
    """Whether a Chinese name holds the name of an actor other than ``own``."""
    parts = [zh[i:j] for i in range(len(zh)) for j in range(i + 2, len(zh) + 1)]
    return any(known - own for known in rules.known_each(parts))


_PARTICLES = {"van", "von", "den", "der", "de", "la", "le", "du", "da", "di", "del", "bin", "al", "ter", "ten", "op"}


def _looks_like_person(name: str) -> bool:
    """Two to five words, the first capitalized and the others capitalized or name particles
    ("Luc Van den hove", "Ursula von der Leyen"), none all in capitals."""
    words = name.split()
    if not 2 <= len(words) <= 5 or not words[0][:1].isupper() or any(w.isupper() and len(w) > 1 for w in words):
        return False
    lower = [w for w in words[1:] if not w[:1].isupper()]
    return all(w.lower() in _PARTICLES for w in lower[:-1]) and len(lower) <= 2 and \
        (not lower or lower[-1].lower() in _PARTICLES or words[-2].lower() in _PARTICLES)


# ------------------------------------------------------------------------- other cues
def _title_case(sentence: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]*", sentence) if len(w) > 3]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


_CAPITAL = re.compile("[A-Z]")


def _english(rules: _Rules, text: str) -> list[Candidate]:
    out = []
    for span in sentences(text):
        # every English cue reads a capitalized name: a sentence without a capital has none
        if _CAPITAL.search(span.text) and not _title_case(span.text):
            out.extend(_english_sentence(rules, span.text))
    return out


def _english_sentence(rules: _Rules, text: str) -> list[Candidate]:
    out = []
    for m in rules.title_en.finditer(text):
        name = rules.en_name(m.group(1))
        if name and _looks_like_person(name) and not rules.known(name):
            out.append(Candidate((("en", name),), "Person", "title"))
    for m in rules.appositive_en.finditer(text):  # "Kevin Wolf, a partner at Akin Gump"
        name = rules.en_name(m.group(1))
        if name and _looks_like_person(name) and not rules.known(name):
            out.append(Candidate((("en", name),), "Person", "appositive"))
        org = rules.en_name(m.group(2)) if m.group(2) else None
        if org and not rules.known_loose(org) and not rules.known_head(org) and not rules.common(org.split()):
            out.append(Candidate((("en", rules.strip_legal(org)),), "Organization", "appositive"))
    for rx, how in ((rules.org_title_en, "org-title"), (rules.suffix_en, "suffix"), (rules.descriptor_en, "descriptor")):
        for m in rx.finditer(text):
            name = rules.en_name(m.group(1))
            if not name or rules.known_loose(name):
                continue
            if how == "suffix" and (len(name.split()) < 2 or rules.generic(name)):
                continue
            if rules.known_head(name):
                continue
            if how == "org-title" and _looks_like_person(name):
                continue  # "Secretary Gina Raimondo's spokesman": a person, not an organization
            final = rules.strip_legal(name)
            if final in rules.suffix_words or rules.common(final.split()):
                continue  # nothing left but a suffix or common words ("Group Co.")
            out.append(Candidate((("en", final),), "Organization", how))
    return out



def _surname_guess(rules: _Rules, window: str) -> str:
    """A common surname and one or two characters, ended by a word that follows names, a
    date or punctuation (研究员苏紫云表示, 教授朱岳中4月4日), never a common word (马上, 周一)."""
    for n in (3, 2):
        if window[:1] not in rules.surnames:
            return ""
        ends = rules.after_name.match(window, n) or window[n:n + 1].isdigit() or window[n:n + 1] in "，,。（(：:"
        if ends and not rules.after_name.match(window, n - 1) and not rules.after_name.fullmatch(window[:n]) \
                and not _common_words(rules, window[:n]) and not _common_words(rules, _first_word(window[:n])):
            return window[:n]
    return ""


@lru_cache(maxsize=8192)
def _first_word(text: str) -> str:
    """The first dictionary word of ``text`` (任命他: 任命)."""
    words = words_no_hmm(text)
    return words[0] if words else text


def _chinese_titles(rules: _Rules, text: str) -> list[Candidate]:
    out = []
    for m in rules.title_zh.finditer(text):
        window = m.group(1)
        if any(rules.known_each([window[:k] for k in range(2, min(len(window), 6) + 1)])):
            continue
        d = rules.dotted_head.match(window.lstrip("和与及跟同、"))
        quick = _surname_guess(rules, window)
        if d:
            name = rules.trim_dotted(d.group(0))
        elif quick:  # a common surname and a given name, then a word that follows names: no need for jieba
            name = quick
        else:
            name = _leading_name(window[:6])
            if name is None:
                continue
            if not 2 <= len(name) <= 3:
                # a common surname and one or two characters, then a word that follows names
                # (研究员苏紫云表示): jieba does not know every given name
                name = _surname_guess(rules, window)
            if not 2 <= len(name) <= 3:
                continue
        name = rules.zh_name(name)
        if name and not rules.known(name) and name not in rules.titles_zh:
            out.append(Candidate((("zh", name),), "Person", "title"))
    return out


def _employers(rules: _Rules, text: str) -> list[Candidate]:
    """An organization named right before a person's title (台湾南台科技大学财务金融系助理教授
    朱岳中): its name runs from the start of the clause, or the last boundary word, to an
    employer suffix; a name made only of common words (美国大学, 半导体公司) is no name."""
    out = []
    for m in rules.title_zh.finditer(text):
        left = text[max(0, m.start() - 24):m.end() - len(m.group(1))]
        e = rules.employer_zh.search(left)
        # (one 的 may join the name to its department or title: 华兴资本的董事总经理)
        if not e or any(w in e.group(2).removeprefix("的") for w in ("的", "是", "在", "和", "与", "及", "、")):
            continue
        name = e.group(1)
        cut = 0
        for w in rules.boundaries_zh + list(rules.leading_zh):
            if w in rules.titles_zh:
                continue
            pos = name.rfind(w, 0, len(name) - 2)
            if pos >= 0 and pos + len(w) > cut:
                cut = pos + len(w)
        name = name[cut:]
        # and after the last word that is not part of a name (曾引述上海科技大学: a verb)
        words = _segment_window(name)
        for i in range(len(words) - 2, -1, -1):  # the last word holds the suffix
            if words[i][1][:1] in rules.not_name_flags:
                name = "".join(w for w, _ in words[i + 1:])
                break
        # a place or state before the name is dropped for its short form (台湾南台科技大学)
        short = next((name[k:] for k in range(2, min(len(name) - 3, 4) + 1)
                      if name[:k] in rules.places_zh or any(
                          a.type == "Country" for a in map(rules.lex.get, rules.known(name[:k])) if a)), None)
        head = short or name
        if len(head) < 4 or _common_words(rules, head) or rules.known(name) or rules.known(head) \
                or _holds_other_name(rules, head) or any(head.startswith(g) and len(head) - len(g) <= 2 for g in rules.generic_zh):
            continue  # ... nor a generic word and its suffix (证券公司 "a securities firm")
        names = [("zh", name)] + ([("zh", short)] if short else [])
        out.append(Candidate(tuple(names), "Organization", "employer"))
    return out


def _chinese_orgs(rules: _Rules, text: str) -> list[Candidate]:
    jieba = _jieba()

    seen: Counter = Counter()
    for m in rules.org_zh.finditer(text):
        before = to_simplified(text[max(0, m.start() - 6):m.start()])
        word = _last_word(before)
        if word.startswith(rules.leading_zh) and len(word) > 2:
            word = word[1:]
        if len(word) < 2 or word in rules.generic_zh or set(word) <= rules.state_chars or jieba.dt.FREQ.get(word, 0) >= rules.rare_below:
            continue  # a common word, not a name
        if any(rules.known_each([before[-k:] for k in range(len(word) + 1, len(before) + 1)])):
            continue  # the end of a known name (英伟达公司)
        seen[(word, m.group(0))] += 1
    out = []
    for (word, suffix), n in seen.items():
        name = rules.zh_name(word + suffix)
        if n >= rules.min_repeats and name and not rules.known(name) and not _holds_other_name(rules, word) \
                and word not in rules.boundaries_zh:
            out.append(Candidate((("zh", name), ("zh-short", word)), "Organization", "suffix"))
    return out


def _measure_objects(rules: _Rules, text: str) -> list[Candidate]:
    """Organizations a measure names as its object: after a sanctioning verb, or listed
    between 将 and a listing verb; each a name with an organization suffix whose head is a
    rare word (这些公司, 中国公司: no name)."""
    items: list[str] = []
    if any(v in text for v in ("制裁", "封杀", "拉黑")):
        items += [m.group(1) for m in rules.object_zh.finditer(text)]
    if "将" in text:
        for m in rules.listed_zh.finditer(text):
            items += [x for x in re.split(r"以及|、|和|及|与", m.group(1)) if x]
    out, seen = [], set()
    for item in items:
        item = to_simplified(item)
        suffix = next((x for x in rules.org_suffix_zh if item.endswith(x)), None)
        if suffix is None or item in seen or not re.fullmatch(f"[{HAN}]+", item):
            continue
        seen.add(item)
        head = item[:-len(suffix)]
        if len(head) < 2 or head in rules.generic_zh or set(head) <= rules.state_chars \
                or _jieba().dt.FREQ.get(head, 0) >= rules.rare_below \
                or any(flag[:1] in "mqrpcud" for _, flag in _segment_window(head)):
            continue  # a number, measure word, pronoun or function word (十几家中国公司, 该研究院): no name
        name = rules.zh_name(item)
        # neither the end of a known name (…科大讯飞公司) nor a known actor's description (中共芯片相关公司)
        if name and not rules.known(name) and not any(rules.known_each([item[k:] for k in range(len(item) - 1)])) \
                and not any(rules.known_each([item[:k] for k in range(2, len(head) + 1)])):
            out.append(Candidate((("zh", name),), "Organization", "object"))
    return out


_QUOTED_LIST = re.compile(r"((?:“[^“”，。、\s]{2,16}”[、和及与]?){1,12})等[\d一二三四五六七八九十几多数百]*[家间个所]?"
                          r"[^，。；]{0,12}?(?P<head>%s)")


def _quoted_lists(rules: _Rules, text: str) -> list[Candidate]:
    """Quoted names listed before what they are (包括“世捷达物流”“信诺电子”等4间在香港注册的
    公司): each an organization, though the article names it once."""
    out = []
    if "“" not in text or "等" not in text:
        return out
    for m in rules.quoted_list.finditer(text):
        for name in re.findall(r"“([^”]+)”", m.group(1)):
            zh = rules.zh_name(to_simplified(name))
            if zh and not rules.known(zh) and zh not in rules.generic_zh and not _common_words(rules, zh) \
                    and not _holds_other_name(rules, zh):
                out.append(Candidate((("zh", zh),), "Organization", "list"))
    return out


def _quoted_names(rules: _Rules, text: str) -> list[Candidate]:
    """One quoted name that the word right after or before it calls an organization
    (“人权观察”组织, 智库“战略与国际研究中心”)."""
    out = []
    if "“" not in text:
        return out
    for m in rules.quoted_name.finditer(text):
        # (common words may make such a name: 人权观察 "Human Rights Watch")
        zh = rules.zh_name(to_simplified(m.group(1) or m.group(2)))
        if zh and not rules.known(zh) and zh not in rules.generic_zh and not _holds_other_name(rules, zh):
            out.append(Candidate((("zh", zh),), "Organization", "quoted"))
    return out


def _common_words(rules: _Rules, text: str) -> bool:
    """Whether ``text`` is made only of words jieba's dictionary holds as common."""
    return _all_common(text, rules.rare_below)


@lru_cache(maxsize=8192)
def _all_common(text: str, rare_below: int) -> bool:
    words = words_no_hmm(text)
    freq = jieba_dictionary().FREQ
    # an unknown name falls apart into single characters: those are not common words
    return all(len(w) > 1 and freq.get(w, 0) >= rare_below for w in words)


def _legal_names(rules: _Rules, text: str) -> list[Candidate]:
    """A Chinese company's registered name marks an organization once: a place, a name, a
    trade word, and a legal form (北京智谱华章科技有限公司 → 智谱华章科技, short 智谱华章)."""
    out = []
    if "公司" not in text:
        return out
    for m in _anchored(rules.legal_zh, text, (a.start() for a in rules.legal_form_at.finditer(text)), 2, 20):
        body = to_simplified(m.group(1))
        if body.endswith("股份"):
            body = body[:-2]
        for a, b in rules.term_variants_zh:  # 积体电路 (Taiwan) is 集成电路
            body = body.replace(a, b)
        # a registered name starts with its place (北京, 广西, 深圳市): without one, where the
        # name starts is a guess, and no name is taken
        at = min(((body.find(p), -len(p), p) for p in rules.places_zh if p in body), default=None)
        if at is None:
            continue
        body = body[at[0]:]
        if rules.known(body) or _holds_other_name(rules, body):
            continue  # a known company's registered name (上海微电子装备: SMEE)
        place, body = at[2], body[len(at[2]):]
        lead = body[:len(body) - len(body.lstrip("市省区县"))]
        body = body[len(lead):]
        if _common_words(rules, body):
            body = place + lead + body  # 南京市科技创新投资: common words name nothing without their place
        short = body
        for w in rules.trade_words_zh:
            if short.endswith(w) and len(short) - len(w) >= 2:
                short = short[:-len(w)]
                break
        name = rules.zh_name(body)
        if not name or len(short) < 2 or rules.known(name) or rules.known(short) or _holds_other_name(rules, short) \
                or short in rules.generic_zh or short in rules.trade_words_zh:
            continue
        names = (("zh", name),) if short == name else (("zh", name), ("zh-short", short))
        written = to_simplified(m.group(0))
        registered = written[written.find(place):]
        if registered != name and registered.startswith(place):  # 广西兴越材料科技有限公司, as written
            names += (("zh", registered),)
        out.append(Candidate(names, "Organization", "legal"))
    return out


def _tickers(rules: _Rules, text: str) -> list[Candidate]:
    """A Chinese name followed by its stock code is a listed company: 广达 (2382-TW)."""
    out = []
    # a ticker's "(" is the first one 2 to 13 characters after the name's start
    anchors = (a for a in _positions(text, "(")
               if a >= 2 and (rules.ticker_anchor.fullmatch(text, a - 2, a + 1)
                              or rules.ticker_anchor.fullmatch(text, max(a - 3, 0), a + 1)))
    for m in _anchored(rules.ticker, text, anchors, 2, 13):
        zh, how = _gloss_left(rules, m.group(1))
        zh = zh and rules.zh_name(zh)
        if zh and how != "known" and how != "jieba" and not _holds_other_name(rules, zh):
            out.append(Candidate((("zh", zh),), "Organization", "ticker"))
    return out


def _latin_people(rules: _Rules, text: str) -> list[Candidate]:
    """A Latin personal name right after a Chinese title (伯恩斯坦半导体分析师Mark Li认为, 智库CNAS
    技术专家Martijn Rasser表示): a person, though the article names them once."""
    out = []
    for m in rules.title_latin.finditer(text):
        name = rules.en_name(m.group(1))
        if not name or not _looks_like_person(name) or rules.known_loose(name) or rules.common(name.split()):
            continue
        out.append(Candidate((("en", name),), "Person", "title"))
    return out


def _latin_employers(rules: _Rules, text: str) -> list[Candidate]:
    """A Latin name in Chinese text right before a title and a Chinese name (Counterpoint分析师
    王哲宏, 咨询公司Albright Stonebridge技术专家崔欧洛, Salesforce首席执行官马克·贝尼奥夫): the
    person's employer, an organization."""
    out = []
    for m in rules.latin_employer.finditer(text):
        if text[max(0, m.start() - 6):m.start()].rstrip().endswith(("&", "&amp;", ";", "/", ",")):
            continue  # the end of a longer name (Akin Gump Strauss Hauer &amp; Feld合伙人)
        name = rules.en_name(m.group(1))
        if not name:
            continue
        # (a name ending in an organization's word is no person's: Isaiah Research)
        last = name.split()[-1]
        person = _looks_like_person(name) and last not in rules.weak_en and last not in rules.suffix_words
        if len(name) < 3 or person or rules.known_loose(name) or rules.known_head(name) \
                or rules.common(name.split()) or name in rules.suffix_words:
            continue
        out.append(Candidate((("en", rules.strip_legal(name)),), "Organization", "latin-employer"))
    return out


def find_candidates(text: str, lex: Lexicon) -> list[Candidate]:
    """Candidate actors and names in an article's own text (see the module's docstring)."""
    rules = _rules(lex)
    text = nfkc(text)
    for dot in rules.dots[1:]:  # one transliteration dot (a few replaces: faster than translate)
        if dot in text:
            text = text.replace(dot, rules.dots[0])
    out = _glosses(rules, text) + _tickers(rules, text) + _legal_names(rules, text)
    if _CAPITAL.search(text):  # (every English cue reads a capitalized name)
        out.extend(_english(rules, text))
    if re.search(f"[{HAN}]", text):
        glossed = {n for c in out for lang, n in c.names if lang == "zh"}
        # a title's guess that only cuts short a name its gloss gives whole (范登 of 范登霍夫) is dropped
        out.extend(c for c in _chinese_titles(rules, text)
                   if not any(g != n and g.startswith(n) for _, n in c.names for g in glossed))
        out.extend(_chinese_orgs(rules, text))
        out.extend(_employers(rules, text))
        out.extend(_quoted_lists(rules, text))
        out.extend(_quoted_names(rules, text))
        out.extend(_measure_objects(rules, text))
        if _CAPITAL.search(text):
            out.extend(_latin_employers(rules, text))
            out.extend(_latin_people(rules, text))
    return [_link_surname(rules, c) for c in out]


def _link_surname(rules: _Rules, c: Candidate) -> Candidate:
    """蒂埃里·布雷顿 is the known person 布雷顿: the full name becomes one of theirs."""
    dot = rules.dots[0]
    for lang, name in c.names:
        if lang == "zh" and dot in name and c.type == "Person":
            surname = name.rsplit(dot, 1)[1]
            if any(rules.lex.actors[i].type == "Person" for i in rules.known(surname)):
                return Candidate(c.names + (("zh", surname),), None, c.how)
    return c


# ------------------------------------------------------------------------------ learn
def learn(lex: Lexicon, texts: Iterable[str]) -> Lexicon:
    """The lexicon extended with what the texts teach: new names of known actors, and new
    actors (``discovered`` set to how they were found). Deterministic: the result depends
    on the set of candidates only, not on the order of the texts."""
    return learn_from(lex, {c for t in texts for c in find_candidates(t, lex)})


def _named_only(rules: _Rules, c: Candidate) -> Optional[Candidate]:
    """A candidate without the Chinese names that are none (:meth:`_Rules.no_name_zh`), or
    None if nothing is left or one is a common word: a gloss of a common word (服务（bank
    services）) translates it, it names nobody."""
    named = c.how == "ticker" or any(lang == "en" for lang, _ in c.names)
    verdicts = [rules.no_name_zh(n, c.type, named) if lang == "zh" else COMMON if lang == "en" and rules.no_name_en(n) else 0
                for lang, n in c.names]
    if not any(verdicts):
        return c
    if COMMON in verdicts:
        return None
    names = tuple(n for n, v in zip(c.names, verdicts) if not v)
    return Candidate(names, c.type, c.how) if any(lang != "zh-short" for lang, _ in names) else None


def _shared_glosses(rules: _Rules, cands: Iterable[Candidate]) -> set[str]:
    """The Chinese names (not known ones) that glosses give two Latin names of which neither
    can be the other (see :func:`_latin_variant`)."""
    partners: dict[str, set[str]] = defaultdict(set)
    for c in cands:
        latin = [n for lang, n in c.names if lang == "en"]
        if latin:
            for lang, n in c.names:
                if lang == "zh":
                    partners[n].update(latin)
    shared = set()
    for zh, latin in partners.items():
        if len(latin) < 2 or rules.known(zh):
            continue
        forms = sorted({_latin_form(n) for n in latin}, key=lambda f: (-len(f[0]), f))
        fullest = [f for i, f in enumerate(forms) if not any(_latin_variant(f, g) for g in forms[:i])]
        if len(fullest) > 1:
            shared.add(zh)
    return shared


def _latin_form(name: str) -> tuple[str, frozenset]:
    """A Latin name's words, lower case, without punctuation or a leading "the"."""
    words = re.sub(r"[.,'’()]", "", name).replace("-", " ").casefold().split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words), frozenset(words)


def _latin_variant(short: tuple[str, frozenset], full: tuple[str, frozenset]) -> bool:
    """Whether one Latin name can be a shorter form of another: its words among the other's,
    in any order (Williams, Erica Williams, Zemin Jiang), or one word whose letters follow
    the other's initials in order (CDC: Centers for Disease Control and Prevention)."""
    if short[1] <= full[1]:
        return True
    if " " in short[0] or len(short[0]) < 2:
        return False
    initials = iter(w[0] for w in full[0].split())
    return all(ch in initials for ch in short[0])


def learn_from(lex: Lexicon, candidates: Iterable[Candidate]) -> Lexicon:
    """:func:`learn` over candidates already found (by :func:`find_candidates`), so that a
    build can read each text once and keep only its candidates."""
    rules = _rules(lex)
    found = set(filter(None, (_named_only(rules, c) for c in set(candidates))))
    if not found:
        return lex
    # a Chinese name glossed with the Latin names of more than one actor names none of them
    # for sure (威廉姆斯 for Erica and for Mark Williams, 医疗中心 for two hospitals): it joins
    # nothing, and counts only where the actor is also named in full, as a short form does
    shared = _shared_glosses(rules, found)
    if shared:
        found = {Candidate(tuple(("zh-short" if lang == "zh" and n in shared else lang, n) for lang, n in c.names),
                           c.type, c.how) for c in found}
    cands = sorted(found, key=lambda c: (c.names, c.type or "", c.how))
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for c in cands:
        keys = [normalize_name(n) for lang, n in c.names if lang != "zh-short"]  # a short form links nothing
        for k in keys[1:]:
            union(keys[0], k)
    # two renderings of one foreign name (格雷格·艾伦, 格雷戈里·艾伦): same surname, given
    # names with the same first two characters
    dot = rules.dots[0]
    by_surname: dict[str, list[str]] = defaultdict(list)
    for c in cands:
        for lang, n in c.names:
            if lang == "zh" and c.type == "Person" and dot in n:
                given, _, surname = n.rpartition(dot)
                by_surname[surname].append(n)
    for surname, names in sorted(by_surname.items()):
        names = sorted(set(names))
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                if len(a.split(dot)) == len(b.split(dot)) and a[:2] == b[:2] and len(a.split(dot)[0]) >= 2:
                    union(normalize_name(a), normalize_name(b))
    clusters: dict[str, list[Candidate]] = defaultdict(list)
    for c in cands:
        clusters[find(normalize_name(c.names[0][1]))].append(c)

    new_aliases: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    new_ambiguous: dict[str, list[str]] = defaultdict(list)
    new_actors: list[Actor] = []
    taken = set(lex.actors)
    for root in sorted(clusters):
        group = clusters[root]
        names = Counter((lang, n) for c in group for lang, n in c.names)
        known = set().union(*(rules.known_loose(n) for _, n in names))
        if len(known) > 1:
            continue  # the names belong to different actors: leave them
        if known:
            (actor_id,) = known
            person = lex.actors[actor_id].type == "Person"
            for lang, n in sorted(names):
                if lang != "zh-short" and not rules.known_loose(n):
                    new_aliases[actor_id][lang].append(n)
                    if person and lang == "zh" and not rules.plain_zh(n):
                        new_ambiguous[actor_id].append(n)
            continue
        types = Counter(c.type for c in group if c.type)
        if not types:
            continue
        (typ, top), *rest = types.most_common()
        if rest and rest[0][1] == top:
            continue  # as often a person as an organization: not sure enough
        labels, aliases = {}, defaultdict(list)
        for lang in ("en", "zh", "zh-short"):
            ranked = sorted((n for (l, n) in names if l == lang), key=lambda n: (-names[(lang, n)], len(n), n))
            if ranked and lang != "zh-short":
                labels["zh-Hans" if lang == "zh" else "en"] = ranked[0]
                ranked = ranked[1:]
            aliases[lang[:2]].extend(n for n in ranked if n not in aliases[lang[:2]])
        if not labels:
            continue  # a short form alone (a name shared by several actors) makes none
        base = labels.get("en") or labels["zh-Hans"]
        actor_id = slugify(base)
        if actor_id in taken:
            actor_id = f"{actor_id}-{typ.lower()}"
        if actor_id in taken:
            continue
        taken.add(actor_id)
        hows = sorted({c.how for c in group})
        ambiguous = [n for (lang, n) in names if (typ == "Person" and lang == "zh" and not rules.plain_zh(n))
                     or lang == "zh-short"]
        new_actors.append(Actor(id=actor_id, type=typ, labels=labels, aliases=dict(aliases), ambiguous=ambiguous,
                                source="discovered", discovered="+".join(hows)))
    actors = []
    for a in lex.actors.values():
        extra = new_aliases.get(a.id)
        if extra:
            merged = {k: list(v) for k, v in a.aliases.items()}
            for lang, ns in extra.items():
                merged.setdefault(lang, []).extend(n for n in ns if n not in merged.get(lang, []))
            a = replace(a, aliases=merged, learned=tuple(n for ns in extra.values() for n in ns),
                        ambiguous=a.ambiguous + new_ambiguous.get(a.id, []))
        actors.append(a)
    return Lexicon(actors + new_actors)
