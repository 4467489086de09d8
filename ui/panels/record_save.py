"""Choosing, saving and retiring records of the plan layers (the record forms' other half).

A save checks the full record against the other records as they are now (`layers.records.check`)
and saves nothing while anything is wrong; it then names the version the form was opened on, so a
save from a form someone else's save has overtaken is refused (`store.ConflictError`): the page
shows who saved, when and why, the fields where theirs and the officer's input differ, keeps the
input, and offers to reload theirs or to apply the fields the officer changed on top of theirs.
After a save the app's caches are told (`ui.workspace.changed`) and the page says the new version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import shapely
import streamlit as st

from layers._errors import LayerValidationError
from layers.records import EDITABLE_LAYERS, RecordContext, check
from store import ConflictError, PermissionDenied, StoreError, Workspace
from ui import workspace
from ui.i18n import LABELS, Lang, t
from ui.panels.record_form import NEW, clean_record, form_key, forget, opened, plain, problems_box
from ui.state import view


@dataclass
class Conflict:
    """A refused save: the version saved in between (`theirs`: author, time, reason, attributes),
    and the officer's full record, reason and evidence."""

    feature_id: str
    version: int | None
    theirs: dict
    mine: dict
    reason: str
    evidence: str


def record_name(attrs: Mapping[str, Any], lang: Lang) -> str:
    """A record's name in `lang` (plain text): in English without an English name, the Chinese
    name marked so; its id when it has no name."""
    zh, en = plain(attrs.get("name_zh")), plain(attrs.get("name_en"))
    if lang == "en" and en:
        return str(en)
    if lang == "en" and zh:
        return t("name_in_chinese", lang, name=zh, markdown=False)
    return str(zh or en or attrs.get("id") or "")


def taken_ids(layer_id: str) -> set[str]:
    """Every id the layer holds, hidden records' too (an id is never given twice)."""
    frame = workspace.layer(layer_id, include_hidden=True)
    return set() if frame is None else {str(i) for i in frame.index}


def current_frames() -> dict[str, pd.DataFrame | None]:
    """The record layers as they are now (the revisions read afresh), for `check`."""
    workspace.changed()
    return {layer: workspace.layer(layer) for layer in EDITABLE_LAYERS}


def choose_record(layer_id: str, ids: Iterable[str], label_of: Callable[[str], str], new_key: str | None,
                  lang: Lang) -> str | None:
    """A select of the layer's records (and, with `new_key`, a new one first); the chosen id, or
    None for a new record. A record just created is chosen (`_saved`)."""
    key = f"rec_choice_{layer_id}"
    pending = st.session_state.pop(f"rec_pending_{layer_id}", None)
    if pending is not None:
        st.session_state[key] = pending
    options = ([NEW] if new_key else []) + list(ids)
    if not options:
        return None
    choice = st.selectbox(t("rec_choose", lang), options, key=key,
                          format_func=lambda v: t(new_key, lang) if v == NEW and new_key else label_of(v))
    return None if choice in (None, NEW) else str(choice)


def save_record(ws: Workspace, layer_id: str, feature_id: str, attrs: dict, *, reason: str, evidence: str,
                expected: int, geometry: shapely.Geometry | None, lang: Lang, form_id: str | None,
                before_save: Callable[[], bool] | None = None) -> int | None:
    """Check the full record `attrs` and save it (geometry kept as it is); the new version, or
    None after saying why not. A conflict is remembered for the form of `form_id` (None: the new
    record's form) and the page reruns to show it."""
    problems = check(layer_id, feature_id, attrs, geometry, RecordContext.from_frames(current_frames()))
    if problems:
        problems_box(problems, lang)
        return None
    if before_save is not None and not before_save():
        return None
    try:
        version = ws.save_feature(layer_id, feature_id, None, attrs, reason=reason, evidence=evidence,
                                  expected_version=expected)
    except ConflictError as exc:
        st.session_state[form_key(layer_id, form_id) + "_conflict"] = Conflict(
            feature_id, exc.current_version, dict(exc.theirs), attrs, reason, evidence)
        workspace.changed()
        st.rerun()
    except PermissionDenied as exc:
        st.error(t("rec_permission", lang))
        st.code(str(exc))
        return None
    except (LayerValidationError, StoreError, ValueError) as exc:
        workspace.report_failure(exc, lang)
        return None
    workspace.changed()
    return version


def saved(layer_id: str, form_id: str | None, feature_id: str, message: str) -> None:
    """After a save: the form forgets its input, the record saved is chosen, the page says `message`."""
    forget(layer_id, form_id)
    st.session_state[f"rec_pending_{layer_id}"] = feature_id
    view().flash = message
    st.rerun()


def _shown(value: Any) -> str:
    value = plain(value)
    if value is None:
        return "—"
    return "、".join(value) if isinstance(value, list) else str(value)


def differing(theirs: Mapping[str, Any], mine: Mapping[str, Any]) -> list[str]:
    """The attributes whose values differ between two records (missing = None).

    >>> differing({"a": 1, "b": None, "c": [1]}, {"a": 1.0, "b": float("nan"), "c": ["1"], "d": "x"})
    ['d']
    """
    names = list(dict.fromkeys([*theirs, *mine]))
    return [n for n in names if n not in ("id", "_version", "_hidden", "geometry")
            and _shown(theirs.get(n)) != _shown(mine.get(n))
            and not _same_number(plain(theirs.get(n)), plain(mine.get(n)))]


def _same_number(a: Any, b: Any) -> bool:
    return isinstance(a, (int, float)) and isinstance(b, (int, float)) and float(a) == float(b)


def _field_name(name: str, lang: Lang) -> str:
    return t(f"rec_f_{name}", lang) if f"rec_f_{name}" in LABELS else name


def render_conflict(ws: Workspace, layer_id: str, form_id: str | None, lang: Lang,
                    geometry: shapely.Geometry | None = None, current_version: int | None = None) -> None:
    """The refused save of the form of `form_id`, if there is one: who saved in between, when and
    why, the differing fields, and the two ways on (reload theirs; apply mine on top). Without
    one, a form opened on an older version than `current_version` says so, with a reload."""
    prefix = form_key(layer_id, form_id)
    c = st.session_state.get(prefix + "_conflict")
    if not isinstance(c, Conflict):
        was = st.session_state.get(prefix + "_opened")
        if current_version is not None and was is not None and was.version != current_version:
            st.warning(t("rec_saved_meanwhile", lang, version=current_version, opened=was.version))
            if st.button(t("rec_reload_theirs", lang), key=prefix + "_reload_meanwhile"):
                forget(layer_id, form_id)
                st.rerun()
        return
    when = c.theirs.get("time")
    st.error(t("conflict_title", lang, author=c.theirs.get("author") or "?", version=c.version))
    st.caption(t("conflict_reason", lang, reason=c.theirs.get("reason") or "—",
                 time=f"{when:%Y-%m-%d %H:%M} UTC" if when is not None else ""))
    theirs = clean_record(c.theirs.get("attributes") or {})
    names = differing(theirs, c.mine)
    if names:
        st.markdown(t("rec_conflict_fields", lang))
        st.dataframe(pd.DataFrame({t("rec_col_field", lang): [_field_name(n, lang) for n in names],
                                   t("rec_col_theirs", lang): [_shown(theirs.get(n)) for n in names],
                                   t("rec_col_mine", lang): [_shown(c.mine.get(n)) for n in names]}),
                     hide_index=True, width="stretch")
    else:
        st.caption(t("rec_conflict_same", lang))
    st.info(t("rec_input_kept", lang))
    c1, c2 = st.columns(2)
    if c1.button(t("rec_reload_theirs", lang), key=prefix + "_reload"):
        forget(layer_id, form_id)
        st.rerun()
    if c2.button(t("rec_apply_mine", lang), key=prefix + "_apply", type="primary"):
        base = opened(layer_id, form_id, None).attributes
        mine = {k: v for k, v in c.mine.items() if _shown(v) != _shown(base.get(k))}
        del st.session_state[prefix + "_conflict"]
        version = save_record(ws, layer_id, c.feature_id, {**theirs, **mine}, reason=c.reason, evidence=c.evidence,
                              expected=int(c.version or 0), geometry=geometry, lang=lang, form_id=form_id)
        if version is not None:
            saved(layer_id, form_id, c.feature_id, t("rec_saved", lang, name=record_name({**theirs, **mine}, lang),
                                                     version=version))


def retire_panel(ws: Workspace, layer_id: str, record_id: str, name: str, lang: Lang, blockers: list[str]) -> None:
    """Retire a record (hidden: it leaves the layer, every version stays) with a reason; refused,
    with the records named, while `blockers` (records that still name it) is not empty."""
    prefix = form_key(layer_id, record_id)
    with st.expander(t("rec_retire", lang)):
        st.caption(t("rec_retire_note", lang))
        if blockers:
            st.warning(t("rec_retire_blocked", lang, names="; ".join(blockers)))
            return
        reason = st.text_input(t("rec_retire_reason", lang), key=prefix + "_retire_reason", max_chars=300)
        if not st.button(t("rec_retire_button", lang), key=prefix + "_retire", disabled=not reason.strip()):
            return
    try:
        version = ws.hide_feature(layer_id, record_id, reason=reason.strip(),
                                  expected_version=opened(layer_id, record_id, None).version or None)
    except ConflictError as exc:
        workspace.changed()
        st.error(t("conflict_title", lang, author=exc.theirs.get("author") or "?", version=exc.current_version))
        return
    except (StoreError, ValueError) as exc:
        workspace.report_failure(exc, lang)
        return
    workspace.changed()
    forget(layer_id, record_id)
    view().flash = t("rec_retired", lang, name=name, version=version)
    st.rerun()
