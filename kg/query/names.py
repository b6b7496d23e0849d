"""The names index of a build (``.store/names.sqlite``): every label, alias, name and headline,
normalized as the matcher normalizes text (NFKC, case-folded, Traditional → Simplified), with
each node's display label, main type and weight (how many articles mention it); and the
adjacency index (``links``): every link of every node to another named resource, in both
directions, with the neighbour's label and type and the number of articles that state it.

Name resolution, search and "did you mean" all read it, so every command agrees on what a
name means and none has to scan the graph; a neighbour lookup is one indexed query.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from ..lexicon import normalize_name
from ..terms import KG, PROV, RDF, RDF_TYPE, RDFS, SCHEMA, SKOS, Literal, compact

__all__ = ["write_names", "update_names", "open_links", "add_links", "NameRows", "LABELS", "MAIN_TYPES", "SKIP_PREDICATES", "main_type"]

LABELS = [RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel", SCHEMA + "name", SCHEMA + "headline"]
# the type a node is listed under, first that applies
MAIN_TYPES = ("schema:Country", "schema:Person", "schema:Organization", "kg:Policy", "schema:NewsArticle",
              "kg:Technology", "skos:Concept")
_SCHEMA = """
CREATE TABLE names (norm TEXT NOT NULL, iri TEXT NOT NULL, name TEXT NOT NULL, lang TEXT);
CREATE TABLE nodes (iri TEXT PRIMARY KEY, label TEXT NOT NULL, type TEXT, weight INTEGER NOT NULL);
CREATE TABLE links (node TEXT NOT NULL, direction TEXT NOT NULL, predicate TEXT NOT NULL, other TEXT NOT NULL,
                    articles INTEGER NOT NULL, other_type TEXT);
"""
#: links that are no neighbour relation: types, reification, provenance, URLs and images
SKIP_PREDICATES = frozenset({RDF_TYPE, RDF + "subject", RDF + "object", RDF + "predicate", SCHEMA + "url",
                             SCHEMA + "image", "http://www.w3.org/2002/07/owl#sameAs", SKOS + "inScheme",
                             PROV + "wasDerivedFrom"})
_BATCH = 100_000


def main_type(types: set[str]) -> str:
    for t in MAIN_TYPES:
        if t in types:
            return t
    return sorted(types)[0] if types else ""


def _display(labels: list[tuple[str, str, str]]) -> str:
    """English rdfs:label first, then any English, then Chinese, then anything."""
    def rank(item):
        pred, value, lang = item
        return (0 if lang == "en" else 1 if lang.startswith("zh") else 2,
                LABELS.index(pred) if pred in LABELS else 9, value)
    return min(labels, key=rank)[1]


_LINK_TABLE = "CREATE TEMP TABLE link (s TEXT, p TEXT, o TEXT, n INTEGER)"


def open_links(target: str | Path) -> sqlite3.Connection:
    """A names database to be written by :func:`write_names` whose links come from the
    caller, already counted: rows (s, p, o, articles) in (s, p, o) order, one per link
    between two different IRIs whose predicate is not in SKIP_PREDICATES, ``articles`` the
    number of named graphs that state it (see :func:`add_links`)."""
    db = sqlite3.connect(str(target))
    db.executescript(_SCHEMA)
    db.execute(_LINK_TABLE)
    return db


def add_links(db: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    """Counted links (s, p, o, articles) into a database from :func:`open_links`."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _BATCH:
            db.executemany("INSERT INTO link VALUES (?, ?, ?, ?)", batch)
            batch.clear()
    db.executemany("INSERT INTO link VALUES (?, ?, ?, ?)", batch)


class NameRows:
    """The labels and types of a graph's subjects, gathered subject by subject from the union
    graph (the one pass that writes the exports) for :func:`write_names`.

    With ``db`` (the names database being written) each subject's rows go to temporary
    tables of it a batch at a time, so memory does not grow with the graph; the node rows
    then take their weight from ``weight`` (the article counts, complete before the first
    subject is given)."""

    _BATCH = 50_000

    def __init__(self, db: "sqlite3.Connection | None" = None, weight: "dict | None" = None) -> None:
        self.labels: dict[str, list[tuple[str, str, str]]] = {}
        self.rows: list[tuple[str, str, str, str]] = []
        self.types: dict[str, set[str]] = {}
        self.db, self.weight = db, weight
        self.node_rows: list[tuple] = []
        if db is not None:
            db.execute("CREATE TEMP TABLE name_rows (norm TEXT, iri TEXT, name TEXT, lang TEXT)")
            db.execute("CREATE TEMP TABLE node_rows (iri TEXT, label TEXT, type TEXT, weight INTEGER)")

    def subject(self, subject: str, triples: list) -> None:
        """``triples``: (subject, predicate, object) of one IRI subject, objects as
        :class:`kg.terms.IRI` or :class:`kg.terms.Literal`."""
        found = None
        for _, p, o in triples:
            if p in _LABEL_SET and isinstance(o, Literal):
                lang = (o.lang or "").lower()
                if found is None:
                    found = [] if self.db is not None else self.labels.setdefault(subject, [])
                found.append((p, o.value, lang))
                self.rows.append((normalize_name(o.value), subject, o.value, lang))
        if found is not None:
            types = {compact(o if isinstance(o, str) else o.value) for _, p, o in triples if p == RDF_TYPE}
            if self.db is not None:
                if not _is_assertion(types):
                    self.node_rows.append((subject, _display(found), main_type(types), self.weight.get(subject, 0)))
                if len(self.rows) >= self._BATCH or len(self.node_rows) >= self._BATCH:
                    self.flush()
            elif types:
                self.types[subject] = types

    def flush(self) -> None:
        if self.db is not None:
            self.db.executemany("INSERT INTO name_rows VALUES (?, ?, ?, ?)", self.rows)
            self.db.executemany("INSERT INTO node_rows VALUES (?, ?, ?, ?)", self.node_rows)
            self.rows, self.node_rows = [], []

    def write(self) -> None:
        """The names and nodes tables from the temporary ones, in the order (and with the
        duplicates removed) of the in-memory path."""
        self.flush()
        self.db.execute("INSERT INTO names SELECT DISTINCT norm, iri, name, lang FROM name_rows "
                        "ORDER BY norm, iri, name, lang")
        self.db.execute("INSERT INTO nodes SELECT iri, label, type, weight FROM node_rows ORDER BY iri")
        self.db.execute("DROP TABLE name_rows")
        self.db.execute("DROP TABLE node_rows")


_LABEL_SET = frozenset(LABELS)


def write_names(store: ox.Store, target: str | Path | sqlite3.Connection, links_given: bool = False,
                fed: "NameRows | None" = None, weight: dict | None = None) -> None:
    """The names index of ``store`` into ``target``. ``links_given``: ``target`` is from
    :func:`open_links` and its ``link`` table holds every link already (no scan of the store);
    ``fed`` and ``weight``: the labels, types and article counts gathered by the caller (no
    reading of the store for them)."""
    db = target if isinstance(target, sqlite3.Connection) else sqlite3.connect(str(target))
    if not links_given:
        db.executescript(_SCHEMA)
    if fed is None:
        labels: dict[str, list[tuple[str, str, str]]] = {}
        rows = []
        for pred in LABELS:
            for q in store.quads_for_pattern(None, ox.NamedNode(pred), None, None):
                if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal):
                    lang = (q.object.language or "").lower()
                    labels.setdefault(q.subject.value, []).append((pred, q.object.value, lang))
                    rows.append((normalize_name(q.object.value), q.subject.value, q.object.value, lang))
        types: dict[str, set[str]] = {}
        for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None, None):
            if isinstance(q.subject, ox.NamedNode) and q.subject.value in labels:
                types.setdefault(q.subject.value, set()).add(compact(q.object.value))
    elif fed.db is not None:
        labels = rows = types = None
    else:
        labels, rows, types = fed.labels, fed.rows, fed.types
    if weight is None:
        # how many articles mention, tag, cover (through a policy) or link to each node
        weight = {row["o"].value: int(row["n"].value) for row in store.query(
            f"SELECT ?o (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
            f"VALUES ?p {{ <{SCHEMA}mentions> <{SCHEMA}about> <{KG}covers> <{KG}relatedTo> }} }} GROUP BY ?o")}
    if fed is not None and fed.db is not None:
        fed.write()
    else:
        db.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", sorted(set(rows)))
        db.executemany("INSERT INTO nodes VALUES (?, ?, ?, ?)", sorted(
            (iri, _display(ls), main_type(types.get(iri, set())), weight.get(iri, 0))
            for iri, ls in labels.items() if not _is_assertion(types.get(iri, set()))))
    db.execute("CREATE INDEX names_norm ON names (norm)")
    db.execute("CREATE INDEX names_iri ON names (iri)")
    _write_links(store, db, links_given)
    db.commit()
    if not isinstance(target, sqlite3.Connection):
        db.close()


def _write_links(store: ox.Store, db: sqlite3.Connection, given: bool = False) -> None:
    """The adjacency index: one row per (node, direction, predicate, neighbour) with the number
    of article graphs that state the link, from the counted links of ``link``, sorted by SQLite
    on disk (bounded memory)."""
    if not given:
        _scan_links(store, db)
    for node, other, direction in (("s", "o", "out"), ("o", "s", "in")):
        db.execute(f"INSERT INTO links SELECT l.{node}, '{direction}', l.p, l.{other}, l.n, "
                   f"(SELECT type FROM nodes WHERE iri = l.{other}) FROM link l ORDER BY l.{node}, l.p, l.{other}")
    db.execute("DROP TABLE link")
    # a hub's thousands of article links are counted inside the index, not read one by one
    db.execute("CREATE INDEX links_node ON links (node, other_type = 'schema:NewsArticle', direction, predicate)")


def _scan_links(store: ox.Store, db: sqlite3.Connection) -> None:
    """Every link between two different IRIs (but SKIP_PREDICATES) of the store, counted, into ``link``."""
    db.execute("CREATE TEMP TABLE quad (s TEXT, p TEXT, o TEXT, g TEXT)")
    batch = []
    for q in store.quads_for_pattern(None, None, None, None):
        if isinstance(q.object, ox.NamedNode) and isinstance(q.subject, ox.NamedNode) \
                and q.predicate.value not in SKIP_PREDICATES and q.subject != q.object:
            g = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else None
            batch.append((q.subject.value, q.predicate.value, q.object.value, g))
            if len(batch) >= _BATCH:
                db.executemany("INSERT INTO quad VALUES (?, ?, ?, ?)", batch)
                batch.clear()
    db.executemany("INSERT INTO quad VALUES (?, ?, ?, ?)", batch)
    db.execute(_LINK_TABLE)
    db.execute("INSERT INTO link SELECT s, p, o, COUNT(DISTINCT g) FROM quad GROUP BY s, p, o")
    db.execute("DROP TABLE quad")


def _is_assertion(types: set[str]) -> bool:
    return compact(KG + "Assertion") in types


def update_names(db: sqlite3.Connection, subjects: dict, weight: dict, reweighed: Iterable[str],
                 links: Iterable[tuple]) -> None:
    """Bring a copy of the previous build's names index up to date with what changed, to the
    rows :func:`write_names` gives for the new graph (their order on disk aside).
    ``subjects``: each subject that may have changed with its statements (as for
    :meth:`NameRows.subject`), or None if it has none any more; ``weight``: the new article
    counts; ``reweighed``: the nodes whose count changed; ``links``: the counted links that
    changed, (s, p, o, old articles or None if new, new articles or None if gone)."""
    found = NameRows()
    old_types = {}
    for s, triples in subjects.items():
        row = db.execute("SELECT type FROM nodes WHERE iri = ?", (s,)).fetchone()
        old_types[s] = row[0] if row else None
        db.execute("DELETE FROM names WHERE iri = ?", (s,))
        db.execute("DELETE FROM nodes WHERE iri = ?", (s,))
        if triples:
            found.subject(s, triples)
    db.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", sorted(set(found.rows)))
    db.executemany("INSERT INTO nodes VALUES (?, ?, ?, ?)", sorted(
        (iri, _display(ls), main_type(found.types.get(iri, set())), weight.get(iri, 0))
        for iri, ls in found.labels.items() if not _is_assertion(found.types.get(iri, set()))))
    db.executemany("UPDATE nodes SET weight = ? WHERE iri = ?",
                   [(weight.get(iri, 0), iri) for iri in sorted(set(reweighed) - set(subjects))])

    def type_of(iri):
        row = db.execute("SELECT type FROM nodes WHERE iri = ?", (iri,)).fetchone()
        return row[0] if row else None

    for s, p, o, before, after in links:
        if p in SKIP_PREDICATES or s == o:
            continue
        sides = ((s, "out", o), (o, "in", s))
        if after is None:
            db.executemany("DELETE FROM links WHERE node = ? AND direction = ? AND predicate = ? AND other = ?",
                           [(node, d, p, other) for node, d, other in sides])
        elif before is None:
            db.executemany("INSERT INTO links VALUES (?, ?, ?, ?, ?, ?)",
                           [(node, d, p, other, after, type_of(other)) for node, d, other in sides])
        else:
            db.executemany("UPDATE links SET articles = ? WHERE node = ? AND direction = ? AND predicate = ? "
                           "AND other = ?", [(after, node, d, p, other) for node, d, other in sides])
    # a node whose type changed (or that came or went): its neighbours' rows name its type
    for s, before in sorted(old_types.items()):
        now = type_of(s)
        if now != before:
            others = [r[0] for r in db.execute("SELECT DISTINCT other FROM links WHERE node = ?", (s,))]
            db.executemany("UPDATE links SET other_type = ? WHERE node = ? AND other = ?",
                           [(now, other, s) for other in others])
    db.commit()
