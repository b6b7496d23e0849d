"""Readers: one module per input format, behind a small registry.

A reader module defines ``NAME``, ``detect(text) -> bool`` (from the content, never the
file name) and ``read(text, source_file, encoding) -> Document``. :func:`read_path` decodes
a file, asks each registered reader in turn, and raises :class:`SkipFile` with a reason
when no reader takes it or the one that does cannot make an article of it.
"""
from __future__ import annotations

from pathlib import Path
from types import ModuleType

from ..document import Document
from ..text import DecodeError, decode
from . import epoch_markdown, plain_text, yaml_frontmatter

__all__ = ["SkipFile", "READERS", "register", "detect_format", "read_text", "read_path"]


class SkipFile(Exception):
    """This file is not an article kg can read; ``str(exc)`` is the reason."""


#: name -> module, in the order they are asked (most specific first)
READERS: dict[str, ModuleType] = {}


def register(module: ModuleType) -> ModuleType:
    for attr in ("NAME", "detect", "read"):
        if not hasattr(module, attr):
            raise TypeError(f"reader {module.__name__} lacks {attr}")
    READERS[module.NAME] = module
    return module


for _m in (yaml_frontmatter, epoch_markdown, plain_text):
    register(_m)


def detect_format(text: str) -> str | None:
    for name, module in READERS.items():
        if module.detect(text):
            return name
    return None


def read_text(text: str, source_file: str, encoding: str = "utf-8") -> Document:
    fmt = detect_format(text)
    if fmt is None:
        raise SkipFile("unknown format: not a YAML front-matter record, an Epoch Times mirror page "
                       "or Chinese plain text")
    try:
        return READERS[fmt].read(text, source_file, encoding)
    except SkipFile:
        raise
    except Exception as exc:  # a reader bug or a malformed file: report it, go on
        raise SkipFile(f"{fmt}: {type(exc).__name__}: {exc}") from exc


def read_path(path: Path, source_file: str) -> Document:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SkipFile(f"cannot read: {exc.strerror or exc}") from exc
    if not data.strip():
        raise SkipFile("empty file")
    try:
        text, encoding = decode(data)
    except DecodeError as exc:
        raise SkipFile(str(exc)) from exc
    return read_text(text, source_file, encoding)
