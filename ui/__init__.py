"""The Streamlit user interface: pages, the map builder and the typed view state."""
