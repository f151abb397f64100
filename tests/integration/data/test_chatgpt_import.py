"""Importing ChatGPT's conversations.json (and the export .zip) through the "Your data" page."""

import io
import zipfile

from sqlalchemy import select

from pen.extensions import db
from pen.models import Chat, Message
from tests.integration.data.conftest import FIXTURES, upload

SAMPLE = (FIXTURES / "chatgpt_conversations.json").read_bytes()


def chats_of(app, user_id: int) -> dict[str, list[Message]]:
    with app.app_context():
        chats = db.session.scalars(select(Chat).where(Chat.user_id == user_id).order_by(Chat.id)).all()
        result = {}
        for chat in chats:
            result[chat.name] = db.session.scalars(select(Message).where(Message.chat_id == chat.id).order_by(Message.id)).all()
            for message in result[chat.name]:
                db.session.expunge(message)
        return result


def test_chatgpt_export_becomes_chats_of_the_current_branch(app, client, login, make_user):
    user_id = make_user()
    login(user_id)
    response = upload(client, SAMPLE, "conversations.json")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "Imported from the ChatGPT export:</strong> 6 chats with 14 messages" in page
    assert "Left out:" in page and "tool message" in page and "non-text message (thoughts)" in page
    chats = chats_of(app, user_id)
    assert list(chats) == ["Kyoto in April", "Weather in Porto", "What plant is this?", "Average of numbers", "Haiku",
                           "Untitled conversation"]
    kyoto = chats["Kyoto in April"]
    assert [(m.role, m.content) for m in kyoto] == [
        ("user", "Plan three days in Kyoto in April."),
        ("assistant", "Day 1: Fushimi Inari. Day 2: Arashiyama. Day 3: Gion."),
        ("user", "And where should I eat?"),
        ("assistant", "Try Nishiki Market for street food, and Pontocho for dinner."),  # the regenerated version shown last
    ]
    assert [m.parent_id for m in kyoto] == [None] + [m.id for m in kyoto[:-1]]
    assert all(m.active and m.status == "complete" and m.provider == "OpenAI" for m in kyoto)
    assert kyoto[1].model == "gpt-4o" and kyoto[0].timestamp.isoformat() == "2024-03-01T18:00:10.500000"
    porto = chats["Weather in Porto"]
    assert [(m.role, m.content, m.model) for m in porto] == [
        ("user", "What's the weather in Porto tomorrow?", None),
        ("assistant", "Tomorrow in Porto: around 18 °C with light rain.\n\nTake an umbrella.", "o3")]
    assert [m.content for m in chats["What plant is this?"]] == ["What plant is this?", "It looks like a *Monstera deliciosa*."]
    assert chats["Average of numbers"][1].content == "The average is **6**."
    assert chats["Haiku"][1].content.startswith("Soft rain on the roof")
    assert [m.content for m in chats["Untitled conversation"]] == ["Remember that I like tea.", "Noted: you like tea."]


def test_importing_the_same_chatgpt_export_again_adds_nothing(app, client, login, make_user):
    user_id = make_user()
    login(user_id)
    upload(client, SAMPLE, "conversations.json")
    page = upload(client, SAMPLE, "conversations.json").get_data(as_text=True)
    assert "0 chats with 0 messages" in page and "Already here, not duplicated: 6 chats" in page
    assert len(chats_of(app, user_id)) == 6


def test_the_whole_chatgpt_export_zip_is_accepted(app, client, login, make_user):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("user.json", "{}")
        zipped.writestr("conversations.json", SAMPLE)
        zipped.writestr("chat.html", "<html></html>")
    user_id = make_user()
    login(user_id)
    response = upload(client, archive.getvalue(), "chatgpt-export.zip")
    assert response.status_code == 200 and "6 chats with 14 messages" in response.get_data(as_text=True)
