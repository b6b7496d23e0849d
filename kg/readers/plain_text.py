"""Format C: scraped Chinese plain text.

Body paragraphs (one per line, blank lines anywhere), then ``上一篇``/``下一篇`` (half- or
full-width colon) and a ``推荐阅读…`` list of other articles, in Simplified or Traditional
characters. The page has no headline: kg derives one from the lead sentence and marks it
``kg:headlineDerived true``. The timestamp on the recommended list is when the list was
made, not when the article was published: the article gets no date.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..document import Document, Link
from ..resources import load_yaml
from ..text import clean, detect_language, is_cjk

NAME = "plain-text"


@lru_cache(maxsize=1)
def _patterns() -> dict:
    p = load_yaml("readers.yaml")["plain_text"]
    return {k: (re.compile(v) if isinstance(v, str) else v) for k, v in p.items()}


def detect(text: str) -> bool:
    head = text[:8000]
    if "<" in head and re.search(r"</?(?:div|p|html|body|span|img)\b", head):
        return False
    if head.lstrip().startswith("---"):
        return False
    pat = _patterns()
    lines = head.split("\n")
    if any(pat["previous"].match(l) or pat["next"].match(l) or pat["recommended"].match(l) for l in lines):
        return True
    letters = [ch for ch in head if ch.isalpha()]
    cjk = sum(1 for ch in letters if is_cjk(ch))
    # Chinese prose: mostly CJK and sentence punctuation, some length
    return len(letters) >= 40 and cjk / len(letters) > 0.6 and bool(re.search(r"[。！？，]", head))


def derive_headline(lead: str, max_chars: int, sentence_end: re.Pattern) -> str:
    """The lead sentence, cut at a clause boundary when longer than ``max_chars``."""
    m = sentence_end.search(lead)
    sentence = lead[: m.start()] if m else lead
    if len(sentence) <= max_chars:
        return sentence.strip()
    cut = max((sentence.rfind(c, 0, max_chars) for c in ",，、;；:："), default=-1)
    if cut < max_chars // 3:
        cut = max_chars
    return sentence[:cut].strip() + "…"


def read(text: str, source_file: str, encoding: str) -> Document:
    from . import SkipFile

    pat = _patterns()
    body: list[str] = []
    links: list[Link] = []
    in_recommended = False
    for raw in text.split("\n"):
        line = clean(raw)
        if not line:
            continue
        if m := pat["previous"].match(line):
            links.append(Link(kind="previous", title=m["title"]))
            in_recommended = False
            continue
        if m := pat["next"].match(line):
            links.append(Link(kind="next", title=m["title"]))
            in_recommended = False
            continue
        if pat["recommended"].match(line):
            in_recommended = True
            continue
        if in_recommended:
            if m := pat["list_item"].match(line):
                links.append(Link(kind="recommends", title=m["title"]))
            continue  # anything else after the list heading is page furniture
        if links:
            continue  # text between navigation lines is not the article's
        body.append(line)
    if not body:
        raise SkipFile(f"{NAME}: no body text before the navigation lines")
    headline = derive_headline(body[0], int(pat["headline_max_chars"]), pat["sentence_end"])
    language = detect_language(" ".join(body[:5]), default="zh-Hans")
    return Document(
        source_file=source_file,
        format=NAME,
        encoding=encoding,
        language=language,
        headline=headline,
        headline_derived=True,
        paragraphs=body,
        links=links,
    )
