"""Compat printers for ALTER TABLE, in TiDB's `AlterTableStmt.Restore` format."""

from __future__ import annotations

from sqlglot import exp

from formatter.compat.base import Restorer, check_args, printer
from formatter.compat.common import order_by, table_name
from formatter.compat.ddl import column_def, database_name, default_value, table_constraint, table_option
from sqlparser.errors import UnsupportedConstructError

CLAUSE = "mysql_clause"
"""Meta key the MySQL front end puts on each ALTER TABLE action and option: its clause's index."""

RENAME_TABLE = "mysql_rename_table"
"""Meta key on an Alter read from `RENAME TABLE a TO b`."""

ADD_GROUP = "mysql_add_group"
"""Meta key on the elements of one `ADD COLUMN (...)` clause (the formatter imports no dialect)."""


def _position(r: Restorer, node: exp.ColumnDef) -> str:
    position = node.args.get("position")
    if position is None:
        return ""
    check_args(position, ("this", "position"))
    where = str(position.args.get("position") or "").upper()
    if where == "FIRST":
        return r.kw(" FIRST")
    if where == "AFTER" and position.this is not None:
        return r.kw(" AFTER ") + r.node(position.this)
    raise UnsupportedConstructError(f"column position {where}")


def _column_name(r: Restorer, node: exp.Expression) -> str:
    if isinstance(node, exp.Column) and not node.table:
        return r.node(node.this)
    return r.node(node)


def _alter_spec(r: Restorer, spec: exp.Expression) -> str:
    if isinstance(spec, exp.ColumnDef):
        check_args(spec, ("this", "kind", "constraints", "position", "exists"))
        exists = r.kw("IF NOT EXISTS ") if spec.args.get("exists") else ""
        bare = spec.copy()
        bare.set("position", None)
        bare.set("exists", None)
        return r.kw("ADD COLUMN ") + exists + column_def(r, bare) + _position(r, spec)
    if isinstance(spec, exp.ModifyColumn):
        check_args(spec, ("this", "rename_from"))
        column = spec.this
        if not isinstance(column, exp.ColumnDef):
            raise UnsupportedConstructError("MODIFY COLUMN form")
        check_args(column, ("this", "kind", "constraints", "position"))
        bare = column.copy()
        bare.set("position", None)
        old = spec.args.get("rename_from")
        head = r.kw("CHANGE COLUMN ") + r.node(old) + " " if old is not None else r.kw("MODIFY COLUMN ")
        return head + column_def(r, bare) + _position(r, column)
    if isinstance(spec, exp.Drop):
        check_args(spec, ("tables", "kind", "exists", "temporary", "cascade", "restrict"))
        kind = str(spec.args.get("kind") or "").upper()
        names = list(spec.args.get("tables") or [])
        if kind == "CONSTRAINT":
            kind = "CHECK"  # MySQL's DROP CONSTRAINT drops a check here; TiDB prints DROP CHECK
        if kind not in ("COLUMN", "INDEX", "KEY", "FOREIGN KEY", "CHECK") or len(names) != 1:
            raise UnsupportedConstructError(f"ALTER TABLE DROP {kind}")
        exists = r.kw("IF EXISTS ") if spec.args.get("exists") else ""
        name = names[0]
        shown = r.node(name.this) if isinstance(name, (exp.Table, exp.Column)) else r.node(name)
        word = "INDEX" if kind == "KEY" else kind
        return r.kw("DROP " + word + " ") + exists + shown
    if isinstance(spec, exp.DropPrimaryKey):
        check_args(spec, ())
        return r.kw("DROP PRIMARY KEY")
    if isinstance(spec, exp.RenameColumn):
        check_args(spec, ("this", "to", "exists"))
        if spec.args.get("exists"):
            raise UnsupportedConstructError("RENAME COLUMN IF EXISTS")
        return r.kw("RENAME COLUMN ") + _column_name(r, spec.this) + r.kw(" TO ") + _column_name(r, spec.args["to"])
    if isinstance(spec, exp.RenameIndex):
        check_args(spec, ("this", "to"))
        return r.kw("RENAME INDEX ") + r.node(spec.this) + r.kw(" TO ") + r.node(spec.args["to"])
    if isinstance(spec, exp.AlterRename):
        check_args(spec, ("this",))
        if not isinstance(spec.this, exp.Table):
            raise UnsupportedConstructError("RENAME form")
        return r.kw("RENAME AS ") + table_name(r, spec.this)
    if isinstance(spec, exp.AddConstraint):
        check_args(spec, ("expressions",))
        if len(spec.expressions) != 1:
            raise UnsupportedConstructError("ADD of several constraints")
        return r.kw("ADD ") + table_constraint(r, spec.expressions[0])
    if isinstance(spec, exp.AlterColumn):
        check_args(spec, ("this", "default", "drop"))
        head = r.kw("ALTER COLUMN ") + r.node(spec.this)
        if spec.args.get("drop"):
            return head + r.kw(" DROP DEFAULT")
        default = spec.args.get("default")
        if default is not None:
            if isinstance(default, exp.Paren) and isinstance(default.this, exp.Literal):
                default = default.this  # TiDB keeps a literal default without its parentheses
            return head + r.kw(" SET DEFAULT ") + default_value(r, default)
        raise UnsupportedConstructError("ALTER COLUMN form")
    if isinstance(spec, exp.AlterIndex):
        check_args(spec, ("this", "visible"))
        return r.kw("ALTER INDEX ") + r.node(spec.this) + r.kw(" VISIBLE" if spec.args.get("visible") else " INVISIBLE")
    if isinstance(spec, exp.ForceProperty):
        return r.kw("FORCE")
    raise UnsupportedConstructError(type(spec).__name__, "in ALTER TABLE")


def _add_group(r: Restorer, specs: list[exp.Expression]) -> str:
    """`ADD COLUMN [IF NOT EXISTS] (a INT, PRIMARY KEY (a))`, written as one clause."""
    exists = any(isinstance(s, exp.ColumnDef) and s.args.get("exists") for s in specs)
    parts = []
    for spec in specs:
        if isinstance(spec, exp.ColumnDef):
            check_args(spec, ("this", "kind", "constraints", "exists"))
            bare = spec.copy()
            bare.set("exists", None)
            parts.append(column_def(r, bare))
        elif isinstance(spec, exp.AddConstraint) and len(spec.expressions) == 1:
            parts.append(table_constraint(r, spec.expressions[0]))
        else:
            raise UnsupportedConstructError(type(spec).__name__, "in ADD COLUMN (...)")
    return r.kw("ADD COLUMN ") + (r.kw("IF NOT EXISTS ") if exists else "") + "(" + ", ".join(parts) + ")"


_CONVERT = "CONVERT TO CHARACTER SET"
_CONVERT_COLLATE = "CONVERT TO COLLATE"


def _alter_option(r: Restorer, option: exp.Expression) -> str:
    if type(option) is exp.Property and option.name.upper() == _CONVERT:
        # TiDB writes the charset of CONVERT TO in upper case (DEFAULT included)
        return r.kw(_CONVERT + " ") + r.kw(option.args["value"].name.upper())
    if type(option) is exp.Property and option.name.upper() == _CONVERT_COLLATE:
        return r.kw("COLLATE ") + r.kw(option.args["value"].name.upper())
    if isinstance(option, (exp.LockProperty, exp.AlgorithmProperty)):
        check_args(option, ("this",))
        word = "LOCK" if isinstance(option, exp.LockProperty) else "ALGORITHM"
        return r.kw(word) + " = " + r.kw(option.this.name.upper())
    if isinstance(option, exp.Order):
        return order_by(r, option)
    return table_option(r, option)


@printer(exp.Alter)
def _alter(r: Restorer, node: exp.Alter) -> str:
    check_args(node, ("this", "kind", "exists", "actions", "options"))
    if str(node.args.get("kind") or "").upper() == "DATABASE" and not node.args.get("actions"):
        return _alter_database(r, node)
    if str(node.args.get("kind") or "").upper() != "TABLE" or node.args.get("exists"):
        raise UnsupportedConstructError(f"ALTER {node.args.get('kind')}")
    if not isinstance(node.this, exp.Table):
        raise UnsupportedConstructError("ALTER TABLE target")
    actions = list(node.args.get("actions") or [])
    if node._meta and node.meta.get(RENAME_TABLE) and len(actions) == 1 and isinstance(actions[0], exp.AlterRename):
        return r.kw("RENAME TABLE ") + table_name(r, node.this) + r.kw(" TO ") + table_name(r, actions[0].this)
    # sqlglot keeps table options apart from the changes; the MySQL front end notes each one's
    # clause (`mysql_clause`), so they print in the order written (else options after changes).
    items: list[tuple[int, int, str]] = []  # (clause, 0 action / 1 option, text)
    actions = list(node.args.get("actions") or [])
    i = 0
    while i < len(actions):
        action = actions[i]
        group = action.meta.get(ADD_GROUP) if action._meta else None
        if group is not None:
            members = [a for a in actions[i:] if a._meta and a.meta.get(ADD_GROUP) == group]
            items.append((_clause_of(action, 0), 0, _add_group(r, members)))
            i += len(members)
            continue
        items.append((_clause_of(action, 0), 0, _alter_spec(r, action)))
        i += 1
    for option in node.args.get("options") or []:
        items.append((_clause_of(option, len(actions)), 1, _alter_option(r, option)))
    items.sort(key=lambda item: (item[0], item[1]))
    text = r.kw("ALTER TABLE ") + table_name(r, node.this)
    previous: tuple[int, int, str] | None = None
    for item in items:
        if previous is None:
            text += " " + item[2]
        elif previous[0] == item[0] and (previous[2] == r.kw("FORCE") or item[2].startswith(r.kw("COLLATE "))):
            text += " " + item[2]  # one clause: FORCE AUTO_INCREMENT = 3, CONVERT TO ... COLLATE x
        else:
            text += ", " + item[2]
        previous = item
    if len(items) == 1 and items[0][2] == r.kw("FORCE"):
        text += " /* AlterTableForce is not supported */ "  # what TiDB's Restore writes
    return text


def _alter_database(r: Restorer, node: exp.Alter) -> str:
    text = r.kw("ALTER DATABASE")
    if node.this is not None:
        text += " " + database_name(r, node.this)
    for option in node.args.get("options") or []:
        check_args(option, ("this", "default"))
        if isinstance(option, exp.CharacterSetProperty):
            word = "CHARACTER SET"
        elif isinstance(option, exp.CollateProperty):
            word = "COLLATE"
        else:
            raise UnsupportedConstructError(type(option).__name__, "in ALTER DATABASE")
        # TiDB stores charset and collation names lower-case, written as words
        text += " " + r.kw(word) + " = " + option.this.name.lower()
    return text


def _clause_of(node: exp.Expression, default: int) -> int:
    clause = node.meta.get(CLAUSE) if node._meta else None
    return clause if isinstance(clause, int) else default
