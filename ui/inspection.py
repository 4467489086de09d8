"""Inspection for the pages: every park × check (constraint layers of the workspace, land-use
indicators against the plan's rules), computed once per revision of the layers it reads.

The computation is `layers.constraints.constraint_rows` (geodesic conflict areas, WGS84
ellipsoid, m²) and `layers.inspection.indicators.indicator_rows` (parcels clipped to each
outline); this module only finds the inputs in the workspace (user layers used as constraints,
`layers.constraint_layers`; real land-use parcels, `ui.data.real_parcels`; the plans' land-use
rules, the `indicator_rules` layer), caches the table by
the layers' revisions and shapes it for people (`display_table`). Everything returned is shared
between sessions: never mutate it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from geo._errors import GeoError
from layers._errors import LayerValidationError
from layers.constraint_layers import ConstraintSpec, coverage_extent, make_check, overall_by_park, spec_of
from layers.constraints import KINDS, ROW_COLUMNS, ConstraintCheck, constraint_rows
from layers.indicator_rules import IndicatorRule, rules_of
from layers.inspection.indicators import indicator_rows
from layers.user_layers import UserLayer
from ui import data
from ui.i18n import Lang, t
from ui.i18n_inspection import method_text

INDICATOR_VERDICTS = ("met", "not met", "no data", "no rule")


@dataclass
class Inspection:
    """The inspection table of every park and what it was made from.

    rows: ROW_COLUMNS + `kind` ("constraint" / "indicator"), `colour` (the constraint kind's map
    colour, "" for indicators), `method_parts` (what `method`, in English, is made of: say it in a
    language with `in_language`) and geometry (the conflicting part, EPSG:4326; None for
    indicators and where there is no conflict). checks: the constraint checks' names, in order.
    problems: constraint layers that could not be used, with why. landuse: whether real land-use
    parcels were found (indicators are computed only from them)."""

    rows: gpd.GeoDataFrame
    checks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    landuse: bool = False

    def of_park(self, park_id: str) -> gpd.GeoDataFrame:
        """The rows of one park, constraint checks first."""
        return self.rows[self.rows["park_id"] == str(park_id)]

    def overall(self) -> pd.Series:
        """{park id: overall constraint verdict} (`layers.constraint_layers.overall`); empty
        without constraint layers."""
        return overall_by_park(self.rows[self.rows["kind"] == "constraint"], self.checks)


def constraint_layers() -> list[tuple[UserLayer, ConstraintSpec]]:
    """The workspace's visible user layers used as constraints, with what each is used as."""
    out = []
    for layer in data.user_layers():
        used_as = spec_of(layer.gdf, layer.role)
        if used_as is not None:
            out.append((layer, used_as))
    return out


def layer_as_of(layer: UserLayer) -> str:
    """The date a constraint layer speaks for: its features' latest `as_of`, else the day it was saved."""
    if "as_of" in layer.gdf.columns:
        dates = layer.gdf["as_of"].dropna().astype(str)
        if not dates.empty:
            return str(dates.max())
    return f"{layer.created_at:%Y-%m-%d}" if layer.created_at else ""


@st.cache_resource(show_spinner=False, max_entries=8)
def _checks(key: tuple) -> tuple[list[ConstraintCheck], list[str], list[str]]:
    """(checks, their map colours, problems) of the constraint layers of the workspace, prepared
    once per revision of the layers (a 10⁶-patch layer takes seconds to index); shared between
    sessions: never mutate them."""
    from ui import workspace

    revisions = workspace.revisions()
    outlines = {u.layer_id: (u.name, u.gdf) for u in data.user_layers() if u.layer_id}
    checks, colours, problems = [], [], []
    for layer, used_as in constraint_layers():
        try:
            extent, extent_name = coverage_extent(used_as, outlines)
            check = make_check(layer.gdf, used_as, layer_name=layer.name,
                               version=str(revisions.get(layer.layer_id or "", "")) or None,
                               as_of=layer_as_of(layer) or None, extent=extent, extent_name=extent_name)
            if extent_name:  # the outline as of its revision, like every layer cited
                revision = revisions.get(used_as.coverage.split(":", 1)[1].split("#")[0])
                check.extent_version = None if revision is None else str(revision)
            checks.append(check)
            colours.append(used_as.colour)
        except GeoError as exc:
            problems.append(f"{layer.name}: {exc}")
        except LayerValidationError as exc:
            problems.append(f"{layer.name}: {'; '.join(exc.problems)}")
    return checks, colours, problems


def indicator_rules() -> list[IndicatorRule]:
    """The land-use rules of the workspace's `indicator_rules` layer as they are now (an officer's
    new rule counts at once: every cache of the inspection is keyed on the layers' revisions);
    without a workspace, the bundled data/landuse_rules.csv (`ui.data`'s read-only fallback); none
    when the workspace has no such layer."""
    return rules_of(data.records("indicator_rules"))


@st.cache_resource(show_spinner=False, max_entries=8)
def _inspection(key: tuple) -> Inspection:
    parks = data.parks()
    checks, colours, problems = _checks(key)
    parts = []
    if checks:
        rows = constraint_rows(parks, checks)
        colour_of = {c.name: colour for c, colour in zip(checks, colours)}
        parts_of = {c.method(): c.method_parts() for c in checks}
        rows["kind"] = "constraint"
        rows["colour"] = rows["check"].map(colour_of).fillna("#636363")
        rows["method_parts"] = [parts_of.get(m) for m in rows["method"]]
        parts.append(rows)
    parcels = data.real_parcels()
    if parcels is not None and not parcels.empty:
        ind = indicator_rows(parks, parcels, indicator_rules(), layer_label=t("insp_landuse_label", "en"))
        ind = gpd.GeoDataFrame(ind[[*ROW_COLUMNS, "method_parts"]].assign(kind="indicator", colour=""),
                               geometry=[None] * len(ind), crs=4326)
        parts.append(ind)
    if parts:
        table = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=4326)
    else:
        table = gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in [*ROW_COLUMNS, "kind", "colour", "method_parts"]},
                                 geometry=[], crs=4326)
    return Inspection(table, list(dict.fromkeys(c.name for c in checks)), problems,
                      landuse=parcels is not None and not parcels.empty)


def constraint_checks() -> list[ConstraintCheck]:
    """The checks of the workspace's constraint layers, as the profile's inspection uses them."""
    return _checks(data._all_key())[0]


def inspection() -> Inspection:
    """The inspection of every park, cached by the revisions of every layer of the workspace."""
    return _inspection(data._all_key())


# --------------------------------------------------------------------------- for people

def check_label(check: str, kind: str, lang: Lang) -> str:
    """A check's name in `lang`: a bundled constraint kind's name, an indicator's label, or the
    officer's own name as it was given."""
    if kind == "indicator":
        return t(f"ind_{check}", lang)
    if lang == "en":
        for k in KINDS.values():
            if check == k.name_zh:
                return k.name_en
    return check


def rule_label(rule: str, kind: str, lang: Lang) -> str:
    """"avoid" / "within" in `lang`; an indicator rule (with its citation) as written; "—" for none."""
    if kind == "constraint" and rule in ("avoid", "within"):
        return t(f"rule_{rule}", lang)
    return rule or "—"


def verdict_label(verdict: str, lang: Lang) -> str:
    """A verdict in `lang` (clear / sliver / conflict / not covered / no outline / met / ...)."""
    key = f"verdict_{str(verdict).replace(' ', '_')}"
    from ui.i18n import LABELS

    return t(key, lang) if key in LABELS else str(verdict)


def method_label(parts: object, method: object, lang: Lang) -> str:
    """One row's method in `lang` (`ui.i18n_inspection.method_text`; its English `method` when
    it has no parts)."""
    return method_text(parts if isinstance(parts, dict) else None, lang, fallback=str(method or ""))


def in_language(rows: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """A copy of inspection rows whose `method` is said in `lang` (from `method_parts`)."""
    out = rows.copy()
    if "method_parts" in out.columns and len(out):
        out["method"] = [method_label(p, m, lang) for p, m in zip(out["method_parts"], out["method"])]
    return out


def display_table(rows: pd.DataFrame, parks: gpd.GeoDataFrame, lang: Lang) -> pd.DataFrame:
    """The inspection rows as a table for people, indexed by park id: park name, check, rule,
    conflict or indicator area (m², ha, 亩), share of the park (%), verdict and method, labels in
    `lang`. Numbers stay numbers (sortable; CSV and XLSX keep them)."""
    name_col = "name_zh" if lang == "zh" else "name_en"
    names = parks[name_col].astype(str) if name_col in parks.columns else pd.Series(dtype=str)
    share = pd.to_numeric(rows["share"], errors="coerce") * 100
    table = pd.DataFrame({
        t("insp_col_park", lang): [names.get(p, p) for p in rows["park_id"]],
        t("insp_col_check", lang): [check_label(c, k, lang) for c, k in zip(rows["check"], rows["kind"])],
        t("insp_col_rule", lang): [rule_label(r, k, lang) for r, k in zip(rows["rule"], rows["kind"])],
        t("insp_col_area_m2", lang): pd.to_numeric(rows["area_m2"], errors="coerce").round(1).to_numpy(),
        t("insp_col_area_ha", lang): pd.to_numeric(rows["area_ha"], errors="coerce").round(4).to_numpy(),
        t("insp_col_area_mu", lang): pd.to_numeric(rows["area_mu"], errors="coerce").round(3).to_numpy(),
        t("insp_col_share", lang): np.round(share.to_numpy(dtype=float), 3),
        t("insp_col_verdict", lang): [verdict_label(v, lang) for v in rows["verdict"]],
        t("insp_col_method", lang): in_language(rows, lang)["method"].astype(str).to_numpy(),
    }, index=pd.Index(rows["park_id"].astype(str).to_numpy(), name="park_id"))
    return table


def summary_text(verdict: str | None, lang: Lang) -> str:
    """One park's overall constraint verdict as a short text ("—" without constraint layers)."""
    return verdict_label(verdict, lang) if isinstance(verdict, str) and verdict else "—"


def park_summary(found: Inspection, park_id: str, lang: Lang) -> str:
    """One park's constraint checks in a line: "永久基本农田：冲突 1.20 ha（12.0 %）；…" ("—" without
    constraint layers). Plain text (a table cell): escape it before it reaches HTML."""
    rows = found.of_park(park_id)
    rows = rows[rows["kind"] == "constraint"]
    parts = []
    for _, r in rows.iterrows():
        text = f"{check_label(r['check'], 'constraint', lang)}{'：' if lang == 'zh' else ': '}{verdict_label(r['verdict'], lang)}"
        area = float(r["area_m2"]) if pd.notna(r["area_m2"]) else 0.0
        if r["verdict"] in ("conflict", "sliver") and area > 0:
            share = f"{float(r['share']) * 100:.1f} %"
            text += f" {area / 1e4:,.2f} ha（{share}）" if lang == "zh" else f" {area / 1e4:,.2f} ha ({share})"
        parts.append(text)
    return ("；" if lang == "zh" else "; ").join(parts) or "—"
