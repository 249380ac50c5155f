# EO Notebooks: the two commands are `make book` and `make test` (see README.md).
# Every target that shares its name with a folder (book/, tests/, benchmarks/)
# must be .PHONY, or make thinks it is "up to date" and does nothing.
.PHONY: check format unit book book-lang translations test serve clean clean-all install vendor browser benchmark help notebooks pdf pdf-tools offline site-benchmark prepare launch-wheels launch-check check-live

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BUILD := _build
# No network during the build and the tests: every connection except to this
# machine is refused and logged (tools/offline_guard/sitecustomize.py).
OFFLINE := PYTHONPATH=$(CURDIR)/tools/offline_guard EOLAB_OFFLINE_LOG=$(CURDIR)/$(BUILD)/offline-guard.log
# Two stages.  PREPARE (`make prepare`) is the only one with registry access: the venv
# from PyPI, MathJax from npm, Chromium and poppler from Debian, and anything the tests
# would otherwise download.  The BUILD and the TESTS then run with no network at all:
# tools/netns_run puts them in a network namespace with only loopback (unshare -n),
# falling back to the Python guard alone where no namespace can be made; it prints
# which one ran (and writes it to $(BUILD)/offline-mode.txt).
NONET := $(OFFLINE) EOLAB_OFFLINE_MODE_FILE=$(CURDIR)/$(BUILD)/offline-mode.txt $(CURDIR)/tools/netns_run
MATHJAX := book/_static/vendor/mathjax/tex-chtml.js
MATHJAX_VERSION := 3.2.2

help:
	@echo "make book    - install everything into .venv and build the site into $(BUILD)/html (French: $(BUILD)/html/fr)"
	@echo "make translations - extract the English strings and update locales/<lang>/LC_MESSAGES/*.po"
	@echo "make test    - build (if needed) and run the whole test suite"
	@echo "make check   - the style gate: ruff lint + format check, codespell, launch notebooks stripped (seconds)"
	@echo "make format  - apply ruff's fixes and formatting"
	@echo "make unit    - the tests that need no built site (about a minute)"
	@echo "make prepare - everything that needs a package registry (venv, MathJax, Chromium)"
	@echo "make serve   - preview the built site at http://127.0.0.1:8000"
	@echo "make benchmark - print build and lesson timings"
	@echo "make clean   - remove the built site (keeps the execution cache)"
	@echo "make notebooks - regenerate notebooks/ (launch notebooks for Binder/JupyterHub/Colab; commit them)"
	@echo "make pdf     - PDF handouts of every page and the whole course into $(BUILD)/html/_downloads/pdf"
	@echo "make offline - zip of the site for a USB stick: $(OFFLINE_ZIP) (PYODIDE_DIST=dir adds Pyodide)"
	@echo "make site-benchmark - page weight of the built site"
	@echo "make launch-check - re-run the launch checks alone (Binder, JupyterHub, Colab, JupyterLite offline)"
	@echo "make check-live - read every real archive once (needs the internet), write book/_data/live-checks.json"

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(STAMP)

# MathJax from the npm registry, served from our own site (no CDN).
$(MATHJAX):
	rm -rf $(BUILD)/npm && mkdir -p $(BUILD)/npm book/_static/vendor/mathjax
	npm install --silent --no-audit --no-fund --prefix $(BUILD)/npm mathjax@$(MATHJAX_VERSION)
	cp $(BUILD)/npm/node_modules/mathjax/es5/tex-chtml.js book/_static/vendor/mathjax/
	mkdir -p book/_static/vendor/mathjax/output/chtml/fonts
	cp -r $(BUILD)/npm/node_modules/mathjax/es5/output/chtml/fonts/woff-v2 book/_static/vendor/mathjax/output/chtml/fonts/
	cp $(BUILD)/npm/node_modules/mathjax/LICENSE book/_static/vendor/mathjax/LICENSE

vendor: $(MATHJAX)

# Everything that needs a package registry; the build and the tests need nothing more.
# (Add here any download a test needs, e.g. wheels, into $(BUILD)/.)
prepare: $(STAMP) $(MATHJAX) browser launch-wheels

book: $(STAMP) $(MATHJAX)
	mkdir -p $(BUILD) && rm -f $(BUILD)/offline-guard.log
	$(NONET) $(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going
	@for lang in $(LANGS); do $(MAKE) --no-print-directory book-lang LANG_CODE=$$lang || exit 1; done
	@test ! -s $(BUILD)/offline-guard.log || { echo "The build tried to reach the network:"; cat $(BUILD)/offline-guard.log; exit 1; }

# --- Translations (_ext/eonb_i18n.py, CONTRIBUTING.md "Translations") ---
# Each language of LANGS is the same Jupyter Book build with language=<lang>
# (an overlay of _config.yml written by _ext/eonb_i18n.py), built into
# $(BUILD)/<lang>/_build/html with the same gate (warnings are errors, offline),
# then copied to $(BUILD)/html/<lang>/.  It reuses the English execution cache:
# only pages whose figures use eolab.i18n run again, with EOLAB_LANG=<lang>.
LANGS := fr
book-lang:
	mkdir -p $(BUILD)/$(LANG_CODE)
	$(BIN)/python _ext/eonb_i18n.py config $(LANG_CODE) > $(BUILD)/$(LANG_CODE)/_config.yml
	$(NONET) env EOLAB_LANG=$(LANG_CODE) $(BIN)/jupyter-book build . --config $(BUILD)/$(LANG_CODE)/_config.yml \
	  --path-output $(BUILD)/$(LANG_CODE) --warningiserror --nitpick --keep-going
	rm -rf $(BUILD)/html/$(LANG_CODE) && cp -a $(BUILD)/$(LANG_CODE)/_build/html $(BUILD)/html/$(LANG_CODE)

# After an English edit: extract every English string (Sphinx's gettext builder;
# executed pages come from the execution cache) into $(BUILD)/gettext/_build/gettext/*.pot
# and update the catalogues, one per page: locales/<lang>/LC_MESSAGES/<docname>.po.
# A changed string becomes "fuzzy" there until a translator checks it
# (tests/test_translations.py fails until then).
translations: $(STAMP)
	mkdir -p $(BUILD) && rm -rf $(BUILD)/gettext/_build/gettext
	$(NONET) $(BIN)/jupyter-book build . --builder custom --custom-builder gettext --path-output $(BUILD)/gettext
	$(BIN)/python _ext/eonb_i18n.py pot $(BUILD)/gettext/_build/gettext
	@for lang in $(LANGS); do $(BIN)/sphinx-intl update -p $(BUILD)/gettext/_build/gettext -d locales -l $$lang -w 0 || exit 1; done

# Debian's chromium (browser tests, PDF handouts) and poppler-utils (pdfunite,
# pdfinfo, pdfimages, pdftotext), installed once if missing.
browser:
	@command -v chromium >/dev/null && command -v pdfunite >/dev/null || { \
	  echo "Installing Debian's chromium and poppler-utils for the browser tests and PDF handouts"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; }

pdf-tools: browser

# --- The fast loop: check (style), unit (no site), then test (everything) ---
# Paths ruff and codespell look at (the rest, e.g. notebooks/ and _build/, is excluded
# in pyproject.toml).
CHECK_PATHS := src tests tools _ext benchmarks book README.md CONTRIBUTING.md _config.yml _toc.yml Makefile

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/codespell $(CHECK_PATHS)
	$(BIN)/nbstripout --keep-id --verify notebooks/*.ipynb
	@echo "check: ruff, format, codespell and stripped notebooks all clean"

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Tests that need neither the built site, nor Chromium, nor a launch environment
# (markers set in tests/conftest.py from the fixtures a test uses).
unit: $(STAMP)
	$(NONET) $(BIN)/python -m pytest -m "not build and not browser and not slow" -q

# The tests read the built site, its PDF handouts included.  They run in
# TEST_WORKERS processes (pytest-xdist; a test file stays in one process): about 15
# minutes on 2 cores instead of 25.  `make test TEST_WORKERS=0` runs them in one.
TEST_WORKERS ?= 2
test: prepare book
	$(NONET) $(BIN)/python tools/pdf_handouts.py --site $(BUILD)/html
	$(NONET) $(BIN)/python -m pytest $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadfile)

# The real archives, for anyone with internet: one minimal real read per archive, a table of
# what answered (bytes, seconds), and book/_data/live-checks.json for "Where each lesson runs".
# Deliberately outside the network namespace; the build, CI and `make test` never run it.
check-live: $(STAMP)
	$(BIN)/python tools/check_live.py

serve:
	@echo "Serving $(BUILD)/html at http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(BIN)/python -m http.server 8000 --bind 127.0.0.1 --directory $(BUILD)/html

benchmark: $(STAMP) $(MATHJAX)
	$(OFFLINE) $(BIN)/python benchmarks/build.py

clean:
	rm -rf $(BUILD)/html $(BUILD)/jupyter_execute $(BUILD)/.doctrees $(foreach l,$(LANGS),$(BUILD)/$(l)/_build)

clean-all:
	rm -rf $(BUILD) $(VENV) book/_static/vendor

# --- Every way in: launch notebooks, PDF handouts, offline bundle (tools/*.py) ---
OFFLINE_ZIP := $(BUILD)/eo-notebooks-offline.zip

# Binder, JupyterHub and Colab open notebooks/<lesson>.ipynb from the repository:
# regenerate after adding or editing a lesson, then commit notebooks/
# (tests/test_delivery.py::test_launch_notebooks_are_generated_and_up_to_date fails
# while they are out of date).
notebooks: $(STAMP)
	$(BIN)/python tools/notebooks.py

# One A4 handout per page plus the whole course, printed by Chromium from the built site.
pdf: book browser
	$(NONET) $(BIN)/python tools/pdf_handouts.py --site $(BUILD)/html

# The whole site (with its PDFs) as a zip for a USB stick.  JupyterLite needs the
# Pyodide distribution: PYODIDE_DIST=/path/to/pyodide (an unpacked full
# distribution, e.g. pyodide-314.0.6.tar.bz2) puts it in the bundle.
offline: pdf
	$(BIN)/python tools/offline_bundle.py --site $(BUILD)/html --out $(OFFLINE_ZIP) $(if $(PYODIDE_DIST),--pyodide $(PYODIDE_DIST))

site-benchmark: $(STAMP)
	$(BIN)/python benchmarks/site.py --site $(BUILD)/html

# --- Launch checks (tests/test_launch_*.py): Binder, a JupyterHub, Colab, JupyterLite ---
# The tests run with no network, so the wheels they resolve and install are
# downloaded here first: the pinned set of requirements.txt for Python 3.11
# (Binder, through runtime.txt; the hub test installs from it) and for Python 3.12
# (Colab), binary wheels only, Linux x86_64 as on Binder and Colab.  Re-downloaded
# only when requirements.txt changes.
WHEELS := $(BUILD)/wheels
LAUNCH_PYTHONS := 3.11 3.12
# setuptools builds eolab itself (pyproject.toml's build-system) in the hub test.
LAUNCH_BUILD_TOOLS := setuptools==84.2.1
# Binder's and Colab's images are Ubuntu 22.04 (glibc 2.35): manylinux wheels up to 2_35.
LAUNCH_PLATFORMS := $(foreach y,35 34 33 32 31 30 29 28 27 26 25 24 23 22 21 20 19 18 17,--platform manylinux_2_$(y)_x86_64) \
  --platform manylinux2014_x86_64 --platform manylinux2010_x86_64 --platform manylinux1_x86_64

$(WHEELS)/pins.txt: requirements.txt $(STAMP)
	mkdir -p $(WHEELS)
	grep -v '^\s*-' requirements.txt > $@.tmp
	@for py in $(LAUNCH_PYTHONS); do \
	  echo "Downloading the wheels of requirements.txt for Python $$py into $(WHEELS)/py$$py"; \
	  $(BIN)/python -m pip download --quiet --disable-pip-version-check --only-binary=:all: \
	    --python-version $$py $(LAUNCH_PLATFORMS) \
	    --dest $(WHEELS)/py$$py -r $@.tmp $(LAUNCH_BUILD_TOOLS) || exit 1; \
	done
	mv $@.tmp $@

launch-wheels: $(WHEELS)/pins.txt

launch-check: book browser launch-wheels
	$(NONET) $(BIN)/python -m pytest tests/test_launch_binder.py tests/test_launch_colab.py \
	  tests/test_launch_hub.py tests/test_launch_lite.py tests/test_launch_laptop.py \
	  tests/test_delivery.py -k "launch or practice_notebook_runs" -q
	@echo "Results: book/_data/launch-checks.json (commit it; the page 'Where each lesson runs' is built from it)"
