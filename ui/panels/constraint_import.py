"""The import step's options for a layer used as a constraint: its kind (a bundled one of
`layers.constraints.KINDS`, or one the officer names), rule (avoid / within) and sliver tolerance
(m², geodesic); see `layers.constraint_layers` for how they are kept with the layer."""

from __future__ import annotations

import streamlit as st

from geo.constraints import RULES
from layers._errors import LayerValidationError
from layers.constraint_layers import ConstraintSpec, spec
from layers.constraints import KINDS
from ui.i18n import Lang, t
from ui.safe_html import md

OTHER = "other"
KIND_KEY, NAME_KEY, RULE_KEY, TOLERANCE_KEY = "w_imp_c_kind", "w_imp_c_name", "w_imp_c_rule", "w_imp_c_tol"


def _kind_defaults() -> None:
    """When the kind changes, its default rule and tolerance replace what the form showed."""
    kind = KINDS.get(st.session_state.get(KIND_KEY, ""))
    if kind is not None:
        st.session_state[RULE_KEY] = kind.rule
        st.session_state[TOLERANCE_KEY] = float(kind.tolerance_m2)


def constraint_options(lang: Lang) -> ConstraintSpec | None:
    """The kind, rule and tolerance widgets; the spec they make, or None (after saying why) when
    an officer-named kind has no name yet."""
    first = next(iter(KINDS.values()))
    st.session_state.setdefault(RULE_KEY, first.rule)
    st.session_state.setdefault(TOLERANCE_KEY, float(first.tolerance_m2))
    c1, c2, c3 = st.columns([2, 2, 1])
    kind_id = c1.selectbox(t("insp_kind", lang), [*KINDS, OTHER], key=KIND_KEY, on_change=_kind_defaults,
                           format_func=lambda k: t("insp_kind_other", lang) if k == OTHER
                           else (KINDS[k].name_zh if lang == "zh" else KINDS[k].name_en))
    name = c1.text_input(t("insp_kind_name", lang), key=NAME_KEY, max_chars=60) if kind_id == OTHER else ""
    rule = c2.radio(t("insp_rule", lang), list(RULES), key=RULE_KEY, horizontal=True,
                    format_func=lambda r: t(f"rule_{r}", lang))
    tolerance = c3.number_input(t("insp_tolerance", lang), min_value=0.0, max_value=1e7, step=10.0, key=TOLERANCE_KEY,
                                help=t("insp_tolerance_help", lang))
    if kind_id == OTHER and not name.strip():
        st.info(t("insp_kind_needed", lang))
        return None
    try:
        used_as = spec(name.strip() if kind_id == OTHER else kind_id, rule, float(tolerance))
    except LayerValidationError as exc:
        st.error(md("; ".join(exc.problems)))
        return None
    st.caption(t("insp_kind_colour", lang, colour=used_as.colour, source=used_as.kind.colour_source))
    return used_as
