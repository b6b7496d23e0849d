"""Sentences and clauses of an article's text, with their offsets.

Policy and relation extractors read one sentence at a time, and roles (who issues a
measure, whom it targets) are looked for in the clause of the trigger word first. Both
splitters are rule-based, with their rules in ``ontology/matching.yaml``: sentences end
at full stops, question and exclamation marks (not after "U.S." or "Mr."), and at every
line break; clauses end at commas, colons, dashes, English subordinators ("after",
"while"...) and spaces between Chinese characters (a headline's phrases).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from ..resources import load_yaml

__all__ = ["Span", "sentences", "clauses", "LazyClauses"]


class Span(NamedTuple):
    """A piece of text and its offsets (a named tuple: made, hashed and compared in C, as
    the splitters make a few hundred per article)."""
    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _rules():
    rules = load_yaml("matching.yaml")
    s, c = rules["sentences"], rules["clauses"]
    closers = re.escape(s["closers"])
    latin = re.escape(s["end_latin"])
    # a Latin full stop after a character that is no space nor dot: the stop first, then
    # what comes before it (a pattern whose every branch opens with a character class is
    # tried only where one of those characters is, not at every position)
    end = re.compile(
        rf"[{re.escape(s['end_cjk'])}]+[{closers}]*"
        rf"|[{latin}](?<=[^\s.][{latin}])[{latin}]*[{closers}]*(?=\s+[\"“‘'(\[A-Z0-9\u4e00-\u9fff]|\s*$)"
        r"|\n+"
    )
    abbrev = {a.lower() for a in s["abbreviations_en"]}
    subs = "|".join(sorted(map(re.escape, c["subordinators_en"]), key=len, reverse=True))
    # ... and at a space between two Chinese characters (a headline's phrases: 荷兰加入 中共跳脚)
    clause = re.compile(rf"[{re.escape(c['separators'])}]+|\s(?=(?:{subs})\s)|(?<=[\u4e00-\u9fff])[ \u3000]+(?=[\u4e00-\u9fff])",
                        re.I)
    return end, abbrev, clause


def _spans(text: str, base: int, cuts: list[int]) -> list[Span]:
    out, prev = [], 0
    for cut in [*cuts, len(text)]:
        piece = text[prev:cut]
        body = piece.strip()
        if body:
            start = base + prev + (len(piece) - len(piece.lstrip()) if piece[0].isspace() else 0)
            out.append(Span(start, start + len(body), body))
        prev = cut
    return out


_LAST_WORD = re.compile(r"([\w.]+)$")  # the word a full stop ends


@lru_cache(maxsize=8)
def sentences(text: str) -> tuple[Span, ...]:
    """The sentences of ``text``, with offsets into it."""
    end, abbrev, _ = _rules()
    cuts = []
    for m in end.finditer(text):
        if text[m.start()] == ".":
            word = _LAST_WORD.search(text, max(0, m.start() - 12), m.start())
            token = word.group(1).lower() if word else ""
            if token in abbrev or (len(token) == 1 and token.isalpha()):
                continue  # "U.S.", "Mr.", an initial
        cuts.append(m.end())
    return tuple(_spans(text, 0, cuts))


@lru_cache(maxsize=256)
def clauses(sentence: Span) -> tuple[Span, ...]:
    """The clauses of a sentence, with offsets into the article text."""
    _, _, clause = _rules()
    cuts = [m.end() for m in clause.finditer(sentence.text)]
    return tuple(_spans(sentence.text, sentence.start, cuts))


class LazyClauses:
    """The clauses of a sentence (:func:`clauses`), split when first iterated: for a reader
    that needs them only when a cue is there."""

    __slots__ = ("sentence", "_parts")

    def __init__(self, sentence: Span):
        self.sentence, self._parts = sentence, None

    def __iter__(self):
        if self._parts is None:
            self._parts = clauses(self.sentence)
        return iter(self._parts)
