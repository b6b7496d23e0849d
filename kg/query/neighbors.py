"""Neighbours of a node: the resources linked to it, out to a given depth, with the articles
that state each link and, on request, the evidence sentences behind it.

Reads the adjacency index the build writes (``links`` in ``.store/names.sqlite``): a lookup
is one indexed query, whatever the node's degree. A hub's links to articles (the articles
that mention it, its publisher links) are summarized as one row per relation unless asked for.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional

import pyoxigraph as ox

from ..terms import KG, PROV, RDF, compact, expand
from .resolve import node_info
from .store import Store

__all__ = ["Edge", "edges", "neighbors", "evidence", "normalize_relation", "normalize_type"]

_TYPE_ALIASES = {"country": "schema:Country", "organization": "schema:Organization", "org": "schema:Organization",
                 "person": "schema:Person", "policy": "kg:Policy", "article": "schema:NewsArticle",
                 "topic": "skos:Concept", "concept": "skos:Concept", "technology": "kg:Technology"}


def normalize_relation(name: str) -> str:
    """``restricts``, ``kg:restricts`` or a full IRI → the predicate's IRI."""
    if ":" not in name:
        if name in ("mentions", "publisher", "about", "author", "headline"):
            return "https://schema.org/" + name
        return KG + name
    return expand(name)


def normalize_type(name: str) -> str:
    return _TYPE_ALIASES.get(name.lower(), name)


#: the relations a neighbour lookup can filter on (local names; kg: or a full IRI also work)
RELATIONS = ("cooperatesWith", "urges", "criticizes", "restricts", "acquires", "basedIn", "affiliatedWith",
             "issuedBy", "targets", "covers", "relatedTo", "relatedArticle", "previousArticle", "nextArticle",
             "recommends", "mirrorOf", "mentions", "publisher", "about", "author")


def _unknown(kind: str, value: str, valid) -> ValueError:
    from rapidfuzz import process

    near = [h[0] for h in process.extract(value, list(valid), limit=2, score_cutoff=60)]
    hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
    return ValueError(f"unknown {kind} {value!r}{hint} (one of: {', '.join(valid)})")


def check_relation(name: str) -> str:
    """The predicate IRI of a ``--relation`` value; ValueError naming the valid ones if unknown."""
    iri = normalize_relation(name)
    local = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    if local not in RELATIONS:
        raise _unknown("relation", name, RELATIONS)
    return iri


def check_type(name: str) -> str:
    """The class CURIE of a ``--type`` value; ValueError naming the valid ones if unknown."""
    valid = sorted(set(_TYPE_ALIASES.values()))
    value = normalize_type(name)
    if value not in valid:
        raise _unknown("type", name, [k.capitalize() for k in ("country", "organization", "person", "policy",
                                                               "article", "topic", "technology")])
    return value


@dataclass(eq=False)
class Edge:
    """One link of ``node``: its direction, predicate and neighbour (with the neighbour's
    display label and main type), and the articles that state it. The index gives their
    number; the set itself is read from the store on first use (filters and timelines)."""
    direction: str  # out | in
    predicate: str
    other: str
    _articles: Optional[set[str]] = None  # named graphs (articles) that state it, once read
    count: int = 0
    label: str = ""
    type: str = ""
    node: str = field(default="", repr=False)
    store: Optional[Store] = field(default=None, repr=False, compare=False)

    @property
    def articles(self) -> set[str]:
        if self._articles is None:
            s, o = (self.node, self.other) if self.direction == "out" else (self.other, self.node)
            self._articles = {q.graph_name.value for q in self.store.quads(
                ox.NamedNode(s), ox.NamedNode(self.predicate), ox.NamedNode(o)) if isinstance(q.graph_name, ox.NamedNode)}
        return self._articles

    @property
    def n_articles(self) -> int:
        """How many articles state the link (without reading them)."""
        return len(self._articles) if self._articles is not None else self.count


_ARTICLE = "schema:NewsArticle"


def edges(store: Store, node: str, articles: bool = True) -> list[Edge]:
    """Every link of ``node`` to another named resource, merged over graphs, sorted by
    direction, predicate and neighbour (one indexed query on the adjacency index);
    ``articles=False`` leaves out the links to articles (see :func:`article_counts`)."""
    only = "" if articles else " AND (l.other_type = 'schema:NewsArticle') = 0"
    rows = store.names.execute(
        "SELECT l.direction, l.predicate, l.other, l.articles, n.label, n.type FROM links l "
        f"LEFT JOIN nodes n ON n.iri = l.other WHERE l.node = ?{only} "
        "ORDER BY l.direction DESC, l.predicate, l.other", (node,))
    return [Edge(d, p, o, None, a, label or o.rsplit("/", 1)[-1], typ or "", node, store)
            for d, p, o, a, label, typ in rows]


def article_counts(store: Store, node: str) -> dict[tuple[str, str], int]:
    """How many articles ``node`` is linked to, per (direction, predicate): counted inside the
    index, so a hub's thousands of mentions cost one index range, not a row each."""
    return {(d, p): n for d, p, n in store.names.execute(
        "SELECT direction, predicate, COUNT(*) FROM links WHERE node = ? "
        "AND (other_type = 'schema:NewsArticle') = 1 GROUP BY direction, predicate", (node,))}


def evidence(store: Store, s: str, p: str, o: str) -> list[dict]:
    """The assertions behind ``s p o``: sentence, confidence, extractor, article."""
    out = []
    pred, obj = ox.NamedNode(p), ox.NamedNode(o)
    for st in sorted({q.subject for q in store.quads(None, ox.NamedNode(RDF + "subject"), ox.NamedNode(s))
                      if isinstance(q.graph_name, ox.NamedNode)}, key=str):
        if not next(iter(store.quads(st, ox.NamedNode(RDF + "predicate"), pred)), None):
            continue
        if not next(iter(store.quads(st, ox.NamedNode(RDF + "object"), obj)), None):
            continue

        def value(prop: str) -> Optional[str]:
            t = next(iter(store.quads(st, ox.NamedNode(prop), None)), None)
            return t.object.value if t else None

        out.append({"sentence": value(KG + "evidence"), "confidence": value(KG + "confidence"),
                    "extractor": value(KG + "extractor"), "article": value(PROV + "wasDerivedFrom")})
    out.sort(key=lambda r: (-(float(r["confidence"] or 0)), r["article"] or "", r["sentence"] or ""))
    return out


def neighbors(store: Store, start: ox.NamedNode | str, depth: int = 1, *,
              relations: Iterable[str] = (), types: Iterable[str] = (), direction: str = "both",
              limit: Optional[int] = None, with_evidence: bool = False, articles: bool = False,
              flt=None) -> list[dict]:
    """Rows (depth, direction, relation, label, type, articles, iri, via[, evidence]), breadth
    first: one row per link, so a neighbour linked by several relations (China criticizes
    and restricts the United States) appears under each; filters apply at every hop.
    Links to articles are one row per relation and direction ("1,204 articles", no IRI)
    unless ``articles`` or a ``--type`` of article asks for them (then they lead on, as any node).
    ``limit`` caps the rows returned; ``flt`` (:class:`kg.query.filters.ArticleFilter`) keeps
    the links that articles passing it state."""
    if depth < 1:
        raise ValueError("depth must be at least 1")
    if direction not in ("in", "out", "both"):
        raise ValueError("direction must be in, out or both")
    rels = {normalize_relation(r) for r in relations}
    wanted = {normalize_type(t) for t in types}
    articles = articles or _ARTICLE in wanted
    start_iri = start.value if isinstance(start, ox.NamedNode) else start
    rows: list[dict] = []
    visited = {start_iri}
    frontier = [start_iri]
    for d in range(1, depth + 1):
        nxt: list[str] = []
        earlier = set(visited)  # nodes of earlier hops; every link to a new neighbour is listed
        for node in frontier:
            via = node_info(store, [node])[node][0] if d > 1 else ""
            summary: dict[tuple[str, str], int] = {}
            if flt is None and not articles:  # the article links counted by the index
                linked = edges(store, node, articles=False)
                summary = {k: n for k, n in article_counts(store, node).items()
                           if (not rels or k[1] in rels) and (direction == "both" or k[0] == direction)}
            else:
                linked = edges(store, node)
            for e in (flt.edges(node, linked) if flt is not None else linked):
                if e.other in earlier or (rels and e.predicate not in rels) \
                        or (direction != "both" and e.direction != direction):
                    continue
                if e.type == _ARTICLE and not articles:
                    summary[(e.direction, e.predicate)] = summary.get((e.direction, e.predicate), 0) + 1
                    continue
                if wanted and e.type not in wanted:
                    continue
                if e.other not in visited:
                    visited.add(e.other)
                    nxt.append(e.other)
                row = {"depth": d, "direction": e.direction, "relation": compact(e.predicate),
                       "label": e.label, "type": e.type, "articles": e.n_articles, "iri": e.other, "via": via}
                if with_evidence:
                    s, o = (node, e.other) if e.direction == "out" else (e.other, node)
                    ev = [x for x in evidence(store, s, e.predicate, o) if flt is None or x["article"] in e.articles]
                    row["evidence"] = [f"{x['sentence']} [{x['confidence']}]" for x in ev[:3]]
                rows.append(row)
            for (dirn, pred), n in sorted(summary.items()):
                row = {"depth": d, "direction": dirn, "relation": compact(pred),
                       "label": f"{n:,} article{'s' if n != 1 else ''}", "type": _ARTICLE, "articles": n,
                       "iri": "", "via": via}
                if with_evidence:
                    row["evidence"] = []
                rows.append(row)
        frontier = nxt
    rows.sort(key=lambda r: (r["depth"], r["relation"], r["direction"], -r["articles"], r["label"], r["iri"]))
    return rows[:limit] if limit else rows
