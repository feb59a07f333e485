"""How far points are from international land borders: the one engine.

Every caller asks here: the pipeline (distances and claims), the ranking of candidates by a
stated distance (:mod:`map_app.places`), the app's click, ``map-app distance`` and the
benchmark. One vocabulary: a *border*
is the key of two neighbours, their ISO 3166-1 alpha-2 codes sorted and joined by "-"
(``"RU-UA"``; any order, case or dash is accepted), :func:`border_names` lists them, and
results name the border found ``nearest_border``. :mod:`map_app.borders` loads the tables and
answers point-in-country.

:func:`border_distance`
    Geodesic distance in km and which border, for millions of points per second on one
    core once the quadtree of the region is built (below).
:func:`nearest_border`
    The distance measured on the ellipsoid to the nearest point of the border, that point
    and the border's key; optionally the point's country and flags for Crimea and for
    points at sea. Builds nothing per region: for documents, clicks and commands.

Both take ``view`` (``"de_jure"`` or ``"de_facto"``), ``border`` (one border only) and
``country`` (only that country's land borders), and broadcast scalars or arrays.

Method
------
Border lines (:func:`map_app.borders.load_borders`) are taken as great-circle arcs between
their vertices and split into pieces of at most :data:`MAX_SEGMENT_KM`. Vertices go to
Earth-centred (ECEF) coordinates on the WGS84 ellipsoid, so each piece is a straight 3-D chord
(it sags at most 0.5 m below the surface).

A lazily built quadtree over longitude/latitude, one root per 1° x 1° tile, stores for every
leaf cell every chord that can hold the nearest border point of some point of the cell:

* the *band*: chords whose 3-D distance from the cell centre ``c`` is at most ``D(c) + 2r``,
  with ``D(c)`` the distance from ``c`` to the border and ``r`` the cell's radius (a point
  ``q`` of the cell is within ``D(c) + r`` of the border, hence its nearest border point is
  within ``D(c) + 2r`` of ``c``);
* of the band, only chords whose perpendicular slab (or the wedge beyond their end vertex)
  reaches the cell, since a nearest point inside a chord is a perpendicular foot.

Cells split until at most :data:`MAX_CANDIDATES` chords remain, so a query is a descent of
the tree and an exact point-to-chord distance to a handful of chords, in NumPy.

Far from every border a coarser copy of the lines serves: a tile whose points are all at
least ``D`` from the border uses the lines simplified (Douglas-Peucker, in 3-D) by at most
``2e-4 D``, which moves no distance by more than that. Open-ocean tiles thus need few cells.

The 3-D chord ``c`` to the nearest point becomes a geodesic distance with the radius of
curvature ``rho`` of the ellipsoid in the chord's azimuth at mid-latitude,
``2 rho asin(c / 2 rho)``: within 3e-6 of :meth:`pyproj.Geod.inv` up to 2,000 km and 6e-5 up
to 5,000 km (checked against it). Beyond :data:`EXACT_ABOVE_KM` the distance comes from
:meth:`pyproj.Geod.inv` itself.

:func:`nearest_border` searches the same chords at full detail with the k-d tree of their
midpoints (a chord is no farther than its midpoint, and any nearer chord has its midpoint
within half a chord more), then measures the nearest few to their nearest point with
:meth:`pyproj.Geod.inv`.

Accuracy
--------
Against :meth:`pyproj.Geod.inv` to the same border geometry the relative error is at most
0.1% (measured: below 2.5e-4, see ``benchmarks/bench_distance.py``), or at most
:data:`ABS_FLOOR_KM` (20 m) absolute for points closer than 20 km to a border, where the chord
sag (0.5 m at most) is not small relative to the distance (measured: below 1 m).
:func:`nearest_border` is within metres of it at any distance.
"""
from __future__ import annotations

import threading
from functools import cache, lru_cache
from typing import Any

import numpy as np
import pandas as pd
import shapely
from pyproj import Geod
from scipy.spatial import cKDTree

from map_app import borders as _borders
from map_app._geo import unit_vectors

__all__ = [
    "ABS_FLOOR_KM",
    "CRIMEA_NOTE",
    "OFFSHORE_NOTE",
    "border_distance",
    "border_names",
    "nearest_border",
]

# WGS84
_A = 6378.137
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)
_GEOD = Geod(ellps="WGS84")
_R_MEAN = 6371.0088

#: Border pieces longer than this (km) are split along the great circle (sag <= 0.5 m).
MAX_SEGMENT_KM = 5.0
#: Leaves hold at most this many chords, unless they are already ~30 m small.
MAX_CANDIDATES = 8
#: Chords longer than this (km) are converted to distance with pyproj.Geod instead.
EXACT_ABOVE_KM = 5000.0
#: Absolute error floor (km) of the accuracy guarantee, for points very near a border.
ABS_FLOOR_KM = 0.02

CRIMEA_NOTE = "Crimea: de jure Ukraine, occupied by Russia since 2014"
OFFSHORE_NOTE = ("offshore: distance to the nearest land border "
                 "(maritime boundaries are not measured)")

# levels of detail: Douglas-Peucker tolerances (km); a tile whose points are all at least D
# from the border uses the coarsest level with tolerance <= _LOD_REL * D
_LOD_KM = np.array([0.0, 0.015, 0.03, 0.06, 0.125, 0.25, 0.5, 1.0])
_LOD_REL = 2e-4
_LOD_WIDE = 4  # from this level on, leaves may hold twice MAX_CANDIDATES chords
_MAX_LEVEL = 12
_MIN_CELL_DEG = 2.0**-_MAX_LEVEL  # ~27 m: deeper splits cannot shrink a leaf any further
_CLASSES = 16  # leaf tables hold 1, 2, 4, ... 2**15 candidates
_BLOCK = 1 << 16  # points per block: keeps memory flat and temporaries in cache
_CHUNK = 1 << 16  # (point, candidate) pairs per block of the candidate search
_MAX_PAIRS = 2_000_000  # (cell, chord) pairs per build block, bounds build memory
# boundary samples of a cell (unit square) for its radius: corners and edge midpoints; with the
# 1% margin of _cells they bound the true radius (checked from 0 to 90°N, 1° to 2**-12°)
_BX = np.array([0.0, 0.5, 1.0, 1.0, 1.0, 0.5, 0.0, 0.0])
_BY = np.array([0.0, 0.0, 0.0, 0.5, 1.0, 1.0, 1.0, 0.5])


# ---------------------------------------------------------------------------
# geometry helpers


def _ecef(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """WGS84 geodetic degrees (height 0) to Earth-centred coordinates in km, shape (..., 3)."""
    lam, phi = np.radians(lon), np.radians(lat)
    sphi, cphi = np.sin(phi), np.cos(phi)
    n = _A / np.sqrt(1.0 - _E2 * sphi * sphi)
    return np.stack([n * cphi * np.cos(lam), n * cphi * np.sin(lam), n * (1.0 - _E2) * sphi],
                    axis=-1)


def _geodetic(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude (degrees) of points on, or a few metres below, the ellipsoid."""
    lon = np.degrees(np.arctan2(p[..., 1], p[..., 0]))
    lat = np.degrees(np.arctan2(p[..., 2], (1.0 - _E2) * np.hypot(p[..., 0], p[..., 1])))
    return lon, lat


def _point_chord(p: np.ndarray, a: np.ndarray, d: np.ndarray, inv2: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Distance from points ``p`` to chords ``a + t d`` (t in [0, 1]) and the ``t`` of the foot."""
    w = p - a
    t = np.einsum("ij,ij->i", w, d) * inv2
    np.clip(t, 0.0, 1.0, out=t)
    e = w - t[:, None] * d
    return np.sqrt(np.einsum("ij,ij->i", e, e)), t


# ---------------------------------------------------------------------------
# border geometry


def _densify(borders: Any, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vertices (ECEF km) of the border lines, split to :data:`MAX_SEGMENT_KM` along great circles.

    Returns the vertices, the line of each vertex (lines are contiguous) and the border row of
    each line.
    """
    lines, line_row = shapely.get_parts(borders.geometry.to_numpy(), return_index=True)
    coords, line_of = shapely.get_coordinates(lines, return_index=True)
    # drop repeated vertices: a zero-length chord has no direction
    dup = np.r_[False, (line_of[1:] == line_of[:-1]) & np.all(coords[1:] == coords[:-1], axis=1)]
    coords, line_of = coords[~dup], line_of[~dup]
    ok = np.bincount(line_of, minlength=len(lines))[line_of] >= 2
    coords, line_of = coords[ok], line_of[ok]
    if not len(coords):
        return np.zeros((0, 3)), np.zeros(0, dtype=np.int64), rows[line_row].astype(np.int32)

    # geodetic coordinates on the unit sphere: the border lines are great-circle arcs
    u = unit_vectors(coords[:, 0], coords[:, 1])
    last = np.r_[line_of[1:] != line_of[:-1], True]
    theta = np.zeros(len(u))
    cross = np.linalg.norm(np.cross(u[:-1], u[1:]), axis=1)
    theta[:-1] = np.arctan2(cross, np.einsum("ij,ij->i", u[:-1], u[1:]))
    pieces = np.where(last, 1, np.maximum(1, np.ceil(theta * _R_MEAN / MAX_SEGMENT_KM)))
    pieces = pieces.astype(np.int64)
    src = np.repeat(np.arange(len(u)), pieces)
    frac = (np.arange(len(src)) - np.repeat(np.cumsum(pieces) - pieces, pieces)) / pieces[src]
    nxt = np.minimum(src + 1, len(u) - 1)
    th = theta[src]
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.sin(th)
        wa = np.where(th > 1e-12, np.sin((1 - frac) * th) / s, 1 - frac)
        wb = np.where(th > 1e-12, np.sin(frac * th) / s, frac)
    v = wa[:, None] * u[src] + wb[:, None] * u[nxt]
    v /= np.linalg.norm(v, axis=1)[:, None]
    vlon = np.degrees(np.arctan2(v[:, 1], v[:, 0]))
    vlat = np.degrees(np.arcsin(np.clip(v[:, 2], -1, 1)))
    return _ecef(vlon, vlat), line_of[src], rows[line_row].astype(np.int32)


def _significance(verts: np.ndarray, vline: np.ndarray) -> np.ndarray:
    """Douglas-Peucker tolerance (km, 3-D) below which each vertex is kept; inf at line ends.

    One run serves every tolerance: a vertex is kept at tolerance ``eps`` exactly when its
    value exceeds ``eps``, so coarser levels keep subsets of the vertices of finer ones.
    """
    sig = np.zeros(len(verts))
    if not len(verts):
        return sig
    first = np.flatnonzero(np.r_[True, vline[1:] != vline[:-1]])
    final = np.r_[first[1:], len(verts)] - 1
    sig[first] = sig[final] = np.inf
    lo, hi, cap = first, final, np.full(len(first), np.inf)
    while True:
        inner = hi - lo - 1
        m = inner > 0
        lo, hi, cap, inner = lo[m], hi[m], cap[m], inner[m]
        if not len(lo):
            return sig
        iv = np.repeat(np.arange(len(lo)), inner)
        offs = np.cumsum(inner) - inner
        k = lo[iv] + 1 + np.arange(len(iv)) - offs[iv]
        a, d = verts[lo], verts[hi] - verts[lo]
        len2 = np.einsum("ij,ij->i", d, d)
        inv2 = np.divide(1.0, len2, out=np.zeros_like(len2), where=len2 > 0)
        dist, _ = _point_chord(verts[k], a[iv], d[iv], inv2[iv])
        top = np.maximum.reduceat(dist, offs)
        hit = np.flatnonzero(dist == top[iv])
        pick = k[hit[np.unique(iv[hit], return_index=True)[1]]]
        # a vertex never outlives the split that exposed it: keeps the levels nested
        s = np.minimum(top, cap)
        sig[pick] = s
        lo, hi, cap = np.r_[lo, pick], np.r_[pick, hi], np.r_[s, s]


def _cells(x0: np.ndarray, y0: np.ndarray, size: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centre (ECEF km) and a radius (km) bounding every point of lon/lat cells from the centre."""
    c = _ecef(x0 + size / 2, y0 + size / 2)
    b = _ecef(x0[:, None] + _BX * size[:, None], y0[:, None] + _BY * size[:, None])
    r = np.linalg.norm(b - c[:, None, :], axis=2).max(axis=1) * 1.01 + 1e-3
    return c, r


class _Chords:
    """One level of detail of the border lines as 3-D chords, with its lazily built quadtree."""

    def __init__(self, verts: np.ndarray, vline: np.ndarray, line_row: np.ndarray,
                 max_candidates: int):
        self.max_candidates = max_candidates
        same = vline[:-1] == vline[1:]
        start = np.flatnonzero(same)
        self.a = verts[start]
        self.d = verts[start + 1] - self.a
        length = np.linalg.norm(self.d, axis=1)
        self.length = length
        # a ring reduced to its closing point is a zero-length chord: t = 0, its distance
        # is the distance to the point
        self.inv2 = np.divide(1.0, length * length, out=np.zeros_like(length), where=length > 0)
        inv_len = np.divide(1.0, length, out=np.zeros_like(length), where=length > 0)
        self.t = self.d * inv_len[:, None]
        seg_line = vline[start]
        self.row = line_row[seg_line]
        first = np.r_[True, seg_line[1:] != seg_line[:-1]]
        final = np.r_[seg_line[1:] != seg_line[:-1], True]
        first_idx = np.flatnonzero(first)
        line_first = np.repeat(first_idx, np.diff(np.r_[first_idx, len(start)]))
        # a ring closes on itself: no open ends, its last chord continues with its first
        closed = np.zeros(len(start), dtype=bool)
        fl = np.flatnonzero(final)
        closed[fl] = np.all(np.abs(verts[start[fl] + 1] - self.a[line_first[fl]]) < 1e-6, axis=1)
        if len(start):
            closed = np.maximum.reduceat(closed, first_idx)[np.cumsum(first) - 1]
        self.open_start = first & ~closed
        self.open_end = final & ~closed
        nxt = np.where(final, np.where(closed, line_first, -1), np.arange(len(start)) + 1)
        self.has_next = nxt >= 0
        self.next_t = np.where(self.has_next[:, None], self.t[np.maximum(nxt, 0)], 0.0)
        # query-time table, one gathered row per candidate; float32 only picks the chord,
        # the distance to it is then recomputed in float64
        self.seg32 = np.column_stack([self.a, self.d, self.inv2, np.zeros(len(start))]
                                     ).astype(np.float32)
        self.mid_tree = cKDTree(self.a + 0.5 * self.d)
        self.half_max = 0.5 * float(length.max()) + 1e-6 if len(length) else 0.0

        # quadtree: node -> first of its four children (-1: leaf), leaf class and table row
        self.root = np.full((180, 360), -1, dtype=np.int64)
        self.child = np.zeros(0, dtype=np.int64)
        self.klass = np.zeros(0, dtype=np.int8)
        self.leaf_row = np.zeros(0, dtype=np.int64)
        self.n_nodes = 0
        self.tables = [np.zeros((0, 1 << k), dtype=np.int32) for k in range(_CLASSES)]
        self._pending: list[list[np.ndarray]] = [[] for _ in range(_CLASSES)]
        self._wanted: dict[float, np.ndarray] = {}
        self._roots: list[tuple[np.ndarray, np.ndarray]] = []
        self._rows = [0] * _CLASSES

    # -- build ---------------------------------------------------------------

    def _dist(self, c: np.ndarray, cell: np.ndarray, seg: np.ndarray) -> np.ndarray:
        out = np.empty(len(cell))
        for lo in range(0, len(cell), _MAX_PAIRS):
            sl = slice(lo, lo + _MAX_PAIRS)
            s = seg[sl]
            out[sl] = _point_chord(c[cell[sl]], self.a[s], self.d[s], self.inv2[s])[0]
        return out

    def _ball(self, c: np.ndarray, radius: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pairs (point, chord) of chords whose midpoint is within ``radius`` of ``c``."""
        hits = self.mid_tree.query_ball_point(c, radius)
        cell = np.repeat(np.arange(len(c)), [len(h) for h in hits])
        seg = np.fromiter((i for h in hits for i in h), dtype=np.int64, count=len(cell))
        return cell, seg

    def distance_from(self, c: np.ndarray) -> np.ndarray:
        """Exact 3-D distance (km) from points to the nearest chord."""
        # the nearest midpoint bounds the distance; a chord that could beat that bound has
        # its midpoint within half a chord more
        dm, _ = self.mid_tree.query(c, k=1)
        cell, seg = self._ball(c, dm + self.half_max)
        out = np.full(len(c), np.inf)
        np.minimum.at(out, cell, self._dist(c, cell, seg))
        return out

    def build(self, tiles: np.ndarray) -> None:
        """Build the quadtree roots of 1° tiles ``ty * 360 + tx``.

        Work starts from 4° blocks: one k-d tree search per block instead of per tile, and
        the blocks split down to the wanted tiles only.
        """
        wanted = np.zeros((180, 360), dtype=bool)
        wanted.flat[tiles] = True
        # np.asarray: numpy's stubs type any(axis=...) as maybe a scalar; here it is a grid
        self._wanted = {1: wanted, 2: np.asarray(wanted.reshape(90, 2, 180, 2).any(axis=(1, 3)))}
        self._wanted[4] = np.asarray(self._wanted[2].reshape(45, 2, 90, 2).any(axis=(1, 3)))
        by, bx = np.nonzero(self._wanted[4])
        x0, y0 = bx * 4.0 - 180.0, by * 4.0 - 90.0
        size = np.full(len(bx), 4.0)
        c, r = _cells(x0, y0, size)
        dc = self.distance_from(c)
        for lo in range(0, len(bx), 16):  # a European block has thousands of chords in its band
            blk = slice(lo, lo + 16)
            cell, seg = self._ball(c[blk], dc[blk] + 2 * r[blk] + self.half_max)
            nodes = self._alloc(len(x0[blk]))
            self._refine(nodes, x0[blk], y0[blk], size[blk], c[blk], r[blk], cell, seg)
        for k in range(_CLASSES):
            if self._pending[k]:
                self.tables[k] = np.concatenate([self.tables[k], *self._pending[k]])
                self._pending[k] = []
        # publish the tiles last: a reader in another thread never sees a half-built tree
        for tiles_, nodes_ in self._roots:
            self.root.flat[tiles_] = nodes_
        self._roots = []

    def _alloc(self, n: int) -> np.ndarray:
        """Ids of ``n`` new nodes; arrays grow by doubling, so building stays linear."""
        base = self.n_nodes
        if base + n > len(self.child):
            cap = max(2 * len(self.child), base + n, 1024)
            self.child = np.r_[self.child[:base], np.full(cap - base, -1, dtype=np.int64)]
            self.klass = np.r_[self.klass[:base], np.zeros(cap - base, dtype=np.int8)]
            self.leaf_row = np.r_[self.leaf_row[:base], np.zeros(cap - base, dtype=np.int64)]
        self.n_nodes = base + n
        return np.arange(base, base + n)

    def _candidates(self, c: np.ndarray, r: np.ndarray, cell: np.ndarray, seg: np.ndarray
                    ) -> np.ndarray:
        """Which band chords can hold the nearest border point of some point of their cell."""
        rr = r[cell]
        w = c[cell] - self.a[seg]
        proj = np.einsum("ij,ij->i", w, self.t[seg])
        ln = self.length[seg]
        # the foot of a perpendicular: the cell must reach into the chord's slab...
        slab = (self.open_start[seg] | (proj >= -rr)) & (self.open_end[seg] | (proj <= ln + rr))
        # ...or into the wedge past its end vertex and before the next chord, where the
        # shared vertex is the nearest point
        beyond = np.einsum("ij,ij->i", w - self.d[seg], self.next_t[seg])
        wedge = self.has_next[seg] & (proj >= ln - rr) & (beyond <= rr)
        return slab | wedge

    def _refine(self, nodes, x0, y0, size, c, r, cell, seg) -> None:
        """Make cells leaves or split them, given chords ``seg`` that include their candidates.

        A child's candidates are among its parent's (a point of the child is a point of the
        parent), so each level only filters the short lists of the level above. Cells larger
        than a tile always split; tiles become roots.
        """
        while len(nodes):
            tile = size == 1.0
            if tile.any():
                root_cell = (y0[tile] + 90).astype(int) * 360 + (x0[tile] + 180).astype(int)
                self._roots.append((root_cell, nodes[tile]))
            order = np.argsort(cell, kind="stable")
            cell, seg = cell[order], seg[order]
            dist = self._dist(c, cell, seg)
            dc = np.full(len(nodes), np.inf)
            np.minimum.at(dc, cell, dist)
            keep = dist <= dc[cell] + 2 * r[cell]  # the band
            cell, seg = cell[keep], seg[keep]
            keep = self._candidates(c, r, cell, seg)
            cell, seg = cell[keep], seg[keep]
            count = np.bincount(cell, minlength=len(nodes))
            leaf = ((count <= self.max_candidates) | (size <= _MIN_CELL_DEG)) & (size <= 1.0)
            if leaf.any():
                self._store(nodes, leaf, count, cell, seg)
            split = np.flatnonzero(~leaf)
            if not len(split):
                return
            half = np.repeat(size[split] / 2, 4)
            cx0 = np.repeat(x0[split], 4) + np.tile([0.0, 1.0, 0.0, 1.0], len(split)) * half
            cy0 = np.repeat(y0[split], 4) + np.tile([0.0, 0.0, 1.0, 1.0], len(split)) * half
            kids = self._alloc(4 * len(split))
            self.child[nodes[split]] = kids[0::4]
            remap = np.full(len(nodes), -1)
            remap[split] = np.arange(len(split))
            m = remap[cell] >= 0
            pcell, pseg = remap[cell[m]], seg[m]
            bcount = np.bincount(pcell, minlength=len(split))
            cell = np.concatenate([np.repeat(4 * np.arange(len(split)) + q, bcount)
                                   for q in range(4)])
            seg = np.tile(pseg, 4)
            # above tile size, skip children without a wanted tile
            live = np.ones(len(kids), dtype=bool)
            for s_, grid in self._wanted.items():
                big = half == s_
                if big.any():
                    live[big] = grid[((cy0[big] + 90) / s_).astype(int),
                                     ((cx0[big] + 180) / s_).astype(int)]
            if not live.all():
                remap = np.cumsum(live) - 1
                m = live[cell]
                cell, seg = remap[cell[m]], seg[m]
                kids, cx0, cy0, half = kids[live], cx0[live], cy0[live], half[live]
            c, r = _cells(cx0, cy0, half)
            nodes, x0, y0, size = kids, cx0, cy0, half

    def _store(self, nodes, leaf, count, ccell, cseg) -> None:
        """Write the candidate lists of the ``leaf`` cells to the table of their size class."""
        idx = np.flatnonzero(leaf)
        pos = np.full(len(leaf), -1)
        pos[idx] = np.arange(len(idx))
        m = pos[ccell] >= 0
        lc, ls = pos[ccell[m]], cseg[m]  # sorted by leaf
        n = count[idx]
        if (n == 0).any():  # cannot happen: the centre's own nearest chord always qualifies
            raise RuntimeError("border index: empty leaf")
        klass = np.ceil(np.log2(n)).astype(np.int64)
        first = np.searchsorted(lc, np.arange(len(idx)))
        rank = np.arange(len(lc)) - first[lc]
        self.klass[nodes[idx]] = klass + 1
        for k in np.unique(klass):
            sel = np.flatnonzero(klass == k)
            slot = np.full(len(idx), -1)
            slot[sel] = np.arange(len(sel))
            # pad with the leaf's first chord: a duplicate never changes the minimum
            table = np.repeat(ls[first[sel]][:, None], 1 << int(k), axis=1).astype(np.int32)
            mm = slot[lc] >= 0
            table[slot[lc[mm]], rank[mm]] = ls[mm]
            self.leaf_row[nodes[idx[sel]]] = self._rows[k] + np.arange(len(sel))
            self._rows[k] += len(sel)
            self._pending[k].append(table)

    # -- query ---------------------------------------------------------------

    def nearest(self, lon: np.ndarray, lat: np.ndarray, p: np.ndarray, lock: threading.RLock):
        """Nearest chord of each point: (3-D distance in km, chord, foot parameter t)."""
        n = len(lon)
        ty = np.clip(np.floor(lat).astype(np.int64) + 90, 0, 179)
        tx = np.clip(np.floor(lon).astype(np.int64) + 180, 0, 359)
        node = self.root[ty, tx]
        if (node < 0).any():
            with lock:
                node = self.root[ty, tx]
                missing = np.unique(ty[node < 0] * 360 + tx[node < 0])
                if len(missing):
                    self.build(missing)
                node = self.root[ty, tx]

        # descend: the quadrant bits are the binary digits of the position in the tile
        top = (1 << _MAX_LEVEL) - 1
        fx = np.minimum(((lon + 180.0 - tx) * (top + 1)).astype(np.int64), top)
        fy = np.minimum(((lat + 90.0 - ty) * (top + 1)).astype(np.int64), top)
        active = np.arange(n)
        child = self.child
        for level in range(_MAX_LEVEL):
            kids = child[node[active]]
            inner = kids >= 0
            active = active[inner]
            if not len(active):
                break
            shift = _MAX_LEVEL - 1 - level
            node[active] = (kids[inner] + ((fx[active] >> shift) & 1)
                            + 2 * ((fy[active] >> shift) & 1))

        klass = self.klass[node]
        rows = self.leaf_row[node]
        best = np.empty(n, dtype=np.int64)
        q32 = p.astype(np.float32)
        order = np.argsort(klass, kind="stable")
        bounds = np.searchsorted(klass[order], np.arange(1, _CLASSES + 2))
        for k in range(_CLASSES):
            grp = order[bounds[k]:bounds[k + 1]]
            step = max(256, _CHUNK >> k)
            for lo in range(0, len(grp), step):
                g = grp[lo:lo + step]
                ids = self.tables[k][rows[g]]
                best[g] = ids[np.arange(len(g)), self._pick(q32[g], ids)]
        dist, t = _point_chord(p, self.a[best], self.d[best], self.inv2[best])
        return dist, best, t

    def _pick(self, q: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Column of the nearest of the candidate chords ``ids`` (m, K) of points ``q`` (m, 3)."""
        s = self.seg32[ids]  # (m, K, 8): one gather per candidate
        wx = q[:, 0, None] - s[..., 0]
        wy = q[:, 1, None] - s[..., 1]
        wz = q[:, 2, None] - s[..., 2]
        dx, dy, dz = s[..., 3], s[..., 4], s[..., 5]
        t = (wx * dx + wy * dy + wz * dz) * s[..., 6]
        np.clip(t, 0.0, 1.0, out=t)
        wx -= t * dx
        wy -= t * dy
        wz -= t * dz
        return np.argmin(wx * wx + wy * wy + wz * wz, axis=1)


class _Index:
    """Border lines at several levels of detail; each 1° tile uses the coarsest that is safe."""

    def __init__(self, borders: Any, rows: np.ndarray):
        self.verts, self.vline, self.line_row = _densify(borders, rows)
        self.sig = _significance(self.verts, self.vline)
        self.lods: dict[int, _Chords] = {}
        self.tile_lod = np.full((180, 360), -1, dtype=np.int8)
        self._lock = threading.RLock()

    def lod(self, k: int) -> _Chords:
        with self._lock:
            return self._lod(k)

    def _lod(self, k: int) -> _Chords:
        if k not in self.lods:
            keep = self.sig > _LOD_KM[k] if k else np.ones(len(self.verts), dtype=bool)
            # far tiles are rare in practice: fewer, fuller leaves build faster there
            width = MAX_CANDIDATES if k < _LOD_WIDE else 2 * MAX_CANDIDATES
            self.lods[k] = _Chords(self.verts[keep], self.vline[keep], self.line_row, width)
        return self.lods[k]

    def _assign(self, tiles: np.ndarray) -> None:
        """Pick the level of detail of tiles from their distance to the coarsest lines."""
        ty, tx = np.divmod(tiles, 360)
        c, r = _cells((tx - 180).astype(float), (ty - 90).astype(float), np.ones(len(tiles)))
        coarse = len(_LOD_KM) - 1
        low = self.lod(coarse).distance_from(c) - _LOD_KM[coarse] - r
        # simplifying by eps moves distances by at most eps (Douglas-Peucker is two-sided)
        k = np.searchsorted(_LOD_KM, _LOD_REL * np.maximum(low, 0.0), side="right") - 1
        self.tile_lod[ty, tx] = k

    def nearest(self, lon: np.ndarray, lat: np.ndarray, p: np.ndarray):
        """3-D distance to the nearest chord, that chord's nearest point and border row."""
        n = len(lon)
        if not len(self.verts):
            return np.full(n, np.nan), np.full((n, 3), np.nan), np.full(n, -1, dtype=np.int32)
        ty = np.clip(np.floor(lat).astype(np.int64) + 90, 0, 179)
        tx = np.clip(np.floor(lon).astype(np.int64) + 180, 0, 359)
        lod = self.tile_lod[ty, tx]
        if (lod < 0).any():
            with self._lock:
                missing = np.unique(ty[lod < 0] * 360 + tx[lod < 0])
                missing = missing[self.tile_lod.ravel()[missing] < 0]
                if len(missing):
                    self._assign(missing)
                lod = self.tile_lod[ty, tx]
        dist = np.empty(n)
        near = np.empty((n, 3))
        row = np.empty(n, dtype=np.int32)
        levels = np.unique(lod)
        for k in levels:
            sel = slice(None) if len(levels) == 1 else np.flatnonzero(lod == k)
            ch = self.lod(int(k))
            d, best, t = ch.nearest(lon[sel], lat[sel], p[sel], self._lock)
            dist[sel] = d
            near[sel] = ch.a[best] + t[:, None] * ch.d[best]
            row[sel] = ch.row[best]
        return dist, near, row


# ---------------------------------------------------------------------------
# public API


def _normalise_border(border: str) -> str:
    """The key of a border from any spelling: ``"ua-ru"``, ``"UA–RU"``, ``"RU/UA"``,
    ``"ru ua"``, ``"RU_UA"``, ``" RU - UA "`` all give ``"RU-UA"``."""
    border = str(border)
    for sep in ("\u2013", "\u2014", "/", " ", "_"):
        border = border.replace(sep, "-")
    codes = [c.strip().upper() for c in border.split("-") if c.strip()]
    return "-".join(sorted(codes))


def border_names(view: str = "de_jure", country: str | None = None) -> list[str]:
    """The borders of a view, by key: the valid ``border`` values.

    Parameters
    ----------
    view : str
        ``"de_jure"`` (default) or ``"de_facto"``.
    country : str, optional
        Only the land borders of this country (ISO alpha-2, any case), e.g. ``"UA"``.

    Returns
    -------
    list of str
        Sorted keys, e.g. ``["AD-ES", "AD-FR", ...]``; empty for a country without land
        borders. Without ``country``, position ``i`` is the border with code ``i`` of
        :func:`border_distance` (the row of :func:`map_app.borders.load_borders`).
    """
    b = _borders.load_borders(view)
    if country is not None:
        code = str(country).strip().upper()
        b = b[(b["a"] == code) | (b["b"] == code)]
    return sorted(b["pair"].tolist())


@cache
def _keys(view: str) -> np.ndarray:
    """Border keys by row of :func:`map_app.borders.load_borders` (object array)."""
    return _borders.load_borders(view)["pair"].to_numpy(dtype=object)


@lru_cache(maxsize=32)
def _index(view: str, border: str | None, country: str | None) -> _Index:
    b = _borders.load_borders(view)
    mask = np.ones(len(b), dtype=bool)
    label = view.replace("_", " ")
    if country is not None:
        mask &= ((b["a"] == country) | (b["b"] == country)).to_numpy()
        if not mask.any():
            raise ValueError(f"unknown country {country!r}: no land border in the {label} view "
                             "(map_app.distance.border_names() or "
                             "`map-app distance --list-borders`)")
    if border is not None:
        hit = (b["pair"] == border).to_numpy()
        if not hit.any():
            mine = sorted({p for c in border.split("-") for p in border_names(view, c)})
            hint = f"borders of {border.replace('-', ' or ')}: {', '.join(mine)}" if mine else \
                "see map_app.distance.border_names() or `map-app distance --list-borders`"
            raise ValueError(f"unknown border {border!r} in the {label} view ({hint})")
        if not (hit & mask).any():
            raise ValueError(f"border {border!r} is not a border of {country!r}")
        mask &= hit
    rows = np.flatnonzero(mask)
    return _Index(b.iloc[rows], rows)


def _prepare(lon: Any, lat: Any, view: str, border: str | None, country: str | None
             ) -> tuple[_Index, np.ndarray, np.ndarray, bool, tuple[int, ...]]:
    """The index of a view and filter, and the points as flat arrays (checked)."""
    _borders._check_view(view)
    lon, lat, scalar, shape = _points(lon, lat)
    border = _normalise_border(border) if border is not None else None
    country = str(country).strip().upper() if country is not None else None
    return _index(view, border, country), lon, lat, scalar, shape


def _points(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray, bool, tuple[int, ...]]:
    """Points as flat float arrays, whether they came as scalars, and their shape; raises
    ValueError for coordinates out of range."""
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    lon, lat = np.broadcast_arrays(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    shape = lon.shape
    lon, lat = lon.ravel(), lat.ravel()
    with np.errstate(invalid="ignore"):
        if (np.abs(lat) > 90).any():
            bad = lat[np.abs(lat) > 90][0]
            raise ValueError(f"latitude {bad:g} out of range [-90, 90]")
        if (np.abs(lon) > 180).any():
            bad = lon[np.abs(lon) > 180][0]
            raise ValueError(f"longitude {bad:g} out of range [-180, 180]")
    return lon, lat, scalar, shape


class Lines:
    """Any lines as a distance target — a front line, a river, a pipeline — measured by the
    engine of :func:`border_distance`, as fast and as exact, over lines the caller gives.

    Parameters
    ----------
    geometries : sequence of shapely (Multi)LineString
        WGS84 lon/lat; each is a part of the target (``distance`` says which is nearest).

    Examples
    --------
    >>> import shapely
    >>> t = Lines([shapely.LineString([(35.0, 47.0), (36.0, 47.5)])])
    >>> round(float(t.distance(35.5, 47.0)[0]), 1) > 0
    True
    """

    def __init__(self, geometries: Any):
        import geopandas as gpd

        frame = gpd.GeoDataFrame(geometry=list(geometries), crs="EPSG:4326")
        self.size = len(frame)
        # no lines, nothing to index: every distance is NaN
        self._index = _Index(frame, np.arange(len(frame))) if self.size else None

    def distance(self, lon: Any, lat: Any, exact: bool = False) -> tuple[Any, Any]:
        """Geodesic distance (km) from each point to the nearest of the lines, and which
        (its position in ``geometries``; -1 for NaN input or no lines). ``exact``: search
        without building the quadtree (for a few points), as :func:`border_distance` does.
        Scalars in give NumPy scalars back."""
        lon, lat, scalar, shape = _points(lon, lat)
        if self._index is None:
            dist, which = np.full(len(lon), np.nan), np.full(len(lon), -1)
        elif exact:
            dist, which = _solve_exact(self._index, lon, lat)[:2]
        else:
            dist, which = _solve(self._index, lon, lat)
        if scalar:
            return dist[0], which[0]
        return dist.reshape(shape), which.reshape(shape)

    def nearest(self, lon: float, lat: float) -> tuple[float, float, float]:
        """Geodesic distance (km) from one point to the lines and the nearest point on
        them (lon, lat): what a measure line is drawn to. NaNs when there are no lines."""
        x, y = np.array([float(lon)]), np.array([float(lat)])
        if self._index is None:
            return float("nan"), float("nan"), float("nan")
        dist, _, foot = _solve_exact(self._index, x, y)
        return float(dist[0]), float(foot[0, 0]), float(foot[0, 1])


def _solve(index: _Index, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distance (km) and border row of finite points by the quadtree, in blocks."""
    n = len(lon)
    dist = np.full(n, np.nan)
    row = np.full(n, -1, dtype=np.int64)
    ok = np.isfinite(lon) & np.isfinite(lat)
    todo = None if ok.all() else np.flatnonzero(ok)
    m = n if todo is None else len(todo)
    for lo in range(0, m, _BLOCK):
        idx = slice(lo, min(m, lo + _BLOCK)) if todo is None else todo[lo:lo + _BLOCK]
        x, y = lon[idx], lat[idx]
        lam, phi = np.radians(x), np.radians(y)
        slam, clam = np.sin(lam), np.cos(lam)
        sphi, cphi = np.sin(phi), np.cos(phi)
        nrad = _A / np.sqrt(1.0 - _E2 * sphi * sphi)
        p = np.empty((len(x), 3))
        p[:, 0] = nrad * cphi * clam
        p[:, 1] = nrad * cphi * slam
        p[:, 2] = nrad * (1.0 - _E2) * sphi
        chord, near, r = index.nearest(x, y, p)
        # chord -> geodesic: radius of curvature in the chord's azimuth at mid-latitude
        delta = near - p
        east = delta[:, 1] * clam - delta[:, 0] * slam
        north = delta[:, 2] * cphi - sphi * (delta[:, 0] * clam + delta[:, 1] * slam)
        h2 = east * east + north * north
        cos2 = np.divide(north * north, h2, out=np.ones_like(h2), where=h2 > 0)
        mid = p + 0.5 * delta
        z2 = mid[:, 2] * mid[:, 2]
        s2 = z2 / (z2 + (1.0 - _E2) ** 2 * (mid[:, 0] ** 2 + mid[:, 1] ** 2))
        w2 = 1.0 - _E2 * s2
        rho = 1.0 / (cos2 * w2 * np.sqrt(w2) / (_A * (1.0 - _E2)) + (1.0 - cos2) * np.sqrt(w2) / _A)
        d = 2.0 * rho * np.arcsin(np.minimum(chord / (2.0 * rho), 1.0))
        far = np.flatnonzero(chord > EXACT_ABOVE_KM)
        if len(far):
            flon, flat = _geodetic(near[far])
            _, _, metres = _GEOD.inv(x[far], y[far], flon, flat)
            d[far] = metres / 1000.0
        dist[idx] = d
        row[idx] = r
    return dist, row


def _tie_slack(chord: np.ndarray) -> np.ndarray:
    """Relative margin within which chords may still be nearest on the ellipsoid.

    Geodesic over chord length grows with the chord and with the radius of curvature, which
    differs by 1 % between azimuths: chords this close to the nearest are measured again.
    """
    x = chord / (2.0 * _R_MEAN)
    return 1e-3 + 0.01 * x * x


def _solve_exact(index: _Index, lon: np.ndarray, lat: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Geodesic distance (km), border row and nearest border point of finite points.

    The k-d tree of the full-detail chords' midpoints bounds the distance (a chord is no
    farther than its midpoint) and yields every chord that can be nearer (its midpoint lies
    within half a chord more). Chords within :func:`_tie_slack` of the nearest are measured
    with :meth:`pyproj.Geod.inv` to their nearest point, and the shortest wins (on a tie,
    where borders meet, the first key). Nothing to build per region: for the few thousand
    points of a document, a click or a command.
    """
    n = len(lon)
    dist = np.full(n, np.nan)
    row = np.full(n, -1, dtype=np.int64)
    foot = np.full((n, 2), np.nan)
    ok = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
    if not len(ok) or not len(index.verts):
        return dist, row, foot
    ch = index.lod(0)
    for lo in range(0, len(ok), _BLOCK):
        idx = ok[lo:lo + _BLOCK]
        x, y = lon[idx], lat[idx]
        p = _ecef(x, y)
        dm, _ = ch.mid_tree.query(p, k=1)
        pi, seg = ch._ball(p, dm * (1.0 + _tie_slack(dm)) + ch.half_max + 1e-6)
        d, t = _point_chord(p[pi], ch.a[seg], ch.d[seg], ch.inv2[seg])
        low = np.full(len(idx), np.inf)
        np.minimum.at(low, pi, d)
        keep = d <= low[pi] * (1.0 + _tie_slack(low[pi])) + 1e-6
        pi, seg, t = pi[keep], seg[keep], t[keep]
        flon, flat = _geodetic(ch.a[seg] + t[:, None] * ch.d[seg])
        _, _, metres = _GEOD.inv(x[pi], y[pi], flon, flat)
        # borders meeting at a vertex nearest to the point tie: the first key wins
        rows = ch.row[seg]
        order = np.lexsort((rows, np.round(metres, 6), pi))
        first = order[np.unique(pi[order], return_index=True)[1]]  # one per point, in order
        dist[idx] = metres[first] / 1000.0
        row[idx] = rows[first]
        foot[idx, 0], foot[idx, 1] = flon[first], flat[first]
    return dist, row, foot


def border_distance(
    lon: Any,
    lat: Any,
    view: str = "de_jure",
    border: str | None = None,
    country: str | None = None,
    exact: bool = False,
) -> tuple[Any, Any]:
    """Geodesic distance to the nearest international land border, for millions of points.

    Parameters
    ----------
    lon, lat : float or array-like
        WGS84 degrees, broadcast against each other. NaN gives NaN and -1.
    view : str
        ``"de_jure"`` (default, Crimea in Ukraine) or ``"de_facto"``.
    border : str, optional
        Only this border, e.g. ``"RU-UA"`` (order, case and dash free); see
        :func:`border_names`.
    country : str, optional
        Only the land borders of this country (ISO alpha-2), e.g. ``"RU"``.
    exact : bool
        Search the nearest border exactly, as :func:`nearest_border` does, building
        nothing per region: for a few points in places no call has measured yet (the
        candidates of a stated distance), where building the quadtree costs more than
        searching without it.

    Returns
    -------
    distance_km : numpy.ndarray
        Geodesic (WGS84) distance in km, within 0.1% (floor :data:`ABS_FLOOR_KM`) of
        :meth:`pyproj.Geod.inv` to the nearest point of the same border geometry (with
        ``exact``, within metres).
    border_code : numpy.ndarray
        The border: ``border_names(view)[i]`` is its key; -1 for NaN input. Both have the
        broadcast shape; scalars in give NumPy scalars back.

    Raises
    ------
    ValueError
        For an unknown view, border or country, or coordinates out of range.

    See Also
    --------
    nearest_border : the nearest point too, the border's key, exact distances.

    Notes
    -----
    The first call on a region builds its part of the quadtree (about a second for Europe);
    later calls run at over a million points per second on one core. For a few points in
    many places :func:`nearest_border` is faster: it builds nothing.

    Examples
    --------
    >>> d, i = border_distance(34.80029, 50.9216)  # Sumy
    >>> round(float(d), 1), border_names()[i]
    (27.3, 'RU-UA')
    """
    index, lon, lat, scalar, shape = _prepare(lon, lat, view, border, country)
    dist, code = _solve_exact(index, lon, lat)[:2] if exact else _solve(index, lon, lat)
    if scalar:
        return dist[0], code[0]
    return dist.reshape(shape), code.reshape(shape)


@lru_cache(maxsize=1)
def _crimea() -> shapely.Geometry:
    """The Crimean peninsula: Russia (de facto) inside Ukraine (de jure), computed once."""
    ru = _borders.load_countries("de_facto")
    ua = _borders.load_countries("de_jure")
    both = shapely.intersection(ru.loc[ru["iso_a2"] == "RU"].geometry.iloc[0],
                                ua.loc[ua["iso_a2"] == "UA"].geometry.iloc[0])
    # slivers along the rest of the border are digitising noise, not occupied land
    parts = [g for g in shapely.get_parts(both) if g.area > 0.1
             and shapely.contains_xy(shapely.box(32.0, 44.0, 37.0, 46.5),
                                     *g.representative_point().coords[0])]
    geom = shapely.union_all(parts)
    shapely.prepare(geom)
    return geom


def _in_crimea(lon: np.ndarray, lat: np.ndarray, offshore: np.ndarray, snap_km: float = 2.0
               ) -> np.ndarray:
    """On the peninsula, or at sea within ``snap_km`` of it (the rule of borders.country_at)."""
    geom = _crimea()
    out = np.zeros(len(lon), dtype=bool)
    ok = np.isfinite(lon) & np.isfinite(lat)
    out[ok] = shapely.contains_xy(geom, lon[ok], lat[ok])
    minx, miny, maxx, maxy = geom.bounds
    pad = snap_km / 60.0  # degrees, generous at these latitudes
    sea = np.flatnonzero(ok & offshore & (lon > minx - pad) & (lon < maxx + pad)
                         & (lat > miny - pad) & (lat < maxy + pad))
    if len(sea):
        pts = shapely.points(lon[sea], lat[sea])
        foot = shapely.get_coordinates(shapely.shortest_line(geom, pts))[0::2]
        _, _, metres = _GEOD.inv(lon[sea], lat[sea], foot[:, 0], foot[:, 1])
        out[sea] = metres <= snap_km * 1000.0
    return out


def _context(lon: np.ndarray, lat: np.ndarray, view: str) -> dict[str, np.ndarray]:
    """The ``context=True`` columns of :func:`nearest_border`."""
    country_code = _borders.country_at(lon, lat, view=view)
    finite = np.isfinite(lon) & np.isfinite(lat)
    land = _borders.country_at(lon, lat, view=view, snap_km=0)
    offshore = finite & np.fromiter((c is None for c in land), dtype=bool, count=len(lon))
    crimea = _in_crimea(lon, lat, offshore)
    note = np.full(len(lon), None, dtype=object)
    for i in np.flatnonzero(offshore | crimea):
        note[i] = "; ".join(t for t, on in ((OFFSHORE_NOTE, offshore[i]), (CRIMEA_NOTE, crimea[i]))
                            if on)
    return {"country": country_code, "in_crimea": crimea, "offshore": offshore, "note": note}


def nearest_border(
    lon: Any,
    lat: Any,
    view: str = "de_jure",
    border: str | None = None,
    country: str | None = None,
    context: bool = False,
) -> dict[str, Any] | pd.DataFrame:
    """The nearest international land border of each point, the distance and the nearest point.

    Parameters
    ----------
    lon, lat : float or array-like
        WGS84 degrees, broadcast against each other (flattened for the DataFrame).
    view : str
        ``"de_jure"`` (default, Crimea in Ukraine) or ``"de_facto"``.
    border : str, optional
        Only this border, e.g. ``"RU-UA"`` (order, case and dash free); see
        :func:`border_names`.
    country : str, optional
        Only the land borders of this country (ISO alpha-2), e.g. ``"RU"`` (any border of
        Russia).
    context : bool
        Add the point's country and the Crimea and offshore flags (for people to read).

    Returns
    -------
    dict or pandas.DataFrame
        Scalars in give a dict, arrays a DataFrame with one row per point; NaN input gives
        None and NaN.

        ``distance_km``
            :meth:`pyproj.Geod.inv` distance (WGS84) to ``near_lon``, ``near_lat``.
        ``nearest_border``
            The border's key, e.g. ``"RU-UA"``.
        ``near_lon``, ``near_lat``
            The nearest point on that border.

        With ``context``:

        ``country``
            :func:`map_app.borders.country_at` in this view (a point at sea within 2 km of
            a coast takes that country; None further out).
        ``in_crimea``
            On the Crimean peninsula, or at sea within 2 km of it.
        ``offshore``
            Not on land: the distance is still to the nearest *land* border.
        ``note``
            :data:`OFFSHORE_NOTE` and/or :data:`CRIMEA_NOTE` joined by "; ", else None.

    Raises
    ------
    ValueError
        For an unknown view, border or country, or coordinates out of range.

    See Also
    --------
    border_distance : distances alone, for millions of points.

    Notes
    -----
    Border lines are great-circle arcs between their vertices, as
    :func:`border_distance` measures them; the nearest of them is searched exactly (no
    levels of detail) and measured on the ellipsoid, so ``distance_km`` is within metres
    of the true geodesic distance to the same lines. Where borders meet at the nearest
    point (a tripoint) they are equally near and the first key is named. Nothing is built
    per region: a few hundred microseconds per call and 15 (near borders) to 90 (far from
    any) per point, against about a microsecond per point for :func:`border_distance` on
    a region it has built.

    Examples
    --------
    >>> r = nearest_border(34.80029, 50.9216)  # Sumy
    >>> round(r["distance_km"], 1), r["nearest_border"]
    (27.3, 'RU-UA')
    """
    index, lon, lat, scalar, _ = _prepare(lon, lat, view, border, country)
    dist, row, foot = _solve_exact(index, lon, lat)
    names = np.full(len(lon), None, dtype=object)
    found = row >= 0
    names[found] = _keys(view)[row[found]]
    out = {"distance_km": dist, "nearest_border": names,
           "near_lon": foot[:, 0], "near_lat": foot[:, 1]}
    if context:
        out.update(_context(lon, lat, view))
    if scalar:
        return {k: (v[0].item() if isinstance(v[0], np.generic) else v[0]) for k, v in out.items()}
    # object columns stay object: None, not NaN
    return pd.DataFrame({k: pd.Series(v, dtype=object) if v.dtype == object else v
                         for k, v in out.items()})
