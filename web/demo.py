"""`hocso demo-data`: a made-up but lifelike campaign, so a new user sees a living dashboard.

Learners are simulated through the real course (the lessons in lessons_dir): they start over
some weeks, more of them as the campaign gets known, in the configured wards and in classes;
each takes lessons in order, answers each question with a chance that depends on the learner
and the question, picks the tempting wrong option more often than the others, retakes a
failed lesson or gives up, and some go all the way to the certificate. The rows are written
straight into the reporting tables, as the reporter would have, on platform "demo" so they
can never be mistaken for real learners (and can be deleted with `WHERE platform = 'demo'`).

The same generator feeds bench/web_pages.py with a million learners.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select, text

from bot.certificate.routes import ALPHABET, CODE_LENGTH
from bot.content.lessons import Curriculum, Question, SingleChoice, TrueFalse
from storage.sql.db import Database
from storage.sql.models import Learner
from web.bulk import indexes_after, insert_rows
from web.settings import WebConfig

DEMO_PLATFORM = "demo"
DAY = 86_400.0

# The columns of each table, in the order the generator yields their values.
COLUMNS: dict[str, tuple[str, ...]] = {
    "classes": ("code", "name", "facilitator", "area"),
    "learners": (
        "id", "platform", "platform_user", "locale", "area", "age_band", "class_code",
        "consent_at", "started_at", "profile_at", "active", "paused",
    ),
    "completions": (
        "id", "event_id", "learner_id", "lesson", "lesson_version", "module", "score", "total",
        "passed", "first_pass", "started_at", "finished_at", "in_group",
    ),
    "responses": (
        "id", "event_id", "learner_id", "lesson", "lesson_version", "question", "choice",
        "correct", "review", "answered_at",
    ),
    "module_completions": ("id", "event_id", "learner_id", "module", "finished_at"),
    "certificates": ("code", "event_id", "learner_id", "name", "issued_at"),
}  # fmt: skip

# Made-up names for the certificates (common family, middle and given names).
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Đặng", "Bùi")
MIDDLE = ("Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Kim", "Quốc")
GIVEN = ("An", "Bình", "Cúc", "Dũng", "Hoa", "Hùng", "Lan", "Mai", "Nam", "Phúc", "Sen", "Tâm")
TEAM = ("Tổ công nghệ số", "Lớp kỹ năng số", "Câu lạc bộ học số")


@dataclass
class Plan:
    learners: int = 5000
    weeks: int = 8
    seed: int = 1
    learners_per_class: int = 60
    in_class: float = 0.6  # share of learners who join with a class link
    keep_going: float = 0.97  # chance to start the next lesson after one
    end: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class Rows:
    """A batch of rows per table, as tuples in COLUMNS order."""

    tables: dict[str, list[tuple]] = field(default_factory=lambda: {t: [] for t in COLUMNS})

    def add(self, table: str, *values: object) -> None:
        self.tables[table].append(values)

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


@dataclass(frozen=True)
class _Question:
    id: str
    ease: float  # how likely a learner of average ability gets it right
    right: int  # the option index of the right answer; -1: a typed answer
    options: int
    tempting: int  # the wrong option most often chosen


class _Course:
    """What the simulation needs of the curriculum, prepared once."""

    def __init__(self, curriculum: Curriculum, rng: random.Random) -> None:
        self.lessons: list[tuple[str, int, str, int, list[_Question]]] = []
        self.module_last: dict[str, str] = {}  # module -> its last lesson
        self.core_last = ""  # the lesson that completes the last core module, in order
        for module in curriculum.modules:
            for lesson in module.lessons:
                need = -(-len(lesson.questions) * lesson.pass_mark // 100)
                questions = [self._question(q, rng) for q in lesson.questions]
                self.lessons.append((lesson.id, lesson.version, module.id, need, questions))
            if module.lessons:
                self.module_last[module.id] = module.lessons[-1].id
        core = [m for m in curriculum.modules if m.info.core and m.lessons]
        self.core_modules = {m.id for m in core}
        self.module_lessons = {m.id: {x.id for x in m.lessons} for m in curriculum.modules}

    @staticmethod
    def _question(q: Question, rng: random.Random) -> _Question:
        ease = rng.uniform(0.55, 0.97)
        if isinstance(q, SingleChoice):
            right = next(i for i, o in enumerate(q.options) if o.correct)
            wrong = [i for i in range(len(q.options)) if i != right]
            return _Question(q.id, ease, right, len(q.options), rng.choice(wrong))
        if isinstance(q, TrueFalse):
            right = int(q.answer)
            return _Question(q.id, ease, right, 2, 1 - right)
        return _Question(q.id, ease, -1, 0, -1)  # typed: no option to count


def _code(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(CODE_LENGTH))


def classes_for(wards: Sequence[str], plan: Plan, rng: random.Random) -> list[tuple[str, str]]:
    """(code, ward) of the demo's classes, a few per ward."""
    count = max(1, round(plan.learners * plan.in_class / plan.learners_per_class))
    return [(f"DEMO-{i + 1:04d}", wards[i % len(wards)]) for i in range(count)]


def generate(
    curriculum: Curriculum, wards: Sequence[str], age_bands: Sequence[str], plan: Plan
) -> Iterator[Rows]:
    """The demo's rows, a few hundred learners per batch; ids start at 1 (an empty database)."""
    rng = random.Random(plan.seed)
    course = _Course(curriculum, rng)
    real_wards = [w for w in wards if w != "khac"] or list(wards) or [""]
    classes = classes_for(real_wards, plan, rng)
    by_ward: dict[str, list[str]] = {}
    batch = Rows()
    for code, ward in classes:
        by_ward.setdefault(ward, []).append(code)
        facilitator = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        batch.add("classes", code, f"{rng.choice(TEAM)} {code[-4:]}", facilitator, ward)
    # Some wards are busier than others.
    weights = [rng.uniform(0.3, 3.0) for _ in real_wards]
    end = plan.end.timestamp()
    begin = end - plan.weeks * 7 * DAY
    ids = {"completions": 0, "responses": 0, "module_completions": 0}

    def next_id(table: str) -> int:
        ids[table] += 1
        return ids[table]

    # Event ids in ascending order (a run's random prefix, then a count): each insert into
    # their unique index lands at its end. Random ids, as the bot makes, land anywhere in it,
    # and once the index outgrows SQLite's cache every insert reads a page from disk: the
    # demo took 16 s for 5,000 learners but 313 s for 50,000.
    prefix = f"{rng.getrandbits(48):012x}"
    events = iter(range(1, 1 << 80))

    def event_id() -> str:
        return f"{prefix}{next(events):020x}"

    for learner_id in range(1, plan.learners + 1):
        # More learners start as the campaign gets known: later days are likelier.
        start = begin + (end - begin) * rng.random() ** 0.6
        ward = rng.choices(real_wards, weights)[0] if rng.random() > 0.08 else ""
        klass = ""
        if ward and ward in by_ward and rng.random() < plan.in_class:
            klass = rng.choice(by_ward[ward])
        age = rng.choice(age_bands) if age_bands and rng.random() > 0.1 else ""
        at = _utc(start)
        batch.add(
            "learners", learner_id, DEMO_PLATFORM, f"d{learner_id}", "vi", ward, age, klass,
            at, at, at, rng.random() > 0.03, False,
        )  # fmt: skip
        _simulate(course, rng, learner_id, start, end, plan, batch, next_id, event_id)
        if learner_id % 500 == 0:
            yield batch
            batch = Rows()
    if len(batch):
        yield batch


def _simulate(
    course: _Course,
    rng: random.Random,
    learner_id: int,
    start: float,
    end: float,
    plan: Plan,
    batch: Rows,
    next_id,  # noqa: ANN001
    event_id,  # noqa: ANN001
) -> None:
    ability = rng.uniform(-0.15, 0.12)
    pace = rng.uniform(0.3, 2.5)  # days between lessons
    now = start + rng.uniform(60, 3600)
    done: set[str] = set()
    finished_modules: set[str] = set()
    for lesson_id, version, module, need, questions in course.lessons:
        if now >= end:
            return
        for attempt in range(3):
            began = now
            score = 0
            for q in questions:
                now += rng.uniform(15, 90)
                if now >= end:
                    return  # still in this lesson when the campaign's data ends
                right = rng.random() < min(0.99, q.ease + ability + 0.05 * attempt)
                if q.right < 0:
                    choice = None
                elif right:
                    choice = q.right
                elif rng.random() < 0.65:
                    choice = q.tempting
                else:
                    choice = rng.choice([i for i in range(q.options) if i != q.right])
                score += right
                batch.add(
                    "responses", next_id("responses"), event_id(), learner_id, lesson_id,
                    version, q.id, choice, right, False, _utc(now),
                )  # fmt: skip
            now += rng.uniform(20, 120)
            if now >= end:
                return
            passed = score >= need
            first = passed and lesson_id not in done
            batch.add(
                "completions", next_id("completions"), event_id(), learner_id, lesson_id,
                version, module, score, len(questions), passed, first, _utc(began), _utc(now),
                False,
            )  # fmt: skip
            if passed:
                done.add(lesson_id)
                break
            if rng.random() > 0.75:  # gives up on this lesson, and on the course
                return
            now += rng.uniform(0.2, 2.0) * DAY
            if now >= end:
                return
        else:
            return
        if course.module_lessons[module] <= done and module not in finished_modules:
            finished_modules.add(module)
            batch.add(
                "module_completions", next_id("module_completions"), event_id(), learner_id,
                module, _utc(now),
            )  # fmt: skip
            issued = now + rng.uniform(30, 300)
            if (
                course.core_modules <= finished_modules
                and module in course.core_modules
                and issued < end
            ):
                name = ""
                if rng.random() < 0.75:
                    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                batch.add(
                    "certificates", _code(rng), event_id(), learner_id, name, _utc(issued),
                )  # fmt: skip
        if rng.random() > plan.keep_going:
            return
        now += rng.expovariate(1 / pace) * DAY if rng.random() < 0.7 else rng.uniform(60, 900)


def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


class NotEmpty(Exception):
    """The database holds learners already: demo data would mix with real numbers."""


async def fill(
    db: Database, curriculum: Curriculum, config: WebConfig, plan: Plan
) -> dict[str, int]:
    """Write a demo campaign into an empty reporting database; returns rows per table."""
    await db.ensure_schema()
    async with db.session() as s:
        if await s.scalar(select(func.count()).select_from(Learner)):
            raise NotEmpty("the database already holds learners")
    wards = [w.id for w in config.areas.wards]
    bands = [b.id for b in config.age_bands]
    counts = dict.fromkeys(COLUMNS, 0)
    async with db.engine.begin() as conn, indexes_after(conn, list(COLUMNS)):
        for rows in generate(curriculum, wards, bands, plan):
            for name, columns in COLUMNS.items():  # in the order foreign keys need
                # Tuples straight to the driver (COPY, executemany): an insert of dicts
                # made 10,000 rows a second.
                await insert_rows(conn, name, columns, rows.tables[name])
                counts[name] += len(rows.tables[name])
        if conn.dialect.name == "postgresql":
            # The rows came with their ids: move each id sequence past them for the reporter.
            for name in ("learners", "completions", "responses", "module_completions"):
                await conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT coalesce(max(id), 0) + 1 FROM {name}), false)"
                    )
                )
    return counts
