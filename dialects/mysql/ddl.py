"""MySQL DDL the IR can hold: ALTER TABLE read clause by clause, table options as MySQL writes them.

sqlglot reads most single ALTER TABLE clauses into faithful nodes, but one clause it cannot read
(`ADD COLUMN (a INT, b INT)`, `CONVERT TO CHARACTER SET`, `MAX_ROWS 10` without `=`) turns the
whole statement into an opaque Command. So an ALTER TABLE is split at its top-level commas and
each clause is parsed on its own, as `ALTER TABLE <name> <clause>` (the statement's own tokens, so
errors point into the text); the actions and options are then gathered into one `exp.Alter`.

Node shapes (what consumers such as a migration engine can rely on):

- `Alter.actions` in statement order; `Alter.options` the table options (`exp.Property` family).
  Every action and option carries `meta[CLAUSE]` = the index of its clause in the statement, so
  a printer can restore the written order of actions and options.
- ADD COLUMN: `exp.ColumnDef`; FIRST / AFTER x in `ColumnDef.position` = `exp.ColumnPosition`
  (`position` "FIRST" or "AFTER", `this` the column after which). `ADD COLUMN (a ..., b ...)`
  gives one ColumnDef (or AddConstraint) per element, each with `meta[ADD_GROUP]` = the clause
  index, so the parenthesized form can be printed back.
- MODIFY: `exp.ModifyColumn(this=ColumnDef)`; CHANGE: the same with `rename_from` = the old
  name (an Identifier) and the new name in the ColumnDef. The column's type is `ColumnDef.kind`
  (UNSIGNED is in the type: DType.UINT ...), its options in `ColumnDef.constraints`
  (NotNull, Default, OnUpdate, AutoIncrement, Comment, CharacterSet, Collate, ZeroFill, ...).
- ADD INDEX/KEY/FULLTEXT/SPATIAL: `exp.AddConstraint([exp.IndexColumnConstraint])` (`this` the
  name, `kind` FULLTEXT/SPATIAL or None, `expressions` the key parts, `index_type` USING,
  `options` COMMENT/VISIBLE). UNIQUE: `exp.UniqueColumnConstraint(this=Schema(name, columns))`.
  PRIMARY KEY: `exp.PrimaryKey`. FOREIGN KEY: `exp.Constraint(name, [ForeignKey])` or a bare
  ForeignKey. CHECK: `exp.CheckColumnConstraint` (named: inside `exp.Constraint`).
- DROP COLUMN/INDEX/KEY/FOREIGN KEY/CHECK: `exp.Drop(kind=..., tables=[name])`; DROP PRIMARY
  KEY: `exp.DropPrimaryKey`. RENAME COLUMN: `exp.RenameColumn`; RENAME INDEX/KEY:
  `exp.RenameIndex`; RENAME [TO|AS] t: `exp.AlterRename`. ALTER COLUMN SET/DROP DEFAULT:
  `exp.AlterColumn`; ALTER INDEX VISIBLE: `exp.AlterIndex`.
- Options: COMMENT `exp.SchemaCommentProperty`, ENGINE `exp.EngineProperty`, [DEFAULT]
  CHARACTER SET `exp.CharacterSetProperty`, COLLATE `exp.CollateProperty`, AUTO_INCREMENT
  `exp.AutoIncrementProperty`, ALGORITHM `exp.AlgorithmProperty`, LOCK `exp.LockProperty`, others
  `exp.Property(this=Var(NAME), value=...)`. CONVERT TO CHARACTER SET cs [COLLATE co]:
  `exp.Property(this=Var("CONVERT TO CHARACTER SET"), value=Var(cs))` and, with a collation,
  `exp.Property(this=Var("CONVERT TO COLLATE"), value=Var(co))`.

Valid clauses the IR has no node for (partition maintenance, DISABLE KEYS, CHECK ... NOT
ENFORCED, WITH VALIDATION ...) are syntax-checked here and make the statement `Unlowerable` with
the construct named: it classifies, transforms refuse it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from dialects.mysql.errors import token_error
from dialects.mysql.lower import retyped
from sqlparser.ir import Unlowerable

CLAUSE = "mysql_clause"
"""Meta key on each action and option of an ALTER TABLE: the index of its clause in the statement."""

ADD_GROUP = "mysql_add_group"
"""Meta key on the elements of `ADD [COLUMN] (...)`: the clause index they were written in."""

Parse = Callable[[list[Token], str], exp.Expression]


@dataclass
class Clause:
    tokens: list[Token]
    index: int


def split_top_level(tokens: list[Token]) -> list[list[Token]]:
    """`tokens` split at the commas outside parentheses (empty parts kept: the caller rejects them)."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for tok in tokens:
        tt = tok.token_type
        if tt is TokenType.L_PAREN:
            depth += 1
        elif tt is TokenType.R_PAREN:
            depth -= 1
        elif tt is TokenType.COMMA and depth == 0:
            parts.append([])
            continue
        parts[-1].append(tok)
    return parts


def words(tokens: list[Token], start: int, count: int) -> list[str]:
    """The upper-case texts of up to `count` tokens from `start`; quoted names count as no word."""
    return [t.text.upper() if t.token_type is not TokenType.IDENTIFIER else "" for t in tokens[start:start + count]]


def closing_paren(tokens: list[Token], i: int) -> int:
    """Index of the parenthesis closing the one at `i`, or -1."""
    depth = 0
    for j in range(i, len(tokens)):
        tt = tokens[j].token_type
        if tt is TokenType.L_PAREN:
            depth += 1
        elif tt is TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return j
    return -1


# -- CHECK (...) [NOT] ENFORCED -------------------------------------------------------------------


def strip_enforced(tokens: list[Token], sql: str) -> list[Token]:
    """Drop `ENFORCED` after a `CHECK (...)` (MySQL's default, which sqlglot cannot read in every
    place); `NOT ENFORCED` changes the meaning and the IR has no field for it: Unlowerable."""
    out: list[Token] = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        out.append(tok)
        if tok.text.upper() == "CHECK" and tok.token_type is not TokenType.IDENTIFIER and i + 1 < n \
                and tokens[i + 1].token_type is TokenType.L_PAREN:
            end = closing_paren(tokens, i + 1)
            if end < 0:
                return tokens
            out.extend(tokens[i + 1:end + 1])
            i = end + 1
            after = words(tokens, i, 2)
            if after[:1] == ["ENFORCED"]:
                i += 1
            elif after == ["NOT", "ENFORCED"]:
                raise Unlowerable("CHECK ... NOT ENFORCED")
            continue
        i += 1
    return out


# -- table options ---------------------------------------------------------------------------------

NUMBER_OPTIONS = frozenset({"AUTO_INCREMENT", "AVG_ROW_LENGTH", "KEY_BLOCK_SIZE", "MAX_ROWS", "MIN_ROWS",
                            "AUTOEXTEND_SIZE", "STATS_SAMPLE_PAGES"})
"""Table options whose value is a number."""

FLAG_OPTIONS: dict[str, frozenset[str]] = {
    "CHECKSUM": frozenset({"0", "1"}), "TABLE_CHECKSUM": frozenset({"0", "1"}),
    "DELAY_KEY_WRITE": frozenset({"0", "1"}),
    "STATS_AUTO_RECALC": frozenset({"0", "1", "DEFAULT"}), "STATS_PERSISTENT": frozenset({"0", "1", "DEFAULT"}),
    "PACK_KEYS": frozenset({"0", "1", "DEFAULT"}),
}
"""Table options with a fixed set of values (MySQL's grammar rejects any other)."""

STRING_OPTIONS = frozenset({"COMMENT", "COMPRESSION", "CONNECTION", "PASSWORD", "ENCRYPTION", "ENGINE_ATTRIBUTE",
                            "SECONDARY_ENGINE_ATTRIBUTE"})
"""Table options whose value is a quoted string."""

WORD_OPTIONS: dict[str, frozenset[str] | None] = {
    "ENGINE": None, "SECONDARY_ENGINE": None, "TABLESPACE": None,
    "ROW_FORMAT": frozenset({"DEFAULT", "DYNAMIC", "FIXED", "COMPRESSED", "REDUNDANT", "COMPACT"}),
    "INSERT_METHOD": frozenset({"NO", "FIRST", "LAST"}),
    "STORAGE": frozenset({"DISK", "MEMORY"}),
}
"""Table options whose value is a word (None: any name), optionally a string for names."""

OPTION_NAMES = NUMBER_OPTIONS | FLAG_OPTIONS.keys() | STRING_OPTIONS | WORD_OPTIONS.keys()


def _is_number(tok: Token) -> bool:
    return tok.token_type is TokenType.NUMBER


def table_options_with_equals(tokens: list[Token], start: int, sql: str) -> list[Token]:
    """Check the table options from `start` (a run of `NAME [=] value`), putting in the `=` that
    MySQL lets one leave out and sqlglot needs. Options it does not know are left as they are."""
    out = list(tokens[:start])
    i = start
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        name = tok.text.upper() if tok.token_type is not TokenType.IDENTIFIER else ""
        if name == "STORAGE" and i + 1 < n and tokens[i + 1].text.upper() == "ENGINE":
            name = ""  # STORAGE ENGINE is ENGINE's synonym, which sqlglot reads
        if name not in OPTION_NAMES or i + 1 >= n or tokens[i + 1].token_type is TokenType.COMMA:
            out.append(tok)
            i += 1
            continue
        # sqlglot reads CHECKSUM as another dialect's option and fails on MySQL's value: spelled
        # apart here (one trailing space), it is read as a plain option; `option_names` restores it
        out.append(retyped(tok, TokenType.VAR, "CHECKSUM ") if name == "CHECKSUM" else tok)
        j = i + 1
        if tokens[j].token_type is TokenType.EQ:
            out.append(tokens[j])
            j += 1
        else:
            out.append(retyped(tokens[j], TokenType.EQ, "="))
        if j >= n:
            raise token_error(tok, sql, f"table option {name} needs a value")
        value = tokens[j]
        _check_option_value(name, value, sql)
        out.append(value)
        i = j + 1
    return out


def option_names(tree: exp.Expression) -> exp.Expression:
    """Undo the spelling `table_options_with_equals` gave CHECKSUM, and give an index's USING one
    place (sqlglot keeps `KEY i USING BTREE (a)` in `index_type`, `KEY i (a) USING BTREE` in an
    option), in `tree` (returned)."""
    for prop in tree.find_all(exp.Property):
        name = prop.this
        if type(prop) is exp.Property and isinstance(name, exp.Var) and name.name == "CHECKSUM ":
            prop.set("this", exp.var("CHECKSUM"))
    for index in tree.find_all(exp.IndexColumnConstraint):
        options = list(index.args.get("options") or [])
        using = [o for o in options if isinstance(o, exp.IndexConstraintOption) and set(o.args) == {"using"}]
        if using and not index.args.get("index_type"):
            index.set("index_type", str(using[-1].args["using"]).upper())
            index.set("options", [o for o in options if o not in using] or None)
    return tree


def _check_option_value(name: str, value: Token, sql: str) -> None:
    text = value.text.upper()
    if name in NUMBER_OPTIONS and not _is_number(value) and not (name == "STATS_SAMPLE_PAGES" and text == "DEFAULT"):
        raise token_error(value, sql, f"table option {name} takes a number, as in {name} = 10")
    if name in FLAG_OPTIONS and (value.token_type not in (TokenType.NUMBER, TokenType.DEFAULT, TokenType.VAR)
                                 or text not in FLAG_OPTIONS[name]):
        allowed = ", ".join(sorted(FLAG_OPTIONS[name]))
        raise token_error(value, sql, f"table option {name} takes one of {allowed}")
    if name in STRING_OPTIONS and value.token_type is not TokenType.STRING:
        raise token_error(value, sql, f"table option {name} takes a quoted string, as in {name} = 'x'")
    allowed_words = WORD_OPTIONS.get(name)
    if allowed_words is not None and text not in allowed_words:
        raise token_error(value, sql, f"table option {name} takes one of {', '.join(sorted(allowed_words))}")
