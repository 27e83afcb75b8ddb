"""The differential check of the statement-shape cache (sqlparser/shapes.py), shared by the CI
test (a sample) and the slow one (everything): learn a template from a statement, build a
variant with other literal values, and compare the template's result with a full parse of the
variant (tree, metadata, comments, statement fields, native and compat output)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlparser import new_parser, shapes
from sqlparser.shapes import Shape, Slot
from tests.corpus._corpus import load_corpus
from tests.data_dir import data_dir

DML = ("SELECT", "INSERT", "UPDATE", "DELETE")


def statements(dialect: str) -> list[str]:
    """Accepted DML of the dialect's corpus, then the workload's queries of that dialect; unique."""
    out: dict[str, None] = {}
    for row in load_corpus(dialect):
        if row.get("syntax_ok") and row.get("kind") in DML:
            out.setdefault(row["sql"], None)
    with (data_dir() / "workloads" / "workload.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["dialect"] == dialect:
                out.setdefault(row["sql"], None)
    return list(out)


def other_value(slot: Slot, salt: int) -> str:
    """Another plain value of the slot's kind, of another length (positions after it move)."""
    if slot.is_string:
        return (f"v{salt}_" + slot.value[:3]) if len(slot.value) < 3 else slot.value[:1]
    if "." in slot.value:
        whole, frac = slot.value.split(".")
        return f"{(int(whole) + 10 + salt) % 1_000_000_000}.{frac[:8]}7"
    return str((int(slot.value) + 1000 + salt) % 1_000_000_000)


def variant(sql: str, shape: Shape, change: set[int], salt: int = 0) -> str:
    # slots with one value and kind move together (the template's free groups need equal values)
    first: dict[tuple[bool, str], int] = {}
    rep = [first.setdefault((slot.is_string, slot.value), i) for i, slot in enumerate(shape.slots)]
    values: dict[int, str] = {}
    parts, at = [], 0
    for i, slot in enumerate(shape.slots):
        parts.append(sql[at:slot.start])
        value = values.setdefault(rep[i], other_value(slot, salt + i)) if rep[i] in change else slot.value
        parts.append(f"'{value}'" if slot.is_string else value)
        at = slot.end
    parts.append(sql[at:])
    return "".join(parts)


@dataclass
class Outcome:
    checked: int = 0
    keyed: int = 0
    learned: int = 0
    failures: list[str] = field(default_factory=list)


def run(dialect: str, sample: Iterator[str] | list[str]) -> Outcome:
    native = new_parser(dialect, style="native")
    compat = new_parser(dialect, style="compat")
    frontend = native.frontend
    full = type(frontend)(portable_names=frontend.portable_names, cache=False)
    prefer_end = type(frontend).SHAPE_COLUMN_AT_END
    out = Outcome()
    for sql in sample:
        out.checked += 1
        shape = frontend._shape(sql)
        if shape is None:
            continue
        out.keyed += 1
        try:
            stmt = full.parse(sql)
        except Exception:
            continue
        template, _ = shapes._learn(stmt, shape, prefer_end)
        if template is None:
            continue
        out.learned += 1
        text = variant(sql, shape, {group[0] for group in template.free}, salt=out.learned)
        new_shape = frontend._shape(text)
        if new_shape is None or new_shape.key != shape.key or not template.matches(new_shape.slots):
            out.failures.append(f"variant changed the shape: {sql!r} -> {text!r}")
            continue
        built = template.instantiate(text, new_shape.slots)
        try:
            fresh = full.parse(text)
        except Exception as err:
            out.failures.append(f"template accepts what the parse refuses ({err}): {text!r}")
            continue
        problem = compare(built, fresh, text, native, compat)
        if problem:
            out.failures.append(f"{problem}: {sql!r} -> {text!r}")
    return out


def compare(built: object, fresh: object, text: str, native: object, compat: object) -> str | None:
    b, f = built, fresh
    if (b.sql, b.operation, b.unsupported, b.table) != (f.sql, f.operation, f.unsupported, f.table):  # type: ignore[attr-defined]
        return "statement fields differ"
    if not shapes.same_tree(b.tree, f.tree):  # type: ignore[attr-defined]
        return "trees differ"
    for parser in (native, compat):
        outs = []
        for stmt in (b, f):
            try:
                outs.append(parser._render(stmt.tree.copy(), quote_names=False, source_sql=text,  # type: ignore[attr-defined]
                                           consume=True))
            except Exception as err:
                outs.append(f"error {type(err).__name__}: {err}")
        if outs[0] != outs[1]:
            return f"{parser.style} output differs: {outs[0]!r} vs {outs[1]!r}"  # type: ignore[attr-defined]
    return None
