"""A write made from the changed blocks and subjects alone (kg.exporters.delta) gives what a
full write of the new graph gives, on a small graph built for the cases that a count kept
by difference can get wrong."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from kg.exporters import changes as changes_module
from kg.exporters import write_all
from kg.exporters.changes import Changes
from kg.quads import QuadSet
from kg.terms import KG, RDF_TYPE, SCHEMA

from test_parallel import EXPORTS, index_rows, store_dump

ID = "https://example.org/id/"
A1, A2, A3, A4, A5 = (ID + f"graph/a{n}" for n in range(1, 6))
ART1, ART2, ART3, ART4, ART5 = (ID + f"article/{n}" for n in range(1, 6))
X, Y, Z = ID + "actor/x", ID + "actor/y", ID + "actor/z"
V, W = ID + "actor/v", ID + "actor/w"  # v ceases to be a node (no type), w becomes one
P = ID + "policy/p"  # gains a publication date equal to its first report: its GraphML attributes reorder


def iri(g, s, p, o):
    return (g, s, str(p), 0, str(o), "", "")


def text(g, s, p, value, lang="en"):
    return (g, s, str(p), 1, value, lang, "")


def article(g, art, headline, *mentioned):
    return [iri(g, art, RDF_TYPE, SCHEMA + "NewsArticle"), text(g, art, SCHEMA + "headline", headline),
            *(iri(g, art, SCHEMA + "mentions", m) for m in mentioned)]


def actor(s, kind, label):
    return [iri("", s, RDF_TYPE, SCHEMA + kind), text("", s, SCHEMA + "name", label)]

# what does not change between the two: nodes and articles enough for whole records of the
# indexes to be copied when they are small
PADS = [ID + f"actor/pad{n:02d}" for n in range(12)]
PADDING = [*(row for n, pad in enumerate(PADS) for row in actor(pad, "Organization", f"Pad {n}")),
           *(row for n in range(6, 9) for row in article(ID + f"graph/a{n}", ID + f"article/{n}", f"No. {n}",
                                                         *PADS[n - 6::3]))]

BEFORE = [*PADDING,
    *actor(X, "Organization", "X Corp"), *actor(Y, "Country", "Ylandia"),
    iri("", X, KG + "restricts", Y),  # stated by the default graph and by a4 (below)
    *article(A1, ART1, "One", X, Y),
    iri(A1, X, KG + "relatedTo", Y),  # a1 also counts Y from another block than the article's
    *article(A2, ART2, "Two", X),
    *article(A4, ART4, "Four", X, V, W), iri(A4, X, KG + "restricts", Y),
    *actor(V, "Organization", "Vee"), text("", W, SCHEMA + "name", "Double"),
    *actor(P, "Policy", "Pee"), text("", P, KG + "firstReported", "2020-01-01", ""),
    iri("", X, KG + "affiliatedWith", X), iri(A1, X, KG + "affiliatedWith", Y),  # (a loop is an edge too)
]
AFTER = [*PADDING, *actor(ID + "0first", "Person", "First"),  # a new first subject (JSON-LD's separators)
    *actor(X, "Organization", "X Corp"), *actor(Y, "Country", "Ylandia Republic"), *actor(Z, "Person", "Zed"),
    iri("", X, KG + "restricts", Y),
    *article(A1, ART1, "One", X),  # no longer mentions Y, which a1 still counts (relatedTo)
    iri(A1, X, KG + "relatedTo", Y),
    # no longer states X restricts Y: the default graph still does; its links to v and w are
    # as they were, but v is no node any more and w is one now
    *article(A4, ART4, "Four", X, V, W),
    text("", V, SCHEMA + "name", "Vee"), *actor(W, "Person", "Double"),
    *actor(P, "Policy", "Pee"), text("", P, KG + "firstReported", "2020-01-01", ""),
    text("", P, SCHEMA + "datePublished", "2020-01-01", ""),
    iri("", X, KG + "affiliatedWith", X), iri(A1, X, KG + "affiliatedWith", Y),
    # a2 is gone; a3 and a5 are new, with a new node and a new link
    *article(A3, ART3, "Three", Y, Z), iri(A3, Z, KG + "criticizes", X),
    *article(A5, ART5, "Five", X),
]


def result_of(rows, tmp: Path):
    quads = QuadSet(spill_at=4, tmpdir=str(tmp))
    for row in rows:
        quads.add_row(row)
        quads.checkpoint()
    quads.settle()
    assert quads.runs() is not None
    return SimpleNamespace(quads=quads, stats={"runs": {}, "workers": 1}, report={"files": []})


def differing(old_rows, new_rows) -> Changes:
    """The blocks and subjects that differ between two graphs, found by comparing them whole."""
    old, new = set(old_rows), set(new_rows)
    triples = {r[1:] for r in old} ^ {r[1:] for r in new}
    return Changes(frozenset(r[:2] for r in old ^ new), frozenset(t[0] for t in triples))


@pytest.mark.parametrize("record", [20_000, 3, 1], ids=["one record", "records of 3", "records of 1"])
@pytest.mark.parametrize("found", ["exact", "more"])
def test_a_write_from_the_changes_alone_equals_a_full_write(tmp_path, monkeypatch, found, record):
    """Counts kept by difference: a link no named graph states any more but the default graph
    does; an object one article still counts from another block; a graph gone and one new;
    a node new, one relabelled. ``more``: the changes name blocks and subjects that did not
    change too (what the runs give is a superset), which are copied as they were. With small
    records of the counted links, those whose links and ends did not change are copied
    unread, and the others merged with the changes at their edges; so are the records of the
    index of blocks and of subjects (copied whole where none of their rows changed)."""
    from kg.exporters import delta, splice

    monkeypatch.setattr(delta, "LINK_RECORD", record)
    monkeypatch.setattr(splice, "INDEX_RECORD", record)
    extra = Changes(frozenset({(A1, X), ("", X)}), frozenset({X, ART1})) if found == "more" else None
    want = differing(BEFORE, AFTER)
    if extra is not None:
        want = Changes(want.blocks | extra.blocks, want.subjects | extra.subjects)
    monkeypatch.setattr(changes_module, "changes", lambda old, new: want)
    out, clean = tmp_path / "out", tmp_path / "clean"
    write_all(result_of(BEFORE, tmp_path), out)
    after = result_of(AFTER, tmp_path)
    write_all(after, out)
    assert after.stats["written"]["sparse"] and after.stats["written"]["graphml_spliced"]
    # (the padding's records hold none of the changes, exact or more)
    assert (after.stats["written"]["link_records_copied"] > 0) == (record < 20_000)
    assert (after.stats["written"]["quad_records_copied"] > 0) == (record < 20_000)
    assert (after.stats["written"]["subject_records_copied"] > 0) == (record < 20_000)
    write_all(result_of(AFTER, tmp_path), clean)
    for name in EXPORTS:
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name
    assert store_dump(out) == store_dump(clean)
    assert index_rows(out) == index_rows(clean)
    graphml = (out / "graph.graphml").read_text("utf-8")
    assert 'restricts' in graphml and "Ylandia Republic" in graphml and "Zed" in graphml and "Two" not in graphml
    assert "Double" in graphml and "Vee" not in graphml


@pytest.mark.parametrize("rows", [BEFORE, AFTER], ids=["before", "after"])
def test_actors_graphml_is_the_same_written_alone_or_with_the_rest(tmp_path, rows):
    """actors.graphml from the rows gathered while graph.graphml is written equals the one
    written by itself from the whole graph (a loop between one actor is an edge in both)."""
    import io

    from kg.exporters.stream import write_streams

    result = result_of(rows, tmp_path)
    write_all(result, tmp_path / "all")
    alone = io.BytesIO()
    write_streams(result, {"actors-graphml": alone})
    assert alone.getvalue() == (tmp_path / "all" / "actors.graphml").read_bytes()
    assert b"affiliatedWith" in alone.getvalue()


def test_runs_made_again_with_the_same_bytes_are_no_change(tmp_path, monkeypatch):
    """A run remade as it was (a copy: another file, the same bytes) holds the same rows as
    the one it replaces: no block or subject may differ on its account, and its rows are not
    read; a remade run with other rows still tells what differs."""
    import shutil

    from kg.exporters.changes import changes

    before = result_of(BEFORE, tmp_path)  # (its runs live as long as it does)
    old = before.quads.runs()
    copies = []
    for i, (q, t) in enumerate(old):
        pair = (str(tmp_path / f"q{i}"), str(tmp_path / f"t{i}"))
        for src, dst in zip((q, t), pair):
            shutil.copy(src, dst)
            shutil.copy(src + ".k", dst + ".k")
        copies.append(pair)
    read = []
    apart = changes_module._apart

    def spy(dropped, made):
        read.extend(dropped + made)
        return apart(dropped, made)

    monkeypatch.setattr(changes_module, "_apart", spy)
    assert changes(old, copies, max_share=1.0) == Changes(frozenset(), frozenset())
    assert read == []
    monkeypatch.undo()
    after = result_of(AFTER, tmp_path)
    new = after.quads.runs()
    found = changes(old, new, max_share=1.0)
    want = differing(BEFORE, AFTER)
    assert want.blocks <= found.blocks and want.subjects <= found.subjects


@pytest.mark.parametrize("background", [True, False], ids=["in a thread", "in the caller"])
@pytest.mark.parametrize("files", ["on disk", "in memory"])
def test_a_splice_copies_the_ranges_it_is_told(tmp_path, files, background):
    """Byte ranges of the old file and new bytes, in order: by the kernel between files on
    disk, through Python otherwise, the same bytes; in a thread of its own or not."""
    import io

    from kg.exporters.splice import Splice

    data = bytes(range(256)) * 4000  # (more than one read through Python)
    if files == "on disk":
        (tmp_path / "old").write_bytes(data)
        old, out = open(tmp_path / "old", "rb"), open(tmp_path / "new", "wb")
    else:
        old, out = io.BytesIO(data), io.BytesIO()
    splice = Splice(out, old, 10, background=background)
    splice.copy(5)
    splice.copy(20)
    splice.skip(100)
    splice.write(b"new")
    splice.copy(600_000)
    splice.write(b"end")
    splice.skip(1)
    splice.copy(3)
    splice.finish()
    want = data[10:35] + b"new" + data[135:600_135] + b"end" + data[600_136:600_139]
    if files == "on disk":
        out.close()
        got = (tmp_path / "new").read_bytes()
    else:
        got = out.getvalue()
    assert got == want and splice.copied == 25 + 600_000 + 3


@pytest.mark.parametrize("files", ["on disk", "in memory"])
def test_a_splice_past_the_end_of_the_old_file_fails_when_finished(tmp_path, files):
    """An index that describes more bytes than the old export holds (a damaged previous build)
    is an error raised to the writer, not a short file: the thread's error comes back."""
    import io

    from kg.exporters.splice import Splice

    data = b"x" * 1000
    if files == "on disk":
        (tmp_path / "old").write_bytes(data)
        old, out = open(tmp_path / "old", "rb"), open(tmp_path / "new", "wb")
    else:
        old, out = io.BytesIO(data), io.BytesIO()
    splice = Splice(out, old, 0)
    splice.copy(5000)
    splice.write(b"after")
    with pytest.raises(OSError, match="shorter than its index says"):
        splice.finish()


def test_splices_ended_are_waited_for_together_and_every_error_comes_back(tmp_path):
    """A write ends each Splice and goes on while the threads copy; waiting for them all
    gives whole files, raises a failed one's error only once every thread is done, and a
    Splice given more after its end is an error, not a file cut short."""
    from kg.exporters.splice import Splice, wait_all

    data = bytes(range(256)) * 40_000
    (tmp_path / "old").write_bytes(data)
    old = open(tmp_path / "old", "rb")
    outs = [open(tmp_path / f"new{i}", "wb") for i in range(3)]
    splices = [Splice(fh, old, 0) for fh in outs]
    splices[0].copy(len(data))
    splices[1].copy(len(data) + 1)  # past the end: fails in its thread
    splices[2].write(b"head")
    splices[2].copy(len(data) // 2)
    for splice in splices:
        splice.end()
    with pytest.raises(RuntimeError, match="after its end"):
        splices[2].write(b"late")
    with pytest.raises(OSError, match="shorter than its index says"):
        wait_all(splices)
    for fh in outs:
        fh.close()
    assert (tmp_path / "new0").read_bytes() == data
    assert (tmp_path / "new2").read_bytes() == b"head" + data[:len(data) // 2]


def test_run_records_end_where_their_keys_say_so_that_a_few_changed_keys_leave_the_rest_unread(tmp_path,
                                                                                              monkeypatch):
    """Two runs that differ in a few keys (the graph-wide rows of two builds) have the rest of
    their records byte for byte: what changed is found from the records that differ alone,
    and it is every key that differs."""
    from kg import quads
    from kg.exporters import changes as changes_module

    def row(i, n=0):
        return ("", f"http://ex.org/s{i:06d}", "http://ex.org/p", 1, f"v{n}", "", "")

    rows = [row(i, n) for i in range(20_000) for n in range(3)]
    edited = sorted([r for r in rows if r[1] != row(7_000)[1]] + [row(7_000, 9), row(12_345, 5), row(30_000)])
    paths = []
    for name, these in (("old", rows), ("new", edited)):
        path = str(tmp_path / name)
        quads._write_run(path, these, quads.quad_key)
        paths.append(path)
    starts, _ = quads._record_starts(rows, quads.quad_key)
    assert 20 < len(starts) < len(rows) // 100  # (records of some hundreds of rows)
    read = []
    real = changes_module._records_at
    monkeypatch.setattr(changes_module, "_records_at",
                        lambda path, offsets: read.append(len(offsets)) or real(path, offsets))
    old, new = changes_module._apart([paths[0]], [paths[1]])
    differ = changes_module._keys_differing(old, new, quads.quad_key)
    assert differ == {("", row(7_000)[1]), ("", row(12_345)[1]), ("", row(30_000)[1])}
    assert sum(read) <= 8  # the records that hold the three keys (and their neighbours), on each side
