"""A DML workload generated from a migrated schema, run on each engine through the db provider's
`execute_sql`: inserts relying on defaults and AUTO_INCREMENT, duplicate keys (also differing only
in letter case, where the collation decides), NULL / out-of-range / too-long / non-member values,
updates and selects. Each step yields an outcome (rows, affected count or the error's portable
code) that must be the same on every engine.

Statements are IR trees printed by each engine's parser (`parser_for(uri).render`).
"""

from __future__ import annotations

import datetime as _dt
import json
from decimal import Decimal
from typing import Any

from sqlglot import exp

from cozelite.migrate.model import Column, Table
from cozelite.migrate.typemap import rule
from providers.db import open_db
from providers.errors import ProviderError
from sqlparser import parser_for


def _lit(v: Any) -> exp.Expression:
    if v is None:
        return exp.null()
    if isinstance(v, (int, Decimal, float)):
        return exp.Literal.number(str(v))
    return exp.Literal.string(str(v))


def _id(name: str) -> exp.Identifier:
    return exp.Identifier(this=name, quoted=True)


def value(col: Column, i: int) -> Any:
    """A valid, deterministic value of row `i` for the column."""
    r = rule(col.type.name)
    fam = r.family if r else "string"
    t = col.type
    if t.name == "ENUM":
        return t.values[i % len(t.values)]
    if fam == "int":
        top = 100 if t.name == "TINYINT" else 10_000
        return (i * 37 + 11) % top + 1
    if fam == "decimal":
        return Decimal(f"{i}.25")
    if fam == "float":
        return i + 0.5
    if fam == "date":
        return f"2024-02-{i % 28 + 1:02d}"
    if fam == "datetime":
        return f"2024-02-{i % 28 + 1:02d} 08:30:00"
    if fam == "time":
        return f"08:{i % 60:02d}:00"
    if t.name == "JSON":
        return f'{{"n": {i}}}'
    if fam == "binary":
        return None
    n = t.params[0] if t.params else 60
    text = f"{col.name[:4]}-{i}x"
    return text[:n]


def _present(col: Column) -> exp.Expression:
    return exp.alias_(exp.Not(this=exp.Is(this=exp.Column(this=_id(col.name)), expression=exp.null())),
                      f"{col.name}_present", quoted=True)


def _skip_compare(col: Column) -> bool:
    """Columns whose values are the engine's clock or bytes: compared as NULL / not NULL."""
    r = rule(col.type.name)
    return (col.default is not None and col.default.kind == "now") or col.on_update_now or \
        (r is not None and r.family == "binary")


def norm(v: Any) -> Any:
    if isinstance(v, (dict, list)):
        return json.dumps(v, sort_keys=True)
    if isinstance(v, str) and v[:1] in "{[":
        try:
            return json.dumps(json.loads(v), sort_keys=True)
        except ValueError:
            return v
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, (Decimal, float)):
        return format(Decimal(str(v)).normalize(), "f")
    if isinstance(v, int):
        return str(v)
    if isinstance(v, (_dt.datetime, _dt.date, _dt.time)):
        v = v.isoformat(sep=" ") if isinstance(v, _dt.datetime) else v.isoformat()
    if isinstance(v, str) and len(v) >= 19 and v[4] == "-" and v[10] in " T" and "." in v[19:]:
        return v.replace("T", " ").rstrip("0").rstrip(".")
    if isinstance(v, str):
        try:  # SQLite's NUMERIC affinity and MariaDB's DECIMAL print numbers differently
            if v and (v[0].isdigit() or v[0] == "-") and v.replace(".", "", 1).lstrip("-").isdigit():
                return format(Decimal(v).normalize(), "f")
        except ArithmeticError:
            pass
    return v


class Runner:
    def __init__(self, uri: str) -> None:
        self.uri = uri
        self.parser = parser_for(uri)
        self.rdb = open_db(uri)

    def close(self) -> None:
        self.rdb.close()

    def run(self, tree: exp.Expression) -> tuple[str, Any]:
        sql = self.parser.render(tree, quote_names=True)
        try:
            rs = self.rdb.execute_sql(sql)
        except ProviderError as err:
            return ("error", err.code.name)
        if rs.columns:
            return ("rows", [tuple(norm(r[c]) for c in rs.columns) for r in rs.rows])
        return ("affected", rs.affected_rows)


def _foreign_key_steps(table: Table, required: list[Column], base: int) -> list[tuple[str, exp.Expression]]:
    """Per foreign key: a row whose key has no parent (refused), then the parent of the child with the
    smallest key updated (ON UPDATE) and deleted (ON DELETE: refused, cascaded or set NULL), and the
    children read back."""
    out: list[tuple[str, exp.Expression]] = []
    tref = exp.Table(this=_id(table.name))
    for fk in table.foreign_keys:
        if fk.ref_table.lower() == table.name.lower() or len(fk.columns) != 1:
            continue  # MariaDB refuses a subquery on the table it changes; one-column keys suffice here
        cols = [c for c in required if c.name.lower() != fk.columns[0].lower()]
        col = table.column(fk.columns[0])
        assert col is not None
        vals = [value(c, base + 30) for c in cols]
        out.append((f"no parent {fk.name}", exp.Insert(
            this=exp.Schema(this=tref.copy(), expressions=[_id(c.name) for c in cols] + [_id(col.name)]),
            expression=exp.Values(expressions=[exp.Tuple(expressions=[_lit(v) for v in vals] + [_lit(987654)])]))))
        parent = exp.Table(this=_id(fk.ref_table))
        key = exp.Column(this=_id(fk.ref_columns[0]))
        smallest = exp.Subquery(this=exp.Select(expressions=[exp.Min(this=exp.Column(this=_id(col.name)))])
                                .from_(tref.copy()))
        where = exp.Where(this=exp.EQ(this=key.copy(), expression=smallest))
        # the children's rows (ids left out: failed inserts consume them on some engines), as a multiset
        ordered = exp.Select(expressions=[exp.Column(this=_id(c.name)) for c in table.columns
                                          if not c.auto_increment and not _skip_compare(c)]).from_(tref.copy())
        if fk.on_update == "CASCADE":
            fam = rule(col.type.name).family if rule(col.type.name) else "string"
            moved: exp.Expression = exp.Add(this=key.copy(), expression=exp.Literal.number(1000)) \
                if fam in ("int", "decimal") else exp.Concat(expressions=[key.copy(), exp.Literal.string("u")])
            out.append((f"update parent of {fk.name}", exp.Update(this=parent.copy(), expressions=[
                exp.EQ(this=key.copy(), expression=moved)], where=where.copy())))
            out.append((f"children after update {fk.name} (unordered)", ordered.copy()))
        out.append((f"delete parent of {fk.name}", exp.Delete(this=parent.copy(), where=where.copy())))
        out.append((f"children after delete {fk.name} (unordered)", ordered))
    return out


def scenario(sqls: list[str]) -> list[tuple[str, exp.Expression]]:
    """Hand-written MySQL statements (CHECK violations, generated values): the MySQL front end's trees,
    printed for each engine by its own printer, as the migration's data statements are."""
    mysql = parser_for("mysql://")
    out = []
    for sql in sqls:
        tree = mysql.compile(sql).tree
        assert tree is not None, sql
        out.append((sql[:80], tree))
    return out


def steps(table: Table) -> list[tuple[str, exp.Expression]]:
    """The workload of one table, as (label, IR) pairs."""
    tref = exp.Table(this=_id(table.name))
    out: list[tuple[str, exp.Expression]] = []
    keyed = {c.lower() for c in table.primary_key}
    for idx in table.indexes:
        if idx.unique:
            keyed |= {c.lower() for c in idx.columns}
    insertable = [c for c in table.columns if not c.auto_increment and c.generated is None
                  and (rule(c.type.name) is None or rule(c.type.name).family != "binary")]
    required = [c for c in insertable if (not c.nullable and c.default is None) or c.name.lower() in keyed]

    def insert(cols: list[Column], vals: list[Any]) -> exp.Insert:
        return exp.Insert(this=exp.Schema(this=tref.copy(), expressions=[_id(c.name) for c in cols]),
                          expression=exp.Values(expressions=[exp.Tuple(expressions=[_lit(v) for v in vals])]))

    full = [c for c in insertable if not (c.default is not None and c.default.kind == "now") and not c.on_update_now]
    base = 900
    if full:
        out.append(("insert all columns", insert(full, [value(c, base) for c in full])))
    for i in (base + 1, base + 2):
        if required:
            out.append((f"insert with defaults {i}", insert(required, [value(c, i) for c in required])))
        elif any(c.auto_increment for c in table.columns) and full:
            out.append((f"insert minimal {i}", insert(full[:1], [value(full[0], i)])))
    order = [exp.Ordered(this=exp.Column(this=_id(c))) for c in table.primary_key] or \
        [exp.Ordered(this=exp.Column(this=_id(table.columns[0].name)))]
    shown = [exp.Column(this=_id(c.name)) if not _skip_compare(c) else _present(c) for c in table.columns]
    # a CHECK refused the row before InnoDB took an AUTO_INCREMENT value, while PostgreSQL's identity
    # default was already drawn (docs/migrations.md): where a table has CHECKs, ids compare as present
    checked = bool(table.checks) or any(c.check for c in table.columns)
    select = exp.Select(expressions=[_present(c) if c.auto_increment and checked else e
                                     for c, e in zip(table.columns, shown, strict=True)]).from_(tref.copy())
    select = select.order_by(*order)
    out.append(("select after inserts", select))
    # duplicate keys: the row of `base` again, and with its strings in upper case (collations decide)
    for idx in [i for i in table.indexes if i.unique] + ([] if any(c.auto_increment for c in table.columns)
                                                           or not table.primary_key else [None]):
        cols_named = idx.columns if idx is not None else table.primary_key
        if not full or any(table.column(c) is None or table.column(c).auto_increment for c in cols_named):
            continue
        out.append((f"duplicate {idx.name if idx else 'PRIMARY'}", insert(full, [value(c, base) for c in full])))
        upper = [str(value(c, base)).upper() if c.name in cols_named and isinstance(value(c, base), str)
                 and rule(c.type.name).family == "string" and c.type.name != "ENUM" else value(c, base + 7)
                 if c.name not in cols_named else value(c, base) for c in full]
        out.append((f"case duplicate {idx.name if idx else 'PRIMARY'}", insert(full, upper)))
    # values the column refuses
    for c in insertable:
        bad: Any = None
        what = ""
        # (MariaDB stores now() for a NULL into a NOT NULL TIMESTAMP: explicit_defaults_for_timestamp=OFF)
        if not c.nullable and c.type.name != "TIMESTAMP":
            bad, what = None, "NULL"
        fam = rule(c.type.name).family
        if fam in ("int", "decimal", "float") and c.nullable and c.name.endswith(("_id", "id")):
            bad, what = "abc", "text into a number"
        elif c.type.name in ("TINYINT", "SMALLINT", "MEDIUMINT", "INT") and c.nullable:
            top = {"TINYINT": 127, "SMALLINT": 32767, "MEDIUMINT": 8388607, "INT": 2147483647}[c.type.name]
            bad, what = top * (2 if c.type.unsigned else 1) + 2, "out of range"
        elif c.type.unsigned and rule(c.type.name).family in ("int", "decimal"):
            bad, what = -5, "negative into UNSIGNED"
        elif c.type.name == "ENUM":
            bad, what = "not-a-member", "non-member into ENUM"
        elif c.type.name in ("VARCHAR", "CHAR") and c.type.params and c.type.params[0] < 300:
            bad, what = "y" * (c.type.params[0] + 3), "too long"
        if what and required:
            vals = [bad if r is c else value(r, base + 20) for r in required] if c in required else \
                [value(r, base + 20) for r in required] + [bad]
            cols = required if c in required else [*required, c]
            out.append((f"{what} {c.name}", insert(cols, vals)))
    # an update that changes one plain column of every row of the workload
    plain = [c for c in full if c.name.lower() not in keyed and rule(c.type.name).family in ("int", "string")
             and c.type.name not in ("ENUM", "JSON")]
    if plain and full:
        c = plain[0]
        key = next((k for k in full if k is not c), c)
        new = value(c, 3)
        out.append((f"update {c.name}", exp.Update(this=tref.copy(), expressions=[
            exp.EQ(this=exp.Column(this=_id(c.name)), expression=_lit(new))],
            where=exp.Where(this=exp.EQ(this=exp.Column(this=_id(key.name)), expression=_lit(value(key, base)))))))
    out += _foreign_key_steps(table, required, base)
    # A failed INSERT consumes an AUTO_INCREMENT value on MariaDB (InnoDB) and PostgreSQL (sequences
    # are not transactional), not on SQLite (docs/migrations.md): after the failures above, generated
    # ids are compared as present, the rows by their other columns.
    final = [_present(c) if c.auto_increment else e for c, e in zip(table.columns, shown, strict=True)]
    # compared as a multiset: ICU and MariaDB order punctuation differently under *_ci collations
    out.append(("select at the end (unordered)", exp.Select(expressions=final).from_(tref.copy())))
    return out
