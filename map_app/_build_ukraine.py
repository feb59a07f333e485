"""Ukraine in depth for the gazetteer (build time only).

Inputs, all under ``../shared/data``:

- ``geonames/UA.zip``: GeoNames' full dump for Ukraine, the primary source of points and names
  (settlements, city districts, historic raions, airports, dams, rivers, islands);
- ``ukraine-admin/``: oblast, raion and hromada polygons (OpenStreetMap) with COD-AB codes, and
  COD-AB tables of raions, hromadas and settlements (official English and Ukrainian names);
- ``geonames/UA_postal.txt.gz``: Ukrainian names of settlements, added where a postal row and a
  GeoNames entry agree (same name, same oblast, close), and a point for a COD-AB settlement
  GeoNames lacks when the postal point lies in that settlement's own hromada.

Every Ukrainian entry gets its oblast, raion and hromada from the polygons that hold its point;
raions and hromadas become entries of their own, named as news names them ("Pokrovskyi raion",
"Pokrovsk district", "Lymanska urban community", "Kurakhove community"), at their
administrative centre as conflict-event coders place them (ACLED codes "Pavlohrad district" to
Pavlohrad), oblasts at GeoNames' own point for them where it lies in their polygon.
"""
from __future__ import annotations

import csv
import gzip
import io
import os
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import gazetteer as gz
from ._geo import haversine_km
from ._text import (
    SOUND_MARK,
    SOUND_MIN,
    cyrillic_language,
    is_latin,
    normalize,
    ru_latin,
    skeleton,
    sound_key,
    uk_latin,
    uk_variants,
)

# The areas whose names get skeletons too: raions (today's, and the old ones news still
# names) and hromadas
_SKELETON_AREAS = frozenset({"ADM2", "ADM2H", "ADM3"})

# What of the full dump becomes an entry: (feature class, code) -> (kind, importance offset).
# Railway stations, hotels, farms, hills … are left out: they repeat the names of the villages
# beside them and would only add namesakes.
_FEATURES = {
    **{("P", c): ("village", 0.0) for c in ("PPL", "PPLA", "PPLA2", "PPLA3", "PPLA4", "PPLC",
                                            "PPLF", "PPLL", "PPLR", "PPLS")},
    ("P", "PPLQ"): ("village", -1.0),    # abandoned: the Chornobyl zone, the front
    ("P", "PPLX"): ("district", -0.5),   # a section of a city or village
    ("A", "ADM4"): ("district", 0.0),    # city districts ("Desnianskyi Raion" of Chernihiv)
    ("S", "AIRP"): ("landmark", 0.0), ("S", "AIRB"): ("landmark", 0.0),
    ("S", "AIRF"): ("landmark", -2.0), ("S", "AIRH"): ("landmark", -2.0),
    ("S", "PS"): ("landmark", 0.0), ("S", "PSH"): ("landmark", 0.0),
    ("S", "PSN"): ("landmark", 0.0), ("S", "DAM"): ("landmark", 0.0),
    ("S", "BDG"): ("landmark", 0.0), ("S", "INSM"): ("landmark", -1.0),
    ("T", "ISL"): ("other", 0.0), ("T", "SPIT"): ("other", 0.0), ("T", "PEN"): ("other", 0.0),
    ("H", "STM"): ("other", 0.0), ("H", "RSV"): ("other", 0.0),
}
# Natural features rank below any settlement unless named with their generic word ("the
# Oskil river"): their bare names are mostly villages' names too. Far enough below that a
# village of unrecorded population, ranked as one of about 100 people, stays ahead by more than
# a closeness bonus can make up ("in Komyshuvakha" is the village, not the river beside it).
_NATURAL_IMPORTANCE = {"ISL": 1.0, "SPIT": 1.0, "PEN": 1.5, "STM": 0.5, "RSV": 0.5}
_LANDMARK_IMPORTANCE = 3.0
_GENERIC = {"ISL": ("island",), "SPIT": ("spit",), "PEN": ("peninsula",),
            "STM": ("river",), "RSV": ("reservoir",)}
# Old (pre-2020) raions: points, names, and the 2020 raion that holds their point.
_OLD_RAIONS = {"ADM2H", "ADMD"}
# The generic word of a raion in its names ("Bucha Raion", "Buchans'kij rajon", "Бучанський район").
_RAION_WORD = re.compile(r"\s+(raion|rayon|rajon|district|район|р-н)$", re.I)
_RAION_WORDS = ("raion", "rayon", "district")
_RAION_STEM = re.compile(r"(.{3,}?)s['’]?k(?:yi|yy|iy|ij|y|i)$", re.I)
_HROMADA_TYPES = {"міська": "urban", "сільська": "rural", "селищна": "settlement"}
_HROMADA_TYPE_ALSO = {"urban": "city", "rural": "village"}
_COMMUNITY_WORDS = ("community", "hromada", "territorial community")
# "Terytorialna Hromada", "Mis'ka Rada": the generic tail of GeoNames' names of hromadas.
_HROMADA_TAIL = re.compile(r"\s+(terytorialna|terytorial'na|teritorial'na|teritorialna|"
                           r"територіальна|территориальная)?\s*(hromada|gromada|громада|"
                           r"община)$", re.I)
_MAX_POSTAL_KM = 15.0  # a postal point (often its council's) and a GeoNames point of one village
_CITY_OBLASTS = {"12": "UA80", "20": "UA85"}  # GeoNames admin1 -> COD-AB pcode: Kyiv, Sevastopol
_OFF_POLYGON_DEG = 0.03  # about 3 km: a point just off a polygon (a coast, a border, a line)
# The consonants of a Latin name, as Ukrainian and Russian transliterations share them
# (Markove/Markovo, Hryhorivka/Grigorovka, Novoselivka/Novoselovka): vowels and j dropped, h
# read as g, doubled letters once. Within one hromada two settlements rarely share them.
_VOWELS = re.compile(r"[aeiouyj\s'’-]+")
# A big city's point lies halfway between its historic core and the middle of its parts.
# GeoNames puts it at the core, which in a long or lopsided city (Mariupol along its coast)
# lies kilometres from most of its streets, where a report that names only the city may have
# happened anywhere; the core keeps half the weight, as the most named part. Its parts are
# the district entries (PPLX, ADM4) within _CITY_PARTS_KM of the core, at least
# _CITY_PARTS_MIN of them.
_CITY_CORE_POP = 100_000
_CITY_PARTS_KM = 10.0
_CITY_PARTS_MIN = 3


def _consonants(name: str) -> str:
    k = _VOWELS.sub("", normalize(name)).replace("h", "g")
    return re.sub(r"(.)\1+", r"\1", k)



def _open_member(path: Path, suffix: str = ".txt"):
    z = zipfile.ZipFile(path)
    name = next(n for n in z.namelist() if n.endswith(suffix) and "readme" not in n.lower())
    return io.TextIOWrapper(z.open(name), encoding="utf-8")


def _read_geojson(path: Path):
    import geopandas as gpd

    with gzip.open(path, "rb") as f:
        return gpd.read_file(io.BytesIO(f.read()))


@dataclass
class Admin:
    """Ukraine's admin areas: polygons by COD-AB pcode and COD-AB names."""

    oblast_geom: dict          # pcode -> polygon
    raion_geom: dict           # pcode -> polygon
    hromada_geom: dict         # pcode -> polygon
    raions: dict               # pcode -> COD-AB row (parent, name_en, name_uk, name_ru, lat, lon)
    hromadas: dict             # pcode -> COD-AB row, plus "type" (urban, rural, settlement)
    settlements: list          # COD-AB settlement rows
    oblast_names: dict = field(default_factory=dict)  # pcode -> Ukrainian, Russian names

    def locate(self, lat, lon) -> tuple[list[str], list[str], list[str]]:
        """(oblast, raion, hromada) pcodes of each point ("" where none): the hromada holding
        it, else the raion (Crimea has no hromadas here), else the oblast; a point just off
        every polygon (a coast, a river border) takes the nearest within about 3 km."""
        import shapely

        pts = shapely.points(np.asarray(lon, float), np.asarray(lat, float))
        n = len(pts)
        a1, a2, a3 = [""] * n, [""] * n, [""] * n
        for level, geoms in ((3, self.hromada_geom), (2, self.raion_geom), (1, self.oblast_geom)):
            codes = list(geoms)
            tree = shapely.STRtree([geoms[c] for c in codes])
            todo = [i for i in range(n) if not (a3, a2, a1)[3 - level][i]]
            if not todo:
                continue
            pi, gi = tree.query(pts[todo], predicate="intersects")
            hit = dict(zip(pi.tolist(), gi.tolist()))
            miss = [k for k in range(len(todo)) if k not in hit]
            if miss:
                mi, mg = tree.query_nearest(pts[[todo[k] for k in miss]],
                                            max_distance=_OFF_POLYGON_DEG)
                for k, g in zip(mi.tolist(), mg.tolist()):
                    hit.setdefault(miss[k], g)
            for k, g in hit.items():
                i, code = todo[k], codes[g]
                if level == 3:
                    a3[i] = code
                    a2[i] = self.hromadas[code]["parent"]
                    a1[i] = self.raions[a2[i]]["parent"]
                elif level == 2:
                    a2[i] = code
                    a1[i] = self.raions[code]["parent"]
                else:
                    a1[i] = code
        return a1, a2, a3


def read_admin(folder: Path) -> Admin:
    """The polygons and COD-AB tables of ``../shared/data/ukraine-admin``."""
    folder = Path(folder)

    def table(name):
        with open(folder / name, newline="", encoding="utf-8") as f:
            # a few names carry their apostrophe escaped ("Куп\\'янський")
            return [{k: v.replace("\\'", "'") if isinstance(v, str) else v
                     for k, v in r.items()} for r in csv.DictReader(f)]

    raions = {r["pcode"]: r for r in table("codab_raions.csv")}
    hromadas = {r["pcode"]: dict(r, type="") for r in table("codab_hromadas.csv")}
    geoms = []
    oblast_names: dict[str, list[str]] = {}
    for level in (1, 2, 3):
        gdf = _read_geojson(folder / f"ukr_osm_adm{level}.geojson.gz")
        geoms.append(dict(zip(gdf["codab_pcode"], gdf.geometry)))
        if level == 1:
            for col in ("name:uk", "name:ru"):
                for code, name in zip(gdf["codab_pcode"], gdf.get(col, [])):
                    if isinstance(name, str) and name:
                        oblast_names.setdefault(code, []).append(name)
        if level == 3:
            for code, name in zip(gdf["codab_pcode"], gdf["name"]):
                if code in hromadas:
                    words = str(name).split()
                    hromadas[code]["type"] = next(
                        (_HROMADA_TYPES[w] for w in words if w in _HROMADA_TYPES), "")
    return Admin(geoms[0], geoms[1], geoms[2], raions, hromadas,
                 table("codab_settlements.csv"), oblast_names)


def _inside_point(geom) -> tuple[float, float]:
    """(lat, lon) of a point inside ``geom``: its centroid when that lies inside, else the
    point shapely guarantees to lie inside."""
    c = geom.centroid
    if not geom.contains(c):
        c = geom.representative_point()
    return float(c.y), float(c.x)


def _latin_and_cyrillic(name: str) -> bool:
    return is_latin(name) or all(("а" <= ch <= "я") or ch in "іїєґёʼ'’" or not ch.isalpha()
                                 for ch in name.lower())


def _spellings(cyrillic: list[str]) -> list[str]:
    """Latin spellings generated from an entry's Cyrillic names (Ukrainian by the national
    standard, popular and j-styles; Russian plain, ye- and j-styles); Russian forms are
    guessed only when the entry has no Russian name."""
    uk = [c for c in cyrillic if cyrillic_language(c) != "ru"]
    ru = [c for c in cyrillic if cyrillic_language(c) != "uk"]
    out: list[str] = []
    for c in uk:
        out.extend(uk_latin(c))
    for c in ru:
        out.extend(ru_latin(c))
    if uk and not [c for c in ru if cyrillic_language(c) == "ru"]:
        for c in uk[:1]:
            out.extend(v for v in uk_variants(c) if v not in out)
    return list(dict.fromkeys(out))


class Ukraine:
    """Adds Ukraine's entries to a gazetteer :class:`~map_app._build_gazetteer._Table`."""

    def __init__(self, t, admin: Admin):
        self.t = t
        self.admin = admin
        self.code_of: dict[str, str] = {}   # oblast pcode -> GeoNames admin1 code
        self.settlements: list[int] = []     # entries that are settlements (P class)
        self.stats: dict[str, int] = defaultdict(int)
        self.latin: dict[int, list[str]] = {}  # a settlement's Latin names and spellings

    # ------------------------------------------------------------ the full dump
    def add_dump(self, rows: list[list[str]]) -> None:
        """Entries from the dump's rows of :data:`_FEATURES` and :data:`_OLD_RAIONS`."""
        lat = [float(p[4]) for p in rows]
        lon = [float(p[5]) for p in rows]
        a1, a2, a3 = self.admin.locate(lat, lon)
        # GeoNames' admin1 code of each oblast, by the vote of the entries inside it
        votes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for p, o in zip(rows, a1):
            if o and p[10] and p[6] == "P":
                votes[o][p[10]] += 1
        self.code_of = {o: max(v.items(), key=lambda kv: kv[1])[0] for o, v in votes.items()}
        for code, o in _CITY_OBLASTS.items():  # Kyiv and Sevastopol: no polygon
            self.code_of.setdefault(o, code)
        old = []
        for p, o, r, h in zip(rows, a1, a2, a3):
            if p[7] in _OLD_RAIONS:
                old.append((p, r))
                continue
            self._add_row(p, o, r, h)
        self._old_raions(old)
        self._centre_cities()

    def _centre_cities(self) -> None:
        """Move each big city halfway to the mean point of its parts (see
        :data:`_CITY_PARTS_KM`); its oblast, raion and hromada stay those of GeoNames' point."""
        c = self.t.cols
        lat, lon = np.array(c["lat"]), np.array(c["lon"])
        kind, pop = np.array(c["kind"]), np.array(c["population"])
        ua = np.array(c["country"]) == "UA"
        parts = np.flatnonzero(ua & (kind == gz.KINDS.index("district")))
        big = np.flatnonzero(ua & (kind == gz.KINDS.index("city")) & (pop >= _CITY_CORE_POP))
        for i in big:
            near = parts[haversine_km(lat[i], lon[i], lat[parts], lon[parts]) <= _CITY_PARTS_KM]
            if near.size >= _CITY_PARTS_MIN:
                c["lat"][i] = float(lat[i] + lat[near].mean()) / 2
                c["lon"][i] = float(lon[i] + lon[near].mean()) / 2
                self.stats["cities_centred"] += 1

    def _admin_of(self, geonames_a1: str, o: str, r: str, h: str) -> tuple[str, str, str]:
        # Kyiv and Sevastopol are cities with an oblast's status, which the polygons lack
        # (Kyiv lies inside Kyiv Oblast's): GeoNames' code for them decides
        city = _CITY_OBLASTS.get(geonames_a1)
        if city:
            o, r, h = city, city + "00", city + "00000"
        return self.code_of.get(o, geonames_a1), r, h

    # build time only: one GeoNames row's entry and all its names, in one place (C901 16)
    def _add_row(self, p: list[str], o: str, r: str, h: str) -> int:  # noqa: C901
        t = self.t
        fclass, fcode = p[6], p[7]
        kind, offset = _FEATURES[(fclass, fcode)]
        pop = int(p[14] or 0)
        if kind == "village" and (fcode in ("PPLA", "PPLC", "PPLA2") or pop >= 10_000):
            kind = "city"
        a1, a2, a3 = self._admin_of(p[10], o, r, h)
        imp = _NATURAL_IMPORTANCE.get(fcode)
        if fclass == "S":
            imp = _LANDMARK_IMPORTANCE + offset  # below a town: airports share their names
        if imp is None:
            imp = gz.importance(pop, gz.KINDS.index(kind), fcode) + offset
        i = t.add(name=p[1], lat=p[4], lon=p[5], fclass=fclass, fcode=fcode, kind=kind,
                  country="UA", admin1=a1, population=pop, geonameid=int(p[0]),
                  admin2=a2, admin3=a3, importance=imp,
                  notability=gz.notability(p[3]))
        t.name(i, p[2], "ascii")
        alts = [a for a in p[3].split(",") if a and _latin_and_cyrillic(a)]
        cyr = [a for a in alts if not is_latin(a)]
        # a landmark's Cyrillic names are mostly its town's ("Суми" for Sumy airport)
        spellings = _spellings(cyr) if fclass != "S" else []
        # a village's transliterations in GeoNames are spellings; a city's are exonyms
        # English uses as names (Odessa, Kharkov)
        generated = {normalize(v) for v in spellings} if kind == "village" else set()
        for alt in alts:  # Japanese, Arabic … transcriptions left out: none of our readers
            if not is_latin(alt):
                t.name(i, alt, "other-script")
            elif any(ch.isdigit() for ch in alt):
                t.name(i, alt, "code")
            elif normalize(alt) not in generated:
                t.name(i, alt, "alternate")  # another language's or an old name
        for v in spellings:  # GeoNames' own transliterations among them
            t.name(i, v, "variant")
        for w in _GENERIC.get(fcode, ()):
            for n in {p[1], p[2]}:
                t.name(i, f"{n} {w}", "phrase")
                t.name(i, f"{w} {n}", "phrase")
        if kind == "district":  # "the Kirovskyi district of Donetsk", "Saltivka district"
            for n in dict.fromkeys([p[1], p[2], *(a for a in alts if is_latin(a)), *spellings]):
                if not _RAION_WORD.search(n):
                    for w in ("district", "raion"):
                        t.name(i, f"{n} {w}", "phrase")
        if fclass == "P":
            self.settlements.append(i)
            self.latin[i] = list(dict.fromkeys([p[1], p[2], *spellings]))
        self.stats["entries"] += 1
        return i

    def _old_raions(self, rows: list[tuple[list[str], str]]) -> None:
        """Pre-2020 raions ("Tokmak district"): at GeoNames' point, inside the 2020 raion that
        holds it, so "X, Tokmak district" finds X in today's Polohivskyi raion."""
        t = self.t
        for p, r in rows:
            if not r:
                continue
            a1 = self.code_of.get(self.admin.raions[r]["parent"], p[10])
            i = t.add(name=p[1], lat=p[4], lon=p[5], fclass="A", fcode="ADM2H", kind="region",
                      country="UA", admin1=a1, admin2=r, geonameid=int(p[0]), importance=2.0)
            names = [p[1], p[2], *(a for a in p[3].split(",") if a and _latin_and_cyrillic(a))]
            self._raion_names(i, names, [])
            self.stats["old_raions"] += 1

    def _raion_names(self, i: int, names: list[str], centres: list[str]) -> None:
        """A raion's names: each with its generic word in the forms news uses ("Bucha
        raion", "Bucha district", "Buchanskyi rayon"), Cyrillic ones transliterated, and the
        centre's names with the same words ("Pokrovsk district")."""
        t = self.t
        bases = []
        for n in names:
            m = _RAION_WORD.search(n)
            base = n[:m.start()] if m else n
            if not is_latin(base):
                t.name(i, n, "other-script")
                lang = cyrillic_language(base)
                # "у Сумському районі", "в Сумском районе": declined with its noun
                t.name(i, f"{base.strip()} район", "other-script")
                bases.extend(uk_latin(base) if lang == "uk" else ru_latin(base)
                             if lang == "ru" else uk_latin(base) + ru_latin(base))
            else:
                bases.append(base)
        # the adjective's stem: "Svativ district" (Svativskyi), "Kupian district" (Kupianskyi)
        stems = [m.group(1) for b in bases if (m := _RAION_STEM.match(b))]
        for b in dict.fromkeys([*bases, *stems, *centres]):
            if len(normalize(b)) < 3:
                continue
            for w in _RAION_WORDS:
                t.name(i, f"{b} {w}", "phrase")
        for b in dict.fromkeys(bases):
            t.name(i, b, "alternate")  # the adjective alone ("Pokrovskyi")

    # ------------------------------------------------------------ postal and COD-AB names
    def add_postal(self, path: Path, oblasts: list[dict]) -> list[dict]:
        """Add the postal dump's Ukrainian names to the GeoNames entries they agree with;
        return the postal settlements that matched none (with their points)."""
        from ._build_gazetteer import postal_settlements

        t = self.t
        by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
        for (key, i), _flag in t.names.items():
            if t.cols["country"][i] == "UA" and t.cols["fclass"][i] == "P":
                by_key[(key, t.cols["admin1"][i])].append(i)
        rest = []
        for s in postal_settlements(path, oblasts):
            variants = uk_variants(s["cyr"])
            keys = {normalize(s["cyr"])} | {normalize(v) for v in variants[:3]}
            hits = {i for k in keys for i in by_key.get((k, f"UA.{s['admin1']}"), ())}
            best, best_d = None, _MAX_POSTAL_KM
            for i in hits:
                d = float(haversine_km(s["lat"], s["lon"], t.cols["lat"][i], t.cols["lon"][i]))
                if d < best_d:
                    best, best_d = i, d
            if best is None:
                rest.append(s)
                continue
            self._settlement_names(best, s["cyr"], None)
            self.stats["postal_names"] += 1
        self.stats["postal_unmatched"] = len(rest)
        return rest

    def _settlement_names(self, i: int, uk: str, official: str | None) -> None:
        t = self.t
        t.name(i, uk, "other-script")
        if official:
            t.name(i, official, "ascii")
            # shown by the official spelling of its name, as coders write it (GeoNames'
            # "Nadiya" is Nadiia, "Timofeyevka" Tymofiivka); a name of other consonants is
            # another name, and GeoNames' the newer (COD-AB predates the renamings of 2024:
            # Chervonohrad is now Sheptytskyi), so it stays
            if i not in t.shown and _consonants(official) == _consonants(t.cols["name"][i]):
                t.shown[i] = official
        for v in uk_variants(uk):
            t.name(i, v, "variant")

    def add_codab(self, unmatched_postal: list[dict]) -> None:
        """COD-AB's official names onto the entries of their own hromada. A settlement found
        nowhere in its hromada takes the one entry of its name just outside it (a point or a
        polygon a little off: the official list decides the hromada), else is added where an
        unmatched postal point with its name lies in that hromada (the polygon vouches for the
        postal point); the rest are counted."""
        t = self.t
        c = t.cols
        _, _, h_of = self.admin.locate([s["lat"] for s in unmatched_postal],
                                       [s["lon"] for s in unmatched_postal])
        postal_in: dict[tuple[str, str], int] = {}
        for k, (s, h) in enumerate(zip(unmatched_postal, h_of)):
            if h:
                postal_in.setdefault((h, normalize(s["cyr"])), k)
        # every name of every settlement, by its hromada, and by its raion where the polygons
        # have no hromadas (Crimea); and by name alone, for the settlements just outside
        names: dict[tuple[str, str], list[int]] = defaultdict(list)
        anywhere: dict[str, list[int]] = defaultdict(list)
        members: dict[str, set[int]] = defaultdict(set)  # area -> its settlements
        for (key, i), _flag in t.names.items():
            if c["country"][i] == "UA" and c["fclass"][i] == "P":
                area = c["admin3"][i] or c["admin2"][i]
                names[(area, key)].append(i)
                anywhere[key].append(i)
                members[area].add(i)
        named: set[int] = set()
        rest = []
        for row in self.admin.settlements:
            h = row["adm3_pcode"]
            area = h if h in self.admin.hromada_geom else row["adm2_pcode"]
            keys = self._codab_keys(row)
            hits = next((names[(area, k)] for k in keys if (area, k) in names), None)
            if hits:
                for i in hits:
                    self._settlement_names(i, row["name_uk"], row["name_en"])
                named.update(hits)
                self.stats["codab_named"] += 1
            else:
                rest.append(row)
        later = []
        for row in rest:
            h = row["adm3_pcode"]
            area = h if h in self.admin.hromada_geom else row["adm2_pcode"]
            i = self._same_consonants(row, members.get(area, ()), named)
            if i is not None:
                self._settlement_names(i, row["name_uk"], row["name_en"])
                named.add(i)
                self.stats["codab_named_by_consonants"] += 1
            else:
                later.append(row)
        for row in later:
            h = row["adm3_pcode"]
            i = self._just_outside(row, anywhere, named)
            if i is not None:
                c["admin2"][i], c["admin3"][i] = row["adm2_pcode"], h
                self._settlement_names(i, row["name_uk"], row["name_en"])
                named.add(i)
                self.stats["codab_moved_into_their_hromada"] += 1
                continue
            j = postal_in.get((h, normalize(row["name_uk"])))
            if j is None:
                self.stats["codab_without_point"] += 1
                continue
            s = unmatched_postal[j]
            i = t.add(name=row["name_en"], lat=s["lat"], lon=s["lon"], fclass="P", fcode="PPL",
                      kind="village", country="UA",
                      admin1=self.code_of.get(row["adm1_pcode"], s["admin1"]),
                      admin2=row["adm2_pcode"], admin3=h,
                      xid=t.unique_xid(f"codab:{row['pcode']}"))
            self._settlement_names(i, row["name_uk"], row["name_en"])
            self.settlements.append(i)
            self.stats["codab_added_at_postal_point"] += 1

    @staticmethod
    def _codab_keys(row: dict) -> list[str]:
        return [normalize(row["name_en"]), normalize(row["name_uk"]),
                *(normalize(v) for v in uk_variants(row["name_uk"])[:3])]

    def _same_consonants(self, row: dict, members, named: set[int]) -> int | None:
        """The one settlement of ``row``'s own hromada, named by no COD-AB row yet, with a
        Latin name of the same :func:`_consonants` as ``row``'s official name: GeoNames knows
        many villages by their Russian name alone (Markovo for Markove)."""
        want = _consonants(row["name_en"])
        hits = {i for i in members if i not in named
                and any(_consonants(n) == want for n in self.latin.get(i, ()))}
        return hits.pop() if len(hits) == 1 else None

    def _just_outside(self, row: dict, anywhere: dict, named: set[int]) -> int | None:
        """The one entry named like COD-AB settlement ``row``, not taken by its own hromada,
        within :data:`_OFF_POLYGON_DEG` of ``row``'s hromada polygon."""
        import shapely

        geom = self.admin.hromada_geom.get(row["adm3_pcode"])
        if geom is None:
            return None
        c = self.t.cols
        near = set()
        for k in self._codab_keys(row):
            for i in anywhere.get(k, ()):
                if i not in named and shapely.distance(
                        geom, shapely.Point(c["lon"][i], c["lat"][i])) <= _OFF_POLYGON_DEG:
                    near.add(i)
        return near.pop() if len(near) == 1 else None

    def add_skeletons(self) -> None:
        """The :func:`~map_app._text.skeleton` of every Latin name of a Ukrainian settlement,
        raion or hromada, as a variant: the mixed spellings of news find it ("Hulyaipole" for
        Huliaipole, "Vasylivsky district" for Vasylivskyi Raion)."""
        t = self.t
        c = t.cols
        keys = [(key, i) for (key, i) in t.names if c["country"][i] == "UA"
                and (c["fclass"][i] == "P" or c["fcode"][i] in _SKELETON_AREAS)
                and key.isascii()]
        n = len(t.names)
        for key, i in keys:
            sk = skeleton(key)
            if sk != key:
                t.name(i, sk, "variant")
        self.stats["skeleton_names"] = len(t.names) - n

    def add_sounds(self) -> None:
        """The :func:`~map_app._text.sound_key` of every Latin name of a Ukrainian
        settlement, marked (:data:`~map_app._text.SOUND_MARK`) so that no word of a text
        finds it: what a spelling too far for the other forms is looked up by ("Chervonaya
        Dibrova", a Russian form of a name the village bears only as an alternate)."""
        t = self.t
        c = t.cols
        keys = {(key, i) for (key, i) in t.names if c["country"][i] == "UA"
                and c["fclass"][i] == "P" and key.isascii() and not key.startswith(SOUND_MARK)}
        n = len(t.names)
        for key, i in sorted(keys):
            sound = sound_key(key)
            if len(sound) >= SOUND_MIN:
                t.name(i, SOUND_MARK + sound, "variant")
        self.stats["sound_keys"] = len(t.names) - n

    # ------------------------------------------------------------ raions and hromadas
    def _centre(self, members: list[int], area: str) -> int | None:
        """The administrative centre among ``members``: the likeliest settlement whose name,
        all but its last three letters, opens the area's name ("Pokrovskyi" -> Pokrovsk,
        "Polohivskyi" -> Polohy, "Svativskyi" -> Svatove, "Sumskyi" -> Sumy)."""
        c = self.t.cols
        area = skeleton(normalize(area))  # "Kupianskyi" and Kupyansk differ in y and i only
        best, best_key = None, None
        for i in members:
            name = skeleton(normalize(c["name"][i]))
            common = len(os.path.commonprefix([name, area]))
            if common < max(3, len(name) - 3):
                continue
            key = (c["fcode"][i] in ("PPLA", "PPLA2", "PPLA3", "PPLC"), c["population"][i])
            if best_key is None or key > best_key:
                best, best_key = i, key
        return best

    def add_areas(self, dump_areas: dict[str, list[list[str]]]) -> None:
        """Raions and hromadas as entries of their own, with GeoNames' names for the same
        areas (``dump_areas``: "ADM2"/"ADM3" rows of the full dump)."""
        t = self.t
        c = t.cols
        in_raion: dict[str, list[int]] = defaultdict(list)
        in_hromada: dict[str, list[int]] = defaultdict(list)
        for i in self.settlements:
            if c["admin2"][i]:
                in_raion[c["admin2"][i]].append(i)
            if c["admin3"][i]:
                in_hromada[c["admin3"][i]].append(i)
        # GeoNames' rows for the same areas, by the raion/hromada that holds their point
        gn: dict[str, dict[str, list[list[str]]]] = {
            lvl: defaultdict(list) for lvl in ("ADM2", "ADM3")}
        for lvl, rows in dump_areas.items():
            if not rows or lvl not in gn:
                continue
            _, a2, a3 = self.admin.locate([float(p[4]) for p in rows], [float(p[5]) for p in rows])
            for p, r, h in zip(rows, a2, a3):
                key = r if lvl == "ADM2" else h
                if key:
                    gn[lvl][key].append(p)
        for code, row in self.admin.raions.items():
            geom = self.admin.raion_geom.get(code)
            members = in_raion.get(code, [])
            centre = self._centre(members, row["name_en"])
            lat, lon = self._area_point(geom, centre, row)
            a1 = self.code_of.get(row["parent"], "")
            i = t.add(name=f"{row['name_en']} Raion", lat=lat, lon=lon, fclass="A", fcode="ADM2",
                      kind="region", country="UA", admin1=a1, admin2=code,
                      population=sum(c["population"][k] for k in members),
                      xid=f"adm2:{code}", importance=3.0)
            names = [row["name_en"], row["name_uk"], row["name_ru"]]
            for p in gn["ADM2"].get(code, ()):
                names += [p[1], p[2], *(a for a in p[3].split(",") if a and _latin_and_cyrillic(a))]
            self._raion_names(i, names, self._centre_names(centre))
            t.area_names[code] = row["name_en"]
            self.stats["raions"] += 1
        for code, row in self.admin.hromadas.items():
            if code[:6] not in self.admin.raions:
                continue
            geom = self.admin.hromada_geom.get(code)
            members = in_hromada.get(code, [])
            centre = self._centre(members, row["name_en"])
            lat, lon = self._area_point(geom, centre, row)
            a1 = self.code_of.get(self.admin.raions[code[:6]]["parent"], "")
            kind_word = {"urban": "Urban", "rural": "Rural", "settlement": "Settlement"}.get(
                row["type"], "")
            i = t.add(name=f"{row['name_en']} {kind_word} Hromada".replace("  ", " "),
                      lat=lat, lon=lon, fclass="A", fcode="ADM3", kind="region", country="UA",
                      admin1=a1, admin2=code[:6], admin3=code,
                      population=sum(c["population"][k] for k in members),
                      xid=f"adm3:{code}", importance=2.0)
            self._hromada_names(i, row, gn["ADM3"].get(code, ()), self._centre_names(centre))
            t.area_names[code] = row["name_en"]
            self.stats["hromadas"] += 1

    def _centre_names(self, centre: int | None) -> list[str]:
        """The Latin names of an area's centre, as "<centre> district/community" take them."""
        return self.latin.get(centre, []) if centre is not None else []

    def _area_point(self, geom, centre: int | None, row: dict) -> tuple[float, float]:
        c = self.t.cols
        if centre is not None:
            return c["lat"][centre], c["lon"][centre]
        if geom is not None:
            return _inside_point(geom)
        return float(row["lat_centroid"]), float(row["lon_centroid"])

    def _hromada_names(self, i: int, row: dict, gn_rows, centres: list[str]) -> None:
        """A hromada's names: the COD-AB adjective ("Lymanska") alone and with "community",
        "hromada", its type ("urban community"); its stem ("Kurakhiv community", "Kurakhivsk
        community") and its centre's name ("Kurakhove community"); Russian forms; GeoNames'
        names for it."""
        t = self.t
        en = row["name_en"]
        bases = [en, *ru_latin(row["name_ru"])[:2], *uk_latin(row["name_uk"])[1:]]
        for n in (row["name_uk"], row["name_ru"]):
            t.name(i, n, "other-script")
            t.name(i, f"{n} громада", "other-script")  # declined: "Краснопільської громади"
        for p in gn_rows:
            for n in [p[1], p[2], *(a for a in p[3].split(",") if a and is_latin(a))]:
                b = _HROMADA_TAIL.sub("", n).strip()
                if b and b not in bases:
                    bases.append(b)
        stems = []
        for b in bases:
            m = re.match(r"(.+?)(s['’]?ka|s['’]?kaya|skaja|ska|ka)$", b, re.I)
            if m and len(m.group(1)) >= 3:
                stems.append(m.group(1))
                if m.group(2)[:1].lower() == "s":  # (not "ka": "Darivka" is no adjective)
                    # the adjective without its ending, as translations leave it ("the
                    # Darivsk village community", "Pavlovsk community")
                    stems.append(m.group(1) + "sk")
        words = list(_COMMUNITY_WORDS)
        # the type in either translation: сільська is rural or village, міська urban or city
        for kind in filter(None, (row["type"], _HROMADA_TYPE_ALSO.get(row["type"]))):
            words += [f"{kind} community", f"{kind} hromada", f"{kind} territorial community"]
        for b in dict.fromkeys(bases):
            t.name(i, b, "alternate")
        for b in dict.fromkeys([*bases, *stems, *centres]):
            for w in words:
                t.name(i, f"{b} {w}", "phrase")


def read_dump(path: Path) -> tuple[list[list[str]], dict[str, list[list[str]]]]:
    """The dump's rows that become entries (:data:`_FEATURES`, :data:`_OLD_RAIONS`), and its
    oblast (ADM1), raion (ADM2) and hromada (ADM3) rows: the oblasts' points, the raions' and
    hromadas' names."""
    rows: list[list[str]] = []
    areas: dict[str, list[list[str]]] = {"ADM1": [], "ADM2": [], "ADM3": []}
    with _open_member(Path(path)) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 19 or not p[0].isdigit():
                continue
            if (p[6], p[7]) in _FEATURES or p[7] in _OLD_RAIONS:
                rows.append(p)
            elif p[6] == "A" and p[7] in areas:
                areas[p[7]].append(p)
    return rows, areas


def oblast_points(admin: Admin, code_of: dict[str, str], rows: list[list[str]]
                  ) -> dict[str, tuple[float, float]]:
    """``{"UA.21": (lat, lon)}``: each oblast's point — GeoNames' own (``rows``, the dump's
    ADM1 rows: the reference point of coders and of GeoNames-based geoparsers) where it lies
    in the oblast's polygon, else a point inside the polygon."""
    import shapely

    gn = {p[10]: (float(p[4]), float(p[5])) for p in rows}
    out: dict[str, tuple[float, float]] = {}
    for o, geom in admin.oblast_geom.items():
        if o not in code_of:
            continue
        pt = gn.get(code_of[o])
        if pt is None or not shapely.intersects(geom, shapely.Point(pt[1], pt[0])):
            pt = _inside_point(geom)
        out[f"UA.{code_of[o]}"] = pt
    return out


def add_ukraine(t, dump: Path, admin_dir: Path, postal: Path | None, oblasts: list[dict],
                log=print) -> dict:
    """Add Ukraine from the full dump, the admin areas and the postal names to table ``t``;
    returns counts for ``meta.json`` and the oblast points for the admin1 regions."""
    admin = read_admin(admin_dir)
    ua = Ukraine(t, admin)
    rows, areas = read_dump(dump)
    ua.add_dump(rows)
    rest = ua.add_postal(postal, oblasts) if postal else []
    ua.add_codab(rest)
    ua.add_areas(areas)
    ua.add_skeletons()
    ua.add_sounds()
    log("Ukraine: " + ", ".join(f"{k} {v}" for k, v in ua.stats.items()))
    names = {f"UA.{ua.code_of[o]}": names for o, names in admin.oblast_names.items()
             if o in ua.code_of}
    return {"stats": dict(ua.stats),
            "oblast_points": oblast_points(admin, ua.code_of, areas["ADM1"]),
            "oblast_names": names}
