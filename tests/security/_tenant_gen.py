"""Grammar-driven generator: a scoped table reference in every syntactic position a dialect allows.

Each position is one production of the statement grammar with a hole for a table reference
(`{T}` below: `users`, `orders` or the view `v_orders`, each under its own tenant condition). The
hole's surroundings and every predicate come from the safety generator (tests/safety/_safety_gen.py),
whose predicates nest further subqueries, so positions compose (an IN-table inside a CTE inside a
derived table...). Positions per dialect are the ones its engine accepts:

- all: FROM, each JOIN kind, comma join, derived table (nested), CTE body, recursive CTE, IN / NOT
  IN / EXISTS / scalar / row-value subqueries in WHERE, SELECT list, HAVING, ON, CASE, function
  arguments, ORDER BY, a compound arm; UPDATE / DELETE targets, their WHERE and SET subqueries,
  INSERT ... SELECT, a subquery in INSERT VALUES, a view.
- SQLite: `x IN t`, `(a, b) NOT IN t`, `x IN main.t`, an IN-table inside a table-valued function's
  argument, UPDATE ... FROM, RETURNING with a subquery, FILTER.
- PostgreSQL: `TABLE t`, `IN (TABLE t)`, `ONLY t`, LATERAL, `= ANY (...)`, `ARRAY(...)`,
  UPDATE ... FROM, DELETE ... USING, writable CTEs (UPDATE / DELETE ... RETURNING in WITH),
  RETURNING with a subquery.
- MySQL (MariaDB): multi-table UPDATE and DELETE (each joined table a possible target), DELETE ...
  USING, STRAIGHT_JOIN, a parenthesized table.

The oracle (tests/security/test_tenant_positions.py): scope_rows(sql) on the two-tenant data must
return what sql returns on data holding only tenant u1's rows in the scoped tables; for writes, the
tables end the same and no other tenant's row changes.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.safety._safety_engines import fixture_rows
from tests.safety._safety_gen import INT_COLS, STR_COLS, Gen, Source

TENANT = "u1"
SCOPED = ("users", "orders", "v_orders")
CONDITIONS = {table: f"uid = '{TENANT}'" for table in SCOPED}
USER_COLS = ("id", "uid", "name", "age", "score")
ORDER_COLS = ("id", "uid", "user_id", "total", "status")
_COLUMNS = {"users": USER_COLS, "orders": ORDER_COLS, "v_orders": ORDER_COLS}
INT_COLS = {**INT_COLS, "v_orders": INT_COLS["orders"], "people": INT_COLS["users"]}
STR_COLS = {**STR_COLS, "v_orders": STR_COLS["orders"], "people": STR_COLS["users"]}

Position = Callable[["TenantGen"], str]


class TenantGen(Gen):
    """The safety generator plus one production per position; `statement()` picks a position."""

    def __init__(self, seed: int, dialect: str) -> None:
        super().__init__(seed)
        self.dialect = dialect
        self.positions = {name: fn for name, (dialects, fn) in POSITIONS.items() if dialect in dialects}
        self.last_position = ""

    def statement_at(self, name: str) -> str:
        self.last_position = name
        return self.positions[name](self)

    def next_statement(self) -> str:
        return self.statement_at(self.r.choice(sorted(self.positions)))

    # -- building blocks ------------------------------------------------------------------------
    def scoped(self) -> str:
        return self.r.choice(SCOPED)

    def src(self, table: str, alias: str | None = None) -> Source:
        return Source(alias or self.alias(), table, INT_COLS[table], STR_COLS[table])

    def where(self, scope: list[Source], p: float = 0.6) -> str:
        return f" WHERE {self.bool_expr(scope, self.r.choice([0, 1, 2]))}" if self.chance(p) else ""

    def people(self) -> Source:
        return self.src("people")


# -- positions -----------------------------------------------------------------------------------
ALL = ("sqlite", "postgres", "mysql")


def _from(g: TenantGen) -> str:
    s = g.src(g.scoped())
    return f"SELECT {s.alias}.id, {s.alias}.uid FROM {s.table} {s.alias}{g.where([s])}"


def _join(kind: str) -> Position:
    def make(g: TenantGen) -> str:
        p, s = g.people(), g.src(g.scoped())
        left, right = (p, s) if g.chance(0.5) else (s, p)
        on = f"{left.alias}.id = {right.alias}.{g.r.choice(right.int_cols)}"
        return (f"SELECT {left.alias}.id, {right.alias}.uid FROM {left.table} {left.alias} {kind} "
                f"{right.table} {right.alias} ON {on}{g.where([left])}")
    return make


def _comma(g: TenantGen) -> str:
    p, s = g.people(), g.src(g.scoped())
    return f"SELECT {p.alias}.id, {s.alias}.id FROM people {p.alias}, {s.table} {s.alias} " \
           f"WHERE {p.alias}.id = {s.alias}.id"


def _derived(g: TenantGen) -> str:
    s, d = g.src(g.scoped()), g.alias()
    inner = f"SELECT {s.alias}.id AS id, {s.alias}.uid AS uid FROM {s.table} {s.alias}{g.where([s])}"
    if g.chance(0.4):
        inner = f"SELECT x.id AS id, x.uid AS uid FROM ({inner}) x"
    return f"SELECT {d}.id, {d}.uid FROM ({inner}) {d}"


def _cte(g: TenantGen) -> str:
    s = g.src(g.scoped())
    return (f"WITH c AS (SELECT {s.alias}.id AS id, {s.alias}.uid AS uid FROM {s.table} {s.alias}{g.where([s])}) "
            "SELECT p.id, c.uid FROM people p JOIN c ON c.id = p.id")


def _recursive_cte(g: TenantGen) -> str:
    s = g.src(g.scoped())
    return ("WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < 30) "
            f"SELECT n.x FROM n WHERE n.x IN (SELECT {s.alias}.id FROM {s.table} {s.alias}{g.where([s])})")


def _in(neg: str) -> Position:
    def make(g: TenantGen) -> str:
        p, s = g.people(), g.src(g.scoped())
        return (f"SELECT {p.alias}.id FROM people {p.alias} WHERE {p.alias}.id {neg}IN "
                f"(SELECT {s.alias}.{g.r.choice(['id', 'id', 'age' if s.table == 'users' else 'user_id'])} "
                f"FROM {s.table} {s.alias} WHERE {s.alias}.{g.r.choice(s.int_cols)} IS NOT NULL)")
    return make


def _exists(g: TenantGen) -> str:
    p, s = g.people(), g.src(g.scoped())
    neg = "NOT " if g.chance(0.4) else ""
    return (f"SELECT {p.alias}.id FROM people {p.alias} WHERE {neg}EXISTS (SELECT 1 FROM {s.table} {s.alias} "
            f"WHERE {s.alias}.id = {p.alias}.id{' AND ' + g.comparison([s], 0) if g.chance(0.5) else ''})")


def _row_in(g: TenantGen) -> str:
    p, s = g.people(), g.src(g.scoped())
    return (f"SELECT {p.alias}.id FROM people {p.alias} WHERE ({p.alias}.id, {p.alias}.uid) IN "
            f"(SELECT {s.alias}.id, {s.alias}.uid FROM {s.table} {s.alias})")


def _scalar_select_list(g: TenantGen) -> str:
    p, s = g.people(), g.src(g.scoped())
    agg = g.r.choice(["COUNT", "MAX", "MIN", "SUM"])
    return (f"SELECT {p.alias}.id, (SELECT {agg}({s.alias}.id) FROM {s.table} {s.alias} "
            f"WHERE {s.alias}.id <= {p.alias}.id) FROM people {p.alias}")


def _having(g: TenantGen) -> str:
    p, s = g.people(), g.src(g.scoped())
    return (f"SELECT {p.alias}.uid, COUNT(*) FROM people {p.alias} GROUP BY {p.alias}.uid "
            f"HAVING COUNT(*) > (SELECT COUNT(*) FROM {s.table} {s.alias} WHERE {s.alias}.uid = {p.alias}.uid) - 3")


def _on(g: TenantGen) -> str:
    p, q, s = g.people(), g.src("labels"), g.src(g.scoped())
    return (f"SELECT {p.alias}.id, {q.alias}.id FROM people {p.alias} LEFT JOIN labels {q.alias} "
            f"ON {q.alias}.id = {p.alias}.id AND EXISTS (SELECT 1 FROM {s.table} {s.alias} "
            f"WHERE {s.alias}.id = {p.alias}.id)")


def _case(g: TenantGen) -> str:
    p, s = g.people(), g.src(g.scoped())
    return (f"SELECT {p.alias}.id, CASE WHEN {p.alias}.id IN (SELECT {s.alias}.id FROM {s.table} {s.alias}) "
            f"THEN 'in' ELSE 'out' END FROM people {p.alias}")


def _function_arg(g: TenantGen) -> str:
    p, s = g.people(), g.src(g.scoped())
    return (f"SELECT {p.alias}.id, COALESCE((SELECT MAX({s.alias}.id) FROM {s.table} {s.alias} "
            f"WHERE {s.alias}.id < {p.alias}.id), -1) FROM people {p.alias}")


def _order_by(g: TenantGen) -> str:
    p, s = g.people(), g.src(g.scoped())
    return (f"SELECT {p.alias}.id FROM people {p.alias} ORDER BY (SELECT COUNT(*) FROM {s.table} {s.alias} "
            f"WHERE {s.alias}.uid = {p.alias}.uid AND {s.alias}.id < {p.alias}.id * 7) DESC, {p.alias}.id")


def _compound(g: TenantGen) -> str:
    s = g.src(g.scoped())
    op = g.r.choice(["UNION", "UNION ALL", "EXCEPT", "INTERSECT"])
    return f"SELECT p.id FROM people p {op} SELECT {s.alias}.id FROM {s.table} {s.alias}{g.where([s])}"


def _nested(g: TenantGen) -> str:
    """A predicate from the safety generator (its own subqueries at depth) over a scoped table."""
    s = g.src(g.scoped())
    return f"SELECT {s.alias}.id FROM {s.table} {s.alias} WHERE {g.bool_expr([s], 3)}"


def _write_table(g: TenantGen) -> str:
    return g.r.choice(("users", "orders"))


def _update_target(g: TenantGen) -> str:
    t = _write_table(g)
    s = Source(t, t, INT_COLS[t], STR_COLS[t])
    col = "score" if t == "users" else "total"
    return f"UPDATE {t} SET {col} = {g.int_lit()}{g.where([s], 0.8)}"


def _delete_target(g: TenantGen) -> str:
    t = _write_table(g)
    s = Source(t, t, INT_COLS[t], STR_COLS[t])
    return f"DELETE FROM {t}{g.where([s], 0.9)}"


def _update_where_subquery(g: TenantGen) -> str:
    s = g.src(g.scoped())
    return f"UPDATE labels SET label = 'hit' WHERE id IN (SELECT {s.alias}.id FROM {s.table} {s.alias})"


def _update_set_subquery(g: TenantGen) -> str:
    s = g.src(g.scoped())
    return (f"UPDATE labels SET label = (SELECT MAX({s.alias}.uid) FROM {s.table} {s.alias} "
            f"WHERE {s.alias}.id = labels.id)")


def _delete_where_subquery(g: TenantGen) -> str:
    s = g.src(g.scoped())
    return f"DELETE FROM labels WHERE id NOT IN (SELECT {s.alias}.id FROM {s.table} {s.alias})"


def _insert_select(g: TenantGen) -> str:
    s = g.src(g.scoped())
    g.n += 1
    return (f"INSERT INTO labels (id, label) SELECT {s.alias}.id + {1000 * g.n}, {s.alias}.uid "
            f"FROM {s.table} {s.alias}{g.where([s])}")


def _insert_values_subquery(g: TenantGen) -> str:
    s = g.src(g.scoped())
    g.n += 1
    return (f"INSERT INTO labels (id, label) VALUES ({5000 + g.n}, (SELECT MAX({s.alias}.uid) "
            f"FROM {s.table} {s.alias}))")


# SQLite
def _sqlite_in_table(g: TenantGen) -> str:
    t = g.r.choice(("users", "orders"))
    cols = ", ".join(f"p.{c}" for c in USER_COLS)
    if t == "orders":
        cols = "p.id + 100, p.uid, p.id, p.age, p.name"
    neg = "NOT " if g.chance(0.3) else ""
    name = g.r.choice([t, t, f"main.{t}", f'"{t}"'])
    return f"SELECT p.id FROM people p WHERE ({cols}) {neg}IN {name}"


def _sqlite_in_table_issue(g: TenantGen) -> str:
    """The issue's attack shape: enumerate a value and test it against the table with IN."""
    _, uid, name, age, score = g.r.choice([r for r in fixture_rows()["users"] if r[2] and r[4] is not None])
    return ("WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < 40) SELECT n.x FROM n "
            f"WHERE (n.x, '{uid}', '{name}', {age}, {score}) IN users")


def _sqlite_in_tvf(g: TenantGen) -> str:
    s = g.src(g.scoped())
    return ("SELECT j.value FROM json_each((SELECT json_group_array(" f"{s.alias}.id) FROM {s.table} {s.alias})) j "
            "WHERE j.value > 3")


def _sqlite_update_from(g: TenantGen) -> str:
    s = g.src(g.scoped())
    return (f"UPDATE labels SET label = {s.alias}.uid FROM {s.table} {s.alias} WHERE {s.alias}.id = labels.id")


def _returning(g: TenantGen) -> str:
    s = g.src(g.scoped())
    return (f"UPDATE labels SET label = 'r' WHERE id < 4 RETURNING id, (SELECT COUNT(*) FROM {s.table} {s.alias} "
            f"WHERE {s.alias}.id > labels.id)")


def _filter(g: TenantGen) -> str:
    s = g.src(g.scoped())
    return f"SELECT COUNT(*) FILTER (WHERE {s.alias}.id > 10) FROM {s.table} {s.alias}"


# PostgreSQL
def _pg_table(g: TenantGen) -> str:
    return f"TABLE {g.scoped()}"


def _pg_in_table(g: TenantGen) -> str:
    t = g.r.choice(("users", "orders"))
    cols = "p.id, p.uid, p.name, p.age, p.score" if t == "users" else "p.id + 100, p.uid, p.id, p.age, p.name"
    return f"SELECT p.id FROM people p WHERE ({cols}) IN (TABLE {t})"


def _pg_only(g: TenantGen) -> str:
    s = g.src(g.r.choice(("users", "orders")))
    return f"SELECT {s.alias}.id FROM ONLY {s.table} {s.alias}{g.where([s])}"


def _lateral(g: TenantGen) -> str:
    p, s = g.people(), g.src(g.scoped())
    return (f"SELECT {p.alias}.id, x.m FROM people {p.alias}, LATERAL (SELECT MAX({s.alias}.id) AS m "
            f"FROM {s.table} {s.alias} WHERE {s.alias}.id < {p.alias}.id) x")


def _pg_any(g: TenantGen) -> str:
    p, s = g.people(), g.src(g.scoped())
    return (f"SELECT {p.alias}.id FROM people {p.alias} WHERE {p.alias}.id = ANY "
            f"(SELECT {s.alias}.id FROM {s.table} {s.alias})")


def _pg_array(g: TenantGen) -> str:
    s = g.src(g.scoped())
    return f"SELECT cardinality(ARRAY(SELECT {s.alias}.id FROM {s.table} {s.alias}))"


def _pg_delete_using(g: TenantGen) -> str:
    s = g.src(g.scoped())
    return f"DELETE FROM labels USING {s.table} {s.alias} WHERE {s.alias}.id = labels.id"


def _pg_writable_cte(g: TenantGen) -> str:
    t = _write_table(g)
    if g.chance(0.5):
        return f"WITH d AS (DELETE FROM {t} WHERE id < 20 RETURNING id) SELECT COUNT(*) FROM d"
    col = "score" if t == "users" else "total"
    return f"WITH d AS (UPDATE {t} SET {col} = 1 WHERE id < 120 RETURNING id) SELECT COUNT(*) FROM d"


# MySQL (MariaDB)
def _my_multi_update(g: TenantGen) -> str:
    t = _write_table(g)
    col = "score" if t == "users" else "total"
    if g.chance(0.5):
        return f"UPDATE labels l JOIN {t} a ON a.id = l.id SET l.label = a.uid"
    return f"UPDATE {t} a JOIN people p ON p.id = a.id SET a.{col} = p.age"


def _my_multi_delete(g: TenantGen) -> str:
    t = _write_table(g)
    if g.chance(0.5):
        return f"DELETE l FROM labels l JOIN {t} a ON a.id = l.id"
    return f"DELETE a FROM {t} a JOIN people p ON p.id = a.id WHERE p.age > 30"


def _my_delete_using(g: TenantGen) -> str:
    t = _write_table(g)
    return f"DELETE FROM l USING labels l JOIN {t} a ON a.id = l.id"


def _my_straight_join(g: TenantGen) -> str:
    p, s = g.people(), g.src(g.scoped())
    return f"SELECT {p.alias}.id FROM people {p.alias} STRAIGHT_JOIN {s.table} {s.alias} ON {s.alias}.id = {p.alias}.id"


def _my_paren_table(g: TenantGen) -> str:
    t = g.scoped()
    return f"SELECT x.id FROM ({t} x)"


POSITIONS: dict[str, tuple[tuple[str, ...], Position]] = {
    "from": (ALL, _from),
    "join": (ALL, _join("JOIN")),
    "left-join": (ALL, _join("LEFT JOIN")),
    "right-join": (ALL, _join("RIGHT JOIN")),
    "cross-join": (("sqlite", "mysql"), _join("CROSS JOIN")),
    "comma-join": (ALL, _comma),
    "derived-table": (ALL, _derived),
    "cte": (ALL, _cte),
    "recursive-cte": (ALL, _recursive_cte),
    "in-subquery": (ALL, _in("")),
    "not-in-subquery": (ALL, _in("NOT ")),
    "exists": (ALL, _exists),
    "row-in-subquery": (ALL, _row_in),
    "select-list-subquery": (ALL, _scalar_select_list),
    "having-subquery": (ALL, _having),
    "join-on-subquery": (ALL, _on),
    "case-subquery": (ALL, _case),
    "function-argument": (ALL, _function_arg),
    "order-by-subquery": (ALL, _order_by),
    "compound-arm": (("sqlite", "postgres", "mysql"), _compound),
    "nested-predicates": (ALL, _nested),
    "update-target": (ALL, _update_target),
    "delete-target": (ALL, _delete_target),
    "update-where-subquery": (ALL, _update_where_subquery),
    "update-set-subquery": (ALL, _update_set_subquery),
    "delete-where-subquery": (ALL, _delete_where_subquery),
    "insert-select": (ALL, _insert_select),
    "insert-values-subquery": (ALL, _insert_values_subquery),
    "in-table": (("sqlite",), _sqlite_in_table),
    "in-table-issue": (("sqlite",), _sqlite_in_table_issue),
    "table-function-argument": (("sqlite",), _sqlite_in_tvf),
    "update-from": (("sqlite", "postgres"), _sqlite_update_from),
    "returning-subquery": (("sqlite", "postgres"), _returning),
    "filter-clause": (("sqlite", "postgres"), _filter),
    "table-statement": (("postgres",), _pg_table),
    "in-table-statement": (("postgres",), _pg_in_table),
    "only": (("postgres",), _pg_only),
    "lateral": (("postgres",), _lateral),
    "any-subquery": (("postgres",), _pg_any),
    "array-subquery": (("postgres",), _pg_array),
    "delete-using": (("postgres",), _pg_delete_using),
    "writable-cte": (("postgres",), _pg_writable_cte),
    "multi-table-update": (("mysql",), _my_multi_update),
    "multi-table-delete": (("mysql",), _my_multi_delete),
    "mysql-delete-using": (("mysql",), _my_delete_using),
    "straight-join": (("mysql",), _my_straight_join),
    "parenthesized-table": (("mysql",), _my_paren_table),
}
