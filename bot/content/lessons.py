"""Lesson content: typed models, the YAML loader and its validation messages.

Authors are teachers and volunteers, so every problem is reported as one line:
file, the field's path, what is wrong and how to fix it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

# Chat limits: a Telegram message holds 4096 characters and a photo caption 1024;
# we keep cards well under the caption limit so any card can ride under its image.
CARD_MAX = 900
PROMPT_MAX = 600
FEEDBACK_MAX = 600
BUTTON_MAX = 60
TITLE_MAX = 80
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,29}$"


T = TypeVar("T")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Model):
    """A text in each language: `vi` required, `en` optional; a plain string means `vi`."""

    max_len: ClassVar[int] = CARD_MAX
    vi: str
    en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_string_is_vi(cls, value: Any) -> Any:
        return {"vi": value} if isinstance(value, str) else value

    @field_validator("vi", "en")
    @classmethod
    def _fits_a_chat(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not value:
            raise ValueError("the text is empty | write the text, or remove the field")
        if len(value) > cls.max_len:
            raise ValueError(
                f"the text has {len(value)} characters; at most {cls.max_len} fit"
                " | shorten it (a long card can be split into two cards)"
            )
        return value

    def get(self, lang: str) -> str:
        return (self.en if lang == "en" else None) or self.vi


class CardText(Text):
    max_len = CARD_MAX


class PromptText(Text):
    max_len = PROMPT_MAX


class FeedbackText(Text):
    max_len = FEEDBACK_MAX


class Label(Text):
    """Button labels: short enough to read on a small phone without being cut."""

    max_len = BUTTON_MAX


class Title(Text):
    max_len = TITLE_MAX


class Card(Model):
    type: Literal["card"]
    text: CardText
    image: str | None = None
    image_alt: FeedbackText | None = None  # describes the picture, or the slot still to fill
    audio: str | None = None
    join: bool = False  # shown in one message with the card before it (no picture or sound)

    @model_validator(mode="after")
    def _join_without_media(self) -> Card:
        if self.join and (self.image or self.audio):
            raise ValueError(
                "a card with a picture or sound cannot `join` the one before"
                " | remove `join: true`, or move the picture to a card of its own"
            )
        return self


class Option(Model):
    text: Label
    correct: bool = False
    feedback: FeedbackText | None = None


class _Question(Model):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    prompt: PromptText
    explanation: FeedbackText
    image: str | None = None
    # In group lessons: a native quiz poll where the question fits the chat app's limits, or
    # inline buttons (a poll reveals the answer to each member as they vote).
    group: Literal["poll", "buttons"] = "poll"


class SingleChoice(_Question):
    type: Literal["single"]
    options: Annotated[list[Option], Field(min_length=2, max_length=6)]

    @field_validator("options")
    @classmethod
    def _one_correct(cls, options: list[Option]) -> list[Option]:
        if sum(o.correct for o in options) != 1:
            raise ValueError(
                "exactly one option must be correct | mark the right option `correct: true`"
            )
        return options


class TrueFalse(_Question):
    type: Literal["truefalse"]
    answer: bool
    feedback_true: FeedbackText | None = None
    feedback_false: FeedbackText | None = None


class Accepted(Model):
    vi: Annotated[list[str], Field(min_length=1)]
    en: list[str] | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_list_is_vi(cls, value: Any) -> Any:
        return {"vi": value} if isinstance(value, list | str) else value

    @field_validator("vi", "en", mode="before")
    @classmethod
    def _one_is_a_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class Typed(_Question):
    type: Literal["typed"]
    accept: Accepted
    hint: FeedbackText | None = None  # shown on "💡 Gợi ý"; without it, the answer's first letters
    # Wrong answers worth offering as choices after two hints (bot/hints.py), best first;
    # without them, wrong ones are taken from the question's and the lesson's data.
    wrong: Accepted | None = None


Question = SingleChoice | TrueFalse | Typed
Step = Annotated[Card | SingleChoice | TrueFalse | Typed, Field(discriminator="type")]


class Lesson(Model):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    version: Annotated[int, Field(ge=1)]
    order: Annotated[int, Field(ge=1)]
    title: Title
    objectives: Annotated[list[FeedbackText], Field(min_length=1)]
    minutes: Annotated[int, Field(ge=1, le=15)]
    pass_mark: Annotated[int, Field(ge=0, le=100)] = 70
    sources: list[str] = []
    steps: Annotated[list[Step], Field(min_length=1, max_length=20)]

    @field_validator("steps")
    @classmethod
    def _unique_question_ids(cls, steps: list[Step]) -> list[Step]:
        seen: set[str] = set()
        for step in steps:
            if not isinstance(step, Card):
                if step.id in seen:
                    raise ValueError(
                        f"question id {step.id!r} is used twice | give each question its own id"
                    )
                seen.add(step.id)
        if not seen:
            raise ValueError("the lesson has no question | add at least one question step")
        return steps

    @property
    def questions(self) -> list[Question]:
        return [s for s in self.steps if not isinstance(s, Card)]

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)


class ModuleInfo(Model):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    order: Annotated[int, Field(ge=1)]
    title: Title
    description: FeedbackText | None = None
    core: bool = True


@dataclass(frozen=True)
class Module:
    info: ModuleInfo
    lessons: tuple[Lesson, ...]
    folder: Path  # lesson media paths are relative to it
    files: dict[str, Path] = field(default_factory=dict)  # lesson id -> its YAML file

    @property
    def id(self) -> str:
        return self.info.id


@dataclass(frozen=True)
class Curriculum:
    modules: tuple[Module, ...]

    def __post_init__(self) -> None:
        index = {lesson.id: (m, lesson) for m in self.modules for lesson in m.lessons}
        object.__setattr__(self, "_index", index)
        # In course order, made once: `next_lesson` runs on every reminder.
        object.__setattr__(self, "_order", tuple(lesson for _, lesson in index.values()))
        object.__setattr__(self, "_memo", {})

    def memo(self, key: Hashable, make: Callable[[], T]) -> T:
        """What `make` derives from this course, made once per `key`: the course never changes
        once loaded, so what is worked out from it (the wrong answers a hint offers) is kept."""
        memo: dict[Hashable, Any] = self._memo  # type: ignore[attr-defined]
        if key not in memo:
            memo[key] = make()
        return memo[key]

    @property
    def lessons(self) -> list[Lesson]:
        return list(self._order)  # type: ignore[attr-defined]

    def lesson(self, lesson_id: str) -> Lesson | None:
        found = self._index.get(lesson_id)  # type: ignore[attr-defined]
        return found[1] if found else None

    def module_of(self, lesson_id: str) -> Module | None:
        found = self._index.get(lesson_id)  # type: ignore[attr-defined]
        return found[0] if found else None

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)

    def next_lesson(self, done: set[str]) -> Lesson | None:
        """The first lesson, in course order, that is not done yet."""
        order: tuple[Lesson, ...] = self._order  # type: ignore[attr-defined]
        return next((lesson for lesson in order if lesson.id not in done), None)


# -- loading and error reporting ----------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}. Fix: {self.fix}"


class LessonError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


_FIXES = {
    "missing": "add this field",
    "extra_forbidden": "remove this field or check its spelling",
    "string_too_long": "shorten the text (split a long card into two cards)",
    "string_too_short": "write some text here",
    "too_short": "add more items",
    "too_long": "remove some items",
    "string_pattern_mismatch": "use lower-case letters, digits and '-', at most 30 characters",
    "union_tag_invalid": "use one of: card, single, truefalse, typed",
    "union_tag_not_found": "add `type:` (card, single, truefalse or typed)",
    "int_parsing": "write a whole number",
    "bool_parsing": "write true or false",
    "greater_than_equal": "use a larger number",
    "less_than_equal": "use a smaller number",
}


_UNION_BRANCHES = {"card", "single", "truefalse", "typed"}


def _field_path(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item in _UNION_BRANCHES or str(item).startswith("function-"):
            continue  # pydantic's union branch names mean nothing to an author
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "(top level)"


def _problems_from(error: ValidationError, file: str) -> list[Problem]:
    problems = []
    for e in error.errors():
        message = e["msg"].removeprefix("Value error, ")
        fix = _FIXES.get(e["type"], "see lessons/README.md for the format")
        if " | " in message:  # our own validators say "what is wrong | how to fix it"
            message, fix = message.split(" | ", 1)
        problems.append(Problem(file, _field_path(e["loc"]), message, fix))
    return problems


_UNREADABLE = object()


def _read_yaml(path: Path, problems: list[Problem]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        what = getattr(exc, "problem", None) or "unreadable"
        problems.append(
            Problem(
                str(path),
                where,
                f"is not valid YAML ({what})",
                "check indentation, and put text with ':', '?' or '#' in quotes",
            )
        )
    except UnicodeDecodeError:
        problems.append(Problem(str(path), "(file)", "is not UTF-8 text", "save it as UTF-8"))
    except FileNotFoundError:
        problems.append(Problem(str(path), "(file)", "not found", "create it"))
    return _UNREADABLE


def _parse(model: type[Model], data: Any, path: Path, problems: list[Problem]) -> Any:
    if data is _UNREADABLE:
        return None
    if not isinstance(data, dict):
        problems.append(
            Problem(str(path), "(top level)", "is not a mapping of fields", "start with `id:`")
        )
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(_problems_from(exc, str(path)))
        return None


def inside(path: Path, root: Path) -> bool:
    """Whether `path` (after following `..` and links) lies within `root`."""
    return path.resolve().is_relative_to(root.resolve())


def _check_media(lesson: Lesson, path: Path, problems: list[Problem]) -> None:
    lessons_dir = path.parent.parent  # a module's folder sits in the lessons directory
    for i, step in enumerate(lesson.steps):
        for name in ("image", "audio"):
            rel = getattr(step, name, None)
            if rel and not inside(path.parent / rel, lessons_dir):
                problems.append(
                    Problem(
                        str(path),
                        f"steps[{i}].{name}",
                        f"{rel!r} is outside the lessons folder",
                        "put the file beside the lesson and give its name, e.g. hinh.png",
                    )
                )
            elif rel and not (path.parent / rel).is_file():
                problems.append(
                    Problem(
                        str(path),
                        f"steps[{i}].{name}",
                        f"file {rel!r} not found",
                        "put the file beside the lesson or correct the path",
                    )
                )


def load_module(folder: Path, problems: list[Problem]) -> Module | None:
    """A module is a folder holding `module.yaml` and one YAML file per lesson."""
    info_path = folder / "module.yaml"
    info = _parse(ModuleInfo, _read_yaml(info_path, problems), info_path, problems)
    lessons: list[Lesson] = []
    files: dict[str, Path] = {}
    for path in sorted(folder.glob("*.y*ml")):
        if path.name in ("module.yaml", "module.yml"):
            continue
        lesson = _parse(Lesson, _read_yaml(path, problems), path, problems)
        if lesson:
            _check_media(lesson, path, problems)
            lessons.append(lesson)
            files[lesson.id] = path
    lessons.sort(key=lambda lesson: lesson.order)
    orders = [lesson.order for lesson in lessons]
    if len(set(orders)) != len(orders):
        problems.append(
            Problem(str(folder), "order", "two lessons share an order number", "renumber them")
        )
    return Module(info, tuple(lessons), folder, files) if info else None


def load_curriculum(root: Path) -> Curriculum:
    """Load every module folder under `root` (or the one module `root` is); raise LessonError
    listing all problems."""
    problems: list[Problem] = []
    if not root.is_dir():
        raise LessonError(
            [Problem(str(root), "(folder)", "not found", "point lessons_dir at the lessons")]
        )
    one_module = (root / "module.yaml").is_file()  # a module's own folder, to check just it
    folders = [root] if one_module else sorted(p.parent for p in root.glob("*/module.y*ml"))
    if not folders:
        problems.append(
            Problem(str(root), "(folder)", "holds no module", "add a folder with module.yaml")
        )
    modules = [m for m in (load_module(f, problems) for f in folders) if m]
    _check_unique(modules, problems)
    if problems:
        raise LessonError(problems)
    return Curriculum(tuple(sorted(modules, key=lambda m: m.info.order)))


def _check_unique(modules: list[Module], problems: list[Problem]) -> None:
    seen_modules: dict[str, str] = {}
    seen_lessons: dict[str, str] = {}
    for m in modules:
        if m.id in seen_modules:
            problems.append(Problem(m.id, "id", "module id used twice", "give each a new id"))
        seen_modules[m.id] = m.id
        for lesson in m.lessons:
            if lesson.id in seen_lessons:
                problems.append(
                    Problem(
                        f"{m.id}/{lesson.id}",
                        "id",
                        f"lesson id also used in module {seen_lessons[lesson.id]}",
                        "give each lesson its own id",
                    )
                )
            seen_lessons[lesson.id] = m.id


# Both are pure and called on the same few texts every turn (the course's answers, options and
# cards, matched against what the learner typed): cached, they cost a dict lookup instead of a
# pass over each character (py-spy: 4 % of the Telegram path's CPU before). Only short texts
# are kept, so a flood of long messages cannot fill memory.
FOLDED = 8192  # texts kept: the course's (a few thousand) and recent learners' inputs
FOLDED_LEN = 300  # characters: longer texts are folded each time, not kept


def normalize_answer(text: str) -> str:
    """Fold case, spaces and Vietnamese diacritics so "Khong " matches "không"."""
    return _normalize_kept(text) if len(text) <= FOLDED_LEN else _normalize(text)


def fold(text: str) -> str:
    """Lower case, no accents, no emoji or punctuation: "✅ Đồng ý!" -> "dong y"."""
    return _fold_kept(text) if len(text) <= FOLDED_LEN else _fold(text)


def _normalize(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", bare).strip().casefold()


def _fold(text: str) -> str:
    bare = normalize_answer(text)
    return " ".join(re.sub(r"[^\w\s?]|_", " ", bare).split())


_normalize_kept = functools.lru_cache(maxsize=FOLDED)(_normalize)
_fold_kept = functools.lru_cache(maxsize=FOLDED)(_fold)
