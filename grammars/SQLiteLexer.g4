/*
 * SQLite lexer for cozelite, written from the SQLite documentation (lang_keywords.html,
 * lang_expr.html "Literal Values", "Parameters") and checked token by token against the SQLite
 * that apsw bundles. See README.md for the deliberate extensions beyond SQLite.
 *
 * Keywords are case-insensitive; every keyword is its own token, and the parser's name rules
 * list the keywords SQLite lets fall back to an identifier.
 */
lexer grammar SQLiteLexer;

options { caseInsensitive = true; }

SCOL      : ';';
DOT       : '.';
OPEN_PAR  : '(';
CLOSE_PAR : ')';
COMMA     : ',';
ASSIGN    : '=';
STAR      : '*';
PLUS      : '+';
MINUS     : '-';
TILDE     : '~';
PIPE2     : '||';
PTR2      : '->>';
PTR       : '->';
DIV       : '/';
MOD       : '%';
LT2       : '<<';
GT2       : '>>';
AMP       : '&';
PIPE      : '|';
LT_EQ     : '<=';
NOT_EQ2   : '<>';
LT        : '<';
GT_EQ     : '>=';
GT        : '>';
EQ        : '==';
NOT_EQ1   : '!=';

ABORT : 'ABORT';
ACTION : 'ACTION';
ADD : 'ADD';
AFTER : 'AFTER';
ALL : 'ALL';
ALTER : 'ALTER';
ALWAYS : 'ALWAYS';
ANALYZE : 'ANALYZE';
AND : 'AND';
AS : 'AS';
ASC : 'ASC';
ATTACH : 'ATTACH';
AUTOINCREMENT : 'AUTOINCREMENT';
BEFORE : 'BEFORE';
BEGIN : 'BEGIN';
BETWEEN : 'BETWEEN';
BY : 'BY';
CASCADE : 'CASCADE';
CASE : 'CASE';
CAST : 'CAST';
CHECK : 'CHECK';
COLLATE : 'COLLATE';
COLUMN : 'COLUMN';
COMMIT : 'COMMIT';
CONFLICT : 'CONFLICT';
CONSTRAINT : 'CONSTRAINT';
CREATE : 'CREATE';
CROSS : 'CROSS';
CURRENT : 'CURRENT';
CURRENT_DATE : 'CURRENT_DATE';
CURRENT_TIME : 'CURRENT_TIME';
CURRENT_TIMESTAMP : 'CURRENT_TIMESTAMP';
DATABASE : 'DATABASE';
DEFAULT : 'DEFAULT';
DEFERRABLE : 'DEFERRABLE';
DEFERRED : 'DEFERRED';
DELETE : 'DELETE';
DESC : 'DESC';
DETACH : 'DETACH';
DISTINCT : 'DISTINCT';
DO : 'DO';
DROP : 'DROP';
EACH : 'EACH';
ELSE : 'ELSE';
END : 'END';
ESCAPE : 'ESCAPE';
EXCEPT : 'EXCEPT';
EXCLUDE : 'EXCLUDE';
EXCLUSIVE : 'EXCLUSIVE';
EXISTS : 'EXISTS';
EXPLAIN : 'EXPLAIN';
FAIL : 'FAIL';
FILTER : 'FILTER';
FIRST : 'FIRST';
FOLLOWING : 'FOLLOWING';
FOR : 'FOR';
FOREIGN : 'FOREIGN';
FROM : 'FROM';
FULL : 'FULL';
GENERATED : 'GENERATED';
GLOB : 'GLOB';
GROUP : 'GROUP';
GROUPS : 'GROUPS';
HAVING : 'HAVING';
IF : 'IF';
IGNORE : 'IGNORE';
IMMEDIATE : 'IMMEDIATE';
IN : 'IN';
INDEX : 'INDEX';
INDEXED : 'INDEXED';
INITIALLY : 'INITIALLY';
INNER : 'INNER';
INSERT : 'INSERT';
INSTEAD : 'INSTEAD';
INTERSECT : 'INTERSECT';
INTO : 'INTO';
IS : 'IS';
ISNULL : 'ISNULL';
JOIN : 'JOIN';
KEY : 'KEY';
LAST : 'LAST';
LEFT : 'LEFT';
LIKE : 'LIKE';
LIMIT : 'LIMIT';
MATCH : 'MATCH';
MATERIALIZED : 'MATERIALIZED';
NATURAL : 'NATURAL';
NO : 'NO';
NOT : 'NOT';
NOTHING : 'NOTHING';
NOTNULL : 'NOTNULL';
NULL : 'NULL';
NULLS : 'NULLS';
OF : 'OF';
OFFSET : 'OFFSET';
ON : 'ON';
OR : 'OR';
ORDER : 'ORDER';
OTHERS : 'OTHERS';
OUTER : 'OUTER';
OVER : 'OVER';
PARTITION : 'PARTITION';
PLAN : 'PLAN';
PRAGMA : 'PRAGMA';
PRECEDING : 'PRECEDING';
PRIMARY : 'PRIMARY';
QUERY : 'QUERY';
RAISE : 'RAISE';
RANGE : 'RANGE';
RECURSIVE : 'RECURSIVE';
REFERENCES : 'REFERENCES';
REGEXP : 'REGEXP';
REINDEX : 'REINDEX';
RELEASE : 'RELEASE';
RENAME : 'RENAME';
REPLACE : 'REPLACE';
RESTRICT : 'RESTRICT';
RETURNING : 'RETURNING';
RIGHT : 'RIGHT';
ROLLBACK : 'ROLLBACK';
ROW : 'ROW';
ROWS : 'ROWS';
SAVEPOINT : 'SAVEPOINT';
SELECT : 'SELECT';
SET : 'SET';
TABLE : 'TABLE';
TEMP : 'TEMP';
TEMPORARY : 'TEMPORARY';
THEN : 'THEN';
TIES : 'TIES';
TO : 'TO';
TRANSACTION : 'TRANSACTION';
TRIGGER : 'TRIGGER';
UNBOUNDED : 'UNBOUNDED';
UNION : 'UNION';
UNIQUE : 'UNIQUE';
UPDATE : 'UPDATE';
USING : 'USING';
VACUUM : 'VACUUM';
VALUES : 'VALUES';
VIEW : 'VIEW';
VIRTUAL : 'VIRTUAL';
WHEN : 'WHEN';
WHERE : 'WHERE';
WINDOW : 'WINDOW';
WITH : 'WITH';
WITHOUT : 'WITHOUT';
TRUNCATE : 'TRUNCATE';

// "name", `name` (MySQL style, which SQLite also accepts) and [name] (MS Access style).
QUOTED_IDENTIFIER
    : '"' (~'"' | '""')* '"'
    | '`' (~'`' | '``')* '`'
    | '[' ~']'* ']'
    ;

IDENTIFIER : ID_START ID_CHAR*;

// Integers, reals and hex integers; SQLite 3.46+ accepts '_' between digits.
NUMERIC_LITERAL
    : (DIGITS ('.' DIGITS?)? | '.' DIGITS) ('E' [-+]? DIGITS)?
    | '0X' HEX_DIGITS
    ;

BIND_PARAMETER
    : '?' [0-9]*
    | [:@] ID_CHAR+
    | '$' ID_CHAR+ ('::' ID_CHAR+)* ('(' ~')'* ')')?
    ;

STRING_LITERAL : '\'' (~'\'' | '\'\'')* '\'';

BLOB_LITERAL : 'X\'' ([0-9A-F] [0-9A-F])* '\'';

SINGLE_LINE_COMMENT : '--' ~[\r\n]* -> channel(HIDDEN);

// SQLite ends an unterminated block comment at the end of the input instead of failing.
MULTILINE_COMMENT : '/*' .*? ('*/' | EOF) -> channel(HIDDEN);

SPACES : [ \t\r\n\f\u000B]+ -> channel(HIDDEN);

// Tokens SQLite reports as "unrecognized token": a number running into name characters (1a, 0x,
// 1_), an unterminated string, quoted name or blob, a malformed blob. They reach the parser as
// tokens no rule accepts, so the error names them; the lexer itself never fails.
UNRECOGNIZED_TOKEN
    : (DIGITS ('.' DIGITS?)? | '.' DIGITS) ('E' [-+]? DIGITS)? ID_CHAR+
    | DIGITS ('.' DIGITS?)? 'E' [-+]?
    | '\'' (~'\'' | '\'\'')*
    | '"' (~'"' | '""')*
    | '`' (~'`' | '``')*
    | '[' ~']'*
    | 'X\'' ~'\''* '\''?
    ;

UNEXPECTED_CHAR : .;

fragment ID_START : [A-Z_\u0080-\u{10FFFF}];
fragment ID_CHAR : [A-Z_0-9$\u0080-\u{10FFFF}];
fragment DIGITS : [0-9]+ ('_' [0-9]+)*;
fragment HEX_DIGITS : [0-9A-F]+ ('_' [0-9A-F]+)*;
