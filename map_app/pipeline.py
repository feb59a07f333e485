"""The whole analysis of one article: toponyms → places → distances and claims → incidents.

Pure functions (text in, records out); the CLI, the store and the app all call these.
"""
from __future__ import annotations

from datetime import date

import numpy as np

from .articles import Article, article_date
from .claims import border_country, check_claim
from .gazetteer import Gazetteer, load_gazetteer
from .incidents import classify
from .places import resolve_records, tie_claims

# The fields of a place in `map-app parse` output, in order.
PLACE_FIELDS = ("text", "start", "end", "name", "lat", "lon", "geonameid", "feature_code",
                "kind", "country_code", "admin1", "score", "alternatives", "rule", "role",
                "event_type", "event_category", "casualties", "killed", "wounded", "event_date",
                "event_date_precision", "distance_to_border_km", "nearest_border", "claim",
                "entry")


def add_distances(records: list[dict], view: str = "de_jure") -> list[dict]:
    """Distance (km) from each place's point to the nearest international land border.

    Countries get none: a country's representative point says nothing about its borders.
    """
    from .borders import nearest_border

    idx = [i for i, r in enumerate(records) if r["kind"] != "country"]
    for r in records:
        r["distance_to_border_km"] = None
        r["nearest_border"] = None
    if not idx:
        return records
    pts = np.array([(records[i]["lon"], records[i]["lat"]) for i in idx], dtype=float)
    # a document names the same places again and again: measure each point once
    uniq, back = np.unique(pts, axis=0, return_inverse=True)
    res = nearest_border(uniq[:, 0], uniq[:, 1], view=view)
    dist = res["distance_km"].to_numpy()
    pair = res["pair"].to_numpy()
    for k, i in enumerate(idx):
        d = dist[back[k]]
        if d == d:
            records[i]["distance_to_border_km"] = round(float(d), 2)
            records[i]["nearest_border"] = pair[back[k]]
    return records


def add_claims(text: str, records: list[dict], gazetteer: Gazetteer, view: str = "de_jure"
               ) -> list[dict]:
    """Tie each stated border distance to its place and give a verdict."""
    from .borders import nearest_border

    for r in records:
        r["claim"] = None
    spans = [(r["start"], r["end"], r["kind"] in ("country", "region")) for r in records]
    for i, claim in tie_claims(text, spans):
        r = records[i]
        country = border_country(claim, gazetteer)
        computed = pair = None
        try:
            res = nearest_border(r["lon"], r["lat"], view=view, country=country)
            computed, pair = res["distance_km"], res["pair"]
        except ValueError:  # that country has no land border here: measure any border
            res = nearest_border(r["lon"], r["lat"], view=view)
            computed, pair = res["distance_km"], res["pair"]
        r["claim"] = check_claim(claim, r["kind"], computed, pair)
    return records


def analyse(text: str, published: date | None = None, gazetteer: Gazetteer | None = None,
            view: str = "de_jure") -> list[dict]:
    """Every place of ``text``, resolved, measured, with its claim and incident fields."""
    g = gazetteer or load_gazetteer()
    records = resolve_records(text, g)
    add_distances(records, view)
    add_claims(text, records, g, view)
    classify(text, records, published or article_date(text))
    return records


def document_record(article: Article, gazetteer: Gazetteer | None = None,
                    view: str = "de_jure") -> dict:
    """The JSON object of one document in ``map-app parse`` output."""
    published = date.fromisoformat(article.date) if article.date else article_date(article.text)
    records = analyse(article.text, published, gazetteer, view)
    places = []
    for r in records:
        rec = {k: r.get(k) for k in PLACE_FIELDS}
        places.append(rec)
    return {"source": article.source,
            "date": published.isoformat() if published else None, "places": places}
