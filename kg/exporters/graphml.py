"""GraphML for Gephi, Cytoscape and yEd: typed resources as nodes, links between them as
edges, valid against the GraphML 1.0 schema (tested with its XSD).

- Node ids are ``n0``, ``n1``... in IRI order (an IRI is not an XML NMTOKEN, so it cannot be
  an id); the IRI is the node's ``iri`` attribute.
- Every node has ``label``, ``name``, ``type``, ``iri`` and ``articles`` (how many articles
  mention, tag, cover or link to it); policies have ``date`` (= ``firstReported``),
  ``firstReported`` and ``lastReported`` where known, so Gephi's timeline can use ``date``
  across articles and policies.
- Every edge has a unique id, its ``relation``, ``articles`` (how many articles state the
  link: the named graphs that hold it) and ``weight``: ``articles``, at least 1 (a link
  that only the lexicon states, such as a named act's issuer, still counts once).
- One ``<key>`` per attribute name, each with one type (igraph refuses mixed types).

Assertions, images and the dataset record are not nodes; ``kg:relatedTo`` is not drawn
beside the specific link property it generalizes.

The file is streamed: the links are counted by an external sort of the quads (sorted runs
on disk, merged), so memory holds one run and the node ids, whatever the size of the graph.
``actors.graphml`` (:mod:`kg.exporters.actors_graphml`) is the same writer over actors and
policies only.
"""
from __future__ import annotations

import heapq
import re
import tempfile
from collections import defaultdict
from itertools import groupby
from typing import Callable, Iterator, Optional

from lxml import etree

from ..quads import read_spooled, spooled
from ..terms import KG, RDF_TYPE, SCHEMA, SKOS, VOID, IRI, compact

NAME = "graphml"
FILENAME = "graph.graphml"

_NS = "http://graphml.graphdrawing.org/xmlns"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_NOT_NODES = {KG + "Assertion", SCHEMA + "ImageObject", VOID + "Dataset"}
_SKIP_EDGES = {RDF_TYPE, KG + "relatedTo"}
_LABEL_PREDICATES = (SKOS + "prefLabel", SCHEMA + "name", SCHEMA + "headline")
_LABEL_LANGS = ("en", "zh-Hans", "zh-Hant", None)
_SCALARS = {
    SCHEMA + "url": "url",
    SCHEMA + "datePublished": "date",
    SCHEMA + "inLanguage": "language",
    KG + "sourceFile": "sourceFile",
    KG + "policyType": "policyType",
    KG + "status": "status",
    KG + "firstReported": "firstReported",
    KG + "lastReported": "lastReported",
}
#: what makes an article count for a node's ``articles`` (as ``kg stats`` and search count)
_COUNTED = {SCHEMA + "mentions", SCHEMA + "about", KG + "covers", KG + "relatedTo"}
_RUN = 200_000  # link quads sorted in memory before a run goes to disk


def _type_name(types: list[str]) -> str:
    order = ("NewsArticle", "Country", "Person", "Policy", "Concept", "Organization")
    local = [t.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for t in types]
    for name in order:
        if name in local:
            return name
    return sorted(local)[0]


def _label(props: dict, node: str) -> str:
    for pred in _LABEL_PREDICATES:
        values = props.get(pred, [])
        for lang in _LABEL_LANGS:
            for v in values:
                if not isinstance(v, IRI) and (v.lang == lang or lang is None):
                    return v.value
    return node.rsplit("/", 1)[-1]


#: the GraphML keys, declared in every file whether used or not: (for, name) -> (id, type)
_NODE_KEYS = (("label", "string"), ("name", "string"), ("type", "string"), ("iri", "string"),
              ("url", "string"), ("wikidata", "string"), ("date", "string"), ("language", "string"),
              ("sourceFile", "string"), ("policyType", "string"), ("status", "string"),
              ("firstReported", "string"), ("lastReported", "string"), ("articles", "int"))
_EDGE_KEYS = (("relation", "string"), ("label", "string"), ("predicate", "string"), ("articles", "int"),
              ("weight", "double"))
_KEYS = {**{("node", k): (f"d{i}", t) for i, (k, t) in enumerate(_NODE_KEYS)},
         **{("edge", k): (f"d{len(_NODE_KEYS) + i}", t) for i, (k, t) in enumerate(_EDGE_KEYS)}}


def _node_attrs(node: str, triples: list) -> dict | None:
    """A subject's GraphML attributes, or None if it is not drawn as a node."""
    props: dict[str, list] = defaultdict(list)
    for _, p, o in triples:
        props[p].append(o)
    types = props.get(RDF_TYPE)
    if not types or any(t in _NOT_NODES for t in types):
        return None
    label = _label(props, node)
    attrs = {"label": label, "name": label, "type": _type_name(types), "iri": str(node)}
    for pred, key in _SCALARS.items():
        vals = sorted(compact(v) if isinstance(v, IRI) and pred != SCHEMA + "url" else
                      (str(v) if isinstance(v, IRI) else v.value) for v in props.get(pred, []))
        if vals:
            attrs[key] = " | ".join(str(v) for v in vals)
    if "date" not in attrs and "firstReported" in attrs:
        attrs["date"] = attrs["firstReported"]
    same = [str(v) for v in props.get("http://www.w3.org/2002/07/owl#sameAs", [])]
    if same:
        attrs["wikidata"] = " | ".join(sorted(same))
    return attrs


def link_counts(quads, spool, keep: Callable[[str], bool] = lambda p: p not in _SKIP_EDGES) -> dict[str, int]:
    """Write to ``spool`` every link (s, p, o, articles) between IRIs whose predicate ``keep``
    accepts, in (s, p, o) order, ``articles`` being the number of named graphs (articles)
    that hold it; return, for each object, the number of articles that mention, tag, cover
    or link to it. The quads come graph first, so the links are re-sorted by an external
    sort: sorted runs of at most ``_RUN`` links on disk, merged."""
    runs: list = []
    buf: list[tuple[str, str, str, str]] = []

    def flush() -> None:
        if buf:
            buf.sort()
            fh = tempfile.TemporaryFile()
            spooled(buf, fh)
            fh.seek(0)
            runs.append(fh)
            buf.clear()

    articles: dict[str, int] = defaultdict(int)
    seen_in_graph: set[str] = set()
    last_graph: Optional[str] = None
    for s, p, o, g in quads.sorted():
        if not isinstance(o, IRI):
            continue
        if g != last_graph:  # a graph's quads are contiguous
            seen_in_graph.clear()
            last_graph = g
        if g and p in _COUNTED and o not in seen_in_graph:
            seen_in_graph.add(o)
            articles[str(o)] += 1
        if keep(p):
            buf.append((str(s), str(p), str(o), str(g or "")))
            if len(buf) >= _RUN:
                flush()
    flush()
    try:
        merged = heapq.merge(*(read_spooled(fh) for fh in runs))
        spooled(((s, p, o, len({r[3] for r in group if r[3]}))
                 for (s, p, o), group in groupby(merged, key=lambda r: r[:3])), spool)
    finally:
        for fh in runs:
            fh.close()
    spool.seek(0)
    return dict(articles)


def elements(result, node_filter: Callable[[dict], bool] = lambda attrs: True,
             keep: Callable[[str], bool] = lambda p: p not in _SKIP_EDGES,
             linked_only: bool = False) -> Iterator[tuple]:
    """("node", id, attrs) for every node, then ("edge", (source, target, id), attrs) for
    every edge, in a stable order (nodes by IRI, edges by subject, predicate, object).
    ``linked_only``: only nodes with a link to another node (one more pass over the graph)."""
    with tempfile.TemporaryFile() as spool:
        articles = link_counts(result.quads, spool, keep)
        wanted: Optional[set[str]] = None
        if linked_only:
            candidates = {str(s) for s, triples in result.quads.subjects()
                          if (a := _node_attrs(s, triples)) is not None and node_filter(a)}
            wanted = set()
            for s, _, o, _ in read_spooled(spool):
                if s != o and s in candidates and o in candidates:
                    wanted.update((s, o))
            del candidates
            spool.seek(0)
        ids: dict[str, str] = {}
        for s, triples in result.quads.subjects():
            if wanted is not None and str(s) not in wanted:
                continue
            attrs = _node_attrs(s, triples)
            if attrs is None or not node_filter(attrs):
                continue
            attrs["articles"] = str(articles.get(str(s), 0))
            ids[str(s)] = f"n{len(ids)}"
            yield ("node", ids[str(s)], attrs)
        n = 0
        for s, p, o, count in read_spooled(spool):
            if s in ids and o in ids:
                name = compact(p).split(":", 1)[-1]
                yield ("edge", (ids[s], ids[o], f"e{n}"),
                       {"relation": name, "label": name, "predicate": p, "articles": str(count),
                        "weight": str(max(1, count))})
                n += 1


# what XML 1.0 cannot hold: controls (but tab and line ends), lone surrogates, U+FFFE/U+FFFF
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(value: str, escaped: list) -> str:
    """The value as XML can hold it: characters it cannot are escaped as ``\\uXXXX``."""
    if not _NOT_XML.search(value):
        return value
    escaped.append(value)
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group(0)):04x}", value)


def write_elements(fh, items: Iterator[tuple], escaped: Optional[list] = None) -> None:
    """GraphML as networkx writes it, streamed: one element at a time through lxml. A value
    with characters XML cannot hold (which the readers remove before, so only a value from
    elsewhere) is written with them escaped and added to ``escaped``."""
    escaped = [] if escaped is None else escaped
    with etree.xmlfile(fh, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("graphml", {"xmlns": _NS, "xmlns:xsi": _XSI,
                                    "xsi:schemaLocation": f"{_NS} {_NS}/1.0/graphml.xsd"}):
            for (scope, name), (ident, typ) in _KEYS.items():
                xf.write(etree.Element("key", {"id": ident, "for": scope, "attr.name": name, "attr.type": typ}),
                         pretty_print=True)
            with xf.element("graph", edgedefault="directed"):
                for kind, ident, attrs in items:
                    if kind == "node":
                        el = etree.Element("node", id=ident)
                    else:
                        el = etree.Element("edge", id=ident[2], source=ident[0], target=ident[1])
                    for k, v in attrs.items():
                        etree.SubElement(el, "data", key=_KEYS[(kind, k)][0]).text = _xml_text(v, escaped)
                    xf.write(el, pretty_print=True)


def report_escaped(result, filename: str, escaped: list) -> None:
    """Values escaped for XML, among the build's warnings."""
    report = getattr(result, "report", None)
    if escaped and isinstance(report, dict):
        report.setdefault("warnings", []).append(
            {"file": filename, "warning": f"{len(escaped)} value(s) with characters XML cannot hold were "
                                          f"escaped as \\uXXXX (first: {escaped[0][:80]!r})"})


def write(result, fh) -> None:
    escaped: list[str] = []
    write_elements(fh, elements(result), escaped)
    report_escaped(result, FILENAME, escaped)
