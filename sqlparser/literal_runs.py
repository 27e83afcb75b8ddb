"""Long runs of plain literals, folded into one compact IR node so that large statements stay small.

The IR is sqlglot's expression tree, about a kilobyte per node: a 120,000-item IN list would be
hundreds of megabytes. A statement longer than `MIN_CHARS` is scanned (one linear pass, regular
expressions only) for runs of at least `RUN_MIN` items of

- an IN list: ``IN (lit, lit, ...)``;
- INSERT rows of equal arity: ``VALUES (lit, lit), (lit, lit), ...``;
- an OR chain of equalities on one column: ``OR col = lit OR col = lit OR ... OR`` -- only terms
  with the keyword OR on both sides, so each is exactly one OR operand (every other operator binds
  tighter than OR).

A plain literal is a decimal number (``-?(0|[1-9]d*)(.d+)?``, at most 15 digits a part), a
single-quoted string of printable ASCII without backslash (a doubled quote allowed), or NULL.

The front end parses a *masked* text: each run replaced by spaces (newlines kept, so every
position, line and column of the rest is unchanged) except for a marker, a column reference with a
name the statement does not contain, written where the run's first item starts. After the parse,
each marker must sit exactly where its run's first item would (first item of an IN list, first
row of an INSERT's VALUES, right-hand side of an equality that is the right operand of an OR);
the node there is replaced by a `LiteralRun`, which keeps the original text and the items' offsets.
Anything else (a marker missing, found twice, in another place) means the scan and the parser
disagree about the text: the front end then parses the text unfolded (`frontend.py`). So the
scanner's quoting rules decide only how much is folded, never what a statement means.

Printers print a `LiteralRun` item by item through their own literal printers (the same nodes the
front end lowers each item to, `item_node`), so the text is what the unfolded tree would print.
Passes that read literal values call `materialize` first (translation, the row-scope check of
INSERT values), which puts back the unfolded nodes.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

RUN_MIN = 64
"""Fewest items (IN), rows (VALUES) or terms (OR) a folded run has."""

MIN_CHARS = 16 * 1024
"""Shorter statements are never scanned: their trees are small anyway."""

_WS = r"[ \t\r\n]"
_NUM = r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?(?![\w.$])"
_POS_NUM = r"(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?(?![\w.$])"
# Printable ASCII but the quote and the backslash; a doubled quote is one quote.
_STR = r"'(?:[ -&(-\[\]-~]|'')*+'"
_NULL = r"(?i:NULL)(?![\w$])"
_ITEM = f"(?:{_NUM}|{_STR}|{_NULL})"
# Right of `=` a negative number needs a space: PostgreSQL reads `=-` as one operator.
_RHS = f"(?:{_WS}*(?:{_POS_NUM}|{_STR}|{_NULL})|{_WS}+-{_POS_NUM})"
_IDENT = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?"
_OR = r"(?i:OR)(?![\w$])"

_ITEM_RE = re.compile(_ITEM)
_LIST_ITEM = f"{_ITEM}(?={_WS}*[,)])"
_IN_RUN = re.compile(f"{_LIST_ITEM}(?:{_WS}*,{_WS}*{_LIST_ITEM})*+")
_ROW = re.compile(f"\\({_WS}*{_ITEM}(?:{_WS}*,{_WS}*{_ITEM})*+{_WS}*\\)")
_TERM_END = f"(?={_WS}+{_OR})"
_OR_RUN = re.compile(f"(?P<col>{_IDENT}){_WS}*=(?P<rhs>{_RHS}){_TERM_END}"
                     f"(?:{_WS}+{_OR}{_WS}+(?P=col){_WS}*={_RHS}{_TERM_END})*+")
_OR_TERM = re.compile(f"{_IDENT}{_WS}*=(?P<rhs>{_RHS})")

# What starts a run, and what the scan skips: quoted text and comments, each dialect's way. A
# skipped part is never folded; a part read as code that the parser reads as quoted text only
# loses its fold (the marker is not found), see the module docstring.
_TRIGGERS = (r"(?P<in>(?<![\w$])(?i:IN){_WS}*\({_WS}*)|(?P<values>(?<![\w$])(?i:VALUES){_WS}*(?=\())"
             r"|(?P<or>(?<![\w$]){_OR}{_WS}+)")
# Quoted text or a comment left open runs to the end of the text: it is never folded either way, and
# a scan that may not fail once started stays linear (a failing lazy scan from each of many openers
# would be quadratic).
_COMMENTS = r"/\*.*?(?:\*/|\Z)|--[^\n]*|#[^\n]*"
_SKIP = {
    "mysql": r"'(?:[^'\\]|\\.|'')*+(?:'|\Z)|\"(?:[^\"\\]|\\.|\"\")*+(?:\"|\Z)|`(?:[^`]|``)*+(?:`|\Z)",
    "sqlite": r"'(?:[^']|'')*+(?:'|\Z)|\"(?:[^\"]|\"\")*+(?:\"|\Z)|`(?:[^`]|``)*+(?:`|\Z)|\[[^\]]*+(?:\]|\Z)",
    "postgres": r"(?<![\w$])[Ee]'(?:[^'\\]|\\.|'')*+(?:'|\Z)|'(?:[^']|'')*+(?:'|\Z)|\"(?:[^\"]|\"\")*+(?:\"|\Z)|"
                r"\$(?P<tag>[A-Za-z_][A-Za-z0-9_]*)?\$.*?(?:\$(?P=tag)\$|\Z)",
}
_SCANNERS = {name: re.compile(f"{skip}|{_COMMENTS}|{_TRIGGERS.format(_WS=_WS, _OR=_OR)}", re.DOTALL)
             for name, skip in _SKIP.items()}
QUOTINGS = tuple(_SKIP)
"""The quoting rules the scanner knows (a front end names one in `CachedFrontend.LITERAL_RUNS`)."""


@dataclass(frozen=True)
class Run:
    """One run found by `find_runs`: `kind` is "in", "rows" or "or"; the items are the literals in
    `text[start:end]` (for "or" the right-hand sides of the terms); `arity` is a row's item count."""

    kind: str
    start: int
    end: int
    arity: int = 1


def find_runs(sql: str, quoting: str, *, run_min: int | None = None, min_chars: int | None = None) -> list[Run]:
    """The runs of `sql` read with `quoting` ("mysql", "sqlite", "postgres"), in text order."""
    run_min = RUN_MIN if run_min is None else run_min
    if len(sql) < (MIN_CHARS if min_chars is None else min_chars):
        return []
    scanner = _SCANNERS[quoting]
    runs: list[Run] = []
    pos, n = 0, len(sql)
    while pos < n:
        m = scanner.search(sql, pos)
        if m is None:
            break
        pos = m.end()
        kind = m.lastgroup
        if kind == "in":
            run = _IN_RUN.match(sql, pos)
            if run is not None and _count(sql, run.start(), run.end(), _ITEM_RE) >= run_min:
                runs.append(Run("in", run.start(), run.end()))
                pos = run.end()
        elif kind == "values":
            found = _rows(sql, pos, run_min)
            if found is not None:
                runs.append(found)
                pos = found.end
        elif kind == "or":
            run = _OR_RUN.match(sql, pos)
            if run is not None:
                terms = _count(sql, run.start(), run.end(), _OR_TERM)
                if terms >= run_min:
                    runs.append(Run("or", run.start(), run.end()))
                    pos = run.end()
    return runs


def _count(sql: str, start: int, end: int, pattern: re.Pattern[str]) -> int:
    return sum(1 for _ in pattern.finditer(sql, start, end))


_ROW_SEP = re.compile(f"{_WS}*,{_WS}*")


_ROW_RUNS: dict[int, re.Pattern[str]] = {}
_ROW_RUN_ARITY = 16
"""Rows up to this arity are matched by one regular expression for the whole run (compiled once
per arity); wider rows one match a row."""


def _rows(sql: str, pos: int, run_min: int) -> Run | None:
    """Rows of plain literals from `pos`, all of the first row's arity."""
    first = _ROW.match(sql, pos)
    if first is None:
        return None
    arity = _count(sql, first.start(), first.end(), _ITEM_RE)
    if arity <= _ROW_RUN_ARITY:
        pattern = _ROW_RUNS.get(arity)
        if pattern is None:
            one = f"\\({_WS}*{_ITEM}" + f"{_WS}*,{_WS}*{_ITEM}" * (arity - 1) + f"{_WS}*\\)"
            pattern = _ROW_RUNS[arity] = re.compile(f"{one}(?:{_WS}*,{_WS}*{one})*+")
        run = pattern.match(sql, pos)
        assert run is not None  # the first row matches
        end = run.end()
        rows = _count(sql, pos, end, _ROW) if run_min > 1 else 1
    else:
        rows, end = 0, pos
        while True:
            row = _ROW.match(sql, pos)
            if row is None or _count(sql, row.start(), row.end(), _ITEM_RE) != arity:
                break
            rows, end = rows + 1, row.end()
            sep = _ROW_SEP.match(sql, end)
            if sep is None:
                break
            pos = sep.end()
    if rows < run_min:
        return None
    return Run("rows", first.start(), end, arity)


def outside(sql: str, runs: list[Run]) -> str:
    """The text of `sql` outside `runs`, each run replaced by one quote (counted as one token)."""
    pieces, last = [], 0
    for run in runs:
        pieces.append(sql[last:run.start])
        last = run.end
    pieces.append(sql[last:])
    return " ' ".join(pieces)


# -- masking ----------------------------------------------------------------------------------------

def marker_prefix(sql: str) -> str:
    """A name prefix that no identifier, string or comment of `sql` contains (any case)."""
    lower = sql.lower()
    for prefix in ("_z", "_q", "_lr", "_lq", "_lz"):
        if prefix not in lower:
            return prefix
    i = 0
    while f"_lr{i}x" in lower:
        i += 1
    return f"_lr{i}x"


def mask(sql: str, runs: list[Run], prefix: str) -> tuple[str, list[Run]]:
    """`sql` with each run blanked (newlines kept) and its marker written where it starts, and the
    runs masked; a run whose marker does not fit (its name must lie on the line where the run
    starts) is left as it is. Markers are numbered by position in the returned list."""
    parts: list[str] = []
    kept: list[Run] = []
    last = 0
    for run in runs:
        name = f"{prefix}{len(kept)}"
        span = sql[run.start:run.end]
        blank = re.sub(r"[^\n]", " ", span)
        text: str | None
        if run.kind == "or":
            # Keep the anchor term's `col =`; the marker replaces its right-hand side.
            term = _OR_TERM.match(sql, run.start)
            assert term is not None
            rhs = term.group("rhs")
            keep = term.start("rhs") - run.start + len(rhs) - len(rhs.lstrip(" \t\r\n"))
            head = span[:keep]
            body = _place(blank[keep:], [name])
            text = head + body if body is not None and "\n" not in head else None
        elif run.kind == "rows":
            text = _place(blank, ["(", name] + [",", "0"] * (run.arity - 1) + [")"])
        else:
            text = _place(blank, [name])
        if text is None:
            continue
        parts.append(sql[last:run.start])
        parts.append(text)
        last = run.end
        kept.append(run)
    parts.append(sql[last:])
    return "".join(parts), kept


def _place(blank: str, tokens: list[str]) -> str | None:
    """Write `tokens` into `blank` (spaces and newlines) one after the other, the first at position 0.
    The first two (the marker's name and what opens it) must lie on the first line; a later one
    that does not fit before a newline moves past it."""
    out = list(blank)
    pos = 0
    for i, token in enumerate(tokens):
        while True:
            end = pos + len(token)
            if end > len(blank):
                return None
            newline = blank.find("\n", pos, end)
            if newline < 0:
                break
            if i <= 1:
                return None
            pos = newline + 1
        out[pos:end] = token
        pos = end
    return "".join(out)


# -- the IR node ------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class RunText:
    """What a folded run reads its items from: its kind, row arity, the statement text and the
    items' offsets. Shared (never changed) between copies of the node."""

    kind: str
    arity: int
    sql: str
    starts: array  # type: ignore[type-arg]
    ends: array  # type: ignore[type-arg]


RUN_ARG = "literal_run"
"""The argument that makes an `exp.Tag` a folded run (sqlglot's compiled node classes cannot be
subclassed from Python, so the run rides on sqlglot's node for arbitrary text, which no front end
produces)."""


class LiteralRun:
    """A folded run of plain literals in the IR: an `exp.Tag` whose `literal_run` argument is a
    `RunText` (`is_run`). This class only reads one (`LiteralRun(node)`); `make_run` builds one.

    - kind "in": stands for the items of an IN list, in `In.expressions` (first place);
    - kind "rows": stands for INSERT rows, in `Values.expressions` (first place); `arity` items a
      row, then the values in `expressions` appended to every row (`add_columns_to_insert_sql`);
    - kind "or": stands for `this = item OR this = item ...`, the right operand of an `Or`; `this`
      is the column, a real child that passes (rename) see and change.
    """

    __slots__ = ("node", "text")

    def __init__(self, node: exp.Expression) -> None:
        self.node = node
        self.text: RunText = node.args[RUN_ARG]

    @property
    def kind(self) -> str:
        return self.text.kind

    @property
    def arity(self) -> int:
        return self.text.arity

    @property
    def column(self) -> exp.Expression:
        column: exp.Expression = self.node.this
        return column

    @property
    def extra(self) -> list[exp.Expression]:
        return list(self.node.args.get("expressions") or [])

    def item_count(self) -> int:
        return len(self.text.starts)

    def row_count(self) -> int:
        return self.item_count() // self.arity

    def item_texts(self) -> Iterator[str]:
        text = self.text
        sql = text.sql
        for start, end in zip(text.starts, text.ends, strict=True):
            yield sql[start:end]


def is_run(node: object) -> bool:
    return type(node) is exp.Tag and RUN_ARG in node.args


def make_run(text: RunText, column: exp.Expression | None = None) -> exp.Expression:
    return exp.Tag(this=column, **{RUN_ARG: text})


def item_node(text: str) -> exp.Expression:
    """The IR node every front end lowers a plain literal to (checked by `check_lowering`)."""
    first = text[0]
    if first == "'":
        return exp.Literal(this=text[1:-1].replace("''", "'"), is_string=True)
    if first == "-":
        return exp.Neg(this=exp.Literal(this=text[1:], is_string=False))
    if first in "nN":
        return exp.Null()
    return exp.Literal(this=text, is_string=False)


LOWERING_PROBE = "SELECT a FROM t WHERE a IN (12.50, -7, 'a''b c', NULL, 0)"
"""A statement whose IN list holds one literal of each class: a front end whose tree for it is not
`item_node` of each item does not fold (`check_lowering`)."""


def check_lowering(tree: exp.Expression | None) -> bool:
    """Whether a front end's tree of `LOWERING_PROBE` holds exactly `item_node` of each item."""
    node = tree.find(exp.In) if tree is not None else None
    if node is None:
        return False
    expected = [item_node(t) for t in ("12.50", "-7", "'a''b c'", "NULL", "0")]
    got = list(node.expressions)
    return len(got) == len(expected) and all(_same(a, b) for a, b in zip(got, expected, strict=True))


def _same(a: exp.Expression, b: exp.Expression) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, exp.Literal):
        return bool(a.this == b.this and a.is_string == b.is_string)
    if isinstance(a, exp.Neg):
        return _same(a.this, b.this)
    return isinstance(a, exp.Null)


# -- folding ----------------------------------------------------------------------------------------

def fold(tree: exp.Expression, sql: str, runs: list[Run], prefix: str) -> set[int]:
    """Replace each run's marker in `tree` (parsed from `mask(sql, runs, prefix)`) by its folded
    node. Returns the indices of the runs whose marker is not exactly where the run belongs; then
    `tree` is left unchanged (parse again without those runs, or unfolded)."""
    names = {f"{prefix}{i}": i for i in range(len(runs))}
    found: dict[int, exp.Column] = {}
    bad: set[int] = set()
    for column in tree.find_all(exp.Column):
        index = names.get(column.name) if not column.table else None
        if index is None:
            if column.name.lower().startswith(prefix):
                return set(range(len(runs)))  # (the prefix occurs nowhere in `sql`)
            continue
        if index in found:
            bad.add(index)
        found[index] = column
    bad.update(i for i in range(len(runs)) if i not in found)
    bad.update(i for i, column in found.items() if _fold_one(column, sql, runs[i], apply=False) is False)
    if bad:
        return bad
    for index, run in enumerate(runs):
        _fold_one(found[index], sql, run, apply=True)
    return set()


def _offsets(sql: str, run: Run) -> tuple[array, array]:  # type: ignore[type-arg]
    starts, ends = array("I"), array("I")
    if run.kind != "or":
        # Straight into the arrays: a list of spans first would double the peak memory of a fold.
        add_start, add_end = starts.append, ends.append
        for m in _ITEM_RE.finditer(sql, run.start, run.end):
            add_start(m.start())
            add_end(m.end())
        return starts, ends
    for m in _OR_TERM.finditer(sql, run.start, run.end):
        start, end = m.span("rhs")
        while sql[start] in " \t\r\n":  # the right-hand side's group starts at the space after `=`
            start += 1
        starts.append(start)
        ends.append(end)
    return starts, ends


def _fold_one(marker: exp.Column, sql: str, run: Run, *, apply: bool) -> bool:
    """Whether `marker` sits where `run` belongs; with `apply`, replace it by the folded node."""
    parent = marker.parent
    if marker.args.get("table") is not None or marker.comments:
        return False
    if run.kind == "in":
        if not isinstance(parent, exp.In) or marker.arg_key != "expressions" or marker.index != 0 \
                or parent.args.get("query") or parent.args.get("unnest") or parent.args.get("field"):
            return False
        if apply:
            marker.replace(make_run(_text(sql, run)))
        return True
    if run.kind == "rows":
        row = parent
        if not isinstance(row, exp.Tuple) or marker.arg_key != "expressions" or marker.index != 0 \
                or len(row.expressions) != run.arity or row.comments:
            return False
        if any(not (isinstance(e, exp.Literal) and e.this == "0" and not e.is_string) for e in row.expressions[1:]):
            return False
        values = row.parent
        if not isinstance(values, exp.Values) or row.arg_key != "expressions" or row.index != 0 \
                or not isinstance(values.parent, exp.Insert) or values.arg_key != "expression":
            return False
        if apply:
            row.replace(make_run(_text(sql, run)))
        return True
    eq = parent
    if not isinstance(eq, exp.EQ) or marker.arg_key != "expression" or eq.comments:
        return False
    column = eq.this
    if not isinstance(column, exp.Column) or not isinstance(eq.parent, exp.Or) or eq.arg_key != "expression":
        return False
    if apply:
        eq.replace(make_run(_text(sql, run), column))
    return True


def _text(sql: str, run: Run) -> RunText:
    starts, ends = _offsets(sql, run)
    return RunText(run.kind, run.arity, sql, starts, ends)


# -- unfolding --------------------------------------------------------------------------------------

def runs_in(tree: exp.Expression) -> list[LiteralRun]:
    return [LiteralRun(node) for node in tree.find_all(exp.Tag) if is_run(node)]


def materialize(tree: exp.Expression) -> exp.Expression:
    """Put back the unfolded nodes of every run in `tree` (in place); returns `tree`."""
    for run in runs_in(tree):
        node = run.node
        parent = node.parent
        if run.kind in ("in", "rows"):
            items: list[exp.Expression] = (
                [item_node(t) for t in run.item_texts()] if run.kind == "in" else list(rows_of(run)))
            assert parent is not None and node.arg_key == "expressions"
            rest = list(parent.expressions)
            i = next(j for j, e in enumerate(rest) if e is node)
            parent.set("expressions", rest[:i] + items + rest[i + 1:])
        else:
            assert isinstance(parent, exp.Or) and node.arg_key == "expression"
            column = run.column
            chain: exp.Expression = parent.this
            for t in run.item_texts():
                chain = exp.Or(this=chain, expression=exp.EQ(this=column.copy(), expression=item_node(t)))
            if parent is tree:
                tree = chain
            else:
                parent.replace(chain)
    return tree


def rows_of(run: LiteralRun) -> Iterator[exp.Tuple]:
    """The rows of a "rows" run as the unfolded tree has them (its extra values appended)."""
    texts = run.item_texts()
    extra = run.extra
    for _ in range(run.row_count()):
        items = [item_node(next(texts)) for _ in range(run.arity)]
        yield exp.Tuple(expressions=items + [e.copy() for e in extra])


# -- printing ---------------------------------------------------------------------------------------

def render(node: exp.Expression, print_node: Callable[[exp.Expression], str], *, item_sep: str, row_sep: str,
           row_open: str, row_close: str, or_sep: str) -> str:
    """The text of a run in a printer's style: each item printed by `print_node` as the node the
    front end lowers it to. Rows are `row_open items row_close` joined by `row_sep`."""
    run = LiteralRun(node)
    kind = run.kind
    if kind == "in":
        return item_sep.join(print_node(item_node(t)) for t in run.item_texts())
    if kind == "or":
        eq = exp.EQ(this=run.column.copy())  # a copy: the column stays the run's child
        parts = []
        for t in run.item_texts():
            eq.set("expression", item_node(t))
            parts.append(print_node(eq))
        return or_sep.join(parts)
    extra = [print_node(e) for e in run.extra]
    texts = run.item_texts()
    rows = []
    arity = run.arity
    for _ in range(run.row_count()):
        items = [print_node(item_node(next(texts))) for _ in range(arity)]
        rows.append(row_open + item_sep.join(items + extra) + row_close)
    return row_sep.join(rows)


def fold_stats(tree: exp.Expression) -> dict[str, Any]:
    """Counts for tests and benchmarks: runs by kind and the items they hold."""
    stats: dict[str, Any] = {"runs": 0, "items": 0}
    for run in runs_in(tree):
        stats["runs"] += 1
        stats["items"] += run.item_count()
        stats[run.kind] = stats.get(run.kind, 0) + 1
    return stats
