"""Exports read back by independent readers, determinism, atomic replacement."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

import kg
from kg import exporters

FILES = ["graph.ttl", "graph.nq", "graph.jsonld", "graph.graphml", "actors.graphml", "report.json"]


def n_triples(result) -> int:
    return sum(1 for _ in result.quads.triples())


def test_all_files_written(corpus_build):
    out, _ = corpus_build
    for name in FILES:
        assert (out / name).stat().st_size > 0


def test_turtle_and_nquads_agree_under_oxigraph(corpus_build):
    import pyoxigraph as ox

    out, result = corpus_build
    ttl = list(ox.parse(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE))
    nq = list(ox.parse(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS))
    assert len(nq) == len(result.quads)
    assert len(ttl) == len({(q.subject, q.predicate, q.object) for q in nq}) == n_triples(result)
    assert any(q.graph_name != ox.DefaultGraph() for q in nq)


def test_rdflib_reads_turtle_and_jsonld_with_same_triples(corpus_build):
    import rdflib
    from rdflib.compare import isomorphic

    out, result = corpus_build
    g1 = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    g2 = rdflib.Graph().parse(out / "graph.jsonld", format="json-ld")
    assert len(g1) == len(g2) == n_triples(result)
    assert isomorphic(g1, g2)
    # language tags keep their BCP 47 case
    assert any(getattr(o, "language", None) == "zh-Hans" for o in g1.objects())


def test_jsonld_has_compact_context(corpus_build):
    out, _ = corpus_build
    doc = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"]["kg"] == "https://w3id.org/newskg/ontology#"
    assert any(n.get("@type") == "schema:NewsArticle" for n in doc["@graph"])


def test_graphml_opens_in_igraph_and_networkx(corpus_build):
    import igraph
    import networkx as nx

    out, _ = corpus_build
    g = igraph.Graph.Read_GraphML(str(out / "graph.graphml"))
    assert g.vcount() > 0 and g.ecount() > 0
    for attr in ("label", "name", "type"):
        assert all(v[attr] for v in g.vs), attr
    assert all(e["relation"] for e in g.es)
    nxg = nx.read_graphml(out / "graph.graphml", force_multigraph=True)
    ids = [k for _, _, k in nxg.edges(keys=True)]
    assert len(ids) == len(set(ids))
    assert {"NewsArticle", "Organization"} <= {d["type"] for _, d in nxg.nodes(data=True)}


def test_rapper_agrees_on_triple_counts(corpus_build):
    if not shutil.which("rapper"):
        pytest.skip("rapper (Debian raptor2-utils) not installed: the raptor check did not run")
    out, result = corpus_build
    for name, syntax, expected in [("graph.ttl", "turtle", n_triples(result)),
                                   ("graph.nq", "nquads", len(result.quads))]:
        done = subprocess.run(["rapper", "-i", syntax, "-c", str(out / name)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert f"returned {expected} " in done.stderr, done.stderr


def test_same_input_gives_byte_identical_exports(tmp_path, corpus_dir):
    kg.build([corpus_dir]).write(tmp_path / "a")
    kg.build([corpus_dir]).write(tmp_path / "b")
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_a_build_spilled_to_disk_writes_the_same_bytes(tmp_path, corpus_dir):
    """A large build holds a bounded number of quads in memory and merges sorted runs from
    disk; its exports must be those of a build that never spilled."""
    whole = kg.build([corpus_dir])
    spilled = kg.build([corpus_dir], spill_at=200)
    assert whole.quads.spilled == 0 and spilled.quads.spilled >= 2
    whole.write(tmp_path / "a")
    spilled.write(tmp_path / "b")
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_a_failed_write_leaves_previous_exports_whole(tmp_path, corpus_dir, monkeypatch):
    out = tmp_path / "out"
    kg.build([corpus_dir]).write(out)
    before = {n: (out / n).read_bytes() for n in FILES}

    def boom(fh, items, escaped=None):
        fh.write(b"partial")
        raise RuntimeError("killed")

    monkeypatch.setattr(exporters.graphml, "write_elements", boom)
    with pytest.raises(RuntimeError):
        kg.build([corpus_dir]).write(out)
    assert {n: (out / n).read_bytes() for n in FILES} == before
    assert sorted(p.name for p in out.iterdir()) == sorted([*FILES, ".store"])  # no temporary files left


def test_load_graph_gives_rdflib_dataset(seeds_build):
    out, result = seeds_build
    ds = kg.load_graph(out)
    assert sum(1 for _ in ds.quads()) == len(result.quads)
