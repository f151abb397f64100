"""Chat pages: home (a new chat), a conversation, the chat list, older messages, rename, delete,
the model and the system prompt. Sending and streaming live in `streams.py`."""

from datetime import datetime

from flask import Blueprint, abort, request, url_for
from flask_login import current_user, login_required

from pen.chat import service, timefmt, views
from pen.chat.forms import ModelForm, RenameForm, SystemPromptForm
from pen.chat.picker import ChoiceError, parse_choice
from pen.extensions import db
from pen.web.htmx import redirect_to, render

bp = Blueprint("chat", __name__)


@bp.before_request
@login_required
def require_sign_in():
    return None


@bp.get("/")
def home():
    return views.chat_page(None)


@bp.get("/c/<int:chat_id>")
def view_chat(chat_id: int):
    return views.chat_page(service.get_chat_or_404(chat_id))  # it also marks a reply left by a stopped server


@bp.get("/chats")
def chat_list():
    after = service.ChatCursor.decode(request.args.get("after"))
    chats_list = views.chat_list_context(request.args.get("q", "").strip()[:100], after, request.args.get("group"))
    return render("chat/_chat_list_page.html", "chat/_chat_list_page.html", chats_list=chats_list)


@bp.get("/c/<int:chat_id>/messages")
def older_messages(chat_id: int):
    chat = service.get_chat_or_404(chat_id)
    before = request.args.get("before", type=int) or abort(404)
    return render("chat/_messages.html", "chat/_messages.html", **views.messages_context(chat, before_id=before))


@bp.get("/messages/<int:message_id>")
def message(message_id: int):
    """The message again (an edit cancelled), with the focus back on its Edit button."""
    item, chat = service.get_message_or_404(message_id)
    return render("chat/_message.html", "chat/_message.html", focus_edit=True, **views.message_context(chat, item))


@bp.get("/c/<int:chat_id>/title")
def title(chat_id: int):
    """The header again (a rename cancelled), with the focus back on the title."""
    return render("chat/_header.html", "chat/_header.html", chat=service.get_chat_or_404(chat_id), focus_title=True)


@bp.get("/c/<int:chat_id>/title/refined")
def refined_title(chat_id: int):
    """A new chat's watcher asks whether its title was refined: once it was, the header and the
    chat's link in the list; until then the watcher again, a few more times; then nothing."""
    chat = service.get_chat_or_404(chat_id)
    was = request.args.get("was", "")
    left = min(request.args.get("left", 0, type=int), views.TITLE_WATCH_TRIES)
    unchanged = views.title_tag(chat.name) == was
    if unchanged and left > 0:
        return render("chat/_title_watch.html", "chat/_title_watch.html", chat=chat,
                      title_watch={"was": was, "left": left - 1})
    return render("chat/_title_watch_done.html", "chat/_title_watch_done.html", chat=chat, refined=not unchanged)


@bp.route("/c/<int:chat_id>/rename", methods=["GET", "POST"])
def rename(chat_id: int):
    chat = service.get_chat_or_404(chat_id)
    form = RenameForm(obj=chat) if request.method == "GET" else RenameForm()
    if form.validate_on_submit():
        service.rename_chat(chat, form.name.data)
        return render("chat/_renamed.html", "chat/_renamed.html", chat=chat,
                      chats_list=views.chat_list_context("", None, None))
    status = 422 if form.is_submitted() else 200
    return render("chat/_rename.html", "chat/_rename.html", chat=chat, form=form, status=status)


@bp.post("/c/<int:chat_id>/delete")
def delete(chat_id: int):
    chat = service.get_chat_or_404(chat_id)
    for message_id in service.streaming_message_ids(chat.id):
        views.stop_message(message_id)
    service.delete_chat(chat)
    return redirect_to(url_for("chat.home"))


@bp.post("/c/<int:chat_id>/model")
def choose_model(chat_id: int):
    chat = service.get_chat_or_404(chat_id)
    form = ModelForm()
    if not form.validate_on_submit():
        abort(422)
    try:
        choice, model = parse_choice(form.model.data, current_user, chat)
    except ChoiceError as exc:
        return views.composer_error(str(exc))
    chat.provider, chat.model = choice.provider.name, model
    db.session.commit()
    return "", 204


@bp.route("/c/<int:chat_id>/system", methods=["GET", "POST"])
def system_prompt(chat_id: int):
    chat = service.get_chat_or_404(chat_id)
    form = SystemPromptForm(obj=chat) if request.method == "GET" else SystemPromptForm()
    editing = request.method == "GET" and request.args.get("edit") == "1"
    if form.validate_on_submit():
        chat.system_prompt = (form.system_prompt.data or "").strip() or None
        db.session.commit()
    elif form.is_submitted():
        return render("chat/_system_prompt.html", "chat/_system_prompt.html", chat=chat, form=form, editing=True,
                      status=422)
    return render("chat/_system_prompt.html", "chat/_system_prompt.html", chat=chat, form=form, editing=editing)


@bp.app_template_global("message_body")
def message_body(message) -> str:
    return views.message_body(message)


@bp.app_template_filter("short_time")
def short_time_filter(moment: datetime | None) -> str:
    return timefmt.short_time(moment, timefmt.reader_zone())


@bp.app_template_filter("iso_time")
def iso_time_filter(moment: datetime | None) -> str:
    return timefmt.iso(moment)


from pen.chat import streams  # noqa: E402,F401 - registers the streaming routes on `bp`
