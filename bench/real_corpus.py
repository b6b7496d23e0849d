#!/usr/bin/env python3
"""Lay out the Epoch Times mirror's pages as a benchmark corpus.

    python bench/real_corpus.py GITDIR OUT [--limit N]

GITDIR is a git directory (bare or not) of the public repository epic-marker/epoch-news
(about 106,000 pages, 830 MB; see the README's Development section for how to get it). Its
pages, ``pages/<category>/<id>.md``, are written under ``OUT/pages/`` with ``git archive``
(nothing else of the repository: its indexes are lists of links, not articles); with
``--limit N`` only the first N pages in sorted path order. One article filed under two
categories is two pages: real duplicates, which a build collapses into one article.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tarfile
from pathlib import Path

PAGE = re.compile(r"pages/[^/]+/[^/]+\.md")
_BATCH = 2000  # paths per git archive call (the command line has a length limit)


def pages(gitdir: str, rev: str = "HEAD") -> list[str]:
    """The mirror's page paths, sorted."""
    out = subprocess.run(["git", "--git-dir", gitdir, "ls-tree", "-r", "--name-only", "-z", rev, "--", "pages/"],
                         check=True, capture_output=True).stdout
    return sorted(p for p in out.decode("utf-8", "surrogateescape").split("\0") if PAGE.fullmatch(p))


def extract(gitdir: str, paths: list[str], out: Path, rev: str = "HEAD") -> int:
    """Write ``paths`` of ``rev`` under ``out``; returns how many files were written."""
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for start in range(0, len(paths), _BATCH):
        batch = paths[start:start + _BATCH]
        proc = subprocess.Popen(["git", "--git-dir", gitdir, "archive", "--format=tar", rev, "--",
                                 *(f":(literal){p}" for p in batch)], stdout=subprocess.PIPE)
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for member in tar:
                if member.isfile():
                    tar.extract(member, out, filter="data")
                    n += 1
        if proc.wait() != 0:
            raise SystemExit(f"git archive failed (exit {proc.returncode})")
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gitdir", help="git directory of epic-marker/epoch-news (e.g. a bare clone)")
    ap.add_argument("out", type=Path, help="folder to write the pages into")
    ap.add_argument("--limit", type=int, default=None, help="only the first N pages in sorted path order")
    ap.add_argument("--rev", default="HEAD", help="the commit to read (default HEAD)")
    args = ap.parse_args()
    found = pages(args.gitdir, args.rev)
    if not found:
        raise SystemExit(f"{args.gitdir}: no pages/<category>/<id>.md in {args.rev}")
    chosen = found[:args.limit] if args.limit is not None else found
    n = extract(args.gitdir, chosen, args.out, args.rev)
    cats = sorted({p.split("/")[1] for p in chosen})
    print(f"{n} of {len(found)} pages -> {args.out}/pages ({len(cats)} categories: {', '.join(cats)})", file=sys.stderr)


if __name__ == "__main__":
    main()
