"""Our Ukrainian and Russian test corpus (``tests/corpus/{uk,ru}.jsonl``, written by us in the
style of regional administrations, news agencies and Telegram channels) is well formed: every
gold place is where it says in the text and is a gazetteer entry, every event type is ours.

One JSON object per line::

    {"id": "uk-001", "language": "uk", "source": "oblast administration",
     "text": "...", "places": [{"start": 31, "end": 36, "text": "Сумам",
       "id": "geonames:692194", "role": "incident", "event_type": "shelling_missile_attack",
       "killed": 4, "wounded": null}]}
"""
import json
from pathlib import Path

import pytest

from map_app.incidents import EVENT_LABELS

CORPUS = Path(__file__).resolve().parent / "corpus"


def _rows(lang: str) -> list[dict]:
    path = CORPUS / f"{lang}.jsonl"
    if not path.exists():
        pytest.skip(f"{path.name} not written yet")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_corpus_is_well_formed(lang, gaz):
    rows = _rows(lang)
    assert len(rows) >= 150
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    for r in rows:
        assert r["language"] == lang and r["text"].strip() and r["places"], r["id"]
        for p in r["places"]:
            assert r["text"][p["start"]:p["end"]] == p["text"], (r["id"], p)
            assert gaz.get(p["id"]) is not None, (r["id"], p["id"])
            assert p["role"] in ("incident", "mention"), (r["id"], p)
            if p["role"] == "incident":
                assert p.get("event_type") in EVENT_LABELS, (r["id"], p)
            for k in ("killed", "wounded"):
                assert p.get(k) is None or (isinstance(p[k], int) and p[k] >= 0), (r["id"], p)
