"""Group lessons: one lesson taught to a whole group chat at once.

Two words, each with one meaning here:
- a **group** is the chat (a Telegram group) where a lesson is taught: its state (`state`),
  its turns (`chats`), its screens (`routes`), its texts (`texts`) and its own reminder time
  (`schedule`);
- a **class** is what an official registers (`hocso class add`): a code, a name, a facilitator
  and perhaps a weekly time (`class_schedule`). A group may be the group of a class; learners
  join a class by its link.
"""
