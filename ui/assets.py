"""Leaflet and its plugins, served from our own install instead of public CDNs (DESIGN.md §7).

folium names CDN URLs in each element's `default_js` / `default_css`; streamlit-folium loads
whatever those lists hold. `localize(map)` rewrites them to files under `static/vendor/`, which
Streamlit serves at `/app/static/vendor/...` (`server.enableStaticServing`, .streamlit/config.toml)
with proper content types. The files come from the npm packages pinned in package.json;
`python -m ui.assets` copies them from node_modules/ (run by `make`).

folium's Map also lists jQuery, Bootstrap, Font Awesome and awesome-markers; our maps use none of
them, so they are dropped. Any CDN URL not known here raises `UnvendoredAssetError`: a new plugin
must be vendored before it can be used, or the map would break on networks without the CDNs.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import folium

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR_DIR = ROOT / "static" / "vendor"

VENDORED_DIRS: dict[str, str] = {
    "leaflet": "leaflet/dist",
    "leaflet-measure": "leaflet-measure/dist",
    "leaflet-minimap": "leaflet-minimap/dist",
    "leaflet.fullscreen": "leaflet.fullscreen",
    "leaflet-draw": "leaflet-draw/dist",
    "geographiclib-geodesic": "geographiclib-geodesic",
    "protomaps-leaflet": "protomaps-leaflet/dist",
}
"""static/vendor/<name> <- node_modules/<path>: whole folders, so the images the CSS names come too."""

GEODESIC_JS_URL = "https://cdn.jsdelivr.net/npm/geographiclib-geodesic@2.2.0/geographiclib-geodesic.min.js"
"""Where folium would fetch geographiclib from; `localize` serves our copy instead."""

PROTOMAPS_JS_URL = "https://unpkg.com/protomaps-leaflet@5.1.0/dist/protomaps-leaflet.js"
"""Where a page would fetch protomaps-leaflet (vector tiles of big layers) from; `localize` serves
our copy instead."""

LOCAL_FILES: dict[str, str | None] = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet/leaflet.css",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": "leaflet.fullscreen/Control.FullScreen.js",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": "leaflet.fullscreen/Control.FullScreen.css",
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js": "leaflet-measure/leaflet-measure.min.js",
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css": "leaflet-measure/leaflet-measure.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.js": "leaflet-minimap/Control.MiniMap.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.css": "leaflet-minimap/Control.MiniMap.min.css",
    # The Draw plugin (Data page only, so it stays out of the bundle).
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.draw/1.0.2/leaflet.draw.js": "leaflet-draw/leaflet.draw.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.draw/1.0.2/leaflet.draw.css": "leaflet-draw/leaflet.draw.css",
    # Karney's geodesic algorithms (the same as pyproj.Geod): the outline editor's live area.
    GEODESIC_JS_URL: "geographiclib-geodesic/geographiclib-geodesic.min.js",
    # Vector tiles of big layers (PMTiles archives; the IIFE build, global `protomapsL`).
    PROTOMAPS_JS_URL: "protomaps-leaflet/protomaps-leaflet.js",
    # folium.Map's defaults that our maps do not use: dropped.
    "https://code.jquery.com/jquery-3.7.1.min.js": None,
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": None,
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": None,
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": None,
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": None,
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": None,
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": None,
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css": None,
}
"""folium's CDN URL -> our file under static/vendor/ (None: not used by our maps, dropped)."""


BUNDLE = "parkatlas-map.js"
"""Leaflet and every plugin script concatenated in load order: one request instead of four
(streamlit-folium loads scripts one after another)."""

BUNDLE_ORDER = ("leaflet/leaflet.js", "leaflet.fullscreen/Control.FullScreen.js",
                "leaflet-measure/leaflet-measure.min.js", "leaflet-minimap/Control.MiniMap.min.js")


class UnvendoredAssetError(RuntimeError):
    """A map element needs a JS/CSS URL that is not served from our own install."""


def _local(url: str, base_url: str) -> str | None:
    if url.startswith(base_url):
        return url
    try:
        rel = LOCAL_FILES[url]
    except KeyError:
        raise UnvendoredAssetError(
            f"{url} is not vendored: add its npm package to package.json and map it in ui/assets.py"
        ) from None
    if rel is None:
        return None
    if rel in BUNDLE_ORDER and (VENDOR_DIR / BUNDLE).is_file():
        rel = BUNDLE
    return f"{base_url}/{rel}"


def localize(element: folium.Element, base_url: str = "/app/static/vendor") -> folium.Element:
    """Point every JS/CSS link of `element` and its children at our vendored copies, in place.

    base_url: where static/vendor is served (`/app/static/vendor` unless the server has a
    `baseUrlPath`). Returns `element`. Raises UnvendoredAssetError for an unknown CDN URL.
    """
    stack = [element]
    while stack:
        el = stack.pop()
        for attr in ("default_js", "default_css"):
            links = getattr(el, attr, None)
            if links:
                local = [(name, _local(url, base_url)) for name, url in links]
                seen: set[str] = set()
                kept = []
                for name, url in local:
                    if url is not None and url not in seen:
                        seen.add(url)
                        kept.append((name, url))
                setattr(el, attr, kept)
        stack.extend(getattr(el, "_children", {}).values())
    return element


def missing_files(bundle: bool = True) -> list[str]:
    """Vendored files that `LOCAL_FILES` names (and, with `bundle`, the concatenated bundle the
    maps load) but static/vendor does not have."""
    wanted = [*LOCAL_FILES.values(), BUNDLE] if bundle else list(LOCAL_FILES.values())
    return [rel for rel in wanted if rel and not (VENDOR_DIR / rel).is_file()]


FIX_COMMAND = "make setup"
"""What installs the map's assets (npm ci, then `python -m ui.assets`)."""


def install() -> None:
    """Copy the vendored folders from node_modules/ (after `npm ci`) into static/vendor/."""
    for name, src in VENDORED_DIRS.items():
        source = NODE_MODULES / src
        if not source.is_dir():
            raise SystemExit(f"{source} is missing: run `npm ci` first")
        target = VENDOR_DIR / name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.map", "*.md", "*.html", "package.json", "leaflet-src*", "src", "test", "types",
                                                                  "cjs", "esm"))
    missing = missing_files(bundle=False)  # the bundle is written below
    if missing:
        raise SystemExit(f"vendored files missing after copy: {', '.join(missing)}")
    parts = [f"/* {rel} */\n" + (VENDOR_DIR / rel).read_text(encoding="utf-8") for rel in BUNDLE_ORDER]
    (VENDOR_DIR / BUNDLE).write_text("\n;\n".join(parts), encoding="utf-8")
    where = VENDOR_DIR.relative_to(ROOT) if VENDOR_DIR.is_relative_to(ROOT) else VENDOR_DIR
    print(f"vendored {len(VENDORED_DIRS)} packages into {where}")


if __name__ == "__main__":
    install()
    sys.exit(0)
