"""Telling the war's languages apart: English, Ukrainian, Russian, per article and paragraph."""
from map_app.language import describe, detect, paragraphs

UK = ("У середу російські війська обстріляли Суми, загинули четверо людей. Ворог також "
      "атакував Харківщину та село Андріївка на Сумщині.")
RU = "В среду российские войска нанесли удар по Сумам. В Харьковской области погибли три человека."
EN = "Russian shelling hit Sumy overnight, killing four people and wounding twenty, officials said."


def test_the_three_languages():
    assert detect(EN) == "en" and detect(UK) == "uk" and detect(RU) == "ru"
    # the letters Ukrainian and Russian share do not decide: a short post still reads right
    assert detect("Обстріл Херсона: є поранені.") == "uk"
    assert detect("Обстрел Херсона: есть раненые.") == "ru"


def test_too_little_text_is_undetermined():
    assert detect("") == "und" and detect("Суми") == "und" and detect("12:30 — 5 km") == "und"


def test_a_mixed_post_is_told_paragraph_by_paragraph():
    text = f"{UK}\n\n{RU}\n\n{UK}"
    parts = paragraphs(text)
    assert [p[2] for p in parts] == ["uk", "ru", "uk"]
    assert text[parts[1][0]:parts[1][1]] == RU
    d = describe(text)
    assert d["language"] == "uk" and [p[2] for p in d["languages"]] == ["uk", "ru", "uk"]
    assert describe(f"{EN}\n\n{EN}") == {"language": "en"}
    assert describe(RU) == {"language": "ru"}


def test_english_needs_no_model():
    # an English article is decided by its common words: no model is loaded for it
    from map_app import language

    language._detector.cache_clear()
    for _ in range(20):
        assert describe(EN * 20) == {"language": "en"}
    assert language._detector.cache_info().currsize == 0


def test_parse_output_names_the_language(seed_text):
    from map_app.articles import Article
    from map_app.pipeline import document_record

    assert document_record(Article(source="seed", text=seed_text))["language"] == "en"
    rec = document_record(Article(source="post", text=UK))
    assert rec["language"] == "uk"
