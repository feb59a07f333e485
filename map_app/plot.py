"""Folium maps that render with no internet.

Leaflet, jQuery and MarkerCluster come from the PyPI XStatic packages and are served by
Streamlit's static serving (see :mod:`map_app._serve`); the basemap is our own country
outlines. Places go into one GeoJson layer per role (not a loop of Markers), so 10,000
incidents stay a small page that renders fast.
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
from branca.element import Element, Figure, MacroElement, Template
from folium.plugins import MarkerCluster

# URL prefix under which Streamlit serves the app folder's ``static/`` directory.
STATIC_URL = "/app/static"

# Colours by event type (ColorBrewer-like, readable on the pale basemap).
EVENT_COLOURS = {
    "shelling_missile_attack": "#d7301f",
    "air_drone_strike": "#7a0177",
    "remote_explosive": "#fd8d3c",
    "explosion": "#fc4e2a",
    "attack": "#e31a1c",
    "armed_clash": "#08519c",
    "territory_captured": "#2171b5",
    "attack_on_civilians": "#67000d",
    "property_destruction": "#8c6d31",
    "evacuation": "#238b45",
    "arrest": "#525252",
    "protest": "#dd3497",
    "disrupted_weapons_use": "#41ab5d",
}
MENTION_COLOUR = "#7f7f7f"
BAND_KM = (5, 10, 30)
CLUSTER_ABOVE = 300  # cluster the incident layer when it has more points than this


def _xstatic_dirs() -> dict[str, Path]:
    import xstatic.pkg.jquery as jq
    import xstatic.pkg.leaflet as lf
    import xstatic.pkg.leaflet_markercluster as mc

    return {"leaflet": Path(lf.BASE_DIR), "jquery": Path(jq.BASE_DIR),
            "markercluster": Path(mc.BASE_DIR)}


def install_static(dest: Path) -> Path:
    """Copy the XStatic Leaflet, jQuery and MarkerCluster files into ``dest`` (idempotent)."""
    dest = Path(dest)
    for name, src in _xstatic_dirs().items():
        target = dest / name
        if not (target / ".complete").exists():
            shutil.copytree(src, target, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("*.map", "*.esm.js", "__pycache__"))
            (target / ".complete").write_text("ok")
    return dest


def layer_url(kind: str, view: str) -> str:
    """Where the app serves one of the basemap layers (a cached static GeoJSON file)."""
    return f"{STATIC_URL}/layers/{kind}_{view}.geojson"


def write_static_layers(dest: Path) -> Path:
    """Write the basemap, border and band GeoJSON files into ``dest/layers`` (idempotent).

    They are static assets like Leaflet itself: the browser fetches and caches them, so the
    map page only carries the places.
    """
    from ._paths import data_dir

    out = Path(dest) / "layers"
    out.mkdir(parents=True, exist_ok=True)
    stamp = max(p.stat().st_mtime for p in data_dir().glob("*.parquet"))
    for kind, make in STATIC_LAYERS.items():
        for view in ("de_jure", "de_facto"):
            f = out / f"{kind}_{view}.geojson"
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
}
OFFLINE_CSS = {
    "leaflet_css": f"{STATIC_URL}/leaflet/leaflet.css",
    "markerclustercss": f"{STATIC_URL}/markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": f"{STATIC_URL}/markercluster/MarkerCluster.Default.css",
}


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


# below the functions it names, so that the type checker can resolve them
STATIC_LAYERS = {
    "countries": lambda view: _countries_geojson(view),
    "borders": lambda view: _borders_geojson(view),
    "bands": lambda view: border_bands(view),
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
    root = m.get_root()
    assert isinstance(root, Figure)  # folium.Map puts itself in a Figure when created
    root.header.add_child(folium.Element(
        "<style>.leaflet-container{background:#cfe3ef}</style>"))  # sea
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
    # an article's name may be its whole first sentence: the popup shows its start
    out["article_t"] = [a if len(a) <= 80 else a[:a.rfind(" ", 0, 79)] + "…"
                        for a in out["article_t"]]
    out["date"] = [None if v is None or v != v else str(v)[:10]
                   for v in (df["event_date"].fillna(df.get("article_date")) if "event_date"
                             in df else col("date"))]
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


class PlacesLayer(MacroElement):
    """Circle markers for many places from compact arrays, with popups built on click.

    Every string is inserted with an escaping function: text from an article can never run.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
          var D = {{ this.data }};
          var C = {{ this.colours }}, LABELS = {{ this.labels }};  // not L: Leaflet
          var esc = function(s) { return String(s == null ? "" : s).replace(/[&<>"']/g,
              function(c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                                    "'": "&#39;"}[c]; }); };
          var T = function(name, i) { var k = D[name][i]; return k < 0 ? "" : D[name + "_t"][k]; };
          var popup = function(i) {
            var place = T("place", i), text = T("text", i), q = D.quote[i] || "", h = esc(q);
            var at = text ? q.indexOf(text) : -1;
            if (at >= 0) { h = esc(q.slice(0, at)) + "<mark><b>" + esc(text) + "</b></mark>" +
                               esc(q.slice(at + text.length)); }
            var out = ["<b>" + esc(place) + "</b> <span style='color:#666'>(" +
                       esc({{ this.role_js }}) + ")</span>"];
            if (q) out.push("<div style='margin:4px 0'>“" + h + "”</div>");
            out.push("<i>" + esc(T("article", i)) + "</i> · " + esc(D.date[i] || ""));
            var et = T("event_type", i);
            if (et) {
              var cas = [];
              if (D.killed[i] != null) cas.push(D.killed[i] + " killed");
              if (D.wounded[i] != null) cas.push(D.wounded[i] + " wounded");
              out.push("Event: " + esc(LABELS[et] || et.replace(/_/g, " ")) +
                       (cas.length ? " · " + esc(cas.join(", ")) : ""));
            }
            if (D.dist[i] != null) out.push("Border: " + esc(D.dist[i].toFixed(1)) + " km to " +
                                            esc(T("nearest_border", i)));
            var v = T("claim_verdict", i);
            if (v) out.push("Claim: " + esc(D.claim[i] || "") + " → <b>" + esc(v) + "</b>");
            var c = T("control", i);
            if (c) out.push("Control: " + esc(c));
            out.push("Gazetteer: " + esc(T("entry", i)) + " (" + D.lat[i].toFixed(4) + ", " +
                     D.lon[i].toFixed(4) + ")");
            var a = D.alts[i] || [];
            if (a.length) out.push("Runners-up: " + a.map(function(x) {
              return esc(x[0]) + " (" + esc(x[1]) + ", " + esc(x[2]) + ") " + esc(x[3]);
            }).join("; "));
            return "<div class='map-app-popup'>" + out.join("<br>") + "</div>";
          };
          var group = {{ this.target }};
          for (var i = 0; i < D.lon.length; i++) {
            var et = T("event_type", i);
            var size = (D.killed[i] || 0) + 0.5 * (D.wounded[i] || 0);
            var mk = L.circleMarker([D.lat[i], D.lon[i]], {
              radius: {{ this.muted }} ? 5 : Math.min(6 + 3 * Math.sqrt(size), 22),
              color: "#ffffff", weight: 1, fillOpacity: {{ this.muted }} ? 0.55 : 0.85,
              fillColor: {{ this.muted }} ? "{{ this.mention }}" : (C[et] || "#e31a1c"),
              className: "{{ this.css }}"
            });
            (function(j) {
              mk.bindPopup(function() { return popup(j); }, {maxWidth: 380});
              mk.bindTooltip(esc(T("place", j)));
            })(i);
            group.addLayer(mk);
          }
        })();
        {% endmacro %}
    """)

    def __init__(self, df: pd.DataFrame, target, role: str):
        super().__init__()
        self._name = "PlacesLayer"
        self.data = _json_for_script(_compact(df))
        self.colours = _json_for_script(EVENT_COLOURS)
        from .incidents import EVENT_LABELS

        self.labels = _json_for_script(EVENT_LABELS)
        self.role_js = json.dumps(role)
        self.muted = "true" if role == "mention" else "false"
        self.mention = MENTION_COLOUR
        self.css = f"map-app-{role}"
        self._target = target

    @property
    def target(self) -> str:
        return self._target.get_name()


def places_layers(df: pd.DataFrame, cluster: bool | None = None) -> list:
    """Incident and mention layers from places in store layout (``place``, ``lat``, ``lon``,
    ``role``, ``event_type``, ``killed``, ``wounded``, ``quote``, …)."""
    layers = []
    for role, name, show in (("incident", "Incidents", True), ("mention", "Mentions", False)):
        part = df[df["role"] == role] if "role" in df else df.iloc[0:0]
        fg = folium.FeatureGroup(name=f"{name} ({len(part)})", show=show)
        target: Element = fg
        if role == "incident" and (cluster if cluster is not None else len(part) > CLUSTER_ABOVE):
            target = MarkerCluster(control=False).add_to(fg)
        if len(part):
            fg.add_child(PlacesLayer(part, target, role))
        layers.append(fg)
    return layers


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
    """Region incidents as their shaded outlines, coloured by event type, with a tooltip of
    the place, the event and its casualties."""
    import shapely

    fg = folium.FeatureGroup(name=f"Incident areas ({len(df)})", show=True)
    feats = []
    for r, g in zip(df.to_dict("records"), geoms):
        from .incidents import EVENT_LABELS

        et = str(r.get("event_type") or "")
        what = EVENT_LABELS.get(et, et.replace("_", " ") or "event")
        killed = r.get("killed")
        tip = f"{r['place']}: {what}" + (f", {int(killed)} killed" if killed == killed
                                          and killed is not None else "")
        feats.append({"type": "Feature", "geometry": shapely.geometry.mapping(g),
                      "properties": {"tip": tip, "colour": EVENT_COLOURS.get(
                          str(r.get("event_type")), "#e31a1c")}})
    if feats:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": feats},
            style_function=lambda f: {"color": f["properties"]["colour"], "weight": 2,
                                      "dashArray": AREA_DASH, "fillOpacity": 0.18,
                                      "fillColor": f["properties"]["colour"]},
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
        ).add_to(fg)
    return fg


class Legend(MacroElement):
    """A fixed legend of event colours, mentions and border bands (above the scale bar, which
    Leaflet puts in the bottom-left corner too)."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <div id="map-app-legend" style="position:absolute; bottom:62px; left:10px; z-index:999;
             background:rgba(255,255,255,.92); padding:6px 9px; border:1px solid #bbb;
             border-radius:4px; font:12px/1.35 sans-serif; max-width:220px">
          <b>Incidents</b> (size: casualties)<br>{{ this.rows }}
          <span style="color:{{ this.mention }}">●</span> mention (layer off by default)<br>
          <span style="background:#fdae61;opacity:.6">&nbsp;&nbsp;&nbsp;</span>
          RU–UA border ≤ 5 / 10 / 30 km
        </div>
        {% endmacro %}
    """)

    def __init__(self, event_types):
        super().__init__()
        self._name = "Legend"
        self.mention = MENTION_COLOUR
        from .incidents import EVENT_LABELS

        self.rows = "".join(
            f"<span style='color:{EVENT_COLOURS.get(t, '#e31a1c')}'>●</span> "
            f"{html.escape(EVENT_LABELS.get(t, t.replace('_', ' ')))}<br>" for t in event_types)


def incident_map(df: pd.DataFrame, view: str = "de_jure", tiles: bool = True,
                 bands: bool = True, cluster: bool | None = None, prefix: str = "",
                 control=None, control_day=None, references=(), focus=None) -> folium.Map:
    """The whole map: basemap, borders and bands, incidents, mentions, legend, layer control.

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
        folium.Marker((focus[1], focus[2]), tooltip=focus[0],
                      icon=folium.DivIcon(html="<div class='map-app-found' style='font-size:"
                                               "22px;color:#000'>&#x2316;</div>")).add_to(m)
    for layer in borders_layer(view, bands, prefix):
        layer.add_to(m)
    for layer in [*front_layers(control, control_day), *reference_layers(references)]:
        layer.add_to(m)
    # a region where something happened is shaded, not a dot at its centre
    areas, geoms = _area_rows(df, view)
    areas_layer(areas, geoms).add_to(m)
    for layer in places_layers(df.drop(index=areas.index) if len(areas) else df, cluster):
        layer.add_to(m)
    types = sorted(t for t in df.get("event_type", pd.Series(dtype=object)).dropna().unique())
    m.get_root().add_child(Legend(types or list(EVENT_COLOURS)[:4]))
    # collapsed: open, it covered popups and the map's corner
    folium.LayerControl(collapsed=True).add_to(m)
    return make_offline(m, prefix)


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
