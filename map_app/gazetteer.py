"""The offline gazetteer: every place name the geoparser can resolve, with its candidates.

The gazetteer is a folder of NumPy arrays built by ``map-app data build`` (see
:mod:`map_app._build_gazetteer`). Names are stored as 64-bit hashes of their normalised form
(:func:`map_app._text.normalize`), sorted, so a lookup is a binary search and loading is a
memory map: no parsing at start-up.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ._paths import data_dir
from ._text import name_hash, normalize, skeleton

# "district": a part of a city or village (Donetsk's Kyivskyi district, Kharkiv's Saltivka)
KINDS = ("country", "region", "city", "village", "landmark", "other", "district")

# How a name matched its place. The order is also the trust order used by ranking.
MATCH_TYPES = ("name", "ascii", "alternate", "other-script", "code", "variant", "shadowed",
               "demonym", "phrase", "sound")
FLAG = {m: i for i, m in enumerate(MATCH_TYPES)}
# The importance ranking gives a village of unrecorded population: one of about 100 people.
UNKNOWN_VILLAGE = 2.0
# Notability: a place written in more languages is better known (a village in the news gains
# names in other languages). Ranking adds this much per alternate name, up to NOTABLE_NAMES of
# them: a few tenths at most, which tell apart namesakes of one size and little else.
NOTABILITY, NOTABLE_NAMES = 0.01, 30
# Bonus added to the log-importance of a candidate for each match type: the main name beats
# an alternate, and generated spellings or codes only win when nothing better exists.
# A "sound" match is an unknown word read as a settlement that only sounds like it: a point
# below one a single slip of the keys away ("variant"), which is the likelier reading of the
# two ("Klischiivka" is Klishchiivka, not Kulishivka). The data has no such key: only the
# reading of unknown words gives it.
MATCH_BONUS = np.array([1.0, 1.0, 0.5, 0.4, -1.5, 0.2, -2.0, 0.8, 1.0, -0.8], dtype=np.float64)

_ARRAYS = ("key_hash", "key_place", "key_flag", "geonameid", "lat", "lon", "population",
           "importance", "notability", "fclass", "fcode", "kind", "country", "admin1",
           "admin2", "admin3",
           "name_off", "xid_off", "link_hash")
_BLOBS = ("name_blob", "xid_blob")


@dataclass(frozen=True)
class Candidate:
    """One gazetteer entry that a name may refer to.

    Attributes
    ----------
    id : str
        ``geonames:<geonameid>`` where GeoNames has the place, else the source's own id
        (``ua-postal:42316-andriivka``, ``adm1:UA.21``, ``country:UA``,
        ``landmark:crimean-bridge``).
    geonameid : int or None
    name : str
        The entry's main name.
    lat, lon : float
        Representative point, WGS84 degrees.
    feature_class, feature_code : str
        GeoNames feature class and code (``P``/``PPLA``, ``A``/``ADM1``, ``S``/``BDG`` …).
    kind : str
        One of :data:`KINDS`.
    country_code : str
        ISO 3166-1 alpha-2 code ("" for continents and oceans).
    admin1 : str or None
        GeoNames admin1 code within the country ("21" for Sumy Oblast).
    admin1_name : str or None
    admin2 : str or None
        Name of the second-level division where known (the raion in Ukraine, by its COD-AB
        English name: "Sumskyi"; a county elsewhere).
    admin2_code : str or None
        Its code (COD-AB pcode in Ukraine: "UA5908"; ``CC.A1.A2`` elsewhere).
    admin3, admin3_code : str or None
        The third-level division (the hromada in Ukraine: "Sumska", "UA5908017").
    population : int
    match : str
        How the looked-up name matched (see :data:`MATCH_TYPES`).
    prior : float
        Context-free plausibility used to order candidates (higher is likelier).
    index : int
        Row of the entry in the gazetteer.
    """

    id: str
    geonameid: int | None
    name: str
    lat: float
    lon: float
    feature_class: str
    feature_code: str
    kind: str
    country_code: str
    admin1: str | None
    admin1_name: str | None
    admin2: str | None
    admin2_code: str | None
    admin3: str | None
    admin3_code: str | None
    population: int
    match: str
    prior: float
    index: int

    def to_dict(self) -> dict:
        """Return the candidate as a plain JSON-ready dict."""
        return asdict(self)


class Gazetteer:
    """Name → candidate places, loaded from a built gazetteer folder.

    Parameters
    ----------
    folder : path-like, optional
        A folder written by :func:`map_app._build_gazetteer.build_gazetteer`; defaults to
        ``data/gazetteer``.
    """

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder else data_dir() / "gazetteer"
        meta_path = self.folder / "meta.json"
        if not meta_path.exists():
            raise FileNotFoundError(
                f"no gazetteer at {self.folder}: run `map-app data build --source ../shared/data`"
            )
        self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
        a = {n: np.load(self.folder / f"{n}.npy", mmap_mode="r") for n in _ARRAYS + _BLOBS}
        self._a = a
        # plain ndarray views of the memory maps: indexing a np.memmap is several times slower
        self._v = {n: np.asarray(arr) for n, arr in a.items()}
        self._cand_cache: dict[tuple[int, int], Candidate] = {}
        self._memos: dict[str, dict] = {}
        self._ranking: tuple[np.ndarray, np.ndarray] | None = None
        self.key_hash = self._v["key_hash"]
        # small string tables: codes, and (key, name) pairs of admin areas, as tuples: the
        # collector stops tracking tuples of strings, never lists (25,000 raions and counties)
        tables: dict[str, list] = {
            k: [tuple(x) if isinstance(x, list) else x for x in v]
            for k, v in self.meta["tables"].items()}
        self._tables = self.meta["tables"] = tables

    def memo(self, name: str, limit: int = 100_000) -> dict:
        """A cache of facts derived from this gazetteer alone (a name's candidates, a run of
        words' matches), shared by every document parsed with it; emptied when it outgrows
        ``limit`` entries so a long-running process stays bounded."""
        d = self._memos.get(name)
        if d is None or len(d) > limit:
            d = self._memos[name] = {}
        return d

    def __len__(self) -> int:
        return int(self._a["lat"].shape[0])

    # ---- raw access ---------------------------------------------------------------
    def col(self, name: str) -> np.ndarray:
        """A raw column (``lat``, ``lon``, ``kind``, ``country``, ``admin1``, ``population``,
        ``importance``, ``fcode``, ``fclass``…) as a read-only array over all entries."""
        return self._v[name]

    def ranking_columns(self) -> tuple[np.ndarray, np.ndarray]:
        """What ranking reads of every entry, in two arrays: floats ``(n, 6)`` — importance
        (at least :data:`UNKNOWN_VILLAGE` for a village; plus :data:`NOTABILITY` per
        alternate name, up to :data:`NOTABLE_NAMES`), lat, lon and the point as a unit
        vector x, y, z — and integers ``(n, 7)`` — country,
        admin1, kind, admin2, admin3, the admin level of an area entry (:meth:`levels`) and
        whether it is the seat of its admin1 region (PPLA, PPLC). Built on first use: one
        gather each is far cheaper for a name's few candidates than a gather per column and
        trigonometry on each small set."""
        if self._ranking is None:
            from ._geo import unit_vectors

            v = self._v
            lat, lon = v["lat"].astype(np.float64), v["lon"].astype(np.float64)
            # a village whose population GeoNames does not record (most of Ukraine's) ranks
            # as a small village, not as an empty one
            imp = np.maximum(v["importance"].astype(np.float64),
                             UNKNOWN_VILLAGE * (v["kind"] == KINDS.index("village")))
            imp += NOTABILITY * np.minimum(v["notability"], NOTABLE_NAMES)
            floats = np.column_stack([imp, lat, lon, unit_vectors(lon, lat)])
            fcodes = self._tables["fcode"]
            seat = np.isin(v["fcode"], [k for k, c in enumerate(fcodes) if c in ("PPLA", "PPLC")])
            ints = np.column_stack([v["country"], v["admin1"], v["kind"], v["admin2"],
                                    v["admin3"], self.levels(), seat]).astype(np.int64)
            self._ranking = (floats, ints)
        return self._ranking

    def levels(self) -> np.ndarray:
        """The admin level of each entry that is an area: 1 for ADM1, 2 for ADM2 (and
        pre-2020 raions, ADM2H), 3 for ADM3, 0 for anything else."""
        by_code = np.zeros(len(self._tables["fcode"]), dtype=np.int8)
        for k, c in enumerate(self._tables["fcode"]):
            by_code[k] = {"ADM1": 1, "ADM2": 2, "ADM2H": 2, "ADM3": 3}.get(c, 0)
        return by_code[self._v["fcode"]]

    def table(self, name: str) -> list:
        """A code table: ``fclass``, ``fcode``, ``country``, or ``admin1``, ``admin2``,
        ``admin3`` (pairs of key and name)."""
        return self._tables[name]

    def complete_countries(self) -> np.ndarray:
        """Codes (in the ``country`` column) of the countries whose every settlement the
        gazetteer holds: those built from a full GeoNames dump (Ukraine)."""
        return np.flatnonzero(self.complete_mask())

    def complete_mask(self) -> np.ndarray:
        """By country code (the ``country`` column): whether the gazetteer holds its every
        settlement (:meth:`complete_countries`), for a look-up by ``mask[codes]``."""
        memo = self.memo("gazetteer.complete", 1)
        hit = memo.get("mask")
        if hit is None:
            complete = set(self.meta.get("complete", ()))
            hit = memo["mask"] = np.array([c in complete for c in self.table("country")],
                                          dtype=bool)
        return hit

    def settlement_at(self, lat: float, lon: float) -> str | None:
        """The shown name of the settlement (of a country the gazetteer holds completely)
        whose point is ``lat``, ``lon`` to four decimals, the most populous if several; None
        if none is. An area placed at its centre (a raion at its seat) lies at that point."""
        memo = self.memo("gazetteer.settlement-at", 1)
        at = memo.get("points")
        if at is None:
            v = self._v
            town = np.isin(v["kind"], [KINDS.index("city"), KINDS.index("village")])
            idx = np.flatnonzero(town & self.complete_mask()[v["country"]])
            idx = idx[np.argsort(-v["population"][idx], kind="stable")]
            at = memo["points"] = {}
            for i, y, x in zip(idx.tolist(),
                               np.round(v["lat"][idx].astype(np.float64), 4).tolist(),
                               np.round(v["lon"][idx].astype(np.float64), 4).tolist()):
                at.setdefault((y, x), i)
        hit = at.get((round(float(lat), 4), round(float(lon), 4)))
        return None if hit is None else self.name_of(hit)

    def _string(self, blob: str, i: int) -> str:
        off = self._v[blob.replace("_blob", "_off")]
        start = int(off[i - 1]) if i else 0
        return self._v[blob][start:int(off[i])].tobytes().decode("utf-8")

    def name_of(self, i: int) -> str:
        """Main name of entry ``i``."""
        return self._string("name_blob", i)

    def id_of(self, i: int) -> str:
        """Stable id of entry ``i``."""
        gid = int(self._v["geonameid"][i])
        return f"geonames:{gid}" if gid > 0 else self._string("xid_blob", i)

    def admin1_of(self, i: int) -> tuple[str | None, str | None]:
        """(admin1 code, admin1 name) of entry ``i``."""
        j = int(self._v["admin1"][i])
        if j < 0:
            return None, None
        key, name = self._tables["admin1"][j]
        return key.split(".", 1)[1], name or None

    def prior(self, index, flag) -> np.ndarray:
        """Context-free plausibility of entries ``index`` matched with ``flag`` (vectorised)."""
        index = np.asarray(index, dtype=np.int64)
        flag = np.asarray(flag, dtype=np.int64)
        return self._v["importance"][index].astype(np.float64) + MATCH_BONUS[flag]

    def candidate(self, i: int, flag: int = 0, cache: bool = True) -> Candidate:
        """Build the :class:`Candidate` of entry ``i`` matched with ``flag`` (kept for the
        next call unless ``cache`` is false)."""
        if not cache:
            return self._make_candidate(int(i), int(flag))
        hit = self._cand_cache.get((int(i), int(flag)))
        if hit is not None:
            return hit
        if len(self._cand_cache) > 50_000:
            self._cand_cache.clear()
        self._cand_cache[(int(i), int(flag))] = c = self._make_candidate(int(i), int(flag))
        return c

    def fields(self, i: int) -> tuple:
        """(name, lat, lon, geonameid or None, feature_code, kind, country_code, admin1 code,
        admin1 name) of entry ``i``, as candidates and records show them (coordinates to five
        decimals)."""
        a = self._v
        t = self._tables
        gid = int(a["geonameid"][i])
        return (self.name_of(i), round(float(a["lat"][i]), 5), round(float(a["lon"][i]), 5),
                gid if gid > 0 else None, t["fcode"][int(a["fcode"][i])],
                KINDS[int(a["kind"][i])], t["country"][int(a["country"][i])],
                *self.admin1_of(i))

    def admin_areas(self, i: int) -> tuple[str | None, str | None, str | None, str | None,
                                         str | None]:
        """(admin1 key, admin2 name, admin2 code, admin3 name, admin3 code) of entry ``i``:
        the admin1 key is GeoNames' ``country.admin1`` ("UA.05"); in Ukraine admin2 is the
        raion and admin3 the hromada, by COD-AB English name and pcode ("Pokrovskyi",
        "UA1416"). An area entry is its own area at its level; a second-level area's admin3
        is its seat's (the most populous place in it), where coders code an event in it."""
        a, t = self._v, self._tables
        j, a2, a3 = int(a["admin1"][i]), int(a["admin2"][i]), int(a["admin3"][i])
        if a3 < 0 <= a2 and t["fcode"][int(a["fcode"][i])] in ("ADM2", "ADM2H"):
            a3 = int(self._seat_admin3()[a2])
        k2, n2 = t["admin2"][a2] if a2 >= 0 else (None, None)
        k3, n3 = t["admin3"][a3] if a3 >= 0 else (None, None)
        return (t["admin1"][j][0] if j >= 0 else None, n2 or None, k2, n3 or None, k3)

    def _seat_admin3(self) -> np.ndarray:
        """Per admin2 code, the admin3 code of its most populous populated place (-1 when
        it holds none), computed once."""
        memo = self.memo("gazetteer.seat-admin3", 2)
        hit = memo.get(0)
        if hit is None:
            a = self._v
            places = np.flatnonzero((a["fclass"] == self._tables["fclass"].index("P"))
                                    & (a["admin2"] >= 0) & (a["admin3"] >= 0))
            # the last of each admin2 after sorting by population wins
            order = places[np.lexsort((a["population"][places], a["admin2"][places]))]
            hit = np.full(len(self._tables["admin2"]), -1, dtype=np.int64)
            hit[a["admin2"][order]] = a["admin3"][order]
            memo[0] = hit
        return hit

    def _make_candidate(self, i: int, flag: int) -> Candidate:
        a = self._v
        name, lat, lon, gid, fcode, kind, country, code, a1name = self.fields(i)
        _, n2, k2, n3, k3 = self.admin_areas(i)
        return Candidate(
            id=self.id_of(i),
            geonameid=gid,
            name=name,
            lat=lat,
            lon=lon,
            feature_class=self._tables["fclass"][int(a["fclass"][i])],
            feature_code=fcode,
            kind=kind,
            country_code=country,
            admin1=code,
            admin1_name=a1name,
            admin2=n2, admin2_code=k2, admin3=n3, admin3_code=k3,
            population=int(a["population"][i]),
            match=MATCH_TYPES[int(flag)],
            prior=round(float(self.prior(i, flag)), 4),
            index=int(i),
        )

    # ---- lookup -------------------------------------------------------------------
    def matches_hashes(self, hashes) -> tuple[np.ndarray, np.ndarray]:
        """Vectorised hash lookup: ``[start, stop)`` rows of the name index for each hash.

        Parameters
        ----------
        hashes : array-like of uint64
            Hashes from :func:`map_app._text.name_hash` of normalised keys.

        Returns
        -------
        (numpy.ndarray, numpy.ndarray)
            Start and stop rows into ``key_place``/``key_flag``; equal when absent.
        """
        h = np.atleast_1d(np.asarray(hashes, dtype=np.uint64))
        # one search for both ends: a hash's rows end where the next integer's begin
        # (the largest hash is the only one whose successor wraps: search it apart)
        both = self.key_hash.searchsorted(np.concatenate([h, h + np.uint64(1)]))
        lo, hi = both[:len(h)], both[len(h):]
        top = h == np.iinfo(np.uint64).max
        if top.any():
            hi[top] = len(self.key_hash)
        return lo, hi

    def has_link_window(self, hashes) -> np.ndarray:
        """Whether some name holds each window around a link (hashes of
        :func:`map_app._text.link_windows` keys), as a boolean array."""
        h = np.atleast_1d(np.asarray(hashes, dtype=np.uint64))
        table = self._v["link_hash"]
        if not len(table):
            return np.zeros(h.shape, dtype=bool)
        return table[np.minimum(table.searchsorted(h), len(table) - 1)] == h

    def rows(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Entries and match flags in name-index rows ``[start, stop)``."""
        return (self._v["key_place"][start:stop].astype(np.int64),
                self._v["key_flag"][start:stop].astype(np.int64))

    def contains(self, name: str) -> bool:
        """True when some entry has ``name`` (normalised) as a name."""
        key = normalize(name)
        if not key:
            return False
        s, e = self.matches_hashes([name_hash(key)])
        return bool(e[0] > s[0])

    def lookup(self, name: str, limit: int | None = None) -> list[Candidate]:
        """Every entry that has ``name`` as a name or alternate name, likeliest first.

        Matching ignores case, diacritics, apostrophes and hyphens; a name found nowhere is
        looked up by its :func:`~map_app._text.skeleton` (y, j and runs of i merged).

        Parameters
        ----------
        name : str
            The name as written ("Sumy", "Andriyivka", "the Kharkiv region" is *not* stripped:
            pass "Kharkiv region").
        limit : int, optional
            Return at most this many candidates.

        Returns
        -------
        list of Candidate
            Ordered by :meth:`prior`, highest first; empty when the name is unknown.
        """
        key = normalize(name)
        if not key:
            return []
        s, e = self.matches_hashes([name_hash(key)])
        if e[0] == s[0] and skeleton(key) != key:  # a mixed transliteration ("Hulyaipole")
            s, e = self.matches_hashes([name_hash(skeleton(key))])
        places, flags = self.rows(int(s[0]), int(e[0]))
        if places.size == 0:
            return []
        # one row per entry: keep its most trusted match type
        order = np.lexsort((flags, places))
        places, flags = places[order], flags[order]
        first = np.r_[True, places[1:] != places[:-1]]
        places, flags = places[first], flags[first]
        pri = self.prior(places, flags)
        order = np.argsort(-pri, kind="stable")
        if limit is not None:
            order = order[:limit]
        return [self.candidate(int(places[k]), int(flags[k])) for k in order]

    def get(self, id: str) -> Candidate | None:
        """The entry with a given id (``geonames:692194``, ``adm1:UA.21`` …), or None."""
        if id.startswith("geonames:"):
            try:
                gid = int(id.split(":", 1)[1])
            except ValueError:
                return None
            if gid <= 0:
                return None
            hits = np.flatnonzero(np.asarray(self._a["geonameid"]) == gid)
            return self.candidate(int(hits[0])) if hits.size else None
        blob = bytes(self._a["xid_blob"])
        needle = id.encode("utf-8")
        pos = blob.find(needle)
        off = np.asarray(self._a["xid_off"])
        while pos >= 0:
            i = int(np.searchsorted(off, pos, side="right"))
            if self.id_of(i) == id:
                return self.candidate(i)
            pos = blob.find(needle, pos + 1)
        return None


@lru_cache(maxsize=4)
def load_gazetteer(folder: str | None = None) -> Gazetteer:
    """Cached :class:`Gazetteer` loader (one per folder per process)."""
    return Gazetteer(folder)


def lookup(name: str, limit: int | None = None) -> list[Candidate]:
    """Look ``name`` up in the default gazetteer; see :meth:`Gazetteer.lookup`."""
    return load_gazetteer().lookup(name, limit=limit)


def notability(alternate_names: str) -> int:
    """Notability of a GeoNames row (used by the build): the number of distinct names in its
    comma-separated ``alternatenames`` column (see :data:`NOTABILITY`)."""
    return len({a for a in alternate_names.split(",") if a})


def importance(population, kind_code, feature_code: str | None = None) -> float:
    """Log-scale importance of an entry, the base of its prior (used by the build)."""
    pop = max(float(population), 0.0)
    if feature_code == "PPLC":
        pop *= 10.0  # capitals are named far more often than their size alone suggests
    base = math.log10(1.0 + pop)
    if KINDS[kind_code] == "country":
        base = max(base, 6.0) + 1.5
    elif KINDS[kind_code] in ("landmark", "other"):
        base = max(base, 5.0)
    return base
