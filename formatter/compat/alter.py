"""Compat printers for ALTER TABLE, in TiDB's `AlterTableStmt.Restore` format."""

from __future__ import annotations

from sqlglot import exp

from formatter.compat.base import Restorer, check_args, printer
from formatter.compat.common import order_by, table_name
from formatter.compat.ddl import column_def, default_value, table_constraint, table_option
from sqlparser.errors import UnsupportedConstructError


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
        if spec.args.get("exists"):
            raise UnsupportedConstructError("ADD COLUMN IF NOT EXISTS")
        bare = spec.copy()
        bare.set("position", None)
        bare.set("exists", None)
        return r.kw("ADD COLUMN ") + column_def(r, bare) + _position(r, spec)
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
        if spec.args.get("default") is not None:
            return head + r.kw(" SET DEFAULT ") + default_value(r, spec.args["default"])
        raise UnsupportedConstructError("ALTER COLUMN form")
    raise UnsupportedConstructError(type(spec).__name__, "in ALTER TABLE")


def _alter_option(r: Restorer, option: exp.Expression) -> str:
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
    if str(node.args.get("kind") or "").upper() != "TABLE" or node.args.get("exists"):
        raise UnsupportedConstructError(f"ALTER {node.args.get('kind')}")
    if not isinstance(node.this, exp.Table):
        raise UnsupportedConstructError("ALTER TABLE target")
    specs = [_alter_spec(r, a) for a in node.args.get("actions") or []]
    # sqlglot keeps table options apart from the changes; they print after them
    specs += [_alter_option(r, o) for o in node.args.get("options") or []]
    if not specs:
        raise UnsupportedConstructError("ALTER TABLE without changes")
    return r.kw("ALTER TABLE ") + table_name(r, node.this) + " " + ", ".join(specs)
