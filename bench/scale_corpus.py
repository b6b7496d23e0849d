"""Scale a corpus to N documents for benchmarks: copies of the real files with new ids,
URLs and dates, and the same text shapes.

    python bench/scale_corpus.py N OUT [--source ../shared/corpus]

Copy k of a file gets every URL's host followed by ``/s<k>`` (so copies are new articles,
and the links between copies of one batch still meet), its ISO dates and Chinese datelines
moved k days later, and a file name with ``-s<k>``. Copy 0 is the file as it is. Files are
taken in sorted order, so the same N gives the same corpus.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

_URL = re.compile(r"(https?://[^/\s\"'<>)\]]+)/")
_ISO = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")
_ZH = re.compile(r"(20\d\d)年(\d\d)月(\d\d)日")
_EPOCH_ID = re.compile(r"\bn(\d{7,9})\b")


def _shift(y: str, m: str, d: str, days: int) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d)) + dt.timedelta(days=days)
    except ValueError:
        return None


def variant(text: str, k: int) -> str:
    if k == 0:
        return text
    text = _URL.sub(lambda m: f"{m.group(1)}/s{k}/", text)
    text = _EPOCH_ID.sub(lambda m: f"n{m.group(1)}{k:05d}", text)

    def iso(m):
        d = _shift(*m.groups(), k % 3650)
        return d.isoformat() if d else m.group(0)

    def zh(m):
        d = _shift(*m.groups(), k % 3650)
        return f"{d.year}年{d.month:02d}月{d.day:02d}日" if d else m.group(0)

    return _ZH.sub(zh, _ISO.sub(iso, text))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--source", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus")
    args = ap.parse_args(argv)
    files = sorted(p for p in args.source.rglob("*") if p.is_file() and p.suffix in (".md", ".txt", ""))
    files = [p for p in files if p.name not in ("MANIFEST.tsv", "SOURCES.md")]
    if not files:
        print(f"no documents under {args.source}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    written = 0
    k = 0
    while written < args.n:
        for p in files:
            if written >= args.n:
                break
            text = p.read_text(encoding="utf-8", errors="surrogateescape")
            rel = p.relative_to(args.source)
            dest = args.out / f"s{k}" / rel.parent / (f"{p.stem}-s{k}{p.suffix}" if k else p.name)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(variant(text, k), encoding="utf-8", errors="surrogateescape")
            written += 1
        k += 1
    print(f"{written} documents in {args.out} ({k} batches of {len(files)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
