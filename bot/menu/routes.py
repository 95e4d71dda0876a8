"""The main menu and what hangs off it: topics, progress, settings, help, pause, erase."""

from __future__ import annotations

from bot import learner as st
from bot.certificate.routes import ShowCertificate
from bot.content.lessons import fold
from bot.content.progress import certificate_earned
from bot.events import Button, Reply
from bot.learner import Stage
from bot.lesson import review, tutor
from bot.menu import texts  # noqa: F401  (registers the texts)
from bot.payloads import Payload
from bot.reminders.routes import RemindMenu
from bot.router import Router, Screen
from bot.turn import Turn

router = Router("menu")


class ShowMenu(Payload, prefix="menu"):
    pass


class Modules(Payload, prefix="mods"):
    pass


class Module(Payload, prefix="mod"):
    module: str


class Progress(Payload, prefix="prog"):
    pass


class Settings(Payload, prefix="set"):
    pass


class Setting(Payload, prefix="s"):
    which: str  # "lang", "area", "age" or "forget"


class Help(Payload, prefix="help"):
    pass


class Forget(Payload, prefix="f"):
    answer: str  # "yes" erases everything


def menu_buttons(turn: Turn) -> list[list[Button]]:
    rows = [
        [turn.button("btn_continue", tutor.Resume())],
        [turn.button("btn_modules", Modules())],
    ]
    due = len(review.due(turn))
    second = [turn.button("btn_progress", Progress())]
    if due:
        second.append(turn.button("btn_review", tutor.StartReview(), n=due))
    rows.append(second)
    if turn.learner.certificate or certificate_earned(turn.curriculum, turn.learner.done):
        rows.append([turn.button("btn_certificate", ShowCertificate())])
    rows.append([turn.button("btn_settings", Settings()), turn.button("btn_help", Help())])
    return rows


def screen(turn: Turn, view: str) -> None:
    """A menu screen is shown: the learner is in the menu (a lesson in progress waits for
    "Học tiếp"), and which screen it is is kept so it can be shown again."""
    if turn.learner.stage in (Stage.LESSON, Stage.REVIEW):
        turn.learner.stage = Stage.MENU
    turn.learner.view = view


@router.command("menu")
@router.button(ShowMenu)
@router.screen(Screen.MENU)
def show_menu(turn: Turn, _: object = None) -> None:
    screen(turn, "")
    turn.say(turn.t("menu"), *menu_buttons(turn))


@router.shows(Stage.MENU)
def show_view(turn: Turn) -> None:
    """The menu screen the learner was on, again."""
    view = turn.learner.view
    if view == "mods":
        return show_modules(turn)
    if view.startswith("m:") and turn.curriculum.module(view[2:]):
        return show_module(turn, Module(view[2:]))
    if view == "set":
        return show_settings(turn)
    if view == "end":
        return turn.show(Screen.AFTER_LESSON)
    show_menu(turn)


@router.text(Stage.MENU)
def on_text(turn: Turn, text: str) -> bool:
    """A topic's or a lesson's name typed on the menu opens it. (A time, "20:30", is read by
    the engine after this, on every screen: bot/reminders/routes.py `on_typed`.)"""
    said = fold(text)
    if len(said) < 3:
        return False
    modules = [m for m in turn.curriculum.modules if said in fold(_title(turn, m))]
    if len(modules) == 1:
        show_module(turn, Module(modules[0].id))
        return True
    lessons = [x for x in turn.curriculum.lessons if said in fold(x.title.get(turn.lang))]
    if len(lessons) == 1:
        turn.tap(tutor.StartLesson(lessons[0].id))
        return True
    return False


def _title(turn: Turn, module: object) -> str:
    return module.info.title.get(turn.lang)  # type: ignore[attr-defined]


@router.after_lesson(rank=100)
def after_lesson(turn: Turn, passed: bool) -> bool:
    """Last in the chain after a lesson (bot/lesson/tutor.py): what next, on the menu."""
    turn.show(Screen.AFTER_LESSON)
    return True


@router.screen(Screen.AFTER_LESSON)
def show_after_lesson(turn: Turn) -> None:
    """After a lesson: try the failed one again (or, after a few tries, another one first),
    or the next lesson; then the rest of the menu (and what features add: bot/reminders/)."""
    screen(turn, "end")
    learner = turn.learner
    retry = turn.curriculum.lesson(learner.retry) if learner.retry else None
    rows: list[list[Button]] = []
    if retry and retry.id not in learner.done:
        again = turn.button("btn_retry", tutor.Retry(retry.id))
        other = turn.curriculum.next_lesson({*learner.done, retry.id})
        if learner.fails >= tutor.GIVE_A_BREAK and other:
            rows.append([turn.button("btn_other_lesson", tutor.StartLesson(other.id))])
        rows.append([again])
    else:
        rows.append([turn.button("btn_next_lesson", tutor.Resume())])
    turn.say(turn.t("menu"), *rows, *menu_buttons(turn)[1:])


@router.button(Modules)
@router.screen(Screen.MODULES)
def show_modules(turn: Turn, _: object = None) -> None:
    screen(turn, "mods")
    done = set(turn.learner.done)
    rows = []
    for module in turn.curriculum.modules:
        finished = sum(lesson.id in done for lesson in module.lessons)
        mark = "✅" if finished == len(module.lessons) else f"{finished}/{len(module.lessons)}"
        label = f"{module.info.order}. {module.info.title.get(turn.lang)} ({mark})"
        rows.append([Button(label, Module(module.id).pack())])
    rows.append([turn.button("btn_menu", ShowMenu())])
    turn.say(turn.t("choose_module"), *rows)


@router.button(Module)
def show_module(turn: Turn, tap: Module) -> None:
    module = turn.curriculum.module(tap.module)
    if module is None:
        turn.notice("stale_button")
        return show_modules(turn)
    screen(turn, f"m:{module.id}")
    done = set(turn.learner.done)
    rows = []
    for lesson in module.lessons:
        mark = "✅ " if lesson.id in done else ""
        label = f"{mark}{module.info.order}.{lesson.order} {lesson.title.get(turn.lang)}"
        rows.append([Button(label, tutor.StartLesson(lesson.id).pack())])
    rows.append([turn.button("btn_modules", Modules())])
    title = module.info.title.get(turn.lang)
    turn.say(turn.t("choose_lesson", module=title), *rows)


@router.command("progress")
@router.button(Progress)
def show_progress(turn: Turn, _: object = None) -> None:
    screen(turn, "")
    curriculum, done = turn.curriculum, set(turn.learner.done)
    total = len(curriculum.lessons)
    finished = sum(lesson.id in done for lesson in curriculum.lessons)
    modules_done = sum(all(x.id in done for x in m.lessons) for m in curriculum.modules)
    lines = [
        turn.t(
            "progress",
            done=finished,
            total=total,
            percent=round(100 * finished / total) if total else 0,
            modules_done=modules_done,
            modules=len(curriculum.modules),
            streak=streak_line(turn),
            due=len(review.due(turn)),
        ),
        "",
    ]
    for m in curriculum.modules:
        count = sum(x.id in done for x in m.lessons)
        mark = "✅" if count == len(m.lessons) else "▫️"
        star = " ⭐" if m.info.core else ""
        lines.append(f"{mark} {m.info.title.get(turn.lang)}{star}: {count}/{len(m.lessons)}")
    if any(m.info.core for m in curriculum.modules):
        lines += ["", turn.t("core_legend")]
    turn.say("\n".join(lines), *menu_buttons(turn))


def streak_line(turn: Turn) -> str:
    """Kind words about the streak: never a zero to feel bad about."""
    days = review.streak(turn)
    line = turn.t("streak_days", n=days) if days else turn.t("streak_start")
    rest = turn.learner.freezes
    return f"{line} {turn.t('streak_rest', n=rest)}" if rest and days else line


def where(turn: Turn) -> str:
    """Where the learner is in the course: "Bác đang ở bài 1.2 – Wi-Fi và dữ liệu"."""
    learner, course = turn.learner, turn.curriculum
    lesson = course.lesson(learner.lesson) if learner.lesson else None
    key = "where_now"
    if lesson is None:
        lesson, key = course.next_lesson(set(learner.done)), "where_next"
    module = course.module_of(lesson.id) if lesson else None
    if lesson is None or module is None:
        return ""
    number = f"{module.info.order}.{lesson.order}"
    return turn.t(key, number=number, title=lesson.title.get(turn.lang))


@router.push("returning")
@router.screen(Screen.WELCOME_BACK)
def welcome_back(turn: Turn) -> None:
    """A learner back after some days: where they are, in one line."""
    place = where(turn)
    turn.say(f"{turn.t('welcome_back')}\n{place}" if place else turn.t("welcome_back"))


@router.command("settings")
@router.button(Settings)
def show_settings(turn: Turn, _: object = None) -> None:
    screen(turn, "set")
    rows = [
        [turn.button("btn_lang", Setting("lang")), turn.button("btn_area", Setting("area"))],
        [turn.button("btn_age", Setting("age")), turn.button("btn_forget", Setting("forget"))],
    ]
    if turn.can_push:  # (no reminders on the console, nor yet on Zalo)
        rows.append([turn.button("btn_remind_settings", RemindMenu())])
    turn.say(turn.t("settings"), *rows, [turn.button("btn_menu", ShowMenu())])


@router.button(Setting)
def on_setting(turn: Turn, tap: Setting) -> None:
    """Change one profile setting: a detour through that onboarding question."""
    if tap.which == "forget":
        return ask_forget(turn)
    asks = {"lang": Stage.LANG, "area": Stage.AREA, "age": Stage.AGE}
    if tap.which not in asks:
        return turn.notice("stale_button")
    st.detour(turn.learner, asks[tap.which])
    turn.learner.settings_only = True
    turn.learner.area_page = 0  # a fresh question: the wards from the first page
    turn.reshow()  # that stage's question (bot/onboarding/)


@router.command("help", anywhere=True)
@router.button(Help)
def show_help(turn: Turn, _: object = None) -> None:
    screen(turn, "")
    turn.say(turn.t("help", how=turn.t("help_how")), *menu_buttons(turn))


@router.command("stop", anywhere=True)
def pause(turn: Turn) -> None:
    if not turn.learner.consent_at:
        return decline(turn)
    turn.learner.paused = True
    turn.emit("paused")
    turn.say(turn.t("paused"))


@router.command("forget", anywhere=True)
def on_forget_command(turn: Turn) -> None:
    if not turn.learner.consent_at:
        return decline(turn)
    ask_forget(turn)


def decline(turn: Turn) -> None:
    """/stop or /forget before consent: nothing of this learner is kept."""
    turn.erase = True
    turn.say(turn.t("declined"))


@router.shows(Stage.FORGET)
@router.text(Stage.FORGET)
def ask_forget(turn: Turn, _: object = None) -> None:
    st.detour(turn.learner, st.FORGET)
    turn.say(
        turn.t("forget_confirm"),
        [turn.button("forget_yes", Forget("yes")), turn.button("forget_no", Forget("no"))],
    )


@router.button(Forget, stages={Stage.FORGET})
def on_forget(turn: Turn, tap: Forget) -> None:
    if tap.answer == "yes":
        turn.erase = True  # what features keep besides the state goes too (`router.erasing`)
        turn.emit("forget")
        # `erased` tells an adapter that keeps something of its own about the learner (the
        # Zalo OA: a phone number) to erase it too.
        turn.add(Reply(turn.t("forgotten"), meta=(("erased", "yes"),)))
        return
    st.come_back(turn.learner)
    turn.say(turn.t("kept"))
    turn.reshow()
