"""Run by the single-file build (shiv's preamble) before the `cozelite` command: the lite preset is
the default there, so `./cozelite-lite.pyz serve` needs no flag. Anything set explicitly still wins:
COZE_LITE=0 in the environment, --no-lite, or a *_URI / cozelite.toml value (the preset only fills
URIs nobody set)."""

import os

os.environ.setdefault("COZE_LITE", "1")
