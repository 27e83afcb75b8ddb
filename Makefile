# The two commands a newcomer needs: `make demo` (the main job on embedded defaults) and `make test`.
PY ?= python3
PIP ?= $(PY) -m pip

.PHONY: install services demo test lint bench gen

install:
	$(PIP) install -q -e '.[drivers,dev]'

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
