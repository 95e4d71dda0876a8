"""The engine's settings, and how every part's settings are read: `config.yaml` (or the file
named by HOCSO_CONFIG), then environment variables.

Each part keeps its own section beside its code (the platforms' in handlers/<platform>/
settings.py, Redis's and the database's in storage/, the web page's in web/settings.py);
hocso/settings.py puts them together with this `Config` and reads the whole with
`load_settings`. Every setting has an environment variable (ENV here and in each part); the
environment wins. A bad file stops start-up with one clear line per problem, never a traceback.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar
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


class CertificateSettings(Section):
    issuer: str = ""  # printed under the title, e.g. the provincial committee
    verify_url: str = ""  # the QR code holds this with {code} filled in; empty: the code


class GroupSettings(Section):
    """Group lessons run by a facilitator (docs/groups.md): how long the tutor waits before it
    moves on by itself. 0: only the facilitator moves on."""

    card_seconds: Annotated[int, Field(ge=0, le=3600)] = 90  # a card (or a revealed answer)
    answer_seconds: Annotated[int, Field(ge=0, le=3600)] = 60  # a question, then the answer
    report_in_group: Annotated[int, Field(ge=0)] = 10  # larger classes: /class_report privately


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


class ReminderSettings(Section):
    """Reminders pushed to learners (bot/reminders/routes.py, hocso/reminders.py)."""

    # "21:00-07:00": nothing is sent then; empty: no quiet hours.
    quiet_hours: str = "21:00-07:00"
    nudge_after: int = 7200  # seconds after a learner stopped mid-lesson
    grace: int = 3600  # a reminder later than this (downtime) waits for its next slot
    lease: int = 300  # a claimed reminder not done by then is taken again by another worker
    # Platforms that get reminders (the prefix of a learner's id); others get none. Which
    # ones can be is the registry's to say (handlers/platforms.py): checked by hocso/settings.py.
    platforms: list[str] = ["tg"]

    @field_validator("nudge_after", "grace", "lease", mode="before")
    @classmethod
    def _duration(cls, value: object) -> int:
        return seconds(value)

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
    campaign: CampaignSettings = CampaignSettings()
    certificate: CertificateSettings = CertificateSettings()
    groups: GroupSettings = GroupSettings()
    reminders: ReminderSettings = ReminderSettings()
    areas: Areas = Areas()
    age_bands: list[AgeBand] = []
    # How the tutor addresses a learner whose age band has no `you`, or is not known.
    address: Annotated[str, Field(min_length=1, max_length=20)] = "bác"

    def address_for(self, band: str) -> str:
        return self.addresses.get(band, self.address)

    @functools.cached_property
    def addresses(self) -> dict[str, str]:
        """Age band -> how the tutor addresses its learners, where the band says. Read for
        every text of every turn, so made once (the settings do not change once loaded)."""
        return {b.id: b.you for b in self.age_bands if b.you}

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


# environment variable -> dotted setting (the engine's; the other parts' beside their code,
# all read together by hocso/settings.py)
ENV = {
    "HOCSO_LESSONS_DIR": "lessons_dir",
    "HOCSO_DATA_DIR": "data_dir",
    "HOCSO_TIMEZONE": "timezone",
    "HOCSO_CAMPAIGN_TARGET": "campaign.target",
    "HOCSO_CAMPAIGN_DEADLINE": "campaign.deadline",
    "HOCSO_CERTIFICATE_ISSUER": "certificate.issuer",
    "HOCSO_CERTIFICATE_VERIFY_URL": "certificate.verify_url",
    "HOCSO_GROUP_CARD_SECONDS": "groups.card_seconds",
    "HOCSO_GROUP_ANSWER_SECONDS": "groups.answer_seconds",
    "HOCSO_QUIET_HOURS": "reminders.quiet_hours",
    "HOCSO_NUDGE_AFTER": "reminders.nudge_after",
    "HOCSO_REMINDER_GRACE": "reminders.grace",
    "HOCSO_REMINDER_LEASE": "reminders.lease",
}


# Set but empty means "none" for these (HOCSO_QUIET_HOURS= : no quiet hours).
MAY_BE_EMPTY = {"HOCSO_QUIET_HOURS"}


class ConfigError(Exception):
    pass


C = TypeVar("C", bound=Config)


def load_settings(
    model: type[C],
    variables: Mapping[str, str],
    path: Path | None = None,
    env: Mapping[str, str] | None = None,
    adjust: Callable[[dict[str, Any]], None] = lambda data: None,
) -> C:
    """Settings of `model` (the engine's `Config` or a larger model holding it) from the file,
    then the environment `variables` (name -> dotted setting); `adjust` may move old keys of
    the file to their new place before checking. ConfigError: one line per problem."""
    env = dict(os.environ if env is None else env)
    path = config_path(path, env)
    data: dict[str, Any] = {}
    if path.exists():
        data = _read(path)
    elif "HOCSO_CONFIG" in env:
        raise ConfigError(f"{path}: not found (named by HOCSO_CONFIG).")
    adjust(data)
    for var, dotted in variables.items():
        if env.get(var) or (var in MAY_BE_EMPTY and var in env):
            *parents, leaf = dotted.split(".")
            node = data
            for part in parents:
                if not isinstance(node.get(part), dict):
                    node[part] = {}
                node = node[part]
            node[leaf] = env[var]
    try:
        config = model.model_validate(data)
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


def config_path(path: Path | None = None, env: Mapping[str, str] | None = None) -> Path:
    """The settings file: `path`, else HOCSO_CONFIG, else config.yaml."""
    env = os.environ if env is None else env
    return path or Path(env.get("HOCSO_CONFIG", "config.yaml"))


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
