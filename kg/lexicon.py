"""The actor lexicon: countries, organizations, people and news outlets, kept as YAML data
under ``ontology/actors/``. Each entry::

    - id: japan                      # stable slug, the actor's IRI is kgr:actor/<id>
      type: Country                  # Country | Organization | Person
      types: [GovernmentOrganization]      # optional, more specific schema.org / kg classes
      labels: {en: Japan, zh-Hans: 日本, zh-Hant: 日本}
      aliases: {en: [Japanese, Tokyo], zh: [日方, 东京]}
      ambiguous: [Tokyo, 东京]      # aliases that need context (see kg.extract.actors)
      wikidata: Q17                  # only where confirmed
      based_in: japan                # organizations
      affiliated_with: [japan]       # people
      role: {en: ..., zh-Hans: ...}  # people
      domains: [nhk.or.jp]           # news outlets: the web domains they publish on
      context: [iPhone, 手机]        # words that, next to an ambiguous name, make it this actor
      contextual: [商务部]          # bare names several actors share: matched as ambiguous names
                                     # (the article's context decides), never written as labels
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Optional

import yaml

from .terms import is_language_tag
from .text import normalize_chars, normalize_chars_many

__all__ = ["Actor", "Lexicon", "load", "normalize_name", "normalize_names"]

TYPES = ("Country", "Organization", "Person")


@lru_cache(maxsize=1 << 16)
def normalize_name(name: str) -> str:
    """The key a name is looked up by: :func:`kg.text.normalize_chars` (the same
    normalization the matcher applies to article text), white space collapsed. Cached:
    discovery asks for the same names and windows again and again."""
    return " ".join(normalize_chars(name).split())


def normalize_names(names: list[str]) -> list[str]:
    """:func:`normalize_name` of each name, worked out together (see
    :func:`kg.text.normalize_chars_many`): discovery looks up every suffix of a window."""
    return [" ".join(n.split()) for n in normalize_chars_many(names)]


@dataclass
class Actor:
    id: str
    type: str
    labels: dict[str, str]
    aliases: dict[str, list[str]] = field(default_factory=dict)
    types: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    wikidata: Optional[str] = None
    based_in: Optional[str] = None
    affiliated_with: list[str] = field(default_factory=list)
    role: dict[str, str] = field(default_factory=dict)
    domains: list[str] = field(default_factory=list)
    #: words that, next to one of its ambiguous names, make it this actor (苹果 + iPhone)
    context: list[str] = field(default_factory=list)
    #: bare names several actors share (商务部: whichever state's ministry the article is
    #: about); matched as ambiguous names, never exported as this actor's labels
    contextual: list[str] = field(default_factory=list)
    source: str = ""
    discovered: str = ""  # how a discovered actor was found (not in the lexicon files)
    learned: tuple[str, ...] = ()  # names the build's articles taught (glosses)

    def names(self) -> list[tuple[str, str]]:
        """Every (language, name) this actor is known by: labels first, then aliases."""
        out = [(lang, name) for lang, name in self.labels.items()]
        for lang, names in self.aliases.items():
            out.extend((lang, n) for n in names)
        out.extend(("und", n) for n in self.contextual)
        return out


class Lexicon:
    def __init__(self, actors: list[Actor]):
        self.actors: dict[str, Actor] = {}
        self.by_name: dict[str, set[str]] = {}
        self.by_domain: dict[str, str] = {}
        for a in actors:
            if a.id in self.actors:
                raise ValueError(f"actor id {a.id!r} defined twice ({self.actors[a.id].source}, {a.source})")
            self.actors[a.id] = a
            for _, name in a.names():
                self.by_name.setdefault(normalize_name(name), set()).add(a.id)
            for d in a.domains:
                self.by_domain[d.lower().removeprefix("www.")] = a.id
        for a in actors:
            for ref in filter(None, [a.based_in, *a.affiliated_with]):
                if ref not in self.actors:
                    raise ValueError(f"{a.source}: {a.id} refers to unknown actor {ref!r}")
        # :meth:`get` is the dict's own (the extractors ask it about a million times a
        # thousand articles: no Python call on the way)
        self.get = self.actors.get

    def __len__(self) -> int:
        return len(self.actors)

    def get(self, actor_id: str) -> Actor | None:  # (replaced by the dict's own in __init__)
        return self.actors.get(actor_id)

    def lookup(self, name: str) -> list[Actor]:
        return [self.actors[i] for i in sorted(self.by_name.get(normalize_name(name), ()))]

    def outlet(self, name: str | None, domain: str | None) -> Actor | None:
        """The news outlet of a publisher name or web domain, if the lexicon knows it."""
        if domain:
            d = domain.lower().removeprefix("www.")
            while d:
                if d in self.by_domain:
                    return self.actors[self.by_domain[d]]
                d = d.partition(".")[2] if "." in d else ""
        if name:
            hits = [a for a in self.lookup(name) if a.type == "Organization"]
            if len(hits) == 1:
                return hits[0]
        return None


def _check_langs(mapping: dict, what: str, source: str, actor_id: str) -> None:
    for lang, value in mapping.items():
        if not isinstance(lang, str) or not is_language_tag(lang):
            raise ValueError(f"{source}: {actor_id}: {what} has a bad language key {lang!r} "
                             "(a value with a comma must be quoted in a YAML flow mapping)")
        values = value if isinstance(value, list) else [value]
        if any(v is None or str(v).strip() == "" for v in values):
            raise ValueError(f"{source}: {actor_id}: {what}[{lang}] is empty")


def _actor(entry: dict, source: str) -> Actor:
    if not isinstance(entry, dict) or "id" not in entry:
        raise ValueError(f"{source}: an entry without an id: {entry!r}")
    for what in ("labels", "aliases", "role"):
        if isinstance(entry.get(what), dict):
            _check_langs(entry[what], what, source, entry["id"])
    if entry.get("type") not in TYPES:
        raise ValueError(f"{source}: {entry['id']}: type must be one of {TYPES}")
    aliases = entry.get("aliases") or {}
    if isinstance(aliases, list):
        aliases = {"und": aliases}
    return Actor(
        id=str(entry["id"]),
        type=entry["type"],
        labels={k: str(v) for k, v in (entry.get("labels") or {}).items()},
        aliases={k: [str(x) for x in v] for k, v in aliases.items()},
        types=list(entry.get("types") or []),
        ambiguous=[str(x) for x in [*(entry.get("ambiguous") or []), *(entry.get("contextual") or [])]],
        wikidata=entry.get("wikidata"),
        based_in=entry.get("based_in"),
        affiliated_with=list(entry.get("affiliated_with") or []),
        role={k: str(v) for k, v in (entry.get("role") or {}).items()},
        domains=list(entry.get("domains") or []),
        context=[str(x) for x in entry.get("context") or []],
        contextual=[str(x) for x in entry.get("contextual") or []],
        source=source,
    )


@lru_cache(maxsize=1)
def load() -> Lexicon:
    folder = resources.files("kg._ontology").joinpath("actors")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    actors: list[Actor] = []
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".yaml"):
            continue
        data = yaml.load(item.read_text(encoding="utf-8"), Loader=loader) or []
        actors.extend(_actor(e, f"actors/{item.name}") for e in data)
    return Lexicon(actors)
