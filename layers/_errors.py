"""Exception types raised by `layers`."""

from __future__ import annotations


class LayerError(Exception):
    """Base class of every error raised on purpose by `layers`."""


class UnknownLayerError(LayerError, KeyError):
    """A layer id that the registry does not know."""

    def __str__(self) -> str:  # KeyError would print the repr of its argument
        return str(self.args[0]) if self.args else "unknown layer"


class LayerValidationError(LayerError, ValueError):
    """A layer file that breaks its schema.

    `problems` holds one line per problem, each naming the file, the feature id and the field,
    e.g. ``data/parks.geojson: feature 'gz-vip-pazhou': field 'kind': 'campus' is not one of ...``.
    """

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        shown = "\n".join(self.problems[:20])
        more = f"\n... and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        super().__init__(f"{len(self.problems)} problem(s):\n{shown}{more}")


class StoryError(LayerValidationError):
    """A story file (data/stories/*.yaml) that cannot be shown.

    `problems` holds one line per problem, each naming the file, the slide (1-based) and the
    field, e.g. ``metro-to-parks.yaml: slide 3: field 'parks': 'gz-x' is not the id of a park``.
    """
