"""Settings: `config.yaml` (or the file named by HOCSO_CONFIG), then environment variables.

Every setting has an environment variable (see ENV below); the environment wins. A bad file
stops start-up with one clear line per problem, never a traceback.
"""

from __future__ import annotations

import functools
import os
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.content.areas import official_wards

CLUSTER_SCHEMES = ("redis+cluster", "rediss+cluster")  # see storage/redis/url.py


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Choice(Section):
    """One entry of a list the learner picks from (an area, an age band)."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,29}$")]
    vi: Annotated[str, Field(min_length=1, max_length=60)]
    en: str | None = None

    def label(self, lang: str) -> str:
        return (self.en if lang == "en" else None) or self.vi


# Always offered beside the wards, for learners from elsewhere.
OTHER_AREA = Choice(id="khac", vi="Nơi khác", en="Somewhere else")


class AgeBand(Choice):
    """An age band, and how the tutor addresses learners in it ("bạn", "bác")."""

    you: Annotated[str, Field(max_length=20)] = ""


class Areas(Section):
    """Where learners live. Local government has two levels: the province (or city) and its
    wards/communes. Name the province (by code or name) and its official wards and communes come
    from the package vietnam-provinces, each with its official code as id; `wards` listed here
    replace that list. "Nơi khác" (somewhere else) is always added."""

    province: str = ""
    wards: list[Choice] = []

    @field_validator("province", mode="before")
    @classmethod
    def _code_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value  # `province: 92` in YAML

    @model_validator(mode="after")
    def _official_list(self) -> Areas:
        if self.province and not self.wards:
            self.province, listed = official_wards(self.province)
            self.wards = [Choice(id=code, vi=name) for code, name in listed]
        if self.wards and all(w.id != OTHER_AREA.id for w in self.wards):
            self.wards.append(OTHER_AREA)
        ids = [w.id for w in self.wards]
        if len(ids) != len(set(ids)):
            raise ValueError("two wards share an id; give each its own")
        return self


# URL schemes of the reporting databases hocso has drivers for (storage/sql/db.py).
DATABASES = ("postgresql", "postgres", "postgresql+asyncpg", "sqlite", "sqlite+aiosqlite")


def _scheme(url: str) -> str:
    return urlsplit(url).scheme.lower() if "://" in url else ""


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
        if value and _scheme(value) not in ("redis", "rediss", "unix", *CLUSTER_SCHEMES):
            raise ValueError(
                "not a Redis URL: use redis://host:6379/0 (or rediss://, unix://, "
                "redis+cluster://host:7001 for a cluster)"
            )
        return value


class DatabaseSettings(Section):
    url: str = ""  # empty: a SQLite file in data_dir
    # Seconds to wait for a connection, and for each statement, before giving up on a
    # database that is down or stalled (the reporter backs off; `hocso report` says so).
    connect_timeout: Annotated[float, Field(gt=0, le=300)] = 5.0
    statement_timeout: Annotated[float, Field(gt=0, le=3600)] = 30.0

    @field_validator("url")
    @classmethod
    def _supported(cls, value: str) -> str:
        if value and _scheme(value) not in DATABASES:
            raise ValueError(
                "not a supported database: use postgresql://user@host/db, or sqlite:///file.db"
            )
        return value


class CampaignSettings(Section):
    """What the reports measure progress against."""

    name: str = "Bình dân học vụ số"
    target: Annotated[int, Field(ge=0)] = 996_000  # certified adults
    # The day the campaign means to reach its target: the web page's pace and projection.
    deadline: date | None = None
    # Each ward's own target (its adults, or the share of them planned), by official code;
    # officials can also upload these as a CSV on the web page (web/targets.py).
    ward_targets: dict[str, Annotated[int, Field(ge=0)]] = {}

    @field_validator("deadline", mode="before")
    @classmethod
    def _no_deadline(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("ward_targets", mode="before")
    @classmethod
    def _codes_as_text(cls, value: object) -> object:
        # `92: 12000` in YAML reads as a number; ward ids are text.
        return {str(k): v for k, v in value.items()} if isinstance(value, dict) else value


class PrivacySettings(Section):
    # The secret of the keyed hash (HMAC-SHA256) of a forgotten learner's platform id, kept
    # 30 days so a late event cannot bring them back. Required with PostgreSQL; the same on
    # every reporter. Empty with SQLite: one is made and kept beside the database file.
    erase_key: str = ""

    @field_validator("erase_key")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        if value and len(value) < 32:
            raise ValueError(
                "erase_key (HOCSO_ERASE_KEY) is too short: use 32 or more random characters, "
                "e.g. the output of `openssl rand -hex 32`"
            )
        return value


class CertificateSettings(Section):
    issuer: str = ""  # printed under the title, e.g. the provincial committee
    verify_url: str = ""  # the QR code holds this with {code} filled in; empty: the code


# A Telegram username: 5-32 of A-Z a-z 0-9 _, starting with a letter (a bot's ends in "bot").
USERNAME = r"^([A-Za-z][A-Za-z0-9_]{4,31})?$"


def bot_username(text: str) -> str:
    """A username as people write it ("@hocso_bot", "t.me/hocso_bot"), without the dressing."""
    text = text.strip()
    for prefix in ("https://", "http://", "t.me/", "@"):
        text = text.removeprefix(prefix)
    return text


class TelegramSettings(Section):
    token: str = ""
    # Pushed messages (reminders) for the whole bot, all processes together: Telegram's bulk
    # limit is about 30 a second; with paid_broadcast up to 1000 (charged in Stars).
    broadcast_rate: Annotated[int, Field(ge=1, le=1000)] = 30
    paid_broadcast: bool = False
    # The bot's username, for the class links `hocso class add` prints (t.me/<username>?start=).
    username: Annotated[str, Field(pattern=USERNAME)] = ""
    base_url: str = ""  # empty: Telegram's own servers
    # Webhook mode when webhook_url is set; long polling otherwise.
    webhook_url: str = ""
    webhook_secret: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{0,256}$")] = ""
    listen: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8080

    @field_validator("username", mode="before")
    @classmethod
    def _plain_username(cls, value: object) -> object:
        return bot_username(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _secret_with_webhook(self) -> TelegramSettings:
        if self.webhook_url and len(self.webhook_secret) < 16:
            raise ValueError(
                "a webhook needs webhook_secret (TELEGRAM_WEBHOOK_SECRET): 16 to 256 of "
                "A-Z a-z 0-9 _ -"
            )
        return self


class GroupSettings(Section):
    """Group lessons run by a facilitator (docs/groups.md): how long the tutor waits before it
    moves on by itself. 0: only the facilitator moves on."""

    card_seconds: Annotated[int, Field(ge=0, le=3600)] = 90  # a card (or a revealed answer)
    answer_seconds: Annotated[int, Field(ge=0, le=3600)] = 60  # a question, then the answer
    report_in_group: Annotated[int, Field(ge=0)] = 10  # larger classes: /class_report privately


# The Zalo Bot Platform's API (a copy of its docs dated 10 Dec 2025; formerly bot-api.zapps.me).
ZALO_API = "https://bot-api.zaloplatforms.com"


class ZaloSettings(Section):
    """The Zalo Bot Platform (docs/zalo.md); off while `token` is empty."""

    token: str = ""
    base_url: str = ZALO_API
    # Webhook mode when webhook_url is set (its origin also serves pictures at /media/...);
    # long polling otherwise, and pictures go as their words.
    webhook_url: str = ""
    webhook_secret: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{0,256}$")] = ""
    # Reminders (the tutor writing first) stay off until Zalo's rules for bots allow them.
    reminders: bool = False

    @field_validator("base_url", "webhook_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        parts = urlsplit(value)
        if value and (parts.scheme not in ("http", "https") or not parts.netloc):
            raise ValueError("not a web address: use https://host/...")
        return value

    @model_validator(mode="after")
    def _secret_with_webhook(self) -> ZaloSettings:
        if self.webhook_url and len(self.webhook_secret) < 16:
            raise ValueError(
                "a webhook needs webhook_secret (ZALO_WEBHOOK_SECRET): 16 to 256 of "
                "A-Z a-z 0-9 _ -"
            )
        return self


class WebSettings(Section):
    """`hocso web`, the officials' and facilitators' web page."""

    listen: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8090
    secret: str = ""  # signs and encrypts session cookies; required unless listen is loopback
    refresh: Annotated[int, Field(ge=10, le=86400)] = 300  # seconds between recounts

    @field_validator("secret")
    @classmethod
    def _long_secret(cls, value: str) -> str:
        if value and len(value) < 16:
            raise ValueError("use at least 16 characters (e.g. from `openssl rand -hex 32`)")
        return value


@functools.lru_cache(maxsize=1024)
def clock_time(text: str) -> int:
    """Minutes after midnight of "19:30", "19h30", "7h", "7:05", "19" (ValueError if not)."""
    found = re.fullmatch(r"\s*(\d{1,2})\s*(?:[:hg.]\s*(\d{2})?)?\s*", text.lower())
    if not found or int(found[1]) > 23 or int(found[2] or 0) > 59:
        raise ValueError(f"{text!r} is not a time of day like 19:30")
    return int(found[1]) * 60 + int(found[2] or 0)


def seconds(value: object) -> int:
    """A duration: seconds as a number, or like "2h", "90m", "1h30m", "45s"."""
    if isinstance(value, int | float):
        return int(value)
    text = str(value).strip().lower()
    if text.isdigit():
        return int(text)
    compact = text.replace(" ", "")
    if not re.fullmatch(r"(\d+[dhms])+", compact):
        raise ValueError(f"{value!r} is not a duration like 7200, 2h or 90m")
    parts = re.findall(r"(\d+)([dhms])", compact)
    unit = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    return sum(int(n) * unit[u] for n, u in parts)


# The platforms a reminder can be sent on: those with a `PushSender` (hocso/run.py `remind`).
PUSHABLE = ("tg",)


class ReminderSettings(Section):
    """Reminders pushed to learners (bot/reminders/routes.py, hocso/reminders.py)."""

    # "21:00-07:00": nothing is sent then; empty: no quiet hours.
    quiet_hours: str = "21:00-07:00"
    nudge_after: int = 7200  # seconds after a learner stopped mid-lesson
    grace: int = 3600  # a reminder later than this (downtime) waits for its next slot
    lease: int = 300  # a claimed reminder not done by then is taken again by another worker
    # Platforms that get reminders (the prefix of a learner's id); others get none.
    platforms: list[str] = ["tg"]

    @field_validator("nudge_after", "grace", "lease", mode="before")
    @classmethod
    def _duration(cls, value: object) -> int:
        return seconds(value)

    @field_validator("platforms")
    @classmethod
    def _pushable(cls, value: list[str]) -> list[str]:
        # Learners of another platform would be scheduled and claimed, then never sent.
        if unknown := [p for p in value if p not in PUSHABLE]:
            raise ValueError(
                f"{', '.join(unknown)}: only Telegram learners (tg) can be reminded so far; "
                "Zalo waits for its rules on bots writing first (docs/reminders.md)"
            )
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _window(cls, value: str) -> str:
        if value.strip():
            start, sep, end = value.partition("-")
            if not sep:
                raise ValueError("quiet_hours is like 21:00-07:00 (or empty for none)")
            clock_time(start), clock_time(end)
        return value.strip()

    @property
    def quiet(self) -> tuple[int, int] | None:
        """(start, end) in minutes after midnight; the window may wrap past midnight."""
        return _quiet_window(self.quiet_hours)


@functools.lru_cache(maxsize=64)  # read on every reminder: parsed once
def _quiet_window(text: str) -> tuple[int, int] | None:
    if not text:
        return None
    start, _, end = text.partition("-")
    return clock_time(start), clock_time(end)


class Config(Section):
    lessons_dir: Path = Path("lessons")
    data_dir: Path = Path("data")
    timezone: str = "Asia/Ho_Chi_Minh"
    redis: RedisSettings = RedisSettings()
    database: DatabaseSettings = DatabaseSettings()
    telegram: TelegramSettings = TelegramSettings()
    zalo: ZaloSettings = ZaloSettings()
    campaign: CampaignSettings = CampaignSettings()
    certificate: CertificateSettings = CertificateSettings()
    groups: GroupSettings = GroupSettings()
    privacy: PrivacySettings = PrivacySettings()
    web: WebSettings = WebSettings()
    reminders: ReminderSettings = ReminderSettings()
    areas: Areas = Areas()
    age_bands: list[AgeBand] = []
    # How the tutor addresses a learner whose age band has no `you`, or is not known.
    address: Annotated[str, Field(min_length=1, max_length=20)] = "bác"

    def address_for(self, band: str) -> str:
        found = next((b for b in self.age_bands if b.id == band and b.you), None)
        return found.you if found else self.address

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}: use a name like Asia/Ho_Chi_Minh"
            ) from None
        return value


# environment variable -> dotted setting
ENV = {
    "HOCSO_LESSONS_DIR": "lessons_dir",
    "HOCSO_DATA_DIR": "data_dir",
    "HOCSO_TIMEZONE": "timezone",
    "REDIS_URL": "redis.url",
    "HOCSO_REDIS_PREFIX": "redis.prefix",
    "HOCSO_REDIS_CONNECT_TIMEOUT": "redis.connect_timeout",
    "HOCSO_REDIS_TIMEOUT": "redis.timeout",
    "DATABASE_URL": "database.url",
    "HOCSO_DB_CONNECT_TIMEOUT": "database.connect_timeout",
    "HOCSO_DB_STATEMENT_TIMEOUT": "database.statement_timeout",
    "TELEGRAM_BOT_TOKEN": "telegram.token",
    "TELEGRAM_BOT_USERNAME": "telegram.username",
    "TELEGRAM_BASE_URL": "telegram.base_url",
    "TELEGRAM_WEBHOOK_URL": "telegram.webhook_url",
    "TELEGRAM_WEBHOOK_SECRET": "telegram.webhook_secret",
    "TELEGRAM_LISTEN": "telegram.listen",
    "TELEGRAM_PORT": "telegram.port",
    # The process's one web server (every webhook, /health), under names of no platform.
    "HOCSO_LISTEN": "telegram.listen",
    "HOCSO_PORT": "telegram.port",
    "ZALO_BOT_TOKEN": "zalo.token",
    "ZALO_BASE_URL": "zalo.base_url",
    "ZALO_WEBHOOK_URL": "zalo.webhook_url",
    "ZALO_WEBHOOK_SECRET": "zalo.webhook_secret",
    "ZALO_REMINDERS": "zalo.reminders",
    "HOCSO_CAMPAIGN_TARGET": "campaign.target",
    "HOCSO_CAMPAIGN_DEADLINE": "campaign.deadline",
    "HOCSO_CERTIFICATE_ISSUER": "certificate.issuer",
    "HOCSO_CERTIFICATE_VERIFY_URL": "certificate.verify_url",
    "HOCSO_GROUP_CARD_SECONDS": "groups.card_seconds",
    "HOCSO_GROUP_ANSWER_SECONDS": "groups.answer_seconds",
    "HOCSO_ERASE_KEY": "privacy.erase_key",
    "HOCSO_WEB_LISTEN": "web.listen",
    "HOCSO_WEB_PORT": "web.port",
    "HOCSO_WEB_SECRET": "web.secret",
    "HOCSO_WEB_REFRESH": "web.refresh",
    "TELEGRAM_BROADCAST_RATE": "telegram.broadcast_rate",
    "TELEGRAM_PAID_BROADCAST": "telegram.paid_broadcast",
    "HOCSO_QUIET_HOURS": "reminders.quiet_hours",
    "HOCSO_NUDGE_AFTER": "reminders.nudge_after",
    "HOCSO_REMINDER_GRACE": "reminders.grace",
    "HOCSO_REMINDER_LEASE": "reminders.lease",
}


# Set but empty means "none" for these (HOCSO_QUIET_HOURS= : no quiet hours).
MAY_BE_EMPTY = {"HOCSO_QUIET_HOURS"}


class ConfigError(Exception):
    pass


def load_config(path: Path | None = None, env: dict[str, str] | None = None) -> Config:
    env = dict(os.environ if env is None else env)
    path = path or Path(env.get("HOCSO_CONFIG", "config.yaml"))
    data: dict[str, Any] = {}
    if path.exists():
        data = _read(path)
    elif "HOCSO_CONFIG" in env:
        raise ConfigError(f"{path}: not found (named by HOCSO_CONFIG).")
    for var, dotted in ENV.items():
        if env.get(var) or (var in MAY_BE_EMPTY and var in env):
            *parents, leaf = dotted.split(".")
            node = data
            for part in parents:
                if not isinstance(node.get(part), dict):
                    node[part] = {}
                node = node[part]
            node[leaf] = env[var]
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        lines = [
            f"{path}: {'.'.join(str(p) for p in e['loc']) or '(top level)'}: "
            f"{e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        ]
        raise ConfigError("\n".join(lines)) from exc
    base = path.parent if path.exists() else Path.cwd()
    config.lessons_dir = _relative_to(base, config.lessons_dir)
    config.data_dir = _relative_to(base, config.data_dir)
    return config


def _read(path: Path) -> dict[str, Any]:
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder; name the settings file itself (HOCSO_CONFIG).")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: is not UTF-8 text (byte {exc.start}); save it as UTF-8."
        ) from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc}).") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: is not valid YAML ({exc}).") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: should be a mapping of settings.")
    return data


def _relative_to(base: Path, path: Path) -> Path:
    return path if path.is_absolute() else (base / path)
