"""Parallel, Dask and incremental builds give the same exports, byte for byte, as a plain
single-process build of the same input: on the seeds, on a sample of the corpus (both
formats, with its cross-category duplicates) and with a file whose extraction fails."""
from __future__ import annotations

import functools
import os
import re
import shutil
from pathlib import Path

import pytest

import kg
from kg import extract, pipeline
from kg.cache import CACHE_NAME

from conftest import SEEDS, SHARED

CORPUS = SHARED / "corpus"
EXPORTS = ["graph.ttl", "graph.nq", "graph.jsonld", "graph.graphml", "actors.graphml", "report.json"]
# the corpus's duplicate files (one article, two categories or two dates): always in the sample
DUPLICATES = ["epoch_markdown/ncid1078158/n14100024.md", "epoch_markdown/ncid283/n14100024.md",
              "epoch_markdown/ncid283/n14097237.md", "epoch_markdown/nf1412576/n14097237.md"]


def exports(result, out: Path) -> dict[str, bytes]:
    result.write(out)
    return {name: (out / name).read_bytes() for name in EXPORTS}


def same(a: dict, b: dict) -> None:
    for name in EXPORTS + ["store"]:
        if name in a and name in b:
            assert a[name] == b[name], f"{name} differs"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """60 corpus files of both formats (every 9th, sorted) plus its duplicate pairs."""
    if not CORPUS.is_dir():
        pytest.fail(f"{CORPUS} is missing (the shared corpus beside the checkout)")
    d = tmp_path_factory.mktemp("sample")
    files = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*.md"))
    chosen = sorted(set(files[::9]) | set(DUPLICATES))
    assert {"epoch_markdown", "yaml_frontmatter"} <= {f.split("/")[0] for f in chosen}
    for rel in chosen:
        (d / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / rel, d / rel)
    return d


@pytest.fixture(scope="module")
def plain(sample, tmp_path_factory):
    """The single-process builds of the seeds and of the sample."""
    base = tmp_path_factory.mktemp("plain")
    return {"seeds": exports(kg.build([SEEDS]), base / "seeds"),
            "sample": exports(kg.build([sample]), base / "sample")}


@pytest.fixture
def pool(monkeypatch):
    monkeypatch.setattr(pipeline, "POOL_MIN_FILES", 0)  # a pool even for the three seeds


def test_two_workers_give_the_same_exports(sample, plain, pool, tmp_path):
    seeds = kg.build([SEEDS], workers=2)
    assert seeds.stats["workers"] == 2
    same(exports(seeds, tmp_path / "seeds"), plain["seeds"])
    result = kg.build([sample], workers=2)
    assert len(result.report["duplicates"]) == 2  # the cross-category copies collapse
    same(exports(result, tmp_path / "sample"), plain["sample"])


def test_keep_documents_returns_the_extracted_documents(pool):
    one = kg.build([SEEDS], keep_documents=True)
    two = kg.build([SEEDS], keep_documents=True, workers=2)
    assert [d.source_file for d in two.documents] == [d.source_file for d in one.documents]
    assert [len(d.mentions) for d in two.documents] == [len(d.mentions) for d in one.documents] != [0, 0, 0]


def test_a_file_whose_extraction_fails_is_skipped_the_same_way(sample, pool, monkeypatch, tmp_path):
    victim = "epoch_markdown/ncid283/n14097237.md"  # one of a duplicate pair: its twin still counts
    real = extract.EXTRACTORS["relations"]

    def boom(ctx, doc, node):
        real.func(ctx, doc, node)  # writes first, then fails: what it wrote must be taken back
        if doc.source_file == victim:
            raise RuntimeError("extractor bug")

    monkeypatch.setitem(extract.EXTRACTORS, "relations", extract.Extractor("relations", boom, real.produces))
    one = kg.build([sample])
    two = kg.build([sample], workers=2)
    assert {"file": victim, "reason": "while extracting: RuntimeError: extractor bug"} in one.report["skipped"]
    assert victim not in [f["file"] for f in one.report["files"]]
    same(exports(two, tmp_path / "two"), exports(one, tmp_path / "one"))


def test_dask_cluster_gives_the_same_exports(sample, plain, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        seeds = kg.build([SEEDS], cluster=client)
        result = kg.build([sample], cluster=client)
        # the work ran on both worker processes
        assert len(client.scheduler_info()["workers"]) == 2
    same(exports(seeds, tmp_path / "seeds"), plain["seeds"])
    same(exports(result, tmp_path / "sample"), plain["sample"])


def test_an_unreachable_scheduler_is_a_clean_error():
    dask = pytest.importorskip("dask")
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        with pytest.raises(pipeline.BuildError, match="cannot reach the Dask scheduler tcp://127.0.0.1:9"):
            kg.build([SEEDS], cluster="tcp://127.0.0.1:9")


# ---------------------------------------------------------------------- incremental builds
def _incremental(inputs, out: Path, **kw):
    result = kg.build(inputs, cache=out, exclude=[out], **kw)
    got = exports(result, out)
    got["store"] = store_dump(out)
    return result, got


incremental = _incremental


def clean(inputs, tmp: Path):
    got = exports(kg.build(inputs), tmp)
    got["store"] = store_dump(tmp)
    return got


def store_dump(out: Path) -> dict:
    """What the query store of ``out`` holds: every quad (the default graph too), the named
    graphs, a query's answer, and every row of the names index."""
    from kg.query.store import open_store

    store = open_store(out)
    try:
        names = store.names
        return {"quads": sorted(str(q) for q in store.quads()),
                "graphs": sorted(str(g) for g in store.store.named_graphs()),
                "count": [str(r) for r in store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")],
                "names": {t: sorted(names.execute(f"SELECT * FROM {t}").fetchall()) for t in ("names", "nodes", "links")}}
    finally:
        del store


def small_copy(sample: Path, work: Path) -> None:
    """A third of the sample, with its duplicate pairs (for the builds that are made many times)."""
    files = sorted(p.relative_to(sample).as_posix() for p in sample.rglob("*.md"))
    for rel in sorted(set(files[::3]) | set(DUPLICATES)):
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(sample / rel, work / rel)


def test_a_rebuild_reuses_unchanged_files_and_equals_a_clean_build(sample, plain, tmp_path):
    work = tmp_path / "in"
    small_copy(sample, work)
    out = tmp_path / "out"
    first, got = incremental([work], out)
    assert first.stats["cached_files"] == 0
    same(got, clean([work], tmp_path / "c0"))
    assert (out / CACHE_NAME).is_file()

    again, got = incremental([work], out)  # nothing changed: every file from the cache
    assert again.stats["cached_files"] == again.report["files_read"]
    # and the exports and store are made from the previous ones: nothing written anew
    assert again.stats["written"]["incremental"]
    assert again.stats["written"]["quad_blocks"] == again.stats["written"]["subjects"] == 0
    same(got, clean([work], tmp_path / "c0"))

    files = sorted(p for p in work.rglob("*.md") if "ncid" in str(p))
    changed = files[5]
    text = changed.read_text("utf-8")
    changed.write_text(re.sub("。\n", "。美国商务部宣布限制华为的芯片出口。\n", text, count=1), "utf-8")
    assert changed.read_text("utf-8") != text
    result, got = incremental([work], out)
    assert 0 < result.stats["cached_files"] < result.report["files_read"]
    written = result.stats["written"]
    assert written["incremental"] and written["quad_blocks"] > 0 and written["subjects"] > 0
    assert written["copied_bytes"] > 0
    same(got, clean([work], tmp_path / "c1"))

    new = work / "epoch_markdown" / "new" / "n1.md"  # a new file: a copy of one article under another id
    new.parent.mkdir()
    shutil.copy(CORPUS / "epoch_markdown/ncid277" / sorted(p.name for p in (CORPUS / "epoch_markdown/ncid277").iterdir())[0],
                new)
    result, got = incremental([work], out)
    same(got, clean([work], tmp_path / "c2"))

    files[9].unlink()  # a removed file
    result, got = incremental([work], out)
    assert files[9].relative_to(work).as_posix() not in [f["file"] for f in result.report["files"]]
    assert result.stats["written"]["incremental"]
    same(got, clean([work], tmp_path / "c3"))

    rebuilt, got = incremental([work], out, rebuild=True)  # --rebuild: the cache is not read
    assert rebuilt.stats["cached_files"] == 0 and rebuilt.stats["cache"]["hits"] == {"read": 0, "extract": 0, "learned": 0}
    assert not rebuilt.stats["written"]["incremental"]  # nor the previous exports
    same(got, clean([work], tmp_path / "c4"))


@pytest.mark.parametrize("workers", [1, 2])
def test_a_rebuild_takes_the_sorted_runs_of_unchanged_chunks_whole(sample, tmp_path, monkeypatch, workers):
    """The graph's sorted runs are kept per chunk of articles: a rebuild takes those of
    unchanged chunks whole (neither reading their facts nor replaying them) and still
    equals a clean build, after a change, a new file, a removed file and a changed date;
    with two workers too (their extraction goes on across chunks while one is replayed)."""
    monkeypatch.setattr(pipeline, "CHUNK_GROUPS", 3)
    monkeypatch.setattr(pipeline, "POOL_MIN_FILES", 0)
    incremental = functools.partial(_incremental, workers=workers)
    work = tmp_path / "in"
    small_copy(sample, work)
    out = tmp_path / "out"
    first, got = incremental([work], out)
    assert first.stats["runs"]["reused"] == 0 and first.stats["runs"]["made"] > 3
    same(got, clean([work], tmp_path / "c0"))

    again, got = incremental([work], out)
    assert again.stats["runs"] == {"reused": first.stats["runs"]["made"], "made": 0}
    assert again.stats["written"]["quad_blocks"] == again.stats["written"]["subjects"] == 0
    same(got, clean([work], tmp_path / "c0"))

    files = sorted(work.rglob("*.md"))
    changed = [p for p in files if "ncid" in str(p)][5]
    text = changed.read_text("utf-8")
    changed.write_text(re.sub("。\n", "。美国商务部宣布限制华为的芯片出口。\n", text, count=1), "utf-8")
    result, got = incremental([work], out)
    assert result.stats["runs"]["reused"] > 0 and result.stats["runs"]["made"] >= 1
    same(got, clean([work], tmp_path / "c1"))

    shutil.copy(files[2], work / "copy-of-one.md")  # a new file (a duplicate of an article)
    files[7].unlink()  # and a removed one
    result, got = incremental([work], out)
    same(got, clean([work], tmp_path / "c2"))

    stamp = re.compile(r"【大纪元\d{4}年\d{1,2}月\d{1,2}日讯】")
    dated = next(p for p in files[10:] if p.exists() and stamp.search(p.read_text("utf-8")))
    dated.write_text(stamp.sub("【大纪元2001年2月3日讯】", dated.read_text("utf-8"), count=1), "utf-8")
    result, got = incremental([work], out)
    same(got, clean([work], tmp_path / "c3"))

    for run in (out / ".kg-runs").glob("*.q"):  # a run gone missing is made again
        run.unlink()
        break
    result, got = incremental([work], out)
    assert result.stats["runs"]["made"] == 1
    same(got, clean([work], tmp_path / "c3"))


def test_a_date_set_by_one_chunk_redoes_the_chunks_that_read_it(tmp_path, monkeypatch):
    """The first date given to a linked article that is no input is the first file's: when it
    changes, a later article whose link gives another date (a conflict, or no longer one) is
    replayed, not taken from its kept run."""
    monkeypatch.setattr(pipeline, "CHUNK_GROUPS", 1)  # every article a chunk of its own
    work, out = tmp_path / "in", tmp_path / "out"
    work.mkdir()

    def page(name: str, title: str, when: str) -> None:
        (work / name).write_text(f"---\ntitle: {title}\nurl: https://example.com/{name}\ndate: 2024-03-01\n"
                                 f"related:\n  - title: Chip curbs widen\n    url: https://other.example/c\n"
                                 f"    date: {when}\n---\nThe US restricts exports of chips to China.\n", "utf-8")

    page("a.md", "First", "2024-01-01")
    page("b.md", "Second", "2024-01-02")
    page("c.md", "Third", "2024-01-03")
    first, got = incremental([work], out)
    assert any("datePublished conflict" in w["warning"] for w in first.report["warnings"])
    same(got, clean([work], tmp_path / "c0"))
    page("a.md", "First", "2024-01-02")  # now b's link agrees with the first date, c's does not
    result, got = incremental([work], out)
    assert result.stats["runs"]["made"] == 3
    same(got, clean([work], tmp_path / "c1"))
    page("a.md", "First", "2024-01-02")
    (work / "a.md").write_text((work / "a.md").read_text("utf-8") + "More.\n", "utf-8")  # the same dates
    result, got = incremental([work], out)
    assert result.stats["runs"] == {"reused": 2, "made": 1}
    same(got, clean([work], tmp_path / "c2"))


def test_an_unchanged_file_is_known_by_its_stat_and_a_changed_one_by_its_content(tmp_path, monkeypatch):
    """A rebuild does not read a file whose stat (size, times, inode) is what it was; a file
    rewritten to the same size with its modification time put back is read again."""
    from kg import cache

    monkeypatch.setattr(cache, "_RACY_NS", 0)  # files made just now count as settled
    work, out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(SEEDS, work)
    incremental([work], out)
    read = []
    real = pipeline.read_bytes
    monkeypatch.setattr(pipeline, "read_bytes", lambda path, *a: read.append(path) or real(path, *a))
    again, _ = incremental([work], out)
    assert read == [] and again.stats["cached_files"] == again.report["files_read"]

    victim = sorted(p for p in work.rglob("*") if p.is_file())[0]
    st = victim.stat()
    data = victim.read_bytes()
    i = len(data) // 2
    victim.write_bytes(data[:i] + (b"X" if data[i:i + 1] != b"X" else b"Y") + data[i + 1:])
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert victim.stat().st_size == st.st_size and victim.stat().st_mtime_ns == st.st_mtime_ns
    result, got = incremental([work], out)
    assert victim in read and result.stats["cached_files"] < result.report["files_read"]
    same(got, clean([work], tmp_path / "clean"))


def test_the_cache_keeps_only_what_the_last_build_used(tmp_path, monkeypatch):
    """A removed file's entries and an edited file's old ones leave the cache at the end of
    the build; every entry of an unchanged file stays."""
    import sqlite3

    from kg import cache

    monkeypatch.setattr(cache, "_RACY_NS", 0)  # files made just now count as settled
    work, out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(SEEDS, work)
    incremental([work], out)

    def held():
        db = sqlite3.connect(out / CACHE_NAME)
        try:
            return (set(db.execute("SELECT pass, k FROM facts")), set(db.execute("SELECT k, key FROM stat")))
        finally:
            db.close()

    facts_before, stats_before = held()
    files = sorted(p for p in work.rglob("*") if p.is_file())
    files[0].unlink()
    files[1].write_bytes(files[1].read_bytes() + b"\n\nOne more line.\n")
    incremental([work], out)
    facts_after, stats_after = held()
    assert len(stats_after) == len(files) - 1  # one row per file read, none for the removed one
    pass1 = {k for p, k in facts_after if p == 1}
    assert pass1 == {key for _, key in stats_after}  # the removed and the old edited file's entries went
    assert len(pass1 & {k for p, k in facts_before if p == 1}) == len(files) - 2  # the unchanged one's stayed


def test_a_changed_title_redoes_the_articles_that_link_to_it(tmp_path):
    """Cached facts hold what the article index answered for their links: when the article a
    link resolved to changes, the linking file is extracted again."""
    work, out = tmp_path / "in", tmp_path / "out"
    work.mkdir()
    (work / "a.md").write_text("---\ntitle: Chip rules tighten\nurl: https://example.com/a\n"
                               "date: 2024-01-02\nrelated:\n  - title: Japan joins the export curbs\n---\n"
                               "Japan and the Netherlands joined the US export controls.\n", "utf-8")
    b = work / "b.md"
    b.write_text("---\ntitle: Japan joins the export curbs\nurl: https://example.com/b\ndate: 2024-01-01\n---\n"
                 "Japan restricts exports of chipmaking tools.\n", "utf-8")
    incremental([work], out)
    b.write_text(b.read_text("utf-8").replace("Japan joins the export curbs", "Tokyo tightens"), "utf-8")
    result, got = incremental([work], out)
    assert result.stats["cached_files"] == 0  # a.md's link now resolves elsewhere
    same(got, clean([work], tmp_path / "clean"))


def test_a_failed_build_leaves_no_stale_facts(sample, tmp_path):
    work, out = tmp_path / "in", tmp_path / "out"
    small_copy(sample, work)
    incremental([work], out)
    victim = sorted(work.rglob("*.md"))[3]
    text = victim.read_text("utf-8")
    victim.write_text(re.sub("。\n", "。日本宣布限制华为的芯片出口。\n", text, count=1), "utf-8")
    assert victim.read_text("utf-8") != text
    seen = []

    def stop(done, total):  # the build dies half-way through extracting
        seen.append(done)
        if done > total * 3 // 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        kg.build([work], progress=stop, cache=out, exclude=[out])
    _, got = incremental([work], out)
    same(got, clean([work], tmp_path / "clean"))


def test_the_cache_is_never_read_as_input(tmp_path):
    out = tmp_path / "seeds" / "out"
    shutil.copytree(SEEDS, tmp_path / "seeds", ignore=shutil.ignore_patterns("out"))
    first, _ = incremental([tmp_path / "seeds"], out)
    second = kg.build([tmp_path / "seeds"], cache=out)  # not even excluded: a hidden file, and a build folder
    assert second.report["files_seen"] == first.report["files_seen"] == 3


def test_cli_workers_and_rebuild(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    out = tmp_path / "out"
    got = CliRunner().invoke(app, ["build", str(SEEDS), "--out", str(out), "--workers", "2"])
    assert got.exit_code == 0, got.output
    assert "0 from the cache" in got.output
    assert "written from the previous build" not in got.output
    got = CliRunner().invoke(app, ["build", str(SEEDS), "--out", str(out)])
    assert got.exit_code == 0 and "3 from the cache" in got.output, got.output
    assert "written from the previous build: 0 N-Quads blocks and 0 subjects anew" in got.output
    got = CliRunner().invoke(app, ["build", str(SEEDS), "--out", str(out), "--rebuild"])
    assert got.exit_code == 0 and "0 from the cache" in got.output, got.output
    assert "written from the previous build" not in got.output
    got = CliRunner().invoke(app, ["build", str(SEEDS), "--out", str(out), "--workers", "0"])
    assert got.exit_code != 0


def test_a_damaged_cache_is_made_anew(tmp_path):
    out = tmp_path / "out"
    _, first = incremental([SEEDS], out)
    (out / CACHE_NAME).write_bytes(b"not a database" * 100)
    result, got = incremental([SEEDS], out)
    assert result.stats["cached_files"] == 0
    same(got, first)
    again, _ = incremental([SEEDS], out)
    assert again.stats["cached_files"] == 3


def test_the_cache_key_follows_extraction_code_not_the_writers(tmp_path, monkeypatch):
    """A change in the code that writes or queries the graph keeps the facts cache; one in the
    code that extracts them does not."""
    from kg import facts

    root = tmp_path / "kg"
    for rel in ("facts.py", "graph.py", "extract/x.py", "exporters/stream.py", "query/store.py", "cli.py"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("# v1\n")
    monkeypatch.setattr(facts, "__file__", str(root / "facts.py"))

    def version() -> str:
        facts.code_version.cache_clear()
        return facts.code_version()

    base = version()
    for rel in ("exporters/stream.py", "query/store.py", "cli.py"):
        (root / rel).write_text("# v2\n")
        assert version() == base, rel
    for rel in ("graph.py", "extract/x.py"):
        (root / rel).write_text("# v2\n")
        assert version() != base, rel
        base = version()
    monkeypatch.undo()
    facts.code_version.cache_clear()


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("chunk", [3, pipeline.CHUNK_GROUPS])
def test_an_incremental_write_of_a_spilled_graph_equals_a_clean_build(sample, tmp_path, pool, monkeypatch, workers,
                                                                      chunk):
    """The incremental write merges the graph's sorted runs from disk beside the previous
    index: a build that spilled, then one changed file and one copy of a duplicate removed,
    then an article removed (what discovery learned changes: every article is extracted
    again), then nothing new (the index of an incremental write serves the next one). With
    two workers, graph.ttl and graph.jsonld are written by a process of their own, full and
    spliced alike. With chunks of a few articles, most runs are the previous build's: what
    may have changed is found from the runs, and the rest is copied unhashed; with one chunk
    (the sample is less than one) that changed, or after the article's removal, every run is
    new and every block is compared."""
    from kg.exporters import stream

    monkeypatch.setattr(pipeline, "CHUNK_GROUPS", chunk)
    texts = []
    start = stream._start_texts
    monkeypatch.setattr(stream, "_start_texts", lambda *a: texts.append(start(*a)) or texts[-1])
    work, out = tmp_path / "in", tmp_path / "out"
    small_copy(sample, work)
    first = kg.build([work], cache=out, exclude=[out], spill_at=300, workers=workers)
    assert first.quads.spilled >= 2
    first.write(out)
    assert sum(t is not None for t in texts) == (workers > 1)
    files = sorted(p for p in work.rglob("*.md") if "ncid" in str(p))
    for n, step in enumerate(("changed", "removed", "same"), 2):
        if step == "changed":
            text = files[2].read_text("utf-8")
            files[2].write_text(text.replace("。", "。日本宣布限制半导体出口。", 1), "utf-8")
            (work / DUPLICATES[0]).unlink()
        elif step == "removed":
            files[4].unlink()
        result = kg.build([work], cache=out, exclude=[out], spill_at=300, workers=workers)
        before = len(texts)
        got = exports(result, out)
        got["store"] = store_dump(out)
        written = result.stats["written"]
        assert written["incremental"] and written["runs_kept"]
        # (with one chunk, only a build with nothing new shares the chunk's run with the last)
        assert written["found_from_runs"] == (step == "same" or (chunk == 3 and step == "changed"))
        # what may have changed found, every export is made from it alone (no pass over the
        # graph, no texts process)
        assert written.get("sparse", False) == written["found_from_runs"]
        assert sum(t is not None for t in texts[before:]) == (workers > 1 and not written["found_from_runs"])
        assert (result.stats["written"]["subjects"] > 0) == (step != "same")
        same(got, clean([work], tmp_path / f"clean-{step}"))
        # and the index the next write reads is the one a clean build writes
        assert index_rows(out) == index_rows(tmp_path / f"clean-{step}")


def test_a_write_from_the_changes_alone_equals_a_clean_build(sample, tmp_path, monkeypatch):
    """Edits that add, change and take back statements (a policy and relations in a Chinese
    page, an English article's headline and excerpt, both reverted), each followed by a build
    whose write is made from the changed blocks and subjects alone: the links' and objects'
    article counts, the GraphML nodes, the names index and the report's counts follow, and
    every export, the store and the index equal a clean build's."""
    monkeypatch.setattr(pipeline, "CHUNK_GROUPS", 3)
    work, out = tmp_path / "in", tmp_path / "out"
    small_copy(sample, work)
    kg.build([work], cache=out, exclude=[out], spill_at=300).write(out)
    chinese = sorted(p for p in work.rglob("*.md") if "ncid" in str(p))
    english = sorted(p for p in work.rglob("*.md") if "yaml_frontmatter" in str(p))
    originals = {p: p.read_text("utf-8") for p in (chinese[1], chinese[3], english[0])}

    def edit(path, old, new):
        text = path.read_text("utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), "utf-8")

    steps = [
        ("policy", lambda: edit(chinese[1], "。", "。美国商务部宣布对华为实施出口管制，限制其获得芯片。")),
        ("relation", lambda: edit(chinese[3], "。", "。荷兰政府与日本合作，限制对中国出口光刻机。")),
        ("headline", lambda: (edit(english[0], "title: \"", "title: \"Nvidia and ASML: "),
                              edit(english[0], "excerpt: \"", "excerpt: \"Huawei criticizes Japan. "))),
        ("reverted", lambda: [path.write_text(text, "utf-8") for path, text in originals.items()]),
    ]
    graphs = []
    for step, change in steps:
        change()
        result = kg.build([work], cache=out, exclude=[out], spill_at=300)
        got = exports(result, out)
        got["store"] = store_dump(out)
        written = result.stats["written"]
        assert written.get("sparse") and written["graphml_spliced"], step
        assert written["names_copied_early"], step  # (the names index copied while the build ran)
        assert written["quad_blocks"] > 0 and written["subjects"] > 0, step
        same(got, clean([work], tmp_path / f"clean-{step}"))
        assert index_rows(out) == index_rows(tmp_path / f"clean-{step}"), step
        graphs.append(got)
    # the edits changed what the derived exports say, and reverting them brought it back
    for name in ("graph.graphml", "actors.graphml", "report.json"):
        assert graphs[0][name] != graphs[1][name] and graphs[1][name] != graphs[2][name], name
    assert graphs[0]["store"]["names"] != graphs[2]["store"]["names"]


def index_rows(out: Path) -> dict:
    import marshal

    from kg.exporters.splice import INDEX_DIR
    from kg.quads import read_spooled
    from kg.query.store import current_store

    rows = {}
    for name in ("quads", "subjects", "links", "nodes"):
        with open(current_store(out) / INDEX_DIR / name, "rb") as fh:
            rows[name] = list(read_spooled(fh))
    rows["derived"] = marshal.loads((current_store(out) / INDEX_DIR / "derived").read_bytes())
    return rows


def _blocks(paths: list[str], key) -> dict:
    """Every key of the merged runs at ``paths`` with its rows (a full merge, as a write without
    the runs' help reads the graph)."""
    from itertools import groupby

    from kg.quads import _read_run, _unique
    import heapq

    return {k: list(rows) for k, rows in groupby(_unique(heapq.merge(*(_read_run(p) for p in paths))), key=key)}


def test_what_may_have_changed_is_found_from_the_runs_of_both_graphs(sample, tmp_path, monkeypatch):
    """Every block of graph.nq and every subject that differs between two builds (a file
    changed, a copy of a duplicate removed) is among those found from the runs the two graphs
    do not share, and they are a part of the graph, not all of it; their rows in either graph
    are read from the runs' few records that may hold them, as a full merge gives them."""
    from operator import itemgetter

    from kg.exporters.changes import changes, fetch, linked_runs
    from kg.exporters.splice import INDEX_DIR
    from kg.quads import quad_key
    from kg.query.store import current_store

    from kg import quads

    monkeypatch.setattr(pipeline, "CHUNK_GROUPS", 3)
    monkeypatch.setattr(quads, "RUN_RECORD", 7)  # records of a few rows: a key's rows cross records
    work, out = tmp_path / "in", tmp_path / "out"
    small_copy(sample, work)
    files = sorted(p for p in work.rglob("*.md") if "ncid" in str(p))
    kg.build([work], cache=out, exclude=[out], spill_at=300).write(out)
    old = linked_runs(current_store(out) / INDEX_DIR)
    assert old is not None and len(old) >= 3
    files[2].write_text(files[2].read_text("utf-8").replace("。", "。日本宣布限制半导体出口。", 1), "utf-8")
    (work / DUPLICATES[0]).unlink()
    result = kg.build([work], cache=out, exclude=[out], spill_at=300)
    new = result.quads.runs()
    found = changes(old, new)
    assert found is not None
    for k, (kind, key) in enumerate((("blocks", quad_key), ("subjects", itemgetter(0)))):
        before, after = _blocks([pair[k] for pair in old], key), _blocks([pair[k] for pair in new], key)
        differ = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
        may = getattr(found, kind)
        assert differ and differ <= may, (kind, sorted(differ - may)[:5])
        assert len(may) < len(after) / 2, (kind, len(may), len(after))
        # their rows in either graph, read from the few records of the runs that may hold them
        for graph, pairs in ((before, old), (after, new)):
            got = fetch([pair[k] for pair in pairs], may, key)
            assert got == {key: graph[key] for key in may if key in graph}


def test_exports_of_other_writer_code_or_edited_by_hand_are_written_in_full(tmp_path, monkeypatch):
    """Old bytes are copied only when they are what this code would write: an index made by
    other writer code, or an export changed since, makes the next write a full one."""
    from kg.exporters import splice

    out = tmp_path / "out"
    kg.build([SEEDS], cache=out, exclude=[out]).write(out)
    again = kg.build([SEEDS], cache=out, exclude=[out])
    again.write(out)
    assert again.stats["written"]["incremental"]
    monkeypatch.setattr(splice, "writer_version", lambda: "other")
    other = kg.build([SEEDS], cache=out, exclude=[out])
    other.write(out)
    assert not other.stats["written"]["incremental"]
    monkeypatch.undo()
    kg.build([SEEDS], cache=out, exclude=[out]).write(out)  # an index of this code again
    ttl = out / "graph.ttl"
    ttl.write_bytes(ttl.read_bytes().replace(b"@prefix", b"@prefix ", 1))
    edited = kg.build([SEEDS], cache=out, exclude=[out])
    edited.write(out)
    assert not edited.stats["written"]["incremental"]
    assert ttl.read_bytes() == clean([SEEDS], tmp_path / "clean")["graph.ttl"]


def test_a_names_index_copied_early_and_not_used_is_removed(tmp_path):
    """A build into a folder with a store starts copying its names index for the write; if
    the write does not take the copy (into another folder, or none), nothing of it remains,
    and a later write of the same result makes its own."""
    import gc

    from kg.query.store import open_store

    out = tmp_path / "out"
    kg.build([SEEDS], cache=out).write(out)
    before = sorted(os.listdir(out / ".store"))
    result = kg.build([SEEDS], cache=out)
    assert result.names_copy is not None
    result.write(tmp_path / "elsewhere")
    assert sorted(os.listdir(out / ".store")) == before
    result.write(out)  # (the copy was removed: not taken now)
    assert result.stats["written"]["sparse"] and not result.stats["written"]["names_copied_early"]
    assert open_store(out).names.execute("SELECT count(*) FROM names").fetchone()[0] > 0
    result = kg.build([SEEDS], cache=out)
    copy = result.names_copy.path
    result.names_copy._thread.join()  # (the copying thread holds the object while it runs)
    assert (copy / "names.sqlite").is_file()
    del result
    gc.collect()
    assert not copy.exists()


def test_a_build_into_its_folder_leaves_only_the_runs_it_keeps(tmp_path):
    """The spilled runs of a build that keeps its runs for the next one go to a temporary
    folder of that process beside them; once the graph is dropped, nothing of it remains."""
    import gc

    out = tmp_path / "out"
    for spill_at in (50, 1_000_000):  # spilled many times, and never
        result = kg.build([SEEDS], cache=out, rebuild=True, spill_at=spill_at)
        result.write(out)
        del result
        gc.collect()
        left = sorted(p.name for p in (out / ".kg-runs").iterdir())
        assert left and all(name.endswith((".q", ".t", ".q.k", ".t.k")) for name in left), left
        assert all(name + ".k" in left for name in left if name.endswith((".q", ".t")))


def test_a_build_goes_on_when_an_earlier_build_of_the_process_is_dropped(sample, tmp_path, monkeypatch):
    """Each build spills into a temporary folder of its own: an earlier build's result of the
    same process, collected while the next build runs, removes its folder, not the next one's."""
    import gc

    work, out = tmp_path / "in", tmp_path / "out"
    small_copy(sample, work)
    held = [kg.build([work], cache=out, exclude=[out], spill_at=300)]
    assert held[0].quads.spilled
    victim = sorted(p for p in work.rglob("*.md") if "ncid" in str(p))[2]
    victim.write_text(victim.read_text("utf-8").replace("。", "。日本宣布限制半导体出口。", 1), "utf-8")
    from kg.quads import QuadSet

    real = QuadSet._spill

    def spill(self):  # (the next build's first spill: its folder is made by then)
        if held:
            held.clear()
            gc.collect()
        return real(self)

    monkeypatch.setattr(QuadSet, "_spill", spill)
    result = kg.build([work], cache=out, exclude=[out], spill_at=300)
    assert not held and result.quads.spilled
    monkeypatch.undo()
    same(exports(result, out), exports(kg.build([work]), tmp_path / "clean"))


def test_a_rebuild_learns_anew_only_when_what_discovery_found_changed(tmp_path, monkeypatch):
    """The lexicon with what discovery learned is kept in the cache under what it was learned
    from: a change that teaches nothing takes it from there (without unpickling a file's
    candidates); one that names a new person is learned anew (the person becomes an actor),
    and both equal a clean build."""
    from kg import facts

    unpickled = []
    real = facts.found_candidates
    monkeypatch.setattr(facts, "found_candidates", lambda pairs: unpickled.append(1) or real(pairs))
    work, out = tmp_path / "in", tmp_path / "out"
    work.mkdir()
    a = work / "a.md"
    a.write_text("---\ntitle: Chip rules tighten\nurl: https://example.com/a\ndate: 2024-01-02\n---\n"
                 "Japan and the Netherlands joined the US export controls on ASML.\n", "utf-8")
    (work / "b.md").write_text("---\ntitle: Curbs\nurl: https://example.com/b\ndate: 2024-01-01\n---\n"
                               "美国联邦众议员拜尔（Stephen Buyer）表示支持出口管制。\n", "utf-8")
    first, _ = incremental([work], out)
    assert first.stats["cache"]["misses"]["learned"] == 1

    a.write_text(a.read_text("utf-8").replace("joined", "have joined"), "utf-8")  # nothing to learn
    unpickled.clear()
    result, got = incremental([work], out)
    assert result.stats["cache"]["hits"]["learned"] == 1 and not unpickled
    same(got, clean([work], tmp_path / "c1"))

    a.write_text(a.read_text("utf-8") + "\n美国联邦参议员华纳（Mark Warner）表示反对。\n", "utf-8")
    result, got = incremental([work], out)
    assert result.stats["cache"]["misses"]["learned"] == 1 and result.stats["cache"]["hits"]["learned"] == 0
    assert b"Mark Warner" in got["graph.nq"]
    same(got, clean([work], tmp_path / "c2"))
