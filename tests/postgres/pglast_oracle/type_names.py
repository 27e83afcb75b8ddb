"""PostgreSQL type names (pglast `TypeName`) -> IR data types, spelled so they print back the same."""

from __future__ import annotations

import functools

from pglast import ast
from sqlglot import exp

from dialects.postgres.names import needs_quotes
from sqlparser.ir import Unlowerable
from tests.postgres.pglast_oracle.nodes import need


def _type_name_text(tn: ast.TypeName) -> tuple[str, bool]:
    """(SQL text of the type, spelled verbatim?). Verbatim types print exactly as PostgreSQL named them."""
    if tn.setof or tn.pct_type:
        raise Unlowerable("TypeName")  # SETOF or %TYPE
    names = [need(n.sval, n) for n in need(tn.names, tn)]
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
                raise Unlowerable("TypeName")  # type modifier that is not a constant
            val = m.val
            if isinstance(val, ast.String):
                mods.append("'" + need(val.sval, val).replace("'", "''") + "'")
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
        raise Unlowerable("TypeName") from err  # a type sqlglot cannot express

