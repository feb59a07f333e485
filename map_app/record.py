"""The place record: its one definition, from which every layout of it is derived.

An analysed place is a dict with the keys of :data:`FIELDS`, in that order: the object of
``map-app parse`` output. The store's ``places`` columns (:data:`STORE_COLUMNS`), the
GeoJSON/CSV properties (:data:`EXPORT`) and the app's table (:data:`TABLE`) are all derived
from this module, so a new field is added here once (and given a value by the pass that
computes it).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Field:
    """One field of the place record.

    Attributes
    ----------
    name : str
        Its key in the record and in ``parse`` output.
    type : {"TEXT", "INTEGER", "REAL", "JSON"}
        Its SQLite type in the store ("JSON": TEXT holding JSON).
    column : str or None
        Its store column (None: not stored, as a value derived from others).
    stage : str
        The pipeline stage that fills it: ``places`` (:mod:`map_app.places`),
        ``distances`` and ``claims`` (:mod:`map_app.pipeline`), ``incidents``
        (:mod:`map_app.incidents`), ``control`` (:mod:`map_app.control`, with a control
        layer), ``references`` (:mod:`map_app.references`, with reference layers).
    doc : str
        What it holds.
    """

    name: str
    type: str
    column: str | None
    stage: str
    doc: str


FIELDS: tuple[Field, ...] = (
    Field("text", "TEXT", "text", "places", "the name as written"),
    Field("start", "INTEGER", "start", "places", "character offset of the name in the article"),
    # "end" is an SQL keyword: the column keeps the underscore GDAL gave it
    Field("end", "INTEGER", "end_", "places", "character offset just past the name"),
    Field("name", "TEXT", "place", "places", "the gazetteer's name of the place picked"),
    Field("lat", "REAL", "lat", "places", "latitude, WGS84"),
    Field("lon", "REAL", "lon", "places", "longitude, WGS84"),
    Field("geonameid", "INTEGER", "geonameid", "places",
          "GeoNames id, when the entry is GeoNames'"),
    Field("feature_code", "TEXT", "feature_code", "places",
          "GeoNames feature code (PPLA, ADM1 …)"),
    Field("kind", "TEXT", "kind", "places",
          "country, region, city, town, village, district, other; point: coordinates the "
          "text states"),
    Field("country_code", "TEXT", "country_code", "places", "ISO 3166 alpha-2"),
    Field("admin1", "TEXT", "admin1", "places", "first-level admin area (oblast, state)"),
    Field("admin1_code", "TEXT", "admin1_code", "places",
          "its code, GeoNames' country.admin1 (UA.05)"),
    Field("admin2", "TEXT", "admin2", "places",
          "second-level area: in Ukraine the raion, by its COD-AB English name (Pokrovskyi)"),
    Field("admin2_code", "TEXT", "admin2_code", "places", "its code (COD-AB pcode: UA1416)"),
    Field("admin3", "TEXT", "admin3", "places",
          "third-level area: in Ukraine the hromada, by its COD-AB English name (Lymanska)"),
    Field("admin3_code", "TEXT", "admin3_code", "places", "its code (COD-AB pcode: UA1412011)"),
    Field("score", "REAL", "score", "places", "the pick's score (higher: surer)"),
    Field("alternatives", "JSON", "alternatives_json", "places", "runners-up with their scores"),
    Field("rule", "TEXT", "rule", "places", "what decided the pick (see map_app.places)"),
    Field("role", "TEXT", "role", "incidents",
          "incident (an event happened there: one per event and place) or mention"),
    Field("event_id", "INTEGER", "event_id", "incidents",
          "the article's event this place is the incident of, or a mention supporting it"),
    Field("event_type", "TEXT", "event_type", "incidents", "ACLED-style sub-event type"),
    Field("event_category", "TEXT", "event_category", "incidents", "ACLED-style event type"),
    Field("killed", "INTEGER", "killed", "incidents", "people killed, as stated"),
    Field("wounded", "INTEGER", "wounded", "incidents", "people wounded, as stated"),
    Field("event_date", "TEXT", "event_date", "incidents", "YYYY-MM-DD"),
    Field("event_date_precision", "TEXT", "event_date_precision", "incidents",
          "day, week, month, article (the article's date) or unknown"),
    Field("geo_precision", "INTEGER", "geo_precision", "incidents",
          "ACLED's geo_precision: 1 the named settlement, 2 near a named place or a part of "
          "a region, 3 only a region or country"),
    Field("quote", "TEXT", "quote", "incidents", "the sentence that names the place"),
    Field("quotes", "JSON", "quotes_json", "incidents",
          "an incident's every supporting sentence"),
    Field("distance_to_border_km", "REAL", "distance_to_border_km", "distances",
          "geodesic distance to the nearest international land border (de jure: Crimea in "
          "Ukraine); a region's or country's from its outline, 0 where it reaches a border"),
    Field("nearest_border", "TEXT", "nearest_border", "distances",
          "that border, as a pair (RU-UA)"),
    Field("distance_de_facto_km", "REAL", "distance_de_facto_km", "distances",
          "the same to the lines of control (de facto: Crimea in Russia)"),
    Field("nearest_border_de_facto", "TEXT", "nearest_border_de_facto", "distances",
          "that border"),
    Field("control", "TEXT", "control", "control",
          "with a control layer: occupied or not occupied on the event's date (a point place)"),
    Field("control_date", "TEXT", "control_date", "control",
          "the day of the control layer's snapshot used (the nearest on or before the event)"),
    Field("distance_to_front_km", "REAL", "distance_to_front_km", "control",
          "geodesic distance to that snapshot's line of contact; negative inside the occupied "
          "area"),
    Field("front_claim", "JSON", "front_claim_json", "control",
          "with a control layer: a stated distance to the front or who holds the place "
          "(occupied, captured, liberated), and its verdict against the layer"),
    Field("references", "JSON", "references_json", "references",
          "with reference layers (--reference NAME=FILE): the distance in km to each, by "
          "name, negative inside an area (exported as distance_to_<name>_km)"),
    Field("claim", "JSON", "claim_json", "claims",
          "a stated distance to a border and its verdict"),
    Field("entry", "TEXT", "entry", "places",
          "the gazetteer entry (geonames:703845, curated:…)"),
)

#: The keys of a record, in order (``parse`` output).
NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
#: A record's most fields: CPython's dict of up to 42 keys takes 832 bytes, of 43 to 85 keys
#: 1,584 (a 20 MB text has 400,000 records). A field past it needs another folded into one.
MAX_FIELDS = 42


def names_of(stage: str) -> list[str]:
    """The fields one stage fills, in record order."""
    return [f.name for f in FIELDS if f.stage == stage]


# Columns a stored place has besides its record: the article's, and what the store adds.
_CONTEXT: tuple[tuple[str, str], ...] = (
    ("article_id", "TEXT"), ("source", "TEXT"), ("article_date", "TEXT"),
    ("claim_verdict", "TEXT"),  # the claim's verdict, for filters and tables
    ("chosen", "INTEGER"),      # 1: the pick was corrected by hand
)

#: (column, SQLite type) of the store's ``places`` layer, after its geometry.
STORE_COLUMNS: tuple[tuple[str, str], ...] = _CONTEXT[:3] + tuple(
    (f.column, "TEXT" if f.type == "JSON" else f.type) for f in FIELDS if f.column
) + _CONTEXT[3:]

#: Stored places as read back (:func:`map_app.store.read_places`) have the store's column
#: names, but ``end`` for ``end_``, and ``article``: the article's title or file name, with
#: its ``article_site`` and ``article_url`` (missing when the article had none).
READ_RENAMES: dict[str, str] = {"end_": "end"}
READ_ADDED: tuple[str, ...] = ("article", "article_site", "article_url")

#: (property, store column) of every exported place, in order (GeoJSON and CSV; CSV adds
#: lon and lat). ``date`` is the event's date, else the article's; ``article`` the article's
#: title or file name (read with the places, :func:`map_app.store.read_places`).
EXPORT: tuple[tuple[str, str], ...] = (
    ("place", "place"), ("text", "text"), ("quote", "quote"), ("article", "article"),
    ("date", "event_date"),
    ("role", "role"), ("event_id", "event_id"), ("event_type", "event_type"),
    ("event_category", "event_category"), ("killed", "killed"), ("wounded", "wounded"),
    ("country_code", "country_code"), ("admin1", "admin1"), ("admin2", "admin2"),
    ("admin3", "admin3"), ("geo_precision", "geo_precision"),
    ("distance_to_border_km", "distance_to_border_km"),
    ("nearest_border", "nearest_border"), ("claim_verdict", "claim_verdict"),
    ("geonameid", "geonameid"), ("score", "score"),
)

#: The columns of the app's table, in order (as read back: ``end_`` is ``end``; ``article``
#: is the article's title or file name, :func:`map_app.store.read_places`).
TABLE: tuple[str, ...] = (
    "place", "text", "role", "event_type", "killed", "wounded", "event_date",
    "distance_to_border_km", "nearest_border", "claim_verdict", "control",
    "distance_to_front_km", "country_code", "admin1", "admin2", "admin3", "geo_precision",
    "lat", "lon", "score", "rule", "article",
)


def store_row(place: dict, context: dict[str, Any]) -> dict[str, Any]:
    """A record as the store's column → value, with the article's ``context`` (``article_id``,
    ``source``, ``article_date``)."""
    row = dict(context)
    for f in FIELDS:
        if f.column is None:
            continue
        v = place.get(f.name)
        if f.type == "JSON":
            if f.name == "alternatives":
                v = v or []
            v = json.dumps(v, ensure_ascii=False) if v is not None else None
        row[f.column] = v
    claim = place.get("claim")
    row["claim_verdict"] = claim["verdict"] if claim else None
    row["chosen"] = 0
    return row


def from_row(row: dict[str, Any]) -> dict:
    """A stored place's record (the inverse of :func:`store_row`): the record's fields from
    their columns, JSON parsed."""
    rec: dict[str, Any] = {}
    for f in FIELDS:
        if f.column is None:
            continue
        v = row.get(f.column)
        if f.type == "JSON":
            v = json.loads(v) if v else ([] if f.name == "alternatives" else None)
        rec[f.name] = v
    return {f.name: rec.get(f.name) for f in FIELDS}
