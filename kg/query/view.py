"""A picture of a neighbourhood (``kg view``): one self-contained HTML page that works
offline (Cytoscape.js, shipped inside the package under ``kg/vendor/cytoscape`` with its
licence, inlined into the page), or a static SVG for reports. Both are laid out by
networkx (Kamada-Kawai; a spring layout with a fixed seed on large graphs), so the same build gives the same file.

Nodes are actors and policies, coloured by type and sized by the articles that mention
them; links are the relations between actors and the policies' roles, labelled by relation
and drawn thicker with more articles. Articles and topics come in only when asked
(``with_articles``). The page shows, on hover or click, a node's labels in every language
and the latest articles that mention it, or a link's evidence sentences and the articles
(with URLs) that state it; checkboxes filter relations and types.
"""
from __future__ import annotations

import html
import json
import math
from importlib import resources
from typing import Optional

import pyoxigraph as ox

from ..terms import KG, RDFS, SCHEMA, SKOS, compact
from .analysis import ACTOR_RELATIONS, NODE_TYPES
from .cards import bcp47
from .neighbors import edges, evidence, neighbors
from .resolve import node_info
from .store import Store

__all__ = ["view_data", "render_html", "render_svg", "COLOURS"]

COLOURS = {"schema:Country": "#1f77b4", "schema:Organization": "#2ca02c", "schema:Person": "#ff7f0e",
           "kg:Policy": "#d62728", "schema:NewsArticle": "#8c8c8c", "skos:Concept": "#9467bd",
           "kg:Technology": "#17becf"}
TYPE_NAMES = {"schema:Country": "Country", "schema:Organization": "Organization", "schema:Person": "Person",
              "kg:Policy": "Policy", "schema:NewsArticle": "Article", "skos:Concept": "Topic",
              "kg:Technology": "Technology"}
_EXTRA_RELATIONS = ("mentions", "about", "covers")
_LINK_COLOURS = {"restricts": "#e53935", "cooperatesWith": "#4caf50"}
_EXTRA_TYPES = ("schema:NewsArticle", "skos:Concept", "kg:Technology")
_ARTICLES_PER_ITEM = 8


def _value(store: Store, iri: str, pred: str) -> Optional[str]:
    vals = sorted(q.object.value for q in store.quads(ox.NamedNode(iri), ox.NamedNode(pred), None))
    return vals[0] if vals else None


def _articles(store: Store, iris) -> list[dict]:
    """Headline, date and URL of articles, latest first."""
    out = []
    for a in set(iris):
        out.append({"iri": a, "headline": _value(store, a, SCHEMA + "headline") or a.rsplit("/", 1)[-1],
                    "date": (_value(store, a, SCHEMA + "datePublished") or "")[:10],
                    "url": _value(store, a, SCHEMA + "url") or ""})
    out.sort(key=lambda r: r["iri"])
    out.sort(key=lambda r: r["date"], reverse=True)  # stable: undated last, then by IRI
    return out


def _labels(store: Store, iri: str) -> list[dict]:
    seen = set()
    for pred, kind in ((SKOS + "prefLabel", "pref"), (RDFS + "label", "pref"), (SKOS + "altLabel", "alt"),
                       (SCHEMA + "name", "pref"), (SCHEMA + "headline", "pref")):
        for q in store.quads(ox.NamedNode(iri), ox.NamedNode(pred), None):
            if isinstance(q.object, ox.Literal):
                seen.add((bcp47(q.object.language) if q.object.language else "", q.object.value, kind))
    ranked = sorted(seen, key=lambda x: (x[2] != "pref", x[0], x[1]))
    out, done = [], set()
    for lang, label, kind in ranked:
        if (lang, label) not in done:
            done.add((lang, label))
            out.append({"lang": lang, "label": label, "kind": kind})
    return out


def _layout(nodes: list[dict], links: list[dict], center: str) -> dict[str, tuple[float, float]]:
    """Positions in [0, 1000] x [0, 1000]: networkx's Kamada-Kawai layout (a spring layout
    with a fixed seed beyond 300 nodes)."""
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(n["iri"] for n in nodes)
    for e in links:
        w = math.log2(1 + max(1, e["articles"]))
        if g.has_edge(e["source"], e["target"]):
            g[e["source"]][e["target"]]["weight"] += w
        else:
            g.add_edge(e["source"], e["target"], weight=w)
    if len(g) == 1:
        return {center: (500.0, 500.0)}
    if len(g) <= 300:  # Kamada-Kawai: deterministic, and even spacing on small graphs
        pos = nx.kamada_kawai_layout(g, weight=None)
    else:
        pos = nx.spring_layout(g, k=2 / math.sqrt(len(g)), weight="weight", seed=7, iterations=100)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    return {n: (round(60 + 880 * (p[0] - min(xs)) / span, 1), round(60 + 880 * (p[1] - min(ys)) / span, 1))
            for n, p in pos.items()}


def view_data(store: Store, node: ox.NamedNode, depth: int = 1, with_articles: bool = False,
              limit: int = 150, flt=None) -> dict:
    """The nodes and links to draw around ``node``: members within ``depth`` hops through
    actor relations and policy roles (plus mentions, topics and technologies if
    ``with_articles``), at most ``limit`` nodes (nearest first, then most mentioned), and
    every such link among them, with labels, evidence and articles."""
    center = node.value
    rels = list(ACTOR_RELATIONS) + (list(_EXTRA_RELATIONS) if with_articles else [])
    types = list(NODE_TYPES) + (list(_EXTRA_TYPES) if with_articles else [])
    rows = neighbors(store, node, depth, relations=rels, types=types, flt=flt)
    best: dict[str, tuple[int, int]] = {}
    for r in rows:
        key = (r["depth"], -r["articles"])
        if r["iri"] not in best or key < best[r["iri"]]:
            best[r["iri"]] = key
    members = [center] + sorted(best, key=lambda i: (best[i], i))[:max(0, limit - 1)]
    member_set = set(members)
    info = node_info(store, members)
    weights = dict(store.names.execute(
        f"SELECT iri, weight FROM nodes WHERE iri IN ({','.join('?' * len(members))})", members).fetchall())
    allowed = {KG + r for r in ACTOR_RELATIONS} | ({SCHEMA + "mentions", SCHEMA + "about", KG + "covers"}
                                                   if with_articles else set())
    links = []
    for m in sorted(members):
        for e in (flt.edges(m, edges(store, m)) if flt is not None else edges(store, m)):
            if e.direction != "out" or e.predicate not in allowed or e.other not in member_set or e.other == m:
                continue
            ev = [x for x in evidence(store, m, e.predicate, e.other) if flt is None or x["article"] in e.articles]
            links.append({"source": m, "target": e.other, "relation": compact(e.predicate).split(":", 1)[-1],
                          "articles": e.n_articles,
                          "evidence": [{"sentence": x["sentence"], "confidence": x["confidence"],
                                        "article": x["article"]} for x in ev[:6]],
                          "sources": _articles(store, e.articles)[:_ARTICLES_PER_ITEM]})
    nodes = []
    for m in sorted(members):
        label, typ = info[m]
        mentioning = [q.subject.value for q in store.quads(None, ox.NamedNode(SCHEMA + "mentions"), ox.NamedNode(m))
                      if isinstance(q.subject, ox.NamedNode)] if typ != "schema:NewsArticle" else []
        item = {"iri": m, "label": label, "type": typ, "typeName": TYPE_NAMES.get(typ, typ or "resource"),
                "articles": weights.get(m, 0), "labels": _labels(store, m), "center": m == center,
                "latest": _articles(store, mentioning)[:_ARTICLES_PER_ITEM]}
        if typ == "kg:Policy":
            item["firstReported"] = (_value(store, m, KG + "firstReported") or "")[:10]
            item["status"] = _value(store, m, KG + "status") or ""
        if typ == "schema:NewsArticle":
            item["url"] = _value(store, m, SCHEMA + "url") or ""
            item["date"] = (_value(store, m, SCHEMA + "datePublished") or "")[:10]
        nodes.append(item)
    pos = _layout(nodes, links, center)
    for n in nodes:
        n["x"], n["y"] = pos[n["iri"]]
    return {"center": center, "title": info[center][0], "depth": depth, "nodes": nodes, "links": links}


def _json_for_script(doc: dict) -> str:
    """JSON that is safe inside a <script> element."""
    return (json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            .replace("</", "<\\/").replace("<!--", "<\\!--").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render_html(data: dict) -> str:
    """One HTML page holding everything it needs: Cytoscape.js and the data, inlined."""
    vendor = resources.files("kg") / "vendor" / "cytoscape"
    library = (vendor / "cytoscape.min.js").read_text(encoding="utf-8")
    template = (resources.files("kg") / "templates" / "view.html").read_text(encoding="utf-8")
    page = template.replace("{{TITLE}}", html.escape(data["title"]))
    page = page.replace("{{COLOURS}}", _json_for_script(COLOURS))
    page = page.replace("{{DATA}}", _json_for_script(data))
    return page.replace("{{CYTOSCAPE}}", library.replace("</script", "<\\/script"))


def render_svg(data: dict) -> str:
    """A static picture of the same layout, for reports."""
    width = height = 1000
    by_iri = {n["iri"]: n for n in data["nodes"]}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 40}" width="{width}" '
           f'height="{height + 40}" font-family="Noto Sans CJK SC, Noto Sans, Microsoft YaHei, PingFang SC, '
           f'sans-serif">',
           f"<title>{html.escape(data['title'])}</title>",
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" '
           'markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#777"/></marker></defs>',
           f'<rect width="{width}" height="{height + 40}" fill="white"/>']

    def radius(n: dict) -> float:
        return 7 + 3.5 * math.log2(1 + n["articles"])

    pairs: dict[tuple[str, str], list[dict]] = {}
    for e in data["links"]:
        pairs.setdefault(tuple(sorted((e["source"], e["target"]))), []).append(e)
    for (first, _), group in sorted(pairs.items()):
        for i, e in enumerate(group):  # several links between one pair: curves side by side
            a, b = by_iri[e["source"]], by_iri[e["target"]]
            dx, dy = b["x"] - a["x"], b["y"] - a["y"]
            dist = math.hypot(dx, dy) or 1.0
            sign = 1 if e["source"] == first else -1  # one side of the pair, whichever way the link runs
            bend = sign * (i - (len(group) - 1) / 2) * 28
            cx, cy = (a["x"] + b["x"]) / 2 - dy / dist * bend, (a["y"] + b["y"]) / 2 + dx / dist * bend
            ex, ey = b["x"] - cx, b["y"] - cy
            el = math.hypot(ex, ey) or 1.0
            r = radius(b) + 2
            x2, y2 = b["x"] - ex * r / el, b["y"] - ey * r / el
            w = 1 + 1.5 * math.log2(1 + e["articles"])
            colour = _LINK_COLOURS.get(e["relation"], "#999")
            out.append(f'<path d="M{a["x"]},{a["y"]} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}" fill="none" '
                       f'stroke="{colour}" stroke-opacity="0.8" stroke-width="{w:.1f}" marker-end="url(#arrow)">'
                       f'<title>{html.escape(a["label"])} {e["relation"]} {html.escape(b["label"])} '
                       f'({e["articles"]} articles)</title></path>')
            mx, my = (a["x"] + 2 * cx + b["x"]) / 4, (a["y"] + 2 * cy + b["y"]) / 4
            out.append(f'<text x="{mx:.1f}" y="{my:.1f}" font-size="9" fill="#666" text-anchor="middle" '
                       f'paint-order="stroke" stroke="white" stroke-width="2">{e["relation"]}</text>')
    for n in data["nodes"]:
        colour = COLOURS.get(n["type"], "#bbbbbb")
        stroke = ' stroke="black" stroke-width="3"' if n["center"] else ' stroke="white" stroke-width="1.5"'
        shape = (f'<rect x="{n["x"] - radius(n):.1f}" y="{n["y"] - radius(n):.1f}" width="{2 * radius(n):.1f}" '
                 f'height="{2 * radius(n):.1f}" rx="4" fill="{colour}"{stroke}/>' if n["type"] == "kg:Policy" else
                 f'<circle cx="{n["x"]}" cy="{n["y"]}" r="{radius(n):.1f}" fill="{colour}"{stroke}/>')
        out.append(f"<g>{shape}<title>{html.escape(n['label'])} ({n['typeName']}, {n['articles']} articles)"
                   f"</title></g>")
        label = n["label"] if len(n["label"]) <= 40 else n["label"][:39] + "…"
        out.append(f'<text x="{n["x"]}" y="{n["y"] + radius(n) + 12:.1f}" font-size="12" text-anchor="middle" '
                   f'fill="#222" paint-order="stroke" stroke="white" stroke-width="3">{html.escape(label)}</text>')
    x = 20
    for typ in sorted({n["type"] for n in data["nodes"]}, key=lambda t: list(COLOURS).index(t) if t in COLOURS else 99):
        out.append(f'<circle cx="{x}" cy="{height + 20}" r="7" fill="{COLOURS.get(typ, "#bbbbbb")}"/>'
                   f'<text x="{x + 12}" y="{height + 24}" font-size="13">{TYPE_NAMES.get(typ, typ)}</text>')
        x += 130
    out.append("</svg>\n")
    return "\n".join(out)
