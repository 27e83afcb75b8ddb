"""Compat printers for CREATE TABLE (columns, column options, keys, table options), CREATE
DATABASE / VIEW / INDEX, DROP and TRUNCATE, in TiDB's `CreateTableStmt.Restore` format (ALTER
TABLE, which reuses the column and key printers, is in `alter`).

TiDB normalizes types as it parses them (INTEGER is INT, BOOL is TINYINT(1), REAL is DOUBLE) and
writes table options as ``NAME = value``; the tables below follow what TiDB prints. Anything
outside them (partitioning, spatial types, storage options TiDB itself ignores) is refused with
`UnsupportedConstructError` rather than printed approximately.
"""

from __future__ import annotations

import re

from sqlglot import exp

from formatter.compat.base import Restorer, check_args, printer
from formatter.compat.common import number, table_name
from sqlparser.errors import UnsupportedConstructError

T = exp.DataType.Type

# sqlglot type -> (TiDB name, unsigned)
_TYPES: dict[exp.DType, tuple[str, bool]] = {
    T.TINYINT: ("TINYINT", False), T.UTINYINT: ("TINYINT", True),
    T.SMALLINT: ("SMALLINT", False), T.USMALLINT: ("SMALLINT", True),
    T.MEDIUMINT: ("MEDIUMINT", False), T.UMEDIUMINT: ("MEDIUMINT", True),
    T.INT: ("INT", False), T.UINT: ("INT", True),
    T.BIGINT: ("BIGINT", False), T.UBIGINT: ("BIGINT", True),
    T.DECIMAL: ("DECIMAL", False), T.UDECIMAL: ("DECIMAL", True),
    T.FLOAT: ("FLOAT", False),
    T.DOUBLE: ("DOUBLE", False), T.UDOUBLE: ("DOUBLE", True),
    T.BIT: ("BIT", False),
    T.CHAR: ("CHAR", False), T.NCHAR: ("CHAR", False),
    T.VARCHAR: ("VARCHAR", False), T.NVARCHAR: ("VARCHAR", False),
    T.BINARY: ("BINARY", False), T.VARBINARY: ("VARBINARY", False),
    T.TINYTEXT: ("TINYTEXT", False), T.TEXT: ("TEXT", False),
    T.MEDIUMTEXT: ("MEDIUMTEXT", False), T.LONGTEXT: ("LONGTEXT", False),
    T.TINYBLOB: ("TINYBLOB", False), T.BLOB: ("BLOB", False),
    T.MEDIUMBLOB: ("MEDIUMBLOB", False), T.LONGBLOB: ("LONGBLOB", False),
    T.DATE: ("DATE", False), T.DATETIME: ("DATETIME", False), T.TIME: ("TIME", False),
    T.TIMESTAMP: ("TIMESTAMP", False), T.TIMESTAMPTZ: ("TIMESTAMP", False),
    T.TIMESTAMPLTZ: ("TIMESTAMP", False), T.YEAR: ("YEAR", False), T.JSON: ("JSON", False),
    T.ENUM: ("ENUM", False), T.SET: ("SET", False),
}


def column_type(r: Restorer, dtype: exp.Expression) -> str:
    if not isinstance(dtype, exp.DataType):
        raise UnsupportedConstructError("column type " + type(dtype).__name__)
    check_args(dtype, ("this", "expressions", "nested"))
    if dtype.this == T.BOOLEAN:
        return r.kw("TINYINT") + "(1)"
    if dtype.this == T.SERIAL and not dtype.expressions:
        # SERIAL is MySQL's alias for this column definition
        return r.kw("BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE KEY")
    entry = _TYPES.get(dtype.this)
    if entry is None:
        raise UnsupportedConstructError(f"column type {dtype.this.name}")
    name, unsigned = entry
    text = r.kw(name)
    if dtype.this in (T.ENUM, T.SET):
        values = []
        for value in dtype.expressions:
            # TiDB stores members as strings without trailing spaces (as MySQL does)
            values.append(r.string(_member_text(value, name).rstrip(" "), introducer=False))
        text += "(" + ",".join(values) + ")"
    elif dtype.expressions:
        params = []
        for param in dtype.expressions:
            value = param.this if isinstance(param, exp.DataTypeParam) else param
            if not (isinstance(value, exp.Literal) and not value.is_string):
                raise UnsupportedConstructError("type parameter " + type(value).__name__)
            params.append(number(value.this))
        text += "(" + ",".join(params) + ")"
    if unsigned:
        text += r.kw(" UNSIGNED")
    return text


def _member_text(value: exp.Expression, name: str) -> str:
    if isinstance(value, exp.Literal) and value.is_string:
        return str(value.this)
    try:
        if isinstance(value, exp.HexString):
            return bytes.fromhex(str(value.this)).decode("utf-8")
        if isinstance(value, exp.BitString):
            bits = str(value.this)
            return int(bits, 2).to_bytes((len(bits) + 7) // 8, "big").decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        pass
    raise UnsupportedConstructError(f"{name} member " + type(value).__name__)


def default_value(r: Restorer, node: exp.Expression) -> str:
    # TiDB stores NOW(), LOCALTIME ... as CURRENT_TIMESTAMP in a default or ON UPDATE.
    if isinstance(node, exp.Anonymous) and node.name.upper() in ("NOW", "LOCALTIME", "LOCALTIMESTAMP"):
        return r.kw("CURRENT_TIMESTAMP") + "(" + ", ".join(r.node(a) for a in node.expressions) + ")"
    if isinstance(node, (exp.CurrentTimestamp, exp.Localtime, exp.Localtimestamp)):
        arg = node.this
        return r.kw("CURRENT_TIMESTAMP") + "(" + (r.node(arg) if arg is not None else "") + ")"
    return r.node(node)


def _reference(r: Restorer, node: exp.Reference) -> str:
    check_args(node, ("this", "options"))
    target = node.this
    columns: list[exp.Expression] = []
    if isinstance(target, exp.Schema):
        check_args(target, ("this", "expressions"))
        columns = list(target.expressions)
        target = target.this
    if not isinstance(target, exp.Table):
        raise UnsupportedConstructError("REFERENCES " + type(target).__name__)
    text = r.kw("REFERENCES ") + table_name(r, target)
    if columns:
        text += "(" + ", ".join(r.node(c) for c in columns) + ")"
    on_delete = on_update = None
    for option in node.args.get("options") or []:
        words = str(option).upper().split()
        if words[:1] == ["MATCH"] and words[1:] in (["FULL"], ["PARTIAL"], ["SIMPLE"]):
            text += " " + r.kw(" ".join(words))
        elif words[:2] == ["ON", "DELETE"]:
            on_delete = " ".join(words[2:])
        elif words[:2] == ["ON", "UPDATE"]:
            on_update = " ".join(words[2:])
        else:
            raise UnsupportedConstructError("REFERENCES option " + str(option))
    for label, action in (("ON DELETE ", on_delete), ("ON UPDATE ", on_update)):
        if action is not None:
            if action not in ("RESTRICT", "CASCADE", "SET NULL", "NO ACTION", "SET DEFAULT"):
                raise UnsupportedConstructError("referential action " + action)
            text += " " + r.kw(label + action)
    return text


def _column_option(r: Restorer, option: exp.Expression) -> str:
    kind = option.args.get("kind") if isinstance(option, exp.ColumnConstraint) else option
    if isinstance(option, exp.ColumnConstraint):
        check_args(option, ("kind", "this"))
        if option.this is not None:  # CONSTRAINT name CHECK (...)
            if not isinstance(kind, exp.CheckColumnConstraint):
                raise UnsupportedConstructError("named column constraint")
            return r.kw("CONSTRAINT ") + r.node(option.this) + " " + _column_option(r, kind)
    if isinstance(kind, exp.NotNullColumnConstraint):
        check_args(kind, ("allow_null",))
        return r.kw("NULL" if kind.args.get("allow_null") else "NOT NULL")
    if isinstance(kind, exp.AutoIncrementColumnConstraint):
        return r.kw("AUTO_INCREMENT")
    if isinstance(kind, exp.PrimaryKeyColumnConstraint):
        check_args(kind, ())
        return r.kw("PRIMARY KEY")
    if isinstance(kind, exp.UniqueColumnConstraint):
        check_args(kind, ())
        return r.kw("UNIQUE KEY")
    if isinstance(kind, exp.DefaultColumnConstraint):
        return r.kw("DEFAULT ") + default_value(r, kind.this)
    if isinstance(kind, exp.OnUpdateColumnConstraint):
        return r.kw("ON UPDATE ") + default_value(r, kind.this)
    if isinstance(kind, exp.CommentColumnConstraint):
        comment = kind.this
        if not (isinstance(comment, exp.Literal) and comment.is_string):
            raise UnsupportedConstructError("COMMENT " + type(comment).__name__)
        return r.kw("COMMENT ") + r.string(comment.this, introducer=False)
    if isinstance(kind, exp.CollateColumnConstraint):
        collation: str = kind.this.name
        return r.kw("COLLATE ") + collation.lower()  # TiDB stores collation names lower-case
    if isinstance(kind, exp.Reference):
        return _reference(r, kind)
    if isinstance(kind, exp.CheckColumnConstraint):
        # sqlglot reads MySQL's CHECK (...) [ENFORCED] only; TiDB spells the default out
        check_args(kind, ("this", "enforced"))
        return r.kw("CHECK") + "(" + r.node(kind.this) + ")" + r.kw(" ENFORCED")
    if isinstance(kind, exp.GeneratedAsIdentityColumnConstraint) and kind.args.get("expression") is not None \
            and kind.this is True and set(kind.args) <= {"this", "expression"}:
        # `AS (expr) NOT NULL`: sqlglot reads the expression into this node; MySQL's default is VIRTUAL
        return r.kw("GENERATED ALWAYS AS") + "(" + r.node(kind.args["expression"]) + ")" + r.kw(" VIRTUAL")
    if isinstance(kind, exp.ComputedColumnConstraint):
        check_args(kind, ("this", "persisted", "not_null"))
        expr = kind.this.this if isinstance(kind.this, exp.Paren) else kind.this
        text = r.kw("GENERATED ALWAYS AS") + "(" + r.node(expr) + ")"
        text += r.kw(" STORED" if kind.args.get("persisted") else " VIRTUAL")
        if kind.args.get("not_null"):
            text += " " + r.kw("NOT NULL")
        return text
    raise UnsupportedConstructError(type(kind).__name__, "column option")


def column_def(r: Restorer, node: exp.ColumnDef) -> str:
    check_args(node, ("this", "kind", "constraints"))
    text = r.node(node.this)
    if node.args.get("kind") is not None:
        text += " " + column_type(r, node.args["kind"])
    options = list(node.args.get("constraints") or [])
    zerofill = [o for o in options if isinstance(o.args.get("kind"), exp.ZeroFillColumnConstraint)]
    kind = node.args.get("kind")
    year = isinstance(kind, exp.DataType) and kind.this == T.YEAR
    for option in zerofill:
        options.remove(option)
        if year:  # TiDB drops UNSIGNED / ZEROFILL on YEAR (MySQL ignores them there)
            continue
        # ZEROFILL implies UNSIGNED; TiDB prints both, right after the type
        if not text.endswith(r.kw(" UNSIGNED")):
            text += r.kw(" UNSIGNED")
        text += r.kw(" ZEROFILL")
    # TiDB keeps a column's BINARY attribute and CHARACTER SET with its type, before the other options
    binary = [o for o in options if isinstance(o.args.get("kind"), exp.BinaryColumnConstraint)]
    for option in binary:
        check_args(option.args["kind"], ())
        text += r.kw(" BINARY")
        options.remove(option)
    charsets = [o for o in options if isinstance(o.args.get("kind"), exp.CharacterSetColumnConstraint)]
    for option in charsets:
        text += r.kw(" CHARACTER SET ") + r.kw(option.args["kind"].this.name.lower())
        options.remove(option)
    for option in options:
        text += " " + _column_option(r, option)
    return text


def _key_list(r: Restorer, keys: list[exp.Expression]) -> str:
    return "(" + ", ".join(_key_part(r, key) for key in keys) + ")"


def _key_part(r: Restorer, key: exp.Expression) -> str:
    if isinstance(key, exp.ColumnPrefix):  # name(10): an index on a prefix of the column
        check_args(key, ("this", "expression"))
        return r.node(key.this) + "(" + r.node(key.expression) + ")"
    if isinstance(key, exp.Ordered):
        check_args(key, ("this", "desc", "nulls_first"))
        return _key_part(r, key.this) + (r.kw(" DESC") if key.args.get("desc") else "")
    return r.node(key)


def _index_options(r: Restorer, node: exp.Expression) -> str:
    """`USING BTREE`, `COMMENT 'x'` after a key's column list (TiDB's IndexOption)."""
    parts = []
    index_type = node.args.get("index_type")
    include = node.args.get("include")
    if isinstance(include, exp.IndexParameters):
        check_args(include, ("using", "with_storage"))
        if include.args.get("using") is not None:
            index_type = include.args["using"].name
    if index_type:
        parts.append(r.kw("USING ") + str(index_type).upper())
    for option in node.args.get("options") or []:
        if not isinstance(option, exp.IndexConstraintOption):
            raise UnsupportedConstructError(type(option).__name__, "index option")
        check_args(option, ("comment", "visible", "using"))
        if option.args.get("using") is not None:
            using = option.args["using"]
            parts.append(r.kw("USING ") + (using.name if isinstance(using, exp.Expression) else str(using)).upper())
        comment = option.args.get("comment")
        if comment is not None and comment.this != "":  # TiDB leaves an empty comment out
            parts.append(r.kw("COMMENT ") + r.string(comment.this, introducer=False))
        visible = option.args.get("visible")
        if visible is not None:
            parts.append(r.kw("VISIBLE" if visible else "INVISIBLE"))
    return "".join(" " + p for p in parts)


def table_constraint(r: Restorer, node: exp.Expression) -> str:
    if isinstance(node, exp.ColumnDef):
        return column_def(r, node)
    if isinstance(node, exp.PrimaryKey):
        check_args(node, ("this", "expressions", "include", "options"))
        name = " " + r.node(node.this) if node.this is not None else ""
        return r.kw("PRIMARY KEY") + name + _key_list(r, list(node.expressions)) + _index_options(r, node)
    if isinstance(node, exp.UniqueColumnConstraint):
        check_args(node, ("this", "index_type", "options"))
        schema = node.this
        if not isinstance(schema, exp.Schema):
            raise UnsupportedConstructError("UNIQUE constraint form")
        check_args(schema, ("this", "expressions"))
        keys = list(schema.expressions)
        name = " " + r.node(schema.this) if schema.this is not None else ""
        # UNIQUE, UNIQUE KEY and UNIQUE INDEX are one thing; TiDB prints UNIQUE
        return r.kw("UNIQUE") + name + _key_list(r, keys) + _index_options(r, node)
    if isinstance(node, exp.IndexColumnConstraint):
        check_args(node, ("this", "expressions", "index_type", "kind", "options"))
        kind = str(node.args.get("kind") or "").upper()
        if kind not in ("", "KEY", "INDEX", "FULLTEXT", "SPATIAL"):
            raise UnsupportedConstructError(f"{kind} index")
        word = kind if kind in ("FULLTEXT", "SPATIAL") else "INDEX"  # KEY is INDEX
        name = " " + r.node(node.this) if node.this is not None else ""
        return r.kw(word) + name + _key_list(r, list(node.expressions)) + _index_options(r, node)
    if isinstance(node, exp.Constraint):
        check_args(node, ("this", "expressions"))
        if len(node.expressions) != 1:
            raise UnsupportedConstructError("constraint form")
        inner = node.expressions[0]
        if isinstance(inner, exp.ForeignKey):
            check_args(inner, ("expressions", "reference"))
            text = r.kw("CONSTRAINT ") + r.node(node.this) + " " + r.kw("FOREIGN KEY ") + _key_list(
                r, list(inner.expressions))
            reference = inner.args.get("reference")
            return text + (" " + _reference(r, reference) if reference is not None else "")
        if isinstance(inner, exp.PrimaryKey):  # MySQL ignores the name of a primary key
            return table_constraint(r, inner)
        if isinstance(inner, exp.UniqueColumnConstraint) and isinstance(inner.this, exp.Schema):
            # the constraint's name names the index when the index itself has none
            named = inner.copy()
            if named.this.this is None and node.this is not None:
                named.this.set("this", node.this.copy())
            return table_constraint(r, named)
        if isinstance(inner, exp.CheckColumnConstraint):
            check_args(inner, ("this", "enforced"))
            return (r.kw("CONSTRAINT ") + r.node(node.this) + " " + r.kw("CHECK") + "(" + r.node(inner.this) + ") "
                    + r.kw("ENFORCED"))
        raise UnsupportedConstructError("CONSTRAINT " + type(inner).__name__)
    if isinstance(node, exp.CheckColumnConstraint):
        check_args(node, ("this", "enforced"))
        return r.kw("CHECK") + "(" + r.node(node.this) + ") " + r.kw("ENFORCED")
    if isinstance(node, exp.ForeignKey):
        check_args(node, ("expressions", "reference"))
        reference = node.args.get("reference")
        return (r.kw("CONSTRAINT FOREIGN KEY ") + _key_list(r, list(node.expressions))
                + (" " + _reference(r, reference) if reference is not None else ""))
    raise UnsupportedConstructError(type(node).__name__, "in a table definition")


# property -> TiDB option name
_SIMPLE_PROPERTIES: dict[type[exp.Expr], str] = {
    exp.EngineProperty: "ENGINE", exp.AutoIncrementProperty: "AUTO_INCREMENT", exp.RowFormatProperty: "ROW_FORMAT"}
_GENERIC_PROPERTIES = {"KEY_BLOCK_SIZE", "AVG_ROW_LENGTH", "MAX_ROWS", "MIN_ROWS", "CHECKSUM", "TABLE_CHECKSUM",
                       "DELAY_KEY_WRITE", "STATS_AUTO_RECALC", "STATS_SAMPLE_PAGES"}


_STRING_PROPERTIES = {"COMPRESSION", "CONNECTION", "PASSWORD", "ENCRYPTION", "DATA DIRECTORY", "INDEX DIRECTORY"}


def table_option(r: Restorer, prop: exp.Expression) -> str:
    if type(prop) in _SIMPLE_PROPERTIES:
        check_args(prop, ("this",))
        name = _SIMPLE_PROPERTIES[type(prop)]
        value = prop.this
        if isinstance(value, exp.Literal) and not value.is_string:
            shown = number(value.this)
        elif name == "ROW_FORMAT":
            shown = r.kw(value.name.upper())
        elif not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value.name):
            shown = r.string(value.name, introducer=False)  # ENGINE = '' and other non-words
        else:
            shown = value.name
        return r.kw(name) + " = " + shown
    if isinstance(prop, exp.CharacterSetProperty):
        check_args(prop, ("this", "default"))
        # TiDB stores charset and collation names lower-case and writes them as keywords
        return r.kw("DEFAULT CHARACTER SET") + " = " + r.kw(prop.this.name.lower())
    if isinstance(prop, exp.CollateProperty):
        check_args(prop, ("this", "default"))
        return r.kw("DEFAULT COLLATE") + " = " + r.kw(prop.this.name.lower())
    if isinstance(prop, exp.SchemaCommentProperty):
        check_args(prop, ("this",))
        return r.kw("COMMENT") + " = " + r.string(prop.this.this, introducer=False)
    if isinstance(prop, (exp.PartitionByRangeProperty, exp.PartitionByListProperty)):
        return _partitioning(r, prop)
    if type(prop) is exp.Property:
        check_args(prop, ("this", "value"))
        name = prop.name.upper()
        value = prop.args.get("value")
        if name in _GENERIC_PROPERTIES and isinstance(value, exp.Literal) and not value.is_string:
            return r.kw(name) + " = " + number(value.this)
        if name in _STRING_PROPERTIES and isinstance(value, exp.Literal) and value.is_string:
            return r.kw(name) + " = " + r.string(value.this, introducer=False)
        if name in ("STATS_PERSISTENT", "PACK_KEYS"):
            # TiDB parses these and ignores them; its Restore says so
            return (r.kw(name) + " = " + r.kw("DEFAULT") + " /* TableOption" + name.title().replace("_", "")
                    + " is not supported */ ")
        if name in ("STATS_SAMPLE_PAGES", "STATS_AUTO_RECALC") and isinstance(value, exp.Var) \
                and value.name.upper() == "DEFAULT":
            return r.kw(name) + " = " + r.kw("DEFAULT")
        if name == "STORAGE" and value is not None:
            return r.kw(name) + " " + r.kw(value.name.upper())
        if name == "SECONDARY_ENGINE" and value is not None:
            if isinstance(value, exp.Null):
                return r.kw(name) + " = " + r.kw("NULL")
            return r.kw(name) + " = " + r.string(value.name, introducer=False)
        if name == "INSERT_METHOD" and value is not None:
            return r.kw(name) + " = " + r.string(value.name.upper(), introducer=False)
        if name == "TABLESPACE" and value is not None:
            return r.kw(name) + " = " + r.node(exp.to_identifier(value.name))
    raise UnsupportedConstructError(type(prop).__name__, "table option")


def _partitioning(r: Restorer, prop: exp.Expression) -> str:
    """PARTITION BY RANGE / LIST (expr) with plain VALUES LESS THAN / VALUES IN definitions."""
    check_args(prop, ("partition_expressions", "create_expressions"))
    ranged = isinstance(prop, exp.PartitionByRangeProperty)
    keyed = list(prop.args.get("partition_expressions") or [])
    if len(keyed) != 1:
        raise UnsupportedConstructError("partitioning on several expressions")
    definitions = []
    for partition in prop.args.get("create_expressions") or []:
        inner = partition.expressions if isinstance(partition, exp.Partition) else []
        if len(inner) != 1 or not isinstance(inner[0], exp.PartitionRange if ranged else exp.PartitionList):
            raise UnsupportedConstructError("partition definition form")
        check_args(partition, ("expressions",))
        check_args(inner[0], ("this", "expressions"))
        values = ", ".join(r.node(v) for v in inner[0].expressions)
        definitions.append(r.kw("PARTITION ") + r.node(inner[0].this)
                           + r.kw(" VALUES LESS THAN " if ranged else " VALUES IN ") + "(" + values + ")")
    return (r.kw("PARTITION BY RANGE " if ranged else "PARTITION BY LIST ") + "(" + r.node(keyed[0]) + ") ("
            + ",".join(definitions) + ")")


@printer(exp.Create)
def _create(r: Restorer, node: exp.Create) -> str:
    kind = str(node.args.get("kind") or "").upper()
    if kind == "TABLE":
        return _create_table(r, node)
    if kind == "VIEW":
        return _create_view(r, node)
    if kind == "INDEX":
        return _create_index(r, node)
    if kind in ("DATABASE", "SCHEMA"):
        check_args(node, ("this", "kind", "exists", "properties"))
        text = r.kw("CREATE DATABASE ") + (r.kw("IF NOT EXISTS ") if node.args.get("exists") else "") + database_name(
            r, node.this)
        for prop in node.args["properties"].expressions if node.args.get("properties") else []:
            text += " " + table_option(r, prop)
        return text
    raise UnsupportedConstructError(f"CREATE {kind}")


def _create_table(r: Restorer, node: exp.Create) -> str:
    check_args(node, ("this", "kind", "exists", "properties", "expression"))
    properties = list(node.args["properties"].expressions) if node.args.get("properties") else []
    temporary = any(isinstance(p, exp.TemporaryProperty) for p in properties)
    like: list[exp.Expression] = [p for p in properties if isinstance(p, exp.LikeProperty)]
    options = [p for p in properties if not isinstance(p, (exp.TemporaryProperty, exp.LikeProperty))]
    text = r.kw("CREATE TEMPORARY TABLE " if temporary else "CREATE TABLE ")
    if node.args.get("exists"):
        text += r.kw("IF NOT EXISTS ")
    target = node.this
    elements: list[exp.Expression] = []
    if isinstance(target, exp.Schema):
        check_args(target, ("this", "expressions"))
        elements = list(target.expressions)
        target = target.this
    if not isinstance(target, exp.Table):
        raise UnsupportedConstructError("CREATE TABLE target " + type(target).__name__)
    text += table_name(r, target)
    if len(elements) == 1 and isinstance(elements[0], exp.LikeProperty) and not like:
        like, elements = elements, []  # CREATE TABLE a (LIKE b) is CREATE TABLE a LIKE b
    if like:
        check_args(like[0], ("this",))
        if len(like) > 1 or elements or options or node.expression is not None:
            raise UnsupportedConstructError("CREATE TABLE ... LIKE form")
        return text + r.kw(" LIKE ") + table_name(r, like[0].this)
    columns = [e for e in elements if isinstance(e, exp.ColumnDef)]
    constraints = [e for e in elements if not isinstance(e, exp.ColumnDef)]
    if elements:
        # TiDB keeps columns and constraints apart and prints the columns first
        text += " (" + ",".join([column_def(r, c) for c in columns]
                                + [table_constraint(r, c) for c in constraints]) + ")"
    for option in options:
        text += " " + table_option(r, option)
    query = node.expression
    if query is not None:
        text += r.kw(" AS ") + r.node(query)
    return text


def database_name(r: Restorer, node: exp.Expression) -> str:
    """A database name, which sqlglot keeps as a Table whose name sits in `this` or (SCHEMA) in `db`."""
    if not isinstance(node, exp.Table) or node.args.get("catalog"):
        raise UnsupportedConstructError("database name " + type(node).__name__)
    parts = [p for p in (node.args.get("db"), node.args.get("this")) if p is not None]
    if len(parts) != 1:
        raise UnsupportedConstructError("database name with a qualifier")
    return r.node(parts[0])


def _create_view(r: Restorer, node: exp.Create) -> str:
    # TiDB spells out MySQL's defaults: ALGORITHM = UNDEFINED, DEFINER = CURRENT_USER, SQL SECURITY DEFINER.
    check_args(node, ("this", "kind", "replace", "expression", "properties"))
    algorithm, definer, security = "UNDEFINED", r.kw("CURRENT_USER"), "DEFINER"
    for prop in node.args["properties"].expressions if node.args.get("properties") else []:
        check_args(prop, ("this",))
        if isinstance(prop, exp.AlgorithmProperty):
            algorithm = prop.this.name.upper()
            if algorithm not in ("UNDEFINED", "MERGE", "TEMPTABLE"):
                raise UnsupportedConstructError(f"ALGORITHM = {algorithm}")
        elif isinstance(prop, exp.DefinerProperty):
            definer = _account(r, prop.this.name)
        elif isinstance(prop, exp.SqlSecurityProperty):
            security = prop.this.name.upper()
        else:
            raise UnsupportedConstructError(type(prop).__name__, "in CREATE VIEW")
    target = node.this
    columns: list[exp.Expression] = []
    if isinstance(target, exp.Schema):
        check_args(target, ("this", "expressions"))
        columns = list(target.expressions)
        target = target.this
    if not isinstance(target, exp.Table) or node.expression is None:
        raise UnsupportedConstructError("CREATE VIEW form")
    text = r.kw("CREATE ") + (r.kw("OR REPLACE ") if node.args.get("replace") else "")
    text += (r.kw("ALGORITHM") + " = " + r.kw(algorithm) + r.kw(" DEFINER") + " = " + definer
             + r.kw(" SQL SECURITY ") + r.kw(security) + r.kw(" VIEW ") + table_name(r, target))
    if columns:
        text += " (" + ",".join(r.node(c) for c in columns) + ")"
    return text + r.kw(" AS ") + r.node(node.expression)


def _account(r: Restorer, written: str) -> str:
    """An account as TiDB prints it: `user`@`host` (host `%` when not written), or CURRENT_USER."""
    if re.fullmatch(r"(?i)current_user(\(\))?", written.strip()):
        return r.kw("CURRENT_USER")
    match = re.fullmatch(r"\s*(?:'((?:[^']|'')*)'|`((?:[^`]|``)*)`|([^@'`\s]+))\s*"
                         r"(?:@\s*(?:'((?:[^']|'')*)'|`((?:[^`]|``)*)`|([^@'`\s]+)))?\s*", written)
    if match is None:
        raise UnsupportedConstructError("account name " + written)
    user = next(g for g in match.group(1, 2, 3) if g is not None)
    host = next((g for g in match.group(4, 5, 6) if g is not None), "%")
    return r.node(exp.to_identifier(user, quoted=True)) + "@" + r.node(exp.to_identifier(host, quoted=True))


def _create_index(r: Restorer, node: exp.Create) -> str:
    check_args(node, ("this", "kind", "unique", "exists", "properties"))
    index = node.this
    if not isinstance(index, exp.Index):
        raise UnsupportedConstructError("CREATE INDEX form")
    check_args(index, ("this", "table", "params"))
    params = index.args.get("params")
    if not isinstance(params, exp.IndexParameters) or not isinstance(index.args.get("table"), exp.Table):
        raise UnsupportedConstructError("CREATE INDEX form")
    check_args(params, ("columns", "with_storage", "using"))
    text = r.kw("CREATE UNIQUE INDEX " if node.args.get("unique") else "CREATE INDEX ")
    text += (r.kw("IF NOT EXISTS ") if node.args.get("exists") else "") + r.node(index.this)
    keys = list(params.args.get("columns") or [])
    text += r.kw(" ON ") + table_name(r, index.args["table"]) + " " + _key_list(r, keys)
    using = params.args.get("using")
    if using is not None:
        text += " " + r.kw("USING ") + using.name.upper()
    algorithm = lock = ""
    for prop in node.args["properties"].expressions if node.args.get("properties") else []:
        if isinstance(prop, exp.IndexConstraintOption):
            check_args(prop, ("comment", "visible"))
            if prop.args.get("comment") is not None:
                text += " " + r.kw("COMMENT ") + r.string(prop.args["comment"].this, introducer=False)
            if prop.args.get("visible") is not None:
                text += " " + r.kw("VISIBLE" if prop.args["visible"] else "INVISIBLE")
        elif isinstance(prop, exp.AlgorithmProperty):
            algorithm = " " + r.kw("ALGORITHM") + " = " + r.kw(prop.this.name.upper())
        elif isinstance(prop, exp.LockProperty):
            lock = " " + r.kw("LOCK") + " = " + r.kw(prop.this.name.upper())
        else:
            raise UnsupportedConstructError(type(prop).__name__, "in CREATE INDEX")
    return text + algorithm + lock


# -- DROP, TRUNCATE ----------------------------------------------------------------------------

_DROP_KINDS = {"TABLE": "TABLE", "VIEW": "VIEW", "DATABASE": "DATABASE", "SCHEMA": "DATABASE", "INDEX": "INDEX"}


@printer(exp.Drop)
def _drop(r: Restorer, node: exp.Drop) -> str:
    # CASCADE and RESTRICT do nothing in MySQL 8 ("permitted to make porting easier"); TiDB drops them.
    check_args(node, ("tables", "kind", "exists", "temporary", "cascade", "restrict", "cluster", "this"))
    kind = _DROP_KINDS.get(str(node.args.get("kind") or "").upper())
    if kind is None:
        raise UnsupportedConstructError(f"DROP {node.args.get('kind')}")
    names = list(node.args.get("tables") or ([node.this] if node.this is not None else []))
    if not names:
        raise UnsupportedConstructError(f"DROP {kind} without a name")
    text = r.kw("DROP ")
    if node.args.get("temporary"):
        if kind != "TABLE":
            raise UnsupportedConstructError(f"DROP TEMPORARY {kind}")
        text += r.kw("TEMPORARY ")
    text += r.kw(kind + " ")
    if node.args.get("exists"):
        text += r.kw("IF EXISTS ")
    on = node.args.get("cluster")
    if kind == "INDEX":
        if len(names) != 1 or not isinstance(on, exp.OnProperty) or not isinstance(on.this, exp.Table):
            raise UnsupportedConstructError("DROP INDEX form")
        return text + _plain_table_name(r, names[0]) + r.kw(" ON ") + table_name(r, on.this)
    if on is not None:
        raise UnsupportedConstructError(f"DROP {kind} ... ON")
    if kind == "DATABASE":
        if len(names) != 1:
            raise UnsupportedConstructError("DROP DATABASE of several databases")
        return text + database_name(r, names[0])
    return text + ", ".join(_plain_table_name(r, t) for t in names)


def _plain_table_name(r: Restorer, node: exp.Expression) -> str:
    if isinstance(node, exp.Table):
        check_args(node, ("this", "db", "catalog"))
        return table_name(r, node)
    return r.node(node)


@printer(exp.TruncateTable)
def _truncate(r: Restorer, node: exp.TruncateTable) -> str:
    check_args(node, ("expressions", "is_database", "exists"))
    if node.args.get("is_database") or node.args.get("exists") or len(node.expressions) != 1:
        raise UnsupportedConstructError("TRUNCATE form", "MySQL truncates one table")
    return r.kw("TRUNCATE TABLE ") + _plain_table_name(r, node.expressions[0])
