"""Chinese in exported PNGs and PDFs on a machine whose matplotlib font cache predates the font
(issue 21): the project's own TrueType CJK font (pip package, requirements.txt) or Debian's is
registered by our code, so a fresh `make run` and a font installed after matplotlib first ran
both draw Chinese — checked in child processes with their own MPLCONFIGDIR, whose font cache is
built by matplotlib while every system font is hidden."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools.ttLib import TTCollection

from tests.conftest import ROOT, TEST_DATA
from ui.exports import static_map as sm

DEBIAN_WQY = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

BUILD_STALE_CACHE = r"""
import matplotlib
from matplotlib import font_manager as fm

own = matplotlib.get_data_path()
real = fm.findSystemFonts
# A cache built by matplotlib itself on a machine with no font but its own (DejaVu): what a fresh
# container has before anything installs a font, and what an old cache says after one is installed.
fm.findSystemFonts = lambda fontpaths=None, fontext="ttf": [p for p in real(fontpaths, fontext) if p.startswith(own)]
fm._load_fontmanager(try_read_cache=False)
"""

EXPORT_WITH_STALE_CACHE = r"""
import io, json, sys, warnings
import numpy as np
import pandas as pd
from matplotlib import font_manager
from PIL import Image

cached = sorted({f.name for f in font_manager.fontManager.ttflist})
from layers import parks as parks_layer
from ui.exports import static_map as sm, static_pdf as sp

source, parks_path, pdf_path = sys.argv[1:4]
if source == "pip":          # a fresh `make run`: no Debian font at all
    sm.TRUETYPE_CJK_FILES = ()
else:                        # Debian's font installed after the cache was built, no pip package
    sm.packaged_cjk_file = lambda: None
parks = parks_layer.load(parks_path)
view = sm.MapView((113.34, 23.07, 113.39, 23.12), highlighted=("test-square-park",))

def render(name):
    named = parks.copy()
    named.loc["test-square-park", "name_zh"] = name
    return sm.render_view_png(view, sm.RenderLayers(parks=named), lang="zh", tile_fetcher=sm.no_tiles,
                              size_px=(1200, 750), dpi=120)

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    a, b = render("园区"), render("图谱")  # two names of the same width: tofu boxes would be identical
    table = pd.DataFrame({"甲园": ["新型显示"], "乙园": ["人工智能"]}, index=["主导产业"])
    open(pdf_path, "wb").write(sp.comparison_pdf(table, "园区对比", "来源：测试"))
font = sm.cjk_font()
(a0, a1, a2, a3), (b0, b1, b2, b3) = a.label_px[0], b.label_px[0]
left, top, right, bottom = int(min(a0, b0)) - 2, int(min(a1, b1)) - 2, int(max(a2, b2)) + 3, int(max(a3, b3)) + 3
pa, pb = (np.asarray(Image.open(io.BytesIO(r.png)).convert("L"))[top:bottom, left:right] for r in (a, b))
print(json.dumps({
    "cached_cjk": [n for n in cached if n in sm.CJK_FONTS + sm.TRUETYPE_CJK_FONTS],
    "font": font,
    "file": font and font_manager.findfont(font_manager.FontProperties(family=font), fallback_to_default=False),
    "pdf_font": sp.pdf_cjk_font(),
    "notes": list(a.notes),
    "box": [left, top, right, bottom],
    "ink": int((pa < 128).sum()),
    "differ": int((np.abs(pa.astype(int) - pb.astype(int)) > 64).sum()),
    "glyph_warnings": [str(w.message) for w in caught if "Glyph" in str(w.message)],
}))
"""


def _child_env(cache_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MPL", "PYTHON"))}
    env.update(MPLCONFIGDIR=str(cache_dir), PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    return env


def _export_on_a_stale_cache(tmp_path: Path, source: str) -> tuple[dict, Path]:
    """Build matplotlib's font cache with every system font hidden, then export a PNG and a PDF
    in another process that reads that cache; returns what it measured and the PDF's path."""
    env = _child_env(tmp_path / "mplconfig")
    subprocess.run([sys.executable, "-c", BUILD_STALE_CACHE], env=env, cwd=ROOT, check=True, timeout=300)
    assert list((tmp_path / "mplconfig").glob("fontlist-v*.json")), "matplotlib wrote no font cache"
    pdf = tmp_path / "comparison.pdf"
    out = subprocess.run([sys.executable, "-c", EXPORT_WITH_STALE_CACHE, source,
                          str(TEST_DATA / "parks_small.geojson"), str(pdf)],
                         env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1]), pdf


def _assert_pdf_embeds(pdf: Path, font: str) -> None:
    """pdffonts lists `font` (its PostScript name) as an embedded TrueType font, warning about nothing."""
    if not shutil.which("pdffonts"):
        if os.environ.get("CI"):
            pytest.fail("poppler-utils is missing: `make test` installs it (apt-get install poppler-utils)")
        return
    listed = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, timeout=60)
    rows = [line for line in listed.stdout.splitlines() if font in line]
    assert listed.returncode == 0 and rows, listed.stdout
    assert all("TrueType" in r and " yes " in r for r in rows), rows  # type, and embedded
    assert "Warning" not in listed.stderr and "Error" not in listed.stderr, listed.stderr


@pytest.mark.parametrize("source", ["pip", "debian"])
def test_chinese_is_drawn_although_the_font_cache_predates_the_font(tmp_path, source):
    if source == "pip" and sm.packaged_cjk_file() is None:
        pytest.fail("paperang-p2-fonts-cjk is not installed: `make run` installs requirements.txt")
    if source == "debian" and not os.path.exists(DEBIAN_WQY):
        if os.environ.get("CI"):
            pytest.fail("fonts-wqy-microhei is missing: `make test` installs it")
        pytest.skip("fonts-wqy-microhei is not installed here")
    got, pdf = _export_on_a_stale_cache(tmp_path, source)
    assert got["cached_cjk"] == []  # the cache the export started from knew no Chinese font
    assert got["font"] == got["pdf_font"] == "WenQuanYi Micro Hei"
    expected = sm.packaged_cjk_file() if source == "pip" else DEBIAN_WQY
    assert os.path.realpath(got["file"]) == os.path.realpath(expected)
    assert sm.NO_CJK_NOTE not in got["notes"] and got["glyph_warnings"] == []
    assert got["ink"] > 60, got  # the label is drawn (dark pixels in its box)
    assert got["differ"] > 60  # 园区 and 图谱 are drawn as different glyphs: no tofu, no English fallback
    _assert_pdf_embeds(pdf, "WenQuanYiMicroHei")


def test_the_packaged_font_is_debians_truetype_wenquanyi_micro_hei():
    """The pip package's file is byte for byte Debian's fonts-wqy-microhei (SHA-256), with
    TrueType (glyf) outlines and the characters our exports draw."""
    path = sm.packaged_cjk_file()
    assert path is not None, "paperang-p2-fonts-cjk is not installed: `make run` installs requirements.txt"
    with open(path, "rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == sm.PACKAGED_CJK_SHA256
    face = TTCollection(path).fonts[0]
    assert "glyf" in face and "CFF " not in face
    assert face["name"].getDebugName(1) == "WenQuanYi Micro Hei"
    assert "Apache License, Version 2.0" in face["name"].getDebugName(13)
    cmap = face.getBestCmap()
    assert all(ord(c) in cmap for c in "园区图谱广州佛山清远高新技术产业开发区价值创新园离线底图：（）、；")
    assert sm.cjk_font_files()[0] == path  # ours first, then Debian's when present
