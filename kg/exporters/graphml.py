"""GraphML for Gephi, Cytoscape and yEd: typed resources as nodes, links between them as
edges. Every attribute is a string (one ``<key>`` per name: igraph refuses mixed types);
every node has ``label``, ``name`` and ``type``; every edge a unique id and its ``relation``.
Assertions, images and the dataset record are not nodes; ``kg:relatedTo`` is not drawn
beside the specific link property it generalizes.
"""
from __future__ import annotations

import re
import tempfile
from collections import defaultdict

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
}


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


#: the GraphML keys, declared in every file whether used or not: (for, name) -> id
_NODE_KEYS = ("label", "name", "type", "iri", "url", "wikidata", "date", "language", "sourceFile", "policyType",
              "status")
_EDGE_KEYS = ("relation", "label", "predicate")
_KEYS = {**{("node", k): f"d{i}" for i, k in enumerate(_NODE_KEYS)},
         **{("edge", k): f"d{len(_NODE_KEYS) + i}" for i, k in enumerate(_EDGE_KEYS)}}


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
    same = [str(v) for v in props.get("http://www.w3.org/2002/07/owl#sameAs", [])]
    if same:
        attrs["wikidata"] = " | ".join(sorted(same))
    return attrs


def elements(result):
    """("node", id, attrs) for every node, then ("edge", (source, target, id), attrs) for every
    edge, in a stable order, reading the graph once: edges wait in a spool on disk until
    every node is known."""
    nodes: set[str] = set()
    with tempfile.TemporaryFile() as spool:
        pending: list[tuple[str, str, str]] = []
        for s, triples in result.quads.subjects():
            attrs = _node_attrs(s, triples)
            if attrs is None:
                continue
            nodes.add(str(s))
            yield ("node", str(s), attrs)
            pending.extend((str(s), str(p), str(o)) for _, p, o in triples
                           if p not in _SKIP_EDGES and isinstance(o, IRI))
            if len(pending) >= 20_000:
                spooled(pending, spool)
                pending = []
        spooled(pending, spool)
        spool.seek(0)
        n = 0
        for s, p, o in read_spooled(spool):
            if o in nodes:
                name = compact(p).split(":", 1)[-1]
                yield ("edge", (s, o, f"e{n}"), {"relation": name, "label": name, "predicate": p})
                n += 1


# what XML 1.0 cannot hold: controls (but tab and line ends), lone surrogates, U+FFFE/U+FFFF
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(value: str, dropped: list) -> str:
    """The value as XML can hold it: characters it cannot are escaped as ``\\uXXXX``."""
    if not _NOT_XML.search(value):
        return value
    dropped.append(value)
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group(0)):04x}", value)


def write(result, fh) -> None:
    """GraphML as networkx writes it, streamed: one element at a time through lxml. A value
    with characters XML cannot hold (which the readers remove before, so only a value from
    elsewhere) is written with them escaped, and reported among the build's warnings."""
    escaped: list[str] = []
    with etree.xmlfile(fh, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("graphml", {"xmlns": _NS, "xmlns:xsi": _XSI, "xsi:schemaLocation": f"{_NS} {_NS}/1.0/graphml.xsd"}):
            for (scope, name), ident in sorted(_KEYS.items(), key=lambda kv: -int(kv[1][1:])):
                xf.write(etree.Element("key", {"id": ident, "for": scope, "attr.name": name, "attr.type": "string"}),
                         pretty_print=True)
            with xf.element("graph", edgedefault="directed"):
                for kind, ident, attrs in elements(result):
                    if kind == "node":
                        el = etree.Element("node", id=_xml_text(ident, escaped))
                    else:
                        el = etree.Element("edge", source=_xml_text(ident[0], escaped),
                                           target=_xml_text(ident[1], escaped), id=ident[2])
                    for k, v in attrs.items():
                        etree.SubElement(el, "data", key=_KEYS[(kind, k)]).text = _xml_text(v, escaped)
                    xf.write(el, pretty_print=True)
    report = getattr(result, "report", None)
    if escaped and isinstance(report, dict):
        report.setdefault("warnings", []).append(
            {"file": FILENAME, "warning": f"{len(escaped)} value(s) with characters XML cannot hold were "
                                          f"escaped as \\uXXXX (first: {escaped[0][:80]!r})"})
