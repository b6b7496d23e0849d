#!/usr/bin/env python3
"""Scale benchmark: a build of real mirror pages with 1 and 2 workers, and a rebuild after
one changed page.

    python bench/real_corpus.py GITDIR /tmp/real10k --limit 10000
    flock /tmp/kg-bench.lock python bench/bench_scale.py /tmp/real10k [--workers 1 2] [--out /tmp/kg-scale]

For each worker count, in a fresh process each (so that peak memory is that run's own):

- build: ``kg.build`` into an empty output folder (as ``kg build`` does: the facts cache in
  the folder is written), docs/s and the ratio to the parse floor (reading and parsing alone,
  one process);
- write: the exports and the query store, written together in one pass as ``kg build``
  writes them (incremental into a folder that holds a previous build);
- peak memory: the build process's resident set and its largest worker's
  (``RUSAGE_CHILDREN``);
- temporary disk: the document spool and the graph's spilled runs; the cache's size;
- rebuild: one page changed (a sentence added), then the same build into the same folder:
  its build and write times next to the full build's, and what the write did anew.

The changed page is put back as it was at the end. Before each timed run the file system's
dirty pages are written out (``os.sync``): a rebuild is not charged for the writing-back of
the full build's gigabytes that the kernel still holds, nor a build for an earlier one's.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_floor(inputs: list[str]) -> tuple[float, int]:
    """Seconds and files of reading and parsing alone (bench_build's floor, timed)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_build import parse_floor as floor

    t = time.perf_counter()
    n = floor(inputs)
    return time.perf_counter() - t, n


def _cpu(who) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def one(inputs: list[str], out: str, workers: int) -> dict:
    """One build and its writing, in this process; prints a JSON line."""
    from kg.exporters import write_all
    from kg.pipeline import build

    t = time.perf_counter()
    c0, k0 = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    result = build(inputs, workers=workers, cache=out, exclude=[out])
    t_build = time.perf_counter() - t
    cpu_build = (_cpu(resource.RUSAGE_SELF) - c0, _cpu(resource.RUSAGE_CHILDREN) - k0)
    rss_build = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the peak before the writing
    t = time.perf_counter()
    write_all(result, Path(out))  # the exports and the store, as `kg build` writes them
    t_write = time.perf_counter() - t
    r = result.report
    return {"build": t_build, "write": t_write, "files_read": r["files_read"],
            "articles": r["articles"], "duplicates": len(r["duplicates"]), "skipped": r["files_skipped"],
            "quads": len(result.quads), "stats": result.stats,
            "cpu_build": cpu_build, "cpu_self": _cpu(resource.RUSAGE_SELF), "cpu_children": _cpu(resource.RUSAGE_CHILDREN),
            "rss_build_mb": rss_build, "rss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "rss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def run_one(inputs: list[str], out: str, workers: int) -> dict:
    os.sync()  # (what earlier runs left for the kernel to write is not this run's)
    cmd = [sys.executable, __file__, *inputs, "--one", out, "--workers", str(workers)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def change_one_page(inputs: list[str]) -> tuple[Path, bytes]:
    """A page in the middle of the input gets one more sentence; returns it and its old bytes."""
    from kg.pipeline import collect_inputs

    files = [p for p, _ in collect_inputs(inputs)]
    for path in files[len(files) // 2:]:
        old = path.read_bytes()
        text = old.decode("utf-8", "replace")
        new = re.sub("。\n", "。美国商务部宣布限制华为的芯片出口。\n", text, count=1)
        if new != text:
            path.write_bytes(new.encode("utf-8"))
            return path, old
    raise SystemExit("no page to change (none with a Chinese paragraph)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--out", default="/tmp/kg-scale-out")
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--json", default=None, help="also write the figures to this file")
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.inputs, args.one, args.workers[0])))
        return

    parse_floor(args.inputs)  # warm up: imports, the readers' first calls, the page cache
    floor, n = parse_floor(args.inputs)
    print(f"inputs: {', '.join(args.inputs)}: {n} pages; parse floor {floor:.1f} s ({n / floor:.0f} pages/s); "
          f"load {os.getloadavg()[0]:.2f}", flush=True)
    rows = []
    for w in args.workers:
        out = f"{args.out}-{w}"
        shutil.rmtree(out, ignore_errors=True)
        full = run_one(args.inputs, out, w)
        path, old = change_one_page(args.inputs)
        try:
            again = run_one(args.inputs, out, w)
        finally:
            path.write_bytes(old)
        load = os.getloadavg()[0]
        rows.append({"workers": w, "full": full, "rebuild": again, "load": load, "floor": floor, "pages": n})
        st = full["stats"]
        print(f"workers {w}: build {full['build']:.1f} s ({full['files_read'] / full['build']:.1f} docs/s, "
              f"{full['build'] / floor:.0f}x the floor), write (exports + store) {full['write']:.1f} s, "
              f"CPU {full['cpu_self']:.0f} s + workers {full['cpu_children']:.0f} s (the build alone: "
              f"{full['cpu_build'][0]:.0f} s + {full['cpu_build'][1]:.0f} s), "
              f"peak {full['rss_self_mb']:.0f} MB (after the build {full.get('rss_build_mb', 0):.0f} MB) + worker "
              f"{full['rss_children_mb']:.0f} MB, temporary disk "
              f"{(st['spool_bytes'] + st['spill_bytes']) / 1e6:.0f} MB, cache {st.get('cache_bytes', 0) / 1e6:.0f} MB; "
              f"{full['articles']} articles, {full['duplicates']} duplicate groups, {full['quads']} quads; "
              f"rebuild after one changed page: build {again['build']:.1f} s "
              f"({again['stats']['cached_files']} files from the cache, sorted runs {again['stats'].get('runs')}), "
              f"write {again['write']:.1f} s "
              f"({again['stats'].get('written')}); load {load:.2f}", flush=True)
    base = rows[0]["full"]["build"]
    print()
    print("| workers | docs/s | x floor | speed-up | build s | write s (exports + store) | peak MB (parent + worker) "
          "| temp disk MB | cache MB | rebuild s (build + write) | rebuild / full |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        f, a = r["full"], r["rebuild"]
        total, total_again = (x["build"] + x["write"] for x in (f, a))
        st = f["stats"]
        print(f"| {r['workers']} | {f['files_read'] / f['build']:.1f} | {f['build'] / r['floor']:.0f} "
              f"| {base / f['build']:.2f} | {f['build']:.1f} | {f['write']:.1f} "
              f"| {f['rss_self_mb']:.0f} + {f['rss_children_mb']:.0f} "
              f"| {(st['spool_bytes'] + st['spill_bytes']) / 1e6:.0f} | {st.get('cache_bytes', 0) / 1e6:.0f} "
              f"| {total_again:.1f} ({a['build']:.1f} + {a['write']:.1f}) "
              f"| {100 * total_again / total:.1f}% (build alone {100 * a['build'] / f['build']:.1f}%) |")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
