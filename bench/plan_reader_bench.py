"""How well the plan reader reads: per document, never only a total.

    python -m bench.plan_reader_bench                 # the five seeds and tests/data/plan_docs/tuning
    python -m bench.plan_reader_bench --only heldout11  # the newest blind set (measure once, then fit)
    python -m bench.plan_reader_bench --only tuning --explain  # what the reader misses on tuning documents

Seeds (../shared/seeds/*.txt) are scored against what data/ holds for them: the parks of
data/parks.geojson whose programme's `document_file` is the seed (names `name_zh`, parents
`parent_id`, `stated_area_text`/`stated_area_km2`, `boundary_text`) and the rows of
data/targets.csv of those parks and programme (value, unit, year). Other documents are scored
against their NAME.expected.json (tests/data/plan_docs/README.md).

What is counted:

- names: recall and precision; a reading's name matches an expected one when, after removing
  whitespace, folding full-width characters and traditional characters to simplified (the seed in
  traditional characters is stored simplified in data/), they are equal or one contains the other;
  one-to-one, exact matches first. A phase is matched by its park's name and its own (一期 of
  增城新型显示价值创新园 → 增城新型显示价值创新园一期).
- parents: of the matched parks, those whose parent matches the expected one. data/ keeps no record
  for a zone that is the plan itself (广州高新区, 佛山高新区): a parent the reading gives that is not
  a park of data/ while data/ has none is counted apart ("parent outside data"), not as wrong.
- areas: an expected stated area is exact when the matched park's first land area has the same
  figure (the number with 约/约为 and its unit, as data/ quotes it inside a longer phrase) and the same km².
- 四至: found when the matched park's 四至 is the expected text (seeds; punctuation aside) or has
  the expected road for each direction (other documents).
- targets: recall of (value, unit, year) over every expected target (data/ units 万㎡, ㎡ and 名
  are the written 万平方米, 平方米 and 人; 件/万人 is written 件).
- floor as land: a land area of the reading that is a floor area (seeds: the floor areas data/
  notes; other documents: the expected floor areas); not-areas as areas: a land area whose text
  is one of the expected not_areas; not in text: a name of the reading that is not in the text (the
  text as read, less the pinyin a copied web page puts after each character: 產(chǎn)業(yè)).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import time
import unicodedata
from pathlib import Path

from layers.plan_reader._hant import to_simplified
from layers.plan_reader._text import View, canonical
from layers.plan_reader.model import Park, Reading, Target
from layers.plan_reader.numerals import NUMBER
from layers.plan_reader.names import PHASE_WORD
from layers.plan_reader.read import read_plan
from layers.plan_reader.sources import read_document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
DOCS = ROOT / "tests" / "data" / "plan_docs"
SEED_FLOOR_FIGURES = {"000_c7f56ca24444a80c.txt": ("23万平方米", "8万平方米"), "003_3a2aab8b7852ced7.txt": ("18.5万平方米",)}
"""Floor areas data/ notes for the seeds (SOURCES.md: 23万㎡, 8万㎡ and 18.5万㎡ are floor areas)."""
UNIT_SAME = {"万㎡": "万平方米", "㎡": "平方米", "名": "人", "％": "%", "件/万人": "件"}
_CORE = re.compile(f"(?:约为|大约|约|近)?{NUMBER}(?:平方公里|平方千米|km²|公顷|亩|万平方米|平方米)")


def norm(text: str | None) -> str:
    """A name or text for comparing: NFKC, simplified, without spaces and quotes."""
    if not text:
        return ""
    t = to_simplified(unicodedata.normalize("NFKC", text))
    return re.sub(r"[\s“”\"「」'‘’]", "", t)


def _punct(text: str | None) -> str:
    return re.sub(r"[,，、;；。.\s]", "", norm(text))


def full_name(p: Park) -> str:
    """A phase named by its place in its park, with its park's name (一期 → 增城新型显示价值创新园一期)."""
    return _full(p.name, p.kind, p.parent)


def _full(name: str, kind: str, parent: str | None) -> str:
    if kind == "phase" and parent and PHASE_WORD.match(norm(name)):
        return parent + name
    return name


def match(found: list[str], expected: list[str]) -> dict[int, int]:
    """One-to-one matching of names: {index in expected: index in found}."""
    pairs = []
    for i, e in enumerate(expected):
        for j, f in enumerate(found):
            ne, nf = norm(e), norm(f)
            if not ne or not nf:
                continue
            if ne == nf:
                pairs.append((0, 0, i, j))
            elif ne in nf or nf in ne:
                pairs.append((1, abs(len(ne) - len(nf)), i, j))
    out: dict[int, int] = {}
    used: set[int] = set()
    for _, _, i, j in sorted(pairs):
        if i not in out and j not in used:
            out[i] = j
            used.add(j)
    return out


def all_targets(r: Reading) -> list[Target]:
    """Plan-wide targets and every park's."""
    return r.targets + [t for p in r.parks for t in p.targets]


def _unit(u: str | None) -> str:
    """A unit for comparing: its canonical characters (億元 is 亿元), then UNIT_SAME."""
    u = canonical(u or "")
    return UNIT_SAME.get(u, u)


def target_hit(targets: list[Target], value: float, unit: str, year: int | None) -> bool:
    """True when a target of the reading has this value, unit and year."""
    return any(abs(t.value - value) < 1e-9 and _unit(t.unit) == _unit(unit) and t.year == year for t in targets)


def _row(name: str, **k: object) -> dict[str, object]:
    return {"document": name, **k}


def score_seed(path: Path, parks_geo: list[dict], targets_rows: list[dict], programmes: list[dict]) -> dict[str, object]:
    """Score one seed against data/."""
    prog = next(p for p in programmes if p["document_file"] == path.name)
    expected = [f["properties"] for f in parks_geo if f["properties"]["programme"] == prog["id"]]
    by_id = {p["id"]: p for f in parks_geo for p in [f["properties"]]}
    ids = {p["id"] for p in expected} | {prog["id"]}
    exp_targets = [t for t in targets_rows if t["park_id"] in ids]
    src = read_document(path.read_bytes(), path.name)
    t0 = time.perf_counter()
    r = read_plan(src.text, sha256=src.sha256, file_name=src.file_name)
    seconds = time.perf_counter() - t0
    found = [full_name(p) for p in r.parks]
    m = match(found, [e["name_zh"] for e in expected])
    exp_names = [e["name_zh"] for e in expected]
    parents_ok = parents_n = outside = 0
    areas_ok = areas_n = bounds_ok = bounds_n = 0
    for i, e in enumerate(expected):
        if i not in m:
            if e.get("stated_area_text"):
                areas_n += 1
            if e.get("boundary_text"):
                bounds_n += 1
            continue
        p = r.parks[m[i]]
        parents_n += 1
        exp_parent = by_id[e["parent_id"]]["name_zh"] if e.get("parent_id") else None
        if exp_parent is None and p.parent is None:
            parents_ok += 1
        elif exp_parent and p.parent and match([p.parent], [exp_parent]):
            parents_ok += 1
        elif exp_parent is None and p.parent and norm(p.parent) not in {norm(n) for n in exp_names}:
            parents_ok += 1
            outside += 1
        if e.get("stated_area_text"):
            areas_n += 1
            core = _CORE.search(norm(e["stated_area_text"]))
            land = p.areas[0] if p.areas else None
            if land and core and norm(land.text) == core.group() and abs(land.km2 - float(e["stated_area_km2"])) < 1e-6:
                areas_ok += 1
        if e.get("boundary_text"):
            bounds_n += 1
            if p.boundary and _punct(p.boundary.text) == _punct(e["boundary_text"]):
                bounds_ok += 1
    ts = all_targets(r)
    t_ok = sum(target_hit(ts, float(t["value"]), t["unit"], int(float(t["target_year"])) if t["target_year"] else None)
               for t in exp_targets)
    floors = SEED_FLOOR_FIGURES.get(path.name, ())
    floor_as_land = sum(1 for p in r.parks for a in p.areas if norm(a.text).lstrip("约") in floors)
    clean_text = norm(View(src.text).clean)
    not_in_text = [p.name for p in r.parks if norm(p.name) not in clean_text]
    return _row(path.name[:3] + " " + (prog["title"][:18]), names_recall=(len(m), len(expected)),
                names_precision=(len(m), len(r.parks)), parents=(parents_ok, parents_n), parent_outside_data=outside,
                areas=(areas_ok, areas_n), boundaries=(bounds_ok, bounds_n), targets=(t_ok, len(exp_targets)),
                floor_as_land=floor_as_land, not_areas_as_areas="-", not_in_text=len(not_in_text), seconds=seconds)


def score_doc(path: Path) -> dict[str, object]:
    """Score one test document against its NAME.expected.json."""
    exp = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
    src = read_document(path.read_bytes(), path.name)
    t0 = time.perf_counter()
    r = read_plan(src.text, sha256=src.sha256, file_name=src.file_name)
    seconds = time.perf_counter() - t0
    expected = exp["parks"]
    found = [full_name(p) for p in r.parks]
    exp_full = [_full(e["name"], e["kind"], e.get("parent")) for e in expected]
    m = match(found, exp_full)
    parents_ok = parents_n = areas_ok = areas_n = bounds_ok = bounds_n = 0
    for i, e in enumerate(expected):
        p = r.parks[m[i]] if i in m else None
        areas_n += len(e["areas"])
        if e.get("boundary"):
            bounds_n += 1
        if p is None:
            continue
        parents_n += 1
        if (e.get("parent") is None and p.parent is None) or (e.get("parent") and p.parent
                                                             and match([p.parent], [e["parent"]])):
            parents_ok += 1
        for a in e["areas"]:
            if any(norm(x.text) == norm(a["text"]) and abs(x.km2 - a["km2"]) < 1e-6 for x in p.areas):
                areas_ok += 1
        if e.get("boundary") and p.boundary:
            if all(norm(p.boundary.parts()[k]) == norm(v) for k, v in e["boundary"].items()):
                bounds_ok += 1
    ts = all_targets(r)
    t_ok = sum(target_hit(ts, float(t["value"]), t["unit"], t["year"]) for t in exp["targets"])
    floors = {norm(f["text"]) for e in expected for f in e["floor_areas"]}
    not_areas = {norm(t) for t in exp.get("not_areas", [])}
    lands = [norm(a.text) for p in r.parks for a in p.areas]
    clean_text = norm(View(src.text).clean)
    return _row(path.name, names_recall=(len(m), len(expected)), names_precision=(len(m), len(r.parks)),
                parents=(parents_ok, parents_n), parent_outside_data="-", areas=(areas_ok, areas_n),
                boundaries=(bounds_ok, bounds_n), targets=(t_ok, len(exp["targets"])),
                floor_as_land=sum(x in floors for x in lands), not_areas_as_areas=sum(x in not_areas for x in lands),
                not_in_text=sum(norm(p.name) not in clean_text for p in r.parks), seconds=seconds)


def explain_doc(path: Path) -> list[str]:
    """What the reading of one test document missed or added, one line each (for the reader's
    author working on a tuning document; never run it on a held-out one before its measure)."""
    exp = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
    src = read_document(path.read_bytes(), path.name)
    r = read_plan(src.text, sha256=src.sha256, file_name=src.file_name)
    expected = exp["parks"]
    found = [full_name(p) for p in r.parks]
    m = match(found, [_full(e["name"], e["kind"], e.get("parent")) for e in expected])
    lines = []
    for i, e in enumerate(expected):
        if i not in m:
            lines.append(f"  missed park: {e['name']} ({e['kind']}, parent {e.get('parent')})")
            continue
        p = r.parks[m[i]]
        if not ((e.get("parent") is None and p.parent is None)
                or (e.get("parent") and p.parent and match([p.parent], [e["parent"]]))):
            lines.append(f"  parent of {e['name']}: expected {e.get('parent')}, read {p.parent}")
        for a in e["areas"]:
            if not any(norm(x.text) == norm(a["text"]) and abs(x.km2 - a["km2"]) < 1e-6 for x in p.areas):
                lines.append(f"  area of {e['name']}: expected {a['text']} ({a['km2']} km²), "
                             f"read {[(x.text, x.km2) for x in p.areas]}")
        if e.get("boundary"):
            got = p.boundary.parts() if p.boundary else None
            if not got or not all(norm(got[k]) == norm(v) for k, v in e["boundary"].items()):
                lines.append(f"  四至 of {e['name']}: expected {e['boundary']}, read {got}")
    for j, p in enumerate(r.parks):
        if j not in m.values():
            lines.append(f"  extra park: {p.name} ({p.kind}, parent {p.parent}) areas {[x.text for x in p.areas]}")
    ts = all_targets(r)
    for t in exp["targets"]:
        if not target_hit(ts, float(t["value"]), t["unit"], t["year"]):
            near = [(x.value, x.unit, x.year) for x in ts if abs(x.value - float(t["value"])) < 1e-9]
            lines.append(f"  missed target: {t['metric_text']} {t['value']} {t['unit']} {t['year']} (read with that value: {near})")
    not_areas = {norm(t) for t in exp.get("not_areas", [])}
    floors = {norm(f["text"]) for e in expected for f in e["floor_areas"]}
    for p in r.parks:
        for a in p.areas:
            if norm(a.text) in not_areas | floors:
                lines.append(f"  not a land area, read as one: {a.text} on {p.name}")
    return lines


def _fmt(v: object) -> str:
    if isinstance(v, tuple):
        k, n = v
        return f"{k}/{n} ({100 * k / n:.0f}%)" if n else "-"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


COLUMNS = ("document", "names_recall", "names_precision", "parents", "parent_outside_data", "areas", "boundaries",
           "targets", "floor_as_land", "not_areas_as_areas", "not_in_text", "seconds")


def table(rows: list[dict[str, object]]) -> str:
    """Rows as a Markdown table."""
    head = "| " + " | ".join(COLUMNS) + " |"
    sep = "|" + "---|" * len(COLUMNS)
    return "\n".join([head, sep] + ["| " + " | ".join(_fmt(r[c]) for c in COLUMNS) + " |" for r in rows])


def main() -> None:
    """Print the table per document: seeds, tuning, and with --heldout every heldout* folder."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--heldout", action="store_true", help="also score every tests/data/plan_docs/heldout* folder")
    ap.add_argument("--only", help="score one set only: seeds or a folder of tests/data/plan_docs (tuning, heldout4 …)")
    ap.add_argument("--explain", action="store_true", help="with --only FOLDER: list each document's misses")
    args = ap.parse_args()
    if args.explain and args.only and args.only != "seeds":
        for path in sorted((DOCS / args.only).glob("*.txt")) + sorted((DOCS / args.only).glob("*.html")):
            print(path.name, *explain_doc(path), sep="\n")
        return
    parks_geo = json.loads((ROOT / "data" / "parks.geojson").read_text(encoding="utf-8"))["features"]
    with open(ROOT / "data" / "targets.csv", encoding="utf-8") as f:
        targets_rows = list(csv.DictReader(f))
    with open(ROOT / "data" / "programmes.csv", encoding="utf-8") as f:
        programmes = list(csv.DictReader(f))
    held = sorted(p.name for p in DOCS.glob("heldout*") if p.is_dir())
    sets = [args.only] if args.only else ["seeds", "tuning"] + (held if args.heldout else [])
    for which in sets:
        if which == "seeds":
            rows = [score_seed(p, parks_geo, targets_rows, programmes) for p in sorted(SEEDS.glob("*.txt"))]
        else:
            docs = sorted((DOCS / which).glob("*.txt")) + sorted((DOCS / which).glob("*.html"))
            rows = [score_doc(p) for p in docs]
        print(f"\n### {which}\n")
        print(table(rows))


if __name__ == "__main__":
    main()
