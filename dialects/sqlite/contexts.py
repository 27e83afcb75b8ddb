"""The base class of the generated parser's rule contexts (the grammar's `contextSuperClass`).

ANTLR's `ParserRuleContext.__init__` reaches `RuleContext.__init__` and `object.__init__` through
two more Python calls; a statement builds about forty contexts, so the chain is a few percent of
a parse. This class sets the same six slots in one call, and copies them for a labelled alternative
without ANTLR's error-node loop. It must not import the generated parser
(the generated module imports it).
"""

from __future__ import annotations

from typing import Any

from antlr4 import ParserRuleContext


class RuleContextBase(ParserRuleContext):
    """`ParserRuleContext` with the same fields, initialised in one call."""

    def __init__(self, parent: Any = None, invokingState: int = -1) -> None:
        self.parentCtx = parent
        self.invokingState = invokingState
        self.children = None
        self.start = None
        self.stop = None
        self.exception = None

    def copyFrom(self, ctx: Any) -> None:
        """A labelled alternative's context takes over the rule's generic one (which the parser
        has just made, so it has no children yet): the same fields as ANTLR's `copyFrom`, whose
        children loop only moves error nodes, which our parsers never make (no recovery). A
        context that does have children is left to ANTLR's."""
        if ctx.children is not None:
            super().copyFrom(ctx)
            return
        self.parentCtx = ctx.parentCtx
        self.invokingState = ctx.invokingState
        self.children = None
        self.start = ctx.start
        self.stop = ctx.stop
