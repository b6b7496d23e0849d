"""``actors.graphml``: the actor-and-policy projection of the graph, for Gephi, yEd and
Cytoscape without filtering. Nodes are actors (countries, organizations, people) and
policies linked to at least one other (an actor only mentioned, with no relation, would be
a loose dot); edges are the relations between actors (``restricts``, ``cooperatesWith``...)
and the policies' roles (``issuedBy``, ``targets``), each weighted by the number of
articles that state it. Same keys, ids and streaming as ``graph.graphml``.
"""
from __future__ import annotations

from ..terms import KG
from .graphml import elements, write_elements

NAME = "actors-graphml"
FILENAME = "actors.graphml"

NODE_TYPES = {"Country", "Organization", "Person", "Policy"}
RELATIONS = {KG + r for r in ("cooperatesWith", "urges", "criticizes", "restricts", "acquires", "basedIn",
                              "affiliatedWith", "issuedBy", "targets")}


def write(result, fh) -> None:
    write_elements(fh, elements(result, node_filter=lambda attrs: attrs["type"] in NODE_TYPES,
                                keep=lambda p: p in RELATIONS, linked_only=True))
