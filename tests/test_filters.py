"""--since, --until, --outlet, --lang, --min-confidence: every listing counts only what the
articles passing the filter state; checked against SPARQL over the same build."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()


def run(out, *args):
    r = runner.invoke(app, [*args, "--graph", str(out), "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def sparql(out, query):
    import kg

    res = kg.open_store(out).query(query)
    return [{v.value: (row[v.value].value if row[v.value] is not None else None) for v in res.variables} for row in res]


@pytest.mark.parametrize("args, condition", [
    (["--lang", "en"], 'LCASE(STR(?l)) = "en"'),
    (["--lang", "zh"], 'STRSTARTS(LCASE(STR(?l)), "zh")'),
    (["--since", "2023-07"], 'SUBSTR(STR(?d), 1, 7) >= "2023-07"'),
    (["--until", "2023-07-31"], 'SUBSTR(STR(?d), 1, 10) <= "2023-07-31"'),
])
def test_neighbors_count_only_the_articles_that_pass(corpus_build, args, condition):
    out, _ = corpus_build
    expected = {r["o"]: int(r["n"]) for r in sparql(out, f"""
        SELECT ?o (COUNT(DISTINCT ?g) AS ?n) WHERE {{
          GRAPH ?g {{ actor:china ?p ?o }} FILTER(?p IN (kg:restricts, kg:criticizes, kg:urges, kg:cooperatesWith))
          OPTIONAL {{ ?g schema:inLanguage ?l }} OPTIONAL {{ ?g schema:datePublished ?d }}
          FILTER({condition})
        }} GROUP BY ?o""")}
    rows = run(out, "neighbors", "China", "--direction", "out", "-r", "restricts", "-r", "criticizes", "-r", "urges",
               "-r", "cooperatesWith", *args)
    got: dict[str, int] = {}
    for r in rows:
        got[r["iri"]] = got.get(r["iri"], 0) + r["articles"]
    assert rows and all(r["articles"] >= 1 for r in rows)
    unfiltered = run(out, "neighbors", "China", "--direction", "out", "-r", "restricts", "-r", "criticizes",
                     "-r", "urges", "-r", "cooperatesWith")
    assert len(rows) < len(unfiltered)
    # per neighbour, the relations' article counts add up to what SPARQL counts
    # (one article stating two relations counts once in SPARQL, once per relation here)
    assert set(got) == set(expected)
    assert all(got[o] >= expected[o] for o in got)


def test_timeline_since_until_and_outlet(corpus_build):
    out, _ = corpus_build
    rows = run(out, "timeline", "China", "--since", "2023", "--by", "year")
    assert rows and all(r["period"] >= "2023" and r["period"] != "undated" for r in rows)
    rows = run(out, "timeline", "China", "--until", "2022-12", "--by", "year")
    assert all(r["period"] <= "2022" for r in rows)
    everything = run(out, "timeline", "China", "--by", "year")
    epoch = run(out, "timeline", "China", "--by", "year", "--outlet", "大纪元")
    n_epoch = int(sparql(out, """SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {
        ?a schema:mentions actor:china ; schema:publisher actor:epoch-times }""")[0]["n"])
    assert 0 < sum(r["articles"] for r in epoch) == n_epoch < sum(r["articles"] for r in everything)


def test_search_keeps_only_the_outlets_articles(corpus_build):
    out, _ = corpus_build
    every = [h for h in run(out, "search", "美", "-n", "50") if h["type"] == "schema:NewsArticle"]
    hits = run(out, "search", "美", "-n", "50", "--outlet", "The Epoch Times")
    articles = [h["iri"] for h in hits if h["type"] == "schema:NewsArticle"]
    assert articles and len(articles) < len(every)
    for a in articles:
        pubs = sparql(out, f"SELECT ?p WHERE {{ <{a}> schema:publisher ?p }}")
        assert {"https://w3id.org/newskg/id/actor/epoch-times"} == {p["p"] for p in pubs}


def test_min_confidence_leaves_out_weak_assertions_and_discovered_actors(corpus_build):
    out, _ = corpus_build
    discovered = {r["a"] for r in sparql(out, "SELECT ?a WHERE { ?a kg:confidence ?c ; a ?t . "
                                              "FILTER(?t IN (schema:Person, schema:Organization)) }")}
    assert discovered
    everyone = {r["iri"] for r in run(out, "rank", "-n", "0")}
    strong = run(out, "rank", "-n", "0", "--min-confidence", "0.7")
    assert everyone & discovered and not {r["iri"] for r in strong} & discovered
    # with the bar above every assertion, text-stated links are gone; lexicon facts (0 articles) stay
    rows = run(out, "neighbors", "Japan", "--min-confidence", "0.99", "-r", "restricts", "-r", "cooperatesWith")
    assert all(r["articles"] == 0 for r in rows)
    assert run(out, "neighbors", "Japan", "-r", "restricts", "-r", "cooperatesWith")


@pytest.mark.parametrize("args, message", [
    (["rank", "--since", "July"], "give a date as YYYY"),
    (["communities", "--outlet", "Reuterz"], "did you mean 'Reuters'"),
])
def test_filter_errors_are_one_line(corpus_build, args, message):
    out, _ = corpus_build
    r = runner.invoke(app, [*args, "--graph", str(out)])
    assert r.exit_code == 1 and message in r.stderr and len(r.stderr.strip().splitlines()) == 1
