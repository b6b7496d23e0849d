"""Name resolution shared by every query command.

- an IRI (``<...>`` or bare) or a CURIE (``kgr:actor/japan``) is taken as is;
- a name matches any label, alias, name or headline in any language, case-insensitively,
  Traditional or Simplified (the index in :mod:`kg.query.names`);
- several matches: an actor, policy or topic wins over article headlines; if several of
  those remain, :class:`Ambiguous` lists them (the caller shows the list, exit code 1);
- no match: :class:`NotFound`, with the nearest names ("did you mean", rapidfuzz).
"""
from __future__ import annotations

import pyoxigraph as ox

from ..lexicon import normalize_name
from ..terms import expand
from .store import Store

__all__ = ["NotFound", "Ambiguous", "resolve", "label_of", "type_of", "node_info", "suggest"]


class NotFound(Exception):
    def __init__(self, message: str, suggestions: list[str] | None = None):
        self.suggestions = suggestions or []
        if self.suggestions:
            message += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(message)


class Ambiguous(Exception):
    def __init__(self, name: str, candidates: list[tuple[str, str, str]]):
        self.name = name
        self.candidates = candidates  # (iri, label, type)
        listing = "; ".join(f"{label} ({typ or 'resource'}) <{iri}>" for iri, label, typ in candidates[:10])
        more = f" and {len(candidates) - 10} more" if len(candidates) > 10 else ""
        super().__init__(f"{name!r} names {len(candidates)} resources: {listing}{more}. "
                         "Give the IRI or CURIE of the one you mean")


def _node_row(store: Store, iri: str):
    return store.names.execute("SELECT label, type, weight FROM nodes WHERE iri = ?", (iri,)).fetchone()


def node_info(store: Store, iris) -> dict[str, tuple[str, str]]:
    """(label, main type) of many nodes at once."""
    iris = sorted(set(iris))
    out: dict[str, tuple[str, str]] = {}
    for i in range(0, len(iris), 500):
        chunk = iris[i:i + 500]
        marks = ",".join("?" * len(chunk))
        for iri, label, typ in store.names.execute(f"SELECT iri, label, type FROM nodes WHERE iri IN ({marks})", chunk):
            out[iri] = (label, typ or "")
    for iri in iris:
        out.setdefault(iri, (iri.rsplit("/", 1)[-1], ""))
    return out


def label_of(store: Store, node: ox.NamedNode | str) -> str:
    iri = node.value if isinstance(node, ox.NamedNode) else node
    row = _node_row(store, iri)
    return row[0] if row else iri.rsplit("/", 1)[-1]


def type_of(store: Store, node: ox.NamedNode | str) -> str:
    iri = node.value if isinstance(node, ox.NamedNode) else node
    row = _node_row(store, iri)
    return row[1] if row else ""


def suggest(store: Store, name: str, limit: int = 3) -> list[str]:
    """The names nearest to ``name`` (actors, policies, topics; not headlines)."""
    from rapidfuzz import fuzz, process

    choices = [r[0] for r in store.names.execute(
        "SELECT DISTINCT n.name FROM names n JOIN nodes d ON d.iri = n.iri "
        "WHERE d.type != 'schema:NewsArticle' ORDER BY n.name")]  # (the same whatever the rows' order on disk)
    by_norm = {}
    for c in choices:
        by_norm.setdefault(normalize_name(c), c)
    hits = process.extract(normalize_name(name), list(by_norm), scorer=fuzz.QRatio, limit=limit, score_cutoff=70)
    return [by_norm[h[0]] for h in hits]


def resolve(store: Store, name: str) -> ox.NamedNode:
    name = name.strip()
    if name.startswith("<") and name.endswith(">"):
        name = name[1:-1]
    iri = expand(name)
    if iri.startswith(("http://", "https://")):
        node = ox.NamedNode(iri)
        if next(iter(store.quads(node, None, None)), None) or next(iter(store.quads(None, None, node)), None):
            return node
        raise NotFound(f"no resource <{iri}> in this build")
    rows = store.names.execute(
        "SELECT DISTINCT n.iri, d.label, d.type, d.weight FROM names n JOIN nodes d ON d.iri = n.iri "
        "WHERE n.norm = ? ORDER BY d.weight DESC, n.iri", (normalize_name(name),)).fetchall()
    if not rows:
        raise NotFound(f"nothing in this build is called {name!r}", suggest(store, name))
    if len(rows) > 1:
        named = [r for r in rows if r[2] != "schema:NewsArticle"]
        rows = named or rows
    if len(rows) > 1:  # an actor or policy wins over a topic tag of the same name (日本, 华为)
        things = [r for r in rows if r[2] != "skos:Concept"]
        rows = things if len(things) == 1 else rows
    if len(rows) == 1:
        return ox.NamedNode(rows[0][0])
    raise Ambiguous(name, [(r[0], r[1], r[2]) for r in rows])
