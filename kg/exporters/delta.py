"""A write made from the previous one and what changed alone: the rebuild after a few files
changed reads the rows of the blocks and subjects that may differ (:mod:`kg.exporters.changes`),
not the whole graph.

Every export is a function of the graph that decomposes:

- ``graph.nq`` block by block (the quads of one subject in one graph) and ``graph.ttl`` and
  ``graph.jsonld`` subject by subject: the changed ones are written, the rest copied from the
  previous files (:mod:`kg.exporters.splice`); the store takes out and puts in the same;
- a link's article count is the number of named graphs whose block of its subject states it,
  so the changed blocks' old and new rows give each changed count; an object's article count
  is the number of named graphs that mention, tag, cover or link to it, so a graph whose
  changed blocks differ in those is read whole (it is one article) to tell;
- a node's GraphML attributes and its names rows are its statements in the union graph;
- the report's counts are sums over blocks and subjects.

So the previous write's counted links, nodes, article counts and graph counts (kept in its
index: :meth:`kg.exporters.splice.IndexWriter.derived`) are updated with the differences and
kept for the next; the names index is a copy of the previous one, updated
(:func:`kg.query.names.update_names`); the GraphML files are written from the updated links
and nodes. Each file is byte for byte what a full write of the new graph gives (tested
against clean builds).
"""
from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from operator import itemgetter
from typing import BinaryIO, Iterable, Iterator

from ..quads import key_sum, quad_key, read_record, read_spooled, record_bytes
from ..terms import IRI, RDF_TYPE
from . import actors_graphml, graphml, report
from .changes import SPARSE_SUBJECTS, fetch, fetch_graph
from .splice import RecordCursor, Splice, block_hash, wait_all

__all__ = ["LINK_RECORD", "link_records", "usable", "write_changes"]


def usable(prev, changed, names) -> bool:
    """Whether the write can be made from the changes alone: every streamed export is written,
    the previous write kept what the others are made from, and the changes are few."""
    from .stream import STREAMED

    return (prev is not None and changed is not None and set(names) == set(STREAMED)
            and len(changed.blocks) + len(changed.subjects) <= SPARSE_SUBJECTS and prev.derived() is not None
            and (prev.gen / "names.sqlite").is_file())


def write_changes(result, files: dict[str, BinaryIO], loader, index, prev, changed, old_pairs: list,
                  new_pairs: list) -> dict:
    """Every streamed export, the store and the index, from the previous write (``prev``) and
    the rows of the blocks and subjects ``changed`` in the old runs ``old_pairs`` and the new
    ``new_pairs`` ((quad run, triple run) files). Returns what :func:`kg.exporters.stream.write_streams` does."""
    from .stream import STREAMED

    if set(files) != set(STREAMED) or loader is None or not loader.names_updated:
        raise ValueError("a write from the changes needs every streamed export and a store whose names index is updated")
    later: list = []  # Splices still copying in their threads, waited for at the end
    try:
        out = _write_changes(result, files, loader, index, prev, changed, old_pairs, new_pairs, later)
    except BaseException:
        try:
            wait_all(later)
        except BaseException:  # noqa: BLE001 - the first error is the one said
            pass
        raise
    wait_all(later)
    return out


def _write_changes(result, files, loader, index, prev, changed, old_pairs, new_pairs, later: list) -> dict:
    done = {"quad_blocks": 0, "subjects": 0, "copied_bytes": 0, "found_from_runs": True, "sparse": True,
            "quad_records_copied": 0, "subject_records_copied": 0}
    derived = prev.derived()
    counts, articles = derived["counts"], derived["articles"]
    old_q, old_t = [q for q, _ in old_pairs], [t for _, t in old_pairs]
    new_q, new_t = [q for q, _ in new_pairs], [t for _, t in new_pairs]
    skip = graphml._SKIP_EDGES & loader.skip  # (as the full write counts links)

    blocks = sorted(changed.blocks)
    old_b, new_b = fetch(old_q, blocks, quad_key), fetch(new_q, blocks, quad_key)
    _quads(files["nquads"], loader, index, prev, blocks, old_b, new_b, counts, done, later)
    links = _link_changes(blocks, old_b, new_b, skip)
    reweighed = _recount_articles(blocks, old_b, new_b, new_q, articles)

    subjects = sorted(changed.subjects)
    old_s, new_s = fetch(old_t, subjects, itemgetter(0)), fetch(new_t, subjects, itemgetter(0))
    statements = _subjects(files, loader, index, prev, subjects, old_s, new_s, counts, done, later)

    link_rows = _merge_links(links, new_q)
    node_rows = _Nodes(derived["nodes"], statements, reweighed)
    # graph.graphml: each element copied from the previous file unless it changed, if the
    # previous file is the one its index describes and no two ids share a hash then or now
    old = prev.graphml(graphml._frame()[0])
    if old is not None and not derived["graphml"]["clashes"] and not derived["graphml"]["escaped"] \
            and not node_rows.clash():
        splice = Splice(files[graphml.NAME], old, 0)
    else:
        splice = None
    escaped: list[str] = []
    elements = graphml.Elements(files[graphml.NAME], articles, escaped, old=splice, flipped=node_rows.flipped,
                                actor_filter=actors_graphml.node_filter, actor_keep=actors_graphml.keep)
    fresh = splice is None  # every element rendered, every id made anew (as a full write does)
    index.nodes(elements.nodes(
        (r[0], r[1], None, 0, False) if fresh else r for r in node_rows.rows()))
    done["link_records_copied"] = _write_links(elements, link_rows, derived, index, fresh)
    elements.finish(later)
    if splice is not None:
        done["copied_bytes"] += splice.copied
    graphml.report_escaped(result, graphml.FILENAME, escaped)
    graphml.write_elements(files[actors_graphml.NAME], elements.actors())
    index.derived(articles, counts, {"clashes": elements.clashes, "escaped": len(escaped)})
    done["graphml_spliced"] = splice is not None

    from ..query.names import update_names

    update_names(loader.names, statements, articles, reweighed, link_rows.changed)
    files[report.NAME].write(report.render(result, report.graph_counts(
        counts["quads"], counts["triples"], counts["graphs"], counts["types"], counts["preds"])))
    return {"temp_bytes": 0, "changed": done}


def _quads(nq, loader, index, prev, blocks: list, old_b: dict, new_b: dict, counts: dict, done: dict,
           later: list) -> None:
    """graph.nq, the store's named graphs and the index of blocks: the previous ones, but for
    the ``blocks`` that may have changed; and the count of quads and of named graphs. A record
    of the previous index with none of those blocks in its range, nor a block of a named graph
    they are in, is copied whole (its blocks' bytes in one range). The copying goes on after
    the return (its Splice is put in ``later``)."""
    from .stream import splice_block

    splice = Splice(nq, prev.files["nquads"], 0)
    graphs = {g for g, _ in blocks if g}  # named graphs whose blocks are counted
    touched = sorted(graphs)
    had, has = defaultdict(int), defaultdict(int)  # blocks of each touched graph, before and now
    todo = iter(blocks)
    nxt = next(todo, None)

    def changed_block(key, old):  # a block that may have changed; old: its index entry or None
        g, s = key
        rows = new_b.get(key)
        done["quad_blocks"] += splice_block(splice, loader, index, g, s, rows, old,
                                            block_hash(rows) if rows else None)
        if rows:
            has[g] += 1
        counts["quads"] += len(rows or ()) - len(old_b.get(key, ()))

    for data, entries in prev.quad_records():
        if not entries:
            continue
        first, last = entries[0][:2], entries[-1][:2]
        while nxt is not None and nxt < first:  # a new block
            changed_block(nxt, None)
            nxt = next(todo, None)
        i = bisect_left(touched, first[0])
        if (nxt is None or nxt > last) and not (i < len(touched) and touched[i] <= last[0]):
            splice.copy(sum(entry[3] for entry in entries))
            index.quad_record(data)
            done["quad_records_copied"] += 1
            continue
        for entry in entries:
            key = (entry[0], entry[1])
            while nxt is not None and nxt < key:  # a new block
                changed_block(nxt, None)
                nxt = next(todo, None)
            counted = entry[0] in graphs
            if counted:
                had[entry[0]] += 1
            if key == nxt:
                changed_block(key, entry)
                nxt = next(todo, None)
            else:
                splice.copy(entry[3])
                index.quad_block(*entry)
                if counted:
                    has[entry[0]] += 1
    while nxt is not None:
        changed_block(nxt, None)
        nxt = next(todo, None)
    splice.finish(later)
    done["copied_bytes"] += splice.copied
    counts["graphs"] += sum((has[g] > 0) - (had[g] > 0) for g in touched)


def _link_changes(blocks: list, old_b: dict, new_b: dict, skip) -> dict:
    """For each link (s, p, o) the changed blocks state or stated: the change in the number of
    named graphs that state it, and whether the default graph now states it (None: the
    default graph's block of ``s`` did not change)."""
    out: dict = {}
    for key in blocks:
        g, s = key
        old = {(p, v) for _, _, p, k, v, _, _ in old_b.get(key, ()) if k == 0 and p not in skip}
        new = {(p, v) for _, _, p, k, v, _, _ in new_b.get(key, ()) if k == 0 and p not in skip}
        for pv in old | new:
            diff, default = out.get((s, *pv), (0, None))
            if g:
                diff += (pv in new) - (pv in old)
            else:
                default = pv in new
            out[(s, *pv)] = (diff, default)
    return out


def _counted(rows) -> set:
    counted = graphml._COUNTED
    return {v for _, _, p, k, v, _, _ in rows if k == 0 and p in counted}


def _recount_articles(blocks: list, old_b: dict, new_b: dict, new_q: list, articles: dict) -> set:
    """Update ``articles`` (how many named graphs mention, tag, cover or link to each object)
    for the graphs whose changed blocks differ in those; returns the objects whose count
    changed."""
    by_graph = defaultdict(list)
    for g, s in blocks:
        if g:
            by_graph[g].append((g, s))
    reweighed = set()
    for g, keys in by_graph.items():
        before = set().union(*(_counted(old_b.get(k, ())) for k in keys))
        after = set().union(*(_counted(new_b.get(k, ())) for k in keys))
        if before == after:
            continue  # the other blocks of the graph are as they were: so is what it counts
        mine = set(keys)
        rest = [row for row in fetch_graph(new_q, g) if (row[0], row[1]) not in mine]
        kept = _counted(rest)
        for v in (kept | before) ^ (kept | after):
            n = articles.get(v, 0) + (1 if v in after else -1)
            if n:
                articles[v] = n
            else:
                articles.pop(v, None)
            reweighed.add(v)
    return reweighed


def _subjects(files, loader, index, prev, subjects: list, old_s: dict, new_s: dict, counts: dict,
              done: dict, later: list) -> dict:
    """graph.ttl, graph.jsonld, the store's union graph and the index of subjects: the
    previous ones, but for the ``subjects`` that may have changed; and the counts of triples,
    types and predicates. Returns each such subject's statements (None if it has none)."""
    from .stream import _Texts, _union_lines

    texts = _Texts(files["turtle"], files["jsonld"], index.subject, prev.files, RecordCursor(prev.subject_records()),
                   sparse=True, record_raw=index.subject_record)
    types, preds = counts["types"], counts["preds"]
    out = {}
    for s in subjects:
        old, rows = old_s.get(s), new_s.get(s)
        for sign, these in ((-1, old), (1, rows)):
            for _, p, k, v, _, _ in these or ():
                preds[p] += sign
                if p == RDF_TYPE and k == 0:
                    types[v] += sign
            counts["triples"] += sign * len(these or ())
        out[s] = texts.changed_subject(s, rows)
        if old != rows:
            if old:
                loader.drop_subject(s)
            if rows:
                loader.union(_union_lines(rows).encode("utf-8"))
    texts.finish(later)
    for counter in (types, preds):
        for key in [key for key, n in counter.items() if not n]:
            del counter[key]
    done["subjects"] += texts.changed
    done["copied_bytes"] += texts.copied
    done["subject_records_copied"] += texts.records_copied
    return out


class _Links:
    """The new counted links: the previous ones with the changes (:meth:`merge`, record by
    record), and the changes themselves (``changed``: (s, p, o, old count or None, new count
    or None), in order)."""

    def __init__(self, changes: dict, default: set) -> None:
        self.changes, self.default = changes, default
        self.changed: list[tuple] = []

    def merge(self, rows: list, keys: Iterable[tuple]) -> Iterator[tuple]:
        """The previous ``rows`` (s, p, o, articles, length in graph.graphml) with the changes
        of ``keys`` (sorted, none outside the rows' range but at its ends) made: (s, p, o,
        articles or None if gone, old length, unchanged), in order."""
        todo = iter(keys)
        nxt = next(todo, None)
        for row in rows:
            if nxt is not None and not row < nxt:  # (a row (s, p, o, n, length) sorts before a key
                key = row[:3]                      # (s, p, o) exactly when its first three do)
                while nxt is not None and nxt < key:  # a new link
                    yield self._changed(nxt, None)
                    nxt = next(todo, None)
                if key == nxt:
                    yield self._changed(nxt, row)
                    nxt = next(todo, None)
                    continue
            yield (*row, True)
        while nxt is not None:
            yield self._changed(nxt, None)
            nxt = next(todo, None)

    def _changed(self, key: tuple, row) -> tuple:
        before = row[3] if row is not None else None
        diff, default = self.changes[key]
        n = (before or 0) + diff
        if default is None:  # the default graph's block of s is as it was: so is whether it states the link
            default = False if before is None else True if before == 0 else key in self.default
        after = n if n > 0 or default else None
        if after != before:
            self.changed.append((*key, before, after))
        return (*key, after, row[4] if row is not None else 0, after == before)


def _merge_links(changes: dict, new_q: list) -> _Links:
    """The counted links with ``changes`` (:func:`_link_changes`) made. A link whose named
    graphs all went needs to know whether the default graph states it: its subject's default
    block is read for it."""
    need = sorted({s for (s, p, o), (diff, default) in changes.items() if diff < 0 and default is None})
    default = set()
    if need:
        for key, rows in fetch(new_q, [("", s) for s in need], quad_key).items():
            default.update((s, p, v) for _, s, p, k, v, _, _ in rows if k == 0)
    return _Links(changes, default)


class _Nodes:
    """The new GraphML nodes: the previous ones (IRI, attrs, id, length in graph.graphml), with
    the changed subjects' attributes; ``flipped``: the subjects that became or ceased to be
    nodes (filled as :meth:`rows` goes)."""

    def __init__(self, path, statements: dict, reweighed: set) -> None:
        self.path, self.reweighed = path, reweighed
        self.new = [(s, graphml._node_attrs(IRI(s), triples) if triples else None)
                    for s, triples in sorted(statements.items())]
        self.flipped: set[str] = set()

    def clash(self) -> bool:
        """Whether a changed node has the id of another node (then every id is made anew)."""
        nodes = [s for s, attrs in self.new if attrs is not None]
        ids = [graphml.node_id(s) for s in nodes]
        if len(set(ids)) < len(ids):
            return True
        if not ids:
            return False
        wanted = set(ids)
        with open(self.path, "rb") as fh:
            owners = {row[2]: row[0] for row in read_spooled(fh) if row[2] in wanted}
        return any(owners.get(i, s) != s for s, i in zip(nodes, ids))

    def rows(self) -> Iterator[tuple]:
        """(IRI, attrs or None if gone, id or None, old length, unchanged) in order."""
        reweighed, flipped = self.reweighed, self.flipped
        todo = iter(self.new)
        nxt = next(todo, None)
        with open(self.path, "rb") as fh:
            for row in read_spooled(fh):
                while nxt is not None and nxt[0] < row[0]:
                    if nxt[1] is not None:
                        flipped.add(nxt[0])
                        yield (nxt[0], nxt[1], None, 0, False)
                    nxt = next(todo, None)
                if nxt is not None and nxt[0] == row[0]:
                    if nxt[1] is None:
                        flipped.add(nxt[0])
                    same = nxt[1] is not None and list(nxt[1].items()) == list(row[1].items())  # (in order: as written)
                    yield (nxt[0], nxt[1], row[2], row[3], same and row[0] not in reweighed)
                    nxt = next(todo, None)
                    continue
                yield (*row, row[0] not in reweighed)
            while nxt is not None:
                if nxt[1] is not None:
                    flipped.add(nxt[0])
                    yield (nxt[0], nxt[1], None, 0, False)
                nxt = next(todo, None)


#: rows per record of the counted links in the index (``links``)
LINK_RECORD = 20_000


def link_records(rows: Iterable[tuple]) -> Iterator[tuple[bytes, tuple]]:
    """The counted links (s, p, o, articles, length in graph.graphml), in order, as records of
    the index's ``links`` (as :func:`kg.quads.spooled` writes them), each with its entry in
    the links' table (``links.k``): (first key, rows, bytes, bytes of its elements in
    graph.graphml, the checksums (:func:`kg.quads.key_sum`) of the IRIs its edges join, its
    rows of ``actors.graphml``). The next write from the changes copies a record whose links
    did not change, and none of whose edges' ends became or ceased to be a node, unread."""
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= LINK_RECORD:
            yield _link_record(chunk)
            chunk = []
    if chunk:
        yield _link_record(chunk)


def _link_record(rows: list) -> tuple[bytes, tuple]:
    data = record_bytes(rows)
    skip, keep = graphml._SKIP_EDGES, actors_graphml.keep
    ends: set = set()
    actors = []
    for s, p, o, n, _ in rows:
        if p not in skip:  # (an edge drawn if both ends are nodes)
            ends.add(s)
            ends.add(o)
            if keep(p):
                actors.append((s, p, o, n))
    sums = array("I", sorted({key_sum(e) for e in ends}))
    return data, (rows[0][:3], len(rows), len(data), sum(r[4] for r in rows), sums.tobytes(), actors)


def _write_links(elements, links: _Links, derived: dict, index, fresh: bool) -> int:
    """``index/links`` and its table, and the edges of graph.graphml (``elements``), from the
    previous ones and the changes: a record of the previous links is copied, with its
    elements, unless a link of it changed or one of its edges' ends is ``elements.flipped``
    (or every element is rendered anew: ``fresh``). Returns how many records were copied."""
    table = derived["link_table"]
    firsts = [entry[0] for entry in table]
    todo: dict[int, list] = defaultdict(list)  # record -> the changed keys in its range
    for key in sorted(links.changes):
        todo[max(bisect_right(firsts, key) - 1, 0)].append(key)
    if fresh:
        dirty = set(range(len(table)))
    else:
        dirty = set(todo)
        wanted = sorted({key_sum(iri) for iri in elements.flipped})
        for r, entry in enumerate(table):
            if wanted and r not in dirty and _holds_any(entry[4], wanted):
                dirty.add(r)
    new_table = []
    with open(derived["links"], "rb") as old, open(derived["links"], "rb") as reader, index.link_file() as out:
        copy = Splice(out, old, 0)
        pos = 0
        for r, entry in enumerate(table or [None]):
            size = entry[2] if entry is not None else 0
            if r not in dirty and entry is not None:
                copy.copy(size)
                elements.copy_links(entry[3], entry[5])
                new_table.append(entry)
            elif entry is not None or todo:
                copy.skip(size)
                rows: list = []
                if entry is not None:
                    reader.seek(pos)
                    rows = read_record(reader)
                merged = links.merge(rows, todo.get(r, ()))
                if fresh:
                    merged = ((s, p, o, n, 0, False) for s, p, o, n, _, _ in merged)
                for data, made in link_records(elements.links(merged)):
                    copy.write(data)
                    new_table.append(made)
            pos += size
        copy.finish()
    index.link_table(new_table)
    return len(table) - len(dirty)


def _holds_any(packed: bytes, wanted: list[int]) -> bool:
    """Whether the sorted checksums ``packed`` (an array of "I", as bytes) hold one of ``wanted``."""
    have = array("I")
    have.frombytes(packed)
    n = len(have)
    for c in wanted:
        i = bisect_left(have, c)
        if i < n and have[i] == c:
            return True
    return False
