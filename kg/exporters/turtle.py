"""Turtle: the union of all named graphs, grouped by subject, with the contract's prefixes."""
from __future__ import annotations

from itertools import groupby

from ..terms import PREFIXES, RDF_TYPE
from ._rdf import ttl_term

NAME = "turtle"
FILENAME = "graph.ttl"


def header() -> bytes:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()).encode("utf-8")


def block(subject, triples: list) -> str:
    """One subject's statements, rdf:type first as people read it (``triples`` is not changed)."""
    triples = sorted(triples, key=lambda t: t[1] != RDF_TYPE)
    parts = []
    for pred, group in groupby(triples, key=lambda t: t[1]):
        p = "a" if pred == RDF_TYPE else ttl_term(pred)
        objs = " ,\n        ".join(ttl_term(t[2]) for t in group)
        parts.append(f"    {p} {objs}")
    return "\n" + ttl_term(subject) + "\n" + " ;\n".join(parts) + " .\n"


def write(result, fh) -> None:
    from .stream import write_streams

    write_streams(result, {NAME: fh})
