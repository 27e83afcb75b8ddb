"""Token rewrites for MySQL column definitions sqlglot cannot read, each keeping the meaning exactly.

Only used on CREATE TABLE / ALTER TABLE tokens (the words below mean nothing elsewhere):

- type synonyms MySQL's grammar has and sqlglot lacks: INT1..INT4, VARCHARACTER, NATIONAL
  CHAR/VARCHAR, NCHAR VARCHAR, LONG CHARACTER VARYING / VARCHARACTER, SQL_TSI_YEAR;
- `SERIAL DEFAULT VALUE`, MySQL's alias for `NOT NULL AUTO_INCREMENT UNIQUE KEY`.

and one fix of sqlglot's tree for a column definition, `default_then_collate` (after parsing).
"""

from __future__ import annotations

import re

from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from dialects.mysql.errors import token_error
from dialects.mysql.lower import retyped
from dialects.mysql.rules import RESERVED_WORDS

_ONE_WORD: dict[str, tuple[TokenType, str]] = {
    "INT1": (TokenType.TINYINT, "TINYINT"), "INT2": (TokenType.SMALLINT, "SMALLINT"),
    "INT3": (TokenType.MEDIUMINT, "MEDIUMINT"), "INT4": (TokenType.INT, "INT"),
    "VARCHARACTER": (TokenType.VARCHAR, "VARCHAR"), "SQL_TSI_YEAR": (TokenType.YEAR, "YEAR"),
}

_VARYING = frozenset({"VARCHAR", "VARCHARACTER", "CHAR VARYING", "CHARACTER VARYING", "VARYING"})


def _word(tok: Token) -> str:
    return "" if tok.token_type is TokenType.IDENTIFIER else tok.text.upper()


_BYTE_AFTER = frozenset({TokenType.TEXT, TokenType.TINYTEXT, TokenType.MEDIUMTEXT, TokenType.LONGTEXT,
                         TokenType.CHAR, TokenType.VARCHAR, TokenType.R_PAREN})

_INDEX_TYPES = frozenset({"BTREE", "HASH", "RTREE"})
_KEY_WORDS = frozenset({"PRIMARY KEY", "KEY", "INDEX", "UNIQUE"})
_STORAGE_VALUES = frozenset({"DISK", "MEMORY", "DEFAULT"})
_FORMAT_VALUES = frozenset({"FIXED", "DYNAMIC", "DEFAULT"})


def column_words(tokens: list[Token], sql: str) -> tuple[list[Token], str | None]:
    """`tokens` with the type synonyms and SERIAL DEFAULT VALUE spelled the way sqlglot reads them,
    a key's `USING type` (or its old spelling `TYPE type`) moved after its column list, and the
    column attributes the IR has no field for (COLUMN_FORMAT, STORAGE) taken out: their name is
    returned, for the caller to make the statement Unlowerable once the rest is checked."""
    out: list[Token] = []
    dropped: str | None = None
    depth = 0
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        word = _word(tok)
        after = _word(tokens[i + 1]) if i + 1 < n else ""
        if tok.token_type is TokenType.L_PAREN:
            depth += 1
        elif tok.token_type is TokenType.R_PAREN:
            depth -= 1
        if word == "COLUMN_FORMAT" and after in _FORMAT_VALUES:
            dropped = "column attribute COLUMN_FORMAT"
            i += 2
            continue
        if word == "STORAGE" and after in _STORAGE_VALUES and depth >= 1:
            dropped = "column attribute STORAGE"
            i += 2
            continue
        if word in ("USING", "TYPE") and after in _INDEX_TYPES:
            # (TYPE right after the key word is not MySQL's: TYPE follows a name there)
            if i + 2 < n and tokens[i + 2].token_type is TokenType.L_PAREN and \
                    any(_word(t) in _KEY_WORDS for t in tokens[max(0, i - 3):i]) and \
                    not (word == "TYPE" and _word(tokens[i - 1]) in _KEY_WORDS):
                end = _closing(tokens, i + 2)
                if end > 0:
                    out += tokens[i + 2:end + 1]
                    out += [retyped(tok, TokenType.USING, "USING"), tokens[i + 1]]
                    i = end + 1
                    continue
            if word == "TYPE" and out and out[-1].token_type is TokenType.R_PAREN:
                out.append(retyped(tok, TokenType.USING, "USING"))
                i += 1
                continue
        if word in ("PRIMARY KEY", "FOREIGN KEY"):
            j = i + 1
            while j < n and tokens[j].token_type is not TokenType.L_PAREN and j < i + 4:
                j += 1
            end = _closing(tokens, j) if j < n and tokens[j].token_type is TokenType.L_PAREN else -1
            if end > 0:
                parts, lost = _key_parts(tokens[j + 1:end], foreign=word == "FOREIGN KEY")
                head = tokens[i:j]
                using: list[Token] = []
                at = next((k for k in range(1, len(head) - 1) if _word(head[k]) in ("USING", "TYPE")
                           and _word(head[k + 1]) in _INDEX_TYPES
                           and not (_word(head[k]) == "TYPE" and _word(head[k - 1]) in _KEY_WORDS)), None)
                if at is not None:
                    using = [retyped(head[at], TokenType.USING, "USING"), head[at + 1]]
                    head = head[:at] + head[at + 2:]
                out += [*head, tokens[j], *parts, tokens[end], *using]
                dropped = lost or dropped
                i = end + 1
                continue
        if word in ("YEAR", "SQL_TSI_YEAR") and i and tokens[i - 1].token_type in (TokenType.VAR,
                                                                                  TokenType.IDENTIFIER):
            # MySQL ignores SIGNED / UNSIGNED / ZEROFILL on YEAR (deprecated); sqlglot refuses them
            out.append(retyped(tok, TokenType.YEAR, "YEAR"))
            i += 1
            if i < n and tokens[i].token_type is TokenType.L_PAREN:
                end = _closing(tokens, i)
                out += tokens[i:end + 1]
                i = end + 1
            while i < n and _word(tokens[i]) in ("SIGNED", "UNSIGNED", "ZEROFILL"):
                i += 1
            continue
        if word == "BYTE" and out and out[-1].token_type in _BYTE_AFTER:
            # BYTE after a string type is CHARACTER SET binary
            out += [retyped(tok, TokenType.CHARACTER_SET, "CHARACTER SET"), retyped(tok, TokenType.VAR, "binary")]
            i += 1
            continue
        if word in _ONE_WORD and i and tokens[i - 1].token_type in (TokenType.VAR, TokenType.IDENTIFIER):
            token_type, text = _ONE_WORD[word]
            out.append(retyped(tok, token_type, text))
        elif word == "NATIONAL" and after in ("CHAR", "CHARACTER", "VARCHAR", "VARCHARACTER", "CHAR VARYING",
                                              "CHARACTER VARYING"):
            varying = after in _VARYING
            if after in ("CHAR", "CHARACTER") and i + 2 < n and _word(tokens[i + 2]) == "VARYING":
                varying = True
                i += 1
            out.append(retyped(tok, TokenType.NVARCHAR if varying else TokenType.NCHAR,
                               "NVARCHAR" if varying else "NCHAR"))
            i += 1
            if varying and (i + 1 >= n or tokens[i + 1].token_type is not TokenType.L_PAREN):
                raise token_error(tokens[i], sql, "a VARCHAR type needs its length, as in VARCHAR(255)")
        elif word == "NCHAR" and after in _VARYING:
            out.append(retyped(tok, TokenType.NVARCHAR, "NVARCHAR"))
            i += 1
            if i + 1 >= n or tokens[i + 1].token_type is not TokenType.L_PAREN:
                raise token_error(tokens[i], sql, "a VARCHAR type needs its length, as in VARCHAR(255)")
        elif word in ("LONG", "MEDIUMTEXT") and after in ("VARCHARACTER", "CHARACTER VARYING"):
            # (the DML rule has already made LONG a MEDIUMTEXT token when it saw no VARCHAR after it)
            out.append(retyped(tok, TokenType.MEDIUMTEXT, "MEDIUMTEXT"))
            i += 1
        elif word == "SERIAL" and after == "DEFAULT" and i + 2 < n and _word(tokens[i + 2]) == "VALUE" and i \
                and tokens[i - 1].token_type not in (TokenType.VAR, TokenType.IDENTIFIER, TokenType.L_PAREN,
                                                     TokenType.COMMA):
            out += [retyped(tok, TokenType.NOT, "NOT"), retyped(tok, TokenType.NULL, "NULL"),
                    retyped(tok, TokenType.AUTO_INCREMENT, "AUTO_INCREMENT"), retyped(tok, TokenType.UNIQUE, "UNIQUE")]
            i += 2
        else:
            out.append(tok)
        i += 1
    return out, dropped


def _key_parts(inner: list[Token], *, foreign: bool) -> tuple[list[Token], str | None]:
    """A PRIMARY / FOREIGN KEY column list without ASC (the default order, which sqlglot cannot read
    there); a DESC, or a prefix length in a foreign key, is named for the caller (Unlowerable)."""
    out: list[Token] = []
    lost: str | None = None
    depth = 0
    for k, tok in enumerate(inner):
        if tok.token_type is TokenType.L_PAREN:
            depth += 1
        elif tok.token_type is TokenType.R_PAREN:
            depth -= 1
        at_end = k + 1 == len(inner) or (depth == 0 and inner[k + 1].token_type is TokenType.COMMA)
        if depth == 0 and at_end and tok.token_type in (TokenType.ASC, TokenType.DESC) and out \
                and out[-1].token_type is not TokenType.COMMA:
            if tok.token_type is TokenType.DESC:
                lost = "descending key part in a PRIMARY / FOREIGN KEY"
            continue
        if foreign and depth == 1 and tok.token_type is TokenType.NUMBER and out and \
                out[-1].token_type is TokenType.L_PAREN and len(out) > 1 and _column_name(out[-2]):
            lost = "prefix length in a FOREIGN KEY column list"
            out.pop()  # the '(' of the prefix
            depth -= 1
            continue
        if foreign and lost == "prefix length in a FOREIGN KEY column list" and tok.token_type is TokenType.R_PAREN \
                and out and _column_name(out[-1]) and depth == -1:
            depth = 0
            continue
        out.append(tok)
    return out, lost


def _column_name(tok: Token) -> bool:
    """Can `tok` be a column name in a key part? Also a non-reserved keyword (EXECUTE, STATUS, ...),
    which sqlglot has its own token type for."""
    if tok.token_type in (TokenType.VAR, TokenType.IDENTIFIER):
        return True
    return _WORD.fullmatch(tok.text) is not None and tok.text.upper() not in RESERVED_WORDS


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def _closing(tokens: list[Token], i: int) -> int:
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].token_type is TokenType.L_PAREN:
            depth += 1
        elif tokens[j].token_type is TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return j
    return -1


def default_then_collate(tree: exp.Expression) -> None:
    """`c VARCHAR(10) DEFAULT NULL COLLATE utf8mb4_bin`: in MySQL's grammar a column's DEFAULT takes a
    literal (or NOW(), or a parenthesized expression), and the attribute list goes on after it, so
    the COLLATE is the column's collation. sqlglot reads `NULL COLLATE utf8mb4_bin` as one
    expression, the default. Split it back, in place, keeping the attributes in their written order."""
    for default in list(tree.find_all(exp.DefaultColumnConstraint)):
        value = default.this
        constraint = default.parent
        column = constraint.parent if isinstance(constraint, exp.ColumnConstraint) else None
        if not isinstance(value, exp.Collate) or not isinstance(column, exp.ColumnDef):
            continue
        collations: list[exp.Expression] = []
        while isinstance(value, exp.Collate):  # DEFAULT x COLLATE a COLLATE b: innermost first
            collations.insert(0, value.expression)
            value = value.this
        default.set("this", value)
        constraints = list(column.args.get("constraints") or [])
        at = next(k for k, c in enumerate(constraints) if c is constraint) + 1
        constraints[at:at] = [exp.ColumnConstraint(kind=exp.CollateColumnConstraint(this=_collation_name(name)))
                              for name in collations]
        column.set("constraints", constraints)


def _collation_name(name: exp.Expression) -> exp.Expression:
    # A column's own COLLATE keeps a bare name as a Column (sqlglot's reading of `c TEXT COLLATE x`);
    # the COLLATE operator kept it as a Var. Quoted names and strings are the same node in both.
    if isinstance(name, exp.Var):
        return exp.column(exp.to_identifier(name.name))
    return name
