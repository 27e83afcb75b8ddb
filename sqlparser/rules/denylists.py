"""Node sets translate tables share: what only MySQL has (refused unless a table rewrites it) and the
window functions that mean the same everywhere."""

from __future__ import annotations

from sqlglot import exp

# Nodes with no faithful equivalent outside MySQL, refused unless a table rewrites them first.
MYSQL_ONLY_NODES: dict[type[exp.Expr], str] = {
    exp.Interval: "INTERVAL is translated only in date arithmetic (DATE_ADD, DATE_SUB, x +/- INTERVAL)",
    exp.IndexTableHint: "index hints have no equivalent",
    exp.SessionParameter: "MySQL system variables do not exist on the target",
    exp.Parameter: "MySQL user variables do not exist on the target",
    exp.Collate: "MySQL collations do not exist on the target",
    exp.BitwiseNot: "MySQL bit operators work on unsigned 64-bit integers",
    exp.BitwiseAnd: "MySQL bit operators work on unsigned 64-bit integers",
    exp.BitwiseOr: "MySQL bit operators work on unsigned 64-bit integers",
    exp.BitwiseXor: "MySQL bit operators work on unsigned 64-bit integers",
    exp.BitwiseLeftShift: "MySQL bit operators work on unsigned 64-bit integers",
    exp.BitwiseRightShift: "MySQL bit operators work on unsigned 64-bit integers",
    exp.JSONExtract: "MySQL JSON paths are not translated",
    exp.JSONExtractScalar: "MySQL JSON paths are not translated",
    exp.Lock: "row locks (FOR UPDATE / LOCK IN SHARE MODE) are not translated",
    exp.PropertyEQ: "assignment (:=) has no equivalent",
    exp.TsOrDsToTimestamp: "implicit string-to-datetime conversion is not translated here",
    exp.HexString: "MySQL hex literals are strings or numbers depending on context",
    exp.BitString: "MySQL bit literals are strings or numbers depending on context",
    exp.Introducer: "character set introducers (_utf8mb4'...') are MySQL only",
    exp.National: "N'...' strings are not translated",
    exp.Rollup: "WITH ROLLUP is not translated",
    exp.Cube: "WITH CUBE is not translated",
    exp.IgnoreNulls: "IGNORE NULLS on a window function has no equivalent on the target",
}

# Window functions with the same definition on MySQL 8, SQLite 3.25+ and PostgreSQL.
WINDOW_FUNCTIONS: frozenset[type[exp.Expr]] = frozenset({
    exp.RowNumber, exp.Rank, exp.DenseRank, exp.Lag, exp.Lead, exp.FirstValue, exp.LastValue, exp.NthValue,
    exp.Ntile, exp.PercentRank, exp.CumeDist})
