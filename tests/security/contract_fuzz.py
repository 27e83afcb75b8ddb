"""Fuzzing of every SQLParser contract method: random and mutated inputs, only SQLParserError out.

Inputs are corpus statements (tests/data/corpus/<dialect>.jsonl) mutated the ways the attack run
did: tokens dropped, duplicated, swapped; lone surrogates and NUL bytes; odd characters and SQL
fragments spliced in; deep nesting; truncation; plus purely random text. Every contract method gets
each input (the filter and scope conditions and the caller's names are fuzzed too), in both styles.
An outcome is a return value or a SQLParserError that is not the contract boundary's
"internal error" (a foreign exception caught there is a bug all the same).

`run(dialect, count, seed)` returns the tally; tests/security/test_contract_fuzz.py runs it in CI.
By hand, for a report: ``PYTHONPATH=$PWD python -m tests.security.contract_fuzz --count 2000``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sqlparser import (
    ColumnValue,
    Policy,
    PrimaryKeyValue,
    SQLParser,
    SQLParserError,
    TableColumn,
    new_parser,
)
from sqlparser.contract import INTERNAL_ERROR

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
DIALECTS = ("mysql", "sqlite", "postgres")
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|\w+|\S")
_SPLICES = ("'", '"', "`", "(", ")", ",", ";", "--", "/*", "*/", "/*+", "\\", "?", "$1", ":a", "@a", "@@x", "[",
            "]", "\ud800", "\udfff", "\x00", "\u202e", "\ufeff", "é", "😀", " OR 1=1", " UNION SELECT 1", " IN t",
            " COLLATE x", "::int", " AS ", "WITH", "RECURSIVE", "VALUES (1)", "ROW(1)", "PARTITION BY LIST (a)",
            "/*!50000 x */", "E'\\''", "$$x$$", "0x", "1e", "X'", "N'a'", "_utf8mb4'a'", "INTERVAL", "DEFAULT",
            "DUAL", "NULL", "NOT", "CASE", "END", "ESCAPE", "->", "->>", "#", "\n", "\t", "\r")
_NAMES = ("t", "users", "t1", "a", "b", "id", "uid", "My Table", "t --", 'x"y', "x`y", "select", "dual", "default",
          "1e5", "é", "a.b", "[x]", "$d")
_CONDITIONS = ("uid = 'u1'", "a = 1 OR b = 2", "\"x y\" = 1", "a IN (SELECT b FROM t)", "NOT a", "a = ?",
               "uid = 'u1' --", "1", "a = 1; DROP TABLE t", "(a = 1", "a = '\\'", "CASE WHEN a THEN 1 END")


@cache
def corpus(dialect: str) -> tuple[str, ...]:
    rows = []
    with open(CORPUS / f"{dialect}.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            sql = row.get("sql")
            # Invalid rows are kept too (a tenth of the corpus): the front ends' rejections are fuzzed.
            if isinstance(sql, str) and sql.strip() and len(sql) < 4000:
                rows.append(sql)
    return tuple(rows)


def mutate(rng: random.Random, sql: str) -> str:
    tokens = _TOKEN.findall(sql) or [sql]
    for _ in range(rng.choice((1, 1, 1, 2))):
        kind = rng.randrange(10)
        i = rng.randrange(len(tokens))
        if kind == 0 and len(tokens) > 1:
            del tokens[i]
        elif kind == 1:
            tokens.insert(i, tokens[i])
        elif kind == 2:
            j = rng.randrange(len(tokens))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif kind in (3, 4):
            tokens.insert(i, rng.choice(_SPLICES))
        elif kind == 5:
            tokens[i] = rng.choice(_SPLICES)
        elif kind == 6:
            tokens = tokens[: max(1, i)]
        elif kind == 7:
            tokens.insert(i, rng.choice(tokens))
        elif kind == 8:
            token = tokens[i]
            if token:
                k = rng.randrange(len(token))
                tokens[i] = token[:k] + rng.choice(("\ud800", "\x00", "'", '"', "`", "\\", "é")) + token[k:]
        else:
            depth = rng.choice((2, 30, 300))
            tokens.insert(i, "(" * depth + "1" + ")" * depth)
    return " ".join(tokens)


def random_text(rng: random.Random) -> str:
    alphabet = "abcdeSELECTFROMWHERE(),;'\"`*=<>!|&+-/%?:$@#[]{}\\.0123456789 \n\t\x00\ud800é😀"
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 80)))


def statement(rng: random.Random, dialect: str) -> str:
    roll = rng.random()
    if roll < 0.05:
        return random_text(rng)
    if roll < 0.08:
        depth = rng.choice((200, 900, 1001, 1200))
        return "SELECT " + "(" * depth + "1" + ")" * depth
    if roll < 0.10:
        return "SELECT a FROM t WHERE " + "NOT " * rng.choice((100, 2000)) + "a"
    rows = corpus(rng.choice(DIALECTS) if rng.random() < 0.2 else dialect)
    sql = rng.choice(rows)
    return sql if roll < 0.45 else mutate(rng, sql)


def condition(rng: random.Random) -> str:
    text = rng.choice(_CONDITIONS)
    return mutate(rng, text) if rng.random() < 0.5 else text


def name(rng: random.Random) -> str:
    text = rng.choice(_NAMES)
    if rng.random() < 0.1:
        text += rng.choice(("\x00", "\ud800", "'", "\n"))
    return text


Call = Callable[[SQLParser, str, random.Random], object]

METHODS: dict[str, Call] = {
    "parse_and_modify_sql": lambda p, sql, rng: p.parse_and_modify_sql(
        sql, {rng.choice(_NAMES): TableColumn(name(rng), {rng.choice(_NAMES): name(rng)})}),
    "get_sql_operation": lambda p, sql, rng: p.get_sql_operation(sql),
    "add_columns_to_insert_sql": lambda p, sql, rng: p.add_columns_to_insert_sql(
        sql, [ColumnValue(name(rng), rng.choice((1, "v", None, 2.5)))],
        PrimaryKeyValue(name(rng), [1]) if rng.random() < 0.5 else None, is_param=rng.random() < 0.5),
    "get_table_name": lambda p, sql, rng: p.get_table_name(sql),
    "get_insert_data_nums": lambda p, sql, rng: p.get_insert_data_nums(sql),
    "append_sql_filter": lambda p, sql, rng: p.append_sql_filter(sql, rng.choice(("AND", "OR")), condition(rng)),
    "add_select_fields_to_select_sql": lambda p, sql, rng: p.add_select_fields_to_select_sql(sql, [name(rng)]),
    "scope_rows": lambda p, sql, rng: p.scope_rows(sql, {rng.choice(_NAMES): condition(rng)}),
    "check_policy": lambda p, sql, rng: p.check_policy(sql, Policy(tables=frozenset({rng.choice(_NAMES)}))),
    "translate": lambda p, sql, rng: p.translate(sql, read=rng.choice(DIALECTS)),
    "compile": lambda p, sql, rng: p.compile(sql),
}


@dataclass
class Tally:
    calls: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    foreign: list[tuple[str, str, str]] = field(default_factory=list)

    def line(self, dialect: str) -> str:
        return f"{dialect}: " + ", ".join(f"{m} {self.calls[m]} ({self.errors[m]} errors)" for m in METHODS)


def run(dialect: str, count: int, seed: int) -> Tally:
    """`count` inputs, each through every method, alternating styles."""
    rng = random.Random(f"{seed}:{dialect}")
    parsers = [new_parser(dialect), new_parser(dialect, style="compat")]
    tally = Tally()
    for i in range(count):
        sql = statement(rng, dialect)
        parser = parsers[i % 2]
        for method, call in METHODS.items():
            tally.calls[method] += 1
            try:
                call(parser, sql, rng)
            except SQLParserError as err:
                tally.errors[method] += 1
                if str(err).startswith(INTERNAL_ERROR):
                    tally.foreign.append((method, sql, f"{type(err.__cause__).__name__}: {err.__cause__}"))
            except Exception as err:  # the finding: anything else leaving the contract
                tally.foreign.append((method, sql, f"{type(err).__name__}: {err}"))
    return tally


def _main(argv: Any = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("dialects", nargs="*", default=list(DIALECTS))
    args = ap.parse_args(argv)
    for dialect in args.dialects:
        tally = run(dialect, args.count, args.seed)
        print(tally.line(dialect))
        for method, sql, error in tally.foreign:
            print(f"  FOREIGN {method}: {error}\n    {sql!r}"[:600])


if __name__ == "__main__":
    _main()
