"""Redis's section of the settings (`redis:` in config.yaml), with its environment variables;
read with the rest by hocso/settings.py."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from bot.config import Section

# The schemes storage/redis/url.py opens a cluster for (kept here so reading settings does
# not load the Redis client).
CLUSTER_SCHEMES = ("redis+cluster", "rediss+cluster")

ENV = {
    "REDIS_URL": "redis.url",
    "HOCSO_REDIS_PREFIX": "redis.prefix",
    "HOCSO_REDIS_CONNECT_TIMEOUT": "redis.connect_timeout",
    "HOCSO_REDIS_TIMEOUT": "redis.timeout",
}


class RedisSettings(Section):
    url: str = ""  # empty: an embedded in-process Redis (fine for `hocso chat`, not for workers)
    prefix: str = "hocso"
    shards: Annotated[int, Field(ge=1, le=1024)] = 64
    # Seconds to connect, and to wait for any answer: a Redis that hangs makes the learner
    # wait this long for "busy, try again", not forever.
    connect_timeout: Annotated[float, Field(gt=0, le=60)] = 2.0
    timeout: Annotated[float, Field(gt=0, le=60)] = 2.0

    @field_validator("url")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        # The value is not repeated in the message: it may hold a password.
        scheme = value.partition("://")[0].lower() if "://" in value else ""
        if value and scheme not in ("redis", "rediss", "unix", *CLUSTER_SCHEMES):
            raise ValueError(
                "not a Redis URL: use redis://host:6379/0 (or rediss://, unix://, "
                "redis+cluster://host:7001 for a cluster)"
            )
        return value
