"""Printing pieces that more than one printer module needs: numeric literals, INTERVAL, ORDER BY
items, table names and aliases.

They sit below the printer modules (and import only `base`), so a printer module never imports a
sibling for a helper; children are printed through the dispatch table in `base`.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from sqlglot import exp

from formatter.compat.base import Restorer, check_args
from sqlparser.errors import UnsupportedConstructError

# -- numbers -----------------------------------------------------------------------------------

_INT = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"[0-9]*\.[0-9]*")
_FLOAT = re.compile(r"([0-9]*\.?[0-9]*)[eE]([-+]?[0-9]+)")


def number(text: str) -> str:
    """A numeric literal as TiDB prints it: integers without leading zeros, decimals with a leading
    zero digit, floats in Go's shortest ``%e`` form (``1e+03``)."""
    if _INT.fullmatch(text):
        return str(int(text))
    if _DECIMAL.fullmatch(text) and text != ".":
        whole, _, frac = text.partition(".")
        whole = whole.lstrip("0") or "0"
        return whole + ("." + frac if frac else "")
    m = _FLOAT.fullmatch(text)
    if m:
        try:
            value = float(Decimal(text))
        except InvalidOperation:
            raise UnsupportedConstructError(f"number {text}") from None
        return _go_exponent(value)
    raise UnsupportedConstructError(f"number {text}")


def _go_exponent(value: float) -> str:
    # Go's strconv.FormatFloat(v, 'e', -1, 64): the shortest digits that round-trip (as Python's
    # repr), one digit before the point, an exponent of at least two digits with its sign.
    if value == 0:
        return "0e+00"
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    ds = "".join(map(str, digits))
    power = len(ds) - 1 + int(exponent)
    mantissa = ds[0] + ("." + ds[1:] if len(ds) > 1 else "")
    return ("-" if sign else "") + mantissa + "e" + ("-" if power < 0 else "+") + f"{abs(power):02d}"


# -- INTERVAL ----------------------------------------------------------------------------------

_SQL_TSI = re.compile(r"SQL_TSI_", re.IGNORECASE)


def unit(r: Restorer, node: exp.Expression | None) -> str:
    if node is None:
        raise UnsupportedConstructError("INTERVAL without unit")
    name = node.name if isinstance(node, (exp.Var, exp.Identifier, exp.Column)) else None
    if not name:
        raise UnsupportedConstructError("INTERVAL unit " + type(node).__name__)
    return r.kw(_SQL_TSI.sub("", name).upper())


_NUMERIC = re.compile(r"-?[0-9]+(\.[0-9]*)?|-?\.[0-9]+")


def interval_value(r: Restorer, node: exp.Expression) -> str:
    """An INTERVAL's value. sqlglot turns a numeric interval value into a new string literal (which
    has no source position); it prints as the number it was. A quoted value keeps its position."""
    if isinstance(node, exp.Interval):
        raise UnsupportedConstructError("INTERVAL of an INTERVAL")
    if (isinstance(node, exp.Literal) and node.is_string and not node._meta
            and _NUMERIC.fullmatch(node.this)):
        text = node.this
        return "-" + number(text[1:]) if text.startswith("-") else number(text)
    return r.node(node)


def interval(r: Restorer, node: exp.Interval) -> str:
    check_args(node, ("this", "unit"))
    return r.kw("INTERVAL ") + interval_value(r, node.this) + " " + unit(r, node.args.get("unit"))


# -- ORDER BY ----------------------------------------------------------------------------------

def order_by(r: Restorer, order: exp.Order) -> str:
    check_args(order, ("this", "expressions"))
    return r.kw("ORDER BY ") + ",".join(ordered(r, o) for o in order.expressions)


def ordered(r: Restorer, node: exp.Expression) -> str:
    if not isinstance(node, exp.Ordered):
        return r.node(node)
    check_args(node, ("this", "desc", "nulls_first"))
    # sqlglot records MySQL's implicit NULL ordering in nulls_first; MySQL has no syntax for it.
    text = r.node(node.this)
    return text + r.kw(" DESC") if node.args.get("desc") else text


# -- names -------------------------------------------------------------------------------------

def table_name(r: Restorer, node: exp.Table) -> str:
    parts = [node.args.get(k) for k in ("catalog", "db")]
    prefix = "".join(r.node(p) + "." for p in parts if p is not None)
    return prefix + r.node(node.this)


def table_alias(r: Restorer, alias: exp.Expression) -> str:
    if isinstance(alias, exp.TableAlias):
        check_args(alias, ("this",))
        return r.node(alias.this)
    return r.node(alias)
