"""One walk over a statement's IR that lists what name-based passes look at: its tables, columns
and identifiers, and whether it has a construct that gives a query level its own sources.

Two steps of a rewrite read the same nodes: the front end's portable-names rule (every identifier,
`portable_names.check_portable_names`) and the rename pass (tables, columns, identifiers; whether
scope resolution may be skipped). The front end walks once and hands the lists on with the
statement (`TreeFacts.names`); the rename pass uses them while the tree is that very, unchanged
object, and walks itself otherwise.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlglot import exp


class Names(NamedTuple):
    tables: list[exp.Table]
    """In breadth-first order, as `tree.walk()` gives them (the last table with an alias wins)."""
    columns: list[exp.Column]
    identifiers: list[exp.Identifier]
    """In breadth-first order: the first reserved one is the one the portable-names rule names."""
    scoped: bool
    """Whether some node is `scoped`: the rename pass's resolver may then not be skipped."""
    unnest: bool
    """Whether some node is an `exp.Unnest`: without one, the date-array rewrite sqlglot's printers
    run on every SELECT (`native_select.gated_select_handler`) cannot change anything."""


# What the walk looks at, by node class: a dict lookup per node instead of an isinstance chain
# (the walk is most of the rename pass's own time). Subclasses are classified on first sight.
OTHER, TABLE, COLUMN, IDENTIFIER, SCOPED, UNNEST = 0, 1, 2, 3, 4, 5
KINDS: dict[type, int] = {}
"""Node class -> what the walk does with it (`kind_of` fills it in); for walks of a front end's own
that collect `Names` as they go (MySQL's tree rules)."""
# Node classes that may give a level a source listing columns of its own (a derived table, a CTE,
# a LATERAL, `AS t(a, b)`), or hold a FROM item or query body the resolver may refuse: where one
# occurs, the walk looks closer (`scoped`).
_SCOPED_CLASSES = (exp.From, exp.Join, exp.Subquery, exp.SetOperation, exp.Lateral, exp.With, exp.CTE,
                   exp.TableAlias)
# What a query body (a subquery's, a set operation's arm) may be for the resolver to take it.
_QUERY_BODIES = frozenset({exp.Select, exp.Union, exp.Except, exp.Intersect, exp.Subquery, exp.Values})


def kind_of(cls: type) -> int:
    kind = KINDS.get(cls)
    if kind is None:
        kind = (TABLE if issubclass(cls, exp.Table) else COLUMN if issubclass(cls, exp.Column)
                else IDENTIFIER if issubclass(cls, exp.Identifier)
                else SCOPED if issubclass(cls, _SCOPED_CLASSES) else UNNEST if issubclass(cls, exp.Unnest)
                else OTHER)
        KINDS[cls] = kind
    return kind


def scoped(node: exp.Expr) -> bool:
    """Whether this node may make the rename pass's resolver depend on more than the mapped tables:
    a source that lists columns whatever the mapping (two of them at one level can make a name
    ambiguous), or a construct the resolver refuses. Conservative: any doubt says yes."""
    if isinstance(node, (exp.From, exp.Join)):
        return type(node.this) is not exp.Table
    if isinstance(node, exp.Subquery):
        return type(node.this) not in _QUERY_BODIES
    if isinstance(node, exp.SetOperation):
        return type(node.this) not in _QUERY_BODIES or type(node.expression) not in _QUERY_BODIES
    if isinstance(node, exp.TableAlias):
        return bool(node.args.get("columns"))
    return True  # LATERAL, WITH, CTE


def walk_names(tree: exp.Expr) -> Names:
    """The tables, columns and identifiers of the tree, from one walk, and whether a node is `scoped`
    or an UNNEST.

    The walk is breadth-first over `args`, a list that is its own queue (read by index, appended
    at the end): the order `tree.walk()` gives, without its generator and deque, and without
    sorting afterwards; the walk `ir.any_node` makes. Names and literals are leaves: their
    arguments are text and flags, never nodes, so they are not looked into (about half of a
    statement's nodes).
    """
    tables: list[exp.Table] = []
    columns: list[exp.Column] = []
    identifiers: list[exp.Identifier] = []
    has_scope = has_unnest = False
    kinds = KINDS
    expression = exp.Expr
    literal = exp.Literal
    queue: list[exp.Expr] = [tree]
    push = queue.append
    i = 0
    while i < len(queue):
        node = queue[i]
        i += 1
        cls = type(node)
        kind = kinds.get(cls)
        if kind is None:
            kind = kind_of(cls)
        if kind == TABLE:
            tables.append(node)  # type: ignore[arg-type]
        elif kind == COLUMN:
            columns.append(node)  # type: ignore[arg-type]
        elif kind == IDENTIFIER:
            identifiers.append(node)  # type: ignore[arg-type]
            continue
        elif kind == SCOPED:
            has_scope = has_scope or scoped(node)
        elif kind == UNNEST:
            has_unnest = True
        elif cls is literal:
            continue
        for value in node.args.values():
            if type(value) is list:
                for item in value:
                    if isinstance(item, expression):
                        push(item)
            elif isinstance(value, expression):
                push(value)
    return Names(tables, columns, identifiers, has_scope, has_unnest)
