-- id: my-max-column
-- kind: read
-- source: MySQL Reference Manual, "Examples of Common Queries": the maximum value for a column
SELECT MAX(total) AS top FROM orders;

-- id: my-row-with-max
-- kind: read
-- source: MySQL Reference Manual, "The Row Holding the Maximum of a Certain Column" (subquery form)
SELECT id, uid, total FROM orders WHERE total = (SELECT MAX(total) FROM orders);

-- id: my-groupwise-max
-- kind: read
-- source: MySQL Reference Manual, "Maximum of Column per Group"
SELECT status, MAX(total) AS top FROM orders GROUP BY status ORDER BY status;

-- id: my-groupwise-max-rows-left-join
-- kind: read
-- source: MySQL Reference Manual, "The Rows Holding the Group-wise Maximum" (LEFT JOIN form)
SELECT o1.uid, o1.id, o1.total FROM orders o1 LEFT JOIN orders o2 ON o1.uid = o2.uid AND o1.total < o2.total WHERE o2.id IS NULL;

-- id: my-groupwise-max-rows-derived
-- kind: read
-- source: MySQL Reference Manual, "The Rows Holding the Group-wise Maximum" (uncorrelated derived table)
SELECT o.uid, o.id, o.total FROM orders o JOIN (SELECT uid, MAX(total) AS top FROM orders GROUP BY uid) AS m ON o.uid = m.uid AND o.total = m.top;

-- id: my-two-keys-union
-- kind: read
-- source: MySQL Reference Manual, "Searching on Two Keys" (UNION form)
SELECT id FROM users WHERE name = 'ann' UNION SELECT id FROM users WHERE age = 25;

-- id: my-tpch-pricing-summary
-- kind: read
-- source: TPC-H Q1 shape (pricing summary: grouped sums, averages and counts)
SELECT status, uid, SUM(total) AS sum_total, AVG(total) AS avg_total, COUNT(*) AS n FROM orders WHERE total <= 180 GROUP BY status, uid ORDER BY status, uid;

-- id: my-tpch-exists
-- kind: read
-- source: TPC-H Q4 shape (order priority checking: EXISTS semi-join)
SELECT u.uid, COUNT(*) AS n FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 100) GROUP BY u.uid;

-- id: my-tpch-not-exists
-- kind: read
-- source: TPC-H Q22 / Q16 shape (NOT EXISTS anti-join, NOT IN)
SELECT id, name FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id) AND u.id NOT IN (SELECT id FROM labels);

-- id: my-tpch-having
-- kind: read
-- source: TPC-H Q18 shape (large volume customer: IN over GROUP BY ... HAVING)
SELECT u.name, u.id, SUM(o.total) AS spent FROM users u JOIN orders o ON o.user_id = u.id WHERE u.id IN (SELECT user_id FROM orders GROUP BY user_id HAVING SUM(total) > 150) GROUP BY u.name, u.id;

-- id: my-case-pivot
-- kind: read
-- source: TPC-H Q12 shape (CASE inside SUM as a pivot)
SELECT uid, SUM(CASE WHEN status = 'paid' THEN 1 ELSE 0 END) AS paid, SUM(CASE WHEN status <> 'paid' OR status IS NULL THEN 1 ELSE 0 END) AS other FROM orders GROUP BY uid;

-- id: my-window-rank
-- kind: read
-- source: MySQL Reference Manual, "Window Function Concepts and Syntax" (RANK over a partition)
SELECT uid, id, total, RANK() OVER (PARTITION BY uid ORDER BY total DESC) AS r FROM orders;

-- id: my-cte-recursive
-- kind: read
-- source: MySQL Reference Manual, "Recursive Common Table Expressions" (series generation)
WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 5) SELECT seq.n, users.name FROM seq JOIN users ON users.id = seq.n;

-- id: my-insert-multi
-- kind: write
-- source: MySQL Reference Manual, "INSERT Statement" (multiple-row VALUES)
INSERT INTO labels (id, label) VALUES (10, 'x'), (11, 'y'), (12, NULL);

-- id: my-insert-set
-- kind: write
-- source: MySQL Reference Manual, "INSERT Statement" (INSERT ... SET form)
INSERT INTO users SET id = 50, uid = 'u9', age = 33;

-- id: my-insert-select
-- kind: write
-- source: MySQL Reference Manual, "INSERT ... SELECT Statement"
INSERT INTO labels (id, label) SELECT id + 100, name FROM users WHERE age > 40;

-- id: my-odku-values
-- kind: write
-- source: MySQL Reference Manual, "INSERT ... ON DUPLICATE KEY UPDATE" (VALUES(col) example)
INSERT INTO users (id, uid, age, score) VALUES (1, 'u1', 30, 5), (60, 'u2', 31, 6) ON DUPLICATE KEY UPDATE score = VALUES(score) + score;

-- id: my-odku-counter
-- kind: write
-- source: MySQL Reference Manual, "INSERT ... ON DUPLICATE KEY UPDATE" (c = c + 1 counter example)
INSERT INTO orders (id, uid, total) VALUES (101, 'u1', 1) ON DUPLICATE KEY UPDATE total = total + 1;

-- id: my-odku-select
-- kind: write
-- source: MySQL Reference Manual, "INSERT ... ON DUPLICATE KEY UPDATE" (INSERT ... SELECT form)
INSERT INTO labels (id, label) SELECT id, uid FROM users WHERE id < 8 ON DUPLICATE KEY UPDATE label = VALUES(label);

-- id: my-replace-values
-- kind: write
-- source: MySQL Reference Manual, "REPLACE Statement"
REPLACE INTO users (id, uid, age) VALUES (2, 'u7', 70), (90, 'u8', 80);

-- id: my-replace-set
-- kind: write
-- source: MySQL Reference Manual, "REPLACE Statement" (REPLACE ... SET form)
REPLACE users SET id = 3, uid = 'u1', name = 'zed', age = 44;

-- id: my-replace-select
-- kind: write
-- source: MySQL Reference Manual, "REPLACE Statement" (REPLACE ... SELECT form)
REPLACE INTO labels (id, label) SELECT id, status FROM orders WHERE id < 104;

-- id: my-insert-ignore
-- kind: write
-- source: MySQL Reference Manual, "INSERT Statement" (IGNORE modifier on duplicate keys)
INSERT IGNORE INTO labels (id, label) VALUES (1, 'dup'), (20, 'new');

-- id: my-insert-low-priority-ignore
-- kind: write
-- source: MySQL Reference Manual, "INSERT Statement" (LOW_PRIORITY and IGNORE modifiers)
INSERT LOW_PRIORITY IGNORE INTO users (id, uid, age) VALUES (4, 'u1', 20), (70, 'u3', 21);

-- id: my-update-order-of-set
-- kind: write
-- source: MySQL Reference Manual, "UPDATE Statement" (left-to-right assignment example)
UPDATE users SET age = age + 1, score = age WHERE uid = 'u2';

-- id: my-update-low-priority-ignore
-- kind: write
-- source: MySQL Reference Manual, "UPDATE Statement" (LOW_PRIORITY, IGNORE modifiers)
UPDATE LOW_PRIORITY IGNORE users SET id = id + 1 WHERE id > 20;

-- id: my-update-multi-table
-- kind: write
-- source: MySQL Reference Manual, "UPDATE Statement" (multiple-table syntax)
UPDATE orders o, users u SET o.total = o.total + u.age WHERE o.user_id = u.id AND u.uid = 'u1';

-- id: my-delete-quick
-- kind: write
-- source: MySQL Reference Manual, "DELETE Statement" (QUICK, LOW_PRIORITY modifiers)
DELETE LOW_PRIORITY QUICK FROM orders WHERE status IS NULL;

-- id: my-delete-multi-table
-- kind: write
-- source: MySQL Reference Manual, "DELETE Statement" (multiple-table syntax)
DELETE o FROM orders o JOIN users u ON o.user_id = u.id WHERE u.age > 50;

-- id: my-delete-ignore
-- kind: write
-- source: MySQL Reference Manual, "DELETE Statement" (IGNORE modifier)
DELETE IGNORE FROM labels WHERE label = 'l1';
