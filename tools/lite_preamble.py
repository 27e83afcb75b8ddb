"""Run by the single-file build (shiv's preamble, `make build-lite`) before the `cozelite` command.

1. The lite preset is the default there, so `./cozelite-lite.pyz serve` needs no flag. Anything set
   explicitly still wins: COZE_LITE=0 in the environment, --no-lite, or a *_URI / cozelite.toml
   value (the preset only fills URIs nobody set).
2. The file bundles C extensions (apsw, lmdb, duckdb, numpy, pglast, sqlglot's compiled modules)
   built for one CPython minor version: another interpreter would fail on the first import with an
   obscure ImportError, so say which Python to use instead.

shiv runs this with `site_packages` (the extracted bundle) and `archive` (the .pyz path) in its globals.
"""

import os
import sys
from pathlib import Path

bundle = Path(globals().get("site_packages", "."))
tags = sorted({"-".join(p.name.split(".")[-2].split("-")[:2]) for p in bundle.glob("*.cpython-*.so")})
mine = sys.implementation.cache_tag  # "cpython-311"
if tags and mine not in tags:
    digits = tags[0].removeprefix("cpython-")
    wanted = f"{digits[0]}.{digits[1:]}"
    archive = Path(str(globals().get("archive", sys.argv[0]))).name
    sys.exit(f"{archive} was built for CPython {wanted} ({tags[0]}), but this is {sys.implementation.name} "
             f"{sys.version.split()[0]}: run it as `python{wanted} {archive} ...`, or rebuild it with "
             "`make build-lite` under that Python")

os.environ.setdefault("COZE_LITE", "1")
