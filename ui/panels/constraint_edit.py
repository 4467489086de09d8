"""The Data page's constraint settings of a saved constraint layer: what it is used as (kind,
rule, tolerance in m², what its data covers), and, for an editor, changing it.

A change saves every visible feature of the layer again with the new constraint columns
(`layers.constraint_layers.spec_attributes`) in one transaction: a new version of the layer with
the officer's reason, evidence and name, as every other edit. Each feature is saved from the
version it had when the form was opened, so a save someone else's save has overtaken is refused
(`store.ConflictError`): the page says who saved, the officer's input stays, and a reload takes
the newer versions as the base. The inspection keys on the layers' revisions
(`ui.inspection`), so it is computed afresh after the save. Viewers see the settings, read-only.
"""

from __future__ import annotations

import streamlit as st

from layers.constraint_layers import ConstraintSpec, parse_coverage, spec_attributes, spec_of
from layers.user_layers import UserLayer
from store import ConflictError, FeatureChange, PermissionDenied, StoreError
from ui import workspace
from ui.i18n import Lang, t
from ui.inspection import rule_label
from ui.safe_html import md
from ui.panels.constraint_import import constraint_options, start_from
from ui.state import ViewState


def coverage_label(used_as: ConstraintSpec, lang: Lang, names: dict[str, str] | None = None) -> str:
    """What the layer's data covers, in words: the envelope, the union, or "<layer> / <feature>"."""
    mode, layer_id, feature_id = parse_coverage(used_as.coverage)
    if mode != "layer":
        return t(f"insp_coverage_{mode}", lang, markdown=False)
    name = (names or {}).get(layer_id, layer_id)
    return f"{name} / {feature_id}" if feature_id else name


def spec_line(used_as: ConstraintSpec, lang: Lang, names: dict[str, str] | None = None) -> str:
    """One line saying what a layer is used as (plain text)."""
    kind = used_as.kind.name_zh if lang == "zh" else used_as.kind.name_en
    return t("insp_spec_line", lang, markdown=False, kind=kind, rule=rule_label(used_as.rule, "constraint", lang),
             tolerance=f"{used_as.tolerance_m2:g}", coverage=coverage_label(used_as, lang, names))


def _base(layer_id: str) -> dict[str, int]:
    """{feature id: current version} of the layer, read afresh."""
    workspace.changed()
    frame = workspace.layer(layer_id)
    return {} if frame is None else {str(k): int(v) for k, v in frame["_version"].items()}


def render_constraint_spec(state: ViewState, ws, layer: UserLayer, names: dict[str, str]) -> None:
    """The constraint settings of one layer (nothing for a layer that is not a constraint layer):
    the line, and in an expander the form (an editor) or the same widgets disabled (a viewer)."""
    used_as = spec_of(layer.gdf, layer.role)
    if used_as is None or not layer.layer_id:
        return
    lang = state.lang
    st.caption(md(spec_line(used_as, lang, names)))
    prefix = f"w_cedit_{layer.layer_id}"
    editor = workspace.can_edit(ws)
    with st.expander(t("insp_spec_edit", lang)):
        if f"{prefix}_base" not in st.session_state:
            start_from(prefix, used_as)
            st.session_state[f"{prefix}_base"] = _base(layer.layer_id)
        if not editor:
            st.info(t("insp_spec_viewer", lang, role=t(f"role_name_{ws.role}", lang)))
        new = constraint_options(lang, prefix, exclude=layer.layer_id, disabled=not editor)
        if not editor:
            return
        conflict = st.session_state.get(f"{prefix}_conflict")
        if conflict:
            st.error(t("insp_spec_conflict", lang, **conflict))
            if st.button(t("insp_spec_reload", lang), key=f"{prefix}_reload"):
                st.session_state[f"{prefix}_base"] = _base(layer.layer_id)
                st.session_state.pop(f"{prefix}_conflict", None)
                st.rerun()
        if not workspace.author_field(ws, lang, prefix):
            return
        reason = st.text_input(t("save_reason", lang), key=f"{prefix}_reason", max_chars=300)
        evidence = st.text_input(t("insp_spec_evidence", lang), key=f"{prefix}_evidence", max_chars=300)
        if st.button(t("insp_spec_save", lang), key=f"{prefix}_save", type="primary",
                     disabled=new is None or not reason.strip()):
            if new == used_as:
                st.info(t("insp_spec_same", lang))
                return
            _save(state, ws, layer, new, reason, evidence, prefix)


def _save(state: ViewState, ws, layer: UserLayer, new: ConstraintSpec, reason: str, evidence: str,
          prefix: str) -> None:
    """Save every feature with the new spec, each from its version when the form was opened."""
    lang = state.lang
    base: dict[str, int] = st.session_state.get(f"{prefix}_base") or {}
    current = workspace.layer(layer.layer_id)
    if current is None:
        workspace.report_problem(lang)
        return
    attributes = spec_attributes(new)
    changes = [FeatureChange(str(fid), None, dict(attributes), evidence.strip(), base.get(str(fid), int(version)))
               for fid, version in current["_version"].items()]
    try:
        saved = ws.save_features(layer.layer_id, changes, reason=reason.strip())
    except ConflictError as exc:
        workspace.changed()
        st.session_state[f"{prefix}_conflict"] = {"author": str((exc.theirs or {}).get("author") or "?"),
                                                  "feature": str(exc.feature_id), "version": exc.current_version}
        st.rerun()
    except (PermissionDenied, StoreError, ValueError) as exc:
        workspace.report_failure(exc, lang)
        return
    workspace.changed()
    st.session_state.pop(f"{prefix}_base", None)  # the next form starts from what was saved
    st.session_state.pop(f"{prefix}_conflict", None)
    state.flash = t("insp_spec_saved", lang, n=len(saved))
    st.rerun()
