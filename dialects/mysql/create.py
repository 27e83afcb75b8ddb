"""CREATE TABLE / INDEX / VIEW / DATABASE, DROP INDEX and ALTER DATABASE as MySQL writes them.

sqlglot reads the core of each; what it cannot read is prepared here (table options without `=`,
`CHECK ... ENFORCED`, the index options of CREATE INDEX, the view options before VIEW) and put back
as sqlglot nodes, or, when the IR has no node for it, checked and named (`Unlowerable`):

- CREATE TABLE: `exp.Create(kind="TABLE", this=Schema(Table, [ColumnDef | constraints]),
  properties=Properties([...table options]))` (node shapes as in `ddl`).
- CREATE [UNIQUE] INDEX: `exp.Create(kind="INDEX", unique=, this=exp.Index(this=name, table=,
  params=IndexParameters(columns=[key parts], using=Var)))`; COMMENT / VISIBLE / ALGORITHM / LOCK
  in `properties`: `IndexConstraintOption(comment=, visible=)`, `AlgorithmProperty`, `LockProperty`
  (ALGORITHM / LOCK = DEFAULT say nothing and are left out).
- CREATE VIEW: ALGORITHM / DEFINER / SQL SECURITY as `AlgorithmProperty`, `DefinerProperty`
  (the user as written), `SqlSecurityProperty` in `properties`.
- ALTER DATABASE: `exp.Alter(kind="DATABASE", this=Table(db) or None, options=[properties])`.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from dialects.mysql.ddl import (
    OPTION_NAMES,
    Parse,
    closing_paren,
    strip_enforced,
    table_options_with_equals,
    words,
)
from dialects.mysql.ddl_words import column_words
from dialects.mysql.errors import token_error
from dialects.mysql.lower import retyped
from dialects.mysql.partitions import check_partitioning
from sqlparser.errors import SQLSyntaxError
from sqlparser.ir import Unlowerable

_NAMES = (TokenType.VAR, TokenType.IDENTIFIER)


def _name_end(tokens: list[Token], i: int) -> int:
    """Index after a (possibly qualified) name starting at `i`."""
    i += 1
    while i + 1 < len(tokens) and tokens[i].token_type is TokenType.DOT:
        i += 2
    return i


# -- CREATE TABLE ---------------------------------------------------------------------------------


def create_table(tokens: list[Token], sql: str, parse: Parse) -> exp.Expression:
    """CREATE [TEMPORARY] TABLE; tokens[0] is CREATE."""
    tokens, dropped = column_words(strip_enforced(tokens, sql), sql)
    tree = _create_table(tokens, sql, parse)
    if dropped is not None:
        raise Unlowerable(dropped)
    refuse_storage_option(tree)
    _known_options(tree, tokens, sql)
    return tree


_TABLE_OPTIONS = OPTION_NAMES | {"DATA DIRECTORY", "INDEX DIRECTORY", "UNION", "START TRANSACTION", "CHECKSUM "}
"""MySQL 8's table options that sqlglot reads as a plain Property (the others have their own node)."""


def _known_options(tree: exp.Expression, tokens: list[Token], sql: str) -> None:
    """MySQL's table options are a closed list; sqlglot reads any `name = value` as one (TiDB's
    placement options FOLLOWERS = ..., for example)."""
    properties = tree.args.get("properties") if isinstance(tree, exp.Create) else None
    for prop in properties.expressions if properties is not None else []:
        if type(prop) is exp.Property and prop.name.upper() not in _TABLE_OPTIONS:
            at = next((t for t in tokens if t.text.upper() == prop.name.upper()), tokens[0])
            raise token_error(at, sql, f"unknown table option {prop.name}")


def refuse_storage_option(tree: exp.Expression) -> None:
    """`STORAGE DISK` takes no `=` in MySQL, and a generic Property would print one."""
    for prop in tree.find_all(exp.Property):
        if type(prop) is exp.Property and prop.name.upper() == "STORAGE":
            raise Unlowerable("table option STORAGE")


def _create_table(tokens: list[Token], sql: str, parse: Parse) -> exp.Expression:
    i = 1
    if words(tokens, i, 1) == ["TEMPORARY"]:
        i += 1
    i += 1  # TABLE
    if words(tokens, i, 3) == ["IF", "NOT", "EXISTS"]:
        i += 3
    if i >= len(tokens):
        raise token_error(tokens[-1], sql, "CREATE TABLE needs a table name")
    i = _name_end(tokens, i)
    columns = False
    if i < len(tokens) and tokens[i].token_type is TokenType.L_PAREN and \
            words(tokens, i + 1, 1)[:1] not in (["SELECT"], ["WITH"], ["("], ["TABLE"], ["VALUES"]):
        end = closing_paren(tokens, i)
        if end < 0:
            raise token_error(tokens[i], sql, "unbalanced parenthesis in CREATE TABLE")
        i = end + 1
        columns = True
    tail_start = i
    tail_end = _options_end(tokens, tail_start)
    tokens = table_options_with_equals(tokens[:tail_end], tail_start, sql) + tokens[tail_end:]
    tail_end = _options_end(tokens, tail_start)
    rest = tokens[tail_end:]
    head = words(rest, 0, 2)
    if head[:1] == ["LIKE"] and len(rest) > 1 and rest[1].token_type is TokenType.L_PAREN:
        raise token_error(rest[1], sql, "CREATE TABLE ... LIKE takes a table name without parentheses")
    if head[:1] == ["LIKE"] and columns:
        raise token_error(rest[0], sql, "CREATE TABLE ... LIKE takes no column list: CREATE TABLE t LIKE other")
    if head[:1] in (["IGNORE"], ["REPLACE"]):
        parse([*tokens[:tail_end], *rest[1:]], sql)  # the statement without the word must be valid
        raise Unlowerable(f"CREATE TABLE ... {head[0]} SELECT")
    if head[:1] == ["PARTITION BY"] or head == ["PARTITION", "BY"]:
        check_partitioning(rest, sql)
        try:
            return parse(tokens, sql)
        except SQLSyntaxError:
            parse(tokens[:tail_end], sql)
            raise Unlowerable("CREATE TABLE ... PARTITION BY") from None
    return parse(tokens, sql)


def _options_end(tokens: list[Token], i: int) -> int:
    """Where the table options after the column list end (at PARTITION BY, a query, IGNORE / REPLACE)."""
    while i < len(tokens):
        word = words(tokens, i, 1)[0]
        if word in ("PARTITION BY", "PARTITION", "IGNORE", "REPLACE", "AS", "SELECT", "WITH", "TABLE", "VALUES",
                    "LIKE") or \
                tokens[i].token_type is TokenType.L_PAREN:
            return i
        i += 1
    return i


# -- CREATE INDEX, DROP INDEX ---------------------------------------------------------------------

_INDEX_OPTION_WORDS = frozenset({"USING", "TYPE", "COMMENT", "VISIBLE", "INVISIBLE", "ALGORITHM", "LOCK", "WITH",
                                 "KEY_BLOCK_SIZE"})
_ALGORITHMS = frozenset({"DEFAULT", "INPLACE", "COPY", "INSTANT"})
_LOCKS = frozenset({"DEFAULT", "NONE", "SHARED", "EXCLUSIVE"})
_INDEX_TYPES = frozenset({"BTREE", "HASH", "RTREE"})


def create_index(tokens: list[Token], sql: str, parse: Parse) -> exp.Expression:
    """CREATE [UNIQUE | FULLTEXT | SPATIAL] INDEX name [USING t] ON tbl (key parts) [options]."""
    i = 1
    kind = words(tokens, i, 1)[0]
    if kind in ("UNIQUE", "FULLTEXT", "SPATIAL"):
        i += 1
    i += 1  # INDEX
    if words(tokens, i, 3) == ["IF", "NOT", "EXISTS"]:
        i += 3
    i += 1  # the name
    using: str | None = None
    if words(tokens, i, 1)[0] in ("USING", "TYPE"):
        using = _index_type(tokens, i + 1, sql)
        tokens = tokens[:i] + tokens[i + 2:]
    on = i
    if words(tokens, on, 1) != ["ON"]:
        raise token_error(tokens[min(on, len(tokens) - 1)], sql, "CREATE INDEX needs ON table (columns)")
    j = _name_end(tokens, on + 1)
    if j >= len(tokens) or tokens[j].token_type is not TokenType.L_PAREN:
        raise token_error(tokens[min(j, len(tokens) - 1)], sql, "CREATE INDEX needs the indexed columns in parentheses")
    end = closing_paren(tokens, j)
    if end < 0:
        raise token_error(tokens[j], sql, "unbalanced parenthesis in CREATE INDEX")
    options, using_after, parser = _index_options(tokens, end + 1, sql)
    using = using_after or using
    core = tokens[:end + 1]
    if kind in ("FULLTEXT", "SPATIAL"):
        # sqlglot has no FULLTEXT / SPATIAL index node outside a table definition
        parse([core[0], *core[2:]], sql)
        raise Unlowerable(f"CREATE {kind} INDEX")
    if parser is not None:
        raise token_error(parser, sql, "WITH PARSER is for FULLTEXT indexes only")
    tree = parse(core, sql)
    if not isinstance(tree, exp.Create) or not isinstance(tree.this, exp.Index):
        raise token_error(tokens[0], sql, "not a CREATE INDEX statement")
    params = tree.this.args.get("params")
    if using is not None and isinstance(params, exp.IndexParameters):
        params.set("using", exp.var(using))
    if options:
        tree.set("properties", exp.Properties(expressions=options))
    return tree


def _index_type(tokens: list[Token], i: int, sql: str) -> str:
    word = words(tokens, i, 1)[0] if i < len(tokens) else ""
    if word not in _INDEX_TYPES:
        raise token_error(tokens[min(i, len(tokens) - 1)], sql, "index type is BTREE, HASH or RTREE")
    return word


def _index_options(tokens: list[Token], i: int, sql: str) -> tuple[list[exp.Expression], str | None, Token | None]:
    """The options after CREATE INDEX's key parts: the option nodes, a USING type, a WITH PARSER token."""
    comment: exp.Expression | None = None
    visible: bool | None = None
    using: str | None = None
    parser: Token | None = None
    algorithm = lock = None
    n = len(tokens)
    while i < n:
        word = words(tokens, i, 1)[0]
        if word in ("USING", "TYPE"):
            using = _index_type(tokens, i + 1, sql)
            i += 2
        elif word == "COMMENT":
            j = i + 1
            if j >= n or tokens[j].token_type is not TokenType.STRING:
                raise token_error(tokens[min(j, n - 1)], sql, "COMMENT needs a quoted string")
            comment = exp.Literal.string(tokens[j].text)
            i = j + 1
        elif word in ("VISIBLE", "INVISIBLE"):
            visible = word == "VISIBLE"
            i += 1
        elif word == "WITH" and words(tokens, i + 1, 1) == ["PARSER"] and i + 2 < n:
            parser = tokens[i]
            i += 3
        elif word in ("ALGORITHM", "LOCK"):
            j = i + 1
            if j < n and tokens[j].token_type is TokenType.EQ:
                j += 1
            value = words(tokens, j, 1)[0] if j < n else ""
            if value not in (_ALGORITHMS if word == "ALGORITHM" else _LOCKS):
                raise token_error(tokens[min(j, n - 1)], sql, f"unknown {word} value")
            if word == "ALGORITHM":
                algorithm = value
            else:
                lock = value
            i = j + 1
        else:
            raise token_error(tokens[i], sql, "unexpected text after the indexed columns")
    options: list[exp.Expression] = []
    if comment is not None or visible is not None:
        options.append(exp.IndexConstraintOption(comment=comment, visible=visible))
    # ALGORITHM / LOCK = DEFAULT is what an absent clause means: nothing to keep
    if algorithm not in (None, "DEFAULT"):
        options.append(exp.AlgorithmProperty(this=exp.var(algorithm)))
    if lock not in (None, "DEFAULT"):
        options.append(exp.LockProperty(this=exp.var(lock)))
    return options, using, parser


def drop_index(tokens: list[Token], sql: str, parse: Parse) -> exp.Expression:
    """DROP INDEX name ON tbl [ALGORITHM [=] x] [LOCK [=] y]."""
    on = next((k for k in range(2, len(tokens)) if words(tokens, k, 1) == ["ON"]), None)
    if on is None:
        return parse(tokens, sql)
    end = _name_end(tokens, on + 1)
    options, using, parser = _index_options(tokens, end, sql)
    if using is not None or parser is not None or any(isinstance(o, exp.IndexConstraintOption) for o in options):
        raise token_error(tokens[end], sql, "DROP INDEX takes only ALGORITHM and LOCK")
    tree = parse(tokens[:end], sql)
    if options:
        raise Unlowerable("DROP INDEX ... ALGORITHM / LOCK")
    return tree


# -- CREATE VIEW ------------------------------------------------------------------------------------


def create_view(tokens: list[Token], sql: str, parse: Parse) -> exp.Expression:
    """CREATE [OR REPLACE] [ALGORITHM = a] [DEFINER = u] [SQL SECURITY s] VIEW ... [WITH CHECK OPTION]."""
    i = 1
    if words(tokens, 1, 2) == ["OR", "REPLACE"]:
        i = 3
    start = i
    props: list[exp.Expression] = []
    while i < len(tokens) and words(tokens, i, 1)[0] != "VIEW":
        word = words(tokens, i, 1)[0]
        if word == "ALGORITHM":
            j = i + 2 if i + 1 < len(tokens) and tokens[i + 1].token_type is TokenType.EQ else i + 1
            value = words(tokens, j, 1)[0] if j < len(tokens) else ""
            if value not in ("UNDEFINED", "MERGE", "TEMPTABLE"):
                raise token_error(tokens[min(j, len(tokens) - 1)], sql, "ALGORITHM is UNDEFINED, MERGE or TEMPTABLE")
            props.append(exp.AlgorithmProperty(this=exp.var(value)))
            i = j + 1
        elif word == "DEFINER":
            j = i + 2 if i + 1 < len(tokens) and tokens[i + 1].token_type is TokenType.EQ else i + 1
            k = _user_end(tokens, j, sql)
            props.append(exp.DefinerProperty(this=exp.var(sql[tokens[j].start:tokens[k - 1].end + 1])))
            i = k
        elif word == "SQL SECURITY":
            value = words(tokens, i + 1, 1)[0] if i + 1 < len(tokens) else ""
            if value not in ("DEFINER", "INVOKER"):
                raise token_error(tokens[min(i + 1, len(tokens) - 1)], sql, "SQL SECURITY is DEFINER or INVOKER")
            props.append(exp.SqlSecurityProperty(this=exp.var(value)))
            i += 2
        else:
            raise token_error(tokens[i], sql, "unexpected text before VIEW")
    body = [*tokens[:start], *tokens[i:]]
    check = _check_option(body)
    if check:
        body = body[:-check]
    tree = parse(body, sql)
    if not isinstance(tree, exp.Create):
        raise token_error(tokens[0], sql, "not a CREATE VIEW statement")
    if props:
        tree.set("properties", exp.Properties(expressions=props))
    if check:
        raise Unlowerable("CREATE VIEW ... WITH CHECK OPTION")
    return tree


def _check_option(tokens: list[Token]) -> int:
    """How many tokens at the end are `WITH [CASCADED | LOCAL] CHECK OPTION` (0 if none)."""
    tail = words(tokens, len(tokens) - 4, 4)
    if tail[-3:] == ["WITH", "CHECK", "OPTION"]:
        return 3
    if len(tail) == 4 and tail[0] == "WITH" and tail[1] in ("CASCADED", "LOCAL") and tail[2:] == ["CHECK", "OPTION"]:
        return 4
    return 0


def _user_end(tokens: list[Token], i: int, sql: str) -> int:
    """Index after an account name: CURRENT_USER[()], name, 'name', name@host, 'name'@'host'."""
    n = len(tokens)
    if i >= n:
        raise token_error(tokens[-1], sql, "an account name is expected, as in 'user'@'host'")
    if words(tokens, i, 1) == ["CURRENT_USER"]:
        if i + 2 < n and tokens[i + 1].token_type is TokenType.L_PAREN \
                and tokens[i + 2].token_type is TokenType.R_PAREN:
            return i + 3
        return i + 1
    if tokens[i].token_type not in (*_NAMES, TokenType.STRING):
        raise token_error(tokens[i], sql, "an account name is expected, as in 'user'@'host'")
    i += 1
    if i < n and tokens[i].text.startswith("@"):
        # sqlglot tokenizes @'host' / @host as a parameter-like token or '@' then the host
        if tokens[i].text == "@":
            i += 1
        i += 1
    if i < n and tokens[i].token_type in (TokenType.DASH, TokenType.DOT):
        raise token_error(tokens[i], sql, "quote an account name that has - or . in it")
    return i


# -- CREATE / ALTER DATABASE ------------------------------------------------------------------------

_DATABASE_WORDS = frozenset({"CHARACTER SET", "CHARSET", "CHARACTER", "CHAR", "COLLATE", "DEFAULT", "ENCRYPTION",
                             "READ"})


def database_options(tokens: list[Token], i: int, sql: str) -> list[Token]:
    """`[DEFAULT] ENCRYPTION [=] 'Y'` needs its `=` for sqlglot; the value must be a string."""
    out = list(tokens[:i])
    while i < len(tokens):
        tok = tokens[i]
        out.append(tok)
        if words(tokens, i, 1) == ["ENCRYPTION"]:
            j = i + 1
            if j < len(tokens) and tokens[j].token_type is TokenType.EQ:
                out.append(tokens[j])
                j += 1
            elif j < len(tokens):
                out.append(retyped(tokens[j], TokenType.EQ, "="))
            if j >= len(tokens) or tokens[j].token_type is not TokenType.STRING:
                raise token_error(tokens[min(j, len(tokens) - 1)], sql, "ENCRYPTION takes 'Y' or 'N'")
            out.append(tokens[j])
            i = j + 1
            continue
        i += 1
    return out


def alter_database(tokens: list[Token], sql: str, parse: Parse) -> exp.Expression:
    """ALTER {DATABASE | SCHEMA} [name] options, read through CREATE DATABASE's option grammar."""
    i = 2
    name: list[Token] = []
    if i < len(tokens) and tokens[i].token_type in _NAMES and words(tokens, i, 1)[0] not in _DATABASE_WORDS:
        name = [tokens[i]]
        i += 1
    elif i < len(tokens) and tokens[i].token_type is TokenType.CHARACTER_SET and tokens[i].text.upper() == "CHARSET":
        name = [tokens[i]]  # CHARSET is a name here (as in MySQL's grammar): the options then fail
        i += 1
    if i >= len(tokens):
        raise token_error(tokens[-1], sql, "ALTER DATABASE needs at least one option")
    stand_in = name or [retyped(tokens[1], TokenType.VAR, "cozelite_database")]
    spelled = database_options([tokens[0], retyped(tokens[0], TokenType.CREATE, "CREATE"), tokens[1], *stand_in,
                                *tokens[i:]][1:], 3, sql)
    tree = parse(spelled, sql)
    props = tree.args.get("properties") if isinstance(tree, exp.Create) else None
    if props is None or not props.expressions:
        raise token_error(tokens[i], sql, "not a database option")
    target = tree.this if name else None
    return exp.Alter(this=target, kind="DATABASE", actions=[], options=list(props.expressions))
