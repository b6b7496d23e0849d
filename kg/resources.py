"""Data files shipped with kg (the ``ontology/`` folder, installed as ``kg._ontology``)."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

__all__ = ["path", "load_yaml", "read_bytes"]


def path(name: str) -> Path:
    """Filesystem path of a data file (the package is always installed unzipped)."""
    return Path(str(resources.files("kg._ontology").joinpath(name)))


def read_bytes(name: str) -> bytes:
    return resources.files("kg._ontology").joinpath(name).read_bytes()


@lru_cache(maxsize=None)
def load_yaml(name: str):
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(read_bytes(name).decode("utf-8"), Loader=loader)
