"""The build pipeline (``kg build``): read input files and folders, extract, and assemble the graph.

    >>> from kg import build
    >>> result = build(["seeds"])          # doctest: +SKIP
    >>> result.write("exports")            # doctest: +SKIP
"""
from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence

import yaml

from . import extract, facts
from ._gc import fewer_full_collections
from . import lexicon as lexicon_mod
from .cache import RunCache, open_cache
from .extract.discovery import learn_from
from .document import Document
from .graph import ArticleIndex, Context, add_dataset, add_minted_labels, add_used_actors, add_used_technologies
from .parallel import DaskEngine, Done, Engine, make_engine
from .policies import add_policies
from .quads import SPILL_AT, QuadSet
from .readers import MAX_FILE_SIZE, SkipFile, read_bytes

__all__ = ["BuildError", "BuildResult", "collect_inputs", "build", "display_name"]

#: names never read as inputs: version control, caches, our own outputs
_IGNORED_DIRS = {".git", ".hg", ".svn", "__pycache__", ".venv", "node_modules", ".pytest_cache"}


#: about how many articles the graph's sorted runs kept for the next build hold each (a run is
#: taken whole or made again: the smaller, the less a change redoes, the more runs to merge)
CHUNK_GROUPS = 512

#: fewer input files than this are worked on in this process whatever ``workers`` says
POOL_MIN_FILES = 64


class BuildError(Exception):
    """The build cannot start (e.g. an input path does not exist)."""


@dataclass
class BuildResult:
    quads: QuadSet
    report: dict
    documents: list[Document] = field(default_factory=list)
    #: how the build ran and what writing measured (workers, cache hits, temporary disk):
    #: not part of the exports
    stats: dict = field(default_factory=dict)
    #: the names index of the store in the output folder, copied while the build ran, for a
    #: write from the changes to update (:class:`kg.query.store.NamesCopy`)
    names_copy: object = field(default=None, repr=False, compare=False)

    def write(self, out: str | os.PathLike, formats: Optional[Sequence[str]] = None,
              replace_with_empty: bool = False) -> list[Path]:
        """Write the exports and, beside them, the query store into ``out`` (one pass over
        the graph), and switch both in together. A build that read no article does not
        replace a graph already there (a mistyped folder would wipe it) unless
        ``replace_with_empty``."""
        from .exporters import write_all

        if not self.report.get("articles") and not replace_with_empty and (Path(out) / "graph.nq").exists():
            raise BuildError(f"read no article: {out}/ keeps its graph (use --force to replace it with an empty one)")
        return write_all(self, Path(out), formats)


def display_name(rel: str) -> str:
    """A file name as it may be written into the graph and the report: bytes that are not
    UTF-8 as ``\\xNN``, control characters as ``\\xNN`` (no writer refuses it; the same name
    always gives the same text)."""
    try:
        raw = os.fsencode(rel)
    except (UnicodeEncodeError, TypeError):
        raw = rel.encode("utf-8", "surrogatepass")
    text = raw.decode("utf-8", "backslashreplace")
    return _CONTROL_CHARS.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


_CONTROL_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _is_output_folder(path: str) -> bool:
    """A kg build (its exports and store) is never read as input."""
    return os.path.isfile(os.path.join(path, "graph.nq")) and os.path.isfile(os.path.join(path, "report.json"))


def _real(path: str | os.PathLike) -> str:
    try:
        return os.path.realpath(path)
    except (OSError, RuntimeError):
        return os.path.abspath(path)


def _walk(top: str) -> Iterator[tuple[str, list[str], list[os.DirEntry]]]:
    """As ``os.walk(top, followlinks=True)`` (top-down: the caller may prune the folder
    names), but with each file's ``os.DirEntry``, which knows whether it is a link without
    asking the file system again. A folder that cannot be listed is passed over."""
    todo = [top]
    while todo:
        folder = todo.pop()
        try:
            with os.scandir(folder) as it:
                listed = list(it)
        except OSError:
            continue
        dirnames, files = [], []
        for entry in listed:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                dirnames.append(entry.name)
            else:
                files.append(entry)
        yield folder, dirnames, files
        todo.extend(os.path.join(folder, d) for d in reversed(dirnames))


def collect_inputs(inputs: Iterable[str | os.PathLike], exclude: Iterable[str | os.PathLike] = (),
                   excluded: list | None = None) -> list[tuple[Path, str]]:
    """(path, path relative to the input argument it was found under), sorted, each file once.

    Folders are walked recursively; a symbolic link to a folder is followed once (a folder
    reached again, as by a link loop, is not walked twice). Folders in ``exclude`` (the
    build's own output) and folders holding a kg build are not read; they are listed in
    ``excluded``."""
    found: dict[str, tuple[Path, str]] = {}
    skip_dirs = {_real(e) for e in exclude}
    for arg in inputs:
        root = Path(arg)
        if not os.path.lexists(root):
            raise BuildError(f"{arg}: no such file or folder")
        if not root.is_dir():  # a file, a special file or a broken link: read_path says which
            found.setdefault(_real(root), (root, display_name(root.name)))
            continue
        seen_dirs: set[str] = set()
        for dirpath, dirnames, entries in _walk(str(root)):
            real = _real(dirpath)
            if real in skip_dirs or (dirpath != str(root) and _is_output_folder(dirpath)):
                if excluded is not None:
                    excluded.append(display_name(Path(dirpath).relative_to(root).as_posix() if dirpath != str(root)
                                                 else str(root)))
                dirnames[:] = []
                continue
            if real in seen_dirs:
                dirnames[:] = []
                continue
            seen_dirs.add(real)
            dirnames[:] = sorted(d for d in dirnames if d not in _IGNORED_DIRS and not d.startswith("."))
            rel_dir = None if dirpath == str(root) else Path(dirpath).relative_to(root).as_posix()
            for entry in sorted(entries, key=lambda e: e.name):
                name = entry.name
                if name.startswith("."):
                    continue  # hidden files (editor swap files, .DS_Store, our temporaries)
                path = entry.path
                # the folder's real path is known: only a link needs resolving (a path of
                # 100,000 files is not resolved component by component 100,000 times)
                key = _real(path) if entry.is_symlink() else os.path.join(real, name)
                found.setdefault(key, (Path(path), display_name(name if rel_dir is None else f"{rel_dir}/{name}")))
    return sorted(found.values(), key=lambda x: (x[1], str(x[0])))


_reason = facts.reason
_bad_rows = facts.bad_rows


def build(inputs: Iterable[str | os.PathLike], progress: Optional[Callable[[int, int], None]] = None,
          *, keep_documents: bool = False, spill_at: int = SPILL_AT, exclude: Iterable[str | os.PathLike] = (),
          max_file_size: int = MAX_FILE_SIZE, workers: int = 1, cluster=None,
          cache: str | os.PathLike | None = None, rebuild: bool = False) -> BuildResult:
    """Read every input file, extract what it says, and return the graph and its report.

    One bad file never stops the build: whatever goes wrong while reading, extracting or
    assembling one file (a reader's error, an extractor's bug, a value no writer accepts)
    takes back what that file wrote, and the file and the reason go in the report's
    ``skipped``. Only regular files are read, each up to ``max_file_size`` bytes; folders in
    ``exclude`` (the build's own output) are never read.

    Memory stays bounded however many files there are: the first pass reads each file,
    keeps what discovery learns from it and spools the parsed document to a temporary file;
    the second pass takes the documents back one at a time, and the graph spills to disk
    beyond ``spill_at`` quads (:mod:`kg.quads`). ``keep_documents`` also returns the parsed
    documents (for small builds and tests).

    The per-document work of both passes (:mod:`kg.facts`) runs in ``workers`` processes
    (1: this one) or on the Dask cluster whose scheduler is ``cluster`` (an address or a
    ``distributed.Client``); the graph is assembled here, in input order, so the result is
    the same however it ran. ``cache`` (the output folder) keeps each file's facts for the
    next build into it (:mod:`kg.cache`); ``rebuild`` ignores what is there.
    """
    inputs = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    excluded: list[str] = []
    files = collect_inputs(inputs, exclude, excluded)
    try:
        engine = make_engine(workers, cluster)
    except OSError as exc:  # includes the time-out of a scheduler that does not answer
        raise BuildError(f"cannot reach the Dask scheduler {cluster}: {exc}") from None
    try:
        store = open_cache(cache, rebuild)
    except sqlite3.Error as exc:
        raise BuildError(f"{cache}: cannot use its facts cache ({exc})") from None
    names_copy = None
    try:
        if store is not None and not rebuild:  # (a write into the folder may update its names index)
            from .query.store import NamesCopy

            names_copy = NamesCopy.start(cache)
        with fewer_full_collections():
            result = _build(inputs, files, excluded, engine, store, progress, keep_documents, spill_at, max_file_size)
        result.stats["rebuild"] = bool(rebuild)  # its writing is not incremental either
        if store is not None:
            store.finish()
            result.stats["cache"] = store.stats()
            result.stats["cache_bytes"] = sum(f.stat().st_size for f in store.path.parent.glob(store.path.name + "*"))
        result.names_copy, names_copy = names_copy, None
        return result
    finally:
        if names_copy is not None:  # (the build failed)
            names_copy.discard()
        if store is not None:
            store.close()
        if isinstance(engine, DaskEngine):
            engine.close()


#: files whose cached facts are read in one go
_PREFETCH = 512


def _build(inputs, files, excluded, engine, store, progress, keep_documents, spill_at, max_file_size) -> BuildResult:
    version = facts.code_version() if store is not None else ""
    lex = lexicon_mod.load()
    try:
        extract.load_rules(lex)
    except (yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise BuildError(f"the rules in ontology/ cannot be read: {type(exc).__name__}: {exc}") from None
    skipped: list[dict] = []
    warnings: list[dict] = []
    rows: list[dict] = []  # one per document read, in file order
    iris: list[str] = []
    offsets: list[Optional[tuple]] = []  # (where, length) of a document in the spool (None: read it again)
    paths: list[Path] = []
    keys: list[Optional[str]] = []  # each document's pass-1 cache key
    own_dates: list[Optional[str]] = []
    found_pairs: list[tuple[str, bytes]] = []  # what discovery found in each file (facts.found_pair)
    index = ArticleIndex()
    dates: dict = {}
    stats: dict = {"workers": 1, "cached_files": 0}
    file_keys: dict[int, str] = {}

    def engine_for(todo: int) -> Engine:
        """A pool only for more than a few files' work (a rebuild after one change has little)."""
        chosen = engine if isinstance(engine, DaskEngine) or todo >= POOL_MIN_FILES else Engine()
        stats["workers"] = max(stats["workers"], chosen.workers)
        return chosen

    todo = len(files)
    known_keys: dict[int, str] = {}  # files whose stat says they are as the cache read them
    if store is not None:  # how many files are not in the cache
        known = store.keys(1)
        todo = 0
        for i, (path, rel) in enumerate(files):
            try:
                key = store.known_key(_stat_name(version, max_file_size, rel, path), os.stat(path))
            except OSError:
                key = None
            if key is not None and key in known:
                known_keys[i] = key
                continue
            try:
                data = read_bytes(path, max_file_size)
            except Exception:  # noqa: BLE001 - said when the file is read again
                continue
            todo += facts.digest(version, max_file_size, rel, data) not in known
        del known

    def read_jobs():
        known: dict = {}  # the cached facts of the next files known by their stat (read together)
        for i, (path, rel) in enumerate(files):
            if i % _PREFETCH == 0 and known_keys:
                known = store.get_many(1, [known_keys[j] for j in range(i, i + _PREFETCH) if j in known_keys])
            if i in known_keys:
                key = file_keys[i] = known_keys.pop(i)
                hit = known.pop(key, None)
                if hit is not None:
                    yield Done(("hit", *hit))
                    continue
            try:
                st = os.stat(path) if store is not None else None
            except OSError:
                st = None
            try:
                data = read_bytes(path, max_file_size)
            except SkipFile as exc:
                yield Done(("skip", str(exc)))
                continue
            except Exception as exc:  # noqa: BLE001
                yield Done(("skip", _reason(exc)))
                continue
            if store is not None:
                key = file_keys[i] = facts.digest(version, max_file_size, rel, data)
                if st is not None:  # the stat before the reading: a change meanwhile is seen next time
                    store.note_stat(_stat_name(version, max_file_size, rel, path), st, key)
                hit = store.get(1, key)
                if hit is not None:
                    yield Done(("hit", *hit))
                    continue
            yield (rel, data)

    with tempfile.TemporaryFile(prefix="kg-docs-") as spool:
        local = engine_for(todo)
        with local.session({"lex": lex}):
            for i, got in enumerate(local.ordered("read_facts", read_jobs())):
                path, rel = files[i]
                if got[0] == "skip":
                    skipped.append({"file": rel, "reason": got[1]})
                else:
                    if got[0] == "ok":
                        _, blob, found, doc_keys, row, doc_warnings, date = got
                        if store is not None:
                            store.put(1, file_keys[i], (found, doc_keys, row, doc_warnings, date))
                        offsets.append((spool.tell(), len(blob)))
                        spool.write(blob)
                        del blob
                    else:
                        _, found, doc_keys, row, doc_warnings, date = got
                        offsets.append(None)
                    found_pairs.append(found)
                    node = index.add_keys(*doc_keys)
                    iris.append(node)
                    if date:
                        dates.setdefault(node, date)  # an input's own date before any link's
                    rows.append(row)
                    paths.append(path)
                    keys.append(file_keys.get(i))
                    own_dates.append(date)
                    warnings.extend({"file": row["file"], "warning": w} for w in doc_warnings)
                file_keys.pop(i, None)
                if progress:  # two passes: reading, then extracting
                    progress(i + 1, 2 * len(files))
        lex, learned = _learn(lex, found_pairs, store, version)  # names and actors the articles teach
        del found_pairs
        stats["spool_bytes"] = spool.tell()

        # the files of one article are read one after the other, so that everything said in
        # an article graph is in memory together (a checkpoint comes between articles)
        first: dict[str, int] = {}
        for i, node in enumerate(iris):
            first.setdefault(node, i)
        order = sorted(range(len(iris)), key=lambda i: (first[iris[i]], i))
        groups: list[list[int]] = []
        for i in order:
            if groups and iris[groups[-1][0]] == iris[i]:
                groups[-1].append(i)
            else:
                groups.append([i])
        group_keys: dict[int, str] = {}
        todo = len(groups)
        chunks: list[list[int]] = [list(range(len(groups)))] if groups else []  # (no article read: none)
        runs = RunCache(store) if store is not None and not keep_documents else None
        if store is not None and not keep_documents:
            known = store.keys(2)
            for g, members in enumerate(groups):
                group_keys[g] = facts.digest(learned, *(keys[i] for i in members))
            todo = sum(len(groups[g]) for g, key in group_keys.items() if key not in known)
            del known
            # chunks of articles, each spilled as sorted runs of its own that the next build can
            # take whole; an article whose key ends a chunk is a boundary whatever else changes
            chunks = []
            chunk: list[int] = []
            for g in range(len(groups)):
                chunk.append(g)
                if int(group_keys[g][:8], 16) % CHUNK_GROUPS == 0:
                    chunks.append(chunk)
                    chunk = []
            if chunk:
                chunks.append(chunk)
        chunk_keys = {c[0]: facts.digest("chunk", *(group_keys[g] for g in c)) for c in chunks} if runs else {}

        def payload(i: int):
            if offsets[i] is not None:
                spool.seek(offsets[i][0])
                return ("pickle", spool.read(offsets[i][1]))
            try:  # a file whose pass-1 facts came from the cache: read it again
                data = read_bytes(paths[i], max_file_size)
            except SkipFile as exc:
                return ("fail", str(exc))
            if facts.digest(version, max_file_size, rows[i]["file"], data) != keys[i]:
                return ("fail", "the file changed while the build read it")
            return ("raw", rows[i]["file"], data)

        def extract_jobs(chunk: list[int]):
            for g in chunk:
                members = groups[g]
                if store is not None:
                    key = group_keys.get(g) or facts.digest(learned, *(keys[i] for i in members))
                    group_keys[g] = key
                    hit = None if keep_documents else store.get(2, key)
                    if hit is not None:
                        if facts.deps_hold(hit[1], index):
                            stats["cached_files"] += len(members)
                            del group_keys[g]  # nothing new to store
                            yield Done(hit)
                            continue
                        store.miss(2)
                yield [(iris[i], payload(i)) for i in members]

        ctx = Context(QuadSet(spill_at, tmpdir=str(runs.tmp) if runs else None, own_tmpdir=True), lex, index)
        ctx.dates.update(dates)
        by_iri: dict[str, list[str]] = {}
        policy_items: dict[int, list] = {}
        documents: list[tuple[int, Document]] = []
        failed: set[int] = set()
        n = 0
        rec: Optional[dict] = None  # what the chunk being replayed changes besides the graph (for its run)

        def take(g: int, results: list, deps: dict) -> None:
            """Replay the facts of group ``g`` into the build."""
            nonlocal n
            members = groups[g]
            key = group_keys.pop(g, None)
            if key is not None and not keep_documents and all(r[0] == "ok" for r in results):
                store.put(2, key, (results, deps))
            if rec is not None:
                rec["deps"].update(deps)
                rec["cacheable"] = rec["cacheable"] and all(r[0] == "ok" for r in results)
            for i, got in zip(members, results):
                node = iris[i]
                source = rows[i]["file"]
                if rec is not None and got[0] == "ok":
                    for op in got[1]:
                        if op[0] == facts.DATE:
                            rec["dates"].setdefault(op[1], ctx.dates.get(op[1]))
                ctx.new_dates.clear()
                ctx.q.begin()
                try:
                    bad = facts.replay(ctx, got)
                except Exception as exc:  # noqa: BLE001 - this file's quads are taken back, the build goes on
                    ctx.q.rollback()
                    for dated in ctx.new_dates:
                        del ctx.dates[dated]
                    ctx.warnings.clear()
                    ctx.pending_labels.clear()
                    failed.add(i)
                    why = str(exc) if isinstance(exc, facts.ExtractionFailed) else _reason(exc)
                    skipped.append({"file": source, "reason": f"while extracting: {why}"})
                    if rec is not None:
                        rec["files"].append(None)
                else:
                    added = ctx.q.commit()
                    if bad:
                        bad = set(bad)
                        bad = [row for row in added if row in bad]
                    if bad:
                        ctx.q.remove_rows(bad)
                        warnings.append({"file": source, "warning": f"{len(bad)} statement(s) with a value no RDF "
                                         f"reader accepts were dropped (first: {_clip(bad[0])})"})
                    warnings.extend({"file": source, "warning": w} for w in ctx.warnings)
                    ctx.warnings.clear()
                    for label_node, name, lang in ctx.pending_labels:
                        ctx.labels.setdefault(label_node, Counter())[(name, lang)] += 1
                    aps = None
                    if node not in by_iri:  # a duplicate file of an article already read says nothing new
                        aps = got[5]
                        policy_items[i] = [(own_dates[i], node, ap, rows[i]["language"]) for ap in aps]
                    by_iri.setdefault(node, []).append(source)
                    if rec is not None:
                        rec["files"].append((aps, list(ctx.pending_labels), got[3], got[4]))
                    ctx.pending_labels.clear()
                    if keep_documents:
                        documents.append((i, got[6]))
                n += 1
                if progress:
                    progress(len(files) + n, len(files) + len(order))
            ctx.assertions.clear()
            ctx.q.checkpoint()

        def reuse(chunk: list[int], entry: dict) -> bool:
            """Take a chunk's run made by an earlier build, if what it depended on holds."""
            nonlocal n
            if not facts.deps_hold(entry["deps"], index) \
                    or any(ctx.dates.get(node) != value for node, value in entry["dates_in"].items()):
                return False
            members = [i for g in chunk for i in groups[g]]
            if len(members) != len(entry["files"]):
                return False
            ctx.q.add_runs(entry["paths"])
            runs.use(entry)
            for node, value in entry["dates_out"].items():
                if value is None:
                    ctx.dates.pop(node, None)
                else:
                    ctx.dates[node] = value
            skipped.extend(entry["skipped"])
            warnings.extend(entry["warnings"])
            for i, got in zip(members, entry["files"]):
                if got is None:
                    failed.add(i)
                else:
                    aps, labels, actors, techs = got
                    node = iris[i]
                    for label_node, name, lang in labels:
                        ctx.labels.setdefault(label_node, Counter())[(name, lang)] += 1
                    ctx.used_actors.update(actors)
                    ctx.used_technologies.update(techs)
                    if aps is not None:
                        policy_items[i] = [(own_dates[i], node, ap, rows[i]["language"]) for ap in aps]
                    by_iri.setdefault(node, []).append(rows[i]["file"])
                n += 1
                if progress:
                    progress(len(files) + n, len(files) + len(order))
            for g in chunk:
                store.touch(2, group_keys.pop(g))
            stats["cached_files"] += len(members)
            return True

        # chunks an earlier build left runs for are taken whole if what they depended on holds
        # (judged in order, when their turn comes); every other chunk's articles are extracted
        # in one stream, so that the workers go on with the next chunk while this process
        # replays and spills the last one
        held = store.keys(3) if runs is not None else set()
        stream_chunks = [c for c in chunks if chunk_keys.get(c[0]) not in held]
        state = {"lex": lex, "index": index, "keep": keep_documents}
        local = engine_for(todo)
        with local.session(state):
            stream = local.ordered("extract_facts", (job for c in stream_chunks for job in extract_jobs(c)), batch=16)
            for chunk in chunks:
                ckey = chunk_keys.get(chunk[0])
                results = stream
                if ckey is not None:
                    if ckey in held:
                        entry = runs.get(ckey)
                        if entry is not None and reuse(chunk, entry):
                            continue
                        if entry is not None:
                            runs.miss()
                        # not in the stream: extracted now (a run whose dependencies changed)
                        results = local.ordered("extract_facts", extract_jobs(chunk), batch=16)
                    first_run, first_skip, first_warning = ctx.q.run_count, len(skipped), len(warnings)
                    rec = {"deps": {}, "dates": {}, "files": [], "cacheable": True}
                for g, (group_results, deps) in zip(chunk, results):
                    take(g, group_results, deps)
                if rec is not None:
                    made = ctx.q.runs_since(first_run)
                    if rec["cacheable"]:
                        entry = {"deps": rec["deps"], "dates_in": rec["dates"],
                                 "dates_out": {node: ctx.dates.get(node) for node in rec["dates"]},
                                 "files": rec["files"], "skipped": skipped[first_skip:],
                                 "warnings": warnings[first_warning:]}
                        ctx.q.replace_runs(first_run, runs.put(ckey, entry, made))
                    rec = None
        if runs is not None:
            runs.finish()
            stats["runs"] = {"reused": runs.reused, "made": runs.made}
    policies = _add_policies(ctx, policy_items, rows, skipped, warnings)
    add_used_technologies(ctx)
    add_minted_labels(ctx, add_used_actors(ctx))
    add_dataset(ctx.q, len(by_iri))
    ctx.q.settle()

    kept = [i for i in range(len(rows)) if i not in failed]
    rows_ok = [rows[i] for i in kept]
    report = {
        "inputs": [display_name(str(a)) for a in inputs],
        "files_seen": len(files),
        "files_read": len(rows_ok),
        "files_skipped": len(skipped),
        "articles": len(by_iri),
        "policies": len(policies),
        "formats": dict(sorted(Counter(r["format"] for r in rows_ok).items())),
        "languages": dict(sorted(Counter(r["language"] for r in rows_ok).items())),
        "encodings": dict(sorted(Counter(r["encoding"] for r in rows_ok).items())),
        "duplicates": [
            {"article": node, "files": sorted(files_)} for node, files_ in sorted(by_iri.items()) if len(files_) > 1
        ],
        "skipped": sorted(skipped, key=lambda x: x["file"]),
        "warnings": warnings,
        "files": [{**rows[i], "article": iris[i]} for i in kept],
    }
    if excluded:
        report["excluded"] = sorted(set(excluded))
    stats["spill_bytes"] = ctx.q.spilled_bytes
    return BuildResult(ctx.q, report, [doc for _, doc in sorted(documents, key=lambda x: x[0])], stats)


def _learn(lex, found: list[tuple[str, bytes]], store, version: str) -> tuple:
    """The lexicon with what discovery learned from every file's candidates (``found``:
    :func:`kg.facts.found_pair` of each) (:func:`learn_from`), and its fingerprint: what
    extraction depends on besides the documents (for the cache's keys; "" without a cache).
    With a cache, taken from it when every file's candidates are those an earlier build
    learned from (a rebuild after a few changed files, mostly): the candidates themselves
    are then not even unpickled."""
    if store is None:
        return learn_from(lex, facts.found_candidates(found)), ""
    key = facts.digest(version, "learned", *sorted(d for d, _ in found if d))
    hit = store.get(4, key)
    if hit is not None:
        return hit
    lex = learn_from(lex, facts.found_candidates(found))
    learned = facts.digest(version, *map(repr, lex.actors.values()))
    store.put(4, key, (lex, learned))
    return lex, learned


def _stat_name(version: str, max_file_size: int, rel: str, path: Path) -> str:
    """What the facts cache notes a file's stat under (:meth:`kg.cache.FactsCache.known_key`)."""
    return facts.digest("stat", version, max_file_size, rel, os.fsencode(path))


def _folder_bytes(folder: Optional[str]) -> int:
    """The size of the files in ``folder`` (the graph's spilled runs)."""
    if not folder or not os.path.isdir(folder):
        return 0
    return sum(e.stat().st_size for e in os.scandir(folder) if e.is_file())


def _clip(row: tuple, n: int = 160) -> str:
    text = repr(row[1:5])
    return text if len(text) <= n else text[:n] + "…"


def _add_policies(ctx: Context, items: dict[int, list], rows: list[dict], skipped: list, warnings: list) -> list:
    """The build's policy nodes from every article's measures. Should that fail on one
    article's measures, that article's measures are left out (with a warning naming the
    file) and the rest are added."""
    flat = [item for i in sorted(items) for item in items[i]]
    ctx.q.begin()
    try:
        result = add_policies(ctx, flat)
    except Exception:  # noqa: BLE001 - find the file whose measures cannot be added
        ctx.q.rollback()
    else:
        ctx.q.commit()
        return result
    good: dict[int, list] = {}
    for i in sorted(items):
        probe = Context(QuadSet(), ctx.lex, ctx.index)
        try:
            add_policies(probe, [*[x for j in good for x in good[j]], *items[i]])
        except Exception as exc:  # noqa: BLE001
            warnings.append({"file": rows[i]["file"], "warning": f"its policies were left out: {_reason(exc)}"})
        else:
            good[i] = items[i]
    return add_policies(ctx, [x for i in sorted(good) for x in good[i]])
