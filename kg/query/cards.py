"""Actor and policy cards (``kg show``), search (``kg search``), paths (``kg path``) and build
statistics (``kg stats``): plain functions over a :class:`~kg.query.store.Store` returning
dicts and rows, for the CLI to render."""
from __future__ import annotations

import json
from typing import Optional

import pyoxigraph as ox

from ..lexicon import normalize_name
from ..terms import KG, OWL, RDF_TYPE, SKOS, compact
from .neighbors import edges
from .resolve import label_of, type_of
from .store import Store

__all__ = ["card", "search", "paths", "stats", "RELATIONS", "bcp47"]

RELATIONS = ("cooperatesWith", "urges", "criticizes", "restricts", "acquires", "basedIn", "affiliatedWith")
ACTOR_TYPES = ("schema:Country", "schema:Organization", "schema:Person")


def _select(store: Store, sparql: str) -> list[dict]:
    res = store.query(sparql)
    cols = [v.value for v in res.variables]
    return [{c: (s[c].value if s[c] is not None else None) for c in cols} for s in res]


def bcp47(tag: str) -> str:
    """A language tag in its usual case (Oxigraph lower-cases them): zh-hans → zh-Hans."""
    parts = tag.split("-")
    return "-".join([parts[0].lower()] + [p.title() if len(p) == 4 else p.upper() if len(p) == 2 else p
                                          for p in parts[1:]])


def card(store: Store, node: ox.NamedNode, limit: int = 10) -> dict:
    """Everything a build knows about one actor or policy, in sections."""
    iri = node.value
    out: dict = {"iri": iri, "label": label_of(store, iri), "type": type_of(store, iri)}
    out["types"] = sorted({compact(q.object.value) for q in store.quads(node, ox.NamedNode(RDF_TYPE), None)})
    labels = set()
    for pred, kind in ((SKOS + "prefLabel", "pref"), (SKOS + "altLabel", "alt")):
        for q in store.quads(node, ox.NamedNode(pred), None, ox.DefaultGraph()):
            labels.add((bcp47(q.object.language or ""), q.object.value, kind))
    out["labels"] = [{"lang": lang, "label": label, "kind": kind} for lang, label, kind in sorted(labels)]
    out["wikidata"] = sorted(q.object.value for q in store.quads(node, ox.NamedNode(OWL + "sameAs"), None))
    conf = next(iter(store.quads(node, ox.NamedNode(KG + "confidence"), None, ox.DefaultGraph())), None)
    if conf is not None:
        out["confidence"] = conf.object.value
        ex = next(iter(store.quads(node, ox.NamedNode(KG + "extractor"), None, ox.DefaultGraph())), None)
        out["found_by"] = ex.object.value if ex else ""
    if out["type"] == "kg:Policy":
        out.update(_policy_facts(store, iri))
    else:
        out["policies"] = _select(store, f"""
            SELECT ?role (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?a) AS ?articles) ?iri WHERE {{
              {{ ?iri kg:issuedBy <{iri}> BIND("issued" AS ?role) }}
              UNION {{ ?iri kg:targets <{iri}> BIND("targeted by" AS ?role) }}
              ?iri rdfs:label ?l . OPTIONAL {{ ?a schema:mentions ?iri }}
            }} GROUP BY ?role ?iri ORDER BY ?role DESC(?articles) ?iri LIMIT {limit * 2}""")
    rel_rows = []
    for e in edges(store, iri):
        name = e.predicate.rsplit("#", 1)[-1]
        if e.predicate.startswith(KG) and name in RELATIONS:
            rel_rows.append({"relation": name, "direction": e.direction, "label": e.label,
                             "articles": e.n_articles, "iri": e.other})
    rel_rows.sort(key=lambda r: (r["relation"], r["direction"], -r["articles"], r["label"]))
    out["relations"] = rel_rows
    types = ", ".join(ACTOR_TYPES)
    out["co_mentioned"] = _select(store, f"""
        SELECT (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?a) AS ?articles) ?iri WHERE {{
          ?a schema:mentions <{iri}> , ?iri . FILTER(?iri != <{iri}>)
          ?iri a ?t . FILTER(?t IN ({types})) ?iri rdfs:label ?l .
        }} GROUP BY ?iri ORDER BY DESC(?articles) ?iri LIMIT {limit}""")
    out["latest_articles"] = _select(store, f"""
        SELECT (MAX(STR(?d)) AS ?date) (SAMPLE(?h) AS ?headline) ?iri WHERE {{
          ?iri schema:mentions <{iri}> ; schema:headline ?h . OPTIONAL {{ ?iri schema:datePublished ?d }}
        }} GROUP BY ?iri ORDER BY DESC(?date) ?iri LIMIT {limit}""")
    return out


def _policy_facts(store: Store, iri: str) -> dict:
    def objects(pred: str) -> list[str]:
        return sorted({q.object.value for q in store.quads(ox.NamedNode(iri), ox.NamedNode(pred), None)})

    def names(pred: str) -> list[str]:
        return [label_of(store, o) for o in objects(pred)]

    def roles(pred: str) -> list[dict]:
        """Each issuer or target with the number of articles that state it, strongest
        first: one misread article cannot make a role look settled. A role no article
        states (a named measure's known issuer) counts 0, with ``source`` "lexicon" (else
        "articles")."""
        stated: dict[str, set[str]] = {}
        for q in store.quads(ox.NamedNode(iri), ox.NamedNode(pred), None):
            graphs = stated.setdefault(q.object.value, set())
            if isinstance(q.graph_name, ox.NamedNode):
                graphs.add(q.graph_name.value)
        rows = [{"label": label_of(store, o), "articles": len(g), "source": "articles" if g else "lexicon", "iri": o}
                for o, g in stated.items()]
        return sorted(rows, key=lambda r: (-r["articles"], r["label"], r["iri"]))

    return {"policy_type": [compact(t) for t in objects(KG + "policyType")], "issued_by": roles(KG + "issuedBy"),
            "targets": roles(KG + "targets"), "covers": names(KG + "covers"), "status": objects(KG + "status"),
            "first_reported": objects(KG + "firstReported"), "last_reported": objects(KG + "lastReported")}


def search(store: Store, text: str, limit: int = 20, types: tuple[str, ...] = (), flt=None) -> list[dict]:
    """Actors, policies, topics and articles whose names or headlines contain ``text``,
    ranked: exact name, then name start, then anywhere; named things before headlines;
    then by how many articles mention them."""
    q = normalize_name(text)
    if not q:
        return []
    like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = store.names.execute(
        """SELECT n.iri, d.label, d.type, d.weight, MIN(CASE WHEN n.norm = ? THEN 0
                  WHEN n.norm LIKE ? ESCAPE '\\' THEN 1 ELSE 2 END) AS rank, MIN(n.name)
           FROM names n JOIN nodes d ON d.iri = n.iri
           WHERE n.norm LIKE ? ESCAPE '\\' GROUP BY n.iri""",
        (q, like[1:], like)).fetchall()
    out = []
    for iri, label, typ, weight, rank, name in rows:
        if types and typ not in types:
            continue
        if flt is not None and (not flt.node_ok(iri) or (typ == "schema:NewsArticle" and not flt.article_ok(iri))):
            continue
        out.append({"label": label, "type": typ, "articles": weight, "match": name, "iri": iri,
                    "_key": (rank, typ == "schema:NewsArticle", -weight, label, iri)})
    out.sort(key=lambda r: r["_key"])
    seen: set[str] = set()
    hits = []
    for r in out:
        del r["_key"]
        if r["type"] == "schema:NewsArticle":
            if r["label"] in seen:
                continue  # a mirror and the original it copies: one hit
            seen.add(r["label"])
        hits.append(r)
    return hits[:limit]


def paths(store: Store, a: ox.NamedNode, b: ox.NamedNode, max_hops: int = 3, limit: int = 5,
          flt=None) -> list[list[dict]]:
    """The ``limit`` shortest explained chains between two nodes (networkx; see
    :func:`kg.query.analysis.k_paths`)."""
    from .analysis import k_paths

    return k_paths(store, a, b, max_hops, limit, flt)


def stats(store: Store, top: int = 10) -> dict:
    by_type = [{"type": t, "count": n} for t, n in store.names.execute(
        "SELECT type, COUNT(*) FROM nodes GROUP BY type ORDER BY COUNT(*) DESC, type")]
    relations = _select(store, """
        SELECT ?relation (COUNT(*) AS ?count) WHERE {
          ?s ?p ?o . FILTER(?p IN (kg:cooperatesWith, kg:urges, kg:criticizes, kg:restricts, kg:acquires,
                                   kg:basedIn, kg:affiliatedWith, kg:issuedBy, kg:targets, kg:covers,
                                   schema:mentions, kg:relatedTo))
          BIND(REPLACE(STR(?p), "^.*[#/]", "") AS ?relation)
        } GROUP BY ?relation ORDER BY DESC(?count) ?relation""")
    top_actors = [{"label": l, "type": t, "articles": w, "iri": i} for i, l, t, w in store.names.execute(
        "SELECT iri, label, type, weight FROM nodes WHERE type IN (?, ?, ?) ORDER BY weight DESC, label LIMIT ?",
        (*ACTOR_TYPES, top))]
    top_policies = [{"label": l, "articles": w, "iri": i} for i, l, w in store.names.execute(
        "SELECT iri, label, weight FROM nodes WHERE type = 'kg:Policy' ORDER BY weight DESC, label LIMIT ?", (top,))]
    report: Optional[dict] = None
    try:
        r = json.loads((store.folder / "report.json").read_text(encoding="utf-8"))
        report = {k: r.get(k) for k in ("files_seen", "files_read", "files_skipped", "articles", "policies",
                                        "languages", "formats")}
        report["warnings"] = len(r.get("warnings", []))
    except (OSError, ValueError):
        pass
    return {"by_type": by_type, "relations": relations, "top_actors": top_actors,
            "top_policies": top_policies, "report": report}
