"""Query benchmark over a finished build: the figures issue 5 sets, side by side in one run.

    python bench/bench_query.py BUILD_DIR [--name NAME]... [--repeat 5] [--no-rdflib]

- neighbors, whole CLI process: ``kg neighbors NAME --graph BUILD_DIR --format json``
  (Python start-up, imports, opening the store, resolving the name, the lookup, output);
- neighbors in-process: resolve + one-hop lookup on an open store;
- each shipped query of ``queries/`` on the store (the target is under 2 s on the corpus);
- the top-20 actors by mentioning articles as one SPARQL aggregate, on the Oxigraph store
  and on rdflib's in-memory engine over the same graph.nq (with rdflib's load time).
Prints medians of --repeat runs.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

TOP20 = """
SELECT ?x (COUNT(DISTINCT ?a) AS ?n) WHERE {
  ?a <https://schema.org/mentions> ?x .
  { ?x a <https://schema.org/Country> } UNION { ?x a <https://schema.org/Organization> }
  UNION { ?x a <https://schema.org/Person> }
} GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 20
"""


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build", type=Path)
    ap.add_argument("--name", action="append", help="names to look up (default: China, a hub, and Rapidus)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-rdflib", action="store_true")
    args = ap.parse_args(argv)

    import kg
    from kg.query import open_store, resolve
    from kg.query.neighbors import neighbors

    t = time.perf_counter()
    store = open_store(args.build)  # makes the store if the build has none yet
    print(f"open store      : {time.perf_counter() - t:8.3f} s (first open; makes the store if missing)")
    nq = args.build / "graph.nq"
    print(f"build           : {args.build}  graph.nq {nq.stat().st_size / 1e6:.0f} MB")

    kg_bin = Path(sys.executable).with_name("kg")
    for name in args.name or ["China", "Rapidus"]:
        cmd = [str(kg_bin), "neighbors", name, "--graph", str(args.build), "--format", "json"]
        cli, proc = timed(lambda: subprocess.run(cmd, capture_output=True, check=True), args.repeat)
        n_rows = proc.stdout.count(b'"iri"')
        print(f"neighbors (CLI) : {cli:8.3f} s   {name}: whole process, {n_rows} rows")
        inproc, rows = timed(lambda: neighbors(store, resolve(store, name), 1), max(args.repeat, 20))
        print(f"neighbors (lib) : {inproc * 1000:8.2f} ms  {name}: resolve + one hop, {len(rows)} rows")

    for rq in sorted((Path(__file__).resolve().parent.parent / "queries").glob("*.rq")):
        q_time, answer = timed(lambda: list(store.query(rq.read_text(encoding="utf-8"))), args.repeat)
        print(f"query {rq.name:<28}: {q_time * 1000:8.1f} ms  {len(answer)} rows (shipped query; target < 2 s)")
    ox_time, res = timed(lambda: list(store.query(TOP20)), args.repeat)
    print(f"top-20 Oxigraph : {ox_time * 1000:8.1f} ms")
    if args.no_rdflib:
        return 0
    t = time.perf_counter()
    ds = kg.load_graph(args.build)
    ds.default_union = True
    load = time.perf_counter() - t
    rd_time, rd = timed(lambda: list(ds.query(TOP20)), max(1, min(args.repeat, 3)))
    print(f"top-20 rdflib   : {rd_time * 1000:8.1f} ms  (+ {load:.1f} s to load)  "
          f"Oxigraph is {rd_time / ox_time:.0f}x faster")
    same = [str(r[0].value) for r in res] == [str(r[0]) for r in rd]
    print(f"same answer     : {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
