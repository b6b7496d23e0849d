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

import json
import os
import re
import shutil
import sqlite3
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from ..terms import PREFIXES

__all__ = ["GraphNotFound", "QueryError", "Store", "open_store", "write_store", "PREFIX_HEADER"]

PREFIX_HEADER = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
_NETWORK = re.compile(r"\b(SERVICE|LOAD)\b", re.I)
STORE_DIR = ".store"
_FORMAT = 4  # bump when the store's layout changes
_LOAD_LINES = 100_000
_ADD_GRAPHS = 200  # article graphs copied into the default graph per update


class GraphNotFound(Exception):
    pass


class QueryError(Exception):
    pass


def _stamp(nq: Path) -> dict:
    st = nq.stat()
    return {"format": _FORMAT, "graph.nq": {"size": st.st_size, "mtime_ns": st.st_mtime_ns}}


def _fresh(folder: Path) -> bool:
    try:
        saved = json.loads((folder / STORE_DIR / "STAMP.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return saved == _stamp(folder / "graph.nq")


def write_store(folder: str | Path) -> Path:
    """Make ``folder/.store/`` from ``folder/graph.nq`` (replacing any older one)."""
    from .names import write_names

    folder = Path(folder)
    nq = folder / "graph.nq"
    tmp = folder / f".{STORE_DIR}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        store = ox.Store(str(tmp / "oxigraph"))
        _load(store, nq)
        store.flush()
        write_names(store, tmp / "names.sqlite")
        del store  # Oxigraph writes its files when the store is dropped
    except (SyntaxError, ValueError, RuntimeError) as exc:  # a graph.nq Oxigraph cannot read: say so, leave no debris
        shutil.rmtree(tmp, ignore_errors=True)
        raise QueryError(f"{nq}: cannot be loaded into the query store: {str(exc).splitlines()[0]}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    (tmp / "STAMP.json").write_text(json.dumps(_stamp(nq)), encoding="utf-8")
    dest = folder / STORE_DIR
    old = folder / f".{STORE_DIR}.old-{os.getpid()}"
    if dest.exists():
        dest.rename(old)
    tmp.rename(dest)
    shutil.rmtree(old, ignore_errors=True)
    return dest


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
    """Open the build in ``folder`` for querying (making its store first if needed)."""
    folder = Path(folder)
    if not (folder / "graph.nq").is_file():
        raise GraphNotFound(f"{folder}: no build here (graph.nq missing); run `kg build INPUT --out {folder}` first")
    if not _fresh(folder):
        try:
            write_store(folder)
        except OSError:  # a read-only folder: query from memory
            store = ox.Store()
            _load(store, folder / "graph.nq")
            return Store(folder, store, None)
    path = folder / STORE_DIR
    store = ox.Store.read_only(str(path / "oxigraph"))
    names = sqlite3.connect(f"file:{path / 'names.sqlite'}?mode=ro", uri=True)
    return Store(folder, store, names)
