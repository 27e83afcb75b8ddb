"""What makes sqlglot's MySQL parser as strict as MySQL 8: the rules as tables.

sqlglot reads many dialects and is lenient by design; MySQL is not. Each table below names
one place where MySQL rejects what sqlglot accepts (or accepts what sqlglot cannot represent),
so the front end stays a loop over these tables and a rule is changed here, not in code.
The reserved-word list itself is shared by every front end: `sqlparser.mysql8_reserved`.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.tokens import TokenType

from sqlparser.mysql8_reserved import MYSQL8_RESERVED_WORDS

RESERVED_WORDS = MYSQL8_RESERVED_WORDS

# -- token-level rules --------------------------------------------------------------------------

UNSUPPORTED_TOKENS: dict[TokenType, str] = {
    TokenType.TABLE_SAMPLE: "MySQL has no TABLESAMPLE clause",
    TokenType.DCOLON: "MySQL has no :: casts; use CAST(x AS type)",
    TokenType.COLON: "MySQL has no :name parameters; use ? placeholders",
    TokenType.L_BRACKET: "MySQL has no [ ] subscripts or array literals",
    TokenType.R_BRACKET: "MySQL has no [ ] subscripts or array literals",
    TokenType.SIMILAR_TO: "MySQL has no SIMILAR TO; use REGEXP",
    TokenType.FETCH: "MySQL has no FETCH FIRST ... ROWS; use LIMIT",
    TokenType.IRLIKE: "MySQL has no ~* operator; use REGEXP (case-insensitive under the default collations)",
    TokenType.LR_ARROW: "MySQL has no <-> operator",
}
"""Tokens sqlglot reads (for other dialects) that never start valid MySQL syntax."""

NOT_AFTER: frozenset[TokenType] = frozenset({
    TokenType.PLUS, TokenType.DASH, TokenType.STAR, TokenType.SLASH, TokenType.MOD, TokenType.DIV,
    TokenType.PIPE, TokenType.AMP, TokenType.CARET, TokenType.TILDE,
    TokenType.EQ, TokenType.NEQ, TokenType.LT, TokenType.LTE, TokenType.GT, TokenType.GTE,
    TokenType.NULLSAFE_EQ,
})
"""Operators after which the word NOT is a syntax error: NOT binds looser than arithmetic and
comparison in MySQL, so `1 - NOT 0` and `a = NOT b` do not parse (`!` binds tighter and is fine)."""

SET_OPERATIONS: frozenset[TokenType] = frozenset({TokenType.UNION, TokenType.EXCEPT, TokenType.INTERSECT})
"""A WITH clause may start a statement or a parenthesized query, never an arm after these."""

DATETIME_LITERAL_KEYWORDS: frozenset[TokenType] = frozenset({TokenType.DATE, TokenType.TIME, TokenType.TIMESTAMP,
                                                          TokenType.TIMESTAMPTZ, TokenType.DATETIME})
"""DATE/TIME/TIMESTAMP literals take a quoted string, never a number (`DATE 20240101` is invalid)."""

FSP_FUNCTIONS: frozenset[str] = frozenset({
    "CURRENT_TIME", "CURRENT_TIMESTAMP", "CURTIME", "LOCALTIME", "LOCALTIMESTAMP", "NOW", "SYSDATE",
    "UTC_TIME", "UTC_TIMESTAMP",
})
"""Functions whose only, optional argument is a fractional-seconds precision: an unsigned integer literal."""

NO_ARGUMENT_FUNCTIONS: frozenset[str] = frozenset({"CURDATE", "CURRENT_DATE", "UTC_DATE", "CURRENT_USER"})
"""Functions that take an empty argument list when called with parentheses."""

FSP_MAX = 6

TIMESTAMP_UNITS: frozenset[str] = frozenset({
    "MICROSECOND", "SECOND", "MINUTE", "HOUR", "DAY", "WEEK", "MONTH", "QUARTER", "YEAR",
    # MySQL's lexer aliases these SQL_TSI_ spellings (there is no SQL_TSI_MICROSECOND).
    "SQL_TSI_SECOND", "SQL_TSI_MINUTE", "SQL_TSI_HOUR", "SQL_TSI_DAY", "SQL_TSI_WEEK", "SQL_TSI_MONTH",
    "SQL_TSI_QUARTER", "SQL_TSI_YEAR",
})
"""Units TIMESTAMPADD / TIMESTAMPDIFF accept."""

INTERVAL_UNITS: frozenset[str] = TIMESTAMP_UNITS | frozenset({
    "SECOND_MICROSECOND", "MINUTE_MICROSECOND", "MINUTE_SECOND", "HOUR_MICROSECOND", "HOUR_SECOND",
    "HOUR_MINUTE", "DAY_MICROSECOND", "DAY_SECOND", "DAY_MINUTE", "DAY_HOUR", "YEAR_MONTH",
})
"""Units an INTERVAL expression accepts."""

TIMESTAMP_FUNCTIONS: frozenset[str] = frozenset({"TIMESTAMPADD", "TIMESTAMPDIFF"})

# -- tree-level rules ---------------------------------------------------------------------------

DISTINCT_AGGREGATES: tuple[type[exp.Expression], ...] = (
    exp.Count, exp.Sum, exp.Avg, exp.Min, exp.Max, exp.GroupConcat,
)
"""The only aggregates MySQL lets take DISTINCT (BIT_AND(DISTINCT x), JSON_ARRAYAGG(DISTINCT x) fail)."""

ONE_ARGUMENT_AGGREGATES: tuple[type[exp.Expression], ...] = (
    exp.Count, exp.Sum, exp.Avg, exp.Min, exp.Max, exp.Stddev, exp.StddevPop, exp.StddevSamp,
    exp.Variance, exp.VariancePop, exp.BitwiseAndAgg, exp.BitwiseOrAgg, exp.BitwiseXorAgg,
)
"""Aggregates that take exactly one argument (COUNT(DISTINCT a, b) is the one exception, allowed)."""

ONE_ARGUMENT_AGGREGATE_NAMES: frozenset[str] = frozenset({"JSON_ARRAYAGG"})
"""The same rule for aggregates sqlglot keeps as anonymous calls."""

MAX_NAME_PARTS = 3
"""db.table.column is the longest qualified name MySQL has (no catalogs)."""

OUTER_JOIN_SIDES: frozenset[str] = frozenset({"LEFT", "RIGHT"})
"""LEFT/RIGHT [OUTER] JOIN needs ON or USING (unless NATURAL)."""

NATURAL_JOIN_KINDS: frozenset[str] = frozenset({"", "OUTER"})
"""NATURAL takes [LEFT|RIGHT] [OUTER] JOIN only: NATURAL INNER / CROSS JOIN are errors."""

# -- other rules ---------------------------------------------------------------------------------

LOCK_IN_SHARE_MODE_NO_OPTIONS: frozenset[str] = frozenset({"NOWAIT", "SKIP"})
"""LOCK IN SHARE MODE takes no NOWAIT / SKIP LOCKED (only FOR SHARE / FOR UPDATE do)."""

FLOAT_MAX_PRECISION = 53
"""FLOAT(p) takes p up to 53."""

GRAMMAR_ARITY_FUNCTIONS: frozenset[str] = frozenset({
    "AVG", "BIT_AND", "BIT_OR", "BIT_XOR", "COUNT", "GROUP_CONCAT", "JSON_ARRAYAGG", "JSON_OBJECTAGG", "MAX", "MIN",
    "STD", "STDDEV", "STDDEV_POP", "STDDEV_SAMP", "SUM", "VARIANCE", "VAR_POP", "VAR_SAMP",
    "CUME_DIST", "DENSE_RANK", "FIRST_VALUE", "LAG", "LAST_VALUE", "LEAD", "NTH_VALUE", "NTILE", "PERCENT_RANK",
    "RANK", "ROW_NUMBER", "CAST", "CONVERT", "EXTRACT", "POSITION", "SUBSTRING", "SUBSTR", "TRIM",
})
"""Functions whose argument list is part of MySQL's grammar (aggregates, window functions, CAST...):
a wrong argument count there is a syntax error. For every other built-in function MySQL checks the
count only when it runs the statement, so the front end accepts the call as written."""

STATEMENT_NODES: tuple[type[exp.Expr], ...] = (
    exp.Query, exp.Subquery, exp.Values, exp.Insert, exp.Update, exp.Delete, exp.Create, exp.Alter, exp.Drop,
    exp.TruncateTable, exp.Describe, exp.Use, exp.Set, exp.Show, exp.Transaction, exp.Commit, exp.Rollback,
    exp.Analyze, exp.Grant, exp.Revoke,
)
"""What a MySQL statement can be. sqlglot also parses a bare expression as a "statement"
(`SELECTZ * FRON users` is a multiplication aliased `users`): MySQL does not."""

UNSUPPORTED_CREATE_KINDS: dict[str, str] = {
    "SEQUENCE": "MySQL has no sequences; use an AUTO_INCREMENT column",
}
"""CREATE <kind> forms sqlglot reads for other dialects."""

UNSUPPORTED_PROPERTIES: dict[type[exp.Expression], str] = {
    exp.OnCommitProperty: "MySQL has no ON COMMIT clause for tables",
    exp.GlobalProperty: "MySQL has no GLOBAL TEMPORARY tables",
}
"""Table properties of other dialects that MySQL rejects."""

VALUE_LIST_TYPES: frozenset[exp.DType] = frozenset({exp.DataType.Type.ENUM, exp.DataType.Type.SET})
"""ENUM and SET columns need their list of values."""

NOT_STATEMENT_STARTS: frozenset[TokenType] = frozenset({
    TokenType.VAR, TokenType.IDENTIFIER, TokenType.NUMBER, TokenType.STRING, TokenType.PLACEHOLDER,
    TokenType.PARAMETER,
})
"""A MySQL statement starts with a keyword or '(': a leading name (`SELECTS id FROM t`), number or
string is a misspelled or missing keyword, reported at that first token."""

CAST_TYPES: frozenset[str] = frozenset({
    "BINARY", "CHAR", "CHARACTER", "NATIONAL", "NCHAR", "DATE", "DATETIME", "TIME", "YEAR", "DECIMAL", "DEC",
    "DOUBLE", "FLOAT", "REAL", "SIGNED", "UNSIGNED", "JSON",
    "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION",
})
"""Types CAST(x AS type) accepts in MySQL 8 (no INT, VARCHAR or TEXT: sqlglot would quietly map them)."""

UNSUPPORTED_NODES: dict[type[exp.Expression], tuple[str, str]] = {
    exp.ILike: ("ILIKE", "MySQL has no ILIKE; use LIKE (case-insensitive under the default collations)"),
    exp.Filter: ("FILTER", "MySQL has no FILTER (WHERE ...) on aggregates; use CASE inside the aggregate"),
    exp.WithinGroup: ("WITHIN", "MySQL has no WITHIN GROUP"),
    exp.Cube: ("CUBE", "MySQL has no GROUP BY CUBE; use WITH ROLLUP"),
    exp.GroupingSets: ("GROUPING", "MySQL has no GROUPING SETS; use WITH ROLLUP or UNION"),
    exp.Glob: ("GLOB", "MySQL has no GLOB; use LIKE or REGEXP"),
    exp.IntervalSpan: ("TO", "MySQL has no INTERVAL ... TO ... spans; use a compound unit such as DAY_SECOND"),
    exp.Kwarg: ("=>", "MySQL has no named arguments (name => value)"),
    exp.ExtendsLeft: ("&<", "MySQL has no &< operator"),
    exp.ExtendsRight: ("&>", "MySQL has no &> operator"),
    exp.Adjacent: ("-|-", "MySQL has no -|- operator"),
}
"""Expressions other dialects have and MySQL does not: (the keyword to point at, reason)."""

UNSUPPORTED_ARGS: dict[type[exp.Expression], tuple[tuple[str, str], ...]] = {
    exp.Select: (("qualify", "MySQL has no QUALIFY clause; filter in an outer query"),),
    exp.Insert: (("alternative", "MySQL has no INSERT OR ...; use REPLACE or INSERT IGNORE"),
                 ("returning", "MySQL has no RETURNING clause")),
    exp.Update: (("from_", "MySQL's UPDATE has no FROM; join the tables: UPDATE t JOIN u ON ... SET ..."),
                 ("returning", "MySQL has no RETURNING clause")),
    exp.Delete: (("returning", "MySQL has no RETURNING clause"),),
    exp.Distinct: (("on", "MySQL has no DISTINCT ON"),),
    exp.Lock: (("key", "MySQL has no FOR NO KEY UPDATE / FOR KEY SHARE; use FOR UPDATE or FOR SHARE"),),
}
"""Clauses sqlglot parses into a node (and may quietly rewrite) that MySQL has no syntax for."""

FULL_JOIN_SIDE = "FULL"
"""MySQL has no FULL JOIN (it reads `t1 FULL JOIN t2` as t1 aliased `full`)."""

FULL_KEYWORD_AFTER: frozenset[str] = frozenset({"MATCH", "SHOW"})
"""FULL is a keyword after these (`REFERENCES t (a) MATCH FULL`, `SHOW FULL ...`) and before JOIN /
OUTER JOIN (refused above); anywhere else it is a non-reserved word, a name (`FROM t full`)."""

SELECT_OPTION_WORDS: frozenset[str] = frozenset({
    "HIGH_PRIORITY", "STRAIGHT_JOIN", "SQL_SMALL_RESULT", "SQL_BIG_RESULT", "SQL_BUFFER_RESULT", "SQL_NO_CACHE",
    "SQL_CALC_FOUND_ROWS",
})
"""SELECT's options besides ALL / DISTINCT / DISTINCTROW. MySQL's grammar takes all of them in any
order (`select_option_list`); sqlglot reads ALL / DISTINCT first only."""

NULL_TREATMENT_CALLS: frozenset[str] = frozenset({"FIRST_VALUE", "LAST_VALUE", "NTH_VALUE", "LEAD", "LAG"})
"""The window functions MySQL 8's grammar gives `RESPECT NULLS | IGNORE NULLS` (`opt_null_treatment`),
between the call and OVER; NTH_VALUE also takes `FROM FIRST | FROM LAST` before it. RESPECT NULLS and
FROM FIRST are the defaults; MySQL parses IGNORE NULLS and FROM LAST and then reports them as not
supported yet (a run-time error, not a syntax error), so the IR keeps them."""

NAME_EXPECTED_AFTER: frozenset[TokenType] = frozenset({
    TokenType.ALIAS, TokenType.FROM, TokenType.INTO, TokenType.UPDATE, TokenType.JOIN, TokenType.TABLE,
    TokenType.COMMA, TokenType.SELECT, TokenType.DOT, TokenType.WHERE, TokenType.SET,
})
"""After these a name is expected: a reserved word there that sqlglot fails on was likely meant as
a name, and the error says to quote it."""

NEVER_NAMES: frozenset[str] = frozenset({
    "NOT", "AND", "OR", "XOR", "IS", "IN", "IF", "AS", "ON", "USING", "NULL", "TRUE", "FALSE", "SELECT",
    "FROM", "WHERE", "CASE", "WHEN", "THEN", "ELSE", "DISTINCT", "ALL", "INTERVAL", "EXISTS",
})
"""Reserved words too structural to be a misplaced name: no quoting hint for them."""

CLAUSE_KEYWORDS: frozenset[TokenType] = frozenset({
    # Not UNION: `..., UNION = (t1, t2)` is a table option of ALTER/CREATE TABLE.
    TokenType.FROM, TokenType.WHERE, TokenType.GROUP_BY, TokenType.ORDER_BY, TokenType.HAVING, TokenType.LIMIT,
    TokenType.ON, TokenType.USING, TokenType.JOIN, TokenType.WINDOW,
})
"""Keywords that start a clause: a comma right before one is a dangling list item (`SELECT a, FROM t`),
and ON right before one has no condition."""

DANGLING_AT_END: frozenset[TokenType] = frozenset({
    TokenType.ON, TokenType.USING, TokenType.WHERE, TokenType.GROUP_BY, TokenType.ORDER_BY, TokenType.HAVING,
    TokenType.LIMIT, TokenType.AND, TokenType.OR, TokenType.NOT, TokenType.SET, TokenType.FROM, TokenType.JOIN,
    TokenType.DOT, TokenType.ALIAS, TokenType.IN, TokenType.IS, TokenType.LIKE, TokenType.BETWEEN, TokenType.EQ,
})
"""Tokens a statement cannot end with; sqlglot tolerates some (`... JOIN u ON`, `GROUP BY`)."""

TABLE_FUNCTIONS: tuple[type[exp.Expression], ...] = (exp.JSONTable,)
"""The only function MySQL accepts as a table in FROM (generate_series(...) and the like are not)."""

ZONED_TYPE_WORDS: frozenset[str] = frozenset({"WITH", "WITHOUT"})
"""TIMESTAMP WITH[OUT] TIME ZONE: MySQL has no such type or literal."""

SET_OPERATION_ARMS: tuple[type[exp.Expr], ...] = (exp.Query, exp.Subquery, exp.Values)
"""What may stand on either side of UNION / EXCEPT / INTERSECT."""

TYPED_LITERALS: frozenset[str] = frozenset({"DATE", "TIME", "TIMESTAMP", "BINARY"})
"""The only type words MySQL lets precede a string literal (`float8 'NaN'`, `jsonb '{}'`,
`DATETIME '...'` are other dialects' typed literals)."""

ORDERED_AGGREGATES: tuple[type[exp.Expression], ...] = (exp.GroupConcat,)
"""The only function taking ORDER BY inside its parentheses."""

KEY_PART_NODES: tuple[type[exp.Expression], ...] = (exp.Column, exp.Identifier, exp.ColumnPrefix, exp.Paren)
"""A key part is a column, a column prefix `a(10)` or a parenthesized expression `((a + 1))`."""

LITERAL_DEFAULTS: tuple[type[exp.Expression], ...] = (exp.Literal, exp.Null, exp.Boolean, exp.Neg, exp.Paren,
                                                     exp.HexString, exp.BitString, exp.Introducer, exp.National)
"""What ALTER COLUMN ... SET DEFAULT takes: a literal or a parenthesized expression."""

NOW_DEFAULTS: frozenset[str] = frozenset({"NOW", "CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP"})
"""A column definition's DEFAULT also takes CURRENT_TIMESTAMP and its synonyms (NOW() only with parentheses)."""

# -- meaning-preserving reads ------------------------------------------------------------------

EQUIVALENT_SPELLINGS: dict[tuple[str, str], frozenset[str] | None] = {
    # CAST(x AS SIGNED INT) is CAST(x AS SIGNED): sqlglot reads SIGNED [INTEGER] only.
    ("SIGNED", "INT"): None,
    ("UNSIGNED", "INT"): None,
    # AVG(DISTINCT ALL x) is AVG(DISTINCT x): these aggregates' argument takes an optional ALL
    # (COUNT(DISTINCT ALL x) and SELECT DISTINCT ALL are errors, so the call name is required).
    ("DISTINCT", "ALL"): frozenset({"AVG", "SUM", "MIN", "MAX"}),
    ("DISTINCTROW", "ALL"): frozenset({"AVG", "SUM", "MIN", "MAX"}),
}
"""Two-word spellings sqlglot cannot read whose second word can be dropped without changing the
meaning; when a set of names is given, only right after `NAME(`."""

TYPE_SYNONYMS: dict[str, tuple[tuple[tuple[str, ...], TokenType], ...]] = {
    # MySQL's LONG is MEDIUMTEXT (LONG VARBINARY: MEDIUMBLOB); sqlglot reads it as BIGINT.
    "LONG": ((("VARBINARY",), TokenType.MEDIUMBLOB), (("VARCHAR",), TokenType.MEDIUMTEXT),
             (("CHAR", "VARYING"), TokenType.MEDIUMTEXT), ((), TokenType.MEDIUMTEXT)),
    # REAL is DOUBLE unless the REAL_AS_FLOAT SQL mode is on (it is off by default); sqlglot says FLOAT.
    "REAL": (((), TokenType.DOUBLE),),
    # INT8 is BIGINT (INT1..INT4 are TINYINT..INT); sqlglot reads INT8 as TINYINT.
    "INT8": (((), TokenType.BIGINT),),
}
"""Type words sqlglot reads as a different MySQL type: word -> (following words, the type MySQL
means); the first entry whose following words match wins, and those words are consumed."""

TYPE_SYNONYM_TOKENS: frozenset[TokenType] = frozenset({TokenType.BIGINT, TokenType.FLOAT, TokenType.TINYINT})
"""The token types sqlglot gives the words of TYPE_SYNONYMS (the rule runs only on these)."""

ARGUMENT_DROPPING_CALLS: dict[str, frozenset[int]] = {
    name: frozenset(counts) for name, counts in {
        "ANONYMOUS_AGG_FUNC": (1, 2, 3, 4, 5, 6, 7, 8), "COMBINED_AGG_FUNC": (1, 2, 3, 4, 5, 6, 7, 8),
        "J_S_O_N_ARRAY_AGG": (2, 3, 4, 5), "ARGMAX": (4, 5, 6, 7, 8), "ARGMIN": (4, 5, 6, 7, 8),
        "ARG_MAX": (4, 5, 6, 7, 8), "ARG_MIN": (4, 5, 6, 7, 8), "ARRAYAGG": (2,), "ARRAY_AGG": (2,),
        "ARRAY_APPEND": (3,),
        "ARRAY_LENGTH": (2,), "ARRAY_OVERLAPS": (3,), "ARRAY_PREPEND": (3,), "ARRAY_REMOVE": (3,),
        "ARRAY_SIZE": (2,), "ARRAY_SORT": (3, 4), "BOOLAND": (3,), "BOOLOR": (3,),
        "CEIL": (3, 4, 5, 6, 7, 8), "CEILING": (3,), "CHARACTER_LENGTH": (2, 3), "CHARINDEX": (4, 5),
        "CHAR_LENGTH": (2, 3), "CONVERT_TIMEZONE": (4,), "CONVERT_TZ": (4,), "CURRENT_SCHEMA": (1,),
        "DATABASE": (1,), "DATE": (2, 3, 4), "DATEDIFF": (3, 4, 5, 6), "DATE_DIFF": (3, 4, 5, 6),
        "DATE_FORMAT": (3, 4), "DATE_TO_DATE_STR": (2, 3, 4, 5, 6), "DATE_TRUNC": (2, 3, 4),
        "DECODE_CASE": (1, 2), "DYNAMIC_IDENTIFIER": (2,), "EXISTS": (2,), "FLOOR": (3, 4, 5, 6, 7, 8),
        "FROM_UNIXTIME": (3, 4, 5, 6, 7), "GENERATE_EMBEDDING": (4,), "GENERATE_UUID": (1, 2, 3),
        "GEN_RANDOM_UUID": (1, 2, 3), "GLOB": (3, 4, 5, 6, 7, 8), "HEX": (2,), "INITCAP": (2, 3, 4, 5, 6, 7, 8),
        "INSTR": (4, 5), "ISNULL": (2, 3, 4, 5, 6, 7, 8), "JSON_ARRAY_CONTAINS": (3,),
        "JSON_EXTRACT_PATH_TEXT": (3, 4, 5, 6, 7, 8), "JSON_EXTRACT_SCALAR": (3, 4, 5, 6, 7, 8),
        "JSON_KEYS": (3, 4, 5, 6, 7, 8), "JSON_PARSE": (2, 3, 4), "LAST_DAY": (2,), "LAST_DAY_OF_MONTH": (2,),
        "LEFTPAD": (4,), "LEN": (2, 3), "LENGTH": (2, 3), "LIKE": (4, 5, 6, 7, 8), "LOCATE": (4, 5),
        "LOG10": (2,), "LOG2": (2,), "LOWER_HEX": (2,), "LPAD": (4,), "LTRIM": (3, 4),
        "MAX_BY": (4, 5, 6, 7, 8), "MIN_BY": (4, 5, 6, 7, 8), "MOD": (3, 4, 5, 6, 7, 8),
        "MONTHNAME": (2, 3, 4), "PAD": (4,), "PARSE_DATETIME": (4,), "PARSE_JSON": (2, 3, 4), "RAND": (2,),
        "RANDOM": (2,), "RIGHTPAD": (4,), "RPAD": (4,), "RTRIM": (3, 4), "SCHEMA": (1,),
        "SCOPE_RESOLUTION": (3, 4, 5, 6, 7, 8), "SORT_ARRAY": (2, 3, 4), "STRPOS": (4, 5),
        "STR_POSITION": (4, 5), "STR_TO_DATE": (3, 4, 5), "STR_TO_TIME": (3, 4, 5, 6, 7),
        "TIMESTAMP_TRUNC": (3, 4), "TIME_SLICE": (5,), "TIME_STR_TO_TIME": (2,), "TIME_TO_STR": (3, 4),
        "TIME_TO_TIME_STR": (2, 3, 4, 5, 6), "TO_CHAR": (2, 3, 4), "TO_DAYS": (2, 3, 4, 5, 6, 7, 8),
        "TO_DOUBLE": (2, 3), "TO_HEX": (2,), "TO_NUMBER": (2, 3, 4, 5, 6, 7, 8), "TRUNC": (3,),
        "TRUNCATE": (3,), "TS_OR_DS_ADD": (4,), "TS_OR_DS_DIFF": (3,), "TS_OR_DS_TO_DATE": (3, 4),
        "TS_OR_DS_TO_DATE_STR": (2, 3, 4), "TS_OR_DS_TO_TIME": (3,), "UNICODE": (2,),
        "UNIX_TO_TIME": (3, 4, 5, 6, 7), "UUID": (1, 2, 3), "UUID_STRING": (1, 2, 3), "WEEK_START": (1,),
        "XOR": (3,),
    }.items()
}
"""Calls whose sqlglot reading (or MySQL printing) loses an argument at these argument counts
(`UUID(1)` becomes `UUID()`, `DATE(x, '')` becomes `DATE(x)`): the front end keeps such a call
as written, an opaque call. Measured by probing sqlglot with 0..ARGUMENT_PROBE_MAX arguments;
tests/mysql/test_meaning.py re-measures it, so a sqlglot upgrade that changes it fails there."""

ARGUMENT_PROBE_MAX = 8
"""Largest argument count probed; a call with more arguments is judged as with this many."""

ODBC_TEMPORAL_NAMES: frozenset[str] = frozenset({"d", "t", "ts"})
"""{d '...'}, {t '...'}, {ts '...'}: MySQL compares the escape name case-sensitively, so
{D '...'} is the plain string."""

OPAQUE_CALLS: dict[str, str] = {
    "LOG10": "sqlglot prints LOG(10, x), which is not exact: LOG10(1000) is 3, LOG(10, 1000) 2.9999999999999996",
    "LOG2": "sqlglot prints LOG(2, x), which is not exact",
    "UTC_DATE": "sqlglot prints CURRENT_DATE AT TIME ZONE 'UTC', which is not MySQL",
    "MONTHNAME": "sqlglot prints DATE_FORMAT(x, '%M'), which reads a TIME value differently",
    # MariaDB functions (this dialect also serves mariadb:// URIs) that sqlglot maps to others.
    "CHR": "sqlglot prints CHAR(x), a binary string where MariaDB's CHR gives a character (NULL for -1)",
    "TO_CHAR": "sqlglot prints CAST(x AS CHAR), which keeps fractional seconds MariaDB's TO_CHAR drops",
}
"""Built-in calls whose sqlglot reading prints back as something else: kept as written (opaque)."""

BARE_CALLS: frozenset[str] = frozenset({"UTC_DATE", "UTC_TIME", "UTC_TIMESTAMP"})
"""Functions MySQL calls without parentheses that sqlglot reads as a column (printed back quoted,
`UTC_DATE` would name a column): read as the call."""

_EQUALITY = frozenset({TokenType.EQ, TokenType.NEQ, TokenType.NULLSAFE_EQ})
_ORDERING = frozenset({TokenType.LT, TokenType.LTE, TokenType.GT, TokenType.GTE})
_PATTERN = frozenset({TokenType.LIKE, TokenType.IN, TokenType.RLIKE})

MISNESTED_COMPARISONS: dict[TokenType, frozenset[TokenType]] = {
    **{tt: _EQUALITY for tt in _ORDERING},
    **{tt: _EQUALITY | _ORDERING | _PATTERN for tt in _PATTERN},
}
"""Comparison operator -> the operators before it (same level, no parentheses) that sqlglot nests
the wrong way. MySQL gives all comparisons one precedence, left to right (`a = b < c` is
`(a = b) < c`); sqlglot binds < and LIKE / IN / REGEXP tighter than = and <=> (`a = (b < c)`,
and it prints `a <=> b < c` back as `a <=> (b < c)`). LIKE / IN / REGEXP chains are refused too
(MariaDB already reads `a NOT LIKE b NOT LIKE c` otherwise). Such chains need parentheses."""

SOUNDS_LIKE_AFTER: frozenset[TokenType] = _EQUALITY | _ORDERING | _PATTERN | {TokenType.BETWEEN}
"""What may not come right before `x SOUNDS LIKE y`, nor BETWEEN right after it: sqlglot prints it
SOUNDEX(x) = SOUNDEX(y), which regroups with a comparison or BETWEEN around it."""

COMPARISON_OPERANDS: frozenset[TokenType] = frozenset({
    TokenType.VAR, TokenType.IDENTIFIER, TokenType.NUMBER, TokenType.STRING, TokenType.DOT, TokenType.NULL,
    TokenType.TRUE, TokenType.FALSE, TokenType.PLUS, TokenType.DASH, TokenType.STAR, TokenType.SLASH,
    TokenType.MOD, TokenType.DIV, TokenType.AMP, TokenType.PIPE, TokenType.CARET, TokenType.TILDE,
    TokenType.PARAMETER, TokenType.PLACEHOLDER, TokenType.HEX_STRING, TokenType.BIT_STRING,
    TokenType.NATIONAL_STRING, TokenType.ARROW, TokenType.DARROW, TokenType.COLLATE, TokenType.BINARY,
})
"""Tokens inside one comparison operand (besides parenthesized groups and the shifts << >>, which
sqlglot makes two < or > tokens): scanning back from a comparison operator over these reaches the
operator before it, if it is in the same chain."""
