"""HTTP to a graph server: credentials, retries with backoff, and the server's own message.

Shared by ``kg push`` (SPARQL 1.1 Graph Store HTTP Protocol) and ``kg sparql --endpoint``
(SPARQL 1.1 Protocol). Credentials come from the environment (``KG_ENDPOINT_USER`` and
``KG_ENDPOINT_PASSWORD``) or from ``~/.netrc`` (``$NETRC``), by the endpoint's host; never
from the command line. Basic and Digest authentication are both answered (Virtuoso's
``/sparql-auth`` and ``/sparql-graph-crud-auth`` ask for Digest).
"""
from __future__ import annotations

import html
import netrc
import os
import re
import time
from typing import Callable, Optional
from urllib.parse import urlsplit

import httpx

__all__ = ["RemoteError", "client", "credentials", "server_message", "request"]

#: HTTP statuses worth another try: the server is busy, restarting or behind a failing proxy
TRANSIENT = {408, 425, 429, 500, 502, 503, 504}


class RemoteError(Exception):
    """A request that failed for good; the message is one line and names the server's reason."""


def credentials(url: str) -> Optional[tuple[str, str]]:
    """(user, password) for ``url``: the environment first, then ``~/.netrc`` by host."""
    user, password = os.environ.get("KG_ENDPOINT_USER"), os.environ.get("KG_ENDPOINT_PASSWORD")
    if user and password is not None:
        return user, password
    host = urlsplit(url).hostname or ""
    path = os.environ.get("NETRC") or os.path.join(os.path.expanduser("~"), ".netrc")
    if not os.path.isfile(path):
        return None
    try:
        found = netrc.netrc(path).authenticators(host)
    except (netrc.NetrcParseError, OSError) as exc:
        raise RemoteError(f"{path}: {str(exc).splitlines()[0]}") from None
    if found and found[0] is not None:
        return found[0], found[2] or ""
    return None


class _Auth(httpx.Auth):
    """Answers whichever challenge the server sends (Digest or Basic), then keeps using it."""

    def __init__(self, user: str, password: str):
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self._scheme: Optional[str] = None

    def auth_flow(self, request):
        if self._scheme == "basic":
            yield from self._basic.auth_flow(request)
            return
        if self._scheme == "digest":
            yield from self._digest.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        schemes = [h.split(" ", 1)[0].lower() for h in response.headers.get_list("www-authenticate")]
        if "digest" in schemes:
            self._scheme = "digest"
            flow = self._digest.auth_flow(request)
            next(flow)  # its first, unauthenticated try is the one just answered
            try:
                request = flow.send(response)
            except StopIteration:
                return
        elif "basic" in schemes:
            self._scheme = "basic"
            request = next(self._basic.auth_flow(request))
        else:
            return
        yield request


def client(url: str, timeout: float) -> httpx.Client:
    """A keep-alive client for ``url``'s server, with its credentials if any are known."""
    creds = credentials(url)
    return httpx.Client(auth=_Auth(*creds) if creds else None, timeout=timeout,
                        headers={"User-Agent": "kg"}, follow_redirects=True)


def server_message(response: httpx.Response) -> str:
    """The server's reason for an error, on one line (HTML pages reduced to their message)."""
    text = response.text or ""
    if "<" in text and re.search(r"(?i)<(html|body|h1|title|xmp|pre)\b", text):
        parts = re.findall(r"(?is)<(xmp|pre)[^>]*>(.*?)</\1>", text)
        if parts:
            text = " ".join(p[1] for p in parts)
        else:
            text = re.sub(r"(?is)<(script|style|title)[^>]*>.*?</\1>", " ", text)
            text = re.sub(r"(?s)<[^>]+>", " ", text)
        text = html.unescape(text)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    # Virtuoso repeats the whole query after its message: keep the message
    if lines and any(ln.startswith("SPARQL query:") for ln in lines):
        lines = lines[:next(i for i, ln in enumerate(lines) if ln.startswith("SPARQL query:"))]
    msg = " ".join(" ".join(lines).split())
    if len(msg) > 300:
        msg = msg[:297] + "..."
    status = f"HTTP {response.status_code} {response.reason_phrase}".strip()
    return f"{status}: {msg}" if msg else status


def request(http: httpx.Client, method: str, url: str, *, what: str, retries: int = 3,
            backoff: float = 0.5, ok: Callable[[int], bool] = lambda s: 200 <= s < 300,
            sleep: Callable[[float], None] = time.sleep, transient: frozenset = frozenset(TRANSIENT),
            retry_timeouts: bool = True, **kwargs) -> httpx.Response:
    """One request, tried again after ``backoff``, 2×, 4×... seconds on a transient failure
    (connection refused or reset, timeout, a status in ``transient``: 5xx, 429). ``what``
    names the thing in errors."""
    attempt = 0
    while True:
        try:
            response = http.request(method, url, **kwargs)
        except httpx.TimeoutException:
            reason = f"no answer within {http.timeout.read or http.timeout.connect}s (see --timeout)"
            if not retry_timeouts:
                raise RemoteError(f"{what}: {reason}") from None
            response = None
        except httpx.TransportError as exc:
            reason = _transport_reason(exc)
            response = None
        else:
            if ok(response.status_code):
                return response
            reason = server_message(response)
            if response.status_code in (401, 403) and not http.auth:
                reason += " (no credentials: set KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD, or ~/.netrc)"
            elif response.status_code == 401:
                reason += " (credentials refused: KG_ENDPOINT_USER/KG_ENDPOINT_PASSWORD or ~/.netrc)"
            if response.status_code not in transient:
                raise RemoteError(f"{what}: {reason}")
        if attempt >= retries:
            tries = f" (after {attempt + 1} tries)" if attempt else ""
            raise RemoteError(f"{what}: {reason}{tries}")
        sleep(backoff * (2 ** attempt))
        attempt += 1


def _transport_reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    m = re.search(r"\[Errno -?\d+\] (.*)", text)
    return (m.group(1) if m else text).splitlines()[0]
