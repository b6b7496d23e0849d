"""A build opened for querying, over Oxigraph (pyoxigraph): 10-30x faster than rdflib's
in-memory engine on the aggregates analysts run (see FACTS.md).

``kg build`` writes, beside the five exports, ``.store/``: an on-disk Oxigraph store of
``graph.nq`` (named graphs kept; the default graph holds their deduplicated union, so a
query without GRAPH sees each fact once) and
``.store/names.sqlite``, the index every command resolves names through. Query commands
open the store read-only, with no parsing, so a command on a large build starts in
milliseconds. The store records which ``graph.nq`` it was made from; if that file changed
(or the store is missing, e.g. a build copied without it) it is made again on first use.
The store is an index, not an export: the byte-identical guarantee covers the five files.
"""
from __future__ import annotations

import fcntl
import json
import os
import queue
import re
import secrets
import shutil
import sqlite3
import threading
import weakref
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Optional

import pyoxigraph as ox

from ..terms import PREFIXES

__all__ = ["GraphNotFound", "NamesCopy", "QueryError", "Store", "StoreLoader", "open_store", "write_store", "commit",
           "new_generation", "recover", "current_store", "clean_store", "PREFIX_HEADER"]

PREFIX_HEADER = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
_NETWORK = re.compile(r"\b(SERVICE|LOAD)\b", re.I)
STORE_DIR = ".store"
_FORMAT = 5  # bump when the store's layout changes
_LOAD_LINES = 100_000
_ADD_GRAPHS = 200  # article graphs copied into the default graph per update


class GraphNotFound(Exception):
    pass


class QueryError(Exception):
    pass


# ---------------------------------------------------------------------------- layout
#
# OUT/.store/CURRENT        names the current generation: {"format": 5, "generation": NAME}
# OUT/.store/gen-PID-HEX/   a generation: oxigraph/, names.sqlite, STAMP.json, readers
# OUT/.store/tmp-PID-HEX/   a generation being made (by a build, or a rebuild of a stale store)
# OUT/.store/COMMIT         the journal of a commit under way (or cut short by a kill)
# OUT/.store/lock           fcntl lock: shared while a reader resolves CURRENT and opens it,
#                           exclusive while a commit moves the files into place
# OUT/.store/rebuild.lock   fcntl lock: one process remakes a stale or damaged store, the
#                           others wait for it
#
# A build writes its exports to temporary files in OUT and its store to tmp-..., then
# commits under the exclusive lock: it writes the journal (the commit point), renames each
# export and the store into place, rewrites CURRENT and removes the journal. A build killed
# before the journal leaves the old exports and store (its debris is cleaned by the next
# build); one killed after it is finished by the next kg command that opens the folder
# (the renames are redone from the journal), so a reader sees the old pair or the new one.
# A generation that is no longer current is removed once no reader holds it (each reader
# holds a shared lock on its generation's ``readers`` file while it is open).

_LOCK, _REBUILD_LOCK, _CURRENT, _COMMIT = "lock", "rebuild.lock", "CURRENT", "COMMIT"
_VOLATILE = {"LOCK", "LOG", "readers"}  # files of a generation that may change while it is in use


class StoreDamaged(Exception):
    """The store's files are not what it wrote (or do not open): it is made again."""


def _file_stamp(path: Path) -> dict:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _files(gen: Path) -> dict:
    """Size and modification time of every file of a generation (damage shows in them)."""
    out = {}
    for root, _, names in os.walk(gen):
        for name in names:
            if name in _VOLATILE or name.startswith("LOG.old") or name == "STAMP.json":
                continue
            p = Path(root) / name
            out[p.relative_to(gen).as_posix()] = _file_stamp(p)
    return dict(sorted(out.items()))


@contextmanager
def _flock(path: Path, mode: int, blocking: bool = True):
    """An fcntl lock on ``path`` (created if it can be); yields whether it is held. In a
    folder we cannot write to, no lock is taken (nobody can change it through us either)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            yield False
            return
    try:
        try:
            fcntl.flock(fd, mode | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # releases the lock


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def new_generation(folder: Path) -> Path:
    """A fresh folder for a store being made: ``.store/tmp-PID-HEX``."""
    base = folder / STORE_DIR
    base.mkdir(parents=True, exist_ok=True)
    path = base / f"tmp-{os.getpid()}-{secrets.token_hex(4)}"
    path.mkdir()
    return path


def commit(folder: Path, moves: list[tuple[Path, Path]], store_tmp: Optional[Path]) -> None:
    """Move the new exports (``moves``: temporary file -> final name) and the new store
    (``store_tmp``, from :func:`new_generation`) into place together, under the exclusive
    lock, through a journal a later command finishes if this process is killed."""
    base = folder / STORE_DIR
    base.mkdir(parents=True, exist_ok=True)
    journal = {"moves": [[str(a), str(b)] for a, b in moves]}
    if store_tmp is not None:
        gen = "gen-" + store_tmp.name[len("tmp-"):]
        journal["moves"].append([str(store_tmp), str(base / gen)])
        journal["current"] = gen
    with _flock(base / _LOCK, fcntl.LOCK_EX):
        _write_json(base / _COMMIT, journal)  # the commit point
        _fsync_dir(base)
        _replay(folder, journal)
    _remove_unused(folder)


def _replay(folder: Path, journal: dict) -> None:
    """Carry out a commit's journal (again): renames whose source is still there, CURRENT."""
    base = folder / STORE_DIR
    for src, dst in journal.get("moves", []):
        if os.path.lexists(src):
            os.replace(src, dst)
    _fsync_dir(folder)
    if journal.get("current"):
        _write_json(base / _CURRENT, {"format": _FORMAT, "generation": journal["current"]})
    os.unlink(base / _COMMIT)
    _fsync_dir(base)


def recover(folder: Path) -> bool:
    """Finish a commit cut short (its journal is still there). Returns whether there was one."""
    base = Path(folder) / STORE_DIR
    if not (base / _COMMIT).exists():
        return False
    with _flock(base / _LOCK, fcntl.LOCK_EX) as held:
        if not held:
            return False
        try:
            journal = json.loads((base / _COMMIT).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return False  # finished meanwhile
        except (OSError, ValueError):
            os.unlink(base / _COMMIT)  # a journal cut short while written: the commit never began
            return False
        _replay(folder, journal)
    return True


def _current(folder: Path) -> Optional[Path]:
    base = folder / STORE_DIR
    try:
        data = json.loads((base / _CURRENT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != _FORMAT or not isinstance(data.get("generation"), str) \
            or not re.fullmatch(r"gen-\d+-[0-9a-f]+", data["generation"]):
        return None
    return base / data["generation"]


def clean_store(folder: Path) -> list[str]:
    """Remove from ``.store/`` what killed builds and older layouts left: generations being
    made by processes no longer running, generations no longer current that no reader holds,
    and the files of a store of an earlier kg version. Returns the names removed."""
    base = Path(folder) / STORE_DIR
    try:
        names = os.listdir(base)
    except OSError:
        return []
    removed = []
    current = _current(Path(folder))
    for name in names:
        path = base / name
        m = re.fullmatch(r"tmp-(\d+)-[0-9a-f]+", name)
        if m:
            if _alive(int(m.group(1))):
                continue
            shutil.rmtree(path, ignore_errors=True)
        elif re.fullmatch(r"gen-\d+-[0-9a-f]+", name):
            if current is not None and name == current.name or not _remove_if_unused(path):
                continue
        elif name in ("oxigraph", "names.sqlite", "STAMP.json"):  # a store of kg before generations
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        elif re.fullmatch(r"\.(CURRENT|COMMIT)\.(\d+)\.tmp", name):
            if _alive(int(name.split(".")[2])):
                continue
            path.unlink(missing_ok=True)
        else:
            continue
        removed.append(f"{STORE_DIR}/{name}")
    return removed


def _remove_if_unused(gen: Path) -> bool:
    with _flock(gen / "readers", fcntl.LOCK_EX, blocking=False) as held:
        if not held:
            return False
        shutil.rmtree(gen, ignore_errors=True)
    return True


def _remove_unused(folder: Path) -> None:
    current = _current(folder)
    base = folder / STORE_DIR
    for name in os.listdir(base):
        if name.startswith("gen-") and (current is None or name != current.name):
            _remove_if_unused(base / name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


class NamesCopy:
    """The names index of the current store of ``folder`` (``base``) copied, and synced, into a
    new generation's folder by a thread of its own, started when a build into ``folder``
    starts: a write from the changes then updates this copy (:meth:`take`) instead of copying
    1 GB or more of a large graph's names index while it writes, and the disk does it while
    the build works out the graph. A copy that is not taken is removed (:meth:`discard`, which
    does not wait for it: the copying stops at its next slice; or when the object goes, or by
    a later build if the process was killed).

    No lock on the base generation is held: a generation removed meanwhile is read to the end
    through the open file, and a copy of a generation that is no longer the current one is
    never taken."""

    _SLICE = 64 << 20  # bytes copied between two looks at whether the copy is still wanted

    def __init__(self, folder: Path, base: Path) -> None:
        self.folder, self.base = Path(os.path.realpath(folder)), Path(os.path.realpath(base))
        self.path = new_generation(folder)
        self._error: Optional[BaseException] = None
        self._lock = threading.Lock()
        self._state = "copying"  # then "copied"; "taken" or "discarded"
        self._stop = threading.Event()
        self._remove = weakref.finalize(self, shutil.rmtree, str(self.path), True)
        self._thread = threading.Thread(target=self._copy, name="kg-names-copy", daemon=True)
        self._thread.start()

    @classmethod
    def start(cls, folder: str | Path) -> Optional["NamesCopy"]:
        """The copy started, if ``folder`` has a store with a names index; else None."""
        folder = Path(folder)
        base = current_store(folder) if folder.is_dir() else None
        if base is None or not (base / "names.sqlite").is_file():
            return None
        try:
            return cls(folder, base)
        except OSError:
            return None

    def _copy(self) -> None:
        try:
            with open(self.base / "names.sqlite", "rb") as src, open(self.path / "names.sqlite", "wb") as dst:
                size, done = os.fstat(src.fileno()).st_size, 0
                while done < size and not self._stop.is_set():
                    n = os.sendfile(dst.fileno(), src.fileno(), done, min(self._SLICE, size - done))
                    if n == 0:
                        raise OSError(f"{src.name} ended at {done} of {size} bytes")
                    done += n
                if not self._stop.is_set():
                    os.fsync(dst.fileno())
        except BaseException as exc:  # noqa: BLE001 - the copy is then not used
            self._error = exc
        finally:
            with self._lock:
                if self._state == "copying":
                    self._state = "copied"
                remove = self._state == "discarded"
            if remove:  # (discarded while it copied)
                shutil.rmtree(self.path, ignore_errors=True)

    def take(self, folder: Path, base: Path) -> Optional[Path]:
        """The new generation's folder, holding the copy, if it is a whole copy of the names
        index of ``base`` (the store the write starts from) in ``folder``, not taken or
        discarded before; else None (and the copy is removed)."""
        self._thread.join()
        with self._lock:
            if self._state == "copied" and self._error is None and Path(os.path.realpath(base)) == self.base \
                    and Path(os.path.realpath(folder)) == self.folder:
                self._state = "taken"
                self._remove.detach()
                return self.path
        self.discard()
        return None

    def discard(self) -> None:
        """The copy removed (now, or by its thread once it stops), unless it was taken."""
        with self._lock:
            if self._state in ("taken", "discarded"):
                return
            copying = self._state == "copying"
            self._state = "discarded"
            self._stop.set()
        self._remove.detach()
        if not copying:
            shutil.rmtree(self.path, ignore_errors=True)


class StoreLoader:
    """A generation's store, fed by the one pass that writes the exports: N-Quads lines
    (:meth:`quads`) and the union graph as N-Triples lines (:meth:`union`, the default graph),
    bulk-loaded some megabytes at a time by a thread of its own, so that Oxigraph loads while
    the writers go on (Oxigraph's bulk loader holds what it is given in memory, so slices
    bound the memory of any build); and the links for the adjacency index (:meth:`links`)."""

    CHUNK = 32 << 20

    def __init__(self, path: Path, base: Optional[Path] = None, names_too: bool = False,
                 names_copied: bool = False) -> None:
        """``base``: the generation of the previous build; the new store starts as its copy
        (hard links to Oxigraph's immutable files: no data is copied) and takes only the
        changes (:meth:`drop_block`, :meth:`drop_subject`, then the new blocks' lines).
        ``names_too`` (with ``base``): the names index too starts as a copy of the previous
        one, which the writer updates (:func:`kg.query.names.update_names` on :attr:`names`)
        instead of its being written from the whole graph; ``names_copied``: that copy is in
        ``path`` already (:class:`NamesCopy`)."""
        from .names import SKIP_PREDICATES, open_links

        self.path = path
        self.weight: dict[str, int] = {}  # articles that mention, tag, cover or link to each node
        self.delta = base is not None
        self.dropped = 0  # quads taken out of the copy of the previous store
        self._graphs: set[str] = set()  # named graphs that lost quads (removed if left empty)
        if base is not None:
            old = ox.Store.read_only(str(base / "oxigraph"))
            try:
                old.backup(str(path / "oxigraph"))
            finally:
                del old
        self.store = ox.Store(str(path / "oxigraph"))
        self.names_updated = base is not None and names_too
        if self.names_updated:
            if not names_copied:
                shutil.copyfile(base / "names.sqlite", path / "names.sqlite")
            self.names = sqlite3.connect(str(path / "names.sqlite"))
        else:
            self.names = open_links(path / "names.sqlite")
        self.name_rows = None  # fed subject by subject (:meth:`subject`), into self.names
        self.skip = SKIP_PREDICATES  # links that are no neighbour relation (see :meth:`links`)
        self._pending: list[bytes] = []
        self._size = 0
        self._error: Optional[BaseException] = None
        self._queue: queue.Queue = queue.Queue(maxsize=1)
        self._thread = threading.Thread(target=self._work, name="kg-store-loader", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        while True:
            data = self._queue.get()
            if data is None:
                return
            self._load(data)

    def _load(self, data: bytes) -> None:
        if self._error is None:
            try:
                if self.delta:  # a few changes into a full store: in a transaction
                    self.store.load(data, ox.RdfFormat.N_QUADS)
                else:
                    self.store.bulk_load(data, ox.RdfFormat.N_QUADS)
            except BaseException as exc:  # noqa: BLE001 - raised in the writing thread by finish()
                self._error = exc

    def quads(self, data: bytes) -> None:
        self._add(data)

    def union(self, data: bytes) -> None:
        self._add(data)  # N-Triples lines are N-Quads lines of the default graph

    def drop_block(self, graph: str, subject: str) -> None:
        """Take the quads of ``subject`` in the named graph ``graph`` out of the copy of the
        previous store (a block that changed or is gone)."""
        self._drop(ox.NamedNode(subject), ox.NamedNode(graph))
        self._graphs.add(graph)

    def drop_subject(self, subject: str) -> None:
        """Take ``subject``'s triples out of the default graph (the union) of the copy."""
        self._drop(ox.NamedNode(subject), ox.DefaultGraph())

    def _drop(self, subject, graph) -> None:
        found = list(self.store.quads_for_pattern(subject, None, None, graph))
        for q in found:
            self.store.remove(q)
        self.dropped += len(found)

    def links(self, rows) -> None:
        """The graph's links (s, p, o, articles) in (s, p, o) order, ``articles`` the number of
        named graphs that state it, for the adjacency index of names.sqlite: those between two
        different IRIs whose predicate is not in ``self.skip`` are kept."""
        from .names import add_links

        skip = self.skip
        add_links(self.names, (r for r in rows if r[1] not in skip and r[0] != r[2]))

    def subject(self, subject: str, triples: list) -> None:
        """One subject's statements of the union graph, for the names index."""
        if self.name_rows is None:  # the article counts (self.weight) are complete by now
            from .names import NameRows

            self.name_rows = NameRows(self.names, self.weight)
        self.name_rows.subject(subject, triples)

    def _add(self, data: bytes) -> None:
        self._pending.append(data)
        self._size += len(data)
        if self._size >= self.CHUNK:
            self._send()

    def _send(self) -> None:
        if self._pending and self.delta:  # the changes are loaded here, between the removals
            self._load(b"".join(self._pending))
        elif self._pending:
            self._queue.put(b"".join(self._pending))
        self._pending, self._size = [], 0

    def _join(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def finish(self, nq: Path) -> None:
        """Write the names index and the stamp (``nq``: the graph.nq the store holds, at the
        path it has now; it keeps its size and time when renamed into place)."""
        from .names import write_names

        self._send()
        self._join()
        if self._error is not None:
            exc = self._error
            if isinstance(exc, (SyntaxError, ValueError, RuntimeError)):
                raise QueryError(f"the graph cannot be loaded into the query store: {str(exc).splitlines()[0]}")
            raise exc
        for graph in sorted(self._graphs):  # a graph left without quads is no graph any more
            name = ox.NamedNode(graph)
            if next(iter(self.store.quads_for_pattern(None, None, None, name)), None) is None:
                self.store.remove_graph(name)
        self.store.flush()
        if self.names_updated:  # (by the writer: kg.query.names.update_names)
            self.names.commit()
        else:
            if self.name_rows is None:
                from .names import NameRows

                self.name_rows = NameRows(self.names, self.weight)
            write_names(self.store, self.names, links_given=True, fed=self.name_rows, weight=self.weight)
        self.name_rows = None
        self.names.close()
        del self.store  # Oxigraph writes its files when the store is dropped
        _stamp_generation(self.path, nq)

    def abandon(self) -> None:
        self._pending = []
        self._join()
        self.store = None
        self.names.close()
        shutil.rmtree(self.path, ignore_errors=True)


def _stamp_generation(gen: Path, nq: Path) -> None:
    stamp = {"format": _FORMAT, "graph.nq": _file_stamp(nq), "files": _files(gen)}
    (gen / "STAMP.json").write_text(json.dumps(stamp), encoding="utf-8")
    (gen / "readers").touch()


def _check(folder: Path, gen: Optional[Path]) -> None:
    """Raise StoreDamaged unless ``gen`` is a whole store of the current graph.nq."""
    if gen is None:
        raise StoreDamaged("no store")
    try:
        stamp = json.loads((gen / "STAMP.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise StoreDamaged("no stamp") from None
    if not isinstance(stamp, dict) or stamp.get("format") != _FORMAT:
        raise StoreDamaged("an older store")
    if stamp.get("graph.nq") != _file_stamp(folder / "graph.nq"):
        raise StoreDamaged("graph.nq changed since the store was made")
    if stamp.get("files") != _files(gen):
        raise StoreDamaged("the store's files changed")


def _load(store: ox.Store, nq: Path) -> None:
    """Bulk-load N-Quads a slice at a time: Oxigraph's bulk loader holds what it is given in
    memory (about 0.8 KB a quad), so slices of _LOAD_LINES bound the memory of any build.
    Then the default graph gets every triple of every article graph, once: SPARQL without
    GRAPH sees each fact once (a deduplicated union), GRAPH ?g still gives provenance."""
    with nq.open("rb") as fh:
        while True:
            chunk = b"".join(islice(fh, _LOAD_LINES))
            if not chunk:
                break
            store.bulk_load(chunk, ox.RdfFormat.N_QUADS)
    graphs = sorted(g.value for g in store.named_graphs())
    for i in range(0, len(graphs), _ADD_GRAPHS):
        store.update(" ; ".join(f"ADD <{g}> TO DEFAULT" for g in graphs[i:i + _ADD_GRAPHS]))


def current_store(folder: str | Path) -> Optional[Path]:
    """The folder of the store of the build in ``folder`` if it is whole and made from its
    graph.nq, else None (it would be made again when opened)."""
    folder = Path(folder)
    gen = _current(folder)
    try:
        _check(folder, gen)
    except (StoreDamaged, OSError):
        return None
    return gen


def write_store(folder: str | Path) -> Path:
    """Make the store of ``folder/graph.nq`` anew and make it current (the exports stay)."""
    folder = Path(folder)
    nq = folder / "graph.nq"
    tmp = new_generation(folder)
    try:
        store = ox.Store(str(tmp / "oxigraph"))
        _load(store, nq)
        store.flush()
        from .names import write_names

        write_names(store, tmp / "names.sqlite")
        del store
        _stamp_generation(tmp, nq)
    except (SyntaxError, ValueError, RuntimeError) as exc:  # a graph.nq Oxigraph cannot read: say so, leave no debris
        shutil.rmtree(tmp, ignore_errors=True)
        raise QueryError(f"{nq}: cannot be loaded into the query store: {str(exc).splitlines()[0]}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    commit(folder, [], tmp)
    return _current(folder)


class Store:
    """A build's graph and names, ready for queries."""

    def __init__(self, folder: Path, store: ox.Store, names: sqlite3.Connection | None):
        self.folder = folder
        self.store = store
        self._names = names

    @property
    def names(self) -> sqlite3.Connection:
        if self._names is None:  # an in-memory store over a read-only folder: index in memory
            from .names import write_names

            self._names = sqlite3.connect(":memory:")
            write_names(self.store, self._names)
        return self._names

    def query(self, sparql: str, *, allow_network: bool = False):
        """Run SPARQL with the contract's prefixes declared; returns pyoxigraph results."""
        check_network(sparql, allow_network)
        check_read_only(sparql)
        try:
            return self.store.query(PREFIX_HEADER + sparql)
        except SyntaxError as exc:
            raise QueryError(f"bad SPARQL: {_in_user_terms(str(exc).splitlines()[0], sparql)}") from None
        except (ValueError, OSError, RuntimeError) as exc:
            raise QueryError(f"query failed: {str(exc).splitlines()[0]}") from None

    def quads(self, s=None, p=None, o=None, g=None):
        return self.store.quads_for_pattern(s, p, o, g)


_HEADER_LINES = PREFIX_HEADER.count("\n")
_UPDATE = re.compile(r"(?i)\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)\b\s+(DATA|WHERE|GRAPH|SILENT|DEFAULT|NAMED|ALL|<|\{|\?)")


def check_read_only(sparql: str) -> None:
    """The graph is read-only: an update is refused with its own message, not a parse error."""
    body = re.sub(r'(?m)"[^"]*"|<[^>]*>|#.*$', "", sparql)
    m = _UPDATE.search(body)
    if m:
        raise QueryError(f"the graph is read-only: {m.group(1).upper()} is an update; only queries "
                         "(SELECT, ASK, CONSTRUCT, DESCRIBE) run here")


def _in_user_terms(message: str, sparql: str) -> str:
    """A parser message with positions in the user's own query (the predeclared prefixes
    take the first lines) and an unknown prefix named."""
    m = re.match(r"error at (\d+):(\d+)", message)
    if m:
        line, col = int(m.group(1)) - _HEADER_LINES, int(m.group(2))
        message = f"error at line {line}, column {col}" + message[m.end():]
        if "Prefix not found" in message:
            lines = sparql.split("\n")
            text = lines[line - 1] if 0 < line <= len(lines) else ""
            name = re.match(r"([A-Za-z][\w-]*)?:", text[col - 1:] if col > 0 else "")
            near = re.findall(r"(?<![\w<])([A-Za-z][\w-]*):(?!//)", text[max(0, col - 40):col + 20])
            prefix = name.group(1) if name and name.group(1) else (near[0] if near else "")
            if prefix:
                return f"unknown prefix {prefix}: at line {line}, column {col} (declared: {', '.join(PREFIXES)})"
    return message


_NETWORK_REFUSED = "SERVICE and LOAD would reach the network: refused (use --allow-network)"
# SPARQL's comments, strings and IRI references, which may hold the words harmlessly
_LEXICAL = re.compile(r"""'\'\'\'.*?'\'\'\'|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*""",
                      re.S)


def _walk_for_service(node) -> bool:
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                return True
            stack.extend(item.values())
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
    return False


def uses_network(sparql: str) -> bool:
    """Whether the query would reach the network (a SERVICE pattern, or LOAD), judged on its
    parsed algebra, not its text: the word "service" in a string or a FILTER is no call,
    and a SERVICE after ``FILTER(1 < 2)`` is one. A query rdflib's parser cannot read is
    judged on its tokens (strings, IRIs and comments set aside)."""
    try:
        from rdflib.plugins.sparql.algebra import translateQuery
        from rdflib.plugins.sparql.parser import parseQuery

        algebra = translateQuery(parseQuery(PREFIX_HEADER + sparql))
    except Exception:  # noqa: BLE001 - not rdflib's SPARQL (or an update): read the tokens
        return bool(_NETWORK.search(_LEXICAL.sub(" ", sparql)))
    return _walk_for_service(algebra.algebra)


def check_network(sparql: str, allow_network: bool) -> None:
    if not allow_network and uses_network(sparql):
        raise QueryError(_NETWORK_REFUSED)


def open_store(folder: str | Path = "exports") -> Store:
    """Open the build in ``folder`` for querying. A store that is missing, stale (made from
    another graph.nq), damaged or that does not open is made again first, by one process
    under a lock while the others wait for it; a commit cut short by a kill is finished."""
    folder = Path(folder)
    if not (folder / "graph.nq").is_file():
        raise GraphNotFound(f"{folder}: no build here (graph.nq missing); run `kg build INPUT --out {folder}` first")
    base = folder / STORE_DIR
    last: Exception | None = None
    for _ in range(5):
        try:
            recover(folder)
        except OSError:  # a folder we cannot write to: read what is there
            pass
        try:
            return _open_current(folder)
        except StoreDamaged as exc:
            last = exc
        try:
            base.mkdir(exist_ok=True)
            with _flock(base / _REBUILD_LOCK, fcntl.LOCK_EX):
                try:  # made meanwhile by the process that held the lock?
                    return _open_current(folder)
                except StoreDamaged:
                    pass
                write_store(folder)
        except OSError:  # a folder we cannot write to: query from memory
            store = ox.Store()
            _load(store, folder / "graph.nq")
            return Store(folder, store, None)
    raise QueryError(f"{folder}: the query store could not be opened ({last})")


def _open_current(folder: Path) -> Store:
    """The current generation, opened read-only and held (a shared lock on its ``readers``)."""
    base = folder / STORE_DIR
    if not base.is_dir():
        raise StoreDamaged("no store")
    with _flock(base / _LOCK, fcntl.LOCK_SH):
        if (base / _COMMIT).exists():
            raise StoreDamaged("a commit under way")  # the caller finishes it and comes back
        gen = _current(folder)
        _check(folder, gen)
        fd = os.open(gen / "readers", os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            try:
                store = ox.Store.read_only(str(gen / "oxigraph"))
                names = sqlite3.connect(f"file:{gen / 'names.sqlite'}?mode=ro", uri=True, check_same_thread=False)
                names.execute("SELECT count(*) FROM sqlite_master").fetchone()
                names.execute("SELECT iri FROM nodes LIMIT 1").fetchall()
            except (OSError, ValueError, RuntimeError, sqlite3.Error) as exc:
                raise StoreDamaged(f"the store does not open: {str(exc).splitlines()[0] if str(exc) else exc}") from None
        except BaseException:
            os.close(fd)
            raise
    s = Store(folder, store, names)
    s._hold = fd
    weakref.finalize(s, os.close, fd)
    return s
