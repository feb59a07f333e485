"""Folium maps that render with no internet.

Leaflet, jQuery and MarkerCluster come from the PyPI XStatic packages, our own map code
(``_static/map_app.js``: markers, clusters, heatmap, labels, timeline) from the package; all
are served by Streamlit's static serving (see :mod:`map_app._serve`). The basemap is our own:
country outlines, Ukraine's oblasts and raions, and place labels from the gazetteer. Places
reach the page as compact column arrays (not a loop of folium Markers), so 10,000 incidents
stay a small page that renders fast.
"""
from __future__ import annotations

import html
import json
import re
import shutil
from functools import lru_cache
from pathlib import Path

import folium
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement, Template
from folium.elements import JSCSSMixin
from folium.plugins import MarkerCluster

# URL prefix under which Streamlit serves the app folder's ``static/`` directory.
STATIC_URL = "/app/static"

# One hue per event family (ACLED's event types, :data:`map_app.incidents.EVENT_CATEGORY`),
# from Okabe and Ito's palette, which people with any common colour blindness tell apart; the
# sub-type is the marker's shape.
FAMILY_COLOURS = {
    "Explosions/Remote violence": "#d55e00",
    "Battles": "#0072b2",
    "Violence against civilians": "#cc79a7",
    "Strategic developments": "#009e73",
    "Protests": "#e69f00",
}
EVENT_SHAPES = {
    "shelling_missile_attack": "circle",
    "air_drone_strike": "triangle",
    "remote_explosive": "diamond",
    "explosion": "star",
    "attack": "square",
    "armed_clash": "circle",
    "territory_captured": "square",
    "attack_on_civilians": "circle",
    "property_destruction": "square",
    "evacuation": "triangle",
    "arrest": "diamond",
    "protest": "circle",
    "disrupted_weapons_use": "circle",
}


def _event_colours() -> dict[str, str]:
    from .incidents import EVENT_CATEGORY

    return {t: FAMILY_COLOURS[EVENT_CATEGORY[t]] for t in EVENT_SHAPES}


EVENT_COLOURS = _event_colours()
# The marker shapes as SVG paths in a 20×20 box (markers and legend draw the same ones).
SHAPE_PATHS = {
    "circle": "M10 2.5a7.5 7.5 0 1 0 0.01 0z",
    "triangle": "M10 1.5L18.5 17.5H1.5z",
    "square": "M3 3H17V17H3z",
    "diamond": "M10 1L19 10L10 19L1 10z",
    "star": "M10 1l2.6 6 6.4.5-4.9 4.2 1.5 6.3L10 14.6 4.4 18l1.5-6.3L1 7.5l6.4-.5z",
}
MENTION_COLOUR = "#7f7f7f"
# our own map code and style, served next to Leaflet
_OWN_STATIC = Path(__file__).resolve().parent / "_static"
BAND_KM = (5, 10, 30)
CLUSTER_ABOVE = 300  # cluster the incident layer when it has more points than this


def _xstatic_dirs() -> dict[str, Path]:
    import xstatic.pkg.jquery as jq
    import xstatic.pkg.leaflet as lf
    import xstatic.pkg.leaflet_markercluster as mc

    return {"leaflet": Path(lf.BASE_DIR), "jquery": Path(jq.BASE_DIR),
            "markercluster": Path(mc.BASE_DIR)}


def install_static(dest: Path) -> Path:
    """Copy the XStatic Leaflet, jQuery and MarkerCluster files and our own map code into
    ``dest`` (idempotent; our files are refreshed when they change)."""
    dest = Path(dest)
    for name, src in _xstatic_dirs().items():
        target = dest / name
        if not (target / ".complete").exists():
            shutil.copytree(src, target, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("*.map", "*.esm.js", "__pycache__"))
            (target / ".complete").write_text("ok")
    own = dest / "map_app"
    own.mkdir(parents=True, exist_ok=True)
    for f in _OWN_STATIC.iterdir():
        if f.suffix in (".js", ".css"):
            data = f.read_bytes()
            if not (own / f.name).exists() or (own / f.name).read_bytes() != data:
                (own / f.name).write_bytes(data)
    return dest


def layer_url(kind: str, view: str) -> str:
    """Where the app serves one of the basemap layers (a cached static file: GeoJSON, or
    JSON rows for the labels)."""
    return f"{STATIC_URL}/layers/{kind}_{view}.{'json' if kind == 'labels' else 'geojson'}"


def write_static_layers(dest: Path) -> Path:
    """Write the basemap, border and band GeoJSON files into ``dest/layers`` (idempotent).

    They are static assets like Leaflet itself: the browser fetches and caches them, so the
    map page only carries the places.
    """
    from ._paths import data_dir

    out = Path(dest) / "layers"
    out.mkdir(parents=True, exist_ok=True)
    # rebuilt when the data or the code that draws them is newer
    stamp = max([p.stat().st_mtime for p in data_dir().glob("*.parquet")]
                + [Path(__file__).stat().st_mtime])
    for kind, make in STATIC_LAYERS.items():
        for view in ("de_jure", "de_facto"):
            f = out / Path(layer_url(kind, view)).name
            if not f.exists() or f.stat().st_mtime < stamp:
                tmp = f.with_suffix(".tmp")
                tmp.write_text(make(view), encoding="utf-8")
                tmp.replace(f)
    return out


class RemoteGeoJson(MacroElement):
    """A GeoJSON layer fetched from a (local, static) URL into a folium FeatureGroup."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        fetch({{ this.url_js }}).then(function(r) { return r.json(); }).then(function(gj) {
          var layer = L.geoJSON(gj, {style: {{ this.style }}, interactive: {{ this.interactive }},
            onEachFeature: function(f, l) {
              {% if this.tooltip %}
              l.bindTooltip(String(f.properties[{{ this.tooltip }}]));
              {% endif %}
            }});
          {{ this.target }}.addLayer(layer);
          {% if this.back %}layer.bringToBack();{% endif %}
        });
        {% endmacro %}
    """)

    def __init__(self, url: str, target, style_js: str, tooltip: str | None = None,
                 back: bool = False, interactive: bool = True):
        super().__init__()
        self._name = "RemoteGeoJson"
        self.url_js = json.dumps(url)
        self._target = target
        self.style = style_js
        self.tooltip = json.dumps(tooltip) if tooltip else ""
        self.back = back
        self.interactive = "true" if interactive else "false"

    @property
    def target(self) -> str:
        return self._target.get_name()


# Offline replacements for folium's CDN assets; anything else folium asks for is dropped.
OFFLINE_JS = {
    "leaflet": f"{STATIC_URL}/leaflet/leaflet.js",
    "jquery": f"{STATIC_URL}/jquery/jquery.min.js",
    "markerclusterjs": f"{STATIC_URL}/markercluster/leaflet.markercluster.js",
    "map_app_js": f"{STATIC_URL}/map_app/map_app.js",
}
OFFLINE_CSS = {
    "leaflet_css": f"{STATIC_URL}/leaflet/leaflet.css",
    "markerclustercss": f"{STATIC_URL}/markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": f"{STATIC_URL}/markercluster/MarkerCluster.Default.css",
    "map_app_css": f"{STATIC_URL}/map_app/map_app.css",
}


class MapAppAssets(JSCSSMixin, MacroElement):
    """Loads our map code and style (``_static/``) after Leaflet and MarkerCluster."""

    default_js = [("map_app_js", OFFLINE_JS["map_app_js"])]
    default_css = [("map_app_css", OFFLINE_CSS["map_app_css"])]

    def __init__(self) -> None:
        super().__init__()
        self._name = "MapAppAssets"


def make_offline(m: folium.Map, prefix: str = "") -> folium.Map:
    """Point every JS/CSS asset of ``m`` and its children at the locally served copies.

    Parameters
    ----------
    m : folium.Map
    prefix : str
        Prepended to the static URLs (an origin such as ``http://127.0.0.1:8501`` when the HTML
        is opened outside Streamlit).
    """
    def walk(el):
        yield el
        for child in getattr(el, "_children", {}).values():
            yield from walk(child)

    for el in walk(m):
        if hasattr(el, "default_js"):
            el.default_js = [(k, prefix + OFFLINE_JS[k]) for k, _ in el.default_js
                             if k in OFFLINE_JS]
        if hasattr(el, "default_css"):
            el.default_css = [(k, prefix + OFFLINE_CSS[k]) for k, _ in el.default_css
                              if k in OFFLINE_CSS]
    return m


@lru_cache(maxsize=4)
def _countries_geojson(view: str) -> str:
    import shapely

    from .borders import load_countries

    countries = load_countries(view)[["iso_a2", "name", "geometry"]].copy()
    # ~2 km detail on a 0.005° grid: plenty for a basemap, a fraction of the full file
    g = countries.geometry.simplify(0.02, preserve_topology=True)
    countries["geometry"] = shapely.set_precision(g.values, 0.005)
    countries = countries[~countries.geometry.is_empty]
    return countries.to_json(drop_id=True)


@lru_cache(maxsize=4)
def _borders_geojson(view: str) -> str:
    import shapely

    from .borders import load_borders

    b = load_borders(view)[["pair", "length_km", "geometry"]].copy()
    b["geometry"] = shapely.set_precision(b.geometry.simplify(0.003).values, 0.0005)
    b = b[~b.geometry.is_empty]
    b["length_km"] = b["length_km"].round(1)
    return b.to_json(drop_id=True)


@lru_cache(maxsize=8)
def border_bands(view: str = "de_jure", pair: str = "RU-UA",
                 km: tuple[int, ...] = BAND_KM) -> str:
    """GeoJSON rings of the land within ``km`` of one border (buffers in a local metric CRS)."""

    from .borders import load_borders

    b = load_borders(view)
    line = b[b["pair"] == pair]
    if line.empty:
        return json.dumps({"type": "FeatureCollection", "features": []})
    return line_bands(line.geometry.union_all(), km)


def line_bands(line, km: tuple[int, ...] = BAND_KM) -> str:
    """GeoJSON rings of the land within ``km`` of a line (a border, a line of contact):
    buffers in an azimuthal equidistant projection centred on the line."""
    import geopandas as gpd
    import shapely

    if line is None or line.is_empty:
        return json.dumps({"type": "FeatureCollection", "features": []})
    c = line.centroid
    aeqd = f"+proj=aeqd +lat_0={c.y:.4f} +lon_0={c.x:.4f} +datum=WGS84 +units=m"
    metric = gpd.GeoSeries([line], crs="EPSG:4326").to_crs(aeqd).iloc[0]
    rows, inner = [], None
    for d in sorted(km):
        buf = metric.buffer(d * 1000, quad_segs=4)
        ring = buf if inner is None else shapely.difference(buf, inner)
        rows.append({"km": d, "geometry": ring})
        inner = buf
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=aeqd).to_crs("EPSG:4326")
    out["geometry"] = shapely.set_precision(out.geometry.simplify(0.003).values, 0.001)
    return out.to_json(drop_id=True)


FRONT_COLOUR = "#7a0177"
REFERENCE_COLOUR = "#225ea8"


def reference_layers(references) -> list:
    """The user's reference layers (:mod:`map_app.references`), one map layer each."""
    import shapely

    out = []
    for ref in references or ():
        fg = folium.FeatureGroup(name=f"{ref.name} (your layer)", show=True)
        folium.GeoJson(shapely.geometry.mapping(shapely.simplify(ref.geometry, 0.001)),
                       style_function=lambda f: {"color": REFERENCE_COLOUR, "weight": 2,
                                                 "fillOpacity": 0.08},
                       tooltip=ref.name).add_to(fg)
        out.append(fg)
    return out


def front_layers(layer, day) -> list:
    """The occupied area of the snapshot on or before ``day`` of a control layer
    (:mod:`map_app.control`), its line of contact and the 5/10/30 km bands along it."""
    import shapely

    from .control import line_of_contact

    snap = layer.snapshot(day) if layer is not None else None
    if snap is None:
        return []
    label = snap.day.isoformat()
    occupied = folium.FeatureGroup(name=f"Occupied area ({label})", show=True)
    folium.GeoJson(shapely.geometry.mapping(shapely.simplify(snap.occupied, 0.002)),
                   style_function=lambda f: {"color": FRONT_COLOUR, "weight": 0,
                                             "fillColor": FRONT_COLOUR, "fillOpacity": 0.15,
                                             "className": "map-app-occupied"},
                   ).add_to(occupied)
    front = folium.FeatureGroup(name=f"Line of contact ({label})", show=True)
    line = line_of_contact(snap.occupied)
    folium.GeoJson(shapely.geometry.mapping(line),
                   style_function=lambda f: {"color": FRONT_COLOUR, "weight": 2.5}
                   ).add_to(front)
    bands = folium.FeatureGroup(name=f"Line of contact bands {'/'.join(map(str, BAND_KM))} km",
                                show=False)
    folium.GeoJson(json.loads(line_bands(line)),
                   style_function=lambda f: {"color": FRONT_COLOUR, "weight": 0.5,
                                             "fillColor": FRONT_COLOUR, "fillOpacity": 0.08}
                   ).add_to(bands)
    return [occupied, front, bands]


@lru_cache(maxsize=1)
def _admin_geojson(view: str = "de_jure") -> str:
    """Ukraine's oblast (level 1) and raion (level 2) outlines as lines, ~500 m detail."""
    import geopandas as gpd
    import shapely

    from ._paths import data_dir

    path = data_dir() / "areas.parquet"
    if not path.exists():
        return json.dumps({"type": "FeatureCollection", "features": []})
    a = gpd.read_parquet(path)
    a = a[((a["level"] == 1) & a["exact"] & a["id"].str.startswith("adm1:UA"))
          | (a["level"] == 2)][["level", "geometry"]].copy()
    lines = shapely.simplify(shapely.boundary(a.geometry.values), 0.004)
    a["geometry"] = shapely.set_precision(lines, 0.001)
    a["level"] = a["level"].astype(int)
    return a[~a.geometry.is_empty].to_json(drop_id=True)


# (name, lat, lon, first zoom, last zoom, kind) of the labels; a settlement's first zoom falls
# with its population, so the largest show first
_LABEL_BOX = (18.0, 41.0, 46.0, 58.0)  # Ukraine and its neighbours (lon/lat)
_POP_ZOOM = ((1_000_000, 5), (300_000, 6), (100_000, 7), (30_000, 8), (10_000, 9),
             (3_000, 10), (1_000, 11))


def label_rows(view: str = "de_jure") -> list[list]:
    """The basemap's place labels, in the order they claim space: seas, countries, cities of a
    million, regions, then settlements by population and districts.

    Rows are ``[name, lat, lon, first zoom, last zoom, kind]``, kind one of ``sea``,
    ``country``, ``region``, ``district``, ``city``, ``town``.
    """
    from .gazetteer import KINDS, load_gazetteer

    g = load_gazetteer()
    lat, lon = g.col("lat").astype(float), g.col("lon").astype(float)
    kind, pop = g.col("kind"), g.col("population").astype(np.int64)
    fcodes = g.table("fcode")
    fcode = np.array([fcodes[int(k)] if int(k) >= 0 else "" for k in range(len(fcodes))],
                     dtype=object)[g.col("fcode").astype(int)]
    x0, y0, x1, y1 = _LABEL_BOX
    inbox = (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
    rows: list[tuple[float, list]] = []
    ua = g.col("country") == g.table("country").index("UA")
    region = kind == KINDS.index("region")

    from .areas import area_of

    def add(mask, kind_name, first, last, rank):
        for i in np.flatnonzero(mask):
            y, x = float(lat[i]), float(lon[i])
            if kind_name in ("region", "district"):
                # an area's name inside it, away from its seat's own label
                shape = area_of(g.id_of(int(i)))
                if shape is not None:
                    pt = shape.representative_point()
                    y, x = pt.y, pt.x
            rows.append((rank(i), [g.name_of(int(i)), round(y, 3), round(x, 3), first(i),
                                   last, kind_name]))

    add(inbox & (fcode == "SEA"), "sea", lambda i: 4, 9, lambda i: 0)
    add(inbox & (kind == KINDS.index("country")), "country", lambda i: 4, 7, lambda i: 1)
    add(inbox & region & (fcode == "ADM1"), "region", lambda i: 6, 8, lambda i: 3)
    add(inbox & region & (fcode == "ADM2") & ua, "district", lambda i: 9, 10, lambda i: 5)

    def pop_zoom(i):
        return next((z for p, z in _POP_ZOOM if pop[i] >= p), 12)

    towns = inbox & np.isin(kind, [KINDS.index("city"), KINDS.index("village")])
    for i in np.flatnonzero(towns):
        p = int(pop[i])
        # a million and more before the regions; a town of 10,000 before the districts
        rank = 2 if p >= 1_000_000 else 4 if p >= 10_000 else 6
        rows.append((rank - p / 1e9, [g.name_of(int(i)), round(float(lat[i]), 3),
                                      round(float(lon[i]), 3), pop_zoom(i), 18,
                                      "city" if p >= 100_000 else "town"]))
    rows.sort(key=lambda r: r[0])
    return [r for _, r in rows]


@lru_cache(maxsize=1)
def _labels_json(view: str = "de_jure") -> str:
    return json.dumps(label_rows(view), ensure_ascii=False, separators=(",", ":"))


# below the functions it names, so that the type checker can resolve them
STATIC_LAYERS = {
    "countries": lambda view: _countries_geojson(view),
    "borders": lambda view: _borders_geojson(view),
    "bands": lambda view: border_bands(view),
    "admin": lambda view: _admin_geojson(),
    "labels": lambda view: _labels_json(),
}


def base_map(location=(48.5, 32.0), zoom_start: int = 5, tiles: bool = True,
             view: str = "de_jure", prefix: str = "") -> folium.Map:
    """A map with our country outlines as the offline basemap and optional OSM tiles.

    Parameters
    ----------
    location : (lat, lon)
    zoom_start : int
    tiles : bool
        Add OpenStreetMap tiles as an optional base layer (needs internet; off by default).
    view : {"de_jure", "de_facto"}
        Which country outlines to draw.
    prefix : str
        Origin of the static files when the page is not served by the app.
    """
    # no tile layer sets a zoom range, and clustering needs one
    m = folium.Map(location=list(location), zoom_start=zoom_start, tiles=None,
                   control_scale=True)
    m.options.update(minZoom=2, maxZoom=18)
    fg = folium.FeatureGroup(name="Countries (offline basemap)", show=True)
    fg.add_child(RemoteGeoJson(
        prefix + layer_url("countries", view), fg,
        "{fillColor: '#f2efe9', color: '#9a9a9a', weight: 0.7, fillOpacity: 1.0}",
        tooltip="name", back=True))
    fg.add_to(m)
    m.add_child(MapAppAssets())  # our map code and style (the sea's colour too)
    if tiles:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap tiles (online)", overlay=True,
                         show=False).add_to(m)
    return m


def borders_layer(view: str = "de_jure", bands: bool = True, prefix: str = "") -> list:
    """The land borders of one view (RU–UA in bold) and, optionally, distance bands."""
    label = "de jure" if view == "de_jure" else "de facto"
    dash = "null" if view == "de_jure" else "'6 4'"
    fg = folium.FeatureGroup(name=f"Borders ({label})", show=True)
    fg.add_child(RemoteGeoJson(
        prefix + layer_url("borders", view), fg,
        "function(f) { var ru = f.properties.pair === 'RU-UA'; return {color: ru ? '#111' : "
        f"'#555', weight: ru ? 2.5 : 1.2, dashArray: {dash}}}; }}", tooltip="pair"))
    out = [fg]
    if bands:
        bg = folium.FeatureGroup(name=f"RU–UA distance bands {'/'.join(map(str, BAND_KM))} km",
                                 show=True)
        bg.add_child(RemoteGeoJson(
            prefix + layer_url("bands", view), bg,
            "function(f) { var o = {5: 0.35, 10: 0.22, 30: 0.12}[f.properties.km] || 0.1; "
            "return {fillColor: '#fdae61', color: '#f46d43', weight: 0.5, fillOpacity: o}; }",
            interactive=False))
        out.append(bg)
    return out


def _json_for_script(obj) -> str:
    """JSON safe to embed in a <script>: no "</script>" or "<!--" can close or hide it."""
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _table(values) -> tuple[list, list[int]]:
    """Dictionary-encode a column: (unique values, index of each row's value)."""
    codes, uniq = pd.factorize(pd.Series(list(values), dtype=object), use_na_sentinel=True)
    return [None if v is None else v for v in uniq.tolist()], codes.tolist()


def _num(v, nd=1):
    return None if v is None or v != v else round(float(v), nd)


def row_keys(df: pd.DataFrame) -> list[str]:
    """A key for each place that the map and the table share (article and offset): a table
    row selects its marker by it, and a marker's click names its row."""
    if "article_id" in df and "start" in df:
        return [f"{str(a)[:16]}:{int(s)}" for a, s in zip(df["article_id"], df["start"])]
    return [f"row:{i}" for i in df.index]


_EPOCH = np.datetime64("1970-01-01", "D")


def _days(values) -> list[int | None]:
    """ISO dates (or anything starting with one) as days since 1970; None when undated."""
    out: list[int | None] = []
    for v in values:
        try:
            out.append(None if v is None or v != v or not str(v)[:10].strip() else
                       int((np.datetime64(str(v)[:10], "D") - _EPOCH).astype(int)))
        except ValueError:
            out.append(None)
    return out


def _compact(df: pd.DataFrame) -> dict:
    """Places as column arrays with dictionary-encoded strings: a fraction of GeoJSON's size."""
    n = len(df)

    def col(c: str) -> list:
        return df[c].tolist() if c in df else [None] * n

    out: dict[str, list] = {"lon": [round(float(x), 5) for x in col("lon")],
                            "lat": [round(float(x), 5) for x in col("lat")]}
    for c in ("place", "text", "article", "event_type", "nearest_border", "claim_verdict",
              "entry"):
        out[c + "_t"], out[c] = _table("" if v is None or v != v else str(v) for v in col(c))
    # the article's publication and link, when its HTML stated them
    for c, name in (("article_site", "site"), ("article_url", "url")):
        out[name + "_t"], out[name] = _table("" if v is None or v != v else str(v)
                                             for v in col(c))
    # an article's name may be its whole first sentence: the popup shows its start
    out["article_t"] = [a if len(a) <= 80 else a[:a.rfind(" ", 0, 79)] + "…"
                        for a in out["article_t"]]
    from .export import event_dates

    dates = event_dates(df) if "event_date" in df else col("date")
    out["day"] = _days(dates)
    out["key"] = row_keys(df)
    out["killed"] = [None if v is None or v != v else int(v) for v in col("killed")]
    out["wounded"] = [None if v is None or v != v else int(v) for v in col("wounded")]
    out["dist"] = [_num(v) for v in col("distance_to_border_km")]
    out["quote"] = [_short_quote(q, t) for q, t in zip(col("quote"), col("text"))]
    out["claim"] = [_claim_text(c) for c in col("claim_json")]
    # with a control layer (map_app.export.with_control): the place's control and history
    out["control_t"], out["control"] = _table(
        "" if v is None or v != v else str(v) for v in col("control_text"))
    out["alts"] = [_alts(a) for a in (col("alternatives_json") if "alternatives_json" in df
                                      else col("alternatives"))]
    return out


def _short_quote(q, place, width: int = 50) -> str:
    """At most ``width`` characters either side of the place: the popup's context."""
    q = "" if q is None or q != q else str(q)
    place = "" if place is None or place != place else str(place)
    i = q.find(place) if place else -1
    if i < 0 or len(q) <= 2 * width + len(place):
        return q[: 2 * width + len(place)]
    lo, hi = max(0, i - width), min(len(q), i + len(place) + width)
    return ("…" if lo else "") + q[lo:hi] + ("…" if hi < len(q) else "")


def _claim_text(c):
    if isinstance(c, str) and c:
        try:
            return json.loads(c).get("text")
        except ValueError:
            return None
    return c.get("text") if isinstance(c, dict) else None


def _alts(a, k: int = 2):
    if isinstance(a, str):
        try:
            a = json.loads(a)
        except ValueError:
            a = []
    if not isinstance(a, list):
        return []
    return [[str(x.get("name")), x.get("lat"), x.get("lon"), x.get("score")] for x in a[:k]]


def _style() -> dict:
    """What the page's map code needs to draw events: colours, shapes, labels, families."""
    from .incidents import EVENT_CATEGORY, EVENT_LABELS

    return {"colours": EVENT_COLOURS, "shapes": EVENT_SHAPES, "paths": SHAPE_PATHS,
            "labels": EVENT_LABELS, "families": EVENT_CATEGORY,
            "familyColours": FAMILY_COLOURS, "mention": MENTION_COLOUR}


class PlacesLayer(MacroElement):
    """Markers for many places from compact arrays (``MapApp.places`` builds them, with
    popups made on click). Every string is escaped there: text from an article never runs."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        MapApp.places({{ this.map_name }}, {{ this.target }}, {{ this.data }},
                      Object.assign({{ this.style }}, {role: {{ this.role_js }},
                                                       layer: {{ this.layer }}}));
        {% endmacro %}
    """)

    def __init__(self, df: pd.DataFrame, target, role: str, map_name: str, layer=None):
        super().__init__()
        self._name = "PlacesLayer"
        # the layer the user turns on and off (the cluster's FeatureGroup)
        self._layer = layer if layer is not None else target
        self.data = _json_for_script(_compact(df))
        self.style = _json_for_script(_style())
        self.role_js = json.dumps(role)
        self.map_name = map_name
        self._target = target

    @property
    def target(self) -> str:
        return self._target.get_name()

    @property
    def layer(self) -> str:
        return self._layer.get_name()


class _Call(MacroElement):
    """One call into the page's map code, e.g. ``MapApp.heat(group)``."""

    _template = Template("""
        {% macro script(this, kwargs) %}{{ this.js }}{% endmacro %}
    """)

    def __init__(self, js: str):
        super().__init__()
        self._name = "MapAppCall"
        self.js = js


def places_layers(df: pd.DataFrame, map_name: str, cluster: bool | None = None) -> list:
    """Incident and mention layers from places in store layout (``place``, ``lat``, ``lon``,
    ``role``, ``event_type``, ``killed``, ``wounded``, ``quote``, …)."""
    layers = []
    for role, name, show in (("incident", "Incidents", True), ("mention", "Mentions", False)):
        part = df[df["role"] == role] if "role" in df else df.iloc[0:0]
        fg = folium.FeatureGroup(name=f"{name} ({len(part)})", show=show)
        target: Element = fg
        if role == "incident" and (cluster if cluster is not None else len(part) > CLUSTER_ABOVE):
            # a cluster is a ring of its event families' shares (MapApp.clusterIcon)
            target = MarkerCluster(control=False, options={
                "showCoverageOnHover": False, "chunkedLoading": True,
                "maxClusterRadius": 50},
                icon_create_function="function(c) { return MapApp.clusterIcon(c); }",
            ).add_to(fg)
        if len(part):
            fg.add_child(PlacesLayer(part, target, role, map_name, layer=fg))
        layers.append(fg)
    return layers


def heat_layer() -> folium.FeatureGroup:
    """A density heatmap of the shown incidents (off until the user turns it on)."""
    fg = folium.FeatureGroup(name="Heatmap (incident density)", show=False)
    fg.add_child(_Call(f"MapApp.heat({fg.get_name()});"))
    return fg


def orientation_layers(prefix: str = "") -> tuple[list, list]:
    """Ukraine's oblast and raion lines (raions from zoom 8) and place labels by zoom."""
    admin = folium.FeatureGroup(name="Oblasts and raions", show=True)
    labels = folium.FeatureGroup(name="Place names", show=True)
    return [admin, labels], [
        _Call(f"MapApp.admin({{map}}, {admin.get_name()}, "
              f"{json.dumps(prefix + layer_url('admin', 'de_jure'))});"),
        _Call(f"MapApp.labels({{map}}, {labels.get_name()}, "
              f"{json.dumps(prefix + layer_url('labels', 'de_jure'))});")]


AREA_DASH = "6 4"  # the dashed outline of an area incident (tests find them by it)


def _area_rows(df: pd.DataFrame, view: str) -> tuple[pd.DataFrame, list]:
    """The incidents that are regions with an outline (shaded, not dotted), and their
    outlines."""
    from .areas import area_of

    if not len(df) or "kind" not in df or "entry" not in df:
        return df.iloc[0:0], []
    cand = df[(df["role"] == "incident") & (df["kind"] == "region")]
    geoms = [area_of(e, view) for e in cand["entry"]]
    keep = [g is not None for g in geoms]
    return cand[keep], [g for g in geoms if g is not None]


def areas_layer(df: pd.DataFrame, geoms: list) -> folium.FeatureGroup:
    """Region incidents as their outlines, one per region, coloured by its most frequent
    event family, with a tooltip of its events and casualties; an outline shows while any
    of its incidents is in the timeline's range."""
    import shapely

    from .export import event_dates
    from .incidents import EVENT_LABELS

    fg = folium.FeatureGroup(name=f"Incident areas ({len(df)})", show=True)
    feats = []
    if len(df):
        t = df.assign(_day=_days(event_dates(df)
                                 if "event_date" in df and "article_date" in df
                                 else [None] * len(df)), _geom=geoms)
        for _, g in t.groupby("entry", sort=False):
            kinds = g["event_type"].fillna("").astype(str).value_counts()
            what = ", ".join(f"{EVENT_LABELS.get(k, k.replace('_', ' ') or 'event')}"
                             + (f" ×{n}" if n > 1 else "") for k, n in kinds.items())
            killed = g["killed"].sum(min_count=1) if "killed" in g else None
            tip = (f"{g['place'].iloc[0]}: {len(g)} incident{'s' if len(g) > 1 else ''} "
                   f"({what})" + (f", {int(killed)} killed" if killed == killed
                                  and killed is not None else ""))
            feats.append({"type": "Feature",
                          "geometry": shapely.geometry.mapping(g["_geom"].iloc[0]),
                          # each incident's day (a column of days with gaps is float:
                          # back to whole days) and type: the timeline counts them
                          "properties": {"tip": tip, "days": [
                              None if d != d or d is None else int(d) for d in g["_day"]],
                              "types": g["event_type"].fillna("").astype(str).tolist(),
                              "colour": EVENT_COLOURS.get(kinds.index[0], "#444444")}})
    if feats:
        gj = folium.GeoJson(
            {"type": "FeatureCollection", "features": feats},
            # faint: the markers inside must stay readable
            style_function=lambda f: {"color": f["properties"]["colour"], "weight": 1.5,
                                      "dashArray": AREA_DASH, "fillOpacity": 0.06,
                                      "fillColor": f["properties"]["colour"]},
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
        ).add_to(fg)
        fg.add_child(_Call(f"MapApp.areas({gj.get_name()});"))
    return fg


def _shape_svg(shape: str, colour: str, size: int = 13) -> str:
    return (f"<svg viewBox='0 0 20 20' width='{size}' height='{size}'><path d='"
            f"{SHAPE_PATHS[shape]}' fill='{colour}' stroke='#fff' stroke-width='1.6'/></svg>")


def legend_html(event_types) -> str:
    """The legend: each family's colour with the shapes of its sub-types shown, mentions,
    the border bands and what a cluster's ring means."""
    from .incidents import EVENT_CATEGORY, EVENT_LABELS

    rows = []
    for fam, colour in FAMILY_COLOURS.items():
        mine = [t for t in event_types if EVENT_CATEGORY.get(t) == fam]
        if not mine:
            continue
        rows.append(f"<div class='fam' style='color:{colour}'>{html.escape(fam)}</div>")
        rows += [f"{_shape_svg(EVENT_SHAPES.get(t, 'circle'), colour)} "
                 f"{html.escape(EVENT_LABELS.get(t, t))}<br>" for t in mine]
    return ("<div class='map-app-legend-head'>Legend</div><div class='map-app-legend-body'>"
            "<div style='color:#555'>size: casualties · ring of a cluster: its events' "
            "families</div>" + "".join(rows)
            + f"<div style='margin-top:3px'>{_shape_svg('circle', MENTION_COLOUR, 10)} "
            "mention (layer off at first)<br><span style='background:#fdae61;opacity:.6'>"
            "&nbsp;&nbsp;&nbsp;</span> RU–UA border ≤ 5 / 10 / 30 km</div></div>")


def incident_map(df: pd.DataFrame, view: str = "de_jure", tiles: bool = True,
                 bands: bool = True, cluster: bool | None = None, prefix: str = "",
                 control=None, control_day=None, references=(), focus=None) -> folium.Map:
    """The whole map: basemap, oblasts and labels, borders and bands, incidents, mentions,
    heatmap, legend, timeline and layer control.

    Parameters
    ----------
    df : pandas.DataFrame
        Places in store layout (see :func:`map_app.store.read_places`).
    view : {"de_jure", "de_facto"}
    tiles, bands, cluster : bool
        Optional OSM tile layer; RU–UA distance bands; force clustering on/off.
    prefix : str
        Origin of the static files when the page is not served by the app.
    control, control_day : ControlLayer and date, optional
        The user's control layer and the day whose occupied area and line of contact are
        drawn (see :func:`front_layers`).
    references : sequence of Reference
        The user's reference layers, drawn (see :func:`reference_layers`).
    focus : (name, lat, lon), optional
        A place found by the search: the map opens on it at zoom 9, marked.
    """
    if len(df):
        lat = float(np.nanmedian(df["lat"]))
        lon = float(np.nanmedian(df["lon"]))
    else:
        lat, lon = 48.5, 32.0
    if focus is not None:
        lat, lon = focus[1], focus[2]
    m = base_map((lat, lon), 9 if focus is not None else 5, tiles=tiles, view=view,
                 prefix=prefix)
    if focus is not None:
        found_marker(focus).add_to(m)
    groups, calls = orientation_layers(prefix)
    for g in groups:
        g.add_to(m)
    for layer in borders_layer(view, bands, prefix):
        layer.add_to(m)
    for layer in [*front_layers(control, control_day), *reference_layers(references)]:
        layer.add_to(m)
    # a region where something happened is shaded, not a dot at its centre
    areas, geoms = _area_rows(df, view)
    areas_layer(areas, geoms).add_to(m)
    for layer in places_layers(df.drop(index=areas.index) if len(areas) else df,
                               m.get_name(), cluster):
        layer.add_to(m)
    heat_layer().add_to(m)
    types = sorted(t for t in df.get("event_type", pd.Series(dtype=object)).dropna().unique())
    name = m.get_name()
    for c in calls:
        c.js = c.js.replace("{map}", name)
        m.add_child(c)
    legend = _json_for_script(legend_html(types or list(EVENT_COLOURS)[:4]))
    m.add_child(_Call(f"MapApp.legend({name}, {legend}); "
                      f"MapApp.finish({name}, {_json_for_script(_style())});"))
    # collapsed: open, it covered popups and the map's corner
    folium.LayerControl(collapsed=True).add_to(m)
    return make_offline(m, prefix)


def app_overlay(since: str | None = None, until: str | None = None, undated: bool = True,
                select: str | None = None, focus=None, measure=None) -> folium.FeatureGroup:
    """What the app changes on a drawn map without drawing it again (streamlit-folium's
    ``feature_group_to_add``): the timeline's date range, the selected place (its key, see
    :func:`row_keys`: the map flies to it and opens its popup), the search's find and the
    measure lines (:func:`measure_layer`)."""
    fg = folium.FeatureGroup(name="Measure and search", control=False)
    js = f"MapApp.setRange({json.dumps(since)}, {json.dumps(until)}, {json.dumps(undated)});"
    if select:
        js += f"MapApp.select({_json_for_script(select)});"
    if focus is not None:
        js += (f"MapApp.found({float(focus[1])}, {float(focus[2])}, "
               f"{_json_for_script(_found_html(focus))});")
    fg.add_child(_Call(f"if (window.MapApp && MapApp.ready) {{ {js} }}"))
    for item in measure or ():
        item.add_to(fg)
    return fg


def _geodesic(lon0: float, lat0: float, lon1: float, lat1: float, n: int = 48) -> list:
    """Points (lat, lon) along the geodesic between two points, for drawing it."""
    from pyproj import Geod

    mid = Geod(ellps="WGS84").npts(lon0, lat0, lon1, lat1, n)
    return [(lat0, lon0), *[(y, x) for x, y in mid], (lat1, lon1)]


def measure_layer(lon: float, lat: float, view: str = "de_jure", control=None,
                  control_day=None) -> list:
    """A clicked point with geodesic lines to the nearest border point, to the RU–UA border
    when another border is nearer, and to the line of contact of a control layer, each
    labelled with its length."""
    from .distance import nearest_border

    out: list = [folium.CircleMarker((lat, lon), radius=5, color="#000", weight=2,
                                     fill=True, fill_color="#fff", fill_opacity=1,
                                     class_name="map-app-measure-point")]
    targets = []
    near = nearest_border(lon, lat, view=view)
    targets.append((near, f"{near['distance_km']:.1f} km to {near['nearest_border']}",
                    "#000"))
    if near["nearest_border"] != "RU-UA":
        ruua = nearest_border(lon, lat, view=view, border="RU-UA")
        targets.append((ruua, f"{ruua['distance_km']:.1f} km to RU–UA", "#444"))
    if control is not None:
        snap = control.snapshot(control_day)
        if snap is not None:
            km, flon, flat = control.front(snap).nearest(lon, lat)
            if km == km:
                targets.append(({"near_lon": flon, "near_lat": flat},
                                f"{km:.1f} km to the line of contact ({snap.day})",
                                FRONT_COLOUR))
    for t, label, colour in targets:
        if t.get("near_lon") is None or t["near_lon"] != t["near_lon"]:
            continue
        line = _geodesic(lon, lat, float(t["near_lon"]), float(t["near_lat"]))
        out.append(folium.PolyLine(line, color=colour, weight=2.5, dash_array="6 4",
                                   class_name="map-app-measure-line"))
        # the length beside the line's far end, which it must not hide
        end = folium.CircleMarker(line[-1], radius=3, color=colour, fill=True, fill_opacity=1)
        folium.Tooltip(label, permanent=True, direction="right", offset=(6, 0),
                       class_name="map-app-measure-label").add_to(end)
        out.append(end)
    return out


COMPARE_COLOURS = {"A": "#0072b2", "B": "#e69f00", "both": "#000000"}


def compare_map(df: pd.DataFrame, a: str, b: str, view: str = "de_jure",
                prefix: str = "") -> folium.Map:
    """The places of two articles on one map: A's only, B's only and the shared ones (a
    gazetteer entry both resolved), each in its own colour, with a small legend."""
    ea = set(df.loc[df["article_id"] == a, "entry"])
    eb = set(df.loc[df["article_id"] == b, "entry"])
    both = df[df["article_id"].isin([a, b])].drop_duplicates("entry")
    m = base_map((float(both["lat"].median()), float(both["lon"].median())) if len(both)
                 else (48.5, 32.0), 5, tiles=False, view=view, prefix=prefix)
    for layer in borders_layer(view, bands=False, prefix=prefix):
        layer.add_to(m)
    for r in both.itertuples():
        side = "both" if r.entry in ea and r.entry in eb else "A" if r.entry in ea else "B"
        folium.CircleMarker((r.lat, r.lon), radius=9 if side == "both" else 6,
                            color="#fff", weight=1.5, fill=True, fill_opacity=0.9,
                            fill_color=COMPARE_COLOURS[side], tooltip=f"{r.place} ({side})",
                            class_name=f"map-app-compare-{side}").add_to(m)
    m.add_child(_Call(
        f"MapApp.legend({m.get_name()}, " + _json_for_script(
            "<div class='map-app-legend-head'>Legend</div><div class='map-app-legend-body'>"
            + "".join(f"{_shape_svg('circle', c)} {k if k != 'both' else 'in both'}<br>"
                      for k, c in COMPARE_COLOURS.items()) + "</div>") + ");"))
    return make_offline(m, prefix)


def _found_html(focus) -> str:
    where = focus[3] if len(focus) > 3 else ""
    return (f"<div class='map-app-found-popup'><b>{html.escape(str(focus[0]))}</b><br>"
            f"{html.escape(str(where))}</div>")


def found_marker(focus) -> folium.Marker:
    """The mark of a place found by the search (name and where it is in its popup)."""
    return folium.Marker((focus[1], focus[2]), tooltip=focus[0],
                         popup=folium.Popup(_found_html(focus), max_width=300),
                         icon=folium.DivIcon(html="<div class='map-app-found'>&#x2316;</div>"))


def highlight_html(text: str, spans, classes=None) -> str:
    """Article text as HTML with the recognised places marked; everything else escaped.

    ``spans`` are ``(start, end)`` character offsets; ``classes`` an optional CSS class each.
    """
    out, pos = [], 0
    classes = list(classes) if classes else [""] * len(spans)
    for (s, e), c in sorted(zip(spans, classes)):
        if s < pos:
            continue
        cls = f" class='{html.escape(c)}'" if c else ""
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark{cls}>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:]))
    # every line ending (CRLF and a lone CR too) becomes <br>: the HTML is one line, so a
    # Markdown renderer given it can never end the HTML block early and read the rest
    return _LINE_END.sub("<br>", "".join(out))


_LINE_END = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
