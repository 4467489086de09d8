"""English glosses of Chinese names that have no English on record, for exports in English: a
glossary kept as data (data/glossary_en.csv: `zh`, `en`, `kind`; today the kinds of organisation
that operate parks: 有限公司 "limited company", 管理委员会 "management committee", ...).

A gloss says what a name is, not what it is called: "广州国际生物岛科技投资开发有限公司" is glossed
"Limited company", and an English export writes "Limited company: 广州国际生物岛科技投资开发有限公司"
(the Chinese kept as the original beside it). A data folder without the file glosses nothing.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

GLOSSARY_FILE = "glossary_en.csv"


@functools.lru_cache(maxsize=4)
def _terms(path: str) -> tuple[tuple[str, str], ...]:
    """(Chinese term, English) pairs of the glossary at `path`, longest term first."""
    try:
        df = pd.read_csv(path, encoding="utf-8", dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError):
        return ()
    pairs = {zh.strip(): en.strip() for zh, en in zip(df.get("zh", []), df.get("en", [])) if zh.strip() and en.strip()}
    return tuple(sorted(pairs.items(), key=lambda kv: -len(kv[0])))


def gloss(text: str, data_dir: Path) -> str:
    """The English of the glossary terms found in `text`, in the order they occur, each once,
    joined by ", " (the longest term wins where terms overlap); "" when none is found.

    >>> from layers.registry import data_dir
    >>> gloss("中电网络通信有限公司和国光电器股份有限公司", data_dir())
    'limited company, joint-stock company'
    >>> gloss("天河区", data_dir())
    ''
    """
    terms = _terms(str(Path(data_dir) / GLOSSARY_FILE))
    found: list[str] = []
    i = 0
    while i < len(text):
        hit = next(((zh, en) for zh, en in terms if text.startswith(zh, i)), None)
        if hit is None:
            i += 1
            continue
        if hit[1] not in found:
            found.append(hit[1])
        i += len(hit[0])
    return ", ".join(found)


def english_or_gloss(original: str, english: str | None, data_dir: Path) -> str:
    """A name as an English export writes it: its English where the record has one, else the
    Chinese original after its gloss ("Limited company: …"), else the original alone.

    >>> from layers.registry import data_dir
    >>> english_or_gloss("汽车城发展公司", None, data_dir())
    'Development company: 汽车城发展公司'
    >>> english_or_gloss("汽车城发展公司", "Auto City Development Co.", data_dir())
    'Auto City Development Co.'
    """
    if english and english.strip():
        return english.strip()
    words = gloss(original, data_dir)
    return f"{words[:1].upper()}{words[1:]}: {original}" if words else original
