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
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    ids = doc.xpath("//g:node/@id", namespaces=ns)
    edges = doc.xpath("//g:edge/@id", namespaces=ns)
    assert ids and len(set(ids)) == len(ids) and edges and len(set(edges)) == len(edges)


def test_a_node_has_the_same_id_in_every_build_and_file(corpus_build, corpus_dir, tmp_path):
    """Ids come from the IRIs: a build of a part of the corpus gives its nodes the ids the
    whole corpus gave them, in both files, and its edges the same ids too."""
    import shutil

    import kg
    from kg.exporters.graphml import _KEYS

    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    iri_key, predicate_key = _KEYS[("node", "iri")][0], _KEYS[("edge", "predicate")][0]

    def by_iri(path):
        doc = etree.parse(str(path))
        nodes = {n.get("id"): n.findtext(f"g:data[@key='{iri_key}']", namespaces=ns)
                 for n in doc.xpath("//g:node", namespaces=ns)}
        edges = {(nodes[e.get("source")], e.findtext(f"g:data[@key='{predicate_key}']", namespaces=ns),
                  nodes[e.get("target")]): e.get("id") for e in doc.xpath("//g:edge", namespaces=ns)}
        return {iri: ident for ident, iri in nodes.items()}, edges

    out, _ = corpus_build
    part = tmp_path / "part"
    for f in sorted(corpus_dir.rglob("*.md"))[::4]:
        (part / f.relative_to(corpus_dir)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(f, part / f.relative_to(corpus_dir))
    kg.build([part]).write(tmp_path / "out")
    whole, whole_edges = by_iri(out / "graph.graphml")
    some, some_edges = by_iri(tmp_path / "out" / "graph.graphml")
    actors, _ = by_iri(out / "actors.graphml")
    common = whole.keys() & some.keys()
    assert len(common) > 20 and len(some) < len(whole)
    assert all(whole[iri] == some[iri] for iri in common)
    assert actors and all(whole[iri] == ident for iri, ident in actors.items())
    shared = whole_edges.keys() & some_edges.keys()
    assert len(shared) > 10 and all(whole_edges[k] == some_edges[k] for k in shared)


def test_two_iris_with_one_hash_get_two_ids(monkeypatch):
    """A clash of hashes (forced here) gives the later IRI a suffix; edges name the right nodes."""
    from kg.exporters import graphml

    monkeypatch.setattr(graphml, "node_id", lambda iri: "nSAME")
    nodes = [("https://ex.org/a", {"label": "a"}), ("https://ex.org/b", {"label": "b"}),
             ("https://ex.org/c", {"label": "c"})]
    links = [("https://ex.org/a", "https://ex.org/p", "https://ex.org/c", 1),
             ("https://ex.org/c", "https://ex.org/p", "https://ex.org/b", 2)]
    got = list(graphml.items(lambda: iter(nodes), lambda: iter(links), {}))
    ids = [ident for kind, ident, _ in got if kind == "node"]
    assert ids == ["nSAME", "nSAME_2", "nSAME_3"]
    edges = [ident for kind, ident, _ in got if kind == "edge"]
    assert [(e[0], e[1]) for e in edges] == [("nSAME", "nSAME_3"), ("nSAME_3", "nSAME_2")]
    assert len({e[2] for e in edges}) == 2


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
