"""A neighbourhood of a build as its own file (``kg export --around``): the nodes within N
hops of one node, the links among them, and what describes them (types, labels, URLs,
dates, Wikidata), as GraphML (Gephi, Cytoscape, yEd), Turtle or JSON-LD.

The files are written by the build's own exporters, so a neighbourhood reads exactly like
the whole graph: same GraphML keys, same prefixes, same compact JSON-LD ``@context``.
"""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox

from ..quads import QuadSet
from ..terms import IRI, KG, OWL, RDF_TYPE, SCHEMA, XSD, Literal, Term
from .cards import bcp47
from .names import LABELS
from .neighbors import neighbors
from .store import Store

__all__ = ["FORMATS", "export_around"]

#: format -> exporter
FORMATS = {"graphml": "graphml", "ttl": "turtle", "jsonld": "jsonld"}
#: what is kept of a member beside its links to other members
_DESCRIBE = {RDF_TYPE, OWL + "sameAs", KG + "policyType", KG + "status", KG + "sourceFile", SCHEMA + "url",
             SCHEMA + "datePublished", SCHEMA + "inLanguage", *LABELS}
_PLAIN = {XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}


def _members(store: Store, node: ox.NamedNode, depth: int) -> set[str]:
    return {node.value} | {r["iri"] for r in neighbors(store, node, depth, articles=True)}


def _term(o) -> Term:
    if isinstance(o, ox.NamedNode):
        return IRI(o.value)
    dt = o.datatype.value
    return Literal(o.value, bcp47(o.language) if o.language else None, None if dt in _PLAIN else dt)


def export_around(store: Store, node: ox.NamedNode, depth: int, fmt: str, out: Path) -> dict:
    from ..exporters import EXPORTERS

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    members = _members(store, node, depth)
    quads = QuadSet()
    for iri in sorted(members):
        for q in store.quads(ox.NamedNode(iri), None, None):
            o, p = q.object, q.predicate.value
            if (isinstance(o, ox.NamedNode) and o.value in members) or p in _DESCRIBE:
                if isinstance(o, (ox.NamedNode, ox.Literal)):  # the article's graph kept: links are weighted
                    g = IRI(q.graph_name.value) if isinstance(q.graph_name, ox.NamedNode) else None
                    quads.add(IRI(iri), IRI(p), _term(o), g)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as fh:
        EXPORTERS[FORMATS[fmt]].write(SimpleNamespace(quads=quads), fh)
    return {"nodes": len(members), "triples": len(quads), "file": str(out)}
