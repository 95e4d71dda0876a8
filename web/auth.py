"""Who may look: accounts and passwords, login sessions and CSRF tokens.

* Passwords are hashed with argon2id (argon2-cffi), off the event loop.
* A session is an encrypted, signed cookie (aiohttp-session's EncryptedCookieStorage, a key
  derived from `web.secret` with HKDF): HttpOnly, SameSite=Lax, Secure when the page is served
  over https. It holds the account id and that account's `session_epoch`; logging out (or a
  new password) bumps the epoch, so an old cookie stops working even before it expires.
  A session ends after SESSION_HOURS, or IDLE_MINUTES without a request.
* Every form carries the session's CSRF token; a POST without the right one is refused.
* Login tries are braked (web/brake.py): counted before the password is checked, per
  address and per account, shared through Redis; past a few, each further try must wait
  longer (1 s, 2 s, 4 s ... up to 5 minutes).
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import ipaddress
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from aiohttp import web
from aiohttp_session import Session, get_session, new_session
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, select

from storage.sql.db import Database
from storage.sql.web_models import ROLES, WebUser, WebUserClass

COOKIE = "hocso_web"
SESSION_HOURS = 8
IDLE_MINUTES = 120
CSRF_FIELD = "csrf"

_hasher = PasswordHasher()  # argon2id with the library's recommended cost
# Checked against when the username is unknown, so both cases take as long.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    classes: tuple[str, ...]  # a facilitator's classes; officials see all
    epoch: int = 0

    @property
    def is_official(self) -> bool:
        return self.role == "official"

    def may_see(self, class_code: str) -> bool:
        return self.is_official or class_code in self.classes


# The logged-in account of a request, or None.
USER: web.RequestKey[User | None] = web.RequestKey("user")


# -- accounts --------------------------------------------------------------------------


class BadAccount(ValueError):
    """What was typed for an account cannot be used; the message says why."""


def check_username(name: str) -> str:
    name = name.strip()
    if not (1 <= len(name) <= 64) or not all(c.isalnum() or c in "._-@" for c in name):
        raise BadAccount("a username is 1 to 64 letters, digits or . _ - @ (no spaces)")
    return name


async def save_user(
    db: Database, username: str, password: str, role: str, classes: list[str]
) -> bool:
    """Create the account, or give it this password, role and classes; True if it is new.
    A changed account's sessions end."""
    username = check_username(username)
    if role not in ROLES:
        raise BadAccount(f"the role is one of: {', '.join(ROLES)}")
    if len(password) < 10:
        raise BadAccount("use a password of at least 10 characters")
    codes = sorted({c.strip().upper() for c in classes if c.strip()})
    if role == "facilitator" and not codes:  # blank codes are none: "(all)" in the list
        raise BadAccount("a facilitator needs at least one --class CODE")
    hashed = await asyncio.to_thread(_hasher.hash, password)
    await db.ensure_schema()
    async with db.session() as s, s.begin():
        user = await s.scalar(select(WebUser).where(WebUser.username == username))
        created = user is None
        if user is None:
            user = WebUser(username=username, session_epoch=0, created_at=datetime.now(UTC))
            s.add(user)
        else:
            user.session_epoch += 1
        user.role = role
        user.password_hash = hashed
        await s.flush()
        await s.execute(delete(WebUserClass).where(WebUserClass.user_id == user.id))
        s.add_all(WebUserClass(user_id=user.id, class_code=code) for code in codes)
    return created


async def remove_user(db: Database, username: str) -> bool:
    await db.ensure_schema()
    async with db.session() as s, s.begin():
        user = await s.scalar(select(WebUser).where(WebUser.username == username.strip()))
        if user is None:
            return False
        await s.execute(delete(WebUserClass).where(WebUserClass.user_id == user.id))
        await s.delete(user)
    return True


async def list_users(db: Database) -> list[User]:
    await db.ensure_schema()
    async with db.session() as s:
        users = list(await s.scalars(select(WebUser).order_by(WebUser.username)))
        links = list(await s.execute(select(WebUserClass.user_id, WebUserClass.class_code)))
    classes: dict[int, list[str]] = {}
    for user_id, code in links:
        classes.setdefault(user_id, []).append(code)
    return [
        User(u.id, u.username, u.role, tuple(sorted(classes.get(u.id, []))), u.session_epoch)
        for u in users
    ]


async def load_user(db: Database, user_id: int) -> User | None:
    async with db.session() as s:
        row = await s.get(WebUser, user_id)
        if row is None:
            return None
        query = select(WebUserClass.class_code).where(WebUserClass.user_id == user_id)
        codes = tuple(sorted(await s.scalars(query)))
    return User(row.id, row.username, row.role, codes, row.session_epoch)


async def check_password(db: Database, username: str, password: str) -> User | None:
    """The account if the password is its own; None otherwise (taking as long either way)."""
    async with db.session() as s:
        row = await s.scalar(select(WebUser).where(WebUser.username == username.strip()))
    hashed = row.password_hash if row else _DUMMY_HASH
    try:
        await asyncio.to_thread(_hasher.verify, hashed, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    return await load_user(db, row.id)


async def end_sessions(db: Database, user_id: int) -> None:
    """Log the account out everywhere: cookies carrying the old epoch stop working."""
    async with db.session() as s, s.begin():
        row = await s.get(WebUser, user_id)
        if row is not None:
            row.session_epoch += 1


# -- sessions, CSRF, https ---------------------------------------------------------------


def session_storage(secret: str) -> EncryptedCookieStorage:
    """Cookies encrypted and signed (Fernet) with a key derived from the configured secret."""
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"hocso web", info=b"session cookies"
    ).derive(secret.encode())
    return EncryptedCookieStorage(
        Fernet(base64.urlsafe_b64encode(key)),
        cookie_name=COOKIE,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="Lax",
    )


def csrf_token(session: Session) -> str:
    token = session.get(CSRF_FIELD)
    if not token:
        token = session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return token


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@web.middleware
async def https_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Behind a proxy on this machine, take its word for the scheme (X-Forwarded-Proto) and
    the visitor's address (the last of X-Forwarded-For), so the brake on guessing counts each
    visitor, not the proxy; on https, every cookie is Secure and browsers are told to stay."""
    if is_loopback(request.remote or ""):
        https = request.headers.get("X-Forwarded-Proto") == "https"
        visitor = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()[:64]
        if https or visitor:
            request = request.clone(
                scheme="https" if https else request.scheme, remote=visitor or request.remote or ""
            )
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        _harden(request, exc)
        raise
    _harden(request, response)
    return response


def _harden(request: web.Request, response: web.StreamResponse) -> None:
    if request.secure:
        for morsel in response.cookies.values():
            morsel["secure"] = True
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")


class CsrfRefused(web.HTTPForbidden):
    """A form without this session's token: refused with its own words."""


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A form sent without this session's token (from another site, or a stale page) is
    refused."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        session = await get_session(request)
        form = await request.post()
        sent = str(form.get(CSRF_FIELD, "")) or request.headers.get("X-CSRF-Token", "")
        expected = session.get(CSRF_FIELD, "")
        if not expected or not hmac.compare_digest(sent.encode(), str(expected).encode()):
            raise CsrfRefused(
                text="Biểu mẫu đã hết hạn hoặc không đến từ trang này. Xin tải lại trang rồi thử "
                "lại.\nThis form has expired or did not come from this site. Reload the page and "
                "try again."
            )
    return await handler(request)


def user_middleware(db: Database) -> Callable:
    """Puts the logged-in account (or None) in request[USER]; ends stale sessions."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        request[USER] = None
        session = await get_session(request)
        user_id = session.get("uid")
        if user_id is not None:
            now = time.time()
            user = await load_user(db, int(user_id))
            idle = now - float(session.get("seen", 0)) > IDLE_MINUTES * 60
            if user is None or user.epoch != session.get("epoch") or idle:
                for key in ("uid", "epoch", "seen"):
                    session.pop(key, None)
            else:
                request[USER] = user
                if now - float(session.get("seen", 0)) > 300:  # refresh now and then, not always
                    session["seen"] = now
        return await handler(request)

    return middleware


async def log_in(request: web.Request, user: User) -> None:
    """A fresh session for the account (a new CSRF token too: nothing carries over)."""
    lang = (await get_session(request)).get("lang")
    session = await new_session(request)  # its clock starts now
    session["uid"] = user.id
    session["epoch"] = user.epoch
    session["seen"] = time.time()
    if lang:
        session["lang"] = lang
    csrf_token(session)
