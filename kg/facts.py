"""Per-document work as plain facts: what a build's two passes learn from one file, computed
anywhere (this process, a process pool, Dask workers) and assembled in one place.

A build reads every file twice over (:func:`kg.pipeline.build`):

- **pass 1** (:func:`read_facts`): a file's bytes -> its parsed document, the discovery
  candidates it holds and the keys the article index files it under;
- **pass 2** (:func:`extract_group`): the parsed documents of one article (its duplicate
  files, read one after the other) -> for each file, the *facts* the graph-writing code
  would have written into the build :class:`~kg.graph.Context`.

Pass 2 runs the real graph-writing code (:func:`kg.graph.add_article` and the extractors)
on a :class:`RecordingContext` that records, instead of writing, every quad added or
discarded, every label and warning, and every article date (the first date an article gets
depends on the files before it, so dates are settled when the facts are replayed). The
parent replays each file's facts in input order (:func:`replay`), so the graph, its
assertions, dates, labels and warnings come out exactly as if one process had written them.
Facts are tuples of strings and small picklable objects.

The worker side needs the build's lexicon (and, for pass 2, the article index): a process
pool gets it once per worker through its initializer (:func:`install`), Dask through a
scattered object.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from . import extract as extractors
from . import iri as mint
from .graph import ArticleIndex, Context, add_article, date_literal
from .quads import _row
from .readers import SkipFile, read_data
from .terms import Literal, schema

__all__ = ["RecordingContext", "read_facts", "extract_group", "replay", "code_version", "bad_rows", "reason"]

# op codes of a file's recorded facts
ADD, DISCARD, DATE, LABEL, WARNING = range(5)

_DATE_PUBLISHED = schema("datePublished")


def reason(exc: BaseException) -> str:
    """An unexpected error as a skip reason: its type and first line, short."""
    if isinstance(exc, RecursionError):
        return "nested too deeply to process"
    if isinstance(exc, MemoryError):
        return "out of memory while processing"
    text = " ".join(str(exc).split())
    if len(text) > 300:
        text = text[:300] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def bad_rows(rows) -> list[tuple]:
    """Rows (as :meth:`QuadSet.commit` gives them) that no RDF or XML reader would take: an
    invalid IRI anywhere, or characters XML cannot hold in a literal."""
    bad = []
    ok = {""}  # IRIs checked (a row's IRIs recur: its graph, its predicate...)
    for row in rows:
        g, s, p, kind, value = row[:5]
        iris = (s, p, value, g) if kind == 0 else (s, p, g)
        for i in iris:
            if i and i not in ok:
                if not mint.is_valid_iri(i):
                    bad.append(row)
                    break
                ok.add(i)
        else:
            if kind == 1 and _BAD_TEXT.search(value):
                bad.append(row)
    return bad


# ---------------------------------------------------------------------- versions
@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of everything a file's facts depend on besides the file: kg's code, its
    data (ontology/: lexicon, rules) and the versions of the libraries that read and
    segment text. A cache entry made under another version is never used."""
    from importlib import metadata

    from . import resources

    h = hashlib.blake2b(digest_size=16)
    roots = [(Path(__file__).resolve().parent, ".py"), (resources.path("."), ".yaml")]
    for root, ext in roots:
        for path in sorted(root.rglob(f"*{ext}")):
            if "__pycache__" in path.parts or (ext == ".py" and _after_the_graph(path.relative_to(root))):
                continue
            h.update(path.relative_to(root).as_posix().encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
    for dist in ("jieba", "opencc", "pyyaml", "lxml", "charset-normalizer", "ahocorasick-rs",
                 "rapidfuzz"):
        try:
            h.update(f"{dist}={metadata.version(dist)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=none\0".encode())
    return h.hexdigest()


#: kg's code that only runs once the graph is made (writers, queries, the command line):
#: a change there leaves every file's facts as they were
_AFTER_THE_GRAPH = {"exporters", "query", "cli.py", "output.py", "push.py", "remote.py", "validate.py"}


def _after_the_graph(rel: Path) -> bool:
    return rel.parts[0] in _AFTER_THE_GRAPH


# ---------------------------------------------------------------------- worker state
_STATE: dict = {}


def install(state: dict) -> None:
    """A worker's read-only build state: ``lex`` (the lexicon), for pass 2 ``index`` (the
    :class:`ArticleIndex`) and ``keep`` (return the parsed documents too); ``code`` is the
    parent's :func:`code_version`, checked against the worker's own."""
    if state.get("code") and state["code"] != code_version():
        raise RuntimeError("this worker runs another version of kg than the build (install the same kg on "
                           "every worker)")
    _STATE.clear()
    _STATE.update(state)
    if state.get("index") is not None:
        index = state["index"]
        _STATE["watched"] = ArticleIndex(_Watched(index.by_url, "u"), _Watched(index.by_title, "t"))


def state_call(state: dict, func: str, items: list) -> list:
    """Run ``func`` (a name in this module) over ``items`` with ``state`` installed (Dask
    tasks: the scattered state is one object per worker, installed once)."""
    if _STATE.get("token") != state.get("token"):
        install(state)
    return globals()[func](items)


class _Watched(dict):
    """An index table that notes which keys a file's links looked up (and what they found),
    so that cached facts can be checked against another build's index."""

    def __init__(self, data: dict, tag: str):
        super().__init__(data)
        self.tag = tag
        self.seen: Optional[dict] = None

    def _note(self, key):
        value = dict.get(self, key)
        if self.seen is not None:
            self.seen[(self.tag, key)] = value
        return value

    def __contains__(self, key) -> bool:
        return self._note(key) is not None

    def __getitem__(self, key):
        value = self._note(key)
        if value is None:
            raise KeyError(key)
        return value

    def get(self, key, default=None):
        value = self._note(key)
        return default if value is None else value


def deps_hold(deps: dict, index: ArticleIndex) -> bool:
    """Whether every index look-up recorded in ``deps`` finds the same in ``index``."""
    tables = {"u": index.by_url, "t": index.by_title}
    return all(tables[tag].get(key) == value for (tag, key), value in deps.items())


# ---------------------------------------------------------------------- pass 1
def read_one(rel: str, data: bytes, lex) -> tuple:
    """Pass 1 for one file: ``("ok", doc pickle, candidates (:func:`found_pair`), index keys,
    row, warnings, date)`` or ``("skip", reason)``."""
    from .extract.discovery import find_candidates

    try:
        doc = read_data(data, rel)
        found = find_candidates(doc.text, lex)
        keys = ArticleIndex.keys(doc)
        blob = pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)
    except SkipFile as exc:
        return ("skip", str(exc))
    except Exception as exc:  # noqa: BLE001 - one file's failure is that file's skip reason
        return ("skip", reason(exc))
    row = {"file": doc.source_file, "format": doc.format, "encoding": doc.encoding, "language": doc.language}
    return ("ok", blob, found_pair(sorted(set(found), key=_cand_key)), keys, row, list(doc.warnings), doc.date)


def found_pair(found: list) -> tuple[str, bytes]:
    """What discovery found in one file (its candidates, sorted), as the build keeps it: a
    digest of the candidates and their pickle ("" and b"" for none). A rebuild tells from the
    digests alone whether what discovery learned can come from the cache
    (:func:`kg.pipeline._learn`), without making 300,000 candidate objects again."""
    if not found:
        return "", b""
    return digest(*map(repr, found)), pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL)


def found_candidates(pairs: Iterable[tuple[str, bytes]]) -> set:
    """The candidates of every file's :func:`found_pair`, together."""
    out: set = set()
    for key, blob in pairs:
        if key:
            out.update(pickle.loads(blob))
    return out


def _cand_key(c) -> tuple:
    return (c.names, c.type or "", c.how)


def read_facts(items: list) -> list:
    """Pass 1 over ``[(rel, bytes), ...]`` with the installed lexicon."""
    lex = _STATE["lex"]
    return [read_one(rel, data, lex) for rel, data in items]


# ---------------------------------------------------------------------- pass 2
class _Ops(list):
    """A list whose appends are recorded as ops (a worker's labels and warnings)."""

    def __init__(self, ops: list, code: int):
        super().__init__()
        self.ops, self.code = ops, code

    def append(self, item) -> None:
        self.ops.append((self.code, item))


class _Recorder:
    """Stands in for the build's QuadSet in a worker: records adds and discards."""

    __slots__ = ("ops",)

    def __init__(self, ops: list):
        self.ops = ops

    def add(self, s, p, o, g=None) -> None:
        if o is None or (isinstance(o, Literal) and not o.value):
            return
        self.ops.append((ADD, _row(s, p, o, g)))

    def discard(self, s, p, o, g=None) -> None:
        self.ops.append((DISCARD, _row(s, p, o, g)))


class RecordingContext(Context):
    """A :class:`Context` that records what one file writes (see the module's doc)."""

    def set_date(self, node, value, g, who) -> None:
        self.q.ops.append((DATE, node, value, g, who))


def _record(ops: list, lex, index, assertions: dict) -> RecordingContext:
    return RecordingContext(_Recorder(ops), lex, index, assertions=assertions, warnings=_Ops(ops, WARNING),
                            pending_labels=_Ops(ops, LABEL))


def extract_one(doc, node: str, lex, index, assertions: dict, keep: bool = False) -> tuple:
    """Pass 2 for one file: ``("ok", ops, bad rows, used actors, used technologies,
    the article's measures, the document if ``keep``)`` or ``("fail", reason)``.
    ``assertions`` is the article's (shared by its files, in order); a failed file leaves
    it as it was."""
    ops: list = []
    ctx = _record(ops, lex, index, assertions)
    before = dict(assertions)
    try:
        add_article(ctx, doc)
        extractors.run(ctx, doc, node)
    except Exception as exc:  # noqa: BLE001 - this file's facts are dropped, the build goes on
        assertions.clear()
        assertions.update(before)
        return ("fail", reason(exc))
    rows = [op[1] for op in ops if op[0] == ADD]
    rows.extend(_row(op[1], _DATE_PUBLISHED, date_literal(op[2]), op[3]) for op in ops if op[0] == DATE)
    bad = bad_rows(rows)
    return ("ok", ops, bad, sorted(ctx.used_actors), sorted(ctx.used_technologies), list(doc.policies),
            doc if keep else None)


def extract_group(items: list, lex, index, keep: bool = False) -> tuple[list, dict]:
    """Pass 2 for the files of one article: ``items`` are ``(node, document or
    ("raw", rel, bytes) or ("pickle", bytes))``; returns each file's facts and the index
    look-ups its links made (for the cache)."""
    assertions: dict = {}
    out = []
    tables = (index.by_url, index.by_title)
    seen: dict = {}
    for t in tables:
        if isinstance(t, _Watched):
            t.seen = seen
    try:
        for node, doc in items:
            try:
                if isinstance(doc, tuple):
                    if doc[0] == "fail":
                        out.append(doc)
                        continue
                    doc = read_data(doc[2], doc[1]) if doc[0] == "raw" else pickle.loads(doc[1])
            except SkipFile as exc:
                out.append(("fail", str(exc)))
                continue
            except Exception as exc:  # noqa: BLE001
                out.append(("fail", reason(exc)))
                continue
            out.append(extract_one(doc, node, lex, index, assertions, keep))
    finally:
        for t in tables:
            if isinstance(t, _Watched):
                t.seen = None
    return out, seen


def extract_facts(groups: list) -> list:
    """Pass 2 over article groups with the installed lexicon and index."""
    lex, index, keep = _STATE["lex"], _STATE["watched"], _STATE.get("keep", False)
    return [extract_group(items, lex, index, keep) for items in groups]


# ---------------------------------------------------------------------- assembly
class ExtractionFailed(Exception):
    pass


def replay(ctx: Context, facts: tuple) -> list:
    """Write one file's facts into the build context (between ``ctx.q.begin()`` and
    ``commit()``, as the file's own writing would be); returns its bad rows (a set)."""
    if facts[0] != "ok":
        raise ExtractionFailed(facts[1])
    _, ops, bad, actors, techs, _policies, _doc = facts
    q = ctx.q
    for op in ops:
        code = op[0]
        if code == ADD:
            q.add_row(op[1])
        elif code == DISCARD:
            q.discard_row(op[1])
        elif code == DATE:
            ctx.set_date(op[1], op[2], op[3], op[4])
        elif code == LABEL:
            ctx.pending_labels.append(op[1])
        else:
            ctx.warnings.append(op[1])
    ctx.used_actors.update(actors)
    ctx.used_technologies.update(techs)
    return bad


def digest(*parts) -> str:
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:
        return os.cpu_count() or 1
