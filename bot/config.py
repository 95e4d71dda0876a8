"""Settings: `config.yaml` (or the file named by HOCSO_CONFIG), then environment variables.

Every setting has an environment variable (see ENV below); the environment wins. A bad file
stops start-up with one clear line per problem, never a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.areas import official_wards


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


class RedisSettings(Section):
    url: str = ""  # empty: an embedded in-process Redis (fine for `hocso chat`, not for workers)
    prefix: str = "hocso"
    shards: Annotated[int, Field(ge=1, le=1024)] = 64


class DatabaseSettings(Section):
    url: str = ""  # empty: a SQLite file in data_dir


class CampaignSettings(Section):
    """What the reports measure progress against."""

    name: str = "Bình dân học vụ số"
    target: Annotated[int, Field(ge=0)] = 996_000  # certified adults


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


class Config(Section):
    lessons_dir: Path = Path("lessons")
    data_dir: Path = Path("data")
    timezone: str = "Asia/Ho_Chi_Minh"
    redis: RedisSettings = RedisSettings()
    database: DatabaseSettings = DatabaseSettings()
    telegram: TelegramSettings = TelegramSettings()
    campaign: CampaignSettings = CampaignSettings()
    certificate: CertificateSettings = CertificateSettings()
    groups: GroupSettings = GroupSettings()
    areas: Areas = Areas()
    age_bands: list[Choice] = []


# environment variable -> dotted setting
ENV = {
    "HOCSO_LESSONS_DIR": "lessons_dir",
    "HOCSO_DATA_DIR": "data_dir",
    "HOCSO_TIMEZONE": "timezone",
    "REDIS_URL": "redis.url",
    "HOCSO_REDIS_PREFIX": "redis.prefix",
    "DATABASE_URL": "database.url",
    "TELEGRAM_BOT_TOKEN": "telegram.token",
    "TELEGRAM_BOT_USERNAME": "telegram.username",
    "TELEGRAM_BASE_URL": "telegram.base_url",
    "TELEGRAM_WEBHOOK_URL": "telegram.webhook_url",
    "TELEGRAM_WEBHOOK_SECRET": "telegram.webhook_secret",
    "TELEGRAM_LISTEN": "telegram.listen",
    "TELEGRAM_PORT": "telegram.port",
    "HOCSO_CAMPAIGN_TARGET": "campaign.target",
    "HOCSO_CERTIFICATE_ISSUER": "certificate.issuer",
    "HOCSO_CERTIFICATE_VERIFY_URL": "certificate.verify_url",
    "HOCSO_GROUP_CARD_SECONDS": "groups.card_seconds",
    "HOCSO_GROUP_ANSWER_SECONDS": "groups.answer_seconds",
}


class ConfigError(Exception):
    pass


def load_config(path: Path | None = None, env: dict[str, str] | None = None) -> Config:
    env = dict(os.environ if env is None else env)
    path = path or Path(env.get("HOCSO_CONFIG", "config.yaml"))
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: is not valid YAML ({exc}).") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: should be a mapping of settings.")
    elif "HOCSO_CONFIG" in env:
        raise ConfigError(f"{path}: not found (named by HOCSO_CONFIG).")
    for var, dotted in ENV.items():
        if env.get(var):
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
            f"{path}: {'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}"
            for e in exc.errors()
        ]
        raise ConfigError("\n".join(lines)) from exc
    base = path.parent if path.exists() else Path.cwd()
    config.lessons_dir = _relative_to(base, config.lessons_dir)
    config.data_dir = _relative_to(base, config.data_dir)
    return config


def _relative_to(base: Path, path: Path) -> Path:
    return path if path.is_absolute() else (base / path)
