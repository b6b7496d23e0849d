"""Fewer full passes of Python's cyclic garbage collector while a build or a write runs."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

#: collections of the younger generations between two of the oldest (Python's default: 10)
OLDEST = 1000


@contextmanager
def fewer_full_collections() -> Iterator[None]:
    """A full pass walks every object a build holds (millions: the report's rows, the article
    index, the lexicon) and costs about a tenth of a build's time, and up to a second each
    in a write; reference counting frees all the rest as before. The workers, forked,
    inherit the setting. The thresholds are put back at the end."""
    before = gc.get_threshold()
    gc.set_threshold(before[0], before[1], max(before[2], OLDEST))
    try:
        yield
    finally:
        gc.set_threshold(*before)
