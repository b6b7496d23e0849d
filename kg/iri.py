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
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from .terms import IRI, KGR

__all__ = [
    "slugify",
    "canonical_url",
    "url_key",
    "safe_iri",
    "article",
    "actor",
    "topic",
    "technology",
    "policy",
    "assertion",
    "dataset",
]

# characters that may not appear raw in an IRI (RFC 3987 / Turtle IRIREF)
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f-\x9f]')
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


def safe_iri(url: str | None) -> str | None:
    """The URL as a valid absolute IRI (forbidden characters percent-encoded), or None."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return _IRI_FORBIDDEN.sub(lambda m: quote(m.group(0), safe=""), url)


def canonical_url(url: str | None) -> str | None:
    """The URL with scheme and host lower-cased, fragment and tracking parameters removed."""
    iri = safe_iri(url)
    if iri is None:
        return None
    p = urlsplit(iri)
    host = (p.hostname or "").lower()
    if p.port and not ((p.scheme == "http" and p.port == 80) or (p.scheme == "https" and p.port == 443)):
        host = f"{host}:{p.port}"
    query = urlencode([(k, v) for k, v in parse_qsl(p.query, keep_blank_values=True) if not _TRACKING.match(k)])
    return urlunsplit((p.scheme.lower(), host, p.path or "/", query, ""))


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


def actor(key: str) -> IRI:
    """An actor by its lexicon id (already a slug) or by a discovered name."""
    return IRI(f"{KGR}actor/{slugify(key)}")


def topic(label: str) -> IRI:
    return IRI(f"{KGR}topic/{slugify(label)}")


def technology(key: str) -> IRI:
    return IRI(f"{KGR}technology/{slugify(key)}")


def policy(key: str) -> IRI:
    return IRI(f"{KGR}policy/{slugify(key, max_len=96)}")


def assertion(*parts: object) -> IRI:
    """A provenance statement, by what it states and where it was read."""
    return IRI(f"{KGR}assertion/{_digest('|'.join(map(str, parts)), 20)}")


def dataset() -> IRI:
    return IRI(f"{KGR}dataset")
