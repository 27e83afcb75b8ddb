"""The error messages a user can meet in the CLI and the server, read from the source (not from a
list kept by hand), for tests/docs/test_troubleshooting.py.

What counts as user-facing:
- in every module under cozelite/ (the CLI, the server, config, backup, and whatever later waves add
  there): every `raise SomeError("...")` / `raise click.ClickException(...)` / `sys.exit("...")` /
  `SystemExit("...")` / `super().__init__("...")` whose message is a string (literal, f-string,
  concatenation, or a local name bound to one), every JSON body `{"error": "..."}` the server sends,
  and every line collected for one combined report or note (a string, or a tuple's string, returned
  by a function whose name holds one of REPORTERS, or appended to a list named `problems`);
- under providers/: the URI layer (providers/registry.py) and every opener (a function decorated with
  `@<REGISTRY>.register(...)`): what `cozelite serve`, `config show --check` and the other commands
  print for a configured URI. Errors of provider operations carry a portable code; the doc covers those
  per code (`ErrorCode`), which the test checks too.

A message is identified by its longest literal fragment (the text between placeholders), whitespace
collapsed: the doc must contain that fragment verbatim (case-insensitive). Fragments shorter than
MIN_KEY characters identify nothing (e.g. f"{area}: {err}") and are skipped as pass-throughs.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MIN_KEY = 10
# Raising one of these is internal (a bug or a programming error), not a message for a user.
INTERNAL = {"AssertionError", "AttributeError", "RuntimeError", "NotImplementedError", "TypeError", "KeyError",
            "StopIteration", "NotADirectoryError", "IndexError"}
_PLACEHOLDER = "\x00"
# Functions of the app whose returned strings are shown to the user: problem lines gathered into one
# report, notes describing a state (`describe_stale`), and openers returning (provider, problem).
REPORTERS = ("problem", "describe", "_open")


@dataclass(frozen=True)
class Message:
    path: str  # relative to the repository root
    line: int
    key: str  # the longest literal fragment
    text: str  # the message with {…} where values go, for the failure report


def _template(node: ast.AST | None, names: dict[str, list[ast.AST]]) -> str | None:
    """The message as text with placeholders, or None when it is not built from strings."""
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else _PLACEHOLDER
                       for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _template(node.left, names), _template(node.right, names)
        if left is None and right is None:
            return None
        return (left if left is not None else _PLACEHOLDER) + (right if right is not None else _PLACEHOLDER)
    if isinstance(node, ast.Name) and node.id in names:
        return _template(names[node.id][-1], {})
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join":
        return _PLACEHOLDER
    return None


def _key(template: str) -> str:
    fragments = [re.sub(r"\s+", " ", f).strip(" :;,.'\"") for f in template.split(_PLACEHOLDER)]
    return max(fragments, key=len, default="")


def _callee(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _message_arg(call: ast.Call) -> ast.AST | None:
    """The message argument of an error constructor: the first string-ish positional argument (a
    ProviderError takes the code first), or message=/msg=."""
    for kw in call.keywords:
        if kw.arg in ("message", "msg"):
            return kw.value
    for arg in call.args:
        if not (isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name) and arg.value.id == "ErrorCode"):
            return arg
    return None


def _assignments(fn: ast.AST) -> dict[str, list[ast.AST]]:
    """Local names bound to a string expression (message = f"..."; raise X(message)), each binding."""
    out: dict[str, list[ast.AST]] = {}
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if _template(node.value, {}) is not None:
                out.setdefault(node.targets[0].id, []).append(node.value)
    return out


def _scopes(tree: ast.Module) -> Iterator[ast.AST]:
    yield tree
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _messages_in(node: ast.AST, names: dict[str, list[ast.AST]], *, app: bool) -> Iterator[tuple[int, str]]:
    if app and isinstance(node, ast.FunctionDef):
        # Every binding of a name that becomes a message (if/else branches building one message).
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call) and _callee(sub.func) == "__init__" and sub.args \
                    and isinstance(sub.args[0], ast.Name):
                for bound in names.get(sub.args[0].id, []):
                    template = _template(bound, {})
                    if template is not None:
                        yield sub.lineno, template
        if any(word in node.name for word in REPORTERS):
            for sub in ast.walk(node):
                if isinstance(sub, ast.Return) and sub.value is not None:
                    values = sub.value.elts if isinstance(sub.value, ast.Tuple) else [sub.value]
                    for value in values:
                        template = _template(value, names)
                        if template is not None:
                            yield sub.lineno, template
    for sub in ast.walk(node):
        call: ast.Call | None = None
        if app and isinstance(sub, ast.Call) and _callee(sub.func) == "append" and isinstance(sub.func, ast.Attribute) \
                and isinstance(sub.func.value, ast.Name) and sub.func.value.id == "problems" and sub.args:
            template = _template(sub.args[0], names)
            if template is not None:
                yield sub.lineno, template
            continue
        if isinstance(sub, ast.Raise) and isinstance(sub.exc, ast.Call):
            call = sub.exc
            if _callee(call.func) in INTERNAL:
                continue
        elif isinstance(sub, ast.Call) and _callee(sub.func) == "exit" and isinstance(sub.func, ast.Attribute) \
                and isinstance(sub.func.value, ast.Name) and sub.func.value.id == "sys":
            call = sub
        elif app and isinstance(sub, ast.Dict):
            for k, v in zip(sub.keys, sub.values, strict=True):
                if isinstance(k, ast.Constant) and k.value == "error":
                    template = _template(v, names)
                    if template is not None:
                        yield sub.lineno, template
            continue
        if call is None:
            continue
        template = _template(_message_arg(call), names)
        if template is not None:
            yield call.lineno, template


def _openers(tree: ast.Module) -> Iterator[ast.AST]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in ("register", "refuse")
                for d in node.decorator_list):
            yield node


def user_messages() -> list[Message]:
    found: dict[tuple[str, int, str], Message] = {}

    def add(path: Path, line: int, template: str) -> None:
        key = _key(template)
        if len(key) >= MIN_KEY:
            rel = str(path.relative_to(ROOT))
            found[(rel, line, key)] = Message(rel, line, key, template.replace(_PLACEHOLDER, "{…}"))

    app = sorted((ROOT / "cozelite").rglob("*.py"))
    uri_layer = [ROOT / "providers" / "registry.py"]
    for path in app + uri_layer:
        tree = ast.parse(path.read_text(), str(path))
        for scope in _scopes(tree):
            for line, template in _messages_in(scope, _assignments(scope), app=path in app):
                add(path, line, template)
    for path in sorted((ROOT / "providers").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for opener in _openers(tree):
            for line, template in _messages_in(opener, _assignments(opener), app=False):
                add(path, line, template)
    # The same message raised in several places is one entry of the doc.
    unique: dict[str, Message] = {}
    for message in sorted(found.values(), key=lambda m: (m.path, m.line)):
        unique.setdefault(message.key.lower(), message)
    return list(unique.values())


def error_codes() -> list[str]:
    """The portable codes a ProviderError carries (providers/errors.py's ErrorCode members)."""
    tree = ast.parse((ROOT / "providers" / "errors.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "ErrorCode":
            return [t.id for stmt in node.body if isinstance(stmt, ast.Assign)
                    for t in stmt.targets if isinstance(t, ast.Name)]
    return []


if __name__ == "__main__":
    for m in user_messages():
        print(f"{m.path}:{m.line}: {m.key!r}    <- {m.text}")
    print("codes:", ", ".join(error_codes()))
