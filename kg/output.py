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


def _text(value) -> str:
    """A cell as text: nothing for None, a list's items joined (JSON keeps the list)."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " | ".join(map(str, value))
    return str(value)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _wrap(s: str, width: int) -> list[str]:
    """``s`` in lines of at most ``width`` display columns, broken at spaces where it can be
    (a name is never cut short: it goes on on the next line)."""
    lines: list[str] = []
    line, w = "", 0
    for word in s.split(" "):
        ww = _width(word)
        if line and w + 1 + ww <= width:
            line, w = line + " " + word, w + 1 + ww
            continue
        if line:
            lines.append(line)
            line, w = "", 0
        for c in word:  # a word longer than the column (Chinese has no spaces) breaks anywhere
            cw = 2 if unicodedata.east_asian_width(c) in "WF" else 1
            if w + cw > width and line:
                lines.append(line)
                line, w = "", 0
            line, w = line + c, w + cw
    lines.append(line)
    return lines


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _width(s))


def table(rows: Sequence[dict], columns: Sequence[str], max_width: int | None = None, iri: bool = False) -> str:
    """A text table that fits the terminal: the IRI column goes first when it does not fit
    (``iri=True`` keeps it), then the widest columns wrap; nothing is cut."""
    if not rows:
        return "(no results)\n"
    max_width = max_width or max(60, shutil.get_terminal_size((120, 20)).columns)

    def widths_of(cols):
        cells = [[_text(r.get(c)) for c in cols] for r in rows]
        return cells, [max(_width(c), *(_width(row[i]) for row in cells)) for i, c in enumerate(cols)]

    columns = list(columns)
    cells, widths = widths_of(columns)
    if not iri and "iri" in columns and sum(widths) + 2 * (len(widths) - 1) > max_width:
        columns.remove("iri")
        cells, widths = widths_of(columns)
    floor = [max(_width(c), 8) for c in columns]
    while sum(widths) + 2 * (len(widths) - 1) > max_width:
        room = [w - f for w, f in zip(widths, floor)]
        if max(room) <= 0:
            break
        widths[room.index(max(room))] -= 1

    def block(vals):
        parts = [_wrap(v, w) for v, w in zip(vals, widths)]
        height = max(len(p) for p in parts)
        return ["  ".join(_pad(p[k] if k < len(p) else "", w) for p, w in zip(parts, widths)).rstrip()
                for k in range(height)]

    out = block(columns) + ["  ".join("-" * w for w in widths)]
    for row in cells:
        out.extend(block(row))
    return "\n".join(out) + "\n"


def render(rows: Sequence[dict], columns: Sequence[str], fmt: str = "table", iri: bool = False) -> str:
    if fmt == "json":
        return json.dumps([{c: r.get(c) for c in columns} for r in rows], ensure_ascii=False, indent=2) + "\n"
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([_text(r.get(c)) for c in columns])
        return buf.getvalue()
    if fmt == "table":
        return table(rows, columns, iri=iri)
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
