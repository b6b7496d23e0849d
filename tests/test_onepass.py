"""Exports in one pass (issue 17): one merge of the sorted runs feeds every writer and the
store loader, and each file is the one its writer makes alone."""
from __future__ import annotations

import io
import random
import sqlite3

import pyoxigraph as ox

from kg.exporters import EXPORTERS, graphml, jsonld
from kg.exporters.stream import STREAMED, write_streams
from kg.query.store import current_store, write_store


def test_all_writers_in_one_pass_write_what_each_writes_alone(corpus_build):
    _, result = corpus_build
    together = {name: io.BytesIO() for name in STREAMED}
    write_streams(result, together)
    for name in STREAMED:
        alone = io.BytesIO()
        EXPORTERS[name].write(result, alone)
        assert together[name].getvalue() == alone.getvalue(), name


def test_the_store_fed_by_the_pass_is_the_store_made_from_graph_nq(corpus_build, tmp_path):
    """The build's store (loaded from the writers' stream, links counted on the way) holds
    what a store made again from graph.nq holds: the same quads and the same names index."""
    import shutil

    out, _ = corpus_build
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    fed = tmp_path / "fed"
    shutil.copytree(current_store(copy), fed)
    made = write_store(copy)  # made again from graph.nq (the old one, unused, is removed)
    quads = []
    for gen in (fed, made):
        store = ox.Store.read_only(str(gen / "oxigraph"))
        quads.append(sorted(map(str, store.quads_for_pattern(None, None, None, None))))
        del store
    assert quads[0] == quads[1] and quads[0]
    for table in ("names", "nodes", "links"):
        rows = [list(sqlite3.connect(gen / "names.sqlite").execute(f"SELECT * FROM {table} ORDER BY rowid"))
                for gen in (fed, made)]
        assert rows[0] == rows[1] and rows[0], table


def test_graphml_elements_are_the_bytes_lxml_writes(corpus_build, monkeypatch):
    """GraphML elements are formatted directly; lxml's serializer is the reference, on the
    corpus's elements and on values full of markup characters."""
    _, result = corpus_build
    captured: list = []
    real = graphml._element
    monkeypatch.setattr(graphml, "_element", lambda kind, ident, attrs, escaped:
                        captured.append((kind, ident, attrs)) or real(kind, ident, attrs, escaped))
    write_streams(result, {"graphml": io.BytesIO(), "actors-graphml": io.BytesIO()})
    monkeypatch.undo()
    assert len(captured) > 300
    nasty = ["a & b < c > d", "line\rreturn", "\"quoted\" 'single'", "]]>", "tab\there\nnewline", "",
             "中文 & ü", "\x0bvertical", "&amp; already"]
    captured += [("node", f"x{i}", {"label": v, "name": v, "type": "Thing", "iri": f"https://ex.org/{i}"})
                 for i, v in enumerate(nasty)]
    captured.append(("edge", ("x0", "x1", "e0"), {"relation": "r&d", "label": "<r>", "predicate": "https://ex.org/p",
                                                   "articles": "2", "weight": "2"}))
    fast, ref = io.BytesIO(), io.BytesIO()
    esc_fast: list = []
    esc_ref: list = []
    graphml.write_elements(fast, iter(captured), esc_fast)
    graphml.write_elements_lxml(ref, iter(captured), esc_ref)
    assert fast.getvalue() == ref.getvalue() and esc_fast == esc_ref == ["\x0bvertical"] * 2


def test_jsonld_nodes_are_formatted_as_json_dumps_with_indent():
    rng = random.Random(7)
    chars = ['a', '"', '\\', '\n', '\t', '中', '\x00', '\u2028', 'é', ' ', '\x7f', '\U0001F600', '/']

    def text():
        return "".join(rng.choice(chars) for _ in range(rng.randint(0, 6)))

    def value(depth=0):
        r = rng.random()
        if r < 0.5 or depth > 2:
            return text()
        if r < 0.75:
            return {text(): value(depth + 1) for _ in range(rng.randint(0, 3))}
        return [value(depth + 1) for _ in range(rng.randint(0, 3))]

    for _ in range(5000):
        v = value()
        assert jsonld._text(v, "  ") == jsonld._dumps(v, 2)


def test_jsonld_node_text_is_the_node_dict_formatted_as_json_dumps():
    from kg.terms import RDF_TYPE, XSD, IRI, Literal

    rng = random.Random(11)
    preds = [RDF_TYPE, "https://schema.org/name", "https://schema.org/mentions", "https://ex.org/p\"q",
             "http://www.w3.org/2004/02/skos/core#prefLabel"]
    values = ['a', '"', '\\', '\n', '中', '\u2028', '']

    def obj():
        r = rng.random()
        if r < 0.35:
            return IRI(rng.choice(["https://schema.org/Thing", "https://ex.org/x", "urn:x\"y"]))
        text = "".join(rng.choice(values) for _ in range(rng.randint(1, 4)))
        if r < 0.6:
            return Literal(text, rng.choice(["en", "zh-Hans"]), None)
        if r < 0.8:
            return Literal(text, None, rng.choice([XSD + "date", XSD + "string", "https://ex.org/dt"]))
        return Literal(text, None, None)

    for _ in range(3000):
        subject = IRI("https://ex.org/s")
        triples = sorted({(subject, rng.choice(preds), obj()) for _ in range(rng.randint(0, 6))},
                         key=lambda t: (t[1], str(t[2])))
        for first in (True, False):
            expected = ("\n  " if first else ",\n  ") + jsonld._dumps(jsonld._node(subject, triples), 2)
            assert jsonld.node_text(subject, triples, first) == expected


def _texts(subjects: dict, old=None, changed=None) -> tuple[bytes, bytes, list]:
    """graph.ttl and graph.jsonld of ``subjects`` (subject -> rows) and the index records:
    written in full, or (``old``: a previous write's bytes and records) from the subjects in
    ``changed`` alone, the old blocks between copied."""
    from kg.exporters.stream import _Texts, _triples

    tt, js, records = io.BytesIO(), io.BytesIO(), []
    add = lambda *row: records.append(row)  # noqa: E731
    if old is None:
        texts = _Texts(tt, js, add)
        for s in sorted(subjects):
            texts.subject(s, *_triples(s, subjects[s]), subjects[s])
    else:
        files = {"turtle": io.BytesIO(old[0]), "jsonld": io.BytesIO(old[1])}
        texts = _Texts(tt, js, add, files, iter(old[2]), sparse=True)
        for s in sorted(changed):
            if s in subjects:
                texts.subject(s, *_triples(s, subjects[s]), subjects[s])
            else:
                texts.gone(s)
    texts.finish()
    return tt.getvalue(), js.getvalue(), records


def _rows(name: str, value: str) -> list:
    s = f"https://ex.org/{name}"
    return [(s, "http://schema.org/name", 1, value, "en", ""),
            (s, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", 0, "http://schema.org/Thing", "", "")]


def test_texts_written_from_the_changed_subjects_alone_equal_a_full_write():
    """Sparse Turtle and JSON-LD: the subjects that may have changed are written or dropped,
    the others copied from the previous files; the bytes and the index are a full write's,
    wherever the change is (the first subject gone or new: JSON-LD's separator moves)."""
    a, b, c, d = (_rows(n, n.upper()) for n in "abcd")
    b2 = _rows("b", "B, changed")
    by = lambda *rs: {r[0][0]: r for r in rs}  # noqa: E731
    cases = [(by(a, b, c), by(b, c)), (by(b, c), by(a, b, c)), (by(a, b, c), by(a, b)), (by(a, b), {}),
             ({}, by(a, b)), (by(a, b, c), by(a, b2, c)), (by(b, c), by(b2, c)), (by(a, c), by(b, d)),
             (by(a, b, c, d), by(a, b, c, d))]
    for before, after in cases:
        old = _texts(before)
        changed = {s for s in before.keys() | after.keys() if before.get(s) != after.get(s)}
        assert _texts(after, old, changed) == _texts(after), (sorted(before), sorted(after))
        # a subject that did not change may be among those given: it is copied as it was
        assert _texts(after, old, changed | set(after)) == _texts(after)
