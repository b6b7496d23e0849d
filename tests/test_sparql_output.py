"""`kg sparql` streams its results: --limit holds in every output format (with a note on
stderr when rows were left out), and --timeout / --max-memory stop a runaway query with a
clear message (issue 14)."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.query import sparql as sparql_mod

CROSS = "SELECT ?a ?b WHERE { ?a a schema:NewsArticle . ?b a ?t }"
NOTE = "showing the first 5 rows"


def _rows(fmt: str, text: str) -> int:
    if fmt == "json":
        return len(json.loads(text)["results"]["bindings"])
    if fmt == "xml":
        return text.count("<result>")
    if fmt == "table":
        return len(text.splitlines()) - 2  # header and rule
    return len(text.splitlines()) - 1  # csv, tsv and plain rows: a header line


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "xml", "table", None])
def test_limit_holds_in_every_format_and_says_so(seeds_build, fmt):
    out, _ = seeds_build
    args = ["sparql", CROSS, "--graph", str(out), "--limit", "5"] + (["--format", fmt] if fmt else [])
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert _rows(fmt or "plain", res.stdout) == 5
    assert NOTE in res.stderr and NOTE not in res.stdout
    whole = CliRunner().invoke(app, ["sparql", CROSS, "--graph", str(out), "--limit", "0"]
                               + (["--format", fmt] if fmt else []))
    assert _rows(fmt or "plain", whole.stdout) > 5 and NOTE not in whole.stderr


def test_limit_holds_for_construct_and_describe(seeds_build):
    out, _ = seeds_build
    for query in ("CONSTRUCT { ?a ?p ?o } WHERE { ?a ?p ?o }", "DESCRIBE ?a WHERE { ?a a schema:NewsArticle }"):
        res = CliRunner().invoke(app, ["sparql", query, "--graph", str(out), "--format", "json", "--limit", "5"])
        assert res.exit_code == 0, res.output
        assert len(res.stdout.splitlines()) == 5 and NOTE in res.stderr


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "xml"])
def test_streamed_results_are_the_bytes_oxigraph_writes(seeds_build, monkeypatch, fmt):
    """Written a few solutions at a time, a result is byte for byte the whole result as
    Oxigraph serializes it (language tags in BCP 47 case, numbers, every kind of term)."""
    out, _ = seeds_build
    store = kg.open_store(out)
    query = ("SELECT ?s ?l ?n ?none WHERE { ?s skos:prefLabel ?l . OPTIONAL { ?s kg:confidence ?n } } "
             "ORDER BY ?s ?l")
    whole = sparql_mod.serialize_results(store.query(query), fmt)
    monkeypatch.setattr(sparql_mod, "_BATCH", 7)
    buf = io.BytesIO()
    assert sparql_mod.write_results(store.query(query), fmt, buf) is False
    assert buf.getvalue() == whole
    assert fmt == "csv" or b"zh-Hans" in whole  # CSV writes no language tags
    empty = "SELECT ?s WHERE { ?s a kg:NoSuchClass }"
    buf = io.BytesIO()
    sparql_mod.write_results(store.query(empty), fmt, buf)
    assert buf.getvalue() == sparql_mod.serialize_results(store.query(empty), fmt)


def _kg(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    start = time.monotonic()
    res = subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", *args],
                         capture_output=True, text=True, timeout=300)
    return res, time.monotonic() - start


def test_a_runaway_cross_product_is_stopped_by_the_timeout(seeds_build):
    out, _ = seeds_build
    res, secs = _kg("sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?o . ?b ?q ?r . ?c ?s ?t }",
                    "--graph", str(out), "--timeout", "2")
    assert res.returncode == 1 and "ran longer than 2s and was stopped" in res.stderr
    assert secs < 60


def test_a_query_that_holds_too_much_memory_is_stopped(seeds_build):
    out, _ = seeds_build
    res, _ = _kg("sparql", "SELECT ?a ?b ?c WHERE { ?a ?p ?o . ?b ?q ?r . ?c ?s ?t } ORDER BY ?a ?b ?c",
                 "--graph", str(out), "--max-memory", "300MB", "--timeout", "120")
    assert res.returncode == 1 and "held more than 300 MB of memory" in res.stderr


def test_a_streamed_cross_product_stops_at_the_default_limit(seeds_build):
    """Without LIMIT, a cross product of the graph streams its first 10,000 rows and stops."""
    out, _ = seeds_build
    res, secs = _kg("sparql", "SELECT ?a ?b WHERE { ?a ?p ?o . ?b ?q ?r }", "--graph", str(out), "--format", "csv")
    assert res.returncode == 0 and len(res.stdout.splitlines()) == 10_001
    assert "showing the first 10000 rows" in res.stderr and secs < 60
