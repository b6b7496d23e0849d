"""RDF terms as light, hashable, sortable Python values, and the namespaces of the contract.

kg builds its graph as plain tuples of these terms (fast to make, trivially deterministic
to sort) and only turns them into rdflib or Oxigraph objects at the edges.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple, Optional, Union

KG = "https://w3id.org/newskg/ontology#"
KGR = "https://w3id.org/newskg/id/"
ONTOLOGY_IRI = "https://w3id.org/newskg/ontology"
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
WD = "http://www.wikidata.org/entity/"
VOID = "http://rdfs.org/ns/void#"

#: prefixes written in every export, in this order
PREFIXES: dict[str, str] = {
    "kg": KG,
    "kgr": KGR,
    "schema": SCHEMA,
    "skos": SKOS,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "prov": PROV,
    "dcterms": DCTERMS,
    "wd": WD,
    "void": VOID,
    # one prefix per kind of minted resource (CONTRACT.md): actor:japan is a valid CURIE in
    # Turtle and SPARQL, where kgr:actor/japan is not
    "actor": KGR + "actor/",
    "article": KGR + "article/",
    "policy": KGR + "policy/",
    "topic": KGR + "topic/",
    "technology": KGR + "technology/",
    "assertion": KGR + "assertion/",
}
#: longest namespace first: an actor's IRI compacts to actor:…, not kgr:actor/…
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: len(kv[1]), reverse=True)


class IRI(str):
    """An IRI (a str subclass, so it sorts and hashes like its text)."""

    __slots__ = ()

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"IRI({str.__repr__(self)})"


class Literal(NamedTuple):
    value: str
    lang: Optional[str] = None
    datatype: Optional[str] = None


Term = Union[IRI, Literal]
#: (subject, predicate, object, graph); graph None is the default graph
Quad = tuple[IRI, IRI, Term, Optional[IRI]]


def kg(local: str) -> IRI:
    return IRI(KG + local)


def schema(local: str) -> IRI:
    return IRI(SCHEMA + local)


def skos(local: str) -> IRI:
    return IRI(SKOS + local)


def rdf(local: str) -> IRI:
    return IRI(RDF + local)


def rdfs(local: str) -> IRI:
    return IRI(RDFS + local)


def prov(local: str) -> IRI:
    return IRI(PROV + local)


def owl(local: str) -> IRI:
    return IRI(OWL + local)


RDF_TYPE = rdf("type")


_BCP47 = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")


def is_language_tag(tag: str) -> bool:
    """Well-formed as a BCP 47 tag (en, zh-Hans, zh-Hant, und, ...)."""
    return bool(_BCP47.match(tag))


def lit(value: object, lang: str | None = None) -> Literal:
    if lang and not is_language_tag(lang):
        raise ValueError(f"not a BCP 47 language tag: {lang!r}")
    return Literal(str(value), lang or None, None)


def typed(value: object, datatype_local: str) -> Literal:
    return Literal(str(value), None, XSD + datatype_local)


@lru_cache(maxsize=1 << 16)  # predicates, types and classes repeat on every line
def compact(iri: str) -> str:
    """CURIE for an IRI under one of PREFIXES (the longest that fits), else the IRI itself."""
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def expand(curie: str) -> str:
    """The IRI of a CURIE such as ``kg:mentions``; anything else is returned as is."""
    head, sep, tail = curie.partition(":")
    if sep and head in PREFIXES and not tail.startswith("//"):
        return PREFIXES[head] + tail
    return curie
