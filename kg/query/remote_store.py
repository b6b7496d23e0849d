"""A build on a SPARQL server, for the commands that read one (``neighbors``, ``show``,
``search`` with ``--endpoint``): the same interface as :class:`~kg.query.store.Store`, its
quad patterns and queries asked over HTTP within the graphs ``kg push`` put there.

Quads come back with their graph as in the local store: an article's graph by its IRI,
the build-wide facts (``kgr:build`` on the server) as the default graph. The name index
is made in memory from the server's labels and types on first use (one query per label
property), so a command on a remote build costs a few round trips more than a local one.
"""
from __future__ import annotations

import sqlite3
from typing import Optional

import pyoxigraph as ox

from ..push import BUILD_GRAPH
from ..remote import RemoteError, client
from .sparql import build_graphs, post_query
from .store import QueryError, check_network, check_read_only

__all__ = ["RemoteStore", "open_remote"]


def _term(t) -> str:
    return str(t)  # N-Triples form: valid in SPARQL


class RemoteStore:
    def __init__(self, endpoint: str, timeout: float = 60.0):
        self.endpoint = endpoint
        self.folder = None
        self._http = client(endpoint, timeout)
        try:
            self.default, self.named = build_graphs(self._http, endpoint, timeout=timeout)
        except RemoteError as exc:
            self._http.close()
            raise QueryError(str(exc)) from None
        if not self.default:
            self._http.close()
            raise QueryError(f"{endpoint}: no build pushed here (no kg index graph); run `kg push` first")
        self._names: Optional[sqlite3.Connection] = None
        self.store = self  # for code that reaches for the pyoxigraph store

    def close(self) -> None:
        self._http.close()

    def _ask(self, sparql: str, default=None, named=None):
        try:
            return post_query(self._http, self.endpoint, sparql,
                              self.default if default is None else default,
                              self.named if named is None else named)
        except RemoteError as exc:
            raise QueryError(str(exc)) from None

    def query(self, sparql: str, *, allow_network: bool = False, use_default_graph_as_union: bool = True):
        check_network(sparql, allow_network)
        check_read_only(sparql)
        return self._ask(sparql)

    def quads_for_pattern(self, s=None, p=None, o=None, g=None):
        """Quads matching the pattern in the pushed graphs (``g``: None for all of them,
        ox.DefaultGraph() for the build-wide facts, or an article's graph)."""
        pattern = " ".join(_term(t) if t is not None else v for t, v in ((s, "?s"), (p, "?p"), (o, "?o")))
        if isinstance(g, ox.DefaultGraph):
            graphs = [BUILD_GRAPH]
        elif g is not None:
            graphs = [g.value]
        else:
            graphs = self.default  # every pushed graph, the build-wide one included
        res = self._ask(f"SELECT * WHERE {{ GRAPH ?g {{ {pattern} }} }}", default=[], named=graphs)
        out = []
        for sol in res:
            graph = sol["g"]
            graph = ox.DefaultGraph() if graph.value == BUILD_GRAPH else graph
            out.append(ox.Quad(s if s is not None else sol["s"], p if p is not None else sol["p"],
                               o if o is not None else sol["o"], graph))
        return out

    def quads(self, s=None, p=None, o=None, g=None):
        return self.quads_for_pattern(s, p, o, g)

    @property
    def names(self) -> sqlite3.Connection:
        if self._names is None:
            from .names import write_names

            self._names = sqlite3.connect(":memory:")
            write_names(self, self._names)
        return self._names


def open_remote(endpoint: str, timeout: float = 60.0) -> RemoteStore:
    if not endpoint.startswith(("http://", "https://")):
        raise QueryError(f"{endpoint}: an endpoint is an http(s) URL")
    return RemoteStore(endpoint, timeout)
