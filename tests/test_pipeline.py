import itertools
from datetime import date

import pytest
from synthetic import make_articles, make_report

from map_app import pipeline
from map_app.pipeline import analyse, analyse_collection, chunks, read_collection
from map_app.places import Collection


def test_a_short_text_is_one_chunk():
    assert chunks("Kyiv", 10) == [(0, 4)]
    assert chunks("", 10) == [(0, 0)]


def test_chunks_cover_the_text_and_end_at_paragraphs():
    text = make_report(20_000, seed=5)
    spans = chunks(text, 3000)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a == b for (_, a), (b, _) in itertools.pairwise(spans))  # contiguous
    assert all(0 < b - a <= 3000 for a, b in spans)
    # every chunk but the last ends after a paragraph break: the text has one in each half
    assert all(text[b - 2:b] == "\n\n" for _, b in spans[:-1])


def test_chunks_fall_back_to_sentences_blanks_and_the_limit():
    sentences = make_report(20_000, seed=5, newlines=False)
    assert all(sentences[b - 2:b] == ". " for _, b in chunks(sentences, 3000)[:-1])
    words = make_report(20_000, seed=5, punctuated=False, newlines=False)
    assert all(words[b - 1] == " " for _, b in chunks(words, 3000)[:-1])
    blob = "x" * 10_000
    assert chunks(blob, 3000) == [(0, 3000), (3000, 6000), (6000, 9000), (9000, 10_000)]


@pytest.fixture(scope="module")
def articles():
    return make_articles(4, size=3000, seed=21)


def test_chunked_analysis_is_the_analysis_of_each_part(gaz, articles, monkeypatch):
    # each chunk one article: the size fits the longest, and no two together
    size = max(map(len, articles)) + 2
    assert min(map(len, articles)) * 2 + 2 > size
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", size)
    whole = "\n\n".join(articles)
    day = date(2025, 6, 4)
    expected, at = [], 0
    for part in articles:
        for r in analyse(part, day, gaz):
            r["start"] += at
            r["end"] += at
            expected.append(r)
        at += len(part) + 2
    got = analyse(whole, day, gaz)
    assert len(got) > 50
    assert got == expected
    assert all(whole[r["start"]:r["end"]] == r["text"] for r in got)


def test_progress_rises_to_one(gaz, articles, monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 4000)
    text = "\n\n".join(articles)
    done: list[float] = []
    analyse(text, None, gaz, progress=done.append)
    assert len(done) == len(chunks(text, 4000)) > 1
    assert done == sorted(done) and done[-1] == 1.0 and done[0] > 0
    short: list[float] = []
    analyse(articles[0], None, gaz, progress=short.append)
    assert short == [1.0]


def test_an_exception_in_progress_stops_the_analysis(gaz, articles, monkeypatch):
    # the app stops the analysis of a closed session by raising in the callback
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 4000)
    calls: list[float] = []

    def stop(fraction: float) -> None:
        calls.append(fraction)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        analyse("\n\n".join(articles), None, gaz, progress=stop)
    assert len(calls) == 1 and calls[0] < 1.0


def test_a_long_text_without_punctuation_is_analysed(gaz, monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 20_000)
    text = make_report(60_000, seed=9, punctuated=False, newlines=False)
    records = analyse(text, date(2025, 6, 4), gaz)
    assert len(records) > 500
    assert all(text[r["start"]:r["end"]] == r["text"] for r in records)
    assert [r["start"] for r in records] == sorted(r["start"] for r in records)
    assert any(r["role"] == "incident" for r in records)


def test_the_issues_ukrainian_example(gaz):
    text = ("У середу російські війська обстріляли Суми, загинули четверо людей. Ворог також "
            "атакував Харківщину та село Андріївка на Сумщині, що за 5 кілометрів від кордону "
            "з Росією.")
    out = {r["text"]: r for r in analyse(text, date(2026, 11, 27), gaz)}  # a Friday
    sumy = out["Суми"]
    assert (sumy["name"], sumy["role"], sumy["event_type"], sumy["killed"]) == (
        "Sumy", "incident", "shelling_missile_attack", 4)
    assert sumy["event_date"] == "2026-11-25"  # "у середу": the Wednesday before
    assert out["Харківщину"]["entry"] == "adm1:UA.07"
    assert out["Сумщині"]["entry"] == "adm1:UA.21"
    village = out["Андріївка"]
    assert village["admin1"] == "Sumy Oblast" and village["distance_to_border_km"] < 10
    assert village["claim"]["claimed_km"] == 5.0
    assert village["claim"]["verdict"] == "consistent"


def test_the_issues_russian_example(gaz):
    text = ("В среду российские войска нанесли удар по Сумам. В Харьковской области погибли "
            "три человека.")
    out = {r["text"]: r for r in analyse(text, date(2026, 11, 27), gaz)}
    assert out["Сумам"]["name"] == "Sumy" and out["Сумам"]["role"] == "incident"
    assert out["Сумам"]["event_date"] == "2026-11-25"
    region = out["Харьковской области"]
    assert region["entry"] == "adm1:UA.07" and region["killed"] == 3


_NOTES = ["On 12 June 2022, Russian forces shelled Nove, Kharkiv region.",
          "Russian forces shelled Lozova.", "Russian drones hit Lozova overnight."]


def _nove(recs):
    return next(r for r in recs if r["text"] == "Nove")


def test_a_collection_is_read_together_whatever_its_order(gaz):
    alone = _nove(analyse(_NOTES[0], gazetteer=gaz))
    assert alone["admin2"] != "Lozivskyi"  # the note alone leaves two Noves level
    together = analyse_collection(_NOTES, gazetteer=gaz)
    nove = _nove(together[0])
    assert nove["admin2"] == "Lozivskyi" and nove["rule"] == "the collection's places"
    # measured from its new point, as every record is
    assert nove["distance_to_border_km"] != alone["distance_to_border_km"]
    assert nove["role"] == "incident"
    again = analyse_collection(_NOTES[::-1], gazetteer=gaz)
    assert again[::-1] == together
    assert together[1] == analyse(_NOTES[1], gazetteer=gaz)  # nothing level: read once
    assert analyse_collection(_NOTES[:1], gazetteer=gaz) == [analyse(_NOTES[0], gazetteer=gaz)]


def test_a_collection_read_many_at_a_time(gaz):
    # as workers read it: all texts alone, then only the level ones again, with the
    # collection, and the same results as one at a time
    calls = []

    def read_many(texts, collection):
        calls.append((list(texts), collection))
        return [analyse(t, gazetteer=gaz, collection=collection) for t in texts]

    out = read_collection(_NOTES, read_many, lambda recs: Collection.evidence(recs))
    assert out == analyse_collection(_NOTES, gazetteer=gaz)
    assert [c[0] for c in calls] == [_NOTES, [_NOTES[0]]]
    assert calls[0][1] is None and len(calls[1][1]) > 0
