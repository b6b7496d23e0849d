"""N-Quads: every quad, one named graph per source article (build-wide facts in the default graph)."""
from __future__ import annotations

from ._rdf import nt_term

NAME = "nquads"
FILENAME = "graph.nq"


def write(result, fh) -> None:
    lines = []
    for s, p, o, g in result.quads.sorted():
        graph = f" <{g}>" if g else ""
        lines.append(f"<{s}> <{p}> {nt_term(o)}{graph} .\n")
        if len(lines) >= 10_000:
            fh.write("".join(lines).encode("utf-8"))
            lines = []
    fh.write("".join(lines).encode("utf-8"))
