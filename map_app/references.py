"""Reference layers: any line or area a user names as a distance target (a river, a pipeline,
a buffer zone), given as ``NAME=FILE`` (GeoJSON, gzipped or not, or GeoPackage).

Each place is measured to each layer by the border engine (:class:`map_app.distance.Lines`):
the geodesic distance to its lines, or to an area's boundary — negative inside the area, as
for the occupied area of :mod:`map_app.control`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")


class ReferenceError(ValueError):
    """A reference layer that cannot be read (one line, for the user)."""


@dataclass
class Reference:
    """A named distance target: its geometry (lines, or areas) and the engine over it."""

    name: str
    geometry: Any
    areas: bool
    target: Any

    def distance(self, lon: Any, lat: Any) -> np.ndarray:
        """Geodesic distance (km) of each point to the layer, negative inside its areas."""
        import shapely

        lon = np.atleast_1d(np.asarray(lon, dtype=float))
        lat = np.atleast_1d(np.asarray(lat, dtype=float))
        d, _ = self.target.distance(lon, lat, exact=lon.size < 64)
        if self.areas:
            d = np.where(shapely.contains_xy(self.geometry, lon, lat), -d, d)
        return d


def parse_spec(spec: str) -> tuple[str, Path]:
    """``"dnipro=river.geojson"`` -> ``("dnipro", Path("river.geojson"))``; the name is
    lower-case letters, digits and ``_`` (it becomes ``distance_to_<name>_km``)."""
    name, sep, file = spec.partition("=")
    name = name.strip().lower()
    if not sep or not file.strip():
        raise ReferenceError(f"--reference takes NAME=FILE, not {spec!r}")
    if not _NAME.fullmatch(name):
        raise ReferenceError(f"reference name {name!r}: use lower-case letters, digits and _ "
                             "(it names the field distance_to_<name>_km)")
    return name, Path(file.strip())


@cache
def load_reference(spec: str) -> Reference:
    """:func:`read_reference`, once per spec in a process."""
    return read_reference(spec)


def read_reference(spec: str) -> Reference:
    """The reference layer of a ``NAME=FILE`` spec.

    Raises
    ------
    ReferenceError
        For a bad spec, a missing or unreadable file, or one without lines or areas.
    """
    import shapely

    from .control import ControlError, _read_frame
    from .distance import Lines

    name, path = parse_spec(spec)
    if not path.exists():
        raise ReferenceError(f"{path}: no such file")
    try:
        frame = _read_frame(path)
    except ControlError as exc:
        raise ReferenceError(str(exc)) from None
    geoms = frame.geometry.to_numpy()
    kinds = set(frame.geometry.geom_type)
    if kinds & {"Polygon", "MultiPolygon"}:
        area = shapely.union_all(geoms[np.isin(frame.geometry.geom_type,
                                               ["Polygon", "MultiPolygon"])])
        shapely.prepare(area)
        return Reference(name, area, True, Lines([shapely.boundary(area)]))
    lines = geoms[np.isin(frame.geometry.geom_type, ["LineString", "MultiLineString"])]
    if not len(lines):
        raise ReferenceError(f"{path}: no lines or areas in it")
    return Reference(name, shapely.union_all(lines), False, Lines(list(lines)))
