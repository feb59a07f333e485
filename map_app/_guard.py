"""Serve the app only to the host names it is meant for (DNS rebinding, cross-origin pages).

Streamlit checks the WebSocket's ``Origin`` against its ``Host``, which a DNS-rebinding page
controls, and lets any page on another local port through; its HTTP routes check neither.
:func:`install` puts one ASGI layer in front of the whole Streamlit app, so every HTTP request
and every WebSocket upgrade is checked by :func:`allowed` before a Streamlit route sees it.
"""
from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send
    from streamlit.runtime import Runtime

__all__ = ["LOOPBACK", "HostGuard", "allowed", "install", "install_from_env", "normalise_host",
           "served_hosts"]

LOOPBACK: Final = frozenset({"127.0.0.1", "localhost", "::1"})
#: environment variables the launcher (`map_app._serve`) hands the guard over ``exec``
ENV_HOSTS: Final = "MAP_APP_ALLOWED_HOSTS"
ENV_EXTRA: Final = "MAP_APP_EXTRA_HOSTS"

_DEFAULT_PORT: Final = {"http": 80, "https": 443}
_NAME = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")
# a Host header or an origin's authority: "name", "name:port", "[v6]" or "[v6]:port"
_AUTHORITY = re.compile(r"(\[[^\]]*\]|[^:\[\]]*)(?::([0-9]{1,5}))?")
_ORIGIN = re.compile(r"(https?)://(.*)", re.IGNORECASE)
_BODY: Final = (b"403 Forbidden: this host or origin is not served by map-app "
                b"(see map-app serve --allow-host)\n")
_LOG = logging.getLogger("map_app.serve")


def normalise_host(name: str) -> str:
    """Canonical form of a host name or IP address, as compared by :func:`allowed`.

    Parameters
    ----------
    name : str
        A host name (``Maps.Example.org.``, ``bücher.example``), an IPv4 address or an IPv6
        address with or without brackets (``::1``, ``[::1]``). No scheme, port or path.

    Returns
    -------
    str
        Lower case, ASCII (IDNA), without a trailing dot; IPv6 compressed, without brackets.

    Raises
    ------
    ValueError
        If `name` is not a bare host name or address.
    """
    bracketed = name.startswith("[") and name.endswith("]")
    if bracketed or ":" in name:
        try:
            return ipaddress.IPv6Address(name[1:-1] if bracketed else name).compressed
        except ValueError:
            raise ValueError(_bad_name(name)) from None
    if not name.isascii():  # browsers send international names as punycode
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError(_bad_name(name)) from None
    name = name.lower().removesuffix(".")
    if not _NAME.fullmatch(name):
        raise ValueError(_bad_name(name))
    return name


def _bad_name(name: str) -> str:
    return f"not a bare host name or address (no scheme, port or path): {name!r}"


def served_hosts(address: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The host names the server answers to: loopback, its bind `address` and `extra`.

    Parameters
    ----------
    address : str
        The ``--address`` the server binds (a wildcard such as ``0.0.0.0`` is kept as it is:
        it is a name a local browser can use, and binding it exposes nothing more here).
    extra : iterable of str
        Names added with ``--allow-host``.

    Returns
    -------
    frozenset of str
        Normalised names (see :func:`normalise_host`).

    Raises
    ------
    ValueError
        If a name is not a bare host name or address.
    """
    return LOOPBACK | {normalise_host(address)} | {normalise_host(h) for h in extra}


def _authority(value: str) -> tuple[str, int | None]:
    """(normalised host, port or None) of ``name[:port]``; ValueError if malformed."""
    m = _AUTHORITY.fullmatch(value)
    if not m:
        raise ValueError(value)
    port = int(m[2]) if m[2] else None
    if port is not None and not 0 < port < 65536:
        raise ValueError(value)
    return normalise_host(m[1]), port


def allowed(host_header: str | None, origin_header: str | None,
            allowed_hosts: Collection[str], port: int | None,
            proxied_hosts: Collection[str] = ()) -> bool:
    """Whether a request with these ``Host`` and ``Origin`` headers may be served.

    Parameters
    ----------
    host_header : str or None
        The ``Host`` header (None if absent: refused).
    origin_header : str or None
        The ``Origin`` header. None is accepted: browsers send one on every WebSocket upgrade
        and cross-origin request, so only non-browser clients (curl, health checks) omit it.
        ``null`` (sandboxed frames, ``file:`` pages) is refused.
    allowed_hosts : collection of str
        Normalised host names served (:func:`served_hosts`).
    port : int or None
        The port the request came in on; an allowed origin must use it...
    proxied_hosts : collection of str, optional
        ...or, for these names (``--allow-host``), the scheme's default port, as when a TLS
        reverse proxy serves ``https://name`` and forwards to this port.

    Returns
    -------
    bool
    """
    # the hostname check is the DNS-rebinding defence: a rebound name arrives as the Host
    if host_header is None:
        return False
    try:
        host, _ = _authority(host_header)
    except ValueError:
        return False
    if host not in allowed_hosts:
        return False
    if origin_header is None:
        return True
    m = _ORIGIN.fullmatch(origin_header)
    if not m:
        return False
    scheme = m[1].lower()
    try:
        origin_host, origin_port = _authority(m[2])
    except ValueError:
        return False
    if origin_host not in allowed_hosts:
        return False
    # the port check shuts out pages served by other local servers (http://localhost:3000)
    origin_port = origin_port or _DEFAULT_PORT[scheme]
    return origin_port == port or (origin_host in proxied_hosts
                                   and origin_port == _DEFAULT_PORT[scheme])


class HostGuard:
    """ASGI middleware answering 403 to requests :func:`allowed` refuses.

    Parameters
    ----------
    app : ASGI application
        The application to guard (Streamlit's Starlette app).
    allowed_hosts, proxied_hosts : frozenset of str
        As for :func:`allowed`.
    """

    def __init__(self, app: ASGIApp, allowed_hosts: frozenset[str],
                 proxied_hosts: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts
        self.proxied_hosts = proxied_hosts
        self._logged: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and not self._accepts(scope):
            await _refuse(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _accepts(self, scope: Scope) -> bool:
        hosts: list[str] = []
        origins: list[str] = []
        for name, value in scope["headers"]:
            if name == b"host":
                hosts.append(value.decode("latin-1"))
            elif name == b"origin":
                origins.append(value.decode("latin-1"))
        if len(hosts) > 1 or len(origins) > 1:  # which one a proxy or Streamlit reads is unclear
            ok = False
        else:
            server = scope.get("server")
            ok = allowed(hosts[0] if hosts else None, origins[0] if origins else None,
                         self.allowed_hosts, server[1] if server else None, self.proxied_hosts)
        if not ok:
            self._log(hosts, origins)
        return ok

    def _log(self, hosts: list[str], origins: list[str]) -> None:
        # one line per refused pair, at most 100 of them: a misconfiguration shows, a flood doesn't
        key = repr((hosts, origins))
        if key not in self._logged and len(self._logged) < 100:
            self._logged.add(key)
            _LOG.warning("map-app: refused a request with Host %s and Origin %s "
                         "(serve a name with --allow-host NAME)",
                         ", ".join(map(repr, hosts)) or "(none)",
                         ", ".join(map(repr, origins)) or "(none)")


async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
    """403 with a one-line text body; a WebSocket is refused during its handshake."""
    headers = [(b"content-type", b"text/plain; charset=utf-8"),
               (b"content-length", str(len(_BODY)).encode())]
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 403, "headers": headers})
        await send({"type": "http.response.body", "body": _BODY})
        return
    await receive()  # the websocket.connect event comes first
    if "websocket.http.response" in scope.get("extensions", {}):
        await send({"type": "websocket.http.response.start", "status": 403, "headers": headers})
        await send({"type": "websocket.http.response.body", "body": _BODY})
    else:  # closing before accepting is a bare 403 in every ASGI server
        await send({"type": "websocket.close", "code": 1008})


def install(allowed_hosts: Collection[str], proxied_hosts: Collection[str] = ()) -> None:
    """Guard every Streamlit server this process starts afterwards with :class:`HostGuard`.

    Streamlit 1.67 serves with Starlette on uvicorn (no tornado); ``UvicornServer.start``
    builds its app by calling ``create_starlette_app`` from its module, so replacing that name
    wraps the app uvicorn runs: every HTTP request and WebSocket upgrade, before any route.

    Parameters
    ----------
    allowed_hosts : collection of str
        Host names to serve (normalised here).
    proxied_hosts : collection of str, optional
        Names added by the user (``--allow-host``): served too, and also through a reverse
        proxy on the scheme's default port.

    Raises
    ------
    RuntimeError
        If this Streamlit builds its server differently: better not to start than to serve
        unguarded.
    """
    unguardable = RuntimeError("map-app cannot guard this Streamlit version's server (no "
                               "starlette_server.create_starlette_app); see map_app/_guard.py")
    try:
        from streamlit.web.server.starlette import starlette_server
    except ImportError:  # an older, tornado-based Streamlit
        raise unguardable from None
    make_app = getattr(starlette_server, "create_starlette_app", None)
    if make_app is None:
        raise unguardable
    proxied = frozenset(normalise_host(h) for h in proxied_hosts)
    hosts = frozenset(normalise_host(h) for h in allowed_hosts) | proxied

    def create_guarded_app(runtime: Runtime) -> HostGuard:
        return HostGuard(make_app(runtime), hosts, proxied)

    # typed as returning Starlette, but uvicorn.Config, its only caller, takes any ASGI app
    setattr(starlette_server, "create_starlette_app", create_guarded_app)  # noqa: B010


def install_from_env(environ: Mapping[str, str]) -> None:
    """:func:`install` with the comma-separated names in `ENV_HOSTS` and `ENV_EXTRA`.

    Without `ENV_HOSTS` only loopback is served.
    """
    def names(var: str) -> list[str]:
        return [h for h in environ.get(var, "").split(",") if h]

    install(names(ENV_HOSTS) or LOOPBACK, names(ENV_EXTRA))
