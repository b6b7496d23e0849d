from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory):
    import kg

    out = tmp_path_factory.mktemp("seeds-build")
    result = kg.build([SEEDS], keep_documents=True)
    result.write(out)
    return out, result


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    """The seeds and the copied corpus variations, plus generated encodings and variants."""
    d = tmp_path_factory.mktemp("inputs")
    shutil.copytree(DATA / "corpus", d / "corpus")
    for f in SEEDS.iterdir():
        shutil.copy(f, d / f.name)
    return d


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory, corpus_dir):
    import kg

    out = tmp_path_factory.mktemp("corpus-build")
    result = kg.build([corpus_dir])
    result.write(out)
    return out, result
