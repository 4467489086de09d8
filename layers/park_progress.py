"""A park's progress as one state, for colouring the map: from the progress of its own targets.

The rule (stated on the map's legend and in `RULE_EN` / `RULE_ZH`): a park is *behind* when any
of its targets is behind; else *on track* when any is on track; else *met* when any is met; else
*no data* (no targets, or no actual figures). Targets of a whole plan colour no park. Colours are
Paul Tol's colour-blind-safe "bright" green, cyan and red, and grey for no data.
"""

from __future__ import annotations

import pandas as pd

PROGRESS_COLOURS: dict[str, str] = {"met": "#228833", "on-track": "#66CCEE", "behind": "#EE6677", "no-data": "#BBBBBB"}
"""Map colour of each progress state (#RRGGBB)."""

RULE_EN = ("A park is behind when any of its targets is behind, else on track when any is on track, else met "
           "when any is met, else no data. Targets of a whole plan colour no park.")
RULE_ZH = "园区任一目标滞后即为滞后；否则任一目标按进度推进即为按进度；否则任一目标已达成即为已达成；否则为无数据。整体规划的目标不计入单个园区。"

_ORDER = ("behind", "on-track", "met")


def park_progress(targets: pd.DataFrame, assessed: pd.DataFrame, park_ids) -> pd.Series:
    """park id -> progress state (`layers.progress.PROGRESS_STATUSES`) for every id in `park_ids`, by the rule above.

    targets: the targets table (index = target id, `park_id`); assessed: `layers.progress.assess`
    of it (index = target id, `status`).

    >>> t = pd.DataFrame({"park_id": ["a", "a", "b"]}, index=["t1", "t2", "t3"])
    >>> s = pd.DataFrame({"status": ["met", "behind", "no-data"]}, index=["t1", "t2", "t3"])
    >>> park_progress(t, s, ["a", "b", "c"]).tolist()
    ['behind', 'no-data', 'no-data']
    """
    status = assessed["status"].reindex(targets.index).fillna("no-data")
    by_park = status.groupby(targets["park_id"]).agg(set)
    out = {}
    for pid in park_ids:
        states = by_park.get(pid, set())
        out[pid] = next((s for s in _ORDER if s in states), "no-data")
    result = pd.Series(out, dtype=object)
    return result
