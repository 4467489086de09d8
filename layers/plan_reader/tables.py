"""Tables written as text: rows of cells separated by | or tabs, or one cell a line (a web table
copied as text, cells separated by lines holding only a space), and the role of each column.

A column's role comes from its header (COLUMN_ROLES, first match wins: 建筑面积 before 面积), and a
unit written in the header (面积（亩）, 营业收入(亿元)) is the unit of its cells.

>>> v = View("序号|园区名称|所在区|面积（亩）|主导产业\\n1|甲园|南区|约180|机器人、装备\\n合计| | |180|")
>>> t = find_tables(v)[0]
>>> [c.role for c in t.columns], t.columns[3].unit
(['index', 'name', 'district', 'area', 'industries'], '亩')
>>> [[c.text for c in row] for row in t.rows]
[['1', '甲园', '南区', '约180', '机器人、装备'], ['合计', '', '', '180', '']]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from layers.plan_reader._text import Piece, View


@dataclass(frozen=True)
class ColumnRole:
    """A column role: its id and header words (a header cell holding any of them has the role)."""

    id: str
    words: tuple[str, ...]


COLUMN_ROLES: tuple[ColumnRole, ...] = (
    ColumnRole("index", ("序号", "编号")),
    ColumnRole("floor_area", ("建筑面积", "载体面积", "厂房面积", "场地面积")),
    ColumnRole("area", ("占地面积", "用地面积", "规划面积", "面积")),
    ColumnRole("district", ("所在区", "所属区", "所在县", "区县", "行政区")),
    ColumnRole("town", ("所在镇街", "所在镇", "所在街道", "镇街", "镇（街）", "镇(街)", "所在地", "位置")),
    ColumnRole("metric", ("指标名称",)),  # before 名称: an indicator table, not a list of parks
    ColumnRole("name", ("园区名称", "园区", "载体名称", "平台名称", "名称")),
    ColumnRole("industries", ("主导产业", "重点产业", "产业方向", "产业定位", "主要产业")),
    ColumnRole("status", ("建设状态", "建设进度", "状态", "进展")),
    ColumnRole("operator", ("运营主体", "运营单位", "开发主体", "建设主体", "管理机构", "责任单位")),
    ColumnRole("note", ("备注", "说明")),
    ColumnRole("unit", ("单位",)),
    ColumnRole("baseline", ("现状值", "基期值", "基准值")),
    ColumnRole("target", ("目标值",)),
    ColumnRole("kind", ("属性", "指标属性", "类型")),
    ColumnRole("metric", ("指标", "目标指标", "指标名称")),
)
"""Column roles by header words, in the order they are tried."""

YEAR_HEADER = re.compile(r"^((?:19|20)\d{2})年?(?:底|末)?(?:目标|目标值)?$")
"""A header cell that is a year (2020年, 2025年目标): the column's role is "year"."""
UNIT_IN_HEADER = re.compile(r"[(]([^()]{1,12})[)]\s*$")
"""A unit in brackets at the end of a header or metric cell: 面积（亩）, 营业收入(亿元)."""
TOTAL_WORDS = ("合计", "总计", "小计", "总量")
"""First-cell words of a row that sums the others (not a park)."""
MAX_CELL_LINE = 40
"""In a one-cell-a-line table, a longer line ends the table."""
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|第.{1,3}[章节]|表\s*\d|图\s*\d)")


@dataclass(frozen=True)
class Cell:
    """A cell: its text (canonical, stripped), as written, and its clean span."""

    text: str
    written: str
    start: int
    end: int


@dataclass(frozen=True)
class Column:
    """A column: header cell, role id ("year" for a year column; None when unknown), the unit its
    header writes, and for a year column the year."""

    header: Cell
    role: str | None
    unit: str | None
    year: int | None


@dataclass(frozen=True)
class Table:
    """A table: rule id ("pipe", "tab", "cell-lines"), columns, body rows, clean span, caption."""

    rule: str
    columns: list[Column]
    rows: list[list[Cell]]
    start: int
    end: int
    caption: str

    def role(self, role: str) -> int | None:
        """The index of the first column with `role`, or None."""
        for i, c in enumerate(self.columns):
            if c.role == role:
                return i
        return None

    def is_total(self, row: list[Cell]) -> bool:
        """True for a 合计/总计 row."""
        return any(any(w in c.text for w in TOTAL_WORDS) for c in row[:2])


OTHER_AREA_HEADER = re.compile(r"可供|指标|储备|剩余|待开发|已出让|已供|闲置")
"""A column whose areas are not the park's land (可供工业用地, 用地指标): land left, promised or sold."""


def other_area_cells(tables: list[Table]) -> list[tuple[int, int]]:
    """Clean spans of the cells under an OTHER_AREA_HEADER column (their figures are not land)."""
    return [(row[i].start, row[i].end) for t in tables for i, c in enumerate(t.columns)
            if c.role is None and OTHER_AREA_HEADER.search(c.header.text) for row in t.rows if i < len(row)]


def find_tables(view: View) -> list[Table]:
    """Every table of `view`: delimited rows (| or tab) and one-cell-a-line tables after 序号."""
    return sorted(_delimited(view) + _cell_lines(view), key=lambda t: t.start)


def column(cell: Cell) -> Column:
    """The column a header cell starts: its role, the unit its header writes and its year."""
    text = cell.text.replace(" ", "")
    m = YEAR_HEADER.match(text)
    if m:
        return Column(cell, "year", None, int(m.group(1)))
    unit_m = UNIT_IN_HEADER.search(text)
    unit = unit_m.group(1) if unit_m else None
    for role in COLUMN_ROLES:
        if any(w in text for w in role.words):
            return Column(cell, role.id, unit, None)
    return Column(cell, None, unit, None)


def _cells(view: View, a: int, b: int, sep: str) -> list[Cell]:
    out = []
    start = a
    for i in range(a, b + 1):
        if i == b or view.canon[i] == sep:
            s, e = start, i
            while s < e and view.canon[s] in " \u3000":
                s += 1
            while e > s and view.canon[e - 1] in " \u3000":
                e -= 1
            if e - s >= 2 and view.canon[s] == '"' and view.canon[e - 1] == '"':  # a spreadsheet's quoted cell
                s, e = s + 1, e - 1
            out.append(Cell(view.canon[s:e], view.clean[s:e], s, e))
            start = i + 1
    if sep == "|" and out and not out[0].text:
        out = out[1:]
    if sep == "|" and out and not out[-1].text:
        out = out[:-1]
    return out


def _caption(view: View, start: int) -> str:
    i = view.canon.rfind("\n", 0, max(0, start - 1))
    while i > 0:
        j = view.canon.rfind("\n", 0, i)
        line = view.clean[j + 1:i].strip()
        if line:
            return line if len(line) <= 60 else ""
        i = j
    return ""


def _make(view: View, rule: str, rows: list[list[Cell]]) -> Table | None:
    if len(rows) < 2:
        return None
    columns = [column(c) for c in rows[0]]
    if sum(c.role is not None for c in columns) < 2:
        return None
    n = len(columns)
    rows = [r[:n] + [Cell("", "", r[-1].end, r[-1].end)] * (n - len(r)) for r in rows]
    body = [r for r in rows[1:] if any(c.text for c in r) and not re.fullmatch(r"[-:| ]*", "".join(c.text for c in r))]
    start, end = rows[0][0].start, rows[-1][-1].end
    return Table(rule, columns, body, start, end, _caption(view, start))


def _delimited(view: View) -> list[Table]:
    tables: list[Table] = []
    for sep, rule in (("|", "pipe"), ("\t", "tab")):
        run: list[list[Cell]] = []
        pieces: list[Piece | None] = [*view.lines, None]
        taken = -1
        for line in pieces:
            if line is not None and line.start < taken:
                continue  # the rest of a quoted cell that runs over lines
            if line is not None:
                # a tab table's lines keep their tabs: read the raw line, not the stripped piece
                a = view.canon.rfind("\n", 0, line.start) + 1
                b = _row_end(view.canon, a, view.canon.find("\n", line.end), sep)
                taken = b
                if view.canon.count(sep, a, b) >= 2 or (sep == "|" and view.canon.count(sep, a, b) >= 1 and run):
                    run.append(_cells(view, a, b, sep))
                    continue
            table = _make(view, rule, run)
            if table:
                tables.append(table)
            run = []
    return tables


MAX_QUOTED_LINES = 6
"""A spreadsheet's quoted cell ("…\n…") may run over at most this many lines."""


def _row_end(canon: str, a: int, b: int, sep: str) -> int:
    """Where the row starting at `a` ends: at `b` (its line's end; -1 for the text's end), or later
    when a cell of a delimited row opens a quote it closes on a following line (a spreadsheet's
    cell with line breaks, saved as tab-separated text: …\t"简称“X”。\n一期约2000亩已建成"\n)."""
    b = len(canon) if b < 0 else b
    if canon.count(sep, a, b) < 2:
        return b
    last = canon.rfind(sep, a, b) + 1
    if canon[last:b].lstrip().startswith('"') and canon.count('"', last, b) % 2 == 1:
        end = b
        for _ in range(MAX_QUOTED_LINES):
            nxt = canon.find("\n", end + 1)
            nxt = len(canon) if nxt < 0 else nxt
            if canon.count('"', end, nxt) % 2 == 1 and sep not in canon[end:nxt]:
                return nxt
            if sep in canon[end:nxt] or nxt >= len(canon):
                break
            end = nxt
    return b


def _cell_lines(view: View) -> list[Table]:
    tables: list[Table] = []
    canon = view.canon
    raw = [(m.start(), m.end()) for m in re.finditer(r"[^\n]*", canon) if m.start() < len(canon)]
    raw = [(a, b) for a, b in raw if b > a]
    i = 0
    while i < len(raw):
        a, b = raw[i]
        if canon[a:b].strip() != "序号" or not (i + 1 < len(raw) and not canon[raw[i + 1][0]:raw[i + 1][1]].strip()):
            i += 1
            continue
        cells: list[Cell] = []
        prev_content = False
        j = i
        while j < len(raw):
            s, e = raw[j]
            text = canon[s:e].strip()
            if text:
                if len(text) > MAX_CELL_LINE or (j > i and _HEADING.match(canon[s:e])):
                    break
                s2 = s + (len(canon[s:e]) - len(canon[s:e].lstrip()))
                cells.append(Cell(text, view.clean[s2:s2 + len(text)], s2, s2 + len(text)))
                prev_content = True
            else:
                if not prev_content:
                    cells.append(Cell("", "", s, s))
                prev_content = False
            j += 1
        n = next((k for k, c in enumerate(cells) if k and (not c.text or re.fullmatch(r"[\d.]+", c.text))), 0)
        if n >= 2:
            rows = [cells[k:k + n] for k in range(0, len(cells) - len(cells) % n, n)]
            table = _make(view, "cell-lines", rows)
            if table:
                tables.append(table)
        i = j
    return tables
