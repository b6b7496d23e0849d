"""Neighbours of a node: the resources linked to it, out to a given depth."""
from __future__ import annotations

import pyoxigraph as ox

from ..terms import KG, RDF_TYPE, compact
from .resolve import label_of
from .store import Store

__all__ = ["neighbors"]

_SKIP_PREDICATES = {RDF_TYPE, "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject",
                    "http://www.w3.org/1999/02/22-rdf-syntax-ns#object", "https://schema.org/url",
                    "https://schema.org/image", "http://www.w3.org/2002/07/owl#sameAs",
                    "http://www.w3.org/2004/02/skos/core#inScheme"}
_ASSERTION = ox.NamedNode(KG + "Assertion")


def _type(store: Store, node: ox.NamedNode) -> str:
    types = sorted(compact(q.object.value) for q in store.quads(node, ox.NamedNode(RDF_TYPE), None))
    for t in ("schema:NewsArticle", "schema:Country", "schema:Person", "kg:Policy", "skos:Concept"):
        if t in types:
            return t
    return types[0] if types else ""


def _edges(store: Store, node: ox.NamedNode):
    seen = set()
    for q in store.quads(node, None, None):
        if isinstance(q.object, ox.NamedNode) and q.predicate.value not in _SKIP_PREDICATES:
            key = ("out", q.predicate.value, q.object.value)
            if key not in seen:
                seen.add(key)
                yield key[0], q.predicate, q.object
    for q in store.quads(None, None, node):
        if isinstance(q.subject, ox.NamedNode) and q.predicate.value not in _SKIP_PREDICATES:
            if next(iter(store.quads(q.subject, ox.NamedNode(RDF_TYPE), _ASSERTION)), None):
                continue
            key = ("in", q.predicate.value, q.subject.value)
            if key not in seen:
                seen.add(key)
                yield key[0], q.predicate, q.subject


def neighbors(store: Store, start: ox.NamedNode, depth: int = 1) -> list[dict]:
    """Rows (depth, direction, relation, iri, label, type, via), breadth first, sorted."""
    if depth < 1:
        raise ValueError("depth must be at least 1")
    rows: list[dict] = []
    visited = {start.value}
    frontier = [start]
    for d in range(1, depth + 1):
        nxt = []
        for node in frontier:
            for direction, pred, other in sorted(_edges(store, node), key=lambda e: (e[0], e[1].value, e[2].value)):
                if other.value in visited:
                    continue
                visited.add(other.value)
                nxt.append(other)
                rows.append({
                    "depth": d,
                    "direction": direction,
                    "relation": compact(pred.value),
                    "iri": other.value,
                    "label": label_of(store, other),
                    "type": _type(store, other),
                    "via": "" if d == 1 else label_of(store, node),
                })
        frontier = nxt
    return rows
