"""report.json: what was read, skipped and why, duplicates collapsed, and graph counts."""
from __future__ import annotations

import json
from collections import Counter

from ..terms import RDF_TYPE, compact

NAME = "report"
FILENAME = "report.json"


def graph_counts(result) -> dict:
    types: Counter = Counter()
    preds: Counter = Counter()
    triples = 0
    for _, p, o in result.quads.triples():
        triples += 1
        preds[p] += 1
        if p == RDF_TYPE:
            types[o] += 1
    quads, graphs, last = 0, 0, None
    for q in result.quads.sorted():  # graph by graph
        quads += 1
        if q[3] and q[3] != last:
            graphs += 1
            last = q[3]
    return {
        "quads": quads,
        "triples": triples,
        "named_graphs": graphs,
        "by_type": dict(sorted((compact(k), v) for k, v in types.items())),
        "by_predicate": dict(sorted((compact(k), v) for k, v in preds.items())),
    }


def write(result, fh) -> None:
    report = dict(result.report)
    report["graph"] = graph_counts(result)
    fh.write(json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8"))
    fh.write(b"\n")
