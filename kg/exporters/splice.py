"""Incremental writing: a build into a folder that holds a previous build writes only what
changed.

Beside each store generation, ``index/`` records how the exports of that build are made up:

- ``quads``: for each block of ``graph.nq`` (the quads of one subject in one graph, in quad
  order) its graph, subject, a hash of its quads and its length in bytes;
- ``subjects``: for each subject of the union graph (subject order) a hash of its triples
  and the length of its Turtle block and of its JSON-LD node;
- ``meta.json``: the size and time of the three exports it describes (and of graph.graphml);
- ``links``, ``nodes`` and ``derived``, when every export was written: what the GraphML files,
  the names index and ``report.json`` are made from (the counted links, each node's GraphML
  attributes and id, the length of each element of graph.graphml, the article counts and
  the graph's counts), so that the next write can update them from the changes alone
  (:mod:`kg.exporters.delta`); ``links.k``, the table of the records of ``links``, lets it
  copy the records the changes did not reach unread;
- ``runs/``: links to the sorted runs of the graph written, if it was on disk, from which
  the next write finds the blocks and subjects that may have changed without comparing the
  others (:mod:`kg.exporters.changes`).

The next write walks its own sorted quads and triples beside that index (both in the same
order, so one merge): a block whose hash is the old one is copied from the old file, byte
for byte; a new or changed one is serialised; an old one no longer there is skipped. The
exports are what a full write gives, since each block is a pure function of its quads (the
JSON-LD separator before a node, which depends on its being first, is written apart). The
query store is made from the old generation the same way (:class:`kg.query.store.StoreDelta`):
a hard-linked copy of its Oxigraph files, with the changed blocks' quads taken out and the new
ones put in.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import marshal
import os
import queue
import threading
import weakref
from collections import Counter
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Optional

from ..quads import framed, read_record_bytes, read_spooled, spooled

__all__ = ["DERIVED", "INDEX_DIR", "INDEX_RECORD", "Previous", "IndexWriter", "RecordCursor", "Records", "Splice", "block_hash", "files_stamp", "read_records", "wait_all"]

INDEX_DIR = "index"
_FORMAT = 1
_COPY = 8 << 20  # bytes copied from an old export per read
#: the exports an index describes (all three must be written for a write to be incremental)
SPLICED = ("nquads", "turtle", "jsonld")
FILENAMES = {"nquads": "graph.nq", "turtle": "graph.ttl", "jsonld": "graph.jsonld"}
#: the files of what the other exports are made from (:meth:`IndexWriter.derived`)
DERIVED = ("links", "links.k", "nodes", "derived")
_LINK_TABLE = 1  # the format of ``links.k``


@lru_cache(maxsize=1)
def writer_version() -> str:
    """A digest of the code that turns quads into bytes (the exporters, the terms and
    prefixes): an index made by other code does not describe what this code would write."""
    root = Path(__file__).resolve().parent
    h = hashlib.blake2b(digest_size=16)
    # (and what the names index and GraphML are made with: name normalization, lxml's frame)
    extra = [root.parent / name for name in ("terms.py", "text.py", "lexicon.py", "query/names.py")]
    for path in sorted(root.glob("*.py")) + extra:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    from importlib import metadata

    for dist in ("lxml", "opencc", "pyoxigraph"):
        try:
            h.update(f"{dist}={metadata.version(dist)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=none\0".encode())
    return h.hexdigest()


def block_hash(rows: list) -> bytes:
    # marshal version 2: no back-references, so equal rows give equal bytes whatever objects hold them
    return hashlib.blake2b(marshal.dumps(rows, 2), digest_size=16).digest()


def files_stamp(paths: dict[str, Path]) -> dict:
    out = {}
    for name, path in paths.items():
        st = os.stat(path)
        out[name] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns}
    return out


#: rows per record of the index's ``quads`` and ``subjects``: a write from the changes copies
#: a record none of whose rows changed whole, undecoded (:class:`RecordCursor`)
INDEX_RECORD = 4_000


def read_records(fh) -> Iterator[tuple[bytes, list]]:
    """Each record of a spooled file (:func:`kg.quads.spooled`): its bytes (after the length)
    and its rows."""
    while (data := read_record_bytes(fh)) is not None:
        yield data, marshal.loads(data)


class RecordCursor:
    """The rows of a spooled file one at a time (an iterator), where the caller may instead take
    a whole record at once (:meth:`whole_before`): its bytes are then written again as they
    are (:meth:`Records.raw`) and its rows are not gone through one by one."""

    def __init__(self, records: Iterator[tuple[bytes, list]]) -> None:
        self._records = records
        self._data = b""
        self._rows: list = []
        self._i = 0  # the next row given is self._rows[self._i]

    def __iter__(self) -> "RecordCursor":
        return self

    def __next__(self):
        while self._i >= len(self._rows):
            self._data, self._rows = next(self._records)
            self._i = 0
        self._i += 1
        return self._rows[self._i - 1]

    def whole_before(self, key, keyf) -> Optional[tuple[bytes, list]]:
        """If the row given last is the first of its record and ``keyf`` of the record's last
        row is below ``key`` (None: whatever it is): that record (bytes, rows), and the cursor is past it (the next
        row given is the next record's first); else None."""
        if self._i != 1 or (key is not None and not keyf(self._rows[-1]) < key):
            return None
        whole = (self._data, self._rows)
        self._rows, self._i = [], 0
        return whole


class Records:
    """Rows appended to a file in marshal records (:func:`kg.quads.spooled`), each written once
    it holds ``record`` rows; :meth:`close` writes the rest and syncs the file."""

    def __init__(self, path: Path | str, record: Optional[int] = None) -> None:
        self.fh = open(path, "wb")
        self.record = record or INDEX_RECORD
        self.buf: list = []

    def add(self, *row) -> None:
        self.buf.append(row)
        if len(self.buf) >= self.record:
            self._flush()

    def raw(self, data: bytes) -> None:
        """A whole record read from another such file (:func:`read_records`), written as it
        is, after the rows added before it."""
        self._flush()
        self.fh.write(framed(data))

    def _flush(self) -> None:
        if self.buf:
            spooled(self.buf, self.fh, self.record)
            self.buf = []

    def close(self, sync: bool = False) -> None:
        self._flush()
        if sync:
            self.fh.flush()
            os.fsync(self.fh.fileno())
        self.fh.close()


class IndexWriter:
    """The index of the exports being written, into ``folder/index/`` (part of the new
    generation)."""

    def __init__(self, folder: Path) -> None:
        self.dir = folder / INDEX_DIR
        self.dir.mkdir()
        self._q = Records(self.dir / "quads")
        self._s: Optional[Records] = Records(self.dir / "subjects")
        self.quad_block = self._q.add  # (g, s, digest, size)
        self.quad_record = self._q.raw  # a record of the previous index's, unchanged
        self.subject = self._s.add  # (s, digest, turtle length, JSON-LD length)
        self.subject_record = self._s.raw

    def keep_runs(self, pairs: Optional[list[tuple[str, str]]]) -> bool:
        """Keep the graph's run files (links to them) for the next write to find what changed
        (:mod:`kg.exporters.changes`); ``pairs`` None (a graph in memory): nothing kept."""
        from .changes import link_runs

        return pairs is not None and link_runs(self.dir, pairs)

    def nodes(self, rows: Iterable[tuple]) -> None:
        """``nodes``, of what the GraphML files and the names index are made from: the nodes
        (IRI, GraphML attributes, id, length in graph.graphml), in order."""
        with open(self.dir / "nodes", "wb") as fh:
            spooled(rows, fh, 20_000)
            fh.flush()
            os.fsync(fh.fileno())

    def links(self, rows: Iterable[tuple]) -> None:
        """``links`` and its table ``links.k``: the counted links (s, p, o, articles, length in
        graph.graphml), in order (:func:`kg.exporters.delta.link_records`)."""
        from .delta import link_records

        table = []
        with self.link_file() as fh:
            for data, entry in link_records(rows):
                fh.write(data)
                table.append(entry)
        self.link_table(table)

    @contextmanager
    def link_file(self) -> Iterator[BinaryIO]:
        """``links``, open for writing (synced once written)."""
        with open(self.dir / "links", "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())

    def link_table(self, table: list) -> None:
        """``links.k``: the entry of each record of ``links``, in order."""
        with open(self.dir / "links.k", "wb") as fh:
            fh.write(marshal.dumps((_LINK_TABLE, table)))
            fh.flush()
            os.fsync(fh.fileno())

    def derived(self, articles: dict, counts: dict, graphml: dict) -> None:
        """The article count of each object, the graph's counts (see
        :func:`kg.exporters.stream.write_streams`) and what graph.graphml holds that its
        elements' lengths do not tell (``clashes``: ids with a suffix; ``escaped``: values
        escaped for XML)."""
        plain = {"articles": sorted((str(k), n) for k, n in articles.items() if n),
                 **{k: counts[k] for k in ("quads", "triples", "graphs")},
                 **{k: sorted((str(t), n) for t, n in counts[k].items() if n) for k in ("types", "preds")},
                 "graphml": graphml}
        with open(self.dir / "derived", "wb") as fh:
            fh.write(marshal.dumps(plain))
            fh.flush()
            os.fsync(fh.fileno())

    def hand_over_subjects(self) -> Path:
        """The subjects' part is written by another process (:func:`kg.exporters.stream._write_texts`,
        with :class:`Records`): its file."""
        self._s.fh.close()
        self._s = None
        return self.dir / "subjects"

    def finish(self, exports: dict[str, Path]) -> None:
        """``exports``: the three files the index describes, at the paths they have now (they
        keep their size and time when renamed into place)."""
        for records in (self._q, self._s):
            if records is not None:
                records.close(sync=True)
        (self.dir / "meta.json").write_text(json.dumps({"format": _FORMAT, "writer": writer_version(),
                                                        "files": files_stamp(exports)}), encoding="utf-8")

    def close(self) -> None:
        for records in (self._q, self._s):
            if records is not None:
                records.fh.close()


class Previous:
    """The previous build's exports and their index, read beside the new write."""

    def __init__(self, folder: Path, gen: Path) -> None:
        self.folder, self.gen = folder, gen
        self.files: dict[str, BinaryIO] = {}
        self._hold: Optional[int] = None
        self._derived: Optional[dict] = None  # (read once; {}: not kept)
        self.meta: dict = {}

    @classmethod
    def open(cls, folder: Path, gen: Optional[Path]) -> Optional["Previous"]:
        """The previous build in ``folder`` (its current generation ``gen``) if its index is
        whole and its exports are the files it describes, else None (a full write)."""
        if gen is None:
            return None
        index = gen / INDEX_DIR
        prev = None
        try:
            meta = json.loads((index / "meta.json").read_text(encoding="utf-8"))
            if meta.get("format") != _FORMAT or meta.get("writer") != writer_version():
                return None
            paths = {name: folder / FILENAMES[name] for name in SPLICED}
            if {k: v for k, v in meta.get("files", {}).items() if k in SPLICED} != files_stamp(paths):
                return None
            if not (index / "quads").is_file() or not (index / "subjects").is_file():
                return None
            prev = cls(folder, gen)
            prev.meta = meta
            # held as a reader holds it: no other build removes the generation meanwhile
            prev._hold = os.open(gen / "readers", os.O_RDONLY)
            fcntl.flock(prev._hold, fcntl.LOCK_SH)
            for name, path in paths.items():
                prev.files[name] = open(path, "rb")
        except (OSError, ValueError, AttributeError):
            if prev is not None:
                prev.close()
            return None
        return prev

    def graphml(self, head: bytes) -> Optional[BinaryIO]:
        """The previous build's graph.graphml, opened, if it is the file its index describes
        and starts with ``head`` (what this code writes before the first element)."""
        if "graphml" in self.files:
            return self.files["graphml"]
        path = self.folder / "graph.graphml"
        try:
            if self.meta.get("files", {}).get("graphml") != files_stamp({"graphml": path})["graphml"]:
                return None
            fh = open(path, "rb")
        except OSError:
            return None
        if fh.read(len(head)) != head:
            fh.close()
            return None
        self.files["graphml"] = fh
        return fh

    def runs(self) -> Optional[list[tuple[str, str]]]:
        """The run files of the previous build's graph, if its write kept them."""
        from .changes import linked_runs

        return linked_runs(self.gen / INDEX_DIR)

    def derived(self) -> Optional[dict]:
        """What the previous write's other exports were made from (:meth:`IndexWriter.derived`):
        ``articles`` (a dict), ``counts`` (as :func:`kg.exporters.stream.write_streams` counts),
        the paths of ``links`` and ``nodes`` and the table of ``links`` (``link_table``); None
        if it did not keep them."""
        if self._derived is not None:
            return self._derived or None
        self._derived = {}
        index = self.gen / INDEX_DIR
        try:
            plain = marshal.loads((index / "derived").read_bytes())
            if not all((index / name).is_file() for name in DERIVED):
                return None
            counts = {k: int(plain[k]) for k in ("quads", "triples", "graphs")}
            counts.update({k: Counter(dict(plain[k])) for k in ("types", "preds")})
            fmt, table = marshal.loads((index / "links.k").read_bytes())
            if fmt != _LINK_TABLE or not isinstance(table, list):
                return None
            derived = {"articles": dict(plain["articles"]), "counts": counts,
                       "graphml": {k: int(plain["graphml"][k]) for k in ("clashes", "escaped")},
                       "links": index / "links", "link_table": table, "nodes": index / "nodes"}
        except (OSError, ValueError, EOFError, TypeError, KeyError):  # (not what this code writes)
            return None
        self._derived = derived
        return derived

    def quad_blocks(self) -> Iterator[tuple]:
        return self._rows("quads")

    def subjects(self) -> Iterator[tuple]:
        return self._rows("subjects")

    def quad_records(self) -> Iterator[tuple[bytes, list]]:
        """The index of blocks a record at a time (:func:`read_records`)."""
        return self._rows("quads", read_records)

    def subject_records(self) -> Iterator[tuple[bytes, list]]:
        return self._rows("subjects", read_records)

    def _rows(self, name: str, read=read_spooled) -> Iterator:
        with open(self.gen / INDEX_DIR / name, "rb") as fh:
            yield from read(fh)

    def close(self) -> None:
        for fh in self.files.values():
            fh.close()
        self.files = {}
        if self._hold is not None:
            os.close(self._hold)
            self._hold = None


class Splice:
    """A new export made of new bytes and byte ranges of the old one, in order.

    The copying and writing are done by a thread of their own (``background``, the default),
    in the order asked: the kernel's copy releases the interpreter, so the caller goes on
    working out what comes next while the bytes before it are copied. Neither file may be
    touched by anything else between the first call and :meth:`finish`, which waits for the
    last byte and raises any error the thread met (or :meth:`end`, then :meth:`wait`: the caller
    goes on with other work while the thread copies the rest)."""

    def __init__(self, out: BinaryIO, old: BinaryIO, start: int, background: bool = True) -> None:
        self.pos = start  # where the old file is read next
        self._copy = 0  # bytes from self.pos on to copy before anything else is written
        self.copied = 0
        self._worker = _Copier(out, old)
        self._background = background
        self._queue: Optional[queue.Queue] = None
        self._ended = False

    def copy(self, n: int) -> None:
        self._copy += n

    def skip(self, n: int) -> None:
        self._flush_copy()
        self.pos += n

    def write(self, data: bytes) -> None:
        self._flush_copy()
        self._do((None, data))

    def _flush_copy(self) -> None:
        n = self._copy
        if not n:
            return
        self._do((self.pos, n))
        self.pos += n
        self.copied += n
        self._copy = 0

    def _do(self, op: tuple) -> None:
        if self._ended:
            raise RuntimeError("a Splice is given more after its end")
        if not self._background:
            self._worker.run(op)
            return
        if self._queue is None:
            self._queue = queue.Queue(maxsize=_QUEUED)
            threading.Thread(target=self._worker.serve, args=(self._queue,), name="kg-splice", daemon=True).start()
            # (a Splice dropped unfinished, after an error elsewhere, stops its thread)
            self._stop = weakref.finalize(self, self._queue.put, _STOP)
        if self._worker.error is not None:
            self._finish_thread()
        self._queue.put(op)

    def _finish_thread(self) -> None:
        if self._queue is not None:
            self._stop()  # (the thread told to stop, once)
            self._queue.join()
            self._queue = None
        if self._worker.error is not None:
            raise self._worker.error

    def end(self) -> None:
        """Nothing more to come: the thread copies and writes what is queued, then stops; the
        file is complete after :meth:`wait`."""
        self._flush_copy()
        self._ended = True
        if self._queue is not None:
            self._stop()

    def wait(self) -> None:
        """After :meth:`end`: every byte asked for written (raises what the copying met)."""
        self._finish_thread()

    def finish(self, later: Optional[list] = None) -> None:
        """Every byte asked for written (raises what the copying met); or, given ``later``,
        :meth:`end` and put in ``later`` to :meth:`wait` for (:func:`wait_all`)."""
        self.end()
        if later is None:
            self.wait()
        else:
            later.append(self)


def wait_all(splices: list) -> None:
    """:meth:`Splice.wait` for each of ``splices`` (ended), even after one failed (no thread is
    left writing to a file its caller goes on to close); raises the first error."""
    error = None
    for splice in splices:
        try:
            splice.wait()
        except BaseException as exc:  # noqa: BLE001 - raised once every thread is done
            error = error or exc
    if error is not None:
        raise error


#: operations queued for a Splice's thread at most (new bytes are held until written)
_QUEUED = 1024
_STOP = (None, None)


class _Copier:
    """What a :class:`Splice` asks for, done in order: ``(pos, n)`` copies ``n`` bytes of the
    old file from ``pos``, ``(None, data)`` writes ``data``. After an error (``error``) the
    rest is not done."""

    def __init__(self, out: BinaryIO, old: BinaryIO) -> None:
        self.out, self.old = out, old
        self.error: Optional[BaseException] = None
        self._by_kernel = hasattr(os, "copy_file_range")

    def serve(self, ops: queue.Queue) -> None:
        while True:
            op = ops.get()
            try:
                if op is _STOP:
                    return
                if self.error is None:
                    self.run(op)
            except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread by finish()
                self.error = exc
            finally:
                ops.task_done()

    def run(self, op: tuple) -> None:
        pos, arg = op
        if pos is None:
            self.out.write(arg)
        elif not self._copy_range(pos, arg):
            self._copy_read(pos, arg)

    def _copy_range(self, pos: int, n: int) -> bool:
        """Copy by the kernel (``copy_file_range``: no bytes through Python, and a shared
        extent where the file system can); False if it cannot here, before anything was copied."""
        if not self._by_kernel:
            return False
        try:
            out_fd, in_fd = self.out.fileno(), self.old.fileno()
        except (AttributeError, OSError, ValueError):  # (io.UnsupportedOperation is an OSError)
            self._by_kernel = False
            return False
        self.out.flush()
        left = n
        while left:
            try:
                done = os.copy_file_range(in_fd, out_fd, left, pos)
            except OSError:
                if left == n:
                    self._by_kernel = False
                    return False
                raise
            if not done:
                if left == n:  # (a file system that copies nothing this way)
                    self._by_kernel = False
                    return False
                raise OSError("the previous export is shorter than its index says")
            pos += done
            left -= done
        self.out.seek(0, os.SEEK_END)  # (the buffered file's idea of where it is, after writes it did not make)
        return True

    def _copy_read(self, pos: int, n: int) -> None:
        self.old.seek(pos)
        while n:
            chunk = self.old.read(min(n, _COPY))
            if not chunk:
                raise OSError("the previous export is shorter than its index says")
            self.out.write(chunk)
            n -= len(chunk)
