# ParkAtlas: `make run` starts the app on the bundled data; `make test` runs every test.
# Both set everything up first on a fresh machine (venv, pinned packages, vendored map assets,
# and for tests Debian's chromium).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
VENDOR := static/vendor/.installed

.PHONY: run test setup browser bench offline-check clean

run: setup
	$(PY) -m streamlit run streamlit_app.py

test: setup browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m pytest

setup: $(VENV)/.installed $(VENDOR)

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Leaflet and plugins from the npm registry (versions locked in package-lock.json), copied to
# static/vendor/ which Streamlit serves: the map needs no public CDN (DESIGN.md §7).
$(VENDOR): package.json package-lock.json ui/assets.py $(VENV)/.installed
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	$(PY) -m ui.assets
	touch $@

# Debian's chromium (and CJK fonts for readable screenshots) for the browser tests, GDAL's ogrinfo,
# which checks that the workspace is a GeoPackage other GIS programs open, and PostgreSQL + PostGIS,
# which the tests start themselves (initdb in a temporary folder) for the team database, and
# tesseract with its Simplified Chinese data, which reads scanned plan PDFs (layers.plan_reader.sources).
browser:
	@{ command -v chromium && command -v ogrinfo && command -v pdffonts && ls /usr/share/fonts/truetype/wqy/wqy-microhei.ttc /usr/share/postgresql/*/extension/postgis.control /usr/share/tesseract-ocr/*/tessdata/chi_sim.traineddata; } >/dev/null 2>&1 || { \
	  echo "installing Debian chromium, fonts, poppler-utils, gdal-bin, postgresql, postgis and tesseract for the tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fonts-wqy-microhei poppler-utils gdal-bin \
	    postgresql postgresql-postgis tesseract-ocr tesseract-ocr-chi-sim >/dev/null; }

bench: setup browser
	$(PY) -m bench.run_all

offline-check: setup browser
	$(PY) ../shared/tools/offline_map_check.py --shot test-artifacts/offline_map.png

clean:
	rm -rf $(VENV) node_modules static/vendor test-artifacts .pytest_cache
