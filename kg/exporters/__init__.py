"""Exporters: one module per output format, behind a registry (in the manner of rdflib's
plugins). A module defines ``NAME``, ``FILENAME`` and ``write(result, fh)`` writing bytes.

:func:`write_all` writes every built-in export and the query store in one pass over the
graph (:mod:`kg.exporters.stream`), each to a temporary name in the output folder, and then
commits them together (:func:`kg.query.store.commit`): a build that is killed or fails (a
full disk) leaves the previous exports and store, one that finishes switches both.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Optional, Sequence

from .._gc import fewer_full_collections
from ..facts import cores
from ..query.store import _alive
from . import actors_graphml, graphml, jsonld, nquads, report, turtle

__all__ = ["EXPORTERS", "register", "write_all", "clean_stale"]

EXPORTERS: dict[str, ModuleType] = {}


def register(module: ModuleType) -> ModuleType:
    for attr in ("NAME", "FILENAME", "write"):
        if not hasattr(module, attr):
            raise TypeError(f"exporter {module.__name__} lacks {attr}")
    EXPORTERS[module.NAME] = module
    return module


for _m in (turtle, nquads, jsonld, graphml, actors_graphml, report):
    register(_m)


def _stale_names() -> re.Pattern:
    """Temporary exports (".graph.nq.PID.XXXX.tmp", of every registered file name) and the
    store folders of kg before store generations ("..store.tmp-PID")."""
    files = "|".join(re.escape(m.FILENAME) for m in EXPORTERS.values())
    return re.compile(rf"^\.(?:{files})\.(\d+)\..+\.tmp$|^\.\.store\.(?:tmp|old)-(\d+)$")


def clean_stale(out: Path) -> list[str]:
    """Remove what killed builds left in ``out``: temporary exports and store folders whose
    process (its id is in the name) no longer runs, and store generations no reader holds
    any more (:func:`kg.query.store.clean_store`). Returns the names removed."""
    from ..query.store import clean_store

    removed = []
    try:
        names = os.listdir(out)
    except OSError:
        return removed
    stale = _stale_names()
    for name in names:
        m = stale.match(name)
        if not m or _alive(int(m.group(1) or m.group(2))):
            continue
        path = out / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                path.unlink()
            except OSError:
                continue
        removed.append(name)
    return removed + clean_store(out)


def write_all(result, out: Path, formats: Optional[Sequence[str]] = None, incremental: Optional[bool] = None) -> list[Path]:
    """Write the exports (all, or ``formats``) and, with ``graph.nq``, the query store into
    ``out``, and switch them in together. Fills ``result.stats`` (if it has one) with
    ``temp_bytes``: the peak temporary disk of the build's spilled runs and the writers.

    Writing every export also records how they are made up (:mod:`kg.exporters.splice`); a
    later write into the same folder is then ``incremental`` (by default, unless the build
    was a ``rebuild``): it copies what did not change from the previous exports and makes
    its store from the previous one, with the same result as a full write."""
    with fewer_full_collections():
        return _write_all(result, out, formats, incremental)


def _write_all(result, out: Path, formats: Optional[Sequence[str]] = None, incremental: Optional[bool] = None) -> list[Path]:
    """(:func:`write_all`, with fewer full garbage collections.)"""
    from ..query.store import StoreLoader, commit, current_store, new_generation, recover
    from .splice import FILENAMES, IndexWriter, Previous
    from .stream import STREAMED, write_streams

    names = list(formats) if formats else list(EXPORTERS)
    unknown = [n for n in names if n not in EXPORTERS]
    if unknown:
        raise ValueError(f"unknown export format(s): {', '.join(unknown)}; known: {', '.join(EXPORTERS)}")
    out.mkdir(parents=True, exist_ok=True)
    recover(out)  # a commit a killed build left half done is finished before its debris goes
    clean_stale(out)
    staged: list[tuple[str, Path]] = []
    files: dict[str, object] = {}
    store_tmp: Optional[Path] = None
    loader = index = prev = None
    stats_of = getattr(result, "stats", None)
    prepared = getattr(result, "names_copy", None)  # (kg.query.store.NamesCopy, started by the build)
    if incremental is None:
        incremental = not (isinstance(stats_of, dict) and stats_of.get("rebuild"))
    try:
        for name in names:
            module = EXPORTERS[name]
            fd, tmp = tempfile.mkstemp(prefix=f".{module.FILENAME}.{os.getpid()}.", suffix=".tmp", dir=out)
            staged.append((tmp, out / module.FILENAME))
            files[name] = os.fdopen(fd, "wb")
        runs = changed = old_runs = None
        sparse = copied = False
        if "nquads" in names:
            if all(n in names for n in FILENAMES):
                if incremental:
                    prev = Previous.open(out, current_store(out))
                # a graph on disk whose runs are mostly kept from build to build (a build with a
                # cache): its runs are kept with the index, and what may differ from the previous
                # graph is found from the two graphs' runs; if that is little, the write is made
                # from it alone (kg.exporters.delta)
                if isinstance(stats_of, dict) and "runs" in stats_of:
                    runs = getattr(result.quads, "runs", lambda: None)()
                if prev is not None and runs is not None:
                    from .changes import changes
                    from .delta import usable

                    old_runs = prev.runs()
                    changed = changes(old_runs, runs) if old_runs is not None else None
                    sparse = usable(prev, changed, names)
                # the names index the write from the changes updates: copied while the build ran
                store_tmp = prepared.take(out, prev.gen) if sparse and prepared is not None else None
                copied = store_tmp is not None
                store_tmp = store_tmp or new_generation(out)
                loader = StoreLoader(store_tmp, base=prev.gen if prev is not None else None, names_too=sparse,
                                     names_copied=copied)
                index = IndexWriter(store_tmp)
            else:
                store_tmp = new_generation(out)
                loader = StoreLoader(store_tmp)
        texts_to = None
        if isinstance(stats_of, dict) and stats_of.get("workers", 1) > 1 and cores() > 1 and not sparse:
            texts_to = {n: staged[names.index(n)][0] for n in ("turtle", "jsonld") if n in names}
        streamed = {n: files[n] for n in names if n in STREAMED}
        if sparse:
            from .delta import write_changes

            stats = write_changes(result, streamed, loader, index, prev, changed, old_runs, runs)
        else:
            stats = write_streams(result, streamed, loader, index, prev, texts_to, changed)
        runs_kept = runs is not None and index.keep_runs(runs)  # (not across file systems)
        was_incremental = prev is not None
        if prev is not None:  # the previous generation is no longer needed: let the commit remove it
            prev.close()
            prev = None
        for name in names:
            if name not in STREAMED:  # an exporter registered from elsewhere makes its own pass
                EXPORTERS[name].write(result, files[name])
        for fh in files.values():
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()
        if index is not None:
            index.finish({n: Path(staged[names.index(n)][0]) for n in (*FILENAMES, "graphml") if n in names})
            index = None
        if loader is not None:
            loader.finish(Path(staged[names.index("nquads")][0]))
            loader = None
        umask = os.umask(0)
        os.umask(umask)
        for tmp, _ in staged:
            os.chmod(tmp, 0o666 & ~umask)
        commit(out, [(Path(tmp), final) for tmp, final in staged], store_tmp)
        store_tmp = None
    finally:
        if prepared is not None:  # (not taken: removed)
            prepared.discard()
        for fh in files.values():
            fh.close()
        if prev is not None:
            prev.close()
        if index is not None:
            index.close()
        if loader is not None:
            loader.abandon()
        if store_tmp is not None:
            shutil.rmtree(store_tmp, ignore_errors=True)
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
    if isinstance(getattr(result, "stats", None), dict):
        result.stats["temp_bytes"] = getattr(result.quads, "spilled_bytes", 0) + stats["temp_bytes"]
        if "changed" in stats:
            result.stats["written"] = {"incremental": was_incremental, **stats["changed"], "runs_kept": runs_kept,
                                       "names_copied_early": copied}
    return [final for _, final in staged]
