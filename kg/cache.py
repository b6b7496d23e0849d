"""The facts cache of incremental builds: ``.kg-cache.sqlite`` in the output folder.

A build into a folder that holds a cache reuses each unchanged file's facts (:mod:`kg.facts`)
instead of reading and extracting it again:

- pass-1 facts (what discovery finds, the article index keys, the report row) are keyed by
  the file's content hash, its name, the size limit and :func:`kg.facts.code_version` (kg's
  code, its ontology/ data and the text libraries' versions);
- the lexicon with what discovery learned from the whole build, keyed by what discovery
  found in every file (a rebuild whose changed files teach nothing new learns nothing anew);
- pass-2 facts (the graph a file writes) are kept per article (the files of one article are
  written together) and keyed by the pass-1 keys of its files and the fingerprint of the
  lexicon extraction uses (the lexicon files plus what discovery learned from the whole
  build: a page that teaches a new name redoes every article); an entry also holds the article index look-ups its
  links made, and is used only if the new build's index answers them the same.

So an entry can only be used where it is exactly what the file would give now. Entries are
written in SQLite transactions (a killed build leaves whole entries or none); those no
longer used are dropped at the end of a build that got that far. The file's name starts
with a dot: a build never reads it as input.
"""
from __future__ import annotations

import os
import pickle
import sqlite3
import tempfile
import time
import zlib
from pathlib import Path
from typing import Optional

__all__ = ["FactsCache", "CACHE_NAME"]

CACHE_NAME = ".kg-cache.sqlite"
_STAT_TABLE = "CREATE TABLE stat (k TEXT PRIMARY KEY, st TEXT, key TEXT)"
#: a file modified less than this before it was read is read again by the next build
_RACY_NS = 2_000_000_000


def _stat_text(st: os.stat_result) -> str:
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}:{st.st_dev}"
_SCHEMA = 2  # entries: zlib-compressed pickles


class FactsCache:
    def __init__(self, path: str | os.PathLike, read: bool = True):
        self.path = Path(path)
        self.read = read
        self.hits = [0, 0, 0, 0]  # pass 1, pass 2, sorted runs (:class:`RunCache`), learned lexicon
        self.misses = [0, 0, 0, 0]
        self._used: list[set] = [set(), set(), set(), set()]
        self._pending: list[tuple[int, str, bytes]] = []
        self._stats: Optional[dict] = None  # file -> (its stat when read, its pass-1 key)
        self._stats_used: set[str] = set()
        self._stats_new: list[tuple[str, str, str]] = []
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._open()
        except sqlite3.OperationalError:  # locked by another build, a folder it cannot write to...
            self.db.close()
            raise
        except sqlite3.DatabaseError:  # not a cache this kg can read (another version, a torn file): start anew
            self.db.close()
            for extra in ("", "-wal", "-shm"):
                Path(str(self.path) + extra).unlink(missing_ok=True)
            self._open()

    def _open(self) -> None:
        self.db = sqlite3.connect(str(self.path), isolation_level=None)
        self.db.execute("PRAGMA auto_vacuum=INCREMENTAL")  # set in a new file: pages freed can be given back
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            self.db.execute("CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT)")
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(_SCHEMA),))
            self.db.execute("CREATE TABLE facts (pass INTEGER, k TEXT, v BLOB, PRIMARY KEY (pass, k))")
            self.db.execute(_STAT_TABLE)
            return
        row = self.db.execute("SELECT v FROM meta WHERE k='schema'").fetchone() if "meta" in tables else None
        if row is None or row[0] != str(_SCHEMA) or "facts" not in tables:
            raise sqlite3.DatabaseError("made by another version of kg")
        if "stat" not in tables:
            self.db.execute(_STAT_TABLE)

    def get(self, which: int, key: str):
        """The facts stored under ``key`` for pass ``which`` (1, 2, 3: a sorted run, or 4: the
        lexicon with what discovery learned), or None."""
        if not self.read:
            self.misses[which - 1] += 1
            return None
        row = self.db.execute("SELECT v FROM facts WHERE pass=? AND k=?", (which, key)).fetchone()
        return self._take(which, {key: row[0]} if row is not None else {}, [key]).get(key)

    def get_many(self, which: int, keys: list) -> dict:
        """:meth:`get` of each of ``keys`` (one query per few hundred keys, not one each): the
        facts of those found, by key; the others are misses."""
        if not self.read:
            self.misses[which - 1] += len(keys)
            return {}
        blobs: dict = {}
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            blobs.update(self.db.execute(f"SELECT k, v FROM facts WHERE pass=? AND k IN ({','.join('?' * len(part))})",
                                         (which, *part)))
        return self._take(which, blobs, keys)

    def _take(self, which: int, blobs: dict, keys: list) -> dict:
        """The facts of the entries ``blobs`` (key -> stored bytes) read for ``keys``, counted:
        a key not read, or whose entry cannot be read, is a miss."""
        out: dict = {}
        for key, blob in blobs.items():
            try:
                out[key] = pickle.loads(zlib.decompress(blob))
            except Exception:  # noqa: BLE001 - an unreadable entry is a miss
                continue
        self.hits[which - 1] += len(out)
        self.misses[which - 1] += len(set(keys)) - len(out)
        self._used[which - 1].update(out)
        return out

    # ------------------------------------------------------------------ unchanged files
    def known_key(self, file: str, st: os.stat_result) -> Optional[str]:
        """The pass-1 key of ``file`` (a key naming the file, the code version and the size
        limit) if it was read before and its stat (size, modification and change times in
        nanoseconds, inode, device) is what it was then, else None (read and hash it)."""
        if not self.read:
            return None
        if self._stats is None:
            self._stats = {k: (v, key) for k, v, key in self.db.execute("SELECT k, st, key FROM stat")}
        got = self._stats.get(file)
        if got is None or got[0] != _stat_text(st):
            return None
        self._stats_used.add(file)
        return got[1]

    def note_stat(self, file: str, st: os.stat_result, key: str) -> None:
        """``file``, whose stat was ``st`` before it was read, has pass-1 key ``key``. A file
        changed in the last seconds is not noted (a change within the clock's resolution
        would leave its stat as it was: the next build reads it again)."""
        if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < _RACY_NS:
            return
        self._stats_used.add(file)
        self._stats_new.append((file, _stat_text(st), key))

    def keys(self, which: int) -> set:
        """The keys held for pass ``which`` (none when the cache is not to be read)."""
        if not self.read:
            return set()
        return {r[0] for r in self.db.execute("SELECT k FROM facts WHERE pass=?", (which,))}

    def touch(self, which: int, key: str) -> None:
        """Count ``key`` as used (a hit) without reading it: its facts are part of a sorted run
        that was used whole."""
        self.hits[which - 1] += 1
        self._used[which - 1].add(key)

    def miss(self, which: int) -> None:
        """A hit that could not be used after all (its index look-ups changed)."""
        self.hits[which - 1] -= 1
        self.misses[which - 1] += 1

    def put(self, which: int, key: str, value) -> None:
        self._used[which - 1].add(key)
        blob = zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)
        self._pending.append((which, key, blob))
        if len(self._pending) >= 500:
            self.flush()

    def flush(self) -> None:
        if self._stats_new:
            with self.db:
                self.db.execute("BEGIN")
                self.db.executemany("INSERT OR REPLACE INTO stat VALUES (?, ?, ?)", self._stats_new)
            self._stats_new = []
        if self._pending:
            with self.db:
                self.db.execute("BEGIN")
                self.db.executemany("INSERT OR REPLACE INTO facts VALUES (?, ?, ?)", self._pending)
            self._pending = []

    def finish(self) -> None:
        """After a whole build: keep only the entries it used or made."""
        self.flush()
        # (the unused keys are found here and deleted one by one: a rebuild after a few
        # changes deletes a few rows, instead of the database checking every row it keeps)
        with self.db:
            self.db.execute("BEGIN")
            for which in (1, 2, 3, 4):
                used = self._used[which - 1]
                gone = [(which, k) for k, in self.db.execute("SELECT k FROM facts WHERE pass=?", (which,))
                        if k not in used]
                self.db.executemany("DELETE FROM facts WHERE pass=? AND k=?", gone)
            gone = [(k,) for k, in self.db.execute("SELECT k FROM stat") if k not in self._stats_used]
            self.db.executemany("DELETE FROM stat WHERE k=?", gone)
        self.db.execute("PRAGMA incremental_vacuum")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.db.close()

    def stats(self) -> dict:
        return {"hits": {"read": self.hits[0], "extract": self.hits[1], "learned": self.hits[3]},
                "misses": {"read": self.misses[0], "extract": self.misses[1], "learned": self.misses[3]}}


def open_cache(out: Optional[str | os.PathLike], rebuild: bool = False) -> Optional[FactsCache]:
    if out is None:
        return None
    return FactsCache(Path(out) / CACHE_NAME, read=not rebuild)


RUNS_DIR = ".kg-runs"


class RunCache:
    """Sorted runs of the graph kept for the next build (beside the facts cache, in
    ``.kg-runs/``): the quads a *chunk* of consecutive articles wrote, as the graph spilled
    them (:mod:`kg.quads`), with everything else their replay changed in the build (warnings,
    skips, labels, used actors, policy mentions, the dates it settled).

    A chunk's entry (pass 3 of the facts cache) is keyed by the pass-2 keys of its articles,
    in order; it is used only where its articles' index look-ups find the same and every
    article date its files set or read is, when the chunk starts, what it was when the run
    was made. A build that uses it reads neither those articles' facts nor replays or sorts
    them again."""

    def __init__(self, facts: FactsCache):
        self.facts = facts
        self.dir = facts.path.parent / RUNS_DIR
        self.dir.mkdir(exist_ok=True)
        self._clean_tmp()
        # this build's own (not the process's: the set of an earlier build of the same process,
        # collected late, removes its folder once empty, under the feet of the next build)
        self.tmp = Path(tempfile.mkdtemp(prefix=f"tmp-{os.getpid()}-", dir=self.dir))
        self._kept: set[str] = set()
        self.reused = self.made = 0

    def _clean_tmp(self) -> None:
        import shutil

        for entry in os.scandir(self.dir):
            pid = entry.name[4:].split("-", 1)[0]
            if entry.name.startswith("tmp-") and pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(entry.path, ignore_errors=True)

    def get(self, key: str) -> Optional[dict]:
        entry = self.facts.get(3, key)
        if entry is None:
            return None
        paths = [(self.dir / q, self.dir / t) for q, t in entry["runs"]]
        if not all(q.is_file() and t.is_file() for q, t in paths):
            self.facts.miss(3)
            return None
        entry["paths"] = [(str(q), str(t)) for q, t in paths]
        return entry

    def use(self, entry: dict) -> None:
        from .quads import KEYS_SUFFIX

        self._kept.update(name + suffix for pair in entry["runs"] for name in pair for suffix in ("", KEYS_SUFFIX))
        self.reused += 1

    def miss(self) -> None:
        self.facts.miss(3)

    def put(self, key: str, entry: dict, runs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Keep the chunk's run files (moved out of the graph's temporary folder) and its
        entry; returns the runs' new paths."""
        from .quads import KEYS_SUFFIX

        names, paths = [], []
        for j, (q, t) in enumerate(runs):
            pair = (f"{key}-{j}.q", f"{key}-{j}.t")
            for old, name in zip((q, t), pair):
                os.replace(old, self.dir / name)
                if os.path.exists(old + KEYS_SUFFIX):  # the run's keys file goes with it
                    os.replace(old + KEYS_SUFFIX, self.dir / (name + KEYS_SUFFIX))
                else:  # (none: no keys file of another run may stay beside it)
                    try:
                        os.unlink(self.dir / (name + KEYS_SUFFIX))
                    except FileNotFoundError:
                        pass
            names.append(pair)
            paths.append((str(self.dir / pair[0]), str(self.dir / pair[1])))
        self._kept.update(n + suffix for pair in names for n in pair for suffix in ("", KEYS_SUFFIX))
        self.facts.put(3, key, {**entry, "runs": names})
        self.made += 1
        return paths

    def finish(self) -> None:
        """Remove the run files no entry of this build uses."""
        for entry in os.scandir(self.dir):
            if entry.is_file() and entry.name not in self._kept:
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass

    def close(self) -> None:
        import shutil

        shutil.rmtree(self.tmp, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
