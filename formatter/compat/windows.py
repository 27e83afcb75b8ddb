"""Compat printers for window functions (``f() OVER (...)``) and a SELECT's WINDOW clause."""

from __future__ import annotations

from sqlglot import exp

from formatter.compat.base import Restorer, check_args, printer
from formatter.compat.common import interval_value, order_by, ordered, unit
from sqlparser.errors import UnsupportedConstructError


def _frame_bound(r: Restorer, value: object, side: object) -> str:
    text = str(value).upper() if isinstance(value, str) else None
    if text == "CURRENT ROW":
        return r.kw("CURRENT ROW")
    side_text = str(side or "").upper()
    if side_text not in ("PRECEDING", "FOLLOWING"):
        raise UnsupportedConstructError(f"window frame bound {value} {side}")
    if text == "UNBOUNDED":
        bound = r.kw("UNBOUNDED")
    elif isinstance(value, exp.Interval):
        check_args(value, ("this", "unit"))
        bound = r.kw("INTERVAL ") + interval_value(r, value.this) + " " + unit(r, value.args.get("unit"))
    elif isinstance(value, exp.Expression):
        bound = r.node(value)
    else:
        raise UnsupportedConstructError(f"window frame bound {value}")
    return bound + " " + r.kw(side_text)


def window_spec(r: Restorer, node: exp.Window, *, ref: exp.Expression | None) -> str:
    """The parenthesized part of a window: `(ref PARTITION BY .. ORDER BY .. frame)`."""
    parts = []
    if ref is not None:
        parts.append(r.node(ref))
    partition = node.args.get("partition_by")
    if partition:
        parts.append(r.kw("PARTITION BY ") + ", ".join(ordered(r, p) for p in partition))
    order = node.args.get("order")
    if order is not None:
        parts.append(order_by(r, order))
    spec = node.args.get("spec")
    if spec is not None:
        check_args(spec, ("kind", "start", "start_side", "end", "end_side"))
        kind = str(spec.args.get("kind") or "").upper()
        if kind not in ("ROWS", "RANGE"):
            raise UnsupportedConstructError(f"window frame {kind}")
        start = _frame_bound(r, spec.args.get("start"), spec.args.get("start_side"))
        end_value = spec.args.get("end")
        # `ROWS n PRECEDING` is `ROWS BETWEEN n PRECEDING AND CURRENT ROW`, as TiDB prints it.
        end = (_frame_bound(r, end_value, spec.args.get("end_side")) if end_value is not None
               else r.kw("CURRENT ROW"))
        parts.append(r.kw(kind) + r.kw(" BETWEEN ") + start + r.kw(" AND ") + end)
    return "(" + " ".join(parts) + ")"


@printer(exp.Window)
def _window(r: Restorer, node: exp.Window) -> str:
    check_args(node, ("this", "partition_by", "order", "spec", "alias", "over"))
    if str(node.args.get("over") or "OVER").upper() != "OVER":
        raise UnsupportedConstructError(f"window {node.args.get('over')}")
    func = r.node(node.this)
    alias = node.args.get("alias")
    has_spec = any(node.args.get(k) for k in ("partition_by", "order", "spec"))
    if alias is not None and not has_spec:
        # sqlglot keeps OVER w and OVER (w) alike; both name the same window.
        before = r.source_before(alias)
        if before is not None and not before.endswith("("):
            return func + r.kw(" OVER ") + r.node(alias)
        return func + r.kw(" OVER ") + "(" + r.node(alias) + ")"
    return func + r.kw(" OVER ") + window_spec(r, node, ref=alias)


def named_windows(r: Restorer, windows: list[exp.Expression]) -> str:
    specs = []
    for node in windows:
        if not isinstance(node, exp.Window):
            raise UnsupportedConstructError(type(node).__name__, "in a WINDOW clause")
        check_args(node, ("this", "partition_by", "order", "spec", "alias"))
        specs.append(r.node(node.this) + r.kw(" AS ") + window_spec(r, node, ref=node.args.get("alias")))
    return r.kw(" WINDOW ") + ",".join(specs)


@printer(exp.IgnoreNulls)
def _ignore_nulls(r: Restorer, node: exp.IgnoreNulls) -> str:
    # MySQL's null treatment sits between the call and OVER (`FIRST_VALUE(a) IGNORE NULLS OVER w`),
    # as TiDB restores it. RESPECT NULLS, the default, is not kept in the IR.
    check_args(node, ("this",))
    return r.node(node.this) + r.kw(" IGNORE NULLS")


@printer(exp.NthValue)
def _nth_value(r: Restorer, node: exp.NthValue) -> str:
    # FROM LAST follows the call (`NTH_VALUE(a, 2) FROM LAST OVER w`); FROM FIRST, the default, is
    # printed as nothing, as TiDB does.
    check_args(node, ("this", "offset", "from_first"))
    call = r.func_name(node, "NTH_VALUE") + "(" + r.node(node.this) + ", " + r.node(node.args.get("offset")) + ")"
    return call + (r.kw(" FROM LAST") if node.args.get("from_first") is False else "")
