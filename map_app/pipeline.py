"""The whole analysis of one article: toponyms → places → distances and claims → incidents.

Pure functions (text in, records out); the CLI, the store and the app all call these.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TypeVar

import numpy as np

from .articles import Article, article_date, parse_date
from .claims import (
    DistanceClaim,
    border_country,
    check_claim,
    find_distance_claims,
    find_front_claims,
    tie_claims,
    tie_front_claims,
)
from .control import ControlLayer, check_front_claim
from .gazetteer import Gazetteer, load_gazetteer
from .incidents import add_precision, classify, sentences
from .places import Collection, resolve_records
from .record import NAMES
from .references import Reference

_T = TypeVar("_T")
_R = TypeVar("_R")

_AREA_KINDS = ("region", "country")


def add_distances(records: list[dict]) -> list[dict]:
    """Distance (km) from each place to the nearest international land border, and which, in
    both border sets: ``distance_to_border_km`` and ``nearest_border`` de jure,
    ``distance_de_facto_km`` and ``nearest_border_de_facto`` de facto.

    A point is measured from its point; a region or a country from its outline
    (:mod:`map_app.areas`: 0 km where it reaches a border); a country without an outline
    gets none.
    """
    for v, dkey, bkey in (("de_jure", "distance_to_border_km", "nearest_border"),
                          ("de_facto", "distance_de_facto_km", "nearest_border_de_facto")):
        dist, border = _distances(records, v)
        for r, d, b in zip(records, dist, border):
            r[dkey], r[bkey] = d, b
    return records


def add_control(records: list[dict], control: ControlLayer | None,
                published: date | None = None, text: str = "") -> list[dict]:
    """With a control layer, whether each point place was occupied on its event's date (else
    the article's), which snapshot said so, and its signed distance to that snapshot's line
    of contact (:mod:`map_app.control`); and the verdict of any statement of ``text`` about
    the front tied to it (``front_claim``). Without a layer, None."""
    for r in records:
        r["control"] = r["control_date"] = r["distance_to_front_km"] = None
        r["front_claim"] = None
    if control is None:
        return records
    idx = [i for i, r in enumerate(records) if r["kind"] not in _AREA_KINDS]
    if idx:
        inside, km, snaps = control.measure_dated(
            [records[i]["lon"] for i in idx], [records[i]["lat"] for i in idx],
            [_day_of(records[i], published) for i in idx])
        for i, occ, d, snap in zip(idx, inside.tolist(), km.tolist(), snaps):
            if snap is not None:
                records[i].update(control="occupied" if occ else "not occupied",
                                  control_date=snap.isoformat(),
                                  distance_to_front_km=round(d, 2))
    claims = find_front_claims(text) if text else []
    if claims:
        spans = [(r["start"], r["end"], r["kind"] in _AREA_KINDS) for r in records]
        for i, claim in tie_front_claims(text, spans, claims):
            r = records[i]
            if r["kind"] not in _AREA_KINDS:
                r["front_claim"] = check_front_claim(claim, control, r["lon"], r["lat"],
                                                     _day_of(r, published))
    return records


def add_references(records: list[dict], references: list[Reference] | tuple = ()
                   ) -> list[dict]:
    """The distance of each point place to each reference layer (:mod:`map_app.references`),
    by name, in ``references``; None without layers, and for regions and countries."""
    for r in records:
        r["references"] = None
    idx = [i for i, r in enumerate(records) if r["kind"] not in _AREA_KINDS]
    if not references or not idx:
        return records
    lon = [records[i]["lon"] for i in idx]
    lat = [records[i]["lat"] for i in idx]
    km = {ref.name: ref.distance(lon, lat).tolist() for ref in references}
    for k, i in enumerate(idx):
        records[i]["references"] = {name: round(v[k], 2) for name, v in km.items()}
    return records


def _day_of(rec: dict, published: date | None) -> date | None:
    """A place's event date, else the article's."""
    return date.fromisoformat(rec["event_date"]) if rec.get("event_date") else published


def _distances(records: list[dict], view: str) -> tuple[list, list]:
    from .areas import area_border_distance
    from .distance import nearest_border

    n = len(records)
    dist: list[float | None] = [None] * n
    border: list[str | None] = [None] * n
    areas = [i for i, r in enumerate(records) if r["kind"] in _AREA_KINDS]
    if areas:
        d, b = area_border_distance([records[i]["entry"] for i in areas], view)
        for i, x, y in zip(areas, d.tolist(), b):
            if x == x:
                dist[i], border[i] = x, y
    idx = [i for i, r in enumerate(records)
           if dist[i] is None and r["kind"] != "country"]
    if not idx:
        return dist, border
    pts = np.array([(records[i]["lon"], records[i]["lat"]) for i in idx], dtype=float)
    # a document names the same places again and again: measure each point once
    uniq, back = np.unique(pts, axis=0, return_inverse=True)
    res = nearest_border(uniq[:, 0], uniq[:, 1], view=view)
    # one rounded float per point, shared by its records (a long text holds 100,000s)
    km = [round(d, 2) if d == d else None for d in res["distance_km"].to_numpy().tolist()]
    names = res["nearest_border"].to_numpy()
    for k, i in enumerate(idx):
        d = km[back[k]]
        if d is not None:
            dist[i], border[i] = d, names[back[k]]
    return dist, border


def add_claims(text: str, records: list[dict], gazetteer: Gazetteer, view: str = "de_jure",
               claims: list[DistanceClaim] | None = None) -> list[dict]:
    """Tie each stated border distance to its place and give a verdict (measured to the
    borders of the country the claim names, when it names one with land borders)."""
    for r in records:
        r["claim"] = None
    spans = [(r["start"], r["end"], r["kind"] in ("country", "region")) for r in records]
    measured: dict[tuple, tuple] = {}  # a long text states distances of one town many times
    for i, claim in tie_claims(text, spans, claims):
        records[i]["claim"] = _verdict(records[i], claim, gazetteer, view, measured)
    return records


def _verdict(rec: dict, claim: DistanceClaim, g: Gazetteer, view: str,
             measured: dict[tuple, tuple]) -> dict:
    """:func:`~map_app.claims.check_claim` of ``claim`` for the place ``rec``, measured to
    the borders of the country the claim names (any border when it names none, or one
    without land borders); measurements kept in ``measured``."""
    from .distance import nearest_border

    country = border_country(claim, g)
    key = (rec["lon"], rec["lat"], country)
    hit = measured.get(key)
    if hit is None:
        try:
            res = nearest_border(rec["lon"], rec["lat"], view=view, country=country)
        except ValueError:  # that country has no land border here: measure any border
            res = nearest_border(rec["lon"], rec["lat"], view=view)
        hit = measured[key] = (res["distance_km"], res["nearest_border"])
    return check_claim(claim, rec["kind"], *hit)


def correct(record: dict, entry: str, text: str, gazetteer: Gazetteer | None = None,
            view: str = "de_jure") -> dict:
    """A place record with its pick replaced by gazetteer ``entry`` (a user's correction),
    every derived field computed again: the entry's fields and admin areas, the distances to
    both border sets, the claim's verdict, the precision. The old pick joins the runners-up;
    ``rule`` says the user chose it. ``text`` is the article's.

    Raises
    ------
    ValueError
        For an entry the gazetteer does not hold.
    """
    g = gazetteer or load_gazetteer()
    c = g.get(entry)
    if c is None:
        raise ValueError(f"no gazetteer entry {entry!r}")
    new = dict(record)
    alts = [a for a in record.get("alternatives") or [] if a.get("id") != entry]
    chosen: dict = next((a for a in record.get("alternatives") or [] if a.get("id") == entry),
                        {})
    if record.get("entry") and record["entry"] != entry:
        alts.append({"name": record["name"], "lat": record["lat"], "lon": record["lon"],
                     "score": record.get("score"), "id": record["entry"],
                     "admin1": record.get("admin1"), "admin2": record.get("admin2")})
    a1key, a2, a2code, a3, a3code = g.admin_areas(c.index)
    new.update(name=c.name, lat=c.lat, lon=c.lon, geonameid=c.geonameid,
               feature_code=c.feature_code, kind=c.kind, country_code=c.country_code,
               admin1=c.admin1_name, admin1_code=a1key, admin2=a2, admin2_code=a2code,
               admin3=a3, admin3_code=a3code, score=chosen.get("score", record.get("score")),
               alternatives=alts, rule="chosen by the user", entry=c.id)
    add_distances([new])
    if record.get("claim"):
        new["claim"] = _recheck(text, new, record["claim"], g, view)
    add_precision(text, [new])
    return new


def _recheck(text: str, rec: dict, claim: dict, g: Gazetteer, view: str) -> dict:
    """The verdict of a place's claim, measured again from its new pick (the claim found
    again in the text, by its words, nearest after the place)."""
    found = [c for c in find_distance_claims(text) if c.text == claim["text"]]
    if not found:
        return claim
    c = min(found, key=lambda c: abs(c.start - rec["end"]))
    return _verdict(rec, c, g, view, {})


# A text longer than this is analysed in chunks of at most this many characters (20 to 50
# articles): time and memory then grow with the text, not faster, and a long analysis can
# report progress. A news article is 2,000 to 10,000 characters (the longest of the evaluation
# corpora 9,149): each is one chunk, read as one document, as before.
CHUNK_CHARS = 150_000
# Where a chunk may end, the first kind found in its second half winning: after a paragraph,
# a line, a sentence, a blank (or, in a word as long as half a chunk, anywhere).
_CUTS: tuple[tuple[str, ...], ...] = (("\n\n",), ("\n",), (". ", "! ", "? "), (" ", "\t"))


def chunks(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """Spans that cut ``text`` into chunks of at most ``size`` characters.

    Each chunk ends at the last paragraph break of its second half, else the last line
    break, sentence end or blank there, so a chunk holds whole paragraphs wherever the text
    has them.

    Parameters
    ----------
    text : str
    size : int
        The longest chunk.

    Returns
    -------
    list of (int, int)
        Consecutive ``(start, end)`` spans covering ``text``; ``[(0, len(text))]`` when it is
        no longer than ``size``.
    """
    out = []
    start, n = 0, len(text)
    while n - start > size:
        lo, hi = start + size // 2, start + size
        cut = hi
        for seps in _CUTS:
            # the end of the last separator wholly inside [lo, hi)
            at = max(_end_of_last(text, sep, lo, hi) for sep in seps)
            if at > lo:
                cut = at
                break
        out.append((start, cut))
        start = cut
    out.append((start, n))
    return out


def _end_of_last(text: str, sep: str, lo: int, hi: int) -> int:
    """Where the last ``sep`` wholly inside ``text[lo:hi]`` ends (-1 if there is none)."""
    k = text.rfind(sep, lo, hi)
    return k + len(sep) if k >= 0 else -1


def analyse(text: str, published: date | None = None, gazetteer: Gazetteer | None = None,
            view: str = "de_jure", progress: Callable[[float], None] | None = None,
            control: ControlLayer | None = None, references: tuple = (),
            collection: Collection | None = None) -> list[dict]:
    """Every place of ``text``, resolved, measured, with its claim and incident fields.

    Parameters
    ----------
    text : str
        The document.
    published : datetime.date, optional
        Its date; by default the date it states (:func:`map_app.articles.article_date`).
    gazetteer : Gazetteer, optional
        Defaults to the shipped gazetteer.
    view : str
        The border set stated distances to a border are checked against (``"de_jure"`` or
        ``"de_facto"``); every place is measured to both.
    progress : callable, optional
        Called after each chunk (see :func:`chunks`) with the fraction of the text done,
        ending with 1.0; an exception it raises stops the analysis.
    control : ControlLayer, optional
        The user's control layer (:func:`map_app.control.read_control`): who held each place
        on its event's date, and its distance to the front.
    references : tuple of Reference
        The user's reference layers (:func:`map_app.references.read_reference`): each
        place's distance to each.
    collection : places.Collection, optional
        The sure places of the texts read with this one (:func:`analyse_collection`).

    Returns
    -------
    list of dict
        One record per place, in text order, offsets into ``text``.

    Notes
    -----
    A text longer than :data:`CHUNK_CHARS` is analysed chunk by chunk, each chunk a document
    of its own (its names, focus and sentences are read within it), and the records' offsets
    are shifted back into the whole text. Peak memory is then the records and one chunk's
    work, and time grows linearly with the text. The records of such a text share equal
    ``alternatives`` lists: copy one before changing it.
    """
    g = gazetteer or load_gazetteer()
    published = published or article_date(text)
    records: list[dict] = []
    n = len(text)
    spans = chunks(text, CHUNK_CHARS)  # the figure at call time (tests set a small one)
    shared: tuple[dict, dict] | None = ({}, {}) if len(spans) > 1 else None
    for a, b in spans:
        part = text if b - a == n else text[a:b]
        claims = find_distance_claims(part)  # found once, for ranking and for verdicts
        recs = resolve_records(part, g, claims=claims, collection=collection)
        add_distances(recs)
        add_claims(part, recs, g, view, claims)
        sents = sentences(part)  # found once for both incident passes
        classify(part, recs, published, sents)
        add_precision(part, recs, sents)
        add_control(recs, control, published, part)
        add_references(recs, references)
        if a:
            for r in recs:
                r["start"] += a
                r["end"] += a
        if shared is not None:
            _share(recs, *shared)
        records.extend(recs)
        if progress is not None:
            progress(b / n if n else 1.0)
    return records


def analyse_collection(texts: Sequence[str], published: Sequence[date | None] | None = None,
                       gazetteer: Gazetteer | None = None, view: str = "de_jure"
                       ) -> list[list[dict]]:
    """Every place of each text of a collection (a table of event notes, a folder of one
    war's reports), each text read in the light of the others' sure places.

    Parameters
    ----------
    texts : sequence of str
    published : sequence of datetime.date or None, optional
        Each text's date (default: the date it states).
    gazetteer : Gazetteer, optional
    view : str
        As for :func:`analyse`.

    Returns
    -------
    list of list of dict
        One list of records per text, as :func:`analyse` returns them (see
        :func:`read_together` for how the collection is read).
    """
    g = gazetteer or load_gazetteer()
    dates = list(published) if published is not None else [None] * len(texts)
    return read_together(range(len(texts)), lambda k, c: analyse(
        texts[k], dates[k], g, view, collection=c), lambda recs: recs)


def read_together(items: Iterable[_T], read: Callable[[_T, Collection | None], _R],
                  places: Callable[[_R], list[dict]]) -> list[_R]:
    """Read each item on its own, then again with the collection of all the items' sure
    places where its own reading left two namesakes level (:func:`read_collection`, one
    item at a time).

    Parameters
    ----------
    items : iterable
        What ``read`` reads: texts, articles, indices.
    read : callable
        ``read(item, collection)``: the item's result, ``collection`` None on the first
        reading.
    places : callable
        The place records of a result.

    Returns
    -------
    list
        One result per item, in order.
    """
    return read_collection(items, lambda xs, c: [read(x, c) for x in xs], places)


def read_collection(items: Iterable[_T],
                    read_many: Callable[[list[_T], Collection | None], list[_R]],
                    places: Callable[[_R], list[dict]]) -> list[_R]:
    """Read items as one collection, with a reader of many at once (workers).

    The items are read on their own first; the towns picked by a clear margin make the
    collection (:class:`map_app.places.Collection`); each item whose records hold a level
    pick (:meth:`~map_app.places.Collection.level`) is read again with it, the collection
    breaking the tie (rule "the collection's places"). An item's result never depends on
    its position among the others.

    Parameters
    ----------
    items : iterable
    read_many : callable
        ``read_many(items, collection)``: the results of a list of items, in order,
        ``collection`` None on the first reading.
    places : callable
        The place records of a result (only the fields
        :meth:`~map_app.places.Collection.evidence` keeps are read).

    Returns
    -------
    list
        One result per item, in order.
    """
    items = list(items)
    out = read_many(items, None)
    collection = Collection.from_records(places(r) for r in out)
    if len(collection):
        again = [k for k, r in enumerate(out) if collection.level(places(r))]
        if again:
            for k, r in zip(again, read_many([items[k] for k in again], collection)):
                out[k] = r
    return out


def _share(records: list[dict], texts: dict[str, str], alternatives: dict[tuple, list]
           ) -> None:
    """Make the records of a long text share equal values: one string per name as written
    (``texts``) and one list per set of runners-up (``alternatives``, keyed by their ids and
    scores, which fix the rest). A long text names a town thousands of times, and its
    records are most of the memory its analysis holds."""
    for r in records:
        r["text"] = texts.setdefault(r["text"], r["text"])
        alts = r["alternatives"]
        if alts:
            key = tuple([(a["id"], a["score"]) for a in alts])
            r["alternatives"] = alternatives.setdefault(key, alts)


def document_record(article: Article, gazetteer: Gazetteer | None = None,
                    view: str = "de_jure", progress: Callable[[float], None] | None = None,
                    control: ControlLayer | None = None, references: tuple = (),
                    collection: Collection | None = None) -> dict:
    """The JSON object of one document in ``map-app parse`` output (``progress``,
    ``control``, ``references`` and ``collection``: as for :func:`analyse`)."""
    # an Article built by hand may carry any string: checked here as on reading
    published = parse_date(article.date, article.source)[0] if article.date \
        else article_date(article.text)
    places = analyse(article.text, published, gazetteer, view, progress, control, references,
                     collection)
    for i, r in enumerate(places):
        # in place: each analysis dict is freed as its output dict is made (20 MB of text
        # has 400,000 places: two copies of them would double the peak)
        places[i] = {k: r.get(k) for k in NAMES}
    from .language import describe

    return {"source": article.source,
            "date": published.isoformat() if published else None, **describe(article.text),
            "warnings": list(article.warnings), "places": places}
