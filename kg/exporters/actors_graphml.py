"""``actors.graphml``: the actor-and-policy projection of the graph, for Gephi, yEd and
Cytoscape without filtering. Nodes are actors (countries, organizations, people) and
policies linked to at least one other (an actor only mentioned, with no relation, would be
a loose dot); edges are the relations between actors (``restricts``, ``cooperatesWith``...)
and the policies' roles (``issuedBy``, ``targets``), each weighted by the number of
articles that state it. Same keys, ids and streaming as ``graph.graphml``.
"""
from __future__ import annotations

from ..terms import KG

NAME = "actors-graphml"
FILENAME = "actors.graphml"

NODE_TYPES = {"Country", "Organization", "Person", "Policy"}
RELATIONS = {KG + r for r in ("cooperatesWith", "urges", "criticizes", "restricts", "acquires", "basedIn",
                              "affiliatedWith", "issuedBy", "targets")}


def node_filter(attrs: dict) -> bool:
    return attrs["type"] in NODE_TYPES


def keep(predicate: str) -> bool:
    return predicate in RELATIONS


def write(result, fh) -> None:
    from .stream import write_streams

    write_streams(result, {NAME: fh})
