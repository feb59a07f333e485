"""Resolved places: each toponym of a document tied to one gazetteer entry.

Every candidate of a toponym starts from its context-free prior (population, feature type, how
the name matched) and gains from the document's context:

- a qualifier right after it ("Parkland, Florida", "Andriivka in the Sumy region");
- regions and countries the document names elsewhere;
- the document's focus country and focus region (votes of its other places);
- proximity to the document's other confident places.

The pick carries its score and runners-up, so a user can see why.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from . import _lexicon as lex
from ._geo import EARTH_RADIUS_KM, destination, haversine_term_km, unit_vectors
from ._text import has_cyrillic, normalize, starts_cyrillic
from .claims import DistanceClaim, border_country, find_distance_claims, tie_claims
from .coordinates import (
    OFFSET_RULE,
    Coordinates,
    Offset,
    find_coordinates,
    find_offsets,
    km_of,
)
from .gazetteer import FLAG, KINDS, MATCH_BONUS, Gazetteer, load_gazetteer
from .language import SAMPLE, detect
from .record import names_of
from .toponyms import Toponym, find_toponyms, sounding

if TYPE_CHECKING:
    import geopandas as gpd

COLUMNS = names_of("places")  # the fields of the record this stage fills (map_app.record)
# ``rule``: what decided the pick — "prior" (population, feature type, how the name matched),
# "the text's other places" (the regions and countries it names, its focus, nearness),
# "qualifier after it", "a seat's name read as its region", "qualifies the name before it",
# "qualified elsewhere in the text", "relative location", "district of the city after it",
# "an unknown district of the city after it: the city", "a river's or a sea's words around it",
# "names joined by and/or share their type", "stated distance to a border", "a team's home",
# "sounds like a settlement of the qualifier", "near the area after it, which does not hold
# it", "in the area named before it", "sounds like a settlement of the area named before it",
# "a stated distance and bearing from the place after it" (a point: "17km NE of Chernihiv"),
# "the town's airport" ("Kherson airport"),
# "coordinates in the text" (a point the text
# states: kind "point", the areas of the nearest settlement), "only candidate"
# The rules by which a region or country only says where the place before it is ("Pavlohrad
# district, Dnipropetrovsk region"; "Petrivka, Kharkiv"): read by the incident pass, for which
# the qualifier is no place of the event
QUALIFIES = "qualifies the name before it"
SEAT_AS_REGION = "a seat's name read as its region"
QUALIFYING_RULES = frozenset({QUALIFIES, SEAT_AS_REGION})
# Match types too weak to name a place on their own (codes, a region's name that belongs to
# its capital); generated spellings stay, ranked low by their prior.
_WEAK = np.zeros(len(FLAG), dtype=bool)
_WEAK[[FLAG["code"], FLAG["shadowed"]]] = True
_COUNTRY, _REGION = KINDS.index("country"), KINDS.index("region")
_AREA = np.isin(np.arange(len(KINDS)), [_COUNTRY, _REGION])  # by kind: a country or region
# "Monroe County in northeast Missouri": a compass word narrows the region, it does not
# change which region holds the place
_COMPASS = (r"(?:(?:north|south)(?:-?(?:east|west))?(?:ern)?|(?:east|west)(?:ern)?|central"
            r"|mid|upper|lower)[\s-]+")
_HELD = r"(?:(?:" + "|".join(lex.HELD_WORDS) + r")\s+)?"  # "… in occupied Zaporizhzhia region"
# (a short aside in brackets may come before the comma: "X (Y rada), Z raion")
_QUALIFIER_GAP = re.compile(r"^(?:(?:\s*\([^()\n]{1,30}\))?,\s*" + _HELD
                            + r"|\s+in\s+(?:the\s+)?" + _HELD
                            + r"(?:" + _COMPASS + r")?|\s+\(|"
                            r"\s+near\s+(?:the\s+)?|\s+of\s+the\s+)$", re.I)
# "X of Y region" (no article): "of" qualifies where an oblast follows with its generic word,
# not a city ("the Kalininsky district of Donetsk" is a part of the city)
_OF_GAP = re.compile(r"\s+of\s+")
_AREA_NAMED = re.compile(r"(?:region|oblast|province|republic)$", re.I)
# Ukrainian and Russian qualify a place by a region's name in the genitive right after it
# ("Андріївка Сумського району", "Эсмань Шосткинского района") or after a preposition ("Андріївка
# на Сумщині", "Нью-Йорк в Донбассе"): gaps that hold only before a Cyrillic name. Not
# "під"/"под" (near): "Кліщіївка під Бахмутом" names the town, not its raion
_QUALIFIER_GAP_CY = re.compile(r"^(?:[ \t]+|[ \t]+(?:на|у|в|во)[ \t]+)$")
# "Edmonton, south of Cairns", "Izium, some 120 km south-east of Kharkiv": X lies near Y
_RELATIVE_GAP = re.compile(
    r",?\s+(?:(?:about|some|around|roughly|nearly|just|only|approximately)\s+)?"
    r"(?:(?P<num>\d+(?:[.,]\d+)?)\s*-?\s*(?P<unit>km|kilometres|kilometers|miles|mi)\s+)?"
    # a direction, or a stated distance "from" ("Andriivka, 10 km from Bakhmut")
    r"(?:(?:north|south|east|west)(?:-?(?:east|west))?\s+of|(?(num)(?:away\s+)?from|(?!)))"
    r"\s+(?:the\s+)?", re.I)

# "X near Y", "X, outside Y": X is one of its namesakes close to Y
_NEAR_GAP = re.compile(r"\s*\(\s*|,?\s+(?:near|outside|close\s+to|not\s+far\s+from|next\s+to|"
                       r"(?:on\s+)?the\s+outskirts\s+of|in\s+the\s+vicinity\s+of)\s+"
                       r"(?:the\s+)?(?:(?:city|town|village)\s+of\s+)?", re.I)
_NEAR_KM = 30.0  # how close "near" is: the bonus falls by e every this many km
_NEXT_TO_AREA_KM = 100.0  # and how close to an area named wrongly (an oblast is ~200 km wide)

# Context weights (added to the log-scale prior).
W_QUALIFIER = 4.0      # "X, <region/country containing X>"
W_REGION = 2.0         # the document names the candidate's admin1 region
W_COUNTRY = 1.5        # the document names the candidate's country
W_FOCUS = 1.0          # times the focus country's share of the document's places
W_NEAR = 1.5           # times closeness (exp(-km/100)) to the nearest confident place
W_CLAIM = 3.0          # times agreement with a stated distance to a border
W_ALT_NAMESAKE = 2.0   # taken from a town whose alternate name is a region's or country's own
W_ALT_OWN = 0.25       # taken from a town whose alternate name is another town's own
W_FOCUS1 = 1.5         # times the share of the other places in the candidate's admin1 region
W_COORD = 2.0          # a state's name joined by "and"/"or" to a state: a state too
W_TOGETHER = 2.0       # times closeness to the other ambiguous names' contenders
W_WATER = 10.0         # "the Dnepr delta": the water reading of a name
W_LANGUAGE = 1.0       # a Ukrainian or Russian text: a candidate where its language is spoken
_CONTENDER = 3.0       # a candidate this close to its name's best prior is a contender
_TOGETHER_MAX = 600    # contenders in a document beyond which the pass is skipped
_TOGETHER_MARGIN = 2.0  # names whose first pick leads by less take part
_TOGETHER_ALL = 200    # up to this many contenders, every one counts; beyond, the likeliest
_CONTENDERS_PER_NAME = 16  # of each name
# A sports report: at least two distinct words of the game (lower case: "League" of the Arab
# League is no sign).
_SPORTS = re.compile(r"\b(?:season|playoffs?|coach|scored|league|tournament|championship|innings"
                     r"|overtime|quarterback|touchdowns?|rebounds|halftime|semifinals?)\b")
# "<Place> Rockets", "<Place> Trail Blazers": a place name opening a team's name (a
# capitalised plural after it, one more capitalised word allowed between)
_TEAM_AFTER = re.compile(r"(?:[ \t]+[A-Z][a-z]+)?[ \t]+[A-Z][a-z]+s\b(?!['’])")
_BLANKS = (" ", "\t")
_COORD_GAP = re.compile(r"[ \t]+(?:and|or)[ \t]+$")
_H_SELF = math.sin(0.5 / EARTH_RADIUS_KM) ** 2  # haversine term of 1 km: closer is "itself"
# A place this close to a region's seat is the seat's suburb or district: "X, <seat>" then
# names the city, not the region
SEAT_KM = 30.0
_H_SEAT = math.sin(SEAT_KM / 2 / EARTH_RADIUS_KM) ** 2
# A demonym naming an actor: "Russian drones", "Ukrainian armed forces", "Russian and
# Ukrainian troops", "Russian-occupied"
_ACTOR_AFTER = re.compile(
    r"(?:-(?:held|occupied|controlled|backed|led|installed)\b"
    r"|(?:[ \t]+(?:and|or)[ \t]+[A-Z][\w-]*)?"
    r"(?:[ \t]+[a-z-]+){0,2}?[ \t]+(?:" + "|".join(sorted(lex.ACTOR_NOUNS, key=len, reverse=True))
    + r")\b)", re.I)
_DEMONYM = FLAG["demonym"]
_BIG_CITY_PRIOR = 6.0  # about 100,000 people, matched by its name
_SURE_TOWN_PRIOR = 5.0  # about 10,000: a town's name no wrong qualifier makes another's
_CITY, _VILLAGE, _DISTRICT = KINDS.index("city"), KINDS.index("village"), KINDS.index("district")
_PART_OF = re.compile(r"\s+of\s+(?:the\s+)?(?:city\s+of\s+)?")
# the same with the part's noun outside the name ("Vostochny district of Mariupol")
_DISTRICT_OF = re.compile(r"\s+(?:district|microdistrict|neighbou?rhood|quarter)\s+of\s+"
                          r"(?:the\s+)?(?:city\s+of\s+)?")
_TOWN = np.isin(np.arange(len(KINDS)), [_CITY, _VILLAGE])  # by kind
_TOWNISH = np.isin(np.arange(len(KINDS)), [_CITY, _VILLAGE, _DISTRICT])  # by kind


class _Cands:
    """The candidates of one name, with everything about them that no context changes:
    columns, priors, unit vectors, and the first pick by prior alone."""

    __slots__ = ("entries", "ids", "flags", "prior", "country", "admin1", "kind", "admin2",
                 "admin3", "level", "seat", "lat", "lon", "xyz", "pick", "margin", "pick_kind",
                 "pick_country", "pick_admin1", "pick_point", "alone", "_pick_id")
    entries: np.ndarray
    ids: tuple[int, ...]
    flags: np.ndarray
    prior: np.ndarray
    country: np.ndarray
    admin1: np.ndarray
    kind: np.ndarray
    admin2: np.ndarray
    admin3: np.ndarray
    level: np.ndarray
    seat: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    xyz: np.ndarray
    pick: int
    margin: float
    pick_kind: int
    pick_country: int
    pick_admin1: int
    pick_point: tuple[float, float]
    alone: tuple | None  # the ranking of a lone candidate (:func:`_ranking`), once made
    _pick_id: str | None

    def __init__(self, g: Gazetteer, t: Toponym):
        ok = ~_WEAK[t.flags]
        if not ok.any():
            ok = np.ones_like(t.flags, dtype=bool)  # only codes: "US" is still the US
        entries, flags = t.entries[ok], t.flags[ok]
        if entries.size > 1:
            # one row per entry, with its most trusted match
            order = np.lexsort((flags, entries))
            entries, flags = entries[order], flags[order]
            first = np.empty(entries.size, dtype=bool)
            first[0] = True
            np.not_equal(entries[1:], entries[:-1], out=first[1:])
            entries, flags = entries[first], flags[first]
        self.entries, self.flags = entries, flags
        self.ids = tuple(entries.tolist())  # a tuple of ints: the collector stops tracking it
        floats, ints = g.ranking_columns()
        f, i = floats[entries], ints[entries]
        self.prior = f[:, 0] + MATCH_BONUS[flags]
        self.lat, self.lon, self.xyz = f[:, 1], f[:, 2], f[:, 3:]
        self.country, self.admin1, self.kind = i[:, 0], i[:, 1], i[:, 2]
        self.admin2, self.admin3, self.level, self.seat = i[:, 3], i[:, 4], i[:, 5], i[:, 6]
        if entries.size > 1:
            self._alternates(g, t.key, entries, flags)
        self._first_pick(self.prior)
        self.alone = None  # the ranking of a lone candidate: no context changes it

    def _alternates(self, g: Gazetteer, key: str, entries: np.ndarray, flags: np.ndarray
                    ) -> None:
        """Take from the priors of the candidates that bear the name only as an alternate,
        when another bears it as its own."""
        alt = flags == FLAG["alternate"]
        if not alt.any():
            return
        area = _AREA[self.kind]
        own = flags <= FLAG["ascii"]
        if (area & own).any():
            # "Missouri" is the state's own name; a town that has it only as an alternate
            # name (Bozeman) is a namesake by accident
            self.prior = self.prior - W_ALT_NAMESAKE * (~area & alt)
        town = _TOWN[self.kind]
        if (town & own).any():
            # "Pokrovsk" is a town's own name today; a bigger town in another country that
            # once bore it (Engels) or bears it in another language wins only by more than
            # its size
            mine = np.flatnonzero(town & own)
            best = mine[self.prior[mine].argmax()]
            other = town & alt & (self.country != self.country[best])
            if other.any():  # not a short form of its own name ("Enfield" for Enfield Town)
                main = g.memo("places.main-key", 200_000)
                keys = []
                for e in entries[other].tolist():
                    k = main.get(e)
                    if k is None:
                        k = main[e] = normalize(g.name_of(e))
                    keys.append(key not in k)
                other[other] = keys
                self.prior = self.prior - W_ALT_OWN * other

    def pick_id(self, g: Gazetteer, memo: dict) -> str:
        """The id of the first pick (by prior alone), cached: what a pick is told apart from."""
        if self._pick_id is None:
            e = int(self.entries[self.pick])
            self._pick_id = (memo.get(e) or _parts(g, memo, e))[1]
        return self._pick_id

    def _first_pick(self, s: np.ndarray) -> None:
        self._pick_id = None
        if s.size == 1:
            k = self.pick = 0
            self.margin = 3.0  # as _margin: no runner-up
        else:
            k = self.pick = int(s.argmax())
            self.margin = _margin(s)
        self.pick_kind, self.pick_country = int(self.kind[k]), int(self.country[k])
        self.pick_admin1 = int(self.admin1[k])
        self.pick_point = (float(self.lat[k]), float(self.lon[k]))

    def qualified(self, hit: np.ndarray) -> _Cands:
        """A copy whose priors carry a qualifier's bonus (for one occurrence)."""
        c = object.__new__(_Cands)
        for name in _Cands.__slots__:
            setattr(c, name, getattr(self, name))
        c.prior = self.prior + W_QUALIFIER * hit
        c._first_pick(c.prior)
        c.alone = None
        return c


def _qualifier(c: _Cands, q: _Cands) -> tuple[int, np.ndarray] | None:
    """How name ``q`` qualifies the name ``c`` before it ("Parkland, Florida"): the reading
    of ``q`` that contains the likeliest reading of ``c``, and which of ``c``'s candidates it
    contains. Readings of ``q``: its likeliest, and every country or region it names by its
    own name ("Georgia" the US state, not only the country), in another script
    ("Богодухівського району", the raion, not only Donetsk's district of that name) or with
    its generic word ("Bogodukhovsky district", the raion again)."""
    area = _AREA[q.kind] & ((q.flags <= FLAG["ascii"]) | (q.flags == FLAG["other-script"]))
    area[q.pick] = True
    best = _holding(c, q, np.flatnonzero(area).tolist())
    if best is None:  # then the areas it names with their generic word
        best = _holding(c, q, np.flatnonzero(_AREA[q.kind] & (q.flags == FLAG["phrase"])
                                             & ~area).tolist())
    return best


def _holding(c: _Cands, q: _Cands, readings: list[int]) -> tuple[int, np.ndarray] | None:
    """Of ``readings`` of ``q``, the likeliest that holds a reading of ``c`` (see
    :func:`_qualifier`), and which of ``c``'s candidates it holds."""
    best, best_val = None, -np.inf
    for k in readings:
        hit = _inside(c, q, k)
        if hit is None:
            continue
        hit &= c.entries != q.entries[k]  # "Sumy, Sumy Oblast": not the qualifier itself
        if hit.any():
            val = float(q.prior[k] + c.prior[hit].max())
            if val > best_val:
                best, best_val = (k, hit), val
    return best


def _seat_region(g: Gazetteer, c: _Cands, t: Toponym, q: _Cands
                 ) -> tuple[_Cands, np.ndarray] | None:
    """How the bare name of a region's seat qualifies the name ``c`` before it ("Petrivka,
    Kharkiv", "Albany, New York"): as the region that yields that name to its seat (``t``'s
    shadowed entries), when ``c`` has a candidate in it. Returns the region as the
    qualifier's only reading, and which of ``c``'s candidates it holds; None when the name
    reads as the city after all: ``c`` is a big city elsewhere ("Lviv, Kharkiv and Odesa" is
    a list), or every reading of ``c`` in the region lies within :data:`SEAT_KM` of the seat
    ("Derhachi, Kharkiv": a suburb)."""
    k = q.pick
    if not q.seat[k]:
        return None
    shadowed = t.entries[t.flags == FLAG["shadowed"]]
    if not shadowed.size:
        return None
    _, ints = g.ranking_columns()
    mine = shadowed[(ints[shadowed, 5] == 1) & (ints[shadowed, 1] == q.admin1[k])]
    if not mine.size:
        return None
    hit = (c.admin1 == q.admin1[k]) & (c.entries != q.entries[k]) & (c.entries != mine[0])
    if not hit.any():
        return None
    p = c.pick
    if not hit[p] and c.kind[p] == _CITY and c.prior[p] >= _BIG_CITY_PRIOR \
            and c.flags[p] <= FLAG["ascii"]:
        return None  # (by its own name: "Oleksandrivsky, Donetsk" is no list of two cities,
        # though Zaporizhzhia was once Oleksandrivsk)
    if ((1.0 - c.xyz[hit] @ q.xyz[k]) * 0.5 < _H_SEAT).all():
        return None  # only a suburb or a district of the seat fits: the city is meant
    region = _Cands(g, Toponym(t.text, t.start, t.end, t.key, mine[:1],
                               np.array([FLAG["phrase"]])))
    return region, hit


def _same_level(g: Gazetteer, x: _Cands, y: _Cands) -> np.ndarray | None:
    """When ``x`` reads as a first-level region ("California"), which candidates of ``y``
    are other first-level regions of that country by their own name ("Washington" the
    state); None when there are none or ``y`` reads so already."""
    if x.pick_kind != _REGION or y.entries.size < 2:
        return None
    adm1 = g.table("fcode").index("ADM1")
    if g.col("fcode")[x.entries[x.pick]] != adm1:
        return None
    hit = ((y.kind == _REGION) & (y.country == x.pick_country) & (y.flags <= FLAG["ascii"])
           & (g.col("fcode")[y.entries] == adm1))
    if not hit.any() or hit[y.pick]:
        return None
    return hit


def _inside(c: _Cands, q: _Cands, k: int) -> np.ndarray | None:
    """Which candidates of ``c`` lie in candidate ``k`` of ``q``, when that is a country or
    an admin1 region (None for anything else)."""
    if q.kind[k] == _COUNTRY:
        return c.country == q.country[k]
    if q.kind[k] == _REGION:
        # a raion or hromada holds what shares its code ("Hostre, Pokrovsk raion"), any
        # other region what shares its admin1
        level = q.level[k]
        if level == 3 and q.admin3[k] >= 0:
            return c.admin3 == q.admin3[k]
        if level == 2 and q.admin2[k] >= 0:
            return c.admin2 == q.admin2[k]
        if q.admin1[k] >= 0:
            return c.admin1 == q.admin1[k]
    return None


def _near(c: _Cands, y: _Cands, km: float | None = None, scale: float = 150.0
          ) -> np.ndarray:
    """How well each candidate of ``c`` fits "<c>, [N km] north of <y>" or "<c> near <y>"
    (0–1): inside ``y`` when ``y`` is a country or region, else close to it: at the stated
    distance ``km``, if any, else falling by e every ``scale`` km."""
    k = y.pick
    inside = _inside(c, y, k)
    if inside is not None:
        return inside * 1.0
    d = haversine_term_km((1.0 - c.xyz @ y.xyz[k]) * 0.5)
    if km is not None:
        return np.exp(-np.abs(d - km) / (10.0 + 0.3 * km))
    return np.exp(-d / scale)


def _stated_km(rel: re.Match) -> float | None:
    """The distance a :data:`_RELATIVE_GAP` states, in km (None when it states none)."""
    if not rel.group("num"):
        return None
    return km_of(rel.group("num"), rel.group("unit"))


def _part_of(c: _Cands, y: _Cands) -> np.ndarray:
    """Which districts of ``c`` lie within :data:`SEAT_KM` of ``y``'s likeliest reading
    ("the Kyivskyi district of Donetsk"), as 0/1."""
    h = (1.0 - c.xyz @ y.xyz[y.pick]) * 0.5
    return ((c.kind == _DISTRICT) & (h < _H_SEAT)) * 1.0


def _parts(g: Gazetteer, memo: dict, entry: int) -> tuple[tuple, str]:
    """The fields of a record that come from the entry alone — (name, lat, lon, geonameid,
    feature_code, kind, country_code, admin1, admin1_code, admin2, admin2_code, admin3,
    admin3_code) — and its id, cached in ``memo`` per entry as
    plain tuples (which the garbage collector stops tracking; tuples of dicts it tracks for
    ever)."""
    hit = memo.get(entry)
    if hit is None:
        f = g.fields(entry)
        hit = memo[entry] = ((*f[:7], f[8], *g.admin_areas(entry)), g.id_of(entry))
    return hit


def _round3(x: float) -> float:
    """``round(x, 3)``, several times faster: away from a tie the nearest integer to
    ``x * 1000`` is the correctly rounded one, and dividing it by 1000 gives the double nearest
    that decimal, as ``round`` does. Near a tie, at zero (its sign) and for huge values,
    ``round`` itself decides."""
    y = x * 1000.0
    if not -1e15 < y < 1e15:
        return round(x, 3)
    n = math.floor(y)
    f = y - n
    if -1e-6 < f - 0.5 < 1e-6:
        return round(x, 3)
    n += f > 0.5
    return n / 1000.0 if n else round(x, 3)


def _ranking(g: Gazetteer, memo: dict, c: _Cands, s: np.ndarray, n_alternatives: int
             ) -> tuple:
    """The pick and runners-up of scores ``s``: ((fields, id, score), ((fields, score, id),
    …)), fields as in :func:`_parts` (cached in ``memo``)."""
    order: Sequence[int]
    ids: Sequence[int]
    if s.size <= 16:
        # small sets: a Python sort (stable, like NumPy's) beats NumPy's per-call cost
        sl = s.tolist()
        order = sorted(range(len(sl)), key=sl.__getitem__, reverse=True)[:1 + n_alternatives]
        ids = c.ids
    else:
        top = (-s).argsort(kind="stable")[:1 + n_alternatives]
        order, sl = range(top.size), s[top].tolist()
        ids = c.entries[top].tolist()
    alts = []
    for k in order:
        e = ids[k]
        p = memo.get(e) or _parts(g, memo, e)
        alts.append((p[0], _round3(sl[k]), p[1]))
    best = alts.pop(0)
    return (best[0], best[2], best[1]), tuple(alts)


def find_place(name: str, gazetteer: Gazetteer | None = None):
    """The gazetteer entry (a :class:`~map_app.gazetteer.Candidate`) a name alone means, for
    a search or a command line: the geoparser's reading of it, which weighs alternate names
    down ("Pokrovsk" is the Donetsk town, not Engels, once called so), else the gazetteer's
    first candidate; None when there is none."""
    g = gazetteer or load_gazetteer()
    name = name.strip()
    picked = [r for r in resolve_records(name, g) if r["text"].lower() == name.lower()]
    if picked:
        return g.get(picked[0]["entry"])
    return next(iter(g.lookup(name, limit=1)), None) if name else None


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
    # geopandas costs 360 ms of a 410 ms import of this module, and only the scorer and
    # interactive use want a GeoDataFrame: imported here, not for every run of the pipeline
    import geopandas as gpd
    import shapely

    rows = resolve_records(text, gazetteer, n_alternatives)
    geom = shapely.points([r["lon"] for r in rows], [r["lat"] for r in rows]) if rows else []
    return gpd.GeoDataFrame(rows, columns=COLUMNS, geometry=geom, crs="EPSG:4326")


def resolve_records(text: str, gazetteer: Gazetteer | None = None,
                    n_alternatives: int = 3, claims: list[DistanceClaim] | None = None,
                    collection: Collection | None = None) -> list[dict]:
    """:func:`resolve` as plain dicts (the fast path: no DataFrame).

    The passes, each a function: candidates per name (:func:`_candidates`); qualifiers and
    one sense per discourse (:func:`_qualifier_pass`); areas named as headings
    (:func:`_heading_pass`); coordinated names (:func:`_coordination_pass`); rivers and seas
    (:func:`_water_pass`); first picks, votes and the context bonus (:func:`_context_pass`);
    stated distances to a border (:func:`_claim_pass`); the rows (:func:`_rows`), less the
    small places read on their prior far from all the text's sure ones
    (:func:`_stray_pass`); then the points the text states, by coordinates
    (:func:`_point_rows`) or by distance and bearing from a place (:func:`_offset_rows`). A
    new rule goes in the pass whose evidence it reads.

    Parameters are those of :func:`resolve`; ``claims``: the text's distance claims
    (:func:`map_app.claims.find_distance_claims`) when the caller has found them already;
    ``collection``: the sure places of the texts read with this one, which break the ties
    the text leaves between namesakes (:func:`_collection_pass`). Returns one dict per
    toponym with the keys of :data:`COLUMNS`, in text order.
    """
    g = gazetteer or load_gazetteer()
    tops = find_toponyms(text, g)
    points = find_coordinates(text)
    if not tops:
        return _point_rows(g, text, points) if points else []
    cands = _candidates(g, tops)
    base = list(cands)  # as found: the passes qualify ``cands``
    why: list[str | None] = [None] * len(tops)  # the rule that decided each pick, if one did
    _qualifier_pass(g, text, tops, base, cands, why)
    if ":" in text or "—" in text or " - " in text or "–" in text or "\t" in text:
        _heading_pass(g, text, tops, base, cands, why)
    _coordination_pass(g, text, tops, base, cands, why)
    _water_pass(g, text, tops, base, cands, why)
    teams = _team_keys(text, tops)
    scores = _context_pass(g, text, tops, cands, teams)
    if collection is not None:
        _collection_pass(g, text, tops, cands, scores, why, collection)
    if claims is None:
        claims = find_distance_claims(text)  # its own scan for "border" is the quick way out
    claimed = _claim_pass(g, text, tops, cands, scores, why, claims) if claims else set()
    rows = _rows(g, tops, base, cands, scores, why, teams, claimed, n_alternatives)
    rows = _stray_pass(rows, tops)
    if "irport" in text or "ir base" in text or "irbase" in text or "irfield" in text:
        _airport_pass(g, text, rows)
    if points:
        rows = sorted(rows + _point_rows(g, text, points), key=lambda r: r["start"])
    offsets = find_offsets(text)
    if offsets:
        rows = _offset_rows(g, text, rows, offsets)
    return rows


# A collection of short texts about one war (a table of event notes, a day's reports from one
# front) names the same few areas over and over, while one note ("Russian forces shelled
# Nove, Kharkiv region") may leave two villages of one name in one oblast level. The
# collection's sure places break such a tie, as a coder reading the whole table would.
COLLECTION_TIE = 0.1    # readings within this score of the best are level
COLLECTION_KM = 10.0    # a sure place d km from a reading adds exp(-d / this) to its weight
COLLECTION_LEAD = 0.1   # another reading must lead the best by this (one place 23 km off)
COLLECTION_SURE = 1.0   # a town picked by this margin over its runner-up is sure
# A collection whose sure places lie this much in one country is about that country (a war's
# tables: 99-100 %; a year of world news: under 40 %). There a name that no rule decided,
# ranked by its size and fame alone, is level with its namesakes within COLLECTION_TIE_BARE:
# a village's size says little about which of its namesakes a war report means.
COLLECTION_FOCUS = 0.8
COLLECTION_TIE_BARE = 1.0
_COLLECTION_RULE = "the collection's places"
_COUNTRY_RULE = "the collection's country"
# as the text's naming the country would lift them (W_COUNTRY), with all its places there
# (W_FOCUS times a share of 1)
W_COLLECTION_COUNTRY = W_COUNTRY + W_FOCUS
_TOWN_KINDS = frozenset({KINDS[_CITY], KINDS[_VILLAGE]})  # :data:`_TOWN`, as records name them


class Collection:
    """The sure places of a collection of texts: the towns their analyses picked by a
    margin of at least :data:`COLLECTION_SURE` over any runner-up.

    Parameters
    ----------
    lat, lon : array_like
        The sure places' points, in degrees.
    countries : sequence of str, optional
        Their countries (ISO codes): the collection is about the one that holds
        :data:`COLLECTION_FOCUS` of them, if any (its ``focus``).
    """

    def __init__(self, lat: Sequence[float] | np.ndarray, lon: Sequence[float] | np.ndarray,
                 countries: Sequence[str | None] = ()):
        self.xyz = unit_vectors(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        self.focus: str | None = None
        if countries:
            code, n = Counter(countries).most_common(1)[0]
            if code and n >= COLLECTION_FOCUS * len(countries):
                self.focus = code

    def __len__(self) -> int:
        return len(self.xyz)

    @classmethod
    def from_records(cls, records: Iterable[list[dict]]) -> Collection:
        """The collection of texts analysed into ``records`` (one list of place records,
        as :func:`resolve_records` makes them, per text)."""
        sure = [r for recs in records for r in recs
                if r.get("kind") in _TOWN_KINDS and (
                    not r.get("alternatives")
                    or r["score"] - r["alternatives"][0]["score"] >= COLLECTION_SURE)]
        return cls([r["lat"] for r in sure], [r["lon"] for r in sure],
                   [r.get("country_code") for r in sure])

    @staticmethod
    def evidence(records: list[dict]) -> list[dict]:
        """The part of a text's records that :meth:`from_records` and :meth:`level` read
        (kind, point, country, score, rule, the runner-up's score): what a worker sends
        back of a first reading."""
        return [{"kind": r.get("kind"), "lat": r.get("lat"), "lon": r.get("lon"),
                 "country_code": r.get("country_code"), "score": r.get("score"),
                 "rule": r.get("rule"),
                 "alternatives": [{"score": a["score"]} for a in r["alternatives"][:1]]
                 if r.get("alternatives") else []}
                for r in records]

    def weight(self, xyz: np.ndarray) -> np.ndarray:
        """How much of the collection lies near each point (unit vectors, shape
        ``(n, 3)``): the sum over its sure places of exp(-km / :data:`COLLECTION_KM`)."""
        if not len(self):
            return np.zeros(len(xyz))
        km = haversine_term_km((1.0 - xyz @ self.xyz.T) * 0.5)
        return np.exp(-km / COLLECTION_KM).sum(axis=1)

    def tie(self, bare: bool) -> float:
        """How close to the best a reading is level: :data:`COLLECTION_TIE`, or for a name
        that no rule decided (``bare``) in a collection about one country,
        :data:`COLLECTION_TIE_BARE`."""
        return COLLECTION_TIE_BARE if bare and self.focus else COLLECTION_TIE

    def level(self, records: list[dict]) -> bool:
        """Whether a text's records hold a town whose runner-up is level with it
        (:meth:`tie`), or a town outside the collection's country with a runner-up within
        :data:`W_COLLECTION_COUNTRY`: the texts the collection may read otherwise."""
        return any(r.get("kind") in _TOWN_KINDS and r.get("alternatives")
                   and r["score"] - r["alternatives"][0]["score"]
                   <= (W_COLLECTION_COUNTRY if self.focus
                       and r.get("country_code") != self.focus
                       else self.tie(r.get("rule") in _ON_PRIOR))
                   for r in records)


def _collection_pass(g: Gazetteer, text: str, tops: list[Toponym], cands: list[_Cands],
                     scores: list, why: list, collection: Collection) -> None:
    """A text that names no country, in a collection about one, reads as if it named
    that one: its towns there gain :data:`W_COLLECTION_COUNTRY` (rule "the collection's
    country" where that changes a pick: "Seversk" in a table about Ukraine is Siversk, not
    the bigger Russian town). Then, between towns the text leaves level
    (:meth:`Collection.tie` of the best, the best a town), pick the one nearest the
    collection's sure places (:meth:`Collection.weight`); the best keeps its pick unless
    another leads it by :data:`COLLECTION_LEAD`."""
    table = g.table("country")
    focus = table.index(collection.focus) if collection.focus in table else -1
    if focus >= 0 and _names_country(text, tops, cands):
        focus = -1
    for i, (c, s) in enumerate(zip(cands, scores)):
        if c.entries.size < 2:
            continue
        top = int(s.argmax())
        if focus >= 0 and c.country[top] != focus:
            lifted = s + W_COLLECTION_COUNTRY * ((c.country == focus) & _TOWN[c.kind])
            if int(lifted.argmax()) != top:
                scores[i] = s = lifted
                top = int(s.argmax())
                why[i] = _COUNTRY_RULE
        level = np.flatnonzero((s >= s[top] - collection.tie(why[i] is None)) & _TOWN[c.kind])
        if level.size < 2 or not _TOWN[c.kind[top]]:
            continue
        w = collection.weight(c.xyz[level])
        k = int(w.argmax())
        if w[k] - w[level == top].max() <= COLLECTION_LEAD:
            continue
        best = int(level[k])
        scores[i] = s = s.copy()
        s[best] = s[top] + 0.001
        why[i] = _COLLECTION_RULE


# A name read on its prior alone, as a small place far from all the text's others ("Alice
# hotel burning in Enerhodar": Alice, Texas; "Council" of a village council: Council, Idaho;
# a person's name: Jesús, Paraguay) is no place of the text once two places are sure of
# where it is: the words were something else.
_STRAY_SCORE = 6.0     # below this, a reading is a small place's (under about 100,000 people)
_STRAY_KM = 1500.0     # farther than this from every other place of the text
_SURE_SCORE = 7.0      # a place this sure, or decided by a rule, anchors the text
_SURE_PLACES = 2       # distinct places that must anchor it
_ON_PRIOR = frozenset({"prior", "only candidate", "the text's other places"})
_H_STRAY = math.sin(_STRAY_KM / 2 / EARTH_RADIUS_KM) ** 2
_STRAY_KM_ONE = 3000.0  # with one sure place only: another continent's
_H_STRAY_ONE = math.sin(_STRAY_KM_ONE / 2 / EARTH_RADIUS_KM) ** 2


def _stray_pass(rows: list[dict], tops: list[Toponym]) -> list[dict]:
    """The last pass: the rows without the strays (see :data:`_STRAY_SCORE`). A reading is
    a stray when it is no country, scores under :data:`_STRAY_SCORE` on no rule's evidence,
    does not follow a locative, lies in no country the text names, and is more than
    :data:`_STRAY_KM` from every other located place of the text, which has
    :data:`_SURE_PLACES` sure ones; with one sure place only, more than
    :data:`_STRAY_KM_ONE` (another continent's)."""
    if len(rows) < 3:
        return rows
    named, sure, suspects, located = set(), set(), [], []
    for k, (r, t) in enumerate(zip(rows, tops)):
        if r["kind"] == "country":
            named.add(r["country_code"])
        elif r["country_code"]:
            located.append(k)
            if r["rule"] not in _ON_PRIOR or r["score"] >= _SURE_SCORE:
                sure.add(r["entry"])
            elif r["score"] < _STRAY_SCORE and not t.locative:
                suspects.append(k)
    suspects = [k for k in suspects if rows[k]["country_code"] not in named]
    if not suspects or not sure:
        return rows
    h_stray = _H_STRAY if len(sure) >= _SURE_PLACES else _H_STRAY_ONE
    entry = np.array([rows[k]["entry"] for k in located])
    xyz = unit_vectors(np.array([rows[k]["lon"] for k in located], dtype=float),
                       np.array([rows[k]["lat"] for k in located], dtype=float))
    at = {k: n for n, k in enumerate(located)}
    mine = np.array([at[k] for k in suspects])
    # each suspect's closeness to every other name's place (its own mentions left out)
    dots = xyz[mine] @ xyz.T
    dots[entry[mine][:, None] == entry[None, :]] = -1.0
    far = (1.0 - dots.max(axis=1)) * 0.5 > h_stray
    if not far.any():
        return rows
    stray = {suspects[n] for n in np.flatnonzero(far).tolist()}
    return [r for k, r in enumerate(rows) if k not in stray]


_POINT_SCORE = 20.0  # a stated point: surer than any name's reading
_POINT_AREAS_KM = 25.0  # the nearest settlement this close lends a point its areas


# After a town's name, its airport ("Kherson airport", "the Mariupol Airport"; a name the
# gazetteer has whole, "Kherson International Airport", is matched as such first)
_AIRPORT_AFTER = re.compile(r"[ \t]+(?:(?:international|military)[ \t]+)?(?:airport|air[ \t]?base|"
                            r"airfield)\b", re.I)
_AIRPORT_KM = 30.0  # how far from its town an airport named for it may lie (Boryspil: 29 km)
_AIRPORT_CODES = ("AIRP", "AIRB", "AIRF")
# The fields a record takes from its entry (name … admin3_code), in the order :func:`_parts`
# gives them: the record's own, from its one definition
_ENTRY_FIELDS = COLUMNS[COLUMNS.index("name"):COLUMNS.index("score")]


def _airport_pass(g: Gazetteer, text: str, rows: list[dict]) -> None:
    """A town named before "airport", "air base" or "airfield" is read as its airport: the
    one nearest the town's pick within :data:`_AIRPORT_KM` ("smoke over Kherson airport" is
    Kherson International Airport, 9 km from the city's centre). ``rows`` change in place;
    a town with no airport that near stays the town."""
    airports = g.memo("places.airports", 1)
    if not airports:
        fcodes = [k for k, v in enumerate(g.table("fcode")) if v in _AIRPORT_CODES]
        entries = np.flatnonzero(np.isin(g.col("fcode"), fcodes))
        airports[0] = (entries, unit_vectors(g.col("lon")[entries], g.col("lat")[entries]))
    entries, xyz = airports[0]
    if not entries.size:
        return
    parts = g.memo("places.parts", 100_000)
    for r in rows:
        if r["kind"] not in ("city", "village") or not _AIRPORT_AFTER.match(text, r["end"]):
            continue
        dots = xyz @ unit_vectors(np.array([r["lon"]]), np.array([r["lat"]]))[0]
        k = int(dots.argmax())
        if haversine_term_km((1.0 - dots[k]) * 0.5) > _AIRPORT_KM:
            continue
        f, entry = _parts(g, parts, int(entries[k]))
        r.update(zip(_ENTRY_FIELDS, f))
        r.update(entry=entry, rule="the town's airport")


# The kinds of place a stated offset is measured from: a settlement, a landmark, a point (not
# a region's or a country's representative point)
_OFFSET_FROM = frozenset({"city", "village", "district", "landmark", "point"})
_OFFSET_MAX_KM = 300.0  # farther, "1,000 km north of Kyiv" describes; it places nothing
_COMPASS_POINTS = ("N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE", "S", "SSW", "SW", "WSW",
                   "W", "WNW", "NW", "NNW")  # the sixteen, clockwise from north


def _offset_rows(g: Gazetteer, text: str, rows: list[dict], offsets: list[Offset]
                 ) -> list[dict]:
    """``rows`` with a point for each position the text states by distance and bearing
    from a place it names right after ("firing positions 17km NE of Chernihiv": kind
    ``point``, at that offset from the place's pick, rule :data:`OFFSET_RULE`, the
    place's score). Not where the offset places a name before it ("Izium, 120 km south-east
    of Kharkiv": the name is the place, :func:`_relative`)."""
    at = {r["start"]: k for k, r in enumerate(rows)}
    new = []
    for o in offsets:
        k = at.get(o.ref)
        if k is None or rows[k]["kind"] not in _OFFSET_FROM or o.km > _OFFSET_MAX_KM:
            continue
        if k and _RELATIVE_GAP.fullmatch(text, rows[k - 1]["end"], o.ref):
            continue
        y = rows[k]
        lat, lon = destination(y["lat"], y["lon"], o.bearing, o.km)
        lat, lon = round(float(lat), 6), round(float(lon), 6)
        (row,) = _point_rows(g, text, [Coordinates(o.start, o.end, lat, lon)])
        row.update(name=f"{o.km:g} km {_COMPASS_POINTS[int(o.bearing // 22.5)]} of {y['name']}",
                   score=y["score"], rule=OFFSET_RULE)
        new.append(row)
    return sorted(rows + new, key=lambda r: r["start"]) if new else rows


def _point_rows(g: Gazetteer, text: str, points: list[Coordinates]) -> list[dict]:
    """A record for each point the text states (:func:`map_app.coordinates.find_coordinates`):
    kind ``point``, named by its coordinates, in the country and areas of the nearest
    settlement within :data:`_POINT_AREAS_KM` (none farther off: a point at sea)."""
    from .geocoder import OfflineGazetteer  # (geopy: only for the rare text with a point)

    memo = g.memo("places.reverse", 1)
    reverse = memo.get("geocoder")
    if reverse is None:
        reverse = memo["geocoder"] = OfflineGazetteer(g)
    parts = g.memo("places.parts", 100_000)
    rows = []
    for p in points:
        near = reverse.reverse((p.lat, p.lon), max_distance_km=_POINT_AREAS_KM)
        areas = _parts(g, parts, near.raw["index"])[0][6:] \
            if near is not None and not isinstance(near, list) else (None,) * 7
        rows.append(dict(zip(COLUMNS, (
            text[p.start:p.end], p.start, p.end, f"{p.lat:.5f}, {p.lon:.5f}", p.lat, p.lon,
            None, None, "point", *areas, _POINT_SCORE, [], "coordinates in the text",
            f"point:{p.lat:.6f},{p.lon:.6f}"))))
    return rows


def _candidates(g: Gazetteer, tops: list[Toponym]) -> list[_Cands]:
    """Each toponym's candidates: a name with the same readings has the same wherever it
    occurs, so they are cached across documents (by the name and its readings: "the city of
    Liman" keeps only Liman's cities, a slip only the settlements one edit away)."""
    memo = g.memo("places.candidates", 50_000)
    cands: list[_Cands] = []
    for t in tops:
        key = (t.key, t.entries.tobytes())
        c = memo.get(key)
        if c is None:
            c = memo[key] = _Cands(g, t)
        cands.append(c)
    return cands


def _qualifier_pass(g: Gazetteer, text: str, tops: list[Toponym], base: list[_Cands],
                    cands: list[_Cands], why: list) -> None:
    """Pass 1: "X, Y" / "X in the Y region" where Y is a country or a region holding a
    reading of X; "X, 30 km north of Y"; "the Kyivskyi district of Y". A qualified name keeps
    its reading at its other mentions (one sense per discourse: "Paris, Missouri, man … of
    Paris"). ``base``, ``cands`` and ``why`` are updated in place."""
    # a name's qualified reading (its candidates and which of them), for its other mentions
    qualified: dict[str, tuple[_Cands, np.ndarray]] = {}
    done = set()
    for i in range(len(tops) - 1):
        if tops[i + 1].start - tops[i].end > 60:
            continue
        gap = text[tops[i].end:tops[i + 1].start]
        # "X near Y": Y holds X, or X is a namesake close to the town Y (not Y's region)
        near = "(" not in gap and _NEAR_GAP.fullmatch(gap) is not None
        if not (_QUALIFIER_GAP.match(gap) or starts_cyrillic(tops[i + 1].text)
                and _QUALIFIER_GAP_CY.match(gap)
                or _OF_GAP.fullmatch(gap) and _AREA_NAMED.search(tops[i + 1].text)) \
                or near and _qualifier(base[i], base[i + 1]) is None:
            _relative(gap, base, cands, why, i)
            continue
        hit = _qualify(g, tops, base, cands, why, i)
        if hit is not None:
            qualified.setdefault(tops[i].key, (base[i], hit))
            done.add(i)
        elif "(" in gap:
            _relative(gap, base, cands, why, i)  # "Nove (Izium)": the Nove near Izium
    for i, t in enumerate(tops if qualified else ()):
        known = qualified.get(t.key)
        if known is not None and i not in done:
            if known[1].size != base[i].entries.size:
                base[i] = known[0]  # read by its sound there (:func:`_sound_qualified`)
            cands[i] = base[i].qualified(known[1])
            why[i] = "qualified elsewhere in the text"


def _relative(gap: str, base: list[_Cands], cands: list[_Cands], why: list, i: int) -> None:
    """Name ``i`` placed by the name after it across ``gap``: "Izium, some 120 km south-east
    of Kharkiv", "Novooleksandrivka, outside Popasna" (a namesake near it), "the Kyivskyi
    district of Donetsk" (the city's own district)."""
    rel = _RELATIVE_GAP.fullmatch(gap) if "of" in gap or "from" in gap else None
    if rel and base[i].entries.size > 1:
        cands[i] = cands[i].qualified(_near(base[i], base[i + 1], _stated_km(rel)))
        why[i] = "relative location"
    elif base[i].entries.size > 1 and _NEAR_GAP.fullmatch(gap):
        near = _near(base[i], base[i + 1], scale=_NEAR_KM)
        if near.max() > 0.1:  # (near nothing of it: "near the Russian border" says nothing)
            cands[i] = cands[i].qualified(near)
            why[i] = "relative location"
    elif _PART_OF.fullmatch(gap) and (base[i].kind == _DISTRICT).any() \
            or _DISTRICT_OF.fullmatch(gap):
        hit = _part_of(base[i], base[i + 1])
        if hit.any():
            cands[i] = cands[i].qualified(hit)
            why[i] = "district of the city after it"
        elif base[i + 1].kind[base[i + 1].pick] == _CITY:
            # a district the gazetteer does not know by this name ("the Kalininsky district
            # of Donetsk", renamed since; "Vostochny district of Mariupol", a village's name
            # elsewhere): in that city, not another city's namesake
            base[i] = cands[i] = base[i + 1]
            why[i] = "an unknown district of the city after it: the city"


def _qualify(g: Gazetteer, tops: list[Toponym], base: list[_Cands], cands: list[_Cands],
             why: list, i: int) -> np.ndarray | None:
    """Name ``i`` qualified by the name after it, when some reading of that holds one of its
    own: the readings of ``i`` it holds (None when it holds none)."""
    reading = _qualifier(base[i], base[i + 1])
    if reading is None:
        seat = _seat_region(g, base[i], tops[i + 1], base[i + 1])
        if seat is None:
            hit = _sound_qualified(g, tops, base, cands, why, i)
            if hit is None:
                _next_to_area(g, base, cands, why, i)
            return hit
        # "Petrivka, Kharkiv": the oblast qualifies the village, and is what is named
        base[i + 1] = cands[i + 1] = seat[0]
        cands[i] = cands[i].qualified(seat[1])
        why[i], why[i + 1] = "qualifier after it", SEAT_AS_REGION
        return seat[1]
    qk, hit = reading
    cands[i] = cands[i].qualified(hit)
    why[i], why[i + 1] = "qualifier after it", QUALIFIES
    # the reading of Y that qualifies X is Y's reading here ("Atlanta, Georgia")
    cands[i + 1] = cands[i + 1].qualified(np.arange(base[i + 1].entries.size) == qk)
    return hit


def _sure_town(x: _Cands, where: np.ndarray | bool = True) -> bool:
    """Whether a town of some size (:data:`_SURE_TOWN_PRIOR`) is called by ``x``'s name as
    its own, among the candidates ``where`` allows: then no qualifier makes the name another
    place's ("Alchevsk, Donetsk Oblast" is the Luhansk city)."""
    own = (x.flags <= FLAG["ascii"]) & where
    return bool(own.any() and x.prior[own].max() >= _SURE_TOWN_PRIOR)


def _by_sound(g: Gazetteer, t: Toponym) -> _Cands | None:
    """Name ``t`` read as the settlements that sound like it (:func:`sounding`; None when
    none does)."""
    entries = sounding(g, t.key)
    if not entries.size:
        return None
    return _Cands(g, Toponym(t.text, t.start, t.end, t.key, entries,
                             np.full(entries.size, FLAG["variant"]), t.locative))


def _sound_qualified(g: Gazetteer, tops: list[Toponym], base: list[_Cands],
                     cands: list[_Cands], why: list, i: int) -> np.ndarray | None:
    """Name ``i`` read as the settlements of the area after it whose names sound like it,
    when that area holds none of its readings: a Russian form or a spelling of a village
    known by other names there ("Chervonaya Dibrova, Luhansk region" is the Dibrova of
    Luhansk oblast, whose other name is Chervona Dibrova; "Oleksandrivsky (Donetsk)" an
    Oleksandrivske of Donetsk oblast, not Zaporizhzhia, once Oleksandrivsk; see
    :func:`map_app.toponyms.sounding`). The area is a region, or a regional seat's bare name
    read as its region. The readings it holds (None when it holds none)."""
    q, x = base[i + 1], base[i]
    # (sounds are kept for the countries the gazetteer holds completely: their areas only)
    if not ((_AREA[q.kind] | q.seat.astype(bool)) & g.complete_mask()[q.country]).any():
        return None
    if _sure_town(x):
        return None  # a town of some size by its own name is itself, the qualifier wrong
    c = _by_sound(g, tops[i])
    if c is None:
        return None
    reading = _qualifier(c, q)
    if reading is not None:
        qk, hit = reading
        cands[i + 1] = cands[i + 1].qualified(np.arange(q.entries.size) == qk)
    else:
        seat = _seat_region(g, c, tops[i + 1], q)
        if seat is None:
            return None
        base[i + 1] = cands[i + 1] = seat[0]
        hit = seat[1]
    base[i] = c
    cands[i] = c.qualified(hit)
    why[i], why[i + 1] = "sounds like a settlement of the qualifier", QUALIFIES
    return hit


# After an area named as a heading: "Donetsk region: …", "Kharkiv oblast — in …"
# (or a tab: the next cell of a dataset's row, "Donetsk Oblast⇥Kramatorsk District⇥…")
_HEADING_GAP = re.compile(r"[ \t]*(?::|—|–|[ \t]-)[ \t]|\t")


def _heading_pass(g: Gazetteer, text: str, tops: list[Toponym], base: list[_Cands],
                  cands: list[_Cands], why: list) -> None:
    """Pass 1b: the names after an area named as a heading, on its line, lie in it
    ("Donetsk region: 4 in Liman and 2 in Terny", "Donetsk region — in Udachny": Udachne,
    by its sound, not Udachny of Yakutia; a row's cells after the area's), up to the next
    area named. Names a qualifier decided keep its reading."""
    for h, t in enumerate(tops[:-1]):
        k = base[h].pick
        if not (_AREA[base[h].kind[k]] and base[h].kind[k] != _COUNTRY
                and g.complete_mask()[base[h].country[k]]) \
                or _HEADING_GAP.match(text, t.end) is None:
            continue
        for j in range(h + 1, len(tops)):
            x = base[j]
            if "\n" in text[tops[j - 1].end:tops[j].start] or _AREA[x.kind[x.pick]]:
                break
            if why[j] is not None:
                continue
            reading = _qualifier(x, base[h])
            if reading is not None:
                cands[j] = cands[j].qualified(reading[1])
                why[j] = "in the area named before it"
                continue
            # a town of some size in the heading's country is itself, a namesake abroad no
            # reading of a name under a heading of this country
            if _sure_town(x, x.country == base[h].country[k]):
                continue
            c = _by_sound(g, tops[j])
            reading = None if c is None else _qualifier(c, base[h])
            if c is not None and reading is not None:
                base[j] = c
                cands[j] = c.qualified(reading[1])
                why[j] = "sounds like a settlement of the area named before it"


def _next_to_area(g: Gazetteer, base: list[_Cands], cands: list[_Cands], why: list, i: int
                  ) -> None:
    """Name ``i`` placed near the area after it that holds none of its readings, nor any
    sound-alike: a report puts a village in the neighbouring oblast ("Terny, Luhansk" is
    the Terny of Donetsk oblast by the Luhansk border, not Kryvyi Rih's district of that
    name). Only in a country the gazetteer holds completely (the area lists every village
    it holds), and not for a town of some size, which is itself wherever a text puts it."""
    x, q = base[i], base[i + 1]
    k = q.pick
    if x.entries.size < 2 or not (_AREA[q.kind[k]] or q.seat[k]) \
            or q.kind[k] == _COUNTRY or not g.complete_mask()[q.country[k]]:
        return
    if _sure_town(x, _TOWN[x.kind]):  # (a city's district is no town)
        return
    d = haversine_term_km((1.0 - x.xyz @ q.xyz[k]) * 0.5)
    near = np.exp(-d / _NEXT_TO_AREA_KM) * _TOWNISH[x.kind]
    if near.max() > 0.1:
        cands[i] = cands[i].qualified(near)
        why[i] = "near the area after it, which does not hold it"


def _coordination_pass(g: Gazetteer, text: str, tops: list[Toponym], base: list[_Cands],
                       cands: list[_Cands], why: list) -> None:
    """Coordinated names share their type: "states such as California or Washington"."""
    for i in range(len(tops) - 1):
        if tops[i + 1].start - tops[i].end > 6 \
                or not _COORD_GAP.match(text, tops[i].end, tops[i + 1].start):
            continue
        for x, k in ((base[i], i + 1), (base[i + 1], i)):
            same = _same_level(g, x, base[k])
            if same is not None:
                cands[k] = cands[k].qualified(same * (W_COORD / W_QUALIFIER))
                why[k] = "names joined by and/or share their type"


# Words that make a name a river's or a sea's: "the Dnepr delta", "across the Dnipro", "the left
# bank of the Dnipro", "the bridge over the Dnipro" ("over" alone is not one: drones are shot
# down over Dnipro, the city)
_WATER_AFTER = re.compile(r"['’]?s?[ \t]+(?:delta|estuary|mouth|banks?|floodplain|"
                          r"riverbanks?|waters|coast|shore|river|reservoir|lake|canal)\b",
                          re.I)
_WATER_BEFORE = re.compile(r"\b(?:across|along|crossing|crossed|cross|mouth of|banks? of|"
                           r"shore of|coast of|bridges? over|dam on|"
                           # and in Ukrainian and Russian: along, bank, mouth
                           r"уздовж|вздовж|вдоль|бере[гз]\w*|гирл\w*|усть\w*)[ \t]+"
                           r"(?:the[ \t]+)?$", re.I)


def _water_pass(g: Gazetteer, text: str, tops: list[Toponym], base: list[_Cands],
                cands: list[_Cands], why: list) -> None:
    """A name with a river's or a sea's words around it (:data:`_WATER_AFTER`,
    :data:`_WATER_BEFORE`) is the water when one of its readings is: "the Dnepr delta" is
    the Dnieper, not the city of Dnipro, which also answers to that name."""
    water = None
    for i, t in enumerate(tops):
        if why[i] not in (None, "relative location") or base[i].entries.size < 2:
            continue  # (a qualifier decides; "the Dnipro near Kherson" is still the river)
        if not (_WATER_AFTER.match(text, t.end)
                or _WATER_BEFORE.search(text, max(0, t.start - 20), t.start)):
            continue
        if water is None:
            water = g.table("fclass").index("H") if "H" in g.table("fclass") else -1
        hit = g.col("fclass")[base[i].entries] == water
        if hit.any() and not hit.all():
            # the words decide: a city's prior may lead its river's by more than a qualifier
            cands[i] = cands[i].qualified(hit * (W_WATER / W_QUALIFIER))
            why[i] = "a river's or a sea's words around it"


class _Tally:
    """What the first picks of a document say (:func:`_tally`): which names name each
    country and region, the votes for countries and admin1 regions (and each name's own, as
    a name is no evidence for its own namesakes: "Arizona" the state does not lift Yuma, one
    of whose alternate names is "Arizona"), the confident places and the distinct candidate
    sets (with a name of each)."""

    __slots__ = ("named", "votes", "own", "votes1", "own1", "confident", "wide", "sets",
                 "set_key")

    def __init__(self, g: Gazetteer):
        self.named: dict[tuple[bool, int], set[str]] = {}
        self.votes = np.zeros(len(g.table("country")) + 1)
        self.own: dict[str, dict[int, float]] = {}  # name -> its own votes, per country
        self.votes1 = np.zeros(len(g.table("admin1")) + 1)
        self.own1: dict[str, dict[int, float]] = {}
        self.confident: set[tuple[float, float]] = set()
        self.wide: set[tuple[float, float]] = set()  # those of first-level regions
        self.sets: dict[int, _Cands] = {}
        self.set_key: dict[int, str] = {}


def _tally(g: Gazetteer, text: str, tops: list[Toponym], cands: list[_Cands]) -> _Tally:
    """The first picks' votes (see :class:`_Tally`)."""
    t_ = _Tally(g)
    named, own, own1, votes1 = t_.named, t_.own, t_.own1, t_.votes1
    vote_list = [0.0] * t_.votes.size  # a list: summed into per name faster than an array
    local = _local_regions(g)
    _, ints = g.ranking_columns()  # column 5: an area's admin level
    for t, c in zip(tops, cands):
        if c.entries.size >= 2 and id(c.entries) not in t_.sets:
            t_.sets[id(c.entries)] = c
            t_.set_key[id(c.entries)] = t.key
        if _an_actor(text, t, c):
            continue  # "Russian drones hit Pokrovsk": who acted, not where: no vote
        pick_kind = c.pick_kind
        if pick_kind == _COUNTRY:
            named.setdefault((True, c.pick_country), set()).add(t.key)
        else:
            if pick_kind == _REGION and c.pick_admin1 >= 0:
                named.setdefault((False, c.pick_admin1), set()).add(t.key)
            if c.margin >= 1.0:
                t_.confident.add(c.pick_point)
                if pick_kind == _REGION and ints[c.entries[c.pick], 5] == 1:
                    t_.wide.add(c.pick_point)
        w = min(c.margin, 2.0) + 0.5
        vote_list[c.pick_country] += w
        if c.entries.size >= 2:
            mine = own.setdefault(t.key, {})
            mine[c.pick_country] = mine.get(c.pick_country, 0.0) + w
        if c.pick_admin1 >= 0 and local[c.pick_admin1]:
            votes1[c.pick_admin1] += w
            if c.entries.size >= 2:
                mine = own1.setdefault(t.key, {})
                mine[c.pick_admin1] = mine.get(c.pick_admin1, 0.0) + w
    t_.votes = np.array(vote_list)
    return t_


def _an_actor(text: str, t: Toponym, c: _Cands) -> bool:
    """Whether a name first picked as a demonym names who acted, not where ("Russian drones
    hit Pokrovsk")."""
    return c.flags[c.pick] == _DEMONYM and _ACTOR_AFTER.match(text, t.end) is not None


def _names_country(text: str, tops: list[Toponym], cands: list[_Cands]) -> bool:
    """Whether a text's first picks name a country, other than as an actor
    (:func:`_an_actor`)."""
    return any(c.pick_kind == _COUNTRY and not _an_actor(text, t, c)
               for t, c in zip(tops, cands))


def _context_pass(g: Gazetteer, text: str, tops: list[Toponym], cands: list[_Cands],
                  teams: set[str]) -> list:
    """Pass 2: each name's scores, its prior plus the context bonus of the document's
    regions, countries, focus and nearness (:func:`_bonuses`).

    A team's name ("the Portland Trail Blazers") names its home, the city its name means
    anywhere: neither the report's other places nor its rivals' home towns move it, so it is
    ranked by its prior (and any qualifier) alone. Its other mentions in the report ("against
    Portland") are the team too (one sense per discourse). Its first pick still votes: that is
    the reading it gets."""
    tally = _tally(g, text, tops, cands)
    bonus_of = _bonuses(g, tally) if tally.sets else {}
    home = _home_countries(g, text)
    return [c.prior + bonus_of[id(c.entries)] + (W_LANGUAGE * np.isin(c.country, home)
                                                  if home is not None else 0.0)
            if c.entries.size >= 2 and not (teams and t.key in teams) else c.prior
            for t, c in zip(tops, cands)]


# The countries where most people speak a language the recogniser reads in Cyrillic: a
# report written in it is likelier about a Tokmak there than about Kyrgyzstan's Tokmok
_HOME = {"uk": ("UA",), "ru": ("RU", "BY", "UA")}


def _home_countries(g: Gazetteer, text: str) -> np.ndarray | None:
    """The country codes (the gazetteer's) where the language of a Ukrainian or Russian text
    is spoken (:data:`_HOME`; the language as :func:`map_app.language.detect` tells it);
    None for any other text."""
    sample = text[:SAMPLE]
    if not has_cyrillic(sample):
        return None  # the usual case, asked of every document
    home = _HOME.get(detect(sample))
    if home is None:
        return None
    table = g.table("country")
    return np.array([table.index(c) for c in home if c in table])


def _bonuses(g: Gazetteer, tally: _Tally) -> dict[int, np.ndarray]:
    """The context bonus of every distinct candidate set, in one vectorised pass, by the
    ``id`` of the set's entries."""
    group = list(tally.sets.values())
    keys = [tally.set_key[id(c.entries)] for c in group]
    sizes = [c.entries.size for c in group]
    country = np.concatenate([c.country for c in group])
    admin1 = np.concatenate([c.admin1 for c in group])
    kind = np.concatenate([c.kind for c in group])
    gi = np.arange(len(group)).repeat(sizes)
    not_country = kind != _COUNTRY
    # a named region lifts what lies in it, regions too when the name is their own: a county
    # named in full ("Plymouth County" in a report datelined Iowa) and the region itself
    # named otherwise ("Washington" after "Wash."); a county called by a bare name ("Shelby"
    # for Shelby County) is no better a reading than before
    region_lift = (kind != _REGION) | (np.concatenate([c.flags for c in group]) <= FLAG["ascii"])
    bonus = _named_bonus(g, tally, country, admin1, not_country, region_lift)
    _focus_bonus(tally, keys, gi, country, admin1, kind, bonus)
    xyz = np.concatenate([c.xyz for c in group])
    if tally.confident:
        # a town near an oblast's or a state's point is no likelier than one at its edge
        # (what lies inside gains W_REGION): towns are near the other places only; a county
        # or a landmark near the region's point too ("Montgomery County" by Iowa's)
        _near_bonus(tally.confident, xyz, bonus,
                    (tally.wide, _TOWNISH[kind]) if tally.wide else None)
    if len(group) >= 2:
        _together(group, sizes, gi, kind, xyz, bonus)
    # a name alone naming a country or region gets nothing from it: take that bonus back
    alone: dict[str, list[tuple[bool, int]]] = {}
    for what, names in tally.named.items():
        if len(names) == 1:
            alone.setdefault(next(iter(names)), []).append(what)
    bonus_of: dict[int, np.ndarray] = {}
    at = 0
    for c, key, size in zip(group, keys, sizes):
        part = bonus_of[id(c.entries)] = bonus[at:at + size]  # a view into the bonus
        for is_country, code in alone.get(key, ()):
            if is_country:
                part -= W_COUNTRY * (country[at:at + size] == code) * not_country[at:at + size]
            else:
                part -= W_REGION * (admin1[at:at + size] == code) * region_lift[at:at + size]
        at += size
    return bonus_of


def _named_bonus(g: Gazetteer, tally: _Tally, country: np.ndarray, admin1: np.ndarray,
                 not_country: np.ndarray, region_lift: np.ndarray) -> np.ndarray:
    """W_COUNTRY for a candidate in a country the document names (countries themselves
    apart), W_REGION for one in a region it names (see ``region_lift``)."""
    # membership by look-up table: np.isin sorts, which costs more on arrays this small
    in_country = np.zeros(tally.votes.size, dtype=bool)
    in_country[[x for is_country, x in tally.named if is_country]] = True
    in_region = np.zeros(len(g.table("admin1")) + 1, dtype=bool)
    in_region[[x for is_country, x in tally.named if not is_country]] = True
    bonus = W_COUNTRY * in_country[country] * not_country
    return bonus + W_REGION * in_region[admin1] * region_lift


def _focus_bonus(tally: _Tally, keys: list[str], gi: np.ndarray, country: np.ndarray,
                 admin1: np.ndarray, kind: np.ndarray, bonus: np.ndarray) -> None:
    """Add the focus shares to ``bonus``: W_FOCUS times the share of the document's votes
    for the candidate's country, W_FOCUS1 for its admin1 region (regions themselves apart),
    each measured on the other names' votes (a name is no evidence for its own reading)."""
    votes, votes1 = tally.votes, tally.votes1
    total = float(votes.sum()) or 1.0
    own_sets = [tally.own.get(k, {}) for k in keys]
    rest = total - np.array([sum(m.values()) for m in own_sets])
    rest = np.where(rest > 1e-9, rest, np.inf)[gi]
    own_c = _own_votes(own_sets, gi, country, len(votes))
    own_a = _own_votes([tally.own1.get(k, {}) for k in keys], gi, admin1, len(votes1))
    bonus += W_FOCUS * (votes[country] - own_c) / rest
    bonus += (W_FOCUS1 * (votes1[admin1] - own_a) / rest) * ((admin1 >= 0) & (kind != _REGION))


def _near_bonus(confident: set[tuple[float, float]], xyz: np.ndarray, bonus: np.ndarray,
                wide: tuple[set[tuple[float, float]], np.ndarray] | None = None) -> None:
    """Add W_NEAR times closeness (exp(-km / 100)) to the nearest confident place other than
    the candidate itself: the haversine term from unit vectors, one product. ``wide``: the
    points of first-level regions among them, and the candidates (towns) they are no place
    to be near for."""
    order = sorted(confident)
    pts = np.array(order)
    p = unit_vectors(pts[:, 1], pts[:, 0])
    h = (1.0 - xyz @ p.T) * 0.5
    h[h < _H_SELF] = np.inf  # not itself
    if wide is not None:
        cols = np.array([q in wide[0] for q in order])
        h[np.ix_(wide[1], cols)] = np.inf
    hmin = h.min(axis=1)
    far = np.isinf(hmin)
    d = haversine_term_km(hmin)
    bonus += np.where(far, 0.0, W_NEAR * np.exp(-d / 100.0))


def _rows(g: Gazetteer, tops: list[Toponym], base: list[_Cands], cands: list[_Cands],
          scores: list, why: list, teams: set[str], claimed: set[int], n_alternatives: int
          ) -> list[dict]:
    """The last pass: each name's pick, runners-up and rule as a record. The same name with
    the same scores ranks the same: it is ranked once per document."""
    made: dict[tuple[int, int], tuple] = {}
    parts = g.memo("places.parts", 100_000)
    rows = []
    for i, (t, c, s) in enumerate(zip(tops, cands, scores)):
        if c.entries.size == 1:
            ranked = c.alone
            if ranked is None:
                ranked = c.alone = _ranking(g, parts, c, s, n_alternatives)
        else:
            key = (id(c), id(c.entries)) if i not in claimed else (i, -1)
            ranked = made.get(key)
            if ranked is None:
                ranked = made[key] = _ranking(g, parts, c, s, n_alternatives)
        (f, entry, score), alts = ranked
        rule = why[i]
        if rule is None:
            if not alts:
                rule = "only candidate"
            elif teams and t.key in teams:
                rule = "a team's home"
            else:
                rule = "prior" if base[i].pick_id(g, parts) == entry \
                    else "the text's other places"
        rows.append({"text": t.text, "start": t.start, "end": t.end, "name": f[0],
                     "lat": f[1], "lon": f[2], "geonameid": f[3], "feature_code": f[4],
                     "kind": f[5], "country_code": f[6], "admin1": f[7],
                     "admin1_code": f[8], "admin2": f[9], "admin2_code": f[10],
                     "admin3": f[11], "admin3_code": f[12], "score": score,
                     "alternatives": [{"name": a[0], "lat": a[1], "lon": a[2], "score": v,
                                       "id": x, "admin1": a[7], "admin2": a[9]}
                                      for a, v, x in alts] if alts else [],
                     "rule": rule, "entry": entry})
    return rows


def _together(group: list[_Cands], sizes: list[int], gi: np.ndarray, kind: np.ndarray,
              xyz: np.ndarray, bonus: np.ndarray) -> None:
    """Add to ``bonus`` W_TOGETHER times how close each contender of an ambiguous name lies
    to the contenders of the document's other ambiguous names (the mean over those names of
    exp(-km / 50) to the nearest of them): places named together lie together ("Andriivka,
    Klishchiivka and Kurdiumivka" are three neighbours, though each name has dozens of
    namesakes). Contenders are the towns within :data:`_CONTENDER` of their name's best
    prior; ``xyz`` are the candidates' unit vectors."""
    # a name read with confidence (a big city among hamlets) is an anchor through W_NEAR
    unsure = [c.margin < _TOGETHER_MARGIN for c in group]
    if sum(unsure) < 2:
        return
    prior = np.concatenate([c.prior for c in group])
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    best = np.maximum.reduceat(prior, starts)
    ok = (prior >= best[gi] - _CONTENDER) & ~_AREA[kind] & np.array(unsure)[gi]
    if ok.sum() > _TOGETHER_ALL:
        # a long text of many names: the likeliest few of each ("Andriivka" has 70)
        order = np.lexsort((-prior, gi))
        rank = np.empty(gi.size, dtype=np.int64)
        rank[order] = np.arange(gi.size) - starts[gi[order]]
        ok &= rank < _CONTENDERS_PER_NAME
    idx = np.flatnonzero(ok)
    sets = gi[idx]
    first = np.flatnonzero(np.r_[True, sets[1:] != sets[:-1]])
    if first.size < 2 or idx.size > _TOGETHER_MAX:
        return
    v = xyz[idx]
    h = np.minimum.reduceat((1.0 - v @ v.T) * 0.5, first, axis=1)
    own = np.repeat(np.arange(first.size), np.diff(np.r_[first, idx.size]))
    h[np.arange(idx.size), own] = np.inf  # not its own name
    near = np.exp(-haversine_term_km(h) / 50.0).sum(axis=1)
    bonus[idx] += (W_TOGETHER / (first.size - 1)) * near


def _team_keys(text: str, tops: list[Toponym]) -> set[str]:
    """The names that open a team's name in a sports report (empty for any other text)."""
    # a blank, then a capital or more blanks, must follow (checked before the pattern)
    keys = {t.key for t in tops if text[t.end:t.end + 1] in _BLANKS
            and (text[t.end + 1:t.end + 2].isupper() or text[t.end + 1:t.end + 2] in _BLANKS)
            and _TEAM_AFTER.match(text, t.end)}
    if keys and len({m.group() for m in _SPORTS.finditer(text)}) < 2:
        return set()
    return keys


def _claim_pass(g: Gazetteer, text: str, tops: list[Toponym], cands: list[_Cands],
                scores: list, why: list, claims: list[DistanceClaim]) -> set[int]:
    """Pass 3: a stated distance to a border lifts the candidates
    at that distance (``scores`` and ``why`` updated in place); returns the places lifted."""
    claimed = set()
    spans = [(t.start, t.end, c.pick_kind in (_COUNTRY, _REGION)) for t, c in zip(tops, cands)]
    for tied, claim in tie_claims(text, spans, claims):
        c = cands[tied]
        if c.entries.size < 2:
            continue
        # only contenders can be lifted to the top: measure the best 8, not hundreds
        top = (-scores[tied]).argsort(kind="stable")[:8]
        d = _claim_distances(g, c.entries[top], c.lon[top], c.lat[top], claim)
        scores[tied] = scores[tied].copy()
        scores[tied][top] += W_CLAIM * np.exp(-np.abs(d - claim.claimed_km)
                                              / claim.tolerance_km)
        claimed.add(tied)
        why[tied] = "stated distance to a border"
    return claimed


def _claim_distances(g: Gazetteer, entries: np.ndarray, lon: np.ndarray, lat: np.ndarray,
                     claim) -> np.ndarray:
    """Distance (km) of each candidate to the border the claim names, by the one border
    engine (searched exactly: a few candidates anywhere cost less so than the quadtree of
    their regions), cached per entry."""
    from .distance import border_distance  # geopandas and scipy: only for a text with a claim

    country = border_country(claim, g)
    memo = g.memo("places.claim-km", 100_000)
    keys = [(int(e), country) for e in entries.tolist()]
    todo = [k for k, key in enumerate(keys) if key not in memo]
    if todo:
        try:
            d, _ = border_distance(lon[todo], lat[todo], country=country, exact=True)
        except ValueError:  # no land border of that country: measure any border
            d, _ = border_distance(lon[todo], lat[todo], exact=True)
        for k, v in zip(todo, d.tolist()):
            memo[keys[k]] = v
    return np.array([memo[key] for key in keys])


def _own_votes(mine: list[dict[int, float]], gi: np.ndarray, codes: np.ndarray, n: int
               ) -> np.ndarray:
    """Each candidate's vote from its own name: ``mine[k]`` maps a code (country or admin1)
    to the votes set ``k``'s name cast for it; ``gi`` is each candidate's set, ``codes`` its
    code, ``n`` the number of codes."""
    key_list = [k * n + x for k, m in enumerate(mine) for x in m]
    if not key_list:
        return np.zeros(codes.size)
    vals = np.array([w for m in mine for w in m.values()])
    keys = np.array(key_list)
    order = keys.argsort()
    keys, vals = keys[order], vals[order]
    q = gi * n + codes
    pos = np.minimum(keys.searchsorted(q), keys.size - 1)
    return np.where((keys[pos] == q) & (codes >= 0), vals[pos], 0.0)


def _local_regions(g: Gazetteer) -> np.ndarray:
    """Which admin1 regions say more than their country does (cached per gazetteer): not
    those holding most of their country's people (England, Java), whose clustering is
    the country focus again.

    Returns
    -------
    numpy.ndarray
        Boolean flag per admin1 code (indexed like the ``admin1`` column).
    """
    memo = g.memo("places.local-regions", 4)
    hit = memo.get(0)
    if hit is None:
        kind, fcode = g.col("kind"), g.col("fcode")
        adm1 = np.flatnonzero((kind == _REGION)
                              & (fcode == g.table("fcode").index("ADM1")))
        a1 = g.col("admin1")[adm1].astype(np.int64)
        cc = g.col("country")[adm1].astype(np.int64)
        pop = g.col("population")[adm1].astype(np.float64)
        ok = a1 >= 0
        a1, cc, pop = a1[ok], cc[ok], pop[ok]
        in_country = np.bincount(cc, weights=pop, minlength=len(g.table("country")) + 1)
        hit = np.ones(len(g.table("admin1")) + 1, dtype=bool)
        hit[a1] = pop <= 0.5 * in_country[cc]
        memo[0] = hit
    return hit


def _margin(s: np.ndarray) -> float:
    """How far the best score leads the runner-up (3 when there is no runner-up)."""
    if s.size < 2:
        return 3.0
    if s.size == 2:
        return float(abs(s[0] - s[1]))
    top2 = np.partition(s, -2)[-2:]
    return float(top2[1] - top2[0])
