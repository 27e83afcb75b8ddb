-- id: sq-upsert-counter
-- kind: write
-- source: SQLite documentation, "UPSERT" (the vocabulary word-count example)
INSERT INTO orders (id, uid, total) VALUES (102, 'u1', 1) ON CONFLICT (id) DO UPDATE SET total = orders.total + 1;

-- id: sq-upsert-excluded-where
-- kind: write
-- source: SQLite documentation, "UPSERT" (phonebook example: excluded values, WHERE on the update)
INSERT INTO users (id, uid, name, age) VALUES (5, 'u1', 'newname', 50), (6, 'u2', 'other', 10) ON CONFLICT (id) DO UPDATE SET name = excluded.name, age = excluded.age WHERE excluded.age > users.age;

-- id: sq-upsert-nothing
-- kind: write
-- source: SQLite documentation, "UPSERT" (DO NOTHING)
INSERT INTO labels (id, label) VALUES (1, 'a'), (30, 'b') ON CONFLICT DO NOTHING;

-- id: sq-upsert-select-where-true
-- kind: write
-- source: SQLite documentation, "UPSERT", parsing ambiguity note (INSERT ... SELECT needs a WHERE)
INSERT INTO labels (id, label) SELECT id, name FROM users WHERE true ON CONFLICT (id) DO UPDATE SET label = excluded.label;

-- id: sq-replace
-- kind: write
-- source: SQLite documentation, "INSERT" (REPLACE as an alias for INSERT OR REPLACE)
REPLACE INTO labels (id, label) VALUES (2, 'r2'), (40, 'r40');

-- id: sq-insert-or-ignore
-- kind: write
-- source: SQLite documentation, "The ON CONFLICT Clause" (IGNORE)
INSERT OR IGNORE INTO users (id, uid, age) VALUES (7, 'u1', 1), (77, 'u1', 2);

-- id: sq-insert-or-replace-select
-- kind: write
-- source: SQLite documentation, "The ON CONFLICT Clause" (REPLACE, INSERT ... SELECT)
INSERT OR REPLACE INTO labels (id, label) SELECT id - 100, status FROM orders WHERE id < 105;

-- id: sq-insert-or-abort
-- kind: write
-- source: SQLite documentation, "The ON CONFLICT Clause" (ABORT, the default)
INSERT OR ABORT INTO labels (id, label) VALUES (50, 'abort');

-- id: sq-insert-or-fail
-- kind: write
-- source: SQLite documentation, "The ON CONFLICT Clause" (FAIL)
INSERT OR FAIL INTO labels (id, label) VALUES (51, 'fail');

-- id: sq-insert-or-rollback
-- kind: write
-- source: SQLite documentation, "The ON CONFLICT Clause" (ROLLBACK)
INSERT OR ROLLBACK INTO labels (id, label) VALUES (52, 'rollback');

-- id: sq-update-or-ignore
-- kind: write
-- source: SQLite test suite conflict tests, shape of `UPDATE OR IGNORE t SET a=a+1 WHERE a=1`
UPDATE OR IGNORE labels SET id = id + 1 WHERE id < 4;

-- id: sq-update-or-replace
-- kind: write
-- source: SQLite test suite conflict tests, shape of `UPDATE OR REPLACE t SET a=a+1`
UPDATE OR REPLACE labels SET id = id + 1 WHERE id = 2;

-- id: sq-update-or-replace-subquery
-- kind: write
-- source: SQLite test suite (sidedelete), shape of `UPDATE OR REPLACE t1 SET a=(SELECT b FROM chng WHERE a=t1.a)`
UPDATE OR REPLACE users SET score = (SELECT MAX(total) FROM orders WHERE orders.user_id = users.id);

-- id: sq-update-or-abort
-- kind: write
-- source: SQLite documentation, "UPDATE" (OR ABORT)
UPDATE OR ABORT orders SET status = 'sent' WHERE status = 'new';

-- id: sq-update-or-fail
-- kind: write
-- source: SQLite documentation, "UPDATE" (OR FAIL)
UPDATE OR FAIL users SET age = age + 1 WHERE uid = 'u3';

-- id: sq-update-or-rollback
-- kind: write
-- source: SQLite documentation, "UPDATE" (OR ROLLBACK)
UPDATE OR ROLLBACK users SET name = 'anon' WHERE name IS NULL;

-- id: sq-update-from
-- kind: write
-- source: SQLite documentation, "UPDATE FROM" (the inventory / daily sales example)
UPDATE users SET score = users.age - daily.amt FROM (SELECT SUM(total) AS amt, user_id FROM orders GROUP BY 2) AS daily WHERE users.id = daily.user_id;

-- id: sq-delete-returning
-- kind: write
-- source: SQLite documentation, "RETURNING"
DELETE FROM orders WHERE total < 20 RETURNING id, total;

-- id: sq-window-row-number
-- kind: read
-- source: SQLite documentation, "Window Functions" (row_number over an ORDER BY)
SELECT id, name, row_number() OVER (ORDER BY id) AS rn FROM users;

-- id: sq-window-partition-sum
-- kind: read
-- source: SQLite documentation, "Window Functions" (aggregate window with PARTITION BY and a frame)
SELECT uid, id, total, sum(total) OVER (PARTITION BY uid ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS running FROM orders;

-- id: sq-window-named
-- kind: read
-- source: SQLite documentation, "Window Functions" (WINDOW clause)
SELECT id, total, rank() OVER win AS r, dense_rank() OVER win AS dr FROM orders WINDOW win AS (PARTITION BY status ORDER BY total);

-- id: sq-cte-hierarchy
-- kind: read
-- source: SQLite documentation, "The WITH Clause" (recursive counting example)
WITH RECURSIVE cnt(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM cnt WHERE x < 6) SELECT x, label FROM cnt LEFT JOIN labels ON labels.id = cnt.x;

-- id: sq-group-having
-- kind: read
-- source: SQLite documentation, "Built-in Aggregate Functions" (count and max with HAVING)
SELECT uid, count(*) AS n, max(age) AS oldest FROM users GROUP BY uid HAVING count(*) > 2;

-- id: sq-tpch-exists
-- kind: read
-- source: TPC-H Q4 shape (EXISTS semi-join)
SELECT status, count(*) AS n FROM orders o WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = o.user_id AND u.age > 30) GROUP BY status;

-- id: sq-tpch-derived-join
-- kind: read
-- source: TPC-H Q13 shape (customer distribution: LEFT JOIN, derived table, GROUP BY of a count)
SELECT c_count, count(*) AS custdist FROM (SELECT u.id, count(o.id) AS c_count FROM users u LEFT JOIN orders o ON u.id = o.user_id GROUP BY u.id) AS c GROUP BY c_count;
