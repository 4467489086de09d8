"""The one way a page shows a file uploader (issue 22): Streamlit accepts uploads for any
connected session, so the server's guard (`ui.server_routes`) takes them only from a session whose
page shows an uploader now (`ui.session_rights.may_upload`). A run that draws no uploader ends that.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.i18n import Lang, t
from ui.session_rights import UPLOADER_SHOWN

_DRAWN_THIS_RUN = "_parkatlas_uploader_drawn"


def begin_run() -> None:
    """Called before a page runs: no uploader drawn in this run yet."""
    st.session_state[_DRAWN_THIS_RUN] = False


def end_run() -> None:
    """Called after a page ran (or stopped): a run that drew no uploader closes uploads."""
    if not st.session_state.get(_DRAWN_THIS_RUN):
        st.session_state[UPLOADER_SHOWN] = False


def file_uploader(label: str, lang: Lang, **kwargs: Any) -> Any:
    """`st.file_uploader`, with this session marked as one that may send files, and below it what
    to do in `lang`: the drop zone's own words ("Drag and drop file here", "Browse files", the
    size limit) are Streamlit's, in English, and st.file_uploader has no option to set them."""
    st.session_state[_DRAWN_THIS_RUN] = True
    st.session_state[UPLOADER_SHOWN] = True
    upload = st.file_uploader(label, **kwargs)
    mb = kwargs.get("max_upload_size") or st.get_option("server.maxUploadSize")
    st.caption(t("upload_hint", lang, mb=int(mb)))
    return upload
