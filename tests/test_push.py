"""kg push and kg sparql --endpoint against a real Virtuoso 7, and the HTTP client's rules.

The Virtuoso tests start a throwaway server on the loopback interface (tests/virtuoso.py).
Where Virtuoso is not installed they skip, saying why; under CI (CI=true, where .ci/run
installs it) a missing Virtuoso fails instead.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.push import BUILD_GRAPH, INDEX_GRAPH, MANIFEST, graphs_of, push
from kg.remote import RemoteError, request, server_message

from conftest import DATA, ROOT, SEEDS
from virtuoso import Virtuoso, missing

QUERIES = sorted((ROOT / "queries").glob("*.rq"))
NO_ENV = {"KG_ENDPOINT_USER": None, "KG_ENDPOINT_PASSWORD": None, "NETRC": None}


# ------------------------------------------------------------------ without a server
def test_graphs_of_a_build_one_per_article_and_the_build_wide_facts(seeds_build):
    out, result = seeds_build
    graphs = dict(graphs_of(out / "graph.nq"))
    articles = {str(q[3]) for q in result.quads.sorted() if q[3]}
    assert set(graphs) == articles | {BUILD_GRAPH}
    lines = sum(body.count(b"\n") for body in graphs.values())
    assert lines == len((out / "graph.nq").read_bytes().splitlines())
    # each body is N-Triples (no graph term): three terms per line
    assert all(line.endswith(b" .") for body in graphs.values() for line in body.splitlines())


def _mock(statuses):
    calls = []

    def handler(req):
        calls.append(req)
        code = statuses[min(len(calls) - 1, len(statuses) - 1)]
        if code == "refuse":
            raise httpx.ConnectError("[Errno 111] Connection refused")
        return httpx.Response(code, text="<html><body><h1>HTTP/1.1 503</h1><xmp>SR008: busy\nnow</xmp></body></html>")

    return httpx.Client(transport=httpx.MockTransport(handler)), calls


def test_transient_errors_are_retried_with_backoff():
    http, calls = _mock([503, 503, 201])
    waits = []
    resp = request(http, "PUT", "http://x/gsp", what="<g>", retries=3, backoff=0.5, sleep=waits.append)
    assert resp.status_code == 201 and len(calls) == 3 and waits == [0.5, 1.0]


def test_a_lasting_error_names_the_graph_and_the_servers_message_on_one_line():
    http, calls = _mock([503])
    with pytest.raises(RemoteError) as exc:
        request(http, "PUT", "http://x/gsp", what="<urn:g>", retries=2, backoff=0.1, sleep=lambda s: None)
    msg = str(exc.value)
    assert "\n" not in msg and msg.startswith("<urn:g>: HTTP 503") and "SR008: busy now" in msg
    assert "(after 3 tries)" in msg and len(calls) == 3
    http, calls = _mock([400])  # not transient: no second try
    with pytest.raises(RemoteError):
        request(http, "PUT", "http://x/gsp", what="<g>", retries=3, sleep=lambda s: None)
    assert len(calls) == 1


def test_server_message_keeps_virtuosos_reason_not_the_query():
    resp = httpx.Response(400, text="Virtuoso 37000 Error SP030: SPARQL compiler, line 0: Bad character\n\n"
                                    "SPARQL query:\nSELECT * WHERE { ?s ?p ?o }")
    assert server_message(resp) == "HTTP 400 Bad Request: Virtuoso 37000 Error SP030: SPARQL compiler, line 0: Bad character"


def test_push_refuses_a_folder_without_a_build(tmp_path):
    res = CliRunner().invoke(app, ["push", "--endpoint", "http://127.0.0.1:9/x", "--graph", str(tmp_path)], env=NO_ENV)
    assert res.exit_code == 1 and res.stderr.count("\n") == 1 and "graph.nq missing" in res.stderr


def test_shipped_queries_have_no_escaped_curies():
    for q in QUERIES:
        assert "\\/" not in q.read_text(encoding="utf-8"), q.name


# ------------------------------------------------------------------ against Virtuoso
@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    why = missing()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"Virtuoso is needed in CI: {why}")
        pytest.skip(why)
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def env(virtuoso):
    return {"KG_ENDPOINT_USER": virtuoso.user, "KG_ENDPOINT_PASSWORD": virtuoso.password, "NETRC": None}


def _run(args, env):
    res = CliRunner().invoke(app, args, env=env)
    return res


def _answers(args, env) -> list[tuple]:
    res = _run(args + ["--format", "json"], env)
    assert res.exit_code == 0, res.stderr or res.output
    data = json.loads(res.stdout)
    rows = []
    for b in data["results"]["bindings"]:
        row = {}
        for k, v in b.items():
            value = v["value"]
            if k == "issuers":  # GROUP_CONCAT: SPARQL leaves the order of the parts open
                value = ", ".join(sorted(value.split(", ")))
            row[k] = value
        rows.append(tuple(sorted(row.items())))
    return sorted(rows)


def _compare_all_queries(folder: Path, virtuoso, env) -> int:
    compared = 0
    for q in QUERIES:
        local = _answers(["sparql", str(q), "--graph", str(folder)], env)
        remote = _answers(["sparql", str(q), "--endpoint", virtuoso.sparql], env)
        assert remote == local, q.name
        compared += len(local)
    # distinct facts: the local store's default graph holds each once, while Virtuoso's merge of
    # the pushed graphs (FROM) repeats a fact several articles state
    count = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    # scoped to the pushed build: Virtuoso's own system graphs (thousands of triples) never count
    assert _answers(["sparql", count, "--endpoint", virtuoso.sparql], env) == \
        _answers(["sparql", count, "--graph", str(folder)], env)
    for q in ("ASK { ?a a schema:NewsArticle }", "ASK { ?a a kg:NoSuchClass }"):
        local = _run(["sparql", q, "--graph", str(folder), "--format", "csv"], env)
        remote = _run(["sparql", q, "--endpoint", virtuoso.sparql, "--format", "csv"], env)
        assert remote.exit_code == 0 and remote.stdout == local.stdout, q
    construct = "CONSTRUCT { ?a kg:sourceFile ?f } WHERE { ?a kg:sourceFile ?f }"
    local = _run(["sparql", construct, "--graph", str(folder), "--format", "csv"], env)
    remote = _run(["sparql", construct, "--endpoint", virtuoso.sparql, "--format", "csv"], env)
    assert remote.exit_code == 0 and local.stdout.count("\n") > 0
    assert sorted(remote.stdout.splitlines()) == sorted(local.stdout.splitlines())
    everything = _answers(["sparql", count, "--endpoint", virtuoso.sparql, "--all-graphs"], env)
    assert int(everything[0][0][1]) > int(_answers(["sparql", count, "--graph", str(folder)], env)[0][0][1])
    return compared


def _report(res) -> dict:
    line = res.stdout.strip().splitlines()[-1]
    words = line.split()
    return {"put": int(words[1]), "graphs": int(words[3]), "deleted": int(words[6].rstrip(",")),
            "unchanged": int(words[7])}


def test_push_the_seeds_and_every_query_answers_as_the_embedded_store(virtuoso, env, tmp_path, seeds_build):
    folder = tmp_path / "seeds"
    shutil.copytree(seeds_build[0], folder, ignore=shutil.ignore_patterns(".store", MANIFEST))
    dry = _run(["push", "--endpoint", virtuoso.gsp, "--graph", str(folder), "--dry-run"], env)
    assert dry.exit_code == 0, dry.stderr
    assert dry.stdout.count("put     <") == 4 and "would put 4 of 4 graphs" in dry.stdout
    assert not (folder / MANIFEST).exists()  # a dry run changes nothing
    res = _run(["push", "--endpoint", virtuoso.gsp, "--graph", str(folder)], env)
    assert res.exit_code == 0, res.stderr
    assert _report(res) == {"put": 4, "graphs": 4, "deleted": 0, "unchanged": 0}
    assert _compare_all_queries(folder, virtuoso, env) > 0
    again = _run(["push", "--endpoint", virtuoso.gsp, "--graph", str(folder)], env)
    assert _report(again) == {"put": 0, "graphs": 4, "deleted": 0, "unchanged": 4}
    # neighbors, show and search read the pushed build as they read the local one
    for args in (["neighbors", "日本", "--evidence"], ["neighbors", "Japan", "--depth", "2", "-r", "restricts"],
                 ["show", "Japan"], ["show", "大纪元"], ["search", "出口管制"], ["search", "chip", "-t", "Policy"],
                 ["neighbors", "Jappan"]):
        local = _run(args + ["--graph", str(folder), "--format", "json"], env)
        remote = _run(args + ["--endpoint", virtuoso.sparql, "--format", "json"], env)
        assert (remote.exit_code, remote.stdout, remote.stderr) == (local.exit_code, local.stdout, local.stderr), args
        assert local.exit_code == 1 or json.loads(local.stdout), args


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """A corpus sample (the test corpus's YAML records and Epoch pages) and its build."""
    d = tmp_path_factory.mktemp("sample")
    shutil.copytree(DATA / "corpus", d / "in")
    kg.build([d / "in"]).write(d / "out")
    return d


def test_push_a_corpus_sample_replaces_the_seeds_and_answers_alike(virtuoso, env, sample, seeds_build):
    res = _run(["push", "--endpoint", virtuoso.gsp, "--graph", str(sample / "out")], env)
    assert res.exit_code == 0, res.stderr
    graphs = dict(graphs_of(sample / "out" / "graph.nq"))
    seeds = dict(graphs_of(seeds_build[0] / "graph.nq"))
    rep = _report(res)
    # the server held the seeds: every graph of the sample goes, the seeds' own are deleted
    assert rep["put"] == len(graphs) and rep["deleted"] == len(set(seeds) - set(graphs))
    assert "do not match this build's last push" in res.stderr
    assert _compare_all_queries(sample / "out", virtuoso, env) > 0


def test_a_second_push_after_one_changed_file_sends_one_graph(virtuoso, env, sample):
    out = sample / "out"
    before = {g: hashlib.sha256(b).hexdigest() for g, b in graphs_of(out / "graph.nq")}
    page = sample / "in" / "yaml" / "tags.md"
    text = page.read_text(encoding="utf-8")
    assert "images/shared/janes.jpg" in text
    page.write_text(text.replace("images/shared/janes.jpg", "images/shared/janes-wide.jpg"), encoding="utf-8")
    kg.build([sample / "in"]).write(out)
    after = {g: hashlib.sha256(b).hexdigest() for g, b in graphs_of(out / "graph.nq")}
    changed = [g for g in after if before.get(g) != after[g]]
    assert len(changed) == 1 and set(before) == set(after)
    dry = _run(["push", "--endpoint", virtuoso.gsp, "--graph", str(out), "--dry-run"], env)
    assert dry.stdout.splitlines()[0] == f"put     <{changed[0]}>" and "would put 1 of" in dry.stdout
    res = _run(["push", "--endpoint", virtuoso.gsp, "--graph", str(out)], env)
    assert res.exit_code == 0, res.stderr
    assert _report(res) == {"put": 1, "graphs": len(after), "deleted": 0, "unchanged": len(after) - 1}
    image = "SELECT ?i WHERE { ?a schema:image ?i FILTER(CONTAINS(STR(?i), 'janes')) }"
    assert _answers(["sparql", image, "--endpoint", virtuoso.sparql], env) == \
        [(("i", "https://www.janes.com/images/shared/janes-wide.jpg"),)]


def test_credentials_from_netrc_and_refusals_named(virtuoso, env, sample, tmp_path):
    out = sample / "out"
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login dba password {virtuoso.password}\n", encoding="utf-8")
    netrc.chmod(0o600)
    res = _run(["push", "--endpoint", virtuoso.gsp, "--graph", str(out), "--all"], {**NO_ENV, "NETRC": str(netrc)})
    assert res.exit_code == 0, res.stderr
    assert _report(res)["put"] == len(dict(graphs_of(out / "graph.nq")))
    # the anonymous Graph Store endpoint may read but not write: the first graph is named
    anon = virtuoso.base + "/sparql-graph-crud"
    res = _run(["push", "--endpoint", anon, "--graph", str(out), "--all", "--retries", "0"], NO_ENV)
    assert res.exit_code == 1 and res.stderr.count("\n") == 1
    first = next(iter(graphs_of(out / "graph.nq")))[0]  # the build-wide facts come first
    assert f"<{first}>: HTTP 403" in res.stderr and "Permission denied" in res.stderr
    # a query error shows the server's own message
    res = _run(["sparql", "SELECT * WHERE { ?s ?p ?o FILTER(", "--endpoint", virtuoso.sparql], env)
    assert res.exit_code == 1 and res.stderr.count("\n") == 1 and "HTTP 400" in res.stderr and "SP030" in res.stderr


def test_with_the_server_stopped_one_line_error_and_exit_1(virtuoso, env, sample):
    virtuoso.stop()
    res = _run(["push", "--endpoint", virtuoso.gsp, "--graph", str(sample / "out"), "--retries", "1"], env)
    assert res.exit_code == 1 and res.stderr.count("\n") == 1
    assert res.stderr.startswith(f"kg: error: push to {virtuoso.gsp}: <{INDEX_GRAPH}>: ")
    assert "refused" in res.stderr.lower() and "(after 2 tries)" in res.stderr
    res = _run(["sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--endpoint", virtuoso.sparql], env)
    assert res.exit_code == 1 and res.stderr.count("\n") == 1 and "refused" in res.stderr.lower()


# ------------------------------------------------------------------ a push's bookkeeping, on a fake store
class FakeStore:
    """A Graph Store in memory: PUT, GET, DELETE by ?graph=; PUTs numbered in ``fail_at`` fail."""

    def __init__(self):
        self.graphs: dict[str, bytes] = {}
        self.puts: list[str] = []
        self.fail_at: set[int] = set()

    def handler(self, req: httpx.Request) -> httpx.Response:
        g = req.url.params["graph"]
        if req.method == "GET":
            return httpx.Response(200, content=self.graphs[g], headers={"content-type": "text/turtle"}) \
                if g in self.graphs else httpx.Response(404)
        if req.method == "DELETE":
            return httpx.Response(204 if self.graphs.pop(g, None) is not None else 404)
        self.puts.append(g)
        if len(self.puts) in self.fail_at:
            return httpx.Response(400, text="bad graph")
        self.graphs[g] = req.content
        return httpx.Response(201)


@pytest.fixture
def fake(monkeypatch):
    store = FakeStore()
    monkeypatch.setattr("kg.push.client", lambda url, timeout: httpx.Client(transport=httpx.MockTransport(store.handler)))
    return store


def test_a_failed_push_keeps_what_arrived_and_the_next_sends_the_rest(fake, tmp_path, seeds_build):
    folder = tmp_path / "b"
    shutil.copytree(seeds_build[0], folder, ignore=shutil.ignore_patterns(".store", MANIFEST))
    graphs = [g for g, _ in graphs_of(folder / "graph.nq")]
    fake.fail_at = {3}
    with pytest.raises(Exception, match=r"<.*>: HTTP 400 Bad Request: bad graph"):
        push(folder, "http://fake/gsp", retries=0)
    assert INDEX_GRAPH not in fake.graphs and set(fake.graphs) == set(graphs[:2])
    fake.puts.clear()
    fake.fail_at = set()
    report = push(folder, "http://fake/gsp")
    assert fake.puts == graphs[2:] + [INDEX_GRAPH] and report.unchanged == 2 and not report.resent_all
    # the server's copy is what the build says, graph for graph
    assert {g: fake.graphs[g] for g in graphs} == dict(graphs_of(folder / "graph.nq"))
    # a wiped server is noticed through its index: every graph again
    fake.graphs.clear()
    fake.puts.clear()
    report = push(folder, "http://fake/gsp")
    assert report.resent_all and fake.puts == graphs + [INDEX_GRAPH]


def test_graphs_of_removed_articles_are_deleted(fake, tmp_path, seeds_build):
    folder = tmp_path / "b"
    shutil.copytree(seeds_build[0], folder, ignore=shutil.ignore_patterns(".store", MANIFEST))
    push(folder, "http://fake/gsp")
    before = set(fake.graphs)
    kg.build([sorted(SEEDS.iterdir())[0]]).write(folder)  # now a build of one seed
    now = {g for g, _ in graphs_of(folder / "graph.nq")}
    report = push(folder, "http://fake/gsp", dry_run=True)
    assert set(report.deleted) == before - now - {INDEX_GRAPH} and report.deleted
    assert set(fake.graphs) == before  # a dry run sends nothing
    push(folder, "http://fake/gsp")
    assert set(fake.graphs) == now | {INDEX_GRAPH}
