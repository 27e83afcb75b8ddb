"""Translation into MySQL: statements read as MySQL are printed as they are."""

from sqlparser.rules.translate import TranslateRules

RULES = TranslateRules(target="mysql", sources=frozenset({"mysql"}))
