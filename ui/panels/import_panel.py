"""The Data page's import section: upload, options, the check report, then "add as layer".

Nothing is added until the user has seen the report: an import first becomes the session's
pending import (`ui.memory.held(PENDING_IMPORT)`); only "Add as layer" saves it in the workspace,
under a name of its own (or, used as park boundaries, the matching step outlines the parks). A
failed import shows our error message and changes nothing already loaded. The check runs in a
child process (`layers.import_check`): uploaded bytes are written to a private temporary folder
(never a path the user chose), and the checked layer stays in a file there until it is used.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from geo._errors import InputError
from geo.detect import COMMON_CRS
from geo.io import list_layers
from layers._errors import LayerValidationError
from layers.big_layers import is_big
from layers.import_check import CheckedImport, check_upload
from layers.landuse_measures import mapping_notes
from layers.user_layers import ROLES, AttributeMapping, apply_mapping, unique_name
from ui import big_layers, memory, uploads, workspace
from ui.data import user_layers as data_layers
from ui.i18n import Lang, t
from ui.panels.import_report import render_report
from ui.safe_html import md
from ui.state import PENDING_IMPORT, ViewState

UPLOAD_TYPES = ["geojson", "json", "gpkg", "zip", "kml", "csv", "txt", "parquet", "geoparquet"]
ENCODINGS = [None, "utf-8", "gb18030", "gbk"]
SYSTEMS = ["wgs84", "gcj02", "bd09"]


@dataclass
class PendingImport:
    """An import that was checked but not yet added: the check (its layer kept in a file, not in
    the server's memory: `layers.import_check`) and the options that made it."""

    file_name: str
    checked: CheckedImport
    options: dict

    def release(self) -> None:
        """Remove the checked layer's file (the session has ended, or the import was used)."""
        self.checked.release()


def _suffix(name: str) -> str:
    """The upload's extension, lower-case (empty when it is not a plain word)."""
    suffix = Path(name).suffix.lower()
    return suffix if len(suffix) <= 12 and suffix[1:].isalnum() else ""


def safe_upload_name(name: str) -> str:
    """The user's file name reduced to a plain file name (no folders, no odd characters), so error
    messages name the file the user knows while nothing is written outside our temporary folder.

    >>> safe_upload_name("../../etc/规划 地块<1>.geojson")
    '规划_地块_1_.geojson'
    """
    stem = "".join(ch if (ch.isalnum() or ch in "-_") else "_" for ch in Path(Path(name).name).stem)[:60] or "upload"
    return f"{stem}{_suffix(name)}"


def run_import(data: bytes, file_name: str, options: dict) -> CheckedImport:
    """Check the upload with `geo.io.import_file` in a child process (`layers.import_check`),
    written under a safe name in a private temporary folder."""
    checked = check_upload(data, safe_upload_name(file_name), options)
    checked.report.source = file_name  # the user's name for it, not our temporary one
    return checked


def _layers_of(data: bytes, file_name: str) -> list[str]:
    if _suffix(file_name) not in (".gpkg", ".kml"):
        return []
    with tempfile.TemporaryDirectory(prefix="parkatlas-upload-") as tmp:
        path = Path(tmp) / safe_upload_name(file_name)
        path.write_bytes(data)
        try:
            return list_layers(path)
        except InputError:
            return []


def render_import(state: ViewState) -> None:
    """Upload, options, import; then the report of the pending import and the add step."""
    lang = state.lang
    st.caption(t("import_formats", lang, formats=t("import_supported", lang)))
    upload = uploads.file_uploader(t("import_file", lang), lang, type=UPLOAD_TYPES, key="w_upload")
    with st.expander(t("import_options", lang)):
        encoding = st.selectbox(t("import_encoding", lang), ENCODINGS, key="w_imp_encoding",
                                format_func=lambda v: t("auto_detect", lang) if v is None else v)
        system = st.selectbox(t("import_system", lang), SYSTEMS, key="w_imp_system",
                              format_func=lambda v: t(f"system_{v}", lang))
        crs_choices = [None] + [c.epsg for c in COMMON_CRS]
        crs = st.selectbox(t("import_crs", lang), crs_choices, key="w_imp_crs",
                           format_func=lambda v: t("crs_from_file", lang) if v is None else _crs_label(v, lang))
    if upload is None:
        return
    data = upload.getvalue()
    layers = _layers_of(data, upload.name)
    layer = st.selectbox(t("import_layer", lang), layers, key="w_imp_layer") if len(layers) > 1 else None
    if st.button(t("import_check", lang), key="w_import", type="primary"):
        options = {"encoding": encoding, "coordinate_system": system, "crs": crs, "layer": layer}
        _import_and_keep(state, data, upload.name, options, lang)
    _render_pending(state, data, upload.name)


def _crs_label(epsg: int, lang: Lang) -> str:
    common = {c.epsg: c for c in COMMON_CRS}
    c = common.get(epsg)
    name = (c.name_zh if lang == "zh" else c.name_en) if c else ""
    return f"EPSG:{epsg} {name}".strip()


def _import_and_keep(state: ViewState, data: bytes, file_name: str, options: dict, lang: Lang) -> None:
    """Import with a visible status; on failure say why and keep everything as it was."""
    with st.status(t("importing", lang, name=file_name), expanded=False) as status:
        try:
            checked = run_import(data, file_name, options)
        except InputError as exc:
            status.update(label=t("import_failed", lang), state="error", expanded=True)
            st.error(md(str(exc)))
            return
        status.update(label=t("import_checked", lang, n=checked.report.features_out), state="complete")
    memory.forget(PENDING_IMPORT)  # the one it replaces: its file goes
    memory.hold(PENDING_IMPORT, PendingImport(file_name, checked, options))


def _render_pending(state: ViewState, data: bytes, file_name: str) -> None:
    pending = memory.held(PENDING_IMPORT)
    if not isinstance(pending, PendingImport) or pending.file_name != file_name:
        return
    lang = state.lang
    report = pending.checked.report

    render_report(report, pending.checked.preview, pending.checked.head, lang)
    if report.crs_source.startswith("detected") and report.crs_candidates:
        pick = st.selectbox(t("confirm_crs", lang), report.crs_candidates, key="w_confirm_crs",
                            format_func=lambda v: _crs_label(v, lang))
        if st.button(t("reimport_crs", lang), key="w_reimport"):
            _import_and_keep(state, data, file_name, {**pending.options, "crs": pick}, lang)
            st.rerun()
    _render_add(state, pending, data, lang)


def _render_add(state: ViewState, pending: PendingImport, data: bytes, lang: Lang) -> None:
    checked = pending.checked
    columns = [None] + [c for c in checked.columns if c != checked.preview.geometry.name]
    st.markdown(f"**{t('import_mapping', lang)}**")
    c1, c2 = st.columns(2)
    role = c1.selectbox(t("import_role", lang), list(ROLES), key="w_imp_role",
                        format_func=lambda r: ROLES[r][0] if lang == "zh" else ROLES[r][1])
    if role == "parks" and c2.radio(t("bm_use", lang), ("match", "layer"), key="w_imp_parks_use",
                                    format_func=lambda k: t(f"bm_use_{k}", lang)) == "match":
        from ui.panels.boundary_match import render_boundary_match  # the matching step lives in its own module

        render_boundary_match(state, pending.file_name, data, checked.load())
        return
    name_col = c2.selectbox(t("import_name_col", lang), columns, key="w_imp_name_col",
                            index=_guess(columns, ("name", "名称", "name_zh", "mc", "title")),
                            format_func=lambda v: t("none", lang) if v is None else v)
    code_col = c1.selectbox(t("import_code_col", lang), columns, key="w_imp_code_col",
                            index=_guess(columns, ("code", "dldm", "ydlx", "用地代码", "landuse")),
                            format_func=lambda v: t("none", lang) if v is None else v)
    area_col = c2.selectbox(t("import_area_col", lang), columns, key="w_imp_area_col",
                            format_func=lambda v: t("none", lang) if v is None else v)
    wanted = st.text_input(t("layer_name", lang), value=Path(pending.file_name).stem, key="w_imp_layer_name", max_chars=80)
    floor_col = footprint_col = None
    if role == "landuse":  # floor area and footprint (m²) for FAR and building coverage (layers.landuse_measures)
        from ui.panels.landuse_import import measure_options

        floor_col, footprint_col = measure_options(columns, checked.head, lang)
    used_as = None
    if role == "constraint":  # kind, rule and tolerance, kept with the layer (layers.constraint_layers)
        from ui.panels.constraint_import import constraint_options

        used_as = constraint_options(lang)
        if checked.report.crs_source.startswith("detected"):
            st.warning(t("insp_need_crs", lang))
            return
        if used_as is None:
            return
    ws = workspace.writer(lang, "import")
    if ws is None:
        return
    if st.button(t("add_layer", lang), key="w_add_layer"):
        try:
            mapped = apply_mapping(checked.load(), AttributeMapping(name_col, code_col, area_col, floor_col,
                                                                    footprint_col), role, pending.file_name)
            if used_as is not None:
                from layers.constraint_layers import mark

                mapped = mark(mapped, used_as, pending.file_name)
        except LayerValidationError as exc:
            st.error(t("mapping_failed", lang))
            st.code("\n".join(exc.problems[:50]))
            return
        name = unique_name(wanted, {layer.name for layer in data_layers()})
        if workspace.save_layer(ws, lang, name, mapped, role=role, origin=pending.file_name,
                                notes=[*checked.report.warnings, *mapping_notes(floor_col, footprint_col, lang)],
                                reason=t("import_reason", lang, file=pending.file_name, markdown=False),
                                evidence=f"{pending.file_name}, sha256 {hashlib.sha256(data).hexdigest()[:12]}"):
            memory.forget(PENDING_IMPORT)  # used: its file goes
            if is_big(mapped):  # its vector tiles, now, while the officer waits here rather than on the atlas
                saved = next((layer for layer in data_layers() if layer.name == name), None)
                if saved is not None:
                    big_layers.build(saved, state.basemap, lang)


def _guess(columns: list[str | None], hints: tuple[str, ...]) -> int:
    """Index of the first column whose name matches a hint (case-insensitive), else 0 (none)."""
    lowered = [str(c).lower() if c else "" for c in columns]
    for hint in hints:
        if hint.lower() in lowered:
            return lowered.index(hint.lower())
    return 0
