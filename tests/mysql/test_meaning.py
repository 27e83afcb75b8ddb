"""The MySQL front end never silently changes a statement's meaning.

Each case here was once read by sqlglot into a tree that means something else in MySQL (a type,
a dropped argument, a constraint swallowed into an expression); the front end now reads it as
MySQL does, or refuses it with an error naming the construct. tests/mysql/test_mariadb_roundtrip.py
runs the same statements on a real MariaDB server.
"""

from __future__ import annotations

import re

import pytest
import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect as SqlglotDialect

from dialects.mysql import rules
from sqlparser import SQLParserError, new_parser
from sqlparser.errors import SQLSyntaxError, UnsupportedConstructError
from sqlparser.types import OperationType, TableColumn


@pytest.fixture(scope="module")
def parser():
    return new_parser("mysql", portable_names=False)


def _native(parser, sql: str) -> str:
    return parser.render(parser.parse(sql).tree)


def _column_types(parser, sql: str) -> list[str]:
    tree = parser.parse(sql).tree
    return [col.args["kind"].sql(dialect="mysql") for col in tree.find_all(exp.ColumnDef)]


# -- types ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("sql", "types"), [
    ("CREATE TABLE t (a LONG)", ["MEDIUMTEXT"]),
    ("CREATE TABLE t (a LONG VARCHAR, b LONG CHAR VARYING, c LONG VARBINARY)", ["MEDIUMTEXT", "MEDIUMTEXT",
                                                                             "MEDIUMBLOB"]),
    ("CREATE TABLE t (a long varchar null)", ["MEDIUMTEXT"]),
    ("CREATE TABLE t (a REAL, b REAL(10, 2))", ["DOUBLE", "DOUBLE(10, 2)"]),
    ("CREATE TABLE t (a INT8, b INT4, c INT1)", ["BIGINT", "INT", "TINYINT"]),
    ("CREATE TABLE t (a FLOAT, b DOUBLE PRECISION, c FLOAT8)", ["FLOAT", "DOUBLE", "DOUBLE"]),
])
def test_type_words_mean_what_mysql_means(parser, sql, types):
    assert _column_types(parser, sql) == types


def test_long_keeps_its_character_set(parser):
    assert _native(parser, "CREATE TABLE t (a LONG CHAR VARYING CHARACTER SET utf8mb4)") == \
        "CREATE TABLE t (a MEDIUMTEXT CHARACTER SET utf8mb4)"


def test_real_in_cast_is_double(parser):
    assert _native(parser, "SELECT CAST(a AS REAL) FROM t") == "SELECT CAST(a AS DOUBLE) FROM t"


def test_quoted_type_words_are_names(parser):
    # Only the keyword is a type: a backquoted `long` or `real` is a column name.
    assert _native(parser, "SELECT `long`, `real` FROM t") == "SELECT `long`, `real` FROM t"


# -- generated columns ----------------------------------------------------------------------------

def _generated(parser, sql: str) -> tuple[exp.Expression, list[str]]:
    column = next(c for c in parser.parse(sql).tree.find_all(exp.ColumnDef) if c.name == "b")
    kinds = [c.args["kind"] for c in column.args["constraints"]]
    computed = next(k for k in kinds if isinstance(k, (exp.ComputedColumnConstraint,
                                                       exp.GeneratedAsIdentityColumnConstraint)))
    expression = computed.this if isinstance(computed, exp.ComputedColumnConstraint) else computed.expression
    return expression, [type(k).__name__ for k in kinds]


@pytest.mark.parametrize("sql", [
    "CREATE TABLE t (b BIGINT AS (a+1) NOT NULL, a INT)",
    "ALTER TABLE t ADD COLUMN b BIGINT AS (a+1) NOT NULL",
    "CREATE TABLE t (b BIGINT GENERATED ALWAYS AS (a+1) NOT NULL, a INT)",
])
def test_not_null_after_a_generated_column_is_a_constraint(parser, sql):
    expression, kinds = _generated(parser, sql)
    assert isinstance(expression, exp.Add), expression
    assert "NotNullColumnConstraint" in kinds
    assert "NOT NULL" in _native(parser, sql) and "IS NULL" not in _native(parser, sql)


def test_generated_column_collation_is_the_columns(parser):
    expression, kinds = _generated(parser, "CREATE TABLE t (a CHAR(3), b CHAR(3) AS (a) COLLATE utf8mb4_bin)")
    assert isinstance(expression, exp.Column)
    assert "CollateColumnConstraint" in kinds


def test_a_written_is_not_null_stays_in_the_expression(parser):
    expression, kinds = _generated(parser, "CREATE TABLE t (a INT, b INT AS ((a + 1) IS NOT NULL))")
    assert expression.find(exp.Is) is not None
    assert "NotNullColumnConstraint" not in kinds


@pytest.mark.parametrize("sql", [
    "CREATE TABLE t (a INT, b INT AS (a) + 1)",
    "CREATE TABLE t (a INT, b INT AS (a) IS NULL)",
])
def test_text_after_the_generated_expression_is_rejected(parser, sql):
    # MySQL takes exactly one parenthesized expression after AS.
    with pytest.raises(SQLSyntaxError):
        parser.parse(sql)


def test_stored_is_kept(parser):
    assert _native(parser, "CREATE TABLE t (a INT, b INT AS (a + 1) STORED NOT NULL)") == \
        "CREATE TABLE t (a INT, b INT GENERATED ALWAYS AS (a + 1) STORED NOT NULL)"


def test_create_table_as_select_is_untouched(parser):
    assert _native(parser, "CREATE TABLE t (a INT) AS (SELECT 1 AS a)") == "CREATE TABLE t (a INT) AS (SELECT 1 AS a)"


# -- arguments --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("sql", "printed"), [
    ("SELECT UUID(1)", "SELECT UUID(1)"),
    ("SELECT DATE(x, '') FROM t", "SELECT DATE(x, '') FROM t"),
    ("SELECT CONVERT_TZ(a, 'a', 'b', 'c') FROM t", "SELECT CONVERT_TZ(a, 'a', 'b', 'c') FROM t"),
    ("SELECT a FROM t WHERE RAND(1, 2) > 0", "SELECT a FROM t WHERE RAND(1, 2) > 0"),
])
def test_no_argument_is_dropped(parser, sql, printed):
    assert _native(parser, sql) == printed


def test_a_subquery_argument_is_one_argument(parser):
    tree = parser.parse("SELECT EXISTS (SELECT a, b FROM t)").tree
    assert isinstance(tree.expressions[0], exp.Exists)


def test_calls_with_the_right_count_keep_their_meaning_nodes(parser):
    tree = parser.parse("SELECT UUID(), DATE(x), CONVERT_TZ(a, 'a', 'b') FROM t").tree
    assert [type(e).__name__ for e in tree.expressions] == ["Uuid", "TsOrDsToDate", "ConvertTimezone"]


def test_no_argument_is_dropped_in_a_filter_condition(parser):
    assert parser.frontend.parse_condition("UUID(1) = 2").sql(dialect="mysql") == "UUID(1) = 2"


def test_a_method_like_call_is_not_a_builtin(parser):
    assert _native(parser, "SELECT db.uuid(1) FROM t") == "SELECT db.uuid(1) FROM t"


def _drops(name: str, count: int, kind: str) -> bool:
    args = ", ".join((f"zz{i}" if kind == "column" else f"'zz{i}'") for i in range(count))
    try:
        printed = sqlglot.parse_one(f"SELECT {name}({args})", read="mysql").sql(dialect="mysql").lower()
    except Exception:  # sqlglot raises many kinds of errors on a wrong count
        return False  # an arity error: the front end keeps such a call as written already
    return any(not re.search(rf"\bzz{i}\b", printed) for i in range(count))


def test_argument_dropping_table_matches_sqlglot():
    """Re-measure rules.ARGUMENT_DROPPING_CALLS: every function sqlglot's MySQL parser builds, with
    0..ARGUMENT_PROBE_MAX column or string arguments, read and printed back; a count at which an
    argument disappears must be in the table (and nothing else)."""
    measured: dict[str, frozenset[int]] = {}
    for name in sorted(SqlglotDialect.get_or_raise("mysql").parser_class.FUNCTIONS):
        if not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name):
            continue
        counts = frozenset(n for n in range(rules.ARGUMENT_PROBE_MAX + 1)
                           if _drops(name, n, "column") or _drops(name, n, "string"))
        if counts:
            measured[name] = counts
    assert measured == rules.ARGUMENT_DROPPING_CALLS


# -- executable comments -------------------------------------------------------------------------

def test_partitioning_in_an_executable_comment_reads_as_if_written_plainly(parser):
    # The comment's text is part of the statement (issue 10 item 5): partitioning, which the IR has
    # no node for, classifies only, exactly as the same statement written without the comment.
    commented = parser.parse("CREATE TABLE t (a INT) /*!50100 PARTITION BY HASH (a) PARTITIONS 4 */")
    plain = parser.parse("CREATE TABLE t (a INT) PARTITION BY HASH (a) PARTITIONS 4")
    assert commented.tree is None and plain.tree is None
    assert commented.unsupported == plain.unsupported == "CREATE TABLE ... PARTITION BY"


def test_an_executable_comment_inside_a_string_is_text(parser):
    assert _native(parser, "SELECT '/*!50100 x */'") == "SELECT '/*!50100 x */'"


# -- ODBC escapes ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("sql", "printed"), [
    ("SELECT {ts '2024-01-01 10:00:00.5'}", "SELECT TIMESTAMP '2024-01-01 10:00:00.5'"),
    # The content is still a string item around parentheses or a nested escape: MySQL makes the literal.
    ("SELECT {ts {abc '2024-01-01 10:00:00'}}", "SELECT TIMESTAMP '2024-01-01 10:00:00'"),
    ("SELECT {ts ('2024-01-01 10:00:00')}", "SELECT TIMESTAMP '2024-01-01 10:00:00'"),
    ("SELECT {d '2024-01-01'}, {t '10:00:00.25'}", "SELECT DATE '2024-01-01', TIME '10:00:00.25'"),
    # The name is compared case-sensitively: {D '...'} is the plain string.
    ("SELECT {D '2024-01-01'}", "SELECT ('2024-01-01')"),
    # Not a string: the escape is just its expression.
    ("SELECT {ts 1}", "SELECT (1)"),
    ("SELECT {fn concat('a', 'b')}", "SELECT (CONCAT('a', 'b'))"),
])
def test_odbc_escapes(parser, sql, printed):
    assert _native(parser, sql) == printed


@pytest.mark.parametrize(("sql", "printed"), [
    # CAST('10:00:00.5' AS TIME) rounds to whole seconds; the literal keeps its digits.
    ("SELECT TIME '10:00:00.5'", "SELECT TIME '10:00:00.5'"),
    ("SELECT DATE '2024-01-01'", "SELECT DATE '2024-01-01'"),
    ("SELECT TIMESTAMP '2024-01-01 10:00:00.5'", "SELECT TIMESTAMP '2024-01-01 10:00:00.5'"),
    ("SELECT CAST('10:00:00.5' AS TIME)", "SELECT CAST('10:00:00.5' AS TIME)"),
])
def test_typed_literals_print_as_literals(parser, sql, printed):
    assert _native(parser, sql) == printed


# -- unary plus -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("sql", "same_as"), [
    ("SELECT ++1", "SELECT 1"),
    ("SELECT -+1", "SELECT -1"),
    ("SELECT - + - a FROM t", "SELECT - - a FROM t"),
])
def test_unary_plus_is_the_no_op_mysql_makes_it(parser, sql, same_as):
    # MySQL's grammar drops a unary plus (`'+' simple_expr` yields the operand itself), so the
    # tree without it is MySQL's own reading; the MariaDB round trip checks the values.
    assert parser.parse(sql).tree == parser.parse(same_as).tree


# -- ALTER TABLE ... RENAME AS ---------------------------------------------------------------------

@pytest.mark.parametrize("sql", ["ALTER TABLE t RENAME AS t1", "ALTER TABLE db.t RENAME as db1.t1",
                                 "ALTER TABLE t RENAME TO t1", "ALTER TABLE t RENAME t1"])
def test_rename_as(parser, sql):
    tree = parser.parse(sql).tree
    assert parser.get_sql_operation(sql) is OperationType.ALTER
    assert tree.find(exp.AlterRename) is not None


def test_rename_column_is_untouched(parser):
    assert _native(parser, "ALTER TABLE t RENAME COLUMN a TO b") == "ALTER TABLE t RENAME COLUMN a TO b"


# -- classification ---------------------------------------------------------------------------------

@pytest.mark.parametrize("sql", ["VALUES ROW(1, 2)", "VALUES ROW(1, 2), ROW(3, 4) ORDER BY 1"])
def test_values_statement_is_select(parser, sql):
    assert parser.get_sql_operation(sql) is OperationType.SELECT


def test_rejections_are_parser_errors(parser):
    with pytest.raises(SQLParserError):
        parser.parse("CREATE TABLE t (a INT, b INT AS (a) AND 1)")


# -- found by the MariaDB round trip ---------------------------------------------------------------

def test_bare_join_keeps_join_precedence(parser):
    # `t1 JOIN t2` and `t1, t2` were one tree, printed with the comma, which binds looser than
    # LEFT JOIN: the ON / USING of a later join then no longer sees t1.
    printed = _native(parser, "SELECT * FROM t1 JOIN t2 LEFT JOIN t3 ON t1.a = t3.a")
    assert printed == "SELECT * FROM t1 CROSS JOIN t2 LEFT JOIN t3 ON t1.a = t3.a"
    assert _native(parser, "SELECT * FROM t1, t2") == "SELECT * FROM t1, t2"
    assert _native(parser, "SELECT * FROM t1 JOIN (SELECT a FROM x JOIN y) AS z") == \
        "SELECT * FROM t1 CROSS JOIN (SELECT a FROM x CROSS JOIN y) AS z"
    assert _native(parser, "SELECT * FROM t1 JOIN t2 ON t1.a = t2.a") == "SELECT * FROM t1 JOIN t2 ON t1.a = t2.a"


@pytest.mark.parametrize(("sql", "printed"), [
    ("UPDATE t SET a = DEFAULT", "UPDATE t SET a = DEFAULT"),
    ("INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE a = DEFAULT",
     "INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE a = DEFAULT"),
    ("UPDATE t SET a = `default`", "UPDATE t SET a = `default`"),
])
def test_default_value_stays_the_keyword(parser, sql, printed):
    assert _native(parser, sql) == printed


def test_default_is_no_value_in_a_condition(parser):
    with pytest.raises(SQLSyntaxError, match="DEFAULT as a value"):
        parser.parse("SELECT * FROM t WHERE a = DEFAULT")


def test_dual_stays_a_keyword(parser):
    assert _native(parser, "SELECT 1 FROM dual WHERE 1 = 1") == "SELECT 1 FROM DUAL WHERE 1 = 1"
    assert _native(parser, "SELECT 1 FROM `dual`") == "SELECT 1 FROM `dual`"


@pytest.mark.parametrize(("sql", "printed"), [
    ("CREATE TABLE nchar (a NCHAR(5) NOT NULL, b NVARCHAR(3), c NCHAR)",
     "CREATE TABLE nchar (a CHAR(5) CHARACTER SET utf8mb3 NOT NULL, b VARCHAR(3) CHARACTER SET utf8mb3, "
     "c CHAR CHARACTER SET utf8mb3)"),
    ("SELECT CAST(a AS NCHAR(3)) FROM t", "SELECT CAST(a AS CHAR(3) CHARACTER SET utf8mb3) FROM t"),
])
def test_national_types_keep_their_character_set(parser, sql, printed):
    assert _native(parser, sql) == printed


def test_interval_function_inside_an_interval(parser):
    assert _native(parser, "SELECT DATE_ADD(d, INTERVAL INTERVAL(1, 0, 1) DAY) FROM t") == \
        "SELECT DATE_ADD(d, INTERVAL (INTERVAL(1, 0, 1)) DAY) FROM t"


@pytest.mark.parametrize(("sql", "printed"), [
    # MySQL rounds a number of days (2) but reads the string '1.5' as 1.
    ("SELECT DATE_ADD(d, INTERVAL 1.5 DAY) FROM t", "SELECT DATE_ADD(d, INTERVAL 1.5 DAY) FROM t"),
    ("SELECT d - INTERVAL -2.5 DAY FROM t", "SELECT d - INTERVAL -2.5 DAY FROM t"),
    # An integer amount means the same as a string: left in sqlglot's form.
    ("SELECT d - INTERVAL -2 DAY FROM t", "SELECT d - INTERVAL '-2' DAY FROM t"),
    ("SELECT d + INTERVAL '1.5' DAY FROM t", "SELECT d + INTERVAL '1.5' DAY FROM t"),
])
def test_interval_amount_keeps_its_type(parser, sql, printed):
    assert _native(parser, sql) == printed


def test_hex_number_keeps_its_form(parser):
    assert _native(parser, "SELECT 0x41 + 0, X'41' + 0") == "SELECT 0x41 + 0, x'41' + 0"


def test_share_lock_prints_in_the_spelling_both_servers_read(parser):
    assert _native(parser, "SELECT * FROM t FOR SHARE") == "SELECT * FROM t LOCK IN SHARE MODE"
    assert _native(parser, "SELECT * FROM t FOR SHARE NOWAIT") == "SELECT * FROM t FOR SHARE NOWAIT"


def test_select_into_variable_is_an_unsupported_construct(parser):
    # sqlglot's MySQL printer turns SELECT ... INTO @v into CREATE TABLE @v AS SELECT ...
    sql = "SELECT 1 INTO @v"
    assert parser.get_sql_operation(sql) is OperationType.SELECT
    with pytest.raises(UnsupportedConstructError, match="INTO @variable"):
        parser.render(parser.parse(sql).tree)
    with pytest.raises(UnsupportedConstructError, match="INTO @variable"):
        parser.parse_and_modify_sql("SELECT a INTO @v FROM t", {"t": TableColumn(new_table_name="t2")})


@pytest.mark.parametrize(("sql", "printed"), [
    # sqlglot printed these as SELECT ROW(1, 2) UNION ALL ..., one ROW-valued column each, and
    # dropped the column list of the alias; MySQL rejects a ROW-valued column.
    ("VALUES ROW(1, 2), ROW(3, 4)", "VALUES ROW(1, 2), ROW(3, 4)"),
    ("VALUES ROW(1), ROW(2) ORDER BY 1 LIMIT 1", "VALUES ROW(1), ROW(2) ORDER BY 1 LIMIT 1"),
    ("SELECT * FROM (VALUES ROW(1, 2)) AS v (a, b)", "SELECT * FROM (VALUES ROW(1, 2)) AS v(a, b)"),
    ("VALUES ROW(1) UNION VALUES ROW(2)",
     "SELECT * FROM (VALUES ROW(1)) AS _values UNION SELECT * FROM (VALUES ROW(2)) AS _values"),
    ("INSERT INTO t VALUES ROW(1, 2), ROW(3, 4)", "INSERT INTO t VALUES (1, 2), (3, 4)"),
])
def test_values_rows_print_as_rows(parser, sql, printed):
    assert _native(parser, sql) == printed


def test_json_paths_sqlglot_cannot_read_are_kept_quietly(parser, caplog):
    sql = "SELECT JSON_EXTRACT(a, '$[last]'), JSON_EXTRACT(a, '$[1 to 2]') FROM t"
    with caplog.at_level("WARNING"):
        assert _native(parser, sql) == sql
    assert not [r for r in caplog.records if "JSON path" in r.getMessage()]


@pytest.mark.parametrize(("sql", "printed"), [
    # LOG(10, 1000) is 2.9999999999999996, LOG10(1000) is 3.
    ("SELECT LOG10(a), LOG2(a), LOG(10, a) FROM t", "SELECT LOG10(a), LOG2(a), LOG(10, a) FROM t"),
    # UTC_DATE() was printed CURRENT_DATE AT TIME ZONE 'UTC', not MySQL.
    ("SELECT UTC_DATE()", "SELECT UTC_DATE()"),
    # DATE_FORMAT(tm, '%M') is NULL for a TIME value where MONTHNAME(tm) is not.
    ("SELECT MONTHNAME(d) FROM t", "SELECT MONTHNAME(d) FROM t"),
    # Without parentheses these are calls, not columns (they were printed back-quoted: columns).
    ("SELECT UTC_DATE, UTC_TIME, UTC_TIMESTAMP", "SELECT UTC_DATE(), UTC_TIME(), UTC_TIMESTAMP()"),
    ("SELECT `utc_date` FROM t", "SELECT `utc_date` FROM t"),
])
def test_calls_print_as_mysql_reads_them(parser, sql, printed):
    assert _native(parser, sql) == printed


def test_mariadb_functions_sqlglot_maps_to_others_are_kept(parser):
    assert _native(parser, "SELECT CHR(65), TO_CHAR(d) FROM t") == "SELECT CHR(65), TO_CHAR(d) FROM t"


@pytest.mark.parametrize("sql", [
    # MySQL: one precedence for all comparisons, left to right ((a <=> b) < c); sqlglot nests the
    # other way and printed `a <=> (b < c)`.
    "SELECT a <=> b < c FROM t",
    "SELECT a = b < c FROM t",
    "SELECT a = b LIKE c FROM t",
    "SELECT a < b NOT LIKE c FROM t",
    "SELECT a = b IN (1) FROM t",
    "SELECT a != b REGEXP c FROM t",
    "SELECT a NOT LIKE b NOT LIKE c FROM t",
    "SELECT a = b SOUNDS LIKE c FROM t",
    "SELECT a BETWEEN b SOUNDS LIKE c AND 5 FROM t",
])
def test_misnested_comparison_chains_are_refused(parser, sql):
    with pytest.raises(SQLSyntaxError, match="chained without parentheses"):
        parser.parse(sql)


def test_sounds_like_before_between_is_refused(parser):
    with pytest.raises(SQLSyntaxError, match="SOUNDS LIKE followed by BETWEEN"):
        parser.parse("SELECT a SOUNDS LIKE b BETWEEN 0 AND 1 FROM t")


@pytest.mark.parametrize("sql", [
    "SELECT a < b = c, a = b = c, (a = b) < c, a = (b < c), a IN (1) = 1, a = b << c FROM t WHERE a = 1 AND b < 2",
    "UPDATE t SET a = b < c, d = e LIKE 'x' WHERE f = 1",
    "SELECT CASE WHEN a = 1 THEN b < 2 END, IF(a = 1, b < 2, 0) FROM t",
])
def test_comparisons_sqlglot_nests_right_are_kept(parser, sql):
    assert _native(parser, sql) == sql
