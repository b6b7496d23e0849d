"""Format B: Epoch Times pages mirrored as Markdown with raw HTML (gfw-breaker mirrors).

Headline from the ``### `` line; body from the article container (``post_content`` or
``column``, ``itemprop=articleBody``), with figures and split ``<span>``s; nothing from the
navigation line, the tracking pixel or ads. Date from the 【大纪元YYYY年MM月DD日讯】 dateline
(not the URL); reporters from （大纪元记者…报导）; tags from ``<ok href=".../tag/...">``; lead
image and caption; ``原文链接`` is the original's URL, which the mirror links to.

The HTML is read with BeautifulSoup over lxml's parser (libxml2): one reader API for messy
pages, which reads a page however deep it nests. Text is taken as lxml's ``text_content``
would: every text node, script and style text included, comments not.
"""
from __future__ import annotations

import os
import re
import threading
from functools import lru_cache
from typing import Iterator
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Tag
from lxml import etree

from ..document import Document, Image, Link
from ..resources import load_yaml
from ..text import clean, detect_language, join_inline

NAME = "epoch-markdown"

_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote")
_BLOCK_SET = frozenset(_BLOCKS)
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


_XML_SPACE = re.compile("[ \t\r\n]+")


def _classes(el) -> str:
    """The class attribute as XPath's ``concat(' ', normalize-space(@class), ' ')``."""
    return f" {' '.join(_XML_SPACE.split(el.get('class') or '')).strip()} "


def _is_container(el) -> bool:
    """The article container: ``itemprop=articleBody``, a ``post_content`` div or ``#artbody``."""
    return el.get("itemprop") == "articleBody" or (
        el.name == "div" and (" post_content " in _classes(el) or el.get("id") == "artbody"))


def _elements(el) -> Iterator[Tag]:
    """The elements below ``el``, in document order."""
    return (d for d in el.descendants if isinstance(d, (Tag, _Element)))


def _is_caption(el) -> bool:
    return el.name == "figcaption" or (el.name == "div" and "caption" in (el.get("class") or ""))


def _text_content(el) -> str:
    return el.get_text()


def _text(el) -> str:
    return clean(join_inline(_text_content(el)))


def _host(url: str) -> str | None:
    """The URL's host, or None (also when the URL is not one: a link's text in a URL field)."""
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


@lru_cache(maxsize=8192)  # a site's navigation links recur on every page
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


def _soup(html: str) -> BeautifulSoup:
    # every string a plain text node (no Script/Stylesheet kinds), class as written
    return BeautifulSoup(html, "lxml", string_containers={}, multi_valued_attributes=None,
                         store_line_numbers=False)


def _too_deep(soup) -> bool:
    parser = soup.parser if isinstance(soup, _Root) else getattr(soup.builder, "parser", None)
    return parser is not None and any("depth" in e.message.lower() for e in parser.error_log)


class _Element:
    """An element of the page as the reader walks it: its name, attributes and parent, and
    where its subtree lies in the document-order list of nodes (``_nodes[_start+1:_end]``)."""

    __slots__ = ("name", "attrs", "parent", "_nodes", "_start", "_end")

    def __init__(self, name, attrs, parent, nodes):
        self.name = name
        self.attrs = attrs
        self.parent = parent
        self._nodes = nodes
        self._start = len(nodes)
        self._end = -1

    def get(self, key, default=None):
        return self.attrs.get(key, default)

    def has_attr(self, key) -> bool:
        return key in self.attrs

    def __getitem__(self, key):
        return self.attrs[key]

    @property
    def descendants(self):
        return self._nodes[self._start + 1:self._end]

    def get_text(self) -> str:
        return "".join([n for n in self._nodes[self._start + 1:self._end] if n.__class__ is str])


class _Root(_Element):
    __slots__ = ("parser",)


class _Unusual(Exception):
    """A page the lean tree does not mirror BeautifulSoup on: read it through BeautifulSoup."""


_PRESERVE = frozenset(("pre", "textarea"))


class _Builder:
    """lxml's parser target that builds the tree BeautifulSoup's lxml builder would (the
    same elements, parents and text nodes: a run of text ends at every tag, comment,
    processing instruction and doctype; a run of ASCII whitespace outside <pre> and
    <textarea> becomes one newline or space; comments and the like are no text), without
    BeautifulSoup's per-node cost. Names and attribute keys with a namespace fall back.
    One builder and its parser serve every page of a thread (:meth:`reset` between pages)."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.nodes: list = []
        self.root = _Root("[document]", {}, None, self.nodes)
        self.root._start = -1  # (not in the list: its subtree is the whole list)
        self.stack = [self.root]
        self.current = self.root
        self.text: list[str] = []
        self.open: dict[str, int] = {}
        self.preserve = 0

    def _flush(self):
        data = "".join(self.text)
        self.text = []
        if not self.preserve and not data.strip("\x20\x0a\x09\x0c\x0d"):
            data = "\n" if "\n" in data else " "
        self.nodes.append(data)

    def start(self, tag, attrib):
        if self.text:
            self._flush()
        if tag[0] == "{":
            raise _Unusual(tag)
        attrs = dict(attrib)
        if attrs:
            for key in attrs:
                if key[0] == "{":
                    raise _Unusual(key)
        el = _Element(tag, attrs, self.current, self.nodes)
        self.nodes.append(el)
        self.stack.append(el)
        self.current = el
        self.open[tag] = self.open.get(tag, 0) + 1
        if tag in _PRESERVE:
            self.preserve += 1

    def _pop(self):
        el = self.stack.pop()
        el._end = len(self.nodes)
        self.open[el.name] -= 1
        if el.name in _PRESERVE:
            self.preserve -= 1
        self.current = self.stack[-1]

    def end(self, tag):
        if self.text:
            self._flush()
        if tag[0] == "{":
            raise _Unusual(tag)
        # BeautifulSoup pops up to the most recent open element of that name, if any
        if not self.open.get(tag):
            return
        while len(self.stack) > 1:
            name = self.stack[-1].name
            self._pop()
            if name == tag:
                break

    def data(self, data):
        self.text.append(data)

    def comment(self, text):
        if self.text:
            self._flush()

    def pi(self, target, data):
        if self.text:
            self._flush()

    def doctype(self, name, pubid, system):
        if self.text:
            self._flush()

    def close(self):
        if self.text:
            self._flush()
        while len(self.stack) > 1:
            self._pop()
        self.root._end = len(self.nodes)
        return self.root


_local = threading.local()


def _lean(html: str):
    """The page's tree as :func:`_soup` reads it, or None where the lean tree may differ
    (a namespaced name, a parser error, a markup lxml rejects): those go to BeautifulSoup."""
    if html[:1] == "\N{BYTE ORDER MARK}":
        return None
    pid = os.getpid()
    if getattr(_local, "pid", None) != pid:  # a new thread, or a forked worker
        _local.pid, _local.builder = pid, _Builder()
        _local.parser = etree.HTMLParser(target=_local.builder, recover=True, huge_tree=False)
    builder, parser = _local.builder, _local.parser
    builder.reset()
    try:
        parser.feed(html)
        root = parser.close()
    except Exception:  # noqa: BLE001 - _Unusual, or what BeautifulSoup handles its own way
        _local.pid = None  # a fresh parser for the next page
        return None
    root.parser = parser
    builder.reset()  # the builder lets go of the page
    return root


def _parse_html(html: str, warnings: list[str]):
    """The page's HTML tree, however deep it nests (lxml's parser fed through BeautifulSoup
    keeps no depth limit); should libxml2 still report a depth limit, the page is read
    again without its bare wrapper tags. The tree is the lean one of :class:`_Builder`
    (BeautifulSoup's, at a fraction of the cost), BeautifulSoup's own where that may differ."""
    soup = _lean(html)
    if soup is not None and not _too_deep(soup):
        return soup
    soup = _soup(html)
    if not _too_deep(soup):
        return soup
    flat = _soup(_WRAPPER.sub("", html))
    if _too_deep(flat):
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
    # one walk over the page: the container (the outermost, the first in document order,
    # in case a class and an itemprop name nested elements), the links and the images
    container = None
    links, images = [], []
    for el in _elements(root):
        name = el.name
        if name == "a" or name == "ok":
            links.append(el)
        elif name == "img":
            images.append(el)
        if container is None and _is_container(el):
            container = el
    if container is None:
        raise SkipFile(f"{NAME}: no article container (post_content, column or articleBody)")

    paragraphs: list[str] = []
    blocks = []
    holders: set[int] = set()  # blocks holding another block
    for el in ([container] if container.name in _BLOCK_SET else []) + \
            [d for d in _elements(container) if d.name in _BLOCK_SET]:
        ancestors = []
        parent = el.parent
        while parent is not None:
            if parent.name in _SKIP_ANCESTORS:
                break
            ancestors.append(id(parent))
            parent = parent.parent
        else:
            blocks.append(el)
            holders.update(ancestors)
    for el in blocks:
        if id(el) in holders:
            continue  # a blockquote or li holding paragraphs: take the paragraphs
        t = _text(el)
        if t:
            paragraphs.append(t)
    if not paragraphs:
        paragraphs = [clean(line) for line in _text_content(container).split("\n") if clean(line)]

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
    for el in links:
        name = _tag_name(el.get("href") or "")
        if name and name not in seen:
            seen.add(name)
            doc.tags.append(name)

    # lead image (before the container) and figures inside it; never the tracking pixel
    for img in images:
        src = (img.get("src") or "").strip()
        if not src.startswith("http") or (img.get("width") or "").startswith("0"):
            continue
        if "gfw-breaker" in src:
            continue
        caption = None
        fig = img.parent
        while fig is not None and fig.name not in ("figure", "div"):
            fig = fig.parent
        if fig is not None:
            cap = next((d for d in _elements(fig) if _is_caption(d)), None)
            if cap is not None:
                caption = _text(cap) or None
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
        alt = [img["alt"] for img in images
               if "wp-post-image" in (img.get("class") or "") and img.has_attr("alt")]
        doc.headline = clean(alt[0]) if alt else None
    doc.language = detect_language(" ".join([doc.headline or "", *doc.paragraphs[:5]]), default="zh-Hans")
    if not doc.headline and not doc.paragraphs:
        raise SkipFile(f"{NAME}: neither a headline nor any body text")
    return doc
