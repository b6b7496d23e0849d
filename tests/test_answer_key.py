"""The evaluation gate: the seeds' answer key, scored through the public contract by
../shared/eval/score.py. CI fails when extraction quality drops below these floors."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import SHARED

#: raise these as extraction improves; never lower them to make a change pass
FLOORS = {
    "documents_missing": ("==", 0),
    "metadata_accuracy": (">=", 1.0),
    "related_recall": (">=", 1.0),
    "actors_split_across_iris": ("==", 0),
    "policies_targeting_own_issuer": ("==", 0),
    "actor_f1": (">=", 0.95),
    "policy_f1": (">=", 0.9),
    "policy_f1_in_article": (">=", 0.9),
    "relation_recall": (">=", 1.0),
    "relation_f1": (">=", 0.85),
}


@pytest.fixture(scope="module")
def summary(seeds_build):
    score = SHARED / "eval" / "score.py"
    gold = SHARED / "gold" / "seeds.yaml"
    if not score.exists() or not gold.exists():
        pytest.skip("../shared/eval/score.py is not beside this checkout")
    out, _ = seeds_build
    return _score(score, gold, out / "graph.ttl")


def _score(score, gold, graph) -> dict:
    done = subprocess.run([sys.executable, str(score), "--gold", str(gold), "--graph", str(graph), "--json"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["summary"]


def _check(summary: dict, floors: dict, metric: str) -> None:
    op, floor = floors[metric]
    value = summary[metric]
    ok = {"==": value == floor, ">=": value >= floor, "<=": value <= floor}[op]
    assert ok, f"{metric}={value}, floor {op} {floor}"


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_answer_key_floor(summary, metric):
    _check(summary, FLOORS, metric)


def key_floors(actor_f1: float, policy_f1_in_article: float, relation_f1: float, split: int = 0, **more) -> dict:
    """A key's floors: what every build must keep (no document missing, metadata exact, no
    policy targeting its own issuer, at most ``split`` actors split across IRIs) and the F1
    figures kg measures today. Raise them as extraction improves, never lower them to make a
    change pass."""
    return {
        "documents_missing": ("==", 0),
        "metadata_accuracy": (">=", 1.0),
        "actors_split_across_iris": ("<=", split) if split else ("==", 0),
        "policies_targeting_own_issuer": ("==", 0),
        "actor_f1": (">=", actor_f1),
        "policy_f1_in_article": (">=", policy_f1_in_article),
        "relation_f1": (">=", relation_f1),
        **{metric: (">=", value) for metric, value in more.items()},
    }


#: each of our keys (tests/data/<key>) with its floors
KEY_FLOORS = {
    # our own key: 62 corpus documents read by hand, 51 of them annotated from the text alone
    # by GUIDE.md; the rules were tuned on it
    "answer_key": key_floors(0.96, 0.85, 0.84, actor_precision=0.98, actor_recall=0.94),
    # the development key: 20 corpus documents (12 Epoch pages, 8 English records) annotated
    # from the text alone, then used to find what the rules miss on fresh text. (Its annotator
    # typed the US chip-subsidy programme a Subsidy; kg reads a subsidy for a whole industry as
    # an industrial plan, GUIDE.md's "money for named firms is a Subsidy")
    "answer_key_dev": key_floors(0.92, 0.73, 0.72),
    # the first held-out key: 15 documents annotated after a round of rules, studied since
    "answer_key_holdout": key_floors(0.92, 0.7, 0.70),
    # the second held-out key: 15 documents, only ever scored in aggregate. actor_f1 was 0.93
    # until "the West" became an actor (a 西方 its annotator did not list)
    "answer_key_holdout2": key_floors(0.93, 0.58, 0.74),
    # the third: 19 documents (12 Epoch, 7 English), scored in aggregate for one round, then
    # studied. Split actors measured 4 on arrival: a discovered transliteration beside the
    # lexicon's English name, 国防部 read as the wrong state's (fixed), and two names its
    # annotator took for one actor (the UN and its General Assembly); bring it to 0
    "answer_key_holdout3": key_floors(0.89, 0.67, 0.71, split=3),
    # the fourth: 19 documents (13 Epoch, 6 English, one the seeds' AP record), scored in
    # aggregate for one round, then studied
    "answer_key_holdout4": key_floors(0.92, 0.82, 0.81),
    # the fifth, sixth and seventh: 20 documents each (13 Epoch, 7 English) annotated by
    # annotators who never ran kg; the fifth was studied as soon as it arrived, the sixth and
    # seventh are only scored in aggregate: the estimate for unseen articles. Each splits one
    # actor (中共 read as China by one annotator and as the party by another; Sony and its
    # semiconductor unit): an annotation convention, not a split by kg
    # The fifth's policy figure is held down by one article that reports China's gallium
    # controls (no target stated) and its older rare-earth curbs on Japan; kg reads exactly
    # these two, but score.py matches the key's first (China, no target) greedily to the
    # rare-earth measure, leaving the second unmatched
    "answer_key_holdout5": key_floors(0.94, 0.63, 0.77, split=1),
    "answer_key_holdout6": key_floors(0.93, 0.48, 0.71, split=1),
    "answer_key_holdout7": key_floors(0.92, 0.66, 0.66, split=1),
}


def _score_key(tmp_path_factory, key: str) -> dict:
    """Build one of our keys' documents (tests/data/<key>/docs) and score it."""
    import kg
    from conftest import DATA

    score = SHARED / "eval" / "score.py"
    if not score.exists():
        pytest.skip("../shared/eval/score.py is not beside this checkout")
    out = tmp_path_factory.mktemp(key)
    kg.build([DATA / key / "docs"]).write(out)
    return _score(score, DATA / key / "corpus.yaml", out / "graph.ttl")




@pytest.fixture(scope="module")
def key_summaries(tmp_path_factory):
    """Each key built and scored once, on first use."""
    cache: dict = {}

    def summary(key: str) -> dict:
        if key not in cache:
            cache[key] = _score_key(tmp_path_factory, key)
        return cache[key]
    return summary


@pytest.mark.parametrize("key, metric", [(k, m) for k, floors in KEY_FLOORS.items() for m in sorted(floors)])
def test_answer_key_floors(key_summaries, key, metric):
    _check(key_summaries(key), KEY_FLOORS[key], metric)
