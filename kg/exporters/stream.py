"""Every export, and the query store, from one merge of the graph's sorted runs.

The graph (:class:`kg.quads.QuadSet`) gives its quads twice, each in one merge of its runs:

- in quad order (graph, subject, predicate, object): ``graph.nq`` is written line by line;
  the same N-Quads lines load the query store; the links between IRIs go to one external
  sort (:class:`kg.exporters.graphml.Links`) that counts, for each, the articles stating it,
  for the GraphML writers and the names index's adjacency table; the quads and named
  graphs are counted for ``report.json``;
- in triple order (the union graph, each triple once, subject by subject): each subject's
  statements are made into terms once and handed to the Turtle and JSON-LD writers, the
  GraphML node attributes (spooled to a temporary file), the counts of ``report.json``, and
  the store's default graph (the union, as N-Triples).

Then both GraphML files are written from the two small spools (nodes, counted links), and
``report.json`` last (it carries the GraphML writer's warnings). Each writer's output is
byte for byte what it wrote when it made its own pass. A write that keeps an index also
keeps the nodes, the counted links (with each GraphML element's id and length), the article
counts and the report's counts, from which the next write can be made from the changes
alone (:mod:`kg.exporters.delta`).
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import tempfile
from collections import Counter, defaultdict, deque
from itertools import groupby
from operator import itemgetter
from typing import BinaryIO, Optional

from ..quads import read_spooled, spooled
from ..terms import RDF_TYPE, IRI, Literal
from . import actors_graphml, graphml, jsonld, report, turtle
from ._rdf import nt_literal
from .splice import block_hash

__all__ = ["STREAMED", "write_streams"]

#: the exporters written by :func:`write_streams` (others make their own pass)
STREAMED = ("turtle", "nquads", "jsonld", "graphml", "actors-graphml", "report")
_FLUSH = 10_000  # lines or subjects gathered before a write


class _Spool:
    """Rows kept in memory up to ``limit``, beyond it appended to a temporary file in marshal
    records; read back as often as needed."""

    def __init__(self, stack: contextlib.ExitStack, prefix: str, limit: int = 100_000) -> None:
        self.stack, self.prefix, self.limit = stack, prefix, limit
        self.fh = None
        self.buf: list = []

    def add(self, row) -> None:
        self.buf.append(row)
        if len(self.buf) >= self.limit:
            if self.fh is None:
                self.fh = self.stack.enter_context(tempfile.TemporaryFile(prefix=self.prefix))
            spooled(self.buf, self.fh)
            self.buf = []

    def close(self) -> int:
        if self.fh is None:
            return 0
        spooled(self.buf, self.fh)
        self.buf = []
        return self.fh.tell()

    def read(self):
        if self.fh is None:
            return iter(self.buf)
        self.fh.seek(0)
        return read_spooled(self.fh)


def write_streams(result, files: dict[str, BinaryIO], loader=None, index=None, prev=None,
                  texts_to: Optional[dict] = None, changed=None) -> dict:
    """Write the exports named in ``files`` (exporter name -> binary file) and feed
    ``loader`` (a :class:`kg.query.store.StoreLoader`, or None) in one pass over the graph.
    ``index`` (a :class:`kg.exporters.splice.IndexWriter`) records how the N-Quads, Turtle
    and JSON-LD files are made up, for the next build's incremental write; ``prev`` (a
    :class:`kg.exporters.splice.Previous`, with ``index``) is the previous build: its
    unchanged blocks are copied, and ``loader`` is then a store made from the previous one
    that takes only the changes (:mod:`kg.exporters.splice`).
    ``texts_to``: the paths of the files given for ``turtle`` and ``jsonld``: if the graph is
    on disk, another process writes those two beside this pass (a build with two workers or
    more), with the same bytes.
    ``changed`` (a :class:`kg.exporters.changes.Changes`, with ``prev``): the only blocks and
    subjects that may differ from the previous build's; the others are copied unread.
    Returns what the pass measured: ``temp_bytes``, the peak temporary disk of the writers,
    and with ``index`` the blocks and subjects written anew (``changed``)."""
    quads = result.quads
    nq = files.get("nquads")
    tt, js, rp = files.get("turtle"), files.get("jsonld"), files.get("report")
    gm, am = files.get(graphml.NAME), files.get(actors_graphml.NAME)
    unknown = set(files) - set(STREAMED)
    if unknown:
        raise ValueError(f"not written in one pass: {', '.join(sorted(unknown))}")
    stats = {"temp_bytes": 0}
    if index is not None:
        stats["changed"] = {"quad_blocks": 0, "subjects": 0, "copied_bytes": 0,
                            "found_from_runs": changed is not None, "subject_records_copied": 0}
    if prev is not None and (index is None or not (nq and tt and js and loader)):
        raise ValueError("an incremental write needs the N-Quads, Turtle and JSON-LD files, the store and an index")
    counts = {"quads": 0, "graphs": 0, "triples": 0, "types": Counter(), "preds": Counter()}
    with contextlib.ExitStack() as stack:
        elsewhere = _start_texts(quads, tt, js, texts_to, index, prev, changed) if texts_to else None
        if elsewhere is not None:
            stack.callback(elsewhere.stop)
        # the links between IRIs, counted once for the GraphML files and the names index
        links = graphml.Links() if (gm or am or loader) else None
        nodes = _Spool(stack, "kg-nodes-") if (gm or am) else None
        if nq or links or rp or loader:
            _quad_pass(quads, nq, links, loader, counts, index, prev, stats, changed)
        if tt or js or nodes or rp or loader:
            _triple_pass(quads, tt, js, nodes, loader, counts, index, prev, stats, elsewhere is not None, changed)
        if links is not None:
            spool = stack.enter_context(tempfile.TemporaryFile(prefix="kg-links-"))
            links.finish(spool)
            disk = (nodes.close() if nodes is not None else 0) + links.disk
            node_rows, link_rows = (nodes.read if nodes is not None else None), links.rows
            if loader is not None:
                loader.links(link_rows())
            keep = index is not None and set(files) == set(STREAMED)  # for the next write (kg.exporters.delta)
            if gm:
                escaped: list[str] = []
                elements = graphml.Elements(gm, links.articles, escaped,
                                            actor_filter=actors_graphml.node_filter if am else None,
                                            actor_keep=actors_graphml.keep if am else None)
                node_out = elements.nodes((iri, attrs, None, 0, False) for iri, attrs in node_rows())
                link_out = elements.links((*row, 0, False) for row in link_rows())
                if keep:
                    index.nodes(node_out)
                    index.links(link_out)
                else:
                    deque(node_out, 0)
                    deque(link_out, 0)
                elements.finish()
                graphml.report_escaped(result, graphml.FILENAME, escaped)
                if am:
                    graphml.write_elements(am, elements.actors())
                if keep:
                    index.derived(links.articles, counts, {"clashes": elements.clashes, "escaped": len(escaped)})
            elif am:
                graphml.write_elements(am, graphml.items(node_rows, link_rows, links.articles,
                                                         node_filter=actors_graphml.node_filter,
                                                         keep=actors_graphml.keep, linked_only=True))
            stats["temp_bytes"] = disk
        if elsewhere is not None:
            done = elsewhere.result()
            if prev is not None:
                stats["changed"]["subjects"] += done["subjects"]
                stats["changed"]["copied_bytes"] += done["copied_bytes"]
                stats["changed"]["subject_records_copied"] += done["records_copied"]
        if rp:
            rp.write(report.render(result, report.graph_counts(
                counts["quads"], counts["triples"], counts["graphs"], counts["types"], counts["preds"])))
    return stats


def _start_texts(quads, tt, js, paths: dict, index, prev, changed=None) -> Optional["_TextsProcess"]:
    """graph.ttl and graph.jsonld started in a process of their own, if the graph is on disk."""
    runs = quads.triple_runs() if (tt or js) else None
    if runs is None:
        return None
    from .splice import FILENAMES, INDEX_DIR

    spec = {"runs": runs, "turtle": paths.get("turtle") if tt else None,
            "jsonld": paths.get("jsonld") if js else None}
    if (tt and not spec["turtle"]) or (js and not spec["jsonld"]):
        return None
    if index is not None:
        spec["subjects"] = str(index.hand_over_subjects())
    if prev is not None:
        spec["old"] = {name: str(prev.folder / FILENAMES[name]) for name in ("turtle", "jsonld")}
        spec["old_subjects"] = str(prev.gen / INDEX_DIR / "subjects")
        from .changes import SPARSE_SUBJECTS

        if changed is not None and len(changed.subjects) <= SPARSE_SUBJECTS:  # (their rows are held together)
            spec["changed"] = sorted(changed.subjects)
    return _TextsProcess(spec)


def _nq_lines(block) -> str:
    return "".join(f"<{s}> <{p}> {f'<{v}>' if k == 0 else nt_literal(v, lang, dt)} <{g}> .\n" if g else
                   f"<{s}> <{p}> {f'<{v}>' if k == 0 else nt_literal(v, lang, dt)} .\n"
                   for g, s, p, k, v, lang, dt in block)


def _quad_pass(quads, nq: Optional[BinaryIO], links, loader, counts: dict, index=None, prev=None,
               stats: Optional[dict] = None, changed=None) -> None:
    lines: Optional[list[str]] = [] if (nq or loader) and index is None else None
    articles: Optional[dict] = None  # for each object, the articles that mention, tag, cover or link to it
    if links is not None or loader is not None:
        articles = defaultdict(int)
        if links is not None:
            links.articles = articles
        if loader is not None:
            loader.weight = articles
    buf = links.buf if links is not None else None
    run = graphml._RUN
    counted, skip_edges = graphml._COUNTED, graphml._SKIP_EDGES
    # the links GraphML draws (not types, not relatedTo) and those of the names index (not
    # types, not reification, provenance, URLs or images): each reader filters its own
    skip_edges = skip_edges & loader.skip if loader is not None else skip_edges
    n = graphs = 0
    last: Optional[str] = None
    seen: set[str] = set()  # objects counted for the current graph's article
    blocks = _Blocks(nq, loader, index, prev, stats, changed) if index is not None else None
    for g, s, p, k, v, lang, dt in quads.rows():
        n += 1
        if g != last:  # a graph's quads are contiguous, the default graph's first
            if g:
                graphs += 1
            seen.clear()
            last = g
        if lines is not None:
            obj = f"<{v}>" if k == 0 else nt_literal(v, lang, dt)
            lines.append(f"<{s}> <{p}> {obj} <{g}> .\n" if g else f"<{s}> <{p}> {obj} .\n")
            if len(lines) >= _FLUSH:
                _emit(lines, nq, loader.quads if loader else None)
                lines = []
        elif blocks is not None:
            blocks.row((g, s, p, k, v, lang, dt))
        if articles is not None and k == 0 and g and p in counted and v not in seen:
            seen.add(v)
            articles[v] += 1
        if buf is not None and k == 0:
            if p not in skip_edges:
                buf.append((s, p, v, g))
                if len(buf) >= run:
                    links.flush()
                    buf = links.buf
    if lines:
        _emit(lines, nq, loader.quads if loader else None)
    if blocks is not None:
        blocks.finish()
    counts["quads"], counts["graphs"] = n, graphs


class _Blocks:
    """graph.nq (and the store's named graphs) block by block: the quads of one subject in
    one graph. Each block's hash and length go to the index; with a previous build, a block
    it had with the same hash is copied from its graph.nq and the store keeps it, others are
    written and replace the store's (:mod:`kg.exporters.splice`). ``changed``: the only
    blocks that may differ from the previous build's (the others are copied unhashed)."""

    def __init__(self, nq, loader, index, prev, stats, changed=None) -> None:
        from .splice import Splice

        self.nq, self.loader, self.index, self.stats = nq, loader, index, stats["changed"]
        self.changed = changed.blocks if changed is not None else None
        self.key: Optional[tuple] = None
        self.block: list = []
        self.splice = Splice(nq, prev.files["nquads"], 0) if prev is not None else None
        self.old = iter(prev.quad_blocks()) if prev is not None else None
        self.cur = next(self.old, None) if prev is not None else None
        self.pending: list[bytes] = []  # a full write: bytes for graph.nq and the store
        self.size = 0

    def row(self, row: tuple) -> None:
        key = row[:2]
        if key != self.key:
            if self.block:
                self._end()
            self.key = key
            self.block = []
        self.block.append(row)

    def _end(self) -> None:
        block, (g, s) = self.block, self.key
        if self.splice is None:
            digest = block_hash(block)
            data = _nq_lines(block).encode("utf-8")
            self.pending.append(data)
            self.size += len(data)
            if self.size >= 1 << 20:
                self._send()
            self.index.quad_block(g, s, digest, len(data))
            return
        cur = self.cur
        while cur is not None and (cur[0], cur[1]) < (g, s):  # blocks no longer there
            splice_block(self.splice, self.loader, self.index, cur[0], cur[1], None, cur)
            cur = next(self.old, None)
        here = cur is not None and cur[0] == g and cur[1] == s
        digest = cur[2] if here and self.changed is not None and (g, s) not in self.changed else block_hash(block)
        self.stats["quad_blocks"] += splice_block(self.splice, self.loader, self.index, g, s, block,
                                                  cur if here else None, digest)
        self.cur = next(self.old, None) if here else cur

    def _send(self) -> None:
        data = b"".join(self.pending)
        self.pending, self.size = [], 0
        if self.nq is not None:
            self.nq.write(data)
        if self.loader is not None:
            self.loader.quads(data)

    def finish(self) -> None:
        if self.block:
            self._end()
        self.block = []
        if self.splice is None:
            self._send()
            return
        cur = self.cur
        while cur is not None:
            splice_block(self.splice, self.loader, self.index, cur[0], cur[1], None, cur)
            cur = next(self.old, None)
        self.splice.finish()
        self.stats["copied_bytes"] += self.splice.copied


def splice_block(splice, loader, index, g: str, s: str, rows: Optional[list], old: Optional[tuple],
                 digest: Optional[bytes] = None) -> bool:
    """One block of graph.nq beside the previous build's: ``rows`` its quads (None: gone),
    ``old`` its entry in the previous index ((g, s, digest, length), or None), ``digest`` the
    hash of ``rows``. Copied if the hash is the old one, else the old bytes skipped and the
    store's block taken out, and the new one written and put in (the default graph's blocks
    stay out of the store: it holds the union, kept subject by subject); recorded in the
    index. True if written anew."""
    if old is not None and rows and old[2] == digest:
        splice.copy(old[3])
        index.quad_block(g, s, digest, old[3])
        return False
    if old is not None:
        splice.skip(old[3])
        if g:
            loader.drop_block(g, s)
    if not rows:
        return False
    data = _nq_lines(rows).encode("utf-8")
    splice.write(data)
    if g:
        loader.quads(data)
    index.quad_block(g, s, digest, len(data))
    return True


def _emit(lines: list[str], fh: Optional[BinaryIO], sink) -> None:
    data = "".join(lines).encode("utf-8")
    if fh is not None:
        fh.write(data)
    if sink is not None:
        sink(data)


def _union_lines(rows) -> str:
    return "".join(f"<{s}> <{p}> <{v}> .\n" if k == 0 else f"<{s}> <{p}> {nt_literal(v, lang, dt)} .\n"
                   for s, p, k, v, lang, dt in rows)


class _Texts:
    """graph.ttl and graph.jsonld, subject by subject: written anew, or, with the previous
    build's files (``old_files``) and its subject index (``old``), copied from them where a
    subject's hash is the one it had, or where it is known not to have changed.
    ``record(s, digest, ttl_len, js_len)``: the index of the files being written (both are
    then written). ``sparse``: only the subjects that may have changed are given
    (:meth:`subject`, :meth:`gone`), in order; the old ones between them are copied, a whole
    record of the old index at a time where ``record_raw`` is given (it writes such a record
    to the new index; ``old`` is then a :class:`kg.exporters.splice.RecordCursor`)."""

    def __init__(self, tt, js, record=None, old_files: Optional[dict] = None, old=None, sparse: bool = False,
                 record_raw=None) -> None:
        from .splice import Splice

        self.tt, self.js, self.record = tt, js, record
        self.first = True  # no node written yet (JSON-LD's separator)
        self.ttl: list[str] = []
        self.jsn: list[str] = []
        self.changed = self.copied = 0
        self.records_copied = 0  # records of the old index copied whole (sparse)
        if tt:
            tt.write(turtle.header())
        if js:
            js.write(jsonld.header())
        self.tsp = self.jsp = None
        if old_files is not None:
            self.tsp = Splice(tt, old_files["turtle"], len(turtle.header()))
            self.jsp = Splice(js, old_files["jsonld"], len(jsonld.header()))
            self.old = iter(old)
            self.cur = next(self.old, None)
            self.old_first = True
        self._before = self._keep if sparse else self._drop  # what comes of an old subject not given
        self._raw = record_raw if sparse else None

    def _drop(self, entry) -> None:  # an old subject: skipped in both files
        self.tsp.skip(entry[2])
        self.jsp.skip((3 if self.old_first else 4) + entry[3])
        self.old_first = False

    def _keep(self, entry) -> None:  # an old subject as it was: copied from both files
        first = self.first
        self.first = False
        self.tsp.copy(entry[2])
        if self.old_first == first:
            self.jsp.copy((3 if first else 4) + entry[3])
        else:  # the JSON-LD separator differs (a node became, or ceased to be, the first)
            self.jsp.skip(3 if self.old_first else 4)
            self.jsp.write(b"\n  " if first else b",\n  ")
            self.jsp.copy(entry[3])
        self.record(*entry)
        self.old_first = False

    def _through(self, s: Optional[str]):
        """The old subjects before ``s`` (None: all that are left) dropped (or, sparse, kept);
        the old entry now next."""
        cur = self.cur
        while cur is not None and (s is None or cur[0] < s):
            if self._raw is not None and not self.first and not self.old_first:
                whole = self.old.whole_before(s, itemgetter(0))
                if whole is not None:  # a record of old subjects, none of them the first: as they were
                    data, entries = whole
                    self.tsp.copy(sum(e[2] for e in entries))
                    self.jsp.copy(sum(e[3] for e in entries) + 4 * len(entries))  # (each after ",\n  ")
                    self._raw(data)
                    self.records_copied += 1
                    cur = next(self.old, None)
                    continue
            self._before(cur)
            cur = next(self.old, None)
        self.cur = cur
        return cur

    def changed_subject(self, s: str, rows: Optional[list]) -> Optional[list]:
        """A subject that may have changed, with its rows (None or empty: it has none any more;
        sparse): written, copied or dropped; its triples returned (None if gone)."""
        if not rows:
            self.gone(s)
            return None
        subject, triples = _triples(s, rows)
        self.subject(s, subject, triples, rows)
        return triples

    def gone(self, s: str) -> None:
        """A subject that may have changed has no triples any more (sparse)."""
        cur = self._through(s)
        if cur is not None and cur[0] == s:
            self._drop(cur)
            self.cur = next(self.old, None)

    def subject(self, s: str, subject: IRI, triples: list, rows: list, digest: Optional[bytes] = None,
                same: bool = False) -> None:
        """``rows``: the subject's rows, hashed unless ``digest`` is given; ``same``: known to
        be as in the previous build (its old block is copied unhashed)."""
        if self.tsp is not None:
            tsp, jsp = self.tsp, self.jsp
            cur = self._through(s)
            here = cur is not None and cur[0] == s
            if here and not same and digest is None:
                digest = block_hash(rows)
            if here and (same or cur[1] == digest):
                self._keep(cur)
                self.cur = next(self.old, None)
                return
            first = self.first
            self.first = False
            if here:
                self._drop(cur)
                cur = next(self.old, None)
            self.cur = cur
            self.changed += 1
            if digest is None:
                digest = block_hash(rows)
            t_data = turtle.block(subject, triples).encode("utf-8")
            j_data = jsonld.node_text(subject, triples, first).encode("utf-8")
            tsp.write(t_data)
            jsp.write(j_data)
            self.record(s, digest, len(t_data), len(j_data) - (3 if first else 4))
            return
        first = self.first
        self.first = False
        if self.record is not None:
            if digest is None:
                digest = block_hash(rows)
            t_text = turtle.block(subject, triples)
            j_text = jsonld.node_text(subject, triples, first)
            self.ttl.append(t_text)
            self.jsn.append(j_text)
            self.record(s, digest, len(t_text.encode("utf-8")), len(j_text.encode("utf-8")) - (3 if first else 4))
        else:
            if self.tt:
                self.ttl.append(turtle.block(subject, triples))
            if self.js:
                self.jsn.append(jsonld.node_text(subject, triples, first))
        if len(self.ttl) + len(self.jsn) >= _FLUSH:
            self._write()

    def _write(self) -> None:
        if self.tt:
            self.tt.write("".join(self.ttl).encode("utf-8"))
        if self.js:
            self.js.write("".join(self.jsn).encode("utf-8"))
        self.ttl, self.jsn = [], []

    def finish(self, later: Optional[list] = None) -> None:
        """Both files' ends written; spliced, the copying waited for, or (``later``) left to
        finish while the caller goes on: the Splices are put in ``later`` to wait for."""
        if self.tsp is None:
            self._write()
            if self.js:
                self.js.write(jsonld.trailer(self.first))
            return
        self._through(None)
        self.jsp.write(jsonld.trailer(self.first))
        self.tsp.finish(later)
        self.jsp.finish(later)
        self.copied = self.tsp.copied + self.jsp.copied


def _triples(s: str, rows: list) -> tuple[IRI, list]:
    subject = IRI(s)
    return subject, [(subject, IRI(p), IRI(v) if k == 0 else Literal(v, lang or None, dt or None))
                     for _, p, k, v, lang, dt in rows]


def _triple_pass(quads, tt, js, nodes: Optional[_Spool], loader, counts: dict, index=None, prev=None,
                 stats: Optional[dict] = None, texts_elsewhere: bool = False, changed=None) -> None:
    """``texts_elsewhere``: graph.ttl and graph.jsonld (and their index) are written by
    another process (:class:`_TextsProcess`), not here. ``changed``: see :func:`write_streams`."""

    texts = None
    if (tt or js) and not texts_elsewhere:
        texts = _Texts(tt, js, index.subject if index is not None else None,
                       prev.files if prev is not None else None, prev.subjects() if prev is not None else None)
    union: list[str] = []
    n = 0
    types, preds = counts["types"], counts["preds"]
    may_differ = changed.subjects if changed is not None else None
    old = cur = None
    if prev is not None and loader is not None:  # the store: a copy of the previous one, given the changes
        old = iter(prev.subjects())
        cur = next(old, None)
    for s, group in groupby(quads.triple_rows(), key=itemgetter(0)):
        rows = list(group)
        subject, triples = _triples(s, rows)
        n += len(triples)
        for _, p, o in triples:
            preds[p] += 1
            if p == RDF_TYPE:
                types[o] += 1
        if nodes is not None:
            attrs = graphml._node_attrs(subject, triples)
            if attrs is not None:
                nodes.add((s, attrs))
        if loader is not None:
            loader.subject(s, triples)
        same = may_differ is not None and s not in may_differ
        # a block's hash (unless it is known not to have changed): for the index of the texts
        # written here, and for the store's changes
        digest = block_hash(rows) if not same and ((index is not None and texts is not None) or old is not None) \
            else None
        if texts is not None:
            texts.subject(s, subject, triples, rows, digest, same)
        if old is not None:
            while cur is not None and cur[0] < s:  # gone: out of the store
                loader.drop_subject(cur[0])
                cur = next(old, None)
            if cur is not None and cur[0] == s:
                unchanged = same or cur[1] == digest
                if not unchanged:
                    loader.drop_subject(s)
                cur = next(old, None)
                if unchanged:
                    continue
            loader.union(_union_lines(rows).encode("utf-8"))
        elif loader is not None:
            union.extend(f"<{s}> <{p}> <{v}> .\n" if k == 0 else f"<{s}> <{p}> {nt_literal(v, lang, dt)} .\n"
                         for _, p, k, v, lang, dt in rows)
            if len(union) >= _FLUSH:
                loader.union("".join(union).encode("utf-8"))
                union = []
    while cur is not None:
        loader.drop_subject(cur[0])
        cur = next(old, None)
    if texts is not None:
        texts.finish()
        if prev is not None:
            stats["changed"]["subjects"] += texts.changed
            stats["changed"]["copied_bytes"] += texts.copied
    if loader is not None and union:
        loader.union("".join(union).encode("utf-8"))
    counts["triples"] = n


def _write_texts(spec: dict) -> dict:
    """graph.ttl and graph.jsonld (and their index) as :func:`_triple_pass` writes them, in a
    process of their own: ``spec`` names the graph's triple runs, the files to write and the
    previous build's (see :class:`_TextsProcess`)."""
    from ..quads import merged_runs
    from .splice import RecordCursor, Records, read_records

    with contextlib.ExitStack() as stack:
        def opened(path, mode):
            return stack.enter_context(open(path, mode)) if path else None

        tt, js = opened(spec.get("turtle"), "wb"), opened(spec.get("jsonld"), "wb")
        index = Records(spec["subjects"]) if spec.get("subjects") else None
        if index is not None:
            stack.callback(index.fh.close)
        old_files = old = None
        sparse = bool(spec.get("old")) and spec.get("changed") is not None
        if spec.get("old"):
            old_files = {name: opened(path, "rb") for name, path in spec["old"].items()}
            fh = opened(spec["old_subjects"], "rb")
            old = RecordCursor(read_records(fh)) if sparse else read_spooled(fh)
        texts = _Texts(tt, js, index.add if index is not None else None, old_files, old, sparse=sparse,
                       record_raw=index.raw if index is not None and sparse else None)
        if sparse:  # only the subjects that may have changed, read from the runs that may hold them
            from .changes import fetch

            found = fetch(spec["runs"], spec["changed"], itemgetter(0))
            for s in spec["changed"]:
                texts.changed_subject(s, found.get(s))
        else:
            for s, group in groupby(merged_runs(spec["runs"]), key=itemgetter(0)):
                rows = list(group)
                texts.subject(s, *_triples(s, rows), rows)
        texts.finish()
        if index is not None:
            index.close(sync=True)
        for fh in (tt, js):
            if fh is not None:
                fh.flush()
                os.fsync(fh.fileno())
        return {"subjects": texts.changed, "copied_bytes": texts.copied, "records_copied": texts.records_copied}


def _texts_main(spec: dict, conn) -> None:
    try:
        value = ("ok", _write_texts(spec))
    except BaseException as exc:  # noqa: BLE001 - given to the build, which raises it
        value = ("error", exc)
    try:
        conn.send(value)
    except Exception:  # noqa: BLE001 - an exception that does not pickle
        conn.send(("error", RuntimeError(f"{type(value[1]).__name__}: {value[1]}")))
    conn.close()


class _TextsProcess:
    """graph.ttl and graph.jsonld written by a process of their own (started fresh, not
    forked: the build's store loader has threads), beside this one's pass: for a build with
    two workers or more whose graph is on disk."""

    def __init__(self, spec: dict) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._recv, send = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=_texts_main, args=(spec, send), name="kg-texts", daemon=True)
        self.proc.start()
        send.close()

    def result(self) -> dict:
        try:
            status, value = self._recv.recv()
        except EOFError:
            self.proc.join()
            raise RuntimeError(f"the process writing graph.ttl and graph.jsonld ended (exit code "
                               f"{self.proc.exitcode}) before it was done") from None
        self.proc.join()
        if status == "error":
            raise value
        return value

    def stop(self) -> None:
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join()
        self._recv.close()
