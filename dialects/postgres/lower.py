"""Lower pglast's AST (PostgreSQL's own parse tree) into the IR (sqlglot expressions).

The shapes follow what sqlglot's `read="postgres"` parser builds, so the shared passes and printers
work unchanged. pglast drops parentheses, so they are put back from PostgreSQL's operator
precedence (`_wrap`). Anything without a faithful IR form raises `Unsupported` naming the pglast
node; the front end turns that into an unlowered `Statement`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from pglast import ast, enums
from pglast.keywords import UNRESERVED_KEYWORDS
from sqlglot import exp

_SAFE_NAME = re.compile(r"[a-z_][a-z0-9_$]*\Z")


class Unsupported(Exception):
    """A construct the IR cannot represent faithfully; `construct` names the pglast node."""

    def __init__(self, construct: str, detail: str = "") -> None:
        super().__init__(construct + (f" ({detail})" if detail else ""))
        self.construct = construct
        self.detail = detail


def needs_quotes(name: str) -> bool:
    """True when PostgreSQL would misread `name` unquoted (case folding, keywords, odd characters)."""
    return not _SAFE_NAME.match(name) or (name in _KEYWORDS and name not in UNRESERVED_KEYWORDS)


def _all_keywords() -> frozenset[str]:
    from pglast.keywords import COL_NAME_KEYWORDS, RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS

    return frozenset(RESERVED_KEYWORDS | TYPE_FUNC_NAME_KEYWORDS | COL_NAME_KEYWORDS | UNRESERVED_KEYWORDS)


_KEYWORDS = _all_keywords()


def ident(name: str) -> exp.Identifier:
    return exp.Identifier(this=name, quoted=needs_quotes(name))


# -- precedence ------------------------------------------------------------------------------
# PostgreSQL's operator precedence, lowest first (the table in the manual, "Operator Precedence").
P_OR, P_AND, P_NOT, P_IS, P_CMP, P_RANGE, P_OTHER, P_ADD, P_MUL, P_POW, P_AT, P_COLLATE, P_UNARY = range(1, 14)
P_ATOM = 100

_PREC: dict[type, int] = {
    exp.Or: P_OR, exp.And: P_AND, exp.Not: P_NOT,
    exp.Is: P_IS, exp.NullSafeEQ: P_IS, exp.NullSafeNEQ: P_IS,
    exp.EQ: P_CMP, exp.NEQ: P_CMP, exp.LT: P_CMP, exp.GT: P_CMP, exp.LTE: P_CMP, exp.GTE: P_CMP,
    exp.Between: P_RANGE, exp.In: P_RANGE, exp.Like: P_RANGE, exp.ILike: P_RANGE, exp.SimilarTo: P_RANGE,
    exp.Escape: P_RANGE,
    exp.DPipe: P_OTHER, exp.RegexpLike: P_OTHER, exp.RegexpILike: P_OTHER, exp.ArrayContainsAll: P_OTHER,
    exp.ArrayContainedBy: P_OTHER, exp.ArrayOverlaps: P_OTHER, exp.Distance: P_OTHER,
    exp.Add: P_ADD, exp.Sub: P_ADD, exp.Mul: P_MUL, exp.Div: P_MUL, exp.Mod: P_MUL,
    exp.AtTimeZone: P_AT, exp.Collate: P_COLLATE, exp.Neg: P_UNARY,
}


def prec(node: exp.Expression) -> int:
    if isinstance(node, exp.Operator):
        if node.this is None:
            return P_OTHER
        return P_POW if node.text("operator") == "^" else P_OTHER
    if isinstance(node, exp.Not) and node.meta.get("pg_infix_not"):
        return P_RANGE
    if isinstance(node, exp.Literal) and not node.is_string and node.this.startswith("-"):
        return P_UNARY
    return _PREC.get(type(node), P_ATOM)


def _wrap(node: exp.Expression, limit: int) -> exp.Expression:
    """Parenthesize `node` when it binds no tighter than `limit`."""
    return exp.Paren(this=node) if prec(node) <= limit else node


def binary(cls: type[exp.Expression], left: exp.Expression, right: exp.Expression, level: int,
           **args: Any) -> exp.Expression:
    # Left-associative: an equal-precedence left operand needs no parentheses; comparisons and the
    # range operators are non-associative in PostgreSQL, so they always do.
    left_limit = level if level in (P_IS, P_CMP, P_RANGE) else level - 1
    return cls(this=_wrap(left, left_limit), expression=_wrap(right, level), **args)


# -- constants and names ---------------------------------------------------------------------

def _number(text: str) -> exp.Expression:
    if text.startswith("-"):
        return exp.Neg(this=exp.Literal.number(text[1:]))
    return exp.Literal.number(text)


def _type_name_text(tn: ast.TypeName) -> tuple[str, bool]:
    """(SQL text of the type, spelled verbatim?). Verbatim types print exactly as PostgreSQL named them."""
    if tn.setof or tn.pct_type:
        raise Unsupported("TypeName", "SETOF or %TYPE")
    names = [n.sval for n in tn.names]
    if len(names) == 2 and names[0] == "pg_catalog" and names[1] in _BUILTIN_TYPES and not tn.typmods:
        text, verbatim = _BUILTIN_TYPES[names[1]], False
    elif len(names) == 2 and names[0] == "pg_catalog" and names[1] in _BUILTIN_TYPES_WITH_MODS:
        text, verbatim = _BUILTIN_TYPES[names[1]], False
    elif len(names) == 1 and names[0] in _PLAIN_TYPES and not tn.typmods:
        text, verbatim = names[0].upper(), False
    else:
        text = ".".join(f'"{n}"' if needs_quotes(n) else n for n in names)
        verbatim = True
    if tn.typmods:
        mods = []
        for m in tn.typmods:
            if not (isinstance(m, ast.A_Const) and isinstance(m.val, ast.Integer | ast.String | ast.Float)):
                raise Unsupported("TypeName", "type modifier that is not a constant")
            val = m.val
            if isinstance(val, ast.String):
                mods.append("'" + val.sval.replace("'", "''") + "'")
            else:
                mods.append(str(val.ival if isinstance(val, ast.Integer) else val.fval))
        text += "(" + ", ".join(mods) + ")"
    for bound in tn.arrayBounds or ():
        ival = bound.ival if isinstance(bound, ast.Integer) else -1
        text += "[]" if ival == -1 else f"[{ival}]"
    return text, verbatim


_BUILTIN_TYPES = {
    "int2": "SMALLINT", "int4": "INT", "int8": "BIGINT", "float4": "REAL", "float8": "DOUBLE PRECISION",
    "numeric": "DECIMAL", "bool": "BOOLEAN", "varchar": "VARCHAR", "timestamp": "TIMESTAMP", "time": "TIME",
}
# Unqualified type names sqlglot knows and prints back unchanged.
_PLAIN_TYPES = frozenset({"text", "date", "json", "jsonb", "uuid"})
# Built-in types whose modifiers sqlglot prints back the way PostgreSQL wrote them.
_BUILTIN_TYPES_WITH_MODS = frozenset({"numeric", "varchar"})


@functools.lru_cache(maxsize=512)
def _datatype(text: str) -> exp.DataType:
    return exp.DataType.build(text, dialect="postgres")


def datatype(tn: ast.TypeName) -> exp.DataType:
    text, verbatim = _type_name_text(tn)
    if verbatim:
        # Printed as written: PostgreSQL resolves the name (float8, regclass, "char", my_schema.t ...).
        return exp.DataType(this=exp.DataType.Type.USERDEFINED, kind=text)
    try:
        return _datatype(text).copy()
    except Exception as err:  # sqlglot cannot express the type: refuse rather than guess
        raise Unsupported("TypeName", text) from err


# -- the lowering ----------------------------------------------------------------------------

class Lowerer:
    """One statement's lowering. `anonymous_params`: `$n` came from MySQL-style `?` (print them back as ?)."""

    def __init__(self, *, anonymous_params: bool = False, text: str | None = None) -> None:
        self.anonymous_params = anonymous_params
        # The parsed text, to tell `"name"` from `name` (pglast keeps only the folded name).
        self.text = text

    def quoted_parts(self, location: int | None, count: int) -> list[bool] | None:
        """Which of the `count` dotted name parts starting at `location` were written in double quotes."""
        text = self.text
        if text is None or location is None or location < 0:
            return None
        out: list[bool] = []
        i, n = location, len(text)
        for k in range(count):
            if i >= n:
                return None
            if text[i] == '"':
                out.append(True)
                j = i + 1
                while j < n:
                    if text[j] == '"':
                        if j + 1 < n and text[j + 1] == '"':
                            j += 2
                            continue
                        break
                    j += 1
                i = j + 1
            else:
                out.append(False)
                while i < n and (text[i].isalnum() or text[i] in "_$" or ord(text[i]) >= 0x80):
                    i += 1
            if k < count - 1:
                while i < n and text[i].isspace():
                    i += 1
                if i >= n or text[i] != ".":
                    return None
                i += 1
                while i < n and text[i].isspace():
                    i += 1
        return out

    def names(self, names: Sequence[str], location: int | None) -> list[exp.Identifier]:
        quoted = self.quoted_parts(location, len(names))
        if quoted is None:
            return [ident(n) for n in names]
        return [exp.Identifier(this=n, quoted=q or needs_quotes(n)) for n, q in zip(names, quoted, strict=True)]

    def expr(self, node: Any) -> exp.Expression:
        if node is None:
            raise Unsupported("NULL node")
        handler = _EXPR.get(type(node))
        if handler is None:
            raise Unsupported(type(node).__name__)
        return handler(self, node)

    def exprs(self, nodes: Sequence[Any] | None) -> list[exp.Expression]:
        return [self.expr(n) for n in nodes or ()]

    # -- statements ----------------------------------------------------------------------------

    def statement(self, node: Any) -> exp.Expression:
        if isinstance(node, ast.SelectStmt):
            return self.select(node)
        if isinstance(node, ast.InsertStmt):
            return self.insert(node)
        if isinstance(node, ast.UpdateStmt):
            return self.update(node)
        if isinstance(node, ast.DeleteStmt):
            return self.delete(node)
        raise Unsupported(type(node).__name__)

    def with_(self, node: ast.WithClause | None) -> exp.With | None:
        if node is None:
            return None
        ctes = []
        for cte in node.ctes:
            if cte.search_clause or cte.cycle_clause:
                raise Unsupported("CTESearchClause" if cte.search_clause else "CTECycleClause")
            alias = exp.TableAlias(this=ident(cte.ctename))
            if cte.aliascolnames:
                alias.set("columns", [ident(c.sval) for c in cte.aliascolnames])
            args: dict[str, Any] = {"this": self.statement(cte.ctequery), "alias": alias}
            mat = cte.ctematerialized
            if mat == enums.CTEMaterialize.CTEMaterializeAlways:
                args["materialized"] = True
            elif mat == enums.CTEMaterialize.CTEMaterializeNever:
                args["materialized"] = False
            ctes.append(exp.CTE(**args))
        return exp.With(expressions=ctes, recursive=bool(node.recursive))

    def select(self, node: ast.SelectStmt) -> exp.Expression:
        if node.op != enums.SetOperation.SETOP_NONE:
            query = self.set_operation(node)
        elif node.valuesLists:
            query = exp.Values(expressions=[exp.Tuple(expressions=self.exprs(row)) for row in node.valuesLists])
        else:
            query = exp.Select(expressions=[self.target(t) for t in node.targetList or ()])
            if node.distinctClause is not None:
                on = [d for d in node.distinctClause if d is not None]
                query.set("distinct", exp.Distinct(on=exp.Tuple(expressions=self.exprs(on))) if on
                          else exp.Distinct())
            self.from_clause(query, node.fromClause, "from_")
            if node.whereClause is not None:
                query.set("where", exp.Where(this=self.expr(node.whereClause)))
            if node.groupClause:
                if node.groupDistinct:
                    raise Unsupported("GroupClause", "GROUP BY DISTINCT")
                query.set("group", exp.Group(expressions=self.exprs(node.groupClause)))
            if node.havingClause is not None:
                query.set("having", exp.Having(this=self.expr(node.havingClause)))
            if node.windowClause:
                query.set("windows", [self.window(w, named=True) for w in node.windowClause])
            if node.intoClause is not None:
                query.set("into", self.into(node.intoClause))
        if node.valuesLists and (node.sortClause or node.limitCount or node.limitOffset or node.lockingClause):
            raise Unsupported("SelectStmt", "VALUES with ORDER BY / LIMIT / FOR UPDATE")
        if node.sortClause:
            query.set("order", exp.Order(expressions=[self.sort_by(s) for s in node.sortClause]))
        self.limit(query, node)
        if node.lockingClause:
            if not isinstance(query, exp.Select):
                raise Unsupported("LockingClause", "on a set operation")
            query.set("locks", [self.lock(lc) for lc in node.lockingClause])
        if node.withClause is not None:
            query.set("with_", self.with_(node.withClause))
        return query

    def into(self, clause: ast.IntoClause) -> exp.Into:
        if clause.colNames or clause.options or clause.tableSpaceName or clause.accessMethod or clause.viewQuery:
            raise Unsupported("IntoClause", "column names or storage options")
        if clause.onCommit != enums.OnCommitAction.ONCOMMIT_NOOP:
            raise Unsupported("IntoClause", "ON COMMIT")
        persistence = clause.rel.relpersistence
        return exp.Into(this=self.range_var(clause.rel), temporary=persistence == "t", unlogged=persistence == "u")

    def limit(self, query: exp.Expression, node: ast.SelectStmt) -> None:
        option = node.limitOption
        if option == enums.LimitOption.LIMIT_OPTION_WITH_TIES:
            query.set("limit", exp.Fetch(
                direction="FIRST", count=self.expr(node.limitCount),
                limit_options=exp.LimitOptions(percent=False, rows=True, with_ties=True)))
        elif node.limitCount is not None:
            query.set("limit", exp.Limit(expression=self.expr(node.limitCount)))
        if node.limitOffset is not None:
            query.set("offset", exp.Offset(expression=self.expr(node.limitOffset)))

    def lock(self, lc: ast.LockingClause) -> exp.Lock:
        strength = lc.strength
        if strength == enums.LockClauseStrength.LCS_FORUPDATE:
            update = True
        elif strength == enums.LockClauseStrength.LCS_FORSHARE:
            update = False
        else:
            raise Unsupported("LockingClause", "FOR NO KEY UPDATE / FOR KEY SHARE")
        wait: Any = None
        if lc.waitPolicy == enums.LockWaitPolicy.LockWaitError:
            wait = True
        elif lc.waitPolicy == enums.LockWaitPolicy.LockWaitSkip:
            wait = False
        args: dict[str, Any] = {"update": update}
        if wait is not None:
            args["wait"] = wait
        if lc.lockedRels:
            args["expressions"] = [self.range_var(r) for r in lc.lockedRels]
        return exp.Lock(**args)

    _SETOPS: ClassVar[dict[Any, tuple[type[exp.Expression], int]]] = {
        enums.SetOperation.SETOP_UNION: (exp.Union, 1),
        enums.SetOperation.SETOP_EXCEPT: (exp.Except, 1),
        enums.SetOperation.SETOP_INTERSECT: (exp.Intersect, 2),
    }

    def set_operation(self, node: ast.SelectStmt) -> exp.Expression:
        cls, level = self._SETOPS[node.op]

        def arm(child: ast.SelectStmt, right: bool) -> exp.Expression:
            lowered = self.select(child)
            child_level = self._SETOPS[child.op][1] if child.op != enums.SetOperation.SETOP_NONE else 99
            decorated = bool(child.sortClause or child.limitCount or child.limitOffset or child.withClause
                             or child.lockingClause)
            if decorated or child_level < level or (right and child_level == level):
                return exp.Subquery(this=lowered)
            return lowered

        return cls(this=arm(node.larg, False), expression=arm(node.rarg, True), distinct=not node.all)

    def target(self, t: ast.ResTarget) -> exp.Expression:
        if t.indirection:
            raise Unsupported("ResTarget", "indirection")
        value = self.expr(t.val)
        if t.name is not None:
            return exp.Alias(this=value, alias=ident(t.name))
        return value

    def from_clause(self, query: exp.Expression, items: Sequence[Any] | None, key: str) -> None:
        if not items:
            return
        first, joins = self.join_tree(items[0])
        for item in items[1:]:
            head, more = self.join_tree(item)
            joins.append(exp.Join(this=head))
            joins.extend(more)
        query.set(key, exp.From(this=first))
        if joins:
            query.set("joins", joins)

    def join_tree(self, node: Any) -> tuple[exp.Expression, list[exp.Join]]:
        if not isinstance(node, ast.JoinExpr):
            return self.from_item(node), []
        if node.join_using_alias is not None:
            raise Unsupported("JoinExpr", "USING (...) AS alias")
        if node.alias is not None:
            return self.nested_join(node), []
        head, joins = self.join_tree(node.larg)
        right = self.nested_join(node.rarg) if isinstance(node.rarg, ast.JoinExpr) else self.from_item(node.rarg)
        args: dict[str, Any] = {"this": right}
        jt = node.jointype
        if jt == enums.JoinType.JOIN_LEFT:
            args["side"] = "LEFT"
        elif jt == enums.JoinType.JOIN_RIGHT:
            args["side"] = "RIGHT"
        elif jt == enums.JoinType.JOIN_FULL:
            args["side"] = "FULL"
        elif jt != enums.JoinType.JOIN_INNER:
            raise Unsupported("JoinExpr", jt.name)
        if node.isNatural:
            args["method"] = "NATURAL"
        elif node.usingClause:
            args["using"] = [ident(u.sval) for u in node.usingClause]
        elif node.quals is not None:
            args["on"] = self.expr(node.quals)
        elif jt == enums.JoinType.JOIN_INNER:
            args["kind"] = "CROSS"
        joins.append(exp.Join(**args))
        return head, joins

    def nested_join(self, node: ast.JoinExpr) -> exp.Expression:
        """A parenthesized join, `(a JOIN b ON ...) [AS j]`: sqlglot hangs the joins on the first table."""
        alias = node.alias
        node.alias = None
        try:
            head, joins = self.join_tree(node)
        finally:
            node.alias = alias
        if "joins" in head.arg_types:
            head.set("joins", joins)
        else:
            raise Unsupported("JoinExpr", "parenthesized join starting with a subquery")
        return exp.Subquery(this=head, alias=self.alias(alias))

    def alias(self, alias: ast.Alias | None) -> exp.TableAlias | None:
        if alias is None:
            return None
        out = exp.TableAlias(this=ident(alias.aliasname))
        if alias.colnames:
            out.set("columns", [ident(c.sval) for c in alias.colnames])
        return out

    def range_var(self, rv: ast.RangeVar) -> exp.Table:
        parts = [n for n in (rv.catalogname, rv.schemaname, rv.relname) if n]
        idents = self.names(parts, rv.location)
        args: dict[str, Any] = {"this": idents[-1]}
        if rv.schemaname:
            args["db"] = idents[-2]
        if rv.catalogname:
            args["catalog"] = idents[0]
        if not rv.inh:
            args["only"] = True
        table = exp.Table(**args)
        if rv.alias is not None:
            table.set("alias", self.alias(rv.alias))
        return table

    def from_item(self, node: Any) -> exp.Expression:
        if isinstance(node, ast.RangeVar):
            return self.range_var(node)
        if isinstance(node, ast.RangeSubselect):
            sub = exp.Subquery(this=self.statement(node.subquery))
            if node.lateral:
                return exp.Lateral(this=sub, alias=self.alias(node.alias))
            if node.alias is not None:
                sub.set("alias", self.alias(node.alias))
            return sub
        if isinstance(node, ast.RangeTableSample):
            table = self.from_item(node.relation)
            if not isinstance(table, exp.Table) or len(node.method) != 1 or len(node.args) != 1:
                raise Unsupported("RangeTableSample", "sampling method with several arguments")
            sample = exp.TableSample(method=exp.Var(this=node.method[0].sval.upper()),
                                     percent=self.expr(node.args[0]))
            if node.repeatable is not None:
                sample.set("seed", self.expr(node.repeatable))
            table.set("sample", sample)
            return table
        if isinstance(node, ast.RangeFunction):
            if node.is_rowsfrom or len(node.functions) != 1:
                raise Unsupported("RangeFunction", "ROWS FROM")
            func, coldefs = node.functions[0]
            if coldefs:
                raise Unsupported("RangeFunction", "column definition list inside ROWS FROM")
            call = self.expr(func)
            alias = self.alias(node.alias)
            if node.coldeflist:
                # f(...) AS x(a int, b text): the alias names typed columns.
                if alias is None or alias.args.get("columns"):
                    raise Unsupported("RangeFunction", "column definition list without an alias")
                alias.set("columns", [self.column_def(c) for c in node.coldeflist])
            if node.lateral:
                out = exp.Lateral(this=call, alias=alias)
            else:
                out = exp.Table(this=call, alias=alias)
            if node.ordinality:
                out.set("ordinality", True)
            return out
        raise Unsupported(type(node).__name__)

    def column_def(self, col: ast.ColumnDef) -> exp.ColumnDef:
        if col.constraints or col.collClause or col.is_not_null or col.raw_default is not None:
            raise Unsupported("ColumnDef", "constraints in a column definition list")
        return exp.ColumnDef(this=ident(col.colname), kind=datatype(col.typeName))

    def returning(self, clause: Any) -> exp.Returning | None:
        if clause is None:
            return None
        if clause.options:
            raise Unsupported("ReturningClause", "RETURNING WITH (OLD/NEW)")
        return exp.Returning(expressions=[self.target(t) for t in clause.exprs])

    def insert(self, node: ast.InsertStmt) -> exp.Expression:
        if node.override != enums.OverridingKind.OVERRIDING_NOT_SET:
            raise Unsupported("InsertStmt", "OVERRIDING")
        table: exp.Expression = self.range_var(node.relation)
        if node.cols:
            cols = []
            for col in node.cols:
                if col.indirection:
                    raise Unsupported("ResTarget", "indirection in an INSERT column list")
                cols.append(ident(col.name))
            table = exp.Schema(this=table, expressions=cols)
        args: dict[str, Any] = {"this": table}
        if node.selectStmt is None:
            args["default"] = True
        else:
            args["expression"] = self.select(node.selectStmt)
        if node.onConflictClause is not None:
            args["conflict"] = self.on_conflict(node.onConflictClause)
        returning = self.returning(node.returningClause)
        if returning is not None:
            args["returning"] = returning
        if node.withClause is not None:
            args["with_"] = self.with_(node.withClause)
        return exp.Insert(**args)

    def on_conflict(self, oc: ast.OnConflictClause) -> exp.OnConflict:
        args: dict[str, Any] = {"duplicate": False}
        infer = oc.infer
        if infer is not None:
            if infer.conname:
                args["constraint"] = ident(infer.conname)
            else:
                keys = []
                for elem in infer.indexElems or ():
                    if elem.collation or elem.opclass or elem.ordering or elem.nulls_ordering or elem.indexcolname:
                        raise Unsupported("IndexElem", "collation / opclass in ON CONFLICT")
                    key = exp.column(ident(elem.name)) if elem.name else _wrap(self.expr(elem.expr), P_ATOM)
                    keys.append(exp.Ordered(this=key, nulls_first=False))
                args["conflict_keys"] = keys
                if infer.whereClause is not None:
                    args["index_predicate"] = exp.Where(this=self.expr(infer.whereClause))
        if oc.action == enums.OnConflictAction.ONCONFLICT_NOTHING:
            args["action"] = exp.Var(this="DO NOTHING")
        else:
            args["action"] = exp.Var(this="DO UPDATE")
            args["expressions"] = self.set_list(oc.targetList)
            if oc.whereClause is not None:
                args["where"] = exp.Where(this=self.expr(oc.whereClause))
        return exp.OnConflict(**args)

    def set_list(self, targets: Sequence[ast.ResTarget]) -> list[exp.Expression]:
        out = []
        pending: list[exp.Expression] = []
        for t in targets:
            if isinstance(t.val, ast.MultiAssignRef):
                # SET (a, b) = (...): one ResTarget per column, all sharing the source.
                if t.indirection:
                    raise Unsupported("MultiAssignRef", "subscripted target")
                pending.append(exp.column(ident(t.name)))
                if t.val.colno == t.val.ncolumns:
                    source = t.val.source
                    if isinstance(source, ast.SubLink) and source.subLinkType in (
                            enums.SubLinkType.MULTIEXPR_SUBLINK, enums.SubLinkType.EXPR_SUBLINK):
                        value: exp.Expression = exp.Subquery(this=self.statement(source.subselect))
                    elif isinstance(source, ast.RowExpr):
                        value = _row(self, source)
                        explicit = source.row_format == enums.CoercionForm.COERCE_EXPLICIT_CALL
                        if not isinstance(value, exp.Tuple) and not explicit:
                            value = exp.Tuple(expressions=[value])
                    else:
                        raise Unsupported("MultiAssignRef", type(source).__name__)
                    out.append(exp.EQ(this=exp.Tuple(expressions=pending), expression=value))
                    pending = []
                continue
            column: exp.Expression = exp.column(ident(t.name))
            if t.indirection:
                column = apply_indirection(self, column, t.indirection, target=True)
            out.append(exp.EQ(this=column, expression=self.expr(t.val)))
        return out

    def update(self, node: ast.UpdateStmt) -> exp.Expression:
        out = exp.Update(this=self.range_var(node.relation), expressions=self.set_list(node.targetList))
        self.from_clause(out, node.fromClause, "from_")
        joins = out.args.get("joins")
        if joins:
            # sqlglot's shape for UPDATE ... FROM a JOIN b: the joins hang on the first FROM item.
            first = out.args["from_"].this
            if "joins" not in first.arg_types:
                raise Unsupported("UpdateStmt", "UPDATE ... FROM whose first item cannot carry joins")
            out.set("joins", None)
            first.set("joins", joins)
        if node.whereClause is not None:
            out.set("where", exp.Where(this=self.expr(node.whereClause)))
        out.set("returning", self.returning(node.returningClause))
        if node.withClause is not None:
            out.set("with_", self.with_(node.withClause))
        return out

    def delete(self, node: ast.DeleteStmt) -> exp.Expression:
        out = exp.Delete(this=self.range_var(node.relation))
        if node.usingClause:
            using = []
            for item in node.usingClause:
                head, joins = self.join_tree(item)
                if joins:
                    raise Unsupported("DeleteStmt", "joins in DELETE ... USING")
                using.append(head)
            out.set("using", using)
        if node.whereClause is not None:
            out.set("where", exp.Where(this=self.expr(node.whereClause)))
        out.set("returning", self.returning(node.returningClause))
        if node.withClause is not None:
            out.set("with_", self.with_(node.withClause))
        return out

    # -- clauses -------------------------------------------------------------------------------

    def sort_by(self, s: ast.SortBy) -> exp.Ordered:
        args: dict[str, Any] = {"this": self.expr(s.node)}
        desc = s.sortby_dir == enums.SortByDir.SORTBY_DESC
        if s.sortby_dir in (enums.SortByDir.SORTBY_ASC, enums.SortByDir.SORTBY_DESC):
            args["desc"] = desc
        nulls = s.sortby_nulls
        if nulls == enums.SortByNulls.SORTBY_NULLS_FIRST:
            args["nulls_first"] = True
        elif nulls == enums.SortByNulls.SORTBY_NULLS_LAST:
            args["nulls_first"] = False
        else:
            args["nulls_first"] = desc
        out = exp.Ordered(**args)
        if nulls != enums.SortByNulls.SORTBY_NULLS_DEFAULT:
            # sqlglot omits NULLS FIRST/LAST when it is the default; PostgreSQL keeps the spelling.
            out.meta["pg_nulls"] = "FIRST" if nulls == enums.SortByNulls.SORTBY_NULLS_FIRST else "LAST"
        if s.sortby_dir == enums.SortByDir.SORTBY_USING:
            # The IR has no place for the operator: a printer that does not know it would drop it.
            raise Unsupported("SortBy", "ORDER BY ... USING operator")
        return out

    def window(self, w: ast.WindowDef, *, named: bool = False, func: exp.Expression | None = None) -> exp.Window:
        args: dict[str, Any] = {}
        if func is not None:
            args["this"] = func
            args["over"] = "OVER"
            if w.name and not (w.partitionClause or w.orderClause or w.refname):
                args["alias"] = ident(w.name)
                return exp.Window(**args)
        elif named:
            args["this"] = ident(w.name)
        if w.refname:
            if w.partitionClause:
                raise Unsupported("WindowDef", "PARTITION BY after an existing window name")
            args["alias"] = ident(w.refname)
        if w.partitionClause:
            args["partition_by"] = self.exprs(w.partitionClause)
        if w.orderClause:
            args["order"] = exp.Order(expressions=[self.sort_by(s) for s in w.orderClause])
        spec = self.frame(w)
        if spec is not None:
            args["spec"] = spec
        return exp.Window(**args)

    def frame(self, w: ast.WindowDef) -> exp.WindowSpec | None:
        opts = w.frameOptions
        if not opts & enums.FRAMEOPTION_NONDEFAULT:
            return None
        if opts & (enums.FRAMEOPTION_EXCLUDE_CURRENT_ROW | enums.FRAMEOPTION_EXCLUDE_GROUP
                   | enums.FRAMEOPTION_EXCLUDE_TIES):
            raise Unsupported("WindowDef", "frame EXCLUDE")
        if opts & enums.FRAMEOPTION_ROWS:
            kind = "ROWS"
        elif opts & enums.FRAMEOPTION_RANGE:
            kind = "RANGE"
        else:
            kind = "GROUPS"
        args: dict[str, Any] = {"kind": kind}

        def bound(prefix: str, offset: Any) -> tuple[Any, str | None]:
            if opts & getattr(enums, f"FRAMEOPTION_{prefix}_UNBOUNDED_PRECEDING"):
                return "UNBOUNDED", "PRECEDING"
            if opts & getattr(enums, f"FRAMEOPTION_{prefix}_UNBOUNDED_FOLLOWING"):
                return "UNBOUNDED", "FOLLOWING"
            if opts & getattr(enums, f"FRAMEOPTION_{prefix}_CURRENT_ROW"):
                return "CURRENT ROW", None
            if opts & getattr(enums, f"FRAMEOPTION_{prefix}_OFFSET_PRECEDING"):
                return self.expr(offset), "PRECEDING"
            return self.expr(offset), "FOLLOWING"

        args["start"], side = bound("START", w.startOffset)
        if side:
            args["start_side"] = side
        if opts & enums.FRAMEOPTION_BETWEEN:
            args["end"], side = bound("END", w.endOffset)
            if side:
                args["end_side"] = side
        return exp.WindowSpec(**args)


# -- expression handlers ---------------------------------------------------------------------

_EXPR: dict[type, Callable[[Lowerer, Any], exp.Expression]] = {}


def handles(*types: type) -> Callable[[Callable[[Lowerer, Any], exp.Expression]], Callable[..., exp.Expression]]:
    def register(fn: Callable[[Lowerer, Any], exp.Expression]) -> Callable[..., exp.Expression]:
        for t in types:
            if t in _EXPR:
                raise RuntimeError(f"two lowerings for {t.__name__}")
            _EXPR[t] = fn
        return fn

    return register


@handles(ast.A_Const)
def _const(lw: Lowerer, node: ast.A_Const) -> exp.Expression:
    if node.isnull:
        return exp.Null()
    val = node.val
    if isinstance(val, ast.Integer):
        return _number(str(val.ival))
    if isinstance(val, ast.Float):
        return _number(val.fval)
    if isinstance(val, ast.String):
        return exp.Literal.string(val.sval)
    if isinstance(val, ast.Boolean):
        return exp.Boolean(this=bool(val.boolval))
    if isinstance(val, ast.BitString):
        text = val.bsval
        if text[:1] in ("b", "B"):
            return exp.BitString(this=text[1:])
        if text[:1] in ("x", "X"):
            return exp.HexString(this=text[1:])
    raise Unsupported("A_Const", type(val).__name__)


@handles(ast.ColumnRef)
def _column_ref(lw: Lowerer, node: ast.ColumnRef) -> exp.Expression:
    parts: list[exp.Expression] = []
    names = [f.sval for f in node.fields if isinstance(f, ast.String)]
    idents = iter(lw.names(names, node.location))
    for f in node.fields:
        if isinstance(f, ast.A_Star):
            parts.append(exp.Star())
        elif isinstance(f, ast.String):
            parts.append(next(idents))
        else:
            raise Unsupported("ColumnRef", type(f).__name__)
    if len(parts) == 1 and isinstance(parts[0], exp.Star):
        return parts[0]
    if len(parts) > 4:
        raise Unsupported("ColumnRef", "more than four name parts")
    keys = ("this", "table", "db", "catalog")
    return exp.Column(**{k: p for k, p in zip(keys, reversed(parts), strict=False)})


@handles(ast.ParamRef)
def _param(lw: Lowerer, node: ast.ParamRef) -> exp.Expression:
    if lw.anonymous_params:
        return exp.Placeholder()
    return exp.Parameter(this=exp.Literal.number(node.number))


_BINARY_OPS: dict[str, tuple[type[exp.Expression], int]] = {
    "=": (exp.EQ, P_CMP), "<>": (exp.NEQ, P_CMP), "<": (exp.LT, P_CMP), ">": (exp.GT, P_CMP),
    "<=": (exp.LTE, P_CMP), ">=": (exp.GTE, P_CMP), "+": (exp.Add, P_ADD), "-": (exp.Sub, P_ADD),
    "*": (exp.Mul, P_MUL), "/": (exp.Div, P_MUL), "%": (exp.Mod, P_MUL), "||": (exp.DPipe, P_OTHER),
}


def _op_name(name: Sequence[ast.String]) -> tuple[str, bool]:
    """(operator text, qualified?)"""
    parts = [n.sval for n in name]
    return parts[-1], len(parts) > 1


def _operator(lw: Lowerer, op: str, left: exp.Expression | None, right: exp.Expression) -> exp.Expression:
    if op in _BINARY_OPS and left is not None:
        cls, level = _BINARY_OPS[op]
        if cls is exp.Div:  # PostgreSQL's / keeps the operand types (integer division stays integer)
            return binary(cls, left, right, level, typed=True, safe=False)
        return binary(cls, left, right, level)
    if left is None:
        if op == "-":
            inner = _wrap(right, P_UNARY - 1)
            if isinstance(inner, (exp.Neg,)) or (isinstance(inner, exp.Literal) and inner.this.startswith("-")):
                inner = exp.Paren(this=inner)
            return exp.Neg(this=inner)
        return exp.Operator(this=None, operator=op, expression=_wrap(right, P_OTHER))
    if op in _OTHER_OPS:
        return binary(_OTHER_OPS[op], left, right, P_OTHER)
    level = P_POW if op == "^" else P_OTHER
    return binary(exp.Operator, left, right, level, operator=op)


# PostgreSQL operators sqlglot has a node for (and prints back as the same operator).
_OTHER_OPS: dict[str, type[exp.Expression]] = {
    "~": exp.RegexpLike, "~*": exp.RegexpILike, "@>": exp.ArrayContainsAll, "<@": exp.ArrayContainedBy,
    "&&": exp.ArrayOverlaps, "<->": exp.Distance,
}


@handles(ast.A_Expr)
def _a_expr(lw: Lowerer, node: ast.A_Expr) -> exp.Expression:
    kind = node.kind
    K = enums.A_Expr_Kind
    op, qualified = _op_name(node.name)
    if qualified:
        raise Unsupported("A_Expr", "OPERATOR(schema.op)")
    if kind == K.AEXPR_OP:
        left = lw.expr(node.lexpr) if node.lexpr is not None else None
        return _operator(lw, op, left, lw.expr(node.rexpr))
    if kind in (K.AEXPR_OP_ANY, K.AEXPR_OP_ALL):
        wrapper = exp.Any if kind == K.AEXPR_OP_ANY else exp.All
        rhs = wrapper(this=exp.Paren(this=lw.expr(node.rexpr)))
        return _operator(lw, op, lw.expr(node.lexpr), rhs)
    if kind in (K.AEXPR_DISTINCT, K.AEXPR_NOT_DISTINCT):
        cls = exp.NullSafeNEQ if kind == K.AEXPR_DISTINCT else exp.NullSafeEQ
        return binary(cls, lw.expr(node.lexpr), lw.expr(node.rexpr), P_IS)
    if kind == K.AEXPR_NULLIF:
        return exp.Nullif(this=lw.expr(node.lexpr), expression=lw.expr(node.rexpr))
    if kind == K.AEXPR_IN:
        if not isinstance(node.rexpr, tuple):
            raise Unsupported("A_Expr", "IN with a non-list right side")
        out = exp.In(this=_wrap(lw.expr(node.lexpr), P_RANGE), expressions=lw.exprs(node.rexpr))
        if op == "<>":
            return _infix_not(out)
        return out
    if kind in (K.AEXPR_LIKE, K.AEXPR_ILIKE):
        cls = exp.Like if kind == K.AEXPR_LIKE else exp.ILike
        negate = op.startswith("!")
        if op not in ("~~", "!~~", "~~*", "!~~*"):
            raise Unsupported("A_Expr", f"LIKE operator {op}")
        return _like(lw, cls, node, negate)
    if kind == K.AEXPR_SIMILAR:
        right = node.rexpr
        if isinstance(right, ast.FuncCall) and [n.sval for n in right.funcname] == ["pg_catalog", "similar_to_escape"]:
            if len(right.args) != 1:
                raise Unsupported("A_Expr", "SIMILAR TO ... ESCAPE")
            right = right.args[0]
        out = binary(exp.SimilarTo, lw.expr(node.lexpr), lw.expr(right), P_RANGE)
        return _infix_not(out) if op == "!~" else out
    if kind in (K.AEXPR_BETWEEN, K.AEXPR_NOT_BETWEEN, K.AEXPR_BETWEEN_SYM, K.AEXPR_NOT_BETWEEN_SYM):
        low, high = node.rexpr
        args: dict[str, Any] = {"this": _wrap(lw.expr(node.lexpr), P_RANGE), "low": _wrap(lw.expr(low), P_RANGE),
                                "high": _wrap(lw.expr(high), P_RANGE)}
        if kind in (K.AEXPR_BETWEEN_SYM, K.AEXPR_NOT_BETWEEN_SYM):
            args["symmetric"] = True
        out = exp.Between(**args)
        if kind in (K.AEXPR_NOT_BETWEEN, K.AEXPR_NOT_BETWEEN_SYM):
            return _infix_not(out)
        return out
    raise Unsupported("A_Expr", kind.name)


def _like(lw: Lowerer, cls: type[exp.Expression], node: ast.A_Expr, negate: bool) -> exp.Expression:
    right = node.rexpr
    escape = None
    if isinstance(right, ast.FuncCall) and [n.sval for n in right.funcname] == ["pg_catalog", "like_escape"]:
        right, escape = right.args
    args: dict[str, Any] = {}
    if negate:
        args["negate"] = True
    out = binary(cls, lw.expr(node.lexpr), lw.expr(right), P_RANGE, **args)
    if escape is not None:
        return exp.Escape(this=out, expression=_wrap(lw.expr(escape), P_RANGE))
    return out


def _infix_not(node: exp.Expression) -> exp.Not:
    # `a NOT IN (...)` / `a NOT BETWEEN ...`: sqlglot's shape is Not(In); the mark makes the
    # PostgreSQL printer put NOT in the middle, which is what PostgreSQL parsed.
    out = exp.Not(this=node)
    out.meta["pg_infix_not"] = True
    return out


@handles(ast.BoolExpr)
def _bool_expr(lw: Lowerer, node: ast.BoolExpr) -> exp.Expression:
    T = enums.BoolExprType
    if node.boolop == T.NOT_EXPR:
        return exp.Not(this=_wrap(lw.expr(node.args[0]), P_AND))
    cls, level = (exp.And, P_AND) if node.boolop == T.AND_EXPR else (exp.Or, P_OR)
    args = [_wrap(lw.expr(a), level) for a in node.args]
    out = args[0]
    for a in args[1:]:
        out = cls(this=out, expression=a)
    return out


@handles(ast.NullTest)
def _null_test(lw: Lowerer, node: ast.NullTest) -> exp.Expression:
    args: dict[str, Any] = {}
    if node.nulltesttype == enums.NullTestType.IS_NOT_NULL:
        args["negate"] = True
    return exp.Is(this=_wrap(lw.expr(node.arg), P_IS), expression=exp.Null(), **args)


@handles(ast.BooleanTest)
def _bool_test(lw: Lowerer, node: ast.BooleanTest) -> exp.Expression:
    name = node.booltesttype.name  # IS_TRUE, IS_NOT_FALSE, ...
    value = name.rsplit("_", 1)[1]
    rhs: exp.Expression = exp.Boolean(this=value == "TRUE") if value != "UNKNOWN" else exp.Var(this="UNKNOWN")
    args: dict[str, Any] = {"negate": True} if "_NOT_" in name else {}
    return exp.Is(this=_wrap(lw.expr(node.arg), P_IS), expression=rhs, **args)


@handles(ast.TypeCast)
def _type_cast(lw: Lowerer, node: ast.TypeCast) -> exp.Expression:
    return exp.Cast(this=lw.expr(node.arg), to=datatype(node.typeName))


@handles(ast.CollateClause)
def _collate(lw: Lowerer, node: ast.CollateClause) -> exp.Expression:
    names = [n.sval for n in node.collname]
    coll: exp.Expression = exp.Identifier(this=names[-1], quoted=True)
    if len(names) == 2:
        coll = exp.Dot(this=ident(names[0]), expression=coll)
    elif len(names) > 2:
        raise Unsupported("CollateClause", "collation name with more than two parts")
    return exp.Collate(this=_wrap(lw.expr(node.arg), P_COLLATE), expression=coll)


_AGGREGATES: dict[str, type[exp.Expression]] = {
    "count": exp.Count, "sum": exp.Sum, "avg": exp.Avg, "min": exp.Min, "max": exp.Max,
}


@handles(ast.FuncCall)
def _func_call(lw: Lowerer, node: ast.FuncCall) -> exp.Expression:
    names = [n.sval for n in node.funcname]
    if node.funcformat == enums.CoercionForm.COERCE_SQL_SYNTAX:
        return _sql_syntax_call(lw, node, names)
    args = [exp.Star()] if node.agg_star else lw.exprs(node.args)
    if node.func_variadic:
        # VARIADIC marks the last argument as the array of the variadic parameter; a prefix keyword.
        args[-1] = exp.Operator(this=None, operator="VARIADIC", expression=args[-1])
    name = names[-1]
    cls = _AGGREGATES.get(name) if len(names) == 1 else None
    if node.agg_distinct:
        args = [exp.Distinct(expressions=args)]
    if node.agg_order and not node.agg_within_group:
        if not args:
            raise Unsupported("FuncCall", "ORDER BY without arguments")
        order = [lw.sort_by(s) for s in node.agg_order]
        last = args.pop()
        args.append(exp.Order(this=last, expressions=order))
        cls = None
    call: exp.Expression | None = None
    if cls is not None and len(args) == 1 and not (cls is not exp.Count and isinstance(args[0], exp.Star)):
        call = cls(this=args[0], big_int=True) if cls is exp.Count else cls(this=args[0])
    elif (len(names) == 1 and name in _TYPED_FUNCTIONS and not node.agg_star and not node.agg_distinct
          and not node.agg_order and not node.func_variadic):
        call = _typed_function(name, args)
    if call is None:
        # An aggregate the passes must recognise (AddSelectFields leaves aggregating queries alone):
        # a known PostgreSQL aggregate, or any call with aggregate-only syntax.
        aggregate = name in _AGGREGATE_NAMES or bool(
            node.agg_distinct or node.agg_order or node.agg_filter is not None or node.agg_within_group)
        anonymous = exp.AnonymousAggFunc if aggregate and node.over is None else exp.Anonymous
        call = anonymous(this=name if not needs_quotes(name) else ident(name), expressions=args)
        if len(names) > 1:
            if len(names) > 2:
                raise Unsupported("FuncCall", "function name with more than two parts")
            call = exp.Dot(this=ident(names[0]), expression=call)
    if node.agg_within_group:
        call = exp.WithinGroup(this=call, expression=exp.Order(expressions=[lw.sort_by(s) for s in node.agg_order]))
    if node.agg_filter is not None:
        call = exp.Filter(this=call, expression=exp.Where(this=lw.expr(node.agg_filter)))
    if node.over is not None:
        call = lw.window(node.over, func=call)
    return call


# Functions built as sqlglot's postgres parser builds them (exp.Lower, exp.Round, ...), so passes and
# other printers see typed nodes. Each prints back the same call (the round-trip check guards it;
# the list holds the ones that do on the corpus).
_TYPED_FUNCTIONS = frozenset({
    "abs", "ceil", "floor", "round", "power", "sign", "ln", "exp", "lower", "upper", "initcap", "md5",
    "repeat", "chr", "row_number", "rank", "cume_dist", "lag", "lead", "first_value", "last_value",
    "stddev_pop", "stddev_samp", "var_pop", "array_length", "array_to_string", "string_to_array",
    "regexp_replace", "to_char", "unnest", "random", "generate_series",
    "array_agg", "bool_and", "bool_or", "stddev", "variance", "bit_and", "bit_or", "corr", "covar_pop", "var_samp",
})
# PostgreSQL's built-in aggregates without a sqlglot node of their own.
_AGGREGATE_NAMES = frozenset({
    "string_agg", "json_agg", "jsonb_agg", "json_object_agg", "jsonb_object_agg", "every", "xmlagg", "bit_xor",
    "regr_count", "regr_avgx", "regr_avgy", "regr_intercept", "regr_r2", "regr_slope", "regr_sxx", "regr_sxy",
    "regr_syy", "covar_samp", "range_agg", "range_intersect_agg", "mode", "percentile_cont", "percentile_disc",
    "rank", "dense_rank", "percent_rank", "cume_dist", "array_agg", "any_value", "stddev_samp", "stddev_pop",
    "var_pop", "variance", "stddev", "bool_and", "bool_or", "bit_and", "bit_or", "corr", "covar_pop", "var_samp",
})


def _typed_function(name: str, args: list[exp.Expression]) -> exp.Expression | None:
    from sqlglot.dialects.postgres import Postgres

    builder = Postgres.Parser.FUNCTIONS.get(name.upper())
    if builder is None:
        return None
    try:
        if "dialect" in _builder_params(builder):
            return builder(args, dialect=_postgres())
        return builder(args)
    except Exception:  # the builder wants other arguments: keep the call as written
        return None


@functools.cache
def _builder_params(builder: Callable[..., Any]) -> frozenset[str]:
    import inspect

    try:
        return frozenset(inspect.signature(builder).parameters)
    except (TypeError, ValueError):
        return frozenset()


@functools.cache
def _postgres() -> Any:
    from sqlglot.dialects.postgres import Postgres

    return Postgres()


def _sql_syntax_call(lw: Lowerer, node: ast.FuncCall, names: list[str]) -> exp.Expression:
    if names == ["pg_catalog", "timezone"] and len(node.args) == 2:
        zone, value = node.args
        return exp.AtTimeZone(this=_wrap(lw.expr(value), P_AT), zone=_wrap(lw.expr(zone), P_AT))
    if names == ["pg_catalog", "extract"] and len(node.args) == 2:
        field, value = node.args
        if isinstance(field, ast.A_Const) and isinstance(field.val, ast.String) and _SAFE_NAME.match(field.val.sval):
            return exp.Extract(this=exp.Var(this=field.val.sval), expression=lw.expr(value))
    args = lw.exprs(node.args)
    if names == ["pg_catalog", "position"] and len(args) == 2:
        return exp.StrPosition(this=_wrap(args[0], P_RANGE), substr=_wrap(args[1], P_RANGE))
    if names == ["pg_catalog", "substring"] and len(args) in (2, 3):
        return exp.Substring(this=args[0], start=args[1], length=args[2] if len(args) == 3 else None)
    if names == ["pg_catalog", "overlay"] and len(args) in (3, 4):
        return exp.Overlay(this=args[0], expression=args[1], from_=args[2], for_=args[3] if len(args) == 4 else None)
    if names[0] == "pg_catalog" and names[1] in _TRIMS and len(args) in (1, 2):
        out = exp.Trim(this=args[0], position=_TRIMS[names[1]])
        if len(args) == 2:
            out.set("expression", args[1])
        return out
    raise Unsupported("FuncCall", f"SQL-syntax call {'.'.join(names)}")


_TRIMS = {"btrim": "BOTH", "ltrim": "LEADING", "rtrim": "TRAILING"}


@handles(ast.NamedArgExpr)
def _named_arg(lw: Lowerer, node: ast.NamedArgExpr) -> exp.Expression:
    return exp.Kwarg(this=ident(node.name), expression=lw.expr(node.arg))


@handles(ast.SubLink)
def _sublink(lw: Lowerer, node: ast.SubLink) -> exp.Expression:
    T = enums.SubLinkType
    kind = node.subLinkType
    query = lw.statement(node.subselect)
    if kind == T.EXISTS_SUBLINK:
        return exp.Exists(this=query)
    if kind == T.EXPR_SUBLINK:
        return exp.Subquery(this=query)
    if kind == T.ARRAY_SUBLINK:
        return exp.Array(expressions=[query])
    if kind in (T.ANY_SUBLINK, T.ALL_SUBLINK):
        left = lw.expr(node.testexpr)
        if kind == T.ANY_SUBLINK and not node.operName:
            return exp.In(this=_wrap(left, P_RANGE), query=exp.Subquery(this=query))
        op, qualified = _op_name(node.operName)
        if qualified:
            raise Unsupported("SubLink", "OPERATOR(schema.op)")
        wrapper = exp.Any if kind == T.ANY_SUBLINK else exp.All
        return _operator(lw, op, left, wrapper(this=exp.Subquery(this=query)))
    raise Unsupported("SubLink", kind.name)


@handles(ast.CaseExpr)
def _case(lw: Lowerer, node: ast.CaseExpr) -> exp.Expression:
    args: dict[str, Any] = {"ifs": [exp.If(this=lw.expr(w.expr), true=lw.expr(w.result)) for w in node.args]}
    if node.arg is not None:
        args["this"] = lw.expr(node.arg)
    if node.defresult is not None:
        args["default"] = lw.expr(node.defresult)
    return exp.Case(**args)


@handles(ast.CoalesceExpr)
def _coalesce(lw: Lowerer, node: ast.CoalesceExpr) -> exp.Expression:
    args = lw.exprs(node.args)
    return exp.Coalesce(this=args[0], expressions=args[1:])


@handles(ast.MinMaxExpr)
def _min_max(lw: Lowerer, node: ast.MinMaxExpr) -> exp.Expression:
    args = lw.exprs(node.args)
    cls = exp.Greatest if node.op == enums.MinMaxOp.IS_GREATEST else exp.Least
    return cls(this=args[0], expressions=args[1:])


@handles(ast.A_ArrayExpr)
def _array(lw: Lowerer, node: ast.A_ArrayExpr) -> exp.Expression:
    return exp.Array(expressions=lw.exprs(node.elements))


@handles(ast.RowExpr)
def _row(lw: Lowerer, node: ast.RowExpr) -> exp.Expression:
    args = lw.exprs(node.args)
    if node.row_format == enums.CoercionForm.COERCE_IMPLICIT_CAST and len(args) > 1:
        return exp.Tuple(expressions=args)
    return exp.Anonymous(this="ROW", expressions=args)


@handles(ast.A_Indirection)
def _indirection(lw: Lowerer, node: ast.A_Indirection) -> exp.Expression:
    arg = lw.expr(node.arg)
    # `a[1]` and `$1[1]` need no parentheses; anything else, and any field selection on a
    # column (`(p.hobbies).name` is not the column p.hobbies.name), does.
    first_is_subscript = isinstance(node.indirection[0], ast.A_Indices)
    if not (first_is_subscript and isinstance(arg, (exp.Column, exp.Parameter, exp.Placeholder))):
        arg = exp.Paren(this=arg)
    return apply_indirection(lw, arg, node.indirection)


def apply_indirection(lw: Lowerer, out: exp.Expression, steps: Sequence[Any], *,
                      target: bool = False) -> exp.Expression:
    """Subscripts and field selections; `target`: the left side of SET (no parentheses there)."""
    for step in steps:
        if isinstance(step, ast.A_Indices):
            if step.is_slice:
                index: exp.Expression = exp.Slice(
                    this=lw.expr(step.lidx) if step.lidx is not None else None,
                    expression=lw.expr(step.uidx) if step.uidx is not None else None)
            else:
                index = lw.expr(step.uidx)
            out = exp.Bracket(this=out, expressions=[index], offset=1)
        elif isinstance(step, (ast.String, ast.A_Star)):
            field = ident(step.sval) if isinstance(step, ast.String) else exp.Star()
            if target and not isinstance(out, exp.Column):
                raise Unsupported("ResTarget", "nested field assignment")
            # A field of a composite value, not a column of a table: Dot, so that renaming passes
            # never read `col.field` as `table.column`.
            out = exp.Dot(this=out, expression=field)
        else:
            raise Unsupported("A_Indirection", type(step).__name__)
    return out


_SVF = {
    "SVFOP_CURRENT_DATE": exp.CurrentDate, "SVFOP_CURRENT_TIMESTAMP": exp.CurrentTimestamp,
    "SVFOP_CURRENT_TIME": exp.CurrentTime, "SVFOP_CURRENT_USER": exp.CurrentUser,
}


@handles(ast.SQLValueFunction)
def _sql_value_function(lw: Lowerer, node: ast.SQLValueFunction) -> exp.Expression:
    name = node.op.name
    if name.endswith("_N"):
        # CURRENT_TIME(3) and friends: keywords with a precision, printed as written.
        return exp.Anonymous(this=name.removeprefix("SVFOP_").removesuffix("_N"),
                             expressions=[exp.Literal.number(node.typmod)])
    cls = _SVF.get(name)
    if cls is not None:
        return cls()
    return exp.Var(this=name.removeprefix("SVFOP_"))


@handles(ast.SetToDefault)
def _default(lw: Lowerer, node: ast.SetToDefault) -> exp.Expression:
    return exp.Var(this="DEFAULT")


@handles(ast.GroupingFunc)
def _grouping(lw: Lowerer, node: ast.GroupingFunc) -> exp.Expression:
    return exp.Anonymous(this="GROUPING", expressions=lw.exprs(node.args))


@handles(ast.GroupingSet)
def _grouping_set(lw: Lowerer, node: ast.GroupingSet) -> exp.Expression:
    K = enums.GroupingSetKind
    if node.kind == K.GROUPING_SET_EMPTY:
        return exp.Tuple(expressions=[])
    items = lw.exprs(node.content)
    if node.kind == K.GROUPING_SET_ROLLUP:
        return exp.Rollup(expressions=items)
    if node.kind == K.GROUPING_SET_CUBE:
        return exp.Cube(expressions=items)
    if node.kind == K.GROUPING_SET_SETS:
        return exp.GroupingSets(expressions=items)
    return exp.Tuple(expressions=items) if len(items) != 1 else exp.Paren(this=items[0])
