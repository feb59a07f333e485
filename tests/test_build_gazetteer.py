"""The gazetteer build on tiny inputs written here (never ../shared)."""
import gzip
import shutil
import zipfile
from pathlib import Path

import pytest

from map_app._build_gazetteer import build_gazetteer
from map_app.cli import main
from map_app.gazetteer import Gazetteer

CURATED = Path(__file__).resolve().parent.parent / "data" / "curated"


def _geonames_row(gid, name, ascii_, alts, lat, lon, fclass, fcode, cc, a1, pop):
    cols = [str(gid), name, ascii_, ",".join(alts), str(lat), str(lon), fclass, fcode, cc, "",
            a1, "", "", "", str(pop), "", "100", "Europe/Kyiv", "2023-01-01"]
    return "\t".join(cols) + "\n"


@pytest.fixture()
def tiny(tmp_path):
    cities = tmp_path / "cities.txt.gz"
    with gzip.open(cities, "wt", encoding="utf-8") as f:
        f.write(_geonames_row(692194, "Sumy", "Sumy", ["Суми", "Sumi", "UMY"], 50.9216, 34.80029,
                              "P", "PPLA", "UA", "21", 259660))
        f.write(_geonames_row(1, "Okhtyrka", "Okhtyrka", ["Ахтырка"], 50.31, 34.89, "P", "PPLA2",
                              "UA", "21", 47000))
        f.write(_geonames_row(2, "Springfield", "Springfield", [], 39.8, -89.64, "P", "PPLA",
                              "US", "IL", 114000))
    admin1 = tmp_path / "admin1CodesASCII.txt"
    admin1.write_text("UA.21\tSumy\tSumy\t692196\nUS.IL\tIllinois\tIllinois\t4896861\n")
    return {"cities": cities, "admin1_names": admin1}


def test_build_on_tiny_inputs(tmp_path, tiny):
    out = tmp_path / "gaz"
    stats = build_gazetteer(out_dir=out, curated_dir=CURATED, log=lambda m: None, **tiny)
    assert stats["entries"] > 3
    g = Gazetteer(out)
    # without Ukraine's own inputs (see test_build_ukraine), cities500 has its cities
    sumy = g.lookup("Sumy")
    assert sumy[0].geonameid == 692194 and sumy[0].admin1_name == "Sumy Oblast"
    assert [c.geonameid for c in g.lookup("Суми") if c.kind == "city"] == [692194]
    # regions: curated oblast name and phrases; US state from admin1CodesASCII
    assert g.lookup("Sumy region")[0].feature_code == "ADM1"
    assert g.lookup("Illinois")[0].kind == "region"
    assert g.lookup("Illinois province")[0].kind == "region"
    # the IATA code is kept but ranked as a code
    assert g.lookup("UMY")[0].match == "code"
    # curated landmarks and continents come along
    assert g.lookup("Crimean bridge")[0].kind == "landmark"
    assert g.lookup("Europe")[0].feature_code == "CONT"


def test_cli_build_from_own_geonames_dump(tmp_path, tiny):
    dump = tmp_path / "UA.zip"
    with zipfile.ZipFile(dump, "w") as z:
        z.writestr("UA.txt", _geonames_row(703448, "Kyiv", "Kyiv", ["Kiev"], 50.45466, 30.5238,
                                           "P", "PPLC", "UA", "12", 2797553)
                   + _geonames_row(709930, "Dnipro", "Dnipro", [], 48.4593, 35.03865, "H",
                                   "STM", "UA", "00", 0))
        z.writestr("readme.txt", "not data")
    alt = tmp_path / "alternateNamesV2.txt"
    alt.write_text("1\t703448\ten\tKyiv City Centre\t\t\t\t\t\t\n"
                   "2\t703448\tiata\tIEV\t\t\t\t\t\t\n"
                   "3\t703448\tlink\thttps://example.invalid/Kyiv\t\t\t\t\t\t\n"
                   "4\t709930\ten\tDnieper\t\t\t\t\t\t\n")
    out = tmp_path / "data"
    (out / "curated").mkdir(parents=True)
    for f in CURATED.iterdir():
        shutil.copy(f, out / "curated" / f.name)
    words = tmp_path / "words.txt"
    words.write_text("march\npolice\ndnipro\nkyiv\n")
    rc = main(["data", "build", "--geonames", str(dump), "--alternate-names", str(alt),
               "--admin1", str(tiny["admin1_names"]), "--words", str(words), "--out", str(out),
               "--no-borders"])
    assert rc == 0
    # the lexicon keeps only words that are also place names
    assert (out / "lexicon.txt").read_text().split() == ["dnipro", "kyiv"]
    g = Gazetteer(out / "gazetteer")
    assert g.lookup("Kyiv City Centre")[0].geonameid == 703448
    assert g.lookup("IEV")[0].match == "code"
    assert g.lookup("https://example.invalid/Kyiv") == []
    d = g.lookup("Dnieper")
    assert any(c.geonameid == 709930 and c.feature_class == "H" for c in d)


def test_cli_build_without_inputs_is_a_clear_error(tmp_path, capsys):
    rc = main(["data", "build", "--source", str(tmp_path / "missing"), "--out", str(tmp_path)])
    assert rc == 2
    err = capsys.readouterr().err
    assert "source folder not found" in err and "Traceback" not in err
