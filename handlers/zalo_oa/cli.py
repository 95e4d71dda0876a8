"""`hocso zalo-oa connect`: an OA admin's consent, and the token pair stored for every worker
(connect.py does the walking; this wires it to the settings and Redis). Loaded by
hocso/cli.py by name only when the command is given, as the other command modules are.

    hocso zalo-oa connect      prints the consent address, reads back the address the
                               browser ended on, stores the tokens in Redis
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from redis.exceptions import RedisError

from handlers.platform import Config
from storage.redis.keys import Keys
from storage.redis.url import open_redis

COMMANDS = ("zalo-oa",)


def add_commands(commands: argparse._SubParsersAction) -> None:
    oa = commands.add_parser("zalo-oa", help="the Zalo Official Account (docs/zalo-oa.md)")
    actions = oa.add_subparsers(dest="action", required=True)
    actions.add_parser(
        "connect", help="an OA admin consents in a browser; the tokens are stored in Redis"
    )


def run_command(args: argparse.Namespace, config: Config) -> int:
    from handlers.zalo_oa.settings import SettingsError, from_env

    try:
        settings = from_env(os.environ)
    except SettingsError as exc:
        for line in str(exc).splitlines():
            print(f"hocso: {line}", file=sys.stderr)
        return 2
    if settings is None:
        print(
            "hocso: no Zalo OA is configured: set ZALO_OA_APP_ID, ZALO_OA_APP_SECRET, "
            "ZALO_OA_SECRET_KEY and ZALO_OA_ID (docs/zalo-oa.md)",
            file=sys.stderr,
        )
        return 2
    if not config.redis.url:
        print(
            "hocso: zalo-oa connect needs REDIS_URL: the tokens are kept there for every worker",
            file=sys.stderr,
        )
        return 2
    return asyncio.run(_connect(settings, config))


async def _connect(settings: object, config: Config) -> int:
    import aiohttp

    from handlers.zalo_oa.api import OAClient
    from handlers.zalo_oa.connect import connect
    from handlers.zalo_oa.keys import OAKeys
    from handlers.zalo_oa.settings import ZaloOASettings
    from handlers.zalo_oa.tokens import Tokens

    assert isinstance(settings, ZaloOASettings)
    timeouts = config.redis.connect_timeout, config.redis.timeout
    redis = open_redis(
        config.redis.url, socket_connect_timeout=timeouts[0], socket_timeout=timeouts[1]
    )
    try:
        await redis.ping()
    except (RedisError, OSError) as exc:  # one line, no traceback, no URL (it holds a password)
        await redis.aclose()
        print(f"hocso: cannot reach Redis (REDIS_URL): {type(exc).__name__}", file=sys.stderr)
        return 2
    keys = OAKeys(Keys(config.redis.prefix, config.redis.shards), settings.oa_id)
    try:
        async with aiohttp.ClientSession() as session:
            client = OAClient.of(session, settings)
            tokens = Tokens(client, redis, keys)
            return await connect(settings, client, tokens, _ask, sys.stdout)
    finally:
        await redis.aclose()


def _ask(prompt: str) -> str:
    try:
        return input(prompt)
    except EOFError:
        return ""
