"""`read_plan`: a plan's text in, what it says out (a `Reading`), every finding with its evidence.

The steps, each a module of rules: the text view (`_text`), headings (`sections`), tables
(`tables`), the document (`document`), area figures (`areas`), 四至 (`boundaries`), transport
links and facilities (`links`), names
(`candidates`, `names`), which names are parks and how they nest (`parks`), targets (`targets`),
and who owns each finding (`attach`).

>>> r = read_plan("（一）马鞍岛东片区。北至横门东出海航道；东至伶仃洋海堤、南至海岸线、西至兴港大道，面积约5.8平方公里。")
>>> p = r.parks[0]
>>> p.name, p.kind, p.areas[0].text, p.areas[0].km2, p.boundary.north, p.evidence.section
('马鞍岛东片区', 'phase', '约5.8平方公里', 5.8, '横门东出海航道', '（一）')
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import replace

from layers.plan_reader._text import View
from layers.plan_reader.areas import find_figures
from layers.plan_reader.attach import Attacher
from layers.plan_reader.boundaries import find_boundaries
from layers.plan_reader.candidates import propose
from layers.plan_reader.document import read_document_facts
from layers.plan_reader.links import find_links
from layers.plan_reader.model import Reading
from layers.plan_reader.merge import keep
from layers.plan_reader.parks import Owners, nest
from layers.plan_reader.sections import Sections
from layers.plan_reader.tables import find_tables, other_area_cells
from layers.plan_reader.targets import find_targets


_PLAN_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})年(?:工作安排|工作计划|主要目标|主要预期目标|工作要点|重点工作)")


def _plan_year(view: View) -> int | None:
    """With no date, the year a work plan's title plans for (…2023年工作总结和2024年主要目标 → 2024):
    the document's own year for targets (an earlier year is history)."""
    first = next((line for line in view.canon.split("\n") if line.strip()), "")
    years = [int(m.group(1)) for m in _PLAN_TITLE_YEAR.finditer(first)]
    return years[-1] if years else None


_FIVE_YEAR = {"十一五": 2010, "十二五": 2015, "十三五": 2020, "十四五": 2025, "十五五": 2030}


def _plan_end(title: str) -> int | None:
    """The last year of the five-year plan a title names (“十四五”发展规划 → 2025), None otherwise
    (a 行动方案 (2018—2020年) leaves undated measures undated)."""
    m = re.search(r"十[一二三四五]五", title)
    return _FIVE_YEAR.get(m.group()) if m and "规划" in title else None


def read_plan(text: str, *, sha256: str = "", file_name: str = "", recognised: bool = False) -> Reading:
    """Read the plan `text` (a document's text, e.g. `sources.read_document(...).text`).

    `sha256` and `file_name` are the document's evidence (the SHA-256 of its bytes; of the text
    when not given); `recognised` marks text that came from OCR. Offsets in the result are into
    `text`.
    """
    t0 = time.perf_counter()
    view = View(text)
    sections = Sections.of(view)
    tables = find_tables(view)
    document = read_document_facts(view, sections)
    figures = find_figures(view)
    other_cells = other_area_cells(tables)  # 可供工业用地 约1800亩: land left, not the park's
    figures = [replace(f, use="other", rule="table-column") if any(a <= f.start < b for a, b in other_cells) else f
               for f in figures]
    boundaries = find_boundaries(view)
    cands = propose(view, sections, tables)
    boundary_values = [(b.start, b.end) for b in boundaries]
    kept = keep(view, cands, boundary_values)
    owners = Owners(view, kept)
    nest(view, sections, kept, owners)
    min_year = int(document.date[:4]) if document.date else _plan_year(view)
    found_targets = find_targets(view, sections, tables, min_year=min_year,
                                 area_uses={f.start: f.use for f in figures}, plan_end=_plan_end(document.title or ""))
    attacher = Attacher(view, sections, owners)
    attacher.parents()
    attacher.tables()
    attacher.figures(figures)
    attacher.boundaries(boundaries)
    attacher.links(find_links(view.canon, boundary_values))
    attacher.attributes()
    attacher.kinds()
    plan_targets = attacher.targets(found_targets)
    parks = [attacher.parks[id(c)] for c in kept]
    return Reading(document, parks, plan_targets, attacher.mentions,
                   sha256=sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest(), file_name=file_name,
                   recognised=recognised, seconds=round(time.perf_counter() - t0, 3))
