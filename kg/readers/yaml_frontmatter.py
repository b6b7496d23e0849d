"""Format A: YAML front-matter article records (Jekyll ``_news``/``_posts`` of news aggregators).

Both schemas: ``originalUrl``/``webUrl`` and the older ``sourceUrl``/``ampUrl``; missing
fields; unquoted timestamps (which YAML gives as datetime objects); ``related`` items with
a nested provider and images. A body after the front matter, if any, is the article body.
"""
from __future__ import annotations

import datetime as dt
import re

import yaml

from ..document import Document, Image, Link
from ..text import clean, detect_language

NAME = "yaml-frontmatter"

_FRONT = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)(.*)\Z", re.S)
_URL_KEYS = ("originalUrl", "webUrl", "sourceUrl", "url", "link", "ampWebUrl", "ampUrl")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class NotAnArticle(ValueError):
    pass


def detect(text: str) -> bool:
    return text.lstrip("\ufeff").startswith("---") and _FRONT.match(text) is not None


def iso_date(value: object) -> str | None:
    """ISO 8601 text of a YAML date/datetime or a date string; None when absent or unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
            return value.isoformat(timespec="seconds") + "Z"
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    s = str(value).strip()
    m = re.match(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?$", s)
    if not m:
        return None
    if not m.group(2):
        return m.group(1)
    parsed = dt.datetime.fromisoformat(s.replace("Z", "+00:00").replace(" ", "T"))
    return iso_date(parsed)


def _str(value: object) -> str | None:
    if value is None:
        return None
    s = clean(str(value))
    return s or None


def _images(items: object) -> list[Image]:
    out = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and _str(item.get("url")):
            out.append(Image(_str(item["url"]), _str(item.get("title")) or _str(item.get("caption"))))
        elif isinstance(item, str) and item.strip():
            out.append(Image(item.strip()))
    return out


def _first_url(d: dict) -> str | None:
    for key in _URL_KEYS:
        if _str(d.get(key)):
            return _str(d[key])
    return None


def _provider(d: dict) -> tuple[str | None, str | None]:
    p = d.get("provider")
    if isinstance(p, dict):
        return _str(p.get("name")), _str(p.get("domain"))
    if isinstance(p, str):
        return _str(p), None
    return None, None


def _labels(value: object) -> list[str]:
    if isinstance(value, str):
        value = [value]
    seen, out = set(), []
    for v in value if isinstance(value, list) else []:
        s = _str(v)
        if s and s not in seen:
            seen.add(s)
            out.append(s)
    return out


#: how many values the front matter may hold once its aliases are expanded (an article
#: record has some hundreds; a "billion laughs" alias bomb has billions)
ALIAS_BUDGET = 10_000
_ANCHOR = re.compile(r"(?:^|[\s\[{,:-])&[^\s,\[\]{}]")
_ALIAS = re.compile(r"(?:^|[\s\[{,:-])\*[^\s,\[\]{}]")


def _expanded_size(node, memo: dict, depth: int = 0) -> int:
    """How many nodes ``node`` stands for with every alias expanded (linear in the nodes
    written: each is counted once, its size reused where an alias repeats it)."""
    key = id(node)
    if key in memo:
        if memo[key] is None:
            raise NotAnArticle("front matter refers to itself through an alias (a cycle)")
        return memo[key]
    if depth > 200:
        raise NotAnArticle("front matter nested too deeply")
    memo[key] = None
    size = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            size += _expanded_size(child, memo, depth + 1)
            if size > ALIAS_BUDGET:
                break
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            size += _expanded_size(k, memo, depth + 1) + _expanded_size(v, memo, depth + 1)
            if size > ALIAS_BUDGET:
                break
    memo[key] = size
    return size


def _check_aliases(front: str) -> None:
    """Refuse front matter whose aliases would expand beyond :data:`ALIAS_BUDGET` values
    (checked only where the text has both an anchor and an alias)."""
    if not (_ANCHOR.search(front) and _ALIAS.search(front)):
        return
    node = yaml.compose(front, Loader=_Loader)
    if node is not None and _expanded_size(node, {}) > ALIAS_BUDGET:
        raise NotAnArticle(f"YAML aliases expand beyond {ALIAS_BUDGET:,} values (an alias bomb?)")


def parse_front_matter(text: str) -> tuple[dict, str]:
    m = _FRONT.match(text)
    if not m:
        raise NotAnArticle("no front matter between '---' lines")
    try:
        _check_aliases(m.group(1))
        data = yaml.load(m.group(1), Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise NotAnArticle(f"invalid YAML front matter{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise NotAnArticle("front matter is not a mapping")
    return data, m.group(2)


def read(text: str, source_file: str, encoding: str) -> Document:
    from . import SkipFile

    try:
        d, body = parse_front_matter(text)
    except NotAnArticle as exc:
        raise SkipFile(f"{NAME}: {exc}") from None
    title = _str(d.get("title"))
    url = _first_url(d)
    if not title and not url:
        raise SkipFile(f"{NAME}: YAML front matter without a title or URL is not an article record")
    publisher, domain = _provider(d)
    excerpt = _str(d.get("excerpt")) or _str(d.get("description")) or _str(d.get("summary"))
    paragraphs = [clean(p) for p in re.split(r"\n\s*\n", body) if clean(p)]
    date = iso_date(d.get("publishedDateTime") or d.get("datePublished") or d.get("date"))
    doc = Document(
        source_file=source_file,
        format=NAME,
        encoding=encoding,
        language=detect_language(" ".join(filter(None, [title, excerpt, *paragraphs[:3]]))),
        headline=title,
        date=date,
        url=url,
        publisher=publisher,
        publisher_domain=domain,
        authors=_labels(d.get("author") or d.get("authors")),
        excerpt=excerpt,
        paragraphs=paragraphs,
        topics=_labels(d.get("topics")),
        tags=_labels(d.get("tags")),
        images=_images(d.get("images")),
    )
    if date is None and d.get("publishedDateTime"):
        doc.warnings.append(f"unreadable date {d.get('publishedDateTime')!r}")
    for item in d.get("related") or []:
        if not isinstance(item, dict):
            doc.warnings.append("a related item that is not a mapping was ignored")
            continue
        rpub, rdomain = _provider(item)
        link = Link(
            kind="related",
            title=_str(item.get("title")),
            url=_first_url(item),
            date=iso_date(item.get("publishedDateTime") or item.get("date")),
            publisher=rpub,
            publisher_domain=rdomain,
            excerpt=_str(item.get("excerpt")),
            images=_images(item.get("images")),
        )
        if link.title or link.url:
            doc.links.append(link)
        else:
            doc.warnings.append("a related item with neither title nor URL was ignored")
    return doc
