"""JSON-LD: the union graph as one ``@graph`` of node objects under a compact ``@context``
(the contract's prefixes), subjects and keys sorted, so the file is stable and diffable."""
from __future__ import annotations

import json
from functools import lru_cache
from json.encoder import encode_basestring as _quote  # json's own (C) string encoder
from itertools import groupby
from operator import itemgetter

from ..terms import PREFIXES, RDF_TYPE, XSD, IRI

NAME = "jsonld"
FILENAME = "graph.jsonld"

_ORDER = sorted(PREFIXES.items(), key=lambda kv: len(kv[1]), reverse=True)


@lru_cache(maxsize=1 << 16)  # predicates, types and classes repeat on every line
def compact(iri: str) -> str:
    for prefix, ns in _ORDER:
        if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _value(o):
    if isinstance(o, IRI):
        return {"@id": compact(o)}
    if o.lang:
        return {"@value": o.value, "@language": o.lang}
    if o.datatype and o.datatype != XSD + "string":
        return {"@value": o.value, "@type": compact(o.datatype)}
    return o.value


def _node(subject, triples) -> dict:
    node: dict = {"@id": compact(subject)}
    for pred, group in groupby(triples, key=lambda t: t[1]):
        objs = [t[2] for t in group]
        if pred == RDF_TYPE and all(isinstance(o, IRI) for o in objs):
            node["@type"] = [compact(o) for o in objs] if len(objs) > 1 else compact(objs[0])
            continue
        vals = [_value(o) for o in objs]
        node[compact(pred)] = vals if len(vals) > 1 else vals[0]
    return node


def _dumps(value, depth: int) -> str:
    """``json.dumps(value, indent=1)`` as it reads nested ``depth`` levels deep."""
    return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n" + " " * depth)


def _text(value, indent: str) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=1)`` nested under ``indent``, for the
    strings, lists and dicts of a node (strings through json's C encoder: much faster)."""
    if isinstance(value, str):
        return _quote(value)
    inner = indent + " "
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{\n" + ",\n".join(f"{inner}{_quote(k)}: {_text(v, inner)}" for k, v in value.items()) \
            + "\n" + indent + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + _text(v, inner) for v in value) + "\n" + indent + "]"
    return json.dumps(value, ensure_ascii=False)


def header() -> bytes:
    return ('{\n "@context": ' + _dumps(dict(PREFIXES), 1) + ',\n "@graph": [').encode("utf-8")


def _value_text(o, indent: str) -> str:
    """:func:`_value` of ``o`` as :func:`_text` writes it under ``indent``."""
    if isinstance(o, IRI):
        return '{\n' + indent + ' "@id": ' + _quote(compact(o)) + '\n' + indent + '}'
    if o.lang:
        return '{\n' + indent + ' "@value": ' + _quote(o.value) + ',\n' + indent + ' "@language": ' \
            + _quote(o.lang) + '\n' + indent + '}'
    if o.datatype and o.datatype != _XSD_STRING:
        return '{\n' + indent + ' "@value": ' + _quote(o.value) + ',\n' + indent + ' "@type": ' \
            + _quote(compact(o.datatype)) + '\n' + indent + '}'
    return _quote(o.value)


_XSD_STRING = XSD + "string"


def node_text(subject, triples: list, first: bool) -> str:
    """One node of ``@graph``, byte for byte as json.dumps(document, indent=1) would write it
    (``_text(_node(subject, triples), "  ")``, written here without the dicts in between:
    ``triples`` are one subject's, by predicate)."""
    out = ['\n  {\n   "@id": ' if first else ',\n  {\n   "@id": ', _quote(compact(subject))]
    for pred, group in groupby(triples, key=_PRED):
        objs = [t[2] for t in group]
        if pred == RDF_TYPE and all(isinstance(o, IRI) for o in objs):
            out.append(',\n   "@type": ')
            if len(objs) > 1:
                out.append("[\n" + ",\n".join("    " + _quote(compact(o)) for o in objs) + "\n   ]")
            else:
                out.append(_quote(compact(objs[0])))
            continue
        out.append(",\n   " + _quote(compact(pred)) + ": ")
        if len(objs) > 1:
            out.append("[\n" + ",\n".join("    " + _value_text(o, "    ") for o in objs) + "\n   ]")
        else:
            out.append(_value_text(objs[0], "   "))
    out.append("\n  }")
    return "".join(out)


_PRED = itemgetter(1)


def trailer(empty: bool) -> bytes:
    return ("]" if empty else "\n ]").encode("utf-8") + b"\n}\n"


def write(result, fh) -> None:
    from .stream import write_streams

    write_streams(result, {NAME: fh})
