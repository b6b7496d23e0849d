"""N-Quads: every quad, one named graph per source article (build-wide facts in the default graph)."""
from __future__ import annotations

NAME = "nquads"
FILENAME = "graph.nq"


def write(result, fh) -> None:
    from .stream import write_streams

    write_streams(result, {NAME: fh})
