"""A build opened for querying, over Oxigraph (pyoxigraph): 10-30x faster than rdflib's
in-memory engine on the aggregates analysts run (see FACTS.md). The named graphs of
``graph.nq`` are kept; SPARQL sees their union as the default graph."""
from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from ..terms import PREFIXES

__all__ = ["GraphNotFound", "QueryError", "Store", "open_store", "PREFIX_HEADER"]

PREFIX_HEADER = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
_NETWORK = re.compile(r"\b(SERVICE|LOAD)\b", re.I)


class GraphNotFound(Exception):
    pass


class QueryError(Exception):
    pass


class Store:
    def __init__(self, folder: Path):
        self.folder = folder
        self.store = ox.Store()
        nq = folder / "graph.nq"
        with nq.open("rb") as fh:
            self.store.bulk_load(fh, ox.RdfFormat.N_QUADS)

    def query(self, sparql: str, *, allow_network: bool = False):
        """Run SPARQL with the contract's prefixes declared; returns pyoxigraph results."""
        body = re.sub(r"(?m)^\s*#.*$", "", sparql)
        if not allow_network and _NETWORK.search(re.sub(r'"[^"]*"|<[^>]*>', "", body)):
            raise QueryError("SERVICE and LOAD would reach the network: refused (use --allow-network)")
        text = PREFIX_HEADER + sparql
        try:
            return self.store.query(text, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"bad SPARQL: {str(exc).splitlines()[0]}") from None
        except (ValueError, OSError, RuntimeError) as exc:
            raise QueryError(f"query failed: {str(exc).splitlines()[0]}") from None

    def quads(self, s=None, p=None, o=None):
        return self.store.quads_for_pattern(s, p, o, None)


def open_store(folder: str | Path = "exports") -> Store:
    folder = Path(folder)
    if not (folder / "graph.nq").is_file():
        raise GraphNotFound(f"{folder}: no build here (graph.nq missing); run `kg build INPUT --out {folder}` first")
    return Store(folder)
