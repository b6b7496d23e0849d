"""What changed between the previous build's graph and this one's, found from their sorted
runs instead of a pass over the whole graph.

A graph on disk is a set of sorted runs (:mod:`kg.quads`), and a build that keeps its runs
for the next one takes most of them whole from the build before (:class:`kg.cache.RunCache`).
The index of a write (:mod:`kg.exporters.splice`) holds hard links to every run of the graph
it wrote (``index/runs/``), so the next write still has them, whatever the run cache has
removed or replaced meanwhile. A run file of both graphs (the same file: the same device and
inode) holds the same rows in both. So every quad that differs between the two graphs is in
a run of one graph only, and the blocks (graph, subject) of ``graph.nq`` and the subjects of
the union graph that may differ are the keys of the rows that only one graph's own runs hold
(:func:`changes`): usually the runs of one chunk of articles and the graph-wide runs made
after them (policies, actors), a few percent of the graph; a run made anew with the bytes of
one dropped (most often a graph-wide run the change did not reach) is left out with it, and
so is each record of a run made anew that has the bytes of a record of one dropped (a run's
records end where its keys say: two graph-wide runs that differ in a few keys share the rest
of their records).

Anything that does not fit (a graph in memory, a previous write without links, runs from an
earlier version without keys files, nearly every run new) gives None: the
writer then compares every block, as it always can.
"""
from __future__ import annotations

import filecmp
import hashlib
import os
import shutil
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Iterable, Iterator, Optional

from ..quads import KEYS_SUFFIX, RunKeys, key_sum, merged_rows, quad_key, read_record, read_record_bytes

__all__ = ["Changes", "changes", "fetch", "fetch_graph", "link_runs", "linked_runs"]

RUNS_DIR = "runs"
#: beyond this share of the new graph's run bytes in runs it does not share with the previous
#: one, finding what changed would read nearly all of both graphs: every block is compared
MAX_SHARE = 0.9
#: subjects that may have changed beyond which graph.ttl and graph.jsonld are written from a
#: merge of the whole graph, not from their rows read apart (held in memory together)
SPARSE_SUBJECTS = 50_000


@dataclass(frozen=True)
class Changes:
    """The keys that may differ between two graphs: any other block or subject is the same."""

    blocks: frozenset  # (graph or "", subject) of graph.nq
    subjects: frozenset  # subjects of the union graph


def link_runs(index_dir: Path, pairs: list[tuple[str, str]]) -> bool:
    """Hard links in ``index_dir/runs/`` to the (quad, triple) run files ``pairs`` and their
    keys files. False (and no links) if a file cannot be linked (another file system)."""
    folder = index_dir / RUNS_DIR
    try:
        folder.mkdir()
        for i, (q, t) in enumerate(pairs):
            for kind, path in (("q", q), ("t", t)):
                for suffix in ("", KEYS_SUFFIX):
                    os.link(path + suffix, folder / f"{i}.{kind}{suffix}")
        (folder / "count").write_text(str(len(pairs)), encoding="utf-8")
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return False
    return True


def linked_runs(index_dir: Path) -> Optional[list[tuple[str, str]]]:
    """The run files :func:`link_runs` kept in ``index_dir``, or None."""
    folder = index_dir / RUNS_DIR
    try:
        n = int((folder / "count").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    pairs = [(str(folder / f"{i}.q"), str(folder / f"{i}.t")) for i in range(n)]
    if not all(os.path.isfile(p) and RunKeys.exists(p) for pair in pairs for p in pair):
        return None
    return pairs


def _identity(path: str) -> tuple[int, int, int, int]:
    st = os.stat(path)  # (size and time too: a file system whose inode numbers are not stable)
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _keys_differing(old: Iterator[tuple], new: Iterator[tuple], key) -> set:
    """The keys of rows in one of two sorted, duplicate-free streams and not the other."""
    out = set()
    x, y = next(old, None), next(new, None)
    while x is not None or y is not None:
        if y is None or (x is not None and x < y):
            out.add(key(x))
            x = next(old, None)
        elif x is None or y < x:
            out.add(key(y))
            y = next(new, None)
        else:
            x, y = next(old, None), next(new, None)
    return out


def _record_digests(path: str) -> list[tuple[int, bytes]]:
    """Where each record of the run at ``path`` starts, and a digest of its bytes."""
    out = []
    with open(path, "rb") as fh:
        for offset in RunKeys(path).offsets:
            fh.seek(offset)
            data = read_record_bytes(fh)
            if data is None:
                raise EOFError(f"{path}: a record is missing")
            out.append((offset, hashlib.blake2b(data, digest_size=16).digest()))
    return out


def _apart(dropped: list[str], made: list[str]) -> tuple[Iterator[tuple], Iterator[tuple]]:
    """The rows of the runs ``dropped`` and of the runs ``made``, each side merged and each row
    once, less the records with the same bytes on both sides (taken out in pairs: one of each).
    Taking the same rows out of both sides keeps every row that only one side holds, so the
    keys that differ are found among the rest (a row both hold may be left on one side only,
    as when two runs of one side held it: its key is then one more that may differ). Run
    records end where their keys say (:func:`kg.quads._record_starts`): the graph-wide runs of
    two builds have most of their records byte for byte, and those are not read again."""
    old = {path: _record_digests(path) for path in dropped}
    new = {path: _record_digests(path) for path in made}
    twins = (Counter(digest for records in old.values() for _, digest in records)
             & Counter(digest for records in new.values() for _, digest in records))
    return _rows_left(old, Counter(twins)), _rows_left(new, Counter(twins))


def _rows_left(runs: dict[str, list[tuple[int, bytes]]], twins: Counter) -> Iterator[tuple]:
    """The rows of ``runs``' records, less as many records of each digest as ``twins`` says."""
    left: dict[str, list[int]] = {}
    for path, records in runs.items():
        for offset, digest in records:
            if twins[digest]:
                twins[digest] -= 1
            else:
                left.setdefault(path, []).append(offset)
    return merged_rows(_records_at(path, offsets) for path, offsets in left.items())


def _records_at(path: str, offsets: list[int]) -> Iterator[tuple]:
    with open(path, "rb") as fh:
        for offset in offsets:
            fh.seek(offset)
            yield from read_record(fh)


def _same_content_apart(made: list, dropped: list) -> tuple[list, list]:
    """The runs made anew and those dropped, less the pairs of one of each with the same bytes
    (a run made again as it was: the graph-wide runs of a build whose change did not reach
    them), which hold the same rows. Only runs of the same sizes are read."""
    left = list(dropped)
    kept = []
    for q, t in made:
        twin = next((pair for pair in left if os.path.getsize(pair[0]) == os.path.getsize(q)
                     and os.path.getsize(pair[1]) == os.path.getsize(t)
                     and filecmp.cmp(pair[0], q, shallow=False) and filecmp.cmp(pair[1], t, shallow=False)), None)
        if twin is None:
            kept.append((q, t))
        else:
            left.remove(twin)
    return kept, left


def changes(old_pairs: list[tuple[str, str]], new_pairs: list[tuple[str, str]],
            max_share: float = MAX_SHARE) -> Optional[Changes]:
    """The blocks and subjects that may differ between the graph of the runs ``old_pairs``
    and that of ``new_pairs`` ((quad run, triple run) files), or None if that is not worth
    finding (more than ``max_share`` of the new graph's run bytes are new) or a file is gone."""
    try:
        old_ids = {(_identity(q), _identity(t)): (q, t) for q, t in old_pairs}
        new_ids = {(_identity(q), _identity(t)): (q, t) for q, t in new_pairs}
        total = sum(os.path.getsize(q) + os.path.getsize(t) for q, t in new_pairs)
        made = [pair for ident, pair in new_ids.items() if ident not in old_ids]
        dropped = [pair for ident, pair in old_ids.items() if ident not in new_ids]
        made, dropped = _same_content_apart(made, dropped)
        if sum(os.path.getsize(q) + os.path.getsize(t) for q, t in made) > max_share * total:
            return None
        old_q, new_q = _apart([q for q, _ in dropped], [q for q, _ in made])
        old_t, new_t = _apart([t for _, t in dropped], [t for _, t in made])
        blocks = _keys_differing(old_q, new_q, quad_key)
        subjects = _keys_differing(old_t, new_t, itemgetter(0))
    except (OSError, ValueError, EOFError):  # a run gone or damaged (never synced: a crash)
        return None
    return Changes(frozenset(blocks), frozenset(subjects))


def fetch(paths: Iterable[str], keys: Iterable, key) -> dict:
    """The rows of each of ``keys`` in the runs at ``paths`` (``key``: a row's key), sorted and
    each once, read from the few records that may hold them (:class:`kg.quads.RunKeys`); a
    key no run holds is absent."""
    wanted = sorted(set(keys))
    sums = [key_sum(k) for k in wanted]
    found: dict = {}
    for path in paths:
        where = RunKeys(path)
        firsts, there = where.firsts, where.sums
        held = [k for k, h in zip(wanted, sums) if h in there] if firsts else []
        if not held:
            continue
        at, rows = -1, []  # the record last read (keys come in order: none before it is read again)
        with open(path, "rb") as fh:
            for k in held:
                # the records whose rows may have this key: from the last that starts before it
                # (its rows may go on into the next ones) to the last that starts with it
                for r in range(max(bisect_left(firsts, k) - 1, 0), max(bisect_right(firsts, k), 1)):
                    if r != at:
                        at, rows = r, where.record(fh, r)
                    i = bisect_left(rows, k, key=key)
                    j = i
                    while j < len(rows) and key(rows[j]) == k:
                        j += 1
                    if j > i:
                        found.setdefault(k, []).extend(rows[i:j])
    return {k: sorted(set(rows)) for k, rows in found.items()}


def fetch_graph(paths: Iterable[str], graph: str) -> list:
    """Every row of the named graph ``graph`` in the quad runs at ``paths``, sorted and each
    once, read from the records whose keys may fall in the graph (:class:`kg.quads.RunKeys`)."""
    lo, hi = (graph, ""), (graph + "\0",)  # every (graph, subject) key sorts between the two
    found = set()
    for path in paths:
        where = RunKeys(path)
        firsts = where.firsts
        first, last = max(bisect_left(firsts, lo) - 1, 0), bisect_left(firsts, hi)
        if not firsts or first >= last:
            continue
        with open(path, "rb") as fh:
            for r in range(first, last):
                found.update(row for row in where.record(fh, r) if row[0] == graph)
    return sorted(found)
