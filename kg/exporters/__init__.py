"""Exporters: one module per output format, behind a registry (in the manner of rdflib's
plugins). A module defines ``NAME``, ``FILENAME`` and ``write(result, fh)`` writing bytes.

:func:`write_all` writes every file to a temporary name in the output folder first and only
then moves them into place, so a build that is killed leaves the previous exports whole.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Optional, Sequence

from . import actors_graphml, graphml, jsonld, nquads, report, turtle

__all__ = ["EXPORTERS", "register", "write_all", "clean_stale"]

EXPORTERS: dict[str, ModuleType] = {}


def register(module: ModuleType) -> ModuleType:
    for attr in ("NAME", "FILENAME", "write"):
        if not hasattr(module, attr):
            raise TypeError(f"exporter {module.__name__} lacks {attr}")
    EXPORTERS[module.NAME] = module
    return module


for _m in (turtle, nquads, jsonld, graphml, actors_graphml, report):
    register(_m)


_STALE = re.compile(r"^\.(?:graph\.\w+|report\.json)\.(\d+)\..+\.tmp$|^\.\.store\.(?:tmp|old)-(\d+)$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def clean_stale(out: Path) -> list[str]:
    """Remove what killed builds left in ``out``: temporary exports and store folders whose
    process (its id is in the name) no longer runs. Returns the names removed."""
    removed = []
    try:
        names = os.listdir(out)
    except OSError:
        return removed
    for name in names:
        m = _STALE.match(name)
        if not m or _alive(int(m.group(1) or m.group(2))):
            continue
        path = out / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                path.unlink()
            except OSError:
                continue
        removed.append(name)
    return removed


def write_all(result, out: Path, formats: Optional[Sequence[str]] = None) -> list[Path]:
    names = list(formats) if formats else list(EXPORTERS)
    unknown = [n for n in names if n not in EXPORTERS]
    if unknown:
        raise ValueError(f"unknown export format(s): {', '.join(unknown)}; known: {', '.join(EXPORTERS)}")
    out.mkdir(parents=True, exist_ok=True)
    clean_stale(out)
    staged: list[tuple[str, Path]] = []
    try:
        for name in names:
            module = EXPORTERS[name]
            fd, tmp = tempfile.mkstemp(prefix=f".{module.FILENAME}.{os.getpid()}.", suffix=".tmp", dir=out)
            staged.append((tmp, out / module.FILENAME))
            with os.fdopen(fd, "wb") as fh:
                module.write(result, fh)
                fh.flush()
                os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        for tmp, final in staged:
            os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, final)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return [final for _, final in staged]
