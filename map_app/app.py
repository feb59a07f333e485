"""The Streamlit app: a thin shell over the core functions (run by ``map-app serve``).

Everything it computes comes from the same functions as the CLI: the pipeline and store for
articles, :mod:`map_app.export` for filters and downloads, :mod:`map_app.plot` for the map,
:mod:`map_app.borders` for distances at a clicked point.
"""
from __future__ import annotations

import json
import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from map_app import export, ingest, plot, record, store
from map_app._paths import default_store
from map_app.articles import ArticleError, article_from_text, decode
from map_app.incidents import EVENT_LABELS

MAX_UPLOAD_MB = 20
# the map's height (px): the whole map, its timeline included, fits a 1024×768 screen
MAP_HEIGHT = 560
EVENT_TYPES = list(plot.EVENT_COLOURS)


@st.cache_resource(show_spinner="Geoparsing the articles…")
def _ingest_startup(paths: tuple[str, ...], path: str, collection: bool = False) -> dict:
    return ingest.ingest(list(paths), path, collection=collection)


def _collection() -> bool:
    """Whether ``map-app serve --collection`` started the app."""
    return os.environ.get("MAP_APP_COLLECTION") == "1"


def _add_articles(arts, path: Path, together: bool = False) -> tuple[int, int]:
    bar = st.sidebar.progress(0.0, text="Geoparsing…")

    def done(share: float) -> None:
        # a Streamlit call between chunks: when the browser session has ended, Streamlit
        # raises here and a long analysis stops instead of running on
        bar.progress(share, text=f"{min(len(arts), int(share * len(arts)) + 1)}/{len(arts)} "
                                 "articles")

    stats = ingest.ingest_articles(arts, path, progress=done, collection=together)
    return stats["stored"], stats["unchanged"]


def md_escape(text: str) -> str:
    """``text`` for Streamlit's Markdown elements, shown as typed: every ASCII punctuation
    mark backslash-escaped (no links, images, colours or emoji from a file name)."""
    return _MD_SPECIAL.sub(r"\\\g<0>", text)


_MD_SPECIAL = re.compile(r"[!-/:-@\[-`{-~]")


def _safe_name(name: str) -> str:
    # an uploaded file's name is a label, never a path
    base = Path(str(name).replace("\\", "/")).name
    return "upload:" + ("".join(c for c in base if c.isprintable())[:120] or "article")


def _qp_list(qp, key: str) -> list[str]:
    v = qp.get(key)
    return [x for x in v.split(",") if x] if v else []


def _read_uploads(ups, pasted: str) -> tuple[list, list[str]]:
    """The articles of uploaded files and pasted text, and what to say about them."""
    arts, errors = [], []
    for u in ups or []:
        data = u.getvalue()
        if len(data) > MAX_UPLOAD_MB * 1_000_000:
            errors.append(f"{u.name}: over {MAX_UPLOAD_MB} MB")
            continue
        name = _safe_name(u.name)
        try:
            text, warnings = decode(data, name)
        except ArticleError as exc:
            errors.append(str(exc))
            continue
        art = article_from_text(text, name)
        # "not valid UTF-8 …", "date 2025-02-30 is not a calendar date": said, then read
        errors.extend(warnings + art.warnings)
        arts.append(art)
    if pasted.strip():
        art = article_from_text(pasted, paste_name(pasted))
        errors.extend(art.warnings)
        arts.append(art)
    return arts, errors


def paste_name(text: str, now: datetime | None = None) -> str:
    """A pasted article's name: its first words and the time it was added. Each paste is
    its own article; two of one name would make the second replace the first."""
    words = " ".join(text.split()[:6])
    words = "".join(c for c in words if c.isprintable())[:60] or "text"
    when = (now or datetime.now()).strftime("%Y-%m-%d %H:%M:%S")
    return f"pasted {when}: {words}…"


def add_panel(path: Path) -> None:
    """Upload or paste articles; they are analysed and stored, then the page reruns."""
    sb = st.sidebar
    sb.header("Add articles")
    ups = sb.file_uploader("Upload .txt or .html", type=["txt", "html", "htm"],
                           accept_multiple_files=True)
    pasted = sb.text_area("…or paste text", height=100)
    together = sb.checkbox("Read them as one collection", value=_collection(),
                           help="one table's notes, one war's reports: where a text leaves two "
                                "namesakes level, the place nearest the others' sure places "
                                "wins (as map-app ingest --collection)")
    if sb.button("Add to map", type="primary"):
        arts, errors = _read_uploads(ups, pasted)
        msgs = [("error", e) for e in errors]
        if arts:
            added, same = _add_articles(arts, path, together)
            msgs.append(("success", f"{added} article(s) added"
                         + (f", {same} already there" if same else "")))
        st.session_state["flash"] = msgs
        st.rerun()  # read the store again, with the new articles
    for kind, msg in st.session_state.pop("flash", []):
        getattr(sb, kind)(md_escape(msg))  # file names are the user's, not Markdown


def sidebar(df: pd.DataFrame, path: Path) -> dict:
    qp = st.query_params
    sb = st.sidebar
    add_panel(path)
    sb.header("Filters")

    undated = sb.checkbox("Include undated articles", value=qp.get("undated") != "no",
                          help="articles that state no date are kept whatever the timeline's "
                               "dates")
    roles = _ROLES
    role_label = sb.radio("Role", list(roles), index=list(roles).index(qp.get("role", "all"))
                          if qp.get("role", "all") in roles else 2, horizontal=True)
    present = sorted(t for t in df["event_type"].dropna().unique()) if len(df) else []
    types = sb.multiselect("Event type", sorted(set(present) | set(EVENT_TYPES)),
                           default=[t for t in _qp_list(qp, "types") if t in EVENT_TYPES],
                           format_func=lambda t: EVENT_LABELS.get(t, t))
    ccs = sorted(c for c in df["country_code"].dropna().unique() if c) if len(df) else []
    countries = sb.multiselect("Country", ccs,
                               default=[c for c in _qp_list(qp, "countries") if c in ccs])
    try:
        maxkm = qp.get("maxkm")
        q_km = float(maxkm) if maxkm else None
    except ValueError:
        q_km = None
    max_km = sb.number_input("Max distance to a border (km)", min_value=0.0, value=q_km,
                             step=5.0, placeholder="no limit")
    view_label = sb.radio("Border set", ["de jure", "de facto"],
                          index=1 if qp.get("view") == "de_facto" else 0, horizontal=True,
                          help="de jure: internationally recognised (Crimea in Ukraine); "
                               "de facto: lines of control (Crimea in Russia)")
    state: dict[str, Any] = {
        "role": roles[role_label], "event_types": types, "countries": countries,
        "max_km": max_km, "view": "de_facto" if view_label == "de facto" else "de_jure",
        "undated": undated,
    }
    return state


def share_view(state: dict) -> None:
    """Write the view into the URL, so a link shares it."""
    qp = st.query_params
    new = {"role": next(k for k, v in _ROLES.items() if v == state["role"]),
           "view": state["view"]}
    if state.get("since"):
        new["from"] = state["since"]
    if state.get("until"):
        new["to"] = state["until"]
    types, countries, max_km = state["event_types"], state["countries"], state["max_km"]
    if types:
        new["types"] = ",".join(types)
    if countries:
        new["countries"] = ",".join(countries)
    if max_km is not None:
        new["maxkm"] = f"{max_km:g}"
    if not state["undated"]:
        new["undated"] = "no"
    if dict(qp) != new:
        qp.clear()
        qp.update(new)


_ROLES = {"incidents": "incident", "mentions": "mention", "all": None}


@st.cache_resource(show_spinner="Reading the control layer…")
def _control_layer(source: str):
    from map_app.control import read_control

    return read_control(source)


@st.cache_resource(show_spinner="Reading your reference layers…")
def _reference_layers(specs: str) -> tuple:
    """``serve --reference`` layers (NAME=FILE, one per line); a bad one is said once."""
    from map_app.references import ReferenceError, read_reference

    out = []
    for spec in filter(None, specs.split("\n")):
        try:
            out.append(read_reference(spec))
        except ReferenceError as exc:
            st.sidebar.error(md_escape(str(exc)))
    return tuple(out)


def control_panel() -> tuple[Any, Any]:
    """The user's control layer (``serve --control`` or files uploaded here) and the day
    whose occupied area the map draws; (None, None) without one."""
    import hashlib
    import tempfile

    from map_app.control import ControlError

    sb = st.sidebar
    sb.subheader("Control layer")
    ups = sb.file_uploader("Occupied areas by date (yours: GeoJSON, *_YYYYMMDD.geojson)",
                           type=["geojson", "json", "gz", "gpkg"], accept_multiple_files=True,
                           key="control_upload")
    source = os.environ.get("MAP_APP_CONTROL") or None
    if ups:
        digest = hashlib.sha1(b"".join(u.getvalue() for u in ups)).hexdigest()[:16]
        folder = Path(tempfile.gettempdir()) / f"map_app_control_{digest}"
        folder.mkdir(exist_ok=True)
        for u in ups:
            (folder / _safe_name(u.name)).write_bytes(u.getvalue())
        source = str(folder) if len(ups) > 1 else str(folder / _safe_name(ups[0].name))
    if not source:
        sb.caption("None loaded: map_app ships no control data.")
        return None, None
    try:
        layer = _control_layer(source)
    except ControlError as exc:
        sb.error(md_escape(str(exc)))
        return None, None
    day = layer.days[-1] if len(layer.days) == 1 else sb.select_slider(
        "Control on", options=layer.days, value=layer.days[-1], key="control_day",
        format_func=lambda d: d.isoformat())
    return layer, day


def click_panel(clicked, view: str, control=None, control_day=None) -> None:
    from map_app.borders import country_at
    from map_app.distance import nearest_border

    st.subheader("Measure")
    if not clicked:
        st.caption("Click anywhere on the map to measure the distance to the borders.")
        return
    lat, lon = float(clicked["lat"]), float(clicked["lng"])
    lon = (lon + 180) % 360 - 180  # Leaflet lets longitudes run past ±180
    st.markdown(f"**{lat:.4f} N, {lon:.4f} E** · in {country_at(lon, lat, view) or 'the sea'}")
    near = nearest_border(lon, lat, view=view)
    st.markdown(f"<div id='map-app-distance'>Nearest border: <b>{near['distance_km']:.1f} km"
                f"</b> ({near['nearest_border']})</div>", unsafe_allow_html=True)
    ruua = nearest_border(lon, lat, view=view, border="RU-UA")
    st.markdown(f"RU–UA border: **{ruua['distance_km']:.1f} km**")
    if control is not None:
        inside, km, day = control.measure(lon, lat, control_day)
        if day is not None:
            where = "inside the occupied area" if inside[0] else "outside the occupied area"
            st.markdown(f"<div id='map-app-front'>Line of contact ({day.isoformat()}): "
                        f"<b>{abs(float(km[0])):.1f} km</b>, {where}</div>",
                        unsafe_allow_html=True)


def correction_panel(shown: pd.DataFrame, path: Path, view: str = "de_jure") -> None:
    st.subheader("Correct a pick")
    if shown.empty:
        st.caption("No places shown.")
        return
    opts = {f"{r.place} — {r.article} @{int(r.start)}"
            + (" (your pick)" if getattr(r, "chosen", 0) == 1 else ""): r
            for r in shown.itertuples()}
    label = st.selectbox("Place", list(opts))
    r = opts[label]
    alts = [a for a in json.loads(r.alternatives_json or "[]") if a.get("id")]
    if not alts:
        st.caption("The gazetteer had no other candidate.")
        return
    # runners-up by where they are: oblast and raion tell namesakes apart
    labels = [f"{a['name']} — {', '.join(x for x in (a.get('admin2'), a.get('admin1')) if x)}"
              f" ({a['lat']}, {a['lon']}) score {a['score']}" for a in alts]
    k = st.selectbox("Use instead", range(len(alts)), format_func=lambda i: labels[i])
    if st.button("Apply correction"):
        try:
            ingest.correct(path, r.article_id, int(r.start), alts[k or 0]["id"], view)
        except ValueError as exc:
            st.error(md_escape(str(exc)))
            return
        st.rerun()


# The table's headers as people read them (the column names stay the record's)
_HEADERS = {"place": "Place", "text": "As written", "role": "Role", "event_type": "Event",
            "killed": "Killed", "wounded": "Wounded", "event_date": "Date",
            "distance_to_border_km": "Border km", "nearest_border": "Nearest border",
            "claim_verdict": "Stated distance", "control": "Control",
            "distance_to_front_km": "Front km", "country_code": "Country",
            "admin1": "Region", "admin2": "District", "admin3": "Community",
            "geo_precision": "Precision", "lat": "Lat", "lon": "Lon", "score": "Score",
            "rule": "Decided by", "article": "Article"}


def _readable(table: pd.DataFrame) -> pd.DataFrame:
    """The table's values as people read them: event types in words, countries by name."""
    from map_app.gazetteer import load_gazetteer

    out = table.copy()
    if "event_type" in out:
        out["event_type"] = out["event_type"].map(lambda t: EVENT_LABELS.get(t, t))
    if "country_code" in out:
        g = load_gazetteer()
        names = {c: getattr(g.get(f"country:{c}"), "name", c)
                 for c in out["country_code"].dropna().unique()}
        out["country_code"] = out["country_code"].map(names)
    return out


def search_box() -> tuple[str, float, float, str] | None:
    """A box that finds any gazetteer place (read as the geoparser reads it: "Pokrovsk" is
    the Donetsk town) and opens the map on it; (name, lat, lon, where) or None."""
    from map_app.places import find_place

    q = st.text_input("Find a place", placeholder="Find a place: town, village, district, "
                      "region", key="find", label_visibility="collapsed").strip()
    if not q:
        return None
    c = find_place(q)
    if c is None:
        st.caption(f"No place called {md_escape(q)} in the gazetteer.")
        return None
    where = ", ".join(x for x in (c.admin2, c.admin1_name, c.country_code) if x)
    st.caption(f"Found **{md_escape(c.name)}** ({md_escape(where)}): the map opens on it.")
    return c.name, c.lat, c.lon, where


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def timeline_range(df: pd.DataFrame) -> tuple[str | None, str | None]:
    """The timeline's range slider (under the map): the days shown on the map, in the table
    and in the downloads. (None, None) while it spans every dated place."""
    qp = st.query_params
    d = (pd.to_datetime(export.event_dates(df), errors="coerce")
         .dropna() if len(df) else pd.Series(dtype="datetime64[ns]"))
    if d.empty:
        st.caption("Timeline: no dated places.")
        return None, None
    d0, d1 = d.min().date(), d.max().date()
    if d0 == d1:
        st.caption(f"Timeline: every dated place is of {d0.isoformat()}.")
        return None, None

    def q(key: str, default: date) -> date:
        try:
            v = date.fromisoformat(qp.get(key, ""))
        except ValueError:
            return default
        return min(max(v, d0), d1)

    lo, hi = st.slider("Dates shown (map, table and downloads)", min_value=d0, max_value=d1,
                       value=(q("from", d0), q("to", d1)), format="YYYY-MM-DD",
                       key=f"range_{d0}_{d1}")
    return (lo.isoformat() if lo > d0 else None), (hi.isoformat() if hi < d1 else None)


def _selection(keys_now: list[str]) -> str | None:
    """The place the user has just chosen, by its key: a new table row (the map flies to
    it) or a clicked marker (its row is marked). Returns the key to fly to, if any."""
    ss = st.session_state
    fly = None
    rows = list(((ss.get("table") or {}).get("selection") or {}).get("rows") or [])
    if rows != ss.get("table_rows", []):
        ss["table_rows"] = rows
        keys = ss.get("table_keys", [])
        if rows and rows[0] < len(keys):
            ss["selected"] = fly = keys[rows[0]]
    tip = ((ss.get("map") or {}).get("last_object_clicked_tooltip") or "")
    if tip != ss.get("last_tip", ""):
        ss["last_tip"] = tip
        # a marker's tooltip ends with its row key after an invisible separator
        key = tip.rpartition("\u2063")[2].strip() if "\u2063" in tip else None
        if key in keys_now:
            ss["selected"] = key
    return fly


_PAGE_CSS = ("<style>.block-container{padding:3rem 1.2rem 2rem}"
             "h1,h2,h3{margin-top:0;padding-top:0}</style>")


def main() -> None:
    from streamlit_folium import st_folium

    st.set_page_config(page_title="map_app", layout="wide")
    st.html(_PAGE_CSS)  # the map is the page: narrow margins
    path = default_store()
    paths = tuple(p for p in os.environ.get("MAP_APP_ARTICLES", "").split(os.pathsep) if p)
    said = []
    if paths:
        stats = _ingest_startup(paths, str(path), _collection())
        said = [f"skipped {msg}" for _, msg in stats["failed"]] + stats.get("warnings", [])
    df = store.read_places(path) if path.exists() else pd.DataFrame(
        columns=[record.READ_RENAMES.get(n, n) for n, _ in store.PLACE_COLUMNS] + ["geometry"])
    state = sidebar(df, path)
    control, control_day = control_panel()
    df = export.in_view(df, state["view"])  # the switch changes every distance and filter
    df = export.with_control(df, control)
    references = _reference_layers(os.environ.get("MAP_APP_REFERENCES", ""))
    df = export.with_references(df, references)
    for msg in said:
        st.sidebar.warning(md_escape(msg))
    # the map holds every date (the timeline filters it in the page, without redrawing it)
    mapped = export.filter_places(df, state["role"], None, state["max_km"],
                                  event_types=state["event_types"],
                                  countries=state["countries"]) if len(df) else df
    head, find = st.columns([3, 2], vertical_alignment="bottom")
    with find:
        focus = search_box()
    map_box = st.container()
    below, side = st.columns([3, 1])
    with below:
        since, until = timeline_range(mapped)
    state.update(since=since, until=until)
    share_view(state)
    shown = export.filter_places(mapped, since=since, until=until,
                                 undated=state["undated"]) if len(mapped) else mapped
    keys = plot.row_keys(shown)
    fly = _selection(keys)
    n_inc = int((shown["role"] == "incident").sum()) if len(shown) else 0
    with head:
        st.markdown("#### map_app — places in the news")
        st.caption(f"{_count(n_inc, 'incident')}, {_count(len(shown) - n_inc, 'mention')} "
                   f"shown · {_count(df['article_id'].nunique() if len(df) else 0, 'article')}"
                   f" · {'de jure' if state['view'] == 'de_jure' else 'de facto'} borders · "
                   "works offline")
    clicked = (st.session_state.get("map") or {}).get("last_clicked")
    measure = None
    if clicked:
        lon = (float(clicked["lng"]) + 180) % 360 - 180  # Leaflet lets longitudes run on
        measure = plot.measure_layer(lon, float(clicked["lat"]), state["view"], control,
                                     control_day)
    # a find moves the map once: later reruns (a click, a range) leave the view alone
    new_find = focus if focus is not None and focus != st.session_state.get("last_find") \
        else None
    st.session_state["last_find"] = focus
    overlay = plot.app_overlay(since, until, state["undated"], select=fly, focus=new_find,
                               measure=measure)
    with map_box:
        m = plot.incident_map(mapped, view=state["view"], control=control,
                              control_day=control_day, references=references)
        st_folium(m, height=MAP_HEIGHT, use_container_width=True, key="map",
                  returned_objects=["last_clicked", "last_object_clicked_tooltip"],
                  feature_group_to_add=overlay)
    with side:
        click_panel(clicked, state["view"], control, control_day)
    places_table(shown, keys, references)
    c1, c2, c3 = st.columns(3)
    c1.download_button("Download GeoJSON", export.dumps(export.to_geojson(shown)),
                       file_name="map_app.geojson", mime="application/geo+json")
    c2.download_button("Download CSV", export.to_csv(shown), file_name="map_app.csv",
                       mime="text/csv")
    c3.download_button("Download ACLED CSV", export.to_acled(shown),
                       file_name="map_app_acled.csv", mime="text/csv")
    if len(df):
        article_panel(df, shown, path, state["view"])
        compare_panel(df)


# A table of up to this many rows marks the place chosen on the map (a styled table costs
# about 0.07 s per 1,000 rows to send).
_MARK_ROWS = 5000
# numbers as people read them (the values stay numbers: the columns sort as numbers)
_FORMATS = {"distance_to_border_km": "%.1f", "distance_to_front_km": "%.1f", "lat": "%.4f",
            "lon": "%.4f", "score": "%.2f", "killed": "%d", "wounded": "%d"}


def places_table(shown: pd.DataFrame, keys: list[str], references) -> None:
    """The shown places; a row chosen here flies the map to it, a marker clicked on the map
    marks its row."""
    st.subheader("Places")
    cols = [*record.TABLE, *(f"distance_to_{r.name}_km" for r in references)]
    table = _readable(shown[[c for c in cols if c in shown]]).reset_index(drop=True)
    st.session_state["table_keys"] = keys
    chosen = st.session_state.get("selected")
    data: Any = table
    if chosen in keys:
        i = keys.index(chosen)
        r = table.iloc[i]
        st.caption(f"Selected: **{md_escape(str(r.get('place', '')))}** "
                   f"({md_escape(str(r.get('article', '')))}), row {i + 1}")
        if len(table) <= _MARK_ROWS:
            data = table.style.set_properties(subset=pd.IndexSlice[[i], :],
                                              **{"background-color": "#fff3b0"})
    config: dict[str, Any] = {c: st.column_config.NumberColumn(label, format=_FORMATS[c])
                              if c in _FORMATS else label for c, label in _HEADERS.items()}
    # an empty cell stays empty (Streamlit's default writes "None" in it)
    st.dataframe(data, width="stretch", hide_index=True, column_config=config,
                 on_select="rerun", selection_mode="single-row", key="table", placeholder="")


def article_panel(df: pd.DataFrame, shown: pd.DataFrame, path: Path, view: str) -> None:
    """One article's text with its places marked, and the correction of a pick."""
    st.subheader("Article")
    labels = _article_labels(df)
    aid = st.selectbox("Article", list(labels), format_func=lambda k: labels[k]) \
        or next(iter(labels))
    text = store.article_text(path, aid) or ""
    mine = df[df["article_id"] == aid]
    # st.html, not st.markdown: the article is escaped text with marks, never Markdown
    st.html("<style>mark.incident{background:#fcbba1}"
            "mark.mention{background:#e0e0e0}</style>")
    st.html("<div class='map-app-article'>"
            + plot.highlight_html(text, list(zip(mine["start"], mine["end"])),
                                  list(mine["role"])) + "</div>")
    correction_panel(shown, path, view)


def _article_labels(df: pd.DataFrame) -> dict[str, str]:
    """Each article's name (title or file name); two of one name told apart by their
    source's name (a paste's holds the time it was added)."""
    arts = df.drop_duplicates("article_id")
    sources = arts["source"] if "source" in arts else arts["article_date"]
    return {aid: name if (arts["article"] == name).sum() == 1
            else f"{name} ({Path(str(src)).name if src == src else 'undated'})"
            for aid, name, src in zip(arts["article_id"], arts["article"], sources)}


def compare_panel(df: pd.DataFrame) -> None:
    """Two articles side by side: their places, the shared ones marked in both and on a
    map of the two (A only, B only, both)."""
    from streamlit_folium import st_folium

    labels = _article_labels(df)
    if len(labels) < 2:
        return
    st.subheader("Compare two articles")
    ids = list(labels)
    c1, c2 = st.columns(2)
    a = c1.selectbox("Article A", ids, format_func=lambda k: labels[k], key="cmp_a")
    b = c2.selectbox("Article B", ids, index=1, format_func=lambda k: labels[k], key="cmp_b")
    if a == b:
        st.caption("Choose two different articles.")
        return
    left, right, shared = export.compare_articles(df, a, b)
    st.caption(f"{_count(len(shared), 'shared place')}: "
               + (", ".join(md_escape(p) for p in shared) if shared else "none"))
    for col, t in ((c1, left), (c2, right)):
        col.dataframe(t, hide_index=True, width="stretch",
                      column_config={"place": "Place", "role": "Role", "event": "Event",
                                     "shared": st.column_config.CheckboxColumn("Shared")})
    st_folium(plot.compare_map(df, a, b), height=420, use_container_width=True,
              returned_objects=[], key="compare_map")


if __name__ == "__main__":
    main()
