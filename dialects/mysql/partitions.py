"""A check of MySQL's `PARTITION BY ...` clause, for the forms sqlglot cannot read.

Such statements are Unlowerable (the IR keeps no partitioning sqlglot does not read), but they
must still be rejected when MySQL would reject them. The checks follow MySQL's grammar and its
parse-time rules: the kind and its expression (not a boolean one), KEY's ALGORITHM 1 or 2,
PARTITIONS / SUBPARTITIONS counts above zero and matching the definitions, RANGE definitions with
VALUES LESS THAN (one value, or one per column with COLUMNS), LIST with VALUES IN (tuples of the
column count with COLUMNS), none for HASH / KEY, and MariaDB's SYSTEM_TIME with HISTORY / CURRENT.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot.tokens import Token, TokenType

from dialects.mysql.ddl import closing_paren, split_top_level, words
from dialects.mysql.errors import token_error

_BOOLEAN_TOKENS = frozenset({TokenType.NOT, TokenType.OR, TokenType.AND, TokenType.IS, TokenType.IN, TokenType.XOR,
                             TokenType.EQ, TokenType.GT, TokenType.LT, TokenType.GTE, TokenType.LTE, TokenType.NEQ,
                             TokenType.NULLSAFE_EQ, TokenType.DPIPE})
"""Operators that make an expression a condition, which a partitioning expression cannot be."""


@dataclass
class _Scheme:
    kind: str = ""
    columns: int = 0  # the column count with COLUMNS (0: an expression)
    partitions: int | None = None
    sub: bool = False
    subpartitions: int | None = None


def check_partitioning(rest: list[Token], sql: str) -> None:
    """Check `rest`, the statement's tokens from PARTITION BY to the end."""
    i = 1 if words(rest, 0, 1) == ["PARTITION BY"] else 2
    scheme = _Scheme()
    i = _kind(rest, i, sql, scheme, sub=False)
    if words(rest, i, 1) == ["PARTITIONS"]:
        scheme.partitions, i = _count(rest, i + 1, sql, "PARTITIONS")
    if (words(rest, i, 1) == ["SUBPARTITION"] and words(rest, i + 1, 1) == ["BY"]) or \
            words(rest, i, 1) == ["SUBPARTITION BY"]:
        i += 1 if words(rest, i, 1) == ["SUBPARTITION BY"] else 2
        scheme.sub = True
        i = _kind(rest, i, sql, _Scheme(), sub=True)
        if words(rest, i, 1) == ["SUBPARTITIONS"]:
            scheme.subpartitions, i = _count(rest, i + 1, sql, "SUBPARTITIONS")
    if i >= len(rest):
        if scheme.kind in ("RANGE", "LIST", "SYSTEM_TIME"):
            raise token_error(rest[-1], sql, f"{scheme.kind} partitioning needs its partition definitions")
        return
    if rest[i].token_type is not TokenType.L_PAREN or closing_paren(rest, i) != len(rest) - 1:
        raise token_error(rest[i], sql, "unexpected text in PARTITION BY")
    definitions = split_top_level(rest[i + 1:-1])
    if definitions == [[]]:
        raise token_error(rest[i], sql, "empty list of partition definitions")
    if scheme.partitions is not None and len(definitions) != scheme.partitions:
        raise token_error(rest[i], sql, "the number of partition definitions differs from PARTITIONS")
    counts = {_definition(definition, scheme, sql, rest[i]) for definition in definitions}
    if len(counts) > 1:
        raise token_error(rest[i], sql, "every partition needs the same number of subpartitions")
    if scheme.kind == "SYSTEM_TIME":
        states = [words(d, 2, 1)[0] if len(d) > 2 else "" for d in definitions]
        if states.count("CURRENT") != 1 or "HISTORY" not in states:
            raise token_error(rest[i], sql, "SYSTEM_TIME partitioning needs HISTORY partitions and one CURRENT")


def _kind(rest: list[Token], i: int, sql: str, scheme: _Scheme, *, sub: bool) -> int:
    if words(rest, i, 1) == ["LINEAR"]:
        i += 1
    kind = words(rest, i, 1)[0] if i < len(rest) else ""
    allowed = ("HASH", "KEY") if sub else ("HASH", "KEY", "RANGE", "LIST", "SYSTEM_TIME")
    if kind not in allowed:
        raise token_error(rest[min(i, len(rest) - 1)], sql, f"partitioning is by {', '.join(allowed)}")
    scheme.kind = kind
    i += 1
    if kind == "SYSTEM_TIME":
        timed = [w for w in words(rest, i, 8) if w in ("INTERVAL", "LIMIT")]
        if len(timed) > 1:
            raise token_error(rest[i], sql, "SYSTEM_TIME takes INTERVAL or LIMIT, not both")
        while i < len(rest) and rest[i].token_type is not TokenType.L_PAREN:
            i += 1
        return i
    if kind in ("RANGE", "LIST") and words(rest, i, 1) == ["COLUMNS"]:
        end = _group(rest, i + 1, sql)
        scheme.columns = len(split_top_level(rest[i + 2:end]))
        if end == i + 2:
            raise token_error(rest[i + 1], sql, "COLUMNS needs at least one column")
        return end + 1
    if kind == "KEY" and words(rest, i, 1) == ["ALGORITHM"]:
        j = i + 2 if i + 1 < len(rest) and rest[i + 1].token_type is TokenType.EQ else i + 1
        if words(rest, j, 1) not in (["1"], ["2"]):
            raise token_error(rest[min(j, len(rest) - 1)], sql, "KEY ALGORITHM is 1 or 2")
        i = j + 1
    end = _group(rest, i, sql)
    if kind != "KEY":
        _not_boolean(rest[i + 1:end], rest[i], sql)
        if end == i + 1:
            raise token_error(rest[i], sql, f"PARTITION BY {kind} needs an expression")
    return end + 1


def _group(rest: list[Token], i: int, sql: str) -> int:
    if i >= len(rest) or rest[i].token_type is not TokenType.L_PAREN:
        raise token_error(rest[min(i, len(rest) - 1)], sql, "a parenthesized list is expected here")
    end = closing_paren(rest, i)
    if end < 0:
        raise token_error(rest[i], sql, "unbalanced parenthesis")
    return end


def _count(rest: list[Token], i: int, sql: str, what: str) -> tuple[int, int]:
    if i >= len(rest) or rest[i].token_type is not TokenType.NUMBER or int(rest[i].text) <= 0:
        raise token_error(rest[min(i, len(rest) - 1)], sql, f"{what} needs a number above zero")
    return int(rest[i].text), i + 1


def _not_boolean(tokens: list[Token], at: Token, sql: str) -> None:
    depth = 0
    for tok in tokens:
        if tok.token_type is TokenType.L_PAREN:
            depth += 1
        elif tok.token_type is TokenType.R_PAREN:
            depth -= 1
        elif depth == 0 and tok.token_type in _BOOLEAN_TOKENS:
            raise token_error(tok, sql, "a partitioning expression or value cannot be a condition")


def _definition(tokens: list[Token], scheme: _Scheme, sql: str, at: Token) -> int:
    """Check one definition; returns its number of subpartitions (0 without a list)."""
    if words(tokens, 0, 1) != ["PARTITION"] or len(tokens) < 2:
        raise token_error(tokens[0] if tokens else at, sql, "a partition definition is PARTITION name ...")
    i = 2
    next_word = words(tokens, i, 1)[0] if i < len(tokens) else ""
    if scheme.kind == "SYSTEM_TIME":
        if next_word not in ("HISTORY", "CURRENT"):
            raise token_error(tokens[min(i, len(tokens) - 1)], sql, "a SYSTEM_TIME partition is HISTORY or CURRENT")
        return 0
    if next_word in ("HISTORY", "CURRENT"):
        raise token_error(tokens[i], sql, "HISTORY / CURRENT are for SYSTEM_TIME partitioning")
    if next_word == "VALUES":
        if scheme.kind == "RANGE" and words(tokens, i + 1, 2) == ["LESS", "THAN"]:
            i = _less_than(tokens, i + 3, scheme, sql)
        elif scheme.kind == "LIST" and words(tokens, i + 1, 1) == ["IN"]:
            i = _values_in(tokens, i + 2, scheme, sql)
        else:
            raise token_error(tokens[i], sql, f"VALUES here does not fit {scheme.kind} partitioning")
    elif scheme.kind == "LIST" and next_word == "DEFAULT":
        i += 1
    elif scheme.kind in ("RANGE", "LIST"):
        spelled = "VALUES LESS THAN" if scheme.kind == "RANGE" else "VALUES IN"
        raise token_error(tokens[min(i, len(tokens) - 1)], sql, f"each {scheme.kind} partition needs {spelled}")
    sub = next((j for j in range(i, len(tokens)) if tokens[j].token_type is TokenType.L_PAREN
                and words(tokens, j + 1, 1) == ["SUBPARTITION"]), None)
    if sub is not None:
        if not scheme.sub:
            raise token_error(tokens[sub], sql, "subpartitions need SUBPARTITION BY")
        count = len(split_top_level(tokens[sub + 1:closing_paren(tokens, sub)]))
        if scheme.subpartitions is not None and count != scheme.subpartitions:
            raise token_error(tokens[sub], sql, "the number of subpartitions differs from SUBPARTITIONS")
        return count
    return 0


def _less_than(tokens: list[Token], i: int, scheme: _Scheme, sql: str) -> int:
    if words(tokens, i, 1) == ["MAXVALUE"]:
        if scheme.columns > 1:
            raise token_error(tokens[i], sql, "RANGE COLUMNS needs one value per column: (MAXVALUE, MAXVALUE)")
        return i + 1
    end = _group(tokens, i, sql)
    values = split_top_level(tokens[i + 1:end])
    if values == [[]]:
        raise token_error(tokens[i], sql, "empty partition value list")
    if len(values) != max(scheme.columns, 1):
        raise token_error(tokens[i], sql, "VALUES LESS THAN needs one value per partitioning column")
    for value in values:
        _not_boolean(value, tokens[i], sql)
    return end + 1


def _values_in(tokens: list[Token], i: int, scheme: _Scheme, sql: str) -> int:
    end = _group(tokens, i, sql)
    values = split_top_level(tokens[i + 1:end])
    if values == [[]]:
        raise token_error(tokens[i], sql, "empty partition value list")
    for value in values:
        tuple_ = bool(value) and value[0].token_type is TokenType.L_PAREN and closing_paren(value, 0) == len(value) - 1
        if scheme.columns > 1:
            if not tuple_ or len(split_top_level(value[1:-1])) != scheme.columns:
                raise token_error(value[0] if value else tokens[i], sql,
                                  f"LIST COLUMNS values are tuples of {scheme.columns} values")
        elif tuple_ and scheme.columns == 0:
            raise token_error(value[0], sql, "LIST partitioning takes single values (LIST COLUMNS takes tuples)")
        _not_boolean(value, tokens[i], sql)
    return end + 1
