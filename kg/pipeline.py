"""The build pipeline (``kg build``): read input files and folders, extract, and assemble the graph.

    >>> from kg import build
    >>> result = build(["seeds"])          # doctest: +SKIP
    >>> result.write("exports")            # doctest: +SKIP
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

from . import extract as extractors
from . import lexicon as lexicon_mod
from .extract.discovery import learn
from .document import Document
from .graph import ArticleIndex, Context, QuadSet, add_article, add_dataset, add_used_actors, add_used_technologies
from .policies import add_policies
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

    def write(self, out: str | os.PathLike, formats: Optional[Sequence[str]] = None) -> list[Path]:
        from .exporters import write_all
        from .query.store import write_store

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


def build(inputs: Iterable[str | os.PathLike], progress: Optional[Callable[[int, int], None]] = None) -> BuildResult:
    """Read every input file, extract what it says, and return the graph and its report.

    One bad file never stops the build: it is skipped and its reason goes in the report.
    """
    inputs = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    files = collect_inputs(inputs)
    lex = lexicon_mod.load()
    docs: list[Document] = []
    skipped: list[dict] = []
    for i, (path, rel) in enumerate(files):
        try:
            docs.append(read_path(path, rel))
        except SkipFile as exc:
            skipped.append({"file": rel, "reason": str(exc)})
        if progress:
            progress(i + 1, len(files))

    lex = learn(lex, (d.text for d in docs))  # names and actors the articles teach
    index = ArticleIndex()
    iris = [index.add(d) for d in docs]
    ctx = Context(QuadSet(), lex, index)
    by_iri: dict[str, list[str]] = {}
    warnings = []
    for doc, node in zip(docs, iris):
        add_article(ctx, doc)
        extractors.run(ctx, doc, node)
        by_iri.setdefault(node, []).append(doc.source_file)
        warnings.extend({"file": doc.source_file, "warning": w} for w in doc.warnings)
    seen_nodes: set[str] = set()
    policy_items = []
    for doc, node in zip(docs, iris):
        if node in seen_nodes:
            continue  # a duplicate file of an article already read says nothing new
        seen_nodes.add(node)
        policy_items.extend((doc.date, node, ap, doc) for ap in doc.policies)
    policies = add_policies(ctx, policy_items)
    add_used_technologies(ctx)
    add_used_actors(ctx)
    add_dataset(ctx.q, len(by_iri))

    report = {
        "inputs": [str(a) for a in inputs],
        "files_seen": len(files),
        "files_read": len(docs),
        "files_skipped": len(skipped),
        "articles": len(by_iri),
        "policies": len(policies),
        "formats": dict(sorted(Counter(d.format for d in docs).items())),
        "languages": dict(sorted(Counter(d.language for d in docs).items())),
        "encodings": dict(sorted(Counter(d.encoding for d in docs).items())),
        "duplicates": [
            {"article": node, "files": sorted(files_)} for node, files_ in sorted(by_iri.items()) if len(files_) > 1
        ],
        "skipped": skipped,
        "warnings": warnings,
        "files": [
            {"file": d.source_file, "format": d.format, "encoding": d.encoding, "language": d.language,
             "article": node}
            for d, node in zip(docs, iris)
        ],
    }
    return BuildResult(ctx.q, report, docs)
