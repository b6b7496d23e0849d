"""The graph under construction, in bounded memory.

A :class:`QuadSet` keeps quads in memory until the build says it may spill
(:meth:`QuadSet.checkpoint`, called between articles) and there are more than
``spill_at`` of them; it then sorts them and writes them to two run files on disk, one in
quad order (graph, subject, predicate, object) and one in triple order (subject,
predicate, object, each triple once). The exports read the runs back merged
(:func:`heapq.merge`), so a build of any size writes sorted, duplicate-free output while
holding one batch of quads at a time. A small build never touches the disk.

Quads are held as plain tuples of strings, in an order where Python's own tuple comparison
is the export order: ``(graph or "", subject, predicate, 0, iri, "", "")`` for an IRI
object and ``(graph or "", subject, predicate, 1, value, lang or "", datatype or "")`` for
a literal. So IRIs sort before literals, literals by value, then language, then datatype.
"""
from __future__ import annotations

import heapq
import marshal
import os
import shutil
import tempfile
import weakref
import zlib
from array import array
from itertools import groupby
from operator import itemgetter
from sys import intern
from typing import Iterable, Iterator, Optional

from .terms import IRI, Literal, Term

__all__ = ["QuadSet", "SPILL_AT", "RunKeys", "spooled", "read_spooled", "record_bytes", "framed", "read_record", "read_record_bytes", "merged_runs", "merged_rows"]

#: quads held in memory before a checkpoint spills them to disk (a 5,000-document build,
#: 759k quads, peaks at 459 MB with this bound)
SPILL_AT = 400_000
_CHUNK = 20_000  # rows per marshal record in a spooled file
#: rows per record in the graph's sorted runs: merging N runs holds one record of each in
#: memory, and a large graph has hundreds of runs (the full mirror: some 300)
RUN_RECORD = 2_000
#: a run's record ends after a key whose checksum is a multiple of this (about one key in so
#: many), if not at ``RUN_RECORD`` rows before
RUN_CUT = 64

Row = tuple  # (g, s, p, kind, value, lang, datatype), all str but kind (0 IRI, 1 literal)


def _row(s: str, p: str, o: Term, g: Optional[str]) -> Row:
    # the IRIs interned: one string object for each, however many rows hold it (a worker's
    # results pickle it once; sorting compares equal ones by identity; less memory)
    if isinstance(o, IRI):
        return (intern(str(g or "")), intern(str(s)), intern(str(p)), 0, intern(str(o)), "", "")
    return (intern(str(g or "")), intern(str(s)), intern(str(p)), 1, o.value, o.lang or "", o.datatype or "")


def _term(kind: int, value: str, lang: str, datatype: str) -> Term:
    return IRI(value) if kind == 0 else Literal(value, lang or None, datatype or None)


def spooled(rows: Iterable, fh, record: int = _CHUNK) -> list[int]:
    """Write rows (tuples of str, int, None) to ``fh`` in marshal records of ``record`` rows,
    each after its length (so a record is read back with one read and ``marshal.loads``:
    ``marshal.load`` on a file reads it a few bytes at a time, eight times slower). Returns
    where each record starts."""
    offsets = []
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= record:
            offsets.append(fh.tell())
            _record(chunk, fh)
            chunk = []
    if chunk:
        offsets.append(fh.tell())
        _record(chunk, fh)
    return offsets


def _record(chunk: list, fh) -> None:
    fh.write(record_bytes(chunk))


def record_bytes(rows: list) -> bytes:
    """One record of a spooled file (as :func:`spooled` writes it), as bytes."""
    return framed(marshal.dumps(rows))


def framed(data: bytes) -> bytes:
    """A record's bytes as a spooled file holds them: after their length (what
    :func:`read_record_bytes` gives back)."""
    return len(data).to_bytes(8, "little") + data


def read_record(fh) -> Optional[list]:
    """The rows of the record at ``fh``'s position (None at the end of the file)."""
    data = read_record_bytes(fh)
    return None if data is None else marshal.loads(data)


def read_record_bytes(fh) -> Optional[bytes]:
    """The record at ``fh``'s position, undecoded (None at the end of the file; EOFError if
    the file ends inside it)."""
    head = fh.read(8)
    if len(head) < 8:
        return None
    n = int.from_bytes(head, "little")
    data = fh.read(n)
    if len(data) != n:
        raise EOFError("a record is cut short")
    return data


def read_spooled(fh) -> Iterator:
    """The rows :func:`spooled` wrote, in order."""
    while (rows := read_record(fh)) is not None:
        yield from rows


def _read_run(path: str) -> Iterator[Row]:
    with open(path, "rb") as fh:
        yield from read_spooled(fh)


#: a run's keys file (``<run>.k``): the key of each record's first row, and a checksum of
#: each key the run holds, so that the rows of a few keys are found without reading the run
KEYS_SUFFIX = ".k"
_KEYS_FORMAT = 1


#: a quad run's key: (graph, subject), a block of graph.nq
quad_key = itemgetter(0, 1)


def key_sum(key) -> int:
    """The checksum of a run's key (a str, or a tuple of them) in its keys file."""
    text = key if isinstance(key, str) else "\n".join(key)
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def _write_run(path: str, rows: list, key) -> int:
    """A run: sorted ``rows`` in records (:func:`_record_starts`), and its keys file (``key``:
    a row's key). Returns the bytes written."""
    starts, sums = _record_starts(rows, key)
    offsets = []
    with open(path, "wb") as fh:
        for a, b in zip(starts, starts[1:] + [len(rows)]):
            offsets.append(fh.tell())
            _record(rows[a:b], fh)
        size = fh.tell()
    firsts = [key(rows[i]) for i in starts]
    data = marshal.dumps((_KEYS_FORMAT, RUN_RECORD, firsts, offsets, array("I", sorted(sums)).tobytes()))
    with open(path + KEYS_SUFFIX, "wb") as fh:
        fh.write(data)
    return size + len(data)


def _record_starts(rows: list, key) -> tuple[list[int], set[int]]:
    """Where the records of a run of sorted ``rows`` start, and the checksums of its keys.
    A record ends after a key whose checksum is a multiple of ``RUN_CUT`` (or at
    ``RUN_RECORD`` rows): the boundaries are set by the keys themselves, so two runs that
    differ in a few keys (the graph-wide rows of two builds) differ in the records that hold
    those and have the others byte for byte (:func:`kg.exporters.changes.changes` skips
    those without reading them)."""
    starts: list[int] = [0] if rows else []
    sums: set[int] = set()
    last, prev, cut = 0, None, False
    for i, row in enumerate(rows):
        k = key(row)
        if k != prev:
            if i and (cut or i - last >= RUN_RECORD):
                starts.append(i)
                last = i
            h = key_sum(k)
            sums.add(h)
            cut = h % RUN_CUT == 0
            prev = k
        elif i - last >= RUN_RECORD:  # (a key with very many rows goes on into the next record)
            starts.append(i)
            last = i
    return starts, sums


class RunKeys:
    """What a run's keys file says: the key of each record's first row and where the record
    starts, and which keys the run may hold (a checksum's match says maybe, a miss says no)."""

    def __init__(self, path: str) -> None:
        with open(path + KEYS_SUFFIX, "rb") as fh:
            fmt, _, self.firsts, self.offsets, sums = marshal.loads(fh.read())
        if fmt != _KEYS_FORMAT or len(self.offsets) != len(self.firsts):
            raise ValueError(f"{path}{KEYS_SUFFIX}: not a keys file this version reads")
        table = array("I")
        table.frombytes(sums)
        self.sums = frozenset(table)  # the checksums (key_sum) of the keys it holds

    def record(self, fh, r: int) -> list:
        """The rows of the run's record ``r`` (``fh``: the run, open for reading)."""
        fh.seek(self.offsets[r])
        return read_record(fh)

    @staticmethod
    def exists(path: str) -> bool:
        return os.path.isfile(path + KEYS_SUFFIX)


def merged_runs(paths: Iterable[str], more: Iterable[tuple] = ()) -> Iterator[tuple]:
    """The rows of the runs at ``paths`` (and the sorted rows ``more``), merged, each once."""
    return merged_rows([*(_read_run(p) for p in paths), more])


def merged_rows(streams: Iterable[Iterable[tuple]]) -> Iterator[tuple]:
    """Sorted streams of rows, merged, each row once."""
    return _unique(heapq.merge(*streams))


def _unique(rows: Iterable[Row]) -> Iterator[Row]:
    prev = None
    for row in rows:
        if row != prev:
            yield row
            prev = row


class QuadSet:
    """A set of quads, sorted on the way out; spills to disk beyond ``spill_at`` quads."""

    def __init__(self, spill_at: int = SPILL_AT, tmpdir: Optional[str] = None, own_tmpdir: bool = False) -> None:
        """``tmpdir``: where spilled runs go (the system's temporary folder by default);
        ``own_tmpdir``: that folder is this set's alone, removed (once empty) with the set."""
        self.spill_at = spill_at
        self._tmpdir = tmpdir
        self._made: list[str] = []  # the folder of this set's runs, once made
        weakref.finalize(self, _remove, self._made, tmpdir if own_tmpdir else None)
        self._mem: set[Row] = set()
        self._quad_runs: list[str] = []
        self._triple_runs: list[str] = []
        self._dir: Optional[str] = None
        self._count: Optional[int] = None  # distinct quads, once a full pass has counted them
        self.spilled_bytes = 0  # size of the run files on disk (they stay until the set is dropped)
        self._journal: Optional[tuple[list, list]] = None  # (added, removed) since begin()

    # ------------------------------------------------------------------ building
    def add(self, s: IRI, p: IRI, o: Term | None, g: Optional[IRI] = None) -> None:
        if o is None or (isinstance(o, Literal) and not o.value):
            return
        self.add_row(_row(s, p, o, g))

    def add_row(self, row: Row) -> None:
        """:meth:`add` of a row as :func:`_row` makes it (facts replayed from a worker)."""
        if self._journal is not None and row not in self._mem:
            self._journal[0].append(row)
        self._mem.add(row)
        self._count = None

    def discard(self, s: IRI, p: IRI, o: Term, g: Optional[IRI] = None) -> None:
        """Remove a quad added since the last spill (a checkpoint is a promise that no
        quad before it will be discarded)."""
        self.discard_row(_row(s, p, o, g))

    def discard_row(self, row: Row) -> None:
        if self._journal is not None and row in self._mem:
            self._journal[1].append(row)
        self._mem.discard(row)
        self._count = None

    # ------------------------------------------------------------------ one file at a time
    def begin(self) -> None:
        """Start recording changes, so that one file's quads can be checked or taken back."""
        self._journal = ([], [])

    def commit(self) -> list[Row]:
        """Stop recording; returns the rows added since :meth:`begin` (for checking)."""
        added = self._journal[0] if self._journal else []
        self._journal = None
        return added

    def rollback(self) -> None:
        """Take back every change since :meth:`begin` (one file failed half-way)."""
        if self._journal is None:
            return
        added, removed = self._journal
        self._journal = None
        for row in added:
            self._mem.discard(row)
        self._mem.update(removed)
        self._count = None

    def remove_rows(self, rows) -> None:
        """Remove rows (as :meth:`commit` gives them) added since the last spill."""
        for row in rows:
            self._mem.discard(row)
        self._count = None

    def checkpoint(self) -> None:
        """A point where every quad so far is final: spill them if there are many (not while
        changes are recorded: what :meth:`rollback` may take back stays in memory)."""
        if len(self._mem) >= self.spill_at and self._journal is None:
            self._spill()

    def settle(self) -> None:
        """After the last quad: what is still in memory goes to disk too if some went before
        (a large graph), so that the writers do not hold it beside their own buffers."""
        if self._quad_runs and self._mem and self._journal is None:
            self._spill()

    def runs_since(self, n: int) -> list[tuple[str, str]]:
        """Spill what is in memory, and return the (quad, triple) run files made since there
        were ``n`` (a chunk of articles' sorted runs, for the next build: :class:`kg.cache.RunCache`)."""
        if self._mem and self._journal is None:
            self._spill()
        return list(zip(self._quad_runs[n:], self._triple_runs[n:]))

    def replace_runs(self, n: int, paths: list[tuple[str, str]]) -> None:
        """The runs from the ``n``-th on are now at ``paths`` (moved, same content)."""
        self._quad_runs[n:] = [q for q, _ in paths]
        self._triple_runs[n:] = [t for _, t in paths]

    def add_runs(self, paths: list[tuple[str, str]]) -> None:
        """Add sorted runs made by an earlier build (they must hold rows :meth:`_spill` wrote;
        the set reads them, never removes them). Only with nothing in memory."""
        assert not self._mem and self._journal is None
        for q, t in paths:
            self._quad_runs.append(q)
            self._triple_runs.append(t)
            self.spilled_bytes += os.path.getsize(q) + os.path.getsize(t)
        self._count = None

    @property
    def run_count(self) -> int:
        return len(self._quad_runs)

    @property
    def spilled(self) -> int:
        """How many times quads went to disk."""
        return len(self._quad_runs)

    def _spill(self) -> None:
        if self._dir is None:
            self._dir = tempfile.mkdtemp(prefix="kg-quads-", dir=self._tmpdir)
            self._made.append(self._dir)
        rows = sorted(self._mem)
        self._mem = set()
        n = len(self._quad_runs)
        triples = list(_unique(sorted(r[1:] for r in rows)))
        for runs, name, data, key in ((self._quad_runs, f"q{n}", rows, quad_key),
                                      (self._triple_runs, f"t{n}", triples, itemgetter(0))):
            path = os.path.join(self._dir, name)
            self.spilled_bytes += _write_run(path, data, key)
            runs.append(path)
        del rows, triples

    # ------------------------------------------------------------------ reading
    def _rows(self) -> Iterator[Row]:
        if not self._quad_runs:
            return iter(sorted(self._mem))
        return _unique(heapq.merge(*(_read_run(p) for p in self._quad_runs), sorted(self._mem)))

    def rows(self) -> Iterator[Row]:
        """Every quad once as a plain row ``(g, s, p, kind, value, lang, datatype)`` (see the
        module's doc), in export order: one merge of the quad runs, no term objects made."""
        n = 0
        for row in self._rows():
            n += 1
            yield row
        self._count = n

    def triple_rows(self) -> Iterator[tuple]:
        """The union graph (each triple once) as rows ``(s, p, kind, value, lang, datatype)``
        by subject, predicate, object: one merge of the triple runs."""
        mem = _unique(sorted(r[1:] for r in self._mem))
        return merged_runs(self._triple_runs, mem) if self._triple_runs else mem

    def runs(self) -> Optional[list[tuple[str, str]]]:
        """The (quad, triple) run files, each with its keys file, when the whole graph is on
        disk, else None."""
        if not self._quad_runs or self._mem:
            return None
        pairs = list(zip(self._quad_runs, self._triple_runs))
        if not all(RunKeys.exists(q) and RunKeys.exists(t) for q, t in pairs):
            return None  # runs an earlier version kept, without keys files
        return pairs

    def triple_runs(self) -> Optional[list[str]]:
        """The files of :meth:`triple_rows` when the whole graph is on disk (another process
        can then read it: :func:`merged_runs`), else None."""
        return list(self._triple_runs) if self._triple_runs and not self._mem else None

    def sorted(self) -> Iterator[tuple[IRI, IRI, Term, Optional[IRI]]]:
        """Every quad once, by graph (default graph first), subject, predicate, object."""
        for g, s, p, k, v, lang, dt in self.rows():
            yield IRI(s), IRI(p), _term(k, v, lang, dt), (IRI(g) if g else None)

    def triples(self) -> Iterator[tuple[IRI, IRI, Term]]:
        """The union graph (each triple once), by subject, predicate, object."""
        for s, p, k, v, lang, dt in self.triple_rows():
            yield IRI(s), IRI(p), _term(k, v, lang, dt)

    def subjects(self) -> Iterator[tuple[IRI, list[tuple[IRI, IRI, Term]]]]:
        """The union graph grouped by subject: (subject, its triples in order)."""
        for s, group in groupby(self.triples(), key=lambda t: t[0]):
            yield s, list(group)

    def __len__(self) -> int:
        if not self._quad_runs:
            return len(self._mem)
        if self._count is None:
            self._count = sum(1 for _ in self._rows())
        return self._count

    def __iter__(self):
        return self.sorted()


def _remove(made: list[str], tmpdir: Optional[str]) -> None:
    """A dropped set's runs, then the temporary folder it owned (once empty)."""
    for path in made:
        shutil.rmtree(path, ignore_errors=True)
    if tmpdir is not None:
        try:
            os.rmdir(tmpdir)
        except OSError:  # not empty or gone
            pass
