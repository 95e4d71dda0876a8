"""A small hand-written aiogram 3 tutor with Redis FSM storage: a peer for the benchmark.

What a quiz tutor minimally does per tap, as hocso does: stop the spinner, show the chosen
answer in place of the question (an edit, keyboard gone), send the next question with its
buttons, and keep the learner's place in Redis (aiogram's RedisStorage: state and data).

Usage: BOT_TOKEN=... API=http://127.0.0.1:PORT REDIS_URL=redis://...
       python bench/peers/aiogram_tutor.py
"""

from __future__ import annotations

import asyncio
import os

from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

QUESTIONS = [
    ("Biểu tượng nào mở Cài đặt?", ["Bánh răng", "Máy ảnh", "Điện thoại"]),
    ("Ai hỏi mã OTP thì bác làm gì?", ["Không đưa", "Đưa ngay", "Hỏi lại"]),
    ("Số khẩn cấp cứu thương là?", ["115", "113", "114"]),
]


class Quiz(StatesGroup):
    asking = State()


def question(index: int) -> tuple[str, InlineKeyboardMarkup]:
    text, options = QUESTIONS[index % len(QUESTIONS)]
    rows = [
        [InlineKeyboardButton(text=o, callback_data=f"a:{index}:{i}")]
        for i, o in enumerate(options)
    ]
    return f"❓ {text}", InlineKeyboardMarkup(inline_keyboard=rows)


async def start(message: Message, state: FSMContext) -> None:
    await state.set_state(Quiz.asking)
    await state.update_data(step=0, score=0)
    text, markup = question(0)
    await message.answer(text, reply_markup=markup)


async def answer(query: CallbackQuery, state: FSMContext) -> None:
    data = await state.get_data()
    step = int(data.get("step", 0))
    _, asked, chosen = (query.data or "a:0:0").split(":")
    if int(asked) != step:
        await query.answer("Câu này đã trả lời rồi.")
        return
    right = chosen == "0"
    await state.update_data(step=step + 1, score=int(data.get("score", 0)) + right)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(
            f"{query.message.text}\n→ {'Đúng' if right else 'Chưa đúng'}"
        )
        text, markup = question(step + 1)
        await query.message.answer(text, reply_markup=markup)


async def main() -> None:
    api = TelegramAPIServer.from_base(os.environ["API"])
    bot = Bot(os.environ["BOT_TOKEN"], session=AiohttpSession(api=api))
    dp = Dispatcher(storage=RedisStorage.from_url(os.environ["REDIS_URL"]))
    dp.message.register(start, CommandStart())
    dp.callback_query.register(answer, Quiz.asking, F.data.startswith("a:"))
    await dp.start_polling(bot, polling_timeout=10, handle_signals=True)


if __name__ == "__main__":
    asyncio.run(main())
