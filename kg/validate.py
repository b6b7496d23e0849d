"""``kg validate``: a build checked against the contract's SHACL shapes (``ontology/shapes.ttl``)
with pyshacl."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Violation", "ValidationReport", "validate"]


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    message: str
    shape: str


@dataclass
class ValidationReport:
    conforms: bool
    triples: int
    violations: list[Violation] = field(default_factory=list)


def validate(folder: str | Path = "exports") -> ValidationReport:
    """Validate ``folder/graph.ttl`` (the union of the build's graphs) against the shapes."""
    import pyshacl
    import rdflib
    from rdflib.namespace import SH

    from .query import GraphNotFound
    from .resources import path
    from .terms import compact

    ttl = Path(folder) / "graph.ttl"
    if not ttl.is_file():
        raise GraphNotFound(f"{folder}: no build here (graph.ttl missing); run `kg build INPUT --out {folder}` first")
    data = rdflib.Graph()
    data.parse(ttl, format="turtle")
    shapes = rdflib.Graph()
    shapes.parse(path("shapes.ttl"), format="turtle")
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", abort_on_first=False,
                                            allow_warnings=True)
    out = []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        def one(p):
            v = results.value(result, p)
            return "" if v is None else compact(str(v)) if isinstance(v, rdflib.URIRef) else str(v)

        source = results.value(result, SH.sourceShape)
        owner = shapes.value(predicate=SH.property, object=source) or source  # the node shape, named
        shape = compact(str(owner)) if isinstance(owner, rdflib.URIRef) else "shape"
        out.append(Violation(one(SH.focusNode), one(SH.resultPath), one(SH.resultMessage) or one(SH.resultSeverity),
                             shape.replace("https://w3id.org/newskg/shapes#", "")))
    out.sort(key=lambda v: (v.shape, v.path, v.focus, v.message))
    return ValidationReport(bool(conforms), len(data), out)
