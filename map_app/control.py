"""Who held a place on a date, and how far it was from the front, from the user's own layers.

A *control layer* is dated snapshots of occupied territory, as DeepStateMap-style exports are
published: a GeoJSON (optionally gzipped) or GeoPackage file whose features carry a ``date``
property, a file named ``*_YYYYMMDD.geojson[.gz]`` holding one snapshot, or a folder of such
files. map_app ships none (the usual sources' terms are unclear): users bring their own.

For a place and a date, the snapshot used is the nearest on or before the date. The *line of
contact* of a snapshot is the boundary of its occupied area without the stretches along
international borders and the coast (what lies within :data:`EDGE_DEG` of Ukraine's outline);
the distance to the front is the geodesic distance to it, measured by the border engine
(:class:`map_app.distance.Lines`), **negative for a point inside the occupied area**.
"""
from __future__ import annotations

import bisect
import gzip
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

# A boundary stretch this close to the country's own outline (degrees, ~1.5 km) runs along an
# international border or the coast: it is no line of contact.
EDGE_DEG = 0.015
COUNTRY = "UA"  # whose outline bounds the lines of contact
_DATED_NAME = re.compile(r"_(\d{8})\.(?:geojson|json|gpkg)(?:\.gz)?$", re.I)


class ControlError(ValueError):
    """A control layer that cannot be read (one line, for the user)."""


@dataclass
class Snapshot:
    """The occupied area on one day."""

    day: date
    occupied: Any  # a shapely (Multi)Polygon
    source: str
    _key: str = field(default="", repr=False)


class ControlLayer:
    """Dated snapshots of occupied territory (see the module's docstring).

    Parameters
    ----------
    snapshots : list of Snapshot
        Any order; one per day.
    """

    def __init__(self, snapshots: list[Snapshot]):
        import shapely

        if not snapshots:
            raise ControlError("a control layer needs at least one dated snapshot")
        self.snapshots = sorted(snapshots, key=lambda s: s.day)
        self.days = [s.day for s in self.snapshots]
        for s in self.snapshots:
            # identical areas (a daily history repeating a monthly map) share one front index
            s._key = hashlib.sha1(shapely.to_wkb(s.occupied)).hexdigest()
            shapely.prepare(s.occupied)
        self._fronts: dict[str, Any] = {}

    def snapshot(self, when: date | None) -> Snapshot | None:
        """The snapshot nearest on or before ``when`` (None before the first, or without a
        date)."""
        if when is None:
            return None
        k = bisect.bisect_right(self.days, when) - 1
        return self.snapshots[k] if k >= 0 else None

    def snapshot_after(self, when: date | None) -> Snapshot | None:
        """The snapshot nearest on or after ``when`` (None after the last, or without a
        date): what a capture reported on ``when`` should show."""
        if when is None:
            return None
        k = bisect.bisect_left(self.days, when)
        return self.snapshots[k] if k < len(self.snapshots) else None

    def front(self, snap: Snapshot):
        """The line of contact of a snapshot, as a distance target
        (:class:`map_app.distance.Lines`)."""
        hit = self._fronts.get(snap._key)
        if hit is None:
            from .distance import Lines

            hit = self._fronts[snap._key] = Lines([line_of_contact(snap.occupied)])
        return hit

    def measure(self, lon: Any, lat: Any, when: date | None
                ) -> tuple[np.ndarray, np.ndarray, date | None]:
        """Whether each point was occupied on ``when`` and its signed distance (km) to the
        line of contact (negative inside the occupied area), and the snapshot's day; all
        NaN/None when no snapshot covers the date."""
        import shapely

        lon = np.atleast_1d(np.asarray(lon, dtype=float))
        lat = np.atleast_1d(np.asarray(lat, dtype=float))
        snap = self.snapshot(when)
        if snap is None:
            return np.full(lon.shape, np.nan), np.full(lon.shape, np.nan), None
        inside = shapely.contains_xy(snap.occupied, lon, lat)
        d, _ = self.front(snap).distance(lon, lat, exact=lon.size < 64)
        return inside, np.where(inside, -d, d), snap.day

    def measure_dated(self, lon: Any, lat: Any, days: list[date | None]
                      ) -> tuple[np.ndarray, np.ndarray, list[date | None]]:
        """:meth:`measure` for points with a date each: occupied (NaN where no snapshot
        covers the date), signed distance to the front, and each point's snapshot day. Points
        are grouped by snapshot, and snapshots of one area share one front."""
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        occupied = np.full(lon.shape, np.nan)
        km = np.full(lon.shape, np.nan)
        snap_day: list[date | None] = [None] * len(lon)
        groups: dict[int, list[int]] = {}
        for i, when in enumerate(days):
            k = -1 if when is None else bisect.bisect_right(self.days, when) - 1
            if k >= 0:
                groups.setdefault(k, []).append(i)
        for k, idx in groups.items():
            inside, d, day = self.measure(lon[idx], lat[idx], self.days[k])
            occupied[idx], km[idx] = inside, d
            for i in idx:
                snap_day[i] = day
        return occupied, km, snap_day

    def held(self, lon: Any, lat: Any) -> np.ndarray:
        """Whether each point was occupied at each snapshot: a (snapshots, points) array."""
        import shapely

        lon = np.atleast_1d(np.asarray(lon, dtype=float))
        lat = np.atleast_1d(np.asarray(lat, dtype=float))
        return np.array([shapely.contains_xy(s.occupied, lon, lat) for s in self.snapshots])

    def history(self, lon: float, lat: float) -> list[tuple[date, bool]]:
        """``(day, occupied)`` at each snapshot."""
        return [(d, bool(h)) for d, h in zip(self.days, self.held(lon, lat)[:, 0])]


def changes(history: list[tuple[date, bool]]) -> list[tuple[date, date, bool]]:
    """The changes of a :meth:`ControlLayer.history`: ``(last day before, first day after,
    occupied after)``."""
    return [(a[0], b[0], b[1]) for a, b in zip(history, history[1:]) if a[1] != b[1]]


@cache
def _country_inner(country: str) -> Any:
    """The country's outline shrunk by :data:`EDGE_DEG` (cached)."""
    import shapely

    from .borders import load_countries

    c = load_countries("de_jure")
    geom = c.loc[c["iso_a2"] == country].geometry.iloc[0]
    inner = shapely.buffer(geom, -EDGE_DEG)
    shapely.prepare(inner)
    return inner


def line_of_contact(occupied: Any, country: str = COUNTRY) -> Any:
    """The boundary of an occupied area without its stretches along the country's borders
    and coast: what lies inside the country's outline shrunk by :data:`EDGE_DEG`."""
    import shapely

    return shapely.intersection(shapely.boundary(occupied), _country_inner(country))


@cache
def load_control(path: str) -> ControlLayer:
    """:func:`read_control`, once per path in a process (each ingest worker reads the layer
    once, not once per article)."""
    return read_control(path)


def read_control(path: str | Path) -> ControlLayer:
    """A control layer from a file or a folder (see the module's docstring).

    Raises
    ------
    ControlError
        For a missing path, a file that is no GeoJSON/GeoPackage, or a snapshot without a
        date (neither a ``date`` property nor ``_YYYYMMDD`` in its name).
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if _DATED_NAME.search(p.name))
        if not files:
            raise ControlError(f"{path}: no *_YYYYMMDD.geojson snapshots in this folder")
        return ControlLayer([s for f in files for s in _read_file(f)])
    if not path.exists():
        raise ControlError(f"{path}: no such file or folder")
    return ControlLayer(_read_file(path))


def _read_frame(path: Path):
    """A GeoJSON (gzipped or not) or GeoPackage as a GeoDataFrame in WGS84 lon/lat; a file
    GDAL cannot read is a one-line :class:`ControlError`."""
    import geopandas as gpd

    try:
        if path.name.lower().endswith(".gz"):
            with gzip.open(path, "rb") as f:
                frame = gpd.read_file(io.BytesIO(f.read()))
        else:
            frame = gpd.read_file(path)
    except Exception as exc:  # noqa: BLE001  (GDAL, gzip and JSON each raise their own)
        raise ControlError(f"{path}: not a GeoJSON or GeoPackage "
                           f"({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})"
                           ) from None
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    return frame


def _read_file(path: Path) -> list[Snapshot]:
    import shapely

    frame = _read_frame(path)
    polys = frame[frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    if "date" in polys:
        out = []
        for day, part in polys.groupby(polys["date"].astype(str).str[:10]):
            out.append(Snapshot(_day(day, path), shapely.union_all(part.geometry.to_numpy()),
                                str(path)))
        return out
    m = _DATED_NAME.search(path.name)
    if m is None:
        raise ControlError(f"{path}: no date — give each feature a 'date' property or name "
                           "the file *_YYYYMMDD.geojson")
    return [Snapshot(_day(m.group(1), path), shapely.union_all(polys.geometry.to_numpy()),
                     str(path))]


def _day(text: str, path: Path) -> date:
    s = text.replace("-", "")
    try:
        return date(int(s[:4]), int(s[4:6]), int(s[6:8]))
    except ValueError:
        raise ControlError(f"{path}: {text!r} is not a date YYYY-MM-DD") from None


def check_front_claim(claim, layer: ControlLayer, lon: float, lat: float,
                      when: date | None) -> dict:
    """The verdict of a :class:`map_app.claims.FrontClaim` about the place at ``lon``,
    ``lat`` on ``when``: a distance against the line of contact of the snapshot on or before
    the date; "occupied" against that snapshot; a capture or a liberation against the first
    snapshot on or after it (what the layer shows once it happened). ``consistent``,
    ``inconsistent`` or ``unverifiable`` (no snapshot for the date), with the dates used."""
    import shapely

    after = claim.kind in ("captured", "liberated")
    snap = layer.snapshot_after(when) if after else layer.snapshot(when)
    out = {"text": claim.text, "kind": claim.kind, "claimed_km": claim.claimed_km,
           "tolerance_km": claim.tolerance_km, "computed_km": None,
           "event_date": when.isoformat() if when else None,
           "snapshot": snap.day.isoformat() if snap else None, "verdict": "unverifiable"}
    if snap is None:
        return out
    inside = bool(shapely.contains_xy(snap.occupied, lon, lat))
    if claim.kind == "distance":
        km = float(layer.front(snap).distance(lon, lat, exact=True)[0])
        out["computed_km"] = round(km, 2)
        ok = abs(km - claim.claimed_km) <= claim.tolerance_km
    else:
        ok = inside == (claim.kind != "liberated")
    out["verdict"] = "consistent" if ok else "inconsistent"
    return out
