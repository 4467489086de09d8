"""ParkAtlas (园区图谱): entry point. Page config and navigation between pages; nothing else.

`streamlit run streamlit_app.py` imports this file once as `streamlit_app` to find the server's
`app` (Streamlit's `st.App` with our routes: `ui.server_routes`), then runs it as `__main__` for
every page run. The child processes that check uploads
(`layers.import_check`) are told, by multiprocessing, to import the parent's main module as
`__mp_main__`: there the app must not run (it would draw pages and start threads in every child),
so everything happens in `main()` and only when run as `__main__`.
"""


def main() -> None:
    """Configure the page, start the memory releaser and run the chosen page."""
    import streamlit as st

    from ui import uploads
    from ui.memory import start_releasing
    from ui.pages import atlas, data_page, plans, present, sites, targets

    st.set_page_config(page_title="ParkAtlas 园区图谱", page_icon="🗺️", layout="wide")
    start_releasing()  # memory a finished session freed goes back to the system (once per server process)
    pages = [
        # The default page is served at "/"; the same atlas is also at "/atlas" (not listed twice).
        st.Page(atlas.render, title="Atlas · 园区地图", url_path=atlas.ATLAS_URL_PATHS[0], default=True),
        st.Page(atlas.render, title="Atlas · 园区地图", url_path=atlas.ATLAS_URL_PATHS[1], visibility="hidden"),
        st.Page(sites.render, title="Sites · 选址", url_path="sites"),
        st.Page(targets.render, title="Targets · 发展目标", url_path="targets"),
        st.Page(plans.render, title="Plans · 规划与园区", url_path="plans"),
        st.Page(data_page.render, title="Data · 数据导入导出", url_path="data"),
        st.Page(present.render, title="Present · 演示", url_path="present"),
    ]
    # The atlas's first paint sends the map alone; its page links come with the sidebar after it.
    position = atlas.navigation_position(st.context.url, st.get_option("server.baseUrlPath") or "")
    uploads.begin_run()
    try:
        st.navigation(pages, position=position).run()
    finally:
        uploads.end_run()  # a run that drew no uploader takes no more uploads


if __name__ == "__main__":
    main()
elif __name__ == "streamlit_app":
    # Imported by the server: `streamlit run streamlit_app.py` finds this `app` and serves it, with
    # our routes and guard beside Streamlit's own (ui.server_routes); each session then runs this
    # file as __main__.
    from streamlit.starlette import App

    from ui.server_routes import middleware, prepare_server, routes

    prepare_server()
    app = App("streamlit_app.py", routes=routes(), middleware=middleware())
