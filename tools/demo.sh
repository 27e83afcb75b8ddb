#!/usr/bin/env bash
# The main job on embedded defaults: rewrite a user's SQL for each dialect with the CLI, then start
# the whole backend in lite mode (SQLite, LMDB, DuckDB, in-process pub/sub, local files) with no
# external service, wait until every /healthz/* answers 200, and serve until Ctrl-C.
#
# Every step prints its command; the first failure stops the demo and says which step failed (the
# step's own error is printed above it). DEMO_PORT (default 8080) picks the port; DEMO_SERVE=check
# stops the server once it is healthy instead of serving until Ctrl-C (what the README test runs).
set -Eeuo pipefail
PY=${PY:-python3}
PORT=${DEMO_PORT:-8080}
trap 'status=$?; echo "demo: FAILED (exit $status) at tools/demo.sh:$LINENO: $BASH_COMMAND" >&2; exit $status' ERR

cozelite() {
  echo "+ cozelite$(printf " %q" "$@")" >&2
  "$PY" -m cozelite.cli "$@"
}

sql="SELECT id, name FROM users WHERE age > ? ORDER BY name LIMIT 10"
echo "user SQL:   $sql"
for dialect in mysql sqlite postgres; do
  rewritten=$(cozelite sql --dialect "$dialect" rewrite --table users=t_users_42 --column users.id=c_id \
              --column users.name=c_name --column users.age=c_age "$sql")
  out=$(printf '%s' "$rewritten" | cozelite sql --dialect "$dialect" filter --condition "uid = 'u1'")
  printf '%-11s %s\n' "$dialect:" "$out"
done
mysql="SELECT IFNULL(nick, CONCAT('user-', id)), DATE_ADD(NOW(), INTERVAL 1 DAY) FROM users LIMIT 5, 10"
echo
echo "MySQL:      $mysql"
for target in sqlite postgres; do
  out=$(cozelite sql translate --read mysql --write "$target" "$mysql")
  printf '%-11s %s\n' "-> $target:" "$out"
done

echo
cozelite config show --check --lite
echo
echo "starting: cozelite serve --lite --port $PORT (data under ./var/data)"
"$PY" -m cozelite.cli serve --lite --port "$PORT" &
server=$!
stop() { kill -TERM "$server" 2>/dev/null || true; wait "$server"; }
trap 'stop; exit 130' INT TERM
# serve prints "serving on" only once it listens; the providers answer once /healthz is 200.
"$PY" - "$PORT" "$server" <<'PYEOF'
import os, sys, time, urllib.error, urllib.request
port, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 120
while True:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit("demo: the server exited before it became healthy (its error is above)")
    try:
        areas = ["db", "kv", "search", "mq", "blob"]
        codes = {a: urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/{a}", timeout=5).status for a in areas}
        print("healthy:", ", ".join(f"/healthz/{a} {c}" for a, c in codes.items()))
        break
    except (urllib.error.URLError, OSError):
        if time.monotonic() > deadline:
            sys.exit(f"demo: http://127.0.0.1:{port}/healthz did not answer 200 within 120 s")
        time.sleep(0.2)
PYEOF
if [ "${DEMO_SERVE:-}" = "check" ]; then
  kill -TERM "$server"
  wait "$server"
  echo "demo: ok (server stopped cleanly)"
  exit 0
fi
echo "serving on http://127.0.0.1:$PORT until Ctrl-C"
wait "$server"
