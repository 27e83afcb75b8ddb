"""The base class of the generated parser's rule contexts (the grammar's `contextSuperClass`).

ANTLR's `ParserRuleContext.__init__` reaches `RuleContext.__init__` and `object.__init__` through
two more Python calls; a statement builds about forty contexts, so the chain is a few percent of
a parse. This class sets the same six slots in one call. It must not import the generated parser
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
