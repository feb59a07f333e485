"""Reference layers (map_app.references): lines and areas we draw, measured to."""
import json

import numpy as np
import pytest
import shapely
from reference import geod_to_lines

from map_app.cli import main
from map_app.references import ReferenceError, parse_spec, read_reference

# a made-up river from Kyiv's west to its east, and a made-up zone around Kharkiv
RIVER = shapely.LineString([(30.0, 50.3), (30.5, 50.45), (31.0, 50.4)])
ZONE = shapely.box(36.0, 49.8, 36.5, 50.2)


def _write(path, geom):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(geom)}]}))
    return path


def test_a_line_is_measured_as_exactly_as_a_border(tmp_path):
    ref = read_reference(f"river={_write(tmp_path / 'r.geojson', RIVER)}")
    rng = np.random.default_rng(2)
    lon, lat = rng.uniform(29, 32, 100), rng.uniform(49.5, 51.5, 100)
    assert np.allclose(ref.distance(lon, lat), geod_to_lines(lon, lat, [RIVER], 1.0),
                       rtol=1e-3, atol=0.005)


def test_an_area_is_negative_inside(tmp_path):
    ref = read_reference(f"zone={_write(tmp_path / 'z.geojson', ZONE)}")
    d = ref.distance([36.25, 37.0], [50.0, 50.0])
    assert d[0] < 0 < d[1]


@pytest.mark.parametrize("spec, message", [
    ("river", "NAME=FILE"), ("Bad Name=x.geojson", "lower-case"),
    ("river=/nope.geojson", "no such file"),
])
def test_bad_specs_are_one_line(spec, message):
    with pytest.raises(ReferenceError, match=message):
        read_reference(spec)


def test_parse_spec():
    name, path = parse_spec(" Dnipro = river.geojson ")
    assert name == "dnipro" and path.name == "river.geojson"


def test_parse_and_export_carry_the_distance(tmp_path, capsys):
    river = _write(tmp_path / "r.geojson", RIVER)
    arts = tmp_path / "arts"
    arts.mkdir()
    (arts / "a.txt").write_text("date 2025-06-04\nShelling hit Kyiv and Kharkiv.")
    assert main(["parse", str(arts), "--reference", f"river={river}"]) == 0
    doc = json.loads(capsys.readouterr().out)
    refs = {p["text"]: p["references"] for p in doc["places"]}
    assert refs["Kyiv"]["river"] < 5 < refs["Kharkiv"]["river"]
    store = tmp_path / "s.gpkg"
    assert main(["ingest", str(arts), "--store", str(store), "--reference",
                 f"river={river}"]) == 0
    out = tmp_path / "x.geojson"
    assert main(["export", "--store", str(store), "-o", str(out)]) == 0
    props = {f["properties"]["place"]: f["properties"]
             for f in json.loads(out.read_text())["features"]}
    assert props["Kyiv"]["distance_to_river_km"] == refs["Kyiv"]["river"]
    assert main(["parse", str(arts), "--reference", "river"]) == 2
    assert "NAME=FILE" in capsys.readouterr().err
