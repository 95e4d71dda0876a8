"""The Zalo Bot Platform (bot.zapps.me): the adapter, its Bot API client and the sender."""
