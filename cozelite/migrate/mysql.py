"""MySQL / MariaDB target: the statement itself, printed by the MySQL printer after its database
qualifiers are mapped, with MySQL 8 collations MariaDB lacks replaced by MariaDB's nearest
(typemap.MARIADB_COLLATION). The logical schema is still kept, to check each statement as the
other targets do and to resolve collations.

MySQL and MariaDB commit every DDL statement on their own: a file that fails halfway leaves its
earlier statements applied. The engine says so in the error, naming what was applied.
"""

from __future__ import annotations

from sqlglot import exp

from cozelite.migrate import ops
from cozelite.migrate.model import Check, Column, Default, ForeignKey, Index, MigrationError, MySQLType, Table
from cozelite.migrate.target import Step, Target
from cozelite.migrate.typemap import MARIADB_COLLATION, UNSIGNED_NAMES, base_name, rule
from providers.db.catalog import CatalogSession
from providers.errors import ProviderError

REVISIONS_ENGINE_OPTIONS = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"


def _map_collations(tree: exp.Expression) -> exp.Expression:
    for node in tree.find_all(exp.CollateColumnConstraint, exp.CollateProperty):
        name = node.this.name if isinstance(node.this, (exp.Column, exp.Var, exp.Identifier)) else ""
        mapped = MARIADB_COLLATION.get(name.lower())
        if mapped:
            node.set("this", exp.Var(this=mapped))
    return tree


class MySQLTarget(Target):
    engine = "mysql"

    def __init__(self, *args: object, mariadb: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.mariadb = mariadb
        self.tree: exp.Expression | None = None  # the statement being planned (set by the engine)

    def load(self, session: CatalogSession) -> None:
        for name in session.tables():
            cat = session.describe(name)
            t = Table(name=name)
            for c in cat.columns:
                t.columns.append(Column(c.name, _type_of(c.declared), nullable=c.nullable, default=_default(c.default),
                                        auto_increment=c.identity, on_update_now=c.on_update_now,
                                        generated=c.expression if c.generated else None,
                                        stored=c.generated == "stored"))
            t.foreign_keys = [ForeignKey(f.name, list(f.columns), f.ref_table, list(f.ref_columns), f.on_delete,
                                         f.on_update) for f in cat.foreign_keys]
            for idx in cat.indexes:
                if idx.primary:
                    t.primary_key = list(idx.columns)
                else:
                    t.indexes.append(Index(idx.name, idx.unique, list(idx.columns)))
            rows = session.query("SELECT table_collation FROM information_schema.tables "
                                 "WHERE table_schema = DATABASE() AND table_name = ?", [name])
            t.collation = str(rows[0][0]).lower() if rows and rows[0][0] else None
            self._load_checks(session, t)
            self.schema[name.lower()] = t

    @staticmethod
    def _load_checks(session: CatalogSession, t: Table) -> None:
        try:  # MariaDB: a column's CHECK is named after the column (level 'Column')
            rows = session.query("SELECT constraint_name, check_clause, level "
                                 "FROM information_schema.check_constraints WHERE constraint_schema = DATABASE() "
                                 "AND table_name = ?", [t.name])
        except ProviderError:  # MySQL 8: no level, no table_name
            rows = [(r[0], r[1], "Table") for r in session.query(
                "SELECT c.constraint_name, c.check_clause FROM information_schema.check_constraints c "
                "JOIN information_schema.table_constraints k ON k.constraint_schema = c.constraint_schema "
                "AND k.constraint_name = c.constraint_name WHERE k.table_schema = DATABASE() AND k.table_name = ? "
                "AND k.constraint_type = 'CHECK'", [t.name])]
        for name, clause, level in rows:
            col = t.column(str(name)) if str(level) == "Column" else None
            if col is not None:
                col.check = str(clause)
            else:
                t.checks.append(Check(str(name), str(clause)))

    def end_of_file(self, file: str) -> list[Step]:
        """The pooled connection goes back with checks on."""
        return [*super().end_of_file(file), Step("SET FOREIGN_KEY_CHECKS = 1")] if not self.fk_checks else []

    def plan(self, op: ops.Op) -> list[Step]:
        # Keep the logical schema (and its checks) as the other targets do.
        if isinstance(op, ops.CreateTable):
            if op.table.name.lower() in self.schema and op.if_not_exists:
                return []
            if op.table.name.lower() in self.schema:
                raise MigrationError(f"table {op.table.name!r} already exists")
            t = op.table.copy()
            for key in op.keys:
                ops.apply_action(t, key)
            ops.check_table(t)
            ops.check_references({**self.schema, t.name.lower(): t}, t, defer=self.defer_key)
            self.schema[t.name.lower()] = t
        elif isinstance(op, ops.DropTable):
            for name in op.names:
                if name.lower() in self.schema:
                    ops.check_not_referenced(self.schema, name, op.names, "drop")
                if self.schema.pop(name.lower(), None) is None and not op.if_exists:
                    raise MigrationError(f"table {name!r} does not exist")
        elif isinstance(op, ops.AlterTable):
            t = self.table(op.table)
            ops.check_referenced_types(self.schema, t, op.actions)
            old = t.name
            renamed: dict[str, str] = {}
            for action in op.actions:
                ops.apply_action(t, action)
                if isinstance(action, ops.RenameColumn):
                    renamed[action.old.lower()] = action.new
                elif isinstance(action, ops.ModifyColumn) and action.old_name.lower() != action.column.name.lower():
                    renamed[action.old_name.lower()] = action.column.name
            ops.check_table(t)
            ops.check_references(self.schema, t, defer=self.defer_key)
            ops.follow_parent(self.schema, old, t.name, renamed)
            if t.name.lower() != old.lower():
                del self.schema[old.lower()]
                self.schema[t.name.lower()] = t
        elif isinstance(op, ops.Skip):
            return []
        elif isinstance(op, ops.ForeignKeyChecks):
            # run as MySQL does (the session's setting): a CREATE names a parent made later
            out = self.foreign_key_checks(op.on, "here")
            return [*out, Step(f"SET FOREIGN_KEY_CHECKS = {int(op.on)}")]
        assert self.tree is not None
        tree = self.tree.copy()
        for table in tree.find_all(exp.Table):
            if table.args.get("db") is not None:
                table.set("db", None)  # the reader mapped the name; the URI names the database
        if self.mariadb:
            tree = _map_collations(tree)
            for drop in tree.find_all(exp.Drop):
                if str(drop.args.get("kind", "")).upper() == "CHECK":
                    drop.set("kind", "CONSTRAINT")  # MariaDB has no DROP CHECK (MySQL 8's spelling)
        return [Step(self.render(tree))]


def _default(text: str | None) -> Default | None:
    """A default as MariaDB's information_schema prints it (10.2.7+: literals quoted, NULL as NULL)."""
    if text is None or text.upper() == "NULL":
        return None
    if text.lower().startswith(("current_timestamp", "now(")):
        return Default("now")
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return Default("string", text[1:-1].replace("''", "'"))
    try:
        float(text)
        return Default("number", text)
    except ValueError:
        return Default("expr", text)


def _type_of(declared: str) -> MySQLType:
    text = declared.lower()
    unsigned = " unsigned" in text
    head = text.split("(", 1)[0].split(" ", 1)[0].upper()
    name = base_name(head)
    params: tuple[int, ...] = ()
    values: tuple[str, ...] = ()
    if "(" in text and name in ("ENUM", "SET"):
        inner = declared[declared.index("(") + 1:declared.rindex(")")]
        values = tuple(v.strip().strip("'") for v in inner.split(","))
    elif "(" in text:
        inner = text[text.index("(") + 1:text.index(")")]
        try:
            params = tuple(int(p) for p in inner.split(","))
        except ValueError:
            params = ()
    if rule(name) is None:
        name = "TEXT"
    return MySQLType(name, params, values, unsigned or head in UNSIGNED_NAMES)
