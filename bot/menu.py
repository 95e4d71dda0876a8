"""The main menu and what hangs off it: topics, progress, settings, help, pause, erase."""

from __future__ import annotations

from bot import learner as st
from bot import review
from bot.events import Button
from bot.payloads import pack
from bot.turn import Turn


def menu_buttons(turn: Turn) -> list[list[Button]]:
    rows = [[turn.button("btn_continue", "m", "go")], [turn.button("btn_modules", "m", "mods")]]
    due = len(review.due(turn))
    second = [turn.button("btn_progress", "m", "prog")]
    if due:
        second.append(turn.button("btn_review", "m", "rev", n=due))
    rows.append(second)
    if turn.learner.certificate or certificate_earned(turn):
        rows.append([turn.button("btn_certificate", "m", "cert")])
    rows.append([turn.button("btn_settings", "m", "set"), turn.button("btn_help", "m", "help")])
    return rows


def show_menu(turn: Turn) -> None:
    turn.say(turn.t("menu"), *menu_buttons(turn))


def after_lesson_buttons(turn: Turn, retry_lesson: str | None) -> tuple[tuple[Button, ...], ...]:
    first = (
        turn.button("btn_retry", "les", retry_lesson)
        if retry_lesson
        else turn.button("btn_next_lesson", "m", "go")
    )
    return ((first,), *(tuple(r) for r in menu_buttons(turn)[1:]))


def show_modules(turn: Turn) -> None:
    done = set(turn.learner.done)
    rows = []
    for module in turn.curriculum.modules:
        finished = sum(lesson.id in done for lesson in module.lessons)
        mark = "✅" if finished == len(module.lessons) else f"{finished}/{len(module.lessons)}"
        label = f"{module.info.order}. {module.info.title.get(turn.lang)} ({mark})"
        rows.append([Button(label, pack("mod", module.id))])
    rows.append([turn.button("btn_menu", "m", "menu")])
    turn.say(turn.t("choose_module"), *rows)


def show_module(turn: Turn, module_id: str) -> None:
    module = turn.curriculum.module(module_id)
    if module is None:
        turn.notice("stale_button")
        return show_modules(turn)
    done = set(turn.learner.done)
    rows = []
    for lesson in module.lessons:
        mark = "✅ " if lesson.id in done else ""
        label = f"{mark}{module.info.order}.{lesson.order} {lesson.title.get(turn.lang)}"
        rows.append([Button(label, pack("les", lesson.id))])
    rows.append([turn.button("btn_modules", "m", "mods")])
    title = module.info.title.get(turn.lang)
    turn.say(turn.t("choose_lesson", module=title), *rows)


def show_progress(turn: Turn) -> None:
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
            streak=review.streak(turn),
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


def show_settings(turn: Turn) -> None:
    turn.say(
        turn.t("settings"),
        [turn.button("btn_lang", "s", "lang"), turn.button("btn_area", "s", "area")],
        [turn.button("btn_age", "s", "age"), turn.button("btn_forget", "s", "forget")],
        [turn.button("btn_menu", "m", "menu")],
    )


def show_help(turn: Turn) -> None:
    turn.say(turn.t("help"), *menu_buttons(turn))


def pause(turn: Turn) -> None:
    turn.learner.paused = True
    turn.emit("paused")
    turn.say(turn.t("paused"))


def ask_forget(turn: Turn) -> None:
    st.detour(turn.learner, st.FORGET)
    turn.say(
        turn.t("forget_confirm"),
        [turn.button("forget_yes", "f", "yes"), turn.button("forget_no", "f", "no")],
    )


def core_progress(turn: Turn) -> tuple[int, int]:
    """(core modules finished, core modules): the certificate needs them all."""
    core = [m for m in turn.curriculum.modules if m.info.core]
    done = set(turn.learner.done)
    return sum(all(x.id in done for x in m.lessons) for m in core), len(core)


def certificate_earned(turn: Turn) -> bool:
    """Every core module done: the certificate is the learner's to take."""
    finished, total = core_progress(turn)
    return total > 0 and finished == total
