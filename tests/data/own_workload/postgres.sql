-- id: pg-on-conflict-update
-- kind: write
-- source: PostgreSQL documentation, "INSERT" (ON CONFLICT (did) DO UPDATE SET dname = EXCLUDED.dname)
INSERT INTO users (id, uid, name, age) VALUES (5, 'u1', 'gizmo', 40), (66, 'u2', 'assoc', 41) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name;

-- id: pg-on-conflict-nothing
-- kind: write
-- source: PostgreSQL documentation, "INSERT" (ON CONFLICT (did) DO NOTHING)
INSERT INTO labels (id, label) VALUES (3, 'redline'), (33, 'new') ON CONFLICT (id) DO NOTHING;

-- id: pg-on-conflict-alias-where
-- kind: write
-- source: PostgreSQL documentation, "INSERT" (target alias d, EXCLUDED in an expression, WHERE on the update)
INSERT INTO users AS d (id, uid, name, age) VALUES (8, 'u1', 'anvil', 22) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name || ' (formerly ' || COALESCE(d.name, '?') || ')' WHERE d.uid <> 'u9';

-- id: pg-on-conflict-select
-- kind: write
-- source: PostgreSQL documentation, "INSERT" (INSERT ... SELECT with ON CONFLICT)
INSERT INTO labels (id, label) SELECT id, uid FROM users WHERE age < 30 ON CONFLICT (id) DO UPDATE SET label = EXCLUDED.label;

-- id: pg-on-conflict-returning
-- kind: write
-- source: PostgreSQL documentation, "INSERT" (RETURNING with ON CONFLICT)
INSERT INTO orders (id, uid, total) VALUES (103, 'u2', 5) ON CONFLICT (id) DO UPDATE SET total = orders.total + EXCLUDED.total RETURNING id, total;

-- id: pg-update-from
-- kind: write
-- source: PostgreSQL documentation, "UPDATE" (UPDATE ... FROM another table)
UPDATE orders SET total = orders.total + u.age FROM users u WHERE u.id = orders.user_id AND u.uid = 'u2';

-- id: pg-update-subquery
-- kind: write
-- source: PostgreSQL documentation, "UPDATE" (value from a correlated subquery)
UPDATE users SET score = (SELECT COUNT(*) FROM orders o WHERE o.user_id = users.id) WHERE uid = 'u1';

-- id: pg-delete-using
-- kind: write
-- source: PostgreSQL documentation, "DELETE" (DELETE ... USING)
DELETE FROM orders USING users WHERE orders.user_id = users.id AND users.name = 'bob';

-- id: pg-delete-returning
-- kind: write
-- source: PostgreSQL documentation, "DELETE" (RETURNING *)
DELETE FROM labels WHERE label = 'l2' RETURNING *;

-- id: pg-insert-default-values
-- kind: write
-- source: PostgreSQL documentation, "INSERT" (multi-row VALUES with DEFAULT)
INSERT INTO labels (id, label) VALUES (70, DEFAULT), (71, 'x71');

-- id: pg-window-avg
-- kind: read
-- source: PostgreSQL tutorial, "Window Functions" (avg(salary) OVER (PARTITION BY depname))
SELECT uid, id, total, avg(total) OVER (PARTITION BY uid) AS avg_total FROM orders;

-- id: pg-window-rank
-- kind: read
-- source: PostgreSQL tutorial, "Window Functions" (rank() OVER (PARTITION BY ... ORDER BY ... DESC))
SELECT uid, id, total, rank() OVER (PARTITION BY uid ORDER BY total DESC) AS r FROM orders;

-- id: pg-window-top-n
-- kind: read
-- source: PostgreSQL tutorial, "Window Functions" (filtering on a window result in a sub-select)
SELECT uid, id, total FROM (SELECT uid, id, total, row_number() OVER (PARTITION BY uid ORDER BY total DESC, id) AS pos FROM orders) AS ss WHERE pos < 3;

-- id: pg-cte-moving
-- kind: read
-- source: PostgreSQL documentation, "WITH Queries" (regional sales / top regions shape)
WITH regional AS (SELECT uid, SUM(total) AS sales FROM orders GROUP BY uid), top_regions AS (SELECT uid FROM regional WHERE sales > (SELECT SUM(sales) / 10 FROM regional)) SELECT uid, status, SUM(total) AS s FROM orders WHERE uid IN (SELECT uid FROM top_regions) GROUP BY uid, status;

-- id: pg-lateral
-- kind: read
-- source: PostgreSQL documentation, "Table Expressions" (LATERAL subquery)
SELECT u.name, l.total FROM users u, LATERAL (SELECT total FROM orders o WHERE o.user_id = u.id ORDER BY total DESC LIMIT 1) AS l;

-- id: pg-distinct-on
-- kind: read
-- source: PostgreSQL documentation, "SELECT" (DISTINCT ON, the most recent report per location)
SELECT DISTINCT ON (uid) uid, id, total FROM orders ORDER BY uid, total DESC, id;

-- id: pg-tpch-having
-- kind: read
-- source: TPC-H Q18 shape (IN over GROUP BY ... HAVING)
SELECT u.name, u.id, SUM(o.total) AS spent FROM users u JOIN orders o ON o.user_id = u.id WHERE u.id IN (SELECT user_id FROM orders GROUP BY user_id HAVING SUM(total) > 150) GROUP BY u.name, u.id;
