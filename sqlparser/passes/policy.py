"""check_policy: decide on the tree whether a user's statement stays inside the user's tables.

Replaces Coze Studio's string matching (`validateCustomSQL` rejects any text containing "UNION" or
"JOIN" and a list of names): a literal that merely contains a forbidden word is data, not a
violation, and a dialect trick cannot hide a forbidden call from a tree walk.

The pass never branches on the dialect: what a dialect denies (system schemas and catalogs,
file / sleep / network functions, statements such as ATTACH or COPY) is a `PolicyRules` table
(`sqlparser.rules.policy`) that each dialect declares in `dialects/<name>/policy.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from sqlglot import exp

from sqlparser.errors import PolicyViolationError
from sqlparser.ir import DML_WRITES, operation_of
from sqlparser.rules.policy import PolicyRules
from sqlparser.types import OperationType, Policy


@dataclass(frozen=True)
class _Walk:
    rules: PolicyRules
    policy: Policy


def check_unlowered(construct: str, operation: OperationType, policy: Policy, rules: PolicyRules) -> NoReturn:
    """A statement the front end could not lower into the IR: denied, under the rule it breaks.

    The dialect's own rule for the construct comes first (ATTACH is "attach"), then the statement
    kind; a statement of an allowed kind that cannot be checked is still denied.
    """
    rule = rules.unlowered.get(construct.lower())
    if rule is None and operation not in policy.operations:
        raise PolicyViolationError(
            "statement-kind", f"{operation.value} statements are not allowed; allowed: {_ops(policy)}")
    raise PolicyViolationError(rule or "unchecked-construct",
                               f"{construct} is not allowed" if rule else f"{construct} cannot be checked")


def check_comments(sql: str, tree: exp.Expression | None, rules: PolicyRules) -> None:
    if not rules.executable_comments:
        return
    comments = [c for node in tree.walk() for c in (node.comments or [])] if tree is not None else []
    if rules.comments_of is not None:
        comments += rules.comments_of(sql)
    for comment in comments:
        if comment.lstrip().startswith(rules.executable_comments) or comment.startswith(rules.executable_comments):
            raise PolicyViolationError(
                "executable-comment", "comments the server executes (/*! ... */) are not allowed")


def check_policy(tree: exp.Expression, policy: Policy, rules: PolicyRules, sql: str | None = None) -> None:
    """Raise PolicyViolationError naming the first rule `tree` breaks; return None when it complies.

    `sql`, the statement's text, lets dialects with executable comments find all of them.
    """
    walk = _Walk(rules=rules, policy=policy)
    check_comments(sql or "", tree, rules)
    nodes = list(tree.walk())
    for node in nodes:
        for node_type, rule in rules.denied_nodes:
            if isinstance(node, node_type):
                raise PolicyViolationError(rule, f"{_describe(node, rules)} is not allowed")

    operation = operation_of(tree)
    if operation not in policy.operations:
        raise PolicyViolationError(
            "statement-kind", f"{operation.value} statements are not allowed; allowed: {_ops(policy)}")
    for node in nodes:
        if node is not tree and isinstance(node, DML_WRITES):
            op = operation_of(node)
            if op not in policy.operations:
                raise PolicyViolationError(
                    "statement-kind", f"a nested {op.value} is not allowed; allowed: {_ops(policy)}")

    for node in nodes:
        if isinstance(node, exp.Table):
            _check_table(node, walk)
        elif isinstance(node, exp.Func):
            _check_function(node, walk)
        elif isinstance(node, exp.Dot) and isinstance(node.expression, exp.Func):
            raise PolicyViolationError(
                "schema-qualified", f"schema-qualified function call {rules.show(node)!r} is not allowed")
        elif isinstance(node, exp.Column):
            _check_column(node, walk)
        elif isinstance(node, (exp.DataType, exp.ObjectIdentifier)) and rules.denied_types:
            name = _type_name(node)
            if name in rules.denied_types:
                raise PolicyViolationError("system-type", f"type {name} reads the system catalog")


def _type_name(node: exp.Expression) -> str:
    if isinstance(node, exp.ObjectIdentifier):
        return node.name.lower()
    kind = node.args.get("kind")
    if isinstance(kind, str) and kind:
        return kind.lower()
    if isinstance(kind, exp.Expression):
        return kind.name.lower()
    return str(getattr(node.this, "value", node.this)).lower()


def _ops(policy: Policy) -> str:
    return ", ".join(sorted(o.value for o in policy.operations)) or "none"


# A denied node short enough to quote (a user variable `@x`, `CURRENT_USER`) is shown as written;
# a longer one (a whole SELECT ... INTO) by its kind alone, so the message stays readable.
_QUOTED_NODE_CHARS = 60


def _describe(node: exp.Expr, rules: PolicyRules) -> str:
    if isinstance(node, exp.Command):
        return f"statement {node.name.upper()!r}"
    kind = type(node).__name__.upper()
    text = rules.show(node)
    return f"{kind} {text!r}" if text and len(text) <= _QUOTED_NODE_CHARS else kind


def function_names(node: exp.Func) -> set[str]:
    """Every name a function node may go by: its written name and sqlglot's names for its class."""
    if isinstance(node, exp.Anonymous):
        return {node.name.lower()}
    names = {n.lower() for n in type(node).sql_names()}
    names.add(node.key.lower())
    return names


def _check_function(node: exp.Func, walk: _Walk) -> None:
    if isinstance(node, exp.Connector):
        return
    denied = function_names(node) & walk.rules.denied_functions
    if denied:
        raise PolicyViolationError("denied-function", f"function {sorted(denied)[0]}() is not allowed")


def _check_column(node: exp.Column, walk: _Walk) -> None:
    # `information_schema.tables.table_name` style references reach a system schema without a FROM.
    parts = [p.name.lower() for p in node.parts[:-1]]
    if len(parts) >= 2 and parts[-2] in walk.rules.system_schemas:
        raise PolicyViolationError("system-schema", f"reference into schema {parts[-2]!r} is not allowed")


def _visible_ctes(table: exp.Table) -> frozenset[str]:
    """Names of the CTEs a table reference can mean, following each WITH's scoping rules.

    A CTE's body sees the CTEs before it (and all of them, itself included, under RECURSIVE);
    the query that owns the WITH sees all of them. `WITH t AS (SELECT * FROM t)` reads the real t.
    """
    names: set[str] = set()
    child: exp.Expr = table
    parent = table.parent
    while parent is not None:
        if isinstance(parent, exp.With) and isinstance(child, exp.CTE):
            ctes = parent.expressions
            index = next(i for i, c in enumerate(ctes) if c is child)
            visible = ctes if parent.args.get("recursive") else ctes[:index]
            names.update(c.alias_or_name.lower() for c in visible)
        elif not isinstance(child, exp.With):
            with_ = parent.args.get("with_") or parent.args.get("with")
            if isinstance(with_, exp.With):
                names.update(c.alias_or_name.lower() for c in with_.expressions)
        child, parent = parent, parent.parent
    return frozenset(names)


def _check_table(node: exp.Table, walk: _Walk) -> None:
    rules = walk.rules
    if isinstance(node.this, exp.Func):
        names = function_names(node.this)
        if not names & rules.table_functions:
            raise PolicyViolationError(
                "table-function", f"table function {rules.show(node.this)!r} is not allowed in FROM")
        return
    name = node.name.lower()
    if not name:
        return
    if isinstance(node.parent, exp.Delete) and node.arg_key == "tables":
        return  # MySQL `DELETE a FROM t AS a ...` names an alias here; the table itself is checked.
    qualifiers = [q.lower() for q in (node.text("catalog"), node.text("db")) if q]
    for qualifier in qualifiers:
        if qualifier in rules.system_schemas:
            raise PolicyViolationError(
                "system-schema", f"table {rules.show(node)!r} is in system schema {qualifier!r}")
    if qualifiers:
        raise PolicyViolationError(
            "schema-qualified", f"schema-qualified table {rules.show(node)!r} is not allowed; name the table alone")
    if not qualifiers and name in _visible_ctes(node):
        return
    if name in rules.system_tables or name.startswith(rules.system_table_prefixes):
        raise PolicyViolationError("system-table", f"system table {node.name!r} is not allowed")
    if name not in walk.policy.tables:
        raise PolicyViolationError("table-not-allowed", f"table {node.name!r} is not one of the user's tables")
