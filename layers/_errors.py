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


class UnitMismatchError(LayerError, ValueError):
    """Two units that cannot be converted into one another (`layers.target_units`): of different
    dimensions (a floor area is never a land area), unknown, or of one dimension but without a
    factor between them (亿美元 and 亿元: no exchange rate; 个 and 家 count different things)."""


class TableFileError(LayerError, ValueError):
    """A table file (CSV or XLSX) that cannot be checked at all, e.g. a file of actual figures
    (`layers.actuals_import`): too large, too many rows, not a readable CSV or XLSX (damaged,
    truncated, a zip bomb), or without the columns it needs. `code` says which ("too-large",
    "too-many-rows", "unreadable", "unsafe", "missing-columns", ...); the message is English,
    `message_zh` the same in Chinese (the app shows one language at a time)."""

    def __init__(self, code: str, message: str, message_zh: str):
        self.code = code
        self.message_zh = message_zh
        super().__init__(message)

    def __reduce__(self):  # survives pickling (a check run in a child process)
        return type(self), (self.code, str(self), self.message_zh)


class MissingColumnError(LayerError, KeyError):
    """A column the caller named that the table does not have (the message lists those it has)."""

    def __str__(self) -> str:  # KeyError would print the repr of its argument
        return str(self.args[0]) if self.args else "missing column"


class DocumentError(LayerError, ValueError):
    """A plan document (`layers.plan_reader.sources.read_document`) that cannot be read into text:
    too large, empty, of a format we do not read, a damaged or encrypted PDF, an unsafe DOCX (a zip
    bomb, too many or too large parts), undecodable text, or a scan when OCR is not installed. `code`
    says which ("too-large", "empty", "unknown-format", "broken-pdf", "encrypted", "unsafe",
    "broken-docx", "broken-html", "undecodable", "no-text", "ocr-missing", "ocr-failed"); `message`
    is English, `message_zh` the same in Chinese; str() is `message`."""

    def __init__(self, code: str, message: str, message_zh: str):
        self.code = code
        self.message = message
        self.message_zh = message_zh
        super().__init__(message)

    def __reduce__(self):  # survives pickling (a reading run in a child process)
        return type(self), (self.code, self.message, self.message_zh)
