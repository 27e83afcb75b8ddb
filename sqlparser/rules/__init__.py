"""The tables a dialect declares for the compiler's passes, and the helpers those tables are built with.

A dialect's `policy.py` builds a `PolicyRules` (what `check_policy` denies), its `translate.py` a
`TranslateRules` (how a statement read in another dialect is expressed on it). The passes that
read the tables live in `sqlparser.passes`; the tables live here, below the dialects, so that a
dialect never imports a pass.
"""
