"""The one place where kg mints IRIs.

Rules:
- stable across runs and machines: an IRI depends only on what it names, never on
  input order, paths or time;
- readable slugs where a name is canonical (lexicon actors, topics, technologies);
- articles: a hash of the canonical URL, else of the content;
- never an invalid IRI: every character outside what RFC 3987 allows is percent-encoded.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .terms import IRI, KGR

__all__ = [
    "slugify",
    "canonical_url",
    "url_key",
    "safe_iri",
    "check_iri",
    "is_valid_iri",
    "BadIRI",
    "article",
    "actor",
    "topic",
    "technology",
    "policy",
    "assertion",
    "dataset",
]

_TRACKING = re.compile(r"^(utm_|fbclid$|gclid$|mc_|ref$|cmpid$|ocid$|guccounter$)", re.I)
_SLUG_DROP = re.compile(r"[^\w]+", re.UNICODE)


def _digest(text: str, n: int = 16) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


def slugify(name: str, max_len: int = 64) -> str:
    """A readable, IRI-safe slug: Latin lower-cased and hyphenated, CJK kept as is.

    >>> slugify("Associated Press")
    'associated-press'
    >>> slugify("大纪元")
    '大纪元'
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    text = text.replace("&", " and ").replace("'", "").replace("’", "")
    slug = _SLUG_DROP.sub("-", text).strip("-_")
    slug = re.sub(r"[-_]{2,}", "-", slug)
    if len(slug) > max_len:
        slug = slug[:max_len].rstrip("-") + "-" + _digest(name, 6)
    return slug or _digest(name, 12)


# RFC 3987 ucschar (non-ASCII characters an IRI may hold raw outside the query)
_UCSCHAR = ((0xA0, 0xD7FF), (0xF900, 0xFDCF), (0xFDF0, 0xFFEF), (0x10000, 0x1FFFD), (0x20000, 0x2FFFD),
            (0x30000, 0x3FFFD), (0x40000, 0x4FFFD), (0x50000, 0x5FFFD), (0x60000, 0x6FFFD), (0x70000, 0x7FFFD),
            (0x80000, 0x8FFFD), (0x90000, 0x9FFFD), (0xA0000, 0xAFFFD), (0xB0000, 0xBFFFD), (0xC0000, 0xCFFFD),
            (0xD0000, 0xDFFFD), (0xE1000, 0xEFFFD))
# ASCII that may stand raw in a path, query or fragment: unreserved, sub-delims, ":", "@", "/", "?"
_ASCII_OK = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/?")
_HEX = frozenset("0123456789abcdefABCDEF")
# valid in an IRI, but line breaks to readers that split lines the Unicode way (rdflib's N-Quads)
_LINE_BREAKS = frozenset("\u2028\u2029")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# a host: an IP literal, or dot-separated labels of letters (any script), digits and hyphens
_HOST = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|(?:[^\W_]|[^\W_][\w-]*[^\W_])(?:\.(?:[^\W_]|[^\W_][\w-]*[^\W_]))*\.?)$")
_USERINFO = re.compile(r"^[A-Za-z0-9\-._~!$&'()*+,;=:%]*$")


class BadIRI(ValueError):
    """A value that cannot be made a valid IRI; ``str(exc)`` says why."""


def _ucschar(ch: str) -> bool:
    o = ord(ch)
    return any(lo <= o <= hi for lo, hi in _UCSCHAR)


def _encode_part(text: str) -> str:
    """Percent-encode every character a path, query or fragment may not hold raw (keeping
    valid ``%XX`` escapes; a stray ``%`` becomes ``%25``)."""
    out = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch in _ASCII_OK or (ch > "\x7f" and ch not in _LINE_BREAKS and _ucschar(ch)):
            out.append(ch)
        elif ch == "%" and i + 2 < n and text[i + 1] in _HEX and text[i + 2] in _HEX:
            out.append(ch)
        else:
            try:
                data = ch.encode("utf-8")
            except UnicodeEncodeError:
                raise BadIRI(f"a lone surrogate U+{ord(ch):04X}") from None
            out.append("".join(f"%{b:02X}" for b in data))
    return "".join(out)


@lru_cache(maxsize=1 << 15)  # a build checks the same related links many times
def check_iri(url: str | None) -> str:
    """The URL as a valid absolute http(s) IRI, repaired by percent-encoding where that is
    safe (spaces, ``[``, a stray ``%``, a second ``#``, characters IRIs forbid). Raises
    :class:`BadIRI` with the reason when it cannot be one (no scheme, a relative path, a
    host that is not a host name, a bad port). Valid means: Oxigraph, the strictest of the
    readers kg is tested with, accepts it."""
    if url is None:
        raise BadIRI("no URL")
    url = url.strip()
    if not url:
        raise BadIRI("empty")
    m = _SCHEME.match(url)
    if not m:
        raise BadIRI("not an absolute URL (no scheme)")
    scheme = m.group(1)
    if scheme.lower() not in ("http", "https"):
        raise BadIRI(f"not an http(s) URL (scheme {scheme!r})")
    rest = url[m.end():]
    if not rest.startswith("//"):
        raise BadIRI("no host after the scheme")
    rest = rest[2:]
    cut = min((i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    userinfo, at, hostport = authority.rpartition("@")
    if at and not _USERINFO.match(userinfo):
        raise BadIRI("user information with characters a URL cannot hold")
    host, port = hostport, ""
    if not hostport.endswith("]") and ":" in hostport:
        host, _, port = hostport.rpartition(":")
        if port and (not port.isascii() or not port.isdigit() or int(port) > 65535):
            raise BadIRI(f"bad port {port!r}")
    if not host or not _HOST.match(host):
        raise BadIRI(f"{host!r} is not a host name")
    before, hash_, fragment = tail.partition("#")
    path_query = _encode_part(before)
    result = f"{scheme}://{userinfo}{at}{host}{':' if port else ''}{port}{path_query}"
    if hash_:
        result += "#" + _encode_part(fragment)
    if not _valid(result):
        raise BadIRI("not a valid IRI")
    return result


@lru_cache(maxsize=1 << 14)
def _valid(iri: str) -> bool:
    try:
        import pyoxigraph

        pyoxigraph.NamedNode(iri)
    except ValueError:
        return False
    return True


def is_valid_iri(iri: str) -> bool:
    """Whether Oxigraph (the strictest reader kg is tested with) accepts ``iri``."""
    return _valid(iri)


def safe_iri(url: str | None) -> str | None:
    """The URL as a valid absolute IRI (forbidden characters percent-encoded), or None."""
    if not url:
        return None
    try:
        return check_iri(url)
    except BadIRI:
        return None


@lru_cache(maxsize=1 << 15)
def canonical_url(url: str | None) -> str | None:
    """The URL with scheme and host lower-cased, fragment and tracking parameters removed."""
    iri = safe_iri(url)
    if iri is None:
        return None
    try:
        p = urlsplit(iri)
        p.port  # noqa: B018 - raises on a port urlsplit cannot read
    except ValueError:
        return None
    host = (p.hostname or "").lower()
    if p.port and not ((p.scheme == "http" and p.port == 80) or (p.scheme == "https" and p.port == 443)):
        host = f"{host}:{p.port}"
    query = urlencode([(k, v) for k, v in parse_qsl(p.query, keep_blank_values=True) if not _TRACKING.match(k)])
    return urlunsplit((p.scheme.lower(), host, p.path or "/", query, ""))


@lru_cache(maxsize=1 << 15)
def url_key(url: str | None) -> str | None:
    """What makes two URLs the same article: host without ``www.``, path, query (not the scheme)."""
    canon = canonical_url(url)
    if canon is None:
        return None
    p = urlsplit(canon)
    host = p.netloc[4:] if p.netloc.startswith("www.") else p.netloc
    path = p.path.rstrip("/") or "/"
    return f"{host}{path}" + (f"?{p.query}" if p.query else "")


def _norm_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def article(url: str | None = None, *, content: str | None = None, title: str | None = None,
            mirror: bool = False) -> IRI:
    """An article: by its URL; a mirror of a URL; else by its title (a link that gives only
    a title) or, last, by its content."""
    key = url_key(url)
    if key is not None:
        basis = ("mirror:" if mirror else "url:") + key
    elif title is not None:
        basis = "title:" + _norm_text(title)
    elif content is not None:
        basis = "content:" + _norm_text(content)
    else:
        raise ValueError("an article IRI needs a URL, a title or content")
    return IRI(f"{KGR}article/{_digest(basis)}")


def _minted(kind: str, slug: str, key: str) -> IRI:
    """``kgr:<kind>/<slug>``, checked: a slug an IRI cannot hold (a character outside what
    RFC 3987 allows) is replaced by a hash of the key."""
    value = f"{KGR}{kind}/{slug}"
    if not _valid(value):
        value = f"{KGR}{kind}/{_digest(key, 12)}"
    return IRI(value)


@lru_cache(maxsize=1 << 16)  # the same actors, topics and technologies on every page
def actor(key: str) -> IRI:
    """An actor by its lexicon id (already a slug) or by a discovered name."""
    return _minted("actor", slugify(key), key)


@lru_cache(maxsize=1 << 16)  # the same actors, topics and technologies on every page
def topic(label: str) -> IRI:
    return _minted("topic", slugify(label), label)


@lru_cache(maxsize=1 << 16)  # the same actors, topics and technologies on every page
def technology(key: str) -> IRI:
    return _minted("technology", slugify(key), key)


def policy(key: str) -> IRI:
    return _minted("policy", slugify(key, max_len=96), key)


def assertion(*parts: object) -> IRI:
    """A provenance statement, by what it states and where it was read."""
    return IRI(f"{KGR}assertion/{_digest('|'.join(map(str, parts)), 20)}")


def dataset() -> IRI:
    return IRI(f"{KGR}dataset")
