/*
 * SQLite parser for cozelite, written from the SQLite documentation's syntax diagrams
 * (lang.html and the pages it links) and checked against the SQLite that apsw bundles.
 *
 * Written for ANTLR's SLL prediction mode: statements that share a prefix are factored so a
 * decision needs only a few tokens of lookahead, and expressions use one left-recursive rule whose
 * alternatives follow SQLite's operator precedence (highest first).
 *
 * Checks SQLite makes after parsing but reports as syntax errors (join types, frame bounds,
 * table options, variable numbers, trigger-body restrictions) live in the front end's validator,
 * not here. Extensions beyond SQLite are listed in README.md.
 *
 * Rule names are part of the front end's interface: do not rename them.
 */
parser grammar SQLiteParser;

// Every rule context derives from RuleContextBase (dialects/sqlite/contexts.py): ANTLR's own base
// initialises its fields through a chain of three constructors.
options { tokenVocab = SQLiteLexer; contextSuperClass = RuleContextBase; }

@header {
from dialects.sqlite.contexts import RuleContextBase
}

parse
    : SCOL* (sql_stmt (SCOL+ sql_stmt)* SCOL*)? EOF
    ;

sql_stmt
    : (EXPLAIN (QUERY PLAN)?)? (
        with_stmt
      | select_stmt
      | insert_stmt
      | update_stmt
      | delete_stmt
      | create_stmt
      | drop_stmt
      | alter_table_stmt
      | analyze_stmt
      | attach_stmt
      | detach_stmt
      | begin_stmt
      | commit_stmt
      | rollback_stmt
      | savepoint_stmt
      | release_stmt
      | pragma_stmt
      | reindex_stmt
      | vacuum_stmt
      | truncate_stmt
    )
    ;

// WITH ... followed by the statement it prefixes: one decision after the CTE list instead of an
// unbounded lookahead over it.
with_stmt
    : with_clause (select_stmt | insert_stmt | update_stmt | delete_stmt)
    ;

// ---------------------------------------------------------------------------------------------
// SELECT

with_clause
    : WITH RECURSIVE? common_table_expression (COMMA common_table_expression)*
    ;

common_table_expression
    : name column_name_list? AS (NOT? MATERIALIZED)? OPEN_PAR query CLOSE_PAR
    ;

// A SELECT that may carry its own WITH (subqueries, CTE bodies, INSERT ... SELECT).
query
    : with_clause? select_stmt
    ;

select_stmt
    : select_core (compound_operator select_core)* order_by_clause? limit_clause?
    ;

compound_operator
    : UNION ALL?
    | INTERSECT
    | EXCEPT
    ;

select_core
    : SELECT (DISTINCT | ALL)? result_column (COMMA result_column)*
        (FROM from_clause)?
        (WHERE where=expr)?
        (GROUP BY group_by+=expr (COMMA group_by+=expr)*)?
        (HAVING having=expr)?
        (WINDOW window_definition (COMMA window_definition)*)?
    | values_clause
    ;

values_clause
    : VALUES value_row (COMMA value_row)*
    ;

value_row
    : OPEN_PAR expr (COMMA expr)* CLOSE_PAR
    ;

result_column
    : STAR
    | table=any_name DOT STAR
    | expr (AS alias=name | alias_bare=column_alias)?
    ;

from_clause
    : table_or_subquery (join_operator table_or_subquery join_constraint?)*
    ;

join_operator
    : COMMA
    | join_keyword* JOIN
    ;

join_keyword
    : NATURAL | LEFT | RIGHT | FULL | OUTER | INNER | CROSS
    ;

join_constraint
    : ON expr
    | USING column_name_list
    ;

table_or_subquery
    : qualified_name table_alias? (INDEXED BY index=name | NOT INDEXED)?             # table_ref
    | qualified_name OPEN_PAR (expr (COMMA expr)*)? CLOSE_PAR table_alias?          # table_function_ref
    | OPEN_PAR query CLOSE_PAR table_alias?                                          # subquery_ref
    | OPEN_PAR from_clause CLOSE_PAR table_alias?                                    # nested_join_ref
    ;

table_alias
    : AS name
    | table_alias_bare
    ;

// `schema` and `table` are tokens: the name set is spelled out (see value_expr) because a table
// name is on every statement's path.
qualified_name
    : (schema=(
        IDENTIFIER | QUOTED_IDENTIFIER | STRING_LITERAL | ABORT | ACTION | AFTER | ALWAYS | ANALYZE |
        ASC | ATTACH | BEFORE | BEGIN | BY | CASCADE | COLUMN | CONFLICT | CURRENT | DATABASE | DEFERRED
        | DESC | DETACH | DO | EACH | END | EXCLUDE | EXCLUSIVE | EXPLAIN | FAIL | FILTER | FIRST |
        FOLLOWING | FOR | GENERATED | GROUPS | IF | IGNORE | IMMEDIATE | INITIALLY | INSTEAD | KEY |
        LAST | MATERIALIZED | NO | NULLS | OF | OFFSET | OTHERS | OVER | PARTITION | PLAN | PRAGMA |
        PRECEDING | QUERY | RANGE | RECURSIVE | REINDEX | RELEASE | RENAME | REPLACE | RESTRICT |
        ROLLBACK | ROW | ROWS | SAVEPOINT | TEMP | TEMPORARY | TIES | TRIGGER | UNBOUNDED | VACUUM |
        VIEW | VIRTUAL | WINDOW | WITH | WITHOUT | TRUNCATE | CAST | RAISE | CURRENT_DATE | CURRENT_TIME
        | CURRENT_TIMESTAMP | LIKE | GLOB | REGEXP | MATCH | CROSS | FULL | INDEXED | INNER | LEFT |
        NATURAL | OUTER | RIGHT
      ) DOT)? table=(
        IDENTIFIER | QUOTED_IDENTIFIER | STRING_LITERAL | ABORT | ACTION | AFTER | ALWAYS | ANALYZE |
        ASC | ATTACH | BEFORE | BEGIN | BY | CASCADE | COLUMN | CONFLICT | CURRENT | DATABASE | DEFERRED
        | DESC | DETACH | DO | EACH | END | EXCLUDE | EXCLUSIVE | EXPLAIN | FAIL | FILTER | FIRST |
        FOLLOWING | FOR | GENERATED | GROUPS | IF | IGNORE | IMMEDIATE | INITIALLY | INSTEAD | KEY |
        LAST | MATERIALIZED | NO | NULLS | OF | OFFSET | OTHERS | OVER | PARTITION | PLAN | PRAGMA |
        PRECEDING | QUERY | RANGE | RECURSIVE | REINDEX | RELEASE | RENAME | REPLACE | RESTRICT |
        ROLLBACK | ROW | ROWS | SAVEPOINT | TEMP | TEMPORARY | TIES | TRIGGER | UNBOUNDED | VACUUM |
        VIEW | VIRTUAL | WINDOW | WITH | WITHOUT | TRUNCATE | CAST | RAISE | CURRENT_DATE | CURRENT_TIME
        | CURRENT_TIMESTAMP | LIKE | GLOB | REGEXP | MATCH | CROSS | FULL | INDEXED | INNER | LEFT |
        NATURAL | OUTER | RIGHT
      )
    ;

order_by_clause
    : ORDER BY ordering_term (COMMA ordering_term)*
    ;

ordering_term
    : expr (ASC | DESC)? (NULLS (FIRST | LAST))?
    ;

limit_clause
    : LIMIT limit=expr ((OFFSET | COMMA) offset=expr)?
    ;

window_definition
    : window_name AS OPEN_PAR window_spec CLOSE_PAR
    ;

window_spec
    : base=window_name? (PARTITION BY expr (COMMA expr)*)? order_by_clause? frame_spec?
    ;

frame_spec
    : (RANGE | ROWS | GROUPS) (BETWEEN frame_bound AND frame_bound | frame_bound)
        (EXCLUDE (NO OTHERS | CURRENT ROW | GROUP | TIES))?
    ;

frame_bound
    : UNBOUNDED (PRECEDING | FOLLOWING)
    | CURRENT ROW
    | expr (PRECEDING | FOLLOWING)
    ;

// ---------------------------------------------------------------------------------------------
// Expressions, highest precedence first (SQLite: ~ unary+- > COLLATE > || -> ->> > * / % > + - >
// & | << >> > ESCAPE > < <= > >= > = == != <> IS IN LIKE BETWEEN ISNULL NOTNULL > NOT > AND > OR).
// SQLite's "= IS IN LIKE BETWEEN ISNULL" share one level; ANTLR gives each alternative its own, so
// LIKE comes first among them, then ESCAPE as its own operator: `x ESCAPE y` is valid only when x
// is a LIKE/GLOB/REGEXP/MATCH (checked by the validator), which rejects `a LIKE b = c ESCAPE d` as
// SQLite does. Every other mix parses as in SQLite; only the tree's grouping can differ, and the
// printed text is the same.

// `expr` is the full expression: operands joined by AND and OR, as a flat list (one token decides
// each step, no prediction); the builder applies AND-before-OR. `value_expr` is everything that
// binds tighter than AND, so the middle operand of BETWEEN ... AND ... is never ambiguous.
expr
    : value_expr ((AND | OR) value_expr)*
    ;

value_expr
    // The leaves' token sets are spelled out here instead of calling rules (literal, any_name,
    // name): a rule call per leaf costs more than the set match. A bare column or a function name
    // is any name but a string, CAST, RAISE or CURRENT_DATE/TIME/TIMESTAMP.
    : (
        NUMERIC_LITERAL | STRING_LITERAL | BLOB_LITERAL | NULL | CURRENT_TIME | CURRENT_DATE |
        CURRENT_TIMESTAMP
      )                                                                               # literal_expr
    | BIND_PARAMETER                                                                  # parameter_expr
    | (
        IDENTIFIER | QUOTED_IDENTIFIER | ABORT | ACTION | AFTER | ALWAYS | ANALYZE | ASC | ATTACH |
        BEFORE | BEGIN | BY | CASCADE | COLUMN | CONFLICT | CURRENT | DATABASE | DEFERRED | DESC |
        DETACH | DO | EACH | END | EXCLUDE | EXCLUSIVE | EXPLAIN | FAIL | FILTER | FIRST | FOLLOWING |
        FOR | GENERATED | GROUPS | IF | IGNORE | IMMEDIATE | INITIALLY | INSTEAD | KEY | LAST |
        MATERIALIZED | NO | NULLS | OF | OFFSET | OTHERS | OVER | PARTITION | PLAN | PRAGMA | PRECEDING
        | QUERY | RANGE | RECURSIVE | REINDEX | RELEASE | RENAME | REPLACE | RESTRICT | ROLLBACK | ROW |
        ROWS | SAVEPOINT | TEMP | TEMPORARY | TIES | TRIGGER | UNBOUNDED | VACUUM | VIEW | VIRTUAL |
        WINDOW | WITH | WITHOUT | TRUNCATE | LIKE | GLOB | REGEXP | MATCH | CROSS | FULL | INDEXED |
        INNER | LEFT | NATURAL | OUTER | RIGHT
      )                                                                               # column_expr
    | (
        IDENTIFIER | QUOTED_IDENTIFIER | STRING_LITERAL | ABORT | ACTION | AFTER | ALWAYS | ANALYZE |
        ASC | ATTACH | BEFORE | BEGIN | BY | CASCADE | COLUMN | CONFLICT | CURRENT | DATABASE | DEFERRED
        | DESC | DETACH | DO | EACH | END | EXCLUDE | EXCLUSIVE | EXPLAIN | FAIL | FILTER | FIRST |
        FOLLOWING | FOR | GENERATED | GROUPS | IF | IGNORE | IMMEDIATE | INITIALLY | INSTEAD | KEY |
        LAST | MATERIALIZED | NO | NULLS | OF | OFFSET | OTHERS | OVER | PARTITION | PLAN | PRAGMA |
        PRECEDING | QUERY | RANGE | RECURSIVE | REINDEX | RELEASE | RENAME | REPLACE | RESTRICT |
        ROLLBACK | ROW | ROWS | SAVEPOINT | TEMP | TEMPORARY | TIES | TRIGGER | UNBOUNDED | VACUUM |
        VIEW | VIRTUAL | WINDOW | WITH | WITHOUT | TRUNCATE | LIKE | GLOB | REGEXP | MATCH | CROSS |
        FULL | INDEXED | INNER | LEFT | NATURAL | OUTER | RIGHT
      ) DOT (
        IDENTIFIER | QUOTED_IDENTIFIER | STRING_LITERAL | ABORT | ACTION | AFTER | ALWAYS | ANALYZE |
        ASC | ATTACH | BEFORE | BEGIN | BY | CASCADE | COLUMN | CONFLICT | CURRENT | DATABASE | DEFERRED
        | DESC | DETACH | DO | EACH | END | EXCLUDE | EXCLUSIVE | EXPLAIN | FAIL | FILTER | FIRST |
        FOLLOWING | FOR | GENERATED | GROUPS | IF | IGNORE | IMMEDIATE | INITIALLY | INSTEAD | KEY |
        LAST | MATERIALIZED | NO | NULLS | OF | OFFSET | OTHERS | OVER | PARTITION | PLAN | PRAGMA |
        PRECEDING | QUERY | RANGE | RECURSIVE | REINDEX | RELEASE | RENAME | REPLACE | RESTRICT |
        ROLLBACK | ROW | ROWS | SAVEPOINT | TEMP | TEMPORARY | TIES | TRIGGER | UNBOUNDED | VACUUM |
        VIEW | VIRTUAL | WINDOW | WITH | WITHOUT | TRUNCATE | CAST | RAISE | CURRENT_DATE | CURRENT_TIME
        | CURRENT_TIMESTAMP | LIKE | GLOB | REGEXP | MATCH | CROSS | FULL | INDEXED | INNER | LEFT |
        NATURAL | OUTER | RIGHT
      ) (DOT (
        IDENTIFIER | QUOTED_IDENTIFIER | STRING_LITERAL | ABORT | ACTION | AFTER | ALWAYS | ANALYZE |
        ASC | ATTACH | BEFORE | BEGIN | BY | CASCADE | COLUMN | CONFLICT | CURRENT | DATABASE | DEFERRED
        | DESC | DETACH | DO | EACH | END | EXCLUDE | EXCLUSIVE | EXPLAIN | FAIL | FILTER | FIRST |
        FOLLOWING | FOR | GENERATED | GROUPS | IF | IGNORE | IMMEDIATE | INITIALLY | INSTEAD | KEY |
        LAST | MATERIALIZED | NO | NULLS | OF | OFFSET | OTHERS | OVER | PARTITION | PLAN | PRAGMA |
        PRECEDING | QUERY | RANGE | RECURSIVE | REINDEX | RELEASE | RENAME | REPLACE | RESTRICT |
        ROLLBACK | ROW | ROWS | SAVEPOINT | TEMP | TEMPORARY | TIES | TRIGGER | UNBOUNDED | VACUUM |
        VIEW | VIRTUAL | WINDOW | WITH | WITHOUT | TRUNCATE | CAST | RAISE | CURRENT_DATE | CURRENT_TIME
        | CURRENT_TIMESTAMP | LIKE | GLOB | REGEXP | MATCH | CROSS | FULL | INDEXED | INNER | LEFT |
        NATURAL | OUTER | RIGHT
      ))?                                                                             # qualified_column_expr
    | (
        IDENTIFIER | QUOTED_IDENTIFIER | ABORT | ACTION | AFTER | ALWAYS | ANALYZE | ASC | ATTACH |
        BEFORE | BEGIN | BY | CASCADE | COLUMN | CONFLICT | CURRENT | DATABASE | DEFERRED | DESC |
        DETACH | DO | EACH | END | EXCLUDE | EXCLUSIVE | EXPLAIN | FAIL | FILTER | FIRST | FOLLOWING |
        FOR | GENERATED | GROUPS | IF | IGNORE | IMMEDIATE | INITIALLY | INSTEAD | KEY | LAST |
        MATERIALIZED | NO | NULLS | OF | OFFSET | OTHERS | OVER | PARTITION | PLAN | PRAGMA | PRECEDING
        | QUERY | RANGE | RECURSIVE | REINDEX | RELEASE | RENAME | REPLACE | RESTRICT | ROLLBACK | ROW |
        ROWS | SAVEPOINT | TEMP | TEMPORARY | TIES | TRIGGER | UNBOUNDED | VACUUM | VIEW | VIRTUAL |
        WINDOW | WITH | WITHOUT | TRUNCATE | LIKE | GLOB | REGEXP | MATCH | CROSS | FULL | INDEXED |
        INNER | LEFT | NATURAL | OUTER | RIGHT
      ) OPEN_PAR function_args? CLOSE_PAR filter_clause? over_clause?                # function_expr
    | CAST OPEN_PAR expr AS type_name? CLOSE_PAR                                      # cast_expr
    | CASE operand=expr? (WHEN expr THEN expr)+ (ELSE default=expr)? END              # case_expr
    | EXISTS OPEN_PAR query CLOSE_PAR                                                 # exists_expr
    | OPEN_PAR query CLOSE_PAR                                                        # subquery_expr
    | OPEN_PAR expr (COMMA expr)* CLOSE_PAR                                           # paren_expr
    | RAISE OPEN_PAR (IGNORE | (ROLLBACK | ABORT | FAIL) COMMA expr) CLOSE_PAR        # raise_expr
    | op=(MINUS | PLUS | TILDE) value_expr                                            # unary_expr
    | value_expr COLLATE collation=column_alias                                       # collate_expr
    | value_expr op=(PIPE2 | PTR | PTR2) value_expr                                   # binary_expr
    | value_expr op=(STAR | DIV | MOD) value_expr                                     # binary_expr
    | value_expr op=(PLUS | MINUS) value_expr                                         # binary_expr
    | value_expr op=(AMP | PIPE | LT2 | GT2) value_expr                               # binary_expr
    | value_expr op=(LT | LT_EQ | GT | GT_EQ) value_expr                              # binary_expr
    | value_expr NOT? op=(LIKE | GLOB | REGEXP | MATCH) value_expr                    # like_expr
    | value_expr ESCAPE value_expr                                                    # escape_expr
    | value_expr op=(ASSIGN | EQ | NOT_EQ1 | NOT_EQ2) value_expr                      # binary_expr
    | value_expr IS NOT? (DISTINCT FROM)? value_expr                                  # is_expr
    | value_expr NOT? BETWEEN value_expr AND value_expr                               # between_expr
    | value_expr NOT? IN in_target                                                    # in_expr
    | value_expr (ISNULL | NOTNULL | NOT NULL)                                        # null_test_expr
    | NOT value_expr                                                                  # not_expr
    ;

in_target
    : OPEN_PAR (query | expr (COMMA expr)*)? CLOSE_PAR
    | qualified_name (OPEN_PAR (expr (COMMA expr)*)? CLOSE_PAR)?
    ;

literal
    : NUMERIC_LITERAL
    | STRING_LITERAL
    | BLOB_LITERAL
    | NULL
    | CURRENT_TIME
    | CURRENT_DATE
    | CURRENT_TIMESTAMP
    ;

function_args
    : STAR
    | (DISTINCT | ALL)? expr (COMMA expr)* order_by_clause?
    ;

filter_clause
    : FILTER OPEN_PAR WHERE expr CLOSE_PAR
    ;

over_clause
    : OVER (window_name | OPEN_PAR window_spec CLOSE_PAR)
    ;

// SQLite reads OVER followed by a join keyword or INDEXED as a syntax error.
window_name
    : IDENTIFIER | QUOTED_IDENTIFIER | STRING_LITERAL | ABORT | ACTION | AFTER | ALWAYS | ANALYZE
    | ASC | ATTACH | BEFORE | BEGIN | BY | CASCADE | COLUMN | CONFLICT | CURRENT | DATABASE | DEFERRED
    | DESC | DETACH | DO | EACH | END | EXCLUDE | EXCLUSIVE | EXPLAIN | FAIL | FILTER | FIRST
    | FOLLOWING | FOR | GENERATED | GROUPS | IF | IGNORE | IMMEDIATE | INITIALLY | INSTEAD | KEY
    | LAST | MATERIALIZED | NO | NULLS | OF | OFFSET | OTHERS | OVER | PARTITION | PLAN | PRAGMA
    | PRECEDING | QUERY | RANGE | RECURSIVE | REINDEX | RELEASE | RENAME | REPLACE | RESTRICT
    | ROLLBACK | ROW | ROWS | SAVEPOINT | TEMP | TEMPORARY | TIES | TRIGGER | UNBOUNDED | VACUUM
    | VIEW | VIRTUAL | WINDOW | WITH | WITHOUT | TRUNCATE | CAST | RAISE | CURRENT_DATE | CURRENT_TIME
    | CURRENT_TIMESTAMP | LIKE | GLOB | REGEXP | MATCH
    ;

// A type is a run of names, optionally with one or two signed numbers: VARCHAR(255),
// DOUBLE PRECISION, UNSIGNED BIG INT, DECIMAL(10, 2).
type_name
    : type_word+ (OPEN_PAR signed_number (COMMA signed_number)? CLOSE_PAR)?
    ;

signed_number
    : (PLUS | MINUS)? NUMERIC_LITERAL
    ;

// ---------------------------------------------------------------------------------------------
// INSERT / UPDATE / DELETE

insert_stmt
    : (INSERT (OR conflict_action)? | REPLACE) INTO qualified_name (AS alias=name)? column_name_list?
        (query upsert_clause* | DEFAULT VALUES) returning_clause?
    ;

upsert_clause
    : ON CONFLICT (OPEN_PAR ordering_term (COMMA ordering_term)* CLOSE_PAR (WHERE target_where=expr)?)?
        DO (NOTHING | UPDATE SET set_item (COMMA set_item)* (WHERE where=expr)?)
    ;

returning_clause
    : RETURNING result_column (COMMA result_column)*
    ;

update_stmt
    : UPDATE (OR conflict_action)? qualified_table_name SET set_item (COMMA set_item)*
        (FROM from_clause)? (WHERE where=expr)? returning_clause?
    ;

set_item
    : (name | column_name_list) ASSIGN expr
    ;

delete_stmt
    : DELETE FROM qualified_table_name (WHERE where=expr)? returning_clause?
    ;

qualified_table_name
    : qualified_name (AS alias=name)? (INDEXED BY index=name | NOT INDEXED)?
    ;

// Extension (README.md): MySQL's TRUNCATE TABLE, printed natively as DELETE FROM.
truncate_stmt
    : TRUNCATE TABLE qualified_name
    ;

conflict_action
    : ROLLBACK | ABORT | FAIL | IGNORE | REPLACE
    ;

// ---------------------------------------------------------------------------------------------
// CREATE

create_stmt
    : CREATE (
        create_table
      | create_index
      | create_view
      | create_trigger
      | create_virtual_table
    )
    ;

create_table
    : (TEMP | TEMPORARY)? TABLE if_not_exists? qualified_name (
        OPEN_PAR column_def (COMMA column_def)* (COMMA table_constraint (COMMA? table_constraint)*)? CLOSE_PAR
            (table_option (COMMA table_option)*)?
      | AS query
    )
    ;

if_not_exists
    : IF NOT EXISTS
    ;

table_option
    : WITHOUT name
    | name
    ;

column_def
    : name type_name? column_constraint*
    ;

column_constraint
    : CONSTRAINT name
    | DEFAULT (signed_literal | OPEN_PAR expr CLOSE_PAR | id_name)
    | NULL conflict_clause?
    | NOT NULL conflict_clause?
    | PRIMARY KEY (ASC | DESC)? conflict_clause? AUTOINCREMENT?
    | UNIQUE conflict_clause?
    | CHECK OPEN_PAR expr CLOSE_PAR
    | foreign_key_clause
    | deferrable_clause
    | COLLATE column_alias
    | (GENERATED ALWAYS)? AS OPEN_PAR expr CLOSE_PAR id_name?
    ;

signed_literal
    : (PLUS | MINUS)? literal
    ;

conflict_clause
    : ON CONFLICT conflict_action
    ;

table_constraint
    : CONSTRAINT name
    | (PRIMARY KEY | UNIQUE) OPEN_PAR ordering_term (COMMA ordering_term)* AUTOINCREMENT? CLOSE_PAR
        conflict_clause?
    | CHECK OPEN_PAR expr CLOSE_PAR conflict_clause?
    | FOREIGN KEY column_name_list foreign_key_clause
    ;

foreign_key_clause
    : REFERENCES name column_name_list? foreign_key_action* deferrable_clause?
    ;

foreign_key_action
    : ON (DELETE | UPDATE | INSERT) (SET NULL | SET DEFAULT | CASCADE | RESTRICT | NO ACTION)
    | MATCH name
    ;

deferrable_clause
    : NOT? DEFERRABLE (INITIALLY (DEFERRED | IMMEDIATE))?
    ;

create_index
    : UNIQUE? INDEX if_not_exists? qualified_name ON name
        OPEN_PAR ordering_term (COMMA ordering_term)* CLOSE_PAR (WHERE expr)?
    ;

create_view
    : (TEMP | TEMPORARY)? VIEW if_not_exists? qualified_name column_name_list? AS query
    ;

create_trigger
    : (TEMP | TEMPORARY)? TRIGGER if_not_exists? qualified_name
        (BEFORE | AFTER | INSTEAD OF)?
        (DELETE | INSERT | UPDATE (OF name (COMMA name)*)?) ON qualified_name
        (FOR EACH ROW)? (WHEN expr)?
        BEGIN (trigger_command SCOL)+ END
    ;

trigger_command
    : with_stmt
    | select_stmt
    | insert_stmt
    | update_stmt
    | delete_stmt
    ;

create_virtual_table
    : VIRTUAL TABLE if_not_exists? qualified_name USING name
        (OPEN_PAR module_argument (COMMA module_argument)* CLOSE_PAR)?
    ;

// Module arguments are free-form token runs with balanced parentheses, handed to the module.
module_argument
    : (~(OPEN_PAR | CLOSE_PAR | COMMA) | balanced_tokens)*
    ;

balanced_tokens
    : OPEN_PAR (~(OPEN_PAR | CLOSE_PAR) | balanced_tokens)* CLOSE_PAR
    ;

// ---------------------------------------------------------------------------------------------
// Other statements

drop_stmt
    : DROP (TABLE | INDEX | VIEW | TRIGGER) (IF EXISTS)? qualified_name
    ;

alter_table_stmt
    : ALTER TABLE qualified_name (
        RENAME TO new_name=name
      | RENAME COLUMN? old_column=name TO new_column=name
      | ADD COLUMN? column_def
      | ADD (CONSTRAINT name)? CHECK OPEN_PAR expr CLOSE_PAR conflict_clause?
      | DROP COLUMN? name
      | DROP CONSTRAINT name
      | ALTER COLUMN? name (DROP NOT NULL | SET NOT NULL conflict_clause?)
    )
    ;

analyze_stmt
    : ANALYZE qualified_name?
    ;

attach_stmt
    : ATTACH DATABASE? expr AS expr (KEY expr)?
    ;

detach_stmt
    : DETACH DATABASE? expr
    ;

begin_stmt
    : BEGIN (DEFERRED | IMMEDIATE | EXCLUSIVE)? (TRANSACTION name?)?
    ;

commit_stmt
    : (COMMIT | END) (TRANSACTION name?)?
    ;

rollback_stmt
    : ROLLBACK (TRANSACTION name?)? (TO SAVEPOINT? name)?
    ;

savepoint_stmt
    : SAVEPOINT name
    ;

release_stmt
    : RELEASE SAVEPOINT? name
    ;

pragma_stmt
    : PRAGMA qualified_name (ASSIGN pragma_value | OPEN_PAR pragma_value CLOSE_PAR)?
    ;

pragma_value
    : signed_number
    | name
    | ON
    | DELETE
    | DEFAULT
    ;

reindex_stmt
    : REINDEX qualified_name?
    ;

vacuum_stmt
    : VACUUM name? (INTO expr)?
    ;

// ---------------------------------------------------------------------------------------------
// Names. SQLite lets most non-reserved keywords fall back to an identifier; which keywords work
// where was checked against SQLite itself (tests/sqlite/test_keywords.py). The keyword sets are
// spelled out in every name rule instead of referring to each other: a rule made only of tokens is
// one set match for ANTLR, where nested rules cost a prediction and a call per name. The sets:
//   fallback = the keywords in expr_fallback_keyword (names everywhere)
//   CAST RAISE CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP: names, but not a bare column or call
//   LIKE GLOB REGEXP MATCH: names, but not a bare column alias (they would be operators)
//   join_word (CROSS ... RIGHT, INDEXED): names, but not bare aliases

column_name_list
    : OPEN_PAR name (COMMA name)* CLOSE_PAR
    ;

// Any name: object names, column definitions, AS aliases. SQLite also accepts a string here.
name
    : IDENTIFIER | QUOTED_IDENTIFIER | STRING_LITERAL | ABORT | ACTION | AFTER | ALWAYS | ANALYZE
    | ASC | ATTACH | BEFORE | BEGIN | BY | CASCADE | COLUMN | CONFLICT | CURRENT | DATABASE | DEFERRED
    | DESC | DETACH | DO | EACH | END | EXCLUDE | EXCLUSIVE | EXPLAIN | FAIL | FILTER | FIRST
    | FOLLOWING | FOR | GENERATED | GROUPS | IF | IGNORE | IMMEDIATE | INITIALLY | INSTEAD | KEY
    | LAST | MATERIALIZED | NO | NULLS | OF | OFFSET | OTHERS | OVER | PARTITION | PLAN | PRAGMA
    | PRECEDING | QUERY | RANGE | RECURSIVE | REINDEX | RELEASE | RENAME | REPLACE | RESTRICT
    | ROLLBACK | ROW | ROWS | SAVEPOINT | TEMP | TEMPORARY | TIES | TRIGGER | UNBOUNDED | VACUUM
    | VIEW | VIRTUAL | WINDOW | WITH | WITHOUT | TRUNCATE | CAST | RAISE | CURRENT_DATE | CURRENT_TIME
    | CURRENT_TIMESTAMP | LIKE | GLOB | REGEXP | MATCH | CROSS | FULL | INDEXED | INNER | LEFT
    | NATURAL | OUTER | RIGHT
    ;

// The first part of a qualified column reference (`t.a`, `main.t.a`): what may start an
// expression, or a string. The parts after a dot may be any name.
any_name
    : IDENTIFIER | QUOTED_IDENTIFIER | STRING_LITERAL | ABORT | ACTION | AFTER | ALWAYS | ANALYZE
    | ASC | ATTACH | BEFORE | BEGIN | BY | CASCADE | COLUMN | CONFLICT | CURRENT | DATABASE | DEFERRED
    | DESC | DETACH | DO | EACH | END | EXCLUDE | EXCLUSIVE | EXPLAIN | FAIL | FILTER | FIRST
    | FOLLOWING | FOR | GENERATED | GROUPS | IF | IGNORE | IMMEDIATE | INITIALLY | INSTEAD | KEY
    | LAST | MATERIALIZED | NO | NULLS | OF | OFFSET | OTHERS | OVER | PARTITION | PLAN | PRAGMA
    | PRECEDING | QUERY | RANGE | RECURSIVE | REINDEX | RELEASE | RENAME | REPLACE | RESTRICT
    | ROLLBACK | ROW | ROWS | SAVEPOINT | TEMP | TEMPORARY | TIES | TRIGGER | UNBOUNDED | VACUUM
    | VIEW | VIRTUAL | WINDOW | WITH | WITHOUT | TRUNCATE | LIKE | GLOB | REGEXP | MATCH | CROSS
    | FULL | INDEXED | INNER | LEFT | NATURAL | OUTER | RIGHT
    ;

string_name
    : STRING_LITERAL
    ;

// An alias without AS after a result column, and a collation name: no operator keywords.
column_alias
    : IDENTIFIER | QUOTED_IDENTIFIER | STRING_LITERAL | ABORT | ACTION | AFTER | ALWAYS | ANALYZE
    | ASC | ATTACH | BEFORE | BEGIN | BY | CASCADE | COLUMN | CONFLICT | CURRENT | DATABASE | DEFERRED
    | DESC | DETACH | DO | EACH | END | EXCLUDE | EXCLUSIVE | EXPLAIN | FAIL | FILTER | FIRST
    | FOLLOWING | FOR | GENERATED | GROUPS | IF | IGNORE | IMMEDIATE | INITIALLY | INSTEAD | KEY
    | LAST | MATERIALIZED | NO | NULLS | OF | OFFSET | OTHERS | OVER | PARTITION | PLAN | PRAGMA
    | PRECEDING | QUERY | RANGE | RECURSIVE | REINDEX | RELEASE | RENAME | REPLACE | RESTRICT
    | ROLLBACK | ROW | ROWS | SAVEPOINT | TEMP | TEMPORARY | TIES | TRIGGER | UNBOUNDED | VACUUM
    | VIEW | VIRTUAL | WINDOW | WITH | WITHOUT | TRUNCATE | CAST | RAISE | CURRENT_DATE | CURRENT_TIME
    | CURRENT_TIMESTAMP
    ;

// An alias without AS after a table: no join keywords.
table_alias_bare
    : IDENTIFIER | QUOTED_IDENTIFIER | STRING_LITERAL | ABORT | ACTION | AFTER | ALWAYS | ANALYZE
    | ASC | ATTACH | BEFORE | BEGIN | BY | CASCADE | COLUMN | CONFLICT | CURRENT | DATABASE | DEFERRED
    | DESC | DETACH | DO | EACH | END | EXCLUDE | EXCLUSIVE | EXPLAIN | FAIL | FILTER | FIRST
    | FOLLOWING | FOR | GENERATED | GROUPS | IF | IGNORE | IMMEDIATE | INITIALLY | INSTEAD | KEY
    | LAST | MATERIALIZED | NO | NULLS | OF | OFFSET | OTHERS | OVER | PARTITION | PLAN | PRAGMA
    | PRECEDING | QUERY | RANGE | RECURSIVE | REINDEX | RELEASE | RENAME | REPLACE | RESTRICT
    | ROLLBACK | ROW | ROWS | SAVEPOINT | TEMP | TEMPORARY | TIES | TRIGGER | UNBOUNDED | VACUUM
    | VIEW | VIRTUAL | WINDOW | WITH | WITHOUT | TRUNCATE | CAST | RAISE | CURRENT_DATE | CURRENT_TIME
    | CURRENT_TIMESTAMP | LIKE | GLOB | REGEXP | MATCH
    ;

type_word
    : IDENTIFIER | QUOTED_IDENTIFIER | STRING_LITERAL | ABORT | ACTION | AFTER | ALWAYS | ANALYZE
    | ASC | ATTACH | BEFORE | BEGIN | BY | CASCADE | COLUMN | CONFLICT | CURRENT | DATABASE | DEFERRED
    | DESC | DETACH | DO | EACH | END | EXCLUDE | EXCLUSIVE | EXPLAIN | FAIL | FILTER | FIRST
    | FOLLOWING | FOR | GENERATED | GROUPS | IF | IGNORE | IMMEDIATE | INITIALLY | INSTEAD | KEY
    | LAST | MATERIALIZED | NO | NULLS | OF | OFFSET | OTHERS | OVER | PARTITION | PLAN | PRAGMA
    | PRECEDING | QUERY | RANGE | RECURSIVE | REINDEX | RELEASE | RENAME | REPLACE | RESTRICT
    | ROLLBACK | ROW | ROWS | SAVEPOINT | TEMP | TEMPORARY | TIES | TRIGGER | UNBOUNDED | VACUUM
    | VIEW | VIRTUAL | WINDOW | WITH | WITHOUT | TRUNCATE | CAST | RAISE | CURRENT_DATE | CURRENT_TIME
    | CURRENT_TIMESTAMP | LIKE | GLOB | REGEXP | MATCH
    ;

id_name
    : IDENTIFIER | ABORT | ACTION | AFTER | ALWAYS | ANALYZE | ASC | ATTACH | BEFORE | BEGIN | BY
    | CASCADE | COLUMN | CONFLICT | CURRENT | DATABASE | DEFERRED | DESC | DETACH | DO | EACH | END
    | EXCLUDE | EXCLUSIVE | EXPLAIN | FAIL | FILTER | FIRST | FOLLOWING | FOR | GENERATED | GROUPS
    | IF | IGNORE | IMMEDIATE | INITIALLY | INSTEAD | KEY | LAST | MATERIALIZED | NO | NULLS | OF
    | OFFSET | OTHERS | OVER | PARTITION | PLAN | PRAGMA | PRECEDING | QUERY | RANGE | RECURSIVE
    | REINDEX | RELEASE | RENAME | REPLACE | RESTRICT | ROLLBACK | ROW | ROWS | SAVEPOINT | TEMP
    | TEMPORARY | TIES | TRIGGER | UNBOUNDED | VACUUM | VIEW | VIRTUAL | WINDOW | WITH | WITHOUT
    | TRUNCATE | CAST | RAISE | CURRENT_DATE | CURRENT_TIME | CURRENT_TIMESTAMP | LIKE | GLOB | REGEXP
    | MATCH
    ;

join_word
    : CROSS | FULL | INDEXED | INNER | LEFT | NATURAL | OUTER | RIGHT
    ;

// Keywords that fall back to an identifier everywhere, including a bare column reference.
expr_fallback_keyword
    : ABORT | ACTION | AFTER | ALWAYS | ANALYZE | ASC | ATTACH | BEFORE | BEGIN | BY | CASCADE
    | COLUMN | CONFLICT | CURRENT | DATABASE | DEFERRED | DESC | DETACH | DO | EACH | END | EXCLUDE
    | EXCLUSIVE | EXPLAIN | FAIL | FILTER | FIRST | FOLLOWING | FOR | GENERATED | GROUPS | IF | IGNORE
    | IMMEDIATE | INITIALLY | INSTEAD | KEY | LAST | MATERIALIZED | NO | NULLS | OF | OFFSET | OTHERS
    | OVER | PARTITION | PLAN | PRAGMA | PRECEDING | QUERY | RANGE | RECURSIVE | REINDEX | RELEASE
    | RENAME | REPLACE | RESTRICT | ROLLBACK | ROW | ROWS | SAVEPOINT | TEMP | TEMPORARY | TIES
    | TRIGGER | UNBOUNDED | VACUUM | VIEW | VIRTUAL | WINDOW | WITH | WITHOUT | TRUNCATE
    ;
