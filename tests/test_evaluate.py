from map_app.cli import main
from map_app.evaluate import Span, format_line, match, parse_line, score


def test_parse_and_format_roundtrip():
    line = "Kyiv,,Kyiv,,50.45,,30.52,,10,,14||Sumy,,Sumy,,50.92,,34.8,,30,,34||"
    spans = parse_line(line)
    assert [s.surface for s in spans] == ["Kyiv", "Sumy"]
    assert parse_line(format_line(spans)) == spans


def test_match_rule_surface_and_centre():
    g = [Span("Kyiv", 10, 14, 50.45, 30.52)]
    assert match([Span("kyiv", 12, 16, 50.4, 30.5)], g)          # case-insensitive, centre near
    assert not match([Span("Kyiv", 30, 34, 50.4, 30.5)], g)       # centre too far
    assert not match([Span("Kiev", 10, 14, 50.4, 30.5)], g)       # other surface


def test_scores():
    g = [[Span("Kyiv", 0, 4, 50.45, 30.52), Span("Sumy", 10, 14, 50.92, 34.8)]]
    p = [[Span("Kyiv", 0, 4, 50.45, 30.52), Span("Lviv", 20, 24, 49.8, 24.0)]]
    s = score("x", p, g)
    assert s.precision == 0.5 and s.recall == 0.5 and s.f1 == 0.5
    assert s.acc161 == 1.0 and s.median_km < 0.01 and s.auc < 0.01


def test_cli_evaluate_on_a_tiny_corpus(tmp_path, capsys):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "0").write_text("Shelling hit Sumy and Kyiv.")
    (tmp_path / "texts" / "1").write_text("Nothing here.")
    (tmp_path / "gold.txt").write_text(
        "Sumy,,Sumy,,50.9216,,34.80029,,13,,17||Kyiv,,Kyiv,,50.45466,,30.5238,,22,,26||\n\n")
    (tmp_path / "peers").mkdir()
    (tmp_path / "peers" / "Dummy.txt").write_text("Sumy,,Sumy,,0,,0,,13,,17||\n\n")
    assert main(["evaluate", str(tmp_path), "--peers"]) == 0
    out = capsys.readouterr().out
    assert "| map_app | 1.000 | 1.000 | 1.000 | 1.000 |" in out
    assert "| Dummy |" in out
    assert main(["evaluate", str(tmp_path / "nope")]) == 2
