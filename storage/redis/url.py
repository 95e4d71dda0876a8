"""A Redis client from REDIS_URL: one server, or a Redis Cluster.

    redis://host:6379/0              one server (or rediss:// with TLS)
    redis+cluster://host:7001        a cluster, found from any of its nodes (rediss+cluster://)

Every multi-key command and script hocso sends names keys of one hash tag (storage/redis/keys.py),
so the same code runs on both; the push limits (handlers/limits.py) read the same URL.
"""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster

CLUSTER_SCHEMES = {"redis+cluster": "redis", "rediss+cluster": "rediss"}


def is_cluster(url: str) -> bool:
    return url.partition("://")[0] in CLUSTER_SCHEMES


def open_redis(url: str, **options: Any) -> Redis:
    """The client for `url` (a RedisCluster speaks the same commands as a Redis)."""
    scheme, sep, rest = url.partition("://")
    if scheme in CLUSTER_SCHEMES:
        return RedisCluster.from_url(f"{CLUSTER_SCHEMES[scheme]}{sep}{rest}", **options)  # type: ignore[return-value]
    return Redis.from_url(url, **options)
