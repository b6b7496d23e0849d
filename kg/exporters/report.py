"""report.json: what was read, skipped and why, duplicates collapsed, and graph counts."""
from __future__ import annotations

import json
from collections import Counter

from ..terms import compact

NAME = "report"
FILENAME = "report.json"


def graph_counts(quads: int, triples: int, graphs: int, types: Counter, preds: Counter) -> dict:
    """The ``graph`` section, from what the one pass over the graph counted."""
    return {
        "quads": quads,
        "triples": triples,
        "named_graphs": graphs,
        "by_type": dict(sorted((compact(k), v) for k, v in types.items())),
        "by_predicate": dict(sorted((compact(k), v) for k, v in preds.items())),
    }


def render(result, counts: dict) -> bytes:
    report = dict(result.report)
    report["graph"] = counts
    return json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def write(result, fh) -> None:
    from .stream import write_streams

    write_streams(result, {NAME: fh})
