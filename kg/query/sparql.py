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


def select_rows(results, limit: int | None = None) -> tuple[list[str], list[dict]]:
    """Columns and rows of a SELECT (or ASK, as one row 'result'); CONSTRUCT gives s, p, o.
    With ``limit``, at most that many rows are read from the (streamed) results."""
    from itertools import islice

    if isinstance(results, ox.QueryBoolean):
        return ["result"], [{"result": "true" if bool(results) else "false"}]
    if isinstance(results, ox.QuerySolutions):
        cols = [v.value for v in results.variables]
        rows = [{c: term_text(sol[c]) for c in cols} for sol in islice(results, limit)]
        return cols, rows
    cols = ["subject", "predicate", "object"]
    return cols, [{"subject": term_text(t.subject), "predicate": term_text(t.predicate),
                   "object": term_text(t.object)} for t in islice(results, limit)]


_W3C = {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV, "xml": ox.QueryResultsFormat.XML}


def serialize_results(results, fmt: str) -> bytes:
    """W3C SPARQL results (JSON, CSV, TSV, XML); graphs from CONSTRUCT/DESCRIBE as N-Triples."""
    if isinstance(results, ox.QueryTriples):
        return ox.serialize(results, format=ox.RdfFormat.N_TRIPLES)
    return results.serialize(format=_W3C[fmt])


_ACCEPT = {"table": "application/sparql-results+json", "json": "application/sparql-results+json",
           "csv": "text/csv", "tsv": "text/tab-separated-values", "xml": "application/sparql-results+xml"}


def remote_query(endpoint: str, sparql: str, fmt: str, *, allow_network: bool = False, timeout: float = 60.0):
    """Ask a remote SPARQL endpoint (SPARQL 1.1 protocol, POST). ``table`` gives (columns,
    rows) from the JSON results; other formats give the response body as it came."""
    import json
    import urllib.error
    import urllib.parse
    import urllib.request

    from .store import PREFIX_HEADER, QueryError, check_network

    check_network(sparql, allow_network)
    if not endpoint.startswith(("http://", "https://")):
        raise QueryError(f"{endpoint}: an endpoint is an http(s) URL")
    data = urllib.parse.urlencode({"query": PREFIX_HEADER + sparql}).encode()
    req = urllib.request.Request(endpoint, data=data, headers={
        "Accept": _ACCEPT[fmt], "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "kg"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
    except urllib.error.HTTPError as exc:
        raise QueryError(f"{endpoint}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise QueryError(f"{endpoint}: {getattr(exc, 'reason', exc)}") from None
    if fmt != "table":
        return body
    try:
        doc = json.loads(body)
    except ValueError:
        raise QueryError(f"{endpoint}: the answer is not SPARQL JSON results") from None
    if "boolean" in doc:
        return ["result"], [{"result": "true" if doc["boolean"] else "false"}]
    cols = doc["head"]["vars"]
    rows = [{c: b.get(c, {}).get("value") for c in cols} for b in doc["results"]["bindings"]]
    return cols, rows
