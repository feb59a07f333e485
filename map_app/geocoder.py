"""Geocoders: one small uniform interface, many interchangeable providers.

Every geocoder here answers geopy's calls, ``geocode(query, exactly_one=True, ...)`` and
``reverse(point, exactly_one=True, ...)``, with :class:`geopy.location.Location` objects (or a
list of them, or None), so a :mod:`geopy.geocoders` class can stand in for any of them.

- :class:`OfflineGazetteer` answers from the shipped gazetteer: no network, no key, no limits.
- :class:`CachedGeocoder` wraps any geopy geocoder (Nominatim, a self-hosted instance …) with
  a disk cache, a rate limit, retries with exponential back-off, and a fall-back to the
  offline gazetteer when the service stays unreachable.
- :func:`get_geocoder` builds either from a name.

Examples
--------
>>> geocoder = get_geocoder("offline")
>>> geocoder.geocode("Sumy").address
'Sumy, Sumy Oblast, UA'
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from geopy.exc import (
    ConfigurationError,
    GeocoderAuthenticationFailure,
    GeocoderInsufficientPrivileges,
    GeocoderNotFound,
    GeocoderQueryError,
    GeocoderQuotaExceeded,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
)
from geopy.geocoders import Nominatim, get_geocoder_for_service
from geopy.location import Location
from geopy.point import Point

from ._geo import EARTH_RADIUS_KM, haversine_rad
from ._paths import cache_dir as user_cache_dir
from .gazetteer import Candidate, Gazetteer, load_gazetteer

__all__ = ["OfflineGazetteer", "CachedGeocoder", "get_geocoder", "default_cache_dir"]

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 10  # candidates returned when exactly_one=False, as Nominatim does

# Failures worth another try: the service was slow, down, or asked us to slow down.
RETRIABLE = (GeocoderTimedOut, GeocoderUnavailable, GeocoderRateLimited, GeocoderServiceError,
             ConnectionError, TimeoutError)
# Service errors that another try cannot fix (bad query, bad credentials, quota spent).
# GeocoderRateLimited subclasses GeocoderQuotaExceeded, so it is tested first.
FATAL = (GeocoderQueryError, GeocoderAuthenticationFailure, GeocoderInsufficientPrivileges,
         GeocoderQuotaExceeded, ConfigurationError)

# Structured (Nominatim-style) query keys, most specific first.
_STRUCTURED_KEYS = ("city", "county", "state", "country")
_COUNTRY_CODE = re.compile(r"^[A-Za-z]{2}$")


# ---- offline provider ------------------------------------------------------------------
class OfflineGazetteer:
    """Geocoder backed by the offline gazetteer.

    Parameters
    ----------
    gazetteer : Gazetteer, optional
        The gazetteer to answer from; defaults to :func:`map_app.gazetteer.load_gazetteer`,
        loaded on first use so constructing this class is free.

    Notes
    -----
    Names match exactly (ignoring case, diacritics, apostrophes and hyphens), as in
    :meth:`Gazetteer.lookup`. A comma-separated query ("Sumy, Sumy Oblast, UA") is looked up
    whole first, then as its first part restricted to the regions and countries named by the
    other parts, so the addresses this class returns geocode back to the same place.
    """

    def __init__(self, gazetteer: Gazetteer | None = None):
        self._gazetteer = gazetteer
        self._points: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer answering queries."""
        if self._gazetteer is None:
            self._gazetteer = load_gazetteer()
        return self._gazetteer

    # ---- geocode -----------------------------------------------------------------
    def geocode(
        self,
        query: str | dict,
        *,
        exactly_one: bool = True,
        limit: int | None = None,
        country_codes: str | list[str] | None = None,
        timeout: float | None = None,
    ) -> Location | list[Location] | None:
        """Return the place(s) a name refers to, likeliest first.

        Parameters
        ----------
        query : str or dict
            A place name, optionally qualified ("Andriivka, Sumy Oblast"), or a structured
            query with Nominatim's keys (``city``, ``county``, ``state``, ``country``).
        exactly_one : bool
            Return the likeliest Location only, else a list.
        limit : int, optional
            Most Locations returned when ``exactly_one`` is False; default 10.
        country_codes : str or list of str, optional
            Keep only places in these ISO 3166-1 alpha-2 countries.
        timeout : float, optional
            Ignored; accepted so callers can swap this class for a network geocoder.

        Returns
        -------
        geopy.location.Location, list of Location, or None
            Address "name, admin1 name, country code"; ``raw`` is
            :meth:`Candidate.to_dict`. None when nothing matches.
        """
        text = _query_text(query)
        if not text:
            return None
        cands = self._lookup(text)
        if country_codes:
            codes = {country_codes.upper()} if isinstance(country_codes, str) else {
                c.upper() for c in country_codes}
            cands = [c for c in cands if c.country_code in codes]
        if not cands:
            return None
        if exactly_one:
            return _location(cands[0])
        return [_location(c) for c in cands[:limit or DEFAULT_LIMIT]]

    def _lookup(self, text: str) -> list[Candidate]:
        g = self.gazetteer
        cands = g.lookup(text)
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if cands or len(parts) < 2:
            return cands
        cands = g.lookup(parts[0])
        for part in parts[1:]:
            areas = self._areas(part)
            if areas:  # a qualifier we cannot place narrows nothing
                cands = [c for c in cands if (c.country_code, None) in areas
                         or (c.country_code, c.admin1) in areas]
        return cands

    def _areas(self, part: str) -> set[tuple[str, str | None]]:
        """(country, admin1 or None) pairs a qualifier such as "Sumy Oblast" or "UA" names."""
        if _COUNTRY_CODE.match(part):
            return {(part.upper(), None)}
        return {(c.country_code, c.admin1 if c.kind == "region" else None)
                for c in self.gazetteer.lookup(part) if c.kind in ("country", "region")}

    # ---- reverse -----------------------------------------------------------------
    def reverse(
        self,
        query: Point | tuple[float, float] | str,
        *,
        exactly_one: bool = True,
        limit: int | None = None,
        max_distance_km: float | None = None,
        timeout: float | None = None,
    ) -> Location | list[Location] | None:
        """Return the nearest populated place(s) (GeoNames feature class P) to a point.

        Parameters
        ----------
        query : geopy.point.Point, (lat, lon) or "lat, lon"
            The point, WGS84 degrees.
        exactly_one : bool
            Return the nearest Location only, else a list, nearest first.
        limit : int, optional
            Most Locations returned when ``exactly_one`` is False; default 10.
        max_distance_km : float, optional
            Ignore places farther than this (great-circle distance).
        timeout : float, optional
            Ignored; accepted for interface compatibility.

        Returns
        -------
        geopy.location.Location, list of Location, or None
            ``raw`` is the candidate dict plus ``distance_km``.
        """
        p = Point(query)
        rows, lat, lon = self._populated()
        k = 1 if exactly_one else min(limit or DEFAULT_LIMIT, rows.size)
        if k == 0:
            return None
        # Points are sorted by latitude, so a band |Δlat| <= w is a slice. Anything outside the
        # band is at least w degrees of arc away: once the k-th nearest inside is closer than
        # that the answer is exact. Widening the band by doubling keeps a query ~1 ms.
        phi, lam = math.radians(p.latitude), math.radians(p.longitude)
        w = math.radians(0.5)
        while True:
            lo_i, hi_i = np.searchsorted(lat, [phi - w, phi + w])
            d = haversine_rad(phi, lam, lat[lo_i:hi_i], lon[lo_i:hi_i])
            if d.size >= k and (w >= math.pi or np.partition(d, k - 1)[k - 1]
                                <= w * EARTH_RADIUS_KM):
                break
            w *= 2.0
        near = np.argpartition(d, k - 1)[:k]
        near = near[np.argsort(d[near], kind="stable")]
        d, rows = d[near], rows[lo_i:hi_i][near]
        if max_distance_km is not None:
            keep = d <= max_distance_km
            d, rows = d[keep], rows[keep]
        locs = [_location(self.gazetteer.candidate(int(i)), distance_km=round(float(km), 3))
                for i, km in zip(rows, d)]
        if not locs:
            return None
        return locs[0] if exactly_one else locs

    def _populated(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows, latitudes and longitudes (radians) of populated places sorted by latitude,
        built once."""
        if self._points is None:
            g = self.gazetteer
            rows = np.flatnonzero(g.col("fclass") == g.table("fclass").index("P"))
            lat = np.radians(g.col("lat")[rows].astype(np.float64))
            order = np.argsort(lat, kind="stable")
            rows, lat = rows[order], lat[order]
            self._points = (rows, lat, np.radians(g.col("lon")[rows].astype(np.float64)))
        return self._points


def _location(c: Candidate, **extra: Any) -> Location:
    parts: list[str] = []
    for p in (c.name, c.admin1_name, c.country_code):
        if p and p not in parts:
            parts.append(p)
    return Location(", ".join(parts), (c.lat, c.lon), {**c.to_dict(), **extra})


def _query_text(query: str | dict) -> str:
    """A free-text form of a query; structured queries become "city, state, country"."""
    if isinstance(query, dict):
        query = ", ".join(str(query[k]) for k in _STRUCTURED_KEYS if query.get(k))
    return " ".join(str(query).split())


# ---- cached network provider ------------------------------------------------------------
def default_cache_dir() -> Path:
    """``geocode/`` in the user's map_app cache (:func:`map_app._paths.cache_dir`:
    ``MAP_APP_CACHE``, else ``~/.cache/map_app``)."""
    return user_cache_dir() / "geocode"


class CachedGeocoder:
    """A geopy geocoder behind a disk cache, a rate limit, retries and an offline fall-back.

    Parameters
    ----------
    provider : geopy.geocoders.base.Geocoder
        Any object with geopy's ``geocode``/``reverse`` methods, e.g.
        ``Nominatim(user_agent="map_app", domain="127.0.0.1:8080", scheme="http")``.
    cache_dir : path-like, optional
        Folder of the cache; default :func:`default_cache_dir`.
    min_delay_seconds : float
        Least time between two network calls of this instance (Nominatim's usage policy
        asks for one second). Cache hits do not count.
    max_retries : int
        Further attempts after a failed first call; so ``max_retries + 1`` calls at most.
    backoff_seconds : float
        Wait before the first retry; doubled before each next one.
    max_backoff_seconds : float
        Cap on back-off waits. A ``Retry-After`` longer than this ends the retries instead
        of blocking the caller.
    fallback : geocoder, str or None
        Answers when the provider keeps failing: a geocoder, a :func:`get_geocoder` name
        (default ``"offline"``, the :class:`OfflineGazetteer`), or None to raise instead.
    timeout : float, optional
        Per-request timeout passed to the provider; default the provider's own.
    sleep, clock : callable
        ``time.sleep`` and ``time.monotonic`` by default; injectable so tests never wait.

    Attributes
    ----------
    last_source : str or None
        Where the last answer came from: ``"cache"``, ``"network"`` or ``"offline-fallback"``.
    last_error : Exception or None
        The provider's last failure when the fall-back answered.

    Notes
    -----
    The cache is one JSON file per query, ``<cache_dir>/<sha[:2]>/<sha>.json``, where ``sha``
    is the SHA-256 of the key: provider class and domain, method, normalised query
    (NFC, case-folded, white space collapsed), ``exactly_one`` and the other options. A file
    holds the key (guarding against collisions) and the answer, None included, so known
    misses stay off the network too. Files are written to a temporary name and renamed, so
    readers never see half a file and concurrent writers are harmless. Fall-back answers are
    not cached: the service is asked again next time.

    The wrapper owns retries: it switches off the transport retries of geopy's ``requests``
    adapter on ``provider``, which would otherwise retry time-outs unseen and sleep out any
    ``Retry-After``, however long, on the real clock.
    """

    def __init__(
        self,
        provider: Any,
        cache_dir: str | os.PathLike | None = None,
        *,
        min_delay_seconds: float = 1.0,
        max_retries: int = 3,
        backoff_seconds: float = 1.0,
        max_backoff_seconds: float = 60.0,
        fallback: Any = "offline",
        timeout: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.provider = provider
        _own_retries(provider)
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
        self.min_delay_seconds = float(min_delay_seconds)
        self.max_retries = int(max_retries)
        self.backoff_seconds = float(backoff_seconds)
        self.max_backoff_seconds = float(max_backoff_seconds)
        self.fallback = get_geocoder(fallback) if isinstance(fallback, str) else fallback
        self.timeout = timeout
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()  # serialises network calls so the delay holds across threads
        self._last_call: float | None = None
        self.last_source: str | None = None
        self.last_error: Exception | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.provider!r}, cache_dir={str(self.cache_dir)!r})"

    def geocode(self, query: str | dict, *, exactly_one: bool = True,
                **kwargs: Any) -> Location | list[Location] | None:
        """Geocode ``query`` through the cache; options are passed to the provider.

        Returns
        -------
        geopy.location.Location, list of Location, or None
            As the provider returns them; from the fall-back (``raw["source"] ==
            "offline-fallback"``) when the provider failed.
        """
        return self._call("geocode", query, exactly_one, kwargs)

    def reverse(self, query: Point | tuple[float, float] | str, *, exactly_one: bool = True,
                **kwargs: Any) -> Location | list[Location] | None:
        """Reverse-geocode a point through the cache; see :meth:`geocode`."""
        return self._call("reverse", query, exactly_one, kwargs)

    # ---- internals ---------------------------------------------------------------
    def _call(self, method: str, query: Any, exactly_one: bool, kwargs: dict):
        timeout = kwargs.pop("timeout", self.timeout)
        key = self._key(method, query, exactly_one, kwargs)
        path = self._path(key)
        hit, result = self._read(path, key)
        if hit:
            self.last_source, self.last_error = "cache", None
            return result
        call_kwargs = dict(kwargs, exactly_one=exactly_one)
        if timeout is not None:  # geopy reads timeout=None as "no timeout": only pass a value
            call_kwargs["timeout"] = timeout
        try:
            result = self._fetch(method, query, call_kwargs)
        except (*RETRIABLE, *FATAL) as error:
            if self.fallback is None:
                raise
            return self._fall_back(method, query, exactly_one, kwargs, error)
        self._write(path, key, result)
        self.last_source, self.last_error = "network", None
        return result

    def _fetch(self, method: str, query: Any, kwargs: dict):
        """Call the provider, retrying transient failures with exponential back-off."""
        call = getattr(self.provider, method)
        for attempt in range(self.max_retries + 1):
            self._wait_turn()
            try:
                return call(query, **kwargs)
            except FATAL as error:
                if not isinstance(error, GeocoderRateLimited):
                    raise
                delay = error.retry_after
                if delay is None:
                    delay = self._backoff(attempt)
                elif delay > self.max_backoff_seconds:
                    raise  # waiting that long would freeze the caller; fall back instead
                self._retry_or_raise(attempt, error, delay)
            except RETRIABLE as error:
                self._retry_or_raise(attempt, error, self._backoff(attempt))
        raise AssertionError("unreachable")  # the loop returns or raises

    def _retry_or_raise(self, attempt: int, error: Exception, delay: float) -> None:
        if attempt >= self.max_retries:
            raise error
        logger.info("%s failed (%s: %s); retry %d/%d in %.1f s", type(self.provider).__name__,
                    type(error).__name__, error, attempt + 1, self.max_retries, delay)
        self._sleep(delay)

    def _backoff(self, attempt: int) -> float:
        return min(self.backoff_seconds * 2.0 ** attempt, self.max_backoff_seconds)

    def _wait_turn(self) -> None:
        """Sleep until ``min_delay_seconds`` have passed since this instance's last call."""
        with self._lock:
            if self._last_call is not None:
                wait = self._last_call + self.min_delay_seconds - self._clock()
                if wait > 0:
                    self._sleep(wait)
            self._last_call = self._clock()

    def _fall_back(self, method: str, query: Any, exactly_one: bool, kwargs: dict,
                   error: Exception):
        logger.warning("%s failed for %r (%s: %s); answering from %r",
                       type(self.provider).__name__, query, type(error).__name__, error,
                       self.fallback)
        self.last_source, self.last_error = "offline-fallback", error
        # pass on only the options every provider understands
        options = {k: kwargs[k] for k in ("limit", "country_codes") if k in kwargs}
        result = getattr(self.fallback, method)(query, exactly_one=exactly_one, **options)
        for loc in ([result] if isinstance(result, Location) else result or []):
            loc.raw["source"] = "offline-fallback"
        return result

    def _key(self, method: str, query: Any, exactly_one: bool, kwargs: dict) -> dict:
        if method == "reverse":
            p = Point(query)
            q: Any = f"{p.latitude:.6f},{p.longitude:.6f}"
        elif isinstance(query, dict):
            q = {k: _norm(str(v)) for k, v in sorted(query.items())}
        else:
            q = _norm(str(query))
        cls = type(self.provider)
        return {
            "v": 1,
            "provider": f"{cls.__module__}.{cls.__qualname__}",
            # a self-hosted server and the public one may disagree: keep them apart
            "domain": getattr(self.provider, "domain", None),
            "method": method,
            "query": q,
            "exactly_one": bool(exactly_one),
            "options": json.loads(json.dumps(kwargs, sort_keys=True, default=str)),
        }

    def _path(self, key: dict) -> Path:
        digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode("utf-8")).hexdigest()
        return self.cache_dir / digest[:2] / f"{digest}.json"

    def _read(self, path: Path, key: dict) -> tuple[bool, Any]:
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            if entry["key"] != key:  # a hash collision: treat as a miss
                return False, None
            return True, _from_json(entry["result"])
        except FileNotFoundError:
            return False, None
        except (OSError, ValueError, LookupError, TypeError) as error:
            # a damaged file costs one network call, never an exception
            logger.warning("ignoring unreadable geocode cache file %s: %s", path, error)
            return False, None

    def _write(self, path: Path, key: dict, result: Any) -> None:
        entry = {"key": key, "created": time.time(), "result": _to_json(result)}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump(entry, f, ensure_ascii=False, default=str)
                os.replace(tmp, path)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError as error:  # a read-only cache must not break geocoding
            logger.warning("could not write geocode cache file %s: %s", path, error)


def _own_retries(provider: Any) -> None:
    """One HTTP request per attempt: no urllib3 retries inside geopy's RequestsAdapter."""
    session = getattr(getattr(provider, "adapter", None), "session", None)
    transports = getattr(session, "adapters", None)
    if not transports:  # URLLibAdapter, aiohttp or a non-geopy provider: nothing retries
        return
    from urllib3.util.retry import Retry  # present whenever requests is

    for transport in transports.values():
        if hasattr(transport, "max_retries"):
            # read=False re-raises read time-outs as such (geopy: GeocoderTimedOut)
            transport.max_retries = Retry(0, read=False, respect_retry_after_header=False)


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _to_json(result: Location | list[Location] | None) -> Any:
    if result is None:
        return None
    if isinstance(result, Location):
        return {"address": result.address, "point": list(result.point), "raw": result.raw}
    return [_to_json(r) for r in result]


def _from_json(data: Any) -> Location | list[Location] | None:
    if data is None:
        return None
    if isinstance(data, list):
        return [_from_json(d) for d in data]
    return Location(data["address"], Point(*data["point"]), data["raw"])


# ---- factory ----------------------------------------------------------------------------
_CACHE_OPTIONS = ("cache_dir", "min_delay_seconds", "max_retries", "backoff_seconds",
                  "max_backoff_seconds", "fallback", "timeout", "sleep", "clock")


def get_geocoder(name: str = "offline", **kwargs: Any) -> OfflineGazetteer | CachedGeocoder:
    """Build a geocoder from its name.

    Parameters
    ----------
    name : str
        ``"offline"`` for the :class:`OfflineGazetteer`; ``"nominatim"`` or any other
        :func:`geopy.geocoders.get_geocoder_for_service` name for that service wrapped in a
        :class:`CachedGeocoder`.
    **kwargs
        For ``"offline"``: :class:`OfflineGazetteer`'s. For services: the
        :class:`CachedGeocoder` options (``cache_dir``, ``min_delay_seconds``,
        ``max_retries``, ``backoff_seconds``, ``max_backoff_seconds``, ``fallback``,
        ``timeout``, ``sleep``, ``clock``); the rest go to the geopy class (``domain``,
        ``scheme``, ``api_key`` …). Nominatim's ``user_agent`` defaults to ``"map_app"``.

    Returns
    -------
    OfflineGazetteer or CachedGeocoder

    Raises
    ------
    ValueError
        For an unknown name.
    """
    key = name.strip().lower()
    if key in ("offline", "gazetteer"):
        return OfflineGazetteer(**kwargs)
    wrapper = {k: kwargs.pop(k) for k in _CACHE_OPTIONS if k in kwargs}
    if key == "nominatim":
        kwargs.setdefault("user_agent", "map_app")
        return CachedGeocoder(Nominatim(**kwargs), **wrapper)
    try:
        cls = get_geocoder_for_service(key)
    except GeocoderNotFound:
        raise ValueError(f"unknown geocoder {name!r}: use 'offline', 'nominatim' or a geopy "
                         "service name") from None
    return CachedGeocoder(cls(**kwargs), **wrapper)
