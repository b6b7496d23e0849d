"""report.json: what was read, skipped and why, duplicates collapsed, and graph counts."""
from __future__ import annotations

import json
from collections import Counter

from ..terms import RDF_TYPE, compact

NAME = "report"
FILENAME = "report.json"


def graph_counts(result) -> dict:
    triples = result.quads.triples()
    types = Counter(compact(o) for s, p, o in triples if p == RDF_TYPE)
    preds = Counter(compact(p) for s, p, o in triples)
    return {
        "quads": len(result.quads),
        "triples": len(triples),
        "named_graphs": len({q[3] for q in result.quads if q[3]}),
        "by_type": dict(sorted(types.items())),
        "by_predicate": dict(sorted(preds.items())),
    }


def write(result, fh) -> None:
    report = dict(result.report)
    report["graph"] = graph_counts(result)
    fh.write(json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8"))
    fh.write(b"\n")
