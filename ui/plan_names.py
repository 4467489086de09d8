"""Names of plans and regions as pages show them: from the workspace's records, in the page's
language, marked where an English name is missing and the Chinese one stands in."""

from __future__ import annotations

from ui import data
from ui.i18n import Lang, t


def region_name(name: str, lang: Lang) -> str:
    """A city or district in `lang`; a name the gazetteer has no English for is shown in Chinese,
    marked so."""
    from layers import regions
    from layers.registry import data_dir

    shown, fell_back = regions.label(name, lang, data_dir())
    return t("name_in_chinese", lang, name=shown, markdown=False) if fell_back else shown


def plan_name(programme_id: str, lang: Lang) -> str:
    """A plan's name in `lang`; without an English name, the Chinese one, marked so."""
    plan = data.programmes().get(programme_id)
    if plan is None or plan.has_name(lang):
        return data.programmes().name(programme_id, lang)
    return t("name_in_chinese", lang, name=plan.name(lang), markdown=False)
