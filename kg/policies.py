"""From the policies each article reports to policy nodes: one node per measure.

Mentions of one measure by several articles, or in both languages, become one
``kg:Policy``. A named measure (中国制造2025, the CHIPS Act) is one node by its id. Other
mentions merge when they share type and issuers, their targets overlap (or one side names
none), and the article is dated within ``merge_window_days`` of the policy's first report
(``ontology/policies.yaml``). Each policy gets a readable name in English and Chinese
("Japan export controls on chip-making equipment against China (2023)").

What each article says of a policy (that it mentions it, its issuers, targets and
technologies, with the sentence as ``kg:Assertion``) goes into that article's named graph;
the policy's type, names, status and first and last report go into the default graph.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from . import iri as mint
from .extract.policies import ArticlePolicy, load_technologies, own_side, rules, state_of
from .graph import Context, add_assertion, add_technology
from .terms import IRI, RDF_TYPE, kg, lit, rdfs, schema, skos, typed

__all__ = ["PolicyNode", "cluster_policies", "add_policies"]


@dataclass
class PolicyNode:
    iri: IRI
    type: str
    issuers: tuple[str, ...]
    named: Optional[str]
    members: list[tuple[Optional[str], IRI, ArticlePolicy]] = field(default_factory=list)  # (date, article, policy)
    #: the targets of the first member that names any (kept as members are added:
    #: clustering compares each mention with them, so that one measure's node does not
    #: grow into every measure of its issuer)
    targets: set[str] = field(default_factory=set)
    first_date: Optional[str] = None
    listing: Optional[str] = None  # designations: the list (Entity List) they put targets on
    roots: set[str] = field(default_factory=set)  # the broadest technologies of its first report that names any

    def add(self, when: Optional[str], article: IRI, ap: ArticlePolicy) -> None:
        self.members.append((when, article, ap))
        if not self.targets:  # the first report that names targets says whom the measure is against
            self.targets.update(ap.targets)
        if not self.roots:  # ... and the first that names technologies, in which field it is
            self.roots.update(_roots(ap.covers))
        if when and (self.first_date is None or when < self.first_date):
            self.first_date = when


def _day(value: Optional[str]) -> Optional[date]:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _roots(techs) -> set[str]:
    """The broadest concepts of ``techs`` (gallium → critical minerals, AI chips → semiconductors)."""
    vocab, out = load_technologies(), set()
    for t in techs:
        seen = set()
        while vocab.get(t, {}).get("broader") and t not in seen:
            seen.add(t)
            t = vocab[t]["broader"]
        out.add(t)
    return out


def _compatible(node: PolicyNode, ap: ArticlePolicy) -> bool:
    """A mention can be the node's measure when their targets overlap (or one names none)
    and so do the fields of their technologies (gallium controls are not chip controls)."""
    mine = node.targets
    if mine and ap.targets and not mine & ap.targets:
        return False
    if node.type == "OtherPolicy":
        # the catch-all type says little by itself: one measure only when both name the same
        # targets, or neither names any and their technologies meet (a review of Micron is not
        # the AI rules of the same year)
        if bool(mine) != bool(ap.targets):
            return False
        if not mine:
            return bool(node.roots and ap.covers and node.roots & _roots(ap.covers))
    return not node.roots or not ap.covers or bool(node.roots & _roots(ap.covers))


def _states(lex, issuers: tuple[str, ...]) -> tuple[str, ...]:
    """Issuers as states: a government body counts as the state (or bloc) it belongs to, so
    that "the Commerce Department's rules" and "US export controls" can be one measure."""
    if lex is None:
        return tuple(sorted(set(issuers)))
    return tuple(sorted({state_of(lex, a) for a in issuers}))


def cluster_policies(items: list[tuple[Optional[str], IRI, ArticlePolicy]], lex=None) -> list[PolicyNode]:
    """Group article policies (date, article IRI, policy) into policy nodes."""
    window = rules().window_days
    groups: dict[tuple, list[PolicyNode]] = {}
    expired: dict[tuple, int] = {}  # per key: how many of its nodes no dated mention can join
    order = sorted(items, key=lambda x: (x[0] is None, x[0] or "", x[1], x[2].key, sorted(x[2].targets)))
    for when, article, ap in order:
        key = (ap.listing or "", ap.type, _states(lex, ap.issuers)) if not ap.named else ("named", ap.named)
        nodes = groups.setdefault(key, [])
        if ap.named:
            if not nodes:
                nodes.append(PolicyNode(mint.policy(ap.named), ap.type, ap.issuers, ap.named))
            nodes[0].add(when, article, ap)
            continue
        day = _day(when)
        home = None
        lo = 0
        if day is not None:
            # dated mentions come in date order, so a node too old for this one is too old for
            # every later one: skip past them once (a long corpus has many nodes per key)
            lo = expired.get(key, 0)
            while lo < len(nodes) and (first := _day(nodes[lo].first_date)) is not None \
                    and (day - first).days > window:
                lo += 1
            expired[key] = lo
        for node in nodes[lo:] if lo else nodes:
            first = _day(node.first_date)
            if not _compatible(node, ap):
                continue
            if day is None or first is None or (day - first).days <= window:
                home = node
                break
        if home is None:
            home = PolicyNode(IRI(""), ap.type, key[2], None, listing=ap.listing)
            nodes.append(home)
        home.add(when, article, ap)
    out = [n for nodes in groups.values() for n in nodes]
    seen: Counter = Counter()
    for node in out:
        if node.named:
            continue
        first = node.members[0][2]
        own = own_side(lex, sorted(set(node.issuers) | set(first.issuers))) if lex is not None else set(node.issuers)
        stem = "-".join([*node.issuers, node.listing or node.type, *sorted(first.targets - own),
                         (node.first_date or "undated")[:7]])
        seen[stem] += 1
        node.iri = mint.policy(stem if seen[stem] == 1 else f"{stem}-{seen[stem]}")
    return sorted(out, key=lambda n: n.iri)


# --------------------------------------------------------------------------- names
def _label(ctx: Context, actor_id: str, lang: str) -> str:
    actor = ctx.lex.get(actor_id)
    if actor is None:
        return actor_id
    return actor.labels.get(lang) or actor.labels.get("en") or actor_id


def _main_technology(node: PolicyNode) -> Optional[str]:
    techs = load_technologies()
    counts = Counter(t for _, _, ap in node.members for t in ap.covers)
    if not counts:
        return None

    def depth(tid: str) -> int:
        d, seen = 0, set()
        while tid in techs and techs[tid].get("broader") and tid not in seen:
            seen.add(tid)
            tid, d = techs[tid]["broader"], d + 1
        return d

    ranked = sorted(counts, key=lambda t: (-counts[t], -depth(t), t))
    # a specific technology named by at least half as many mentions as a root one ("chip-making
    # equipment" beside the "semiconductors" most articles also say) names the measure better
    if depth(ranked[0]) == 0:
        specific = [t for t in ranked if depth(t) > 0 and 2 * counts[t] >= counts[ranked[0]]]
        if specific:
            return specific[0]
    return ranked[0]


def policy_names(ctx: Context, node: PolicyNode) -> dict[str, str]:
    """Readable names: "Japan export controls on chip-making equipment against China (2023)"."""
    if node.named:
        return dict(rules().named[node.named]["labels"])
    tnames = rules().types[node.type]["name"]
    tech = _main_technology(node)
    tlabels = load_technologies()[tech]["labels"] if tech else {}
    year = (node.first_date or "")[:4]
    own = own_side(ctx.lex, sorted(set(node.issuers) | {a for _, _, ap in node.members for a in ap.issuers}))
    counts = Counter(t for _, _, ap in node.members for t in ap.targets if t not in own)
    top = max(counts.values(), default=0)
    targets = sorted(t for t, n in counts.items() if n == top)[:2]
    if node.listing:  # "United States Entity List designation of Huawei", 美国将华为列入实体清单
        lname = rules().named[node.listing]["labels"]
        en = " and ".join(_label(ctx, a, "en") for a in node.issuers) + f" {lname['en']} designation"
        zh = "、".join(_label(ctx, a, "zh-Hans") for a in node.issuers)
        if targets:
            en += " of " + " and ".join(_label(ctx, a, "en") for a in targets)
            zh += "将" + "、".join(_label(ctx, a, "zh-Hans") for a in targets)
        zh += f"列入{lname['zh-Hans']}"
    elif node.type == "CooperationAgreement":
        en = "–".join(_label(ctx, a, "en") for a in node.issuers) + " " + tnames["en"]
        zh = "—".join(_label(ctx, a, "zh-Hans") for a in node.issuers) + tnames["zh-Hans"]
    else:
        en = " and ".join(_label(ctx, a, "en") for a in node.issuers) + " " + tnames["en"]
        if tech:
            en += f" on {tlabels['en']}"
        if targets:
            en += " against " + " and ".join(_label(ctx, a, "en") for a in targets)
        zh = "、".join(_label(ctx, a, "zh-Hans") for a in node.issuers)
        if targets:
            zh += "对" + "、".join(_label(ctx, a, "zh-Hans") for a in targets)
        zh += (tlabels.get("zh-Hans", "") if tech else "") + tnames["zh-Hans"]
    if year:
        en += f" ({year})"
        zh += f"（{year}）"
    return {"en": en, "zh-Hans": zh}


# --------------------------------------------------------------------------- graph
def add_policies(ctx: Context, items: list[tuple[Optional[str], IRI, ArticlePolicy, str]]) -> list[PolicyNode]:
    """Write every policy: (date, article IRI, article policy, article language) per mention."""
    language = {article: lang for _, article, _, lang in items}
    nodes = cluster_policies([(d, a, ap) for d, a, ap, _ in items], ctx.lex)
    q = ctx.q
    named_specs = rules().named
    for node in nodes:
        p = node.iri
        q.add(p, RDF_TYPE, kg("Policy"))
        q.add(p, kg("policyType"), kg(node.type))
        names = policy_names(ctx, node)
        for lang, name in names.items():
            q.add(p, skos("prefLabel"), lit(name, lang))
        q.add(p, rdfs("label"), lit(names.get("en") or next(iter(names.values())), "en"))
        if node.named:
            spec = named_specs[node.named]
            for lang, aliases in (spec.get("aliases") or {}).items():
                for alias in aliases:
                    if alias not in names.values():
                        q.add(p, skos("altLabel"), lit(alias, "en" if lang == "en" else "zh-Hans"))
            for a in spec.get("issuer") or []:  # a named measure's issuers are lexicon facts
                q.add(p, kg("issuedBy"), ctx.actor(a))
            for t in spec.get("covers") or []:
                q.add(p, kg("covers"), add_technology(ctx, t))
        dated = sorted((d for d, _, _ in node.members if d))
        if dated:
            q.add(p, kg("firstReported"), typed(dated[0][:10], "date"))
            q.add(p, kg("lastReported"), typed(dated[-1][:10], "date"))
        latest = [ap.status for d, _, ap in sorted(node.members, key=lambda m: (m[0] or "", m[1])) if ap.status]
        if latest:
            q.add(p, kg("status"), lit(latest[-1]))
        issuers = set(node.issuers) | {a for _, _, ap in node.members for a in ap.issuers}
        if node.named:
            issuers |= set(named_specs[node.named].get("issuer") or [])
        own = own_side(ctx.lex, sorted(issuers))
        for _, article, ap in node.members:
            g = article
            q.add(article, schema("mentions"), p, g)
            for t in sorted(ap.covers):
                q.add(p, kg("covers"), add_technology(ctx, t), g)
            for ev in ap.evidence:
                if ev.role == "targets" and ev.actor_id in own:
                    continue  # a measure never targets its own side, whatever one article seems to say
                obj = ctx.actor(ev.actor_id)
                q.add(p, kg(ev.role), obj, g)
                add_assertion(ctx, g, p, kg(ev.role), obj, ev.sentence, language[article], ev.confidence,
                              "policies" if ev.how != "inherited" else "policies/implied-target")
        ctx.assertions.clear()  # all said of this policy is final: it may go to disk
        ctx.q.checkpoint()
    return nodes
