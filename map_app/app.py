"""The Streamlit app: a thin shell over the core functions (run by ``map-app serve``)."""
from __future__ import annotations

import os
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from map_app.articles import read_articles
from map_app.places import resolve
from map_app.plot import base_map, make_offline, places_layer


@st.cache_data(show_spinner="Geoparsing articles…")
def _places(paths: tuple[str, ...]):
    out = []
    for art in read_articles([Path(p) for p in paths]):
        gdf = resolve(art.text)
        for r in gdf.drop(columns="geometry").to_dict("records"):
            r["article"] = art.source
            out.append(r)
    return out


def main() -> None:
    st.set_page_config(page_title="map_app", layout="wide")
    st.title("map_app — places in the news")
    paths = tuple(os.environ.get("MAP_APP_ARTICLES", "seeds").split(os.pathsep))
    places = _places(paths)
    st.caption(f"{len(places)} place mentions in {', '.join(paths)} · offline basemap")
    m = base_map()
    places_layer(places).add_to(m)
    import folium

    folium.LayerControl(collapsed=False).add_to(m)
    make_offline(m)
    st_folium(m, height=620, use_container_width=True, returned_objects=[])
    st.dataframe([{k: p[k] for k in ("text", "name", "kind", "country_code", "admin1", "lat",
                                      "lon", "score", "article")} for p in places])


if __name__ == "__main__":
    main()
