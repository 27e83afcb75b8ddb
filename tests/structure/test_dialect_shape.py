"""Every dialect has the same shape: one declared `DIALECT` with every part, and the same files.

A dialect folder holds the same file names for the same jobs, so that reading one dialect teaches
where everything lives in the others:

    __init__.py   DIALECT = Dialect(...)
    frontend.py   the Frontend (text -> Statement)
    lower.py      the parse result -> the IR
    native.py     native printing normalizers
    rules.py      validation / strictness rules of the front end
    policy.py     what check_policy denies (RULES: PolicyRules)
    translate.py  how statements read in other dialects are expressed here (RULES: TranslateRules)
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Mapping
from pathlib import Path

import pytest
from sqlglot import exp

from sqlparser.dialect import Dialect
from sqlparser.frontend import Statement
from sqlparser.registry import dialects_by_name
from sqlparser.rules.policy import PolicyRules
from sqlparser.rules.translate import TranslateRules
from sqlparser.types import OperationType

DIALECTS_DIR = Path(__file__).resolve().parents[2] / "dialects"
REQUIRED_FILES = ("__init__.py", "frontend.py", "lower.py", "native.py", "rules.py", "policy.py", "translate.py")


def _folders() -> list[str]:
    # The registry's rule: every package under dialects/ whose name does not start with "_".
    return sorted(p.name for p in DIALECTS_DIR.iterdir()
                  if p.is_dir() and (p / "__init__.py").is_file() and not p.name.startswith("_"))


FOLDERS = _folders()


def test_every_dialect_folder_is_a_registered_dialect() -> None:
    assert FOLDERS, "no dialect folders found"
    assert sorted(dialects_by_name()) == FOLDERS


def test_dialect_declares_every_part_explicitly() -> None:
    # No part has a default: a dialect that forgets one fails when it is declared.
    defaulted = [f.name for f in dataclasses.fields(Dialect)
                 if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING]
    assert defaulted == []


@pytest.mark.parametrize("folder", FOLDERS)
def test_folder_has_the_required_files(folder: str) -> None:
    missing = [name for name in REQUIRED_FILES if not (DIALECTS_DIR / folder / name).is_file()]
    assert missing == [], f"dialects/{folder}/ lacks {', '.join(missing)}"


@pytest.mark.parametrize("folder", FOLDERS)
def test_package_declares_its_dialect(folder: str) -> None:
    package = importlib.import_module(f"dialects.{folder}")
    dialect = package.DIALECT
    assert isinstance(dialect, Dialect)
    assert dialect.name == folder
    assert dialects_by_name()[folder] is dialect


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_part_is_set_and_typed(folder: str) -> None:
    dialect = dialects_by_name()[folder]
    for field in dataclasses.fields(Dialect):
        assert getattr(dialect, field.name) is not None, f"{folder}: {field.name} is not set"
    assert isinstance(dialect.schemes, tuple) and dialect.schemes
    assert all(isinstance(s, str) and s and s == s.lower() for s in dialect.schemes)
    assert isinstance(dialect.sqlglot_dialect, str) and dialect.sqlglot_dialect
    assert callable(dialect.frontend)
    assert isinstance(dialect.native_normalizers, tuple)
    for normalizer in dialect.native_normalizers:
        assert callable(normalizer) and callable(normalizer.applies), f"{folder}: {normalizer!r}"
    assert isinstance(dialect.native_options, Mapping)
    assert isinstance(dialect.policy, PolicyRules)
    assert isinstance(dialect.translate, TranslateRules)
    assert dialect.translate.target == folder


@pytest.mark.parametrize("folder", FOLDERS)
def test_tables_are_the_modules_rules(folder: str) -> None:
    # policy.py and translate.py each hold the dialect's table as RULES; the declaration uses them.
    dialect = dialects_by_name()[folder]
    assert importlib.import_module(f"dialects.{folder}.policy").RULES is dialect.policy
    assert importlib.import_module(f"dialects.{folder}.translate").RULES is dialect.translate


@pytest.mark.parametrize("cache", [True, False])
@pytest.mark.parametrize("folder", FOLDERS)
def test_frontend_builds_a_frontend(folder: str, cache: bool) -> None:
    dialect = dialects_by_name()[folder]
    frontend = dialect.frontend(portable_names=True, cache=cache)
    stmt = frontend.parse("SELECT a FROM t WHERE b = 1")
    assert isinstance(stmt, Statement)
    assert stmt.operation is OperationType.SELECT
    assert isinstance(stmt.tree, exp.Select)
    assert isinstance(frontend.parse_condition("a = 1"), exp.EQ)
