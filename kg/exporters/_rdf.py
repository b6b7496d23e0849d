"""Term syntax shared by the N-Quads and Turtle writers (RDF 1.1)."""
from __future__ import annotations

import re
from functools import lru_cache

from ..terms import PREFIXES, XSD, IRI, Literal, Term

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# line breaks by any reader's rules too (U+0085, U+2028, U+2029: rdflib splits N-Quads lines on them)
_NEEDS_ESCAPE = re.compile('[\\\\"\n\r\t\b\f\x00-\x1f\x7f\x85\u2028\u2029]')
# Turtle's PN_CHARS_BASE, PN_CHARS_U and PN_CHARS (RDF 1.1 Turtle, section 6.5)
_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
         "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_CHARS = _BASE + "_\\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
# a conservative PN_LOCAL: no ".", ":" or escapes, which Turtle allows but not every reader
_LOCAL = re.compile(f"^[{_BASE}_0-9][{_CHARS}]*$")
_PREFIX_ORDER = sorted(PREFIXES.items(), key=lambda kv: len(kv[1]), reverse=True)


def escape_string(s: str) -> str:
    return _NEEDS_ESCAPE.sub(lambda m: _ESCAPES.get(m.group(0), f"\\u{ord(m.group(0)):04X}"), s)


def iri_ref(iri: str) -> str:
    return f"<{iri}>"


def nt_term(t: Term) -> str:
    if isinstance(t, IRI):
        return f"<{t}>"
    s = f'"{escape_string(t.value)}"'
    if t.lang:
        return f"{s}@{t.lang}"
    if t.datatype and t.datatype != XSD + "string":
        return f"{s}^^<{t.datatype}>"
    return s


def nt_literal(value: str, lang: str, datatype: str) -> str:
    """A literal in N-Triples from a quad row's fields (``""`` for no language or datatype)."""
    s = f'"{escape_string(value)}"'
    if lang:
        return f"{s}@{lang}"
    if datatype and datatype != _XSD_STRING:
        return f"{s}^^<{datatype}>"
    return s


_XSD_STRING = XSD + "string"


@lru_cache(maxsize=1 << 16)  # predicates, types and classes repeat on every line
def curie(iri: str) -> str | None:
    for prefix, ns in _PREFIX_ORDER:
        if iri.startswith(ns):
            local = iri[len(ns):]
            if local == "" or _LOCAL.match(local):
                return f"{prefix}:{local}"
    return None


def ttl_term(t: Term) -> str:
    if isinstance(t, IRI):
        return curie(t) or f"<{t}>"
    s = f'"{escape_string(t.value)}"'
    if t.lang:
        return f"{s}@{t.lang}"
    if t.datatype and t.datatype != XSD + "string":
        return f"{s}^^{curie(t.datatype) or '<' + t.datatype + '>'}"
    return s


__all__ = ["escape_string", "iri_ref", "nt_term", "nt_literal", "ttl_term", "curie", "Literal"]
