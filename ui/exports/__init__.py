"""What leaves the app as a file: static maps (PNG/PDF) with their layout, tiles and fonts, and
table downloads (CSV/XLSX)."""
