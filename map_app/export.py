"""GeoJSON (RFC 7946) and CSV of stored or freshly analysed places."""
from __future__ import annotations

import csv
import errno
import io
import json
import os
import stat
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from .record import EXPORT, STORE_COLUMNS

# The flat properties of every exported feature, in order (see map_app.record).
PROPERTIES = [name for name, _ in EXPORT]
_INTEGER = {c for c, t in STORE_COLUMNS if t == "INTEGER"}


def in_view(df: pd.DataFrame, view: str) -> pd.DataFrame:
    """Places with ``distance_to_border_km`` and ``nearest_border`` in border set ``view``
    (stored de jure; de facto from ``distance_de_facto_km`` and ``nearest_border_de_facto``),
    so every distance shown and filtered on is that set's. A store written before both sets
    were kept has only its own."""
    col, near = "distance_de_facto_km", "nearest_border_de_facto"
    if view != "de_facto" or col not in df or not df[col].notna().any():
        return df
    out = df.copy()
    out["distance_to_border_km"], out["nearest_border"] = df[col], df[near]
    return out


def with_control(df: pd.DataFrame, layer) -> pd.DataFrame:
    """Places with ``control``, ``control_date`` and ``distance_to_front_km`` measured on a
    control layer (:mod:`map_app.control`) at each one's event date, else its article's, by
    the pipeline's own pass (:func:`map_app.pipeline.add_control`); the stored values where
    there is no layer."""
    if layer is None or not len(df):
        return df
    from .pipeline import add_control

    days = [str(d)[:10] if isinstance(d, str) and d else None
            for d in event_dates(df).tolist()]
    recs = add_control(_points(df, event_date=days), layer)
    out = df.copy()
    for col in ("control", "control_date", "distance_to_front_km"):
        out[col] = [r[col] for r in recs]
    out["control_text"] = _control_text(layer, out, out["control"].notna().to_numpy())
    return out


def _points(df: pd.DataFrame, **extra: list) -> list[dict]:
    """The rows of ``df`` as the minimal records a pipeline pass measures: kind, lon, lat
    (and ``extra`` columns)."""
    cols = {"kind": df["kind"].tolist(), "lon": df["lon"].astype(float).tolist(),
            "lat": df["lat"].astype(float).tolist(), **extra}
    return [dict(zip(cols, vals)) for vals in zip(*cols.values())]


def _control_text(layer, df: pd.DataFrame, ok: np.ndarray) -> list[str | None]:
    """A line per place for the map's popup: its control on its snapshot and its distance to
    the front, then when its control changed across the layer ("occupied since 2025-12-01,
    after 2025-11-01")."""
    held = layer.held(df["lon"].to_numpy(float), df["lat"].to_numpy(float))
    out: list[str | None] = []
    for k, (c, day, d) in enumerate(zip(df["control"], df["control_date"],
                                        df["distance_to_front_km"])):
        if not ok[k]:
            out.append(None)
            continue
        line = f"{c} on {day}, {abs(d):.1f} km from the front"
        flips = np.flatnonzero(held[1:, k] != held[:-1, k])
        for f in flips[-3:]:  # the latest few changes
            after = "occupied" if held[f + 1, k] else "not occupied"
            line += (f"; {after} from {layer.days[f + 1].isoformat()} "
                     f"(after {layer.days[f].isoformat()})")
        if not len(flips):
            line += f"; {'occupied' if held[0, k] else 'not occupied'} throughout the layer"
        out.append(line)
    return out


def with_references(df: pd.DataFrame, references) -> pd.DataFrame:
    """Places measured to reference layers (:mod:`map_app.references`) by the pipeline's
    own pass (:func:`map_app.pipeline.add_references`): their ``references_json``, as the
    pipeline stores it, and flat ``distance_to_<name>_km`` columns for the app's table; the
    stored values without layers."""
    if not references or not len(df):
        return df
    from .pipeline import add_references

    recs = add_references(_points(df), references)
    out = df.copy()
    out["references_json"] = [json.dumps(r["references"]) if r["references"] else None
                              for r in recs]
    for ref in references:
        out[f"distance_to_{ref.name}_km"] = [r["references"][ref.name] if r["references"]
                                             else np.nan for r in recs]
    return out


def event_dates(df: pd.DataFrame) -> pd.Series:
    """Each place's date: its event's, else its article's (missing where neither is)."""
    if "article_date" not in df:
        return df["event_date"]
    return df["event_date"].fillna(df["article_date"])


def filter_places(df: pd.DataFrame, role: str | None = None, since: str | None = None,
                  max_km: float | None = None, until: str | None = None,
                  event_types=None, countries=None, undated: bool = True) -> pd.DataFrame:
    """Rows of ``df`` (store layout) by role, event date within ``since``..``until``
    (YYYY-MM-DD, inclusive), distance to the border at most ``max_km``, event types and
    country codes. Places of undated articles are their own bucket, shown whatever the
    dates unless ``undated`` is False."""
    out = df
    if role:
        out = out[out["role"] == role]
    if since or until or not undated:
        d = event_dates(out).astype(object)
        keep = d.notna()
        if since:
            keep &= d.astype(str) >= since
        if until:
            keep &= d.astype(str) <= until
        out = out[keep | (d.isna() & undated)]
    if event_types:
        out = out[out["event_type"].isin(list(event_types))]
    if countries:
        out = out[out["country_code"].isin(list(countries))]
    if max_km is not None:
        out = out[out["distance_to_border_km"].notna()
                  & (out["distance_to_border_km"] <= max_km)]
    return out


def _value(v):
    if v is None:
        return None
    if isinstance(v, float) and v != v:
        return None
    if hasattr(v, "item"):
        v = v.item()
        if isinstance(v, float) and v != v:
            return None
    return v


def _int(v):
    v = _value(v)
    return int(v) if v is not None else None


def rows(df: pd.DataFrame) -> list[dict]:
    """Flat export rows (:data:`PROPERTIES`, then ``distance_to_<name>_km`` for each
    reference layer the places were measured to, then lon/lat) from store-layout places."""
    out = []
    names = reference_names(df)
    for r in df.to_dict("records"):
        row = {prop: (_int if col in _INTEGER else _value)(r.get(col)) for prop, col in EXPORT}
        row["date"] = row["date"] or _value(r.get("article_date"))
        refs = json.loads(_value(r.get("references_json")) or "null") or {}
        for n in names:
            row[f"distance_to_{n}_km"] = refs.get(n)
        row["lon"], row["lat"] = float(r["lon"]), float(r["lat"])
        out.append(row)
    return out


def reference_names(df: pd.DataFrame) -> list[str]:
    """The reference layers stored places were measured to, sorted."""
    if "references_json" not in df:
        return []
    names: set[str] = set()
    for v in df["references_json"].dropna().unique():
        names.update(json.loads(v) or {})
    return sorted(names)


def to_geojson(df: pd.DataFrame) -> dict:
    """An RFC 7946 FeatureCollection: WGS84 lon/lat, flat properties, no ``crs``. A place is
    its point; a region with an outline (:mod:`map_app.areas`) is that outline, its point in
    the ``point`` property."""
    import shapely

    from .areas import area_of

    kinds = df["kind"].tolist() if "kind" in df else [None] * len(df)
    entries = df["entry"].tolist() if "entry" in df else [None] * len(df)
    feats = []
    for r, kind, entry in zip(rows(df), kinds, entries):
        lon, lat = r.pop("lon"), r.pop("lat")
        point = [round(lon, 6), round(lat, 6)]
        props = dict(r)
        area = area_of(entry) if kind == "region" and isinstance(entry, str) else None
        if area is None:
            geometry = {"type": "Point", "coordinates": point}
        else:
            geometry = shapely.geometry.mapping(shapely.set_precision(area, 1e-6))
            props["point"] = point
        feats.append({"type": "Feature", "geometry": geometry, "properties": props})
    return {"type": "FeatureCollection", "features": feats}


def to_csv(df: pd.DataFrame) -> str:
    """The same rows as CSV text (with lon, lat columns).

    Text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return: a quote can be anything) gets a leading ``'``, as
    OWASP advises; numbers are left as they are.
    """
    buf = io.StringIO()
    refs = [f"distance_to_{n}_km" for n in reference_names(df)]
    w = csv.DictWriter(buf, fieldnames=PROPERTIES + refs + ["lon", "lat"])
    w.writeheader()
    w.writerows({k: csv_cell(v) for k, v in r.items()} for r in rows(df))
    return buf.getvalue()


#: The columns of ``map-app export --format acled``, ACLED's own names, in its order.
ACLED_COLUMNS = ["event_date", "event_type", "sub_event_type", "admin1", "admin2", "admin3",
                 "location", "latitude", "longitude", "geo_precision", "notes", "fatalities",
                 "source"]
_OBLAST = " Oblast"


def acled_location(place: str | None, kind: str | None, lat: float, lon: float,
                   gazetteer=None) -> str | None:
    """The location an ACLED row names for a place: its own name, or for an area placed at
    its centre the settlement there ("Pavlohradskyi Raion" is located at Pavlohrad, as the
    coders locate a district's event at its seat and its row's point is the seat's)."""
    if kind != "region":
        return place
    from .gazetteer import load_gazetteer

    return (gazetteer or load_gazetteer()).settlement_at(lat, lon) or place


def acled_rows(df: pd.DataFrame, gazetteer=None) -> list[dict]:
    """The incidents of store-layout places as ACLED rows (:data:`ACLED_COLUMNS`): one per
    event and place, the event's type and sub-event type in ACLED's words
    (:data:`map_app.incidents.ACLED_SUB_EVENT`), its admin areas as ACLED names them ("Kharkiv"
    for Kharkiv Oblast), the location by :func:`acled_location`, its supporting sentences as
    the notes, its killed as fatalities (0 when none are stated, as ACLED records it)."""
    from .incidents import ACLED_SUB_EVENT

    out = []
    for r in df[df["role"] == "incident"].to_dict("records"):
        etype = _value(r.get("event_type"))
        a1 = _value(r.get("admin1")) or ""
        quotes = json.loads(_value(r.get("quotes_json")) or "null") or [_value(r.get("quote"))]
        out.append({
            "event_date": _value(r.get("event_date")) or _value(r.get("article_date")),
            "event_type": _value(r.get("event_category")),
            "sub_event_type": ACLED_SUB_EVENT.get(etype, (None,))[0] if etype else None,
            "admin1": a1[:-len(_OBLAST)] if a1.endswith(_OBLAST) else a1 or None,
            "admin2": _value(r.get("admin2")), "admin3": _value(r.get("admin3")),
            "location": acled_location(_value(r.get("place")), _value(r.get("kind")),
                                       r["lat"], r["lon"], gazetteer),
            "latitude": round(float(r["lat"]), 5), "longitude": round(float(r["lon"]), 5),
            "geo_precision": _int(r.get("geo_precision")),
            "notes": " ".join(q for q in quotes if q), "fatalities": _int(r.get("killed")) or 0,
            "source": _value(r.get("article"))})
    return out


def to_acled(df: pd.DataFrame) -> str:
    """:func:`acled_rows` as CSV text, formula-safe as :func:`to_csv`."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=ACLED_COLUMNS)
    w.writeheader()
    w.writerows({k: csv_cell(v) for k, v in r.items()} for r in acled_rows(df))
    return buf.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """``value`` made safe for a spreadsheet cell: text starting like a formula is prefixed
    with ``'``; any other value is returned as it is."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename: never half a file.

    A special file (``/dev/stdout``, a FIFO, a terminal) or a symbolic link is written
    through, never replaced; a new file gets the mode the umask gives, a replaced file keeps
    its own.

    Raises
    ------
    IsADirectoryError
        When ``path`` is a folder (one-line message).
    """
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file: name a file in it",
                                str(path))
    # a special file, or a link (/dev/stdout, whatever it points to): written through, so
    # the link stays a link and the device stays a device
    if st is not None and (not stat.S_ISREG(st.st_mode) or path.is_symlink()):
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes 0600: give the file what a plain open() would have
        os.fchmod(fd, stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it is to set it
    os.umask(mask)
    return mask


def dumps(fc: dict) -> str:
    return json.dumps(fc, ensure_ascii=False, indent=None)


def compare_articles(df: pd.DataFrame, a: str, b: str
                     ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The places of two articles (by ``article_id``) side by side: one row per gazetteer
    entry in each (``place``, ``role``, ``event``, ``shared``) and the names of the places
    both report. A place is shared when both resolved a mention to the same entry."""
    from .incidents import EVENT_LABELS

    def one(aid: str) -> pd.DataFrame:
        mine = df[df["article_id"] == aid].sort_values("role", key=lambda r: r != "incident")
        mine = mine.drop_duplicates("entry")
        return pd.DataFrame({"entry": mine["entry"].tolist(), "place": mine["place"].tolist(),
                             "role": mine["role"].tolist(),
                             "event": [EVENT_LABELS.get(t, "") if isinstance(t, str) else ""
                                       for t in mine["event_type"]]})

    left, right = one(a), one(b)
    both = set(left["entry"]) & set(right["entry"])
    for t in (left, right):
        t["shared"] = t["entry"].isin(both)
    shared = sorted(left.loc[left["shared"], "place"].unique().tolist())
    cols = ["place", "role", "event", "shared"]
    return left[cols], right[cols], shared
