"""The front end's walk for the portable-names rule (MySQL's: for its tree rules) is handed to the
rename pass (`TreeFacts.names`): the rewrite's outcome (text or error) must be the one the pass
gets by walking the tree itself, and the lists are never used for a tree other than the one they
were taken from."""

from __future__ import annotations

import pytest

from bench.parse_rewrite import MAPPING
from sqlparser import SQLParserError, TableColumn, new_parser
from sqlparser.contract import SQLParser
from sqlparser.frontend import CachedFrontend, Statement, TreeFacts
from sqlparser.passes import rename
from tests.corpus._corpus import load_corpus

MAPS = (MAPPING, {"users": TableColumn("t_users", {"id": "c_id"})}, {"zz": TableColumn("t_zz", {"id": "c_id"})})


def _cold(dialect: str) -> SQLParser:
    p = new_parser(dialect)
    p.memo = None
    p.frontend = type(p.frontend)(portable_names=True, cache=False)
    return p


def _outcomes(p: SQLParser, statements: list[str]) -> list[tuple[str, str]]:
    out = []
    for mapping in MAPS:
        for sql in statements:
            try:
                out.append(("ok", p.parse_and_modify_sql(sql, mapping)))
            except SQLParserError as err:
                out.append((type(err).__name__, str(err)))
    return out


@pytest.mark.parametrize("dialect", ["mysql", "postgres", "sqlite"])
def test_handed_names_change_no_outcome(dialect: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Also the front end's verdict that the native normalizers leave the tree as it is
    (`TreeFacts.native_as_is`, MySQL and SQLite): the same outputs as when the printer tests."""
    statements = [row["sql"] for row in load_corpus(dialect)
                  if row.get("syntax_ok") and row.get("kind") in ("SELECT", "INSERT", "UPDATE", "DELETE")][:1500]
    handed = as_is = 0
    real = rename.rename_tables_reporting
    real_checked = CachedFrontend._parse_checked

    def counting(tree: object, table_columns: object, names: object = None) -> object:
        nonlocal handed
        handed += names is not None
        return real(tree, table_columns, names)  # type: ignore[arg-type]

    def counting_as_is(self: CachedFrontend, sql: str) -> Statement:
        nonlocal as_is
        stmt = real_checked(self, sql)
        as_is += stmt.facts is not None and stmt.facts.native_as_is
        return stmt

    monkeypatch.setattr("sqlparser.contract.rename_tables_reporting", counting)
    monkeypatch.setattr(CachedFrontend, "_parse_checked", counting_as_is)
    with_names = _outcomes(_cold(dialect), statements)
    assert handed > len(statements)  # most calls were handed the front end's lists
    assert (as_is > len(statements)) is (dialect != "postgres")  # (PostgreSQL hands out its printed text)

    def without_names(self: CachedFrontend, sql: str) -> Statement:
        stmt = real_checked(self, sql)
        printed = stmt.facts.printed if stmt.facts is not None else None
        facts = TreeFacts(stmt.tree, printed=printed) if printed is not None and stmt.tree is not None else None
        return Statement(stmt.sql, stmt.operation, stmt.tree, stmt.unsupported, stmt.table, facts)

    monkeypatch.setattr(CachedFrontend, "_parse_checked", without_names)
    handed = 0
    assert _outcomes(_cold(dialect), statements) == with_names
    assert handed == 0


def test_names_follow_only_their_own_tree() -> None:
    """A cache hit hands out a copy: its statement carries no lists (nor a printed text)."""
    p = new_parser("sqlite")
    p.memo = None
    sql = "SELECT a FROM front_end_names_probe WHERE b = 1"
    first = p.frontend.parse(sql)
    assert first.tree is not None and first.facts_for(first.tree) is not None
    assert first.facts is not None and first.facts.names is not None
    p.frontend.parse(sql)  # the second sight keeps a tree to copy from
    hit = p.frontend.parse(sql)
    assert hit.tree is not None and hit.facts is None


@pytest.mark.parametrize("dialect", ["mysql", "sqlite"])
def test_as_is_verdict_is_the_normalizers_own(dialect: str) -> None:
    """`native.as_is` from a tree's names (and, for MySQL, its watched nodes) says exactly what the
    normalizers' `applies` tests say: on corpus trees, and on the same trees renamed to odd names."""
    import importlib

    from sqlparser.name_walk import walk_names

    native = importlib.import_module(f"dialects.{dialect}.native")
    frontend = new_parser(dialect).dialect.frontend(cache=False)
    odd = {"users": TableColumn("t --", {"id": "select", "name": "My Name"}), "t1": TableColumn("dual")}
    rows = [row["sql"] for row in load_corpus(dialect)
            if row.get("syntax_ok") and row.get("kind") in ("SELECT", "INSERT", "UPDATE", "DELETE")][:800]
    verdicts = set()
    for sql in [*rows, "SELECT a FROM users WHERE id = 1", "SELECT 1 FROM t1", "SELECT x'41', 0x41 FROM t"]:
        try:
            tree = frontend.parse(sql).tree
        except SQLParserError:
            continue
        if tree is None:
            continue
        for candidate in (tree, _renamed(tree, odd)):
            if candidate is None:
                continue
            identifiers = walk_names(candidate).identifiers
            if dialect == "mysql":
                watched = [n for n in candidate.walk() if type(n) in native.WATCHED]
                verdict = native.as_is(watched, identifiers)
            else:
                verdict = native.as_is(candidate, identifiers)
            applies = any(n.applies(candidate) for n in native.NATIVE_NORMALIZERS)
            assert verdict is not applies, (sql, candidate.sql())
            verdicts.add(verdict)
    assert verdicts == {True, False}


def _renamed(tree: object, mapping: dict[str, TableColumn]) -> object:
    try:
        return rename.rename_tables(tree.copy(), mapping)  # type: ignore[attr-defined]
    except SQLParserError:
        return None
