"""Every export, and the query store, from one merge of the graph's sorted runs.

The graph (:class:`kg.quads.QuadSet`) gives its quads twice, each in one merge of its runs:

- in quad order (graph, subject, predicate, object): ``graph.nq`` is written line by line;
  the same N-Quads lines load the query store; the links between IRIs go to the external
  sort of the GraphML writers (:class:`kg.exporters.graphml.Links`); the quads and named
  graphs are counted for ``report.json``;
- in triple order (the union graph, each triple once, subject by subject): each subject's
  statements are made into terms once and handed to the Turtle and JSON-LD writers, the
  GraphML node attributes (spooled to a temporary file), the counts of ``report.json``, and
  the store's default graph (the union, as N-Triples).

Then both GraphML files are written from the two small spools (nodes, counted links), and
``report.json`` last (it carries the GraphML writer's warnings). Each writer's output is
byte for byte what it wrote when it made its own pass.
"""
from __future__ import annotations

import contextlib
import tempfile
from collections import Counter, defaultdict
from itertools import groupby
from operator import itemgetter
from typing import BinaryIO, Optional

from ..quads import read_spooled, spooled
from ..terms import RDF_TYPE, IRI, Literal
from . import actors_graphml, graphml, jsonld, report, turtle
from ._rdf import nt_literal

__all__ = ["STREAMED", "write_streams"]

#: the exporters written by :func:`write_streams` (others make their own pass)
STREAMED = ("turtle", "nquads", "jsonld", "graphml", "actors-graphml", "report")
_FLUSH = 10_000  # lines or subjects gathered before a write


class _Spool:
    """Rows kept in memory up to ``limit``, beyond it appended to a temporary file in marshal
    records; read back as often as needed."""

    def __init__(self, stack: contextlib.ExitStack, prefix: str, limit: int = 100_000) -> None:
        self.stack, self.prefix, self.limit = stack, prefix, limit
        self.fh = None
        self.buf: list = []

    def add(self, row) -> None:
        self.buf.append(row)
        if len(self.buf) >= self.limit:
            if self.fh is None:
                self.fh = self.stack.enter_context(tempfile.TemporaryFile(prefix=self.prefix))
            spooled(self.buf, self.fh)
            self.buf = []

    def close(self) -> int:
        if self.fh is None:
            return 0
        spooled(self.buf, self.fh)
        self.buf = []
        return self.fh.tell()

    def read(self):
        if self.fh is None:
            return iter(self.buf)
        self.fh.seek(0)
        return read_spooled(self.fh)


def write_streams(result, files: dict[str, BinaryIO], loader=None) -> dict:
    """Write the exports named in ``files`` (exporter name -> binary file) and feed
    ``loader`` (a :class:`kg.query.store.StoreLoader`, or None) in one pass over the graph.
    Returns what the pass measured: ``temp_bytes``, the peak temporary disk of the writers."""
    quads = result.quads
    nq = files.get("nquads")
    tt, js, rp = files.get("turtle"), files.get("jsonld"), files.get("report")
    gm, am = files.get(graphml.NAME), files.get(actors_graphml.NAME)
    unknown = set(files) - set(STREAMED)
    if unknown:
        raise ValueError(f"not written in one pass: {', '.join(sorted(unknown))}")
    stats = {"temp_bytes": 0}
    counts = {"quads": 0, "graphs": 0, "triples": 0, "types": Counter(), "preds": Counter()}
    with contextlib.ExitStack() as stack:
        links = graphml.Links() if (gm or am) else None
        nodes = _Spool(stack, "kg-nodes-") if (gm or am) else None
        if nq or links or rp or loader:
            _quad_pass(quads, nq, links, loader, counts)
        if tt or js or nodes or rp or loader:
            _triple_pass(quads, tt, js, nodes, loader, counts)
        if links is not None:
            spool = stack.enter_context(tempfile.TemporaryFile(prefix="kg-links-"))
            links.finish(spool)
            disk = nodes.close() + links.disk
            node_rows, link_rows = nodes.read, links.rows

            if gm:
                escaped: list[str] = []
                graphml.write_elements(gm, graphml.items(node_rows, link_rows, links.articles), escaped)
                graphml.report_escaped(result, graphml.FILENAME, escaped)
            if am:
                graphml.write_elements(am, graphml.items(node_rows, link_rows, links.articles,
                                                         node_filter=actors_graphml.node_filter,
                                                         keep=actors_graphml.keep, linked_only=True))
            stats["temp_bytes"] = disk
        if rp:
            rp.write(report.render(result, report.graph_counts(
                counts["quads"], counts["triples"], counts["graphs"], counts["types"], counts["preds"])))
    return stats


def _quad_pass(quads, nq: Optional[BinaryIO], links, loader, counts: dict) -> None:
    lines: Optional[list[str]] = [] if (nq or loader) else None
    articles: Optional[dict] = None  # for each object, the articles that mention, tag, cover or link to it
    if links is not None or loader is not None:
        articles = defaultdict(int)
        if links is not None:
            links.articles = articles
        if loader is not None:
            loader.weight = articles
    buf = links.buf if links is not None else None
    run = graphml._RUN
    counted, skip_edges = graphml._COUNTED, graphml._SKIP_EDGES
    named = [] if loader is not None else None  # links for the store's adjacency index
    no_neighbour = loader.skip if loader is not None else ()
    n = graphs = 0
    last: Optional[str] = None
    seen: set[str] = set()  # objects counted for the current graph's article
    for g, s, p, k, v, lang, dt in quads.rows():
        n += 1
        if g != last:  # a graph's quads are contiguous, the default graph's first
            if g:
                graphs += 1
            seen.clear()
            last = g
        if lines is not None:
            obj = f"<{v}>" if k == 0 else nt_literal(v, lang, dt)
            lines.append(f"<{s}> <{p}> {obj} <{g}> .\n" if g else f"<{s}> <{p}> {obj} .\n")
            if len(lines) >= _FLUSH:
                _emit(lines, nq, loader.quads if loader else None)
                lines = []
        if named is not None and k == 0 and s != v and p not in no_neighbour:
            named.append((s, p, v, g or None))
            if len(named) >= _FLUSH:
                loader.links(named)
                named = []
        if articles is not None and k == 0 and g and p in counted and v not in seen:
            seen.add(v)
            articles[v] += 1
        if buf is not None and k == 0:
            if p not in skip_edges:
                buf.append((s, p, v, g))
                if len(buf) >= run:
                    links.flush()
                    buf = links.buf
    if lines:
        _emit(lines, nq, loader.quads if loader else None)
    if named:
        loader.links(named)
    counts["quads"], counts["graphs"] = n, graphs


def _emit(lines: list[str], fh: Optional[BinaryIO], sink) -> None:
    data = "".join(lines).encode("utf-8")
    if fh is not None:
        fh.write(data)
    if sink is not None:
        sink(data)


def _triple_pass(quads, tt, js, nodes: Optional[_Spool], loader, counts: dict) -> None:
    if tt:
        tt.write(turtle.header())
    if js:
        js.write(jsonld.header())
    ttl: list[str] = []
    jsn: list[str] = []
    union: list[str] = []
    first = True
    n = 0
    types, preds = counts["types"], counts["preds"]
    for s, group in groupby(quads.triple_rows(), key=itemgetter(0)):
        subject = IRI(s)
        rows = list(group)
        triples = [(subject, IRI(p), IRI(v) if k == 0 else Literal(v, lang or None, dt or None))
                   for _, p, k, v, lang, dt in rows]
        n += len(triples)
        for _, p, o in triples:
            preds[p] += 1
            if p == RDF_TYPE:
                types[o] += 1
        if tt:
            ttl.append(turtle.block(subject, triples))
        if js:
            jsn.append(jsonld.node_text(subject, triples, first))
        first = False
        if nodes is not None:
            attrs = graphml._node_attrs(subject, triples)
            if attrs is not None:
                nodes.add((s, attrs))
        if loader is not None:
            loader.subject(s, triples)
            union.extend(f"<{s}> <{p}> <{v}> .\n" if k == 0 else f"<{s}> <{p}> {nt_literal(v, lang, dt)} .\n"
                         for _, p, k, v, lang, dt in rows)
            if len(union) >= _FLUSH:
                loader.union("".join(union).encode("utf-8"))
                union = []
        if len(ttl) + len(jsn) >= _FLUSH:
            if tt:
                tt.write("".join(ttl).encode("utf-8"))
                ttl = []
            if js:
                js.write("".join(jsn).encode("utf-8"))
                jsn = []
    if tt:
        tt.write("".join(ttl).encode("utf-8"))
    if js:
        js.write("".join(jsn).encode("utf-8"))
        js.write(jsonld.trailer(first))
    if loader is not None and union:
        loader.union("".join(union).encode("utf-8"))
    counts["triples"] = n
