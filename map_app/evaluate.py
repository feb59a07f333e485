"""Score geoparsers on EUPEG-format corpora with one scorer (ours and the published peers).

Corpus layout: ``texts/N`` (document N), ``gold.txt`` (line N: document N's toponyms joined
by ``||``, fields ``name,,surface,,lat,,lon,,start,,end``), ``peers/NAME.txt`` (same format).

Scoring rule (EUPEG, Gritta et al.): a prediction matches a gold toponym when the surface
strings are equal ignoring case and the span centres are less than 10 characters apart;
precision, recall and F1 over spans; over matched toponyms the geodesic error: accuracy within
161 km, AUC of the error curve scaled by ln(1 + km) / ln(20039) (lower is better), mean and
median km.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._text import normalize, skeleton

MAX_CENTRE_GAP = 10
EARTH_HALF_CIRCUMFERENCE_KM = 20039.0


@dataclass(frozen=True)
class Span:
    """A toponym with a point: the shared record of gold, peers and our output."""

    surface: str
    start: int
    end: int
    lat: float | None
    lon: float | None

    @property
    def centre(self) -> float:
        return (self.start + self.end) / 2


def parse_line(line: str) -> list[Span]:
    """Parse one EUPEG line into spans (malformed entries are skipped)."""
    out = []
    for item in line.rstrip("\n").split("||"):
        f = item.split(",,")
        if len(f) < 6:
            continue
        try:
            lat = float(f[2]) if f[2] not in ("", "None") else None
            lon = float(f[3]) if f[3] not in ("", "None") else None
            # NaN or out-of-range coordinates (some peers print 2220, 1560) count as missing
            if lat is not None and lon is not None and not (-90 <= lat <= 90
                                                            and -180 <= lon <= 180):
                lat = lon = None
            out.append(Span(f[1], int(f[4]), int(f[5]), lat, lon))
        except ValueError:
            continue
    return out


def read_corpus(folder: Path) -> tuple[list[str], list[list[Span]]]:
    """Documents (``texts/0`` … in numeric order) and their gold spans."""
    folder = Path(folder)
    gold_lines = (folder / "gold.txt").read_text(encoding="utf-8").split("\n")
    texts_dir = folder / "texts"
    ids = sorted(int(p.name) for p in texts_dir.iterdir() if p.name.isdigit())
    texts = [(texts_dir / str(i)).read_text(encoding="utf-8") for i in ids]
    gold = [parse_line(gold_lines[i]) if i < len(gold_lines) else [] for i in ids]
    return texts, gold


def read_peer(path: Path, n_docs: int) -> list[list[Span]]:
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    return [parse_line(lines[i]) if i < len(lines) else [] for i in range(n_docs)]


def _geodesic_km(lat1, lon1, lat2, lon2) -> float:
    from pyproj import Geod

    return Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)[2] / 1000.0


def match(pred: list[Span], gold: list[Span]) -> list[tuple[Span, Span]]:
    """One-to-one matches (closest centres first) under the EUPEG rule."""
    pairs = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            gap = abs(p.centre - g.centre)
            if gap < MAX_CENTRE_GAP and p.surface.casefold() == g.surface.casefold():
                pairs.append((gap, i, j))
    pairs.sort()
    used_p, used_g, out = set(), set(), []
    for _, i, j in pairs:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            out.append((pred[i], gold[j]))
    return out


@dataclass
class Score:
    """Scores of one system on one corpus."""

    name: str
    n_pred: int
    n_gold: int
    n_match: int
    errors_km: np.ndarray

    @property
    def precision(self) -> float:
        return self.n_match / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.n_match / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def acc161(self) -> float:
        e = self.errors_km
        return float((e <= 161).mean()) if e.size else 0.0

    @property
    def auc(self) -> float:
        e = self.errors_km
        if not e.size:
            return 1.0
        scaled = np.sort(np.log1p(e) / math.log(EARTH_HALF_CIRCUMFERENCE_KM))
        if scaled.size == 1:
            return float(scaled[0])
        return float(np.trapezoid(scaled, dx=1.0) / (scaled.size - 1))

    @property
    def mean_km(self) -> float:
        return float(self.errors_km.mean()) if self.errors_km.size else float("nan")

    @property
    def median_km(self) -> float:
        return float(np.median(self.errors_km)) if self.errors_km.size else float("nan")

    def as_dict(self) -> dict:
        return {"system": self.name, "P": round(self.precision, 3), "R": round(self.recall, 3),
                "F1": round(self.f1, 3), "acc@161": round(self.acc161, 3),
                "AUC": round(self.auc, 3), "mean_km": round(self.mean_km, 1),
                "median_km": round(self.median_km, 1), "predicted": self.n_pred,
                "gold": self.n_gold, "matched": self.n_match}


def score(name: str, predictions: list[list[Span]], gold: list[list[Span]]) -> Score:
    """Score ``predictions`` against ``gold`` (lists aligned by document)."""
    n_pred = n_gold = n_match = 0
    errors = []
    for pred, g in zip(predictions, gold):
        n_pred += len(pred)
        n_gold += len(g)
        for p, t in match(pred, g):
            n_match += 1
            if None not in (p.lat, p.lon, t.lat, t.lon):
                errors.append(_geodesic_km(t.lat, t.lon, p.lat, p.lon))
            else:
                errors.append(EARTH_HALF_CIRCUMFERENCE_KM)
    return Score(name, n_pred, n_gold, n_match, np.array(errors, dtype=float))


def our_predictions(texts: list[str]) -> list[list[Span]]:
    """Run our geoparser over ``texts``, read as one collection
    (:func:`map_app.pipeline.read_together`), as :func:`event_outcomes` reads a source's
    events."""
    from .gazetteer import load_gazetteer
    from .pipeline import read_together
    from .places import resolve_records

    g = load_gazetteer()
    found = read_together(texts, lambda t, c: resolve_records(t, g, collection=c),
                          lambda recs: recs)
    return [[Span(r["text"], int(r["start"]), int(r["end"]), float(r["lat"]), float(r["lon"]))
             for r in recs] for recs in found]


def evaluate(folder: Path, peers: bool = False) -> list[Score]:
    """Score map_app (and with ``peers`` every ``peers/*.txt``) on one corpus."""
    folder = Path(folder)
    texts, gold = read_corpus(folder)
    scores = [score("map_app", our_predictions(texts), gold)]
    if peers and (folder / "peers").is_dir():
        for p in sorted((folder / "peers").glob("*.txt")):
            scores.append(score(p.stem, read_peer(p, len(texts)), gold))
    return scores


def format_table(scores: list[Score], title: str = "") -> str:
    """A Markdown table of scores."""
    head = ("| system | P | R | F1 | acc@161 | AUC | mean km | median km |\n"
            "|---|---|---|---|---|---|---|---|")
    rows = [f"| {s.name} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.acc161:.3f} | "
            f"{s.auc:.3f} | {s.mean_km:.0f} | {s.median_km:.1f} |" for s in scores]
    return (f"{title}\n\n" if title else "") + "\n".join([head, *rows])


# ---------------------------------------------------------------- conflict events with points
_SPECIFIC = ("point", "village", "city", "district", "landmark")
# An event is placed when a place extracted from its text lies this close to the gold point.
EVENT_KM = (10.0, 25.0)


@dataclass(frozen=True)
class Event:
    """One conflict event of an events CSV: its text and the gold point of the event."""

    id: str
    source: str
    date: str
    text: str
    lat: float
    lon: float
    precision: str
    # the coders' own fields, where the CSV has them ("" where not)
    admin1: str = ""
    admin2: str = ""
    admin3: str = ""
    sub_event_type: str = ""
    fatalities: str = ""
    location: str = ""


def _event_date(s: str):
    """The date of an events row ("2024-02-16" or ACLED's "16 February 2024"), or None."""
    from datetime import date, datetime

    s = s.strip()
    try:
        return date.fromisoformat(s)
    except ValueError:
        pass
    try:
        return datetime.strptime(s, "%d %B %Y").date()
    except ValueError:
        return None


_CODED = ("precision", "admin1", "admin2", "admin3", "sub_event_type", "fatalities", "location")


def read_events(path: Path) -> list[Event]:
    """The rows of an events CSV (columns ``text``, ``lat``, ``lon``; optional ``id``,
    ``source``, ``date``, ``precision``, ``admin1``–``admin3``, ``sub_event_type``,
    ``fatalities``, ``location``). Rows without a text or a valid point are skipped."""
    import csv

    out = []
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = {"text", "lat", "lon"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: not an events CSV (missing {', '.join(sorted(missing))})")
        for k, row in enumerate(reader):
            try:
                lat, lon = float(row["lat"]), float(row["lon"])
            except (TypeError, ValueError):
                continue
            if not (row.get("text") or "").strip() or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                continue
            out.append(Event(row.get("id") or str(k), row.get("source") or "all",
                             row.get("date") or "", row["text"], lat, lon,
                             *((row.get(c) or "").strip() for c in _CODED)))
    return out


@dataclass
class EventOutcome:
    """What the geoparser made of one event: every place's distance to the gold point."""

    event: Event
    places: list[dict]
    km: np.ndarray          # each place's distance to the gold point, in text order
    first_incident: int     # the event's place: see event_place

    def any_within(self, km: float) -> bool:
        return bool(self.km.size and self.km.min() <= km)

    def first_within(self, km: float) -> bool:
        return self.first_incident >= 0 and bool(self.km[self.first_incident] <= km)


# After a town's name, the word that makes it an operational direction ("the Zaporizhzhia
# direction", "Kupiansk axis", "Orikhiv sector", "Zaporizhzhia and Melitopol directions",
# "Mykolaiv-Kryvyi Rih direction"): a stretch of front named for the town
_AXIS = re.compile(r"(?:(?:[ \t]+and[ \t]+|-)[A-Z][\w'’-]*(?:[ \t][A-Z][\w'’-]*)?)?['’]?s?"
                   r"[ \t]*\)?[ \t]*(?:directions?|axis|axes|sectors?|fronts?)\b", re.I)
# Before a name the event lies to one side of ("south of Bakhmut, at Odradivka")
_SIDE_OF = re.compile(r"\b(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?[ \t]+of[ \t]+"
                      r"(?:the[ \t]+)?$", re.I)
# How specific an area is, by its feature code: a hromada, a raion, an oblast
_AREA_LEVEL = {"ADM3": 3, "ADM2": 2, "ADM2H": 2, "ADM1": 1}


def event_place(records: list[dict], text: str = "") -> int:
    """Index of the place where map_app puts a one-event text: its first incident place; in a
    text that reports no event as such ("near the village of X, Y district") its first
    stated point, settlement, district or landmark, else its most specific area (a hromada
    before its raion before its oblast: "Dnipropetrovsk Oblast, Kryvyi Rih District,
    Apostolivska urban community"), else its first place (-1 when there is none). A town
    named as a direction ("Zaporizhzhia direction: Robotyne area") is the event's place only
    where no other place of its kind is named."""
    def axis(r: dict) -> bool:
        return bool(text) and _AXIS.match(text, r["end"]) is not None

    def incident(r: dict) -> bool:
        # (not a country, nor a place the event lies to one side of: "south of Bakhmut")
        return r.get("role") == "incident" and r["kind"] != "country" and not (
            text and _SIDE_OF.search(text, max(0, r["start"] - 24), r["start"]))

    for want in (lambda r: incident(r) and not axis(r),
                 incident,
                 lambda r: r["kind"] in _SPECIFIC and not axis(r),
                 lambda r: r["kind"] in _SPECIFIC,
                 lambda r: r.get("role") == "incident"):
        k = next((k for k, r in enumerate(records) if want(r)), -1)
        if k >= 0:
            return k
    areas = [k for k, r in enumerate(records) if r["kind"] != "country"]
    if areas:
        return max(areas, key=lambda k: (_AREA_LEVEL.get(records[k].get("feature_code") or "", 0),
                                         -k))
    return 0 if records else -1


def event_outcomes(events: list[Event]) -> list[EventOutcome]:
    """Run the whole analysis (places and incidents) on each event's text, the events of
    one source read as one collection (:func:`map_app.pipeline.analyse_collection`): a
    table's notes are read together, as its coder reads them."""
    from pyproj import Geod

    from .gazetteer import load_gazetteer
    from .pipeline import analyse_collection

    g = load_gazetteer()
    geod = Geod(ellps="WGS84")
    by_source: dict[str, list[int]] = {}
    for k, ev in enumerate(events):
        by_source.setdefault(ev.source, []).append(k)
    analysed: list[list[dict]] = [[] for _ in events]
    for ks in by_source.values():
        texts = [events[k].text for k in ks]
        dates = [_event_date(events[k].date) for k in ks]
        for k, recs in zip(ks, analyse_collection(texts, dates, g)):
            analysed[k] = recs
    out = []
    for ev, recs in zip(events, analysed):
        if recs:
            lon = np.array([r["lon"] for r in recs], dtype=float)
            lat = np.array([r["lat"] for r in recs], dtype=float)
            km = geod.inv(lon, lat, np.full(lon.size, ev.lon), np.full(lon.size, ev.lat))[2] / 1e3
        else:
            km = np.zeros(0)
        first = event_place(recs, ev.text)
        out.append(EventOutcome(ev, recs, np.asarray(km, dtype=float), first))
    return out


@dataclass
class EventScore:
    """Shares of one group of events placed within :data:`EVENT_KM`."""

    group: str
    n: int
    any10: float
    any25: float
    first10: float

    def as_dict(self) -> dict:
        return {"group": self.group, "events": self.n, "any@10km": round(self.any10, 3),
                "any@25km": round(self.any25, 3), "first_incident@10km": round(self.first10, 3)}


def score_events(outcomes: list[EventOutcome]) -> list[EventScore]:
    """Scores per source, per source and precision (where the CSV gives one), and overall."""
    groups: dict[str, list[EventOutcome]] = {}
    for o in outcomes:
        groups.setdefault(o.event.source, []).append(o)
        if o.event.precision:
            groups.setdefault(f"{o.event.source} precision {o.event.precision}", []).append(o)
    groups["all"] = outcomes
    near, far = EVENT_KM
    out = []
    for name in sorted(groups, key=lambda k: (k == "all", k)):
        os_ = groups[name]
        n = len(os_)
        out.append(EventScore(name, n, sum(o.any_within(near) for o in os_) / n,
                              sum(o.any_within(far) for o in os_) / n,
                              sum(o.first_within(near) for o in os_) / n))
    return out


def format_event_table(scores: list[EventScore], title: str = "") -> str:
    """A Markdown table of event scores."""
    head = ("| events | n | any place ≤ 10 km | any place ≤ 25 km | first incident ≤ 10 km |\n"
            "|---|---|---|---|---|")
    rows = [f"| {s.group} | {s.n} | {s.any10:.3f} | {s.any25:.3f} | {s.first10:.3f} |"
            for s in scores]
    return (f"{title}\n\n" if title else "") + "\n".join([head, *rows])


# ---------------------------------------------------------------- how events are coded
# Words an admin area's name may carry or not, and spellings that differ by a letter
# ("Zaporizhzhya", "Zaporizhzhia"): dropped and merged before names are compared.
_ADMIN_WORDS = re.compile(r"\b(?:oblast|raion|rayon|district|region|hromada|community|urban|"
                          r"rural|settlement|territorial|city)\b|['’`ʼ]", re.I)


# The adjective endings of Ukrainian area names ("Pokrovskyi", "Lozivska") and a final vowel:
# "Bakhmut raion" (UCDP) is "Bakhmutskyi" (COD-AB), "Polohy raion" is "Polohivskyi"
_ADJECTIVE_END = re.compile(r"(?:s?k[ia]?|[aeiou])$")


def admin_key(name: str | None) -> str:
    """An admin area's name as compared with a coder's: lower case, without the words of
    :data:`_ADMIN_WORDS`, Ukrainian spellings merged ("Zaporizhzhya oblast" and
    "Zaporizhzhia Oblast" are one key), an adjective's ending dropped (see
    :func:`same_admin`)."""
    if not name:
        return ""
    key = skeleton(normalize(_ADMIN_WORDS.sub(" ", name)).replace(" ", ""))
    return _ADJECTIVE_END.sub("", key)


def same_admin(a: str | None, b: str | None) -> bool:
    """Whether two names of admin areas name the same area: equal keys (:func:`admin_key`),
    or one key the start of the other, four letters at least ("Polohy" and "Polohivskyi",
    the name of the town and the adjective of its raion)."""
    ka, kb = admin_key(a), admin_key(b)
    if not ka or not kb:
        return False
    short, long_ = sorted((ka, kb), key=len)
    return ka == kb or (len(short) >= 4 and long_.startswith(short))


# The coders' fields the coding table compares, in its order, and their heads
_CODING = ("sub_event_type", "fatalities", "admin1", "admin2", "admin3", "location",
           "precision")
_CODING_HEADS = {f: f for f in _CODING} | {
    "sub_event_type": "sub-event type", "fatalities": "fatalities exact",
    "location": "location name"}


@dataclass
class CodingScore:
    """How one group of events is coded, against the coders' fields: shares of the events
    that have the gold field (``None`` where no event has it). Admin areas, the location's
    name (spelt as the coder spells it) and precision are compared for the events whose
    place lies within 10 km of the gold point."""

    group: str
    n: int
    sub_event_type: float | None
    fatalities: float | None
    admin1: float | None
    admin2: float | None
    admin3: float | None
    location: float | None
    precision: float | None
    counts: dict[str, int]

    def as_dict(self) -> dict:
        out: dict[str, Any] = {"group": self.group, "events": self.n}
        for k in _CODING:
            v = getattr(self, k)
            out[k] = None if v is None else round(v, 3)
            out[k + "_events"] = self.counts.get(k, 0)
        return out


def _coded(o: EventOutcome) -> dict[str, bool]:
    """Which of the coders' fields map_app's event place matches (only the fields the event
    has; admin areas, the location's name and precision only when the place is within
    10 km)."""
    from .export import acled_location
    from .incidents import ACLED_SUB_EVENT

    ev, k = o.event, o.first_incident
    r = o.places[k] if k >= 0 else {}
    out = {}
    if ev.sub_event_type:
        out["sub_event_type"] = ev.sub_event_type in ACLED_SUB_EVENT.get(
            r.get("event_type") or "", ())
    if ev.fatalities.isdigit():
        out["fatalities"] = int(ev.fatalities) == (r.get("killed") or 0)
    if k >= 0 and o.km[k] <= EVENT_KM[0]:
        for f in ("admin1", "admin2", "admin3"):
            if getattr(ev, f):
                out[f] = same_admin(getattr(ev, f), r.get(f))
        if ev.location:  # as the ACLED export names it, spelt as the coder spells it
            ours = acled_location(r.get("name"), r.get("kind"), r["lat"], r["lon"])
            out["location"] = normalize(ev.location) == normalize(ours or "")
        if ev.precision.isdigit():
            out["precision"] = int(ev.precision) == r.get("geo_precision")
    return out


def score_coding(outcomes: list[EventOutcome]) -> list[CodingScore]:
    """How each source's events are coded: sub-event type, fatalities, admin areas, the
    location's name and precision, each over the events that have it (see
    :class:`CodingScore`)."""
    groups: dict[str, list[EventOutcome]] = {}
    for o in outcomes:
        groups.setdefault(o.event.source, []).append(o)
    out = []
    for name in sorted(groups):
        hits: dict[str, list[bool]] = {f: [] for f in _CODING}
        for o in groups[name]:
            for f, ok in _coded(o).items():
                hits[f].append(ok)
        share = {f: sum(h) / len(h) if h else None for f, h in hits.items()}
        out.append(CodingScore(name, len(groups[name]), counts={f: len(h) for f, h in hits.items()},
                               **share))
    return out


def format_coding_table(scores: list[CodingScore]) -> str:
    """A Markdown table of how events are coded (n: events with that gold field)."""
    head = ("| events | " + " | ".join(_CODING_HEADS[f] for f in _CODING) + " |\n|---|"
            + "---|" * len(_CODING))

    def cell(s: CodingScore, f: str) -> str:
        v = getattr(s, f)
        return "—" if v is None else f"{v:.3f} (n={s.counts[f]})"

    rows = [f"| {s.group} | " + " | ".join(cell(s, f) for f in _CODING) + " |"
            for s in scores]
    return "\n".join([head, *rows])


def format_event_errors(outcomes: list[EventOutcome], limit: int | None = None) -> str:
    """The events with no place within 10 km: text, gold point, each place with its distance,
    pick and runners-up."""
    near = EVENT_KM[0]
    lines = []
    misses = [o for o in outcomes if not o.any_within(near)]
    for o in misses[:limit]:
        ev = o.event
        lines.append(f"## {ev.id} [{ev.source}{' p' + ev.precision if ev.precision else ''}] "
                     f"gold {ev.lat:.4f} {ev.lon:.4f}")
        lines.append(f"   {ev.text.strip()}")
        if not o.places:
            lines.append("   (no places)")
        for r, km in zip(o.places, o.km.tolist()):
            alts = "; ".join(f"{a['name']} {a['lat']:.3f},{a['lon']:.3f} ({a['score']})"
                             for a in r.get("alternatives") or [])
            lines.append(f"   - {r['text']!r} -> {r['name']} [{r['kind']}, {r['country_code']}, "
                         f"{r.get('admin1') or ''}] {km:.0f} km, {r.get('role')}, "
                         f"score {r['score']} by {r.get('rule')}; alt: {alts or '-'}")
    return "\n".join(lines)


# ---------------------------------------------------------------- place corpora we write
# (JSON Lines: a text, its gold places with offsets, gazetteer ids, roles, event types and
# casualties; tests/corpus/uk.jsonl and ru.jsonl)
PLACE_KM = 10.0


def read_place_corpus(path: Path) -> list[dict]:
    """The rows of a JSON Lines place corpus (``text`` and ``places``, each place with
    ``start``, ``end``, ``text``, ``id`` and optionally ``role``, ``event_type``, ``killed``,
    ``wounded``; a row's ``language`` names its language)."""
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            raise ValueError(f"{path}:{n}: not JSON") from None
        if not isinstance(row, dict) or "text" not in row or "places" not in row:
            raise ValueError(f"{path}:{n}: not a place corpus row (needs text and places)")
        rows.append(row)
    return rows


@dataclass
class PlaceCorpusScore:
    """One language's scores on a place corpus: recognition (P, R, F1 by the EUPEG match),
    placement (gold places matched by a place within :data:`PLACE_KM`) and the coding of
    the incidents both found (event type, casualties)."""

    language: str
    docs: int
    score: Score
    within_km: int
    incidents: int
    event_right: int
    casualties_right: int

    def as_dict(self) -> dict:
        n = self.score.n_gold
        return {"language": self.language, "docs": self.docs,
                "P": round(self.score.precision, 3), "R": round(self.score.recall, 3),
                "F1": round(self.score.f1, 3),
                f"within_{PLACE_KM:g}km": round(self.within_km / n, 3) if n else 0.0,
                "incidents": self.incidents,
                "event_type": round(self.event_right / self.incidents, 3)
                if self.incidents else 0.0,
                "casualties": round(self.casualties_right / self.incidents, 3)
                if self.incidents else 0.0}


def _same_count(a, b) -> bool:
    a = None if a is None or a != a else int(a)
    b = None if b is None or b != b else int(b)
    return a == b


def score_place_corpus(rows: list[dict]) -> list[PlaceCorpusScore]:
    """Run our pipeline over a place corpus and score it per language (and over all)."""
    from .gazetteer import load_gazetteer
    from .pipeline import analyse

    g = load_gazetteer()
    by_lang: dict[str, list[tuple[dict, list[dict]]]] = {}
    for row in rows:
        by_lang.setdefault(str(row.get("language") or "und"), []).append((row, analyse(
            row["text"])))
    out = []
    groups = sorted(by_lang.items())
    if len(groups) > 1:
        groups.append(("all", [x for _, v in groups for x in v]))
    for lang, docs in groups:
        preds, golds = [], []
        within = incidents = event_right = casualties_right = 0
        for row, found in docs:
            pred = [Span(r["text"], int(r["start"]), int(r["end"]), r.get("lat"), r.get("lon"))
                    for r in found]
            gold = []
            for p in row["places"]:
                c = g.get(p["id"])
                gold.append(Span(p["text"], int(p["start"]), int(p["end"]),
                                 c.lat if c else None, c.lon if c else None))
            preds.append(pred)
            golds.append(gold)
            by_span = {(s.start, s.end): r for s, r in zip(pred, found)}
            gold_rows = {(int(p["start"]), int(p["end"])): p for p in row["places"]}
            for ps, gs in match(pred, gold):
                if None not in (ps.lat, ps.lon, gs.lat, gs.lon) and \
                        _geodesic_km(gs.lat, gs.lon, ps.lat, ps.lon) <= PLACE_KM:
                    within += 1
                gp, pr = gold_rows[(gs.start, gs.end)], by_span[(ps.start, ps.end)]
                if gp.get("role") == "incident":
                    incidents += 1
                    event_right += pr.get("role") == "incident" and \
                        pr.get("event_type") == gp.get("event_type")
                    casualties_right += _same_count(pr.get("killed"), gp.get("killed")) and \
                        _same_count(pr.get("wounded"), gp.get("wounded"))
        out.append(PlaceCorpusScore(lang, len(docs), score(lang, preds, golds), within,
                                    incidents, event_right, casualties_right))
    return out


def format_place_corpus_table(scores: list[PlaceCorpusScore], title: str = "") -> str:
    """A Markdown table of place-corpus scores."""
    head = (f"| language | docs | P | R | F1 | gold places ≤ {PLACE_KM:g} km | incidents | "
            "event type | casualties |\n|---|---|---|---|---|---|---|---|---|")
    rows = []
    for s in scores:
        d = s.as_dict()
        rows.append(f"| {s.language} | {s.docs} | {d['P']:.3f} | {d['R']:.3f} | {d['F1']:.3f} | "
                    f"{d[f'within_{PLACE_KM:g}km']:.3f} | {s.incidents} | "
                    f"{d['event_type']:.3f} | {d['casualties']:.3f} |")
    return (f"{title}\n\n" if title else "") + "\n".join([head, *rows])
