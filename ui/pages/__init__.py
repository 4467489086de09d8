"""One module per page; each has a `render()` that streamlit_app.py's navigation calls."""
