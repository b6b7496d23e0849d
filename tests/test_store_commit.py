"""The exports and the query store are switched in together; a damaged, stale or missing
store is made again under a lock while other readers wait; killed builds, concurrent builds
and a full disk leave the old pair or the new one (issue 14)."""
from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.query.store import STORE_DIR, current_store

FILES = ["graph.ttl", "graph.nq", "graph.jsonld", "graph.graphml", "actors.graphml", "report.json"]
ARTICLE = ('---\ntitle: "{title}"\noriginalUrl: "https://ex.org/{slug}"\n---\n'
           "{body}\n")
BODIES = ["The United States restricts chip exports to China.",
          "Japan joined the US export controls on chip equipment against China.",
          "The Netherlands restricts sales of lithography machines to China.",
          "Germany and France cooperate on semiconductor research."]


def _inputs(folder: Path, n: int, tag: str) -> Path:
    folder.mkdir(parents=True)
    for i in range(n):
        body = BODIES[i % len(BODIES)]
        (folder / f"{tag}{i}.md").write_text(ARTICLE.format(title=f"{tag} article {i}", slug=f"{tag}{i}",
                                                            body=body), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """Inputs A and B and their exports (built once, copied by each test)."""
    root = tmp_path_factory.mktemp("commit")
    a, b = _inputs(root / "in-a", 3, "a"), _inputs(root / "in-b", 4, "b")
    kg.build([a]).write(root / "ref-a")
    kg.build([b]).write(root / "ref-b")
    return {"a": a, "b": b, "ref-a": _snapshot(root / "ref-a"), "ref-b": _snapshot(root / "ref-b"), "root": root}


def _snapshot(out: Path) -> dict:
    return {n: (out / n).read_bytes() for n in FILES}


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


def _store_quads(out: Path) -> set:
    gen = current_store(out)
    assert gen is not None, "no current store for these exports"
    store = ox.Store.read_only(str(gen / "oxigraph"))
    quads = {str(q) for q in store.quads_for_pattern(None, None, None, None)
             if not isinstance(q.graph_name, ox.DefaultGraph)}
    del store
    return quads


def _nq_quads(out: Path) -> set:
    """graph.nq's article graphs as Oxigraph holds them (it keeps numbers in canonical form)."""
    store = ox.Store()
    store.bulk_load(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    return {str(q) for q in store.quads_for_pattern(None, None, None, None)
            if not isinstance(q.graph_name, ox.DefaultGraph)}


def _consistent(out: Path, refs: list[dict]) -> dict:
    """The exports are one whole build of ``refs`` and the store holds that graph.nq."""
    snap = _snapshot(out)
    assert snap in refs, "the exports mix two builds"
    assert _store_quads(out) == _nq_quads(out)
    return snap


def _debris(out: Path) -> list[str]:
    left = [p.name for p in out.iterdir() if p.name.endswith(".tmp") or p.name.startswith("..store")]
    left += [f"{STORE_DIR}/{p.name}" for p in (out / STORE_DIR).iterdir()
             if p.name.startswith("tmp-") or p.name in ("COMMIT",) or p.name.endswith(".tmp")]
    return left


def _kg(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=300, **kw)


# ----------------------------------------------------------------- damaged and stale stores
def test_a_corrupt_names_index_is_detected_and_made_again(two_builds, tmp_path):
    out = _copy(two_builds["root"] / "ref-a", tmp_path / "out")
    gen = current_store(out)
    (gen / "names.sqlite").write_bytes(b"this is no database" * 100)
    assert current_store(out) is None  # seen as damaged before anything opens it
    store = kg.open_store(out)
    assert store.names.execute("SELECT count(*) FROM nodes").fetchone()[0] > 0
    r = _kg("search", "Japan", "--graph", str(out), "--format", "json")
    assert r.returncode == 0, r.stderr
    assert current_store(out) not in (None, gen)


@pytest.mark.parametrize("damage", ["truncate-sst", "garbage-manifest", "delete-current"])
def test_a_damaged_oxigraph_store_is_detected_and_made_again(two_builds, tmp_path, damage):
    out = _copy(two_builds["root"] / "ref-a", tmp_path / "out")
    db = current_store(out) / "oxigraph"
    if damage == "truncate-sst":
        sst = max(db.glob("*.sst"), key=lambda p: p.stat().st_size)
        with open(sst, "r+b") as fh:
            fh.truncate(sst.stat().st_size // 2)
    elif damage == "garbage-manifest":
        next(db.glob("MANIFEST-*")).write_bytes(b"\x00garbage" * 50)
    else:
        (db / "CURRENT").unlink()
    r = _kg("sparql", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "--graph", str(out), "-f", "csv")
    assert r.returncode == 0, r.stderr
    assert int(r.stdout.split()[-1]) == len(_nq_quads(out))
    _consistent(out, [two_builds["ref-a"]])


def test_a_stale_store_is_made_again_from_the_new_graph(two_builds, tmp_path):
    out = _copy(two_builds["root"] / "ref-a", tmp_path / "out")
    with open(out / "graph.nq", "a", encoding="utf-8") as fh:
        fh.write("<https://ex.org/added> <https://ex.org/p> <https://ex.org/o> <https://ex.org/g> .\n")
    assert current_store(out) is None
    store = kg.open_store(out)
    assert store.query("ASK { GRAPH ?g { <https://ex.org/added> ?p ?o } }")
    assert _store_quads(out) == _nq_quads(out)


def test_concurrent_queries_while_the_store_is_made_again_all_answer(two_builds, tmp_path):
    """Processes querying a build whose store must be made again: one makes it under the
    lock, the others wait and then read it; none fails."""
    for case in ("stale", "corrupt"):
        out = _copy(two_builds["root"] / "ref-b", tmp_path / case)
        if case == "stale":
            os.utime(out / "graph.nq", ns=(1, 1))  # same bytes, another time: the stamp no longer matches
        else:
            (current_store(out) / "names.sqlite").write_bytes(b"\x00" * 4096)
        query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        procs = [subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", "sparql", query,
                                   "--graph", str(out), "-f", "csv"], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(8)]
        results = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in procs]
        for p in procs:
            p.stdout.close()
            p.stderr.close()
        assert [rc for rc, _, _ in results] == [0] * 8, [err for _, _, err in results]
        assert {tuple(out_.split()) for _, out_, _ in results} == {("n", str(len(_nq_quads(out))))}
        _consistent(out, [two_builds["ref-b"]])
        gens = [p.name for p in (out / STORE_DIR).iterdir() if p.name.startswith("gen-")]
        assert len(gens) == 1, gens  # made once, the damaged one removed


# ----------------------------------------------------------------- builds: concurrent, killed, full disk
_CHILD = textwrap.dedent("""
    import os, signal, sys
    import kg
    from kg.exporters import graphml
    from kg.query import store as st

    out, src, point = sys.argv[1:4]
    die = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
    if point == "exporting":
        graphml.write_elements = die
    elif point == "loading":
        st.StoreLoader.finish = die
    elif point == "before-commit":
        st.commit = die
    elif point == "moving":
        replace = os.replace
        def moving(a, b):
            if str(b).endswith("graph.jsonld"):  # graph.ttl and graph.nq are new already
                die()
            replace(a, b)
        os.replace = moving
    elif point == "current":
        write_json = st._write_json
        st._write_json = lambda path, data: die() if path.name == "CURRENT" else write_json(path, data)
    kg.build([src]).write(out)
""")


@pytest.mark.parametrize("point,expect", [("exporting", "a"), ("loading", "a"), ("before-commit", "a"),
                                          ("moving", "b"), ("current", "b")])
def test_kill_9_during_a_build_leaves_old_or_new_exports_with_their_store(two_builds, tmp_path, point, expect):
    out = _copy(two_builds["root"] / "ref-a", tmp_path / "out")
    child = subprocess.run([sys.executable, "-c", _CHILD, str(out), str(two_builds["b"]), point],
                           capture_output=True, text=True, timeout=300)
    assert child.returncode == -signal.SIGKILL, child.stderr
    if expect == "a":  # killed before the commit point: nothing changed
        assert _snapshot(out) == two_builds["ref-a"]
    kg.open_store(out)  # the next command finishes a commit cut short
    assert _consistent(out, [two_builds["ref-a"], two_builds["ref-b"]]) == two_builds[f"ref-{expect}"]
    kg.build([two_builds["a"]]).write(out)  # and the next build removes the debris
    assert _debris(out) == []
    _consistent(out, [two_builds["ref-a"]])


def test_two_concurrent_builds_into_one_folder_leave_one_whole_build(two_builds, tmp_path):
    out = _copy(two_builds["root"] / "ref-a", tmp_path / "out")
    code = "import sys, kg; kg.build([sys.argv[1]]).write(sys.argv[2])"
    for _ in range(2):
        procs = [subprocess.Popen([sys.executable, "-c", code, str(two_builds[k]), str(out)], stderr=subprocess.PIPE,
                                  text=True) for k in ("a", "b")]
        errors = [p.communicate(timeout=300)[1] for p in procs]
        assert [p.returncode for p in procs] == [0, 0], errors
        _consistent(out, [two_builds["ref-a"], two_builds["ref-b"]])
        assert _debris(out) == []


def test_a_full_disk_leaves_the_old_exports_and_store(two_builds, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from kg.cli import app
    from kg.exporters import jsonld

    out = _copy(two_builds["root"] / "ref-a", tmp_path / "out")
    gen = current_store(out)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(jsonld, "node_text", full)
    with pytest.raises(OSError):
        kg.build([two_builds["b"]]).write(out)
    res = CliRunner().invoke(app, ["build", str(two_builds["b"]), "--out", str(out), "-q"])
    assert res.exit_code == 1 and "No space left on device" in res.output
    assert _snapshot(out) == two_builds["ref-a"] and current_store(out) == gen
    assert _debris(out) == []
    _consistent(out, [two_builds["ref-a"]])


def test_store_debris_of_killed_builds_and_unused_generations_are_removed(two_builds, tmp_path):
    out = _copy(two_builds["root"] / "ref-a", tmp_path / "out")
    dead = 2 ** 22 + 12345  # above the usual pid_max: no such process
    (out / STORE_DIR / f"tmp-{dead}-abcd1234").mkdir()
    (out / STORE_DIR / f"tmp-{os.getpid()}-abcd1234").mkdir()  # a live build's: kept
    old = current_store(out)
    held = kg.open_store(out)  # a reader holds the generation it opened
    kg.build([two_builds["b"]]).write(out)
    assert old.is_dir() and held.query("ASK { ?s ?p ?o }")  # still readable by whoever opened it
    del held
    import gc
    gc.collect()
    kg.build([two_builds["b"]]).write(out)
    names = sorted(p.name for p in (out / STORE_DIR).iterdir())
    assert f"tmp-{dead}-abcd1234" not in names and f"tmp-{os.getpid()}-abcd1234" in names
    assert not old.exists() and [n for n in names if n.startswith("gen-")] == [current_store(out).name]
