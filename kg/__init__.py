"""kg: a knowledge-graph builder for news about technology geopolitics.

The public API::

    import kg
    result = kg.build(["seeds"])     # read, extract, assemble
    result.write("exports")          # graph.ttl, graph.nq, graph.jsonld, graph.graphml, actors.graphml, report.json
    store = kg.open_store("exports") # query a build (Oxigraph)
    g = kg.load_graph("exports")     # the same build as an rdflib Dataset
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["build", "BuildResult", "BuildError", "open_store", "load_graph", "__version__"]


def __getattr__(name: str):
    # imported on first use, so that `import kg` (and `kg --help`) stays light
    if name in ("build", "BuildResult", "BuildError"):
        from . import pipeline as _b

        return getattr(_b, name)
    if name == "open_store":
        from .query.store import open_store

        return open_store
    raise AttributeError(name)


def load_graph(folder: str = "exports"):
    """The build in ``folder`` as an :class:`rdflib.Dataset` (one graph per article), for
    scripts that use rdflib's API. Parsing goes through Oxigraph's fast N-Quads parser."""
    from pathlib import Path

    import pyoxigraph as ox
    import rdflib

    ds = rdflib.Dataset()
    path = Path(folder) / "graph.nq"
    with path.open("rb") as fh:
        for q in ox.parse(fh, ox.RdfFormat.N_QUADS):
            g = ds.graph(rdflib.URIRef(q.graph_name.value)) if isinstance(q.graph_name, ox.NamedNode) else ds.default_graph
            g.add((_to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object)))
    return ds


def _to_rdflib(term):
    import pyoxigraph as ox
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    dt = term.datatype.value
    if dt == "http://www.w3.org/2001/XMLSchema#string":
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(dt))
