"""Differential check of the SQLite front end against an older revision of the repository: the
same inputs through both, every outcome compared (accepted or rejected, the error with its
position, the IR's `repr` and SQL, every node's metadata, the comments, the statement fields).

Used to show that a grammar or lowering change meant only for speed changes nothing a caller can
see. The older revision runs in a subprocess on a `git archive` copy of that revision, with this
file copied next to it (it only uses the front end's own methods, which every revision has).

    python -m tests.sqlite.ir_diff --rev 6d46a03 [--fuzz 3000]     # compare, print differences

Inputs: every row of the SQLite corpus (accepted or not, every kind), the workload's SQLite
queries, the own workload, every SQL text of the golden cases, fuzzer statements (grammar walk,
half mutated, fixed seed), and conditions (the text after each corpus statement's first WHERE,
parsed as a filter condition: many are rejected, which checks that rejections stay the same).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

Item = tuple[str, str]  # (rule, text): rule "parse" for a statement, "expr" for a condition


def inputs(fuzz: int = 3000, seed: int = 16) -> list[Item]:
    """The inputs of the comparison, without duplicates, in a fixed order."""
    from tests.corpus._corpus import load_corpus
    from tests.data_dir import data_dir

    out: dict[Item, None] = {}
    conditions: dict[str, None] = {}
    for row in load_corpus("sqlite"):
        sql = row["sql"]
        out.setdefault(("parse", sql), None)
        at = sql.upper().find(" WHERE ")
        if at >= 0:
            conditions.setdefault(sql[at + 7:].rstrip("; \n"), None)
    with (data_dir() / "workloads" / "workload.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["dialect"] == "sqlite":
                out.setdefault(("parse", row["sql"]), None)
    own = (data_dir() / "own_workload" / "sqlite.sql").read_text(encoding="utf-8")
    body = "\n".join(line for line in own.splitlines() if not line.startswith("-- "))
    for statement in body.split(";\n"):
        if statement.strip():
            out.setdefault(("parse", statement.strip()), None)
    golden = json.loads((data_dir() / "golden" / "sql_parser_cases.json").read_text(encoding="utf-8"))
    for text in _strings(golden, "sql"):
        out.setdefault(("parse", text), None)
    for text in _strings(golden, "condition"):
        out.setdefault(("expr", text), None)
    if fuzz:
        from tests.sqlite.fuzz import cases

        for text in cases(fuzz, seed):
            out.setdefault(("parse", text), None)
    for text in conditions:
        out.setdefault(("expr", text), None)
    return list(out)


def _strings(node: Any, key: str) -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key and isinstance(v, str) and v:
                yield v
            else:
                yield from _strings(v, key)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v, key)


def outcome(frontend: Any, rule: str, text: str) -> str:
    """Everything a caller can observe of one input, as one string."""
    from sqlparser.errors import SQLParserError

    try:
        if rule == "expr":
            return "expr " + _describe(frontend._parse_condition(text))
        st = frontend.parse(text)
    except SQLParserError as error:
        fields = {k: getattr(error, k, None) for k in ("line", "column", "token")}
        return f"error {type(error).__name__} {fields} {error}"
    except RecursionError:
        return "error RecursionError"
    head = f"op={st.operation!r} unsupported={st.unsupported!r} table={st.table!r}"
    return head + (" " + _describe(st.tree) if st.tree is not None else " no tree")


def _describe(tree: Any) -> str:
    metas = [(type(node).__name__, sorted((k, repr(v)) for k, v in (node._meta or {}).items()))
             for node in tree.walk()]
    comments = [(type(node).__name__, node.comments) for node in tree.walk() if node.comments]
    return f"{tree!r}\n{tree.sql(dialect='sqlite')}\n{metas}\n{comments}"


def outcomes(items: list[Item]) -> list[str]:
    """Each input's outcome through a front end without caches, and for statements also through
    one with the statement and shape caches (each text is new to it: a shape template or a parse
    that reuses the shape key's scan)."""
    from dialects.sqlite.frontend import SQLiteFrontend, clear_cache

    plain = SQLiteFrontend(portable_names=False, cache=False)
    clear_cache()
    cached = SQLiteFrontend(portable_names=False, cache=True)
    out = []
    for rule, text in items:
        result = outcome(plain, rule, text)
        if rule == "parse":
            result += "\n-- cached --\n" + outcome(cached, rule, text)
        out.append(result)
    return out


def outcomes_at(rev: str, items: list[Item]) -> list[str]:
    """The outcomes of the repository as it was at `rev` (a subprocess on an archived copy)."""
    with tempfile.TemporaryDirectory(prefix="ir_diff_") as tmp:
        tree = Path(tmp) / "tree"
        tree.mkdir()
        archive = subprocess.run(["git", "archive", rev], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        shutil.copy(Path(__file__), tree / "tests" / "sqlite" / "ir_diff.py")
        (Path(tmp) / "in.json").write_text(json.dumps(items), encoding="utf-8")
        env_path = str(tree)
        subprocess.run([sys.executable, "-m", "tests.sqlite.ir_diff", "--outcomes", str(Path(tmp) / "in.json"),
                        str(Path(tmp) / "out.json")], cwd=tree, check=True,
                       env={**_environ(), "PYTHONPATH": env_path})
        result: list[str] = json.loads((Path(tmp) / "out.json").read_text(encoding="utf-8"))
        return result


def _environ() -> dict[str, str]:
    import os

    return dict(os.environ)


def differences(rev: str, items: list[Item]) -> list[tuple[Item, str, str]]:
    old = outcomes_at(rev, items)
    new = outcomes(items)
    return [(item, a, b) for item, a, b in zip(items, old, new, strict=True) if a != b]


def main() -> int:
    sys.setrecursionlimit(20000)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rev", default="6d46a03")
    ap.add_argument("--fuzz", type=int, default=3000)
    ap.add_argument("--outcomes", nargs=2, metavar=("IN", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.outcomes:
        items = [tuple(item) for item in json.loads(Path(args.outcomes[0]).read_text(encoding="utf-8"))]
        Path(args.outcomes[1]).write_text(json.dumps(outcomes(items)), encoding="utf-8")  # type: ignore[arg-type]
        return 0
    items = inputs(args.fuzz)
    old, new = outcomes_at(args.rev, items), outcomes(items)
    diffs = [(item, a, b) for item, a, b in zip(items, old, new, strict=True) if a != b]
    accepted = sum(1 for o in new if not o.startswith("error"))
    print(f"{len(items)} inputs ({accepted} accepted), {len(diffs)} differ from {args.rev}")
    for (rule, text), a, b in diffs[:20]:
        print(f"--- {rule}: {text[:200]!r}\n  old: {a[:400]}\n  new: {b[:400]}")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
