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
IRI_OPT = typer.Option(False, "--iri", help="Keep the IRI column in a terminal table even when it does not fit "
                                            "(names wrap instead).")


SINCE_OPT = typer.Option(None, "--since", help="Only what articles published on or after this date state (YYYY, YYYY-MM or YYYY-MM-DD).")
UNTIL_OPT = typer.Option(None, "--until", help="Only what articles published on or before this date state.")
OUTLET_OPT = typer.Option([], "--outlet", help="Only what this outlet's articles state (a name, IRI or CURIE; repeatable).")
LANG_OPT = typer.Option([], "--lang", help="Only what articles in this language state (en, zh, zh-Hans...; repeatable).")
MIN_CONF_OPT = typer.Option(None, "--min-confidence", min=0.0, max=1.0,
                            help="Only relations and roles stated with at least this confidence; no discovered actor below it.")


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
    workers: Optional[int] = typer.Option(None, "--workers", "-j", min=1, help="Worker processes for the "
                                          "per-document work (default: the machine's cores; 1: this process only)."),
    cluster: Optional[str] = typer.Option(None, "--cluster", help="Run the per-document work on this Dask "
                                          "scheduler's workers (e.g. tcp://host:8786) instead of local processes."),
    rebuild: bool = typer.Option(False, "--rebuild", help="Ignore the facts cache in --out: read and extract "
                                 "every file again."),
) -> None:
    """Read news documents and write graph.ttl, graph.nq, graph.jsonld, graph.graphml, actors.graphml, report.json.

    A build into a folder that holds an earlier build reuses the facts of every unchanged
    file (kept in OUT/.kg-cache.sqlite): only new and changed files are read again."""
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
        from .facts import cores

        result = run_build(inputs, progress=progress, exclude=[out], max_file_size=parse_size(max_file_size),
                           workers=workers or cores(), cluster=cluster, cache=out, rebuild=rebuild)
        if bar:
            bar.update(task, description="writing")
        paths = result.write(out, replace_with_empty=force)
    except (BuildError, ValueError, QueryError, RuntimeError) as exc:  # ValueError: bad data in the ontology/ YAML
        # RuntimeError: a Dask worker that runs another version of kg
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
    st = result.stats
    where = f"on {cluster}" if cluster else f"{st.get('workers', 1)} worker{'s' if st.get('workers', 1) > 1 else ''}"
    # the larger of the two peaks: the document spool and spilled quad runs while reading, the
    # spilled runs and the writers' sort files while writing
    temp = max(st.get("spool_bytes", 0) + st.get("spill_bytes", 0), st.get("temp_bytes", 0)) / 1e6
    typer.echo(f"read {r['files_read']} of {r['files_seen']} files in {secs:.1f}s "
               f"({r['files_read'] / secs if secs else 0:.0f} docs/s, {where}, {st.get('cached_files', 0)} from the "
               f"cache, {temp:.1f} MB temporary disk at the peak): {r['articles']} articles, "
               f"{len(r['duplicates'])} duplicate groups collapsed, {r['files_skipped']} skipped")
    for fmt, n in r["formats"].items():
        typer.echo(f"  {fmt:18} {n}")
    for item in r["skipped"][:10]:
        typer.echo(f"  skipped {item['file']}: {item['reason']}")
    if len(r["skipped"]) > 10:
        typer.echo(f"  ... and {len(r['skipped']) - 10} more skipped (see report.json)")
    typer.echo(f"{len(result.quads)} quads -> " + ", ".join(str(p) for p in paths))
    written = st.get("written") or {}
    if written.get("incremental"):
        typer.echo(f"  written from the previous build: {written['quad_blocks']} N-Quads blocks and "
                   f"{written['subjects']} subjects anew, {written['copied_bytes'] / 1e6:.1f} MB copied")


ENDPOINT_OPT = typer.Option(None, "--endpoint", help="Read the build `kg push` put on this SPARQL endpoint "
                            "instead of a local one.")
TIMEOUT_OPT = typer.Option(60.0, "--timeout", min=0.1, help="With --endpoint: seconds to wait for each answer.")


def _source(graph: Path, endpoint: Optional[str], timeout: float):
    """The local build in ``graph``, or the one pushed to ``endpoint``."""
    if not endpoint:
        return _open(graph)
    from .query import QueryError
    from .query.remote_store import open_remote

    try:
        return open_remote(endpoint, timeout)
    except QueryError as exc:
        fail(str(exc))


def parse_size(text: str, option: str = "--max-file-size") -> int:
    """``5MB``, ``500k``, ``1GB`` or a number of bytes (units of 1024)."""
    import re

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*", text, re.I)
    if not m:
        fail(f"{option}: {text!r} is not a size (e.g. 500KB, 5MB, 1GB, or a number of bytes)")
    return int(float(m.group(1)) * 1024 ** " kmg".index(m.group(2).lower() or " "))


def _resolve(store, name: str):
    from .query import Ambiguous, NotFound, resolve

    try:
        return resolve(store, name)
    except (NotFound, Ambiguous) as exc:
        fail(str(exc))


def _filter(store, since, until, outlet, lang, min_confidence):
    """The article filter the options ask for, read from the build (None when none is asked)."""
    from .query.filters import ArticleFilter, check_date

    if not (since or until or outlet or lang or min_confidence is not None):
        return None
    try:
        since = check_date(since, "--since") if since else None
        until = check_date(until, "--until") if until else None
    except ValueError as exc:
        fail(str(exc))
    outlets = tuple(_resolve(store, o).value for o in outlet)
    return ArticleFilter(since, until, outlets, tuple(lang), min_confidence).prepare(store)


@app.command()
def neighbors(
    name: str = typer.Argument(..., help="A label in any language, an IRI or a CURIE."),
    depth: int = typer.Option(1, "--depth", "-d", min=1, max=4, help="How many hops out."),
    relation: List[str] = typer.Option([], "--relation", "-r", help="Only these relations (restricts, kg:targets...)."),
    type_: List[str] = typer.Option([], "--type", "-t", help="Only neighbours of these types (Country, Person, Policy...)."),
    direction: Direction = typer.Option(Direction.both, "--direction", help="in, out or both."),
    limit: int = typer.Option(0, "--limit", "-n", min=0, help="At most this many rows (0: all)."),
    with_evidence: bool = typer.Option(False, "--evidence", "-e", help="Add the sentences that say so."),
    articles: bool = typer.Option(False, "--articles", help="List linked articles one by one (default: one count "
                                                            "per relation)."),
    fmt: Optional[Fmt] = typer.Option(None, "--format", "-f", help=FMT_HELP),
    iri: bool = IRI_OPT,
    since: Optional[str] = SINCE_OPT,
    until: Optional[str] = UNTIL_OPT,
    outlet: List[str] = OUTLET_OPT,
    lang: List[str] = LANG_OPT,
    min_confidence: Optional[float] = MIN_CONF_OPT,
    graph: Path = GRAPH_OPT,
    endpoint: Optional[str] = ENDPOINT_OPT,
    timeout: float = TIMEOUT_OPT,
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
    from .query import QueryError

    store = _source(graph, endpoint, timeout)
    try:
        node = _resolve(store, name)
        flt = _filter(store, since, until, outlet, lang, min_confidence)
        rows = find(store, node, depth, relations=relation, types=type_, direction=direction.value,
                    limit=limit or None, with_evidence=with_evidence, articles=articles, flt=flt)
    except QueryError as exc:
        fail(str(exc))
    cols = ["depth", "relation", "direction", "label", "type", "articles", "iri"]
    cols += (["via"] if depth > 1 else []) + (["evidence"] if with_evidence else [])
    typer.echo(render(rows, cols, _fmt(fmt), iri=iri), nl=False)


@app.command()
def show(
    name: str = typer.Argument(..., help="An actor or policy: a label in any language, an IRI or a CURIE."),
    limit: int = typer.Option(10, "--limit", "-n", min=1, help="Rows per section."),
    fmt: Optional[Fmt] = typer.Option(None, "--format", "-f", help=FMT_HELP),
    graph: Path = GRAPH_OPT,
    endpoint: Optional[str] = ENDPOINT_OPT,
    timeout: float = TIMEOUT_OPT,
) -> None:
    """NAME's card: labels, types, Wikidata, policies, relations, co-mentions, latest articles."""
    from .output import render_sections
    from .query import QueryError
    from .query.cards import card

    store = _source(graph, endpoint, timeout)
    try:
        sections = card(store, _resolve(store, name), limit)
    except QueryError as exc:
        fail(str(exc))
    typer.echo(render_sections(sections, _fmt(fmt)), nl=False)


@app.command()
def search(
    text: str = typer.Argument(..., help="Words to look for in names and headlines (any language)."),
    type_: List[str] = typer.Option([], "--type", "-t", help="Only these types (Country, Policy, Article...)."),
    limit: int = typer.Option(20, "--limit", "-n", min=1),
    fmt: Optional[Fmt] = typer.Option(None, "--format", "-f", help=FMT_HELP),
    iri: bool = IRI_OPT,
    since: Optional[str] = SINCE_OPT,
    until: Optional[str] = UNTIL_OPT,
    outlet: List[str] = OUTLET_OPT,
    lang: List[str] = LANG_OPT,
    min_confidence: Optional[float] = MIN_CONF_OPT,
    graph: Path = GRAPH_OPT,
    endpoint: Optional[str] = ENDPOINT_OPT,
    timeout: float = TIMEOUT_OPT,
) -> None:
    """Actors, policies, topics and articles whose names or headlines match TEXT, ranked."""
    from .output import render
    from .query import QueryError
    from .query.cards import search as find
    from .query.neighbors import normalize_type

    from .query.resolve import NotFound, suggest

    store = _source(graph, endpoint, timeout)
    try:
        flt = _filter(store, since, until, outlet, lang, min_confidence)
        rows = find(store, text, limit, tuple(normalize_type(t) for t in type_), flt)
    except QueryError as exc:
        fail(str(exc))
    if not rows:  # a typo is an error with suggestions, not an empty table
        kinds = f" among {', '.join(type_)}" if type_ else ""
        narrowed = " with these filters" if flt is not None and flt.active else ""
        fail(str(NotFound(f"nothing in this build matches {text!r}{kinds}{narrowed}",
                          [] if type_ or narrowed else suggest(store, text))))
    typer.echo(render(rows, ["label", "type", "articles", "match", "iri"], _fmt(fmt), iri=iri), nl=False)


@app.command()
def path(
    a: str = typer.Argument(..., help="One end: a name, IRI or CURIE."),
    b: str = typer.Argument(..., help="The other end."),
    max_hops: int = typer.Option(3, "--max-hops", min=1, max=6),
    limit: int = typer.Option(5, "--limit", "-n", "-k", min=1, help="The k shortest chains (default 5)."),
    fmt: Optional[Fmt] = typer.Option(None, "--format", "-f", help=FMT_HELP),
    since: Optional[str] = SINCE_OPT,
    until: Optional[str] = UNTIL_OPT,
    outlet: List[str] = OUTLET_OPT,
    lang: List[str] = LANG_OPT,
    min_confidence: Optional[float] = MIN_CONF_OPT,
    graph: Path = GRAPH_OPT,
) -> None:
    """The k shortest chains of links between A and B (networkx), each step with the articles that state it.
    Among chains of one length, stated relations come before "mentioned in the same article"."""
    from .output import render
    from .query.cards import paths

    store = _open(graph)
    flt = _filter(store, since, until, outlet, lang, min_confidence)
    chains = paths(store, _resolve(store, a), _resolve(store, b), max_hops, limit, flt)
    if not chains:
        fail(f"no chain of at most {max_hops} links between {a!r} and {b!r}")
    rows = [{"chain": i + 1, "step": j + 1, **step} for i, chain in enumerate(chains) for j, step in enumerate(chain)]
    cols = ["chain", "step", "from", "direction", "relation", "to", "articles"]
    typer.echo(render(rows, cols + (["subject", "object"] if _fmt(fmt) != "table" else []), _fmt(fmt)), nl=False)


class Measure(str, Enum):
    pagerank = "pagerank"
    betweenness = "betweenness"
    degree = "degree"


class Period(str, Enum):
    month = "month"
    year = "year"


def _joined(rows: list[dict], fmt: str, fields: tuple[str, ...], show=None) -> list[dict]:
    """Lists in rows stay lists in JSON and become one '; '-joined cell in a table or CSV."""
    if fmt == "json":
        return rows
    out = []
    for r in rows:
        r = dict(r)
        for f in fields:
            r[f] = "; ".join(show(x) if show and isinstance(x, dict) else str(x) for x in r[f])
        out.append(r)
    return out


@app.command()
def rank(
    by: Measure = typer.Option(Measure.pagerank, "--by", help="pagerank, betweenness or degree (weighted)."),
    type_: List[str] = typer.Option([], "--type", "-t", help="Only these types (Country, Organization, Person, Policy)."),
    limit: int = typer.Option(20, "--limit", "-n", min=0, help="At most this many rows (0: all)."),
    fmt: Optional[Fmt] = typer.Option(None, "--format", "-f", help=FMT_HELP),
    since: Optional[str] = SINCE_OPT,
    until: Optional[str] = UNTIL_OPT,
    outlet: List[str] = OUTLET_OPT,
    lang: List[str] = LANG_OPT,
    min_confidence: Optional[float] = MIN_CONF_OPT,
    graph: Path = GRAPH_OPT,
) -> None:
    """Who matters most: actors and policies ranked over the actor-and-policy graph, links
    weighted by the articles that state them."""
    from .output import render
    from .query.analysis import rank as compute
    from .query.neighbors import check_type

    try:
        types = [check_type(t) for t in type_]
    except ValueError as exc:
        fail(str(exc))
    from .query.analysis import NODE_TYPES

    for t, given in zip(types, type_):
        if t not in NODE_TYPES:
            fail(f"--type {given}: rank covers actors and policies (Country, Organization, Person, Policy)")
    store = _open(graph)
    rows = compute(store, by.value, types, limit or None, _filter(store, since, until, outlet, lang, min_confidence))
    cols = ["rank", "label", "type", "score", "degree", "neighbours", "articles", "iri"]
    typer.echo(render(rows, cols, _fmt(fmt)), nl=False)


@app.command()
def communities(
    seed: int = typer.Option(42, "--seed", help="Louvain's random seed (the same seed, the same answer)."),
    resolution: float = typer.Option(1.0, "--resolution", min=0.01, help="Above 1: more, smaller communities."),
    min_size: int = typer.Option(2, "--min-size", min=1, help="Leave out communities smaller than this."),
    top: int = typer.Option(10, "--top", min=0, help="Members listed per community in a table or CSV (0: all)."),
    fmt: Optional[Fmt] = typer.Option(None, "--format", "-f", help=FMT_HELP),
    since: Optional[str] = SINCE_OPT,
    until: Optional[str] = UNTIL_OPT,
    outlet: List[str] = OUTLET_OPT,
    lang: List[str] = LANG_OPT,
    min_confidence: Optional[float] = MIN_CONF_OPT,
    graph: Path = GRAPH_OPT,
) -> None:
    """Which camps there are: Louvain communities of the actor-and-policy graph, largest first,
    members strongest first."""
    from .output import render
    from .query.analysis import communities as compute

    f = _fmt(fmt)
    store = _open(graph)
    rows = compute(store, seed=seed, resolution=resolution, min_size=min_size,
                   flt=_filter(store, since, until, outlet, lang, min_confidence))
    if f != "json" and top:
        rows = [{**r, "members": r["members"][:top] + ([f"... {len(r['members']) - top} more"]
                                                        if len(r["members"]) > top else [])} for r in rows]
    cols = ["community", "size", "countries", "organizations", "people", "policies", "links", "members"]
    typer.echo(render(_joined(rows, f, ("members",)), cols + (["iris", "modularity"] if f == "json" else []), f),
               nl=False)


@app.command()
def timeline(
    name: str = typer.Argument(..., help="An actor or policy: a label in any language, an IRI or a CURIE."),
    by: Period = typer.Option(Period.month, "--by", help="month or year."),
    fmt: Optional[Fmt] = typer.Option(None, "--format", "-f", help=FMT_HELP),
    since: Optional[str] = SINCE_OPT,
    until: Optional[str] = UNTIL_OPT,
    outlet: List[str] = OUTLET_OPT,
    lang: List[str] = LANG_OPT,
    min_confidence: Optional[float] = MIN_CONF_OPT,
    graph: Path = GRAPH_OPT,
) -> None:
    """What happened when: per period, the articles that mention NAME, the policies it issued
    and those targeting it (by first report), and its relations as that period's articles state them."""
    from .output import render
    from .query.analysis import NODE_TYPES, timeline as compute
    from .query.resolve import label_of, type_of

    store = _open(graph)
    node = _resolve(store, name)
    typ = type_of(store, node)
    if typ not in NODE_TYPES:
        fail(f"{name!r} is a {typ or 'resource'}, not an actor or policy: a timeline is for an actor or policy")
    f = _fmt(fmt)
    rows = compute(store, node, by.value, _filter(store, since, until, outlet, lang, min_confidence))

    me = label_of(store, node)

    def show(x: dict) -> str:  # a relation as its sentence: "Japan restricts China (13)"
        if "relation" not in x:
            return f"{x['label']} ({x['articles']})"
        s, o = (me, x["label"]) if x["direction"] == "out" else (x["label"], me)
        return f"{s} {x['relation']} {o} ({x['articles']})"

    cols = ["period", "articles", "issued", "targeted", "relations"]
    typer.echo(render(_joined(rows, f, ("issued", "targeted", "relations"), show), cols, f), nl=False)


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


class ViewFmt(str, Enum):
    html = "html"
    svg = "svg"


@app.command()
def view(
    name: str = typer.Argument(..., help="The node at the centre: a name in any language, an IRI or a CURIE."),
    depth: int = typer.Option(1, "--depth", "-d", min=1, max=3, help="How many hops out."),
    out: Path = typer.Option(None, "--out", "-o", help="File to write (default: view-<name>.html or .svg)."),
    fmt: ViewFmt = typer.Option(ViewFmt.html, "--format", "-f", help="html (interactive, offline) or svg (static)."),
    articles: bool = typer.Option(False, "--articles", help="Also draw the articles, topics and technologies."),
    limit: int = typer.Option(150, "--limit", "-n", min=1, help="At most this many nodes (nearest, most mentioned first)."),
    since: Optional[str] = SINCE_OPT,
    until: Optional[str] = UNTIL_OPT,
    outlet: List[str] = OUTLET_OPT,
    lang: List[str] = LANG_OPT,
    min_confidence: Optional[float] = MIN_CONF_OPT,
    graph: Path = GRAPH_OPT,
) -> None:
    """Draw NAME's neighbourhood: one self-contained HTML page that works offline (actors and
    policies coloured by type, links by relation and thicker with more articles; hover or click
    for labels, evidence and articles; filters), or a static SVG laid out with networkx."""
    from .iri import slugify
    from .query.view import render_html, render_svg, view_data

    store = _open(graph)
    node = _resolve(store, name)
    data = view_data(store, node, depth, with_articles=articles, limit=limit,
                     flt=_filter(store, since, until, outlet, lang, min_confidence))
    text = render_html(data) if fmt == ViewFmt.html else render_svg(data)
    target = out or Path(f"view-{slugify(name)}.{fmt.value}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"{target}: {exc.strerror or exc}")
    typer.echo(f"{len(data['nodes'])} nodes, {len(data['links'])} links -> {target}")


@app.command()
def sparql(
    query: str = typer.Argument(..., help="A SPARQL query, a path to a .rq file, or - for stdin."),
    fmt: Optional[SparqlFmt] = typer.Option(
        None, "--format", "-f", help="table (the default on a terminal), or a W3C results format: json, csv, "
        "tsv, xml. Piped output is plain tab-separated rows unless a format is given."),
    graph: Path = GRAPH_OPT,
    endpoint: str = typer.Option(
        None, "--endpoint", help="Ask this SPARQL endpoint instead of the build (scoped to the graphs "
        "`kg push` put there). Credentials: KG_ENDPOINT_USER/KG_ENDPOINT_PASSWORD or ~/.netrc."),
    all_graphs: bool = typer.Option(False, "--all-graphs", help="With --endpoint: do not scope the query to the "
                                    "pushed build (faster on Virtuoso; the server's own graphs count too)."),
    allow_network: bool = typer.Option(False, "--allow-network", help="Allow SERVICE and LOAD."),
    limit: int = typer.Option(10_000, "--limit", "-n", min=0, help="At most this many rows (or triples), in "
                              "every format (0: all); a note on stderr says when rows were left out."),
    timeout: float = typer.Option(60.0, "--timeout", min=0, help="Stop a query running longer than this many "
                                  "seconds, or wait that long for an endpoint's answer (0: no limit)."),
    max_memory: str = typer.Option("2GB", "--max-memory", help="Stop a query once kg holds more memory than "
                                   "this (e.g. 500MB, 4GB; 0: no limit)."),
) -> None:
    """Run a SPARQL query over a build (the contract's prefixes are predeclared). Results are
    written as they come, so a large result starts at once and holds little memory."""
    cap = parse_size(max_memory, "--max-memory")
    timer = _watchdog(timeout, cap) if not endpoint else None
    try:
        _sparql(query, fmt, graph, endpoint, allow_network, limit, timeout or None, all_graphs)
    finally:
        if timer is not None:
            timer.set()  # in-process callers (tests, scripts) go on after the command


def _sparql(query, fmt, graph, endpoint, allow_network, limit, timeout, all_graphs) -> None:
    from .output import render
    from .query import QueryError
    from .query.sparql import remote_query, select_rows, write_results

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
            results = remote_query(endpoint, text, allow_network=allow_network, timeout=timeout,
                                   scope=not all_graphs)
        else:
            results = _open(graph).query(text, allow_network=allow_network)
        if _fmt(fmt) == "table":
            cols, rows = select_rows(results, limit + 1 if limit else None)
            more = bool(limit) and len(rows) > limit
            typer.echo(render(rows[:limit] if more else rows, cols, "table"), nl=False)
        elif fmt is None:  # plain tab-separated rows for a pipe, a batch at a time
            more = _plain_rows(results, limit)
        else:
            more = write_results(results, fmt.value, sys.stdout.buffer, limit or None)
            sys.stdout.flush()
        if more:
            typer.echo(f"kg: showing the first {limit} rows (--limit 0 shows all)", err=True)
    except QueryError as exc:
        fail(str(exc))
    except BrokenPipeError:  # `kg sparql ... | head`: the reader has what it wanted
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _plain_rows(results, limit: int) -> bool:
    """Tab-separated rows (the header first) written as they come; whether more were left out."""
    import pyoxigraph as ox

    from .output import render
    from .query.sparql import select_rows

    if isinstance(results, ox.QueryBoolean):
        cols, rows = select_rows(results)
        sys.stdout.write(render(rows, cols, "tsv"))
        return False
    written, first = 0, True
    while True:
        want = 2_000 if not limit else min(2_000, limit + 1 - written)
        cols, rows = select_rows(results, want)
        if limit and written + len(rows) > limit:
            rows = rows[:limit - written]
            more = True
        else:
            more = False
        text = render(rows, cols, "tsv")
        sys.stdout.write(text if first else text.split("\n", 1)[1])
        sys.stdout.flush()
        first = False
        written += len(rows)
        if more or len(rows) < want:
            return more


@app.command()
def push(
    endpoint: str = typer.Option(..., "--endpoint", help="The server's SPARQL 1.1 Graph Store endpoint, e.g. "
                                 "http://localhost:8890/sparql-graph-crud-auth (Virtuoso)."),
    graph: Path = GRAPH_OPT,
    dry_run: bool = typer.Option(False, "--dry-run", help="Say what would be sent and deleted; send nothing."),
    everything: bool = typer.Option(False, "--all", help="Send every graph, changed or not."),
    timeout: float = typer.Option(60.0, "--timeout", min=0.1, help="Seconds to wait for each answer."),
    retries: int = typer.Option(3, "--retries", min=0, help="Tries again after a transient error (backoff 0.5s, 1s, 2s...)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress or summary."),
) -> None:
    """Put the build on a SPARQL server: one named graph per article, the build-wide facts in
    kgr:build; only graphs changed since the last push are sent, removed articles' graphs
    deleted. Credentials: KG_ENDPOINT_USER/KG_ENDPOINT_PASSWORD or ~/.netrc, never options."""
    from .push import PushError, push as run_push

    bar = None
    progress = None
    if not quiet and not dry_run and sys.stderr.isatty():
        from rich.progress import Progress

        bar = Progress(transient=True)
        bar.start()
        task = bar.add_task("pushing", total=None)
        progress = lambda done, total, g: bar.update(task, completed=done, total=total)  # noqa: E731
    elif not quiet and not dry_run:
        step = {"next": 0.0}
        import time

        def progress(done, total, g):  # a line every few seconds on a long push, for logs
            now = time.monotonic()
            if now >= step["next"] and done < total:
                if step["next"]:
                    typer.echo(f"  {done}/{total} graphs", err=True)
                step["next"] = now + 5.0
    try:
        report = run_push(graph, endpoint, dry_run=dry_run, everything=everything, timeout=timeout,
                          retries=retries, progress=progress)
    except PushError as exc:
        fail(f"push to {endpoint}: {str(exc).splitlines()[0]}")
    finally:
        if bar:
            bar.stop()
    if quiet:
        return
    if report.resent_all:
        typer.echo("the server's graphs do not match this build's last push to it: sending every graph", err=True)
    if dry_run:
        for g in report.put:
            typer.echo(f"put     <{g}>")
        for g in report.deleted:
            typer.echo(f"delete  <{g}>")
        typer.echo(f"dry run: would put {len(report.put)} of {report.graphs} graphs, delete {len(report.deleted)}, "
                   f"{report.unchanged} unchanged" + ("; the index graph would change" if report.index_put else ""))
        return
    typer.echo(f"put {len(report.put)} of {report.graphs} graphs, deleted {len(report.deleted)}, "
               f"{report.unchanged} unchanged, in {report.seconds:.1f}s -> {endpoint}")


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


def _watchdog(seconds: float, max_bytes: int = 0):
    """Stop the process with a clear message when a query runs longer than ``seconds`` or
    makes the process hold more than ``max_bytes`` of memory (Oxigraph cannot be interrupted
    from Python, but it lets other threads run). Returns an Event that ends the watch."""
    if not seconds and not max_bytes:
        return None
    import os
    import threading
    import time

    def stop(message: str) -> None:
        sys.stdout.flush()
        sys.stderr.write(f"kg: error: {message}\n")
        sys.stderr.flush()
        os._exit(1)

    def resident() -> int:
        try:
            with open("/proc/self/statm", "rb") as fh:
                return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return 0

    done = threading.Event()
    start = time.monotonic()

    def watch() -> None:
        while not done.wait(0.1):
            if seconds and time.monotonic() - start > seconds:
                stop(f"the query ran longer than {seconds:g}s and was stopped (add a LIMIT, narrow the "
                     "patterns, or give --timeout more seconds; 0: no limit)")
            if max_bytes and resident() > max_bytes:
                stop(f"the query held more than {max_bytes / 2**20:.0f} MB of memory and was stopped (add a "
                     "LIMIT, narrow the patterns, or give --max-memory more; 0: no limit)")

    threading.Thread(target=watch, daemon=True).start()
    return done


def main() -> None:
    app()


if __name__ == "__main__":
    main()
