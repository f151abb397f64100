"""Moving data in and out of Pen.

Operators: adopt a Prisma-created Pen AI / Wingman database (`adopt`), secure its plain-text
secrets (`legacy`), import users and chats from Nova (`nova`). Users: export their data
(`export`) and import a Pen export or a ChatGPT `conversations.json` (`importers`, `restore`).
"""
