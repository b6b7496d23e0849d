#!/usr/bin/env python3
"""Fuzz kg's build with mutated variants of real corpus files (issue 14).

    python bench/fuzz.py 10000                      # 10,000 variants of ../shared/corpus
    python bench/fuzz.py 500 --corpus DIR --batch 100 --seed 7 --json /tmp/fuzz.json

Each batch of variants (byte flips, truncations, inserted YAML and HTML syntax, hostile
URLs, control characters, line-end and encoding changes, deep nesting) is built by
``kg build`` in a subprocess, as a user would run it, and the script counts:

- **aborted builds**: the build exited with an error or a traceback;
- **hangs**: the build did not finish within ``--timeout`` seconds;
- **silent losses**: a variant that is neither read (in report.json's ``files``) nor
  skipped with a reason (in ``skipped``);
- **unreadable exports**: graph.ttl, graph.nq and graph.jsonld read by pyoxigraph,
  graph.ttl and graph.nq by rdflib and by rapper (when installed), graph.graphml by
  networkx, and the query store opened.

Exit code 0 only when every count is zero.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"

HOSTILE_URLS = [
    "https://example.com/a%zz", "https://ex.com/a[b]", "https://ex.com/a#b#c", "https://ex.com/\ufffd",
    "https://ex.com/\ufffe", "example.com/a", "https://ex.com:abc/", "https://ex.com:99999/", "/news/x",
    "https://【内幕】中美芯片战/x", "https://schema.org/x²", "javascript:alert(1)", "https:///nohost",
    "https://ex.com/a b<c>\"d", "http://[::1/x", "https://ex.com/\x0b\x01",
]
YAML_BITS = ["\n: [", "\n- &a [1,2]\n", "*a", "\n---\n", '"', "'", "\t", "{", "}", "\n  - ", "!!python/object:os.system ",
             "\nkey: value\n", "\ntitle: \n", "%YAML 1.1\n", "\n? complex\n"]
HTML_BITS = ["<div>", "</div>", "</p>", "<p>", "<!--", "-->", "<script>", "<![CDATA[", "&#0;", "&#xD800;", "<a href=\"",
             "<img src=\"https://ex.com/\ufffd\">", "<ok href=\"https://【内幕】/tag/x\">", "<div class=\"post_content\">"]
CONTROL = ["\x00", "\x01", "\x0b", "\x0c", "\x7f", "\u2028", "\ufeff", "\ufffe", "\ud7ff"]


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One mutated variant of a file's bytes, and the name of the mutation."""
    kind = rng.choice(["flip", "flip", "truncate", "yaml", "html", "url", "control", "lineends", "encoding",
                       "nest", "duplicate", "delete"])
    b = bytearray(data)
    if kind == "flip" and b:
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(b))
            b[i] = rng.randrange(256)
        return bytes(b), kind
    if kind == "truncate" and b:
        return bytes(b[: rng.randrange(len(b))]), kind
    if kind == "delete" and len(b) > 10:
        i = rng.randrange(len(b) - 1)
        del b[i:i + rng.randint(1, min(200, len(b) - i))]
        return bytes(b), kind
    text = data.decode("utf-8", "surrogateescape")
    if kind in ("yaml", "html", "control", "url"):
        bits = {"yaml": YAML_BITS, "html": HTML_BITS, "control": CONTROL}.get(kind)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(text) + 1)
            if kind == "url":
                url = rng.choice(HOSTILE_URLS)
                # into a URL field where there is one, else anywhere
                for key in ("originalUrl: ", "url: ", "webUrl: ", "原文链接：", 'href="', 'src="'):
                    j = text.find(key, rng.randrange(len(text) + 1) if text else 0)
                    if j < 0:
                        j = text.find(key)
                    if j >= 0:
                        i = j + len(key)
                        end = text.find("\n", i)
                        end = len(text) if end < 0 else end
                        quote = '"' if key.endswith(": ") else ""
                        text = text[:i] + quote + url.replace('"', "%22") + quote + text[end:] \
                            if key.endswith(": ") else text[:i] + url + text[i:]
                        break
                else:
                    text = text[:i] + url + text[i:]
            else:
                text = text[:i] + rng.choice(bits) + text[i:]
        return text.encode("utf-8", "surrogatepass"), kind
    if kind == "lineends":
        return text.replace("\n", rng.choice(["\r\n", "\r", "\n\n", "\u2028"])).encode("utf-8", "surrogateescape"), kind
    if kind == "encoding":
        enc = rng.choice(["utf-16", "utf-16-le", "utf-16-be", "gb18030", "big5", "latin-1", "cp1252", "utf-8-sig"])
        return text.encode(enc, "replace"), f"encoding:{enc}"
    if kind == "nest":
        depth = rng.choice([100, 255, 300, 3000])
        i = rng.randrange(len(text) + 1)
        return (text[:i] + "<div>" * depth + "深" + "</div>" * depth + text[i:]).encode("utf-8", "surrogateescape"), \
            f"nest:{depth}"
    if kind == "duplicate":
        return (text + text).encode("utf-8", "surrogateescape"), kind
    return bytes(b), kind


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*") if p.is_file() and not p.name.startswith(".")
                  and p.name not in ("MANIFEST.tsv", "SOURCES.md"))


def check_exports(out: Path) -> list[str]:
    """What cannot read the build's exports (empty: every reader reads every file)."""
    problems = []
    import pyoxigraph as ox

    for name, fmt in (("graph.ttl", ox.RdfFormat.TURTLE), ("graph.nq", ox.RdfFormat.N_QUADS),
                      ("graph.jsonld", ox.RdfFormat.JSON_LD)):
        try:
            for _ in ox.parse(path=str(out / name), format=fmt):
                pass
        except Exception as exc:  # noqa: BLE001
            problems.append(f"pyoxigraph {name}: {str(exc)[:200]}")
    import rdflib

    for name, fmt in (("graph.ttl", "turtle"), ("graph.nq", "nquads")):
        try:
            rdflib.Dataset().parse(out / name, format=fmt)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"rdflib {name}: {str(exc)[:200]}")
    rapper = shutil.which("rapper")
    if rapper:
        for name, syntax in (("graph.ttl", "turtle"), ("graph.nq", "nquads")):
            done = subprocess.run([rapper, "-q", "-c", "-i", syntax, str(out / name)], capture_output=True, text=True)
            if done.returncode != 0:
                problems.append(f"rapper {name}: {done.stderr.strip()[:200]}")
    try:
        import networkx

        networkx.read_graphml(out / "graph.graphml")
    except Exception as exc:  # noqa: BLE001
        problems.append(f"networkx graph.graphml: {str(exc)[:200]}")
    done = subprocess.run([sys.executable, "-m", "kg.cli", "sparql", "ASK { ?s ?p ?o }", "--graph", str(out)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        problems.append(f"store: {done.stderr.strip()[:200]}")
    return problems


def run(n: int, corpus: Path, batch: int, seed: int, timeout: float, keep: Path | None) -> dict:
    rng = random.Random(seed)
    sources = corpus_files(corpus)
    if not sources:
        raise SystemExit(f"{corpus}: no corpus files")
    totals: Counter = Counter()
    mutations: Counter = Counter()
    skip_reasons: Counter = Counter()
    failures: list[dict] = []
    started = time.perf_counter()
    done = 0
    while done < n:
        size = min(batch, n - done)
        work = Path(tempfile.mkdtemp(prefix="kg-fuzz-"))
        src, out = work / "in", work / "out"
        src.mkdir()
        names = {}
        for k in range(size):
            orig = rng.choice(sources)
            data, kind = mutate(orig.read_bytes(), rng)
            mutations[kind.split(":")[0]] += 1
            name = f"v{done + k:05d}_{orig.name}"
            (src / name).write_bytes(data)
            names[name] = (str(orig.relative_to(corpus)), kind)
        t = time.perf_counter()
        try:
            proc = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(src), "--out", str(out), "-q",
                                   "--force"], capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            totals["hangs"] += 1
            failures.append({"batch": done, "problem": f"hang (> {timeout:.0f}s)", "files": sorted(names)})
            proc = None
        totals["build_seconds"] += time.perf_counter() - t
        totals["builds"] += 1
        totals["variants"] += size
        if proc is not None and proc.returncode != 0:
            totals["aborted"] += 1
            failures.append({"batch": done, "problem": "build aborted", "stderr": proc.stderr[-2000:]})
        elif proc is not None:
            report = json.loads((out / "report.json").read_text(encoding="utf-8"))
            read = {f["file"] for f in report["files"]}
            skipped = {s["file"]: s["reason"] for s in report["skipped"]}
            totals["read"] += len(read)
            totals["skipped"] += len(skipped)
            totals["warnings"] += len(report["warnings"])
            for reason in skipped.values():
                skip_reasons[reason.split(":")[0][:60]] += 1
            lost = [nm for nm in names if nm not in read and nm not in skipped]
            totals["silent_losses"] += len(lost)
            if lost:
                failures.append({"batch": done, "problem": "silent loss", "files": lost})
            problems = check_exports(out)
            totals["unreadable_exports"] += bool(problems)
            if problems:
                failures.append({"batch": done, "problem": "exports unreadable", "detail": problems})
        if keep is not None and failures and failures[-1]["batch"] == done:
            shutil.copytree(src, keep / f"batch-{done:05d}", dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)
        done += size
        print(f"{done}/{n} variants: {totals['aborted']} aborted, {totals['hangs']} hangs, "
              f"{totals['silent_losses']} silent losses, {totals['unreadable_exports']} builds with unreadable exports",
              file=sys.stderr, flush=True)
    return {
        "variants": n, "corpus": str(corpus), "seed": seed, "batch": batch,
        "builds": totals["builds"], "aborted_builds": totals["aborted"], "hangs": totals["hangs"],
        "silent_losses": totals["silent_losses"], "builds_with_unreadable_exports": totals["unreadable_exports"],
        "variants_read": totals["read"], "variants_skipped_with_reason": totals["skipped"],
        "warnings": totals["warnings"], "mutations": dict(sorted(mutations.items())),
        "skip_reasons": dict(skip_reasons.most_common(15)),
        "readers_checked": ["pyoxigraph (ttl, nq, jsonld)", "rdflib (ttl, nq)",
                            "rapper (ttl, nq)" if shutil.which("rapper") else "rapper: not installed",
                            "networkx (graphml)", "kg store"],
        "seconds": round(time.perf_counter() - started, 1), "failures": failures[:20],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, nargs="?", default=1000, help="number of variants (default 1000)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--batch", type=int, default=200, help="variants per build (default 200)")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--timeout", type=float, default=600, help="seconds a build may take (default 600)")
    ap.add_argument("--json", type=Path, help="write the summary here too")
    ap.add_argument("--keep", type=Path, help="copy the inputs of failing batches here")
    args = ap.parse_args()
    os.environ.setdefault("PYTHONHASHSEED", "0")
    summary = run(args.n, args.corpus, args.batch, args.seed, args.timeout, args.keep)
    text = json.dumps(summary, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    bad = summary["aborted_builds"] + summary["hangs"] + summary["silent_losses"] + \
        summary["builds_with_unreadable_exports"]
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
