"""The networks access can be measured on: the plan's links (bundled) and the transit networks
users imported (a GTFS feed, saved in the workspace as two user layers — stations and lines —
and listed in the workspace setting `access_networks`). Which one a session measures on is its
choice (`chosen`), kept in the URL by the pages that show access.
"""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import streamlit as st

from layers.access import PLAN, AccessNetwork, access_table, network_statement, summarise
from layers.transport import FULL_PLAN
from store import StoreError, WorkspaceError
from ui import data, workspace
from ui.i18n import Lang, t

NETWORKS_SETTING = "access_networks"
"""Workspace setting: {network id: {"name", "as_of", "source", "lines", "nodes", "notes"}}, where
lines / nodes are the ids of the network's two user layers."""
CHOICE_KEY = "access_network"
"""Session state: the key of the network this session measures access on."""

PLAN_NAME = ("规划文件所列交通线路（可定位部分）", "the links the five planning documents name (those that can be placed)")


def plan() -> AccessNetwork | None:
    """The bundled plan network, or None when the transport layers are missing or broken."""
    lines, _ = data.optional_layer("transport_lines")
    nodes, _ = data.optional_layer("transport_nodes")
    if lines is None or nodes is None:
        return None
    return AccessNetwork(PLAN, PLAN_NAME[0], PLAN_NAME[1], "data/SOURCES.md", lines, nodes)


def _registered() -> dict:
    ws = workspace.current()
    if ws is None or workspace.problem():
        return {}
    try:
        return dict(ws.setting(NETWORKS_SETTING) or {})
    except WorkspaceError:
        return {}


@st.cache_resource(show_spinner=False, max_entries=8)
def _user_networks(key: tuple) -> list[AccessNetwork]:
    from layers import transport

    layers = {layer.layer_id: layer.gdf for layer in data.user_layers()}
    out = []
    for net_id, info in sorted(_registered().items()):
        lines, nodes = layers.get(info.get("lines")), layers.get(info.get("nodes"))
        if lines is None or nodes is None:  # hidden, or not saved yet
            continue
        name = str(info.get("name") or net_id)
        out.append(AccessNetwork(f"user:{net_id}", name, name, str(info.get("source") or ""),
                                 transport.finish(lines.set_index("id", drop=False).rename_axis(None)),
                                 transport.finish(nodes.set_index("id", drop=False).rename_axis(None))))
    return out


def available() -> list[AccessNetwork]:
    """Every network access can be measured on: the plan first, then the imported ones."""
    own = plan()
    users = _user_networks(data._all_key()) if workspace.current() is not None else []
    return ([own] if own is not None else []) + users


def chosen() -> AccessNetwork | None:
    """The network this session measures on (its choice, else the plan, else the first one)."""
    nets = available()
    wanted = st.session_state.get(CHOICE_KEY, PLAN)
    return next((n for n in nets if n.key == wanted), nets[0] if nets else None)


@st.cache_resource(show_spinner=False, max_entries=16)
def _access(network_key: str, year: int | str, key: tuple) -> pd.DataFrame | None:
    net = next((n for n in available() if n.key == network_key), None)
    return None if net is None else access_table(data.parks(), net.lines, net.nodes, year)


def access(network: AccessNetwork | None, year: int | str) -> pd.DataFrame | None:
    """Access of every park in `year` on `network` (None without a network); cached by the
    revisions of the layers it is measured from."""
    if network is None:
        return None
    return _access(network.key, year, data._all_key())


def statement(network: AccessNetwork | None, year: int | str, lang: Lang) -> str:
    """The sentence saying what access is measured on (or that there is no network)."""
    if network is None:
        return t("no_transport_data", lang)
    return network_statement(network, summary(network, year), lang)


def summary(network: AccessNetwork, year: int | str):
    """`layers.access.summarise` of `network` in `year`, cached by the revisions it is made from."""
    return _summary(network.key, year, data._all_key())


@st.cache_resource(show_spinner=False, max_entries=32)
def _summary(network_key: str, year: int | str, key: tuple):
    net = next(n for n in available() if n.key == network_key)
    return summarise(net, year)


def choose(lang: Lang, container=st.sidebar) -> AccessNetwork | None:
    """A picker of the access network when there is more than one; returns the chosen one."""
    nets = available()
    if len(nets) > 1:
        keys = [n.key for n in nets]
        if st.session_state.get(CHOICE_KEY) not in keys:
            st.session_state[CHOICE_KEY] = keys[0]
        names = {n.key: (n.name_zh if lang == "zh" else n.name_en) for n in nets}
        container.selectbox(t("access_network", lang), keys, key=CHOICE_KEY, format_func=lambda k: names[k],
                            help=t("access_network_help", lang))
    return chosen()


def year_label(year: int | str, lang: Lang) -> str:
    return t("full_plan", lang) if year == FULL_PLAN else str(year)


def register(ws, name: str, lines: gpd.GeoDataFrame, nodes: gpd.GeoDataFrame, *, source: str, as_of: str,
             origin: str, notes: list[str], reason: str, part_names: tuple[str, str]) -> str:
    """Save an imported network in workspace `ws`: registered first (so no session sees its
    layers without it), then its stations and lines as two user layers named `part_names`.
    Returns the network key ("user:<id>"). Raises StoreError / ValueError (then the network is
    not listed: a registered network whose layers are missing is skipped)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "network"
    registered = dict(ws.setting(NETWORKS_SETTING) or {})
    net_id, n = slug, 2
    while net_id in registered:
        net_id, n = f"{slug}-{n}", n + 1
    layer_ids = {"lines": f"net-{net_id}-lines", "nodes": f"net-{net_id}-stations"}
    ws.set_setting(NETWORKS_SETTING, {**registered, net_id: {"name": name, "as_of": as_of, "source": source,
                                                           **layer_ids, "notes": notes}})
    for part, frame, label in (("nodes", nodes, part_names[0]),
                               ("lines", lines, part_names[1])):
        ws.add_layer(label, frame.reset_index(drop=True), role="transport", origin=origin, reason=reason, evidence=source,
                     notes=notes, layer_id=layer_ids[part])
    return f"user:{net_id}"


def save_imported(ws, lang: Lang, name: str, lines: gpd.GeoDataFrame, nodes: gpd.GeoDataFrame, *,
                  source: str, as_of: str, origin: str, notes: list[str]) -> str | None:
    """`register` for a page: the network key, or None after saying why it could not be saved."""
    try:
        key = register(ws, name, lines, nodes, source=source, as_of=as_of, origin=origin, notes=notes,
                       reason=t("network_import_reason", lang, name=name, markdown=False),
                       part_names=(t("network_part_nodes", lang, name=name, markdown=False),
                                   t("network_part_lines", lang, name=name, markdown=False)))
    except (StoreError, ValueError) as exc:
        st.error(t("save_failed", lang))
        st.code(str(exc))
        return None
    finally:
        workspace.changed()
    return key
