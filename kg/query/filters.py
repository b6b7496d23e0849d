"""Filters on the articles behind every listing: ``--since``, ``--until`` (article dates),
``--outlet`` (the publisher), ``--lang`` (the article's language) and ``--min-confidence``
(the confidence of the assertion an article makes, and of a discovered actor).

A filter keeps, of each link, the articles that pass it: a link none of whose articles
passes is left out (so is a link that no article states, a lexicon fact, when a date,
outlet or language is asked for: it has no date, outlet or language). With
``--min-confidence X``, an article counts for a relation or a policy role only if its
assertion of it has a confidence of at least X, and a discovered actor (``kg:confidence``
0.60) is left out when X is above its confidence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Iterable, Optional

import pyoxigraph as ox

from ..terms import KG
from .store import Store

__all__ = ["ArticleFilter", "check_date", "NO_FILTER"]

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def check_date(value: str, option: str) -> str:
    if not _DATE.match(value):
        raise ValueError(f"{option} {value!r}: give a date as YYYY, YYYY-MM or YYYY-MM-DD")
    return value


@dataclass
class ArticleFilter:
    since: Optional[str] = None
    until: Optional[str] = None
    outlets: tuple[str, ...] = ()  # publisher IRIs
    langs: tuple[str, ...] = ()
    min_confidence: Optional[float] = None
    _articles: Optional[set[str]] = field(default=None, repr=False)
    _weak: Optional[set[tuple[str, str, str, str]]] = field(default=None, repr=False)
    _weak_nodes: Optional[set[str]] = field(default=None, repr=False)

    @property
    def on_articles(self) -> bool:
        return bool(self.since or self.until or self.outlets or self.langs)

    @property
    def active(self) -> bool:
        return self.on_articles or self.min_confidence is not None

    def prepare(self, store: Store) -> "ArticleFilter":
        """Read what the filter needs from the build, once."""
        f = replace(self)
        if self.on_articles:
            f._articles = self._matching_articles(store)
        if self.min_confidence is not None:
            f._weak, f._weak_nodes = self._weak_assertions(store)
        return f

    def _matching_articles(self, store: Store) -> set[str]:
        rows = store.query("""
            SELECT ?a (SAMPLE(STR(?d)) AS ?date) (GROUP_CONCAT(DISTINCT LCASE(STR(?l)); SEPARATOR=" ") AS ?langs)
                   (GROUP_CONCAT(DISTINCT STR(?p); SEPARATOR=" ") AS ?outlets) WHERE {
              ?a a schema:NewsArticle .
              OPTIONAL { ?a schema:datePublished ?d } OPTIONAL { ?a schema:inLanguage ?l }
              OPTIONAL { ?a schema:publisher ?p }
            } GROUP BY ?a""")
        langs = [lang.lower() for lang in self.langs]
        keep = set()
        for r in rows:
            date = r["date"].value[:10] if r["date"] is not None else ""
            if self.since and (not date or date[:len(self.since)] < self.since):
                continue
            if self.until and (not date or date[:len(self.until)] > self.until):
                continue
            if langs:
                have = (r["langs"].value if r["langs"] is not None else "").split()
                if not any(h == w or h.startswith(w + "-") for h in have for w in langs):
                    continue
            if self.outlets:
                have = set((r["outlets"].value if r["outlets"] is not None else "").split())
                if not have & set(self.outlets):
                    continue
            keep.add(r["a"].value)
        return keep

    def _weak_assertions(self, store: Store):
        x = float(self.min_confidence)
        weak = set()
        for r in store.query(f"""
            SELECT ?s ?p ?o ?art (MAX(?c) AS ?best) WHERE {{
              ?a a kg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                 kg:confidence ?c ; prov:wasDerivedFrom ?art .
            }} GROUP BY ?s ?p ?o ?art HAVING (MAX(?c) < {x!r})"""):
            weak.add((r["s"].value, r["p"].value, r["o"].value, r["art"].value))
        nodes = {q.subject.value for q in store.quads(None, ox.NamedNode(KG + "confidence"), None, ox.DefaultGraph())
                 if isinstance(q.subject, ox.NamedNode) and float(q.object.value) < x}
        return weak, nodes

    # ------------------------------------------------------------------ applying
    def node_ok(self, iri: str) -> bool:
        return not self._weak_nodes or iri not in self._weak_nodes

    def article_ok(self, article: str) -> bool:
        return self._articles is None or article in self._articles

    def link_articles(self, s: str, p: str, o: str, articles: Iterable[str]) -> Optional[set[str]]:
        """The articles of the link ``s p o`` that pass, or None if the link is left out."""
        if not self.active:
            return set(articles)
        if not (self.node_ok(s) and self.node_ok(o)):
            return None
        kept = {a for a in articles if self.article_ok(a)
                and not (self._weak and (s, p, o, a) in self._weak)}
        if not kept and (self.on_articles or articles):
            return None  # every article that stated it is filtered out (or none states it)
        return kept

    def edges(self, node: str, found: list) -> list:
        """Edges of ``node`` (kg.query.neighbors.Edge) with their articles filtered."""
        if not self.active:
            return found
        out = []
        for e in found:
            s, o = (node, e.other) if e.direction == "out" else (e.other, node)
            kept = self.link_articles(s, e.predicate, o, e.articles)
            if kept is not None:
                out.append(replace(e, _articles=kept))
        return out


NO_FILTER = ArticleFilter()
