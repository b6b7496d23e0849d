"""A neighbourhood of a build as its own file (``kg export --around``): the nodes within N
hops of one node, the links among them, and their labels and types, as GraphML (Gephi,
Cytoscape, yEd), Turtle or JSON-LD."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..terms import PREFIXES, RDF_TYPE, compact
from .neighbors import neighbors
from .names import LABELS
from .resolve import label_of, type_of
from .store import Store

__all__ = ["FORMATS", "export_around"]

FORMATS = ("graphml", "ttl", "jsonld")


def _members(store: Store, node: ox.NamedNode, depth: int) -> set[str]:
    return {node.value} | {r["iri"] for r in neighbors(store, node, depth)}


def export_around(store: Store, node: ox.NamedNode, depth: int, fmt: str, out: Path) -> dict:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    members = _members(store, node, depth)
    keep_literals = set(LABELS) | {RDF_TYPE}
    triples = set()
    for iri in sorted(members):
        for q in store.quads(ox.NamedNode(iri), None, None):
            o = q.object
            if isinstance(o, ox.NamedNode) and (o.value in members or q.predicate.value == RDF_TYPE):
                triples.add(ox.Triple(q.subject, q.predicate, o))
            elif isinstance(o, ox.Literal) and q.predicate.value in keep_literals:
                triples.add(ox.Triple(q.subject, q.predicate, o))
    ordered = sorted(triples, key=str)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "graphml":
        _graphml(store, members, ordered, out)
    else:
        rdf_fmt = ox.RdfFormat.TURTLE if fmt == "ttl" else ox.RdfFormat.JSON_LD
        kwargs = {"prefixes": dict(PREFIXES)} if fmt == "ttl" else {}
        try:
            data = ox.serialize(ordered, format=rdf_fmt, **kwargs)
        except (TypeError, ValueError):
            data = _rdflib_serialize(ordered, fmt)
        out.write_bytes(data)
    return {"nodes": len(members), "triples": len(ordered), "file": str(out)}


def _rdflib_serialize(triples, fmt: str) -> bytes:
    import rdflib

    from .. import _to_rdflib

    g = rdflib.Graph()
    for p, ns in PREFIXES.items():
        g.bind(p, ns)
    for t in triples:
        g.add((_to_rdflib(t.subject), _to_rdflib(t.predicate), _to_rdflib(t.object)))
    return g.serialize(format="turtle" if fmt == "ttl" else "json-ld").encode("utf-8")


def _graphml(store: Store, members: set[str], triples, out: Path) -> None:
    import networkx as nx

    g = nx.MultiDiGraph()
    for iri in sorted(members):
        g.add_node(iri, label=label_of(store, iri), type=type_of(store, iri))
    for t in triples:
        if isinstance(t.object, ox.NamedNode) and t.object.value in members and t.predicate.value != RDF_TYPE:
            rel = compact(t.predicate.value)
            g.add_edge(t.subject.value, t.object.value, key=rel, relation=rel)
    nx.write_graphml(g, out)
