"""The place record: one definition, every layout derived from it."""
import sqlite3
from contextlib import closing

import pandas as pd

from map_app.articles import Article
from map_app.export import PROPERTIES, rows
from map_app.ingest import ingest_articles
from map_app.pipeline import analyse, document_record
from map_app.record import (
    EXPORT,
    FIELDS,
    NAMES,
    READ_ADDED,
    READ_RENAMES,
    STORE_COLUMNS,
    TABLE,
    names_of,
)
from map_app.store import read_places


def test_parse_output_has_the_record_fields_in_order():
    doc = document_record(Article("a.txt", "date 2025-06-04\nShelling hit Kharkiv."))
    assert tuple(doc["places"][0]) == NAMES


def test_every_layout_names_columns_the_store_has():
    stored = {READ_RENAMES.get(c, c) for c, _ in STORE_COLUMNS} | set(READ_ADDED)
    assert {col for _, col in EXPORT} <= stored and set(TABLE) <= stored
    assert PROPERTIES == [p for p, _ in EXPORT]
    # each field is filled by one stage, and the stages cover the record
    assert sum(len(names_of(s)) for s in ("places", "distances", "claims", "incidents",
                                          "control", "references")) == len(FIELDS)


def test_stored_places_read_back_as_recorded(tmp_path):
    store = tmp_path / "s.gpkg"
    art = Article("a.txt", "date 2025-06-04\nShelling hit Kharkiv yesterday, killing 3.")
    ingest_articles([art], store)
    (place,) = document_record(art)["places"]
    (back,) = read_places(store).to_dict("records")
    for f in FIELDS:
        if f.column and f.type != "JSON":
            got = back[READ_RENAMES.get(f.column, f.column)]
            assert got == place[f.name] or (pd.isna(got) and place[f.name] is None), f.name
    assert back["rule"] == place["rule"] and back["event_date_precision"] == "day"
    assert rows(read_places(store))[0]["killed"] == 3


def test_an_older_store_gets_the_new_columns(tmp_path):
    store = tmp_path / "old.gpkg"
    ingest_articles([Article("a.txt", "Shelling hit Kharkiv.")], store)
    with closing(sqlite3.connect(store)) as con:  # as map_app made stores before `rule`
        con.execute("ALTER TABLE places DROP COLUMN rule")
        con.execute("ALTER TABLE places DROP COLUMN event_date_precision")
    ingest_articles([Article("b.txt", "Drones hit Odesa.")], store)
    df = read_places(store).set_index("source")
    assert pd.isna(df.loc["a.txt", "rule"]) and df.loc["b.txt", "rule"] == "prior"


def test_a_record_stays_a_small_dict():
    # a dict of more than 42 keys takes twice the memory: 400,000 records in a 20 MB text
    import sys

    from map_app.record import MAX_FIELDS

    assert len(FIELDS) <= MAX_FIELDS
    rec = document_record(Article("a.txt", "date 2025-06-04\nShelling hit Kharkiv."))
    small = {k: None for k in range(MAX_FIELDS)}
    assert sys.getsizeof(rec["places"][0]) <= sys.getsizeof(small)
    (place,) = analyse("Shelling hit Kharkiv.")
    assert sys.getsizeof(place) <= sys.getsizeof(small)
