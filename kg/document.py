"""What a reader makes of one input file: a parsed document, independent of its format.

Extractors are plain functions over a :class:`Document`; they never see raw bytes or HTML.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

#: link kinds and the contract sub-property of ``kg:relatedTo`` each is written with
LINK_KINDS = {
    "related": "relatedArticle",
    "previous": "previousArticle",
    "next": "nextArticle",
    "recommends": "recommends",
    "mirror": "mirrorOf",
}


@dataclass
class Image:
    url: str
    caption: Optional[str] = None


@dataclass
class Link:
    """A link from a document to another article, with whatever the link tells of it."""

    kind: str  # one of LINK_KINDS
    title: Optional[str] = None
    url: Optional[str] = None
    date: Optional[str] = None  # ISO date or dateTime, only when the link states it
    publisher: Optional[str] = None
    publisher_domain: Optional[str] = None
    excerpt: Optional[str] = None
    images: list[Image] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.kind not in LINK_KINDS:
            raise ValueError(f"unknown link kind {self.kind!r}")


@dataclass
class Section:
    """A span of the article text: ``text[start:end]`` is one paragraph or field."""

    kind: str  # headline | excerpt | paragraph | caption
    start: int
    end: int


@dataclass
class Document:
    source_file: str  # path relative to the input argument it was found under
    format: str  # reader name
    encoding: str
    language: str  # BCP 47: en, zh-Hans, zh-Hant, ...
    headline: Optional[str] = None
    headline_derived: bool = False  # True when the page has no headline and kg made one
    date: Optional[str] = None  # ISO 8601 date or dateTime, only when stated
    url: Optional[str] = None  # the article's own URL; for a mirror, the original's
    is_mirror: bool = False
    publisher: Optional[str] = None
    publisher_domain: Optional[str] = None
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    excerpt: Optional[str] = None
    paragraphs: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: what extractors found, for the extractors after them (kg.extract.actors.Mention)
    mentions: list = field(default_factory=list, repr=False, compare=False)
    policies: list = field(default_factory=list, repr=False, compare=False)
    relations: list = field(default_factory=list, repr=False, compare=False)

    _text: Optional[str] = field(default=None, repr=False, compare=False)
    _sections: Optional[list[Section]] = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict:
        # the assembled text is a cache: not worth its space in a pickle
        return {k: v for k, v in self.__dict__.items() if k not in ("_text", "_sections")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _text=None, _sections=None)

    def _assemble(self) -> None:
        parts: list[tuple[str, str]] = []
        if self.headline and not self.headline_derived:
            parts.append(("headline", self.headline))
        if self.excerpt:
            parts.append(("excerpt", self.excerpt))
        parts.extend(("paragraph", p) for p in self.paragraphs if p)
        text, sections, pos = [], [], 0
        for kind, chunk in parts:
            sections.append(Section(kind, pos, pos + len(chunk)))
            text.append(chunk)
            pos += len(chunk) + 1
        self._text = "\n".join(text)
        self._sections = sections

    @property
    def text(self) -> str:
        """The article's own text (headline, excerpt, body), one section per line.

        Character offsets of evidence refer to this string. Related items, navigation and
        recommendation lists are not part of it: they are not the article's mentions.
        """
        if self._text is None:
            self._assemble()
        return self._text  # type: ignore[return-value]

    @property
    def sections(self) -> list[Section]:
        if self._sections is None:
            self._assemble()
        return self._sections  # type: ignore[return-value]
