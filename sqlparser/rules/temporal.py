"""Dates and times in MySQL-read trees: what is known to be a DATE or a DATETIME, date shifts
(`DATE_ADD`, `x + INTERVAL n unit`), TIMESTAMPDIFF units, DATE_FORMAT patterns."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlglot import exp

from sqlparser.errors import UnsupportedConstructError
from sqlparser.rules.translate import construct_name, number

_DATE_RE = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}\s*$")
_DATETIME_RE = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{1,2}(:\d{1,2}(\.\d+)?)?\s*$")


def temporal_kind(node: exp.Expression) -> str | None:
    """"date" or "datetime" when the MySQL type of `node` is known from the tree, else None."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Literal) and node.is_string:
        if _DATE_RE.match(node.this):
            return "date"
        if _DATETIME_RE.match(node.this):
            return "datetime"
        return None
    kind = node.meta.get("temporal_kind")
    if isinstance(kind, str) and kind:  # set by mark_kind
        return kind
    if isinstance(node, (exp.CurrentDate, exp.TsOrDsToDate)):
        return "date"
    if isinstance(node, (exp.CurrentTimestamp, exp.UtcTimestamp)):
        return "datetime"
    if isinstance(node, exp.Anonymous) and node.name.lower() in ("now", "sysdate", "utc_timestamp", "localtimestamp"):
        return "datetime"
    if isinstance(node, exp.Cast):
        to = node.to.this if isinstance(node.to, exp.DataType) else None
        if to == exp.DataType.Type.DATE:
            return "date"
        if to in (exp.DataType.Type.DATETIME, exp.DataType.Type.TIMESTAMP):
            return "datetime"
    return None


def mark_kind(node: exp.Expression, kind: str | None) -> exp.Expression:
    if kind:
        node.meta["temporal_kind"] = kind
    return node


DATE_UNITS = {"DAY": ("day", 1), "WEEK": ("day", 7), "MONTH": ("month", 1), "QUARTER": ("month", 3),
              "YEAR": ("month", 12)}
TIME_UNITS = {"SECOND": ("second", 1), "MINUTE": ("minute", 1), "HOUR": ("hour", 1)}


@dataclass(frozen=True)
class Shift:
    """A MySQL date shift `x +/- INTERVAL n unit`, normalised to a base unit and a signed amount."""

    this: exp.Expression
    amount: exp.Expression  # an integer expression, sign applied
    unit: str  # "second" | "minute" | "hour" | "day" | "month"
    date_unit: bool  # DAY and longer: a DATE stays a DATE
    n: int | None = None  # the amount, when it is a constant


def _unit_name(unit: exp.Expression | str | None) -> str:
    if unit is None:
        return "DAY"
    name = unit if isinstance(unit, str) else unit.name
    return name.upper()


def _amount(value: exp.Expression, factor: int, negate: bool) -> exp.Expression:
    if isinstance(value, exp.Literal):
        text = value.this.strip()
        if not re.fullmatch(r"[+-]?\d+", text):
            raise UnsupportedConstructError(
                f"INTERVAL {value.this!r}", "only whole-number intervals translate faithfully")
        n = int(text) * factor * (-1 if negate else 1)
        return number(n)
    if isinstance(value, exp.Neg) and isinstance(value.this, exp.Literal):
        return _amount(exp.Literal.number(f"-{value.this.this}"), factor, negate)
    amount = value.copy()
    if factor != 1:
        amount = exp.Mul(this=exp.Paren(this=amount), expression=number(factor))
    if negate:
        amount = exp.Neg(this=exp.Paren(this=amount))
    return amount


def shift_of(node: exp.Expression) -> Shift | None:
    """Read DATE_ADD / DATE_SUB / ADDDATE / SUBDATE / TIMESTAMPADD / `x + INTERVAL ...` as a Shift."""
    negate = False
    if isinstance(node, (exp.DateAdd, exp.DateSub, exp.TimestampAdd)):
        this, value, unit = node.this, node.expression, node.args.get("unit")
        negate = isinstance(node, exp.DateSub)
    elif isinstance(node, exp.Add) and isinstance(node.this, exp.Interval) and node.this.args.get("unit") \
            and isinstance(node.expression, exp.Interval) and not node.expression.args.get("unit"):
        # sqlglot reads `INTERVAL 3 DAY + '2024-01-30'` with the date as a unit-less INTERVAL.
        this, value, unit = node.expression.this, node.this.this, node.this.args.get("unit")
    elif isinstance(node, (exp.Add, exp.Sub)) and isinstance(node.expression, exp.Interval):
        this, value, unit = node.this, node.expression.this, node.expression.args.get("unit")
        negate = isinstance(node, exp.Sub)
    elif isinstance(node, exp.Add) and isinstance(node.this, exp.Interval):
        this, value, unit = node.expression, node.this.this, node.this.args.get("unit")
    elif isinstance(node, exp.Anonymous) and node.name.lower() in ("adddate", "subdate") and len(node.expressions) == 2:
        this, arg = node.expressions
        negate = node.name.lower() == "subdate"
        if isinstance(arg, exp.Interval):
            value, unit = arg.this, arg.args.get("unit")
        else:
            value, unit = arg, None
    else:
        return None
    name = _unit_name(unit)
    if name in DATE_UNITS:
        base, factor = DATE_UNITS[name]
        date_unit = True
    elif name in TIME_UNITS:
        base, factor = TIME_UNITS[name]
        date_unit = False
    else:
        raise UnsupportedConstructError(f"INTERVAL unit {name}", "use SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, "
                                        "QUARTER or YEAR")
    if value is None:
        raise UnsupportedConstructError("INTERVAL without an amount")
    amount = _amount(value, factor, negate)
    n = None
    if isinstance(amount, exp.Literal):
        n = int(amount.this)
    elif isinstance(amount, exp.Neg) and isinstance(amount.this, exp.Literal) and not amount.this.is_string:
        n = -int(amount.this.this)
    return Shift(this=this, amount=amount, unit=base, date_unit=date_unit, n=n)


DIFF_SECONDS = {"SECOND": 1, "MINUTE": 60, "HOUR": 3600, "DAY": 86400, "WEEK": 604800}


def diff_unit_seconds(node: exp.Expression) -> int:
    """Seconds per unit of TIMESTAMPDIFF; months and years count calendar months: not translated."""
    name = _unit_name(node.args.get("unit"))
    if name not in DIFF_SECONDS:
        raise UnsupportedConstructError(f"TIMESTAMPDIFF in {name}", "translated units: " + ", ".join(DIFF_SECONDS))
    return DIFF_SECONDS[name]


def convert_format(fmt: exp.Expression | None, specifiers: Mapping[str, str],
                   literal: Callable[[str], str]) -> str:
    """A DATE_FORMAT pattern (sqlglot holds it in strftime form) for the target, or a named error."""
    if not (isinstance(fmt, exp.Literal) and fmt.is_string):
        raise UnsupportedConstructError("DATE_FORMAT with a non-literal format")
    text, out, i = fmt.this, [], 0
    pending = ""
    while i < len(text):
        if text[i] == "%":
            spec = text[i:i + 2] if i + 1 < len(text) and text[i + 1] != "-" else text[i:i + 3]
            if spec not in specifiers:
                raise UnsupportedConstructError(
                    f"DATE_FORMAT specifier {spec}", f"translated: {', '.join(sorted(specifiers))}")
            if pending:
                out.append(literal(pending))
                pending = ""
            out.append(specifiers[spec])
            i += len(spec)
        else:
            pending += text[i]
            i += 1
    if pending:
        out.append(literal(pending))
    return "".join(out)


def fractional_seconds(node: exp.Expression) -> None:
    """NOW(3) / CURRENT_TIMESTAMP(6): fractional seconds are not translated."""
    precision = node.this if isinstance(node, exp.CurrentTimestamp) else (
        node.expressions[0] if isinstance(node, exp.Anonymous) and node.expressions else None)
    if isinstance(precision, exp.Literal) and precision.this not in ("0", ""):
        raise UnsupportedConstructError(f"{construct_name(node)} with fractional seconds")
