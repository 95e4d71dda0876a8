"""Declared routing: a feature adds a button, a command or a pushed turn in its own module."""

from __future__ import annotations

import pytest

from bot.config import Config
from bot.content.lessons import Curriculum
from bot.engine import Engine
from bot.events import Event
from bot.features import build_engine
from bot.learner import Stage
from bot.payloads import Payload
from bot.router import Router, Routes, Screen
from bot.turn import Turn
from storage.redis.state import StateStore

# A whole feature in a few lines, as a new module would declare it.
waving = Router("waving")


class Wave(Payload, prefix="wave"):
    times: int


@waving.command("wave")
def offer_wave(turn: Turn) -> None:
    turn.say("👋?", [turn.button("btn_menu", Wave(2))])


@waving.button(Wave)
def on_wave(turn: Turn, tap: Wave) -> None:
    turn.learner.streak += tap.times  # something that is stored, so the test can see it
    turn.say("👋" * tap.times)


@waving.push("wave-reminder")
def wave_reminder(turn: Turn) -> None:
    turn.say("👋 Nhớ bác quá!")


@pytest.fixture
def waving_engine(store: StateStore, curriculum: Curriculum, config: Config) -> Engine:
    return build_engine(store, curriculum, config, routers=(waving,))


@pytest.fixture
def chat(make_chat, waving_engine: Engine):
    return make_chat(waving_engine)


async def test_a_feature_module_adds_a_command_and_a_button(chat, store: StateStore) -> None:
    await chat.onboard()
    await chat.send("/wave")
    await chat.tap("Về menu")
    assert chat.text == "👋👋"
    fields, _ = await store.load(chat.user)
    assert fields["sk"] == "2"


async def test_its_button_waits_for_onboarding(chat) -> None:
    await chat.send("/start")  # now asked for consent
    await chat.event(Event(chat.user, "button", payload=Wave(1).pack()))
    assert "👋👋" not in chat.text
    assert "Đồng ý" in chat.text  # the question again


async def test_a_pushed_turn_reaches_only_learners_who_can_get_it(
    chat,
    waving_engine: Engine,
) -> None:
    assert await waving_engine.push(chat.user, "wave-reminder") == []  # never met
    await chat.onboard()
    replies = await waving_engine.push(chat.user, "wave-reminder")
    assert [r.text for r in replies] == ["👋 Nhớ bác quá!"]
    await chat.send("/stop")
    assert await waving_engine.push(chat.user, "wave-reminder") == []


def test_two_features_cannot_claim_the_same_command() -> None:
    other = Router("other")
    other.command("wave")(lambda turn: None)
    with pytest.raises(ValueError, match="'wave' is routed twice: by waving and other"):
        Routes((waving, other))


def test_every_stage_can_be_shown_again() -> None:
    from bot.features import all_routes

    assert set(all_routes().showers) == set(Stage)


def test_every_screen_shown_by_name_is_declared_once() -> None:
    """A feature shows another's screen by name (turn.show): each name has its screen, so
    none can fail at a learner's tap, and a second claim is refused at start."""
    from bot.features import all_routes

    assert set(all_routes().screens) == set(Screen)
    other = Router("other")
    other.screen(Screen.MENU)(lambda turn: None)
    with pytest.raises(ValueError, match="is routed twice: by menu and other"):
        all_routes(other)


def test_after_a_lesson_the_certificate_comes_before_the_profile_and_the_menu_last() -> None:
    from bot.features import all_routes

    owners = [route.owner for route in all_routes().after_lessons]
    assert owners == ["certificate", "onboarding", "confirm", "menu"]
