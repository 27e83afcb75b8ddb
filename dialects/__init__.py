"""Dialects. Each sub-package declares `DIALECT = Dialect(...)` (sqlparser.dialect) in its
`__init__.py`; sqlparser.registry finds the packages and reads it."""
