"""Coordinates stated in a text: the points OSINT reports give ("geolocated at 48.5912,
37.8571", "Poima (46.643950, 32.815829)", "48°35'28"N 37°51'26"E"), and positions stated by
their distance and bearing from a place ("firing positions 17km NE of Chernihiv").

Pure passes (text in, spans and numbers out): :func:`find_coordinates`, :func:`find_offsets`.
The places stage makes each a place of its own, kind ``point``, with the areas of the nearest
settlement (:func:`map_app.places.resolve_records`); an offset once the place it is measured
from is resolved.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ._text import has_cyrillic

# Decimal degrees, latitude first as OSINT writes them: at least three decimals each (a
# statistic such as "12.5, 30.2" is no point), an optional degree sign and hemisphere letter,
# then a comma, semicolon, slash or blank.
_DECIMAL = re.compile(
    r"(?<![\w.])(?P<lat>-?\d{1,2}\.\d{3,})\s*°?\s*(?P<ns>[NS])?\s*[,;/]?\s*"
    r"(?P<lon>-?\d{1,3}\.\d{3,})\s*°?\s*(?P<ew>[EW])?(?!\w|\.\d)")
# With both hemisphere letters any decimals will do ("48.5N 37.9E", "48°N, 38°E")
_LETTERED = re.compile(r"(?<![\w.])(\d{1,2}(?:\.\d+)?)\s*°?\s*([NS])[\s,;/]*"
                       r"(\d{1,3}(?:\.\d+)?)\s*°?\s*([EW])(?!\w)")
# Degrees, minutes and (optionally) seconds with hemisphere letters, in the quote marks
# keyboards and web pages use.
_DMS_PART = (r"(\d{1,3})\s*°\s*(\d{1,2}(?:\.\d+)?)\s*['′’]\s*"
             r"(?:(\d{1,2}(?:\.\d+)?)\s*(?:[\"″”]|'')\s*)?")
_DMS = re.compile(_DMS_PART + r"([NS])[\s,;/]*" + _DMS_PART + r"([EW])")
# What a text must hold to be worth the patterns: a degree sign, or a decimal point before
# three digits or before a hemisphere letter. Opening on a literal dot, the search skips from
# dot to dot (a class first, as a digit, is tried at every character).
_QUICK = re.compile(r"\.\d(?:\d\d|\d?\s*[NS])")


@dataclass(frozen=True, slots=True)
class Coordinates:
    """A point stated in a text: the span ``start:end`` that states it and its WGS84
    latitude and longitude."""

    start: int
    end: int
    lat: float
    lon: float


def find_coordinates(text: str) -> list[Coordinates]:
    """Every point stated in ``text`` in decimal degrees or in degrees, minutes and seconds,
    in text order; pairs outside the valid ranges are left out.

    Examples
    --------
    >>> [(c.lat, c.lon) for c in find_coordinates("Geolocated at 48.5912, 37.8571.")]
    [(48.5912, 37.8571)]
    """
    if "°" not in text and not _QUICK.search(text):
        return []
    found = []
    for m in _DECIMAL.finditer(text):
        lat, lon = float(m["lat"]), float(m["lon"])
        if m["ns"] == "S":
            lat = -abs(lat)
        if m["ew"] == "W":
            lon = -abs(lon)
        found.append((m.start(), m.end(), lat, lon))
    for m in _LETTERED.finditer(text):
        lat, lon = float(m[1]), float(m[3])
        found.append((m.start(), m.end(), -lat if m[2] == "S" else lat,
                      -lon if m[4] == "W" else lon))
    for m in _DMS.finditer(text):
        g = m.groups()
        lat = _degrees(g[0], g[1], g[2]) * (-1 if g[3] == "S" else 1)
        lon = _degrees(g[4], g[5], g[6]) * (-1 if g[7] == "W" else 1)
        found.append((m.start(), m.end(), lat, lon))
    out: list[Coordinates] = []
    for s, e, lat, lon in sorted(found, key=lambda f: (f[0], -f[1])):
        if out and s < out[-1].end:
            continue  # one statement read by two patterns: the longer reading
        if -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0:
            out.append(Coordinates(s, e, round(lat, 6), round(lon, 6)))
    return out


def _degrees(d: str, m: str, s: str | None) -> float:
    return float(d) + float(m) / 60.0 + (float(s) / 3600.0 if s else 0.0)


# The rule of the point a stated offset gives (a record's ``rule``): its geo-precision is 2
# (near a place), and the place it is measured from is no scene of the event
OFFSET_RULE = "a stated distance and bearing from the place after it"


@dataclass(frozen=True, slots=True)
class Offset:
    """A position stated by its distance and bearing from a place named right after it
    ("17km NE of Chernihiv"): the span ``start:end`` that states it, up to "of", the
    distance in km, the bearing in degrees clockwise from north, and where the place's name
    must start (``ref``)."""

    start: int
    end: int
    km: float
    bearing: float
    ref: int


_BEARINGS = {"n": 0.0, "nne": 22.5, "ne": 45.0, "ene": 67.5, "e": 90.0, "ese": 112.5,
             "se": 135.0, "sse": 157.5, "s": 180.0, "ssw": 202.5, "sw": 225.0, "wsw": 247.5,
             "w": 270.0, "wnw": 292.5, "nw": 315.0, "nnw": 337.5, "north": 0.0,
             "northeast": 45.0, "east": 90.0, "southeast": 135.0, "south": 180.0,
             "southwest": 225.0, "west": 270.0, "northwest": 315.0}
_MILE_KM = 1.609344


def km_of(number: str, unit: str) -> float:
    """A stated distance in km: ``number`` as written ("17", "2,5") in ``unit`` ("km",
    "kilometres", "miles", "mi")."""
    return float(number.replace(",", ".")) * (_MILE_KM if unit.lower().startswith("mi") else 1.0)

# "17km NE of", "10 kilometres south-east of", "5 miles north of the town of": a compass
# point in letters only in capitals ("E" of a sentence is no east)
_OFFSET = re.compile(
    r"(?<![\w.,])(?P<num>\d{1,4}(?:[.,]\d+)?)\s*-?\s*(?P<unit>km|kilomet(?:er|re)s?|miles?)"
    r"\s+(?:to\s+the\s+)?(?P<dir>(?:north|south)[- ]?(?:east|west)|north|south|east|west|"
    r"(?-i:NNE|ENE|ESE|SSE|SSW|WSW|WNW|NNW|NE|NW|SE|SW|N|S|E|W))(?:ern|wards?)?\s+"
    r"(?:of|from)\b", re.I)
# Ukrainian and Russian: "за 17 км на північний схід від Чернігова", "в 10 км к юго-западу
# от Бахмута"
_OFFSET_CY = re.compile(
    r"(?<![\w.,])(?P<num>\d{1,4}(?:[.,]\d+)?)\s*-?\s*(?P<unit>км|кілометр\w*|километр\w*)\.?"
    r"\s+(?:(?:на|к)\s+)?(?P<dir>(?:(?:північн|південн|север|юг|южн)\w*[-\s]?)?"
    r"(?:схід|сход|східн|захід|заход|західн|восто|запад)\w*|(?:північ|південь|півн|півд|север|"
    r"юг|южн)\w*)\s+(?:від|од|от)\s", re.I)
# What a text must hold to be worth the patterns: a unit, then a compass word (a text that
# gives distances mostly gives them without one); tried only where a unit starts
_UNIT_DIRECTION = re.compile(r"(?:km|kilomet\w*|miles?)\s+(?:to\s+the\s+)?(?:north|south|"
                             r"east|west|(?-i:[NSEW]))", re.I)
_UNIT_WORDS = ("km", "kilomet", "mile")
_REF_GAP = re.compile(r"\s+(?:the\s+)?(?:(?:city|town|village|settlement)\s+of\s+)?")


def find_offsets(text: str) -> list[Offset]:
    """Every position stated by a distance and a compass bearing from a place ("17km NE of",
    "10 kilometres south-east of the town of"), in text order; the place itself is for
    the caller to find at each offset's ``ref``.

    Examples
    --------
    >>> [(o.km, o.bearing) for o in find_offsets("Positions 17km NE of Chernihiv.")]
    [(17.0, 45.0)]
    """
    cyrillic = has_cyrillic(text)
    if not (cyrillic and ("км" in text or "кілом" in text or "килом" in text)
            or _bears(text)):
        return []
    out = []
    for m in _OFFSET.finditer(text):
        km = km_of(m["num"], m["unit"])
        bearing = _BEARINGS[re.sub(r"[- ]", "", m["dir"].lower())]
        gap = _REF_GAP.match(text, m.end())
        out.append(Offset(m.start(), m.end(), km, bearing, gap.end() if gap else m.end()))
    if cyrillic:
        for m in _OFFSET_CY.finditer(text):
            end = m.end() - 1  # (the pattern ends on the blank before the place)
            out.append(Offset(m.start(), end, km_of(m["num"], m["unit"]),
                              _cyrillic_bearing(m["dir"].lower()), m.end()))
        out.sort(key=lambda o: o.start)
    return out


def _bears(text: str) -> bool:
    """Whether a unit of distance in ``text`` is followed by a compass word."""
    lower = text.lower()
    if len(lower) != len(text):
        return True  # lower-casing moved the offsets: let the patterns decide
    for unit in _UNIT_WORDS:
        i = lower.find(unit)
        while i >= 0:
            if _UNIT_DIRECTION.match(text, i):
                return True
            i = lower.find(unit, i + 1)
    return False


def _cyrillic_bearing(word: str) -> float:
    """The bearing a Ukrainian or Russian compass phrase names ("північний схід", "юго-запад")."""
    ns = 0.0 if re.search("півн|север", word) else 180.0 if re.search("півд|юг|юж", word) \
        else None
    ew = 90.0 if re.search("схід|сход|східн|восто", word) else 270.0 \
        if re.search("захід|заход|західн|запад", word) else None
    if ns is None or ew is None:
        return ns if ns is not None else ew if ew is not None else 0.0
    return {(0.0, 90.0): 45.0, (180.0, 90.0): 135.0, (180.0, 270.0): 225.0,
            (0.0, 270.0): 315.0}[ns, ew]
