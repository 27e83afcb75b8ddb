"""Native printing for MySQL: what sqlglot's MySQL generator would print with another meaning.

One normalizer (`FixUps`), one walk over the copy of the IR the native printer makes, with one
fix-up per node type (a table, as the rules are). Each fix-up prints the construct as MySQL reads it:

- DATE / TIME / TIMESTAMP literals stay literals (sqlglot prints CAST, which rounds TIME '10:00:00.5');
- FROM DUAL stays the keyword (sqlglot back-quotes it: a table named `dual`);
- NCHAR / NVARCHAR keep their character set, utf8mb3 (sqlglot prints a plain CHAR);
- a plain FOR SHARE prints as LOCK IN SHARE MODE (the same lock; MariaDB, served by this
  dialect through mariadb:// URIs, reads only that spelling);
- 0x41 stays 0x41 (sqlglot prints X'41', a string in MariaDB arithmetic);
- VALUES ROW(...) statements and tables stay VALUES (sqlglot prints SELECT ROW(...) UNION ALL ...);
- REPLACE prints as REPLACE (sqlglot prints SQLite's INSERT OR REPLACE);
- CREATE INDEX's USING / COMMENT / VISIBLE / ALGORITHM / LOCK print after the column list;
- SELECT ... INTO @variable is refused (sqlglot prints CREATE TABLE @variable AS SELECT ...);
- a name MySQL would not read back bare (a caller's `t --` or `My Table`) is back-quoted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlglot import exp
from sqlglot.errors import ErrorLevel

from dialects.mysql.lower import HEX_NUMBER, TYPED_LITERAL
from dialects.mysql.names import needs_quotes
from sqlparser.errors import UnsupportedConstructError

NATIONAL_CHARSET = "utf8mb3"
"""The character set of NCHAR / NVARCHAR columns and CAST(... AS NCHAR) in MySQL 8."""

_NATIONAL = {exp.DataType.Type.NCHAR: exp.DataType.Type.CHAR, exp.DataType.Type.NVARCHAR: exp.DataType.Type.VARCHAR}

FixUp = Callable[[exp.Expr], exp.Expression | None]
"""Takes a node of the copy; returns its replacement, or None to keep it (possibly changed in place)."""


def _typed_literal(cast: exp.Expr) -> exp.Expression | None:
    keyword = cast.meta.get(TYPED_LITERAL) if cast._meta else None
    if keyword is not None and isinstance(cast.this, exp.Literal):
        return exp.var(f"{keyword} {cast.this.sql(dialect='mysql')}")
    return None


def _dual(table: exp.Expr) -> None:
    ident = table.this
    if isinstance(ident, exp.Identifier) and not ident.quoted and ident.name.upper() == "DUAL" \
            and not table.args.get("db") and not table.alias:
        table.set("this", exp.var("DUAL"))


def _national(data_type: exp.Expr) -> None:
    plain = _NATIONAL.get(data_type.this)
    if plain is None:
        return
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


def _plain_share(lock: exp.Expr) -> bool:
    return isinstance(lock, exp.Lock) and not lock.args.get("update") and lock.args.get("wait") is None \
        and not lock.expressions


def _share_locks(select: exp.Expr) -> None:
    locks = select.args.get("locks")
    if locks and any(_plain_share(lock) for lock in locks):
        select.set("locks", [exp.var("LOCK IN SHARE MODE") if _plain_share(lock) else lock for lock in locks])


def _hex_number(hex_string: exp.Expr) -> exp.Expression | None:
    if hex_string._meta and hex_string.meta.get(HEX_NUMBER) and hex_string.this:
        return exp.var(f"0x{hex_string.this}")
    return None


def _row_call(row: exp.Expr) -> exp.Anonymous | None:
    items = row.expressions if isinstance(row, exp.Tuple) else [row]
    if len(items) == 1 and isinstance(items[0], exp.Anonymous) and str(items[0].this).upper() == "ROW":
        return items[0]
    return None


def _values(values: exp.Expr) -> exp.Expression | None:
    calls = [_row_call(row) for row in values.expressions]
    rows = [call for call in calls if call is not None]
    if not rows or len(rows) != len(calls):
        return None
    if isinstance(values.parent, exp.Insert):
        # INSERT ... VALUES ROW(1, 2) is INSERT ... VALUES (1, 2).
        values.set("expressions", [exp.Tuple(expressions=list(row.expressions)) for row in rows])
        return None
    text = "VALUES " + ", ".join(row.sql(dialect="mysql") for row in rows)
    for key in ("order", "limit"):
        clause = values.args.get(key)
        if clause is not None:
            text += " " + clause.sql(dialect="mysql").strip()
    alias = values.args.get("alias")
    if alias is not None:
        text = f"({text}) AS {alias.sql(dialect='mysql')}"
    return exp.var(text)


def _unquoted_odd_name(identifier: exp.Expr) -> bool:
    return not identifier.args.get("quoted") and needs_quotes(identifier.name)


def _odd_name(identifier: exp.Expr) -> None:
    # Only names from callers (rename maps, added columns) can be unquoted and odd: the front end
    # marks every name it read in back-quotes as quoted.
    if _unquoted_odd_name(identifier):
        identifier.set("quoted", True)


def replace_statement(tree: exp.Expression) -> exp.Expression:
    """REPLACE is `Insert.alternative` in the IR (as SQLite's); sqlglot prints it as SQLite's
    `INSERT OR REPLACE`. Printed here, last (after every other fix-up), with MySQL's keyword."""
    if not isinstance(tree, exp.Insert) or str(tree.args.get("alternative") or "").upper() != "REPLACE":
        return tree
    plain = tree.copy()
    plain.set("alternative", None)
    text = plain.sql(dialect="mysql", unsupported_level=ErrorLevel.RAISE)
    if not text.startswith("INSERT"):
        raise UnsupportedConstructError("REPLACE with a WITH clause", "the MySQL printer cannot print it back")
    return exp.var("REPLACE" + text[len("INSERT"):])
def _index_options(create: exp.Expr) -> None:
    """CREATE INDEX's USING and options print after the column list in MySQL (sqlglot prints USING
    before it and ALGORITHM before INDEX): written out after the columns, where MySQL reads them."""
    index = create.this
    params = index.args.get("params") if isinstance(index, exp.Index) else None
    if str(create.args.get("kind") or "").upper() != "INDEX" or not isinstance(params, exp.IndexParameters):
        return
    tail = []
    using = params.args.get("using")
    if using is not None:
        tail.append(f"USING {using.name.upper()}")
        params.set("using", None)
    properties = create.args.get("properties")
    for prop in properties.expressions if properties is not None else []:
        if isinstance(prop, exp.IndexConstraintOption):
            if prop.args.get("comment") is not None:
                tail.append("COMMENT " + prop.args["comment"].sql(dialect="mysql"))
            if prop.args.get("visible") is not None:
                tail.append("VISIBLE" if prop.args["visible"] else "INVISIBLE")
        elif isinstance(prop, (exp.AlgorithmProperty, exp.LockProperty)):
            word = "ALGORITHM" if isinstance(prop, exp.AlgorithmProperty) else "LOCK"
            tail.append(f"{word} = {prop.this.name.upper()}")
        else:
            raise UnsupportedConstructError(type(prop).__name__, "in CREATE INDEX")
    create.set("properties", None)
    if tail:
        # IndexParameters prints `where` right after the column list, with no keyword of its own
        params.set("where", exp.var(" " + " ".join(tail)))


def _into(into: exp.Expr) -> None:
    raise UnsupportedConstructError("SELECT ... INTO @variable", "the MySQL printer cannot print it back")


FIX_UPS: dict[type[exp.Expr], FixUp] = {
    exp.Cast: _typed_literal,
    exp.Table: _dual,
    exp.DataType: _national,
    exp.Select: _share_locks,
    exp.HexString: _hex_number,
    exp.Values: _values,
    exp.Into: _into,
    exp.Identifier: _odd_name,
    exp.Create: _index_options,
}
"""Node type (exact) -> its fix-up."""


_NEEDED: dict[type[exp.Expr], Callable[[exp.Expr], bool]] = {
    exp.Cast: lambda node: bool(node._meta) and TYPED_LITERAL in node.meta,
    exp.Table: lambda node: node.name.upper() == "DUAL",
    exp.DataType: lambda node: node.this in _NATIONAL,
    exp.Select: lambda node: bool(node.args.get("locks")),
    exp.HexString: lambda node: bool(node._meta) and HEX_NUMBER in node.meta,
    # `_values` changes only VALUES whose rows are all ROW(...): a plain INSERT ... VALUES has nothing.
    exp.Values: lambda node: bool(node.expressions) and all(_row_call(row) is not None for row in node.expressions),
    exp.Into: lambda node: True,
    exp.Identifier: _unquoted_odd_name,
    exp.Insert: lambda node: str(node.args.get("alternative") or "").upper() == "REPLACE",
    exp.Create: lambda node: isinstance(node.this, exp.Index) and (
        node.args.get("properties") is not None or (isinstance(node.this.args.get("params"), exp.IndexParameters)
        and node.this.args["params"].args.get("using") is not None)),
}
"""A cheap test per node type: could its fix-up change anything? (see `FixUps.applies`)."""


WATCHED = frozenset(_NEEDED) - {exp.Identifier}
"""The node types whose `_NEEDED` test reads more than the node's name (the front end collects
them on its walk: `as_is`)."""


def as_is(watched: list[exp.Expr], identifiers: list[exp.Identifier]) -> bool:
    """Whether `FixUps` leaves a tree as it is, given all of its nodes of a `WATCHED` type and all
    of its names (the front end's walk, `TreeFacts.native_as_is`): `FixUps.applies` without a walk."""
    get = _NEEDED.get
    identifier_needs = _NEEDED[exp.Identifier]
    for node in watched:
        needed = get(type(node))
        if needed is not None and needed(node):
            return False
    return not any(identifier_needs(node) for node in identifiers)


class FixUps:
    """The native normalizer: `FIX_UPS` applied in one walk over the printer's copy of the tree."""

    def applies(self, tree: exp.Expression) -> bool:
        """Whether there is anything to fix: the native printer copies the tree only then.

        Asked on every render, so the walk is lean and inlined: breadth-first over a list that is
        its own queue; each node's test found by its exact type in `_NEEDED` (no closure per
        node); a child name tested where it is met and never queued, a child literal skipped
        (their arguments are text and flags, never nodes: `sqlparser.ir.any_node` skips the same).
        The order does not matter: the tests only read the tree, and any True answers True."""
        test_of = _NEEDED.get
        odd_name = _unquoted_odd_name
        identifier, literal, expression = exp.Identifier, exp.Literal, exp.Expr
        queue: list[exp.Expr] = [tree]
        push = queue.append
        i = 0
        while i < len(queue):
            node = queue[i]
            i += 1
            test = test_of(type(node))
            if test is not None and test(node):
                return True
            for value in node.args.values():
                if value is None:  # half of all arguments: skipped before any type test
                    continue
                kind = type(value)
                if kind is list:
                    for item in value:
                        kind = type(item)
                        if kind is identifier:
                            if odd_name(item):
                                return True
                        elif kind is not literal and isinstance(item, expression):
                            push(item)
                elif kind is identifier:
                    if odd_name(value):
                        return True
                elif kind is not literal and isinstance(value, expression):
                    push(value)
        return False

    def __call__(self, tree: exp.Expression, options: dict[str, Any]) -> exp.Expression:
        get = FIX_UPS.get
        for node in list(tree.walk()):
            fix_up = get(type(node))
            if fix_up is None:
                continue
            replacement = fix_up(node)
            if replacement is not None:
                if node is tree:
                    tree = replacement
                else:
                    node.replace(replacement)
        return replace_statement(tree)


NATIVE_NORMALIZERS = (FixUps(),)
