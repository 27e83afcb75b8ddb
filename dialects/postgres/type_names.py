"""PostgreSQL type names (a `TypeName` of the parse tree) -> IR data types, spelled so they print back
the same."""

from __future__ import annotations

import functools

from sqlglot import exp

from dialects.postgres.names import needs_quotes
from dialects.postgres.nodes import Node, need, string
from sqlparser.ir import Unlowerable


def _type_name_text(tn: Node) -> tuple[str, bool]:
    """(SQL text of the type, spelled verbatim?). Verbatim types print exactly as PostgreSQL named them."""
    if tn.get("setof") or tn.get("pct_type"):
        raise Unlowerable("TypeName")  # SETOF or %TYPE
    names = [need(string(n), "String") for n in need(tn.get("names"), "TypeName")]
    typmods = tn.get("typmods")
    if len(names) == 2 and names[0] == "pg_catalog" and names[1] in _BUILTIN_TYPES and not typmods:
        text, verbatim = _BUILTIN_TYPES[names[1]], False
    elif len(names) == 2 and names[0] == "pg_catalog" and names[1] in _BUILTIN_TYPES_WITH_MODS:
        text, verbatim = _BUILTIN_TYPES[names[1]], False
    elif len(names) == 1 and names[0] in _PLAIN_TYPES and not typmods:
        text, verbatim = names[0].upper(), False
    else:
        text = ".".join(f'"{n}"' if needs_quotes(n) else n for n in names)
        verbatim = True
    if typmods:
        mods = []
        for m in typmods:
            const = m.get("A_Const")
            if const is None or const.get("isnull"):
                raise Unlowerable("TypeName")  # type modifier that is not a constant
            if "sval" in const:
                mods.append("'" + need(const["sval"].get("sval"), "String").replace("'", "''") + "'")
            elif "ival" in const:
                mods.append(str(const["ival"].get("ival", 0)))
            elif "fval" in const:
                mods.append(str(const["fval"].get("fval")))
            else:
                raise Unlowerable("TypeName")  # type modifier that is not a number or a string
        text += "(" + ", ".join(mods) + ")"
    for bound in tn.get("arrayBounds") or ():
        integer = bound.get("Integer")
        ival = integer.get("ival", 0) if integer is not None else -1
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


def datatype(tn: Node) -> exp.DataType:
    """The IR type of a `TypeName`'s fields."""
    text, verbatim = _type_name_text(tn)
    if verbatim:
        # Printed as written: PostgreSQL resolves the name (float8, regclass, "char", my_schema.t ...).
        return exp.DataType(this=exp.DataType.Type.USERDEFINED, kind=text)
    try:
        return _datatype(text).copy()
    except Exception as err:  # sqlglot cannot express the type: refuse rather than guess
        raise Unlowerable("TypeName") from err  # a type sqlglot cannot express
