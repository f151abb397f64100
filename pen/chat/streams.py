"""Send, regenerate, edit-and-resend, switch version, stop, and follow a reply live.

A POST that starts a reply saves the user's words and a `streaming` assistant row in one
transaction and starts the generation (its own thread). A send from the composer then hands its
database connection back and answers `text/event-stream`: first the new bubbles, then the reply's
body as it grows, then the finished message. A regenerate or an edit answers the redrawn branch,
whose new reply follows itself with `GET /messages/<id>/stream`, the same stream that follows a
reply already running here or on another worker (reload, reopened chat, dropped connection).
"""

from flask import Response, current_app, request, stream_with_context
from flask_login import current_user

from pen import connections
from pen.chat import service, turns, views
from pen.chat.forms import MessageForm, SendForm, SwitchForm
from pen.chat.generation import Turn, registry
from pen.chat.picker import ChoiceError, parse_choice
from pen.chat.relay import DatabaseSource, LiveSource, relay, sse
from pen.chat.routes import bp
from pen.extensions import db, limiter
from pen.models import Chat, Message, Provider
from pen.providers import ProviderSpec
from pen.web.htmx import render


def send_limit() -> str:
    return current_app.config["PEN_SEND_LIMIT"]


def user_key() -> str:
    return f"user:{current_user.get_id().partition(':')[0]}"


class Refused(Exception):
    """Nothing was saved; the message tells the user why."""


def resolve(form_model: str | None, chat: Chat | None) -> tuple[Provider, str, str | None]:
    """The provider, model and key for a new reply, before anything is written."""
    try:
        choice, model = parse_choice(form_model, current_user, chat)
        return choice.provider, model, connections.key_of(choice.provider, choice.connection)
    except (ChoiceError, connections.NoKey, connections.KeyUnreadable) as exc:
        raise Refused(str(exc)) from exc


def start_reply(chat: Chat, reply: turns.Reply, provider: Provider, key: str | None, model: str,
                auto_title: str | None = None):
    turn = Turn(
        message_id=reply.assistant.id,
        chat_id=chat.id,
        provider=ProviderSpec.of(provider),
        api_key=key,
        model=model,
        messages=reply.conversation,
        system=chat.system_prompt,
        auto_title=auto_title,
    )
    return registry(current_app._get_current_object()).start(turn)


def sse_response(chunks) -> Response:
    response = Response(stream_with_context(chunks), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache, no-transform"
    response.headers["X-Accel-Buffering"] = "no"  # tell nginx not to buffer the stream
    return response


def follow(source, message_id: int, first: str | None = None, watch_title: str | None = None):
    return relay(source, lambda text: views.body_update(message_id, text),
                 lambda: views.final_message(message_id, watch_title), first=first)


def event_stream(generation, first: str | None) -> Response:
    db.session.close()  # the stream holds no database connection while it waits on the provider
    return sse_response(follow(LiveSource(generation), generation.message_id, first,
                               watch_title=generation.turn.auto_title))


@bp.post("/chats/send")
@limiter.limit(send_limit, key_func=user_key)
def send():
    form = SendForm()
    if not form.validate_on_submit():
        return views.composer_error(next(iter(form.errors.values()))[0])
    chat = service.get_chat_or_404(int(form.chat_id.data)) if (form.chat_id.data or "").isdigit() else None
    try:
        provider, model, key = resolve(form.model.data, chat)
        created = chat is None
        if created:
            chat = Chat(user_id=current_user.id, name=service.auto_title(form.message.data), provider=provider.name,
                        model=model, system_prompt=(form.system_prompt.data or "").strip() or None)
            db.session.add(chat)
            db.session.flush()
            reply = turns.ask(chat, None, form.message.data, provider.name, model)
        else:
            reply = turns.send(chat, form.message.data, provider.name, model)
    except (Refused, turns.TurnRefused) as exc:
        db.session.rollback()
        return views.composer_error(str(exc), 409 if isinstance(exc, turns.TurnRefused) else 422)
    generation = start_reply(chat, reply, provider, key, model, auto_title=chat.name if created else None)
    first = views.render_turn(chat, reply.user_message, reply.assistant, created=created)
    return event_stream(generation, first)


@bp.post("/messages/<int:message_id>/regenerate")
@limiter.limit(send_limit, key_func=user_key)
def regenerate(message_id: int):
    message, chat = service.get_message_or_404(message_id)
    form = MessageForm()
    try:
        provider, model, key = resolve(form.model.data or views.chat_choice(chat), chat)
        reply = turns.regenerate(chat, message, provider.name, model)
    except (Refused, turns.TurnRefused) as exc:
        db.session.rollback()
        return views.composer_error(str(exc), 409)
    start_reply(chat, reply, provider, key, model)
    return views.branch_page(chat)


@bp.route("/messages/<int:message_id>/edit", methods=["GET", "POST"])
@limiter.limit(send_limit, key_func=user_key, methods=["POST"])
def edit(message_id: int):
    message, chat = service.get_message_or_404(message_id)
    if message.role != "user":
        return views.composer_error("Only your own messages can be edited.", 409)
    form = MessageForm(data={"message": message.content}) if request.method == "GET" else MessageForm()
    if request.method == "GET":
        return render("chat/_edit.html", "chat/_edit.html", m=message, chat=chat, form=form)
    if not form.validate_on_submit():
        page = render("chat/_edit.html", "chat/_edit.html", m=message, chat=chat, form=form, status=422)
        return views.retarget(page, f"#msg-{message.id}")
    return resend(chat, message, form)


def resend(chat: Chat, message: Message, form: MessageForm):
    try:
        provider, model, key = resolve(form.model.data or views.chat_choice(chat), chat)
        reply = turns.edit(chat, message, form.message.data, provider.name, model)
    except (Refused, turns.TurnRefused) as exc:
        db.session.rollback()
        return views.composer_error(str(exc), 409)
    start_reply(chat, reply, provider, key, model)
    return views.branch_page(chat)


@bp.post("/messages/<int:message_id>/switch")
def switch(message_id: int):
    message, chat = service.get_message_or_404(message_id)
    form = SwitchForm()
    if not form.validate_on_submit():
        return views.composer_error("That version does not exist.", 404)
    try:
        turns.switch_version(chat, message, form.to.data)
    except turns.TurnRefused as exc:
        return views.composer_error(str(exc), 409)
    return render("chat/_messages.html", "chat/_messages.html", **views.messages_context(chat))


@bp.post("/chats/stop")
def stop_all():
    """Stop whatever is being written in the composer's chat."""
    chat_id = request.form.get("chat_id", "")
    if not chat_id.isdigit():
        return "", 204
    chat = service.get_chat_or_404(int(chat_id))
    for message_id in service.streaming_message_ids(chat.id):
        views.stop_message(message_id)
    return "", 204


@bp.post("/messages/<int:message_id>/stop")
def stop(message_id: int):
    message, _ = service.get_message_or_404(message_id)
    if message.status == "streaming":
        views.stop_message(message.id)
    return "", 204


@bp.get("/messages/<int:message_id>/stream")
def tail(message_id: int):
    """Follow a reply that is being written: from memory if it runs here, else from checkpoints."""
    message, _ = service.get_message_or_404(message_id)
    app = current_app._get_current_object()
    if message.status != "streaming":
        source = None
    else:
        generation = registry(app).get(message.id)
        source = LiveSource(generation) if generation else DatabaseSource(app, message.id)
    db.session.close()
    if source is None:  # finished meanwhile: just the final message
        return sse_response(iter([sse(views.final_message(message.id))]))
    return sse_response(follow(source, message.id))
