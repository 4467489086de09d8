"""A workspace with many plans and parks, for benches: the bundled data plus synthetic plans and
parks (never in data/: made in a temporary workspace, named "bench …", points only, marked
approximate) so the atlas can be measured with 10 plans and 500 parks.

    python -m bench.many_plans WORKSPACE.gpkg [--plans 10] [--parks 500]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import shapely

from layers.programmes import next_colour
from store import FeatureChange, open_workspace

CITIES = ("中山市", "东莞市", "江门市", "肇庆市", "惠州市", "珠海市", "深圳市")


def fill_workspace(path: Path, plans: int = 10, parks: int = 500, seed: int = 7) -> dict[str, int]:
    """Add synthetic plans up to `plans` and point parks up to `parks` to the workspace at `path`
    (seeded first with the bundled data). Returns {"plans": n, "parks": n} after filling."""
    rng = random.Random(seed)
    ws = open_workspace(path, user="bench", role="editor")
    have = ws.layer("programmes")
    colours = list(have["colour"])
    new_plans = []
    for i in range(max(0, plans - len(have))):
        colour = next_colour(colours)
        colours.append(colour)
        city = CITIES[i % len(CITIES)]
        new_plans.append(FeatureChange(f"bench-plan-{i + 1}", None, {
            "name_zh": f"基准测试规划{i + 1}", "name_en": f"Bench plan {i + 1}", "title": f"基准测试规划{i + 1}（合成数据）",
            "document": None, "issuer": f"{city}人民政府", "date": "2026-01-01", "province": "广东省", "city": city,
            "status": "in-force", "superseded_by": None, "colour": colour, "source": "synthetic bench data",
            "as_of": "2026-01-01", "note": "synthetic: for benches only"}, expected_version=0))
    if new_plans:
        ws.save_features("programmes", new_plans, reason="bench: synthetic plans")
    plan_ids = [c.feature_id for c in new_plans] or list(have.index)
    n_parks = len(ws.layer("parks"))
    new_parks = []
    for i in range(max(0, parks - n_parks)):
        plan = plan_ids[i % len(plan_ids)]
        city = CITIES[i % len(CITIES)]
        lon, lat = 112.5 + rng.random() * 2.0, 22.3 + rng.random() * 1.5
        new_parks.append(FeatureChange(f"bench-park-{i + 1}", shapely.Point(round(lon, 5), round(lat, 5)), {
            "name_zh": f"基准测试园区{i + 1}", "name_en": f"Bench park {i + 1}", "source": "synthetic bench data",
            "geometry_quality": "approximate-location", "as_of": "2026-01-01", "kind": "park", "programme": plan,
            "parent_id": None, "city": city, "district": "测试区", "industries": ["新一代信息技术"],
            "industries_en": ["Next-generation IT"], "operator": None, "stated_area_km2": round(0.2 + rng.random() * 3, 2),
            "stated_area_text": None, "boundary_text": None, "status": "planned", "note": "synthetic: for benches only"},
            expected_version=0))
    if new_parks:
        ws.save_features("parks", new_parks, reason="bench: synthetic parks")
    return {"plans": len(ws.layer("programmes")), "parks": len(ws.layer("parks"))}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workspace", type=Path)
    ap.add_argument("--plans", type=int, default=10)
    ap.add_argument("--parks", type=int, default=500)
    a = ap.parse_args(argv)
    print(fill_workspace(a.workspace, a.plans, a.parks))


if __name__ == "__main__":
    main()
