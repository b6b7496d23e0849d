"""Format B: Epoch Times pages mirrored as Markdown with raw HTML (gfw-breaker mirrors).

Headline from the ``### `` line; body from the article container (``post_content`` or
``column``, ``itemprop=articleBody``), with figures and split ``<span>``s; nothing from the
navigation line, the tracking pixel or ads. Date from the 【大纪元YYYY年MM月DD日讯】 dateline
(not the URL); reporters from （大纪元记者…报导）; tags from ``<ok href=".../tag/...">``; lead
image and caption; ``原文链接`` is the original's URL, which the mirror links to.
"""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote, urlsplit

import lxml.html

from ..document import Document, Image, Link
from ..resources import load_yaml
from ..text import clean, detect_language, join_inline

NAME = "epoch-markdown"

_CONTAINER_XPATH = (
    "//*[@itemprop='articleBody']"
    " | //div[contains(concat(' ', normalize-space(@class), ' '), ' post_content ')]"
    " | //div[@id='artbody']"
)
_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote")
_SKIP_ANCESTORS = {"figure", "figcaption", "script", "style", "noscript"}


@lru_cache(maxsize=1)
def _patterns() -> dict:
    p = load_yaml("readers.yaml")["epoch"]
    return {
        "dateline": re.compile(p["dateline"]),
        "byline": re.compile(p["byline"]),
        "byline_role": re.compile(p["byline_role"]),
        "byline_end": re.compile(p["byline_end"]),
        "activities": tuple(p["byline_activities"]),
        "editor": re.compile(p["editor"]),
        "original_url": re.compile(p["original_url"]),
        "places": tuple(sorted(p["byline_places"], key=len, reverse=True)),
    }


def detect(text: str) -> bool:
    head = text[:20000]
    has_html = "<div" in head or "<p>" in head
    return has_html and (
        "原文链接" in text or "articleBody" in head or "epochtimes.com" in head or bool(_patterns()["dateline"].search(head))
    )


def reporters(byline_inner: str, rejected: list[str] | None = None) -> list[str]:
    """Names in a byline such as 大纪元记者张原彰台湾台北报导 or 记者宋唐、骆亚采访报导.
    Parts that do not look like a name (an unknown place left on it) go to ``rejected``."""
    pat = _patterns()
    s = pat["byline_role"].sub("", byline_inner, count=1)
    s = pat["byline_end"].sub("", s).strip()
    changed = True
    while changed:
        changed = False
        for word in pat["activities"]:
            if s.endswith(word):
                s, changed = s[: -len(word)].strip(), True
    names = []
    for raw in re.split(r"[、，,]|\s+和\s+|\s+and\s+", s):
        name = raw.strip()
        changed = True
        while changed and name:
            changed = False
            for place in pat["places"]:
                if name.endswith(place) and len(name) > len(place):
                    name, changed = name[: -len(place)].strip(), True
                    break
        if not name:
            continue
        if re.fullmatch(r"[\u4e00-\u9fff·‧]{2,4}", name) or re.fullmatch(r"[A-Za-z][A-Za-z .'-]{1,40}", name):
            names.append(name)
        elif rejected is not None:
            rejected.append(name)
    return names


def _text(el) -> str:
    return clean(join_inline(el.text_content()))


def _inside(el, tags: set) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def _host(url: str) -> str | None:
    """The URL's host, or None (also when the URL is not one: a link's text in a URL field)."""
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def _tag_name(href: str) -> str | None:
    try:
        path = urlsplit(href.strip()).path
    except ValueError:  # not a URL (a link's text in the href): no tag
        return None
    if "/tag/" not in path:
        return None
    name = unquote(path.rsplit("/tag/", 1)[1]).rsplit(".", 1)[0].strip()
    return clean(name) or None


# tags that only wrap others (no class, id or itemprop to find the article by)
_WRAPPER = re.compile(r"</(?:div|span|font|section|article|center|b|i|em|strong|u|small|big)\s*>"
                      r"|<(?:div|span|font|section|article|center|b|i|em|strong|u|small|big)"
                      r"(?![^>]*\b(?:class|id|itemprop)\s*=)(?:\s[^>]*)?>", re.I)


def _too_deep(parser) -> bool:
    return any("depth" in e.message.lower() for e in parser.error_log)


def _parse_html(html: str, warnings: list[str]):
    """The page's HTML tree, however deep it nests: libxml2's limit is lifted (huge_tree,
    2,048 levels); a page deeper still is read again without its bare wrapper tags."""
    parser = lxml.html.HTMLParser(huge_tree=True)
    root = lxml.html.document_fromstring(html, parser=parser)
    if not _too_deep(parser):
        return root
    parser = lxml.html.HTMLParser(huge_tree=True)
    flat = lxml.html.document_fromstring(_WRAPPER.sub("", html), parser=parser)
    if _too_deep(parser):
        warnings.append("HTML nested deeper than the parser reads: text below that depth was not read")
    else:
        warnings.append("HTML nested too deeply: read without its bare wrapper tags")
    return flat


def read(text: str, source_file: str, encoding: str) -> Document:
    from . import SkipFile

    pat = _patterns()
    headline = None
    m = re.search(r"^#{1,3}\s+(.+?)\s*#*\s*$", text, re.M)
    if m:
        headline = clean(m.group(1))
    html_start = text.find("<")
    if html_start < 0:
        raise SkipFile(f"{NAME}: no HTML in the page")
    warnings: list[str] = []
    root = _parse_html(text[html_start:], warnings)
    containers = root.xpath(_CONTAINER_XPATH)
    if not containers:
        raise SkipFile(f"{NAME}: no article container (post_content, column or articleBody)")
    # the outermost container, in case a class and an itemprop name nested elements
    container = containers[0]

    paragraphs: list[str] = []
    blocks = [el for el in container.iter(*_BLOCKS) if not _inside(el, _SKIP_ANCESTORS)]
    block_set = set(blocks)
    for el in blocks:
        if any(child in block_set for child in el.iterdescendants(*_BLOCKS)):
            continue  # a blockquote or li holding paragraphs: take the paragraphs
        t = _text(el)
        if t:
            paragraphs.append(t)
    if not paragraphs:
        paragraphs = [clean(line) for line in container.text_content().split("\n") if clean(line)]

    doc = Document(source_file=source_file, format=NAME, encoding=encoding, language="zh-Hans",
                   headline=headline, is_mirror=True, warnings=warnings)

    # dateline and byline open the first paragraph
    if paragraphs:
        first = paragraphs[0]
        dm = pat["dateline"].search(first[:80])
        if dm:
            doc.date = f"{int(dm['y']):04d}-{int(dm['m']):02d}-{int(dm['d']):02d}"
            doc.publisher = dm["outlet"].strip()
            first = first[dm.end():]
            bm = pat["byline"].match(first)
            if bm:
                rejected: list[str] = []
                doc.authors = reporters(bm["inner"], rejected)
                doc.warnings.extend(f"byline part {r!r} not read as a reporter's name" for r in rejected)
                first = first[bm.end():]
            paragraphs[0] = first.strip()
        else:
            doc.warnings.append("no dateline: the publication date is unknown")
    # the editor's line closes the article
    while paragraphs:
        em = pat["editor"].match(paragraphs[-1])
        if not em:
            break
        doc.editors = [n.strip() for n in re.split(r"[、，,]", em["names"]) if n.strip()]
        paragraphs.pop()
    doc.paragraphs = [p for p in paragraphs if p]

    # tags, in order, once each
    seen: set[str] = set()
    for el in root.iter("ok", "a"):
        name = _tag_name(el.get("href") or "")
        if name and name not in seen:
            seen.add(name)
            doc.tags.append(name)

    # lead image (before the container) and figures inside it; never the tracking pixel
    for img in root.iter("img"):
        src = (img.get("src") or "").strip()
        if not src.startswith("http") or (img.get("width") or "").startswith("0"):
            continue
        if "gfw-breaker" in src:
            continue
        caption = None
        fig = img.getparent()
        while fig is not None and fig.tag not in ("figure", "div"):
            fig = fig.getparent()
        if fig is not None:
            cap = fig.xpath(".//figcaption | .//div[contains(@class, 'caption')]")
            if cap:
                caption = _text(cap[0]) or None
        doc.images.append(Image(src, caption or clean(img.get("alt") or "") or None))

    um = pat["original_url"].search(text)
    if um:
        doc.url = um["url"].rstrip("）)>.,，。")
        doc.publisher_domain = (_host(doc.url) or "").removeprefix("www.") or None
        doc.links.append(Link(kind="mirror", title=doc.headline, url=doc.url, date=doc.date,
                              publisher=doc.publisher, publisher_domain=doc.publisher_domain))
    else:
        doc.warnings.append("no 原文链接: the original's URL is unknown")
        doc.is_mirror = False
    if not doc.headline:
        alt = root.xpath("//img[contains(@class, 'wp-post-image')]/@alt")
        doc.headline = clean(alt[0]) if alt else None
    doc.language = detect_language(" ".join([doc.headline or "", *doc.paragraphs[:5]]), default="zh-Hans")
    if not doc.headline and not doc.paragraphs:
        raise SkipFile(f"{NAME}: neither a headline nor any body text")
    return doc
