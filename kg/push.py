"""``kg push``: a build onto a SPARQL server, over the SPARQL 1.1 Graph Store HTTP Protocol.

What goes where:

- each article's named graph of ``graph.nq`` is PUT as a whole to ``ENDPOINT?graph=<article>``;
- the build-wide facts (the default graph of ``graph.nq``) go to a named graph of their own,
  :data:`BUILD_GRAPH` (``kgr:build``), since servers disagree on what their default graph is;
- an index graph, :data:`INDEX_GRAPH` (``kgr:build/index``), lists every graph of the build
  (``dcterms:hasPart``) and the digest of their hashes (``dcterms:identifier``). Remote
  queries read it to scope themselves to the build (``kg sparql --endpoint``), and a push
  reads it to know what the server holds.

Only what changed is sent: the push keeps a manifest of each graph's SHA-256 beside the
exports (``.push.json``, one entry per endpoint). A graph whose hash is in the manifest is
skipped, but only while the server's index carries the manifest's digest: a server that
was wiped, or that another build was pushed to since, gets every graph again. Graphs of the
server's index (or of the manifest) that the build no longer has are deleted. After a
failed push the manifest keeps what did arrive, so the next push sends only the rest.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Optional

from .remote import RemoteError, client, request
from .terms import DCTERMS, KGR

__all__ = ["BUILD_GRAPH", "INDEX_GRAPH", "MANIFEST", "PushError", "PushReport", "graphs_of", "push",
           "read_index"]

BUILD_GRAPH = KGR + "build"
INDEX_GRAPH = KGR + "build/index"
MANIFEST = ".push.json"

_HAS_PART = DCTERMS + "hasPart"
_IDENTIFIER = DCTERMS + "identifier"
_TERM = r'<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?'
_QUAD = re.compile(rf"^((?:{_TERM}) (?:{_TERM}) (?:{_TERM}))(?: (<[^>]*>|_:\S+))? \.\s*$")


class PushError(Exception):
    """A push that cannot go on; the message is one line."""


@dataclass
class PushReport:
    endpoint: str
    graphs: int = 0                      # graphs in the build
    put: list = field(default_factory=list)
    deleted: list = field(default_factory=list)
    unchanged: int = 0
    index_put: bool = False
    resent_all: bool = False             # the server's index did not match the manifest
    seconds: float = 0.0
    dry_run: bool = False


def graphs_of(nq: Path) -> Iterator[tuple[str, bytes]]:
    """(graph IRI, its triples as N-Triples) for every graph of ``graph.nq``, the default
    graph as :data:`BUILD_GRAPH`. ``graph.nq`` is sorted by graph, so this streams."""
    current: Optional[str] = None
    lines: list[str] = []
    seen: set[str] = set()
    with Path(nq).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = _QUAD.match(line)
            if not m:
                raise PushError(f"{nq}:{n}: not an N-Quads line")
            g = m.group(2)[1:-1] if m.group(2) else BUILD_GRAPH
            if g != current:
                if current is not None:
                    yield current, "".join(lines).encode("utf-8")
                if g in seen:
                    raise PushError(f"{nq}: the quads of graph <{g}> are not together (not a kg build?)")
                seen.add(g)
                current, lines = g, []
            lines.append(m.group(1) + " .\n")
    if current is not None:
        yield current, "".join(lines).encode("utf-8")


def _digest(hashes: dict[str, str]) -> str:
    return hashlib.sha256("".join(f"{g} {h}\n" for g, h in sorted(hashes.items())).encode()).hexdigest()


def _index_body(hashes: dict[str, str]) -> bytes:
    lines = [f'<{INDEX_GRAPH}> <{_IDENTIFIER}> "{_digest(hashes)}" .\n']
    lines += [f"<{INDEX_GRAPH}> <{_HAS_PART}> <{g}> .\n" for g in sorted(hashes)]
    return "".join(lines).encode("utf-8")


def _graph_url(endpoint: str, graph: str) -> tuple[str, dict]:
    return endpoint, {"graph": graph}


def read_index(http, endpoint: str, *, retries: int = 3, backoff: float = 0.5) -> tuple[Optional[str], set[str]]:
    """(digest, graphs) of the index graph on the server; (None, empty) if it has none."""
    import pyoxigraph as ox

    url, params = _graph_url(endpoint, INDEX_GRAPH)
    resp = request(http, "GET", url, params=params, headers={"Accept": "text/turtle, application/n-triples;q=0.9"},
                   what=f"<{INDEX_GRAPH}>", retries=retries, backoff=backoff,
                   ok=lambda s: 200 <= s < 300 or s == 404)
    if resp.status_code == 404 or not resp.content.strip():
        return None, set()
    ctype = resp.headers.get("content-type", "text/turtle").split(";")[0].strip()
    fmt = ox.RdfFormat.N_TRIPLES if ctype in ("application/n-triples", "text/plain") else ox.RdfFormat.TURTLE
    try:
        triples = list(ox.parse(resp.content, format=fmt))
    except (SyntaxError, ValueError):
        return None, set()
    digest, graphs = None, set()
    for t in triples:
        if t.predicate.value == _HAS_PART and isinstance(t.object, ox.NamedNode):
            graphs.add(t.object.value)
        elif t.predicate.value == _IDENTIFIER:
            digest = t.object.value
    return digest, graphs


def _load_manifest(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _save_manifest(path: Path, data: dict) -> None:
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def push(folder: str | Path, endpoint: str, *, dry_run: bool = False, everything: bool = False,
         timeout: float = 60.0, retries: int = 3, backoff: float = 0.5,
         progress: Optional[Callable[[int, int, str], None]] = None) -> PushReport:
    """Make the server at ``endpoint`` (a Graph Store endpoint) hold the build in ``folder``.

    ``everything`` sends every graph whatever the manifest says. ``progress(done, total,
    graph)`` is called after each graph sent or deleted. Raises :class:`PushError`."""
    started = time.perf_counter()
    folder = Path(folder)
    nq = folder / "graph.nq"
    if not nq.is_file():
        raise PushError(f"{folder}: no build here (graph.nq missing); run `kg build INPUT --out {folder}` first")
    if not endpoint.startswith(("http://", "https://")):
        raise PushError(f"{endpoint}: an endpoint is an http(s) URL (the server's Graph Store endpoint)")
    report = PushReport(endpoint=endpoint, dry_run=dry_run)
    manifest_path = folder / MANIFEST
    manifest = _load_manifest(manifest_path)
    mine = manifest.get(endpoint) or {}
    try:
        with client(endpoint, timeout) as http:
            server_digest, server_graphs = read_index(http, endpoint, retries=retries, backoff=backoff)
            known: dict[str, str] = dict(mine.get("graphs") or {})
            if everything or server_digest != mine.get("digest"):
                report.resent_all = bool(known) or bool(server_graphs)
                known = {}
            # what the server holds after this push, as far as we know: starts as what it held
            state = dict(known)
            hashes: dict[str, str] = {}
            # count first (cheap: one pass of hashing) so that progress knows the total
            todo: list[str] = []
            for g, body in graphs_of(nq):
                h = hashlib.sha256(body).hexdigest()
                hashes[g] = h
                if known.get(g) != h:
                    todo.append(g)
            report.graphs = len(hashes)
            report.unchanged = len(hashes) - len(todo)
            gone = sorted((set(known) | server_graphs) - set(hashes) - {INDEX_GRAPH})
            total = len(todo) + len(gone)
            done = 0
            if dry_run:
                report.put, report.deleted = todo, gone
                report.index_put = server_digest != _digest(hashes)
                return report
            wanted = set(todo)
            try:
                for g, body in graphs_of(nq):
                    if g not in wanted:
                        continue
                    state.pop(g, None)  # if the PUT fails half-way, the server's copy is unknown
                    url, params = _graph_url(endpoint, g)
                    request(http, "PUT", url, params=params, content=body, what=f"<{g}>",
                            headers={"Content-Type": "text/turtle; charset=utf-8"},
                            retries=retries, backoff=backoff)
                    state[g] = hashes[g]
                    report.put.append(g)
                    done += 1
                    if progress:
                        progress(done, total, g)
                for g in gone:
                    url, params = _graph_url(endpoint, g)
                    request(http, "DELETE", url, params=params, what=f"<{g}>", retries=retries,
                            backoff=backoff, ok=lambda s: 200 <= s < 300 or s == 404)
                    state.pop(g, None)
                    report.deleted.append(g)
                    done += 1
                    if progress:
                        progress(done, total, g)
                new_digest = _digest(hashes)
                if server_digest != new_digest:
                    url, params = _graph_url(endpoint, INDEX_GRAPH)
                    request(http, "PUT", url, params=params, content=_index_body(hashes), what=f"<{INDEX_GRAPH}>",
                            headers={"Content-Type": "text/turtle; charset=utf-8"},
                            retries=retries, backoff=backoff)
                    report.index_put = True
                manifest[endpoint] = {"digest": new_digest, "graphs": hashes}
            except RemoteError:
                # keep what arrived: the server's index still has its old digest, so the next
                # push trusts this map and sends only what is missing or different
                manifest[endpoint] = {"digest": server_digest, "graphs": state}
                raise
            finally:
                try:
                    _save_manifest(manifest_path, manifest)
                except OSError:
                    pass
    except RemoteError as exc:
        raise PushError(str(exc)) from None
    report.seconds = time.perf_counter() - started
    return report
