"""The graph's quad set: the same sorted, duplicate-free output whether it spilled or not."""
from __future__ import annotations

import gc
import random
import tracemalloc

from kg.quads import QuadSet
from kg.terms import IRI, lit, typed

G1, G2 = IRI("http://e/g1"), IRI("http://e/g2")
S, T = IRI("http://e/s"), IRI("http://e/t")
P, Q = IRI("http://e/p"), IRI("http://e/q")


def _quads():
    objs = [T, S, lit("b"), lit("a", "en"), lit("a"), lit("a", "zh-Hans"), typed("2", "integer"), lit("a\nb")]
    return [(s, p, o, g) for g in (None, G1, G2) for s in (S, T) for p in (P, Q) for o in objs]


def _fill(spill_at: int, seed: int) -> QuadSet:
    qs = QuadSet(spill_at=spill_at)
    quads = _quads()
    random.Random(seed).shuffle(quads)
    for i, q in enumerate(quads + quads[:40]):  # some quads twice, across runs
        qs.add(*q)
        if i % 7 == 0:
            qs.checkpoint()
    return qs


def test_spilled_and_in_memory_sets_read_back_the_same():
    small, big = _fill(10, 1), _fill(10_000, 2)
    assert small.spilled > 5 and big.spilled == 0
    assert list(small.sorted()) == list(big.sorted())
    assert list(small.triples()) == list(big.triples())
    assert len(small) == len(big) == len(_quads())


def test_quads_sort_by_graph_then_subject_and_iris_before_literals():
    quads = list(_fill(10, 3).sorted())
    assert quads[0][3] is None  # the default graph first
    first = [q[2] for q in quads if q[3] is None and q[0] == S and q[1] == P]
    assert first[:2] == [S, T]
    assert first[2:6] == [typed("2", "integer"), lit("a"), lit("a", "en"), lit("a", "zh-Hans")]


def test_union_triples_are_each_written_once():
    triples = list(_fill(10, 4).triples())
    assert len(triples) == len(set(triples)) == len(_quads()) // 3


def test_discard_removes_a_quad_not_yet_spilled_and_empty_literals_are_not_added():
    qs = QuadSet()
    qs.add(S, P, lit("x"), G1)
    qs.add(S, P, lit(""), G1)
    qs.add(S, P, None, G1)
    qs.discard(S, P, lit("x"), G1)
    assert len(qs) == 0 and list(qs.sorted()) == []


def test_merging_many_runs_holds_a_small_part_of_them_in_memory():
    """A large graph is hundreds of sorted runs: reading them back merged holds a few rows of
    each, not the graph (the full mirror's write peaked at 2.5 GB when each run kept a
    20,000-row record in memory)."""
    runs, per_run = 40, 10_000
    qs = QuadSet(spill_at=per_run)
    for r in range(runs):
        for i in range(per_run):
            qs.add(IRI(f"http://e/s{i % 997}-{r}"), P, lit(f"value {r} {i}"), IRI(f"http://e/g{i % 50}"))
        qs.checkpoint()
    assert qs.spilled == runs
    gc.collect()  # other tests' garbage must not be freed (or counted) while measuring
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        n = sum(1 for _ in qs.rows())
        merging = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        held = list(qs.rows())
        holding = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert n == len(held) == runs * per_run
    assert merging < holding / 2, (merging, holding)  # (with 20,000-row records: about equal)
