"""Network analysis of a build with networkx: rankings (``kg rank``), communities
(``kg communities``), an actor's or policy's timeline (``kg timeline``) and the k shortest
explained chains between two nodes (``kg path``).

Rankings and communities run over the **actor-and-policy graph**: actors (countries,
organizations, people) and policies as nodes; the relations between actors
(``restricts``, ``cooperatesWith``...) and the policies' roles (``issuedBy``, ``targets``)
as links, read in either direction, each weighted by the number of articles that state it
(at least 1: a link only the lexicon states, a named act's issuer, counts once). Links of
several relations between one pair add up. Every function returns plain rows for the CLI
to render, in a deterministic order (ties broken by label, then IRI).
"""
from __future__ import annotations

from collections import defaultdict
from itertools import islice
from typing import Iterable, Optional

import pyoxigraph as ox

from ..terms import KG, SCHEMA, compact
from .neighbors import edges
from .resolve import label_of, node_info
from .store import Store

__all__ = ["ACTOR_RELATIONS", "actor_graph", "rank", "communities", "timeline", "k_paths", "MEASURES"]

ACTOR_RELATIONS = ("cooperatesWith", "urges", "criticizes", "restricts", "acquires", "basedIn", "affiliatedWith",
                   "issuedBy", "targets")
NODE_TYPES = ("schema:Country", "schema:Organization", "schema:Person", "kg:Policy")
MEASURES = ("pagerank", "betweenness", "degree")
#: links that say only "appears with" (an article mentions, tags, links): a chain through
#: them explains less than one through a stated relation of the same length
_GENERIC = {SCHEMA + "mentions", SCHEMA + "about", SCHEMA + "publisher", SCHEMA + "author", KG + "relatedTo",
            KG + "covers", "http://www.w3.org/2004/02/skos/core#related"}


def actor_graph(store: Store, flt=None):
    """The actor-and-policy graph as an undirected weighted ``networkx.Graph``: node
    attributes ``label``, ``type``, ``articles`` (articles that mention it); edge attributes
    ``weight`` (articles stating the links, each link at least 1) and ``relations``. A filter
    (:class:`kg.query.filters.ArticleFilter`) keeps the links its articles state."""
    import networkx as nx

    g = nx.Graph()
    marks = ",".join("?" * len(NODE_TYPES))
    for iri, label, typ, weight in store.names.execute(
            f"SELECT iri, label, type, weight FROM nodes WHERE type IN ({marks}) ORDER BY iri", NODE_TYPES):
        if flt is None or flt.node_ok(iri):
            g.add_node(iri, label=label, type=typ, articles=weight)
    links: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for rel in ACTOR_RELATIONS:
        for q in store.quads(None, ox.NamedNode(KG + rel), None):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                graphs = links[(q.subject.value, rel, q.object.value)]
                if isinstance(q.graph_name, ox.NamedNode):
                    graphs.add(q.graph_name.value)
    for (s, rel, o), graphs in sorted(links.items()):
        if s == o or s not in g or o not in g:
            continue
        if flt is not None:
            graphs = flt.link_articles(s, KG + rel, o, graphs)
            if graphs is None:
                continue
        w = max(1, len(graphs))
        if g.has_edge(s, o):
            g[s][o]["weight"] += w
            g[s][o]["relations"].append(rel)
        else:
            g.add_edge(s, o, weight=w, relations=[rel])
    return g


def rank(store: Store, by: str = "pagerank", types: Iterable[str] = (), limit: Optional[int] = 20,
         flt=None) -> list[dict]:
    """Actors and policies ranked by ``by`` (pagerank, betweenness or degree) over the whole
    actor-and-policy graph, then kept to ``types`` if given. ``degree`` is the weighted
    degree (articles stating the node's links); ``neighbours`` the number of distinct
    nodes linked. Betweenness uses 1/weight as a link's length (a well-attested link is
    short); beyond 3,000 nodes it is estimated from 500 sources (fixed seed)."""
    import networkx as nx

    if by not in MEASURES:
        raise ValueError(f"unknown measure {by!r}; use one of {', '.join(MEASURES)}")
    g = actor_graph(store, flt)
    strength = dict(g.degree(weight="weight"))
    if by == "pagerank":
        score = nx.pagerank(g, weight="weight") if g.number_of_edges() else {n: 0.0 for n in g}
    elif by == "betweenness":
        for _, _, d in g.edges(data=True):
            d["length"] = 1.0 / d["weight"]
        k = 500 if g.number_of_nodes() > 3000 else None
        score = nx.betweenness_centrality(g, k=k, weight="length", seed=0)
    else:
        score = strength
    wanted = set(types)
    rows = []
    for n, d in g.nodes(data=True):
        if wanted and d["type"] not in wanted:
            continue
        s = score[n]
        rows.append({"label": d["label"], "type": d["type"],
                     "score": round(float(s), 6) if by != "degree" else int(s),
                     "degree": int(strength[n]), "neighbours": g.degree(n), "articles": d["articles"], "iri": n})
    rows.sort(key=lambda r: (-r["score"], -r["degree"], r["label"], r["iri"]))
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    return rows[:limit] if limit else rows


def communities(store: Store, seed: int = 42, resolution: float = 1.0, min_size: int = 2, flt=None) -> list[dict]:
    """Louvain communities of the actor-and-policy graph (networkx, weighted, fixed
    ``seed``): one row per community of at least ``min_size`` nodes, largest first, its
    members strongest first (weighted degree)."""
    import networkx as nx

    g = actor_graph(store, flt)
    linked = g.subgraph([n for n in g if g.degree(n)]).copy()
    if not linked.number_of_edges():
        return []
    parts = nx.community.louvain_communities(linked, weight="weight", seed=seed, resolution=resolution)
    modularity = nx.community.modularity(linked, parts, weight="weight", resolution=resolution)
    strength = dict(linked.degree(weight="weight"))
    rows = []
    for part in parts:
        if len(part) < min_size:
            continue
        members = sorted(part, key=lambda n: (-strength[n], g.nodes[n]["label"], n))
        inside = sum(d["weight"] for _, _, d in linked.subgraph(part).edges(data=True))
        count = defaultdict(int)
        for n in part:
            count[g.nodes[n]["type"]] += 1
        rows.append({"size": len(part), "countries": count["schema:Country"],
                     "organizations": count["schema:Organization"], "people": count["schema:Person"],
                     "policies": count["kg:Policy"], "links": inside,
                     "members": [g.nodes[n]["label"] for n in members], "iris": members,
                     "modularity": round(modularity, 4)})
    rows.sort(key=lambda r: (-r["size"], -r["links"], r["members"][0]))
    for i, r in enumerate(rows, 1):
        r["community"] = i
    return rows


def _period(date: Optional[str], by: str) -> str:
    if not date:
        return "undated"
    return date[:7] if by == "month" else date[:4]


def timeline(store: Store, node: ox.NamedNode, by: str = "month", flt=None) -> list[dict]:
    """What happened when, for an actor or a policy: per period (``month`` or ``year``) the
    articles that mention it, the policies it issued and those that target it (by their
    first report), and its relations as the articles of that period state them (with how
    many articles state each). Periods in order; articles without a date under
    ``undated``, last."""
    if by not in ("month", "year"):
        raise ValueError(f"unknown period {by!r}; use month or year")
    iri = node.value
    dates: dict[str, Optional[str]] = {}

    def date_of(article: str) -> Optional[str]:
        if article not in dates:
            q = sorted(str(q.object.value) for q in store.quads(ox.NamedNode(article),
                                                                 ox.NamedNode(SCHEMA + "datePublished"), None))
            dates[article] = q[0][:10] if q else None
        return dates[article]

    periods: dict[str, dict] = defaultdict(lambda: {"articles": set(), "issued": {}, "targeted": {},
                                                    "relations": defaultdict(set)})
    for q in store.quads(None, ox.NamedNode(SCHEMA + "mentions"), node):
        if isinstance(q.subject, ox.NamedNode) and (flt is None or flt.article_ok(q.subject.value)):
            periods[_period(date_of(q.subject.value), by)]["articles"].add(q.subject.value)

    def first_reported(policy: str, graphs: set[str]) -> Optional[str]:
        t = next(iter(store.quads(ox.NamedNode(policy), ox.NamedNode(KG + "firstReported"), None)), None)
        if t is not None and not (flt is not None and flt.on_articles):
            return t.object.value[:10]  # with a filter on articles: the first of the articles kept
        stated = sorted(d for d in (date_of(a) for a in graphs) if d)
        return stated[0] if stated else None

    for role, key in (("issuedBy", "issued"), ("targets", "targeted")):
        stated: dict[str, set[str]] = defaultdict(set)
        for q in store.quads(None, ox.NamedNode(KG + role), node):
            graphs = stated[q.subject.value]
            if isinstance(q.graph_name, ox.NamedNode):
                graphs.add(q.graph_name.value)
        for policy, graphs in stated.items():
            if flt is not None:
                graphs = flt.link_articles(policy, KG + role, iri, graphs)
                if graphs is None:
                    continue
            periods[_period(first_reported(policy, graphs), by)][key][policy] = len(graphs)
    rels = set(ACTOR_RELATIONS)
    for e in (flt.edges(iri, edges(store, iri)) if flt is not None else edges(store, iri)):
        name = e.predicate.rsplit("#", 1)[-1]
        if not e.predicate.startswith(KG) or name not in rels:
            continue
        if e.direction == "in" and name in ("issuedBy", "targets"):
            continue  # a policy's role: listed as issued / targeted
        for article in e.articles:
            periods[_period(date_of(article), by)]["relations"][(name, e.direction, e.other)].add(article)
    info = node_info(store, [o for p in periods.values() for (_, _, o) in p["relations"]]
                     + [x for p in periods.values() for k in ("issued", "targeted") for x in p[k]])
    rows = []
    for period in sorted(periods, key=lambda p: (p == "undated", p)):
        p = periods[period]
        rels_out = sorted(({"relation": r, "direction": d, "label": info[o][0], "articles": len(a), "iri": o}
                           for (r, d, o), a in p["relations"].items()),
                          key=lambda x: (-x["articles"], x["relation"], x["label"]))
        rows.append({
            "period": period, "articles": len(p["articles"]),
            "issued": sorted(({"label": info[x][0], "articles": n, "iri": x} for x, n in p["issued"].items()),
                             key=lambda x: (-x["articles"], x["label"])),
            "targeted": sorted(({"label": info[x][0], "articles": n, "iri": x} for x, n in p["targeted"].items()),
                               key=lambda x: (-x["articles"], x["label"])),
            "relations": rels_out})
    return rows


def k_paths(store: Store, a: ox.NamedNode, b: ox.NamedNode, max_hops: int = 3, k: int = 5,
            flt=None) -> list[list[dict]]:
    """The ``k`` shortest chains of links (either direction) between two nodes, at most
    ``max_hops`` long, each step with its relation and the articles that state it.

    The search space is the union of two balls, of radius ⌈max_hops/2⌉ around ``a`` and
    ⌊max_hops/2⌋ around ``b`` (every chain that short lies in it); networkx's
    ``shortest_simple_paths`` then yields chains by length. Among chains of one length, those
    through stated relations come before those through "mentioned in the same article",
    and better-attested links first: each link costs 1, plus 0.01 if generic, plus
    0.001/(1 + articles), so length always dominates."""
    import networkx as nx

    start, goal = a.value, b.value
    if start == goal:
        return []
    g = nx.Graph()
    best: dict[tuple[str, str], object] = {}

    def expand(root: str, radius: int) -> None:
        seen, frontier = {root}, [root]
        for _ in range(radius):
            nxt = []
            for node in frontier:
                for e in (flt.edges(node, edges(store, node)) if flt is not None else edges(store, node)):
                    key = (node, e.other) if node < e.other else (e.other, node)
                    s, o = (node, e.other) if e.direction == "out" else (e.other, node)
                    cand = (e.predicate in _GENERIC, -e.n_articles, e.predicate, s, o)
                    if key not in best or cand < best[key][0]:
                        best[key] = (cand, e, s, o)
                    if e.other not in seen:
                        seen.add(e.other)
                        nxt.append(e.other)
            frontier = sorted(nxt)

    expand(start, (max_hops + 1) // 2)
    expand(goal, max_hops // 2)
    for key in sorted(best):
        (generic, neg_articles, *_), e, s, o = best[key]
        g.add_edge(*key, w=1 + (0.01 if generic else 0) + 0.001 / (1 - neg_articles))
    if start not in g or goal not in g:
        return []
    chains = []
    try:
        for path in islice(nx.shortest_simple_paths(g, start, goal, weight="w"), k):
            if len(path) - 1 > max_hops:
                break
            chains.append(path)
    except nx.NetworkXNoPath:
        return []
    labels = {n: label_of(store, n) for path in chains for n in path}
    out = []
    for path in chains:
        steps = []
        for prev, node in zip(path, path[1:]):
            key = (prev, node) if prev < node else (node, prev)
            _, e, s, o = best[key]
            forward = s == prev
            steps.append({"from": labels[prev], "relation": compact(e.predicate), "direction": "→" if forward else "←",
                          "to": labels[node], "articles": e.n_articles, "subject": s, "object": o})
        out.append(steps)
    return out
