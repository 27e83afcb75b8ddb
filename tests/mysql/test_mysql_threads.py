"""One MySQL parser shared by many threads gives the same answers as serial calls (the front end
keeps no per-call state; sqlglot tokenizers and parsers are built per call)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlparser import SQLParserError, TableColumn, new_parser

STATEMENTS = [
    "SELECT a, b FROM t WHERE a > 1",
    "SELECT * users WHERE name = 'x'",
    "INSERT INTO database (a) VALUES (1)",
    "UPDATE t SET a = NOT b WHERE c = 1",
    "UPDATE t SET a = 1 - NOT b",
    "DELETE t1.* FROM t1 JOIN t2 ON t1.a = t2.a",
    "REPLACE INTO t (a) VALUES (1)",
    "SELECT ABS(1, 2) FROM t",
    "SELECT a FROM t; SELECT 2",
    "SELECT {d '2024-01-01'} FROM t WHERE " + " OR ".join(f"a = {i}" for i in range(50)),
    "SELECT a FROM t WHERE " + "(" * 60 + "a = 1" + ")" * 60,
]
MAPPING = {"t": TableColumn(new_table_name="t2", column_map={"a": "a2"})}


def _answer(parser, sql: str) -> str:
    try:
        return parser.parse_and_modify_sql(sql, MAPPING)
    except SQLParserError as err:
        return f"{type(err).__name__}: {err}"


def test_concurrent_calls_match_serial_calls():
    parser = new_parser("mysql")
    expected = [_answer(parser, sql) for sql in STATEMENTS]
    work = STATEMENTS * 6
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda sql: _answer(parser, sql), work))
    assert got == expected * 6
