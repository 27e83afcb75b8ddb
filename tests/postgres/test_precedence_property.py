"""Generated expressions with random parentheses: lowering must put back exactly the parentheses
PostgreSQL's precedence needs, so every one is lowered (not refused by the round-trip check) and
prints to the same parse tree. Fixed seed (derandomized) so CI is deterministic."""

from __future__ import annotations

import pglast
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialects.postgres.rules import first_difference
from sqlparser import new_parser

PG = new_parser("postgres", portable_names=False)

atoms = st.sampled_from(["a", "b", "1", "2.5", "'x'", "NULL", "TRUE", "$1", "f(a)", "c[1]", "(a).f", "ARRAY[1]"])
binary_ops = st.sampled_from(["+", "-", "*", "/", "%", "^", "||", "=", "<>", "<", ">=", "AND", "OR", "@>", "->>",
                              "IS DISTINCT FROM", "LIKE", "NOT LIKE", "COLLATE"])


def combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def binary(t: tuple[str, str, str, bool]) -> str:
        left, op, right, paren = t
        if op == "COLLATE":
            text = f'{left} COLLATE "C"'
        else:
            text = f"{left} {op} {right}"
        return f"({text})" if paren else text

    def unary(t: tuple[str, str, bool]) -> str:
        op, arg, paren = t
        text = {"NOT": f"NOT {arg}", "-": f"- {arg}", "ISNULL": f"{arg} IS NULL", "ISTRUE": f"{arg} IS NOT TRUE",
                "IN": f"{arg} NOT IN (1, 2)", "BETWEEN": f"{arg} NOT BETWEEN 1 AND 2", "CAST": f"{arg}::int",
                "ANY": f"{arg} = ANY (ARRAY[1])"}[op]
        return f"({text})" if paren else text

    return st.one_of(
        st.tuples(children, binary_ops, children, st.booleans()).map(binary),
        st.tuples(st.sampled_from(["NOT", "-", "ISNULL", "ISTRUE", "IN", "BETWEEN", "CAST", "ANY"]), children,
                  st.booleans()).map(unary),
    )


expressions = st.recursive(atoms, combine, max_leaves=8)


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions)
def test_generated_expressions_round_trip(expr: str) -> None:
    sql = f"SELECT {expr} FROM t"
    try:
        original = pglast.parse_sql(sql)[0].stmt
    except pglast.parser.ParseError:
        return  # not valid PostgreSQL (e.g. a = b = c): nothing to check
    stmt = PG.parse(sql)
    assert stmt.tree is not None, f"{sql!r}: {stmt.unsupported}"
    printed = PG.render(stmt.tree)
    assert first_difference(original, pglast.parse_sql(printed)[0].stmt) is None, printed
