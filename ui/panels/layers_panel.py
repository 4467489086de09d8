"""The Data page's list of the layers users brought in or drew, saved in the workspace: name,
features, use, origin, when and by whom; a constraint layer's settings (kind, rule, tolerance,
coverage), changed by an editor as a new version (`ui.panels.constraint_edit`); hide one (with a
reason; nothing is deleted), and show hidden ones again (admin). Below, where the workspace lives
and how to back it up."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from store import StoreError, WorkspaceError
from store.roles import may
from store.seed import skipped_updates
from ui import big_layers, data, file_gate, session_rights, workspace
from ui.exports.downloads import audit_csv
from ui.i18n import Lang, t
from ui.safe_html import md
from ui.state import ViewState
from ui.stored_text import action, layer_title, shown


def render_layers(state: ViewState) -> None:
    """My layers (from the workspace), hidden layers, and the workspace itself."""
    lang = state.lang
    st.subheader(t("my_layers", lang), anchor=False)
    ws = workspace.current()
    if ws is None or workspace.problem():
        workspace.report_problem(lang)
        return
    try:
        _render(ws, state)
    except WorkspaceError as exc:  # the database went away while the page was drawn
        workspace.went_down(ws.location, str(exc))
        workspace.report_problem(lang)


def _render(ws, state: ViewState) -> None:
    from ui.panels.constraint_edit import render_constraint_spec

    lang = state.lang
    layers = data.user_layers()
    if not layers:
        st.caption(t("no_user_layers", lang))
    names = {layer.layer_id: layer.name for layer in layers if layer.layer_id}
    for layer in layers:
        when = f"{layer.created_at:%Y-%m-%d %H:%M} UTC" if layer.created_at else ""
        c1, c2 = st.columns([5, 1])
        c1.markdown(f"**{md(layer.name)}** · {len(layer.gdf)} · {t('role_' + layer.role, lang)} · "
                    f"{md(layer.origin)} · {when} · {md(layer.created_by)}", help="\n".join(md(note) for note in layer.notes) or None)
        with c1:
            render_constraint_spec(state, ws, layer, names)
        if not workspace.can_edit(ws):
            continue
        with c2.popover(t("hide_layer", lang)):
            if not workspace.author_field(ws, lang, f"w_hide_{layer.layer_id}"):  # a hide is saved under a name
                continue
            reason = st.text_input(t("save_reason", lang), key=f"w_hide_reason_{layer.layer_id}", max_chars=200)
            if st.button(t("hide_layer_confirm", lang), key=f"w_hide_{layer.layer_id}", disabled=not reason.strip()):
                _act(lambda: _hide(ws, layer.layer_id, reason), lang)
    _hidden_layers(ws, lang)
    _about_workspace(ws, lang)


def _hide(ws, layer_id: str, reason: str) -> None:
    """Hide the layer; its tile archives and partitions on this server go with it (`ui.big_layers`)."""
    ws.hide_layer(layer_id, reason=reason)
    big_layers.remove_files([layer_id])


def _act(action, lang: Lang) -> None:
    try:
        action()
    except (StoreError, ValueError) as exc:
        st.error(md(str(exc)))
        return
    workspace.changed()
    st.rerun()


def _hidden_layers(ws, lang: Lang) -> None:
    hidden = ws.layers(include_hidden=True)
    hidden = hidden[hidden["hidden"]]
    if hidden.empty:
        return
    with st.expander(t("hidden_layers", lang, n=len(hidden))):
        for row in hidden.itertuples():
            c1, c2 = st.columns([5, 1])
            c1.markdown(f"**{md(row.name)}** · {row.features} · {md(row.origin)}")
            if ws.role == "admin" and c2.button(t("unhide_layer", lang), key=f"w_unhide_{row.layer_id}"):
                _act(lambda lid=row.layer_id: ws.unhide_layer(lid, reason=t("unhide_reason", lang)), lang)


def _about_workspace(ws, lang: Lang) -> None:
    with st.expander(t("ws_about", lang)):
        st.markdown(t("ws_where", lang, path=ws.location, markdown=False))  # in a code span
        st.markdown(t("ws_backup", lang))
        st.markdown(t("ws_author", lang, name=ws.user or t("not_stated", lang)))
        skipped = skipped_updates(ws)
        if not skipped.empty:
            st.warning(t("ws_skipped", lang, n=len(skipped)))
            st.dataframe(pd.DataFrame({t("exp_layer", lang): [layer_title(i, lang) for i in skipped["layer_id"]],
                                       t("bm_feature_col", lang): skipped["feature_id"]}), hide_index=True)
        events = ws.layer_events()
        if not events.empty:
            st.dataframe(events_table(events, ws.layers(include_hidden=True), lang), hide_index=True, width="stretch")
        if may(ws.role, "audit"):
            st.link_button(t("audit_download", lang), audit_url(ws))


def events_table(events: pd.DataFrame, layers: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Who added, hid or restored which layer, when and why (`Workspace.layer_events`), as shown:
    headers, actions and the app's own words in `lang`, layers by name."""
    names = dict(zip(layers["layer_id"], layers["name"]))
    return pd.DataFrame({
        t("exp_layer", lang): [layer_title(i, lang, names.get(i)) for i in events["layer_id"]],
        t("h_op", lang): [action(a, lang) for a in events["action"]],
        t("h_author", lang): [shown(a, lang) for a in events["author"]],
        t("h_time", lang): [f"{v:%Y-%m-%d %H:%M} UTC" for v in events["time"]],
        t("h_reason", lang): [shown(r, lang) for r in events["reason"]],
    })


def audit_url(ws) -> str:
    """This session's link to the audit log, made when fetched (never a file on the public media
    route): answered only while this session is connected and its user is an admin."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    name = "parkatlas-audit-log.csv"
    token = file_gate.grant("audit", name, ctx.session_id if ctx else "", session_rights.may_audit,
                            produce=lambda: audit_csv(ws.audit_log()), media_type="text/csv; charset=utf-8",
                            download_name=name)
    return file_gate.url(token, name, st.get_option("server.baseUrlPath") or "")
