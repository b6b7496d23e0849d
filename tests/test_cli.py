"""The CLI through Typer's CliRunner: commands, output formats, clean errors."""
from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from kg.cli import app

from conftest import SEEDS

runner = CliRunner()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli")
    r = runner.invoke(app, ["build", str(SEEDS), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "read 3 of 3 files" in r.output
    return out


def test_neighbors_by_chinese_and_english_names(built):
    zh = runner.invoke(app, ["neighbors", "大纪元", "--graph", str(built), "--format", "json"])
    en = runner.invoke(app, ["neighbors", "the epoch times", "--graph", str(built), "--format", "json"])
    assert zh.exit_code == en.exit_code == 0
    assert json.loads(zh.stdout) == json.loads(en.stdout)
    rels = {r["relation"] for r in json.loads(zh.stdout)}
    assert {"schema:publisher", "kg:basedIn"} <= rels


def test_neighbors_depth_and_csv(built):
    r = runner.invoke(app, ["neighbors", "大紀元", "--depth", "2", "--graph", str(built), "--format", "csv"])
    assert r.exit_code == 0, r.output
    table = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {row["depth"] for row in table} == {"1", "2"}


def test_sparql_formats(built):
    q = "SELECT ?f WHERE { ?a kg:sourceFile ?f } ORDER BY ?f"
    j = runner.invoke(app, ["sparql", q, "--graph", str(built), "--format", "json"])
    assert j.exit_code == 0
    vals = [b["f"]["value"] for b in json.loads(j.stdout)["results"]["bindings"]]
    assert vals == sorted(p.name for p in SEEDS.iterdir())
    c = runner.invoke(app, ["sparql", q, "--graph", str(built), "--format", "csv"])
    assert c.stdout.splitlines()[0] == "f" and len(c.stdout.splitlines()) == 4
    t = runner.invoke(app, ["sparql", q, "--graph", str(built)])
    assert "000_b9475b12781277b5.txt" in t.stdout


def test_sparql_from_file(built, tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("ASK { ?a a schema:NewsArticle }", encoding="utf-8")
    r = runner.invoke(app, ["sparql", str(f), "--graph", str(built)])
    assert r.exit_code == 0 and "true" in r.stdout


@pytest.mark.parametrize("args, message", [
    (["sparql", "SELEC nothing"], "bad SPARQL"),
    (["sparql", "SELECT * WHERE { SERVICE <http://ex.org/sparql> { ?s ?p ?o } }"], "network"),
    (["neighbors", "no such actor"], "nothing in this build is called"),
])
def test_errors_are_one_line_exit_1(built, args, message):
    r = runner.invoke(app, [*args, "--graph", str(built)])
    assert r.exit_code == 1
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.output


def test_no_build_is_a_clean_error(tmp_path):
    r = runner.invoke(app, ["neighbors", "Japan", "--graph", str(tmp_path)])
    assert r.exit_code == 1 and "no build here" in r.stderr


def test_build_of_missing_input_is_a_clean_error(tmp_path):
    r = runner.invoke(app, ["build", str(tmp_path / "missing"), "--out", str(tmp_path / "o")])
    assert r.exit_code == 1 and "no such file or folder" in r.stderr


def test_build_writes_a_store_that_queries_open_without_parsing(built):
    from kg.query.store import current_store

    gen = current_store(built)
    assert gen is not None and (gen / "names.sqlite").is_file() and gen.parent == built / ".store"


def test_stale_store_is_made_again(tmp_path):
    out = tmp_path / "b"
    assert runner.invoke(app, ["build", str(SEEDS), "--out", str(out), "-q"]).exit_code == 0
    import shutil
    shutil.rmtree(out / ".store")
    r = runner.invoke(app, ["neighbors", "Japan", "--graph", str(out), "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout)


def test_neighbors_filters_and_evidence(built):
    r = runner.invoke(app, ["neighbors", "日本", "--relation", "restricts", "--direction", "out", "--evidence",
                            "--graph", str(built), "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert rows and {x["relation"] for x in rows} == {"kg:restricts"} and {x["direction"] for x in rows} == {"out"}
    assert all(isinstance(x["evidence"], list) for x in rows)  # JSON gives lists, not joined strings
    assert any("Japan" in e or "日本" in e for x in rows for e in x["evidence"])
    t = runner.invoke(app, ["neighbors", "Japan", "--type", "Country", "--limit", "2", "--graph", str(built),
                            "--format", "json"])
    rows = json.loads(t.stdout)
    assert len(rows) == 2 and {x["type"] for x in rows} == {"schema:Country"}


def test_show_card_in_both_languages(built):
    en = json.loads(runner.invoke(app, ["show", "Japan", "--graph", str(built), "--format", "json"]).stdout)
    zh = json.loads(runner.invoke(app, ["show", "日本", "--graph", str(built), "--format", "json"]).stdout)
    assert en == zh
    assert {"en", "zh-Hans"} <= {x["lang"] for x in en["labels"]}
    assert en["wikidata"] == ["http://www.wikidata.org/entity/Q17"]
    assert any(p["role"] == "issued" for p in en["policies"])
    assert {r["relation"] for r in en["relations"]} >= {"restricts", "cooperatesWith"}
    assert en["co_mentioned"] and en["latest_articles"]


def test_search_ranks_exact_names_before_headlines(built):
    rows = json.loads(runner.invoke(app, ["search", "japan", "--graph", str(built), "--format", "json"]).stdout)
    assert rows[0]["label"] == "Japan"
    assert any(r["type"] == "schema:NewsArticle" for r in rows)
    zh = json.loads(runner.invoke(app, ["search", "出口管制", "--graph", str(built), "--format", "json"]).stdout)
    assert zh and all("出口管制" in r["match"] for r in zh)


def test_path_explains_each_step(built):
    r = runner.invoke(app, ["path", "Japan", "ASML", "--graph", str(built), "--format", "json"])
    assert r.exit_code == 0, r.output
    steps = json.loads(r.stdout)
    chain1 = [s for s in steps if s["chain"] == 1]
    assert chain1[0]["from"] == "Japan" and chain1[-1]["to"] == "ASML"


def test_stats_and_export_around(built, tmp_path):
    s = json.loads(runner.invoke(app, ["stats", "--graph", str(built), "--format", "json"]).stdout)
    assert s["report"]["articles"] == 3 and any(r["type"] == "kg:Policy" for r in s["by_type"])
    target = tmp_path / "japan.graphml"
    r = runner.invoke(app, ["export", "--around", "日本", "--depth", "1", "--out", str(target), "--graph", str(built)])
    assert r.exit_code == 0, r.output
    import networkx as nx
    g = nx.read_graphml(target)
    japan = [n for n, d in g.nodes(data=True) if d["iri"] == "https://w3id.org/newskg/id/actor/japan"]
    assert japan and japan[0].startswith("n") and g.number_of_nodes() > 5
    # the neighbourhood keeps each link's articles: Japan restricts China in the seeds' articles
    assert any(d["relation"] == "restricts" and d["articles"] >= 1 for _, _, d in g.out_edges(japan[0], data=True))
    ttl = tmp_path / "japan.ttl"
    assert runner.invoke(app, ["export", "--around", "Japan", "-f", "ttl", "-o", str(ttl), "--graph", str(built)]).exit_code == 0
    from rdflib import Graph
    assert len(Graph().parse(ttl, format="turtle")) > 10
    jl = tmp_path / "japan.jsonld"
    assert runner.invoke(app, ["export", "--around", "Japan", "-f", "jsonld", "-o", str(jl), "--graph", str(built)]).exit_code == 0
    doc = json.loads(jl.read_text(encoding="utf-8"))
    assert doc["@context"]["kg"] == "https://w3id.org/newskg/ontology#"
    japan = next(n for n in doc["@graph"] if n["@id"] == "actor:japan")
    assert "schema:Country" in japan["@type"] and len(Graph().parse(jl, format="json-ld")) == len(Graph().parse(ttl))


def test_sparql_from_stdin(built):
    r = runner.invoke(app, ["sparql", "-", "--graph", str(built), "--format", "csv"],
                      input="SELECT (COUNT(*) AS ?n) WHERE { ?a a schema:NewsArticle }")
    assert r.exit_code == 0 and r.stdout.splitlines()[0] == "n"


@pytest.mark.parametrize("args, message", [
    (["neighbors", "Jappan"], "did you mean 'Japan'"),
    (["show", "no such thing at all"], "nothing in this build is called"),
    (["path", "Japan", "kgr:actor/nowhere"], "no resource"),
    (["sparql", "SELECT * WHERE { ?s ?p ?o }", "--endpoint", "ftp://x"], "http(s) URL"),
])
def test_more_errors_are_one_line_exit_1(built, args, message):
    r = runner.invoke(app, [*args, "--graph", str(built)])
    assert r.exit_code == 1, r.output
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_ambiguous_name_lists_candidates(tmp_path):
    (tmp_path / "a.md").write_text('---\ntitle: "Same title"\nwebUrl: "https://ex.org/a"\n---\n', encoding="utf-8")
    (tmp_path / "b.md").write_text('---\ntitle: "Same title"\nwebUrl: "https://ex.org/b"\n---\n', encoding="utf-8")
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(tmp_path), "--out", str(out), "-q"]).exit_code == 0
    r = runner.invoke(app, ["show", "same title", "--graph", str(out)])
    assert r.exit_code == 1 and "names 2 resources" in r.stderr and "https://w3id.org/newskg/id/article/" in r.stderr


def test_help_does_not_import_rdflib():
    import subprocess
    import sys
    code = "import sys; from kg.cli import app; import typer.testing as t; " \
           "t.CliRunner().invoke(app, ['--help']); print('rdflib' in sys.modules, 'pyoxigraph' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False False"


def test_piped_output_is_tab_separated_rows_and_a_terminal_gets_a_table(built, monkeypatch):
    r = runner.invoke(app, ["neighbors", "Japan", "--graph", str(built)])  # CliRunner output is not a terminal
    lines = r.stdout.splitlines()
    assert r.exit_code == 0 and lines[0].split("\t")[:3] == ["depth", "relation", "direction"]
    assert all(len(line.split("\t")) == len(lines[0].split("\t")) for line in lines)
    s = runner.invoke(app, ["sparql", "ASK { ?a a schema:NewsArticle }", "--graph", str(built)])
    assert s.stdout.splitlines() == ["result", "true"]

    import kg.cli

    class Terminal:
        def isatty(self):
            return True

    monkeypatch.setattr(kg.cli.sys, "stdout", Terminal())
    assert kg.cli._fmt(None) == "table"
    assert kg.cli._fmt(kg.cli.Fmt.json) == "json"


def test_an_actor_wins_over_a_topic_tag_of_its_name(tmp_path):
    """An Epoch page tagged 希捷 and 尹锡悦: the names resolve to the company and the person,
    and each tag is linked to the actor it names (skos:related)."""
    import json
    import shutil

    import kg
    from conftest import DATA
    from pyoxigraph import NamedNode

    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DATA / "answer_key" / "docs" / "n13977732.md", docs)
    kg.build([docs]).write(tmp_path / "out")
    got = CliRunner().invoke(app, ["show", "尹锡悦", "--format", "json", "--graph", str(tmp_path / "out")])
    assert got.exit_code == 0, got.output
    assert json.loads(got.output)["type"] == "schema:Person"
    store = kg.open_store(tmp_path / "out")
    related = list(store.quads(NamedNode("https://w3id.org/newskg/id/topic/希捷"),
                               NamedNode("http://www.w3.org/2004/02/skos/core#related"), None))
    assert [q.object.value for q in related] == ["https://w3id.org/newskg/id/actor/seagate"]


@pytest.mark.parametrize("args, message", [
    (["neighbors", "Japan", "--relation", "restrict"], "did you mean 'restricts'"),
    (["neighbors", "Japan", "--type", "Contry"], "did you mean 'Country'"),
])
def test_filter_values_are_checked(seeds_build, args, message):
    out, _ = seeds_build
    got = CliRunner().invoke(app, [*args, "--graph", str(out)])
    assert got.exit_code == 1 and message in got.output


def test_a_build_that_read_nothing_keeps_the_exports(seeds_build, tmp_path):
    import shutil

    out, _ = seeds_build
    kept = tmp_path / "kept"
    shutil.copytree(out, kept)
    before = (kept / "graph.nq").read_bytes()
    (tmp_path / "empty").mkdir()
    got = CliRunner().invoke(app, ["build", str(tmp_path / "empty"), "--out", str(kept)])
    assert got.exit_code == 1 and "read no article" in got.output
    assert (kept / "graph.nq").read_bytes() == before
    assert CliRunner().invoke(app, ["build", str(tmp_path / "empty"), "--out", str(kept), "--force"]).exit_code == 0


def test_export_around_goes_down_a_pipe_without_out(seeds_build, tmp_path, monkeypatch):
    out, _ = seeds_build
    monkeypatch.chdir(tmp_path)
    got = CliRunner().invoke(app, ["export", "--around", "Japan", "--format", "ttl", "--graph", str(out)])
    assert got.exit_code == 0 and got.output.startswith("@prefix kg:")
    assert list(tmp_path.iterdir()) == []  # nothing written into the current folder


def test_neighbors_lists_every_relation_to_a_neighbour(seeds_build):
    out, _ = seeds_build
    got = CliRunner().invoke(app, ["neighbors", "Japan", "--format", "json", "--graph", str(out)])
    links = {(r["relation"], r["direction"]) for r in json.loads(got.output) if r["label"] == "China"}
    assert {("kg:urges", "in"), ("kg:restricts", "out")} <= links  # China urges Japan; Japan restricts China


def test_search_counts_articles_for_topics_and_technologies(seeds_build):
    out, _ = seeds_build
    got = CliRunner().invoke(app, ["search", "芯片", "--format", "json", "--graph", str(out)])
    rows = json.loads(got.output)
    by_type = {r["type"]: r["articles"] for r in rows}
    assert by_type["skos:Concept"] >= 1 and by_type["kg:Technology"] >= 1


def test_a_mirror_and_its_original_are_one_search_hit(seeds_build):
    out, _ = seeds_build
    got = CliRunner().invoke(app, ["search", "欧盟将与日本深化芯片合作", "--format", "json", "--graph", str(out)])
    assert len([r for r in json.loads(got.output) if r["type"] == "schema:NewsArticle"]) == 1


@pytest.mark.parametrize("query, message", [
    ("INSERT DATA { actor:x kg:y actor:z }", "read-only"),
    ("SELECT * WHERE { ?s foo:bar ?o }", "unknown prefix foo:"),
    ("SELECT * WHERE { ?s ?p ?o ", "line 1, column"),   # positions in the user's own query
])
def test_sparql_errors_speak_of_the_users_query(seeds_build, query, message):
    out, _ = seeds_build
    got = CliRunner().invoke(app, ["sparql", query, "--graph", str(out)])
    assert got.exit_code == 1 and message in got.output


def test_printed_curies_paste_back(seeds_build):
    out, _ = seeds_build
    got = CliRunner().invoke(app, ["sparql", "SELECT ?l WHERE { actor:japan rdfs:label ?l }", "--format", "csv",
                                   "--graph", str(out)])
    assert got.exit_code == 0 and "Japan" in got.output


def test_neighbors_summarize_article_links_unless_asked(seeds_build):
    out, _ = seeds_build
    rows = json.loads(CliRunner().invoke(app, ["neighbors", "Japan", "--format", "json", "--graph", str(out)]).output)
    mentions = [r for r in rows if r["relation"] == "schema:mentions"]
    assert len(mentions) == 1 and mentions[0]["iri"] == "" and mentions[0]["articles"] >= 2  # one counted row
    listed = json.loads(CliRunner().invoke(app, ["neighbors", "Japan", "--articles", "--format", "json",
                                                 "--graph", str(out)]).output)
    articles = [r for r in listed if r["relation"] == "schema:mentions"]
    assert len(articles) == mentions[0]["articles"] and all(r["iri"].startswith("https://") for r in articles)


def test_the_adjacency_index_holds_every_link_of_the_graph(seeds_build):
    """The build's links index says what a scan of the quads says, node by node."""
    import pyoxigraph as ox

    from kg.query import open_store
    from kg.query.names import SKIP_PREDICATES
    from kg.query.neighbors import edges

    out, _ = seeds_build
    store = open_store(out)
    for node in ("https://w3id.org/newskg/id/actor/japan", "https://w3id.org/newskg/id/actor/china"):
        scan: dict[tuple[str, str, str], set] = {}
        n = ox.NamedNode(node)
        for q in store.quads(n, None, None):
            if isinstance(q.object, ox.NamedNode) and q.predicate.value not in SKIP_PREDICATES and q.object != n:
                scan.setdefault(("out", q.predicate.value, q.object.value), set()).add(q.graph_name)
        for q in store.quads(None, None, n):
            if isinstance(q.subject, ox.NamedNode) and q.predicate.value not in SKIP_PREDICATES and q.subject != n:
                scan.setdefault(("in", q.predicate.value, q.subject.value), set()).add(q.graph_name)
        want = {k: {g.value for g in v if isinstance(g, ox.NamedNode)} for k, v in scan.items()}
        found = edges(store, node)
        assert {(e.direction, e.predicate, e.other): e.n_articles for e in found} == {k: len(v) for k, v in want.items()}
        assert {(e.direction, e.predicate, e.other): e.articles for e in found} == want  # the sets, read lazily


@pytest.mark.parametrize("fmt, expected", [("json", '"xml:lang":"zh-Hans"'), ("xml", 'xml:lang="zh-Hans"'),
                                           ("tsv", '"日本"@zh-Hans')])
def test_sparql_results_keep_the_case_of_language_tags(seeds_build, fmt, expected):
    out, _ = seeds_build
    got = CliRunner().invoke(app, ["sparql", "SELECT ?l WHERE { actor:japan skos:prefLabel ?l }", "--format", fmt,
                                   "--graph", str(out)])
    assert got.exit_code == 0 and expected in got.output and "zh-hans" not in got.output


def test_terminal_tables_wrap_names_and_drop_the_iri_column_unless_asked(seeds_build, monkeypatch):
    from kg.output import table

    long = "United States export controls on semiconductors against China (2022)"
    rows = [{"label": long, "type": "kg:Policy", "articles": 77, "iri": "https://w3id.org/newskg/id/policy/x"},
            {"label": "美国对中国的半导体出口管制（2022年）", "type": "kg:Policy", "articles": 3, "iri": "https://w3id.org/y"}]
    narrow = table(rows, ["label", "type", "articles", "iri"], max_width=60)
    assert "iri" not in narrow.splitlines()[0] and "…" not in narrow
    assert all(len(line) <= 60 for line in narrow.splitlines())
    # every word of each name is printed, in order, across its lines
    assert " ".join(narrow.split()).count("semiconductors against China (2022)") == 1
    kept = table(rows, ["label", "type", "articles", "iri"], max_width=60, iri=True)
    assert "iri" in kept.splitlines()[0] and "…" not in kept
    assert table(rows, ["label", "iri"], max_width=200).splitlines()[2].startswith(long)  # fits: one line each


def test_sparql_default_graph_holds_each_fact_once(corpus_build):
    """Without GRAPH, a query sees the deduplicated union of the article graphs (a fact three
    articles state is one row); GRAPH ?g still tells which articles state it."""
    import pyoxigraph as ox

    out, _ = corpus_build
    with (out / "graph.nq").open("rb") as fh:
        triples = {(q.subject, q.predicate, q.object) for q in ox.parse(fh, format=ox.RdfFormat.N_QUADS)}
    got = CliRunner().invoke(app, ["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv",
                                   "--graph", str(out)])
    assert got.exit_code == 0 and got.output.split() == ["n", str(len(triples))]
    articles = CliRunner().invoke(app, ["sparql", "SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?a) AS ?d) WHERE "
                                                  "{ ?a a schema:NewsArticle }", "--format", "csv", "--graph", str(out)])
    n, d = articles.output.split()[1].split(",")
    assert n == d
    graphs = CliRunner().invoke(app, ["sparql", "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                                      "--format", "csv", "--graph", str(out)])
    assert int(graphs.output.split()[1]) > 1


def test_a_search_that_finds_nothing_is_an_error_with_suggestions(seeds_build):
    out, _ = seeds_build
    got = CliRunner().invoke(app, ["search", "Huwei", "--graph", str(out)])
    assert got.exit_code == 1 and "did you mean 'Huawei'" in got.output and "\n" == got.output[-1:]
    assert got.output.count("\n") == 1  # one line, no empty table
