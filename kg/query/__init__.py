"""Reading a finished build: the store, name resolution, neighbours and SPARQL."""
from .store import GraphNotFound, QueryError, Store, open_store
from .resolve import Ambiguous, NotFound, resolve

__all__ = ["GraphNotFound", "QueryError", "Store", "open_store", "resolve", "Ambiguous", "NotFound"]
