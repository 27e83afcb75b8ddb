"""A seeded generator of write statements over the rename fixture (users, orders, labels; `id` is
each table's primary key), in the forms each engine's users write: plain UPDATE / DELETE / INSERT
... VALUES / INSERT ... SELECT everywhere, and per dialect its conflict forms:

- mysql: REPLACE (VALUES, SET, SELECT), INSERT IGNORE, ON DUPLICATE KEY UPDATE with VALUES(col) and
  the `AS new` row alias, LOW_PRIORITY / DELAYED / HIGH_PRIORITY / QUICK, UPDATE / DELETE IGNORE;
- sqlite: REPLACE, INSERT OR {IGNORE, REPLACE, ABORT, FAIL, ROLLBACK}, UPDATE OR {...},
  ON CONFLICT (id) DO UPDATE / DO NOTHING;
- postgres: ON CONFLICT (id) DO UPDATE ... WHERE, DO NOTHING, INSERT INTO t AS x.

Conditions and subqueries come from RenameGen (tests/safety/_safety_gen.py), so the names to
rename sit in every kind of scope. Ids are drawn from both existing rows (conflicts) and new ones.
"""

from __future__ import annotations

from _safety_engines import COLUMNS
from _safety_gen import COLUMN_KINDS, Named, RenameGen

NOT_NULL = {("users", "uid"), ("users", "age"), ("orders", "uid"), ("orders", "total")}
ID_RANGE = {"users": (1, 24), "orders": (101, 140), "labels": (1, 6)}
CONFLICT_ACTIONS = ("IGNORE", "REPLACE", "ABORT", "FAIL", "ROLLBACK")


class WriteGen(RenameGen):
    """`write(dialect)`: one write statement for that dialect's engine."""

    def write(self, dialect: str) -> str:
        k = self.r.random()
        if k < 0.2:
            return self.update(dialect)
        if k < 0.3:
            return self.delete(dialect)
        if k < 0.4:
            return self.insert_values(self.r.choice(list(COLUMNS)), dialect, head="INSERT INTO")
        if k < 0.5:
            return self.insert_select(dialect, head="INSERT INTO")
        return getattr(self, f"{dialect}_form")()

    # -- pieces --------------------------------------------------------------------------------
    def row_id(self, table: str) -> str:
        # Half the ids collide with existing rows, so the conflict clauses act.
        if self.chance(0.5):
            return str(self.r.randint(*ID_RANGE[table]))
        return str(self.r.randint(200, 240))

    def value(self, table: str, col: str) -> str:
        if col == "id":
            return self.row_id(table)
        if (table, col) not in NOT_NULL and self.chance(0.15):
            return "NULL"
        return self.lit(COLUMN_KINDS[table][col])

    def columns(self, table: str) -> list[str]:
        cols = list(COLUMNS[table])
        required = [c for c in cols if c == "id" or (table, c) in NOT_NULL]
        optional = [c for c in cols if c not in required]
        chosen = set(required) | set(self.r.sample(optional, k=self.r.randint(0, len(optional))))
        return [c for c in cols if c in chosen]

    def where(self, table: str, alias: str | None) -> str:
        named = Named(alias or table, dict(COLUMN_KINDS[table]))
        return f" WHERE {self.cond([named], [], self.r.choice([0, 1, 1, 2]))}" if self.chance(0.85) else ""

    def assignment(self, table: str, qualifier: str | None, extra: tuple[str, ...] = ()) -> str:
        col = self.r.choice([c for c in COLUMNS[table] if c != "id"])
        ref = f"{qualifier}.{col}" if qualifier else col
        if COLUMN_KINDS[table][col] == "i":
            options = [f"{ref} + 1", self.lit("i"), f"{ref} * 2", *(e.format(col=col) for e in extra)]
        else:
            options = [self.lit("s"), *(e.format(col=col) for e in extra if "+" not in e)]
        return f"{col} = {self.r.choice(options)}"

    def assignments(self, table: str, qualifier: str | None, extra: tuple[str, ...] = ()) -> str:
        seen: dict[str, str] = {}
        for _ in range(self.r.randint(1, 2)):
            item = self.assignment(table, qualifier, extra)
            seen.setdefault(item.split(" = ", 1)[0], item)
        return ", ".join(seen.values())

    # -- plain writes --------------------------------------------------------------------------
    def update(self, dialect: str, modifier: str = "") -> str:
        table = self.r.choice(list(COLUMNS))
        alias = self.r.choice(["a", "b"]) if self.chance(0.4) else None
        target = f"{table} AS {alias}" if alias else table
        return f"UPDATE {modifier}{target} SET {self.assignments(table, alias)}{self.where(table, alias)}"

    def delete(self, dialect: str, modifier: str = "") -> str:
        table = self.r.choice(list(COLUMNS))
        return f"DELETE {modifier}FROM {table}{self.where(table, None)}"

    def insert_values(self, table: str, dialect: str, head: str, alias: str = "") -> str:
        cols = self.columns(table)
        rows = []
        ids: set[str] = set()
        for _ in range(self.r.randint(1, 3)):
            values = [self.value(table, c) for c in cols]
            if values[0] in ids:
                # Two rows with one key: PostgreSQL's upsert refuses to touch a row twice, MySQL's
                # and SQLite's apply both. A runtime difference of the engines, kept out of the mix.
                continue
            ids.add(values[0])
            rows.append("(" + ", ".join(values) + ")")
        target = f"{table} AS {alias}" if alias else table
        return f"{head} {target} ({', '.join(cols)}) VALUES {', '.join(rows)}"

    def insert_select(self, dialect: str, head: str) -> str:
        table = self.r.choice(["users", "orders"])
        source = self.r.choice(["users", "orders"])
        cols = [c for c in COLUMNS[table] if c == "id" or (table, c) in NOT_NULL or self.chance(0.5)]
        exprs = []
        for c in cols:
            kind = COLUMN_KINDS[table][c]
            same = [s for s, k in COLUMN_KINDS[source].items() if k == kind and s != "id"]
            if c == "id":
                exprs.append(f"s.id + {self.r.choice([0, 5, 100])}")
            elif same and self.chance(0.7):
                pick = self.r.choice(same)
                nullable = pick in ("name", "score", "user_id", "status")
                exprs.append(f"COALESCE(s.{pick}, {self.lit(kind)})" if (table, c) in NOT_NULL and nullable
                             else f"s.{pick}")
            else:
                exprs.append(self.lit(kind))
        where = self.where(source, "s")
        if not where and dialect == "sqlite":
            where = " WHERE 1 = 1"  # SQLite reads `FROM t ON CONFLICT` as a join without a WHERE
        return f"{head} {table} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM {source} s{where}"

    # -- per-dialect conflict forms ------------------------------------------------------------
    def mysql_form(self) -> str:
        k = self.r.random()
        table = self.r.choice(list(COLUMNS))
        if k < 0.15:
            return self.insert_values(table, "mysql", head=self.r.choice(["REPLACE INTO", "REPLACE LOW_PRIORITY INTO"]))
        if k < 0.22:
            return self.insert_select("mysql", head="REPLACE INTO")
        if k < 0.27:
            cols = self.columns(table)
            return f"REPLACE INTO {table} SET " + ", ".join(f"{c} = {self.value(table, c)}" for c in cols)
        if k < 0.42:
            head = self.r.choice(["INSERT IGNORE INTO", "INSERT LOW_PRIORITY IGNORE INTO", "INSERT IGNORE"])
            return self.insert_values(table, "mysql", head=head)
        if k < 0.47:
            return self.insert_select("mysql", head="INSERT IGNORE INTO")
        if k < 0.75:
            alias = False  # MariaDB (the engine here) has no `VALUES ... AS new`: text tests cover it
            stmt = self.insert_values(table, "mysql", head=self.r.choice(["INSERT INTO", "INSERT HIGH_PRIORITY INTO"]))
            extra = ("new.{col}",) if alias else ("VALUES({col})",)
            return stmt + (" AS new" if alias else "") + " ON DUPLICATE KEY UPDATE " + \
                self.assignments(table, None, extra)
        if k < 0.88:
            return self.update("mysql", modifier=self.r.choice(["LOW_PRIORITY ", "IGNORE ", "LOW_PRIORITY IGNORE "]))
        return self.delete("mysql", modifier=self.r.choice(["LOW_PRIORITY ", "QUICK ", "IGNORE ", "QUICK IGNORE "]))

    def sqlite_form(self) -> str:
        k = self.r.random()
        table = self.r.choice(list(COLUMNS))
        if k < 0.3:
            head = self.r.choice(["REPLACE INTO", *(f"INSERT OR {a} INTO" for a in CONFLICT_ACTIONS)])
            return self.insert_values(table, "sqlite", head=head)
        if k < 0.4:
            return self.insert_select("sqlite", head=f"INSERT OR {self.r.choice(CONFLICT_ACTIONS)} INTO")
        if k < 0.7:
            return self.update("sqlite", modifier=f"OR {self.r.choice(CONFLICT_ACTIONS)} ")
        stmt = self.insert_values(table, "sqlite", head="INSERT INTO")
        if self.chance(0.3):
            return stmt + " ON CONFLICT (id) DO NOTHING"
        where = f" WHERE {table}.id > {self.r.choice([3, 10])}" if self.chance(0.3) else ""
        return stmt + " ON CONFLICT (id) DO UPDATE SET " + \
            self.assignments(table, table, ("excluded.{col}", f"{table}.{{col}} + excluded.{{col}}")) + where

    def postgres_form(self) -> str:
        table = self.r.choice(list(COLUMNS))
        alias = "x" if self.chance(0.3) else ""
        if self.chance(0.25):
            stmt = self.insert_select("postgres", head="INSERT INTO") if self.chance(0.4) else \
                self.insert_values(table, "postgres", head="INSERT INTO", alias=alias)
            return stmt + " ON CONFLICT (id) DO NOTHING"
        stmt = self.insert_values(table, "postgres", head="INSERT INTO", alias=alias)
        qualifier = alias or table
        where = f" WHERE {qualifier}.id > {self.r.choice([3, 10])}" if self.chance(0.3) else ""
        return stmt + " ON CONFLICT (id) DO UPDATE SET " + \
            self.assignments(table, qualifier, ("excluded.{col}", f"{qualifier}.{{col}} + excluded.{{col}}")) + where
