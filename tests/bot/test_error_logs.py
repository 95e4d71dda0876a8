"""When a turn fails, the log says which kind of action failed and for whom by a pseudonym:
never the learner's platform id, name, username or what they typed."""

from __future__ import annotations

import logging

from bot.events import Event
from bot.features import build_engine
from bot.log_ids import pseudonym
from bot.router import Router

PHONE = "0912345678"
NAME = "Nguyễn Văn Bình"
HANDLE = "binh_cantho"
USER = "tg:424242"


def broken_engine(store, curriculum, config, clock):
    broken = Router("broken")

    @broken.command("so")
    def fail(turn) -> None:
        # A bug whose message quotes what the learner typed, as real ones do.
        raise ValueError(f"cannot read {turn.event.text!r} for {turn.event.name}")

    return build_engine(store, curriculum, config, clock=clock, routers=(broken,))


def logged(caplog) -> str:
    """Everything the log handlers would write, tracebacks included."""
    formatter = logging.Formatter()
    return "\n".join(formatter.format(record) for record in caplog.records)


async def test_a_failed_turn_logs_no_name_and_no_words(
    store, curriculum, config, clock, make_chat, caplog
):
    engine = broken_engine(store, curriculum, config, clock)
    await make_chat(engine, USER).onboard()
    caplog.clear()
    event = Event(USER, "command", command="so", text=PHONE, name=NAME, username=HANDLE)
    with caplog.at_level(logging.INFO):
        replies = await engine.handle(event)
    assert "Xin lỗi" in replies[0].text  # the learner still gets an apology
    text = logged(caplog)
    assert "failed to handle a command from" in text and "ValueError" in text
    assert pseudonym(USER) in text  # lines about one learner can be matched
    for secret in (PHONE, NAME, HANDLE, USER, "424242"):
        assert secret not in text, secret


def test_a_pseudonym_is_stable_in_a_process_and_hides_the_id():
    assert pseudonym("tg:1") == pseudonym("tg:1") != pseudonym("tg:2")
    assert pseudonym("tg:424242").startswith("tg~") and "424242" not in pseudonym("tg:424242")
