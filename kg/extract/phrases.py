"""Exact phrase matching over normalized text, shared by the extractors.

A :class:`PhraseMatcher` is one Aho-Corasick automaton (ahocorasick_rs) over phrases taken
from the data files (policy triggers, technology names, relation cues...). Text and
phrases are normalized character for character (:func:`kg.text.normalize_chars`: NFKC,
case-folded, Traditional → Simplified), so a match's offsets are offsets in the original
text. Latin phrases need word boundaries; short phrases written in capitals ("AI", "EUV")
match only in capitals; the longest match wins where matches overlap.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Hashable, Iterable

import ahocorasick_rs

from ..resources import load_yaml
from ..text import normalize_chars

__all__ = ["Phrase", "PhraseMatcher", "find_every", "placeholder_for", "is_latin_word_char", "at_word_boundaries", "is_capitals_only", "squeeze",
           "words_regex"]

def is_latin_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def at_word_boundaries(norm: str, start: int, end: int) -> bool:
    """True when ``norm[start:end]`` does not cut a Latin word at either end."""
    if start > 0 and is_latin_word_char(norm[start - 1]) and is_latin_word_char(norm[start]):
        return False
    if end < len(norm) and is_latin_word_char(norm[end]) and is_latin_word_char(norm[end - 1]):
        return False
    return True


def squeeze(s: str) -> str:
    """Letters of a name without dots and spaces ("U.S." → "US")."""
    return s.replace(".", "").replace(" ", "")


def is_capitals_only(name: str) -> bool:
    """Short names written in capitals ("US", "AI", "EUV") match only in capitals; the length
    limit is ``case_sensitive_max_len`` in ``ontology/matching.yaml``."""
    letters = squeeze(name)
    return letters.isascii() and letters.isupper() and len(letters) <= int(load_yaml("matching.yaml")["case_sensitive_max_len"])


@dataclass(frozen=True)
class Phrase:
    start: int
    end: int
    surface: str
    payload: Any


_SURROGATES = re.compile("[\ud800-\udfff]")


def placeholder_for(keys: Iterable[str]) -> str:
    """A character in none of ``keys``: it stands for a lone surrogate in a text searched
    (the automaton reads UTF-8, which has no surrogates; one character for one, so offsets
    hold, and it matches nothing)."""
    keys = list(keys)
    return next(c for c in ("\x00", "\uffff", "\ufffe", "\U0010ffff", "\U0010fffe") if not any(c in k for k in keys))


def find_every(automaton: "ahocorasick_rs.AhoCorasick", text: str, placeholder: str) -> list[tuple[int, int, int]]:
    """Every match of ``automaton`` in ``text``, overlapping ones too: (pattern index, start,
    end) in characters. A lone surrogate (a text can hold one, e.g. from a YAML escape) is
    read as ``placeholder``."""
    try:
        return automaton.find_matches_as_indexes(text, overlapping=True)
    except UnicodeEncodeError:
        return automaton.find_matches_as_indexes(_SURROGATES.sub(placeholder, text), overlapping=True)


class PhraseMatcher:
    """Find phrases of a fixed list in text. ``entries`` are (phrase, payload) pairs; a
    phrase listed with several payloads yields one match per payload."""

    def __init__(self, entries: Iterable[tuple[str, Hashable]]):
        table: dict[str, list[tuple[str, bool, Hashable]]] = {}
        for phrase, payload in entries:
            key = normalize_chars(phrase.strip())
            if not key:
                continue
            case_sensitive = is_capitals_only(phrase)
            bucket = table.setdefault(key, [])
            if all(p != payload for _, _, p in bucket):
                bucket.append((phrase.strip(), case_sensitive, payload))
        # pattern i of the automaton is keys[i]; items[i] its (phrase, capitals only, payload)s
        keys = list(table)
        self.items = [tuple(table[k]) for k in keys]
        self.empty = not table
        self.automaton = None if self.empty else ahocorasick_rs.AhoCorasick(keys)
        self.placeholder = placeholder_for(keys)

    def find_all(self, text: str, norm: str | None = None) -> list[Phrase]:
        """Every match, overlapping ones included, in the order of their ends (then longest
        first)."""
        if self.empty:
            return []
        norm = normalize_chars(text) if norm is None else norm
        found = find_every(self.automaton, norm, self.placeholder)
        if not found:
            return []
        if len(found) > 1:
            found.sort(key=lambda m: (m[2], m[1]))
        out = []
        for i, start, end in found:
            if not at_word_boundaries(norm, start, end):
                continue
            surface = text[start:end]
            for original, case_sensitive, payload in self.items[i]:
                if case_sensitive and squeeze(unicodedata.normalize("NFKC", surface)) != squeeze(original):
                    continue
                out.append(Phrase(start, end, surface, payload))
        return out

    def find(self, text: str, norm: str | None = None) -> list[Phrase]:
        """Non-overlapping matches, longest first, then leftmost; in text order."""
        found = self.find_all(text, norm)
        if len(found) < 2:
            return found  # nothing to choose between
        chosen: list[Phrase] = []
        taken = Taken()
        for ph in sorted(found, key=lambda p: (p.start - p.end, p.start)):
            if (ph.start, ph.end) not in taken and taken.overlapping(ph.start, ph.end):
                continue
            chosen.append(ph)
            if (ph.start, ph.end) not in taken:
                taken.add(ph.start, ph.end)
        return sorted(chosen, key=lambda p: (p.start, p.end, str(p.payload)))


class Taken:
    """Disjoint spans already matched, sorted, so that an overlap is found by bisection
    (matching stays linear in the text's length, not quadratic)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.spans: set[tuple[int, int]] = set()

    def __contains__(self, span: tuple[int, int]) -> bool:
        return span in self.spans

    def overlapping(self, s: int, e: int) -> list[tuple[int, int]]:
        """The taken spans overlapping [s, e) (disjoint and sorted: their ends ascend too)."""
        out = []
        i = bisect.bisect_left(self.starts, e) - 1
        while i >= 0 and self.ends[i] > s:
            out.append((self.starts[i], self.ends[i]))
            i -= 1
        return out

    def add(self, s: int, e: int) -> None:
        i = bisect.bisect_left(self.starts, s)
        self.starts.insert(i, s)
        self.ends.insert(i, e)
        self.spans.add((s, e))

def alternation(words: Iterable[str], not_after: str = "") -> str:
    """A regex (no flags) for one of ``words``, longest first, as a trie (``ab(?:cd|e)?`` for
    abcd, abe, ab): it matches as the plain alternation ``abcd|abe|ab`` does (of the words
    that fit at a place the longest first, then shorter ones on backtracking), but the engine
    tries one branch per character instead of every word at every place. ``not_after``, a
    character class, is ``(?<!not_after)`` before the words, checked after a word's first
    character: the pattern then opens with a character, and the engine looks for a match
    only where one of the words' first characters is (a leading look-behind makes it try
    every position)."""
    root: dict = {}
    for w in set(words):
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = None  # a word ends here
    if not_after and "" in root:
        raise ValueError("an empty word cannot be checked after its first character")

    def emit(node: dict, top: bool) -> str:
        guard = f"(?<!{not_after}(?s:.))" if top and not_after else ""
        alts = [re.escape(ch) + guard + emit(child, False) for ch, child in sorted(node.items(), key=lambda kv: kv[0])
                if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"
        if "" not in node:
            return body
        return f"(?:{body})?" if len(alts) == 1 and len(alts[0]) > 1 else f"{body}?"

    return emit(root, True)


def words_regex(words: Iterable[str], *, at_end: bool) -> re.Pattern:
    """A regex for one of ``words`` (normalized) at the end (``at_end``) or start of a
    normalized string, on Latin word boundaries."""
    normalized = {normalize_chars(w) for w in words}
    alts = "|".join(sorted(map(re.escape, normalized), key=len, reverse=True))
    if at_end:
        return _AtEnd(re.compile(rf"(?:^|(?<![a-z0-9]))(?:{alts})\s*$"), normalized)
    return re.compile(rf"^\s*(?:{alts})(?![a-z0-9])")


class _AtEnd:
    """A compiled ``words_regex(..., at_end=True)`` whose ``search`` of a whole string first
    asks whether the string, without its trailing white space, ends with one of the words
    (the pattern matches nowhere else): a few comparisons in C instead of the alternation
    tried at every position. Anything else is the compiled pattern's own."""

    __slots__ = ("_rx", "_ends")

    def __init__(self, rx: re.Pattern, words: Iterable[str]):
        self._rx = rx
        self._ends = tuple(sorted({w.rstrip() for w in words}))

    def search(self, string, *args, **kwargs):
        if not args and not kwargs and isinstance(string, str) and not string.rstrip().endswith(self._ends):
            return None
        return self._rx.search(string, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._rx, name)
