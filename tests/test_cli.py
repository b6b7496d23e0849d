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
