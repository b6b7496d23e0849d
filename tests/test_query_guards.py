"""Issue 14: the SPARQL network guard reads the parsed query, and runaway queries stop."""
from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.query.store import QueryError, check_network, uses_network


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { FILTER(1 < 2) SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT ?endpoint { ?s ?p ?o } }",
    "select * where { ?x ?y ?z OPTIONAL { service <http://ex.org/q> { ?x ?p ?o } } }",
    "LOAD <http://ex.org/data.ttl>",
    "SELECT * WHERE { ?s ?p ?o FILTER(1 < 2) SERVICE <http://x/> { ?s ?p ?o } ",  # unparsable: tokens
])
def test_network_reaching_queries_are_refused(query):
    assert uses_network(query)
    with pytest.raises(QueryError, match="--allow-network"):
        check_network(query, False)
    check_network(query, True)


@pytest.mark.parametrize("query", [
    "SELECT ?h WHERE { ?a schema:headline ?h FILTER(CONTAINS(LCASE(?h), 'service')) }",
    'SELECT * WHERE { ?s ?p "LOAD SERVICE" }',
    "SELECT * WHERE { ?s <https://ex.org/SERVICE> ?o } # SERVICE in a comment",
])
def test_the_word_service_in_strings_iris_and_comments_is_no_call(query):
    assert not uses_network(query)


def test_cli_refuses_the_filter_evasion(seeds_build):
    out, _ = seeds_build
    res = CliRunner().invoke(app, ["sparql", "SELECT * WHERE { FILTER(1 < 2) SERVICE <http://127.0.0.1:9/sparql> "
                                   "{ ?s ?p ?o } }", "--graph", str(out)])
    assert res.exit_code == 1 and "--allow-network" in res.output


def test_limit_cuts_rows_with_a_note(seeds_build):
    out, _ = seeds_build
    res = CliRunner().invoke(app, ["sparql", "SELECT ?s WHERE { ?s ?p ?o }", "--graph", str(out), "-n", "3"])
    assert res.exit_code == 0
    rows = [line for line in res.output.splitlines() if line and not line.startswith("kg:")]
    assert len(rows) == 4  # the header and three rows (piped: tab-separated)
    assert "showing the first 3 rows" in res.output
    res = CliRunner().invoke(app, ["sparql", "SELECT ?s WHERE { ?s ?p ?o }", "--graph", str(out), "-n", "0"])
    assert len(res.output.splitlines()) > 1000 and "showing" not in res.output


def test_a_runaway_query_stops_with_a_clear_message(seeds_build):
    out, _ = seeds_build
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    done = subprocess.run([sys.executable, "-m", "kg.cli", "sparql", query, "--graph", str(out), "--timeout", "1"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "ran longer than 1s" in done.stderr
