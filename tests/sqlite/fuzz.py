"""A grammar-driven fuzzer for the SQLite front end: random statements from our own grammar's ATN,
some of them mutated, each judged by real SQLite (apsw) and by us.

Statements are produced by a random walk over the parser's ATN (the network ANTLR generated from
grammars/SQLiteParser.g4), so every rule and alternative gets exercised, including ones the
corpus never reaches. Past a depth budget the walk takes the transition with the fewest tokens to
the end of its rule, which bounds the output. A share of the statements is then mutated (a token
deleted, duplicated, swapped or inserted), which mostly yields near-miss invalid SQL: the cases
where a grammar is too loose or too strict.

Run it by hand for a report:  python -m tests.sqlite.fuzz --count 5000 --seed 7
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

import apsw
from antlr4.atn.ATNState import RuleStopState
from antlr4.atn.Transition import Transition
from sqlglot import exp

from dialects.sqlite._generated.SQLiteParser import SQLiteParser
from dialects.sqlite.frontend import SQLiteFrontend
from sqlparser.errors import SQLSyntaxError

SCHEMA = """
CREATE TABLE t(a, b, c);
CREATE TABLE t1(a, b, c);
CREATE TABLE x(a, b, c);
CREATE INDEX i ON t(a);
CREATE VIEW v AS SELECT a, b, c FROM t;
INSERT INTO t VALUES (1, 'x', 2.5), (NULL, 't', x'00'), (-3, '1', NULL);
INSERT INTO t1 VALUES (2, 'a', 'b'), (1, NULL, 0);
INSERT INTO x VALUES ('s', 1e3, 0);
"""

# Names the walk uses: mostly ones the schema has, so "no such table" rarely hides a syntax error.
_NAMES = ("t", "t1", "x", "a", "b", "c", "v", "i")
_SAMPLES = {
    "IDENTIFIER": _NAMES,
    "QUOTED_IDENTIFIER": ('"a"', "`b`", "[c]", '"t"'),
    "NUMERIC_LITERAL": ("1", "0", "2", "2.5", "1e3", "0x10", ".5"),
    "STRING_LITERAL": ("'s'", "'$.a'", "''", "'t'"),
    "BLOB_LITERAL": ("x'00'", "X'ABCD'"),
    "BIND_PARAMETER": ("?", "?1", ":p", "@q", "$r"),
}
_PLAIN_NAMES = ("a", "b", "c", "a", "b", "t", "t1", "x")
_NAME_RULES = frozenset({
    SQLiteParser.RULE_name, SQLiteParser.RULE_any_name, SQLiteParser.RULE_column_alias,
    SQLiteParser.RULE_table_alias_bare, SQLiteParser.RULE_window_name, SQLiteParser.RULE_id_name,
})
_SYNTAX = re.compile(
    r"syntax error|incomplete input|unrecognized token|parser stack overflow|clause should come after|"
    r"unknown join type|unknown table option|not allowed on .* statements within triggers|"
    r"unsupported frame specification|variable number must be between")
_INF = 1 << 30


class Generator:
    """Random token sequences from the parser's ATN."""

    def __init__(self, seed: int, depth: int = 12, plain_names: bool = False) -> None:
        self.rng = random.Random(seed)
        self.depth = depth
        # plain_names: names are mostly the schema's own (so queries run and return rows), and
        # parameters become literals (so they run without bindings).
        self.plain_names = plain_names
        self.atn = SQLiteParser.atn
        self.literal = SQLiteParser.literalNames
        self.symbolic = SQLiteParser.symbolicNames
        self.max_type = len(self.symbolic) - 1
        self._costs = self._min_costs()

    def _min_costs(self) -> dict[int, int]:
        """Fewest tokens from each ATN state to the end of its rule (fixpoint over the network)."""
        cost = {s.stateNumber: (0 if isinstance(s, RuleStopState) else _INF) for s in self.atn.states if s}
        changed = True
        while changed:
            changed = False
            for state in self.atn.states:
                if state is None or isinstance(state, RuleStopState):
                    continue
                best = cost[state.stateNumber]
                for tr in state.transitions:
                    c = self._transition_cost(tr, cost)
                    if c < best:
                        best = c
                if best < cost[state.stateNumber]:
                    cost[state.stateNumber] = best
                    changed = True
        return cost

    def _transition_cost(self, tr: Transition, cost: dict[int, int]) -> int:
        kind = tr.serializationType
        if kind == Transition.RULE:
            inner = cost[tr.target.stateNumber]
            return min(_INF, inner + cost[tr.followState.stateNumber])
        step = 1 if kind in (Transition.ATOM, Transition.SET, Transition.NOT_SET, Transition.RANGE,
                             Transition.WILDCARD) else 0
        return min(_INF, step + cost[tr.target.stateNumber])

    def statement(self, rule: int = SQLiteParser.RULE_sql_stmt) -> list[str]:
        out: list[str] = []
        self._rule(rule, out, 0)
        return out

    def _rule(self, rule: int, out: list[str], depth: int) -> None:
        if self.plain_names and rule in _NAME_RULES and self.rng.random() < 0.9:
            out.append(self.rng.choice(_PLAIN_NAMES))
            return
        state = self.atn.ruleToStartState[rule]
        while not isinstance(state, RuleStopState):
            transitions = state.transitions
            if len(transitions) == 1:
                tr = transitions[0]
            elif depth > self.depth or len(out) > 200:
                best = min(self._transition_cost(t, self._costs) for t in transitions)
                tr = self.rng.choice([t for t in transitions if self._transition_cost(t, self._costs) == best])
            else:
                tr = self.rng.choice(transitions)
            kind = tr.serializationType
            if kind == Transition.RULE:
                self._rule(tr.target.ruleIndex, out, depth + 1)
                state = tr.followState
                continue
            if kind == Transition.ATOM:
                out.append(self._text(tr.label_))
            elif kind in (Transition.SET, Transition.RANGE):
                choices = [t for r in tr.label.intervals for t in r if t > 0]
                if self.plain_names and SQLiteParser.IDENTIFIER in choices and self.rng.random() < 0.9:
                    # a name set written inline (value_expr's column and function names)
                    out.append(self.rng.choice(_PLAIN_NAMES))
                else:
                    out.append(self._text(self.rng.choice(choices)))
            elif kind in (Transition.NOT_SET, Transition.WILDCARD):
                out.append(self.rng.choice(_NAMES))
            state = tr.target

    def _text(self, token_type: int) -> str:
        symbolic = self.symbolic[token_type]
        if self.plain_names and symbolic == "BIND_PARAMETER":
            return self.rng.choice(("1", "'1'", "NULL"))
        samples = _SAMPLES.get(symbolic)
        if samples is not None:
            return self.rng.choice(samples)
        literal = self.literal[token_type] if token_type < len(self.literal) else "<INVALID>"
        if literal != "<INVALID>":
            text = literal.strip("'")
            return text.lower() if self.rng.random() < 0.2 else text
        return symbolic

    def mutate(self, tokens: list[str]) -> list[str]:
        tokens = list(tokens)
        for _ in range(self.rng.choice((1, 1, 2))):
            if not tokens:
                break
            at = self.rng.randrange(len(tokens))
            action = self.rng.randrange(4)
            if action == 0:
                del tokens[at]
            elif action == 1:
                tokens.insert(at, tokens[at])
            elif action == 2 and at + 1 < len(tokens):
                tokens[at], tokens[at + 1] = tokens[at + 1], tokens[at]
            else:
                tokens.insert(at, self._text(self.rng.randint(1, self.max_type)))
        return tokens


@dataclass(frozen=True)
class Case:
    sql: str
    sqlite_ok: bool
    ours_ok: bool
    sqlite_error: str
    our_error: str


class Judge:
    """Prepares each statement on a scratch database (never runs it) and parses it ourselves."""

    def __init__(self) -> None:
        self.con = apsw.Connection(":memory:")
        self.con.execute(SCHEMA)
        # Every name the walk uses is also a schema, so "unknown database" rarely hides a syntax error.
        for name in _NAMES:
            self.con.execute(f"ATTACH ':memory:' AS {name}")
        self.frontend = SQLiteFrontend(portable_names=False, cache=False)

    def sqlite(self, sql: str) -> tuple[bool, str]:
        cursor = self.con.cursor()
        cursor.exec_trace = lambda *_: False
        try:
            cursor.execute(sql)
        except apsw.ExecTraceAbort:
            return True, ""
        except apsw.Error as err:
            message = str(err)
            return not _SYNTAX.search(message), message
        return True, ""

    def rows(self, sql: str, steps: int = 200_000) -> object:
        """The rows a query returns (or its error's first words), stopped after `steps` VM steps
        so that a generated recursive CTE cannot run forever."""
        budget = [0]

        def progress() -> bool:
            budget[0] += 1
            return budget[0] > steps // 1000

        self.con.set_progress_handler(progress, 1000)
        try:
            result: object = [tuple(row) for row in self.con.execute(sql)]
        except apsw.Error as err:
            result = f"error: {type(err).__name__}"
        finally:
            self.con.set_progress_handler(None)
        # Row order is only defined under ORDER BY; compare as multisets.
        return sorted(result, key=repr) if isinstance(result, list) else result

    def ours(self, sql: str) -> tuple[bool, str]:
        try:
            self.frontend.parse(sql)
        except SQLSyntaxError as err:
            return False, str(err).splitlines()[0]
        return True, ""

    def judge(self, sql: str) -> Case:
        sqlite_ok, sqlite_error = self.sqlite(sql)
        ours_ok, our_error = self.ours(sql)
        return Case(sql, sqlite_ok, ours_ok, sqlite_error, our_error)


_DML_RULES = (SQLiteParser.RULE_select_stmt, SQLiteParser.RULE_with_stmt, SQLiteParser.RULE_insert_stmt,
              SQLiteParser.RULE_update_stmt, SQLiteParser.RULE_delete_stmt, SQLiteParser.RULE_create_stmt,
              SQLiteParser.RULE_alter_table_stmt, SQLiteParser.RULE_drop_stmt)


def cases(count: int, seed: int, mutate_share: float = 0.5, depth: int = 12, dml: bool = False,
          plain_names: bool = False) -> Iterator[str]:
    """`count` statements; `dml=True` draws only from the statements the IR holds (SELECT, INSERT,
    UPDATE, DELETE, CREATE, ALTER, DROP)."""
    gen = Generator(seed, depth=depth, plain_names=plain_names)
    for _ in range(count):
        # Queries (half of the DML draws) are the ones whose results can be compared.
        rules = _DML_RULES if gen.rng.random() < 0.5 else (SQLiteParser.RULE_select_stmt,)
        tokens = gen.statement(gen.rng.choice(rules)) if dml else gen.statement()
        if gen.rng.random() < mutate_share:
            tokens = gen.mutate(tokens)
        yield " ".join(tokens)


def is_known_extension(sql: str) -> bool:
    """TRUNCATE TABLE is our documented extension (grammars/README.md): SQLite rejects it."""
    words = sql.upper().lstrip("; ").split()
    while words[:1] in (["EXPLAIN"], ["QUERY"], ["PLAN"]):
        words = words[1:]
    return words[:1] == ["TRUNCATE"]


def _several_statements(sql: str) -> bool:
    """A mutation can leave a `;` outside a trigger body: that is two statements, and SQLite only
    prepares the first (the corpus drops such rows too)."""
    body = sql.strip().rstrip(";")
    return ";" in body and "TRIGGER" not in body.upper()


def run(count: int, seed: int, mutate_share: float = 0.5, depth: int = 12) -> tuple[list[Case], int, int]:
    judge = Judge()
    disagreements = []
    total = 0
    inconclusive = 0
    for sql in cases(count, seed, mutate_share=mutate_share, depth=depth):
        if not sql.strip() or is_known_extension(sql) or _several_statements(sql):
            continue
        case = judge.judge(sql)
        if case.sqlite_ok and not case.ours_ok and case.sqlite_error:
            # SQLite stopped at a semantic error raised while still parsing ("no such window",
            # "temporary trigger may not have qualified name", ...): a later syntax error, which
            # we report, may be hidden behind it. Neither side can be called wrong.
            inconclusive += 1
            continue
        total += 1
        if case.sqlite_ok != case.ours_ok:
            disagreements.append(case)
    return disagreements, total, inconclusive


@dataclass(frozen=True)
class OutputCase:
    sql: str
    native: str
    problem: str


def check_native(count: int, seed: int) -> tuple[list[OutputCase], int]:
    """For generated statements both sides accept and the IR holds: SQLite must accept our native
    output, and printing must be a fixed point (print(parse(print(parse(x)))) == print(parse(x)))."""
    from sqlparser import new_parser
    from sqlparser.errors import SQLParserError

    judge = Judge()
    parser = new_parser("sqlite", portable_names=False)
    problems: list[OutputCase] = []
    checked = 0
    for sql in cases(count, seed, mutate_share=0, depth=7, dml=True, plain_names=True):
        if not sql.strip() or is_known_extension(sql) or _several_statements(sql):
            continue
        upper = sql.upper()
        if "RAISE" in upper or upper.startswith("EXPLAIN"):
            continue  # never in the IR (RAISE only means something in a trigger body)
        try:
            stmt = parser.parse(sql)
        except SQLParserError:
            continue
        if stmt.tree is None or not judge.sqlite(sql)[0]:
            continue
        checked += 1
        try:
            native = parser.render(stmt.tree)
        except SQLParserError as err:
            problems.append(OutputCase(sql, "", f"cannot print: {err}"))
            continue
        ok, error = judge.sqlite(native)
        if not ok:
            problems.append(OutputCase(sql, native, f"SQLite rejects the output: {error}"))
            continue
        try:
            again = parser.render(parser.parse(native).tree)
        except SQLParserError as err:
            problems.append(OutputCase(sql, native, f"we reject our own output: {err}"))
            continue
        if again != native:
            problems.append(OutputCase(sql, native, f"printing is not a fixed point: {again}"))
            continue
        if isinstance(stmt.tree, exp.Query) and not _NONDETERMINISTIC.search(upper):
            before, after = judge.rows(sql), judge.rows(native)
            if before != after:
                problems.append(OutputCase(sql, native, f"results differ: {before!r} vs {after!r}"))
    return problems, checked


_NONDETERMINISTIC = re.compile(r"RANDOM|CHANGES|LAST_INSERT_ROWID|CURRENT_|DATE|TIME|NOW")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--native", action="store_true", help="check native output instead of accept/reject")
    args = parser.parse_args()
    if args.native:
        problems, checked = check_native(args.count, args.seed)
        for problem in problems:
            print(f"{problem.sql}\n    native: {problem.native}\n    {problem.problem}")
        print(f"{checked} statements printed, {len(problems)} problems")
        return
    disagreements, total, inconclusive = run(args.count, args.seed)
    for case in disagreements:
        print(f"{'SQLite accepts' if case.sqlite_ok else 'SQLite rejects'}: {case.sql}")
        print(f"    sqlite: {case.sqlite_error or 'ok'}\n    ours:   {case.our_error or 'ok'}")
    print(f"{total} statements judged, {len(disagreements)} disagreements, {inconclusive} inconclusive")


if __name__ == "__main__":
    main()
