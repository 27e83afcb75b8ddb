"""Fixtures shared by the whole suite, registered once so that one session starts each server once.

- `pg_server`, `pg_conn` (tests/engines/pg_server.py): a throw-away PostgreSQL cluster.
- `mariadb_server` (tests/engines/mariadb_server.py): a throw-away MariaDB server.
- `s3_server` (tests/engines/s3_server.py): a throw-away S3-API server (moto's server mode).
- `redis_server` (tests/engines/redis_server.py): a throw-away Redis server.
- `nats_server` (tests/engines/nats_server.py): a throw-away NATS server with JetStream.
"""

from tests.engines.mariadb_server import mariadb_server  # noqa: F401
from tests.engines.nats_server import nats_server  # noqa: F401
from tests.engines.pg_server import pg_conn, pg_server  # noqa: F401
from tests.engines.redis_server import redis_server  # noqa: F401
from tests.engines.s3_server import s3_server  # noqa: F401
