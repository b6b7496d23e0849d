#!/usr/bin/env python3
"""Build benchmark: docs/s of a corpus build next to the parse floor.

    python bench/bench_build.py [INPUT ...] [--repeat N]

- floor: reading, decoding and YAML/HTML parsing alone (the readers, nothing else)
- build: the whole in-memory build (readers, extractors, graph assembly)
- write: the five exports, report.json and the query store (one pass over the graph)
- html: what the Epoch pages' HTML costs through BeautifulSoup (lxml as its parser, the
  reader's way) next to lxml alone
Default input: ../shared/corpus. Prints the median of --repeat runs and the peak memory
(resident set) of the process after the build and after the writing.
Warm-up (lexicon, jieba, OpenCC, lxml) is a build of the seeds, so a large input is built
only --repeat times.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.pipeline import build, collect_inputs  # noqa: E402
from kg.readers import SkipFile, read_path  # noqa: E402


def parse_floor(inputs) -> int:
    n = 0
    for path, rel in collect_inputs(inputs):
        try:
            read_path(path, rel)
            n += 1
        except SkipFile:
            pass
    return n


def html_cost(inputs) -> tuple[int, float, float]:
    """(Epoch pages, s through BeautifulSoup, s through lxml alone) for parsing their HTML."""
    import lxml.html

    from kg.readers import epoch_markdown
    from kg.text import decode

    pages = []
    for path, _ in collect_inputs(inputs):
        try:
            text = decode(path.read_bytes())[0]
        except Exception:  # noqa: BLE001 - not a page the reader takes
            continue
        if epoch_markdown.detect(text) and "<" in text:
            pages.append(text[text.find("<"):])
    t = time.perf_counter()
    for html in pages:
        epoch_markdown._parse_html(html, [])
    soup = time.perf_counter() - t
    t = time.perf_counter()
    for html in pages:
        lxml.html.document_fromstring(html, parser=lxml.html.HTMLParser(huge_tree=True))
    return len(pages), soup, time.perf_counter() - t


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="*", default=[str(ROOT.parent / "shared" / "corpus")])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    build([str(ROOT / "seeds")])  # warm up: lexicon, jieba, OpenCC, lxml
    floors, builds, writes = [], [], []
    peak_build = 0.0
    for _ in range(args.repeat):
        t, n = timed(lambda: parse_floor(args.inputs))
        floors.append(t)
        t, result = timed(lambda: build(args.inputs))
        builds.append(t)
        peak_build = max(peak_build, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        with tempfile.TemporaryDirectory() as out:
            t, _ = timed(lambda: result.write(out))
            writes.append(t)
    docs = result.report["files_read"]
    fl, bu, wr = (statistics.median(x) for x in (floors, builds, writes))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"inputs: {', '.join(args.inputs)}  ({docs} documents, {len(result.quads)} quads)")
    print(f"parse floor : {fl:7.2f} s  {docs / fl:8.0f} docs/s")
    print(f"build       : {bu:7.2f} s  {docs / bu:8.0f} docs/s  ({bu / fl:.2f}x the floor)")
    print(f"build+write : {bu + wr:7.2f} s  {docs / (bu + wr):8.0f} docs/s  (exports {wr:.2f} s)")
    print(f"peak memory : {peak:7.0f} MB  (after the build: {peak_build:.0f} MB; {result.quads.spilled} spills)")
    if getattr(result, "stats", None):
        print(f"temp disk   : {result.stats.get('temp_bytes', 0) / 1e6:7.1f} MB  (spilled quad runs and the "
              "writers' sort files, at their peak)")
    pages, soup, bare = html_cost(args.inputs)
    if pages:
        print(f"html        : {pages} Epoch pages, BeautifulSoup+lxml {soup / pages * 1000:.2f} ms/page, "
              f"lxml alone {bare / pages * 1000:.2f} ms/page ({soup / bare:.0f}x)")


if __name__ == "__main__":
    main()
