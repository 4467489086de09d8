"""The Sites and Present pages' state in the URL, for sharing a link: pure functions, no Streamlit.

`encode(state)` gives compact, readable query parameters; `decode(params)` reads them back,
dropping every bad value with a line in `state["_problems"]` (it never raises). Keys:

=========  ===================  =================================================================
URL key    state key            value
=========  ===================  =================================================================
ind        industries           industry chips, comma-separated (a comma or % inside is %-escaped)
city       cities               city names (广州市, ...), comma-separated
kind       kinds                park kinds (zone, park, carrier, phase), comma-separated
st         statuses             park statuses (established, developing, planned), comma-separated
area       min_area_km2,        "1-5", "1-" (at least 1) or "-5" (at most 5), km²
           max_area_km2
metro      metro_within_m       metres to the nearest station
net        network              a year (1990-2060), "existing" or "full"
hsr        max_hsr_m            metres to the nearest HSR station
air        max_airport_m        metres to the nearest airport
cmp        compare              2-4 park ids, comma-separated (more are cut to the first 4)
prog       programmes           programme ids (the atlas), comma-separated
q          industry             the atlas's industry keyword (at most 60 characters)
unk        unknown_area         "0": parks of unknown area fail an area bound (the default: they pass; "1")
nc         no_conflict          "1": only parks without a conflict with the constraint layers (Sites)
src        access_network       the network access is measured on: "plan" or "user:<id>"
park       park                 the selected park's id (the atlas)
lat, lon   lat, lon             map centre, EPSG:4326 degrees, rounded to 5 decimals (about 1 m)
z          zoom                 map zoom, an integer 0-22
lang       lang                 zh or en
story      story                story id (a slug)
slide      slide                slide number, 1-based
=========  ===================  =================================================================

Example: ``ind=新型显示,电子商务&city=广州市&area=1-5&metro=800&net=2025&cmp=a,b&lang=en&story=x&slide=3``.
Unknown URL keys are ignored, not reported. A bad value is reported quoted and shortened
(`quoted`), never echoed back whole.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from typing import Any

from layers.base import ID_PATTERN
from layers.parks import KINDS, STATUSES
from layers.sites import EXISTING, SiteQuery

LIST_KEYS = {"industries": "ind", "cities": "city", "kinds": "kind", "statuses": "st", "compare": "cmp",
             "programmes": "prog"}
METRE_KEYS = {"metro_within_m": "metro", "max_hsr_m": "hsr", "max_airport_m": "air"}
STATE_KEYS = (*LIST_KEYS, "min_area_km2", "max_area_km2", *METRE_KEYS, "network", "lat", "lon", "zoom", "lang",
              "story", "slide", "industry", "unknown_area", "access_network", "park", "no_conflict")
MAX_TEXT = 60
"""The longest free-text value (the industry keyword) a URL may carry."""
QUOTE_CHARS = 40
"""How much of a bad value a message quotes."""
_NETWORK_KEY = re.compile(r"^(?:plan|user:[a-z0-9]+(?:-[a-z0-9]+)*)$")
NETWORK_WORDS = ("existing", "full")
MIN_YEAR, MAX_YEAR = 1990, 2060
MAX_COMPARE = 4
MAX_ZOOM = 22
COORD_DECIMALS = 5

_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_AREA = re.compile(rf"^({_NUMBER})?-({_NUMBER})?$")


def _num(v: float) -> str:
    """Shortest text that reads back as the same float; integers without ".0"."""
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(float(v))


def _escape(item: str) -> str:
    return item.replace("%", "%25").replace(",", "%2C")


_ESCAPED = re.compile(r"%(25|2[cC])")


def _unescape(item: str) -> str:
    return _ESCAPED.sub(lambda m: "%" if m.group(1) == "25" else ",", item)


def shortened(value: object, limit: int = QUOTE_CHARS) -> str:
    """A value for a message, cut to `limit` characters with the full length said.

    >>> shortened("abc"), shortened("y" * 500, 5)
    ('abc', 'yyyyy… (500 characters)')
    """
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def quoted(value: object, limit: int = QUOTE_CHARS) -> str:
    """A value for a message: quoted, cut to `limit` characters with the full length said.

    >>> quoted("abc"), quoted("x" * 20000)
    ("'abc'", "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' (20000 characters)")
    """
    text = str(value)
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}"[:-1] + f"…' ({len(text)} characters)"


def _int(text: str) -> int | None:
    return int(text) if re.fullmatch(r"[0-9]{1,6}", text) else None


def encode(state: Mapping[str, Any]) -> dict[str, str]:
    """URL query parameters for `state` (keys in STATE_KEYS; None, empty lists and keys starting
    with "_" are left out). Coordinates are rounded to 5 decimals. Raises ValueError for a key
    that is not a state key (a typo would otherwise silently drop from shared links)."""
    unknown = [k for k in state if not k.startswith("_") and k not in STATE_KEYS]
    if unknown:
        raise ValueError(f"not URL state key(s): {', '.join(sorted(unknown))}; known: {', '.join(STATE_KEYS)}")
    out: dict[str, str] = {}
    for key, url_key in LIST_KEYS.items():
        items = [str(v) for v in state.get(key) or () if str(v)]
        if items:
            out[url_key] = ",".join(_escape(v) for v in items)
    lo, hi = state.get("min_area_km2"), state.get("max_area_km2")
    if lo is not None or hi is not None:
        out["area"] = f"{'' if lo is None else _num(lo)}-{'' if hi is None else _num(hi)}"
    for key, url_key in METRE_KEYS.items():
        if state.get(key) is not None:
            out[url_key] = _num(state[key])
    if state.get("network") is not None:
        out["net"] = str(state["network"])
    for key in ("lat", "lon"):
        if state.get(key) is not None:
            out[key] = _num(round(float(state[key]), COORD_DECIMALS))
    if state.get("zoom") is not None:
        out["z"] = str(int(state["zoom"]))
    for key in ("lang", "story"):
        if state.get(key):
            out[key] = str(state[key])
    if state.get("slide") is not None:
        out["slide"] = str(int(state["slide"]))
    for key, url_key in (("industry", "q"), ("access_network", "src"), ("park", "park")):
        if state.get(key):
            out[url_key] = str(state[key])
    if state.get("unknown_area") is not None:
        out["unk"] = "1" if state["unknown_area"] else "0"
    if state.get("no_conflict"):
        out["nc"] = "1"
    return out


def _float(text: str) -> float | None:
    try:
        v = float(text)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def decode(params: Mapping[str, str], park_ids: Collection[str] | None = None,
           choices: Mapping[str, Collection[str]] | None = None) -> dict[str, Any]:
    """The state in URL query parameters (see the module table); never raises.

    Every value that cannot be read is dropped and explained in the returned `_problems` list
    (always present). park_ids (optional): compared park ids not in it are dropped too.
    choices (optional): the values the data has for "cities" and "programmes" (they come from
    the workspace's records, not from code); others are dropped and explained.
    Returns only the keys that were given and valid, plus `_problems`.
    """
    state: dict[str, Any] = {}
    problems: list[str] = []

    def bad(url_key: str, what: str) -> None:
        problems.append(f"{url_key}={quoted(get(url_key))}: {what}; ignored")

    def get(url_key: str) -> str | None:
        v = params.get(url_key)
        if isinstance(v, list):  # some clients give repeated keys as a list: the last one wins
            v = v[-1] if v else None
        return None if v is None else str(v).strip()

    for key, url_key in LIST_KEYS.items():
        raw = get(url_key)
        if raw is None or raw == "":
            continue
        items = [_unescape(v).strip() for v in raw.split(",") if v.strip()]
        allowed = {"kinds": KINDS, "statuses": STATUSES, **{k: tuple(v) for k, v in (choices or {}).items()}}.get(key)
        kept = []
        for v in items:
            if allowed is not None and v not in allowed:
                problems.append(f"{url_key}: {quoted(v)} is not one of {', '.join(allowed)}; ignored")
            elif key == "compare" and not ID_PATTERN.match(v):
                problems.append(f"{url_key}: {quoted(v)} is not a park id; ignored")
            elif key == "compare" and park_ids is not None and v not in park_ids:
                problems.append(f"{url_key}: {quoted(v)} is not the id of a park; ignored")
            elif len(v) > MAX_TEXT:
                problems.append(f"{url_key}: {quoted(v)} is longer than {MAX_TEXT} characters; ignored")
            elif v not in kept:
                kept.append(v)
        if key == "compare" and len(kept) > MAX_COMPARE:
            problems.append(f"{url_key}: at most {MAX_COMPARE} parks are compared; kept the first {MAX_COMPARE}")
            kept = kept[:MAX_COMPARE]
        if kept:
            state[key] = kept

    raw = get("area")
    if raw:
        m = _AREA.match(raw)
        lo = _float(m.group(1)) if m and m.group(1) else None
        hi = _float(m.group(2)) if m and m.group(2) else None
        if not m or (lo is None and hi is None):
            bad("area", "not an area range in km² like 1-5, 1- or -5")
        elif lo is not None and hi is not None and lo > hi:
            bad("area", "the lower bound is above the upper bound")
        else:
            if lo is not None:
                state["min_area_km2"] = lo
            if hi is not None:
                state["max_area_km2"] = hi

    for key, url_key in METRE_KEYS.items():
        raw = get(url_key)
        if raw:
            v = _float(raw)
            if v is None or v < 0:
                bad(url_key, "not a distance in metres (a number ≥ 0)")
            else:
                state[key] = v

    raw = get("net")
    if raw:
        if raw in NETWORK_WORDS:
            state["network"] = raw
        elif _int(raw) is not None and MIN_YEAR <= _int(raw) <= MAX_YEAR:
            state["network"] = _int(raw)
        else:
            bad("net", f"not a year ({MIN_YEAR}-{MAX_YEAR}), 'existing' or 'full'")

    for key, limit in (("lat", 90.0), ("lon", 180.0)):
        raw = get(key)
        if raw:
            v = _float(raw)
            if v is None or not -limit <= v <= limit:
                bad(key, f"not a {'latitude' if key == 'lat' else 'longitude'} in degrees (-{limit:g} to {limit:g})")
            else:
                state[key] = round(v, COORD_DECIMALS)

    raw = get("z")
    if raw:
        if _int(raw) is not None and _int(raw) <= MAX_ZOOM:
            state["zoom"] = _int(raw)
        else:
            bad("z", f"not a zoom level (a whole number 0-{MAX_ZOOM})")

    raw = get("lang")
    if raw:
        if raw in ("zh", "en"):
            state["lang"] = raw
        else:
            bad("lang", "not zh or en")

    raw = get("story")
    if raw:
        if ID_PATTERN.match(raw):
            state["story"] = raw
        else:
            bad("story", "not a story id (a lowercase slug)")

    raw = get("slide")
    if raw:
        if _int(raw) is not None and _int(raw) >= 1:
            state["slide"] = _int(raw)
        else:
            bad("slide", "not a slide number (1, 2, ...)")

    raw = get("q")
    if raw:
        if len(raw) <= MAX_TEXT:
            state["industry"] = raw
        else:
            bad("q", f"longer than {MAX_TEXT} characters")

    raw = get("unk")
    if raw:
        if raw in ("1", "0"):
            state["unknown_area"] = raw == "1"
        else:
            bad("unk", "not 1 or 0")

    raw = get("nc")
    if raw:
        if raw in ("1", "0"):
            state["no_conflict"] = raw == "1"
        else:
            bad("nc", "not 1 or 0")

    raw = get("src")
    if raw:
        if _NETWORK_KEY.match(raw):
            state["access_network"] = raw
        else:
            bad("src", "not a network ('plan' or 'user:<id>')")

    raw = get("park")
    if raw:
        if ID_PATTERN.match(raw) and (park_ids is None or raw in park_ids):
            state["park"] = raw
        else:
            bad("park", "not the id of a park")

    state["_problems"] = problems
    return state


_QUERY_FIELDS = ("industries", "cities", "kinds", "statuses", "min_area_km2", "max_area_km2", "metro_within_m",
                 "network", "max_hsr_m", "max_airport_m")


def site_query(state: Mapping[str, Any]) -> SiteQuery:
    """The Sites page's query from a (decoded) state; missing keys take SiteQuery's defaults,
    except that parks of unknown area pass an area bound unless `unknown_area` is False."""
    values = {k: state[k] for k in _QUERY_FIELDS if state.get(k) is not None}
    for k in ("industries", "cities", "kinds", "statuses"):
        if k in values:
            values[k] = tuple(values[k])
    return SiteQuery(**values, include_unknown_area=state.get("unknown_area") is not False,
                     no_conflict=bool(state.get("no_conflict")))


def query_state(query: SiteQuery) -> dict[str, Any]:
    """The state keys of a SiteQuery (defaults left out: parks of unknown area passing an area
    bound is the default), ready for `encode`."""
    out: dict[str, Any] = {}
    for k in _QUERY_FIELDS:
        v = getattr(query, k)
        if isinstance(v, tuple):
            if v:
                out[k] = list(v)
        elif v is not None and not (k == "network" and v == EXISTING):
            out[k] = v
    if not query.include_unknown_area and (query.min_area_km2 is not None or query.max_area_km2 is not None):
        out["unknown_area"] = False
    if query.no_conflict:
        out["no_conflict"] = True
    return out
