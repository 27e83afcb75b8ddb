"""The MySQL-compat pre-pass: `?` placeholders and backquoted names, token-aware."""

from __future__ import annotations

import pytest

from dialects.postgres.compat_lexer import CompatLexError, rewrite


def text(sql: str) -> str | None:
    out = rewrite(sql)
    return None if out is None else out.text


@pytest.mark.parametrize(("sql", "want"), [
    ("SELECT id FROM users WHERE age > ?", "SELECT id FROM users WHERE age > $1"),
    ("INSERT INTO t (a, b) VALUES (? ,?), (?, ?)", "INSERT INTO t (a, b) VALUES ($1 ,$2), ($3, $4)"),
    ("UPDATE t SET x=?, y=? WHERE id=?", "UPDATE t SET x= $1, y= $2 WHERE id= $3"),
    ("SELECT * FROM t WHERE a BETWEEN ? AND ? LIMIT ? OFFSET ?",
     "SELECT * FROM t WHERE a BETWEEN $1 AND $2 LIMIT $3 OFFSET $4"),
    ("SELECT * FROM t WHERE a IN (?) OR NOT ?", "SELECT * FROM t WHERE a IN ($1) OR NOT $2"),
    ("SELECT * FROM `orders` WHERE `status` = ?", 'SELECT * FROM "orders" WHERE "status" = $1'),
    ("SELECT `a``b`, `x\"y`", 'SELECT "a`b", "x""y"'),
    ("SELECT x = ? - 1", "SELECT x = $1 - 1"),
])
def test_rewrites(sql: str, want: str) -> None:
    assert text(sql) == want


@pytest.mark.parametrize("sql", [
    # jsonb operators stay operators: `?` after an operand, and longer operator runs.
    "SELECT data ? 'key', data ?| array['a'], data ?& array['b'] FROM t",
    "SELECT ?- lseg '[(0,0),(1,0)]'",
    # strings, comments, quoted names and dollar quotes keep their `?` and backquotes
    "SELECT 'a ? `b`', E'it\\'s ?', $$ ? ` $$, $tag$ ` ? $tag$, \"col?`\" -- ? `x`\n",
    "SELECT 1 /* ? /* nested ` */ ? */",
    "SELECT U&'?`', B'01', X'1F'",
    "SELECT $1, $2",
])
def test_leaves_postgres_syntax_alone(sql: str) -> None:
    assert text(sql) is None


def test_string_before_placeholder_keeps_it_a_placeholder() -> None:
    assert text("SELECT * FROM t WHERE a = 'x' AND b = ?") == "SELECT * FROM t WHERE a = 'x' AND b = $1"
    assert text("SELECT * FROM t WHERE a = E'\\'' AND b = ?") == "SELECT * FROM t WHERE a = E'\\'' AND b = $1"


def test_offsets_map_back_to_the_original() -> None:
    sql = "SELECT `aa`, ? FROM `t` WHERE x = ?"
    out = rewrite(sql)
    assert out is not None and out.placeholders == 2 and out.backquotes == 2
    new = out.text
    assert out.original_offset(new.index("FROM")) == sql.index("FROM")
    assert out.original_offset(new.index("$2")) == sql.rindex("?")
    assert out.original_offset(new.index('"t"') + 1) == sql.index("`t`")


def test_unterminated_backquote() -> None:
    with pytest.raises(CompatLexError) as err:
        rewrite("SELECT `abc FROM t")
    assert err.value.offset == 7


def test_mixed_placeholder_styles_are_refused() -> None:
    with pytest.raises(CompatLexError) as err:
        rewrite("SELECT $1, ?")
    assert err.value.offset == 11
