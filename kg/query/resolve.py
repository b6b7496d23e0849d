"""Name resolution shared by every query command: an IRI or CURIE is taken as is; a name
matches any label (rdfs:label, skos:prefLabel/altLabel, schema:name, schema:headline) in
any language, case-insensitively, Traditional or Simplified."""
from __future__ import annotations

import pyoxigraph as ox

from ..lexicon import normalize_name
from ..terms import RDFS, SCHEMA, SKOS, expand
from .store import Store

__all__ = ["NotFound", "Ambiguous", "resolve", "label_of"]

LABELS = [RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel", SCHEMA + "name", SCHEMA + "headline"]


class NotFound(Exception):
    pass


class Ambiguous(Exception):
    def __init__(self, name: str, candidates: list[tuple[str, str]]):
        self.name = name
        self.candidates = candidates
        listing = "; ".join(f"{label} <{iri}>" for iri, label in candidates[:10])
        super().__init__(f"{name!r} names {len(candidates)} resources: {listing}")


def label_of(store: Store, node: ox.NamedNode) -> str:
    for pred in LABELS:
        best = None
        for q in store.quads(node, ox.NamedNode(pred), None):
            lit = q.object
            if isinstance(lit, ox.Literal):
                lang = (lit.language or "")
                rank = 0 if lang == "en" else 1 if lang.startswith("zh") else 2
                if best is None or (rank, lit.value) < best[0]:
                    best = ((rank, lit.value), lit.value)
        if best:
            return best[1]
    return node.value.rsplit("/", 1)[-1]


def _labels_index(store: Store) -> dict[str, set[str]]:
    cache = getattr(store, "_label_index", None)
    if cache is not None:
        return cache
    index: dict[str, set[str]] = {}
    for pred in LABELS:
        for q in store.quads(None, ox.NamedNode(pred), None):
            if isinstance(q.object, ox.Literal) and isinstance(q.subject, ox.NamedNode):
                index.setdefault(normalize_name(q.object.value), set()).add(q.subject.value)
    store._label_index = index  # type: ignore[attr-defined]
    return index


def resolve(store: Store, name: str) -> ox.NamedNode:
    name = name.strip()
    if name.startswith("<") and name.endswith(">"):
        name = name[1:-1]
    iri = expand(name)
    if iri.startswith(("http://", "https://")):
        node = ox.NamedNode(iri)
        if next(iter(store.quads(node, None, None)), None) or next(iter(store.quads(None, None, node)), None):
            return node
        raise NotFound(f"no resource <{iri}> in this build")
    hits = sorted(_labels_index(store).get(normalize_name(name), ()))
    if len(hits) == 1:
        return ox.NamedNode(hits[0])
    if len(hits) > 1:
        raise Ambiguous(name, [(h, label_of(store, ox.NamedNode(h))) for h in hits])
    raise NotFound(f"nothing in this build is called {name!r}")


