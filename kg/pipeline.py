"""The build pipeline (``kg build``): read input files and folders, extract, and assemble the graph.

    >>> from kg import build
    >>> result = build(["seeds"])          # doctest: +SKIP
    >>> result.write("exports")            # doctest: +SKIP
"""
from __future__ import annotations

import os
import pickle
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

from . import extract as extractors
from . import iri as mint
from . import lexicon as lexicon_mod
from .extract.discovery import find_candidates, learn_from
from .document import Document
from .graph import (ArticleIndex, Context, add_article, add_dataset, add_minted_labels, add_used_actors,
                    add_used_technologies)
from .policies import add_policies
from .quads import SPILL_AT, QuadSet
from .readers import MAX_FILE_SIZE, SkipFile, read_path

__all__ = ["BuildError", "BuildResult", "collect_inputs", "build", "display_name"]

#: names never read as inputs: version control, caches, our own outputs
_IGNORED_DIRS = {".git", ".hg", ".svn", "__pycache__", ".venv", "node_modules", ".pytest_cache"}


class BuildError(Exception):
    """The build cannot start (e.g. an input path does not exist)."""


@dataclass
class BuildResult:
    quads: QuadSet
    report: dict
    documents: list[Document] = field(default_factory=list)
    stats: dict = field(default_factory=dict)  # what writing measured (temp_bytes)

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
        for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
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
            for name in sorted(filenames):
                if name.startswith("."):
                    continue  # hidden files (editor swap files, .DS_Store, our temporaries)
                path = Path(dirpath) / name
                found.setdefault(_real(path), (path, display_name(path.relative_to(root).as_posix())))
    return sorted(found.values(), key=lambda x: (x[1], str(x[0])))


def _reason(exc: BaseException) -> str:
    """An unexpected error as a skip reason: its type and first line, short."""
    if isinstance(exc, RecursionError):
        return "nested too deeply to process"
    if isinstance(exc, MemoryError):
        return "out of memory while processing"
    text = " ".join(str(exc).split())
    if len(text) > 300:
        text = text[:300] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _bad_rows(rows) -> list[tuple]:
    """Rows (as :meth:`QuadSet.commit` gives them) that no RDF or XML reader would take: an
    invalid IRI anywhere, or characters XML cannot hold in a literal."""
    bad = []
    for row in rows:
        g, s, p, kind, value = row[:5]
        iris = (s, p, value, g) if kind == 0 else (s, p, g)
        if any(i and not mint.is_valid_iri(i) for i in iris) or (kind == 1 and _BAD_TEXT.search(value)):
            bad.append(row)
    return bad


_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def build(inputs: Iterable[str | os.PathLike], progress: Optional[Callable[[int, int], None]] = None,
          *, keep_documents: bool = False, spill_at: int = SPILL_AT, exclude: Iterable[str | os.PathLike] = (),
          max_file_size: int = MAX_FILE_SIZE) -> BuildResult:
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
    """
    inputs = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    excluded: list[str] = []
    files = collect_inputs(inputs, exclude, excluded)
    lex = lexicon_mod.load()
    skipped: list[dict] = []
    warnings: list[dict] = []
    rows: list[dict] = []  # one per document read, in file order
    iris: list[str] = []
    offsets: list[int] = []
    candidates: set = set()
    index = ArticleIndex()
    dates: dict = {}
    with tempfile.TemporaryFile(prefix="kg-docs-") as spool:
        for i, (path, rel) in enumerate(files):
            try:
                doc = read_path(path, rel, max_file_size)
                found = find_candidates(doc.text, lex)
                node = index.add(doc)
                data = pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)
            except SkipFile as exc:
                skipped.append({"file": rel, "reason": str(exc)})
            except Exception as exc:  # noqa: BLE001 - one file's failure is that file's skip reason
                skipped.append({"file": rel, "reason": _reason(exc)})
            else:
                candidates.update(found)
                iris.append(node)
                if doc.date:
                    dates.setdefault(node, doc.date)  # an input's own date before any link's
                rows.append({"file": doc.source_file, "format": doc.format, "encoding": doc.encoding,
                             "language": doc.language})
                warnings.extend({"file": doc.source_file, "warning": w} for w in doc.warnings)
                offsets.append(spool.tell())
                spool.write(data)
            if progress:  # two passes: reading, then extracting
                progress(i + 1, 2 * len(files))
        lex = learn_from(lex, candidates)  # names and actors the articles teach
        del candidates

        # the files of one article are read one after the other, so that everything said in
        # an article graph is in memory together (a checkpoint comes between articles)
        first: dict[str, int] = {}
        for i, node in enumerate(iris):
            first.setdefault(node, i)
        order = sorted(range(len(iris)), key=lambda i: (first[iris[i]], i))
        ctx = Context(QuadSet(spill_at), lex, index)
        ctx.dates.update(dates)
        by_iri: dict[str, list[str]] = {}
        policy_items: dict[int, list] = {}
        documents: list[tuple[int, Document]] = []
        failed: set[int] = set()
        for n, i in enumerate(order):
            spool.seek(offsets[i])
            node = iris[i]
            source = rows[i]["file"]
            used = (set(ctx.used_actors), set(ctx.used_technologies), dict(ctx.assertions))
            ctx.new_dates.clear()
            ctx.q.begin()
            try:
                doc = pickle.load(spool)
                add_article(ctx, doc)
                extractors.run(ctx, doc, node)
            except Exception as exc:  # noqa: BLE001 - this file's quads are taken back, the build goes on
                ctx.q.rollback()
                ctx.used_actors, ctx.used_technologies, ctx.assertions = used
                for dated in ctx.new_dates:
                    del ctx.dates[dated]
                ctx.warnings.clear()
                ctx.pending_labels.clear()
                failed.add(i)
                skipped.append({"file": source, "reason": f"while extracting: {_reason(exc)}"})
            else:
                bad = _bad_rows(ctx.q.commit())
                if bad:
                    ctx.q.remove_rows(bad)
                    warnings.append({"file": source, "warning": f"{len(bad)} statement(s) with a value no RDF "
                                     f"reader accepts were dropped (first: {_clip(bad[0])})"})
                warnings.extend({"file": source, "warning": w} for w in ctx.warnings)
                ctx.warnings.clear()
                for label_node, name, lang in ctx.pending_labels:
                    ctx.labels.setdefault(label_node, Counter())[(name, lang)] += 1
                ctx.pending_labels.clear()
                if node not in by_iri:  # a duplicate file of an article already read says nothing new
                    policy_items[i] = [(doc.date, node, ap, doc.language) for ap in doc.policies]
                by_iri.setdefault(node, []).append(doc.source_file)
                if keep_documents:
                    documents.append((i, doc))
            if progress:
                progress(len(files) + n + 1, len(files) + len(order))
            if n + 1 == len(order) or iris[order[n + 1]] != node:
                ctx.assertions.clear()
                ctx.q.checkpoint()
    policies = _add_policies(ctx, policy_items, rows, skipped, warnings)
    add_used_technologies(ctx)
    add_minted_labels(ctx, add_used_actors(ctx))
    add_dataset(ctx.q, len(by_iri))

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
    return BuildResult(ctx.q, report, [doc for _, doc in sorted(documents, key=lambda x: x[0])])


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
