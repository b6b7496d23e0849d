"""The build pipeline (``kg build``): read input files and folders, extract, and assemble the graph.

    >>> from kg import build
    >>> result = build(["seeds"])          # doctest: +SKIP
    >>> result.write("exports")            # doctest: +SKIP
"""
from __future__ import annotations

import os
import pickle
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

from . import extract as extractors
from . import lexicon as lexicon_mod
from .extract.discovery import find_candidates, learn_from
from .document import Document
from .graph import ArticleIndex, Context, add_article, add_dataset, add_used_actors, add_used_technologies
from .policies import add_policies
from .quads import SPILL_AT, QuadSet
from .readers import SkipFile, read_path

__all__ = ["BuildError", "BuildResult", "collect_inputs", "build"]

#: names never read as inputs: version control, caches, our own outputs
_IGNORED_DIRS = {".git", ".hg", ".svn", "__pycache__", ".venv", "node_modules", ".pytest_cache"}


class BuildError(Exception):
    """The build cannot start (e.g. an input path does not exist)."""


@dataclass
class BuildResult:
    quads: QuadSet
    report: dict
    documents: list[Document] = field(default_factory=list)

    def write(self, out: str | os.PathLike, formats: Optional[Sequence[str]] = None,
              replace_with_empty: bool = False) -> list[Path]:
        """Write the exports into ``out``. A build that read no article does not replace a
        graph already there (a mistyped folder would wipe it) unless ``replace_with_empty``."""
        from .exporters import write_all
        from .query.store import write_store

        if not self.report.get("articles") and not replace_with_empty and (Path(out) / "graph.nq").exists():
            raise BuildError(f"read no article: {out}/ keeps its graph (use --force to replace it with an empty one)")

        paths = write_all(self, Path(out), formats)
        if formats is None or "nquads" in formats:
            write_store(out)  # the query index beside the exports (not an export itself)
        return paths


def collect_inputs(inputs: Iterable[str | os.PathLike]) -> list[tuple[Path, str]]:
    """(path, path relative to the input argument it was found under), sorted, each file once."""
    found: dict[Path, str] = {}
    for arg in inputs:
        root = Path(arg)
        if not root.exists():
            raise BuildError(f"{arg}: no such file or folder")
        if root.is_file():
            found.setdefault(root.resolve(), root.name)
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d not in _IGNORED_DIRS and not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith("."):
                    continue  # hidden files (editor swap files, .DS_Store, our temporaries)
                path = Path(dirpath) / name
                found.setdefault(path.resolve(), path.relative_to(root).as_posix())
    return sorted(((p, rel) for p, rel in found.items()), key=lambda x: (x[1], str(x[0])))


def build(inputs: Iterable[str | os.PathLike], progress: Optional[Callable[[int, int], None]] = None,
          *, keep_documents: bool = False, spill_at: int = SPILL_AT) -> BuildResult:
    """Read every input file, extract what it says, and return the graph and its report.

    One bad file never stops the build: it is skipped and its reason goes in the report.

    Memory stays bounded however many files there are: the first pass reads each file,
    keeps what discovery learns from it and spools the parsed document to a temporary file;
    the second pass takes the documents back one at a time, and the graph spills to disk
    beyond ``spill_at`` quads (:mod:`kg.quads`). ``keep_documents`` also returns the parsed
    documents (for small builds and tests).
    """
    inputs = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    files = collect_inputs(inputs)
    lex = lexicon_mod.load()
    skipped: list[dict] = []
    warnings: list[dict] = []
    rows: list[dict] = []  # one per document read, in file order
    iris: list[str] = []
    offsets: list[int] = []
    candidates: set = set()
    index = ArticleIndex()
    with tempfile.TemporaryFile(prefix="kg-docs-") as spool:
        for i, (path, rel) in enumerate(files):
            try:
                doc = read_path(path, rel)
            except SkipFile as exc:
                skipped.append({"file": rel, "reason": str(exc)})
            else:
                candidates.update(find_candidates(doc.text, lex))
                iris.append(index.add(doc))
                rows.append({"file": doc.source_file, "format": doc.format, "encoding": doc.encoding,
                             "language": doc.language})
                warnings.extend({"file": doc.source_file, "warning": w} for w in doc.warnings)
                offsets.append(spool.tell())
                pickle.dump(doc, spool, protocol=pickle.HIGHEST_PROTOCOL)
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
        by_iri: dict[str, list[str]] = {}
        policy_items = []
        documents: list[tuple[int, Document]] = []
        for n, i in enumerate(order):
            spool.seek(offsets[i])
            doc = pickle.load(spool)
            node = iris[i]
            add_article(ctx, doc)
            extractors.run(ctx, doc, node)
            if node not in by_iri:  # a duplicate file of an article already read says nothing new
                policy_items.extend((doc.date, node, ap, doc.language) for ap in doc.policies)
            by_iri.setdefault(node, []).append(doc.source_file)
            if keep_documents:
                documents.append((i, doc))
            if progress:
                progress(len(files) + n + 1, len(files) + len(order))
            if n + 1 == len(order) or iris[order[n + 1]] != node:
                ctx.assertions.clear()
                ctx.q.checkpoint()
    policies = add_policies(ctx, policy_items)
    add_used_technologies(ctx)
    add_used_actors(ctx)
    add_dataset(ctx.q, len(by_iri))

    report = {
        "inputs": [str(a) for a in inputs],
        "files_seen": len(files),
        "files_read": len(rows),
        "files_skipped": len(skipped),
        "articles": len(by_iri),
        "policies": len(policies),
        "formats": dict(sorted(Counter(r["format"] for r in rows).items())),
        "languages": dict(sorted(Counter(r["language"] for r in rows).items())),
        "encodings": dict(sorted(Counter(r["encoding"] for r in rows).items())),
        "duplicates": [
            {"article": node, "files": sorted(files_)} for node, files_ in sorted(by_iri.items()) if len(files_) > 1
        ],
        "skipped": skipped,
        "warnings": warnings,
        "files": [{**row, "article": node} for row, node in zip(rows, iris)],
    }
    return BuildResult(ctx.q, report, [doc for _, doc in sorted(documents, key=lambda x: x[0])])
