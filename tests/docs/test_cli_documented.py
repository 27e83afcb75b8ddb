"""Every `cozelite` command, sub-command, option and argument is documented.

The docs are README.md and docs/*.md. A command is documented by a heading whose first code span
is its full path (`` ### `cozelite sql rewrite` ``); its options and arguments must appear in that
heading's section (up to the next heading of the same or a higher level), or in a section of the
same file that it links to (`[configuration options](#configuration-options)`), so options several
commands share are described once. An option documented only under another command does not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import click

from cozelite.cli import cli

ROOT = Path(__file__).resolve().parents[2]

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_COMMAND_HEADING = re.compile(r"^`(cozelite(?: [a-z][a-z0-9-]*)*)`")
_LINK = re.compile(r"\]\(#([^)\s]+)\)")


@dataclass(frozen=True)
class Section:
    file: str
    title: str
    body: str  # the heading line and everything up to the next heading of the same or a higher level


def slug(title: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[^\w\- ]", "", title.strip().lower())
    return text.replace(" ", "-")


def split_sections(name: str, text: str) -> list[Section]:
    lines = text.splitlines()
    headings: list[tuple[int, int, str]] = []
    in_fence = False
    for i, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        match = None if in_fence else _HEADING.match(line)
        if match:
            headings.append((i, len(match.group(1)), match.group(2)))
    sections = []
    for n, (start, level, title) in enumerate(headings):
        end = next((i for i, lvl, _ in headings[n + 1:] if lvl <= level), len(lines))
        sections.append(Section(name, title, "\n".join(lines[start:end])))
    return sections


def load_docs(root: Path = ROOT) -> dict[str, str]:
    files = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    return {str(f.relative_to(root)): f.read_text(encoding="utf-8") for f in files if f.is_file()}


def commands(command: click.Command, path: str = "cozelite") -> dict[str, click.Command]:
    """Every visible command of the tree by its full path, the root included."""
    found = {path: command}
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            if not sub.hidden:
                found.update(commands(sub, f"{path} {name}"))
    return found


def names_to_document(command: click.Command) -> list[str]:
    """The options (every spelling, `--lite` and `--no-lite`) and the arguments (`SQL`) of a command."""
    names: list[str] = []
    for param in command.params:
        if isinstance(param, click.Option):
            if not param.hidden:
                names.extend(o for o in (*param.opts, *param.secondary_opts) if o.startswith("--"))
        elif isinstance(param, click.Argument):
            names.append(param.human_readable_name)
    return names


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None


def undocumented(root: click.Command, docs: dict[str, str]) -> list[str]:
    """What the docs miss, one line each; empty when everything is documented."""
    sections = [s for name, text in docs.items() for s in split_sections(name, text)]
    by_anchor = {(s.file, slug(s.title)): s for s in sections}
    by_command: dict[str, list[Section]] = {}
    for s in sections:
        match = _COMMAND_HEADING.match(s.title)
        if match:
            by_command.setdefault(match.group(1), []).append(s)
    tree = commands(root)
    problems = [f"{s.file}: heading for `{path}`, which is not a command"
                for path, found in sorted(by_command.items()) if path not in tree for s in found]
    for path, command in sorted(tree.items()):
        found = by_command.get(path)
        if not found:
            problems.append(f"`{path}` has no section (a heading starting with `{path}`)")
            continue
        texts = []
        for s in found:
            texts.append(s.body)
            texts.extend(by_anchor[(s.file, anchor)].body for anchor in _LINK.findall(s.body)
                         if (s.file, anchor) in by_anchor)
        text = "\n".join(texts)
        problems.extend(f"`{path}`: {name} is not documented in its section"
                        for name in names_to_document(command) if not _mentions(text, name))
    return problems


def test_every_command_option_and_argument_is_documented() -> None:
    docs = load_docs()
    assert "docs/cli.md" in docs
    assert undocumented(cli, docs) == []


# The checker itself: a command tree and docs made up for the purpose.

@click.group()
def _tool() -> None:
    """A root."""


@_tool.command("run")
@click.option("--fast/--slow", default=False)
@click.option("--brand-new", help="Added without docs.")
@click.argument("target")
def _run(fast: bool, brand_new: str | None, target: str) -> None:
    """Run."""


@_tool.command("other")
@click.option("--shared")
def _other(shared: str | None) -> None:
    """Other."""


_DOCS = """# The tool
## `cozelite`
## `cozelite run`
`--fast/--slow`, TARGET. See [shared](#shared-options).
```sh
## `cozelite run` inside a fence is not a heading
```
## `cozelite other`
`--brand-new` belongs to run, not here. See [shared](#shared-options).
## Shared options
`--shared`
"""


def test_a_new_undocumented_option_fails_even_when_another_command_documents_it() -> None:
    assert undocumented(_tool, {"docs/x.md": _DOCS}) == ["`cozelite run`: --brand-new is not documented in its section"]
    fixed = _DOCS.replace("`--fast/--slow`", "`--fast/--slow`, `--brand-new`")
    assert undocumented(_tool, {"docs/x.md": fixed}) == []


def test_missing_and_stale_sections_are_reported() -> None:
    text = _DOCS.replace("`--fast/--slow`", "`--fast/--slow`, `--brand-new`")
    docs = {"docs/x.md": text.replace("## `cozelite other`", "## `cozelite gone`")}
    assert undocumented(_tool, docs) == [
        "docs/x.md: heading for `cozelite gone`, which is not a command",
        "`cozelite other` has no section (a heading starting with `cozelite other`)",
    ]
