"""Dictionary words of short Chinese windows: jieba's segmentation (``jieba.lcut``, with
and without its HMM), the same words, faster.

jieba builds a graph of the dictionary words starting at each character, then picks the
path of highest probability from the end; both steps are loops in Python. For a window of
Chinese characters only (one block, as jieba splits a text) :func:`best_path` does both in
one loop, with the same arithmetic and the same choice between equal paths, so the words
of :func:`words_no_hmm` and :func:`words_hmm` are jieba's own (tests/test_words.py
compares them). Any other text goes to jieba.
"""
from __future__ import annotations

import re
from functools import lru_cache
from math import log

__all__ = ["words_no_hmm", "words_hmm", "best_path", "jieba_dictionary"]

#: jieba's Chinese block (``jieba.re_han_default``) without the Latin letters, digits and
#: signs it also takes: in such a text jieba joins nothing but dictionary words
_HAN_ONLY = re.compile("[\u4e00-\u9fd5]+")


@lru_cache(maxsize=1)
def jieba_dictionary():
    """jieba's default tokenizer, its dictionary loaded (once), quiet."""
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba.dt


def words_no_hmm(text: str) -> list[str]:
    """``jieba.lcut(text, HMM=False)``."""
    dt = jieba_dictionary()
    if not _HAN_ONLY.fullmatch(text):
        return dt.lcut(text, HMM=False)
    best = best_path(text)
    words = []
    x, n = 0, len(text)
    while x < n:
        y = best[x][1] + 1
        words.append(text[x:y])
        x = y
    return words


def words_hmm(text: str) -> list[str]:
    """``jieba.lcut(text)`` (with its HMM for the runs of characters the dictionary has no
    word for)."""
    dt = jieba_dictionary()
    if not _HAN_ONLY.fullmatch(text):
        return dt.lcut(text)
    from jieba import finalseg

    best = best_path(text)
    freq = dt.FREQ
    words: list[str] = []

    def unknown(buf: str) -> None:  # jieba.Tokenizer.__cut_DAG's handling of a run
        if len(buf) == 1:
            words.append(buf)
        elif not freq.get(buf):
            words.extend(finalseg.cut(buf))
        else:
            words.extend(buf)

    x, n, buf = 0, len(text), ""
    while x < n:
        y = best[x][1] + 1
        if y - x == 1:
            buf += text[x]
        else:
            if buf:
                unknown(buf)
                buf = ""
            words.append(text[x:y])
        x = y
    if buf:
        unknown(buf)
    return words


def best_path(text: str) -> list:
    """jieba's route through ``text`` (``Tokenizer.get_DAG`` then ``Tokenizer.calc``, in one
    loop): item i is (log-probability of the best path from i to the end, the last index of
    its first word)."""
    dt = jieba_dictionary()
    freq = dt.FREQ
    logtotal = log(dt.total)
    n = len(text)
    best: list = [None] * (n + 1)
    best[n] = (0, 0)
    score = [0] * (n + 1)  # best[i][0], without the tuple
    get = freq.get
    for k in range(n - 1, -1, -1):
        top, at = None, k
        i = k
        f = get(text[k])
        while f is not None:  # the words that start at k (get_DAG; the dictionary holds their prefixes)
            if f:
                p = log(f) - logtotal + score[i + 1]  # calc
                # (the larger index wins a tie, as in jieba's max of (score, index): i only grows)
                if top is None or p >= top:
                    top, at = p, i
            i += 1
            if i == n:
                break
            f = get(text[k:i + 1])
        if top is None:  # no word starts here: the character alone
            top = log(get(text[k]) or 1) - logtotal + score[k + 1]
        score[k] = top
        best[k] = (top, at)
    return best
