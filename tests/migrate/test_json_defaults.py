"""`DEFAULT (JSON_OBJECT())` / `(JSON_ARRAY())`, the usual default of a MySQL 8 JSON column (MySQL
allows no literal default there), on the three engines: the same schema and the same values."""

from __future__ import annotations

from pathlib import Path

from tests.migrate.test_differential import check_history, uris  # noqa: F401 (the fixture)

HISTORY = Path(__file__).resolve().parents[1] / "data" / "migrations" / "jsondefaults"

SCENARIO = [
    "INSERT INTO profiles (id) VALUES ('p1')",
    "INSERT INTO profiles (id, settings) VALUES ('p2', '{\"a\": 1}')",
    "SELECT id, settings, tags, history, version, active FROM profiles ORDER BY id",
]


def test_empty_json_defaults_on_three_engines(uris: dict[str, str]) -> None:  # noqa: F811
    kinds = check_history(HISTORY, uris, min_tables=1, min_steps=3, scenario_sql=SCENARIO, values_check=False)
    assert kinds["rows"] >= 1, kinds
