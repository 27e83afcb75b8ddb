#!/usr/bin/env bash
# Installs what the tests need beyond Python packages: the database servers the engine tests start
# (throw-away instances on loopback, created by the test fixtures: Debian's postgresql and
# mariadb-server) and Java for `tools/gen_parsers.sh --check`. Idempotent; needs root or sudo.
set -euo pipefail

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v mariadb-install-db >/dev/null 2>&1 || need+=(mariadb-server)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
# kv on Redis and mq on NATS JetStream (tests/engines/redis_server.py, tests/engines/nats_server.py)
[ -x /usr/bin/redis-server ] || need+=(redis-server)
[ -x /usr/sbin/nats-server ] || need+=(nats-server)
[ ${#need[@]} -eq 0 ] && { echo "services: postgresql, mariadb-server, redis-server, nats-server and java present"; exit 0; }

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "services: installing ${need[*]} (apt-get, Debian packages; the tests start their own instances)"
# Another apt/dpkg process (an unattended upgrade, a parallel install) may hold the lock: wait for it
# (up to 10 minutes, saying so) instead of failing at once. dpkg locks with fcntl, so probe with fcntl.
lock_wait=(-o DPkg::Lock::Timeout=600)
holder=$(python3 - <<'PYEOF' 2>/dev/null || true
import fcntl, os, struct
for path in ("/var/lib/dpkg/lock-frontend", "/var/lib/dpkg/lock", "/var/lib/apt/lists/lock"):
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        continue
    probe = struct.pack("hhqqi", fcntl.F_WRLCK, 0, 0, 0, 0)
    got = struct.unpack("hhqqi", fcntl.fcntl(fd, fcntl.F_GETLK, probe))
    if got[0] != fcntl.F_UNLCK:
        try:
            cmd = open(f"/proc/{got[4]}/cmdline", "rb").read().replace(b"\0", b" ").decode().strip()
        except OSError:
            cmd = "?"
        print(f"{path} is held by pid {got[4]} ({cmd})")
        break
PYEOF
)
[ -n "$holder" ] && echo "services: $holder; waiting for it (up to 10 minutes) before installing"
$sudo apt-get "${lock_wait[@]}" update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get "${lock_wait[@]}" install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian starts the packaged servers on install; the tests use their own instances, so stop these.
$sudo service postgresql stop >/dev/null 2>&1 || true
$sudo service mariadb stop >/dev/null 2>&1 || true
$sudo service redis-server stop >/dev/null 2>&1 || true
$sudo service nats-server stop >/dev/null 2>&1 || true
echo "services: installed ${need[*]}"
