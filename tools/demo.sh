#!/usr/bin/env bash
# The main job on embedded defaults: rewrite a user's SQL for each dialect with the CLI, then start
# the whole backend in lite mode (SQLite, LMDB, DuckDB, in-process pub/sub, local files) with no
# external service. Ctrl-C stops the server.
set -euo pipefail
sql="SELECT id, name FROM users WHERE age > ? ORDER BY name LIMIT 10"
echo "user SQL:   $sql"
for dialect in mysql sqlite postgres; do
  if cozelite sql --dialect "$dialect" op "SELECT 1" >/dev/null 2>&1; then
    out=$(cozelite sql --dialect "$dialect" rewrite --table users=t_users_42 --column users.id=c_id \
          --column users.name=c_name --column users.age=c_age "$sql" |
          cozelite sql --dialect "$dialect" filter --condition "uid = 'u1'")
    printf '%-11s %s\n' "$dialect:" "$out"
  fi
done
mysql="SELECT IFNULL(nick, CONCAT('user-', id)), DATE_ADD(NOW(), INTERVAL 1 DAY) FROM users LIMIT 5, 10"
echo
echo "MySQL:      $mysql"
for target in sqlite postgres; do
  printf '%-11s %s\n' "-> $target:" "$(cozelite sql translate --read mysql --write "$target" "$mysql")"
done
if cozelite serve --help >/dev/null 2>&1; then
  echo
  echo "starting: cozelite serve --lite (http://127.0.0.1:8080/healthz)"
  exec cozelite serve --lite
fi
