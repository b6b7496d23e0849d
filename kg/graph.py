"""From parsed documents (and what extractors found in them) to the quads of the graph.

Every fact drawn from an article is written into that article's named graph (the graph's
name is the article's IRI); build-wide facts (the lexicon's actors, the dataset) go into
the default graph. The Turtle and JSON-LD exports are the union of all graphs.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Optional

from . import iri as mint
from .document import LINK_KINDS, Document, Image, Link
from .lexicon import Actor, Lexicon
from .terms import (
    IRI,
    ONTOLOGY_IRI,
    RDF_TYPE,
    Literal,
    kg,
    lit,
    owl,
    prov,
    rdf,
    rdfs,
    schema,
    skos,
    typed,
    VOID,
    DCTERMS,
)
from .quads import QuadSet
from .resources import load_yaml
from .text import detect_language

__all__ = ["QuadSet", "ArticleIndex", "Context", "add_article", "add_used_actors", "add_used_technologies",
           "add_technology", "add_assertion", "add_dataset", "date_literal", "add_minted_labels", "set_date"]

ACTOR_CLASS = {"Country": schema("Country"), "Organization": schema("Organization"), "Person": schema("Person")}


def date_literal(value: str | None) -> Literal | None:
    if not value:
        return None
    return typed(value, "dateTime" if "T" in value else "date")


def _norm_title(title: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", title).casefold().split())


@dataclass
class ArticleIndex:
    """The input articles of a build, so that links to them land on the same node."""

    by_url: dict[str, IRI] = field(default_factory=dict)
    by_title: dict[str, IRI] = field(default_factory=dict)

    @staticmethod
    def article_iri(doc: Document) -> IRI:
        # a URL that is not a valid IRI falls back to the content's hash
        return mint.article(doc.url, content=doc.text, mirror=doc.is_mirror)

    def add(self, doc: Document) -> IRI:
        return self.add_keys(*self.keys(doc))

    @classmethod
    def keys(cls, doc: Document) -> tuple[IRI, Optional[str], Optional[str]]:
        """What :meth:`add` files a document under: its IRI, URL key and title key."""
        node = cls.article_iri(doc)
        url = (mint.url_key(doc.url) or "") if doc.url and not doc.is_mirror else None
        title = _norm_title(doc.headline) if doc.headline and not doc.headline_derived else None
        return node, url, title

    def add_keys(self, node: IRI, url: Optional[str], title: Optional[str]) -> IRI:
        if url is not None:
            self.by_url.setdefault(url, node)
        if title is not None:
            # first one wins; callers add documents in sorted path order
            self.by_title.setdefault(title, node)
        return node

    def resolve(self, link: Link) -> IRI:
        if link.url and mint.url_key(link.url):
            key = mint.url_key(link.url)
            if link.kind != "mirror" and key in self.by_url:
                return self.by_url[key]
            return mint.article(link.url)
        if link.title:
            return self.by_title.get(_norm_title(link.title)) or mint.article(title=link.title)
        raise ValueError("a link needs a URL or a title")


@dataclass
class Context:
    """What every graph-writing function needs: the quads, the lexicon, the input index,
    and the lexicon actors the build has used (only those are described in the graph)."""

    q: QuadSet
    lex: Lexicon
    index: ArticleIndex
    used_actors: set[str] = field(default_factory=set)
    used_technologies: set[str] = field(default_factory=set)
    #: (graph, subject, predicate, object, offset) -> (confidence, extractor) of the assertion written
    assertions: dict = field(default_factory=dict)
    #: article -> its one schema:datePublished (the first stated; an input's own date first)
    dates: dict = field(default_factory=dict)
    #: what the file being written says that disagrees with the graph (the pipeline reports it)
    warnings: list = field(default_factory=list)
    #: actors minted from a name or domain -> Counter of (label, language) seen, and those the
    #: file being written adds (merged by the pipeline when the file is done)
    labels: dict = field(default_factory=dict)
    pending_labels: list = field(default_factory=list)
    new_dates: list = field(default_factory=list)  # articles first dated by the file being written

    def actor(self, actor_id: str) -> IRI:
        self.used_actors.add(actor_id)
        return mint.actor(actor_id)

    def set_date(self, node: IRI, value: str, g: IRI, who: str) -> None:
        """See :func:`set_date` (a worker's context records the call instead: the first
        date of an article depends on the files before it, see :mod:`kg.facts`)."""
        known = self.dates.get(node)
        if known is None:
            known = self.dates[node] = value
            self.new_dates.append(node)  # taken back if the file fails
        if known == value:
            self.q.add(node, schema("datePublished"), date_literal(value), g)
        else:
            self.warnings.append(f"datePublished conflict: {who} gives {value} for <{node}>, which has {known}; "
                                 f"kept {known}")


def set_date(ctx: Context, node: IRI, value: str | None, g: IRI, who: str) -> None:
    """``node schema:datePublished value``, once per article: a second, different date is not
    written but reported as a conflict."""
    if value:
        ctx.set_date(node, value, g, who)


def _label(ctx: Context, node: IRI, name: str) -> None:
    ctx.pending_labels.append((node, name, detect_language(name)))


def add_minted_labels(ctx: Context, described: set) -> None:
    """One ``skos:prefLabel`` per language for every actor minted from a name or a domain
    (outlets, authors, editors): the name most files give it, then the first in order."""
    for node in sorted(ctx.labels):
        if node in described:
            continue  # a lexicon actor: its labels are the lexicon's
        best: dict = {}
        for (name, lang), n in sorted(ctx.labels[node].items()):
            if lang not in best or n > best[lang][1]:
                best[lang] = (name, n)
        for lang, (name, _) in sorted(best.items()):
            ctx.q.add(node, skos("prefLabel"), lit(name, lang))


def _url_term(url: str | None) -> IRI | None:
    safe = mint.safe_iri(url)
    return IRI(safe) if safe else None


def publisher_node(ctx: Context, name: str | None, domain: str | None, g: IRI) -> IRI | None:
    """The outlet: a lexicon actor where known (by domain, then name), else minted from the
    domain (stable across spellings of the name), else from the name."""
    if not name and not domain:
        return None
    q = ctx.q
    actor = ctx.lex.outlet(name, domain)
    if actor is not None:
        node = ctx.actor(actor.id)
    else:
        node = mint.actor(domain or name or "")
        q.add(node, RDF_TYPE, schema("Organization"), g)
        q.add(node, RDF_TYPE, schema("NewsMediaOrganization"), g)
        _label(ctx, node, name or domain or "")
    if name:
        q.add(node, schema("name"), lit(name, detect_language(name)), g)
    if domain and actor is None:
        q.add(node, schema("url"), _url_term(f"https://{domain}/"), g)
    return node


def person_node(ctx: Context, name: str, g: IRI) -> IRI:
    q = ctx.q
    hits = [a for a in ctx.lex.lookup(name) if a.type == "Person"]
    node = ctx.actor(hits[0].id) if len(hits) == 1 else mint.actor(name)
    if len(hits) != 1:
        _label(ctx, node, name)
    q.add(node, RDF_TYPE, schema("Person"), g)
    q.add(node, schema("name"), lit(name, detect_language(name)), g)
    return node


def topic_node(q: QuadSet, label: str, g: IRI) -> IRI:
    node = mint.topic(label)
    q.add(node, RDF_TYPE, skos("Concept"), g)
    q.add(node, skos("prefLabel"), lit(label, detect_language(label)), g)
    q.add(node, skos("inScheme"), IRI(mint.KGR + "scheme/topics"), g)
    return node


def _images(q: QuadSet, node: IRI, images: Iterable[Image], g: IRI) -> None:
    for img in images:
        img_node = _url_term(img.url)
        if img_node is None:
            continue
        q.add(node, schema("image"), img_node, g)
        q.add(img_node, RDF_TYPE, schema("ImageObject"), g)
        if img.caption:
            q.add(img_node, schema("caption"), lit(img.caption, detect_language(img.caption)), g)


def add_link(ctx: Context, source: IRI, link: Link, g: IRI) -> IRI | None:
    q = ctx.q
    target = ctx.index.resolve(link)
    if target == source:
        return None
    q.add(source, kg("relatedTo"), target, g)
    q.add(source, kg(LINK_KINDS[link.kind]), target, g)
    q.add(target, RDF_TYPE, schema("NewsArticle"), g)
    if link.title:
        q.add(target, schema("headline"), lit(link.title, detect_language(link.title)), g)
    q.add(target, schema("url"), _url_term(link.url), g)
    set_date(ctx, target, link.date, g, f"a {link.kind} link")
    if link.excerpt:
        q.add(target, schema("description"), lit(link.excerpt, detect_language(link.excerpt)), g)
    pub = publisher_node(ctx, link.publisher, link.publisher_domain, g)
    q.add(target, schema("publisher"), pub, g)
    _images(q, target, link.images, g)
    return target


def add_article(ctx: Context, doc: Document) -> IRI:
    """Write one input document as a ``schema:NewsArticle`` into its own named graph."""
    q = ctx.q
    node = ctx.index.article_iri(doc)
    g = node
    lang = doc.language
    q.add(node, RDF_TYPE, schema("NewsArticle"), g)
    q.add(node, kg("sourceFile"), lit(doc.source_file), g)
    if doc.headline:
        q.add(node, schema("headline"), lit(doc.headline, lang), g)
        if doc.headline_derived:
            q.add(node, kg("headlineDerived"), typed("true", "boolean"), g)
    set_date(ctx, node, doc.date, g, "the file")
    q.add(node, schema("url"), _url_term(doc.url), g)
    q.add(node, schema("inLanguage"), lit(lang), g)
    if doc.excerpt:
        q.add(node, schema("description"), lit(doc.excerpt, lang), g)
    q.add(node, kg("sourceFormat"), lit(doc.format), g)
    pub = publisher_node(ctx, doc.publisher, doc.publisher_domain, g)
    q.add(node, schema("publisher"), pub, g)
    for name in doc.authors:
        q.add(node, schema("author"), person_node(ctx, name, g), g)
    for name in doc.editors:
        q.add(node, schema("editor"), person_node(ctx, name, g), g)
    for label in [*doc.topics, *doc.tags]:
        topic = topic_node(q, label, g)
        q.add(node, schema("about"), topic, g)
        named = ctx.lex.lookup(label)
        if len(named) == 1:  # a tag that names a known actor is linked to it (华为 the tag, Huawei the actor)
            q.add(topic, skos("related"), ctx.actor(named[0].id))
    _images(q, node, doc.images, g)
    for link in doc.links:
        add_link(ctx, node, link, g)
    return node


def add_used_actors(ctx: Context) -> set:
    """Describe every lexicon actor the build used, and those they are based in or
    affiliated with, in the default graph; returns their IRIs."""
    todo, done = sorted(ctx.used_actors), set()
    while todo:
        actor_id = todo.pop()
        if actor_id in done:
            continue
        done.add(actor_id)
        actor = ctx.lex.get(actor_id)
        if actor is None:
            continue
        _add_actor(ctx.q, actor)
        todo.extend(r for r in [actor.based_in, *actor.affiliated_with] if r and r not in done)
    return {mint.actor(a) for a in done if ctx.lex.get(a) is not None}


def _discovered_confidence() -> float:
    return float(load_yaml("matching.yaml")["confidence"]["discovered"])


def _add_actor(q: QuadSet, actor: Actor) -> IRI:
    """An actor of the lexicon, with labels, aliases and links, in the default graph."""
    node = mint.actor(actor.id)
    q.add(node, RDF_TYPE, ACTOR_CLASS[actor.type])
    for t in actor.types:
        q.add(node, RDF_TYPE, schema(t))
    seen_pref: set[str] = set()
    for lang, label in actor.labels.items():
        q.add(node, skos("prefLabel"), lit(label, lang))
        seen_pref.add(label)
    q.add(node, rdfs("label"), lit(actor.labels.get("en") or next(iter(actor.labels.values()), actor.id), "en"
                                   if "en" in actor.labels else None))
    for lang, names in actor.aliases.items():
        for name in names:
            if name not in seen_pref:
                tag = lang if lang not in ("und", "zh") else detect_language(name)
                q.add(node, skos("altLabel"), lit(name, tag))
    if actor.discovered:  # not in the lexicon: read from the articles, less sure
        q.add(node, kg("confidence"), typed(f"{_discovered_confidence():.2f}", "decimal"))
        q.add(node, kg("extractor"), lit(f"discovery/{actor.discovered}"))
    if actor.wikidata:
        q.add(node, owl("sameAs"), IRI(f"http://www.wikidata.org/entity/{actor.wikidata}"))
    if actor.based_in:
        q.add(node, kg("basedIn"), mint.actor(actor.based_in))
    for other in actor.affiliated_with:
        q.add(node, kg("affiliatedWith"), mint.actor(other))
    for lang, role in actor.role.items():
        q.add(node, schema("jobTitle"), lit(role, lang))
    for d in actor.domains:
        q.add(node, schema("url"), _url_term(f"https://{d}/"))
    return node


def add_technology(ctx: Context, tech_id: str) -> IRI:
    """A technology of the vocabulary (described once, in the default graph, by
    :func:`add_used_technologies`)."""
    ctx.used_technologies.add(tech_id)
    return mint.technology(tech_id)


def add_used_technologies(ctx: Context) -> None:
    from .extract.policies import load_technologies

    techs = load_technologies()
    q = ctx.q
    todo = sorted(ctx.used_technologies)
    if not todo:
        return
    scheme = IRI(mint.KGR + "scheme/technologies")
    q.add(scheme, RDF_TYPE, skos("ConceptScheme"))
    q.add(scheme, skos("prefLabel"), lit("Technologies", "en"))
    q.add(scheme, skos("prefLabel"), lit("技术", "zh-Hans"))
    done: set[str] = set()
    while todo:
        tid = todo.pop()
        if tid in done or tid not in techs:
            continue
        done.add(tid)
        t = techs[tid]
        node = mint.technology(tid)
        q.add(node, RDF_TYPE, skos("Concept"))
        q.add(node, RDF_TYPE, kg("Technology"))
        q.add(node, skos("inScheme"), scheme)
        for lang, label in t["labels"].items():
            q.add(node, skos("prefLabel"), lit(label, lang))
        q.add(node, rdfs("label"), lit(t["labels"]["en"], "en"))
        for lang, names in (t.get("aliases") or {}).items():
            for name in names:
                q.add(node, skos("altLabel"), lit(name, lang if lang != "zh" else detect_language(name)))
        if t.get("broader"):
            q.add(node, skos("broader"), mint.technology(t["broader"]))
            todo.append(t["broader"])


def add_assertion(ctx: Context, g: IRI, s: IRI, p: IRI, o: IRI, sentence, lang: str, confidence: float,
                  extractor: str) -> IRI:
    """State ``s p o`` as read from one sentence of the article ``g``: a ``kg:Assertion``
    (an ``rdf:Statement``) with the sentence, its offsets in the article text, a
    confidence and the extractor, in the article's named graph. One assertion per fact and
    sentence: the most confident reading wins."""
    q = ctx.q
    node = mint.assertion(g, s, p, o, sentence.start)
    key = (g, s, p, o, sentence.start)
    previous = ctx.assertions.get(key)
    if previous is not None:
        if previous[0] >= confidence:
            return node
        q.discard(node, kg("confidence"), typed(f"{previous[0]:.2f}", "decimal"), g)
        q.discard(node, kg("extractor"), lit(previous[1]), g)
    ctx.assertions[key] = (confidence, extractor)
    q.add(node, RDF_TYPE, kg("Assertion"), g)
    q.add(node, RDF_TYPE, rdf("Statement"), g)
    q.add(node, rdf("subject"), s, g)
    q.add(node, rdf("predicate"), p, g)
    q.add(node, rdf("object"), o, g)
    q.add(node, prov("wasDerivedFrom"), g, g)
    q.add(node, kg("evidence"), lit(sentence.text, lang), g)
    q.add(node, kg("confidence"), typed(f"{confidence:.2f}", "decimal"), g)
    q.add(node, kg("extractor"), lit(extractor), g)
    q.add(node, kg("offsetStart"), typed(sentence.start, "integer"), g)
    q.add(node, kg("offsetEnd"), typed(sentence.end, "integer"), g)
    return node


def add_dataset(q: QuadSet, n_articles: int) -> IRI:
    node = mint.dataset()
    q.add(node, RDF_TYPE, IRI(VOID + "Dataset"))
    q.add(node, IRI(DCTERMS + "conformsTo"), IRI(ONTOLOGY_IRI))
    q.add(node, owl("imports"), IRI(ONTOLOGY_IRI))
    q.add(node, IRI(VOID + "vocabulary"), IRI(ONTOLOGY_IRI + "#"))
    q.add(node, IRI(VOID + "documents"), typed(n_articles, "integer"))
    q.add(node, rdfs("label"), lit("kg build", "en"))
    return node


