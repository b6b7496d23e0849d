"""The ``kg`` command: a thin Typer layer over the importable library.

Each command parses its options, calls a library function, and prints. Library errors
become one line on stderr and exit code 1, never a traceback. Heavy modules (rdflib,
pyoxigraph, lxml) are imported inside the commands, so ``kg --help`` stays fast.
"""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Build and query a knowledge graph of technology-geopolitics news.")


class Fmt(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"


FMT_HELP = "table (the default on a terminal), json, csv, or tsv (the default when output is piped)."


def _fmt(fmt: Optional["Fmt | SparqlFmt"]) -> str:
    """The format asked for; else a table for a person at a terminal, and tab-separated rows
    (one per line, nothing cut to the terminal's width) for a pipe or a file."""
    if fmt is not None:
        return fmt.value
    return "table" if sys.stdout.isatty() else "tsv"


class SparqlFmt(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"
    xml = "xml"


class Direction(str, Enum):
    both = "both"
    out = "out"
    in_ = "in"


class ExportFmt(str, Enum):
    graphml = "graphml"
    ttl = "ttl"
    jsonld = "jsonld"


GRAPH_OPT = typer.Option(Path("exports"), "--graph", "-g", help="Build folder to read (default: exports/).")


def fail(message: str) -> None:
    typer.echo(f"kg: error: {message}", err=True)
    raise typer.Exit(1)


def _open(graph: Path):
    from .query import GraphNotFound, QueryError, open_store

    try:
        return open_store(graph)
    except (GraphNotFound, QueryError) as exc:
        fail(str(exc))


@app.command()
def build(
    inputs: List[Path] = typer.Argument(..., help="Files and folders to read (folders recursively)."),
    out: Path = typer.Option(Path("exports"), "--out", "-o", help="Folder to write the exports to."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary."),
    force: bool = typer.Option(False, "--force", help="Replace existing exports even when no article was read."),
    max_file_size: str = typer.Option("5MB", "--max-file-size", help="Skip files larger than this (e.g. 500KB, 5MB, "
                                      "1GB, or a number of bytes)."),
) -> None:
    """Read news documents and write graph.ttl, graph.nq, graph.jsonld, graph.graphml, report.json."""
    import time

    from .pipeline import BuildError, build as run_build
    from .query import QueryError

    started = time.perf_counter()
    bar = None
    try:
        if not quiet and sys.stderr.isatty():
            from rich.progress import Progress

            bar = Progress(transient=True)
            bar.start()
            task = bar.add_task("reading", total=None)
            progress = lambda done, total: bar.update(task, completed=done, total=total)  # noqa: E731
        else:
            progress = None
        result = run_build(inputs, progress=progress, exclude=[out], max_file_size=parse_size(max_file_size))
        if bar:
            bar.update(task, description="writing")
        paths = result.write(out, replace_with_empty=force)
    except (BuildError, ValueError, QueryError) as exc:  # ValueError: bad data in the ontology/ YAML
        fail(str(exc).splitlines()[0])
    except OSError as exc:
        fail(f"{getattr(exc, 'filename', '') or out}: {exc.strerror or exc}")
    finally:
        if bar:
            bar.stop()
    if quiet:
        return
    r = result.report
    secs = time.perf_counter() - started
    typer.echo(f"read {r['files_read']} of {r['files_seen']} files in {secs:.1f}s "
               f"({r['files_read'] / secs if secs else 0:.0f} docs/s): {r['articles']} articles, "
               f"{len(r['duplicates'])} duplicate groups collapsed, {r['files_skipped']} skipped")
    for fmt, n in r["formats"].items():
        typer.echo(f"  {fmt:18} {n}")
    for item in r["skipped"][:10]:
        typer.echo(f"  skipped {item['file']}: {item['reason']}")
    if len(r["skipped"]) > 10:
        typer.echo(f"  ... and {len(r['skipped']) - 10} more skipped (see report.json)")
    typer.echo(f"{len(result.quads)} quads -> " + ", ".join(str(p) for p in paths))


def parse_size(text: str) -> int:
    """``5MB``, ``500k``, ``1GB`` or a number of bytes (units of 1024)."""
    import re

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*", text, re.I)
    if not m:
        fail(f"--max-file-size: {text!r} is not a size (e.g. 500KB, 5MB, 1GB, or a number of bytes)")
    return int(float(m.group(1)) * 1024 ** " kmg".index(m.group(2).lower() or " "))


def _resolve(store, name: str):
    from .query import Ambiguous, NotFound, resolve

    try:
        return resolve(store, name)
    except (NotFound, Ambiguous) as exc:
        fail(str(exc))


@app.command()
def neighbors(
    name: str = typer.Argument(..., help="A label in any language, an IRI or a CURIE."),
    depth: int = typer.Option(1, "--depth", "-d", min=1, max=4, help="How many hops out."),
    relation: List[str] = typer.Option([], "--relation", "-r", help="Only these relations (restricts, kg:targets...)."),
    type_: List[str] = typer.Option([], "--type", "-t", help="Only neighbours of these types (Country, Person, Policy...)."),
    direction: Direction = typer.Option(Direction.both, "--direction", help="in, out or both."),
    limit: int = typer.Option(0, "--limit", "-n", min=0, help="At most this many rows (0: all)."),
    with_evidence: bool = typer.Option(False, "--evidence", "-e", help="Add the sentences that say so."),
    fmt: Optional[Fmt] = typer.Option(None, "--format", "-f", help=FMT_HELP),
    graph: Path = GRAPH_OPT,
) -> None:
    """What is linked to NAME, grouped by relation, with how many articles say so."""
    from .output import render
    from .query.neighbors import neighbors as find

    from .query.neighbors import check_relation, check_type

    try:
        for r in relation:
            check_relation(r)
        for t in type_:
            check_type(t)
    except ValueError as exc:
        fail(str(exc))
    store = _open(graph)
    node = _resolve(store, name)
    rows = find(store, node, depth, relations=relation, types=type_, direction=direction.value,
                limit=limit or None, with_evidence=with_evidence)
    cols = ["depth", "relation", "direction", "label", "type", "articles", "iri"]
    cols += (["via"] if depth > 1 else []) + (["evidence"] if with_evidence else [])
    typer.echo(render(rows, cols, _fmt(fmt)), nl=False)


@app.command()
def show(
    name: str = typer.Argument(..., help="An actor or policy: a label in any language, an IRI or a CURIE."),
    limit: int = typer.Option(10, "--limit", "-n", min=1, help="Rows per section."),
    fmt: Optional[Fmt] = typer.Option(None, "--format", "-f", help=FMT_HELP),
    graph: Path = GRAPH_OPT,
) -> None:
    """NAME's card: labels, types, Wikidata, policies, relations, co-mentions, latest articles."""
    from .output import render_sections
    from .query.cards import card

    store = _open(graph)
    typer.echo(render_sections(card(store, _resolve(store, name), limit), _fmt(fmt)), nl=False)


@app.command()
def search(
    text: str = typer.Argument(..., help="Words to look for in names and headlines (any language)."),
    type_: List[str] = typer.Option([], "--type", "-t", help="Only these types (Country, Policy, Article...)."),
    limit: int = typer.Option(20, "--limit", "-n", min=1),
    fmt: Optional[Fmt] = typer.Option(None, "--format", "-f", help=FMT_HELP),
    graph: Path = GRAPH_OPT,
) -> None:
    """Actors, policies, topics and articles whose names or headlines match TEXT, ranked."""
    from .output import render
    from .query.cards import search as find
    from .query.neighbors import normalize_type

    store = _open(graph)
    rows = find(store, text, limit, tuple(normalize_type(t) for t in type_))
    typer.echo(render(rows, ["label", "type", "articles", "match", "iri"], _fmt(fmt)), nl=False)


@app.command()
def path(
    a: str = typer.Argument(..., help="One end: a name, IRI or CURIE."),
    b: str = typer.Argument(..., help="The other end."),
    max_hops: int = typer.Option(3, "--max-hops", min=1, max=6),
    limit: int = typer.Option(5, "--limit", "-n", min=1, help="At most this many chains."),
    fmt: Optional[Fmt] = typer.Option(None, "--format", "-f", help=FMT_HELP),
    graph: Path = GRAPH_OPT,
) -> None:
    """The shortest chains of links between A and B, each step with the articles that state it."""
    from .output import render
    from .query.cards import paths

    store = _open(graph)
    chains = paths(store, _resolve(store, a), _resolve(store, b), max_hops, limit)
    if not chains:
        fail(f"no chain of at most {max_hops} links between {a!r} and {b!r}")
    rows = [{"chain": i + 1, "step": j + 1, **step} for i, chain in enumerate(chains) for j, step in enumerate(chain)]
    cols = ["chain", "step", "from", "direction", "relation", "to", "articles"]
    typer.echo(render(rows, cols + (["subject", "object"] if _fmt(fmt) != "table" else []), _fmt(fmt)), nl=False)


@app.command()
def stats(
    top: int = typer.Option(10, "--top", "-n", min=1),
    fmt: Optional[Fmt] = typer.Option(None, "--format", "-f", help=FMT_HELP),
    graph: Path = GRAPH_OPT,
) -> None:
    """Counts by type and relation, the top actors and policies, and the build's report."""
    from .output import render_sections
    from .query.cards import stats as compute

    typer.echo(render_sections(compute(_open(graph), top), _fmt(fmt)), nl=False)


@app.command()
def export(
    around: str = typer.Option(..., "--around", help="The node at the centre: a name, IRI or CURIE."),
    depth: int = typer.Option(1, "--depth", "-d", min=1, max=4),
    fmt: ExportFmt = typer.Option(ExportFmt.graphml, "--format", "-f"),
    out: Path = typer.Option(None, "--out", "-o", help="File to write (default: around-<name>.<ext>)."),
    graph: Path = GRAPH_OPT,
) -> None:
    """Write the neighbourhood of a node as its own GraphML, Turtle or JSON-LD file."""
    from .iri import slugify
    from .query.around import export_around

    store = _open(graph)
    node = _resolve(store, around)
    ext = {"graphml": "graphml", "ttl": "ttl", "jsonld": "jsonld"}[fmt.value]
    if out is None and not sys.stdout.isatty():  # piped: the file goes down the pipe
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / f"around.{ext}"
            export_around(store, node, depth, fmt.value, target)
            sys.stdout.buffer.write(target.read_bytes())
            sys.stdout.flush()
        return
    target = out or Path(f"around-{slugify(around)}.{ext}")
    try:
        info = export_around(store, node, depth, fmt.value, target)
    except OSError as exc:
        fail(f"{target}: {exc.strerror or exc}")
    typer.echo(f"{info['nodes']} nodes, {info['triples']} triples -> {info['file']}")


@app.command()
def sparql(
    query: str = typer.Argument(..., help="A SPARQL query, a path to a .rq file, or - for stdin."),
    fmt: Optional[SparqlFmt] = typer.Option(
        None, "--format", "-f", help="table (the default on a terminal), or a W3C results format: json, csv, "
        "tsv, xml. Piped output is plain tab-separated rows unless a format is given."),
    graph: Path = GRAPH_OPT,
    endpoint: str = typer.Option(None, "--endpoint", help="Ask this remote SPARQL endpoint instead of the build."),
    allow_network: bool = typer.Option(False, "--allow-network", help="Allow SERVICE and LOAD."),
    limit: int = typer.Option(10_000, "--limit", "-n", min=0, help="At most this many rows in a table or piped "
                              "rows (0: all); a note on stderr says when rows were left out."),
    timeout: float = typer.Option(60.0, "--timeout", min=0, help="Stop a query running longer than this many "
                                  "seconds (0: no limit)."),
) -> None:
    """Run a SPARQL query over a build (the contract's prefixes are predeclared)."""
    timer = _watchdog(timeout)
    try:
        _sparql(query, fmt, graph, endpoint, allow_network, limit)
    finally:
        if timer is not None:
            timer.cancel()  # in-process callers (tests, scripts) go on after the command


def _sparql(query, fmt, graph, endpoint, allow_network, limit) -> None:
    from .output import render
    from .query import QueryError
    from .query.sparql import remote_query, select_rows, serialize_results

    if query == "-":
        text = sys.stdin.read()
    elif query.endswith(".rq") or (len(query) < 4096 and "\n" not in query and Path(query).is_file()):
        try:
            text = Path(query).read_text(encoding="utf-8")
        except OSError as exc:
            fail(f"{query}: {exc.strerror or exc}")
    else:
        text = query
    try:
        if endpoint:
            body = remote_query(endpoint, text, fmt.value if fmt else "table", allow_network=allow_network)
            if fmt is None or fmt == SparqlFmt.table:
                cols, rows = body
                typer.echo(render(rows, cols, _fmt(fmt)), nl=False)
            else:
                sys.stdout.buffer.write(body)
                sys.stdout.flush()
            return
        store = _open(graph)
        results = store.query(text, allow_network=allow_network)
        if fmt is None or fmt == SparqlFmt.table:
            cols, rows = select_rows(results, limit + 1 if limit else None)
            if limit and len(rows) > limit:
                rows = rows[:limit]
                typer.echo(f"kg: showing the first {limit} rows (--limit 0 shows all)", err=True)
            typer.echo(render(rows, cols, _fmt(fmt)), nl=False)
        else:
            sys.stdout.buffer.write(serialize_results(results, fmt.value))
            sys.stdout.flush()
    except QueryError as exc:
        fail(str(exc))


@app.command()
def validate(
    graph: Path = typer.Argument(Path("exports"), help="Build folder to check (default: exports/)."),
    fmt: Optional[Fmt] = typer.Option(None, "--format", "-f", help=FMT_HELP),
    limit: int = typer.Option(50, "--limit", "-n", min=0, help="At most this many violations listed (0: all)."),
) -> None:
    """Check a build against the contract's SHACL shapes (ontology/shapes.ttl), with pyshacl."""
    from .output import render
    from .query import GraphNotFound
    from .validate import validate as run_validate

    try:
        report = run_validate(graph)
    except GraphNotFound as exc:
        fail(str(exc))
    except (ValueError, SyntaxError) as exc:  # a graph.ttl that does not parse
        fail(f"{graph}/graph.ttl: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
    if report.conforms:
        typer.echo(f"{graph}: conforms to the contract's shapes ({report.triples} triples checked)")
        return
    rows = [{"shape": v.shape, "focus": v.focus, "path": v.path, "message": v.message} for v in report.violations]
    shown = rows[:limit] if limit else rows
    typer.echo(render(shown, ["shape", "focus", "path", "message"], _fmt(fmt)), nl=False)
    more = f" ({len(rows) - len(shown)} more not listed; --limit 0 lists all)" if len(shown) < len(rows) else ""
    typer.echo(f"kg: error: {graph}: {len(rows)} violation(s) of the contract's shapes{more}", err=True)
    raise typer.Exit(1)


def _watchdog(seconds: float):
    """Stop the process with a clear message when a query runs longer than ``seconds``
    (Oxigraph cannot be interrupted from Python, but it lets other threads run)."""
    if not seconds:
        return None
    import os
    import threading

    def stop() -> None:
        sys.stdout.flush()
        sys.stderr.write(f"kg: error: the query ran longer than {seconds:g}s and was stopped (add a LIMIT, "
                         "narrow the patterns, or give --timeout more seconds; 0: no limit)\n")
        sys.stderr.flush()
        os._exit(1)

    timer = threading.Timer(seconds, stop)
    timer.daemon = True
    timer.start()
    return timer


def main() -> None:
    app()


if __name__ == "__main__":
    main()
