"""ALTER TABLE, clause by clause, into one `exp.Alter` (the node shapes are listed in `ddl`).

Each top-level clause is parsed by sqlglot as `ALTER TABLE <name> <clause>` with the statement's
own tokens, so an error points at the right place; what sqlglot cannot read is prepared here
first (`ADD COLUMN (...)`, options without `=`, `CONVERT TO CHARACTER SET`, `CHECK ... ENFORCED`),
and valid clauses without a node in the IR are checked here and named (`Unlowerable`).
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from dialects.mysql.ddl import (
    ADD_GROUP,
    CLAUSE,
    OPTION_NAMES,
    Parse,
    closing_paren,
    split_top_level,
    strip_enforced,
    table_options_with_equals,
    words,
)
from dialects.mysql.errors import token_error
from dialects.mysql.lower import retyped
from dialects.mysql.partitions import check_partitioning
from sqlparser.errors import SQLSyntaxError
from sqlparser.ir import Unlowerable

_CONSTRAINT_STARTS = frozenset({"CONSTRAINT", "PRIMARY KEY", "UNIQUE", "INDEX", "KEY", "FULLTEXT", "SPATIAL",
                                "FOREIGN KEY", "CHECK"})
"""Words that start a key or constraint (not a column) inside `ADD (...)`."""

_PARTITION_VERBS = frozenset({"ADD", "DROP", "DISCARD", "IMPORT", "TRUNCATE", "COALESCE", "REORGANIZE", "EXCHANGE",
                              "ANALYZE", "CHECK", "OPTIMIZE", "REBUILD", "REPAIR"})
"""Verbs of MySQL's partition maintenance clauses (`<verb> PARTITION ...`)."""

_CHARSET_WORDS = (["CHARACTER", "SET"], ["CHARSET"], ["CHAR", "SET"])


def parse_alter_table(tokens: list[Token], sql: str, parse: Parse) -> exp.Alter:
    """The `exp.Alter` of an ALTER TABLE statement (tokens[0:2] are ALTER TABLE).

    Raises SQLSyntaxError on invalid text, `Unlowerable` on a valid clause the IR cannot hold
    (after checking every clause, so an error anywhere still wins)."""
    name_end = _table_name_end(tokens, 2, sql)
    head = tokens[:name_end]
    parts = _merge_lists(split_top_level(tokens[name_end:]))
    if parts == [[]]:  # ALTER TABLE t: valid, changes nothing
        target = parse([*head, retyped(tokens[name_end - 1], TokenType.VAR, "FORCE")], sql)
        assert isinstance(target, exp.Alter)
        return exp.Alter(this=target.this, kind="TABLE", actions=[], options=[])
    actions: list[exp.Expression] = []
    options: list[exp.Expression] = []
    unlowerable: Unlowerable | None = None
    table: exp.Expression | None = None
    for index, part in enumerate(parts):
        if not part:
            commas = _top_level_commas(tokens[name_end:])
            at = commas[min(index, len(commas) - 1)] if commas else tokens[name_end]
            raise token_error(at, sql, "empty ALTER TABLE clause (a stray comma?)")
        try:
            got = _clause(head, part, index, sql, parse)
        except Unlowerable as err:
            unlowerable = unlowerable or err
            continue
        alter, group = got
        table = table or alter.this
        for action in alter.args.get("actions") or []:
            action.meta[CLAUSE] = index
            if group:
                action.meta[ADD_GROUP] = index
            actions.append(action)
        for option in alter.args.get("options") or []:
            option.meta[CLAUSE] = index
            options.append(option)
    if unlowerable is not None:
        raise unlowerable
    assert table is not None
    return exp.Alter(this=table, kind="TABLE", actions=actions, options=options)


def _top_level_commas(tokens: list[Token]) -> list[Token]:
    depth = 0
    commas = []
    for tok in tokens:
        if tok.token_type is TokenType.L_PAREN:
            depth += 1
        elif tok.token_type is TokenType.R_PAREN:
            depth -= 1
        elif tok.token_type is TokenType.COMMA and depth == 0:
            commas.append(tok)
    return commas


def _merge_lists(parts: list[list[Token]]) -> list[list[Token]]:
    """Put back the commas of the clauses that take a list: `DROP PARTITION p1, p2`,
    `REORGANIZE PARTITION p1, p2 INTO (...)`, `ORDER BY a, b DESC`."""
    merged: list[list[Token]] = []
    listing = ""
    for part in parts:
        if merged and listing and part and _continues(listing, part):
            merged[-1] = [*merged[-1], _comma(part[0]), *part]
            continue
        merged.append(part)
        first = words(part, 0, 2)
        listing = ""
        if len(first) == 2 and first[1] == "PARTITION" and first[0] in _PARTITION_VERBS and first[0] != "ADD":
            listing = "PARTITION"
        elif first[:1] == ["ORDER BY"]:
            listing = "ORDER"
    return merged


def _continues(listing: str, part: list[Token]) -> bool:
    if part[0].token_type not in (TokenType.VAR, TokenType.IDENTIFIER) and part[0].text.upper() != "LOCAL":
        return False
    rest = words(part, 1, 2)
    if listing == "ORDER":
        return not rest or (len(part) == 2 and rest[0] in ("ASC", "DESC"))
    return not rest or rest[0] in ("INTO", "TABLESPACE")


def _comma(near: Token) -> Token:
    return retyped(near, TokenType.COMMA, ",")


def _table_name_end(tokens: list[Token], i: int, sql: str) -> int:
    """Index just after the table name starting at `i` (`name` or `db.name`)."""
    if i >= len(tokens):
        raise token_error(tokens[-1], sql, "ALTER TABLE needs a table name")
    i += 1
    while i + 1 < len(tokens) and tokens[i].token_type is TokenType.DOT:
        i += 2
    return i


def _clause(head: list[Token], part: list[Token], index: int, sql: str,
            parse: Parse) -> tuple[exp.Alter, bool]:
    """One clause as an Alter holding its actions/options, and whether it is an `ADD (...)` group."""
    cut, partitioning = _cut_partitioning(part)
    if partitioning is not None:
        if not cut and index > 0:
            raise token_error(part[0], sql, "partition options come last, without a comma before them")
        if partitioning.endswith("PARTITION BY"):
            check_partitioning(part[len(cut):], sql)
        try:  # sqlglot has nodes for some PARTITION BY forms: a tree when it reads the whole clause
            return _plain(head, part, sql, parse), False
        except SQLSyntaxError:
            if cut:
                _clause(head, cut, index, sql, parse)
        raise Unlowerable(partitioning)
    first = words(part, 0, 4)
    if len(first) > 1 and first[1] == "PARTITION" and first[0] in _PARTITION_VERBS:
        _check_partition_clause(part, sql)
        raise Unlowerable(f"ALTER TABLE {first[0]} PARTITION")
    if first[:2] in (["DISABLE", "KEYS"], ["ENABLE", "KEYS"]) and len(part) == 2:
        raise Unlowerable(f"ALTER TABLE {first[0]} KEYS")
    if first[:2] in (["DISCARD", "TABLESPACE"], ["IMPORT", "TABLESPACE"]) and len(part) == 2:
        raise Unlowerable(f"ALTER TABLE {first[0]} TABLESPACE")
    if first[:2] in (["WITH", "VALIDATION"], ["WITHOUT", "VALIDATION"]) and len(part) == 2:
        raise Unlowerable(f"ALTER TABLE {first[0]} VALIDATION")
    if first[:1] in (["SECONDARY_LOAD"], ["SECONDARY_UNLOAD"]) and len(part) == 1:
        raise Unlowerable(f"ALTER TABLE {first[0]}")
    if first[:1] == ["ALTER"] and len(first) > 1 and first[1] in ("CHECK", "CONSTRAINT"):
        if (len(part) == 4 and words(part, 3, 1) == ["ENFORCED"]) or \
                (len(part) == 5 and words(part, 3, 2) == ["NOT", "ENFORCED"]):
            raise Unlowerable("ALTER TABLE ALTER CHECK ... ENFORCED")
        raise token_error(part[min(3, len(part) - 1)], sql, "ALTER CHECK name needs ENFORCED or NOT ENFORCED")
    if first[:2] == ["CONVERT", "TO"]:
        _convert(head, part, sql, parse)
        # sqlglot has no node for it: a Property would print back as `CONVERT TO CHARACTER SET=x`
        raise Unlowerable("ALTER TABLE CONVERT TO CHARACTER SET")
    if first[:1] == ["UNION"]:
        _check_union(part, sql)
        raise Unlowerable("ALTER TABLE UNION")
    guarded = _mariadb_guard(part)
    if guarded is not None:
        # MariaDB's IF [NOT] EXISTS on these clauses (this dialect also serves mariadb:// URIs);
        # the IR has no field for it: the clause without the guard is checked, then it is named
        kept, construct = guarded
        _clause(head, kept, index, sql, parse)
        raise Unlowerable(construct)
    part = strip_enforced(part, sql)
    group = _add_group(part, sql)
    if group is not None:
        return _parse_add_group(head, group, index, sql, parse), True
    if _starts_options(first):
        part = table_options_with_equals(part, 0, sql)
    if words(part, 0, 2) == ["ADD", "CHECK"]:
        # sqlglot reads a check constraint after ADD only behind CONSTRAINT (same node either way)
        part = [part[0], retyped(part[1], TokenType.CONSTRAINT, "CONSTRAINT"), *part[1:]]
    return _plain(head, part, sql, parse), False


def _plain(head: list[Token], part: list[Token], sql: str, parse: Parse) -> exp.Alter:
    tree = parse([*head, *part], sql)
    if not isinstance(tree, exp.Alter):
        raise token_error(part[0], sql, "not an ALTER TABLE clause")
    return tree


def _starts_options(first: list[str]) -> bool:
    return bool(first) and (first[0] in OPTION_NAMES or (first[0] == "DEFAULT" and len(first) > 1))


def _cut_partitioning(part: list[Token]) -> tuple[list[Token], str | None]:
    """The clause without a trailing `PARTITION BY ...` / `REMOVE PARTITIONING`, and the name of
    what was cut (the statement is then Unlowerable, once the rest of the clause is checked)."""
    depth = 0
    for i, tok in enumerate(part):
        tt = tok.token_type
        if tt is TokenType.L_PAREN:
            depth += 1
        elif tt is TokenType.R_PAREN:
            depth -= 1
        elif depth == 0 and tt is not TokenType.IDENTIFIER:
            pair = words(part, i, 2)
            if pair == ["REMOVE", "PARTITIONING"] and len(part) == i + 2:
                return part[:i], "ALTER TABLE REMOVE PARTITIONING"
            if pair == ["PARTITION", "BY"] or pair[:1] == ["PARTITION BY"]:
                return part[:i], "ALTER TABLE PARTITION BY"
    return part, None


_NAME_TYPES = (TokenType.VAR, TokenType.IDENTIFIER)


def _mariadb_guard(part: list[Token]) -> tuple[list[Token], str] | None:
    """For MODIFY / CHANGE [COLUMN] IF EXISTS, ADD {INDEX | KEY} IF NOT EXISTS and ADD [CONSTRAINT
    [name]] FOREIGN KEY IF NOT EXISTS: the clause without the guard and the construct's name."""
    first = words(part, 0, 2)
    at: int | None = None
    if first[0] in ("MODIFY", "CHANGE"):
        at = 2 if first[1:] == ["COLUMN"] else 1
        if words(part, at, 2) == ["IF", "EXISTS"]:
            return [*part[:at], *part[at + 2:]], f"{first[0]} COLUMN IF EXISTS (MariaDB)"
        return None
    if first[0] != "ADD":
        return None
    if first[1:] in (["INDEX"], ["KEY"]):
        at = 2
    else:
        at = next((k + 1 for k in range(1, min(len(part), 4)) if words(part, k, 1) == ["FOREIGN KEY"]), None)
    if at is not None and words(part, at, 3) == ["IF", "NOT", "EXISTS"]:
        return [*part[:at], *part[at + 3:]], f"ADD {words(part, at - 1, 1)[0]} IF NOT EXISTS (MariaDB)"
    return None


def _check_partition_clause(part: list[Token], sql: str) -> None:
    """`<verb> PARTITION [NO_WRITE_TO_BINLOG | LOCAL] {names | ALL | number | (definitions)} [tail]`,
    as MySQL's grammar has it for each verb (names: `p1, p2`; ALL alone). MariaDB's IF [NOT]
    EXISTS after ADD / DROP PARTITION is taken too (this dialect also serves mariadb://)."""
    verb = part[0].text.upper()
    rest = part[2:]
    if verb == "DROP" and words(rest, 0, 2) == ["IF", "EXISTS"]:
        rest = rest[2:]
    if verb == "ADD" and words(rest, 0, 3) == ["IF", "NOT", "EXISTS"]:
        rest = rest[3:]
    if rest and rest[0].text.upper() in ("NO_WRITE_TO_BINLOG", "LOCAL") and verb != "DROP":
        rest = rest[1:]
    if verb == "COALESCE":
        if len(rest) != 1 or rest[0].token_type is not TokenType.NUMBER:
            raise token_error(rest[0] if rest else part[-1], sql, "COALESCE PARTITION needs a number of partitions")
        return
    if verb == "ADD":
        if not rest or (words(rest, 0, 1) == ["PARTITIONS"] and len(rest) == 2
                        and rest[1].token_type is TokenType.NUMBER):
            return
        if rest[0].token_type is not TokenType.L_PAREN or closing_paren(rest, 0) != len(rest) - 1:
            raise token_error(rest[0], sql, "ADD PARTITION needs (PARTITION definitions) or PARTITIONS n")
        return
    if verb == "REORGANIZE" and not rest:
        return
    i = _names_end(rest, sql, part[-1], allow_all=verb not in ("DROP", "REORGANIZE", "EXCHANGE"))
    tail = words(rest, i, 3)
    if verb in ("DISCARD", "IMPORT"):
        ok = tail == ["TABLESPACE"]
    elif verb == "REORGANIZE":
        ok = tail[:1] == ["INTO"] and i + 1 < len(rest) and rest[i + 1].token_type is TokenType.L_PAREN \
            and closing_paren(rest, i + 1) == len(rest) - 1
    elif verb == "EXCHANGE":
        ok = i == 1 and tail[:2] == ["WITH", "TABLE"] and len(rest) > i + 2
    elif verb == "ANALYZE":
        ok = True  # TiDB's statistics options may follow; MySQL has none, but nothing is lost
    else:
        ok = not tail
    if not ok:
        raise token_error(rest[i] if i < len(rest) else part[-1], sql, f"unexpected text in {verb} PARTITION")


def _names_end(rest: list[Token], sql: str, last: Token, *, allow_all: bool) -> int:
    """Index after `ALL` or `name [, name ...]` at the start of `rest`."""
    if not rest:
        raise token_error(last, sql, "partition names or ALL are missing")
    if rest[0].token_type is TokenType.ALL and allow_all:
        return 1
    i = 0
    while True:
        if i >= len(rest) or (rest[i].token_type not in _NAME_TYPES and rest[i].text.upper() != "LOCAL"):
            raise token_error(rest[min(i, len(rest) - 1)], sql, "a partition name is expected here")
        i += 1
        if i < len(rest) and rest[i].token_type is TokenType.COMMA:
            i += 1
            continue
        return i


def _check_union(part: list[Token], sql: str) -> None:
    i = 1
    if i < len(part) and part[i].token_type is TokenType.EQ:
        i += 1
    if i >= len(part) or part[i].token_type is not TokenType.L_PAREN or closing_paren(part, i) != len(part) - 1:
        raise token_error(part[min(i, len(part) - 1)], sql, "UNION needs a parenthesized list of tables")


def _convert(head: list[Token], part: list[Token], sql: str, parse: Parse) -> exp.Alter:
    """CONVERT TO CHARACTER SET cs [COLLATE co] (CHARSET / CHAR SET are synonyms; cs may be DEFAULT)."""
    i = 2
    for spelling in _CHARSET_WORDS:
        if words(part, i, len(spelling)) == spelling:
            i += len(spelling)
            break
    else:
        raise token_error(part[min(i, len(part) - 1)], sql, "CONVERT TO needs CHARACTER SET name")
    if i >= len(part):
        raise token_error(part[-1], sql, "CONVERT TO CHARACTER SET needs a character set name")
    charset = part[i].text
    i += 1
    options: list[exp.Expression] = [exp.Property(this=exp.var("CONVERT TO CHARACTER SET"), value=exp.var(charset))]
    if words(part, i, 1) == ["COLLATE"]:
        if i + 1 >= len(part):
            raise token_error(part[i], sql, "COLLATE needs a collation name")
        options.append(exp.Property(this=exp.var("CONVERT TO COLLATE"), value=exp.var(part[i + 1].text)))
        i += 2
    if i < len(part):
        raise token_error(part[i], sql, "unexpected text after CONVERT TO CHARACTER SET")
    target = parse([*head, retyped(part[0], TokenType.VAR, "FORCE")], sql)
    assert isinstance(target, exp.Alter)
    return exp.Alter(this=target.this, kind="TABLE", actions=[], options=options)


def _add_group(part: list[Token], sql: str) -> tuple[list[Token], bool, list[Token]] | None:
    """For `ADD [COLUMN] [IF NOT EXISTS] ( ... )`: the tokens before the parenthesis, whether IF
    NOT EXISTS was written, and the tokens inside. None for any other clause."""
    if words(part, 0, 1) != ["ADD"]:
        return None
    i = 1
    if words(part, i, 1) == ["COLUMN"]:
        i += 1
    exists = words(part, i, 3) == ["IF", "NOT", "EXISTS"]
    if exists:
        i += 3
    if i >= len(part) or part[i].token_type is not TokenType.L_PAREN:
        return None
    end = closing_paren(part, i)
    if end != len(part) - 1:
        at = part[end + 1] if end > 0 else part[i]
        raise token_error(at, sql, "unexpected text after ADD COLUMN (...)")
    return part[:i], exists, part[i + 1:end]


def _parse_add_group(head: list[Token], group: tuple[list[Token], bool, list[Token]], index: int, sql: str,
                     parse: Parse) -> exp.Alter:
    prefix, exists, inner = group
    elements = split_top_level(inner)
    add = prefix[0]
    actions: list[exp.Expression] = []
    table: exp.Expression | None = None
    for element in elements:
        if not element:
            raise token_error(prefix[-1], sql, "empty element in ADD COLUMN (...)")
        if words(element, 0, 1)[0] in _CONSTRAINT_STARTS:
            spelled = [add, *element]
            if words(element, 0, 1) == ["CHECK"]:
                spelled = [add, retyped(element[0], TokenType.CONSTRAINT, "CONSTRAINT"), *element]
        else:
            spelled = [add, retyped(add, TokenType.COLUMN, "COLUMN")]
            if exists:
                spelled += [retyped(add, TokenType.VAR, "IF"), retyped(add, TokenType.NOT, "NOT"),
                            retyped(add, TokenType.EXISTS, "EXISTS")]
            spelled += element
        tree = parse([*head, *spelled], sql)
        if not isinstance(tree, exp.Alter) or tree.args.get("options") or len(tree.args.get("actions") or []) != 1:
            raise token_error(element[0], sql, "not a column or key definition")
        added = tree.args["actions"][0]
        if isinstance(added, exp.ColumnDef) and added.args.get("position") is not None:
            raise token_error(element[-1], sql, "FIRST / AFTER is not allowed inside ADD COLUMN (...)")
        table = table or tree.this
        actions.extend(tree.args["actions"])
    return exp.Alter(this=table, kind="TABLE", actions=actions, options=[])
