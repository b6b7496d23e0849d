"""GraphML for Gephi, Cytoscape and yEd: typed resources as nodes, links between them as
edges, valid against the GraphML 1.0 schema (tested with its XSD).

- A node's id is made from its IRI (an IRI is not an XML NMTOKEN, so it cannot be the id
  itself): ``n`` and a hash of the IRI (:func:`node_id`), so a node has the same id in every
  build and in both files, and a tool that merges two exports by id (Gephi's "append")
  merges the same resources. An edge's id is its source's and target's ids and its
  predicate (:func:`edge_id`). Two IRIs of one build with the same hash (about 3 chances
  in 100 million for a million nodes) are told apart by a suffix (which then depends on the
  nodes of the file: the later IRI of the two may have another id in ``actors.graphml``). The IRI is the node's ``iri``
  attribute.
- Every node has ``label``, ``name``, ``type``, ``iri`` and ``articles`` (how many articles
  mention, tag, cover or link to it); policies have ``date`` (= ``firstReported``),
  ``firstReported`` and ``lastReported`` where known, so Gephi's timeline can use ``date``
  across articles and policies.
- Every edge has a unique id, its ``relation``, ``articles`` (how many articles state the
  link: the named graphs that hold it) and ``weight``: ``articles``, at least 1 (a link
  that only the lexicon states, such as a named act's issuer, still counts once).
- One ``<key>`` per attribute name, each with one type (igraph refuses mixed types).

Assertions, images and the dataset record are not nodes; ``kg:relatedTo`` is not drawn
beside the specific link property it generalizes.

The file is streamed: the links are counted by an external sort of the quads (sorted runs
on disk, merged) and the nodes spooled to disk, both during the one pass that writes every
export (:mod:`kg.exporters.stream`), so memory holds one run and the node ids, whatever the
size of the graph.
``actors.graphml`` (:mod:`kg.exporters.actors_graphml`) is the same writer over actors and
policies only.
"""
from __future__ import annotations

import base64
import hashlib
import heapq
import io
import re
import tempfile
from collections import defaultdict
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, Optional

from lxml import etree

from ..quads import RUN_RECORD, read_spooled, spooled
from ..terms import KG, RDF_TYPE, SCHEMA, SKOS, VOID, IRI, compact

NAME = "graphml"
FILENAME = "graph.graphml"

_NS = "http://graphml.graphdrawing.org/xmlns"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_NOT_NODES = {KG + "Assertion", SCHEMA + "ImageObject", VOID + "Dataset"}
_SKIP_EDGES = {RDF_TYPE, KG + "relatedTo"}
_LABEL_PREDICATES = (SKOS + "prefLabel", SCHEMA + "name", SCHEMA + "headline")
_LABEL_LANGS = ("en", "zh-Hans", "zh-Hant", None)
_SCALARS = {
    SCHEMA + "url": "url",
    SCHEMA + "datePublished": "date",
    SCHEMA + "inLanguage": "language",
    KG + "sourceFile": "sourceFile",
    KG + "policyType": "policyType",
    KG + "status": "status",
    KG + "firstReported": "firstReported",
    KG + "lastReported": "lastReported",
}
#: what makes an article count for a node's ``articles`` (as ``kg stats`` and search count)
_COUNTED = {SCHEMA + "mentions", SCHEMA + "about", KG + "covers", KG + "relatedTo"}
_RUN = 200_000  # link quads sorted in memory before a run goes to disk


def _type_name(types: list[str]) -> str:
    order = ("NewsArticle", "Country", "Person", "Policy", "Concept", "Organization")
    local = [t.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for t in types]
    for name in order:
        if name in local:
            return name
    return sorted(local)[0]


def _label(props: dict, node: str) -> str:
    for pred in _LABEL_PREDICATES:
        values = props.get(pred, [])
        for lang in _LABEL_LANGS:
            for v in values:
                if not isinstance(v, IRI) and (v.lang == lang or lang is None):
                    return v.value
    return node.rsplit("/", 1)[-1]


#: the GraphML keys, declared in every file whether used or not: (for, name) -> (id, type)
_NODE_KEYS = (("label", "string"), ("name", "string"), ("type", "string"), ("iri", "string"),
              ("url", "string"), ("wikidata", "string"), ("date", "string"), ("language", "string"),
              ("sourceFile", "string"), ("policyType", "string"), ("status", "string"),
              ("firstReported", "string"), ("lastReported", "string"), ("articles", "int"))
_EDGE_KEYS = (("relation", "string"), ("label", "string"), ("predicate", "string"), ("articles", "int"),
              ("weight", "double"))
_KEYS = {**{("node", k): (f"d{i}", t) for i, (k, t) in enumerate(_NODE_KEYS)},
         **{("edge", k): (f"d{len(_NODE_KEYS) + i}", t) for i, (k, t) in enumerate(_EDGE_KEYS)}}


def _node_attrs(node: str, triples: list) -> dict | None:
    """A subject's GraphML attributes, or None if it is not drawn as a node."""
    props: dict[str, list] = defaultdict(list)
    for _, p, o in triples:
        props[p].append(o)
    types = props.get(RDF_TYPE)
    if not types or any(t in _NOT_NODES for t in types):
        return None
    label = _label(props, node)
    attrs = {"label": label, "name": label, "type": _type_name(types), "iri": str(node)}
    for pred, key in _SCALARS.items():
        vals = sorted(compact(v) if isinstance(v, IRI) and pred != SCHEMA + "url" else
                      (str(v) if isinstance(v, IRI) else v.value) for v in props.get(pred, []))
        if vals:
            attrs[key] = " | ".join(str(v) for v in vals)
    if "date" not in attrs and "firstReported" in attrs:
        attrs["date"] = attrs["firstReported"]
    same = [str(v) for v in props.get("http://www.w3.org/2002/07/owl#sameAs", [])]
    if same:
        attrs["wikidata"] = " | ".join(sorted(same))
    return attrs


class Links:
    """The links between IRIs (s, p, o, graph) in a graph-first stream, re-sorted by an external
    sort (sorted runs of at most ``_RUN`` links on disk, merged) into (s, p, o, articles),
    ``articles`` being the number of named graphs (articles) that hold the link. Also counts,
    for each object, the articles that mention, tag, cover or link to it (``articles``).
    :mod:`kg.exporters.stream` feeds it: ``buf`` takes (s, p, o, g) rows, :meth:`flush` when
    it holds ``_RUN``."""

    def __init__(self) -> None:
        self.runs: list = []
        self.buf: list[tuple[str, str, str, str]] = []
        self.articles: dict[str, int] = defaultdict(int)
        self.disk = 0  # bytes of the runs and the merged file
        self.merged: Optional[list] = None
        self.spool = None

    def flush(self) -> None:
        if self.buf:
            self.buf.sort()
            fh = tempfile.TemporaryFile(prefix="kg-links-")
            spooled(self.buf, fh, RUN_RECORD)  # (merged with the others: a small record of each in memory)
            self.disk += fh.tell()
            fh.seek(0)
            self.runs.append(fh)
            self.buf.clear()

    def finish(self, spool) -> None:
        """Merge the runs into (s, p, o, articles) rows in (s, p, o) order: :meth:`rows`. Links
        that never filled a run stay in memory; else they go to ``spool``."""
        if not self.runs:
            self.buf.sort()
            self.merged = list(_count_graphs(self.buf))
            self.buf = []
            return
        self.flush()
        try:
            spooled(_count_graphs(heapq.merge(*(read_spooled(fh) for fh in self.runs))), spool)
            self.disk += spool.tell()
        finally:
            for fh in self.runs:
                fh.close()
            self.runs = []
        self.spool = spool

    def rows(self) -> Iterator[tuple]:
        if self.merged is not None:
            return iter(self.merged)
        self.spool.seek(0)
        return read_spooled(self.spool)


def _count_graphs(links: Iterable[tuple]) -> Iterator[tuple]:
    """(s, p, o, number of distinct named graphs) of sorted (s, p, o, g) rows (the default
    graph, "", is not counted). A plain loop: the IRIs are interned, so most comparisons are
    by identity."""
    ps = pp = po = pg = None
    n = 0
    for s, p, o, g in links:
        if (o is not po or p is not pp or s is not ps) and (o != po or p != pp or s != ps):
            if ps is not None:
                yield ps, pp, po, n
            ps, pp, po, pg, n = s, p, o, None, 0
        if g and g != pg:
            n += 1
            pg = g
    if ps is not None:
        yield ps, pp, po, n


_NMTOKEN = re.compile(r"[A-Za-z0-9_:-]+")  # an NMTOKEN without the dot (the separator of edge ids)


def node_id(iri: str) -> str:
    """The id of the node of ``iri``: ``n`` and 64 bits of its hash, URL-safe base64 (letters,
    digits, ``-`` and ``_``: an XML NMTOKEN)."""
    digest = hashlib.blake2b(iri.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return "n" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _predicate_id(p: str) -> str:
    name = compact(p)
    if _NMTOKEN.fullmatch(name) and name != p:
        return name  # "kg:restricts", "schema:mentions"
    return "p" + hashlib.blake2b(p.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def _free_id(iri: str, taken: set) -> str:
    """The node id of ``iri``, or, if an IRI before it has the same hash (its id is in
    ``taken``), that id with the first free suffix."""
    ident = node_id(iri)
    if ident in taken:
        k = 2
        while f"{ident}_{k}" in taken:
            k += 1
        ident = f"{ident}_{k}"
    return ident


def edge_id(source: str, target: str, p: str) -> str:
    """The id of the edge ``p`` from the node ``source`` to ``target`` (their ids): unique,
    since node ids hold no dot and an edge is one per (source, predicate, target)."""
    return f"{source}.{target}.{_predicate_id(p)}"


def items(nodes: Callable[[], Iterable[tuple[str, dict]]], links: Callable[[], Iterable[tuple]],
          articles: dict, node_filter: Optional[Callable[[dict], bool]] = None,
          keep: Optional[Callable[[str], bool]] = None, linked_only: bool = False) -> Iterator[tuple]:
    """("node", id, attrs) for every node, then ("edge", (source, target, id), attrs) for
    every edge, in a stable order (nodes by IRI, edges by subject, predicate, object).
    ``nodes()`` gives (iri, attrs) of every subject drawn as a node, by IRI; ``links()`` the
    (s, p, o, articles) of :class:`Links`. ``linked_only``: only nodes with a link to another."""
    wanted: Optional[set[str]] = None
    if linked_only:
        candidates = {iri for iri, attrs in nodes() if node_filter is None or node_filter(attrs)}
        wanted = set()
        for s, p, o, _ in links():
            if p not in _SKIP_EDGES and (keep is None or keep(p)) and s != o and s in candidates and o in candidates:
                wanted.update((s, o))
        del candidates
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for iri, attrs in nodes():
        if (wanted is not None and iri not in wanted) or (node_filter is not None and not node_filter(attrs)):
            continue
        attrs = {**attrs, "articles": str(articles.get(iri, 0))}
        ident = _free_id(iri, taken)
        taken.add(ident)
        ids[iri] = ident
        yield ("node", ident, attrs)
    del taken
    for s, p, o, count in links():
        if p not in _SKIP_EDGES and (keep is None or keep(p)) and s in ids and o in ids:
            name = compact(p).split(":", 1)[-1]
            source, target = ids[s], ids[o]
            yield ("edge", (source, target, edge_id(source, target, p)),
                   {"relation": name, "label": name, "predicate": p, "articles": str(count),
                    "weight": str(max(1, count))})


# what XML 1.0 cannot hold: controls (but tab and line ends), lone surrogates, U+FFFE/U+FFFF
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(value: str, escaped: list) -> str:
    """The value as XML can hold it: characters it cannot are escaped as ``\\uXXXX``."""
    if not _NOT_XML.search(value):
        return value
    escaped.append(value)
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group(0)):04x}", value)


@contextmanager
def _graph_element(xf):
    """The declaration, the graphml element with its keys, and the graph element, open."""
    xf.write_declaration()
    with xf.element("graphml", {"xmlns": _NS, "xmlns:xsi": _XSI, "xsi:schemaLocation": f"{_NS} {_NS}/1.0/graphml.xsd"}):
        for (scope, name), (ident, typ) in _KEYS.items():
            xf.write(etree.Element("key", {"id": ident, "for": scope, "attr.name": name, "attr.type": typ}),
                     pretty_print=True)
        with xf.element("graph", edgedefault="directed"):
            yield


def _frame() -> tuple[bytes, bytes]:
    """What lxml writes before the first element of the graph and after the last."""
    global _FRAME
    if _FRAME is None:
        buf = io.BytesIO()
        with etree.xmlfile(buf, encoding="utf-8") as xf, _graph_element(xf):
            xf.write(etree.Element("cut"))
        data = buf.getvalue()
        _FRAME = (data[:data.index(b"<cut/>")], data[data.index(b"<cut/>") + len(b"<cut/>"):])
    return _FRAME


_FRAME: Optional[tuple[bytes, bytes]] = None
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def write_elements(fh, items: Iterator[tuple], escaped: Optional[list] = None) -> None:
    """GraphML as networkx writes it, streamed, byte for byte what lxml's ``xmlfile`` writes
    element by element with ``pretty_print`` (the elements are formatted here, a good deal
    faster: :func:`_element`; a test compares the two). A value with characters XML cannot
    hold (which the readers remove before, so only a value from elsewhere) is written with
    them escaped and added to ``escaped``."""
    escaped = [] if escaped is None else escaped
    head, tail = _frame()
    fh.write(head)
    out: list[str] = []
    for kind, ident, attrs in items:
        out.append(_element(kind, ident, attrs, escaped))
        if len(out) >= 20_000:
            fh.write("".join(out).encode("utf-8"))
            out = []
    fh.write("".join(out).encode("utf-8"))
    fh.write(tail)


def _element(kind: str, ident, attrs: dict, escaped: list) -> str:
    """One element as :func:`write_elements` writes it."""
    keys = _KEYS
    start = f'<node id="{ident}"' if kind == "node" else \
        f'<edge id="{ident[2]}" source="{ident[0]}" target="{ident[1]}"'
    if not attrs:
        return start + "/>\n"
    parts = [start, ">\n"]
    for k, v in attrs.items():
        parts.append(f'  <data key="{keys[(kind, k)][0]}">{_xml_text(v, escaped).translate(_TEXT_ESCAPES)}</data>\n')
    parts.append("</node>\n" if kind == "node" else "</edge>\n")
    return "".join(parts)


#: the length of a node id without a suffix ("n" and 64 bits in unpadded base64)
_ID_LEN = 12


class Elements:
    """graph.graphml written element by element from the node rows and the counted links (as
    :func:`items` and :func:`write_elements` write it), each element rendered, or copied from
    the previous file where it is known to be the same (``old``, a
    :class:`kg.exporters.splice.Splice` from the previous file to the new). Gives each row
    back with its element's id and length (the index the next write copies from) and gathers
    the rows ``actors.graphml`` is made from.

    A node row is (iri, attrs or None, id or None, old length, same): ``old length`` the
    length of its element in the previous file (0: none there), ``same``: that element is
    the one to write (copied). A link row is (s, p, o, articles or None, old length, same),
    copied only if neither end became or ceased to be a node (``flipped``). A row whose
    attrs or articles are None is gone (its old element skipped); a node without an id gets
    its own (:func:`node_id`, with a suffix if an IRI before it has the same)."""

    def __init__(self, fh, articles: dict, escaped: list, old=None, flipped=frozenset(),
                 actor_filter: Optional[Callable[[dict], bool]] = None,
                 actor_keep: Optional[Callable[[str], bool]] = None) -> None:
        head, self.tail = _frame()
        self.fh, self.articles, self.escaped, self.old, self.flipped = fh, articles, escaped, old, flipped
        self.actor_filter, self.actor_keep = actor_filter, actor_keep
        self.actor_nodes: list[tuple] = []
        self.actor_links: list[tuple] = []
        self.ids: dict[str, str] = {}
        self.taken: set[str] = set()
        self.clashes = 0  # ids with a suffix
        self.out: list[str] = []
        if old is None:
            fh.write(head)
        else:
            old.copy(len(head))

    def _put(self, text: str) -> int:
        if self.old is not None:
            data = text.encode("utf-8")
            self.old.write(data)
            return len(data)
        self.out.append(text)
        if len(self.out) >= 20_000:
            self.fh.write("".join(self.out).encode("utf-8"))
            self.out = []
        return len(text) if text.isascii() else len(text.encode("utf-8"))

    def _copied(self, same: bool, was: int) -> bool:
        """The previous file's element (``was`` bytes, maybe none) copied if it is the one to
        write (True), else skipped."""
        if self.old is None:
            return False
        if same:
            if was:
                self.old.copy(was)
            return True
        if was:
            self.old.skip(was)
        return False

    def nodes(self, rows: Iterable[tuple]) -> Iterator[tuple]:
        """The node elements; yields each node's row as (iri, attrs, id, length)."""
        ids, taken, articles = self.ids, self.taken, self.articles
        wanted = self.actor_filter
        for iri, attrs, ident, was, same in rows:
            if self._copied(same, was):
                size = was
            else:
                if attrs is None:
                    continue
                if ident is None:
                    ident = _free_id(iri, taken)
                size = self._put(_element("node", ident, {**attrs, "articles": str(articles.get(iri, 0))},
                                          self.escaped))
            if len(ident) != _ID_LEN:
                self.clashes += 1
            taken.add(ident)
            ids[iri] = ident
            if wanted is not None and wanted(attrs):
                self.actor_nodes.append((iri, attrs))
            yield (iri, attrs, ident, size)

    def links(self, rows: Iterable[tuple]) -> Iterator[tuple]:
        """The edge elements; yields each link's row as (s, p, o, articles, length)."""
        ids, flipped, keep = self.ids, self.flipped, self.actor_keep
        for s, p, o, count, was, same in rows:
            if self._copied(same and s not in flipped and o not in flipped, was):
                size = was
            else:
                if count is None:
                    continue
                size = 0
                if p not in _SKIP_EDGES and s in ids and o in ids:
                    name = compact(p).split(":", 1)[-1]
                    source, target = ids[s], ids[o]
                    size = self._put(_element(
                        "edge", (source, target, edge_id(source, target, p)),
                        {"relation": name, "label": name, "predicate": p, "articles": str(count),
                         "weight": str(max(1, count))}, self.escaped))
            if keep is not None and p not in _SKIP_EDGES and keep(p):
                self.actor_links.append((s, p, o, count))
            yield (s, p, o, count, size)

    def copy_links(self, size: int, actor_links: list) -> None:
        """Edges copied as they were (``size`` bytes of the previous file) with no row read:
        their links did not change, nor did any end become or cease to be a node; their rows
        of ``actors.graphml``."""
        self.old.copy(size)
        self.actor_links.extend(actor_links)

    def finish(self, later: Optional[list] = None) -> None:
        """The file's end written; spliced, the copying waited for, or (``later``) left to
        finish while the caller goes on: the Splice is put in ``later`` to wait for."""
        if self.old is not None:
            self.old.write(self.tail)
            self.old.finish(later)
            return
        self.fh.write("".join(self.out).encode("utf-8"))
        self.out = []
        self.fh.write(self.tail)

    def actors(self) -> Iterator[tuple]:
        """The elements of ``actors.graphml`` (see :func:`items`), from the rows gathered."""
        return items(lambda: self.actor_nodes, lambda: self.actor_links, self.articles,
                     node_filter=self.actor_filter, keep=self.actor_keep, linked_only=True)


def write_elements_lxml(fh, items: Iterator[tuple], escaped: Optional[list] = None) -> None:
    """The same file through lxml, element by element (the reference of the tests)."""
    escaped = [] if escaped is None else escaped
    with etree.xmlfile(fh, encoding="utf-8") as xf, _graph_element(xf):
        for kind, ident, attrs in items:
            if kind == "node":
                el = etree.Element("node", id=ident)
            else:
                el = etree.Element("edge", id=ident[2], source=ident[0], target=ident[1])
            for k, v in attrs.items():
                etree.SubElement(el, "data", key=_KEYS[(kind, k)][0]).text = _xml_text(v, escaped)
            xf.write(el, pretty_print=True)


def report_escaped(result, filename: str, escaped: list) -> None:
    """Values escaped for XML, among the build's warnings."""
    report = getattr(result, "report", None)
    if escaped and isinstance(report, dict):
        report.setdefault("warnings", []).append(
            {"file": filename, "warning": f"{len(escaped)} value(s) with characters XML cannot hold were "
                                          f"escaped as \\uXXXX (first: {escaped[0][:80]!r})"})


def write(result, fh) -> None:
    from .stream import write_streams

    write_streams(result, {NAME: fh})
