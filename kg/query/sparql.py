"""SPARQL over a build, with results as rows or in the W3C result formats."""
from __future__ import annotations

import pyoxigraph as ox

from ..terms import compact

__all__ = ["select_rows", "serialize_results", "term_text"]


def term_text(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def select_rows(results) -> tuple[list[str], list[dict]]:
    """Columns and rows of a SELECT (or ASK, as one row 'result'); CONSTRUCT gives s, p, o."""
    if isinstance(results, ox.QueryBoolean):
        return ["result"], [{"result": "true" if bool(results) else "false"}]
    if isinstance(results, ox.QuerySolutions):
        cols = [v.value for v in results.variables]
        rows = [{c: term_text(sol[c]) for c in cols} for sol in results]
        return cols, rows
    cols = ["subject", "predicate", "object"]
    return cols, [{"subject": term_text(t.subject), "predicate": term_text(t.predicate),
                   "object": term_text(t.object)} for t in results]


_W3C = {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV, "xml": ox.QueryResultsFormat.XML}


def serialize_results(results, fmt: str) -> bytes:
    """W3C SPARQL results (JSON, CSV, TSV, XML); graphs from CONSTRUCT/DESCRIBE as N-Triples."""
    if isinstance(results, ox.QueryTriples):
        return ox.serialize(results, format=ox.RdfFormat.N_TRIPLES)
    return results.serialize(format=_W3C[fmt])
