"""Container health check for a processor worker (the processor has no HTTP port).

A worker writes a heartbeat row (`service_status`, instance `<hostname>:<pid>`) to PostgreSQL
every 2 s once it has started. This check exits 0 when a row of this container's hostname was
written in the last 10 s, 1 otherwise. It reads only DATABASE_URL.

Usage: python /usr/local/lib/monazite/processor_healthcheck.py
"""

import asyncio
import os
import socket
import sys

import asyncpg

FRESH_WITHIN = "10 seconds"


async def heartbeat_is_fresh() -> bool:
    connection = await asyncio.wait_for(asyncpg.connect(os.environ["DATABASE_URL"]), 5)
    try:
        fresh = await connection.fetchval(
            "SELECT EXISTS (SELECT 1 FROM service_status"
            " WHERE service = 'processor' AND split_part(instance, ':', 1) = $1"
            f" AND heartbeat_at > now() - interval '{FRESH_WITHIN}')",
            socket.gethostname(),
        )
    finally:
        await connection.close()
    return bool(fresh)


def main() -> int:
    try:
        return 0 if asyncio.run(heartbeat_is_fresh()) else 1
    except Exception as error:  # any failure is "unhealthy", with the reason in `docker inspect`
        print(f"processor health check failed: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
