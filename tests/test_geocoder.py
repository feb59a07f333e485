"""Geocoders: the offline gazetteer, and a cached geopy geocoder against a fake Nominatim.

Nothing here touches the internet: network tests talk to an HTTP server on 127.0.0.1.
"""
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from geopy.exc import GeocoderTimedOut
from geopy.geocoders import Nominatim
from geopy.location import Location

from map_app.geocoder import CachedGeocoder, OfflineGazetteer, get_geocoder

SUMY_OFFLINE = (50.90168, 34.81215)  # GeoNames, Ukraine dump of 2026-07, centred on its parts
# What the fake Nominatim answers: deliberately not the gazetteer's point, so a test can tell
# a network answer from the offline fall-back.
SUMY_REMOTE = {"place_id": 1, "osm_type": "relation", "osm_id": 1, "lat": "50.9077",
               "lon": "34.7981", "display_name": "Sumy, Sumy Oblast, Ukraine",
               "class": "boundary", "type": "administrative", "importance": 0.6}
TIMEOUT = 0.3  # seconds a "hang" answer makes the client wait


# ---- offline -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def offline(gaz):
    return OfflineGazetteer(gaz)


def test_offline_geocode_sumy(offline):
    loc = offline.geocode("Sumy")
    assert isinstance(loc, Location)
    assert loc.latitude == pytest.approx(50.90, abs=0.01)
    assert loc.longitude == pytest.approx(34.81, abs=0.01)
    assert loc.raw["geonameid"] == 692194
    assert loc.address == "Sumy, Sumy Oblast, UA"


def test_offline_many_candidates(offline):
    locs = offline.geocode("Andriivka", exactly_one=False)
    assert isinstance(locs, list) and 3 <= len(locs) <= 10
    assert all(loc.raw["name"] for loc in locs)
    assert len(offline.geocode("Andriivka", exactly_one=False, limit=3)) == 3


def test_offline_unknown_is_none(offline):
    assert offline.geocode("Xyzzyqqplace") is None
    assert offline.geocode("") is None


def test_offline_address_round_trips_and_qualifiers_narrow(offline):
    assert offline.geocode("Sumy, Sumy Oblast, UA").raw["geonameid"] == 692194
    locs = offline.geocode("Andriivka, Sumy Oblast", exactly_one=False, limit=100)
    assert locs and all(loc.raw["admin1_name"] == "Sumy Oblast" for loc in locs)
    assert offline.geocode({"city": "Sumy", "country": "Ukraine"}).raw["geonameid"] == 692194
    assert offline.geocode("Paris", country_codes=["us"]).raw["country_code"] == "US"


def test_offline_reverse_nearest_populated_place(offline):
    loc = offline.reverse(SUMY_OFFLINE)
    assert loc.raw["geonameid"] == 692194
    assert loc.raw["feature_class"] == "P" and loc.raw["distance_km"] < 1
    near = offline.reverse("50.92, 34.80", exactly_one=False, limit=5)
    # at GeoNames' core of Sumy the nearest populated place is one of its districts
    assert {n.raw["name"] for n in near} >= {"Sumy", "Kovpakivskyi"}
    assert [n.raw["distance_km"] for n in near] == sorted(n.raw["distance_km"] for n in near)
    assert offline.reverse((0.0, -30.0), max_distance_km=50) is None  # mid-Atlantic


# ---- fake Nominatim ----------------------------------------------------------------------
class FakeNominatim(ThreadingHTTPServer):
    """Serves /search like Nominatim; ``script`` lists the next answers, then ``default``."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script: list[str] = []
        self.default = "ok"  # "ok", "empty", "503", "429", "hang"
        self.retry_after = "7"
        self.hits: list[dict] = []
        self.clock = None  # when set, the (fake) time of each hit is recorded
        self.hit_times: list[float] = []
        self.release = threading.Event()  # frees hanging handlers at teardown

    def next_mode(self) -> str:
        return self.script.pop(0) if self.script else self.default


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass

    def do_GET(self):
        srv = self.server
        url = urlsplit(self.path)
        srv.hits.append({k: v[0] for k, v in parse_qs(url.query).items()})
        if srv.clock is not None:
            srv.hit_times.append(srv.clock())
        mode = srv.next_mode()
        if mode == "hang":
            srv.release.wait(5)
            return
        if mode in ("503", "429"):
            self.send_response(int(mode))
            if mode == "429":
                self.send_header("Retry-After", srv.retry_after)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        q = srv.hits[-1].get("q", "")
        body = json.dumps([] if mode == "empty" or q.lower() != "sumy" else [SUMY_REMOTE])
        self._json(body if url.path == "/search" else "[]")

    def _json(self, body: str):
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def server():
    srv = FakeNominatim()
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield srv
    srv.release.set()
    srv.shutdown()
    srv.server_close()


class FakeTime:
    """A clock that only moves when someone sleeps; records every sleep."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time():
    return FakeTime()


@pytest.fixture
def make(server, tmp_path, fake_time, offline):
    """Build a CachedGeocoder on the fake server, a temporary cache and the fake clock."""

    def make(**kw):
        nominatim = Nominatim(user_agent="map_app-test", domain=f"127.0.0.1:{server.server_port}",
                              scheme="http", timeout=TIMEOUT)
        kw = {"cache_dir": tmp_path / "cache", "min_delay_seconds": 0.0, "backoff_seconds": 0.5,
              "fallback": offline, "sleep": fake_time.sleep, "clock": fake_time.clock, **kw}
        return CachedGeocoder(nominatim, **kw)

    return make


def test_answer_is_returned_and_cached(make, server, tmp_path):
    geocoder = make()
    loc = geocoder.geocode("Sumy")
    assert (loc.latitude, loc.longitude) == (50.9077, 34.7981)
    assert loc.raw["place_id"] == 1 and geocoder.last_source == "network"
    assert len(server.hits) == 1 and server.hits[0]["q"] == "Sumy"

    again = geocoder.geocode("  SUMY ")  # normalised query: same cache entry
    assert (again.address, again.point, again.raw) == (loc.address, loc.point, loc.raw)
    assert geocoder.last_source == "cache"
    assert make().geocode("Sumy") is not None  # a new instance reads the same files
    assert len(server.hits) == 1

    files = list((tmp_path / "cache").rglob("*"))
    assert [f.suffix for f in files if f.is_file()] == [".json"]  # no temp files left

    make().geocode("Sumy", exactly_one=False)  # other options: another entry
    assert len(server.hits) == 2


def test_503_is_retried_with_exponential_backoff(make, server, fake_time):
    server.script = ["503", "503"]
    loc = make(max_retries=3).geocode("Sumy")
    assert loc.raw["place_id"] == 1
    assert len(server.hits) == 3
    assert fake_time.sleeps == [0.5, 1.0]


def test_timeouts_fall_back_to_offline_gazetteer(make, server, fake_time, caplog):
    server.default = "hang"
    geocoder = make(max_retries=2)
    with caplog.at_level(logging.WARNING, logger="map_app.geocoder"):
        loc = geocoder.geocode("Sumy")
    assert len(server.hits) == 3 and fake_time.sleeps == [0.5, 1.0]
    assert (loc.latitude, loc.longitude) == pytest.approx(SUMY_OFFLINE)
    assert loc.raw["source"] == "offline-fallback" and loc.raw["geonameid"] == 692194
    assert geocoder.last_source == "offline-fallback"
    assert isinstance(geocoder.last_error, GeocoderTimedOut)
    assert "offline" in caplog.text.lower() or "OfflineGazetteer" in caplog.text

    server.default = "ok"  # fall-back answers are not cached: the service is asked again
    assert geocoder.geocode("Sumy").raw["place_id"] == 1
    assert geocoder.last_source == "network"


def test_no_fallback_raises(make, server):
    server.default = "503"
    with pytest.raises(GeocoderTimedOut):  # geopy maps 503 to GeocoderTimedOut
        make(max_retries=1, fallback=None).geocode("Sumy")
    assert len(server.hits) == 2


def test_429_honours_retry_after(make, server, fake_time):
    server.script = ["429"]
    server.retry_after = "7"
    loc = make(backoff_seconds=0.1).geocode("Sumy")
    assert loc.raw["place_id"] == 1
    assert fake_time.sleeps == [7]


def test_overlong_retry_after_falls_back_at_once(make, server, fake_time):
    server.default = "429"
    server.retry_after = "3600"
    loc = make(max_backoff_seconds=60).geocode("Sumy")
    assert loc.raw["source"] == "offline-fallback"
    assert len(server.hits) == 1 and fake_time.sleeps == []


def test_rate_limit_spaces_network_calls(make, server, fake_time):
    server.clock = fake_time.clock
    geocoder = make(min_delay_seconds=1.0)
    geocoder.geocode("Sumy")
    geocoder.geocode("Kyiv")
    geocoder.geocode("Sumy")  # cache hit: no wait, no call
    assert fake_time.sleeps == [pytest.approx(1.0)]
    assert len(server.hit_times) == 2
    assert server.hit_times[1] - server.hit_times[0] >= 1.0


def test_empty_answer_is_none_and_cached(make, server):
    server.default = "empty"
    assert make().geocode("Atlantis") is None
    assert make().geocode("Atlantis") is None
    assert len(server.hits) == 1


def test_unreachable_server_falls_back(tmp_path, fake_time, offline):
    # a port nobody listens on: connection refused is GeocoderUnavailable
    with ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as probe:
        port = probe.server_port
    geocoder = CachedGeocoder(
        Nominatim(user_agent="map_app-test", domain=f"127.0.0.1:{port}", scheme="http",
                  timeout=TIMEOUT),
        cache_dir=tmp_path, max_retries=1, fallback=offline, sleep=fake_time.sleep,
        clock=fake_time.clock)
    assert geocoder.geocode("Sumy").raw["source"] == "offline-fallback"
    assert not list(tmp_path.rglob("*.json"))


def test_damaged_cache_file_is_a_miss(make, server, tmp_path):
    make().geocode("Sumy")
    (entry,) = (tmp_path / "cache").rglob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    assert make().geocode("Sumy").raw["place_id"] == 1
    assert len(server.hits) == 2


# ---- factory -----------------------------------------------------------------------------
def test_get_geocoder(tmp_path):
    assert isinstance(get_geocoder(), OfflineGazetteer)
    nominatim = get_geocoder("nominatim", cache_dir=tmp_path, domain="127.0.0.1:9",
                             scheme="http", max_retries=0)
    assert isinstance(nominatim, CachedGeocoder)
    assert isinstance(nominatim.provider, Nominatim) and nominatim.max_retries == 0
    assert nominatim.provider.headers["User-Agent"] == "map_app"
    photon = get_geocoder("photon", cache_dir=tmp_path)
    assert type(photon.provider).__name__ == "Photon"


def test_get_geocoder_unknown_name():
    with pytest.raises(ValueError, match="unknown geocoder 'nope'"):
        get_geocoder("nope")
