"""MySQL statement IR (the MySQL front end's sqlglot tree) -> the migration's operations (ops.py).

Only the tree is read, never the text: what the front end did not give a node for is refused with
the construct's name. Database qualifiers go through `qualifier` (mapped or dropped by option).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from cozelite.migrate import ops
from cozelite.migrate.model import (
    FK_ACTIONS,
    Check,
    Column,
    Default,
    ForeignKey,
    Index,
    MigrationError,
    MySQLType,
    Table,
)
from cozelite.migrate.typemap import UNSIGNED_NAMES, base_name, rule

# qualifier(db_name, table_name) -> the table name to use, or raises MigrationError
Qualifier = Callable[[str | None, str], str]

_DATA = (exp.Insert, exp.Update, exp.Delete)

# A table that names only its character set gets the set's default collation (MariaDB and MySQL 5.7;
# MySQL 8 defaults utf8mb4 to utf8mb4_0900_ai_ci, equally case-insensitive).
CHARSET_DEFAULT_COLLATION = {"utf8mb4": "utf8mb4_general_ci", "utf8": "utf8_general_ci", "utf8mb3": "utf8_general_ci",
                             "latin1": "latin1_swedish_ci", "ascii": "ascii_general_ci", "binary": "binary"}


def _ident(node: exp.Expression | str | None) -> str:
    if node is None:
        return ""
    if isinstance(node, str):
        return node
    if isinstance(node, (exp.Identifier, exp.Var, exp.Literal)):
        return str(node.this)
    if isinstance(node, (exp.Column, exp.Table)):
        return node.name
    return node.name


def _table_name(table: exp.Expression, qualifier: Qualifier) -> str:
    if not isinstance(table, exp.Table):
        raise MigrationError(f"expected a table name, got {type(table).__name__}")
    return qualifier((table.args.get("db") and table.db) or None, table.name)


def _type(dt: exp.DataType) -> MySQLType:
    raw = dt.this.name if isinstance(dt.this, exp.DataType.Type) else str(dt.this)
    if raw == "USERDEFINED":
        raw = str(dt.args.get("kind") or "")
    unsigned = raw.upper() in UNSIGNED_NAMES
    name = base_name(raw)
    if rule(name) is None:
        raise MigrationError(f"column type {dt.sql('mysql')} has no documented mapping (docs/migrations.md)")
    params: list[int] = []
    values: list[str] = []
    for e in dt.expressions:
        lit = e.this if isinstance(e, exp.DataTypeParam) else e
        if isinstance(lit, exp.Literal) and lit.is_string:
            values.append(str(lit.this))
        elif isinstance(lit, exp.Literal):
            params.append(int(str(lit.this)))
        else:
            raise MigrationError(f"type parameter {e.sql('mysql')} of {dt.sql('mysql')} is not a number or a string")
    return MySQLType(name, tuple(params), tuple(values), unsigned)


def _empty_json(node: exp.Expression) -> str | None:
    """'{}' for JSON_OBJECT() and '[]' for JSON_ARRAY() without arguments (MySQL's text of those
    values), else None."""
    if isinstance(node, exp.JSONObject) and not node.expressions:
        return "{}"
    if isinstance(node, exp.JSONArray) and not node.expressions:
        return "[]"
    if isinstance(node, exp.Anonymous) and not node.expressions:
        return {"JSON_OBJECT": "{}", "JSON_ARRAY": "[]"}.get(node.name.upper())
    return None


def _default(node: exp.Expression) -> Default:
    if isinstance(node, exp.Null):
        return Default("null")
    if isinstance(node, exp.Literal):
        return Default("string" if node.is_string else "number", str(node.this))
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and not node.this.is_string:
        return Default("number", "-" + str(node.this.this))
    if isinstance(node, exp.Boolean):
        return Default("number", "1" if node.this else "0")
    if isinstance(node, (exp.CurrentTimestamp, exp.CurrentDatetime)) or (
            isinstance(node, exp.Anonymous) and node.name.upper() in ("NOW", "CURRENT_TIMESTAMP", "LOCALTIMESTAMP")):
        fsp = node.this if isinstance(node, exp.CurrentTimestamp) else None
        return Default("now", str(fsp.this) if isinstance(fsp, exp.Literal) else "")
    if isinstance(node, exp.Paren):
        empty = _empty_json(node.this)
        if empty is not None:  # DEFAULT (JSON_OBJECT()) / (JSON_ARRAY()): a constant, common in MySQL 8 dumps
            return Default("json", empty)
        return Default("expr", node.this.sql("mysql"))
    raise MigrationError(f"DEFAULT {node.sql('mysql')}: only literals, NULL and CURRENT_TIMESTAMP are translated")


def expr_text(node: exp.Expression) -> str:
    """An expression (CHECK, generated column) as MySQL text with every name quoted: what the model and
    the notes keep; each target translates it with the compiler's translate()."""
    tree = node.copy()
    for col in tree.find_all(exp.Column):
        if col.args.get("table") is not None:
            col.set("table", None)  # `t`.`c` inside a table's own CHECK is the column
    for ident_node in tree.find_all(exp.Identifier):
        ident_node.set("quoted", True)
    return tree.sql("mysql")


def reference(node: exp.Reference, qualifier: Qualifier) -> tuple[str, list[str], str, str]:
    """REFERENCES t (cols) [ON DELETE a] [ON UPDATE a] -> (table, columns, on_delete, on_update)."""
    schema = node.this
    if not isinstance(schema, exp.Schema) or not schema.expressions:
        raise MigrationError(f"REFERENCES without columns ({node.sql('mysql')}): name the referenced columns")
    table = _table_name(schema.this, qualifier)
    cols = [_ident(e) for e in schema.expressions]
    actions = {"DELETE": "RESTRICT", "UPDATE": "RESTRICT"}
    for opt in node.args.get("options") or []:
        text = " ".join(str(opt).upper().split())
        for event in ("DELETE", "UPDATE"):
            prefix = f"ON {event} "
            if text.startswith(prefix):
                act = text[len(prefix):]
                if act not in FK_ACTIONS:
                    raise MigrationError(f"FOREIGN KEY ... ON {event} {act} is not translated (InnoDB refuses SET "
                                         "DEFAULT; the targets know RESTRICT, CASCADE, SET NULL, NO ACTION)")
                actions[event] = act
                break
        else:
            if text.startswith("MATCH"):
                continue  # InnoDB parses MATCH and ignores it
            raise MigrationError(f"REFERENCES option {text} is not translated")
    return table, cols, actions["DELETE"], actions["UPDATE"]


def column(cd: exp.ColumnDef, table_collation: str | None, default_collation: str | None,
           refs: list[exp.Reference] | None = None) -> tuple[Column, list[str]]:
    """A column definition and its inline keys ("primary" / "unique"); an inline REFERENCES goes to
    `refs` (MariaDB makes it a foreign key; MySQL 8 ignored it before 8.0.?: MariaDB is the truth)."""
    kind = cd.args.get("kind")
    if not isinstance(kind, exp.DataType):
        raise MigrationError(f"column {cd.name!r} has no type")
    keys: list[str] = []
    serial = kind.this == exp.DataType.Type.SERIAL
    if serial:  # MySQL: BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE
        kind = exp.DataType(this=exp.DataType.Type.UBIGINT)
        keys.append("unique")
    col = Column(name=cd.name, type=_type(kind))
    if keys:
        col.nullable, col.auto_increment = False, True
    explicit_collation: str | None = None
    for c in cd.args.get("constraints") or []:
        k = c.args.get("kind") if isinstance(c, exp.ColumnConstraint) else c
        if isinstance(k, exp.NotNullColumnConstraint):
            col.nullable = bool(k.args.get("allow_null"))
        elif isinstance(k, exp.DefaultColumnConstraint):
            col.default = _default(k.this)
        elif isinstance(k, exp.AutoIncrementColumnConstraint):
            col.auto_increment = True
        elif isinstance(k, exp.OnUpdateColumnConstraint):
            d = _default(k.this)
            if d.kind != "now":
                raise MigrationError(f"column {col.name!r}: ON UPDATE {k.this.sql('mysql')} (only CURRENT_TIMESTAMP)")
            col.on_update_now = True
        elif isinstance(k, exp.CommentColumnConstraint):
            col.comment = _ident(k.this)
        elif isinstance(k, exp.CollateColumnConstraint):
            explicit_collation = _ident(k.this).lower()
        elif isinstance(k, exp.PrimaryKeyColumnConstraint):
            keys.append("primary")
            col.nullable = False
        elif isinstance(k, exp.UniqueColumnConstraint):
            keys.append("unique")
        elif isinstance(k, (exp.CharacterSetColumnConstraint, exp.ZeroFillColumnConstraint)):
            pass  # utf8mb4 everywhere: targets store Unicode text; ZEROFILL is display width only
        elif isinstance(k, exp.Reference):
            keys.append("references")
            if refs is not None:
                refs.append(k)
        elif isinstance(k, exp.ComputedColumnConstraint):
            col.generated = expr_text(k.this)
            col.stored = bool(k.args.get("persisted"))
        elif isinstance(k, exp.GeneratedAsIdentityColumnConstraint) and k.args.get("expression") is not None:
            col.generated = expr_text(k.args["expression"])  # AS (expr) without a kind: VIRTUAL, MySQL's default
            col.stored = False
        elif isinstance(k, exp.CheckColumnConstraint):
            if col.check is not None:
                raise MigrationError(f"column {col.name!r}: more than one CHECK on a column is not translated "
                                     "(write one condition with AND)")
            col.check = expr_text(k.this)
        elif isinstance(k, exp.BinaryColumnConstraint):  # BINARY attribute: the charset's _bin collation
            explicit_collation = "utf8mb4_bin"
        else:
            raise MigrationError(f"column {col.name!r}: {type(k).__name__} ({c.sql('mysql')}) is not translated")
    if rule(col.type.name) and rule(col.type.name).family == "string" and col.type.name != "JSON":  # type: ignore[union-attr]
        col.collation = explicit_collation or table_collation or default_collation
    if col.default is not None and col.default.kind == "null":
        col.default = None
    if serial and "primary" in keys:  # SERIAL PRIMARY KEY: the key is the primary key alone
        keys.remove("unique")
    return col, keys


def _index_columns(nodes: list[exp.Expression]) -> list[str]:
    out = []
    for n in nodes:
        if isinstance(n, exp.Ordered):
            n = n.this
        if isinstance(n, exp.ColumnPrefix):  # a(10): a prefix length; the targets index the whole value
            n = n.this
        elif isinstance(n, exp.Anonymous):
            n = exp.column(n.name)
        out.append(_ident(n))
    return out


def _key(node: exp.Expression, qualifier: Qualifier) -> ops.Action:
    """A key definition in CREATE TABLE or ALTER TABLE ADD -> the action that adds it."""
    name = ""
    if isinstance(node, exp.Constraint):
        name = node.name
        inner = node.expressions
        if len(inner) != 1:
            raise MigrationError(f"constraint {node.sql('mysql')} is not translated")
        node = inner[0]
    if isinstance(node, exp.PrimaryKey):
        return ops.AddPrimaryKey(_index_columns(node.expressions))
    if isinstance(node, exp.UniqueColumnConstraint):
        schema = node.this
        if not isinstance(schema, exp.Schema):
            raise MigrationError(f"UNIQUE without columns: {node.sql('mysql')}")
        return ops.AddIndex(Index(_ident(schema.this) or name, True, _index_columns(schema.expressions)))
    if isinstance(node, exp.IndexColumnConstraint):
        kind = str(node.args.get("kind") or "").upper()
        return ops.AddIndex(Index(_ident(node.this) or name, kind == "UNIQUE", _index_columns(node.expressions),
                                  fulltext=kind in ("FULLTEXT", "SPATIAL")))
    if isinstance(node, exp.ForeignKey):
        ref = node.args.get("reference")
        if not isinstance(ref, exp.Reference):
            raise MigrationError(f"FOREIGN KEY without REFERENCES: {node.sql('mysql')}")
        table, cols, on_delete, on_update = reference(ref, qualifier)
        index_name = _ident(node.this) if node.this is not None else ""
        # MariaDB: an index name without CONSTRAINT names the constraint too
        fk = ForeignKey(name or index_name, [_ident(e) for e in node.expressions], table, cols, on_delete, on_update)
        return ops.AddForeignKey(fk, name or index_name)
    if isinstance(node, exp.CheckColumnConstraint):
        return ops.AddCheck(Check(name, expr_text(node.this)))
    raise MigrationError(f"key definition {type(node).__name__} ({node.sql('mysql')}) is not translated")


def create_table(tree: exp.Create, qualifier: Qualifier, default_collation: str | None) -> ops.Op:
    schema = tree.this
    if not isinstance(schema, exp.Schema):
        if tree.args.get("expression") is not None:
            raise MigrationError("CREATE TABLE ... AS SELECT / LIKE is not translated")
        raise MigrationError("CREATE TABLE without columns")
    name = _table_name(schema.this, qualifier)
    table = Table(name=name)
    props = tree.args.get("properties")
    for p in props.expressions if props else []:
        if isinstance(p, exp.CharacterSetProperty) and table.collation is None:
            # CHARSET without COLLATE: the character set's default collation (MySQL 5.7 / MariaDB)
            table.collation = CHARSET_DEFAULT_COLLATION.get(_ident(p.this).lower())
        elif isinstance(p, exp.CollateProperty):
            table.collation = _ident(p.this).lower()
        elif isinstance(p, exp.SchemaCommentProperty):
            table.comment = _ident(p.this)
        elif isinstance(p, exp.AutoIncrementProperty):
            table.auto_increment_start = int(str(p.this.this))
    extra: list[ops.Action] = []
    later: list[ops.Action] = []  # foreign keys after every key: a key made in the same statement serves them
    for item in schema.expressions:
        if isinstance(item, exp.ColumnDef):
            refs: list[exp.Reference] = []
            col, keys = column(item, table.collation, default_collation, refs)
            table.columns.append(col)
            if "primary" in keys:
                extra.append(ops.AddPrimaryKey([col.name]))
            if "unique" in keys:
                extra.append(ops.AddIndex(Index("", True, [col.name])))
            later += [_inline_fk(col.name, r, qualifier) for r in refs]
        else:
            action = _key(item, qualifier)
            (later if isinstance(action, ops.AddForeignKey) else extra).append(action)
    extra += later
    return ops.CreateTable(table, bool(tree.args.get("exists")), extra)


def _inline_fk(column_name: str, ref: exp.Reference, qualifier: Qualifier) -> ops.AddForeignKey:
    table, cols, on_delete, on_update = reference(ref, qualifier)
    return ops.AddForeignKey(ForeignKey("", [column_name], table, cols, on_delete, on_update))


def _position(cd: exp.ColumnDef) -> str | None:
    pos = cd.args.get("position")
    if pos is None:
        return None
    if str(pos.args.get("position", "")).upper() == "FIRST":
        return ""
    return _ident(pos.this)


def alter_table(tree: exp.Alter, qualifier: Qualifier, default_collation: str | None,
                table_collation: Callable[[str], str | None]) -> ops.Op:
    if str(tree.args.get("kind", "")).upper() != "TABLE":
        raise MigrationError(f"ALTER {tree.args.get('kind')} is not translated")
    name = _table_name(tree.this, qualifier)
    tcoll = table_collation(name)
    options = tree.args.get("options") or []
    # a new default collation in the same statement already applies to the columns it adds (MySQL)
    for o in options:
        if isinstance(o, exp.CollateProperty):
            tcoll = _ident(o.this).lower()
            break
    else:
        charset = next((o for o in options if isinstance(o, exp.CharacterSetProperty)), None)
        if charset is not None:
            tcoll = CHARSET_DEFAULT_COLLATION.get(_ident(charset.this).lower())
    actions: list[ops.Action] = []
    for a in tree.args.get("actions") or []:
        if isinstance(a, exp.ColumnDef):
            refs: list[exp.Reference] = []
            col, keys = column(a, tcoll, default_collation, refs)
            actions.append(ops.AddColumn(col, _position(a)))
            if "primary" in keys:
                actions.append(ops.AddPrimaryKey([col.name]))
            if "unique" in keys:
                actions.append(ops.AddIndex(Index("", True, [col.name])))
            actions += [_inline_fk(col.name, r, qualifier) for r in refs]
        elif isinstance(a, exp.ModifyColumn):
            cd = a.this
            col, keys = column(cd, tcoll, default_collation)
            old = _ident(a.args.get("rename_from")) or col.name
            actions.append(ops.ModifyColumn(old, col, _position(cd)))
            if keys:
                raise MigrationError(f"MODIFY/CHANGE COLUMN {col.name!r} with an inline key or REFERENCES: add "
                                     "the key separately")
        elif isinstance(a, exp.Drop):
            kind = str(a.args.get("kind", "")).upper()
            for target in a.args.get("tables") or [a.this]:
                if kind == "COLUMN":
                    actions.append(ops.DropColumn(_ident(target)))
                elif kind in ("INDEX", "KEY"):
                    actions.append(ops.DropIndex(_ident(target)))
                elif kind == "FOREIGN KEY":
                    actions.append(ops.DropForeignKey(_ident(target)))
                elif kind == "CHECK":
                    actions.append(ops.DropCheck(_ident(target)))
                elif kind == "CONSTRAINT":
                    actions.append(ops.DropConstraint(_ident(target)))
                else:
                    raise MigrationError(f"ALTER TABLE ... DROP {kind} is not translated")
        elif isinstance(a, exp.DropPrimaryKey):
            actions.append(ops.DropPrimaryKey())
        elif isinstance(a, exp.AddConstraint):
            for e in a.expressions:
                actions.append(_key(e, qualifier))
        elif isinstance(a, exp.RenameColumn):
            actions.append(ops.RenameColumn(_ident(a.this), _ident(a.args.get("to"))))
        elif isinstance(a, exp.RenameIndex):
            actions.append(ops.RenameIndex(_ident(a.this), _ident(a.args.get("to"))))
        elif isinstance(a, exp.AlterRename):
            actions.append(ops.Rename(_table_name(a.this, qualifier)))
        elif isinstance(a, exp.AlterIndex):
            actions.append(ops.Ignored(f"index visibility {a.sql('mysql')} (targets have no invisible indexes)"))
        elif isinstance(a, exp.AlterColumn):
            if a.args.get("drop") and a.args.get("allow_null") is None:
                actions.append(ops.SetDefault(_ident(a.this), None))
            elif a.args.get("default") is not None:
                actions.append(ops.SetDefault(_ident(a.this), _default(a.args["default"])))
            else:
                raise MigrationError(f"ALTER COLUMN {a.sql('mysql')} is not translated")
        elif isinstance(a, exp.AlterSet) or isinstance(a, exp.Properties):
            for p in a.expressions if isinstance(a, exp.Properties) else a.args.get("expressions") or []:
                if isinstance(p, exp.SchemaCommentProperty):
                    actions.append(ops.TableComment(_ident(p.this)))
                else:
                    actions.append(ops.Ignored(f"table option {p.sql('mysql')}"))
        elif isinstance(a, (exp.SchemaCommentProperty,)):
            actions.append(ops.TableComment(_ident(a.this)))
        elif isinstance(a, exp.Property):
            actions.append(ops.Ignored(f"table option {a.sql('mysql')}"))
        else:
            raise MigrationError(f"ALTER TABLE action {type(a).__name__} ({a.sql('mysql')}) is not translated")
    collate = next((o for o in options if isinstance(o, exp.CollateProperty)), None)
    for o in options:
        if isinstance(o, exp.SchemaCommentProperty):
            actions.append(ops.TableComment(_ident(o.this)))
        elif isinstance(o, exp.AutoIncrementProperty):
            actions.append(ops.AutoIncrement(int(str(o.this.this))))
        elif isinstance(o, exp.CollateProperty):
            # the default of columns added later; existing columns keep theirs (as in MySQL)
            actions.append(ops.TableCollation(_ident(o.this).lower()))
        elif isinstance(o, exp.CharacterSetProperty) and collate is None:
            actions.append(ops.TableCollation(CHARSET_DEFAULT_COLLATION.get(_ident(o.this).lower())))
        else:
            actions.append(ops.Ignored(f"ALTER option {o.sql('mysql')}"))
    return ops.AlterTable(name, actions)


def read(tree: exp.Expression | None, qualifier: Qualifier, default_collation: str | None,
         table_collation: Callable[[str], str | None]) -> ops.Op:
    """One statement's tree -> its operation."""
    if tree is None:
        raise MigrationError("the MySQL front end gave no tree for this statement")
    if isinstance(tree, exp.Create):
        kind = str(tree.args.get("kind", "")).upper()
        if kind == "TABLE":
            return create_table(tree, qualifier, default_collation)
        if kind == "INDEX":
            idx = tree.this
            table = _table_name(idx.args["table"], qualifier)
            params = idx.args.get("params")
            cols = _index_columns(params.args.get("columns") or []) if params else []
            unique = bool(tree.args.get("unique"))
            kind_prop = str(idx.args.get("kind") or "").upper()
            return ops.AlterTable(table, [ops.AddIndex(Index(idx.name, unique, cols,
                                                             fulltext=kind_prop in ("FULLTEXT", "SPATIAL")))])
        if kind in ("DATABASE", "SCHEMA"):
            return ops.Skip("CREATE DATABASE: the target database is the one the URI names")
        raise MigrationError(f"CREATE {kind} is not translated")
    if isinstance(tree, exp.Drop):
        kind = str(tree.args.get("kind", "")).upper()
        names = tree.args.get("tables") or [tree.this]
        if kind == "TABLE":
            return ops.DropTable([_table_name(t, qualifier) for t in names], bool(tree.args.get("exists")))
        if kind == "INDEX":
            on = tree.args.get("cluster")
            if not isinstance(on, exp.OnProperty):
                raise MigrationError("DROP INDEX needs ON <table> in MySQL")
            return ops.AlterTable(_table_name(on.this, qualifier), [ops.DropIndex(_ident(names[0]))])
        if kind in ("DATABASE", "SCHEMA"):
            return ops.Skip("DROP DATABASE is not applied by migrations")
        raise MigrationError(f"DROP {kind} is not translated")
    if isinstance(tree, exp.Alter):
        return alter_table(tree, qualifier, default_collation, table_collation)
    if isinstance(tree, exp.TruncateTable):
        return ops.Truncate([_table_name(t, qualifier) for t in tree.expressions])
    if isinstance(tree, _DATA):
        for t in tree.find_all(exp.Table):
            if t.args.get("db"):
                mapped = qualifier(t.db, t.name)
                t.set("db", None)
                t.set("this", exp.to_identifier(mapped))
        return ops.Data(tree)
    if isinstance(tree, exp.Set):
        checks = _foreign_key_checks(tree)
        if checks is not None:
            return checks
    if isinstance(tree, (exp.Set, exp.Use)):
        return ops.Skip(f"{tree.key.upper()}: session settings do not carry over to the target")
    if isinstance(tree, exp.Command) or tree.key == "command":
        raise MigrationError("the MySQL front end gave this statement no structure (Command): not translated")
    raise MigrationError(f"{type(tree).__name__} statements are not translated in migrations")


def _foreign_key_checks(tree: exp.Set) -> ops.ForeignKeyChecks | None:
    """SET [SESSION] FOREIGN_KEY_CHECKS = 0 | 1 | ON | OFF | @saved (also @@session.foreign_key_checks and
    mysqldump's `SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0`): the session's
    last assignment. Restoring a saved @variable turns checks on: a dump saves them while they are on.
    SET GLOBAL changes other sessions only (None: skipped)."""
    found: ops.ForeignKeyChecks | None = None
    for item in tree.expressions:
        eq = item.this if isinstance(item, exp.SetItem) else None
        if not isinstance(eq, exp.EQ) or str(item.args.get("kind") or "").upper() == "GLOBAL":
            continue
        target = eq.this
        if isinstance(target, exp.Parameter):  # @user_variable: not the setting
            continue
        if isinstance(target, exp.SessionParameter) and str(target.args.get("kind") or "session").lower() != "session":
            continue
        if _ident(target.this if isinstance(target, (exp.Column, exp.SessionParameter)) else target).lower() \
                != "foreign_key_checks":
            continue
        value = eq.expression
        text = value.name.upper() if isinstance(value, (exp.Literal, exp.Var, exp.Identifier, exp.Column)) else ""
        if isinstance(value, exp.Boolean):
            text = "ON" if value.this else "OFF"
        if text in ("0", "OFF", "FALSE"):
            found = ops.ForeignKeyChecks(False)
        elif text in ("1", "ON", "TRUE", "DEFAULT") or isinstance(value, (exp.Parameter, exp.SessionParameter)):
            found = ops.ForeignKeyChecks(True)
        else:
            raise MigrationError(f"SET FOREIGN_KEY_CHECKS = {value.sql()}: write 0 / OFF or 1 / ON "
                                 "(or restore a saved @variable)")
    return found
