"""Native printing for MySQL: the normalizers run on a copy of the IR before sqlglot's MySQL generator."""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from dialects.mysql.frontend import HEX_NUMBER, TYPED_LITERAL
from sqlparser.errors import UnsupportedConstructError


def typed_literals(tree: exp.Expression, options: dict[str, Any]) -> exp.Expression:
    """Print DATE / TIME / TIMESTAMP literals as literals, not as the CAST sqlglot reads them as."""
    for cast in list(tree.find_all(exp.Cast)):
        keyword = cast.meta.get(TYPED_LITERAL) if cast._meta else None
        if keyword is not None and isinstance(cast.this, exp.Literal):
            text = f"{keyword} {cast.this.sql(dialect='mysql')}"
            if cast is tree:
                return exp.Var(this=text)
            cast.replace(exp.Var(this=text))
    return tree


def dual_table(tree: exp.Expression, options: dict[str, Any]) -> exp.Expression:
    """FROM DUAL is a keyword: back-quoted (as a reserved word would be), it names a table `dual`."""
    for table in tree.find_all(exp.Table):
        ident = table.this
        if isinstance(ident, exp.Identifier) and not ident.quoted and ident.name.upper() == "DUAL" \
                and not table.args.get("db") and not table.alias:
            table.set("this", exp.var("DUAL"))
    return tree


NATIONAL_CHARSET = "utf8mb3"
"""The character set of NCHAR / NVARCHAR columns and CAST(... AS NCHAR) in MySQL 8."""

_NATIONAL = {exp.DataType.Type.NCHAR: exp.DataType.Type.CHAR, exp.DataType.Type.NVARCHAR: exp.DataType.Type.VARCHAR}


def national_types(tree: exp.Expression, options: dict[str, Any]) -> exp.Expression:
    """NCHAR(n) is CHAR(n) CHARACTER SET utf8mb3; sqlglot's MySQL generator prints it as a plain CHAR."""
    for data_type in list(tree.find_all(exp.DataType)):
        plain = _NATIONAL.get(data_type.this)
        if plain is None:
            continue
        parent = data_type.parent
        if isinstance(parent, exp.ColumnDef):
            data_type.set("this", plain)
            constraints = parent.args.get("constraints") or []
            if not any(isinstance(c.args.get("kind"), exp.CharacterSetColumnConstraint) for c in constraints):
                charset = exp.ColumnConstraint(kind=exp.CharacterSetColumnConstraint(this=exp.var(NATIONAL_CHARSET)))
                parent.set("constraints", [charset, *constraints])
        elif plain is exp.DataType.Type.CHAR:
            data_type.set("this", exp.DataType.Type.CHARACTER_SET)
            data_type.set("kind", exp.var(NATIONAL_CHARSET))
    return tree


def share_locks(tree: exp.Expression, options: dict[str, Any]) -> exp.Expression:
    """A plain FOR SHARE prints as LOCK IN SHARE MODE: the same lock in MySQL 8, and the one
    spelling MariaDB (served by this dialect too: mariadb:// URIs) also reads."""
    for select in tree.find_all(exp.Select):
        locks = select.args.get("locks")
        if locks and any(_plain_share(lock) for lock in locks):
            select.set("locks", [exp.var("LOCK IN SHARE MODE") if _plain_share(lock) else lock for lock in locks])
    return tree


def _plain_share(lock: exp.Expression) -> bool:
    return isinstance(lock, exp.Lock) and not lock.args.get("update") and lock.args.get("wait") is None \
        and not lock.expressions


def hex_numbers(tree: exp.Expression, options: dict[str, Any]) -> exp.Expression:
    """Print 0x41 as written (sqlglot prints X'41', which MariaDB reads as a string in arithmetic)."""
    for hex_string in list(tree.find_all(exp.HexString)):
        if hex_string._meta and hex_string.meta.get(HEX_NUMBER) and hex_string.this:
            if hex_string is tree:
                return exp.var(f"0x{hex_string.this}")
            hex_string.replace(exp.var(f"0x{hex_string.this}"))
    return tree


def _row_call(row: exp.Expression) -> exp.Anonymous | None:
    items = row.expressions if isinstance(row, exp.Tuple) else [row]
    if len(items) == 1 and isinstance(items[0], exp.Anonymous) and str(items[0].this).upper() == "ROW":
        return items[0]
    return None


def values_rows(tree: exp.Expression, options: dict[str, Any]) -> exp.Expression:
    """VALUES ROW(...) statements and tables print as written. sqlglot's MySQL generator turns them
    into SELECT ... UNION ALL SELECT ..., each row a single ROW(...) column, and drops the column
    list of `(VALUES ...) AS v (a, b)`; in INSERT it prints VALUES (ROW(1, 2)). Both fail on MySQL."""
    for values in list(tree.find_all(exp.Values)):
        rows = [_row_call(row) for row in values.expressions]
        if not rows or any(row is None for row in rows):
            continue
        if isinstance(values.parent, exp.Insert):
            values.set("expressions", [exp.Tuple(expressions=list(row.expressions)) for row in rows])
            continue
        text = "VALUES " + ", ".join(row.sql(dialect="mysql") for row in rows)
        for key in ("order", "limit"):
            clause = values.args.get(key)
            if clause is not None:
                text += " " + clause.sql(dialect="mysql").strip()
        alias = values.args.get("alias")
        if alias is not None:
            text = f"({text}) AS {alias.sql(dialect='mysql')}"
        if values is tree:
            return exp.var(text)
        values.replace(exp.var(text))
    return tree


def select_into(tree: exp.Expression, options: dict[str, Any]) -> exp.Expression:
    """Refuse SELECT ... INTO @variable: sqlglot's MySQL generator prints it as
    CREATE TABLE @variable AS SELECT ... (the tree stays, so policies still see the INTO)."""
    if tree.find(exp.Into) is not None:
        raise UnsupportedConstructError("SELECT ... INTO @variable", "the MySQL printer cannot print it back")
    return tree


NATIVE_NORMALIZERS = (select_into, typed_literals, dual_table, national_types, share_locks, hex_numbers, values_rows)
