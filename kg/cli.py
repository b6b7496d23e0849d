"""The ``kg`` command: a thin Typer layer over the importable library.

Each command parses its options, calls a library function, and prints. Library errors
become one line on stderr and exit code 1, never a traceback. Heavy modules (rdflib,
pyoxigraph, lxml) are imported inside the commands, so ``kg --help`` stays fast.
"""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Build and query a knowledge graph of technology-geopolitics news.")


class Fmt(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class SparqlFmt(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"
    xml = "xml"


GRAPH_OPT = typer.Option(Path("exports"), "--graph", "-g", help="Build folder to read (default: exports/).")


def fail(message: str) -> None:
    typer.echo(f"kg: error: {message}", err=True)
    raise typer.Exit(1)


def _open(graph: Path):
    from .query import GraphNotFound, open_store

    try:
        return open_store(graph)
    except GraphNotFound as exc:
        fail(str(exc))


@app.command()
def build(
    inputs: List[Path] = typer.Argument(..., help="Files and folders to read (folders recursively)."),
    out: Path = typer.Option(Path("exports"), "--out", "-o", help="Folder to write the exports to."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary."),
) -> None:
    """Read news documents and write graph.ttl, graph.nq, graph.jsonld, graph.graphml, report.json."""
    import time

    from .pipeline import BuildError, build as run_build

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
        result = run_build(inputs, progress=progress)
        if bar:
            bar.update(task, description="writing")
        paths = result.write(out)
    except BuildError as exc:
        fail(str(exc))
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


@app.command()
def neighbors(
    name: str = typer.Argument(..., help="A label in any language, an IRI or a CURIE."),
    depth: int = typer.Option(1, "--depth", "-d", min=1, max=4, help="How many hops out."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
    graph: Path = GRAPH_OPT,
) -> None:
    """What is linked to NAME, grouped by relation."""
    from .output import render
    from .query import Ambiguous, NotFound, resolve
    from .query.neighbors import neighbors as find

    store = _open(graph)
    try:
        node = resolve(store, name)
    except (NotFound, Ambiguous) as exc:
        fail(str(exc))
    rows = find(store, node, depth)
    rows.sort(key=lambda r: (r["depth"], r["relation"], r["direction"], r["label"]))
    cols = ["depth", "direction", "relation", "label", "type", "iri"] + (["via"] if depth > 1 else [])
    typer.echo(render(rows, cols, fmt.value), nl=False)


@app.command()
def sparql(
    query: str = typer.Argument(..., help="A SPARQL query, a path to a .rq file, or - for stdin."),
    fmt: SparqlFmt = typer.Option(SparqlFmt.table, "--format", "-f",
                                  help="table, or a W3C results format: json, csv, tsv, xml."),
    graph: Path = GRAPH_OPT,
    allow_network: bool = typer.Option(False, "--allow-network", help="Allow SERVICE and LOAD."),
) -> None:
    """Run a SPARQL query over a build (the contract's prefixes are predeclared)."""
    from .output import render
    from .query import QueryError
    from .query.sparql import select_rows, serialize_results

    if query == "-":
        text = sys.stdin.read()
    elif query.endswith(".rq") or (len(query) < 4096 and Path(query).is_file()):
        try:
            text = Path(query).read_text(encoding="utf-8")
        except OSError as exc:
            fail(f"{query}: {exc.strerror or exc}")
    else:
        text = query
    store = _open(graph)
    try:
        results = store.query(text, allow_network=allow_network)
        if fmt == SparqlFmt.table:
            cols, rows = select_rows(results)
            typer.echo(render(rows, cols, "table"), nl=False)
        else:
            sys.stdout.buffer.write(serialize_results(results, fmt.value))
            sys.stdout.flush()
    except QueryError as exc:
        fail(str(exc))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
