"""Folium maps that render with no internet.

Leaflet, jQuery and MarkerCluster come from the PyPI XStatic packages and are served by
Streamlit's static serving (see :mod:`map_app._serve`); the basemap is our own country outlines.
"""
from __future__ import annotations

import html
import shutil
from pathlib import Path

import folium

# URL prefix under which Streamlit serves the app folder's ``static/`` directory.
STATIC_URL = "/app/static"


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


def base_map(location=(48.5, 32.0), zoom_start: int = 5, tiles: bool = False,
             view: str = "de_jure") -> folium.Map:
    """A map with our country outlines as the offline basemap and optional OSM tiles.

    Parameters
    ----------
    location : (lat, lon)
    zoom_start : int
    tiles : bool
        Add OpenStreetMap tiles as an optional layer (needs internet).
    view : {"de_jure", "de_facto"}
        Which country outlines to draw.
    """
    from .borders import load_countries

    m = folium.Map(location=list(location), zoom_start=zoom_start, tiles=None,
                   prefer_canvas=True, control_scale=True)
    countries = load_countries(view)[["iso_a2", "name", "geometry"]].copy()
    countries["geometry"] = countries.geometry.simplify(0.02, preserve_topology=True)
    folium.GeoJson(
        countries.to_json(drop_id=True), name="Countries (offline)",
        style_function=lambda f: {"fillColor": "#f2efe9", "color": "#8c8c8c", "weight": 0.8,
                                  "fillOpacity": 1.0},
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
    ).add_to(m)
    if tiles:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)", show=False,
                         overlay=False).add_to(m)
    return m


def places_layer(places, name: str = "Places") -> folium.FeatureGroup:
    """One circle marker per place; ``places`` is an iterable of dicts with name/lat/lon/text.

    Every string is HTML-escaped before it reaches the popup.
    """
    fg = folium.FeatureGroup(name=name)
    for p in places:
        popup = (f"<b>{html.escape(str(p['name']))}</b><br>"
                 f"“{html.escape(str(p.get('text', '')))}”<br>"
                 f"{p['lat']:.4f}, {p['lon']:.4f} · {html.escape(str(p.get('kind', '')))}")
        folium.CircleMarker(location=[p["lat"], p["lon"]], radius=7, color="#b2182b",
                            fill=True, fill_opacity=0.8, weight=1,
                            popup=folium.Popup(popup, max_width=300),
                            tooltip=html.escape(str(p["name"]))).add_to(fg)
    return fg
