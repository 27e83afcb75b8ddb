"""A seeded random generator of portable SELECT / UPDATE / DELETE statements over the safety fixture.

Portable means valid, with one meaning, on MariaDB, SQLite and PostgreSQL: integer and string
columns compared with values of their own type, boolean expressions only where a truth value is
expected, no LIMIT (its rows would depend on plan order), no FULL JOIN (MariaDB has none).

Shapes: joins (inner, LEFT, RIGHT, comma), subqueries in WHERE / SELECT / FROM at any depth
(IN, EXISTS, scalar, correlated), CTEs, derived tables, compound selects (UNION [ALL], INTERSECT,
EXCEPT), OR / NOT / CASE / IN / BETWEEN / LIKE / IS NULL, GROUP BY with aggregates.

`append_mode=True` keeps the shape the append_filter property needs: the top-level statement (every
arm of a compound) reads `users` or `orders` as alias `a` and returns `a.uid` first.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

INT_COLS = {"users": ("id", "age", "score"), "orders": ("id", "user_id", "total"), "labels": ("id",)}
STR_COLS = {"users": ("uid", "name"), "orders": ("uid", "status"), "labels": ("label",)}
NULLABLE = {"users": ("name", "score"), "orders": ("user_id", "status"), "labels": ("label",)}
STR_VALUES = ("ann", "bob", "cy", "eve", "u1", "u2", "u3", "new", "paid", "sent", "void", "l1", "zz", "it's")
SCOPED_TABLES = ("users", "orders")
TABLES = ("users", "orders", "labels")


@dataclass
class Source:
    alias: str
    table: str  # a base table name, or "" for a derived table / CTE with `int_cols` / `str_cols`
    int_cols: tuple[str, ...]
    str_cols: tuple[str, ...]


class Gen:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.n = 0

    # -- names ---------------------------------------------------------------------------------
    def alias(self) -> str:
        self.n += 1
        return f"t{self.n}"

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    # -- values ----------------------------------------------------------------------------------
    def int_lit(self) -> str:
        return str(self.r.choice([0, 1, 3, 7, 18, 25, 30, 42, 50, 99, 150, -1]))

    def str_lit(self) -> str:
        v = self.r.choice(STR_VALUES)
        return "'" + v.replace("'", "''") + "'"

    def int_col(self, scope: list[Source]) -> str:
        src = self.r.choice(scope)
        return f"{src.alias}.{self.r.choice(src.int_cols)}"

    def str_col(self, scope: list[Source]) -> str | None:
        choices = [s for s in scope if s.str_cols]
        if not choices:
            return None
        src = self.r.choice(choices)
        return f"{src.alias}.{self.r.choice(src.str_cols)}"

    def int_expr(self, scope: list[Source], depth: int) -> str:
        k = self.r.random()
        if depth <= 0 or k < 0.45:
            return self.int_col(scope)
        if k < 0.55:
            return self.int_lit()
        if k < 0.65:
            return f"({self.int_col(scope)} + {self.int_lit()})"
        if k < 0.75:
            return f"COALESCE({self.int_col(scope)}, {self.int_lit()})"
        if k < 0.85:
            return f"CASE WHEN {self.bool_expr(scope, depth - 1)} THEN {self.int_expr(scope, depth - 1)} " \
                   f"ELSE {self.int_lit()} END"
        return f"({self.scalar_subquery(scope, depth - 1)})"

    def str_expr(self, scope: list[Source], depth: int) -> str:
        col = self.str_col(scope)
        if col is None or self.chance(0.15):
            return self.str_lit()
        if depth > 0 and self.chance(0.15):
            return f"COALESCE({col}, {self.str_lit()})"
        return col

    # -- predicates ------------------------------------------------------------------------------
    def bool_expr(self, scope: list[Source], depth: int) -> str:
        k = self.r.random()
        if depth <= 0 or k < 0.3:
            return self.comparison(scope, depth)
        if k < 0.42:
            return f"({self.bool_expr(scope, depth - 1)} AND {self.bool_expr(scope, depth - 1)})"
        if k < 0.56:
            return f"({self.bool_expr(scope, depth - 1)} OR {self.bool_expr(scope, depth - 1)})"
        if k < 0.62:
            return f"NOT ({self.bool_expr(scope, depth - 1)})"
        if k < 0.72:
            return f"{self.int_expr(scope, 0)} IN ({self.in_subquery(scope, depth - 1)})"
        if k < 0.80:
            neg = "NOT " if self.chance(0.3) else ""
            return f"{neg}EXISTS ({self.exists_subquery(scope, depth - 1)})"
        if k < 0.86:
            return f"(CASE WHEN {self.bool_expr(scope, depth - 1)} THEN 1 ELSE 0 END) = {self.r.choice('01')}"
        if k < 0.92:
            return f"{self.int_col(scope)} {'NOT ' if self.chance(0.3) else ''}IN " \
                   f"({', '.join(self.int_lit() for _ in range(self.r.randint(1, 4)))})"
        if k < 0.96:
            op = self.r.choice(["UNION", "UNION ALL", "INTERSECT", "EXCEPT"])
            return f"{self.int_col(scope)} IN ({self.in_subquery(scope, depth - 1)} {op} " \
                   f"{self.in_subquery(scope, depth - 1)})"
        return self.comparison(scope, depth)

    def comparison(self, scope: list[Source], depth: int) -> str:
        k = self.r.random()
        op = self.r.choice(["=", "<>", "<", "<=", ">", ">="])
        if k < 0.4:
            return f"{self.int_expr(scope, min(depth, 1))} {op} {self.int_lit()}"
        if k < 0.55:
            return f"{self.int_col(scope)} {op} {self.int_col(scope)}"
        if k < 0.75:
            col = self.str_col(scope)
            if col is not None:
                return f"{col} {self.r.choice(['=', '<>', '<', '>'])} {self.str_lit()}"
        if k < 0.83:
            return f"{self.int_col(scope)} IS {'NOT ' if self.chance(0.5) else ''}NULL"
        if k < 0.9:
            col = self.str_col(scope)
            if col is not None:
                return f"{col} {'NOT ' if self.chance(0.3) else ''}LIKE '{self.r.choice('abeu')}%'"
        if k < 0.95:
            return f"{self.int_col(scope)} BETWEEN {self.int_lit()} AND {self.int_lit()}"
        col = self.str_col(scope)
        if col is not None and self.chance(0.5):
            return f"{col} IS {'NOT ' if self.chance(0.5) else ''}NULL"
        return f"{self.int_col(scope)} {op} {self.int_lit()}"

    # -- sources -----------------------------------------------------------------------------------
    def base(self, table: str | None = None, alias: str | None = None) -> tuple[str, Source]:
        table = table or self.r.choice((*TABLES, *SCOPED_TABLES, *SCOPED_TABLES))
        alias = alias or self.alias()
        return f"{table} {alias}", Source(alias, table, INT_COLS[table], STR_COLS[table])

    def derived(self, depth: int) -> tuple[str, Source]:
        inner_sql, inner = self.base()
        where = f" WHERE {self.bool_expr([inner], depth - 1)}" if self.chance(0.6) else ""
        ints = tuple(dict.fromkeys(self.r.sample(inner.int_cols, k=min(len(inner.int_cols), 2))))
        strs = inner.str_cols[:1]
        cols = [f"{inner.alias}.{c} AS {c}" for c in ints + strs]
        alias = self.alias()
        return (f"(SELECT {', '.join(cols)} FROM {inner_sql}{where}) {alias}",
                Source(alias, "", ints, strs))

    def from_clause(self, depth: int, outer: list[Source], first_table: str | None = None,
                    first_alias: str | None = None) -> tuple[str, list[Source]]:
        if first_table is None and depth > 0 and self.chance(0.2):
            sql, src = self.derived(depth)
        else:
            sql, src = self.base(first_table, first_alias)
        scope = [src]
        n_joins = self.r.choice([0, 0, 1, 1, 2]) if depth > 0 else 0
        for i in range(n_joins):
            if depth > 1 and self.chance(0.15):
                jsql, jsrc = self.derived(depth - 1)
            else:
                jsql, jsrc = self.base()
            kind = self.r.choice(["JOIN", "LEFT JOIN", "LEFT JOIN", "RIGHT JOIN", ","])
            if kind == "," and i != n_joins - 1:
                # A comma binds looser than JOIN in MySQL and PostgreSQL: a later ON could not see
                # the tables before the comma.
                kind = "JOIN"
            if kind == ",":
                sql += f", {jsql}"
            else:
                on = f"{self.int_col([jsrc])} = {self.int_col(scope)}"
                if self.chance(0.3):
                    on += f" AND {self.comparison([jsrc, *scope], 0)}"
                if depth > 1 and self.chance(0.1):
                    on += f" AND EXISTS ({self.exists_subquery([jsrc], depth - 1)})"
                sql += f" {kind} {jsql} ON {on}"
            scope.append(jsrc)
        return sql, scope

    # -- subqueries --------------------------------------------------------------------------------
    def correlate(self, inner: list[Source], outer: list[Source]) -> str:
        return f"{self.int_col(inner)} = {self.int_col(outer)}"

    def in_subquery(self, outer: list[Source], depth: int) -> str:
        sql, scope = self.from_clause(max(depth - 1, 0), outer)
        conds = []
        if self.chance(0.5):
            conds.append(self.bool_expr(scope, max(depth - 1, 0)))
        if outer and self.chance(0.3):
            conds.append(self.correlate(scope, outer))
        where = f" WHERE {' AND '.join(conds)}" if conds else ""
        return f"SELECT {self.int_col(scope)} FROM {sql}{where}"

    def exists_subquery(self, outer: list[Source], depth: int) -> str:
        sql, scope = self.from_clause(max(depth - 1, 0), outer)
        conds = [self.correlate(scope, outer)] if outer and self.chance(0.8) else []
        if self.chance(0.5):
            conds.append(self.bool_expr(scope, max(depth - 1, 0)))
        where = f" WHERE {' AND '.join(conds)}" if conds else ""
        return f"SELECT 1 FROM {sql}{where}"

    def scalar_subquery(self, outer: list[Source], depth: int) -> str:
        sql, scope = self.from_clause(max(depth - 1, 0), outer)
        agg = self.r.choice(["MAX", "MIN", "COUNT", "SUM"])
        conds = [self.correlate(scope, outer)] if outer and self.chance(0.6) else []
        if self.chance(0.4):
            conds.append(self.bool_expr(scope, max(depth - 1, 0)))
        where = f" WHERE {' AND '.join(conds)}" if conds else ""
        return f"SELECT {agg}({self.int_col(scope)}) FROM {sql}{where}"

    # -- statements --------------------------------------------------------------------------------
    def select_core(self, depth: int, ncols: tuple[str, ...], top_table: str | None = None,
                    top_alias: str | None = None, first: str | None = None) -> str:
        """A SELECT whose output columns have the kinds in `ncols` ("i" int, "s" str)."""
        sql, scope = self.from_clause(depth, [], top_table, top_alias)
        where = f" WHERE {self.bool_expr(scope, depth)}" if self.chance(0.75) else ""
        grouped = first is None and all(k == "i" for k in ncols) and self.chance(0.3)
        cols = []
        if grouped:
            key = self.int_col(scope)
            cols = [key] + [f"{self.r.choice(['COUNT', 'MAX', 'MIN', 'SUM'])}({self.int_col(scope)})"
                            for _ in ncols[1:]]
            having = f" HAVING COUNT(*) > {self.r.choice('01')}" if self.chance(0.3) else ""
            return f"SELECT {', '.join(cols)} FROM {sql}{where} GROUP BY {key}{having}"
        for i, kind in enumerate(ncols):
            if i == 0 and first is not None:
                cols.append(first)
            elif kind == "i":
                cols.append(self.int_expr(scope, depth - 1) if self.chance(0.3) else self.int_col(scope))
            else:
                cols.append(self.str_expr(scope, 0))
        distinct = "DISTINCT " if self.chance(0.15) else ""
        return f"SELECT {distinct}{', '.join(cols)} FROM {sql}{where}"

    def select(self, depth: int = 2, append_mode: bool = False) -> str:
        ncols = ("s", *tuple(self.r.choice("is") for _ in range(self.r.randint(0, 2)))) if append_mode \
            else tuple(self.r.choice("iis") for _ in range(self.r.randint(1, 3)))

        def arm() -> str:
            if append_mode:
                return self.select_core(depth, ncols, self.r.choice(SCOPED_TABLES), "a", first="a.uid")
            return self.select_core(depth, ncols)

        body = arm()
        if self.chance(0.2):
            op = self.r.choice(["UNION", "UNION ALL", "INTERSECT", "EXCEPT"])
            body = f"{body} {op} {arm()}"
        if not append_mode and self.chance(0.15):
            body = self._cte_query(depth)
        return body

    def _cte_query(self, depth: int) -> str:
        table = self.r.choice(SCOPED_TABLES)
        inner_sql, src = self.base(table)
        cond = self.bool_expr([src], max(depth - 1, 0))
        cols = (src.int_cols[0], src.int_cols[1], src.str_cols[1])
        select_cols = ", ".join(f"{src.alias}.{c} AS {c}" for c in cols)
        c = Source("c", "", cols[:2], cols[2:])
        join_sql, jsrc = self.base()
        scope = [c, jsrc]
        outer_where = self.bool_expr(scope, max(depth - 1, 0))
        kind = self.r.choice(["JOIN", "LEFT JOIN"])
        if self.chance(0.3):
            # The CTE read a second time, inside a subquery.
            outer_where = f"({outer_where}) OR c.{cols[0]} IN (SELECT c2.{cols[1]} FROM c c2 " \
                          f"WHERE c2.{cols[0]} > {self.int_lit()})"
        return (f"WITH c AS (SELECT {select_cols} FROM {inner_sql} WHERE {cond}) "
                f"SELECT c.{cols[0]}, c.{cols[2]}, {self.int_col([jsrc])} FROM c {kind} {join_sql} "
                f"ON {self.int_col([jsrc])} = c.{cols[1]} WHERE {outer_where}")

    def update(self, depth: int = 2) -> str:
        table = self.r.choice(SCOPED_TABLES)
        src = Source(table, table, INT_COLS[table], STR_COLS[table])
        target_col = "score" if table == "users" else self.r.choice(["total", "status"])
        if target_col == "status":
            value = self.str_lit() if self.chance(0.6) else "NULL"
        elif self.chance(0.4):
            value = f"({self.scalar_subquery([src], depth - 1)})"
            if target_col == "total":
                value = f"COALESCE({value}, 0)"
        else:
            value = f"{target_col} + {self.int_lit()}" if target_col == "total" else self.int_expr([src], 1)
            if target_col == "total":
                value = f"COALESCE({value}, 0)"
        where = f" WHERE {self.bool_expr([src], depth)}" if self.chance(0.85) else ""
        return f"UPDATE {table} SET {target_col} = {value}{where}"

    def delete(self, depth: int = 2) -> str:
        table = self.r.choice(SCOPED_TABLES)
        src = Source(table, table, INT_COLS[table], STR_COLS[table])
        where = f" WHERE {self.bool_expr([src], depth)}" if self.chance(0.9) else ""
        return f"DELETE FROM {table}{where}"

    def insert_select(self, depth: int = 2) -> str:
        """INSERT INTO labels ... SELECT over the scoped tables (ids offset to stay unique)."""
        self.n += 1
        offset = 1000 * self.n
        sql, scope = self.from_clause(depth, [], self.r.choice(SCOPED_TABLES), "a")
        where = f" WHERE {self.bool_expr(scope, depth)}" if self.chance(0.7) else ""
        # COALESCE: an outer join can leave a.id NULL; labels.id is NOT NULL.
        return f"INSERT INTO labels (id, label) SELECT DISTINCT COALESCE(a.id, 0) + {offset}, a.uid FROM {sql}{where}"

    def multi_table_write(self, depth: int = 2) -> str:
        """MySQL only: UPDATE / DELETE over joined tables (each base table may be a write target)."""
        first = self.r.choice(SCOPED_TABLES)
        sql, scope = self.from_clause(0, [], first, "a")
        other = self.r.choice((*SCOPED_TABLES, "labels"))
        bsql, bsrc = self.base(other, "b")
        kind = self.r.choice(["JOIN", "JOIN", "LEFT JOIN"])
        on = f"{self.int_col([bsrc])} = {self.int_col(scope)}"
        sql = f"{sql} {kind} {bsql} ON {on}"
        scope = [*scope, bsrc]
        where = f" WHERE {self.bool_expr(scope, depth - 1)}" if self.chance(0.7) else ""
        if self.chance(0.5):
            targets = "a" if other == "labels" or self.chance(0.5) else "a, b"
            return f"DELETE {targets} FROM {sql}{where}"
        sets = ["a.score = COALESCE(b.id, -1)" if first == "users" else "a.status = 'm'"]
        if other != "labels" and kind == "JOIN" and self.chance(0.5):
            sets.append("b.uid = b.uid")
        return f"UPDATE {sql} SET {', '.join(sets)}{where}"

    def statement(self, append_mode: bool = False, with_inserts: bool = False) -> str:
        k = self.r.random()
        depth = self.r.choice([1, 2, 2, 3])
        if with_inserts and k < 0.08:
            return self.insert_select(depth)
        if k < 0.7:
            return self.select(depth, append_mode)
        if k < 0.87:
            return self.update(depth)
        return self.delete(depth)


# -- the rename differential (tests/rename) ----------------------------------------------------------

COLUMN_KINDS = {t: {**dict.fromkeys(INT_COLS[t], "i"), **dict.fromkeys(STR_COLS[t], "s")} for t in TABLES}


@dataclass
class Named:
    """A source of the rename generator: the name a query reads it by, and its columns by kind."""

    alias: str
    cols: dict[str, str]  # column -> "i" (integer) | "s" (string)


class RenameGen:
    """Queries whose names the rename must resolve through every kind of scope (tests/rename).

    Derived tables and CTEs exposing unaliased and star columns, recursive CTEs, JOIN ... USING and
    NATURAL JOIN, correlated subqueries with unqualified outer references, set operations (also as
    derived tables), window functions with named windows, select-list aliases in ORDER BY / GROUP BY,
    and the same table aliases reused at several levels. Column references are unqualified where
    that reads well; a query the engine itself rejects as written is skipped by the test, so the
    generator does not need to prove every name unambiguous. Portable as Gen is: no LIMIT, no FULL
    JOIN, integers compared with integers and strings with strings.
    """

    ALIASES = ("a", "b", "c", "d")

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.cte_n = 0

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    # -- references ------------------------------------------------------------------------------
    def ref(self, src: Named, col: str, scope: list[Named]) -> str:
        unique = sum(col in s.cols for s in scope) == 1
        return col if unique and self.chance(0.5) else f"{src.alias}.{col}"

    def pick(self, scope: list[Named], kind: str) -> tuple[Named, str] | None:
        options = [(s, c) for s in scope for c, k in s.cols.items() if k == kind]
        return self.r.choice(options) if options else None

    def expr(self, scope: list[Named], kind: str) -> str:
        got = self.pick(scope, kind)
        if got is None:
            return self.lit(kind)
        return self.ref(*got, scope)

    def lit(self, kind: str) -> str:
        if kind == "i":
            return str(self.r.choice([0, 1, 3, 7, 18, 25, 30, 42, 50, 99, 150]))
        return "'" + self.r.choice(STR_VALUES).replace("'", "''") + "'"

    def cond(self, scope: list[Named], outer: list[Named], depth: int) -> str:
        k = self.r.random()
        if depth > 0 and k < 0.2:
            return f"({self.cond(scope, outer, depth - 1)} {self.r.choice(['AND', 'OR'])} " \
                   f"{self.cond(scope, outer, depth - 1)})"
        if depth > 0 and k < 0.4:
            return f"{'NOT ' if self.chance(0.3) else ''}EXISTS ({self.sub(scope + outer, depth - 1, '1')})"
        if depth > 0 and k < 0.5:
            return f"{self.expr(scope, 'i')} IN ({self.sub(scope + outer, depth - 1, 'i')})"
        kind = self.r.choice("iis")
        op = self.r.choice(["=", "<>", "<", ">="]) if kind == "i" else self.r.choice(["=", "<>", "<"])
        if self.chance(0.3):
            return f"{self.expr(scope, kind)} IS {'NOT ' if self.chance(0.5) else ''}NULL"
        return f"{self.expr(scope, kind)} {op} {self.lit(kind)}"

    def sub(self, outer: list[Named], depth: int, what: str) -> str:
        """A subquery reading `outer` unqualified where no inner source lists the name."""
        from_sql, scope = self.from_clause(depth, outer)
        conds = []
        # An outer source whose alias an inner one reuses is out of reach by qualified name.
        inner_aliases = {s.alias for s in scope}
        got = self.pick([s for s in outer if s.alias not in inner_aliases], "i")
        if got is not None and self.chance(0.8):
            src, col = got
            inner_names = {c for s in scope for c in s.cols}
            outer_ref = col if col not in inner_names and self.chance(0.6) else f"{src.alias}.{col}"
            conds.append(f"{self.expr(scope, 'i')} = {outer_ref}")
        if self.chance(0.5):
            conds.append(self.cond(scope, [s for s in outer if s.alias not in inner_aliases], depth - 1))
        where = f" WHERE {' AND '.join(conds)}" if conds else ""
        if what == "1":
            return f"SELECT 1 FROM {from_sql}{where}"
        return f"SELECT {self.expr(scope, 'i')} FROM {from_sql}{where}"

    # -- sources -----------------------------------------------------------------------------------
    def fresh(self, used: set[str]) -> str:
        name = self.r.choice([a for a in self.ALIASES if a not in used] or [f"e{len(used)}"])
        used.add(name)
        return name

    def table(self, used: set[str]) -> tuple[str, Named]:
        t = self.r.choice(TABLES + SCOPED_TABLES)
        alias = self.fresh(used)
        return f"{t} {alias}", Named(alias, dict(COLUMN_KINDS[t]))

    def derived(self, depth: int, used: set[str], outer: list[Named]) -> tuple[str, Named]:
        """A derived table exposing unaliased columns, a star, or a set operation's columns."""
        k = self.r.random()
        inner_sql, inner = self.table(set())
        where = f" WHERE {self.cond([inner], [], max(depth - 1, 0))}" if self.chance(0.5) else ""
        if k < 0.3:
            body, cols = f"SELECT * FROM {inner_sql}{where}", dict(inner.cols)
        elif k < 0.75 or depth <= 0:
            names = self.r.sample(list(inner.cols), k=self.r.randint(1, len(inner.cols)))
            cols = {c: inner.cols[c] for c in names}
            distinct = "DISTINCT " if self.chance(0.2) else ""
            body = f"SELECT {distinct}{', '.join(self.ref(inner, c, [inner]) for c in names)} FROM {inner_sql}{where}"
        else:
            # A set operation: the names come from its first arm; the second arm is kind-compatible.
            names = [c for c in inner.cols][: self.r.randint(1, 2)]
            cols = {c: inner.cols[c] for c in names}
            other_sql, other = self.table(set())
            arm2 = []
            for c in names:
                pick = [x for x, kk in other.cols.items() if kk == cols[c]]
                arm2.append(f"{other.alias}.{self.r.choice(pick)}" if pick else self.lit(cols[c]))
            op = self.r.choice(["UNION", "UNION ALL", "EXCEPT", "INTERSECT"])
            body = f"SELECT {', '.join(names)} FROM {inner_sql}{where} {op} SELECT {', '.join(arm2)} FROM {other_sql}"
        alias = self.fresh(used)
        return f"({body}) {alias}", Named(alias, cols)

    def from_clause(self, depth: int, outer: list[Named]) -> tuple[str, list[Named]]:
        used: set[str] = set()
        sql, first = self.derived(depth, used, outer) if depth > 0 and self.chance(0.3) else self.table(used)
        scope = [first]
        for _ in range(self.r.choice([0, 0, 1, 1, 2]) if depth > 0 else 0):
            jsql, j = self.derived(depth - 1, used, outer) if self.chance(0.3) else self.table(used)
            shared = [c for c in j.cols if all(c in s.cols and s.cols[c] == j.cols[c] for s in scope)
                      and c in ("uid", "id", "label")]
            kind = self.r.choice(["JOIN", "LEFT JOIN", "JOIN"])
            if shared and "id" not in shared and self.chance(0.35):
                sql += f" {kind} {jsql} USING ({self.r.choice(shared)})"
                # a USING column is one column afterwards: unqualified references to it are fine
                scope.append(Named(j.alias, {c: k for c, k in j.cols.items() if c not in shared}))
                continue
            right = self.r.choice(list(j.cols))
            left = self.pick(scope, j.cols[right])
            on = f"{left[0].alias}.{left[1]}" if left is not None else self.lit(j.cols[right])
            sql += f" {kind} {jsql} ON {j.alias}.{right} = {on}"
            scope.append(j)
        return sql, scope

    # -- statements ---------------------------------------------------------------------------------
    def select(self, depth: int = 2) -> str:
        k = self.r.random()
        if k < 0.12:
            return self.cte_query(depth)
        if k < 0.18:
            return self.recursive_cte()
        if k < 0.26:
            return self.natural_query(depth)
        if k < 0.34:
            return self.window_query(depth)
        if k < 0.44:
            return self.grouped_query(depth)
        if k < 0.52:
            left = self.plain(depth, ("i", "s"))
            right = self.plain(depth, ("i", "s"))
            return f"{left} {self.r.choice(['UNION', 'UNION ALL', 'EXCEPT', 'INTERSECT'])} {right}"
        return self.plain(depth, tuple(self.r.choice("is") for _ in range(self.r.randint(1, 3))))

    def plain(self, depth: int, kinds: tuple[str, ...]) -> str:
        from_sql, scope = self.from_clause(depth, [])
        cols = [self.expr(scope, kd) for kd in kinds]
        if self.chance(0.2):
            got = self.pick(scope, "i")
            if got is not None:
                cols[0] = f"(SELECT COUNT(*) FROM orders x WHERE x.user_id = {got[0].alias}.{got[1]})"
        where = f" WHERE {self.cond(scope, [], depth)}" if self.chance(0.7) else ""
        return f"SELECT {', '.join(cols)} FROM {from_sql}{where}"

    def grouped_query(self, depth: int) -> str:
        """Select-list aliases in GROUP BY and ORDER BY (an alias may equal another table's column)."""
        from_sql, scope = self.from_clause(depth, [])
        key = self.expr(scope, self.r.choice("is"))
        alias = self.r.choice(["k", "grp", "total", "label"])
        agg = self.r.choice(["COUNT(*)", f"SUM({self.expr(scope, 'i')})", f"MAX({self.expr(scope, 'i')})"])
        having = f" HAVING COUNT(*) > {self.r.choice('01')}" if self.chance(0.3) else ""
        group = alias if self.chance(0.5) and alias not in {c for s in scope for c in s.cols} else key
        return f"SELECT {key} AS {alias}, {agg} AS n FROM {from_sql} GROUP BY {group}{having} ORDER BY {alias}, n"

    def window_query(self, depth: int) -> str:
        from_sql, scope = self.from_clause(max(depth - 1, 0), [])
        part = self.expr(scope, self.r.choice("is"))
        val = self.expr(scope, "i")
        if self.chance(0.5):
            return f"SELECT {part}, SUM({val}) OVER w AS s, COUNT(*) OVER w AS n FROM {from_sql} " \
                   f"WINDOW w AS (PARTITION BY {part})"
        return f"SELECT {part}, MAX({val}) OVER (PARTITION BY {part}) AS m FROM {from_sql}"

    def cte_query(self, depth: int) -> str:
        self.cte_n += 1
        t = self.r.choice(TABLES)
        cols = list(COLUMN_KINDS[t])
        chosen = self.r.sample(cols, k=self.r.randint(1, len(cols)))
        star = self.chance(0.3)
        body = f"SELECT {'*' if star else ', '.join(chosen)} FROM {t}"
        c1 = Named("c1", dict(COLUMN_KINDS[t]) if star else {c: COLUMN_KINDS[t][c] for c in chosen})
        ctes = [f"c1 AS ({body} WHERE {self.cond([Named(t, dict(COLUMN_KINDS[t]))], [], 0)})"]
        src = c1
        if self.chance(0.4):
            ctes.append("c2 AS (SELECT * FROM c1)")
            src = Named("c2", dict(c1.cols))
        used = {"a"}
        jsql, j = self.table(used)
        left = self.pick([src], "i")
        scope = [Named(src.alias, src.cols), j]
        on = f"{j.alias}.{self.r.choice([c for c, k in j.cols.items() if k == 'i'])} = {src.alias}.{left[1]}" \
            if left else "1 = 1"
        cols = ", ".join(self.expr(scope, self.r.choice("is")) for _ in range(self.r.randint(1, 3)))
        where = f" WHERE {self.cond(scope, [], max(depth - 1, 0))}" if self.chance(0.6) else ""
        return f"WITH {', '.join(ctes)} SELECT {cols} FROM {src.alias} {self.r.choice(['JOIN', 'LEFT JOIN'])} " \
               f"{jsql} ON {on}{where}"

    def recursive_cte(self) -> str:
        t = self.r.choice(SCOPED_TABLES)
        start = self.r.choice([1, 3, 7])
        return (f"WITH RECURSIVE r AS (SELECT id, uid, 1 AS n FROM {t} WHERE id <= {start + 100 * (t == 'orders')} "
                f"UNION ALL SELECT id, uid, n + 1 FROM r WHERE n < 3) "
                f"SELECT r.id, uid, n FROM r WHERE uid {self.r.choice(['=', '<>'])} {self.lit('s')}")

    def natural_query(self, depth: int) -> str:
        """NATURAL JOIN / USING between derived tables exposing unaliased columns."""
        left_t, right_t = self.r.choice(SCOPED_TABLES), self.r.choice(SCOPED_TABLES)
        shared = "uid"
        lcols = [shared, *self.r.sample([c for c in COLUMN_KINDS[left_t] if c not in COLUMN_KINDS[right_t]
                                         or (left_t == right_t and c != shared)], k=1)]
        rcols = [shared, *self.r.sample([c for c in COLUMN_KINDS[right_t] if c not in lcols], k=1)]
        left = f"(SELECT {', '.join(lcols)} FROM {left_t}) a"
        cond = self.cond([Named(right_t, dict(COLUMN_KINDS[right_t]))], [], 0)
        right = f"(SELECT {', '.join(rcols)} FROM {right_t} WHERE {cond}) b"
        join = f"NATURAL JOIN {right}" if self.chance(0.5) else f"JOIN {right} USING ({shared})"
        outs = [shared] + [c for c in lcols[1:] + rcols[1:] if c != shared]
        return f"SELECT {', '.join(outs)} FROM {left} {join}"
