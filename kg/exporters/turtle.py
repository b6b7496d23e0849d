"""Turtle: the union of all named graphs, grouped by subject, with the contract's prefixes."""
from __future__ import annotations

from itertools import groupby

from ..terms import PREFIXES, RDF_TYPE
from ._rdf import ttl_term

NAME = "turtle"
FILENAME = "graph.ttl"


def write(result, fh) -> None:
    out = [f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()]
    for subject, triples in groupby(result.quads.triples(), key=lambda t: t[0]):
        triples = list(triples)
        # rdf:type first, as people read it
        triples.sort(key=lambda t: t[1] != RDF_TYPE)
        out.append("\n" + ttl_term(subject))
        parts = []
        for pred, group in groupby(triples, key=lambda t: t[1]):
            p = "a" if pred == RDF_TYPE else ttl_term(pred)
            objs = " ,\n        ".join(ttl_term(t[2]) for t in group)
            parts.append(f"    {p} {objs}")
        out.append("\n" + " ;\n".join(parts) + " .\n")
    fh.write("".join(out).encode("utf-8"))
