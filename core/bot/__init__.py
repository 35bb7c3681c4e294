"""The bot's whole turn, framework-free: knowledge (FAQ index, intent head), policy, language,
wording; `Bot.respond` decides, `take_turns` decides and stores in one transaction."""
