"""Resolved places: each toponym of a document tied to one gazetteer entry.

Every candidate of a toponym starts from its context-free prior (population, feature type, how
the name matched) and gains from the document's context:

- a qualifier right after it ("Parkland, Florida", "Andriivka in the Sumy region");
- regions and countries the document names elsewhere;
- the document's focus country (a vote of its confident places);
- proximity to the document's other confident places.

The pick carries its score and runners-up, so a user can see why.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from ._geo import haversine_km
from .gazetteer import FLAG, KINDS, Gazetteer, load_gazetteer
from .toponyms import Toponym, find_toponyms

COLUMNS = ["text", "start", "end", "name", "lat", "lon", "geonameid", "feature_code", "kind",
           "country_code", "admin1", "score", "alternatives", "entry"]
# Match types too weak to name a place on their own (codes, a region's name that belongs to
# its capital); generated spellings stay, ranked low by their prior.
_WEAK = np.zeros(len(FLAG), dtype=bool)
_WEAK[[FLAG["code"], FLAG["shadowed"]]] = True
_COUNTRY, _REGION = KINDS.index("country"), KINDS.index("region")
_QUALIFIER_GAP = re.compile(r"^(?:,\s*|\s+in\s+(?:the\s+)?|\s+\(|\s+near\s+(?:the\s+)?)$")

# Context weights (added to the log-scale prior).
W_QUALIFIER = 4.0      # "X, <region/country containing X>"
W_REGION = 2.0         # the document names the candidate's admin1 region
W_COUNTRY = 1.5        # the document names the candidate's country
W_FOCUS = 1.0          # times the focus country's share of the document's places
W_NEAR = 1.5           # times closeness (exp(-km/100)) to the nearest confident place
W_CLAIM = 3.0          # times agreement with a stated distance to a border
_CANDS_CACHE: dict[int, dict[str, "_Cands"]] = {}
_SENTENCE_BREAK = re.compile(r"[.!?]\s|\n")


@dataclass
class _Cands:
    entries: np.ndarray
    flags: np.ndarray
    prior: np.ndarray
    country: np.ndarray
    admin1: np.ndarray
    kind: np.ndarray
    lat: np.ndarray
    lon: np.ndarray


def _candidates(g: Gazetteer, t: Toponym) -> _Cands | None:
    ok = ~_WEAK[t.flags]
    if not ok.any():
        ok = np.ones_like(t.flags, dtype=bool)  # only codes: "US" is still the US
    entries, flags = t.entries[ok], t.flags[ok]
    # one row per entry, with its most trusted match
    order = np.lexsort((flags, entries))
    entries, flags = entries[order], flags[order]
    first = np.r_[True, entries[1:] != entries[:-1]]
    entries, flags = entries[first], flags[first]
    return _Cands(entries, flags, g.prior(entries, flags),
                  g.col("country")[entries].astype(np.int64),
                  g.col("admin1")[entries].astype(np.int64),
                  g.col("kind")[entries].astype(np.int64),
                  g.col("lat")[entries].astype(np.float64),
                  g.col("lon")[entries].astype(np.float64))


def _container(c: _Cands, k: int) -> tuple[str, int] | None:
    """What candidate ``k`` can qualify: ("country", idx) or ("admin1", idx)."""
    if c.kind[k] == _COUNTRY:
        return ("country", int(c.country[k]))
    if c.kind[k] == _REGION and c.admin1[k] >= 0:
        return ("admin1", int(c.admin1[k]))
    return None


def resolve(text: str, gazetteer: Gazetteer | None = None, n_alternatives: int = 3
            ) -> gpd.GeoDataFrame:
    """Find the toponyms of ``text`` and pick the likeliest entry for each.

    Parameters
    ----------
    text : str
    gazetteer : Gazetteer, optional
    n_alternatives : int
        How many runners-up to keep per place.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per toponym (columns :data:`COLUMNS`), points in EPSG:4326, in text order.
    """
    rows = resolve_records(text, gazetteer, n_alternatives)
    geom = shapely.points([r["lon"] for r in rows], [r["lat"] for r in rows]) if rows else []
    return gpd.GeoDataFrame(rows, columns=COLUMNS, geometry=geom, crs="EPSG:4326")


def resolve_records(text: str, gazetteer: Gazetteer | None = None, n_alternatives: int = 3
                    ) -> list[dict]:
    """:func:`resolve` as plain dicts (the fast path: no DataFrame).

    Parameters
    ----------
    text : str
    gazetteer : Gazetteer, optional
    n_alternatives : int
        How many runners-up to keep per place.

    Returns
    -------
    list of dict
        One dict per toponym with the keys of :data:`COLUMNS`, in text order.
    """
    g = gazetteer or load_gazetteer()
    tops = find_toponyms(text, g)
    # a name has the same candidates wherever it occurs: cache them across documents
    cache = _CANDS_CACHE.setdefault(id(g), {})
    if len(cache) > 50_000:
        cache.clear()
    cands = []
    for t in tops:
        c = cache.get(t.key)
        if c is None:
            c = cache[t.key] = _candidates(g, t)
        cands.append(c)
    n = len(tops)
    scores = [c.prior.copy() for c in cands]
    # 1. qualifiers: "X, Y" / "X in the Y region" where Y is a country or a region
    for i in range(n - 1):
        gap = text[tops[i].end:tops[i + 1].start]
        if not _QUALIFIER_GAP.match(gap):
            continue
        q = cands[i + 1]
        qk = int(np.argmax(q.prior))
        cont = _container(q, qk)
        if cont is None:
            continue
        c = cands[i]
        hit = (c.country == cont[1]) if cont[0] == "country" else (c.admin1 == cont[1])
        hit &= c.entries != q.entries[qk]  # "Sumy, Sumy Oblast": not the qualifier itself
        scores[i] = scores[i] + W_QUALIFIER * hit
    # 2. first picks, then the document's regions, countries and focus
    picks = [int(np.argmax(s)) for s in scores]
    margin = np.array([_margin(s) for s in scores])
    named_countries = {int(c.country[k]) for c, k in zip(cands, picks) if c.kind[k] == _COUNTRY}
    named_regions = {int(c.admin1[k]) for c, k in zip(cands, picks)
                     if c.kind[k] == _REGION and c.admin1[k] >= 0}
    votes: dict[int, float] = {}
    for c, k, m in zip(cands, picks, margin):
        votes[int(c.country[k])] = votes.get(int(c.country[k]), 0.0) + min(m, 2.0) + 0.5
    total = sum(votes.values()) or 1.0
    confident = [(c.lat[k], c.lon[k]) for c, k, m in zip(cands, picks, margin)
                 if m >= 1.0 and c.kind[k] != _COUNTRY]
    # unique points: a long document repeats its places, and the cost is candidates × points
    conf = np.unique(np.array(confident), axis=0) if confident else np.empty((0, 2))
    nc = np.fromiter(named_countries, dtype=np.int64, count=len(named_countries))
    nr = np.fromiter(named_regions, dtype=np.int64, count=len(named_regions))
    context: dict[int, np.ndarray] = {}  # per candidate set: repeated names share it
    for i, c in enumerate(cands):
        if c.entries.size < 2:
            continue
        bonus = context.get(id(c))
        if bonus is None:
            bonus = W_COUNTRY * (c.country[:, None] == nc[None, :]).any(axis=1) \
                * (c.kind != _COUNTRY)
            bonus = bonus + W_REGION * (c.admin1[:, None] == nr[None, :]).any(axis=1) \
                * (c.kind != _REGION)
            bonus += W_FOCUS * np.array([votes.get(x, 0.0) for x in c.country.tolist()]) / total
            if conf.shape[0]:
                d = haversine_km(c.lat[:, None], c.lon[:, None], conf[None, :, 0],
                                  conf[None, :, 1])
                d = np.where(d < 1.0, np.inf, d)  # not itself
                bonus += W_NEAR * np.exp(-d.min(axis=1) / 100.0)
            context[id(c)] = bonus
        scores[i] += bonus
    # 3. stated distances to a border favour candidates at that distance
    spans = [(t.start, t.end, bool(c.kind[k] in (_COUNTRY, _REGION)))
             for t, c, k in zip(tops, cands, picks)]
    for tied, claim in tie_claims(text, spans):
        c = cands[tied]
        if c.entries.size < 2:
            continue
        # only contenders can be lifted to the top: measure the best 8, not hundreds
        top = np.argsort(-scores[tied], kind="stable")[:8]
        d = _claim_distances(g, c.entries[top], c.lon[top], c.lat[top], claim)
        scores[tied] = scores[tied].copy()
        scores[tied][top] += W_CLAIM * np.exp(-np.abs(d - claim.claimed_km)
                                              / claim.tolerance_km)
    rows = []
    for t, c, s in zip(tops, cands, scores):
        order = np.argsort(-s, kind="stable")
        best = g.candidate(int(c.entries[order[0]]), int(c.flags[order[0]]))
        alts = []
        for k in order[1:1 + n_alternatives]:
            cand = g.candidate(int(c.entries[k]), int(c.flags[k]))  # cached per entry
            alts.append({"name": cand.name, "lat": cand.lat, "lon": cand.lon,
                         "score": round(float(s[k]), 3), "id": cand.id})
        rows.append({
            "text": t.text, "start": t.start, "end": t.end, "name": best.name,
            "lat": best.lat, "lon": best.lon, "geonameid": best.geonameid,
            "feature_code": best.feature_code, "kind": best.kind,
            "country_code": best.country_code, "admin1": best.admin1_name,
            "score": round(float(s[order[0]]), 3), "alternatives": alts, "entry": best.id,
        })
    return rows


def tie_claims(text: str, spans: list[tuple[int, int, bool]]):
    """Pair each distance claim with the place it describes.

    ``spans`` are the places as ``(start, end, is_area)`` in text order. A claim describes the
    nearest place before it in the same sentence, skipping the regions and countries that only
    qualify that place ("Andriivka in the Sumy region, located around 5km from the Russian
    border" describes Andriivka).
    """
    from .claims import find_distance_claims

    out = []
    for claim in find_distance_claims(text):
        best = None
        for i in range(len(spans) - 1, -1, -1):
            start, end, area = spans[i]
            if end > claim.start:
                continue
            if _SENTENCE_BREAK.search(text[end:claim.start]):
                break
            if area:
                best = i if best is None else best
                continue
            best = i
            break
        if best is not None:
            out.append((best, claim))
    return out


_CLAIM_KM: dict[tuple[int, int, str | None], float] = {}


def _claim_distances(g: Gazetteer, entries: np.ndarray, lon: np.ndarray, lat: np.ndarray,
                     claim) -> np.ndarray:
    """Distance (km) of each candidate to the border the claim names (cached per entry)."""
    from .borders import border_distance_km
    from .claims import border_country

    country = border_country(claim, g)
    keys = [(id(g), int(e), country) for e in entries]
    todo = [k for k, key in enumerate(keys) if key not in _CLAIM_KM]
    if todo:
        if len(_CLAIM_KM) > 100_000:
            _CLAIM_KM.clear()
        try:
            d = border_distance_km(lon[todo], lat[todo], country=country)
        except ValueError:  # no land border of that country: measure any border
            d = border_distance_km(lon[todo], lat[todo])
        for k, v in zip(todo, d):
            _CLAIM_KM[keys[k]] = float(v)
    return np.array([_CLAIM_KM[key] for key in keys])


def _margin(s: np.ndarray) -> float:
    """How far the best score leads the runner-up (3 when there is no runner-up)."""
    if s.size < 2:
        return 3.0
    if s.size == 2:
        return float(abs(s[0] - s[1]))
    top2 = np.partition(s, -2)[-2:]
    return float(top2[1] - top2[0])
