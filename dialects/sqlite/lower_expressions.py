"""SQLite expressions -> IR: the expression half of the lowering (operators, calls, CASE, CAST,
subqueries) and the clauses calls carry (ORDER BY inside an aggregate, OVER windows).

`ExpressionLowerer` is the base of the statement lowering in `lower.py`; a subquery inside an
expression is lowered by the statement half (`query`), which the subclass provides.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from antlr4 import ParserRuleContext
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect as SqlglotDialect

from dialects.sqlite._generated.SQLiteParser import SQLiteParser as P
from dialects.sqlite.functions import TYPED_FUNCTIONS
from dialects.sqlite.leaves import data_type, identifier, literal, parameter, table_ref, unquote
from sqlparser.ir import Unlowerable

_SQLGLOT_SQLITE = SqlglotDialect.get_or_raise("sqlite")
_FUNCTIONS: dict[str, Any] = _SQLGLOT_SQLITE.parser_class.FUNCTIONS


class ExpressionLowerer(ABC):
    """Lowers expressions; subclasses add statements. One instance per statement."""

    @abstractmethod
    def query(self, ctx: P.QueryContext) -> exp.Expression:
        """A (sub)query: SELECT with its own WITH clause."""

    # -- clauses inside expressions -----------------------------------------------------------

    def order_by(self, ctx: P.Order_by_clauseContext) -> exp.Order:
        return exp.Order(expressions=[self.ordering_term(t) for t in ctx.ordering_term()])

    def ordering_term(self, ctx: P.Ordering_termContext) -> exp.Ordered:
        desc = ctx.DESC() is not None
        ordered = exp.Ordered(this=self.expr(ctx.expr()))
        if desc:
            ordered.set("desc", True)
        elif ctx.ASC() is not None:
            ordered.set("desc", False)
        if ctx.NULLS() is not None:
            ordered.set("nulls_first", ctx.FIRST() is not None)
        else:
            # SQLite sorts NULLs first ascending, last descending; sqlglot records that default.
            ordered.set("nulls_first", not desc)
        return ordered

    def window_definition(self, ctx: P.Window_definitionContext) -> exp.Window:
        window = self.window_spec(ctx.window_spec())
        window.set("this", identifier(ctx.window_name()))
        return window

    def window_spec(self, ctx: P.Window_specContext, window: exp.Window | None = None) -> exp.Window:
        if window is None:
            window = exp.Window()
        if ctx.base is not None:
            window.set("alias", identifier(ctx.base))
        if ctx.PARTITION() is not None:
            window.set("partition_by", [self.expr(e) for e in ctx.expr()])
        order = ctx.order_by_clause()
        if order is not None:
            window.set("order", self.order_by(order))
        frame = ctx.frame_spec()
        if frame is not None:
            window.set("spec", self.frame_spec(frame))
        return window

    def frame_spec(self, ctx: P.Frame_specContext) -> exp.WindowSpec:
        spec = exp.WindowSpec(kind=ctx.start.text.upper())
        bounds = ctx.frame_bound()
        start_value, start_side = self._frame_bound(bounds[0])
        spec.set("start", start_value)
        if start_side:
            spec.set("start_side", start_side)
        if len(bounds) > 1:
            end_value, end_side = self._frame_bound(bounds[1])
            spec.set("end", end_value)
            if end_side:
                spec.set("end_side", end_side)
        if ctx.EXCLUDE() is not None:
            words = [c.getText().upper() for c in ctx.children]
            exclude = " ".join(words[words.index("EXCLUDE") + 1:])
            spec.set("exclude", exp.Var(this=exclude))
        return spec

    def _frame_bound(self, ctx: P.Frame_boundContext) -> tuple[Any, str | None]:
        side = None
        if ctx.PRECEDING() is not None:
            side = "PRECEDING"
        elif ctx.FOLLOWING() is not None:
            side = "FOLLOWING"
        if ctx.UNBOUNDED() is not None and ctx.expr() is None:
            return "UNBOUNDED", side
        if ctx.CURRENT() is not None and ctx.expr() is None:
            return "CURRENT ROW", None
        return self.expr(ctx.expr()), side

    # -- expressions --------------------------------------------------------------------------

    def expr(self, ctx: ParserRuleContext) -> exp.Expression:
        if type(ctx) is _EXPR:
            children = ctx.children
            if len(children) == 1:  # most `expr`s are one operand without AND/OR: skip a call
                ctx = children[0]
        return _EXPR_HANDLERS[type(ctx)](self, ctx)

    def _left(self, ctx: ParserRuleContext) -> exp.Expression:
        """The left operand of an infix or postfix operator. `a NOT IN (1)` lowers to NOT(a IN (1)),
        which prints with the NOT in front: as a left operand that NOT would swallow the operator
        (`NOT a IN (1) = x` is NOT((a IN (1)) = x)), so it is parenthesized."""
        node = self.expr(ctx)
        return exp.Paren(this=node) if isinstance(node, exp.Not) else node

    def _expr(self, ctx: P.ExprContext) -> exp.Expression:
        children = ctx.children
        if len(children) == 1:
            return self.expr(children[0])
        # operand (op operand)*: AND binds tighter than OR, both associate to the left.
        terms: list[exp.Expression] = []  # the OR operands, each an AND chain
        current = self.expr(children[0])
        for i in range(1, len(children), 2):
            operand = self.expr(children[i + 1])
            if children[i].symbol.type == P.AND:
                current = exp.And(this=current, expression=operand)
            else:
                terms.append(current)
                current = operand
        terms.append(current)
        result = terms[0]
        for term in terms[1:]:
            result = exp.Or(this=result, expression=term)
        return result

    def _literal_expr(self, ctx: P.Literal_exprContext) -> exp.Expression:
        return literal(ctx)  # the literal is the context's only token

    def _parameter_expr(self, ctx: P.Parameter_exprContext) -> exp.Expression:
        return parameter(ctx.start.text)

    def _column_expr(self, ctx: P.Column_exprContext) -> exp.Expression:
        token = ctx.children[0].symbol  # the name is the context's only token
        # A bare TRUE / FALSE (any case) is the boolean; quoted, it is a column ("true" keeps its quotes).
        boolean = _BOOLEAN_WORDS.get(token.text.lower())
        if boolean is not None:
            return exp.Boolean(this=boolean)
        return exp.Column(this=identifier(token))

    def _qualified_column_expr(self, ctx: P.Qualified_column_exprContext) -> exp.Expression:
        # name DOT name (DOT name)?: the names are the tokens at 0, 2 (and 4)
        children = ctx.children
        first = identifier(children[0])
        if len(children) == 3:
            return exp.Column(this=identifier(children[2]), table=first)
        return exp.Column(this=identifier(children[4]), table=identifier(children[2]), db=first)

    def _function_expr(self, ctx: P.Function_exprContext) -> exp.Expression:
        name_token = ctx.start
        name, quoted = unquote(name_token.text)
        args_ctx = ctx.function_args()
        args: list[exp.Expression] = []
        distinct = False
        order = None
        if args_ctx is not None:
            if args_ctx.STAR() is not None:
                args = [exp.Star()]
            else:
                args = [self.expr(e) for e in args_ctx.expr()]
                distinct = args_ctx.DISTINCT() is not None
                if args_ctx.order_by_clause() is not None:
                    order = self.order_by(args_ctx.order_by_clause())
        func = self._call(name, quoted, args, distinct, order)
        if ctx.filter_clause() is not None:
            func = exp.Filter(this=func, expression=exp.Where(this=self.expr(ctx.filter_clause().expr())))
        over = ctx.over_clause()
        if over is not None:
            window = exp.Window(this=func, over="OVER")
            if over.window_spec() is not None:
                self.window_spec(over.window_spec(), window)
            else:
                window.set("alias", identifier(over.window_name()))
            func = window
        return func

    def _call(self, name: str, quoted: bool, args: list[exp.Expression], distinct: bool,
              order: exp.Order | None) -> exp.Expression:
        if distinct:
            args = [exp.Distinct(expressions=args)]
        if order is not None:
            if len(args) != 1 and not distinct:
                # group_concat(a, ',' ORDER BY b): sqlglot has no node for an ordered call with two args.
                raise Unlowerable("ORDER BY in a multi-argument aggregate call")
            args = [exp.Order(this=args[0], expressions=order.expressions)]
        builder = None if quoted or name.lower() not in TYPED_FUNCTIONS else _FUNCTIONS.get(name.upper())
        if builder is not None:
            try:
                # As sqlglot's parser does: mypyc-compiled builders have no __code__ to inspect.
                try:
                    func: exp.Expression = builder(args)
                except TypeError:
                    func = builder(args, dialect=_SQLGLOT_SQLITE)
                if not func.error_messages(args):
                    return func
            except Exception:  # wrong arity etc.: an Anonymous call prints back as written
                pass
        # A quoted name ("my func", '') keeps its quotes, as in sqlglot's own parser.
        return exp.Anonymous(this=exp.Identifier(this=name, quoted=True) if quoted else name, expressions=args)

    def _cast_expr(self, ctx: P.Cast_exprContext) -> exp.Expression:
        type_ctx = ctx.type_name()
        if type_ctx is None:
            raise Unlowerable("CAST without a type")
        to = data_type(type_ctx)
        return exp.Cast(this=self.expr(ctx.expr()), to=to)

    def _case_expr(self, ctx: P.Case_exprContext) -> exp.Expression:
        exprs = ctx.expr()
        case = exp.Case()
        start = 0
        if ctx.operand is not None:
            case.set("this", self.expr(ctx.operand))
            start = 1
        end = len(exprs) - (1 if ctx.default is not None else 0)
        ifs = []
        for i in range(start, end, 2):
            ifs.append(exp.If(this=self.expr(exprs[i]), true=self.expr(exprs[i + 1])))
        case.set("ifs", ifs)
        if ctx.default is not None:
            case.set("default", self.expr(ctx.default))
        return case

    def _exists_expr(self, ctx: P.Exists_exprContext) -> exp.Expression:
        return exp.Exists(this=self.query(ctx.query()))

    def _subquery_expr(self, ctx: P.Subquery_exprContext) -> exp.Expression:
        return exp.Subquery(this=self.query(ctx.query()))

    def _paren_expr(self, ctx: P.Paren_exprContext) -> exp.Expression:
        exprs = ctx.children[1:-1:2]  # OPEN_PAR expr (COMMA expr)* CLOSE_PAR
        if len(exprs) == 1:
            return exp.Paren(this=self.expr(exprs[0]))
        return exp.Tuple(expressions=[self.expr(e) for e in exprs])

    def _raise_expr(self, ctx: P.Raise_exprContext) -> exp.Expression:
        raise Unlowerable("RAISE")

    def _unary_expr(self, ctx: P.Unary_exprContext) -> exp.Expression:
        operand = self.expr(ctx.children[1])
        op = ctx.op.type
        if op == P.MINUS:
            return exp.Neg(this=operand)
        if op == P.TILDE:
            return exp.BitwiseNot(this=operand)
        # Unary plus: sqlglot has no node for it and drops it (so do we; it only strips affinity).
        return operand

    def _collate_expr(self, ctx: P.Collate_exprContext) -> exp.Expression:
        ident = identifier(ctx.collation)
        name: exp.Expression = exp.Var(this=ident.name) if not ident.quoted else exp.Literal.string(ident.name)
        return exp.Collate(this=self._left(ctx.children[0]), expression=name)

    def _binary_expr(self, ctx: P.Binary_exprContext) -> exp.Expression:
        left = self._left(ctx.children[0])
        right = self.expr(ctx.children[2])
        node = _BINARY[ctx.op.type]
        if node is exp.DPipe:
            return exp.DPipe(this=left, expression=right, safe=True)
        if node is exp.Div:
            # SQLite divides integers as integers: sqlglot's "typed" division.
            return exp.Div(this=left, expression=right, typed=True, safe=True)
        return node(this=left, expression=right)

    def _is_expr(self, ctx: P.Is_exprContext) -> exp.Expression:
        left = self._left(ctx.children[0])
        right = self.expr(ctx.children[-1])
        negate = ctx.NOT() is not None
        if ctx.DISTINCT() is not None:
            negate = not negate
        if isinstance(right, exp.Null):
            node: exp.Expression = exp.Is(this=left, expression=right)
            return exp.Not(this=node) if negate else node
        return exp.NullSafeNEQ(this=left, expression=right) if negate else exp.NullSafeEQ(this=left, expression=right)

    def _like_expr(self, ctx: P.Like_exprContext, escape: exp.Expression | None = None) -> exp.Expression:
        values = ctx.value_expr()
        left = self._left(values[0])
        right = self.expr(values[1])
        op = ctx.op.type
        node: exp.Expression
        if op == P.LIKE:
            node = exp.Like(this=left, expression=right)
        elif op == P.GLOB:
            node = exp.Glob(this=left, expression=right)
        elif op == P.REGEXP:
            node = exp.RegexpLike(this=left, expression=right)
        else:
            node = exp.Match(this=left, expression=right)
        if escape is not None:
            node = exp.Escape(this=node, expression=escape)
        if ctx.NOT() is not None:
            if op == P.LIKE and escape is None:
                node.set("negate", True)
                return node
            return exp.Not(this=node)
        return node

    def _escape_expr(self, ctx: P.Escape_exprContext) -> exp.Expression:
        # The validator made sure the left operand is a LIKE/GLOB/REGEXP/MATCH.
        return self._like_expr(ctx.children[0], escape=self.expr(ctx.children[2]))

    def _between_expr(self, ctx: P.Between_exprContext) -> exp.Expression:
        values = ctx.value_expr()
        node = exp.Between(this=self._left(values[0]), low=self.expr(values[1]), high=self.expr(values[2]))
        return exp.Not(this=node) if ctx.NOT() is not None else node

    def _in_expr(self, ctx: P.In_exprContext) -> exp.Expression:
        left = self._left(ctx.children[0])
        target = ctx.in_target()
        node = exp.In(this=left)
        if target.qualified_name() is not None:
            # `x IN t`, `x IN main.t`, `x IN json_each(...)`: SQLite's parser builds the subquery
            # `(SELECT * FROM t)` for a bare name (parse.y, `expr in_op nm dbnm paren_exprlist`), so
            # the IR says so too. The table is then a table reference like any other, which the
            # row scoping and the policy check see (read as a column, it hid a table from both).
            name = target.qualified_name()
            source: exp.Expression
            if target.OPEN_PAR() is not None:
                source = self.table_function(name, target.expr())
            else:
                source = table_ref(name)
            select = exp.Select(expressions=[exp.Star()]).from_(source, copy=False)
            node.set("query", exp.Subquery(this=select))
        elif target.query() is not None:
            node.set("query", exp.Subquery(this=self.query(target.query())))
        else:
            node.set("expressions", [self.expr(e) for e in target.expr()])
        return exp.Not(this=node) if ctx.NOT() is not None else node

    def table_function(self, name: P.Qualified_nameContext, args: list[P.ExprContext]) -> exp.Table:
        """A table-valued function call as a table source (`json_each(...)` in FROM or after IN)."""
        if name.schema is not None:
            raise Unlowerable("schema-qualified table-valued function")
        ident = identifier(name.table)
        func = exp.Anonymous(this=ident if ident.quoted else ident.name, expressions=[self.expr(e) for e in args])
        return exp.Table(this=func)

    def _null_test_expr(self, ctx: P.Null_test_exprContext) -> exp.Expression:
        node = exp.Is(this=self._left(ctx.children[0]), expression=exp.Null())
        return node if ctx.ISNULL() is not None else exp.Not(this=node)

    def _not_expr(self, ctx: P.Not_exprContext) -> exp.Expression:
        return exp.Not(this=self.expr(ctx.children[1]))


_BOOLEAN_WORDS = {"true": True, "false": False}


# Expression builders by parse-tree context class (built once; `ExpressionLowerer.expr` dispatches on it).
_EXPR = P.ExprContext
_EXPR_HANDLERS = {
    P.Literal_exprContext: ExpressionLowerer._literal_expr,
    P.Parameter_exprContext: ExpressionLowerer._parameter_expr,
    P.Column_exprContext: ExpressionLowerer._column_expr,
    P.Qualified_column_exprContext: ExpressionLowerer._qualified_column_expr,
    P.Function_exprContext: ExpressionLowerer._function_expr,
    P.Cast_exprContext: ExpressionLowerer._cast_expr,
    P.Case_exprContext: ExpressionLowerer._case_expr,
    P.Exists_exprContext: ExpressionLowerer._exists_expr,
    P.Subquery_exprContext: ExpressionLowerer._subquery_expr,
    P.Paren_exprContext: ExpressionLowerer._paren_expr,
    P.Raise_exprContext: ExpressionLowerer._raise_expr,
    P.Unary_exprContext: ExpressionLowerer._unary_expr,
    P.Collate_exprContext: ExpressionLowerer._collate_expr,
    P.Binary_exprContext: ExpressionLowerer._binary_expr,
    P.Is_exprContext: ExpressionLowerer._is_expr,
    P.Like_exprContext: ExpressionLowerer._like_expr,
    P.Escape_exprContext: ExpressionLowerer._escape_expr,
    P.Between_exprContext: ExpressionLowerer._between_expr,
    P.In_exprContext: ExpressionLowerer._in_expr,
    P.Null_test_exprContext: ExpressionLowerer._null_test_expr,
    P.Not_exprContext: ExpressionLowerer._not_expr,
    P.ExprContext: ExpressionLowerer._expr,
}


_BINARY: dict[int, type[exp.Expression]] = {
    P.PIPE2: exp.DPipe,
    P.PTR: exp.JSONExtract,
    P.PTR2: exp.JSONExtractScalar,
    P.STAR: exp.Mul,
    P.DIV: exp.Div,
    P.MOD: exp.Mod,
    P.PLUS: exp.Add,
    P.MINUS: exp.Sub,
    P.AMP: exp.BitwiseAnd,
    P.PIPE: exp.BitwiseOr,
    P.LT2: exp.BitwiseLeftShift,
    P.GT2: exp.BitwiseRightShift,
    P.LT: exp.LT,
    P.LT_EQ: exp.LTE,
    P.GT: exp.GT,
    P.GT_EQ: exp.GTE,
    P.ASSIGN: exp.EQ,
    P.EQ: exp.EQ,
    P.NOT_EQ1: exp.NEQ,
    P.NOT_EQ2: exp.NEQ,
}

