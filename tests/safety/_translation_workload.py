"""The translation workload: MySQL as users and LLMs write it, run on MariaDB as written and on
SQLite and PostgreSQL as translated, over one fixture that is itself created by translated DDL.

Each entry is (sql, refusals): `refusals` maps a target dialect to a text the UnsupportedConstructError
must contain; for every other target the translated statement must give MariaDB's rows (and, for
a write, leave the table as MariaDB leaves it).
"""

from __future__ import annotations

# The fixture: MySQL DDL with AUTO_INCREMENT, UNSIGNED, TINYINT(1), ENUM, DECIMAL, DATETIME, indexes
# and table options, then MySQL INSERTs (backslash escapes, booleans, backquotes), all translated.
FIXTURE_DDL = [
    "CREATE TABLE `items` (`id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, `name` VARCHAR(40) NOT NULL, "
    "`category` VARCHAR(20) DEFAULT NULL COMMENT 'group', `price` DECIMAL(10,2) NOT NULL DEFAULT '0.00', "
    "`qty` INT(11) NOT NULL DEFAULT 0, `active` TINYINT(1) NOT NULL DEFAULT 1, `created` DATETIME NOT NULL, "
    "`day` DATE DEFAULT NULL, `note` TEXT, `kind` ENUM('a','b','c') DEFAULT 'a', PRIMARY KEY (`id`), "
    "UNIQUE KEY `uk_name` (`name`), KEY `idx_category` (`category`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
    "COLLATE=utf8mb4_bin",
    "CREATE TABLE people (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, login VARCHAR(30) NOT NULL, "
    "age SMALLINT UNSIGNED, score DOUBLE, joined DATE NOT NULL, last_seen DATETIME NULL, "
    "vip BOOLEAN NOT NULL DEFAULT FALSE, bio MEDIUMTEXT, UNIQUE KEY (login)) ENGINE=InnoDB",
]

FIXTURE_ROWS = [
    "INSERT INTO `items` (`name`, `category`, `price`, `qty`, `active`, `created`, `day`, `note`, `kind`) VALUES "
    "('apple', 'fruit', 1.20, 10, TRUE, '2024-01-31 08:30:00', '2024-01-31', 'red\\'s', 'a'), "
    "('banana', 'fruit', 0.50, 0, true, '2024-02-29 23:59:59', '2024-02-29', NULL, 'b'), "
    "('carrot', 'veg', 0.75, 25, FALSE, '2023-12-31 00:00:00', '2023-12-31', 'orange\\nroot', 'c'), "
    "('dill', 'herb', 2.00, 3, 1, '2024-03-15 12:00:00', NULL, 'back\\\\slash', 'a'), "
    "('eggplant', 'veg', 3.10, 7, 0, '2024-05-31 18:45:10', '2024-05-31', '100% fresh', 'b'), "
    "('fig', NULL, 4.99, 1, 1, '2022-11-30 06:00:00', '2022-11-30', 'it''s_new', 'c'), "
    "('grape', 'fruit', 2.50, 40, 1, '2024-08-31 10:10:10', '2024-08-31', 'Grape', 'a'), "
    "('Herb mix', 'herb', 5.00, 0, 1, '2024-10-01 00:00:01', '2024-10-01', 'mixed', 'a')",
    "INSERT INTO people (login, age, score, joined, last_seen, vip, bio) VALUES "
    "('ann', 31, 7.5, '2020-01-15', '2024-06-01 10:00:00', TRUE, 'likes figs'), "
    "('bob', 17, NULL, '2021-03-31', NULL, FALSE, NULL), "
    "('cyd', 45, 9.25, '2019-12-31', '2024-01-01 00:00:00', FALSE, 'Caf\\u00e9 owner'), "
    "('dee', NULL, 3.0, '2024-02-29', '2024-03-01 12:30:00', TRUE, ''), "
    "('eve', 29, 5.5, '2023-07-04', '2024-07-04 23:00:00', FALSE, 'x\\ty')",
]

S, P = "sqlite", "postgres"
BOTH = {S: None, P: None}


def refused(text: str, *targets: str) -> dict[str, str]:
    return {t: text for t in (targets or (S, P))}


# (sql, refusals). Statements without ORDER BY are compared as bags of rows.
WORKLOAD: list[tuple[str, dict[str, str]]] = [
    # -- NOW() / CURDATE() / CURRENT_TIMESTAMP / CURTIME() --------------------------------------
    ("SELECT COUNT(*) FROM items WHERE created < NOW()", {}),
    ("SELECT name FROM items WHERE created <= CURRENT_TIMESTAMP ORDER BY id", {}),
    ("SELECT name FROM items WHERE day < CURDATE() ORDER BY id", {}),
    ("SELECT COUNT(*) FROM items WHERE day < CURRENT_DATE()", {}),
    ("SELECT NOW() > '2020-01-01 00:00:00'", {}),
    ("SELECT CURDATE() > '2020-01-01'", {}),
    ("SELECT LENGTH(NOW()), LENGTH(CURDATE())", {}),
    ("SELECT COUNT(*) FROM people WHERE last_seen < NOW() - INTERVAL 1 DAY", {}),
    ("SELECT login FROM people WHERE joined > CURDATE() - INTERVAL 10 YEAR ORDER BY login", {}),
    ("SELECT COUNT(*) FROM items WHERE created > DATE_SUB(NOW(), INTERVAL 100 YEAR)", {}),
    ("SELECT DATE(NOW()) = CURDATE()", {}),
    ("SELECT UNIX_TIMESTAMP('2024-01-01 00:00:00')", {}),
    ("SELECT UNIX_TIMESTAMP() > 1700000000", {}),
    ("SELECT LENGTH(CURTIME())", {}),
    # -- DATE_ADD / DATE_SUB / INTERVAL arithmetic ------------------------------------------------
    ("SELECT DATE_ADD('2024-01-31', INTERVAL 1 MONTH)", {}),
    ("SELECT DATE_ADD('2024-01-31', INTERVAL 1 DAY)", {}),
    ("SELECT DATE_ADD('2023-01-31', INTERVAL 13 MONTH)", {}),
    ("SELECT DATE_SUB('2024-03-31', INTERVAL 1 MONTH)", {}),
    ("SELECT DATE_ADD('2024-02-29', INTERVAL 1 YEAR)", {}),
    ("SELECT DATE_ADD('2024-02-29', INTERVAL -4 YEAR)", {}),
    ("SELECT DATE_ADD('2024-01-15', INTERVAL 2 QUARTER)", {}),
    ("SELECT DATE_ADD('2024-01-15', INTERVAL 2 WEEK)", {}),
    ("SELECT DATE_ADD('2024-01-15', INTERVAL 36 HOUR)", {}),
    ("SELECT DATE_ADD('2024-01-15 10:00:00', INTERVAL 90 MINUTE)", {}),
    ("SELECT DATE_ADD('2024-01-15 10:00:00', INTERVAL 3601 SECOND)", {}),
    ("SELECT DATE_SUB('2024-01-01 00:00:00', INTERVAL 1 SECOND)", {}),
    ("SELECT '2024-01-31' + INTERVAL 1 MONTH", {}),
    ("SELECT '2024-12-31 23:00:00' + INTERVAL 2 HOUR", {}),
    ("SELECT DATE_ADD('2024-03-31', INTERVAL -1 MONTH), DATE_SUB('2024-03-31', INTERVAL -1 DAY)", {}),
    ("SELECT '2024-03-01' - INTERVAL 1 DAY", {}),
    ("SELECT ADDDATE('2024-02-28', 2), SUBDATE('2024-03-01', 1)", {}),
    ("SELECT ADDDATE('2024-02-28', INTERVAL 1 MONTH)", {}),
    ("SELECT name, DATE_ADD(created, INTERVAL 1 DAY) FROM items ORDER BY id", {}),
    ("SELECT name, DATE_ADD(created, INTERVAL 1 MONTH) FROM items ORDER BY id", {}),
    ("SELECT name, DATE_SUB(created, INTERVAL 2 HOUR) FROM items ORDER BY id", {}),
    ("SELECT name, created + INTERVAL 30 MINUTE FROM items ORDER BY id", {}),
    ("SELECT name, DATE_ADD(created, INTERVAL qty DAY) FROM items ORDER BY id", {}),
    ("SELECT name FROM items WHERE day BETWEEN '2024-01-01' AND '2024-01-01' + INTERVAL 6 MONTH ORDER BY id", {}),
    ("SELECT name FROM items WHERE created >= DATE_SUB('2024-06-01', INTERVAL 4 MONTH) ORDER BY id", {}),
    ("SELECT login, DATE_ADD(last_seen, INTERVAL 1 WEEK) FROM people ORDER BY id", {}),
    ("SELECT DATE_ADD('2024-01-15', INTERVAL '1 2' DAY_HOUR)", refused("INTERVAL unit DAY_HOUR")),
    ("SELECT DATE_ADD('2024-01-15', INTERVAL 1.5 DAY)", refused("INTERVAL")),
    # -- date parts and formats -------------------------------------------------------------------
    ("SELECT name, YEAR(created), MONTH(created), DAY(created) FROM items ORDER BY id", {}),
    ("SELECT name, HOUR(created), MINUTE(created), SECOND(created) FROM items ORDER BY id", {}),
    ("SELECT YEAR(day), COUNT(*) FROM items GROUP BY YEAR(day)", {}),
    ("SELECT DATE(created) FROM items ORDER BY id", {}),
    ("SELECT DATEDIFF('2024-03-01', '2024-02-01'), DATEDIFF('2024-03-01 23:00:00', '2024-03-01 01:00:00')", {}),
    ("SELECT name, DATEDIFF(created, day) FROM items ORDER BY id", {}),
    ("SELECT DATE_FORMAT(created, '%Y-%m-%d') FROM items ORDER BY id", {}),
    ("SELECT DATE_FORMAT(created, '%Y/%m/%d %H:%i:%s') FROM items ORDER BY id", {}),
    ("SELECT DATE_FORMAT(created, '%d.%m.%Y at %H') FROM items ORDER BY id", {}),
    ("SELECT DAYOFWEEK('2024-06-02'), DAYOFYEAR('2024-12-31')", {}),
    ("SELECT DATE_FORMAT(created, '%W') FROM items", refused("DATE_FORMAT specifier")),
    ("SELECT name, LAST_DAY(created), LAST_DAY(day) FROM items ORDER BY id", {}),
    ("SELECT LAST_DAY('2024-02-10'), LAST_DAY('2023-02-10 10:00:00')", {}),
    ("SELECT TIMESTAMPDIFF(DAY, '2024-01-01', '2024-03-01'), TIMESTAMPDIFF(HOUR, '2024-01-01 10:00:00', "
     "'2024-01-01 08:30:00')", {}),
    ("SELECT name, TIMESTAMPDIFF(MINUTE, created, '2024-06-01 00:00:00') FROM items ORDER BY id", {}),
    ("SELECT login, TIMESTAMPDIFF(WEEK, joined, '2024-06-01') FROM people ORDER BY id", {}),
    ("SELECT TIMESTAMPDIFF(MONTH, '2024-01-31', '2024-02-29')", refused("TIMESTAMPDIFF in MONTH")),
    ("SELECT FROM_UNIXTIME(1700000000), FROM_UNIXTIME(0)", {}),
    ("SELECT COUNT(*) FROM items WHERE created > FROM_UNIXTIME(1704067200)", {}),
    ("SELECT UNIX_TIMESTAMP(FROM_UNIXTIME(1700000000))", {}),
    # -- IFNULL / COALESCE / IF / CASE / NULLIF -----------------------------------------------------
    ("SELECT name, IFNULL(category, 'none') FROM items ORDER BY id", {}),
    ("SELECT IFNULL(NULL, 5), IFNULL(3, 5)", {}),
    ("SELECT login, IFNULL(age, -1) FROM people ORDER BY id", {}),
    ("SELECT COALESCE(category, note, 'x') FROM items", {}),
    ("SELECT name, IF(qty > 5, 'many', 'few') FROM items ORDER BY id", {}),
    ("SELECT name, IF(active, 'on', 'off') FROM items ORDER BY id", {}),
    ("SELECT NULLIF(qty, 0) FROM items ORDER BY id", {}),
    ("SELECT CASE kind WHEN 'a' THEN 1 WHEN 'b' THEN 2 ELSE 3 END FROM items ORDER BY id", {}),
    ("SELECT CASE WHEN price > 2 THEN 'dear' WHEN price > 1 THEN 'ok' ELSE 'cheap' END FROM items", {}),
    # -- CONCAT / CONCAT_WS / strings --------------------------------------------------------------
    ("SELECT CONCAT(name, '-', category) FROM items ORDER BY id", {}),
    ("SELECT CONCAT(name, ':', qty) FROM items ORDER BY id", {}),
    ("SELECT CONCAT(name, ':', price) FROM items ORDER BY id", {}),
    ("SELECT CONCAT('a', NULL, 'b')", {}),
    ("SELECT CONCAT(login, age) FROM people ORDER BY id", {}),
    ("SELECT CONCAT_WS(',', name, category, note) FROM items ORDER BY id", {}),
    ("SELECT CONCAT_WS('-', 'a', NULL, 'b')", {}),
    ("SELECT CONCAT(1, 2)", {}),
    ("SELECT UPPER(name), LOWER(name) FROM items ORDER BY id", {}),
    ("SELECT LENGTH(name), CHAR_LENGTH(name) FROM items ORDER BY id", {}),
    ("SELECT LENGTH(bio), CHAR_LENGTH(bio) FROM people ORDER BY id", {}),
    ("SELECT LENGTH('caf\\u00e9'), LENGTH('naïve'), CHAR_LENGTH('naïve')", {}),
    ("SELECT TRIM('  x  '), LTRIM('  x'), RTRIM('x  ')", {}),
    ("SELECT REPLACE(name, 'a', 'A') FROM items ORDER BY id", {}),
    ("SELECT SUBSTRING(name, 2, 3), SUBSTRING(name, 2) FROM items ORDER BY id", {}),
    ("SELECT LEFT(name, 3), RIGHT(name, 2) FROM items ORDER BY id", {}),
    ("SELECT LOCATE('a', name), INSTR(name, 'e') FROM items ORDER BY id", {}),
    ("SELECT name FROM items WHERE name LIKE 'b%' OR name LIKE '%g'", {}),
    ("SELECT name FROM items WHERE name LIKE '_i%' ORDER BY id", {}),
    ("SELECT name FROM items WHERE name LIKE 'h%'", {}),
    ("SELECT name FROM items WHERE name NOT LIKE '%a%' ORDER BY id", {}),
    ("SELECT note FROM items WHERE note LIKE '100\\%%'", {}),
    ("SELECT note FROM items WHERE note LIKE '%\\_%'", {}),
    ("SELECT note FROM items WHERE note LIKE '%!_%' ESCAPE '!'", {}),
    ("SELECT name FROM items WHERE name LIKE CONCAT(category, '%')", refused("LIKE with a non-literal", S)),
    ("SELECT MD5(name) FROM items", refused("MD5")),
    ("SELECT SOUNDEX(name) FROM items", refused("SOUNDEX")),
    ("SELECT LPAD(name, 10, '*') FROM items", refused("LPAD", S)),
    ("SELECT REVERSE(name) FROM items", refused("REVERSE", S)),
    # -- backslash escapes and quoting ---------------------------------------------------------------
    ("SELECT 'it\\'s', 'a\\\\b', 'tab\\there', 'new\\nline', 'q\"q'", {}),
    ("SELECT \"double quoted\", 'single''quoted'", {}),
    ("SELECT name FROM items WHERE note = 'red\\'s'", {}),
    ("SELECT name FROM items WHERE note = 'back\\\\slash'", {}),
    ("SELECT name FROM items WHERE note = 'orange\\nroot'", {}),
    ("SELECT name FROM items WHERE note = \"it's_new\"", {}),
    ("SELECT 'a\\%b', 'a\\_b', 'a\\zb'", {}),
    ("SELECT `name`, `price` FROM `items` WHERE `id` = 2", {}),
    ("SELECT `i`.`name` AS `Item Name` FROM `items` AS `i` ORDER BY `i`.`id`", {}),
    ("SELECT i.NAME, i.Price FROM items i ORDER BY i.ID", {}),
    # -- LIMIT a, b / ORDER BY ------------------------------------------------------------------------
    ("SELECT name FROM items ORDER BY id LIMIT 2, 3", {}),
    ("SELECT name FROM items ORDER BY id LIMIT 0, 1", {}),
    ("SELECT name FROM items ORDER BY id LIMIT 3", {}),
    ("SELECT name FROM items ORDER BY id LIMIT 3 OFFSET 5", {}),
    ("SELECT name, category FROM items ORDER BY category, id", {}),
    ("SELECT name, category FROM items ORDER BY category DESC, id", {}),
    ("SELECT login, age FROM people ORDER BY age, id", {}),
    # -- booleans and truth values ----------------------------------------------------------------------
    ("SELECT TRUE, FALSE, TRUE + 1", {}),
    ("SELECT name FROM items WHERE active = TRUE ORDER BY id", {}),
    ("SELECT name FROM items WHERE active ORDER BY id", {}),
    ("SELECT name FROM items WHERE NOT active ORDER BY id", {}),
    ("SELECT name FROM items WHERE active AND qty ORDER BY id", {}),
    ("SELECT login FROM people WHERE vip = FALSE ORDER BY id", {}),
    ("SELECT name, qty > 5, price < 1 FROM items ORDER BY id", {}),
    ("SELECT SUM(qty > 5), SUM(active) FROM items", {}),
    ("SELECT COUNT(*) FROM items WHERE (qty > 5) = TRUE", {}),
    ("SELECT name, active IS TRUE, category IS NULL FROM items ORDER BY id", {}),
    ("SELECT 1 = 1, 1 = 2, NULL IS NULL", {}),
    ("SELECT name FROM items WHERE qty > 5 XOR active ORDER BY id", {}),
    ("SELECT login, age <=> NULL FROM people ORDER BY id", {}),
    # -- arithmetic -----------------------------------------------------------------------------------
    ("SELECT 7 / 2, 7 DIV 2, 7 MOD 2, 7 % 3, -7 DIV 2", {}),
    ("SELECT 1 / 0, 1 DIV 0, 1 MOD 0", {}),
    ("SELECT name, price * qty FROM items ORDER BY id", {}),
    ("SELECT name, qty / 4 FROM items ORDER BY id", {}),
    ("SELECT ROUND(price), ROUND(price, 1), FLOOR(price), CEIL(price), ABS(-price) FROM items ORDER BY id", {}),
    ("SELECT 5.5 MOD 2, MOD(10, 4)", {}),
    ("SELECT GREATEST(1, 5, 3), LEAST(4, 2, 8), GREATEST(1, NULL)", {}),
    ("SELECT login, GREATEST(age, 30) FROM people ORDER BY id", {}),
    ("SELECT POW(2, 10), SQRT(16), SIGN(-3)", {}),
    ("SELECT CAST(price AS SIGNED), CAST(qty AS CHAR) FROM items ORDER BY id", {}),
    ("SELECT CAST('2024-05-06 07:08:09' AS DATE), CAST('2024-05-06' AS DATETIME)", {}),
    ("SELECT CAST(price AS DECIMAL(10,1)) FROM items ORDER BY id", {}),
    ("SELECT CAST(name AS CHAR(3)) FROM items ORDER BY id", {}),
    ("SELECT CAST(-1 AS UNSIGNED)", refused("CAST AS UNSIGNED")),
    ("SELECT 5 & 3, 5 | 3", refused("unsigned 64-bit")),
    # -- aggregates, grouping, joins, subqueries ---------------------------------------------------------
    ("SELECT category, COUNT(*), SUM(qty), MIN(price), MAX(price) FROM items GROUP BY category", {}),
    ("SELECT category, AVG(price) FROM items GROUP BY category", {}),
    ("SELECT kind, COUNT(DISTINCT category) FROM items GROUP BY kind", {}),
    ("SELECT category, SUM(qty) AS total FROM items GROUP BY category HAVING SUM(qty) > 5", {}),
    ("SELECT category, GROUP_CONCAT(name ORDER BY name SEPARATOR ';') FROM items GROUP BY category", {}),
    ("SELECT GROUP_CONCAT(qty ORDER BY id) FROM items", {}),
    ("SELECT category, GROUP_CONCAT(DISTINCT kind ORDER BY kind) FROM items WHERE category IS NOT NULL "
     "GROUP BY category", {}),
    ("SELECT COUNT(DISTINCT kind), GROUP_CONCAT(DISTINCT category ORDER BY category DESC) FROM items", {}),
    ("SELECT i.name, p.login FROM items i JOIN people p ON p.age > i.qty WHERE p.vip ORDER BY i.id, p.id", {}),
    ("SELECT i.name, p.login FROM items i LEFT JOIN people p ON p.id = i.qty ORDER BY i.id", {}),
    ("SELECT name FROM items WHERE qty IN (SELECT age FROM people WHERE age IS NOT NULL)", {}),
    ("SELECT name FROM items i WHERE EXISTS (SELECT 1 FROM people p WHERE p.id = i.qty)", {}),
    ("SELECT name, (SELECT COUNT(*) FROM people WHERE age > items.qty) FROM items ORDER BY id", {}),
    ("SELECT t.c, COUNT(*) FROM (SELECT IFNULL(category, 'none') AS c FROM items) AS t GROUP BY t.c", {}),
    ("WITH cheap AS (SELECT * FROM items WHERE price < 2) SELECT name FROM cheap ORDER BY id", {}),
    ("SELECT name FROM items WHERE kind = 'a' UNION SELECT login FROM people WHERE vip", {}),
    ("SELECT name FROM items UNION ALL SELECT login FROM people ORDER BY 1 LIMIT 4", {}),
    ("SELECT DISTINCT category FROM items", {}),
    ("SELECT name FROM items WHERE id = '3'", {}),
    ("SELECT name FROM items WHERE qty > '5' ORDER BY id", {}),
    ("SELECT login FROM people WHERE joined = '2024-02-29'", {}),
    ("SELECT name FROM items WHERE (qty, kind) IN ((10, 'a'), (7, 'b'))", {}),
    ("SELECT name, ROW_NUMBER() OVER (PARTITION BY category ORDER BY price DESC, id) FROM items ORDER BY id", {}),
    ("SELECT name, RANK() OVER (ORDER BY qty), DENSE_RANK() OVER (ORDER BY kind) FROM items ORDER BY id", {}),
    ("SELECT name, LAG(qty, 1) OVER (ORDER BY id), LEAD(name) OVER (ORDER BY id) FROM items ORDER BY id", {}),
    ("SELECT name, SUM(qty) OVER (PARTITION BY kind ORDER BY id) FROM items ORDER BY id", {}),
    ("SELECT 0x41, X'42'", refused("hex literals")),
    ("SELECT _utf8mb4'abc'", refused("introducers")),
    ("SELECT kind, COUNT(*) FROM items GROUP BY kind WITH ROLLUP", refused("ROLLUP")),
    ("SELECT NOW(3)", refused("fractional seconds")),
    ("SELECT @@version", refused("system variables")),
    ("SELECT name FROM items USE INDEX (idx_category) WHERE category = 'veg'", refused("index hints")),
    ("SELECT name FROM items WHERE name = 'fig' FOR UPDATE", refused("row locks", S)),
    ("SELECT JSON_EXTRACT('{\"a\": 1}', '$.a')", refused("JSON")),
    # -- writes: INSERT IGNORE, REPLACE, ON DUPLICATE KEY UPDATE, AUTO_INCREMENT, UPDATE, DELETE ----------
    ("INSERT INTO items (name, price, created) VALUES ('kiwi', 0.99, '2024-01-01 00:00:00')", {}),
    ("INSERT INTO people (id, login, joined) VALUES (100, 'zed', '2024-01-01')", {}),
    ("INSERT IGNORE INTO people (id, login, joined) VALUES (1, 'dup', '2024-01-01')", {}),
    ("INSERT IGNORE INTO people (id, login, joined) VALUES (101, 'ann', '2024-01-01'), "
     "(102, 'new', '2024-01-02')", {}),
    ("INSERT INTO people (id, login, joined, vip) VALUES (103, 'v', '2024-01-01', TRUE)", {}),
    ("INSERT INTO people (id, login, joined) VALUES (1, 'ann2', '2024-01-01') "
     "ON DUPLICATE KEY UPDATE login = VALUES(login)", refused("ON DUPLICATE KEY UPDATE", P)),
    ("INSERT INTO people (id, login, joined, age) VALUES (2, 'bob', '2024-01-01', 1), (104, 'fay', '2024-01-01', 2) "
     "ON DUPLICATE KEY UPDATE age = age + VALUES(age)", refused("ON DUPLICATE KEY UPDATE", P)),
    ("REPLACE INTO people (id, login, joined) VALUES (1, 'ann', '2024-01-01')", refused("REPLACE", P)),
    ("UPDATE items SET qty = qty + 1 WHERE category = 'fruit'", {}),
    ("UPDATE items SET active = FALSE WHERE price > 3", {}),
    ("UPDATE items SET note = CONCAT(IFNULL(note, ''), '!') WHERE kind = 'a'", {}),
    ("UPDATE items SET day = DATE_ADD(day, INTERVAL 1 MONTH) WHERE day IS NOT NULL", {}),
    ("UPDATE people SET last_seen = '2024-01-01 00:00:00' + INTERVAL 1 DAY WHERE last_seen IS NULL", {}),
    ("UPDATE items SET `qty` = 0 WHERE `name` = 'it\\'s' OR `name` = 'dill'", {}),
    ("UPDATE items SET qty = COALESCE((SELECT MAX(i2.qty) FROM items i2 WHERE i2.qty < items.qty), 0) + 1", {}),
    ("UPDATE people SET score = (SELECT COUNT(*) FROM people p2 WHERE p2.score < people.score)", {}),
    ("DELETE FROM items WHERE price > (SELECT AVG(i2.price) FROM items i2 WHERE i2.kind = items.kind)", {}),
    ("DELETE FROM items WHERE qty = 0", {}),
    ("DELETE FROM people WHERE age < 18 OR age IS NULL", {}),
    ("DELETE FROM items WHERE created < DATE_SUB('2024-01-01', INTERVAL 1 MONTH)", {}),
    # -- issue 10: aliases, negative SUBSTR, text used as numbers, GROUP BY, UPDATE/DELETE LIMIT -------
    ("SELECT category, COUNT(*) AS n FROM items GROUP BY category HAVING n > 1", {}),
    ("SELECT category, SUM(qty) AS total FROM items GROUP BY category HAVING total > 5 ORDER BY total", {}),
    ("SELECT name, SUBSTRING(name, -3), SUBSTRING(name, -4, 2) FROM items ORDER BY id", {}),
    ("SELECT name, DATE_FORMAT(created, '%Y') - DATE_FORMAT(day, '%Y') FROM items ORDER BY id", {}),
    ("SELECT COUNT(*) FROM items WHERE DATE_FORMAT(created, '%Y') - 2000 < '24'", {}),
    ("SELECT category, name, COUNT(*) FROM items GROUP BY category", refused("not in GROUP BY")),
    ("SELECT id, name, COUNT(*) FROM items GROUP BY id", refused("not in GROUP BY")),
    ("UPDATE items SET qty = qty + 1 WHERE id = 3 LIMIT 1", refused("schema=")),
    ("DELETE FROM items ORDER BY id LIMIT 2", refused("schema=")),
    # -- CREATE TABLE shapes ---------------------------------------------------------------------------
    ("CREATE TABLE t_types (a TINYINT, b MEDIUMINT UNSIGNED, c FLOAT, d LONGTEXT, e TIME, f YEAR, g JSON, "
     "h BLOB, i CHAR(2), PRIMARY KEY (a))", {}),
    ("CREATE TABLE t_upd (id INT PRIMARY KEY, ts TIMESTAMP DEFAULT CURRENT_TIMESTAMP "
     "ON UPDATE CURRENT_TIMESTAMP)", refused("ON UPDATE CURRENT_TIMESTAMP")),
    ("CREATE TABLE t_auto (id INT AUTO_INCREMENT PRIMARY KEY) AUTO_INCREMENT = 100", refused("AUTO_INCREMENT")),
    ("CREATE TABLE t_set (id INT PRIMARY KEY, s SET('a', 'b'))", refused("SET")),
    ("CREATE TABLE t_ci (id INT PRIMARY KEY, s VARCHAR(10) COLLATE utf8mb4_general_ci)", refused("COLLATE")),
]

# Writes are checked by the table they change, read back in id order.
WRITE_TABLE = {"items": "SELECT * FROM items ORDER BY id", "people": "SELECT * FROM people ORDER BY id"}
