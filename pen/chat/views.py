"""Template contexts and HTML pieces shared by the chat's page routes and its streams."""

import hashlib
from datetime import datetime

from flask import current_app, make_response, render_template
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select, update

from pen.chat import picker, service, timefmt
from pen.chat.generation import messages_table, reap_interrupted, registry
from pen.extensions import db
from pen.models import Chat, Message, Provider
from pen.rendering import render_markdown
from pen.web.htmx import render


def chat_page(chat: Chat | None):
    choice = picker.picker_for(current_user, chat)
    context = {
        "chat": chat,
        "picker": choice,
        "chats_list": chat_list_context("", None, None),
        "streaming": False,
    }
    if chat is not None:
        context.update(messages_context(chat))
        if any(m.status == "streaming" for m in context["messages"]) and reap_interrupted(
                current_app.config["PEN_STREAM_STALE_SECONDS"], chat_id=chat.id):
            db.session.expire_all()  # a reply whose server stopped: show it as interrupted
            context.update(messages_context(chat))
        context["streaming"] = any(m.status == "streaming" for m in context["messages"])
    return render("chat/page.html", **context)


def chat_list_context(query: str, after: service.ChatCursor | None, previous_group: str | None) -> dict:
    rows, cursor = service.chat_page(current_user.id, after=after, query=query)
    zone = timefmt.reader_zone()
    today = datetime.now(zone).date()
    items, group = [], previous_group
    for row in rows:
        label = timefmt.group_of(row.timestamp, today, zone)
        items.append({"id": row.id, "name": row.name, "group": label if label != group else None})
        group = label
    return {"items": items, "next_cursor": cursor.encode() if cursor else None, "last_group": group, "query": query}


def messages_context(chat: Chat, before_id: int | None = None) -> dict:
    messages, more = service.message_page(chat.id, before_id=before_id)
    return {
        "chat": chat,
        "messages": messages,
        "versions": service.versions_for(chat.id, messages),
        "more": more,
        "oldest_id": messages[0].id if messages else None,
        "older": before_id is not None,
    }


def message_context(chat: Chat, message: Message) -> dict:
    return {"chat": chat, "m": message, "versions": service.versions_for(chat.id, [message])}


def message_body(message: Message) -> Markup:
    """A reply is markdown; the user's own text is shown exactly as typed (`white-space: pre-wrap`)."""
    return render_markdown(message.content) if message.role == "assistant" else escape(message.content)


def body_update(message_id: int, text: str) -> str:
    """The out-of-band swap that replaces a streaming reply's body with the text so far."""
    return str(Markup('<div id="msg-{0}-body" hx-swap-oob="innerHTML">{1}</div>').format(message_id, render_markdown(text)))


TITLE_WATCH_TRIES = 10  # a look every 2 s for 20 s: the title call's own timeout


def title_tag(name: str) -> str:
    """A digest of a title: the watcher's URL names the title it waits to see replaced without
    putting the user's words in a URL (and so in access logs)."""
    return hashlib.sha256(name.encode()).hexdigest()[:16]


def final_message(message_id: int, watch_title: str | None = None) -> str:
    """The finished message (actions, status, versions), swapped in place of the streaming one.

    `watch_title` is a new chat's automatic title: the message then carries a watcher that picks up
    the title refined in the background (titles.refine) once it is saved, or the new title itself
    when it was saved first."""
    message = db.session.get(Message, message_id, populate_existing=True)
    if message is None:
        return ""
    chat = db.session.get(Chat, message.chat_id)
    context = message_context(chat, message)
    title_changed = watch_title is not None and chat.name != watch_title
    if watch_title and message.status == "complete" and not title_changed:
        context["title_watch"] = {"was": title_tag(watch_title), "left": TITLE_WATCH_TRIES}
    html = render_template("chat/_message.html", oob="outerHTML", **context)
    if title_changed:  # refined (or renamed) before the reply's end was sent: show it now
        html += render_template("chat/_title_watch_done.html", chat=chat, refined=True, watching=False)
    db.session.close()  # hand the connection back while the stream winds down
    return html


def chat_choice(chat: Chat) -> str | None:
    """The picker value of the chat's own provider and model (used when no choice was sent)."""
    provider = db.session.scalars(select(Provider).where(Provider.name == chat.provider)).first()
    return picker.option_value(provider, chat.model) if provider and chat.model else None


def render_turn(chat: Chat, user_message: Message, assistant: Message, *, created: bool) -> str:
    """The first event of a send: the user's bubble and the empty reply, appended to the list;
    for a new chat also its header, the chat list, and the chat id for the composer."""
    context = {"chat": chat, "user_message": user_message, "assistant": assistant, "created": created}
    if created:
        context["chats_list"] = chat_list_context("", None, None)
    return render_template("chat/_turn.html", **context)


def branch_page(chat: Chat):
    """The answer to a regenerate or an edit: the whole list as the branch now is (the turns after
    the changed message leave the page). The button or form that asked is inside the list and is
    replaced, so the new reply follows itself through its own `hx-sse:connect`, like after a reload."""
    return render("chat/_messages.html", "chat/_messages.html", **messages_context(chat))


def retarget(response, selector: str, swap: str = "outerHTML"):
    response.headers["HX-Retarget"] = selector
    response.headers["HX-Reswap"] = swap
    return response


def composer_error(message: str, status: int = 422):
    """An error about what was sent, shown above the composer (not in the conversation)."""
    response = make_response(render_template("chat/_composer_error.html", message=message), status)
    response.headers["HX-Retarget"] = "#composer-error"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


def stop_message(message_id: int) -> None:
    """Ask the generation to stop wherever it runs: now if here, via the database flag if elsewhere."""
    db.session.execute(
        update(messages_table)
        .where(messages_table.c.id == message_id, messages_table.c.status == "streaming")
        .values(stop_requested=True)
    )
    db.session.commit()
    if not registry(current_app._get_current_object()).stop(message_id):
        reap_interrupted(current_app.config["PEN_STREAM_STALE_SECONDS"], chat_id=db.session.get(Message, message_id).chat_id)
