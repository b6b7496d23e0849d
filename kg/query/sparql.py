"""SPARQL over a build, with results as rows or in the W3C result formats."""
from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pyoxigraph as ox

from ..terms import compact
from .store import QueryError

__all__ = ["remote_query", "select_rows", "serialize_results", "term_text", "write_results"]


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


# a language tag as the store gives it back (lower case) in each serialization
_LANG = re.compile(rb'("xml:lang":"|xml:lang="|"@)([a-z]{2,3}(?:-[a-z0-9]+)+)(?=")|(?<=")@([a-z]{2,3}(?:-[a-z0-9]+)+)')


def _recase(data: bytes) -> bytes:
    """Language tags in their BCP 47 case (zh-Hans, en-US): Oxigraph hands them back lower-cased."""
    from .cards import bcp47

    def fix(m: re.Match) -> bytes:
        if m.group(3):
            return b"@" + bcp47(m.group(3).decode()).encode()
        return m.group(1) + bcp47(m.group(2).decode()).encode()
    return _LANG.sub(fix, data)


def serialize_results(results, fmt: str) -> bytes:
    """W3C SPARQL results (JSON, CSV, TSV, XML); graphs from CONSTRUCT/DESCRIBE as N-Triples."""
    if isinstance(results, (ox.QueryTriples, list)):  # a list: triples from a remote endpoint
        return _recase(ox.serialize(results, format=ox.RdfFormat.N_TRIPLES))
    return _recase(results.serialize(format=_W3C[fmt]))


_BATCH = 2_000  # solutions serialized at a time


def _term_json(term) -> dict:
    """A term as SPARQL JSON results write it (read back by Oxigraph to the same term)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                            "predicate": _term_json(term.predicate),
                                            "object": _term_json(term.object)}}
    raise ValueError(f"no SPARQL JSON form for {term!r}")


def _solutions(variables: list[str], rows: list) -> "ox.QuerySolutions":
    doc = {"head": {"vars": variables},
           "results": {"bindings": [{v: _term_json(sol[v]) for v in variables if sol[v] is not None} for sol in rows]}}
    return ox.parse_query_results(json.dumps(doc).encode("utf-8"), format=ox.QueryResultsFormat.JSON)


def _frame(variables: list[str], fmt: str) -> tuple[bytes, bytes]:
    """What ``fmt`` writes before and after the solutions (of an empty result)."""
    empty = _recase(_solutions(variables, []).serialize(format=_W3C[fmt]))
    if fmt in ("csv", "tsv"):
        return empty, b""
    cut = empty.index(b"[]") + 1 if fmt == "json" else empty.index(b"<results>") + len(b"<results>")
    return empty[:cut], empty[cut:]


def write_results(results, fmt: str, out, limit: int | None = None) -> bool:
    """Write query results to the binary file ``out`` as they come, a batch of solutions at a
    time, in a W3C results format (``json``, ``csv``, ``tsv``, ``xml``; the triples of
    CONSTRUCT and DESCRIBE as N-Triples), byte for byte as Oxigraph writes the whole result.
    At most ``limit`` solutions (or triples); returns whether more were left out."""
    from itertools import islice

    if isinstance(results, ox.QueryBoolean):
        out.write(serialize_results(results, fmt))
        return False
    rows = iter(results)
    written, more = 0, False
    first = True
    if isinstance(results, ox.QuerySolutions):
        variables = [v.value for v in results.variables]
        head, tail = _frame(variables, fmt)
        out.write(head)
    while True:
        want = _BATCH if limit is None else min(_BATCH, limit - written)
        batch = list(islice(rows, want)) if want > 0 else []
        if not batch:
            more = limit is not None and next(rows, None) is not None
            break
        written += len(batch)
        if isinstance(results, ox.QuerySolutions):
            data = _recase(_solutions(variables, batch).serialize(format=_W3C[fmt]))
            data = data[len(head):len(data) - len(tail)] if fmt in ("json", "xml") else data[len(head):]
            out.write(data if first or fmt != "json" else b"," + data)
        else:
            out.write(_recase(ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)))
        first = False
        out.flush()
    if isinstance(results, ox.QuerySolutions):
        out.write(tail)
    return more


_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.5"
_ACCEPT_RDF = "application/n-triples, text/turtle;q=0.9"  # CONSTRUCT and DESCRIBE
_FORM_OF = re.compile(r"(?i)\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b")
_FORM = "application/x-www-form-urlencoded"
# a query is tried again only when the server could not be reached or was unavailable: a
# query that timed out or failed on the server would only do so again
_ONCE = {"transient": frozenset({502, 503, 504}), "retry_timeouts": False}
_FROM = re.compile(r"(?i)\bFROM\s+(NAMED\s+)?(<|[A-Za-z_][\w-]*:|:)")


def _strip(sparql: str) -> str:
    """The query without strings, IRIs and comments (for keyword checks)."""
    return re.sub(r'(?m)"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>|#.*$', " ", sparql)


def build_graphs(http, endpoint: str, *, timeout: float) -> tuple[list[str], list[str]]:
    """(default graphs, named graphs) of the build that ``kg push`` put on the server, from
    its index graph: every graph is part of the default graph (as the local store's union
    default graph), the articles' graphs are also named graphs (as in ``graph.nq``). Empty
    lists when the server has no kg index (a server kg did not push to)."""
    from ..push import BUILD_GRAPH, INDEX_GRAPH
    from ..remote import request

    q = (f"SELECT ?g WHERE {{ GRAPH <{INDEX_GRAPH}> {{ <{INDEX_GRAPH}> "
         f"<http://purl.org/dc/terms/hasPart> ?g }} }}")
    resp = request(http, "POST", endpoint, content=urlencode({"query": q}).encode("ascii"), what=endpoint,
                   retries=1, headers={"Accept": "application/sparql-results+json", "Content-Type": _FORM}, **_ONCE)
    try:
        doc = json.loads(resp.content)
        graphs = sorted(b["g"]["value"] for b in doc["results"]["bindings"] if "g" in b)
    except (ValueError, KeyError, TypeError):
        raise QueryError(f"{endpoint}: the answer is not SPARQL JSON results") from None
    return graphs, [g for g in graphs if g != BUILD_GRAPH]


def remote_query(endpoint: str, sparql: str, *, allow_network: bool = False, timeout: float = 60.0,
                 scope: bool = True):
    """Ask a remote SPARQL endpoint (SPARQL 1.1 Protocol, POST) and give its answer as
    pyoxigraph results, as :meth:`Store.query` does, so that every output format is the
    same as for a local build. Unless the query names its own dataset (FROM), it is
    scoped to the graphs ``kg push`` put there, so the server's other graphs never count."""
    from ..remote import RemoteError, client
    from .store import check_network, check_read_only

    check_network(sparql, allow_network)
    check_read_only(sparql)
    if not endpoint.startswith(("http://", "https://")):
        raise QueryError(f"{endpoint}: an endpoint is an http(s) URL")
    try:
        with client(endpoint, timeout) as http:
            default = named = ()
            if scope and not _FROM.search(_strip(sparql)):
                default, named = build_graphs(http, endpoint, timeout=timeout)
            return post_query(http, endpoint, sparql, default, named)
    except RemoteError as exc:
        raise QueryError(str(exc)) from None


def post_query(http, endpoint: str, sparql: str, default=(), named=()):
    """One query (the contract's prefixes declared) over the dataset ``default`` and
    ``named`` (graph IRIs), its answer parsed into pyoxigraph results (a list of triples for
    CONSTRUCT and DESCRIBE). Raises RemoteError or QueryError."""
    import pyoxigraph as ox

    from ..remote import request
    from .store import PREFIX_HEADER

    form = _FORM_OF.search(_strip(sparql))
    accept = _ACCEPT_RDF if form and form.group(1).upper() in ("CONSTRUCT", "DESCRIBE") else _ACCEPT
    data: list[tuple[str, str]] = [("query", PREFIX_HEADER + sparql)]
    data += [("default-graph-uri", g) for g in default] + [("named-graph-uri", g) for g in named]
    resp = request(http, "POST", endpoint, content=urlencode(data).encode("ascii"), what=endpoint,
                   retries=1, headers={"Accept": accept, "Content-Type": _FORM}, **_ONCE)
    ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if ctype in ("application/sparql-results+json", "application/json"):
            return ox.parse_query_results(resp.content, format=ox.QueryResultsFormat.JSON)
        if ctype in ("application/sparql-results+xml", "application/xml"):
            return ox.parse_query_results(resp.content, format=ox.QueryResultsFormat.XML)
        if ctype in ("application/n-triples", "text/plain", "text/turtle", "text/rdf+n3"):
            fmt = ox.RdfFormat.N_TRIPLES if ctype == "application/n-triples" else ox.RdfFormat.TURTLE
            return [q.triple for q in ox.parse(resp.content, format=fmt)]
    except (SyntaxError, ValueError) as exc:
        raise QueryError(f"{endpoint}: the answer is not valid {ctype}: {str(exc).splitlines()[0]}") from None
    raise QueryError(f"{endpoint}: the answer is {ctype or 'of no stated type'}, not SPARQL results or RDF")
