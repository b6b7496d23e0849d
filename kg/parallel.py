"""Where per-document work runs: in this process, in a pool of worker processes, or on a
Dask cluster. Each engine runs a function of :mod:`kg.facts` over batches of items and gives
the results back in input order, with a bounded number of batches in flight (so memory stays
bounded however many documents there are).

    engine = make_engine(workers=2)                  # or make_engine(cluster="tcp://host:8786")
    with engine.session(state):                      # the read-only state, sent once per worker
        for result in engine.ordered("read_facts", jobs, batch=32):
            ...
"""
from __future__ import annotations

import multiprocessing
import uuid
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Iterable, Iterator, Optional

from . import facts

__all__ = ["Done", "Engine", "make_engine"]


class Done:
    """A job whose result is already known (a cache hit): passed through in order."""

    __slots__ = ("result",)

    def __init__(self, result):
        self.result = result


class _Immediate:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


class Engine:
    """In this process (``--workers 1``)."""

    workers = 1

    @contextmanager
    def session(self, state: dict):
        facts.install(state)
        try:
            yield self
        finally:
            facts._STATE.clear()

    def submit(self, func: str, batch: list):
        return _Immediate(getattr(facts, func)(batch))

    def ordered(self, func: str, jobs: Iterable, batch: int = 32, in_flight: Optional[int] = None) -> Iterator:
        """Results of ``func`` over ``jobs`` (items, or :class:`Done` results), in order."""
        in_flight = in_flight or 2 * self.workers + 1
        pending: deque = deque()  # ("done", result) | ("batch", future, n)
        chunk: list = []
        batches = 0

        def flush():
            nonlocal chunk, batches
            if chunk:
                pending.append(("batch", self.submit(func, chunk), len(chunk)))
                batches += 1
                chunk = []

        def pop():
            nonlocal batches
            entry = pending.popleft()
            if entry[0] == "done":
                yield entry[1]
            else:
                batches -= 1
                yield from entry[1].result()

        for job in jobs:
            if isinstance(job, Done):
                if not pending and not chunk:
                    yield job.result
                    continue
                flush()
                pending.append(("done", job.result))
            else:
                chunk.append(job)
                if len(chunk) >= batch:
                    flush()
            while pending and (batches > in_flight or pending[0][0] == "done" or len(pending) > 4 * batch):
                yield from pop()
        flush()
        while pending:
            yield from pop()


class PoolEngine(Engine):
    """A pool of worker processes on this machine (``--workers N``)."""

    def __init__(self, workers: int):
        self.workers = workers
        self._pool: Optional[ProcessPoolExecutor] = None

    @contextmanager
    def session(self, state: dict):
        methods = multiprocessing.get_all_start_methods()
        # fork: the workers start at once with kg, its data and jieba already loaded
        ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
        self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=facts.install,
                                         initargs=(state,))
        try:
            yield self
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def submit(self, func: str, batch: list):
        return self._pool.submit(_call, func, batch)


def _call(func: str, batch: list):
    return getattr(facts, func)(batch)


class DaskEngine(Engine):
    """The workers of a Dask cluster (``--cluster tcp://host:8786``): the state is scattered
    to every worker once, batches are tasks."""

    def __init__(self, address):
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - a dependency of kg
            raise RuntimeError("--cluster needs dask.distributed (pip install 'dask[distributed]')") from exc
        self.client = address if isinstance(address, Client) else Client(address)  # waits distributed.comm.timeouts.connect
        self._own = not isinstance(address, Client)
        self.workers = max(1, sum(w.get("nthreads", 1) for w in
                                  self.client.scheduler_info().get("workers", {}).values()))
        self._state = None

    @contextmanager
    def session(self, state: dict):
        state = {**state, "token": uuid.uuid4().hex, "code": facts.code_version()}
        # one object on every worker (a dict given to scatter would be scattered item by item)
        [self._state] = self.client.scatter([state], broadcast=True, hash=False)
        try:
            yield self
        finally:
            self.client.cancel([self._state])
            self._state = None

    def submit(self, func: str, batch: list):
        return self.client.submit(facts.state_call, self._state, func, batch, pure=False,
                                  key=f"kg-{func}-{uuid.uuid4().hex}")

    def close(self) -> None:
        if self._own:
            self.client.close()


def make_engine(workers: int = 1, cluster=None) -> Engine:
    """The engine for ``workers`` local processes (1: this process), or for a Dask
    scheduler's address (or a ``distributed.Client``)."""
    if cluster is not None:
        return DaskEngine(cluster)
    if workers < 1:
        raise ValueError(f"--workers must be at least 1 (got {workers})")
    return Engine() if workers == 1 else PoolEngine(workers)
