"""`rules.render_check` prints the lowered tree itself, not a copy, where sqlglot's handlers were read
to leave it as it was: the text (or error) must be the copy's, and the tree must stay exactly as
it was (arguments, parent links, comments, meta, cached hashes)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlglot import exp
from sqlglot.errors import ErrorLevel

from dialects.postgres import rules
from dialects.postgres.frontend import PostgresFrontend, parse_pg_json
from dialects.postgres.lower import Lowerer

STATEMENTS = [
    # every node kind of `rules._AUDITED`, the three wrapped handlers, and kinds that give up
    "SELECT a, t.b AS c, *, NULL, TRUE, $1, count(*), max(a), min(b), lower(a) FROM s.t AS t(x, y) "
    "WHERE a = 1 AND (b <> 2 OR c > 3) AND d < 4 AND e >= 5 AND f <= 6 AND g IS NOT NULL "
    "AND h IN (1, 2) AND i BETWEEN 1 AND 2 AND j LIKE 'x%' AND k ILIKE 'y' AND l ~ 'z' "
    "AND m IS DISTINCT FROM n AND o IS NOT DISTINCT FROM p AND NOT q AND r NOT IN (3) "
    "GROUP BY a HAVING count(*) > 1 ORDER BY a DESC NULLS LAST, b LIMIT 10 OFFSET 5 FOR UPDATE",
    "SELECT -a + b - c * d % e || 'x' COLLATE \"C\", CASE WHEN a THEN 1 ELSE 2 END, p <-> q, "
    "a @> b, a <& b, a <@ b, a && b, ARRAY[1, 2], B'101', X'1F', x::float8, y::int, z::varchar(3)[] "
    "FROM t JOIN u ON t.a = u.a LEFT JOIN v USING (a) CROSS JOIN w, generate_series(1, 3) AS g",
    "SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a) AND a = ANY (SELECT b FROM v)",
    "SELECT string_agg(a, ',') FROM t",
    "SELECT DISTINCT a FROM t",
    "SELECT DISTINCT ON (a) a, b FROM t ORDER BY a, b",
    "SELECT DISTINCT ON (a, b) a, b FROM t ORDER BY a, b",
    "SELECT a[1], a[1:2], (ARRAY[1, 2])[1], (b).c[2] FROM t",
    "SELECT a / b, a::int / b::int, row_number() OVER (PARTITION BY a ORDER BY b) FROM t",
    "SELECT a FROM t UNION SELECT b FROM u",
    "WITH w AS (SELECT 1 AS a) SELECT a FROM w",
    "SELECT a INTO TEMPORARY x FROM t",
    "INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y') RETURNING a",
    "INSERT INTO t (a, b) VALUES (1, 'x') ON CONFLICT (a) DO UPDATE SET b = excluded.b",
    "INSERT INTO t DEFAULT VALUES",
    "UPDATE t SET a = a + 1, b = DEFAULT FROM u WHERE t.b = u.b RETURNING t.a",
    "DELETE FROM t USING u WHERE t.a = u.a",
    "SELECT a FROM (VALUES (1), (2)) AS v(a)",
    "SELECT extract(year FROM a), a::regtype, 'x'::\"char\", b::numeric(10, 2), c::varchar(3) FROM t",
]


def _lowered(sql: str) -> exp.Expression:
    """The lowering of `sql`, whether or not the round-trip check would accept it."""
    node, compat, _ = parse_pg_json(sql)
    assert compat is None
    return Lowerer(text=sql).statement(node)


def _state(tree: exp.Expression) -> list[Any]:
    """Everything of each node that printing could change."""
    out = []
    for node in tree.walk():
        args = tuple((key, id(value) if isinstance(value, exp.Expr)
                      else tuple(id(v) if isinstance(v, exp.Expr) else v for v in value) if isinstance(value, list)
                      else value) for key, value in node.args.items())
        out.append((type(node), id(node), id(node.parent), node.arg_key, node.index, node.comments,
                    None if node._meta is None else dict(node._meta), node._hash, node._type, args))
    return out


def _outcome(print_tree: Any, tree: exp.Expression) -> Any:
    try:
        return print_tree(tree)
    except Exception as err:
        return type(err), str(err)


def test_printing_in_place_is_active_exactly_for_the_sqlglot_read() -> None:
    """In place with the sqlglot version whose handlers were read (`rules._AUDITED_SQLGLOT`), by
    a copy with any other (the pins allow patch releases): read them again before moving it on."""
    import sqlglot

    printer = rules._CheckPrinter(rules._check_dialect())
    assert (printer.in_place is not None) is (sqlglot.__version__ == rules._AUDITED_SQLGLOT)


@pytest.mark.parametrize("sql", STATEMENTS)
def test_in_place_printing_prints_the_copy_and_leaves_the_tree(sql: str) -> None:
    tree = _lowered(sql)
    dialect = rules._check_dialect()
    before = _state(tree)
    expected = _outcome(lambda t: dialect.generate(t, copy=True, unsupported_level=ErrorLevel.RAISE), tree)
    assert _outcome(rules.render_check, tree) == expected
    assert _state(tree) == before


def test_a_node_kind_not_read_falls_back_to_a_copy() -> None:
    """A tree with a node kind outside `_AUDITED` (here a set operation, whose printing moves
    arguments around) gives up in place and is printed from a copy."""
    tree = PostgresFrontend(cache=False).parse("SELECT a FROM t UNION SELECT b FROM u ORDER BY 1 LIMIT 2").tree
    assert tree is not None
    printer = rules._CheckPrinter(rules._check_dialect())
    assert printer.in_place is not None
    printer.generator._dispatch = printer.in_place
    try:
        with pytest.raises(rules._NotAudited):
            printer._generate(tree)
    finally:
        printer.generator._dispatch = printer.copying
    before = _state(tree)
    assert printer.generate(tree) == "SELECT a FROM t UNION SELECT b FROM u ORDER BY 1 LIMIT 2"
    assert _state(tree) == before
