"""The options of a layer used as a constraint, at import and when they are changed later
(`ui.panels.constraint_edit`): its kind (a bundled one of `layers.constraints.KINDS`, or one the
officer names), rule (avoid / within), sliver tolerance (m², geodesic) and what its data covers
(its bounding box, the union of its features, or the outline of another imported layer or of
one of its features, e.g. a district); see `layers.constraint_layers` for how they are kept with
the layer."""

from __future__ import annotations

import streamlit as st

from geo.constraints import RULES
from layers._errors import LayerValidationError
from layers.constraint_layers import COVERAGES, OFFICER_PREFIX, ConstraintSpec, layer_coverage, parse_coverage, spec
from layers.constraints import KINDS
from ui.i18n import Lang, t
from ui.safe_html import md

OTHER = "other"
PREFIX = "w_imp_c"
"""The import form's widget keys start with it (kind: w_imp_c_kind, rule: w_imp_c_rule, ...)."""
KIND_KEY, NAME_KEY, RULE_KEY, TOLERANCE_KEY = "w_imp_c_kind", "w_imp_c_name", "w_imp_c_rule", "w_imp_c_tol"
ALL_FEATURES = ""
POLYGONS = ("Polygon", "MultiPolygon")


def _kind_defaults(prefix: str) -> None:
    """When the kind changes, its default rule and tolerance replace what the form showed."""
    kind = KINDS.get(st.session_state.get(f"{prefix}_kind", ""))
    if kind is not None:
        st.session_state[f"{prefix}_rule"] = kind.rule
        st.session_state[f"{prefix}_tol"] = float(kind.tolerance_m2)


def start_from(prefix: str, used_as: ConstraintSpec) -> None:
    """Fill the form of `prefix` with a saved spec (its widgets' values), e.g. to change it."""
    officer = used_as.kind.id.startswith(OFFICER_PREFIX)
    mode, layer_id, feature_id = parse_coverage(used_as.coverage)
    st.session_state[f"{prefix}_kind"] = OTHER if officer else used_as.kind.id
    st.session_state[f"{prefix}_name"] = used_as.kind.name_zh if officer else ""
    st.session_state[f"{prefix}_rule"] = used_as.rule
    st.session_state[f"{prefix}_tol"] = float(used_as.tolerance_m2)
    st.session_state[f"{prefix}_cov"] = mode
    st.session_state[f"{prefix}_cov_layer"] = layer_id or None
    st.session_state[f"{prefix}_cov_feature"] = feature_id


def _outline_layers(exclude: str | None) -> dict[str, tuple[str, object]]:
    """{layer id: (name, frame)} of the visible user layers with polygons, but `exclude`."""
    from ui import data

    return {u.layer_id: (u.name, u.gdf) for u in data.user_layers()
            if u.layer_id and u.layer_id != exclude and u.gdf.geom_type.isin(POLYGONS).any()}


def _coverage(prefix: str, lang: Lang, exclude: str | None, disabled: bool) -> str | None:
    """The coverage widgets; the coverage value, or None (after saying why) without a layer to use."""
    mode = st.radio(t("insp_coverage", lang), list(COVERAGES), key=f"{prefix}_cov", horizontal=True,
                    format_func=lambda m: t(f"insp_coverage_{m}", lang), help=t("insp_coverage_help", lang),
                    disabled=disabled)
    if mode != "layer":
        return mode
    layers = _outline_layers(exclude)
    if not layers:
        st.info(t("insp_coverage_no_layers", lang))
        return None
    if st.session_state.get(f"{prefix}_cov_layer") not in layers:
        st.session_state[f"{prefix}_cov_layer"] = next(iter(layers))
    c1, c2 = st.columns(2)
    layer_id = c1.selectbox(t("insp_coverage_of", lang), list(layers), key=f"{prefix}_cov_layer",
                            format_func=lambda i: layers[i][0], disabled=disabled)
    frame = layers[layer_id][1]
    polygons = frame[frame.geom_type.isin(POLYGONS)]
    names = (polygons["name_zh"].astype(str) if "name_zh" in polygons.columns
             else polygons.index.astype(str).to_series(index=polygons.index))
    options = [ALL_FEATURES, *map(str, polygons.index)]
    if st.session_state.get(f"{prefix}_cov_feature") not in options:
        st.session_state[f"{prefix}_cov_feature"] = ALL_FEATURES
    feature = c2.selectbox(t("insp_coverage_feature", lang), options, key=f"{prefix}_cov_feature",
                           format_func=lambda f: t("insp_coverage_all", lang) if f == ALL_FEATURES
                           else str(names.get(f, f)), disabled=disabled)
    return layer_coverage(layer_id, feature or "")


def constraint_options(lang: Lang, prefix: str = PREFIX, *, exclude: str | None = None,
                       disabled: bool = False) -> ConstraintSpec | None:
    """The kind, rule, tolerance and coverage widgets (keys `<prefix>_kind`, `_name`, `_rule`,
    `_tol`, `_cov`, `_cov_layer`, `_cov_feature`); the spec they make, or None (after saying why)
    when an officer-named kind has no name yet or no layer is there to take an outline from.
    `exclude`: a layer not offered as the outline (the constraint layer itself); `disabled`: shown,
    not changeable (a viewer)."""
    first = next(iter(KINDS.values()))
    st.session_state.setdefault(f"{prefix}_rule", first.rule)
    st.session_state.setdefault(f"{prefix}_tol", float(first.tolerance_m2))
    c1, c2, c3 = st.columns([2, 2, 1])
    kind_id = c1.selectbox(t("insp_kind", lang), [*KINDS, OTHER], key=f"{prefix}_kind", on_change=_kind_defaults,
                           args=(prefix,), disabled=disabled,
                           format_func=lambda k: t("insp_kind_other", lang) if k == OTHER
                           else (KINDS[k].name_zh if lang == "zh" else KINDS[k].name_en))
    name = (c1.text_input(t("insp_kind_name", lang), key=f"{prefix}_name", max_chars=60, disabled=disabled)
            if kind_id == OTHER else "")
    rule = c2.radio(t("insp_rule", lang), list(RULES), key=f"{prefix}_rule", horizontal=True, disabled=disabled,
                    format_func=lambda r: t(f"rule_{r}", lang))
    tolerance = c3.number_input(t("insp_tolerance", lang), min_value=0.0, max_value=1e7, step=10.0,
                                key=f"{prefix}_tol", help=t("insp_tolerance_help", lang), disabled=disabled)
    coverage = _coverage(prefix, lang, exclude, disabled)
    if kind_id == OTHER and not (name or "").strip():
        st.info(t("insp_kind_needed", lang))
        return None
    if coverage is None:
        return None
    if rule == "within" and coverage == "union":
        st.warning(t("insp_coverage_within_union", lang))
    try:
        used_as = spec(name.strip() if kind_id == OTHER else kind_id, rule, float(tolerance), coverage)
    except LayerValidationError as exc:
        st.error(md("; ".join(exc.problems)))
        return None
    if not disabled:
        st.caption(t("insp_kind_colour", lang, colour=used_as.colour, source=used_as.kind.colour_source))
    return used_as
