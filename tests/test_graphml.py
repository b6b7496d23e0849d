"""GraphML made for Gephi: valid against the GraphML 1.0 XSD, weighted links, policy dates,
and the actor-and-policy projection (actors.graphml), read by networkx and igraph."""
from __future__ import annotations

import pytest
from lxml import etree

from conftest import DATA

XSD = DATA / "graphml-xsd" / "graphml.xsd"
ACTOR_TYPES = {"Country", "Organization", "Person", "Policy"}
RELATIONS = {"cooperatesWith", "urges", "criticizes", "restricts", "acquires", "basedIn", "affiliatedWith",
             "issuedBy", "targets"}


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(XSD)))


@pytest.mark.parametrize("name", ["graph.graphml", "actors.graphml"])
def test_exports_validate_against_the_graphml_xsd(corpus_build, schema, name):
    out, _ = corpus_build
    doc = etree.parse(str(out / name))
    assert schema.validate(doc), str(schema.error_log)[:500]
    ids = doc.xpath("//g:node/@id", namespaces={"g": "http://graphml.graphdrawing.org/xmlns"})
    assert ids and all(i.startswith("n") and i[1:].isdigit() for i in ids)


def test_the_xsd_refuses_an_iri_as_a_node_id(schema):
    """The check can fail: the old export (IRIs as ids) is not valid GraphML."""
    bad = ('<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">'
           '<node id="https://w3id.org/newskg/id/actor/japan"/></graph></graphml>')
    assert not schema.validate(etree.fromstring(bad))


def test_edge_weight_is_the_number_of_articles_that_state_the_link(corpus_build):
    import networkx as nx
    import pyoxigraph as ox

    import kg

    out, _ = corpus_build
    g = nx.read_graphml(out / "graph.graphml", force_multigraph=True)
    store = kg.open_store(out)
    checked = 0
    for u, v, d in g.edges(data=True):
        if d["relation"] not in ("restricts", "cooperatesWith", "issuedBy", "targets"):
            continue
        s, o = g.nodes[u]["iri"], g.nodes[v]["iri"]
        graphs = {q.graph_name.value for q in store.quads(ox.NamedNode(s), ox.NamedNode(d["predicate"]),
                                                          ox.NamedNode(o))
                  if isinstance(q.graph_name, ox.NamedNode)}
        assert d["articles"] == len(graphs), (s, d["relation"], o)
        assert d["weight"] == max(1, len(graphs))
        checked += 1
    assert checked > 20
    assert max(d["articles"] for *_, d in g.edges(data=True)) >= 2  # some links are stated by several articles


def test_actors_graphml_is_actors_and_policies_with_weighted_links(corpus_build):
    import igraph
    import networkx as nx

    out, _ = corpus_build
    g = nx.read_graphml(out / "actors.graphml", force_multigraph=True)
    types = {d["type"] for _, d in g.nodes(data=True)}
    assert types <= ACTOR_TYPES and {"Country", "Policy"} <= types
    assert {d["relation"] for *_, d in g.edges(data=True)} <= {
        "cooperatesWith", "urges", "criticizes", "restricts", "acquires", "basedIn", "affiliatedWith",
        "issuedBy", "targets"}
    assert all(d["weight"] >= 1 for *_, d in g.edges(data=True))
    # every actor and policy with a relation or role is there, and nothing else: no loose dots
    full = nx.read_graphml(out / "graph.graphml", force_multigraph=True)
    linked = {full.nodes[n]["iri"] for u, v, d in full.edges(data=True) if d["relation"] in RELATIONS and u != v
              and full.nodes[u]["type"] in ACTOR_TYPES and full.nodes[v]["type"] in ACTOR_TYPES for n in (u, v)}
    assert {d["iri"] for _, d in g.nodes(data=True)} == linked
    assert all(g.degree(n) > 0 for n in g)
    assert sum(1 for _, d in full.nodes(data=True) if d["type"] in ACTOR_TYPES) > g.number_of_nodes()
    # policies carry their dates; Gephi's timeline reads `date`
    policies = [d for _, d in g.nodes(data=True) if d["type"] == "Policy"]
    dated = [d for d in policies if "firstReported" in d]
    assert dated and all(d["date"] == d["firstReported"] for d in dated)
    # labels are readable: every node labelled, Japan by its English name
    assert all(d["label"] for _, d in g.nodes(data=True))
    assert any(d["label"] == "Japan" and d["articles"] > 0 for _, d in g.nodes(data=True))
    ig = igraph.Graph.Read_GraphML(str(out / "actors.graphml"))
    assert ig.vcount() == g.number_of_nodes() and ig.ecount() == g.number_of_edges()
    assert all(isinstance(w, float) and w >= 1 for w in ig.es["weight"])


def test_link_counts_sorted_in_many_runs_give_the_same_file(corpus_build, monkeypatch):
    """The links are counted by an external sort; runs of 50 links merge to the same bytes."""
    import io

    from kg.exporters import actors_graphml, graphml

    _, result = corpus_build
    whole, small = io.BytesIO(), io.BytesIO()
    graphml.write(result, whole)
    monkeypatch.setattr(graphml, "_RUN", 50)
    graphml.write(result, small)
    assert whole.getvalue() == small.getvalue()
    a, b = io.BytesIO(), io.BytesIO()
    actors_graphml.write(result, a)
    monkeypatch.setattr(graphml, "_RUN", 200_000)
    actors_graphml.write(result, b)
    assert a.getvalue() == b.getvalue()


def test_a_link_counts_each_article_graph_once_and_not_the_default_graph():
    from kg.exporters.graphml import _count_graphs

    s, p, o, q = "http://e/s", "http://e/p", "http://e/o", "http://e/q"
    rows = sorted([(s, p, o, ""), (s, p, o, "http://g/1"), (s, p, o, "http://g/1"), (s, p, o, "http://g/2"),
                   (s, p, q, ""), (s, q, o, "http://g/3"), (o, p, s, "http://g/1")])
    assert list(_count_graphs(rows)) == [(o, p, s, 1), (s, p, o, 2), (s, p, q, 0), (s, q, o, 1)]
    assert list(_count_graphs([])) == []
