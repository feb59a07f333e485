"""Made-up inputs for tests and benchmarks: news articles, war reports and place tables
written from our own templates with names drawn from the gazetteer (no corpus text)."""
from __future__ import annotations

_FILLER = [
    "Officials said the situation remained tense but under control.",
    "Residents described hearing several loud explosions before dawn.",
    "The ministry did not immediately respond to a request for comment.",
    "Analysts expect the talks to continue into next week.",
    "Local media reported that power had been restored to most homes.",
    "Prices of fuel and bread have risen sharply since the start of the year.",
    "The committee will publish its findings in the spring.",
    "Emergency services worked through the night to clear the debris.",
    "Schools in the area were closed as a precaution.",
    "The company said its output would fall by a tenth this quarter.",
]
_TEMPLATES = [
    "A drone attack on {city} killed {n} people and wounded {m}, officials in {country} said.",
    "{given} {surname}, the mayor of {city}, said the shelling lasted for hours.",
    "Troops captured the village of {village} in the {region} region, some {n}km from the border.",
    "Delegations from {country} and {country2} met in {city2} for talks on {weekday}.",
    "The {demonym} government condemned the strike on {city}.",
    "President {given} {surname} visited {city2} and {city} last {weekday}.",
    "Flights between {city} and {city2} were suspended on {weekday}.",
    "Floods hit parts of {region} and the neighbouring {country2}.",
]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def make_articles(n: int = 1000, size: int = 5000, seed: int = 7) -> list[str]:
    """``n`` synthetic news articles of about ``size`` characters, written from our templates
    with names drawn from the gazetteer (no corpus text)."""
    import random

    import numpy as np

    from map_app import _lexicon as lex
    from map_app.gazetteer import KINDS, load_gazetteer

    g = load_gazetteer()
    rng = random.Random(seed)
    pop = np.asarray(g.col("population"))
    kind = np.asarray(g.col("kind"))
    fclass = np.asarray(g.col("fclass"))
    p_idx = np.flatnonzero((fclass == g.table("fclass").index("P")) & (pop > 50_000))
    cities = [g.name_of(int(i)) for i in rng.sample(list(p_idx), 3000)]
    villages = [g.name_of(int(i)) for i in rng.sample(
        list(np.flatnonzero((kind == KINDS.index("village")) & (pop == 0))), 2000)]
    countries = [g.name_of(int(i)) for i in np.flatnonzero(kind == KINDS.index("country"))]
    regions = [g.name_of(int(i)).replace(" Oblast", "") for i in np.flatnonzero(
        (kind == KINDS.index("region")) & (g.table("fcode").index("ADM1") == g.col("fcode")))]
    given = sorted(lex.GIVEN_NAMES)
    demonyms = ["Russian", "Ukrainian", "French", "German", "American", "Turkish", "Polish"]
    out = []
    for _ in range(n):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < size:
            if rng.random() < 0.45:
                t = rng.choice(_TEMPLATES)
                parts.append(t.format(
                    city=rng.choice(cities), city2=rng.choice(cities),
                    village=rng.choice(villages), region=rng.choice(regions),
                    country=rng.choice(countries), country2=rng.choice(countries),
                    given=rng.choice(given).title(), surname=rng.choice(["Kovalenko", "Smith",
                                                                         "Novak", "Garcia"]),
                    demonym=rng.choice(demonyms), weekday=rng.choice(_WEEKDAYS),
                    n=rng.randint(2, 40), m=rng.randint(2, 90)))
            else:
                parts.append(rng.choice(_FILLER))
        out.append(" ".join(parts))
    return out


# Made-up war-report sentences (no corpus text): what a long feed or a scraped dump holds.
_WAR_TEMPLATES = [
    ("Russian forces shelled {village} in the {region} region overnight, killing {n} "
     "civilians and wounding {m}, the regional governor said."),
    "A drone struck an apartment block in {city} on {weekday}, injuring {m} people.",
    "Ukrainian troops recaptured {village} near {city} after heavy fighting.",
    "Air defences shot down {n} drones over the {region} region, officials said.",
    ("Residents of {village} were evacuated as shelling intensified along the {city} "
     "direction."),
    "A missile hit an energy facility in {city}, some {n} km from the Russian border.",
    "Emergency crews worked through the night to clear the rubble in {village}.",
    "The mayor of {city} said power had been restored to most homes.",
    "Fighting continued around {village} and {village2}, the general staff reported.",
    "Officials in {city} said the situation remained tense but under control.",
]


def make_wire_reports(n: int = 200, days: int = 60, start: str = "2025-03-01",
                      size: int = 1200, seed: int = 11) -> dict[str, str]:
    """``n`` dated made-up war reports (file name → text) spread over ``days`` days from
    ``start``: a ``date`` line, then :func:`make_report` text with Ukrainian names."""
    import random
    from datetime import date, timedelta

    rng = random.Random(seed)
    d0 = date.fromisoformat(start)
    return {f"report_{i:03d}.txt": f"date {(d0 + timedelta(days=rng.randrange(days)))}\n\n"
            + make_report(size, seed=seed * 1000 + i) for i in range(n)}


def make_report(size: int, seed: int = 3, punctuated: bool = True, newlines: bool = True
                ) -> str:
    """A text of about ``size`` characters written from made-up war-report sentences, with
    Ukrainian names drawn from the gazetteer (no corpus text).

    Parameters
    ----------
    size : int
        Characters wanted (the text stops at the first sentence past it).
    seed : int
        Of the random draws: the same arguments give the same text.
    punctuated : bool
        False removes every full stop, question and exclamation mark: one endless sentence,
        as a scraped dump or a transcript without punctuation gives.
    newlines : bool
        Paragraphs of three to eight sentences, or (False) one line.

    Returns
    -------
    str
    """
    import random

    import numpy as np

    from map_app.gazetteer import KINDS, load_gazetteer

    g = load_gazetteer()
    rng = random.Random(seed)
    ua = np.asarray(g.col("country")) == g.table("country").index("UA")
    kind, pop = np.asarray(g.col("kind")), np.asarray(g.col("population"))
    fcode = np.asarray(g.col("fcode"))

    def names(mask: np.ndarray, k: int) -> list[str]:
        idx = np.flatnonzero(mask)
        return [g.name_of(int(i)) for i in rng.sample(list(idx), min(k, idx.size))]

    cities = names(ua & (kind == KINDS.index("city")) & (pop > 20_000), 150)
    villages = names(ua & (kind == KINDS.index("village")), 1500)
    regions = [r.replace(" Oblast", "") for r in names(
        ua & (kind == KINDS.index("region")) & (fcode == g.table("fcode").index("ADM1")), 30)]
    # a pool of sentences drawn again and again: formatting each anew costs more than parsing
    pool = [rng.choice(_WAR_TEMPLATES).format(
        city=rng.choice(cities), village=rng.choice(villages),
        village2=rng.choice(villages), region=rng.choice(regions),
        weekday=rng.choice(_WEEKDAYS), n=rng.randint(2, 40), m=rng.randint(2, 90))
        for _ in range(5000)]
    if not punctuated:
        pool = [s.translate({ord("."): None, ord("!"): None, ord("?"): None}) for s in pool]
    parts: list[str] = []
    total = 0
    left = 0  # sentences left in this paragraph
    while total < size:
        s = rng.choice(pool)
        if newlines and left == 0:
            if parts:
                parts.append("\n\n")
            left = rng.randint(3, 8)
        elif parts:
            parts.append(" ")
        parts.append(s)
        total += len(s) + 1
        left -= 1
    return "".join(parts)


def synthetic_places(n: int = 10_000, seed: int = 1, days: int = 120):
    """``n`` incidents in store layout, scattered over Ukraine and its neighbours and over
    ``days`` days from 2025-03-01."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    types = ["shelling_missile_attack", "air_drone_strike", "armed_clash", "territory_captured"]
    dates = (np.datetime64("2025-03-01") + rng.integers(0, days, n)).astype(str)
    return pd.DataFrame({
        "place": [f"Settlement {i}" for i in range(n)],
        "text": [f"Settlement {i}" for i in range(n)],
        "lat": rng.uniform(44.5, 52.0, n), "lon": rng.uniform(22.5, 40.0, n),
        "role": "incident", "event_type": rng.choice(types, n),
        "killed": rng.integers(0, 6, n).astype(float),
        "wounded": rng.integers(0, 12, n).astype(float),
        "quote": [f"Russian shelling hit Settlement {i} overnight, killing two people and wounding "
                  f"five others, the regional governor said on Tuesday." for i in range(n)],
        "source": [f"article-{i // 20}.txt" for i in range(n)],
        "event_date": dates, "article_date": dates,
        "distance_to_border_km": rng.uniform(0, 400, n).round(2), "nearest_border": "RU-UA",
        "claim_verdict": None, "claim_json": None,
        "entry": [f"geonames:{700000 + i}" for i in range(n)],
        "alternatives_json": ['[{"name": "Other", "lat": 50.1, "lon": 30.2, "score": 3.2}]'] * n,
    })


def box_collection(box: tuple[float, float, float, float], props: dict | None = None) -> dict:
    """A GeoJSON FeatureCollection of one lon/lat box (x0, y0, x1, y1): a made-up area."""
    import shapely

    return {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": props or {},
        "geometry": shapely.geometry.mapping(shapely.box(*box))}]}


def box_snapshots(folder, boxes: dict[str, tuple[float, float, float, float]]):
    """A control layer of made-up occupied areas: ``occupied_<YYYYMMDD>.geojson`` per day in
    ``folder`` (created); returns the folder."""
    import json

    folder.mkdir(exist_ok=True)
    for day, box in boxes.items():
        (folder / f"occupied_{day}.geojson").write_text(json.dumps(box_collection(box)))
    return folder
