"""Dialect front ends. Each sub-package registers itself with `sqlparser.registry` on import."""
