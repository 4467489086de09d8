"""Reading a plan document into proposed records (issue 24): the text (`sources`), then what it says.

`read_plan(text, sha256=, file_name=)` returns a `Reading`: the document (title, 文号, issuer, date),
its parks, zones, carriers and phases (names as written, short names, kind, parent, place, land
areas with km², floor areas kept apart, 四至, industries, operator, status, targets) and the
plan-wide targets. Every finding carries the rule that produced it, its exact quote, its section
path (一、（二）3.) and its offsets in the text. `python -m layers.plan_reader FILE --json` prints it.

The rules are data, one module per family:

- `numerals`: Arabic and Chinese numbers (约二点二 → 2.2, 一千二百 → 1200, 二〇二三 → 2023), ordinals
  such as 一期 never rewritten;
- `sections`: heading markers and section paths; `tables`: | / tab / one-cell-a-line tables and
  the role of each column; `document`: title, 文号, issuer, date;
- `areas`: area figures and their use (land, floor, target, other); `boundaries`: 四至;
- `names`, `candidates`: name suffixes and the rules that propose names; `merge`: which are parks
  and how names of one park merge; `parks`: nesting and who owns each finding; `attach`: the
  attributes; `targets`, `metrics`: targets and their metric ids;
- `read`: the whole reading; `output`: JSON and summary.

Nothing is downloaded and no model is used: only these rules, so an officer can see why each
finding is there.
"""

from layers.plan_reader.model import Reading
from layers.plan_reader.read import read_plan

__all__ = ["Reading", "read_plan"]
