"""One set of output formats for every listing command: table, json, csv (and tsv)."""
from __future__ import annotations

import csv
import io
import json
import shutil
import unicodedata
from typing import Sequence

__all__ = ["FORMATS", "render"]

FORMATS = ("table", "json", "csv", "tsv")


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _cut(s: str, width: int) -> str:
    if _width(s) <= width:
        return s + " " * (width - _width(s))
    out, w = "", 0
    for c in s:
        cw = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if w + cw > width - 1:
            break
        out, w = out + c, w + cw
    return out + "…" + " " * (width - w - 1)


def table(rows: Sequence[dict], columns: Sequence[str], max_width: int | None = None) -> str:
    if not rows:
        return "(no results)\n"
    max_width = max_width or max(60, shutil.get_terminal_size((120, 20)).columns)
    cells = [[("" if r.get(c) is None else str(r.get(c))) for c in columns] for r in rows]
    widths = [max(_width(c), *(_width(row[i]) for row in cells)) for i, c in enumerate(columns)]
    # shrink the widest columns until the table fits
    while sum(widths) + 2 * (len(widths) - 1) > max_width and max(widths) > 12:
        i = widths.index(max(widths))
        widths[i] -= 1
    line = lambda vals: "  ".join(_cut(v, w) for v, w in zip(vals, widths)).rstrip()
    out = [line(list(columns)), line(["-" * w for w in widths])]
    out.extend(line(row) for row in cells)
    return "\n".join(out) + "\n"


def render(rows: Sequence[dict], columns: Sequence[str], fmt: str = "table") -> str:
    if fmt == "json":
        return json.dumps([{c: r.get(c) for c in columns} for r in rows], ensure_ascii=False, indent=2) + "\n"
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
        return buf.getvalue()
    if fmt == "table":
        return table(rows, columns)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def render_sections(doc: dict, fmt: str = "table") -> str:
    """A card (a dict of fields and lists of rows) as text sections, JSON, or CSV rows of
    (section, field, value)."""
    if fmt == "json":
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if fmt in ("csv", "tsv"):
        flat = []
        for key, value in doc.items():
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, dict):
                        flat.extend({"section": key, "item": i, "field": k, "value": v} for k, v in item.items())
                    else:
                        flat.append({"section": key, "item": i, "field": "", "value": item})
            elif isinstance(value, dict):
                flat.extend({"section": key, "item": "", "field": k, "value": json.dumps(v, ensure_ascii=False)
                             if isinstance(v, (dict, list)) else v} for k, v in value.items())
            else:
                flat.append({"section": "", "item": "", "field": key, "value": value})
        return render(flat, ["section", "item", "field", "value"], fmt)
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    out = []
    for key, value in doc.items():
        title = key.replace("_", " ")
        if isinstance(value, list) and value and isinstance(value[0], dict):
            cols = [c for c in value[0] if c not in ("iri", "subject", "object")] + (["iri"] if "iri" in value[0] else [])
            out.append(f"\n{title}:\n" + table(value, cols))
        elif isinstance(value, list):
            out.append(f"{title}: {', '.join(map(str, value)) if value else '-'}\n")
        elif isinstance(value, dict):
            out.append(f"\n{title}:\n" + "".join(f"  {k}: {v}\n" for k, v in value.items()))
        else:
            out.append(f"{title}: {value}\n")
    return "".join(out)
