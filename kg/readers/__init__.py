"""Readers: one module per input format, behind a small registry.

A reader module defines ``NAME``, ``detect(text) -> bool`` (from the content, never the
file name) and ``read(text, source_file, encoding) -> Document``. :func:`read_path` decodes
a file, asks each registered reader in turn, and raises :class:`SkipFile` with a reason
when no reader takes it or the one that does cannot make an article of it.
"""
from __future__ import annotations

import datetime as dt
import errno
import os
import re
import stat
from pathlib import Path
from types import ModuleType

from .. import iri as mint
from ..document import Document, Image
from ..text import DecodeError, decode_checked
from . import epoch_markdown, plain_text, yaml_frontmatter

__all__ = ["SkipFile", "READERS", "register", "detect_format", "read_text", "read_path", "read_bytes",
           "MAX_FILE_SIZE"]

#: files larger than this are skipped (``kg build --max-file-size``)
MAX_FILE_SIZE = 5 * 1024 * 1024


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
        doc = READERS[fmt].read(text, source_file, encoding)
    except SkipFile:
        raise
    except RecursionError:
        raise SkipFile(f"{fmt}: nested too deeply to read") from None
    except Exception as exc:  # a reader bug or a malformed file: report it, go on
        raise SkipFile(f"{fmt}: {type(exc).__name__}: {_short(exc)}") from exc
    return check_values(doc)


def _short(exc: Exception, n: int = 300) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= n else text[:n] + "…"


# characters no XML 1.0 or RDF reader accepts: controls (but tab and line ends), lone
# surrogates, U+FFFE and U+FFFF
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _text(doc: Document, field: str, value):
    """A string field as it may enter the graph: characters XML and RDF cannot hold
    removed (a lone surrogate becomes U+FFFD), with a warning naming the field."""
    if not isinstance(value, str) or not _BAD_CHARS.search(value):
        return value
    doc.warnings.append(f"{field}: characters XML cannot hold were removed")
    return _BAD_CHARS.sub(lambda m: "\ufffd" if "\ud800" <= m.group(0) <= "\udfff" else "", value)


def _url(doc: Document, field: str, value: str | None) -> str | None:
    """A URL field: kept when it is (or can be repaired into) a valid IRI, else dropped
    with a warning naming the field and the reason."""
    if value is None:
        return None
    try:
        mint.check_iri(value)
    except mint.BadIRI as exc:
        doc.warnings.append(f"{field}: {_clip(value)!r} dropped: {exc}")
        return None
    return value


def _domain(doc: Document, field: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        mint.check_iri(f"https://{value}/")
    except mint.BadIRI:
        doc.warnings.append(f"{field}: {_clip(value)!r} dropped: not a host name")
        return None
    return value


def _date(doc: Document, field: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        if "T" in value:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        else:
            dt.date.fromisoformat(value)
    except ValueError:
        doc.warnings.append(f"{field}: {_clip(value)!r} dropped: not a date")
        return None
    return value


def _clip(value: str, n: int = 120) -> str:
    return value if len(value) <= n else value[:n] + "…"


def _images(doc: Document, field: str, images: list[Image]) -> list[Image]:
    out = []
    for i, img in enumerate(images):
        url = _url(doc, f"{field}[{i}].url", _text(doc, f"{field}[{i}].url", img.url))
        if url is None:
            continue
        img.url = url
        img.caption = _text(doc, f"{field}[{i}].caption", img.caption)
        out.append(img)
    return out


def check_values(doc: Document) -> Document:
    """Every value of a parsed document checked before it enters the graph: URLs repaired or
    dropped (a bad article URL leaves the article to its content hash, a bad link URL costs
    the link, unless the link also has a title), dates checked, text made XML-safe. Each
    change is a warning naming the field."""
    for field in ("headline", "excerpt", "publisher"):
        setattr(doc, field, _text(doc, field, getattr(doc, field)))
    for field in ("paragraphs", "topics", "tags", "authors", "editors"):
        values = [_text(doc, f"{field}[{i}]", v) for i, v in enumerate(getattr(doc, field))]
        setattr(doc, field, [v for v in values if v])
    doc.url = _url(doc, "url", _text(doc, "url", doc.url))
    doc.publisher_domain = _domain(doc, "publisher domain", _text(doc, "publisher domain", doc.publisher_domain))
    doc.date = _date(doc, "date", doc.date)
    doc.images = _images(doc, "images", doc.images)
    if doc.is_mirror and doc.url is None:
        doc.is_mirror = False
    links = []
    for i, link in enumerate(doc.links):
        f = f"links[{i}]"
        for attr in ("title", "excerpt", "publisher"):
            setattr(link, attr, _text(doc, f"{f}.{attr}", getattr(link, attr)))
        link.url = _url(doc, f"{f}.url", _text(doc, f"{f}.url", link.url))
        link.publisher_domain = _domain(doc, f"{f}.publisher domain", _text(doc, f"{f}.publisher domain",
                                                                             link.publisher_domain))
        link.date = _date(doc, f"{f}.date", link.date)
        link.images = _images(doc, f"{f}.images", link.images)
        if link.url is None and (link.kind == "mirror" or not link.title):
            doc.warnings.append(f"{f}: a {link.kind} link without a usable URL or title was dropped")
            continue
        links.append(link)
    doc.links = links
    return doc


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def read_bytes(path: Path, max_bytes: int = MAX_FILE_SIZE) -> bytes:
    """A regular file's bytes (symbolic links followed), at most ``max_bytes`` of them;
    :class:`SkipFile` for anything else: a FIFO, a device or a socket (never opened for
    reading, so never waited on), a symbolic link loop, a file over the limit."""
    try:
        # O_NONBLOCK: opening a FIFO that appeared after the listing must not wait for a writer
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SkipFile("a symbolic link loop") from None
        if exc.errno == errno.ENOENT and os.path.islink(path):
            raise SkipFile("a broken symbolic link") from None
        raise SkipFile(f"cannot read: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise SkipFile(f"not a regular file: {_kind(st.st_mode)}")
        if st.st_size > max_bytes:
            raise SkipFile(f"too large: {st.st_size:,} bytes (the limit is {max_bytes:,}; see --max-file-size)")
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise SkipFile(f"too large: over {max_bytes:,} bytes (see --max-file-size)")
        return b"".join(chunks)
    except OSError as exc:
        raise SkipFile(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def read_path(path: Path, source_file: str, max_bytes: int = MAX_FILE_SIZE) -> Document:
    return read_data(read_bytes(path, max_bytes), source_file)


def read_data(data: bytes, source_file: str) -> Document:
    """A file's bytes (as :func:`read_bytes` gives them) as a document."""
    if not data.strip():
        raise SkipFile("empty file")
    try:
        text, encoding, warnings = decode_checked(data)
    except DecodeError as exc:
        raise SkipFile(str(exc)) from exc
    doc = read_text(text, source_file, encoding)
    doc.warnings[:0] = warnings
    return doc

