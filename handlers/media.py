"""Lesson pictures and certificates at public URLs, for platforms that take pictures only by
URL (Zalo's sendPhoto).

The webhook server serves them at

    /media/<expires>/<signature>/<folder>/<path inside it>

where `folder` is the index of one of the folders allowed (the lessons, the certificates),
`expires` a Unix time, and `signature` an HMAC-SHA256 of the rest under a key only the
workers know. A name cannot be guessed or altered, stops working after `ttl` seconds, and can
only name a file inside an allowed folder. Anything else is a bare 404, whatever went wrong.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from handlers.webhook import Route

TTL = 7 * 86400  # seconds a link works: the platform may fetch the picture some time later
PREFIX = "/media/"


class MediaLinks:
    def __init__(
        self,
        key: bytes,
        base_url: str,
        folders: Sequence[Path],
        ttl: int = TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`base_url`: the public origin the server is reached at, e.g. https://hocso.example.vn
        (the reverse proxy must forward /media/ to it)."""
        self.key = key
        self.base_url = base_url.rstrip("/")
        self.folders = [Path(f).resolve() for f in folders]
        self.ttl = ttl
        self.clock = clock

    def url(self, path: str | Path, max_bytes: int = 0) -> str | None:
        """A signed, expiring URL of the file; None when it is outside the allowed folders,
        missing, or bigger than `max_bytes` (0: any size)."""
        try:
            resolved = Path(path).resolve()
            size = resolved.stat().st_size
        except OSError:
            return None
        if max_bytes and size > max_bytes:
            return None
        for index, folder in enumerate(self.folders):
            if resolved.is_relative_to(folder) and resolved.is_file():
                rest = f"{index}/{resolved.relative_to(folder).as_posix()}"
                expires = int(self.clock()) + self.ttl
                signature = self._sign(expires, rest)
                return f"{self.base_url}{PREFIX}{expires}/{signature}/{quote(rest)}"
        return None

    def _sign(self, expires: int, rest: str) -> str:
        mac = hmac.new(self.key, f"{expires}/{rest}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:18]).decode()  # 144 bits, 24 characters

    def file(self, tail: str) -> Path | None:
        """The file a path after /media/ names, if its signature holds and it has not expired."""
        expires_text, _, rest = tail.partition("/")
        signature, _, rest = rest.partition("/")
        index_text, _, inside = rest.partition("/")
        if not (expires_text.isdecimal() and index_text.isdecimal() and inside):
            return None
        expires, index = int(expires_text), int(index_text)
        if expires < self.clock() or index >= len(self.folders):
            return None
        if not hmac.compare_digest(signature.encode(), self._sign(expires, rest).encode()):
            return None
        folder = self.folders[index]
        path = (folder / inside).resolve()
        return path if path.is_relative_to(folder) and path.is_file() else None

    async def serve(self, request: web.Request) -> web.StreamResponse:
        path = self.file(request.match_info["tail"])
        if path is None:
            return web.Response(status=404, text="not found")
        response = web.FileResponse(path)
        response.headers["Cache-Control"] = "private, max-age=3600"
        return response

    def route(self) -> Route:
        return Route(PREFIX + "{tail:.+}", self.serve, "GET")


def media_key(secret: str) -> bytes:
    """The signing key, derived from a secret every worker has (the bot token), so that links
    one worker makes are served by any other and do not reveal the secret."""
    return hmac.new(secret.encode(), b"hocso media links", hashlib.sha256).digest()
