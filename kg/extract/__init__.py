"""Extractors: plain functions over a parsed :class:`~kg.document.Document`.

Each extractor is registered with what it produces (the contract terms it writes), in the
manner of spaCy's components, and is run in registration order by :func:`run`. An
extractor receives the build :class:`~kg.graph.Context`, the document and the article's
IRI, and writes its facts into the article's named graph.

An extractor writes only through ``ctx.q``, ``ctx.actor`` and the helpers of
:mod:`kg.graph` (``add_assertion``, ``add_technology``, ``set_date``...), and reads no
build state but ``ctx.lex`` and ``ctx.index``: in a parallel build it runs in a worker on a
:class:`kg.facts.RecordingContext`, whose writes are replayed in the build process.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

__all__ = ["Extractor", "EXTRACTORS", "register", "run", "load_rules"]


@dataclass(frozen=True)
class Extractor:
    name: str
    func: Callable
    produces: tuple[str, ...]


EXTRACTORS: dict[str, Extractor] = {}


def register(name: str, produces: tuple[str, ...]):
    def deco(func: Callable) -> Callable:
        EXTRACTORS[name] = Extractor(name, func, produces)
        return func

    return deco


def run(ctx, doc, node) -> None:
    for ex in EXTRACTORS.values():
        ex.func(ctx, doc, node)


def load_rules(lex) -> None:
    """Read every rules file the extractors use (ontology/*.yaml), once, before any document:
    a malformed file stops the build with its error instead of failing every article (and
    a forked worker inherits what is read)."""
    from . import discovery

    actors.find_mentions("", lex)
    policies.rules()
    policies.technology_matcher()
    relations.rules()
    discovery.find_candidates("", lex)


# the built-in extractors register themselves on import, in pipeline order
from . import actors, policies, relations  # noqa: E402,F401
