"""The statement-shape cache: statements that differ only in plain literal values share one parse.

Applications send the same statement again and again with other values written inline
(`WHERE id = 17`, `WHERE id = 18`, ...): each text is new, so the text-keyed statement cache
(`frontend.StatementCache`) never hits, yet the parse, the validity checks and the lowering are
the same work every time. This cache keys a statement by its *shape* (the idea of a query
digest or a prepared-statement cache): the text with each plain literal's span replaced by a
marker of its kind. A hit copies the tree lowered from an earlier statement of that shape and
puts the new literal values in.

Correctness rests on these rules (each is tested in tests/frontend):

- The key comes from the dialect's own tokens (`CachedFrontend._shape`): the two texts are
  equal outside the marked spans, and every marked span is one literal token of the same kind in
  both (a plain decimal integer of at most 9 digits, a plain decimal fraction, or a string of
  ordinary characters: no quotes, backslashes, newlines or non-ASCII, see `plain_slot`). Anything
  else (signs, other number forms, escapes, introducers, adjacent strings) stays in the key as
  written, so it is parsed on its own.
- Learning: after a full parse, the slots with one value (of one kind) form a *free* group when
  the tree holds exactly as many literals of that value and kind as the group has slots, and each
  literal sits where the front ends copy values verbatim and check nothing about them (under a
  comparison, arithmetic, IN, BETWEEN, LIKE, a VALUES row or a select list: `_FREE_PARENTS`).
  A group of several slots only serves texts whose slots in it are again all equal (`id = 7 OR
  parent = 7`), so which literal came from which of them does not matter. Every other slot is
  *pinned*: its value becomes part of the template's key, so LIMIT 10 and
  LIMIT 11, ORDER BY 1 and ORDER BY 2, DECIMAL(10, 2) and DECIMAL(70, 2), INTERVAL '1' DAY ...
  are parsed (and checked) on their own.
- Positions: per-node metadata holds offsets (`start`, `end`) and line/column; on a hit they are
  moved by the length changes of the literals before them, so error messages and the printers'
  source reads point into the new text. A position inside a literal cannot be moved: such a
  statement is not learned.
- Verification: the first `VERIFY_HITS` hits of a template also run the full parse and compare
  the two results (tree structure, values, metadata, comments). A mismatch marks the shape
  uncacheable for good, is counted (`ShapeCache.stats["mismatches"]`) and logged: it is a bug in
  the rules above. A free group whose value did not change in any verifying hit is pinned
  afterwards, since nothing showed that its literal really comes from that token.

Memory is bounded like the statement cache's (entries and estimated bytes); everything shared is
guarded by one lock, and kept trees are never handed out, only copies.
"""

from __future__ import annotations

import bisect
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, NamedTuple, Protocol, TypeVar, cast

from sqlglot import exp

log = logging.getLogger(__name__)

enabled = True
"""False: every statement the text cache misses is parsed in full (benchmarks show both)."""

VERIFY_HITS = 2
"""Hits of a new template that also run the full parse and compare."""

MAX_TEMPLATES_PER_SHAPE = 4
"""Templates kept per shape (they differ in the values of pinned slots, e.g. LIMIT 10 / LIMIT 20)."""

SHAPE_TEXT_LIMIT = 16 * 1024
"""Longer texts are not keyed: their scan costs more and they rarely repeat a shape."""

BACKOFF_WINDOW = 256
"""Keyed statements over which the cache weighs what keying brings (`ShapeCache.parse`)."""

BACKOFF_SAMPLE = 16
"""The cache backs off when fewer than one keyed statement in this many was built from a template
(keying costs a scan of the text's tokens, 5-10% of a statement seen once; a statement built from
a template saves most of its parse); backed off, it keys one statement in this many."""

MAX_SLOTS = 1000
"""More literals than this: not keyed (a large INSERT is not worth a template)."""

_STRING_BODY = r"[A-Za-z0-9 _.,:@%/+#=-]{0,256}"
_PLAIN_INT = re.compile(r"(?:0|[1-9][0-9]{0,8})\Z")
_PLAIN_DEC = re.compile(r"(?:0|[1-9][0-9]{0,8})\.[0-9]{1,9}\Z")
_PLAIN_STRING = re.compile(rf"'{_STRING_BODY}'\Z")

_Path = tuple[tuple[str, int | None], ...]


@dataclass(frozen=True, slots=True)
class Slot:
    """One plain literal token: its span in the text (end exclusive) and its value in the IR."""

    start: int
    end: int
    is_string: bool
    value: str


class Shape(NamedTuple):
    """A statement's shape key and its literal slots, in text order."""

    key: str
    slots: tuple[Slot, ...]


def plain_slot(sql: str, start: int, end: int, is_string: bool) -> Slot | None:
    """The slot of the literal token `sql[start:end]` when it is plain, else None (it stays in the key).

    A plain number is a decimal integer of at most 9 digits without leading zeros, or such an
    integer with a fraction: every front end copies these into an `exp.Literal` as written, and
    none is near an integer range limit. A plain string is single-quoted ordinary characters (no
    quotes, backslashes, newlines, non-ASCII), whose value is the text between the quotes in
    every dialect.
    """
    text = sql[start:end]
    if is_string:
        return Slot(start, end, True, text[1:-1]) if _PLAIN_STRING.match(text) else None
    if _PLAIN_INT.match(text) or _PLAIN_DEC.match(text):
        return Slot(start, end, False, text)
    return None


def make_shape(sql: str, slots: list[Slot]) -> Shape | None:
    """The shape of `sql` with these slots (in text order); None when there is nothing to share."""
    if not slots or len(slots) > MAX_SLOTS or "\x00" in sql:
        return None
    parts: list[str] = []
    at = 0
    for slot in slots:
        parts.append(sql[at:slot.start])
        parts.append("\x00s" if slot.is_string else "\x00n")
        at = slot.end
    parts.append(sql[at:])
    return Shape("".join(parts), tuple(slots))


# -- positions ---------------------------------------------------------------------------------

# A position recipe: (slot index k, at_end). at_end False: old offset + the length change of the
# slots before slot k; at_end True: the new end (inclusive) of slot k.
_Recipe = tuple[int, bool]


def _recipe(slots: tuple[Slot, ...], starts: list[int], p: int, prefer_end: bool) -> _Recipe | None:
    k = bisect.bisect_right(starts, p) - 1  # the last slot starting at or before p
    if k < 0 or p >= slots[k].end:
        return (k + 1, False)  # between literals: moves with the ones before it
    slot = slots[k]
    first, last = p == slot.start, p == slot.end - 1
    if first and last:
        return (k, prefer_end)
    if first:
        return (k, False)
    if last:
        return (k, True)
    return None  # inside a literal: no position in the new text corresponds


# -- comparing two results ---------------------------------------------------------------------

def same_tree(a: Any, b: Any) -> bool:
    """Structure, values, per-node metadata and comments all equal."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if isinstance(x, exp.Expression):
            if type(x) is not type(y) or (x._meta or None) != (y._meta or None) \
                    or (x.comments or None) != (y.comments or None):
                return False
            xa, ya = x.args, y.args
            keys = [k for k, v in xa.items() if v is not None and v != []]
            if keys != [k for k, v in ya.items() if v is not None and v != []]:
                return False
            stack.extend((xa[k], ya[k]) for k in keys)
        elif isinstance(x, list):
            if not isinstance(y, list) or len(x) != len(y):
                return False
            stack.extend(zip(x, y, strict=True))
        elif type(x) is not type(y) or x != y:
            return False
    return True


# -- templates ---------------------------------------------------------------------------------

class _Statement(Protocol):
    @property
    def sql(self) -> str: ...
    @property
    def tree(self) -> exp.Expression | None: ...
    @property
    def unsupported(self) -> str | None: ...


S = TypeVar("S", bound=_Statement)

Rebuild = Callable[[Any, str, exp.Expression], Any]
"""(template statement, new text, new tree) -> the statement to hand out (`frontend` passes a
direct constructor call: `dataclasses.replace` is a few µs of a hit)."""


def _replace(stmt: Any, sql: str, tree: exp.Expression) -> Any:
    return replace(stmt, sql=sql, tree=tree)

# The Literal's parent (and the parent's argument holding it) where every front end copies the
# value verbatim and no validity check reads it. Elsewhere (LIMIT, ORDER BY / GROUP BY positions,
# type parameters, INTERVAL, typed literals, ESCAPE, function arguments, ...) a value can change
# the tree or its validity: those slots are pinned.
_FREE_PARENTS: dict[type, frozenset[str] | None] = {
    **{kind: None for kind in (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Add, exp.Sub, exp.Mul,
                               exp.Neg, exp.Paren, exp.Tuple, exp.Between, exp.And, exp.Or)},
    exp.In: frozenset({"expressions"}),
    exp.Like: frozenset({"expression"}),
    exp.Alias: frozenset({"this"}),
    exp.Select: frozenset({"expressions"}),
}


def _free_context(node: exp.Expression) -> bool:
    parent = node.parent
    if parent is None:
        return False
    keys = _FREE_PARENTS.get(type(parent), frozenset())
    return keys is None or node.arg_key in keys


def path_of(node: Any) -> _Path:
    """The (argument, index) steps from the root to `node`."""
    steps: list[tuple[str, int | None]] = []
    while node.parent is not None:
        steps.append((node.arg_key or "", node.index))
        node = node.parent
    return tuple(reversed(steps))


def follow(tree: Any, path: _Path) -> Any:
    """The node at `path` (as `path_of` gives it), or None when there is none."""
    node: Any = tree
    try:
        for key, index in path:
            value = node.args.get(key)
            node = value if index is None else value[index]
    except (AttributeError, IndexError, TypeError):
        return None
    return node


_SCALARS = (int, str, bool, float, type(None))

_Move = tuple[str, int, bool, int, int, int]
"""A metadata key to move: (key, k, at_end, anchor, base, line_k). The character it names, `anchor`
in the learned text, is at `new_end[k]` when `at_end`, else at `anchor + shifts[k]`; the key's
new value is `base + that - shifts[line_k]` (offsets: base 0, line_k 0; a column: base = the old
column less the anchor, line_k = the slots before its line's start, whose changes move the line)."""

_Extra = tuple[_Path, dict[str, Any] | None, list[_Move], list[str] | None]
"""A node's metadata and comments, kept aside with its path and the moves of its positions."""
_POSITION_KEYS = ("start", "end")


class _Template:
    """A lowered statement of one shape, kept without its metadata, with the recipes to put in a
    new text's literal values and positions. `free` maps each free group (its slots, all equal in
    the learned text) to the paths of its Literals; `pinned` is slot index -> the value it needs."""

    __slots__ = ("bare", "changed", "extras", "free", "nodes", "pinned", "rebuild", "slots", "stmt", "verify_left")

    def __init__(self, stmt: Any, bare: exp.Expression, free: dict[tuple[int, ...], tuple[_Path, ...]],
                 pinned: dict[int, str],
                 extras: list[_Extra],
                 slots: tuple[Slot, ...], nodes: int, rebuild: Rebuild) -> None:
        self.stmt = stmt
        self.rebuild = rebuild
        self.bare = bare
        self.free = free
        self.pinned = pinned
        self.extras = extras
        self.slots = slots
        self.verify_left = VERIFY_HITS
        self.changed: set[tuple[int, ...]] = set()
        self.nodes = nodes

    def narrowed(self) -> _Template:
        """This template with the free slots that never changed pinned to their learned values."""
        keep = {group: paths for group, paths in self.free.items() if group in self.changed}
        pinned = dict(self.pinned)
        pinned.update((i, self.slots[i].value) for group in self.free if group not in self.changed for i in group)
        out = _Template(self.stmt, self.bare, keep, pinned, self.extras, self.slots, self.nodes, self.rebuild)
        out.verify_left = 0
        return out

    def matches(self, slots: tuple[Slot, ...]) -> bool:
        return all(slots[i].value == value for i, value in self.pinned.items()) and all(
            slots[i].value == slots[group[0]].value for group in self.free for i in group[1:])

    def instantiate(self, sql: str, slots: tuple[Slot, ...]) -> Any:
        shifts = [0]
        for old, new in zip(self.slots, slots, strict=True):
            shifts.append(shifts[-1] + (new.end - new.start) - (old.end - old.start))
        tree = cast(exp.Expression, self.bare.__deepcopy__({}))
        for group, paths in self.free.items():
            value = slots[group[0]].value
            for path in paths:
                follow(tree, path).args["this"] = value
        moved = shifts[-1] != 0 or any(a.end != b.end for a, b in zip(self.slots, slots, strict=True))
        new_end = [slot.end - 1 for slot in slots]
        for path, meta, moves, comments in self.extras:
            node: Any = tree
            for step, index in path:
                node = node.args[step] if index is None else node.args[step][index]
            if meta is not None:
                meta = dict(meta)
                if moved:
                    for key, k, at_end, anchor, base, line_k in moves:
                        meta[key] = base + (new_end[k] if at_end else anchor + shifts[k]) - shifts[line_k]
                node._meta = meta
            if comments is not None:
                node.comments = list(comments)
        return self.rebuild(self.stmt, sql, tree)


def _learn(stmt: Any, shape: Shape, prefer_end_column: bool,
           rebuild: Rebuild = _replace) -> tuple[_Template | None, Any]:
    """A template from a freshly parsed statement (which it takes over), and the statement to hand
    out (a copy when the template keeps the tree). (None, stmt) when the statement is not learnable."""
    tree = stmt.tree
    slots = shape.slots
    if tree is None or stmt.unsupported is not None:
        return None, stmt
    literals: dict[tuple[bool, str], list[exp.Literal]] = {}
    metas: list[exp.Expression] = []
    nodes = 0
    for node in tree.walk():
        nodes += 1
        if type(node) is exp.Literal:
            literals.setdefault((node.is_string, node.this), []).append(node)
        if node._meta is not None or node.comments is not None:
            metas.append(node)
    groups: dict[tuple[bool, str], list[int]] = {}
    for i, slot in enumerate(slots):
        groups.setdefault((slot.is_string, slot.value), []).append(i)
    free: dict[tuple[int, ...], tuple[_Path, ...]] = {}
    pinned: dict[int, str] = {}
    for value, members in groups.items():
        found = literals.get(value, ())
        if len(found) == len(members) and all(_free_context(node) for node in found):
            free[tuple(members)] = tuple(path_of(node) for node in found)
        else:
            pinned.update((i, value[1]) for i in members)
    if not free:
        return None, stmt
    starts = [slot.start for slot in slots]
    line_starts = [0] + [i + 1 for i, ch in enumerate(stmt.sql) if ch == "\n"]
    extras: list[_Extra] = []
    for node in metas:
        meta, comments = node._meta, node.comments
        path = path_of(node)
        if follow(tree, path) is not node:
            return None, stmt
        moves: list[_Move] = []
        if meta is not None:
            if not all(type(v) in _SCALARS for v in meta.values()):
                return None, stmt
            for key in _POSITION_KEYS:
                p = meta.get(key)
                if isinstance(p, int) and not isinstance(p, bool):
                    recipe = _recipe(slots, starts, p, key == "end")
                    if recipe is None:
                        return None, stmt
                    moves.append((key, recipe[0], recipe[1], p, 0, 0))
            col, line = meta.get("col"), meta.get("line")
            if col is not None:
                if not (isinstance(col, int) and isinstance(line, int) and 1 <= line <= len(line_starts)):
                    return None, stmt
                line_start = line_starts[line - 1]
                anchor = line_start + col - 1  # the character the (1-based) column names
                recipe = _recipe(slots, starts, anchor, prefer_end_column)
                if recipe is None:
                    return None, stmt
                # slots before the line's start: the line start moves by their length changes
                line_k = bisect.bisect_left(starts, line_start)
                moves.append(("col", recipe[0], recipe[1], anchor, col - anchor, line_k))
        extras.append((path, dict(meta) if meta is not None else None, moves,
                       list(comments) if comments is not None else None))
    for node in metas:
        node._meta = None
        node.comments = None
    template = _Template(stmt, tree, free, pinned, extras, slots, nodes, rebuild)
    return template, template.instantiate(stmt.sql, slots)


class _Entry:
    """What the cache knows about one shape: seen once, its templates, or that it is not shared."""

    __slots__ = ("cost", "dead", "templates")

    def __init__(self, cost: int) -> None:
        self.templates: list[_Template] = []
        self.dead = False
        self.cost = cost


class ShapeCache:
    """Thread-safe LRU of templates by shape key, bounded by entries and estimated bytes.

    A shape is learned the second time it is seen (the first sighting only records the key, so
    a statement whose shape never repeats pays for the key and nothing else), and used from the
    third on, the first `VERIFY_HITS` uses checked against a full parse.

    When fewer than one in `BACKOFF_SAMPLE` of `BACKOFF_WINDOW` keyed statements was built from
    a template (SQL that is nearly all different statements, such as ad-hoc queries), the keys
    cost more than the templates save: the cache then keys only one statement in `BACKOFF_SAMPLE`,
    and keys every statement again as soon as a sample learns a template (a shape repeats) or a
    window of samples is built from templates often enough. The results are the same either way
    (a statement not keyed is parsed in full); only the cost moves.
    """

    BYTES_PER_NODE = 1024
    """Estimated memory of one kept IR node (as `frontend.StatementCache`)."""

    def __init__(self, size: int, max_bytes: int = 16 * 1024 * 1024, prefer_end_column: bool = True,
                 rebuild: Rebuild = _replace) -> None:
        self.size = size
        self.rebuild = rebuild
        self.max_bytes = max_bytes
        self.bytes = 0
        self.prefer_end_column = prefer_end_column
        self._items: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self.stats = {"keyed": 0, "hits": 0, "verified": 0, "learned": 0, "mismatches": 0}
        # The back-off (class docstring): this window's keyed statements and those built from a
        # template, whether backed off, statements passed by since the last sample.
        self._keyed = self._built = self._passed = 0
        self._backed_off = False

    def parse(self, sql: str, parse: Callable[[str], S], shape_of: Callable[[str], Shape | None]) -> S:
        """`parse(sql)`, or an equal statement built from a template of its shape."""
        if not enabled or len(sql) > SHAPE_TEXT_LIMIT:
            return parse(sql)
        if self._backed_off:
            # (Unlocked: a lost update between threads only moves a sample.)
            self._passed += 1
            if self._passed < BACKOFF_SAMPLE:
                return parse(sql)
            self._passed = 0
        shape = shape_of(sql)
        if shape is None:
            return parse(sql)
        key, slots = shape
        checking = False
        with self._lock:
            self.stats["keyed"] += 1
            self._keyed += 1
            if self._keyed >= BACKOFF_WINDOW:
                self._backed_off = self._built * BACKOFF_SAMPLE < self._keyed
                self._keyed = self._built = 0
            entry = self._items.get(key)
            if entry is None:
                self._add(key, _Entry(2 * len(key) + 100))
                template = None
            else:
                self._items.move_to_end(key)
                template = None if entry.dead else next((t for t in entry.templates if t.matches(slots)), None)
                checking = template is not None and template.verify_left > 0
        if entry is None or entry.dead:
            return parse(sql)
        if template is None:
            if len(entry.templates) >= MAX_TEMPLATES_PER_SHAPE:
                return parse(sql)
            return self._learn(key, entry, shape, parse(sql))
        if checking:
            try:
                stmt = parse(sql)
            except Exception:
                # The template would have built a tree for a text the parse refuses.
                self._drop(entry, sql)
                raise
            return self._check(key, entry, template, sql, slots, stmt)
        with self._lock:
            self.stats["hits"] += 1
            self._built += 1
        return cast(S, template.instantiate(sql, slots))

    def _learn(self, key: str, entry: _Entry, shape: Shape, stmt: S) -> S:
        template, out = _learn(stmt, shape, self.prefer_end_column, self.rebuild)
        with self._lock:
            if template is None or template.nodes * self.BYTES_PER_NODE > self.max_bytes // 8:
                # nothing it could share (no free literal, or unmovable positions), or too big to keep
                entry.dead = True
            elif self._items.get(key) is entry and len(entry.templates) < MAX_TEMPLATES_PER_SHAPE:
                entry.templates.append(template)
                if self._backed_off:  # a shape repeated among the samples: key everything again
                    self._backed_off = False
                    self._keyed = self._built = 0
                cost = template.nodes * self.BYTES_PER_NODE
                entry.cost += cost
                self.bytes += cost
                self.stats["learned"] += 1
                self._trim()
        return cast(S, out)

    def _check(self, key: str, entry: _Entry, template: _Template, sql: str, slots: tuple[Slot, ...],
               stmt: S) -> S:
        built = template.instantiate(sql, slots)
        same = (built.operation == getattr(stmt, "operation", built.operation) and stmt.unsupported is None
                and getattr(stmt, "table", None) == built.table and same_tree(built.tree, stmt.tree))
        with self._lock:
            if not same:
                self._drop_locked(entry, sql)
                return stmt
            self.stats["verified"] += 1
            template.changed.update(group for group in template.free
                                    if slots[group[0]].value != template.slots[group[0]].value)
            template.verify_left -= 1
            if template.verify_left == 0 and len(template.changed) < len(template.free) \
                    and template in entry.templates:
                # A free group that kept its value in every check was never shown to map onto its
                # literals: from now on the template only serves that value. A new template object,
                # so that a thread holding the old one never sees half of the change.
                entry.templates[entry.templates.index(template)] = template.narrowed()
        return stmt

    def _drop(self, entry: _Entry, sql: str) -> None:
        with self._lock:
            self._drop_locked(entry, sql)

    def _drop_locked(self, entry: _Entry, sql: str) -> None:
        # A bug in the rules of this module: the shape is never shared again.
        entry.dead = True
        entry.templates.clear()
        self.stats["mismatches"] += 1
        log.warning("statement-shape cache: a template did not reproduce the full parse of %.200r; "
                    "its shape is no longer shared (please report this)", sql)

    def _add(self, key: str, entry: _Entry) -> None:
        old = self._items.pop(key, None)
        if old is not None:
            self.bytes -= old.cost
        self._items[key] = entry
        self.bytes += entry.cost
        self._trim()

    def _trim(self) -> None:
        while len(self._items) > self.size or self.bytes > self.max_bytes:
            _, dropped = self._items.popitem(last=False)
            self.bytes -= dropped.cost

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.bytes = 0
            self.stats = dict.fromkeys(self.stats, 0)
            self._keyed = self._built = self._passed = 0
            self._backed_off = False
