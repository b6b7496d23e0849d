"""kg rank, kg communities, kg timeline and kg path -k: networkx over the actor-and-policy
graph, checked against the graph itself (actors.graphml, the store), on the seeds."""
from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()


def run(out, *args, fmt="json"):
    r = runner.invoke(app, [*args, "--graph", str(out), "--format", fmt])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout) if fmt == "json" else r.stdout


def test_rank_by_degree_is_the_weighted_degree_of_actors_graphml(seeds_build):
    """Independent check: the weighted degree kg rank reports is the sum of the weights of
    the node's links in actors.graphml (read by networkx), either direction."""
    import networkx as nx

    out, _ = seeds_build
    g = nx.read_graphml(out / "actors.graphml", force_multigraph=True)
    expected: dict[str, float] = {}
    for u, v, d in g.edges(data=True):
        if u != v:
            for n in (u, v):
                iri = g.nodes[n]["iri"]
                expected[iri] = expected.get(iri, 0) + d["weight"]
    rows = run(out, "rank", "--by", "degree", "--limit", "0")
    in_file = {d["iri"] for _, d in g.nodes(data=True)}  # actors.graphml leaves out the unlinked
    assert in_file <= {r["iri"] for r in rows} and len(rows) > len(in_file)
    assert all(r["degree"] == 0 for r in rows if r["iri"] not in in_file)
    assert all(r["degree"] == expected.get(r["iri"], 0) == r["score"] for r in rows)
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


@pytest.mark.parametrize("by", ["pagerank", "betweenness"])
def test_rank_by_centrality_within_a_type(seeds_build, by):
    out, _ = seeds_build
    rows = run(out, "rank", "--by", by, "--type", "Country")
    assert rows and {r["type"] for r in rows} == {"schema:Country"}
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    # the seeds are about Japan, China and the United States; they lead
    assert {r["label"] for r in rows[:3]} == {"Japan", "China", "United States"}
    assert rows[-1]["score"] < rows[0]["score"]


def test_rank_tsv_csv_and_errors(seeds_build):
    out, _ = seeds_build
    text = run(out, "rank", "-n", "3", fmt="csv")
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == 3 and table[0]["rank"] == "1"
    r = runner.invoke(app, ["rank", "--type", "Contry", "--graph", str(out)])
    assert r.exit_code == 1 and "did you mean 'Country'" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = runner.invoke(app, ["rank", "--type", "Article", "--graph", str(out)])
    assert r.exit_code == 1 and "actors and policies" in r.stderr


def test_communities_partition_the_linked_graph_the_same_way_every_time(seeds_build):
    import networkx as nx

    out, _ = seeds_build
    first = run(out, "communities", "--min-size", "1")
    assert first == run(out, "communities", "--min-size", "1")  # a fixed seed: the same answer
    members = [iri for c in first for iri in c["iris"]]
    assert len(members) == len(set(members))  # each node in one community
    g = nx.read_graphml(out / "actors.graphml")
    linked = {g.nodes[n]["iri"] for n in g if any(m != n for m in nx.all_neighbors(g, n))}
    assert set(members) == linked
    assert [c["size"] for c in first] == sorted((c["size"] for c in first), reverse=True)
    assert all(c["size"] == len(c["members"]) == c["countries"] + c["organizations"] + c["people"] + c["policies"]
               for c in first)
    assert first[0]["modularity"] > 0.3
    # a community holds what is tied together: a spokeswoman with her ministry
    where = {m: c["community"] for c in first for m in c["members"]}
    assert where["Hua Chunying"] == where["Ministry of Foreign Affairs of China"]
    table = run(out, "communities", "--top", "2", fmt="table")
    assert "more" in table and table.splitlines()[0].split()[:2] == ["community", "size"]


def test_timeline_of_japan_by_month_and_year(seeds_build):
    import kg

    out, _ = seeds_build
    months = run(out, "timeline", "日本")
    assert [r["period"] for r in months] == ["2023-07", "undated"]
    store = kg.open_store(out)
    mentioning = store.query("SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a schema:mentions actor:japan }")
    assert sum(r["articles"] for r in months) == int(next(iter(mentioning))["n"].value)
    july = months[0]
    assert any(p["label"].startswith("Japan export controls on chip-making equipment") for p in july["issued"])
    assert all(set(x) == {"relation", "direction", "label", "articles", "iri"} for x in july["relations"])
    years = run(out, "timeline", "Japan", "--by", "year", fmt="csv")
    rows = list(csv.DictReader(io.StringIO(years)))
    assert [r["period"] for r in rows] == ["2023", "undated"]
    assert "Japan restricts China" in rows[0]["relations"] or "Japan restricts China" in rows[1]["relations"]


def test_timeline_refuses_what_is_not_an_actor_or_policy(seeds_build):
    out, _ = seeds_build
    r = runner.invoke(app, ["timeline", "Jappan", "--graph", str(out)])
    assert r.exit_code == 1 and "did you mean 'Japan'" in r.stderr
    r = runner.invoke(app, ["timeline", "topic:半导体", "--graph", str(out)])
    assert r.exit_code == 1 and len(r.stderr.strip().splitlines()) == 1


def test_path_gives_k_distinct_chains_shortest_first_each_step_a_real_link(seeds_build):
    import pyoxigraph as ox

    import kg

    out, _ = seeds_build
    steps = run(out, "path", "Japan", "ASML", "-k", "4")
    chains: dict[int, list] = {}
    for s in steps:
        chains.setdefault(s["chain"], []).append(s)
    assert len(chains) == 4
    lengths = [len(c) for c in chains.values()]
    assert lengths == sorted(lengths) and max(lengths) <= 3
    store = kg.open_store(out)
    seen = set()
    for chain in chains.values():
        assert chain[0]["from"] == "Japan" and chain[-1]["to"] == "ASML"
        nodes = tuple([chain[0]["subject"] if chain[0]["direction"] == "→" else chain[0]["object"]]
                      + [s["object"] if s["direction"] == "→" else s["subject"] for s in chain])
        assert nodes not in seen
        seen.add(nodes)
        for s in chain:
            pred = kg.terms.expand(s["relation"])
            assert next(iter(store.quads(ox.NamedNode(s["subject"]), ox.NamedNode(pred),
                                         ox.NamedNode(s["object"]))), None), s
    # among chains of one length, stated relations before "mentioned in the same article"
    three = [c for c in chains.values() if len(c) == 3]
    generic = [sum(s["relation"] == "schema:mentions" for s in c) for c in three]
    assert generic == sorted(generic)
