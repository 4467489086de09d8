"""ui.urlstate: state -> URL -> the same state (examples and a hypothesis property); bad values are
dropped with a problem, never raised."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layers.parks import KINDS, STATUSES
from layers.sites import SiteQuery
from ui.urlstate import STATE_KEYS, decode, encode, query_state, site_query

CITIES = ("广州市", "佛山市", "清远市", "中山市")  # cities come from the data: any 市 a park names

ROOT = Path(__file__).resolve().parent.parent
FULL = {
    "industries": ["新型显示", "电子商务"], "cities": ["广州市"], "kinds": ["park", "zone"], "statuses": ["developing"],
    "min_area_km2": 1.0, "max_area_km2": 5.0, "metro_within_m": 800.0, "network": 2025, "max_hsr_m": 3000.0,
    "max_airport_m": 25000.0, "compare": ["gz-vip-pazhou", "gz-vip-zengcheng"], "lat": 23.12346, "lon": 113.36121,
    "zoom": 12, "lang": "en", "story": "metro-to-parks", "slide": 3,
}


def test_urlstate_imports_no_streamlit():
    code = "import sys, ui.urlstate; print('streamlit' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_encode_is_compact_and_readable():
    assert encode(FULL) == {
        "ind": "新型显示,电子商务", "city": "广州市", "kind": "park,zone", "st": "developing",
        "cmp": "gz-vip-pazhou,gz-vip-zengcheng", "area": "1-5", "metro": "800", "hsr": "3000", "air": "25000",
        "net": "2025", "lat": "23.12346", "lon": "113.36121",
        "z": "12", "lang": "en", "story": "metro-to-parks", "slide": "3"}


def test_round_trip_full_state():
    assert decode(encode(FULL)) == {**FULL, "_problems": []}


def test_open_area_ranges_and_network_words():
    assert encode({"min_area_km2": 2.5}) == {"area": "2.5-"}
    assert encode({"max_area_km2": 0.75, "network": "full"}) == {"area": "-0.75", "net": "full"}
    assert decode({"area": "2.5-"}) == {"min_area_km2": 2.5, "_problems": []}
    assert decode({"area": "-0.75", "net": "existing"}) == {"max_area_km2": 0.75, "network": "existing",
                                                             "_problems": []}


def test_coordinates_are_rounded_to_five_decimals():
    assert encode({"lat": 23.123456789, "lon": -0.000004}) == {"lat": "23.12346", "lon": "0"}
    assert decode({"lat": "23.123456789"})["lat"] == 23.12346


def test_commas_and_percent_inside_a_chip_survive():
    state = {"industries": ["a,b", "100%", "%2C"]}
    assert encode(state) == {"ind": "a%2Cb,100%25,%252C"}
    assert decode(encode(state))["industries"] == ["a,b", "100%", "%2C"]


def test_empty_and_none_are_left_out():
    assert encode({"industries": [], "cities": None, "lat": None, "story": "", "_problems": ["x"]}) == {}
    assert decode({}) == {"_problems": []}


def test_encode_refuses_unknown_state_keys():
    with pytest.raises(ValueError, match="not URL state key\\(s\\): zom; known: industries"):
        encode({"zom": 12})


def test_bad_values_are_dropped_with_a_problem():
    params = {"area": "5-1", "z": "²", "net": "soon", "lat": "95", "lon": "abc", "cmp": "A,b,c,d,e,f",
              "city": "北京市,广州市", "slide": "0", "metro": "-3", "air": "nan", "hsr": "inf", "lang": "fr",
              "story": "Bad Id", "kind": "campus", "st": "open", "other": "ignored-other-page-key"}
    assert decode(params, choices={"cities": ("广州市", "佛山市", "清远市")}) == {
        "cities": ["广州市"], "compare": ["b", "c", "d", "e"],
        "_problems": [
            "city: '北京市' is not one of 广州市, 佛山市, 清远市; ignored",
            "kind: 'campus' is not one of zone, park, carrier, phase; ignored",
            "st: 'open' is not one of established, developing, planned; ignored",
            "cmp: 'A' is not a park id; ignored",
            "cmp: at most 4 parks are compared; kept the first 4",
            "area='5-1': the lower bound is above the upper bound; ignored",
            "metro='-3': not a distance in metres (a number ≥ 0); ignored",
            "hsr='inf': not a distance in metres (a number ≥ 0); ignored",
            "air='nan': not a distance in metres (a number ≥ 0); ignored",
            "net='soon': not a year (1990-2060), 'existing' or 'full'; ignored",
            "lat='95': not a latitude in degrees (-90 to 90); ignored",
            "lon='abc': not a longitude in degrees (-180 to 180); ignored",
            "z='²': not a zoom level (a whole number 0-22); ignored",
            "lang='fr': not zh or en; ignored",
            "story='Bad Id': not a story id (a lowercase slug); ignored",
            "slide='0': not a slide number (1, 2, ...); ignored",
        ]}


@pytest.mark.parametrize("area, problem", [
    ("abc", "area='abc': not an area range in km² like 1-5, 1- or -5; ignored"),
    ("-", "area='-': not an area range in km² like 1-5, 1- or -5; ignored"),
    ("1-2-3", "area='1-2-3': not an area range in km² like 1-5, 1- or -5; ignored"),
    ("1e999-", "area='1e999-': not an area range in km² like 1-5, 1- or -5; ignored"),
])
def test_bad_area_ranges(area, problem):
    assert decode({"area": area}) == {"_problems": [problem]}


def test_unknown_compared_parks_dropped_when_ids_are_given():
    out = decode({"cmp": "gz-vip-pazhou,gone,gz-vip-pazhou"}, park_ids={"gz-vip-pazhou"})
    assert out == {"compare": ["gz-vip-pazhou"], "_problems": ["cmp: 'gone' is not the id of a park; ignored"]}


def test_repeated_key_given_as_a_list_takes_the_last():
    assert decode({"lang": ["zh", "en"]}) == {"lang": "en", "_problems": []}


def test_site_query_from_state_and_back():
    state = decode(encode(FULL))
    q = site_query(state)
    assert q == SiteQuery(industries=("新型显示", "电子商务"), cities=("广州市",), kinds=("park", "zone"),
                          statuses=("developing",), min_area_km2=1.0, max_area_km2=5.0, metro_within_m=800.0,
                          network=2025, max_hsr_m=3000.0, max_airport_m=25000.0, include_unknown_area=True)
    assert site_query({}) == SiteQuery(include_unknown_area=True)  # parks of unknown area stay unless excluded
    assert query_state(SiteQuery()) == {}
    assert site_query(decode(encode(query_state(q)))) == q


def test_unknown_areas_are_kept_unless_the_url_says_unk_0():
    """Issue 21: parks of unknown area pass an area bound unless the user excludes them, which
    the URL says with `unk=0`; `unk=1` (older links) says the default."""
    assert encode({"unknown_area": False}) == {"unk": "0"} and encode({"unknown_area": True}) == {"unk": "1"}
    assert encode({"unknown_area": None}) == {}
    assert site_query(decode({"area": "1-5"})).include_unknown_area is True
    assert site_query(decode({"area": "1-5", "unk": "0"})).include_unknown_area is False
    excluding = SiteQuery(min_area_km2=1.0, include_unknown_area=False)
    assert query_state(excluding) == {"min_area_km2": 1.0, "unknown_area": False}
    assert query_state(SiteQuery(min_area_km2=1.0, include_unknown_area=True)) == {"min_area_km2": 1.0}
    assert site_query(decode(encode(query_state(excluding)))) == excluding


# --------------------------------------------------------------------------- property: state -> URL -> state

_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12).map(str.strip).filter(bool)
_slug = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
_metres = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)
_area = st.floats(min_value=0, max_value=1e5, allow_nan=False, allow_infinity=False)


@st.composite
def states(draw) -> dict:
    s: dict = {}
    if draw(st.booleans()):
        s["industries"] = draw(st.lists(_text, min_size=1, max_size=4, unique=True))
    for key, values in (("cities", CITIES), ("kinds", KINDS), ("statuses", STATUSES)):
        if draw(st.booleans()):
            s[key] = draw(st.lists(st.sampled_from(values), min_size=1, unique=True))
    if draw(st.booleans()):
        s["compare"] = draw(st.lists(_slug, min_size=2, max_size=4, unique=True))
    lo, hi = draw(st.none() | _area), draw(st.none() | _area)
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    if lo is not None:
        s["min_area_km2"] = lo
    if hi is not None:
        s["max_area_km2"] = hi
    for key in ("metro_within_m", "max_hsr_m", "max_airport_m"):
        if draw(st.booleans()):
            s[key] = draw(_metres)
    if draw(st.booleans()):
        s["network"] = draw(st.integers(1990, 2060) | st.sampled_from(["existing", "full"]))
    if draw(st.booleans()):
        s["lat"] = round(draw(st.floats(-90, 90)), 5)
        s["lon"] = round(draw(st.floats(-180, 180)), 5)
        s["zoom"] = draw(st.integers(0, 22))
    if draw(st.booleans()):
        s["lang"] = draw(st.sampled_from(["zh", "en"]))
    if draw(st.booleans()):
        s["story"] = draw(_slug)
        s["slide"] = draw(st.integers(1, 500))
    return s


@settings(max_examples=300, deadline=None)
@given(states())
def test_property_state_url_state(state):
    assert set(state) <= set(STATE_KEYS)
    assert decode(encode(state)) == {**state, "_problems": []}


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["ind", "city", "kind", "st", "cmp", "area", "metro", "net", "hsr", "air",
                                        "lat", "lon", "z", "lang", "story", "slide", "other"]),
                       st.text(max_size=20)))
def test_property_decode_never_raises_and_its_output_encodes(params):
    out = decode(params)
    assert isinstance(out.pop("_problems"), list)
    assert decode(encode(out)) == {**out, "_problems": []}
