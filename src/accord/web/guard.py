"""What keeps other web sites and oversized requests from driving the dashboard.

A dashboard on localhost is reachable from every page the user's browser opens. Three things
stop those pages: the Host allow-list (DNS rebinding: a hostile name resolved to 127.0.0.1 still
sends its own name as Host), the same-origin check on every state change (cross-site request
forgery: a form or ``fetch`` from another site carries that site's Origin), and the security
headers (no framing, no sniffing, no script but ours). The body limit is enforced here, on the
raw stream, before anything is parsed; JSON bodies are then parsed in a worker thread, so even a
body at the limit never holds up the event loop.
"""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping, Sequence
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from accord.web.limits import MiB

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
WILDCARD_ADDRESSES = ("0.0.0.0", "::", "")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# no inline script anywhere; inline style attributes stay, because matplotlib's SVG uses them
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = tuple(
    (k.encode(), v.encode())
    for k, v in (
        ("content-security-policy", CONTENT_SECURITY_POLICY),
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
    )
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


# -- host names -----------------------------------------------------------------------------


def _bare(host: str) -> str:
    return host.strip().lower().removeprefix("[").removesuffix("]")


def machine_names() -> set[str]:
    """This machine's own names and the addresses they resolve to (for a server on all interfaces)."""
    names: set[str] = set()
    for name in (socket.gethostname(), socket.getfqdn()):
        if not name:
            continue
        names.add(name.lower())
        with contextlib.suppress(OSError):  # a host name that does not resolve: keep the name alone
            names.update(str(info[4][0]) for info in socket.getaddrinfo(name, None))
    return names


def allowed_hosts(bind: str, extra: Iterable[str] = ()) -> list[str]:
    """The Host names a server bound to ``bind`` answers: loopback names, the bound address, ``extra``.

    On all interfaces (``0.0.0.0`` or ``::``) the bound address is no name, so the machine's own
    names stand in for it; never ``*``, which would switch DNS-rebinding protection off."""
    names = {*LOOPBACK_NAMES, *(_bare(h) for h in extra if h.strip())}
    if bind.strip() in WILDCARD_ADDRESSES:
        names |= machine_names()
    else:
        names.add(_bare(bind))
    return sorted(names)


def host_name(header: str) -> str:
    """The name in a Host header, without port and brackets: ``[::1]:8000`` → ``::1``."""
    h = header.strip().lower()
    if h.startswith("["):
        return h[1 : h.find("]")] if "]" in h else h
    return h.rsplit(":", 1)[0] if h.count(":") == 1 else h


def _origin(url: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)


# -- the middleware -------------------------------------------------------------------------


class Guard:
    """ASGI middleware: Host allow-list, same-origin state changes, body limit, security headers."""

    def __init__(self, app: ASGIApp, *, hosts: Sequence[str], max_body_bytes: int = MiB):
        self.app = app
        self.hosts = frozenset(_bare(h) for h in hosts)
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "")
        if scope["type"] == "websocket":
            # a WebSocket handshake is a GET that any site may open: it gets the state-change check
            if host_name(host) not in self.hosts or self._cross_origin(scope, headers):
                await receive()  # websocket.connect
                await send({"type": "websocket.close", "code": 1008})  # the server answers 403
                return
            await self.app(scope, receive, send)
            return
        send = _with_headers(send)
        if host_name(host) not in self.hosts:
            # the names are not listed: a page on a rebound name must not learn this machine's
            await _refuse(
                send,
                400,
                f"Host: expected the address the dashboard listens on or a loopback name, found {host[:80]!r} "
                "(add a name with accord serve --allow-host)",
            )
            return
        if scope["method"] in UNSAFE_METHODS:
            problem = self._cross_origin(scope, headers)
            if problem:
                await _refuse(send, 403, problem)
                return
        length = headers.get("content-length", "")
        if length and (not length.isdigit() or int(length) > self.max_body_bytes):
            await _refuse(send, 413, self._too_large(length))
            return
        body = bytearray()
        while True:  # read the whole (bounded) body before the app parses any of it
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            if len(body) > self.max_body_bytes:
                await _refuse(send, 413, self._too_large(f"more than {len(body)}"))
                return
            if not message.get("more_body", False):
                break
        receive = _replay(bytes(body), receive)
        await self.app(scope, receive, send)

    def _too_large(self, length: str) -> str:
        return (
            f"request body: expected at most {self.max_body_bytes} bytes, found {length[:20]} "
            "(raise with accord serve --max-body-mib)"
        )

    def _cross_origin(self, scope: Scope, headers: dict[str, str]) -> str | None:
        """Why a state change is refused (not from this dashboard's own pages), or None."""
        scheme = {"ws": "http", "wss": "https"}.get(str(scope.get("scheme")), str(scope.get("scheme", "http")))
        own = _origin(f"{scheme}://{headers.get('host', '')}")
        for header in ("origin", "referer"):
            value = headers.get(header)
            if value is None:
                continue
            theirs = _origin(value)
            if own is not None and theirs == own:
                return None
            return (
                f"cross-origin request refused: expected {header.title()} {scheme}://{headers.get('host', '')}, "
                f"found {value[:80]!r}; only the dashboard's own pages may change its state"
            )
        return "cross-origin request refused: expected an Origin or Referer header naming this dashboard"


def _with_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = {k.lower() for k, _ in message.get("headers", [])}
            extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
            message["headers"] = [*message.get("headers", []), *extra]
        await send(message)

    return wrapped


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: wait for the disconnect, as the server would

    return replayed


async def _refuse(send: Send, status: int, detail: str) -> None:
    data = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": data})


# -- request bodies -------------------------------------------------------------------------

M = TypeVar("M", bound=BaseModel)
MAX_PROBLEMS = 10


class BodyProblems(Exception):
    """A request body that is not what the endpoint takes: short, located messages (status 415 or 422)."""

    def __init__(self, problems: list[str], status: int = 422):
        super().__init__("; ".join(problems))
        self.problems = problems
        self.status = status


def _short(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else f"{text[:limit]}…"


def problems_of(errors: Sequence[Mapping[str, Any]]) -> list[str]:
    """Pydantic's errors, one line each, quoting at most a few characters of the input."""
    out = []
    for e in errors[:MAX_PROBLEMS]:
        where = ".".join(_clip(str(p)) for p in e.get("loc", ())) or "body"  # a key can be the long part
        found = f" (found {_short(e['input'])})" if "input" in e and e.get("type") != "missing" else ""
        out.append(f"{where}: {e.get('msg', 'not accepted')}{found}")
    if len(errors) > MAX_PROBLEMS:
        out.append(f"… and {len(errors) - MAX_PROBLEMS} more problems")
    return out


def parse_model(model: type[M], raw: bytes) -> M:
    """``raw`` JSON as ``model``; raises BodyProblems. Runs in a worker thread (see json_body)."""
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as err:
        raise BodyProblems(problems_of(err.errors())) from None


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def json_body(model: type[M]) -> Callable[[Request], Awaitable[M]]:
    """A FastAPI dependency: the request's JSON body as ``model``, parsed off the event loop."""

    async def dependency(request: Request) -> M:
        if _media_type(request) != "application/json":
            raise BodyProblems([f"content-type: expected application/json, found {_short(_media_type(request))}"], 415)
        raw = await request.body()  # already read, and bounded, by Guard
        return await run_in_threadpool(parse_model, model, raw)

    return dependency


async def form_field(request: Request, name: str) -> str:
    """One field of an HTML form post (``application/x-www-form-urlencoded``); raises BodyProblems."""
    if _media_type(request) != "application/x-www-form-urlencoded":
        raise BodyProblems([f"content-type: expected a form post, found {_short(_media_type(request))}"], 415)
    raw = await request.body()
    try:
        values = parse_qs(raw.decode("utf-8", "replace"), max_num_fields=20).get(name)
    except ValueError:  # more fields than any form of ours has
        raise BodyProblems(["form: expected at most 20 fields"]) from None
    if not values:
        raise BodyProblems([f"{name}: expected a value, found none"])
    return values[0]
