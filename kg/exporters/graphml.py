"""GraphML for Gephi, Cytoscape and yEd: typed resources as nodes, links between them as
edges. Every attribute is a string (one ``<key>`` per name: igraph refuses mixed types);
every node has ``label``, ``name`` and ``type``; every edge a unique id and its ``relation``.
Assertions, images and the dataset record are not nodes; ``kg:relatedTo`` is not drawn
beside the specific link property it generalizes.
"""
from __future__ import annotations

import io
from collections import defaultdict

import networkx as nx

from ..terms import KG, RDF_TYPE, SCHEMA, SKOS, VOID, IRI, compact

NAME = "graphml"
FILENAME = "graph.graphml"

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


def to_networkx(result) -> nx.MultiDiGraph:
    props: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    triples = result.quads.triples()
    for s, p, o in triples:
        props[s][p].append(o)
    nodes = {
        s for s, pp in props.items()
        if pp.get(RDF_TYPE) and not any(t in _NOT_NODES for t in pp[RDF_TYPE])
    }
    g = nx.MultiDiGraph()
    for node in sorted(nodes):
        pp = props[node]
        label = _label(pp, node)
        attrs = {"label": label, "name": label, "type": _type_name(pp[RDF_TYPE]), "iri": str(node)}
        for pred, key in _SCALARS.items():
            vals = sorted(compact(v) if isinstance(v, IRI) and pred != SCHEMA + "url" else
                          (str(v) if isinstance(v, IRI) else v.value) for v in pp.get(pred, []))
            if vals:
                attrs[key] = " | ".join(str(v) for v in vals)
        same = [str(v) for v in pp.get("http://www.w3.org/2002/07/owl#sameAs", [])]
        if same:
            attrs["wikidata"] = " | ".join(sorted(same))
        g.add_node(str(node), **attrs)
    n = 0
    for s, p, o in triples:
        if p in _SKIP_EDGES or s not in nodes or not isinstance(o, IRI) or o not in nodes:
            continue
        rel = compact(p)
        name = rel.split(":", 1)[-1]
        g.add_edge(str(s), str(o), key=f"e{n}", relation=name, label=name, predicate=str(p))
        n += 1
    return g


def write(result, fh) -> None:
    g = to_networkx(result)
    buf = io.BytesIO()
    nx.write_graphml_lxml(g, buf, encoding="utf-8", prettyprint=True, named_key_ids=False)
    fh.write(buf.getvalue())
