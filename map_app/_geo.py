"""Great-circle distances on a sphere of the Earth's mean radius (fast, for ranking)."""
from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def haversine_rad(lat1, lon1, lat2, lon2):
    """Great-circle distance in km between points given in radians (broadcast)."""
    h = (np.sin((lat2 - lat1) / 2.0) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2.0) ** 2)
    return haversine_term_km(h)


def haversine_term_km(h):
    """Great-circle distance in km for the haversine term ``h = sin²(angle / 2)``; for unit
    vectors ``u``, ``v`` that is ``(1 - u·v) / 2``."""
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def unit_vectors(lon, lat) -> np.ndarray:
    """Points given in degrees as unit vectors on the sphere, shape ``(..., 3)``."""
    lam, phi = np.radians(lon), np.radians(lat)
    c = np.cos(phi)
    out = np.empty(np.shape(lam) + (3,))  # filled in place: np.stack costs more on small sets
    np.multiply(c, np.cos(lam), out=out[..., 0])
    np.multiply(c, np.sin(lam), out=out[..., 1])
    np.sin(phi, out=out[..., 2])
    return out


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km between points given in degrees (broadcast)."""
    return haversine_rad(*map(np.radians, (lat1, lon1, lat2, lon2)))


def destination(lat, lon, bearing, km):
    """The point ``km`` from (``lat``, ``lon``) on the initial ``bearing`` (degrees clockwise
    from north), on the sphere: ``(lat, lon)`` in degrees (broadcast)."""
    phi, lam, theta = np.radians(lat), np.radians(lon), np.radians(bearing)
    d = np.asarray(km, dtype=float) / EARTH_RADIUS_KM
    phi2 = np.arcsin(np.sin(phi) * np.cos(d) + np.cos(phi) * np.sin(d) * np.cos(theta))
    lam2 = lam + np.arctan2(np.sin(theta) * np.sin(d) * np.cos(phi),
                            np.cos(d) - np.sin(phi) * np.sin(phi2))
    return np.degrees(phi2), (np.degrees(lam2) + 540.0) % 360.0 - 180.0
