#!/usr/bin/env bash
# Run a command on this machine as if PostgreSQL, MariaDB, Redis and NATS were not installed: in a
# private mount namespace, each server binary is covered by an empty non-executable file and
# PostgreSQL's directory by an empty one, so nothing can start them. Needs root (unshare -m).
#
#   COZELITE_REQUIRE_ENGINES=1 tools/without_servers.sh make test-lite
#
# With COZELITE_REQUIRE_ENGINES=1 a test that needs one of these servers fails instead of skipping,
# so a passing run shows the command needs none of them.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; }
if [ -z "${_COZELITE_HIDDEN:-}" ]; then
  exec unshare -m env _COZELITE_HIDDEN=1 "$0" "$@"
fi
empty_dir=$(mktemp -d)
empty_file=$(mktemp)
chmod 0644 "$empty_file"
hidden=()
for bin in mariadbd mysqld mariadb-install-db mysql_install_db redis-server nats-server; do
  for dir in /usr/sbin /usr/bin /usr/local/sbin /usr/local/bin; do
    if [ -e "$dir/$bin" ]; then
      mount --bind "$empty_file" "$dir/$bin"
      hidden+=("$dir/$bin")
    fi
  done
done
if [ -d /usr/lib/postgresql ]; then
  mount --bind "$empty_dir" /usr/lib/postgresql
  hidden+=(/usr/lib/postgresql)
fi
echo "without_servers: hidden ${hidden[*]:-nothing}" >&2
exec "$@"
